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
	echo "console=ttyS0 panic=-1 no_timer_check kunit.enable=0 kkt_scenario=$scenario kkt_stage=$1 $2"
}

# load_capture STAGE [EXTRA]: kexec_file_load the same kernel as capture kernel
load_capture() {
	kexec -s -p /boot/bzImage --initrd=/boot/capture.cpio \
		--append="$(capture_cmdline "$1" "$2")"
}

crash_now() {
	echo "KKT-CRASH-TRIGGER"
	echo c > /proc/sysrq-trigger
}
