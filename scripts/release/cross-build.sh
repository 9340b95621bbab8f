#!/usr/bin/env bash
# Cross-build nlctl for the release architectures with the release flags
# (CGO_ENABLED=0, -trimpath, -s -w, the default GOAMD64, GOARM64 and
# GORISCV64 levels, GOARM=7), or find the binaries of a GoReleaser dist/.
#
# Usage: cross-build.sh OUTDIR      build into OUTDIR/linux_GOARCH/nlctl
#        cross-build.sh -d DIST     use DIST/nlctl_linux_GOARCH_*/nlctl
#
# Prints one GOARCH=PATH line per binary, in the form elfcheck reads.
set -euo pipefail

arches=(amd64 arm64 riscv64 arm)
repo_root=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${1:-}" = -d ]; then
	dist=${2:?usage: $0 -d DIST}
	for goarch in "${arches[@]}"; do
		matches=("$dist"/nlctl_linux_"${goarch}"_*/nlctl)
		if [ ! -f "${matches[0]}" ] || [ "${#matches[@]}" -ne 1 ]; then
			echo "cross-build: expected one $dist/nlctl_linux_${goarch}_*/nlctl, found: ${matches[*]}" >&2
			exit 1
		fi
		echo "$goarch=${matches[0]}"
	done
	exit 0
fi

out=${1:?usage: $0 OUTDIR | -d DIST}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$repo_root"
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
for goarch in "${arches[@]}"; do
	binary="$out/linux_$goarch/nlctl"
	# Unset the level variables so that a caller's environment cannot raise
	# the baseline. GOARM=7 selects the armv7 target.
	env -u GOAMD64 -u GOARM64 -u GORISCV64 -u GOARM \
		CGO_ENABLED=0 GOOS=linux GOARCH="$goarch" GOARM=$([ "$goarch" = arm ] && echo 7) \
		go build -trimpath -ldflags "$ldflags" -o "$binary" ./cmd/nlctl
	echo "$goarch=$binary"
done
