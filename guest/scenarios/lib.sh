# shellcheck shell=sh
# Helpers for guest scenarios; sourced by /init.

# result NAME pass|fail|skip DETAIL...: one machine-readable line for the host
result() {
	name=$1 verdict=$2
	shift 2
	echo "KKT-RESULT $name $verdict $*"
}

# say TEXT...: a step of the story, shown by make demo
say() {
	echo "KKT-SAY $*"
}

# check NAME DETAIL COMMAND...: pass if COMMAND succeeds
check() {
	name=$1 detail=$2
	shift 2
	if "$@"; then
		result "$name" pass "$detail"
	else
		result "$name" fail "$detail"
	fi
}

# The capture kernel gets the first kernel's command line minus what only
# the first boot needs, with the next stage named.
capture_cmdline() {
	# shellcheck disable=SC2154 # set by /init
	echo "console=ttyS0 panic=-1 no_timer_check kunit.enable=0 $(grep -o 'init_on_free=1' /proc/cmdline) kkt_scenario=$scenario kkt_stage=$1 $2"
}

# load_capture STAGE [EXTRA]: kexec_file_load the same kernel as capture kernel
load_capture() {
	kexec -s -p /boot/bzImage --initrd=/boot/capture.cpio \
		--append="$(capture_cmdline "$1" "$2")"
}

# kmemleak_check: on a kernel with kmemleak (the sanitizer variant), scan
# memory and fail on any leak; the report goes to the console, where the
# host's splat scan sees it too.  Objects younger than 5 s are not reported.
# shellcheck disable=SC2154 # scenario, stage: set by /init
kmemleak_check() {
	f=/sys/kernel/debug/kmemleak
	[ -w $f ] || return 0
	sleep 6
	echo scan > $f && echo scan > $f
	cat $f
	n=$(grep -c '^unreferenced object' "$f")
	if [ "$n" = 0 ]; then
		result "kmemleak-$scenario-$stage" pass "scan: no leak"
	else
		result "kmemleak-$scenario-$stage" fail "scan: $n unreferenced objects"
	fi
}

crash_now() {
	kmemleak_check
	echo "KKT-CRASH-TRIGGER"
	echo c > /proc/sysrq-trigger
}

# no_key_bytes_for_nobody HEX: nothing nobody reads under
# /sys/kernel/boot_params holds the bytes HEX (lower-case hex, no blanks)
no_key_bytes_for_nobody() {
	# shellcheck disable=SC2016 # expanded by nobody's shell
	su nobody -s /bin/sh -c 'find /sys/kernel/boot_params -type f |
		while read -r f; do od -An -tx1 -v "$f"; done' 2>/dev/null |
		tr -d ' \n' > /tmp/boot_params.hex
	[ -s /tmp/boot_params.hex ] && ! grep -q "$1" /tmp/boot_params.hex
}
