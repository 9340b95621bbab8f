package family

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// Target is a family to send requests to: the kernel's record of it, when
// the kernel has registered it, and the schema that names its ops and
// attributes.
type Target struct {
	Family *Family // nil when the kernel has not registered the family
	Schema *schema.Family
}

// SelectedOp is an op chosen for a request.
type SelectedOp struct {
	ID     uint32
	Name   string
	Schema *schema.Op // nil when no schema describes the op
	Kernel *Op        // nil when the kernel has not registered the family
}

// SelectOp finds the op named by name or number, and checks that it
// supports a dump (dump set) or a do request.
func (t *Target) SelectOp(name string, dump bool) (*SelectedOp, error) {
	sel, err := t.findOp(name)
	if err != nil {
		return nil, err
	}

	mode, other := "do", "dump"
	if dump {
		mode, other = "dump", "do"
	}
	if k := sel.Kernel; k != nil {
		flag, otherFlag := uint32(OpDo), uint32(OpDump)
		if dump {
			flag, otherFlag = OpDump, OpDo
		}
		if k.Flags&flag == 0 {
			if k.Flags&otherFlag != 0 {
				return nil, fmt.Errorf("op %s of family %s supports only %s, not %s: use `nlctl %s`", sel.Name, t.name(), other, mode, other)
			}
			return nil, fmt.Errorf("op %s of family %s supports neither do nor dump requests (flags %s)", sel.Name, t.name(), strings.Join(OpFlagNames(k.Flags), ","))
		}
	} else if s := sel.Schema; s != nil && (dump && s.Dump == nil && s.Do != nil || !dump && s.Do == nil && s.Dump != nil) {
		return nil, fmt.Errorf("op %s of family %s supports only %s, not %s: use `nlctl %s`", sel.Name, t.name(), other, mode, other)
	}

	return sel, nil
}

// Name returns the family's name.
func (t *Target) Name() string { return t.name() }

func (t *Target) name() string {
	if t.Family != nil {
		return t.Family.Name
	}

	return t.Schema.Name
}

func (t *Target) findOp(name string) (*SelectedOp, error) {
	sel := &SelectedOp{}
	if t.Schema != nil {
		if op := t.Schema.Op(name); op != nil && op.HasRequest {
			sel.Schema, sel.ID, sel.Name = op, uint32(op.RequestValue), op.Name
		}
	}
	if sel.Schema == nil {
		n, err := strconv.ParseUint(name, 0, 8)
		if err != nil {
			return nil, t.unknownOp(name)
		}
		sel.ID, sel.Name = uint32(n), name
		if t.Schema != nil {
			if op := t.Schema.OpByRequest(uint16(n)); op != nil {
				sel.Schema, sel.Name = op, op.Name
			}
		}
	}

	if t.Family != nil {
		for i := range t.Family.Ops {
			if t.Family.Ops[i].ID == sel.ID {
				sel.Kernel = &t.Family.Ops[i]
			}
		}
		if sel.Kernel == nil {
			return nil, fmt.Errorf("the kernel's %s family does not register op %s (number %d); the kernel may be older than the schema. %s",
				t.Family.Name, sel.Name, sel.ID, t.validOps())
		}
	}

	return sel, nil
}

// UnknownOpError-like message listing the valid ops and the nearest name.
func (t *Target) unknownOp(name string) error {
	return errors.New(UnknownOpMessage(t.name(), name, t.validOpNames()))
}

// opNames lists the schema's request ops; when the kernel has registered
// the family, only those it registers.
func (t *Target) opNames() []string {
	var names []string
	if t.Schema == nil {
		return names
	}

	for _, op := range t.Schema.Ops {
		if op.HasRequest && t.registers(uint32(op.RequestValue)) {
			names = append(names, op.Name)
		}
	}

	return names
}

func (t *Target) registers(id uint32) bool {
	if t.Family == nil {
		return true
	}
	for _, op := range t.Family.Ops {
		if op.ID == id {
			return true
		}
	}

	return false
}

func (t *Target) validOps() string {
	names := t.validOpNames()
	sort.Strings(names)

	return "Valid ops: " + strings.Join(names, ", ")
}

// validOpNames returns the names of the ops a request can use, or their
// numbers when no schema names them.
func (t *Target) validOpNames() []string {
	names := t.opNames()
	if len(names) == 0 && t.Family != nil {
		for _, op := range t.Family.Ops {
			names = append(names, strconv.Itoa(int(op.ID)))
		}
	}

	return names
}

// HeaderSize returns the size of the fixed header of op's requests.
func (t *Target) HeaderSize(op *schema.Op) int {
	if op != nil && op.FixedHeader() != nil {
		return op.FixedHeader().Size()
	}
	if t.Schema != nil && t.Schema.FixedHeader() != nil {
		return t.Schema.FixedHeader().Size()
	}

	return 0
}

// RawAttr is an attribute given by number and type, for families or
// attributes without a schema: --raw-attr 1.2:u32=5.
type RawAttr struct {
	Path  []uint16 // attribute numbers, outermost first
	Value []byte
}

// maxRawValue is the longest value an attribute can hold: its 16-bit
// length field counts the 4-byte header too.
const maxRawValue = 1<<16 - 1 - wire.AttrHeaderLen

// ParseRawAttr parses NUMBER[.NUMBER…]:TYPE=VALUE, where TYPE is u8, u16,
// u32, u64, s8, s16, s32, s64, string, hex or flag.
func ParseRawAttr(s string) (RawAttr, error) {
	spec, value, ok := strings.Cut(s, "=")
	pathText, typ, ok2 := strings.Cut(spec, ":")
	if !ok || !ok2 {
		return RawAttr{}, fmt.Errorf("invalid --raw-attr %q: write NUMBER:TYPE=VALUE, such as 1:u32=5 or 1.2:string=eth0", s)
	}

	var ra RawAttr
	for _, p := range strings.Split(pathText, ".") {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 || n > schema.MaxAttrNumber {
			return RawAttr{}, fmt.Errorf("invalid --raw-attr %q: attribute number %q must be from 1 to %d", s, p, schema.MaxAttrNumber)
		}
		ra.Path = append(ra.Path, uint16(n))
	}

	b, err := rawValue(typ, value)
	if err != nil {
		return RawAttr{}, fmt.Errorf("invalid --raw-attr %q: %w", s, err)
	}
	if len(b) > maxRawValue {
		return RawAttr{}, fmt.Errorf("invalid --raw-attr %s...: the value is %d bytes, more than the %d bytes an attribute can hold", s[:min(len(s), 32)], len(b), maxRawValue)
	}
	ra.Value = b

	return ra, nil
}

func rawValue(typ, value string) ([]byte, error) {
	sizes := map[string]int{"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s8": 1, "s16": 2, "s32": 4, "s64": 8}
	switch size, isInt := sizes[typ]; {
	case isInt:
		var u uint64
		if typ[0] == 's' {
			n, err := strconv.ParseInt(value, 0, size*8)
			if err != nil {
				return nil, fmt.Errorf("%q is not a %s (from %d to %d)", value, typ, -int64(1)<<(size*8-1), int64(1)<<(size*8-1)-1)
			}
			u = uint64(n)
		} else {
			n, err := strconv.ParseUint(value, 0, size*8)
			if err != nil {
				return nil, fmt.Errorf("%q is not a %s (from 0 to %d)", value, typ, uint64(math.MaxUint64)>>(64-size*8))
			}
			u = n
		}
		b := binary.NativeEndian.AppendUint64(nil, u)
		if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
			return b[8-size:], nil // big-endian host: the value is in the last bytes
		}
		return b[:size], nil
	case typ == "string":
		return append([]byte(value), 0), nil
	case typ == "flag":
		if value != "" && value != "true" {
			return nil, fmt.Errorf("a flag takes no value: write NUMBER:flag=")
		}
		return nil, nil
	case typ == "hex":
		b, err := decode.ParseHexBytes(value)
		return b, err
	}

	return nil, fmt.Errorf("unknown type %q: use u8, u16, u32, u64, s8, s16, s32, s64, string, hex or flag", typ)
}
