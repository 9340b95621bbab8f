#!/usr/bin/env bash
# Install the Debian packages nlctl's tests compare against or drive:
# iproute2 (ip, genl), libnl-utils (genl-ctrl-list), ethtool. It installs
# only what is missing, and only as root; otherwise it prints what to install.
set -euo pipefail

declare -A need=([ip]=iproute2 [genl]=iproute2 [genl-ctrl-list]=libnl-utils [ethtool]=ethtool)
missing=()
for tool in "${!need[@]}"; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("${need[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-test-deps: missing $packages; install them (Debian: apt-get install $packages)" >&2
	exit 0
fi

echo "install-test-deps: installing $packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $packages >/dev/null
