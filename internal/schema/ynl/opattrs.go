package ynl

import (
	"fmt"

	"github.com/nlctl/nlctl/internal/schema"
)

// opAttrs loads a list of attribute names of an op: a do or dump request
// or reply, or an event. checkOpAttr checks each name against the op's
// attribute set.
func (l *loader) opAttrs(n node, op *schema.Op) ([]string, error) {
	elems, err := l.items(n)
	if err != nil {
		return nil, err
	}

	names := make([]string, len(elems))
	for i, e := range elems {
		if names[i], err = l.name(e); err != nil {
			return nil, err
		}

		if err := l.checkOpAttr(e, op, names[i]); err != nil {
			return nil, err
		}
	}

	return names, nil
}

// checkOpAttr checks that name, listed by op at node e, is an attribute of
// the op's set. opNotify has already given a notification without a set of
// its own the set of the op it notifies about. A subset contains only the
// attributes it lists.
//
// For the generic netlink protocols a missing name is an error. The
// kernel's C code generator, ynl-gen-c.py under tools/net/ynl, looks every
// listed name up in the op's set and fails on any other, and the kernel
// tree runs it on every generic netlink spec.
//
// For netlink-raw a missing name is only a warning, because the kernel
// accepts it. Linux 6.12 generates no C code from netlink-raw specs, and
// its Python YNL library builds and decodes messages from the op's set
// without reading these lists. The 6.12 specs rely on that: rt_addr,
// rt_link and rt_route list members of their fixed headers, and rt_link's
// "if-netnsid" and nftables' "name" are in no set. A fixed header member
// gets no warning, so that those three specs load without dozens of them.
//
// NOTE: since April 2025 net-next generates C code for rt-addr, rt-link
// and rt-route and has removed these names from their specs. Make
// netlink-raw strict too once the 6.12 specs no longer need to load.
func (l *loader) checkOpAttr(e node, op *schema.Op, name string) error {
	if info := l.sets[op.AttrSetName]; info != nil {
		if _, ok := info.byName[name]; ok {
			return nil
		}
	}

	header := l.fixedHeaderWith(op, name)
	if l.fam.Protocol != schema.ProtocolNetlinkRaw {
		return l.errorf(e, "%s", l.missingOpAttr(op, name, header))
	}

	if header == "" {
		l.warn(e, "attribute %q is neither in attribute set %q nor in the fixed header", name, op.AttrSetName)
	}

	return nil
}

// missingOpAttr describes why name, listed by op, is not in the op's set.
// header names the fixed header that has a member called name, or is
// empty.
func (l *loader) missingOpAttr(op *schema.Op, name, header string) string {
	if op.AttrSetName == "" {
		return fmt.Sprintf("attribute %q not found because op %q has no attribute-set", name, op.Name)
	}

	msg := fmt.Sprintf("attribute %q not found in attribute set %q", name, op.AttrSetName)
	if header != "" {
		return msg + fmt.Sprintf("; it is a member of the fixed header %q, which attribute lists must not name", header)
	}

	if parent := l.parentSet(op.AttrSetName); parent != nil {
		if _, ok := parent.byName[name]; ok {
			return msg + fmt.Sprintf("; the parent set %q contains it, so add it to the subset", parent.set.Name)
		}
	}

	return msg
}

// parentSet returns the set that the set named name is a subset of, or
// nil.
func (l *loader) parentSet(name string) *setInfo {
	info := l.sets[name]
	if info == nil {
		return nil
	}

	return l.sets[info.set.SubsetOfName]
}

// fixedHeaderWith returns the name of op's fixed header if that struct has
// a member called name, or "". The op's own fixed header replaces the
// family's.
func (l *loader) fixedHeaderWith(op *schema.Op, name string) string {
	header := op.FixedHeaderName
	if header == "" {
		header = l.fam.FixedHeaderName
	}

	d := l.defs[header]
	if d == nil {
		return ""
	}

	for _, m := range d.Members {
		if m.Name == name {
			return header
		}
	}

	return ""
}
