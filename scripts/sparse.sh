#!/bin/bash
# Print the path of a sparse that reads Linux 7.3, for make patches.
# Under sparse (__CHECKER__) 7.3's headers use __typeof_unqual__, which the
# sparse of Debian 12 and 13 (0.6.4) does not know: scripts/checker-valid.sh
# refuses it and C=2 would check nothing.  Debian sid's 0.6.5~rc1 knows it,
# but its binary needs a newer glibc, so apt-get fetches its source (through
# a source list and lists of its own in build/apt-sparse/, the host's apt
# sources and lists untouched; DEBIAN_MIRROR picks the mirror) into
# /var/cache/kdump-key-debian13/sparse, shared by every clone, and make
# builds the sparse program alone into build/sparse/ (seconds).
# Everything but the path goes to stderr.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="getting sparse failed: see the messages above"

APT=$BUILD/apt-sparse DIR=$BUILD/sparse
CACHE=${KKT_D13_CACHE:-/var/cache/kdump-key-debian13}/sparse
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

orig() { find "$CACHE" -maxdepth 1 -name 'sparse_*.orig.tar.*' 2>/dev/null | sort -V | tail -1; }

if [ ! -x "$DIR/sparse" ]; then
	if [ -z "$(orig)" ]; then
		opts=(-q -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/dev/null
		      -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=/dev/null
		      -o Dir::State::lists="$APT/lists" -o Dir::Cache="$APT/cache"
		      -o Acquire::Languages=none -o APT::Sandbox::User=root)
		rm -rf "$APT" && mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/dl" "$CACHE"
		echo "deb-src [signed-by=$KEYRING] $MIRROR sid main" > "$APT/sources.list"
		log "apt-get source sparse from sid, with its own source list and lists in $APT"
		apt-get "${opts[@]}" --error-on=any update >&2 ||
			die "apt-get update of sid's sources failed: needs root and network access to $MIRROR"
		(cd "$APT/dl" && apt-get "${opts[@]}" source --download-only sparse >&2) ||
			die "apt-get source sparse failed: see apt's message above"
		for f in "$APT"/dl/sparse_*.orig.tar.*; do
			cp "$f" "$CACHE/.${f##*/}.$$" && mv "$CACHE/.${f##*/}.$$" "$CACHE/${f##*/}"
		done
		[ -n "$(orig)" ] || die "no sparse_*.orig.tar.* from apt-get source in $APT/dl"
	fi
	log "building sparse from $(orig)"
	rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
	tar -C "$DIR.tmp" -xf "$(orig)" --strip-components=1
	make -C "$DIR.tmp" -j"$JOBS" sparse HAVE_LIBXML=no HAVE_SQLITE=no HAVE_GTK=no HAVE_LLVM=no \
		> "$BUILD/sparse-build.log" 2>&1 || die "building sparse failed: see $BUILD/sparse-build.log"
	rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
fi
echo "$DIR/sparse"
