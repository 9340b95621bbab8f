package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
)

// specFamilySpec is a small spec for the spec folder of the tests. Its
// family name is one nlctl has a built-in schema for, so it shadows it.
const specFamilySpec = `
name: netdev
protocol: genetlink
attribute-sets:
  - name: dev
    attributes:
      - {name: ifindex, type: u32}
operations:
  list:
    - name: dev-get
      value: 1
      attribute-set: dev
      do:
        request: {attributes: [ifindex]}
        reply: {attributes: [ifindex]}
`

// subMessageFamilySpec has a sub-message attribute, for the expansion of
// its formats.
const subMessageFamilySpec = `
name: linkdemo
protocol: netlink-raw
protonum: 0
attribute-sets:
  - name: link
    attributes:
      - {name: kind, type: string, value: 1}
      - {name: data, type: sub-message, sub-message: link-data, selector: kind, value: 2}
  - name: vlan-attrs
    attributes:
      - {name: id, type: u16, value: 1}
sub-messages:
  - name: link-data
    formats:
      - {value: vlan, attribute-set: vlan-attrs}
operations:
  list:
    - name: getlink
      value: 18
      attribute-set: link
      do:
        request: {attributes: [kind]}
        reply: {attributes: [kind, data]}
`

// runSpec runs nlctl with a spec folder of its own and a home without
// specs, and with a dial function that fails the test: the spec commands
// must not open a socket.
func runSpec(t *testing.T, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "netdev.yaml"), specFamilySpec)
	writeFile(t, filepath.Join(dir, "linkdemo.yaml"), subMessageFamilySpec)
	t.Setenv("NLCTL_SPEC_PATH", dir)
	t.Setenv("HOME", t.TempDir())

	dial := func(family.DialOptions) (*family.Conn, error) {
		t.Error("a spec command opened a netlink connection")
		return nil, errors.New("no kernel in this test")
	}
	var stdout, stderr bytes.Buffer
	code := runWith(context.Background(), dial, args, strings.NewReader(""), &stdout, &stderr)

	return result{code, stdout.String(), stderr.String()}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSpecUsageErrors(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		wantErr   string
		wantUsage bool
	}{
		{"show without a family", []string{"spec", "show"}, "takes 1 argument", true},
		{"show with two families", []string{"spec", "show", "a", "b"}, "takes 1 argument", true},
		{"list with an argument", []string{"spec", "list", "x"}, `unknown command "x"`, true},
		{"unknown flag", []string{"spec", "list", "--bogus"}, "unknown flag: --bogus", true},
		{"hex output", []string{"-o", "hex", "spec", "list"}, "-o hex has nothing to show", true},
		{"unknown family", []string{"spec", "show", "nosuch"}, `no schema for family "nosuch"; known schemas: `, false},
		{"misspelt family", []string{"spec", "show", "ethtol"}, `no schema for family "ethtol"; did you mean "ethtool"? Known schemas: `, false},
		{"unknown op", []string{"spec", "show", "ethtool", "--op", "nosuch"}, `family ethtool has no op "nosuch". Valid ops: cable-test-act,`, false},
		{"unknown op number", []string{"spec", "show", "ethtool", "--op", "250"}, `family ethtool has no op "250"`, false},
		{"spec file that does not load", []string{"--spec", "/nonexistent/x.yaml", "spec", "list"}, "--spec /nonexistent/x.yaml: ", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runSpec(t, tc.args...)
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

func TestSpecShowUnknownFamilyListsSchemas(t *testing.T) {
	r := runSpec(t, "spec", "show", "nosuch")
	for _, name := range append(builtin.Names(), "linkdemo") {
		if !strings.Contains(r.stderr, name) {
			t.Errorf("error does not list the schema %s:\n%s", name, r.stderr)
		}
	}
	if strings.Count(r.stderr, "netdev") != 1 {
		t.Errorf("error lists netdev more than once:\n%s", r.stderr)
	}
}

func TestSpecListJSON(t *testing.T) {
	r := runSpec(t, "spec", "list", "-o", "json")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}

	var got []render.SpecInfoJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not a JSON array of schemas: %v\n%s", err, r.stdout)
	}
	if len(got) != len(builtin.Names())+2 {
		t.Errorf("got %d schemas, want the %d built-in ones and 2 files", len(got), len(builtin.Names()))
	}

	dir := os.Getenv("NLCTL_SPEC_PATH")
	want := []render.SpecInfoJSON{
		{Family: "linkdemo", Source: "file", Path: filepath.Join(dir, "linkdemo.yaml")},
		{Family: "netdev", Source: "file", Path: filepath.Join(dir, "netdev.yaml")},
	}
	if diff := cmp.Diff(want, got[:2]); diff != "" {
		t.Errorf("spec folder entries mismatch (-want +got):\n%s", diff)
	}
	for _, info := range got[2:] {
		if info.Source != "builtin" || info.Path != info.Family || info.Shadowed != (info.Family == "netdev") {
			t.Errorf("built-in entry %+v: want source builtin, path = family, shadowed only for netdev", info)
		}
	}
}

func TestSpecListTable(t *testing.T) {
	r := runSpec(t, "spec", "list")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}

	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if got := strings.Fields(lines[0]); !cmp.Equal(got, []string{"FAMILY", "SOURCE", "PATH", "SHADOWED"}) {
		t.Errorf("header = %q", lines[0])
	}
	rows := map[string]string{}
	for _, line := range lines[1:] {
		if strings.HasSuffix(line, " ") {
			t.Errorf("line ends in blanks: %q", line)
		}
		f := strings.Fields(line)
		rows[f[0]+" "+f[1]] = f[3]
	}
	for key, want := range map[string]string{"netdev file": "no", "netdev builtin": "yes", "ethtool builtin": "no"} {
		if rows[key] != want {
			t.Errorf("row %s: shadowed = %q, want %q\n%s", key, rows[key], want, r.stdout)
		}
	}
}

func TestSpecListJSONLines(t *testing.T) {
	r := runSpec(t, "spec", "list", "-o", "jsonl")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != exitOK || len(lines) != len(builtin.Names())+2 {
		t.Fatalf("exit %d, %d lines; stderr %q", r.code, len(lines), r.stderr)
	}
	for i, line := range lines {
		var info map[string]any
		if err := json.Unmarshal([]byte(line), &info); err != nil {
			t.Fatalf("line %d is not one JSON object: %v", i+1, err)
		}
		if len(info) != 4 {
			t.Errorf("line %d has keys %v, want family, source, path, shadowed", i+1, info)
		}
	}
}

func TestSpecListSpecFlagComesFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mine.yaml")
	writeFile(t, path, strings.Replace(specFamilySpec, "name: netdev", "name: ethtool", 1))

	r := runSpec(t, "--spec", path, "spec", "list", "-o", "json")
	var got []render.SpecInfoJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if want := (render.SpecInfoJSON{Family: "ethtool", Source: "file", Path: path}); got[0] != want {
		t.Errorf("first entry = %+v, want %+v", got[0], want)
	}
	for _, info := range got[1:] {
		if info.Family == "ethtool" && !info.Shadowed {
			t.Errorf("built-in ethtool is not marked shadowed by --spec: %+v", info)
		}
	}
}

func TestSpecShowOps(t *testing.T) {
	r := runSpec(t, "spec", "show", "ethtool")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"family ethtool  protocol genetlink-legacy  version 1\n",
		"source: builtin ethtool\n",
		"multicast groups: monitor\n",
		"NAME                 REQUEST  REPLY  MODES    ATTRIBUTE-SET\n",
		"strset-get           1        1      do,dump  strset\n",
		"linkinfo-set         3        -      do       linkinfo\n",
		"linkinfo-ntf         -        3      notify   linkinfo\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestSpecShowShadowing(t *testing.T) {
	r := runSpec(t, "spec", "show", "netdev", "-o", "json")
	var got render.SpecShowJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("exit %d: %v\n%s", r.code, err, r.stderr)
	}

	dir := os.Getenv("NLCTL_SPEC_PATH")
	if got.Source != "file" || got.Path != filepath.Join(dir, "netdev.yaml") {
		t.Errorf("source = %s %s, want the spec folder's file", got.Source, got.Path)
	}
	want := []render.SpecInfoJSON{{Family: "netdev", Source: "builtin", Path: "netdev", Shadowed: true}}
	if diff := cmp.Diff(want, got.Shadows); diff != "" {
		t.Errorf("shadows mismatch (-want +got):\n%s", diff)
	}
	if len(got.Ops) != 1 || got.Ops[0].Name != "dev-get" {
		t.Errorf("ops = %+v, want the file's one op", got.Ops)
	}
}

func TestSpecShowOpJSON(t *testing.T) {
	r := runSpec(t, "spec", "show", "ethtool", "--op", "channels-get", "-o", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var got render.SpecShowJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}

	op := got.Op
	// ethtool numbers replies apart from requests.
	if op == nil || op.Name != "channels-get" || *op.Request != 17 || *op.Reply != 18 || op.AttrSet != "channels" {
		t.Fatalf("op = %+v, want channels-get, request 17, reply 18, set channels", op)
	}
	if got.Ops != nil {
		t.Errorf("the op list is shown with --op: %+v", got.Ops)
	}
	if op.Do == nil || op.Dump == nil {
		t.Fatalf("do %v, dump %v: want both", op.Do, op.Dump)
	}

	header := op.Do.RequestAttrs[0]
	if header.Name != "header" || header.Type != "nest" || header.NestedSet != "header" || len(header.Attrs) != 4 {
		t.Errorf("request header = %+v, want a nest with the 4 header attributes expanded", header)
	}
	if name := header.Attrs[1]; name.Name != "dev-name" || name.Value != 2 || name.Type != "string" {
		t.Errorf("header.dev-name = %+v", name)
	}
	var names []string
	for _, a := range op.Dump.ReplyAttrs {
		names = append(names, a.Name+":"+a.Type)
	}
	want := []string{"header:nest", "rx-max:u32", "tx-max:u32", "other-max:u32", "combined-max:u32",
		"rx-count:u32", "tx-count:u32", "other-count:u32", "combined-count:u32"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("dump reply attributes mismatch (-want +got):\n%s", diff)
	}
}

func TestSpecShowOpText(t *testing.T) {
	r := runSpec(t, "spec", "show", "ethtool", "--op", "2")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"op linkinfo-get  request 2  reply 2  modes do,dump  attribute-set linkinfo\n",
		"\ndo request (command 2):\nATTRIBUTE    VALUE  TYPE    DETAILS\nheader       1      nest    set header\n  dev-index  1      u32\n",
		"  flags      3      u32     flags header-flags\n",
		"\ndump reply (command 2):\n",
		"port          2      u8      enum port\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestSpecShowNotRegisteredFamily(t *testing.T) {
	// wireguard has a built-in schema, registered or not. runSpec
	// fails the test if the command opens a netlink connection.
	r := runSpec(t, "spec", "show", "wireguard", "--op", "get-device")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "dump reply (command 0):") {
		t.Errorf("output lacks the dump reply:\n%s", r.stdout)
	}
}

func TestSpecShowRecursiveAndEvents(t *testing.T) {
	r := runSpec(t, "spec", "show", "TASKSTATS", "--op", "new")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"op new  request -  reply 2  modes event  attribute-set stats-attrs\n",
		"message (command 2):\n",
		"stats      3      binary  struct taskstats\n",
		"aggr-pid   4      nest    set stats-attrs, recursive, not expanded again\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestSpecShowNotification(t *testing.T) {
	r := runSpec(t, "spec", "show", "ethtool", "--op", "linkinfo-ntf", "-o", "jsonl")
	if r.code != exitOK || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("exit %d, want one JSON line:\n%s%s", r.code, r.stdout, r.stderr)
	}
	var got render.SpecShowJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Op.Notify != "linkinfo-get" || got.Op.McastGroup != "monitor" || got.Op.Do != nil {
		t.Errorf("op = %+v, want a notification of linkinfo-get on monitor", got.Op)
	}
	if len(got.Op.Attrs) != 6 || got.Op.Attrs[1].Name != "port" || got.Op.Attrs[1].Enum != "port" {
		t.Errorf("notification attributes = %+v, want linkinfo-get's 6 reply attributes", got.Op.Attrs)
	}
}

func TestSpecShowSubMessage(t *testing.T) {
	r := runSpec(t, "spec", "show", "linkdemo", "--op", "getlink")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	want := "data           2      sub-message  sub-message link-data by kind\n" +
		"  [kind=vlan]                      set vlan-attrs\n" +
		"    id         1      u16\n"
	if !strings.Contains(r.stdout, want) {
		t.Errorf("output lacks the expanded sub-message:\n%s\nwant:\n%s", r.stdout, want)
	}
}

func TestSpecShowFamilyNumber(t *testing.T) {
	r := runFake(t, fixture(t, "getfamily-ethtool.nlmsg"), "spec", "show", "20")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "family ethtool ") {
		t.Errorf("spec show 20 did not show the family the kernel named:\n%s", r.stdout)
	}

	r = runFake(t, fixture(t, "getfamily-nosuch.nlmsg"), "spec", "show", "999")
	if r.code != exitFailure || !strings.Contains(r.stderr, "not registered") {
		t.Errorf("unregistered number: exit %d, stderr %q; want exit %d and a not-registered error", r.code, r.stderr, exitFailure)
	}
}
