# shellcheck shell=sh
# End to end: two LUKS2 disks (Argon2id, 1 GiB), volume keys handed over as
# kdump keys, crash, and a capture kernel that opens both disks without a
# passphrase and writes the dump to disk 1.  A third boot, with the
# passphrase, checks the dump.  The passphrase comes on the command line of
# the first and third boots (kkt_pass=); the capture kernel never sees it.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="e2e-setup-vda e2e-setup-vdb e2e-live e2e-pages-hidden
	e2e-no-passphrase e2e-live-set e2e-segment-forgotten e2e-digest-disk1 e2e-open-dmsetup
	e2e-open-cryptsetup e2e-mount e2e-dump"
EXPECT_verify="e2e-verify-open e2e-verify-present e2e-verify-format e2e-verify-panic"

desc_of() {	# desc_of DEV: the logon description cryptsetup itself uses
	echo "cryptsetup:$(cryptsetup luksUUID "$1")-d0"
}

# field DEV KEY: a value from the first data segment of "cryptsetup luksDump"
segment_field() {
	cryptsetup luksDump "$1" |
		awk -v k="$2:" '/^Data segments:/ { d = 1 } d && $1 == k { print $2; exit }'
}

# (busybox sh runs its own applets first: e2fsprogs by full path)
# setup_disk DEV: dump the volume key with the passphrase (Argon2 runs here,
# in the first kernel) into /tmp/vk-DEV, make ext4
setup_disk() {
	dev=$1 vk=/tmp/vk-$(basename "$1")
	# shellcheck disable=SC2154 # kkt_*: from the kernel command line
	printf %s "$kkt_pass" | cryptsetup luksDump --batch-mode --key-file - \
		--dump-volume-key --volume-key-file "$vk" "$dev" > /dev/null || return 1
	cryptsetup open --volume-key-file "$vk" "$dev" setup || return 1
	/usr/sbin/mke2fs -q -t ext4 /dev/mapper/setup && cryptsetup close setup
}

# hold_key DEV: its volume key in a logon key (a second padd updates it).
# After "cryptsetup open": it revokes any reachable logon key with its own
# description once the device is active.
hold_key() {
	keyctl padd logon "$(desc_of "$1")" @u < "/tmp/vk-$(basename "$1")" > /dev/null
}

kdump_id() {	# kdump_id DEV: the kdump key of DEV
	keyctl search @u kdump "$(desc_of "$1")"
}

say_keys() {
	grep kdump /proc/keys | awk '{ print "KKT-SAY   /proc/keys: " $8, $9, $10, $11, $12 }'
}

# pages_hidden: after the live rewrite, the key pages are out of the
# kernel's own mappings (arch_kdump_keys_protect()): /proc/kcore shows the
# third key where it is readable (its logon source and its kdump key) but
# not in the crash reservation, which holds it too; nor did the
# architecture say that it cannot unmap them.
pages_hidden() {
	kcore_scan "$mask"
	n=$(awk '$1 == "kcore" { print $2 }' /tmp/kcore.out)
	exposed=$(kcore_crash_copies) || exposed="? (no crash reservation)"
	errors=$(dmesg | grep -c 'cannot unmap the key pages')
	detail="a random key's copies in /proc/kcore: ${n:-none read}, in the crash reservation $(crash_range_hex): $exposed; $errors 'cannot unmap the key pages'"
	if [ "${n:-0}" -ge 1 ] && [ "$exposed" = 0 ] && [ "$errors" = 0 ]; then
		result e2e-pages-hidden pass "$detail"
	else
		result e2e-pages-hidden fail "$detail"
	fi
}

# Keys change while the capture kernel stays loaded: disk 2's kdump key
# first holds a stale key (a rotation follows), disk 1's is added after
# the load, and a third one is revoked; no second kexec -s -p.
stage_first() {
	say "First kernel: $(grep MemTotal /proc/meminfo | tr -s ' '), crash reservation $(crash_range_hex)"
	say "Two LUKS2 disks (Argon2id, 1 GiB memory cost): dumping each volume key with the passphrase"
	for dev in /dev/vda /dev/vdb; do
		check "e2e-setup-$(basename $dev)" "LUKS2 volume key of $dev dumped, ext4 made" \
			setup_disk "$dev"
	done
	say "Before the load: disk 2 with a stale key, and a key that will be revoked"
	head -c 64 /dev/urandom | keyctl padd logon "$(desc_of /dev/vdb)" @u > /dev/null
	keyctl add kdump "$(desc_of /dev/vdb)" "" @u > /dev/null
	mask=$(/kselftest/kdump_key/kdump_key_expose new kkt:e2e-revoked)
	keyctl add kdump kkt:e2e-revoked "" @u > /dev/null
	say "Loading the capture kernel once: kexec -s -p (kexec_file_load)"
	load_capture capture || { result e2e-load fail "kexec -s -p"; return; }
	say_keys
	say "While it is loaded: add disk 1's key, rotate disk 2's, revoke the third"
	hold_key /dev/vda && keyctl add kdump "$(desc_of /dev/vda)" "" @u > /dev/null
	hold_key /dev/vdb && keyctl update "$(kdump_id /dev/vdb)" ""
	rm -f /tmp/vk-*
	pages_hidden
	keyctl revoke "$(keyctl search @u kdump kkt:e2e-revoked)"
	say_keys
	check e2e-live "both disk keys loaded without a reload" \
		test "$(grep -c ' kdump .*: 64 restore=user loaded$' /proc/keys)" = 2
	say "Crashing the first kernel: echo c > /proc/sysrq-trigger"
	crash_now
}

# open_with_table DEV NAME: dm-crypt table naming the restored user key
open_with_table() {
	dev=$1 desc=$(desc_of "$1")
	offset=$(( $(segment_field "$dev" offset) / 512 ))
	sector=$(segment_field "$dev" sector)
	cipher=$(segment_field "$dev" cipher)
	len=$(( $(blockdev --getsz "$dev") - offset ))
	bits=$(cryptsetup luksDump "$dev" | awk '$1 == "Key:" { print $2; exit }')
	# No udev here: dmsetup mknodes makes /dev/mapper/NAME
	dmsetup create "$2" --table \
		"0 $len crypt $cipher :$((bits / 8)):user:$desc 0 $dev $offset 1 sector_size:$sector" &&
		dmsetup mknodes "$2"
}

verify_digest() {	# verify_digest DEV: cryptsetup checks the restored key
	keyctl pipe %user:"$(desc_of "$1")" > /tmp/vk &&
		cryptsetup open --volume-key-file /tmp/vk "$1" check &&
		cryptsetup close check
	rc=$?
	rm -f /tmp/vk
	return $rc
}

open_with_pipe() {	# open_with_pipe DEV NAME: key verified against LUKS2 digest
	keyctl pipe %user:"$(desc_of "$1")" > /tmp/vk &&
		cryptsetup open --volume-key-file /tmp/vk "$1" "$2"
	rc=$?
	rm -f /tmp/vk
	return $rc
}

# open_with_keyring DEV NAME: cryptsetup (2.7 and later) takes the restored
# user key from the keyring itself, and checks it against the LUKS2 digest
open_with_keyring() {
	cryptsetup open --volume-key-keyring "%user:$(desc_of "$1")" "$1" "$2"
}

# segment_forgotten: the capture kernel's boot data no longer says where the
# key segment was (x86: no setup_data entry of ours, SETUP_INDIRECT | 0x1000
# on 6.12 or | 11 on 7.3, as sysfs shows it; arm64: no linux,dmcryptkeys
# property in /chosen)
segment_forgotten() {
	if [ -d /sys/kernel/boot_params ]; then
		! grep -qE "^0x8000(1000|000b)$" /sys/kernel/boot_params/setup_data/*/type 2>/dev/null
	else
		[ -d /sys/firmware/devicetree/base/chosen ] &&
			[ ! -e /sys/firmware/devicetree/base/chosen/linux,dmcryptkeys ]
	fi
}

stage_capture() {
	say "Capture kernel up: $(grep MemTotal /proc/meminfo | tr -s ' '), no passphrase in its initramfs or command line"
	say "  $(dmesg | grep 'kdump_keys:')"
	grep -E ' (user|kdump) ' /proc/keys | awk '{ print "KKT-SAY   /proc/keys: " $8, $9, $10, $11, $12 }'
	say "Opening disk 1 with dmsetup, table key :64:user:<desc>; disk 2 with cryptsetup and the restored key"
	check e2e-no-passphrase "no passphrase on the capture command line" \
		sh -c '! grep -q kkt_pass /proc/cmdline'
	check e2e-live-set "exactly the live set restored: $(dmesg | grep -o 'restored .* keys')" \
		sh -c 'dmesg | grep -q "kdump_keys: restored 2 of 2 keys" &&
			! keyctl request user kkt:e2e-revoked > /dev/null 2>&1'
	check e2e-segment-forgotten "nothing in $BOOTINFO names the key segment any more" \
		segment_forgotten
	check e2e-digest-disk1 "disk 1's restored key matches its LUKS2 digest" \
		verify_digest /dev/vda
	check e2e-open-dmsetup "disk 1 opened by dmsetup with :<size>:user:<desc>" \
		open_with_table /dev/vda dump
	# Disk 2: from the keyring where cryptsetup can (Debian 13's 2.7, on
	# arm64), else through a file (Debian 12's 2.6, on x86)
	if cryptsetup --help | grep -q -- --volume-key-keyring; then
		check e2e-open-cryptsetup "disk 2 opened by cryptsetup open --volume-key-keyring %user:<desc>" \
			open_with_keyring /dev/vdb other
	else
		check e2e-open-cryptsetup "disk 2 opened by keyctl pipe | cryptsetup open --volume-key-file" \
			open_with_pipe /dev/vdb other
	fi
	mount /dev/mapper/other /mnt && umount /mnt
	check e2e-mount "ext4 on disk 1 mounts" mount /dev/mapper/dump /mnt
	if ! grep -q ' /mnt ' /proc/mounts; then
		result e2e-dump fail "disk 1 not mounted"
		return
	fi
	start=$(date +%s)
	# -d 1 drops zero pages only: makedumpfile 1.7.2 predates 6.12 and its
	# free-page filtering is not trustworthy there; -l compresses with LZO
	check e2e-dump "makedumpfile -l -d 1 wrote the dump" \
		makedumpfile -l -d 1 /proc/vmcore /mnt/vmcore
	say "Dump written to the encrypted disk 1: $(stat -c %s /mnt/vmcore) bytes in $(( $(date +%s) - start ))s"
	sync
	umount /mnt
}

stage_verify() {
	say "Third boot: opening disk 1 with the passphrase (Argon2 runs here) to check the dump"
	# shellcheck disable=SC2016 # expanded by the inner sh
	check e2e-verify-open "disk 1 opens with the passphrase" \
		sh -c 'printf %s "$kkt_pass" | cryptsetup open --key-file - /dev/vda dump'
	if ! mount -o ro /dev/mapper/dump /mnt; then
		result e2e-verify-present fail "disk 1 does not mount"
		return
	fi
	check e2e-verify-present "the dump is on disk 1" test -s /mnt/vmcore
	check e2e-verify-format "kdump-compressed format" \
		test "$(head -c 8 /mnt/vmcore)" = "KDUMP   "
	makedumpfile --dump-dmesg /mnt/vmcore /tmp/dmesg > /dev/null 2>&1
	check e2e-verify-panic "the dump's log holds the first kernel's panic" \
		grep -q "Kernel panic - not syncing: sysrq triggered crash" /tmp/dmesg
	say "Dump format: $(head -c 8 /mnt/vmcore); its log says: $(grep -o 'Kernel panic - not syncing: .*' /tmp/dmesg | head -1)"
	umount /mnt
}
