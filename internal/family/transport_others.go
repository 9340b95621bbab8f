//go:build !linux

package family

import (
	"errors"
	"os"
	"time"
)

var errNotLinux = errors.New("generic netlink exists only on Linux")

func dialSocket(DialOptions) (Transport, error) { return nil, errNotLinux }

// OpenNetNS fails everywhere but Linux.
func OpenNetNS(string) (*os.File, error) { return nil, errNotLinux }

// InInitialNetNS fails everywhere but Linux.
func InInitialNetNS(string) (bool, error) { return false, errNotLinux }

// monotonicNow returns 0: nlctl reads CLOCK_MONOTONIC on Linux only.
func monotonicNow() time.Duration { return 0 }
