package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/schema"
)

// FamilyJSON is the documented JSON shape of a family, shared by
// `family list` and `family get`.
type FamilyJSON struct {
	ID          uint16      `json:"id"`
	Name        string      `json:"name"`
	Version     uint32      `json:"version"`
	HdrSize     uint32      `json:"hdrsize"`
	MaxAttr     uint32      `json:"maxattr"`
	Ops         []OpJSON    `json:"ops"`
	McastGroups []GroupJSON `json:"mcast-groups"`
	NamesSource string      `json:"names-source,omitempty"`
	Policy      *PolicyJSON `json:"policy,omitempty"`
}

// OpJSON is one op of a family.
type OpJSON struct {
	ID    uint32   `json:"id"`
	Name  string   `json:"name,omitempty"`
	Flags []string `json:"flags"`
}

// GroupJSON is one multicast group.
type GroupJSON struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
}

// NewFamilyJSON converts a family record to its JSON shape.
func NewFamilyJSON(f *family.Family) FamilyJSON {
	j := FamilyJSON{ID: f.ID, Name: f.Name, Version: f.Version, HdrSize: f.HdrSize,
		MaxAttr: f.MaxAttr, Ops: []OpJSON{}, McastGroups: []GroupJSON{}}
	for _, op := range f.Ops {
		j.Ops = append(j.Ops, OpJSON{ID: op.ID, Name: op.Name, Flags: family.OpFlagNames(op.Flags)})
	}
	for _, g := range f.Groups {
		j.McastGroups = append(j.McastGroups, GroupJSON{ID: g.ID, Name: g.Name})
	}

	return j
}

// FamilyList writes the families as a table, one JSON array, or one JSON
// object per line.
func FamilyList(w io.Writer, format Format, fams []family.Family) error {
	switch format {
	case JSON:
		jw := jsonWriter{indent: true}
		jw.open('[')
		for i := range fams {
			jw.elem()
			jw.family(&fams[i])
		}
		jw.close(']')
		_, err := w.Write(append(jw.b, '\n'))
		return err
	case JSONLines:
		var jw jsonWriter
		for i := range fams {
			jw.family(&fams[i])
			jw.b = append(jw.b, '\n')
		}
		_, err := w.Write(jw.b)
		return err
	}

	// The listing is nlctl's most frequent command, so it uses the light
	// column writer of streamed dumps: rendering through tablewriter took
	// longer than the whole netlink exchange.
	rows := [][]string{{"ID", "NAME", "VERSION", "HDRSIZE", "MAXATTR", "OPS", "MCAST-GROUPS"}}
	for _, f := range fams {
		groups := make([]string, len(f.Groups))
		for i, g := range f.Groups {
			groups[i] = g.Name + "(" + itoa(uint64(g.ID)) + ")"
		}
		rows = append(rows, []string{itoa(uint64(f.ID)), f.Name, itoa(uint64(f.Version)), itoa(uint64(f.HdrSize)),
			itoa(uint64(f.MaxAttr)), itoa(uint64(len(f.Ops))), strings.Join(groups, " ")})
	}
	_, err := w.Write(appendColumns(nil, rows))

	return err
}

// Names records where a family's op and attribute names come from.
type Names struct {
	// Source describes the schema that named the ops, such as
	// "built-in schema" or "spec file /usr/share/ynl/specs/netdev.yaml".
	Source string
	// PolicySets maps policy table indexes to the attribute sets they
	// validate, for naming policy rows. It may be nil.
	PolicySets map[uint32]*schema.AttrSet
}

// Family writes one family's full record, with its policy when p is not nil.
func Family(w io.Writer, format Format, f *family.Family, p *family.Policy, names Names) error {
	if format.IsJSON() {
		j := NewFamilyJSON(f)
		j.NamesSource = names.Source
		if p != nil {
			j.Policy = NewPolicyJSON(p, names.PolicySets)
		}
		if format == JSON {
			return writeJSONIndent(w, j)
		}
		return writeJSON(w, j)
	}

	fmt.Fprintf(w, "family %s  id %d  version %d  hdrsize %d  maxattr %d\n",
		f.Name, f.ID, f.Version, f.HdrSize, f.MaxAttr)
	if names.Source != "" {
		fmt.Fprintf(w, "names from: %s\n", names.Source)
	}
	if err := opsTable(w, f); err != nil {
		return err
	}
	if err := groupsTable(w, f); err != nil {
		return err
	}
	if p != nil {
		return policyText(w, p, names.PolicySets)
	}

	return nil
}

func opsTable(w io.Writer, f *family.Family) error {
	if len(f.Ops) == 0 {
		_, err := fmt.Fprintln(w, "\nops: none")
		return err
	}

	fmt.Fprintln(w, "\nops:")
	t := newTable(w, "ID", "NAME", "FLAGS")
	for _, op := range f.Ops {
		name := op.Name
		if name == "" {
			name = "-"
		}
		if err := t.Append([]string{itoa(uint64(op.ID)), name, strings.Join(family.OpFlagNames(op.Flags), ",")}); err != nil {
			return err
		}
	}

	return t.Render()
}

func groupsTable(w io.Writer, f *family.Family) error {
	if len(f.Groups) == 0 {
		_, err := fmt.Fprintln(w, "\nmulticast groups: none")
		return err
	}

	fmt.Fprintln(w, "\nmulticast groups:")
	t := newTable(w, "ID", "NAME")
	for _, g := range f.Groups {
		if err := t.Append([]string{itoa(uint64(g.ID)), g.Name}); err != nil {
			return err
		}
	}

	return t.Render()
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

// writeJSON writes v as one compact JSON document followed by a newline.
func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)

	return err
}

// writeJSONIndent writes v as one indented JSON document.
func writeJSONIndent(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)

	return err
}
