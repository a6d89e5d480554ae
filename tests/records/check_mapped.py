#!/usr/bin/python3
"""The flows of gen_mapped.py's capture in every output of one run:
IPv6 addresses as IPv6 text (::ffff:192.0.2.10, RFC 5952 section 5),
IPv4 ones as dotted quads, never one written as the other.

    check_mapped.py DIR

DIR holds impwatch's outputs of that capture under its inventory:
run.json (--format json --alerts), run.csv, run.ecs (--alerts), run.txt
(text with --alerts, --html run.html and --graph run.dot), and, when
tshark is installed, tshark.txt: the client's and the server's address
of each SYN as tshark writes them (ipv6.src ipv6.dst ip.src ip.dst).
Prints one line per fault; exits 1 when there is one."""
import csv
import html
import json
import os
import re
import sys

M10, M50 = '::ffff:192.0.2.10', '::ffff:192.0.2.50'
M7 = '::ffff:198.51.100.7'
# (client, server, verdict, IP version) of each flow.
FLOWS = {(M10, M50, 'role-violation', 6),
         ('192.0.2.10', '192.0.2.50', 'documented', 4),
         (M7, '2001:db8::10', 'documented', 6)}
PAIRS = {(c, s) for c, s, _, _ in FLOWS}
FINDING = (M10, M50)

faults = []


def fault(what, got):
    faults.append('%s: %r' % (what, got))


def lines(d, name):
    with open(os.path.join(d, name), encoding='utf-8') as f:
        return f.read().splitlines()


def check_json(d):
    recs = [json.loads(x) for x in lines(d, 'run.json')]
    got = {(r['client_ip'], r['server_ip'], r['verdict'])
           for r in recs if r['type'] == 'flow'}
    if got != {f[:3] for f in FLOWS}:
        fault('JSON flows', sorted(got))
    got = [(r['client_ip'], r['server_ip']) for r in recs
           if r['type'] == 'alert']
    if got != [FINDING]:
        fault('JSON alerts', got)
    got = {(p['client'], p['server']) for r in recs
           if r['type'] == 'coverage_pairs' for p in r['entries']}
    if got != {('pub', 'pgdb'), (M7, 'pub6')}:
        fault('JSON coverage pairs', sorted(got))


def check_csv(d):
    with open(os.path.join(d, 'run.csv'), encoding='utf-8') as f:
        got = {(r['client_ip'], r['server_ip'], r['verdict'])
               for r in csv.DictReader(f)}
    if got != {f[:3] for f in FLOWS}:
        fault('CSV rows', sorted(got))


def check_ecs(d):
    flows, alerts = set(), []
    for x in lines(d, 'run.ecs'):
        r = json.loads(x)
        if 'source' not in r or 'port' not in r['source']:
            continue
        c, s = r['source']['ip'], r['destination']['ip']
        v = {'ipv4': 4, 'ipv6': 6}[r['network']['type']]
        if r['related']['ip'] != [c, s]:
            fault('ECS related.ip', r['related']['ip'])
        if r['event']['kind'] == 'alert':
            alerts.append((c, s))
        else:
            flows.add((c, s, v))
    if flows != {(c, s, v) for c, s, _, v in FLOWS}:
        fault('ECS source.ip, destination.ip, network.type', sorted(flows))
    if alerts != [FINDING]:
        fault('ECS alerts', alerts)


def check_text(d):
    t = lines(d, 'run.txt')
    ends = '[%s]:40000 -> [%s]:5432' % FINDING
    if not any(x.startswith('alert ') and ' tcp %s: ' % ends in x for x in t):
        fault('text alert line', [x for x in t if x.startswith('alert ')])
    if not any(x.startswith('    tcp %s ' % ends) for x in t):
        fault('text largest flows', [x for x in t if x.startswith('    tcp ')])
    for want in ('pub -> pgdb: 1', M7 + ' -> pub6: 1'):
        if not any(x.strip() == want for x in t):
            fault('text coverage pair ' + want,
                  [x for x in t if ' -> ' in x and ':' in x])
    if any('192.0.2.10:40000' in x and '[' not in x for x in t):
        fault('text: the IPv6 flow as IPv4',
              [x for x in t if '192.0.2.10:40000' in x])


def check_html(d):
    page = '\n'.join(lines(d, 'run.html'))
    cells = [html.unescape(c) for c in re.findall(r'<td[^>]*>([^<]*)</td>',
                                                  page)]
    for want in ('[%s]:40000' % M10, M50, M7):
        if want not in cells:
            fault('HTML cell ' + want, sorted(set(c for c in cells
                                                  if '.' in c and ':' in c)))
    if '192.0.2.10:40000' in cells or '198.51.100.7' in cells:
        fault('HTML: an IPv6 address as IPv4', '192.0.2.10:40000')
    svg = {html.unescape(x) for x in re.findall(r'<text[^>]*>([^<]*)</text>',
                                                page)}
    for want in (M10, M50, M7, '192.0.2.10', '192.0.2.50'):
        if want not in svg:
            fault('HTML picture node ' + want, sorted(svg))


def check_dot(d):
    dot = '\n'.join(lines(d, 'run.dot'))
    labels = set(re.findall(r'^\s*h\d+\s*\[[^]]*?label="([^"]*)"', dot,
                            re.M))
    want = {M10, M50, M7, 'pub\\n192.0.2.10', 'pgdb\\n192.0.2.50',
            'pub6\\n2001:db8::10'}
    if labels != want:
        fault('DOT nodes', sorted(labels))


def check_tshark(d):
    p = os.path.join(d, 'tshark.txt')
    if not os.path.exists(p):
        return
    got = set()
    for x in lines(d, 'tshark.txt'):
        v6s, v6d, v4s, v4d = (x.split('\t') + [''] * 4)[:4]
        got.add((v6s or v4s, v6d or v4d))
    if got != PAIRS:
        fault("tshark's addresses", sorted(got))


def main():
    d = sys.argv[1]
    for check in (check_json, check_csv, check_ecs, check_text, check_html,
                  check_dot, check_tshark):
        check(d)
    for f in faults:
        print(f)
    return 1 if faults else 0


if __name__ == '__main__':
    sys.exit(main())
