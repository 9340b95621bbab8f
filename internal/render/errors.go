package render

import (
	"fmt"
	"io"
	"strings"
)

// ErrorJSON is the documented JSON shape of an error, written to stderr as
// one line when the output format is json or jsonl.
type ErrorJSON struct {
	Error     string `json:"error"`
	ExitCode  int    `json:"exit-code"`
	Hint      string `json:"hint,omitempty"`
	Errno     int    `json:"errno,omitempty"`
	ErrnoName string `json:"errno-name,omitempty"`
}

// Error writes an error to w: in JSON formats as one ErrorJSON object, as
// text otherwise, with the hint on its own line.
func Error(w io.Writer, format Format, e ErrorJSON) error {
	if format.IsJSON() {
		return writeJSON(w, e)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "nlctl: %s\n", e.Error)
	if e.Hint != "" {
		for _, line := range strings.Split(e.Hint, "\n") {
			fmt.Fprintf(&b, "hint: %s\n", line)
		}
	}
	_, err := io.WriteString(w, b.String())

	return err
}
