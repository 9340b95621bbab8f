package decode

import "github.com/nlctl/nlctl/internal/schema"

// Kind selects which fields of a Node hold its value.
type Kind uint8

// Kinds of decoded value.
const (
	// KindUint is an unsigned integer in Uint.
	KindUint Kind = iota
	// KindInt is a signed integer in Int.
	KindInt
	// KindFlag is a flag attribute: present means true.
	KindFlag
	// KindString is a string; its text is Raw without the trailing NUL.
	KindString
	// KindBytes is binary data in Raw, shown by its display hint.
	KindBytes
	// KindEnum is an integer in Uint whose enum entry is named by Text.
	KindEnum
	// KindFlags is a bit mask in Uint, its set bits named in Names in bit
	// order. Bits the schema does not name are kept as hexadecimal.
	KindFlags
	// KindNest holds attributes in Children.
	KindNest
	// KindList holds array elements in Children: an indexed-array, a
	// nest-type-value level, or a binary array of integers.
	KindList
	// KindStruct holds the members of a binary struct in Children.
	KindStruct
	// KindBitfield32 is a bitfield32: Uint is the value, Selector the mask
	// of valid bits, and Names name the value's bits when an enum applies.
	KindBitfield32
	// KindUnknown is an attribute the schema does not know, kept as Raw.
	KindUnknown
	// KindError is input that could not be decoded: Text gives the reason, Raw
	// holds the bytes from Offset on.
	KindError
)

// Node is one decoded value: an attribute, a struct member or an array
// element.
type Node struct {
	// Name is the attribute or member name, or "" when the schema has none.
	Name string
	// Number is the attribute's type number, a list element's index, or a
	// struct member's position.
	Number uint16
	// Type is the schema type, or schema.TypeNone for an unknown attribute.
	Type schema.Type
	Kind Kind
	// Hint is the display hint for KindBytes and integer kinds.
	Hint schema.DisplayHint
	// Multi is set for a multi-attr attribute, which renders as an array.
	Multi bool

	Uint     uint64
	Int      int64
	Selector uint32
	Text     string
	Names    []string
	// Raw is the value's bytes, without the attribute header.
	Raw []byte
	// Offset is the position of the attribute header (or of the member's
	// first byte) counted from the start of the netlink message.
	Offset   int
	Children []Node
}

// Message is a decoded generic netlink message.
type Message struct {
	// Command and Version are the genlmsghdr fields.
	Command uint8
	Version uint8
	// Op is the schema's op for the command, or nil.
	Op *schema.Op
	// Header holds the fields of a genetlink-legacy fixed header.
	Header []Node
	// Attrs holds the attributes in wire order.
	Attrs []Node
}
