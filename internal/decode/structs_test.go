package decode_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/schema"
)

func loadBuiltin(t *testing.T, name string) *schema.Family {
	t.Helper()
	fam, err := builtin.Load(name)
	if err != nil || fam == nil {
		t.Fatalf("built-in schema %s: %v", name, err)
	}

	return fam
}

// memberOffset returns the byte offset of a struct member.
func memberOffset(t *testing.T, sd *schema.Definition, name string) int {
	t.Helper()
	off := 0
	for i := range sd.Members {
		if sd.Members[i].Name == name {
			return off
		}
		off += sd.Members[i].Size()
	}
	t.Fatalf("struct %s has no member %s", sd.Name, name)

	return 0
}

func TestDecodeTaskstatsStruct(t *testing.T) {
	fam := loadBuiltin(t, "TASKSTATS")
	sd := fam.Definition("taskstats")
	stats := make([]byte, sd.Size())
	put := func(name string, v []byte) { copy(stats[memberOffset(t, sd, name):], v) }
	put("version", u16(16))
	put("ac-exitcode", u32(0xffffffff))
	put("cpu-count", u64(math.MaxUint64))
	put("cpu-delay-total", u64(1<<53+1))
	put("ac-comm", []byte("sleep"))
	put("ac-pid", u32(4242))
	put("irq-delay-min", u64(9))

	// TASKSTATS replies to a get with a new message (command 2) whose
	// aggr-pid nest contains the pid and the struct.
	msg := genlMsg(2, nest(4, attr(1, u32(4242)), attr(3, stats)))
	m, js := decodeJSON(t, fam, msg)
	if m.Op == nil || m.Op.Name != "new" {
		t.Fatalf("op = %v, want new", m.Op)
	}

	for _, want := range []string{
		`{"aggr-pid":{"pid":4242,"stats":{"version":16,"ac-exitcode":4294967295,`,
		`"cpu-count":18446744073709551615,"cpu-delay-total":9007199254740993,`,
		`"ac-comm":"sleep",`, `"ac-pid":4242,`, `"irq-delay-min":9}}}`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	if strings.Contains(js, "pad") {
		t.Errorf("JSON shows padding members:\n%s", js)
	}

	members := m.Attrs[0].Children[1].Children
	if got := members[len(members)-1]; got.Name != "irq-delay-min" || got.Offset != valueBase+8+4+len(stats)-8 {
		t.Errorf("last member %s at offset %d, want irq-delay-min at %d", got.Name, got.Offset, valueBase+8+4+len(stats)-8)
	}
}

func TestDecodeTaskstatsNewerStruct(t *testing.T) {
	fam := loadBuiltin(t, "TASKSTATS")
	sd := fam.Definition("taskstats")
	stats := make([]byte, sd.Size()+8)
	copy(stats[len(stats)-8:], u64(77))

	// The extra bytes are keyed by the position after the last member.
	_, js := decodeJSON(t, fam, genlMsg(2, nest(4, attr(1, u32(1)), attr(3, stats))))
	if want := fmt.Sprintf(`"irq-delay-min":0,"%d":"4d00000000000000"}}}`, len(sd.Members)); !strings.HasSuffix(js, want) {
		t.Errorf("a newer kernel's extra members are not kept as raw bytes:\n%s", js)
	}
}

func TestDecodeAcpiEvent(t *testing.T) {
	fam := loadBuiltin(t, "acpi_event")
	event := make([]byte, 44)
	copy(event, "battery")
	copy(event[20:], "PNP0C0A:00")
	copy(event[36:], u32(0x80))
	copy(event[40:], u32(1))

	cases := []struct {
		name string
		msg  []byte
		want string
	}{
		{"event", genlMsg(1, attr(1, event)),
			`{"event":{"device-class":"battery","bus-id":"PNP0C0A:00","type":128,"data":1}}`},
		{"event too short", genlMsg(1, attr(1, event[:40])),
			`{"event":{"error":"attribute .event (binary) at offset 20: struct acpi-genl-event needs 44 bytes, have 40","offset":20,"hex":"` +
				hexOf(event[:40]) + `"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, got := decodeJSON(t, fam, tc.msg)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
