package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
)

func newFamilyCommand(opts *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "family",
		Short: "List and inspect the kernel's generic netlink families",
		Args:  noArgs,
		RunE:  showHelp,
	}
	cmd.AddCommand(newFamilyListCommand(opts), newFamilyGetCommand(opts))

	return cmd
}

func newFamilyListCommand(opts *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List every family the kernel has registered, sorted by ID",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFamilyList(opts)
		},
	}
}

func runFamilyList(opts *globalOptions) error {
	conn, err := opts.dial()
	if err != nil {
		return err
	}
	defer conn.Close()

	fams, err := conn.ListFamilies()
	if err != nil {
		return err
	}
	skipped, err := opts.schemas().NameListOps(fams)
	if err != nil {
		return err
	}
	for _, e := range skipped {
		fmt.Fprintf(opts.stderr, "nlctl: warning: %v; its ops are named from the built-in schema\n", e)
	}
	if opts.format == render.Hex {
		return nil
	}

	return render.FamilyList(opts.stdout, opts.format, fams)
}

type familyGetOptions struct {
	*globalOptions
	policy bool
	op     string
}

func newFamilyGetCommand(global *globalOptions) *cobra.Command {
	opts := &familyGetOptions{globalOptions: global}
	cmd := &cobra.Command{
		Use:               "get NAME|ID",
		Short:             "Show one family: version, header size, ops and their flags, multicast groups, policy",
		Args:              exactArgs(1, "a family name or ID"),
		ValidArgsFunction: familyCompletion(global),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.op != "" && !opts.policy {
				return usageErrorf("--op selects the op whose policy --policy shows: add --policy")
			}
			return runFamilyGet(opts, args[0])
		},
	}
	cmd.Flags().BoolVar(&opts.policy, "policy", false, "add the kernel's validation policy of each op (CTRL_CMD_GETPOLICY)")
	cmd.Flags().StringVar(&opts.op, "op", "", "with --policy, show the policy of this op only (name or number)")

	return cmd
}

func runFamilyGet(opts *familyGetOptions, name string) error {
	conn, err := opts.dial()
	if err != nil {
		return err
	}
	defer conn.Close()

	fam, err := resolveFamily(opts.globalOptions, conn, name)
	if err != nil {
		return err
	}

	sch, err := opts.familySchema(fam)
	if err != nil {
		return err
	}
	names := render.Names{Source: namesSource(sch)}

	var policy *family.Policy
	if opts.policy {
		var op *family.Op
		if opts.op != "" {
			o, err := family.OpByName(fam, opts.op)
			if err != nil {
				return &valueError{err}
			}
			op = &o
		}
		if policy, err = conn.GetPolicy(fam, op); err != nil {
			return err
		}
		names.PolicySets = family.PolicySets(policy, sch)
	}
	if opts.format == render.Hex {
		return nil
	}

	return render.Family(opts.stdout, opts.format, fam, policy, names)
}

// resolveFamily looks a family up by name, or by ID when the argument is a
// number. A missing family's error records whether the lookup ran outside the
// initial network namespace.
func resolveFamily(opts *globalOptions, conn *family.Conn, arg string) (*family.Family, error) {
	var fam *family.Family
	var err error
	if id, perr := strconv.ParseUint(arg, 0, 16); perr == nil {
		fam, err = conn.GetFamilyByID(uint16(id))
	} else {
		fam, err = conn.GetFamily(arg)
	}

	var nf *family.NotFoundError
	if errors.As(err, &nf) {
		if fams, lerr := conn.ListFamilies(); lerr == nil {
			names := make([]string, len(fams))
			for i, f := range fams {
				names[i] = f.Name
			}
			nf.Nearest = decode.Nearest(arg, names)
			for _, name := range names {
				if strings.EqualFold(name, arg) { // seg6 for SEG6
					nf.Nearest = name
				}
			}
		}
		initial, nsErr := family.InInitialNetNS(opts.netns)
		nf.InitialNetNS = initial || (nsErr != nil && opts.netns == "")
		opts.debugf("family %q not found; initial network namespace: %v (%v)", arg, initial, nsErr)
	}

	return fam, err
}

// namesSource describes where a family's op and attribute names come from.
func namesSource(sch *schema.Family) string {
	if sch == nil {
		return "policy dump (attribute types only, shown by number)"
	}
	if sch.Source.Kind == schema.SourceFile {
		return "spec file " + sch.Source.Path
	}

	return "built-in schema"
}
