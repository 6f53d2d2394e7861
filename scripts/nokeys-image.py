#!/usr/bin/env python3
"""Copy a kernel image so that it no longer announces that it takes kdump
keys: a stand-in for a capture kernel built without CONFIG_KEYS_KDUMP.

An x86 bzImage of a backport (6.12) announces it with a kernel_info "KDKY"
chunk, renamed here; of mainline (7.3) with setup_type_max covering
SETUP_KDUMP_KEYS (11), lowered here to SETUP_KEXEC_KHO (10) as a kernel
without the type has it.  An arm64 Image sets bit 4 of its header's flags
(ARM64_IMAGE_FLAG_KDUMP_KEYS), cleared here.
Usage: nokeys-image.py IN OUT"""
import struct
import sys

SETUP_INDIRECT = 1 << 31
SETUP_KDUMP_KEYS = 11
ARM64_IMAGE_FLAG_KDUMP_KEYS = 1 << 4


def arm64_nokeys(image):
    """Clear the flag in the little-endian flags field at offset 24"""
    flags = struct.unpack_from("<Q", image, 24)[0]
    if not flags & ARM64_IMAGE_FLAG_KDUMP_KEYS:
        sys.exit("%s announces no kdump keys (Image flags %#x)"
                 % (sys.argv[1], flags))
    struct.pack_into("<Q", image, 24, flags & ~ARM64_IMAGE_FLAG_KDUMP_KEYS)


if len(sys.argv) != 3:
    sys.exit(__doc__)
image = bytearray(open(sys.argv[1], "rb").read())
if image[56:60] == b"ARM\x64":
    arm64_nokeys(image)
    open(sys.argv[2], "wb").write(image)
    sys.exit(0)
setup_sects = image[0x1F1] or 4
kinfo = (setup_sects + 1) * 512 + struct.unpack_from("<I", image, 0x268)[0]
magic, size, total, type_max = struct.unpack_from("<4sIII", image, kinfo)
if magic != b"LToP":
    sys.exit("no kernel_info in " + sys.argv[1])
chunk = image.find(b"KDKY", kinfo + size, kinfo + total)
if chunk >= 0:
    image[chunk:chunk + 4] = b"XXXX"
elif type_max == SETUP_INDIRECT | SETUP_KDUMP_KEYS:
    struct.pack_into("<I", image, kinfo + 12, type_max - 1)
else:
    sys.exit("%s announces no kdump keys (no KDKY chunk, setup_type_max %#x)"
             % (sys.argv[1], type_max))
open(sys.argv[2], "wb").write(image)
