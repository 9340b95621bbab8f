package family_test

import (
	"testing"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/wire"
)

// TestExplainExtAckIndexesOccurrences checks that the path to an
// attribute of a multi-attr nest names its occurrence as --attr does.
func TestExplainExtAckIndexesOccurrences(t *testing.T) {
	sch, err := builtin.Load("ethtool")
	if err != nil {
		t.Fatal(err)
	}
	op := sch.Op("features-set")

	// wanted (3) > bits (3) > bit (1) twice; the second bit is the culprit.
	var e wire.AttrEncoder
	e.Nest(3)
	e.Nest(3)
	e.Nest(1)
	e.PutString(2, "rx-gro")
	e.End()
	e.Nest(1)
	e.Put(3, nil)
	e.End()
	e.End()
	e.End()
	req := wire.NewGenlRequest(20, wire.FlagRequest, wire.GenlHeader{Command: 12, Version: 1}, e.Bytes())
	second := wire.HeaderLen + wire.GenlHeaderLen + 4 + 4 + 16

	ke := &family.KernelError{Request: req, Message: &wire.ErrorMessage{
		ExtAck: wire.ExtAck{Offset: uint32(second), HasOffset: true}}}
	info := family.ExplainExtAck(ke, op, 0)
	if want := ".wanted.bits.bit[1]"; info.Attr != want {
		t.Errorf("path = %q, want %q", info.Attr, want)
	}
}
