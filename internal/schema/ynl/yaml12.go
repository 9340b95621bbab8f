package ynl

import (
	"bytes"
)

// yaml12Directive is the version directive that kernel schema files start
// with. The YAML library accepts only version 1.1 in a directive.
const yaml12Directive = "%YAML 1.2"

// rewriteVersionDirective returns data with a leading "%YAML 1.2" directive
// changed to "%YAML 1.1", so that the YAML library parses the document
// instead of rejecting it. The document's content is parsed the same way
// either way, and line numbers do not change. data itself is not modified.
func rewriteVersionDirective(data []byte) []byte {
	rest := data
	for len(rest) > 0 {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		trimmed := bytes.TrimRight(line, " \t\r")

		switch {
		case string(trimmed) == yaml12Directive:
			out := bytes.Clone(data)
			at := len(data) - len(rest) + len(yaml12Directive) - 1
			out[at] = '1'

			return out
		case len(trimmed) == 0 || trimmed[0] == '#' || trimmed[0] == '%':
			rest = next
		default:
			return data
		}
	}

	return data
}
