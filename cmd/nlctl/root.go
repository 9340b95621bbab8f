package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nlctl/nlctl/internal/builtin"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// globalOptions holds the flags every command shares, and the streams.
type globalOptions struct {
	output  string
	netns   string
	timeout time.Duration
	debug   bool
	specs   []string

	showVersion bool

	format     render.Format
	dialKernel dialFunc
	// stdoutFile is the process's stdout when it is a file, so a stream can
	// notice its reader going away; nil in tests.
	stdoutFile *os.File
	// hexFamilies names the families -o hex annotates, by family ID.
	hexFamilies map[uint16]render.HexNames
	stdin       io.Reader
	stdout      io.Writer
	stderr      io.Writer
}

// doReceiveBuffer is the socket receive buffer for do requests, in bytes.
// The kernel drops a reply that does not fit (ENOBUFS), and some replies
// exceed the default of about 200 KiB, such as an ethtool strset of a
// device with hundreds of queues. Dumps keep the default: their parts are
// small, and a larger buffer measured about 15% slower on long dumps.
const doReceiveBuffer = 4 << 20

// dialFunc opens a connection to the kernel.
type dialFunc func(family.DialOptions) (*family.Conn, error)

const rootLong = `nlctl lists and inspects Linux generic netlink families and talks to them.

Exit codes:
  0  success
  1  kernel or runtime error
  2  usage error: a bad flag, argument, op, attribute or value, found before
     anything is sent (usage is printed only for flag and argument errors)
  3  the result may be incomplete or inconsistent (an interrupted dump,
     lost notifications)
  4  permission denied: the operation needs CAP_NET_ADMIN

With -o json or -o jsonl, an error is written to stderr as one JSON object:
  {"error": "...", "exit-code": N, "hint": "...", "errno": N, "errno-name": "E..."}`

// newRootCommand builds the whole command tree.
func newRootCommand(opts *globalOptions) *cobra.Command {
	return newRootCommandFor(opts, nil)
}

// newRootCommandFor builds the tree args need: when args name one
// top-level command, the root gets only that one, which spares every run
// the flag sets of the others. Anything else (help, completion, a typo)
// gets the whole tree.
func newRootCommandFor(opts *globalOptions, args []string) *cobra.Command {
	root := newRootOnly(opts)
	name := commandName(args)
	for _, c := range topCommands() {
		if c.name == name {
			root.AddCommand(c.build(opts))
			// A run of one command needs no completion command either.
			root.CompletionOptions.DisableDefaultCmd = true
			return root
		}
	}
	for _, c := range topCommands() {
		root.AddCommand(c.build(opts))
	}

	return root
}

// topCommand is a top-level command and its constructor.
type topCommand struct {
	name  string
	build func(*globalOptions) *cobra.Command
}

func topCommands() []topCommand {
	return []topCommand{
		{"family", newFamilyCommand},
		{"version", newVersionCommand},
		{"do", func(o *globalOptions) *cobra.Command { return newRequestCommand(o, false) }},
		{"dump", func(o *globalOptions) *cobra.Command { return newRequestCommand(o, true) }},
		{"monitor", newMonitorCommand},
		{"spec", newSpecCommand},
	}
}

// commandName returns the first argument that is neither a flag nor the
// value of a root flag, or "" when there is none before "--".
func commandName(args []string) string {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--":
			return ""
		case a == "-o" || a == "--output" || a == "--netns" || a == "--timeout" || a == "--spec":
			i++
		case !strings.HasPrefix(a, "-"):
			return a
		}
	}

	return ""
}

// newRootOnly builds the root command without its subcommands.
func newRootOnly(opts *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:           "nlctl",
		Short:         "Inspect and talk to Linux generic netlink families",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.showVersion {
				_, err := fmt.Fprintln(opts.stdout, versionLine())
				return err
			}
			return cmd.Help()
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate()
		},
	}

	f := root.PersistentFlags()
	f.StringVarP(&opts.output, "output", "o", "table", "output format: table, json, jsonl (one object per line) or hex (annotated raw messages)")
	f.StringVar(&opts.netns, "netns", "", "network namespace to work in: a name under /run/netns or a path such as /proc/PID/ns/net")
	f.DurationVar(&opts.timeout, "timeout", 10*time.Second, "maximum wait for each kernel round trip, such as 500ms or 5s (0 waits forever)")
	f.BoolVar(&opts.debug, "debug", false, "write diagnostics to stderr")
	repeatableFlag(f, &opts.specs, "spec", "YNL spec `FILE` to use for its family before any other schema (repeatable)")
	_ = root.RegisterFlagCompletionFunc("output", choiceCompletion("table", "json", "jsonl", "hex"))
	_ = root.RegisterFlagCompletionFunc("netns", netnsCompletion)
	_ = root.RegisterFlagCompletionFunc("spec", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	})

	// --version is a plain flag: cobra's own prints through text/template,
	// whose reflection keeps about 2 MB more of the binary, which every
	// command then pays for in page faults at start-up.
	root.Flags().BoolVar(&opts.showVersion, "version", false, "print nlctl's version, commit and platform")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err}
	})

	return root
}

func (o *globalOptions) validate() error {
	format, err := render.ParseFormat(o.output)
	if err != nil {
		return &usageError{err}
	}
	o.format = format
	if o.timeout < 0 {
		return usageErrorf("invalid --timeout %v: use a positive duration such as 5s, or 0 to wait forever", o.timeout)
	}

	return nil
}

// schemas returns the schema sources: the --spec files, then the spec
// folders named by the environment, then the built-in schemas.
func (o *globalOptions) schemas() *family.Schemas {
	return family.NewSchemas(o.specs, os.Getenv)
}

// familySchema finds the schema of a family registered in the kernel and
// names the family's ops from it. Without a schema it returns nil, and
// callers fall back to the kernel's policy dump.
func (o *globalOptions) familySchema(fam *family.Family) (*schema.Family, error) {
	sch, err := o.schemas().Lookup(fam.Name)
	if err != nil {
		return nil, err
	}
	if sch != nil {
		family.NameOps(fam, sch)
		o.debugf("schema for %s: %s %s", fam.Name, sch.Source.Kind, sch.Source.Path)
		o.debugWarnings(sch)
	}

	return sch, nil
}

// debugWarnings shows, with --debug, what the spec loader ignored.
func (o *globalOptions) debugWarnings(sch *schema.Family) {
	for _, w := range sch.Warnings {
		o.debugf("spec warning: %s", w)
	}
}

func (o *globalOptions) debugf(format string, args ...any) {
	if o.debug {
		fmt.Fprintf(o.stderr, "debug: "+format+"\n", args...)
	}
}

// dial opens a generic netlink connection in the chosen namespace. In hex
// mode every message sent and received is dumped to stdout.
func (o *globalOptions) dial() (*family.Conn, error) {
	return o.dialWith(0)
}

// dialWith is dial with a receive buffer of rcvbuf bytes, or the
// kernel's default when rcvbuf is 0.
func (o *globalOptions) dialWith(rcvbuf int) (*family.Conn, error) {
	start := time.Now()
	conn, err := o.dialKernel(family.DialOptions{NetNS: o.netns, Timeout: o.timeout, ReceiveBuffer: rcvbuf})
	if err != nil {
		return nil, err
	}
	o.debugf("opened generic netlink socket, port ID %d, netns %q, in %v", conn.PortID(), o.netns, time.Since(start))

	if o.format == render.Hex {
		dump := &render.HexDump{W: o.stdout, Names: o.hexNames}
		conn.Trace = func(dir family.Direction, m wire.Message) { _ = dump.Message(dir, m) }
	}

	return conn, nil
}

// nameHex lets the hex dump name the messages of a family once a command
// has resolved it and found its schema.
func (o *globalOptions) nameHex(id uint16, names render.HexNames) {
	if o.hexFamilies == nil {
		o.hexFamilies = map[uint16]render.HexNames{}
	}
	o.hexFamilies[id] = names
}

// hexNames names the messages of a family ID: nlctrl always, others once a
// command has called nameHex for them.
// nlctrlGetPolicy is CTRL_CMD_GETPOLICY, the command of policy dumps.
const nlctrlGetPolicy = 10

func (o *globalOptions) hexNames(id uint16) render.HexNames {
	if names, ok := o.hexFamilies[id]; ok {
		return names
	}
	if id == 16 {
		names := render.HexNames{
			Family: "nlctrl",
			Op:     func(cmd uint8) string { return family.OpName("nlctrl", uint32(cmd)) },
			Attrs:  family.NlctrlAttrNames(),
		}
		// The built-in schema adds types to the family records, so values
		// show with their names. Policy dumps keep the plain names, whose
		// two index levels the schema's set does not describe for the dump.
		if sch, err := builtin.Load("nlctrl"); err == nil && sch != nil {
			if op := sch.Op("getfamily"); op != nil {
				set := op.AttrSet()
				names.SetFor = func(cmd uint8) *schema.AttrSet {
					if cmd == nlctrlGetPolicy {
						return nil
					}
					return set
				}
			}
		}
		o.nameHex(id, names) // every nlctrl message looks these up
		return names
	}

	return render.HexNames{}
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
	}

	return nil
}

// exactArgs requires n positional arguments, named in the error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			noun := "arguments"
			if n == 1 {
				noun = "argument"
			}
			return usageErrorf("%q takes %d %s (%s), got %d", strings.TrimPrefix(cmd.CommandPath(), "nlctl "), n, noun, what, len(args))
		}
		return nil
	}
}

// showHelp is the action of a command that only groups subcommands.
func showHelp(cmd *cobra.Command, args []string) error {
	return cmd.Help()
}

// schemaHexNames names a family's messages for the hex dump from its
// schema, choosing each message's attribute set by its command.
func schemaHexNames(name string, sch *schema.Family) render.HexNames {
	names := render.HexNames{Family: name}
	if sch == nil {
		return names
	}

	names.Op = func(cmd uint8) string {
		if op := sch.OpByReply(uint16(cmd)); op != nil {
			return op.Name
		}
		return ""
	}
	names.SetFor = func(cmd uint8) *schema.AttrSet {
		if op := sch.OpByReply(uint16(cmd)); op != nil {
			return op.AttrSet()
		}
		return nil
	}

	return names
}

// stringList is a repeatable string flag. pflag's own StringArray formats
// its default through an encoding/csv writer with a 4 KiB buffer, once per
// flag whenever the command tree is built, which every command paid for.
type stringList struct{ values *[]string }

func (l stringList) Set(s string) error {
	*l.values = append(*l.values, s)
	return nil
}

// Type keeps pflag's name, so help and completion describe the flag as
// they would a StringArray.
func (l stringList) Type() string { return "stringArray" }

func (l stringList) String() string {
	if len(*l.values) == 0 {
		return ""
	}
	return "[" + strings.Join(*l.values, ",") + "]"
}

// onceString is a string flag that may be given once: a second value
// would silently replace the first.
type onceString struct{ value *string }

func (o onceString) Set(s string) error {
	if *o.value != "" {
		return errors.New("given twice: give one JSON object, and add single attributes with --attr")
	}
	*o.value = s
	return nil
}

func (o onceString) Type() string   { return "string" }
func (o onceString) String() string { return *o.value }

// repeatableFlag adds a repeatable string flag to f.
func repeatableFlag(f *pflag.FlagSet, p *[]string, name, usage string) {
	f.Var(stringList{values: p}, name, usage)
}
