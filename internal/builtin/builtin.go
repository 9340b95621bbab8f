package builtin

import (
	"bytes"
	"embed"
	"encoding/gob"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
)

//go:embed compiled/*.gob
var compiled embed.FS

// Names returns the names of the built-in schemas, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(compiled, "compiled")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".gob"))
	}
	sort.Strings(names)

	return names
}

// Has reports whether a built-in schema exists for the family.
func Has(name string) bool {
	_, err := fs.Stat(compiled, "compiled/"+name+".gob")
	return err == nil
}

// Load returns a new copy of the built-in schema of the named family, or
// nil and no error when there is none.
func Load(name string) (*schema.Family, error) {
	data, err := compiled.ReadFile("compiled/" + name + ".gob")
	if err != nil {
		return nil, nil
	}

	return Decode(name, data)
}

// Decode decodes a compiled schema and resolves its references.
func Decode(name string, data []byte) (*schema.Family, error) {
	f := &schema.Family{}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(f); err != nil {
		return nil, fmt.Errorf("built-in schema %s: %w", name, err)
	}
	if err := f.Resolve(); err != nil {
		return nil, fmt.Errorf("built-in schema %s: %w", name, err)
	}
	f.Source = schema.Source{Kind: schema.SourceBuiltin, Path: name}

	return f, nil
}

// Encode compiles a loaded schema into the form Load reads.
func Encode(f *schema.Family) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(f); err != nil {
		return nil, fmt.Errorf("compile schema %s: %w", f.Name, err)
	}

	return buf.Bytes(), nil
}
