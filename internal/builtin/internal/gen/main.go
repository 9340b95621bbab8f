// Command gen compiles the YNL specs of the built-in schemas into the gob
// files that package builtin embeds. It must not import package builtin,
// which does not build while its compiled folder is empty.
package main

import (
	"bytes"
	"encoding/gob"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nlctl/nlctl/internal/schema/ynl"
)

func main() {
	specs := flag.String("specs", "specs", "folder of YNL spec files")
	out := flag.String("out", "compiled", "folder for the compiled schemas")
	flag.Parse()

	if err := run(*specs, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(specs, out string) error {
	paths, err := filepath.Glob(filepath.Join(specs, "*.yaml"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}

	for _, path := range paths {
		f, err := ynl.LoadFile(path)
		if err != nil {
			return err
		}
		var data bytes.Buffer
		if err := gob.NewEncoder(&data).Encode(f); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}

		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		if name != f.Name {
			return fmt.Errorf("%s: the file name must equal the family name %q", path, f.Name)
		}
		if err := os.WriteFile(filepath.Join(out, name+".gob"), data.Bytes(), 0o644); err != nil {
			return err
		}
	}

	return nil
}
