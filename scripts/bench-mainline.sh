#!/bin/bash
# The mainline comparison of make bench (issue 19): the same workload
# (guest/scenarios/bench-mainline.sh) on a stock Debian 7.3 with mainline's
# CRASH_DM_CRYPT (KKT_STOCK=1: build/bzImage-7.3-stock, no patch and no
# overlay of ours) and on ours (build/bzImage-7.3), BENCH_RUNS boots of each
# (default 3, alternating), in QEMU with crashkernel=$BENCH_CRASHKERNEL
# (default 96M, as the live scenario's tight fit: the 16 MB capture initrd
# of the timed loads fits wherever mainline puts its keys; in 64M it would
# not always).  Every sample goes to stdout as one tab-separated line
#   <metric>\t<n>\t<value>\t<unit>
# (one per sample per run; scripts/bench.sh takes median, min and max); the
# boots' results and the story go to stderr.  Exit 2 with one line when a
# figure could not be taken (a boot failed, or a metric is missing).
#   BENCH_TRIES loads per placement fill level (default 20), BENCH_LOADS
#   timed loads per key count (default 3), BENCH_CHANGES key changes of the
#   workload (default 16); BENCH_SKIP_BUILD=1 boots what is built.
# The guest's timer, bench/elapsed.c, is built static here and appended to
# each initramfs (build/bench-initramfs-{mainline,ours}.cpio).
export KKT_BASE=7.3
unset KKT_STOCK KKT_ARCH
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="the mainline comparison failed: see the messages above"

RUNS=${BENCH_RUNS:-3} TRIES=${BENCH_TRIES:-20} LOADS=${BENCH_LOADS:-3} CHANGES=${BENCH_CHANGES:-16}
CRASHKERNEL=${BENCH_CRASHKERNEL:-96M}
TIMED_AS=bench-mainline
mkdir -p "$BUILD/bench/root/usr/bin" "$LOGS"

gcc -static -O2 -Wall -Werror -o "$BUILD/bench/root/usr/bin/elapsed" "$TOP/bench/elapsed.c"
(cd "$BUILD/bench/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$BUILD/bench/elapsed.cpio"

# build KERNEL STOCK: its image and initramfs, and the bench's initramfs
build() {
	if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
		KKT_STOCK=$2 timed "$1's kernel" "$TOP/scripts/kernel.sh" >&2
		KKT_STOCK=$2 timed "$1's initramfs" "$TOP/scripts/initramfs.sh" >&2
	fi
	cat "$BUILD/initramfs-7.3${2:+-stock}.cpio" "$BUILD/bench/elapsed.cpio" \
		> "$BUILD/bench-initramfs-$1.cpio"
}
build mainline 1
build ours ''

# want KERNEL: the "metric n" pairs a boot of KERNEL must report
want() {
	local n
	for n in 0 1 16 64 128; do
		echo "kexec.load.$1 $n"
		echo "seg.bytes.$1 $n"
		if [ "$1" = ours ]; then
			echo "kexec.load.ours.kdump $n"
			echo "seg.bytes.ours.kdump $n"
		fi
	done
	for n in 80 90 95 98; do echo "placement.ok.$1 $n" && echo "placement.loaded.$1 $n"; done
	echo "change.reload.$1 16"
	echo "configfs.accepted.$1 130"
	if [ "$1" = ours ]; then
		echo "change.update.ours 16"
		echo "change.update.ours.syscall 16"
	fi
}

for run in $(seq "$RUNS"); do
	for k in mainline ours; do
		name=bench-$k-$run image=$BUILD/bzImage-7.3
		[ "$k" = ours ] || image=$BUILD/bzImage-7.3-stock
		rc=0
		QEMU_KERNEL=$image QEMU_INITRD=$BUILD/bench-initramfs-$k.cpio \
		QEMU_CRASHKERNEL=$CRASHKERNEL QEMU_TIMEOUT=${BENCH_TIMEOUT:-1500} \
			timed "boot $name" "$TOP/scripts/qemu.sh" "$name" \
			"kkt_scenario=bench-mainline kkt_bench=$k kkt_bench_m=$TRIES kkt_bench_loads=$LOADS kkt_bench_k=$CHANGES" >&2 ||
			rc=$?
		[ "$rc" -eq 0 ] || die "boot $name failed (qemu.sh exit $rc): no figures from it, see $LOGS/$name.log"
		samples=$(grep -aE '^KKT-BENCH [a-z0-9_.]+ [0-9]+ [0-9]+(\.[0-9]+)? [a-zA-Z%]+$' "$LOGS/$name.log" |
			cut -d' ' -f2- || true)
		missing=$(want "$k" | LC_ALL=C sort -u |
			LC_ALL=C comm -23 - <(cut -d' ' -f1,2 <<< "$samples" | LC_ALL=C sort -u) | paste -sd, - || true)
		[ -z "$missing" ] || die "boot $name: no well-formed KKT-BENCH line for: $missing (see $LOGS/$name.log)"
		tr ' ' '\t' <<< "$samples"
	done
done
