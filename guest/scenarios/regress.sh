# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# Regression tests, one per class of bug that upstream's CRASH_DM_CRYPT
# shipped (see the project's facts), each result named after its class:
#
#   regress-kexec-buf-uninit        uninitialised struct kexec_buf field
#                                   (CVE-2025-39904): many loads with random
#                                   placement, UBSAN_BOOL/KASAN watching
#   regress-payload-without-key-sem source payload read without key->sem:
#                                   conversions racing source updates and
#                                   revokes, lockdep and KASAN watching
#   regress-off-by-one-limits       a 128-byte description cut to 127: keys
#                                   and descriptions at every bound cross
#                                   the crash exactly; one past is refused
#   regress-cmdline-accounting      a parameter left out of the command-line
#                                   buffer: the longest command line that
#                                   loads arrives intact (its exact length,
#                                   padding and end), and every key with it
#   regress-copies-never-wiped      the blob in crash memory is zero once
#                                   the capture kernel restored the keys: no
#                                   entry of ours left in sysfs, and a key
#                                   has exactly its two restored copies in
#                                   the capture kernel's /proc/kcore
#
# Elsewhere: key bytes in debug logs (exposure.sh, with dynamic debug), the
# double free on a failed kexec_add_buffer (faults.sh, fail-nth under
# KASAN), copies left in memory (exposure.sh, /proc/kcore).

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="regress-kexec-buf-uninit regress-payload-without-key-sem
	regress-off-by-one-limits-first regress-cmdline-longest regress-loaded
	regress-off-by-one-limits regress-cmdline-accounting
	regress-copies-never-wiped"

KEXEC_ARGS="/boot/bzImage --initrd=/boot/capture.cpio"
X=/kselftest/kdump_key/kdump_key_expose

# desc_of LEN: a description of LEN bytes, "kkt:" then x's
desc_of() {
	printf 'kkt:%*s' $(($1 - 4)) '' | tr ' ' x
}

# The keys at the limits: "<desc length> <key length>" per key
LIMITS="9 1
9 512
128 64
129 64
4095 64"

limit_desc() {	# limit_desc N: the description of the N-th limit key
	if [ "$(echo "$LIMITS" | sed -n "${1}p" | cut -d' ' -f1)" = 9 ]; then
		echo "kkt:lim$1"	# 8 or 9 bytes: short names for the short ones
	else
		desc_of "$(echo "$LIMITS" | sed -n "${1}p" | cut -d' ' -f1)"
	fi
}

repeated_loads() {
	head -c 64 /dev/urandom | keyctl padd logon kkt:placed @u > /dev/null
	keyctl add kdump kkt:placed "" @u > /dev/null || return 1
	for i in $(seq 1 20); do
		# shellcheck disable=SC2086 # several arguments
		kexec -s -p $KEXEC_ARGS --append="$(capture_cmdline none)" || return 1
		grep -q 'kkt:placed: 64 restore=user loaded' /proc/keys || return 1
		[ $((i % 2)) = 0 ] && { kexec -s -p -u || return 1; }
	done
	kexec -s -p -u
	grep -q 'kkt:placed: 64 restore=user pending' /proc/keys
}

# Conversions race updates and revokes of their source for 20 s
key_sem_race() {
	rm -f /tmp/stop
	(
		while [ ! -e /tmp/stop ]; do
			head -c 64 /dev/urandom | keyctl padd logon kkt:race @u
			head -c 32 /dev/urandom | keyctl padd logon kkt:race @u
			keyctl revoke %logon:kkt:race
		done > /dev/null 2>&1
	) &
	for w in 1 2; do
		(
			while [ ! -e /tmp/stop ]; do
				keyctl add kdump kkt:race$w "source=kkt:race" @u
				keyctl update %kdump:kkt:race$w "source=kkt:race"
			done > /dev/null 2>&1
		) &
	done
	sleep 20
	touch /tmp/stop
	wait
	# Every copy is a whole source: 64 or 32 bytes
	! awk '$9 ~ /^kkt:race[12]:$/ && $10 != 64 && $10 != 32' /proc/keys | grep -q .
}

limits_setup() {
	n=$(echo "$LIMITS" | wc -l)
	: > /tmp/limits.sum
	for i in $(seq 1 "$n"); do
		d=$(limit_desc "$i")
		len=$(echo "$LIMITS" | sed -n "${i}p" | cut -d' ' -f2)
		head -c "$len" /dev/urandom > /tmp/k
		keyctl padd logon "$d" @u < /tmp/k > /dev/null || return 1
		keyctl add kdump "$d" "" @u > /dev/null || return 1
		echo "$d $(sha256sum < /tmp/k | cut -c1-64)" >> /tmp/limits.sum
	done
	rm -f /tmp/k
	# One past each bound is refused
	head -c 513 /dev/urandom | keyctl padd logon kkt:over @u > /dev/null || return 1
	keyctl add kdump kkt:over "" @u > /dev/null 2>&1 && return 1
	keyctl add kdump "$(desc_of 4096)" "source=kkt:over" @u > /dev/null 2>&1 && return 1
	return 0
}

# loads_with LEN: kexec_file_load takes a command line of LEN characters
loads_with() {
	# shellcheck disable=SC2086 # several arguments
	kexec -s -p $KEXEC_ARGS --append="$(pad_cmdline "$1")" > /dev/null 2>&1
}

# pad_cmdline LEN: the capture command line, padded with kkt_pad=x... to
# LEN characters, ending with kkt_end=1; it names its own length and the
# number of kdump keys that go with it
pad_cmdline() {
	base="$(capture_cmdline capture "kkt_limits=$limits kkt_wipe=$wipe kkt_nkeys=$nkeys kkt_len=$1") kkt_pad="
	printf '%s' "$base"
	head -c $(($1 - ${#base} - 10)) /dev/zero | tr '\0' x
	printf ' kkt_end=1'
}

# The longest command line that loads, by bisection
longest_cmdline() {
	lo=$(( ${#base_cmdline} + 20 )) hi=4096
	loads_with "$lo" || { echo 0; return; }
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if loads_with "$mid"; then lo=$mid; else hi=$mid; fi
	done
	echo "$lo"
}

stage_first() {
	check regress-kexec-buf-uninit "20 loads with random placement, 10 unloads: each loads the key" \
		repeated_loads
	check regress-payload-without-key-sem "20 s of conversions racing source updates and revokes: every copy whole" \
		key_sem_race
	check regress-off-by-one-limits-first "keys of 1 and 512 bytes, descriptions of 128, 129, 4095 bytes convert; 513 bytes and 4096 are refused" \
		limits_setup
	limits=$(LC_ALL=C sort /tmp/limits.sum | sha256sum | cut -c1-16)
	# A key whose copies the capture kernel counts in its memory
	wipe=$($X new kkt:wipe) && keyctl add kdump kkt:wipe "" @u > /dev/null ||
		wipe=none
	# The kdump keys the final load carries: all that are not revoked
	nkeys=$(awk '$8 == "kdump" && $2 !~ /[RDi]/ && $4 != "expd"' /proc/keys | wc -l)
	base_cmdline=$(pad_cmdline 4096 | sed 's/ kkt_pad=.*//')
	max=$(longest_cmdline)
	# The bzImage's cmdline_size (2048 on x86) less NUL and "elfcorehdr=" room
	result regress-cmdline-longest "$([ "$max" -ge 2000 ] && echo pass || echo fail)" \
		"longest capture command line that loads: $max characters"
	if ! loads_with "$max"; then
		result regress-cmdline-accounting fail "no load with $max characters"
		return
	fi
	echo "KKT-SAY loaded with a command line of $max characters"
	echo "$max" > /tmp/max
	check regress-loaded "the limit keys are loaded" \
		test "$(grep -c 'kkt:.*loaded$' /proc/keys)" -ge 5
	crash_now
}

# kdump_setup_data DIR: the data files of setup_data entries still
# pointing at keys.  For an indirect entry sysfs shows the inner type,
# SETUP_INDIRECT | SETUP_KDUMP_KEYS, and the data it points to.
kdump_setup_data() {
	for d in "$1"/*; do
		case $(cat "$d/type" 2> /dev/null) in
		0x80001000 | 0x8000000b) echo "$d/data" ;;	# 6.12, 7.3
		esac
	done
}

limits_restored() {
	: > /tmp/limits.got
	n=$(echo "$LIMITS" | wc -l)
	for i in $(seq 1 "$n"); do
		d=$(limit_desc "$i")
		echo "$d $(keyctl pipe "%user:$d" | sha256sum | cut -c1-64)" >> /tmp/limits.got
	done
	test "$(LC_ALL=C sort /tmp/limits.got | sha256sum | cut -c1-16)" = "$kkt_limits"
}

all_zero() {	# all_zero FILE: FILE is non-empty and holds only zero bytes
	[ -s "$1" ] && [ -z "$(tr -d '\0' < "$1" | head -c 1)" ]
}

stage_capture() {
	check regress-off-by-one-limits "every limit key restored with its exact description and bytes" \
		limits_restored
	# kexec puts "elfcorehdr=0x... " before the command line it was given
	ours=$(sed 's/^elfcorehdr=0x[0-9a-f]* //' /proc/cmdline)
	pad=$(echo "$ours" | sed -n 's/.* kkt_pad=\(x*\) kkt_end=1$/\1/p')
	restored=$(dmesg | grep -o 'kdump_keys: restored [0-9]* of [0-9]* keys')
	check regress-cmdline-accounting "command line arrived whole: ${#ours} of $kkt_len characters, ${#pad} padding, ends with kkt_end=1: $(echo "$ours" | grep -c ' kkt_end=1$'); ${restored:-no kdump_keys line}, $kkt_nkeys keys loaded" \
		test "${#ours}" = "$kkt_len" -a "${#pad}" -gt 0 -a \
			"$restored" = "kdump_keys: restored $kkt_nkeys of $kkt_nkeys keys"
	# The capture kernel wipes the keys and turns their entry into
	# SETUP_NONE: an entry left pointing at them must show only zeroes,
	# and its memory must hold no third copy of kkt:wipe
	left=$(kdump_setup_data /sys/kernel/boot_params/setup_data) dirty=0
	for f in $left; do
		all_zero "$f" || dirty=$((dirty + 1))
	done
	n=none
	if [ "$kkt_wipe" != none ]; then
		kcore_scan "$kkt_wipe"
		n=$(awk '$1 == "kcore" { print $2 }' /tmp/kcore.out)
	fi
	check regress-copies-never-wiped "key entries left: $(echo "$left" | grep -c .), $dirty not zero; kkt:wipe in /proc/kcore: $n copies, expected 2 (the user key and its kdump key)" \
		test "$dirty" = 0 -a "$n" = 2
}
