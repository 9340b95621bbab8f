// Command init is PID 1 of the riscv64 end-to-end guest.
//
// It mounts /dev, /proc, /sys, /run and /tmp, brings up the loopback
// interface, runs each nlctl command listed in /commands and prints the
// output of each run between marker lines on the console, then powers the
// guest off. The host (scripts/e2e-riscv64/run.sh) splits the console log at
// the markers.
//
// Console protocol, one marker per line, all starting with "@@nlctl-e2e ":
//
//	@@nlctl-e2e info kernel=RELEASE machine=MACHINE
//	@@nlctl-e2e begin NAME
//	...stdout of the run...
//	@@nlctl-e2e stderr NAME
//	...stderr of the run...
//	@@nlctl-e2e end NAME exit=CODE status=STATUS duration=SECONDS
//	@@nlctl-e2e done runs=N failed=M
//
// A line "@@nlctl-e2e warning ..." reports a setup step that failed, and
// "@@nlctl-e2e fatal ..." an error that stopped init before or instead of
// the runs. Init powers the guest off in every case.
//
// STATUS is "exited", "stopped" (ended by the planned stop-after signal),
// "signaled" (killed by a signal init did not send), "timeout" (killed at the
// deadline) or "error" (could not start). A run counts as failed unless its
// status is "exited" or "stopped" and its exit code is the expected one.
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	commandsPath = "/commands"
	nlctlPath    = "/nlctl"
	markerPrefix = "@@nlctl-e2e"
)

func main() {
	// PID 1 must never return: the kernel panics when init exits.
	defer powerOff()
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s fatal init panicked: %v\n", markerPrefix, r)
		}
	}()

	mountFileSystems()
	if err := bringUpLoopback(); err != nil {
		fmt.Printf("%s warning loopback: %v\n", markerPrefix, err)
	}
	printInfo()

	data, err := os.ReadFile(commandsPath)
	if err != nil {
		fmt.Printf("%s fatal reading %s: %v\n", markerPrefix, commandsPath, err)
		return
	}
	runs, err := parseRuns(string(data))
	if err != nil {
		fmt.Printf("%s fatal parsing %s: %v\n", markerPrefix, commandsPath, err)
		return
	}

	failed := execute(runs)
	fmt.Printf("%s done runs=%d failed=%d\n", markerPrefix, len(runs), failed)
}

// execute starts the runs in file order. A background run goes on while the
// next lines start, and execute waits for every run before it returns the
// number of runs that did not end as their line expects.
func execute(runs []run) int {
	var (
		printMu sync.Mutex
		wg      sync.WaitGroup
		failMu  sync.Mutex
		failed  int
	)
	report := func(r run, res result) {
		printMu.Lock()
		defer printMu.Unlock()
		printResult(r, res)
		if !res.ok(r) {
			failMu.Lock()
			failed++
			failMu.Unlock()
		}
	}

	for _, r := range runs {
		if r.background {
			wg.Add(1)
			go func(r run) {
				defer wg.Done()
				report(r, r.exec())
			}(r)
			continue
		}
		report(r, r.exec())
	}
	wg.Wait()
	return failed
}

// result is the outcome of one run.
type result struct {
	stdout, stderr bytes.Buffer
	exitCode       int
	status         string
	duration       time.Duration
}

// ok reports whether the run ended as planned: it exited by itself or after
// the planned stop signal, with the expected exit code.
func (res *result) ok(r run) bool {
	if res.status != "exited" && res.status != "stopped" {
		return false
	}
	return res.exitCode == r.wantExit
}

// exec runs the command with its deadline and stop signal.
func (r run) exec() result {
	var res result
	cmd := exec.Command(nlctlPath, r.args...)
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=/", "HOME=/", "TERM=dumb"}
	cmd.Stdout = &res.stdout
	cmd.Stderr = &res.stderr

	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.status = "error"
		res.exitCode = -1
		fmt.Fprintf(&res.stderr, "init: starting %s: %v\n", nlctlPath, err)
		return res
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var stopC <-chan time.Time
	if r.stopAfter > 0 {
		stopC = time.After(r.stopAfter)
	}
	deadline := time.After(r.timeout)
	stopped := false
	for {
		select {
		case err := <-done:
			res.duration = time.Since(start)
			res.exitCode = cmd.ProcessState.ExitCode()
			switch {
			case stopped:
				res.status = "stopped"
			case err != nil && res.exitCode < 0:
				res.status = "signaled"
				fmt.Fprintf(&res.stderr, "init: %v\n", err)
			default:
				res.status = "exited"
			}
			return res
		case <-stopC:
			stopped = true
			stopC = nil
			_ = cmd.Process.Signal(r.stopSignal)
		case <-deadline:
			_ = cmd.Process.Kill()
			waitErr := <-done
			fmt.Fprintf(&res.stderr, "init: killed after the %v timeout: %v\n", r.timeout, waitErr)
			res.duration = time.Since(start)
			res.exitCode = -1
			res.status = "timeout"
			return res
		}
	}
}

func printResult(r run, res result) {
	fmt.Printf("%s begin %s\n", markerPrefix, r.name)
	writeBlock(res.stdout.Bytes())
	fmt.Printf("%s stderr %s\n", markerPrefix, r.name)
	writeBlock(res.stderr.Bytes())
	fmt.Printf("%s end %s exit=%d status=%s duration=%.3f\n",
		markerPrefix, r.name, res.exitCode, res.status, res.duration.Seconds())
}

// writeBlock writes output so that the next marker starts on a new line.
func writeBlock(b []byte) {
	// A console write error has nowhere to be reported.
	_, _ = os.Stdout.Write(b)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		_, _ = os.Stdout.Write([]byte("\n"))
	}
}

func printInfo() {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		fmt.Printf("%s info uname failed: %v\n", markerPrefix, err)
		return
	}
	fmt.Printf("%s info kernel=%s machine=%s\n", markerPrefix, utsString(u.Release[:]), utsString(u.Machine[:]))
}

// utsString converts a NUL-terminated utsname field. The element type is int8
// on some architectures (amd64) and uint8 on others (riscv64).
func utsString[T int8 | uint8](field []T) string {
	var sb strings.Builder
	for _, c := range field {
		if c == 0 {
			break
		}
		sb.WriteByte(byte(c))
	}
	return sb.String()
}

func powerOff() {
	syscall.Sync()
	if err := syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		fmt.Printf("%s fatal power off failed: %v\n", markerPrefix, err)
	}
	// Reboot returns only on failure. Block so that the kernel does not panic
	// on init exiting, and let the host's timeout end the guest.
	select {}
}
