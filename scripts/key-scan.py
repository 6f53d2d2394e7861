#!/usr/bin/env python3
"""Search console logs for the exposure test's key.

The exposure scenario prints its random key masked ("KKT-KEYMASK <hex>",
see kdump_key_expose.c); this unmasks it and counts its first 32 bytes in
every log given, raw, or as hex text in either case with or without
separators.  Prints one line per log with a copy, then a summary; exit 1 if
any copy was found, 2 if no masked key was found.

    key-scan.py LOG_WITH_KEYMASK LOG...
"""
import re
import sys

PREFIX = 32


def mask(i):
    return 0x5a ^ ((i * 37 + 11) & 0xff)


def main():
    keymask = None
    with open(sys.argv[1], 'rb') as f:
        m = re.search(rb'^KKT-KEYMASK ([0-9a-f]{128})', f.read(), re.M)
        if m:
            keymask = bytes.fromhex(m.group(1).decode())
    if keymask is None:
        print('no KKT-KEYMASK line in', sys.argv[1])
        return 2
    prefix = bytes(b ^ mask(i) for i, b in enumerate(keymask))[:PREFIX]
    hexed = prefix.hex().encode()
    found = 0
    for path in sys.argv[2:]:
        with open(path, 'rb') as f:
            data = f.read()
        folded = re.sub(rb'[^0-9a-f]', b'', data.lower())
        n = data.count(prefix) + folded.count(hexed)
        if n:
            print('%s: %d copies of the key' % (path, n))
            found += n
    print('%d logs scanned, %d copies' % (len(sys.argv) - 2, found))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
