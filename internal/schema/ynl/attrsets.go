package ynl

import (
	"reflect"

	"github.com/nlctl/nlctl/internal/schema"
)

// setInfo tracks one attribute set while the loader works on it.
type setInfo struct {
	set        *schema.AttrSet
	node       node // the set's mapping
	attrs      node // its attributes list
	subsetNode node // its subset-of value, if any
	byName     map[string]int
	state      uint8 // 0 not loaded, 1 loading, 2 loaded
}

// attrSetNames is the first pass over attribute sets: it records each
// set's name, parent set and attribute list.
func (l *loader) attrSetNames(n node) error {
	elems, err := l.items(n)
	if err != nil {
		return err
	}

	l.fam.AttrSets = make([]schema.AttrSet, len(elems))
	l.sets = make(map[string]*setInfo, len(elems))

	for i, e := range elems {
		info := &setInfo{set: &l.fam.AttrSets[i], node: e}
		if err := l.attrSetHead(e, info); err != nil {
			return err
		}

		if l.sets[info.set.Name] != nil {
			return l.errorf(e, "duplicate attribute set %q", info.set.Name)
		}

		l.sets[info.set.Name] = info
	}

	return nil
}

// attrSetHead reads the keys of one attribute set.
func (l *loader) attrSetHead(e node, info *setInfo) error {
	kv, err := l.pairs(e)
	if err != nil {
		return err
	}

	for _, p := range kv {
		switch p.key {
		case "name":
			info.set.Name, err = l.name(p.value)
		case "subset-of":
			info.subsetNode = p.value
			info.set.SubsetOfName, err = l.name(p.value)
		case "attributes":
			info.attrs = p.value
		case "doc", "name-prefix", "enum-name", "attr-cnt-name", "attr-max-name":
			// Documentation and C code generation only.
		default:
			l.unknownKey(p)
		}

		if err != nil {
			return err
		}
	}

	if info.set.Name == "" {
		return l.errorf(e, "missing key \"name\"")
	}

	if info.attrs.Node == nil {
		return l.errorf(e, "attribute set %q: missing key \"attributes\"", info.set.Name)
	}

	return nil
}

// attrSets is the second pass: it loads the attributes of every set,
// loading a subset's parent first.
func (l *loader) attrSets(node) error {
	for i := range l.fam.AttrSets {
		if err := l.loadSet(l.sets[l.fam.AttrSets[i].Name]); err != nil {
			return err
		}
	}

	return nil
}

// loadSet loads one set's attributes, unless already done.
func (l *loader) loadSet(info *setInfo) error {
	switch info.state {
	case 1:
		return l.errorf(info.subsetNode, "subset-of forms a cycle through attribute set %q", info.set.Name)
	case 2:
		return nil
	}

	info.state = 1

	var err error
	if info.set.SubsetOfName != "" {
		err = l.loadSubset(info)
	} else {
		err = l.loadFullSet(info)
	}

	if err != nil {
		return err
	}

	info.state = 2

	return nil
}

// loadFullSet loads a set that is not a subset, numbering its attributes:
// the first is 1 unless it gives a value, and each later one is one above
// the previous unless it gives its own.
func (l *loader) loadFullSet(info *setInfo) error {
	elems, err := l.items(info.attrs)
	if err != nil {
		return err
	}

	info.set.Attrs = make([]schema.Attr, len(elems))
	info.byName = make(map[string]int, len(elems))
	numbers := make(map[uint16]string, len(elems))

	next := uint64(1)
	for i, e := range elems {
		a := &info.set.Attrs[i]
		number, err := l.attr(e, a, next, false)
		if err != nil {
			return err
		}

		a.Number = uint16(number)
		next = number + 1

		if err := l.addAttr(info, numbers, e, i); err != nil {
			return err
		}
	}

	return nil
}

// addAttr indexes attribute i of a set, rejecting a duplicate name or
// number.
func (l *loader) addAttr(info *setInfo, numbers map[uint16]string, e node, i int) error {
	a := &info.set.Attrs[i]
	if _, ok := info.byName[a.Name]; ok {
		return l.errorf(e, "duplicate attribute %q in attribute set %q", a.Name, info.set.Name)
	}

	if prev, ok := numbers[a.Number]; ok {
		return l.errorf(e, "attribute %q has the same number %d as attribute %q", a.Name, a.Number, prev)
	}

	info.byName[a.Name] = i
	numbers[a.Number] = a.Name

	return nil
}

// loadSubset loads a subset: each attribute starts as a copy of the
// parent's attribute of the same name, and the keys the subset gives
// override the copy. Numbers always come from the parent.
func (l *loader) loadSubset(info *setInfo) error {
	parent := l.sets[info.set.SubsetOfName]
	if parent == nil {
		return l.errorf(info.subsetNode, "attribute set %q not found", info.set.SubsetOfName)
	}

	if err := l.loadSet(parent); err != nil {
		return err
	}

	elems, err := l.items(info.attrs)
	if err != nil {
		return err
	}

	info.set.Attrs = make([]schema.Attr, 0, len(elems))
	info.byName = make(map[string]int, len(elems))
	numbers := make(map[uint16]string, len(elems))

	for _, e := range elems {
		a, err := l.subsetAttr(parent, e)
		if err != nil {
			return err
		}

		if i, ok := info.byName[a.Name]; ok && reflect.DeepEqual(info.set.Attrs[i], a) {
			// Kernel specs repeat some subset entries, for example
			// devlink's dl-dpipe-table in Linux 6.12. Only an entry that
			// differs from the first is an error.
			l.warn(e, "repeated attribute %q ignored", a.Name)
			continue
		}

		info.set.Attrs = append(info.set.Attrs, a)
		if err := l.addAttr(info, numbers, e, len(info.set.Attrs)-1); err != nil {
			return err
		}
	}

	return nil
}

// subsetAttr loads one attribute of a subset from its parent set.
func (l *loader) subsetAttr(parent *setInfo, e node) (schema.Attr, error) {
	name, err := l.attrName(e)
	if err != nil {
		return schema.Attr{}, err
	}

	j, ok := parent.byName[name]
	if !ok {
		return schema.Attr{}, l.errorf(e, "attribute %q not found in parent attribute set %q", name, parent.set.Name)
	}

	a := parent.set.Attrs[j]
	want := uint64(a.Number)

	got, err := l.attr(e, &a, want, true)
	if err != nil {
		return schema.Attr{}, err
	}

	if got != want {
		return schema.Attr{}, l.errorf(e, "attribute %q: value %d differs from %d in parent attribute set %q", name, got, want, parent.set.Name)
	}

	return a, nil
}

// attrName reads the name key of an attribute mapping.
func (l *loader) attrName(e node) (string, error) {
	kv, err := l.pairs(e)
	if err != nil {
		return "", err
	}

	for _, p := range kv {
		if p.key == "name" {
			return l.name(p.value)
		}
	}

	return "", l.errorf(e, "missing key \"name\"")
}
