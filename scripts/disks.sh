#!/bin/bash
# Two LUKS2 disks for the end-to-end scenario, formatted on the host by
# Debian's cryptsetup 2.6.1 (Argon2id, 1 GiB memory cost, 4 iterations).
# The guest puts ext4 on them.  Formatting is cached; each run starts from
# a fresh copy.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HINT="formatting the LUKS2 disks failed: cryptsetup needs about 1 GiB of free memory (Argon2id)"

DISKS=$BUILD/disks
PASSPHRASE=${KKT_PASSPHRASE:-kdump-demo-passphrase}
mkdir -p "$DISKS"
for n in 1 2; do
	pristine=$DISKS/pristine$n.img
	if [ ! -f "$pristine" ]; then
		log "formatting $pristine (LUKS2, argon2id 1 GiB)"
		rm -f "$pristine.tmp" && truncate -s 512M "$pristine.tmp"
		printf %s "$PASSPHRASE" | cryptsetup luksFormat --batch-mode \
			--type luks2 --pbkdf argon2id --pbkdf-memory 1048576 \
			--pbkdf-force-iterations 4 --key-file - "$pristine.tmp"
		mv "$pristine.tmp" "$pristine"
	fi
	cp --sparse=always "$pristine" "$DISKS/disk$n.img"
done
echo "$DISKS/disk1.img $DISKS/disk2.img"
