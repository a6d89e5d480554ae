#!/usr/bin/python3
"""gen_echo.py [--near] OUT.pcap: ICMP echo for the icmp-tunnel check's
count of unmatched replies. From 198.51.100.7 to 192.0.2.10: a ping
answered, a request answered with other data, a reply under a sequence
number no request had (2 unmatched: short of a tunnel); unless --near,
from 198.51.100.8 to 192.0.2.10: a request, then 4 replies of other
data (a tunnel: 4 unmatched, more than 3). 6 unmatched replies in all.
One frame a second. Standard library only (tests/lib/tcpcap.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from tcpcap import echo, write_pcap  # noqa: E402

SRV = [192, 0, 2, 10]
NEAR, TUN = [198, 51, 100, 7], [198, 51, 100, 8]


def main():
    ping = bytes(range(0x10, 0x40))
    frames = [echo(NEAR, SRV, False, 0x1234, 1, ping),
              echo(SRV, NEAR, True, 0x1234, 1, ping),
              echo(NEAR, SRV, False, 0x1234, 2, ping),
              echo(SRV, NEAR, True, 0x1234, 2, b"other data, not the request"),
              echo(SRV, NEAR, True, 0x1234, 9, ping)]
    if sys.argv[1] != "--near":
        frames.append(echo(TUN, SRV, False, 0x1234, 1, ping))
        frames += [echo(SRV, TUN, True, 0x1234, 1, b"shell output %d" % i)
                   for i in range(4)]
    write_pcap(sys.argv[-1], frames,
               range(1767225600, 1767225600 + len(frames)))


if __name__ == "__main__":
    main()
