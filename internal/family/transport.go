package family

import (
	"strings"
	"time"
)

// Transport moves raw netlink datagrams between nlctl and the kernel. The
// socket implementation sits in transport_linux.go; tests substitute a fake
// kernel.
type Transport interface {
	// Send writes one request datagram.
	Send(b []byte) error
	// Receive reads one datagram, which may hold several messages. The
	// returned slice is valid until the next call.
	Receive() ([]byte, error)
	// SetReadDeadline bounds the next Receive calls.
	SetReadDeadline(t time.Time) error
	// PortID returns the socket's netlink port ID.
	PortID() uint32
	Close() error
}

// MulticastTransport is a Transport that can also join multicast groups
// and receive their notifications. Conn.Monitor needs one.
type MulticastTransport interface {
	Transport
	// JoinGroup joins the multicast group with the given ID. The kernel
	// rejects some groups without CAP_NET_ADMIN; the error then matches
	// os.ErrPermission.
	JoinGroup(id uint32) error
	// SetReceiveBuffer requests a receive buffer of the given size in
	// bytes and returns the size the kernel reports afterwards. That is
	// usually twice the request, because the kernel adds room for its
	// bookkeeping, and net.core.rmem_max may cap it without CAP_NET_ADMIN.
	SetReceiveBuffer(bytes int) (int, error)
	// ReceiveMulticast reads one datagram and the ID of the multicast group
	// it was sent to, or 0 for a unicast message. When the kernel has
	// dropped messages because the receive buffer was full, it returns an
	// error matching syscall.ENOBUFS once, and the next call reads on.
	// SetReadDeadline bounds it as it bounds Receive.
	ReceiveMulticast() ([]byte, uint32, error)
	// Drops returns the number of messages the kernel has dropped for
	// this socket since it was opened.
	Drops() (uint32, error)
}

// DialOptions configure a connection to the kernel.
type DialOptions struct {
	// NetNS is the network namespace to work in: a name under /run/netns or
	// a path such as /proc/PID/ns/net. Empty means the current namespace.
	NetNS string
	// Timeout bounds each round trip with the kernel. Zero means no limit.
	Timeout time.Duration
	// Groups lists multicast group IDs to join after dialing.
	Groups []uint32
	// ReceiveBuffer sets the receive buffer in bytes when positive, as
	// MulticastTransport.SetReceiveBuffer does.
	ReceiveBuffer int
}

// netNSPath returns the file of a network namespace given by name (under
// /run/netns, as `ip netns add` creates it) or by path.
func netNSPath(ns string) string {
	if strings.Contains(ns, "/") {
		return ns
	}

	return "/run/netns/" + ns
}

// BufferedReceiver is a Transport that receives into a buffer its caller
// owns, so one goroutine can read the next datagram of a dump while
// another decodes the last.
type BufferedReceiver interface {
	// ReceiveInto reads one datagram into buf, or into a larger buffer it
	// allocates when the datagram does not fit, and returns the filled
	// slice.
	ReceiveInto(buf []byte) ([]byte, error)
}
