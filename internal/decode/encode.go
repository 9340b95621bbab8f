package decode

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// ValueError reports a request value that does not fit the schema. Path
// is the attribute's dotted path, such as ".header.dev-name".
type ValueError struct {
	Path   string
	Reason string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("attribute %s: %s", e.Path, e.Reason)
}

// Encoder encodes request values into a family's attributes.
type Encoder struct {
	Family *schema.Family
	// Request, when not nil, lists the top-level attributes the request
	// takes (empty for none), which an unknown name is compared with.
	Request []string
}

// Message encodes a request body for op: the fixed header, whose members
// are taken from top-level keys of v with their names, then the attributes.
func (e *Encoder) Message(op *schema.Op, v *Object) ([]byte, error) {
	var body []byte
	rest := v
	if hdr := (&Decoder{Family: e.Family}).fixedHeader(op); hdr != nil {
		fields, remaining := splitFields(v, hdr)
		b, err := encodeStruct(hdr, fields, "")
		if err != nil {
			return nil, err
		}
		body, rest = b, remaining
	}

	var set *schema.AttrSet
	if op != nil {
		set = op.AttrSet()
	}
	var enc attrWriter
	if err := (&encoder{request: e.Request}).attrs(&enc, set, rest, ""); err != nil {
		return nil, err
	}

	return append(body, enc.Bytes()...), nil
}

// HeaderMember reports whether key names a member of the fixed header
// that precedes the attributes of op's messages.
func (e *Encoder) HeaderMember(op *schema.Op, key string) bool {
	hdr := (&Decoder{Family: e.Family}).fixedHeader(op)

	return hdr != nil && memberOf(hdr, key) != nil
}

// splitFields separates the members of a fixed header from the rest.
func splitFields(v *Object, hdr *schema.Definition) (*Object, *Object) {
	fields, rest := &Object{}, &Object{}
	for _, f := range v.Fields {
		if memberOf(hdr, f.Key) != nil {
			fields.Fields = append(fields.Fields, f)
		} else {
			rest.Fields = append(rest.Fields, f)
		}
	}

	return fields, rest
}

func memberOf(d *schema.Definition, name string) *schema.Member {
	for i := range d.Members {
		if d.Members[i].Name == name && d.Members[i].Type != schema.TypePad {
			return &d.Members[i]
		}
	}

	return nil
}

// maxAttrLen is the largest attribute, header included, that the 16-bit
// length field of an attribute header can describe.
const maxAttrLen = 1<<16 - 1

// attrWriter is a wire.AttrEncoder that notes the first attribute or nest
// too long for its length field, which the encoder then reports with the
// attribute's path instead of sending a wrong length.
type attrWriter struct {
	wire.AttrEncoder
	nests []int
	// tooLong is the length of the first attribute that does not fit, or 0.
	tooLong int
}

func (w *attrWriter) Put(typ uint16, value []byte) {
	w.note(wire.AttrHeaderLen + len(value))
	w.AttrEncoder.Put(typ, value)
}

func (w *attrWriter) Nest(typ uint16) {
	w.nests = append(w.nests, len(w.Bytes()))
	w.AttrEncoder.Nest(typ)
}

func (w *attrWriter) End() {
	if len(w.nests) > 0 {
		w.note(len(w.Bytes()) - w.nests[len(w.nests)-1])
		w.nests = w.nests[:len(w.nests)-1]
	}
	w.AttrEncoder.End()
}

func (w *attrWriter) note(length int) {
	if length > maxAttrLen && w.tooLong == 0 {
		w.tooLong = length
	}
}

// checkLength returns an error for the attribute at path when it, or an
// attribute inside it, was too long.
func (w *attrWriter) checkLength(path string) error {
	if w.tooLong == 0 {
		return nil
	}

	return &ValueError{Path: path, Reason: fmt.Sprintf("the attribute is %d bytes, more than the %d bytes a netlink attribute can hold", w.tooLong, maxAttrLen)}
}

type encoder struct {
	// objects are the enclosing objects, innermost last, for sub-message
	// selectors.
	objects []*Object
	request []string // see Encoder.Request
}

func (e *encoder) attrs(enc *attrWriter, set *schema.AttrSet, obj *Object, path string) error {
	e.objects = append(e.objects, obj)
	defer func() { e.objects = e.objects[:len(e.objects)-1] }()

	for _, f := range obj.Fields {
		p := path + "." + f.Key
		var sa *schema.Attr
		if set != nil {
			sa = set.ByName(f.Key)
		}
		if sa == nil {
			// At the top level, a name is compared with the request's.
			var valid []string
			if path == "" {
				valid = e.request
			}
			if err := rawAttr(enc, set, valid, f, p); err != nil {
				return err
			}
			if err := enc.checkLength(p); err != nil {
				return err
			}
			continue
		}

		values := []Value{f.Value}
		if arr, ok := f.Value.([]Value); ok && sa.MultiAttr {
			values = arr
		} else if ok && len(arr) > 1 && takesOneValue(sa) {
			return &ValueError{Path: p, Reason: fmt.Sprintf(
				"%d values given, but %s is not a multi-attr attribute: give one (an --attr path repeated without an index adds a value)",
				len(arr), f.Key)}
		}
		for _, v := range values {
			if err := e.attr(enc, sa, v, p); err != nil {
				return err
			}
			if err := enc.checkLength(p); err != nil {
				return err
			}
		}
	}

	return nil
}

// takesOneValue reports whether an attribute that is not multi-attr can
// take no list at all: a list for it can only be a mistake, such as an
// --attr path given twice. Flags take a list of names, and binary and
// array types take lists of their own.
func takesOneValue(sa *schema.Attr) bool {
	switch t := sa.Type; {
	case t == schema.TypeString, t == schema.TypeFlag, t == schema.TypeNest:
		return true
	case t.IsInteger():
		enum := sa.Enum()
		return !sa.EnumAsFlags && (enum == nil || enum.Kind != schema.KindFlags)
	}

	return false
}

// rawAttr encodes a member whose key is an attribute number, as nlctl
// prints attributes the schema does not know. The value is hex, or for a
// nest an object of attributes by number. The nest is flagged NLA_F_NESTED
// because the decoder shows only such unknown attributes as nests.
func rawAttr(enc *attrWriter, set *schema.AttrSet, valid []string, f Field, path string) error {
	n, err := strconv.ParseUint(f.Key, 10, 16)
	if err != nil || n > schema.MaxAttrNumber {
		return &ValueError{Path: path, Reason: unknownAttrReason(set, valid, f.Key)}
	}

	values := []Value{f.Value}
	if arr, ok := f.Value.([]Value); ok {
		values = arr
	}
	for _, v := range values {
		if obj, ok := v.(*Object); ok {
			enc.Nest(uint16(n))
			for _, inner := range obj.Fields {
				if err := rawAttr(enc, nil, nil, inner, path+"."+inner.Key); err != nil {
					return err
				}
			}
			enc.End()
			continue
		}
		s, ok := v.(string)
		if !ok {
			return &ValueError{Path: path, Reason: "an attribute given by number takes its value as a hex string, or an object of attributes by number"}
		}
		b, err := parseHex(s)
		if err != nil {
			return &ValueError{Path: path, Reason: err.Error()}
		}
		enc.Put(uint16(n), b)
	}

	return nil
}

// unknownAttrReason explains an unknown attribute name in set, comparing it
// with valid when that is not nil and with the whole set otherwise.
func unknownAttrReason(set *schema.AttrSet, valid []string, key string) string {
	if set == nil {
		return "no schema names attributes here; give attributes by number with --raw-attr"
	}

	reason := fmt.Sprintf("unknown attribute %q in set %s", key, set.Name)
	names := slices.Clone(valid)
	switch {
	case valid != nil && len(valid) == 0:
		return reason + "; this request takes no attributes"
	case valid == nil:
		for _, a := range set.Attrs {
			if a.Type != schema.TypeUnused && a.Type != schema.TypePad {
				names = append(names, a.Name)
			}
		}
	}
	near := Nearest(key, names)
	sort.Strings(names)

	return withSuggestion(reason, near, names)
}

// withSuggestion appends the nearest valid name, when there is one, and
// the list of valid names to msg.
func withSuggestion(msg, near string, valid []string) string {
	if near != "" {
		return fmt.Sprintf("%s; did you mean %q? Valid: %s", msg, near, strings.Join(valid, ", "))
	}

	return fmt.Sprintf("%s. Valid: %s", msg, strings.Join(valid, ", "))
}

func (e *encoder) attr(enc *attrWriter, sa *schema.Attr, v Value, path string) error {
	switch sa.Type {
	case schema.TypeFlag:
		on, err := parseBool(v)
		if err != nil {
			return &ValueError{Path: path, Reason: err.Error()}
		}
		if on {
			enc.Put(sa.Number, nil)
		}
		return nil
	case schema.TypeNest:
		obj, ok := v.(*Object)
		if !ok {
			return &ValueError{Path: path, Reason: "a nest takes an object of attributes (in --attr, name them as " + strings.TrimPrefix(path, ".") + ".NAME=VALUE)"}
		}
		enc.Nest(sa.Number)
		err := e.attrs(enc, sa.Nested(), obj, path)
		enc.End()
		return err
	case schema.TypeIndexedArray:
		return e.indexedArray(enc, sa, v, path)
	case schema.TypeNestTypeValue:
		return e.typeValue(enc, sa, v, path)
	case schema.TypeSubMessage:
		return e.subMessage(enc, sa, v, path)
	case schema.TypeUnused:
		return &ValueError{Path: path, Reason: fmt.Sprintf("a %s attribute carries no value", sa.Type)}
	}

	b, err := scalarBytes(sa, v)
	if err != nil {
		var ve *ValueError
		if errors.As(err, &ve) { // a struct member: its path continues this one
			return &ValueError{Path: path + ve.Path, Reason: ve.Reason}
		}
		return &ValueError{Path: path, Reason: err.Error()}
	}
	enc.Put(sa.Number, b)

	return nil
}

func (e *encoder) indexedArray(enc *attrWriter, sa *schema.Attr, v Value, path string) error {
	arr, ok := v.([]Value)
	if !ok {
		return &ValueError{Path: path, Reason: "an indexed-array takes an array"}
	}

	enc.Nest(sa.Number)
	defer enc.End()
	for i, elem := range arr {
		p := fmt.Sprintf("%s[%d]", path, i)
		if sa.SubType == schema.TypeNest || sa.SubType == schema.TypeNone {
			obj, ok := elem.(*Object)
			if !ok {
				return &ValueError{Path: p, Reason: "each element takes an object of attributes"}
			}
			enc.Nest(uint16(i))
			err := e.attrs(enc, sa.Nested(), obj, p)
			enc.End()
			if err != nil {
				return err
			}
			continue
		}
		elemAttr := schema.Attr{Name: sa.Name, Type: sa.SubType, ByteOrder: sa.ByteOrder, DisplayHint: sa.DisplayHint}
		b, err := scalarBytes(&elemAttr, elem)
		if err != nil {
			return &ValueError{Path: p, Reason: err.Error()}
		}
		enc.Put(uint16(i), b)
	}

	return nil
}

func (e *encoder) typeValue(enc *attrWriter, sa *schema.Attr, v Value, path string) error {
	arr, ok := v.([]Value)
	if !ok || len(sa.TypeValue) == 0 {
		return &ValueError{Path: path, Reason: "a nest-type-value attribute takes an array of objects"}
	}

	elems := make([]typeValueElem, len(arr))
	for i, elem := range arr {
		p := fmt.Sprintf("%s[%d]", path, i)
		obj, ok := elem.(*Object)
		if !ok {
			return &ValueError{Path: p, Reason: fmt.Sprintf("each element takes an object with %s and attributes", quoteAll(sa.TypeValue))}
		}
		elems[i] = typeValueElem{path: p, obj: obj}
	}

	enc.Nest(sa.Number)
	defer enc.End()

	return e.typeValueLevel(enc, sa, sa.TypeValue, elems)
}

// typeValueElem is one element of a nest-type-value attribute as nlctl
// prints it: an object with a member per level's type number.
type typeValueElem struct {
	path string
	obj  *Object
}

// typeValueLevel encodes the elements at one level of a nest-type-value
// attribute, whose type numbers are the values of keys[0]. The renderer
// flattens a table of several levels into one object per leaf, so
// elements that share a value of keys[0] go into one nest, in order of
// first appearance, and the next level is encoded inside it.
func (e *encoder) typeValueLevel(enc *attrWriter, sa *schema.Attr, keys []string, elems []typeValueElem) error {
	key := keys[0]
	var order []uint16
	groups := map[uint16][]typeValueElem{}
	for _, el := range elems {
		typeField, found := el.obj.Get(key)
		n, err := parseUint(typeField, 16)
		if !found || err != nil {
			return &ValueError{Path: el.path, Reason: fmt.Sprintf("%q must give the element's number from 0 to 65535", key)}
		}
		if _, seen := groups[uint16(n)]; !seen {
			order = append(order, uint16(n))
		}
		groups[uint16(n)] = append(groups[uint16(n)], el)
	}

	for _, n := range order {
		enc.Nest(n)
		err := e.typeValueGroup(enc, sa, keys, groups[n])
		enc.End()
		if err != nil {
			return err
		}
	}

	return nil
}

// typeValueGroup encodes the contents of one nest of a nest-type-value
// level: the next level, or at the last level the attributes of the one
// element.
func (e *encoder) typeValueGroup(enc *attrWriter, sa *schema.Attr, keys []string, group []typeValueElem) error {
	if len(keys) > 1 {
		return e.typeValueLevel(enc, sa, keys[1:], group)
	}

	for _, el := range group {
		rest := &Object{}
		for _, f := range el.obj.Fields {
			if !slices.Contains(sa.TypeValue, f.Key) {
				rest.Fields = append(rest.Fields, f)
			}
		}
		if err := e.attrs(enc, sa.Nested(), rest, el.path); err != nil {
			return err
		}
	}

	return nil
}

func quoteAll(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}

	return strings.Join(quoted, ", ")
}

func (e *encoder) subMessage(enc *attrWriter, sa *schema.Attr, v Value, path string) error {
	obj, ok := v.(*Object)
	if !ok {
		return &ValueError{Path: path, Reason: "a sub-message takes an object"}
	}

	var format *schema.SubMessageFormat
	for i := len(e.objects) - 1; i >= 0 && format == nil; i-- {
		if sel, found := e.objects[i].Get(sa.Selector); found {
			if s, ok := sel.(string); ok && sa.SubMessage() != nil {
				format = sa.SubMessage().Format(s)
			}
		}
	}
	if format == nil {
		return &ValueError{Path: path, Reason: fmt.Sprintf("set %q first: its value selects this sub-message's format", sa.Selector)}
	}

	enc.Nest(sa.Number)
	defer enc.End()
	rest := obj
	if hdr := format.FixedHeader(); hdr != nil {
		fields, remaining := splitFields(obj, hdr)
		b, err := encodeStruct(hdr, fields, path)
		if err != nil {
			return err
		}
		enc.Append(b)
		rest = remaining
	}

	return e.attrs(enc, format.AttrSet(), rest, path)
}

// scalarBytes encodes the value of a non-nested attribute.
func scalarBytes(sa *schema.Attr, v Value) ([]byte, error) {
	switch t := sa.Type; {
	case t.IsInteger():
		if b, ok := ipv4Bytes(sa, v); ok {
			return b, nil
		}
		u, size, err := integerValue(sa.Type, sa.Enum(), sa.EnumAsFlags, sa.Checks, v)
		if s, ok := v.(string); ok && err != nil && isIPv4Hint(sa) {
			return nil, fmt.Errorf("%s is not an IPv4 address: give one such as 10.0.0.1, or the address as a number", quoteValue(s))
		}
		if err != nil {
			return nil, err
		}
		return putUint(u, size, sa.ByteOrder), nil
	case t == schema.TypeString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("a string attribute takes a string, not %s", describe(v))
		}
		if max := sa.Checks.MaxLen; max > 0 && len(s) > max {
			return nil, fmt.Errorf("%s is %d bytes, longer than the maximum %d", quoteValue(s), len(s), max)
		}
		return append([]byte(s), 0), nil
	case t == schema.TypeBitfield32:
		return bitfield32Bytes(sa, v)
	}

	return binaryBytes(sa, v)
}

// ipv4Bytes encodes an IPv4 address given in dotted form for a 4-byte
// integer with an ipv4 display hint. The decoder shows such an attribute's
// bytes as the address in wire order, so the encoder writes them back in
// the same order whatever the attribute's byte order.
func ipv4Bytes(sa *schema.Attr, v Value) ([]byte, bool) {
	s, ok := v.(string)
	if !ok || !isIPv4Hint(sa) {
		return nil, false
	}
	addr, err := netip.ParseAddr(s)
	if err != nil || !addr.Is4() {
		return nil, false
	}
	b := addr.As4()

	return b[:], true
}

// isIPv4Hint reports whether a 4-byte integer attribute contains an IPv4
// address by its display hint.
func isIPv4Hint(sa *schema.Attr) bool {
	return sa.Type.Size() == 4 && (sa.DisplayHint == schema.DisplayIPv4 || sa.DisplayHint == schema.DisplayIPv4OrV6)
}

func describe(v Value) string {
	switch v.(type) {
	case *Object:
		return "an object"
	case []Value:
		return "an array"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}

	return "a string"
}

func putUint(u uint64, size int, order schema.ByteOrder) []byte {
	b := make([]byte, size)
	var bo binary.ByteOrder = binary.NativeEndian
	switch order {
	case schema.ByteOrderBigEndian:
		bo = binary.BigEndian
	case schema.ByteOrderLittleEndian:
		bo = binary.LittleEndian
	}

	switch size {
	case 1:
		b[0] = uint8(u)
	case 2:
		bo.PutUint16(b, uint16(u))
	case 4:
		bo.PutUint32(b, uint32(u))
	default:
		bo.PutUint64(b, u)
	}

	return b
}

// integerValue parses an integer value: a number, a decimal or 0x string,
// an enum entry name, or flag names (an array, or a comma-separated
// string). It returns the value's bits and its encoded size.
func integerValue(t schema.Type, enum *schema.Definition, asFlags bool, checks schema.Checks, v Value) (uint64, int, error) {
	u, err := integerBits(t, enum, asFlags, v)
	if err != nil {
		return 0, 0, err
	}

	size := t.Size()
	if size == 0 { // uint and sint: 4 bytes when the value fits, else 8
		size = 8
		if t == schema.TypeUint && u <= math.MaxUint32 || t == schema.TypeSint && int64(u) >= math.MinInt32 && int64(u) <= math.MaxInt32 {
			size = 4
		}
	}
	if err := checkRange(t, u, checks); err != nil {
		return 0, 0, err
	}

	return u, size, nil
}

func integerBits(t schema.Type, enum *schema.Definition, asFlags bool, v Value) (uint64, error) {
	if enum != nil && (enum.Kind == schema.KindFlags || asFlags) {
		if names, ok := flagNamesOf(v); ok {
			return flagMask(enum, asFlags, names)
		}
	}
	if s, ok := v.(string); ok && enum != nil {
		if e := enum.Entry(s); e != nil {
			return e.Value, nil
		}
		if !looksNumeric(s) {
			valid := entryNames(enum)
			msg := fmt.Sprintf("unknown value %q of %s", s, enum.Name)
			return 0, fmt.Errorf("%s (or a number)", withSuggestion(msg, Nearest(s, valid), valid))
		}
	}

	bitsize := t.Size() * 8
	if bitsize == 0 {
		bitsize = 64
	}
	if t.IsSigned() {
		n, err := parseInt(v, bitsize)
		return uint64(n), withEnumHint(err, enum)
	}
	n, err := parseUint(v, bitsize)

	return n, withEnumHint(err, enum)
}

// entryNames returns the names of enum's entries in the schema's order.
func entryNames(enum *schema.Definition) []string {
	names := make([]string, len(enum.Entries))
	for i, e := range enum.Entries {
		names[i] = e.Name
	}

	return names
}

// looksNumeric reports whether s is meant as a number: it starts with a
// digit, or with a sign and a digit.
func looksNumeric(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

func withEnumHint(err error, enum *schema.Definition) error {
	if err == nil || enum == nil {
		return err
	}

	return fmt.Errorf("%w; or one of %s: %s", err, enum.Name, strings.Join(entryNames(enum), ", "))
}

func flagNamesOf(v Value) ([]string, bool) {
	switch x := v.(type) {
	case []Value:
		names := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			names = append(names, s)
		}
		return names, true
	case string:
		if _, err := strconv.ParseUint(x, 0, 64); err == nil {
			return nil, false
		}
		if x == "" {
			return []string{}, true
		}
		return strings.Split(x, ","), true
	}

	return nil, false
}

func flagMask(enum *schema.Definition, asFlags bool, names []string) (uint64, error) {
	var mask uint64
	for _, name := range names {
		name = strings.TrimSpace(name)
		e := enum.Entry(name)
		if bits, err := strconv.ParseUint(name, 0, 64); e == nil && err == nil {
			// Bits without a name, as the decoder prints them: the mask
			// itself, also with enum-as-flags.
			mask |= bits
			continue
		}
		if e == nil {
			valid := entryNames(enum)
			msg := fmt.Sprintf("unknown flag %q of %s", name, enum.Name)
			return 0, errors.New(withSuggestion(msg, Nearest(name, valid), valid))
		}
		if asFlags && enum.Kind != schema.KindFlags {
			mask |= 1 << e.Value
		} else {
			mask |= e.Value
		}
	}

	return mask, nil
}

func numberText(v Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), true
	case json.Number:
		return string(x), true
	}

	return "", false
}

func parseUint(v Value, bitsize int) (uint64, error) {
	s, ok := numberText(v)
	if !ok {
		return 0, fmt.Errorf("an unsigned integer is needed, not %s", describe(v))
	}

	n, err := strconv.ParseUint(s, 0, bitsize)
	if err != nil {
		return 0, fmt.Errorf("invalid value %s: an unsigned integer from 0 to %d is needed (decimal or 0x hex)", quoteValue(s), uint64(math.MaxUint64)>>(64-bitsize))
	}

	return n, nil
}

func parseInt(v Value, bitsize int) (int64, error) {
	s, ok := numberText(v)
	if !ok {
		return 0, fmt.Errorf("an integer is needed, not %s", describe(v))
	}

	n, err := strconv.ParseInt(s, 0, bitsize)
	if err != nil {
		lo, hi := -int64(1)<<(bitsize-1), int64(1)<<(bitsize-1)-1
		return 0, fmt.Errorf("invalid value %s: an integer from %d to %d is needed", quoteValue(s), lo, hi)
	}

	return n, nil
}

func checkRange(t schema.Type, u uint64, c schema.Checks) error {
	if !c.Min.Set && !c.Max.Set {
		return nil
	}

	if t.IsSigned() {
		n := int64(u)
		bits := 64
		if t.Size() > 0 {
			bits = t.Size() * 8
		}
		lo := limitInt(c.Min, -1<<(bits-1))
		hi := limitInt(c.Max, 1<<(bits-1)-1)
		if n < lo || n > hi {
			return fmt.Errorf("value %d is out of range [%d, %d]", n, lo, hi)
		}
		return nil
	}

	lo, hi := limitUint(c.Min, 0), limitUint(c.Max, typeMax(t))
	if u < lo || u > hi {
		return fmt.Errorf("value %d is out of range [%d, %d]", u, lo, hi)
	}

	return nil
}

// typeMax returns the largest value of unsigned type t. A uint, whose
// size varies, may hold 64 bits.
func typeMax(t schema.Type) uint64 {
	if t.Size() == 0 {
		return math.MaxUint64
	}

	return math.MaxUint64 >> (64 - 8*t.Size())
}

func limitInt(l schema.Limit, def int64) int64 {
	switch {
	case !l.Set:
		return def
	case l.Signed:
		return l.Int
	case l.Uint > math.MaxInt64:
		return math.MaxInt64
	}

	return int64(l.Uint)
}

func limitUint(l schema.Limit, def uint64) uint64 {
	switch {
	case !l.Set:
		return def
	case !l.Signed:
		return l.Uint
	case l.Int < 0:
		return 0
	}

	return uint64(l.Int)
}

func parseBool(v Value) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case nil:
		return true, nil
	case string:
		switch strings.ToLower(x) {
		case "", "true", "1", "yes", "on":
			return true, nil
		case "false", "0", "no", "off":
			return false, nil
		}
	}

	return false, fmt.Errorf("a flag takes true or false, not %v", v)
}

func bitfield32Bytes(sa *schema.Attr, v Value) ([]byte, error) {
	var value, selector uint64
	var err error
	if obj, ok := v.(*Object); ok {
		val, _ := obj.Get("value")
		sel, hasSel := obj.Get("selector")
		if value, err = integerBits(schema.TypeU32, sa.Enum(), sa.EnumAsFlags, val); err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
		selector = value
		if hasSel {
			if selector, err = integerBits(schema.TypeU32, sa.Enum(), sa.EnumAsFlags, sel); err != nil {
				return nil, fmt.Errorf("selector: %w", err)
			}
		}
	} else if value, err = integerBits(schema.TypeU32, sa.Enum(), sa.EnumAsFlags, v); err != nil {
		return nil, err
	} else {
		selector = value
	}

	b := binary.NativeEndian.AppendUint32(nil, uint32(value))

	return binary.NativeEndian.AppendUint32(b, uint32(selector)), nil
}
