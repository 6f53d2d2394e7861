# Shared settings for the harness scripts; sourced, not run.
# shellcheck shell=bash disable=SC2034 # the scripts that source it use them
set -Eeuo pipefail

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
# The kernel base: Debian's linux-source-6.12 (the default) or, with
# KKT_BASE=7.3, linux-source-7.3 from trixie-backports (scripts/linux-source.sh).
# 6.12 keeps the names it always had; every other base's build outputs carry
# BASE_TAG (build/obj-7.3, build/bzImage-7.3, build/patches-7.3.stamp).
BASE=${KKT_BASE:-6.12}
case $BASE in
6.12) BASE_TAG='' ;;
7.3) BASE_TAG=-$BASE ;;
*) die "KKT_BASE=$BASE: the kernel base is 6.12 (the default) or 7.3" ;;
esac
# The architecture: x86_64 (the default) or, on the 7.3 base, KKT_ARCH=arm64
# or ppc64le, cross-built and booted on qemu-system-aarch64 or -ppc64 (TCG).  Its
# outputs carry ARCH_TAG (build/obj-7.3-arm64, build/Image-7.3-arm64): KNAME
# is the image's name, KIMAGE where the kernel's make leaves it; DEB_ARCH,
# TRIPLET and MACHINE name the architecture for Debian, GCC and readelf, and
# DEB_SUITE is the Debian release of the guest's programs: 13 on arm64; 12
# on ppc64el, whose Debian 13 files the archive lacks in part (404 for six
# of the 51 packages' current versions), and on x86 the host's own.
KARCH=${KKT_ARCH:-x86_64}
case $KARCH in
x86_64) ARCH_TAG='' KMAKE_ARCH=() KCC=gcc KIMAGE=arch/x86/boot/bzImage KNAME=bzImage
	DEB_ARCH=amd64 TRIPLET=x86_64-linux-gnu MACHINE=X86-64 DEB_SUITE=bookworm ;;
arm64)	[ "$BASE" = 7.3 ] || die "KKT_ARCH=arm64 needs KKT_BASE=7.3: only the mainline base hands keys over on arm64"
	ARCH_TAG=-arm64 KMAKE_ARCH=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	KCC=aarch64-linux-gnu-gcc KIMAGE=arch/arm64/boot/Image KNAME=Image
	DEB_ARCH=arm64 TRIPLET=aarch64-linux-gnu MACHINE=AArch64 DEB_SUITE=trixie ;;
ppc64le) [ "$BASE" = 7.3 ] || die "KKT_ARCH=ppc64le needs KKT_BASE=7.3: only the mainline base hands keys over on ppc64le"
	ARCH_TAG=-ppc64le KMAKE_ARCH=(ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-)
	KCC=powerpc64le-linux-gnu-gcc KIMAGE=vmlinux KNAME=vmlinux
	DEB_ARCH=ppc64el TRIPLET=powerpc64le-linux-gnu MACHINE=PowerPC64 DEB_SUITE=bookworm ;;
*) die "KKT_ARCH=$KARCH: the architecture is x86_64 (the default), arm64 or ppc64le" ;;
esac
# KKT_STOCK=1 (7.3 x86 only, for scripts/bench-mainline.sh): Debian's
# linux-source-7.3 as it is, no overlay and no patch (scripts/tree.sh), the
# test configuration less config/kdump-key.config; everything of it carries
# "-stock" (build/linux-source-7.3-stock, build/obj-7.3-stock,
# build/bzImage-7.3-stock, build/initramfs-7.3-stock.cpio).
STOCK=${KKT_STOCK:+-stock}
[ -z "$STOCK" ] || [ "$BASE$ARCH_TAG" = 7.3 ] || die "KKT_STOCK=1 needs KKT_BASE=7.3 on x86_64"
SRC_TAG=$BASE_TAG$STOCK	# the source tree's: one per base, shared by the architectures
BASE_TAG=$BASE_TAG$ARCH_TAG$STOCK
SRC=$BUILD/linux-source-$BASE$STOCK	# pristine Debian tree + our overlay and patches
OBJ=$BUILD/obj$BASE_TAG		# kernel objects (make O=), keeps $SRC clean for kunit.py
PATCHES=$TOP/patches/$BASE	# series + the patches it names, applied to $SRC
LOGS=$BUILD/logs
OVERLAY_DIRS="arch include security tools Documentation"

# built_objects OBJ FILE...: objs, the objects of the .c FILEs that the
# build in OBJ holds (make's targets for sparse and W=1); unbuilt, the rest
built_objects() {
	local obj=$1 f
	shift
	objs=() unbuilt=''
	for f; do
		[[ $f == *.c ]] || continue
		if [ -f "$obj/${f%.c}.o" ]; then objs+=("${f%.c}.o"); else unbuilt+=" $f"; fi
	done
}

# The test configuration: tinyconfig, then every CONFIG_ line of
# config/*.config, config/$BASE/*.config, config/$KARCH/*.config and the
# FRAGMENTS the caller adds (the last line for an option counts),
# olddefconfig; exit 2 naming the requested options that did not survive.
#   test_config CFG MAKE...   (MAKE: the kernel's make, with -C and O=)
FRAGMENTS=("$TOP"/config/*.config "$TOP/config/$BASE"/*.config "$TOP/config/$KARCH"/*.config)
[ -z "$STOCK" ] || mapfile -t FRAGMENTS < <(printf '%s\n' "${FRAGMENTS[@]}" | grep -v '/kdump-key\.config$')
# The options the fragments request: a later fragment's line for an option
# (config/$KARCH/'s) overrides an earlier one's
requested() {
	grep -h '^CONFIG_' "${FRAGMENTS[@]}" |
		awk -F= '{ value[$1] = $0 } END { for (o in value) print value[o] }' | sort
}
test_config() {
	local cfg=$1 missing
	shift
	"$@" -s KCONFIG_CONFIG="$cfg" tinyconfig >/dev/null
	requested >> "$cfg"
	"$@" -s KCONFIG_CONFIG="$cfg" olddefconfig >/dev/null 2>&1
	# CONFIG_X=n is written back as "# CONFIG_X is not set"
	missing=$(requested | sed 's/^\(CONFIG_[^=]*\)=n$/# \1 is not set/' |
		  grep -vxFf "$cfg" || true)
	if [ -n "$missing" ]; then
		printf 'error: config options requested but dropped by olddefconfig:\n%s\n' \
			"$missing" >&2
		exit 2
	fi
}

# For the scripts that boot, test or package build/bzImage: only 6.12 yet
base_612_only() {
	[ "$BASE" = 6.12 ] ||
		die "${0##*/} works on the 6.12 base only; KKT_BASE=$BASE is for make kernel and make kunit so far"
}

# timed WHAT COMMAND...: run it and say how long it took (TIMED_AS names
# the caller in the line)
timed() {
	local what=$1 t rc=0
	shift
	t=$(date +%s)
	"$@" || rc=$?
	log "${TIMED_AS:+$TIMED_AS: }$what took $(( $(date +%s) - t ))s"
	return $rc
}

# For the image builders: in_chroot runs a command in the image's $tree
# with a clean environment; cleanup_mounts undoes the bind mounts listed
# in the array mounts (the caller traps EXIT on it)
# shellcheck disable=SC2154 # $tree: the caller's image tree
in_chroot() { chroot "$tree" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
cleanup_mounts() {
	local m
	for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
	mounts=()
}

# capture_of NAME: what the capture kernel printed, the console of boot
# NAME from the last crash trigger of the Debian test driver (kkt-test)
capture_of() {
	awk '/KKT-CRASH-TRIG/ { n = NR } { l[NR] = $0 }
	     END { if (n) for (i = n; i <= NR; i++) print l[i] }' "$LOGS/$1.log"
}

# judge_capture PREFIX TEXT: the KKT-RESULT lines of a Debian capture kernel
# (kdump-tools' capture initrd with kdump-luks), judged from its console
# TEXT: PREFIX-capture-restored, -opened, -no-passphrase, -saved
judge_capture() {
	local p=$1 text=$2 name what pattern verdict
	while IFS='|' read -r name what pattern; do
		verdict=fail
		if [ "$name" = no-passphrase ]; then
			grep -aq "$pattern" <<< "$text" || verdict=pass
		else
			grep -aqE "$pattern" <<< "$text" && verdict=pass
		fi
		echo "KKT-RESULT $p-capture-$name $verdict $what"
	done <<-'EOF'
	restored|the capture kernel restored the key|kdump_keys: restored 1 of 1 keys
	opened|kdump-tools' capture initrd opened the root with the handed-over key|kdump-luks: root \(.*\): opened with the volume key handed over
	no-passphrase|no passdev and no passphrase prompt in the capture kernel|Please unlock disk\|passdev
	saved|kdump-tools' dump service saved the vmcore|saved vmcore in /var/crash
	EOF
}

export CCACHE_DIR=${CCACHE_DIR:-/var/cache/kdump-key-ccache}
# Paths relative to the clone, so that every clone shares the cache
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1
JOBS=$(nproc)

# No silent exit: a command that fails under set -e ends the script with
# exit 2 and one line saying what failed and what to do ($HINT, which each
# script may set).  A harness script that exits 2 has said so itself, and a
# subshell leaves the line to its parent.  After set +e, nothing happens.
HINT="see the messages above, fix the cause and run make again"
on_error() {
	local rc=$? cmd=$BASH_COMMAND
	[[ $- == *e* ]] || return "$rc"
	trap - ERR
	[ "$BASH_SUBSHELL" -eq 0 ] || exit "$rc"
	if [ "$rc" -ne 2 ] || [[ $cmd != *scripts/* ]]; then
		printf 'error: %s line %d: %s exited %d; %s\n' \
			"${0##*/}" "${BASH_LINENO[0]}" "$cmd" "$rc" "$HINT" >&2
	fi
	exit 2
}
trap on_error ERR
