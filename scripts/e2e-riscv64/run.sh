#!/usr/bin/env bash
# Boot nlctl in a riscv64 guest under QEMU and collect the output of each run.
#
# Steps: build a static riscv64 nlctl and the guest init
# (test/e2e/riscv64/init), pack them with the commands file into a newc
# initramfs, boot it on the cached kernel from build-kernel.sh, and split the
# console log at the init's marker lines.
#
# Usage: run.sh [-o OUTDIR] [-c COMMANDS] [-k IMAGE] [-b NLCTL] [-t SECONDS]
#   -o OUTDIR    where to write the results (default: a new temporary folder)
#   -c COMMANDS  commands file (default: test/e2e/riscv64/commands.txt)
#   -k IMAGE     kernel Image (default: the one build-kernel.sh builds or caches)
#   -b NLCTL     a prebuilt riscv64 nlctl to use instead of building ./cmd/nlctl
#   -t SECONDS   time limit for the whole guest (default: 300)
#
# OUTDIR receives console.log (the raw console), NAME.stdout and NAME.stderr
# for each run, and results.tsv with one line per run: name, exit code,
# status and duration in seconds, as reported by the guest. The last line on
# stdout is OUTDIR.
#
# Exit status: 0 when the guest finished and every run ended as its line
# expects, 1 otherwise.
set -euo pipefail

script_dir=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
# shellcheck source=lib.sh
. "$script_dir/lib.sh"

out_dir=""
commands="$repo_root/test/e2e/riscv64/commands.txt"
image=""
nlctl_binary=""
guest_timeout=300
while getopts 'o:c:k:b:t:h' opt; do
	case "$opt" in
	o) out_dir=$OPTARG ;;
	c) commands=$OPTARG ;;
	k) image=$OPTARG ;;
	b) nlctl_binary=$OPTARG ;;
	t) guest_timeout=$OPTARG ;;
	h)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) die "invalid option; run $0 -h for usage" ;;
	esac
done

firmware=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
ensure_packages qemu-system-misc opensbi cpio gzip
[ -f "$firmware" ] || die "OpenSBI firmware not found at $firmware"
[ -f "$commands" ] || die "commands file not found: $commands"

if [ -z "$image" ]; then
	image=$("$script_dir/build-kernel.sh" | tail -n 1)
fi
[ -s "$image" ] || die "kernel Image not found: $image"

if [ -z "$out_dir" ]; then
	out_dir=$(mktemp -d "${TMPDIR:-/tmp}/nlctl-e2e-riscv64.XXXXXX")
fi
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/nlctl-e2e-riscv64-work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Build the guest binaries.
root="$work/root"
mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/run" "$root/tmp"
cd "$repo_root"
export CGO_ENABLED=0 GOOS=linux GOARCH=riscv64
if [ -n "$nlctl_binary" ]; then
	cp "$nlctl_binary" "$root/nlctl"
else
	[ -d cmd/nlctl ] || die "no ./cmd/nlctl package in $repo_root; pass a prebuilt riscv64 binary with -b"
	commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
	log "building riscv64 nlctl"
	go build -trimpath \
		-ldflags "-X main.version=e2e -X main.commit=$commit -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		-o "$root/nlctl" ./cmd/nlctl
fi
log "building riscv64 init"
go build -trimpath -o "$root/init" ./test/e2e/riscv64/init
unset CGO_ENABLED GOOS GOARCH
cp "$commands" "$root/commands"
chmod 0755 "$root/init" "$root/nlctl"

# cpio_char_device NAME MAJOR MINOR writes a newc archive holding one
# character device node (mode 0600, owner root), followed by its trailer.
# GNU cpio can only archive nodes that exist, and creating /dev/console
# needs root. The kernel unpacks concatenated archives one after another.
cpio_char_device() {
	cpio_newc_entry "$1" $((8#020600)) "$2" "$3"
	cpio_newc_entry TRAILER!!! 0 0 0
}
cpio_newc_entry() {
	local name=$1 mode=$2 major=$3 minor=$4
	local name_size=$((${#name} + 1))
	# Fields: magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
	# devminor, rdevmajor, rdevminor, namesize, check.
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		1 "$mode" 0 0 1 0 0 0 0 "$major" "$minor" "$name_size" 0
	printf '%s\0' "$name"
	# The 110-byte header plus the name is padded to a multiple of 4.
	head -c $(((4 - (110 + name_size) % 4) % 4)) /dev/zero
}

initrd="$work/initramfs.cpio.gz"
{
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0)
	cpio_char_device dev/console 5 1
} | gzip -n -9 >"$initrd"

# -no-reboot with panic=-1 turns a kernel panic into an immediate QEMU exit.
# loglevel=4 keeps kernel warnings and errors on the console, so a WARN or
# oops that a run triggers shows up in console.log.
log "booting $image (time limit ${guest_timeout}s)"
console="$out_dir/console.log"
qemu_status=0
timeout -k 10 "$guest_timeout" qemu-system-riscv64 \
	-M virt -m 512M -smp 1 -nographic -no-reboot -nic none \
	-bios "$firmware" \
	-kernel "$image" \
	-initrd "$initrd" \
	-append "console=ttyS0 rdinit=/init loglevel=4 panic=-1" \
	</dev/null >"$console" 2>&1 || qemu_status=$?
if [ "$qemu_status" -eq 124 ]; then
	log "the guest did not power off within ${guest_timeout}s"
elif [ "$qemu_status" -ne 0 ]; then
	log "qemu-system-riscv64 exited with status $qemu_status"
fi

# Split the console at the markers. The serial console ends lines with CR LF.
find "$out_dir" -maxdepth 1 \( -name '*.stdout' -o -name '*.stderr' -o -name results.tsv \) -delete
awk -v dir="$out_dir" '
	{ sub(/\r$/, "") }
	$1 == "@@nlctl-e2e" && $2 == "begin" { close(out); out = dir "/" $3 ".stdout"; printf "" > out; next }
	$1 == "@@nlctl-e2e" && $2 == "stderr" { close(out); out = dir "/" $3 ".stderr"; printf "" > out; next }
	$1 == "@@nlctl-e2e" && $2 == "end" {
		close(out); out = ""
		line = $3
		for (i = 4; i <= NF; i++) { split($i, kv, "="); line = line "\t" kv[2] }
		print line > (dir "/results.tsv")
		next
	}
	out != "" { print > out }
' "$console"
touch "$out_dir/results.tsv"

status=0
done_line=$(tr -d '\r' <"$console" | grep -m1 '^@@nlctl-e2e done ' || true)
if [ -z "$done_line" ]; then
	log "the guest did not finish its runs; see $console"
	status=1
fi
if tr -d '\r' <"$console" | grep -q '^@@nlctl-e2e fatal '; then
	log "the guest init failed: $(tr -d '\r' <"$console" | grep -m1 '^@@nlctl-e2e fatal ')"
	status=1
fi
while IFS=$'\t' read -r name code run_status duration; do
	log "$(printf '%-24s exit=%-3s %-8s %ss' "$name" "$code" "$run_status" "$duration")"
done <"$out_dir/results.tsv"
if [ -n "$done_line" ]; then
	log "${done_line#@@nlctl-e2e }"
	case "$done_line" in *' failed=0') ;; *) status=1 ;; esac
fi
echo "$out_dir"
exit "$status"
