//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nlctl/nlctl/internal/testutil"
)

// These tests run the nlctl binary as a child process, because signals,
// pipes and stopped readers matter, against the real kernel inside network
// namespaces they create. They need root, ip and ethtool.

// monitorWait bounds every wait for the kernel or the child process.
const monitorWait = 20 * time.Second

// buildNlctl builds the nlctl binary into a temporary folder that any user
// may read, so it can also run without privileges.
func buildNlctl(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "nlctl")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	return bin
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Len returns how many bytes were written.
func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()

	return l.b.Len()
}

// monitorProcess is a running `nlctl --debug monitor ...`.
type monitorProcess struct {
	cmd    *exec.Cmd
	stdout *lockedBuffer // nil when stdout goes elsewhere
	stderr *lockedBuffer
	exited chan struct{}
	err    error
}

// startMonitor starts nlctl with --debug and waits until it has joined its
// groups. stdout nil collects the output in p.stdout.
func startMonitor(t *testing.T, bin string, stdout io.Writer, args ...string) *monitorProcess {
	t.Helper()
	p := &monitorProcess{stderr: &lockedBuffer{}, exited: make(chan struct{})}
	if stdout == nil {
		p.stdout = &lockedBuffer{}
		stdout = p.stdout
	}
	p.cmd = exec.Command(bin, append([]string{"--debug"}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		if !p.hasExited() {
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})

	waitFor(t, "nlctl to join its groups", func() bool {
		return p.hasExited() || strings.Contains(p.stderr.String(), "debug: waiting for notifications")
	})
	if p.hasExited() {
		t.Fatalf("nlctl %s exited before monitoring: %v\nstderr:\n%s", strings.Join(args, " "), p.err, p.stderr)
	}

	return p
}

func (p *monitorProcess) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

func (p *monitorProcess) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("send %v to nlctl: %v", sig, err)
	}
}

// exitCode waits for the process to end and returns its exit code.
func (p *monitorProcess) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(monitorWait):
		t.Fatalf("nlctl did not exit within %v; stderr:\n%s", monitorWait, p.stderr)
	}

	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	if p.err != nil {
		t.Fatalf("wait for nlctl: %v", p.err)
	}

	return 0
}

// stderrBeyondDebug returns the stderr lines that are not --debug output.
func (p *monitorProcess) stderrBeyondDebug() []string {
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(p.stderr.String()), "\n") {
		if line != "" && !strings.HasPrefix(line, "debug: ") {
			lines = append(lines, line)
		}
	}

	return lines
}

// waitFor polls cond until it holds, failing the test after monitorWait.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(monitorWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", monitorWait, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitQuiet waits until p's output has not grown for half a second.
func waitQuiet(t *testing.T, p *monitorProcess) {
	t.Helper()
	size, since := -1, time.Now()
	waitFor(t, "the monitor to catch up", func() bool {
		if n := p.stdout.Len(); n != size {
			size, since = n, time.Now()
		}
		return time.Since(since) >= 500*time.Millisecond
	})
}

// monitorRecord is one JSON line of monitor output: a notification or a
// loss record.
type monitorRecord struct {
	Time     any            `json:"time"`
	Family   string         `json:"family"`
	Group    string         `json:"group"`
	Op       string         `json:"op"`
	PortID   *uint32        `json:"port-id"`
	Attrs    map[string]any `json:"attrs"`
	Lost     bool           `json:"lost"`
	Overruns int            `json:"overruns"`
	Dropped  *uint32        `json:"dropped"`
}

// parseRecords decodes JSON Lines output. Every line must be one complete
// JSON object ending in a newline.
func parseRecords(t *testing.T, out string) []monitorRecord {
	t.Helper()
	if out != "" && !strings.HasSuffix(out, "\n") {
		t.Errorf("output ends in a partial line: %q", out[strings.LastIndexByte(out, '\n')+1:])
	}

	var recs []monitorRecord
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var r monitorRecord
		if err := dec.Decode(&r); err != nil || dec.More() {
			t.Fatalf("line %d is not one JSON record (%v): %s", n, err, sc.Text())
		}
		recs = append(recs, r)
	}

	return recs
}

// countOps counts the notifications of each op, and the loss records.
func countOps(recs []monitorRecord) (ops map[string]int, losses []monitorRecord) {
	ops = map[string]int{}
	for _, r := range recs {
		if r.Lost {
			losses = append(losses, r)
			continue
		}
		ops[r.Op]++
	}

	return ops, losses
}

// setGRO switches generic receive offload of dev in ns with ethtool.
func setGRO(t *testing.T, ns, dev string, on bool) {
	t.Helper()
	state := "off"
	if on {
		state = "on"
	}
	testutil.Run(t, "ip", "netns", "exec", ns, "ethtool", "-K", dev, "gro", state)
}

// newVethNS creates a namespace with the veth pair va0/vb0.
func newVethNS(t *testing.T) string {
	t.Helper()
	requireIntegration(t, "ip", "ethtool")
	ns := testutil.NewNetNS(t)
	testutil.Run(t, "ip", "-n", ns, "link", "add", "va0", "type", "veth", "peer", "name", "vb0")

	return ns
}

func TestIntegrationMonitorEthtoolFeatures(t *testing.T) {
	ns := newVethNS(t)
	bin := buildNlctl(t)
	setGRO(t, ns, "va0", false)

	const toggles = 6
	p := startMonitor(t, bin, nil, "--netns", ns, "monitor", "ethtool", "-o", "jsonl")
	for i := range toggles {
		setGRO(t, ns, "va0", i%2 == 0)
	}
	waitFor(t, fmt.Sprintf("%d notifications", toggles), func() bool {
		return strings.Count(p.stdout.String(), "\n") >= toggles
	})
	// Give a surplus notification time to show up before counting.
	time.Sleep(300 * time.Millisecond)
	p.signal(t, syscall.SIGTERM)
	if code := p.exitCode(t); code != exitOK {
		t.Errorf("exit code after SIGTERM = %d, want 0; stderr:\n%s", code, p.stderr)
	}

	recs := parseRecords(t, p.stdout.String())
	if len(recs) != toggles {
		t.Fatalf("got %d records for %d feature toggles, want one each:\n%s", len(recs), toggles, p.stdout)
	}
	var wanted []string
	for i, r := range recs {
		if r.Family != "ethtool" || r.Group != "monitor" || r.Op != "features-ntf" || r.PortID == nil {
			t.Errorf("record %d = %s:%s %s port-id %v, want ethtool:monitor features-ntf with a port ID", i+1, r.Family, r.Group, r.Op, r.PortID)
		}
		header, _ := r.Attrs["header"].(map[string]any)
		if header["dev-name"] != "va0" {
			t.Errorf("record %d: header = %v, want dev-name va0", i+1, r.Attrs["header"])
		}
		value, _ := r.Attrs["wanted"].(map[string]any)["value"].(string)
		wanted = append(wanted, value)
	}
	checkAlternatingBit(t, wanted)
}

// checkAlternatingBit checks that consecutive feature bitmaps (hex, as
// decoded from compact bitsets) differ in the same single bit, set in the
// first: the GRO bit, switched on, off, on and so on, in order.
func checkAlternatingBit(t *testing.T, values []string) {
	t.Helper()
	var bits [][]byte
	for _, v := range values {
		b, err := hexBytes(v)
		if err != nil {
			t.Fatalf("wanted features %q: %v", v, err)
		}
		bits = append(bits, b)
	}

	flipped := -1
	for i := 1; i < len(bits); i++ {
		diff := differingBits(bits[i-1], bits[i])
		if len(diff) != 1 || (flipped >= 0 && diff[0] != flipped) {
			t.Fatalf("features %d and %d differ in bits %v, want the same single bit each time", i, i+1, diff)
		}
		flipped = diff[0]
	}
	for i, b := range bits {
		set := b[flipped/8]&(1<<(flipped%8)) != 0
		if set != (i%2 == 0) {
			t.Errorf("notification %d has bit %d set = %v, want %v: notifications out of order", i+1, flipped, set, i%2 == 0)
		}
	}
}

func hexBytes(s string) ([]byte, error) {
	b := make([]byte, len(s)/2)
	for i := range b {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return nil, err
		}
		b[i] = byte(v)
	}

	return b, nil
}

func differingBits(a, b []byte) []int {
	var bits []int
	for i := range min(len(a), len(b)) {
		for bit := range 8 {
			if (a[i]^b[i])&(1<<bit) != 0 {
				bits = append(bits, 8*i+bit)
			}
		}
	}

	return bits
}

func TestIntegrationMonitorNetdevVeth(t *testing.T) {
	requireIntegration(t, "ip")
	ns := testutil.NewNetNS(t)
	bin := buildNlctl(t)

	const pairs = 5
	p := startMonitor(t, bin, nil, "--netns", ns, "monitor", "netdev:mgmt", "-o", "jsonl", "--timestamp", "mono")
	for i := range pairs {
		testutil.Run(t, "ip", "-n", ns, "link", "add", fmt.Sprintf("vx%d", i), "type", "veth", "peer", "name", fmt.Sprintf("vy%d", i))
	}
	for i := range pairs {
		testutil.Run(t, "ip", "-n", ns, "link", "del", fmt.Sprintf("vx%d", i))
	}
	waitFor(t, "device-delete notifications", func() bool {
		return strings.Count(p.stdout.String(), `"op":"dev-del-ntf"`) >= 2*pairs
	})
	time.Sleep(300 * time.Millisecond)
	p.signal(t, syscall.SIGINT)
	if code := p.exitCode(t); code != exitOK {
		t.Errorf("exit code after SIGINT = %d, want 0; stderr:\n%s", code, p.stderr)
	}

	recs := parseRecords(t, p.stdout.String())
	ops, losses := countOps(recs)
	if ops["dev-add-ntf"] != 2*pairs || ops["dev-del-ntf"] != 2*pairs || len(losses) != 0 {
		t.Errorf("got %v and %d loss records for %d veth pairs added and deleted, want %d dev-add-ntf and %d dev-del-ntf",
			ops, len(losses), pairs, 2*pairs, 2*pairs)
	}

	added, deleted := map[float64]bool{}, map[float64]bool{}
	for _, r := range recs {
		ifindex, _ := r.Attrs["ifindex"].(float64)
		switch r.Op {
		case "dev-add-ntf":
			added[ifindex] = true
		case "dev-del-ntf":
			deleted[ifindex] = true
		}
		if _, ok := r.Time.(float64); !ok {
			t.Errorf("time %v of %s is not a number of seconds, as --timestamp mono writes it", r.Time, r.Op)
		}
	}
	if len(added) != 2*pairs || len(deleted) != 2*pairs {
		t.Errorf("distinct interface indexes: %d added, %d deleted; want %d each", len(added), len(deleted), 2*pairs)
	}
	for ifindex := range added {
		if !deleted[ifindex] {
			t.Errorf("interface %v was added but its deletion was not reported", ifindex)
		}
	}
}

func TestIntegrationMonitorSeveralFamilies(t *testing.T) {
	ns := newVethNS(t)
	bin := buildNlctl(t)
	setGRO(t, ns, "va0", false)

	p := startMonitor(t, bin, nil, "--netns", ns, "monitor", "ethtool:monitor", "netdev:mgmt", "-o", "jsonl")
	setGRO(t, ns, "va0", true)
	testutil.Run(t, "ip", "-n", ns, "link", "add", "vx0", "type", "veth", "peer", "name", "vy0")
	waitFor(t, "notifications of both families", func() bool {
		out := p.stdout.String()
		return strings.Contains(out, `"op":"features-ntf"`) && strings.Count(out, `"op":"dev-add-ntf"`) >= 2
	})
	p.signal(t, syscall.SIGTERM)
	if code := p.exitCode(t); code != exitOK {
		t.Errorf("exit code = %d, want 0; stderr:\n%s", code, p.stderr)
	}

	for _, r := range parseRecords(t, p.stdout.String()) {
		switch {
		case r.Family == "ethtool" && r.Group == "monitor":
		case r.Family == "netdev" && r.Group == "mgmt" && strings.HasPrefix(r.Op, "dev-"):
		default:
			t.Errorf("unexpected record %s:%s %s", r.Family, r.Group, r.Op)
		}
	}
}

// vethBatch writes an `ip -batch` file that adds n veth pairs, 2n devices.
func vethBatch(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "link add bx%d type veth peer name by%d\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "veth.batch")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	return path
}

// ifindexOf returns the interface index of dev in ns.
func ifindexOf(t *testing.T, ns, dev string) float64 {
	t.Helper()
	var links []struct {
		Ifindex float64 `json:"ifindex"`
	}
	out := testutil.Run(t, "ip", "-n", ns, "-j", "link", "show", "dev", dev)
	if err := json.Unmarshal([]byte(out), &links); err != nil || len(links) != 1 {
		t.Fatalf("ip -j link show %s: %v\n%s", dev, err, out)
	}

	return links[0].Ifindex
}

// hasIfindex reports whether JSON Lines output holds a dev-add-ntf for
// the interface.
func hasIfindex(out string, ifindex float64) bool {
	return strings.Contains(out, fmt.Sprintf(`"op":"dev-add-ntf","port-id":0,"attrs":{"ifindex":%d,`, int(ifindex)))
}

// TestIntegrationMonitorLoss runs two monitors through one burst of 1,000
// new devices: one with a small receive buffer, stopped with SIGSTOP
// during the burst, and one with the default buffer reading normally.
func TestIntegrationMonitorLoss(t *testing.T) {
	requireIntegration(t, "ip")
	ns := testutil.NewNetNS(t)
	bin := buildNlctl(t)
	batch := vethBatch(t, 500)

	small := startMonitor(t, bin, nil, "--netns", ns, "monitor", "netdev:mgmt", "-o", "jsonl", "--rcvbuf", "16K")
	normal := startMonitor(t, bin, nil, "--netns", ns, "monitor", "netdev:mgmt", "-o", "jsonl")
	small.signal(t, syscall.SIGSTOP)
	start := time.Now()
	testutil.Run(t, "ip", "-n", ns, "-batch", batch)
	t.Logf("added 1,000 devices in %v", time.Since(start))
	small.signal(t, syscall.SIGCONT)
	// The small monitor must empty its buffer before the marker below, or
	// the kernel may drop the marker too, on a loaded machine.
	for _, p := range []*monitorProcess{small, normal} {
		waitQuiet(t, p)
	}

	// A device added after the burst shows that both monitors kept going.
	testutil.Run(t, "ip", "-n", ns, "link", "add", "vz0", "type", "veth", "peer", "name", "vz1")
	marker := ifindexOf(t, ns, "vz0")
	for _, p := range []*monitorProcess{small, normal} {
		waitFor(t, "the notification after the burst", func() bool { return hasIfindex(p.stdout.String(), marker) })
	}
	// The peer's notifications follow within microseconds.
	time.Sleep(500 * time.Millisecond)
	small.signal(t, syscall.SIGTERM)
	normal.signal(t, syscall.SIGTERM)
	smallCode, normalCode := small.exitCode(t), normal.exitCode(t)

	normalRecs := parseRecords(t, normal.stdout.String())
	normalOps, normalLosses := countOps(normalRecs)
	if normalCode != exitOK || len(normalLosses) != 0 || normalOps["dev-add-ntf"] != 1002 {
		t.Errorf("default buffer: exit code %d, %d loss records, %d dev-add-ntf; want 0, 0 and 1002 (1,000 in the burst, 2 after)\nstderr:\n%s",
			normalCode, len(normalLosses), normalOps["dev-add-ntf"], normal.stderr)
	}
	if lines := normal.stderrBeyondDebug(); len(lines) != 0 {
		t.Errorf("default buffer: stderr has more than debug output: %q", lines)
	}

	smallRecs := parseRecords(t, small.stdout.String())
	_, losses := countOps(smallRecs)
	if smallCode != exitIncomplete {
		t.Errorf("small buffer: exit code = %d, want %d", smallCode, exitIncomplete)
	}
	if len(losses) == 0 || losses[0].Overruns != 1 || losses[0].Dropped == nil || *losses[0].Dropped == 0 {
		t.Fatalf("small buffer: loss records %+v, want a first one with overruns 1 and a drop count", losses)
	}
	last := losses[len(losses)-1]
	notifications := len(smallRecs) - len(losses)
	if got := notifications + int(*last.Dropped); got != len(normalRecs) {
		t.Errorf("small buffer: %d notifications shown + %d dropped = %d, want the %d the other monitor saw",
			notifications, *last.Dropped, got, len(normalRecs))
	}
	t.Logf("small buffer: %d notifications shown, %d dropped in %d overruns", notifications, *last.Dropped, last.Overruns)

	stderr := small.stderrBeyondDebug()
	if len(stderr) < 2 || !strings.HasPrefix(stderr[0], "nlctl: notifications lost: receive buffer overruns: 1") {
		t.Fatalf("small buffer: stderr lacks the loss line and the summary:\n%s", small.stderr)
	}
	summary := stderr[len(stderr)-1]
	if want := fmt.Sprintf("notifications dropped by the kernel: %d;", *last.Dropped); !strings.Contains(summary, want) {
		t.Errorf("small buffer: summary %q lacks %q", summary, want)
	}
}

func TestIntegrationMonitorSIGTERMKeepsEvents(t *testing.T) {
	ns := newVethNS(t)
	bin := buildNlctl(t)
	setGRO(t, ns, "va0", false)
	path := filepath.Join(t.TempDir(), "events.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	const changes = 5
	p := startMonitor(t, bin, f, "--netns", ns, "monitor", "ethtool", "-o", "json")
	for i := range changes {
		setGRO(t, ns, "va0", i%2 == 0)
	}
	time.Sleep(500 * time.Millisecond)
	p.signal(t, syscall.SIGTERM)
	if code := p.exitCode(t); code != exitOK {
		t.Errorf("exit code after SIGTERM = %d, want 0; stderr:\n%s", code, p.stderr)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs := parseRecords(t, string(data))
	if len(recs) != changes {
		t.Fatalf("file holds %d records, want %d:\n%s", len(recs), changes, data)
	}
	for i, r := range recs {
		if _, ok := r.Time.(string); r.Op != "features-ntf" || !ok {
			t.Errorf("record %d: op %q time %v, want features-ntf with a wall-clock time", i+1, r.Op, r.Time)
		}
	}
}

func TestIntegrationMonitorHeadClosesPipe(t *testing.T) {
	ns := newVethNS(t)
	testutil.RequireTool(t, "head")
	bin := buildNlctl(t)
	setGRO(t, ns, "va0", false)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var headOut lockedBuffer
	head := exec.Command("head", "-n", "3")
	head.Stdin, head.Stdout = r, &headOut
	if err := head.Start(); err != nil {
		t.Fatal(err)
	}
	headDone := make(chan error, 1)
	go func() { headDone <- head.Wait() }()

	p := startMonitor(t, bin, w, "--netns", ns, "monitor", "ethtool", "-o", "jsonl")
	r.Close()
	w.Close()

	on := true
	for i := 0; i < 3; i++ {
		setGRO(t, ns, "va0", on)
		on = !on
	}
	select {
	case err := <-headDone:
		if err != nil {
			t.Fatalf("head: %v", err)
		}
	case <-time.After(monitorWait):
		t.Fatal("head did not exit after 3 lines")
	}

	// nlctl watches its stdout pipe, so it must stop once head exits,
	// without waiting for another notification.
	deadline := time.Now().Add(5 * time.Second)
	for !p.hasExited() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !p.hasExited() {
		t.Fatal("nlctl still runs 5 s after head exited, with no further notification")
	}
	if code := p.exitCode(t); code != exitOK {
		t.Errorf("exit code = %d, want 0", code)
	}
	if lines := p.stderrBeyondDebug(); len(lines) != 0 {
		t.Errorf("stderr has an error message: %q", lines)
	}
	if n := len(parseRecords(t, headOut.String())); n != 3 {
		t.Errorf("head printed %d records, want 3", n)
	}
}

func TestIntegrationMonitorCount(t *testing.T) {
	ns := newVethNS(t)
	bin := buildNlctl(t)
	setGRO(t, ns, "va0", false)

	p := startMonitor(t, bin, nil, "--netns", ns, "monitor", "ethtool", "--count", "2", "--timestamp", "delta")
	for i := range 3 {
		setGRO(t, ns, "va0", i%2 == 0)
	}
	if code := p.exitCode(t); code != exitOK {
		t.Errorf("exit code = %d, want 0; stderr:\n%s", code, p.stderr)
	}
	if n := strings.Count(p.stdout.String(), "features-ntf"); n != 2 {
		t.Errorf("got %d notifications, want 2:\n%s", n, p.stdout)
	}
	if !strings.HasPrefix(p.stdout.String(), "+") {
		t.Errorf("output does not start with a delta time:\n%s", p.stdout)
	}
}

func TestIntegrationMonitorNlctrlDuration(t *testing.T) {
	requireIntegration(t)
	bin := buildNlctl(t)

	start := time.Now()
	out, err := exec.Command(bin, "monitor", "nlctrl", "--duration", "300ms", "-o", "jsonl").CombinedOutput()
	if err != nil {
		t.Fatalf("nlctl monitor nlctrl: %v\n%s", err, out)
	}
	if elapsed := time.Since(start); elapsed < 300*time.Millisecond {
		t.Errorf("nlctl exited after %v, before --duration 300ms", elapsed)
	}
	// No module is loaded meanwhile, so no family registers or leaves.
	if len(out) != 0 {
		t.Errorf("output = %q, want nothing", out)
	}
}

func TestIntegrationMonitorUnknownGroup(t *testing.T) {
	requireIntegration(t)
	bin := buildNlctl(t)

	var stderr bytes.Buffer
	cmd := exec.Command(bin, "monitor", "ethtool:nope")
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitUsage {
		t.Fatalf("exit: %v, want code %d; stderr:\n%s", err, exitUsage, stderr.String())
	}
	if want := `family ethtool has no multicast group "nope"; valid groups: monitor`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
	}
}

// TestIntegrationMonitorNeedsCapability joins mptcp_pm_events as user ID
// 65534 (nobody) without capabilities: Linux 6.7 and later reserve that
// group for CAP_NET_ADMIN.
func TestIntegrationMonitorNeedsCapability(t *testing.T) {
	requireIntegration(t, "setpriv")
	bin := buildNlctl(t)

	var stderr bytes.Buffer
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
		bin, "monitor", "mptcp_pm:mptcp_pm_events", "--duration", "1s")
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitPermission {
		t.Fatalf("exit: %v, want code %d; stderr:\n%s", err, exitPermission, stderr.String())
	}
	for _, want := range []string{"monitor mptcp_pm:mptcp_pm_events: join multicast group", "operation not permitted", "CAP_NET_ADMIN"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}
