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
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="building the initramfs failed: a program or library is missing? run make deps"

KERNEL=$BUILD/bzImage OUT=$BUILD/initramfs.cpio
[ "${1:-}" = san ] && KERNEL=$BUILD/bzImage-san OUT=$BUILD/initramfs-san.cpio

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

rm -rf "$ROOT" && mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,run/cryptsetup,tmp,mnt,boot,etc}
install -m 755 /bin/busybox "$ROOT/bin/busybox"
for app in $("$ROOT/bin/busybox" --list); do
	[ -e "$ROOT/bin/$app" ] || ln -s busybox "$ROOT/bin/$app"
done
# shellcheck disable=SC2086 # lists of paths
copy_with_libs $BINS $EXTRA_LIBS
ln -sf mke2fs "$ROOT/usr/sbin/mkfs.ext4"
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$ROOT/etc/passwd"
echo 'root:x:0:' > "$ROOT/etc/group"

cp -r "$TOP/guest/." "$ROOT/"
chmod 755 "$ROOT/init" "$ROOT"/scenarios/*.sh
if [ -d "$BUILD/kselftest" ]; then
	cp -r "$BUILD/kselftest" "$ROOT/kselftest"
fi
[ -f "$BUILD/disks.env" ] && cp "$BUILD/disks.env" "$ROOT/etc/disks.env"

mkcpio() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$2"; }
mkcpio "$ROOT" "$BUILD/capture.cpio"
cp "$KERNEL" "$ROOT/boot/bzImage"
# The planted-bug modules (scripts/kernel.sh san), for the planted scenario
if [ "${1:-}" = san ]; then
	mkdir -p "$ROOT/lib/planted"
	cp "$BUILD"/planted/*.ko "$ROOT/lib/planted/"
fi
# The same kernel minus its "takes kdump keys" mark, for the fence scenario
"$TOP/scripts/nokeys-bzimage.py" "$KERNEL" "$ROOT/boot/bzImage-nokeys"
cp "$BUILD/capture.cpio" "$ROOT/boot/capture.cpio"
mkcpio "$ROOT" "$OUT"
ls -la "$BUILD/capture.cpio" "$OUT"
