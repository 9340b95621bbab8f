package decode

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nlctl/nlctl/internal/schema"
)

// Value is a request value before encoding: the shape nlctl prints as
// JSON, so output can be edited and sent back. It is one of
//   - *Object: an ordered object (attributes of a nest, struct members)
//   - []Value: an array (multi-attr occurrences, list elements)
//   - string: text from --attr, or a JSON string
//   - json.Number: a JSON number, kept exact
//   - bool: a JSON boolean
//   - nil: JSON null
type Value any

// Object is a JSON object whose members keep their order.
type Object struct {
	Fields []Field
}

// Field is one member of an Object.
type Field struct {
	Key   string
	Value Value
}

// Get returns the value of key, or nil and false.
func (o *Object) Get(key string) (Value, bool) {
	for _, f := range o.Fields {
		if f.Key == key {
			return f.Value, true
		}
	}

	return nil, false
}

// ParseJSON parses one JSON document into a Value, keeping object member
// order and numbers exact.
func ParseJSON(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseJSONValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON document at byte %d", dec.InputOffset())
	}

	return v, nil
}

func parseJSONValue(dec *json.Decoder) (Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(dec, err)
	}

	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return parseJSONObject(dec)
		}
		if t == '[' {
			return parseJSONArray(dec)
		}
		return nil, fmt.Errorf("unexpected %q at byte %d", t, dec.InputOffset())
	case string, json.Number, bool, nil:
		return t, nil
	}

	return nil, fmt.Errorf("unexpected token %v at byte %d", tok, dec.InputOffset())
}

func parseJSONObject(dec *json.Decoder) (Value, error) {
	obj := &Object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(dec, err)
		}
		key, _ := tok.(string)
		if _, dup := obj.Get(key); dup {
			// Attributes that repeat are given as one array.
			return nil, fmt.Errorf("duplicate key %q at byte %d: give repeated attributes as one array", key, dec.InputOffset())
		}
		v, err := parseJSONValue(dec)
		if err != nil {
			return nil, err
		}
		obj.Fields = append(obj.Fields, Field{Key: key, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(dec, err)
	}

	return obj, nil
}

func parseJSONArray(dec *json.Decoder) (Value, error) {
	arr := []Value{}
	for dec.More() {
		v, err := parseJSONValue(dec)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(dec, err)
	}

	return arr, nil
}

func jsonError(dec *json.Decoder, err error) error {
	if err == io.EOF {
		return fmt.Errorf("the JSON document ends early at byte %d", dec.InputOffset())
	}

	return fmt.Errorf("invalid JSON at byte %d: %w", dec.InputOffset(), err)
}

// SetPath stores value at a dotted path such as "header.dev-name" or
// "bits.bit[0].name" in root, the form --attr PATH=VALUE takes. Setting a
// path again without an index appends another occurrence, which a
// multi-attr attribute encodes as one more attribute.
func SetPath(root *Object, path string, value string) error {
	if path == "" {
		return fmt.Errorf("empty attribute path: use NAME=VALUE, with dots between nested names")
	}

	parts := strings.Split(path, ".")
	obj := root
	for i, part := range parts {
		name, index, err := splitIndex(part)
		if err != nil {
			return fmt.Errorf("attribute path %q: %w", path, err)
		}
		last := i == len(parts)-1
		if obj, err = setStep(obj, name, index, last, value); err != nil {
			return fmt.Errorf("attribute path %q: %w", path, err)
		}
	}

	return nil
}

// splitIndex splits "bit[3]" into "bit" and 3; index is -1 without one.
func splitIndex(part string) (string, int, error) {
	open := strings.IndexByte(part, '[')
	if open < 0 {
		if part == "" {
			return "", 0, fmt.Errorf("empty name between dots")
		}
		return part, -1, nil
	}
	if !strings.HasSuffix(part, "]") || open == 0 {
		return "", 0, fmt.Errorf("%q: write an index as NAME[N]", part)
	}

	n, err := strconv.Atoi(part[open+1 : len(part)-1])
	if err != nil || n < 0 || n > 65535 {
		return "", 0, fmt.Errorf("%q: the index must be a number from 0 to 65535", part)
	}

	return part[:open], n, nil
}

// setStep walks or creates one path step. It returns the object the next
// step goes into, or nil after the last step.
func setStep(obj *Object, name string, index int, last bool, value string) (*Object, error) {
	pos := -1
	for i, f := range obj.Fields {
		if f.Key == name {
			pos = i
		}
	}

	if index < 0 {
		if last {
			if pos >= 0 {
				if _, isNest := obj.Fields[pos].Value.(*Object); isNest {
					return nil, fmt.Errorf("%s has nested attributes, so it cannot also be set to a value", name)
				}
				obj.Fields[pos].Value = appendOccurrence(obj.Fields[pos].Value, value)
			} else {
				obj.Fields = append(obj.Fields, Field{Key: name, Value: value})
			}
			return nil, nil
		}
		if pos >= 0 {
			if child, ok := obj.Fields[pos].Value.(*Object); ok {
				return child, nil
			}
			return nil, fmt.Errorf("%s is set to a value, so it cannot also have nested attributes", name)
		}
		child := &Object{}
		obj.Fields = append(obj.Fields, Field{Key: name, Value: child})
		return child, nil
	}

	if pos < 0 {
		obj.Fields = append(obj.Fields, Field{Key: name, Value: []Value{}})
		pos = len(obj.Fields) - 1
	}
	arr, ok := obj.Fields[pos].Value.([]Value)
	if !ok {
		return nil, fmt.Errorf("%s is used both with and without an index", name)
	}
	for len(arr) <= index {
		arr = append(arr, nil)
	}
	obj.Fields[pos].Value = arr
	if last {
		if arr[index] != nil {
			return nil, fmt.Errorf("%s[%d] is given twice", name, index)
		}
		arr[index] = value
		return nil, nil
	}
	if arr[index] == nil {
		arr[index] = &Object{}
	}
	child, ok := arr[index].(*Object)
	if !ok {
		return nil, fmt.Errorf("%s[%d] is set to a value, so it cannot also have nested attributes", name, index)
	}

	return child, nil
}

// appendOccurrence turns a repeated --attr into an array of occurrences.
func appendOccurrence(existing Value, value string) Value {
	if arr, ok := existing.([]Value); ok {
		return append(arr, value)
	}

	return []Value{existing, value}
}

// CheckIndexes reports an array element that --attr paths skipped, such
// as bit[1] set without bit[0]: elements are numbered from 0 without gaps.
func CheckIndexes(root *Object) error {
	return checkIndexes(root, "")
}

func checkIndexes(v Value, path string) error {
	switch x := v.(type) {
	case *Object:
		for _, f := range x.Fields {
			p := f.Key
			if path != "" {
				p = path + "." + f.Key
			}
			if err := checkIndexes(f.Value, p); err != nil {
				return err
			}
		}
	case []Value:
		for i, e := range x {
			if e == nil {
				return fmt.Errorf("attribute path %s[%d] is missing while %s[%d] is set: number list elements from 0 without gaps",
					path, i, path, len(x)-1)
			}
			if err := checkIndexes(e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}

	return nil
}

// AddRawAttr adds to v, a request whose top level is an attribute of set,
// an attribute given by numbers (outermost first) with its encoded value.
// A number that names a nest v already holds, by name or by number, leads
// into that nest, so attributes by number join the ones given by name
// instead of forming a second nest. set may be nil.
func AddRawAttr(v *Object, set *schema.AttrSet, path []uint16, value []byte) {
	obj := v
	for i, n := range path {
		key := strconv.Itoa(int(n))
		if i == len(path)-1 {
			hexValue := hex.EncodeToString(value)
			for j := range obj.Fields {
				if obj.Fields[j].Key == key {
					obj.Fields[j].Value = appendOccurrence(obj.Fields[j].Value, hexValue)
					return
				}
			}
			obj.Fields = append(obj.Fields, Field{Key: key, Value: hexValue})
			return
		}

		var sa *schema.Attr
		if set != nil {
			sa = set.ByNumber(n)
		}
		obj, set = rawNest(obj, sa, key)
	}
}

// rawNest returns the nest of obj that attribute number key leads into,
// found by its schema name or by number, and the nest's attribute set, or
// adds an empty nest by number.
func rawNest(obj *Object, sa *schema.Attr, key string) (*Object, *schema.AttrSet) {
	if sa != nil {
		if v, ok := obj.Get(sa.Name); ok {
			if child, ok := v.(*Object); ok {
				return child, sa.Nested()
			}
		}
	}
	if v, ok := obj.Get(key); ok {
		if child, ok := v.(*Object); ok {
			return child, nil
		}
	}

	child := &Object{}
	obj.Fields = append(obj.Fields, Field{Key: key, Value: child})

	return child, nil
}
