#!/bin/bash
# The Debian 13 boots of make check (and make demo with KKT_SHOW=1):
#   1. d13-first: first boot (root unlocked by cryptroot with the test key
#      file, kdump-tools loads with the keys; the bad cases that need no
#      crash: kdump-tools set to kexec_load, a key not linked, KDUMP_LUKS=0),
#      crash; kdump-tools' capture kernel opens the root with the
#      handed-over key and dumps.
#   2. d13-verify: the next boot finds the dump; the admin guide's remove
#      and install with dpkg in the running guest; a capture kernel without
#      the key type gets no key; crash; the capture kernel falls back to
#      cryptroot's passphrase prompt and reboots at kdump-luks' timeout.
#   3. The comparison (KKT_D13_COMPARE=0 leaves it out): the same system
#      without kdump-luks (its own image), crashed twice: d13-plain at
#      Debian's default crashkernel, where the passphrase path (the key
#      file through passdev, as if typed) cannot open the root, and
#      d13-plain-fits at a reservation where Argon2 fits and it dumps.
# Prints KKT-RESULT lines and the time of each step.  Exit 2 on a harness
# error.
. "$(dirname "$0")/lib.sh"

PASSPHRASE=${KKT_PASSPHRASE:-kdump-demo-passphrase}
# Debian's default (kdump-tools' /etc/default/grub.d/kdump-tools.cfg):
# crashkernel=512M-:192M, i.e. 192M for this 2 GiB guest.  The guest has
# no GRUB: the harness passes it on QEMU's command line.
CRASHKERNEL=${KKT_D13_CRASHKERNEL:-192M}
# The smallest reservation, in steps of 64M, at which the capture kernel
# of the system without kdump-luks opened the 1 GiB Argon2id keyslot here
# (at 1088M the OOM killer killed cryptsetup)
ARGON2_CRASHKERNEL=${KKT_D13_ARGON2_CRASHKERNEL:-1152M}
export QEMU_MEM=2048
RUN=$BUILD/debian13/run
mkdir -p "$RUN" "$LOGS"
status=0
d13_start=$(date +%s)

TIMED_AS="Debian 13"
d13_boot() {	# d13_boot VARIANT NAME TIMEOUT ARGS
	local v=$1 name=$2 t=$3 args=$4 img=$BUILD/debian13/$1
	QEMU_KERNEL=$img/vmlinuz QEMU_INITRD=$img/initrd.img \
	QEMU_CRASHKERNEL=${CK:-$CRASHKERNEL} QEMU_TIMEOUT=$t \
		timed "boot $name" "$TOP/scripts/qemu.sh" "$name" \
		"root=/dev/mapper/root kunit.enable=0 $args" \
		"$RUN/$v-root.img" "$img/key.img" "$RUN/test.img" || [ $? -ne 2 ] || status=2
}
result() { echo "KKT-RESULT $1 $2 ${*:3}"; }
logcheck() {	# logcheck NAME TEXT DETAIL PATTERN: pass if the text has it
	if grep -aqE "$4" <<< "$2"; then result "$1" pass "$3"; else result "$1" fail "$3"; fi
}

# The package and the guest's scripts are shellcheck-clean
lint=$LOGS/d13-shellcheck.txt
pkg=$TOP/dist/debian/kdump-luks
if (cd "$TOP" && shellcheck -f gcc -s sh "$pkg"/debian/kdump-luks.p* "$pkg"/usr/sbin/kdump-luks \
	"$pkg"/usr/share/kdump-luks/cryptsetup-wrapper \
	"$pkg"/usr/share/initramfs-tools/hooks/* "$pkg"/usr/share/initramfs-tools/scripts/*/* &&
	shellcheck -f gcc guest/debian13/kkt-test) > "$lint" 2>&1; then
	result d13-shellcheck pass "dist/debian and guest/debian13 clean"
else
	result d13-shellcheck fail "$(wc -l < "$lint") finding(s) in $lint, first: $(head -1 "$lint")"
fi

# KKT_D13_COMPARE=0 leaves out the image and boots without kdump-luks
VARIANTS="kdump-luks plain"
[ "${KKT_D13_COMPARE:-1}" = 1 ] || VARIANTS=kdump-luks
timed "root file system" "$TOP/scripts/debian13-rootfs.sh" >/dev/null || exit 2
deb=$(timed "make deb" "$TOP/scripts/deb.sh") || exit 2
for v in $VARIANTS; do
	timed "image $v" "$TOP/scripts/debian13-image.sh" "$v" >/dev/null || exit 2
done

# No passphrase and no key file in kdump-tools' capture initrd (nor in
# the normal one: the passphrase is on the second disk only)
# shellcheck disable=SC2317 # called through timed
search_initrds() {
	local v f x
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
}
timed "initrd search" search_initrds

# The test disk (/dev/vdc in the guest): the test driver, the package for
# the guest's dpkg, and a capture kernel without the key type
make_test_disk() {
	rm -rf "$RUN/test" "$RUN/test.img" && mkdir -p "$RUN/test"
	install -m 755 "$TOP/guest/debian13/kkt-test" "$RUN/test/kkt-test"
	cp "$deb" "$RUN/test/"
	"$TOP/scripts/nokeys-image.py" "$BUILD/debian13/kdump-luks/vmlinuz" "$RUN/test/bzImage-nokeys"
	mke2fs -q -t ext2 -L kkttest -d "$RUN/test" "$RUN/test.img" 64M
	rm -rf "$RUN/test"
}
make_test_disk

# 1. First boot, crash, the capture kernel dumps with the handed-over key
cp "$BUILD/debian13/kdump-luks/root.img" "$RUN/kdump-luks-root.img"
d13_boot kdump-luks d13-first 900 "kkt_stage=first"
capture=$(capture_of d13-first)
judge_capture d13 "$capture"

# 2. The next boot: the dump, the admin guide, a capture kernel without
# the key type; crash; the capture kernel must fall back and end
d13_boot kdump-luks d13-verify 1800 "kkt_stage=verify"
capture=$(capture_of d13-verify)
logcheck d13-fallback-no-key "$capture" "capture kernel without the key type: kdump-luks names the volume left without a key" \
	'kdump-luks: root \(.*\): no volume key from the crashed kernel, falling back to the passphrase'
logcheck d13-fallback-prompt "$capture" "the capture kernel fell back to cryptroot's passphrase prompt" \
	'Please unlock disk root'
logcheck d13-fallback-timeout "$capture" "the prompt timed out: kdump-luks rebooted the capture kernel" \
	'kdump-luks: timeout: root still locked after [0-9]+s, rebooting without a dump'
# The boot ended by itself (the watchdog's reboot), not by the harness's
# timeout, and wrote no dump
if grep -aq 'saved vmcore in' <<< "$capture"; then
	result d13-fallback-no-hang fail "a dump was written without the key"
elif grep -aq 'reboot: Restarting system' <<< "$capture"; then
	result d13-fallback-no-hang pass "no dump, the capture kernel rebooted by itself"
else
	result d13-fallback-no-hang fail "the capture kernel did not reboot by itself"
fi
echo "KKT-SAY boot times: $(grep -ah 'KKT-RESULT d13-[a-z-]*-boot ' "$LOGS"/d13-first.log "$LOGS"/d13-verify.log | cut -d' ' -f4- | paste -sd ';' -)" >&2

# 3. The same system without kdump-luks: the passphrase path, at Debian's
# default reservation and at one where Argon2 fits.  At the default, the
# capture kernel is expected to fail: judged from the console log, a
# timeout there is a finding, not a harness error.
what_failed() {	# what the capture kernel printed on its way to failing
	grep -aoE 'not enough memory for the allocation|Out of memory: Killed process [0-9]+ \([a-z]+\)|Not enough available memory[^.]*|cryptsetup failed, bad password or options|maximum number of tries exceeded|Dropping to a shell|Rebooting automatically' <<< "$1" |
		sed 's/[0-9]\+ (/(/' | awk '!seen[$0]++' | paste -sd ';' -
}
if [ "$VARIANTS" != kdump-luks ]; then
	cp "$BUILD/debian13/plain/root.img" "$RUN/plain-root.img"
	# Its capture kernel runs out of memory, as measured: no splat result
	# (the first kernel is d13-first's), and a timeout is no harness error
	# but no evidence either: the failure must show in the log
	out=$(d13_boot plain d13-plain 600 "kkt_stage=first rootdelay=30" || true)
	grep -vE '^KKT-RESULT d13-plain-(no-splat |harness fail [0-9]+ result\(s\) declared, [0-9]+ arrived well-formed; timeout after [0-9]+s$)' <<< "$out" || true
	capture=$(capture_of d13-plain)
	default_what=$(what_failed "$capture")
	oom=$(grep -aoE 'not enough memory for the allocation|Out of memory: Killed process [0-9]+ \(cryptsetup\)|Not enough available memory' <<< "$capture" | head -1)
	if ! grep -aq 'Linux version' <<< "$capture"; then
		result d13-plain-capture-fails fail "without kdump-luks, crashkernel=$CRASHKERNEL: no capture kernel booted, nothing compared"
	elif grep -aq 'saved vmcore in' <<< "$capture"; then
		result d13-plain-capture-fails fail "without kdump-luks the capture kernel dumped at crashkernel=$CRASHKERNEL (expected it to fail)"
	elif grep -q '^KKT-RESULT d13-plain-harness fail .*; timeout after' <<< "$out"; then
		result d13-plain-capture-fails fail "without kdump-luks, crashkernel=$CRASHKERNEL: the boot ended only at the harness's timeout (${default_what:-nothing failed in the log}): a hang is no evidence of the failure"
	elif [ -z "$oom" ] || ! grep -aq 'Dropping to a shell' <<< "$capture"; then
		result d13-plain-capture-fails fail "without kdump-luks, crashkernel=$CRASHKERNEL: no dump, but not for want of memory: ${default_what:-no out-of-memory line, no drop to a shell}, see $LOGS/d13-plain.log"
	else
		result d13-plain-capture-fails pass "without kdump-luks, crashkernel=$CRASHKERNEL: cryptsetup out of memory, dropped to a shell, no dump (${default_what})"
	fi
	# The running system keeps the memory it has in the other boots
	cp "$BUILD/debian13/plain/root.img" "$RUN/plain-root.img"
	CK=$ARGON2_CRASHKERNEL QEMU_MEM=$((QEMU_MEM + ${ARGON2_CRASHKERNEL%M} - ${CRASHKERNEL%M})) \
		d13_boot plain d13-plain-fits 900 \
		"kkt_stage=first kkt_run=plain-fits rootdelay=30"
	capture=$(capture_of d13-plain-fits)
	logcheck d13-plain-fits-saved "$capture" "without kdump-luks, crashkernel=$ARGON2_CRASHKERNEL: the passphrase path opened the root and dumped" \
		'saved vmcore in /var/crash'
	log "Debian 13, measured: with kdump-luks, crashkernel=$CRASHKERNEL (Debian's default for 2 GiB): $(grep -aq 'saved vmcore in' <<< "$(capture_of d13-first)" && echo a dump || echo NO dump).  Without it (the passphrase path): crashkernel=$CRASHKERNEL: no dump (${default_what:-see $LOGS/d13-plain.log}); crashkernel=$ARGON2_CRASHKERNEL: $(grep -aq 'saved vmcore in' <<< "$capture" && echo a dump || echo NO dump), $(( ${ARGON2_CRASHKERNEL%M} - ${CRASHKERNEL%M} ))M more taken from the running system"
fi
# The test passphrase in no console log of these boots
if grep -laF "$PASSPHRASE" "$LOGS"/d13-*.log; then
	result d13-no-passphrase-in-logs fail "the passphrase is in a console log"
else
	result d13-no-passphrase-in-logs pass "the passphrase is in no console log ($(find "$LOGS" -name "d13-*.log" | wc -l) logs)"
fi
log "Debian 13: $(( $(date +%s) - d13_start ))s in all"
exit $status
