# shellcheck shell=sh
# KUnit (built in, it ran during boot: the host parses its KTAP) and the
# kselftests, through the kselftest runner.  One KKT-RESULT per kselftest
# case, from the TAP of kselftest_harness (the runner prefixes it with "# ").

stage_first() {
	cd /kselftest || { result kselftest-run fail "no /kselftest"; return; }
	KDUMP_KEY_KERNEL=/boot/bzImage KDUMP_KEY_INITRD=/boot/capture.cpio \
		./run_kselftest.sh > /tmp/kselftest.tap 2>&1
	cat /tmp/kselftest.tap
	awk '/^# (not )?ok [0-9]+ / {
		verdict = $2 == "not" ? "fail" : "pass"
		name = $2 == "not" ? $5 : $4
		if ($0 ~ /# SKIP/)
			verdict = "skip"
		print "KKT-RESULT kselftest:" name " " verdict
	}' /tmp/kselftest.tap
	check kselftest-run "run_kselftest.sh: $(grep -c '^ok' /tmp/kselftest.tap) program(s) ok" \
		sh -c '! grep -q "^not ok" /tmp/kselftest.tap && grep -q "^ok" /tmp/kselftest.tap'
	cd /
}
