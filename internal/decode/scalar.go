package decode

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"

	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// scalar decodes a non-nested attribute into n. A value of the wrong size
// or shape turns n into an error node whose Text describes the fault.
func (st *state) scalar(n *Node, sa *schema.Attr, a wire.Attr) {
	v := a.Value
	switch t := sa.Type; {
	case t == schema.TypeFlag:
		n.Kind = KindFlag
		if len(v) != 0 {
			fail(n, fmt.Sprintf("a flag carries no value, have %d bytes", len(v)))
		}
	case t.IsInteger():
		st.integer(n, sa, a)
	case t == schema.TypeString:
		n.Kind = KindString
		if !sa.Checks.UnterminatedOK && (len(v) == 0 || v[len(v)-1] != 0) {
			fail(n, "string is not NUL-terminated")
		}
	case t == schema.TypeBitfield32:
		st.bitfield32(n, sa, v)
	case t == schema.TypePad:
		n.Kind = KindBytes
	default:
		st.binary(n, sa, a)
	}
}

func fail(n *Node, why string) {
	n.Kind = KindError
	n.Text = why
}

// integer decodes u8 to u64, s8 to s64, uint and sint, applying the byte
// order and the enum the schema gives.
func (st *state) integer(n *Node, sa *schema.Attr, a wire.Attr) {
	v := a.Value
	size := sa.Type.Size()
	if size == 0 && len(v) != 4 && len(v) != 8 {
		fail(n, fmt.Sprintf("a %s needs 4 or 8 bytes, have %d", sa.Type, len(v)))
		return
	}
	if size != 0 && len(v) != size {
		fail(n, fmt.Sprintf("length %d, want %d", len(v), size))
		return
	}

	u := readUint(v, sa.ByteOrder == schema.ByteOrderBigEndian || a.NetByteOrder, sa.ByteOrder == schema.ByteOrderLittleEndian)
	st.setInteger(n, sa.Type, u, len(v), sa.Enum(), sa.EnumAsFlags)
}

// setInteger stores u, read from size bytes, as the kind its type and
// enum call for.
func (st *state) setInteger(n *Node, t schema.Type, u uint64, size int, enum *schema.Definition, enumAsFlags bool) {
	n.Uint = u
	n.Kind = KindUint
	if t.IsSigned() {
		n.Kind = KindInt
		shift := 64 - 8*size
		n.Int = int64(u<<shift) >> shift
	}

	switch {
	case enum == nil:
	case enum.Kind == schema.KindFlags || enumAsFlags:
		n.Kind = KindFlags
		n.Names = FlagNames(st.names(bits.OnesCount64(u)), enum, u)
	default:
		n.Kind = KindEnum
		if e := enum.EntryByValue(u); e != nil {
			n.Text = e.Name
		}
	}
}

func readUint(v []byte, bigEndian, littleEndian bool) uint64 {
	// One function per byte order, so that each reads with direct calls
	// rather than through a binary.ByteOrder interface.
	switch {
	case len(v) == 1:
		return uint64(v[0])
	case bigEndian:
		return readBigEndian(v)
	case littleEndian:
		return readLittleEndian(v)
	}

	return readNativeEndian(v)
}

func readBigEndian(v []byte) uint64 {
	switch len(v) {
	case 2:
		return uint64(binary.BigEndian.Uint16(v))
	case 4:
		return uint64(binary.BigEndian.Uint32(v))
	case 8:
		return binary.BigEndian.Uint64(v)
	}

	return 0
}

func readLittleEndian(v []byte) uint64 {
	switch len(v) {
	case 2:
		return uint64(binary.LittleEndian.Uint16(v))
	case 4:
		return uint64(binary.LittleEndian.Uint32(v))
	case 8:
		return binary.LittleEndian.Uint64(v)
	}

	return 0
}

func readNativeEndian(v []byte) uint64 {
	switch len(v) {
	case 2:
		return uint64(binary.NativeEndian.Uint16(v))
	case 4:
		return uint64(binary.NativeEndian.Uint32(v))
	case 8:
		return binary.NativeEndian.Uint64(v)
	}

	return 0
}

// FlagNames appends to names the names of the set bits of u in bit order,
// as enum's BitName gives them for a flags definition or an enum used as
// flags. Bits without a name are kept as one hex value at the end.
func FlagNames(names []string, enum *schema.Definition, u uint64) []string {
	var unknown uint64
	for rest := u; rest != 0; rest &= rest - 1 {
		pos := bits.TrailingZeros64(rest)
		if name := enum.BitName(pos); name != "" {
			names = append(names, name)
		} else {
			unknown |= 1 << pos
		}
	}
	if unknown != 0 {
		names = append(names, "0x"+strconv.FormatUint(unknown, 16))
	}

	return names
}

func (st *state) bitfield32(n *Node, sa *schema.Attr, v []byte) {
	if len(v) != 8 {
		fail(n, fmt.Sprintf("a bitfield32 needs 8 bytes, have %d", len(v)))
		return
	}

	n.Kind = KindBitfield32
	n.Uint = uint64(binary.NativeEndian.Uint32(v[0:4]))
	n.Selector = binary.NativeEndian.Uint32(v[4:8])
	if e := sa.Enum(); e != nil {
		n.Names = FlagNames(st.names(bits.OnesCount64(n.Uint)), e, n.Uint)
	}
}

// binary decodes a binary attribute: a struct, an array of integers, or
// bytes shown by their display hint.
func (st *state) binary(n *Node, sa *schema.Attr, a wire.Attr) {
	v := a.Value
	n.Kind = KindBytes
	if sd := sa.Struct(); sd != nil {
		if len(v) < sd.Size() {
			fail(n, fmt.Sprintf("struct %s needs %d bytes, have %d", sd.Name, sd.Size(), len(v)))
			return
		}
		n.Kind = KindStruct
		n.Children = st.structMembers(sd, v[:sd.Size()], a.NestedBase(), 0)
		if extra := v[sd.Size():]; len(extra) > 0 {
			// A newer kernel may append members the schema lacks.
			n.Children = append(n.Children, Node{Kind: KindUnknown, Number: uint16(len(sd.Members)),
				Raw: extra, Offset: a.NestedBase() + sd.Size()})
		}
		return
	}

	if sa.SubType.IsInteger() && sa.SubType.Size() > 0 {
		size := sa.SubType.Size()
		if len(v)%size != 0 {
			fail(n, fmt.Sprintf("an array of %s needs a multiple of %d bytes, have %d", sa.SubType, size, len(v)))
			return
		}
		n.Kind = KindList
		for i := 0; i+size <= len(v); i += size {
			e := Node{Number: uint16(i / size), Type: sa.SubType, Hint: sa.DisplayHint, Raw: v[i : i+size], Offset: a.NestedBase() + i}
			u := readUint(v[i:i+size], sa.ByteOrder == schema.ByteOrderBigEndian, sa.ByteOrder == schema.ByteOrderLittleEndian)
			st.setInteger(&e, sa.SubType, u, size, sa.Enum(), sa.EnumAsFlags)
			n.Children = append(n.Children, e)
		}
		return
	}

	if c := sa.Checks; c.ExactLen > 0 && len(v) != c.ExactLen {
		fail(n, fmt.Sprintf("length %d, want exactly %d", len(v), c.ExactLen))
	}
}

// structMembers decodes the members of struct sd from b, which starts at
// offset base of the message. Padding members are skipped.
func (st *state) structMembers(sd *schema.Definition, b []byte, base, depth int) []Node {
	nodes := st.alloc(len(sd.Members))
	off := 0
	for i := range sd.Members {
		m := &sd.Members[i]
		size := m.Size()
		if off+size > len(b) {
			nodes = append(nodes, errorNode(m.Name, base+off, b[off:],
				fmt.Sprintf("member %s needs %d bytes, have %d", m.Name, size, len(b)-off)))
			break
		}

		v := b[off : off+size]
		if m.Type != schema.TypePad {
			nodes = append(nodes, st.member(m, i, v, base+off, depth))
		}
		off += size
	}

	return nodes
}

func (st *state) member(m *schema.Member, index int, v []byte, off, depth int) Node {
	n := Node{Name: m.Name, Number: uint16(index), Type: m.Type, Hint: m.DisplayHint, Raw: v, Offset: off}
	switch {
	case m.Struct() != nil && depth < maxDepth:
		n.Kind = KindStruct
		n.Children = st.structMembers(m.Struct(), v, off, depth+1)
	case m.Type.IsInteger():
		u := readUint(v, m.ByteOrder == schema.ByteOrderBigEndian, m.ByteOrder == schema.ByteOrderLittleEndian)
		st.setInteger(&n, m.Type, u, len(v), m.Enum(), m.EnumAsFlags)
	case m.Type == schema.TypeString:
		n.Kind = KindString
	default:
		n.Kind = KindBytes
	}

	return n
}
