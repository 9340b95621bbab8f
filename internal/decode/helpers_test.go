package decode_test

import (
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/schema/ynl"
	"github.com/nlctl/nlctl/internal/wire"
)

// Offsets of a message built by genlMsg: the nlmsghdr and the genlmsghdr
// come first, so the first attribute header sits at attrBase and its value
// at valueBase.
const (
	attrBase  = wire.HeaderLen + wire.GenlHeaderLen
	valueBase = attrBase + wire.AttrHeaderLen
)

// loadSpec loads an inline YNL spec, failing the test when it is invalid.
func loadSpec(t testing.TB, name, spec string) *schema.Family {
	t.Helper()
	fam, err := ynl.Load(name, []byte(spec))
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}

	return fam
}

// genlMsg builds a generic netlink message with command cmd whose body
// (fixed header and attributes) is the concatenation of parts.
func genlMsg(cmd uint8, parts ...[]byte) []byte {
	var body []byte
	for _, p := range parts {
		body = append(body, p...)
	}

	return wire.NewGenlRequest(0x20, 0, wire.GenlHeader{Command: cmd, Version: 1}, body)
}

// attr encodes one attribute with the raw type field typ (flag bits
// included), padded to 4 bytes.
func attr(typ uint16, value []byte) []byte {
	var e wire.AttrEncoder
	e.Put(typ, value)

	return e.Bytes()
}

// nest encodes a nested attribute with NLA_F_NESTED set.
func nest(typ uint16, children ...[]byte) []byte {
	var value []byte
	for _, c := range children {
		value = append(value, c...)
	}

	return attr(typ|wire.AttrNested, value)
}

// rawAttr encodes an attribute header that claims length n, followed by
// value, without padding: for malformed input.
func rawAttr(n, typ uint16, value []byte) []byte {
	b := binary.NativeEndian.AppendUint16(nil, n)
	b = binary.NativeEndian.AppendUint16(b, typ)

	return append(b, value...)
}

func u16(v uint16) []byte  { return binary.NativeEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte  { return binary.NativeEndian.AppendUint32(nil, v) }
func u64(v uint64) []byte  { return binary.NativeEndian.AppendUint64(nil, v) }
func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// cat concatenates byte slices.
func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}

	return b
}

// cstr returns s with a terminating NUL.
func cstr(s string) []byte { return append([]byte(s), 0) }

func hexOf(b []byte) string { return hex.EncodeToString(b) }
