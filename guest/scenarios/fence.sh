# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# Fail closed: keys go only to a capture kernel that announces that it takes
# them (x86: a "KDKY" chunk in its kernel_info on 6.12, setup_type_max on
# 7.3; arm64: bit 4 of its Image header's flags).  KIMAGE-nokeys is our
# kernel without that mark (scripts/nokeys-image.py): a stand-in for a
# capture kernel built without CONFIG_KEYS_KDUMP, which would leave the keys
# readable (x86: in sysfs) or give their pages out as free memory.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="fence-quiet-without-keys fence-refused fence-pending fence-no-key fence-silent fence-sysfs"

state() {
	awk -v d="$1:" '$8 == "kdump" && $9 == d { print $NF }' /proc/keys
}

stage_first() {
	# With no kdump key there is nothing to refuse: no notice
	loaded=no
	kexec -s -p "$KIMAGE-nokeys" --initrd=/boot/capture.cpio \
		--append="$(capture_cmdline none)" && kexec -s -p -u && loaded=yes
	check fence-quiet-without-keys "load and unload with no kdump key: $loaded, $(dmesg | grep -c 'does not take kdump keys') notice(s)" \
		sh -c "[ $loaded = yes ] && ! dmesg | grep -q 'does not take kdump keys'"
	head -c 64 /dev/urandom > /tmp/k
	keyctl padd logon kkt:fence @u < /tmp/k > /dev/null
	keyctl add kdump kkt:fence "" @u > /dev/null
	hex=$(od -An -tx1 -N16 /tmp/k | tr -d ' \n')
	kexec -s -p "$KIMAGE-nokeys" --initrd=/boot/capture.cpio \
		--append="$(capture_cmdline capture "kkt_hex=$hex")" ||
		{ result fence-load fail "kexec -s -p of $KIMAGE-nokeys"; return; }
	check fence-refused "$(dmesg | grep -o 'capture kernel does not take .*')" \
		sh -c 'dmesg | grep -q "capture kernel does not take kdump keys, none handed over"'
	check fence-pending "the key stays pending: $(state kkt:fence)" \
		test "$(state kkt:fence)" = pending
	crash_now
}

stage_capture() {
	check fence-no-key "no key restored" \
		sh -c '! keyctl request user kkt:fence > /dev/null 2>&1'
	check fence-silent "no kdump_keys line: the capture kernel got nothing" \
		sh -c '! dmesg | grep -q kdump_keys:'
	check fence-sysfs "no key byte in $BOOTINFO for nobody" \
		no_key_bytes_for_nobody "$kkt_hex"
}
