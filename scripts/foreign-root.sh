#!/bin/bash
# Debian's userspace (DEB_SUITE, scripts/lib.sh) for the initramfs of a guest of
# another architecture (KKT_ARCH=arm64 or ppc64le: Debian's arm64 or ppc64el), never
# installed on the host.  apt-get resolves the packages of PKGS and the
# closure of their Depends and Pre-Depends for that architecture only,
# against an empty dpkg status, with a source list, package lists and state
# of its own in build/apt-<arch>/ (the host's apt sources, lists and dpkg
# status stay untouched; DEBIAN_MIRROR picks the mirror).  The .debs go to
# /var/cache/kdump-key-debian13/<arch>-debs, shared by every clone, with
# closure-<stamp>, the list of the closure's files, so that the next run
# needs no network (empty that directory to fetch the archive's current
# versions).  dpkg-deb unpacks them afresh into build/<arch>-root/ on every
# run, with merged /usr's /bin, /sbin, /lib and /lib64 symlinks; no
# maintainer script runs.  Every program of PROGS must then be an ELF of
# that machine whose program interpreter and libraries, recursively, are
# in the tree.
# Prints the tree's path; everything else goes to stderr.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ "$KARCH" != x86_64 ] || die "foreign-root.sh is for KKT_ARCH=arm64 or ppc64le"
HINT="making the $DEB_ARCH root in build/$DEB_ARCH-root failed: see the messages above"

PKGS="busybox-static keyutils cryptsetup-bin dmsetup kexec-tools makedumpfile
      e2fsprogs coreutils libgcc-s1"
PROGS="bin/busybox usr/bin/keyctl usr/sbin/cryptsetup usr/sbin/dmsetup
       usr/sbin/kexec usr/bin/makedumpfile usr/sbin/mke2fs usr/bin/timeout"
LIBDIRS="usr/lib/$TRIPLET lib/$TRIPLET"
SUITE=$DEB_SUITE
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
APT=$BUILD/apt-$DEB_ARCH
DEBS=${KKT_D13_CACHE:-/var/cache/kdump-key-debian13}/$DEB_ARCH-debs
ROOT=$BUILD/$DEB_ARCH-root
# shellcheck disable=SC2086 # echo joins the list's blanks and newlines
CLOSURE=$DEBS/closure-$(echo $SUITE $MIRROR $PKGS | sha256sum | cut -c1-16)

# apt-get for DEB_ARCH alone, with nothing of the host's sources, lists, pins
# or dpkg status
APT_OPTS=(-q -o APT::Architecture="$DEB_ARCH" -o APT::Architectures="$DEB_ARCH"
	  -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/dev/null
	  -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=/dev/null
	  -o Dir::State::lists="$APT/lists" -o Dir::State::status="$APT/status"
	  -o Dir::State::extended_states="$APT/extended_states" -o Dir::Cache="$APT/cache"
	  -o Acquire::Languages=none -o APT::Sandbox::User=root)

# Resolve the closure, download into DEBS what it lacks, write CLOSURE
fetch() {
	[ -f "$KEYRING" ] || die "$KEYRING missing: apt-get install debian-archive-keyring"
	mkdir -p "$APT/lists/partial" "$APT/cache" "$APT/none/partial" "$DEBS/partial"
	: > "$APT/status"	# nothing installed: apt resolves the whole closure
	echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" > "$APT/sources.list"
	log "apt-get update: $SUITE $DEB_ARCH from $MIRROR, with its own lists and status in $APT"
	apt-get "${APT_OPTS[@]}" --error-on=any update >&2 ||
		die "apt-get update of $SUITE failed: needs root and network access to $MIRROR (DEBIAN_MIRROR)"
	# The closure's file names: with an empty archive directory, --print-uris
	# names every .deb ('URI' FILE SIZE HASH)
	# shellcheck disable=SC2086 # one package a word
	apt-get "${APT_OPTS[@]}" -qq --print-uris --no-install-recommends \
		-o Dir::Cache::archives="$APT/none" install $PKGS > "$APT/uris" ||
		die "apt-get cannot resolve the $DEB_ARCH closure of PKGS: see apt's message above"
	awk '{ print $2 }' "$APT/uris" > "$APT/closure"
	log "downloading what $DEBS lacks of the closure's $(wc -l < "$APT/closure") packages"
	# shellcheck disable=SC2086
	apt-get "${APT_OPTS[@]}" -y --download-only --no-install-recommends \
		-o Dir::Cache::archives="$DEBS" install $PKGS >&2 ||
		die "apt-get could not download the $DEB_ARCH packages: see apt's message above"
	# Whole or not at all: concurrent clones each rename their own copy
	cp "$APT/closure" "$CLOSURE.$$"
	mv "$CLOSURE.$$" "$CLOSURE"
}

# Every .deb of the closure is in the cache
cached() {
	local f
	[ -s "$CLOSURE" ] || return 1
	while read -r f; do
		[ -f "$DEBS/$f" ] || return 1
	done < "$CLOSURE"
}

# check FILE: FILE (relative to ROOT) is an ELF file of MACHINE in the tree, and
# so are its program interpreter and its DT_NEEDED libraries, recursively,
# the libraries in LIBDIRS.  One readelf a file: this runs on every make.
declare -A seen=()
check() {
	local f=$ROOT/$1 elf line lib dir found
	[ -e "$f" ] || die "$1 missing from $ROOT"
	# An absolute symlink would lead to the host's file
	[[ $(readlink -f "$f") == "$REAL"/* ]] || die "$ROOT/$1 leads out of the tree"
	elf=$(readelf -hld "$f" 2>/dev/null) || die "$ROOT/$1 is not an ELF file"
	[[ $elf =~ Machine:\ +$MACHINE ]] || die "$ROOT/$1 is not an ELF file for $MACHINE"
	while read -r line; do
		if [[ $line =~ program\ interpreter:\ /(.*)\]$ ]]; then
			found=${BASH_REMATCH[1]}
		elif [[ $line =~ \(NEEDED\).*\[(.*)\]$ ]]; then
			lib=${BASH_REMATCH[1]} found=''
			for dir in $LIBDIRS; do
				[ -e "$ROOT/$dir/$lib" ] && found=$dir/$lib && break
			done
			[ -n "$found" ] || die "$1 needs $lib, which is in no $LIBDIRS of $ROOT"
		else
			continue
		fi
		[ -n "${seen[$found]:-}" ] || { seen[$found]=1; check "$found"; }
	done <<< "$elf"
}

cached || fetch
cached || die "the $DEB_ARCH closure in $DEBS is incomplete after the download"
rm -rf "$ROOT"
mkdir -p "$ROOT"
while read -r f; do
	dpkg-deb -x "$DEBS/$f" "$ROOT" ||
		die "$DEBS/$f is damaged: delete it and run again to download it anew"
done < "$CLOSURE"
# Merged /usr, as on Debian 13: whatever a package still ships in /bin, /sbin,
# /lib or /lib64 moves to /usr, which the symlinks name (arm64's
# /lib/ld-linux-aarch64.so.1, ppc64el's /lib64/ld64.so.2)
for d in bin sbin lib lib64; do
	mkdir -p "$ROOT/usr/$d"
	if [ -d "$ROOT/$d" ] && [ ! -L "$ROOT/$d" ]; then
		cp -a "$ROOT/$d/." "$ROOT/usr/$d/"
		rm -rf "${ROOT:?}/$d"
	fi
	[ -L "$ROOT/$d" ] || ln -s "usr/$d" "$ROOT/$d"
done
# An absolute symlink names a file of the guest: made relative, it resolves
# inside the tree here too (ppc64el's /lib64/ld64.so.2)
while IFS= read -r -d '' l; do
	ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$ROOT$(readlink "$l")")" "$l"
done < <(find "$ROOT" -type l -lname '/*' -print0)
REAL=$(cd "$ROOT" && pwd -P)
for p in $PROGS; do
	check "$p"
done
# busybox is the initramfs's shell before any library: it must be static
[[ $(readelf -l "$ROOT/bin/busybox") != *'program interpreter'* ]] ||
	die "$ROOT/bin/busybox is not static: busybox-static's $DEB_ARCH package changed"
log "$DEB_ARCH root: $(wc -l < "$CLOSURE") packages, $(find "$ROOT" -type f | wc -l) files, $(du -sm "$ROOT" | cut -f1) MiB in $ROOT"
echo "$ROOT"
