package schema

import "strconv"

// Protocol is the spec format level of a family, from the spec's protocol
// key.
type Protocol uint8

// Protocols. Generic netlink families use the first three; netlink-raw
// describes classic netlink protocols such as rtnetlink.
const (
	ProtocolGenetlink Protocol = iota + 1
	ProtocolGenetlinkC
	ProtocolGenetlinkLegacy
	ProtocolNetlinkRaw
)

// String returns the YNL name of p.
func (p Protocol) String() string {
	switch p {
	case ProtocolGenetlink:
		return "genetlink"
	case ProtocolGenetlinkC:
		return "genetlink-c"
	case ProtocolGenetlinkLegacy:
		return "genetlink-legacy"
	case ProtocolNetlinkRaw:
		return "netlink-raw"
	}

	return "protocol(" + strconv.Itoa(int(p)) + ")"
}

// ParseProtocol returns the Protocol with the YNL name s.
func ParseProtocol(s string) (Protocol, bool) {
	for p := ProtocolGenetlink; p <= ProtocolNetlinkRaw; p++ {
		if p.String() == s {
			return p, true
		}
	}

	return 0, false
}

// IsGenetlink reports whether p is one of the generic netlink protocols.
func (p Protocol) IsGenetlink() bool {
	return p >= ProtocolGenetlink && p <= ProtocolGenetlinkLegacy
}

// MsgIDModel is the numbering model of a family's ops, from the spec's
// operations.enum-model key.
type MsgIDModel uint8

// Op numbering models.
const (
	// MsgIDUnified gives each op one value, used in both directions.
	MsgIDUnified MsgIDModel = iota + 1
	// MsgIDDirectional numbers messages to the kernel and messages from the
	// kernel separately.
	MsgIDDirectional
)

// String returns the YNL name of m.
func (m MsgIDModel) String() string {
	switch m {
	case MsgIDUnified:
		return "unified"
	case MsgIDDirectional:
		return "directional"
	}

	return "enum-model(" + strconv.Itoa(int(m)) + ")"
}

// SourceKind is the kind of place a family's schema came from.
type SourceKind uint8

// Schema sources.
const (
	// SourceBuiltin is a schema compiled into the binary.
	SourceBuiltin SourceKind = iota + 1
	// SourceFile is a YNL spec file read at run time.
	SourceFile
	// SourcePolicyDump is a schema derived from the kernel's policy dump,
	// with attribute numbers in place of names.
	SourcePolicyDump
)

// String returns a short name of k for messages.
func (k SourceKind) String() string {
	switch k {
	case SourceBuiltin:
		return "builtin"
	case SourceFile:
		return "file"
	case SourcePolicyDump:
		return "policy-dump"
	}

	return "source(" + strconv.Itoa(int(k)) + ")"
}

// Source is the origin of a family's schema.
type Source struct {
	// Kind is the kind of source.
	Kind SourceKind
	// Path is the spec file's path for SourceFile, or a name for the
	// built-in schema for SourceBuiltin.
	Path string
}

// Family is the schema of one netlink family: its definitions, attribute
// sets, ops, multicast groups and sub-messages, with every name reference
// resolved by Resolve.
//
// The exported fields are plain data, so a Family can be written as a Go
// literal or encoded with encoding/gob. Call Resolve after building or
// decoding one, and do not change it afterwards: the lookup indexes point
// into its slices.
type Family struct {
	// Name is the family's name, as registered with the kernel.
	Name string
	// Protocol is the spec format level.
	Protocol Protocol
	// Protonum is the netlink protocol number for netlink-raw families, for
	// example 0 for NETLINK_ROUTE.
	Protonum int
	// Version is the generic netlink family version; the spec default is 1.
	Version int
	// KernelPolicy is the layout of the family's validation policy in the
	// kernel: "split", "per-op" or "global". Empty means the spec default,
	// split.
	KernelPolicy string
	// MsgIDModel is the numbering model of the ops.
	MsgIDModel MsgIDModel
	// FixedHeaderName names the struct between the generic netlink header
	// (the netlink header for netlink-raw) and the attributes of every
	// message, unless an op overrides it.
	FixedHeaderName string

	// Definitions are constants, enums, flags and structs in spec order.
	Definitions []Definition
	// AttrSets are the attribute sets in spec order.
	AttrSets []AttrSet
	// Ops are the operations in spec order.
	Ops []Op
	// McastGroups are the multicast groups in spec order.
	McastGroups []McastGroup
	// SubMessages are the sub-message definitions in spec order.
	SubMessages []SubMessage

	// Source is the origin of the schema.
	Source Source
	// Warnings lists spec content that was ignored, such as keys the loader
	// does not know, one message per item.
	Warnings []string

	// Filled in by Resolve.
	index *familyIndex
}

// familyIndex holds the lookup maps built by Resolve.
type familyIndex struct {
	definitions map[string]*Definition
	attrSets    map[string]*AttrSet
	ops         map[string]*Op
	opByRequest map[uint16]*Op
	opByReply   map[uint16]*Op
	mcastGroups map[string]*McastGroup
	subMessages map[string]*SubMessage
}

// Definition returns the definition named name, or nil.
func (f *Family) Definition(name string) *Definition {
	if f.index == nil {
		return nil
	}

	return f.index.definitions[name]
}

// AttrSet returns the attribute set named name, or nil.
func (f *Family) AttrSet(name string) *AttrSet {
	if f.index == nil {
		return nil
	}

	return f.index.attrSets[name]
}

// Op returns the op named name, or nil.
func (f *Family) Op(name string) *Op {
	if f.index == nil {
		return nil
	}

	return f.index.ops[name]
}

// OpByRequest returns the op whose requests carry the command or message
// type v, or nil.
func (f *Family) OpByRequest(v uint16) *Op {
	if f.index == nil {
		return nil
	}

	return f.index.opByRequest[v]
}

// OpByReply returns the op whose replies, notifications or events carry the
// command or message type v, or nil. When several ops share a reply value,
// which the directional model allows, it returns the first in spec order.
func (f *Family) OpByReply(v uint16) *Op {
	if f.index == nil {
		return nil
	}

	return f.index.opByReply[v]
}

// McastGroup returns the multicast group named name, or nil.
func (f *Family) McastGroup(name string) *McastGroup {
	if f.index == nil {
		return nil
	}

	return f.index.mcastGroups[name]
}

// SubMessage returns the sub-message definition named name, or nil.
func (f *Family) SubMessage(name string) *SubMessage {
	if f.index == nil {
		return nil
	}

	return f.index.subMessages[name]
}

// FixedHeader returns the family-wide fixed header struct, or nil.
func (f *Family) FixedHeader() *Definition {
	return f.Definition(f.FixedHeaderName)
}
