#!/usr/bin/python3
"""gen_capture.py OUT.pcap: a small capture for check_flows.py with what
the golden captures lack: DSCP marks, one re-marked on the way, TCP
conversations ending in each of Zeek's codes (S0, REJ, RSTOS0, RSTO,
RSTR, RSTRH, SH, SHR, S2, S3, SF, S1, OTH), one-way ICMP
messages with codes, ICMPv6, UDP both ways and one way, an 802.1Q tag
a GRE tunnel whose outer DSCP is not the inner one, and flows in the
Network Service Header (RFC 8300) in Geneve and behind an MPLS label in
VXLAN-GPE, which tshark reads to the same inner flow. Deterministic;
Python's standard library only (struct)."""
import struct
import sys

ETH_IP4, ETH_IP6, ETH_VLAN = 0x0800, 0x86DD, 0x8100
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, proto, payload, dscp=0, ident=1):
    a = bytes(int(x) for x in src.split('.'))
    b = bytes(int(x) for x in dst.split('.'))
    h = struct.pack('!BBHHHBBH4s4s', 0x45, dscp << 2, 20 + len(payload), ident,
                    0, 64, proto, 0, a, b)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload


def ip6(src, dst, nh, payload, dscp=0):
    import ipaddress
    v = 6 << 28 | dscp << 22
    return struct.pack('!IHBB16s16s', v, len(payload), nh, 64,
                       ipaddress.ip_address(src).packed,
                       ipaddress.ip_address(dst).packed) + payload


def tcp(sp, dp, flags, data=b'', seq=1000):
    return struct.pack('!HHIIBBHHH', sp, dp, seq, 0, 5 << 4, flags, 65535, 0, 0) + data


def udp(sp, dp, data):
    return struct.pack('!HHHH', sp, dp, 8 + len(data), 0) + data


def icmp(t, c, rest=b'\0\0\0\0'):
    return struct.pack('!BBH', t, c, 0) + rest


def eth(l3, etype=ETH_IP4, vlan=None):
    h = b'\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa'
    if vlan is not None:
        h += struct.pack('!HH', ETH_VLAN, vlan)
    return h + struct.pack('!H', etype) + l3


def gre(inner):
    return struct.pack('!HH', 0, ETH_IP4) + inner


def nsh(inner):
    """NSH: version 0, TTL 63, length 2 (no context), MD type 2, next
    protocol IPv4; service path 42, index 255."""
    return struct.pack('!HBBI', 63 << 6 | 2, 2, 1, 42 << 8 | 255) + inner


def geneve_nsh(inner):
    """Geneve, version 0, no options, protocol type 0x894f, VNI 42."""
    return struct.pack('!HHI', 0, 0x894F, 42 << 8) + nsh(inner)


def gpe_mpls(inner):
    """VXLAN-GPE (I and P, next protocol 5, VNI 42), MPLS label 16."""
    return struct.pack('!III', 0x0C000005, 42 << 8, 16 << 12 | 0x100 | 64) + inner


frames = []


def add(frame):
    frames.append(frame)


def conv(c, s, cp, sp, script, dscp=0, vlan=None):
    """A TCP conversation: script of (who, flags, data bytes)."""
    for who, flags, n in script:
        data = b'x' * n
        if who == 'C':
            add(eth(ip4(c, s, 6, tcp(cp, sp, flags, data), dscp), vlan=vlan))
        else:
            add(eth(ip4(s, c, 6, tcp(sp, cp, flags, data), dscp), vlan=vlan))


C, S = '10.9.0.1', '10.9.0.2'
conv(C, S, 40001, 5060, [('C', SYN, 0)])                                  # S0
conv(C, S, 40002, 5060, [('C', SYN, 0), ('S', RST | ACK, 0)])             # REJ
conv(C, S, 40003, 5061, [('C', SYN, 0), ('C', RST, 0)])                   # RSTOS0
conv(C, S, 40004, 5222, [('C', SYN, 0), ('S', SYN | ACK, 0), ('C', ACK, 0),
                         ('C', ACK | PSH, 20), ('C', RST | ACK, 0)], dscp=24)   # RSTO
conv(C, S, 40005, 5222, [('C', SYN, 0), ('S', SYN | ACK, 0), ('C', ACK, 0),
                         ('C', ACK | PSH, 20), ('S', RST, 0)], vlan=120)  # RSTR
conv(C, S, 40006, 8443, [('C', SYN, 0), ('C', FIN, 0)])                   # SH
conv(C, S, 40007, 8443, [('C', SYN, 0), ('S', SYN | ACK, 0), ('C', ACK, 0),
                         ('C', FIN | ACK, 0)])                            # S2
conv(C, S, 40008, 8443, [('C', SYN, 0), ('S', SYN | ACK, 0), ('C', ACK, 0),
                         ('S', FIN | ACK, 0)])                            # S3
conv(C, S, 40009, 5432, [('C', SYN, 0), ('S', SYN | ACK, 0), ('C', ACK, 0),
                         ('C', ACK | PSH, 100), ('S', ACK | PSH, 300)], dscp=18)  # S1
conv(C, S, 40010, 389, [('C', ACK | PSH, 50), ('S', ACK | PSH, 70)])      # OTH
conv(C, S, 40012, 5060, [('S', SYN | ACK, 0), ('S', RST, 0)])             # RSTRH
conv(C, S, 40013, 5060, [('S', SYN | ACK, 0), ('S', FIN | ACK, 0)])       # SHR
# SF, with DSCP 46 (EF) that a hop re-marks to 0 on the client's 4th packet.
for i, (who, flags, n) in enumerate([('C', SYN, 0), ('S', SYN | ACK, 0), ('C', ACK, 0),
                                     ('C', ACK | PSH, 30), ('S', ACK | PSH, 60),
                                     ('C', FIN | ACK, 0), ('S', FIN | ACK, 0),
                                     ('C', ACK, 0)]):
    d = 46 if not (who == 'C' and i >= 5) else 0
    pl = tcp(40011, 5061, flags, b'y' * n) if who == 'C' else tcp(5061, 40011, flags, b'y' * n)
    add(eth(ip4(C, S, 6, pl, d) if who == 'C' else ip4(S, C, 6, pl, 46)))
# Through GRE: outer DSCP 0, inner CS3; the inner flow is the record's.
for who, flags in (('C', SYN), ('S', SYN | ACK), ('C', ACK)):
    inner = ip4('192.168.5.1', '192.168.5.2', 6, tcp(41000, 5222, flags), 24) if who == 'C' \
        else ip4('192.168.5.2', '192.168.5.1', 6, tcp(5222, 41000, flags), 24)
    add(eth(ip4('10.8.0.1', '10.8.0.2', 47, gre(inner), 0)))
# Through NSH in Geneve and through MPLS in VXLAN-GPE, UDP from 49320.
for port, wrap, c, s in ((6081, geneve_nsh, '192.168.6.1', '192.168.6.2'),
                         (4790, gpe_mpls, '192.168.7.1', '192.168.7.2')):
    for who, flags in (('C', SYN), ('S', SYN | ACK), ('C', ACK)):
        inner = ip4(c, s, 6, tcp(41001, 5222, flags)) if who == 'C' \
            else ip4(s, c, 6, tcp(5222, 41001, flags))
        add(eth(ip4('10.8.0.1', '10.8.0.2', 17, udp(49320, port, wrap(inner)))))
# ICMP: echo both ways; one-way messages with codes (unreachable 3/13,
# time exceeded from a router); ICMPv6 echo and destination unreachable.
add(eth(ip4(C, S, 1, icmp(8, 0, b'\0\1\0\1'))))
add(eth(ip4(S, C, 1, icmp(0, 0, b'\0\1\0\1'))))
add(eth(ip4(S, C, 1, icmp(3, 13) + ip4(C, S, 17, udp(50000, 161, b'q')))))
add(eth(ip4('10.9.0.254', C, 1, icmp(11, 0) + ip4(C, S, 17, udp(50001, 162, b'q')))))
add(eth(ip6('2001:db8::1', '2001:db8::2', 58, icmp(128, 0, b'\0\7\0\1'), 46), ETH_IP6))
add(eth(ip6('2001:db8::2', '2001:db8::1', 58, icmp(129, 0, b'\0\7\0\1'), 46), ETH_IP6))
add(eth(ip6('2001:db8::9', '2001:db8::1', 58, icmp(1, 4), 0), ETH_IP6))
# UDP: an answered query (AF41 one way, CS0 back), and one unanswered.
add(eth(ip4(C, S, 17, udp(50053, 53, b'd' * 30), 34)))
add(eth(ip4(S, C, 17, udp(53, 50053, b'e' * 60), 0)))
add(eth(ip4(C, S, 17, udp(50162, 162, b't' * 40), 0)))
add(eth(ip6('2001:db8::1', '2001:db8::2', 17, udp(5060, 5060, b's' * 90), 24), ETH_IP6))

with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack('<IIII', 1767225600 + i, 0, len(fr), len(fr)))
        f.write(fr)
