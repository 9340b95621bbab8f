package ynl

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load. Load must return a family or an
// error and never panic, and a family it returns must be consistent. The
// seeds are the committed corpus in testdata/fuzz/FuzzLoad, the inline
// specs of the other tests and, when present, the reference specs.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(legacySpec))
	f.Add([]byte(rawSpec))

	paths, _ := filepath.Glob(filepath.Join(referenceDir, "*", "*.yaml"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err == nil {
			f.Add(data)
		}
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		fam, err := Load("fuzz.yaml", data)
		if err != nil {
			return
		}

		for i := range fam.AttrSets {
			s := &fam.AttrSets[i]
			if fam.AttrSet(s.Name) != s {
				t.Fatalf("AttrSet(%q) does not return the set", s.Name)
			}

			for j := range s.Attrs {
				a := &s.Attrs[j]
				if s.ByNumber(a.Number) != a || s.ByName(a.Name) != a {
					t.Fatalf("set %q: attribute %q (%d) not found by number and name", s.Name, a.Name, a.Number)
				}
			}
		}

		for i := range fam.Ops {
			op := &fam.Ops[i]
			if fam.Op(op.Name) != op {
				t.Fatalf("Op(%q) does not return the op", op.Name)
			}

			_ = op.ReplyAttrs()
		}
	})
}
