package builtin

import (
	"fmt"

	"github.com/nlctl/nlctl/internal/schema"
)

// Names returns the names of the built-in schemas, sorted.
func Names() []string {
	return append([]string(nil), names[:]...)
}

// Load returns a new copy of the built-in schema of the named family, or
// nil and no error when there is none.
func Load(name string) (*schema.Family, error) {
	build := constructor(name)
	if build == nil {
		return nil, nil
	}

	f := build()
	if err := f.Resolve(); err != nil {
		return nil, fmt.Errorf("built-in schema %s: %w", name, err)
	}
	f.Source = schema.Source{Kind: schema.SourceBuiltin, Path: name}

	return f, nil
}

// OpName is the number and name of an op that takes requests.
type OpName struct {
	Request uint16
	Name    string
}

// OpNames returns the request ops of the named built-in schema without
// building it, or nil when there is no such schema.
func OpNames(name string) []OpName {
	return opNames(name)
}
