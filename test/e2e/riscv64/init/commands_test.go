package main

import (
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRunsValid(t *testing.T) {
	text := `
# comment
family-list -- family list -o json
mon timeout=20s stop-after=3s signal=TERM exit=1 background=true -- monitor ethtool --attr 'header.dev-name=veth 0'
`
	runs, err := parseRuns(text)
	if err != nil {
		t.Fatalf("parseRuns: %v", err)
	}
	if len(runs) != 2 {
		t.Fatalf("got %d runs, want 2", len(runs))
	}

	first := runs[0]
	if diff := cmp.Diff([]string{"family", "list", "-o", "json"}, first.args); diff != "" {
		t.Errorf("first run args (-want +got):\n%s", diff)
	}
	if first.timeout != defaultTimeout || first.stopAfter != 0 || first.wantExit != 0 || first.background {
		t.Errorf("first run options = %+v, want defaults", first)
	}

	second := runs[1]
	if diff := cmp.Diff([]string{"monitor", "ethtool", "--attr", "header.dev-name=veth 0"}, second.args); diff != "" {
		t.Errorf("second run args (-want +got):\n%s", diff)
	}
	if second.timeout != 20*time.Second {
		t.Errorf("timeout = %v, want 20s", second.timeout)
	}
	if second.stopAfter != 3*time.Second {
		t.Errorf("stop-after = %v, want 3s", second.stopAfter)
	}
	if second.stopSignal != syscall.SIGTERM {
		t.Errorf("signal = %v, want SIGTERM", second.stopSignal)
	}
	if second.wantExit != 1 {
		t.Errorf("exit = %d, want 1", second.wantExit)
	}
	if !second.background {
		t.Error("background = false, want true")
	}
}

func TestParseRunsInvalid(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"empty file", "# nothing\n"},
		{"no separator", "family-list family list\n"},
		{"no name", "-- family list\n"},
		{"bad name", "family/list -- family list\n"},
		{"duplicate name", "a -- version\na -- version\n"},
		{"unknown option", "a colour=red -- version\n"},
		{"option without value", "a timeout -- version\n"},
		{"bad duration", "a timeout=soon -- version\n"},
		{"zero duration", "a timeout=0s -- version\n"},
		{"bad signal", "a signal=KILL -- version\n"},
		{"stop after timeout", "a timeout=5s stop-after=5s -- monitor\n"},
		{"open quote", "a -- do 'x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseRuns(tt.text); err == nil {
				t.Errorf("parseRuns(%q) succeeded, want an error", tt.text)
			}
		})
	}
}
