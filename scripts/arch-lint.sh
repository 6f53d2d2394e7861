#!/bin/bash
# make patches on another architecture (KKT_BASE=7.3, KKT_ARCH=arm64 or
# ppc64le): sparse (C=2) and W=1 on the series' .c files that the
# architecture's test kernel builds, in that kernel's own tree and objects
# (scripts/kernel.sh: build/linux-source-7.3, build/obj-7.3-<arch>), whose
# git baseline commit is the pristine tree.  patches.sh's x86 build never
# compiles drivers/of or arch/arm64 and arch/powerpc; this does.
# A warning counts if it points at a line the series adds (every line of a
# file it adds): the baseline's own warnings in a changed file do not.
# Prints "patches: sparse-<arch> pass|fail ..." and "patches: W=1-<arch> ...";
# logs in build/patches-7.3/.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="the $KARCH checks of make patches failed: see the messages above"
if [ "$BASE" != 7.3 ] || [ "$KARCH" = x86_64 ]; then
	die "arch-lint.sh is for KKT_BASE=7.3 with KKT_ARCH=arm64 or ppc64le"
fi

OUT=$BUILD/patches-7.3
mkdir -p "$OUT"
"$TOP/scripts/kernel.sh" >/dev/null	# incremental after make check
CHECKER=$("$TOP/scripts/sparse.sh")
KMAKE=(make -C "$SRC" O="$OBJ" "${KMAKE_ARCH[@]}" -j"$JOBS" CC="ccache $KCC" KBUILD_BUILD_TIMESTAMP="2025-01-01 00:00:00"
       KBUILD_BUILD_USER=kdump KBUILD_BUILD_HOST=kdump)

# The files the series adds (untracked in $SRC) or changes, tools/ aside
mapfile -t changed < <(git -C "$SRC" status --porcelain --untracked-files=all -- '*.c' '*.h' |
		       sed 's/^...//' | grep -v '^tools/')

# added: one "FILE:LINE" per line the series adds, "FILE:*" for a new file
added=$(for f in "${changed[@]}"; do
	if ! git -C "$SRC" cat-file -e "HEAD:$f" 2>/dev/null; then
		echo "$f:*"
		continue
	fi
	git -C "$SRC" diff -U0 HEAD -- "$f" |
		sed -nE 's/^@@ -[0-9,]+ \+([0-9]+)(,([0-9]+))? @@.*/\1 \3/p' |
		while read -r start count; do
			for ((n = start; n < start + ${count:-1}; n++)); do echo "$f:$n"; done
		done
done)

built_objects "$OBJ" "${changed[@]}"
[ ${#objs[@]} -gt 0 ] || die "none of the series' .c files is built by the $KARCH test kernel"

# counted LOG: the diagnostics of LOG on a line the series adds
counted() {
	local line file n
	{ grep -E '(warning|error):' "$1" || true; } | while IFS= read -r line; do
		[[ $line =~ ^([^:]+):([0-9]+): ]] || continue
		file=${BASH_REMATCH[1]#"$SRC"/} n=${BASH_REMATCH[2]}
		if grep -qxF -e "$file:$n" -e "$file:*" <<< "$added"; then echo "$line"; fi
	done
}

failed=0
check() {	# check NAME LOG NOTE [fail]: a fourth argument fails it anyway
	local new verdict=pass
	new=$(counted "$2")
	[ -z "$new" ] || { verdict=fail failed=1; echo "$new" >&2; }
	[ -z "${4:-}" ] || verdict=fail failed=1
	echo "patches: $1-$KARCH $verdict $3: $(grep -c . <<< "$new" || true) warnings on the series' lines ($(grep -cE '(warning|error):' "$2" || true) in all)" |
		tee -a "$OUT/checks.txt"
}

note="${#objs[@]} objects of the $KARCH test kernel${unbuilt:+ (not built there:$unbuilt)}"
"${KMAKE[@]}" C=2 CHECK="$CHECKER" "${objs[@]}" > "$OUT/sparse-$KARCH.log" 2>&1 || true
checked=0
for o in "${objs[@]}"; do
	! grep -qx "  CHECK   ${o%.o}.c" "$OUT/sparse-$KARCH.log" || checked=$((checked + 1))
done
unchecked=
[ "$checked" -eq ${#objs[@]} ] || unchecked=yes	# sparse skipped a file
check sparse "$OUT/sparse-$KARCH.log" "C=2, $checked of $note checked" $unchecked
"${KMAKE[@]}" W=1 "${objs[@]}" > "$OUT/w1-$KARCH.log" 2>&1 || true
check W=1 "$OUT/w1-$KARCH.log" "$note"
exit $failed
