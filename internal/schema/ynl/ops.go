package ynl

import (
	"github.com/nlctl/nlctl/internal/schema"
)

// opInfo keeps what op numbering needs beyond the schema.Op itself.
type opInfo struct {
	node  node
	value node // the op's value key
	// modeValues holds the request.value and reply.value keys of do and
	// dump, in that order.
	modeValues map[*schema.OpMode][2]node
}

// operations loads the ops and numbers them.
func (l *loader) operations(n node) error {
	kv, err := l.pairs(n)
	if err != nil {
		return err
	}

	var list node
	for _, p := range kv {
		if err := l.operationsKey(p, &list); err != nil {
			return err
		}
	}

	elems, err := l.items(list)
	if err != nil {
		return err
	}

	if err := l.opNames(elems); err != nil {
		return err
	}

	infos := make([]opInfo, len(elems))
	for i, e := range elems {
		infos[i] = opInfo{node: e, modeValues: make(map[*schema.OpMode][2]node, 2)}
		if err := l.op(e, &l.fam.Ops[i], &infos[i]); err != nil {
			return err
		}
	}

	if l.fam.MsgIDModel == schema.MsgIDDirectional {
		return l.numberDirectional(infos)
	}

	return l.numberUnified(infos)
}

// operationsKey loads one key of the operations mapping.
func (l *loader) operationsKey(p pair, list *node) error {
	var err error

	switch p.key {
	case "list":
		*list = p.value
	case "enum-model":
		err = l.enumModel(p.value)
	case "fixed-header":
		l.fam.FixedHeaderName, err = l.structRef(p.value)
	case "name-prefix", "enum-name", "async-prefix", "async-enum", "doc":
		// Documentation and C code generation only.
	default:
		l.unknownKey(p)
	}

	return err
}

// enumModel reads operations.enum-model.
func (l *loader) enumModel(n node) error {
	s, err := l.str(n)
	if err != nil {
		return err
	}

	switch s {
	case "unified":
		l.fam.MsgIDModel = schema.MsgIDUnified
	case "directional":
		l.fam.MsgIDModel = schema.MsgIDDirectional
	default:
		return l.errorf(n, "unknown enum-model %q; valid values are unified, directional", s)
	}

	return nil
}

// opNames is the first pass over ops: it records each op's name, attribute
// set and whether it is a notification, so that a notify key may name an
// op further down the list.
func (l *loader) opNames(elems []node) error {
	l.fam.Ops = make([]schema.Op, len(elems))
	l.ops = make(map[string]*schema.Op, len(elems))

	for i, e := range elems {
		op := &l.fam.Ops[i]
		kv, err := l.pairs(e)
		if err != nil {
			return err
		}

		for _, p := range kv {
			switch p.key {
			case "name":
				op.Name, err = l.name(p.value)
			case "attribute-set":
				op.AttrSetName, err = l.setRef(p.value)
			case "notify":
				op.NotifyName, err = l.name(p.value)
			case "event":
				op.Event = &schema.OpMessage{}
			}

			if err != nil {
				return err
			}
		}

		if op.Name == "" {
			return l.errorf(e, "missing key \"name\"")
		}

		if l.ops[op.Name] != nil {
			return l.errorf(e, "duplicate op %q", op.Name)
		}

		l.ops[op.Name] = op
	}

	return nil
}

// op loads one op.
func (l *loader) op(e node, op *schema.Op, info *opInfo) error {
	kv, err := l.pairs(e)
	if err != nil {
		return err
	}

	var modes []pair
	for _, p := range kv {
		switch p.key {
		case "do", "dump", "event":
			modes = append(modes, p)
		default:
			err = l.opKey(p, op, info)
		}

		if err != nil {
			return err
		}
	}

	if err := l.opNotify(op, kv); err != nil {
		return err
	}

	for _, p := range modes {
		if err := l.opMode(p, op, info); err != nil {
			return err
		}
	}

	return nil
}

// opKey loads one key of an op other than its do, dump and event modes.
func (l *loader) opKey(p pair, op *schema.Op, info *opInfo) error {
	var err error

	switch p.key {
	case "name", "attribute-set", "notify":
		// Read by opNames; notify is checked by opNotify.
	case "value":
		info.value = p.value
	case "fixed-header":
		op.FixedHeaderName, err = l.structRef(p.value)
	case "flags":
		op.Flags, err = l.enumList(p.value, "admin-perm", "uns-admin-perm")
	case "dont-validate":
		op.DontValidate, err = l.enumList(p.value, "strict", "dump", "dump-strict")
	case "mcgrp":
		op.McastGroupName, err = l.name(p.value)
		if err == nil && !l.groups[op.McastGroupName] {
			err = l.errorf(p.value, "multicast group %q not found in mcast-groups", op.McastGroupName)
		}
	case "doc", "config-cond":
		// Documentation and C code generation only.
	default:
		l.unknownKey(p)
	}

	return err
}

// opNotify checks an op's notify key and, for a notification without its
// own attribute set, takes the set of the op it notifies about.
func (l *loader) opNotify(op *schema.Op, kv []pair) error {
	if op.NotifyName == "" {
		return nil
	}

	n := valueOf(kv, "notify")
	target := l.ops[op.NotifyName]
	if target == nil {
		return l.errorf(n, "op %q not found", op.NotifyName)
	}

	if target.IsNotification() {
		return l.errorf(n, "op %q is itself a notification", op.NotifyName)
	}

	if op.AttrSetName == "" {
		op.AttrSetName = target.AttrSetName
	}

	return nil
}

// valueOf returns the value of key in kv, or an absent node.
func valueOf(kv []pair, key string) node {
	for _, p := range kv {
		if p.key == key {
			return p.value
		}
	}

	return node{}
}
