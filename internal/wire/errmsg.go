package wire

import (
	"encoding/binary"
	"fmt"
)

// Attributes of an extended ACK (NLMSGERR_ATTR_*).
const (
	ExtAckMsg      = 1
	ExtAckOffset   = 2
	ExtAckCookie   = 3
	ExtAckPolicy   = 4
	ExtAckMissType = 5
	ExtAckMissNest = 6
)

// ErrorMessage is a decoded NLMSG_ERROR message, or an NLMSG_DONE that
// carries an error code. Errno is positive (the kernel sends it negated) and
// zero for an acknowledgement.
type ErrorMessage struct {
	Errno int32
	// Request is the header of the request the error replies to. RequestPayload
	// is the echoed request payload, empty when the kernel capped the ACK.
	Request        Header
	RequestPayload []byte
	Capped         bool
	ExtAck         ExtAck
}

// ExtAck holds the attributes of an extended ACK. Fields the kernel did not
// send are zero; the Has* booleans tell a zero value from a missing one.
type ExtAck struct {
	Message string
	// Offset is the offending attribute's byte offset from the start of the
	// request message, nlmsghdr included.
	Offset      uint32
	HasOffset   bool
	Cookie      []byte
	Policy      []Attr // NL_POLICY_TYPE_ATTR_* attributes of the broken policy
	MissType    uint32
	HasMissType bool
	MissNest    uint32
	HasMissNest bool
	// Unknown keeps extended ACK attributes this package does not know.
	Unknown []Attr
}

// ParseError decodes the payload of an NLMSG_ERROR message, or of an
// NLMSG_DONE message that ends a dump with an error.
func ParseError(m Message) (*ErrorMessage, error) {
	p := m.Payload
	if len(p) < 4 {
		return nil, fmt.Errorf("error message needs 4 bytes for the error code, have %d", len(p))
	}

	e := &ErrorMessage{Errno: -int32(binary.NativeEndian.Uint32(p[0:4]))}
	e.Capped = m.Header.Flags&FlagCapped != 0
	off := 4
	if m.Header.Type == TypeError {
		h, err := ParseHeader(p[4:])
		if err != nil {
			return nil, fmt.Errorf("error message: echoed request: %w", err)
		}

		e.Request = h
		off += HeaderLen
		if !e.Capped {
			end := min(max(int(h.Length), HeaderLen)+4, len(p))
			e.RequestPayload = p[off:end]
			off = Align(end)
		}
	}

	if m.Header.Flags&FlagAckTLVs == 0 || off >= len(p) {
		return e, nil
	}

	err := e.ExtAck.parse(p[off:], HeaderLen+off)

	return e, err
}

func (x *ExtAck) parse(b []byte, base int) error {
	s := NewAttrScanner(b, base)
	for s.Next() {
		a := s.Attr()
		switch a.Type {
		case ExtAckMsg:
			x.Message, _ = a.String()
		case ExtAckOffset:
			v, err := a.Uint(false)
			x.Offset, x.HasOffset = uint32(v), err == nil
		case ExtAckCookie:
			x.Cookie = a.Value
		case ExtAckPolicy:
			x.Policy, _ = ParseAttrs(a.Value, a.NestedBase())
		case ExtAckMissType:
			v, err := a.Uint(false)
			x.MissType, x.HasMissType = uint32(v), err == nil
		case ExtAckMissNest:
			v, err := a.Uint(false)
			x.MissNest, x.HasMissNest = uint32(v), err == nil
		default:
			x.Unknown = append(x.Unknown, a)
		}
	}

	if err := s.Err(); err != nil {
		return fmt.Errorf("extended ACK: %w", err)
	}

	return nil
}
