package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/cobra/doc"
)

var updateMan = flag.Bool("update-man", false, "regenerate the man pages in docs/man (make docs)")

// manDate is the date printed in the man pages. It is fixed so that the
// generated pages only change when the command tree does.
var manDate = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// TestManPagesFresh fails when docs/man differs from the pages generated
// from the command tree; `make docs` regenerates them.
func TestManPagesFresh(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "man")
	gen := t.TempDir()
	if *updateMan {
		gen = dir
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	root := newRootCommand(&globalOptions{})
	root.DisableAutoGenTag = true
	root.InitDefaultCompletionCmd()
	header := &doc.GenManHeader{Title: "NLCTL", Section: "1", Date: &manDate, Source: "nlctl", Manual: "nlctl manual"}
	if err := doc.GenManTree(root, header, gen); err != nil {
		t.Fatal(err)
	}
	if *updateMan {
		return
	}

	pages, err := filepath.Glob(filepath.Join(gen, "*.1"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no man pages generated (%v)", err)
	}
	for _, page := range pages {
		want, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.Base(page)))
		if err != nil || !bytes.Equal(want, got) {
			t.Errorf("docs/man/%s is missing or stale: run make docs", filepath.Base(page))
		}
	}

	committed, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	if len(committed) != len(pages) {
		t.Errorf("docs/man has %d pages, the command tree %d: run make docs", len(committed), len(pages))
	}
}
