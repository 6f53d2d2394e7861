# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# make bench, memory and time: one crash cycle whose capture kernel opens
# the dump disk, /dev/vda, and writes the dump there with makedumpfile, as
# kdump does.  scripts/bench-mem.sh boots it at one crashkernel= size after
# another to find the smallest that works.  kkt_mode says how the capture
# kernel opens the disk:
#   plain  not encrypted: ext4 on /dev/vda
#   key    LUKS2, with the volume key the crashed kernel handed over
#   pass   LUKS2, with the passphrase (kkt_pass): Argon2id, 1 GiB
# /dev/vdb holds the volume key (64 bytes), which the first kernel uses to
# put ext4 on the disk once and, in key mode, to hold as a logon key.
# kkt_nkeys (default 1) kdump keys are handed over in key mode: the disk's
# and others, for the restore time.  Figures go out as
# "KKT-BENCH <metric> <n> <value> <unit>" lines.

# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="bench-mem-load bench-mem-open bench-mem-dump"

DESC=cryptsetup:kkt-bench-d0

bench() {	# bench METRIC N VALUE UNIT
	echo "KKT-BENCH $*"
}

uptime_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# The disk, opened with the volume key, gets ext4 the first time
format_once() {
	cryptsetup open --volume-key-file /tmp/vk /dev/vda setup || return 1
	blkid /dev/mapper/setup | grep -q 'TYPE="ext4"' ||
		/usr/sbin/mke2fs -q -t ext4 /dev/mapper/setup
	rc=$?
	cryptsetup close setup
	return $rc
}

# hold_keys N: the disk's volume key and N - 1 others as kdump keys
hold_keys() {
	keyctl padd logon $DESC @u < /tmp/vk > /dev/null &&
		keyctl add kdump $DESC "" @u > /dev/null || return 1
	i=1
	while [ "$i" -lt "$1" ]; do
		head -c 64 /dev/urandom | keyctl padd logon "kkt:bench-$i" @u > /dev/null &&
			keyctl add kdump "kkt:bench-$i" "" @u > /dev/null || return 1
		i=$((i + 1))
	done
}

stage_first() {
	mode=${kkt_mode:-key} nkeys=${kkt_nkeys:-1}
	if [ "$mode" != plain ]; then
		head -c 64 /dev/vdb > /tmp/vk
		format_once || { result bench-mem-load fail "cannot put ext4 on the LUKS2 disk"; return; }
	fi
	if [ "$mode" = key ]; then
		hold_keys "$nkeys" || { result bench-mem-load fail "cannot add $nkeys kdump keys"; return; }
	fi
	rm -f /tmp/vk
	extra="initcall_debug kkt_mode=$mode kkt_nkeys=$nkeys"
	[ "$mode" = pass ] && extra="$extra kkt_pass=$kkt_pass"
	if ! load_capture capture "$extra"; then
		result bench-mem-load fail "kexec -s -p refused in $(grep 'Crash kernel' /proc/iomem | tr -s ' ')"
		return
	fi
	result bench-mem-load pass "$mode: capture kernel loaded"
	crash_now
}

open_disk() {
	case $mode in
	plain)	ln -sf /dev/vda /dev/mapper/dump ;;
	key)	keyctl pipe "%user:$DESC" > /tmp/vk &&
			cryptsetup open --volume-key-file /tmp/vk /dev/vda dump
		rc=$?
		rm -f /tmp/vk
		return $rc ;;
	pass)	printf %s "$kkt_pass" | cryptsetup open --key-file - /dev/vda dump ;;
	*)	return 1 ;;
	esac
}

# The restore's own time, from initcall_debug: the early copy out of crash
# memory and the late re-creation of the keys
restore_us() {
	dmesg | awk -v f="$1" '$0 ~ "initcall " f "\\+" && / returned / {
		for (i = 1; i < NF; i++) if ($(i + 1) == "usecs") { print $i; exit } }'
}

stage_capture() {
	mode=${kkt_mode:-key} nkeys=${kkt_nkeys:-1}
	if ! open_disk; then
		result bench-mem-open fail "$mode: the dump disk did not open ($(grep MemTotal /proc/meminfo | tr -s ' '))"
		return
	fi
	opened=$(uptime_ms)
	result bench-mem-open pass "$mode: dump disk open ${opened} ms after the capture kernel started"
	bench "open.$mode" "$nkeys" "$opened" ms
	if [ "$mode" = key ]; then
		for f in kdump_keys_take kdump_keys_restore; do
			us=$(restore_us $f)
			[ -n "$us" ] && bench "$f" "$nkeys" "$us" us
		done
	fi
	mount /dev/mapper/dump /mnt || { result bench-mem-dump fail "no ext4 on the dump disk"; return; }
	rm -f /mnt/vmcore
	# -d 1 -l as the end-to-end scenario (makedumpfile 1.7.2 predates 6.12)
	if makedumpfile -l -d 1 /proc/vmcore /mnt/vmcore > /dev/null 2>&1; then
		bench "dump.$mode" "$nkeys" "$(( $(uptime_ms) - opened ))" ms
		result bench-mem-dump pass "$mode: $(stat -c %s /mnt/vmcore) bytes written"
	else
		result bench-mem-dump fail "$mode: makedumpfile failed ($(grep MemTotal /proc/meminfo | tr -s ' '))"
	fi
	umount /mnt
}
