#!/bin/bash
# Configure (tinyconfig + config/*.config + config/<base>/*.config), verify
# that every requested option survived olddefconfig, build with ccache, copy
# to build/bzImage.
#   kernel.sh san    the sanitizer variant: also config/sanitize/*.config,
#                    objects in build/obj-san, image build/bzImage-san, and
#                    the planted-bug modules in build/planted/
# The base is 6.12 unless KKT_BASE=7.3 (scripts/lib.sh): Debian's
# linux-source-7.3 with config/7.3/*.config in place of config/6.12/*.config,
# objects in build/obj-7.3, image build/bzImage-7.3 (san: build/obj-san-7.3,
# build/bzImage-san-7.3, build/planted-7.3/).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="the kernel build failed: see the messages above; make clean starts it from nothing"

IMAGE=$BUILD/$KNAME$BASE_TAG SUFFIX='' TARGETS=$KNAME
if [ "${1:-}" = san ]; then
	FRAGMENTS+=("$TOP"/config/sanitize/*.config)
	SUFFIX=-san TARGETS="$KNAME modules"
	OBJ=$BUILD/obj$SUFFIX$BASE_TAG IMAGE=$BUILD/$KNAME$SUFFIX$BASE_TAG
fi
KMAKE=(make -C "$SRC" O="$OBJ" "${KMAKE_ARCH[@]}" -j"$JOBS" CC="ccache $KCC" KBUILD_BUILD_TIMESTAMP="2025-01-01 00:00:00"
       KBUILD_BUILD_USER=kdump KBUILD_BUILD_HOST=kdump)

configure() {
	local cfg=$BUILD/config$SUFFIX$BASE_TAG.new
	mkdir -p "$OBJ"
	test_config "$cfg" "${KMAKE[@]}"
	# Replace .config only when it changed: keeps rebuilds incremental.
	cmp -s "$cfg" "$OBJ/.config" || cp "$cfg" "$OBJ/.config"
}

"$TOP/scripts/tree.sh"
configure
log "building kernel ($JOBS jobs, ccache in $CCACHE_DIR)"
# shellcheck disable=SC2086 # TARGETS: one or two make targets
"${KMAKE[@]}" -s $TARGETS
cp "$OBJ/$KIMAGE" "$IMAGE"
if [ -n "$SUFFIX" ]; then
	rm -rf "$BUILD/planted$BASE_TAG" && mkdir -p "$BUILD/planted$BASE_TAG"
	find "$OBJ" -name '*.ko' -exec cp {} "$BUILD/planted$BASE_TAG/" \;
fi
echo "$IMAGE"
