#!/usr/bin/python3
"""gen_scan.py OUT.pcap: a port scan and one real session, for the text
report's grouping of unanswered attempts: 40 SYNs from 198.51.100.9 to
40 ports of 192.0.2.10 that no row documents (ports 1000 to 1039), none
answered, 10 more answered by a RST (Zeek's REJ, ports 2000 to 2009),
and one TCP session to 3389 (handshake, data both ways, FINs).
Deterministic; Python's standard library only (struct)."""
import struct
import sys

FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
A, B = bytes([198, 51, 100, 9]), bytes([192, 0, 2, 10])


def tcp(src, dst, sport, dport, flags, seq=1, ack=0, data=b''):
    t = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags,
                    65535, 0, 0) + data
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(t), 1, 0, 64, 6, 0,
                     src, dst) + t
    return b'\x02' * 6 + b'\x04' * 6 + struct.pack('!H', 0x0800) + ip


def main():
    frames = []
    for i in range(40):
        frames.append(tcp(A, B, 40000 + i, 1000 + i, SYN))
    for i in range(10):
        frames.append(tcp(A, B, 41000 + i, 2000 + i, SYN))
        frames.append(tcp(B, A, 2000 + i, 41000 + i, RST | ACK, 0, 2))
    s = [(A, B, 50000, 3389, SYN, 1, 0, b''),
         (B, A, 3389, 50000, SYN | ACK, 100, 2, b''),
         (A, B, 50000, 3389, ACK, 2, 101, b''),
         (A, B, 50000, 3389, PSH | ACK, 2, 101, b'hello'),
         (B, A, 3389, 50000, PSH | ACK, 101, 7, b'world'),
         (A, B, 50000, 3389, FIN | ACK, 7, 106, b''),
         (B, A, 3389, 50000, FIN | ACK, 106, 8, b''),
         (A, B, 50000, 3389, ACK, 8, 107, b'')]
    frames += [tcp(*x) for x in s]
    with open(sys.argv[1], 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for n, b in enumerate(frames):
            f.write(struct.pack('<IIII', 1767225600, n * 1000, len(b), len(b)))
            f.write(b)


if __name__ == '__main__':
    main()
