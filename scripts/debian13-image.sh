#!/bin/bash
# A bootable Debian 13 guest: the debootstrap tree of debian13-rootfs.sh,
# our kernel as /boot/vmlinuz-<release> (everything built in, an empty
# /lib/modules/<release>), root on LUKS2 (Argon2id, 1 GiB memory cost)
# unlocked by initramfs-tools' cryptroot with a test key file on a second
# disk (crypttab keyscript=passdev), and the harness's test service.
#   debian13-image.sh VARIANT     VARIANT: kdump-luks (our package
#                                 installed), plain (kdump-tools alone)
#                                 or unencrypted (kdump-tools alone, the
#                                 root ext4 on /dev/vda: make bench's
#                                 target without encryption)
# Output in build/debian13/VARIANT/: root.img (LUKS2), key.img (ext4 with
# the passphrase), vmlinuz and initrd.img (copies of the image's /boot,
# for QEMU -kernel/-initrd), kdump-initrd.img (kdump-tools' capture
# initrd, for the test that searches it), env (UUID, release).  Rebuilt
# only when an input changes; each boot sequence works on a copy.
. "$(dirname "$0")/lib.sh"
base_612_only

variant=${1:?usage: debian13-image.sh kdump-luks|plain|unencrypted}
D13=$BUILD/debian13
OUT=$D13/$variant
PASSPHRASE=${KKT_PASSPHRASE:-kdump-demo-passphrase}
# Fixed, so that the crypttab in the image can name it before formatting
LUKS_UUID=5a3c1d2e-0d13-4c55-9b1e-6b6475706d70
[ "$variant" = plain ] && LUKS_UUID=5a3c1d2e-0d13-4c55-9b1e-706c61696e00
ROOT_MB=1536

rootfs=$("$TOP/scripts/debian13-rootfs.sh")
deb=
[ "$variant" = kdump-luks ] && deb=$("$TOP/scripts/deb.sh")
KVER=$(cat "$OBJ/include/config/kernel.release")
inputs=$( { cat "$rootfs.stamp" "$BUILD/bzImage" "$OBJ/.config"; [ -z "$deb" ] || cat "$deb";
	    cat "$TOP/scripts/debian13-image.sh" "$TOP/guest/debian13/kkt-test.service"
	    echo "$PASSPHRASE"; } |
	  sha256sum | cut -c1-16)
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$inputs" ]; then
	echo "$OUT"
	exit 0
fi

log "building the Debian 13 image ($variant, kernel $KVER)"
rm -rf "$OUT" && mkdir -p "$OUT"
tree=$OUT/tree
cp -a "$rootfs" "$tree"
mounts=()
trap cleanup_mounts EXIT

# Our kernel, installed as a Debian kernel package would
install -m 644 "$BUILD/bzImage" "$tree/boot/vmlinuz-$KVER"
mkdir -p "$tree/lib/modules/$KVER"/kernel/{crypto,arch/x86/crypto}
touch "$tree/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo}
in_chroot depmod -a "$KVER"

# The system: root on LUKS2, unlocked by cryptroot with a test key file
# read by passdev from the second disk (never in any initramfs)
echo "debian13" > "$tree/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 debian13\n' > "$tree/etc/hosts"
if [ "$variant" = unencrypted ]; then
	echo "/dev/vda / ext4 errors=remount-ro 0 1" > "$tree/etc/fstab"
else
	echo "/dev/mapper/root / ext4 errors=remount-ro 0 1" > "$tree/etc/fstab"
	echo "root UUID=$LUKS_UUID /dev/vdb:/passphrase luks,initramfs,keyscript=passdev" \
		> "$tree/etc/crypttab"
fi
# Everything is built into the kernel: no modules to look for
sed -i 's/^MODULES=.*/MODULES=list/' "$tree/etc/initramfs-tools/initramfs.conf"
# Under TCG, unpacking a compressed initramfs takes minutes: keep both
# initramfs images uncompressed.  mkinitramfs runs "$COMPRESS -c"; it
# takes an unknown command as is when it has no /boot/config-<release> to
# check the kernel's decompressors against, hence none is installed.
printf '#!/bin/sh\nexec cat\n' > "$tree/usr/local/sbin/kkt-no-compress"
chmod 755 "$tree/usr/local/sbin/kkt-no-compress"
sed -i 's|^COMPRESS=.*|COMPRESS=/usr/local/sbin/kkt-no-compress|' \
	"$tree/etc/initramfs-tools/initramfs.conf"
echo 'CRYPTSETUP=y' >> "$tree/etc/cryptsetup-initramfs/conf-hook"
# Quieter, faster boots under emulation
# No login on the serial console: its getty would hang up the test
# service's output on ttyS0
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
	    e2scrub_reap.service fstrim.timer serial-getty@ttyS0.service; do
	ln -sf /dev/null "$tree/etc/systemd/system/$unit"
done
# The harness's test service (not part of the package); it runs the test
# driver from the test disk that debian13.sh makes for each run
install -D -m 644 "$TOP/guest/debian13/kkt-test.service" \
	"$tree/etc/systemd/system/kkt-test.service"
ln -sf /etc/systemd/system/kkt-test.service \
	"$tree/etc/systemd/system/multi-user.target.wants/kkt-test.service"
echo "$variant" > "$tree/etc/kkt-variant"

for m in proc sys dev; do
	mount --bind "/$m" "$tree/$m"
	mounts=("$tree/$m" "${mounts[@]}")
done
if [ -n "$deb" ]; then
	cp "$deb" "$tree/tmp/"
	in_chroot dpkg -i "/tmp/$(basename "$deb")" >&2
	rm -f "$tree/tmp/$(basename "$deb")"
fi
in_chroot update-initramfs -c -k "$KVER" >&2
# kdump-tools' kernel hook skips a chroot; the image is built for the guest
mkdir -p "$tree/run/kkt-bin"
printf '#!/bin/sh\nexit 1\n' > "$tree/run/kkt-bin/ischroot"
chmod 755 "$tree/run/kkt-bin/ischroot"
chroot "$tree" /usr/bin/env -i PATH=/run/kkt-bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/etc/kernel/postinst.d/kdump-tools "$KVER" >&2
rm -rf "$tree/run/kkt-bin"
# kdump-config rebuilds its initrd when these differ (at first, always)
cp "$tree/etc/kdump/sysctl.conf" "$tree/var/lib/kdump/latest_sysctls-$KVER"
cleanup_mounts

cp "$tree/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
cp "$tree/boot/initrd.img-$KVER" "$OUT/initrd.img"
cp "$tree/var/lib/kdump/initrd.img-$KVER" "$OUT/kdump-initrd.img"

# No device-mapper needed on the host: cryptsetup encrypts the file in
# place (offline reencryption), the LUKS2 header taking the 32M added
mke2fs -q -t ext4 -L root -d "$tree" "$OUT/root.img" "${ROOT_MB}M"
if [ "$variant" != unencrypted ]; then
	log "making the LUKS2 root (Argon2id, 1 GiB memory cost, 4 iterations)"
	truncate -s $((ROOT_MB + 32))M "$OUT/root.img"
	printf %s "$PASSPHRASE" | cryptsetup reencrypt --encrypt --batch-mode \
		--type luks2 --uuid "$LUKS_UUID" --pbkdf argon2id \
		--pbkdf-memory 1048576 --pbkdf-force-iterations 4 \
		--reduce-device-size 32M --key-file - "$OUT/root.img" >&2
fi

mkdir -p "$OUT/key"
printf %s "$PASSPHRASE" > "$OUT/key/passphrase"
mke2fs -q -t ext2 -L kktkey -d "$OUT/key" "$OUT/key.img" 4M
rm -rf "$OUT/key" "$tree"
printf 'LUKS_UUID=%s\nKVER=%s\n' "$LUKS_UUID" "$KVER" > "$OUT/env"
echo "$inputs" > "$OUT/stamp"
echo "$OUT"
