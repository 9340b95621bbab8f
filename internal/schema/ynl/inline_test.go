package ynl

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nlctl/nlctl/internal/schema"
)

// legacySpec exercises numbering, definitions, checks, subsets and
// directional ops in one small genetlink-legacy family.
const legacySpec = `%YAML 1.2
---
name: demo
protocol: genetlink-legacy
version: 3
c-family-name: DEMO_NAME
doc: A family for tests.
definitions:
  - {name: name-max, type: const, value: 16}
  - {name: label, type: const, value: hello}
  - name: mode
    type: enum
    value-start: name-max
    entries: [off, {name: on, value: 20}, auto]
  - name: caps
    type: flags
    entries: [a, {name: c, value: 2}, d]
  - name: addr
    type: struct
    members:
      - {name: family, type: u8}
      - {name: pad, type: pad, len: 3}
      - {name: port, type: u16, byte-order: big-endian}
      - {name: mac, type: binary, len: 6, display-hint: mac}
  - name: hdr
    type: struct
    members:
      - {name: ifindex, type: u32}
      - {name: peer, type: binary, struct: addr}
attribute-sets:
  - name: main
    name-prefix: demo-a-
    attributes:
      - {name: unspec, type: unused, value: 0}
      - name: ifname
        type: string
        checks: {max-len: name-max - 1, unterminated-ok: true}
      - {name: mode, type: u32, enum: mode, checks: {min: 0, max: u8-max}}
      - {name: caps, type: u64, enum: caps, enum-as-flags: true, value: 10}
      - {name: list, type: indexed-array, sub-type: nest, nested-attributes: main}
      - {name: delta, type: s32, checks: {min: s8-min, max: -1}}
      - {name: peer, type: binary, struct: addr, future-key: 1}
      - {name: stats, type: nest-type-value, type-value: [id], nested-attributes: main}
      - {name: big, type: uint, checks: {max: u64-max}}
  - name: small
    subset-of: main
    attributes:
      - name: ifname
      - {name: caps, multi-attr: true}
operations:
  enum-model: directional
  fixed-header: hdr
  list:
    - name: get
      attribute-set: main
      flags: [admin-perm]
      dont-validate: [strict]
      do:
        request: {attributes: &key [ifname, caps]}
        reply: {attributes: [ifname, mode]}
      dump:
        request: {attributes: *key}
        reply:
    - name: set
      attribute-set: main
      do: {request: {value: 7, attributes: [mode]}}
    - {name: change-ntf, notify: get, mcgrp: events}
    - {name: alarm, attribute-set: small, event: {attributes: [caps]}, mcgrp: events, value: 9}
    - {name: watch, attribute-set: main, dump: {request: {attributes: []}, reply: {attributes: [mode]}}}
mcast-groups:
  list:
    - {name: events, c-define-name: DEMO_EVENTS}
`

// legacyWant is the family that legacySpec describes.
func legacyWant() *schema.Family {
	mainAttrs := []schema.Attr{
		{Name: "unspec", Number: 0, Type: schema.TypeUnused},
		{Name: "ifname", Number: 1, Type: schema.TypeString, Checks: schema.Checks{MaxLen: 15, UnterminatedOK: true}},
		{Name: "mode", Number: 2, Type: schema.TypeU32, EnumName: "mode", Checks: schema.Checks{
			Min: schema.Limit{Set: true}, Max: schema.Limit{Set: true, Uint: 255},
		}},
		{Name: "caps", Number: 10, Type: schema.TypeU64, EnumName: "caps", EnumAsFlags: true},
		{Name: "list", Number: 11, Type: schema.TypeIndexedArray, SubType: schema.TypeNest, NestedName: "main"},
		{Name: "delta", Number: 12, Type: schema.TypeS32, Checks: schema.Checks{
			Min: schema.Limit{Set: true, Signed: true, Int: -128}, Max: schema.Limit{Set: true, Signed: true, Int: -1},
		}},
		{Name: "peer", Number: 13, Type: schema.TypeBinary, StructName: "addr"},
		{Name: "stats", Number: 14, Type: schema.TypeNestTypeValue, TypeValue: []string{"id"}, NestedName: "main"},
		{Name: "big", Number: 15, Type: schema.TypeUint, Checks: schema.Checks{Max: schema.Limit{Set: true, Uint: math.MaxUint64}}},
	}

	smallCaps := mainAttrs[3]
	smallCaps.MultiAttr = true

	return &schema.Family{
		Name:            "demo",
		Protocol:        schema.ProtocolGenetlinkLegacy,
		Version:         3,
		MsgIDModel:      schema.MsgIDDirectional,
		FixedHeaderName: "hdr",
		Definitions: []schema.Definition{
			{Name: "name-max", Kind: schema.KindConst, Value: 16},
			{Name: "label", Kind: schema.KindConst, StringValue: "hello"},
			{Name: "mode", Kind: schema.KindEnum, Entries: []schema.EnumEntry{{Name: "off", Value: 16}, {Name: "on", Value: 20}, {Name: "auto", Value: 21}}},
			{Name: "caps", Kind: schema.KindFlags, Entries: []schema.EnumEntry{{Name: "a", Value: 1}, {Name: "c", Value: 4}, {Name: "d", Value: 8}}},
			{Name: "addr", Kind: schema.KindStruct, Members: []schema.Member{
				{Name: "family", Type: schema.TypeU8},
				{Name: "pad", Type: schema.TypePad, Len: 3},
				{Name: "port", Type: schema.TypeU16, ByteOrder: schema.ByteOrderBigEndian},
				{Name: "mac", Type: schema.TypeBinary, Len: 6, DisplayHint: schema.DisplayMAC},
			}},
			{Name: "hdr", Kind: schema.KindStruct, Members: []schema.Member{
				{Name: "ifindex", Type: schema.TypeU32},
				{Name: "peer", Type: schema.TypeBinary, StructName: "addr"},
			}},
		},
		AttrSets: []schema.AttrSet{
			{Name: "main", Attrs: mainAttrs},
			{Name: "small", SubsetOfName: "main", Attrs: []schema.Attr{mainAttrs[1], smallCaps}},
		},
		Ops: []schema.Op{
			{
				Name: "get", RequestValue: 1, ReplyValue: 1, HasRequest: true, HasReply: true,
				AttrSetName: "main", Flags: []string{"admin-perm"}, DontValidate: []string{"strict"},
				Do: &schema.OpMode{
					RequestValue: 1, ReplyValue: 1,
					Request: &schema.OpMessage{Attrs: []string{"ifname", "caps"}},
					Reply:   &schema.OpMessage{Attrs: []string{"ifname", "mode"}},
				},
				Dump: &schema.OpMode{
					RequestValue: 1, ReplyValue: 1,
					Request: &schema.OpMessage{Attrs: []string{"ifname", "caps"}},
					Reply:   &schema.OpMessage{},
				},
			},
			{
				Name: "set", RequestValue: 7, HasRequest: true, AttrSetName: "main",
				Do: &schema.OpMode{RequestValue: 7, ReplyValue: 2, Request: &schema.OpMessage{Attrs: []string{"mode"}}},
			},
			{Name: "change-ntf", ReplyValue: 2, HasReply: true, AttrSetName: "main", NotifyName: "get", McastGroupName: "events"},
			{
				Name: "alarm", ReplyValue: 9, HasReply: true, AttrSetName: "small",
				Event: &schema.OpMessage{Attrs: []string{"caps"}}, McastGroupName: "events",
			},
			{
				Name: "watch", RequestValue: 8, ReplyValue: 10, HasRequest: true, HasReply: true, AttrSetName: "main",
				Dump: &schema.OpMode{RequestValue: 8, ReplyValue: 10, Request: &schema.OpMessage{}, Reply: &schema.OpMessage{Attrs: []string{"mode"}}},
			},
		},
		McastGroups: []schema.McastGroup{{Name: "events"}},
		Source:      schema.Source{Kind: schema.SourceFile, Path: "demo.yaml"},
		Warnings:    []string{`demo.yaml:42: attribute-sets[0].attributes[6].future-key: unknown key ignored`},
	}
}

func TestLoadLegacySpec(t *testing.T) {
	got, err := Load("demo.yaml", []byte(legacySpec))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	if diff := cmp.Diff(legacyWant(), got, ignoreIndexes, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("family mismatch (-want +got):\n%s", diff)
	}
}

func TestLegacyLookups(t *testing.T) {
	f, err := Load("demo.yaml", []byte(legacySpec))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	// hdr is a u32 followed by addr: u8, 3 bytes of padding, u16, 6 bytes.
	if got := f.FixedHeader().Size(); got != 16 {
		t.Errorf("hdr size = %d, want 16", got)
	}

	if got := f.Op("set").FixedHeader(); got != f.Definition("hdr") {
		t.Errorf("set fixed header = %v, want the family's hdr", got)
	}

	caps := f.AttrSet("main").ByNumber(10)
	if caps == nil || caps.Enum() != f.Definition("caps") {
		t.Fatalf("attribute 10 = %v, want caps linked to its flags", caps)
	}

	if got := caps.Enum().EntryByValue(4); got == nil || got.Name != "c" {
		t.Errorf("caps entry 4 = %v, want c", got)
	}

	if got := f.AttrSet("main").ByNumber(13).Struct(); got != f.Definition("addr") {
		t.Errorf("peer struct = %v, want addr", got)
	}

	if got := f.OpByReply(2); got == nil || got.Name != "change-ntf" {
		t.Errorf("OpByReply(2) = %v, want change-ntf", got)
	}

	if got := f.Op("change-ntf").ReplyAttrs(); !cmp.Equal(got, []string{"ifname", "mode"}) {
		t.Errorf("change-ntf ReplyAttrs() = %q, want the reply of get", got)
	}
}

// rawSpec is a small netlink-raw family with a sub-message.
const rawSpec = `name: raw
protocol: netlink-raw
protonum: 0
definitions:
  - name: msg
    type: struct
    members: [{name: family, type: u8}, {name: pad, type: pad, len: 3}]
  - name: vlan-hdr
    type: struct
    members: [{name: id, type: u16}]
attribute-sets:
  - name: top
    attributes:
      - {name: kind, type: string}
      - {name: data, type: sub-message, sub-message: data-msg, selector: kind}
  - name: vlan
    attributes: [{name: id, type: u16}]
sub-messages:
  - name: data-msg
    formats:
      - {value: vlan, attribute-set: vlan}
      - {value: raw, fixed-header: vlan-hdr}
operations:
  enum-model: directional
  list:
    - name: get
      attribute-set: top
      fixed-header: msg
      do:
        request: {value: 0x1a, attributes: [family, kind]}
        reply: {value: 24, attributes: [kind, data]}
mcast-groups:
  list:
    - {name: rtnlgrp-link, value: 1}
`

func TestLoadRawSpec(t *testing.T) {
	f, err := Load("raw.yaml", []byte(rawSpec))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	type summary struct {
		Protocol    schema.Protocol
		Request     uint16
		Reply       uint16
		HeaderSize  int
		VlanSet     string
		RawHeader   string
		GroupValue  uint32
		WarningsLen int
	}

	sub := f.AttrSet("top").ByName("data").SubMessage()
	got := summary{
		Protocol:    f.Protocol,
		Request:     f.Op("get").RequestValue,
		Reply:       f.Op("get").ReplyValue,
		HeaderSize:  f.Op("get").FixedHeader().Size(),
		VlanSet:     sub.Format("vlan").AttrSet().Name,
		RawHeader:   sub.Format("raw").FixedHeader().Name,
		GroupValue:  f.McastGroup("rtnlgrp-link").Value,
		WarningsLen: len(f.Warnings),
	}

	want := summary{schema.ProtocolNetlinkRaw, 26, 24, 4, "vlan", "vlan-hdr", 1, 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("raw family mismatch (-want +got):\n%s", diff)
	}

	if sub.Format("none") != nil {
		t.Error(`Format("none") found a format, want nil`)
	}
}

func TestUnifiedNumbering(t *testing.T) {
	spec := `name: u
attribute-sets: [{name: s, attributes: [{name: a, type: flag}]}]
operations:
  list:
    - {name: unspec}
    - {name: get, attribute-set: s, do: {request: {attributes: [a]}}}
    - {name: set, value: 10, attribute-set: s, do: {request: {attributes: [a]}}}
    - {name: ntf, notify: get}
`

	f, err := Load("u.yaml", []byte(spec))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	want := []opValues{{1, 1, true, true}, {2, 2, true, true}, {10, 10, true, true}, {0, 11, false, true}}
	var got []opValues
	for _, name := range []string{"unspec", "get", "set", "ntf"} {
		got = append(got, valuesOf(t, f, name))
	}

	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("op values mismatch (-want +got):\n%s", diff)
	}
}

func TestWarnings(t *testing.T) {
	spec := `name: w
protocol: netlink-raw
definitions:
  - {name: hdr, type: struct, members: [{name: family, type: u8}]}
attribute-sets:
  - name: s
    render-later: true
    attributes: [{name: a, type: u8}]
operations:
  fixed-header: hdr
  list:
    - {name: get, attribute-set: s, do: {request: {attributes: [family, a, b]}}}
`

	f, err := Load("w.yaml", []byte(spec))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	want := []string{
		`w.yaml:7: attribute-sets[0].render-later: unknown key ignored`,
		`w.yaml:12: operations.list[0].do.request.attributes[2]: attribute "b" is neither in attribute set "s" nor in the fixed header`,
	}
	if diff := cmp.Diff(want, f.Warnings); diff != "" {
		t.Errorf("warnings mismatch (-want +got):\n%s", diff)
	}
}
