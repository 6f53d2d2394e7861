#!/bin/bash
# Build tools/testing/selftests/kdump_key with the kernel's lib.mk against the
# test kernel's headers, and install it with the kselftest runner into
# build/kselftest (copied into the initramfs as /kselftest).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="building the kselftests failed: see the messages above"

make -C "$SRC" O="$OBJ" -s headers
rm -rf "$BUILD/kselftest"
make -C "$SRC/tools/testing/selftests" -s TARGETS=kdump_key \
	O="$BUILD/kselftest-obj" KHDR_INCLUDES="-isystem $OBJ/usr/include" \
	INSTALL_PATH="$BUILD/kselftest" install >/dev/null
ls "$BUILD/kselftest/kdump_key/kdump_key_test" >/dev/null
