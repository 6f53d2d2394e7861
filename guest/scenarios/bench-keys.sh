# shellcheck shell=sh
# make bench, key operations (scripts/bench-keys.sh): the latency of
# add_key, KEYCTL_UPDATE and KEYCTL_REVOKE of kdump keys, with and without
# a capture kernel loaded, against add_key of a logon key; the time of
# kexec -s -p with 0 to 256 kdump keys; the size of the key segment in
# crash memory.  Every figure is a line "KKT-BENCH <metric> <n> <value>
# <unit>" (from kkt-keyops, bench/keyops.c); a result per measurement says
# whether it was taken.  No crash: the boot ends after the first stage.

# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="bench-keys-unloaded bench-keys-loaded bench-keys-kexec-load
	bench-keys-segment"

KEYOPS=/usr/bin/kkt-keyops
NS="1 16 64 256"

# ops_unloaded: the operations on 1 to 256 keys, no capture kernel loaded
ops_unloaded() {
	for n in $NS; do
		$KEYOPS ops "$n" unloaded || return 1
	done
}

# reserve_and_load N: N kdump keys, then a load, which sizes each slot of
# the key segment for them plus 16 KiB (about 127 more LUKS2 keys): the
# room the N keys measured next will need once these are revoked.  Fails
# unless all N show "loaded": the capture kernel took the keys.
reserve_and_load() {
	$KEYOPS reserve "$1" && load_capture capture || return 1
	loaded=$(grep -c ' kdump .* loaded$' /proc/keys)
	[ "$loaded" = "$1" ] && return 0
	echo "kkt-keyops: $loaded of $1 kdump keys loaded after kexec -s -p" >&2
	return 1
}

# ops_loaded: the same with a capture kernel loaded, one load per N; each
# kdump key change then rewrites crash memory inside the syscall
ops_loaded() {
	for n in $NS; do
		reserve_and_load "$n" && $KEYOPS clear &&
			$KEYOPS ops "$n" loaded && kexec -p -u || return 1
	done
}

# kexec_loads: kexec -s -p (what load_capture runs) timed with 0 to 256
# kdump keys present, unloaded in between; with the same keys, the size of
# the key segment a load adds, read from KEXEC_FILE_DEBUG's log
kexec_loads() {
	for k in 0 $NS; do
		$KEYOPS reserve "$k" &&
			$KEYOPS time kexec.load.ours "$k" kexec -s -p "$KIMAGE" \
				--initrd=/boot/capture.cpio \
				--append="$(capture_cmdline capture)" &&
			kexec -p -u || return 1
		seg=$($KEYOPS segsize "$KIMAGE" /boot/capture.cpio) || return 1
		echo "$k $seg" >> /tmp/segsize
		$KEYOPS clear || return 1
	done
}

# segment_figures: from /tmp/segsize ("<keys> <bytes>" lines), the whole
# segment for each count, and what each key adds to the segment of no key
# (both slots: every key is in crash memory twice, its copy in the spare
# slot holding room for the next rewrite)
segment_figures() {
	awk '$1 == 0 { base = $2 }
	{ printf "KKT-BENCH seg.bytes.ours %d %d bytes\n", $1, $2 }
	$1 > 0 && base { printf "KKT-BENCH seg.bytes_per_key.ours %d %.1f bytes\n", $1, ($2 - base) / $1 }' /tmp/segsize
	[ "$(grep -c . /tmp/segsize)" = 5 ] && grep -q '^0 [1-9]' /tmp/segsize
}

# measure NAME DETAIL FUNCTION: run it, its complaints in the result
measure() {
	if "$3" 2> /tmp/err; then
		result "$1" pass "$2"
	else
		cat /tmp/err
		result "$1" fail "$2: $(tail -n 1 /tmp/err)"
	fi
	$KEYOPS clear 2> /dev/null
	kexec -p -u 2> /dev/null
}

stage_first() {
	say "Key operations on 1, 16, 64 and 256 kdump keys, $(nproc) CPUs, $(grep MemTotal /proc/meminfo | tr -s ' ')"
	if [ ! -x $KEYOPS ]; then
		for r in $EXPECT_first; do
			result "$r" fail "no $KEYOPS in the initramfs"
		done
		return
	fi
	measure bench-keys-unloaded "add, update, revoke without a capture kernel" \
		ops_unloaded
	measure bench-keys-loaded "add, update, revoke with a capture kernel loaded" \
		ops_loaded
	rm -f /tmp/segsize
	measure bench-keys-kexec-load "kexec -s -p with 0 to 256 kdump keys" \
		kexec_loads
	measure bench-keys-segment "key segment sizes from KEXEC_FILE_DEBUG" \
		segment_figures
}
