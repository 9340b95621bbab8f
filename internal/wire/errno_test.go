package wire_test

import (
	"syscall"
	"testing"

	"github.com/nlctl/nlctl/internal/wire"
)

func TestErrnoNames(t *testing.T) {
	cases := []struct {
		errno      syscall.Errno
		name, text string
	}{
		{syscall.ENODEV, "ENODEV", "no such device"},
		{95, "EOPNOTSUPP", "operation not supported"},
		{524, "ENOTSUPP", "operation not supported"},
		{517, "EPROBE_DEFER", "driver probe deferred"},
	}
	for _, tc := range cases {
		if got := wire.ErrnoName(tc.errno); got != tc.name {
			t.Errorf("ErrnoName(%d) = %q, want %q", tc.errno, got, tc.name)
		}
		if got := wire.ErrnoText(tc.errno); got != tc.text {
			t.Errorf("ErrnoText(%d) = %q, want %q", tc.errno, got, tc.text)
		}
	}
}
