#!/bin/bash
# Build the guest initramfs from Debian's binaries (plus the shared libraries
# ldd lists), the installed kselftests and guest/.  Two archives:
#   build/capture.cpio    what the capture kernel boots
#   build/initramfs.cpio  the same plus /boot/bzImage, /boot/bzImage-nokeys and
#                         /boot/capture.cpio, so that the first kernel can load
#                         its capture kernel
# Uncompressed: unpacking is faster than gunzip under TCG.
#   initramfs.sh san    build/initramfs-san.cpio with build/bzImage-san and,
#                       in /lib/planted, the planted-bug modules
# With KKT_BASE=7.3 KKT_ARCH=arm64: build/initramfs-7.3-arm64.cpio with
# /boot/Image and /boot/Image-nokeys, the programs and their libraries from
# Debian 13's arm64 packages (scripts/foreign-root.sh; blkid is left out, no
# arm64 scenario uses it).  KKT_ARCH=ppc64le: the same with /boot/vmlinux
# and Debian 13's ppc64el packages.
# With KKT_BASE=7.3: build/initramfs-7.3.cpio with build/bzImage-7.3, and in
# /opt/trixie Debian 13's cryptsetup 2.7 and kexec-tools 2.0.29 (from the
# Debian 13 root filesystem, scripts/debian13-rootfs.sh), which the
# configfs scenario needs: kdump-utils' options --link-vk-to-keyring and
# --volume-key-keyring, and kexec -d setting KEXEC_FILE_DEBUG.  The
# capture archive leaves them out (14 MiB more would not unpack in a
# capture kernel in crashkernel=96M); /boot/trixie.cpio holds them alone,
# for the configfs scenario to append.
# With KKT_BASE=7.3 KKT_STOCK=1 (scripts/lib.sh): build/initramfs-7.3-stock.cpio,
# the same with the stock build/bzImage-7.3-stock and no /boot/bzImage-nokeys
# (a stock kernel announces no kdump keys to remove).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="building the initramfs failed: a program or library is missing? run make deps"

KERNEL=$BUILD/$KNAME$BASE_TAG OUT=$BUILD/initramfs$BASE_TAG.cpio
[ "${1:-}" = san ] && KERNEL=$BUILD/$KNAME-san$BASE_TAG OUT=$BUILD/initramfs-san$BASE_TAG.cpio

ROOT=$BUILD/rootfs
BINS="/usr/bin/keyctl /usr/sbin/cryptsetup /usr/sbin/dmsetup /usr/sbin/kexec
      /usr/bin/makedumpfile /usr/sbin/mke2fs /usr/sbin/blkid
      /usr/bin/timeout"	# coreutils': the kselftest runner needs --foreground
# Loaded with dlopen(), so ldd does not list them
EXTRA_LIBS="/lib/x86_64-linux-gnu/libgcc_s.so.1"

copy_with_libs() {
	local f lib
	for f in "$@"; do
		install -D -m 755 "$f" "$ROOT$f"
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			[ -e "$ROOT$lib" ] || install -D -m 755 "$lib" "$ROOT$lib"
		done
	done
}

# arm64 and ppc64le: the same programs from Debian 13's packages, unpacked
# in AROOT (scripts/foreign-root.sh), with the libraries their ELF headers
# need (readelf: ldd cannot run them), in a merged /usr
AROOT=
copy_with_libs_foreign() {
	local f lib
	for f in "$@"; do
		[ -e "$ROOT$f" ] && continue
		install -D -m 755 "$AROOT$f" "$ROOT$f"
		for lib in $(readelf -d "$AROOT$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			copy_with_libs_foreign "/usr/lib/$TRIPLET/$lib"
		done
	done
}

rm -rf "$ROOT" && mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,run/cryptsetup,tmp,mnt,boot,etc}
if [ "$KARCH" != x86_64 ]; then
	AROOT=$("$TOP/scripts/foreign-root.sh")
	ln -s usr/lib "$ROOT/lib"
	# The program interpreter, where the programs name it (ppc64el's is in
	# /lib64)
	interp=$(readelf -l "$AROOT/usr/sbin/kexec" | sed -n 's/.*interpreter: \(.*\)\]$/\1/p')
	[[ $interp != /lib64/* ]] || ln -s usr/lib64 "$ROOT/lib64"
	install -D -m 755 "$(readlink -f "$AROOT$interp")" "$ROOT/usr$interp"
	install -m 755 "$AROOT/usr/bin/busybox" "$ROOT/bin/busybox"
	# shellcheck disable=SC2086 # lists of paths
	copy_with_libs_foreign ${BINS/\/usr\/sbin\/blkid/} /usr/lib/$TRIPLET/libgcc_s.so.1
else
	install -m 755 /bin/busybox "$ROOT/bin/busybox"
	# shellcheck disable=SC2086 # lists of paths
	copy_with_libs $BINS $EXTRA_LIBS
fi
# The applets of the host's busybox: the guest's has the same set or more
for app in $(/bin/busybox --list); do
	[ -e "$ROOT/bin/$app" ] || ln -s busybox "$ROOT/bin/$app"
done
ln -sf mke2fs "$ROOT/usr/sbin/mkfs.ext4"
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$ROOT/etc/passwd"
echo 'root:x:0:' > "$ROOT/etc/group"

# trixie_tools ROOTFS: Debian 13's programs under /opt/trixie, each with the
# libraries its own loader resolves and a wrapper that runs that loader
trixie_tools() {
	local d=$ROOT/opt/trixie f lib
	mkdir -p "$d/bin" "$d/lib"
	for f in /usr/sbin/cryptsetup /usr/sbin/kexec; do
		cp "$1$f" "$d/bin/"
		for lib in $(chroot "$1" ldd "$f" | grep -o '/[^ ]*'); do
			cp -L "$1$lib" "$d/lib/"
		done
		cp -L "$1/usr/lib/x86_64-linux-gnu/libgcc_s.so.1" "$d/lib/"
		printf '#!/bin/sh\nexec /opt/trixie/lib/ld-linux-x86-64.so.2 --library-path /opt/trixie/lib /opt/trixie/bin/%s "$@"\n' \
			"${f##*/}" > "$d/${f##*/}"
		chmod 755 "$d/${f##*/}"
	done
}
[ "$BASE$ARCH_TAG" = 7.3 ] && trixie_tools "$("$TOP/scripts/debian13-rootfs.sh")"

cp -r "$TOP/guest/." "$ROOT/"
chmod 755 "$ROOT/init" "$ROOT"/scenarios/*.sh
if [ -d "$BUILD/kselftest$ARCH_TAG" ]; then
	cp -r "$BUILD/kselftest$ARCH_TAG" "$ROOT/kselftest"
fi
[ -f "$BUILD/disks.env" ] && cp "$BUILD/disks.env" "$ROOT/etc/disks.env"

# mkcpio DIR OUT [PRUNE]: DIR's tree, less ./PRUNE, as a newc archive
mkcpio() {
	local prune=()
	[ -z "${3:-}" ] || prune=(-path "./$3" -prune -o)
	(cd "$1" && find . "${prune[@]}" -print | LC_ALL=C sort |
		cpio -o -H newc --quiet) > "$2"
}
mkcpio "$ROOT" "$BUILD/capture$BASE_TAG.cpio" opt/trixie
if [ "$BASE$ARCH_TAG" = 7.3 ]; then
	(cd "$ROOT" && find opt | LC_ALL=C sort | cpio -o -H newc --quiet) > "$BUILD/trixie.cpio"
	cp "$BUILD/trixie.cpio" "$ROOT/boot/trixie.cpio"
fi
cp "$KERNEL" "$ROOT/boot/$KNAME"
# make bench's key-operation timer (bench/keyops.c), first kernel only
if [ "$KARCH" = x86_64 ]; then
	[ "$BUILD/kkt-keyops" -nt "$TOP/bench/keyops.c" ] ||
		gcc -O2 -static -Wall -Wextra -o "$BUILD/kkt-keyops" "$TOP/bench/keyops.c"
	install -D -m 755 "$BUILD/kkt-keyops" "$ROOT/usr/bin/kkt-keyops"
fi
# The planted-bug modules (scripts/kernel.sh san), for the planted scenario
if [ "${1:-}" = san ]; then
	mkdir -p "$ROOT/lib/planted"
	cp "$BUILD"/planted"$BASE_TAG"/*.ko "$ROOT/lib/planted/"
fi
# The same kernel minus its "takes kdump keys" mark, for the fence scenario
[ -n "$STOCK" ] || "$TOP/scripts/nokeys-image.py" "$KERNEL" "$ROOT/boot/$KNAME-nokeys"
cp "$BUILD/capture$BASE_TAG.cpio" "$ROOT/boot/capture.cpio"
mkcpio "$ROOT" "$OUT"
ls -la "$BUILD/capture$BASE_TAG.cpio" "$OUT"
