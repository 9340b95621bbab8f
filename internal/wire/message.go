package wire

import (
	"encoding/binary"
	"fmt"
)

// Sizes of the fixed headers, in bytes.
const (
	HeaderLen     = 16 // struct nlmsghdr
	GenlHeaderLen = 4  // struct genlmsghdr
	AttrHeaderLen = 4  // struct nlattr
)

// Control message types, shared by every netlink protocol.
const (
	TypeNoop    = 0x1
	TypeError   = 0x2
	TypeDone    = 0x3
	TypeOverrun = 0x4
	// TypeMinReserved is the first message type a protocol may use; types
	// below it carry control messages.
	TypeMinReserved = 0x10
)

// Message flags (NLM_F_*).
const (
	FlagRequest      = 0x1
	FlagMulti        = 0x2
	FlagAck          = 0x4
	FlagEcho         = 0x8
	FlagDumpIntr     = 0x10
	FlagDumpFiltered = 0x20

	// Modifiers of a GET request.
	FlagRoot   = 0x100
	FlagMatch  = 0x200
	FlagAtomic = 0x400
	FlagDump   = FlagRoot | FlagMatch

	// Modifiers of a NEW request.
	FlagReplace = 0x100
	FlagExcl    = 0x200
	FlagCreate  = 0x400
	FlagAppend  = 0x800

	// Flags of an acknowledgement.
	FlagCapped  = 0x100
	FlagAckTLVs = 0x200
)

// Header is a netlink message header (struct nlmsghdr).
type Header struct {
	Length   uint32
	Type     uint16
	Flags    uint16
	Sequence uint32
	PortID   uint32
}

// Message is one netlink message. Raw holds the whole message as received
// or sent, header included; Payload is the part after the nlmsghdr.
type Message struct {
	Header  Header
	Payload []byte
	Raw     []byte
}

// ParseHeader reads a nlmsghdr from the start of b.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("netlink header needs %d bytes, have %d", HeaderLen, len(b))
	}

	return Header{
		Length:   binary.NativeEndian.Uint32(b[0:4]),
		Type:     binary.NativeEndian.Uint16(b[4:6]),
		Flags:    binary.NativeEndian.Uint16(b[6:8]),
		Sequence: binary.NativeEndian.Uint32(b[8:12]),
		PortID:   binary.NativeEndian.Uint32(b[12:16]),
	}, nil
}

// PutHeader writes h into the first HeaderLen bytes of b.
func PutHeader(b []byte, h Header) {
	binary.NativeEndian.PutUint32(b[0:4], h.Length)
	binary.NativeEndian.PutUint16(b[4:6], h.Type)
	binary.NativeEndian.PutUint16(b[6:8], h.Flags)
	binary.NativeEndian.PutUint32(b[8:12], h.Sequence)
	binary.NativeEndian.PutUint32(b[12:16], h.PortID)
}

// ParseMessages splits one received datagram into its messages. The returned
// messages share b's memory. On malformed framing it returns the messages
// before the fault together with an error naming the offset.
func ParseMessages(b []byte) ([]Message, error) {
	return AppendMessages(nil, b)
}

// AppendMessages is ParseMessages appending to msgs, so a caller reading
// many datagrams can reuse one slice.
func AppendMessages(msgs []Message, b []byte) ([]Message, error) {
	for off := 0; off < len(b); {
		h, err := ParseHeader(b[off:])
		if err != nil {
			return msgs, fmt.Errorf("message at offset %d: %w", off, err)
		}

		n := int(h.Length)
		if n < HeaderLen || n > len(b)-off {
			return msgs, fmt.Errorf("message at offset %d: length %d is outside [%d, %d]",
				off, n, HeaderLen, len(b)-off)
		}

		raw := b[off : off+n : off+n]
		msgs = append(msgs, Message{Header: h, Payload: raw[HeaderLen:], Raw: raw})
		off += Align(n)
	}

	return msgs, nil
}

// Align rounds n up to netlink's 4-byte alignment.
func Align(n int) int {
	return (n + 3) &^ 3
}

// GenlHeader is the generic netlink header (struct genlmsghdr).
type GenlHeader struct {
	Command uint8
	Version uint8
}

// ParseGenlHeader reads a genlmsghdr from the start of a message payload.
func ParseGenlHeader(payload []byte) (GenlHeader, error) {
	if len(payload) < GenlHeaderLen {
		return GenlHeader{}, fmt.Errorf("generic netlink header needs %d bytes, have %d",
			GenlHeaderLen, len(payload))
	}

	return GenlHeader{Command: payload[0], Version: payload[1]}, nil
}

// NewGenlRequest builds a generic netlink request message: the nlmsghdr, the
// genlmsghdr, then the given fixed header and attribute bytes. Sequence and
// port ID are left zero for the connection to fill in.
func NewGenlRequest(familyID uint16, flags uint16, g GenlHeader, body []byte) []byte {
	n := HeaderLen + GenlHeaderLen + len(body)
	b := make([]byte, n)
	PutHeader(b, Header{Length: uint32(n), Type: familyID, Flags: flags})
	b[HeaderLen] = g.Command
	b[HeaderLen+1] = g.Version
	copy(b[HeaderLen+GenlHeaderLen:], body)

	return b
}
