#!/usr/bin/env python3
"""Copy a bzImage with its kernel_info "KDKY" chunk renamed, so that it no
longer announces that it takes kdump keys: a stand-in for a capture kernel
built without CONFIG_KEYS_KDUMP.  Usage: nokeys-bzimage.py IN OUT"""
import struct
import sys

if len(sys.argv) != 3:
    sys.exit(__doc__)
image = bytearray(open(sys.argv[1], "rb").read())
setup_sects = image[0x1F1] or 4
kinfo = (setup_sects + 1) * 512 + struct.unpack_from("<I", image, 0x268)[0]
magic, size, total = struct.unpack_from("<4sII", image, kinfo)
if magic != b"LToP":
    sys.exit("no kernel_info in " + sys.argv[1])
chunk = image.find(b"KDKY", kinfo + size, kinfo + total)
if chunk < 0:
    sys.exit("no KDKY chunk in " + sys.argv[1])
image[chunk:chunk + 4] = b"XXXX"
open(sys.argv[2], "wb").write(image)
