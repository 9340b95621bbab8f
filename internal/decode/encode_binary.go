package decode

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
)

// binaryBytes encodes a binary attribute: a struct from an object, an
// array of integers, or bytes in the form of the display hint (MAC, IP
// address, UUID) or as hex.
func binaryBytes(sa *schema.Attr, v Value) ([]byte, error) {
	if sd := sa.Struct(); sd != nil {
		obj, ok := v.(*Object)
		if !ok {
			return nil, fmt.Errorf("struct %s takes an object of its members", sd.Name)
		}
		return encodeStruct(sd, obj, "")
	}

	if sa.SubType.IsInteger() && sa.SubType.Size() > 0 {
		arr, ok := v.([]Value)
		if !ok {
			return nil, fmt.Errorf("an array of %s takes an array of numbers", sa.SubType)
		}
		var b []byte
		for i, e := range arr {
			u, size, err := integerValue(sa.SubType, sa.Enum(), sa.EnumAsFlags, schema.Checks{}, e)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			b = append(b, putUint(u, size, sa.ByteOrder)...)
		}
		return b, nil
	}

	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("binary data takes a string (hex, or the form of its display hint), not %s", describe(v))
	}
	b, err := parseBytes(s, sa.DisplayHint)
	if err != nil {
		return nil, err
	}
	if n := sa.Checks.ExactLen; n > 0 && len(b) != n {
		return nil, fmt.Errorf("%s is %d bytes, but exactly %d are needed", quoteValue(s), len(b), n)
	}
	if n := sa.Checks.MaxLen; n > 0 && len(b) > n {
		return nil, fmt.Errorf("%s is %d bytes, more than the maximum %d", quoteValue(s), len(b), n)
	}

	return b, nil
}

// parseBytes reads binary data in the form of its display hint, falling
// back to hex.
func parseBytes(s string, hint schema.DisplayHint) ([]byte, error) {
	switch hint {
	case schema.DisplayMAC, schema.DisplayFDDI:
		if mac, err := net.ParseMAC(s); err == nil {
			return mac, nil
		}
	case schema.DisplayIPv4, schema.DisplayIPv6, schema.DisplayIPv4OrV6:
		if addr, err := netip.ParseAddr(s); err == nil {
			switch {
			case hint == schema.DisplayIPv6 && addr.Is4():
				return nil, fmt.Errorf("%s is an IPv4 address, but this attribute takes an IPv6 address; write ::ffff:%s for the IPv4-mapped form", quoteValue(s), s)
			case hint == schema.DisplayIPv4 && !addr.Is4():
				return nil, fmt.Errorf("%s is an IPv6 address, but this attribute takes an IPv4 address", quoteValue(s))
			case hint == schema.DisplayIPv6:
				b := addr.As16()
				return b[:], nil
			}
			return addr.AsSlice(), nil
		}
		if hint != schema.DisplayIPv4OrV6 && !strings.ContainsAny(s, ".:") {
			break
		}
		return nil, fmt.Errorf("%s is not %s", quoteValue(s), addressExample(hint))
	case schema.DisplayUUID:
		if h := strings.ReplaceAll(s, "-", ""); len(h) == 32 {
			return hex.DecodeString(h)
		}
	}

	b, err := parseHex(s)
	if err != nil && hint != schema.DisplayNone && hint != schema.DisplayHex {
		return nil, fmt.Errorf("invalid value %s: give it as %s or as hex", quoteValue(s), hint)
	}

	return b, err
}

// addressExample describes the address a display hint expects.
func addressExample(hint schema.DisplayHint) string {
	switch hint {
	case schema.DisplayIPv4:
		return "an IPv4 address: give one such as 10.0.0.1"
	case schema.DisplayIPv6:
		return "an IPv6 address: give one such as fe80::1"
	}

	return "an IP address: give one such as 10.0.0.1 or fe80::1"
}

// parseHex reads hex bytes, optionally with a 0x prefix or separated by
// colons or spaces.
func parseHex(s string) ([]byte, error) {
	h := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	h = strings.NewReplacer(":", "", " ", "", "-", "").Replace(h)
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("invalid hex %s: give bytes as hex digits, such as 0a0b or 0a:0b", quoteValue(s))
	}

	return b, nil
}

// maxQuoted is how many bytes of a value an error message quotes.
const maxQuoted = 64

// quoteValue quotes a value for an error message, cut to maxQuoted bytes
// so that a long value does not bury the message.
func quoteValue(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}

	return strconv.Quote(s[:maxQuoted]) + "..."
}

// encodeStruct encodes the members of struct sd from obj. Missing members
// are zero, and unknown keys are an error. The one exception is the key
// that is the number of members: under it the decoder keeps, as hex, bytes
// that a newer kernel sent after the last member, and they are appended.
func encodeStruct(sd *schema.Definition, obj *Object, path string) ([]byte, error) {
	extraKey := strconv.Itoa(len(sd.Members))
	for _, f := range obj.Fields {
		if memberOf(sd, f.Key) == nil && f.Key != extraKey {
			return nil, &ValueError{Path: path + "." + f.Key, Reason: fmt.Sprintf("struct %s has no member %q", sd.Name, f.Key)}
		}
	}

	var b []byte
	for i := range sd.Members {
		m := &sd.Members[i]
		v, found := obj.Get(m.Name)
		if !found || m.Type == schema.TypePad {
			b = append(b, make([]byte, m.Size())...)
			continue
		}
		mb, err := memberBytes(m, v, path+"."+m.Name)
		if err != nil {
			return nil, err
		}
		b = append(b, mb...)
	}

	if v, found := obj.Get(extraKey); found && memberOf(sd, extraKey) == nil {
		s, ok := v.(string)
		if !ok {
			return nil, &ValueError{Path: path + "." + extraKey, Reason: "bytes after the struct's members take a hex string"}
		}
		extra, err := parseHex(s)
		if err != nil {
			return nil, &ValueError{Path: path + "." + extraKey, Reason: err.Error()}
		}
		b = append(b, extra...)
	}

	return b, nil
}

func memberBytes(m *schema.Member, v Value, path string) ([]byte, error) {
	size := m.Size()
	switch {
	case m.Struct() != nil:
		obj, ok := v.(*Object)
		if !ok {
			return nil, &ValueError{Path: path, Reason: "a struct member takes an object"}
		}
		return encodeStruct(m.Struct(), obj, path)
	case m.Type.IsInteger():
		u, _, err := integerValue(m.Type, m.Enum(), m.EnumAsFlags, schema.Checks{}, v)
		if err != nil {
			return nil, &ValueError{Path: path, Reason: err.Error()}
		}
		return putUint(u, size, m.ByteOrder), nil
	}

	s, ok := v.(string)
	if !ok {
		return nil, &ValueError{Path: path, Reason: "this member takes a string"}
	}
	b := []byte(s)
	if m.Type != schema.TypeString {
		var err error
		if b, err = parseBytes(s, m.DisplayHint); err != nil {
			return nil, &ValueError{Path: path, Reason: err.Error()}
		}
	}
	if len(b) > size {
		return nil, &ValueError{Path: path, Reason: fmt.Sprintf("%s is %d bytes, but the member holds %d", quoteValue(s), len(b), size)}
	}

	return append(b, make([]byte, size-len(b))...), nil
}

// Nearest returns the candidate closest to s by edit distance, or "" when
// none is close enough to be a likely typo.
func Nearest(s string, candidates []string) string {
	best, bestDist := "", len(s)/3+2
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" || s == "" {
		return best
	}

	// A name given without its suffix, such as "linkinfo" for
	// "linkinfo-get", is a likely mistake too.
	for _, c := range candidates {
		if strings.HasPrefix(c, s) {
			return c
		}
	}

	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}

	return prev[len(b)]
}

// ParseHexBytes reads hex bytes as parseHex does, for callers outside the
// package such as --raw-attr NUMBER:hex=VALUE.
func ParseHexBytes(s string) ([]byte, error) { return parseHex(s) }
