#!/usr/bin/python3
"""Tuples for run.sh's comparison, one per line (community_id.py's input
format), deterministic: every ICMP and ICMPv6 type with a few codes, both
ways; equal addresses; the extreme ports and seeds; IPv4, IPv6 and
IPv4-mapped IPv6 addresses; every IP protocol number; then random ones.
"""
import random

rng = random.Random(16)
SEEDS = [0, 1, 255, 256, 4660, 65535]


def v4():
    return '.'.join(str(rng.randrange(256)) for _ in range(4))


def v6():
    return ':'.join('%x' % rng.randrange(65536) for _ in range(8))


def addr(fam):
    return v4() if fam == 4 else v6()


out = []
for proto in (1, 58):
    for t in range(256):
        for code in (0, 1, 13, 255):
            fam = 4 if proto == 1 else 6
            a, b = addr(fam), addr(fam)
            seed = rng.choice(SEEDS)
            out.append((seed, proto, a, b, t, code))
            out.append((seed, proto, b, a, t, code))
for proto in range(256):
    for fam in (4, 6):
        a, b = addr(fam), addr(fam)
        sp, dp = rng.randrange(65536), rng.randrange(65536)
        out.append((rng.choice(SEEDS), proto, a, b, sp, dp))
        out.append((rng.choice(SEEDS), proto, b, a, dp, sp))
        # Equal addresses: the ports decide the order.
        out.append((rng.choice(SEEDS), proto, a, a, sp, dp))
for seed in SEEDS:
    for sp, dp in ((0, 0), (0, 65535), (65535, 0), (65535, 65535), (1, 1)):
        out.append((seed, 6, '10.0.0.1', '10.0.0.2', sp, dp))
        out.append((seed, 17, '::ffff:10.0.0.2', '::ffff:10.0.0.1', sp, dp))
        out.append((seed, 132, '::', '::1', sp, dp))
for _ in range(3000):
    fam = rng.choice((4, 6))
    proto = rng.choice((1, 6, 17, 58, 132, 47, 50, rng.randrange(256)))
    out.append((rng.randrange(65536), proto, addr(fam), addr(fam),
                rng.randrange(65536) if proto not in (1, 58) else rng.randrange(256),
                rng.randrange(65536) if proto not in (1, 58) else rng.randrange(256)))
for t in out:
    print('%d %d %s %s %d %d' % t)
