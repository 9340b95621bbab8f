//go:build linux

package family

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// socketTransport is a NETLINK_GENERIC socket. mdlayher/netlink opens it,
// enters the network namespace and sets options. Reads and writes go
// through the raw file descriptor so nlctl receives every byte the kernel sends,
// error messages and extended ACKs included.
type socketTransport struct {
	conn *netlink.Conn
	raw  syscall.RawConn
	buf  []byte
	oob  []byte
	// pktinfo is set once NETLINK_PKTINFO is on, so that every received
	// datagram carries the multicast group it was sent to.
	pktinfo bool
}

var _ MulticastTransport = (*socketTransport)(nil)

// dialSocket opens a generic netlink socket in the namespace opts names.
func dialSocket(opts DialOptions) (*socketTransport, error) {
	cfg := &netlink.Config{}
	if opts.NetNS != "" {
		f, err := OpenNetNS(opts.NetNS)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		cfg.NetNS = int(f.Fd())
	}

	c, err := netlink.Dial(unix.NETLINK_GENERIC, cfg)
	if err != nil {
		return nil, fmt.Errorf("open generic netlink socket: %w", err)
	}

	t := &socketTransport{conn: c, buf: make([]byte, 64*1024)}
	if err := t.setup(opts); err != nil {
		_ = c.Close()
		return nil, err
	}

	return t, nil
}

func (t *socketTransport) setup(opts DialOptions) error {
	// Extended ACK and strict checking exist since Linux 4.12 and 4.20;
	// capped ACKs keep error replies small.
	for _, o := range []netlink.ConnOption{netlink.ExtendedAcknowledge, netlink.GetStrictCheck, netlink.CapAcknowledge} {
		if err := t.conn.SetOption(o, true); err != nil {
			return fmt.Errorf("set netlink socket option %d: %w", o, err)
		}
	}

	raw, err := t.conn.SyscallConn()
	if err != nil {
		return fmt.Errorf("access netlink socket: %w", err)
	}
	t.raw = raw

	if opts.ReceiveBuffer > 0 {
		if _, err := t.SetReceiveBuffer(opts.ReceiveBuffer); err != nil {
			return err
		}
	}

	for _, g := range opts.Groups {
		if err := t.JoinGroup(g); err != nil {
			return err
		}
	}

	return nil
}

func (t *socketTransport) Send(b []byte) error {
	var serr error
	err := t.raw.Write(func(fd uintptr) bool {
		serr = unix.Sendto(int(fd), b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		return !errors.Is(serr, unix.EAGAIN)
	})
	if err != nil {
		return err
	}

	return serr
}

// ReceiveInto reads one datagram into buf, growing it when the datagram
// is larger.
func (t *socketTransport) ReceiveInto(buf []byte) ([]byte, error) {
	n, err := t.recv(buf[:0], unix.MSG_PEEK|unix.MSG_TRUNC)
	if err != nil {
		return nil, err
	}
	if n > cap(buf) {
		buf = make([]byte, n)
	}

	n, err = t.recv(buf[:cap(buf)], 0)
	if err != nil {
		return nil, err
	}

	return buf[:n], nil
}

func (t *socketTransport) Receive() ([]byte, error) {
	// Peek at the datagram's real size first so a message larger than the
	// buffer arrives whole instead of truncated.
	n, err := t.recv(t.buf[:0], unix.MSG_PEEK|unix.MSG_TRUNC)
	if err != nil {
		return nil, err
	}
	if n > len(t.buf) {
		t.buf = make([]byte, n)
	}

	n, err = t.recv(t.buf, 0)
	if err != nil {
		return nil, err
	}

	return t.buf[:n], nil
}

// ReceiveMulticast reads one datagram with recvmsg, which returns the
// NETLINK_PKTINFO control message that names the datagram's group.
func (t *socketTransport) ReceiveMulticast() ([]byte, uint32, error) {
	if err := t.enablePacketInfo(); err != nil {
		return nil, 0, err
	}

	// A pending ENOBUFS is reported by this first read, before any queued
	// datagram.
	n, err := t.recv(t.buf[:0], unix.MSG_PEEK|unix.MSG_TRUNC)
	if err != nil {
		return nil, 0, err
	}
	if n > len(t.buf) {
		t.buf = make([]byte, n)
	}

	var oobn int
	var rerr error
	err = t.raw.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = unix.Recvmsg(int(fd), t.buf, t.oob, 0)
		return !errors.Is(rerr, unix.EAGAIN)
	})
	if err == nil {
		err = rerr
	}
	if err != nil {
		return nil, 0, err
	}

	return t.buf[:n], packetGroup(t.oob[:oobn]), nil
}

func (t *socketTransport) enablePacketInfo() error {
	if t.pktinfo {
		return nil
	}

	err := t.control(func(fd int) error {
		return unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_PKTINFO, 1)
	})
	if err != nil {
		return fmt.Errorf("enable NETLINK_PKTINFO: %w", err)
	}
	t.pktinfo = true
	t.oob = make([]byte, unix.CmsgSpace(4))

	return nil
}

// packetGroup returns the group of struct nl_pktinfo in a datagram's
// control messages, or 0 when there is none.
func packetGroup(oob []byte) uint32 {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return 0
	}

	for _, m := range msgs {
		if m.Header.Level == unix.SOL_NETLINK && m.Header.Type == unix.NETLINK_PKTINFO && len(m.Data) >= 4 {
			return binary.NativeEndian.Uint32(m.Data)
		}
	}

	return 0
}

// JoinGroup joins a multicast group with NETLINK_ADD_MEMBERSHIP.
func (t *socketTransport) JoinGroup(id uint32) error {
	err := t.control(func(fd int) error {
		return unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(id))
	})
	if err != nil {
		return fmt.Errorf("join multicast group %d: %w", id, err)
	}

	return nil
}

// SetReceiveBuffer sets the receive buffer with SO_RCVBUFFORCE, which
// needs CAP_NET_ADMIN and ignores net.core.rmem_max. Without the
// capability it falls back to SO_RCVBUF, which the kernel caps at
// rmem_max.
func (t *socketTransport) SetReceiveBuffer(bytes int) (int, error) {
	var size int
	err := t.control(func(fd int) error {
		err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, bytes)
		if errors.Is(err, unix.EPERM) {
			err = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, bytes)
		}
		if err != nil {
			return err
		}
		size, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("set receive buffer to %d bytes: %w", bytes, err)
	}

	return size, nil
}

// Drops reads the socket's drop counter (sk_drops) with SO_MEMINFO, which
// exists since Linux 4.12. Netlink counts there every message it could not
// queue because the receive buffer was full.
func (t *socketTransport) Drops() (uint32, error) {
	var info [unix.SK_MEMINFO_VARS]uint32
	err := t.control(func(fd int) error {
		size := uint32(len(info) * 4)
		_, _, errno := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.SOL_SOCKET, unix.SO_MEMINFO,
			uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&size)), 0)
		if errno != 0 {
			return errno
		}
		if size < (unix.SK_MEMINFO_DROPS+1)*4 {
			return fmt.Errorf("SO_MEMINFO returned %d bytes, too few for the drop counter", size)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read socket drop counter: %w", err)
	}

	return info[unix.SK_MEMINFO_DROPS], nil
}

// control runs fn on the socket's file descriptor.
func (t *socketTransport) control(fn func(fd int) error) error {
	var ferr error
	if err := t.raw.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}

	return ferr
}

func (t *socketTransport) recv(b []byte, flags int) (int, error) {
	var n int
	var rerr error
	err := t.raw.Read(func(fd uintptr) bool {
		n, _, rerr = unix.Recvfrom(int(fd), b, flags)
		return !errors.Is(rerr, unix.EAGAIN)
	})
	if err != nil {
		return 0, err
	}

	return n, rerr
}

func (t *socketTransport) SetReadDeadline(d time.Time) error { return t.conn.SetReadDeadline(d) }
func (t *socketTransport) PortID() uint32                    { return t.conn.PID() }
func (t *socketTransport) Close() error                      { return t.conn.Close() }

// OpenNetNS opens a network namespace by name (under /run/netns, as
// `ip netns add` creates it) or by path.
func OpenNetNS(ns string) (*os.File, error) {
	path := netNSPath(ns)
	f, err := os.Open(path)
	if err != nil {
		return nil, &NetNSError{Name: ns, Path: path, Err: err}
	}

	return f, nil
}

// InInitialNetNS reports whether the namespace ns names (the current one
// when empty) is the namespace of PID 1, normally the initial one.
func InInitialNetNS(ns string) (bool, error) {
	path := "/proc/self/ns/net"
	if ns != "" {
		path = ns
		if !strings.Contains(ns, "/") {
			path = "/run/netns/" + ns
		}
	}

	var self, init unix.Stat_t
	if err := unix.Stat(path, &self); err != nil {
		return false, fmt.Errorf("stat network namespace %s: %w", path, err)
	}
	if err := unix.Stat("/proc/1/ns/net", &init); err != nil {
		return false, fmt.Errorf("stat network namespace of PID 1: %w", err)
	}

	return self.Dev == init.Dev && self.Ino == init.Ino, nil
}

// monotonicNow reads CLOCK_MONOTONIC: the time since boot, not counting
// suspend, as the kernel stamps its own log lines.
func monotonicNow() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}

	return time.Duration(ts.Nano())
}
