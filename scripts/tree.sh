#!/bin/bash
# Unpack Debian's linux-source-$BASE (6.12, or 7.3 with KKT_BASE=7.3; the
# tarball from scripts/linux-source.sh) into build/linux-source-$BASE, make it
# a git repository with one baseline commit, then sync our overlay files and
# apply patches/$BASE/series.
# Idempotent: unchanged files keep their timestamps, so make stays incremental.
# KKT_STOCK=1 (scripts/lib.sh): build/linux-source-7.3-stock, unpacked only.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="preparing build/linux-source-$BASE failed: see the messages above; make clean starts it again"

# The patches applied last, and the files they changed (6.12: the old names)
STAMP=$BUILD/patches$SRC_TAG.stamp
PATCHED=$BUILD/patched-files$SRC_TAG

unpack() {
	local tarball ver
	tarball=$("$TOP/scripts/linux-source.sh")
	log "unpacking $tarball"
	rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
	tar -C "$SRC.tmp" -xf "$tarball" --strip-components=1
	ver=$(make -s -C "$SRC.tmp" kernelversion)
	case $ver in "$BASE".*) ;; *) die "expected a $BASE.x tree in $tarball, got $ver" ;; esac
	# Debian's top-level .gitignore ignores everything ("/*"): drop that
	# packaging rule so that git sees the kernel tree and our changes.
	sed -i '/^# Debian packaging/,$d' "$SRC.tmp/.gitignore"
	if grep -qx '/\*' "$SRC.tmp/.gitignore"; then
		die "$SRC.tmp/.gitignore still ignores the whole tree: update the sed in ${0##*/}"
	fi
	git -C "$SRC.tmp" init -q
	git -C "$SRC.tmp" add -A
	git -C "$SRC.tmp" -c user.name=baseline -c user.email=baseline@localhost \
		commit -q -m "Debian linux-source-$BASE $ver (baseline)"
	rm -f "$STAMP" "$PATCHED"	# nothing of a former tree is applied here
	mv "$SRC.tmp" "$SRC"
}

# Patched files go back to the baseline before the series is applied again,
# but only when the series changed since the last run.
apply_patches() {
	local sum p names files=()
	[ -f "$PATCHES/series" ] || die "$PATCHES/series missing"
	# One patch name a line; blank lines and "#" comments are skipped
	names=$(grep -Ev '^[[:space:]]*(#|$)' "$PATCHES/series" || true)
	for p in $names; do files+=("$PATCHES/$p"); done
	sum=$(cat "$PATCHES/series" "${files[@]}" | sha256sum)
	[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$sum" ] && return 0
	if [ -f "$PATCHED" ]; then
		xargs -r git -C "$SRC" checkout -q HEAD -- < "$PATCHED"
	fi
	: > "$PATCHED"
	for p in $names; do
		log "applying $p"
		git -C "$SRC" apply --numstat "$PATCHES/$p" | cut -f3 >> "$PATCHED"
		git -C "$SRC" apply "$PATCHES/$p" || die "patch $p does not apply"
	done
	echo "$sum" > "$STAMP"
}

[ -d "$SRC/.git" ] || unpack
[ -z "$STOCK" ] || exit 0
for d in $OVERLAY_DIRS; do
	[ -d "$TOP/$d" ] && rsync -rc "$TOP/$d/" "$SRC/$d/"
done
apply_patches
