package ynl

import (
	"math"
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
)

// attr loads the keys of one attribute into a and returns its number: the
// value key if given, else next. In a subset, a already holds the parent's
// definition and a missing type is allowed.
func (l *loader) attr(e node, a *schema.Attr, next uint64, subset bool) (uint64, error) {
	kv, err := l.pairs(e)
	if err != nil {
		return 0, err
	}

	number := next
	for _, p := range kv {
		switch p.key {
		case "name":
			a.Name, err = l.name(p.value)
		case "value":
			number, err = l.uintRange(p.value, schema.MaxAttrNumber)
		default:
			err = l.attrKey(p, a)
		}

		if err != nil {
			return 0, err
		}
	}

	if a.Name == "" {
		return 0, l.errorf(e, "missing key \"name\"")
	}

	if number > schema.MaxAttrNumber {
		return 0, l.errorf(e, "attribute %q: number %d is above the maximum %d", a.Name, number, schema.MaxAttrNumber)
	}

	if a.Type == schema.TypeNone && !subset {
		return 0, l.errorf(e, "attribute %q: missing key \"type\"", a.Name)
	}

	if a.Type == schema.TypeSubMessage && (a.SubMessageName == "" || a.Selector == "") {
		return 0, l.errorf(e, "attribute %q: type sub-message needs the keys sub-message and selector", a.Name)
	}

	return number, nil
}

// attrKey loads one key of an attribute other than name and value.
func (l *loader) attrKey(p pair, a *schema.Attr) error {
	var err error

	switch p.key {
	case "type":
		a.Type, err = l.typeOf(p.value, false)
	case "sub-type":
		a.SubType, err = l.typeOf(p.value, false)
	case "byte-order":
		a.ByteOrder, err = l.byteOrder(p.value)
	case "display-hint":
		a.DisplayHint, err = l.displayHint(p.value)
	case "multi-attr":
		a.MultiAttr, err = l.boolean(p.value)
	case "nested-attributes":
		a.NestedName, err = l.setRef(p.value)
	case "enum":
		a.EnumName, err = l.enumRef(p.value)
	case "enum-as-flags":
		a.EnumAsFlags, err = l.boolean(p.value)
	case "struct":
		a.StructName, err = l.structRef(p.value)
	case "sub-message":
		a.SubMessageName, err = l.subMessageRef(p.value)
	case "selector":
		a.Selector, err = l.name(p.value)
	case "type-value":
		a.TypeValue, err = l.strList(p.value)
	case "checks":
		err = l.checks(p.value, &a.Checks)
	case "doc", "name-prefix":
		// Documentation and C code generation only.
	default:
		l.unknownKey(p)
	}

	return err
}

// checks loads an attribute's checks.
func (l *loader) checks(n node, c *schema.Checks) error {
	kv, err := l.pairs(n)
	if err != nil {
		return err
	}

	for _, p := range kv {
		switch p.key {
		case "min":
			c.Min, err = l.limit(p.value)
		case "max":
			c.Max, err = l.limit(p.value)
		case "min-len":
			c.MinLen, err = l.length(p.value)
		case "max-len":
			c.MaxLen, err = l.length(p.value)
		case "exact-len":
			c.ExactLen, err = l.length(p.value)
		case "unterminated-ok":
			c.UnterminatedOK, err = l.boolean(p.value)
		case "flags-mask":
			c.FlagsMaskName, err = l.enumRef(p.value)
		default:
			l.unknownKey(p)
		}

		if err != nil {
			return err
		}
	}

	return nil
}

// typeLimit parses the name of a bound of a fixed-width integer type, such
// as u32-max or s16-min.
func typeLimit(s string) (schema.Limit, bool) {
	if len(s) < 2 || (s[0] != 'u' && s[0] != 's') {
		return schema.Limit{}, false
	}

	bits, bound, ok := strings.Cut(s[1:], "-")
	if !ok || (bound != "min" && bound != "max") {
		return schema.Limit{}, false
	}

	switch bits {
	case "8", "16", "32", "64":
		n, _ := strconv.Atoi(bits)
		return typeBound(s[0] == 's', n, bound == "max"), true
	}

	return schema.Limit{}, false
}

// limit reads a len-or-limit value: an integer, a type bound such as
// u32-max, or the name of an integer const.
func (l *loader) limit(n node) (schema.Limit, error) {
	if n.isInt() {
		return l.intLimit(n)
	}

	s, err := l.str(n)
	if err != nil {
		return schema.Limit{}, err
	}

	if bound, ok := typeLimit(s); ok {
		return bound, nil
	}

	v, err := l.constInt(n, s)
	if err != nil {
		return schema.Limit{}, err
	}

	return signedLimit(v), nil
}

// intLimit reads an integer literal bound, which may exceed int64 when it
// is a large unsigned value.
func (l *loader) intLimit(n node) (schema.Limit, error) {
	if u, err := strconv.ParseUint(n.Value, 0, 64); err == nil {
		return schema.Limit{Set: true, Uint: u}, nil
	}

	v, err := l.integer(n)
	if err != nil {
		return schema.Limit{}, err
	}

	return signedLimit(v), nil
}

// signedLimit stores v as a signed bound if it is negative and as an
// unsigned one otherwise.
func signedLimit(v int64) schema.Limit {
	if v < 0 {
		return schema.Limit{Set: true, Signed: true, Int: v}
	}

	return schema.Limit{Set: true, Uint: uint64(v)}
}

// typeBound returns the minimum or maximum of an integer type.
func typeBound(signed bool, bits int, isMax bool) schema.Limit {
	switch {
	case !signed && isMax:
		return schema.Limit{Set: true, Uint: math.MaxUint64 >> (64 - bits)}
	case !signed:
		return schema.Limit{Set: true}
	case isMax:
		return schema.Limit{Set: true, Signed: true, Int: math.MaxInt64 >> (64 - bits)}
	}

	return schema.Limit{Set: true, Signed: true, Int: math.MinInt64 >> (64 - bits)}
}
