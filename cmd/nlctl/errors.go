package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/wire"
)

// usageError is a mistake in flags or arguments: nlctl prints the usage
// with it and exits 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// valueError is a bad value found before anything was sent, such as an
// unknown op: nlctl exits 2 without printing the usage.
type valueError struct{ err error }

func (e *valueError) Error() string { return e.err.Error() }
func (e *valueError) Unwrap() error { return e.err }

// incompleteError marks a result that may be incomplete or inconsistent.
type incompleteError struct{ err error }

func (e *incompleteError) Error() string { return e.err.Error() }
func (e *incompleteError) Unwrap() error { return e.err }

type errorReport struct {
	render.ErrorJSON
	usage bool
}

const (
	hintPermission      = "this operation needs CAP_NET_ADMIN in the network namespace's user namespace: run nlctl as root or grant the capability (for example with sudo)"
	hintNotFound        = "its kernel module may not be loaded, or the kernel was built without it; `nlctl family list` shows the registered families"
	hintNetNSPermission = "entering another network namespace needs CAP_SYS_ADMIN, and reading its file needs permission: run nlctl as root; as root, a container or security module may forbid it"
	hintNetNS           = "you are in a network namespace other than the initial one, and some families (thermal, VFS_DQUOT, acpi_event, NLBL_*) exist only in the initial namespace"
)

// describeError maps an error to its message, hint and exit code.
func describeError(err error, opts *globalOptions) errorReport {
	r := errorReport{ErrorJSON: render.ErrorJSON{Error: err.Error(), ExitCode: exitFailure}}

	var errno syscall.Errno
	if errors.As(err, &errno) {
		r.Errno = int(errno)
		r.ErrnoName = wire.ErrnoName(errno)
	}

	var (
		usage    *usageError
		value    *valueError
		notFound *family.NotFoundError
		netns    *family.NetNSError
		partial  *incompleteError
		request  *requestError
		specFile *family.SpecFileError
	)
	if errors.As(err, &request) {
		r.ExtAck = render.NewExtAckJSON(request.info)
		r.Error = fmt.Sprintf("%s: %s (%s)", request.op, kernelText(request), wire.ErrnoName(request.kernel.Errno))
	}
	switch {
	case errors.As(err, &usage):
		r.ExitCode, r.usage = exitUsage, true
	case errors.As(err, &specFile) && specFile.InFolder:
		r.ExitCode = exitUsage
		r.Hint = "fix the spec, or move it out of the spec folders; `nlctl spec list` shows where each schema comes from"
	case errors.As(err, &value), errors.As(err, &specFile):
		r.ExitCode = exitUsage
	case errors.As(err, &netns) && errors.Is(err, os.ErrPermission):
		r.ExitCode = exitPermission
		r.Hint = hintNetNSPermission
	case errors.As(err, &netns) && errors.Is(err, syscall.EINVAL):
		r.ExitCode = exitUsage
		r.Hint = "give a name under /run/netns, as `ip netns add` creates it, or a namespace file such as /proc/PID/ns/net"
	case errors.As(err, &netns):
		r.ExitCode = exitUsage
		r.Hint = "create it with `ip netns add NAME`, list existing ones with `ip netns list`, or give a path such as /proc/PID/ns/net"
	case errors.As(err, &notFound) && notFound.Nearest != "":
		// A near name is most likely a typo, which the other hints do not
		// explain.
	case errors.As(err, &notFound):
		r.Hint = hintNotFound
		if !notFound.InitialNetNS {
			r.Hint += "\n" + hintNetNS
		}
	case errors.Is(err, os.ErrPermission):
		r.ExitCode = exitPermission
		r.Hint = hintPermission
	case errors.As(err, &partial):
		r.ExitCode = exitIncomplete
	case request != nil && request.kernel.Errno == syscall.ENODEV:
		r.Hint = "no network device with that name or index exists here; `ip link show` lists them"
		if opts.netns != "" {
			r.Hint += fmt.Sprintf(" (`ip -n %s link show` for --netns %s)", opts.netns, opts.netns)
		}
	}

	return r
}

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// kernelText is the kernel's message, or the errno text without one.
func kernelText(e *requestError) string {
	if m := e.info.Message; m != "" {
		return fmt.Sprintf("%s: %s", m, wire.ErrnoText(e.kernel.Errno))
	}

	return wire.ErrnoText(e.kernel.Errno)
}
