package family

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/decode"
)

// Numbers of the generic netlink controller (nlctrl), from
// include/uapi/linux/genetlink.h.
const (
	ctrlID = 16 // GENL_ID_CTRL

	ctrlCmdGetFamily = 3
	ctrlCmdGetPolicy = 10

	ctrlAttrFamilyID   = 1
	ctrlAttrFamilyName = 2
	ctrlAttrVersion    = 3
	ctrlAttrHdrSize    = 4
	ctrlAttrMaxAttr    = 5
	ctrlAttrOps        = 6
	ctrlAttrMcastGrps  = 7
	ctrlAttrPolicy     = 8
	ctrlAttrOpPolicy   = 9
	ctrlAttrOp         = 10

	ctrlAttrOpID    = 1
	ctrlAttrOpFlags = 2

	ctrlAttrMcastGrpName = 1
	ctrlAttrMcastGrpID   = 2

	ctrlAttrPolicyDo   = 1
	ctrlAttrPolicyDump = 2
)

// Op flags (GENL_*), as the controller reports them.
const (
	OpAdminPerm    = 0x01
	OpDo           = 0x02
	OpDump         = 0x04
	OpHasPolicy    = 0x08
	OpUnsAdminPerm = 0x10
)

var opFlagNames = []struct {
	bit  uint32
	name string
}{
	{OpAdminPerm, "admin-perm"},
	{OpDo, "do"},
	{OpDump, "dump"},
	{OpHasPolicy, "has-policy"},
	{OpUnsAdminPerm, "uns-admin-perm"},
}

// OpFlagNames names the bits of an op's flags in bit order. Bits without a
// name are kept as one hexadecimal value at the end, so none is dropped.
func OpFlagNames(flags uint32) []string {
	names := []string{}
	for _, f := range opFlagNames {
		if flags&f.bit != 0 {
			names = append(names, f.name)
			flags &^= f.bit
		}
	}
	if flags != 0 {
		names = append(names, "0x"+strconv.FormatUint(uint64(flags), 16))
	}

	return names
}

// nlctrlOpNames are the controller's command names. nlctrl registers only
// getfamily and getpolicy as ops; the rest name its notifications.
var nlctrlOpNames = map[uint32]string{
	1:  "newfamily",
	2:  "delfamily",
	3:  "getfamily",
	4:  "newops",
	5:  "delops",
	6:  "getops",
	7:  "newmcast-grp",
	8:  "delmcast-grp",
	9:  "getmcast-grp",
	10: "getpolicy",
}

// AttrNames names attributes for annotated output where no schema is
// loaded: a node names one attribute and, for a nest, its children.
type AttrNames struct {
	Name  string
	Attrs map[uint16]*AttrNames
	// Elem names every child of a nest whose children are numbered array
	// elements or table entries rather than distinct attributes.
	Elem *AttrNames
}

// Child returns the node naming attribute typ inside n, or nil.
func (n *AttrNames) Child(typ uint16) *AttrNames {
	if n == nil {
		return nil
	}
	if n.Elem != nil {
		return n.Elem
	}

	return n.Attrs[typ]
}

// IsNest reports whether n names a nested attribute.
func (n *AttrNames) IsNest() bool {
	return n != nil && (n.Elem != nil || len(n.Attrs) > 0)
}

func leaves(names ...string) map[uint16]*AttrNames {
	m := make(map[uint16]*AttrNames, len(names))
	for i, name := range names {
		if name != "" {
			m[uint16(i+1)] = &AttrNames{Name: name}
		}
	}

	return m
}

// NlctrlAttrNames returns the names of the controller's attributes.
func NlctrlAttrNames() *AttrNames {
	policyAttr := &AttrNames{Name: "attr", Attrs: leaves("type", "min-value-s", "max-value-s",
		"min-value-u", "max-value-u", "min-length", "max-length", "policy-idx",
		"policy-maxtype", "bitfield32-mask", "pad", "mask")}
	root := &AttrNames{Attrs: leaves("family-id", "family-name", "version", "hdrsize",
		"maxattr", "ops", "mcast-groups", "policy", "op-policy", "op")}
	root.Attrs[ctrlAttrOps].Elem = &AttrNames{Name: "op", Attrs: leaves("id", "flags")}
	root.Attrs[ctrlAttrMcastGrps].Elem = &AttrNames{Name: "mcast-group", Attrs: leaves("name", "id")}
	root.Attrs[ctrlAttrPolicy].Elem = &AttrNames{Name: "policy-index", Elem: policyAttr}
	root.Attrs[ctrlAttrOpPolicy].Elem = &AttrNames{Name: "op", Attrs: leaves("do", "dump")}

	return root
}

// OpName returns the built-in name of op number id of the named family,
// or "" when nlctl has none.
func OpName(family string, id uint32) string {
	if family == "nlctrl" {
		return nlctrlOpNames[id]
	}

	return ""
}

// OpByName finds the op of the named family with the given name or number.
func OpByName(f *Family, s string) (Op, error) {
	for _, op := range f.Ops {
		if op.Name != "" && op.Name == s {
			return op, nil
		}
	}

	n, err := strconv.ParseUint(s, 0, 32)
	if err == nil {
		for _, op := range f.Ops {
			if op.ID == uint32(n) {
				return op, nil
			}
		}
	}

	return Op{}, &UnknownOpError{Family: f.Name, Op: s, Ops: f.Ops}
}

// UnknownOpError reports an op the family does not register.
type UnknownOpError struct {
	Family string
	Op     string
	Ops    []Op
}

func (e *UnknownOpError) Error() string {
	valid := make([]string, 0, len(e.Ops))
	for _, op := range e.Ops {
		if op.Name != "" {
			valid = append(valid, op.Name)
		} else {
			valid = append(valid, strconv.Itoa(int(op.ID)))
		}
	}
	if len(valid) == 0 {
		return fmt.Sprintf("family %s registers no ops, so op %q does not exist", e.Family, e.Op)
	}

	return UnknownOpMessage(e.Family, e.Op, valid)
}

// UnknownOpMessage words the error for an op a family lacks the same way
// in every command: the nearest valid name, then all of them in order.
func UnknownOpMessage(familyName, op string, valid []string) string {
	valid = slices.Clone(valid)
	sort.Strings(valid)
	list := strings.Join(valid, ", ")
	if near := decode.Nearest(op, valid); near != "" {
		return fmt.Sprintf("family %s has no op %q; did you mean %q? Valid ops: %s", familyName, op, near, list)
	}

	return fmt.Sprintf("family %s has no op %q. Valid ops: %s", familyName, op, list)
}
