// Package render writes nlctl's results to an io.Writer as a table, one JSON
// document, JSON Lines or an annotated hex dump, and writes errors to
// stderr as text or JSON.
//
// It formats only: it opens no sockets and decodes no netlink payloads.
package render
