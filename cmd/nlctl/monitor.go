package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// defaultReceiveBuffer is the receive buffer monitor requests. Linux
// doubles it, so 8 MiB of notifications can queue. A small notification
// takes about 830 bytes of that: netdev's dev-add-ntf and ethtool's
// features-ntf did on Linux 6.18, measured with SO_MEMINFO. So about 10,000
// of them fit, enough for a burst of 1,000 changes while the reader stalls.
// A notification of a few kilobytes takes proportionally more. Without
// CAP_NET_ADMIN the kernel caps the request at net.core.rmem_max.
const defaultReceiveBuffer = 4 << 20

const monitorLong = `Join multicast groups of generic netlink families and print their
notifications as they happen, until interrupted (SIGINT or SIGTERM), --count
notifications have arrived, or --duration has passed.

Each argument names a family and, after a colon, the groups to join, separated
by commas. Without groups, every group of the family is joined. Group names
come from the kernel: ` + "`nlctl family get FAMILY`" + ` lists them. Monitor nlctrl to see
families register and leave.

With -o json or -o jsonl, each notification is one JSON object on its own line:
  {"time": "...", "family": "...", "group": "...", "op": "...", "port-id": N, "attrs": {...}}
and notifications the kernel dropped because the receive buffer was full are
reported in the stream as
  {"time": "...", "lost": true, "overruns": N, "dropped": N}
and on stderr. nlctl then keeps monitoring, and exits with code 3 at the end.`

const monitorExample = `  nlctl monitor ethtool
  nlctl monitor netdev:mgmt ethtool --count 10
  nlctl monitor nlctrl -o jsonl --timestamp mono | jq .
  nlctl --netns ns1 monitor netdev --duration 30s -o json > events.jsonl`

// monitorOptions are the flags of `nlctl monitor`.
type monitorOptions struct {
	*globalOptions
	timestamp string
	count     int
	duration  time.Duration
	rcvbuf    byteSize

	stamps render.Timestamps
	// rcvbufSet is true when --rcvbuf was given on the command line.
	rcvbufSet bool
}

func newMonitorCommand(global *globalOptions) *cobra.Command {
	opts := &monitorOptions{globalOptions: global, rcvbuf: defaultReceiveBuffer}
	cmd := &cobra.Command{
		Use:               "monitor FAMILY[:GROUP[,GROUP...]]...",
		Short:             "Print the multicast notifications of families as they happen",
		Long:              monitorLong,
		Example:           monitorExample,
		Args:              minimumArgs(1, "a family, optionally with groups"),
		ValidArgsFunction: monitorCompletion(global),
		RunE: func(cmd *cobra.Command, args []string) error {
			targets, err := opts.validate(cmd, args)
			if err != nil {
				return err
			}

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			ctx = watchStdout(ctx, opts.stdoutFile)
			// After the first signal the default action returns, so a second
			// one ends nlctl even if a write to stdout blocks.
			context.AfterFunc(ctx, stop)
			if opts.duration > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, opts.duration)
				defer cancel()
			}

			return runMonitor(ctx, opts, targets)
		},
	}

	f := cmd.Flags()
	f.StringVar(&opts.timestamp, "timestamp", "wall", "time of each notification: wall (RFC 3339, nanoseconds), mono (seconds since boot), delta (seconds since the previous line) or none")
	_ = cmd.RegisterFlagCompletionFunc("timestamp", choiceCompletion("wall", "mono", "delta", "none"))
	f.IntVar(&opts.count, "count", 0, "stop after this many notifications (0: no limit)")
	f.DurationVar(&opts.duration, "duration", 0, "stop after this long, such as 30s or 5m (0: no limit)")
	f.Var(&opts.rcvbuf, "rcvbuf", "socket receive buffer in `BYTES`, with an optional K, M or G suffix (powers of 1024); Linux doubles it for its bookkeeping, and caps it at net.core.rmem_max without CAP_NET_ADMIN")

	return cmd
}

// monitorTarget is one argument: a family and the groups named after it.
type monitorTarget struct {
	family string
	groups []string
}

func (o *monitorOptions) validate(cmd *cobra.Command, args []string) ([]monitorTarget, error) {
	stamps, err := render.ParseTimestamps(o.timestamp)
	if err != nil {
		return nil, &usageError{err}
	}
	o.stamps = stamps
	o.rcvbufSet = cmd.Flags().Changed("rcvbuf")

	if o.count < 0 {
		return nil, usageErrorf("invalid --count %d: use a positive number, or 0 for no limit", o.count)
	}
	if o.duration < 0 {
		return nil, usageErrorf("invalid --duration %v: use a positive duration such as 30s, or 0 for no limit", o.duration)
	}

	targets := make([]monitorTarget, 0, len(args))
	for _, arg := range args {
		t, err := parseMonitorTarget(arg)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}

	return targets, nil
}

// parseMonitorTarget splits FAMILY[:GROUP[,GROUP...]].
func parseMonitorTarget(arg string) (monitorTarget, error) {
	name, groups, hasGroups := strings.Cut(arg, ":")
	if name == "" {
		return monitorTarget{}, usageErrorf("invalid argument %q: name a family, as in ethtool or netdev:mgmt", arg)
	}

	t := monitorTarget{family: name}
	if !hasGroups {
		return t, nil
	}
	for _, g := range strings.Split(groups, ",") {
		if g == "" {
			return monitorTarget{}, usageErrorf("invalid argument %q: a group name is empty; separate groups with commas, as in netdev:mgmt,page-pool", arg)
		}
		t.groups = append(t.groups, g)
	}

	return t, nil
}

// minimumArgs requires at least n positional arguments, named in the error.
func minimumArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrorf("%q takes at least %d argument (%s), got %d",
				strings.TrimPrefix(cmd.CommandPath(), "nlctl "), n, what, len(args))
		}
		return nil
	}
}

func runMonitor(ctx context.Context, opts *monitorOptions, targets []monitorTarget) error {
	conn, err := opts.dial()
	if err != nil {
		return err
	}
	defer conn.Close()

	subs, schemas, err := opts.resolveTargets(conn, targets)
	if err != nil {
		return err
	}

	mon, err := conn.Monitor(subs, family.MonitorOptions{ReceiveBuffer: int(opts.rcvbuf)})
	if err != nil {
		return err
	}
	opts.reportReceiveBuffer(mon.ReceiveBuffer())
	for _, sub := range subs {
		for _, g := range sub.Groups {
			opts.debugf("joined %s:%s (group ID %d)", sub.Family.Name, g.Name, g.ID)
		}
	}
	opts.debugf("waiting for notifications")

	p := &monitorPrinter{opts: opts, schemas: schemas,
		out: render.NewEventWriter(opts.stdout, opts.format, opts.stamps, mon.Started().Mono)}
	if err := mon.Run(ctx, p.handle); err != nil {
		return err
	}

	return p.result(mon)
}

// resolveTargets looks up each family and its groups in the kernel, and
// finds the schema that decodes its notifications. A family named twice
// gets the union of its groups.
func (o *monitorOptions) resolveTargets(conn *family.Conn, targets []monitorTarget) ([]family.Subscription, map[uint16]*schema.Family, error) {
	var subs []family.Subscription
	schemas := map[uint16]*schema.Family{}
	index := map[uint16]int{}
	for _, t := range targets {
		fam, err := resolveFamily(o.globalOptions, conn, t.family)
		if err != nil {
			return nil, nil, err
		}
		groups, err := selectGroups(fam, t.groups)
		if err != nil {
			return nil, nil, err
		}

		if i, seen := index[fam.ID]; seen {
			subs[i].Groups = addGroups(subs[i].Groups, groups)
			continue
		}
		if schemas[fam.ID], err = o.notificationSchema(conn, fam); err != nil {
			return nil, nil, err
		}
		o.nameHex(fam.ID, schemaHexNames(fam.Name, schemas[fam.ID]))
		index[fam.ID] = len(subs)
		subs = append(subs, family.Subscription{Family: fam, Groups: addGroups(nil, groups)})
	}

	return subs, schemas, nil
}

// selectGroups returns the named groups of fam, or all of them when none is
// named. The names come from the kernel's reply, not from a schema.
func selectGroups(fam *family.Family, names []string) ([]family.Group, error) {
	if len(fam.Groups) == 0 {
		return nil, &valueError{fmt.Errorf("family %s has no multicast groups, so there is nothing to monitor", fam.Name)}
	}
	if len(names) == 0 {
		return fam.Groups, nil
	}

	groups := make([]family.Group, 0, len(names))
	for _, name := range names {
		g, ok := findGroup(fam.Groups, name)
		if !ok {
			return nil, &valueError{fmt.Errorf("family %s has no multicast group %q; valid groups: %s",
				fam.Name, name, groupNames(fam.Groups))}
		}
		groups = append(groups, g)
	}

	return groups, nil
}

// addGroups appends the groups that to lacks.
func addGroups(to, groups []family.Group) []family.Group {
	for _, g := range groups {
		if _, dup := findGroup(to, g.Name); !dup {
			to = append(to, g)
		}
	}

	return to
}

func findGroup(groups []family.Group, name string) (family.Group, bool) {
	for _, g := range groups {
		if g.Name == name {
			return g, true
		}
	}

	return family.Group{}, false
}

func groupNames(groups []family.Group) string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.Name
	}

	return strings.Join(names, ", ")
}

// notificationSchema returns the schema that decodes fam's notifications:
// a spec or built-in schema, else one built from the kernel's policy dump,
// else nil, which shows every attribute by number with its raw bytes.
func (o *monitorOptions) notificationSchema(conn *family.Conn, fam *family.Family) (*schema.Family, error) {
	sch, err := o.familySchema(fam)
	if err != nil || sch != nil {
		return sch, err
	}

	policy, err := conn.GetPolicy(fam, nil)
	if err != nil {
		o.debugf("no schema and no policy for %s, attributes are shown raw: %v", fam.Name, err)
		return nil, nil
	}
	// NOTE: the policy describes requests only, so notifications are typed
	// by the policy of the request op with the same command number, if any.
	sch, err = family.PolicySchema(fam, policy)
	if err != nil {
		o.debugf("policy of %s does not form a schema, attributes are shown raw: %v", fam.Name, err)
		return nil, nil
	}
	o.debugf("no schema for %s: typing attributes by its policy dump", fam.Name)

	return sch, nil
}

// reportReceiveBuffer logs the receive buffer the kernel granted. When
// --rcvbuf requested more than the kernel allowed, it warns on stderr.
func (o *monitorOptions) reportReceiveBuffer(granted int) {
	requested := int(o.rcvbuf)
	if requested == 0 {
		o.debugf("receive buffer: the kernel's default")
		return
	}

	o.debugf("receive buffer: requested %d bytes, the kernel reports %d", requested, granted)
	if o.rcvbufSet && granted < 2*requested {
		fmt.Fprintf(o.stderr, "nlctl: warning: the receive buffer is %d bytes, less than the %d bytes expected for --rcvbuf %d (Linux reports twice the request): without CAP_NET_ADMIN the kernel caps it at net.core.rmem_max\n",
			granted, 2*requested, requested)
	}
}

// monitorPrinter decodes and writes each event of a monitor run.
type monitorPrinter struct {
	opts      *monitorOptions
	schemas   map[uint16]*schema.Family
	out       *render.EventWriter
	count     int
	malformed int
}

func (p *monitorPrinter) handle(ev family.Event) error {
	switch {
	case ev.Loss != nil:
		fmt.Fprintf(p.opts.stderr, "nlctl: notifications lost: %s\n", render.DescribeLoss(ev.Loss))
		return p.write(func() error { return p.out.Loss(ev.Loss) })
	case ev.Malformed != nil:
		p.malformed++
		fmt.Fprintf(p.opts.stderr, "nlctl: malformed notification datagram on group %s: %v; bytes: %s\n",
			groupLabel(ev.Malformed.Group), ev.Malformed.Err, render.FormatBytes(ev.Malformed.Raw, schema.DisplayHex))
		return nil
	}

	if err := p.write(func() error { return p.out.Event(p.event(ev.Notification)) }); err != nil {
		return err
	}
	p.count++
	if p.opts.count > 0 && p.count >= p.opts.count {
		return family.ErrStopMonitor
	}

	return nil
}

// write runs fn unless the output is annotated hex, which the connection's
// trace has written already; it then only flushes.
func (p *monitorPrinter) write(fn func() error) error {
	if p.opts.format != render.Hex {
		return fn()
	}
	if f, ok := p.opts.stdout.(interface{ Flush() error }); ok {
		return f.Flush()
	}

	return nil
}

// event decodes a notification: its op is chosen by command and group.
func (p *monitorPrinter) event(n *family.Notification) *render.Event {
	raw := n.Message.Raw
	e := &render.Event{Time: n.Time, Family: strconv.Itoa(int(n.Message.Header.Type)),
		Group: groupLabel(n.Group), PortID: n.Message.Header.PortID}
	var sch *schema.Family
	if n.Family != nil {
		e.Family = n.Family.Name
		sch = p.schemas[n.Family.ID]
	}

	dec := decode.Decoder{Family: sch}
	var op *schema.Op
	if len(raw) > wire.HeaderLen {
		op = family.NotificationOp(sch, raw[wire.HeaderLen], n.Group.Name)
	}
	m, err := dec.Message(raw, op)
	if err != nil {
		e.Message = &decode.Message{Attrs: []decode.Node{{Kind: decode.KindError, Text: err.Error(),
			Offset: wire.HeaderLen, Raw: n.Message.Payload}}}
		return e
	}

	e.Op = strconv.Itoa(int(m.Command))
	if m.Op != nil {
		e.Op = m.Op.Name
	}
	e.Message = m

	return e
}

// groupLabel names a group for output: its name, its ID when the kernel
// gave no name, or "" for a unicast message.
func groupLabel(g family.Group) string {
	if g.Name == "" && g.ID != 0 {
		return strconv.FormatUint(uint64(g.ID), 10)
	}

	return g.Name
}

// result turns lost or malformed notifications into exit code 3, with a
// one-line summary.
func (p *monitorPrinter) result(mon *family.Monitor) error {
	overruns := mon.Overruns()
	dropped, hasDropped := mon.Dropped()
	if overruns == 0 && dropped == 0 && p.malformed == 0 {
		return nil
	}

	var parts []string
	if overruns > 0 || dropped > 0 {
		s := fmt.Sprintf("receive buffer overruns: %d", overruns)
		if hasDropped {
			s += fmt.Sprintf(", notifications dropped by the kernel: %d", dropped)
		}
		size := "the kernel's default"
		if granted := mon.ReceiveBuffer(); granted > 0 {
			size = strconv.Itoa(granted) + " bytes"
		}
		parts = append(parts, s+"; the receive buffer was "+size+": raise --rcvbuf, or keep the reader from stalling")
	}
	if p.malformed > 0 {
		parts = append(parts, fmt.Sprintf("malformed datagrams: %d", p.malformed))
	}

	return &incompleteError{fmt.Errorf("notifications were lost: %s", strings.Join(parts, "; "))}
}

// byteSize is a --rcvbuf value: bytes, with an optional K, M or G suffix
// (powers of 1024).
type byteSize int

func (s *byteSize) String() string { return strconv.Itoa(int(*s)) }
func (s *byteSize) Type() string   { return "bytes" }

func (s *byteSize) Set(v string) error {
	n, err := parseByteSize(v)
	if err != nil {
		return err
	}
	*s = byteSize(n)

	return nil
}

// parseByteSize parses 4194304, 4M, 4MiB or 512k. The result must fit a
// C int, the type of the socket option.
func parseByteSize(v string) (int, error) {
	digits, unit := v, ""
	if i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits, unit = v[:i], v[i:]
	}

	shift, ok := sizeShift(unit)
	n, err := strconv.ParseUint(digits, 10, 31)
	if !ok || err != nil || n > (1<<31-1)>>shift {
		return 0, fmt.Errorf("invalid size %q: use a number of bytes up to 2147483647, with an optional K, M or G suffix, such as 4194304 or 4M", v)
	}

	return int(n << shift), nil
}

// sizeShift returns the power of two a size suffix stands for.
func sizeShift(unit string) (uint, bool) {
	switch strings.ToLower(unit) {
	case "":
		return 0, true
	case "k", "ki", "kib":
		return 10, true
	case "m", "mi", "mib":
		return 20, true
	case "g", "gi", "gib":
		return 30, true
	}

	return 0, false
}
