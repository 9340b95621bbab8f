package builtin

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCompiledUpToDate fails when a spec changed without `go generate`.
func TestCompiledUpToDate(t *testing.T) {
	fresh := filepath.Join(t.TempDir(), "compiled.go")
	out, err := exec.Command("go", "run", "./internal/gen", "-specs", "specs", "-out", fresh).CombinedOutput()
	if err != nil {
		t.Fatalf("run the generator: %v\n%s", err, out)
	}

	want, err := os.ReadFile(fresh)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("compiled.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Error("compiled.go is stale: run go generate ./internal/builtin")
	}
}

func TestLoadEveryBuiltin(t *testing.T) {
	specs, err := filepath.Glob(filepath.Join("specs", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != len(Names()) {
		t.Errorf("%d specs but %d built-in schemas: run go generate ./internal/builtin", len(specs), len(Names()))
	}

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

func TestLoadReturnsCopies(t *testing.T) {
	a, _ := Load("ethtool")
	b, _ := Load("ethtool")
	a.AttrSets[0].Name = "changed"
	if b.AttrSets[0].Name == "changed" {
		t.Error("two loads share memory")
	}
}

func TestLoadMissing(t *testing.T) {
	f, err := Load("nosuchfamily")
	if f != nil || err != nil {
		t.Errorf("Load(nosuchfamily) = %v, %v; want nil, nil", f, err)
	}
}

// BenchmarkLoadLargest measures building and resolving nl80211, the
// largest built-in schema: the start-up cost a command pays for it.
func BenchmarkLoadLargest(b *testing.B) {
	for b.Loop() {
		if _, err := Load("nl80211"); err != nil {
			b.Fatal(err)
		}
	}
}
