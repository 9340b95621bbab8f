package decode

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 32

// Decoder decodes the messages of one family. A nil Family decodes every
// attribute as unknown. Unless Reuse is set, it keeps no state between
// calls.
type Decoder struct {
	Family *schema.Family
	// Reuse makes each call to Message reuse the memory of the message the
	// previous call returned, which is no longer valid then. A caller that
	// renders every message before decoding the next sets it, because the
	// allocation of nodes costs about a quarter of a dump's decoding time.
	Reuse bool

	// nodes is the memory the node slices of a message take when Reuse is
	// set, used its first used elements, and strs and usedStrs the same for
	// flag names. msg is the message returned, and levels the memory of a
	// decode's enclosing levels.
	nodes    []Node
	used     int
	strs     []string
	usedStrs int
	msg      Message
	levels   []level
}

// minNodes is how many nodes the reused memory holds at first.
const minNodes = 256

// Message decodes one generic netlink message. raw is the whole message,
// nlmsghdr included, so that offsets count from its first byte. op selects
// the op whose reply this is; when nil, the op is looked up by the
// message's command.
func (d *Decoder) Message(raw []byte, op *schema.Op) (*Message, error) {
	if len(raw) < wire.HeaderLen+wire.GenlHeaderLen {
		return nil, fmt.Errorf("generic netlink message needs %d bytes, have %d", wire.HeaderLen+wire.GenlHeaderLen, len(raw))
	}

	var m *Message
	if d.Reuse {
		d.used, d.usedStrs = 0, 0
		m = &d.msg
	} else {
		m = new(Message)
	}
	*m = Message{Command: raw[wire.HeaderLen], Version: raw[wire.HeaderLen+1], Op: op}
	if m.Op == nil && d.Family != nil {
		m.Op = d.Family.OpByReply(uint16(m.Command))
	}

	off := wire.HeaderLen + wire.GenlHeaderLen
	st := &state{raw: raw, dec: d}
	if d.Reuse {
		st.levels = d.levels[:0]
		defer func() { d.levels = st.levels[:0] }()
	}
	if hdr := d.fixedHeader(m.Op); hdr != nil {
		n := hdr.Size()
		if off+n > len(raw) {
			m.Header = []Node{errorNode("", off, raw[off:],
				fmt.Sprintf("fixed header %s at offset %d needs %d bytes, have %d", hdr.Name, off, n, len(raw)-off))}
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
	// dec is the decoder, whose memory Reuse lets the nodes take; nil
	// allocates every node slice.
	dec    *Decoder
	raw    []byte
	levels []level
}

type level struct {
	name string
	// nodes are the attributes decoded before this level's nest, at the
	// level that holds it.
	nodes []Node
}

func (st *state) path(name string) string {
	return st.levelPath() + "." + name
}

// levelPath returns the names of the enclosing levels, each after a dot.
func (st *state) levelPath() string {
	var b strings.Builder
	for _, l := range st.levels {
		if l.name != "" {
			b.WriteString("." + l.name)
		}
	}

	return b.String()
}

// attrs decodes the attributes in b, which starts at offset base.
func (st *state) attrs(set *schema.AttrSet, b []byte, base, depth int) []Node {
	nodes := st.alloc(countAttrs(b))
	if depth > maxDepth {
		return append(nodes, errorNode("", base, b, fmt.Sprintf("nesting deeper than %d levels", maxDepth)))
	}

	// Each node is decoded in place: countAttrs sized nodes for every
	// attribute the scanner returns, so appending never moves them.
	s := wire.NewAttrScanner(b, base)
	for s.Next() {
		a := s.Attr()
		var sa *schema.Attr
		if set != nil {
			sa = set.ByNumber(a.Type)
		}
		nodes = append(nodes, Node{})
		n := &nodes[len(nodes)-1]
		if sa == nil || sa.Type == schema.TypeUnused {
			st.unknown(n, a, depth)
			continue
		}
		st.attr(n, sa, a, nodes[:len(nodes)-1], depth)
	}
	if err := s.Err(); err != nil {
		rest, off := s.Rest()
		nodes = append(nodes, errorNode("", off, rest, err.Error()))
	}

	return nodes
}

// alloc returns an empty slice with room for n nodes: a part of the
// decoder's memory when Reuse is set, new memory otherwise. When the
// memory is used up, a larger block replaces it, and the nodes already
// handed out keep the old one.
func (st *state) alloc(n int) []Node {
	d := st.dec
	if d == nil || !d.Reuse {
		return make([]Node, 0, n)
	}

	if d.used+n > len(d.nodes) {
		d.nodes = make([]Node, max(2*len(d.nodes), n, minNodes))
		d.used = 0
	}
	nodes := d.nodes[d.used : d.used : d.used+n]
	d.used += n

	return nodes
}

// names returns an empty slice with room for n flag names, from the
// decoder's memory as alloc does for nodes.
func (st *state) names(n int) []string {
	d := st.dec
	if d == nil || !d.Reuse {
		return make([]string, 0, n)
	}

	// One more than n: a name for the unknown bits may follow.
	n++
	if d.usedStrs+n > len(d.strs) {
		d.strs = make([]string, max(2*len(d.strs), n, minNodes))
		d.usedStrs = 0
	}
	names := d.strs[d.usedStrs : d.usedStrs : d.usedStrs+n]
	d.usedStrs += n

	return names
}

// countAttrs returns the number of attribute headers in b, so that the
// nodes of one level take one allocation of the right size. It stops at
// the first malformed header, where the scanner reports the error.
func countAttrs(b []byte) int {
	n := 0
	for len(b) >= wire.AttrHeaderLen {
		l := int(binary.NativeEndian.Uint16(b))
		if l < wire.AttrHeaderLen || l > len(b) {
			return n + 1
		}
		n++
		b = b[min(wire.Align(l), len(b)):]
	}

	return n
}

// unknown keeps an attribute the schema lacks in the zero node n. One
// flagged NLA_F_NESTED is decoded as a nest of unknown attributes when its
// contents parse.
func (st *state) unknown(n *Node, a wire.Attr, depth int) {
	n.Number, n.Kind, n.Raw, n.Offset = a.Type, KindUnknown, a.Value, a.Offset
	if a.Nested {
		if _, err := wire.ParseAttrs(a.Value, a.NestedBase()); err == nil {
			n.Kind = KindNest
			n.Children = st.attrs(nil, a.Value, a.NestedBase(), depth+1)
		}
	}
}

// attr decodes attribute a, described by sa, into the zero node n.
// siblings are the attributes decoded before it at its level.
func (st *state) attr(n *Node, sa *schema.Attr, a wire.Attr, siblings []Node, depth int) {
	// n is a zero node: setting fields one by one avoids copying a whole
	// Node through the write barrier.
	n.Name, n.Number, n.Type, n.Hint, n.Multi = sa.Name, a.Type, sa.Type, sa.DisplayHint, sa.MultiAttr
	n.Raw, n.Offset = a.Value, a.Offset

	switch sa.Type {
	case schema.TypeNest, schema.TypeIndexedArray, schema.TypeNestTypeValue, schema.TypeSubMessage:
		st.levels = append(st.levels, level{name: sa.Name, nodes: siblings})
		st.nested(n, sa, a, depth)
		st.levels = st.levels[:len(st.levels)-1]
		return
	}
	if a.Nested {
		st.mismatch(n, fmt.Sprintf("is flagged nested, but the schema types it %s", sa.Type))
		return
	}

	st.scalar(n, sa, a)
	if n.Kind == KindError {
		n.Text = fmt.Sprintf("attribute %s (%s) at offset %d: %s", st.path(sa.Name), sa.Type, a.Offset, n.Text)
	}
}

func (st *state) mismatch(n *Node, why string) {
	n.Kind = KindError
	n.Text = fmt.Sprintf("attribute %s at offset %d %s", st.path(n.Name), n.Offset, why)
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
			if e.Kind == KindError {
				e.Text = fmt.Sprintf("element %s[%d] (%s) at offset %d: %s", st.levelPath(), a.Type, sa.SubType, a.Offset, e.Text)
			}
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
			n.Children = []Node{errorNode("", off, b, fmt.Sprintf("attribute %s (sub-message): fixed header %s at offset %d needs %d bytes, have %d",
				st.levelPath(), hdr.Name, off, size, len(b)))}
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
		for j := range st.levels[i].nodes {
			sib := &st.levels[i].nodes[j]
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
