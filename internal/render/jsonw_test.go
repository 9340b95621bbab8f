package render_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
)

// TestFamilyListMatchesEncodingJSON checks that the hand-written listing
// JSON equals encoding/json's output for FamilyJSON, which `family get` uses.
func TestFamilyListMatchesEncodingJSON(t *testing.T) {
	fams := []family.Family{
		{ID: 16, Name: "nlctrl", Version: 2, Ops: []family.Op{{ID: 3, Name: "getfamily", Flags: 0xe}},
			Groups: []family.Group{{ID: 16, Name: "notify"}}},
		{ID: 20, Name: "no-ops-or-groups"},
		{ID: 21, Name: `quote " back\slash`, Ops: []family.Op{
			{ID: 1},                         // no name, no flags
			{ID: 2, Name: "x", Flags: 0x80}, // a flag bit nlctl has no name for
		}},
	}

	var want, wantLines bytes.Buffer
	list := make([]render.FamilyJSON, len(fams))
	for i := range fams {
		list[i] = render.NewFamilyJSON(&fams[i])
		line, err := json.Marshal(list[i])
		if err != nil {
			t.Fatal(err)
		}
		wantLines.Write(append(line, '\n'))
	}
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want.Write(append(b, '\n'))

	for format, want := range map[render.Format][]byte{render.JSON: want.Bytes(), render.JSONLines: wantLines.Bytes()} {
		var got bytes.Buffer
		if err := render.FamilyList(&got, format, fams); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), got.String()); diff != "" {
			t.Errorf("%s differs from encoding/json (-want +got):\n%s", format, diff)
		}
	}

	var empty bytes.Buffer
	if err := render.FamilyList(&empty, render.JSON, nil); err != nil {
		t.Fatal(err)
	}
	if empty.String() != "[]\n" {
		t.Errorf("empty list = %q, want %q", empty.String(), "[]\n")
	}
}
