#!/bin/bash
# A Debian 13 machine as the installer leaves one: Debian's own kernel
# (linux-image-amd64, modules), GRUB in the MBR (grub-pc, BIOS), /boot on
# the first partition, the root on LUKS2 (Argon2id, 1 GiB memory cost) on
# the second, unlocked by initramfs-tools' cryptroot with a test key file
# on a second disk (crypttab keyscript=passdev, as debian13-image.sh), and
# kdump-tools, whose GRUB snippet puts crashkernel= on the command line.
# Nothing of ours is installed: the test installs it with apt.
# Output in build/machine/: disk.img (MBR: /boot, LUKS2 root), key.img,
# lsmod.txt (the modules the installed system loaded), env.  GRUB is
# installed the way debian-installer does it, from inside the system:
# a first boot of the image (QEMU -kernel/-initrd from its /boot) runs
# grub-install /dev/vda and update-grub, records lsmod and powers off.
# Rebuilt only when an input changes; downloads are kept in
# /var/cache/kdump-key-debian13/machine-debs and the finished image in
# /var/cache/kdump-key-debian13/machine-<stamp>/, shared by every clone
# (a new clone copies it: no download, no install boot).
. "$(dirname "$0")/lib.sh"
base_612_only

OUT=$BUILD/machine
D13_CACHE=${KKT_D13_CACHE:-/var/cache/kdump-key-debian13}
CACHE=$D13_CACHE/machine-debs
PASSPHRASE=${KKT_PASSPHRASE:-kdump-demo-passphrase}
LUKS_UUID=5a3c1d2e-0d13-4c55-9b1e-6d6163680000
BOOT_UUID=5a3c1d2e-0d13-4c55-9b1e-6d6163680b00
BOOT_MB=512 ROOT_MB=1536
PKGS="linux-image-amd64 grub-pc"

rootfs=$("$TOP/scripts/debian13-rootfs.sh")
inputs=$( { cat "$rootfs.stamp" "$TOP/scripts/machine-image.sh"
	    echo "$PKGS $PASSPHRASE"; } | sha256sum | cut -c1-16)
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$inputs" ]; then
	echo "$OUT"
	exit 0
fi
KEPT=$D13_CACHE/machine-$inputs
if [ -f "$KEPT/stamp" ]; then
	log "the machine image from $KEPT (no download, no install boot)"
	rm -rf "$OUT" && mkdir -p "$OUT"
	cp --sparse=always "$KEPT"/* "$OUT/"
	echo "$OUT"
	exit 0
fi

log "building the Debian 13 machine image (Debian's kernel, GRUB, LUKS2 root)"
rm -rf "$OUT" && mkdir -p "$OUT" "$CACHE"
tree=$OUT/tree
cp -a "$rootfs" "$tree"
mounts=()
trap cleanup_mounts EXIT
for m in proc sys dev; do
	mount --bind "/$m" "$tree/$m"
	mounts=("$tree/$m" "${mounts[@]}")
done
mount --bind "$CACHE" "$tree/var/cache/apt/archives"
mounts=("$tree/var/cache/apt/archives" "${mounts[@]}")

echo "machine" > "$tree/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 machine\n' > "$tree/etc/hosts"
printf '/dev/mapper/root / ext4 errors=remount-ro 0 1\nUUID=%s /boot ext4 defaults 0 2\n' \
	"$BOOT_UUID" > "$tree/etc/fstab"
echo "root UUID=$LUKS_UUID /dev/vdb:/passphrase luks,initramfs,keyscript=passdev" \
	> "$tree/etc/crypttab"
echo 'CRYPTSETUP=y' >> "$tree/etc/cryptsetup-initramfs/conf-hook"
# A server on a serial console: GRUB and the kernel talk on ttyS0
mkdir -p "$tree/etc/default/grub.d"
cat > "$tree/etc/default/grub.d/serial.cfg" <<'EOF'
GRUB_TIMEOUT=1
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX console=ttyS0,115200"
EOF
# Quieter, faster boots under emulation; no getty on the test's console
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
	    e2scrub_reap.service fstrim.timer serial-getty@ttyS0.service; do
	ln -sf /dev/null "$tree/etc/systemd/system/$unit"
done

log "installing $PKGS in the image (apt-get; .debs cached in $CACHE)"
in_chroot apt-get -q update >&2
# shellcheck disable=SC2086 # one package per word
in_chroot apt-get -q -y install --no-install-recommends $PKGS >&2
# A server's console: every kernel message on it (no "quiet"; kdump-tools
# gives the capture kernel the same command line)
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT="quiet"$/GRUB_CMDLINE_LINUX_DEFAULT=""/' "$tree/etc/default/grub"
grep -qx 'GRUB_CMDLINE_LINUX_DEFAULT=""' "$tree/etc/default/grub" ||
	die "no GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\" in the image's /etc/default/grub to clear"
# The guest has no network: no source list; the test adds its own
rm -f "$tree/etc/apt/sources.list" "$tree"/etc/apt/sources.list.d/*
rm -rf "$tree"/var/lib/apt/lists/*
KVER=$(basename "$(find "$tree/lib/modules" -mindepth 1 -maxdepth 1 | sort -V | tail -1)")

# The installer's first boot: the targeted initrd (debian-installer's
# "targeted" choice, MODULES=dep, which a chroot cannot detect), grub-install,
# update-grub, lsmod, power off
cat > "$tree/etc/systemd/system/kkt-install.service" <<'EOF'
[Unit]
Description=Install GRUB as debian-installer does
After=multi-user.target
[Service]
Type=oneshot
StandardOutput=tty
TTYPath=/dev/ttyS0
ExecStart=/bin/sh -c 'sed -i s/^MODULES=.*/MODULES=dep/ /etc/initramfs-tools/initramfs.conf && update-initramfs -u -k all && grub-install /dev/vda && update-grub && echo KKT-LSMOD-BEGIN && lsmod && echo KKT-LSMOD-END && echo KKT-INSTALLED'
ExecStartPost=/bin/rm -f /etc/systemd/system/multi-user.target.wants/kkt-install.service
ExecStartPost=/bin/systemctl --no-block poweroff
EOF
# The harness's test driver, from the test disk of scripts/machine.sh
cat > "$tree/etc/systemd/system/kkt-machine.service" <<'EOF'
[Unit]
Description=kdump key type test driver (packages)
After=kdump-tools.service multi-user.target
ConditionPathExists=/dev/vdc
[Service]
Type=oneshot
ExecStartPre=/bin/mkdir -p /run/kkt
ExecStartPre=/bin/mount -o ro /dev/vdc /run/kkt
ExecStart=/run/kkt/kkt-machine
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/kkt-machine.service \
	"$tree/etc/systemd/system/multi-user.target.wants/kkt-machine.service"
ln -sf /etc/systemd/system/kkt-install.service \
	"$tree/etc/systemd/system/multi-user.target.wants/kkt-install.service"
cleanup_mounts

cp "$tree/boot/vmlinuz-$KVER" "$OUT/vmlinuz.install"
cp "$tree/boot/initrd.img-$KVER" "$OUT/initrd.install"

log "making the disk: MBR, /boot ${BOOT_MB}M, LUKS2 root ${ROOT_MB}M"
mke2fs -q -t ext4 -L boot -U "$BOOT_UUID" -d "$tree/boot" "$OUT/boot.img" "${BOOT_MB}M" >&2
rm -rf "${tree:?}"/boot/*
mke2fs -q -t ext4 -L root -d "$tree" "$OUT/root.img" "${ROOT_MB}M" >&2
truncate -s $((ROOT_MB + 32))M "$OUT/root.img"
printf %s "$PASSPHRASE" | cryptsetup reencrypt --encrypt --batch-mode \
	--type luks2 --uuid "$LUKS_UUID" --pbkdf argon2id \
	--pbkdf-memory 1048576 --pbkdf-force-iterations 4 \
	--reduce-device-size 32M --key-file - "$OUT/root.img" >&2
disk=$OUT/disk.img
rm -f "$disk"
truncate -s $((1 + BOOT_MB + ROOT_MB + 32))M "$disk"
printf 'label: dos\nstart=2048, size=%dM, type=83, bootable\ntype=83\n' "$BOOT_MB" |
	sfdisk -q "$disk" >&2
dd if="$OUT/boot.img" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$OUT/root.img" of="$disk" bs=1M seek=$((1 + BOOT_MB)) conv=notrunc,sparse status=none
rm -rf "$OUT/boot.img" "$OUT/root.img" "$tree"

mkdir -p "$OUT/key"
printf %s "$PASSPHRASE" > "$OUT/key/passphrase"
mke2fs -q -t ext2 -L kktkey -d "$OUT/key" "$OUT/key.img" 4M >&2
rm -rf "$OUT/key"

log "first boot of the machine: grub-install and update-grub inside it"
QEMU_KERNEL=$OUT/vmlinuz.install QEMU_INITRD=$OUT/initrd.install QEMU_TIMEOUT=900 \
	"$TOP/scripts/qemu.sh" machine-install \
	"root=/dev/mapper/root" "$disk" "$OUT/key.img" >&2 || true
ilog=$LOGS/machine-install.log
grep -aq '^KKT-INSTALLED' "$ilog" || die "the install boot did not finish grub-install/update-grub: see $ilog"
sed -n '/^KKT-LSMOD-BEGIN/,/^KKT-LSMOD-END/p' "$ilog" | sed '1d;$d' > "$OUT/lsmod.txt"
rm -f "$OUT/vmlinuz.install" "$OUT/initrd.install"
printf 'LUKS_UUID=%s\nKVER=%s\n' "$LUKS_UUID" "$KVER" > "$OUT/env"
echo "$inputs" > "$OUT/stamp"
log "keeping the image in $KEPT for the next clone"
rm -rf "$D13_CACHE"/machine-???????????????? "$KEPT.tmp"
mkdir -p "$KEPT.tmp"
cp --sparse=always "$OUT"/* "$KEPT.tmp/"
mv "$KEPT.tmp" "$KEPT"
echo "$OUT"
