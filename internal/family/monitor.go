package family

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// Subscription names a family and the multicast groups of it to join.
type Subscription struct {
	Family *Family
	Groups []Group
}

// MonitorOptions configure Conn.Monitor.
type MonitorOptions struct {
	// ReceiveBuffer is the socket receive buffer to request, in bytes.
	// Zero keeps the kernel's default, net.core.rmem_default.
	ReceiveBuffer int
	// Now returns the time a datagram was received. Nil means the system
	// clocks; tests set a fixed clock.
	Now func() Timestamp
}

// Timestamp is the moment nlctl received a notification. The kernel does
// not stamp generic netlink notifications, so this is the receive time.
type Timestamp struct {
	Wall time.Time
	// Mono is CLOCK_MONOTONIC: the time since boot, not counting suspend.
	Mono time.Duration
}

// Notification is one message the kernel sent to a multicast group.
type Notification struct {
	Time Timestamp
	// Family is the monitored family whose ID is the message type, or nil
	// for a message of any other type.
	Family *Family
	// Group is the multicast group the message was sent to. Its ID is 0
	// and its name empty for a unicast message.
	Group Group
	// Message is valid only until the callback returns.
	Message wire.Message
}

// Loss reports notifications the kernel dropped because the socket's
// receive buffer was full. Sequence numbers cannot count them: some
// families share one counter across network namespaces, others send 0.
type Loss struct {
	Time Timestamp
	// Overruns counts the ENOBUFS reports since the monitor started, this
	// one included. The kernel reports ENOBUFS once per overrun, however
	// many messages it drops until the reader catches up.
	Overruns int
	// Dropped is the kernel's count of messages dropped for this socket
	// since it was opened (SO_MEMINFO). It is valid only when HasDropped is
	// set.
	Dropped    uint32
	HasDropped bool
}

// Event is one item that Monitor.Run passes to its callback. Exactly one
// field is set.
type Event struct {
	Notification *Notification
	Loss         *Loss
	// Malformed is a datagram whose framing is broken. The messages before
	// the fault were handed over as notifications first.
	Malformed *MalformedDatagram
}

// MalformedDatagram is a received datagram that does not parse.
type MalformedDatagram struct {
	Time  Timestamp
	Group Group
	Err   error
	// Raw is valid only until the callback returns.
	Raw []byte
}

// ErrStopMonitor ends Monitor.Run without an error when the callback
// returns it.
var ErrStopMonitor = errors.New("stop monitoring")

// Monitor receives the notifications of the multicast groups it joined.
// It is not safe for concurrent use.
type Monitor struct {
	conn     *Conn
	t        MulticastTransport
	families map[uint16]*Family
	groups   map[uint32]Group
	now      func() Timestamp
	rcvbuf   int
	started  Timestamp

	overruns int
	// reported is the drop count of the last Loss.
	reported uint32
}

// Monitor sets the receive buffer, then joins every group of subs. The
// connection should not be used for requests afterwards: their replies
// and the notifications would share one receive queue.
func (c *Conn) Monitor(subs []Subscription, opts MonitorOptions) (*Monitor, error) {
	t, ok := c.t.(MulticastTransport)
	if !ok {
		return nil, errors.New("monitor: this connection cannot join multicast groups")
	}

	m := &Monitor{conn: c, t: t, families: map[uint16]*Family{}, groups: map[uint32]Group{}, now: opts.Now}
	if m.now == nil {
		m.now = func() Timestamp { return Timestamp{Wall: time.Now(), Mono: monotonicNow()} }
	}
	if opts.ReceiveBuffer > 0 {
		size, err := t.SetReceiveBuffer(opts.ReceiveBuffer)
		if err != nil {
			return nil, err
		}
		m.rcvbuf = size
	}

	for _, sub := range subs {
		m.families[sub.Family.ID] = sub.Family
		for _, g := range sub.Groups {
			if err := m.join(sub.Family, g); err != nil {
				return nil, err
			}
		}
	}

	m.started = m.now()

	return m, nil
}

func (m *Monitor) join(fam *Family, g Group) error {
	if _, done := m.groups[g.ID]; done {
		return nil
	}

	if err := m.t.JoinGroup(g.ID); err != nil {
		return fmt.Errorf("monitor %s:%s: %w", fam.Name, g.Name, err)
	}
	m.groups[g.ID] = g

	return nil
}

// ReceiveBuffer returns the receive buffer size the kernel reported after
// Conn.Monitor set it, or 0 when the default was kept.
func (m *Monitor) ReceiveBuffer() int { return m.rcvbuf }

// Started returns the time the monitor had joined its groups.
func (m *Monitor) Started() Timestamp { return m.started }

// Overruns returns the number of ENOBUFS reports so far.
func (m *Monitor) Overruns() int { return m.overruns }

// Dropped returns the kernel's count of messages dropped for the socket
// since it was opened, and whether the kernel reports it. The socket has
// no multicast groups before Conn.Monitor, and its unicast replies are
// not dropped, so in practice the count starts with monitoring.
func (m *Monitor) Dropped() (uint32, bool) {
	n, err := m.t.Drops()
	return n, err == nil
}

// Run receives notifications and calls fn for each event until ctx is
// done, fn returns an error, or receiving fails. It returns nil when ctx
// ends it or fn returns ErrStopMonitor, and fn's other errors as they are.
//
// When ctx ends it and the kernel's drop counter shows messages dropped
// since the last Loss (an overrun whose ENOBUFS was not read yet), Run
// hands fn one more Loss before it returns.
func (m *Monitor) Run(ctx context.Context, fn func(Event) error) error {
	if err := m.t.SetReadDeadline(time.Time{}); err != nil {
		return fmt.Errorf("clear receive deadline: %w", err)
	}
	// A deadline in the past wakes the blocked receive when ctx ends.
	stop := context.AfterFunc(ctx, func() { _ = m.t.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()

	for ctx.Err() == nil {
		b, group, err := m.t.ReceiveMulticast()
		now := m.now()
		switch {
		case errors.Is(err, syscall.ENOBUFS):
			m.overruns++
			err = fn(Event{Loss: m.loss(now)})
		case err != nil && ctx.Err() != nil:
			err = nil
		case err != nil:
			return fmt.Errorf("receive notification: %w", err)
		default:
			err = m.deliver(b, group, now, fn)
		}
		if errors.Is(err, ErrStopMonitor) {
			return nil
		}
		if err != nil {
			return err
		}
	}

	return m.finalLoss(fn)
}

func (m *Monitor) loss(now Timestamp) *Loss {
	l := &Loss{Time: now, Overruns: m.overruns}
	l.Dropped, l.HasDropped = m.Dropped()
	if l.HasDropped {
		m.reported = l.Dropped
	}

	return l
}

// finalLoss reports drops that no ENOBUFS has reported yet.
func (m *Monitor) finalLoss(fn func(Event) error) error {
	n, ok := m.Dropped()
	if !ok || n <= m.reported {
		return nil
	}

	err := fn(Event{Loss: m.loss(m.now())})
	if errors.Is(err, ErrStopMonitor) {
		return nil
	}

	return err
}

// deliver hands fn each message of one datagram.
func (m *Monitor) deliver(b []byte, groupID uint32, now Timestamp, fn func(Event) error) error {
	group, ok := m.groups[groupID]
	if !ok {
		group = Group{ID: groupID}
	}

	msgs, perr := wire.ParseMessages(b)
	for _, msg := range msgs {
		if m.conn.Trace != nil {
			m.conn.Trace(Received, msg)
		}
		n := &Notification{Time: now, Family: m.families[msg.Header.Type], Group: group, Message: msg}
		if err := fn(Event{Notification: n}); err != nil {
			return err
		}
	}
	if perr != nil {
		return fn(Event{Malformed: &MalformedDatagram{Time: now, Group: group, Err: perr, Raw: b}})
	}

	return nil
}

// NotificationOp returns the op of sch that a notification with command
// cmd, received on the named group, belongs to: the op with that reply
// value whose multicast group is the group, else the op OpByReply
// returns, else nil. Families that number requests and replies apart
// (mptcp_pm, thermal, nlctrl) reuse a command for a reply and for an event,
// so only the group distinguishes them.
func NotificationOp(sch *schema.Family, cmd uint8, group string) *schema.Op {
	if sch == nil {
		return nil
	}

	for i := range sch.Ops {
		op := &sch.Ops[i]
		if op.HasReply && op.ReplyValue == uint16(cmd) && group != "" && op.McastGroupName == group {
			return op
		}
	}

	return sch.OpByReply(uint16(cmd))
}
