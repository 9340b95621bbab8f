// Package schema is the model of a netlink family's schema: its
// definitions (constants, enums, flags, structs), attribute sets with typed
// attributes, ops with their request and reply attributes, multicast
// groups and sub-messages. The decoder and encoder in internal/decode read
// it to turn attributes into named values and back.
//
// A Family is plain data plus lookup indexes. Family.Resolve checks every
// name reference and builds the indexes, so that finding an attribute by
// number, a nested set, an enum entry or an op by its command value is a
// map or slice lookup. Numbers are final in the model: the code that
// builds a Family applies the YNL rules for numbering attributes, enum
// entries and ops. The loader in internal/schema/ynl is one such builder.
//
// The package does no I/O and does not parse spec files, talk to the
// kernel or decode messages. It keeps no package-level state.
package schema
