#!/bin/bash
# Boot build/bzImage + build/initramfs.cpio in QEMU and judge the run.
#   qemu.sh NAME "KERNEL ARGS" [DISK...]
# The serial log goes to build/logs/NAME.log; the guest's KKT-RESULT lines are
# echoed.  Exit 0: every result passed and no splat; 1: a result failed or the
# kernel splatted; 2: harness or boot error (timeout, no result at all).
# QEMU_ACCEL=kvm to use KVM (it hangs under nested virtualisation here);
# KKT_SHOW=1 to stream the guest's story and results while it runs.
# KKT_KERNEL=san boots the sanitizer variant (build/bzImage-san with
# build/initramfs-san.cpio, whose capture kernel is the same variant) with
# init_on_free=1.
# QEMU_KERNEL, QEMU_INITRD, QEMU_CRASHKERNEL (default 256M) and QEMU_MEM
# to boot other guests.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

name=$1 args=$2
shift 2
accel=${QEMU_ACCEL:-tcg}
timeout=${QEMU_TIMEOUT:-300}
log=$LOGS/$name.log
mkdir -p "$LOGS"
kernel=$BUILD/bzImage initrd=$BUILD/initramfs.cpio
if [ "${KKT_KERNEL:-}" = san ]; then
	kernel=$BUILD/bzImage-san initrd=$BUILD/initramfs-san.cpio
	args="init_on_free=1 $args"
fi

drives=()
for disk in "$@"; do
	drives+=(-drive "file=$disk,format=raw,if=virtio,cache=unsafe")
done

log "boot $name (accel=$accel, timeout ${timeout}s): $args"
start=$(date +%s)
set +e
timeout --kill-after=10 "$timeout" \
	qemu-system-x86_64 -accel "$accel" -cpu max -m "${QEMU_MEM:-2048}" \
	-nographic -no-reboot -monitor none -serial stdio \
	-kernel "${QEMU_KERNEL:-$kernel}" -initrd "${QEMU_INITRD:-$initrd}" \
	-append "console=ttyS0 panic=-1 no_timer_check crashkernel=${QEMU_CRASHKERNEL:-256M} $args" \
	"${drives[@]}" < /dev/null 2>&1 | stdbuf -oL tr -d '\r' | tee "$log" |
	if [ -n "${KKT_SHOW:-}" ]; then
		sed -un 's/^KKT-SAY /  | /p; s/^KKT-RESULT \([^ ]*\) \([^ ]*\) \(.*\)/  | [\2] \3/p' >&2
	else
		cat > /dev/null
	fi
rc=${PIPESTATUS[0]}
set -e
log "$name finished in $(( $(date +%s) - start ))s (qemu exit $rc), log: $log"

grep -a '^KKT-RESULT ' "$log" || true
status=0
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "KKT-RESULT $name-harness fail timeout after ${timeout}s"
	status=2
elif ! grep -aq '^KKT-RESULT ' "$log"; then
	echo "KKT-RESULT $name-harness fail no result from the guest"
	status=2
fi
grep -aq '^KKT-RESULT [^ ]* fail' "$log" && [ $status -eq 0 ] && status=1

splats=$("$TOP/scripts/splat-scan.sh" "$log")
if [ -n "$splats" ]; then
	printf '%s\n' "$splats" | sed 's/^/splat: /' >&2
	echo "KKT-RESULT $name-no-splat fail $(printf '%s\n' "$splats" | head -1)"
	[ $status -eq 0 ] && status=1
else
	echo "KKT-RESULT $name-no-splat pass console clean"
fi
exit $status
