#!/bin/bash
# make bench, memory and time on the lab initramfs (guest/scenarios/bench-mem.sh):
#   - the smallest crashkernel= (8M steps) at which the capture kernel
#     writes the dump, for an unencrypted disk (plain), a LUKS2 disk opened
#     with the handed-over key (key) and the same disk opened with its
#     passphrase, Argon2id with 1 GiB (pass);
#   - capture kernel start to dump disk open, key against pass, both at
#     1536M; the restore's initcall times for 1, 16 and 256 keys; the dump.
# Each run of a mode finds the edge with binary search from a bracket that
# it checks first: the size that works and 8M less, which must not.  The
# first run starts from START (edges measured here before); when either
# end disagrees, the bracket moves in doubling steps until it holds, so a
# wrong start costs probes, never the result.  The later runs start from
# the first run's edge.
# The modes d13-plain, d13-key and d13-pass search the same on the Debian
# 13 system of scripts/debian13.sh (its images: unencrypted, kdump-luks
# and plain): our test kernel, systemd, kdump-tools with its own capture
# initrd, which opens the root (the dump target, /var/crash) with the
# handed-over key through kdump-luks, or with the passphrase through
# cryptroot and passdev.  A crash cycle there takes minutes, not seconds.
# Prints one sample a line, tab-separated: METRIC N VALUE UNIT.
#   bench-mem.sh [MODE...]   the searches (default: plain key pass)
#   bench-mem.sh times       the timings
# BENCH_RUNS (default 3) runs of each.  Boots log to build/logs/bench-*.log.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
base_612_only
HINT="a memory measurement could not be taken: see the boot logs in $LOGS"

RUNS=${BENCH_RUNS:-3}
PASSPHRASE=kdump-demo-passphrase
DIR=$BUILD/bench
STEP=8 MAX=2048
declare -A START=([plain]=80 [key]=80 [pass]=1112
		 [d13-plain]=104 [d13-key]=104 [d13-pass]=1128)
mkdir -p "$DIR" "$LOGS"

# The dump disks: the LUKS2 disk of make check (disks.sh: Argon2id, 1 GiB,
# 4 iterations), its volume key read here once, and a plain ext4 disk
prepare() {
	local pristine=$BUILD/disks/pristine1.img
	"$TOP/scripts/disks.sh" > /dev/null
	if [ ! -s "$DIR/vk.img" ] || [ "$pristine" -nt "$DIR/vk.img" ]; then
		cp --sparse=always "$pristine" "$DIR/luks.img"
		printf %s "$PASSPHRASE" | cryptsetup luksDump --batch-mode --key-file - \
			--dump-volume-key --volume-key-file "$DIR/vk.tmp" "$DIR/luks.img" > /dev/null
		truncate -s 1M "$DIR/vk.tmp" && mv "$DIR/vk.tmp" "$DIR/vk.img"
	fi
	if [ ! -s "$DIR/plain.img" ]; then
		truncate -s 512M "$DIR/plain.tmp"
		mke2fs -q -F -t ext4 "$DIR/plain.tmp" && mv "$DIR/plain.tmp" "$DIR/plain.img"
	fi
}

# boot MODE SIZE NKEYS: one crash cycle at crashkernel=SIZE M; its samples
# on stdout; exit 0 when the capture kernel wrote the dump.  The first
# kernel has 1 GiB besides the reservation, whatever its size, so that
# every dump is of the same 1 GiB; nokaslr, else the kernel image, placed
# at random, can split that memory so that no range of SIZE is left to
# reserve (a failed reservation is the harness's error, not a result)
boot() {
	local mode=$1 size=$2 nkeys=$3 name disks log
	name=bench-mem-$mode-${size}M-$nkeys
	log=$LOGS/$name.log
	disks=("$DIR/luks.img" "$DIR/vk.img")
	[ "$mode" = plain ] && disks=("$DIR/plain.img")
	QEMU_MEM=$((size + 1024)) QEMU_CRASHKERNEL=${size}M QEMU_TIMEOUT=300 "$TOP/scripts/qemu.sh" "$name" \
		"nokaslr kunit.enable=0 kkt_scenario=bench-mem kkt_mode=$mode kkt_nkeys=$nkeys kkt_pass=$PASSPHRASE" \
		"${disks[@]}" > /dev/null 2>&1 || true
	grep -aq '^crashkernel reserved: ' "$log" || die "$name: no crashkernel=${size}M reservation (see $log)"
	sed -n 's/^KKT-BENCH \([^ ]*\) \([^ ]*\) \([^ ]*\) \([^ ]*\)$/\1\t\2\t\3\t\4/p' "$log"
	grep -aq '^KKT-RESULT bench-mem-dump pass' "$log"
}

# The Debian 13 images and a test disk with the guest's test driver
prepare_d13() {
	local v
	for v in unencrypted kdump-luks plain; do
		"$TOP/scripts/debian13-image.sh" "$v" > /dev/null
	done
	# A new file, renamed into place: a search of another mode may be
	# booting from the old one
	rm -rf "$DIR/d13-test.$$" && mkdir -p "$DIR/d13-test.$$"
	install -m 755 "$TOP/guest/debian13/kkt-test" "$DIR/d13-test.$$/kkt-test"
	mke2fs -q -t ext2 -L kkttest -d "$DIR/d13-test.$$" "$DIR/d13-test.$$.img" 16M > /dev/null
	mv "$DIR/d13-test.$$.img" "$DIR/d13-test.img"
	rm -rf "$DIR/d13-test.$$"
}

# boot_d13 MODE SIZE: one crash cycle of the Debian 13 system at
# crashkernel=SIZE M, on a copy of its root; exit 0 when kdump-tools'
# capture kernel saved the dump (in d13-key mode: after kdump-luks opened
# the root with the handed-over key, not with the passphrase).  The first
# kernel has 2 GiB besides the reservation (its own boot opens the root
# with Argon2, 1 GiB); nokaslr, as above.  A capture kernel too small to
# start prints nothing until the boot's timeout: one silent for SILENT
# seconds after the crash is stopped and counts as no dump.
SILENT=300
boot_d13() {
	local mode=$1 size=$2 v root=/dev/mapper/root name log img capture pid
	case $mode in
	d13-plain) v=unencrypted root=/dev/vda ;;
	d13-key) v=kdump-luks ;;
	d13-pass) v=plain ;;
	esac
	img=$BUILD/debian13/$v name=bench-$mode-${size}M log=$LOGS/bench-$mode-${size}M.log
	# Copies of their own: QEMU locks its disks, and two modes may run
	cp --sparse=always "$img/root.img" "$DIR/$mode-root.img"
	cp "$DIR/d13-test.img" "$DIR/$mode-test.img"
	QEMU_MEM=$((size + 2048)) QEMU_CRASHKERNEL=${size}M QEMU_TIMEOUT=900 \
	QEMU_KERNEL=$img/vmlinuz QEMU_INITRD=$img/initrd.img "$TOP/scripts/qemu.sh" "$name" \
		"root=$root nokaslr kunit.enable=0 rootdelay=30 kkt_stage=bench" \
		"$DIR/$mode-root.img" "$img/key.img" "$DIR/$mode-test.img" > /dev/null 2>&1 &
	pid=$!
	while kill -0 "$pid" 2> /dev/null; do
		sleep 10
		if grep -aq '^KKT-CRASH-TRIGGER' "$log" 2> /dev/null &&
		   (( $(date +%s) - $(stat -c %Y "$log") >= SILENT )); then
			log "bench: $name: the capture kernel silent for ${SILENT}s, stopped"
			pkill -f -- "-drive file=$DIR/$mode-root.img" || true
		fi
	done
	wait "$pid" || true
	rm -f "$DIR/$mode-root.img" "$DIR/$mode-test.img"
	grep -aq '^crashkernel reserved: ' "$log" || die "$name: no crashkernel=${size}M reservation (see $log)"
	grep -aq "^KKT-RESULT d13-$v-bench-boot pass" "$log" || die "$name: the first kernel did not boot (see $log)"
	capture=$(capture_of "$name")
	[ "$mode" != d13-key ] ||
		grep -aq 'kdump-luks: root (.*): opened with the volume key handed over' <<< "$capture" || return 1
	grep -aq 'saved vmcore in /var/crash' <<< "$capture"
}

# works MODE SIZE: does the dump get written at crashkernel=SIZE M?
works() {
	local ok=no
	case $1 in
	d13-*) boot_d13 "$1" "$2" && ok=yes ;;
	*) boot "$1" "$2" 1 > /dev/null && ok=yes ;;
	esac
	log "bench: $1 at crashkernel=$2M: $ok"
	[ $ok = yes ]
}

# edge MODE START: the smallest size in STEP steps that works
edge() {
	local mode=$1 hi=$2 lo=$(($2 - STEP)) gap=$STEP mid moved=no
	until works "$mode" "$hi"; do	# the bracket moves up
		lo=$hi hi=$((hi + gap)) gap=$((gap * 2)) moved=yes
		(( hi <= MAX )) || die "$mode: no dump even at crashkernel=${MAX}M"
	done
	gap=$STEP
	# or down; after a move up, lo has just failed
	while [ $moved = no ] && (( lo > 0 )) && works "$mode" "$lo"; do
		hi=$lo lo=$((lo - gap)) gap=$((gap * 2))
		(( lo >= 0 )) || lo=0
	done
	while (( hi - lo > STEP )); do
		mid=$(( (lo + hi) / 2 / STEP * STEP ))
		if works "$mode" "$mid"; then hi=$mid; else lo=$mid; fi
	done
	echo "$hi"
}

# timings MODE SIZE NKEYS: RUNS crash cycles, every sample printed
timings() {
	local run
	for run in $(seq "$RUNS"); do
		boot "$1" "$2" "$3" || die "$1 at crashkernel=$2M with $3 key(s): no dump (run $run)"
	done
}

prepare
if [ "${1:-}" = times ]; then
	timings key 1536 1
	timings pass 1536 1
	for n in 16 256; do
		timings key 256 "$n"
	done
	exit 0
fi
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(plain key pass)
[[ " ${modes[*]}" != *" d13-"* ]] || prepare_d13
for mode in "${modes[@]}"; do
	[ -n "${START[$mode]:-}" ] || die "no mode '$mode' (plain key pass d13-plain d13-key d13-pass)"
	guess=${START[$mode]}
	for run in $(seq "$RUNS"); do
		size=$(edge "$mode" "$guess")
		log "bench: $mode, run $run: smallest crashkernel= that works: ${size}M"
		# d13-MODE: the d13 part's figure crashkernel.MODE
		printf 'crashkernel.%s\t-\t%s\tMiB\n' "${mode#d13-}" "$size"
		guess=$size
	done
done
