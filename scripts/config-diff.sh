#!/bin/bash
# The kernel package's /boot/config-<release> against the Debian
# configuration it was made from (linux-config-6.12), every difference
# sorted into one of:
#   ours      a change of olddefconfig on Debian's configuration in our
#             tree with this host's tools (new options of our series,
#             toolchain detection) or of config/deb/*.config: each must
#             match a line of config/deb/explained.txt ("REGEX reason",
#             the regex on the option's name), else the result fails
#   dropped   a module (=m) that localmodconfig left out: not in
#             config/deb/lsmod.txt
#   follows   any other change localmodconfig made (with olddefconfig):
#             options of the modules left out
#   config-diff.sh KERNEL_DEB [CONFIG]
# CONFIG: judge that configuration in place of the package's (the check of
# the judge itself, scripts/machine.sh, with a configuration broken on
# purpose).
# Writes config-diff.txt beside the .deb (one line per difference, with its
# reason) and prints KKT-RESULT lines.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C	# sort and join agree

deb=${1:?usage: config-diff.sh linux-image-..._amd64.deb}
OUT=$(cd "$(dirname "$deb")" && pwd)	# build/kdeb or build/kdeb-full
DEBCONFIG=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
EXPLAINED=$TOP/config/deb/explained.txt
release=$(dpkg-deb -f "$deb" Package | sed 's/^linux-image-//')
work=$OUT/config-diff
rm -rf "$work" && mkdir -p "$work"
if [ -n "${2:-}" ]; then
	cp "$2" "$work/ours"
else
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./boot/config-$release" > "$work/ours"
fi
xzcat "$DEBCONFIG" > "$work/debian"
cp "$OUT/config.series" "$work/series"
cp "$OUT/config.localmod" "$work/localmod"

# values FILE: "NAME VALUE" for every option, "n" for one not set
values() {
	sed -n 's/^CONFIG_\([^=]*\)=\(.*\)/\1 \2/p; s/^# CONFIG_\(.*\) is not set$/\1 n/p' "$1" | sort
}
for f in debian series localmod ours; do values "$work/$f" > "$work/$f.v"; done
# changes A B: "NAME OLD NEW" for every option whose value differs
changes() {
	join -a1 -a2 -e n -o 0,1.2,2.2 "$work/$1.v" "$work/$2.v" | awk '$2 != $3'
}
changes debian ours > "$work/all"
{ changes debian series; changes localmod ours; } | awk '{ print $1 }' | sort -u > "$work/ours-names"

: > "$OUT/config-diff.txt"
# explained NAME: the reason config/deb/explained.txt gives, or nothing
explained() {
	local re why
	while read -r re why; do
		if [[ $1 =~ ^($re)$ ]]; then
			echo "$why"
			return
		fi
	done < <(grep -v '^#' "$EXPLAINED" | grep .)
}
dropped=0 follows=0 ours=0 unexplained=()
while read -r name old new; do
	if grep -qx "$name" "$work/ours-names"; then
		reason=$(explained "$name")
		[ -n "$reason" ] || { unexplained+=("$name"); reason="UNEXPLAINED"; }
		ours=$((ours + 1))
	elif [ "$old" = m ] && [ "$new" = n ]; then
		reason="module left out by localmodconfig"
		dropped=$((dropped + 1))
	else
		reason="follows from localmodconfig (an option of modules left out)"
		follows=$((follows + 1))
	fi
	printf '%s %s -> %s: %s\n' "$name" "$old" "$new" "$reason" >> "$OUT/config-diff.txt"
done < "$work/all"
builtin_lost=$(awk 'NR == FNR { o[$1]; next } $2 == "y" && $3 != "y" && !($1 in o)' \
	"$work/ours-names" "$work/all" | wc -l)
modules_kept=$(grep -c '=m$' "$work/ours")

log "config diff against Debian's: $ours change(s) of ours, $dropped module(s) left out ($modules_kept kept), $follows option(s) following from that ($builtin_lost of them =y in Debian's); all in $OUT/config-diff.txt"
grep -v -e 'localmodconfig' "$OUT/config-diff.txt" | sed 's/^/config: /' >&2
if grep -qx 'CONFIG_KEYS_KDUMP=y' "$work/ours"; then
	echo "KKT-RESULT pkg-config-keys-kdump pass /boot/config-$release has CONFIG_KEYS_KDUMP=y"
else
	echo "KKT-RESULT pkg-config-keys-kdump fail /boot/config-$release lacks CONFIG_KEYS_KDUMP=y"
fi
if [ ${#unexplained[@]} -gt 0 ]; then
	echo "KKT-RESULT pkg-config-explained fail not in config/deb/explained.txt: ${unexplained[*]}"
else
	echo "KKT-RESULT pkg-config-explained pass $ours change(s) of ours, each explained; $dropped module(s) left out by localmodconfig ($modules_kept kept), $follows option(s) following from it"
fi
rm -rf "$work"
