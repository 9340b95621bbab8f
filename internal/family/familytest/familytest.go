// Package familytest provides a fake kernel for testing code that talks
// generic netlink through a family.Conn, without root and without a socket.
//
// mdlayher/netlink's nltest turns error replies into Go errors before a
// test sees them, which drops most of an extended ACK; this fake works on
// raw datagrams instead, so a test can send any bytes the kernel could.
package familytest

import (
	"encoding/binary"
	"os"
	"time"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/wire"
)

// Handler answers one request with the datagrams the kernel would send.
type Handler func(req wire.Message) [][]byte

// Kernel is a fake transport. Each Send runs the handler and queues its
// datagrams; Receive returns them in order and times out when none is
// left, as a real socket with a deadline would.
type Kernel struct {
	Handler  Handler
	Requests []wire.Message // every request received, for assertions
	queue    [][]byte
	closed   bool
}

var _ family.Transport = (*Kernel)(nil)

// Conn returns a family.Conn that talks to the fake kernel.
func (k *Kernel) Conn() *family.Conn { return family.NewConn(k, time.Second) }

// Send records the request and queues the handler's answer.
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

// SetReadDeadline does nothing: an empty queue times out at once.
func (k *Kernel) SetReadDeadline(time.Time) error { return nil }

// PortID returns a fixed port ID.
func (k *Kernel) PortID() uint32 { return 4242 }

// Close marks the kernel closed.
func (k *Kernel) Close() error {
	k.closed = true
	return nil
}

// Closed reports whether Close was called.
func (k *Kernel) Closed() bool { return k.closed }

// Message builds one reply message to req with the given type, flags and
// payload (everything after the nlmsghdr).
func Message(req wire.Message, typ, flags uint16, payload []byte) []byte {
	b := make([]byte, wire.HeaderLen+len(payload))
	wire.PutHeader(b, wire.Header{Length: uint32(len(b)), Type: typ, Flags: flags,
		Sequence: req.Header.Sequence, PortID: 4242})
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
