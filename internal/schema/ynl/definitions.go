package ynl

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nlctl/nlctl/internal/schema"
)

// definitionNames is the first pass over definitions: it records each
// definition's name and kind, and the values of constants, which lengths
// and limits elsewhere may refer to.
func (l *loader) definitionNames(n node) error {
	elems, err := l.items(n)
	if err != nil {
		return err
	}

	l.fam.Definitions = make([]schema.Definition, len(elems))
	l.defs = make(map[string]*schema.Definition, len(elems))

	for i, e := range elems {
		d := &l.fam.Definitions[i]
		if err := l.definitionHead(e, d); err != nil {
			return err
		}

		if l.defs[d.Name] != nil {
			return l.errorf(e, "duplicate definition %q", d.Name)
		}

		l.defs[d.Name] = d
	}

	return nil
}

// definitionHead reads a definition's name, kind and, for a const, value.
func (l *loader) definitionHead(e node, d *schema.Definition) error {
	kv, err := l.pairs(e)
	if err != nil {
		return err
	}

	var nameNode, typeNode, valueNode node
	for _, p := range kv {
		switch p.key {
		case "name":
			nameNode = p.value
		case "type":
			typeNode = p.value
		case "value":
			valueNode = p.value
		}
	}

	if nameNode.Node == nil {
		return l.errorf(e, "missing key \"name\"")
	}

	if d.Name, err = l.name(nameNode); err != nil {
		return err
	}

	if typeNode.Node == nil {
		return l.errorf(e, "definition %q: missing key \"type\"", d.Name)
	}

	kind, err := l.str(typeNode)
	if err != nil {
		return err
	}

	var ok bool
	if d.Kind, ok = schema.ParseDefinitionKind(kind); !ok {
		return l.errorf(typeNode, "unknown definition type %q; valid types are const, enum, flags, struct", kind)
	}

	if d.Kind == schema.KindConst {
		return l.constValue(e, valueNode, d)
	}

	return nil
}

// constValue reads the value of a const, an integer or a string.
func (l *loader) constValue(e, n node, d *schema.Definition) error {
	if n.Node == nil {
		return l.errorf(e, "const %q: missing key \"value\"", d.Name)
	}

	if n.isInt() {
		v, err := l.integer(n)
		d.Value = v

		return err
	}

	s, err := l.str(n)
	d.StringValue = s

	return err
}

// definitions is the second pass: it loads enum entries and struct
// members, now that every definition name is known.
func (l *loader) definitions(n node) error {
	elems, err := l.items(n)
	if err != nil {
		return err
	}

	for i, e := range elems {
		if err := l.definition(e, &l.fam.Definitions[i]); err != nil {
			return err
		}
	}

	return nil
}

// definition loads the body of one definition.
func (l *loader) definition(e node, d *schema.Definition) error {
	kv, err := l.pairs(e)
	if err != nil {
		return err
	}

	var entries, members, start node
	for _, p := range kv {
		switch p.key {
		case "name", "type", "value":
			// Read by definitionHead.
		case "entries":
			entries = p.value
		case "members":
			members = p.value
		case "value-start":
			start = p.value
		case "doc", "header", "scope", "render-max", "enum-name", "name-prefix", "enum-cnt-name":
			// Documentation and C code generation only.
		default:
			l.unknownKey(p)
		}
	}

	switch d.Kind {
	case schema.KindEnum, schema.KindFlags:
		return l.enumEntries(entries, start, d)
	case schema.KindStruct:
		if members.Node == nil {
			return l.errorf(e, "struct %q: missing key \"members\"", d.Name)
		}

		return l.members(members, d)
	}

	return nil
}

// enumEntries numbers the entries of an enum or flags set: from
// value-start (default 0), each entry one above the previous unless it
// gives its own value. For flags, the number is a bit position.
func (l *loader) enumEntries(n, start node, d *schema.Definition) error {
	elems, err := l.items(n)
	if err != nil {
		return err
	}

	next := int64(0)
	if start.Node != nil {
		if next, err = l.intOrConst(start); err != nil {
			return err
		}
	}

	names := make(map[string]bool, len(elems))
	values := make(map[uint64]string, len(elems))
	d.Entries = make([]schema.EnumEntry, 0, len(elems))

	for _, e := range elems {
		entry, number, err := l.enumEntry(e, next)
		if err != nil {
			return err
		}

		if entry.Value, err = l.entryValue(e, d, number); err != nil {
			return err
		}

		if names[entry.Name] {
			return l.errorf(e, "duplicate entry %q", entry.Name)
		}

		if prev, ok := values[entry.Value]; ok {
			return l.errorf(e, "entry %q has the same value %d as entry %q", entry.Name, number, prev)
		}

		names[entry.Name] = true
		values[entry.Value] = entry.Name
		d.Entries = append(d.Entries, entry)
		next = number + 1
	}

	return nil
}

// entryValue turns an entry's number into its wire value: the number for
// an enum, the bit 1<<number for flags.
func (l *loader) entryValue(e node, d *schema.Definition, number int64) (uint64, error) {
	if d.Kind != schema.KindFlags {
		return uint64(number), nil
	}

	if number < 0 || number > 63 {
		return 0, l.errorf(e, "flags bit %d is out of range 0 to 63", number)
	}

	return 1 << number, nil
}

// enumEntry reads one entry, either a bare name or a mapping with name and
// value. It returns the entry and its number.
func (l *loader) enumEntry(e node, next int64) (schema.EnumEntry, int64, error) {
	var entry schema.EnumEntry
	var err error

	if e.Node != nil && e.Kind == yaml.ScalarNode {
		entry.Name, err = l.name(e)
		return entry, next, err
	}

	kv, err := l.pairs(e)
	if err != nil {
		return entry, 0, err
	}

	number := next
	for _, p := range kv {
		switch p.key {
		case "name":
			entry.Name, err = l.name(p.value)
		case "value":
			number, err = l.integer(p.value)
		case "doc":
			// Documentation only.
		default:
			l.unknownKey(p)
		}

		if err != nil {
			return entry, 0, err
		}
	}

	if entry.Name == "" {
		return entry, 0, l.errorf(e, "missing key \"name\"")
	}

	return entry, number, nil
}

// intOrConst reads an integer literal or the name of an integer const.
func (l *loader) intOrConst(n node) (int64, error) {
	if n.isInt() {
		return l.integer(n)
	}

	s, err := l.str(n)
	if err != nil {
		return 0, err
	}

	return l.constInt(n, strings.TrimSpace(s))
}

// constInt returns the value of the integer const named name.
func (l *loader) constInt(n node, name string) (int64, error) {
	d := l.defs[name]
	if d == nil {
		return 0, l.errorf(n, "const %q not found", name)
	}

	if d.Kind != schema.KindConst || d.StringValue != "" {
		return 0, l.errorf(n, "%q is not an integer const", name)
	}

	return d.Value, nil
}
