#!/bin/bash
# make bench, key operations (guest/scenarios/bench-keys.sh, timed in the
# guest by bench/keyops.c): the median latency of add_key, KEYCTL_UPDATE
# and KEYCTL_REVOKE of a kdump key over 1, 16, 64 and 256 keys, with and
# without a capture kernel loaded (loaded: also the time from the change to
# crash memory holding it, the rewrite runs inside the syscall), add_key of
# a logon key as the baseline, kexec -s -p with 0 to 256 kdump keys, and
# the key segment's size in crash memory.
# Prints one sample a line, tab-separated: METRIC N VALUE UNIT, for each of
# BENCH_RUNS (default 3) boots, logs build/logs/bench-keys-<run>.log.
# Exit 2, with one line, if a boot failed or a figure is missing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
base_612_only
HINT="a key-operation measurement could not be taken: see the boot logs in $LOGS"

RUNS=${BENCH_RUNS:-3}
# The figures each boot must give ("metric n" a line)
wanted() {
	local n op
	for n in 1 16 64 256; do
		for op in add_kdump update_kdump revoke_kdump add_logon; do
			echo "keyops.$op.loaded $n"
			[ $op = add_logon ] || echo "keyops.$op.unloaded $n"
		done
		echo "keyops.add_logon $n"
		echo "seg.bytes_per_key.ours $n"
	done
	for n in 0 1 16 64 256; do
		echo "kexec.load.ours $n"
		echo "seg.bytes.ours $n"
	done
}

mkdir -p "$LOGS"
log "bench-keys: building kkt-keyops (static)"
gcc -O2 -static -Wall -Wextra -Werror -o "$BUILD/kkt-keyops" "$TOP/bench/keyops.c"
TIMED_AS=bench-keys timed "kernel build" "$TOP/scripts/kernel.sh" >&2
# Always: the initramfs carries kkt-keyops and the scenario as they are now
TIMED_AS=bench-keys timed "initramfs build" "$TOP/scripts/initramfs.sh" >&2

want=$(wanted | LC_ALL=C sort)
for run in $(seq "$RUNS"); do
	name=bench-keys-$run
	# TCG: some 20 kexec loads of a 16 MiB initrd, about 5 minutes
	QEMU_SMP=2 QEMU_TIMEOUT=${QEMU_TIMEOUT:-1200} "$TOP/scripts/qemu.sh" "$name" \
		"kunit.enable=0 kkt_scenario=bench-keys" >&2 ||
		die "bench-keys: boot $name failed (see $LOGS/$name.log)"
	samples=$(grep -aE '^KKT-BENCH [a-z0-9_.]+ [0-9]+ [0-9]+(\.[0-9]+)? (us|ms|bytes)$' "$LOGS/$name.log" |
		cut -d' ' -f2-)
	missing=$(LC_ALL=C comm -23 <(printf '%s\n' "$want") \
		<(cut -d' ' -f1,2 <<< "$samples" | LC_ALL=C sort -u) | paste -sd ' ' -)
	[ -z "$missing" ] || die "bench-keys: boot $name gave no figure for: $missing (see $LOGS/$name.log)"
	tr ' ' '\t' <<< "$samples"
done
