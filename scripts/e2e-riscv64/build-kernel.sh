#!/usr/bin/env bash
# Build a riscv64 Linux kernel Image for the end-to-end guest and cache it.
#
# The source is Debian 12's linux-source-6.12 package (the plain linux-source
# package is 6.1, which has no netdev generic netlink family). The kernel is
# `make defconfig` plus the options in kernel.config, with modules off.
#
# The Image is cached at
#   ${NLCTL_CACHE:-/var/cache/nlctl}/riscv64-kernel/<key>/Image
# where <key> is a SHA-256 of kernel.config, the source package version and
# RECIPE_REVISION. A rerun with the same inputs prints the cached path at once.
# The last line on stdout is always the Image path. Progress goes to stderr.
#
# Environment:
#   NLCTL_CACHE            cache root (default /var/cache/nlctl)
#   NLCTL_KERNEL_REFRESH=1 download the newest linux-source-6.12 even if a
#                          package is already cached
#   NLCTL_KERNEL_KEEP_BUILD=1  keep the object tree after a successful build
#   NLCTL_KERNEL_JOBS      parallel make jobs (default: number of CPUs)
set -euo pipefail

script_dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$script_dir/lib.sh"

# Bump when the build steps change in a way that changes the Image.
RECIPE_REVISION=1
SOURCE_PACKAGE=linux-source-6.12
fragment="$script_dir/kernel.config"

cache_root="${NLCTL_CACHE:-/var/cache/nlctl}/riscv64-kernel"
deb_dir="$cache_root/debs"
mkdir -p "$deb_dir"

# Pick the source package: the newest one already cached, or a fresh download.
find_cached_deb() {
	find "$deb_dir" -maxdepth 1 -name "${SOURCE_PACKAGE}_*.deb" -print | sort -V | tail -n 1
}
deb=$(find_cached_deb)
if [ -z "$deb" ] || [ "${NLCTL_KERNEL_REFRESH:-0}" = 1 ]; then
	log "downloading $SOURCE_PACKAGE"
	if [ "$(id -u)" -eq 0 ]; then
		apt-get update -q >&2
	fi
	(cd "$deb_dir" && apt-get download "$SOURCE_PACKAGE" >&2)
	deb=$(find_cached_deb)
	[ -n "$deb" ] || die "apt-get download $SOURCE_PACKAGE produced no package in $deb_dir"
fi
source_version=$(dpkg-deb -f "$deb" Version)

key=$(
	{
		printf 'recipe %s\n' "$RECIPE_REVISION"
		printf 'source %s %s\n' "$SOURCE_PACKAGE" "$source_version"
		cat "$fragment"
	} | sha256sum | cut -c1-16
)
out_dir="$cache_root/$key"
image="$out_dir/Image"

if [ -s "$image" ]; then
	log "cached kernel for $SOURCE_PACKAGE $source_version"
	echo "$image"
	exit 0
fi

ensure_packages make gcc gcc-riscv64-linux-gnu bc flex bison libssl-dev libelf-dev cpio xz-utils

# Unpack the source once per package version. The tarball sits inside the .deb.
src_parent="$cache_root/src/$source_version"
src_dir="$src_parent/$SOURCE_PACKAGE"
if [ ! -f "$src_dir/Makefile" ]; then
	log "unpacking $deb"
	rm -rf "$src_parent"
	mkdir -p "$src_parent/deb"
	dpkg-deb -x "$deb" "$src_parent/deb"
	tarball=$(find "$src_parent/deb" -name "$SOURCE_PACKAGE.tar.*" -print | head -n 1)
	[ -n "$tarball" ] || die "no $SOURCE_PACKAGE.tar.* inside $deb"
	tar -xf "$tarball" -C "$src_parent"
	rm -rf "$src_parent/deb"
	[ -f "$src_dir/Makefile" ] || die "unpacked source has no Makefile at $src_dir"
fi

build_dir="$cache_root/build/$key"
mkdir -p "$build_dir"
kmake() {
	make -C "$src_dir" O="$build_dir" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- "$@"
}

log "configuring in $build_dir"
kmake defconfig >&2

# Apply the fragment with the kernel's own scripts/config, then let Kconfig
# resolve dependencies.
config_args=()
while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	name=${line%%=*}
	value=${line#*=}
	case "$value" in
	y) config_args+=(--enable "${name#CONFIG_}") ;;
	n) config_args+=(--disable "${name#CONFIG_}") ;;
	*) config_args+=(--set-val "${name#CONFIG_}" "$value") ;;
	esac
done <"$fragment"
"$src_dir/scripts/config" --file "$build_dir/.config" "${config_args[@]}"
kmake olddefconfig >&2

# Kconfig silently drops an option whose dependencies are not met: fail instead.
failed=0
while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	name=${line%%=*}
	value=${line#*=}
	if [ "$value" = n ]; then
		if grep -q "^$name=" "$build_dir/.config"; then
			log "$name is set, but kernel.config turns it off"
			failed=1
		fi
	elif ! grep -qx "$line" "$build_dir/.config"; then
		log "$line did not survive olddefconfig (got: $(grep "^$name=\|^# $name is not set" "$build_dir/.config" || echo absent))"
		failed=1
	fi
done <"$fragment"
[ "$failed" -eq 0 ] || die "kernel.config does not apply to $SOURCE_PACKAGE $source_version"

jobs=${NLCTL_KERNEL_JOBS:-$(nproc)}
log "building Image with $jobs jobs (about half an hour on 2 CPUs)"
start=$(date +%s)
nice -n 19 make -C "$src_dir" O="$build_dir" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -j"$jobs" Image >&2
log "built in $(($(date +%s) - start)) s"

# Publish atomically, so an interrupted run never leaves a partial Image behind.
mkdir -p "$out_dir"
cp "$build_dir/.config" "$out_dir/config"
cp "$build_dir/arch/riscv/boot/Image" "$out_dir/Image.tmp"
printf '%s %s\n' "$SOURCE_PACKAGE" "$source_version" >"$out_dir/source-version"
mv "$out_dir/Image.tmp" "$image"

if [ "${NLCTL_KERNEL_KEEP_BUILD:-0}" != 1 ]; then
	rm -rf "$build_dir"
fi
echo "$image"
