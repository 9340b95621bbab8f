package decode

import (
	"fmt"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 32

// Decoder decodes the messages of one family. A nil Family decodes every
// attribute as unknown. It keeps no state between calls.
type Decoder struct {
	Family *schema.Family
}

// Message decodes one generic netlink message. raw is the whole message,
// nlmsghdr included, so that offsets count from its first byte. op selects
// the op whose reply this is; when nil, the op is looked up by the
// message's command.
func (d *Decoder) Message(raw []byte, op *schema.Op) (*Message, error) {
	if len(raw) < wire.HeaderLen+wire.GenlHeaderLen {
		return nil, fmt.Errorf("generic netlink message needs %d bytes, have %d", wire.HeaderLen+wire.GenlHeaderLen, len(raw))
	}

	m := &Message{Command: raw[wire.HeaderLen], Version: raw[wire.HeaderLen+1], Op: op}
	if m.Op == nil && d.Family != nil {
		m.Op = d.Family.OpByReply(uint16(m.Command))
	}

	off := wire.HeaderLen + wire.GenlHeaderLen
	st := &state{raw: raw}
	if hdr := d.fixedHeader(m.Op); hdr != nil {
		n := hdr.Size()
		if off+n > len(raw) {
			m.Header = []Node{errorNode("fixed header "+hdr.Name, off, raw[off:],
				fmt.Sprintf("needs %d bytes, have %d", n, len(raw)-off))}
			return m, nil
		}
		m.Header = st.structMembers(hdr, raw[off:off+n], off, 0)
		off += n
	}

	var set *schema.AttrSet
	if m.Op != nil {
		set = m.Op.AttrSet()
	}
	m.Attrs = st.attrs(set, raw[off:], off, 0)

	return m, nil
}

func (d *Decoder) fixedHeader(op *schema.Op) *schema.Definition {
	if op != nil && op.FixedHeader() != nil {
		return op.FixedHeader()
	}
	if d.Family != nil {
		return d.Family.FixedHeader()
	}

	return nil
}

// Attrs decodes a run of attributes of set found at offset base of raw.
func (d *Decoder) Attrs(set *schema.AttrSet, raw []byte, base int) []Node {
	st := &state{raw: raw}
	return st.attrs(set, raw, base, 0)
}

// state is the context of one message's decode: the enclosing levels, for
// error paths and for finding sub-message selectors.
type state struct {
	raw    []byte
	levels []level
}

type level struct {
	name  string
	nodes *[]Node
}

func (st *state) path(name string) string {
	var b strings.Builder
	for _, l := range st.levels {
		if l.name != "" {
			b.WriteString("." + l.name)
		}
	}
	b.WriteString("." + name)

	return b.String()
}

// attrs decodes the attributes in b, which starts at offset base.
func (st *state) attrs(set *schema.AttrSet, b []byte, base, depth int) []Node {
	nodes := make([]Node, 0, 8)
	if depth > maxDepth {
		return append(nodes, errorNode("", base, b, fmt.Sprintf("nesting deeper than %d levels", maxDepth)))
	}

	s := wire.NewAttrScanner(b, base)
	for s.Next() {
		a := s.Attr()
		var sa *schema.Attr
		if set != nil {
			sa = set.ByNumber(a.Type)
		}
		if sa == nil || sa.Type == schema.TypeUnused {
			nodes = append(nodes, st.unknown(a, depth))
			continue
		}
		nodes = append(nodes, st.attr(sa, a, &nodes, depth))
	}
	if err := s.Err(); err != nil {
		rest, off := s.Rest()
		nodes = append(nodes, errorNode("", off, rest, err.Error()))
	}

	return nodes
}

// unknown keeps an attribute the schema lacks. One flagged NLA_F_NESTED
// is decoded as a nest of unknown attributes when its contents parse.
func (st *state) unknown(a wire.Attr, depth int) Node {
	n := Node{Number: a.Type, Kind: KindUnknown, Raw: a.Value, Offset: a.Offset}
	if a.Nested {
		if _, err := wire.ParseAttrs(a.Value, a.NestedBase()); err == nil {
			n.Kind = KindNest
			n.Children = st.attrs(nil, a.Value, a.NestedBase(), depth+1)
		}
	}

	return n
}

func (st *state) attr(sa *schema.Attr, a wire.Attr, siblings *[]Node, depth int) Node {
	n := Node{Name: sa.Name, Number: a.Type, Type: sa.Type, Hint: sa.DisplayHint, Multi: sa.MultiAttr,
		Raw: a.Value, Offset: a.Offset}

	switch sa.Type {
	case schema.TypeNest, schema.TypeIndexedArray, schema.TypeNestTypeValue, schema.TypeSubMessage:
		st.levels = append(st.levels, level{name: sa.Name, nodes: siblings})
		defer func() { st.levels = st.levels[:len(st.levels)-1] }()
		st.nested(&n, sa, a, depth)
		return n
	}
	if a.Nested {
		return st.mismatch(n, fmt.Sprintf("is flagged nested, but the schema types it %s", sa.Type))
	}

	st.scalar(&n, sa, a)
	if n.Kind == KindError {
		n.Text = fmt.Sprintf("attribute %s (%s) at offset %d: %s", st.path(sa.Name), sa.Type, a.Offset, n.Text)
	}

	return n
}

func (st *state) mismatch(n Node, why string) Node {
	n.Kind = KindError
	n.Text = fmt.Sprintf("attribute %s at offset %d %s", st.path(n.Name), n.Offset, why)

	return n
}

func (st *state) nested(n *Node, sa *schema.Attr, a wire.Attr, depth int) {
	base := a.NestedBase()
	switch sa.Type {
	case schema.TypeNest:
		n.Kind = KindNest
		n.Children = st.attrs(sa.Nested(), a.Value, base, depth+1)
	case schema.TypeIndexedArray:
		n.Kind = KindList
		n.Children = st.indexedArray(sa, a.Value, base, depth+1)
	case schema.TypeNestTypeValue:
		n.Kind = KindList
		n.Children = st.typeValue(sa, sa.TypeValue, a.Value, base, depth+1)
	case schema.TypeSubMessage:
		st.subMessage(n, sa, a, depth)
	}
}

// indexedArray decodes a nest whose children are array elements; each
// child's type number is its index.
func (st *state) indexedArray(sa *schema.Attr, b []byte, base, depth int) []Node {
	var elems []Node
	s := wire.NewAttrScanner(b, base)
	for s.Next() {
		a := s.Attr()
		e := Node{Number: a.Type, Type: sa.SubType, Hint: sa.DisplayHint, Raw: a.Value, Offset: a.Offset}
		switch {
		case sa.SubType == schema.TypeNest || sa.Nested() != nil && sa.SubType == schema.TypeNone:
			e.Kind = KindNest
			e.Children = st.attrs(sa.Nested(), a.Value, a.NestedBase(), depth+1)
		default:
			elem := schema.Attr{Name: sa.Name, Type: sa.SubType, ByteOrder: sa.ByteOrder, DisplayHint: sa.DisplayHint}
			st.scalar(&e, &elem, a)
		}
		elems = append(elems, e)
	}
	if err := s.Err(); err != nil {
		rest, off := s.Rest()
		elems = append(elems, errorNode("", off, rest, err.Error()))
	}

	return elems
}

// typeValue decodes a nest-type-value level: each child's type number is a
// value (named by names[0]) and its contents are the next level.
func (st *state) typeValue(sa *schema.Attr, names []string, b []byte, base, depth int) []Node {
	var elems []Node
	s := wire.NewAttrScanner(b, base)
	for s.Next() {
		a := s.Attr()
		e := Node{Number: a.Type, Kind: KindNest, Raw: a.Value, Offset: a.Offset}
		if len(names) > 0 {
			e.Name = names[0]
		}
		if len(names) > 1 {
			e.Kind = KindList
			e.Children = st.typeValue(sa, names[1:], a.Value, a.NestedBase(), depth+1)
		} else {
			e.Children = st.attrs(sa.Nested(), a.Value, a.NestedBase(), depth+1)
		}
		elems = append(elems, e)
	}
	if err := s.Err(); err != nil {
		rest, off := s.Rest()
		elems = append(elems, errorNode("", off, rest, err.Error()))
	}

	return elems
}

// subMessage decodes an attribute whose format depends on the value of a
// selector attribute decoded earlier at this level or an enclosing one.
func (st *state) subMessage(n *Node, sa *schema.Attr, a wire.Attr, depth int) {
	sm := sa.SubMessage()
	value, found := st.selector(sa.Selector)
	var format *schema.SubMessageFormat
	if sm != nil && found {
		format = sm.Format(value)
	}
	if format == nil {
		n.Kind = KindBytes
		n.Hint = schema.DisplayHex
		return
	}

	n.Kind = KindNest
	off := a.NestedBase()
	b := a.Value
	if hdr := format.FixedHeader(); hdr != nil {
		size := hdr.Size()
		if size > len(b) {
			n.Children = []Node{errorNode(hdr.Name, off, b, fmt.Sprintf("fixed header needs %d bytes, have %d", size, len(b)))}
			return
		}
		n.Children = st.structMembers(hdr, b[:size], off, depth+1)
		b, off = b[size:], off+size
	}
	n.Children = append(n.Children, st.attrs(format.AttrSet(), b, off, depth+1)...)
}

// selector finds the value of the named attribute, searching the current
// level first and then the enclosing ones.
func (st *state) selector(name string) (string, bool) {
	for i := len(st.levels) - 1; i >= 0; i-- {
		for _, sib := range *st.levels[i].nodes {
			if sib.Name != name {
				continue
			}
			switch sib.Kind {
			case KindString:
				return trimNUL(sib.Raw), true
			case KindEnum:
				return sib.Text, true
			case KindUint:
				return fmt.Sprint(sib.Uint), true
			}
		}
	}

	return "", false
}

func errorNode(name string, off int, raw []byte, why string) Node {
	return Node{Name: name, Kind: KindError, Offset: off, Raw: raw, Text: why}
}

func trimNUL(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		return string(b[:i])
	}

	return string(b)
}
