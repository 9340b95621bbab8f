package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
)

// Timestamps selects how the time of a monitored event is shown.
type Timestamps int

// Timestamp styles, the values of --timestamp.
const (
	// TimestampWall is the wall clock in RFC 3339 with nanoseconds.
	TimestampWall Timestamps = iota
	// TimestampMono is CLOCK_MONOTONIC in seconds: the time since boot.
	TimestampMono
	// TimestampDelta is the time since the previous record in seconds, or
	// since monitoring began for the first one.
	TimestampDelta
	// TimestampNone leaves the time out.
	TimestampNone
)

var timestampNames = []string{"wall", "mono", "delta", "none"}

func (s Timestamps) String() string {
	if int(s) < len(timestampNames) {
		return timestampNames[s]
	}

	return fmt.Sprintf("timestamps(%d)", int(s))
}

// ParseTimestamps parses the value of the --timestamp flag.
func ParseTimestamps(s string) (Timestamps, error) {
	for i, name := range timestampNames {
		if s == name {
			return Timestamps(i), nil
		}
	}

	return TimestampWall, fmt.Errorf("invalid timestamp style %q: use one of %s", s, strings.Join(timestampNames, ", "))
}

// wallLayout is RFC 3339 with all nine digits of the nanoseconds, so that
// every timestamp has the same width.
const wallLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Event is one notification, ready to write.
type Event struct {
	Time   family.Timestamp
	Family string
	Group  string
	// Op is the op's name, or its command number when no schema names it.
	Op     string
	PortID uint32
	// Message holds the decoded fixed header and attributes.
	Message *decode.Message
}

// EventWriter writes monitored events as they arrive and flushes each one,
// so a pipe or a file receives it at once. In JSON and JSON Lines it writes
// one object per line: the envelope of Event, or a loss record. In table
// mode it writes one line per event, or a header line and an indented
// block when the event's attributes nest.
type EventWriter struct {
	w      io.Writer
	format Format
	stamps Timestamps
	last   time.Duration // Mono of the previous record, for delta
	buf    []byte
}

// NewEventWriter returns a writer that shows times in the style stamps
// selects. start is the CLOCK_MONOTONIC reading when monitoring began.
func NewEventWriter(w io.Writer, format Format, stamps Timestamps, start time.Duration) *EventWriter {
	return &EventWriter{w: w, format: format, stamps: stamps, last: start}
}

// Event writes one notification.
func (ew *EventWriter) Event(e *Event) error {
	b := ew.buf[:0]
	if ew.format.IsJSON() {
		b = append(b, '{')
		b = ew.appendTimeMember(b, e.Time)
		b = append(b, `"family":`...)
		b = appendString(b, e.Family)
		b = append(b, `,"group":`...)
		b = appendString(b, e.Group)
		b = append(b, `,"op":`...)
		b = appendString(b, e.Op)
		b = append(b, `,"port-id":`...)
		b = strconv.AppendUint(b, uint64(e.PortID), 10)
		b = append(b, `,"attrs":`...)
		b = AppendMessageJSON(b, e.Message)
		b = append(b, '}', '\n')
		return ew.flush(b)
	}

	b = ew.appendTimeField(b, e.Time)
	b = append(b, e.Family...)
	b = append(b, ':')
	b = append(b, e.Group...)
	b = append(b, "  "...)
	b = append(b, e.Op...)
	b = append(b, "  port-id="...)
	b = strconv.AppendUint(b, uint64(e.PortID), 10)

	return ew.flush(appendEventBody(b, e.Message))
}

// Loss writes a record of notifications lost to a receive buffer overrun.
func (ew *EventWriter) Loss(l *family.Loss) error {
	b := ew.buf[:0]
	if ew.format.IsJSON() {
		b = append(b, '{')
		b = ew.appendTimeMember(b, l.Time)
		b = append(b, `"lost":true,"overruns":`...)
		b = strconv.AppendInt(b, int64(l.Overruns), 10)
		if l.HasDropped {
			b = append(b, `,"dropped":`...)
			b = strconv.AppendUint(b, uint64(l.Dropped), 10)
		}
		b = append(b, '}', '\n')
		return ew.flush(b)
	}

	b = ew.appendTimeField(b, l.Time)
	b = append(b, "LOST  "...)
	b = append(b, DescribeLoss(l)...)

	return ew.flush(append(b, '\n'))
}

// DescribeLoss returns one sentence that describes a loss record.
func DescribeLoss(l *family.Loss) string {
	s := fmt.Sprintf("receive buffer overruns: %d", l.Overruns)
	if l.HasDropped {
		return s + fmt.Sprintf(", notifications dropped by the kernel so far: %d", l.Dropped)
	}

	return s + " (the kernel does not report how many notifications it dropped)"
}

// appendTimeMember appends the "time" member of a JSON record and a comma,
// or nothing when times are off.
func (ew *EventWriter) appendTimeMember(b []byte, t family.Timestamp) []byte {
	switch ew.stamps {
	case TimestampNone:
		return b
	case TimestampWall:
		b = append(b, `"time":`...)
		b = appendString(b, t.Wall.Format(wallLayout))
	default:
		b = append(b, `"time":`...)
		b = appendSeconds(b, ew.seconds(t))
	}

	return append(b, ',')
}

// appendTimeField appends the time column of a table line.
func (ew *EventWriter) appendTimeField(b []byte, t family.Timestamp) []byte {
	switch ew.stamps {
	case TimestampNone:
		return b
	case TimestampWall:
		b = t.Wall.AppendFormat(b, wallLayout)
	case TimestampDelta:
		b = append(b, '+')
		b = appendSeconds(b, ew.seconds(t))
	default:
		b = appendSeconds(b, ew.seconds(t))
	}

	return append(b, "  "...)
}

// seconds returns the monotonic time, or the delta in the delta style, and
// stores t's reading for the next delta.
func (ew *EventWriter) seconds(t family.Timestamp) time.Duration {
	d := t.Mono
	if ew.stamps == TimestampDelta {
		d = t.Mono - ew.last
	}
	ew.last = t.Mono

	return d
}

// appendSeconds appends d as seconds with nine decimal places.
func appendSeconds(b []byte, d time.Duration) []byte {
	if d < 0 {
		b = append(b, '-')
		d = -d
	}

	return fmt.Appendf(b, "%d.%09d", d/time.Second, d%time.Second)
}

// appendEventBody ends an event's table line: the attributes follow on the
// same line as key=value pairs when none nests, else as an indented block.
func appendEventBody(b []byte, m *decode.Message) []byte {
	nodes := append(append([]decode.Node{}, m.Header...), m.Attrs...)
	if !isFlat(nodes) {
		b = append(b, '\n')
		return appendBlock(b, nodes, 1)
	}

	for i := range nodes {
		if i == 0 {
			b = append(b, "  "...)
		} else {
			b = append(b, ' ')
		}
		b = append(b, Key(&nodes[i])...)
		b = append(b, '=')
		b = append(b, quoteField(TextValue(&nodes[i]))...)
	}

	return append(b, '\n')
}

// isFlat reports whether every node fits on one line.
func isFlat(nodes []decode.Node) bool {
	for i := range nodes {
		switch nodes[i].Kind {
		case decode.KindNest, decode.KindStruct:
			return false
		case decode.KindList:
			if hasNests(nodes[i].Children) {
				return false
			}
		}
	}

	return true
}

// quoteField quotes a value that would not read as one field of a line:
// an empty one, or one with spaces, quotes, '=' or unprintable characters.
func quoteField(s string) string {
	if s == "" || strings.ContainsAny(s, " \"=") {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}

	return s
}

func (ew *EventWriter) flush(b []byte) error {
	ew.buf = b
	_, err := ew.w.Write(b)
	if f, ok := ew.w.(interface{ Flush() error }); ok && err == nil {
		err = f.Flush()
	}

	return err
}
