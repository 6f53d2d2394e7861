#!/bin/bash
# Boot build/bzImage + build/initramfs.cpio in QEMU and judge the run
# (KKT_BASE=7.3 KKT_ARCH=arm64: build/Image-7.3-arm64 on qemu-system-aarch64;
# KKT_ARCH=ppc64le: build/vmlinux-7.3-ppc64le on qemu-system-ppc64).
#   qemu.sh NAME "KERNEL ARGS" [DISK...]
# The serial log goes to build/logs/NAME.log; the guest's well-formed
# KKT-RESULT lines are echoed.  The guest declares the results a boot will
# print (KKT-EXPECT <n> <name>...); unless exactly those arrive, each on a
# well-formed line ("KKT-RESULT <name> pass|fail|skip ..."), the boot fails
# with a result NAME-harness, so that a result cut by a kernel message or
# never printed is a failure, not nothing.  Exit 0: every result passed and
# no splat; 1: a result failed, one is missing or mangled, or the kernel
# splatted; 2: harness or boot error (timeout, no result at all).
# QEMU_ACCEL=kvm to use KVM (it hangs under nested virtualisation here);
# KKT_SHOW=1 to stream the guest's story and results while it runs.
# KKT_KERNEL=san boots the sanitizer variant (build/bzImage-san with
# build/initramfs-san.cpio, whose capture kernel is the same variant) with
# init_on_free=1 and kkt_kmemleak=1 (the guest's kmemleak scan must run).
# QEMU_KERNEL, QEMU_INITRD, QEMU_CRASHKERNEL (default 256M) and QEMU_MEM
# to boot other guests; QEMU_SMP virtual CPUs (default 2: the kernels are
# SMP and preemptible, and races need two CPUs).  QEMU_DISK_BOOT=1 boots
# the first disk through its BIOS and boot loader (no -kernel, the
# arguments unused) and lets the guest reboot: it ends by powering off.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

name=$1 args=$2
shift 2
accel=${QEMU_ACCEL:-tcg}
timeout=${QEMU_TIMEOUT:-300}
log=$LOGS/$name.log
mkdir -p "$LOGS"
kernel=$BUILD/$KNAME$BASE_TAG initrd=$BUILD/initramfs$BASE_TAG.cpio
# arm64 (KKT_ARCH=arm64): QEMU's virt machine, the console on its PL011;
# pauth-impdef: QEMU's own pointer authentication, much faster under TCG
qemu=(qemu-system-x86_64) cpu=max console=ttyS0
[ "$KARCH" = arm64 ] && qemu=(qemu-system-aarch64 -M virt) cpu=max,pauth-impdef=on console=ttyAMA0
# ppc64le: QEMU's pseries machine on a POWER9 (radix MMU; QEMU_CPU=power8
# for hash), the console on the hypervisor's vty.  TCG implements none of
# the Spectre mitigations that pseries asks of a POWER9 by default.
[ "$KARCH" = ppc64le ] && cpu=${QEMU_CPU:-power9} console=hvc0 \
	qemu=(qemu-system-ppc64 -M "pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off")
if [ "${KKT_KERNEL:-}" = san ]; then
	kernel=$BUILD/$KNAME-san$BASE_TAG initrd=$BUILD/initramfs-san$BASE_TAG.cpio
	args="init_on_free=1 kkt_kmemleak=1 $args"
	# 4-level paging: with 5-level, KASAN's bound of the kernel half
	# (__VIRTUAL_MASK_SHIFT) reads the LA57 bit of boot_cpu_data, which
	# identify_cpu() clears and sets again at boot; an interrupt in that
	# window is reported as a wild-memory-access (seen once in a
	# capture kernel's do_raw_spin_lock() from handle_edge_irq())
	cpu=max,la57=off
fi

drives=()
for disk in "$@"; do
	drives+=(-drive "file=$disk,format=raw,if=virtio,cache=unsafe")
done

boot=(-no-reboot -kernel "${QEMU_KERNEL:-$kernel}" -initrd "${QEMU_INITRD:-$initrd}"
      -append "console=$console panic=-1 no_timer_check crashkernel=${QEMU_CRASHKERNEL:-256M} $args")
[ -z "${QEMU_DISK_BOOT:-}" ] || boot=()

log "boot $name (accel=$accel, ${QEMU_SMP:-2} CPUs, timeout ${timeout}s): $args"
start=$(date +%s)
set +e
timeout --kill-after=10 "$timeout" \
	"${qemu[@]}" -accel "$accel" -cpu "$cpu" -smp "${QEMU_SMP:-2}" -m "${QEMU_MEM:-2048}" \
	-nographic -monitor none -serial stdio "${boot[@]}" "${drives[@]}" < /dev/null 2>&1 | stdbuf -oL tr -d '\r' | tee "$log" |
	if [ -n "${KKT_SHOW:-}" ]; then
		sed -un 's/^KKT-SAY /  | /p; s/^KKT-RESULT \([^ ]*\) \([^ ]*\) \(.*\)/  | [\2] \3/p' >&2
	else
		cat > /dev/null
	fi
rc=${PIPESTATUS[0]}
set -e
log "$name finished in $(( $(date +%s) - start ))s (qemu exit $rc), log: $log"

# Well-formed results, and what the guest declared
wellformed='^KKT-RESULT [^ ]+ (pass|fail|skip)( |$)'
results=$(grep -aE "$wellformed" "$log" || true)
[ -z "$results" ] || printf '%s\n' "$results"
problems=()
status=0
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	problems+=("timeout after ${timeout}s")
	status=2
elif [ -z "$results" ]; then
	problems+=("no result from the guest")
	status=2
fi
# A declaration must be whole: its count says how many names follow
declared=$(grep -a 'KKT-EXPECT' "$log" | awk '
	/^KKT-EXPECT [0-9]+( [^ ]+)*$/ && $2 == NF - 2 { for (i = 3; i <= NF; i++) print $i; next }
	{ print "!" }' || true)
if ! grep -aq '^KKT-EXPECT ' "$log"; then
	problems+=("no KKT-EXPECT: the guest declared no results")
elif grep -q '^!$' <<< "$declared"; then
	problems+=("a KKT-EXPECT line is mangled")
fi
mangled=$(grep -a 'KKT-RESULT' "$log" | grep -avE "$wellformed" || true)
[ -z "$mangled" ] || problems+=("$(wc -l <<< "$mangled") mangled result line(s), first: $(head -1 <<< "$mangled" | cut -c1-120)")
got=$(cut -d' ' -f2 <<< "$results" | grep . | LC_ALL=C sort || true)
want=$(grep -v '^!$' <<< "$declared" | grep . | LC_ALL=C sort || true)
missing=$(LC_ALL=C comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep . | paste -sd ' ' - || true)
extra=$(LC_ALL=C comm -13 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep . | paste -sd ' ' - || true)
[ -z "$missing" ] || problems+=("missing: $missing")
[ -z "$extra" ] || problems+=("not declared: $extra")
if [ ${#problems[@]} -gt 0 ]; then
	n_want=$(grep -c . <<< "$want" || true)
	n_got=$(grep -c . <<< "$got" || true)
	echo "KKT-RESULT $name-harness fail $n_want result(s) declared, $n_got arrived well-formed; $(printf '%s; ' "${problems[@]}" | sed 's/; $//')"
	[ $status -ne 0 ] || status=1
fi
grep -q '^KKT-RESULT [^ ]* fail' <<< "$results" && [ $status -eq 0 ] && status=1

splats=$("$TOP/scripts/splat-scan.sh" "$log")
if [ -n "$splats" ]; then
	printf '%s\n' "$splats" | sed 's/^/splat: /' >&2
	echo "KKT-RESULT $name-no-splat fail $(printf '%s\n' "$splats" | head -1)"
	[ $status -eq 0 ] && status=1
else
	echo "KKT-RESULT $name-no-splat pass console clean"
fi
exit $status
