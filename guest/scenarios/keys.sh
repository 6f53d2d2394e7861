# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# kdump keys across a crash: which keys the capture kernel recreates, with
# which bytes, and which it must not (revoked before the load).  Keys added
# after the load are written to crash memory at once.  The first kernel
# passes the expected digests on the capture command line.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="keys-pending keys-no-read keys-describe keys-loaded
	keys-added-after-load keys-reloaded
	keys-restored-user keys-restored-kdump keys-restore-logon
	keys-logon-unreadable keys-reload-restored keys-revoked-absent
	keys-late-restored keys-setup-data-gone keys-sysfs-wiped keys-log-line"

# state DESC: the state word /proc/keys shows for the kdump key DESC
state() {
	awk -v d="$1:" '$8 == "kdump" && $9 == d { print $NF }' /proc/keys
}

new_logon() {	# new_logon DESC BYTES: a random volume key, its sha256 on stdout
	head -c "$2" /dev/urandom > "/tmp/$1"
	keyctl padd logon "$1" @u < "/tmp/$1" > /dev/null
	sha256sum < "/tmp/$1" | cut -c1-64
}

stage_first() {
	a=$(new_logon kkt:alpha 64)
	hex=$(od -An -tx1 -N16 /tmp/kkt:alpha | tr -d ' \n')
	keyctl add kdump kkt:alpha "" @u > /dev/null
	check keys-pending "kdump key pending before the load" \
		test "$(state kkt:alpha)" = pending
	check keys-no-read "keyctl read: $(keyctl read %kdump:kkt:alpha 2>&1)" \
		sh -c 'keyctl read %kdump:kkt:alpha 2>&1 | grep -q "Operation not supported"'
	check keys-describe "keyctl describe: $(keyctl describe %kdump:kkt:alpha)" \
		sh -c 'keyctl describe %kdump:kkt:alpha | grep -q "kdump.*: kkt:alpha$"'

	head -c 32 /dev/urandom > /tmp/gamma
	keyctl padd user kkt:gamma @u < /tmp/gamma > /dev/null
	g=$(sha256sum < /tmp/gamma | cut -c1-64)
	keyctl add kdump kkt:gamma "source_type=user restore=logon" @u > /dev/null

	new_logon kkt:revoked 64 > /dev/null
	keyctl revoke "$(keyctl add kdump kkt:revoked "" @u)"

	new_logon kkt:reload 64 > /dev/null
	load_capture capture || { result keys-load fail "kexec -s -p"; return; }
	check keys-loaded "kdump key loaded after kexec -s -p" \
		test "$(state kkt:alpha)" = loaded
	keyctl add kdump kkt:reload "" @u > /dev/null
	check keys-added-after-load "key added after the load is loaded at once" \
		test "$(state kkt:reload)" = loaded

	load_capture capture "kkt_alpha=$a kkt_gamma=$g kkt_hex=$hex" ||
		{ result keys-reload fail "kexec -s -p"; return; }
	check keys-reloaded "a reload keeps the new key" \
		test "$(state kkt:reload)" = loaded

	new_logon kkt:late 64 > /dev/null
	keyctl add kdump kkt:late "" @u > /dev/null
	crash_now
}

# restored TYPE DESC: the key exists in root's user keyring
restored() {
	keyctl request "$1" "$2" > /dev/null 2>&1
}

stage_capture() {
	check keys-restored-user "user key recreated with the volume key" \
		test "$(keyctl pipe %user:kkt:alpha | sha256sum | cut -c1-64)" = "$kkt_alpha"
	check keys-restored-kdump "kdump key shows restored" \
		test "$(state kkt:alpha)" = restored
	check keys-restore-logon "restore=logon gives a logon key" \
		restored logon kkt:gamma
	check keys-logon-unreadable "restored logon key is not readable" \
		sh -c '! keyctl pipe %logon:kkt:gamma > /dev/null 2>&1'
	check keys-reload-restored "key added before the reload restored" \
		restored user kkt:reload
	check keys-revoked-absent "key revoked before the load not restored" \
		sh -c '! keyctl request user kkt:revoked > /dev/null 2>&1'
	check keys-late-restored "key added after the last load restored" \
		restored user kkt:late
	check keys-setup-data-gone "no SETUP_INDIRECT entry left: $(cat /sys/kernel/boot_params/setup_data/*/type | tr '\n' ' ')" \
		sh -c '! grep -qE "^0x8000(0000|1000|000b)$" /sys/kernel/boot_params/setup_data/*/type'
	check keys-sysfs-wiped "no key byte in /sys/kernel/boot_params for nobody" \
		no_key_bytes_for_nobody "$kkt_hex"
	check keys-log-line "one log line with the count" \
		sh -c 'dmesg | grep -q "kdump_keys: restored 4 of 4 keys"'
}
