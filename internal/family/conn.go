package family

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/nlctl/nlctl/internal/wire"
)

// Direction is whether a traced message went to the kernel or came from
// it.
type Direction int

// Directions of a traced message.
const (
	Sent Direction = iota
	Received
)

// Conn is a generic netlink connection. It is not safe for concurrent use.
type Conn struct {
	t       Transport
	timeout time.Duration
	seq     uint32
	// Trace, when set, receives every message sent and received, before any
	// interpretation, for annotated hex output.
	Trace func(Direction, wire.Message)
}

// Dial opens a connection to the kernel's generic netlink.
func Dial(opts DialOptions) (*Conn, error) {
	t, err := dialSocket(opts)
	var sysErr *os.SyscallError
	if err != nil && opts.NetNS != "" && errors.As(err, &sysErr) && sysErr.Syscall == "setns" {
		return nil, &NetNSError{Name: opts.NetNS, Path: netNSPath(opts.NetNS), Err: sysErr.Err}
	}
	if err != nil {
		return nil, err
	}

	c := NewConn(t, opts.Timeout)
	// A time-based first sequence number keeps replies to an earlier process
	// on a reused port ID from being taken for ours.
	c.seq = uint32(time.Now().UnixNano())

	return c, nil
}

// NewConn wraps a transport, such as a fake kernel in tests. Its first
// request has sequence number 1.
func NewConn(t Transport, timeout time.Duration) *Conn {
	return &Conn{t: t, timeout: timeout}
}

// Close closes the socket.
func (c *Conn) Close() error { return c.t.Close() }

// PortID returns the socket's netlink port ID.
func (c *Conn) PortID() uint32 { return c.t.PortID() }

// Result describes how an exchange ended.
type Result struct {
	// Interrupted is set when any reply carried NLM_F_DUMP_INTR: the
	// kernel's data changed during the dump, which may be inconsistent.
	Interrupted bool
	// Warning is an extended ACK message the kernel attached to a
	// successful reply.
	Warning string
}

// Request sends req, a complete netlink message whose sequence number and
// port ID Request fills in, and calls fn for each reply message until the
// exchange ends: at NLMSG_DONE for a dump, at the ACK otherwise. A kernel
// error ends it with a *KernelError. fn receives data messages only; it may stop
// the exchange by returning an error, which Request returns.
func (c *Conn) Request(req []byte, fn func(wire.Message) error) (Result, error) {
	c.seq++
	h, err := wire.ParseHeader(req)
	if err != nil {
		return Result{}, fmt.Errorf("build request: %w", err)
	}
	h.Sequence = c.seq
	h.Length = uint32(len(req))
	wire.PutHeader(req, h)

	if c.Trace != nil {
		msgs, _ := wire.ParseMessages(req)
		for _, m := range msgs {
			c.Trace(Sent, m)
		}
	}
	if err := c.t.Send(req); err != nil {
		return Result{}, fmt.Errorf("send request: %w", err)
	}

	dump := h.Flags&wire.FlagDump == wire.FlagDump
	if br, ok := c.t.(BufferedReceiver); ok && dump {
		return c.receivePipelined(br, req, fn)
	}

	return c.receive(req, dump, fn)
}

func (c *Conn) receive(req []byte, dump bool, fn func(wire.Message) error) (Result, error) {
	var res Result
	for {
		msgs, err := c.receiveDatagram()
		if err != nil {
			return res, err
		}

		for _, m := range msgs {
			if m.Header.Sequence != c.seq {
				continue // a late reply to an earlier request
			}
			if m.Header.Flags&wire.FlagDumpIntr != 0 {
				res.Interrupted = true
			}

			done, err := c.handle(m, req, dump, &res, fn)
			if err != nil || done {
				return res, err
			}
		}
	}
}

// handle processes one reply message and reports whether the exchange is
// over.
func (c *Conn) handle(m wire.Message, req []byte, dump bool, res *Result, fn func(wire.Message) error) (bool, error) {
	switch m.Header.Type {
	case wire.TypeNoop:
		return false, nil
	case wire.TypeOverrun:
		return true, errors.New("kernel reported a receive overrun: replies were lost")
	case wire.TypeError, wire.TypeDone:
		if m.Header.Type == wire.TypeDone && !dump {
			return false, nil
		}
		if m.Header.Type == wire.TypeDone && len(m.Payload) < 4 {
			return true, nil
		}

		em, err := wire.ParseError(m)
		if err != nil {
			return true, fmt.Errorf("malformed reply: %w", err)
		}
		if em.Errno != 0 {
			return true, &KernelError{Errno: syscall.Errno(em.Errno), Message: em, Request: req}
		}

		res.Warning = em.ExtAck.Message
		// An ACK ends a do; a dump ends at NLMSG_DONE, whatever ACKs precede it.
		return m.Header.Type == wire.TypeDone || !dump, nil
	}

	return false, fn(m)
}

func (c *Conn) receiveDatagram() ([]wire.Message, error) {
	if c.timeout > 0 {
		if err := c.t.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
			return nil, fmt.Errorf("set receive deadline: %w", err)
		}
	}

	b, err := c.t.Receive()
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, fmt.Errorf("%w after %v", ErrTimeout, c.timeout)
		}
		return nil, fmt.Errorf("receive reply: %w", err)
	}

	msgs, err := wire.ParseMessages(b)
	if c.Trace != nil {
		for _, m := range msgs {
			c.Trace(Received, m)
		}
	}
	if err != nil {
		return msgs, fmt.Errorf("malformed reply datagram: %w", err)
	}

	return msgs, nil
}
