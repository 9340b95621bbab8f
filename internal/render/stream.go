package render

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/schema"
)

// MessageWriter writes decoded messages as they arrive, so a dump streams
// instead of waiting for its end: -o json writes one array progressively,
// -o jsonl one object per line, and a table grows a row per message (or
// an indented block per message when replies nest).
type MessageWriter struct {
	w       io.Writer
	format  Format
	columns []string // table columns for flat replies; nil means blocks
	widths  []int
	buf     []byte
	count   int
	begun   bool
	// single prints a lone reply in JSON as an object, not an array.
	single  bool
	pending []byte
	// rows holds the first table rows until there are enough to size the
	// columns; later rows stream and widen a column only when they must.
	rows [][]string
	// flushed is the time of the last flush of the output.
	flushed time.Time
	// writes counts the writes to the output.
	writes int
}

// sizingRows is how many rows a table collects before it picks column
// widths and starts printing.
const sizingRows = 64

// NewMessageWriter returns a writer for messages of op, whose reply
// attributes decide between table rows and indented blocks.
func NewMessageWriter(w io.Writer, format Format, op *schema.Op) *MessageWriter {
	mw := &MessageWriter{w: w, format: format}
	if format == Table {
		mw.columns = FlatColumns(op)
	}

	return mw
}

// FlatColumns returns the columns of a one-row-per-message table for op's
// replies, or nil when a reply can nest or repeat attributes.
func FlatColumns(op *schema.Op) []string {
	if op == nil || op.AttrSet() == nil {
		return nil
	}

	names := op.ReplyAttrs()
	if len(names) == 0 {
		return nil
	}
	for _, name := range names {
		a := op.AttrSet().ByName(name)
		if a == nil || a.MultiAttr || isNested(a.Type) || a.Type == schema.TypeBinary && a.Struct() != nil {
			return nil
		}
	}

	return names
}

func isNested(t schema.Type) bool {
	switch t {
	case schema.TypeNest, schema.TypeIndexedArray, schema.TypeNestTypeValue, schema.TypeSubMessage:
		return true
	}

	return false
}

// SetSingle makes -o json print the reply of a do as one object when it is
// the only one, as is normal for a do. Several replies still form an array.
func (mw *MessageWriter) SetSingle() { mw.single = true }

// Begin starts the output: the opening bracket of a JSON array, or the
// table header.
func (mw *MessageWriter) Begin() error {
	mw.begun = true
	switch {
	case mw.format == JSON && mw.single:
		return nil
	case mw.format == JSON:
		return mw.flush(append(mw.buf[:0], '['))
	}

	return nil
}

// Write writes one message.
func (mw *MessageWriter) Write(m *decode.Message) error {
	b := mw.buf[:0]
	switch {
	case mw.format == JSON && mw.single && mw.count == 0:
		mw.pending = AppendMessageJSON(mw.pending[:0], m)
		mw.count++
		return nil
	case mw.format == JSON && mw.single && mw.count == 1:
		b = append(append(append(b, "[\n"...), mw.pending...), ",\n"...)
		b = AppendMessageJSON(b, m)
		mw.pending = nil
	case mw.format == JSON:
		if mw.count > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = AppendMessageJSON(b, m)
	case mw.format == JSONLines:
		b = AppendMessageJSON(b, m)
		b = append(b, '\n')
	case mw.columns != nil && mw.widths == nil:
		mw.rows = append(mw.rows, mw.cells(m))
		mw.count++
		if len(mw.rows) < sizingRows {
			return nil
		}
		return mw.flushRows()
	default:
		b = mw.text(b, m)
	}
	mw.count++

	return mw.flush(b)
}

// flushRows sizes the table's columns from the collected rows and prints
// the header and those rows.
func (mw *MessageWriter) flushRows() error {
	mw.widths = make([]int, len(mw.columns))
	for i, c := range mw.columns {
		mw.widths[i] = len(c)
		for _, r := range mw.rows {
			mw.widths[i] = max(mw.widths[i], len(r[i]))
		}
	}

	header := mw.columns
	for _, r := range mw.rows {
		if len(r) > len(mw.columns) {
			header = append(slices.Clone(mw.columns), "OTHER")
			break
		}
	}
	b := mw.row(mw.buf[:0], header)
	for _, r := range mw.rows {
		b = mw.row(b, r)
	}
	mw.rows = nil

	return mw.flush(b)
}

// End finishes the output: the closing bracket of a JSON array. It is
// safe to call after a failure, so stdout stays valid JSON.
func (mw *MessageWriter) End() error {
	if len(mw.rows) > 0 {
		if err := mw.flushRows(); err != nil {
			return err
		}
	}
	if mw.format != JSON {
		return mw.write(mw.buf[:0], true)
	}
	if mw.single && mw.count <= 1 {
		if mw.count == 0 {
			return nil
		}
		return mw.write(append(mw.pending, '\n'), true)
	}
	if !mw.begun {
		if err := mw.Begin(); err != nil {
			return err
		}
	}
	b := mw.buf[:0]
	if mw.count > 0 {
		b = append(b, '\n')
	}

	return mw.write(append(b, ']', '\n'), true)
}

// A buffered output is flushed when flushInterval has passed since the
// last flush, checked every flushCheck writes, and at End. Flushing after
// every message costs a write system call each, and reading the clock
// after every message costs about a tenth of a dump's decoding time on a
// virtual machine: either dominates a dump of thousands of small replies.
// So the last messages of a slow stream may wait for up to flushCheck-1
// more messages, or for End.
const (
	flushInterval = 50 * time.Millisecond
	flushCheck    = 16
)

// flush writes b and flushes a buffered output when it is due.
func (mw *MessageWriter) flush(b []byte) error {
	return mw.write(b, false)
}

// write writes b, and flushes a buffered output when final is set or a
// flush is due.
func (mw *MessageWriter) write(b []byte, final bool) error {
	mw.buf = b
	_, err := mw.w.Write(b)
	f, ok := mw.w.(interface{ Flush() error })
	if !ok || err != nil {
		return err
	}

	mw.writes++
	if !final && mw.writes%flushCheck != 1 {
		return nil
	}
	now := time.Now()
	if final || now.Sub(mw.flushed) >= flushInterval {
		mw.flushed = now
		err = f.Flush()
	}

	return err
}

// cells formats a flat message as one table row; an absent or empty
// value shows as "-". Attributes outside the columns, such as ones the
// schema does not know, follow in one more cell as KEY=VALUE pairs, so
// the table hides nothing that JSON shows.
func (mw *MessageWriter) cells(m *decode.Message) []string {
	cells := make([]string, len(mw.columns))
	all := append(append([]decode.Node{}, m.Header...), m.Attrs...)
	inColumn := make([]bool, len(all))
	for i, c := range mw.columns {
		for j := range all {
			if all[j].Name == c {
				cells[i] = TextValue(&all[j])
				inColumn[j] = true
			}
		}
		if cells[i] == "" {
			cells[i] = "-"
		}
	}

	var other []string
	for j := range all {
		if !inColumn[j] && all[j].Type != schema.TypePad {
			other = append(other, Key(&all[j])+"="+quoteField(TextValue(&all[j])))
		}
	}
	if len(other) > 0 {
		cells = append(cells, strings.Join(other, " "))
	}

	return cells
}

func (mw *MessageWriter) text(b []byte, m *decode.Message) []byte {
	if mw.columns != nil {
		return mw.row(b, mw.cells(m))
	}

	if mw.count > 0 {
		b = append(b, '\n')
	}
	b = appendBlock(b, m.Header, 0)

	return appendBlock(b, m.Attrs, 0)
}

// row formats one table row; a cell wider than its column widens it for
// the rows that follow.
func (mw *MessageWriter) row(b []byte, cells []string) []byte {
	for i, c := range cells {
		if i == len(cells)-1 || i >= len(mw.widths) {
			b = append(b, c...)
			break
		}
		mw.widths[i] = max(mw.widths[i], len(c))
		b = append(b, c...)
		b = append(b, strings.Repeat(" ", mw.widths[i]-len(c)+2)...)
	}

	return append(b, '\n')
}

// appendBlock writes nodes as indented "key: value" lines, nests as
// sub-blocks.
func appendBlock(b []byte, nodes []decode.Node, depth int) []byte {
	indent := strings.Repeat("  ", depth)
	groups := groupByKey(nodes)
	occurrence := make([]int, len(nodes))
	for first, same := range groups {
		if len(same) > 1 || len(same) == 1 && nodes[first].Multi {
			for k, j := range same {
				occurrence[j] = k + 1
			}
		}
	}

	for i := range nodes {
		n := &nodes[i]
		if n.Type == schema.TypePad {
			continue // alignment filler, no data
		}
		b = append(b, indent...)
		b = append(b, Key(n)...)
		if occurrence[i] > 0 {
			// Repeated attributes are numbered as --attr paths index them.
			b = fmt.Appendf(b, "[%d]", occurrence[i]-1)
		}
		b = append(b, ':')
		switch {
		case (n.Kind == decode.KindNest || n.Kind == decode.KindStruct) && len(n.Children) == 0:
			b = append(b, " (empty)\n"...)
		case n.Kind == decode.KindNest || n.Kind == decode.KindStruct:
			b = append(b, '\n')
			b = appendBlock(b, n.Children, depth+1)
		case n.Kind == decode.KindList && hasNests(n.Children):
			b = append(b, '\n')
			for j := range n.Children {
				e := &n.Children[j]
				b = fmt.Appendf(b, "%s  [%d]:\n", indent, e.Number)
				b = appendBlock(b, e.Children, depth+2)
			}
		default:
			b = append(b, ' ')
			b = append(b, TextValue(n)...)
			b = append(b, '\n')
		}
	}

	return b
}

func hasNests(elems []decode.Node) bool {
	for i := range elems {
		if elems[i].Kind == decode.KindNest {
			return true
		}
	}

	return false
}

// TextValue formats a scalar node for tables and blocks: like its JSON
// form, without quotes around strings.
func TextValue(n *decode.Node) string {
	switch n.Kind {
	case decode.KindString:
		return string(trimNUL(n.Raw))
	case decode.KindEnum:
		if n.Text != "" {
			return n.Text
		}
	case decode.KindFlags:
		return strings.Join(n.Names, ",")
	case decode.KindBytes:
		return FormatBytes(n.Raw, n.Hint)
	case decode.KindUint:
		if (n.Hint == schema.DisplayIPv4 || n.Hint == schema.DisplayIPv4OrV6) && len(n.Raw) == 4 {
			return FormatBytes(n.Raw, schema.DisplayIPv4)
		}
	case decode.KindUnknown:
		return FormatBytes(n.Raw, schema.DisplayHex)
	case decode.KindError:
		return fmt.Sprintf("<error: %s; offset %d; bytes %s>", n.Text, n.Offset, FormatBytes(n.Raw, schema.DisplayHex))
	}

	return string(appendValue(nil, n))
}

// appendColumns lays out rows in left-aligned columns two blanks apart,
// sized to their widest cell, with no blanks at the end of a line.
func appendColumns(b []byte, rows [][]string) []byte {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len(c))
		}
	}

	for _, r := range rows {
		for i, c := range r {
			b = append(b, c...)
			if i < len(r)-1 {
				b = append(b, strings.Repeat(" ", widths[i]-len(c)+2)...)
			}
		}
		b = append(b, '\n')
	}

	return b
}
