#!/bin/bash
# The summary table at the end of make check: results per category and the
# run's figures (injected faults, fuzz cases, stress operations, splats).
#   summary.sh RESULTS LOGDIR
results=$1 logs=$2

echo "---------------------------------------------- summary"
awk '
function category(n) {
	k = sub(/^san:/, "", n) || n ~ /^san-/ ? " (sanitizer)" : ""
	if (n ~ /-no-splat$/) return "no splat in the boot" k
	if (n ~ /^d13-/) return "Debian 13 (kdump-luks)" k
	if (n ~ /^kunit/) return "KUnit" k
	if (n ~ /^kselftest/) return "kselftests" k
	if (n ~ /^kmemleak-/) return "kmemleak scans" k
	if (n ~ /^faults/) return "fault injection" k
	if (n ~ /^stress/) return "stress" k
	if (n ~ /^regress/) return "regressions (CRASH_DM_CRYPT bugs)" k
	if (n ~ /^exposure/) return "privilege and exposure" k
	if (n ~ /^san-/) return "sanitizer boots" k
	if (n ~ /^required:/) return "required results" k
	return "crash, keys, corrupt, end to end" k
}
/^KKT-RESULT / {
	c = category($2)
	if (!(c in pass)) { order[++n] = c; pass[c] = fail[c] = 0 }
	if ($3 == "pass") pass[c]++; else fail[c]++
}
END {
	printf "%-42s %6s %6s\n", "tests", "pass", "fail"
	for (i = 1; i <= n; i++)
		printf "%-42s %6d %6d\n", order[i], pass[order[i]], fail[order[i]]
}' "$results"

faults=$(grep -ah '^KKT-FIGURE faults-points ' "$logs"/*.log 2>/dev/null | tr -d '\r' |
	 awk '{ n += $4; s = s sep $3 " " $4; sep = ", " }
	      END { print NR ? n " (" s ")" : "not run" }')
fuzz=$(grep -ahoE 'kdump_key_fuzz: [0-9]+ cases seed [0-9a-fx]+' "$logs"/*.log 2>/dev/null |
       awk '{ n += $2; s = s " " $5 } END { print n + 0 (n ? " (seeds" s ")" : " (no kdump_key_fuzz line in any log)") }')
ops=$(grep -ah '^KKT-FIGURE stress-ops ' "$logs"/*.log 2>/dev/null | awk '{ n += $3 } END { print n + 0 }')
splats=$(grep -c '^KKT-RESULT [^ ]*-no-splat fail' "$results" || true)
printf '%-42s %s\n' "injected faults (fail-nth points)" "$faults" \
	"fuzz cases" "$fuzz" "stress operations" "$ops" "splats" "$splats"
