#!/usr/bin/python3
"""check_flows.py FLOWDUMP PCAP...: impwatch's record fields for every flow
of each capture (FLOWDUMP, flowdump.c) against what tshark decodes of the
same packets, computed here without impwatch's code:

  - the Community ID: tshark's own (its communityid dissector) for the
    flow's first packet, and community_id.py's;
  - IP bytes each way: the innermost IP header's length fields (ip.len,
    40 + ipv6.plen), summed;
  - the first DSCP each way, and whether a later packet differed;
  - packets each way;
  - TCP flows: Zeek's conn_state, from a Zeek endpoint state machine
    written here from Zeek's source (TCPSessionAdapter.cc, main.zeek),
    run with Zeek's own originator: the sender of the first packet, or
    the receiver when that was a SYN+ACK; impwatch's client when the
    flow has no SYN at all (Zeek then guesses by port, as impwatch does).

Flows that tshark and impwatch do not both see as one conversation (the
same addresses, protocol and ports twice in one capture) are listed and
not compared. A conversation tshark decodes that impwatch has no flow of
(what a tunnel carries, left to its carrier) is a difference, but in the
captures of CARRIER_ONLY, which say why. Prints one line per difference and a summary; exit 1 on a
difference.
"""
import collections
import ipaddress
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from community_id import community_id  # noqa: E402

FIELDS = ['frame.protocols', 'ip.src', 'ip.dst', 'ip.len', 'ip.dsfield.dscp',
          'ip.proto', 'ip.id', 'ip.flags.mf', 'ip.frag_offset',
          'ipv6.src', 'ipv6.dst', 'ipv6.plen', 'ipv6.tclass.dscp',
          'ipv6.fraghdr.ident', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more',
          'tcp.srcport', 'tcp.dstport', 'tcp.flags', 'tcp.len',
          'udp.srcport', 'udp.dstport', 'icmp.type', 'icmp.code',
          'icmpv6.type', 'icmpv6.code', 'communityid']
PROTO = {'tcp': 6, 'udp': 17, 'icmp': 1, 'icmpv6': 58, 'gre': 47}
# Captures where tshark reads inside a carrier that impwatch leaves a
# flow of its own on purpose (README, "Reading captures").
CARRIER_ONLY = {
    'tun-forged.pcap': 'VXLAN from port 4789, or with its reserved bits '
                       'set, is the UDP flow it is',
}
IPV6_EXT = ('ipv6.hopopts', 'ipv6.routing', 'ipv6.dstopts', 'ipv6.fraghdr',
            'ah', 'ipv6.shim6', 'mipv6')


def tshark_packets(pcap):
    cmd = ['tshark', '-n', '-r', pcap, '--enable-protocol', 'communityid',
           '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE',
           '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a',
           '-E', 'aggregator=,']
    for f in FIELDS:
        cmd += ['-e', f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True, universal_newlines=True).stdout
    for line in out.splitlines():
        vals = line.split('\t')
        yield dict(zip(FIELDS, [v.split(',') if v else [] for v in vals]))


def nth(row, field, i):
    v = row.get(field, [])
    return v[i] if i < len(v) else None


def parse(row):
    """The innermost IP packet of a frame, as impwatch classifies it: the
    layer before any ICMP message (whose quote is another packet)."""
    protos = row['frame.protocols'][0].split(':') if row['frame.protocols'] else []
    cut = len(protos)
    for i, p in enumerate(protos):
        if p in ('icmp', 'icmpv6'):
            cut = i + 1
            break
    protos = protos[:cut]
    ip_at = max([i for i, p in enumerate(protos) if p in ('ip', 'ipv6')], default=-1)
    if ip_at < 0:
        return None
    kind = protos[ip_at]
    k = protos[:ip_at + 1].count(kind) - 1
    pkt = {}
    if kind == 'ip':
        pkt['src'] = nth(row, 'ip.src', k)
        pkt['dst'] = nth(row, 'ip.dst', k)
        pkt['ip_len'] = int(nth(row, 'ip.len', k))
        pkt['dscp'] = int(nth(row, 'ip.dsfield.dscp', k))
        pkt['proto'] = int(nth(row, 'ip.proto', k))
        off = int(nth(row, 'ip.frag_offset', k) or 0)
        more = nth(row, 'ip.flags.mf', k) in ('1', 'True')
        pkt['frag'] = (pkt['src'], pkt['dst'], nth(row, 'ip.id', k), pkt['proto']) \
            if off or more else None
        pkt['later'] = off != 0
    else:
        pkt['src'] = nth(row, 'ipv6.src', k)
        pkt['dst'] = nth(row, 'ipv6.dst', k)
        pkt['ip_len'] = 40 + int(nth(row, 'ipv6.plen', k))
        pkt['dscp'] = int(nth(row, 'ipv6.tclass.dscp', k))
        pkt['frag'] = None
        pkt['later'] = False
        nxt = next((p for p in protos[ip_at + 1:] if p not in IPV6_EXT), None)
        pkt['proto'] = PROTO.get(nxt, -1)
        if 'ipv6.fraghdr' in protos[ip_at + 1:]:
            j = protos[:ip_at + 1].count('ipv6') - 1
            off = int(nth(row, 'ipv6.fraghdr.offset', j) or 0)
            pkt['frag'] = (pkt['src'], pkt['dst'], nth(row, 'ipv6.fraghdr.ident', j))
            pkt['later'] = off != 0
    nxt = protos[ip_at + 1] if ip_at + 1 < len(protos) else None
    while nxt in IPV6_EXT:
        ip_at += 1
        nxt = protos[ip_at + 1] if ip_at + 1 < len(protos) else None
    pkt['sport'] = pkt['dport'] = 0
    pkt['flags'] = None
    pkt['tcp_len'] = 0
    pkt['type'] = pkt['code'] = 0
    if pkt['later']:
        pass
    elif nxt == 'tcp':
        t = protos[:ip_at + 2].count('tcp') - 1
        pkt['sport'] = int(nth(row, 'tcp.srcport', t))
        pkt['dport'] = int(nth(row, 'tcp.dstport', t))
        pkt['flags'] = int(nth(row, 'tcp.flags', t), 16)
        pkt['tcp_len'] = int(nth(row, 'tcp.len', t))
    elif nxt == 'udp':
        t = protos[:ip_at + 2].count('udp') - 1
        pkt['sport'] = int(nth(row, 'udp.srcport', t))
        pkt['dport'] = int(nth(row, 'udp.dstport', t))
    elif nxt in ('icmp', 'icmpv6'):
        pkt['type'] = int(nth(row, nxt + '.type', 0))
        pkt['code'] = int(nth(row, nxt + '.code', 0))
    cid = row.get('communityid') or []
    pkt['cid'] = cid[-1] if cid else None
    return pkt


# ---- Zeek's TCP endpoint machine, with Zeek's originator ----------------
INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET = range(7)
FIN, SYN, RST, ACK = 1, 2, 4, 16


class End:
    def __init__(self):
        self.state = INACTIVE
        self.prev = INACTIVE
        self.size = 0

    def set(self, s):
        if s != self.state:
            self.prev, self.state = self.state, s


def zeek_tcp(pkts, orig_is):
    """conn_state of the TCP packets (src, flags, len) with orig_is the
    originator's address:port."""
    o, r = End(), End()
    hist = []
    for src, flags, ln in pkts:
        is_orig = src == orig_is
        me, pe = (o, r) if is_orig else (r, o)
        syn, fin, rst, ack = flags & SYN, flags & FIN, flags & RST, flags & ACK
        n = bool(syn) + bool(fin) + bool(rst)
        letter = None
        if n > 1:
            letter = 'I' if fin and rst else 'Q'
        elif n == 1:
            letter = 'H' if syn and ack else 'S' if syn else 'F' if fin else 'R'
        elif ln:
            letter = 'D'
        elif ack:
            letter = 'A'
        if letter:
            hist.append(letter if is_orig else letter.lower())
        if ln and not rst:
            me.size += ln
        st = me.state
        if st == INACTIVE:
            if syn:
                if is_orig:
                    me.set(SYN_ACK_SENT if ack else SYN_SENT)
                else:
                    if pe.state == SYN_SENT:
                        pe.set(ESTABLISHED)
                    me.set(ESTABLISHED)
            if fin:
                me.set(CLOSED)
            if rst:
                me.set(RESET)
            if me.state == INACTIVE:
                if not is_orig and ln == 0 and o.state == SYN_SENT:
                    pass
                elif ack and pe.state == ESTABLISHED:
                    me.set(ESTABLISHED)
                else:
                    me.set(PARTIAL)
        elif st in (SYN_SENT, SYN_ACK_SENT):
            if fin:
                me.set(CLOSED)
            if rst:
                me.set(RESET)
        elif st in (ESTABLISHED, PARTIAL):
            if syn and st == PARTIAL and pe.state == INACTIVE and not ack:
                me.set(SYN_SENT)
            if fin and not rst:
                me.set(CLOSED)
                if pe.state == RESET and pe.prev == CLOSED:
                    pe.set(CLOSED)
            if rst:
                me.set(RESET)
        elif st == CLOSED:
            if rst and pe.state != CLOSED:
                me.set(RESET)
    os_, rs = o.state, r.state
    o_in = os_ in (INACTIVE, PARTIAL)
    r_in = rs in (INACTIVE, PARTIAL)
    h = ''.join(hist)
    if rs == RESET:
        if os_ in (SYN_SENT, SYN_ACK_SENT) or (os_ == RESET and o.size == 0 and r.size == 0):
            return 'REJ'
        return 'RSTRH' if o_in else 'RSTR'
    if os_ == RESET:
        if r_in:
            import re
            return 'RSTOS0' if re.fullmatch(r'\^?S[^HAFGIQ]*R.*', h) else 'OTH'
        return 'RSTO'
    if rs == CLOSED and os_ == CLOSED:
        return 'SF'
    if os_ == CLOSED:
        return 'SH' if r_in else 'S2'
    if rs == CLOSED:
        return 'SHR' if o_in else 'S3'
    if os_ == SYN_SENT and rs == INACTIVE:
        return 'S0'
    if os_ == ESTABLISHED and rs == ESTABLISHED:
        return 'S1'
    return 'OTH'


def norm(a):
    return str(ipaddress.ip_address(a))


def main():
    flowdump, pcaps = sys.argv[1], sys.argv[2:]
    diffs = compared = tcp_compared = skipped = 0
    for pcap in pcaps:
        name = os.path.basename(pcap)
        convs = collections.OrderedDict()
        firsts = {}
        held = collections.defaultdict(list)
        for row in tshark_packets(pcap):
            p = parse(row)
            if p is None:
                continue
            if p['frag'] and not p['later']:
                firsts[p['frag']] = p
            if p['later']:
                f = firsts.get(p['frag'])
                if f is None:
                    held[p['frag']].append(p)
                    continue
                for k in ('proto', 'sport', 'dport'):
                    p[k] = f[k]
            key = (p['proto'], frozenset([(norm(p['src']), p['sport']),
                                          (norm(p['dst']), p['dport'])]))
            convs.setdefault(key, []).append(p)
            if p['frag'] and not p['later'] and p['frag'] in held:
                # Fragments that came before their first one join its
                # flow with it, as impwatch's fragment table hands them.
                for h in held.pop(p['frag']):
                    for k in ('proto', 'sport', 'dport'):
                        h[k] = p[k]
                    convs[key].append(h)
        out = subprocess.run([flowdump, pcap], stdout=subprocess.PIPE,
                             check=True, universal_newlines=True).stdout
        lines = [l.split() for l in out.splitlines()]
        keys = collections.Counter(
            (int(l[0]), frozenset([(norm(l[1]), int(l[2])), (norm(l[3]), int(l[4]))]))
            for l in lines)
        for l in lines:
            proto = int(l[0])
            c, s = (norm(l[1]), int(l[2])), (norm(l[3]), int(l[4]))
            key = (proto, frozenset([c, s]))
            what = '%s: %s %s:%d -> %s:%d' % (name, proto, c[0], c[1], s[0], s[1])
            if keys[key] > 1 or key not in convs:
                print('  skipped %s (%s)' % (what, 'several flows' if keys[key] > 1
                                              else 'not one conversation for tshark'))
                skipped += 1
                continue
            pk = convs[key]
            got = dict(cid=l[5], state=l[6], pkts=(int(l[7]), int(l[8])),
                       ipb=(int(l[9]), int(l[10])), dscp=(int(l[11]), int(l[12])),
                       chg=(l[13] == '1', l[14] == '1'))
            exp = {}
            byc = [p for p in pk if (norm(p['src']), p['sport']) == c]
            bys = [p for p in pk if (norm(p['src']), p['sport']) == s and c != s]
            if c == s:   # one socket talking to itself: impwatch's side B
                byc, bys = pk, []
            exp['pkts'] = (len(byc), len(bys))
            exp['ipb'] = (sum(p['ip_len'] for p in byc), sum(p['ip_len'] for p in bys))
            exp['dscp'] = (byc[0]['dscp'] if byc else 0, bys[0]['dscp'] if bys else 0)
            exp['chg'] = (any(p['dscp'] != byc[0]['dscp'] for p in byc),
                          any(p['dscp'] != bys[0]['dscp'] for p in bys))
            f0 = pk[0]
            sp, dp = (f0['type'], f0['code']) if proto in (1, 58) else (f0['sport'], f0['dport'])
            exp['cid'] = community_id(0, proto, f0['src'], f0['dst'], sp, dp) \
                if proto != 132 else '-'
            bad = []
            for k in ('pkts', 'ipb', 'dscp', 'chg', 'cid'):
                if got[k] != exp[k]:
                    bad.append('%s %s, expected %s' % (k, got[k], exp[k]))
            if f0['cid'] and proto != 132 and got['cid'] != f0['cid']:
                bad.append('cid %s, tshark %s' % (got['cid'], f0['cid']))
            if proto == 6:
                segs = [p for p in pk if p['flags'] is not None]
                first = segs[0] if segs else None
                if first and first['flags'] & SYN and first['flags'] & ACK:
                    orig = (norm(first['dst']), first['dport'])
                elif first and first['flags'] & SYN:
                    orig = (norm(first['src']), first['sport'])
                else:
                    orig = c
                st = zeek_tcp([((norm(p['src']), p['sport']), p['flags'], p['tcp_len'])
                               for p in segs], orig)
                if got['state'] != st:
                    bad.append('conn_state %s, Zeek %s' % (got['state'], st))
                tcp_compared += 1
            elif proto == 17:
                st = 'SF' if byc and bys else 'S0' if byc else 'SHR'
                if got['state'] != st:
                    bad.append('conn_state %s, Zeek %s' % (got['state'], st))
            elif got['state'] != 'OTH':
                bad.append('conn_state %s, Zeek OTH' % got['state'])
            compared += 1
            if bad:
                diffs += 1
                print('FAIL %s: %s' % (what, '; '.join(bad)))
        # A conversation tshark decodes that impwatch has no flow of:
        # an inner flow left unread, judged as its carrier alone.
        for key in convs:
            if key not in keys and name not in CARRIER_ONLY:
                p = convs[key][0]
                print('FAIL %s: %s %s:%d -> %s:%d: tshark decodes it, impwatch '
                      'has no flow of it' % (name, key[0], p['src'], p['sport'],
                                             p['dst'], p['dport']))
                diffs += 1
    print('records: %d flows compared with tshark (%d TCP), %d skipped, %d differ'
          % (compared, tcp_compared, skipped, diffs))
    return 1 if diffs else 0


if __name__ == '__main__':
    sys.exit(main())
