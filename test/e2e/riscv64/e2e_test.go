//go:build e2e

// Package riscv64 boots nlctl in a riscv64 QEMU guest and checks what it
// printed there. It needs qemu-system-riscv64, OpenSBI and a cross-built
// kernel (scripts/e2e-riscv64/build-kernel.sh, about half an hour on two
// CPUs the first time), so it only builds with the e2e tag:
//
//	go test -tags e2e -timeout 30m ./test/e2e/riscv64/
//
// Environment:
//
//	NLCTL_E2E_OUT    keep the guest's output in this folder instead of a
//	                 temporary one
//	NLCTL_E2E_NLCTL  boot this prebuilt riscv64 binary instead of building
//	                 ./cmd/nlctl
package riscv64

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// guestRun is one line of results.tsv, as the guest init reported it.
type guestRun struct {
	name, exitCode, status, duration string
}

func TestGuest(t *testing.T) {
	outDir := os.Getenv("NLCTL_E2E_OUT")
	if outDir == "" {
		outDir = t.TempDir()
	}
	runScript(t, outDir)

	console := readFile(t, filepath.Join(outDir, "console.log"))
	t.Run("console clean", func(t *testing.T) {
		checkConsole(t, console)
	})
	runs := readResults(t, filepath.Join(outDir, "results.tsv"))
	t.Run("family list", func(t *testing.T) {
		checkFamilyList(t, outDir, runs)
	})
	t.Run("version", func(t *testing.T) {
		checkVersion(t, outDir, runs)
	})
	t.Run("family get", func(t *testing.T) {
		checkFamilyGet(t, outDir, runs)
	})
	t.Run("netdev dump", func(t *testing.T) {
		checkNetdevDump(t, outDir, runs)
	})
	t.Run("extended ACK", func(t *testing.T) {
		checkExtendedACK(t, outDir, runs)
	})
	t.Run("monitor duration", func(t *testing.T) {
		checkMonitor(t, outDir, runs, "monitor-nlctrl-duration", "exited")
	})
	t.Run("monitor SIGINT", func(t *testing.T) {
		checkMonitor(t, outDir, runs, "monitor-netdev-sigint", "stopped")
	})
}

// runScript runs scripts/e2e-riscv64/run.sh. A failing script is reported
// but does not stop the test, so the checks below still name what went wrong.
func runScript(t *testing.T, outDir string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join(root, "scripts", "e2e-riscv64", "run.sh"), "-o", outDir}
	if binary := os.Getenv("NLCTL_E2E_NLCTL"); binary != "" {
		args = append(args, "-b", binary)
	}

	ctx := context.Background()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-30*time.Second))
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, "bash", args...)
	cmd.Dir = root
	output, err := cmd.CombinedOutput()
	t.Logf("run.sh output:\n%s", output)
	if err != nil {
		t.Errorf("run.sh failed: %v (console log: %s)", err, filepath.Join(outDir, "console.log"))
	}
}

// consoleProblems are console lines that mean a crash in the guest: a Go
// panic or fatal error in nlctl or init, an illegal instruction, or a kernel
// oops, BUG, WARN or panic, or a setup step of init that failed.
var consoleProblems = regexp.MustCompile(`(?m)^(?:panic: |fatal error: |goroutine \d+ \[|SIGILL|.*Kernel panic|.*Oops|.*BUG: |.*WARNING: |.*Unable to handle kernel|.*unable to open an initial console|@@nlctl-e2e (?:fatal|warning) ).*$`)

func checkConsole(t *testing.T, console string) {
	console = strings.ReplaceAll(console, "\r", "")
	for _, line := range consoleProblems.FindAllString(console, -1) {
		t.Errorf("console shows a crash: %q", line)
	}
	if !regexp.MustCompile(`(?m)^@@nlctl-e2e info kernel=\S+ machine=riscv64$`).MatchString(console) {
		t.Error("console has no info line with machine=riscv64")
	}
	if !regexp.MustCompile(`(?m)^@@nlctl-e2e done runs=\d+ failed=0$`).MatchString(console) {
		t.Errorf("console has no done line with failed=0; last lines:\n%s", lastLines(console, 20))
	}
}

func checkFamilyList(t *testing.T, outDir string, runs map[string]guestRun) {
	requireRunOK(t, outDir, runs, "family-list")
	stdout := readFile(t, filepath.Join(outDir, "family-list.stdout"))

	var doc any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("family list -o json printed invalid JSON: %v\n%s", err, stdout)
	}
	families := collectFamilies(doc)
	if len(families) == 0 {
		t.Fatalf("found no object with a name and an id in the JSON:\n%s", stdout)
	}

	if id, ok := families["nlctrl"]; !ok {
		t.Errorf("nlctrl not listed; families: %s", familyNames(families))
	} else if id != 16 {
		t.Errorf("nlctrl id = %v, want 16", id)
	}
	for _, name := range []string{"netdev", "ethtool"} {
		if _, ok := families[name]; !ok {
			t.Errorf("%s not listed; families: %s", name, familyNames(families))
		}
	}
}

func checkVersion(t *testing.T, outDir string, runs map[string]guestRun) {
	requireRunOK(t, outDir, runs, "version")
	stdout := readFile(t, filepath.Join(outDir, "version.stdout"))
	if strings.TrimSpace(stdout) == "" {
		t.Fatal("version printed nothing")
	}
	// run.sh builds with -X main.version=e2e, but a prebuilt binary has its own.
	if os.Getenv("NLCTL_E2E_NLCTL") == "" && !strings.Contains(stdout, "e2e") {
		t.Errorf("version output does not contain the version set at build time, e2e:\n%s", stdout)
	}
}

func checkFamilyGet(t *testing.T, outDir string, runs map[string]guestRun) {
	requireRunOK(t, outDir, runs, "family-get-ethtool")
	var got struct {
		Name string `json:"name"`
		Ops  []any  `json:"ops"`
	}
	decodeJSON(t, readFile(t, filepath.Join(outDir, "family-get-ethtool.stdout")), &got)
	if got.Name != "ethtool" {
		t.Errorf("family get ethtool: name = %q, want ethtool", got.Name)
	}
	if len(got.Ops) == 0 {
		t.Error("family get ethtool: no ops listed")
	}
}

// checkNetdevDump looks for lo, which always has ifindex 1.
func checkNetdevDump(t *testing.T, outDir string, runs map[string]guestRun) {
	requireRunOK(t, outDir, runs, "netdev-dev-dump")
	var devices []map[string]any
	decodeJSON(t, readFile(t, filepath.Join(outDir, "netdev-dev-dump.stdout")), &devices)
	for _, device := range devices {
		if device["ifindex"] == float64(1) {
			return
		}
	}
	t.Errorf("dump netdev dev-get: no device with ifindex 1 (lo) in %v", devices)
}

// checkExtendedACK checks that the kernel's extended ACK for a missing
// device reaches the JSON error on stderr with the attribute path.
func checkExtendedACK(t *testing.T, outDir string, runs map[string]guestRun) {
	requireRun(t, outDir, runs, "ethtool-extack", "exited", "1")
	var got struct {
		ErrnoName string `json:"errno-name"`
		Extack    struct {
			Message   string `json:"message"`
			Attribute string `json:"attribute"`
		} `json:"extack"`
	}
	decodeJSON(t, readFile(t, filepath.Join(outDir, "ethtool-extack.stderr")), &got)
	if got.ErrnoName != "ENODEV" {
		t.Errorf("errno-name = %q, want ENODEV", got.ErrnoName)
	}
	if got.Extack.Message == "" {
		t.Error("extack message is empty")
	}
	if got.Extack.Attribute != ".header.dev-name" {
		t.Errorf("extack attribute = %q, want .header.dev-name", got.Extack.Attribute)
	}
}

// checkMonitor checks that a monitor run ended with code 0 and that every
// line it printed, if any, is a JSON object. It reports the first bad line.
func checkMonitor(t *testing.T, outDir string, runs map[string]guestRun, name, wantStatus string) {
	t.Helper()
	requireRun(t, outDir, runs, name, wantStatus, "0")
	stdout := readFile(t, filepath.Join(outDir, name+".stdout"))
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var event map[string]any
		if err := json.Unmarshal([]byte(line), &event); err != nil {
			t.Errorf("%s: line is not a JSON object: %v\n%s", name, err, line)
			return
		}
	}
}

func requireRunOK(t *testing.T, outDir string, runs map[string]guestRun, name string) {
	t.Helper()
	requireRun(t, outDir, runs, name, "exited", "0")
}

func requireRun(t *testing.T, outDir string, runs map[string]guestRun, name, wantStatus, wantExit string) {
	t.Helper()
	run, ok := runs[name]
	if !ok {
		t.Fatalf("the guest reported no run %q (is it in commands.txt?)", name)
	}
	if run.status != wantStatus || run.exitCode != wantExit {
		stderr, _ := os.ReadFile(filepath.Join(outDir, name+".stderr"))
		t.Fatalf("run %s: status %s, exit code %s, want %s with %s; stderr:\n%s",
			name, run.status, run.exitCode, wantStatus, wantExit, stderr)
	}
}

func decodeJSON(t *testing.T, text string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(text), v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, text)
	}
}

// collectFamilies walks any JSON document and returns, for every object
// with a string "name" and a numeric id ("id", "ID" or "family_id"), the
// name and id. It accepts a top-level array as well as an array nested in a
// wrapper object, so the test does not pin the exact JSON layout.
func collectFamilies(doc any) map[string]float64 {
	families := make(map[string]float64)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, item := range v {
				walk(item)
			}
		case map[string]any:
			if name, ok := v["name"].(string); ok {
				for _, key := range []string{"id", "ID", "family_id"} {
					if id, ok := v[key].(float64); ok {
						families[name] = id
						break
					}
				}
			}
			for _, item := range v {
				walk(item)
			}
		}
	}
	walk(doc)
	return families
}

func familyNames(families map[string]float64) string {
	names := make([]string, 0, len(families))
	for name, id := range families {
		names = append(names, fmt.Sprintf("%s(%v)", name, id))
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

func readResults(t *testing.T, path string) map[string]guestRun {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("reading guest results: %v", err)
	}
	defer f.Close()

	runs := make(map[string]guestRun)
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Split(scanner.Text(), "\t")
		if len(fields) != 4 {
			t.Fatalf("%s: malformed line %q, want 4 tab-separated fields", path, scanner.Text())
		}
		runs[fields[0]] = guestRun{name: fields[0], exitCode: fields[1], status: fields[2], duration: fields[3]}
		t.Logf("guest run %-20s exit=%s status=%s duration=%ss", fields[0], fields[1], fields[2], fields[3])
	}
	if err := scanner.Err(); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return runs
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading guest output: %v", err)
	}
	return string(data)
}

func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
