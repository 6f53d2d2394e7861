# shellcheck shell=sh
# A damaged key blob is rejected with one log line; the capture kernel boots
# on without keys.  kdump_keys_test_corrupt (a test-only boot parameter)
# flips a byte of the blob before the capture kernel checks it.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="corrupt-rejected corrupt-one-line corrupt-no-keys corrupt-boots-on"

stage_first() {
	head -c 64 /dev/urandom | keyctl padd logon kkt:corrupt @u > /dev/null
	keyctl add kdump kkt:corrupt "" @u > /dev/null
	load_capture capture kdump_keys_test_corrupt ||
		{ result corrupt-load fail "kexec -s -p"; return; }
	crash_now
}

stage_capture() {
	check corrupt-rejected "damaged blob rejected: $(dmesg | grep -o 'rejected the preserved keys: .*')" \
		sh -c 'dmesg | grep -q "kdump_keys: rejected the preserved keys: bad digest"'
	check corrupt-one-line "exactly one kdump_keys log line" \
		test "$(dmesg | grep -c kdump_keys:)" = 1
	check corrupt-no-keys "no key recreated" \
		sh -c '! keyctl request user kkt:corrupt > /dev/null 2>&1'
	check corrupt-boots-on "capture kernel reached init, /proc/vmcore present" \
		test -e /proc/vmcore
}
