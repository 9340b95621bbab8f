package ynl

import (
	"fmt"
	"strconv"
)

// Error is a problem found in a spec file, with the place it was found.
type Error struct {
	// File is the name given to Load, usually the spec's path.
	File string
	// Line and Column locate the offending YAML node, counting from 1. They
	// are 0 when the problem is not at a node of the file.
	Line, Column int
	// Path names the offending key, for example
	// "attribute-sets[4].attributes[2].type".
	Path string
	// Err describes the problem.
	Err error
}

// Error formats e as "file:line: path: problem".
func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}

	if e.Path == "" {
		return where + ": " + e.Err.Error()
	}

	return where + ": " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error {
	return e.Err
}

// newError builds an Error at the given line and column.
func newError(file string, line, column int, path string, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Column: column, Path: path, Err: fmt.Errorf(format, args...)}
}
