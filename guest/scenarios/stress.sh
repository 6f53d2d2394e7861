# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# shellcheck disable=SC3028,SC2086,SC2046,SC2034 # busybox ash has RANDOM; ids and lists are split on purpose
# Stress: several processes add, update, revoke, unlink and expire kdump
# keys while another loads and unloads the capture kernel with
# kexec_file_load ("kexec -s -p") and kexec_load ("kexec -p") in a loop.
#
# Round 1 ends by unlinking every key: root's quota in /proc/key-users must
# return to where it started.  Round 2's loader ends with a kexec_file_load
# whose command line carries the digest of a planned final key set; the
# workers keep going after it, then bring the keys to that planned set with
# updates, revokes and unlinks, and the kernel crashes WITHOUT a reload:
# the capture kernel must restore exactly the live set (the keys must be
# kept up to date in crash memory while the image is loaded).
#
# kkt_stress_secs=N sets the length of each round (default 40 s).

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="stress-round1 stress-quota stress-round2 stress-settled stress-loaded
	stress-live-loaded
	stress-restored-set stress-restored-bytes stress-log-line"

WORKERS=4
SLOTS=4				# keys per worker: kkt:s<worker>-<slot>
SECS=${kkt_stress_secs:-40}
KEXEC_ARGS="/boot/bzImage --initrd=/boot/capture.cpio"

src_digest() {	# the first 16 hex digits of a source's sha256
	sha256sum < "/tmp/$1" | cut -c1-16
}

# worker W: random operations on its own keys until /tmp/stop exists
worker() {
	w=$1 ops=0 ok=0
	RANDOM=$((w * 7919 + $$))
	while [ ! -e /tmp/stop ]; do
		d=kkt:s$w-$((RANDOM % SLOTS))
		case $((RANDOM % 6)) in
		0|1) keyctl add kdump "$d" "source=kkt:src-a" "$ring" ;;
		2) keyctl update "%kdump:$d" "source=kkt:src-b restore=logon" ;;
		3) keyctl revoke "%kdump:$d" ;;
		4) keyctl unlink "%kdump:$d" "$ring" ;;
		5) keyctl timeout "%kdump:$d" 1 ;;
		esac > /dev/null 2>&1 && ok=$((ok + 1))
		ops=$((ops + 1))
	done
	echo "$ops $ok" > /tmp/ops.$w
}

# loader FINAL_APPEND: load and unload with both system calls until
# /tmp/stop-loader exists, and at least once of each kind (a slow
# sanitizer guest with four busy workers managed three in 40 s), then
# load once with kexec_file_load.  Each success appends its kind (0-3,
# as below) to /tmp/loads.kinds.
loader() {
	n=0 ok=0
	: > /tmp/loads.kinds
	while [ ! -e /tmp/stop-loader ] || [ $n -lt 4 ]; do
		case $((n % 4)) in
		0) kexec -s -p $KEXEC_ARGS --append="$(capture_cmdline none)" ;;
		1) kexec -p $KEXEC_ARGS --append="$(capture_cmdline none)" ;;
		2) kexec -s -p -u ;;
		3) kexec -p -u ;;
		esac > /tmp/loads.out 2>&1 && { ok=$((ok + 1)); echo $((n % 4)) >> /tmp/loads.kinds; } ||
			echo "KKT-SAY   loader op $((n % 4)) failed: $(tail -1 /tmp/loads.out)" >&2
		n=$((n + 1))
	done
	if [ -n "$1" ]; then
		kexec -s -p $KEXEC_ARGS --append="$(capture_cmdline capture "$1")" &&
			{ ok=$((ok + 1)); echo 0 >> /tmp/loads.kinds; }
		n=$((n + 1))
	fi
	echo "$n $ok" > /tmp/loads
}

# round_ok KEYOPS KEYOK LOADS LOADSOK: the round did something: key
# operations succeeded, every load and unload succeeded, and each of the
# four kinds (kexec_file_load, kexec_load, and their unloads) at least once
round_ok() {
	[ "$2" -gt 0 ] && [ "$4" = "$3" ] || return 1
	for kind in 0 1 2 3; do
		grep -qx $kind /tmp/loads.kinds || return 1
	done
}
kinds() {	# kinds: successes per kind, for the result's detail
	for kind in 0 1 2 3; do
		printf '%s%s' "$sep" "$(grep -cx $kind /tmp/loads.kinds)"
		sep=/
	done
	sep=
}

# storm FINAL_APPEND: one round of SECS seconds; prints the figures
storm() {
	rm -f /tmp/stop /tmp/stop-loader /tmp/ops.* /tmp/loads
	for w in $(seq 1 $WORKERS); do
		worker "$w" &
	done
	loader "$1" &
	loader_pid=$!
	sleep "$SECS"
	touch /tmp/stop-loader
	wait $loader_pid
	sleep 5			# key changes after the last load
	touch /tmp/stop
	wait
	key_ops=$(cat /tmp/ops.* | awk '{ n += $1; ok += $2 } END { print n, ok }')
	echo "$key_ops $(cat /tmp/loads)"
}

# root's "<qnkeys> <qnbytes>" from /proc/key-users
quota() {
	awk '$1 == "0:" { split($4, k, "/"); split($5, b, "/"); print k[1], b[1] }' /proc/key-users
}

# The live kdump keys in the stress ring, one "desc len restore" line each
live_set() {
	awk '$8 == "kdump" && $2 !~ /[RDi]/ && $3 > 0 && $4 != "expd" && $9 ~ /^kkt:s/ {
		sub(/:$/, "", $9); print $9, $10, $11 }' /proc/keys | LC_ALL=C sort
}

# The planned final set: slot (w + s) % 3 == 0 from src-a, 1 from src-b
# with restore=logon, 2 absent (revoked or unlinked)
planned_set() {
	for w in $(seq 1 $WORKERS); do
		for s in $(seq 0 $((SLOTS - 1))); do
			case $(((w + s) % 3)) in
			0) echo "kkt:s$w-$s 64 restore=user" ;;
			1) echo "kkt:s$w-$s 32 restore=logon" ;;
			esac
		done
	done | LC_ALL=C sort
}

# Bring the stress ring to the planned set with key changes only, no load:
# unlink everything (an expired key cannot be found to be changed), add
# every slot, then update, revoke and unlink as planned
settle() {
	keyctl clear "$ring"
	for w in $(seq 1 $WORKERS); do
		for s in $(seq 0 $((SLOTS - 1))); do
			keyctl add kdump "kkt:s$w-$s" "source=kkt:src-a" "$ring"
		done
	done > /dev/null
	for w in $(seq 1 $WORKERS); do
		for s in $(seq 0 $((SLOTS - 1))); do
			d=kkt:s$w-$s
			case $(((w + s) % 3)) in
			1) keyctl update "%kdump:$d" "source=kkt:src-b restore=logon" ;;
			2) keyctl revoke "%kdump:$d"
			   [ $((w % 2)) = 0 ] && keyctl unlink "%kdump:$d" "$ring" ;;
			esac
		done
	done > /dev/null 2>&1
}

wait_quota() {	# wait_quota EXPECTED: up to 20 s for the garbage collector
	for i in $(seq 1 40); do
		[ "$(quota)" = "$1" ] && return 0
		sleep 0.5
	done
	return 1
}

stage_first() {
	head -c 64 /dev/urandom > /tmp/kkt:src-a
	head -c 32 /dev/urandom > /tmp/kkt:src-b
	keyctl padd logon kkt:src-a @u < /tmp/kkt:src-a > /dev/null
	keyctl padd logon kkt:src-b @u < /tmp/kkt:src-b > /dev/null
	ring=$(keyctl newring kkt-stress @u)
	q0=$(quota)

	set -- $(storm "")
	check stress-round1 "$1 key operations ($2 succeeded), $3 loads/unloads ($4 succeeded; file load/load/file unload/unload: $(kinds)) in ${SECS}s" \
		round_ok "$@"
	echo "KKT-FIGURE stress-ops $(( $1 + $3 ))"
	kexec -p -u
	keyctl clear "$ring"
	check stress-quota "root's quota back to \"$q0\" (keys, bytes): now \"$(quota)\"" \
		wait_quota "$q0"

	plan=$(planned_set | sha256sum | cut -c1-64)
	nplan=$(planned_set | wc -l)
	set -- $(storm "kkt_plan=$plan kkt_nplan=$nplan kkt_srca=$(src_digest kkt:src-a)")
	check stress-round2 "$1 key operations ($2 succeeded), $3 loads/unloads ($4 succeeded; file load/load/file unload/unload: $(kinds)) in ${SECS}s" \
		round_ok "$@"
	echo "KKT-FIGURE stress-ops $(( $1 + $3 ))"
	settle
	planned_set > /tmp/plan
	live_set > /tmp/live
	diff /tmp/plan /tmp/live | sed -n 's/^\([-+]\)\([^-+]\)/KKT-SAY   settled set \1 \2/p'
	check stress-settled "live set is the planned one ($nplan keys)" \
		test "$(live_set | sha256sum | cut -c1-64)" = "$plan"
	check stress-loaded "a capture kernel is loaded" \
		test "$(cat /sys/kernel/kexec_crash_loaded)" = 1
	# With the keys kept up to date in crash memory, every live key is loaded
	check stress-live-loaded "every live kdump key shows loaded ($(grep -c 'kkt:s.* loaded$' /proc/keys) of $nplan)" \
		test "$(grep -c 'kkt:s.* loaded$' /proc/keys)" = "$nplan"
	crash_now
}

# The restored kdump keys, in the form of live_set
restored_set() {
	awk '$8 == "kdump" && $NF == "restored" && $9 ~ /^kkt:s/ {
		sub(/:$/, "", $9); print $9, $10, $11 }' /proc/keys | LC_ALL=C sort
}

user_keys_intact() {
	for d in $(restored_set | awk '$3 == "restore=user" { print $1 }'); do
		[ "$(keyctl pipe "%user:$d" | sha256sum | cut -c1-16)" = "$kkt_srca" ] ||
			return 1
	done
}

stage_capture() {
	restored_set | sed 's/^/KKT-SAY   restored: /'
	check stress-restored-set "restored $(restored_set | wc -l) keys, planned $kkt_nplan: the live set at the crash" \
		test "$(restored_set | sha256sum | cut -c1-64)" = "$kkt_plan"
	check stress-restored-bytes "restored user keys hold src-a's bytes" user_keys_intact
	# shellcheck disable=SC2016 # kkt_nplan: in the environment, from the command line
	check stress-log-line "$(dmesg | grep -o 'kdump_keys: restored.*')" \
		sh -c 'dmesg | grep -q "kdump_keys: restored $kkt_nplan of $kkt_nplan keys"'
}
