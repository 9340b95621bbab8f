package main

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// Set through -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func newVersionCommand(opts *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print nlctl's version, commit and platform",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.format.IsJSON() {
				b, err := json.Marshal(map[string]string{"version": version, "commit": commit, "date": date,
					"go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH})
				if err != nil {
					return err
				}
				_, err = opts.stdout.Write(append(b, '\n'))
				return err
			}
			_, err := fmt.Fprintln(opts.stdout, versionLine())
			return err
		},
	}
}

// versionLine is the text `nlctl version` and `nlctl --version` print.
func versionLine() string {
	return fmt.Sprintf("nlctl %s (commit %s, built %s) %s %s/%s",
		version, commit, date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
