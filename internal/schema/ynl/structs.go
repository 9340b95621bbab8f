package ynl

import (
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
)

// isMemberType reports whether a struct member may have type t.
func isMemberType(t schema.Type) bool {
	return t.IsInteger() && t != schema.TypeUint && t != schema.TypeSint ||
		t == schema.TypeString || t == schema.TypeBinary || t == schema.TypePad
}

// members loads the members of a struct.
func (l *loader) members(n node, d *schema.Definition) error {
	elems, err := l.items(n)
	if err != nil {
		return err
	}

	d.Members = make([]schema.Member, len(elems))
	for i, e := range elems {
		m := &d.Members[i]
		if err := l.member(e, m); err != nil {
			return err
		}

		for j := range i {
			if d.Members[j].Name == m.Name {
				return l.errorf(e, "duplicate member %q", m.Name)
			}
		}
	}

	return nil
}

// member loads one struct member.
func (l *loader) member(e node, m *schema.Member) error {
	kv, err := l.pairs(e)
	if err != nil {
		return err
	}

	var lenNode node
	for _, p := range kv {
		if p.key == "len" {
			lenNode = p.value
			continue
		}

		if err := l.memberKey(p, m); err != nil {
			return err
		}
	}

	if m.Name == "" {
		return l.errorf(e, "missing key \"name\"")
	}

	if m.Type == schema.TypeNone {
		return l.errorf(e, "member %q: missing key \"type\"", m.Name)
	}

	if lenNode.Node != nil {
		if m.Len, err = l.length(lenNode); err != nil {
			return err
		}
	}

	return l.checkMemberLen(e, m)
}

// memberKey loads one key of a struct member.
func (l *loader) memberKey(p pair, m *schema.Member) error {
	var err error

	switch p.key {
	case "name":
		m.Name, err = l.name(p.value)
	case "type":
		m.Type, err = l.typeOf(p.value, true)
	case "byte-order":
		m.ByteOrder, err = l.byteOrder(p.value)
	case "display-hint":
		m.DisplayHint, err = l.displayHint(p.value)
	case "enum":
		m.EnumName, err = l.enumRef(p.value)
	case "enum-as-flags":
		m.EnumAsFlags, err = l.boolean(p.value)
	case "struct":
		m.StructName, err = l.structRef(p.value)
	case "doc":
		// Documentation only.
	default:
		l.unknownKey(p)
	}

	return err
}

// checkMemberLen requires a length for members whose type has no fixed
// size, because a struct's layout must be known to decode it.
func (l *loader) checkMemberLen(e node, m *schema.Member) error {
	switch m.Type {
	case schema.TypePad, schema.TypeString:
		if m.Len == 0 {
			return l.errorf(e, "member %q of type %s needs a len", m.Name, m.Type)
		}
	case schema.TypeBinary:
		if m.Len == 0 && m.StructName == "" {
			return l.errorf(e, "member %q of type binary needs a len or a struct", m.Name)
		}
	default:
		if m.StructName != "" {
			return l.errorf(e, "member %q: struct is only allowed on a binary member", m.Name)
		}
	}

	return nil
}

// length reads a len-or-define value: an integer, the name of an integer
// const, or "NAME - 1".
func (l *loader) length(n node) (int, error) {
	var v int64
	var err error

	if n.isInt() {
		v, err = l.integer(n)
	} else {
		v, err = l.lengthExpr(n)
	}

	if err != nil {
		return 0, err
	}

	if v < 0 || v > maxInt {
		return 0, l.errorf(n, "length %d is out of range 0 to %d", v, maxInt)
	}

	return int(v), nil
}

// lengthExpr evaluates a length given as a string.
func (l *loader) lengthExpr(n node) (int64, error) {
	s, err := l.str(n)
	if err != nil {
		return 0, err
	}

	s = strings.TrimSpace(s)
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		return v, nil
	}

	name, minusOne := strings.CutSuffix(s, " - 1")
	v, err := l.constInt(n, strings.TrimSpace(name))
	if err != nil {
		return 0, err
	}

	if minusOne {
		v--
	}

	return v, nil
}
