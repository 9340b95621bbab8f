package schema

// Op is one operation of a family: a command with do and dump variants, a
// notification or an event.
type Op struct {
	// Name is the op's name, unique within the family.
	Name string

	// RequestValue is the generic netlink command, or the netlink message
	// type for netlink-raw, of requests sent to the kernel. It is valid
	// only when HasRequest is true: notifications and events have none.
	RequestValue uint16
	// ReplyValue is the command or message type of replies, notifications
	// and events from the kernel. It is valid only when HasReply is true.
	ReplyValue uint16
	// HasRequest reports whether RequestValue is valid.
	HasRequest bool
	// HasReply reports whether ReplyValue is valid.
	HasReply bool

	// AttrSetName names the attribute set of the op's messages. A
	// notification without its own set inherits the set of the op it
	// notifies about.
	AttrSetName string
	// FixedHeaderName names the struct that precedes the attributes in the
	// op's messages, overriding the family's. Empty means the family's.
	FixedHeaderName string
	// Flags are the op's permission flags: admin-perm, uns-admin-perm.
	Flags []string
	// DontValidate lists the kernel validation steps the op skips: strict,
	// dump, dump-strict.
	DontValidate []string

	// Do describes the op's do variant, or is nil.
	Do *OpMode
	// Dump describes the op's dump variant, or is nil.
	Dump *OpMode
	// NotifyName names the op whose do reply this notification carries.
	NotifyName string
	// Event lists the attributes of an event, or is nil.
	Event *OpMessage
	// McastGroupName names the multicast group the notification or event
	// is sent to.
	McastGroupName string

	// Filled in by Family.Resolve.
	attrSet     *AttrSet
	fixedHeader *Definition
	notify      *Op
	mcastGroup  *McastGroup
}

// OpMode is the request and the reply of one variant (do or dump) of an op.
type OpMode struct {
	// RequestValue is the command or message type of this variant's
	// requests. It equals the op's RequestValue unless the spec gives the
	// variant its own value.
	RequestValue uint16
	// ReplyValue is the command or message type of this variant's replies.
	// It equals the op's ReplyValue unless the spec gives the variant its
	// own value: devlink's port-get dump replies with the value of dev-get.
	ReplyValue uint16
	// Request lists the attributes the kernel accepts, or is nil.
	Request *OpMessage
	// Reply lists the attributes the kernel returns, or is nil when the
	// variant has no reply beyond the ACK.
	Reply *OpMessage
}

// OpMessage lists the attributes of one message of an op, by name, in the
// op's attribute set.
type OpMessage struct {
	// Attrs are attribute names in the op's attribute set.
	Attrs []string
}

// IsNotification reports whether op is a notification or an event: a
// message the kernel sends to a multicast group without a request.
func (op *Op) IsNotification() bool {
	return op.NotifyName != "" || op.Event != nil
}

// AttrSet returns the op's attribute set, or nil.
func (op *Op) AttrSet() *AttrSet {
	return op.attrSet
}

// FixedHeader returns the struct that precedes the attributes in the op's
// messages: the op's own, else the family's, else nil.
func (op *Op) FixedHeader() *Definition {
	return op.fixedHeader
}

// Notify returns the op named by op.NotifyName, or nil.
func (op *Op) Notify() *Op {
	return op.notify
}

// McastGroup returns the multicast group named by op.McastGroupName, or nil.
func (op *Op) McastGroup() *McastGroup {
	return op.mcastGroup
}

// ReplyAttrs returns the attribute names of the message the kernel sends
// for op: the do reply, else the dump reply, else the event's attributes,
// else the notified op's reply. It returns nil when op has no reply.
func (op *Op) ReplyAttrs() []string {
	for _, mode := range []*OpMode{op.Do, op.Dump} {
		if mode != nil && mode.Reply != nil {
			return mode.Reply.Attrs
		}
	}

	if op.Event != nil {
		return op.Event.Attrs
	}

	// Resolve rejects a notification of a notification, so this recursion
	// ends after one step.
	if op.notify != nil {
		return op.notify.ReplyAttrs()
	}

	return nil
}

// McastGroup is a multicast group that notifications are sent to.
type McastGroup struct {
	// Name is the group's name, unique within the family. Generic netlink
	// resolves it to a group ID at run time.
	Name string
	// Value is the group number for netlink-raw families, which have fixed
	// groups, and 0 for generic netlink families.
	Value uint32
	// Flags are the group's permission flags: admin-perm, uns-admin-perm.
	Flags []string
}

// SubMessage is a sub-message definition: the formats an attribute can
// take, chosen at run time by the value of a selector attribute.
type SubMessage struct {
	// Name is the definition's name, unique within the family.
	Name string
	// Formats are the selectable formats in spec order.
	Formats []SubMessageFormat

	// Filled in by Family.Resolve.
	byValue map[string]*SubMessageFormat
}

// SubMessageFormat is one format of a sub-message.
type SubMessageFormat struct {
	// Value is the selector value that picks this format, for example "vlan"
	// for a link kind.
	Value string
	// FixedHeaderName names a struct at the start of the payload, or is
	// empty.
	FixedHeaderName string
	// AttrSetName names the attribute set of the attributes after the
	// fixed header, or is empty when the payload has none.
	AttrSetName string

	// Filled in by Family.Resolve.
	attrSet     *AttrSet
	fixedHeader *Definition
}

// Format returns the format selected by value, or nil.
func (m *SubMessage) Format(value string) *SubMessageFormat {
	return m.byValue[value]
}

// AttrSet returns the format's attribute set, or nil.
func (f *SubMessageFormat) AttrSet() *AttrSet {
	return f.attrSet
}

// FixedHeader returns the format's fixed header struct, or nil.
func (f *SubMessageFormat) FixedHeader() *Definition {
	return f.fixedHeader
}
