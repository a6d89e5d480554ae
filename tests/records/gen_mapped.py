#!/usr/bin/python3
"""gen_mapped.py OUT.pcap OUT.hosts: IPv6 packets whose addresses are
IPv4-mapped (::ffff:a.b.c.d, RFC 4291 2.5.5.2: no host sends them, anyone
on a SPAN port can), beside the IPv4 packets they mimic. Three TCP
handshakes:

  1  ::ffff:192.0.2.10:40000 -> ::ffff:192.0.2.50:5432  (IPv6)
  2  192.0.2.10:40000 -> 192.0.2.50:5432                (IPv4)
  3  ::ffff:198.51.100.7:40001 -> [2001:db8::10]:5222   (IPv6)

and an inventory in which 192.0.2.10 is the publisher, 192.0.2.50 the
PostgreSQL database, 2001:db8::10 a publisher and 198.51.100.0/24 the
XMPP clients. 1 and 2 differ by their IP version alone: 2 is documented,
1 a role violation between two hosts outside the inventory, which every
output must write as tcpdump, tshark and Zeek do (RFC 5952 section 5),
never as the publisher's 192.0.2.10. 3 is documented (an unknown client
may be an XMPP client). Standard library only (tests/lib/tcpcap.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from tcpcap import handshake, write_pcap  # noqa: E402

MAPPED = [0] * 10 + [255, 255]
HOSTS = """imp-publisher   192.0.2.10        pub
postgresql-db   192.0.2.50        pgdb
imp-publisher   2001:db8::10      pub6
xmpp-client     198.51.100.0/24   clients
"""


def main():
    pub, db, client = [192, 0, 2, 10], [192, 0, 2, 50], [198, 51, 100, 7]
    pub6 = [0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [0x10]
    frames = (handshake(MAPPED + pub, MAPPED + db, 40000, 5432) +
              handshake(pub, db, 40000, 5432) +
              handshake(MAPPED + client, pub6, 40001, 5222))
    write_pcap(sys.argv[1], frames,
               [1767225600 + i for i in range(len(frames))])
    with open(sys.argv[2], "w") as f:
        f.write(HOSTS)


if __name__ == '__main__':
    main()
