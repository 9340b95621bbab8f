package ynl

import (
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
)

// typeOf reads a type name: any type for an attribute, or one of the
// struct member types when member is true.
func (l *loader) typeOf(n node, member bool) (schema.Type, error) {
	s, err := l.str(n)
	if err != nil {
		return schema.TypeNone, err
	}

	t, known := schema.ParseType(s)
	if known && (!member || isMemberType(t)) {
		return t, nil
	}

	var valid []string
	for _, name := range schema.TypeNames() {
		if typ, _ := schema.ParseType(name); !member || isMemberType(typ) {
			valid = append(valid, name)
		}
	}

	if known {
		return schema.TypeNone, l.errorf(n, "type %q is not allowed here; valid types are %s", s, strings.Join(valid, ", "))
	}

	return schema.TypeNone, l.errorf(n, "unknown type %q; valid types are %s", s, strings.Join(valid, ", "))
}

// byteOrder reads a byte-order value.
func (l *loader) byteOrder(n node) (schema.ByteOrder, error) {
	s, err := l.str(n)
	if err != nil {
		return schema.ByteOrderHost, err
	}

	o, ok := schema.ParseByteOrder(s)
	if !ok {
		return schema.ByteOrderHost, l.errorf(n, "unknown byte order %q; valid values are little-endian, big-endian", s)
	}

	return o, nil
}

// displayHint reads a display-hint value.
func (l *loader) displayHint(n node) (schema.DisplayHint, error) {
	s, err := l.str(n)
	if err != nil {
		return schema.DisplayNone, err
	}

	h, ok := schema.ParseDisplayHint(s)
	if !ok {
		return schema.DisplayNone, l.errorf(n, "unknown display hint %q; valid values are %s", s, strings.Join(schema.DisplayHintNames(), ", "))
	}

	return h, nil
}

// definitionRef reads the name of a definition of one of the given kinds.
func (l *loader) definitionRef(n node, kinds ...schema.DefinitionKind) (string, error) {
	name, err := l.name(n)
	if err != nil {
		return "", err
	}

	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.String()
	}

	expected := strings.Join(names, " or ")

	d := l.defs[name]
	if d == nil {
		return "", l.errorf(n, "%s %q not found in definitions", expected, name)
	}

	for _, k := range kinds {
		if d.Kind == k {
			return name, nil
		}
	}

	return "", l.errorf(n, "definition %q is a %s, expected %s", name, d.Kind, expected)
}

// enumRef reads the name of an enum or flags definition.
func (l *loader) enumRef(n node) (string, error) {
	return l.definitionRef(n, schema.KindEnum, schema.KindFlags)
}

// structRef reads the name of a struct definition.
func (l *loader) structRef(n node) (string, error) {
	return l.definitionRef(n, schema.KindStruct)
}

// setRef reads the name of an attribute set.
func (l *loader) setRef(n node) (string, error) {
	name, err := l.name(n)
	if err != nil {
		return "", err
	}

	if l.sets[name] == nil {
		return "", l.errorf(n, "attribute set %q not found", name)
	}

	return name, nil
}

// subMessageRef reads the name of a sub-message definition.
func (l *loader) subMessageRef(n node) (string, error) {
	name, err := l.name(n)
	if err != nil {
		return "", err
	}

	if !l.subMsgs[name] {
		return "", l.errorf(n, "sub-message %q not found", name)
	}

	return name, nil
}
