package main

import (
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/schema"
)

// completionTimeout bounds the kernel query behind a completion, so a
// shell does not hang on TAB when the kernel is slow to reply.
const completionTimeout = time.Second

// completeFamilies offers the families the running kernel registers,
// falling back to the names of known schemas when the kernel cannot be
// asked.
func (o *globalOptions) completeFamilies(toComplete string) []string {
	return o.completeFamiliesWhere(toComplete, func(family.Family) bool { return true })
}

// completeFamiliesWhere is completeFamilies limited, when the kernel lists
// its families, to those keep accepts.
func (o *globalOptions) completeFamiliesWhere(toComplete string, keep func(family.Family) bool) []string {
	var names []string
	conn, err := o.dialKernel(family.DialOptions{NetNS: o.netns, Timeout: completionTimeout})
	if err == nil {
		fams, lerr := conn.ListFamilies()
		conn.Close()
		if lerr == nil {
			for _, f := range fams {
				if keep(f) {
					names = append(names, f.Name)
				}
			}
		}
	}
	if len(names) == 0 {
		names = builtin.Names()
		if infos, err := o.schemas().List(); err == nil {
			for _, info := range infos {
				names = append(names, info.Family)
			}
		}
	}

	return withPrefix(names, toComplete)
}

// completeOps offers the ops of a family's schema that support the
// request kind: dump for `dump`, do for `do`.
func (o *globalOptions) completeOps(familyName string, dump bool, toComplete string) []string {
	sch, err := o.schemas().Lookup(familyName)
	if err != nil || sch == nil {
		return nil
	}

	var names []string
	for _, op := range sch.Ops {
		if op.HasRequest && (dump && op.Dump != nil || !dump && op.Do != nil) {
			names = append(names, op.Name)
		}
	}

	return withPrefix(names, toComplete)
}

// schemaOp finds an op with an attribute set in a family's schema, or
// returns a nil op.
func (o *globalOptions) schemaOp(familyName, opName string) (*schema.Family, *schema.Op) {
	sch, err := o.schemas().Lookup(familyName)
	if err != nil || sch == nil {
		return nil, nil
	}
	op := sch.Op(opName)
	if op == nil || op.AttrSet() == nil {
		return nil, nil
	}

	return sch, op
}

// completeAttrPaths offers attribute paths of an op's request, one level
// at a time: "header." leads into the header nest.
func (o *globalOptions) completeAttrPaths(familyName, opName string, dump bool, toComplete string) []string {
	sch, op := o.schemaOp(familyName, opName)
	if op == nil {
		return nil
	}
	// At the top level, offer only what the request takes when the schema
	// lists it; reply attributes would be rejected.
	takes := requestAttrs(sch, op, dump)

	set := op.AttrSet()
	prefix := ""
	parts := strings.Split(toComplete, ".")
	for _, part := range parts[:len(parts)-1] {
		name := part
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
		}
		a := set.ByName(name)
		if a == nil || a.Nested() == nil || prefix == "" && takes != nil && !slices.Contains(takes, name) {
			return nil
		}
		set = a.Nested()
		prefix += part + "."
	}

	var out []string
	for _, a := range set.Attrs {
		if a.Type == schema.TypeUnused || a.Type == schema.TypePad {
			continue
		}
		if prefix == "" && takes != nil && !slices.Contains(takes, a.Name) {
			continue
		}
		if a.Nested() != nil && a.Type == schema.TypeNest {
			out = append(out, prefix+a.Name+".")
		} else {
			out = append(out, prefix+a.Name+"=")
		}
	}

	return withPrefix(out, toComplete)
}

func withPrefix(names []string, prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)

	return out
}

// requestCompletion completes `do` and `dump`: the family, then the op.
func requestCompletion(opts *requestOptions) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		switch len(args) {
		case 0:
			return opts.completeFamilies(toComplete), cobra.ShellCompDirectiveNoFileComp
		case 1:
			return opts.completeOps(args[0], opts.dump, toComplete), cobra.ShellCompDirectiveNoFileComp
		}

		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// attrCompletion completes the value of --attr with attribute paths.
func attrCompletion(opts *requestOptions) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) < 2 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		if path, value, ok := strings.Cut(toComplete, "="); ok {
			return opts.completeAttrValues(args[0], args[1], path, value), cobra.ShellCompDirectiveNoFileComp
		}

		return opts.completeAttrPaths(args[0], args[1], opts.dump, toComplete), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}

// familyCompletion completes a single family argument.
func familyCompletion(opts *globalOptions) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}

		return opts.completeFamilies(toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// monitorCompletion completes FAMILY[:GROUP[,GROUP…]] arguments: family
// names, then after the colon the family's multicast groups as the kernel
// registers them.
func monitorCompletion(opts *globalOptions) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		name, groups, found := strings.Cut(toComplete, ":")
		if !found {
			// Only families with multicast groups have anything to monitor.
			withGroups := func(f family.Family) bool { return len(f.Groups) > 0 }
			return opts.completeFamiliesWhere(toComplete, withGroups), cobra.ShellCompDirectiveNoFileComp
		}

		conn, err := opts.dialKernel(family.DialOptions{NetNS: opts.netns, Timeout: completionTimeout})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer conn.Close()
		fam, err := conn.GetFamily(name)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}

		done := ""
		if i := strings.LastIndexByte(groups, ','); i >= 0 {
			done = groups[:i+1]
		}
		var out []string
		for _, g := range fam.Groups {
			out = append(out, name+":"+done+g.Name)
		}

		return withPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// completeAttrValues offers the entry names of an enum or flags attribute
// at path, after PATH=. For flags, a comma starts another name.
func (o *globalOptions) completeAttrValues(familyName, opName, path, value string) []string {
	_, op := o.schemaOp(familyName, opName)
	if op == nil {
		return nil
	}

	set := op.AttrSet()
	var a *schema.Attr
	for _, part := range strings.Split(path, ".") {
		if set == nil {
			return nil
		}
		name, _, _ := strings.Cut(part, "[")
		if a = set.ByName(name); a == nil {
			return nil
		}
		set = a.Nested()
	}
	enum := a.Enum()
	if enum == nil {
		return nil
	}

	done := ""
	if enum.Kind == schema.KindFlags || a.EnumAsFlags {
		if i := strings.LastIndexByte(value, ','); i >= 0 {
			done = value[:i+1]
		}
	}
	var out []string
	for _, e := range enum.Entries {
		out = append(out, path+"="+done+e.Name)
	}

	return withPrefix(out, path+"="+value)
}

// choiceCompletion completes a flag that takes one of a fixed set of
// values.
func choiceCompletion(values ...string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return withPrefix(values, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// netnsCompletion offers the namespaces `ip netns add` created, and
// paths for anything that looks like one.
func netnsCompletion(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "/") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	entries, err := os.ReadDir("/run/netns")
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}

	return withPrefix(names, toComplete), cobra.ShellCompDirectiveNoFileComp
}
