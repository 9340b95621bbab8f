// Package builtin holds the schemas compiled into nlctl: YNL specs under
// specs/, written from the kernel's uapi ABI, and their compiled form
// under compiled/, which `go generate` rebuilds. A command decodes only
// the schema it uses, so start-up does not pay for the others.
//
// It does not search spec files on disk; internal/family does that and
// falls back to this package.
package builtin

//go:generate go run ./internal/gen -specs specs -out compiled
