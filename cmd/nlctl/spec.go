package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/schema/ynl"
)

// The spec commands read schemas only: they never open a netlink socket,
// so they work for families this kernel does not register.

func newSpecCommand(opts *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "List the schemas nlctl decodes families with, and show their ops and attributes",
		Args:  noArgs,
		RunE:  showHelp,
	}
	cmd.AddCommand(newSpecListCommand(opts), newSpecShowCommand(opts))

	return cmd
}

func newSpecListCommand(opts *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List every schema in search order: --spec files, spec folders, built-in schemas",
		Long: `List every schema in search order: --spec files, the folders of
$NLCTL_SPEC_PATH, ~/.config/nlctl/specs, /usr/share/ynl/specs, and the
schemas built into nlctl. When several sources have a schema for the same
family, the first one is used and the others are marked shadowed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSpecList(opts)
		},
	}
}

func runSpecList(opts *globalOptions) error {
	if err := rejectHex(opts, "spec list"); err != nil {
		return err
	}
	infos, err := listSchemas(opts)
	if err != nil {
		return err
	}
	// Spec files in folders are listed by name without being read; load
	// each once here, so that one that would fail a command is flagged.
	for _, info := range infos {
		if info.Source.Kind != schema.SourceFile || info.Shadowed {
			continue
		}
		if _, lerr := ynl.LoadFile(info.Source.Path); lerr != nil {
			fmt.Fprintf(opts.stderr, "nlctl: warning: %v; commands that use family %s will fail until it is fixed or moved\n", lerr, info.Family)
		}
	}

	return render.SpecList(opts.stdout, opts.format, infos)
}

// listSchemas lists the schema sources. A --spec file that does not load
// is a bad flag value.
func listSchemas(opts *globalOptions) ([]family.SchemaInfo, error) {
	infos, err := opts.schemas().List()
	var specErr *family.SpecFileError
	if errors.As(err, &specErr) {
		return nil, &valueError{err}
	}

	return infos, err
}

type specShowOptions struct {
	*globalOptions
	op string
}

func newSpecShowCommand(global *globalOptions) *cobra.Command {
	opts := &specShowOptions{globalOptions: global}
	cmd := &cobra.Command{
		Use:   "show FAMILY",
		Short: "Show a schema's ops, or with --op one op's request and reply attributes",
		Long: `Show the schema nlctl uses for a family: where it came from, its ops
with their request and reply numbers, and its multicast groups. With --op,
show that op's request and reply attributes with their types, nested
attribute sets expanded. Only the schema is read: the family need not be
registered in the running kernel. A family given by number is named by
the running kernel.`,
		Args: exactArgs(1, "a family name or number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSpecShow(opts, args[0])
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return opts.schemaNames(toComplete), cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().StringVar(&opts.op, "op", "", "show this op's attributes (name, or request number)")

	return cmd
}

// schemaNames returns the distinct family names of the known schemas that
// start with prefix.
func (o *globalOptions) schemaNames(prefix string) []string {
	infos, err := o.schemas().List()
	if err != nil {
		return nil
	}

	var names []string
	for _, info := range infos {
		if strings.HasPrefix(info.Family, prefix) && !slices.Contains(names, info.Family) {
			names = append(names, info.Family)
		}
	}
	slices.Sort(names)

	return names
}

func runSpecShow(opts *specShowOptions, name string) error {
	if err := rejectHex(opts.globalOptions, "spec show"); err != nil {
		return err
	}
	infos, err := listSchemas(opts.globalOptions)
	if err != nil {
		return err
	}
	sch, err := opts.schemas().Lookup(name)
	if err != nil {
		return &valueError{err}
	}
	if sch == nil {
		if id, perr := strconv.ParseUint(name, 0, 16); perr == nil {
			// A family number is the kernel's, so ask it for the name.
			return runSpecShowID(opts, uint16(id))
		}
		known := opts.schemaNames("")
		if near := decode.Nearest(name, known); near != "" {
			return &valueError{fmt.Errorf("no schema for family %q; did you mean %q? Known schemas: %s", name, near, strings.Join(known, ", "))}
		}
		return &valueError{fmt.Errorf("no schema for family %q; known schemas: %s (add one with --spec FILE or a folder in NLCTL_SPEC_PATH)",
			name, strings.Join(known, ", "))}
	}

	opts.debugWarnings(sch)

	var op *schema.Op
	if opts.op != "" {
		if op, err = findSpecOp(sch, opts.op); err != nil {
			return err
		}
	}

	return render.SpecShow(opts.stdout, opts.format, sch, infos, op)
}

// runSpecShowID shows the schema of the family the running kernel
// registers under id.
func runSpecShowID(opts *specShowOptions, id uint16) error {
	conn, err := opts.dial()
	if err != nil {
		return err
	}
	fam, err := resolveFamily(opts.globalOptions, conn, strconv.Itoa(int(id)))
	conn.Close()
	if err != nil {
		return err
	}

	return runSpecShow(opts, fam.Name)
}

// findSpecOp finds an op by name, or by request number when arg is a
// number.
func findSpecOp(sch *schema.Family, arg string) (*schema.Op, error) {
	if op := sch.Op(arg); op != nil {
		return op, nil
	}
	if n, err := strconv.ParseUint(arg, 10, 16); err == nil {
		if op := sch.OpByRequest(uint16(n)); op != nil {
			return op, nil
		}
	}

	names := make([]string, len(sch.Ops))
	for i := range sch.Ops {
		names[i] = sch.Ops[i].Name
	}

	return nil, &valueError{errors.New(family.UnknownOpMessage(sch.Name, arg, names))}
}

// rejectHex rejects -o hex, which annotates netlink messages: the spec
// commands send none.
func rejectHex(opts *globalOptions, command string) error {
	if opts.format == render.Hex {
		return usageErrorf("%s sends no netlink messages, so -o hex has nothing to show: use -o table, json or jsonl", command)
	}

	return nil
}
