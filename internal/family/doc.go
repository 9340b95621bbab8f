// Package family talks to the kernel's generic netlink controller and to
// the families it registers. It owns the netlink socket (network namespace,
// timeouts, extended ACK), resolves families by name or ID through nlctrl,
// parses the controller's family records and validation policies, and
// finds the schema that names a family's ops and attributes.
//
// It does not format output (see internal/render) and does not decode
// family payloads itself (see internal/decode).
package family
