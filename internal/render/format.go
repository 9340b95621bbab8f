package render

import (
	"fmt"
	"strings"
)

// Format is an output format.
type Format int

// Output formats.
const (
	Table Format = iota
	JSON
	JSONLines
	Hex
)

var formatNames = []string{"table", "json", "jsonl", "hex"}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}

	return fmt.Sprintf("format(%d)", int(f))
}

// ParseFormat parses the value of the --output flag.
func ParseFormat(s string) (Format, error) {
	for i, name := range formatNames {
		if s == name {
			return Format(i), nil
		}
	}

	return Table, fmt.Errorf("invalid output format %q: use one of %s", s, strings.Join(formatNames, ", "))
}

// IsJSON reports whether f writes JSON.
func (f Format) IsJSON() bool { return f == JSON || f == JSONLines }
