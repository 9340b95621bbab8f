package ynl

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nlctl/nlctl/internal/schema"
)

// LoadFile reads the YNL spec at path and returns its family, resolved.
func LoadFile(path string) (*schema.Family, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}

	return Load(path, data)
}

// Load parses the YNL spec in data and returns its family with every
// number assigned and every reference resolved. name is used in error
// messages and as the family's Source path, usually the file's path.
//
// Errors in the spec are returned as *Error, which names the file and,
// where the problem is at one node, the line and key. Unknown keys below
// the top level are not errors: they are listed in Family.Warnings so that
// specs from newer kernels still load.
func Load(name string, data []byte) (*schema.Family, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(rewriteVersionDirective(data), &doc); err != nil {
		return nil, &Error{File: name, Err: fmt.Errorf("invalid YAML: %w", err)}
	}

	l := &loader{file: name}
	root := node{Node: &doc}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root.Node = deref(doc.Content[0])
	}

	f, err := l.family(root)
	if err != nil {
		return nil, err
	}

	// The loader has checked every reference with its line already, so
	// only problems that span several nodes, such as a struct that contains
	// itself, surface here.
	if err := f.Resolve(); err != nil {
		return nil, &Error{File: name, Err: err}
	}

	return f, nil
}

// loader carries the state of one Load call.
type loader struct {
	file string
	fam  *schema.Family

	// Names seen in the first pass, so references can be checked with the
	// line of the node that makes them.
	defs       map[string]*schema.Definition
	sets       map[string]*setInfo
	subMsgs    map[string]bool
	groups     map[string]bool
	ops        map[string]*schema.Op
	warnings   []string
	maxOpValue uint64
}

// errorf returns an *Error located at n.
func (l *loader) errorf(n node, format string, args ...any) error {
	return newError(l.file, n.line(), n.column(), n.path, format, args...)
}

// warn records an ignored part of the spec.
func (l *loader) warn(n node, format string, args ...any) {
	l.warnings = append(l.warnings, newError(l.file, n.line(), n.column(), n.path, format, args...).Error())
}

// unknownKey records a key the loader does not know.
func (l *loader) unknownKey(p pair) {
	l.warn(p.value, "unknown key ignored")
}

// topKeys lists the top-level keys that the JSON schema of each protocol
// allows. An unknown top-level key is an error, as it is for the schema.
func topKeys(p schema.Protocol) []string {
	keys := []string{"name", "doc", "protocol", "uapi-header", "definitions", "attribute-sets", "operations", "mcast-groups"}
	cKeys := []string{"c-family-name", "c-version-name", "max-by-define", "cmd-max-name", "cmd-cnt-name"}

	switch p {
	case schema.ProtocolGenetlink:
		return append(keys, "kernel-family")
	case schema.ProtocolGenetlinkC:
		return append(append(keys, cKeys...), "kernel-family")
	case schema.ProtocolGenetlinkLegacy:
		return append(append(keys, cKeys...), "kernel-family", "kernel-policy", "version")
	case schema.ProtocolNetlinkRaw:
		return append(append(keys, cKeys...), "kernel-policy", "protonum", "sub-messages")
	}

	return keys
}

// family loads the whole spec.
func (l *loader) family(root node) (*schema.Family, error) {
	if root.Kind == 0 || root.isNull() {
		return nil, l.errorf(root, "empty spec")
	}

	top, err := l.pairs(root)
	if err != nil {
		return nil, err
	}

	l.fam = &schema.Family{
		Protocol:   schema.ProtocolGenetlink,
		Version:    1,
		MsgIDModel: schema.MsgIDUnified,
		Source:     schema.Source{Kind: schema.SourceFile, Path: l.file},
	}

	byKey, err := l.topLevel(root, top)
	if err != nil {
		return nil, err
	}

	if err := l.sections(byKey); err != nil {
		return nil, err
	}

	l.fam.Warnings = l.warnings

	return l.fam, nil
}

// topLevel reads the protocol, checks the top-level keys against it and
// loads the scalar keys. It returns the sections by key.
func (l *loader) topLevel(root node, top []pair) (map[string]node, error) {
	byKey := make(map[string]node, len(top))
	for _, p := range top {
		byKey[p.key] = p.value
	}

	if n, ok := byKey["protocol"]; ok {
		s, err := l.str(n)
		if err != nil {
			return nil, err
		}

		p, ok := schema.ParseProtocol(s)
		if !ok {
			return nil, l.errorf(n, "unknown protocol %q; valid protocols are genetlink, genetlink-c, genetlink-legacy, netlink-raw", s)
		}

		l.fam.Protocol = p
	}

	allowed := topKeys(l.fam.Protocol)
	for _, p := range top {
		if !slices.Contains(allowed, p.key) {
			return nil, l.errorf(p.value, "unknown key %q for protocol %s; valid keys are %s", p.key, l.fam.Protocol, strings.Join(allowed, ", "))
		}
	}

	n, ok := byKey["name"]
	if !ok {
		return nil, l.errorf(root, "missing key \"name\"")
	}

	name, err := l.name(n)
	if err != nil {
		return nil, err
	}

	l.fam.Name = name

	return byKey, l.familyScalars(byKey)
}

// familyScalars loads version, protonum and kernel-policy.
func (l *loader) familyScalars(byKey map[string]node) error {
	if n, ok := byKey["version"]; ok {
		v, err := l.uintRange(n, 255)
		if err != nil {
			return err
		}

		if v == 0 {
			return l.errorf(n, "version must be at least 1")
		}

		l.fam.Version = int(v)
	}

	if n, ok := byKey["protonum"]; ok {
		v, err := l.uintRange(n, 255)
		if err != nil {
			return err
		}

		l.fam.Protonum = int(v)
	}

	if n, ok := byKey["kernel-policy"]; ok {
		s, err := l.str(n)
		if err != nil {
			return err
		}

		if !slices.Contains([]string{"split", "per-op", "global"}, s) {
			return l.errorf(n, "unknown kernel-policy %q; valid values are split, per-op, global", s)
		}

		l.fam.KernelPolicy = s
	}

	return nil
}

// sections loads the list sections in dependency order: names first, so
// that any section may refer to any other, then the full contents.
func (l *loader) sections(byKey map[string]node) error {
	if l.fam.Protocol == schema.ProtocolNetlinkRaw {
		l.maxOpValue = 0xffff
	} else {
		l.maxOpValue = 0xff
	}

	steps := []struct {
		key  string
		load func(node) error
	}{
		{"definitions", l.definitionNames},
		{"attribute-sets", l.attrSetNames},
		{"sub-messages", l.subMessageNames},
		{"mcast-groups", l.mcastGroups},
		{"definitions", l.definitions},
		{"attribute-sets", l.attrSets},
		{"sub-messages", l.subMessages},
		{"operations", l.operations},
	}

	for _, step := range steps {
		n, ok := byKey[step.key]
		if !ok {
			n = node{path: step.key}
		}

		if err := step.load(n); err != nil {
			return err
		}
	}

	return nil
}
