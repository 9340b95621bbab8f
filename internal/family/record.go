package family

import (
	"fmt"
	"sort"

	"github.com/nlctl/nlctl/internal/wire"
)

// Family is a generic netlink family as the controller describes it.
type Family struct {
	ID      uint16
	Name    string
	Version uint32
	HdrSize uint32
	MaxAttr uint32
	Ops     []Op
	Groups  []Group
}

// Op is one operation a family registers.
type Op struct {
	ID    uint32
	Name  string // empty when no schema names it
	Flags uint32
}

// Group is a multicast group.
type Group struct {
	ID   uint32
	Name string
}

// ListFamilies returns every family the kernel has registered, sorted by ID.
func (c *Conn) ListFamilies() ([]Family, error) {
	req := getFamilyRequest(wire.FlagRequest|wire.FlagAck|wire.FlagDump, nil)

	var fams []Family
	_, err := c.Request(req, func(m wire.Message) error {
		f, err := parseFamily(m)
		if err != nil {
			return err
		}
		fams = append(fams, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list families: %w", err)
	}
	sort.Slice(fams, func(i, j int) bool { return fams[i].ID < fams[j].ID })

	return fams, nil
}

// GetFamily looks a family up by name.
func (c *Conn) GetFamily(name string) (*Family, error) {
	var e wire.AttrEncoder
	e.PutString(ctrlAttrFamilyName, name)

	return c.getFamily(name, e.Bytes())
}

// GetFamilyByID looks a family up by its numeric ID.
func (c *Conn) GetFamilyByID(id uint16) (*Family, error) {
	var e wire.AttrEncoder
	e.PutUint16(ctrlAttrFamilyID, id)

	return c.getFamily(fmt.Sprint(id), e.Bytes())
}

func (c *Conn) getFamily(label string, attrs []byte) (*Family, error) {
	req := getFamilyRequest(wire.FlagRequest|wire.FlagAck, attrs)

	var fam *Family
	_, err := c.Request(req, func(m wire.Message) error {
		f, err := parseFamily(m)
		if err != nil {
			return err
		}
		fam = &f
		return nil
	})
	if isErrno(err, errNoEnt) {
		return nil, &NotFoundError{Family: label, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("get family %s: %w", label, err)
	}
	if fam == nil {
		return nil, fmt.Errorf("get family %s: the kernel acknowledged the request but sent no family", label)
	}

	return fam, nil
}

func getFamilyRequest(flags uint16, attrs []byte) []byte {
	return wire.NewGenlRequest(ctrlID, flags, wire.GenlHeader{Command: ctrlCmdGetFamily, Version: 2}, attrs)
}

// attrsOf returns the attributes of a generic netlink message, after the
// genlmsghdr, with offsets counted from the start of the message.
func attrsOf(m wire.Message) (*wire.AttrScanner, error) {
	if _, err := wire.ParseGenlHeader(m.Payload); err != nil {
		return nil, err
	}

	return wire.NewAttrScanner(m.Payload[wire.GenlHeaderLen:], wire.HeaderLen+wire.GenlHeaderLen), nil
}

func parseFamily(m wire.Message) (Family, error) {
	var f Family
	s, err := attrsOf(m)
	if err != nil {
		return f, fmt.Errorf("malformed nlctrl reply: %w", err)
	}

	for s.Next() {
		if err := f.parseAttr(s.Attr()); err != nil {
			return f, fmt.Errorf("malformed nlctrl reply for family %q: %w", f.Name, err)
		}
	}
	if err := s.Err(); err != nil {
		return f, fmt.Errorf("malformed nlctrl reply for family %q: %w", f.Name, err)
	}
	for i := range f.Ops {
		f.Ops[i].Name = OpName(f.Name, f.Ops[i].ID)
	}

	return f, nil
}

func (f *Family) parseAttr(a wire.Attr) error {
	var err error
	switch a.Type {
	case ctrlAttrFamilyID:
		if len(a.Value) != 2 {
			return fmt.Errorf("attribute %d at offset %d: a u16 needs 2 bytes, have %d", a.Type, a.Offset, len(a.Value))
		}
		var v uint64
		v, err = a.Uint(false)
		f.ID = uint16(v)
	case ctrlAttrFamilyName:
		f.Name, _ = a.String()
	case ctrlAttrVersion:
		f.Version, err = uint32Of(a)
	case ctrlAttrHdrSize:
		f.HdrSize, err = uint32Of(a)
	case ctrlAttrMaxAttr:
		f.MaxAttr, err = uint32Of(a)
	case ctrlAttrOps:
		f.Ops, err = parseOps(a)
	case ctrlAttrMcastGrps:
		f.Groups, err = parseGroups(a)
	}

	return err
}

// uint32Of reads a u32 attribute, which must be exactly 4 bytes.
func uint32Of(a wire.Attr) (uint32, error) {
	if len(a.Value) != 4 {
		return 0, fmt.Errorf("attribute %d at offset %d: a u32 needs 4 bytes, have %d", a.Type, a.Offset, len(a.Value))
	}
	v, err := a.Uint(false)

	return uint32(v), err
}

// forEachNested calls fn for each attribute inside the nest a.
func forEachNested(a wire.Attr, fn func(wire.Attr) error) error {
	s := wire.NewAttrScanner(a.Value, a.NestedBase())
	for s.Next() {
		if err := fn(s.Attr()); err != nil {
			return err
		}
	}

	return s.Err()
}

func parseOps(a wire.Attr) ([]Op, error) {
	var ops []Op
	err := forEachNested(a, func(entry wire.Attr) error {
		var op Op
		err := forEachNested(entry, func(f wire.Attr) error {
			var err error
			switch f.Type {
			case ctrlAttrOpID:
				op.ID, err = uint32Of(f)
			case ctrlAttrOpFlags:
				op.Flags, err = uint32Of(f)
			}
			return err
		})
		ops = append(ops, op)
		return err
	})

	return ops, err
}

func parseGroups(a wire.Attr) ([]Group, error) {
	var groups []Group
	err := forEachNested(a, func(entry wire.Attr) error {
		var g Group
		err := forEachNested(entry, func(f wire.Attr) error {
			var err error
			switch f.Type {
			case ctrlAttrMcastGrpID:
				g.ID, err = uint32Of(f)
			case ctrlAttrMcastGrpName:
				g.Name, _ = f.String()
			}
			return err
		})
		groups = append(groups, g)
		return err
	})

	return groups, err
}
