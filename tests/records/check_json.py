#!/usr/bin/python3
"""Every flow and alert record of impwatch's JSON output against
community_id.py: the Community ID computed from the record's own fields
(transport, client and server, ports, ICMP type and code) must be the
one impwatch wrote, under the seed given.

    check_json.py SEED FILE...

FILE: impwatch's JSON lines. Prints one line per record that differs,
then "checked N"; exits 1 when any differs or no record was checked.
Also checks what every record shares: a "time", and one run_id per file;
and that an alert's flow_id is that of a flow record of the same run.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from community_id import community_id  # noqa: E402

PROTOS = {'tcp': 6, 'udp': 17, 'icmp': 1, 'icmpv6': 58}


def expected(seed, r):
    """The Community ID of record r, or None when impwatch writes none."""
    t = r['transport']
    proto = PROTOS[t] if isinstance(t, str) else int(t)
    if proto == 132:
        return None   # impwatch does not read SCTP's ports
    if proto in (1, 58):
        # The client of a flow without ports sent its first packet: the
        # source of a one-way message.
        sport, dport = r['icmp_type'], r['icmp_code']
    else:
        sport, dport = r['client_port'], r['server_port']
    return community_id(seed, proto, r['client_ip'], r['server_ip'],
                        sport, dport)


def main():
    seed = int(sys.argv[1])
    checked = bad = 0
    for path in sys.argv[2:]:
        runs, flows, alerts = set(), set(), []
        with open(path) as fh:
            for n, line in enumerate(fh, 1):
                r = json.loads(line)
                runs.add(r.get('run_id'))
                if 'time' not in r:
                    print('%s:%d: %s record without time' % (path, n, r['type']))
                    bad += 1
                if r['type'] not in ('flow', 'alert'):
                    continue
                want = expected(seed, r)
                if r.get('community_id') != want:
                    print('%s:%d: %s %s:%s -> %s:%s: impwatch %s, community_id.py %s'
                          % (path, n, r['transport'], r['client_ip'],
                             r['client_port'], r['server_ip'],
                             r['server_port'], r.get('community_id'), want))
                    bad += 1
                if r['type'] == 'flow':
                    flows.add(r.get('flow_id'))
                else:
                    alerts.append((n, r.get('flow_id')))
                checked += 1
        if len(runs) != 1:
            print('%s: %d run ids' % (path, len(runs)))
            bad += 1
        for n, fid in alerts:
            if fid not in flows:
                print('%s:%d: alert flow_id %d has no flow record' % (path, n, fid))
                bad += 1
    print('checked %d' % checked)
    return 1 if bad or not checked else 0


if __name__ == '__main__':
    sys.exit(main())
