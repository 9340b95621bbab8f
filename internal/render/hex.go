package render

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// HexNames holds the names the hex dump gives one family's messages.
type HexNames struct {
	Family string
	Op     func(cmd uint8) string // "" for an unknown op
	Attrs  *family.AttrNames      // nil when the attributes are unknown
	// Set names the top-level attributes from a schema; it is used when
	// Attrs is nil.
	Set *schema.AttrSet
	// SetFor, when not nil, picks the attribute set by command, for
	// families whose messages differ by op, such as notifications. A set
	// it returns is used before Attrs.
	SetFor func(cmd uint8) *schema.AttrSet
	// HeaderSize is the size of the family's fixed header.
	HeaderSize int
}

// namer names the attributes of one level of a message.
type namer interface {
	// child returns the name of attribute typ ("" if unknown), whether it
	// is a nest, and the namer of its contents.
	child(typ uint16) (string, bool, namer)
}

// typedNamer is a namer that also returns attributes' schema types, so a
// value is shown by its type instead of guessed from its bytes.
type typedNamer interface {
	attr(typ uint16) *schema.Attr
}

func (s setNamer) attr(typ uint16) *schema.Attr {
	if s.set == nil {
		return nil
	}

	return s.set.ByNumber(typ)
}

type treeNamer struct{ n *family.AttrNames }

func (t treeNamer) child(typ uint16) (string, bool, namer) {
	c := t.n.Child(typ)
	if c == nil {
		return "", false, nil
	}

	return c.Name, c.IsNest(), treeNamer{c}
}

type setNamer struct{ set *schema.AttrSet }

func (s setNamer) child(typ uint16) (string, bool, namer) {
	if s.set == nil {
		return "", false, nil
	}
	a := s.set.ByNumber(typ)
	if a == nil {
		return "", false, nil
	}
	nested := a.Nested()
	switch a.Type {
	case schema.TypeNest:
		return a.Name, true, setNamer{nested}
	case schema.TypeIndexedArray, schema.TypeNestTypeValue:
		return a.Name, true, elemNamer{nested}
	}

	return a.Name, false, nil
}

// elemNamer names the elements of an indexed array by index.
type elemNamer struct{ set *schema.AttrSet }

func (e elemNamer) child(typ uint16) (string, bool, namer) {
	if e.set == nil {
		return fmt.Sprintf("[%d]", typ), false, nil
	}

	return fmt.Sprintf("[%d]", typ), true, setNamer(e)
}

func (h HexNames) namer() namer {
	switch {
	case h.Attrs != nil:
		return treeNamer{h.Attrs}
	case h.Set != nil:
		return setNamer{h.Set}
	}

	return nil
}

// HexDump writes netlink messages as annotated hex: each line holds an
// offset within the message, up to 16 bytes, and what they are (header
// fields, attribute names, types and lengths).
type HexDump struct {
	W io.Writer
	// Names returns the names for messages of a family ID. It may be nil.
	Names func(familyID uint16) HexNames
	count int
}

// Message writes one message with a heading that names its direction.
func (d *HexDump) Message(dir family.Direction, m wire.Message) error {
	if d.count > 0 {
		fmt.Fprintln(d.W)
	}
	d.count++

	heading := "reply"
	switch {
	case dir == family.Sent:
		heading = "request"
	case m.Header.PortID == 0 && m.Header.Type >= wire.TypeMinReserved:
		// A reply carries the port ID of the socket that asked; the kernel
		// multicasts notifications with port ID 0 (ethtool numbers them).
		heading = "notification"
	}
	fmt.Fprintf(d.W, "# %s, %d bytes\n", heading, len(m.Raw))

	// A request is always a family message: a dry run of a family the
	// kernel has not registered carries type 0, which would otherwise look
	// like a control message.
	isFamily := dir == family.Sent || m.Header.Type >= wire.TypeMinReserved
	var names HexNames
	if d.Names != nil && isFamily {
		names = d.Names(m.Header.Type)
	}

	h := m.Header
	d.line(m.Raw, 0, wire.HeaderLen, fmt.Sprintf("nlmsghdr len=%d type=%s flags=%s seq=%d port=%d",
		h.Length, typeName(h.Type, names.Family), flagNames(h), h.Sequence, h.PortID))

	switch {
	case !isFamily && (h.Type == wire.TypeError || h.Type == wire.TypeDone && len(m.Payload) >= 4):
		d.errorBody(m)
	case !isFamily:
		d.bytes(m.Raw, wire.HeaderLen, len(m.Raw), "payload")
	default:
		d.genlBody(m, names)
	}

	return nil
}

func (d *HexDump) genlBody(m wire.Message, names HexNames) {
	g, err := wire.ParseGenlHeader(m.Payload)
	if err != nil {
		d.bytes(m.Raw, wire.HeaderLen, len(m.Raw), "malformed: "+err.Error())
		return
	}

	op := ""
	if names.Op != nil {
		op = names.Op(g.Command)
	}
	if op != "" {
		op = " (" + op + ")"
	}
	start := wire.HeaderLen
	d.line(m.Raw, start, start+wire.GenlHeaderLen, fmt.Sprintf("genlmsghdr cmd=%d%s version=%d", g.Command, op, g.Version))
	start += wire.GenlHeaderLen
	if names.SetFor != nil {
		if set := names.SetFor(g.Command); set != nil {
			names.Set, names.Attrs = set, nil
		}
	}
	if names.HeaderSize > 0 {
		d.bytes(m.Raw, start, min(start+names.HeaderSize, len(m.Raw)), "fixed header")
		start += names.HeaderSize
	}
	d.attrs(m.Raw, start, len(m.Raw), names.namer(), 0)
}

func (d *HexDump) errorBody(m wire.Message) {
	off := wire.HeaderLen
	d.line(m.Raw, off, off+4, statusNote(m))
	off += 4

	if m.Header.Type == wire.TypeError && len(m.Raw) >= off+wire.HeaderLen {
		d.line(m.Raw, off, off+wire.HeaderLen, "echoed request nlmsghdr")
		off += wire.HeaderLen
		if em, err := wire.ParseError(m); err == nil && len(em.RequestPayload) > 0 {
			d.bytes(m.Raw, off, off+len(em.RequestPayload), "echoed request payload")
			off = wire.Align(off + len(em.RequestPayload))
		}
	}
	if off < len(m.Raw) {
		d.attrs(m.Raw, off, len(m.Raw), treeNamer{extAckNames}, 0)
	}
}

// statusNote returns the note for the int that starts the payload of an
// error or DONE message. In NLMSG_ERROR the int is 0 for an ACK or a
// negative errno. In NLMSG_DONE it is the dump's status, shown signed.
func statusNote(m wire.Message) string {
	status := int32(binary.NativeEndian.Uint32(m.Payload[0:4]))
	switch {
	case m.Header.Type == wire.TypeDone && status < 0:
		return fmt.Sprintf("done status=%d (%s)", status, wire.ErrnoText(syscall.Errno(-status)))
	case m.Header.Type == wire.TypeDone:
		return fmt.Sprintf("done status=%d", status)
	case status != 0:
		return fmt.Sprintf("error %d (%s)", -status, wire.ErrnoText(syscall.Errno(-status)))
	}

	return "ack"
}

var extAckNames = &family.AttrNames{Attrs: map[uint16]*family.AttrNames{
	wire.ExtAckMsg:      {Name: "extack msg"},
	wire.ExtAckOffset:   {Name: "extack offset"},
	wire.ExtAckCookie:   {Name: "extack cookie"},
	wire.ExtAckPolicy:   {Name: "extack policy", Attrs: family.NlctrlAttrNames().Attrs[8].Elem.Elem.Attrs},
	wire.ExtAckMissType: {Name: "extack missing type"},
	wire.ExtAckMissNest: {Name: "extack missing nest"},
}}

// attrs annotates the attributes in raw[start:end], recursing into nests.
func (d *HexDump) attrs(raw []byte, start, end int, names namer, depth int) {
	indent := strings.Repeat("  ", depth)
	s := wire.NewAttrScanner(raw[start:end], start)
	for s.Next() {
		a := s.Attr()
		var name string
		var nest bool
		var next namer
		if names != nil && depth < 32 {
			name, nest, next = names.child(a.Type)
		}
		label := fmt.Sprintf("attr %d", a.Type)
		if name != "" {
			label = fmt.Sprintf("%s (%d)", name, a.Type)
		}
		flags := ""
		if a.Nested {
			flags += " nested"
		}
		if a.NetByteOrder {
			flags += " net-byteorder"
		}
		d.line(raw, a.Offset, a.Offset+wire.AttrHeaderLen, fmt.Sprintf("%s%s len=%d%s", indent, label, a.Length, flags))

		valueStart, valueEnd := a.NestedBase(), a.Offset+a.Length
		if a.Nested || nest {
			d.attrs(raw, valueStart, valueEnd, next, depth+1)
		} else {
			d.bytes(raw, valueStart, valueEnd, indent+"  "+leafHint(names, name, a))
		}
		if pad := wire.Align(valueEnd); pad > valueEnd && pad <= end {
			d.line(raw, valueEnd, pad, indent+"  padding")
		}
	}
	if err := s.Err(); err != nil {
		rest, off := s.Rest()
		d.bytes(raw, off, off+len(rest), indent+"malformed: "+err.Error())
	}
}

// leafHint returns the note for a leaf value. A value with a schema type is
// shown by that type, and one with only a name is guessed from its bytes.
// An unknown attribute is shown in hex, as JSON shows it, because its type
// is unknown too.
func leafHint(names namer, name string, a wire.Attr) string {
	if name == "" {
		return FormatBytes(a.Value, schema.DisplayHex)
	}
	if tn, ok := names.(typedNamer); ok {
		if sa := tn.attr(a.Type); sa != nil {
			return typedHint(sa, a)
		}
	}

	return valueHint(a.Value)
}

// valueHint shows a leaf value as text when it looks like a string and as
// a number when it has an integer's size.
func valueHint(v []byte) string {
	if len(v) > 1 && v[len(v)-1] == 0 && isPrintable(v[:len(v)-1]) {
		return fmt.Sprintf("%q", v[:len(v)-1])
	}

	switch len(v) {
	case 0:
		return "(empty)"
	case 1:
		return fmt.Sprintf("= %d", v[0])
	case 2:
		return fmt.Sprintf("= %d", binary.NativeEndian.Uint16(v))
	case 4:
		return fmt.Sprintf("= %d", binary.NativeEndian.Uint32(v))
	case 8:
		return fmt.Sprintf("= %d", binary.NativeEndian.Uint64(v))
	}

	return "value"
}

func isPrintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}

	return len(b) > 0
}

// bytes writes raw[start:end] in lines of up to 16 bytes, the note on the
// first line.
func (d *HexDump) bytes(raw []byte, start, end int, note string) {
	if start >= end {
		return
	}

	for off := start; off < end; off += 16 {
		d.line(raw, off, min(off+16, end), note)
		note = ""
	}
}

func (d *HexDump) line(raw []byte, start, end int, note string) {
	end = min(end, len(raw))
	if start >= end {
		return
	}

	var hex strings.Builder
	for i, b := range raw[start:end] {
		if i > 0 {
			hex.WriteByte(' ')
		}
		fmt.Fprintf(&hex, "%02x", b)
	}
	fmt.Fprintf(d.W, "%04x  %-47s  %s\n", start, hex.String(), note)
}

func typeName(t uint16, familyName string) string {
	switch t {
	case wire.TypeNoop:
		return "noop"
	case wire.TypeError:
		return "error"
	case wire.TypeDone:
		return "done"
	case wire.TypeOverrun:
		return "overrun"
	}
	if familyName != "" {
		return fmt.Sprintf("%d (%s)", t, familyName)
	}

	return fmt.Sprint(t)
}

type flagName struct {
	bit  uint16
	name string
}

var (
	baseFlags = []flagName{{wire.FlagRequest, "request"}, {wire.FlagMulti, "multi"}, {wire.FlagAck, "ack"},
		{wire.FlagEcho, "echo"}, {wire.FlagDumpIntr, "dump-intr"}, {wire.FlagDumpFiltered, "dump-filtered"}}
	ackFlags = []flagName{{wire.FlagCapped, "capped"}, {wire.FlagAckTLVs, "ack-tlvs"}}
	getFlags = []flagName{{wire.FlagRoot, "root"}, {wire.FlagMatch, "match"}, {wire.FlagAtomic, "atomic"}}
	newFlags = []flagName{{wire.FlagReplace, "replace"}, {wire.FlagExcl, "excl"}, {wire.FlagCreate, "create"},
		{wire.FlagAppend, "append"}}
)

// flagNames names a header's flags. Bits 8 to 11 mean different things in
// an acknowledgement, a GET request and a NEW request. A request shows the
// GET names when root and match are both set, as in a dump, and the NEW
// names otherwise.
func flagNames(h wire.Header) string {
	upper := newFlags
	switch {
	case h.Type == wire.TypeError || h.Type == wire.TypeDone:
		upper = ackFlags
	case h.Flags&wire.FlagRequest == 0:
		upper = nil
	case h.Flags&(wire.FlagRoot|wire.FlagMatch|wire.FlagAtomic) == wire.FlagDump:
		upper = getFlags
	}

	var names []string
	rest := h.Flags
	for _, f := range append(append([]flagName{}, baseFlags...), upper...) {
		if rest&f.bit != 0 {
			names = append(names, f.name)
			rest &^= f.bit
		}
	}
	if rest != 0 {
		names = append(names, fmt.Sprintf("%#x", rest))
	}
	if len(names) == 0 {
		return "0"
	}

	return fmt.Sprintf("%#x (%s)", h.Flags, strings.Join(names, ","))
}

// typedHint shows a leaf value by its schema type: integers in their byte
// order (and addresses by their display hint), strings quoted, binary by
// its display hint.
func typedHint(sa *schema.Attr, a wire.Attr) string {
	v := a.Value
	switch {
	case sa.Type.IsInteger() && (sa.DisplayHint == schema.DisplayIPv4 || sa.DisplayHint == schema.DisplayIPv4OrV6) && len(v) == 4:
		return "= " + FormatBytes(v, schema.DisplayIPv4)
	case sa.Type.IsInteger() && (len(v) == 1 || len(v) == 2 || len(v) == 4 || len(v) == 8):
		u, _ := a.Uint(sa.ByteOrder == schema.ByteOrderBigEndian)
		if sa.Type.IsSigned() {
			shift := 64 - 8*len(v)
			return fmt.Sprintf("= %d", int64(u<<shift)>>shift) + enumHint(sa, u)
		}
		return fmt.Sprintf("= %d", u) + enumHint(sa, u)
	case sa.Type == schema.TypeString:
		return fmt.Sprintf("%q", trimNUL(v))
	case sa.Type == schema.TypeFlag:
		return "(flag)"
	case sa.Type == schema.TypeBinary && sa.DisplayHint != schema.DisplayNone:
		return FormatBytes(v, sa.DisplayHint)
	case sa.Type == schema.TypeBinary:
		return FormatBytes(v, schema.DisplayHex)
	}

	return valueHint(v)
}

// enumHint names an integer by the enum or flags set the schema gives it,
// as the JSON output does: " (name)" for a known enum value, " (a,b,0x40)"
// for the set bits of a mask. It is "" when there is nothing to name.
func enumHint(sa *schema.Attr, u uint64) string {
	enum := sa.Enum()
	if enum == nil {
		return ""
	}

	name := ""
	if enum.Kind == schema.KindFlags || sa.EnumAsFlags {
		name = strings.Join(decode.FlagNames(nil, enum, u), ",")
	} else if e := enum.EntryByValue(u); e != nil {
		name = e.Name
	}
	if name == "" {
		return ""
	}

	return " (" + name + ")"
}
