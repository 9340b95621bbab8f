package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/nlctl/nlctl/internal/family"
)

// ErrorJSON is the documented JSON shape of an error, written to stderr as
// one line when the output format is json or jsonl.
type ErrorJSON struct {
	Error     string `json:"error"`
	ExitCode  int    `json:"exit-code"`
	Hint      string `json:"hint,omitempty"`
	Errno     int    `json:"errno,omitempty"`
	ErrnoName string `json:"errno-name,omitempty"`
	// ExtAck is the kernel's extended ACK, explained against the request.
	ExtAck *ExtAckJSON `json:"extack,omitempty"`
}

// ExtAckJSON is the documented JSON shape of an extended ACK.
type ExtAckJSON struct {
	Message string `json:"message,omitempty"`
	// Offset is the offending attribute's byte offset in the request.
	Offset *uint32 `json:"offset,omitempty"`
	// Attribute is the offending attribute's path, such as ".header.dev-name".
	Attribute string `json:"attribute,omitempty"`
	// Value is the offending attribute's value as sent, when it is a
	// string (quoted) or an integer.
	Value   string          `json:"value,omitempty"`
	Policy  *PolicyAttrJSON `json:"policy,omitempty"`
	Missing *MissingJSON    `json:"missing-attribute,omitempty"`
}

// MissingJSON names an attribute the kernel needed but did not get.
type MissingJSON struct {
	Name   string `json:"name"`
	Number uint32 `json:"number"`
	// Nest is the path of the nest it is missing from; "" is the top level.
	Nest string `json:"nest"`
}

// Error writes an error to w: in JSON formats as one ErrorJSON object, as
// text otherwise, with the hint on its own line.
func Error(w io.Writer, format Format, e ErrorJSON) error {
	if format.IsJSON() {
		return writeJSON(w, e)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "nlctl: %s\n", e.Error)
	if x := e.ExtAck; x != nil {
		writeExtAck(&b, x)
	}
	if e.Hint != "" {
		for _, line := range strings.Split(e.Hint, "\n") {
			fmt.Fprintf(&b, "hint: %s\n", line)
		}
	}
	_, err := io.WriteString(w, b.String())

	return err
}

func writeExtAck(b *strings.Builder, x *ExtAckJSON) {
	if x.Attribute != "" {
		fmt.Fprintf(b, "  attribute: %s", x.Attribute)
		if x.Value != "" {
			fmt.Fprintf(b, " = %s", x.Value)
		}
		if x.Offset != nil {
			fmt.Fprintf(b, " (offset %d in the request)", *x.Offset)
		}
		b.WriteString("\n")
	} else if x.Offset != nil {
		fmt.Fprintf(b, "  offset: %d in the request\n", *x.Offset)
	}
	if p := x.Policy; p != nil {
		fmt.Fprintf(b, "  policy: %s%s\n", p.Type, policyConstraintText(p))
	}
	if m := x.Missing; m != nil {
		where := "at the top level"
		if m.Nest != "" {
			where = "in " + m.Nest
		}
		fmt.Fprintf(b, "  missing attribute: %s (%d) %s\n", m.Name, m.Number, where)
	}
}

func policyConstraintText(p *PolicyAttrJSON) string {
	var parts []string
	if p.MinValue != "" || p.MaxValue != "" {
		parts = append(parts, fmt.Sprintf("value range [%s, %s]", orDash(p.MinValue), orDash(p.MaxValue)))
	}
	if p.MinLength != nil {
		parts = append(parts, fmt.Sprintf("min-length %d", *p.MinLength))
	}
	if p.MaxLength != nil {
		parts = append(parts, fmt.Sprintf("max-length %d", *p.MaxLength))
	}
	if p.Mask != nil {
		parts = append(parts, fmt.Sprintf("mask %#x", *p.Mask))
	}
	if len(parts) == 0 {
		return ""
	}

	return ", " + strings.Join(parts, ", ")
}

// NewExtAckJSON converts an explained extended ACK to its JSON shape.
func NewExtAckJSON(info family.ExtAckInfo) *ExtAckJSON {
	if info.Message == "" && info.Offset == nil && info.Policy == nil && info.MissingType == nil {
		return nil
	}
	x := &ExtAckJSON{Message: info.Message, Offset: info.Offset, Attribute: info.Attr, Value: info.Value}
	if info.Policy != nil {
		p := newPolicyAttrJSON(*info.Policy)
		p.Attr = 0
		x.Policy = &p
	}
	if info.MissingType != nil {
		x.Missing = &MissingJSON{Name: info.Missing, Number: *info.MissingType, Nest: info.MissingNest}
	}

	return x
}
