#!/bin/bash
# make patches: the series for mainline, git format-patch output against the
# pristine 7.3 tree (the baseline commit of build/linux-source-7.3, Debian's
# linux-source-7.3), in build/patches-7.3/:
#   tree/  a clone of the baseline with one commit per entry of
#          patches/7.3/series (git am), each amended with the new files of
#          the overlay it brings (patch_of below)
#   out/   git format-patch --cover-letter of those commits; the cover letter
#          is patches/7.3/cover-letter.txt (first line: the subject) with
#          the last make check's numbers (build/logs/results.txt), the
#          checks below and scripts/get_maintainer.pl's list
#   obj/   the test configuration (scripts/kernel.sh's) built at the
#          baseline and then at each commit, incrementally
# Then one line per check, "patches: <check> pass|fail <detail>": am,
# checkpatch, kernel-doc, build, sparse, W=1.  Exit 1 if a check failed.
# Warnings of kernel-doc, sparse and W=1 count only if the same files on the
# baseline do not have them (line numbers aside).
[ "${KKT_BASE:-7.3}" = 7.3 ] || { echo "error: make patches is for the 7.3 base only" >&2; exit 2; }
export KKT_BASE=7.3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="make patches failed: see the messages above"

OUT=$BUILD/patches-7.3 TREE=$BUILD/patches-7.3/tree KOBJ=$BUILD/patches-7.3/obj
MAIL=$OUT/out
G=(git -C "$TREE" -c user.name="Seed c3502795 maintainers"
   -c user.email=maintainers@users.noreply.r-seed-c3502795.example)
KMAKE=(make -C "$TREE" O="$KOBJ" -j"$JOBS" CC="ccache gcc" KBUILD_BUILD_TIMESTAMP="2025-01-01 00:00:00"
       KBUILD_BUILD_USER=kdump KBUILD_BUILD_HOST=kdump)
START=$SECONDS failed=0
# sparse: one that knows __typeof_unqual__, built from Debian sid's source
CHECKER=$("$TOP/scripts/sparse.sh")
SPARSE=(C=2 CHECK="$CHECKER")

# The patch (its number in the series) that brings each new file of the
# overlay.  The key type's patch needs all of security/keys/kdump: its
# Makefile names kexec.o and restore.o, and copies.o with CRASH_DM_CRYPT,
# which 7.3 has already; those call x86's hooks (kdump_keys.c).  0003 then
# wires the segment into kexec_file_load() and CRASH_DM_CRYPT.
patch_of() {
	case $1 in
	security/keys/kdump/* | include/keys/kdump-type.h | \
	arch/x86/kernel/kdump_keys.c | arch/x86/include/asm/kdump_keys.h) echo 0002 ;;
	arch/arm64/kernel/kdump_keys.c) echo 0004 ;;
	arch/powerpc/kexec/kdump_keys.c) echo 0005 ;;
	Documentation/security/keys/kdump.rst) echo 0006 ;;
	tools/testing/selftests/kdump_key/*) echo 0007 ;;
	*) return 1 ;;
	esac
}

report() {	# report CHECK pass|fail DETAIL
	echo "patches: $*" | tee -a "$OUT/checks.txt"
	[ "$2" = pass ] || failed=1
}

# new_warnings OLD NEW: the diagnostics of NEW that OLD has not, line and
# column numbers aside
new_warnings() {
	local re='(warning|error):|^Warning: '
	comm -13 <(grep -E "$re" "$1" | sed -E 's/:[0-9]+(:[0-9]+)?([: ])/\2/' | sort) \
		 <(grep -E "$re" "$2" | sed -E 's/:[0-9]+(:[0-9]+)?([: ])/\2/' | sort)
}

# --- the series -----------------------------------------------------------
[ -d "$SRC/.git" ] || "$TOP/scripts/tree.sh"
base=$(git -C "$SRC" rev-parse HEAD)
[ "$(git -C "$SRC" rev-list --count HEAD)" = 1 ] ||
	die "$SRC: HEAD is not the baseline commit alone; make clean and run again"
if [ "$(cat "$OUT/base" 2>/dev/null)" != "$base" ] || [ ! -d "$TREE/.git" ]; then
	rm -rf "$OUT" && mkdir -p "$OUT"
	log "cloning the baseline of $SRC into $TREE"
	git clone -q --shared --no-checkout "$SRC" "$TREE"
	echo "$base" > "$OUT/base"
fi
"${G[@]}" am --abort 2>/dev/null || true
"${G[@]}" checkout -q -f --detach "$base"
"${G[@]}" clean -q -fdx
rm -f "$OUT"/build-*.log "$OUT"/checkpatch-*.log
: > "$OUT/checks.txt"

names=$(grep -Ev '^[[:space:]]*(#|$)' "$PATCHES/series")
# shellcheck disable=SC2086 # OVERLAY_DIRS: a list
files=$(git -C "$TOP" ls-files -co --exclude-standard -- $OVERLAY_DIRS)
for f in $files; do
	n=$(patch_of "$f") || die "$f: no patch of the series brings it; map it in patch_of in ${0##*/}"
	grep -q "^$n-" <<< "$names" || die "$f: its patch $n is not in $PATCHES/series"
done
converted=0
for p in $names; do
	"${G[@]}" am -q "$PATCHES/$p" || die "$p: git am failed on the baseline and the patches before it"
	added=0
	for f in $files; do
		[ "$(patch_of "$f")" = "${p%%-*}" ] || continue
		mkdir -p "$TREE/${f%/*}" && cp "$TOP/$f" "$TREE/$f"
		# The overlay is shared with the 6.12 base, which has no
		# kzalloc_obj() (Linux 7.0); mainline's checkpatch wants it for
		# "p = kzalloc(sizeof(*p), GFP_KERNEL)", so the series' copy says
		# "p = kzalloc_obj(*p)", as mainline does.
		if [[ $f == *.c ]] && grep -q 'kzalloc(sizeof(\*[a-z_]*), GFP_KERNEL)' "$TREE/$f"; then
			sed -i 's/\bkzalloc(sizeof(\(\*[a-z_]*\)), GFP_KERNEL)/kzalloc_obj(\1)/' "$TREE/$f"
			converted=$((converted + 1))
		fi
		"${G[@]}" add "$f"
		added=$((added + 1))
	done
	[ "$added" -eq 0 ] || "${G[@]}" commit -q --amend --no-edit
done
final=$("${G[@]}" rev-parse HEAD)
log "series: $(echo "$names" | wc -l) commits on the baseline; kzalloc_obj() in $converted file(s)"

rm -rf "$MAIL"
"${G[@]}" format-patch -q --cover-letter --zero-commit --no-signature -o "$MAIL" "$base..$final"
mails=()
for m in "$MAIL"/*.patch; do
	[ "${m##*/}" = 0000-cover-letter.patch ] || mails+=("$m")
done

# --- checks ---------------------------------------------------------------
# (a) git am of the mails on a fresh checkout of the baseline
"${G[@]}" worktree remove -f "$OUT/am" 2>/dev/null || rm -rf "$OUT/am"
"${G[@]}" worktree prune
"${G[@]}" worktree add -q --detach "$OUT/am" "$base"
if git -C "$OUT/am" -c user.name=am -c user.email=am@localhost am -q "${mails[@]}" > "$OUT/am.log" 2>&1; then
	if [ "$(git -C "$OUT/am" rev-parse "HEAD^{tree}")" = "$("${G[@]}" rev-parse "$final^{tree}")" ]; then
		report am pass "${#mails[@]} patches apply on the pristine tree, same tree as the series"
	else
		report am fail "${#mails[@]} patches apply, but the tree differs from the series"
	fi
else
	report am fail "see $OUT/am.log: $(grep -m1 -i 'patch failed\|error' "$OUT/am.log")"
fi
"${G[@]}" worktree remove -f "$OUT/am"

# (b) checkpatch --strict
errors=0 warnings=0 checks=0 bad=''
for m in "${mails[@]}"; do
	(cd "$TREE" && perl scripts/checkpatch.pl --strict "$m") > "$OUT/checkpatch-${m##*/}.log" 2>&1 || true
	t=$(sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks.*/\1 \2 \3/p' \
		"$OUT/checkpatch-${m##*/}.log")
	# No total line: checkpatch itself failed, an error
	read -r e w c <<< "${t:-1 0 0}"
	[ $((e + w + c)) -eq 0 ] || bad+=" ${m##*/}"
	errors=$((errors + e)) warnings=$((warnings + w)) checks=$((checks + c))
done
verdict=pass
[ -z "$bad" ] || { verdict=fail; cat "$OUT"/checkpatch-*.log | grep -E '^(ERROR|WARNING|CHECK):' >&2; }
report checkpatch $verdict "--strict, ${#mails[@]} patches: $errors errors, $warnings warnings, $checks checks${bad:+ in$bad}"

# (c) kernel-doc -none -Wall on the .c and .h files the series adds or
# changes, and on the baseline's versions of those it changes
mapfile -t sources < <("${G[@]}" diff --name-only "$base" "$final" -- '*.c' '*.h' | grep -v '^tools/')
rm -rf "$OUT/kdoc-base" && mkdir -p "$OUT/kdoc-base"
old=()
for f in "${sources[@]}"; do
	"${G[@]}" cat-file -e "$base:$f" 2>/dev/null || continue
	mkdir -p "$OUT/kdoc-base/${f%/*}"
	"${G[@]}" show "$base:$f" > "$OUT/kdoc-base/$f"
	old+=("$f")
done
(cd "$OUT/kdoc-base" && "$TREE/scripts/kernel-doc" -none -Wall "${old[@]}") > "$OUT/kdoc-base.log" 2>&1
(cd "$TREE" && scripts/kernel-doc -none -Wall "${sources[@]}") > "$OUT/kdoc.log" 2>&1
new=$(new_warnings "$OUT/kdoc-base.log" "$OUT/kdoc.log")
verdict=pass
[ -z "$new" ] || { verdict=fail; echo "$new" >&2; }
report kernel-doc $verdict "-none -Wall, ${#sources[@]} files: $(grep -c . <<< "$new" || true) new warnings ($(grep -c '^Warning' "$OUT/kdoc-base.log" || true) on the baseline's ${#old[@]} files)"

# (d) every commit builds: the baseline, then each commit, incrementally
# objects OBJS...: the objects of the .c files in sources that the test
# configuration builds (make's targets for sparse and W=1); unbuilt: the rest
objects() {
	built_objects "$KOBJ" "${sources[@]}"
	[ ${#objs[@]} -gt 0 ] || die "none of the series' .c files is built by the test configuration"
}
mkdir -p "$KOBJ"
log "the test configuration, at the series' last commit"
test_config "$OUT/config" "${KMAKE[@]}"
mapfile -t commits < <("${G[@]}" rev-list --reverse "$base..$final")
built=0 broken='' newwarn=0 i=0 stale=''
for c in "$base" "${commits[@]}"; do
	"${G[@]}" checkout -q -f --detach "$c"
	cp "$OUT/config" "$KOBJ/.config"
	subj=$("${G[@]}" log -1 --format=%s "$c")
	log "building $subj"
	if ! "${KMAKE[@]}" -s bzImage > "$OUT/build-$i.log" 2>&1; then
		broken+=" [$subj]"
		tail -20 "$OUT/build-$i.log" >&2
	elif [ $i -eq 0 ]; then
		# The baseline's warnings in the files the series changes
		objects
		"${KMAKE[@]}" "${SPARSE[@]}" "${objs[@]}" > "$OUT/sparse-base.log" 2>&1 || true
		"${KMAKE[@]}" W=1 "${objs[@]}" > "$OUT/w1-base.log" 2>&1 || true
	else
		built=$((built + 1))
		# The .c files the commit adds or changes are compiled now, unless
		# the test configuration never builds them (see below)
		while read -r f; do
			[ "$KOBJ/${f%.c}.o" -nt "$TREE/$f" ] || stale+=" $f"
		done < <("${G[@]}" diff --name-only "$c~1" "$c" -- '*.c' | grep -v '^tools/')
		new=$(new_warnings "$OUT/build-0.log" "$OUT/build-$i.log")
		[ -z "$new" ] || { newwarn=$((newwarn + $(grep -c . <<< "$new"))); echo "$new" >&2; }
	fi
	i=$((i + 1))
done
objects
for f in $unbuilt; do stale=${stale// $f/}; done
if [ -z "$broken" ] && [ "$newwarn" -eq 0 ] && [ -z "$stale" ]; then
	report build pass "bzImage of the test configuration at the baseline and each of the ${#commits[@]} commits, each commit's .c files compiled with it, no new compiler warning"
else
	report build fail "$built of ${#commits[@]} commits built${broken:+, failed:$broken}; $newwarn new compiler warnings${stale:+; not compiled with their commit:$stale}"
fi

# (e) sparse and (f) W=1 on the files the series changes, at its last commit
if [ -n "$broken" ]; then
	report sparse fail "not run: a commit does not build"
	report W=1 fail "not run: a commit does not build"
else
	note="${#objs[@]} objects${unbuilt:+ (not in the x86 test configuration:$unbuilt)}"
	"${KMAKE[@]}" "${SPARSE[@]}" "${objs[@]}" > "$OUT/sparse.log" 2>&1 || true
	new=$(new_warnings "$OUT/sparse-base.log" "$OUT/sparse.log")
	checked=0
	for o in "${objs[@]}"; do
		! grep -qx "  CHECK   ${o%.o}.c" "$OUT/sparse.log" || checked=$((checked + 1))
	done
	verdict=fail
	if [ -z "$new" ] && [ "$checked" -eq ${#objs[@]} ]; then verdict=pass; else echo "$new" >&2; fi
	report sparse $verdict "C=2, sparse from $(basename "$(find "${KKT_D13_CACHE:-/var/cache/kdump-key-debian13}/sparse" -name 'sparse_*.orig.*' | sort -V | tail -1)"), $checked of $note checked: $(grep -c . <<< "$new" || true) new warnings ($(grep -cE '(warning|error):' "$OUT/sparse-base.log" || true) on the baseline)"
	"${KMAKE[@]}" W=1 "${objs[@]}" > "$OUT/w1.log" 2>&1 || true
	new=$(new_warnings "$OUT/w1-base.log" "$OUT/w1.log")
	verdict=pass
	[ -z "$new" ] || { verdict=fail; echo "$new" >&2; }
	report W=1 $verdict "$note: $(grep -c . <<< "$new" || true) new warnings ($(grep -cE '(warning|error):|^Warning: ' "$OUT/w1-base.log" || true) on the baseline)"
fi

# (g) sparse and W=1 on arm64 and ppc64le, whose files the x86 build above
# never compiles: in make check's tree and objects of each (arch-lint.sh)
for arch in arm64 ppc64le; do
	KKT_ARCH=$arch "$TOP/scripts/arch-lint.sh" || failed=1
done

# --- the cover letter -----------------------------------------------------
tests() {
	local r=$LOGS/results.txt
	if [ ! -s "$r" ]; then
		echo "Not measured: there is no build/logs/results.txt of a make check."
		return
	fi
	count() { grep -cE "^KKT-RESULT $1 $2" "$r" || true; }
	cat <<-EOF
	make check of $(date -u -r "$r" '+%Y-%m-%d %H:%M UTC'), QEMU (TCG, two vCPUs),
	this series on $("${G[@]}" log -1 --format=%s "$base"):
	on x86_64 the 7.3 kernel passed $(count '7\.3[:-][^ ]*' pass) of $(count '7\.3[:-][^ ]*' '(pass|fail)') results, among them
	$(count '7\.3:kunit:[^ ]*' pass) of $(count '7\.3:kunit:[^ ]*' '(pass|fail)') KUnit cases of the key type, its kselftests, crash
	cycles, live key changes while loaded, a race of key changes against
	loads and CPU hotplug, and kdump-utils' configfs sequence with
	cryptsetup opening LUKS2 disks in the capture kernel.  On arm64
	(qemu-system-aarch64 -M virt) it passed $(count 'arm64[:-][^ ]*' pass) of $(count 'arm64[:-][^ ]*' '(pass|fail)') results: $(count 'arm64:kunit:[^ ]*' pass) of
	$(count 'arm64:kunit:[^ ]*' '(pass|fail)') KUnit cases, the kselftests, the fence and a LUKS2 crash
	cycle with keys changed after the load.  On ppc64le (qemu-system-ppc64
	-M pseries, a POWER9 with radix) it passed
	$(count 'ppc64le[:-][^ ]*' pass) of $(count 'ppc64le[:-][^ ]*' '(pass|fail)') results: $(count 'ppc64le:kunit:[^ ]*' pass) of $(count 'ppc64le:kunit:[^ ]*' '(pass|fail)') KUnit cases, the kselftests,
	the fence and the same crash cycle.  The whole run,
	with the 6.12 backport, a sanitizer kernel and Debian 13 guests:
	$(count '[^ ]*' pass) passed, $(count '[^ ]*' fail) failed.
	EOF
}
tests > "$OUT/tests.txt"
# Without git fallback: the tree's history is the baseline commit and ours
maintainers=$(cd "$TREE" && perl scripts/get_maintainer.pl --no-rolestats --no-git-fallback "${mails[@]}")
{
	sed -n '3,$p' "$PATCHES/cover-letter.txt" |
		awk -v t="$OUT/tests.txt" -v c="$OUT/checks.txt" '
			$0 == "@TESTS@" { while ((getline l < t) > 0) print l; next }
			$0 == "@CHECKS@" { while ((getline l < c) > 0) print substr(l, 10); next }
			{ print }'
	printf '\nscripts/get_maintainer.pl --no-rolestats --no-git-fallback:\n%s\n' "$maintainers"
} > "$OUT/blurb.txt"
subject=$(head -1 "$PATCHES/cover-letter.txt")
awk -v s="$subject" -v b="$OUT/blurb.txt" '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, s) }
	$0 == "*** BLURB HERE ***" { while ((getline l < b) > 0) print l; next }
	{ print }' "$MAIL/0000-cover-letter.patch" > "$OUT/cover.tmp"
mv "$OUT/cover.tmp" "$MAIL/0000-cover-letter.patch"
log "the series: $MAIL ($((${#mails[@]} + 1)) files), in $((SECONDS - START)) s"
exit "$failed"
