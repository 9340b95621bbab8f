#!/usr/bin/env bash
# Print the size of the stripped release binary per architecture as a
# Markdown table, with the gzip -9 size as an estimate of the download.
#
# Usage: sizes.sh [DIST]
#   With DIST (a GoReleaser dist/ folder), measure the binaries in it. The
#   -s -w in .goreleaser.yaml strips them.
#   Without, cross-build them with the same flags into a temporary folder.
set -euo pipefail

script_dir=$(cd "$(dirname "$0")" && pwd)
if [ -n "${1:-}" ]; then
	mapfile -t binaries < <("$script_dir/cross-build.sh" -d "$1")
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlctl-sizes.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mapfile -t binaries < <("$script_dir/cross-build.sh" "$tmp")
fi

mib() {
	awk -v bytes="$1" 'BEGIN { printf "%.2f", bytes / 1048576 }'
}

echo "| GOOS/GOARCH | stripped size (bytes) | stripped size (MiB) | gzip -9 (MiB) |"
echo "| --- | ---: | ---: | ---: |"
for entry in "${binaries[@]}"; do
	goarch=${entry%%=*}
	binary=${entry#*=}
	label="linux/$goarch"
	[ "$goarch" = arm ] && label="linux/arm (GOARM=7)"
	# Go's -s -w drops the symbol table and DWARF, which is what strip would
	# remove. readelf reads headers of any architecture.
	if readelf -S -W "$binary" | grep -Eq '\.symtab|\.debug_'; then
		echo "sizes: $binary is not stripped; build it with -ldflags '-s -w'" >&2
		exit 1
	fi
	bytes=$(stat -c %s "$binary")
	gz=$(gzip -9 -c "$binary" | wc -c)
	printf '| %s | %d | %s | %s |\n' "$label" "$bytes" "$(mib "$bytes")" "$(mib "$gz")"
done
