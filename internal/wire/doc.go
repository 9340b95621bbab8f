// Package wire parses and builds netlink messages: the nlmsghdr, the generic
// netlink header, type-length-value attributes, and NLMSG_ERROR messages with
// their extended ACK.
//
// It does no I/O and depends on no family: callers hand it bytes and get back
// headers and attribute slices that point into those bytes. Malformed input
// returns an error that names the offset and the length at fault; nothing
// here panics on bad bytes.
package wire
