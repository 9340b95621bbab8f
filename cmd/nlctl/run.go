package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
)

// Exit codes, documented in the README and in `nlctl --help`.
const (
	exitOK         = 0
	exitFailure    = 1 // kernel or runtime error
	exitUsage      = 2 // bad flag, argument or value, found before anything was sent
	exitIncomplete = 3 // the result may be incomplete or inconsistent
	exitPermission = 4 // permission denied
)

// run executes nlctl with the given arguments and returns its exit code.
// It writes data only to stdout and diagnostics only to stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, family.Dial, args, stdin, stdout, stderr)
}

// runWith is run with the function that opens kernel connections, which
// tests replace with a fake kernel.
func runWith(ctx context.Context, dial dialFunc, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := bufio.NewWriterSize(stdout, 64*1024)
	opts := &globalOptions{stdin: stdin, stdout: out, stderr: stderr, dialKernel: dial}
	if f, ok := stdout.(*os.File); ok {
		opts.stdoutFile = f
	}
	root := newRootCommandFor(opts, args)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(out)
	root.SetErr(stderr)

	err := root.ExecuteContext(ctx)
	flushErr := out.Flush()
	if err == nil {
		err = flushErr
	}
	if err == nil || errors.Is(err, syscall.EPIPE) {
		return exitOK
	}

	if f, perr := render.ParseFormat(outputFlag(args, opts.output)); perr == nil {
		// A flag or argument error stops cobra before validate sets the
		// format, but -o json still requests a JSON error.
		opts.format = f
	}
	report := describeError(err, opts)
	if report.usage && !opts.format.IsJSON() {
		root.SetOut(stderr)
		if cmd, _, findErr := root.Find(args); findErr == nil && cmd != nil {
			cmd.SetOut(stderr)
			_ = cmd.Usage()
		} else {
			_ = root.Usage()
		}
	}
	_ = render.Error(stderr, opts.format, report.ErrorJSON)

	return report.ExitCode
}

// outputFlag finds the value of -o/--output in args, because a flag error
// stops parsing before flags that follow the bad one are read. It returns
// parsed when args do not set it.
func outputFlag(args []string, parsed string) string {
	for i, a := range args {
		switch {
		case a == "--":
			return parsed
		case (a == "-o" || a == "--output") && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "--output="):
			return strings.TrimPrefix(a, "--output=")
		case strings.HasPrefix(a, "-o") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			return strings.TrimPrefix(strings.TrimPrefix(a, "-o"), "=")
		}
	}

	return parsed
}
