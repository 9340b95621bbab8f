package decode_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/decode"
)

// obj builds an Object from alternating keys and values.
func obj(kv ...any) *decode.Object {
	o := &decode.Object{}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Fields = append(o.Fields, decode.Field{Key: kv[i].(string), Value: kv[i+1]})
	}

	return o
}

func arr(v ...decode.Value) []decode.Value { return v }

func TestSetPath(t *testing.T) {
	cases := []struct {
		name string
		// attrs are --attr arguments, PATH=VALUE.
		attrs []string
		want  *decode.Object
	}{
		{"one value", []string{"ifindex=1"}, obj("ifindex", "1")},
		{"value kept as text", []string{"name= eth0 "}, obj("name", " eth0 ")},
		{"empty value", []string{"flag="}, obj("flag", "")},
		{"value containing =", []string{"key=a=b"}, obj("key", "a=b")},
		{"nest", []string{"header.dev-name=eth0"}, obj("header", obj("dev-name", "eth0"))},
		{"nest reused", []string{"header.dev-name=eth0", "header.flags=1"}, obj("header", obj("dev-name", "eth0", "flags", "1"))},
		{"order of first appearance", []string{"b=1", "a.x=2", "b=3"}, obj("b", arr("1", "3"), "a", obj("x", "2"))},
		{"repeat makes occurrences", []string{"id=1", "id=2", "id=3"}, obj("id", arr("1", "2", "3"))},
		{"repeat inside a nest", []string{"s.id=1", "s.id=2"}, obj("s", obj("id", arr("1", "2")))},
		{"index", []string{"bits.bit[0].name=gro", "bits.bit[0].value=true"},
			obj("bits", obj("bit", arr(obj("name", "gro", "value", "true"))))},
		{"indexes in any order", []string{"bit[1].name=tso", "bit[0].name=gro"},
			obj("bit", arr(obj("name", "gro"), obj("name", "tso")))},
		{"index leaves gaps as null", []string{"q[2]=x"}, obj("q", arr(nil, nil, "x"))},
		{"index of a scalar list", []string{"q[0]=1", "q[1]=2"}, obj("q", arr("1", "2"))},
		{"repeat after an index appends", []string{"q[0]=1", "q=2"}, obj("q", arr("1", "2"))},
		{"deep nesting", []string{"a.b[1].c.d=1"}, obj("a", obj("b", arr(nil, obj("c", obj("d", "1")))))},
		{"largest index", []string{"q[65535]=1"}, obj("q", append(make([]decode.Value, 65535), "1"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := &decode.Object{}
			for _, a := range tc.attrs {
				path, value, _ := strings.Cut(a, "=")
				if err := decode.SetPath(got, path, value); err != nil {
					t.Fatalf("SetPath(%q, %q): %v", path, value, err)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("object mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetPathErrors(t *testing.T) {
	cases := []struct {
		name    string
		attrs   []string
		wantErr string
	}{
		{"empty path", []string{"=1"}, "empty attribute path"},
		{"empty name", []string{"a..b=1"}, `attribute path "a..b": empty name between dots`},
		{"leading dot", []string{".a=1"}, "empty name between dots"},
		{"value then nest", []string{"a=1", "a.b=2"}, "a is set to a value, so it cannot also have nested attributes"},
		{"nest then value", []string{"a.b=1", "a=2"}, "a has nested attributes, so it cannot also be set to a value"},
		{"value then index", []string{"a=1", "a[0]=2"}, "a is used both with and without an index"},
		{"nest then index", []string{"a.b=1", "a[0]=2"}, "a is used both with and without an index"},
		{"indexed value then nest", []string{"a[0]=1", "a[0].b=2"}, "a[0] is set to a value, so it cannot also have nested attributes"},
		{"index given twice", []string{"a[0]=1", "a[0]=2"}, "a[0] is given twice"},
		{"indexed nest then value", []string{"a[0].b=1", "a[0]=2"}, "a[0] is given twice"},
		{"index not a number", []string{"a[x]=1"}, `"a[x]": the index must be a number from 0 to 65535`},
		{"negative index", []string{"a[-1]=1"}, "the index must be a number from 0 to 65535"},
		{"index too large", []string{"a[65536]=1"}, "the index must be a number from 0 to 65535"},
		{"unclosed index", []string{"a[1=1"}, `"a[1": write an index as NAME[N]`},
		{"index without a name", []string{"[1]=1"}, "write an index as NAME[N]"},
		{"text after the index", []string{"a[1]b=1"}, "write an index as NAME[N]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := &decode.Object{}
			var err error
			for _, a := range tc.attrs {
				path, value, _ := strings.Cut(a, "=")
				if err = decode.SetPath(root, path, value); err != nil {
					break
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseJSON(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want decode.Value
	}{
		{"member order kept", `{"b": 1, "a": 2, "c": 3}`, obj("b", json.Number("1"), "a", json.Number("2"), "c", json.Number("3"))},
		{"u64 max exact", `{"n": 18446744073709551615}`, obj("n", json.Number("18446744073709551615"))},
		{"above 2^53 exact", `{"n": 9007199254740993}`, obj("n", json.Number("9007199254740993"))},
		{"s64 min exact", `{"n": -9223372036854775808}`, obj("n", json.Number("-9223372036854775808"))},
		{"number text kept", `{"n": 1e3, "f": 0.10}`, obj("n", json.Number("1e3"), "f", json.Number("0.10"))},
		{"every kind", `{"s": "x", "t": true, "f": false, "z": null, "a": [1, "2"], "o": {}}`,
			obj("s", "x", "t", true, "f", false, "z", nil, "a", arr(json.Number("1"), "2"), "o", obj())},
		{"nested order", `{"h": {"y": 1, "x": {"k": [{"b": 1, "a": 2}]}}}`,
			obj("h", obj("y", json.Number("1"), "x", obj("k", arr(obj("b", json.Number("1"), "a", json.Number("2"))))))},
		{"empty array", `{"a": []}`, obj("a", []decode.Value{})},
		{"escapes", `{"s": "a\"b\\c\u00e9\n"}`, obj("s", "a\"b\\cé\n")},
		{"top-level array", `[1, {"a": 1}]`, arr(json.Number("1"), obj("a", json.Number("1")))},
		{"top-level string", `"x"`, "x"},
		{"white space around", " \n{\"a\": 1}\n ", obj("a", json.Number("1"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode.ParseJSON([]byte(tc.doc))
			if err != nil {
				t.Fatalf("ParseJSON(%s): %v", tc.doc, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("value mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"empty", ``, "the JSON document ends early at byte 0"},
		{"truncated object", `{"a": `, "ends early"},
		{"truncated array", `{"a": [1,`, "ends early"},
		{"unquoted key", `{a: 1}`, "invalid JSON at byte 1"},
		{"trailing comma", `{"a": 1,}`, "invalid JSON"},
		{"two documents", `{} {}`, "unexpected data after the JSON document at byte"},
		{"trailing garbage", `{"a": 1} x`, "unexpected data after the JSON document at byte 9"},
		{"duplicate key", `{"a": 1, "a": 2}`, `duplicate key "a"`},
		{"duplicate nested key", `{"h": {"x": 1, "x": 1}}`, `duplicate key "x"`},
		{"bad literal", `{"a": tru}`, "invalid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode.ParseJSON([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseJSON(%q) error = %v, want one containing %q", tc.doc, err, tc.wantErr)
			}
		})
	}
}

func TestObjectGet(t *testing.T) {
	o := obj("a", "1", "b", nil)
	cases := []struct {
		key       string
		wantValue decode.Value
		wantFound bool
	}{
		{"a", "1", true},
		{"b", nil, true},
		{"c", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			v, found := o.Get(tc.key)
			if diff := cmp.Diff(tc.wantValue, v); diff != "" || found != tc.wantFound {
				t.Errorf("Get(%q) = %v, %v; want %v, %v", tc.key, v, found, tc.wantValue, tc.wantFound)
			}
		})
	}
}

// TestSetPathMatchesJSON checks that --attr paths and the JSON nlctl
// prints build the same request value.
func TestSetPathMatchesJSON(t *testing.T) {
	cases := []struct {
		name  string
		attrs []string
		doc   string
	}{
		{"nest", []string{"header.dev-name=eth0", "header.flags=1"}, `{"header": {"dev-name": "eth0", "flags": "1"}}`},
		{"indexed list of nests", []string{"bits.bit[0].name=gro", "bits.bit[0].value=true", "bits.bit[1].index=3"},
			`{"bits": {"bit": [{"name": "gro", "value": "true"}, {"index": "3"}]}}`},
		{"occurrences", []string{"id=1", "id=2"}, `{"id": ["1", "2"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fromAttrs := &decode.Object{}
			for _, a := range tc.attrs {
				path, value, _ := strings.Cut(a, "=")
				if err := decode.SetPath(fromAttrs, path, value); err != nil {
					t.Fatalf("SetPath(%q): %v", a, err)
				}
			}
			fromJSON, err := decode.ParseJSON([]byte(tc.doc))
			if err != nil {
				t.Fatalf("ParseJSON: %v", err)
			}
			if diff := cmp.Diff(fromJSON, decode.Value(fromAttrs)); diff != "" {
				t.Errorf("--attr and --json differ (-json +attr):\n%s", diff)
			}
		})
	}
}

func TestCheckIndexesGap(t *testing.T) {
	root := &decode.Object{}
	if err := decode.SetPath(root, "bits.bit[1].name", "gro"); err != nil {
		t.Fatal(err)
	}

	err := decode.CheckIndexes(root)
	if err == nil || !strings.Contains(err.Error(), "bits.bit[0] is missing") {
		t.Errorf("CheckIndexes error = %v, want one naming bits.bit[0]", err)
	}
}

func TestCheckIndexesComplete(t *testing.T) {
	root := &decode.Object{}
	for _, p := range []string{"bits.bit[0].name", "bits.bit[1].name"} {
		if err := decode.SetPath(root, p, "x"); err != nil {
			t.Fatal(err)
		}
	}

	if err := decode.CheckIndexes(root); err != nil {
		t.Errorf("CheckIndexes = %v, want nil", err)
	}
}

func TestNearestPrefix(t *testing.T) {
	got := decode.Nearest("linkinfo", []string{"strset-get", "linkinfo-get", "linkinfo-set"})
	if got != "linkinfo-get" {
		t.Errorf("Nearest(linkinfo) = %q, want linkinfo-get", got)
	}
}

func TestAddRawAttr(t *testing.T) {
	set := loadBuiltinSchema(t, "ethtool").AttrSet("linkinfo")
	type raw struct {
		path  []uint16
		value []byte
	}
	cases := []struct {
		name  string
		start *decode.Object
		raws  []raw
		want  *decode.Object
	}{
		{"top level", obj(), []raw{{[]uint16{9}, []byte{1, 2}}}, obj("9", "0102")},
		{"into a nest given by name", obj("header", obj("dev-name", "va")), []raw{{[]uint16{1, 9}, []byte{5}}},
			obj("header", obj("dev-name", "va", "9", "05"))},
		{"into a nest given by number", obj("7", obj("1", "aa")), []raw{{[]uint16{7, 2}, []byte{0xbb}}},
			obj("7", obj("1", "aa", "2", "bb"))},
		{"new nest by number", obj(), []raw{{[]uint16{1, 2}, nil}, {[]uint16{1, 3}, []byte{1}}},
			obj("1", obj("2", "", "3", "01"))},
		{"repeat makes occurrences", obj(), []raw{{[]uint16{4}, []byte{1}}, {[]uint16{4}, []byte{2}}},
			obj("4", arr("01", "02"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range tc.raws {
				decode.AddRawAttr(tc.start, set, r.path, r.value)
			}
			if diff := cmp.Diff(tc.want, tc.start); diff != "" {
				t.Errorf("object mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
