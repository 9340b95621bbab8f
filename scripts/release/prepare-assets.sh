#!/usr/bin/env bash
# Stage the shell completions and man pages that .goreleaser.yaml packs into
# the archives and the .deb and .rpm packages. GoReleaser runs this as a
# `before` hook from the repository root.
#
# Usage: prepare-assets.sh [--allow-missing]
#
# Output, in .release-assets/ (rebuilt on every run):
#   completions/nlctl.bash, completions/_nlctl, completions/nlctl.fish
#       from `nlctl completion bash|zsh|fish`
#   man/*.1      the pages in docs/man/, made with `make docs` if the folder
#                has none yet
#   man/*.1.gz   the same pages compressed, for the packages
#
# Without --allow-missing, a missing `completion` command or missing man pages
# are errors. With it (GoReleaser passes it for snapshots), the script writes
# placeholders instead so that packaging can still be tested: comment-only
# completion scripts, and an nlctl.1 page that holds the `nlctl --help` text.
set -euo pipefail

allow_missing=0
case "${1:-}" in
--allow-missing) allow_missing=1 ;;
"") ;;
*)
	echo "usage: $0 [--allow-missing]" >&2
	exit 2
	;;
esac

repo_root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo_root"
assets=.release-assets
rm -rf "$assets"
mkdir -p "$assets/completions" "$assets/man" "$assets/bin"

warn() {
	echo "prepare-assets: $*" >&2
}
missing() {
	if [ "$allow_missing" -eq 1 ]; then
		warn "warning: $*; writing a placeholder"
		return 0
	fi
	warn "error: $*"
	exit 1
}

# A host build of nlctl generates the completion scripts and the fallback page.
host_nlctl="$assets/bin/nlctl"
CGO_ENABLED=0 go build -trimpath -o "$host_nlctl" ./cmd/nlctl

# Shell completions.
declare -A completion_files=([bash]=nlctl.bash [zsh]=_nlctl [fish]=nlctl.fish)
for shell in bash zsh fish; do
	target="$assets/completions/${completion_files[$shell]}"
	if "$host_nlctl" completion "$shell" >"$target" 2>"$assets/completion.err" && [ -s "$target" ]; then
		continue
	fi
	missing "'nlctl completion $shell' failed: $(head -n 3 "$assets/completion.err")"
	printf '# nlctl was built without shell completion for %s.\n' "$shell" >"$target"
done
rm -f "$assets/completion.err"

# Man pages.
have_pages() {
	compgen -G 'docs/man/*.1' >/dev/null
}
if ! have_pages && make -n docs >/dev/null 2>&1; then
	warn "no pages in docs/man; running make docs"
	make docs >&2
fi
if have_pages; then
	cp docs/man/*.1 "$assets/man/"
else
	missing "no man pages in docs/man (make docs should write them)"
	{
		echo '.TH NLCTL 1 "" "nlctl" "User Commands"'
		echo '.SH NAME'
		echo 'nlctl \- inspect Linux generic netlink families'
		echo '.SH DESCRIPTION'
		echo 'This page is a placeholder that holds the output of nlctl \-\-help.'
		echo '.PP'
		echo '.nf'
		"$host_nlctl" --help 2>&1 | sed 's/\\/\\e/g; s/^\([.'"'"']\)/\\\&\1/'
		echo '.fi'
	} >"$assets/man/nlctl.1"
fi
for page in "$assets"/man/*.1; do
	gzip -n -9 -c "$page" >"$page.gz"
done

rm -rf "$assets/bin"
warn "staged $(find "$assets" -type f | wc -l) files in $assets"
