#!/bin/bash
# Configure (tinyconfig + config/*.config), verify that every requested
# option survived olddefconfig, build with ccache, copy to build/bzImage.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="the kernel build failed: see the messages above; make clean starts it from nothing"

FRAGMENTS=("$TOP"/config/*.config)
KMAKE=(make -C "$SRC" O="$OBJ" -j"$JOBS" CC="ccache gcc" KBUILD_BUILD_TIMESTAMP="2025-01-01 00:00:00"
       KBUILD_BUILD_USER=kdump KBUILD_BUILD_HOST=kdump)

configure() {
	local cfg=$BUILD/config.new
	mkdir -p "$OBJ"
	"${KMAKE[@]}" -s KCONFIG_CONFIG="$cfg" tinyconfig >/dev/null
	grep -h '^CONFIG_' "${FRAGMENTS[@]}" >> "$cfg"
	"${KMAKE[@]}" -s KCONFIG_CONFIG="$cfg" olddefconfig >/dev/null 2>&1
	local missing
	missing=$(grep -h '^CONFIG_' "${FRAGMENTS[@]}" | sort -u | grep -vxFf "$cfg" || true)
	if [ -n "$missing" ]; then
		printf 'error: config options requested but dropped by olddefconfig:\n%s\n' \
			"$missing" >&2
		exit 2
	fi
	# Replace .config only when it changed: keeps rebuilds incremental.
	cmp -s "$cfg" "$OBJ/.config" || cp "$cfg" "$OBJ/.config"
}

"$TOP/scripts/tree.sh"
configure
log "building kernel ($JOBS jobs, ccache in $CCACHE_DIR)"
"${KMAKE[@]}" -s bzImage
cp "$OBJ/arch/x86/boot/bzImage" "$BUILD/bzImage"
echo "$BUILD/bzImage"
