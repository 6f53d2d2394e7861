#!/bin/bash
# make deb: build the kdump-luks Debian package from its source package,
# dist/debian/kdump-luks (debhelper, 3.0 (native)), with dpkg-buildpackage
# in a copy under build/deb/<version>/ (never in the repository), check
# the result with lintian (its output on stderr; any E: or W: fails) and
# print the path of build/kdump-luks_<version>_all.deb.
#   deb.sh            the version of debian/changelog
#   deb.sh VERSION    the same package as VERSION, newer than the
#                     changelog's, with a top changelog entry of its own
#                     (the harness's upgrade test: apt install of a newer
#                     kdump-luks)
# Rebuilt only when an input changes.  Reproducible: dpkg-buildpackage
# takes SOURCE_DATE_EPOCH from the changelog, so the same inputs give the
# same .deb.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
umask 022

PKG=$TOP/dist/debian/kdump-luks
changelog=$PKG/debian/changelog
top() { dpkg-parsechangelog -l "$changelog" -S "$1"; }
cur=$(top Version)
ver=${1:-$cur}
if [ "$ver" != "$cur" ]; then
	# A native version: no Debian revision, hence no hyphen
	[[ $ver =~ ^[0-9][A-Za-z0-9.+~]*$ ]] ||
		die "deb.sh $ver: not a native Debian version (digits first, then letters, digits and . + ~)"
	dpkg --compare-versions "$ver" gt "$cur" ||
		die "deb.sh $ver: not newer than $cur, the version of $changelog"
fi

out=$BUILD/kdump-luks_${ver}_all.deb
work=$BUILD/deb/$ver
# The inputs: the source tree (the links followed: debian/README.Debian
# is dist/debian/admin-guide.rst), this script and the version
inputs=$( { (cd "$PKG" && find -L . -type f -printf '%m %p\n' | LC_ALL=C sort |
	     while read -r mode f; do echo "$mode $f $(sha256sum < "$f")"; done)
	    cat "$0"; echo "$ver"; } | sha256sum | cut -c1-16)
if [ -f "$out" ] && [ -f "$work/stamp" ] && [ "$(cat "$work/stamp")" = "$inputs" ]; then
	echo "$out"
	exit 0
fi

log "building kdump-luks $ver with dpkg-buildpackage in $work"
src=$work/kdump-luks-$ver
rm -rf "$work" "$out" && mkdir -p "$work"
cp -RL "$PKG" "$src"
if [ "$ver" != "$cur" ]; then
	# One second after the entry below it: still reproducible
	{ printf 'kdump-luks (%s) %s; urgency=medium\n\n' "$ver" "$(top Distribution)"
	  printf '  * Rebuild for the upgrade test.\n\n'
	  printf ' -- %s  %s\n\n' "$(top Maintainer)" \
		"$(LC_ALL=C date -u -R -d "@$(( $(top Timestamp) + 1 ))")"
	  cat "$changelog"; } > "$src/debian/changelog"
fi
# dpkg-deb clamps the files' times to SOURCE_DATE_EPOCH (the top
# changelog entry's) only when they are newer: set them all to it
find "$src" -exec touch -h -d "@$(dpkg-parsechangelog -l "$src/debian/changelog" -S Timestamp)" {} +
# Source and binary: lintian then checks the source package too
if ! (cd "$src" && dpkg-buildpackage -us -uc) > "$work/build.log" 2>&1; then
	tail -n 30 "$work/build.log" >&2
	die "dpkg-buildpackage failed: see $work/build.log"
fi
[ -f "$work/kdump-luks_${ver}_all.deb" ] ||
	die "dpkg-buildpackage made no kdump-luks_${ver}_all.deb: see $work/build.log"

# lintian: its exit status says nothing of warnings; its output does
changes=$(find "$work" -maxdepth 1 -name "kdump-luks_${ver}_*.changes" | head -1)
lint=$work/lintian.txt
lintian -I --pedantic --fail-on none "$changes" > "$lint" 2>&1 ||
	{ cat "$lint" >&2; die "lintian failed to run on $changes"; }
log "lintian -I --pedantic ${changes#"$TOP"/}:"
cat "$lint" >&2
if grep -q '^[EW]: ' "$lint"; then
	die "lintian: $(grep -c '^[EW]: ' "$lint") error(s) or warning(s) on kdump-luks $ver (see above; $lint)"
fi

cp "$work/kdump-luks_${ver}_all.deb" "$out"
echo "$inputs" > "$work/stamp"
echo "$out"
