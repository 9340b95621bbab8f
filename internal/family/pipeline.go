package family

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nlctl/nlctl/internal/wire"
)

// pipelineBuffers is how many receive buffers circulate between the
// reading goroutine and the decoding one.
const pipelineBuffers = 4

// syncBytes is how much of a dump is read before the reading goroutine
// starts. The family list, under 4 KiB, never starts it. A large dump
// starts it after its first 32 KiB datagram, because the kernel fills the
// next datagram only inside the following read.
const syncBytes = 16 * 1024

// datagram is one received datagram on its way to the decoder.
type datagram struct {
	buf  []byte
	msgs []wire.Message
	err  error
}

// receivePipelined runs a dump with the socket read in its own goroutine,
// so the kernel builds the next part of the dump while fn decodes and
// prints the last one. On two CPUs this hides most of the decoding time.
func (c *Conn) receivePipelined(br BufferedReceiver, req []byte, fn func(wire.Message) error) (Result, error) {
	var res Result

	// Read the first datagrams here and start the reading goroutine only
	// for a dump that goes on. The datagram that crosses syncBytes is
	// decoded after the goroutine starts, so the kernel fills the next
	// one meanwhile.
	first := &datagram{buf: make([]byte, 64*1024)}
	for read := 0; ; {
		c.readDatagram(br, first)
		read += len(first.buf)
		if read >= syncBytes && first.err == nil && !c.endsDump(first.msgs) {
			break
		}
		if done, err := c.consume(first, req, &res, fn); done || err != nil {
			return res, err
		}
	}

	free := make(chan *datagram, pipelineBuffers)
	for i := 1; i < pipelineBuffers; i++ {
		free <- &datagram{buf: make([]byte, 64*1024)}
	}
	out := make(chan *datagram, pipelineBuffers)
	stop := make(chan struct{})
	go c.readDatagrams(br, free, out, stop)

	done, err := c.consume(first, req, &res, fn)
	free <- first
	for !done {
		d, ok := <-out
		if !ok {
			break
		}
		done, err = c.consume(d, req, &res, fn)
		free <- d
	}

	if done {
		// Stop the reader, which may be waiting for data the kernel will
		// not send now, then let later requests wait again.
		close(stop)
		_ = c.t.SetReadDeadline(time.Now())
		for range out {
		}
		_ = c.t.SetReadDeadline(time.Time{})
	}

	return res, err
}

// consume handles one datagram and reports whether the exchange is over.
func (c *Conn) consume(d *datagram, req []byte, res *Result, fn func(wire.Message) error) (bool, error) {
	if c.Trace != nil {
		for _, m := range d.msgs {
			c.Trace(Received, m)
		}
	}

	for _, m := range d.msgs {
		if m.Header.Sequence != c.seq {
			continue // a late reply to an earlier request
		}
		if m.Header.Flags&wire.FlagDumpIntr != 0 {
			res.Interrupted = true
		}
		if done, err := c.handle(m, req, true, res, fn); err != nil || done {
			return true, err
		}
	}

	return d.err != nil, d.err
}

// readDatagrams reads datagrams until the dump's end, an error, or stop.
func (c *Conn) readDatagrams(br BufferedReceiver, free <-chan *datagram, out chan<- *datagram, stop <-chan struct{}) {
	defer close(out)
	for {
		var d *datagram
		select {
		case d = <-free:
		case <-stop:
			return
		}

		c.readDatagram(br, d)
		select {
		case out <- d:
		case <-stop:
			return
		}
		if d.err != nil || c.endsDump(d.msgs) {
			return
		}
	}
}

// readDatagram reads one datagram into d, reusing its buffer and its
// message slice.
func (c *Conn) readDatagram(br BufferedReceiver, d *datagram) {
	d.msgs, d.err = d.msgs[:0], nil
	if c.timeout > 0 {
		if err := c.t.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
			d.err = fmt.Errorf("set receive deadline: %w", err)
			return
		}
	}

	b, err := br.ReceiveInto(d.buf[:cap(d.buf)])
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = fmt.Errorf("%w after %v", ErrTimeout, c.timeout)
		} else {
			err = fmt.Errorf("receive reply: %w", err)
		}
		d.err = err
		return
	}

	d.buf = b
	d.msgs, err = wire.AppendMessages(d.msgs, b)
	if err != nil {
		d.err = fmt.Errorf("malformed reply datagram: %w", err)
	}
}

// endsDump reports whether a datagram holds the end of this dump: its
// NLMSG_DONE, an error, or an overrun.
func (c *Conn) endsDump(msgs []wire.Message) bool {
	for _, m := range msgs {
		if m.Header.Sequence != c.seq {
			continue
		}
		switch m.Header.Type {
		case wire.TypeDone, wire.TypeOverrun:
			return true
		case wire.TypeError:
			if em, err := wire.ParseError(m); err != nil || em.Errno != 0 {
				return true
			}
		}
	}

	return false
}
