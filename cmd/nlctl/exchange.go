package main

import (
	"errors"
	"fmt"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// maxRetries is how many times --on-interrupt retry dumps again.
const maxRetries = 3

// errStopped ends an exchange early without being an error of its own.
var errStopped = errors.New("stopped")

// requestError is a kernel error explained against the request as sent.
type requestError struct {
	op     string
	kernel *family.KernelError
	info   family.ExtAckInfo
}

func (e *requestError) Error() string {
	return fmt.Sprintf("%s: %v", e.op, e.kernel)
}

func (e *requestError) Unwrap() error { return e.kernel }

// exchange sends the request and streams the decoded replies.
func (o *requestOptions) exchange(conn *family.Conn, p *prepared) error {
	if o.format == render.Hex {
		_, err := conn.Request(p.req, func(wire.Message) error { return nil })
		return o.kernelError(p, err)
	}

	var schemaOp *schema.Op
	if p.op.Schema != nil {
		schemaOp = p.op.Schema
	}
	// Each reply is written before the next is decoded, so the decoder
	// may reuse its memory.
	dec := &decode.Decoder{Family: p.target.Schema, Reuse: true}
	mw := render.NewMessageWriter(o.stdout, o.format, schemaOp)
	if !o.dump {
		mw.SetSingle()
	}
	if o.dump && o.onInterrupt == "retry" {
		return o.retryDump(conn, p, dec, mw)
	}

	if err := mw.Begin(); err != nil {
		return err
	}
	interrupted := false
	res, err := conn.Request(p.req, func(m wire.Message) error {
		if m.Header.Flags&wire.FlagDumpIntr != 0 {
			interrupted = true
			if o.onInterrupt == "fail" {
				return errStopped
			}
		}
		return mw.Write(o.decodeReply(dec, p, m))
	})
	endErr := mw.End()

	switch {
	case errors.Is(err, errStopped):
		return &incompleteError{errors.New("the dump was interrupted because the kernel's data changed (NLM_F_DUMP_INTR); output stopped there (--on-interrupt fail): run it again")}
	case err != nil:
		return o.kernelError(p, err)
	case endErr != nil:
		return endErr
	}
	o.warn(res)
	if interrupted || res.Interrupted {
		return &incompleteError{errors.New("the dump was interrupted because the kernel's data changed (NLM_F_DUMP_INTR), so the output may be inconsistent: run it again, or use --on-interrupt retry")}
	}

	return nil
}

// decodeReply decodes one reply. The request's op describes it when its
// reply carries the command the kernel sent; otherwise the op is looked
// up by the reply's command, as for TASKSTATS and devlink, whose replies
// carry other commands than their requests.
func (o *requestOptions) decodeReply(dec *decode.Decoder, p *prepared, m wire.Message) *decode.Message {
	var op *schema.Op
	if s := p.op.Schema; s != nil && len(m.Payload) > 0 {
		cmd := uint16(m.Payload[0])
		for _, mode := range []*schema.OpMode{s.Do, s.Dump} {
			if mode != nil && mode.ReplyValue == cmd {
				op = s
			}
		}
		if op == nil && p.target.Schema.OpByReply(cmd) == nil {
			op = s
		}
	}

	msg, err := dec.Message(m.Raw, op)
	if err != nil {
		// Too short for a genlmsghdr: keep the bytes as an error node.
		return &decode.Message{Attrs: []decode.Node{{Kind: decode.KindError, Text: err.Error(), Raw: m.Payload, Offset: wire.HeaderLen}}}
	}

	return msg
}

// retryDump buffers whole dumps until one completes without
// NLM_F_DUMP_INTR, dumping again up to maxRetries times, then prints it.
// The buffer holds every reply of one dump, so memory grows with the dump.
func (o *requestOptions) retryDump(conn *family.Conn, p *prepared, dec *decode.Decoder, mw *render.MessageWriter) error {
	var replies [][]byte
	var res family.Result
	for attempt := 0; attempt <= maxRetries; attempt++ {
		replies = replies[:0]
		var err error
		res, err = conn.Request(p.req, func(m wire.Message) error {
			replies = append(replies, append([]byte(nil), m.Raw...))
			return nil
		})
		if err != nil {
			_ = mw.End()
			return o.kernelError(p, err)
		}
		if !res.Interrupted {
			break
		}
		o.debugf("dump interrupted (attempt %d of %d)", attempt+1, maxRetries+1)
	}

	if err := mw.Begin(); err != nil {
		return err
	}
	for _, raw := range replies {
		msgs, _ := wire.ParseMessages(raw)
		if err := mw.Write(o.decodeReply(dec, p, msgs[0])); err != nil {
			return err
		}
	}
	if err := mw.End(); err != nil {
		return err
	}
	o.warn(res)
	if res.Interrupted {
		return &incompleteError{fmt.Errorf("the dump was still interrupted after %d retries (NLM_F_DUMP_INTR), so the output may be inconsistent", maxRetries)}
	}

	return nil
}

// warn prints an extended ACK warning that came with a successful reply.
func (o *requestOptions) warn(res family.Result) {
	if res.Warning != "" {
		fmt.Fprintf(o.stderr, "nlctl: warning from the kernel: %s\n", res.Warning)
	}
}

// kernelError explains a kernel error against the request as sent.
func (o *requestOptions) kernelError(p *prepared, err error) error {
	var ke *family.KernelError
	if !errors.As(err, &ke) {
		return err
	}

	info := family.ExplainExtAck(ke, p.op.Schema, p.target.HeaderSize(p.op.Schema))
	return &requestError{op: fmt.Sprintf("%s %s", p.target.Name(), p.op.Name), kernel: ke, info: info}
}
