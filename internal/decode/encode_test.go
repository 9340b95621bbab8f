package decode_test

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/schema/ynl"
	"github.com/nlctl/nlctl/internal/wire"
)

// encSpec has one request attribute of every type and variant the
// encoder handles. Op set (command 1) sends the main set, and op hdr-set
// (command 2) puts a fixed header before the attributes.
const encSpec = `
name: encdemo
protocol: genetlink-legacy
definitions:
  - {name: color, type: enum, entries: [red, green, blue]}
  - {name: caps, type: flags, entries: [a, b, c]}
  - {name: bits, type: enum, entries: [x, y, z]}
  - name: pair
    type: struct
    members:
      - {name: a, type: u8}
      - {name: pad, type: pad, len: 1}
      - {name: b, type: u16, byte-order: big-endian}
      - {name: c, type: s32}
  - name: hdr
    type: struct
    members:
      - {name: ifindex, type: u32}
      - {name: label, type: string, len: 4}
      - {name: color, type: u8, enum: color}
      - {name: pad, type: pad, len: 3}
attribute-sets:
  - name: main
    attributes:
      - {name: e-u8, type: u8, value: 1}
      - {name: e-u16, type: u16, value: 2}
      - {name: e-u32, type: u32, value: 3}
      - {name: e-u64, type: u64, value: 4}
      - {name: e-s8, type: s8, value: 5}
      - {name: e-s16, type: s16, value: 6}
      - {name: e-s32, type: s32, value: 7}
      - {name: e-s64, type: s64, value: 8}
      - {name: e-uint, type: uint, value: 9}
      - {name: e-sint, type: sint, value: 10}
      - {name: e-string, type: string, value: 11, checks: {max-len: 8}}
      - {name: e-binary, type: binary, value: 12}
      - {name: e-mac, type: binary, display-hint: mac, value: 13}
      - {name: e-ipv4, type: binary, display-hint: ipv4, value: 14}
      - {name: e-ipv6, type: binary, display-hint: ipv6, value: 15}
      - {name: e-ip, type: binary, display-hint: ipv4-or-v6, value: 16}
      - {name: e-uuid, type: binary, display-hint: uuid, value: 17}
      - {name: e-flag, type: flag, value: 18}
      - {name: e-nest, type: nest, nested-attributes: inner, value: 19}
      - {name: e-array, type: indexed-array, sub-type: u32, value: 20}
      - {name: e-array-nest, type: indexed-array, sub-type: nest, nested-attributes: inner, value: 21}
      - {name: e-ntv, type: nest-type-value, type-value: [queue-id], nested-attributes: inner, value: 22}
      - {name: e-ntv2, type: nest-type-value, type-value: [table-id, entry-id], nested-attributes: inner, value: 23}
      - {name: e-bitfield, type: bitfield32, value: 24}
      - {name: e-bitfield-caps, type: bitfield32, enum: caps, value: 25}
      - {name: e-pad, type: pad, value: 26}
      - {name: e-struct, type: binary, struct: pair, value: 27}
      - {name: e-u16-array, type: binary, sub-type: u16, value: 28}
      - {name: e-enum, type: u32, enum: color, value: 29}
      - {name: e-flags, type: u32, enum: caps, value: 30}
      - {name: e-enum-flags, type: u64, enum: bits, enum-as-flags: true, value: 31}
      - {name: e-be16, type: u16, byte-order: big-endian, value: 32}
      - {name: e-addr4, type: u32, byte-order: big-endian, display-hint: ipv4, value: 33}
      - {name: e-hex-u32, type: u32, display-hint: hex, value: 34}
      - {name: e-multi, type: u32, multi-attr: true, value: 35}
      - {name: e-le32, type: u32, byte-order: little-endian, value: 36}
      - {name: e-exact, type: binary, value: 37, checks: {exact-len: 4}}
      - {name: e-range, type: u16, value: 38, checks: {min: 10, max: 20}}
      - {name: e-min, type: u32, value: 39, checks: {min: 1}}
      - {name: e-srange, type: s8, value: 40, checks: {min: -5, max: 5}}
      - {name: e-multi-nest, type: nest, nested-attributes: inner, multi-attr: true, value: 41}
      - {name: e-unused, type: unused, value: 42}
  - name: inner
    attributes:
      - {name: id, type: u32, value: 1}
      - {name: name, type: string, value: 2}
      - {name: inner, type: nest, nested-attributes: inner, value: 3}
operations:
  list:
    - name: set
      value: 1
      attribute-set: main
      do:
        request: {attributes: [e-u8]}
        reply: {attributes: [e-u8]}
    - name: hdr-set
      value: 2
      attribute-set: main
      fixed-header: hdr
      do:
        request: {attributes: [e-u8]}
        reply: {attributes: [e-u8]}
`

// encSubSpec has a sub-message, which the YNL format allows only in
// netlink-raw specs.
const encSubSpec = `
name: encraw
protocol: netlink-raw
protonum: 0
definitions:
  - name: pair
    type: struct
    members:
      - {name: a, type: u8}
      - {name: pad, type: pad, len: 1}
      - {name: b, type: u16, byte-order: big-endian}
      - {name: c, type: s32}
attribute-sets:
  - name: link
    attributes:
      - {name: kind, type: string, value: 1}
      - {name: data, type: sub-message, sub-message: link-data, selector: kind, value: 2}
  - name: vlan-attrs
    attributes:
      - {name: id, type: u16, value: 1}
sub-messages:
  - name: link-data
    formats:
      - {value: vlan, attribute-set: vlan-attrs}
      - {value: hdr, fixed-header: pair, attribute-set: vlan-attrs}
operations:
  list:
    - name: link-set
      value: 3
      attribute-set: link
      do:
        request: {attributes: [kind, data]}
        reply: {attributes: [kind, data]}
`

// Attribute numbers of encSpec's main set.
const (
	eU8 = iota + 1
	eU16
	eU32
	eU64
	eS8
	eS16
	eS32
	eS64
	eUint
	eSint
	eString
	eBinary
	eMAC
	eIPv4
	eIPv6
	eIP
	eUUID
	eFlag
	eNest
	eArray
	eArrayNest
	eNTV
	eNTV2
	eBitfield
	eBitfieldCaps
	ePad
	eStruct
	eU16Array
	eEnum
	eFlags
	eEnumFlags
	eBE16
	eAddr4
	eHexU32
	eMulti
	eLE32
	eExact
	eRange
	eMin
	eSRange
	eMultiNest
)

// encPart appends one attribute with wire.AttrEncoder, the reference for
// expected bytes. put and nested make parts, and encoded joins them.
type encPart func(e *wire.AttrEncoder)

func put(typ uint16, value []byte) encPart {
	return func(e *wire.AttrEncoder) { e.Put(typ, value) }
}

func nested(typ uint16, parts ...encPart) encPart {
	return func(e *wire.AttrEncoder) {
		e.Nest(typ)
		for _, p := range parts {
			p(e)
		}
		e.End()
	}
}

func encoded(parts ...encPart) []byte {
	var e wire.AttrEncoder
	for _, p := range parts {
		p(&e)
	}

	return e.Bytes()
}

func s64b(v int64) []byte { return binary.NativeEndian.AppendUint64(nil, uint64(v)) }

// encSpecs loads encSpec and encSubSpec: ops set and hdr-set come from
// the first, link-set from the second.
func encSpecs(t *testing.T, op string) *schema.Family {
	t.Helper()
	if op == "link-set" {
		return loadSpec(t, "encraw.yaml", encSubSpec)
	}

	return loadSpec(t, "encdemo.yaml", encSpec)
}

// encodeJSON encodes the JSON request doc for op of fam.
func encodeJSON(t *testing.T, fam *schema.Family, op, doc string) ([]byte, error) {
	t.Helper()
	v, err := decode.ParseJSON([]byte(doc))
	if err != nil {
		t.Fatalf("ParseJSON(%s): %v", doc, err)
	}
	obj, ok := v.(*decode.Object)
	if !ok {
		t.Fatalf("ParseJSON(%s) returned %T, want an object", doc, v)
	}
	o := fam.Op(op)
	if o == nil {
		t.Fatalf("family %s has no op %s", fam.Name, op)
	}

	return (&decode.Encoder{Family: fam}).Message(o, obj)
}

func TestEncodeTypes(t *testing.T) {
	fam := loadSpec(t, "encdemo.yaml", encSpec)
	cases := []struct {
		name string
		doc  string
		want []byte
	}{
		{"u8", `{"e-u8": 255}`, encoded(put(eU8, []byte{255}))},
		{"u8 from a string", `{"e-u8": "0x10"}`, encoded(put(eU8, []byte{16}))},
		{"u16", `{"e-u16": 65535}`, encoded(put(eU16, u16(65535)))},
		{"u32", `{"e-u32": 4294967295}`, encoded(put(eU32, u32(4294967295)))},
		{"u64 max keeps every digit", `{"e-u64": 18446744073709551615}`, encoded(put(eU64, u64(1<<64-1)))},
		{"u64 above 2^53 keeps every digit", `{"e-u64": 9007199254740993}`, encoded(put(eU64, u64(1<<53+1)))},
		{"s8", `{"e-s8": -128}`, encoded(put(eS8, []byte{0x80}))},
		{"s16", `{"e-s16": -2}`, encoded(put(eS16, u16(0xfffe)))},
		{"s32", `{"e-s32": -2147483648}`, encoded(put(eS32, u32(0x80000000)))},
		{"s64 min", `{"e-s64": -9223372036854775808}`, encoded(put(eS64, s64b(-1<<63)))},
		{"uint that fits 4 bytes", `{"e-uint": 4294967295}`, encoded(put(eUint, u32(4294967295)))},
		{"uint of 8 bytes", `{"e-uint": 4294967296}`, encoded(put(eUint, u64(1<<32)))},
		{"sint that fits 4 bytes", `{"e-sint": -2147483648}`, encoded(put(eSint, u32(0x80000000)))},
		{"sint of 8 bytes", `{"e-sint": -2147483649}`, encoded(put(eSint, s64b(-2147483649)))},
		{"string gets a NUL", `{"e-string": "eth0"}`, encoded(put(eString, cstr("eth0")))},
		{"empty string", `{"e-string": ""}`, encoded(put(eString, []byte{0}))},
		{"binary as hex", `{"e-binary": "deadbeef01"}`, encoded(put(eBinary, []byte{0xde, 0xad, 0xbe, 0xef, 1}))},
		{"binary as colon hex", `{"e-binary": "0x0a:0b"}`, encoded(put(eBinary, []byte{10, 11}))},
		{"empty binary", `{"e-binary": ""}`, encoded(put(eBinary, nil))},
		{"mac", `{"e-mac": "02:00:00:00:ab:01"}`, encoded(put(eMAC, []byte{2, 0, 0, 0, 0xab, 1}))},
		{"ipv4", `{"e-ipv4": "192.0.2.1"}`, encoded(put(eIPv4, []byte{192, 0, 2, 1}))},
		{"ipv6", `{"e-ipv6": "2001:db8::1"}`, encoded(put(eIPv6, []byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}))},
		{"ipv6 hint with a mapped IPv4 address", `{"e-ipv6": "::ffff:192.0.2.1"}`, encoded(put(eIPv6, []byte{10: 0xff, 11: 0xff, 12: 192, 13: 0, 14: 2, 15: 1}))},
		{"ipv4-or-v6 of 4 bytes", `{"e-ip": "10.0.0.1"}`, encoded(put(eIP, []byte{10, 0, 0, 1}))},
		{"ipv4-or-v6 of 16 bytes", `{"e-ip": "fe80::2"}`, encoded(put(eIP, []byte{0xfe, 0x80, 15: 2}))},
		{"uuid", `{"e-uuid": "12345678-9abc-def0-0102-030405060708"}`,
			encoded(put(eUUID, []byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8}))},
		{"flag true", `{"e-flag": true}`, encoded(put(eFlag, nil))},
		{"flag false is left out", `{"e-flag": false}`, nil},
		{"flag null", `{"e-flag": null}`, encoded(put(eFlag, nil))},
		{"nest", `{"e-nest": {"id": 7, "name": "q"}}`, encoded(nested(eNest, put(1, u32(7)), put(2, cstr("q"))))},
		{"empty nest", `{"e-nest": {}}`, encoded(nested(eNest))},
		{"nest within nest", `{"e-nest": {"inner": {"id": 1}}}`, encoded(nested(eNest, nested(3, put(1, u32(1)))))},
		{"indexed-array of u32 numbered from 0", `{"e-array": [10, 11]}`, encoded(nested(eArray, put(0, u32(10)), put(1, u32(11))))},
		{"indexed-array of nests", `{"e-array-nest": [{"id": 5}, {"name": "x"}]}`,
			encoded(nested(eArrayNest, nested(0, put(1, u32(5))), nested(1, put(2, cstr("x")))))},
		{"nest-type-value", `{"e-ntv": [{"queue-id": 4, "id": 9}, {"queue-id": 6, "name": "r"}]}`,
			encoded(nested(eNTV, nested(4, put(1, u32(9))), nested(6, put(2, cstr("r")))))},
		{"nest-type-value of two levels", `{"e-ntv2": [{"table-id": 1, "entry-id": 3, "id": 30}, {"table-id": 1, "entry-id": 4, "id": 40}, {"table-id": 2, "entry-id": 5, "id": 50}]}`,
			encoded(nested(eNTV2,
				nested(1, nested(3, put(1, u32(30))), nested(4, put(1, u32(40)))),
				nested(2, nested(5, put(1, u32(50))))))},
		{"bitfield32 from a number", `{"e-bitfield": 5}`, encoded(put(eBitfield, cat(u32(5), u32(5))))},
		{"bitfield32 with selector", `{"e-bitfield": {"value": 5, "selector": 7}}`, encoded(put(eBitfield, cat(u32(5), u32(7))))},
		{"bitfield32 by flag names", `{"e-bitfield-caps": {"value": ["a", "c"], "selector": ["a", "b", "c"]}}`,
			encoded(put(eBitfieldCaps, cat(u32(5), u32(7))))},
		{"bitfield32 with unnamed bits", `{"e-bitfield-caps": {"value": ["a", "c", "0x8"], "selector": 15}}`,
			encoded(put(eBitfieldCaps, cat(u32(0b1101), u32(15))))},
		{"pad", `{"e-pad": ""}`, encoded(put(ePad, nil))},
		{"struct", `{"e-struct": {"a": 1, "b": 258, "c": -3}}`, encoded(put(eStruct, cat([]byte{1, 0}, be16(258), u32(0xfffffffd))))},
		{"struct with missing members zeroed", `{"e-struct": {"b": 1}}`, encoded(put(eStruct, cat([]byte{0, 0}, be16(1), u32(0))))},
		{"struct with extra bytes from a newer kernel", `{"e-struct": {"a": 1, "b": 2, "c": 3, "4": "0909"}}`,
			encoded(put(eStruct, cat([]byte{1, 0}, be16(2), u32(3), []byte{9, 9})))},
		{"binary array of u16", `{"e-u16-array": [1, 2, 65535]}`, encoded(put(eU16Array, cat(u16(1), u16(2), u16(65535))))},
		{"enum by name", `{"e-enum": "blue"}`, encoded(put(eEnum, u32(2)))},
		{"enum by number", `{"e-enum": 7}`, encoded(put(eEnum, u32(7)))},
		{"flags as an array", `{"e-flags": ["a", "c"]}`, encoded(put(eFlags, u32(5)))},
		{"flags as a comma-separated string", `{"e-flags": "b,c"}`, encoded(put(eFlags, u32(6)))},
		{"flags with unnamed bits", `{"e-flags": ["a", "0x18"]}`, encoded(put(eFlags, u32(0b11001)))},
		{"flags empty", `{"e-flags": []}`, encoded(put(eFlags, u32(0)))},
		{"flags as a number", `{"e-flags": 3}`, encoded(put(eFlags, u32(3)))},
		{"enum as flags by bit position", `{"e-enum-flags": ["x", "z"]}`, encoded(put(eEnumFlags, u64(0b101)))},
		{"enum as flags with unnamed bits", `{"e-enum-flags": ["y", "0x8000000000000000"]}`, encoded(put(eEnumFlags, u64(1<<63|2)))},
		{"big-endian u16", `{"e-be16": 8080}`, encoded(put(eBE16, be16(8080)))},
		{"big-endian u32 from an IPv4 address", `{"e-addr4": "10.0.0.1"}`, encoded(put(eAddr4, []byte{10, 0, 0, 1}))},
		{"big-endian u32 from a number", `{"e-addr4": 167772161}`, encoded(put(eAddr4, []byte{10, 0, 0, 1}))},
		{"hex hint u32", `{"e-hex-u32": "0x1f"}`, encoded(put(eHexU32, u32(0x1f)))},
		{"multi-attr from an array", `{"e-multi": [1, 2]}`, encoded(put(eMulti, u32(1)), put(eMulti, u32(2)))},
		{"multi-attr from one value", `{"e-multi": 3}`, encoded(put(eMulti, u32(3)))},
		{"multi-attr nests", `{"e-multi-nest": [{"id": 1}, {"id": 2}]}`,
			encoded(nested(eMultiNest, put(1, u32(1))), nested(eMultiNest, put(1, u32(2))))},
		{"little-endian u32", `{"e-le32": 16909060}`, encoded(put(eLE32, le32(0x01020304)))},
		{"exact length", `{"e-exact": "01020304"}`, encoded(put(eExact, []byte{1, 2, 3, 4}))},
		{"range bounds are inclusive", `{"e-range": 10, "e-srange": -5}`, encoded(put(eRange, u16(10)), put(eSRange, []byte{0xfb}))},
		{"attribute by number", `{"99": "0102"}`, encoded(put(99, []byte{1, 2}))},
		{"attribute by number repeated", `{"99": ["01", ""]}`, encoded(put(99, []byte{1}), put(99, nil))},
		{"attribute by number nested", `{"99": {"1": "01", "2": {"7": "07000000"}}}`,
			encoded(nested(99, put(1, []byte{1}), nested(2, put(7, u32(7)))))},
		{"order of the request is kept", `{"e-u16": 1, "e-u8": 2}`, encoded(put(eU16, u16(1)), put(eU8, []byte{2}))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := encodeJSON(t, fam, "set", tc.doc)
			if err != nil {
				t.Fatalf("encode %s: %v", tc.doc, err)
			}
			if diff := cmp.Diff(tc.want, got, cmpBytes); diff != "" {
				t.Errorf("encoding of %s mismatch (-want +got):\n%s", tc.doc, diff)
			}
		})
	}
}

// cmpBytes compares byte slices, treating nil and empty alike.
var cmpBytes = cmp.Comparer(func(a, b []byte) bool { return string(a) == string(b) })

func TestEncodeFixedHeader(t *testing.T) {
	fam := loadSpec(t, "encdemo.yaml", encSpec)
	cases := []struct {
		name string
		doc  string
		want []byte
	}{
		{"members by name, then attributes", `{"ifindex": 3, "label": "ab", "color": "blue", "e-u8": 1}`,
			cat(u32(3), []byte{'a', 'b', 0, 0, 2, 0, 0, 0}, encoded(put(eU8, []byte{1})))},
		{"missing members are zero", `{"e-u8": 1}`, cat(make([]byte, 12), encoded(put(eU8, []byte{1})))},
		{"members after attributes", `{"e-u8": 1, "ifindex": 1}`, cat(u32(1), make([]byte, 8), encoded(put(eU8, []byte{1})))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := encodeJSON(t, fam, "hdr-set", tc.doc)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpBytes); diff != "" {
				t.Errorf("encoding mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeSubMessage(t *testing.T) {
	fam := loadSpec(t, "encraw.yaml", encSubSpec)
	cases := []struct {
		name string
		doc  string
		want []byte
	}{
		{"format chosen by the selector", `{"kind": "vlan", "data": {"id": 5}}`,
			encoded(put(1, cstr("vlan")), nested(2, put(1, u16(5))))},
		{"format with a fixed header", `{"kind": "hdr", "data": {"a": 1, "id": 2}}`,
			encoded(put(1, cstr("hdr")), func(e *wire.AttrEncoder) {
				e.Nest(2)
				e.Append(cat([]byte{1, 0}, be16(0), u32(0)))
				e.Put(1, u16(2))
				e.End()
			})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := encodeJSON(t, fam, "link-set", tc.doc)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpBytes); diff != "" {
				t.Errorf("encoding mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		name     string
		op       string
		doc      string
		wantPath string
		// wantReason lists substrings the reason must contain.
		wantReason []string
	}{
		{"u8 too large names the range", "set", `{"e-u8": 256}`, ".e-u8", []string{`"256"`, "from 0 to 255"}},
		{"negative unsigned", "set", `{"e-u32": -1}`, ".e-u32", []string{"from 0 to 4294967295"}},
		{"s8 too small", "set", `{"e-s8": -129}`, ".e-s8", []string{"from -128 to 127"}},
		{"fraction", "set", `{"e-u16": 1.5}`, ".e-u16", []string{`"1.5"`}},
		{"number as a boolean", "set", `{"e-u32": true}`, ".e-u32", []string{"not a boolean"}},
		{"below the schema's minimum", "set", `{"e-range": 9}`, ".e-range", []string{"value 9 is out of range [10, 20]"}},
		{"above the schema's maximum", "set", `{"e-range": 21}`, ".e-range", []string{"[10, 20]"}},
		{"minimum without maximum shows the type's maximum", "set", `{"e-min": 0}`, ".e-min", []string{"[1, 4294967295]"}},
		{"signed range", "set", `{"e-srange": -6}`, ".e-srange", []string{"value -6 is out of range [-5, 5]"}},
		{"string too long", "set", `{"e-string": "123456789"}`, ".e-string", []string{"9 bytes", "maximum 8"}},
		{"string from a number", "set", `{"e-string": 5}`, ".e-string", []string{"takes a string, not a number"}},
		{"exact length", "set", `{"e-exact": "0102"}`, ".e-exact", []string{"exactly 4"}},
		{"bad hex", "set", `{"e-binary": "xyz"}`, ".e-binary", []string{`invalid hex "xyz"`}},
		{"bad mac", "set", `{"e-mac": "nope"}`, ".e-mac", []string{"as mac or as hex"}},
		{"bad ip", "set", `{"e-ipv4": "300.1.1.1"}`, ".e-ipv4", []string{`"300.1.1.1" is not an IPv4 address: give one such as 10.0.0.1`}},
		{"ipv4 in an ipv6 attribute", "set", `{"e-ipv6": "192.0.2.1"}`, ".e-ipv6", []string{`write ::ffff:192.0.2.1 for the IPv4-mapped form`}},
		{"ipv6 in an ipv4 attribute", "set", `{"e-ipv4": "fe80::1"}`, ".e-ipv4", []string{`"fe80::1" is an IPv6 address, but this attribute takes an IPv4 address`}},
		{"bad ip in an integer", "set", `{"e-addr4": "10.0.0.300"}`, ".e-addr4",
			[]string{`"10.0.0.300" is not an IPv4 address: give one such as 10.0.0.1, or the address as a number`}},
		{"unknown attribute suggests the nearest", "set", `{"e-strnig": "x"}`, ".e-strnig",
			[]string{`unknown attribute "e-strnig" in set main; did you mean "e-string"? Valid: e-addr4, e-array`}},
		{"unknown attribute without a near name", "set", `{"frobnicate": 1}`, ".frobnicate",
			[]string{`unknown attribute "frobnicate" in set main. Valid: e-addr4, e-array`}},
		{"unknown nested attribute", "set", `{"e-nest": {"idd": 1}}`, ".e-nest.idd", []string{`did you mean "id"?`}},
		{"unknown enum entry lists them", "set", `{"e-enum": "purple"}`, ".e-enum", []string{`unknown value "purple" of color. Valid: red, green, blue (or a number)`}},
		{"unknown enum entry suggests the nearest", "set", `{"e-enum": "gren"}`, ".e-enum", []string{`did you mean "green"?`}},
		{"enum number out of range lists the entries", "set", `{"e-enum": "4294967296"}`, ".e-enum", []string{"or one of color: red, green, blue"}},
		{"unknown flag suggests the nearest", "set", `{"e-flags": ["a", "cc"]}`, ".e-flags", []string{`unknown flag "cc" of caps; did you mean "c"? Valid: a, b, c`}},
		{"nest given a number", "set", `{"e-nest": 5}`, ".e-nest", []string{"a nest takes an object", "e-nest.NAME=VALUE"}},
		{"nested nest given a string", "set", `{"e-nest": {"inner": "x"}}`, ".e-nest.inner", []string{"a nest takes an object"}},
		{"indexed-array given an object", "set", `{"e-array": {}}`, ".e-array", []string{"takes an array"}},
		{"indexed-array element of the wrong shape", "set", `{"e-array-nest": [{"id": 1}, 2]}`, ".e-array-nest[1]", []string{"takes an object"}},
		{"indexed-array element out of range", "set", `{"e-array": [1, -2]}`, ".e-array[1]", []string{"from 0 to 4294967295"}},
		{"nest-type-value without its key", "set", `{"e-ntv": [{"id": 1}]}`, ".e-ntv[0]", []string{`"queue-id"`}},
		{"struct member unknown", "set", `{"e-struct": {"d": 1}}`, ".e-struct.d", []string{`struct pair has no member "d"`}},
		{"struct given a string", "set", `{"e-struct": "00"}`, ".e-struct", []string{"struct pair takes an object"}},
		{"flag given a number", "set", `{"e-flag": 2}`, ".e-flag", []string{"true or false"}},
		{"unused attribute", "set", `{"e-unused": 1}`, ".e-unused", []string{"carries no value"}},
		{"attribute by number not hex", "set", `{"99": 5}`, ".99", []string{"hex string"}},
		{"attribute number too large", "set", `{"16384": "00"}`, ".16384", []string{"unknown attribute"}},
		{"fixed header member too long", "hdr-set", `{"label": "abcdef"}`, ".label", []string{"holds 4"}},
		{"sub-message without its selector", "link-set", `{"data": {"id": 1}}`, ".data", []string{`set "kind" first`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := encodeJSON(t, encSpecs(t, tc.op), tc.op, tc.doc)
			var ve *decode.ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("encode %s: error %v (%T), want a *decode.ValueError", tc.doc, err, err)
			}
			if ve.Path != tc.wantPath {
				t.Errorf("path = %q, want %q", ve.Path, tc.wantPath)
			}
			for _, want := range tc.wantReason {
				if !strings.Contains(ve.Reason, want) {
					t.Errorf("reason %q does not contain %q", ve.Reason, want)
				}
			}
			if !strings.HasPrefix(err.Error(), "attribute "+tc.wantPath+": ") {
				t.Errorf("error %q does not start with the path", err)
			}
		})
	}
}

func TestEncodeLengthLimits(t *testing.T) {
	fam := loadSpec(t, "encdemo.yaml", encSpec)
	many := make([]string, 9000)
	for i := range many {
		many[i] = strconv.Itoa(i)
	}
	cases := []struct {
		name       string
		doc        string
		wantPath   string
		wantReason string
	}{
		{"attribute by number too long", `{"99": "` + strings.Repeat("ab", 65532) + `"}`, ".99",
			"the attribute is 65536 bytes, more than the 65535 bytes a netlink attribute can hold"},
		{"nest too long", `{"e-array": [` + strings.Join(many, ",") + `]}`, ".e-array",
			"the attribute is 72004 bytes, more than the 65535"},
		{"nest too long inside a nest", `{"e-nest": {"inner": {"name": "` + strings.Repeat("x", 70000) + `"}}}`, ".e-nest.inner.name",
			"the attribute is 70005 bytes"},
		{"long value cut in the message", `{"e-string": "` + strings.Repeat("y", 1000) + `"}`, ".e-string",
			`"` + strings.Repeat("y", 64) + `"... is 1000 bytes, longer than the maximum 8`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := encodeJSON(t, fam, "set", tc.doc)
			var ve *decode.ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v (%T), want a *decode.ValueError", err, err)
			}
			if ve.Path != tc.wantPath {
				t.Errorf("path = %q, want %q", ve.Path, tc.wantPath)
			}
			if !strings.Contains(ve.Reason, tc.wantReason) {
				t.Errorf("reason %q does not contain %q", ve.Reason, tc.wantReason)
			}
		})
	}

	// The largest attribute that fits is encoded.
	got, err := encodeJSON(t, fam, "set", `{"99": "`+strings.Repeat("ab", 65531)+`"}`)
	if err != nil || len(got) != 65536 {
		t.Errorf("65531-byte value: %d bytes encoded, error %v; want 65536 bytes", len(got), err)
	}
}

// roundTrip encodes doc for op, decodes the bytes as a reply of op, renders
// them as JSON and parses that, encodes it again and returns both
// encodings and the rendered JSON.
func roundTrip(t *testing.T, fam *schema.Family, op, doc string) (first, second []byte, rendered string) {
	t.Helper()
	first, err := encodeJSON(t, fam, op, doc)
	if err != nil {
		t.Fatalf("encode %s: %v", doc, err)
	}

	o := fam.Op(op)
	msg := wire.NewGenlRequest(0x20, 0, wire.GenlHeader{Command: uint8(o.RequestValue), Version: 1}, first)
	m, err := (&decode.Decoder{Family: fam}).Message(msg, o)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	rendered = string(render.AppendMessageJSON(nil, m))
	second, err = encodeJSON(t, fam, op, rendered)
	if err != nil {
		t.Fatalf("encode the rendered %s: %v", rendered, err)
	}

	return first, second, rendered
}

func TestEncodeRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		op   string
		doc  string
	}{
		{"integers", "set", `{"e-u8": 1, "e-u16": 2, "e-u32": 3, "e-u64": 18446744073709551615, "e-s8": -1, "e-s16": -2, "e-s32": -3, "e-s64": -9223372036854775808}`},
		{"variable-size integers", "set", `{"e-uint": 4294967296, "e-sint": -5}`},
		{"strings and bytes", "set", `{"e-string": "a\"b\\c", "e-binary": "00ff", "e-mac": "02:00:00:00:00:01", "e-uuid": "12345678-9abc-def0-0102-030405060708"}`},
		{"addresses", "set", `{"e-ipv4": "192.0.2.1", "e-ipv6": "2001:db8::1", "e-ip": "10.1.2.3", "e-addr4": "10.0.0.1"}`},
		{"flag", "set", `{"e-flag": true}`},
		{"nests", "set", `{"e-nest": {"id": 1, "inner": {"name": "x", "inner": {}}}}`},
		{"arrays", "set", `{"e-array": [1, 2, 3], "e-array-nest": [{"id": 1}, {"name": "y"}], "e-u16-array": [7, 8]}`},
		{"nest-type-value", "set", `{"e-ntv": [{"queue-id": 4, "id": 9}], "e-ntv2": [{"table-id": 1, "entry-id": 3, "id": 30}, {"table-id": 2, "entry-id": 5, "name": "n"}]}`},
		{"bitfields", "set", `{"e-bitfield": {"value": 1, "selector": 3}, "e-bitfield-caps": {"value": ["b", "0x10"], "selector": 31}}`},
		{"enums and flags", "set", `{"e-enum": "green", "e-flags": ["a", "0x40"], "e-enum-flags": ["x", "0x10"]}`},
		{"unknown enum value", "set", `{"e-enum": 9}`},
		{"byte orders and hints", "set", `{"e-be16": 443, "e-le32": 5, "e-hex-u32": "0xff"}`},
		{"multi-attr", "set", `{"e-multi": [5, 6], "e-multi-nest": [{"id": 1}, {"id": 2}]}`},
		{"struct", "set", `{"e-struct": {"a": 1, "b": 515, "c": -7}}`},
		{"attributes by number", "set", `{"99": ["01", "0203"], "100": {"1": "ff"}}`},
		{"fixed header", "hdr-set", `{"ifindex": 2, "label": "ab", "color": "red", "e-u8": 4}`},
		{"sub-message", "link-set", `{"kind": "vlan", "data": {"id": 5}}`},
		{"sub-message with a fixed header", "link-set", `{"kind": "hdr", "data": {"a": 1, "b": 2, "c": 3, "id": 4}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first, second, rendered := roundTrip(t, encSpecs(t, tc.op), tc.op, tc.doc)
			if diff := cmp.Diff(first, second, cmpBytes); diff != "" {
				t.Errorf("re-encoding of %s mismatch (-want +got):\n%s", rendered, diff)
			}
		})
	}
}

// TestDecoderReuse decodes a run of messages with Reuse set, rendering
// each before the next as a dump does, and compares the output with a
// decoder that allocates every message anew. The messages grow past the
// reused memory's first size, so it is replaced midway.
func TestDecoderReuse(t *testing.T) {
	fam := loadSpec(t, "encdemo.yaml", encSpec)
	op := fam.Op("set")
	docs := []string{
		`{"e-u8": 1, "e-nest": {"id": 1, "inner": {"name": "a"}}}`,
		`{"e-struct": {"a": 1, "b": 2, "c": 3}, "e-multi": [1, 2, 3]}`,
		`{"e-array-nest": [` + strings.Repeat(`{"id": 1, "name": "n"}, `, 300) + `{"id": 2}]}`,
		`{"e-flags": ["a", "b"], "99": "00"}`,
		`{}`,
	}
	reused := &decode.Decoder{Family: fam, Reuse: true}
	fresh := &decode.Decoder{Family: fam}
	for round := 0; round < 2; round++ {
		for _, doc := range docs {
			body, err := encodeJSON(t, fam, "set", doc)
			if err != nil {
				t.Fatalf("encode %s: %v", doc, err)
			}
			msg := wire.NewGenlRequest(0x20, 0, wire.GenlHeader{Command: 1, Version: 1}, body)

			want, err := fresh.Message(msg, op)
			if err != nil {
				t.Fatal(err)
			}
			got, err := reused.Message(msg, op)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(render.AppendMessageJSON(nil, want)), string(render.AppendMessageJSON(nil, got))); diff != "" {
				t.Errorf("round %d, %s: reused decoder output mismatch (-fresh +reused):\n%s", round, doc, diff)
			}
		}
	}
}

// loadBuiltinSchema loads a built-in schema, failing the test without one.
func loadBuiltinSchema(t *testing.T, name string) *schema.Family {
	t.Helper()
	fam, err := builtin.Load(name)
	if err != nil || fam == nil {
		t.Fatalf("built-in schema %s: %v (nil: %v)", name, err, fam == nil)
	}

	return fam
}

// referenceSpec loads a spec of the Linux 6.12 tree kept beside the
// checkout for tests; it is not part of the repository.
func referenceSpec(t *testing.T, name string) *schema.Family {
	t.Helper()
	fam, err := ynl.LoadFile("../../../shared/reference/ynl-specs/linux-6.12/" + name + ".yaml")
	if err != nil {
		t.Skipf("reference spec %s not available: %v", name, err)
	}

	return fam
}

// TestEncodeBuiltinAbsentFamilies encodes requests of families this
// kernel lacks with their built-in schemas, against bytes written from
// the kernel's UAPI attribute numbers, and against the kernel's own spec
// where the reference tree has one.
func TestEncodeBuiltinAbsentFamilies(t *testing.T) {
	key := strings.Repeat("ab", 32)
	keyBytes := make([]byte, 32)
	for i := range keyBytes {
		keyBytes[i] = 0xab
	}
	cases := []struct {
		family string
		op     string
		doc    string
		want   []byte
		// reference is the spec in the reference tree to compare with, or "".
		reference string
	}{
		{
			// WGDEVICE_A_IFNAME 2, WGDEVICE_A_PRIVATE_KEY 3, WGDEVICE_A_FLAGS 5,
			// WGDEVICE_A_LISTEN_PORT 6, WGDEVICE_A_PEERS 8; in a peer
			// WGPEER_A_PUBLIC_KEY 1, WGPEER_A_ENDPOINT 4,
			// WGPEER_A_ALLOWEDIPS 9; in an allowed IP WGALLOWEDIP_A_FAMILY 1,
			// WGALLOWEDIP_A_IPADDR 2, WGALLOWEDIP_A_CIDR_MASK 3.
			family: "wireguard", op: "set-device",
			doc: `{"ifname": "wg0", "private-key": "` + key + `", "flags": ["replace-peers"], "listen-port": 51820,
				"peers": [{"public-key": "` + key + `", "allowedips": [{"family": 2, "ipaddr": "0a000000", "cidr-mask": 8}]}]}`,
			want: encoded(put(2, cstr("wg0")), put(3, keyBytes), put(5, u32(1)), put(6, u16(51820)),
				nested(8, nested(0, put(1, keyBytes), nested(9, nested(0, put(1, u16(2)), put(2, []byte{10, 0, 0, 0}), put(3, []byte{8})))))),
		},
		{
			// DEVLINK_ATTR_BUS_NAME 1, DEVLINK_ATTR_DEV_NAME 2,
			// DEVLINK_ATTR_PORT_INDEX 3.
			family: "devlink", op: "port-get",
			doc:       `{"bus-name": "pci", "dev-name": "0000:01:00.0", "port-index": 1}`,
			want:      encoded(put(1, cstr("pci")), put(2, cstr("0000:01:00.0")), put(3, u32(1))),
			reference: "devlink",
		},
		{
			// DEVLINK_ATTR_PARAM_NAME 81, DEVLINK_ATTR_PARAM_TYPE 83,
			// DEVLINK_ATTR_PARAM_VALUE_CMODE 87 (u8), DEVLINK_ATTR_PARAM_VALUE_DATA 86.
			family: "devlink", op: "param-set",
			doc:       `{"bus-name": "pci", "dev-name": "x", "param-name": "enable_roce", "param-value-cmode": "runtime"}`,
			want:      encoded(put(1, cstr("pci")), put(2, cstr("x")), put(81, cstr("enable_roce")), put(87, []byte{0})),
			reference: "devlink",
		},
		{
			// NL80211_ATTR_WIPHY 1, NL80211_ATTR_IFINDEX 3, NL80211_ATTR_IFNAME 4,
			// NL80211_ATTR_IFTYPE 5 (u32; NL80211_IFTYPE_STATION is 2).
			family: "nl80211", op: "new-interface",
			doc:  `{"wiphy": 0, "ifname": "wlan1", "iftype": "station"}`,
			want: encoded(put(1, u32(0)), put(4, cstr("wlan1")), put(5, u32(2))),
		},
	}
	for _, tc := range cases {
		t.Run(tc.family+" "+tc.op, func(t *testing.T) {
			fam := loadBuiltinSchema(t, tc.family)
			got, err := encodeJSON(t, fam, tc.op, tc.doc)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpBytes); diff != "" {
				t.Errorf("encoding mismatch (-want +got):\n%s", diff)
			}

			if tc.reference == "" {
				return
			}
			ref := referenceSpec(t, tc.reference)
			refGot, err := encodeJSON(t, ref, tc.op, tc.doc)
			if err != nil {
				t.Fatalf("encode with the reference spec: %v", err)
			}
			if diff := cmp.Diff(refGot, got, cmpBytes); diff != "" {
				t.Errorf("built-in schema encodes differently from the reference spec (-reference +built-in):\n%s", diff)
			}
		})
	}
}

// TestEncodeBuiltinRoundTrip round-trips requests through the built-in
// schemas of families this kernel lacks.
func TestEncodeBuiltinRoundTrip(t *testing.T) {
	cases := []struct {
		family string
		op     string
		doc    string
	}{
		{"wireguard", "set-device", `{"ifindex": 4, "fwmark": 7, "peers": [{"public-key": "` + strings.Repeat("01", 32) + `", "endpoint": "0200ca6c0a000001000000000000000000000000", "persistent-keepalive-interval": 25}]}`},
		{"devlink", "port-get", `{"bus-name": "pci", "dev-name": "0000:01:00.0", "port-index": 3}`},
		{"nl80211", "new-interface", `{"wiphy": 1, "ifname": "mon0", "iftype": "monitor"}`},
	}
	for _, tc := range cases {
		t.Run(tc.family+" "+tc.op, func(t *testing.T) {
			fam := loadBuiltinSchema(t, tc.family)
			first, second, rendered := roundTrip(t, fam, tc.op, tc.doc)
			if diff := cmp.Diff(first, second, cmpBytes); diff != "" {
				t.Errorf("re-encoding of %s mismatch (-want +got):\n%s", rendered, diff)
			}
		})
	}
}
