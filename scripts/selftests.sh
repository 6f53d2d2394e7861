#!/bin/bash
# Build tools/testing/selftests/kdump_key with the kernel's lib.mk against the
# test kernel's headers, and install it with the kselftest runner into
# build/kselftest (copied into the initramfs as /kselftest).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="building the kselftests failed: see the messages above"

# KKT_ARCH=arm64: cross-built, into build/kselftest-arm64
OUT=$BUILD/kselftest$ARCH_TAG
make -C "$SRC" O="$OBJ" "${KMAKE_ARCH[@]}" -s headers
rm -rf "$OUT"
make -C "$SRC/tools/testing/selftests" -s TARGETS=kdump_key "${KMAKE_ARCH[@]}" \
	O="$BUILD/kselftest-obj$ARCH_TAG" KHDR_INCLUDES="-isystem $OBJ/usr/include" \
	INSTALL_PATH="$OUT" install >/dev/null
ls "$OUT/kdump_key/kdump_key_test" >/dev/null
