package family_test

import (
	"encoding/binary"
	"errors"
	"syscall"
	"testing"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/wire"
)

const (
	dumpDatagrams = 40
	dumpPerGram   = 100 // messages in each datagram, 2.8 KiB
)

// bigDump replies to a dump with dumpDatagrams datagrams of numbered
// messages, enough to start the reading goroutine, then NLMSG_DONE. When
// failAt is positive, an error with errno replaces datagram failAt and
// ends the dump. Any other request gets an ACK.
func bigDump(failAt int, errno int32) familytest.Handler {
	return func(req wire.Message) [][]byte {
		if req.Header.Flags&wire.FlagDump != wire.FlagDump {
			return [][]byte{familytest.Ack(req)}
		}

		var grams [][]byte
		n := uint32(0)
		for g := range dumpDatagrams {
			if g == failAt {
				return append(grams, familytest.Datagram(familytest.Error(req, errno, nil)))
			}
			var msgs [][]byte
			for range dumpPerGram {
				var e wire.AttrEncoder
				e.PutUint32(1, n)
				n++
				msgs = append(msgs, familytest.Message(req, 0x20, wire.FlagMulti, familytest.Genl(1, e.Bytes())))
			}
			grams = append(grams, familytest.Datagram(msgs...))
		}

		return append(grams, familytest.Datagram(familytest.Done(req)))
	}
}

func dumpRequest() []byte {
	return wire.NewGenlRequest(0x20, wire.FlagRequest|wire.FlagAck|wire.FlagDump, wire.GenlHeader{Command: 1, Version: 1}, nil)
}

func doRequest() []byte {
	return wire.NewGenlRequest(0x20, wire.FlagRequest|wire.FlagAck, wire.GenlHeader{Command: 2, Version: 1}, nil)
}

// messageNumber returns the number bigDump put in m.
func messageNumber(t *testing.T, m wire.Message) uint32 {
	t.Helper()
	attrs, err := wire.ParseAttrs(m.Payload[4:], 0)
	if err != nil || len(attrs) != 1 || len(attrs[0].Value) != 4 {
		t.Fatalf("malformed dump message %x: %v", m.Payload, err)
	}

	return binary.NativeEndian.Uint32(attrs[0].Value)
}

func TestPipelinedDumpKeepsOrder(t *testing.T) {
	k := &familytest.Kernel{Handler: bigDump(-1, 0)}
	conn := k.Conn()

	var got []uint32
	_, err := conn.Request(dumpRequest(), func(m wire.Message) error {
		got = append(got, messageNumber(t, m))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if len(got) != dumpDatagrams*dumpPerGram {
		t.Fatalf("got %d messages, want %d", len(got), dumpDatagrams*dumpPerGram)
	}
	for i, n := range got {
		if n != uint32(i) {
			t.Fatalf("message %d carries number %d: replies out of order", i, n)
		}
	}
	if _, err := conn.Request(doRequest(), nil); err != nil {
		t.Errorf("request after the dump: %v", err)
	}
}

func TestPipelinedDumpErrorMidway(t *testing.T) {
	k := &familytest.Kernel{Handler: bigDump(25, int32(syscall.EBUSY))}
	conn := k.Conn()

	count := 0
	_, err := conn.Request(dumpRequest(), func(wire.Message) error {
		count++
		return nil
	})

	var kerr *family.KernelError
	if !errors.As(err, &kerr) || kerr.Errno != syscall.EBUSY {
		t.Fatalf("error = %v, want the kernel's EBUSY", err)
	}
	if count != 25*dumpPerGram {
		t.Errorf("got %d messages before the error, want %d", count, 25*dumpPerGram)
	}
	if _, err := conn.Request(doRequest(), nil); err != nil {
		t.Errorf("request after the failed dump: %v", err)
	}
}

// TestPipelinedDumpCallbackStops checks that a dump stopped by its
// callback leaves the connection usable: the reading goroutine ends, and
// replies it did not read are skipped by sequence number.
func TestPipelinedDumpCallbackStops(t *testing.T) {
	k := &familytest.Kernel{Handler: bigDump(-1, 0)}
	conn := k.Conn()

	stop := errors.New("enough")
	count := 0
	_, err := conn.Request(dumpRequest(), func(wire.Message) error {
		count++
		if count == 1500 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("error = %v, want the callback's", err)
	}

	if _, err := conn.Request(doRequest(), nil); err != nil {
		t.Errorf("request after the stopped dump: %v", err)
	}
}
