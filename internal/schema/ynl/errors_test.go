package ynl

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadErrors(t *testing.T) {
	tests := []loadErrorCase{
		{
			name: "unknown attribute type",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - name: a
        type: u32
      - name: b
        type: u33
`,
			want: `bad.yaml:8: attribute-sets[0].attributes[1].type: unknown type "u33"; valid types are unused, pad, flag, binary, bitfield32, uint, sint, u8, u16, u32, u64, s8, s16, s32, s64, string, nest, indexed-array, nest-type-value, sub-message`,
		},
		{
			name: "duplicate attribute name",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: u32}
      - {name: a, type: u8}
`,
			want: `bad.yaml:6: attribute-sets[0].attributes[1]: duplicate attribute "a" in attribute set "main"`,
		},
		{
			name: "duplicate attribute number",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: u32, value: 4}
      - {name: b, type: u32, value: 4}
`,
			want: `bad.yaml:6: attribute-sets[0].attributes[1]: attribute "b" has the same number 4 as attribute "a"`,
		},
		{
			name: "attribute number too large",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: u32, value: 20000}
`,
			want: `bad.yaml:5: attribute-sets[0].attributes[0].value: value 20000 is out of range 0 to 16383`,
		},
		{
			name: "undefined nested set",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - name: a
        type: nest
        nested-attributes: missing
`,
			want: `bad.yaml:7: attribute-sets[0].attributes[0].nested-attributes: attribute set "missing" not found`,
		},
		{
			name: "undefined enum",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: u32, enum: colors}
`,
			want: `bad.yaml:5: attribute-sets[0].attributes[0].enum: enum or flags "colors" not found in definitions`,
		},
		{
			name: "struct reference to an enum",
			spec: `name: t
definitions:
  - {name: colors, type: enum, entries: [red]}
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: binary, struct: colors}
`,
			want: `bad.yaml:7: attribute-sets[0].attributes[0].struct: definition "colors" is a enum, expected struct`,
		},
		{
			name: "undefined sub-message",
			spec: `name: t
protocol: netlink-raw
attribute-sets:
  - name: main
    attributes:
      - {name: kind, type: string}
      - {name: data, type: sub-message, sub-message: nope, selector: kind}
`,
			want: `bad.yaml:7: attribute-sets[0].attributes[1].sub-message: sub-message "nope" not found`,
		},
		{
			name: "sub-message without selector",
			spec: `name: t
protocol: netlink-raw
sub-messages:
  - name: msg
    formats: [{value: a}]
attribute-sets:
  - name: main
    attributes:
      - {name: data, type: sub-message, sub-message: msg}
`,
			want: `bad.yaml:9: attribute-sets[0].attributes[0]: attribute "data": type sub-message needs the keys sub-message and selector`,
		},
		{
			name: "unknown top-level key",
			spec: `name: t
colour: blue
`,
			want: `bad.yaml:2: colour: unknown key "colour" for protocol genetlink; valid keys are name, doc, protocol, uapi-header, definitions, attribute-sets, operations, mcast-groups, kernel-family`,
		},
		{
			name: "key of another protocol",
			spec: `name: t
protonum: 0
`,
			want: `bad.yaml:2: protonum: unknown key "protonum" for protocol genetlink; valid keys are name, doc, protocol, uapi-header, definitions, attribute-sets, operations, mcast-groups, kernel-family`,
		},
		{
			name: "unknown protocol",
			spec: `name: t
protocol: genetlink-new
`,
			want: `bad.yaml:2: protocol: unknown protocol "genetlink-new"; valid protocols are genetlink, genetlink-c, genetlink-legacy, netlink-raw`,
		},
		{
			name: "missing name",
			spec: `doc: no name
`,
			want: `bad.yaml:1: missing key "name"`,
		},
		{
			name: "empty document",
			spec: ``,
			want: `bad.yaml: empty spec`,
		},
		{
			name: "not a mapping",
			spec: `- a
- b
`,
			want: `bad.yaml:1: expected a mapping, found a list`,
		},
		{
			name: "duplicate key",
			spec: `name: t
attribute-sets:
  - name: main
    name: other
    attributes: []
`,
			want: `bad.yaml:4: attribute-sets[0].name: duplicate key "name"`,
		},
		{
			name: "type is a list",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: [u32]}
`,
			want: `bad.yaml:5: attribute-sets[0].attributes[0].type: expected a string, found a list`,
		},
		{
			name: "missing type",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a}
`,
			want: `bad.yaml:5: attribute-sets[0].attributes[0]: attribute "a": missing key "type"`,
		},
		{
			name: "bad byte order",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: u16, byte-order: middle-endian}
`,
			want: `bad.yaml:5: attribute-sets[0].attributes[0].byte-order: unknown byte order "middle-endian"; valid values are little-endian, big-endian`,
		},
		{
			name: "bad display hint",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: binary, display-hint: ascii}
`,
			want: `bad.yaml:5: attribute-sets[0].attributes[0].display-hint: unknown display hint "ascii"; valid values are hex, mac, fddi, ipv4, ipv6, ipv4-or-v6, uuid`,
		},
		{
			name: "bad multi-attr",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - {name: a, type: u8, multi-attr: sometimes}
`,
			want: `bad.yaml:5: attribute-sets[0].attributes[0].multi-attr: expected true or false, found "sometimes"`,
		},
		{
			name: "undefined subset parent",
			spec: `name: t
attribute-sets:
  - name: sub
    subset-of: main
    attributes: [{name: a}]
`,
			want: `bad.yaml:4: attribute-sets[0].subset-of: attribute set "main" not found`,
		},
		{
			name: "subset attribute not in parent",
			spec: `name: t
attribute-sets:
  - name: main
    attributes: [{name: a, type: u8}]
  - name: sub
    subset-of: main
    attributes: [{name: b}]
`,
			want: `bad.yaml:7: attribute-sets[1].attributes[0]: attribute "b" not found in parent attribute set "main"`,
		},
		{
			name: "subset cycle",
			spec: `name: t
attribute-sets:
  - name: one
    subset-of: two
    attributes: [{name: a}]
  - name: two
    subset-of: one
    attributes: [{name: a}]
`,
			want: `bad.yaml:4: attribute-sets[0].subset-of: subset-of forms a cycle through attribute set "one"`,
		},
		{
			name: "subset value differs",
			spec: `name: t
attribute-sets:
  - name: main
    attributes: [{name: a, type: u8}]
  - name: sub
    subset-of: main
    attributes: [{name: a, value: 7}]
`,
			want: `bad.yaml:7: attribute-sets[1].attributes[0]: attribute "a": value 7 differs from 1 in parent attribute set "main"`,
		},
		{
			name: "duplicate attribute set",
			spec: `name: t
attribute-sets:
  - {name: main, attributes: []}
  - {name: main, attributes: []}
`,
			want: `bad.yaml:4: attribute-sets[1]: duplicate attribute set "main"`,
		},
		{
			name: "flags bit too large",
			spec: `name: t
definitions:
  - name: bits
    type: flags
    entries: [{name: high, value: 64}]
`,
			want: `bad.yaml:5: definitions[0].entries[0]: flags bit 64 is out of range 0 to 63`,
		},
		{
			name: "duplicate enum value",
			spec: `name: t
definitions:
  - name: colors
    type: enum
    entries: [red, {name: green, value: 0}]
`,
			want: `bad.yaml:5: definitions[0].entries[1]: entry "green" has the same value 0 as entry "red"`,
		},
		{
			name: "unknown definition type",
			spec: `name: t
definitions:
  - {name: x, type: union}
`,
			want: `bad.yaml:3: definitions[0].type: unknown definition type "union"; valid types are const, enum, flags, struct`,
		},
		{
			name: "binary member without len",
			spec: `name: t
definitions:
  - name: hdr
    type: struct
    members: [{name: addr, type: binary}]
`,
			want: `bad.yaml:5: definitions[0].members[0]: member "addr" of type binary needs a len or a struct`,
		},
		{
			name: "member of type nest",
			spec: `name: t
definitions:
  - name: hdr
    type: struct
    members: [{name: inner, type: nest}]
`,
			want: `bad.yaml:5: definitions[0].members[0].type: type "nest" is not allowed here; valid types are pad, binary, u8, u16, u32, u64, s8, s16, s32, s64, string`,
		},
		{
			name: "len names a missing const",
			spec: `name: t
attribute-sets:
  - name: main
    attributes:
      - name: a
        type: string
        checks: {max-len: name-max - 1}
`,
			want: `bad.yaml:7: attribute-sets[0].attributes[0].checks.max-len: const "name-max" not found`,
		},
		{
			name: "op value too large for genetlink",
			spec: `name: t
operations:
  list:
    - {name: big, value: 300}
`,
			want: `bad.yaml:4: operations.list[0].value: value 300 is out of range 0 to 255`,
		},
		{
			name: "undefined multicast group",
			spec: `name: t
operations:
  list:
    - {name: ntf, event: {attributes: []}, mcgrp: events}
`,
			want: `bad.yaml:4: operations.list[0].mcgrp: multicast group "events" not found in mcast-groups`,
		},
		{
			name: "notify of a missing op",
			spec: `name: t
operations:
  list:
    - {name: ntf, notify: get}
`,
			want: `bad.yaml:4: operations.list[0].notify: op "get" not found`,
		},
		{
			name: "undefined op attribute set",
			spec: `name: t
operations:
  list:
    - {name: get, attribute-set: main}
`,
			want: `bad.yaml:4: operations.list[0].attribute-set: attribute set "main" not found`,
		},
		{
			name: "duplicate op",
			spec: `name: t
operations:
  list:
    - {name: get}
    - {name: get}
`,
			want: `bad.yaml:5: operations.list[1]: duplicate op "get"`,
		},
		{
			name: "unified duplicate op value",
			spec: `name: t
operations:
  list:
    - {name: get, value: 2}
    - {name: set, value: 2}
`,
			want: `bad.yaml:5: operations.list[1]: op "set": value 2 is already used by op "get"`,
		},
		{
			name: "directional op without variants",
			spec: `name: t
protocol: genetlink-legacy
operations:
  enum-model: directional
  list:
    - {name: get}
`,
			want: `bad.yaml:6: operations.list[0]: op "get" has none of do, dump, notify and event, which the directional enum-model needs`,
		},
		{
			name: "bad op flag",
			spec: `name: t
operations:
  list:
    - {name: get, flags: [root-only]}
`,
			want: `bad.yaml:4: operations.list[0].flags[0]: unknown value "root-only"; valid values are admin-perm, uns-admin-perm`,
		},
		{
			name: "version zero",
			spec: `name: t
protocol: genetlink-legacy
version: 0
`,
			want: `bad.yaml:3: version: version must be at least 1`,
		},
		{
			name: "directional duplicate request value",
			spec: `name: t
protocol: genetlink-legacy
operations:
  enum-model: directional
  list:
    - {name: get, do: {request: {value: 4}}}
    - {name: set, do: {request: {value: 4}}}
`,
			want: `bad.yaml:7: operations.list[1]: op "set": request value 4 is already used by op "get"`,
		},
		{
			name: "struct cycle",
			spec: `name: t
protocol: netlink-raw
definitions:
  - {name: a, type: struct, members: [{name: m, type: binary, struct: b}]}
  - {name: b, type: struct, members: [{name: m, type: binary, struct: a}]}
`,
			want: `bad.yaml: struct "a" contains itself`,
		},
		{
			name: "invalid YAML",
			spec: "name: t\n  bad: [\n",
			want: `bad.yaml: invalid YAML: yaml: line 2: mapping values are not allowed in this context`,
		},
	}

	checkLoadErrors(t, tests)
}

// loadErrorCase is a spec that must fail to load, as bad.yaml, with the
// error want.
type loadErrorCase struct {
	name string
	spec string
	want string
}

// checkLoadErrors loads each case's spec and compares the error.
func checkLoadErrors(t *testing.T, tests []loadErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("bad.yaml", []byte(tt.spec))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}

			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	spec := "name: t\nattribute-sets:\n  - name: main\n    attributes:\n      - {name: a, type: u33}\n"

	_, err := Load("x.yaml", []byte(spec))

	var got *Error
	if !errors.As(err, &got) {
		t.Fatalf("error %v is a %T, want *Error", err, err)
	}

	want := &Error{File: "x.yaml", Line: 5, Column: 25, Path: "attribute-sets[0].attributes[0].type"}
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Err" }, cmp.Ignore())); diff != "" {
		t.Errorf("Error fields mismatch (-want +got):\n%s", diff)
	}
}
