# shellcheck shell=sh
# Helpers for guest scenarios; sourced by /init.

# expect NAME...: declare results that this boot will print.  scripts/qemu.sh
# fails the boot unless exactly the declared results arrive, each on a
# well-formed line: a result mangled by a kernel message, or one that never
# comes, is a failure, not nothing.  /init declares the scenario's static
# list (expect_boot); a scenario declares the results it finds at run time
# (one per kselftest case) just before it prints them.
expect() {
	echo "KKT-EXPECT $#${*:+ $*}"
}

# expect_boot: at the start of a boot, the results its scenario lists in
# EXPECT_<stage> (EXPECT_first covers the capture stage after the crash,
# too), and, on the sanitizer kernel, the kmemleak scan of each stage
# shellcheck disable=SC2154 # scenario, stage: set by /init
expect_boot() {
	eval "_set=\${EXPECT_$stage+set} _names=\${EXPECT_$stage-}"
	if [ "$_set" != set ]; then
		say "guest/scenarios/$scenario.sh declares no results: EXPECT_$stage unset"
		return
	fi
	if [ "${kkt_kmemleak:-}" = 1 ]; then
		_names="$_names kmemleak-$scenario-$stage"
		if [ "$stage" = first ] && command -v stage_capture > /dev/null; then
			_names="$_names kmemleak-$scenario-capture"
		fi
	fi
	# shellcheck disable=SC2086 # one name per word
	expect $_names
}

# tap_results PREFIX FILE [nested]: declare, then print, one result per test
# line of the TAP in FILE ("ok N name", or with nested "# ok N name" only),
# named PREFIX:name; a "# SKIP" case is a skip
tap_results() {
	awk -v p="$1" -v nested="${3:-}" '
	nested { if (!sub(/^# /, "")) next }
	/^(not )?ok [0-9]+ / {
		verdict = $1 == "not" ? "fail" : "pass"
		name = $1 == "not" ? $4 : $3
		if ($0 ~ /# SKIP/)
			verdict = "skip"
		names = names " " p ":" name
		lines[++n] = "KKT-RESULT " p ":" name " " verdict
	}
	END {
		print "KKT-EXPECT " n + 0 names
		for (i = 1; i <= n; i++)
			print lines[i]
	}' "$2"
}

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

# The kernel this boot runs, to load as capture kernel: an x86 bzImage, an
# arm64 Image or a ppc64le vmlinux; KIMAGE-nokeys is the same without its
# "takes kdump keys" mark
KIMAGE=/boot/bzImage
[ -e /boot/Image ] && KIMAGE=/boot/Image
[ -e /boot/vmlinux ] && KIMAGE=/boot/vmlinux
# Where a boot loader's data shows in sysfs: boot_params on x86, the device
# tree on arm64 and ppc64le
BOOTINFO=/sys/kernel/boot_params
[ -d $BOOTINFO ] || BOOTINFO=/sys/firmware/devicetree/base

# The capture kernel gets the first kernel's command line minus what only
# the first boot needs, with the next stage named.
capture_cmdline() {
	# shellcheck disable=SC2154 # set by /init
	echo "$(grep -o 'console=[^ ]*' /proc/cmdline) panic=-1 no_timer_check nr_cpus=1 kunit.enable=0 $(grep -o 'init_on_free=1' /proc/cmdline) $(grep -o 'kkt_kmemleak=1' /proc/cmdline) kkt_scenario=$scenario kkt_stage=$1 $2"
}

# load_capture STAGE [EXTRA]: kexec_file_load the same kernel as capture kernel
load_capture() {
	kexec -s -p $KIMAGE --initrd=/boot/capture.cpio \
		--append="$(capture_cmdline "$1" "$2")"
}

# kmemleak_check: on the sanitizer kernel (kkt_kmemleak=1 on the command
# line, from qemu.sh), scan memory and fail on any leak, and when the scan
# itself fails (kmemleak disabled or absent).  The report goes to the
# console, where the host's splat scan sees it too.  Objects younger than
# 5 s are not reported.
# shellcheck disable=SC2154 # scenario, stage: set by /init
kmemleak_check() {
	[ "${kkt_kmemleak:-}" = 1 ] || return 0
	f=/sys/kernel/debug/kmemleak
	if [ ! -w $f ]; then
		result "kmemleak-$scenario-$stage" fail "no $f: kmemleak is not there"
		return
	fi
	sleep 6
	if ! { echo scan > $f && echo scan > $f; }; then
		result "kmemleak-$scenario-$stage" fail "echo scan > $f failed: kmemleak is off ($(dmesg | grep -m1 -o 'kmemleak: .*[Dd]isabled.*' || echo 'no reason in dmesg'))"
		return
	fi
	cat $f
	n=$(grep -c '^unreferenced object' "$f")
	case $n in
	0) result "kmemleak-$scenario-$stage" pass "scan: no leak" ;;
	[1-9]*) result "kmemleak-$scenario-$stage" fail "scan: $n unreferenced objects" ;;
	*) result "kmemleak-$scenario-$stage" fail "scan: cannot read $f" ;;
	esac
}

# The marker goes out on the serial line before the crash's first kernel
# line: the UART sends what echo wrote after echo returns, and a panic
# printed meanwhile cut it once ("KKT-CRASH-TRIGGEsysrq: Trigger a crash")
crash_now() {
	kmemleak_check
	echo "KKT-CRASH-TRIGGER"
	sleep 1
	echo c > /proc/sysrq-trigger
}

# no_key_bytes_for_nobody HEX: nothing nobody reads under BOOTINFO holds
# the bytes HEX (lower-case hex, no blanks)
no_key_bytes_for_nobody() {
	# shellcheck disable=SC2016 # expanded by nobody's shell
	su nobody -s /bin/sh -c 'find '$BOOTINFO' -type f |
		while read -r f; do od -An -tx1 -v "$f"; done' 2>/dev/null |
		tr -d ' \n' > /tmp/boot_params.hex
	[ -s /tmp/boot_params.hex ] && ! grep -q "$1" /tmp/boot_params.hex
}

# crash_range: the crash reservation's first and last byte, in decimal.
# powerpc lists it in the device tree, not in /proc/iomem.
crash_range() {
	r=$(awk '/Crash kernel/ { print $1; exit }' /proc/iomem)
	if [ -n "$r" ]; then
		echo "$((0x${r%-*})) $((0x${r#*-}))"
		return
	fi
	dt=/proc/device-tree/chosen/linux,crashkernel
	[ -r "$dt-base" ] || return 1
	b=0x$(od -An -tx1 "$dt-base" | tr -d ' \n')
	s=0x$(od -An -tx1 "$dt-size" | tr -d ' \n')
	echo "$((b)) $((b + s - 1))"
}

# kcore_scan MASKED: the copies of a key made by kdump_key_expose in the
# kernel's readable memory (/proc/kcore), into /tmp/kcore.out; prints them
kcore_scan() {
	/kselftest/kdump_key/kdump_key_expose kcore "$1" > /tmp/kcore.out 2>&1
	grep '^match' /tmp/kcore.out
}

# kcore_crash_copies: how many copies the last kcore_scan found in the
# crash reservation, where the key pages sit while a capture kernel is
# loaded; fails if there is no crash reservation
kcore_crash_copies() {
	range=$(crash_range) || return 1
	start=${range% *} end=${range#* } copies=0
	# shellcheck disable=SC2013 # one address per line, no blanks
	for p in $(sed -n 's/^match kcore paddr=\(0x[0-9a-f]*\).*/\1/p' /tmp/kcore.out); do
		if [ $((p)) -ge "$start" ] && [ $((p)) -le "$end" ]; then
			copies=$((copies + 1))
		fi
	done
	echo "$copies"
}

# crash_range_hex: the crash reservation as FIRST-LAST in hex, or "none"
crash_range_hex() {
	if r=$(crash_range); then
		printf '%#x-%#x\n' "${r% *}" "${r#* }"
	else
		echo none
	fi
}
