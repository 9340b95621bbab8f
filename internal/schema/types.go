package schema

import "strconv"

// Type is the netlink type of an attribute, of a struct member or of the
// elements of an array. The names follow the YNL spec format.
type Type uint8

// Attribute types. TypeNone is the zero value and means that no type was
// given, for example for an attribute without a sub-type.
const (
	TypeNone Type = iota
	TypeUnused
	TypePad
	TypeFlag
	TypeBinary
	TypeBitfield32
	TypeUint
	TypeSint
	TypeU8
	TypeU16
	TypeU32
	TypeU64
	TypeS8
	TypeS16
	TypeS32
	TypeS64
	TypeString
	TypeNest
	TypeIndexedArray
	TypeNestTypeValue
	TypeSubMessage
	typeCount
)

// String returns the YNL name of t, the empty string for TypeNone, or
// "type(N)" for a value outside the known range.
func (t Type) String() string {
	if name, ok := t.name(); ok {
		return name
	}

	return "type(" + strconv.Itoa(int(t)) + ")"
}

// name returns the YNL name of a known type.
func (t Type) name() (string, bool) {
	switch t {
	case TypeNone:
		return "", true
	case TypeUnused:
		return "unused", true
	case TypePad:
		return "pad", true
	case TypeFlag:
		return "flag", true
	case TypeBinary:
		return "binary", true
	case TypeBitfield32:
		return "bitfield32", true
	case TypeUint:
		return "uint", true
	case TypeSint:
		return "sint", true
	case TypeU8:
		return "u8", true
	case TypeU16:
		return "u16", true
	case TypeU32:
		return "u32", true
	case TypeU64:
		return "u64", true
	case TypeS8:
		return "s8", true
	case TypeS16:
		return "s16", true
	case TypeS32:
		return "s32", true
	case TypeS64:
		return "s64", true
	case TypeString:
		return "string", true
	case TypeNest:
		return "nest", true
	case TypeIndexedArray:
		return "indexed-array", true
	case TypeNestTypeValue:
		return "nest-type-value", true
	case TypeSubMessage:
		return "sub-message", true
	}

	return "", false
}

// ParseType returns the Type with the YNL name s. It reports false for an
// unknown name and for the empty string.
func ParseType(s string) (Type, bool) {
	for t := TypeUnused; t < typeCount; t++ {
		if name, _ := t.name(); name == s {
			return t, true
		}
	}

	return TypeNone, false
}

// TypeNames returns the YNL names of all types in declaration order, for
// error messages that list the valid choices.
func TypeNames() []string {
	names := make([]string, 0, typeCount-1)
	for t := TypeUnused; t < typeCount; t++ {
		names = append(names, t.String())
	}

	return names
}

// IsInteger reports whether t is a fixed-width or variable-width integer
// type (u8 to u64, s8 to s64, uint, sint).
func (t Type) IsInteger() bool {
	return t >= TypeUint && t <= TypeS64
}

// IsSigned reports whether t is a signed integer type.
func (t Type) IsSigned() bool {
	return t == TypeSint || (t >= TypeS8 && t <= TypeS64)
}

// Size returns the width in bytes of a fixed-width integer type and of
// bitfield32 (a u32 value followed by a u32 selector), and 0 for every
// other type. The variable-width types uint
// and sint are 4 or 8 bytes on the wire, so their size is 0 here.
func (t Type) Size() int {
	switch t {
	case TypeU8, TypeS8:
		return 1
	case TypeU16, TypeS16:
		return 2
	case TypeU32, TypeS32:
		return 4
	case TypeU64, TypeS64, TypeBitfield32:
		return 8
	}

	return 0
}

// ByteOrder is the byte order of an integer on the wire.
type ByteOrder uint8

// Byte orders. ByteOrderHost is the zero value: netlink integers are in the
// sending host's byte order unless a spec says otherwise.
const (
	ByteOrderHost ByteOrder = iota
	ByteOrderLittleEndian
	ByteOrderBigEndian
)

// String returns the YNL name of o ("little-endian", "big-endian"), or
// "host" for ByteOrderHost.
func (o ByteOrder) String() string {
	switch o {
	case ByteOrderHost:
		return "host"
	case ByteOrderLittleEndian:
		return "little-endian"
	case ByteOrderBigEndian:
		return "big-endian"
	}

	return "byte-order(" + strconv.Itoa(int(o)) + ")"
}

// ParseByteOrder returns the ByteOrder with the YNL name s.
func ParseByteOrder(s string) (ByteOrder, bool) {
	switch s {
	case "little-endian":
		return ByteOrderLittleEndian, true
	case "big-endian":
		return ByteOrderBigEndian, true
	}

	return ByteOrderHost, false
}

// DisplayHint suggests how to format a value for people. It never changes
// how a value is encoded.
type DisplayHint uint8

// Display hints. DisplayNone is the zero value.
const (
	DisplayNone DisplayHint = iota
	DisplayHex
	DisplayMAC
	DisplayFDDI
	DisplayIPv4
	DisplayIPv6
	DisplayIPv4OrV6
	DisplayUUID
	displayCount
)

// String returns the YNL name of h, or the empty string for DisplayNone.
func (h DisplayHint) String() string {
	switch h {
	case DisplayNone:
		return ""
	case DisplayHex:
		return "hex"
	case DisplayMAC:
		return "mac"
	case DisplayFDDI:
		return "fddi"
	case DisplayIPv4:
		return "ipv4"
	case DisplayIPv6:
		return "ipv6"
	case DisplayIPv4OrV6:
		return "ipv4-or-v6"
	case DisplayUUID:
		return "uuid"
	}

	return "display-hint(" + strconv.Itoa(int(h)) + ")"
}

// ParseDisplayHint returns the DisplayHint with the YNL name s.
func ParseDisplayHint(s string) (DisplayHint, bool) {
	for h := DisplayHex; h < displayCount; h++ {
		if h.String() == s {
			return h, true
		}
	}

	return DisplayNone, false
}

// DisplayHintNames returns the YNL names of all display hints, for error
// messages that list the valid choices.
func DisplayHintNames() []string {
	names := make([]string, 0, displayCount-1)
	for h := DisplayHex; h < displayCount; h++ {
		names = append(names, h.String())
	}

	return names
}
