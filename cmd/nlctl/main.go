// Command nlctl lists, inspects and talks to Linux generic netlink
// families.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// A closed stdout pipe must end nlctl quietly: with SIGPIPE ignored, a
	// write returns EPIPE and run treats it as a normal end.
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
