package family

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/schema/ynl"
)

// Schemas finds the schema of a family. Sources are searched in order and
// the first match wins: spec files named with --spec, the folders of
// $NLCTL_SPEC_PATH, ~/.config/nlctl/specs, /usr/share/ynl/specs, and the
// built-in schemas.
type Schemas struct {
	files []string
	dirs  []string
	// byFile caches the specs given as files, which must be loaded to
	// learn the family they describe.
	byFile map[string]*schema.Family
}

// SystemSpecDir is the folder where distributions install the kernel's YNL specs.
const SystemSpecDir = "/usr/share/ynl/specs"

// NewSchemas returns the schema sources for the given --spec files, with
// folders taken from the environment: NLCTL_SPEC_PATH (colon-separated)
// and HOME.
func NewSchemas(specFiles []string, getenv func(string) string) *Schemas {
	var dirs []string
	for _, d := range strings.Split(getenv("NLCTL_SPEC_PATH"), ":") {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	if home := getenv("HOME"); home != "" {
		dirs = append(dirs, filepath.Join(home, ".config", "nlctl", "specs"))
	}
	dirs = append(dirs, SystemSpecDir)

	return &Schemas{files: specFiles, dirs: dirs}
}

// Lookup returns the schema of the named family, or nil and no error when
// no source has one. A spec file that exists but does not load is an error.
func (s *Schemas) Lookup(name string) (*schema.Family, error) {
	if err := s.loadFiles(); err != nil {
		return nil, err
	}
	if f := s.byFile[name]; f != nil {
		return f, nil
	}

	for _, dir := range s.dirs {
		for _, candidate := range fileNames(name) {
			path := filepath.Join(dir, candidate)
			if _, err := os.Stat(path); err != nil {
				continue
			}
			f, err := ynl.LoadFile(path)
			if err != nil {
				return nil, &SpecFileError{Path: path, Err: err, InFolder: true}
			}
			return f, nil
		}
	}

	return builtin.Load(name)
}

// fileNames lists the spec file names that may hold a family's schema: the
// kernel names spec files after the family, with '-' or '_' as written.
func fileNames(name string) []string {
	names := []string{name + ".yaml"}
	for _, alt := range []string{strings.ReplaceAll(name, "_", "-"), strings.ReplaceAll(name, "-", "_")} {
		if alt != name {
			names = append(names, alt+".yaml")
		}
	}

	return names
}

func (s *Schemas) loadFiles() error {
	if s.byFile != nil {
		return nil
	}

	s.byFile = map[string]*schema.Family{}
	for _, path := range s.files {
		f, err := ynl.LoadFile(path)
		if err != nil {
			return &SpecFileError{Path: path, Err: err}
		}
		if _, dup := s.byFile[f.Name]; !dup {
			s.byFile[f.Name] = f
		}
	}

	return nil
}

// SpecFileError reports a spec file that could not be loaded: a --spec
// file, or one found in a spec folder.
type SpecFileError struct {
	Path     string
	Err      error
	InFolder bool
}

func (e *SpecFileError) Error() string {
	if e.InFolder {
		return fmt.Sprintf("spec file in a spec folder: %v", e.Err)
	}

	return fmt.Sprintf("--spec %s: %v", e.Path, e.Err)
}
func (e *SpecFileError) Unwrap() error { return e.Err }

// SchemaInfo describes one schema a source offers.
type SchemaInfo struct {
	Family string
	Source schema.Source
	// Shadowed is set when a source earlier in the search order has a
	// schema for the same family, so this one is not used.
	Shadowed bool
}

// List returns every schema the sources offer, in search order.
func (s *Schemas) List() ([]SchemaInfo, error) {
	if err := s.loadFiles(); err != nil {
		return nil, err
	}

	var infos []SchemaInfo
	seen := map[string]bool{}
	add := func(name string, src schema.Source) {
		// Spec files may spell a family with '-' where it has '_', or the
		// reverse, and still describe it.
		key := strings.ReplaceAll(name, "-", "_")
		infos = append(infos, SchemaInfo{Family: name, Source: src, Shadowed: seen[key]})
		seen[key] = true
	}

	for _, path := range s.files {
		for name, f := range s.byFile {
			if f.Source.Path == path {
				add(name, f.Source)
			}
		}
	}
	for _, dir := range s.dirs {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list specs in %s: %w", dir, err)
		}
		for _, name := range specNames(entries) {
			add(name, schema.Source{Kind: schema.SourceFile, Path: filepath.Join(dir, name+".yaml")})
		}
	}
	for _, name := range builtin.Names() {
		add(name, schema.Source{Kind: schema.SourceBuiltin, Path: name})
	}

	return infos, nil
}

// formatSchemas are the JSON Schemas of the YNL format itself, which the
// kernel keeps in the same folder as the family specs.
var formatSchemas = map[string]bool{
	"genetlink.yaml": true, "genetlink-c.yaml": true, "genetlink-legacy.yaml": true, "netlink-raw.yaml": true,
}

func specNames(entries []os.DirEntry) []string {
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") && !formatSchemas[e.Name()] {
			names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(names)

	return names
}

// NameListOps names the ops of every family in a listing. A family with a
// spec file (from --spec or a spec folder) is named from it, and the others
// from the built-in op tables, which cost nothing to consult, so a listing
// builds no schema it does not need.
//
// A spec in a folder that does not load does not stop the listing: its
// family's ops are named from the built-in tables, and the error is
// returned in skipped. A --spec file that does not load is an error.
func (s *Schemas) NameListOps(fams []Family) (skipped []error, err error) {
	if err := s.loadFiles(); err != nil {
		return nil, err
	}

	onDisk := s.specFilesOnDisk()
	for i := range fams {
		f := &fams[i]
		if sch := s.byFile[f.Name]; sch != nil {
			NameOps(f, sch)
			continue
		}
		if path := onDisk[f.Name]; path != "" {
			sch, err := ynl.LoadFile(path)
			if err == nil {
				NameOps(f, sch)
				continue
			}
			skipped = append(skipped, &SpecFileError{Path: path, Err: err, InFolder: true})
		}
		for _, op := range builtin.OpNames(f.Name) {
			for j := range f.Ops {
				if f.Ops[j].ID == uint32(op.Request) {
					f.Ops[j].Name = op.Name
				}
			}
		}
	}

	return skipped, nil
}

// specFilesOnDisk maps family names to the first spec file the spec
// folders hold for them, reading each folder once.
func (s *Schemas) specFilesOnDisk() map[string]string {
	found := map[string]string{}
	for _, dir := range s.dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, name := range specNames(entries) {
			path := filepath.Join(dir, name+".yaml")
			for _, alias := range []string{name, strings.ReplaceAll(name, "-", "_"), strings.ReplaceAll(name, "_", "-")} {
				if found[alias] == "" {
					found[alias] = path
				}
			}
		}
	}

	return found
}
