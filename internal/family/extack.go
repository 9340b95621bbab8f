package family

import (
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// ExtAckInfo is an extended ACK explained against the request as sent:
// the offending attribute by path, the policy it broke, and the missing
// attribute by name.
type ExtAckInfo struct {
	Message string
	// Offset is the offending attribute's offset in the request, or nil.
	Offset *uint32
	// Attr is the offending attribute's path, such as ".header.dev-name",
	// with numbers where the schema has no names.
	Attr string
	// Value is the offending attribute's value as sent, such as
	// "\"eth9\"" or "7", when it is a string or an integer.
	Value string
	// Policy is the rule the attribute broke, or nil.
	Policy *PolicyAttr
	// MissingType is the number of a missing attribute, or nil.
	MissingType *uint32
	// Missing names the missing attribute, MissingNest the nest it is
	// missing from ("" for the top level).
	Missing     string
	MissingNest string
}

// ExplainExtAck maps an extended ACK's offsets to attribute paths in the
// request, naming attributes from op's attribute set where there is one.
// hdrSize is the size of the family's fixed header.
func ExplainExtAck(ke *KernelError, op *schema.Op, hdrSize int) ExtAckInfo {
	x := ke.Message.ExtAck
	info := ExtAckInfo{Message: x.Message}
	var set *schema.AttrSet
	if op != nil {
		set = op.AttrSet()
	}
	start := wire.HeaderLen + wire.GenlHeaderLen + hdrSize

	if x.HasOffset {
		off := x.Offset
		info.Offset = &off
		var hit attrAt
		info.Attr, _, hit = pathAt(ke.Request, start, int(off), set)
		info.Value = hit.text()
	}
	if len(x.Policy) > 0 {
		var pa PolicyAttr
		for _, a := range x.Policy {
			_ = pa.parse(a)
		}
		info.Policy = &pa
	}
	if x.HasMissType {
		mt := x.MissType
		info.MissingType = &mt
		nestSet := set
		if x.HasMissNest {
			info.MissingNest, nestSet, _ = pathAt(ke.Request, start, int(x.MissNest), set)
		}
		info.Missing = attrLabel(nestSet, uint16(mt))
	}

	return info
}

// attrAt is the attribute an extended ACK offset points at, with the
// attribute set it belongs to.
type attrAt struct {
	raw   []byte          // the attribute, header included
	set   *schema.AttrSet // the set it belongs to
	start bool            // the offset is the attribute's first byte
}

// text returns the attribute's value for an error message: a string
// quoted, an integer in decimal with its enum or flag names. Other types,
// and an offset inside the attribute, give "".
func (h attrAt) text() string {
	if h.raw == nil || h.set == nil || !h.start {
		return ""
	}
	nodes := (&decode.Decoder{}).Attrs(h.set, h.raw, 0)
	if len(nodes) != 1 {
		return ""
	}
	n := nodes[0]
	switch n.Kind {
	case decode.KindString:
		return strconv.Quote(strings.TrimRight(string(n.Raw), "\x00"))
	case decode.KindUint:
		return strconv.FormatUint(n.Uint, 10)
	case decode.KindInt:
		return strconv.FormatInt(n.Int, 10)
	case decode.KindFlags:
		if len(n.Names) == 0 {
			return strconv.FormatUint(n.Uint, 10)
		}
		return strconv.FormatUint(n.Uint, 10) + " (" + strings.Join(n.Names, ",") + ")"
	case decode.KindEnum:
		if n.Text == "" {
			return strconv.FormatUint(n.Uint, 10)
		}
		return strconv.FormatUint(n.Uint, 10) + " (" + n.Text + ")"
	}

	return ""
}

// pathAt returns the path of the attribute that starts at or contains
// offset off of the request, the attribute set of its contents, and the
// attribute itself.
func pathAt(req []byte, start, off int, set *schema.AttrSet) (string, *schema.AttrSet, attrAt) {
	if start > len(req) {
		return "", nil, attrAt{}
	}

	path := ""
	var last attrAt
	b, base := req[start:], start
	for depth := 0; depth < 32; depth++ {
		s := wire.NewAttrScanner(b, base)
		var hit *wire.Attr
		seen := map[uint16]int{} // occurrences of each type before the hit
		for s.Next() {
			a := s.Attr()
			if off >= a.Offset && off < a.Offset+wire.Align(a.Length) {
				hit = &a
				break
			}
			seen[a.Type]++
		}
		if hit == nil {
			return path, set, last
		}

		path += "." + attrLabel(set, hit.Type)
		var sa *schema.Attr
		if set != nil {
			sa = set.ByNumber(hit.Type)
		}
		if sa != nil && sa.MultiAttr {
			// Name the occurrence as --attr indexes it: bit[1].
			path += "[" + strconv.Itoa(seen[hit.Type]) + "]"
		}
		last = attrAt{raw: req[hit.Offset:min(hit.Offset+hit.Length, len(req))], set: set, start: off == hit.Offset}
		var next *schema.AttrSet
		if sa != nil {
			next = sa.Nested()
		}
		if off == hit.Offset || (!hit.Nested && next == nil) {
			return path, next, last
		}
		b, base, set = hit.Value, hit.NestedBase(), next
	}

	return path, set, last
}

func attrLabel(set *schema.AttrSet, n uint16) string {
	if set != nil {
		if a := set.ByNumber(n); a != nil {
			return a.Name
		}
	}

	return strconv.Itoa(int(n))
}
