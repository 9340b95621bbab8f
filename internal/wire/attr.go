package wire

import (
	"encoding/binary"
	"fmt"
)

// Bits of an attribute's type field that are flags, not part of the number.
const (
	AttrNested       = 0x8000 // NLA_F_NESTED
	AttrNetByteOrder = 0x4000 // NLA_F_NET_BYTEORDER
	AttrTypeMask     = 0x3fff
)

// Attr is one type-length-value attribute. Value points into the bytes it
// was parsed from. Offset is the attribute header's position counted from
// the start of the buffer the caller named as base, so that nested
// attributes keep offsets relative to the whole message.
type Attr struct {
	Type         uint16 // the number, flag bits removed
	Nested       bool   // NLA_F_NESTED was set
	NetByteOrder bool   // NLA_F_NET_BYTEORDER was set
	Length       int    // the header's length field: header plus value, no padding
	Offset       int
	Value        []byte
}

// AttrError reports malformed attribute framing.
type AttrError struct {
	Offset int // offset of the bad attribute header
	Length int // the length the header claims, or -1 if the header is cut short
	Avail  int // bytes available from Offset to the end of the enclosing buffer
	Reason string
}

func (e *AttrError) Error() string {
	if e.Length < 0 {
		return fmt.Sprintf("attribute at offset %d: %s (%d bytes left)", e.Offset, e.Reason, e.Avail)
	}

	return fmt.Sprintf("attribute at offset %d: length %d %s (%d bytes left)",
		e.Offset, e.Length, e.Reason, e.Avail)
}

// AttrScanner walks the attributes in a buffer one at a time. It checks
// every length and stops at the first framing error, which Err returns.
type AttrScanner struct {
	b    []byte
	base int
	off  int
	attr Attr
	err  error
}

// NewAttrScanner returns a scanner over b, whose first byte sits at offset
// base in the enclosing message.
func NewAttrScanner(b []byte, base int) *AttrScanner {
	return &AttrScanner{b: b, base: base}
}

// Next advances to the next attribute and reports whether there is one.
func (s *AttrScanner) Next() bool {
	if s.err != nil || s.off >= len(s.b) {
		return false
	}

	rest := s.b[s.off:]
	if len(rest) < AttrHeaderLen {
		s.err = &AttrError{Offset: s.base + s.off, Length: -1, Avail: len(rest),
			Reason: "header is cut short"}
		return false
	}

	n := int(binary.NativeEndian.Uint16(rest[0:2]))
	typ := binary.NativeEndian.Uint16(rest[2:4])
	if n < AttrHeaderLen {
		s.err = &AttrError{Offset: s.base + s.off, Length: n, Avail: len(rest),
			Reason: "is shorter than the 4-byte header"}
		return false
	}
	if n > len(rest) {
		s.err = &AttrError{Offset: s.base + s.off, Length: n, Avail: len(rest),
			Reason: "runs past the end"}
		return false
	}

	s.attr = Attr{
		Type:         typ & AttrTypeMask,
		Nested:       typ&AttrNested != 0,
		NetByteOrder: typ&AttrNetByteOrder != 0,
		Length:       n,
		Offset:       s.base + s.off,
		Value:        rest[AttrHeaderLen:n:n],
	}
	s.off += min(Align(n), len(rest))

	return true
}

// Attr returns the attribute Next moved to.
func (s *AttrScanner) Attr() Attr { return s.attr }

// Err returns the framing error that stopped the scan, if any.
func (s *AttrScanner) Err() error { return s.err }

// Rest returns the bytes after the last good attribute and their offset,
// which is where a framing error left the scan.
func (s *AttrScanner) Rest() ([]byte, int) {
	return s.b[s.off:], s.base + s.off
}

// ParseAttrs returns every attribute in b, stopping at the first framing
// error. The attributes before the error are returned with it.
func ParseAttrs(b []byte, base int) ([]Attr, error) {
	var attrs []Attr
	s := NewAttrScanner(b, base)
	for s.Next() {
		attrs = append(attrs, s.Attr())
	}

	return attrs, s.Err()
}

// NestedBase returns the offset of a's value, the base for scanning a nest.
func (a Attr) NestedBase() int { return a.Offset + AttrHeaderLen }

// Uint reads a's value as an unsigned integer of 1, 2, 4 or 8 bytes, in host
// byte order unless bigEndian is set or the attribute carries
// NLA_F_NET_BYTEORDER.
func (a Attr) Uint(bigEndian bool) (uint64, error) {
	var order binary.ByteOrder = binary.NativeEndian
	if bigEndian || a.NetByteOrder {
		order = binary.BigEndian
	}

	v := a.Value
	switch len(v) {
	case 1:
		return uint64(v[0]), nil
	case 2:
		return uint64(order.Uint16(v)), nil
	case 4:
		return uint64(order.Uint32(v)), nil
	case 8:
		return order.Uint64(v), nil
	}

	return 0, fmt.Errorf("attribute %d at offset %d: an integer needs 1, 2, 4 or 8 bytes, have %d",
		a.Type, a.Offset, len(v))
}

// String reads a's value as a NUL-terminated string. A value without the
// terminating NUL is returned whole with ok set to false.
func (a Attr) String() (s string, ok bool) {
	v := a.Value
	if len(v) > 0 && v[len(v)-1] == 0 {
		v = v[:len(v)-1]
		for i, c := range v {
			if c == 0 {
				return string(v[:i]), true
			}
		}

		return string(v), true
	}

	return string(v), false
}
