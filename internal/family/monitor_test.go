package family_test

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/wire"
)

var (
	netdevFamily = &family.Family{ID: 20, Name: "netdev",
		Groups: []family.Group{{ID: 4, Name: "mgmt"}, {ID: 5, Name: "page-pool"}}}
	ethtoolFamily = &family.Family{ID: 21, Name: "ethtool", Groups: []family.Group{{ID: 6, Name: "monitor"}}}
)

// fixedClock returns a clock that advances one millisecond per reading.
func fixedClock() func() family.Timestamp {
	var n time.Duration
	return func() family.Timestamp {
		n += time.Millisecond
		return family.Timestamp{Wall: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(n), Mono: 100*time.Second + n}
	}
}

func startMonitor(t *testing.T, k *familytest.Kernel, subs ...family.Subscription) *family.Monitor {
	t.Helper()
	mon, err := k.Conn().Monitor(subs, family.MonitorOptions{ReceiveBuffer: 1 << 20, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}

	return mon
}

// eventSummary is the part of an event the tests compare.
type eventSummary struct {
	Kind     string
	Family   string
	Group    string
	Command  uint8
	Overruns int
	Dropped  uint32
}

// collect runs the monitor until ctx ends or n events have arrived.
func collect(t *testing.T, ctx context.Context, mon *family.Monitor, n int) []eventSummary {
	t.Helper()
	var got []eventSummary
	err := mon.Run(ctx, func(ev family.Event) error {
		got = append(got, summarize(ev))
		if len(got) == n {
			return family.ErrStopMonitor
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	return got
}

func summarize(ev family.Event) eventSummary {
	switch {
	case ev.Loss != nil:
		return eventSummary{Kind: "loss", Overruns: ev.Loss.Overruns, Dropped: ev.Loss.Dropped}
	case ev.Malformed != nil:
		return eventSummary{Kind: "malformed", Group: ev.Malformed.Group.Name}
	}

	n := ev.Notification
	s := eventSummary{Kind: "notification", Group: n.Group.Name, Command: n.Message.Payload[0]}
	if n.Family != nil {
		s.Family = n.Family.Name
	}

	return s
}

func TestMonitorJoinsGroups(t *testing.T) {
	k := &familytest.Kernel{}
	mon := startMonitor(t, k,
		family.Subscription{Family: netdevFamily, Groups: netdevFamily.Groups},
		family.Subscription{Family: ethtoolFamily, Groups: ethtoolFamily.Groups},
		family.Subscription{Family: netdevFamily, Groups: netdevFamily.Groups[:1]})

	if diff := cmp.Diff([]uint32{4, 5, 6}, k.Joined()); diff != "" {
		t.Errorf("joined groups mismatch (-want +got):\n%s", diff)
	}
	if k.ReceiveBuffer() != 1<<20 {
		t.Errorf("receive buffer asked for = %d, want %d", k.ReceiveBuffer(), 1<<20)
	}
	if mon.ReceiveBuffer() != 2<<20 {
		t.Errorf("ReceiveBuffer() = %d, want the %d the kernel reports", mon.ReceiveBuffer(), 2<<20)
	}
}

func TestMonitorJoinPermission(t *testing.T) {
	k := &familytest.Kernel{JoinErr: func(group uint32) error {
		if group == 5 {
			return syscall.EPERM
		}
		return nil
	}}
	_, err := k.Conn().Monitor([]family.Subscription{{Family: netdevFamily, Groups: netdevFamily.Groups}}, family.MonitorOptions{})
	if !errors.Is(err, os.ErrPermission) {
		t.Fatalf("error = %v, want one matching os.ErrPermission", err)
	}
	if want := "monitor netdev:page-pool: operation not permitted"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestMonitorDeliversNotifications(t *testing.T) {
	k := &familytest.Kernel{}
	mon := startMonitor(t, k, family.Subscription{Family: netdevFamily, Groups: netdevFamily.Groups},
		family.Subscription{Family: ethtoolFamily, Groups: ethtoolFamily.Groups})
	k.Notify(4, familytest.Notification(20, 2, nil))
	k.Notify(6, familytest.Datagram(familytest.Notification(21, 13, nil), familytest.Notification(21, 3, nil)))
	k.Notify(0, familytest.Notification(99, 1, nil))

	got := collect(t, context.Background(), mon, 4)

	want := []eventSummary{
		{Kind: "notification", Family: "netdev", Group: "mgmt", Command: 2},
		{Kind: "notification", Family: "ethtool", Group: "monitor", Command: 13},
		{Kind: "notification", Family: "ethtool", Group: "monitor", Command: 3},
		{Kind: "notification", Command: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

func TestMonitorTracesNotifications(t *testing.T) {
	k := &familytest.Kernel{}
	conn := k.Conn()
	var traced []uint16
	conn.Trace = func(dir family.Direction, m wire.Message) {
		if dir == family.Received {
			traced = append(traced, m.Header.Type)
		}
	}
	mon, err := conn.Monitor([]family.Subscription{{Family: netdevFamily, Groups: netdevFamily.Groups}}, family.MonitorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	k.Notify(4, familytest.Notification(20, 2, nil))
	collect(t, context.Background(), mon, 1)

	if diff := cmp.Diff([]uint16{20}, traced); diff != "" {
		t.Errorf("traced message types mismatch (-want +got):\n%s", diff)
	}
}

func TestMonitorOverrun(t *testing.T) {
	k := &familytest.Kernel{}
	mon := startMonitor(t, k, family.Subscription{Family: netdevFamily, Groups: netdevFamily.Groups})
	k.Notify(4, familytest.Notification(20, 2, nil))
	k.Overrun(7)
	k.Notify(4, familytest.Notification(20, 3, nil))
	k.Overrun(2)

	got := collect(t, context.Background(), mon, 4)
	want := []eventSummary{
		{Kind: "notification", Family: "netdev", Group: "mgmt", Command: 2},
		{Kind: "loss", Overruns: 1, Dropped: 9},
		{Kind: "notification", Family: "netdev", Group: "mgmt", Command: 3},
		{Kind: "loss", Overruns: 2, Dropped: 9},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	if mon.Overruns() != 2 {
		t.Errorf("Overruns() = %d, want 2", mon.Overruns())
	}
	if n, ok := mon.Dropped(); n != 9 || !ok {
		t.Errorf("Dropped() = %d, %v; want 9, true", n, ok)
	}
}

func TestMonitorContextEndsRun(t *testing.T) {
	k := &familytest.Kernel{}
	mon := startMonitor(t, k, family.Subscription{Family: netdevFamily, Groups: netdevFamily.Groups})
	k.Notify(4, familytest.Notification(20, 2, nil))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	got := collect(t, ctx, mon, 0)

	if len(got) != 1 {
		t.Errorf("got %d events, want 1", len(got))
	}
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("Run returned after %v, want about 50ms", elapsed)
	}
}

func TestMonitorReportsUnreadDrops(t *testing.T) {
	k := &familytest.Kernel{}
	mon := startMonitor(t, k, family.Subscription{Family: netdevFamily, Groups: netdevFamily.Groups})
	k.Notify(4, familytest.Notification(20, 2, nil))
	k.Overrun(3)

	// The callback ends the run at the first notification, before the
	// ENOBUFS behind it is read: the drop counter must still be reported.
	ctx, cancel := context.WithCancel(context.Background())
	var got []eventSummary
	err := mon.Run(ctx, func(ev family.Event) error {
		got = append(got, summarize(ev))
		cancel()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	want := []eventSummary{
		{Kind: "notification", Family: "netdev", Group: "mgmt", Command: 2},
		{Kind: "loss", Overruns: 0, Dropped: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

func TestMonitorMalformedDatagram(t *testing.T) {
	k := &familytest.Kernel{}
	mon := startMonitor(t, k, family.Subscription{Family: netdevFamily, Groups: netdevFamily.Groups})
	good := familytest.Notification(20, 2, nil)
	k.Notify(4, append(good, 0xff, 0, 0, 0, 1, 0))

	got := collect(t, context.Background(), mon, 2)
	want := []eventSummary{
		{Kind: "notification", Family: "netdev", Group: "mgmt", Command: 2},
		{Kind: "malformed", Group: "mgmt"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

func TestMonitorCallbackError(t *testing.T) {
	k := &familytest.Kernel{}
	mon := startMonitor(t, k, family.Subscription{Family: netdevFamily, Groups: netdevFamily.Groups})
	k.Notify(4, familytest.Notification(20, 2, nil))

	err := mon.Run(context.Background(), func(family.Event) error { return syscall.EPIPE })
	if !errors.Is(err, syscall.EPIPE) {
		t.Errorf("Run error = %v, want the callback's EPIPE", err)
	}
}

func TestNotificationOp(t *testing.T) {
	cases := []struct {
		family string
		cmd    uint8
		group  string
		want   string
	}{
		{"nlctrl", 1, "notify", "newfamily"},
		{"nlctrl", 1, "", "getfamily"},
		{"nlctrl", 2, "notify", "delfamily"},
		{"nlctrl", 7, "notify", "newmcast-grp"},
		{"mptcp_pm", 3, "mptcp_pm_events", "closed"},
		{"mptcp_pm", 3, "mptcp_pm_cmds", "get-addr"},
		{"thermal", 1, "event", "tz-create"},
		{"ethtool", 13, "monitor", "features-ntf"},
		{"netdev", 2, "mgmt", "dev-add-ntf"},
		{"netdev", 99, "mgmt", ""},
	}
	for _, tc := range cases {
		t.Run(tc.family+"/"+tc.want, func(t *testing.T) {
			sch, err := builtin.Load(tc.family)
			if err != nil || sch == nil {
				t.Fatalf("built-in schema %s: %v", tc.family, err)
			}
			got := ""
			if op := family.NotificationOp(sch, tc.cmd, tc.group); op != nil {
				got = op.Name
			}
			if got != tc.want {
				t.Errorf("NotificationOp(%s, %d, %q) = %q, want %q", tc.family, tc.cmd, tc.group, got, tc.want)
			}
		})
	}
}
