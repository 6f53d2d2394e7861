#!/bin/bash
# make kunit: kunit.py run of the kdump key suites.  UML has neither KEXEC
# nor CRASH_DUMP, so this is an x86_64 kernel under QEMU (TCG).  The source
# tree stays clean (the test kernel is built with O=), as kunit.py requires.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/tree.sh"
cd "$SRC" || die "no kernel tree in $SRC"
exec python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--kunitconfig=security/keys/kdump --build_dir="$BUILD/kunit$BASE_TAG" \
	--jobs="$JOBS" --make_options CC="ccache gcc" \
	--qemu_args="-accel ${QEMU_ACCEL:-tcg}"
