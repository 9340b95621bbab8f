#!/usr/bin/env bash
# Check the ELF headers of the release binaries (see elfcheck/main.go).
#
# Usage: elfcheck.sh [DIST]
#   With DIST (a GoReleaser dist/ folder), check the binaries in it.
#   Without, cross-build the binaries into a temporary folder first.
set -euo pipefail

script_dir=$(cd "$(dirname "$0")" && pwd)
cd "$script_dir/../.."
if [ -n "${1:-}" ]; then
	mapfile -t binaries < <("$script_dir/cross-build.sh" -d "$1")
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlctl-elfcheck.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mapfile -t binaries < <("$script_dir/cross-build.sh" "$tmp")
fi
[ "${#binaries[@]}" -gt 0 ] || { echo "elfcheck: no binaries to check" >&2; exit 1; }
go run ./scripts/release/elfcheck "${binaries[@]}"
