package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/nlctl/nlctl/"

// allowed lists, for each package, the nlctl packages it may import. A
// package missing here fails the test until it is added, together with a
// line in docs/architecture.md.
var allowed = map[string][]string{
	"internal/wire":                 {},
	"internal/schema":               {},
	"internal/schema/ynl":           {"internal/schema"},
	"internal/decode":               {"internal/schema", "internal/wire"},
	"internal/builtin":              {"internal/schema", "internal/schema/ynl"},
	"internal/builtin/internal/gen": {"internal/schema", "internal/schema/ynl"},
	"internal/family":               {"internal/wire", "internal/schema", "internal/schema/ynl", "internal/builtin", "internal/decode"},
	"internal/family/familytest":    {"internal/family", "internal/wire"},
	"internal/render":               {"internal/family", "internal/wire", "internal/decode", "internal/schema"},
	"internal/testutil":             {},
	"internal/archtest":             {},
	"cmd/nlctl":                     {"*"},
}

// standalone reports whether pkg is a helper program outside the tool
// (benchmarks, release scripts, end-to-end test guests), which must not
// import nlctl's internal packages.
func standalone(pkg string) bool {
	for _, prefix := range []string{"tools/", "scripts/", "test/"} {
		if strings.HasPrefix(pkg, prefix) {
			return true
		}
	}

	return false
}

// onlyIn names third-party packages that a single nlctl package may import.
var onlyIn = map[string]string{
	"github.com/spf13/cobra":            "cmd/nlctl",
	"github.com/olekukonko/tablewriter": "internal/render",
}

func TestImportDirection(t *testing.T) {
	root := filepath.Join("..", "..")
	imports := packageImports(t, root)
	if len(imports) < 5 {
		t.Fatalf("found only %d packages under %s", len(imports), root)
	}

	for pkg, deps := range imports {
		rules, known := allowed[pkg]
		if standalone(pkg) {
			rules, known = nil, true
		}
		if !known {
			t.Errorf("package %s has no import rule: add it to allowed here and to docs/architecture.md", pkg)
			continue
		}
		for _, dep := range deps {
			checkImport(t, pkg, dep, rules)
		}
	}
}

func checkImport(t *testing.T, pkg, dep string, rules []string) {
	t.Helper()
	for prefix, owner := range onlyIn {
		if strings.HasPrefix(dep, prefix) && pkg != owner {
			t.Errorf("%s imports %s, which only %s may import", pkg, dep, owner)
		}
	}

	local, ok := strings.CutPrefix(dep, module)
	if !ok {
		return
	}
	for _, r := range rules {
		if r == "*" || r == local {
			return
		}
	}
	t.Errorf("%s imports %s, against the dependency direction in docs/architecture.md", pkg, local)
}

// packageImports returns the imports of every non-test Go file, by package
// directory relative to root.
func packageImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	imports := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "bin" || d.Name() == "dist") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}

		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		if _, seen := imports[rel]; !seen {
			imports[rel] = nil
		}
		for _, imp := range f.Imports {
			imports[rel] = append(imports[rel], strings.Trim(imp.Path.Value, `"`))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range imports {
		sort.Strings(imports[k])
	}

	return imports
}
