#!/usr/bin/python3
"""gen_tags.py OUT.pcap: one UDP datagram to 5060 behind a QinQ pair of
tags (service tag 200, customer tag 100) and a Cisco MetaData header
with SGT 42 (Wireshark's packet-cisco-metadata.c: ethertype 0x8909,
version 1, length 1, options 2, SGT 2, then the next ethertype), and its
reply untagged: the record lists both tags, outer first, and the SGT of
the flow's first packet. Standard library only (struct)."""
import struct
import sys


def udp4(src, dst, sport, dport):
    u = struct.pack('!HHHH', sport, dport, 8 + 4, 0) + b'ping'
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(u), 1, 0, 64, 17,
                       0, bytes(src), bytes(dst)) + u


def main():
    a, b = [192, 0, 2, 30], [192, 0, 2, 10]
    macs = b'\x02' * 6 + b'\x04' * 6
    tagged = (macs + struct.pack('!HH', 0x88A8, 200) +
              struct.pack('!HH', 0x8100, 100) +
              struct.pack('!H', 0x8909) + struct.pack('!BBHH', 1, 1, 1, 42) +
              struct.pack('!H', 0x0800) + udp4(a, b, 5060, 5060))
    reply = macs + struct.pack('!H', 0x0800) + udp4(b, a, 5060, 5060)
    with open(sys.argv[1], 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for n, fr in enumerate((tagged, reply)):
            f.write(struct.pack('<IIII', 1767225600, n, len(fr), len(fr)))
            f.write(fr)


if __name__ == '__main__':
    main()
