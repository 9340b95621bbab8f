package render

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
	"unicode/utf8"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/schema"
)

// AppendMessageJSON appends a decoded message as one JSON object: the
// fixed header's fields first, then the attributes in wire order.
func AppendMessageJSON(b []byte, m *decode.Message) []byte {
	b = append(b, '{')
	b, first := appendMembers(b, m.Header, true)
	b, _ = appendMembers(b, m.Attrs, first)

	return append(b, '}')
}

// AppendNodesJSON appends nodes as the members of one JSON object.
func AppendNodesJSON(b []byte, nodes []decode.Node) []byte {
	b = append(b, '{')
	b, _ = appendMembers(b, nodes, true)

	return append(b, '}')
}

// Key returns the JSON key of a node: its name, or its number when the
// schema has no name for it. A node that reports a decode error without a
// name uses "decode-error".
func Key(n *decode.Node) string {
	switch {
	case n.Name != "":
		return n.Name
	case n.Kind == decode.KindError:
		return "decode-error"
	}

	return strconv.Itoa(int(n.Number))
}

// appendMembers writes nodes as object members. Nodes with the same key
// fold into one array in order of appearance, as do multi-attr attributes
// even when they appear once, so no key repeats.
func appendMembers(b []byte, nodes []decode.Node, first bool) ([]byte, bool) {
	if len(nodes) <= 16 && !repeatsKey(nodes) {
		// The common case needs no grouping, and so no allocation.
		for i := range nodes {
			if nodes[i].Type == schema.TypePad {
				continue // alignment filler, no data
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendString(b, Key(&nodes[i]))
			b = append(b, ':')
			if nodes[i].Multi {
				b = append(b, '[')
				b = appendValue(b, &nodes[i])
				b = append(b, ']')
			} else {
				b = appendValue(b, &nodes[i])
			}
		}
		return b, first
	}

	groups := groupByKey(nodes)
	for i := range nodes {
		same := groups[i]
		if same == nil || nodes[i].Type == schema.TypePad {
			continue // folded into an earlier member, or alignment filler
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, Key(&nodes[i]))
		b = append(b, ':')

		if !nodes[i].Multi && len(same) == 1 {
			b = appendValue(b, &nodes[i])
			continue
		}
		b = append(b, '[')
		for k, j := range same {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, &nodes[j])
		}
		b = append(b, ']')
	}

	return b, first
}

// groupByKey returns, for the first node of each key, the indexes of all
// nodes with that key; later nodes of a key get nil.
func groupByKey(nodes []decode.Node) [][]int {
	groups := make([][]int, len(nodes))
	if len(nodes) <= 16 {
		for i := range nodes {
			first := i
			for j := 0; j < i; j++ {
				if sameKey(&nodes[j], &nodes[i]) {
					first = j
					break
				}
			}
			groups[first] = append(groups[first], i)
		}
		return groups
	}

	firstOf := make(map[string]int, len(nodes))
	for i := range nodes {
		key := Key(&nodes[i])
		first, ok := firstOf[key]
		if !ok {
			first = i
			firstOf[key] = i
		}
		groups[first] = append(groups[first], i)
	}

	return groups
}

// repeatsKey reports whether two of nodes share a key.
func repeatsKey(nodes []decode.Node) bool {
	for i := 1; i < len(nodes); i++ {
		for j := 0; j < i; j++ {
			if sameKey(&nodes[j], &nodes[i]) {
				return true
			}
		}
	}

	return false
}

func sameKey(a, b *decode.Node) bool {
	if a.Name != "" || b.Name != "" {
		return a.Name == b.Name
	}
	if a.Kind == decode.KindError || b.Kind == decode.KindError {
		return a.Kind == b.Kind
	}

	return a.Number == b.Number
}

func appendValue(b []byte, n *decode.Node) []byte {
	switch n.Kind {
	case decode.KindUint:
		return appendUint(b, n)
	case decode.KindInt:
		return strconv.AppendInt(b, n.Int, 10)
	case decode.KindFlag:
		return append(b, "true"...)
	case decode.KindString:
		return appendString(b, trimNUL(n.Raw))
	case decode.KindBytes:
		return appendBytes(b, n.Raw, n.Hint)
	case decode.KindEnum:
		if n.Text != "" {
			return appendString(b, n.Text)
		}
		return strconv.AppendUint(b, n.Uint, 10)
	case decode.KindFlags:
		return appendStrings(b, n.Names)
	case decode.KindNest, decode.KindStruct:
		return AppendNodesJSON(b, n.Children)
	case decode.KindList:
		return appendList(b, n.Children)
	case decode.KindBitfield32:
		return appendBitfield32(b, n)
	case decode.KindUnknown:
		return appendString(b, hex.EncodeToString(n.Raw))
	}

	return appendError(b, n)
}

func appendUint(b []byte, n *decode.Node) []byte {
	switch n.Hint {
	case schema.DisplayHex:
		return appendString(b, "0x"+strconv.FormatUint(n.Uint, 16))
	case schema.DisplayIPv4, schema.DisplayIPv4OrV6:
		if len(n.Raw) == 4 {
			return appendBytes(b, n.Raw, schema.DisplayIPv4)
		}
	}

	return strconv.AppendUint(b, n.Uint, 10)
}

func appendList(b []byte, elems []decode.Node) []byte {
	b = append(b, '[')
	b, _ = appendElems(b, elems, nil, true)

	return append(b, ']')
}

// appendElems writes list elements. A nest-type-value element's type
// number is a value named by the element: it becomes a member of the
// element's object, prefixed to the attributes. An element of an outer
// type-value level passes its member on to every element of the next
// level, so a two-level table flattens into one object per leaf and no
// level's number is lost.
func appendElems(b []byte, elems []decode.Node, prefix []byte, first bool) ([]byte, bool) {
	for i := range elems {
		e := &elems[i]
		typeValue := e.Name != "" && e.Type == schema.TypeNone
		if typeValue && e.Kind == decode.KindList {
			member := appendString(append(prefix[:len(prefix):len(prefix)], ','), e.Name)
			member = strconv.AppendUint(append(member, ':'), uint64(e.Number), 10)
			b, first = appendElems(b, e.Children, member, first)
			continue
		}

		if !first {
			b = append(b, ',')
		}
		first = false
		if !typeValue || e.Kind != decode.KindNest {
			b = appendValue(b, e)
			continue
		}
		b = append(b, '{')
		if len(prefix) > 0 {
			b = append(b, prefix[1:]...)
			b = append(b, ',')
		}
		b = appendString(b, e.Name)
		b = append(b, ':')
		b = strconv.AppendUint(b, uint64(e.Number), 10)
		b, _ = appendMembers(b, e.Children, false)
		b = append(b, '}')
	}

	return b, first
}

func appendBitfield32(b []byte, n *decode.Node) []byte {
	b = append(b, `{"value":`...)
	if n.Names != nil {
		b = appendStrings(b, n.Names)
	} else {
		b = strconv.AppendUint(b, n.Uint, 10)
	}
	b = append(b, `,"selector":`...)
	b = strconv.AppendUint(b, uint64(n.Selector), 10)

	return append(b, '}')
}

func appendError(b []byte, n *decode.Node) []byte {
	b = append(b, `{"error":`...)
	b = appendString(b, n.Text)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(n.Offset), 10)
	b = append(b, `,"hex":`...)
	b = appendString(b, hex.EncodeToString(n.Raw))

	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}

	return append(b, ']')
}

// appendBytes formats binary data by its display hint; without one, or
// when the length does not fit the hint, as hexadecimal.
func appendBytes(b []byte, v []byte, hint schema.DisplayHint) []byte {
	return appendString(b, FormatBytes(v, hint))
}

// FormatBytes formats binary data by its display hint: MAC and FDDI
// addresses as colon-separated hex, IP addresses in their usual notation,
// UUIDs as 8-4-4-4-12 hex, and anything else as plain hex.
func FormatBytes(v []byte, hint schema.DisplayHint) string {
	switch hint {
	case schema.DisplayMAC, schema.DisplayFDDI:
		if len(v) > 0 {
			out := make([]byte, 0, 3*len(v))
			for i, c := range v {
				if i > 0 {
					out = append(out, ':')
				}
				out = hex.AppendEncode(out, []byte{c})
			}
			return string(out)
		}
	case schema.DisplayIPv4, schema.DisplayIPv6, schema.DisplayIPv4OrV6:
		if addr, ok := netip.AddrFromSlice(v); ok && (len(v) == 4 || len(v) == 16) {
			return addr.String()
		}
	case schema.DisplayUUID:
		if len(v) == 16 {
			h := hex.EncodeToString(v)
			return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		}
	}

	return hex.EncodeToString(v)
}

func trimNUL(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}

	return b
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
// Runs of bytes that need no escaping are copied at once.
func appendString[T string | []byte](b []byte, s T) []byte {
	if plainPrefix(s) == len(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}

	return appendEscaped(b, s)
}

// appendEscaped is appendString for a string with a byte to escape.
func appendEscaped[T string | []byte](b []byte, s T) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		// Printable ASCII other than '"' and '\\' needs no escape: one
		// unsigned comparison covers the range 0x20 to 0x7f.
		if c-0x20 < utf8.RuneSelf-0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\t':
				b = append(b, '\\', 't')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}

		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)

	return append(b, '"')
}

// plainPrefix returns the length of the longest prefix of s that a JSON
// string holds as it is: printable ASCII other than '"' and '\\'. It tests
// eight bytes at a time, as names and most text are entirely plain.
func plainPrefix[T string | []byte](s T) int {
	const ones = 0x0101010101010101
	const highs = 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		quote := x ^ (ones * '"')
		backslash := x ^ (ones * '\\')
		// A byte's high bit survives in each term when the byte is below
		// 0x20, equals the quote or the backslash, or is not ASCII. The
		// terms may also flag a plain byte after such a byte, which only
		// ends the fast path early.
		if ((x-ones*0x20)&^x|(quote-ones)&^quote|(backslash-ones)&^backslash|x)&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c-0x20 >= utf8.RuneSelf-0x20 || c == '"' || c == '\\' {
			break
		}
	}

	return i
}
