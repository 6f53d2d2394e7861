#!/bin/bash
# Install the Debian 12 packages the harness needs (or those named as
# arguments) that are not installed, from the apt sources of a standard
# Debian 12 installation (bookworm, bookworm-updates, bookworm-security:
# linux-source-6.12 is only in the last).  Says what it installs; on
# failure, one line and exit 2.  debootstrap and zstd make and read the
# Debian 13 guest (its packages come from the guest's own trixie source
# list, never installed on the host).  gcc-aarch64-linux-gnu and
# qemu-system-arm build and boot the arm64 kernel, gcc-powerpc64le-linux-gnu
# and qemu-system-ppc the ppc64le kernel (their guest userspace:
# scripts/foreign-root.sh).  debhelper and lintian build and check the
# kdump-luks package (scripts/deb.sh); fdisk, linux-config-6.12 (Debian's
# kernel configurations), apt-utils and gnupg make the packages and the
# machine of make packages (scripts/packages.sh, scripts/machine-image.sh).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PKGS=${*:-"linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
      ccache cpio rsync xz-utils git python3 qemu-system-x86 busybox-static
      keyutils cryptsetup-bin dmsetup kexec-tools makedumpfile e2fsprogs
      shellcheck debootstrap zstd gcc-aarch64-linux-gnu qemu-system-arm fdisk
      gcc-powerpc64le-linux-gnu qemu-system-ppc debhelper lintian linux-config-6.12 apt-utils gnupg"}
LISTS=${KKT_APT_LISTS:-/var/lib/apt/lists}	# scripts/test-deps.sh moves it
SOURCES="/etc/apt/sources.list needs bookworm, bookworm-updates and bookworm-security (main)"

# Missing: every package dpkg does not know as installed, whether it never
# heard of it (dpkg-query prints nothing for it and exits 1) or knows it as
# not-installed, config-files, half-installed...
# shellcheck disable=SC2086,SC2016
status=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $PKGS 2>/dev/null || true)
missing=()
for p in $PKGS; do
	grep -qx "$p installed" <<< "$status" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
update() {
	log "$1: apt-get update"
	apt-get update -q ||
		die "apt-get update failed: run make as root, with network access; $SOURCES"
}
# Stale: no Packages list at all, or none written in the last 24 hours.
if [ -z "$(find "$LISTS" -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit 2>/dev/null)" ]; then
	update "apt package lists missing or older than a day"
	updated=1
fi
log "installing Debian packages: ${missing[*]}"
if ! apt-get install -y -q "${missing[@]}"; then
	[ -z "${updated:-}" ] || die "apt-get install failed: see apt's message above; $SOURCES"
	update "apt-get install failed"
	apt-get install -y -q "${missing[@]}" ||
		die "apt-get install failed: see apt's message above; $SOURCES"
fi
