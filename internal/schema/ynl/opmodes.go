package ynl

import (
	"github.com/nlctl/nlctl/internal/schema"
)

// opMode loads an op's do, dump or event key.
func (l *loader) opMode(p pair, op *schema.Op, info *opInfo) error {
	if p.key == "event" {
		msg, _, err := l.opMessage(p.value, op, false)
		op.Event = msg

		return err
	}

	mode, err := l.opModeBody(p.value, op, info)
	if err != nil {
		return err
	}

	if p.key == "do" {
		op.Do = mode
	} else {
		op.Dump = mode
	}

	return nil
}

// opModeBody loads the request and reply of a do or dump.
func (l *loader) opModeBody(n node, op *schema.Op, info *opInfo) (*schema.OpMode, error) {
	kv, err := l.pairs(n)
	if err != nil {
		return nil, err
	}

	mode := &schema.OpMode{}
	var values [2]node

	for _, p := range kv {
		switch p.key {
		case "request":
			mode.Request, values[0], err = l.opMessage(p.value, op, true)
		case "reply":
			mode.Reply, values[1], err = l.opMessage(p.value, op, true)
		case "pre", "post":
			// Kernel C code generation only.
		default:
			l.unknownKey(p)
		}

		if err != nil {
			return nil, err
		}
	}

	info.modeValues[mode] = values

	return mode, nil
}

// opMessage loads a request, reply or event: its attribute names and, when
// allowed, its value key.
func (l *loader) opMessage(n node, op *schema.Op, valueAllowed bool) (*schema.OpMessage, node, error) {
	kv, err := l.pairs(n)
	if err != nil {
		return nil, node{}, err
	}

	msg := &schema.OpMessage{}
	var value node

	for _, p := range kv {
		switch {
		case p.key == "attributes":
			msg.Attrs, err = l.opAttrs(p.value, op)
		case p.key == "value" && valueAllowed:
			value = p.value
			_, err = l.uintRange(value, l.maxOpValue)
		case p.key == "doc":
			// Documentation only.
		default:
			l.unknownKey(p)
		}

		if err != nil {
			return nil, node{}, err
		}
	}

	return msg, value, nil
}

// numberUnified numbers ops in the unified model: from 1, each op one
// above the previous unless it gives a value. Requests and replies share
// the number; notifications and events have no request.
func (l *loader) numberUnified(infos []opInfo) error {
	next := uint64(1)
	used := make(map[uint64]string, len(infos))

	for i := range infos {
		op, info := &l.fam.Ops[i], &infos[i]

		value, err := l.valueOr(info.value, info.node, next)
		if err != nil {
			return err
		}

		if prev, ok := used[value]; ok {
			return l.errorf(info.node, "op %q: value %d is already used by op %q", op.Name, value, prev)
		}

		used[value] = op.Name
		op.ReplyValue, op.HasReply = uint16(value), true
		if !op.IsNotification() {
			op.RequestValue, op.HasRequest = uint16(value), true
		}

		next = value + 1

		for _, mode := range []*schema.OpMode{op.Do, op.Dump} {
			if mode == nil {
				continue
			}

			if values := info.modeValues[mode]; values[0].Node != nil || values[1].Node != nil {
				l.warn(info.node, "request and reply values are ignored in the unified enum-model")
			}

			mode.RequestValue, mode.ReplyValue = op.RequestValue, op.ReplyValue
		}
	}

	return nil
}

// numberDirectional numbers ops in the directional model. Requests and
// messages from the kernel count separately, both from 1. A do or dump op
// takes the next request value, or the request.value of its do (else its
// dump), and a reply value only if that variant has a reply. A
// notification or event takes only a reply value, or its own value key.
func (l *loader) numberDirectional(infos []opInfo) error {
	nextReq, nextRep := uint64(1), uint64(1)
	requests := make(map[uint16]string, len(infos))

	for i := range infos {
		op, info := &l.fam.Ops[i], &infos[i]

		var err error
		switch {
		case op.IsNotification():
			nextRep, err = l.numberNotification(op, info, nextRep)
		case op.Do != nil || op.Dump != nil:
			nextReq, nextRep, err = l.numberCommand(op, info, nextReq, nextRep)
		default:
			err = l.errorf(info.node, "op %q has none of do, dump, notify and event, which the directional enum-model needs", op.Name)
		}

		if err != nil {
			return err
		}

		if prev, ok := requests[op.RequestValue]; ok && op.HasRequest {
			return l.errorf(info.node, "op %q: request value %d is already used by op %q", op.Name, op.RequestValue, prev)
		}

		if op.HasRequest {
			requests[op.RequestValue] = op.Name
		}
	}

	return nil
}

// numberNotification numbers a notification or event in the directional
// model and returns the next reply value.
func (l *loader) numberNotification(op *schema.Op, info *opInfo, next uint64) (uint64, error) {
	value, err := l.valueOr(info.value, info.node, next)
	if err != nil {
		return 0, err
	}

	op.ReplyValue, op.HasReply = uint16(value), true

	return value + 1, nil
}

// numberCommand numbers a do or dump op in the directional model and
// returns the next request and reply values.
func (l *loader) numberCommand(op *schema.Op, info *opInfo, nextReq, nextRep uint64) (uint64, uint64, error) {
	if info.value.Node != nil {
		l.warn(info.value, "op value is ignored in the directional enum-model; use request.value and reply.value")
	}

	primary := op.Do
	if primary == nil {
		primary = op.Dump
	}

	values := info.modeValues[primary]

	req, err := l.valueOr(values[0], info.node, nextReq)
	if err != nil {
		return 0, 0, err
	}

	rep, err := l.valueOr(values[1], info.node, nextRep)
	if err != nil {
		return 0, 0, err
	}

	op.RequestValue, op.HasRequest = uint16(req), true
	if primary.Reply != nil {
		op.ReplyValue, op.HasReply = uint16(rep), true
		nextRep = rep + 1
	}

	for _, mode := range []*schema.OpMode{op.Do, op.Dump} {
		if mode != nil {
			l.modeValues(mode, info.modeValues[mode], uint16(req), uint16(rep))
		}
	}

	return req + 1, nextRep, nil
}

// modeValues sets the values of a do or dump: its own request.value and
// reply.value where given, else the op's.
func (l *loader) modeValues(mode *schema.OpMode, values [2]node, req, rep uint16) {
	mode.RequestValue, mode.ReplyValue = req, rep

	// opMessage has range-checked both values already.
	if values[0].Node != nil {
		v, _ := l.uintRange(values[0], l.maxOpValue)
		mode.RequestValue = uint16(v)
	}

	if values[1].Node != nil {
		v, _ := l.uintRange(values[1], l.maxOpValue)
		mode.ReplyValue = uint16(v)
	}
}

// valueOr returns the value in n if present, else next, and checks that
// it fits a command or message type. Errors about next point at the op.
func (l *loader) valueOr(n, op node, next uint64) (uint64, error) {
	if n.Node != nil {
		return l.uintRange(n, l.maxOpValue)
	}

	if next > l.maxOpValue {
		return 0, l.errorf(op, "value %d is above the maximum %d", next, l.maxOpValue)
	}

	return next, nil
}
