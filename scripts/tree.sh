#!/bin/bash
# Unpack Debian's linux-source-6.12 under build/, make it a git repository
# with one baseline commit, then sync our overlay files and apply patches/.
# Idempotent: unchanged files keep their timestamps, so make stays incremental.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="preparing build/linux-source-6.12 failed: see the messages above; make clean starts it again"

TARBALL=/usr/src/linux-source-6.12.tar.xz

unpack() {
	[ -f "$TARBALL" ] || die "$TARBALL missing: run 'make deps'"
	log "unpacking $TARBALL"
	rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
	tar -C "$SRC.tmp" -xf "$TARBALL" --strip-components=1
	local ver
	ver=$(make -s -C "$SRC.tmp" kernelversion)
	case $ver in 6.12.*) ;; *) die "expected a 6.12.x tree, got $ver" ;; esac
	# Debian's top-level .gitignore ignores everything ("/*"): drop that
	# packaging rule so that git sees the kernel tree and our changes.
	sed -i '/^# Debian packaging/,$d' "$SRC.tmp/.gitignore"
	git -C "$SRC.tmp" init -q
	git -C "$SRC.tmp" add -A
	git -C "$SRC.tmp" -c user.name=baseline -c user.email=baseline@localhost \
		commit -q -m "Debian linux-source-6.12 $ver (baseline)"
	mv "$SRC.tmp" "$SRC"
}

# Patched files go back to the baseline before the series is applied again,
# but only when the series changed since the last run.
apply_patches() {
	local stamp=$BUILD/patches.stamp sum
	# shellcheck disable=SC2046 # patch names have no spaces
	sum=$(cat "$TOP/patches/series" $(sed 's|^|'"$TOP"'/patches/|' "$TOP/patches/series") | sha256sum)
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && return 0
	if [ -f "$BUILD/patched-files" ]; then
		xargs -r git -C "$SRC" checkout -q HEAD -- < "$BUILD/patched-files"
	fi
	: > "$BUILD/patched-files"
	while read -r p; do
		case $p in "" | "#"*) continue ;; esac
		log "applying $p"
		git -C "$SRC" apply --numstat "$TOP/patches/$p" | cut -f3 >> "$BUILD/patched-files"
		git -C "$SRC" apply "$TOP/patches/$p" || die "patch $p does not apply"
	done < "$TOP/patches/series"
	echo "$sum" > "$stamp"
}

[ -d "$SRC/.git" ] || unpack
for d in $OVERLAY_DIRS; do
	[ -d "$TOP/$d" ] && rsync -rc "$TOP/$d/" "$SRC/$d/"
done
apply_patches
