#!/usr/bin/python3
"""gen_pairs.py OUT.pcap OUT.hosts: many pairs of hosts on many
catalogue rows, each host with a long inventory name, so that the
summary's coverage per pair of hosts is far longer than one JSON line
may be. 16 clients each send one UDP datagram to one server on each of
14 documented ports, every host with every role they need: 14 rows, each with more
pairs than coverage keeps. Deterministic; Python's standard library
only (struct)."""
import struct
import sys

PORTS = [5049, 5080, 50000, 8500, 6162, 6161, 5353, 21999, 5060, 53, 123,
         161, 162, 500]


ROLES = 'imp,sip-gateway,dns-server,ntp-server,snmp-server,trap-monitor,gateway'


def frame(src, dst, sport, dport, payload):
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17,
                     0, bytes(src), bytes(dst)) + udp
    return b'\x02' * 6 + b'\x04' * 6 + struct.pack('!H', 0x0800) + ip


def main():
    out, hosts = sys.argv[1], sys.argv[2]
    clients = [[10, 1, 0, i + 1] for i in range(16)]
    servers = [[10, 2, 0, i + 1] for i in range(len(PORTS))]
    with open(out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = 1767225600
        for k, port in enumerate(PORTS):
            for i, c in enumerate(clients):
                b = frame(c, servers[k], 40000 + i, port, b'x' * 20)
                f.write(struct.pack('<IIII', t, k * 1000 + i, len(b), len(b)))
                f.write(b)
    with open(hosts, 'w') as f:
        for i, c in enumerate(clients):
            f.write(ROLES + ' %s client-host-with-a-long-inventory-name'
                    '-for-the-siem-%02d\n' % ('.'.join(map(str, c)), i))
        for i, s in enumerate(servers):
            f.write(ROLES + ' %s server-host-with-a-long-inventory-name'
                    '-for-the-siem-%02d\n' % ('.'.join(map(str, s)), i))


if __name__ == '__main__':
    main()
