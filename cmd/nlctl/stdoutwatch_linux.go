package main

import (
	"context"
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// errStdoutClosed ends a stream whose reader went away.
var errStdoutClosed = errors.New("stdout closed")

// watchStdout returns a context that ends when the reader of stdout goes
// away, such as `head -n 3` exiting after its third line, so a stream that
// waits for the next event stops at once instead of at its next write. It
// watches only pipes and sockets: a write end polled for no events reports
// POLLERR once no reader is left.
func watchStdout(ctx context.Context, f *os.File) context.Context {
	if f == nil {
		return ctx
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return ctx
	}
	if mode := st.Mode & unix.S_IFMT; mode != unix.S_IFIFO && mode != unix.S_IFSOCK {
		return ctx
	}

	ctx, cancel := context.WithCancelCause(ctx)
	fd := int(f.Fd())
	go func() {
		fds := []unix.PollFd{{Fd: int32(fd)}}
		for ctx.Err() == nil {
			// Wake every second to notice that the stream ended by itself.
			n, err := unix.Poll(fds, 1000)
			if err != nil && !errors.Is(err, unix.EINTR) {
				return
			}
			if n > 0 && fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
				cancel(errStdoutClosed)
				return
			}
		}
	}()

	return ctx
}
