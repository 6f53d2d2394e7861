# shellcheck shell=sh
# shellcheck disable=SC2154 # kkt_*: from the kernel command line
# Where do the bytes of a volume key end up?  A random 64-byte logon key is
# converted to a kdump key; the first kernel's readable memory (/proc/kcore)
# is scanned for it after the conversion, after the load and after the
# source is revoked; its log (with the key type's and kexec's pr_debug()
# enabled) and the host's console logs must never hold it.  In the capture
# kernel, nobody may find it in /proc or /sys.  kdump_key_expose keeps the
# key masked; KKT-KEYMASK hands the masked key to the host's log scan.

# The results of each boot: qemu.sh fails it unless all arrive, whole
# (first: the first kernel and, after the crash, the capture kernel)
# shellcheck disable=SC2034 # read by expect_boot (lib.sh)
EXPECT_first="exposure-dyndbg exposure-kcore-added exposure-no-read exposure-no-pipe
	exposure-no-print exposure-loaded exposure-kcore-loaded
	exposure-kcore-not-in-crash-segment exposure-kcore-source-revoked
	exposure-log-first
	exposure-capture-kcore exposure-capture-nobody exposure-log-capture
	exposure-capture-key-intact"

X=/kselftest/kdump_key/kdump_key_expose
DYNDBG_FILES="security/keys/* kernel/kexec* kernel/crash* arch/x86/kernel/*"

# count_copies NAME EXPECTED WHAT: copies of the key in /proc/kcore
count_copies() {
	kcore_scan "$mask"
	n=$(awk '$1 == "kcore" { print $2 }' /tmp/kcore.out)
	check "$1" "$3: $n cop$([ "$n" = 1 ] && echo y || echo ies) of the key in /proc/kcore ($(awk '$1 == "kcore-bytes" { print $2 }' /tmp/kcore.out) bytes of RAM read), expected $2" \
		test "$n" = "$2"
}

not_in_crash_region() { [ "$(kcore_crash_copies)" = 0 ]; }

# enable_dyndbg: pr_debug() on in DYNDBG_FILES.  The key type itself has
# no pr_debug() site, crash_core.c only for CPU hotplug; kexec_file's and
# x86's must be on, or the log checks below read no debug output at all.
enable_dyndbg() {
	ctl=/proc/dynamic_debug/control
	[ -w $ctl ] || { result exposure-dyndbg fail "no $ctl"; return; }
	on='' missing=''
	for f in $DYNDBG_FILES; do
		echo "file $f +p" > $ctl 2>/dev/null
		# control lines: "<file>:<line> [<module>]<function> =p ..."
		n=$(grep -c "^${f%\*}[^ ]*:[0-9]* .* =p " $ctl)
		on="$on $f: $n;"
		case $f in kernel/kexec*|arch/*) [ "$n" -gt 0 ] || missing="$missing $f" ;; esac
	done
	check exposure-dyndbg "pr_debug() sites enabled:$on none in:${missing:- -}" \
		test "$(grep -c ' =p ' $ctl)" -gt 0 -a -z "$missing"
}

# no_key_in_log NAME: the kernel log holds no copy, raw or as hex
no_key_in_log() {
	dmesg > /tmp/dmesg.txt
	$X file "$mask" /tmp/dmesg.txt > /tmp/log.out
	check "$1" "kernel log ($(wc -l < /tmp/dmesg.txt) lines): $(grep -c '^match' /tmp/log.out) copies" \
		sh -c '! grep -q "^match" /tmp/log.out'
}

# not_readable NAME OP: keyctl OP of the kdump key gives no bytes
not_readable() {
	out=$(keyctl "$2" %kdump:kkt:exposure 2>&1)
	case $out in
	*"Operation not supported"*) result "$1" pass "keyctl $2: $out" ;;
	*) result "$1" fail "keyctl $2 did not fail with EOPNOTSUPP" ;;
	esac
}

stage_first() {
	enable_dyndbg
	mask=$($X new kkt:exposure) || { result exposure-new fail "no logon key"; return; }
	echo "KKT-KEYMASK $mask"
	keyctl add kdump kkt:exposure "" @u > /dev/null ||
		{ result exposure-add fail "keyctl add kdump"; return; }
	count_copies exposure-kcore-added 2 "source and kdump key"
	not_readable exposure-no-read read
	not_readable exposure-no-pipe pipe
	not_readable exposure-no-print print

	load_capture capture "kkt_mask=$mask dyndbg=\"file security/keys/* +p\"" ||
		{ result exposure-load fail "kexec -s -p"; return; }
	check exposure-loaded "the kdump key is loaded" \
		sh -c 'grep -q "kkt:exposure: 64 restore=user loaded" /proc/keys'
	count_copies exposure-kcore-loaded 2 "loaded, source still there"
	check exposure-kcore-not-in-crash-segment "no readable copy in the crash reservation" \
		not_in_crash_region

	keyctl revoke %logon:kkt:exposure
	sleep 2		# the revoked payload is freed after an RCU grace period
	count_copies exposure-kcore-source-revoked 1 "loaded, source revoked"
	no_key_in_log exposure-log-first
	crash_now
}

stage_capture() {
	mask=$kkt_mask
	count_copies exposure-capture-kcore 2 "restored user key and its kdump key"
	$X tree -u 65534 "$mask" /proc /sys > /tmp/tree.out 2>&1
	grep '^match' /tmp/tree.out
	check exposure-capture-nobody "nobody read $(awk '$1 == "tree-files" { print $2 }' /tmp/tree.out) files under /proc and /sys: $(awk '$1 == "tree" { print $2 }' /tmp/tree.out) copies" \
		sh -c 'grep -qx "tree 0" /tmp/tree.out && ! grep -qx "tree-files 0" /tmp/tree.out'
	no_key_in_log exposure-log-capture
	# Last: the copy read back lands in a tmpfs page
	keyctl pipe %user:kkt:exposure > /tmp/vk
	$X file "$mask" /tmp/vk > /tmp/vk.out
	check exposure-capture-key-intact "root reads back the same key ($(stat -c %s /tmp/vk) bytes)" \
		grep -qx "file-raw 1" /tmp/vk.out
	rm -f /tmp/vk
}
