#!/bin/bash
# make deb: build the kdump-luks Debian package from dist/debian/kdump-luks
# with dpkg-deb into build/kdump-luks_<version>_all.deb (path printed).
. "$(dirname "$0")/lib.sh"

PKG=$TOP/dist/debian/kdump-luks
ver=$(sed -n 's/^Version: //p' "$PKG/DEBIAN/control")
out=$BUILD/kdump-luks_${ver}_all.deb
stage=$BUILD/deb-stage
rm -rf "$stage" && mkdir -p "$BUILD" && cp -a "$PKG" "$stage"
install -D -m 644 "$TOP/dist/debian/admin-guide.rst" \
	"$stage/usr/share/doc/kdump-luks/README.Debian"
find "$stage" -name .gitkeep -delete
find "$stage" -type d -empty -delete
# Reproducible: fixed timestamps, root-owned files
find "$stage" -exec touch -h -d @1735689600 {} +
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
rm -rf "$stage"
echo "$out"
