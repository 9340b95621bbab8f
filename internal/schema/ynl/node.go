package ynl

import (
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// node is a YAML node together with its path in the spec, for errors.
type node struct {
	*yaml.Node
	path string
}

// child returns the node for key k of a mapping, with its path.
func (n node) child(k string, v *yaml.Node) node {
	path := k
	if n.path != "" {
		path = n.path + "." + k
	}

	return node{Node: deref(v), path: path}
}

// item returns the node of sequence element i, with its path.
func (n node) item(i int, v *yaml.Node) node {
	return node{Node: deref(v), path: n.path + "[" + strconv.Itoa(i) + "]"}
}

// deref follows an alias to its anchored node. YAML forbids an anchor on an
// alias, so one step is enough.
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}

	return n
}

// isNull reports whether n is absent or an explicit YAML null.
func (n node) isNull() bool {
	return n.Node == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// line returns n's line, or 0 for an absent node.
func (n node) line() int {
	if n.Node == nil {
		return 0
	}

	return n.Line
}

// column returns n's column, or 0 for an absent node.
func (n node) column() int {
	if n.Node == nil {
		return 0
	}

	return n.Column
}

// kindName describes a node's kind for error messages.
func (n node) kindName() string {
	switch {
	case n.isNull():
		return "null"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode:
		return "a scalar"
	}

	return "an unexpected node"
}

// pair is one key and value of a mapping.
type pair struct {
	key   string
	value node
}

// pairs returns the entries of mapping n in order. A null node has none.
// Keys must be scalars and unique.
func (l *loader) pairs(n node) ([]pair, error) {
	if n.isNull() {
		return nil, nil
	}

	if n.Kind != yaml.MappingNode {
		return nil, l.errorf(n, "expected a mapping, found %s", n.kindName())
	}

	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, l.errorf(n, "mapping key at line %d is not a scalar", n.Content[i].Line)
		}

		if hasKey(out, k.Value) {
			return nil, l.errorf(n.child(k.Value, k), "duplicate key %q", k.Value)
		}

		out = append(out, pair{key: k.Value, value: n.child(k.Value, n.Content[i+1])})
	}

	return out, nil
}

// hasKey reports whether key is among pairs. Spec mappings have a few
// dozen keys at most, so a linear scan is fast enough.
func hasKey(pairs []pair, key string) bool {
	for _, p := range pairs {
		if p.key == key {
			return true
		}
	}

	return false
}

// items returns the elements of sequence n. A null node has none.
func (l *loader) items(n node) ([]node, error) {
	if n.isNull() {
		return nil, nil
	}

	if n.Kind != yaml.SequenceNode {
		return nil, l.errorf(n, "expected a list, found %s", n.kindName())
	}

	out := make([]node, len(n.Content))
	for i, v := range n.Content {
		out[i] = n.item(i, v)
	}

	return out, nil
}

// str returns the text of scalar n. Numbers and booleans are accepted as
// their literal text, because names such as "8021q" may look like them.
func (l *loader) str(n node) (string, error) {
	if n.isNull() || n.Kind != yaml.ScalarNode {
		return "", l.errorf(n, "expected a string, found %s", n.kindName())
	}

	return n.Value, nil
}

// name returns a non-empty string.
func (l *loader) name(n node) (string, error) {
	s, err := l.str(n)
	if err != nil {
		return "", err
	}

	if s == "" {
		return "", l.errorf(n, "empty name")
	}

	return s, nil
}

// strList returns a list of strings. A null node is an empty list.
func (l *loader) strList(n node) ([]string, error) {
	elems, err := l.items(n)
	if err != nil {
		return nil, err
	}

	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, err := l.str(e)
		if err != nil {
			return nil, err
		}

		out = append(out, s)
	}

	return out, nil
}

// boolean returns the value of a YAML boolean.
func (l *loader) boolean(n node) (bool, error) {
	if n.isNull() || n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return false, l.errorf(n, "expected true or false, found %q", n.text())
	}

	b, err := strconv.ParseBool(strings.ToLower(n.Value))
	if err != nil {
		return false, l.errorf(n, "invalid boolean %q", n.Value)
	}

	return b, nil
}

// integer returns the value of a YAML integer.
func (l *loader) integer(n node) (int64, error) {
	if !n.isInt() {
		return 0, l.errorf(n, "expected an integer, found %q", n.text())
	}

	v, err := strconv.ParseInt(n.Value, 0, 64)
	if err != nil {
		return 0, l.errorf(n, "invalid integer %q: %w", n.Value, err)
	}

	return v, nil
}

// uintRange returns a YAML integer between 0 and limit.
func (l *loader) uintRange(n node, limit uint64) (uint64, error) {
	v, err := l.integer(n)
	if err != nil {
		return 0, err
	}

	if v < 0 || uint64(v) > limit {
		return 0, l.errorf(n, "value %d is out of range 0 to %d", v, limit)
	}

	return uint64(v), nil
}

// isInt reports whether n is a scalar integer.
func (n node) isInt() bool {
	return n.Node != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!int"
}

// text returns the text of a scalar for messages, or its kind otherwise.
func (n node) text() string {
	if n.Node != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}

	return n.kindName()
}

// maxInt bounds lengths so that they fit an int on 32-bit platforms too.
const maxInt = math.MaxInt32
