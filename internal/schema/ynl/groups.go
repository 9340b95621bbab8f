package ynl

import (
	"math"
	"slices"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
)

// mcastGroups loads the multicast groups.
func (l *loader) mcastGroups(n node) error {
	kv, err := l.pairs(n)
	if err != nil {
		return err
	}

	var list node
	for _, p := range kv {
		if p.key == "list" {
			list = p.value
		} else {
			l.unknownKey(p)
		}
	}

	elems, err := l.items(list)
	if err != nil {
		return err
	}

	l.groups = make(map[string]bool, len(elems))
	l.fam.McastGroups = make([]schema.McastGroup, len(elems))

	for i, e := range elems {
		g := &l.fam.McastGroups[i]
		if err := l.mcastGroup(e, g); err != nil {
			return err
		}

		if l.groups[g.Name] {
			return l.errorf(e, "duplicate multicast group %q", g.Name)
		}

		l.groups[g.Name] = true
	}

	return nil
}

// mcastGroup loads one multicast group.
func (l *loader) mcastGroup(e node, g *schema.McastGroup) error {
	kv, err := l.pairs(e)
	if err != nil {
		return err
	}

	for _, p := range kv {
		var v uint64

		switch p.key {
		case "name":
			g.Name, err = l.name(p.value)
		case "value":
			v, err = l.uintRange(p.value, math.MaxUint32)
			g.Value = uint32(v)
		case "flags":
			g.Flags, err = l.enumList(p.value, "admin-perm", "uns-admin-perm")
		case "doc", "c-define-name":
			// Documentation and C code generation only.
		default:
			l.unknownKey(p)
		}

		if err != nil {
			return err
		}
	}

	if g.Name == "" {
		return l.errorf(e, "missing key \"name\"")
	}

	return nil
}

// enumList reads a list of strings, each one of valid.
func (l *loader) enumList(n node, valid ...string) ([]string, error) {
	elems, err := l.items(n)
	if err != nil {
		return nil, err
	}

	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, err := l.str(e)
		if err != nil {
			return nil, err
		}

		if !slices.Contains(valid, s) {
			return nil, l.errorf(e, "unknown value %q; valid values are %s", s, strings.Join(valid, ", "))
		}

		out = append(out, s)
	}

	return out, nil
}

// subMessageNames is the first pass over sub-messages: it records their
// names.
func (l *loader) subMessageNames(n node) error {
	elems, err := l.items(n)
	if err != nil {
		return err
	}

	l.subMsgs = make(map[string]bool, len(elems))
	l.fam.SubMessages = make([]schema.SubMessage, len(elems))

	for i, e := range elems {
		name, err := l.attrName(e)
		if err != nil {
			return err
		}

		if l.subMsgs[name] {
			return l.errorf(e, "duplicate sub-message %q", name)
		}

		l.subMsgs[name] = true
		l.fam.SubMessages[i].Name = name
	}

	return nil
}

// subMessages loads the formats of every sub-message.
func (l *loader) subMessages(n node) error {
	elems, err := l.items(n)
	if err != nil {
		return err
	}

	for i, e := range elems {
		if err := l.subMessage(e, &l.fam.SubMessages[i]); err != nil {
			return err
		}
	}

	return nil
}

// subMessage loads one sub-message definition.
func (l *loader) subMessage(e node, m *schema.SubMessage) error {
	kv, err := l.pairs(e)
	if err != nil {
		return err
	}

	var formats node
	for _, p := range kv {
		switch p.key {
		case "name":
			// Read by subMessageNames.
		case "formats":
			formats = p.value
		case "doc":
			// Documentation only.
		default:
			l.unknownKey(p)
		}
	}

	if formats.Node == nil {
		return l.errorf(e, "sub-message %q: missing key \"formats\"", m.Name)
	}

	elems, err := l.items(formats)
	if err != nil {
		return err
	}

	m.Formats = make([]schema.SubMessageFormat, len(elems))
	for i, f := range elems {
		if err := l.format(f, &m.Formats[i]); err != nil {
			return err
		}

		for j := range i {
			if m.Formats[j].Value == m.Formats[i].Value {
				return l.errorf(f, "duplicate format value %q", m.Formats[i].Value)
			}
		}
	}

	return nil
}

// format loads one sub-message format.
func (l *loader) format(e node, f *schema.SubMessageFormat) error {
	kv, err := l.pairs(e)
	if err != nil {
		return err
	}

	hasValue := false
	for _, p := range kv {
		switch p.key {
		case "value":
			f.Value, err = l.name(p.value)
			hasValue = true
		case "attribute-set":
			f.AttrSetName, err = l.setRef(p.value)
		case "fixed-header":
			f.FixedHeaderName, err = l.structRef(p.value)
		case "doc":
			// Documentation only.
		default:
			l.unknownKey(p)
		}

		if err != nil {
			return err
		}
	}

	if !hasValue {
		return l.errorf(e, "missing key \"value\"")
	}

	return nil
}
