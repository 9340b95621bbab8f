package schema

import "fmt"

// resolveAttrSets indexes every attribute set and links its attributes.
func (f *Family) resolveAttrSets() error {
	for i := range f.AttrSets {
		s := &f.AttrSets[i]
		if err := f.resolveAttrSet(s); err != nil {
			return fmt.Errorf("attribute set %q: %w", s.Name, err)
		}
	}

	return nil
}

// resolveAttrSet indexes one set by name and number and links its
// attributes.
func (f *Family) resolveAttrSet(s *AttrSet) error {
	s.subsetOf = nil
	if s.SubsetOfName != "" {
		parent, err := f.lookupAttrSet(s.SubsetOfName)
		if err != nil {
			return fmt.Errorf("subset-of: %w", err)
		}

		s.subsetOf = parent
	}

	if err := s.index(); err != nil {
		return err
	}

	for i := range s.Attrs {
		a := &s.Attrs[i]
		if err := f.resolveAttr(a); err != nil {
			return fmt.Errorf("attribute %q: %w", a.Name, err)
		}
	}

	return nil
}

// index builds the name and number lookups of s. Numbers index a slice
// when they are dense enough and a map otherwise.
func (s *AttrSet) index() error {
	s.byName = make(map[string]*Attr, len(s.Attrs))
	s.byNumber, s.sparse = nil, nil

	maxNumber := 0
	for i := range s.Attrs {
		a := &s.Attrs[i]
		if err := addUnique(s.byName, a.Name, a, "attribute"); err != nil {
			return err
		}

		if a.Number > MaxAttrNumber {
			return fmt.Errorf("attribute %q: number %d is above %d", a.Name, a.Number, MaxAttrNumber)
		}

		maxNumber = max(maxNumber, int(a.Number))
	}

	if maxNumber <= 2*len(s.Attrs)+64 {
		s.byNumber = make([]*Attr, maxNumber+1)
	} else {
		s.sparse = make(map[uint16]*Attr, len(s.Attrs))
	}

	for i := range s.Attrs {
		a := &s.Attrs[i]
		if prev := s.ByNumber(a.Number); prev != nil {
			return fmt.Errorf("attributes %q and %q have the same number %d", prev.Name, a.Name, a.Number)
		}

		if s.sparse != nil {
			s.sparse[a.Number] = a
		} else {
			s.byNumber[a.Number] = a
		}
	}

	return nil
}

// resolveAttr links one attribute to the definitions and sets it names.
func (f *Family) resolveAttr(a *Attr) error {
	a.nested, a.enum, a.structType, a.subMessage = nil, nil, nil, nil

	if a.Type == TypeNone || a.Type >= typeCount {
		return fmt.Errorf("invalid type %d", a.Type)
	}

	var err error
	if a.NestedName != "" {
		if a.nested, err = f.lookupAttrSet(a.NestedName); err != nil {
			return fmt.Errorf("nested-attributes: %w", err)
		}
	}

	if a.EnumName != "" {
		if a.enum, err = f.lookupEnum(a.EnumName); err != nil {
			return err
		}
	}

	if a.StructName != "" {
		if a.structType, err = f.lookupStruct(a.StructName); err != nil {
			return err
		}
	}

	if a.Checks.FlagsMaskName != "" {
		if _, err = f.lookupEnum(a.Checks.FlagsMaskName); err != nil {
			return fmt.Errorf("checks: flags-mask: %w", err)
		}
	}

	return f.resolveSubMessageRef(a)
}

// resolveSubMessageRef links a sub-message attribute to its definition.
func (f *Family) resolveSubMessageRef(a *Attr) error {
	if a.Type == TypeSubMessage && (a.SubMessageName == "" || a.Selector == "") {
		return fmt.Errorf("type sub-message needs both sub-message and selector")
	}

	if a.SubMessageName == "" {
		return nil
	}

	a.subMessage = f.index.subMessages[a.SubMessageName]
	if a.subMessage == nil {
		return fmt.Errorf("sub-message %q not found", a.SubMessageName)
	}

	return nil
}

// resolveOps links every op and indexes ops by request and reply value.
func (f *Family) resolveOps() error {
	for i := range f.Ops {
		op := &f.Ops[i]
		if err := f.resolveOp(op); err != nil {
			return fmt.Errorf("op %q: %w", op.Name, err)
		}
	}

	for i := range f.Ops {
		op := &f.Ops[i]
		if err := f.indexOpValues(op); err != nil {
			return fmt.Errorf("op %q: %w", op.Name, err)
		}
	}

	return nil
}

// indexOpValues adds op to the request and reply indexes. Two ops may share
// a reply value only in the directional model.
func (f *Family) indexOpValues(op *Op) error {
	x := f.index

	if op.HasRequest {
		if prev := x.opByRequest[op.RequestValue]; prev != nil {
			return fmt.Errorf("request value %d is already used by op %q", op.RequestValue, prev.Name)
		}

		x.opByRequest[op.RequestValue] = op
	}

	if !op.HasReply {
		return nil
	}

	prev := x.opByReply[op.ReplyValue]
	if prev == nil {
		x.opByReply[op.ReplyValue] = op
		return nil
	}

	if f.MsgIDModel != MsgIDDirectional {
		return fmt.Errorf("value %d is already used by op %q", op.ReplyValue, prev.Name)
	}

	return nil
}

// resolveOp links one op to its set, fixed header, notified op and
// multicast group. It does not check the op's attribute lists, because
// kernel specs list fixed header members there too.
func (f *Family) resolveOp(op *Op) error {
	op.attrSet, op.fixedHeader, op.notify, op.mcastGroup = nil, nil, nil, nil

	if err := f.resolveOpNotify(op); err != nil {
		return err
	}

	var err error
	switch {
	case op.AttrSetName != "":
		if op.attrSet, err = f.lookupAttrSet(op.AttrSetName); err != nil {
			return fmt.Errorf("attribute-set: %w", err)
		}
	case op.notify != nil && op.notify.AttrSetName != "":
		if op.attrSet, err = f.lookupAttrSet(op.notify.AttrSetName); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
	}

	header := op.FixedHeaderName
	if header == "" {
		header = f.FixedHeaderName
	}

	if header != "" {
		if op.fixedHeader, err = f.lookupStruct(header); err != nil {
			return fmt.Errorf("fixed-header: %w", err)
		}
	}

	if op.McastGroupName != "" {
		if op.mcastGroup = f.index.mcastGroups[op.McastGroupName]; op.mcastGroup == nil {
			return fmt.Errorf("mcgrp: multicast group %q not found", op.McastGroupName)
		}
	}

	return nil
}

// resolveOpNotify links a notification to the op whose reply it carries.
func (f *Family) resolveOpNotify(op *Op) error {
	if op.NotifyName == "" {
		return nil
	}

	target := f.index.ops[op.NotifyName]
	if target == nil {
		return fmt.Errorf("notify: op %q not found", op.NotifyName)
	}

	if target.IsNotification() {
		return fmt.Errorf("notify: op %q is itself a notification", op.NotifyName)
	}

	op.notify = target

	return nil
}

// resolveSubMessages indexes the formats of every sub-message and links
// them to their sets and fixed headers.
func (f *Family) resolveSubMessages() error {
	for i := range f.SubMessages {
		m := &f.SubMessages[i]
		m.byValue = make(map[string]*SubMessageFormat, len(m.Formats))

		for j := range m.Formats {
			format := &m.Formats[j]
			if err := addUnique(m.byValue, format.Value, format, "format value"); err != nil {
				return fmt.Errorf("sub-message %q: %w", m.Name, err)
			}

			if err := f.resolveFormat(format); err != nil {
				return fmt.Errorf("sub-message %q: format %q: %w", m.Name, format.Value, err)
			}
		}
	}

	return nil
}

// resolveFormat links one sub-message format.
func (f *Family) resolveFormat(format *SubMessageFormat) error {
	format.attrSet, format.fixedHeader = nil, nil

	var err error
	if format.AttrSetName != "" {
		if format.attrSet, err = f.lookupAttrSet(format.AttrSetName); err != nil {
			return fmt.Errorf("attribute-set: %w", err)
		}
	}

	if format.FixedHeaderName != "" {
		if format.fixedHeader, err = f.lookupStruct(format.FixedHeaderName); err != nil {
			return fmt.Errorf("fixed-header: %w", err)
		}
	}

	return nil
}
