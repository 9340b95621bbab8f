package decode_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// TestGoldenFixtures decodes the replies captured from a real kernel (see
// TestCaptureDecodeFixtures in internal/family) with the built-in schemas
// and compares their JSON with testdata/*.json.
func TestGoldenFixtures(t *testing.T) {
	// op is the op whose reply the kernel sends: TASKSTATS replies to get
	// with a new message.
	cases := []struct{ fixture, family, op string }{
		{"ethtool-linkinfo-get", "ethtool", "linkinfo-get"},
		{"ethtool-features-get", "ethtool", "features-get"},
		{"ethtool-channels-get", "ethtool", "channels-get"},
		{"ethtool-strset-get", "ethtool", "strset-get"},
		{"netdev-dev-get", "netdev", "dev-get"},
		{"netdev-napi-get", "netdev", "napi-get"},
		{"taskstats-get", "TASKSTATS", "new"},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			fx, err := familytest.LoadFixture(filepath.Join("testdata", tc.fixture+".nlmsg"))
			if err != nil {
				t.Fatal(err)
			}
			fam, err := builtin.Load(tc.family)
			if err != nil || fam == nil {
				t.Fatalf("built-in schema %s: %v", tc.family, err)
			}
			op := fam.Op(tc.op)

			var out bytes.Buffer
			out.WriteString("[\n")
			data := 0
			for _, raw := range fx.Replies {
				h, err := wire.ParseHeader(raw)
				if err != nil {
					t.Fatal(err)
				}
				if h.Type < wire.TypeMinReserved {
					continue // NLMSG_DONE ends the dump
				}
				m, err := (&decode.Decoder{Family: fam}).Message(raw, nil)
				if err != nil {
					t.Fatal(err)
				}
				if m.Op != op {
					t.Errorf("reply %d: command %d looked up op %v, want %s", data, m.Command, opName(m), tc.op)
				}
				requireNoErrors(t, m.Attrs)

				if data > 0 {
					out.WriteString(",\n")
				}
				if err := json.Indent(&out, render.AppendMessageJSON(nil, m), "", "  "); err != nil {
					t.Fatalf("reply %d: %v", data, err)
				}
				data++
			}
			out.WriteString("\n]\n")
			if data == 0 {
				t.Fatal("the fixture holds no data message")
			}

			golden(t, filepath.Join("testdata", tc.fixture+".json"), out.Bytes())
		})
	}
}

func opName(m *decode.Message) string {
	if m.Op == nil {
		return "none"
	}

	return m.Op.Name
}

// requireNoErrors fails the test for every error node in the tree.
func requireNoErrors(t *testing.T, nodes []decode.Node) {
	t.Helper()
	for i := range nodes {
		if nodes[i].Kind == decode.KindError {
			t.Errorf("error node at offset %d: %s", nodes[i].Offset, nodes[i].Text)
		}
		requireNoErrors(t, nodes[i].Children)
	}
}

// golden compares got with the golden file at path, or rewrites the file
// under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/decode -run TestGolden -update to create it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
