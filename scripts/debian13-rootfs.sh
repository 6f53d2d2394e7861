#!/bin/bash
# A Debian 13 (trixie) root filesystem for the guest, made with debootstrap
# from Debian's archive into build/debian13/rootfs.  The host stays Debian
# 12: the trixie source list is only the guest's (inside the chroot).
# Downloads stay in /var/cache/kdump-key-debian13, shared by every clone
# like the ccache: the .debs debootstrap fetched (debs/) and the finished
# tree (rootfs-<stamp>.tar.zst), from which a new clone unpacks its tree
# without any download.  The tree is rebuilt only when the package list
# below changes.
. "$(dirname "$0")/lib.sh"

D13=$BUILD/debian13
ROOTFS=$D13/rootfs
CACHE=${KKT_D13_CACHE:-/var/cache/kdump-key-debian13}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PKGS="systemd-sysv udev dbus kmod procps keyutils cryptsetup
      cryptsetup-initramfs initramfs-tools kexec-tools kdump-tools
      makedumpfile e2fsprogs zstd"
stamp=$(echo "trixie $MIRROR $PKGS" | sha256sum | cut -c1-16)
tarball=$CACHE/rootfs-$stamp.tar.zst

if [ -f "$ROOTFS.stamp" ] && [ "$(cat "$ROOTFS.stamp")" = "$stamp" ]; then
	echo "$ROOTFS"
	exit 0
fi
mkdir -p "$CACHE/debs" "$D13"
rm -rf "$ROOTFS" "$ROOTFS.stamp"
if [ -f "$tarball" ]; then
	log "unpacking the Debian 13 root filesystem from $tarball (no download)"
	mkdir "$ROOTFS"
	HINT="the cached tree is damaged: remove $tarball and run again"
	zstd -dcq "$tarball" | tar -C "$ROOTFS" --numeric-owner -xpf -
else
	command -v debootstrap >/dev/null || die "debootstrap missing: run 'make deps'"
	log "debootstrap trixie into $ROOTFS (packages cached in $CACHE/debs)"
	# shellcheck disable=SC2086 # echo joins the list's blanks and newlines
	DEBIAN_FRONTEND=noninteractive debootstrap --variant=minbase \
		--cache-dir="$CACHE/debs" --include="$(echo $PKGS | tr ' ' ,)" \
		trixie "$ROOTFS" "$MIRROR" >&2 ||
		die "debootstrap failed, see $ROOTFS/debootstrap/debootstrap.log"
	log "keeping the tree in $tarball for the next clone"
	rm -f "$CACHE"/rootfs-*.tar.zst
	tar -C "$ROOTFS" --numeric-owner -cf - . | zstd -q -T0 -3 > "$tarball.tmp"
	mv "$tarball.tmp" "$tarball"
fi
echo "$stamp" > "$ROOTFS.stamp"
echo "$ROOTFS"
