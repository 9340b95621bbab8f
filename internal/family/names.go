package family

import (
	"strconv"

	"github.com/nlctl/nlctl/internal/schema"
)

// NameOps fills in the names of fam's ops from a schema: an op is named by
// the schema op whose requests carry its command number.
func NameOps(fam *Family, sch *schema.Family) {
	if sch == nil {
		return
	}

	for i := range fam.Ops {
		if op := sch.OpByRequest(uint16(fam.Ops[i].ID)); op != nil {
			fam.Ops[i].Name = op.Name
		}
	}
}

// PolicySets maps each policy table reachable from the ops to the schema
// attribute set it validates, so policy rows can be shown with names. A
// table reached through several sets keeps the first.
func PolicySets(p *Policy, sch *schema.Family) map[uint32]*schema.AttrSet {
	sets := map[uint32]*schema.AttrSet{}
	if sch == nil {
		return sets
	}

	var visit func(index uint32, set *schema.AttrSet)
	visit = func(index uint32, set *schema.AttrSet) {
		if set == nil || sets[index] != nil {
			return
		}
		sets[index] = set
		t := p.Table(index)
		if t == nil {
			return
		}
		for _, a := range t.Attrs {
			if sa := set.ByNumber(a.Attr); sa != nil && a.NestedPolicy != nil {
				visit(*a.NestedPolicy, sa.Nested())
			}
		}
	}

	for _, op := range p.Ops {
		sop := sch.OpByRequest(uint16(op.Op.ID))
		if sop == nil {
			continue
		}
		for _, idx := range []*uint32{op.Do, op.Dump} {
			if idx != nil {
				visit(*idx, sop.AttrSet())
			}
		}
	}

	return sets
}

// policyTypes maps the kernel's policy types to schema types.
var policyTypes = map[uint32]schema.Type{
	1: schema.TypeFlag, 2: schema.TypeU8, 3: schema.TypeU16, 4: schema.TypeU32, 5: schema.TypeU64,
	6: schema.TypeS8, 7: schema.TypeS16, 8: schema.TypeS32, 9: schema.TypeS64,
	10: schema.TypeBinary, 11: schema.TypeString, 12: schema.TypeString, 13: schema.TypeNest,
	14: schema.TypeIndexedArray, 15: schema.TypeBitfield32, 16: schema.TypeSint, 17: schema.TypeUint,
}

// PolicySchema builds a schema from the kernel's validation policy, for a
// family nlctl has no schema for. Ops and attributes are named by number.
// The policy describes requests only: attributes that appear only in
// replies are absent and decode as unknown attributes.
func PolicySchema(fam *Family, p *Policy) (*schema.Family, error) {
	sch := &schema.Family{Name: fam.Name, Protocol: schema.ProtocolGenetlink,
		Source: schema.Source{Kind: schema.SourcePolicyDump, Path: fam.Name}}

	for _, t := range p.Tables {
		set := schema.AttrSet{Name: policySetName(t.Index)}
		for _, a := range t.Attrs {
			sa := schema.Attr{Name: strconv.Itoa(int(a.Attr)), Number: a.Attr, Type: policyTypes[a.Type]}
			if sa.Type == schema.TypeNone {
				sa.Type = schema.TypeBinary
			}
			if a.NestedPolicy != nil && p.Table(*a.NestedPolicy) != nil {
				sa.NestedName = policySetName(*a.NestedPolicy)
				if sa.Type == schema.TypeIndexedArray {
					sa.SubType = schema.TypeNest
				}
			} else if sa.Type == schema.TypeNest || sa.Type == schema.TypeIndexedArray {
				sa.Type = schema.TypeBinary
			}
			set.Attrs = append(set.Attrs, sa)
		}
		sch.AttrSets = append(sch.AttrSets, set)
	}

	for _, op := range p.Ops {
		sop := schema.Op{Name: strconv.Itoa(int(op.Op.ID)), RequestValue: uint16(op.Op.ID), ReplyValue: uint16(op.Op.ID),
			HasRequest: true, HasReply: true}
		if idx := firstOf(op.Do, op.Dump); idx != nil {
			sop.AttrSetName = policySetName(*idx)
		}
		sch.Ops = append(sch.Ops, sop)
	}

	if err := sch.Resolve(); err != nil {
		return nil, err
	}

	return sch, nil
}

func policySetName(index uint32) string { return "policy-" + strconv.Itoa(int(index)) }

func firstOf(a, b *uint32) *uint32 {
	if a != nil {
		return a
	}

	return b
}
