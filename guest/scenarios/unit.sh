# shellcheck shell=sh
# KUnit (built in, it ran during boot: the host parses its KTAP) and the
# kselftests, through the kselftest runner.  One KKT-RESULT per kselftest
# case, from the TAP of kselftest_harness (the runner prefixes it with "# ").

# The results of each boot: qemu.sh fails it unless all arrive, whole
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="kselftest-run"

stage_first() {
	cd /kselftest || { result kselftest-run fail "no /kselftest"; return; }
	KDUMP_KEY_KERNEL=$KIMAGE KDUMP_KEY_INITRD=/boot/capture.cpio \
		./run_kselftest.sh > /tmp/kselftest.tap 2>&1
	cat /tmp/kselftest.tap
	tap_results kselftest /tmp/kselftest.tap nested
	check kselftest-run "run_kselftest.sh: $(grep -c '^ok' /tmp/kselftest.tap) program(s) ok" \
		sh -c '! grep -q "^not ok" /tmp/kselftest.tap && grep -q "^ok" /tmp/kselftest.tap'
	cd /
}
