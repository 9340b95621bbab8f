// Package decode turns the bytes of a generic netlink message into an
// ordered value tree, guided by a family's schema, and encodes values back
// into attributes.
//
// Decoding never fails as a whole and never loses data: an attribute or
// enum value the schema does not know is kept with its number and raw
// bytes, and malformed input (a bad length, a wrong size for a fixed-width
// type, a broken nest, an unterminated string) becomes an error node with
// its offset and raw bytes, after which decoding goes on with the next
// attribute wherever the framing allows.
//
// The package is pure: it does no I/O and formats nothing for display
// beyond what the tree records.
package decode
