#!/usr/bin/python3
"""Community ID v1, written from its specification alone (corelight's
community-id-spec), to check impwatch's C implementation against: a
second implementation that shares no code with it.

As a module: community_id(seed, proto, saddr, daddr, sport, dport).
As a program: one tuple per line on standard input,

    SEED PROTO SADDR DADDR SPORT DPORT

(ports are the ICMP type and code for protocols 1 and 58, ignored for
protocols without ports), one ID per line on standard output.
Standard library only: hashlib, base64, struct, ipaddress.
"""
import base64
import hashlib
import ipaddress
import struct
import sys

# Message types that have a reply type, as the specification takes them
# from Zeek; every other type is one-way.
ICMP4_PAIRS = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10,
               17: 18, 18: 17}
ICMP6_PAIRS = {128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135,
               130: 131, 131: 130, 139: 140, 140: 139, 144: 145, 145: 144}
PORT_PROTOS = {6, 17, 132}


def community_id(seed, proto, saddr, daddr, sport, dport):
    """The Community ID of one direction's tuple, as a string."""
    src = ipaddress.ip_address(saddr).packed
    dst = ipaddress.ip_address(daddr).packed
    ports = True
    one_way = False
    if proto == 1 or proto == 58:
        pairs = ICMP4_PAIRS if proto == 1 else ICMP6_PAIRS
        if sport in pairs:
            dport = pairs[sport]
        else:
            one_way = True
    elif proto not in PORT_PROTOS:
        ports = False
    if not one_way:
        if src > dst or (src == dst and ports and sport > dport):
            src, dst, sport, dport = dst, src, dport, sport
    data = struct.pack('!H', seed) + src + dst + struct.pack('!BB', proto, 0)
    if ports:
        data += struct.pack('!HH', sport, dport)
    return '1:' + base64.b64encode(hashlib.sha1(data).digest()).decode('ascii')


def main():
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        print(community_id(int(f[0]), int(f[1]), f[2], f[3], int(f[4]), int(f[5])))


if __name__ == '__main__':
    main()
