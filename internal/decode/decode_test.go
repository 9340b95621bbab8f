package decode_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// demoSpec has one attribute of every type and variant the decoder
// handles. Op get (command 1) replies with the main set. Op hdr-get
// (command 2) puts a fixed header before the attributes.
const demoSpec = `
name: demo
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
      - {name: a-u8, type: u8, value: 1}
      - {name: a-u16, type: u16, value: 2}
      - {name: a-u32, type: u32, value: 3}
      - {name: a-u64, type: u64, value: 4}
      - {name: a-s8, type: s8, value: 5}
      - {name: a-s16, type: s16, value: 6}
      - {name: a-s32, type: s32, value: 7}
      - {name: a-s64, type: s64, value: 8}
      - {name: a-uint, type: uint, value: 9}
      - {name: a-sint, type: sint, value: 10}
      - {name: a-string, type: string, value: 11}
      - {name: a-binary, type: binary, value: 12}
      - {name: a-hex, type: binary, display-hint: hex, value: 13}
      - {name: a-mac, type: binary, display-hint: mac, value: 14}
      - {name: a-fddi, type: binary, display-hint: fddi, value: 15}
      - {name: a-ipv4, type: binary, display-hint: ipv4, value: 16}
      - {name: a-ipv6, type: binary, display-hint: ipv6, value: 17}
      - {name: a-ip, type: binary, display-hint: ipv4-or-v6, value: 18}
      - {name: a-uuid, type: binary, display-hint: uuid, value: 19}
      - {name: a-flag, type: flag, value: 20}
      - {name: a-nest, type: nest, nested-attributes: inner, value: 21}
      - {name: a-array, type: indexed-array, sub-type: u32, value: 22}
      - {name: a-array-nest, type: indexed-array, sub-type: nest, nested-attributes: inner, value: 23}
      - {name: a-ntv, type: nest-type-value, type-value: [queue-id], nested-attributes: inner, value: 24}
      - {name: a-ntv2, type: nest-type-value, type-value: [table-id, entry-id], nested-attributes: inner, value: 25}
      - {name: a-bitfield, type: bitfield32, value: 26}
      - {name: a-bitfield-caps, type: bitfield32, enum: caps, value: 27}
      - {name: a-pad, type: pad, value: 28}
      - {name: a-struct, type: binary, struct: pair, value: 29}
      - {name: a-u16-array, type: binary, sub-type: u16, value: 30}
      - {name: a-be32-array, type: binary, sub-type: u32, byte-order: big-endian, value: 31}
      - {name: a-enum, type: u32, enum: color, value: 32}
      - {name: a-flags, type: u32, enum: caps, value: 33}
      - {name: a-enum-flags, type: u64, enum: bits, enum-as-flags: true, value: 34}
      - {name: a-be16, type: u16, byte-order: big-endian, value: 35}
      - {name: a-addr4, type: u32, byte-order: big-endian, display-hint: ipv4, value: 36}
      - {name: a-hex-u32, type: u32, display-hint: hex, value: 37}
      - {name: a-multi, type: u32, multi-attr: true, value: 38}
      - {name: a-unterminated, type: string, checks: {unterminated-ok: true}, value: 39}
      - {name: a-le32, type: u32, byte-order: little-endian, value: 40}
      - {name: a-exact, type: binary, checks: {exact-len: 4}, value: 41}
      - {name: a-unused, type: unused, value: 42}
  - name: inner
    attributes:
      - {name: id, type: u32, value: 1}
      - {name: name, type: string, value: 2}
      - {name: inner, type: nest, nested-attributes: inner, value: 3}
operations:
  list:
    - name: get
      value: 1
      attribute-set: main
      do:
        reply: {attributes: [a-u8]}
    - name: hdr-get
      value: 2
      attribute-set: main
      fixed-header: hdr
      do:
        reply: {attributes: [a-u8]}
`

// Attribute numbers of demoSpec's main set.
const (
	aU8 = iota + 1
	aU16
	aU32
	aU64
	aS8
	aS16
	aS32
	aS64
	aUint
	aSint
	aString
	aBinary
	aHex
	aMAC
	aFDDI
	aIPv4
	aIPv6
	aIP
	aUUID
	aFlag
	aNest
	aArray
	aArrayNest
	aNTV
	aNTV2
	aBitfield
	aBitfieldCaps
	aPad
	aStruct
	aU16Array
	aBE32Array
	aEnum
	aFlags
	aEnumFlags
	aBE16
	aAddr4
	aHexU32
	aMulti
	aUnterminated
	aLE32
	aExact
	aUnused
)

// decodeJSON decodes msg with fam and renders it as JSON, failing the test
// if the JSON is not valid.
func decodeJSON(t *testing.T, fam *schema.Family, msg []byte) (*decode.Message, string) {
	t.Helper()
	d := decode.Decoder{Family: fam}
	m, err := d.Message(msg, nil)
	if err != nil {
		t.Fatalf("Message: %v", err)
	}

	js := render.AppendMessageJSON(nil, m)
	if !json.Valid(js) {
		t.Fatalf("invalid JSON: %s", js)
	}

	return m, string(js)
}

func TestDecodeValuesJSON(t *testing.T) {
	fam := loadSpec(t, "demo.yaml", demoSpec)
	cases := []struct {
		name  string
		attrs [][]byte
		want  string
	}{
		{"u8", [][]byte{attr(aU8, []byte{255})}, `{"a-u8":255}`},
		{"u16", [][]byte{attr(aU16, u16(65535))}, `{"a-u16":65535}`},
		{"u32", [][]byte{attr(aU32, u32(4294967295))}, `{"a-u32":4294967295}`},
		{"u64 max keeps every digit", [][]byte{attr(aU64, u64(math.MaxUint64))}, `{"a-u64":18446744073709551615}`},
		{"u64 above 2^53 keeps every digit", [][]byte{attr(aU64, u64(1<<53+1))}, `{"a-u64":9007199254740993}`},
		{"s8", [][]byte{attr(aS8, []byte{0x80})}, `{"a-s8":-128}`},
		{"s16", [][]byte{attr(aS16, u16(0xfffe))}, `{"a-s16":-2}`},
		{"s32", [][]byte{attr(aS32, u32(0x80000000))}, `{"a-s32":-2147483648}`},
		{"s64 min keeps every digit", [][]byte{attr(aS64, u64(1<<63))}, `{"a-s64":-9223372036854775808}`},
		{"s64 max", [][]byte{attr(aS64, u64(math.MaxInt64))}, `{"a-s64":9223372036854775807}`},
		{"uint of 4 bytes", [][]byte{attr(aUint, u32(4000000000))}, `{"a-uint":4000000000}`},
		{"uint of 8 bytes", [][]byte{attr(aUint, u64(math.MaxUint64-1))}, `{"a-uint":18446744073709551614}`},
		{"sint of 4 bytes", [][]byte{attr(aSint, u32(0xfffffffd))}, `{"a-sint":-3}`},
		{"sint of 8 bytes", [][]byte{attr(aSint, u64(0x8000000000000001))}, `{"a-sint":-9223372036854775807}`},
		{"string", [][]byte{attr(aString, cstr("eth0"))}, `{"a-string":"eth0"}`},
		{"string needing escapes", [][]byte{attr(aString, cstr("a\"b\\c\n\x01\xff"))}, `{"a-string":"a\"b\\c\n\u0001\ufffd"}`},
		{"string unterminated allowed", [][]byte{attr(aUnterminated, []byte("abc"))}, `{"a-unterminated":"abc"}`},
		{"binary", [][]byte{attr(aBinary, []byte{0xde, 0xad, 0xbe, 0xef, 0x01})}, `{"a-binary":"deadbeef01"}`},
		{"binary hex", [][]byte{attr(aHex, []byte{0x00, 0x0f})}, `{"a-hex":"000f"}`},
		{"binary mac", [][]byte{attr(aMAC, []byte{2, 0, 0, 0, 0xab, 1})}, `{"a-mac":"02:00:00:00:ab:01"}`},
		{"binary fddi", [][]byte{attr(aFDDI, []byte{0xa, 0xb, 0xc, 0xd, 0xe, 0xf})}, `{"a-fddi":"0a:0b:0c:0d:0e:0f"}`},
		{"binary ipv4", [][]byte{attr(aIPv4, []byte{192, 0, 2, 1})}, `{"a-ipv4":"192.0.2.1"}`},
		{"binary ipv4 of wrong length", [][]byte{attr(aIPv4, []byte{192, 0, 2})}, `{"a-ipv4":"c00002"}`},
		{"binary ipv6", [][]byte{attr(aIPv6, []byte{0x20, 0x01, 0x0d, 0xb8, 15: 1})}, `{"a-ipv6":"2001:db8::1"}`},
		{"binary ipv4-or-v6 of 4 bytes", [][]byte{attr(aIP, []byte{10, 0, 0, 1})}, `{"a-ip":"10.0.0.1"}`},
		{"binary ipv4-or-v6 of 16 bytes", [][]byte{attr(aIP, []byte{0xfe, 0x80, 15: 2})}, `{"a-ip":"fe80::2"}`},
		{"binary uuid", [][]byte{attr(aUUID, []byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8})},
			`{"a-uuid":"12345678-9abc-def0-0102-030405060708"}`},
		{"flag", [][]byte{attr(aFlag, nil)}, `{"a-flag":true}`},
		{"nest", [][]byte{nest(aNest, attr(1, u32(7)), attr(2, cstr("q")))}, `{"a-nest":{"id":7,"name":"q"}}`},
		{"nest without NLA_F_NESTED", [][]byte{attr(aNest, attr(1, u32(7)))}, `{"a-nest":{"id":7}}`},
		{"nest within nest", [][]byte{nest(aNest, nest(3, attr(1, u32(1))))}, `{"a-nest":{"inner":{"id":1}}}`},
		{"indexed-array of u32", [][]byte{nest(aArray, attr(0, u32(10)), attr(1, u32(11)), attr(2, u32(12)))}, `{"a-array":[10,11,12]}`},
		{"indexed-array of nests", [][]byte{nest(aArrayNest, nest(1, attr(1, u32(5))), nest(2, attr(2, cstr("x"))))},
			`{"a-array-nest":[{"id":5},{"name":"x"}]}`},
		{"nest-type-value", [][]byte{nest(aNTV, nest(4, attr(1, u32(9))), nest(6, attr(2, cstr("r"))))},
			`{"a-ntv":[{"queue-id":4,"id":9},{"queue-id":6,"name":"r"}]}`},
		{"nest-type-value of two levels", [][]byte{nest(aNTV2,
			nest(1, nest(3, attr(1, u32(30))), nest(4, attr(1, u32(40)))),
			nest(2, nest(5, attr(1, u32(50)))))},
			`{"a-ntv2":[{"table-id":1,"entry-id":3,"id":30},{"table-id":1,"entry-id":4,"id":40},{"table-id":2,"entry-id":5,"id":50}]}`},
		{"bitfield32", [][]byte{attr(aBitfield, cat(u32(5), u32(7)))}, `{"a-bitfield":{"value":5,"selector":7}}`},
		{"bitfield32 with flags", [][]byte{attr(aBitfieldCaps, cat(u32(0b1101), u32(0xf)))},
			`{"a-bitfield-caps":{"value":["a","c","0x8"],"selector":15}}`},
		{"pad", [][]byte{attr(aPad, nil)}, `{}`},
		{"struct", [][]byte{attr(aStruct, cat([]byte{1, 0xee}, be16(0x0102), u32(0xfffffffd)))}, `{"a-struct":{"a":1,"b":258,"c":-3}}`},
		{"struct with extra bytes from a newer kernel", [][]byte{attr(aStruct, cat([]byte{1, 0}, be16(2), u32(3), []byte{9, 9}))},
			`{"a-struct":{"a":1,"b":2,"c":3,"4":"0909"}}`},
		{"binary array of u16", [][]byte{attr(aU16Array, cat(u16(1), u16(2), u16(65535)))}, `{"a-u16-array":[1,2,65535]}`},
		{"binary array of big-endian u32", [][]byte{attr(aBE32Array, cat(be32(1), be32(0x01020304)))}, `{"a-be32-array":[1,16909060]}`},
		{"enum", [][]byte{attr(aEnum, u32(1))}, `{"a-enum":"green"}`},
		{"enum value unknown", [][]byte{attr(aEnum, u32(7))}, `{"a-enum":7}`},
		{"flags", [][]byte{attr(aFlags, u32(0b101))}, `{"a-flags":["a","c"]}`},
		{"flags with unknown bits", [][]byte{attr(aFlags, u32(0b11001))}, `{"a-flags":["a","0x18"]}`},
		{"flags zero", [][]byte{attr(aFlags, u32(0))}, `{"a-flags":[]}`},
		{"enum as flags", [][]byte{attr(aEnumFlags, u64(0b101))}, `{"a-enum-flags":["x","z"]}`},
		{"enum as flags with unknown bits", [][]byte{attr(aEnumFlags, u64(1<<63|2))}, `{"a-enum-flags":["y","0x8000000000000000"]}`},
		{"big-endian u16", [][]byte{attr(aBE16, be16(8080))}, `{"a-be16":8080}`},
		{"big-endian u32 with ipv4 hint", [][]byte{attr(aAddr4, []byte{10, 0, 0, 1})}, `{"a-addr4":"10.0.0.1"}`},
		{"NLA_F_NET_BYTEORDER", [][]byte{attr(aU32|wire.AttrNetByteOrder, be32(0x01020304))}, `{"a-u32":16909060}`},
		{"little-endian u32", [][]byte{attr(aLE32, le32(0x01020304))}, `{"a-le32":16909060}`},
		{"u32 with hex hint", [][]byte{attr(aHexU32, u32(0x1f))}, `{"a-hex-u32":"0x1f"}`},
		{"multi-attr once", [][]byte{attr(aMulti, u32(1))}, `{"a-multi":[1]}`},
		{"multi-attr in order", [][]byte{attr(aMulti, u32(1)), attr(aU8, []byte{0}), attr(aMulti, u32(2))}, `{"a-multi":[1,2],"a-u8":0}`},
		{"exact length", [][]byte{attr(aExact, u32(1))}, `{"a-exact":"01000000"}`},
		{"unknown attribute", [][]byte{attr(99, []byte{1, 2, 3})}, `{"99":"010203"}`},
		{"unused attribute is unknown", [][]byte{attr(aUnused, []byte{1})}, `{"42":"01"}`},
		{"unknown attribute repeated folds into an array", [][]byte{attr(99, []byte{1}), attr(aU8, []byte{3}), attr(99, []byte{2}), attr(99, nil)},
			`{"99":["01","02",""],"a-u8":3}`},
		{"unknown attribute flagged nested", [][]byte{nest(99, attr(1, []byte{1}), nest(2, attr(7, u32(7))))}, `{"99":{"1":"01","2":{"7":"07000000"}}}`},
		{"unknown attribute flagged nested with bad contents", [][]byte{attr(99|wire.AttrNested, []byte{9, 0, 1, 0})}, `{"99":"09000100"}`},
		{"attribute above the top number of a set", [][]byte{attr(16383, nil)}, `{"16383":""}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, got := decodeJSON(t, fam, genlMsg(1, tc.attrs...))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpNodes compares node trees, treating nil and empty slices alike.
var cmpNodes = cmpopts.EquateEmpty()

func TestDecodeNodes(t *testing.T) {
	fam := loadSpec(t, "demo.yaml", demoSpec)
	cases := []struct {
		name  string
		attrs [][]byte
		want  []decode.Node
	}{
		{
			name:  "u32",
			attrs: [][]byte{attr(aU32, u32(42))},
			want: []decode.Node{{Name: "a-u32", Number: aU32, Type: schema.TypeU32, Kind: decode.KindUint,
				Uint: 42, Raw: u32(42), Offset: attrBase}},
		},
		{
			name:  "s16",
			attrs: [][]byte{attr(aS16, u16(0xfff0))},
			want: []decode.Node{{Name: "a-s16", Number: aS16, Type: schema.TypeS16, Kind: decode.KindInt,
				Uint: 0xfff0, Int: -16, Raw: u16(0xfff0), Offset: attrBase}},
		},
		{
			name:  "unknown enum value keeps number and bytes",
			attrs: [][]byte{attr(aEnum, u32(9))},
			want: []decode.Node{{Name: "a-enum", Number: aEnum, Type: schema.TypeU32, Kind: decode.KindEnum,
				Uint: 9, Raw: u32(9), Offset: attrBase}},
		},
		{
			name:  "unknown attribute keeps number and bytes",
			attrs: [][]byte{attr(aU8, []byte{1}), attr(77|wire.AttrNetByteOrder, []byte{1, 2, 3, 4, 5})},
			want: []decode.Node{
				{Name: "a-u8", Number: aU8, Type: schema.TypeU8, Kind: decode.KindUint, Uint: 1, Raw: []byte{1}, Offset: attrBase},
				{Number: 77, Kind: decode.KindUnknown, Raw: []byte{1, 2, 3, 4, 5}, Offset: attrBase + 8},
			},
		},
		{
			name:  "unknown nested attribute",
			attrs: [][]byte{nest(99, attr(5, []byte{7}))},
			want: []decode.Node{{Number: 99, Kind: decode.KindNest, Raw: attr(5, []byte{7}), Offset: attrBase,
				Children: []decode.Node{{Number: 5, Kind: decode.KindUnknown, Raw: []byte{7}, Offset: valueBase}}}},
		},
		{
			name:  "enum-as-flags names bits by position",
			attrs: [][]byte{attr(aEnumFlags, u64(0b110))},
			want: []decode.Node{{Name: "a-enum-flags", Number: aEnumFlags, Type: schema.TypeU64, Kind: decode.KindFlags,
				Uint: 6, Names: []string{"y", "z"}, Raw: u64(6), Offset: attrBase}},
		},
		{
			name:  "bitfield32",
			attrs: [][]byte{attr(aBitfieldCaps, cat(u32(2), u32(3)))},
			want: []decode.Node{{Name: "a-bitfield-caps", Number: aBitfieldCaps, Type: schema.TypeBitfield32,
				Kind: decode.KindBitfield32, Uint: 2, Selector: 3, Names: []string{"b"}, Raw: cat(u32(2), u32(3)), Offset: attrBase}},
		},
		{
			name:  "struct members carry their offsets",
			attrs: [][]byte{attr(aStruct, cat([]byte{1, 0}, be16(2), u32(3)))},
			want: []decode.Node{{Name: "a-struct", Number: aStruct, Type: schema.TypeBinary, Kind: decode.KindStruct,
				Raw: cat([]byte{1, 0}, be16(2), u32(3)), Offset: attrBase,
				Children: []decode.Node{
					{Name: "a", Number: 0, Type: schema.TypeU8, Kind: decode.KindUint, Uint: 1, Raw: []byte{1}, Offset: valueBase},
					{Name: "b", Number: 2, Type: schema.TypeU16, Kind: decode.KindUint, Uint: 2, Raw: be16(2), Offset: valueBase + 2},
					{Name: "c", Number: 3, Type: schema.TypeS32, Kind: decode.KindInt, Uint: 3, Int: 3, Raw: u32(3), Offset: valueBase + 4},
				}}},
		},
		{
			name:  "indexed-array elements are numbered by type",
			attrs: [][]byte{nest(aArray, attr(3, u32(30)))},
			want: []decode.Node{{Name: "a-array", Number: aArray, Type: schema.TypeIndexedArray, Kind: decode.KindList,
				Raw: attr(3, u32(30)), Offset: attrBase,
				Children: []decode.Node{{Number: 3, Type: schema.TypeU32, Kind: decode.KindUint, Uint: 30, Raw: u32(30), Offset: valueBase}}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := decodeJSON(t, fam, genlMsg(1, tc.attrs...))
			if diff := cmp.Diff(tc.want, m.Attrs, cmpNodes); diff != "" {
				t.Errorf("nodes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	fam := loadSpec(t, "demo.yaml", demoSpec)
	cases := []struct {
		name  string
		attrs [][]byte
		want  []decode.Node
	}{
		{
			name:  "length under 4",
			attrs: [][]byte{attr(aU8, []byte{1}), rawAttr(2, aU32, []byte{0, 0})},
			want: []decode.Node{
				{Name: "a-u8", Number: aU8, Type: schema.TypeU8, Kind: decode.KindUint, Uint: 1, Raw: []byte{1}, Offset: attrBase},
				{Kind: decode.KindError, Offset: attrBase + 8, Raw: rawAttr(2, aU32, []byte{0, 0}),
					Text: "attribute at offset 28: length 2 is shorter than the 4-byte header (6 bytes left)"},
			},
		},
		{
			name:  "length past the end",
			attrs: [][]byte{rawAttr(100, aU32, u32(1))},
			want: []decode.Node{{Kind: decode.KindError, Offset: attrBase, Raw: rawAttr(100, aU32, u32(1)),
				Text: "attribute at offset 20: length 100 runs past the end (8 bytes left)"}},
		},
		{
			name:  "header cut short",
			attrs: [][]byte{attr(aU8, []byte{1}), {1, 2}},
			want: []decode.Node{
				{Name: "a-u8", Number: aU8, Type: schema.TypeU8, Kind: decode.KindUint, Uint: 1, Raw: []byte{1}, Offset: attrBase},
				{Kind: decode.KindError, Offset: attrBase + 8, Raw: []byte{1, 2},
					Text: "attribute at offset 28: header is cut short (2 bytes left)"},
			},
		},
		{
			name:  "wrong size for a fixed-width type, then the next attribute",
			attrs: [][]byte{attr(aU32, u16(1)), attr(aU8, []byte{5})},
			want: []decode.Node{
				{Name: "a-u32", Number: aU32, Type: schema.TypeU32, Kind: decode.KindError, Raw: u16(1), Offset: attrBase,
					Text: "attribute .a-u32 (u32) at offset 20: length 2, want 4"},
				{Name: "a-u8", Number: aU8, Type: schema.TypeU8, Kind: decode.KindUint, Uint: 5, Raw: []byte{5}, Offset: attrBase + 8},
			},
		},
		{
			name:  "bad nest keeps its good attributes and the next sibling",
			attrs: [][]byte{nest(aNest, attr(1, u32(1)), rawAttr(50, 2, nil)), attr(aU8, []byte{5})},
			want: []decode.Node{
				{Name: "a-nest", Number: aNest, Type: schema.TypeNest, Kind: decode.KindNest,
					Raw: cat(attr(1, u32(1)), rawAttr(50, 2, nil)), Offset: attrBase,
					Children: []decode.Node{
						{Name: "id", Number: 1, Type: schema.TypeU32, Kind: decode.KindUint, Uint: 1, Raw: u32(1), Offset: valueBase},
						{Kind: decode.KindError, Offset: valueBase + 8, Raw: rawAttr(50, 2, nil),
							Text: "attribute at offset 32: length 50 runs past the end (4 bytes left)"},
					}},
				{Name: "a-u8", Number: aU8, Type: schema.TypeU8, Kind: decode.KindUint, Uint: 5, Raw: []byte{5}, Offset: attrBase + 16},
			},
		},
		{
			name:  "unterminated string",
			attrs: [][]byte{attr(aString, []byte("abc"))},
			want: []decode.Node{{Name: "a-string", Number: aString, Type: schema.TypeString, Kind: decode.KindError,
				Raw: []byte("abc"), Offset: attrBase,
				Text: "attribute .a-string (string) at offset 20: string is not NUL-terminated"}},
		},
		{
			name:  "scalar flagged nested",
			attrs: [][]byte{attr(aU32|wire.AttrNested, u32(1))},
			want: []decode.Node{{Name: "a-u32", Number: aU32, Type: schema.TypeU32, Kind: decode.KindError,
				Raw: u32(1), Offset: attrBase,
				Text: "attribute .a-u32 at offset 20 is flagged nested, but the schema types it u32"}},
		},
		{
			name:  "indexed-array element of the wrong size",
			attrs: [][]byte{nest(aArray, attr(0, u16(1)), attr(1, u32(2)))},
			want: []decode.Node{{Name: "a-array", Number: aArray, Type: schema.TypeIndexedArray, Kind: decode.KindList,
				Raw: cat(attr(0, u16(1)), attr(1, u32(2))), Offset: attrBase,
				Children: []decode.Node{
					{Number: 0, Type: schema.TypeU32, Kind: decode.KindError, Raw: u16(1), Offset: valueBase,
						Text: "element .a-array[0] (u32) at offset 24: length 2, want 4"},
					{Number: 1, Type: schema.TypeU32, Kind: decode.KindUint, Uint: 2, Raw: u32(2), Offset: valueBase + 8},
				}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := decodeJSON(t, fam, genlMsg(1, tc.attrs...))
			if diff := cmp.Diff(tc.want, m.Attrs, cmpNodes); diff != "" {
				t.Errorf("nodes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeMalformedJSON(t *testing.T) {
	fam := loadSpec(t, "demo.yaml", demoSpec)
	cases := []struct {
		name  string
		attrs [][]byte
		want  string
	}{
		{"flag with a value", [][]byte{attr(aFlag, []byte{1})},
			`{"a-flag":{"error":"attribute .a-flag (flag) at offset 20: a flag carries no value, have 1 bytes","offset":20,"hex":"01"}}`},
		{"bitfield32 of 4 bytes", [][]byte{attr(aBitfield, u32(1))},
			`{"a-bitfield":{"error":"attribute .a-bitfield (bitfield32) at offset 20: a bitfield32 needs 8 bytes, have 4","offset":20,"hex":"01000000"}}`},
		{"struct too short", [][]byte{attr(aStruct, u32(1))},
			`{"a-struct":{"error":"attribute .a-struct (binary) at offset 20: struct pair needs 8 bytes, have 4","offset":20,"hex":"01000000"}}`},
		{"array of u16 of odd length", [][]byte{attr(aU16Array, []byte{1, 2, 3})},
			`{"a-u16-array":{"error":"attribute .a-u16-array (binary) at offset 20: an array of u16 needs a multiple of 2 bytes, have 3","offset":20,"hex":"010203"}}`},
		{"exact length missed", [][]byte{attr(aExact, []byte{1})},
			`{"a-exact":{"error":"attribute .a-exact (binary) at offset 20: length 1, want exactly 4","offset":20,"hex":"01"}}`},
		{"uint of 3 bytes", [][]byte{attr(aUint, []byte{1, 2, 3})},
			`{"a-uint":{"error":"attribute .a-uint (uint) at offset 20: a uint needs 4 or 8 bytes, have 3","offset":20,"hex":"010203"}}`},
		{"empty string without NUL", [][]byte{attr(aString, nil), attr(aU8, []byte{1})},
			`{"a-string":{"error":"attribute .a-string (string) at offset 20: string is not NUL-terminated","offset":20,"hex":""},"a-u8":1}`},
		{"two framing errors fold into one array", [][]byte{nest(aNest, rawAttr(9, 1, nil)), rawAttr(3, 1, nil)},
			`{"a-nest":{"decode-error":{"error":"attribute at offset 24: length 9 runs past the end (4 bytes left)","offset":24,"hex":"09000100"}},` +
				`"decode-error":{"error":"attribute at offset 28: length 3 is shorter than the 4-byte header (4 bytes left)","offset":28,"hex":"03000100"}}`},
		{"nest-type-value with a bad entry", [][]byte{nest(aNTV, rawAttr(9, 1, nil))},
			`{"a-ntv":[{"error":"attribute at offset 24: length 9 runs past the end (4 bytes left)","offset":24,"hex":"09000100"}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, got := decodeJSON(t, fam, genlMsg(1, tc.attrs...))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeNestingLimit(t *testing.T) {
	fam := loadSpec(t, "demo.yaml", demoSpec)
	b := attr(1, u32(1))
	for range 40 {
		b = nest(3, b)
	}
	m, js := decodeJSON(t, fam, genlMsg(1, nest(aNest, b)))

	depth, n := 0, &m.Attrs[0]
	for len(n.Children) > 0 && n.Kind != decode.KindError {
		n, depth = &n.Children[0], depth+1
	}
	if n.Kind != decode.KindError || n.Text != "nesting deeper than 32 levels" {
		t.Errorf("innermost node = %+v, want the nesting limit error", n)
	}
	if depth != 33 {
		t.Errorf("error at depth %d, want 33", depth)
	}
	if !json.Valid([]byte(js)) {
		t.Errorf("invalid JSON: %s", js)
	}
}

func TestDecodeShortMessage(t *testing.T) {
	fam := loadSpec(t, "demo.yaml", demoSpec)
	d := decode.Decoder{Family: fam}
	_, err := d.Message(make([]byte, 19), nil)
	if err == nil || err.Error() != "generic netlink message needs 20 bytes, have 19" {
		t.Errorf("error = %v, want the short message error", err)
	}
}

func TestDecodeWithoutSchema(t *testing.T) {
	var d decode.Decoder
	m, err := d.Message(genlMsg(7, attr(1, u32(1)), nest(2, attr(1, nil))), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(render.AppendMessageJSON(nil, m)), `{"1":"01000000","2":{"1":""}}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	if m.Command != 7 || m.Version != 1 || m.Op != nil {
		t.Errorf("command %d version %d op %v, want 7, 1, nil", m.Command, m.Version, m.Op)
	}
}

func TestDecodeFixedHeader(t *testing.T) {
	fam := loadSpec(t, "demo.yaml", demoSpec)
	hdr := cat(u32(7), []byte("ab\x00\x00"), []byte{2, 0, 0, 0})
	cases := []struct {
		name string
		msg  []byte
		want string
	}{
		{"named fields then attributes", genlMsg(2, hdr, attr(aU8, []byte{1})), `{"ifindex":7,"label":"ab","color":"blue","a-u8":1}`},
		{"header only", genlMsg(2, hdr), `{"ifindex":7,"label":"ab","color":"blue"}`},
		{"header cut short", genlMsg(2, hdr[:6]),
			`{"decode-error":{"error":"fixed header hdr at offset 20 needs 12 bytes, have 6","offset":20,"hex":"070000006162"}}`},
		{"no header for an op without one", genlMsg(1, attr(aU8, []byte{1})), `{"a-u8":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, got := decodeJSON(t, fam, tc.msg)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}

	m, _ := decodeJSON(t, fam, genlMsg(2, hdr))
	want := []decode.Node{
		{Name: "ifindex", Number: 0, Type: schema.TypeU32, Kind: decode.KindUint, Uint: 7, Raw: u32(7), Offset: attrBase},
		{Name: "label", Number: 1, Type: schema.TypeString, Kind: decode.KindString, Raw: []byte("ab\x00\x00"), Offset: attrBase + 4},
		{Name: "color", Number: 2, Type: schema.TypeU8, Kind: decode.KindEnum, Uint: 2, Text: "blue", Raw: []byte{2}, Offset: attrBase + 8},
	}
	if diff := cmp.Diff(want, m.Header, cmpNodes); diff != "" {
		t.Errorf("header nodes mismatch (-want +got):\n%s", diff)
	}
}
