package builtin

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlctl/nlctl/internal/schema/ynl"
)

// TestCompiledUpToDate fails when a spec changed without `go generate`.
func TestCompiledUpToDate(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("specs", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(Names()) {
		t.Errorf("%d specs but %d compiled schemas: run go generate ./internal/builtin", len(paths), len(Names()))
	}

	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			f, err := ynl.LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Encode(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join("compiled", name+".gob"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("compiled/%s.gob is stale: run go generate ./internal/builtin", name)
			}
		})
	}
}

func TestLoadEveryBuiltin(t *testing.T) {
	for _, name := range Names() {
		f, err := Load(name)
		if err != nil {
			t.Errorf("Load(%s): %v", name, err)
			continue
		}
		if f.Name != name {
			t.Errorf("Load(%s) returned family %q", name, f.Name)
		}
		if len(f.AttrSets) == 0 && name != "acpi_event" {
			t.Errorf("%s has no attribute sets", name)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	f, err := Load("nosuchfamily")
	if f != nil || err != nil {
		t.Errorf("Load(nosuchfamily) = %v, %v; want nil, nil", f, err)
	}
}

// BenchmarkLoadLargest measures decoding the largest built-in schema, the
// start-up cost a command pays for it.
func BenchmarkLoadLargest(b *testing.B) {
	largest, size := "", 0
	for _, name := range Names() {
		data, _ := compiled.ReadFile("compiled/" + name + ".gob")
		if len(data) > size {
			largest, size = name, len(data)
		}
	}

	b.Run(largest, func(b *testing.B) {
		for b.Loop() {
			if _, err := Load(largest); err != nil {
				b.Fatal(err)
			}
		}
	})
}
