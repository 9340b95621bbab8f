package wire

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMessagesSplitsDatagram(t *testing.T) {
	a := NewGenlRequest(20, FlagRequest, GenlHeader{Command: 1, Version: 1}, []byte{5, 0, 1, 0, 7, 0, 0, 0})
	b := NewGenlRequest(21, FlagRequest|FlagAck, GenlHeader{Command: 2}, nil)
	msgs, err := ParseMessages(append(a, b...))
	if err != nil {
		t.Fatal(err)
	}

	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want 2", len(msgs))
	}
	if msgs[0].Header.Type != 20 || msgs[1].Header.Type != 21 {
		t.Errorf("types = %d, %d; want 20, 21", msgs[0].Header.Type, msgs[1].Header.Type)
	}
	if msgs[1].Header.Flags != FlagRequest|FlagAck {
		t.Errorf("second message flags = %#x, want %#x", msgs[1].Header.Flags, FlagRequest|FlagAck)
	}
}

func TestParseMessagesMalformed(t *testing.T) {
	good := NewGenlRequest(20, 0, GenlHeader{}, nil)
	cases := map[string][]byte{
		"cut header":       good[:10],
		"length too small": append([]byte{8, 0, 0, 0}, good[4:]...),
		"length too large": append([]byte{200, 0, 0, 0}, good[4:]...),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			msgs, err := ParseMessages(append(append([]byte(nil), good...), b...))
			if err == nil {
				t.Fatal("malformed datagram parsed without error")
			}
			if len(msgs) != 1 {
				t.Errorf("got %d messages before the fault, want 1", len(msgs))
			}
		})
	}
}

func TestAttrScanner(t *testing.T) {
	var e AttrEncoder
	e.PutUint32(1, 7)
	e.Nest(2)
	e.PutString(1, "eth0")
	e.End()
	e.Put(3|AttrNetByteOrder, []byte{0x12, 0x34})

	attrs, err := ParseAttrs(e.Bytes(), 20)
	if err != nil {
		t.Fatal(err)
	}

	type summary struct {
		Type          uint16
		Nested, NetBO bool
		Offset, Len   int
	}
	var got []summary
	for _, a := range attrs {
		got = append(got, summary{a.Type, a.Nested, a.NetByteOrder, a.Offset, a.Length})
	}
	want := []summary{{1, false, false, 20, 8}, {2, true, false, 28, 16}, {3, false, true, 44, 6}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attributes mismatch (-want +got):\n%s", diff)
	}

	inner, err := ParseAttrs(attrs[1].Value, attrs[1].NestedBase())
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := inner[0].String(); s != "eth0" || !ok || inner[0].Offset != 32 {
		t.Errorf("nested string = %q (terminated %v) at %d, want \"eth0\" at 32", s, ok, inner[0].Offset)
	}
	if v, _ := attrs[2].Uint(false); v != 0x1234 {
		t.Errorf("net-byteorder u16 = %#x, want 0x1234", v)
	}
}

func TestAttrScannerErrors(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		want AttrError
	}{
		{"cut header", []byte{8, 0}, AttrError{Offset: 0, Length: -1, Avail: 2, Reason: "header is cut short"}},
		{"length under 4", []byte{2, 0, 1, 0}, AttrError{Offset: 0, Length: 2, Avail: 4, Reason: "is shorter than the 4-byte header"}},
		{"past the end", []byte{9, 0, 1, 0, 1, 2, 3, 4}, AttrError{Offset: 0, Length: 9, Avail: 8, Reason: "runs past the end"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAttrs(tc.b, 0)
			var ae *AttrError
			if !errors.As(err, &ae) {
				t.Fatalf("error = %v, want an AttrError", err)
			}
			if diff := cmp.Diff(tc.want, *ae); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrorExtAck(t *testing.T) {
	req := NewGenlRequest(21, FlagRequest|FlagAck, GenlHeader{Command: 1}, nil)
	var ext AttrEncoder
	ext.PutString(ExtAckMsg, "missing header")
	ext.PutUint32(ExtAckOffset, 24)
	ext.PutUint32(ExtAckMissType, 1)
	ext.PutUint32(ExtAckMissNest, 20)
	ext.Nest(ExtAckPolicy)
	ext.PutUint32(1, 4)
	ext.End()

	payload := binary.NativeEndian.AppendUint32(nil, uint32(0xffffffea)) // -EINVAL
	payload = append(payload, req[:HeaderLen]...)
	payload = append(payload, ext.Bytes()...)
	raw := make([]byte, HeaderLen+len(payload))
	PutHeader(raw, Header{Length: uint32(len(raw)), Type: TypeError, Flags: FlagCapped | FlagAckTLVs})
	copy(raw[HeaderLen:], payload)
	msgs, err := ParseMessages(raw)
	if err != nil {
		t.Fatal(err)
	}

	em, err := ParseError(msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	if em.Errno != 22 || !em.Capped || em.Request.Type != 21 {
		t.Errorf("errno %d capped %v request type %d; want 22 true 21", em.Errno, em.Capped, em.Request.Type)
	}
	x := em.ExtAck
	if x.Message != "missing header" || x.Offset != 24 || x.MissType != 1 || x.MissNest != 20 {
		t.Errorf("extack = %+v", x)
	}
	if !x.HasOffset || !x.HasMissType || !x.HasMissNest || len(x.Policy) != 1 {
		t.Errorf("extack presence: offset %v misstype %v missnest %v policy %d attrs",
			x.HasOffset, x.HasMissType, x.HasMissNest, len(x.Policy))
	}
}

func TestAttrStringUnterminated(t *testing.T) {
	s, ok := Attr{Value: []byte("abc")}.String()
	if s != "abc" || ok {
		t.Errorf("String() = %q, %v; want \"abc\", false", s, ok)
	}
}
