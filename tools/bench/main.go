// Command bench measures nlctl's wall time against reference tools run in
// the same session, and writes the results as Markdown.
//
// Each round runs every command once, in turn, so that load on the machine
// affects all of them alike; the report gives medians and the ratio of
// each median to its reference's median.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"
)

// comparison is a set of commands measured against the first, the
// reference.
type comparison struct {
	title    string
	commands [][]string
	maxRatio float64 // the target for every command against the reference
}

func main() {
	nlctl := flag.String("nlctl", "bin/nlctl", "nlctl binary to measure")
	rounds := flag.Int("rounds", 300, "runs of each command")
	gobench := flag.String("gobench", "", "file with `go test -bench` output to include")
	out := flag.String("out", "", "write the Markdown report here instead of stdout")
	flag.Parse()

	comparisons := []comparison{{
		title: "Listing families",
		commands: [][]string{
			{"genl", "ctrl", "list"},
			{*nlctl, "family", "list"},
			{*nlctl, "family", "list", "-o", "json"},
		},
		maxRatio: 3.0,
	}}

	var report bytes.Buffer
	writeHeader(&report, *rounds)
	failed := false
	for _, c := range comparisons {
		ok, err := measure(&report, c, *rounds)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		failed = failed || !ok
	}
	if *gobench != "" {
		writeGoBench(&report, *gobench)
	}

	if *out == "" {
		os.Stdout.Write(report.Bytes())
	} else if err := os.WriteFile(*out, report.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if failed {
		fmt.Fprintln(os.Stderr, "bench: a median ratio is above its target")
		os.Exit(1)
	}
}

func writeHeader(w *bytes.Buffer, rounds int) {
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Fprintf(w, "# Benchmarks\n\nMeasured by `make bench` on %s: Linux %s, %d CPUs, %s, %d rounds.\n",
		time.Now().UTC().Format("2006-01-02"), strings.TrimSpace(string(kernel)), runtime.NumCPU(), runtime.Version(), rounds)
	fmt.Fprintf(w, "Each round runs every command of a comparison once, in turn; times are wall-clock medians,\n"+
		"including process start-up, and each ratio divides a median by the reference's median from the same run.\n"+
		"Reproduce with `make bench` (as root, with iproute2 installed).\n")
}

// measure runs the comparison and writes its table. It reports whether
// every ratio met the target.
func measure(w *bytes.Buffer, c comparison, rounds int) (bool, error) {
	times := make([][]time.Duration, len(c.commands))
	for _, cmd := range c.commands {
		if err := exec.Command(cmd[0], cmd[1:]...).Run(); err != nil {
			return false, fmt.Errorf("%s: %w", strings.Join(cmd, " "), err)
		}
	}

	for r := 0; r < rounds; r++ {
		for i, cmd := range c.commands {
			start := time.Now()
			if err := exec.Command(cmd[0], cmd[1:]...).Run(); err != nil {
				return false, fmt.Errorf("%s: %w", strings.Join(cmd, " "), err)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}

	ref := median(times[0])
	fmt.Fprintf(w, "\n## %s\n\nReference: `%s`. Target: every ratio at most %.1f.\n\n", c.title, strings.Join(c.commands[0], " "), c.maxRatio)
	fmt.Fprintf(w, "| command | median | p90 | ratio |\n|---|---|---|---|\n")
	ok := true
	for i, cmd := range c.commands {
		m := median(times[i])
		ratio := float64(m) / float64(ref)
		if i > 0 && ratio > c.maxRatio {
			ok = false
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %.2f |\n", displayCommand(cmd), m.Round(time.Microsecond),
			percentile(times[i], 0.9).Round(time.Microsecond), ratio)
	}

	return ok, nil
}

func displayCommand(cmd []string) string {
	parts := append([]string{}, cmd...)
	if strings.Contains(parts[0], "/") {
		parts[0] = "nlctl"
	}

	return strings.Join(parts, " ")
}

func median(d []time.Duration) time.Duration { return percentile(d, 0.5) }

func percentile(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })

	return s[int(float64(len(s)-1)*p)]
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
