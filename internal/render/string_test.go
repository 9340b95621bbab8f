package render

import (
	"encoding/json"
	"strings"
	"testing"
)

// checkString checks that appendString wrote s as a JSON string that
// decodes back to s, each invalid UTF-8 byte read as U+FFFD.
func checkString(t *testing.T, s string) {
	t.Helper()
	got := appendString([]byte("prefix"), s)
	if !strings.HasPrefix(string(got), "prefix") {
		t.Fatalf("%q: appendString lost what the buffer held: %q", s, got)
	}
	got = got[len("prefix"):]

	var back string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("%q: appendString wrote invalid JSON %q: %v", s, got, err)
	}
	if want := string([]rune(s)); back != want {
		t.Errorf("%q: decodes to %q, want %q", s, back, want)
	}
	if byteGot := appendString(nil, []byte(s)); string(byteGot) != string(got) {
		t.Errorf("%q: []byte input gave %q, string input %q", s, byteGot, got)
	}
}

func TestAppendStringEscapes(t *testing.T) {
	cases := []string{
		"", "a", "ifindex", "xdp-rx-metadata-features",
		`"`, `\`, "abcdefg\"", "abcdefgh\\", "abcdefghijklmno\"p",
		"\x00", "tab\there", "line\nbreak\r", "abc\x1fdefghij", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f",
		"é", "abcdefgé", "日本語のテキスト", "ab\xffcdefgh", "\xc3", "abcdefgh\xe2\x82",
		"\u2028", "a\"b\\c\nd\xffe",
	}
	for _, s := range cases {
		checkString(t, s)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "xdp-features", "abcdefg\"", "a\xffb", "\x00\x01\x1f", "日本"} {
		f.Add(s)
	}
	f.Fuzz(checkString)
}

func BenchmarkAppendStringNames(b *testing.B) {
	names := []string{"ifindex", "xdp-features", "xdp-rx-metadata-features", "xsk-features", "basic",
		"redirect", "rx-sg", "timestamp", "hash", "vlan-tag"}
	buf := make([]byte, 0, 1024)
	for range b.N {
		buf = buf[:0]
		for _, n := range names {
			buf = appendString(buf, n)
		}
	}
}
