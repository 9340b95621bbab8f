package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"syscall"
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

// Numbers of the fake kernel's families. The IDs are arbitrary, and the op
// numbers and flags are those Linux 6.18 registers.
const (
	fakeEthtoolID = 21
	fakeNetdevID  = 20

	ethtoolStrsetGet   = 1
	ethtoolLinkinfoGet = 2
	ethtoolChannelsGet = 17
	ethtoolFeaturesSet = 12
	netdevDevGet       = 1
	netdevQstatsGet    = 12
	netdevNapiSet      = 14

	opDoDump = family.OpDo | family.OpDump | family.OpHasPolicy
)

// fakeFamily is a family the fake kernel registers: its ID, name and ops
// with their flags.
type fakeFamily struct {
	id   uint16
	name string
	ops  map[uint32]uint32
}

var (
	fakeEthtool = fakeFamily{fakeEthtoolID, "ethtool", map[uint32]uint32{
		ethtoolStrsetGet:   opDoDump,
		ethtoolLinkinfoGet: opDoDump,
		ethtoolFeaturesSet: family.OpDo | family.OpHasPolicy | family.OpUnsAdminPerm,
		ethtoolChannelsGet: opDoDump,
	}}
	fakeNetdev = fakeFamily{fakeNetdevID, "netdev", map[uint32]uint32{
		netdevDevGet:    opDoDump,
		netdevQstatsGet: family.OpDump | family.OpHasPolicy,
		netdevNapiSet:   family.OpAdminPerm | family.OpDo | family.OpHasPolicy,
	}}
)

// getFamilyReply builds nlctrl's reply to a getfamily request for f.
func getFamilyReply(req wire.Message, f fakeFamily) []byte {
	var enc wire.AttrEncoder
	enc.PutUint16(1, f.id) // CTRL_ATTR_FAMILY_ID
	enc.PutString(2, f.name)
	enc.PutUint32(3, 1) // CTRL_ATTR_VERSION
	enc.PutUint32(4, 0) // CTRL_ATTR_HDRSIZE
	enc.PutUint32(5, 0) // CTRL_ATTR_MAXATTR
	enc.Nest(6)         // CTRL_ATTR_OPS
	i := uint16(1)
	for id := uint32(0); id < 64; id++ {
		if flags, ok := f.ops[id]; ok {
			enc.Nest(i)
			enc.PutUint32(1, id)
			enc.PutUint32(2, flags)
			enc.End()
			i++
		}
	}
	enc.End()

	return familytest.Message(req, 16, 0, familytest.Genl(1, enc.Bytes()))
}

// requestKernel is a fake kernel for do and dump. It replies to getfamily
// for its families and passes every other request to handle.
type requestKernel struct {
	families []fakeFamily
	handle   familytest.Handler
	// sent holds the requests handle received, their bytes copied.
	sent []wire.Message
}

func (k *requestKernel) handler(req wire.Message) [][]byte {
	if req.Header.Type != 16 {
		req.Raw = append([]byte(nil), req.Raw...)
		k.sent = append(k.sent, req)
		return k.handle(req)
	}

	name := ""
	for _, a := range mustAttrs(req.Payload[wire.GenlHeaderLen:]) {
		if a.Type == 2 {
			name, _ = a.String()
		}
	}
	for _, f := range k.families {
		if f.name == name {
			return [][]byte{familytest.Datagram(getFamilyReply(req, f), familytest.Ack(req))}
		}
	}

	return [][]byte{familytest.Error(req, 2, nil)} // ENOENT
}

func mustAttrs(b []byte) []wire.Attr {
	attrs, err := wire.ParseAttrs(b, 0)
	if err != nil {
		panic(err)
	}

	return attrs
}

// runRequestKernel runs nlctl against k and returns its result.
func runRequestKernel(k *requestKernel, stdin string, args ...string) result {
	dial := func(family.DialOptions) (*family.Conn, error) {
		return (&familytest.Kernel{Handler: k.handler}).Conn(), nil
	}

	var stdout, stderr bytes.Buffer
	code := runWith(context.Background(), dial, args, strings.NewReader(stdin), &stdout, &stderr)

	return result{code, stdout.String(), stderr.String()}
}

// linkinfoReply builds an ethtool linkinfo-get reply for one device, as
// Linux 6.18 sends it for a veth.
func linkinfoReply(req wire.Message, flags uint16, ifindex uint32, name string) []byte {
	var enc wire.AttrEncoder
	enc.Nest(1) // header
	enc.PutUint32(1, ifindex)
	enc.PutString(2, name)
	enc.End()
	enc.Put(2, []byte{0}) // port: tp
	enc.Put(3, []byte{0}) // phyaddr
	enc.Put(4, []byte{0}) // tp-mdix: invalid
	enc.Put(5, []byte{0}) // tp-mdix-ctrl: invalid
	enc.Put(6, []byte{0}) // transceiver: internal

	return familytest.Message(req, fakeEthtoolID, flags, familytest.Genl(ethtoolLinkinfoGet, enc.Bytes()))
}

// devReply builds a netdev dev-get reply for one device.
func devReply(req wire.Message, flags uint16, ifindex uint32) []byte {
	var enc wire.AttrEncoder
	enc.PutUint32(1, ifindex)
	enc.Put(3, binary.NativeEndian.AppendUint64(nil, 0x67))
	enc.Put(5, binary.NativeEndian.AppendUint64(nil, 7))
	enc.Put(6, binary.NativeEndian.AppendUint64(nil, 0))

	return familytest.Message(req, fakeNetdevID, flags, familytest.Genl(netdevDevGet, enc.Bytes()))
}

// packDatagrams joins messages into datagrams of at most size bytes, as
// the kernel fills each dump skb.
func packDatagrams(msgs [][]byte, size int) [][]byte {
	var out [][]byte
	var cur [][]byte
	n := 0
	for _, m := range msgs {
		if n+len(m) > size && len(cur) > 0 {
			out = append(out, familytest.Datagram(cur...))
			cur, n = nil, 0
		}
		cur = append(cur, m)
		n += wire.Align(len(m))
	}
	if len(cur) > 0 {
		out = append(out, familytest.Datagram(cur...))
	}

	return out
}

// replayDump replies to every dump request with the same datagrams, their
// sequence numbers set to the request's.
func replayDump(datagrams [][]byte) familytest.Handler {
	return func(req wire.Message) [][]byte {
		for _, d := range datagrams {
			for off := 0; off+wire.HeaderLen <= len(d); {
				binary.NativeEndian.PutUint32(d[off+8:], req.Header.Sequence)
				off += wire.Align(int(binary.NativeEndian.Uint32(d[off:])))
			}
		}
		return datagrams
	}
}

// dumpOf builds the datagrams of a dump with n replies made by reply,
// ended by NLMSG_DONE.
func dumpOf(n int, reply func(req wire.Message, flags uint16, i uint32) []byte) [][]byte {
	req := wire.Message{Header: wire.Header{Sequence: 1}}
	msgs := make([][]byte, 0, n+1)
	for i := 1; i <= n; i++ {
		msgs = append(msgs, reply(req, wire.FlagMulti, uint32(i)))
	}
	msgs = append(msgs, familytest.Done(req))

	return packDatagrams(msgs, 32*1024)
}

// BenchmarkDumpJSON measures a dump of 20,000 devices through nlctl's
// whole path: request, receive, decode and JSON output, against the fake
// kernel so that no socket time counts.
func BenchmarkDumpJSON(b *testing.B) {
	const devices = 20000
	cases := []struct {
		name string
		fam  fakeFamily
		args []string
		dump [][]byte
	}{
		{"ethtool-linkinfo", fakeEthtool, []string{"-o", "json", "dump", "ethtool", "linkinfo-get"},
			dumpOf(devices, func(req wire.Message, flags uint16, i uint32) []byte {
				return linkinfoReply(req, flags, i, "veth"+strconv.Itoa(int(i)))
			})},
		{"netdev-dev", fakeNetdev, []string{"-o", "json", "dump", "netdev", "dev-get"},
			dumpOf(devices, func(req wire.Message, flags uint16, i uint32) []byte { return devReply(req, flags, i) })},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			k := &requestKernel{families: []fakeFamily{tc.fam}, handle: replayDump(tc.dump)}
			dial := func(family.DialOptions) (*family.Conn, error) {
				return (&familytest.Kernel{Handler: k.handler}).Conn(), nil
			}
			b.ReportAllocs()
			for b.Loop() {
				if code := runWith(context.Background(), dial, tc.args, strings.NewReader(""), io.Discard, io.Discard); code != exitOK {
					b.Fatalf("exit code %d", code)
				}
			}
		})
	}
}

// BenchmarkDecodeRenderJSON measures decoding one dump reply and writing
// it as JSON, the per-message work of a dump, with the decoder reusing its
// memory as a dump's does.
func BenchmarkDecodeRenderJSON(b *testing.B) {
	req := wire.Message{Header: wire.Header{Sequence: 1}}
	cases := []struct {
		family string
		op     string
		msg    []byte
	}{
		{"ethtool", "linkinfo-get", linkinfoReply(req, wire.FlagMulti, 7, "veth7")},
		{"netdev", "dev-get", devReply(req, wire.FlagMulti, 7)},
	}
	for _, tc := range cases {
		b.Run(tc.family, func(b *testing.B) {
			sch, err := builtin.Load(tc.family)
			if err != nil || sch == nil {
				b.Fatalf("load built-in schema %s: %v", tc.family, err)
			}
			op := sch.Op(tc.op)
			dec := &decode.Decoder{Family: sch, Reuse: true}
			var out []byte
			b.ReportAllocs()
			for b.Loop() {
				m, err := dec.Message(tc.msg, op)
				if err != nil {
					b.Fatal(err)
				}
				out = render.AppendMessageJSON(out[:0], m)
			}
		})
	}
}

// devMessages builds dev-get replies for the given ifindexes, each with
// flags, followed by NLMSG_DONE.
func devMessages(req wire.Message, flags uint16, ifindexes ...uint32) [][]byte {
	msgs := make([][]byte, 0, len(ifindexes)+1)
	for _, i := range ifindexes {
		msgs = append(msgs, devReply(req, flags, i))
	}

	return append(msgs, familytest.Done(req))
}

// jsonIfindexes parses a JSON array of dev-get replies and returns their
// ifindexes, failing the test when stdout is not one valid JSON array.
func jsonIfindexes(t *testing.T, stdout string) []uint32 {
	t.Helper()
	var replies []struct {
		Ifindex uint32 `json:"ifindex"`
	}
	if err := json.Unmarshal([]byte(stdout), &replies); err != nil {
		t.Fatalf("stdout is not one JSON array: %v\n%s", err, stdout)
	}

	got := []uint32{}
	for _, r := range replies {
		got = append(got, r.Ifindex)
	}

	return got
}

func TestDumpInterrupted(t *testing.T) {
	intr := uint16(wire.FlagMulti | wire.FlagDumpIntr)
	cases := []struct {
		name string
		args []string
		// attempts returns the replies to the dump's nth request (from 0).
		attempts     func(req wire.Message, n int) [][]byte
		wantCode     int
		wantIndexes  []uint32
		wantRequests int
		wantStderr   []string
	}{
		{
			name: "warn streams everything",
			args: []string{"--on-interrupt", "warn"},
			attempts: func(req wire.Message, n int) [][]byte {
				return [][]byte{familytest.Datagram(devReply(req, wire.FlagMulti, 1), devReply(req, intr, 2)),
					familytest.Datagram(devReply(req, intr, 3), familytest.Done(req))}
			},
			wantCode: exitIncomplete, wantIndexes: []uint32{1, 2, 3}, wantRequests: 1,
			wantStderr: []string{"NLM_F_DUMP_INTR", "may be inconsistent", "--on-interrupt retry"},
		},
		{
			name: "warn is the default",
			attempts: func(req wire.Message, n int) [][]byte {
				return [][]byte{familytest.Datagram(devMessages(req, intr, 1, 2)...)}
			},
			wantCode: exitIncomplete, wantIndexes: []uint32{1, 2}, wantRequests: 1,
			wantStderr: []string{"NLM_F_DUMP_INTR"},
		},
		{
			name: "warn when only NLMSG_DONE is flagged",
			attempts: func(req wire.Message, n int) [][]byte {
				done := familytest.Message(req, wire.TypeDone, intr, make([]byte, 4))
				return [][]byte{familytest.Datagram(devReply(req, wire.FlagMulti, 1), done)}
			},
			wantCode: exitIncomplete, wantIndexes: []uint32{1}, wantRequests: 1,
			wantStderr: []string{"NLM_F_DUMP_INTR"},
		},
		{
			name: "retry prints only the consistent attempt",
			args: []string{"--on-interrupt", "retry"},
			attempts: func(req wire.Message, n int) [][]byte {
				if n == 0 {
					return [][]byte{familytest.Datagram(devMessages(req, intr, 1, 2, 3)...)}
				}
				return [][]byte{familytest.Datagram(devMessages(req, wire.FlagMulti, 11, 12)...)}
			},
			wantCode: exitOK, wantIndexes: []uint32{11, 12}, wantRequests: 2,
		},
		{
			name: "retry gives up after 3 retries and warns",
			args: []string{"--on-interrupt", "retry"},
			attempts: func(req wire.Message, n int) [][]byte {
				return [][]byte{familytest.Datagram(devMessages(req, intr, uint32(10*n+1), uint32(10*n+2))...)}
			},
			wantCode: exitIncomplete, wantIndexes: []uint32{31, 32}, wantRequests: 4,
			wantStderr: []string{"still interrupted after 3 retries"},
		},
		{
			name: "fail stops at the first interrupted reply",
			args: []string{"--on-interrupt", "fail"},
			attempts: func(req wire.Message, n int) [][]byte {
				return [][]byte{familytest.Datagram(devReply(req, wire.FlagMulti, 1), devReply(req, intr, 2), devReply(req, wire.FlagMulti, 3)),
					familytest.Datagram(familytest.Done(req))}
			},
			wantCode: exitIncomplete, wantIndexes: []uint32{1}, wantRequests: 1,
			wantStderr: []string{"NLM_F_DUMP_INTR", "output stopped there (--on-interrupt fail)"},
		},
		{
			name: "fail on a clean dump",
			args: []string{"--on-interrupt", "fail"},
			attempts: func(req wire.Message, n int) [][]byte {
				return [][]byte{familytest.Datagram(devMessages(req, wire.FlagMulti, 1, 2)...)}
			},
			wantCode: exitOK, wantIndexes: []uint32{1, 2}, wantRequests: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := &requestKernel{families: []fakeFamily{fakeNetdev}}
			k.handle = func(req wire.Message) [][]byte { return tc.attempts(req, len(k.sent)-1) }
			args := append([]string{"-o", "json", "dump", "netdev", "dev-get"}, tc.args...)
			r := runRequestKernel(k, "", args...)

			if r.code != tc.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", r.code, tc.wantCode, r.stderr)
			}
			if diff := cmp.Diff(tc.wantIndexes, jsonIfindexes(t, r.stdout)); diff != "" {
				t.Errorf("dumped ifindexes mismatch (-want +got):\n%s", diff)
			}
			if len(k.sent) != tc.wantRequests {
				t.Errorf("dump requests sent = %d, want %d", len(k.sent), tc.wantRequests)
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}
			if len(tc.wantStderr) == 0 && r.stderr != "" {
				t.Errorf("stderr = %q, want nothing", r.stderr)
			}
		})
	}
}

// TestDumpInterruptedErrorJSON checks the JSON error of an interrupted
// dump: one object on stderr after a complete JSON array on stdout.
func TestDumpInterruptedErrorJSON(t *testing.T) {
	k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: func(req wire.Message) [][]byte {
		return [][]byte{familytest.Datagram(devMessages(req, wire.FlagMulti|wire.FlagDumpIntr, 1)...)}
	}}
	r := runRequestKernel(k, "", "-o", "json", "dump", "netdev", "dev-get")

	var got map[string]any
	if err := json.Unmarshal([]byte(r.stderr), &got); err != nil {
		t.Fatalf("stderr is not one JSON object: %v\n%s", err, r.stderr)
	}
	if got["exit-code"] != float64(exitIncomplete) || !strings.Contains(got["error"].(string), "NLM_F_DUMP_INTR") {
		t.Errorf("error object = %v, want exit-code 3 and an error naming NLM_F_DUMP_INTR", got)
	}
}

func TestDumpFailsMidway(t *testing.T) {
	// The kernel reports an error in a dump as NLMSG_DONE or NLMSG_ERROR
	// carrying a negative errno, after the replies it already sent.
	doneWithErrno := func(req wire.Message, errno int32, extack []byte) []byte {
		payload := binary.NativeEndian.AppendUint32(nil, uint32(-errno))
		flags := uint16(wire.FlagMulti)
		if len(extack) > 0 {
			flags |= wire.FlagAckTLVs
		}
		return familytest.Message(req, wire.TypeDone, flags, append(payload, extack...))
	}
	var msg wire.AttrEncoder
	msg.PutString(1, "device list changed") // NLMSGERR_ATTR_MSG

	cases := []struct {
		name        string
		format      string
		end         func(req wire.Message) []byte
		wantStdout  func(t *testing.T, stdout string)
		wantCode    int
		wantStderr  []string
		wantIndexes []uint32
	}{
		{
			name: "NLMSG_DONE with errno", format: "json",
			end:      func(req wire.Message) []byte { return doneWithErrno(req, int32(syscall.EBUSY), nil) },
			wantCode: exitFailure, wantStderr: []string{"netdev dev-get", "device or resource busy", "EBUSY"},
			wantIndexes: []uint32{1, 2},
		},
		{
			name: "NLMSG_DONE with errno and extended ACK", format: "json",
			end:      func(req wire.Message) []byte { return doneWithErrno(req, int32(syscall.EINVAL), msg.Bytes()) },
			wantCode: exitFailure, wantStderr: []string{"device list changed", "EINVAL"},
			wantIndexes: []uint32{1, 2},
		},
		{
			name: "NLMSG_ERROR", format: "json",
			end:      func(req wire.Message) []byte { return familytest.Error(req, int32(syscall.ENOBUFS), nil) },
			wantCode: exitFailure, wantStderr: []string{"no buffer space available", "ENOBUFS"},
			wantIndexes: []uint32{1, 2},
		},
		{
			name: "permission error", format: "json",
			end:      func(req wire.Message) []byte { return familytest.Error(req, int32(syscall.EPERM), nil) },
			wantCode: exitPermission, wantStderr: []string{"CAP_NET_ADMIN"},
			wantIndexes: []uint32{1, 2},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: func(req wire.Message) [][]byte {
				return [][]byte{familytest.Datagram(devReply(req, wire.FlagMulti, 1), devReply(req, wire.FlagMulti, 2)),
					tc.end(req)}
			}}
			r := runRequestKernel(k, "", "-o", tc.format, "dump", "netdev", "dev-get")
			if r.code != tc.wantCode {
				t.Errorf("exit code = %d, want %d", r.code, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantIndexes, jsonIfindexes(t, r.stdout)); diff != "" {
				t.Errorf("dumped ifindexes mismatch (-want +got):\n%s", diff)
			}

			var obj map[string]any
			if err := json.Unmarshal([]byte(r.stderr), &obj); err != nil {
				t.Fatalf("stderr is not one JSON object: %v\n%s", err, r.stderr)
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}
		})
	}
}

func TestDumpFailsMidwayText(t *testing.T) {
	k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: func(req wire.Message) [][]byte {
		return [][]byte{familytest.Datagram(devReply(req, wire.FlagMulti, 1)), familytest.Error(req, int32(syscall.EBUSY), nil)}
	}}
	r := runRequestKernel(k, "", "dump", "netdev", "dev-get")
	if r.code != exitFailure {
		t.Errorf("exit code = %d, want %d", r.code, exitFailure)
	}
	if !strings.Contains(r.stdout, "ifindex") {
		t.Errorf("stdout lacks the reply received before the error:\n%s", r.stdout)
	}
	if !strings.HasPrefix(r.stderr, "nlctl: netdev dev-get: device or resource busy (EBUSY)") {
		t.Errorf("stderr = %q", r.stderr)
	}
}

// TestDumpEndsOnlyAtDone sends replies without NLM_F_MULTI, and an ACK in
// the middle, as some kernels do: the dump still ends only at NLMSG_DONE.
func TestDumpEndsOnlyAtDone(t *testing.T) {
	k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: func(req wire.Message) [][]byte {
		return [][]byte{
			familytest.Datagram(devReply(req, 0, 1)),
			familytest.Datagram(devReply(req, 0, 2), familytest.Ack(req)),
			familytest.Datagram(devReply(req, 0, 3)),
			familytest.Datagram(familytest.Message(req, wire.TypeDone, 0, make([]byte, 4))),
		}
	}}
	r := runRequestKernel(k, "", "-o", "json", "dump", "netdev", "dev-get")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}
	if diff := cmp.Diff([]uint32{1, 2, 3}, jsonIfindexes(t, r.stdout)); diff != "" {
		t.Errorf("dumped ifindexes mismatch (-want +got):\n%s", diff)
	}
}

// TestDumpWithoutDoneTimesOut checks that a dump the kernel never ends
// with NLMSG_DONE is reported as a timeout, with the JSON array closed.
func TestDumpWithoutDoneTimesOut(t *testing.T) {
	k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: func(req wire.Message) [][]byte {
		return [][]byte{familytest.Datagram(devReply(req, wire.FlagMulti, 1))}
	}}
	r := runRequestKernel(k, "", "-o", "json", "dump", "netdev", "dev-get")
	if r.code != exitFailure {
		t.Errorf("exit code = %d, want %d", r.code, exitFailure)
	}
	if diff := cmp.Diff([]uint32{1}, jsonIfindexes(t, r.stdout)); diff != "" {
		t.Errorf("dumped ifindexes mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.stderr, "timed out") {
		t.Errorf("stderr does not report the timeout:\n%s", r.stderr)
	}
}

func TestRequestOpFlags(t *testing.T) {
	// The kernel registers linkinfo-get for dumps only here, unlike the
	// schema: the kernel's flags decide.
	dumpOnlyEthtool := fakeFamily{fakeEthtoolID, "ethtool", map[uint32]uint32{
		ethtoolLinkinfoGet: family.OpDump, ethtoolFeaturesSet: family.OpDo,
	}}
	cases := []struct {
		name    string
		fam     fakeFamily
		args    []string
		wantErr string
	}{
		{"do on a dump-only op", fakeNetdev, []string{"do", "netdev", "qstats-get"},
			"op qstats-get of family netdev supports only dump, not do: use `nlctl dump`"},
		{"dump on a do-only op", fakeNetdev, []string{"dump", "netdev", "napi-set"},
			"op napi-set of family netdev supports only do, not dump: use `nlctl do`"},
		{"kernel flags win over the schema", dumpOnlyEthtool, []string{"do", "ethtool", "linkinfo-get", "--attr", "header.dev-name=x"},
			"op linkinfo-get of family ethtool supports only dump, not do"},
		{"dump on a do-only op with --dry-run", dumpOnlyEthtool, []string{"dump", "ethtool", "features-set", "--dry-run"},
			"supports only do, not dump"},
		{"op the kernel does not register", fakeNetdev, []string{"do", "netdev", "bind-rx"},
			"the kernel's netdev family does not register op bind-rx (number 13)"},
		{"op number the kernel does not register", fakeNetdev, []string{"do", "netdev", "99"},
			"the kernel's netdev family does not register op 99 (number 99)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := &requestKernel{families: []fakeFamily{tc.fam}, handle: func(req wire.Message) [][]byte {
				t.Errorf("request sent: %+v", req.Header)
				return nil
			}}
			r := runRequestKernel(k, "", tc.args...)
			if r.code != exitUsage {
				t.Errorf("exit code = %d, want %d", r.code, exitUsage)
			}
			if !strings.Contains(r.stderr, tc.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", tc.wantErr, r.stderr)
			}
			if strings.Contains(r.stderr, "Usage:") {
				t.Error("usage printed for a value error")
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
}

func TestRequestValueErrors(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		stdin     string
		wantErr   []string
		wantCode  int
		wantUsage bool
	}{
		{"unknown op suggests the nearest", []string{"do", "netdev", "dev-gett"},
			"", []string{`family netdev has no op "dev-gett"; did you mean "dev-get"?`, "Valid ops: dev-get, napi-set, qstats-get"}, exitUsage, false},
		{"unknown op without a near name", []string{"do", "netdev", "frobnicate"},
			"", []string{`family netdev has no op "frobnicate". Valid ops: dev-get, napi-set, qstats-get`}, exitUsage, false},
		{"unknown attribute suggests the nearest", []string{"do", "netdev", "dev-get", "--attr", "ifindx=1"},
			"", []string{`attribute .ifindx: unknown attribute "ifindx" in set dev; did you mean "ifindex"? Valid: ifindex`}, exitUsage, false},
		{"unknown nested attribute", []string{"do", "ethtool", "linkinfo-get", "--attr", "header.dev-nam=x"},
			"", []string{"attribute .header.dev-nam", `did you mean "dev-name"?`}, exitUsage, false},
		{"out-of-range value names path and range", []string{"do", "netdev", "dev-get", "--attr", "ifindex=0"},
			"", []string{"attribute .ifindex: value 0 is out of range [1, 4294967295]"}, exitUsage, false},
		{"value too large for its type", []string{"do", "netdev", "dev-get", "--attr", "ifindex=4294967296"},
			"", []string{"attribute .ifindex", "from 0 to 4294967295"}, exitUsage, false},
		{"wrong JSON shape names the path", []string{"do", "ethtool", "linkinfo-get", "--json", `{"header": 5}`},
			"", []string{"attribute .header: a nest takes an object of attributes"}, exitUsage, false},
		{"wrong JSON shape deeper", []string{"do", "ethtool", "linkinfo-get", "--json", `{"header": {"dev-name": ["a"]}}`},
			"", []string{"attribute .header.dev-name: a string attribute takes a string, not an array"}, exitUsage, false},
		{"attr repeated for a single attribute", []string{"do", "ethtool", "linkinfo-get", "--attr", "header.dev-name=a", "--attr", "header.dev-name=b"},
			"", []string{"attribute .header.dev-name: 2 values given, but dev-name is not a multi-attr attribute: give one"}, exitUsage, false},
		{"JSON array instead of an object", []string{"do", "ethtool", "linkinfo-get", "--json", `[1]`},
			"", []string{"--json takes one JSON object of attributes"}, exitUsage, false},
		{"invalid JSON", []string{"do", "ethtool", "linkinfo-get", "--json", `{"header": }`},
			"", []string{"--json: invalid JSON at byte"}, exitUsage, false},
		{"JSON from stdin", []string{"do", "netdev", "dev-get", "--json", "-"},
			`{"ifindex": 0}`, []string{"attribute .ifindex: value 0 is out of range"}, exitUsage, false},
		{"JSON file missing", []string{"do", "netdev", "dev-get", "--json", "@/nonexistent/req.json"},
			"", []string{"read --json file", "no such file"}, exitUsage, false},
		{"attr without =", []string{"do", "netdev", "dev-get", "--attr", "ifindex"},
			"", []string{`invalid --attr "ifindex": write PATH=VALUE`}, exitUsage, false},
		{"json given twice", []string{"do", "netdev", "dev-get", "--json", "{}", "--json", `{"ifindex": 1}`},
			"", []string{`for "--json" flag: given twice`}, exitUsage, true},
		{"json from empty stdin", []string{"do", "netdev", "dev-get", "--json", "-"},
			" \n", []string{"--json -: stdin is empty"}, exitUsage, false},
		{"attr path conflict", []string{"do", "ethtool", "linkinfo-get", "--attr", "header=1", "--attr", "header.dev-name=x"},
			"", []string{"header is set to a value, so it cannot also have nested attributes"}, exitUsage, false},
		{"raw attr bad type", []string{"do", "netdev", "dev-get", "--raw-attr", "1:u33=4"},
			"", []string{`invalid --raw-attr "1:u33=4": unknown type "u33"`}, exitUsage, false},
		{"raw attr out of range", []string{"do", "netdev", "dev-get", "--raw-attr", "1:u8=256"},
			"", []string{`"256" is not a u8 (from 0 to 255)`}, exitUsage, false},
		{"raw attr number 0", []string{"do", "netdev", "dev-get", "--raw-attr", "0:u8=1"},
			"", []string{"attribute number \"0\" must be from 1 to 16383"}, exitUsage, false},
		{"raw attr too long", []string{"do", "netdev", "dev-get", "--raw-attr", "1:hex=" + strings.Repeat("ab", 65532)},
			"", []string{"the value is 65532 bytes, more than the 65531 bytes an attribute can hold"}, exitUsage, false},
		{"attribute too long", []string{"do", "netdev", "dev-get", "--json", `{"99": "` + strings.Repeat("ab", 65532) + `"}`},
			"", []string{"attribute .99: the attribute is 65536 bytes"}, exitUsage, false},
		{"raw attr without a type", []string{"do", "netdev", "dev-get", "--raw-attr", "1=1"},
			"", []string{"write NUMBER:TYPE=VALUE"}, exitUsage, false},
		{"unknown family", []string{"do", "nosuchfamily", "get"},
			"", []string{`family "nosuchfamily" is not registered in this kernel`}, exitFailure, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := &requestKernel{families: []fakeFamily{fakeNetdev, fakeEthtool}, handle: func(req wire.Message) [][]byte {
				t.Errorf("request sent: %+v", req.Header)
				return nil
			}}
			r := runRequestKernel(k, tc.stdin, tc.args...)
			if r.code != tc.wantCode {
				t.Errorf("exit code = %d, want %d", r.code, tc.wantCode)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}
			if got := strings.Contains(r.stderr, "Usage:"); got != tc.wantUsage {
				t.Errorf("usage printed = %v, want %v", got, tc.wantUsage)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
}

func TestRequestFlagParsing(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
		notStdout  []string
	}{
		{name: "do help", args: []string{"do", "--help"}, wantCode: exitOK,
			wantStdout: []string{"Usage:\n  nlctl do FAMILY OP [flags]", "--attr", "--json", "--raw-attr", "--dry-run", "--create", "--excl", "--replace", "--append"},
			notStdout:  []string{"--on-interrupt"}},
		{name: "dump help", args: []string{"dump", "-h"}, wantCode: exitOK,
			wantStdout: []string{"Usage:\n  nlctl dump FAMILY OP [flags]", "--on-interrupt", `(default "warn")`},
			notStdout:  []string{"--create"}},
		{name: "do without arguments", args: []string{"do"}, wantCode: exitUsage,
			wantStderr: []string{"Usage:", `"do" takes 2 arguments (a family and an op, each by name or number), got 0`}},
		{name: "dump with one argument", args: []string{"dump", "netdev"}, wantCode: exitUsage,
			wantStderr: []string{`"dump" takes 2 arguments`, "got 1"}},
		{name: "do with three arguments", args: []string{"do", "netdev", "dev-get", "x"}, wantCode: exitUsage,
			wantStderr: []string{"got 3"}},
		{name: "create on a dump", args: []string{"dump", "netdev", "dev-get", "--create"}, wantCode: exitUsage,
			wantStderr: []string{"Usage:", "unknown flag: --create"}},
		{name: "on-interrupt on a do", args: []string{"do", "netdev", "dev-get", "--on-interrupt", "retry"}, wantCode: exitUsage,
			wantStderr: []string{"unknown flag: --on-interrupt"}},
		{name: "bad on-interrupt", args: []string{"dump", "netdev", "dev-get", "--on-interrupt", "sometimes"}, wantCode: exitUsage,
			wantStderr: []string{`invalid --on-interrupt "sometimes": use warn, retry or fail`}},
		{name: "attr without a value", args: []string{"do", "netdev", "dev-get", "--attr"}, wantCode: exitUsage,
			wantStderr: []string{"flag needs an argument: --attr"}},
		{name: "usage error as JSON", args: []string{"-o", "json", "dump", "netdev"}, wantCode: exitUsage,
			wantStderr: []string{`"exit-code":2`, "takes 2 arguments"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: func(req wire.Message) [][]byte {
				t.Errorf("request sent: %+v", req.Header)
				return nil
			}}
			r := runRequestKernel(k, "", tc.args...)
			if r.code != tc.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", r.code, tc.wantCode, r.stderr)
			}
			for _, want := range tc.wantStdout {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout does not contain %q:\n%s", want, r.stdout)
				}
			}
			for _, unwanted := range tc.notStdout {
				if strings.Contains(r.stdout, unwanted) {
					t.Errorf("stdout contains %q:\n%s", unwanted, r.stdout)
				}
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}
			if tc.wantCode == exitOK && r.stderr != "" {
				t.Errorf("stderr = %q, want nothing", r.stderr)
			}
		})
	}
}

func TestRequestHeaderFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want uint16
	}{
		{"do", []string{"do", "netdev", "dev-get", "--attr", "ifindex=1"}, wire.FlagRequest | wire.FlagAck},
		{"do with every creation flag", []string{"do", "netdev", "dev-get", "--attr", "ifindex=1", "--create", "--excl", "--replace", "--append"},
			wire.FlagRequest | wire.FlagAck | wire.FlagCreate | wire.FlagExcl | wire.FlagReplace | wire.FlagAppend},
		{"do with create", []string{"do", "netdev", "dev-get", "--attr", "ifindex=1", "--create"}, wire.FlagRequest | wire.FlagAck | wire.FlagCreate},
		{"dump", []string{"dump", "netdev", "dev-get"}, wire.FlagRequest | wire.FlagAck | wire.FlagDump},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: func(req wire.Message) [][]byte {
				if req.Header.Flags&wire.FlagDump != 0 {
					return [][]byte{familytest.Datagram(devMessages(req, wire.FlagMulti, 1)...)}
				}
				return [][]byte{familytest.Datagram(devReply(req, 0, 1), familytest.Ack(req))}
			}}
			r := runRequestKernel(k, "", tc.args...)
			if r.code != exitOK {
				t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
			}
			if len(k.sent) != 1 {
				t.Fatalf("requests sent = %d, want 1", len(k.sent))
			}
			if got := k.sent[0].Header.Flags; got != tc.want {
				t.Errorf("nlmsg_flags = %#x, want %#x", got, tc.want)
			}
			if got := k.sent[0].Header.Type; got != fakeNetdevID {
				t.Errorf("nlmsg_type = %d, want the family ID %d", got, fakeNetdevID)
			}
		})
	}
}

func TestDoOutput(t *testing.T) {
	reply := func(req wire.Message) [][]byte {
		return [][]byte{familytest.Datagram(devReply(req, 0, 7), familytest.Ack(req))}
	}
	cases := []struct {
		name   string
		format string
		want   string
	}{
		{"json is one object", "json", `{"ifindex":7,"xdp-features":["basic","redirect","ndo-xmit","rx-sg","ndo-xmit-sg"],"xdp-rx-metadata-features":["timestamp","hash","vlan-tag"],"xsk-features":[]}` + "\n"},
		{"jsonl is one line", "jsonl", `{"ifindex":7,"xdp-features":["basic","redirect","ndo-xmit","rx-sg","ndo-xmit-sg"],"xdp-rx-metadata-features":["timestamp","hash","vlan-tag"],"xsk-features":[]}` + "\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: reply}
			r := runRequestKernel(k, "", "-o", tc.format, "do", "netdev", "dev-get", "--attr", "ifindex=7")
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
			}
			if diff := cmp.Diff(tc.want, r.stdout); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDoLargeReply sends a reply of more than 64 KiB in one datagram: it
// must arrive and decode whole.
func TestDoLargeReply(t *testing.T) {
	const count = 2000
	reply := func(req wire.Message) [][]byte {
		var enc wire.AttrEncoder
		enc.PutUint32(1, 7)
		for i := 0; i < count; i++ {
			enc.Put(99, []byte(strings.Repeat("x", 28)+strconv.Itoa(i%10)))
		}
		msg := familytest.Message(req, fakeNetdevID, 0, familytest.Genl(netdevDevGet, enc.Bytes()))
		if len(msg) <= 64*1024 {
			t.Fatalf("reply is %d bytes, not more than 64 KiB", len(msg))
		}
		return [][]byte{familytest.Datagram(msg, familytest.Ack(req))}
	}
	k := &requestKernel{families: []fakeFamily{fakeNetdev}, handle: reply}
	r := runRequestKernel(k, "", "-o", "json", "do", "netdev", "dev-get", "--attr", "ifindex=7")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}

	var got struct {
		Ifindex uint32   `json:"ifindex"`
		Unknown []string `json:"99"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v", err)
	}
	if got.Ifindex != 7 || len(got.Unknown) != count {
		t.Errorf("ifindex %d and %d unknown attributes, want 7 and %d", got.Ifindex, len(got.Unknown), count)
	}
	if last := got.Unknown[len(got.Unknown)-1]; last != hexString(strings.Repeat("x", 28)+"9") {
		t.Errorf("last unknown attribute = %s", last)
	}
}

func hexString(s string) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, digits[s[i]>>4], digits[s[i]&0xf])
	}

	return string(b)
}

// extAckPolicy builds the NLMSGERR_ATTR_POLICY nest of a u32 attribute
// with a value range, as Linux 6.18 sends it.
func extAckPolicy(minValue, maxValue uint64) []byte {
	var enc wire.AttrEncoder
	enc.Nest(4)                                                 // NLMSGERR_ATTR_POLICY
	enc.PutUint32(1, 4)                                         // NL_POLICY_TYPE_ATTR_TYPE: NL_ATTR_TYPE_U32
	enc.Put(4, binary.NativeEndian.AppendUint64(nil, minValue)) // NL_POLICY_TYPE_ATTR_MIN_VALUE_U
	enc.Put(5, binary.NativeEndian.AppendUint64(nil, maxValue)) // NL_POLICY_TYPE_ATTR_MAX_VALUE_U
	enc.End()

	return enc.Bytes()
}

func TestRequestExtAck(t *testing.T) {
	var msgOffset wire.AttrEncoder
	msgOffset.PutString(1, "no device matches name") // NLMSGERR_ATTR_MSG
	msgOffset.PutUint32(2, 24)                       // NLMSGERR_ATTR_OFFS: header.dev-name
	var rangeErr wire.AttrEncoder
	rangeErr.PutString(1, "integer out of range")
	rangeErr.PutUint32(2, 20) // the ifindex attribute
	rangeErr.Append(extAckPolicy(1, 4294967295))
	var missing wire.AttrEncoder
	missing.PutUint32(5, 1) // NLMSGERR_ATTR_MISS_TYPE: ifindex
	var missingInNest wire.AttrEncoder
	missingInNest.PutUint32(5, 2)  // dev-name
	missingInNest.PutUint32(6, 20) // NLMSGERR_ATTR_MISS_NEST: the header nest

	cases := []struct {
		name       string
		args       []string
		errno      syscall.Errno
		extack     []byte
		wantText   []string
		wantExtAck map[string]any
	}{
		{
			name: "message and offset", args: []string{"do", "ethtool", "linkinfo-get", "--attr", "header.dev-name=nosuchdev"},
			errno: syscall.ENODEV, extack: msgOffset.Bytes(),
			wantText: []string{"nlctl: ethtool linkinfo-get: no device matches name: no such device (ENODEV)",
				"  attribute: .header.dev-name = \"nosuchdev\" (offset 24 in the request)",
				"hint: no network device with that name or index exists here; `ip link show` lists them"},
			wantExtAck: map[string]any{"message": "no device matches name", "offset": 24.0, "attribute": ".header.dev-name", "value": `"nosuchdev"`},
		},
		{
			name: "policy range", args: []string{"do", "netdev", "dev-get", "--raw-attr", "1:u32=0"},
			errno: syscall.ERANGE, extack: rangeErr.Bytes(),
			wantText: []string{"integer out of range", "  attribute: .ifindex = 0 (offset 20 in the request)",
				"  policy: u32, value range [1, 4294967295]"},
			wantExtAck: map[string]any{"message": "integer out of range", "offset": 20.0, "attribute": ".ifindex", "value": "0",
				"policy": map[string]any{"type": "u32", "min-value": 1.0, "max-value": 4294967295.0}},
		},
		{
			name: "missing attribute", args: []string{"do", "netdev", "dev-get"},
			errno: syscall.EINVAL, extack: missing.Bytes(),
			wantText:   []string{"netdev dev-get: invalid argument (EINVAL)", "  missing attribute: ifindex (1) at the top level"},
			wantExtAck: map[string]any{"missing-attribute": map[string]any{"name": "ifindex", "number": 1.0, "nest": ""}},
		},
		{
			name: "missing attribute in a nest", args: []string{"do", "ethtool", "linkinfo-get", "--attr", "header.dev-index=1"},
			errno: syscall.EINVAL, extack: missingInNest.Bytes(),
			wantText:   []string{"  missing attribute: dev-name (2) in .header"},
			wantExtAck: map[string]any{"missing-attribute": map[string]any{"name": "dev-name", "number": 2.0, "nest": ".header"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			handle := func(req wire.Message) [][]byte {
				return [][]byte{familytest.Error(req, int32(tc.errno), tc.extack)}
			}
			k := &requestKernel{families: []fakeFamily{fakeNetdev, fakeEthtool}, handle: handle}
			r := runRequestKernel(k, "", tc.args...)
			if r.code != exitFailure {
				t.Errorf("exit code = %d, want %d", r.code, exitFailure)
			}
			for _, want := range tc.wantText {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}

			k = &requestKernel{families: []fakeFamily{fakeNetdev, fakeEthtool}, handle: handle}
			r = runRequestKernel(k, "", append([]string{"-o", "json"}, tc.args...)...)
			var got struct {
				Errno     int            `json:"errno"`
				ErrnoName string         `json:"errno-name"`
				ExitCode  int            `json:"exit-code"`
				ExtAck    map[string]any `json:"extack"`
			}
			if err := json.Unmarshal([]byte(r.stderr), &got); err != nil {
				t.Fatalf("stderr is not one JSON object: %v\n%s", err, r.stderr)
			}
			if got.Errno != int(tc.errno) || got.ErrnoName != unixErrnoName(tc.errno) || got.ExitCode != exitFailure {
				t.Errorf("errno %d %s, exit code %d; want %d %s, %d", got.Errno, got.ErrnoName, got.ExitCode, tc.errno, unixErrnoName(tc.errno), exitFailure)
			}
			if diff := cmp.Diff(tc.wantExtAck, got.ExtAck); diff != "" {
				t.Errorf("extack mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func unixErrnoName(e syscall.Errno) string {
	return map[syscall.Errno]string{syscall.ENODEV: "ENODEV", syscall.ERANGE: "ERANGE", syscall.EINVAL: "EINVAL"}[e]
}

func TestDryRunAttrMatchesJSON(t *testing.T) {
	key := strings.Repeat("ab", 32)
	cases := []struct {
		name  string
		args  []string // family and op
		attrs []string
		json  string
		// wantHex lists lines the annotated request must contain.
		wantHex []string
	}{
		{
			name:    "nest",
			args:    []string{"ethtool", "linkinfo-get"},
			attrs:   []string{"header.dev-name=eth0", "header.flags=omit-reply"},
			json:    `{"header": {"dev-name": "eth0", "flags": ["omit-reply"]}}`,
			wantHex: []string{"header (1) len=24 nested", "dev-name (2) len=9", "flags (3) len=8"},
		},
		{
			name:    "indexed list of nests with a flag",
			args:    []string{"ethtool", "features-set"},
			attrs:   []string{"header.dev-name=eth0", "wanted.bits.bit[0].name=rx-gro", "wanted.bits.bit[0].value=true", "wanted.bits.bit[1].name=tx-tcp-segmentation"},
			json:    `{"header": {"dev-name": "eth0"}, "wanted": {"bits": {"bit": [{"name": "rx-gro", "value": true}, {"name": "tx-tcp-segmentation"}]}}}`,
			wantHex: []string{"genlmsghdr cmd=12 (features-set)", "wanted (3)", "bit (1) len=20 nested", `"rx-gro"`, "value (3) len=4"},
		},
		{
			name:    "multi-attr nests by index",
			args:    []string{"ethtool", "strset-get"},
			attrs:   []string{"header.dev-index=2", "stringsets.stringset[0].id=stats", "stringsets.stringset[1].id=features"},
			json:    `{"header": {"dev-index": 2}, "stringsets": {"stringset": [{"id": "stats"}, {"id": "features"}]}}`,
			wantHex: []string{"stringsets (2) len=28 nested", "stringset (1) len=12 nested"},
		},
		{
			name:    "integer",
			args:    []string{"netdev", "dev-get"},
			attrs:   []string{"ifindex=0x10"},
			json:    `{"ifindex": 16}`,
			wantHex: []string{"ifindex (1) len=8", "= 16"},
		},
		{
			name:    "repeated scalar multi-attr in a family the kernel lacks",
			args:    []string{"NLBL_CIPSOv4", "add"},
			attrs:   []string{"doi=5", "mtype=pass", "taglst.tag=rbitmap", "taglst.tag=enum", "taglst.tag=7"},
			json:    `{"doi": 5, "mtype": "pass", "taglst": {"tag": ["rbitmap", "enum", 7]}}`,
			wantHex: []string{"type=0 (NLBL_CIPSOv4)", "taglst (4) len=28 nested", "tag (3) len=5"},
		},
		{
			name:    "indexed-array in a family the kernel lacks",
			args:    []string{"wireguard", "set-device"},
			attrs:   []string{"ifname=wg0", "peers[0].public-key=" + key, "peers[0].allowedips[0].family=inet", "peers[0].allowedips[0].cidr-mask=8", "peers[1].public-key=" + key},
			json:    `{"ifname": "wg0", "peers": [{"public-key": "` + key + `", "allowedips": [{"family": "inet", "cidr-mask": 8}]}, {"public-key": "` + key + `"}]}`,
			wantHex: []string{"type=0 (wireguard)", "peers (8) len=108 nested"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var attrArgs []string
			for _, a := range tc.attrs {
				attrArgs = append(attrArgs, "--attr", a)
			}
			outputs := map[string]result{}
			for form, extra := range map[string][]string{"attr": attrArgs, "json": {"--json", tc.json}} {
				k := &requestKernel{families: []fakeFamily{fakeNetdev, fakeEthtool}, handle: func(req wire.Message) [][]byte {
					t.Errorf("--dry-run sent a request: %+v", req.Header)
					return nil
				}}
				args := append(append([]string{"do"}, tc.args...), append(extra, "--dry-run")...)
				r := runRequestKernel(k, "", args...)
				if r.code != exitOK {
					t.Fatalf("--%s: exit code %d, stderr:\n%s", form, r.code, r.stderr)
				}
				outputs[form] = r
			}

			if diff := cmp.Diff(outputs["json"], outputs["attr"], cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("--attr and --json encode differently (-json +attr):\n%s", diff)
			}
			for _, want := range tc.wantHex {
				if !strings.Contains(outputs["attr"].stdout, want) {
					t.Errorf("annotated request lacks %q:\n%s", want, outputs["attr"].stdout)
				}
			}
		})
	}
}

// TestDryRunMixedForms checks that --attr adds to the attributes --json
// gives, after them.
func TestDryRunMixedForms(t *testing.T) {
	run := func(args ...string) result {
		k := &requestKernel{families: []fakeFamily{fakeEthtool}}
		return runRequestKernel(k, "", append([]string{"do", "ethtool", "strset-get", "--dry-run"}, args...)...)
	}
	mixed := run("--json", `{"header": {"dev-index": 2}}`, "--attr", "header.flags=stats", "--attr", "counts-only=true")
	whole := run("--json", `{"header": {"dev-index": 2, "flags": "stats"}, "counts-only": true}`)
	if mixed.code != exitOK || whole.code != exitOK {
		t.Fatalf("exit codes %d and %d; stderr:\n%s\n%s", mixed.code, whole.code, mixed.stderr, whole.stderr)
	}
	if diff := cmp.Diff(whole.stdout, mixed.stdout); diff != "" {
		t.Errorf("mixed forms encode differently (-json +mixed):\n%s", diff)
	}
}

// TestDryRunAbsentFamily encodes a request for a family the kernel has
// not registered from its built-in schema, with family ID 0 and a note.
func TestDryRunAbsentFamily(t *testing.T) {
	k := &requestKernel{families: []fakeFamily{fakeNetdev}}
	r := runRequestKernel(k, "", "do", "devlink", "port-get", "--attr", "bus-name=pci", "--attr", "dev-name=0000:01:00.0", "--attr", "port-index=1", "--dry-run")
	if r.code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}
	if want := "family devlink is not registered in this kernel; encoding from its schema with family ID 0"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
	for _, want := range []string{"len=56 type=0 (devlink) flags=0x5 (request,ack)", "genlmsghdr cmd=5 (port-get)", "bus-name (1) len=8", "port-index (3) len=8"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("annotated request lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestDumpOutputFlushes checks how a dump's output reaches a buffered
// stdout: the first reply at once, later ones in batches, and everything
// at the end.
func TestDumpOutputFlushes(t *testing.T) {
	var out bytes.Buffer
	buffered := bufio.NewWriterSize(&out, 64*1024)
	mw := render.NewMessageWriter(buffered, render.JSONLines, nil)
	msg := &decode.Message{Attrs: []decode.Node{{Name: "ifindex", Kind: decode.KindUint, Uint: 1}}}
	line := `{"ifindex":1}` + "\n"

	if err := mw.Begin(); err != nil {
		t.Fatal(err)
	}
	write := func(n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			if err := mw.Write(msg); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(1)
	if got := strings.Count(out.String(), line); got != 1 {
		t.Errorf("after the first reply, %d lines reached stdout, want 1", got)
	}
	write(15)
	if got := strings.Count(out.String(), line); got != 1 {
		t.Errorf("after 16 quick replies, %d lines reached stdout, want 1 (the rest buffered)", got)
	}

	time.Sleep(60 * time.Millisecond)
	write(1) // the 17th write checks the clock
	if got := strings.Count(out.String(), line); got != 17 {
		t.Errorf("after a pause, %d lines reached stdout, want 17", got)
	}
	write(3)
	if err := mw.End(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), line); got != 20 {
		t.Errorf("after End, %d lines reached stdout, want 20", got)
	}
}

// TestReplySentBack checks that a reply given back with --json loses the
// attributes the op's request does not take, with a note, and that naming
// such an attribute with --attr is an error.
func TestReplySentBack(t *testing.T) {
	run := func(args ...string) result {
		k := &requestKernel{families: []fakeFamily{fakeEthtool}}
		return runRequestKernel(k, "", append([]string{"do", "ethtool", "linkinfo-get", "--dry-run"}, args...)...)
	}

	entry := `{"header": {"dev-index": 3, "dev-name": "va"}, "port": "tp", "phyaddr": 0, "transceiver": "internal"}`
	sentBack := run("--json", entry)
	headerOnly := run("--json", `{"header": {"dev-index": 3, "dev-name": "va"}}`)
	if sentBack.code != exitOK || headerOnly.code != exitOK {
		t.Fatalf("exit codes %d and %d; stderr:\n%s\n%s", sentBack.code, headerOnly.code, sentBack.stderr, headerOnly.stderr)
	}
	if diff := cmp.Diff(headerOnly.stdout, sentBack.stdout); diff != "" {
		t.Errorf("the reply attributes were encoded (-header only +whole entry):\n%s", diff)
	}
	if want := "left out of the request what ethtool linkinfo-get do does not take: port, phyaddr, transceiver"; !strings.Contains(sentBack.stderr, want) {
		t.Errorf("stderr %q does not contain %q", sentBack.stderr, want)
	}

	dump := runRequestKernel(&requestKernel{families: []fakeFamily{fakeNetdev}}, "",
		"dump", "netdev", "dev-get", "--attr", "ifindex=3", "--dry-run")
	if want := "attribute ifindex is not one the netdev dev-get dump request takes; it takes: no attributes"; dump.code != exitUsage || !strings.Contains(dump.stderr, want) {
		t.Errorf("dump with a do-only attribute: exit %d, stderr %q; want exit %d and %q", dump.code, dump.stderr, exitUsage, want)
	}

	named := run("--attr", "header.dev-name=va", "--attr", "port=tp")
	if named.code != exitUsage {
		t.Errorf("--attr port=tp: exit %d, want %d", named.code, exitUsage)
	}
	if want := "attribute port is not one the ethtool linkinfo-get do request takes; it takes: header"; !strings.Contains(named.stderr, want) {
		t.Errorf("stderr %q does not contain %q", named.stderr, want)
	}
}

// TestRawAttrJoinsNest checks that --raw-attr adds to a nest that --attr
// or --json starts instead of sending a second nest with the same number.
func TestRawAttrJoinsNest(t *testing.T) {
	run := func(args ...string) result {
		k := &requestKernel{families: []fakeFamily{fakeEthtool}}
		return runRequestKernel(k, "", append([]string{"do", "ethtool", "linkinfo-get", "--dry-run"}, args...)...)
	}

	want := run("--json", `{"header": {"dev-name": "va", "9": "05000000"}}`)
	for _, args := range [][]string{
		{"--attr", "header.dev-name=va", "--raw-attr", "1.9:u32=5"},
		{"--json", `{"header": {"dev-name": "va"}}`, "--raw-attr", "1.9:u32=5"},
	} {
		got := run(args...)
		if got.code != exitOK {
			t.Fatalf("%q: exit %d, stderr %q", args, got.code, got.stderr)
		}
		if diff := cmp.Diff(want.stdout, got.stdout); diff != "" {
			t.Errorf("%q encodes differently (-one nest +got):\n%s", args, diff)
		}
		if strings.Count(got.stdout, "header (1)") != 1 {
			t.Errorf("%q: want one header nest:\n%s", args, got.stdout)
		}
	}
}
