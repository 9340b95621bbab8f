//go:build linux

package family

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// socketTransport is a NETLINK_GENERIC socket. mdlayher/netlink opens it,
// enters the network namespace and sets options; reads and writes go
// through the raw file descriptor so nlctl sees every byte the kernel sends,
// error messages and extended ACKs included.
type socketTransport struct {
	conn *netlink.Conn
	raw  syscall.RawConn
	buf  []byte
}

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
		c.Close()
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

	if opts.ReceiveBuffer > 0 {
		if err := t.conn.SetReadBuffer(opts.ReceiveBuffer); err != nil {
			return fmt.Errorf("set receive buffer to %d bytes: %w", opts.ReceiveBuffer, err)
		}
	}

	for _, g := range opts.Groups {
		if err := t.conn.JoinGroup(g); err != nil {
			return fmt.Errorf("join multicast group %d: %w", g, err)
		}
	}

	raw, err := t.conn.SyscallConn()
	if err != nil {
		return fmt.Errorf("access netlink socket: %w", err)
	}
	t.raw = raw

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
	path := ns
	if !strings.Contains(ns, "/") {
		path = "/run/netns/" + ns
	}

	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &NetNSError{Name: ns, Path: path, Err: err}
		}
		return nil, fmt.Errorf("open network namespace %q: %w", ns, err)
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
