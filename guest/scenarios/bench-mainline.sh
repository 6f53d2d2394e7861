# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# The mainline comparison (issue 19), the same workload on a stock 7.3
# (kkt_bench=mainline: CRASH_DM_CRYPT's configfs keys) and on ours
# (kkt_bench=ours: the configfs keys, then kdump keys), driven by
# scripts/bench-mainline.sh.  Every figure is one line
#   KKT-BENCH <metric> <n> <value> <unit>
# - kexec.load.<kernel> N: kexec -s -p with N configfs keys (64-byte logon
#   keys), kexec.load.ours.kdump N with N kdump keys instead;
# - change.reload.<kernel> 16: a volume key rotated (new logon payload),
#   then kdump-config reload's kexec -p -u and kexec -s -p, with 16 keys;
#   change.update.ours 16: ours with 16 kdump keys, keyctl update of the
#   kdump key, no reload (change.update.ours.syscall: the keyctl call alone);
# - placement.ok.<kernel> FILL: loads with one key and a capture initrd
#   filling FILL % of the largest hole the other segments leave, that
#   succeed with the key segment, in % (placement.loaded.<kernel>: that
#   succeed at all; ours loads without the segment when it does not fit);
# - seg.bytes.<kernel> N (seg.bytes.ours.kdump N): the key segment's memsz
#   in crash memory, from the kernel's kexec debug lines (kexec -d);
# - configfs.accepted.<kernel> 130: configfs entries mkdir accepts of 130.
# Times by /usr/bin/elapsed (bench/elapsed.c, CLOCK_MONOTONIC), in ms; each
# timed command is the whole process, as an administrator runs it.

# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="bench-kernel bench-room bench-load bench-segment bench-configfs-limit
	bench-change bench-no-splat"
[ "${kkt_bench:-}" = ours ] &&
	EXPECT_first="$EXPECT_first bench-load-kdump bench-segment-kdump bench-change-kdump"

KEXEC=/opt/trixie/kexec	# 2.0.29: -d sets KEXEC_FILE_DEBUG
CFG=/sys/kernel/config/crash_dm_crypt_keys
PFX=kdump-cryptsetup:vk-b
INITRD=/boot/capture.cpio
LOADS=${kkt_bench_loads:-3}	# timed loads per key count
CHANGES=${kkt_bench_k:-16}	# key changes of the workload
TRIES=${kkt_bench_m:-20}	# loads per fill level
COUNTS="0 1 16 64 128"
FILLS="80 90 95 98"
K=${kkt_bench:-unknown}

bench() { echo "KKT-BENCH $1 $2 $3 $4"; }

# load [kexec options]: the capture kernel with INITRD
load() {
	$KEXEC "$@" -s -p "$KIMAGE" --initrd="$INITRD" \
		--append="$(capture_cmdline none)" > /tmp/kexec.out 2>&1
}
unload() { $KEXEC -p -u > /dev/null 2>&1; }
# tload: load, print the time it took; kexec's messages in /tmp/kexec.out
tload() {
	elapsed $KEXEC -s -p "$KIMAGE" --initrd="$INITRD" \
		--append="$(capture_cmdline none)" 2> /tmp/kexec.out
}
# Every kernel message goes to /tmp/kernel.log (dmesg is cleared before each
# debug load); the console gets emergencies only while the bench runs
klog() { dmesg -c >> /tmp/kernel.log; }

# debug_load: load with kexec -d, its kernel messages in /tmp/dmesg-d.log;
# exit status kexec's
debug_load() {
	klog
	load -d
	_rc=$?
	dmesg -c > /tmp/dmesg-d.log
	cat /tmp/dmesg-d.log >> /tmp/kernel.log
	return $_rc
}

# key_segment: the memsz (bytes) of the segments of the last debug load
# that no "Loaded ... at 0x..." line claims (elfcorehdr, purgatory, boot
# params, kernel, initrd): the key segment; 0 when there is none
key_segment() {
	_hex=$(awk '
	/ Loaded .* at 0x[0-9a-f]+/ {
		match($0, /at 0x[0-9a-f]+/); known[substr($0, RSTART + 3, RLENGTH - 3)] = 1 }
	/segment\[[0-9]+\]: / {
		m = $0; sub(/.* mem=/, "", m); sub(/ .*/, "", m)
		s = $0; sub(/.* memsz=/, "", s); sub(/ .*/, "", s); seg[m] = s }
	END { for (m in seg) if (!(m in known)) print seg[m] }' /tmp/dmesg-d.log)
	_sum=0
	for _h in $_hex; do _sum=$((_sum + _h)); done
	echo $_sum
}

# largest_hole: the largest hole in crash memory ($crash) that the segments
# of the last debug load leave but for the initrd and the key segment
largest_hole() {
	awk '
	/ Loaded .* at 0x[0-9a-f]+/ && !/ initrd / {
		match($0, /at 0x[0-9a-f]+/); known[substr($0, RSTART + 3, RLENGTH - 3)] = 1 }
	/segment\[[0-9]+\]: / {
		m = $0; sub(/.* mem=/, "", m); sub(/ .*/, "", m)
		s = $0; sub(/.* memsz=/, "", s); sub(/ .*/, "", s); seg[m] = s }
	END { for (m in seg) if (m in known) print m, seg[m] }' /tmp/dmesg-d.log |
	while read -r _m _s; do echo $((_m)) $((_m + _s)); done | sort -n | {
		_prev=$((0x${crash%-*})) _max=0
		while read -r _b _e; do
			[ $((_b - _prev)) -le $_max ] || _max=$((_b - _prev))
			[ "$_e" -le "$_prev" ] || _prev=$_e
		done
		_end=$((0x${crash#*-} + 1))
		[ $((_end - _prev)) -le $_max ] || _max=$((_end - _prev))
		echo $_max
	}
}

logon() {	# logon I: a new random 64-byte volume key in logon key $PFX$I
	head -c 64 /dev/urandom | keyctl padd logon "$PFX$1" @u > /dev/null
}
entry() {	# entry I: configfs entry b$I for logon key $PFX$I
	mkdir "$CFG/b$1" && printf %s "$PFX$1" > "$CFG/b$1/description"
}
kdump_id() { keyctl search @u kdump "$PFX$1"; }	# the kdump key of logon key I

# timed_loads SUFFIX N: LOADS timed loads, their figures kexec.load.K$SUFFIX;
# then the segment's size from a debug load
timed_loads() {
	_i=0
	while [ $_i -lt "$LOADS" ]; do
		unload
		if _t=$(tload); then
			bench "kexec.load.$K$1" "$2" "$_t" ms
		else
			load_failed="$load_failed $2:$(tail -1 /tmp/kexec.out)"
		fi
		_i=$((_i + 1))
	done
	unload
	if debug_load; then
		bench "seg.bytes.$K$1" "$2" "$(key_segment)" bytes
		[ "$2" != 1 ] || grep -E 'segment\[|Loaded|dm crypt' /tmp/dmesg-d.log |
			sed 's/^\[[^]]*\] *//; s/^/KKT-SAY   /'
		[ "$2" = 0 ] || [ "$(key_segment)" != 0 ] || seg_missing="$seg_missing $2"
	else
		load_failed="$load_failed $2(-d):$(tail -1 /tmp/kexec.out)"
	fi
	unload
}

# grow N CMD: add keys up to N (logon keys, and CMD I for each new one)
have=0
grow() {
	while [ $have -lt "$1" ]; do
		have=$((have + 1))
		logon $have && $2 $have || return 1
	done
}

# reload_changes SUFFIX N: CHANGES rotations of key 1, each followed by
# kdump-config reload's unload and load, timed together
reload_changes() {
	_c=0 _bad=0
	while [ $_c -lt "$CHANGES" ]; do
		logon 1
		_u=$(elapsed $KEXEC -p -u 2> /dev/null) &&
			_l=$(tload) &&
			bench "change.reload.$K$1" "$2" "$(echo "$_u $_l" | awk '{ printf "%.3f", $1 + $2 }')" ms ||
			_bad=$((_bad + 1))
		_c=$((_c + 1))
	done
	return $_bad
}

stage_first() {
	dmesg -n 1
	mount -t configfs none /sys/kernel/config 2>/dev/null
	load_failed='' seg_missing=''
	logon probe
	if keyctl add kdump "${PFX}probe" "" @u > /dev/null 2>&1; then kdump_type=yes; else kdump_type=no; fi
	keyctl clear @u
	case $K in
	mainline) want=no ;;
	ours) want=yes ;;
	*) want=none ;;
	esac
	check bench-kernel "kkt_bench=$K: $(uname -r), configfs $([ -d $CFG ] && echo yes || echo no), kdump key type $kdump_type, $($KEXEC --version 2>&1)" \
		test -d $CFG -a "$kdump_type" = "$want"
	sleep 1	# the probe's kdump key leaves (garbage collector)

	# The room for the initrd: from a load without keys, the largest hole
	# the other segments leave in crash memory
	unload
	debug_load
	crash=$(awk '/Crash kernel/ { sub(/^ */, ""); print $1; exit }' /proc/iomem)
	room=$(largest_hole)
	unload
	check bench-room "crash kernel $crash, room for the initrd $((room >> 10)) KiB" \
		test "$room" -gt $((16 << 20))

	say "Load times with N configfs keys ($LOADS loads each)"
	for n in $COUNTS; do
		grow "$n" entry || load_failed="$load_failed setup$n"
		timed_loads '' "$n"
		if [ "$n" = 16 ]; then
			say "Change workload: $CHANGES rotations of a volume key, each with kdump-config reload"
			reload_changes '' 16
			rc=$?
			check bench-change "$CHANGES reloads with 16 configfs keys, $rc failed" test $rc = 0
			unload
		fi
	done
	# Mainline's limit: mkdir refuses once there are more than 128
	acc=$(find $CFG -maxdepth 1 -name 'b*' | wc -l)
	i=$have
	while [ "$i" -lt 130 ]; do
		i=$((i + 1))
		logon $i
		entry $i 2> /dev/null && acc=$((acc + 1))
	done
	bench "configfs.accepted.$K" 130 "$acc" keys
	if [ "$acc" -gt 128 ]; then
		if _t=$(tload); then
			bench "kexec.load.$K" "$acc" "$_t" ms
			lim="a load with $acc keys succeeded"
		else
			lim="a load with $acc keys failed: $(tail -1 /tmp/kexec.out)"
		fi
		unload
	else
		lim="no load beyond 128"
	fi
	check bench-configfs-limit "configfs accepted $acc entries of 130; $lim" test "$acc" -ge 128
	check bench-load "every load with N configfs keys succeeded${load_failed:+; failed:$load_failed}" \
		test -z "$load_failed"
	check bench-segment "a key segment in every debug load with keys${seg_missing:+; none with N =$seg_missing}" \
		test -z "$seg_missing"
	for e in "$CFG"/b*; do rmdir "$e"; done

	say "Placement: one configfs key, an initrd filling most of the room, $TRIES loads per fill level"
	entry 1
	placement_bad=''
	for fill in $FILLS; do
		pages=$((room * fill / 100 / 4096))
		rm -f /tmp/pad
		dd if=/dev/zero of=/tmp/pad bs=4096 count=0 seek=$pages 2> /dev/null
		ok=0 loaded=0 t=0
		while [ $t -lt "$TRIES" ]; do
			unload
			INITRD=/tmp/pad
			if debug_load; then
				loaded=$((loaded + 1))
				[ "$(key_segment)" = 0 ] || ok=$((ok + 1))
			fi
			INITRD=/boot/capture.cpio
			t=$((t + 1))
		done
		unload
		say "  fill $fill %: initrd $((pages * 4)) KiB, $(((room >> 10) - pages * 4)) KiB left, $loaded of $TRIES loads succeeded, $ok with the key"
		bench "placement.ok.$K" "$fill" $((ok * 100 / TRIES)) %
		bench "placement.loaded.$K" "$fill" $((loaded * 100 / TRIES)) %
		[ "$ok" -gt 0 ] || placement_bad="$placement_bad $fill"
	done
	rm -f /tmp/pad
	rmdir "$CFG/b1"
	# A figure, not a verdict: scripts/bench-mainline.sh wants every level's
	[ -z "$placement_bad" ] || say "  no load with the key at fill levels$placement_bad %"

	if [ "$K" = ours ]; then
		keyctl clear @u
		sleep 1
		have=0 load_failed='' seg_missing=''
		say "Load times with N kdump keys ($LOADS loads each)"
		for n in $COUNTS; do
			grow "$n" kdump_add || load_failed="$load_failed setup$n"
			timed_loads .kdump "$n"
			[ "$n" = 16 ] || continue
			say "Change workload: $CHANGES rotations of a volume key, each a keyctl update of its kdump key"
			id=$(kdump_id 1)
			load
			c=0 bad=0
			while [ $c -lt "$CHANGES" ]; do
				logon 1
				if t=$(elapsed keyctl update "$id" "" 2> /dev/null); then
					bench change.update.ours 16 "$t" ms
				else
					bad=$((bad + 1))
				fi
				logon 1
				if t=$(elapsed -u "$id"); then
					bench change.update.ours.syscall 16 "$t" ms
				else
					bad=$((bad + 1))
				fi
				c=$((c + 1))
			done
			st=$(awk -v d="$PFX""1:" '$8 == "kdump" && $9 == d { print $NF }' /proc/keys)
			check bench-change-kdump "$CHANGES updates of kdump key $id without a reload, $bad failed, state $st" \
				test "$bad" = 0 -a "$st" = loaded
			unload
		done
		check bench-load-kdump "every load with N kdump keys succeeded${load_failed:+; failed:$load_failed}" \
			test -z "$load_failed"
		check bench-segment-kdump "a key segment in every debug load with kdump keys${seg_missing:+; none with N =$seg_missing}" \
			test -z "$seg_missing"
	fi

	klog
	splats=$(grep -E 'BUG:|WARNING:|Oops|Call Trace|Kernel panic' /tmp/kernel.log)
	[ -z "$splats" ] || printf '%s\n' "$splats"	# for the host's splat scan
	dmesg -n 5
	check bench-no-splat "no splat in the $(wc -l < /tmp/kernel.log) kernel messages of the bench" \
		test -z "$splats"
}

kdump_add() { keyctl add kdump "$PFX$1" "" @u > /dev/null; }
