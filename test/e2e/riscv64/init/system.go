package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// mountFileSystems mounts what nlctl and its network namespace support may
// use: devtmpfs on /dev (for /dev/null and the like), /proc, /sys, and tmpfs
// on /run (for /run/netns) and /tmp.
//
// The console needs no setup here: run.sh packs a /dev/console node into the
// initramfs, and the kernel opens it as fds 0, 1 and 2 before init starts.
// Without those fds the Go runtime aborts before main, because it then opens
// /dev/null in their place and the initramfs has none.
func mountFileSystems() {
	mounts := []struct {
		source, target, fstype string
		flags                  uintptr
	}{
		// MS_NODEV would make the device nodes on /dev unusable.
		{"devtmpfs", "/dev", "devtmpfs", syscall.MS_NOSUID},
		{"proc", "/proc", "proc", syscall.MS_NOSUID | syscall.MS_NODEV},
		{"sysfs", "/sys", "sysfs", syscall.MS_NOSUID | syscall.MS_NODEV},
		{"tmpfs", "/run", "tmpfs", syscall.MS_NOSUID | syscall.MS_NODEV},
		{"tmpfs", "/tmp", "tmpfs", syscall.MS_NOSUID | syscall.MS_NODEV},
	}
	for _, m := range mounts {
		if err := mount(m.source, m.target, m.fstype, m.flags); err != nil {
			fmt.Printf("%s warning %v\n", markerPrefix, err)
		}
	}
}

func mount(source, target, fstype string, flags uintptr) error {
	if err := os.MkdirAll(target, 0o755); err != nil {
		return fmt.Errorf("creating mount point: %w", err)
	}
	err := syscall.Mount(source, target, fstype, flags, "")
	if err != nil && !errors.Is(err, syscall.EBUSY) {
		return fmt.Errorf("mounting %s on %s: %w", fstype, target, err)
	}
	return nil
}

// ifreqFlags is struct ifreq with the ifr_flags member of the union, padded
// to the 40 bytes the kernel copies on 64-bit architectures.
type ifreqFlags struct {
	name  [syscall.IFNAMSIZ]byte
	flags uint16
	_     [22]byte
}

// bringUpLoopback sets IFF_UP on lo, as `ip link set lo up` would, so that
// runs can use 127.0.0.1 (for example as an MPTCP endpoint).
func bringUpLoopback() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening socket: %w", err)
	}
	defer syscall.Close(fd)

	var req ifreqFlags
	copy(req.name[:], "lo")
	if err := ioctl(fd, syscall.SIOCGIFFLAGS, unsafe.Pointer(&req)); err != nil {
		return fmt.Errorf("reading lo flags: %w", err)
	}
	req.flags |= syscall.IFF_UP
	if err := ioctl(fd, syscall.SIOCSIFFLAGS, unsafe.Pointer(&req)); err != nil {
		return fmt.Errorf("setting lo up: %w", err)
	}
	return nil
}

func ioctl(fd int, request uintptr, arg unsafe.Pointer) error {
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), request, uintptr(arg))
	if errno != 0 {
		return errno
	}
	return nil
}
