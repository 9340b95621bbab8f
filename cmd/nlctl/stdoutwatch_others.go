//go:build !linux

package main

import (
	"context"
	"os"
)

// watchStdout does nothing where nlctl cannot run.
func watchStdout(ctx context.Context, _ *os.File) context.Context { return ctx }
