#!/bin/bash
# make packages: what a Debian 13 administrator installs with apt.
#   1. the kernel package, linux-image-<release>-kdumpkey (scripts/kernel-deb.sh)
#   2. kdump-luks from its source package (scripts/deb.sh, lintian-clean),
#      and the same source rebuilt as a newer version for the upgrade test
#   3. a signed apt repository in build/repo/ (apt-ftparchive, a throwaway
#      signing key made for this build in build/repo-gnupg/), suite trixie,
#      component main; its public key is build/repo/kdumpkey-archive-keyring.gpg
# linux-libc-dev, which bindeb-pkg also builds, stays out of the repository:
# it would replace Debian's at the next apt upgrade.  Prints build/repo.
. "$(dirname "$0")/lib.sh"
base_612_only
HINT="make packages failed: see the messages above"

REPO=$BUILD/repo
export GNUPGHOME=$BUILD/repo-gnupg
UPGRADE_SUFFIX=+upgrade1	# the newer kdump-luks of the upgrade test

kdeb=$("$TOP/scripts/kernel-deb.sh")
luks=$("$TOP/scripts/deb.sh")
luks_version=$(dpkg-deb -f "$luks" Version)
luks_newer=$("$TOP/scripts/deb.sh" "$luks_version$UPGRADE_SUFFIX")

log "writing the apt repository $REPO"
rm -rf "$REPO" "$GNUPGHOME" && mkdir -p "$REPO/pool/main" "$REPO/dists/trixie/main/binary-amd64"
mkdir -m 700 "$GNUPGHOME"
cp "$kdeb"/linux-image-*.deb "$kdeb"/linux-headers-*.deb "$luks" "$luks_newer" "$REPO/pool/main/"
(cd "$REPO" && apt-ftparchive --arch amd64 packages pool) > "$REPO/dists/trixie/main/binary-amd64/Packages"
gzip -9nk "$REPO/dists/trixie/main/binary-amd64/Packages"
apt-ftparchive -o APT::FTPArchive::Release::Origin=kdump-key \
	-o APT::FTPArchive::Release::Label=kdump-key \
	-o APT::FTPArchive::Release::Suite=trixie -o APT::FTPArchive::Release::Codename=trixie \
	-o APT::FTPArchive::Release::Components=main \
	-o APT::FTPArchive::Release::Architectures="amd64 all" \
	release "$REPO/dists/trixie" > "$REPO/Release.tmp"
mv "$REPO/Release.tmp" "$REPO/dists/trixie/Release"
# A throwaway key: whoever publishes the repository signs with their own
gpg --batch -q --passphrase '' --quick-gen-key \
	"kdump key type test repository <kdump-key@localhost>" ed25519 sign 1d
gpg --batch -q --yes --clearsign -o "$REPO/dists/trixie/InRelease" "$REPO/dists/trixie/Release"
gpg --batch -q --yes -abs -o "$REPO/dists/trixie/Release.gpg" "$REPO/dists/trixie/Release"
gpg --batch -q --export > "$REPO/kdumpkey-archive-keyring.gpg"
log "repository: $(find "$REPO/pool" -name '*.deb' -printf '%f ' )"
echo "$REPO"
