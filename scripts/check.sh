#!/bin/bash
# make check: build the test kernel, the kselftests, the disks and the
# initramfs, boot every scenario, and print one line per test and a summary.
# Exit 0: all passed; 1: a test failed; 2: harness or boot error.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
base_612_only

PASSPHRASE=kdump-demo-passphrase
RESULTS=$LOGS/results.txt
# Results that must be present: a scenario that stops early fails here
REQUIRED="deps:all-installed deps:not-installed deps:unknown shellcheck
	  kselftest-run crash-vmcore keys-log-line keys-late-restored
	  corrupt-boots-on fence-sysfs live-all-or-nothing e2e-live-set e2e-dump
	  e2e-verify-panic
	  exposure-capture-nobody exposure-log-capture exposure-no-key-in-logs
	  stress-quota stress-restored-set
	  regress-kexec-buf-uninit regress-payload-without-key-sem
	  regress-off-by-one-limits regress-cmdline-accounting
	  regress-copies-never-wiped
	  race-cpus race-rounds race-expired-gone race-restored-set
	  san:race-rounds san:race-restored-set
	  kunit:kdump_restore_slot_test san:kunit:kdump_restore_slot_test
	  san:faults-run san:faults-injected
	  san:faults-segment-no-room san:faults-segment-next-load
	  san:faults-write-fails san:faults-write-next-load
	  san:planted-run san:planted-verdict san:planted-scan-warning
	  san:planted-scan-kasan san:planted-scan-ubsan
	  san:planted-scan-kmemleak san:planted-scan-bug
	  san:planted-kmemleak-check
	  kunit-ktap san:kunit-ktap capture-initramfs-no-passphrase
	  7.3:kunit-ktap 7.3:kunit:kdump_restore_slot_test 7.3:kselftest-run
	  7.3:keys-log-line 7.3:keys-late-restored 7.3:fence-sysfs
	  7.3:live-all-or-nothing 7.3:race-rounds 7.3:race-restored-set
	  7.3:cfg-reuse-reload 7.3:cfg-restore 7.3:cfg-open-configfs
	  7.3:cfg-open-kdump 7.3:cfg-dump 7.3:cfg-no-key-bytes-logged
	  7.3:regress-copies-never-wiped 7.3:regress-cmdline-accounting"
# The same on every other architecture, named <arch>:<name>
ARCHES="arm64 ppc64le"
for arch in $ARCHES; do
	for name in kunit-ktap kunit:kdump_restore_slot_test kselftest-run \
		    fence-refused fence-no-key fence-sysfs e2e-live e2e-live-set \
		    e2e-segment-forgotten e2e-open-dmsetup e2e-open-cryptsetup \
		    e2e-dump e2e-verify-panic e2e-pages-hidden; do
		REQUIRED="$REQUIRED $arch:$name"
	done
done
# make check stays under 75 minutes: make check-full (KKT_FULL=1) adds the
# Debian 13 boots of our test kernel (scripts/debian13.sh: the admin
# guide with dpkg, the fallback to the passphrase, the fence on Debian;
# KKT_DEBIAN13=1 alone runs them) with their comparison with the
# passphrase path (KKT_D13_COMPARE=1), kdump-utils' configfs sequence on
# arm64 (it runs on x86 in both), and the sanitizer kernel's keys,
# corrupt, live and stress boots.  The packaged kernel's
# crash cycle on the Debian 13 machine runs in both.
KKT_FULL=${KKT_FULL:-0}
KKT_DEBIAN13=${KKT_DEBIAN13:-$KKT_FULL}
export KKT_D13_COMPARE=${KKT_D13_COMPARE:-$KKT_FULL}
[ "$KKT_DEBIAN13" = 1 ] && REQUIRED="$REQUIRED
	  d13-shellcheck d13-kdump-luks-kdump-initrd.img-no-passphrase
	  d13-kdump-luks-first-boot d13-kdump-luks-first-keys-loaded
	  d13-kdump-luks-first-status-loaded d13-kdump-luks-first-kexec-load-refused
	  d13-kdump-luks-first-unlinked-named d13-kdump-luks-first-turned-off-no-key
	  d13-kdump-luks-first-reloaded d13-capture-opened d13-capture-saved
	  d13-kdump-luks-verify-dump-found d13-kdump-luks-verify-dmesg-panic
	  d13-kdump-luks-verify-guide-removed-unhooked
	  d13-kdump-luks-verify-guide-installed-loaded
	  d13-kdump-luks-verify-nokeys-refused d13-kdump-luks-verify-nokeys-named
	  d13-fallback-no-key d13-fallback-prompt d13-fallback-timeout
	  d13-fallback-no-hang d13-no-passphrase-in-logs"
# The packages on a Debian 13 machine (scripts/machine.sh): make packages,
# apt install, GRUB, the packaged kernel's crash cycle, upgrade, purge
KKT_PACKAGES=${KKT_PACKAGES:-1}
[ "$KKT_PACKAGES" = 1 ] && REQUIRED="$REQUIRED
	  pkg-lintian pkg-config-keys-kdump pkg-config-explained pkg-config-judge-fails pkg-lsmod-listed
	  pkg-install-boot pkg-install-stock-kernel pkg-install-grub-crashkernel
	  pkg-install-apt-update pkg-install-check-names-kernel
	  pkg-install-kernel-installed pkg-install-grub-default
	  pkg-crash-boot pkg-crash-packaged-kernel pkg-crash-modules
	  pkg-crash-crashkernel pkg-crash-kdump-ready pkg-crash-keys-loaded
	  pkg-capture-kernel pkg-capture-restored pkg-capture-opened
	  pkg-capture-no-passphrase pkg-capture-saved
	  pkg-verify-boot pkg-verify-dump-found pkg-verify-dmesg-panic
	  pkg-verify-upgraded pkg-verify-upgrade-ready pkg-verify-upgrade-key-loaded
	  pkg-verify-purged pkg-verify-purged-files pkg-verify-purged-no-key
	  pkg-verify-purged-no-drop-in pkg-machine-no-splat"
[ "$KKT_DEBIAN13" = 1 ] && [ "$KKT_D13_COMPARE" = 1 ] && REQUIRED="$REQUIRED
	  d13-plain-first-kdump-ready d13-plain-capture-fails
	  d13-plain-fits-kdump-ready d13-plain-fits-saved"
start=$(date +%s)

mkdir -p "$LOGS"
: > "$RESULTS"
# Host tests first: cheap, no kernel needed.  deps.sh with stand-ins for
# dpkg-query and apt-get, then the real one, then shellcheck (which it
# installs) on every script of the harness and the guest.
"$TOP/scripts/test-deps.sh" >> "$RESULTS"
"$TOP/scripts/deps.sh"
lint=$LOGS/shellcheck.txt
if (cd "$TOP" && shellcheck -f gcc scripts/*.sh .ci/run guest/init guest/scenarios/*.sh guest/machine/kkt-machine) > "$lint" 2>&1; then
	echo "KKT-RESULT shellcheck pass scripts/ guest/ .ci/run clean" >> "$RESULTS"
else
	echo "KKT-RESULT shellcheck fail $(wc -l < "$lint") finding(s) in $lint, first: $(head -1 "$lint")" >> "$RESULTS"
fi
"$TOP/scripts/kernel.sh" >/dev/null
"$TOP/scripts/selftests.sh"
disks=$("$TOP/scripts/disks.sh")
"$TOP/scripts/initramfs.sh" >/dev/null

harness_error=0
boot() {
	"$TOP/scripts/qemu.sh" "$@" >> "$RESULTS" || [ $? -ne 2 ] || harness_error=1
}
# kunit LOG PREFIX: the KTAP of a unit boot, parsed by kunit.py; PREFIX-ktap
# fails on any error kunit.py reports (a test missing from its suite's
# plan, a result line cut by a kernel message)
kunit() {
	local parsed
	parsed=$(python3 "$SRC/tools/testing/kunit/kunit.py" parse "$1" 2>&1 || true)
	if grep -q '\[ERROR\]' <<< "$parsed"; then
		echo "KKT-RESULT $2-ktap fail $(grep -c '\[ERROR\]' <<< "$parsed") error(s) from kunit.py parse, first: $(grep -m1 -o '\[ERROR\].*' <<< "$parsed")" >> "$RESULTS"
	elif grep -q '^\[[0-9:]*\] Testing complete' <<< "$parsed"; then
		echo "KKT-RESULT $2-ktap pass $(grep -o 'Testing complete.*' <<< "$parsed")" >> "$RESULTS"
	else
		echo "KKT-RESULT $2-ktap fail kunit.py parse did not complete: $(tail -1 <<< "$parsed")" >> "$RESULTS"
	fi
	printf '%s\n' "$parsed" |
		awk -v p="$2" '/\] \[(PASSED|FAILED|SKIPPED|CRASHED)\] / && !/==/ {
			verdict = $2 == "[PASSED]" ? "pass" : "fail"
			$1 = $2 = ""
			gsub(/^ +| +$/, "")
			gsub(/ /, "_")
			print "KKT-RESULT " p ":" $0 " " verdict
		}' >> "$RESULTS"
	grep -q "^KKT-RESULT $2:" "$RESULTS" ||
		echo "KKT-RESULT $2 fail no KUnit results in $1" >> "$RESULTS"
}

# KUnit runs while the unit boot starts; its KTAP is parsed by kunit.py
boot unit "kkt_scenario=unit"
kunit "$LOGS/unit.log" kunit

boot crash "kunit.enable=0 kkt_scenario=crash"
boot keys "kunit.enable=0 kkt_scenario=keys"
boot corrupt "kunit.enable=0 kkt_scenario=corrupt"
boot fence "kunit.enable=0 kkt_scenario=fence"
# A smaller reservation makes a big initrd a tight fit: see live.sh
boot live "kunit.enable=0 crashkernel=96M kkt_scenario=live"
# shellcheck disable=SC2086 # $disks: two paths, split on purpose
QEMU_TIMEOUT=600 boot e2e \
	"init_on_free=1 kunit.enable=0 kkt_scenario=e2e kkt_pass=$PASSPHRASE" $disks
# shellcheck disable=SC2086
QEMU_TIMEOUT=600 boot e2e-verify \
	"kunit.enable=0 kkt_scenario=e2e kkt_stage=verify kkt_pass=$PASSPHRASE" $disks

QEMU_MEM=1024 boot exposure "kunit.enable=0 kkt_scenario=exposure"

boot stress "kunit.enable=0 kkt_scenario=stress"
boot regress "kunit.enable=0 kkt_scenario=regress"
# Two CPUs: key changes against loads, unloads and CPU hotplug (race.sh)
QEMU_TIMEOUT=600 boot race "kunit.enable=0 kkt_scenario=race"

# The sanitizer kernel (config/sanitize: KASAN, UBSAN, kmemleak with a scan
# at the end of every boot, debugobjects, DEBUG_LIST, lockdep, and
# init_on_free=1 from qemu.sh) boots unit, race and faults again, and in
# make check-full keys, corrupt, live and stress too; their results are
# named san:<name>.  crash, fence, e2e, exposure and regress stay on the
# fast kernel only.
"$TOP/scripts/kernel.sh" san >/dev/null
"$TOP/scripts/initramfs.sh" san >/dev/null
san_boot() {	# san_boot NAME ARGS: boot the sanitizer kernel
	local out=$LOGS/san-$1.results rc=0
	KKT_KERNEL=san "$TOP/scripts/qemu.sh" "san-$1" "$2" > "$out" || rc=$?
	sed '/^KKT-RESULT san-/!s/^KKT-RESULT /KKT-RESULT san:/' "$out" >> "$RESULTS"
	[ $rc -ne 2 ] || harness_error=1
}
# kdump_restore_faults only runs in the faults boot, armed from debugfs
san_boot unit "kunit.filter_glob=kdump_key* kkt_scenario=unit"
kunit "$LOGS/san-unit.log" san:kunit
# keys, corrupt, live and stress again on this kernel in make check-full
# only (10 min).  Its kernel needs 54 MiB, not 22, and its capture kernel
# runs out of memory in 128M (KASAN's shadow, kmemleak's objects): 192M, a
# looser fit than the fast kernel's 96M
if [ "$KKT_FULL" = 1 ]; then
	san_boot keys "kunit.enable=0 kkt_scenario=keys"
	san_boot corrupt "kunit.enable=0 kkt_scenario=corrupt"
	QEMU_TIMEOUT=600 san_boot live "kunit.enable=0 crashkernel=192M kkt_scenario=live"
	QEMU_TIMEOUT=900 san_boot stress "kunit.enable=0 kkt_scenario=stress"
	REQUIRED="$REQUIRED san:keys-log-line san:corrupt-boots-on
		  san:live-all-or-nothing san:stress-restored-set san:stress-quota
		  san:kmemleak-stress-first"
fi
QEMU_TIMEOUT=900 san_boot race "kunit.enable=0 kkt_scenario=race"
QEMU_TIMEOUT=900 san_boot faults "kunit.filter_glob=kdump_restore_faults kkt_scenario=faults"

# Planted bugs: qemu.sh must fail the boot (exit 1) on its splat, the
# scan must report each kind, and kmemleak_check fail on the leak.  The
# boot's other results count as they are (planted-run: every bug was
# provoked; san-planted-harness: the declared results all arrived).
rc=0
KKT_KERNEL=san "$TOP/scripts/qemu.sh" san-planted "kunit.enable=0 kkt_scenario=planted" \
	> "$LOGS/san-planted.results" 2>/dev/null || rc=$?
[ $rc -ne 2 ] || harness_error=1
grep -v '^KKT-RESULT \(kmemleak-planted-first\|san-planted-no-splat\) ' "$LOGS/san-planted.results" |
	sed '/^KKT-RESULT san-/!s/^KKT-RESULT /KKT-RESULT san:/' >> "$RESULTS"
if [ $rc -eq 1 ] && grep -q '^KKT-RESULT san-planted-no-splat fail ' "$LOGS/san-planted.results"; then
	echo "KKT-RESULT san:planted-verdict pass qemu.sh failed the boot (exit 1) on its splats" >> "$RESULTS"
else
	echo "KKT-RESULT san:planted-verdict fail qemu.sh exit $rc, $(grep -o '^KKT-RESULT san-planted-no-splat [a-z]*' "$LOGS/san-planted.results" || echo 'no splat result'): expected exit 1 and a splat" >> "$RESULTS"
fi
splats=$("$TOP/scripts/splat-scan.sh" "$LOGS/san-planted.log")
caught() {	# caught WHAT PATTERN: the scan reported a line matching it
	local verdict=fail
	grep -q "$2" <<< "$splats" && verdict=pass
	echo "KKT-RESULT san:planted-scan-$1 $verdict $(grep -m1 "$2" <<< "$splats" || echo "no line matching '$2'")" >> "$RESULTS"
}
caught warning 'WARNING: CPU: .* at [./a-z0-9-]*drivers/misc/lkdtm/'
caught kasan 'BUG: KASAN: slab-use-after-free'
caught ubsan 'UBSAN: array-index-out-of-bounds'
caught kmemleak 'unreferenced object'
caught bug 'kernel BUG at [./a-z0-9-]*drivers/misc/lkdtm/'
if grep -q '^KKT-RESULT kmemleak-planted-first fail scan: [1-9][0-9]* unreferenced objects' "$LOGS/san-planted.results"; then
	echo "KKT-RESULT san:planted-kmemleak-check pass the guest's kmemleak check failed on the leak" >> "$RESULTS"
else
	echo "KKT-RESULT san:planted-kmemleak-check fail the guest's kmemleak check missed the leak: $(grep -o '^KKT-RESULT kmemleak-planted-first .*' "$LOGS/san-planted.results" || echo 'no kmemleak-planted-first result')" >> "$RESULTS"
fi

# The exposure test's key in no console log of the whole run
verdict=pass
scan=$("$TOP/scripts/key-scan.py" "$LOGS/exposure.log" "$LOGS"/*.log 2>&1) || verdict=fail
echo "KKT-RESULT exposure-no-key-in-logs $verdict $(echo "$scan" | tail -1)" >> "$RESULTS"

# tag_boot TAG NAME ARGS [DISK...]: boot the kernel that KKT_BASE and
# KKT_ARCH name (set by the caller); results named TAG:<name>
tag_boot() {
	local tag=$1 name=$2 out=$LOGS/$1-$2.results rc=0
	shift 2
	"$TOP/scripts/qemu.sh" "$tag-$name" "$@" > "$out" || rc=$?
	sed "/^KKT-RESULT $tag-/!s/^KKT-RESULT /KKT-RESULT $tag:/" "$out" >> "$RESULTS"
	[ $rc -ne 2 ] || harness_error=1
}

# The 7.3 base (KKT_BASE=7.3): the kdump key type and CRASH_DM_CRYPT's
# configfs as one mechanism.  Its results are named 7.3:<name>.
b73_boot() { KKT_BASE=7.3 tag_boot 7.3 "$@"; }
KKT_BASE=7.3 "$TOP/scripts/kernel.sh" >/dev/null
KKT_BASE=7.3 "$TOP/scripts/initramfs.sh" >/dev/null
b73_boot unit "kkt_scenario=unit"
kunit "$LOGS/7.3-unit.log" 7.3:kunit
b73_boot keys "kunit.enable=0 kkt_scenario=keys"
b73_boot fence "kunit.enable=0 kkt_scenario=fence"
b73_boot live "kunit.enable=0 crashkernel=96M kkt_scenario=live"
b73_boot regress "kunit.enable=0 kkt_scenario=regress"
QEMU_TIMEOUT=600 b73_boot race "kunit.enable=0 kkt_scenario=race"
# Fresh copies of the two LUKS2 disks: kdump-utils' sequence on configfs
disks=$("$TOP/scripts/disks.sh")
# shellcheck disable=SC2086 # $disks: two paths, split on purpose
QEMU_TIMEOUT=600 b73_boot configfs \
	"kunit.enable=0 kkt_scenario=configfs kkt_pass=$PASSPHRASE" $disks

# The 7.3 base on another architecture (KKT_ARCH): cross-built with
# Debian's compiler, Debian's userspace of that architecture (arm64:
# Debian 13; ppc64le: Debian 12, as Debian 13's is not whole on the
# archive), qemu-system (TCG, 2 CPUs; ppc64le: a POWER9 pseries, radix,
# where the key pages leave the linear map).  KUnit and the kselftests,
# the fence, and the LUKS2 crash cycle with keys changed after the load;
# results named <arch>:<name>.
arch_boot() { KKT_BASE=7.3 KKT_ARCH=$1 tag_boot "$@"; }
arch_stage() {
	local arch=$1 disks

	KKT_BASE=7.3 KKT_ARCH=$arch "$TOP/scripts/kernel.sh" >/dev/null
	KKT_BASE=7.3 KKT_ARCH=$arch "$TOP/scripts/selftests.sh"
	KKT_BASE=7.3 KKT_ARCH=$arch "$TOP/scripts/initramfs.sh" >/dev/null
	QEMU_TIMEOUT=600 arch_boot "$arch" unit "kkt_scenario=unit"
	kunit "$LOGS/$arch-unit.log" "$arch:kunit"
	QEMU_TIMEOUT=600 arch_boot "$arch" fence "kunit.enable=0 kkt_scenario=fence"
	disks=$("$TOP/scripts/disks.sh")
	# shellcheck disable=SC2086 # $disks: two paths, split on purpose
	QEMU_TIMEOUT=900 arch_boot "$arch" e2e \
		"init_on_free=1 kunit.enable=0 kkt_scenario=e2e kkt_pass=$PASSPHRASE" $disks
	# shellcheck disable=SC2086
	QEMU_TIMEOUT=600 arch_boot "$arch" e2e-verify \
		"kunit.enable=0 kkt_scenario=e2e kkt_stage=verify kkt_pass=$PASSPHRASE" $disks
}
for arch in $ARCHES; do
	arch_stage "$arch"
done
if [ "$KKT_FULL" = 1 ]; then
	disks=$("$TOP/scripts/disks.sh")
	# shellcheck disable=SC2086
	QEMU_TIMEOUT=900 arch_boot arm64 configfs \
		"kunit.enable=0 kkt_scenario=configfs kkt_pass=$PASSPHRASE" $disks
	REQUIRED="$REQUIRED arm64:cfg-restore arm64:cfg-open-configfs arm64:cfg-open-kdump
		  arm64:cfg-dump arm64:cfg-no-key-bytes-logged"
fi

# Debian 13: a real system with kdump-tools and the kdump-luks package
if [ "$KKT_DEBIAN13" = 1 ]; then
	"$TOP/scripts/debian13.sh" >> "$RESULTS" || [ $? -ne 2 ] || harness_error=1
fi

# The packages a Debian 13 administrator installs, on a machine that boots
# through GRUB from its own disk
if [ "$KKT_PACKAGES" = 1 ]; then
	"$TOP/scripts/machine.sh" >> "$RESULTS" || [ $? -ne 2 ] || harness_error=1
fi

# The capture initramfs each first kernel of this run loaded (the
# /boot/capture.cpio inside its own initramfs), unpacked, holds no
# passphrase; the same search must find one planted in it, or it proves
# nothing
no_passphrase() {	# no_passphrase INITRAMFS: prints a problem, if any
	local dir=$BUILD/capture-search
	rm -rf "$dir" && mkdir -p "$dir/root"
	if ! (cd "$dir" && cpio -id --quiet boot/capture.cpio < "$1" &&
	      cd root && cpio -id --quiet < ../boot/capture.cpio) 2>/dev/null; then
		echo "cannot unpack boot/capture.cpio of $1"
		return
	fi
	if grep -rlaF "$PASSPHRASE" "$dir/root" | head -3 | grep .; then
		echo "passphrase found in ${1##*/}'s capture.cpio"
	else
		printf 'x%sx' "$PASSPHRASE" > "$dir/root/etc/planted"
		grep -rqaF "$PASSPHRASE" "$dir/root" ||
			echo "the search does not find a passphrase planted in ${1##*/}'s capture.cpio"
	fi
	rm -rf "$dir"
}
problems=$(for img in "$BUILD"/initramfs{,-san,-7.3,-7.3-arm64,-7.3-ppc64le}.cpio; do no_passphrase "$img"; done)
if [ -n "$problems" ]; then
	echo "KKT-RESULT capture-initramfs-no-passphrase fail $(paste -sd ';' - <<< "$problems")" >> "$RESULTS"
else
	echo "KKT-RESULT capture-initramfs-no-passphrase pass the capture.cpio that the five first kernels loaded, unpacked: no passphrase (a planted one is found)" >> "$RESULTS"
fi
for name in $REQUIRED; do
	grep -q "^KKT-RESULT $name pass" "$RESULTS" ||
		echo "KKT-RESULT required:$name fail missing or failed" >> "$RESULTS"
done

# A skip fails: the test kernel has everything every test needs
sed -i 's/^\(KKT-RESULT [^ ]*\) skip/\1 fail skipped:/' "$RESULTS"
sed 's/^KKT-RESULT //' "$RESULTS"
passed=$(grep -c '^KKT-RESULT [^ ]* pass' "$RESULTS" || true)
failed=$(grep -c '^KKT-RESULT [^ ]* fail' "$RESULTS" || true)
"$TOP/scripts/summary.sh" "$RESULTS" "$LOGS"
echo "make check took $(( $(date +%s) - start ))s; logs in $LOGS"
echo "$passed passed, $failed failed"
[ $harness_error -eq 0 ] || exit 2
[ "$failed" -eq 0 ] || exit 1
