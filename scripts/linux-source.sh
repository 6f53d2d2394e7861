#!/bin/bash
# Print the path of the Debian kernel source tarball of the base (KKT_BASE,
# scripts/lib.sh), for scripts/tree.sh to unpack.
#   6.12  /usr/src/linux-source-6.12.tar.xz, from the host's package
#         linux-source-6.12 (bookworm-security; scripts/deps.sh installs it)
#   7.3   linux-source-7.3 from Debian's trixie-backports, never installed on
#         the host: apt-get downloads the .deb through a source list and
#         package lists of its own in build/apt-7.3/ (the host's apt sources
#         and lists stay untouched; DEBIAN_MIRROR picks the mirror) into
#         /var/cache/kdump-key-debian13/linux73, shared by every clone, so
#         that the next clone downloads nothing (empty that directory to
#         fetch the archive's current version).  dpkg-deb unpacks the .deb's
#         tarball into build/apt-7.3/usr/src/.
# Everything but the path goes to stderr.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="getting the linux-source-$BASE tarball failed: see the messages above"

PKG=linux-source-$BASE
if [ "$BASE" = 6.12 ]; then
	tarball=/usr/src/$PKG.tar.xz
	[ -f "$tarball" ] || die "$tarball missing: run make deps (it installs $PKG)"
	echo "$tarball"
	exit 0
fi

SUITE=trixie-backports
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
APT=$BUILD/apt-$BASE
CACHE=${KKT_D13_CACHE:-/var/cache/kdump-key-debian13}/linux${BASE//./}
TARBALL=$APT/usr/src/$PKG.tar.xz

# The newest $PKG .deb in the cache, or nothing
cached() {
	local d best=''
	for d in "$CACHE/${PKG}_"*_all.deb; do
		[ -f "$d" ] || continue
		if [ -z "$best" ] || dpkg --compare-versions \
			"$(dpkg-deb -f "$d" Version)" gt "$(dpkg-deb -f "$best" Version)"; then
			best=$d
		fi
	done
	echo "$best"
}

# apt-get with nothing of the host's apt sources, lists, caches or pins
fetch() {
	[ -f "$KEYRING" ] || die "$KEYRING missing: apt-get install debian-archive-keyring"
	local dl=$APT/download deb
	local opts=(-q -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/dev/null
		    -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=/dev/null
		    -o Dir::State::lists="$APT/lists" -o Dir::Cache="$APT/cache"
		    -o Acquire::Languages=none -o APT::Sandbox::User=root)
	rm -rf "$dl"
	mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$dl" "$CACHE"
	echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" > "$APT/sources.list"
	log "apt-get update: $SUITE from $MIRROR, with its own source list and lists in $APT"
	apt-get "${opts[@]}" --error-on=any update >&2 ||
		die "apt-get update of $SUITE failed: needs root and network access to $MIRROR (DEBIAN_MIRROR)"
	log "downloading $PKG into $CACHE (not installed)"
	(cd "$dl" && apt-get "${opts[@]}" download "$PKG" >&2) ||
		die "apt-get download $PKG from $SUITE failed: see apt's message above"
	deb=$(find "$dl" -maxdepth 1 -name "${PKG}_*_all.deb" -print -quit)
	[ -n "$deb" ] || die "apt-get download $PKG left no ${PKG}_*_all.deb in $dl"
	# Whole or not at all: concurrent clones each rename their own copy
	cp "$deb" "$CACHE/.${deb##*/}.$$"
	mv "$CACHE/.${deb##*/}.$$" "$CACHE/${deb##*/}"
	rm -rf "$dl"
}

deb=$(cached)
if [ -z "$deb" ]; then
	fetch
	deb=$(cached)
	[ -n "$deb" ] || die "no ${PKG}_*_all.deb in $CACHE after the download"
else
	log "$PKG from $deb (cached, no download)"
fi
# Unpacked once per .deb: build/apt-7.3/unpacked names the one in usr/src
if [ ! -f "$TARBALL" ] || [ "$(cat "$APT/unpacked" 2>/dev/null)" != "${deb##*/}" ]; then
	rm -rf "${APT:?}/usr" "$APT/unpacked"
	mkdir -p "$APT"
	log "extracting $PKG.tar.xz from ${deb##*/}"
	dpkg-deb --fsys-tarfile "$deb" | tar -C "$APT" -x "./usr/src/$PKG.tar.xz" ||
		die "$deb is damaged: delete it and run again to download it anew"
	echo "${deb##*/}" > "$APT/unpacked"
fi
echo "$TARBALL"
