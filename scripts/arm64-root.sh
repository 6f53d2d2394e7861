#!/bin/bash
# Debian 13's arm64 userspace for the arm64 guest (KKT_ARCH=arm64), never
# installed on the host: the packages below and every package they depend
# on, downloaded through a source list and package lists of their own in
# build/apt-arm64/ (APT::Architecture=arm64, an empty dpkg status so that
# apt resolves the whole closure; DEBIAN_MIRROR picks the mirror) into
# /var/cache/kdump-key-debian13/arm64-debs, shared by every clone, and
# unpacked with dpkg-deb into build/arm64-root/ (merged /usr).
# scripts/initramfs.sh takes the programs it needs from there.  Prints the
# tree's path; everything else goes to stderr.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="getting Debian 13's arm64 packages failed: see the messages above"

PKGS="busybox-static keyutils cryptsetup-bin dmsetup kexec-tools makedumpfile
      e2fsprogs coreutils libgcc-s1"
# The programs the guest runs; each must be an AArch64 ELF whose libraries
# are all in the tree
PROGS="usr/bin/busybox usr/bin/keyctl usr/sbin/cryptsetup usr/sbin/dmsetup
       usr/sbin/kexec usr/bin/makedumpfile usr/sbin/mke2fs usr/bin/timeout"
SUITE=trixie
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
APT=$BUILD/apt-arm64
CACHE=${KKT_D13_CACHE:-/var/cache/kdump-key-debian13}/arm64-debs
ROOT=$BUILD/arm64-root

# apt-get for arm64 with nothing of the host's sources, lists, status or pins
APT_OPTS=(-q -o APT::Architecture=arm64 -o APT::Architectures=arm64
	  -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/dev/null
	  -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=/dev/null
	  -o Dir::State::lists="$APT/lists" -o Dir::State::status="$APT/status"
	  -o Dir::Cache="$APT/cache" -o Dir::Cache::archives="$CACHE"
	  -o Acquire::Languages=none -o APT::Sandbox::User=root -o Debug::NoLocking=1)

fetch() {
	[ -f "$KEYRING" ] || die "$KEYRING missing: apt-get install debian-archive-keyring"
	mkdir -p "$APT/lists/partial" "$APT/cache" "$CACHE/partial"
	: > "$APT/status"
	echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" > "$APT/sources.list"
	log "apt-get update: $SUITE (arm64) from $MIRROR, with its own lists in $APT"
	apt-get "${APT_OPTS[@]}" --error-on=any update >&2 ||
		die "apt-get update of $SUITE failed: needs root and network access to $MIRROR (DEBIAN_MIRROR)"
	log "downloading $(wc -w <<< "$PKGS") arm64 packages and their dependencies into $CACHE"
	# shellcheck disable=SC2086 # one package a word
	apt-get "${APT_OPTS[@]}" -y --download-only --no-install-recommends \
		install $PKGS >&2 ||
		die "apt-get could not download the arm64 packages: see apt's message above"
	# The closure apt resolved, for the next run to check without the network
	# shellcheck disable=SC2086
	apt-get "${APT_OPTS[@]}" -s --no-install-recommends install $PKGS 2>/dev/null |
		awk '$1 == "Inst" { print $2 }' | sort > "$CACHE/closure.txt"
}

# Every package of the closure is in the cache (after a first download)
complete() {
	local p
	[ -s "$CACHE/closure.txt" ] || return 1
	while read -r p; do
		compgen -G "$CACHE/${p%%:*}_*_@(arm64|all).deb" > /dev/null || return 1
	done < "$CACHE/closure.txt"
}

# needs FILE: the libraries FILE's dynamic section names
needs() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

# check PROG: an AArch64 ELF whose libraries, recursively, are in the tree
check() {
	local lib
	readelf -h "$ROOT/$1" 2>/dev/null | grep -q 'Machine:.*AArch64' ||
		die "$ROOT/$1 is missing or not an AArch64 program"
	for lib in $(needs "$ROOT/$1"); do
		[ -e "$ROOT/usr/lib/aarch64-linux-gnu/$lib" ] ||
			die "$ROOT/$1 needs $lib, which no package of the closure has"
		check "usr/lib/aarch64-linux-gnu/$lib"
	done
}

shopt -s extglob
complete || fetch
complete || die "the arm64 packages in $CACHE are incomplete after the download"
rm -rf "$ROOT" && mkdir -p "$ROOT/usr"
n=0
while read -r p; do
	for deb in "$CACHE/${p%%:*}_"*_@(arm64|all).deb; do
		dpkg-deb -x "$deb" "$ROOT"
		n=$((n + 1))
	done
done < "$CACHE/closure.txt"
# Merged /usr, as a Debian 13 system has it: what a package still ships in
# /bin, /sbin or /lib moves to /usr, and the loader's path
# /lib/ld-linux-aarch64.so.1 resolves
for d in bin sbin lib; do
	mkdir -p "$ROOT/usr/$d"
	if [ -d "$ROOT/$d" ] && [ ! -L "$ROOT/$d" ]; then
		cp -a "$ROOT/$d/." "$ROOT/usr/$d/"
		rm -rf "${ROOT:?}/$d"
	fi
	[ -L "$ROOT/$d" ] || ln -s "usr/$d" "$ROOT/$d"
done
for prog in $PROGS; do check "$prog"; done
[ -e "$ROOT/lib/ld-linux-aarch64.so.1" ] || die "no arm64 program interpreter in $ROOT"
log "arm64 root: $n packages, $(find "$ROOT" -type f | wc -l) files, $(du -sm "$ROOT" | cut -f1) MiB in $ROOT"
echo "$ROOT"
