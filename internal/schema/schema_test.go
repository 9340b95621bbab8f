package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testFamily returns a small resolvable family built by hand, as a
// built-in schema would be.
func testFamily() *Family {
	return &Family{
		Name:       "test",
		Protocol:   ProtocolGenetlink,
		Version:    1,
		MsgIDModel: MsgIDUnified,
		Definitions: []Definition{
			{Name: "state", Kind: KindEnum, Entries: []EnumEntry{{"down", 0}, {"up", 1}}},
			{Name: "inner", Kind: KindStruct, Members: []Member{{Name: "a", Type: TypeU16}, {Name: "b", Type: TypePad, Len: 2}}},
			{Name: "outer", Kind: KindStruct, Members: []Member{{Name: "x", Type: TypeU64}, {Name: "in", Type: TypeBinary, StructName: "inner"}}},
		},
		AttrSets: []AttrSet{
			{Name: "dev", Attrs: []Attr{
				{Name: "ifindex", Number: 1, Type: TypeU32},
				{Name: "state", Number: 2, Type: TypeU8, EnumName: "state"},
				{Name: "child", Number: 3, Type: TypeNest, NestedName: "dev"},
			}},
			{Name: "sparse", Attrs: []Attr{
				{Name: "low", Number: 1, Type: TypeFlag},
				{Name: "high", Number: MaxAttrNumber, Type: TypeFlag},
			}},
		},
		Ops: []Op{
			{Name: "get", RequestValue: 1, ReplyValue: 1, HasRequest: true, HasReply: true, AttrSetName: "dev",
				Do: &OpMode{RequestValue: 1, ReplyValue: 1, Reply: &OpMessage{Attrs: []string{"ifindex"}}}},
			{Name: "ntf", ReplyValue: 2, HasReply: true, NotifyName: "get", McastGroupName: "mgmt"},
		},
		McastGroups: []McastGroup{{Name: "mgmt"}},
	}
}

func TestResolveLookups(t *testing.T) {
	f := testFamily()
	if err := f.Resolve(); err != nil {
		t.Fatalf("Resolve: %v", err)
	}

	dev := f.AttrSet("dev")
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"attribute by number", dev.ByNumber(2).Name, "state"},
		{"attribute by name", dev.ByName("child").Number, uint16(3)},
		{"missing number", dev.ByNumber(9) == nil, true},
		{"nested set", dev.ByName("child").Nested() == dev, true},
		{"enum", dev.ByName("state").Enum().EntryByValue(1).Name, "up"},
		{"enum entry by name", f.Definition("state").Entry("down").Value, uint64(0)},
		{"sparse high number", f.AttrSet("sparse").ByNumber(MaxAttrNumber).Name, "high"},
		{"sparse missing number", f.AttrSet("sparse").ByNumber(2) == nil, true},
		{"struct size", f.Definition("outer").Size(), 12},
		{"member struct", f.Definition("outer").Members[1].Struct() == f.Definition("inner"), true},
		{"op by request", f.OpByRequest(1).Name, "get"},
		{"notification by reply", f.OpByReply(2).Name, "ntf"},
		{"notification set", f.Op("ntf").AttrSet() == dev, true},
		{"notification reply", f.Op("ntf").ReplyAttrs(), []string{"ifindex"}},
		{"multicast group", f.Op("ntf").McastGroup() == f.McastGroup("mgmt"), true},
		{"no fixed header", f.FixedHeader() == nil, true},
		{"missing op", f.Op("set") == nil, true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Family)
		want   string
	}{
		{"missing nested set", func(f *Family) { f.AttrSets[0].Attrs[2].NestedName = "nope" },
			`attribute set "dev": attribute "child": nested-attributes: attribute set "nope" not found`},
		{"enum is a struct", func(f *Family) { f.AttrSets[0].Attrs[1].EnumName = "inner" },
			`attribute set "dev": attribute "state": definition "inner" is a struct, not an enum or flags`},
		{"duplicate number", func(f *Family) { f.AttrSets[0].Attrs[1].Number = 1 },
			`attribute set "dev": attributes "ifindex" and "state" have the same number 1`},
		{"duplicate set", func(f *Family) { f.AttrSets[1].Name = "dev" },
			`duplicate attribute set dev`},
		{"number too large", func(f *Family) { f.AttrSets[1].Attrs[1].Number = MaxAttrNumber + 1 },
			`attribute set "sparse": attribute "high": number 16384 is above 16383`},
		{"struct cycle", func(f *Family) {
			f.Definitions[1].Members[0] = Member{Name: "a", Type: TypeBinary, StructName: "outer"}
		},
			`struct "inner" contains itself`},
		{"struct too large", func(f *Family) { f.Definitions[1].Members[1].Len = MaxStructSize },
			`struct "inner" is larger than 65535 bytes`},
		{"flags value not a bit", func(f *Family) { f.Definitions[0].Kind = KindFlags },
			`definition "state": flags entry "down": value 0x0 is not a single bit`},
		{"notify of a notification", func(f *Family) { f.Ops[0].NotifyName = "ntf" },
			`op "get": notify: op "ntf" is itself a notification`},
		{"duplicate unified value", func(f *Family) { f.Ops[1].ReplyValue = 1 },
			`op "ntf": value 1 is already used by op "get"`},
		{"missing group", func(f *Family) { f.Ops[1].McastGroupName = "all" },
			`op "ntf": mcgrp: multicast group "all" not found`},
		{"missing fixed header", func(f *Family) { f.FixedHeaderName = "hdr" },
			`op "get": fixed-header: struct "hdr" not found`},
		{"sub-message without definition", func(f *Family) { f.AttrSets[0].Attrs[0] = Attr{Name: "d", Number: 1, Type: TypeSubMessage} },
			`attribute set "dev": attribute "d": type sub-message needs both sub-message and selector`},
		{"type missing", func(f *Family) { f.AttrSets[0].Attrs[0].Type = TypeNone },
			`attribute set "dev": attribute "ifindex": invalid type 0`},
		{"member type nest", func(f *Family) { f.Definitions[1].Members[0].Type = TypeNest },
			`definition "inner": member "a": type nest is not allowed in a struct`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := testFamily()
			tt.change(f)

			err := f.Resolve()
			if err == nil {
				t.Fatal("Resolve succeeded, want an error")
			}

			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}

			if f.AttrSet("dev") != nil {
				t.Error("lookups still work after a failed Resolve, want none")
			}
		})
	}
}

func TestUnresolvedFamily(t *testing.T) {
	var f Family
	if f.AttrSet("x") != nil || f.Op("x") != nil || f.OpByRequest(1) != nil || f.Definition("x") != nil {
		t.Error("lookups on an unresolved family returned something, want nil")
	}
}

func TestTypeNames(t *testing.T) {
	for _, name := range TypeNames() {
		typ, ok := ParseType(name)
		if !ok || typ.String() != name {
			t.Errorf("ParseType(%q) = %v, %v; want the type named %q", name, typ, ok, name)
		}
	}

	if _, ok := ParseType(""); ok {
		t.Error(`ParseType("") succeeded, want false`)
	}

	if got := Type(200).String(); got != "type(200)" {
		t.Errorf("Type(200).String() = %q, want type(200)", got)
	}
}

func TestTypeProperties(t *testing.T) {
	type props struct {
		Size              int
		Integer, IsSigned bool
	}

	tests := []struct {
		typ  Type
		want props
	}{
		{TypeU8, props{1, true, false}},
		{TypeS16, props{2, true, true}},
		{TypeU32, props{4, true, false}},
		{TypeS64, props{8, true, true}},
		{TypeUint, props{0, true, false}},
		{TypeSint, props{0, true, true}},
		{TypeBitfield32, props{8, false, false}},
		{TypeString, props{0, false, false}},
	}

	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			got := props{tt.typ.Size(), tt.typ.IsInteger(), tt.typ.IsSigned()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("properties mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseEnums(t *testing.T) {
	for _, h := range DisplayHintNames() {
		if got, ok := ParseDisplayHint(h); !ok || got.String() != h {
			t.Errorf("ParseDisplayHint(%q) = %v, %v", h, got, ok)
		}
	}

	for _, p := range []Protocol{ProtocolGenetlink, ProtocolGenetlinkC, ProtocolGenetlinkLegacy, ProtocolNetlinkRaw} {
		if got, ok := ParseProtocol(p.String()); !ok || got != p {
			t.Errorf("ParseProtocol(%q) = %v, %v", p.String(), got, ok)
		}
	}

	for k := KindConst; k <= KindStruct; k++ {
		if got, ok := ParseDefinitionKind(k.String()); !ok || got != k {
			t.Errorf("ParseDefinitionKind(%q) = %v, %v", k.String(), got, ok)
		}
	}

	if got, ok := ParseByteOrder("big-endian"); !ok || got != ByteOrderBigEndian {
		t.Errorf(`ParseByteOrder("big-endian") = %v, %v`, got, ok)
	}
}
