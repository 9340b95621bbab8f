package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/render"
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
