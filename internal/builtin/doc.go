// Package builtin holds the schemas compiled into nlctl: YNL specs under
// specs/, written from the kernel's uapi ABI, and compiled.go, which
// `go generate` builds from them as Go composite literals. A command
// builds and resolves only the schema it uses, so start-up does not pay for
// the others, and nothing is parsed or decoded at run time.
//
// It does not search spec files on disk; internal/family does that and
// falls back to this package.
package builtin

//go:generate go run ./internal/gen -specs specs -out compiled.go
