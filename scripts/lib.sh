# Shared settings for the harness scripts; sourced, not run.
# shellcheck shell=bash disable=SC2034 # the scripts that source it use them
set -Eeuo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
SRC=$BUILD/linux-source-6.12	# pristine Debian tree + our overlay and patches
OBJ=$BUILD/obj			# kernel objects (make O=), keeps $SRC clean for kunit.py
LOGS=$BUILD/logs
OVERLAY_DIRS="arch include security tools Documentation"

export CCACHE_DIR=${CCACHE_DIR:-/var/cache/kdump-key-ccache}
# Paths relative to the clone, so that every clone shares the cache
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1
JOBS=$(nproc)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# No silent exit: a command that fails under set -e ends the script with
# exit 2 and one line saying what failed and what to do ($HINT, which each
# script may set).  A harness script that exits 2 has said so itself, and a
# subshell leaves the line to its parent.  After set +e, nothing happens.
HINT="see the messages above, fix the cause and run make again"
on_error() {
	local rc=$? cmd=$BASH_COMMAND
	[[ $- == *e* ]] || return "$rc"
	trap - ERR
	[ "$BASH_SUBSHELL" -eq 0 ] || exit "$rc"
	if [ "$rc" -ne 2 ] || [[ $cmd != *scripts/* ]]; then
		printf 'error: %s line %d: %s exited %d; %s\n' \
			"${0##*/}" "${BASH_LINENO[0]}" "$cmd" "$rc" "$HINT" >&2
	fi
	exit 2
}
trap on_error ERR
