// Package testutil holds helpers for nlctl's integration tests: checks for
// root and tools that fail instead of skipping under CI=true, and network
// namespaces that clean themselves up.
package testutil

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true), where a missing
// prerequisite is a failure, not a reason to skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// Skip skips the test with the reason, or fails it under CI=true so that a
// skip cannot hide a regression.
func Skip(t testing.TB, reason string) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true, so this test may not skip: %s", reason)
	}
	t.Skip(reason)
}

// RequireRoot skips (or under CI fails) unless the test runs as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped under -short")
	}
	if os.Geteuid() != 0 {
		Skip(t, "needs root to use the real kernel's generic netlink and network namespaces")
	}
}

// RequireTool skips (or under CI fails) unless the named program is on PATH.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Skip(t, name+" is not installed: `bash .ci/run` installs the test tools")
	}

	return path
}

// Run runs a command, fails the test if it does not succeed, and returns
// its stdout. stderr stays out of the result, so a warning cannot break
// parsing of JSON output; it is shown when the command fails.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	var stderr strings.Builder
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}

	return string(out)
}

// NewNetNS creates a network namespace with a random name and deletes it
// when the test ends. It returns the name, for `ip -n NAME` and --netns.
func NewNetNS(t testing.TB) string {
	t.Helper()
	RequireRoot(t)
	RequireTool(t, "ip")

	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := "nlctl-test-" + hex.EncodeToString(suffix)
	Run(t, "ip", "netns", "add", name)
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "delete", name).CombinedOutput(); err != nil {
			t.Errorf("delete network namespace %s: %v\n%s", name, err, out)
		}
	})

	return name
}
