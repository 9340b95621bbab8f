package family_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/schema/ynl"
	"github.com/nlctl/nlctl/internal/testutil"
	"github.com/nlctl/nlctl/internal/wire"
)

// These tests send requests through the library (wire, Conn.Request) to the
// real kernel, decode the replies with the built-in schemas, and compare
// the decoded values with what independent tools (ethtool(8), iproute2)
// print for the same namespace.

const (
	dumpFlags = wire.FlagRequest | wire.FlagAck | wire.FlagDump
	doFlags   = wire.FlagRequest | wire.FlagAck
)

// netnsWithVeth creates a network namespace holding a veth pair va/vb,
// both up with GRO on, so that veth registers NAPI instances.
func netnsWithVeth(t *testing.T) string {
	t.Helper()
	ns := testutil.NewNetNS(t)
	testutil.RequireTool(t, "ethtool")

	testutil.Run(t, "ip", "-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb")
	for _, dev := range []string{"va", "vb"} {
		testutil.Run(t, "ip", "-n", ns, "link", "set", dev, "up")
		testutil.Run(t, "ip", "netns", "exec", ns, "ethtool", "-K", dev, "gro", "on")
	}

	return ns
}

// genlClient is a connection to one family in one namespace, with the
// schema its replies are decoded with.
type genlClient struct {
	conn *family.Conn
	fam  *family.Family
	sch  *schema.Family
}

// dialFamily opens a connection in ns and resolves the family. A nil sch
// selects the schema the way nlctl does: family.NewSchemas(nil,
// os.Getenv).Lookup, which ends at the built-in schemas.
func dialFamily(t *testing.T, ns, name string, sch *schema.Family) *genlClient {
	t.Helper()
	conn, err := family.Dial(family.DialOptions{NetNS: ns, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("dial generic netlink in %s: %v", ns, err)
	}
	t.Cleanup(func() { conn.Close() })

	fam, err := conn.GetFamily(name)
	if err != nil {
		t.Fatalf("resolve family %s: %v", name, err)
	}
	if sch == nil {
		sch, err = family.NewSchemas(nil, os.Getenv).Lookup(name)
		if err != nil || sch == nil {
			t.Fatalf("schema of %s: %v (found: %v)", name, err, sch != nil)
		}
	}

	return &genlClient{conn: conn, fam: fam, sch: sch}
}

// reply is one data message of an exchange, raw and decoded.
type reply struct {
	raw []byte
	msg *decode.Message
}

// request sends one request for op and decodes every reply with op's
// reply attribute set.
func (c *genlClient) request(t *testing.T, opName string, flags uint16, attrs []byte) []reply {
	t.Helper()
	op := c.sch.Op(opName)
	if op == nil {
		t.Fatalf("schema of %s has no op %s", c.sch.Name, opName)
	}

	cmd := op.RequestValue
	if flags&wire.FlagDump == wire.FlagDump && op.Dump != nil {
		cmd = op.Dump.RequestValue
	}
	req := wire.NewGenlRequest(c.fam.ID, flags, wire.GenlHeader{Command: uint8(cmd), Version: uint8(c.fam.Version)}, attrs)

	dec := decode.Decoder{Family: c.sch}
	var replies []reply
	_, err := c.conn.Request(req, func(m wire.Message) error {
		raw := append([]byte(nil), m.Raw...)
		msg, err := dec.Message(raw, op)
		if err != nil {
			return err
		}
		replies = append(replies, reply{raw: raw, msg: msg})
		return nil
	})
	if err != nil {
		t.Fatalf("%s %s: %v", c.sch.Name, opName, err)
	}

	return replies
}

// requireNoErrorNodes fails the test for every error node in the reply.
func requireNoErrorNodes(t *testing.T, r reply) {
	t.Helper()
	var walk func(nodes []decode.Node)
	walk = func(nodes []decode.Node) {
		for i := range nodes {
			if nodes[i].Kind == decode.KindError {
				t.Errorf("decode error node at offset %d: %s (hex %x)", nodes[i].Offset, nodes[i].Text, nodes[i].Raw)
			}
			walk(nodes[i].Children)
		}
	}
	walk(r.msg.Header)
	walk(r.msg.Attrs)

	if js := render.AppendMessageJSON(nil, r.msg); !json.Valid(js) {
		t.Errorf("rendered JSON is not valid: %s", js)
	}
}

// child returns the first node named name, following a path of names
// through nests, or nil.
func child(nodes []decode.Node, path ...string) *decode.Node {
	for i, name := range path {
		var found *decode.Node
		for j := range nodes {
			if nodes[j].Name == name {
				found = &nodes[j]
				break
			}
		}
		if found == nil || i == len(path)-1 {
			return found
		}
		nodes = found.Children
	}

	return nil
}

// children returns every node named name.
func children(nodes []decode.Node, name string) []*decode.Node {
	var out []*decode.Node
	for i := range nodes {
		if nodes[i].Name == name {
			out = append(out, &nodes[i])
		}
	}

	return out
}

// stringOf returns a string node's text, or "" for nil.
func stringOf(n *decode.Node) string {
	if n == nil {
		return ""
	}

	return strings.TrimRight(string(n.Raw), "\x00")
}

// uintOf returns an integer node's value, failing the test when the node
// is missing.
func uintOf(t *testing.T, n *decode.Node, what string) uint64 {
	t.Helper()
	if n == nil {
		t.Fatalf("%s: attribute missing", what)
	}

	return n.Uint
}

// byDevice indexes ethtool replies by their header's dev-name.
func byDevice(t *testing.T, replies []reply) map[string]reply {
	t.Helper()
	out := map[string]reply{}
	for _, r := range replies {
		requireNoErrorNodes(t, r)
		out[stringOf(child(r.msg.Attrs, "header", "dev-name"))] = r
	}
	if _, ok := out["va"]; !ok {
		t.Fatalf("no reply for va among %d replies", len(replies))
	}

	return out
}

// ethtoolOutput runs ethtool(8) in ns and parses its "key: value" lines.
func ethtoolOutput(t *testing.T, ns string, args ...string) map[string]string {
	t.Helper()
	out := testutil.Run(t, "ip", append([]string{"netns", "exec", ns, "ethtool"}, args...)...)

	fields := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok {
			fields[key] = strings.TrimSpace(value)
		}
	}

	return fields
}

func TestIntegrationDecodeEthtoolLinkinfo(t *testing.T) {
	ns := netnsWithVeth(t)
	c := dialFamily(t, ns, "ethtool", nil)
	devs := byDevice(t, c.request(t, "linkinfo-get", dumpFlags, nil))

	// ethtool 6.1 prints these names for the ethtool.h PORT_* and XCVR_*
	// values.
	portNames := map[string]string{"tp": "Twisted Pair", "aui": "AUI", "mii": "MII", "fibre": "FIBRE",
		"bnc": "BNC", "da": "Direct Attach Copper", "none": "None", "other": "Other"}
	xcvrNames := map[string]string{"internal": "internal", "external": "external"}
	for _, dev := range []string{"va", "vb"} {
		want := ethtoolOutput(t, ns, dev)
		attrs := devs[dev].msg.Attrs

		port := child(attrs, "port")
		if port == nil || port.Kind != decode.KindEnum {
			t.Fatalf("%s: port missing or not an enum: %+v", dev, port)
		}
		if got := portNames[port.Text]; got != want["Port"] {
			t.Errorf("%s: port %q shows as %q, ethtool says %q", dev, port.Text, got, want["Port"])
		}
		if got := strconv.FormatUint(uintOf(t, child(attrs, "phyaddr"), "phyaddr"), 10); got != want["PHYAD"] {
			t.Errorf("%s: phyaddr = %s, ethtool says %s", dev, got, want["PHYAD"])
		}
		xcvr := child(attrs, "transceiver")
		if xcvr == nil {
			t.Fatalf("%s: transceiver missing", dev)
		}
		if got := xcvrNames[xcvr.Text]; got != want["Transceiver"] {
			t.Errorf("%s: transceiver = %q, ethtool says %q", dev, got, want["Transceiver"])
		}
	}
}

func TestIntegrationDecodeEthtoolChannels(t *testing.T) {
	ns := netnsWithVeth(t)
	// Two queues each way make the current counts differ from a fresh veth's.
	testutil.Run(t, "ip", "netns", "exec", ns, "ethtool", "-L", "va", "rx", "2", "tx", "2")
	c := dialFamily(t, ns, "ethtool", nil)
	devs := byDevice(t, c.request(t, "channels-get", dumpFlags, nil))

	for _, dev := range []string{"va", "vb"} {
		out := testutil.Run(t, "ip", "netns", "exec", ns, "ethtool", "-l", dev)
		maxPart, curPart, ok := strings.Cut(out, "Current hardware settings:")
		if !ok {
			t.Fatalf("unexpected ethtool -l output:\n%s", out)
		}

		attrs := devs[dev].msg.Attrs
		// ethtool prints n/a for a count the kernel leaves out.
		for _, f := range []struct{ label, attr, section string }{
			{"RX", "rx-max", maxPart}, {"TX", "tx-max", maxPart},
			{"Other", "other-max", maxPart}, {"Combined", "combined-max", maxPart},
			{"RX", "rx-count", curPart}, {"TX", "tx-count", curPart},
			{"Other", "other-count", curPart}, {"Combined", "combined-count", curPart},
		} {
			want := channelValue(f.section, f.label)
			got := "n/a"
			if n := child(attrs, f.attr); n != nil {
				got = strconv.FormatUint(n.Uint, 10)
			}
			if got != want {
				t.Errorf("%s: %s = %s, ethtool -l says %s", dev, f.attr, got, want)
			}
		}
	}
	if got := child(devs["va"].msg.Attrs, "rx-count"); got == nil || got.Uint != 2 {
		t.Errorf("va: rx-count = %+v, want 2 after ethtool -L", got)
	}
}

// channelValue returns the value on the "LABEL:" line of one section of
// ethtool -l output.
func channelValue(section, label string) string {
	for _, line := range strings.Split(section, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), label+":"); ok {
			return strings.TrimSpace(v)
		}
	}

	return "missing"
}

func TestIntegrationDecodeEthtoolFeatures(t *testing.T) {
	ns := netnsWithVeth(t)
	testutil.Run(t, "ip", "netns", "exec", ns, "ethtool", "-K", "va", "tx-checksumming", "off")
	c := dialFamily(t, ns, "ethtool", nil)
	// Without the compact-bitsets header flag the kernel names every bit.
	devs := byDevice(t, c.request(t, "features-get", dumpFlags, nil))

	for _, dev := range []string{"va", "vb"} {
		want := ethtoolOutput(t, ns, "-k", dev)
		attrs := devs[dev].msg.Attrs
		hw, active := bitsetBits(t, child(attrs, "hw")), bitsetBits(t, child(attrs, "active"))
		nochange := bitsetBits(t, child(attrs, "nochange"))

		compared := 0
		for name, line := range want {
			known := hw[name] || active[name] || nochange[name]
			if !known {
				continue // a legacy ethtool name, or a feature in no set
			}
			compared++
			state, _, _ := strings.Cut(line, " ")
			if got := onOff(active[name]); got != state {
				t.Errorf("%s: feature %s is %s, ethtool -k says %q", dev, name, got, line)
			}
			// ethtool marks a feature fixed when it is not in hw or is in nochange.
			if fixed := !hw[name] || nochange[name]; fixed != strings.Contains(line, "[fixed]") {
				t.Errorf("%s: feature %s fixed = %v, ethtool -k says %q", dev, name, fixed, line)
			}
		}
		if compared < 20 {
			t.Errorf("%s: only %d feature names matched ethtool -k output", dev, compared)
		}
	}
	if bitsetBits(t, child(devs["va"].msg.Attrs, "active"))["tx-checksum-ip-generic"] {
		t.Error("va: tx-checksum-ip-generic is on after ethtool -K tx-checksumming off")
	}
}

func onOff(on bool) string {
	if on {
		return "on"
	}

	return "off"
}

// bitsetBits returns the names of the bits set in a non-compact ethtool
// bitset. A bitset with the nomask flag lists only its set bits. One with
// a mask lists the bits of the mask, with the value flag on those set.
func bitsetBits(t *testing.T, set *decode.Node) map[string]bool {
	t.Helper()
	if set == nil {
		t.Fatal("bitset missing")
	}
	if child(set.Children, "value") != nil {
		t.Fatal("bitset was sent compact, without bit names")
	}

	nomask := child(set.Children, "nomask") != nil
	on := map[string]bool{}
	if bits := child(set.Children, "bits"); bits != nil {
		for _, bit := range children(bits.Children, "bit") {
			if nomask || child(bit.Children, "value") != nil {
				on[stringOf(child(bit.Children, "name"))] = true
			}
		}
	}

	return on
}

func TestIntegrationDecodeEthtoolStrset(t *testing.T) {
	ns := netnsWithVeth(t)
	c := dialFamily(t, ns, "ethtool", nil)
	devs := byDevice(t, c.request(t, "strset-get", dumpFlags, nil))

	// ethtool -S prints the strings of the device's stats string set.
	var want []string
	out := testutil.Run(t, "ip", "netns", "exec", ns, "ethtool", "-S", "va")
	for _, line := range strings.Split(out, "\n")[1:] {
		if name, _, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			want = append(want, name)
		}
	}

	var got []string
	count := uint64(0)
	for _, set := range children(child(devs["va"].msg.Attrs, "stringsets").Children, "stringset") {
		if child(set.Children, "id").Text != "stats" {
			continue
		}
		count = uintOf(t, child(set.Children, "count"), "stats count")
		for _, s := range children(child(set.Children, "strings").Children, "string") {
			got = append(got, stringOf(child(s.Children, "value")))
		}
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("stats strings of va:\n got %q\nwant %q (ethtool -S)", got, want)
	}
	if count != uint64(len(got)) {
		t.Errorf("stats count = %d, but %d strings decoded", count, len(got))
	}
}

func TestIntegrationDecodeNetdevDevices(t *testing.T) {
	ns := netnsWithVeth(t)
	c := dialFamily(t, ns, "netdev", nil)
	replies := c.request(t, "dev-get", dumpFlags, nil)

	var got []uint64
	for _, r := range replies {
		requireNoErrorNodes(t, r)
		got = append(got, uintOf(t, child(r.msg.Attrs, "ifindex"), "ifindex"))
		if xdp := child(r.msg.Attrs, "xdp-features"); xdp == nil || xdp.Kind != decode.KindFlags {
			t.Errorf("ifindex %d: xdp-features missing or not decoded as flags: %+v", got[len(got)-1], xdp)
		}
	}

	var links []struct {
		Ifindex uint64 `json:"ifindex"`
		Ifname  string `json:"ifname"`
	}
	if err := json.Unmarshal([]byte(testutil.Run(t, "ip", "-n", ns, "-j", "link")), &links); err != nil {
		t.Fatal(err)
	}
	var want []uint64
	for _, l := range links {
		want = append(want, l.Ifindex)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("netdev dev-get ifindexes %v, ip link shows %v", got, want)
	}
}

// mptcpEndpoint is one endpoint as `ip mptcp endpoint show` prints it.
type mptcpEndpoint struct {
	Addr  string
	ID    uint64
	Port  uint64
	Flags []string
	Dev   string
}

func TestIntegrationDecodeMptcpEndpoints(t *testing.T) {
	ns := testutil.NewNetNS(t)
	testutil.Run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	// A port makes the kernel listen on the address, so it must exist.
	testutil.Run(t, "ip", "-n", ns, "addr", "add", "10.0.0.4/32", "dev", "lo")
	for _, args := range [][]string{
		{"10.0.0.1", "dev", "lo", "id", "1", "signal"},
		{"10.0.0.2", "id", "2", "subflow", "backup"},
		{"2001:db8::1", "dev", "lo", "id", "3", "signal"},
		{"10.0.0.4", "dev", "lo", "id", "4", "signal", "port", "8080"},
	} {
		testutil.Run(t, "ip", append([]string{"-n", ns, "mptcp", "endpoint", "add"}, args...)...)
	}

	c := dialFamily(t, ns, "mptcp_pm", nil)
	var got []mptcpEndpoint
	for _, r := range c.request(t, "get-addr", dumpFlags, nil) {
		requireNoErrorNodes(t, r)
		got = append(got, mptcpFromNodes(t, ns, child(r.msg.Attrs, "addr")))
	}
	want := parseMptcpEndpoints(t, testutil.Run(t, "ip", "-n", ns, "mptcp", "endpoint", "show"))

	if diff := diffEndpoints(want, got); diff != "" {
		t.Errorf("endpoints differ from ip mptcp endpoint show (-want +got):\n%s", diff)
	}
	if len(got) != 4 {
		t.Errorf("decoded %d endpoints, want 4", len(got))
	}
}

func mptcpFromNodes(t *testing.T, ns string, addr *decode.Node) mptcpEndpoint {
	t.Helper()
	if addr == nil {
		t.Fatal("reply has no addr nest")
	}

	var e mptcpEndpoint
	a := addr.Children
	e.ID = uintOf(t, child(a, "id"), "id")
	if n := child(a, "addr4"); n != nil {
		e.Addr = render.FormatBytes(n.Raw, n.Hint)
	}
	if n := child(a, "addr6"); n != nil {
		e.Addr = render.FormatBytes(n.Raw, n.Hint)
	}
	if n := child(a, "port"); n != nil {
		e.Port = n.Uint
	}
	if n := child(a, "flags"); n != nil {
		e.Flags = n.Names
	}
	if n := child(a, "if-idx"); n != nil && n.Int > 0 {
		e.Dev = ifName(t, ns, n.Int)
	}

	return e
}

// ifName returns the name ip(8) shows for an interface index in ns.
func ifName(t *testing.T, ns string, index int64) string {
	t.Helper()
	var links []struct {
		Ifindex int64  `json:"ifindex"`
		Ifname  string `json:"ifname"`
	}
	if err := json.Unmarshal([]byte(testutil.Run(t, "ip", "-n", ns, "-j", "link")), &links); err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.Ifindex == index {
			return l.Ifname
		}
	}

	return fmt.Sprint("if", index)
}

// parseMptcpEndpoints parses lines such as
// "10.0.0.4 port 8080 id 4 signal dev lo".
func parseMptcpEndpoints(t *testing.T, out string) []mptcpEndpoint {
	t.Helper()
	var eps []mptcpEndpoint
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		e := mptcpEndpoint{Addr: f[0]}
		for i := 1; i < len(f); i++ {
			switch f[i] {
			case "id", "port", "dev":
				if i+1 >= len(f) {
					t.Fatalf("cannot parse endpoint line %q", line)
				}
				switch f[i] {
				case "id":
					e.ID, _ = strconv.ParseUint(f[i+1], 10, 8)
				case "port":
					e.Port, _ = strconv.ParseUint(f[i+1], 10, 16)
				case "dev":
					e.Dev = f[i+1]
				}
				i++
			default:
				e.Flags = append(e.Flags, f[i])
			}
		}
		eps = append(eps, e)
	}

	return eps
}

func diffEndpoints(want, got []mptcpEndpoint) string {
	key := func(e mptcpEndpoint) string {
		flags := slices.Clone(e.Flags)
		slices.Sort(flags)
		return fmt.Sprintf("%s port %d id %d flags %v dev %s", e.Addr, e.Port, e.ID, flags, e.Dev)
	}
	var w, g []string
	for _, e := range want {
		w = append(w, key(e))
	}
	for _, e := range got {
		g = append(g, key(e))
	}
	slices.Sort(w)
	slices.Sort(g)

	var b strings.Builder
	for _, s := range w {
		if !slices.Contains(g, s) {
			b.WriteString("- " + s + "\n")
		}
	}
	for _, s := range g {
		if !slices.Contains(w, s) {
			b.WriteString("+ " + s + "\n")
		}
	}

	return b.String()
}

func TestIntegrationDecodeTCPMetrics(t *testing.T) {
	ns := testutil.NewNetNS(t)
	testutil.Run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	if err := tcpExchangeInNetNS(ns); err != nil {
		t.Fatalf("TCP exchange over loopback in %s: %v", ns, err)
	}

	c := dialFamily(t, ns, "tcp_metrics", nil)
	var got []reply
	// The kernel saves a connection's metrics when it closes, so the entry
	// may appear a moment after the sockets are closed.
	for try := 0; try < 50 && len(got) == 0; try++ {
		got = c.request(t, "get", dumpFlags, nil)
		if len(got) == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if len(got) != 1 {
		t.Fatalf("tcp_metrics dump returned %d entries, want 1 for 127.0.0.1", len(got))
	}
	requireNoErrorNodes(t, got[0])
	attrs := got[0].msg.Attrs

	want := strings.Fields(testutil.Run(t, "ip", "-n", ns, "tcp_metrics", "show"))
	if len(want) == 0 {
		t.Fatal("ip tcp_metrics show printed nothing")
	}
	fields := map[string]string{"addr": want[0]}
	for i := 1; i+1 < len(want); i += 2 {
		fields[want[i]] = want[i+1]
	}

	addr := child(attrs, "addr-ipv4")
	if addr == nil {
		t.Fatal("no addr-ipv4 in the reply")
	}
	js := render.AppendNodesJSON(nil, []decode.Node{*addr})
	if wantJS := `{"addr-ipv4":"` + fields["addr"] + `"}`; string(js) != wantJS {
		t.Errorf("addr-ipv4 renders as %s, want %s", js, wantJS)
	}
	if got, want := render.FormatBytes(child(attrs, "saddr-ipv4").Raw, schema.DisplayIPv4), fields["source"]; got != want {
		t.Errorf("saddr-ipv4 = %s, ip tcp_metrics says source %s", got, want)
	}

	vals := child(attrs, "vals")
	if vals == nil {
		t.Fatal("no vals nest in the reply")
	}
	// The kernel stores rtt scaled by 8 and rttvar by 4, as tcp_sock keeps
	// srtt_us and mdev_us, so iproute2 6.1 prints rtt-us/8 and rttvar-us/4.
	scale := map[string]uint64{"rtt-us": 8, "rttvar-us": 4, "cwnd": 1, "ssthresh": 1}
	for attr, key := range map[string]string{"rtt-us": "rtt", "rttvar-us": "rttvar", "cwnd": "cwnd", "ssthresh": "ssthresh"} {
		n := child(vals.Children, attr)
		w, ok := fields[key]
		if n == nil || !ok {
			if n != nil || ok {
				t.Errorf("%s: decoded %v, ip prints %s=%q", attr, n != nil, key, w)
			}
			continue
		}
		if got := strconv.FormatUint(n.Uint/scale[attr], 10); got != strings.TrimSuffix(w, "us") {
			t.Errorf("%s = %s, ip tcp_metrics says %s %s", attr, got, key, w)
		}
	}
}

// tcpExchangeInNetNS connects to a listener on 127.0.0.1 inside ns and
// exchanges a few bytes both ways. The sockets are created on an OS
// thread that has joined ns. That thread is never unlocked, so the Go
// runtime ends it with the goroutine instead of reusing it elsewhere.
func tcpExchangeInNetNS(ns string) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		done <- tcpExchangeOnThread(ns)
	}()

	return <-done
}

func tcpExchangeOnThread(ns string) error {
	f, err := family.OpenNetNS(ns)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns: %w", err)
	}

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()

	client, err := net.DialTimeout("tcp4", ln.Addr().String(), 5*time.Second)
	if err != nil {
		return err
	}
	server, err := ln.Accept()
	if err != nil {
		client.Close()
		return err
	}

	buf := make([]byte, 4)
	_ = client.SetDeadline(time.Now().Add(5 * time.Second))
	_ = server.SetDeadline(time.Now().Add(5 * time.Second))
	for range 5 {
		if _, err := client.Write([]byte("ping")); err != nil {
			return err
		}
		if _, err := server.Read(buf); err != nil {
			return err
		}
		if _, err := server.Write([]byte("pong")); err != nil {
			return err
		}
		if _, err := client.Read(buf); err != nil {
			return err
		}
	}

	return errors.Join(client.Close(), server.Close())
}

// referenceSpec returns the path of a kernel YNL spec kept beside the
// checkout for tests, skipping when it is absent.
func referenceSpec(t *testing.T, version, name string) string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "reference", "ynl-specs", version, name)
	if _, err := os.Stat(path); err != nil {
		testutil.Skip(t, "reference spec not found: "+path)
	}

	return path
}

func TestIntegrationDecodeNapiWithOlderSpec(t *testing.T) {
	ns := netnsWithVeth(t)
	old, err := ynl.LoadFile(referenceSpec(t, "linux-6.12", "netdev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c := dialFamily(t, ns, "netdev", old)
	replies := c.request(t, "napi-get", dumpFlags, nil)
	if len(replies) == 0 {
		t.Fatal("napi-get dump returned no NAPI instance over a veth pair with GRO on")
	}

	for _, r := range replies {
		requireNoErrorNodes(t, r)
		if child(r.msg.Attrs, "id") == nil || child(r.msg.Attrs, "ifindex") == nil {
			t.Errorf("NAPI reply without id or ifindex: %s", render.AppendMessageJSON(nil, r.msg))
		}

		unknown := map[uint16]decode.Node{}
		for _, n := range r.msg.Attrs {
			if n.Kind == decode.KindUnknown {
				unknown[n.Number] = n
			}
		}
		// Linux 6.13 to 6.18 added defer-hard-irqs (5), gro-flush-timeout
		// (6), irq-suspend-timeout (7) and threaded (8).
		for num := uint16(5); num <= 8; num++ {
			n, ok := unknown[num]
			if !ok {
				t.Errorf("attribute %d not kept as unknown: %s", num, render.AppendMessageJSON(nil, r.msg))
				continue
			}
			if n.Name != "" || len(n.Raw) == 0 {
				t.Errorf("unknown attribute %d: name %q, raw %x", num, n.Name, n.Raw)
			}
			js := string(render.AppendMessageJSON(nil, r.msg))
			if want := fmt.Sprintf(`"%d":"%x"`, num, n.Raw); !strings.Contains(js, want) {
				t.Errorf("JSON lacks %s: %s", want, js)
			}
		}
	}
}

func TestIntegrationPolicySchemaDecode(t *testing.T) {
	ns := testutil.NewNetNS(t)
	testutil.Run(t, "ip", "-n", ns, "mptcp", "endpoint", "add", "10.0.0.1", "dev", "lo", "id", "7", "signal")

	c := dialFamily(t, ns, "mptcp_pm", nil)
	var op *family.Op
	for i := range c.fam.Ops {
		if c.fam.Ops[i].ID == uint32(c.sch.Op("get-addr").RequestValue) {
			op = &c.fam.Ops[i]
		}
	}
	if op == nil {
		t.Fatal("mptcp_pm registers no get-addr op")
	}
	policy, err := c.conn.GetPolicy(c.fam, op)
	if err != nil {
		t.Fatal(err)
	}
	psch, err := family.PolicySchema(c.fam, policy)
	if err != nil {
		t.Fatal(err)
	}
	if psch.Source.Kind != schema.SourcePolicyDump {
		t.Errorf("source kind = %v, want policy-dump", psch.Source.Kind)
	}

	pc := &genlClient{conn: c.conn, fam: c.fam, sch: psch}
	replies := pc.request(t, strconv.Itoa(int(op.ID)), dumpFlags, nil)
	if len(replies) != 1 {
		t.Fatalf("got %d replies, want 1 endpoint", len(replies))
	}
	requireNoErrorNodes(t, replies[0])

	// MPTCP_PM_ATTR_ADDR (1) nests MPTCP_PM_ADDR_ATTR_FAMILY (1, u16),
	// ID (2, u8), FLAGS (6, u32) and IF_IDX (7, s32). Linux 6.18 leaves
	// ADDR4 (3) out of the dumped policy, so it stays an unknown attribute.
	addr := child(replies[0].msg.Attrs, "1")
	if addr == nil || addr.Kind != decode.KindNest {
		t.Fatalf("attribute 1 missing or not a nest: %s", render.AppendMessageJSON(nil, replies[0].msg))
	}
	checks := []struct {
		name string
		typ  schema.Type
		want uint64
	}{
		{"1", schema.TypeU16, unix.AF_INET},
		{"2", schema.TypeU8, 7},
		{"6", schema.TypeU32, 1}, // signal
	}
	for _, ck := range checks {
		n := child(addr.Children, ck.name)
		if n == nil {
			t.Errorf("nested attribute %s missing", ck.name)
			continue
		}
		if n.Type != ck.typ || n.Uint != ck.want {
			t.Errorf("nested attribute %s: type %s value %d, want %s %d", ck.name, n.Type, n.Uint, ck.typ, ck.want)
		}
	}
	if n := child(addr.Children, "7"); n == nil || n.Kind != decode.KindInt || n.Int != 1 {
		t.Errorf("nested attribute 7 (if-idx of lo) = %+v, want signed 1", n)
	}

	js := string(render.AppendMessageJSON(nil, replies[0].msg))
	for _, want := range []string{`{"1":{"1":2,`, `"2":7`, `"6":1`, `"7":1`, `"3":"0a000001"`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s: %s", want, js)
		}
	}
}

// TestCaptureDecodeFixtures refreshes the decoder's fixtures in
// internal/decode/testdata from the running kernel:
// go test ./internal/family -run TestCaptureDecodeFixtures -capture
func TestCaptureDecodeFixtures(t *testing.T) {
	if !*capture {
		t.Skip("run with -capture to refresh the fixtures")
	}
	ns := netnsWithVeth(t)

	var uts unix.Utsname
	_ = unix.Uname(&uts)
	kernel := unix.ByteSliceToString(uts.Release[:])

	// TASKSTATS get requests the statistics of the test process itself.
	var pidAttr wire.AttrEncoder
	pidAttr.PutUint32(1, uint32(os.Getpid()))

	for _, tc := range []struct {
		file, family, op, command string
		flags                     uint16
		attrs                     []byte
	}{
		{"ethtool-linkinfo-get.nlmsg", "ethtool", "linkinfo-get", "dump", dumpFlags, nil},
		{"ethtool-features-get.nlmsg", "ethtool", "features-get", "dump", dumpFlags, nil},
		{"ethtool-channels-get.nlmsg", "ethtool", "channels-get", "dump", dumpFlags, nil},
		{"ethtool-strset-get.nlmsg", "ethtool", "strset-get", "dump", dumpFlags, nil},
		{"netdev-dev-get.nlmsg", "netdev", "dev-get", "dump", dumpFlags, nil},
		{"netdev-napi-get.nlmsg", "netdev", "napi-get", "dump", dumpFlags, nil},
		{"taskstats-get.nlmsg", "TASKSTATS", "get", "do", doFlags, pidAttr.Bytes()},
	} {
		c := dialFamily(t, ns, tc.family, nil)
		command := "nlctl " + tc.command + " " + tc.family + " " + tc.op
		if tc.attrs != nil {
			command += " --attr pid=PID (the capturing test process)"
		}
		fx := &familytest.Fixture{Comments: []string{
			"# captured from Linux " + kernel + " by TestCaptureDecodeFixtures",
			"# command: " + command,
			"# setup: a new network namespace with lo down and a veth pair va/vb, both up with GRO on",
		}}
		c.conn.Trace = func(dir family.Direction, m wire.Message) {
			b := append([]byte(nil), m.Raw...)
			if dir == family.Sent {
				fx.Request = b
			} else {
				fx.Replies = append(fx.Replies, b)
			}
		}
		c.request(t, tc.op, tc.flags, tc.attrs)

		path := filepath.Join("..", "decode", "testdata", tc.file)
		if err := fx.Write(path); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d replies", path, len(fx.Replies))
	}
}
