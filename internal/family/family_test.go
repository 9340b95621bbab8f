package family_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/wire"
)

func replay(t *testing.T, file string) *familytest.Kernel {
	t.Helper()
	fx, err := familytest.LoadFixture(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}

	return &familytest.Kernel{Handler: fx.Replay()}
}

func TestListFamiliesFixture(t *testing.T) {
	k := replay(t, "getfamily-dump.nlmsg")
	fams, err := k.Conn().ListFamilies()
	if err != nil {
		t.Fatal(err)
	}

	if len(fams) < 3 {
		t.Fatalf("got %d families, want at least nlctrl, netdev and ethtool", len(fams))
	}
	for i := 1; i < len(fams); i++ {
		if fams[i-1].ID >= fams[i].ID {
			t.Errorf("families not sorted by ID: %d before %d", fams[i-1].ID, fams[i].ID)
		}
	}

	want := family.Family{ID: 16, Name: "nlctrl", Version: 2,
		Ops: []family.Op{
			{ID: 3, Name: "getfamily", Flags: family.OpDo | family.OpDump | family.OpHasPolicy},
			{ID: 10, Name: "getpolicy", Flags: family.OpDump | family.OpHasPolicy},
		},
		Groups: []family.Group{{ID: 16, Name: "notify"}},
	}
	if diff := cmp.Diff(want, fams[0]); diff != "" {
		t.Errorf("nlctrl record mismatch (-want +got):\n%s", diff)
	}
}

func TestListFamiliesRequest(t *testing.T) {
	k := replay(t, "getfamily-dump.nlmsg")
	if _, err := k.Conn().ListFamilies(); err != nil {
		t.Fatal(err)
	}

	if len(k.Requests) != 1 {
		t.Fatalf("sent %d requests, want 1", len(k.Requests))
	}
	h := k.Requests[0].Header
	if h.Type != 16 {
		t.Errorf("request type = %d, want 16 (nlctrl)", h.Type)
	}
	if want := uint16(wire.FlagRequest | wire.FlagAck | wire.FlagDump); h.Flags != want {
		t.Errorf("request flags = %#x, want %#x", h.Flags, want)
	}
	if k.Requests[0].Payload[0] != 3 {
		t.Errorf("request command = %d, want 3 (getfamily)", k.Requests[0].Payload[0])
	}
}

func TestGetFamilyNotFound(t *testing.T) {
	k := replay(t, "getfamily-nosuch.nlmsg")
	_, err := k.Conn().GetFamily("nosuchfamily")

	var nf *family.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("error = %v, want a NotFoundError", err)
	}
	if nf.Family != "nosuchfamily" {
		t.Errorf("NotFoundError.Family = %q, want nosuchfamily", nf.Family)
	}
}

func TestGetFamilyPermission(t *testing.T) {
	k := &familytest.Kernel{Handler: func(req wire.Message) [][]byte {
		return [][]byte{familytest.Error(req, int32(syscall.EPERM), nil)}
	}}
	_, err := k.Conn().GetFamily("ethtool")

	if !errors.Is(err, os.ErrPermission) {
		t.Errorf("error = %v, want one matching os.ErrPermission", err)
	}
}

func TestGetFamilyTimeout(t *testing.T) {
	k := &familytest.Kernel{Handler: func(wire.Message) [][]byte { return nil }}
	_, err := k.Conn().GetFamily("ethtool")

	if !errors.Is(err, family.ErrTimeout) {
		t.Errorf("error = %v, want ErrTimeout", err)
	}
}

func TestGetFamilyExtAck(t *testing.T) {
	var ext wire.AttrEncoder
	ext.PutString(wire.ExtAckMsg, "attribute is wrong")
	ext.PutUint32(wire.ExtAckOffset, 20)
	k := &familytest.Kernel{Handler: func(req wire.Message) [][]byte {
		return [][]byte{familytest.Error(req, int32(syscall.EINVAL), ext.Bytes())}
	}}
	_, err := k.Conn().GetFamily("ethtool")

	var ke *family.KernelError
	if !errors.As(err, &ke) {
		t.Fatalf("error = %v, want a KernelError", err)
	}
	if ke.Errno != syscall.EINVAL {
		t.Errorf("errno = %v, want EINVAL", ke.Errno)
	}
	if got := ke.Message.ExtAck.Message; got != "attribute is wrong" {
		t.Errorf("extack message = %q, want %q", got, "attribute is wrong")
	}
	if !ke.Message.ExtAck.HasOffset || ke.Message.ExtAck.Offset != 20 {
		t.Errorf("extack offset = %d (present %v), want 20", ke.Message.ExtAck.Offset, ke.Message.ExtAck.HasOffset)
	}
}

func TestGetFamilyFixture(t *testing.T) {
	k := replay(t, "getfamily-ethtool.nlmsg")
	f, err := k.Conn().GetFamily("ethtool")
	if err != nil {
		t.Fatal(err)
	}

	if f.Name != "ethtool" {
		t.Errorf("name = %q, want ethtool", f.Name)
	}
	if len(f.Ops) == 0 {
		t.Error("ethtool has no ops")
	}
	if len(f.Groups) != 1 || f.Groups[0].Name != "monitor" {
		t.Errorf("groups = %+v, want one named monitor", f.Groups)
	}
}

func TestGetPolicyFixture(t *testing.T) {
	k := replay(t, "getpolicy-nlctrl.nlmsg")
	nlctrl := &family.Family{ID: 16, Name: "nlctrl", Ops: []family.Op{{ID: 3, Name: "getfamily"}}}
	p, err := k.Conn().GetPolicy(nlctrl, nil)
	if err != nil {
		t.Fatal(err)
	}

	zero, one := uint32(0), uint32(1)
	wantOps := []family.OpPolicy{
		{Op: family.Op{ID: 0}, Dump: &one},
		{Op: family.Op{ID: 3, Name: "getfamily"}, Do: &zero, Dump: &zero},
	}
	if diff := cmp.Diff(wantOps, p.Ops); diff != "" {
		t.Errorf("op policies mismatch (-want +got):\n%s", diff)
	}

	maxLen := uint32(15)
	wantTable0 := []family.PolicyAttr{
		{Attr: 1, Type: 3, MinValue: "0", MaxValue: "65535"},
		{Attr: 2, Type: 12, MaxLength: &maxLen},
	}
	if diff := cmp.Diff(wantTable0, p.Table(0).Attrs); diff != "" {
		t.Errorf("policy 0 mismatch (-want +got):\n%s", diff)
	}
}

func TestMalformedReply(t *testing.T) {
	cases := map[string][]byte{
		"short attribute":    familytest.Genl(1, []byte{2, 0, 1, 0}),
		"attribute too long": familytest.Genl(1, []byte{40, 0, 2, 0, 'x', 0, 0, 0}),
		"short genl header":  {1, 2},
		"bad u32":            familytest.Genl(1, []byte{6, 0, 3, 0, 1, 0, 0, 0}),
	}
	for name, payload := range cases {
		t.Run(name, func(t *testing.T) {
			k := &familytest.Kernel{Handler: func(req wire.Message) [][]byte {
				return [][]byte{familytest.Message(req, 16, 0, payload), familytest.Ack(req)}
			}}
			_, err := k.Conn().GetFamily("x")
			if err == nil {
				t.Fatal("malformed reply decoded without error")
			}
		})
	}
}

func TestOpFlagNames(t *testing.T) {
	cases := []struct {
		flags uint32
		want  []string
	}{
		{0, []string{}},
		{0x0e, []string{"do", "dump", "has-policy"}},
		{0x1f, []string{"admin-perm", "do", "dump", "has-policy", "uns-admin-perm"}},
		{0x42, []string{"do", "0x40"}},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, family.OpFlagNames(tc.flags)); diff != "" {
			t.Errorf("OpFlagNames(%#x) mismatch (-want +got):\n%s", tc.flags, diff)
		}
	}
}

func TestOpByName(t *testing.T) {
	f := &family.Family{Name: "nlctrl", Ops: []family.Op{{ID: 3, Name: "getfamily"}, {ID: 10, Name: "getpolicy"}}}
	for _, s := range []string{"getpolicy", "10", "0xa"} {
		op, err := family.OpByName(f, s)
		if err != nil || op.ID != 10 {
			t.Errorf("OpByName(%q) = %+v, %v; want op 10", s, op, err)
		}
	}

	_, err := family.OpByName(f, "nosuch")
	var ue *family.UnknownOpError
	if !errors.As(err, &ue) {
		t.Fatalf("OpByName(nosuch) error = %v, want UnknownOpError", err)
	}
	if want := `family nlctrl has no op "nosuch". Valid ops: getfamily, getpolicy`; err.Error() != want {
		t.Errorf("error = %q, want %q", err.Error(), want)
	}
}
