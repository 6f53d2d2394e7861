#!/bin/bash
# The kernel package: linux-image-<release>-kdumpkey (and its headers and
# linux-libc-dev) with the kernel's own bindeb-pkg, from Debian's
# linux-source-6.12 with our series applied (scripts/tree.sh) and Debian's
# own amd64 configuration (linux-config-6.12) plus config/deb/kdumpkey.config.
# By default the build is trimmed as a user trims a kernel for one machine:
# localmodconfig against config/deb/lsmod.txt (the modules a Debian 13
# virtual machine loads, scripts/machine-image.sh) keeps those modules and
# every built-in option, and config/deb/trim.config drops debug
# information.  KKT_DEB_FULL=1 builds Debian's whole configuration (every
# module, debug information: hours on 2 cores).
# Objects in build/kdeb/obj (build/kdeb-full/obj); the .debs land in
# build/kdeb/, whose path is printed.  The finished packages are kept in
# /var/cache/kdump-key-debian13/kdeb-<inputs>/, shared by every clone like
# the ccache: a clone whose kernel inputs (our kernel files for amd64,
# patches/6.12, config/deb's options and module list, this script, the
# versions of Debian's source, configuration and compiler) match copies
# them instead of building.  Exit 2 naming any requested option that
# olddefconfig dropped.
. "$(dirname "$0")/lib.sh"
base_612_only
HINT="the kernel package build failed: see the messages above"

DEBCONFIG=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
REVISION=1	# the package revision: raise it to ship a rebuilt kernel
OUT=$BUILD/kdeb FRAGS=("$TOP/config/deb/kdumpkey.config")
if [ "${KKT_DEB_FULL:-}" = 1 ]; then
	OUT=$BUILD/kdeb-full
	"$TOP/scripts/deps.sh" dwarves	# pahole, for BTF as Debian has it
else
	FRAGS+=("$TOP/config/deb/trim.config")
fi
DOBJ=$OUT/obj
[ -f "$DEBCONFIG" ] || die "$DEBCONFIG missing: run make deps (it installs linux-config-6.12)"
# LOCALVERSION= : no "+" for the git tree of tree.sh in the release.
# Debian's tools only: a rustc or pahole elsewhere in PATH (~/.cargo)
# would change what Kconfig detects.
KMAKE=(env PATH=/usr/sbin:/usr/bin:/sbin:/bin make -C "$SRC" O="$DOBJ" -j"$JOBS" CC="ccache gcc" LOCALVERSION= KBUILD_BUILD_TIMESTAMP="2025-01-01 00:00:00"
       KBUILD_BUILD_USER=kdump KBUILD_BUILD_HOST=kdump)

configure() {
	local cfg=$OUT/config.new missing
	olddef() { "${KMAKE[@]}" -s KCONFIG_CONFIG="$cfg" olddefconfig >/dev/null 2>&1; }
	# Each step kept for scripts/config-diff.sh: what the series' Kconfig
	# adds, what localmodconfig leaves out, what our fragments change
	xzcat "$DEBCONFIG" > "$cfg"
	olddef
	cp "$cfg" "$OUT/config.series"
	if [ "${KKT_DEB_FULL:-}" != 1 ]; then
		# localmodconfig edits .config in the object directory
		cp "$cfg" "$DOBJ/.config"
		"${KMAKE[@]}" -s LSMOD="$TOP/config/deb/lsmod.txt" localmodconfig >/dev/null 2>&1 ||
			die "localmodconfig against config/deb/lsmod.txt failed"
		cp "$DOBJ/.config" "$cfg"
		olddef
		# The debug information choice is trim.config's
		sed -i '/^CONFIG_DEBUG_INFO_DWARF/d' "$cfg"
	fi
	cp "$cfg" "$OUT/config.localmod"
	grep -h '^CONFIG_' "${FRAGS[@]}" >> "$cfg"
	olddef
	missing=$(grep -h '^CONFIG_' "${FRAGS[@]}" | sort -u | grep -vxFf "$cfg" || true)
	[ -z "$missing" ] || die "options requested but dropped by olddefconfig: $missing"
	cmp -s "$cfg" "$DOBJ/.config" || cp "$cfg" "$DOBJ/.config"
}

inputs=$( { cd "$TOP" && find security include arch/x86 patches/6.12 -type f | LC_ALL=C sort | xargs cat
	    cat config/deb/*.config config/deb/lsmod.txt scripts/kernel-deb.sh scripts/tree.sh
	    echo "${KKT_DEB_FULL:-}"
	    dpkg-query -W linux-source-6.12 linux-config-6.12 gcc-12; } | sha256sum | cut -c1-16)
KEPT=${KKT_D13_CACHE:-/var/cache/kdump-key-debian13}/kdeb$([ "${KKT_DEB_FULL:-}" != 1 ] || echo -full)-$inputs
if [ -f "$KEPT/stamp" ]; then
	log "the kernel package from $KEPT (its inputs unchanged: no build)"
	mkdir -p "$OUT" && rm -f "$OUT"/*.deb
	cp "$KEPT"/* "$OUT/"
	echo "$OUT"
	exit 0
fi

"$TOP/scripts/tree.sh"
mkdir -p "$DOBJ"
configure
version=$("${KMAKE[@]}" -s kernelversion)-$REVISION
log "building the kernel package $version ($(grep -c '=m$' "$DOBJ/.config") modules configured) with bindeb-pkg"
rm -f "$OUT"/*.deb "$OUT"/*.buildinfo "$OUT"/*.changes
t=$(date +%s)
"${KMAKE[@]}" -s KDEB_PKGVERSION="$version" KDEB_CHANGELOG_DIST=trixie \
	KDEB_SOURCENAME=linux-kdumpkey bindeb-pkg >&2
release=$(cat "$DOBJ/include/config/kernel.release")
log "bindeb-pkg took $(( $(date +%s) - t ))s: linux-image-$release"
ls "$OUT/linux-image-${release}_${version}_amd64.deb" >/dev/null ||
	die "bindeb-pkg left no linux-image-${release}_${version}_amd64.deb in $OUT"
log "keeping the packages in $KEPT for the next clone"
rm -rf "${KEPT%-*}"-???????????????? "$KEPT.tmp" && mkdir -p "$KEPT.tmp"
cp "$OUT"/*.deb "$OUT"/config.series "$OUT"/config.localmod "$KEPT.tmp/"
echo "$inputs" > "$KEPT.tmp/stamp"
mv "$KEPT.tmp" "$KEPT"
echo "$OUT"
