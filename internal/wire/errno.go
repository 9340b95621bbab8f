package wire

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// kernelErrnos are the numbers Linux keeps for itself in
// include/linux/errno.h, which some netlink families still return to
// user space, with their names and meanings.
var kernelErrnos = map[syscall.Errno][2]string{
	512: {"ERESTARTSYS", "interrupted, restart the call"},
	513: {"ERESTARTNOINTR", "interrupted, restart the call"},
	514: {"ERESTARTNOHAND", "interrupted, restart if no handler"},
	515: {"ENOIOCTLCMD", "no ioctl command"},
	516: {"ERESTART_RESTARTBLOCK", "interrupted, restart with the restart block"},
	517: {"EPROBE_DEFER", "driver probe deferred"},
	518: {"EOPENSTALE", "open found a stale dentry"},
	519: {"ENOPARAM", "parameter not supported"},
	521: {"EBADHANDLE", "illegal NFS file handle"},
	522: {"ENOTSYNC", "update synchronization mismatch"},
	523: {"EBADCOOKIE", "cookie is stale"},
	524: {"ENOTSUPP", "operation not supported"},
	525: {"ETOOSMALL", "buffer or request is too small"},
	526: {"ESERVERFAULT", "an untranslatable error occurred"},
	527: {"EBADTYPE", "type not supported by server"},
	528: {"EJUKEBOX", "request initiated, but will not complete before timeout"},
	529: {"EIOCBQUEUED", "iocb queued, will get completion event"},
	530: {"ERECALLCONFLICT", "conflict with recalled state"},
	531: {"ENOGRACE", "NFS file lock reclaim refused"},
}

// ErrnoName names an errno as the kernel's headers do. Go's table gives
// ENOTSUP for 95, which Linux calls EOPNOTSUPP in its own messages, and
// has no names for the kernel's internal numbers from 512 on.
func ErrnoName(e syscall.Errno) string {
	if e == unix.EOPNOTSUPP {
		return "EOPNOTSUPP"
	}
	if k, ok := kernelErrnos[e]; ok {
		return k[0]
	}

	return unix.ErrnoName(e)
}

// ErrnoText describes an errno, including the kernel's internal ones,
// for which Go prints only "errno N".
func ErrnoText(e syscall.Errno) string {
	if k, ok := kernelErrnos[e]; ok {
		return k[1]
	}

	return e.Error()
}
