package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/schema"
)

// PolicyJSON is the documented JSON shape of a family's validation policy.
type PolicyJSON struct {
	Ops    []OpPolicyJSON    `json:"ops"`
	Tables []PolicyTableJSON `json:"tables"`
}

// OpPolicyJSON names the policy tables that validate an op's requests.
type OpPolicyJSON struct {
	ID   uint32  `json:"id"`
	Name string  `json:"name,omitempty"`
	Do   *uint32 `json:"do,omitempty"`
	Dump *uint32 `json:"dump,omitempty"`
}

// PolicyTableJSON is one policy table.
type PolicyTableJSON struct {
	Index uint32           `json:"index"`
	Attrs []PolicyAttrJSON `json:"attrs"`
}

// PolicyAttrJSON is the rule for one attribute; absent constraints are
// left out.
type PolicyAttrJSON struct {
	Attr           uint16      `json:"attr,omitempty"`
	Name           string      `json:"name,omitempty"`
	Type           string      `json:"type"`
	MinValue       json.Number `json:"min-value,omitempty"`
	MaxValue       json.Number `json:"max-value,omitempty"`
	MinLength      *uint32     `json:"min-length,omitempty"`
	MaxLength      *uint32     `json:"max-length,omitempty"`
	Mask           *uint64     `json:"mask,omitempty"`
	Bitfield32Mask *uint32     `json:"bitfield32-mask,omitempty"`
	NestedPolicy   *uint32     `json:"nested-policy,omitempty"`
	MaxType        *uint32     `json:"max-type,omitempty"`
	Unknown        []RawAttr   `json:"unknown,omitempty"`
}

// RawAttr is an attribute nlctl could not interpret, kept with its number
// and bytes.
type RawAttr struct {
	Type uint16 `json:"type"`
	Hex  string `json:"hex"`
}

// NewPolicyJSON converts a policy to its JSON shape.
func NewPolicyJSON(p *family.Policy, sets map[uint32]*schema.AttrSet) *PolicyJSON {
	j := &PolicyJSON{Ops: []OpPolicyJSON{}, Tables: []PolicyTableJSON{}}
	for _, op := range p.Ops {
		j.Ops = append(j.Ops, OpPolicyJSON{ID: op.Op.ID, Name: op.Op.Name, Do: op.Do, Dump: op.Dump})
	}
	for _, t := range p.Tables {
		jt := PolicyTableJSON{Index: t.Index, Attrs: []PolicyAttrJSON{}}
		for _, a := range t.Attrs {
			ja := newPolicyAttrJSON(a)
			ja.Name = attrName(sets[t.Index], a.Attr)
			jt.Attrs = append(jt.Attrs, ja)
		}
		j.Tables = append(j.Tables, jt)
	}

	return j
}

func newPolicyAttrJSON(a family.PolicyAttr) PolicyAttrJSON {
	j := PolicyAttrJSON{Attr: a.Attr, Type: family.PolicyTypeName(a.Type),
		MinValue: a.MinValue, MaxValue: a.MaxValue, MinLength: a.MinLength, MaxLength: a.MaxLength,
		Mask: a.Mask, Bitfield32Mask: a.Bitfield32Mask, NestedPolicy: a.NestedPolicy, MaxType: a.MaxType}
	for _, u := range a.Unknown {
		j.Unknown = append(j.Unknown, RawAttr{Type: u.Type, Hex: fmt.Sprintf("%x", u.Value)})
	}

	return j
}

// policyText writes each op's policy as an indented tree that follows
// nested policies.
func policyText(w io.Writer, p *family.Policy, sets map[uint32]*schema.AttrSet) error {
	fmt.Fprintln(w, "\npolicy:")
	if len(p.Ops) == 0 && len(p.Tables) == 0 {
		_, err := fmt.Fprintln(w, "  none: the family has no validation policy")
		return err
	}

	for _, op := range p.Ops {
		name := op.Op.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(w, "  op %d %s\n", op.Op.ID, name)
		if op.Do != nil {
			writeTable(w, p, sets, "do", *op.Do)
		}
		if op.Dump != nil {
			writeTable(w, p, sets, "dump", *op.Dump)
		}
	}
	if len(p.Ops) == 0 {
		for _, t := range p.Tables {
			writeTable(w, p, sets, "table", t.Index)
		}
	}

	return nil
}

func writeTable(w io.Writer, p *family.Policy, sets map[uint32]*schema.AttrSet, kind string, index uint32) {
	fmt.Fprintf(w, "    %s: policy %d\n", kind, index)
	writeAttrs(w, p, sets, index, 3, map[uint32]bool{})
}

// attrName names attribute n of a policy table's set, or returns "".
func attrName(set *schema.AttrSet, n uint16) string {
	if set == nil {
		return ""
	}
	if a := set.ByNumber(n); a != nil {
		return a.Name
	}

	return ""
}

func writeAttrs(w io.Writer, p *family.Policy, sets map[uint32]*schema.AttrSet, index uint32, depth int, open map[uint32]bool) {
	t := p.Table(index)
	if t == nil {
		return
	}

	open[index] = true
	defer delete(open, index)
	indent := strings.Repeat("  ", depth)
	for _, a := range t.Attrs {
		label := fmt.Sprintf("attr %d", a.Attr)
		if name := attrName(sets[index], a.Attr); name != "" {
			label += " " + name
		}
		fmt.Fprintf(w, "%s%s: %s%s\n", indent, label, family.PolicyTypeName(a.Type), constraints(a))
		if a.NestedPolicy == nil {
			continue
		}
		if open[*a.NestedPolicy] {
			fmt.Fprintf(w, "%s  (policy %d again: recursive)\n", indent, *a.NestedPolicy)
			continue
		}
		writeAttrs(w, p, sets, *a.NestedPolicy, depth+1, open)
	}
}

func constraints(a family.PolicyAttr) string {
	var parts []string
	if a.MinValue != "" || a.MaxValue != "" {
		parts = append(parts, fmt.Sprintf("value [%s, %s]", orDash(a.MinValue), orDash(a.MaxValue)))
	}
	if a.MinLength != nil {
		parts = append(parts, fmt.Sprintf("min-length %d", *a.MinLength))
	}
	if a.MaxLength != nil {
		parts = append(parts, fmt.Sprintf("max-length %d", *a.MaxLength))
	}
	if a.Mask != nil {
		parts = append(parts, fmt.Sprintf("mask %#x", *a.Mask))
	}
	if a.Bitfield32Mask != nil {
		parts = append(parts, fmt.Sprintf("bitfield32-mask %#x", *a.Bitfield32Mask))
	}
	if a.NestedPolicy != nil {
		parts = append(parts, fmt.Sprintf("nested policy %d", *a.NestedPolicy))
	}
	if a.MaxType != nil {
		parts = append(parts, fmt.Sprintf("max-type %d", *a.MaxType))
	}
	for _, u := range a.Unknown {
		parts = append(parts, fmt.Sprintf("unknown attribute %d=%x", u.Type, u.Value))
	}
	if len(parts) == 0 {
		return ""
	}

	return "  " + strings.Join(parts, ", ")
}

func orDash(n json.Number) string {
	if n == "" {
		return "-"
	}

	return string(n)
}
