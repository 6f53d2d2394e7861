#!/bin/bash
# The packages on a Debian 13 machine (make check; KKT_SHOW=1 streams it):
# make packages (the kernel package, kdump-luks, the signed repository),
# then one QEMU run of the machine of scripts/machine-image.sh, booted from
# its disk through GRUB, rebooting by itself, with the test driver
# guest/machine/kkt-machine: apt install on Debian's kernel, reboot into the
# packaged kernel, crash, the capture kernel (the same packaged kernel and
# kdump-tools' own capture initrd) dumps with the handed-over key, the next
# boot reads the dump, upgrades kdump-luks with apt and purges it.
# Here: lintian, the kernel configuration against Debian's, the machine's
# modules against config/deb/lsmod.txt, and the capture kernel's console.
# Prints KKT-RESULT lines.  Exit 2 on a harness error.
. "$(dirname "$0")/lib.sh"
base_612_only

RUN=$BUILD/machine-run
CRASHKERNEL=512M-:192M	# kdump-tools' GRUB snippet, Debian 13
mkdir -p "$RUN" "$LOGS"
status=0
result() { echo "KKT-RESULT $1 $2 ${*:3}"; }
logcheck() {	# logcheck NAME TEXT DETAIL PATTERN: pass if the text has it
	if grep -aqE "$4" <<< "$2"; then result "$1" pass "$3"; else result "$1" fail "$3"; fi
}
TIMED_AS="machine"

repo=$(timed "make packages" "$TOP/scripts/packages.sh") || exit 2
img=$(timed "machine image" "$TOP/scripts/machine-image.sh") || exit 2
kdeb=$(find "$repo/pool/main" -name 'linux-image-*-kdumpkey_*.deb' | head -1)
release=$(dpkg-deb -f "$kdeb" Package | sed 's/^linux-image-//')
# The two versions of kdump-luks, in dpkg's order
luks_version='' luks_newer=''
for deb in "$repo"/pool/main/kdump-luks_*.deb; do
	v=$(dpkg-deb -f "$deb" Version)
	if [ -z "$luks_version" ] || dpkg --compare-versions "$v" lt "$luks_version"; then
		luks_version=$v
	fi
	if [ -z "$luks_newer" ] || dpkg --compare-versions "$v" gt "$luks_newer"; then
		luks_newer=$v
	fi
done
[ "$luks_version" != "$luks_newer" ] || die "one version of kdump-luks in $repo: the upgrade test needs two"

# lintian on what the repository ships of ours
out=$(lintian --pedantic -I "$repo"/pool/main/kdump-luks_*.deb 2>&1 || true)
printf '%s\n' "$out" | sed 's/^/lintian: /' >&2
if grep -qE '^[EW]: ' <<< "$out"; then
	result pkg-lintian fail "$(grep -cE '^[EW]: ' <<< "$out") error(s)/warning(s): $(grep -m1 -E '^[EW]: ' <<< "$out")"
else
	result pkg-lintian pass "kdump-luks $luks_version and $luks_newer: no error, no warning ($(grep -cE '^[A-Z]: ' <<< "$out") info/pedantic tag(s))"
fi

# The installed kernel's configuration against Debian's.  First the judge
# itself, on the package's configuration broken on purpose: without
# KEYS_KDUMP, and with dm-crypt built in, a change nothing explains; both
# results must fail, the second naming the option.
kdeb_built=$BUILD/kdeb/${kdeb##*/}
broken=$RUN/config-broken
dpkg-deb --fsys-tarfile "$kdeb_built" | tar -xO "./boot/config-$release" |
	sed 's/^CONFIG_KEYS_KDUMP=y$/# CONFIG_KEYS_KDUMP is not set/; s/^CONFIG_DM_CRYPT=m$/CONFIG_DM_CRYPT=y/' > "$broken"
judged=$("$TOP/scripts/config-diff.sh" "$kdeb_built" "$broken" 2> /dev/null) || status=2
if grep -q '^KKT-RESULT pkg-config-keys-kdump fail ' <<< "$judged" &&
   grep -q '^KKT-RESULT pkg-config-explained fail .*\bDM_CRYPT\b' <<< "$judged"; then
	result pkg-config-judge-fails pass "a configuration without KEYS_KDUMP and with DM_CRYPT=y: both results fail, naming DM_CRYPT"
else
	result pkg-config-judge-fails fail "a configuration broken on purpose was judged: $(grep -o 'pkg-config-[a-z-]* [a-z]*' <<< "$judged" | paste -sd ',' -)"
fi
timed "config diff" "$TOP/scripts/config-diff.sh" "$kdeb_built" || status=2

# The test disk (/dev/vdc): driver, repository, what the driver expects
rm -rf "$RUN/test" && mkdir -p "$RUN/test"
install -m 755 "$TOP/guest/machine/kkt-machine" "$RUN/test/"
cp -a "$repo" "$RUN/test/repo"
printf 'RELEASE=%s\nLUKS_VERSION=%s\nLUKS_NEWER=%s\nCRASHKERNEL=%s\n' \
	"$release" "$luks_version" "$luks_newer" "$CRASHKERNEL" > "$RUN/test/env"
rm -f "$RUN/test.img"
mke2fs -q -t ext2 -L kkttest -d "$RUN/test" "$RUN/test.img" 256M >&2
rm -rf "$RUN/test"
cp --sparse=always "$img/disk.img" "$RUN/disk.img"

QEMU_DISK_BOOT=1 QEMU_TIMEOUT=${KKT_MACHINE_TIMEOUT:-2400} \
	timed "the machine's boots" "$TOP/scripts/qemu.sh" pkg-machine "" \
	"$RUN/disk.img" "$img/key.img" "$RUN/test.img" || [ $? -ne 2 ] || status=2

# The capture kernel: from the crash trigger to the next GRUB
capture=$(awk '/KKT-CRASH-TRIG/ { on = 1 } on { print } on && /GNU GRUB/ { exit }' "$LOGS/pkg-machine.log")
logcheck pkg-capture-kernel "$capture" "the capture kernel is the packaged one ($release)" \
	"Linux version $release "
judge_capture pkg "$capture"
# The machine's modules: all in the list the package was trimmed with,
# printed by the driver on Debian's kernel
lsmods=$(sed -n 's/^KKT-LSMOD \([^ ]*\) .*/\1/p' "$LOGS/pkg-machine.log" | grep -v '^Module$' | sort -u)
unlisted=$(comm -23 <(printf '%s\n' "$lsmods") <(awk 'NR > 1 { print $1 }' "$TOP/config/deb/lsmod.txt" | sort -u) | paste -sd ' ' -)
if [ -z "$lsmods" ]; then
	result pkg-lsmod-listed fail "no lsmod from the machine's install boot"
elif [ -n "$unlisted" ]; then
	result pkg-lsmod-listed fail "loaded on the machine but not in config/deb/lsmod.txt: $unlisted"
else
	result pkg-lsmod-listed pass "the $(wc -l <<< "$lsmods") modules Debian's kernel loads on the machine are all in config/deb/lsmod.txt"
fi

exit $status
