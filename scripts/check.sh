#!/bin/bash
# make check: build the test kernel, the kselftests, the disks and the
# initramfs, boot every scenario, and print one line per test and a summary.
# Exit 0: all passed; 1: a test failed; 2: harness or boot error.
. "$(dirname "$0")/lib.sh"

PASSPHRASE=kdump-demo-passphrase
RESULTS=$LOGS/results.txt
# Results that must be present: a scenario that stops early fails here
REQUIRED="kselftest-run crash-vmcore keys-log-line keys-late-absent
	  corrupt-boots-on e2e-dump e2e-verify-panic
	  exposure-capture-nobody exposure-log-capture exposure-no-key-in-logs
	  san:kselftest-run san:keys-log-line san:corrupt-boots-on
	  san:kmemleak-unit-first san:kmemleak-keys-capture
	  san:faults-run san:faults-injected san:kmemleak-faults-first
	  san:stress-quota san:stress-restored-set san:kmemleak-stress-capture
	  san:regress-kexec-buf-uninit san:regress-payload-without-key-sem
	  san:regress-off-by-one-limits san:regress-cmdline-accounting
	  san:regress-copies-never-wiped"
start=$(date +%s)

"$TOP/scripts/deps.sh"
"$TOP/scripts/kernel.sh" >/dev/null
"$TOP/scripts/kernel.sh" san >/dev/null
"$TOP/scripts/selftests.sh"
disks=$("$TOP/scripts/disks.sh")
"$TOP/scripts/initramfs.sh" 2>/dev/null
"$TOP/scripts/initramfs.sh" san 2>/dev/null

mkdir -p "$LOGS"
: > "$RESULTS"
harness_error=0
boot() {
	"$TOP/scripts/qemu.sh" "$@" >> "$RESULTS" || [ $? -ne 2 ] || harness_error=1
}
# san NAME ARGS: a boot of the sanitizer kernel; its guest's results are
# prefixed with "san:", the boot's own (harness, no-splat) named san-NAME
san() {
	local name=$1 rc
	shift
	set +e
	KKT_KERNEL=san QEMU_TIMEOUT=${QEMU_TIMEOUT:-900} "$TOP/scripts/qemu.sh" "san-$name" "$@" |
		sed 's/^KKT-RESULT \([^ ]*\)/KKT-RESULT san:\1/; s/^KKT-RESULT san:san-/KKT-RESULT san-/' >> "$RESULTS"
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" -ne 2 ] || harness_error=1
}

# kunit LOG PREFIX: the KTAP of a unit boot, parsed by kunit.py
kunit() {
	{ python3 "$SRC/tools/testing/kunit/kunit.py" parse "$1" 2>/dev/null || true; } |
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
QEMU_TIMEOUT=600 boot e2e \
	"init_on_free=1 kunit.enable=0 kkt_scenario=e2e kkt_pass=$PASSPHRASE" $disks
QEMU_TIMEOUT=600 boot e2e-verify \
	"kunit.enable=0 kkt_scenario=e2e kkt_stage=verify kkt_pass=$PASSPHRASE" $disks

QEMU_MEM=1024 boot exposure "kunit.enable=0 kkt_scenario=exposure"

# The sanitizer kernel (KASAN, UBSAN, kmemleak, debugobjects, list debugging,
# lockdep, init_on_free=1): the same unit, keys and corrupt boots, then fault
# injection, stress and the regression tests.  The end-to-end boots stay on
# the fast kernel: Argon2 under KASAN and TCG would take many minutes.
san unit "kkt_scenario=unit"
kunit "$LOGS/san-unit.log" san:kunit
san keys "kunit.enable=0 kkt_scenario=keys"
san corrupt "kunit.enable=0 kkt_scenario=corrupt"
san faults "kunit.enable=0 kkt_scenario=faults"
san stress "kunit.enable=0 kkt_scenario=stress"
san regress "kunit.enable=0 kkt_scenario=regress"

# The exposure test's key in no console log of the whole run
verdict=pass
scan=$("$TOP/scripts/key-scan.py" "$LOGS/exposure.log" "$LOGS"/*.log 2>&1) || verdict=fail
echo "KKT-RESULT exposure-no-key-in-logs $verdict $(echo "$scan" | tail -1)" >> "$RESULTS"

if grep -aq "$PASSPHRASE" "$BUILD/capture.cpio"; then
	echo "KKT-RESULT capture-initramfs-no-passphrase fail passphrase found" >> "$RESULTS"
else
	echo "KKT-RESULT capture-initramfs-no-passphrase pass" >> "$RESULTS"
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
