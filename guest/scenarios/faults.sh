# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# Fault injection (sanitizer kernel): the KUnit suite kdump_restore_faults
# fails, one at a time, every slab and page allocation of the capture
# kernel's restore, and kdump_key_fault_test every one of add_key, keyctl
# update and kexec_file_load, through the task's fail-nth counter; each
# failure must be clean.  KASAN watches for double frees and use-after-free on
# the error paths, kmemleak (the scan at the end of the boot) for leaks.
# Last, fail_function takes the key segment's room away for one load.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="faults-segment-no-room faults-segment-next-load
	faults-write-fails faults-write-next-load
	faults-injected faults-run"

# GFP_KERNEL allocations are exempt unless ignore-gfp-wait is cleared;
# verbose=0: no stack dump per injected fault
setup_fault_injection() {
	d=/sys/kernel/debug
	for f in failslab fail_page_alloc; do
		[ -d $d/$f ] || return 1
		echo N > $d/$f/ignore-gfp-wait && echo 0 > $d/$f/verbose || return 1
	done
	echo N > $d/fail_page_alloc/ignore-gfp-highmem && echo 0 > $d/fail_page_alloc/min-order
}

# The restore runs before init in a capture kernel, where debugfs cannot
# arm anything yet: its KUnit suite runs again now that it can.  Prints
# its results in the kselftest's form for the parser below.
restore_results() {
	grep -q '^ *ok [0-9]* kdump_restore_fault_test$' "$1" &&
		echo "ok 0 kdump_restore_fault_test" ||
		echo "not ok 0 kdump_restore_fault_test"
	sed -n 's/.*# kdump_restore_fault_test: fail-nth restore \([0-9]*\)$/# fail-nth restore \1/p' "$1"
}

state() {	# state DESC: what /proc/keys says of the kdump key DESC
	awk -v d="$1:" '$8 == "kdump" && $9 == d { print $NF }' /proc/keys
}

# fail_once FUNC ERRNO LINE RESULT NEXT WHAT: fail_function makes the
# kernel function FUNC fail once with -ERRNO; the load must succeed
# without the keys, which stay pending, with one log line matching LINE
# (result RESULT), and the next load must load them (result NEXT)
fail_once() {
	fn=$1 f=/sys/kernel/debug/fail_function
	head -c 64 /dev/urandom | keyctl padd logon "kkt:$fn" @u > /dev/null
	keyctl add kdump "kkt:$fn" "" @u > /dev/null
	before=$(dmesg | grep -c "$3")
	if ! { echo "$fn" > $f/inject &&
	       printf %#x "-$2" > "$f/$fn/retval" &&
	       echo 100 > $f/probability && echo 1 > $f/times &&
	       echo 0 > $f/verbose; }; then
		result "$4" fail "cannot arm $f for $fn"
		result "$5" fail "not run"
		return
	fi
	echo "KKT-FAIL-FUNCTION on"
	load_capture none
	rc=$?
	echo "KKT-FAIL-FUNCTION off"
	echo "!$fn" > $f/inject
	lines=$(( $(dmesg | grep -c "$3") - before )) st=$(state "kkt:$fn")
	check "$4" "load with $6: exit $rc, key $st, $lines log line(s)" \
		test "$rc $st $lines" = "0 pending 1"
	load_capture none
	rc=$?
	st=$(state "kkt:$fn")
	check "$5" "the next load: exit $rc, key $st" \
		test "$rc $st" = "0 loaded"
	kexec -s -p -u
	keyctl unlink "%kdump:kkt:$fn" @u > /dev/null
}

stage_first() {
	k=/sys/kernel/debug/kunit/kdump_restore_faults
	setup_fault_injection ||
		{ result faults-setup fail "no failslab/fail_page_alloc in debugfs"; return; }
	[ -w $k/run ] || { result faults-restore-run fail "no $k/run"; return; }
	echo "KKT-FAULT-INJECTION on"
	echo run > $k/run
	echo "KKT-FAULT-INJECTION off"
	cp $k/results /tmp/restore.ktap
	cd /kselftest/kdump_key || { result faults-run fail "no kselftests"; return; }
	echo "KKT-FAULT-INJECTION on"
	KDUMP_KEY_KERNEL=/boot/bzImage ./kdump_key_fault_test > /tmp/faults.tap 2>&1
	echo "KKT-FAULT-INJECTION off"
	restore_results /tmp/restore.ktap >> /tmp/faults.tap
	cat /tmp/faults.tap
	cd /
	tap_results faults /tmp/faults.tap
	# The figures for the summary; every call must have had its faults
	total=0 calls=
	while read -r _ _ call n; do
		echo "KKT-FIGURE faults-points $call $n"
		[ "$n" -gt 0 ] && calls="$calls $call"
		total=$((total + n))
	done <<-EOF2
	$(grep '^# fail-nth ' /tmp/faults.tap)
	EOF2
	missing=
	for call in add_key keyctl_update kexec_file_load restore; do
		case "$calls " in *" $call "*) ;; *) missing="$missing $call" ;; esac
	done
	check faults-injected "$total faults injected, none in:${missing:- -}" \
		test -z "$missing"
	check faults-run "kdump_key_fault_test: $(grep -c '^ok' /tmp/faults.tap) ok, $(grep -c '^not ok' /tmp/faults.tap) not ok" \
		sh -c '! grep -q "^not ok" /tmp/faults.tap && grep -q "^ok" /tmp/faults.tap'
	# Last: fail_function's report turns lockdep off (splat-scan.sh).
	# No room for the key segment, as a full crash reservation: the next
	# load follows a failed kexec_add_buffer(), where CRASH_DM_CRYPT double
	# freed its buffer.  Then the keys' write failing after the load.
	fail_once kdump_keys_add_buffer 99 'no room for the key segment' \
		faults-segment-no-room faults-segment-next-load \
		"no room for the segment (EADDRNOTAVAIL injected)"
	fail_once kdump_keys_write 12 'cannot write the kdump keys' \
		faults-write-fails faults-write-next-load \
		"the keys' write failing (ENOMEM injected)"
}
