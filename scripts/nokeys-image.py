#!/usr/bin/env python3
"""Copy a kernel image so that it no longer announces that it takes kdump
keys: a stand-in for a capture kernel built without CONFIG_KEYS_KDUMP.

An x86 bzImage of a backport (6.12) announces it with a kernel_info "KDKY"
chunk, renamed here; of mainline (7.3) with setup_type_max covering
SETUP_KDUMP_KEYS (11), lowered here to SETUP_KEXEC_KHO (10) as a kernel
without the type has it.  An arm64 Image sets bit 4 of its header's flags
(ARM64_IMAGE_FLAG_KDUMP_KEYS), cleared here.  A ppc64le vmlinux sets bit 1
of its PowerPC capabilities ELF note (PPCCAP_KDUMP_KEYS_BIT), cleared here.
Usage: nokeys-image.py IN OUT"""
import struct
import sys

SETUP_INDIRECT = 1 << 31
SETUP_KDUMP_KEYS = 11
ARM64_IMAGE_FLAG_KDUMP_KEYS = 1 << 4
EM_PPC64 = 21
PT_NOTE = 4
PPC_ELFNOTE_CAPABILITIES = 1
PPCCAP_KDUMP_KEYS_BIT = 1 << 1


def arm64_nokeys(image):
    """Clear the flag in the little-endian flags field at offset 24"""
    flags = struct.unpack_from("<Q", image, 24)[0]
    if not flags & ARM64_IMAGE_FLAG_KDUMP_KEYS:
        sys.exit("%s announces no kdump keys (Image flags %#x)"
                 % (sys.argv[1], flags))
    struct.pack_into("<Q", image, 24, flags & ~ARM64_IMAGE_FLAG_KDUMP_KEYS)


def ppc64_caps_offset(image):
    """The offset of the capabilities word of the PowerPC note of a
    little-endian ELF64 vmlinux, walking its PT_NOTE segments"""
    phoff, = struct.unpack_from("<Q", image, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", image, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", image, phoff + i * phentsize)
        off, end = p_offset, p_offset + p_filesz
        while p_type == PT_NOTE and off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", image, off)
            desc = off + 12 + (namesz + 3 & ~3)
            if (image[off + 12:off + 12 + namesz] == b"PowerPC\0"
                    and ntype == PPC_ELFNOTE_CAPABILITIES and descsz >= 4):
                return desc
            off = desc + (descsz + 3 & ~3)
    sys.exit("no PowerPC capabilities note in " + sys.argv[1])


def ppc64_nokeys(image):
    """Clear PPCCAP_KDUMP_KEYS_BIT in the capabilities note"""
    desc = ppc64_caps_offset(image)
    caps, = struct.unpack_from("<I", image, desc)
    if not caps & PPCCAP_KDUMP_KEYS_BIT:
        sys.exit("%s announces no kdump keys (PowerPC capabilities %#x)"
                 % (sys.argv[1], caps))
    struct.pack_into("<I", image, desc, caps & ~PPCCAP_KDUMP_KEYS_BIT)


if len(sys.argv) != 3:
    sys.exit(__doc__)
image = bytearray(open(sys.argv[1], "rb").read())
if image[56:60] == b"ARM\x64":
    arm64_nokeys(image)
    open(sys.argv[2], "wb").write(image)
    sys.exit(0)
if image[:4] == b"\x7fELF" and struct.unpack_from("<H", image, 18)[0] == EM_PPC64:
    ppc64_nokeys(image)
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
