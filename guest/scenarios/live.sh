# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# Live updates: crash memory follows every change to a kdump key while the
# capture kernel stays loaded; a key that does not fit is refused with
# ENOSPC; loads never fail because of the key segment; a crash in the
# middle of a storm of updates leaves a set of keys that existed.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="live-loads-never-fail live-loaded live-add live-update live-revoke
	live-invalidate live-unlink live-expire live-enospc live-enospc-log
	live-enospc-nothing
	live-rotated-bytes live-added-bytes live-absent-b live-absent-inv
	live-absent-unl live-absent-exp live-absent-fill-0 live-absent-seg
	live-storm-value live-flip-whole live-all-or-nothing"

state() {	# state DESC: what /proc/keys says of the kdump key DESC
	awk -v d="$1:" '$8 == "kdump" && $9 == d { print $NF }' /proc/keys
}

logon() {	# logon DESC [BYTES]: a random volume key in a logon key
	head -c "${2:-64}" /dev/urandom > "/tmp/$1"
	keyctl padd logon "$1" @u < "/tmp/$1" > /dev/null
}

kdump() {	# kdump DESC: convert it; prints the kdump key's id
	keyctl add kdump "$1" "" @u
}

short_digest() { sha256sum < "/tmp/$1" | cut -c1-16; }

gone() {	# gone DESC: the garbage collector destroyed DESC within 10 s
	for _ in $(seq 100); do
		[ -z "$(state "$1")" ] && return 0
		sleep 0.1
	done
	return 1
}

# The key segment comes last: it cannot split the room a big initrd needs
loads_with_big_initrd() {
	fails=0
	dd if=/dev/zero of=/tmp/big bs=1M count=64 2>/dev/null
	for _ in $(seq 6); do
		kexec -s -p /boot/bzImage --initrd=/tmp/big \
			--append="console=ttyS0" 2>/dev/null || fails=$((fails + 1))
	done
	rm -f /tmp/big
	# init_size in the bzImage header: the memory the kernel needs
	mib=$(( $(od -An -tu4 -j608 -N4 /boot/bzImage) >> 20 ))
	check live-loads-never-fail "6 loads, 64 MiB initrd, $mib MiB kernel, $(grep -o "crashkernel=[^ ]*" /proc/cmdline | tail -1): $fails failed" \
		test "$fails" = 0
}

# Add 512-byte keys until the room reserved at load time is full
fill_until_full() {
	n=0
	while [ $n -lt 300 ]; do
		logon "kkt:fill-$n" 512
		kdump "kkt:fill-$n" > /dev/null 2> /tmp/err || break
		n=$((n + 1))
	done
	check live-enospc "key $n refused: $(cat /tmp/err)" \
		grep -q "No space left on device" /tmp/err
	check live-enospc-log "$(dmesg | grep -c 'load it again') log line(s) naming the remedy" \
		test "$(dmesg | grep -c 'load it again')" = 1
	check live-enospc-nothing "the refused key does not exist" \
		sh -c "! keyctl search @u kdump kkt:fill-$n > /dev/null 2>&1"
	i=0
	while [ $i -lt $n ]; do
		keyctl revoke "$(keyctl search @u kdump "kkt:fill-$i")"
		i=$((i + 1))
	done
}

# value I: the 64 bytes the storm and the flip write in round I, the
# counter four times over.  Every byte depends on I, so a copy torn between
# two rounds (part of one value, part of another) is no value (whole).
value() { printf '%016d%016d%016d%016d' "$1" "$1" "$1" "$1"; }
whole() { echo "$1" | grep -qE '^([0-9]{16})\1\1\1$'; }
absent_or_whole() { [ -z "$1" ] || whole "$1"; }
said() {	# said VALUE: "round N" of a whole value, "absent" for none
	if [ -n "$1" ]; then
		echo "round $(echo "$1" | cut -c1-16 | sed 's/^0*\(.\)/\1/')"
	else
		echo absent
	fi
}

storm() {	# rotate kkt:storm for ever, value 1, 2, ...
	i=0
	while :; do
		i=$((i + 1))
		value $i | keyctl padd logon kkt:storm @u > /dev/null
		keyctl update "$1" ""
	done
}

flip() {	# add and revoke kkt:flip for ever, value 1, 2, ...
	i=0
	while :; do
		i=$((i + 1))
		value $i | keyctl padd logon kkt:flip @u > /dev/null
		id=$(kdump kkt:flip) && keyctl revoke "$id" && keyctl unlink "$id" @u
	done > /dev/null 2>&1
}

stage_first() {
	logon kkt:seg && kdump kkt:seg > /dev/null
	loads_with_big_initrd
	keyctl revoke "$(keyctl search @u kdump kkt:seg)"

	for k in a b inv unl exp; do
		logon "kkt:$k" && kdump "kkt:$k" > /dev/null
	done
	# The bytes kkt:a is rotated to and kkt:c gets, both after the load
	head -c 64 /dev/urandom > /tmp/a.new
	head -c 64 /dev/urandom > /tmp/c.new
	load_capture capture "kkt_a=$(short_digest a.new) kkt_c=$(short_digest c.new)" ||
		{ result live-load fail "kexec -s -p"; return; }
	check live-loaded "loaded by kexec -s -p" test "$(state kkt:a)" = loaded

	keyctl padd logon kkt:c @u < /tmp/c.new > /dev/null && kdump kkt:c > /dev/null
	check live-add "key added after the load: $(state kkt:c)" \
		test "$(state kkt:c)" = loaded
	keyctl padd logon kkt:a @u < /tmp/a.new > /dev/null &&
		keyctl update "$(keyctl search @u kdump kkt:a)" ""
	check live-update "rotated key: $(state kkt:a)" test "$(state kkt:a)" = loaded
	keyctl revoke "$(keyctl search @u kdump kkt:b)"
	check live-revoke "revoked key has no copy" test -z "$(state kkt:b)"
	keyctl invalidate "$(keyctl search @u kdump kkt:inv)"
	check live-invalidate "invalidated key has no copy" test -z "$(state kkt:inv)"
	keyctl unlink "$(keyctl search @u kdump kkt:unl)" @u
	check live-unlink "key unlinked for the last time destroyed" gone kkt:unl
	echo 1 > /proc/sys/kernel/keys/gc_delay
	keyctl timeout "$(keyctl search @u kdump kkt:exp)" 1
	sleep 2
	check live-expire "expired key destroyed by the garbage collector" gone kkt:exp

	fill_until_full

	value 0 | keyctl padd logon kkt:storm @u > /dev/null
	storm "$(kdump kkt:storm)" &
	flip &
	sleep 3
	say "crashing in the middle of a storm of updates, no reload since the first load"
	crash_now
}

restored() { keyctl request user "$1" > /dev/null 2>&1; }
absent() { ! restored "$1"; }
restored_digest() { keyctl pipe "%user:$1" | sha256sum | cut -c1-16; }

stage_capture() {
	check live-rotated-bytes "rotated key restored with its new bytes" \
		test "$(restored_digest kkt:a)" = "$kkt_a"
	check live-added-bytes "key added after the load restored" \
		test "$(restored_digest kkt:c)" = "$kkt_c"
	for k in b inv unl exp fill-0 seg; do
		check "live-absent-$k" "kkt:$k not restored" absent "kkt:$k"
	done
	storm=$(keyctl pipe %user:kkt:storm 2>/dev/null)
	check live-storm-value "storm key holds a value it had: $(said "$storm")" \
		whole "$storm"
	flip=$(keyctl pipe %user:kkt:flip 2>/dev/null)
	check live-flip-whole "flip key absent or whole: $(said "$flip")" \
		absent_or_whole "$flip"
	check live-all-or-nothing "$(dmesg | grep -o 'restored .* keys')" \
		sh -c 'dmesg | grep -qE "kdump_keys: restored ([34]) of \1 keys"'
}
