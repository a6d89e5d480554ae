#!/usr/bin/python3
"""gen_drops.py OUT.pcapng: a pcapng that says it lost most of what it
saw: 100 UDP datagrams 198.51.100.7:40000 -> 192.0.2.10:5060, one a
second, then an Interface Statistics Block (type 5) whose isb_ifrecv
(code 4) is 1000 and isb_ifdrop (code 5) 900 (pcapng, draft-ietf-
opsawg-pcapng section 4.6). Every output must say the 900 and the poor
health they make. Standard library only (struct)."""
import struct
import sys


def frame(i):
    body = b'OPTIONS sip:x SIP/'
    u = struct.pack('!HHHH', 40000, 5060, 8 + len(body), 0) + body
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(u), i, 0, 64, 17,
                     0, bytes([198, 51, 100, 7]), bytes([192, 0, 2, 10]))
    return b'\x02' * 6 + b'\x04' * 6 + struct.pack('!H', 0x0800) + ip + u


def pad(b):
    return b + b'\0' * (-len(b) % 4)


def block(t, body):
    n = 12 + len(body)
    return struct.pack('<II', t, n) + body + struct.pack('<I', n)


def main():
    out = block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack('<HHI', 1, 0, 65535))
    for i in range(100):
        f = frame(i)
        us = (1767225600 + i) * 1000000
        out += block(6, struct.pack('<IIIII', 0, us >> 32, us & 0xffffffff,
                                    len(f), len(f)) + pad(f))
    opts = (struct.pack('<HHQ', 4, 8, 1000) + struct.pack('<HHQ', 5, 8, 900) +
            struct.pack('<HH', 0, 0))
    out += block(5, struct.pack('<III', 0, 0, 0) + opts)
    with open(sys.argv[1], 'wb') as f:
        f.write(out)


if __name__ == '__main__':
    main()
