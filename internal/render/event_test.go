package render_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/wire"
)

// capturedEvents decodes the notifications in
// testdata/notifications-veth.nlmsg, stamped one millisecond apart.
func capturedEvents(t *testing.T) []*render.Event {
	t.Helper()
	fx, err := familytest.LoadFixture(filepath.Join("testdata", "notifications-veth.nlmsg"))
	if err != nil {
		t.Fatal(err)
	}

	families := map[uint16]struct{ name, group string }{20: {"netdev", "mgmt"}, 21: {"ethtool", "monitor"}}
	var events []*render.Event
	for i, raw := range fx.Replies {
		msgs, err := wire.ParseMessages(raw)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("datagram %d: %d messages, %v", i, len(msgs), err)
		}
		fam := families[msgs[0].Header.Type]
		sch, err := builtin.Load(fam.name)
		if err != nil {
			t.Fatal(err)
		}

		op := family.NotificationOp(sch, raw[wire.HeaderLen], fam.group)
		m, err := (&decode.Decoder{Family: sch}).Message(raw, op)
		if err != nil {
			t.Fatal(err)
		}
		d := time.Duration(i+1) * time.Millisecond
		events = append(events, &render.Event{
			Time:   family.Timestamp{Wall: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(d), Mono: 1234*time.Second + d},
			Family: fam.name, Group: fam.group, Op: op.Name, PortID: msgs[0].Header.PortID, Message: m,
		})
	}

	return events
}

// writeEvents writes the events with a loss record after the third one.
func writeEvents(t *testing.T, format render.Format, stamps render.Timestamps, events []*render.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := render.NewEventWriter(&buf, format, stamps, 1234*time.Second)
	for i, e := range events {
		if err := w.Event(e); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			loss := &family.Loss{Time: family.Timestamp{Wall: e.Time.Wall.Add(time.Microsecond), Mono: e.Time.Mono + time.Microsecond},
				Overruns: 1, Dropped: 523, HasDropped: true}
			if err := w.Loss(loss); err != nil {
				t.Fatal(err)
			}
		}
	}

	return buf.Bytes()
}

func TestEventGolden(t *testing.T) {
	events := capturedEvents(t)
	cases := []struct {
		format render.Format
		stamps render.Timestamps
	}{
		{render.Table, render.TimestampWall},
		{render.Table, render.TimestampDelta},
		{render.JSONLines, render.TimestampWall},
		{render.JSONLines, render.TimestampMono},
		{render.JSON, render.TimestampNone},
	}
	for _, tc := range cases {
		name := "events-" + tc.stamps.String() + "." + tc.format.String()
		t.Run(name, func(t *testing.T) {
			golden(t, name, writeEvents(t, tc.format, tc.stamps, events))
		})
	}
}

func TestEventJSONEnvelope(t *testing.T) {
	out := writeEvents(t, render.JSONLines, render.TimestampWall, capturedEvents(t))
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 11 {
		t.Fatalf("got %d lines, want 10 notifications and 1 loss record", len(lines))
	}

	for i, line := range lines {
		dec := json.NewDecoder(strings.NewReader(line))
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil || dec.More() {
			t.Fatalf("line %d is not one JSON object: %v\n%s", i+1, err, line)
		}
		want := []string{"attrs", "family", "group", "op", "port-id", "time"}
		if i == 3 {
			want = []string{"dropped", "lost", "overruns", "time"}
		}
		if diff := cmp.Diff(want, slices.Sorted(maps.Keys(obj))); diff != "" {
			t.Errorf("line %d keys mismatch (-want +got):\n%s", i+1, diff)
		}
	}
}

func TestEventLossWithoutDropCount(t *testing.T) {
	cases := map[render.Format]string{
		render.Table:     "+0.000500000  LOST  receive buffer overruns: 2 (the kernel does not report how many notifications it dropped)\n",
		render.JSONLines: `{"time":0.000500000,"lost":true,"overruns":2}` + "\n",
	}
	for format, want := range cases {
		t.Run(format.String(), func(t *testing.T) {
			var buf bytes.Buffer
			w := render.NewEventWriter(&buf, format, render.TimestampDelta, time.Second)
			if err := w.Loss(&family.Loss{Time: family.Timestamp{Mono: time.Second + 500*time.Microsecond}, Overruns: 2}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, buf.String()); diff != "" {
				t.Errorf("loss record mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// flushCounter is a writer with a Flush method, like bufio.Writer, that
// counts the flushes.
type flushCounter struct {
	bytes.Buffer
	flushes int
}

func (f *flushCounter) Flush() error { f.flushes++; return nil }

func TestEventWriterFlushesEachRecord(t *testing.T) {
	events := capturedEvents(t)
	out := &flushCounter{}
	w := render.NewEventWriter(out, render.JSONLines, render.TimestampNone, 0)
	for i, e := range events[:3] {
		if err := w.Event(e); err != nil {
			t.Fatal(err)
		}
		if out.flushes != i+1 {
			t.Fatalf("after event %d: %d flushes, want %d", i+1, out.flushes, i+1)
		}
	}
}

func TestParseTimestamps(t *testing.T) {
	for _, s := range []string{"wall", "mono", "delta", "none"} {
		got, err := render.ParseTimestamps(s)
		if err != nil || got.String() != s {
			t.Errorf("ParseTimestamps(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := render.ParseTimestamps("utc"); err == nil {
		t.Error(`ParseTimestamps("utc") succeeded, want an error`)
	}
}
