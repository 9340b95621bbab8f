package schema

import (
	"fmt"
	"math/bits"
)

// Resolve checks every name reference in f and builds the lookup indexes
// behind Family.AttrSet, AttrSet.ByNumber, Attr.Nested and the other
// lookup methods. It returns an error for a duplicate name or number and
// for a reference to a missing or wrong kind of definition, set, op,
// multicast group or sub-message. Resolve may be called again after f's
// exported fields change.
func (f *Family) Resolve() error {
	f.index = nil

	index, err := f.buildIndex()
	if err != nil {
		return err
	}

	f.index = index

	steps := []func() error{f.resolveDefinitions, f.resolveAttrSets, f.resolveOps, f.resolveSubMessages}
	for _, step := range steps {
		if err := step(); err != nil {
			f.index = nil
			return err
		}
	}

	if f.FixedHeaderName != "" {
		if _, err := f.lookupStruct(f.FixedHeaderName); err != nil {
			f.index = nil
			return fmt.Errorf("fixed-header: %w", err)
		}
	}

	return nil
}

// buildIndex maps every top-level name to its element and rejects
// duplicates.
func (f *Family) buildIndex() (*familyIndex, error) {
	x := &familyIndex{
		definitions: make(map[string]*Definition, len(f.Definitions)),
		attrSets:    make(map[string]*AttrSet, len(f.AttrSets)),
		ops:         make(map[string]*Op, len(f.Ops)),
		opByRequest: make(map[uint16]*Op, len(f.Ops)),
		opByReply:   make(map[uint16]*Op, len(f.Ops)),
		mcastGroups: make(map[string]*McastGroup, len(f.McastGroups)),
		subMessages: make(map[string]*SubMessage, len(f.SubMessages)),
	}

	for i := range f.Definitions {
		if err := addUnique(x.definitions, f.Definitions[i].Name, &f.Definitions[i], "definition"); err != nil {
			return nil, err
		}
	}

	for i := range f.AttrSets {
		if err := addUnique(x.attrSets, f.AttrSets[i].Name, &f.AttrSets[i], "attribute set"); err != nil {
			return nil, err
		}
	}

	for i := range f.Ops {
		if err := addUnique(x.ops, f.Ops[i].Name, &f.Ops[i], "op"); err != nil {
			return nil, err
		}
	}

	for i := range f.McastGroups {
		if err := addUnique(x.mcastGroups, f.McastGroups[i].Name, &f.McastGroups[i], "multicast group"); err != nil {
			return nil, err
		}
	}

	for i := range f.SubMessages {
		if err := addUnique(x.subMessages, f.SubMessages[i].Name, &f.SubMessages[i], "sub-message"); err != nil {
			return nil, err
		}
	}

	return x, nil
}

// addUnique adds v to m under name, rejecting an empty or duplicate name.
func addUnique[K comparable, V any](m map[K]V, name K, v V, what string) error {
	var zero K
	if name == zero {
		return fmt.Errorf("%s without a name", what)
	}

	if _, ok := m[name]; ok {
		return fmt.Errorf("duplicate %s %v", what, name)
	}

	m[name] = v

	return nil
}

// lookupStruct returns the struct definition named name.
func (f *Family) lookupStruct(name string) (*Definition, error) {
	d := f.index.definitions[name]
	if d == nil {
		return nil, fmt.Errorf("struct %q not found", name)
	}

	if d.Kind != KindStruct {
		return nil, fmt.Errorf("definition %q is a %s, not a struct", name, d.Kind)
	}

	return d, nil
}

// lookupEnum returns the enum or flags definition named name.
func (f *Family) lookupEnum(name string) (*Definition, error) {
	d := f.index.definitions[name]
	if d == nil {
		return nil, fmt.Errorf("enum %q not found", name)
	}

	if d.Kind != KindEnum && d.Kind != KindFlags {
		return nil, fmt.Errorf("definition %q is a %s, not an enum or flags", name, d.Kind)
	}

	return d, nil
}

// lookupAttrSet returns the attribute set named name.
func (f *Family) lookupAttrSet(name string) (*AttrSet, error) {
	s := f.index.attrSets[name]
	if s == nil {
		return nil, fmt.Errorf("attribute set %q not found", name)
	}

	return s, nil
}

// resolveDefinitions indexes enum entries, links struct members and
// computes struct sizes.
func (f *Family) resolveDefinitions() error {
	for i := range f.Definitions {
		d := &f.Definitions[i]
		if err := f.resolveDefinition(d); err != nil {
			return fmt.Errorf("definition %q: %w", d.Name, err)
		}
	}

	sizer := structSizer{state: make(map[*Definition]uint8)}
	for i := range f.Definitions {
		d := &f.Definitions[i]
		if d.Kind != KindStruct {
			continue
		}

		if err := sizer.size(d); err != nil {
			return err
		}
	}

	return nil
}

// resolveDefinition indexes one definition's entries or links its members.
func (f *Family) resolveDefinition(d *Definition) error {
	d.entryByName, d.entryByValue, d.size = nil, nil, 0

	switch d.Kind {
	case KindConst:
		return nil
	case KindEnum, KindFlags:
		return d.indexEntries()
	case KindStruct:
		return f.resolveMembers(d)
	}

	return fmt.Errorf("invalid definition kind %d", d.Kind)
}

// indexEntries builds the name and value maps of an enum or flags set.
func (d *Definition) indexEntries() error {
	d.entryByName = make(map[string]*EnumEntry, len(d.Entries))
	d.entryByValue = make(map[uint64]*EnumEntry, len(d.Entries))

	for i := range d.Entries {
		e := &d.Entries[i]
		if err := addUnique(d.entryByName, e.Name, e, "entry"); err != nil {
			return err
		}

		if d.Kind == KindFlags && (e.Value == 0 || e.Value&(e.Value-1) != 0) {
			return fmt.Errorf("flags entry %q: value %#x is not a single bit", e.Name, e.Value)
		}

		if prev, ok := d.entryByValue[e.Value]; ok {
			return fmt.Errorf("entries %q and %q have the same value %d", prev.Name, e.Name, e.Value)
		}

		d.entryByValue[e.Value] = e
		d.indexBit(e)
	}

	return nil
}

// indexBit records e's name by bit position: a flags entry by the bit its
// mask sets, an enum entry by its value, as enum-as-flags reads it.
func (d *Definition) indexBit(e *EnumEntry) {
	pos := e.Value
	if d.Kind == KindFlags {
		pos = uint64(bits.TrailingZeros64(e.Value))
	}
	if pos < 64 {
		if d.bitNames == nil {
			d.bitNames = new([64]string)
		}
		d.bitNames[pos] = e.Name
	}
}

// resolveMembers links the enum and struct references of a struct's
// members and rejects duplicate member names.
func (f *Family) resolveMembers(d *Definition) error {
	seen := make(map[string]bool, len(d.Members))

	for i := range d.Members {
		m := &d.Members[i]
		if err := addUnique(seen, m.Name, true, "member"); err != nil {
			return err
		}

		if err := f.resolveMember(m); err != nil {
			return fmt.Errorf("member %q: %w", m.Name, err)
		}
	}

	return nil
}

// resolveMember links one struct member.
func (f *Family) resolveMember(m *Member) error {
	m.enum, m.structType = nil, nil

	switch m.Type {
	case TypeU8, TypeU16, TypeU32, TypeU64, TypeS8, TypeS16, TypeS32, TypeS64, TypeString, TypeBinary, TypePad:
	default:
		return fmt.Errorf("type %s is not allowed in a struct", m.Type)
	}

	var err error
	if m.EnumName != "" {
		if m.enum, err = f.lookupEnum(m.EnumName); err != nil {
			return err
		}
	}

	if m.StructName != "" {
		if m.structType, err = f.lookupStruct(m.StructName); err != nil {
			return err
		}
	}

	if m.Len < 0 {
		return fmt.Errorf("negative len %d", m.Len)
	}

	return nil
}

// structSizer computes struct sizes depth first and detects structs that
// contain themselves.
type structSizer struct {
	state map[*Definition]uint8 // 1 while in progress, 2 when done
}

// size computes d.size from its members.
func (z structSizer) size(d *Definition) error {
	switch z.state[d] {
	case 1:
		return fmt.Errorf("struct %q contains itself", d.Name)
	case 2:
		return nil
	}

	z.state[d] = 1

	total := 0
	for i := range d.Members {
		m := &d.Members[i]
		if m.structType != nil {
			if err := z.size(m.structType); err != nil {
				return err
			}
		}

		total += m.Size()
		if total > MaxStructSize {
			return fmt.Errorf("struct %q is larger than %d bytes", d.Name, MaxStructSize)
		}
	}

	d.size = total
	z.state[d] = 2

	return nil
}
