#!/bin/bash
# Test scripts/deps.sh against stand-ins for dpkg-query and apt-get on PATH:
# for each state dpkg may know packages in, and fresh, stale or missing
# package lists, the exact apt-get calls, messages and exit status.
# Prints one "KKT-RESULT deps:<case> pass|fail <detail>" line per case.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d)
export T		# the stand-ins keep their state in it
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"

# dpkg-query -W [-f=FORMAT] PKG...: the states in $T/states ("PKG STATE"
# lines, "PKG unknown" for a package dpkg never heard of), "installed" for
# every other package; like dpkg-query, nothing and exit 1 for an unknown
# one.  FORMAT: ${Package}, ${binary:Package}, ${db:Status-Status},
# ${Status}, ${Version}, \n, \t.
cat > "$T/bin/dpkg-query" <<'EOF'
#!/bin/bash
format='${binary:Package}\t${Version}\n' rc=0
[ "$1" = -W ] || { echo "stand-in dpkg-query: unexpected $*" >&2; exit 3; }
shift
case $1 in -f=* | --showformat=*) format=${1#*=}; shift ;; esac
for p; do
	state=$(awk -v p="$p" '$1 == p { print $2 }' "$T/states")
	state=${state:-installed} version=1.0 want=install
	case $state in
	unknown) echo "dpkg-query: no packages found matching $p" >&2; rc=1; continue ;;
	not-installed) version= want=unknown ;;
	config-files) want=deinstall ;;
	esac
	out=${format//'${Package}'/$p}
	out=${out//'${binary:Package}'/$p}
	out=${out//'${db:Status-Status}'/$state}
	out=${out//'${Status}'/$want ok $state}
	out=${out//'${Version}'/$version}
	printf "${out//%/%%}"
done
exit $rc
EOF
# apt-get ARGS: logged in $T/calls; "install" fails as many times as
# $T/install-failures says
cat > "$T/bin/apt-get" <<'EOF'
#!/bin/bash
echo "apt-get $*" >> "$T/calls"
if [ "$1" = install ] && [ "$(cat "$T/install-failures")" -gt 0 ]; then
	echo $(( $(cat "$T/install-failures") - 1 )) > "$T/install-failures"
	echo "E: Unable to locate package" >&2
	exit 100
fi
EOF
chmod +x "$T/bin/dpkg-query" "$T/bin/apt-get"

# run NAME STATES LISTS FAILURES WANT_RC WANT_CALLS WANT_MESSAGES
#   LISTS: fresh, stale (2 days old) or none; lines separated by "|"
run() {
	local name=$1 want_rc=$5 want_calls=$6 want_msgs=$7 rc=0 calls msgs
	# shellcheck disable=SC2086 # a list
	printf '%s\n' $2 | tr : ' ' > "$T/states"
	echo "$4" > "$T/install-failures"
	rm -rf "$T/lists" "$T/calls" && mkdir "$T/lists" && touch "$T/calls"
	case $3 in
	fresh) touch "$T/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4" ;;
	stale) touch -d '2 days ago' "$T/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4" ;;
	esac
	PATH="$T/bin:$PATH" KKT_APT_LISTS="$T/lists" \
		"$TOP/scripts/deps.sh" > "$T/out" 2>&1 || rc=$?
	calls=$(paste -sd'|' "$T/calls")
	msgs=$({ grep -v '^E: ' "$T/out" || true; } | paste -sd'|')
	if [ "$rc" != "$want_rc" ]; then
		echo "KKT-RESULT deps:$name fail exit $rc, want $want_rc: $msgs"
	elif [ "$calls" != "$want_calls" ]; then
		echo "KKT-RESULT deps:$name fail apt-get calls '$calls', want '$want_calls'"
	elif [ "$msgs" != "$want_msgs" ]; then
		echo "KKT-RESULT deps:$name fail said '$msgs', want '$want_msgs'"
	else
		echo "KKT-RESULT deps:$name pass ${calls:-no apt-get call}"
	fi
}

UPDATE="==> apt package lists missing or older than a day: apt-get update"
SOURCES="/etc/apt/sources.list needs bookworm, bookworm-updates and bookworm-security (main)"

run all-installed "" fresh 0 0 "" ""
run not-installed "ccache:not-installed rsync:config-files" fresh 0 0 \
	"apt-get install -y -q ccache rsync" \
	"==> installing Debian packages: ccache rsync"
run unknown "linux-source-6.12:unknown libelf-dev:unknown ccache:not-installed rsync:unknown" fresh 0 0 \
	"apt-get install -y -q linux-source-6.12 libelf-dev ccache rsync" \
	"==> installing Debian packages: linux-source-6.12 libelf-dev ccache rsync"
run no-lists "linux-source-6.12:unknown shellcheck:unknown" none 0 0 \
	"apt-get update -q|apt-get install -y -q linux-source-6.12 shellcheck" \
	"$UPDATE|==> installing Debian packages: linux-source-6.12 shellcheck"
run stale-lists "qemu-system-x86:config-files" stale 0 0 \
	"apt-get update -q|apt-get install -y -q qemu-system-x86" \
	"$UPDATE|==> installing Debian packages: qemu-system-x86"
run new-sources "linux-source-6.12:unknown" fresh 1 0 \
	"apt-get install -y -q linux-source-6.12|apt-get update -q|apt-get install -y -q linux-source-6.12" \
	"==> installing Debian packages: linux-source-6.12|==> apt-get install failed: apt-get update"
run install-fails "linux-source-6.12:unknown" fresh 2 2 \
	"apt-get install -y -q linux-source-6.12|apt-get update -q|apt-get install -y -q linux-source-6.12" \
	"==> installing Debian packages: linux-source-6.12|==> apt-get install failed: apt-get update|error: apt-get install failed: see apt's message above; $SOURCES"
