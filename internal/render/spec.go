package render

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/schema"
)

// SpecInfoJSON is the JSON shape of one schema in `spec list`.
type SpecInfoJSON struct {
	Family string `json:"family"`
	// Source is builtin or file.
	Source string `json:"source"`
	// Path is the spec file, or the family name for a built-in schema.
	Path     string `json:"path"`
	Shadowed bool   `json:"shadowed"`
}

func newSpecInfoJSON(info family.SchemaInfo) SpecInfoJSON {
	return SpecInfoJSON{Family: info.Family, Source: info.Source.Kind.String(), Path: info.Source.Path, Shadowed: info.Shadowed}
}

// SpecShowJSON is the JSON shape of `spec show`: Ops without --op, Op
// with it.
type SpecShowJSON struct {
	Family      string         `json:"family"`
	Protocol    string         `json:"protocol"`
	Version     int            `json:"version"`
	Source      string         `json:"source"`
	Path        string         `json:"path"`
	Shadows     []SpecInfoJSON `json:"shadows"`
	McastGroups []string       `json:"mcast-groups"`
	Ops         []SpecOpJSON   `json:"ops,omitempty"`
	Op          *SpecOpDetail  `json:"op,omitempty"`
}

// newSpecShowJSON describes sch. Shadows lists the other schemas of the
// family, later in the search order, that sch hides.
func newSpecShowJSON(sch *schema.Family, infos []family.SchemaInfo) SpecShowJSON {
	show := SpecShowJSON{Family: sch.Name, Protocol: sch.Protocol.String(), Version: sch.Version,
		Source: sch.Source.Kind.String(), Path: sch.Source.Path, Shadows: []SpecInfoJSON{}, McastGroups: []string{}}
	for _, info := range infos {
		if info.Family == sch.Name && info.Source != sch.Source {
			show.Shadows = append(show.Shadows, newSpecInfoJSON(info))
		}
	}
	for _, g := range sch.McastGroups {
		show.McastGroups = append(show.McastGroups, g.Name)
	}

	return show
}

// SpecOpJSON is one op in the op list. Request and Reply are null for an
// op that has no such message, such as a notification's request.
type SpecOpJSON struct {
	Name    string   `json:"name"`
	Request *uint16  `json:"request"`
	Reply   *uint16  `json:"reply"`
	Modes   []string `json:"modes"`
	AttrSet string   `json:"attribute-set,omitempty"`
}

func newSpecOpJSON(op *schema.Op) SpecOpJSON {
	j := SpecOpJSON{Name: op.Name, Modes: opModes(op)}
	if op.HasRequest {
		j.Request = &op.RequestValue
	}
	if op.HasReply {
		j.Reply = &op.ReplyValue
	}
	if op.AttrSet() != nil {
		j.AttrSet = op.AttrSet().Name
	}

	return j
}

// opModes names the ways an op is used: do, dump, notify, event.
func opModes(op *schema.Op) []string {
	modes := []string{}
	if op.Do != nil {
		modes = append(modes, "do")
	}
	if op.Dump != nil {
		modes = append(modes, "dump")
	}
	if op.NotifyName != "" {
		modes = append(modes, "notify")
	}
	if op.Event != nil {
		modes = append(modes, "event")
	}

	return modes
}

// yesNo formats a boolean for a table cell.
func yesNo(b bool) string {
	if b {
		return "yes"
	}

	return "no"
}

// textTable lays out rows in left-aligned columns two blanks apart, with
// no blanks at the end of a line.
type textTable struct {
	w   io.Writer
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newTextTable(w io.Writer, header ...string) *textTable {
	t := &textTable{w: w}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	t.row(header...)

	return t
}

func (t *textTable) row(cells ...string) {
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *textTable) flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}

	var out []byte
	for line := range strings.Lines(t.buf.String()) {
		out = append(out, strings.TrimRight(line, " \n")...)
		out = append(out, '\n')
	}
	_, err := t.w.Write(out)

	return err
}

// SpecOpDetail is one op with its attributes, for `spec show --op`.
// Attrs lists the attributes of a notification or an event.
type SpecOpDetail struct {
	SpecOpJSON
	FixedHeader string         `json:"fixed-header,omitempty"`
	Notify      string         `json:"notify,omitempty"`
	McastGroup  string         `json:"mcast-group,omitempty"`
	Do          *SpecModeJSON  `json:"do,omitempty"`
	Dump        *SpecModeJSON  `json:"dump,omitempty"`
	Attrs       []SpecAttrJSON `json:"attributes,omitempty"`
}

// SpecModeJSON is the request and reply of a do or a dump. ReplyAttrs is
// null when the kernel replies with an ACK only.
type SpecModeJSON struct {
	Request      *uint16        `json:"request"`
	Reply        *uint16        `json:"reply"`
	RequestAttrs []SpecAttrJSON `json:"request-attributes"`
	ReplyAttrs   []SpecAttrJSON `json:"reply-attributes"`
}

// SpecAttrJSON is one attribute with its type. Attrs expands the nested
// attribute set, unless Recursive marks a set already being expanded on
// the way here.
type SpecAttrJSON struct {
	Name        string           `json:"name"`
	Value       uint16           `json:"value"`
	Type        string           `json:"type"`
	SubType     string           `json:"sub-type,omitempty"`
	MultiAttr   bool             `json:"multi-attr,omitempty"`
	ByteOrder   string           `json:"byte-order,omitempty"`
	DisplayHint string           `json:"display-hint,omitempty"`
	Enum        string           `json:"enum,omitempty"`
	EnumAsFlags bool             `json:"enum-as-flags,omitempty"`
	Struct      string           `json:"struct,omitempty"`
	TypeValue   []string         `json:"type-value,omitempty"`
	NestedSet   string           `json:"nested-attributes,omitempty"`
	Recursive   bool             `json:"recursive,omitempty"`
	Attrs       []SpecAttrJSON   `json:"attributes,omitempty"`
	SubMessage  string           `json:"sub-message,omitempty"`
	Selector    string           `json:"selector,omitempty"`
	Formats     []SpecFormatJSON `json:"formats,omitempty"`

	// flags is set when Enum names a flags definition, whose entries are
	// bit masks.
	flags bool
}

// SpecFormatJSON is one format of a sub-message attribute.
type SpecFormatJSON struct {
	Value       string         `json:"value"`
	FixedHeader string         `json:"fixed-header,omitempty"`
	AttrSet     string         `json:"attribute-set,omitempty"`
	Attrs       []SpecAttrJSON `json:"attributes,omitempty"`
}

func newSpecOpDetail(op *schema.Op) *SpecOpDetail {
	d := &SpecOpDetail{SpecOpJSON: newSpecOpJSON(op), FixedHeader: op.FixedHeaderName, Notify: op.NotifyName,
		McastGroup: op.McastGroupName}
	if d.FixedHeader == "" && op.FixedHeader() != nil {
		d.FixedHeader = op.FixedHeader().Name
	}

	set := op.AttrSet()
	d.Do = newSpecMode(op, op.Do, set)
	d.Dump = newSpecMode(op, op.Dump, set)
	if op.IsNotification() {
		// A notification without a set of its own uses the notified op's.
		if set == nil && op.Notify() != nil {
			set = op.Notify().AttrSet()
		}
		d.Attrs = specAttrs(set, op.ReplyAttrs(), nil)
	}

	return d
}

func newSpecMode(op *schema.Op, mode *schema.OpMode, set *schema.AttrSet) *SpecModeJSON {
	if mode == nil {
		return nil
	}

	m := &SpecModeJSON{RequestAttrs: []SpecAttrJSON{}}
	if op.HasRequest {
		m.Request = &mode.RequestValue
	}
	if mode.Request != nil {
		m.RequestAttrs = specAttrs(set, mode.Request.Attrs, nil)
	}
	if mode.Reply != nil {
		m.Reply = &mode.ReplyValue
		m.ReplyAttrs = specAttrs(set, mode.Reply.Attrs, nil)
	}

	return m
}

// specAttrs describes the named attributes of set. Path lists the sets
// being expanded around them, so that a recursive set stops the expansion.
func specAttrs(set *schema.AttrSet, names []string, path []string) []SpecAttrJSON {
	attrs := []SpecAttrJSON{}
	if set == nil {
		return attrs
	}
	path = append(slices.Clip(path), set.Name)
	for _, name := range names {
		if a := set.ByName(name); a != nil {
			attrs = append(attrs, specAttr(a, path))
		} else {
			attrs = append(attrs, SpecAttrJSON{Name: name, Type: "unknown"})
		}
	}

	return attrs
}

// allAttrs describes every attribute of set.
func allAttrs(set *schema.AttrSet, path []string) []SpecAttrJSON {
	names := make([]string, len(set.Attrs))
	for i := range set.Attrs {
		names[i] = set.Attrs[i].Name
	}

	return specAttrs(set, names, path)
}

func specAttr(a *schema.Attr, path []string) SpecAttrJSON {
	j := SpecAttrJSON{Name: a.Name, Value: a.Number, Type: a.Type.String(), SubType: a.SubType.String(),
		MultiAttr: a.MultiAttr, DisplayHint: a.DisplayHint.String(), Enum: a.EnumName, EnumAsFlags: a.EnumAsFlags,
		Struct: a.StructName, TypeValue: a.TypeValue, NestedSet: a.NestedName, SubMessage: a.SubMessageName,
		Selector: a.Selector}
	if a.ByteOrder != schema.ByteOrderHost {
		j.ByteOrder = a.ByteOrder.String()
	}
	if e := a.Enum(); e != nil && e.Kind == schema.KindFlags {
		j.flags = true
	}

	if n := a.Nested(); n != nil {
		if slices.Contains(path, n.Name) {
			j.Recursive = true
		} else {
			j.Attrs = allAttrs(n, path)
		}
	}
	if sm := a.SubMessage(); sm != nil {
		for _, f := range sm.Formats {
			fj := SpecFormatJSON{Value: f.Value, FixedHeader: f.FixedHeaderName, AttrSet: f.AttrSetName}
			if f.AttrSet() != nil && !slices.Contains(path, f.AttrSetName) {
				fj.Attrs = allAttrs(f.AttrSet(), path)
			}
			j.Formats = append(j.Formats, fj)
		}
	}

	return j
}

// writeSpecShowText writes `spec show` as text: a header, then the op
// list or one op's attribute tables.
func writeSpecShowText(w io.Writer, show SpecShowJSON) error {
	fmt.Fprintf(w, "family %s  protocol %s  version %d\n", show.Family, show.Protocol, show.Version)
	fmt.Fprintf(w, "source: %s %s\n", show.Source, show.Path)
	for _, s := range show.Shadows {
		fmt.Fprintf(w, "shadows: %s %s (not used)\n", s.Source, s.Path)
	}
	groups := strings.Join(show.McastGroups, ", ")
	if groups == "" {
		groups = "none"
	}
	fmt.Fprintf(w, "multicast groups: %s\n", groups)

	if show.Op != nil {
		return writeSpecOpText(w, show.Op)
	}

	fmt.Fprintln(w, "\nops:")
	t := newTextTable(w, "NAME", "REQUEST", "REPLY", "MODES", "ATTRIBUTE-SET")
	for _, op := range show.Ops {
		t.row(op.Name, optionalValue(op.Request), optionalValue(op.Reply), strings.Join(op.Modes, ","), dashIfEmpty(op.AttrSet))
	}

	return t.flush()
}

func writeSpecOpText(w io.Writer, op *SpecOpDetail) error {
	fmt.Fprintf(w, "\nop %s  request %s  reply %s  modes %s  attribute-set %s\n", op.Name, optionalValue(op.Request),
		optionalValue(op.Reply), strings.Join(op.Modes, ","), dashIfEmpty(op.AttrSet))
	for _, extra := range [][2]string{{"fixed header", op.FixedHeader}, {"notifies about", op.Notify}, {"multicast group", op.McastGroup}} {
		if extra[1] != "" {
			fmt.Fprintf(w, "%s: %s\n", extra[0], extra[1])
		}
	}

	for _, m := range []struct {
		name string
		mode *SpecModeJSON
	}{{"do", op.Do}, {"dump", op.Dump}} {
		if m.mode == nil {
			continue
		}
		if err := writeAttrSection(w, fmt.Sprintf("%s request (command %s)", m.name, optionalValue(m.mode.Request)), m.mode.RequestAttrs); err != nil {
			return err
		}
		if m.mode.ReplyAttrs == nil {
			fmt.Fprintf(w, "\n%s reply: none, the kernel acknowledges only\n", m.name)
			continue
		}
		if err := writeAttrSection(w, fmt.Sprintf("%s reply (command %s)", m.name, optionalValue(m.mode.Reply)), m.mode.ReplyAttrs); err != nil {
			return err
		}
	}
	if op.Attrs != nil {
		return writeAttrSection(w, fmt.Sprintf("message (command %s)", optionalValue(op.Reply)), op.Attrs)
	}

	return nil
}

// writeAttrSection writes a titled table of attributes, nested ones
// indented under their parent.
func writeAttrSection(w io.Writer, title string, attrs []SpecAttrJSON) error {
	if len(attrs) == 0 {
		_, err := fmt.Fprintf(w, "\n%s: no attributes\n", title)
		return err
	}

	fmt.Fprintf(w, "\n%s:\n", title)
	t := newTextTable(w, "ATTRIBUTE", "VALUE", "TYPE", "DETAILS")
	writeAttrRows(t, attrs, 0)

	return t.flush()
}

func writeAttrRows(t *textTable, attrs []SpecAttrJSON, depth int) {
	indent := strings.Repeat("  ", depth)
	for _, a := range attrs {
		t.row(indent+a.Name, strconv.Itoa(int(a.Value)), a.Type, attrDetails(a))
		writeAttrRows(t, a.Attrs, depth+1)
		for _, f := range a.Formats {
			t.row(indent+"  ["+a.Selector+"="+f.Value+"]", "", "", formatDetails(f))
			writeAttrRows(t, f.Attrs, depth+2)
		}
	}
}

// attrDetails lists what an attribute's type leaves out, for the DETAILS
// column.
func attrDetails(a SpecAttrJSON) string {
	var d []string
	add := func(ok bool, s string) {
		if ok {
			d = append(d, s)
		}
	}
	add(a.SubType != "", "of "+a.SubType)
	add(a.Enum != "" && !a.EnumAsFlags && !a.flags, "enum "+a.Enum)
	add(a.flags && !a.EnumAsFlags, "flags "+a.Enum)
	add(a.EnumAsFlags, "enum-as-flags "+a.Enum)
	add(a.Struct != "", "struct "+a.Struct)
	add(a.NestedSet != "", "set "+a.NestedSet)
	add(a.Recursive, "recursive, not expanded again")
	add(len(a.TypeValue) > 0, "type-value "+strings.Join(a.TypeValue, ","))
	add(a.SubMessage != "", "sub-message "+a.SubMessage+" by "+a.Selector)
	add(a.MultiAttr, "multi-attr")
	add(a.ByteOrder != "", a.ByteOrder)
	add(a.DisplayHint != "", "shown as "+a.DisplayHint)

	return strings.Join(d, ", ")
}

func formatDetails(f SpecFormatJSON) string {
	var d []string
	if f.FixedHeader != "" {
		d = append(d, "fixed header "+f.FixedHeader)
	}
	if f.AttrSet != "" {
		d = append(d, "set "+f.AttrSet)
	}

	return strings.Join(d, ", ")
}

func optionalValue(v *uint16) string {
	if v == nil {
		return "-"
	}

	return strconv.Itoa(int(*v))
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}

	return s
}

// SpecList writes the schemas the sources offer: a table, one JSON array,
// or one object per line.
func SpecList(w io.Writer, format Format, infos []family.SchemaInfo) error {
	list := make([]SpecInfoJSON, len(infos))
	for i, info := range infos {
		list[i] = newSpecInfoJSON(info)
	}
	switch format {
	case JSON:
		return writeJSONIndent(w, list)
	case JSONLines:
		for _, item := range list {
			if err := writeJSON(w, item); err != nil {
				return err
			}
		}
		return nil
	}

	t := newTextTable(w, "FAMILY", "SOURCE", "PATH", "SHADOWED")
	for _, item := range list {
		path := item.Path
		if item.Source == schema.SourceBuiltin.String() {
			path = "-" // a built-in schema has no file
		}
		t.row(item.Family, item.Source, path, yesNo(item.Shadowed))
	}

	return t.flush()
}

// SpecShow writes a schema's ops, or with op set that op's request and
// reply attributes, with the schema's source.
func SpecShow(w io.Writer, format Format, sch *schema.Family, infos []family.SchemaInfo, op *schema.Op) error {
	show := newSpecShowJSON(sch, infos)
	if op != nil {
		show.Op = newSpecOpDetail(op)
	} else {
		show.Ops = make([]SpecOpJSON, 0, len(sch.Ops))
		for i := range sch.Ops {
			show.Ops = append(show.Ops, newSpecOpJSON(&sch.Ops[i]))
		}
	}

	switch format {
	case JSON:
		return writeJSONIndent(w, show)
	case JSONLines:
		return writeJSON(w, show)
	}

	return writeSpecShowText(w, show)
}
