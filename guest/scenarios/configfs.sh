# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# CRASH_DM_CRYPT's configfs interface on the 7.3 base, driven exactly as
# Fedora's kdump-utils drives it (kdumpctl prepare_luks, the udev
# throttler's reuse, the dracut module's kexec-crypt-setup.sh and udev
# rule), with trixie's cryptsetup 2.7 (--link-vk-to-keyring,
# --volume-key-keyring).  Disk 1's key goes through configfs; disk 2's is
# a kdump key added after the load: both travel in the one key segment.
# On the way: a CPU hotplug with the image loaded, a reload with "reuse"
# once the logon key has expired, and a load with kexec's debug messages
# on, which must not print a key byte.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="cfg-cryptsetup cfg-link-vk cfg-kdump-source cfg-entry
	cfg-load cfg-hotplug cfg-source-expired cfg-reuse-reload
	cfg-kdump-loaded cfg-no-key-bytes-logged
	cfg-restore-waits cfg-kdump-at-boot cfg-restore cfg-restored-bytes
	cfg-open-configfs cfg-open-kdump cfg-dump cfg-log-line cfg-restore-again"

# trixie's cryptsetup 2.7 and kexec-tools 2.0.29 (kexec -d sets
# KEXEC_FILE_DEBUG): in /opt/trixie on x86, whose guest is Debian 12's;
# the arm64 guest is Debian 13's own
CS27=cryptsetup KEXEC=kexec
[ -d /opt/trixie ] && CS27=/opt/trixie/cryptsetup KEXEC=/opt/trixie/kexec
LUKS_CONFIGFS=/sys/kernel/config/crash_dm_crypt_keys
LUKS_KEY_PRFIX=kdump-cryptsetup:vk-

uuid_of() { $CS27 luksUUID "$1"; }
sum_of() { sha256sum < "$1" | cut -c1-64; }

# kdump-utils' prepare_luks for one device: the logon key, a 300 s
# timeout, the configfs entry
prepare_luks() {
	_key_des=$LUKS_KEY_PRFIX$1
	_key_id=$(keyctl request logon "$_key_des") || return 1
	keyctl timeout "$_key_id" 300 &&
		mkdir "$LUKS_CONFIGFS/$1" &&
		printf "%s" "$_key_des" > "$LUKS_CONFIGFS/$1/description"
}

# load [kexec options]: as kdumpctl, with kexec_file_load; on x86 the
# capture archive with trixie's tools appended (scripts/initramfs.sh)
load() {
	[ -s /tmp/capture.cpio ] ||
		cat /boot/capture.cpio /boot/trixie.cpio > /tmp/capture.cpio 2>/dev/null ||
		cp /boot/capture.cpio /tmp/capture.cpio
	# shellcheck disable=SC2086 # options split on purpose
	$KEXEC ${1:-} -s -p $KIMAGE --initrd=/tmp/capture.cpio \
		--append="$(capture_cmdline capture "$2")"
}

stage_first() {
	mount -t configfs none /sys/kernel/config 2>/dev/null
	check cfg-cryptsetup "cryptsetup for kdump-utils' options: $($CS27 --version 2>&1)" \
		sh -c "$CS27 --version | grep -q '^cryptsetup 2\.[7-9]'"
	u1=$(uuid_of /dev/vda) u2=$(uuid_of /dev/vdb)
	d1=$LUKS_KEY_PRFIX$u1 d2=$LUKS_KEY_PRFIX$u2
	say "Disk 1: kdumpctl's fallback, cryptsetup open --test-passphrase --link-vk-to-keyring (Argon2 runs here)"
	check cfg-link-vk "disk 1's volume key linked as @u::%logon:$d1" \
		sh -c "printf %s '$kkt_pass' | $CS27 open /dev/vda DUMMY --test-passphrase \
			--key-file - '--link-vk-to-keyring=@u::%logon:$d1'"
	say "Disk 2: its volume key dumped for a kdump key"
	check cfg-kdump-source "disk 2's volume key dumped with the passphrase" \
		sh -c "printf %s '$kkt_pass' | $CS27 luksDump --batch-mode --key-file - \
			--dump-volume-key --volume-key-file /tmp/vk2 /dev/vdb > /dev/null"
	# The bytes for the capture kernel's checks, read with the passphrase
	printf %s "$kkt_pass" | $CS27 luksDump --batch-mode --key-file - \
		--dump-volume-key --volume-key-file /tmp/vk1 /dev/vda > /dev/null
	hex1=$(od -An -tx1 -N16 /tmp/vk1 | tr -d ' \n')

	say "kdumpctl prepare_luks: keyctl request, timeout 300, mkdir, description"
	prepare_luks "$u1"
	check cfg-entry "configfs entry $u1: count $(cat $LUKS_CONFIGFS/count), description $(cat "$LUKS_CONFIGFS/$u1/description")" \
		sh -c "test \"\$(cat $LUKS_CONFIGFS/count)\" = 1 &&
			test \"\$(cat $LUKS_CONFIGFS/$u1/description)\" = '$d1'"
	check cfg-load "kexec -s -p with one configfs key" load
	say "A CPU goes offline and back (x86: crash hotplug updates the loaded image)"
	check cfg-hotplug "cpu1 offline and online again" \
		sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online &&
			echo 1 > /sys/devices/system/cpu/cpu1/online'
	keyctl timeout "%logon:$d1" 1
	sleep 2
	check cfg-source-expired "the logon key has expired" \
		sh -c "! keyctl request logon '$d1' > /dev/null 2>&1"
	say "kdump-udev-throttler: reuse=1, kdumpctl reload (unload, then load with kexec -d), reuse=0"
	echo 1 > $LUKS_CONFIGFS/reuse
	$KEXEC -s -p -u
	load -d "kkt_s1=$(sum_of /tmp/vk1) kkt_s2=$(sum_of /tmp/vk2)" > /tmp/kexec-debug.log 2>&1
	rc=$?
	echo 0 > $LUKS_CONFIGFS/reuse
	check cfg-reuse-reload "reload with reuse=1 after the key expired: exit $rc, $(tail -1 /tmp/kexec-debug.log)" \
		test $rc = 0

	keyctl padd logon "$d2" @u < /tmp/vk2 > /dev/null
	keyctl add kdump "$d2" "" @u > /dev/null
	check cfg-kdump-loaded "disk 2's kdump key, added after the load: $(grep " kdump .*$d2" /proc/keys | awk '{ print $NF }')" \
		sh -c "grep ' kdump .*$d2' /proc/keys | grep -q ' loaded\$'"
	check cfg-no-key-bytes-logged "kexec -d: $(dmesg | grep -c 'kexec') kexec debug lines, no byte of the key in them or in kexec's output" \
		sh -c "dmesg | grep -q 'kexec_file_load: type:' &&
			! { dmesg; cat /tmp/kexec-debug.log; } | tr -d ' \n:' | grep -qi '$hex1'"
	crash_now
}

stage_capture() {
	mount -t configfs none /sys/kernel/config
	u1=$(uuid_of /dev/vda) u2=$(uuid_of /dev/vdb)
	d1=$LUKS_KEY_PRFIX$u1 d2=$LUKS_KEY_PRFIX$u2
	say "  $(dmesg | grep 'kdump_keys:' | tr '\n' ' ')"
	check cfg-restore-waits "restore reads $(cat $LUKS_CONFIGFS/restore), no user key $d1 before it is written" \
		sh -c "test \"\$(cat $LUKS_CONFIGFS/restore)\" = 0 &&
			! keyctl request user '$d1' > /dev/null 2>&1"
	check cfg-kdump-at-boot "the kdump key's user key is there at boot" \
		sh -c "keyctl pipe '%user:$d2' | sha256sum | grep -q '^$kkt_s2 '"
	say "kexec-crypt-setup.sh: echo 1 > restore"
	check cfg-restore "echo 1 > $LUKS_CONFIGFS/restore" \
		sh -c "grep -q 1 $LUKS_CONFIGFS/restore || echo 1 > $LUKS_CONFIGFS/restore"
	check cfg-restored-bytes "user key $d1 holds disk 1's volume key" \
		sh -c "keyctl pipe '%user:$d1' | sha256sum | grep -q '^$kkt_s1 '"
	say "The dracut module's udev rule: cryptsetup luksOpen --volume-key-keyring %user:<desc>"
	check cfg-open-configfs "disk 1 opened with %user:$d1, a crypt target" \
		sh -c "$CS27 luksOpen --volume-key-keyring '%user:$d1' /dev/vda 'luks-$u1' &&
			dmsetup table 'luks-$u1' | grep -q ' crypt '"
	check cfg-open-kdump "disk 2 opened with the kdump key's %user:$d2, a crypt target" \
		sh -c "$CS27 luksOpen --volume-key-keyring '%user:$d2' /dev/vdb 'luks-$u2' &&
			dmsetup table 'luks-$u2' | grep -q ' crypt '"
	# As e2e: -d 1 drops zero pages only (makedumpfile 1.7.2 predates the
	# kernel); a file system made here, the disk came without one
	check cfg-dump "makedumpfile -l -d 1 wrote the dump to disk 1" \
		sh -c "/usr/sbin/mke2fs -q -t ext4 '/dev/mapper/luks-$u1' &&
			mount '/dev/mapper/luks-$u1' /mnt &&
			makedumpfile -l -d 1 /proc/vmcore /mnt/vmcore > /dev/null &&
			test -s /mnt/vmcore && umount /mnt"
	check cfg-log-line "$(dmesg | grep -o 'kdump_keys: .*' | tr '\n' ';')" \
		sh -c 'dmesg | grep -q "kdump_keys: restored 1 of 1 keys" &&
			dmesg | grep -q "kdump_keys: keeping 1 configfs keys"'
	check cfg-restore-again "a second echo 1 > restore is accepted" \
		sh -c "echo 1 > $LUKS_CONFIGFS/restore"
}
