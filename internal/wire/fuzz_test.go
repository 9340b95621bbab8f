package wire

import "testing"

// FuzzParse feeds arbitrary datagrams through every parser in this
// package. None may panic, whatever the bytes.
func FuzzParse(f *testing.F) {
	f.Add(NewGenlRequest(16, FlagRequest|FlagDump, GenlHeader{Command: 3, Version: 2}, nil))
	f.Add([]byte{36, 0, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0xea, 0xff, 0xff, 0xff,
		16, 0, 0, 0, 21, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{20, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})

	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, _ := ParseMessages(b)
		for _, m := range msgs {
			if m.Header.Type == TypeError || m.Header.Type == TypeDone {
				_, _ = ParseError(m)
				continue
			}
			if _, err := ParseGenlHeader(m.Payload); err != nil {
				continue
			}
			walk(m.Payload[GenlHeaderLen:], HeaderLen+GenlHeaderLen, 0)
		}
	})
}

// walk scans attributes and descends into every value as if it were a
// nest, the worst case for a decoder without a schema.
func walk(b []byte, base, depth int) {
	if depth > 8 {
		return
	}

	s := NewAttrScanner(b, base)
	for s.Next() {
		a := s.Attr()
		_, _ = a.Uint(false)
		_, _ = a.String()
		walk(a.Value, a.NestedBase(), depth+1)
	}
	_ = s.Err()
	_, _ = s.Rest()
}
