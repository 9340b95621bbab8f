package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/wire"
)

type result struct {
	code   int
	stdout string
	stderr string
}

// runFake runs nlctl against a fake kernel that replies through handler.
func runFake(t *testing.T, handler familytest.Handler, args ...string) result {
	t.Helper()
	dial := func(family.DialOptions) (*family.Conn, error) {
		return (&familytest.Kernel{Handler: handler}).Conn(), nil
	}

	var stdout, stderr bytes.Buffer
	code := runWith(context.Background(), dial, args, strings.NewReader(""), &stdout, &stderr)

	return result{code, stdout.String(), stderr.String()}
}

func fixture(t *testing.T, name string) familytest.Handler {
	t.Helper()
	fx, err := familytest.LoadFixture(filepath.Join("..", "..", "internal", "family", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}

	return fx.Replay()
}

func errnoKernel(errno syscall.Errno) familytest.Handler {
	return func(req wire.Message) [][]byte {
		return [][]byte{familytest.Error(req, int32(errno), nil)}
	}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		wantErr   string
		wantUsage bool
	}{
		{"unknown flag", []string{"family", "list", "--bogus"}, "unknown flag: --bogus", true},
		{"unknown command", []string{"bogus"}, `unknown command "bogus"`, true},
		{"missing argument", []string{"family", "get"}, "takes 1 argument", true},
		{"extra argument", []string{"family", "list", "x"}, `unknown command "x"`, true},
		{"bad output format", []string{"-o", "yaml", "family", "list"}, `invalid output format "yaml"`, true},
		{"bad timeout", []string{"--timeout", "soon", "family", "list"}, `invalid argument "soon"`, true},
		{"op without policy", []string{"family", "get", "nlctrl", "--op", "3"}, "add --policy", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runFake(t, fixture(t, "getfamily-dump.nlmsg"), tc.args...)
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

func TestFamilyListRun(t *testing.T) {
	r := runFake(t, fixture(t, "getfamily-dump.nlmsg"), "family", "list")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}

	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if !strings.HasPrefix(lines[0], "ID  NAME") || !strings.HasPrefix(lines[1], "16  nlctrl") {
		t.Errorf("table does not start with the header and nlctrl:\n%s", r.stdout)
	}
}

func TestFamilyListJSONLines(t *testing.T) {
	r := runFake(t, fixture(t, "getfamily-dump.nlmsg"), "family", "list", "-o", "jsonl")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}

	for i, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d is not one JSON object: %v\n%s", i+1, err, line)
		}
		for _, key := range []string{"id", "name", "version", "hdrsize", "maxattr", "ops", "mcast-groups"} {
			if _, ok := obj[key]; !ok {
				t.Errorf("line %d lacks key %q", i+1, key)
			}
		}
	}
}

func TestFamilyGetNotFound(t *testing.T) {
	r := runFake(t, fixture(t, "getfamily-nosuch.nlmsg"), "family", "get", "nosuchfamily")
	if r.code != exitFailure {
		t.Errorf("exit code = %d, want %d", r.code, exitFailure)
	}
	for _, want := range []string{`family "nosuchfamily" is not registered in this kernel`, "module may not be loaded"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "Usage:") {
		t.Error("usage printed for a kernel error")
	}
}

func TestFamilyGetSuggestsNearest(t *testing.T) {
	notFound, list := fixture(t, "getfamily-nosuch.nlmsg"), fixture(t, "getfamily-dump.nlmsg")
	handler := func(req wire.Message) [][]byte {
		if req.Header.Flags&wire.FlagDump == wire.FlagDump {
			return list(req)
		}
		return notFound(req)
	}

	r := runFake(t, handler, "family", "get", "ethtol")
	if r.code != exitFailure {
		t.Errorf("exit code = %d, want %d", r.code, exitFailure)
	}
	if want := `family "ethtol" is not registered in this kernel; did you mean "ethtool"?`; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
	}
	if strings.Contains(r.stderr, "hint:") {
		t.Errorf("a likely typo got the module hints:\n%s", r.stderr)
	}
}

func TestPermissionDenied(t *testing.T) {
	r := runFake(t, errnoKernel(syscall.EPERM), "family", "get", "ethtool")
	if r.code != exitPermission {
		t.Errorf("exit code = %d, want %d", r.code, exitPermission)
	}
	if !strings.Contains(r.stderr, "CAP_NET_ADMIN") {
		t.Errorf("stderr lacks the CAP_NET_ADMIN hint:\n%s", r.stderr)
	}
}

func TestErrorAsJSON(t *testing.T) {
	r := runFake(t, errnoKernel(syscall.EPERM), "-o", "json", "family", "get", "ethtool")
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}

	var got map[string]any
	if err := json.Unmarshal([]byte(r.stderr), &got); err != nil {
		t.Fatalf("stderr is not one JSON object: %v\n%s", err, r.stderr)
	}
	want := map[string]any{"error": "get family ethtool: kernel: operation not permitted", "exit-code": 4.0,
		"hint": hintPermission, "errno": 1.0, "errno-name": "EPERM"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error object mismatch (-want +got):\n%s", diff)
	}
}

func TestFamilyGetPolicyOp(t *testing.T) {
	calls := 0
	handler := func(req wire.Message) [][]byte {
		calls++
		if calls == 1 {
			return fixture(t, "getfamily-ethtool.nlmsg")(req)
		}
		return fixture(t, "getpolicy-ethtool.nlmsg")(req)
	}
	r := runFake(t, handler, "family", "get", "ethtool", "--policy", "--op", "999")
	if r.code != exitUsage {
		t.Errorf("exit code = %d, want %d (unknown op)", r.code, exitUsage)
	}
	if !strings.Contains(r.stderr, `family ethtool has no op "999"`) {
		t.Errorf("stderr does not name the bad op:\n%s", r.stderr)
	}
}

func TestHexOutput(t *testing.T) {
	r := runFake(t, fixture(t, "getfamily-ethtool.nlmsg"), "family", "get", "ethtool", "-o", "hex")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{"# request, 32 bytes", "genlmsghdr cmd=3 (getfamily)", "family-name (2) len=12", "# reply"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("hex output lacks %q", want)
		}
	}
}

func TestVersion(t *testing.T) {
	r := runFake(t, nil, "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "nlctl dev (commit unknown") {
		t.Errorf("version: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestHelpListsExitCodes(t *testing.T) {
	r := runFake(t, nil, "--help")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{"Exit codes:", "4  permission denied"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// brokenPipe fails every write as a closed pipe does.
type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

func TestClosedStdoutExitsZero(t *testing.T) {
	dial := func(family.DialOptions) (*family.Conn, error) {
		return (&familytest.Kernel{Handler: fixture(t, "getfamily-dump.nlmsg")}).Conn(), nil
	}
	var stderr bytes.Buffer
	code := runWith(context.Background(), dial, []string{"family", "list"}, strings.NewReader(""), brokenPipe{}, &stderr)
	if code != exitOK || stderr.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 0 and nothing", code, stderr.String())
	}
}

func TestDescribeErrorNetNS(t *testing.T) {
	err := &family.NetNSError{Name: "x", Path: "/run/netns/x", Err: errors.New("no such file")}
	r := describeError(err, &globalOptions{})
	if r.ExitCode != exitUsage || !strings.Contains(r.Hint, "ip netns add") {
		t.Errorf("report = %+v", r)
	}
}

func TestOutputFlagScan(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"family", "list", "--bogus", "-o", "json"}, "json"},
		{[]string{"family", "list", "--bogus", "--output=jsonl"}, "jsonl"},
		{[]string{"-ojson", "family", "list"}, "json"},
		{[]string{"family", "list", "--", "-o", "json"}, "table"},
		{[]string{"family", "list"}, "table"},
	}
	for _, tc := range cases {
		if got := outputFlag(tc.args, "table"); got != tc.want {
			t.Errorf("outputFlag(%v) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestFlagErrorAfterBadFlagIsJSON(t *testing.T) {
	r := runFake(t, nil, "family", "list", "--bogus", "-o", "json")
	if r.code != exitUsage {
		t.Errorf("exit code = %d, want %d", r.code, exitUsage)
	}
	want := `{"error":"unknown flag: --bogus","exit-code":2}` + "\n"
	if r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
}

func TestVersionFlagAndJSON(t *testing.T) {
	r := runFake(t, nil, "--version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "nlctl dev") {
		t.Errorf("--version: exit %d, stdout %q", r.code, r.stdout)
	}

	r = runFake(t, nil, "version", "-o", "json")
	var got map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("version -o json is not JSON: %v\n%s", err, r.stdout)
	}
	for _, key := range []string{"version", "commit", "date", "go", "os", "arch"} {
		if got[key] == "" {
			t.Errorf("version JSON lacks %q: %v", key, got)
		}
	}
}

func TestArgumentCountWording(t *testing.T) {
	r := runFake(t, nil, "do", "ethtool")
	want := `nlctl: "do" takes 2 arguments (a family and an op, each by name or number), got 1`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
}

// TestPartialTreeFindsSameCommand checks that the tree built for the
// arguments alone resolves them to the same command, with the same
// remaining arguments, as the whole tree.
func TestPartialTreeFindsSameCommand(t *testing.T) {
	cases := [][]string{
		{"family", "list"},
		{"-o", "json", "family", "get", "nlctrl"},
		{"--output=jsonl", "dump", "ethtool", "linkinfo-get"},
		{"-ojson", "do", "netdev", "dev-get", "--attr", "ifindex=1"},
		{"--netns", "ns1", "--timeout", "5s", "monitor", "netdev"},
		{"--debug", "--spec", "a.yaml", "spec", "show", "netdev"},
		{"version"},
		{"help", "family"},
		{"completion", "bash"},
		{"famly", "list"},
		{"--", "family"},
		{},
	}
	for _, args := range cases {
		full, fullArgs, fullErr := newRootCommand(&globalOptions{}).Find(args)
		part, partArgs, partErr := newRootCommandFor(&globalOptions{}, args).Find(args)
		if (fullErr == nil) != (partErr == nil) {
			t.Errorf("%q: error %v with the whole tree, %v with the partial one", args, fullErr, partErr)
			continue
		}
		if fullErr != nil {
			continue
		}
		if full.CommandPath() != part.CommandPath() {
			t.Errorf("%q: found %q with the whole tree, %q with the partial one", args, full.CommandPath(), part.CommandPath())
		}
		if diff := cmp.Diff(fullArgs, partArgs); diff != "" {
			t.Errorf("%q: remaining arguments differ (-whole +partial):\n%s", args, diff)
		}
	}
}

// TestBrokenSpecInFolder checks that a spec in a spec folder that does not
// load stops the commands that need it with exit 2, but not the listing.
func TestBrokenSpecInFolder(t *testing.T) {
	dir := t.TempDir()
	spec := "name: nlctrl\nprotocol: genetlink\nattribute-sets: [{name: a, attributes: [{name: x, type: u33}]}]\n"
	if err := os.WriteFile(filepath.Join(dir, "nlctrl.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NLCTL_SPEC_PATH", dir)

	list := runFake(t, fixture(t, "getfamily-dump.nlmsg"), "family", "list")
	if list.code != exitOK || !strings.Contains(list.stdout, "nlctrl") {
		t.Errorf("family list: exit %d, stdout %q; want exit 0 and the listing", list.code, list.stdout)
	}
	if !strings.Contains(list.stderr, "nlctl: warning: spec file in a spec folder: "+filepath.Join(dir, "nlctrl.yaml")) {
		t.Errorf("family list: stderr %q lacks the warning naming the file", list.stderr)
	}

	specList := runFake(t, fixture(t, "getfamily-dump.nlmsg"), "spec", "list")
	if specList.code != exitOK || !strings.Contains(specList.stderr, "commands that use family nlctrl will fail") {
		t.Errorf("spec list: exit %d, stderr %q; want exit 0 and a warning about the file", specList.code, specList.stderr)
	}

	show := runFake(t, fixture(t, "getfamily-dump.nlmsg"), "spec", "show", "nlctrl")
	if show.code != exitUsage || !strings.Contains(show.stderr, `unknown type "u33"`) {
		t.Errorf("spec show: exit %d, stderr %q; want exit %d and the load error", show.code, show.stderr, exitUsage)
	}
}
