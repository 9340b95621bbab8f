package family

import "time"

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

// DialOptions configure a connection to the kernel.
type DialOptions struct {
	// NetNS is the network namespace to work in: a name under /run/netns or
	// a path such as /proc/PID/ns/net. Empty means the current namespace.
	NetNS string
	// Timeout bounds each round trip with the kernel. Zero means no limit.
	Timeout time.Duration
	// Groups lists multicast group IDs to join after dialing.
	Groups []uint32
	// ReceiveBuffer sets SO_RCVBUF in bytes when positive.
	ReceiveBuffer int
}
