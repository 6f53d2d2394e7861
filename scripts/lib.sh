# Shared settings for the harness scripts; sourced, not run.
set -euo pipefail

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
