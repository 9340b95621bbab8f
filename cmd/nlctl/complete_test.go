package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// completions runs cobra's hidden __complete command, which every shell's
// completion script calls, and returns the offered words.
func completions(t *testing.T, args ...string) []string {
	t.Helper()
	r := runFake(t, fixture(t, "getfamily-dump.nlmsg"), append([]string{"__complete"}, args...)...)
	if r.code != exitOK {
		t.Fatalf("__complete %v: exit %d, stderr %q", args, r.code, r.stderr)
	}

	var words []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.HasPrefix(line, ":") {
			words = append(words, line)
		}
	}

	return words
}

func TestCompleteFamily(t *testing.T) {
	if diff := cmp.Diff([]string{"ethtool"}, completions(t, "dump", "eth")); diff != "" {
		t.Errorf("dump eth<TAB> mismatch (-want +got):\n%s", diff)
	}
}

func TestCompleteOp(t *testing.T) {
	want := []string{"linkinfo-get", "linkmodes-get", "linkstate-get"}
	if diff := cmp.Diff(want, completions(t, "dump", "ethtool", "link")); diff != "" {
		t.Errorf("dump ethtool link<TAB> mismatch (-want +got):\n%s", diff)
	}

	doOps := completions(t, "do", "ethtool", "linkinfo-")
	if diff := cmp.Diff([]string{"linkinfo-get", "linkinfo-set"}, doOps); diff != "" {
		t.Errorf("do ethtool linkinfo-<TAB> mismatch (-want +got):\n%s", diff)
	}
}

func TestCompleteAttrPath(t *testing.T) {
	got := completions(t, "do", "ethtool", "channels-get", "--attr", "header.dev-")
	want := []string{"header.dev-index=", "header.dev-name="}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("--attr header.dev-<TAB> mismatch (-want +got):\n%s", diff)
	}

	if got := completions(t, "do", "ethtool", "channels-get", "--attr", "he"); !cmp.Equal(got, []string{"header."}) {
		t.Errorf("--attr he<TAB> = %v, want [header.]", got)
	}
}

func TestCompleteFamilyGet(t *testing.T) {
	got := completions(t, "family", "get", "nl")
	if diff := cmp.Diff([]string{"nlctrl"}, got); diff != "" {
		t.Errorf("family get nl<TAB> mismatch (-want +got):\n%s", diff)
	}
}

func TestCompleteMonitorFamily(t *testing.T) {
	if diff := cmp.Diff([]string{"ethtool"}, completions(t, "monitor", "eth")); diff != "" {
		t.Errorf("monitor eth<TAB> mismatch (-want +got):\n%s", diff)
	}
}

func TestCompleteFlagChoices(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"family", "list", "-o", "j"}, []string{"json", "jsonl"}},
		{[]string{"dump", "ethtool", "linkinfo-get", "--on-interrupt", "r"}, []string{"retry"}},
		{[]string{"monitor", "netdev", "--timestamp", ""}, []string{"delta", "mono", "none", "wall"}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, completions(t, c.args...)); diff != "" {
			t.Errorf("%v<TAB> mismatch (-want +got):\n%s", c.args, diff)
		}
	}
}

func TestCompleteAttrRequestOnly(t *testing.T) {
	if diff := cmp.Diff([]string{"header."}, completions(t, "do", "ethtool", "linkinfo-get", "--attr", "")); diff != "" {
		t.Errorf("--attr <TAB> offered more than the request takes (-want +got):\n%s", diff)
	}
}

func TestCompleteAttrValues(t *testing.T) {
	got := completions(t, "do", "ethtool", "linkinfo-get", "--attr", "header.flags=compact-bitsets,o")
	if diff := cmp.Diff([]string{"header.flags=compact-bitsets,omit-reply"}, got); diff != "" {
		t.Errorf("flag names after a comma mismatch (-want +got):\n%s", diff)
	}

	if got := completions(t, "do", "ethtool", "features-set", "--attr", "hw."); len(got) != 0 {
		t.Errorf("--attr hw.<TAB> offered %v inside an attribute the request does not take", got)
	}
}
