#!/bin/bash
# make mutants: a mutation check of the tests.  Each mutants/NAME.patch
# breaks one promise of the kernel code (a small diff against the prepared
# tree build/linux-source-6.12) and names, in its "Boots:" line, the boots
# of make check that must catch it.  For each mutant: apply it, rebuild
# the kernel incrementally and the initramfs (the capture kernel is the
# mutant too), boot those scenarios with the arguments scripts/check.sh
# gives them (logs build/logs/mut-NAME-SCENARIO.log), revert it.  Caught:
# a result failed or was skipped, the kernel splatted or a boot timed out.
# One line per mutant in build/logs/mutants.txt: NAME caught|survived
# FAILED-RESULTS.  At the end, always, the real kernel and initramfs are
# built again.  Exit 0: all caught; 1: one survived; 2: harness error.
# Not at the same time as make check: both use build/.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
base_612_only

OUT=$LOGS/mutants.txt
# As in scripts/kernel.sh.  The mutant kernels are built with make alone:
# kernel.sh runs tree.sh, which copies the overlay back over a mutant.
KMAKE=(make -C "$SRC" O="$OBJ" -j"$JOBS" CC="ccache gcc" KBUILD_BUILD_TIMESTAMP="2025-01-01 00:00:00"
       KBUILD_BUILD_USER=kdump KBUILD_BUILD_HOST=kdump)
start=$(date +%s)

boots_of() {	# boots_of PATCH: the scenarios its "Boots:" line names
	sed -n 's/^Boots: //p' "$1"
}

# boot_line SCENARIO: check.sh's one-line boot of it, [VAR=value...] boot
# NAME "ARGS" (no expansion in ARGS); sets boot_env and boot_args
boot_line() {
	local line re='^(([A-Z_]+=[^ ]+ )*)boot [a-z0-9-]+ "([^"$`\]*)"$'
	line=$(grep -m1 -E "^([A-Z_]+=[^ ]+ )*boot $1 \"" "$TOP/scripts/check.sh") &&
		[[ $line =~ $re ]] || return 1
	boot_env=${BASH_REMATCH[1]} boot_args=${BASH_REMATCH[3]}
}

# kunit_failures LOG: the KUnit tests of a unit boot that did not pass, read
# with kunit.py as check.sh does; kunit-ktap if its KTAP is not whole
kunit_failures() {
	local parsed
	parsed=$(python3 "$SRC/tools/testing/kunit/kunit.py" parse "$1" 2>&1 || true)
	if grep -q '\[ERROR\]' <<< "$parsed" || ! grep -q 'Testing complete' <<< "$parsed"; then
		echo kunit-ktap
	fi
	awk '/\] \[(FAILED|SKIPPED|CRASHED)\] / && !/==/ {
		$1 = $2 = ""; gsub(/^ +| +$/, ""); gsub(/ /, "_"); print "kunit:" $0 }' <<< "$parsed"
}

# Every mutant applies and names boots that check.sh has, before any build
"$TOP/scripts/tree.sh"
mutants=("$TOP"/mutants/*.patch)
[ -e "${mutants[0]}" ] || die "no mutants/*.patch"
for p in "${mutants[@]}"; do
	m=$(basename "$p" .patch)
	git -C "$SRC" apply --check "$p" 2>/dev/null ||
		die "mutant $m does not apply to $SRC: update mutants/$m.patch to the current code"
	[ -n "$(boots_of "$p")" ] || die "mutants/$m.patch has no 'Boots:' line"
	for s in $(boots_of "$p"); do
		boot_line "$s" || die "mutants/$m.patch: no one-line 'boot $s \"...\"' in scripts/check.sh"
	done
done

applied=''
restore() {	# on every exit: revert, rebuild the real kernel and initramfs
	local rc=$?
	set +e
	trap - EXIT
	[ -z "$applied" ] || git -C "$SRC" apply -R "$applied"
	log "rebuilding the real kernel and initramfs"
	if ! "$TOP/scripts/kernel.sh" > /dev/null || ! "$TOP/scripts/initramfs.sh" > /dev/null; then
		echo "error: rebuilding the real kernel after the mutants failed: run make kernel before make check" >&2
		rc=2
	fi
	log "make mutants took $(( $(date +%s) - start ))s"
	exit "$rc"
}
trap restore EXIT
trap 'exit 130' INT TERM

"$TOP/scripts/kernel.sh" > /dev/null
"$TOP/scripts/selftests.sh"
mkdir -p "$LOGS"
: > "$OUT"
survived=0
for p in "${mutants[@]}"; do
	m=$(basename "$p" .patch)
	log "mutant $m: $(boots_of "$p")"
	git -C "$SRC" apply "$p"
	applied=$p
	HINT="mutant $m does not build: fix mutants/$m.patch"
	"${KMAKE[@]}" -s bzImage
	cp "$OBJ/arch/x86/boot/bzImage" "$BUILD/bzImage"
	HINT="see the messages above, fix the cause and run make mutants again"
	"$TOP/scripts/initramfs.sh" > /dev/null
	failed=''
	for s in $(boots_of "$p"); do
		boot_line "$s"
		name=mut-$m-$s rc=0
		# shellcheck disable=SC2086 # boot_env: VAR=value words
		env $boot_env "$TOP/scripts/qemu.sh" "$name" "$boot_args" > "$LOGS/$name.results" || rc=$?
		f=$(grep -E '^KKT-RESULT [^ ]+ (fail|skip)' "$LOGS/$name.results" | cut -d' ' -f2 || true)
		[ "$s" != unit ] || f+=$'\n'$(kunit_failures "$LOGS/$name.log")
		[ "$rc" -eq 0 ] || grep -q . <<< "$f" ||
			die "qemu.sh $name exited $rc with no failed result: see $LOGS/$name.log"
		failed+=$f$'\n'
	done
	git -C "$SRC" apply -R "$p"
	applied=''
	failed=$(grep . <<< "$failed" | paste -sd ' ' - || true)
	if [ -n "$failed" ]; then
		echo "$m caught $failed" >> "$OUT"
	else
		echo "$m survived" >> "$OUT"
		survived=$((survived + 1))
	fi
done

printf '%-24s %-9s %s\n' mutant verdict "failed results"
while read -r m verdict results; do
	printf '%-24s %-9s %s\n' "$m" "$verdict" "${results:--}"
done < "$OUT"
echo "${#mutants[@]} mutants, $((${#mutants[@]} - survived)) caught, $survived survived; $OUT"
[ "$survived" -eq 0 ] || exit 1
