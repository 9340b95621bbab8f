package family

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"syscall"

	"github.com/nlctl/nlctl/internal/wire"
)

// Attributes that describe one policy entry (NL_POLICY_TYPE_ATTR_*).
const (
	policyAttrType          = 1
	policyAttrMinValueS     = 2
	policyAttrMaxValueS     = 3
	policyAttrMinValueU     = 4
	policyAttrMaxValueU     = 5
	policyAttrMinLength     = 6
	policyAttrMaxLength     = 7
	policyAttrPolicyIdx     = 8
	policyAttrPolicyMaxType = 9
	policyAttrBitfield32    = 10
	policyAttrPad           = 11
	policyAttrMask          = 12
)

// PolicyTypeNames name the kernel's policy attribute types
// (enum netlink_attribute_type), indexed by number. sint and uint exist
// since Linux 6.7.
var PolicyTypeNames = []string{
	"invalid", "flag", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
	"binary", "string", "nul-string", "nested", "nested-array", "bitfield32",
	"sint", "uint",
}

// PolicyTypeName names a policy type number; an unknown one is shown as
// "type-N".
func PolicyTypeName(t uint32) string {
	if int(t) < len(PolicyTypeNames) {
		return PolicyTypeNames[t]
	}

	return "type-" + strconv.FormatUint(uint64(t), 10)
}

// Policy is a family's validation policy from CTRL_CMD_GETPOLICY: which
// policy table validates each op's do and dump requests, and the tables.
type Policy struct {
	Ops    []OpPolicy
	Tables []PolicyTable
}

// OpPolicy links an op to the policy tables of its do and dump requests.
type OpPolicy struct {
	Op   Op
	Do   *uint32
	Dump *uint32
}

// PolicyTable is one policy table, the rules for one attribute set.
type PolicyTable struct {
	Index uint32
	Attrs []PolicyAttr
}

// PolicyAttr is the rule for one attribute. Absent constraints are nil.
// Values are json.Number so 64-bit bounds keep every digit.
type PolicyAttr struct {
	Attr           uint16
	Type           uint32
	MinValue       json.Number
	MaxValue       json.Number
	MinLength      *uint32
	MaxLength      *uint32
	NestedPolicy   *uint32
	MaxType        *uint32
	Bitfield32Mask *uint32
	Mask           *uint64
	// Unknown keeps attributes of the policy entry nlctl does not know.
	Unknown []wire.Attr
}

// Table returns the policy table with the given index, or nil.
func (p *Policy) Table(index uint32) *PolicyTable {
	for i := range p.Tables {
		if p.Tables[i].Index == index {
			return &p.Tables[i]
		}
	}

	return nil
}

// GetPolicy dumps the validation policy of fam, for every op or, when op
// is not nil, for that op only.
func (c *Conn) GetPolicy(fam *Family, op *Op) (*Policy, error) {
	var e wire.AttrEncoder
	e.PutUint16(ctrlAttrFamilyID, fam.ID)
	if op != nil {
		e.PutUint32(ctrlAttrOp, op.ID)
	}
	req := wire.NewGenlRequest(ctrlID, wire.FlagRequest|wire.FlagAck|wire.FlagDump,
		wire.GenlHeader{Command: ctrlCmdGetPolicy, Version: 2}, e.Bytes())

	p := &Policy{}
	tables := map[uint32]*PolicyTable{}
	_, err := c.Request(req, func(m wire.Message) error {
		return p.parseMessage(m, fam, tables)
	})
	if isErrno(err, syscall.ENODATA) {
		// The kernel returns ENODATA for a family without ops, such as
		// VFS_DQUOT or acpi_event: there is no policy to show.
		return &Policy{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get policy of family %s: %w", fam.Name, err)
	}

	for _, t := range tables {
		sort.Slice(t.Attrs, func(i, j int) bool { return t.Attrs[i].Attr < t.Attrs[j].Attr })
		p.Tables = append(p.Tables, *t)
	}
	sort.Slice(p.Tables, func(i, j int) bool { return p.Tables[i].Index < p.Tables[j].Index })
	if op != nil {
		// Linux 6.18 reports a dump-only op as op 0 even when asked for
		// one op; the entry belongs to the op requested.
		for i := range p.Ops {
			if p.Ops[i].Op.ID == 0 && op.ID != 0 {
				p.Ops[i].Op = *op
			}
		}
	}
	sort.Slice(p.Ops, func(i, j int) bool { return p.Ops[i].Op.ID < p.Ops[j].Op.ID })

	return p, nil
}

func (p *Policy) parseMessage(m wire.Message, fam *Family, tables map[uint32]*PolicyTable) error {
	s, err := attrsOf(m)
	if err != nil {
		return fmt.Errorf("malformed policy reply: %w", err)
	}

	for s.Next() {
		a := s.Attr()
		switch a.Type {
		case ctrlAttrPolicy:
			err = parsePolicyTables(a, tables)
		case ctrlAttrOpPolicy:
			err = p.parseOpPolicies(a, fam)
		}
		if err != nil {
			return fmt.Errorf("malformed policy reply: %w", err)
		}
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("malformed policy reply: %w", err)
	}

	return nil
}

func (p *Policy) parseOpPolicies(a wire.Attr, fam *Family) error {
	return forEachNested(a, func(entry wire.Attr) error {
		op := Op{ID: uint32(entry.Type), Name: OpName(fam.Name, uint32(entry.Type))}
		for _, o := range fam.Ops {
			if o.ID == op.ID {
				op = o
			}
		}

		opp := OpPolicy{Op: op}
		err := forEachNested(entry, func(f wire.Attr) error {
			v, err := uint32Of(f)
			switch f.Type {
			case ctrlAttrPolicyDo:
				opp.Do = &v
			case ctrlAttrPolicyDump:
				opp.Dump = &v
			}
			return err
		})
		p.Ops = append(p.Ops, opp)
		return err
	})
}

func parsePolicyTables(a wire.Attr, tables map[uint32]*PolicyTable) error {
	return forEachNested(a, func(tableAttr wire.Attr) error {
		idx := uint32(tableAttr.Type)
		t := tables[idx]
		if t == nil {
			t = &PolicyTable{Index: idx}
			tables[idx] = t
		}

		return forEachNested(tableAttr, func(entry wire.Attr) error {
			pa := PolicyAttr{Attr: entry.Type}
			if err := forEachNested(entry, pa.parse); err != nil {
				return fmt.Errorf("policy %d attribute %d: %w", idx, entry.Type, err)
			}
			t.Attrs = append(t.Attrs, pa)
			return nil
		})
	})
}

func (pa *PolicyAttr) parse(f wire.Attr) error {
	u, err := f.Uint(false)
	if err != nil && f.Type != policyAttrPad {
		pa.Unknown = append(pa.Unknown, f)
		return nil
	}

	u32 := uint32(u)
	switch f.Type {
	case policyAttrType:
		pa.Type = u32
	case policyAttrMinValueS:
		pa.MinValue = json.Number(strconv.FormatInt(int64(u), 10))
	case policyAttrMaxValueS:
		pa.MaxValue = json.Number(strconv.FormatInt(int64(u), 10))
	case policyAttrMinValueU:
		pa.MinValue = json.Number(strconv.FormatUint(u, 10))
	case policyAttrMaxValueU:
		pa.MaxValue = json.Number(strconv.FormatUint(u, 10))
	case policyAttrMinLength:
		pa.MinLength = &u32
	case policyAttrMaxLength:
		pa.MaxLength = &u32
	case policyAttrPolicyIdx:
		pa.NestedPolicy = &u32
	case policyAttrPolicyMaxType:
		pa.MaxType = &u32
	case policyAttrBitfield32:
		pa.Bitfield32Mask = &u32
	case policyAttrMask:
		pa.Mask = &u
	case policyAttrPad:
	default:
		pa.Unknown = append(pa.Unknown, f)
	}

	return nil
}
