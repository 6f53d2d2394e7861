#!/bin/bash
# Install the Debian 12 packages the harness needs, if any is missing.
# debootstrap and zstd make and read the Debian 13 guest (its packages come
# from the guest's own trixie source list, never installed on the host).
. "$(dirname "$0")/lib.sh"

PKGS="linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
      ccache cpio rsync xz-utils git python3 qemu-system-x86 busybox-static
      keyutils cryptsetup-bin dmsetup kexec-tools makedumpfile e2fsprogs
      debootstrap zstd"

missing=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $PKGS 2>/dev/null |
	  awk '$2 != "installed" { print $1 }')
# dpkg-query prints nothing for packages it has never heard of
for p in $PKGS; do
	dpkg-query -W "$p" >/dev/null 2>&1 || missing="$missing $p"
done
missing=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -z "${missing// }" ] && exit 0

log "installing: $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q $missing || { apt-get update -q && apt-get install -y -q $missing; }
