//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/testutil"
)

// These tests run nlctl in-process against the real kernel and compare its
// JSON with iproute2's genl and libnl's genl-ctrl-list, which parse the same
// nlctrl replies independently. They need root, and the tools on PATH.

// integrationResult is the exit code and output of one in-process nlctl run.
type integrationResult struct {
	code   int
	stdout string
	stderr string
}

func runNlctl(t *testing.T, args ...string) integrationResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)

	return integrationResult{code, stdout.String(), stderr.String()}
}

// runNlctlJSON runs nlctl, requires exit code 0 and an empty stderr, and
// decodes stdout into v.
func runNlctlJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	res := runNlctl(t, args...)
	if res.code != exitOK || res.stderr != "" {
		t.Fatalf("nlctl %s: exit code %d, stderr:\n%s", strings.Join(args, " "), res.code, res.stderr)
	}

	dec := json.NewDecoder(strings.NewReader(res.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("nlctl %s: decode JSON output: %v\n%s", strings.Join(args, " "), err, res.stdout)
	}
	if dec.More() {
		t.Fatalf("nlctl %s: stdout holds more than one JSON document:\n%s", strings.Join(args, " "), res.stdout)
	}
}

// runTool runs an external program and returns its stdout. Any output on
// stderr fails the test too, because `genl ctrl policy` exits 0 on errors.
func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	stdout, stderr := runToolOutput(t, name, args...)
	if stderr != "" {
		t.Fatalf("%s %s wrote to stderr:\n%s", name, strings.Join(args, " "), stderr)
	}

	return stdout
}

// runToolOutput runs an external program, fails the test if it exits with
// an error, and returns its stdout and stderr.
func runToolOutput(t *testing.T, name string, args ...string) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstderr:\n%s", name, strings.Join(args, " "), err, stderr.String())
	}

	return stdout.String(), stderr.String()
}

// genlFamily is one family as iproute2's `genl ctrl list` or `genl ctrl get`
// prints it.
type genlFamily struct {
	Name    string
	ID      uint16
	Version uint32
	HdrSize uint32
	MaxAttr uint32
	Ops     []genlOp
	Groups  []render.GroupJSON
}

// genlOp is one op. Flags is nil where genl printed no capabilities, as
// iproute2 6.1 does for every family whose version is below 2.
type genlOp struct {
	ID    uint32
	Flags *uint32
}

var (
	genlNameLine    = regexp.MustCompile(`^Name: (\S+)$`)
	genlHeaderLine  = regexp.MustCompile(`^ID: 0x([0-9a-f]+)\s+Version: 0x([0-9a-f]+)\s+header size: (\d+)\s+max attribs: (\d+)$`)
	genlOpLine      = regexp.MustCompile(`^#\d+:\s+ID-0x([0-9a-f]+)$`)
	genlCapsLine    = regexp.MustCompile(`^Capabilities \(0x([0-9a-f]+)\):$`)
	genlCapsText    = regexp.MustCompile(`^[a-z ;]+$`)
	genlGroupLine   = regexp.MustCompile(`^#\d+:\s+ID-0x([0-9a-f]+)\s+name: (\S+)$`)
	genlOpsStart    = "commands supported:"
	genlGroupsStart = "multicast groups:"
)

// parseGenlFamilies parses the text of `genl ctrl list` or `genl ctrl get`
// (iproute2 6.1): hexadecimal IDs, versions, op numbers and capabilities,
// decimal header size and max attribute. It rejects lines it does not know.
func parseGenlFamilies(out string) ([]genlFamily, error) {
	var fams []genlFamily
	var cur *genlFamily
	section := ""
	for i, raw := range strings.Split(out, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if m := genlNameLine.FindStringSubmatch(line); m != nil {
			fams = append(fams, genlFamily{Name: m[1]})
			cur, section = &fams[len(fams)-1], ""
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("line %d %q comes before any family name", i+1, raw)
		}

		var err error
		switch m := genlHeaderLine.FindStringSubmatch(line); {
		case m != nil:
			err = cur.parseHeader(m)
		case line == genlOpsStart || line == genlGroupsStart:
			section = line
		case section == genlOpsStart && genlOpLine.MatchString(line):
			id, _ := strconv.ParseUint(genlOpLine.FindStringSubmatch(line)[1], 16, 32)
			cur.Ops = append(cur.Ops, genlOp{ID: uint32(id)})
		case section == genlOpsStart && genlCapsLine.MatchString(line) && len(cur.Ops) > 0:
			caps, _ := strconv.ParseUint(genlCapsLine.FindStringSubmatch(line)[1], 16, 32)
			flags := uint32(caps)
			cur.Ops[len(cur.Ops)-1].Flags = &flags
		case section == genlOpsStart && genlCapsText.MatchString(line):
			// The capabilities spelled out, such as "can doit; has policy".
		case section == genlGroupsStart && genlGroupLine.MatchString(line):
			g := genlGroupLine.FindStringSubmatch(line)
			id, _ := strconv.ParseUint(g[1], 16, 32)
			cur.Groups = append(cur.Groups, render.GroupJSON{ID: uint32(id), Name: g[2]})
		default:
			err = fmt.Errorf("unrecognized line")
		}
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %w", i+1, raw, err)
		}
	}

	return fams, nil
}

func (f *genlFamily) parseHeader(m []string) error {
	id, err1 := strconv.ParseUint(m[1], 16, 16)
	version, err2 := strconv.ParseUint(m[2], 16, 32)
	hdrSize, err3 := strconv.ParseUint(m[3], 10, 32)
	maxAttr, err4 := strconv.ParseUint(m[4], 10, 32)
	f.ID, f.Version, f.HdrSize, f.MaxAttr = uint16(id), uint32(version), uint32(hdrSize), uint32(maxAttr)

	return errors.Join(err1, err2, err3, err4)
}

// opFlagBits names the GENL_* op flag bits independently of nlctl's own
// table, so a wrong bit there shows up here.
var opFlagBits = []struct {
	bit  uint32
	name string
}{
	{0x01, "admin-perm"},
	{0x02, "do"},
	{0x04, "dump"},
	{0x08, "has-policy"},
	{0x10, "uns-admin-perm"},
}

// expectedFlagNames returns the sorted names nlctl should print for the op
// flags genl printed as a number. Unnamed bits are kept as one hex value.
func expectedFlagNames(flags uint32) []string {
	names := []string{}
	for _, f := range opFlagBits {
		if flags&f.bit != 0 {
			names = append(names, f.name)
			flags &^= f.bit
		}
	}
	if flags != 0 {
		names = append(names, fmt.Sprintf("%#x", flags))
	}
	slices.Sort(names)

	return names
}

type familyHeader struct {
	ID      uint16
	Version uint32
	HdrSize uint32
	MaxAttr uint32
}

// checkFamilyAgainstGenl compares one family of nlctl's JSON with genl's
// view of it, field by field, naming the family and op in each failure.
func checkFamilyAgainstGenl(t *testing.T, want genlFamily, got render.FamilyJSON) {
	t.Helper()
	wantHeader := familyHeader{want.ID, want.Version, want.HdrSize, want.MaxAttr}
	gotHeader := familyHeader{got.ID, got.Version, got.HdrSize, got.MaxAttr}
	if diff := cmp.Diff(wantHeader, gotHeader); diff != "" {
		t.Errorf("family %s: ID, version, header size or max attribute differ from genl (-want +got):\n%s", want.Name, diff)
	}

	var wantIDs, gotIDs []uint32
	gotOps := map[uint32]render.OpJSON{}
	for _, op := range want.Ops {
		wantIDs = append(wantIDs, op.ID)
	}
	for _, op := range got.Ops {
		gotIDs = append(gotIDs, op.ID)
		gotOps[op.ID] = op
	}
	slices.Sort(wantIDs)
	slices.Sort(gotIDs)
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("family %s: op numbers differ from genl (-want +got):\n%s", want.Name, diff)
	}

	for _, op := range want.Ops {
		gotOp, ok := gotOps[op.ID]
		if op.Flags == nil || !ok {
			continue
		}
		gotFlags := append([]string{}, gotOp.Flags...)
		slices.Sort(gotFlags)
		if diff := cmp.Diff(expectedFlagNames(*op.Flags), gotFlags); diff != "" {
			t.Errorf("family %s op %d: flags differ from genl's capabilities %#x (-want +got):\n%s", want.Name, op.ID, *op.Flags, diff)
		}
	}

	if diff := cmp.Diff(sortedGroups(want.Groups), sortedGroups(got.McastGroups)); diff != "" {
		t.Errorf("family %s: multicast groups differ from genl (-want +got):\n%s", want.Name, diff)
	}
}

func sortedGroups(groups []render.GroupJSON) []render.GroupJSON {
	out := slices.Clone(groups)
	if out == nil {
		out = []render.GroupJSON{}
	}
	slices.SortFunc(out, func(a, b render.GroupJSON) int {
		if a.ID != b.ID {
			return int(a.ID) - int(b.ID)
		}
		return strings.Compare(a.Name, b.Name)
	})

	return out
}

func familyNames[T any](fams []T, name func(T) string) []string {
	names := make([]string, len(fams))
	for i, f := range fams {
		names[i] = name(f)
	}
	slices.Sort(names)

	return names
}

func genlName(f genlFamily) string        { return f.Name }
func jsonName(f render.FamilyJSON) string { return f.Name }
func libnlName(f libnlFamily) string      { return f.Name }

// requireIntegration skips the test, or fails it under CI=true, unless it
// runs as root with the named tools on PATH.
func requireIntegration(t *testing.T, tools ...string) {
	t.Helper()
	testutil.RequireRoot(t)
	for _, tool := range tools {
		testutil.RequireTool(t, tool)
	}
}

func TestIntegrationFamilyListMatchesGenl(t *testing.T) {
	requireIntegration(t, "genl")

	var got []render.FamilyJSON
	runNlctlJSON(t, &got, "family", "list", "-o", "json")
	want, err := parseGenlFamilies(runTool(t, "genl", "ctrl", "list"))
	if err != nil {
		t.Fatalf("parse genl ctrl list: %v", err)
	}

	if diff := cmp.Diff(familyNames(want, genlName), familyNames(got, jsonName)); diff != "" {
		t.Fatalf("family names differ from genl ctrl list (-want +got):\n%s", diff)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].ID >= got[i].ID {
			t.Errorf("family list is not sorted by ID: %s (%d) comes before %s (%d)",
				got[i-1].Name, got[i-1].ID, got[i].Name, got[i].ID)
		}
	}

	byName := map[string]render.FamilyJSON{}
	for _, f := range got {
		byName[f.Name] = f
	}
	for _, w := range want {
		t.Run(w.Name, func(t *testing.T) {
			checkFamilyAgainstGenl(t, w, byName[w.Name])
		})
	}
}

func TestIntegrationFamilyGetMatchesGenl(t *testing.T) {
	requireIntegration(t, "genl")

	all, err := parseGenlFamilies(runTool(t, "genl", "ctrl", "list"))
	if err != nil {
		t.Fatalf("parse genl ctrl list: %v", err)
	}
	if len(all) == 0 {
		t.Fatal("genl ctrl list printed no families")
	}

	for _, listed := range all {
		t.Run(listed.Name, func(t *testing.T) {
			want, err := parseGenlFamilies(runTool(t, "genl", "ctrl", "get", "name", listed.Name))
			if err != nil {
				t.Fatalf("parse genl ctrl get name %s: %v", listed.Name, err)
			}
			if len(want) != 1 || want[0].Name != listed.Name {
				t.Fatalf("genl ctrl get name %s printed %d families, want only %s", listed.Name, len(want), listed.Name)
			}

			var got render.FamilyJSON
			runNlctlJSON(t, &got, "family", "get", listed.Name, "-o", "json")
			checkFamilyAgainstGenl(t, want[0], got)

			var byID render.FamilyJSON
			runNlctlJSON(t, &byID, "family", "get", strconv.Itoa(int(want[0].ID)), "-o", "json")
			if diff := cmp.Diff(got, byID); diff != "" {
				t.Errorf("family get %d, by ID, differs from family get %s (-want +got):\n%s", want[0].ID, listed.Name, diff)
			}
		})
	}
}

// libnlFamily is one family as libnl's `genl-ctrl-list -d` prints it.
type libnlFamily struct {
	Name string
	ID   uint16
	Ops  []libnlOp
}

// libnlOp is one op with the flag names libnl printed. Unnamed is set when
// the op has flag bits libnl has no name for: libnl then ends the list with
// a comma (libnl 3.7 has no name for uns_admin_perm), or prints an empty list.
type libnlOp struct {
	ID      uint32
	Flags   []string
	Unnamed bool
}

var (
	libnlFamilyLine = regexp.MustCompile(`^0x([0-9a-f]+) (\S+) version (\d+)$`)
	libnlSizesLine  = regexp.MustCompile(`^hdrsize \d+ maxattr \d+$`)
	libnlOpLine     = regexp.MustCompile(`^op \S+ \(0x([0-9a-f]+)\)(?: <([^>]*)>)?$`)
	libnlGroupLine  = regexp.MustCompile(`^grp \S+ \(0x[0-9a-f]+\)$`)

	// libnlFlagNames maps libnl's op flag names to nlctl's.
	libnlFlagNames = map[string]string{
		"admin_perm":     "admin-perm",
		"has_doit":       "do",
		"has_dump":       "dump",
		"has_policy":     "has-policy",
		"uns_admin_perm": "uns-admin-perm",
	}
)

// parseLibnlFamilies parses `genl-ctrl-list -d` (libnl 3.7).
func parseLibnlFamilies(out string) ([]libnlFamily, error) {
	var fams []libnlFamily
	for i, raw := range strings.Split(out, "\n") {
		line := strings.TrimSpace(raw)
		m := libnlOpLine.FindStringSubmatch(line)
		switch {
		case line == "" || libnlSizesLine.MatchString(line) || libnlGroupLine.MatchString(line):
		case libnlFamilyLine.MatchString(line):
			f := libnlFamilyLine.FindStringSubmatch(line)
			id, _ := strconv.ParseUint(f[1], 16, 16)
			fams = append(fams, libnlFamily{Name: f[2], ID: uint16(id)})
		case m != nil && len(fams) > 0:
			op, err := parseLibnlOp(m, strings.Contains(line, "<"))
			if err != nil {
				return nil, fmt.Errorf("line %d %q: %w", i+1, raw, err)
			}
			fams[len(fams)-1].Ops = append(fams[len(fams)-1].Ops, op)
		default:
			return nil, fmt.Errorf("line %d %q: unrecognized line", i+1, raw)
		}
	}

	return fams, nil
}

func parseLibnlOp(m []string, bracketed bool) (libnlOp, error) {
	id, _ := strconv.ParseUint(m[1], 16, 32)
	op := libnlOp{ID: uint32(id), Flags: []string{}}
	list := m[2]
	op.Unnamed = bracketed && (list == "" || strings.HasSuffix(list, ","))
	for _, name := range strings.Split(strings.TrimSuffix(list, ","), ",") {
		if name == "" {
			continue
		}
		ours, ok := libnlFlagNames[name]
		if !ok {
			return op, fmt.Errorf("unknown libnl op flag %q", name)
		}
		op.Flags = append(op.Flags, ours)
	}
	slices.Sort(op.Flags)

	return op, nil
}

func TestIntegrationOpFlagsMatchLibnl(t *testing.T) {
	requireIntegration(t, "genl-ctrl-list")

	var got []render.FamilyJSON
	runNlctlJSON(t, &got, "family", "list", "-o", "json")
	want, err := parseLibnlFamilies(runTool(t, "genl-ctrl-list", "-d"))
	if err != nil {
		t.Fatalf("parse genl-ctrl-list -d: %v", err)
	}
	if diff := cmp.Diff(familyNames(want, libnlName), familyNames(got, jsonName)); diff != "" {
		t.Fatalf("family names differ from genl-ctrl-list (-want +got):\n%s", diff)
	}

	byName := map[string]render.FamilyJSON{}
	for _, f := range got {
		byName[f.Name] = f
	}
	for _, w := range want {
		t.Run(w.Name, func(t *testing.T) {
			checkOpFlagsAgainstLibnl(t, w, byName[w.Name])
		})
	}
}

// checkOpFlagsAgainstLibnl compares each op's flags. Where libnl shows that
// it left bits unnamed, nlctl must name at least one flag beyond libnl's,
// and none of the four flags every libnl version names.
func checkOpFlagsAgainstLibnl(t *testing.T, want libnlFamily, got render.FamilyJSON) {
	t.Helper()
	if want.ID != got.ID {
		t.Errorf("family %s: ID %d, genl-ctrl-list says %d", want.Name, got.ID, want.ID)
	}

	gotOps := map[uint32][]string{}
	for _, op := range got.Ops {
		gotOps[op.ID] = op.Flags
	}
	if len(gotOps) != len(want.Ops) {
		t.Errorf("family %s: nlctl lists %d ops, genl-ctrl-list %d", want.Name, len(gotOps), len(want.Ops))
	}

	for _, op := range want.Ops {
		gotFlags, ok := gotOps[op.ID]
		if !ok {
			t.Errorf("family %s op %d: missing from nlctl's output", want.Name, op.ID)
			continue
		}

		var named, extra []string
		for _, f := range gotFlags {
			if slices.Contains(op.Flags, f) {
				named = append(named, f)
			} else {
				extra = append(extra, f)
			}
		}
		slices.Sort(named)
		if diff := cmp.Diff(op.Flags, append([]string{}, named...)); diff != "" {
			t.Errorf("family %s op %d: flags libnl names are missing from nlctl's %v (-want +got):\n%s", want.Name, op.ID, gotFlags, diff)
		}

		switch {
		case !op.Unnamed && len(extra) > 0:
			t.Errorf("family %s op %d: nlctl shows flags %v that libnl does not (libnl: %v)", want.Name, op.ID, extra, op.Flags)
		case op.Unnamed && len(extra) == 0:
			t.Errorf("family %s op %d: libnl shows unnamed flag bits, but nlctl shows no flag beyond %v", want.Name, op.ID, op.Flags)
		}
		for _, f := range extra {
			switch {
			case slices.Contains([]string{"admin-perm", "do", "dump", "has-policy"}, f):
				t.Errorf("family %s op %d: nlctl shows %q, which libnl would have named (libnl: %v)", want.Name, op.ID, f, op.Flags)
			case !slices.Contains(slices.Collect(maps.Values(libnlFlagNames)), f):
				t.Errorf("family %s op %d: nlctl shows flag %q, not a GENL_* op flag name", want.Name, op.ID, f)
			}
		}
	}
}

// genlPolicyTypes maps the policy type names iproute2 6.1 prints to
// nlctl's. Newer types, such as sint and uint, genl prints as "unknown".
var genlPolicyTypes = map[string]string{
	"FLAG": "flag", "U8": "u8", "U16": "u16", "U32": "u32", "U64": "u64",
	"S8": "s8", "S16": "s16", "S32": "s32", "S64": "s64",
	"BINARY": "binary", "STRING": "string", "NUL_STRING": "nul-string",
	"NESTED": "nested", "NESTED_ARRAY": "nested-array", "BITFIELD32": "bitfield32",
}

// policyRow is one attribute's rule in the form both tools can show: the
// constraints genl 6.1 prints, as strings, empty when absent.
type policyRow struct {
	Type    string
	Nested  string
	MaxType string
	Range   string
	MinLen  string
	MaxLen  string
}

// genlPolicy is the parsed output of `genl ctrl policy name NAME`.
type genlPolicy struct {
	familyIDs map[uint64]bool
	// ops are "op N do=D dump=P" rows, sorted. N is the number the kernel
	// sent, which the 6.18 kernel these tests were written on sets to 0 for
	// every op that has only a dump.
	ops []string
	// attrs are keyed by "policy[N]:attr[M]".
	attrs map[string]policyRow
}

var (
	genlPolicyOpLine   = regexp.MustCompile(`^ID: 0x([0-9a-f]+)\s+op (\d+) policies:((?: do=\d+)?(?: dump=\d+)?)$`)
	genlPolicyAttrLine = regexp.MustCompile(`^ID: 0x([0-9a-f]+)\s+policy\[(\d+)\]:attr\[(\d+)\]: type=(\S+)(.*)$`)
	genlPolicyRest     = regexp.MustCompile(`^(?: policy:(\d+))?(?: maxattr:(\d+))?(?: range:\[(-?\d+,-?\d+)\])?(?: min len:(\d+))?(?: max len:(\d+))?$`)
)

// parseGenlPolicy parses `genl ctrl policy` (iproute2 6.1), which prints one
// line per op and one per attribute rule. It never prints masks.
func parseGenlPolicy(out string) (genlPolicy, error) {
	p := genlPolicy{familyIDs: map[uint64]bool{}, attrs: map[string]policyRow{}}
	for i, raw := range strings.Split(out, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if m := genlPolicyOpLine.FindStringSubmatch(line); m != nil {
			id, _ := strconv.ParseUint(m[1], 16, 16)
			p.familyIDs[id] = true
			p.ops = append(p.ops, "op "+m[2]+m[3])
			continue
		}

		m := genlPolicyAttrLine.FindStringSubmatch(line)
		if m == nil {
			return p, fmt.Errorf("line %d %q: unrecognized line", i+1, raw)
		}
		rest := genlPolicyRest.FindStringSubmatch(m[5])
		if rest == nil {
			return p, fmt.Errorf("line %d %q: unrecognized constraints %q", i+1, raw, m[5])
		}
		id, _ := strconv.ParseUint(m[1], 16, 16)
		p.familyIDs[id] = true
		key := "policy[" + m[2] + "]:attr[" + m[3] + "]"
		if _, dup := p.attrs[key]; dup {
			return p, fmt.Errorf("line %d: %s appears twice", i+1, key)
		}
		p.attrs[key] = policyRow{Type: m[4], Nested: rest[1], MaxType: rest[2], Range: rest[3], MinLen: rest[4], MaxLen: rest[5]}
	}
	slices.Sort(p.ops)

	return p, nil
}

// nlctlPolicyRows converts nlctl's policy JSON to the rows genl prints.
func nlctlPolicyRows(p *render.PolicyJSON) (ops []string, attrs map[string]policyRow, raw map[string]render.PolicyAttrJSON) {
	for _, op := range p.Ops {
		row := fmt.Sprintf("op %d", op.ID)
		if op.Do != nil {
			row += fmt.Sprintf(" do=%d", *op.Do)
		}
		if op.Dump != nil {
			row += fmt.Sprintf(" dump=%d", *op.Dump)
		}
		ops = append(ops, row)
	}
	slices.Sort(ops)

	attrs, raw = map[string]policyRow{}, map[string]render.PolicyAttrJSON{}
	for _, table := range p.Tables {
		for _, a := range table.Attrs {
			key := fmt.Sprintf("policy[%d]:attr[%d]", table.Index, a.Attr)
			row := policyRow{Type: a.Type, Nested: optionalNumber(a.NestedPolicy),
				MaxType: optionalNumber(a.MaxType), MinLen: optionalNumber(a.MinLength), MaxLen: optionalNumber(a.MaxLength)}
			if a.MinValue != "" || a.MaxValue != "" {
				row.Range = string(a.MinValue) + "," + string(a.MaxValue)
			}
			attrs[key], raw[key] = row, a
		}
	}

	return ops, attrs, raw
}

func optionalNumber(v *uint32) string {
	if v == nil {
		return ""
	}

	return strconv.FormatUint(uint64(*v), 10)
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// maskWidth is the largest mask an unsigned integer policy type can carry.
var maskWidth = map[string]uint64{"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff, "u64": ^uint64(0), "uint": ^uint64(0)}

// policyFamilies must have a policy on every kernel these tests support.
var policyFamilies = []string{"ethtool", "netdev", "nlctrl"}

func TestIntegrationFamilyPolicyMatchesGenl(t *testing.T) {
	requireIntegration(t, "genl")

	fams, err := parseGenlFamilies(runTool(t, "genl", "ctrl", "list"))
	if err != nil {
		t.Fatalf("parse genl ctrl list: %v", err)
	}

	var compared []string
	for _, f := range fams {
		out, stderr := runToolOutput(t, "genl", "ctrl", "policy", "name", f.Name)
		if strings.TrimSpace(out) == "" {
			// NOTE: the kernel returns ENODATA for a family without ops
			// (VFS_DQUOT, acpi_event): genl prints only an error, and nlctl
			// exits 1, so there is nothing to compare.
			t.Logf("family %s: genl ctrl policy printed no policy (%s), not compared", f.Name, strings.TrimSpace(stderr))
			continue
		}
		if stderr != "" {
			t.Errorf("genl ctrl policy name %s wrote to stderr:\n%s", f.Name, stderr)
		}

		compared = append(compared, f.Name)
		t.Run(f.Name, func(t *testing.T) {
			checkPolicyAgainstGenl(t, f.Name, out)
		})
	}
	for _, name := range policyFamilies {
		if !slices.Contains(compared, name) {
			t.Errorf("family %s: no policy compared, but this kernel should have one", name)
		}
	}
}

// checkPolicyAgainstGenl compares nlctl's policy of one family with genl's
// output: the op rows, the set of attribute rules and each rule.
func checkPolicyAgainstGenl(t *testing.T, name, genlOut string) {
	t.Helper()
	var got render.FamilyJSON
	runNlctlJSON(t, &got, "family", "get", name, "--policy", "-o", "json")
	if got.Policy == nil {
		t.Fatalf("nlctl family get %s --policy -o json printed no policy", name)
	}
	want, err := parseGenlPolicy(genlOut)
	if err != nil {
		t.Fatalf("parse genl ctrl policy name %s: %v", name, err)
	}
	if diff := cmp.Diff(map[uint64]bool{uint64(got.ID): true}, want.familyIDs); diff != "" {
		t.Errorf("genl ctrl policy name %s printed other family IDs than nlctl's %d (-want +got):\n%s", name, got.ID, diff)
	}

	gotOps, gotAttrs, gotRaw := nlctlPolicyRows(got.Policy)
	if diff := cmp.Diff(want.ops, gotOps); diff != "" {
		t.Errorf("family %s: op policy rows differ from genl (-want +got):\n%s", name, diff)
	}
	if diff := cmp.Diff(sortedKeys(want.attrs), sortedKeys(gotAttrs)); diff != "" {
		t.Errorf("family %s: policy attributes differ from genl (-want +got):\n%s", name, diff)
	}
	for _, key := range sortedKeys(want.attrs) {
		if gotRow, ok := gotAttrs[key]; ok {
			checkPolicyRow(t, name+" "+key, want.attrs[key], gotRow, gotRaw[key])
		}
	}
	for _, key := range sortedKeys(gotRaw) {
		checkPolicyExtras(t, name+" "+key, gotRaw[key])
	}
}

// checkPolicyRow compares one attribute rule with genl's line for it. A
// type genl prints as "unknown" must be one nlctl names but genl 6.1 cannot.
func checkPolicyRow(t *testing.T, where string, want, got policyRow, raw render.PolicyAttrJSON) {
	t.Helper()
	if want.Type == "unknown" {
		if slices.Contains(slices.Collect(maps.Values(genlPolicyTypes)), got.Type) {
			t.Errorf("%s: genl prints type=unknown, but nlctl's type %q is one genl names", where, got.Type)
		}
		want.Type = got.Type
	} else if ours, ok := genlPolicyTypes[want.Type]; ok {
		want.Type = ours
	} else {
		t.Errorf("%s: genl prints type=%s, which this test cannot map", where, want.Type)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: rule differs from genl (-want +got):\n%s", where, diff)
	}

	// The kernel sends a mask instead of a range for an unsigned integer
	// validated by NLA_POLICY_MASK, and genl 6.1 prints neither.
	_, unsigned := maskWidth[got.Type]
	switch {
	case unsigned && want.Range == "" && raw.Mask == nil:
		t.Errorf("%s: type %s without a range (genl prints none) has no mask in nlctl's output", where, got.Type)
	case raw.Mask != nil && want.Range != "":
		t.Errorf("%s: nlctl shows mask %#x and range [%s], but the kernel sends only one of them", where, *raw.Mask, want.Range)
	}
}

// kernelPolicyTypes names enum netlink_attribute_type (Linux 6.7 and later)
// for this test, independently of family.PolicyTypeNames.
var kernelPolicyTypes = []string{
	"invalid", "flag", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
	"binary", "string", "nul-string", "nested", "nested-array", "bitfield32",
	"sint", "uint",
}

// checkPolicyExtras checks what genl cannot: nlctl names every type, shows
// the mask of every bitfield32, and keeps no policy attribute it did not
// understand.
func checkPolicyExtras(t *testing.T, where string, a render.PolicyAttrJSON) {
	t.Helper()
	known := a.Type != "invalid" && slices.Contains(family.PolicyTypeNames, a.Type) && slices.Contains(kernelPolicyTypes, a.Type)
	if !known {
		t.Errorf("%s: type %q is not a known policy type name", where, a.Type)
	}
	if width, unsigned := maskWidth[a.Type]; a.Mask != nil && (!unsigned || *a.Mask == 0 || *a.Mask > width) {
		t.Errorf("%s: mask %#x is empty, or does not fit type %s (the kernel sends masks for unsigned integers only)", where, *a.Mask, a.Type)
	}
	if a.Type == "bitfield32" && a.Bitfield32Mask == nil {
		t.Errorf("%s: bitfield32 without its mask of valid bits", where)
	}
	if len(a.Unknown) > 0 {
		t.Errorf("%s: nlctl kept policy attributes it did not understand: %+v", where, a.Unknown)
	}
}

// netNSFamilies are families every network namespace has, and families only
// the initial namespace has.
var (
	netNSFamilies     = []string{"nlctrl", "netdev", "ethtool"}
	initialNSFamilies = []string{"thermal"}
)

func TestIntegrationNetNSFamilyList(t *testing.T) {
	requireIntegration(t, "ip", "genl")
	ns := testutil.NewNetNS(t)

	for _, arg := range []string{ns, "/run/netns/" + ns} {
		t.Run(strings.ReplaceAll(arg, "/", "_"), func(t *testing.T) {
			var got []render.FamilyJSON
			runNlctlJSON(t, &got, "--netns", arg, "family", "list", "-o", "json")
			names := familyNames(got, jsonName)
			for _, name := range netNSFamilies {
				if !slices.Contains(names, name) {
					t.Errorf("family %s missing from the list in namespace %s: %v", name, arg, names)
				}
			}
			for _, name := range initialNSFamilies {
				if slices.Contains(names, name) {
					t.Errorf("family %s listed in namespace %s, but it exists only in the initial namespace", name, arg)
				}
			}

			want, err := parseGenlFamilies(runTool(t, "ip", "netns", "exec", ns, "genl", "ctrl", "list"))
			if err != nil {
				t.Fatalf("parse genl ctrl list in namespace %s: %v", ns, err)
			}
			if diff := cmp.Diff(familyNames(want, genlName), names); diff != "" {
				t.Errorf("families in namespace %s differ from genl's there (-want +got):\n%s", ns, diff)
			}
		})
	}
}

func TestIntegrationNetNSMissing(t *testing.T) {
	requireIntegration(t, "ip")
	// Stat the file rather than run `ip netns list`, which prints errors
	// while other tests create and delete namespaces at the same time.
	if _, err := os.Stat("/run/netns/nlctl-no-such-ns"); err == nil {
		t.Fatal("network namespace nlctl-no-such-ns exists, but this test needs it absent")
	}

	for _, ns := range []string{"nlctl-no-such-ns", "/nonexistent/path"} {
		for _, format := range []string{"table", "json"} {
			t.Run(strings.ReplaceAll(ns, "/", "_")+"/"+format, func(t *testing.T) {
				res := runNlctl(t, "--netns", ns, "-o", format, "family", "list")
				if res.code != exitUsage {
					t.Errorf("exit code %d, want %d; stderr:\n%s", res.code, exitUsage, res.stderr)
				}
				message := res.stderr
				if format == "json" {
					var obj render.ErrorJSON
					if err := json.Unmarshal([]byte(res.stderr), &obj); err != nil {
						t.Fatalf("stderr is not a JSON error: %v\n%s", err, res.stderr)
					}
					message = obj.Error
				}
				if !strings.Contains(message, strconv.Quote(ns)) {
					t.Errorf("error does not name the namespace %q:\n%s", ns, message)
				}
				if res.stdout != "" {
					t.Errorf("stdout is not empty:\n%s", res.stdout)
				}
			})
		}
	}
}

// inInitialNetNS reports whether the test runs in PID 1's network namespace,
// read independently of nlctl's own check. It reports ok false where PID 1's
// namespace cannot be read, as in sandboxes that restrict /proc/1.
func inInitialNetNS() (initial, ok bool) {
	self, err1 := os.Readlink("/proc/self/ns/net")
	init, err2 := os.Readlink("/proc/1/ns/net")
	if errors.Join(err1, err2) != nil {
		return false, false
	}

	return self == init, true
}

func TestIntegrationFamilyNotFound(t *testing.T) {
	requireIntegration(t, "ip")
	ns := testutil.NewNetNS(t)
	hostInitial, hostKnown := inInitialNetNS()

	const (
		notRegistered = "is not registered in this kernel"
		moduleHint    = "module may not be loaded"
		netNSHint     = "exist only in the initial namespace"
	)
	cases := []struct {
		name       string
		args       []string
		checkNetNS bool // whether to check for the namespace hint
		wantNetNS  bool
		wantFamily string
	}{
		{"host", []string{"family", "get", "nosuchfamily"}, hostKnown, !hostInitial, "nosuchfamily"},
		{"netns thermal", []string{"--netns", ns, "family", "get", "thermal"}, true, true, "thermal"},
	}
	for _, c := range cases {
		for _, format := range []string{"table", "json", "jsonl"} {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				res := runNlctl(t, slices.Concat(c.args, []string{"-o", format})...)
				if res.code != exitFailure {
					t.Errorf("exit code %d, want %d", res.code, exitFailure)
				}
				if res.stdout != "" {
					t.Errorf("stdout is not empty:\n%s", res.stdout)
				}

				stderr := res.stderr
				if format != "table" {
					stderr = checkOneJSONError(t, res.stderr, exitFailure)
				}
				for _, s := range []string{strconv.Quote(c.wantFamily), notRegistered, moduleHint} {
					if !strings.Contains(stderr, s) {
						t.Errorf("stderr does not contain %q:\n%s", s, stderr)
					}
				}
				got := strings.Contains(stderr, netNSHint) && strings.Contains(stderr, "thermal")
				if c.checkNetNS && got != c.wantNetNS {
					t.Errorf("hint about initial-namespace-only families present: %v, want %v; stderr:\n%s", got, c.wantNetNS, stderr)
				}
			})
		}
	}
}

// checkOneJSONError requires stderr to be exactly one JSON object on one
// line with the keys error, exit-code, hint and the kernel's errno
// (ENOENT), and returns the error and hint as text.
func checkOneJSONError(t *testing.T, stderr string, wantCode int) string {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr is not one line:\n%s", stderr)
	}

	var obj map[string]any
	if err := json.Unmarshal([]byte(stderr), &obj); err != nil {
		t.Fatalf("stderr is not one JSON object: %v\n%s", err, stderr)
	}
	if diff := cmp.Diff([]string{"errno", "errno-name", "error", "exit-code", "hint"}, sortedKeys(obj)); diff != "" {
		t.Errorf("keys of the JSON error differ (-want +got):\n%s", diff)
	}
	if code, _ := obj["exit-code"].(float64); int(code) != wantCode {
		t.Errorf("JSON exit-code %v, want %d", obj["exit-code"], wantCode)
	}
	if name := obj["errno-name"]; name != "ENOENT" {
		t.Errorf("JSON errno-name %v, want ENOENT", name)
	}

	text, _ := obj["error"].(string)
	hint, _ := obj["hint"].(string)

	return text + "\n" + hint
}

func TestIntegrationUsageErrors(t *testing.T) {
	requireIntegration(t)

	cases := []struct {
		name      string
		args      []string
		wantErr   string
		wantUsage bool // the usage must be printed
	}{
		{"bad flag", []string{"family", "list", "--bogus"}, "unknown flag: --bogus", true},
		{"get without argument", []string{"family", "get"}, "takes 1 argument", true},
		{"bad output format", []string{"-o", "yaml", "family", "list"}, `invalid output format "yaml"`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := runNlctl(t, c.args...)
			if res.code != exitUsage {
				t.Errorf("exit code %d, want %d", res.code, exitUsage)
			}
			if !strings.Contains(res.stderr, c.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", c.wantErr, res.stderr)
			}
			if c.wantUsage && !strings.Contains(res.stderr, "Usage:\n  nlctl family") {
				t.Errorf("stderr has no usage of the command:\n%s", res.stderr)
			}
			if res.stdout != "" {
				t.Errorf("stdout is not empty:\n%s", res.stdout)
			}
		})
	}
}

// hexMessage is one message of nlctl's annotated hex output.
type hexMessage struct {
	heading string   // "request" or "reply"
	size    int      // the size the heading states
	bytes   int      // the bytes the lines show
	notes   []string // the annotation of each line
	lines   []string
}

var (
	hexHeading = regexp.MustCompile(`^# (request|reply), (\d+) bytes$`)
	hexLine    = regexp.MustCompile(`^([0-9a-f]{4})  ((?:[0-9a-f]{2} ){0,15}[0-9a-f]{2}) *  (.*)$`)
)

// parseHexDump splits annotated hex output into messages and checks that
// each line starts where the one before ended.
func parseHexDump(out string) ([]hexMessage, error) {
	var msgs []hexMessage
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		if m := hexHeading.FindStringSubmatch(line); m != nil {
			size, _ := strconv.Atoi(m[2])
			msgs = append(msgs, hexMessage{heading: m[1], size: size})
			continue
		}

		m := hexLine.FindStringSubmatch(line)
		if m == nil || len(msgs) == 0 {
			return nil, fmt.Errorf("line %d %q: not a hex line of a message", i+1, line)
		}
		cur := &msgs[len(msgs)-1]
		offset, _ := strconv.ParseUint(m[1], 16, 16)
		if int(offset) != cur.bytes {
			return nil, fmt.Errorf("line %d %q: offset %#x, want %#x after the previous line", i+1, line, offset, cur.bytes)
		}
		cur.bytes += len(strings.Fields(m[2]))
		cur.notes = append(cur.notes, strings.TrimSpace(m[3]))
		cur.lines = append(cur.lines, line)
	}

	return msgs, nil
}

var hexQuotedName = regexp.MustCompile(`^"([^"]*)"$`)

func TestIntegrationFamilyListHex(t *testing.T) {
	requireIntegration(t)

	var fams []render.FamilyJSON
	runNlctlJSON(t, &fams, "family", "list", "-o", "json")
	res := runNlctl(t, "family", "list", "-o", "hex")
	if res.code != exitOK || res.stderr != "" {
		t.Fatalf("exit code %d, stderr:\n%s", res.code, res.stderr)
	}
	msgs, err := parseHexDump(res.stdout)
	if err != nil {
		t.Fatalf("parse hex output: %v\n%s", err, res.stdout)
	}
	if len(msgs) < 2 {
		t.Fatalf("got %d messages, want a request and replies:\n%s", len(msgs), res.stdout)
	}

	req := msgs[0]
	if req.heading != "request" || len(req.notes) < 2 ||
		!strings.HasPrefix(req.notes[0], "nlmsghdr len=20 type=16 (nlctrl) flags=0x305 (request,ack,root,match)") ||
		!strings.HasPrefix(req.notes[1], "genlmsghdr cmd=3 (getfamily)") {
		t.Errorf("first message is not the getfamily dump request:\n%s", strings.Join(req.lines, "\n"))
	}
	for i, m := range msgs {
		if m.bytes != m.size {
			t.Errorf("message %d (%s): lines show %d bytes, heading says %d", i, m.heading, m.bytes, m.size)
		}
	}

	var names []string
	for _, m := range msgs[1:] {
		for i, note := range m.notes {
			if strings.HasPrefix(note, "family-name (2) len=") && i+1 < len(m.notes) {
				if q := hexQuotedName.FindStringSubmatch(m.notes[i+1]); q != nil {
					names = append(names, q[1])
				}
			}
		}
	}
	slices.Sort(names)
	if diff := cmp.Diff(familyNames(fams, jsonName), names); diff != "" {
		t.Errorf("family-name (2) attributes in the hex replies differ from family list -o json (-want +got):\n%s", diff)
	}

	last := msgs[len(msgs)-1]
	if last.heading != "reply" || len(last.notes) == 0 || !strings.Contains(last.notes[0], "type=done") {
		t.Errorf("last message is not NLMSG_DONE:\n%s", strings.Join(last.lines, "\n"))
	}
}

// TestIntegrationNamesFromSchemas checks that the schemas name every op
// of every family the kernel registers, and every attribute of ethtool's
// policy tables.
func TestIntegrationNamesFromSchemas(t *testing.T) {
	requireIntegration(t)

	var fams []render.FamilyJSON
	runNlctlJSON(t, &fams, "family", "list", "-o", "json")
	withOps := 0
	for _, f := range fams {
		if len(f.Ops) > 0 {
			withOps++
		}
		for _, op := range f.Ops {
			if op.Name == "" {
				t.Errorf("family %s: op %d has no name", f.Name, op.ID)
			}
		}
	}
	t.Logf("%d of %d families have ops, all named", withOps, len(fams))
	if withOps == 0 {
		t.Fatal("no family with ops")
	}

	var ethtool render.FamilyJSON
	runNlctlJSON(t, &ethtool, "family", "get", "ethtool", "--policy", "-o", "json")
	if ethtool.Policy == nil || len(ethtool.Policy.Tables) == 0 {
		t.Fatal("family get ethtool --policy printed no policy tables")
	}
	for _, table := range ethtool.Policy.Tables {
		for _, a := range table.Attrs {
			if a.Name == "" {
				t.Errorf("ethtool policy table %d: attribute %d has no name", table.Index, a.Attr)
			}
		}
	}
}
