#!/bin/bash
# make demo: the whole story in QEMU, told step by step.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
base_612_only

PASSPHRASE=kdump-demo-passphrase
step() { printf '\n### %s\n' "$*"; }
# qemu.sh exits 1 when a test failed or a declared result did not arrive
# whole (told under "Result"), 2 when the boot itself failed
boot() {
	local rc=0
	mkdir -p "$LOGS"
	KKT_SHOW=1 QEMU_TIMEOUT=600 "$TOP/scripts/qemu.sh" "$@" > "$LOGS/$1.results" || rc=$?
	[ $rc -ne 2 ] || die "boot $1 failed (timeout or no result): see $LOGS/$1.log"
}

step "1. Build the kernel with the kdump key type (Debian linux-source-6.12 + this repository)"
"$TOP/scripts/deps.sh"
"$TOP/scripts/kernel.sh"
step "2. Two virtual disks, LUKS2 by cryptsetup 2.6.1: Argon2id, 1 GiB memory cost, 4 iterations"
disks=$("$TOP/scripts/disks.sh")
echo "$disks"
step "3. An initramfs from Debian's keyctl, cryptsetup, dmsetup, kexec and makedumpfile"
"$TOP/scripts/initramfs.sh"
if grep -aq "$PASSPHRASE" "$BUILD/capture.cpio"; then
	die "the capture initramfs contains the passphrase"
fi
echo "The capture kernel's initramfs holds no passphrase."

step "4. First kernel (2 GiB, crashkernel=256M): capture kernel loaded once, keys added, rotated and revoked while it stays loaded, crash, capture kernel dumps"
# shellcheck disable=SC2086 # $disks: two paths, split on purpose
boot demo "init_on_free=1 kunit.enable=0 kkt_scenario=e2e kkt_pass=$PASSPHRASE" $disks

step "5. Third boot, with the passphrase, to check the dump"
# shellcheck disable=SC2086
boot demo-verify "kunit.enable=0 kkt_scenario=e2e kkt_stage=verify kkt_pass=$PASSPHRASE" $disks

d13=
if [ "${KKT_DEBIAN13:-0}" = 1 ]; then
step "6. Debian 13 (trixie) with kdump-tools and our kdump-luks package, root on LUKS2"
echo "A guest image from Debian's archive (debootstrap, cached in"
echo "/var/cache/kdump-key-debian13), 2 GiB of memory, Debian's default"
echo "crashkernel=512M-:192M, i.e. 192M; then the same system with a capture"
echo "kernel that gets no key, which falls back to the passphrase prompt; last,"
echo "for comparison, the system without kdump-luks at 192M and at 1152M."
d13=$(KKT_SHOW=1 "$TOP/scripts/debian13.sh" | tee /dev/stderr) || true
fi

step "Memory: the smallest crashkernel= that writes the dump to the LUKS2 disk"
echo "make bench's search (scripts/bench-mem.sh), one run each: crash cycles at"
echo "one crashkernel= size after another, 8M apart, with the handed-over key"
echo "and with the passphrase (Argon2id, 1 GiB)."
mem=$BUILD/bench/demo
mkdir -p "$mem"
BENCH_RUNS=1 "$TOP/scripts/bench-mem.sh" key pass | sed 's/^/mem\t/' > "$mem/samples.tsv" ||
	die "the memory search failed: see $LOGS/bench-mem-*.log"

step "Result"
if grep -aqh '^KKT-RESULT [^ ]* fail' "$LOGS/demo.results" "$LOGS/demo-verify.results" ||
   grep -q '^KKT-RESULT [^ ]* fail' <<< "$d13"; then
	echo "FAILED: see $LOGS/demo.log, $LOGS/demo-verify.log and $LOGS/d13-*.log"
	exit 1
fi
echo "The capture kernel opened both encrypted disks with the keys the crashed"
echo "kernel handed over (added and rotated after the capture kernel was loaded,"
echo "with no reload), without a passphrase and without Argon2, inside a 256M"
echo "reservation, and wrote a dump that the next boot verified."
if [ -n "$d13" ]; then
	echo "On Debian 13, kdump-tools' own capture kernel opened the encrypted root"
	echo "with the key kdump-luks handed over and wrote /var/crash; without a"
	echo "key, the same system fell back to the passphrase prompt and, after"
	echo "kdump-luks' timeout, rebooted without a dump instead of hanging."
	if grep -q '^KKT-RESULT d13-plain-fits-saved pass' <<< "$d13"; then
		echo "Without kdump-luks, the capture kernel could not open the root at"
		echo "192M (Argon2 needs 1 GiB); at 1152M it could: 960M more reserved."
	fi
fi
echo "Console logs: $LOGS/demo.log, $LOGS/demo-verify.log, $LOGS/d13-*.log"
python3 "$TOP/scripts/bench-report.py" "$mem" --contrast
