# shellcheck shell=sh
# Crash cycle: load a capture kernel with kexec_file_load, crash, and check
# that the capture kernel boots and sees /proc/vmcore.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="crash-reservation crash-load crash-capture-boot crash-vmcore"

stage_first() {
	if ! grep -q "Crash kernel" /proc/iomem; then
		result crash-reservation fail "no Crash kernel range in /proc/iomem"
		return
	fi
	result crash-reservation pass "$(grep 'Crash kernel' /proc/iomem | tr -s ' ')"
	if ! load_capture capture; then
		result crash-load fail "kexec -s -p failed"
		return
	fi
	result crash-load pass "capture kernel loaded with kexec_file_load"
	crash_now
}

stage_capture() {
	check crash-capture-boot "capture kernel booted" is_kdump
	check crash-vmcore "/proc/vmcore present, $(vmcore_size) bytes" \
		test -s /proc/vmcore
}

is_kdump() { [ -e /proc/vmcore ]; }
vmcore_size() { stat -c %s /proc/vmcore 2>/dev/null || echo 0; }
