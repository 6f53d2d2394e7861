#!/bin/bash
# make bench: measure the kdump key type against the passphrase path and
# against mainline's CRASH_DM_CRYPT, on this machine, in one run:
#   mem       scripts/bench-mem.sh: the smallest crashkernel= per dump target
#   times     scripts/bench-mem.sh times: unlock, restore and dump times
#   keys      scripts/bench-keys.sh: key operations, kexec_file_load with N keys
#   mainline  scripts/bench-mainline.sh: stock 7.3's configfs against ours on 7.3
#   d13       scripts/bench-mem.sh d13-key d13-pass d13-plain: the smallest
#             crashkernel= on the Debian 13 system (kdump-tools' capture initrd)
# Every part prints samples (METRIC N VALUE UNIT) into build/bench/PART.tsv;
# scripts/bench-report.py makes the medians (min, max) of every part's
# samples into build/bench/table.md and summary.tsv, and bench/plot.gp
# the PNGs.  Nothing is pass/fail: the exit status is 1 only when a
# measurement could not be taken.  BENCH_RUNS (default 3) runs of
# everything; BENCH_PARTS (default all five) measures only those, and the
# report takes the other parts' samples from their last run (it says so).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
base_612_only
HINT="make bench could not run: see the messages above"

DIR=$BUILD/bench
PARTS=${BENCH_PARTS:-mem times keys mainline d13}
"$TOP/scripts/deps.sh"
"$TOP/scripts/deps.sh" gnuplot-nox
mkdir -p "$DIR" && rm -rf "$DIR/data" "$DIR"/*.png
"$TOP/scripts/kernel.sh" > /dev/null
"$TOP/scripts/selftests.sh"
"$TOP/scripts/initramfs.sh" > /dev/null

printf '%s, %s cores, %s GiB; QEMU %s with TCG (no KVM); Debian %s; %s\n' \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "$(nproc)" \
	"$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
	"$(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p')" \
	"$(cat /etc/debian_version)" "$(date -u '+%Y-%m-%d %H:%M UTC')" > "$DIR/machine.txt"

failed=()
for part in $PARTS; do
	case $part in
	mem|keys|mainline) cmd=("$TOP/scripts/bench-$part.sh") ;;
	times) cmd=("$TOP/scripts/bench-mem.sh" times) ;;
	d13) cmd=("$TOP/scripts/bench-mem.sh" d13-key d13-pass d13-plain) ;;
	*) die "BENCH_PARTS: no part '$part' (mem times keys mainline d13)" ;;
	esac
	log "bench: $part"
	timed "bench $part" "${cmd[@]}" > "$DIR/$part.tsv" || failed+=("$part")
done
: > "$DIR/samples.tsv"
for part in mem times keys mainline d13; do
	[ -s "$DIR/$part.tsv" ] || continue
	[[ " $PARTS " == *" $part "* ]] ||
		log "bench: $part: samples of an earlier run ($(date -r "$DIR/$part.tsv" '+%F %R'))"
	sed "s/^/$part\t/" "$DIR/$part.tsv" >> "$DIR/samples.tsv"
done
python3 "$TOP/scripts/bench-report.py" "$DIR"
gnuplot -e "dir='$DIR'" "$TOP/bench/plot.gp"
cat "$DIR/table.md"
log "bench: $DIR/table.md, $DIR/summary.tsv, $(cd "$DIR" && echo ./*.png)"
[ ${#failed[@]} -eq 0 ] || { log "bench: no measurement from: ${failed[*]}"; exit 1; }
