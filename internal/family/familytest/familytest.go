// Package familytest provides a fake kernel for testing code that talks
// generic netlink through a family.Conn, without root and without a socket.
//
// mdlayher/netlink's nltest turns error replies into Go errors before a
// test receives them, which drops most of an extended ACK. This fake works
// on raw datagrams instead, so a test can send any bytes the kernel could.
package familytest

import (
	"encoding/binary"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/wire"
)

// Handler returns the datagrams the kernel would send in reply to one
// request.
type Handler func(req wire.Message) [][]byte

// Kernel is a fake transport. Each Send runs the handler and queues its
// datagrams; Receive returns them in order and times out when none is
// left, as a real socket with a deadline would.
//
// It is also a fake multicast socket: Notify and Overrun queue what
// ReceiveMulticast returns, and ReceiveMulticast waits for them until the
// read deadline, so another goroutine may feed a running monitor. Only
// the multicast methods and SetReadDeadline are safe for concurrent use.
type Kernel struct {
	Handler  Handler
	Requests []wire.Message // every request received, for assertions
	// JoinErr, when set, decides the error JoinGroup returns for a group.
	JoinErr func(group uint32) error

	queue  [][]byte
	closed bool

	mu       sync.Mutex
	wake     chan struct{} // closed and replaced whenever state changes
	deadline time.Time
	mcast    []multicast
	joined   []uint32
	rcvbuf   int
	drops    uint32
}

// multicast is one queued ReceiveMulticast result: a datagram and its
// group, or an overrun.
type multicast struct {
	datagram []byte
	group    uint32
	overrun  bool
}

var (
	_ family.MulticastTransport = (*Kernel)(nil)
	_ family.BufferedReceiver   = (*Kernel)(nil)
)

// Conn returns a family.Conn that talks to the fake kernel.
func (k *Kernel) Conn() *family.Conn { return family.NewConn(k, time.Second) }

// Send records the request and queues the handler's reply.
func (k *Kernel) Send(b []byte) error {
	msgs, err := wire.ParseMessages(append([]byte(nil), b...))
	if err != nil {
		return err
	}

	for _, m := range msgs {
		k.Requests = append(k.Requests, m)
		k.queue = append(k.queue, k.Handler(m)...)
	}

	return nil
}

// Receive returns the next queued datagram.
func (k *Kernel) Receive() ([]byte, error) {
	if len(k.queue) == 0 {
		return nil, os.ErrDeadlineExceeded
	}

	b := k.queue[0]
	k.queue = k.queue[1:]

	return b, nil
}

// ReceiveInto copies the next queued datagram into buf, or into a larger
// buffer when it does not fit, so that dumps take the pipelined path they
// take on a real socket.
func (k *Kernel) ReceiveInto(buf []byte) ([]byte, error) {
	b, err := k.Receive()
	if err != nil {
		return nil, err
	}
	if len(b) > cap(buf) {
		buf = make([]byte, len(b))
	}

	return append(buf[:0], b...), nil
}

// SetReadDeadline bounds ReceiveMulticast. Receive ignores it: an empty
// unicast queue times out at once.
func (k *Kernel) SetReadDeadline(t time.Time) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.deadline = t
	k.signal()

	return nil
}

// PortID returns a fixed port ID.
func (k *Kernel) PortID() uint32 { return 4242 }

// Close marks the kernel closed.
func (k *Kernel) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed = true
	k.signal()

	return nil
}

// Closed reports whether Close was called.
func (k *Kernel) Closed() bool {
	k.mu.Lock()
	defer k.mu.Unlock()

	return k.closed
}

// JoinGroup records the group, or returns the error JoinErr gives for it.
func (k *Kernel) JoinGroup(id uint32) error {
	if k.JoinErr != nil {
		if err := k.JoinErr(id); err != nil {
			return err
		}
	}

	k.mu.Lock()
	defer k.mu.Unlock()
	k.joined = append(k.joined, id)

	return nil
}

// Joined returns the groups joined so far, in order.
func (k *Kernel) Joined() []uint32 {
	k.mu.Lock()
	defer k.mu.Unlock()

	return append([]uint32(nil), k.joined...)
}

// SetReceiveBuffer records the size and reports twice it, as Linux does.
func (k *Kernel) SetReceiveBuffer(bytes int) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.rcvbuf = bytes

	return 2 * bytes, nil
}

// ReceiveBuffer returns the size last passed to SetReceiveBuffer.
func (k *Kernel) ReceiveBuffer() int {
	k.mu.Lock()
	defer k.mu.Unlock()

	return k.rcvbuf
}

// Notify queues a datagram sent to a multicast group.
func (k *Kernel) Notify(group uint32, datagram []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.mcast = append(k.mcast, multicast{datagram: datagram, group: group})
	k.signal()
}

// Overrun queues a receive buffer overrun that dropped the given number of
// messages. As in the kernel, Drops counts them at once, and
// ReceiveMulticast returns ENOBUFS when it reaches the overrun.
func (k *Kernel) Overrun(dropped uint32) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.drops += dropped
	k.mcast = append(k.mcast, multicast{overrun: true})
	k.signal()
}

// ReceiveMulticast returns the next queued notification, waiting for one
// until the read deadline passes or the kernel is closed.
func (k *Kernel) ReceiveMulticast() ([]byte, uint32, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for len(k.mcast) == 0 {
		if k.closed {
			return nil, 0, net.ErrClosed
		}
		if !k.deadline.IsZero() && !time.Now().Before(k.deadline) {
			return nil, 0, os.ErrDeadlineExceeded
		}
		k.wait()
	}

	m := k.mcast[0]
	k.mcast = k.mcast[1:]
	if m.overrun {
		return nil, 0, syscall.ENOBUFS
	}

	return m.datagram, m.group, nil
}

// Drops returns the messages dropped by the overruns queued so far.
func (k *Kernel) Drops() (uint32, error) {
	k.mu.Lock()
	defer k.mu.Unlock()

	return k.drops, nil
}

// signal wakes every waiter. The caller holds k.mu.
func (k *Kernel) signal() {
	if k.wake != nil {
		close(k.wake)
		k.wake = nil
	}
}

// wait releases k.mu until the state changes or the deadline passes, then
// takes it again.
func (k *Kernel) wait() {
	if k.wake == nil {
		k.wake = make(chan struct{})
	}
	wake := k.wake

	var timeout <-chan time.Time
	if !k.deadline.IsZero() {
		timer := time.NewTimer(time.Until(k.deadline))
		defer timer.Stop()
		timeout = timer.C
	}

	k.mu.Unlock()
	select {
	case <-wake:
	case <-timeout:
	}
	k.mu.Lock()
}

// Message builds one reply message to req with the given type, flags and
// payload (everything after the nlmsghdr).
func Message(req wire.Message, typ, flags uint16, payload []byte) []byte {
	b := make([]byte, wire.HeaderLen+len(payload))
	wire.PutHeader(b, wire.Header{Length: uint32(len(b)), Type: typ, Flags: flags,
		Sequence: req.Header.Sequence, PortID: 4242})
	copy(b[wire.HeaderLen:], payload)

	return b
}

// Notification builds a notification as the kernel multicasts it: a
// message of the family's type with sequence number and port ID 0, and
// the given command and attributes.
func Notification(familyID uint16, cmd uint8, attrs []byte) []byte {
	payload := Genl(cmd, attrs)
	b := make([]byte, wire.HeaderLen+len(payload))
	wire.PutHeader(b, wire.Header{Length: uint32(len(b)), Type: familyID})
	copy(b[wire.HeaderLen:], payload)

	return b
}

// Genl builds a generic netlink reply payload: the genlmsghdr and attributes.
func Genl(cmd uint8, attrs []byte) []byte {
	return append([]byte{cmd, 1, 0, 0}, attrs...)
}

// Done builds the NLMSG_DONE that ends a dump.
func Done(req wire.Message) []byte {
	return Message(req, wire.TypeDone, wire.FlagMulti, make([]byte, 4))
}

// Ack builds the acknowledgement of a successful request.
func Ack(req wire.Message) []byte {
	return Error(req, 0, nil)
}

// Error builds an NLMSG_ERROR with the given errno (positive) and
// extended ACK attributes, as a socket with NETLINK_CAP_ACK receives it.
func Error(req wire.Message, errno int32, extack []byte) []byte {
	payload := binary.NativeEndian.AppendUint32(nil, uint32(-errno))
	payload = append(payload, req.Raw[:wire.HeaderLen]...)
	flags := uint16(wire.FlagCapped)
	if len(extack) > 0 {
		flags |= wire.FlagAckTLVs
		payload = append(payload, extack...)
	}

	return Message(req, wire.TypeError, flags, payload)
}

// Datagram joins messages into one datagram, each padded to 4 bytes.
func Datagram(msgs ...[]byte) []byte {
	var b []byte
	for _, m := range msgs {
		b = append(b, m...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}

	return b
}
