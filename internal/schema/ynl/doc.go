// Package ynl loads the kernel's YNL netlink specs (the YAML files under
// Documentation/netlink/specs in the kernel tree) into the schema model of
// internal/schema.
//
// Load and LoadFile accept the protocols genetlink, genetlink-c,
// genetlink-legacy and netlink-raw. They apply the format's numbering
// rules: attributes count from 1, enum entries from value-start (default
// 0), flags are bit positions from 0, and ops count from 1 in the unified
// model or separately per direction in the directional model. Every
// reference to a set, definition, sub-message, op or multicast group is
// checked, and errors name the file, line and key.
//
// The loader rejects what the format's JSON schemas reject at the top
// level, and bad types, values, duplicates and dangling references
// anywhere. It ignores documentation and keys used only for C code
// generation. Unknown keys below the top level are kept as warnings in
// Family.Warnings, because newer kernels add keys. A name in an op's
// attribute list that is not in the op's attribute set is an error. In
// netlink-raw specs it is only a warning, and a member of the fixed header
// is accepted without one, because Linux 6.12 has no tool that checks
// those lists and its rtnetlink and nftables specs contain such names.
//
// The package reads files only in LoadFile. It does not validate a spec
// against the JSON schema in full, and does not generate code.
package ynl
