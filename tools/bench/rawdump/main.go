// Command rawdump is the reference for nlctl's dump benchmarks: it sends
// one generic netlink dump request and reads the replies until NLMSG_DONE
// without decoding them, so its time is what the kernel and the socket
// cost. It resolves the family ID through nlctrl, as nlctl does, and
// enters the network namespace the same way (setns of /run/netns/NAME on a
// locked thread before the socket is opened).
//
//	rawdump -netns NAME -family ethtool -cmd 2
//
// It prints the number of data messages and bytes received to stderr.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

const (
	headerLen     = 16 // struct nlmsghdr
	genlHeaderLen = 4  // struct genlmsghdr
	ctrlID        = 16 // GENL_ID_CTRL
	ctrlGetFamily = 3  // CTRL_CMD_GETFAMILY
	ctrlFamilyID  = 1  // CTRL_ATTR_FAMILY_ID
	ctrlName      = 2  // CTRL_ATTR_FAMILY_NAME
)

func main() {
	netns := flag.String("netns", "", "network namespace: a name under /run/netns or a path")
	family := flag.String("family", "", "generic netlink family name")
	cmd := flag.Uint("cmd", 0, "command number of the dump")
	version := flag.Uint("version", 1, "genlmsghdr version")
	flag.Parse()

	if err := run(*netns, *family, uint8(*cmd), uint8(*version)); err != nil {
		fmt.Fprintln(os.Stderr, "rawdump:", err)
		os.Exit(1)
	}
}

func run(netns, family string, cmd, version uint8) error {
	fd, err := openSocket(netns)
	if err != nil {
		return err
	}
	defer unix.Close(fd)

	buf := make([]byte, 64*1024)
	id, err := resolveFamily(fd, buf, family)
	if err != nil {
		return err
	}

	req := request(id, unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_DUMP, 2, cmd, version, nil)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("send dump request: %w", err)
	}

	messages, bytes := 0, 0
	for {
		n, done, err := receive(fd, buf, func([]byte) { messages++ })
		if err != nil {
			return err
		}
		bytes += n
		if done {
			break
		}
	}
	fmt.Fprintf(os.Stderr, "%d messages, %d bytes\n", messages, bytes)

	return nil
}

// openSocket opens a NETLINK_GENERIC socket inside the namespace netns.
func openSocket(netns string) (int, error) {
	if netns == "" {
		return unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	}
	path := netns
	if !strings.Contains(netns, "/") {
		path = "/run/netns/" + netns
	}

	// setns changes only the calling thread, which stays locked to main's
	// goroutine until the program exits. The socket keeps the namespace it
	// was opened in.
	runtime.LockOSThread()
	nsfd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open network namespace: %w", err)
	}
	defer unix.Close(nsfd)
	if err := unix.Setns(nsfd, unix.CLONE_NEWNET); err != nil {
		return -1, fmt.Errorf("enter network namespace %s: %w", path, err)
	}

	return unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
}

// request builds a generic netlink message with the given attributes.
func request(typ uint16, flags uint16, seq uint32, cmd, version uint8, attrs []byte) []byte {
	b := make([]byte, headerLen+genlHeaderLen, headerLen+genlHeaderLen+len(attrs))
	b = append(b, attrs...)
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.NativeEndian.PutUint16(b[6:], flags)
	binary.NativeEndian.PutUint32(b[8:], seq)
	b[16], b[17] = cmd, version

	return b
}

// resolveFamily returns the ID of the named family.
func resolveFamily(fd int, buf []byte, name string) (uint16, error) {
	value := append([]byte(name), 0)
	attr := binary.NativeEndian.AppendUint16(nil, uint16(4+len(value)))
	attr = binary.NativeEndian.AppendUint16(attr, ctrlName)
	attr = append(attr, value...)
	for len(attr)%4 != 0 {
		attr = append(attr, 0)
	}

	req := request(ctrlID, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 1, ctrlGetFamily, 1, attr)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, fmt.Errorf("send getfamily: %w", err)
	}

	var id uint16
	for {
		_, done, err := receive(fd, buf, func(m []byte) {
			for b := m[headerLen+genlHeaderLen:]; len(b) >= 4; {
				l := int(binary.NativeEndian.Uint16(b))
				if l < 4 || l > len(b) {
					return
				}
				if binary.NativeEndian.Uint16(b[2:])&0x3fff == ctrlFamilyID && l >= 6 {
					id = binary.NativeEndian.Uint16(b[4:])
				}
				b = b[min((l+3)&^3, len(b)):]
			}
		})
		if err != nil {
			return 0, fmt.Errorf("get family %s: %w", name, err)
		}
		if done {
			break
		}
	}
	if id == 0 {
		return 0, fmt.Errorf("family %s not found", name)
	}

	return id, nil
}

// receive reads one datagram and calls fn for each data message in it.
// It reports the datagram's size and whether an NLMSG_DONE or an ACK ended
// the exchange. An error message ends it with an error.
func receive(fd int, buf []byte, fn func([]byte)) (int, bool, error) {
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return 0, false, fmt.Errorf("receive: %w", err)
	}
	if n > len(buf) {
		return 0, false, errors.New("receive: datagram truncated")
	}

	for b := buf[:n]; len(b) >= headerLen; {
		l := int(binary.NativeEndian.Uint32(b))
		if l < headerLen || l > len(b) {
			return n, false, errors.New("malformed message")
		}
		switch binary.NativeEndian.Uint16(b[4:]) {
		case unix.NLMSG_DONE:
			return n, true, nil
		case unix.NLMSG_ERROR:
			if errno := int32(binary.NativeEndian.Uint32(b[headerLen:])); errno != 0 {
				return n, true, unix.Errno(-errno)
			}
			return n, true, nil
		}
		fn(b[:l])
		b = b[min((l+3)&^3, len(b)):]
	}

	return n, false, nil
}
