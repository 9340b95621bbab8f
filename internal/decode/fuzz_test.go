package decode_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
)

// fuzzFamilies are the built-in schemas FuzzDecode decodes every input
// with: two plain genetlink families, a large genetlink-legacy one with
// deep nests, and one whose replies carry big structs.
var fuzzFamilies = []string{"ethtool", "netdev", "nl80211", "TASKSTATS"}

// FuzzDecode decodes arbitrary bytes as a generic netlink message with each
// of the fuzzFamilies schemas, and as a bare run of attributes of one of
// their attribute sets, then renders the result as JSON. Nothing may
// panic and the JSON must be valid. The seeds are the captured replies in
// testdata and the committed corpus in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	var decoders []decode.Decoder
	var sets []*schema.AttrSet
	for _, name := range fuzzFamilies {
		fam, err := builtin.Load(name)
		if err != nil || fam == nil {
			f.Fatalf("built-in schema %s: %v", name, err)
		}
		decoders = append(decoders, decode.Decoder{Family: fam})
		for i := range fam.AttrSets {
			sets = append(sets, &fam.AttrSets[i])
		}
	}

	paths, err := filepath.Glob(filepath.Join("testdata", "*.nlmsg"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no captured replies in testdata: %v", err)
	}
	for _, p := range paths {
		fx, err := familytest.LoadFixture(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, r := range fx.Replies {
			f.Add(r)
		}
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		for i := range decoders {
			m, err := decoders[i].Message(b, nil)
			if err != nil {
				continue
			}
			if js := render.AppendMessageJSON(nil, m); !json.Valid(js) {
				t.Fatalf("%s: invalid JSON: %s", fuzzFamilies[i], js)
			}
		}

		if len(b) == 0 {
			return
		}
		// The first byte picks the attribute set, so sets that no op's
		// reply starts from are reached too.
		set := sets[int(b[0])%len(sets)]
		nodes := decoders[0].Attrs(set, b[1:], 1)
		if js := render.AppendNodesJSON(nil, nodes); !json.Valid(js) {
			t.Fatalf("set %s: invalid JSON: %s", set.Name, js)
		}
	})
}
