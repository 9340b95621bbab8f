package schema

// MaxAttrNumber is the largest attribute number that fits in the 14 type
// bits of a netlink attribute header. Bits 14 and 15 are the
// NLA_F_NET_BYTEORDER and NLA_F_NESTED flags.
const MaxAttrNumber = 1<<14 - 1

// AttrSet is a named attribute set: the attributes that may appear at one
// level of a message or inside a nest.
type AttrSet struct {
	// Name is the set's name, unique within the family.
	Name string
	// SubsetOfName names the set this one is a subset of, or is empty. A
	// subset shares the numbering of its parent set. Its Attrs are complete
	// copies of the parent's attributes, with the overrides the subset gives
	// (for example multi-attr), so a decoder never needs the parent.
	SubsetOfName string
	// Attrs are the set's attributes in spec order.
	Attrs []Attr

	// Filled in by Family.Resolve.
	byName   map[string]*Attr
	byNumber []*Attr          // indexed by number when the numbers are dense
	sparse   map[uint16]*Attr // used instead of byNumber when they are not
	subsetOf *AttrSet
}

// Attr is one attribute of an attribute set.
type Attr struct {
	// Name is the attribute's name, unique within its set.
	Name string
	// Number is the attribute's type number on the wire.
	Number uint16
	// Type is the attribute's netlink type.
	Type Type
	// MultiAttr reports that the attribute may appear more than once at the
	// same level, each occurrence carrying one element of a list.
	MultiAttr bool
	// ByteOrder is the byte order of an integer attribute.
	ByteOrder ByteOrder
	// DisplayHint suggests how to show the value.
	DisplayHint DisplayHint
	// SubType is the element type of an indexed-array, or of a binary
	// attribute that carries an array of integers. It is TypeNone otherwise.
	SubType Type
	// NestedName names the attribute set inside a nest, an indexed-array of
	// nests or a nest-type-value attribute.
	NestedName string
	// EnumName names the enum or flags definition of an integer attribute.
	EnumName string
	// EnumAsFlags treats the values of the enum EnumName as bit positions:
	// the attribute is a bit mask with bit 1<<entry.Value set per entry.
	EnumAsFlags bool
	// StructName names the struct definition carried by a binary attribute.
	StructName string
	// SubMessageName names the sub-message definition of a sub-message
	// attribute.
	SubMessageName string
	// Selector names the attribute whose value selects the sub-message
	// format. The decoder looks for it in the same set first, then in the
	// enclosing sets.
	Selector string
	// TypeValue names the values that a nest-type-value attribute encodes in
	// the type numbers of its nested levels, outermost first.
	TypeValue []string
	// Checks are the kernel's input validation rules for the attribute.
	Checks Checks

	// Filled in by Family.Resolve.
	nested     *AttrSet
	enum       *Definition
	structType *Definition
	subMessage *SubMessage
}

// Checks are the validation rules that the kernel applies to an attribute,
// as given in the spec's checks key.
type Checks struct {
	// Min and Max bound the value of an integer attribute.
	Min, Max Limit
	// MinLen, MaxLen and ExactLen bound the length in bytes of a string or
	// binary attribute. Zero means no bound.
	MinLen, MaxLen, ExactLen int
	// UnterminatedOK allows a string attribute without a trailing NUL.
	UnterminatedOK bool
	// FlagsMaskName names a flags definition whose bits are the only ones
	// allowed in the value.
	FlagsMaskName string
}

// Limit is an optional integer bound. Like the kernel's policy dump, it
// stores a signed bound as an int64 and an unsigned one as a uint64.
type Limit struct {
	// Set reports whether the bound exists.
	Set bool
	// Signed selects Int over Uint.
	Signed bool
	// Int is the bound when Signed is true.
	Int int64
	// Uint is the bound when Signed is false.
	Uint uint64
}

// ByName returns the attribute named name, or nil.
func (s *AttrSet) ByName(name string) *Attr {
	return s.byName[name]
}

// ByNumber returns the attribute with type number n, or nil.
func (s *AttrSet) ByNumber(n uint16) *Attr {
	if s.sparse != nil {
		return s.sparse[n]
	}

	if int(n) < len(s.byNumber) {
		return s.byNumber[n]
	}

	return nil
}

// SubsetOf returns the set named by s.SubsetOfName, or nil.
func (s *AttrSet) SubsetOf() *AttrSet {
	return s.subsetOf
}

// Nested returns the attribute set named by a.NestedName, or nil.
func (a *Attr) Nested() *AttrSet {
	return a.nested
}

// Enum returns the enum or flags definition named by a.EnumName, or nil.
func (a *Attr) Enum() *Definition {
	return a.enum
}

// Struct returns the struct definition named by a.StructName, or nil.
func (a *Attr) Struct() *Definition {
	return a.structType
}

// SubMessage returns the sub-message definition named by a.SubMessageName,
// or nil.
func (a *Attr) SubMessage() *SubMessage {
	return a.subMessage
}
