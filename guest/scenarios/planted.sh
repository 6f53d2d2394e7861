# shellcheck shell=sh
# Planted bugs (sanitizer kernel only): load the modules of
# config/sanitize/planted.config and provoke one bug of each kind, so that
# the host can check that the splat scan reports KASAN, UBSAN and kmemleak
# lines, and that kmemleak_check fails on the leak.  Every other boot must
# be clean; this one must not.

stage_first() {
	d=/sys/kernel/debug/provoke-crash
	insmod /lib/planted/lkdtm.ko ||
		{ result planted-lkdtm fail "insmod lkdtm.ko failed"; return; }
	echo "KKT-PLANTED kasan"
	echo READ_AFTER_FREE > $d/DIRECT
	echo "KKT-PLANTED ubsan"
	echo ARRAY_BOUNDS > $d/DIRECT
	echo "KKT-PLANTED kmemleak"
	insmod /lib/planted/kmemleak-test.ko ||
		{ result planted-kmemleak fail "insmod kmemleak-test.ko failed"; return; }
	result planted-run pass "bugs provoked; the host judges what was caught"
}
