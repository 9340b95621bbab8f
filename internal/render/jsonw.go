package render

import (
	"strconv"

	"github.com/nlctl/nlctl/internal/family"
)

// jsonWriter appends JSON to a byte slice, compact or laid out as
// json.MarshalIndent(v, "", "  ") does. It spares the listings the
// reflection of encoding/json, which cost more than the netlink exchange.
type jsonWriter struct {
	b      []byte
	indent bool
	depth  int
	// empty is true while the innermost open object or array has no
	// member, so the next member needs no comma.
	empty bool
}

func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.empty = true
}

func (w *jsonWriter) close(c byte) {
	w.depth--
	if !w.empty {
		w.newline()
	}
	w.b = append(w.b, c)
	w.empty = false
}

// elem starts the next member of an array.
func (w *jsonWriter) elem() {
	if !w.empty {
		w.b = append(w.b, ',')
	}
	w.empty = false
	w.newline()
}

// key starts the next member of an object.
func (w *jsonWriter) key(k string) {
	w.elem()
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':')
	if w.indent {
		w.b = append(w.b, ' ')
	}
}

func (w *jsonWriter) newline() {
	if !w.indent {
		return
	}
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

func (w *jsonWriter) uintMember(k string, v uint64) {
	w.key(k)
	w.b = strconv.AppendUint(w.b, v, 10)
}

func (w *jsonWriter) stringMember(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

// family appends f in the shape of FamilyJSON without its names source
// and policy, which only `family get` adds.
func (w *jsonWriter) family(f *family.Family) {
	w.open('{')
	w.uintMember("id", uint64(f.ID))
	w.stringMember("name", f.Name)
	w.uintMember("version", uint64(f.Version))
	w.uintMember("hdrsize", uint64(f.HdrSize))
	w.uintMember("maxattr", uint64(f.MaxAttr))

	w.key("ops")
	w.open('[')
	for _, op := range f.Ops {
		w.elem()
		w.open('{')
		w.uintMember("id", uint64(op.ID))
		if op.Name != "" {
			w.stringMember("name", op.Name)
		}
		w.key("flags")
		w.open('[')
		for _, name := range family.OpFlagNames(op.Flags) {
			w.elem()
			w.b = appendString(w.b, name)
		}
		w.close(']')
		w.close('}')
	}
	w.close(']')

	w.key("mcast-groups")
	w.open('[')
	for _, g := range f.Groups {
		w.elem()
		w.open('{')
		w.uintMember("id", uint64(g.ID))
		w.stringMember("name", g.Name)
		w.close('}')
	}
	w.close(']')

	w.close('}')
}
