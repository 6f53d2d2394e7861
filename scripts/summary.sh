#!/bin/bash
# The summary table at the end of make check: results per category and the
# run's figures (injected faults, fuzz cases, stress operations, splats).
# The sanitizer kernel's results (san:<name>, and san-<boot>-no-splat) are
# counted apart: a re-run is an assertion the fast kernel (or the host)
# made too, under the same name, run again with the sanitizers watching;
# the others are assertions of their own (fault injection, the planted
# bugs, the kmemleak scans, the restore's KUnit suite).  The 7.3 base's
# results (7.3:<name>, 7.3-<boot>-...) are counted apart in the same way:
# the same assertion on the other kernel base, or one of its own (the
# configfs sequence), and so are arm64's (arm64:<name>, on the 7.3 base).
#   summary.sh RESULTS LOGDIR
results=$1 logs=$2

echo "---------------------------------------------- summary"
awk '
function category(n) {
	if (n ~ /-no-splat$/) return "no splat in the boot"
	if (n ~ /-harness$/) return "boots (timeout; results missing, mangled)"
	if (n ~ /^d13-/) return "Debian 13 (kdump-luks)"
	if (n ~ /^pkg-/) return "packages on a Debian 13 machine (apt, GRUB)"
	if (n ~ /^kunit/) return "KUnit"
	if (n ~ /^kselftest/) return "kselftests"
	if (n ~ /^kmemleak-/) return "kmemleak scans"
	if (n ~ /^faults/) return "fault injection"
	if (n ~ /^stress/) return "stress"
	if (n ~ /^regress/) return "regressions (CRASH_DM_CRYPT bugs)"
	if (n ~ /^exposure/) return "privilege and exposure"
	if (n ~ /^planted/) return "planted bugs"
	if (n ~ /^cfg-/) return "configfs (kdump-utils sequence)"
	if (n ~ /^required:/) return "required results"
	if (n ~ /^(deps:|shellcheck|capture-initramfs)/) return "host (deps.sh, shellcheck, initramfs)"
	return "crash, keys, corrupt, end to end"
}
# First pass: the names of the fast kernel and the host
NR == FNR { if ($1 == "KKT-RESULT" && $2 !~ /^(san|7\.3|arm64)[-:]/) plain[$2] = 1; next }
$1 == "KKT-RESULT" {
	n = $2
	kind = "distinct"
	if (sub(/^san:/, "", n) || sub(/^san-/, "", n))
		kind = n in plain ? "rerun" : "sanonly"
	else if (sub(/^7\.3:/, "", n) || sub(/^7\.3-/, "", n))
		kind = n in plain ? "base" : "baseonly"
	else if (sub(/^arm64:/, "", n) || sub(/^arm64-/, "", n))
		kind = n in plain ? "arch" : "archonly"
	c = category(n)
	c = kind == "rerun" ? c " [sanitizer re-run]" : kind == "sanonly" ? c " [sanitizer only]" : c
	c = kind == "base" ? c " [7.3 re-run]" : kind == "baseonly" ? c " [7.3 only]" : c
	c = kind == "arch" ? c " [arm64 re-run]" : kind == "archonly" ? c " [arm64 only]" : c
	if (!(c in pass)) { order[++nc] = c; pass[c] = fail[c] = 0 }
	ok = $3 == "pass"
	if (ok) pass[c]++; else fail[c]++
	if (kind == "rerun") { rp += ok; rf += !ok }
	else if (kind == "base") { bp += ok; bf += !ok }
	else if (kind == "arch") { ap += ok; af += !ok }
	else { dp += ok; df += !ok }
}
END {
	printf "%-56s %6s %6s\n", "results", "pass", "fail"
	for (i = 1; i <= nc; i++)
		printf "%-56s %6d %6d\n", order[i], pass[order[i]], fail[order[i]]
	printf "%-56s %6d %6d\n", "distinct assertions", dp, df
	printf "%-56s %6d %6d\n", "the same re-run on the sanitizer kernel", rp, rf
	printf "%-56s %6d %6d\n", "the same re-run on the 7.3 base", bp, bf
	printf "%-56s %6d %6d\n", "the same re-run on arm64 (7.3 base)", ap, af
}' "$results" "$results"

faults=$(grep -ah '^KKT-FIGURE faults-points ' "$logs"/*.log 2>/dev/null | tr -d '\r' |
	 awk '{ n += $4; s = s sep $3 " " $4; sep = ", " }
	      END { print NR ? n " (" s ")" : "not run" }')
fuzz=$(grep -ahoE 'kdump_key_fuzz: [0-9]+ cases seed [0-9a-fx]+' "$logs"/*.log 2>/dev/null |
       awk '{ n += $2; s = s " " $5 } END { print n + 0 (n ? " (seeds" s ")" : " (no kdump_key_fuzz line in any log)") }')
ops=$(grep -ah '^KKT-FIGURE stress-ops ' "$logs"/*.log 2>/dev/null | awk '{ n += $3 } END { print n + 0 }')
splats=$(grep -c '^KKT-RESULT [^ ]*-no-splat fail' "$results" || true)
printf '%-56s %s\n' "injected faults (fail-nth points)" "$faults" \
	"fuzz cases" "$fuzz" "stress operations" "$ops" "splats" "$splats"
