package family_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/family/familytest"
	"github.com/nlctl/nlctl/internal/testutil"
	"github.com/nlctl/nlctl/internal/wire"
)

var capture = flag.Bool("capture", false, "capture the testdata fixtures from the running kernel (needs root)")

// TestCaptureFixtures refreshes testdata/*.nlmsg from the running kernel:
// go test ./internal/family -run TestCaptureFixtures -capture
func TestCaptureFixtures(t *testing.T) {
	if !*capture {
		t.Skip("run with -capture to refresh the fixtures")
	}
	testutil.RequireRoot(t)

	var uts unix.Utsname
	_ = unix.Uname(&uts)
	kernel := unix.ByteSliceToString(uts.Release[:])

	cases := []struct {
		file string
		cmd  string
		do   func(c *family.Conn) error
	}{
		{"getfamily-dump.nlmsg", "nlctl family list", func(c *family.Conn) error {
			_, err := c.ListFamilies()
			return err
		}},
		{"getfamily-ethtool.nlmsg", "nlctl family get ethtool", func(c *family.Conn) error {
			_, err := c.GetFamily("ethtool")
			return err
		}},
		{"getfamily-nosuch.nlmsg", "nlctl family get nosuchfamily", func(c *family.Conn) error {
			_, err := c.GetFamily("nosuchfamily")
			return ignoreNotFound(err)
		}},
		{"getpolicy-nlctrl.nlmsg", "nlctl family get nlctrl --policy", func(c *family.Conn) error {
			f, err := c.GetFamily("nlctrl")
			if err != nil {
				return err
			}
			_, err = c.GetPolicy(f, nil)
			return err
		}},
		{"getpolicy-ethtool.nlmsg", "nlctl family get ethtool --policy", func(c *family.Conn) error {
			f, err := c.GetFamily("ethtool")
			if err != nil {
				return err
			}
			_, err = c.GetPolicy(f, nil)
			return err
		}},
	}
	for _, tc := range cases {
		conn, err := family.Dial(family.DialOptions{})
		if err != nil {
			t.Fatal(err)
		}

		fx := &familytest.Fixture{Comments: []string{
			"# captured from Linux " + kernel + " by TestCaptureFixtures",
			"# command: " + tc.cmd,
		}}
		conn.Trace = func(dir family.Direction, m wire.Message) {
			b := append([]byte(nil), m.Raw...)
			if dir == family.Sent {
				fx.Request = b // the last request of the exchange is the one replayed
				fx.Replies = nil
			} else {
				fx.Replies = append(fx.Replies, b)
			}
		}
		if err := tc.do(conn); err != nil {
			t.Fatalf("%s: %v", tc.cmd, err)
		}
		conn.Close()

		if err := fx.Write(filepath.Join("testdata", tc.file)); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "wrote testdata/%s\n", tc.file)
	}
}

// ignoreNotFound turns the not-found error that a capture expects into success.
func ignoreNotFound(err error) error {
	if _, ok := err.(*family.NotFoundError); ok {
		return nil
	}

	return err
}
