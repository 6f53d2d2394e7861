# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# Races on two CPUs: kdump_key_race adds, updates, revokes, invalidates,
# expires and unlinks kdump keys while it loads and unloads the capture
# kernel and takes CPU 1 offline and online (crash hotplug protects crash
# memory again each time), for kkt_race_secs seconds (default 60).  Any
# splat fails the boot (lockdep on both kernels, KASAN on the sanitizer
# one).  Then, with no reload, a final set: two keys added, one revoked,
# one invalidated, one expired, one unlinked; the capture kernel must
# restore exactly the first two.

# The results of the boot, first kernel then capture kernel
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="race-cpus race-rounds race-loaded race-crash-hotplug race-unlinked-gone
	race-expired-gone race-final-loaded race-restored-set
	race-restored-bytes race-restored-logon"

RACE=/kselftest/kdump_key/kdump_key_race
SECS=${kkt_race_secs:-60}

# The kdump keys /proc/keys lists under kkt:race*, one "desc state" each
race_keys() {
	awk '$8 == "kdump" && $9 ~ /^kkt:race/ && $NF ~ /^(pending|loaded|restored)$/ {
		sub(/:$/, "", $9); print $9, $NF }' /proc/keys | LC_ALL=C sort
}

# gone DESC SECONDS: the kdump key DESC leaves /proc/keys within SECONDS,
# by the clock (/proc/uptime), not by a count of sleeps
gone() {
	end=$(awk -v s="$2" '{ print $1 + s }' /proc/uptime)
	while awk -v e="$end" '{ exit !($1 <= e) }' /proc/uptime; do
		race_keys | grep -q "^$1 " || return 0
		sleep 0.1
	done
	return 1
}

digest() {	# digest TYPE DESC: the first 16 hex digits of a key's sha256
	keyctl pipe "%$1:$2" | sha256sum | cut -c1-16
}

stage_first() {
	cpus=$(grep -c '^processor' /proc/cpuinfo)
	check race-cpus "$cpus CPUs online" test "$cpus" -ge 2
	head -c 64 /dev/urandom > /tmp/final
	keyctl padd user kkt:race-final @u < /tmp/final > /dev/null
	sum=$(sha256sum < /tmp/final | cut -c1-16)

	say "racing key changes, loads, unloads and CPU hotplug for ${SECS}s"
	# shellcheck disable=SC2046 # its one line of counts, one per word
	set -- $($RACE "$SECS" /boot/bzImage /boot/capture.cpio \
		"$(capture_cmdline capture "kkt_final=$sum")")
	echo "KKT-FIGURE race-keyops $2"
	echo "KKT-FIGURE race-loads $(($6 + ${10}))"
	echo "KKT-FIGURE race-hotplugs ${14}"
	check race-rounds "$2 key operations ($4 succeeded), $6 loads ($8), ${10} unloads (${12}), ${14} CPU hotplugs (${16}) in ${SECS}s" \
		test "${4:-0}" -gt 0 -a "${8:-0}" -gt 1 -a "${12:-0}" -gt 0 -a "${16:-0}" -gt 1
	check race-loaded "the last load left a capture kernel loaded" \
		test "$(cat /sys/kernel/kexec_crash_loaded)" = 1
	# Each CPU hotplug then rewrote its ELF core header, with crash memory
	# unprotected and protected again
	check race-crash-hotplug "the loaded image takes crash hotplug updates" \
		test "$(cat /sys/devices/system/cpu/crash_hotplug)" = 1

	ring=$(keyctl search @u keyring kkt-race)
	for k in f1 f2 f3 f4 f5 f6; do
		keyctl add kdump "kkt:race-$k" "source=kkt:race-final source_type=user" "$ring" > /dev/null
	done
	keyctl update "%kdump:kkt:race-f2" "source=kkt:race-final source_type=user restore=logon"
	keyctl revoke "%kdump:kkt:race-f3"
	keyctl invalidate "%kdump:kkt:race-f4"
	keyctl timeout "%kdump:kkt:race-f5" 1
	keyctl unlink "%kdump:kkt:race-f6" "$ring"
	check race-unlinked-gone "an unlinked key leaves within 1 s" gone kkt:race-f6 1
	# keyctl timeout 1: it expires within 1 s; the garbage collector's work
	# then runs late on a loaded sanitizer kernel (once more than 2 s)
	check race-expired-gone "an expired key leaves within 5 s of keyctl timeout 1 (it expires within 1 s)" \
		gone kkt:race-f5 5
	race_keys | sed 's/^/KKT-SAY   /'
	check race-final-loaded "the final keys are loaded, no other race key is left" \
		test "$(race_keys | tr '\n' ' ')" = "kkt:race-f1 loaded kkt:race-f2 loaded "
	crash_now
}

stage_capture() {
	restored=$(race_keys | tr '\n' ' ')
	check race-restored-set "restored: $restored" \
		test "$restored" = "kkt:race-f1 restored kkt:race-f2 restored "
	check race-restored-bytes "kkt:race-f1 holds the final source's bytes" \
		test "$(digest user kkt:race-f1)" = "$kkt_final"
	check race-restored-logon "kkt:race-f2 came back as a logon key" \
		sh -c 'keyctl request logon kkt:race-f2 > /dev/null 2>&1'
}
