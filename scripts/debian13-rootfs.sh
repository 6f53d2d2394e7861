#!/bin/bash
# A Debian 13 (trixie) root filesystem for the guest, made with debootstrap
# from Debian's archive into build/debian13/rootfs.  The host stays Debian
# 12: the trixie source list is only the guest's (inside the chroot).
# Downloads are cached in build/debian13/cache; the tree is rebuilt only
# when the package list below changes.
. "$(dirname "$0")/lib.sh"

D13=$BUILD/debian13
ROOTFS=$D13/rootfs
CACHE=$D13/cache/debs
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PKGS="systemd-sysv udev dbus kmod procps keyutils cryptsetup
      cryptsetup-initramfs initramfs-tools kexec-tools kdump-tools
      makedumpfile e2fsprogs zstd"
stamp=$(echo "trixie $MIRROR $PKGS" | sha256sum | cut -c1-16)

if [ -f "$ROOTFS.stamp" ] && [ "$(cat "$ROOTFS.stamp")" = "$stamp" ]; then
	echo "$ROOTFS"
	exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap missing: run 'make deps'"
mkdir -p "$CACHE"
rm -rf "$ROOTFS" "$ROOTFS.stamp"
log "debootstrap trixie into $ROOTFS (packages cached in $CACHE)"
# shellcheck disable=SC2086 # echo joins the list's blanks and newlines
DEBIAN_FRONTEND=noninteractive debootstrap --variant=minbase \
	--cache-dir="$CACHE" --include="$(echo $PKGS | tr ' ' ,)" \
	trixie "$ROOTFS" "$MIRROR" >&2 ||
	die "debootstrap failed, see $ROOTFS/debootstrap/debootstrap.log"
echo "$stamp" > "$ROOTFS.stamp"
echo "$ROOTFS"
