package familytest

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/nlctl/nlctl/internal/wire"
)

// A fixture file records one request and the kernel's replies, captured
// from a real kernel. Lines starting with '#' are comments that record how
// and where it was captured; "> HEX" is the request message and each
// "< HEX" one reply message.

// Fixture is one recorded exchange.
type Fixture struct {
	Comments []string
	Request  []byte
	Replies  [][]byte
}

// LoadFixture reads a fixture file.
func LoadFixture(path string) (*Fixture, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}

	f := &Fixture{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			f.Comments = append(f.Comments, line)
			continue
		}
		if len(line) < 2 || (line[0] != '>' && line[0] != '<') {
			return nil, fmt.Errorf("%s:%d: a line must start with '#', '>' or '<'", path, n)
		}

		b, err := hex.DecodeString(strings.TrimSpace(line[1:]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if line[0] == '>' {
			f.Request = b
		} else {
			f.Replies = append(f.Replies, b)
		}
	}

	return f, sc.Err()
}

// Write stores the fixture in path.
func (f *Fixture) Write(path string) error {
	var b strings.Builder
	for _, c := range f.Comments {
		b.WriteString(c + "\n")
	}
	fmt.Fprintf(&b, "> %x\n", f.Request)
	for _, r := range f.Replies {
		fmt.Fprintf(&b, "< %x\n", r)
	}

	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// Replay returns a handler that replies to any request with the fixture's
// replies, one message per datagram, their sequence numbers set to the
// request's.
func (f *Fixture) Replay() Handler {
	return func(req wire.Message) [][]byte {
		out := make([][]byte, 0, len(f.Replies))
		for _, r := range f.Replies {
			m := append([]byte(nil), r...)
			if h, err := wire.ParseHeader(m); err == nil {
				h.Sequence = req.Header.Sequence
				wire.PutHeader(m, h)
			}
			out = append(out, m)
		}
		return out
	}
}
