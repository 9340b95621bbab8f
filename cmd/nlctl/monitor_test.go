package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/wire"
)

// fakeFamilies are the families the fake kernel of the monitor tests
// registers. "mystery" has no schema and no policy, so its attributes
// decode raw.
var fakeFamilies = []family.Family{
	{ID: 16, Name: "nlctrl", Groups: []family.Group{{ID: 16, Name: "notify"}}},
	{ID: 20, Name: "netdev", Groups: []family.Group{{ID: 4, Name: "mgmt"}, {ID: 5, Name: "page-pool"}}},
	{ID: 21, Name: "ethtool", Groups: []family.Group{{ID: 6, Name: "monitor"}}},
	{ID: 22, Name: "mystery", Groups: []family.Group{{ID: 9, Name: "events"}}},
	{ID: 23, Name: "quiet"},
}

// monitorKernel replies to getfamily requests for fakeFamilies and rejects
// getpolicy requests, as the kernel does for a family without a policy.
func monitorKernel() *familytest.Kernel {
	return &familytest.Kernel{Handler: func(req wire.Message) [][]byte {
		if req.Payload[0] != 3 {
			return [][]byte{familytest.Error(req, int32(syscall.EOPNOTSUPP), nil)}
		}

		attrs, _ := wire.ParseAttrs(req.Payload[wire.GenlHeaderLen:], 0)
		for _, a := range attrs {
			name, _ := a.String()
			for _, f := range fakeFamilies {
				if a.Type == 2 && name == f.Name {
					return [][]byte{familyReply(req, f), familytest.Ack(req)}
				}
			}
		}
		return [][]byte{familytest.Error(req, int32(syscall.ENOENT), nil)}
	}}
}

// familyReply builds nlctrl's reply describing f.
func familyReply(req wire.Message, f family.Family) []byte {
	var e wire.AttrEncoder
	e.PutUint16(1, f.ID)
	e.PutString(2, f.Name)
	e.PutUint32(3, 1)
	if len(f.Groups) > 0 {
		e.Nest(7)
		for i, g := range f.Groups {
			e.Nest(uint16(i + 1))
			e.PutString(1, g.Name)
			e.PutUint32(2, g.ID)
			e.End()
		}
		e.End()
	}

	return familytest.Message(req, 16, 0, familytest.Genl(1, e.Bytes()))
}

// devNotification builds a netdev notification about one interface.
func devNotification(cmd uint8, ifindex uint32) []byte {
	var e wire.AttrEncoder
	e.PutUint32(1, ifindex)

	return familytest.Notification(20, cmd, e.Bytes())
}

// runMonitorFake runs nlctl with k as the kernel, writing stdout to out.
func runMonitorFake(t *testing.T, k *familytest.Kernel, out writer, args ...string) result {
	t.Helper()
	dial := func(family.DialOptions) (*family.Conn, error) { return k.Conn(), nil }

	var stderr bytes.Buffer
	code := runWith(context.Background(), dial, args, strings.NewReader(""), out, &stderr)

	return result{code: code, stdout: out.String(), stderr: stderr.String()}
}

type writer interface {
	Write([]byte) (int, error)
	String() string
}

func TestMonitorUsageErrors(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		wantErr   string
		wantUsage bool
	}{
		{"no family", []string{"monitor"}, "takes at least 1 argument", true},
		{"empty family", []string{"monitor", ":mgmt"}, "name a family", true},
		{"empty group", []string{"monitor", "netdev:mgmt,"}, "a group name is empty", true},
		{"bad timestamp", []string{"monitor", "netdev", "--timestamp", "utc"}, `invalid timestamp style "utc"`, true},
		{"bad count", []string{"monitor", "netdev", "--count", "-1"}, "invalid --count -1", true},
		{"bad duration", []string{"monitor", "netdev", "--duration", "-1s"}, "invalid --duration -1s", true},
		{"bad rcvbuf", []string{"monitor", "netdev", "--rcvbuf", "lots"}, `invalid size "lots"`, true},
		{"rcvbuf too large", []string{"monitor", "netdev", "--rcvbuf", "2G"}, `invalid size "2G"`, true},
		{"unknown group", []string{"monitor", "netdev:mgmt,nope"}, `family netdev has no multicast group "nope"; valid groups: mgmt, page-pool`, false},
		{"no groups", []string{"monitor", "quiet"}, "family quiet has no multicast groups", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runMonitorFake(t, monitorKernel(), &bytes.Buffer{}, tc.args...)
			if r.code != exitUsage {
				t.Errorf("exit code = %d, want %d", r.code, exitUsage)
			}
			if !strings.Contains(r.stderr, tc.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", tc.wantErr, r.stderr)
			}
			if got := strings.Contains(r.stderr, "Usage:"); got != tc.wantUsage {
				t.Errorf("usage printed = %v, want %v", got, tc.wantUsage)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
}

func TestParseByteSize(t *testing.T) {
	cases := map[string]int{"4194304": 4194304, "512k": 512 << 10, "512KiB": 512 << 10, "4M": 4 << 20,
		"4mib": 4 << 20, "1G": 1 << 30, "2147483647": 1<<31 - 1}
	for in, want := range cases {
		if got, err := parseByteSize(in); got != want || err != nil {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}

	for _, in := range []string{"", "K", "4X", "-1", "4 M", "2G", "4294967296", "1.5M", "4KB"} {
		if _, err := parseByteSize(in); err == nil {
			t.Errorf("parseByteSize(%q) succeeded, want an error", in)
		}
	}
}

func TestMonitorJoinsNamedGroups(t *testing.T) {
	cases := []struct {
		args []string
		want []uint32
	}{
		{[]string{"netdev"}, []uint32{4, 5}},
		{[]string{"netdev:page-pool"}, []uint32{5}},
		{[]string{"netdev:mgmt", "ethtool", "netdev"}, []uint32{4, 5, 6}},
		{[]string{"netdev:mgmt,mgmt", "netdev:mgmt"}, []uint32{4}},
		{[]string{"nlctrl"}, []uint32{16}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			k := monitorKernel()
			args := append([]string{"monitor", "--duration", "1ms"}, tc.args...)
			r := runMonitorFake(t, k, &bytes.Buffer{}, args...)
			if r.code != exitOK {
				t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
			}
			if diff := cmp.Diff(tc.want, k.Joined()); diff != "" {
				t.Errorf("joined groups mismatch (-want +got):\n%s", diff)
			}
			if k.ReceiveBuffer() != defaultReceiveBuffer {
				t.Errorf("receive buffer = %d, want the default %d", k.ReceiveBuffer(), defaultReceiveBuffer)
			}
		})
	}
}

func TestMonitorJSONEnvelope(t *testing.T) {
	for _, format := range []string{"json", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			k := monitorKernel()
			k.Notify(4, devNotification(2, 7))
			k.Notify(6, familytest.Notification(21, 13, nil))
			r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "netdev", "ethtool", "-o", format, "--count", "2", "--timestamp", "none")
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
			}

			want := `{"family":"netdev","group":"mgmt","op":"dev-add-ntf","port-id":0,"attrs":{"ifindex":7}}
{"family":"ethtool","group":"monitor","op":"features-ntf","port-id":0,"attrs":{}}
`
			if diff := cmp.Diff(want, r.stdout); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMonitorWallTimestamp(t *testing.T) {
	k := monitorKernel()
	k.Notify(4, devNotification(2, 7))
	r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "netdev", "-o", "jsonl", "--count", "1")
	if r.code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}

	var ev struct{ Time string }
	if err := json.Unmarshal([]byte(r.stdout), &ev); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout)
	}
	rfc3339Nano := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)$`)
	if !rfc3339Nano.MatchString(ev.Time) {
		t.Errorf("time %q is not RFC 3339 with nine fraction digits", ev.Time)
	}
	if _, err := time.Parse(time.RFC3339Nano, ev.Time); err != nil {
		t.Errorf("time %q does not parse: %v", ev.Time, err)
	}
}

func TestMonitorTable(t *testing.T) {
	k := monitorKernel()
	k.Notify(4, devNotification(3, 7))
	var hdr wire.AttrEncoder
	hdr.Nest(1)
	hdr.PutUint32(1, 2)
	hdr.PutString(2, "veth0")
	hdr.End()
	k.Notify(6, familytest.Notification(21, 13, hdr.Bytes()))
	r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "netdev", "ethtool", "--count", "2", "--timestamp", "none")
	if r.code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}

	want := `netdev:mgmt  dev-del-ntf  port-id=0  ifindex=7
ethtool:monitor  features-ntf  port-id=0
  header:
    dev-index: 2
    dev-name: veth0
`
	if diff := cmp.Diff(want, r.stdout); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s", diff)
	}
}

func TestMonitorNlctrlOpByGroup(t *testing.T) {
	k := monitorKernel()
	var e wire.AttrEncoder
	e.PutUint16(1, 30)
	e.PutString(2, "newfam")
	k.Notify(16, familytest.Notification(16, 1, e.Bytes()))
	k.Notify(16, familytest.Notification(16, 2, e.Bytes()))
	r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "nlctrl", "--count", "2", "--timestamp", "none", "-o", "jsonl")
	if r.code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}

	want := `{"family":"nlctrl","group":"notify","op":"newfamily","port-id":0,"attrs":{"family-id":30,"family-name":"newfam"}}
{"family":"nlctrl","group":"notify","op":"delfamily","port-id":0,"attrs":{"family-id":30,"family-name":"newfam"}}
`
	if diff := cmp.Diff(want, r.stdout); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s", diff)
	}
}

func TestMonitorRawWithoutSchema(t *testing.T) {
	k := monitorKernel()
	var e wire.AttrEncoder
	e.PutUint32(3, 0x01020304)
	k.Notify(9, familytest.Notification(22, 5, e.Bytes()))
	r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "mystery", "--count", "1", "--timestamp", "none", "-o", "jsonl")
	if r.code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}

	want := `{"family":"mystery","group":"events","op":"5","port-id":0,"attrs":{"3":"04030201"}}` + "\n"
	if diff := cmp.Diff(want, r.stdout); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s", diff)
	}
}

func TestMonitorOverrun(t *testing.T) {
	for _, format := range []string{"table", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			k := monitorKernel()
			k.Notify(4, devNotification(2, 7))
			k.Overrun(40)
			k.Notify(4, devNotification(2, 8))
			r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "netdev", "--count", "2", "--timestamp", "none", "-o", format)
			if r.code != exitIncomplete {
				t.Errorf("exit code = %d, want %d", r.code, exitIncomplete)
			}

			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if len(lines) != 3 {
				t.Fatalf("got %d lines, want 2 notifications and a loss record between them:\n%s", len(lines), r.stdout)
			}
			wantLoss := "LOST  receive buffer overruns: 1, notifications dropped by the kernel so far: 40"
			if format == "jsonl" {
				wantLoss = `{"lost":true,"overruns":1,"dropped":40}`
			}
			if lines[1] != wantLoss {
				t.Errorf("loss record = %q, want %q", lines[1], wantLoss)
			}

			stderr := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if len(stderr) != 2 {
				t.Fatalf("stderr has %d lines, want a loss line and a summary:\n%s", len(stderr), r.stderr)
			}
			if want := "nlctl: notifications lost: receive buffer overruns: 1"; !strings.HasPrefix(stderr[0], want) {
				t.Errorf("stderr line 1 = %q, want it to start with %q", stderr[0], want)
			}
			if want := "notifications dropped by the kernel: 40; the receive buffer was 8388608 bytes"; !strings.Contains(stderr[1], want) {
				t.Errorf("summary %q lacks %q", stderr[1], want)
			}
		})
	}
}

func TestMonitorDurationEndsStream(t *testing.T) {
	k := monitorKernel()
	k.Notify(4, devNotification(2, 7))
	start := time.Now()
	r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "netdev", "--duration", "100ms", "--timestamp", "none")
	elapsed := time.Since(start)

	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}
	if want := "netdev:mgmt  dev-add-ntf  port-id=0  ifindex=7\n"; r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
	if elapsed < 100*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("monitor ran %v, want about 100ms", elapsed)
	}
	if !k.Closed() {
		t.Error("connection not closed")
	}
}

func TestMonitorCountLeavesRest(t *testing.T) {
	k := monitorKernel()
	for i := range 5 {
		k.Notify(4, devNotification(2, uint32(i+1)))
	}
	r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "netdev", "--count", "3", "--timestamp", "none", "-o", "jsonl")
	if r.code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, "\n"); n != 3 {
		t.Errorf("got %d lines, want 3:\n%s", n, r.stdout)
	}
}

func TestMonitorTimestampStyles(t *testing.T) {
	cases := map[string]*regexp.Regexp{
		"wall":  regexp.MustCompile(`^\d{4}-\d\d-\d\dT\S+  netdev:mgmt  `),
		"mono":  regexp.MustCompile(`^\d+\.\d{9}  netdev:mgmt  `),
		"delta": regexp.MustCompile(`^\+\d+\.\d{9}  netdev:mgmt  `),
		"none":  regexp.MustCompile(`^netdev:mgmt  `),
	}
	for style, want := range cases {
		t.Run(style, func(t *testing.T) {
			k := monitorKernel()
			k.Notify(4, devNotification(2, 7))
			r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "netdev", "--count", "1", "--timestamp", style)
			if r.code != exitOK {
				t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
			}
			if !want.MatchString(r.stdout) {
				t.Errorf("line %q does not match %v", r.stdout, want)
			}
		})
	}
}

func TestMonitorPermissionDenied(t *testing.T) {
	k := monitorKernel()
	k.JoinErr = func(group uint32) error {
		if group == 6 {
			return syscall.EPERM
		}
		return nil
	}
	r := runMonitorFake(t, k, &bytes.Buffer{}, "monitor", "netdev", "ethtool")
	if r.code != exitPermission {
		t.Errorf("exit code = %d, want %d", r.code, exitPermission)
	}
	for _, want := range []string{"monitor ethtool:monitor: operation not permitted", "CAP_NET_ADMIN"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// closedPipe is stdout after its reader went away: every write fails
// with EPIPE, and String reports nothing written.
type closedPipe struct{ writes int }

func (p *closedPipe) Write([]byte) (int, error) { p.writes++; return 0, syscall.EPIPE }
func (p *closedPipe) String() string            { return "" }

func TestMonitorClosedStdout(t *testing.T) {
	k := monitorKernel()
	for i := range 5 {
		k.Notify(4, devNotification(2, uint32(i+1)))
	}
	out := &closedPipe{}
	r := runMonitorFake(t, k, out, "monitor", "netdev")
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("exit code %d, stderr %q; want 0 and nothing", r.code, r.stderr)
	}
	// run retries the flush once at the end, so two writes in all.
	if out.writes > 2 {
		t.Errorf("%d writes after the pipe closed, want the monitor to stop at the first", out.writes)
	}
}

func TestMonitorHelp(t *testing.T) {
	r := runMonitorFake(t, monitorKernel(), &bytes.Buffer{}, "monitor", "--help")
	if r.code != exitOK {
		t.Fatalf("exit code %d", r.code)
	}
	for _, want := range []string{"FAMILY[:GROUP[,GROUP...]]", `"lost": true`, "--rcvbuf BYTES", "--timestamp", "--count", "--duration"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
