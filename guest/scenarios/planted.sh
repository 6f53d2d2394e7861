# shellcheck shell=sh
# Planted bugs (sanitizer kernel only): load the modules of
# config/sanitize/planted.config and provoke one bug of each kind, so that
# the host can check that the splat scan reports WARNING, KASAN, UBSAN,
# kmemleak and BUG lines, and that kmemleak_check fails on the leak.  Every
# other boot must be clean; this one must not.

# The results of the boot: qemu.sh fails it unless all arrive, whole (with
# kmemleak-planted-first, which must fail)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="planted-run"

# plant VAR WHAT LKDTM_TEST: write the test's name to lkdtm's DIRECT file
# from a child shell (a BUG kills the writer: never /init itself); the
# child's exit status in VAR
plant() {
	echo "KKT-PLANTED $2"
	sh -c "echo $3 > /sys/kernel/debug/provoke-crash/DIRECT"
	eval "$1=\$?"
}

stage_first() {
	insmod /lib/planted/lkdtm.ko ||
		{ result planted-run fail "insmod lkdtm.ko failed"; return; }
	plant warning warning WARNING
	plant kasan kasan READ_AFTER_FREE
	plant ubsan ubsan ARRAY_BOUNDS
	echo "KKT-PLANTED kmemleak"
	insmod /lib/planted/kmemleak-test.ko
	kmemleak=$?
	# Last: the Oops turns lockdep off for the rest of the boot
	plant bug bug BUG
	# shellcheck disable=SC2154 # set by plant
	check planted-run "exit status of the writers: WARNING $warning, READ_AFTER_FREE $kasan, ARRAY_BOUNDS $ubsan, insmod kmemleak-test $kmemleak, BUG $bug (killed by the Oops: over 128)" \
		test "$warning$kasan$ubsan$kmemleak" = 0000 -a "$bug" -gt 128
}
