#!/bin/bash
# The Debian 13 boots of make check (and make demo with KKT_SHOW=1):
#   1. kdump-luks: first boot (root unlocked by cryptroot with the test key
#      file, kdump-tools loads with the keys; a kdump-tools set to kexec_load
#      is refused), crash, kdump-tools' capture kernel opens the root with
#      the handed-over key and dumps; next boot finds the dump.
#   2. plain: the same system without kdump-luks, the passphrase path, for
#      comparison, at Debian's default crashkernel.
# Prints KKT-RESULT lines.  Exit 2 on a harness error.
. "$(dirname "$0")/lib.sh"

PASSPHRASE=${KKT_PASSPHRASE:-kdump-demo-passphrase}
# Debian's default (kdump-tools' /etc/default/grub.d/kdump-tools.cfg):
# crashkernel=512M-:192M, i.e. 192M for this 2 GiB guest.  The guest has
# no GRUB: the harness passes it on QEMU's command line.
CRASHKERNEL=${KKT_D13_CRASHKERNEL:-192M}
export QEMU_MEM=2048
RUN=$BUILD/debian13/run
mkdir -p "$RUN" "$LOGS"
status=0

d13_boot() {	# d13_boot VARIANT NAME TIMEOUT ARGS
	local v=$1 name=$2 t=$3 args=$4 img=$BUILD/debian13/$1
	QEMU_KERNEL=$img/vmlinuz QEMU_INITRD=$img/initrd.img \
	QEMU_CRASHKERNEL=$CRASHKERNEL QEMU_TIMEOUT=$t \
		"$TOP/scripts/qemu.sh" "$name" \
		"root=/dev/mapper/root kunit.enable=0 $args" \
		"$RUN/$v-root.img" "$img/key.img" || [ $? -ne 2 ] || status=2
}
result() { echo "KKT-RESULT $1 $2 ${*:3}"; }
logcheck() {	# logcheck NAME LOG DETAIL PATTERN: pass if the log has it
	if grep -aqE "$4" "$2"; then result "$1" pass "$3"; else result "$1" fail "$3"; fi
}

# KKT_D13_COMPARE=0 leaves out the comparison without kdump-luks
VARIANTS="kdump-luks plain"
[ "${KKT_D13_COMPARE:-1}" = 1 ] || VARIANTS=kdump-luks
for v in $VARIANTS; do
	"$TOP/scripts/debian13-image.sh" "$v" >/dev/null || exit 2
done

# No passphrase and no key file in kdump-tools' capture initrd (nor in
# the normal one: the passphrase is on the second disk only)
for v in $VARIANTS; do
	for f in kdump-initrd.img initrd.img; do
		x=$RUN/unpacked-$v-$f
		rm -rf "$x" && mkdir -p "$x"
		{ zstd -dcq "$BUILD/debian13/$v/$f" 2>/dev/null || cat "$BUILD/debian13/$v/$f"; } |
			(cd "$x" && cpio -idm --quiet 2>/dev/null)
		[ -e "$x/init" ] || { result "d13-$v-$f-unpacked" fail "cannot unpack $f"; continue; }
		if grep -rqaF "$PASSPHRASE" "$x" || [ -n "$(find "$x" -name '*.key' -o -name passphrase)" ]; then
			result "d13-$v-$f-no-passphrase" fail "passphrase or key file found in $f"
		else
			result "d13-$v-$f-no-passphrase" pass "$f holds no passphrase and no key file"
		fi
	done
done
x=$RUN/unpacked-kdump-luks-kdump-initrd.img
if [ -x "$x/usr/lib/kdump-luks/cryptsetup" ] && [ -x "$x/scripts/local-top/kdump-luks" ]; then
	result d13-kdump-initrd-has-kdump-luks pass "kdump-tools' initrd has kdump-luks' scripts"
else
	result d13-kdump-initrd-has-kdump-luks fail "kdump-tools' initrd lacks kdump-luks' scripts"
fi
rm -rf "$RUN"/unpacked-*

# 1. With kdump-luks
cp "$BUILD/debian13/kdump-luks/root.img" "$RUN/kdump-luks-root.img"
d13_boot kdump-luks d13-first 900 "kkt_stage=first"
log=$LOGS/d13-first.log
logcheck d13-capture-opened "$log" "capture kernel opened the root with the handed-over key" \
	'kdump-luks: root \(.*\): opened with the volume key handed over'
logcheck d13-capture-restored "$log" "the capture kernel restored the key" \
	'kdump_keys: restored 1 of 1 keys'
if grep -aq 'Please unlock disk\|passdev' <(sed -n '/sysrq: Trigger a crash/,$p' "$log"); then
	result d13-capture-no-passphrase fail "the capture kernel went to the passphrase path"
else
	result d13-capture-no-passphrase pass "the capture kernel never ran passdev or a prompt"
fi
logcheck d13-capture-saved "$log" "kdump-tools' dump service saved the vmcore" \
	'kdump-config: saved vmcore in /var/crash|saved vmcore in /var/crash'
d13_boot kdump-luks d13-verify 600 "kkt_stage=verify"
echo "KKT-SAY boot times: $(grep -ah 'KKT-RESULT d13-[a-z-]*-boot ' "$LOGS"/d13-first.log "$LOGS"/d13-verify.log | cut -d' ' -f4- | paste -sd ';' -)" >&2

[ "${KKT_D13_COMPARE:-1}" = 1 ] || exit $status

# 2. Without kdump-luks, for comparison: the passphrase path
# The capture kernel is expected to fail here: its result is judged from
# the console log, and a timeout is a finding, not a harness error.
cp "$BUILD/debian13/plain/root.img" "$RUN/plain-root.img"
{ d13_boot plain d13-plain 600 "kkt_stage=first rootdelay=30" |
	grep -v '^KKT-RESULT d13-plain-harness '; } || true
log=$LOGS/d13-plain.log
capture=$(sed -n '/sysrq: Trigger a crash/,$p' "$log")
if grep -aq 'saved vmcore in' <<< "$capture"; then
	result d13-plain-capture-fails fail "without kdump-luks the capture kernel dumped at crashkernel=$CRASHKERNEL (expected it to fail)"
else
	what=$(grep -aoE 'not enough memory for the allocation|Out of memory: Killed process [0-9]+ \([a-z]+\)|Not enough available memory[^.]*|cryptsetup failed, bad password or options|maximum number of tries exceeded|Dropping to a shell|Rebooting automatically' <<< "$capture" |
		sed 's/[0-9]\+ (/(/' | awk '!seen[$0]++' | paste -sd ';' -)
	result d13-plain-capture-fails pass "without kdump-luks, crashkernel=$CRASHKERNEL: no dump (${what:-no unlock, see $log})"
fi

exit $status
