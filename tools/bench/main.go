// Command bench measures nlctl's wall time against reference tools run in
// the same session, and writes the results as Markdown.
//
// Each round runs every command of a comparison once, in turn, so that
// load on the machine affects all of them alike. The report gives medians,
// the ratio of each median to its reference's median, and the peak
// resident set size of each command.
//
// The dump comparisons need root: they create a network namespace with
// veth pairs (through `ip -batch`) and delete it at the end.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// comparison is a set of commands measured against the first, the
// reference.
type comparison struct {
	title string
	// level is the Markdown heading level of the title: 2 or 3.
	level    int
	note     string
	commands [][]string
	rounds   int
	maxRatio float64 // the target for every command against the reference
	// maxRSS is the target for the peak RSS in bytes of every command but
	// the reference. Zero means no target.
	maxRSS int64
}

// config holds the command-line flags.
type config struct {
	nlctl      string
	rawdump    string
	rounds     int
	dumpRounds int
	sizes      []int
	gobench    string
	sizesFile  string
	out        string
}

func main() {
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}

	failed, err := run(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if failed {
		fmt.Fprintln(os.Stderr, "bench: a result misses its target; see the report")
		os.Exit(1)
	}
}

func parseFlags() (config, error) {
	var cfg config
	var sizes string
	flag.StringVar(&cfg.nlctl, "nlctl", "bin/nlctl", "nlctl binary to measure")
	flag.StringVar(&cfg.rawdump, "rawdump", "bin/rawdump", "reference dump program built from tools/bench/rawdump; empty skips the dump comparisons")
	flag.IntVar(&cfg.rounds, "rounds", 300, "runs of each command when listing families")
	flag.IntVar(&cfg.dumpRounds, "dump-rounds", 40, "runs of each command per dump comparison")
	flag.StringVar(&sizes, "sizes", "2000,20000", "comma-separated numbers of veth interfaces to dump (two per pair, even numbers)")
	flag.StringVar(&cfg.gobench, "gobench", "", "file with `go test -bench` output to include")
	flag.StringVar(&cfg.sizesFile, "binary-sizes", "", "file with the Markdown table of scripts/release/sizes.sh to include")
	flag.StringVar(&cfg.out, "out", "", "write the Markdown report here instead of stdout")
	flag.Parse()

	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 || n%2 != 0 {
			return cfg, fmt.Errorf("invalid -sizes entry %q: give even numbers of interfaces, such as 2000,20000", s)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	sort.Ints(cfg.sizes)

	return cfg, nil
}

// run measures every comparison and writes the report. It reports whether
// any result missed its target.
func run(cfg config) (bool, error) {
	var report bytes.Buffer
	load := loadAverage()

	comparisons := []comparison{{
		title: "Listing families",
		commands: [][]string{
			{"genl", "ctrl", "list"},
			{cfg.nlctl, "family", "list"},
			{cfg.nlctl, "family", "list", "-o", "json"},
		},
		rounds:   cfg.rounds,
		maxRatio: 2.0,
	}}
	failed := false
	for _, c := range comparisons {
		ok, err := measure(&report, c)
		if err != nil {
			return false, err
		}
		failed = failed || !ok
	}

	if cfg.rawdump != "" {
		ok, err := measureDumps(&report, cfg)
		if err != nil {
			return false, err
		}
		failed = failed || !ok
	}
	if cfg.sizesFile != "" {
		writeSizes(&report, cfg.sizesFile)
	}
	if cfg.gobench != "" {
		writeGoBench(&report, cfg.gobench)
	}

	var doc bytes.Buffer
	writeHeader(&doc, load)
	doc.Write(report.Bytes())
	if cfg.out == "" {
		_, err := os.Stdout.Write(doc.Bytes())
		return failed, err
	}

	return failed, os.WriteFile(cfg.out, doc.Bytes(), 0o644)
}

// loadAverage returns the first three fields of /proc/loadavg, or "".
func loadAverage() string {
	load, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	fields := strings.Fields(string(load))
	if len(fields) < 3 {
		return ""
	}

	return strings.Join(fields[:3], " ")
}

// writeHeader writes the report's title and method. It runs after the
// measurements, so that it can give this program's peak RSS.
func writeHeader(w *bytes.Buffer, load string) {
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Fprintf(w, "# Benchmarks\n\nMeasured by `make bench` on %s: Linux %s, %d CPUs, %s.\n",
		time.Now().UTC().Format("2006-01-02"), strings.TrimSpace(string(kernel)), runtime.NumCPU(), runtime.Version())
	if load != "" {
		fmt.Fprintf(w, "Load average when the run began: %s.\n", load)
	}
	fmt.Fprintf(w, "Each round runs every command of a comparison once, in turn. Times are wall-clock medians,\n"+
		"including process start-up, and each ratio divides a median by the reference's median from the same run.\n"+
		"Peak RSS is the largest `ru_maxrss` that wait4 reported over the rounds. It includes the memory the child\n"+
		"shared with this benchmark program before exec, %.1f MiB here, so a value near that is an upper bound.\n"+
		"Reproduce with `make bench` (as root, with iproute2 installed).\n", float64(ownPeakRSS())/(1<<20))
}

// ownPeakRSS returns this program's peak resident set size in bytes, the
// VmHWM of /proc/self/status. getrusage would count the memory of the go
// command that started it, for the same reason that a child's ru_maxrss
// counts this program's.
func ownPeakRSS() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}

	return 0
}

// sample is one run of a command.
type sample struct {
	wall time.Duration
	rss  int64 // peak resident set size in bytes
}

// runOnce runs cmd with stdout and stderr discarded and returns its wall
// time and peak RSS.
func runOnce(cmd []string) (sample, error) {
	c := exec.Command(cmd[0], cmd[1:]...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	start := time.Now()
	err := c.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w\n%s", strings.Join(cmd, " "), err, stderr.String())
	}

	var rss int64
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024 // Linux reports kilobytes
	}

	return sample{wall: wall, rss: rss}, nil
}

// measure runs the comparison and writes its table. It reports whether
// every result met its target.
func measure(w *bytes.Buffer, c comparison) (bool, error) {
	samples := make([][]sample, len(c.commands))
	for _, cmd := range c.commands {
		if _, err := runOnce(cmd); err != nil { // warm the page cache
			return false, err
		}
	}
	for r := 0; r < c.rounds; r++ {
		for i, cmd := range c.commands {
			s, err := runOnce(cmd)
			if err != nil {
				return false, err
			}
			samples[i] = append(samples[i], s)
		}
	}

	ref := median(walls(samples[0]))
	fmt.Fprintf(w, "\n%s %s\n\n", strings.Repeat("#", max(c.level, 2)), c.title)
	if c.note != "" {
		fmt.Fprintf(w, "%s\n\n", c.note)
	}
	fmt.Fprintf(w, "Reference: `%s`. %d rounds. Target: every ratio at most %.1f", displayCommand(c.commands[0]), c.rounds, c.maxRatio)
	if c.maxRSS > 0 {
		fmt.Fprintf(w, ", peak RSS under %d MiB", c.maxRSS>>20)
	}
	fmt.Fprintf(w, ".\n\n| command | median | p90 | ratio | peak RSS | target met |\n|---|---|---|---|---|---|\n")
	ok := true
	for i, cmd := range c.commands {
		m := median(walls(samples[i]))
		ratio := float64(m) / float64(ref)
		rss := peakRSS(samples[i])
		met := "reference"
		if i > 0 {
			good := ratio <= c.maxRatio && (c.maxRSS == 0 || rss < c.maxRSS)
			ok = ok && good
			met = map[bool]string{true: "yes", false: "**no**"}[good]
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %.2f | %.1f MiB | %s |\n", displayCommand(cmd), roundDuration(m),
			roundDuration(percentile(walls(samples[i]), 0.9)), ratio, float64(rss)/(1<<20), met)
	}

	return ok, nil
}

func roundDuration(d time.Duration) time.Duration {
	if d > 10*time.Millisecond {
		return d.Round(10 * time.Microsecond)
	}

	return d.Round(time.Microsecond)
}

// displayCommand shows a command as a reader would type it: the binaries
// by their names, the benchmark's namespace as NS.
func displayCommand(cmd []string) string {
	parts := append([]string{}, cmd...)
	parts[0] = filepath.Base(parts[0])
	for i := 1; i < len(parts); i++ {
		if parts[i-1] == "--netns" || parts[i-1] == "-netns" {
			parts[i] = "NS"
		}
	}

	return strings.Join(parts, " ")
}

func walls(s []sample) []time.Duration {
	d := make([]time.Duration, len(s))
	for i := range s {
		d[i] = s[i].wall
	}

	return d
}

func peakRSS(s []sample) int64 {
	var peak int64
	for i := range s {
		peak = max(peak, s[i].rss)
	}

	return peak
}

func median(d []time.Duration) time.Duration { return percentile(d, 0.5) }

func percentile(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })

	return s[int(float64(len(s)-1)*p)]
}

// dumpTargets are the targets of the dump comparisons: the largest ratio
// to rawdump at each size, and the peak RSS at every size.
var dumpTargets = map[int]float64{2000: 2.0, 20000: 1.5}

const dumpMaxRSS = 30 << 20

// measureDumps creates a namespace, grows it to each size in turn and
// compares nlctl's dumps with rawdump's. The namespace is deleted at the
// end, also when the run fails or is interrupted.
func measureDumps(w *bytes.Buffer, cfg config) (bool, error) {
	if os.Geteuid() != 0 {
		return false, errors.New("the dump comparisons need root to create a network namespace: run as root, or pass -rawdump '' to skip them")
	}

	ns, err := newNamespace()
	if err != nil {
		return false, err
	}
	stop := deleteOnSignal(ns)
	defer stop()
	defer ns.delete()

	fmt.Fprintf(w, "\n## Dumps\n\nnlctl writes `-o json` to /dev/null; the reference is `rawdump` (tools/bench/rawdump), which sends the\n"+
		"same dump request and reads the replies to NLMSG_DONE without decoding them. Both resolve the family\n"+
		"through nlctrl and enter the namespace with setns of /run/netns/NAME before opening the socket.\n"+
		"The namespace holds veth pairs and a loopback device that is down; ethtool's linkinfo-get skips lo,\n"+
		"which has no link settings, so it returns one reply fewer than netdev's dev-get.\n")
	ok := true
	for _, size := range cfg.sizes {
		if err := ns.grow(size / 2); err != nil {
			return false, err
		}
		for _, d := range []struct{ family, op, cmd string }{{"ethtool", "linkinfo-get", "2"}, {"netdev", "dev-get", "1"}} {
			c := comparison{
				title: fmt.Sprintf("%s %s, %d interfaces", d.family, d.op, size),
				level: 3,
				commands: [][]string{
					{cfg.rawdump, "-netns", ns.name, "-family", d.family, "-cmd", d.cmd},
					{cfg.nlctl, "--netns", ns.name, "dump", d.family, d.op, "-o", "json"},
				},
				rounds:   cfg.dumpRounds,
				maxRatio: dumpTarget(size),
				maxRSS:   dumpMaxRSS,
			}
			met, err := measure(w, c)
			if err != nil {
				return false, err
			}
			ok = ok && met
		}
	}

	return ok, nil
}

// dumpTarget returns the ratio target for a dump of size interfaces: the
// target of the nearest size with one.
func dumpTarget(size int) float64 {
	if size >= 20000 {
		return dumpTargets[20000]
	}

	return dumpTargets[2000]
}

// namespace is the benchmark's network namespace.
type namespace struct {
	name  string
	pairs int
}

func newNamespace() (*namespace, error) {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	ns := &namespace{name: "nlctl-bench-" + hex.EncodeToString(suffix)}
	if out, err := exec.Command("ip", "netns", "add", ns.name).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ip netns add %s: %w\n%s", ns.name, err, out)
	}

	return ns, nil
}

// grow adds veth pairs until the namespace holds pairs of them, with one
// `ip -batch` run.
func (ns *namespace) grow(pairs int) error {
	if pairs <= ns.pairs {
		return nil
	}

	var batch bytes.Buffer
	for i := ns.pairs; i < pairs; i++ {
		fmt.Fprintf(&batch, "link add va%d type veth peer name vb%d\n", i, i)
	}
	f, err := os.CreateTemp("", "nlctl-bench-*.batch")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(batch.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}

	if out, err := exec.Command("ip", "-n", ns.name, "-batch", f.Name()).CombinedOutput(); err != nil {
		return fmt.Errorf("create veth pairs in %s: %w\n%s", ns.name, err, out)
	}
	ns.pairs = pairs

	return nil
}

func (ns *namespace) delete() {
	if out, err := exec.Command("ip", "netns", "delete", ns.name).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: delete network namespace %s: %v\n%s", ns.name, err, out)
	}
}

// deleteOnSignal deletes the namespace and exits when the benchmark is
// interrupted. The returned function stops watching.
func deleteOnSignal(ns *namespace) func() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sig:
			ns.delete()
			fmt.Fprintf(os.Stderr, "bench: %v: deleted network namespace %s\n", s, ns.name)
			os.Exit(1)
		case <-done:
		}
	}()

	return func() {
		signal.Stop(sig)
		close(done)
	}
}

func writeGoBench(w *bytes.Buffer, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(w, "\n(Go benchmarks not available: %v)\n", err)
		return
	}

	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "Benchmark") || strings.HasPrefix(line, "pkg:") {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n## Go benchmarks\n\n```\n%s\n```\n", strings.Join(lines, "\n"))
}

// writeSizes includes the stripped binary size of each release
// architecture, as scripts/release/sizes.sh measured them.
func writeSizes(w *bytes.Buffer, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(w, "\n(Binary sizes not available: %v)\n", err)
		return
	}

	fmt.Fprintf(w, "\n## Binary sizes\n\nStatic release binaries built with `-trimpath -ldflags \"-s -w\"`, as `scripts/release/sizes.sh` measured them. The riscv64 binary must stay under 10 MiB to fit small board images.\n\n%s", data)
}
