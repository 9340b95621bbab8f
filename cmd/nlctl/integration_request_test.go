//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/testutil"
)

// These tests run do and dump against the real kernel, each inside a
// network namespace it creates, and compare the results with iproute2.
// They need root and iproute2, and the permission test also needs setpriv.

// reqRun runs nlctl in-process with the given arguments.
func reqRun(args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)

	return result{code, stdout.String(), stderr.String()}
}

// reqRunOK runs nlctl in-process and fails the test unless it exits 0.
// It returns stdout and stderr.
func reqRunOK(t *testing.T, args ...string) result {
	t.Helper()
	r := reqRun(args...)
	if r.code != exitOK {
		t.Fatalf("nlctl %s: exit code %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}

	return r
}

// reqNetNS creates a network namespace with pairs veth pairs, named va<N>
// and vb<N>, created with one `ip -batch` run.
func reqNetNS(t *testing.T, pairs int) string {
	t.Helper()
	testutil.RequireRoot(t)
	testutil.RequireTool(t, "ip")
	ns := testutil.NewNetNS(t)

	if pairs == 0 {
		return ns
	}
	var batch strings.Builder
	for i := 0; i < pairs; i++ {
		fmt.Fprintf(&batch, "link add va%d type veth peer name vb%d\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "veth.batch")
	if err := os.WriteFile(path, []byte(batch.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	testutil.Run(t, "ip", "-n", ns, "-batch", path)

	return ns
}

// ipLink is one interface as `ip -j link show` prints it.
type ipLink struct {
	Ifindex  uint32 `json:"ifindex"`
	Ifname   string `json:"ifname"`
	LinkType string `json:"link_type"`
}

func ipLinks(t *testing.T, ns string) []ipLink {
	t.Helper()
	var links []ipLink
	out := testutil.Run(t, "ip", "-n", ns, "-j", "link", "show")
	if err := json.Unmarshal([]byte(out), &links); err != nil {
		t.Fatalf("parse ip -j link show: %v\n%s", err, out)
	}

	return links
}

func TestIntegrationRequestDumpMatchesIPLink(t *testing.T) {
	for _, pairs := range []int{1, 1000} {
		t.Run(fmt.Sprintf("%d veth pairs", pairs), func(t *testing.T) {
			ns := reqNetNS(t, pairs)
			links := ipLinks(t, ns)
			if len(links) != 2*pairs+1 {
				t.Fatalf("ip link shows %d interfaces, want %d veths and lo", len(links), 2*pairs)
			}

			names := map[uint32]string{}
			var all, withSettings []uint32
			for _, l := range links {
				names[l.Ifindex] = l.Ifname
				all = append(all, l.Ifindex)
				// lo has no link settings (no get_link_ksettings), and the
				// kernel's ethtool linkinfo dump skips a device whose
				// settings it cannot read, noting that in an extended ACK
				// warning. Every veth has them.
				if l.LinkType != "loopback" {
					withSettings = append(withSettings, l.Ifindex)
				}
			}
			checkNetdevDump(t, ns, all)
			checkLinkinfoDump(t, ns, withSettings, names)
		})
	}
}

func checkNetdevDump(t *testing.T, ns string, want []uint32) {
	t.Helper()
	r := reqRunOK(t, "--netns", ns, "dump", "netdev", "dev-get", "-o", "json")
	if r.stderr != "" {
		t.Errorf("netdev dev-get wrote to stderr:\n%s", r.stderr)
	}

	got := jsonIfindexes(t, r.stdout)
	if diff := cmp.Diff(sorted(want), sorted(got)); diff != "" {
		t.Errorf("netdev dev-get ifindexes differ from ip link's (-want +got):\n%s", diff)
	}
}

func checkLinkinfoDump(t *testing.T, ns string, want []uint32, names map[uint32]string) {
	t.Helper()
	r := reqRunOK(t, "--netns", ns, "dump", "ethtool", "linkinfo-get", "-o", "json")
	if r.stderr != "" && r.stderr != "nlctl: warning from the kernel: failed to retrieve link settings\n" {
		t.Errorf("ethtool linkinfo-get wrote more than the kernel's warning about lo to stderr:\n%s", r.stderr)
	}

	var replies []struct {
		Header struct {
			DevIndex uint32 `json:"dev-index"`
			DevName  string `json:"dev-name"`
		} `json:"header"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &replies); err != nil {
		t.Fatalf("stdout is not one JSON array: %v", err)
	}
	var got []uint32
	for _, rep := range replies {
		got = append(got, rep.Header.DevIndex)
		if names[rep.Header.DevIndex] != rep.Header.DevName {
			t.Errorf("ifindex %d is named %q, ip link names it %q", rep.Header.DevIndex, rep.Header.DevName, names[rep.Header.DevIndex])
		}
	}
	if diff := cmp.Diff(sorted(want), sorted(got)); diff != "" {
		t.Errorf("ethtool linkinfo-get header.dev-index values differ from ip link's devices with link settings (-want +got):\n%s", diff)
	}
}

func sorted(s []uint32) []uint32 {
	c := slices.Clone(s)
	slices.Sort(c)

	return c
}

// reqErrorJSON is the JSON error object of a failed request.
type reqErrorJSON struct {
	Error     string         `json:"error"`
	ExitCode  int            `json:"exit-code"`
	Errno     int            `json:"errno"`
	ErrnoName string         `json:"errno-name"`
	Hint      string         `json:"hint"`
	ExtAck    map[string]any `json:"extack"`
}

func parseErrorJSON(t *testing.T, stderr string) reqErrorJSON {
	t.Helper()
	var e reqErrorJSON
	dec := json.NewDecoder(strings.NewReader(stderr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("stderr is not one JSON error object: %v\n%s", err, stderr)
	}
	if dec.More() {
		t.Fatalf("stderr holds more than one JSON document:\n%s", stderr)
	}

	return e
}

func TestIntegrationRequestExtAck(t *testing.T) {
	ns := reqNetNS(t, 1)
	vaIndex := strconv.Itoa(int(ifindexByName(t, ns, "va0")))
	cases := []struct {
		name       string
		args       []string
		wantErrno  string
		wantText   []string
		wantExtAck map[string]any
	}{
		{
			name:      "kernel message and attribute path",
			args:      []string{"do", "ethtool", "linkinfo-get", "--attr", "header.dev-name=nosuchdev"},
			wantErrno: "ENODEV",
			wantText: []string{"nlctl: ethtool linkinfo-get: no device matches name: no such device (ENODEV)\n",
				"  attribute: .header.dev-name = \"nosuchdev\" (offset 24 in the request)\n"},
			wantExtAck: map[string]any{"message": "no device matches name", "offset": 24.0, "attribute": ".header.dev-name", "value": `"nosuchdev"`},
		},
		{
			name:       "missing attribute",
			args:       []string{"do", "netdev", "dev-get"},
			wantErrno:  "EINVAL",
			wantText:   []string{"nlctl: netdev dev-get: invalid argument (EINVAL)\n", "  missing attribute: ifindex (1) at the top level\n"},
			wantExtAck: map[string]any{"missing-attribute": map[string]any{"name": "ifindex", "number": 1.0, "nest": ""}},
		},
		{
			// The encoder rejects ifindex 0 itself, by the schema's minimum,
			// so --raw-attr sends it for the kernel's policy to reject.
			name:      "value outside the policy range",
			args:      []string{"do", "netdev", "dev-get", "--raw-attr", "1:u32=0"},
			wantErrno: "ERANGE",
			wantText: []string{"nlctl: netdev dev-get: integer out of range: numerical result out of range (ERANGE)\n",
				"  attribute: .ifindex = 0 (offset 20 in the request)\n", "  policy: u32, value range [1, 4294967295]\n"},
			wantExtAck: map[string]any{"message": "integer out of range", "offset": 20.0, "attribute": ".ifindex", "value": "0",
				"policy": map[string]any{"type": "u32", "min-value": 1.0, "max-value": 4294967295.0}},
		},
		{
			// queue-get's type is an enum with entries 0 and 1; the encoder
			// accepts any number for an enum, and the kernel's policy
			// limits it.
			name:      "value outside the policy range after other attributes",
			args:      []string{"do", "netdev", "queue-get", "--attr", "ifindex=" + vaIndex, "--attr", "id=0", "--attr", "type=5"},
			wantErrno: "ERANGE",
			wantText:  []string{"  attribute: .type = 5 (offset 36 in the request)\n", "  policy: u32, value range [0, 1]\n"},
			wantExtAck: map[string]any{"message": "integer out of range", "offset": 36.0, "attribute": ".type", "value": "5",
				"policy": map[string]any{"type": "u32", "min-value": 0.0, "max-value": 1.0}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--netns", ns}, tc.args...)
			r := reqRun(args...)
			if r.code != exitFailure {
				t.Errorf("exit code = %d, want %d", r.code, exitFailure)
			}
			for _, want := range tc.wantText {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}

			r = reqRun(append([]string{"-o", "json"}, args...)...)
			e := parseErrorJSON(t, r.stderr)
			if e.ErrnoName != tc.wantErrno || e.ExitCode != exitFailure || e.Errno == 0 {
				t.Errorf("errno %d %q, exit-code %d; want %s and %d", e.Errno, e.ErrnoName, e.ExitCode, tc.wantErrno, exitFailure)
			}
			if diff := cmp.Diff(tc.wantExtAck, e.ExtAck); diff != "" {
				t.Errorf("extack mismatch (-want +got):\n%s", diff)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
}

func ifindexByName(t *testing.T, ns, name string) uint32 {
	t.Helper()
	for _, l := range ipLinks(t, ns) {
		if l.Ifname == name {
			return l.Ifindex
		}
	}
	t.Fatalf("no interface %s in namespace %s", name, ns)

	return 0
}

// endpoint is an MPTCP endpoint in a form both nlctl's and iproute2's
// output convert to.
type endpoint struct {
	Address string
	ID      int
	Flags   []string
	Dev     string
	Port    int
}

// nlctlEndpoints converts the replies of `dump mptcp_pm get-addr`.
func nlctlEndpoints(t *testing.T, stdout string, names map[uint32]string) []endpoint {
	t.Helper()
	var replies []struct {
		Addr struct {
			Family string   `json:"family"`
			ID     int      `json:"id"`
			Addr4  string   `json:"addr4"`
			Addr6  string   `json:"addr6"`
			Port   int      `json:"port"`
			Flags  []string `json:"flags"`
			IfIdx  uint32   `json:"if-idx"`
		} `json:"addr"`
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&replies); err != nil {
		t.Fatalf("stdout is not one JSON array of endpoints: %v\n%s", err, stdout)
	}

	eps := []endpoint{}
	for _, r := range replies {
		a := r.Addr
		ep := endpoint{Address: a.Addr4 + a.Addr6, ID: a.ID, Flags: slices.Sorted(slices.Values(a.Flags)), Dev: names[a.IfIdx], Port: a.Port}
		if ep.Flags == nil {
			ep.Flags = []string{}
		}
		eps = append(eps, ep)
	}

	return sortEndpoints(eps)
}

// ipEndpoints converts `ip -j mptcp endpoint show`, which prints each flag
// as a key set to true.
func ipEndpoints(t *testing.T, ns string) []endpoint {
	t.Helper()
	out := testutil.Run(t, "ip", "-n", ns, "-j", "mptcp", "endpoint", "show")
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("parse ip -j mptcp endpoint show: %v\n%s", err, out)
	}

	eps := []endpoint{}
	for _, m := range raw {
		ep := endpoint{Flags: []string{}}
		for k, v := range m {
			switch k {
			case "address":
				ep.Address = v.(string)
			case "id":
				ep.ID = int(v.(float64))
			case "dev":
				ep.Dev = v.(string)
			case "port":
				ep.Port = int(v.(float64))
			default:
				if v == true {
					ep.Flags = append(ep.Flags, k)
				} else {
					t.Errorf("unexpected key %q in ip's endpoint %v", k, m)
				}
			}
		}
		sort.Strings(ep.Flags)
		eps = append(eps, ep)
	}

	return sortEndpoints(eps)
}

func sortEndpoints(eps []endpoint) []endpoint {
	sort.Slice(eps, func(i, j int) bool { return eps[i].ID < eps[j].ID })

	return eps
}

func TestIntegrationRequestMPTCPEndpoints(t *testing.T) {
	ns := reqNetNS(t, 1)
	testutil.Run(t, "ip", "-n", ns, "link", "set", "va0", "up")
	testutil.Run(t, "ip", "-n", ns, "addr", "add", "10.0.0.1/24", "dev", "va0")
	testutil.Run(t, "ip", "-n", ns, "addr", "add", "10.0.0.2/24", "dev", "va0")
	names := map[uint32]string{}
	for _, l := range ipLinks(t, ns) {
		names[l.Ifindex] = l.Ifname
	}
	va0 := strconv.Itoa(int(ifindexByName(t, ns, "va0")))

	check := func(step string, want []endpoint) {
		t.Helper()
		got := nlctlEndpoints(t, reqRunOK(t, "--netns", ns, "dump", "mptcp_pm", "get-addr", "-o", "json").stdout, names)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: nlctl's endpoints mismatch (-want +got):\n%s", step, diff)
		}
		if diff := cmp.Diff(ipEndpoints(t, ns), got); diff != "" {
			t.Errorf("%s: nlctl's endpoints differ from ip mptcp endpoint show (-ip +nlctl):\n%s", step, diff)
		}
	}
	check("before any change", []endpoint{})

	reqRunOK(t, "--netns", ns, "do", "mptcp_pm", "add-addr", "--attr", "addr.family=inet", "--attr", "addr.addr4=10.0.0.1",
		"--attr", "addr.id=5", "--attr", "addr.flags=signal,subflow", "--attr", "addr.if-idx="+va0)
	reqRunOK(t, "--netns", ns, "do", "mptcp_pm", "add-addr", "--json",
		`{"addr": {"family": "inet6", "addr6": "2001:db8::1", "id": 7, "flags": ["backup", "subflow"]}}`)
	reqRunOK(t, "--netns", ns, "do", "mptcp_pm", "add-addr", "--attr", "addr.family=inet", "--attr", "addr.addr4=10.0.0.2",
		"--attr", "addr.id=9", "--attr", "addr.port=8080", "--attr", "addr.flags=signal")
	check("after adding three", []endpoint{
		{Address: "10.0.0.1", ID: 5, Flags: []string{"signal", "subflow"}, Dev: "va0"},
		{Address: "2001:db8::1", ID: 7, Flags: []string{"backup", "subflow"}},
		{Address: "10.0.0.2", ID: 9, Flags: []string{"signal"}, Port: 8080},
	})

	got := reqRunOK(t, "--netns", ns, "do", "mptcp_pm", "get-addr", "--attr", "addr.id=5", "-o", "json").stdout
	if diff := cmp.Diff([]endpoint{{Address: "10.0.0.1", ID: 5, Flags: []string{"signal", "subflow"}, Dev: "va0"}},
		nlctlEndpoints(t, "["+got+"]", names)); diff != "" {
		t.Errorf("get-addr of id 5 mismatch (-want +got):\n%s", diff)
	}

	// An entry of the dump, sent back unchanged, removes that endpoint.
	var entries []json.RawMessage
	dump := reqRunOK(t, "--netns", ns, "dump", "mptcp_pm", "get-addr", "-o", "json").stdout
	if err := json.Unmarshal([]byte(dump), &entries); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(string(e), `"id":7`) {
			reqRunOK(t, "--netns", ns, "do", "mptcp_pm", "del-addr", "--json", string(e))
		}
	}
	reqRunOK(t, "--netns", ns, "do", "mptcp_pm", "del-addr", "--attr", "addr.id=5")
	check("after removing two", []endpoint{{Address: "10.0.0.2", ID: 9, Flags: []string{"signal"}, Port: 8080}})

	r := reqRun("--netns", ns, "do", "mptcp_pm", "del-addr", "--attr", "addr.id=5")
	if r.code != exitFailure || !strings.Contains(r.stderr, "address not found") {
		t.Errorf("removing id 5 again: exit code %d, stderr:\n%s", r.code, r.stderr)
	}

	reqRunOK(t, "--netns", ns, "do", "mptcp_pm", "flush-addrs")
	check("after flush-addrs", []endpoint{})
}

func TestIntegrationRequestJSONFromOutput(t *testing.T) {
	ns := reqNetNS(t, 1)
	var replies []map[string]json.RawMessage
	dump := reqRunOK(t, "--netns", ns, "dump", "ethtool", "linkinfo-get", "-o", "json").stdout
	if err := json.Unmarshal([]byte(dump), &replies); err != nil || len(replies) == 0 {
		t.Fatalf("dump: %v, %d replies\n%s", err, len(replies), dump)
	}
	header := string(replies[0]["header"])
	var h struct {
		DevIndex int    `json:"dev-index"`
		DevName  string `json:"dev-name"`
	}
	if err := json.Unmarshal([]byte(header), &h); err != nil {
		t.Fatal(err)
	}

	// The header nest, copied from the dump, is a valid request.
	doc := `{"header": ` + header + `}`
	r := reqRunOK(t, "--netns", ns, "do", "ethtool", "linkinfo-get", "--json", doc, "-o", "json")
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("do reply is not one JSON object: %v\n%s", err, r.stdout)
	}
	if diff := cmp.Diff(string(replies[0]["header"]), string(got["header"])); diff != "" {
		t.Errorf("reply header mismatch (-dump +do):\n%s", diff)
	}

	// The same request given as --attr flags encodes to the same bytes.
	fromJSON := reqRunOK(t, "--netns", ns, "do", "ethtool", "linkinfo-get", "--json", doc, "--dry-run").stdout
	fromAttrs := reqRunOK(t, "--netns", ns, "do", "ethtool", "linkinfo-get", "--dry-run",
		"--attr", "header.dev-index="+strconv.Itoa(h.DevIndex), "--attr", "header.dev-name="+h.DevName).stdout
	if diff := cmp.Diff(fromJSON, fromAttrs); diff != "" {
		t.Errorf("--json and --attr requests differ (-json +attr):\n%s", diff)
	}

	r = reqRunOK(t, "--netns", ns, "do", "ethtool", "channels-get", "--attr", "header.dev-name="+h.DevName, "-o", "json")
	if !strings.Contains(r.stdout, `"rx-max":`) {
		t.Errorf("channels-get reply lacks rx-max:\n%s", r.stdout)
	}
}

// buildNlctlBinary builds nlctl into a temporary folder that every user
// may read, for tests that run it as another user.
func buildNlctlBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// The testing package creates the folder and its parent with mode 0700.
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	bin := filepath.Join(dir, "nlctl")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	return bin
}

func TestIntegrationRequestPermissionDenied(t *testing.T) {
	testutil.RequireTool(t, "setpriv")
	testutil.RequireTool(t, "go")
	ns := reqNetNS(t, 1)
	bin := buildNlctlBinary(t)

	// nobody, without capabilities, in the namespace: ip netns exec needs
	// root, and setpriv then drops every privilege before nlctl starts.
	unprivileged := func(args ...string) result {
		cmd := exec.Command("ip", append([]string{"netns", "exec", ns, "setpriv", "--reuid=nobody", "--regid=nogroup",
			"--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", bin}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("run %v: %v", cmd.Args, err)
		}
		return result{code, stdout.String(), stderr.String()}
	}

	if r := unprivileged("dump", "netdev", "dev-get", "-o", "json"); r.code != exitOK {
		t.Fatalf("a read-only dump failed without privileges, so the setup is wrong: exit %d\n%s", r.code, r.stderr)
	}

	cases := []struct {
		name string
		args []string
	}{
		{"admin-perm op", []string{"do", "netdev", "napi-set", "--attr", "id=1", "--attr", "threaded=1"}},
		{"uns-admin-perm op", []string{"do", "ethtool", "channels-set", "--attr", "header.dev-name=va0", "--attr", "rx-count=1"}},
		{"uns-admin-perm mptcp op", []string{"do", "mptcp_pm", "flush-addrs"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := unprivileged(tc.args...)
			if r.code != exitPermission {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", r.code, exitPermission, r.stderr)
			}
			for _, want := range []string{"operation not permitted (EPERM)", "hint: " + hintPermission} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}

			r = unprivileged(append([]string{"-o", "json"}, tc.args...)...)
			e := parseErrorJSON(t, r.stderr)
			if e.ExitCode != exitPermission || e.ErrnoName != "EPERM" || e.Errno != 1 || e.Hint != hintPermission {
				t.Errorf("error object = %+v, want exit-code 4, EPERM and the CAP_NET_ADMIN hint", e)
			}
		})
	}
}

var hexReplySize = regexp.MustCompile(`(?m)^# reply, (\d+) bytes$`)

// TestIntegrationRequestLargeReply reads a reply of more than 64 KiB: the
// string set "stats" of a veth with 256 queues holds 2,306 names. The
// kernel's nests in it exceed the 16-bit attribute length and wrap, so
// only the message's arrival in one piece is checked, not its decoding.
func TestIntegrationRequestLargeReply(t *testing.T) {
	ns := reqNetNS(t, 0)
	testutil.Run(t, "ip", "-n", ns, "link", "add", "vq0", "numtxqueues", "256", "numrxqueues", "256", "type", "veth",
		"peer", "name", "vq1", "numtxqueues", "256", "numrxqueues", "256")

	r := reqRunOK(t, "--netns", ns, "-o", "hex", "do", "ethtool", "strset-get", "--attr", "header.dev-name=vq0",
		"--attr", "stringsets.stringset[0].id=stats")
	largest := 0
	for _, m := range hexReplySize.FindAllStringSubmatch(r.stdout, -1) {
		n, _ := strconv.Atoi(m[1])
		largest = max(largest, n)
	}
	if largest <= 64*1024 {
		t.Errorf("largest reply is %d bytes, want more than 64 KiB", largest)
	}
	if r.stderr != "" {
		t.Errorf("stderr = %q, want nothing", r.stderr)
	}
}
