package wire

import "encoding/binary"

// AttrEncoder appends attributes to a buffer. Nest opens a nested
// attribute and End closes it, filling in its length.
type AttrEncoder struct {
	b     []byte
	nests []int
}

// Bytes returns the encoded attributes.
func (e *AttrEncoder) Bytes() []byte { return e.b }

// Put appends an attribute with the given type field (flag bits included)
// and value, padded to 4 bytes.
func (e *AttrEncoder) Put(typ uint16, value []byte) {
	start := len(e.b)
	e.b = append(e.b, 0, 0, 0, 0)
	binary.NativeEndian.PutUint16(e.b[start:], uint16(AttrHeaderLen+len(value)))
	binary.NativeEndian.PutUint16(e.b[start+2:], typ)
	e.b = append(e.b, value...)
	e.pad()
}

// PutUint32 appends a u32 attribute in host byte order.
func (e *AttrEncoder) PutUint32(typ uint16, v uint32) {
	e.Put(typ, binary.NativeEndian.AppendUint32(nil, v))
}

// PutUint16 appends a u16 attribute in host byte order.
func (e *AttrEncoder) PutUint16(typ uint16, v uint16) {
	e.Put(typ, binary.NativeEndian.AppendUint16(nil, v))
}

// PutString appends a NUL-terminated string attribute.
func (e *AttrEncoder) PutString(typ uint16, s string) {
	v := make([]byte, len(s)+1)
	copy(v, s)
	e.Put(typ, v)
}

// Nest opens a nested attribute of the given type. NLA_F_NESTED is set, as
// the kernel's strict validation expects.
func (e *AttrEncoder) Nest(typ uint16) {
	e.nests = append(e.nests, len(e.b))
	e.b = append(e.b, 0, 0, 0, 0)
	binary.NativeEndian.PutUint16(e.b[len(e.b)-2:], typ|AttrNested)
}

// End closes the innermost open nest. It does nothing when no nest is open.
func (e *AttrEncoder) End() {
	if len(e.nests) == 0 {
		return
	}

	start := e.nests[len(e.nests)-1]
	e.nests = e.nests[:len(e.nests)-1]
	binary.NativeEndian.PutUint16(e.b[start:], uint16(len(e.b)-start))
}

func (e *AttrEncoder) pad() {
	for len(e.b)%4 != 0 {
		e.b = append(e.b, 0)
	}
}

// Append appends bytes that are already encoded, such as a fixed header
// inside a nest, padded to 4 bytes.
func (e *AttrEncoder) Append(b []byte) {
	e.b = append(e.b, b...)
	e.pad()
}
