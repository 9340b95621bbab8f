package decode_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/render"
)

// subMessageSpec chooses the format of the data attributes by the value
// of a selector: kind (a string) at the same level or an enclosing one,
// or mode (an integer). The YNL format allows sub-messages only in
// netlink-raw specs.
const subMessageSpec = `
name: rawdemo
protocol: netlink-raw
protonum: 0
definitions:
  - name: vlan-hdr
    type: struct
    members:
      - {name: proto, type: u16, byte-order: big-endian}
      - {name: flags, type: u16}
attribute-sets:
  - name: link
    attributes:
      - {name: kind, type: string, value: 1}
      - {name: data, type: sub-message, sub-message: link-data, selector: kind, value: 2}
      - {name: info, type: nest, nested-attributes: info, value: 3}
      - {name: mode, type: u8, value: 4}
  - name: info
    attributes:
      - {name: data, type: sub-message, sub-message: link-data, selector: kind, value: 1}
      - {name: by-mode, type: sub-message, sub-message: mode-data, selector: mode, value: 2}
  - name: vlan-attrs
    attributes:
      - {name: id, type: u16, value: 1}
  - name: bond-attrs
    attributes:
      - {name: miimon, type: u32, value: 1}
sub-messages:
  - name: link-data
    formats:
      - {value: vlan, attribute-set: vlan-attrs}
      - {value: hdr, fixed-header: vlan-hdr, attribute-set: vlan-attrs}
      - {value: bare}
  - name: mode-data
    formats:
      - {value: "1", attribute-set: bond-attrs}
operations:
  list:
    - name: getlink
      value: 18
      attribute-set: link
      do:
        reply: {attributes: [kind, data]}
`

func TestDecodeSubMessage(t *testing.T) {
	fam := loadSpec(t, "rawdemo.yaml", subMessageSpec)
	set := fam.AttrSet("link")
	cases := []struct {
		name  string
		attrs [][]byte
		want  string
	}{
		{"string selector", [][]byte{attr(1, cstr("vlan")), nest(2, attr(1, u16(5)))}, `{"kind":"vlan","data":{"id":5}}`},
		{"fixed header then attributes", [][]byte{attr(1, cstr("hdr")), nest(2, be16(0x8100), u16(3), attr(1, u16(7)))},
			`{"kind":"hdr","data":{"proto":33024,"flags":3,"id":7}}`},
		{"fixed header cut short", [][]byte{attr(1, cstr("hdr")), attr(2, []byte{0x81})},
			`{"kind":"hdr","data":{"decode-error":{"error":"attribute .data (sub-message): fixed header vlan-hdr at offset 12 needs 4 bytes, have 1","offset":12,"hex":"81"}}}`},
		{"format without an attribute set", [][]byte{attr(1, cstr("bare")), nest(2, attr(9, []byte{1}))},
			`{"kind":"bare","data":{"9":"01"}}`},
		{"selector value without a format", [][]byte{attr(1, cstr("bogus")), nest(2, attr(1, u16(5)))},
			`{"kind":"bogus","data":"0600010005000000"}`},
		{"selector missing", [][]byte{nest(2, attr(1, u16(5)))}, `{"data":"0600010005000000"}`},
		{"selector after the sub-message", [][]byte{nest(2, attr(1, u16(5))), attr(1, cstr("vlan"))},
			`{"data":"0600010005000000","kind":"vlan"}`},
		{"selector in the enclosing level", [][]byte{attr(1, cstr("vlan")), nest(3, nest(1, attr(1, u16(6))))},
			`{"kind":"vlan","info":{"data":{"id":6}}}`},
		{"integer selector", [][]byte{attr(4, []byte{1}), nest(3, nest(2, attr(1, u32(100))))},
			`{"mode":1,"info":{"by-mode":{"miimon":100}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nodes := (&decode.Decoder{Family: fam}).Attrs(set, cat(tc.attrs...), 0)
			got := render.AppendNodesJSON(nil, nodes)
			if !json.Valid(got) {
				t.Fatalf("invalid JSON: %s", got)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
