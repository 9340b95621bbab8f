package family

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/nlctl/nlctl/internal/wire"
)

// KernelError is an error the kernel returned for a request: the errno and
// the extended ACK of its NLMSG_ERROR or NLMSG_DONE message. It unwraps to
// the syscall.Errno, so errors.Is(err, os.ErrPermission) works.
type KernelError struct {
	Errno syscall.Errno
	// Message is the decoded error message; Request is the request as sent,
	// so an extended ACK offset can be mapped back to an attribute.
	Message *wire.ErrorMessage
	Request []byte
}

func (e *KernelError) Error() string {
	if m := e.Message.ExtAck.Message; m != "" {
		return fmt.Sprintf("kernel: %s: %v", m, e.Errno)
	}

	return fmt.Sprintf("kernel: %v", e.Errno)
}

func (e *KernelError) Unwrap() error { return e.Errno }

// NotFoundError reports a family that the kernel has not registered. It
// unwraps to the kernel's error (ENOENT).
type NotFoundError struct {
	Family string
	// InitialNetNS is false when the lookup ran in a network namespace other
	// than the initial one, where some families are not visible.
	InitialNetNS bool
	// Nearest is the registered family whose name is nearest, when one is
	// near enough to be a typo.
	Nearest string
	Err     error
}

func (e *NotFoundError) Unwrap() error { return e.Err }

func (e *NotFoundError) Error() string {
	if e.Nearest != "" {
		return fmt.Sprintf("family %q is not registered in this kernel; did you mean %q?", e.Family, e.Nearest)
	}

	return fmt.Sprintf("family %q is not registered in this kernel", e.Family)
}

// NetNSError reports a network namespace that cannot be entered: it does
// not exist, the path is not a network namespace, or entering it is not
// permitted.
type NetNSError struct {
	Name string
	Path string
	Err  error
}

func (e *NetNSError) Error() string {
	switch {
	case errors.Is(e.Err, os.ErrNotExist):
		return fmt.Sprintf("network namespace %q not found: %s does not exist", e.Name, e.Path)
	case errors.Is(e.Err, syscall.EINVAL):
		return fmt.Sprintf("network namespace %q: %s is not a network namespace file", e.Name, e.Path)
	case errors.Is(e.Err, os.ErrPermission):
		return fmt.Sprintf("enter network namespace %q (%s): %v", e.Name, e.Path, e.Err)
	}

	return fmt.Sprintf("network namespace %q (%s): %v", e.Name, e.Path, e.Err)
}

func (e *NetNSError) Unwrap() error { return e.Err }

// ErrTimeout is returned when the kernel does not reply within the
// connection's timeout.
var ErrTimeout = errors.New("timed out waiting for the kernel's reply")

const errNoEnt = syscall.ENOENT

func isErrno(err error, errno syscall.Errno) bool {
	var ke *KernelError
	return errors.As(err, &ke) && ke.Errno == errno
}
