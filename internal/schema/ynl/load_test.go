package ynl

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nlctl/nlctl/internal/schema"
)

// referenceDir holds the kernel's YNL specs that the tests load, relative
// to this package.
const referenceDir = "../../../../shared/reference/ynl-specs"

// formatFiles are the JSON schemas of the spec format itself, which sit
// next to the family specs and are not family specs.
var formatFiles = map[string]bool{
	"genetlink.yaml":        true,
	"genetlink-c.yaml":      true,
	"genetlink-legacy.yaml": true,
	"netlink-raw.yaml":      true,
}

// referenceSpecs returns the paths of all reference family specs. It skips
// the test when the reference tree is missing, and fails under CI=true.
func referenceSpecs(tb testing.TB) []string {
	tb.Helper()

	paths, err := filepath.Glob(filepath.Join(referenceDir, "*", "*.yaml"))
	if err != nil {
		tb.Fatalf("glob reference specs: %v", err)
	}

	var specs []string
	for _, p := range paths {
		if !formatFiles[filepath.Base(p)] {
			specs = append(specs, p)
		}
	}

	if len(specs) == 0 {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("no reference specs found under %s", referenceDir)
		}

		tb.Skipf("no reference specs found under %s", referenceDir)
	}

	return specs
}

// loadReference loads one reference spec, such as "linux-6.12/ethtool.yaml".
func loadReference(t *testing.T, name string) *schema.Family {
	t.Helper()

	referenceSpecs(t)

	f, err := LoadFile(filepath.Join(referenceDir, name))
	if err != nil {
		t.Fatalf("LoadFile(%s): %v", name, err)
	}

	return f
}

func TestLoadReferenceSpecs(t *testing.T) {
	for _, path := range referenceSpecs(t) {
		name := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			f, err := LoadFile(path)
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}

			if f.Name == "" || len(f.Ops) == 0 || len(f.AttrSets) == 0 {
				t.Errorf("family %q has %d ops and %d attribute sets, want a name and some of each", f.Name, len(f.Ops), len(f.AttrSets))
			}

			if diff := cmp.Diff(schema.Source{Kind: schema.SourceFile, Path: path}, f.Source); diff != "" {
				t.Errorf("Source mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// opValues is the numbering of an op, for comparisons.
type opValues struct {
	Request, Reply       uint16
	HasRequest, HasReply bool
}

// valuesOf returns the numbering of the op named name.
func valuesOf(t *testing.T, f *schema.Family, name string) opValues {
	t.Helper()

	op := f.Op(name)
	if op == nil {
		t.Fatalf("op %q not found in %s", name, f.Name)
	}

	return opValues{op.RequestValue, op.ReplyValue, op.HasRequest, op.HasReply}
}

func TestOpNumbering(t *testing.T) {
	tests := []struct {
		spec string
		op   string
		want opValues
	}{
		// ethtool is directional: ETHTOOL_MSG_LINKINFO_GET is 2 in both
		// directions, ETHTOOL_MSG_LINKINFO_NTF is 3 and
		// ETHTOOL_MSG_CABLE_TEST_NTF is 27 from the kernel.
		{"linux-6.12/ethtool.yaml", "strset-get", opValues{1, 1, true, true}},
		{"linux-6.12/ethtool.yaml", "linkinfo-get", opValues{2, 2, true, true}},
		{"linux-6.12/ethtool.yaml", "linkinfo-set", opValues{3, 0, true, false}},
		{"linux-6.12/ethtool.yaml", "linkinfo-ntf", opValues{0, 3, false, true}},
		{"linux-6.12/ethtool.yaml", "cable-test-ntf", opValues{0, 27, false, true}},
		// rtnetlink message types: RTM_NEWLINK 16, RTM_GETLINK 18,
		// RTM_NEWSTATS 92, RTM_GETSTATS 94.
		{"linux-6.12/rt_link.yaml", "newlink", opValues{16, 0, true, false}},
		{"linux-6.12/rt_link.yaml", "getlink", opValues{18, 16, true, true}},
		{"linux-6.12/rt_link.yaml", "getstats", opValues{94, 92, true, true}},
		// CTRL_CMD_GETFAMILY 3, whose reply is CTRL_CMD_NEWFAMILY 1.
		{"linux-6.12/nlctrl.yaml", "getfamily", opValues{3, 1, true, true}},
		{"linux-6.12/nlctrl.yaml", "getpolicy", opValues{10, 10, true, true}},
		// Unified numbering with explicit values.
		{"linux-6.12/ovs_datapath.yaml", "get", opValues{3, 3, true, true}},
		{"linux-6.12/ovs_datapath.yaml", "new", opValues{1, 1, true, true}},
		// Unified numbering from 1; notifications have no request.
		{"newer/netdev.yaml", "dev-get", opValues{1, 1, true, true}},
		{"newer/netdev.yaml", "dev-add-ntf", opValues{0, 2, false, true}},
		// devlink's port-get: DEVLINK_CMD_PORT_GET 5, DEVLINK_CMD_PORT_NEW 7.
		{"linux-6.12/devlink.yaml", "port-get", opValues{5, 7, true, true}},
	}

	for _, tt := range tests {
		t.Run(tt.spec+"/"+tt.op, func(t *testing.T) {
			f := loadReference(t, tt.spec)
			if diff := cmp.Diff(tt.want, valuesOf(t, f, tt.op)); diff != "" {
				t.Errorf("op values mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpModeValues(t *testing.T) {
	f := loadReference(t, "linux-6.12/devlink.yaml")
	op := f.Op("port-get")

	// The dump variant replies with DEVLINK_CMD_NEW (3), not the do
	// variant's DEVLINK_CMD_PORT_NEW (7).
	want := [2][2]uint16{{5, 7}, {5, 3}}
	got := [2][2]uint16{{op.Do.RequestValue, op.Do.ReplyValue}, {op.Dump.RequestValue, op.Dump.ReplyValue}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("do and dump values mismatch (-want +got):\n%s", diff)
	}
}

func TestOpLookups(t *testing.T) {
	f := loadReference(t, "linux-6.12/rt_link.yaml")

	tests := []struct {
		name string
		got  *schema.Op
		want string
	}{
		{"request 18", f.OpByRequest(18), "getlink"},
		{"reply 16", f.OpByReply(16), "getlink"},
		{"request 94", f.OpByRequest(94), "getstats"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got == nil {
				t.Fatalf("no op found, want %q", tt.want)
			}

			if tt.got.Name != tt.want {
				t.Errorf("op = %q, want %q", tt.got.Name, tt.want)
			}
		})
	}

	if op := f.OpByRequest(200); op != nil {
		t.Errorf("OpByRequest(200) = %q, want nil", op.Name)
	}
}

// attrSummary is the part of an attribute that the spot checks compare.
type attrSummary struct {
	Name        string
	Number      uint16
	Type        schema.Type
	NestedName  string
	EnumName    string
	EnumAsFlags bool
	MultiAttr   bool
	Min         schema.Limit
}

// summarize returns the summaries of all attributes of a set.
func summarize(s *schema.AttrSet) []attrSummary {
	var out []attrSummary
	for _, a := range s.Attrs {
		out = append(out, attrSummary{a.Name, a.Number, a.Type, a.NestedName, a.EnumName, a.EnumAsFlags, a.MultiAttr, a.Checks.Min})
	}

	return out
}

func TestAttrSets(t *testing.T) {
	min1 := schema.Limit{Set: true, Uint: 1}

	tests := []struct {
		spec, set string
		want      []attrSummary
	}{
		{"linux-6.12/ethtool.yaml", "header", []attrSummary{
			{Name: "dev-index", Number: 1, Type: schema.TypeU32},
			{Name: "dev-name", Number: 2, Type: schema.TypeString},
			{Name: "flags", Number: 3, Type: schema.TypeU32, EnumName: "header-flags"},
			{Name: "phy-index", Number: 4, Type: schema.TypeU32},
		}},
		{"newer/netdev.yaml", "dev", []attrSummary{
			{Name: "ifindex", Number: 1, Type: schema.TypeU32, Min: min1},
			{Name: "pad", Number: 2, Type: schema.TypePad},
			{Name: "xdp-features", Number: 3, Type: schema.TypeU64, EnumName: "xdp-act"},
			{Name: "xdp-zc-max-segs", Number: 4, Type: schema.TypeU32, Min: min1},
			{Name: "xdp-rx-metadata-features", Number: 5, Type: schema.TypeU64, EnumName: "xdp-rx-metadata"},
			{Name: "xsk-features", Number: 6, Type: schema.TypeU64, EnumName: "xsk-flags"},
		}},
		// A subset keeps the parent's numbers (IFLA_ALT_IFNAME is 53) and
		// applies its own multi-attr.
		{"linux-6.12/rt_link.yaml", "prop-list-link-attrs", []attrSummary{
			{Name: "alt-ifname", Number: 53, Type: schema.TypeString, MultiAttr: true},
		}},
		// devlink's 6.12 spec repeats two entries of this subset; the
		// repeats are dropped. DEVLINK_ATTR_DPIPE_TABLE_NAME is 29.
		{"linux-6.12/devlink.yaml", "dl-dpipe-table", []attrSummary{
			{Name: "dpipe-table-name", Number: 29, Type: schema.TypeString},
			{Name: "dpipe-table-size", Number: 30, Type: schema.TypeU64},
			{Name: "dpipe-table-matches", Number: 31, Type: schema.TypeNest, NestedName: "dl-dpipe-table-matches"},
			{Name: "dpipe-table-actions", Number: 32, Type: schema.TypeNest, NestedName: "dl-dpipe-table-actions"},
			{Name: "dpipe-table-counters-enabled", Number: 33, Type: schema.TypeU8},
			{Name: "dpipe-table-resource-id", Number: 75, Type: schema.TypeU64},
			{Name: "dpipe-table-resource-units", Number: 76, Type: schema.TypeU64},
		}},
	}

	for _, tt := range tests {
		t.Run(tt.spec+"/"+tt.set, func(t *testing.T) {
			f := loadReference(t, tt.spec)
			s := f.AttrSet(tt.set)
			if s == nil {
				t.Fatalf("attribute set %q not found", tt.set)
			}

			if diff := cmp.Diff(tt.want, summarize(s)); diff != "" {
				t.Errorf("attributes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSubsetParentUnchanged(t *testing.T) {
	f := loadReference(t, "linux-6.12/rt_link.yaml")

	a := f.AttrSet("link-attrs").ByName("alt-ifname")
	if a == nil {
		t.Fatal("alt-ifname not found in link-attrs")
	}

	if a.MultiAttr {
		t.Error("link-attrs alt-ifname is multi-attr, want the subset's override to stay in the subset")
	}

	if got := f.AttrSet("prop-list-link-attrs").SubsetOf(); got == nil || got.Name != "link-attrs" {
		t.Errorf("SubsetOf() = %v, want link-attrs", got)
	}
}

func TestNestedLookup(t *testing.T) {
	f := loadReference(t, "linux-6.12/ethtool.yaml")

	header := f.AttrSet("linkinfo").ByNumber(1)
	if header == nil || header.Name != "header" {
		t.Fatalf("linkinfo attribute 1 = %v, want header", header)
	}

	nested := header.Nested()
	if nested == nil || nested != f.AttrSet("header") {
		t.Fatalf("header.Nested() = %v, want the header set", nested)
	}

	if got := nested.ByNumber(2); got == nil || got.Name != "dev-name" {
		t.Errorf("header attribute 2 = %v, want dev-name", got)
	}

	if got := nested.ByNumber(99); got != nil {
		t.Errorf("header attribute 99 = %q, want nil", got.Name)
	}

	if op := f.Op("linkinfo-get"); op.AttrSet() != f.AttrSet("linkinfo") {
		t.Errorf("linkinfo-get AttrSet() = %v, want linkinfo", op.AttrSet())
	}

	if op := f.Op("linkinfo-ntf"); op.AttrSet() != f.AttrSet("linkinfo") || op.Notify() != f.Op("linkinfo-get") {
		t.Errorf("linkinfo-ntf does not inherit the set of linkinfo-get")
	}
}

func TestEnumValues(t *testing.T) {
	tests := []struct {
		spec, def string
		want      []schema.EnumEntry
	}{
		{"linux-6.12/ethtool.yaml", "header-flags", []schema.EnumEntry{
			{Name: "compact-bitsets", Value: 1}, {Name: "omit-reply", Value: 2}, {Name: "stats", Value: 4},
		}},
		{"linux-6.12/handshake.yaml", "auth", []schema.EnumEntry{
			{Name: "unspec", Value: 0}, {Name: "unauth", Value: 1}, {Name: "psk", Value: 2}, {Name: "x509", Value: 3},
		}},
		{"linux-6.12/rt_link.yaml", "vlan-protocols", []schema.EnumEntry{
			{Name: "8021q", Value: 0x8100}, {Name: "8021ad", Value: 0x88a8},
		}},
		{"linux-6.12/ovs_datapath.yaml", "user-features", []schema.EnumEntry{
			{Name: "unaligned", Value: 1}, {Name: "vport-pids", Value: 2},
			{Name: "tc-recirc-sharing", Value: 4}, {Name: "dispatch-upcall-per-cpu", Value: 8},
		}},
	}

	for _, tt := range tests {
		t.Run(tt.spec+"/"+tt.def, func(t *testing.T) {
			d := loadReference(t, tt.spec).Definition(tt.def)
			if d == nil {
				t.Fatalf("definition %q not found", tt.def)
			}

			if diff := cmp.Diff(tt.want, d.Entries); diff != "" {
				t.Errorf("entries mismatch (-want +got):\n%s", diff)
			}

			last := tt.want[len(tt.want)-1]
			if got := d.EntryByValue(last.Value); got == nil || got.Name != last.Name {
				t.Errorf("EntryByValue(%d) = %v, want %q", last.Value, got, last.Name)
			}
		})
	}
}

func TestNetlinkRawFamily(t *testing.T) {
	f := loadReference(t, "linux-6.12/rt_link.yaml")

	type summary struct {
		Protocol   schema.Protocol
		Protonum   int
		Model      schema.MsgIDModel
		HeaderSize int
		Format     string
	}

	got := summary{f.Protocol, f.Protonum, f.MsgIDModel, f.Op("getlink").FixedHeader().Size(), ""}
	data := f.AttrSet("linkinfo-attrs").ByName("data")
	if format := data.SubMessage().Format("vlan"); format != nil {
		got.Format = format.AttrSet().Name
	}

	// struct ifinfomsg is 16 bytes.
	want := summary{schema.ProtocolNetlinkRaw, 0, schema.MsgIDDirectional, 16, "linkinfo-vlan-attrs"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rt-link mismatch (-want +got):\n%s", diff)
	}

	if data.Selector != "kind" {
		t.Errorf("data selector = %q, want kind", data.Selector)
	}
}

func TestLegacyFamily(t *testing.T) {
	f := loadReference(t, "linux-6.12/ovs_datapath.yaml")

	if f.Version != 2 || f.Protocol != schema.ProtocolGenetlinkLegacy {
		t.Errorf("version %d, protocol %s, want 2 and genetlink-legacy", f.Version, f.Protocol)
	}

	if h := f.Op("get").FixedHeader(); h == nil || h.Name != "ovs-header" || h.Size() != 4 {
		t.Errorf("get fixed header = %v, want the 4-byte ovs-header", h)
	}
}

// ignoreIndexes makes cmp compare only the exported, serializable fields.
var ignoreIndexes = cmpopts.IgnoreUnexported(
	schema.Family{}, schema.Definition{}, schema.Member{}, schema.AttrSet{},
	schema.Attr{}, schema.Op{}, schema.SubMessage{}, schema.SubMessageFormat{},
)

func TestGobRoundTrip(t *testing.T) {
	for _, path := range referenceSpecs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, err := LoadFile(path)
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}

			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(want); err != nil {
				t.Fatalf("encode: %v", err)
			}

			var got schema.Family
			if err := gob.NewDecoder(&buf).Decode(&got); err != nil {
				t.Fatalf("decode: %v", err)
			}

			if err := got.Resolve(); err != nil {
				t.Fatalf("Resolve: %v", err)
			}

			if diff := cmp.Diff(want, &got, ignoreIndexes, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("family mismatch after gob round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// largestSpec returns the path of the largest reference family spec.
func largestSpec(b *testing.B) string {
	b.Helper()

	var largest string
	var size int64
	for _, p := range referenceSpecs(b) {
		info, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}

		if info.Size() > size {
			largest, size = p, info.Size()
		}
	}

	return largest
}

func BenchmarkLoad(b *testing.B) {
	path := largestSpec(b)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}

	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Load(path, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGobDecode measures the other way to get a Family: decoding a
// gob encoding of it and resolving it, as a built-in schema could.
func BenchmarkGobDecode(b *testing.B) {
	f, err := LoadFile(largestSpec(b))
	if err != nil {
		b.Fatal(err)
	}

	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(f); err != nil {
		b.Fatal(err)
	}

	data := buf.Bytes()
	b.SetBytes(int64(len(data)))

	for b.Loop() {
		var got schema.Family
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&got); err != nil {
			b.Fatal(err)
		}

		if err := got.Resolve(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolve measures Resolve alone on the largest reference spec:
// the cost of a built-in schema written as a Go literal.
func BenchmarkResolve(b *testing.B) {
	f, err := LoadFile(largestSpec(b))
	if err != nil {
		b.Fatal(err)
	}

	for b.Loop() {
		if err := f.Resolve(); err != nil {
			b.Fatal(err)
		}
	}
}
