package schema

import "strconv"

// DefinitionKind is the kind of a Definition.
type DefinitionKind uint8

// Definition kinds, named as in the spec's definitions[].type key.
const (
	KindConst DefinitionKind = iota + 1
	KindEnum
	KindFlags
	KindStruct
)

// String returns the YNL name of k.
func (k DefinitionKind) String() string {
	switch k {
	case KindConst:
		return "const"
	case KindEnum:
		return "enum"
	case KindFlags:
		return "flags"
	case KindStruct:
		return "struct"
	}

	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseDefinitionKind returns the DefinitionKind with the YNL name s.
func ParseDefinitionKind(s string) (DefinitionKind, bool) {
	for k := KindConst; k <= KindStruct; k++ {
		if k.String() == s {
			return k, true
		}
	}

	return 0, false
}

// MaxStructSize is the largest struct size Resolve accepts: the length
// field of a netlink attribute is 16 bits, so no struct carried in one can
// be larger.
const MaxStructSize = 1<<16 - 1

// Definition is a named constant, enum, flags set or struct from the spec's
// definitions list.
type Definition struct {
	// Name is the definition's name, unique within the family.
	Name string
	// Kind selects which of the fields below apply.
	Kind DefinitionKind

	// Value is the value of an integer const.
	Value int64
	// StringValue is the value of a const whose value is a string. Value is
	// then 0.
	StringValue string

	// Entries are the values of an enum or the bits of a flags set, in spec
	// order.
	Entries []EnumEntry

	// Members are the fields of a struct, in wire order. Structs are packed:
	// padding appears as members of type pad.
	Members []Member

	// Filled in by Family.Resolve.
	entryByName  map[string]*EnumEntry
	entryByValue map[uint64]*EnumEntry
	// bitNames names entries by bit position, for decoding masks without
	// a map lookup per bit.
	bitNames *[64]string
	size     int
}

// EnumEntry is one value of an enum or one bit of a flags set.
type EnumEntry struct {
	// Name is the entry's name, unique within its definition.
	Name string
	// Value is the entry's value on the wire. For a flags set it is the bit
	// mask (1 << position). For an enum it is the enum value; a negative
	// enum value is stored in two's complement.
	Value uint64
}

// Member is one field of a struct definition.
type Member struct {
	// Name is the member's name, unique within its struct.
	Name string
	// Type is one of u8 to u64, s8 to s64, string, binary or pad.
	Type Type
	// Len is the length in bytes of a string, binary or pad member. It is
	// 0 for integer members. A binary member that embeds a struct takes its
	// size from the struct.
	Len int
	// ByteOrder is the byte order of an integer member.
	ByteOrder ByteOrder
	// DisplayHint suggests how to show the value.
	DisplayHint DisplayHint
	// EnumName names the enum or flags definition of an integer member.
	EnumName string
	// EnumAsFlags treats the values of the enum EnumName as bit positions.
	EnumAsFlags bool
	// StructName names the struct definition embedded in a binary member.
	StructName string

	// Filled in by Family.Resolve.
	enum       *Definition
	structType *Definition
}

// Entry returns the entry named name, or nil.
func (d *Definition) Entry(name string) *EnumEntry {
	return d.entryByName[name]
}

// EntryByValue returns the entry whose wire value is v, or nil. For a
// flags set, v must be a single bit.
func (d *Definition) EntryByValue(v uint64) *EnumEntry {
	return d.entryByValue[v]
}

// Size returns the size in bytes of a struct on the wire, including nested
// structs, and 0 for other kinds.
func (d *Definition) Size() int {
	return d.size
}

// Enum returns the enum or flags definition named by m.EnumName, or nil.
func (m *Member) Enum() *Definition {
	return m.enum
}

// Struct returns the struct definition named by m.StructName, or nil.
func (m *Member) Struct() *Definition {
	return m.structType
}

// Size returns the size of m in bytes on the wire.
func (m *Member) Size() int {
	switch {
	case m.structType != nil:
		return m.structType.size
	case m.Type.Size() > 0:
		return m.Type.Size()
	}

	return m.Len
}

// BitName returns the name of the entry at bit position pos of a mask:
// for a flags set the entry whose mask is 1<<pos, for an enum read as
// flags the entry whose value is pos. It returns "" when there is none.
func (d *Definition) BitName(pos int) string {
	if d.bitNames == nil || pos < 0 || pos >= 64 {
		return ""
	}

	return d.bitNames[pos]
}
