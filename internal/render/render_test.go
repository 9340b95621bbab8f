package render_test

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/schema/ynl"
	"github.com/nlctl/nlctl/internal/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/NAME, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// fixtureConn replays a family fixture captured from a real kernel.
func fixtureConn(t *testing.T, file string) (*family.Conn, *[]wire.Message) {
	t.Helper()
	fx, err := familytest.LoadFixture(filepath.Join("..", "family", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}

	k := &familytest.Kernel{Handler: fx.Replay()}
	var traced []wire.Message
	conn := k.Conn()
	conn.Trace = func(_ family.Direction, m wire.Message) { traced = append(traced, m) }

	return conn, &traced
}

func TestFamilyListGolden(t *testing.T) {
	conn, _ := fixtureConn(t, "getfamily-dump.nlmsg")
	fams, err := conn.ListFamilies()
	if err != nil {
		t.Fatal(err)
	}

	for _, f := range []render.Format{render.Table, render.JSON, render.JSONLines} {
		t.Run(f.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := render.FamilyList(&buf, f, fams); err != nil {
				t.Fatal(err)
			}
			golden(t, "family-list."+f.String(), buf.Bytes())
		})
	}
}

func TestFamilyPolicyGolden(t *testing.T) {
	conn, _ := fixtureConn(t, "getpolicy-nlctrl.nlmsg")
	nlctrl := &family.Family{ID: 16, Name: "nlctrl", Version: 2,
		Ops:    []family.Op{{ID: 3, Name: "getfamily", Flags: 0xe}, {ID: 10, Name: "getpolicy", Flags: 0xc}},
		Groups: []family.Group{{ID: 16, Name: "notify"}}}
	p, err := conn.GetPolicy(nlctrl, nil)
	if err != nil {
		t.Fatal(err)
	}

	for _, f := range []render.Format{render.Table, render.JSON} {
		t.Run(f.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := render.Family(&buf, f, nlctrl, p, render.Names{}); err != nil {
				t.Fatal(err)
			}
			golden(t, "family-get-nlctrl-policy."+f.String(), buf.Bytes())
		})
	}
}

func TestHexGolden(t *testing.T) {
	conn, traced := fixtureConn(t, "getfamily-ethtool.nlmsg")
	if _, err := conn.GetFamily("ethtool"); err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	d := &render.HexDump{W: &buf, Names: func(id uint16) render.HexNames {
		return render.HexNames{Family: "nlctrl", Op: func(c uint8) string { return family.OpName("nlctrl", uint32(c)) },
			Attrs: family.NlctrlAttrNames()}
	}}
	for i, m := range *traced {
		dir := family.Received
		if i == 0 {
			dir = family.Sent
		}
		if err := d.Message(dir, m); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "hex-getfamily-ethtool.txt", buf.Bytes())
}

func TestHexMalformed(t *testing.T) {
	raw := wire.NewGenlRequest(16, 0, wire.GenlHeader{Command: 1}, []byte{40, 0, 2, 0, 'x', 0, 0, 0})
	msgs, err := wire.ParseMessages(raw)
	if err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	d := &render.HexDump{W: &buf}
	if err := d.Message(family.Received, msgs[0]); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("malformed: attribute at offset 20: length 40 runs past the end")) {
		t.Errorf("hex dump does not report the bad attribute:\n%s", buf.String())
	}
	if !bytes.Contains(buf.Bytes(), []byte("28 00 02 00 78 00 00 00")) {
		t.Errorf("hex dump lost the bad attribute's bytes:\n%s", buf.String())
	}
}

func TestErrorJSON(t *testing.T) {
	var buf bytes.Buffer
	e := render.ErrorJSON{Error: "family \"x\" is not registered in this kernel", ExitCode: 1, Hint: "h"}
	if err := render.Error(&buf, render.JSON, e); err != nil {
		t.Fatal(err)
	}

	want := `{"error":"family \"x\" is not registered in this kernel","exit-code":1,"hint":"h"}` + "\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("error JSON mismatch (-want +got):\n%s", diff)
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "json", "jsonl", "hex"} {
		f, err := render.ParseFormat(s)
		if err != nil || f.String() != s {
			t.Errorf("ParseFormat(%q) = %v, %v", s, f, err)
		}
	}

	if _, err := render.ParseFormat("yaml"); err == nil {
		t.Error("ParseFormat(yaml) succeeded, want an error")
	}
}

// schemaHexNames names a family's messages from its built-in schema, each
// message's attribute set chosen by its command, as nlctl does.
func schemaHexNames(t *testing.T, name string) render.HexNames {
	t.Helper()
	sch, err := builtin.Load(name)
	if err != nil {
		t.Fatal(err)
	}

	return specHexNames(name, sch)
}

func specHexNames(name string, sch *schema.Family) render.HexNames {
	return render.HexNames{
		Family: name,
		Op: func(cmd uint8) string {
			if op := sch.OpByReply(uint16(cmd)); op != nil {
				return op.Name
			}
			return ""
		},
		SetFor: func(cmd uint8) *schema.AttrSet {
			if op := sch.OpByReply(uint16(cmd)); op != nil {
				return op.AttrSet()
			}
			return nil
		},
	}
}

// TestHexSchemaGolden dumps exchanges captured from a real kernel, named
// by the built-in schemas: enum and flags values carry their names, and
// the NLMSG_DONE that ends each dump its status.
func TestHexSchemaGolden(t *testing.T) {
	for _, tc := range []struct{ fixture, family string }{
		{"netdev-dev-get", "netdev"},
		{"ethtool-linkinfo-get", "ethtool"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			fx, err := familytest.LoadFixture(filepath.Join("..", "decode", "testdata", tc.fixture+".nlmsg"))
			if err != nil {
				t.Fatal(err)
			}

			names := schemaHexNames(t, tc.family)
			var buf bytes.Buffer
			d := &render.HexDump{W: &buf, Names: func(uint16) render.HexNames { return names }}
			for i, raw := range append([][]byte{fx.Request}, fx.Replies...) {
				dir := family.Received
				if i == 0 {
					dir = family.Sent
				}
				msgs, err := wire.ParseMessages(raw)
				if err != nil || len(msgs) != 1 {
					t.Fatalf("message %d: %d messages, %v", i, len(msgs), err)
				}
				if err := d.Message(dir, msgs[0]); err != nil {
					t.Fatal(err)
				}
			}
			golden(t, "hex-"+tc.fixture+".txt", buf.Bytes())
		})
	}
}

// nlattr encodes one attribute, padded to 4 bytes.
func nlattr(typ uint16, v []byte) []byte {
	b := binary.NativeEndian.AppendUint16(nil, uint16(4+len(v)))
	b = binary.NativeEndian.AppendUint16(b, typ)
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}

	return b
}

func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }
func u64(v uint64) []byte { return binary.NativeEndian.AppendUint64(nil, v) }

// hexNotes dumps one message and returns the note of each line, without
// indentation.
func hexNotes(t *testing.T, dir family.Direction, raw []byte, names render.HexNames) []string {
	t.Helper()
	msgs, err := wire.ParseMessages(raw)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("%d messages, %v", len(msgs), err)
	}

	var buf bytes.Buffer
	d := &render.HexDump{W: &buf, Names: func(uint16) render.HexNames { return names }}
	if err := d.Message(dir, msgs[0]); err != nil {
		t.Fatal(err)
	}

	var notes []string
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		// An offset, two spaces, 47 columns of hex and two spaces.
		if !strings.HasPrefix(line, "#") && len(line) > 55 {
			notes = append(notes, strings.TrimSpace(line[55:]))
		}
	}

	return notes
}

// enumAsFlagsSpec has an enum whose values are bit positions in an
// attribute read as flags.
const enumAsFlagsSpec = `name: demo
protocol: genetlink
doc: A family for tests.
definitions:
  - {name: speed, type: enum, entries: [slow, fast, turbo]}
attribute-sets:
  - name: main
    attributes:
      - {name: speeds, type: u32, enum: speed, enum-as-flags: true}
      - {name: cookie, type: binary}
operations:
  list:
    - name: get
      attribute-set: main
      do: {reply: {attributes: [speeds, cookie]}}
`

// TestHexLeafNotes checks the notes on leaf values: unknown attributes in
// hex whatever their size, enum values and flag bits by name after the
// number, as the JSON output names them.
func TestHexLeafNotes(t *testing.T) {
	demo, err := ynl.Load("demo", []byte(enumAsFlagsSpec))
	if err != nil {
		t.Fatal(err)
	}
	netdev := schemaHexNames(t, "netdev")
	ethtool := schemaHexNames(t, "ethtool")
	nlctrl := schemaHexNames(t, "nlctrl")
	ifindex := nlattr(1, u32(1))
	// ops (6) of nlctrl: op 1 with id (1) and flags (2).
	ops := func(flags uint32) []byte {
		return nlattr(6, nlattr(1, append(nlattr(1, u32(3)), nlattr(2, u32(flags))...)))
	}

	cases := []struct {
		name  string
		names render.HexNames
		cmd   uint8
		attrs []byte
		want  []string
	}{
		{"unknown attribute of 2 bytes", netdev, 1, append(ifindex, nlattr(9, []byte{0x0a, 0x0b})...),
			[]string{"ifindex (1) len=8", "= 1", "attr 9 len=6", "0a0b", "padding"}},
		{"unknown attribute of 4 bytes", netdev, 1, nlattr(9, []byte{0x0a, 0x0b, 0x0c, 0x0d}),
			[]string{"attr 9 len=8", "0a0b0c0d"}},
		{"unknown attribute of 8 bytes", netdev, 1, nlattr(9, u64(0x0807060504030201)),
			[]string{"attr 9 len=12", "0102030405060708"}},
		{"unknown attribute of 1 byte", netdev, 1, nlattr(9, []byte{7}),
			[]string{"attr 9 len=5", "07", "padding"}},
		{"unknown attribute that reads as a string", netdev, 1, nlattr(9, []byte("abc\x00")),
			[]string{"attr 9 len=8", "61626300"}},
		{"family without names", render.HexNames{}, 1, nlattr(1, u32(2)),
			[]string{"attr 1 len=8", "02000000"}},
		{"flags", netdev, 1, nlattr(3, u64(35)),
			[]string{"xdp-features (3) len=12", "= 35 (basic,redirect,rx-sg)"}},
		{"flags with a bit the schema does not name", netdev, 1, nlattr(3, u64(1<<40|1)),
			[]string{"xdp-features (3) len=12", "= 1099511627777 (basic,0x10000000000)"}},
		{"flags with no bit set", netdev, 1, nlattr(3, u64(0)),
			[]string{"xdp-features (3) len=12", "= 0"}},
		{"enum", ethtool, 2, nlattr(2, []byte{0}),
			[]string{"port (2) len=5", "= 0 (tp)", "padding"}},
		{"enum value the schema does not name", ethtool, 2, nlattr(2, []byte{200}),
			[]string{"port (2) len=5", "= 200", "padding"}},
		{"enum as flags", specHexNames("demo", demo), 1, nlattr(1, u32(0b1011)),
			[]string{"speeds (1) len=8", "= 11 (slow,fast,0x8)"}},
		{"binary of an integer's size", specHexNames("demo", demo), 1, nlattr(2, u32(0x0d0c0b0a)),
			[]string{"cookie (2) len=8", "0a0b0c0d"}},
		{"flags set as flags in a nest", nlctrl, 1, ops(0xe | 1<<20),
			[]string{"ops (6) len=24", "[1] (1) len=20", "id (1) len=8", "= 3", "flags (2) len=8",
				"= 1048590 (cmd-cap-do,cmd-cap-dump,cmd-cap-haspol,0x100000)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := familytest.Notification(0x30, tc.cmd, tc.attrs)
			// Leave out the nlmsghdr and genlmsghdr lines.
			got := hexNotes(t, family.Received, raw, tc.names)[2:]
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("notes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHexStatus checks the note on the int that starts an NLMSG_ERROR or
// NLMSG_DONE payload.
func TestHexStatus(t *testing.T) {
	reqs, err := wire.ParseMessages(wire.NewGenlRequest(20, wire.FlagAck|wire.FlagDump, wire.GenlHeader{Command: 1}, nil))
	if err != nil {
		t.Fatal(err)
	}
	req := reqs[0]
	done := func(status int32) []byte {
		return familytest.Message(req, wire.TypeDone, wire.FlagMulti, binary.NativeEndian.AppendUint32(nil, uint32(status)))
	}

	cases := []struct {
		name string
		raw  []byte
		want string
	}{
		{"ack", familytest.Ack(req), "ack"},
		{"error", familytest.Error(req, int32(syscall.ENODEV), nil), "error 19 (no such device)"},
		{"done", familytest.Done(req), "done status=0"},
		{"done after a failed dump", done(-int32(syscall.EMSGSIZE)), "done status=-90 (message too long)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := hexNotes(t, family.Received, tc.raw, render.HexNames{})
			if len(got) < 2 {
				t.Fatalf("got %d lines, want at least 2: %q", len(got), got)
			}
			if diff := cmp.Diff(tc.want, got[1]); diff != "" {
				t.Errorf("status note mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTableShowsUnknownAttributes checks that a flat table row keeps the
// attributes its columns leave out, as JSON does.
func TestTableShowsUnknownAttributes(t *testing.T) {
	sch, err := builtin.Load("netdev")
	if err != nil {
		t.Fatal(err)
	}
	op := sch.Op("dev-get")

	var buf bytes.Buffer
	mw := render.NewMessageWriter(&buf, render.Table, op)
	if err := mw.Begin(); err != nil {
		t.Fatal(err)
	}
	plain := &decode.Message{Attrs: []decode.Node{{Name: "ifindex", Kind: decode.KindUint, Uint: 1}}}
	extra := &decode.Message{Attrs: []decode.Node{
		{Name: "ifindex", Kind: decode.KindUint, Uint: 2},
		{Number: 9, Kind: decode.KindUnknown, Raw: []byte{0x0a, 0x0b}},
	}}
	for _, m := range []*decode.Message{plain, extra} {
		if err := mw.Write(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.End(); err != nil {
		t.Fatal(err)
	}

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want a header and 2 rows:\n%s", len(lines), buf.String())
	}
	if !strings.HasSuffix(lines[0], "OTHER") {
		t.Errorf("header %q does not end in OTHER", lines[0])
	}
	if !strings.HasSuffix(lines[2], "9=0a0b") {
		t.Errorf("row %q does not end in 9=0a0b", lines[2])
	}
}

func TestHexHeadingNotification(t *testing.T) {
	var buf bytes.Buffer
	d := &render.HexDump{W: &buf}
	msgs, err := wire.ParseMessages(familytest.Notification(0x30, 1, nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Message(family.Received, msgs[0]); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(buf.String(), "\n"); first != "# notification, 20 bytes" {
		t.Errorf("heading = %q, want %q", first, "# notification, 20 bytes")
	}
}
