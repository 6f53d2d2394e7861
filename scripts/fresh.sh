#!/bin/bash
# make fresh: the README's set-up on a fresh Debian 12, in a clean room.
# debootstrap (default variant) a bookworm root in build/fresh, give it the
# apt sources of a standard installation, install only what the README says
# a user needs first (git, make), clone this repository's HEAD (committed
# changes only) into it and run the README's "make check" there, in a chroot
# with /proc, /sys and /dev mounted.  Prints the time and how many packages
# make check installed.  Not part of make check: it takes half an hour.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ROOT=$BUILD/fresh
LOG=$BUILD/fresh.log
MIRROR=http://deb.debian.org/debian
HINT="see the messages above; make fresh starts from nothing again"

[ "$(id -u)" -eq 0 ] || die "make fresh needs root (debootstrap, mount, chroot)"

# Everything mounted under the root, deepest first; lazily if busy
umount_all() {
	local m
	{ findmnt -rn -o TARGET | grep "^$ROOT/" || true; } | sort -r |
		while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
	if findmnt -rn -o TARGET | grep "^$ROOT/" > /dev/null; then
		printf 'error: still mounted under %s: umount -R them by hand\n' "$ROOT" >&2
	fi
}
trap umount_all EXIT
trap 'log "make fresh interrupted"; exit 130' INT TERM

in_root() {	# a root login's environment, nothing from ours
	chroot "$ROOT" /usr/bin/env -i HOME=/root TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
# shellcheck disable=SC2016
packages() { in_root dpkg-query -W -f='${db:Status-Status}\n' | grep -cx installed; }

git -C "$TOP" diff --quiet HEAD ||
	log "uncommitted changes are not part of the clean room: it clones HEAD"
"$TOP/scripts/deps.sh" debootstrap
umount_all
rm -rf --one-file-system "$ROOT"
mkdir -p "$BUILD"
t0=$(date +%s)
log "debootstrap bookworm $ROOT (default variant, $MIRROR)"
debootstrap bookworm "$ROOT" "$MIRROR" > "$BUILD/debootstrap.log" 2>&1 ||
	die "debootstrap failed: see $BUILD/debootstrap.log"

# A standard Debian 12 installation's apt sources (the installer names
# security.debian.org; this machine reaches deb.debian.org only)
cat > "$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR}-security bookworm-security main
EOF
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# Packages' daemons must not start in a chroot (they would run on our kernel)
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
mount --make-rslave "$ROOT/dev"	# nothing done in there reaches our /dev

n0=$(packages)
# What the installer does, then what the README asks before its commands
log "in the clean room: apt-get update; apt-get install git make"
in_root apt-get update -q > /dev/null
in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q git make > /dev/null
n1=$(packages)
git -C "$TOP" bundle create "$ROOT/root/kdump-key.bundle" HEAD 2>/dev/null
in_root git -c advice.detachedHead=false clone -q /root/kdump-key.bundle /root/kdump-key
t1=$(date +%s)

log "in the clean room: cd /root/kdump-key && make check (log: $LOG)"
set +e
in_root sh -c 'cd /root/kdump-key && make check' 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
t2=$(date +%s)
n2=$(packages)
umount_all

echo "make fresh: debootstrap installed $n0 packages, git and make $((n1 - n0)) more"
echo "make fresh: set-up took $((t1 - t0))s; make check took $((t2 - t1))s," \
	"installed $((n2 - n1)) packages and exited $rc"
echo "make fresh: the clean room uses $(du -sxh "$ROOT" | cut -f1) on disk" \
	"($(du -sxh "$ROOT/root/kdump-key/build" | cut -f1) build/," \
	"$(du -sxh "$ROOT/var/cache" | cut -f1) /var/cache)"
echo "make fresh: last line of make check: $(tail -1 "$LOG")"
exit "$rc"
