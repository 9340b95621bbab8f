package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nlctl/nlctl/internal/decode"
	"github.com/nlctl/nlctl/internal/family"
	"github.com/nlctl/nlctl/internal/render"
	"github.com/nlctl/nlctl/internal/schema"
	"github.com/nlctl/nlctl/internal/wire"
)

// requestOptions are the flags of `do` and `dump`.
type requestOptions struct {
	*globalOptions
	dump        bool
	attrs       []string
	json        string
	rawAttrs    []string
	create      bool
	excl        bool
	replace     bool
	appendFlag  bool
	dryRun      bool
	onInterrupt string
}

func newRequestCommand(global *globalOptions, dump bool) *cobra.Command {
	opts := &requestOptions{globalOptions: global, dump: dump}
	use, short := "do FAMILY OP", "Send one request (a do) and print the reply"
	if dump {
		use, short = "dump FAMILY OP", "Dump a family's objects and stream the replies"
	}

	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(2, "a family and an op, each by name or number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRequest(opts, args[0], args[1])
		},
		ValidArgsFunction: requestCompletion(opts),
	}
	f := cmd.Flags()
	repeatableFlag(f, &opts.attrs, "attr", "request attribute PATH=VALUE, dotted through nests (header.dev-name=eth0); repeat a multi-attr path to add occurrences, index list elements as name[N]")
	f.Var(onceString{value: &opts.json}, "json", "request attributes as JSON in the shape nlctl prints: '{...}', @FILE, or - for stdin")
	repeatableFlag(f, &opts.rawAttrs, "raw-attr", "attribute by number for families or attributes without a schema: NUMBER[.NUMBER]:TYPE=VALUE, TYPE one of u8..u64, s8..s64, string, hex, flag")
	f.BoolVar(&opts.dryRun, "dry-run", false, "print the encoded request as annotated hex and send nothing")
	_ = cmd.RegisterFlagCompletionFunc("attr", attrCompletion(opts))
	if dump {
		f.StringVar(&opts.onInterrupt, "on-interrupt", "warn", "when the kernel marks the dump interrupted (NLM_F_DUMP_INTR): warn (keep streaming, exit 3), retry (buffer and re-dump up to 3 times), or fail (stop, exit 3)")
		_ = cmd.RegisterFlagCompletionFunc("on-interrupt", choiceCompletion("warn", "retry", "fail"))
	} else {
		f.BoolVar(&opts.create, "create", false, "set NLM_F_CREATE: create the object if it does not exist")
		f.BoolVar(&opts.excl, "excl", false, "set NLM_F_EXCL: fail if the object exists")
		f.BoolVar(&opts.replace, "replace", false, "set NLM_F_REPLACE: replace an existing object")
		f.BoolVar(&opts.appendFlag, "append", false, "set NLM_F_APPEND: add to the end of a list")
	}

	return cmd
}

func (o *requestOptions) validate() error {
	switch o.onInterrupt {
	case "", "warn", "retry", "fail":
	default:
		return usageErrorf("invalid --on-interrupt %q: use warn, retry or fail", o.onInterrupt)
	}

	return nil
}

// requestValue gathers the request attributes from --json and --attr.
func (o *requestOptions) requestValue() (*decode.Object, error) {
	root := &decode.Object{}
	if o.json != "" {
		data, err := o.readJSON()
		if err != nil {
			return nil, err
		}
		v, err := decode.ParseJSON(data)
		if err != nil {
			return nil, &valueError{fmt.Errorf("--json: %w", err)}
		}
		obj, ok := v.(*decode.Object)
		if !ok {
			return nil, &valueError{errors.New("--json takes one JSON object of attributes, such as '{\"header\": {\"dev-name\": \"eth0\"}}'")}
		}
		root = obj
	}

	for _, a := range o.attrs {
		path, value, ok := strings.Cut(a, "=")
		if !ok {
			return nil, &valueError{fmt.Errorf("invalid --attr %q: write PATH=VALUE, such as header.dev-name=eth0", a)}
		}
		if err := decode.SetPath(root, path, value); err != nil {
			return nil, &valueError{fmt.Errorf("--attr %s: %w", a, err)}
		}
	}
	if len(o.attrs) > 0 {
		if err := decode.CheckIndexes(root); err != nil {
			return nil, &valueError{fmt.Errorf("--attr: %w", err)}
		}
	}

	return root, nil
}

func (o *requestOptions) readJSON() ([]byte, error) {
	switch {
	case o.json == "-":
		data, err := io.ReadAll(o.stdin)
		if err != nil {
			return nil, fmt.Errorf("read --json from stdin: %w", err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, &valueError{errors.New("--json -: stdin is empty; pipe one JSON object of attributes into nlctl")}
		}
		return data, nil
	case strings.HasPrefix(o.json, "@"):
		data, err := os.ReadFile(o.json[1:])
		if err != nil {
			return nil, &valueError{fmt.Errorf("read --json file: %w", err)}
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, &valueError{fmt.Errorf("--json %s: the file is empty; it should hold one JSON object of attributes", o.json)}
		}
		return data, nil
	}

	return []byte(o.json), nil
}

func (o *requestOptions) headerFlags() uint16 {
	flags := uint16(wire.FlagRequest | wire.FlagAck)
	if o.dump {
		return flags | wire.FlagDump
	}
	for _, f := range []struct {
		set  bool
		flag uint16
	}{{o.create, wire.FlagCreate}, {o.excl, wire.FlagExcl}, {o.replace, wire.FlagReplace}, {o.appendFlag, wire.FlagAppend}} {
		if f.set {
			flags |= f.flag
		}
	}

	return flags
}

// prepared is a request ready to send.
type prepared struct {
	target *family.Target
	op     *family.SelectedOp
	req    []byte
}

func runRequest(opts *requestOptions, familyArg, opArg string) error {
	if err := opts.validate(); err != nil {
		return err
	}
	value, err := opts.requestValue()
	if err != nil {
		return err
	}
	var raw []family.RawAttr
	for _, s := range opts.rawAttrs {
		ra, err := family.ParseRawAttr(s)
		if err != nil {
			return &valueError{err}
		}
		raw = append(raw, ra)
	}

	rcvbuf := doReceiveBuffer
	if opts.dump {
		rcvbuf = 0
	}
	conn, err := opts.dialWith(rcvbuf)
	if err != nil {
		return err
	}
	defer conn.Close()

	p, err := opts.prepare(conn, familyArg, opArg, value, raw)
	if err != nil {
		return err
	}
	if p.target.Family != nil {
		opts.nameHex(p.target.Family.ID, p.hexNames())
	}
	if opts.dryRun {
		return opts.printDryRun(p)
	}

	return opts.exchange(conn, p)
}

// prepare resolves the family and op and encodes the request. Every
// mistake in the request is found here, before anything is sent.
func (o *requestOptions) prepare(conn *family.Conn, familyArg, opArg string, value *decode.Object, raw []family.RawAttr) (*prepared, error) {
	target, err := o.target(conn, familyArg)
	if err != nil {
		return nil, err
	}
	op, err := target.SelectOp(opArg, o.dump)
	if err != nil {
		return nil, &valueError{err}
	}
	var set *schema.AttrSet
	var takes []string
	if op.Schema != nil {
		set = op.Schema.AttrSet()
		takes = requestAttrs(target.Schema, op.Schema, o.dump)
	}
	enc := &decode.Encoder{Family: target.Schema, Request: takes}
	if err := o.keepRequestAttrs(enc, target, op, value); err != nil {
		return nil, err
	}
	for _, ra := range raw {
		decode.AddRawAttr(value, set, ra.Path, ra.Value)
	}
	body, err := enc.Message(op.Schema, value)
	if err != nil {
		return nil, &valueError{err}
	}

	var id uint16
	if target.Family != nil {
		id = target.Family.ID
	}
	version := uint8(1)
	if target.Schema != nil && target.Schema.Version > 0 {
		version = uint8(target.Schema.Version)
	} else if target.Family != nil && target.Family.Version > 0 {
		version = uint8(target.Family.Version)
	}
	req := wire.NewGenlRequest(id, o.headerFlags(), wire.GenlHeader{Command: uint8(op.ID), Version: version}, body)

	return &prepared{target: target, op: op, req: req}, nil
}

// keepRequestAttrs removes the top-level attributes that enc.Request, the
// op's request list, leaves out, so that a reply edited and sent back with
// --json loses only its reply attributes, with a note. Naming one of them
// with --attr is an error.
func (o *requestOptions) keepRequestAttrs(enc *decode.Encoder, target *family.Target, op *family.SelectedOp, value *decode.Object) error {
	takes := enc.Request
	if takes == nil {
		return nil
	}

	fromAttr := map[string]bool{}
	for _, a := range o.attrs {
		path, _, _ := strings.Cut(a, "=")
		first, _, _ := strings.Cut(path, ".")
		first, _, _ = strings.Cut(first, "[")
		fromAttr[first] = true
	}

	set := op.Schema.AttrSet()
	var dropped []string
	accepted := value.Fields[:0]
	for _, f := range value.Fields {
		// A name outside the attribute set is left to the encoder, which
		// suggests the nearest one.
		unknown := set == nil || set.ByName(f.Key) == nil
		if unknown || slices.Contains(takes, f.Key) || enc.HeaderMember(op.Schema, f.Key) {
			accepted = append(accepted, f)
			continue
		}
		if fromAttr[f.Key] {
			return &valueError{fmt.Errorf("attribute %s is not one the %s %s %s request takes; it takes: %s (an attribute the schema does not list can be sent by number with --raw-attr)",
				f.Key, target.Name(), op.Name, o.mode(), listOrNone(takes))}
		}
		dropped = append(dropped, f.Key)
	}
	value.Fields = accepted
	if len(dropped) > 0 {
		fmt.Fprintf(o.stderr, "nlctl: left out of the request what %s %s %s does not take: %s\n", target.Name(), op.Name, o.mode(), strings.Join(dropped, ", "))
	}

	return nil
}

// mode names the request's variant of the op: do or dump.
func (o *requestOptions) mode() string {
	if o.dump {
		return "dump"
	}

	return "do"
}

// requestAttrs returns the attributes the op's request takes in its do or
// dump variant, or nil when the schema does not list them. A schema that
// lists request attributes for any op lists them for all: a variant
// without a list takes none (an empty slice). netdev's dev-get dump is one,
// and the kernel would ignore any attribute and dump every device.
func requestAttrs(fam *schema.Family, op *schema.Op, dump bool) []string {
	mode := op.Do
	if dump {
		mode = op.Dump
	}
	if mode == nil {
		return nil
	}
	if mode.Request != nil {
		return append([]string{}, mode.Request.Attrs...)
	}
	if fam == nil {
		return nil
	}
	for _, other := range fam.Ops {
		for _, m := range []*schema.OpMode{other.Do, other.Dump} {
			if m != nil && m.Request != nil && len(m.Request.Attrs) > 0 {
				return []string{}
			}
		}
	}

	return nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "no attributes"
	}

	return strings.Join(names, ", ")
}

// target resolves a family through the kernel and finds its schema, or
// builds one from the kernel's policy dump. With --dry-run, a family the
// kernel has not registered may still be encoded from its schema.
func (o *requestOptions) target(conn *family.Conn, arg string) (*family.Target, error) {
	fam, err := resolveFamily(o.globalOptions, conn, arg)
	var nf *family.NotFoundError
	if errors.As(err, &nf) && o.dryRun {
		sch, lerr := o.schemas().Lookup(arg)
		if lerr == nil && sch != nil {
			fmt.Fprintf(o.stderr, "nlctl: family %s is not registered in this kernel; encoding from its schema with family ID 0\n", arg)
			return &family.Target{Schema: sch}, nil
		}
	}
	if err != nil {
		return nil, err
	}

	sch, err := o.familySchema(fam)
	if err != nil {
		return nil, err
	}
	if sch == nil {
		policy, perr := conn.GetPolicy(fam, nil)
		if perr == nil {
			sch, perr = family.PolicySchema(fam, policy)
		}
		o.debugf("no schema for %s; policy fallback: %v", fam.Name, perr)
	}

	return &family.Target{Family: fam, Schema: sch}, nil
}

func (o *requestOptions) printDryRun(p *prepared) error {
	msgs, err := wire.ParseMessages(p.req)
	if err != nil {
		return err
	}

	d := &render.HexDump{W: o.stdout, Names: func(uint16) render.HexNames { return p.hexNames() }}
	return d.Message(family.Sent, msgs[0])
}

// hexNames names the request's messages for the hex dump: the request by
// its op, replies by the op the schema gives their command.
func (p *prepared) hexNames() render.HexNames {
	names := render.HexNames{Family: p.target.Name()}
	if s := p.op.Schema; s != nil {
		names.Set = s.AttrSet()
		names.HeaderSize = p.target.HeaderSize(s)
		name, sch := s.Name, p.target.Schema
		names.Op = func(cmd uint8) string {
			if uint32(cmd) == p.op.ID {
				return name
			}
			if op := sch.OpByReply(uint16(cmd)); op != nil {
				return op.Name
			}
			return ""
		}
	}

	return names
}
