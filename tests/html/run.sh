#!/bin/sh
# run.sh BIN: the HTML report (--html) and its graph (--graph): what the
# page says, that it fetches nothing and escapes what it is given, that
# it stays small on a port scan, the output files' safety rules; then
# the page in a real browser (headless Chromium): it loads without a
# console error, and the verdict, the picture and every finding are in
# the document it builds. Chromium and Graphviz's dot are installed by
# `make deps`; where one is absent, the cases that need it are skipped,
# said on a line of their own.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
skip=0
need jq html

demo="-q -r pcaps/demo.pcap --hosts rules/example.hosts"

# The demo, with its inventory, under --validate: findings, exit 1.
# shellcheck disable=SC2086
check demo 1 '^Validate: FAIL' "$bin" $demo --validate --html "$tmp/demo.html" \
	--graph "$tmp/demo.dot"
# shellcheck disable=SC2086
"$bin" $demo --format json >"$tmp/demo.json" 2>/dev/null
page=$tmp/demo.html

# The verdict in one line at the top, with the count of each finding.
has verdict-first "$page" '^<div class="verdict fail" id="verdict">FAIL: 3 undocumented, 2 local-only, 3 role-violation \(exit 1\)</div>$'
# ... the text report's own first line.
# shellcheck disable=SC2086
"$bin" $demo --validate >"$tmp/demo.txt" 2>/dev/null
has verdict-is-lead "$page" "^<div class=\"verdict fail\" id=\"verdict\">$(head -n 1 "$tmp/demo.txt" | sed 's/[().]/\\&/g')</div>\$"
assert verdict-before-picture "$(grep -n 'id="verdict"' "$page" | cut -d: -f1)" -lt \
	"$(grep -n '<svg' "$page" | cut -d: -f1)"
# Time range, sensor, provenance.
has time-range "$page" '<th>Packets</th><td>2026-01-01T00:00:00.000000Z to 2026-01-01T00:00:03.175000Z \(3\.2 s\)</td>'
has sensor "$page" "<th>Sensor</th><td>$(hostname)</td>"
has provenance "$page" "impwatch [0-9.]+, nDPI $(pkg-config --modversion libndpi | sed 's/\./\\./g')"
has catalogue-sha "$page" "<th>Catalogue</th><td>built in, SHA-256 <code>$(sha256sum rules/imp.conf | cut -c1-64)</code>"
has inventory-sha "$page" "<th>Inventory</th><td>rules/example.hosts, SHA-256 <code>$(sha256sum rules/example.hosts | cut -c1-64)</code>"
has command-line "$page" '<th>Command</th><td>[^<]*impwatch -q -r pcaps/demo.pcap --hosts rules/example.hosts --validate --html '
has run-id "$page" '<th>Run</th><td>[0-9a-f]{32}</td>'
# DSCP per documented service (the demo marks none: best effort).
has dscp "$page" '<td>sip-proxy-tls</td><td>SIP</td><td>tcp/5061</td>.*<td>TLS 1</td><td>BE \(0\)</td></tr>$'
# The picture: one inline SVG; an edge per (client, server, verdict), as
# many finding edges as the records have finding triples (the demo is
# under every bound, so nothing is left out).
count one-svg "$page" '^<svg ' 1
want=$(jval 'select(.type=="flow" and .verdict != "documented" and .verdict != "trusted-tunnel") | "\(.client_ip) \(.server_ip) \(.verdict)"' "$tmp/demo.json" | sort -u | wc -l)
got=$(grep -c 'class=finding' "$tmp/demo.dot")
assert finding-edges-dot "$got" -eq "$want" -a "$want" -gt 0
count finding-edges-svg "$page" '^<g id="edge[0-9]+" class="edge finding">' "$want"
hasnt nothing-left-out "$page" 'are not\.|are one node'
# Clusters by role, named hosts.
has cluster-role "$tmp/demo.dot" 'label="imp,imp-publisher"'
has host-named "$tmp/demo.dot" 'label="imp-pub\\n192\.0\.2\.10"'
# The DOT file is what Graphviz reads.
if command -v dot >/dev/null 2>&1; then
	check dot-reads 0 '<svg' dot -Tsvg "$tmp/demo.dot"
else
	echo "html: dot not installed, DOT check skipped (make deps installs graphviz)"
	skip=$((skip + 1))
fi
# Every finding flow of the records, by its client address and port.
# An IPv6 address is bracketed ([a]:port), so that its last group is
# never read as the port.
jval 'select(.type=="flow" and .verdict != "documented" and .verdict != "trusted-tunnel") |
	if (.client_ip | contains(":")) then "[\(.client_ip)]:\(.client_port)"
	else "\(.client_ip):\(.client_port)" end' \
	"$tmp/demo.json" >"$tmp/findings.txt"
n=0 missing=0
while read -r f; do
	n=$((n + 1))
	grep -qF "<td>$f" "$page" || { missing=$((missing + 1)); echo "  missing $f"; }
done <"$tmp/findings.txt"
assert every-finding "$n" -eq 8 -a "$missing" -eq 0
# Coverage as bars, per table; per pair of hosts with the inventory.
has coverage-table "$page" '<td class="n" data-v="2">2</td><td class="n" data-v="2">2</td><td class="n" data-v="5">5</td><td data-v="28"><span class="bar" title="2 of 7"><span style="width:28%"></span></span></td><td>sip-proxy-mtls, '
has coverage-pairs "$page" '<td>sip-proxy-tls</td><td>sip-gw</td><td>imp-pub</td>'
has coverage-pair-bars "$page" '^<tr><td>imp-sub1</td><td>imp-pub</td><td class="n" data-v="5">5</td><td data-v="5"><span class="bar"><span style="width:100%"></span></span></td></tr>$'
has health "$page" '<h2>Capture health: <span class="ok">ok</span></h2>'
# Nothing fetched: no external script, style, font or image, and a
# policy that forbids any.
has csp "$page" "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"
hasnt no-fetch "$page" '<(link|img|iframe|object|embed)|src=|@import|url\(|@font-face|href='
count one-script "$page" '<script' 1
# No payload byte: the SIP, HTTP, RDP and XMPP the demo carries.
hasnt no-payload "$page" 'Call-ID|ca110001|mstshash|GET /status|jabber:client|OPTIONS sip:'

# A PASS page; an inconclusive one without --validate (the page says
# what the gate would say, the run exits 0). The line is the text
# report's lead line.
check pass 0 '' "$bin" -q --validate -r pcaps/link-ether.pcap --html "$tmp/pass.html"
has pass-verdict "$tmp/pass.html" '^<div class="verdict pass" id="verdict">PASS: 2 documented \(exit 0\)</div>$'
# Each service never seen is named once in its table's coverage row:
# table 29's two icmp-echo rows (to IM and Presence, and from it) were
# "icmp-echo, icmp-echo", and tables 30 and 31 named some twice too.
has never-seen-once "$tmp/pass.html" '^<tr><td class="n" data-v="29">29</td>.*<td>icmp-echo</td></tr>$'
dups=$(grep '<span class="bar" title=' "$tmp/pass.html" |
	sed -n 's/.*<td>\([^<]*\)<\/td><\/tr>$/\1/p' |
	while IFS= read -r l; do printf '%s\n' "$l" | sed 's/, /\n/g' | sort | uniq -d; done)
assert never-seen-each-once -z "$dups"
check inconclusive 0 '' "$bin" -q -r pcaps/health-half-duplex.pcap --html "$tmp/inc.html"
has inconclusive-verdict "$tmp/inc.html" '^<div class="verdict inconclusive" id="verdict">INCONCLUSIVE: capture health is poor \(exit 3\) under --validate<p class="why">capture health is poor: [0-9]+ of [0-9]+ TCP flows seen in one direction'
# A verdict the table of verdicts gained shows with no change here:
# cleartext on TLS-only ports, its section and its edge.
check cleartext 1 '' "$bin" -q --validate -r pcaps/real-tls-cleartext.pcap --html "$tmp/clear.html"
has cleartext-verdict "$tmp/clear.html" '^<div class="verdict fail" id="verdict">FAIL: 3 cleartext \(exit 1\)</div>$'
has cleartext-section "$tmp/clear.html" '<h3 class="finding" id="finding-cleartext">Cleartext on TLS-only ports'
has cleartext-edge "$tmp/clear.html" '<g id="edge[0-9]+" class="edge finding">'

# A site's row (--rules-add) is the site's, never the guide's table it
# names (the page showed table 23, and counted it in table 23's
# coverage): its file and line, and the coverage's site rows.
check site-row 0 '' "$bin" -q -r pcaps/real-postgresql-15432.pcap \
	--rules-add tests/rules/site-postgresql.conf --html "$tmp/site.html"
has site-row-service "$tmp/site.html" '^<tr><td data-v="0">site row tests/rules/site-postgresql\.conf:3</td><td>ext-db-postgresql</td><td>TCP</td><td>tcp/15432</td>'
has site-row-coverage "$tmp/site.html" '^<tr><td data-v="0">site rows</td><td class="n" data-v="1">1</td><td class="n" data-v="0">0</td>'
has site-row-guide-table "$tmp/site.html" '^<tr><td class="n" data-v="23">23</td><td class="n" data-v="0">0</td><td class="n" data-v="2">2</td>.*<td>ext-db-oracle, ext-db-mssql</td></tr>$'

# A capture with no packet: an empty picture, and the gate's reason.
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000' >"$tmp/empty.pcap"
check empty 0 '' "$bin" -q -r "$tmp/empty.pcap" --html "$tmp/empty.html" --graph "$tmp/empty.dot"
has empty-verdict "$tmp/empty.html" '^<div class="verdict inconclusive" id="verdict">INCONCLUSIVE: no packets \(exit 3\) under --validate<p class="why">no packets: the capture holds none</p></div>$'
count empty-svg "$tmp/empty.html" '^<svg ' 1
has empty-dot "$tmp/empty.dot" '^digraph impwatch \{'

# What the page is given is escaped: an input file's name and a rule's
# protocol are the writer's to choose (an inventory name is letters,
# digits, '.', '-' and '_' only: the inventory refuses the rest).
evil="$tmp/<img src=x onerror=alert(1)>'\".pcap"
cp pcaps/demo.pcap "$evil"
printf '0 | site-evil | browser -> imp | <script>alert(2)</script> | udp | 9999 | ephemeral | wire | any | x | | \n' >"$tmp/evil.conf"
check hostile 0 '' "$bin" -q -r "$evil" --rules-add "$tmp/evil.conf" --html "$tmp/evil.html"
hasnt hostile-no-tag "$tmp/evil.html" '<img|<script>alert'
has hostile-file "$tmp/evil.html" '&lt;img src=x onerror=alert\(1\)&gt;&#39;&quot;\.pcap'
has hostile-rule "$tmp/evil.html" '<td>&lt;script&gt;alert\(2\)&lt;/script&gt;</td>'
# A name that is not UTF-8 is U+FFFD on the page, as in JSON and CSV:
# the page says it is UTF-8 (it held the byte 0xff as given), and HTML
# has no place for a C1 control (U+0085 here) either.
bad="$tmp/$(printf 'bad\377\302\205name').pcap"
cp pcaps/link-ether.pcap "$bad"
check hostile-utf8 0 '' "$bin" -q -r "$bad" --html "$tmp/utf8.html"
check hostile-utf8-valid 0 '' iconv -f UTF-8 -t UTF-8 "$tmp/utf8.html"
has hostile-utf8-fffd "$tmp/utf8.html" '<td>[^<]*/bad&#xfffd;&#xfffd;name\.pcap: 10 packets'
# ... and so is a bidirectional control (U+202E here), which turned the
# rest of the name around ('rlo' then 'pcap.fdp' read backwards), and
# would the rest of a reason in the verdict.
rlo="$tmp/$(printf 'rlo\342\200\256pdf').pcap"
cp pcaps/link-ether.pcap "$rlo"
check hostile-bidi 0 '' "$bin" -q -r "$rlo" --html "$tmp/bidi.html"
has hostile-bidi-fffd "$tmp/bidi.html" '<td>[^<]*/rlo&#xfffd;pdf\.pcap: 10 packets'
echo 'imp 192.0.2.10 <script>' >"$tmp/evil.hosts"
check hostile-inventory 2 "bad name '<script>'" "$bin" -q -r pcaps/demo.pcap \
	--hosts "$tmp/evil.hosts" --html "$tmp/x.html"

# The traffic is the attacker's: markup in every name nDPI reads (an
# HTTP request line, Host and User-Agent, a server's header, a TLS SNI,
# a DNS query name, SIP's From and User-Agent, an XMPP stream's to),
# each carrying the word IMPWATCHXSS. None of it reaches the page or
# the graph (no payload byte does); in the browser, below, the title is
# the page's own and nothing is logged.
PYTHONPATH=tests/lib python3 - "$tmp/xss.pcap" <<'EOF'
import struct, sys
from tcpcap import session, udp, write_pcap
x = b'"><script>document.title="IMPWATCHXSS"</script><img src=x onerror=IMPWATCHXSS>'
def client_hello(sni):
    ext = struct.pack('!HHHBH', 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
    body = (b'\x03\x03' + b'\x11' * 32 + b'\x00' + b'\x00\x02\x13\x01' +
            b'\x01\x00' + struct.pack('!H', len(ext)) + ext)
    hs = b'\x01' + struct.pack('!I', len(body))[1:] + body
    return b'\x16\x03\x01' + struct.pack('!H', len(hs)) + hs
def dns(name):
    q = b''.join(bytes([len(l)]) + l for l in name.split(b'.')) + b'\x00'
    return b'\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00' + q + b'\x00\x01\x00\x01'
c, s = [198, 51, 100, 7], [192, 0, 2, 10]
frames = (session(c, s, 40080, 80,
                  b'GET /' + x + b' HTTP/1.1\r\nHost: ' + x + b'\r\nUser-Agent: ' + x + b'\r\n\r\n',
                  b'HTTP/1.1 200 OK\r\nServer: ' + x + b'\r\nContent-Length: 0\r\n\r\n') +
          session(c, s, 40443, 443, client_hello(b'IMPWATCHXSS.' + x.replace(b' ', b'')), b'') +
          session(c, s, 45222, 5222, b"<?xml version='1.0'?><stream:stream to='" + x +
                  b"' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                  b'') +
          [udp(c, s, 40053, 53, dns(b'IMPWATCHXSS.<script>alert(1)</script>.example')),
           udp(c, s, 45060, 5060, b'OPTIONS sip:' + x + b'@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:45060\r\n'
               b'From: "' + x + b'" <sip:a@198.51.100.7>;tag=1\r\nTo: <sip:b@192.0.2.10>\r\n'
               b'Call-ID: 1@x\r\nCSeq: 1 OPTIONS\r\nUser-Agent: ' + x + b'\r\nContent-Length: 0\r\n\r\n')])
write_pcap(sys.argv[1], frames, [1767225600 + i // 4 for i in range(len(frames))])
EOF
check xss-run 1 '' "$bin" -q --validate -r "$tmp/xss.pcap" --html "$tmp/xss.html" \
	--graph "$tmp/xss.dot" --format json -o "$tmp/xss.json"
assert xss-dpi-named "$(jval 'select(.type=="flow") | .app' "$tmp/xss.json" | sort -u | tr '\n' ' ')" = \
	'DNS HTTP Jabber SIP TLS '
hasnt xss-page "$tmp/xss.html" 'IMPWATCHXSS|onerror|<img'
hasnt xss-graph "$tmp/xss.dot" 'IMPWATCHXSS|onerror|<img'

# A port scan and a sweep: 3000 ports of one host, then 3000 hosts of a
# /16, each a SYN. The page stays small; it says what it left out.
python3 - "$tmp/scan.pcap" <<'EOF'
import struct, sys
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
out = open(sys.argv[1], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
def syn(i, dst, dport):
    tcp = struct.pack('!HHIIBBHHH', 40000 + i % 20000, dport, i, 0, 5 << 4, 2, 1024, 0, 0)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, i & 0xffff, 0, 64, 6, 0,
                     bytes([10, 0, 0, 1]), bytes(dst))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    eth = b'\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x01\x08\x00'
    f = eth + ip + tcp
    out.write(struct.pack('<IIII', 1767225600 + i // 1000, i % 1000 * 1000, len(f), len(f)))
    out.write(f)
for i in range(3000):
    syn(i, [10, 0, 0, 2], 1 + i)
for i in range(3000):
    syn(3000 + i, [10, 1, i // 256, i % 256], 22)
EOF
check scan 0 '' "$bin" -q --no-dpi -r "$tmp/scan.pcap" --html "$tmp/scan.html" \
	--graph "$tmp/scan.dot" -o "$tmp/scan.txt"
# Two runs draw the same graph, whatever order the flows ended in.
"$bin" -q --no-dpi -r "$tmp/scan.pcap" --graph "$tmp/scan2.dot" >/dev/null 2>&1
same scan-same-graph "$tmp/scan.dot" "$tmp/scan2.dot"
size=$(wc -c <"$tmp/scan.html")
assert scan-page-small "$size" -lt 200000
has scan-hosts-said "$tmp/scan.html" '3002 hosts: the 40 with findings and the most bytes are drawn, the other 2962 are one node\.'
# Ports that saw only unanswered attempts (the SYNs) are one row, in the
# words of the text's "attempts only" line, and the heading's sessions
# and attempts are said, as the text says them; the page listed 20 ports
# of one SYN each, then "2967 more".
said=$(sed -n 's/^  attempts only    //p' "$tmp/scan.txt" | head -n 1 | sed 's/[().]/\\&/g')
has scan-attempts-row "$tmp/scan.html" "^<tr class=\"finding\" id=\"attempts-undocumented\"><td data-v=\"\">attempts only</td><td>$said</td><td class=\"n\" data-v=\"2987\">2987</td>"
has scan-attempts-words "$tmp/scan.html" '<td>2987 flows to 2987 ports, never answered: tcp/1, tcp/2, tcp/3, tcp/4, tcp/5, tcp/6, tcp/8, tcp/9, tcp/10, tcp/11, \.\.\. \(2977 more\)</td>'
has scan-attempts-split "$tmp/scan.html" '^<p>0 sessions, 2987 unanswered attempts '
hasnt scan-no-port-rows "$tmp/scan.html" '^<tr class="finding"><td>tcp/'
has scan-other-node "$tmp/scan.dot" 'label="2962 other hosts"'
has scan-ports-said "$tmp/scan.dot" 'undocumented\\ntcp/1\\ntcp/2\\ntcp/3\\ntcp/4\\n\+2983 flows on other ports'

# Documented flows can be as many rows: table 12's trap receiver listens
# on a port the site chooses (any client port from its sender's 61441),
# so 3000 datagrams to 3000 ports were 3000 rows, a 650 kB page. --top
# bounds them as the text does ('... and 2980 more'), their sums kept.
PYTHONPATH=tests/lib python3 - "$tmp/traps.pcap" <<'EOF'
import sys, tcpcap
frames = [tcpcap.udp([10, 0, 0, 1], [10, 0, 0, 2], 61441, 20000 + i, b'trap')
          for i in range(3000)]
tcpcap.write_pcap(sys.argv[1], frames, [1767225600] * len(frames))
EOF
check traps 0 '' "$bin" -q --no-dpi -r "$tmp/traps.pcap" --html "$tmp/traps.html" \
	-o "$tmp/traps.txt"
has traps-text-more "$tmp/traps.txt" '^  \.\.\. and 2980 more$'
count traps-rows "$tmp/traps.html" '^<tr><td class="n" data-v="12">12</td><td>snmp-trap-receiver</td>' 20
has traps-more "$tmp/traps.html" '^<tr><td data-v="">2980 more \(--top 20\)</td><td>-</td><td>-</td><td>-</td><td class="n" data-v="2980">2980</td><td class="n" data-v="2980">2980</td><td class="n" data-v="137080">137080</td><td>-</td><td>-</td></tr>$'
size=$(wc -c <"$tmp/traps.html")
assert traps-page-small "$size" -lt 100000

# --top bounds the largest flows too, and the page says how many it left
# out, as the text does ('... and 11 more'); it said 'Largest flows
# (1)' of a finding of 12 flows.
check top-one 0 '' "$bin" -q --top 1 --hosts rules/example.hosts \
	-r pcaps/demo.pcap --html "$tmp/top1.html"
has top-one-largest "$tmp/top1.html" '^<p>Largest flows \(1 of 3, --top 1\):</p>$'
has top-one-local "$tmp/top1.html" '^<p>Largest flows \(1 of 2, --top 1\):</p>$'
has top-all-shown "$page" '^<p>Largest flows \(3\):</p>$'

# Six hosts in three roles and six flows, as any site has them: Graphviz
# 2.42's dot ranks clusters in a way that, with edge labels between hosts
# of one rank, freed a block twice when the layout was freed (impwatch
# aborted, exit 134, 'double free or corruption', after its records and
# before its verdict); others ('trouble in init_rank') failed the
# layout. The traffic chooses who talks to whom: the picture is ranked
# with newrank, which has neither.
printf '%s\n' 'imp 10.0.0.1 h0' 'cucm 10.0.0.2 h1' 'cucm 10.0.0.3 h2' \
	'xmpp-client 10.0.0.4 h3' 'imp 10.0.0.5 h4' 'imp 10.0.0.6 h5' >"$tmp/six.hosts"
PYTHONPATH=tests/lib python3 - "$tmp/six.pcap" <<'EOF'
import sys
from tcpcap import handshake, write_pcap
flows = [(4, 3, 9999), (0, 1, 8443), (4, 2, 8443), (5, 1, 9999), (5, 4, 443),
         (2, 0, 443)]
frames = []
for k, (a, b, port) in enumerate(flows):
    frames += handshake([10, 0, 0, a + 1], [10, 0, 0, b + 1], 40000 + k, port)
write_pcap(sys.argv[1], frames, [1767225600] * len(frames))
EOF
check six-hosts 1 '' "$bin" -q --no-dpi --validate -r "$tmp/six.pcap" \
	--hosts "$tmp/six.hosts" --html "$tmp/six.html" -o /dev/null
hasnt six-hosts-quiet "$tmp/out" '.'
count six-hosts-svg "$tmp/six.html" '^<svg ' 1
count six-hosts-edges "$tmp/six.html" '^<g id="edge[0-9]+" class="edge ' 6

# A log rotation (logrotate renames the page and sends SIGHUP) during a
# run: the page is written by its name when the run ends, so the page
# renamed is never written over, and the name holds the new page, whole.
# The page was open from the start: the run wrote its page into the
# renamed file, and none under the name. Standard input held open is a
# run in progress; the report is reopened, as -o is.
mkfifo "$tmp/hup.in"
printf 'the page of before\n' >"$tmp/hup.html"
cp "$tmp/hup.html" "$tmp/hup-before.html"
"$bin" -q -r - -o "$tmp/hup.txt" --html "$tmp/hup.html" --graph "$tmp/hup.dot" \
	<"$tmp/hup.in" >/dev/null 2>"$tmp/hup.err" &
hup_pid=$!
exec 9>"$tmp/hup.in"
cat pcaps/link-ether.pcap >&9
i=0
while [ ! -e "$tmp/hup.txt" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mv "$tmp/hup.html" "$tmp/hup.html.1"
mv "$tmp/hup.dot" "$tmp/hup.dot.1" 2>/dev/null
mv "$tmp/hup.txt" "$tmp/hup.txt.1"
kill -HUP "$hup_pid"
sleep 0.2
exec 9>&-
wait "$hup_pid"
assert hup-status "$?" -eq 0
same hup-renamed-kept "$tmp/hup-before.html" "$tmp/hup.html.1"
has hup-page-by-name "$tmp/hup.html" '^</html>$'
has hup-graph-by-name "$tmp/hup.dot" '^digraph impwatch \{'
has hup-report-by-name "$tmp/hup.txt" '^NO FINDINGS: '
hasnt hup-quiet "$tmp/hup.err" '.'

# A page in a folder impwatch may not write (a service's user, its page
# in a web server's folder, the file its own): no temporary can be made
# beside it, so it is rewritten in place, by name, when the run ends;
# until then it is the page of before, whole, with its owner and mode.
# It was emptied when the run began. Standard input held open is a run
# in progress; its report's file says the outputs are open.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 711 "$tmp"
	mkdir -m 755 "$tmp/ro"
	mkdir -m 777 "$tmp/rw"
	printf 'the page of before\n' >"$tmp/ro/p.html"
	cp "$tmp/ro/p.html" "$tmp/ro-before.html"
	chown 65534 "$tmp/ro/p.html"
	chmod 644 "$tmp/ro/p.html"
	mkfifo "$tmp/ro.in"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" -q -r - \
		-o "$tmp/rw/r.txt" --html "$tmp/ro/p.html" <"$tmp/ro.in" \
		>/dev/null 2>"$tmp/ro.err" &
	ro_pid=$!
	exec 9>"$tmp/ro.in"
	cat pcaps/link-ether.pcap >&9
	i=0
	while [ ! -e "$tmp/rw/r.txt" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.5
	same in-place-kept-during-run "$tmp/ro-before.html" "$tmp/ro/p.html"
	exec 9>&-
	wait "$ro_pid"
	assert in-place-status "$?" -eq 0
	has in-place-written "$tmp/ro/p.html" '^</html>$'
	check in-place-owner-mode 0 '^65534 644$' stat -c '%u %a' "$tmp/ro/p.html"
	hasnt in-place-quiet "$tmp/ro.err" '.'
	check in-place-no-temp 0 '^p\.html$' sh -c "ls -A \"$tmp/ro\" | paste -sd' '"
	chmod 700 "$tmp"
else
	echo "html: not root, or no setpriv: the page in a folder impwatch may not write skipped"
	skip=$((skip + 1))
fi

# Graphviz without its plugins (GVBINDIR names where it finds them): the
# page is written whole without its picture and says so, the graph's DOT
# is written (cgraph needs no plugin), the verdict and the exit status
# are the run's, and standard error says why in impwatch's words: it
# held Graphviz's own line alone ('Error: Layout type: "dot" not
# recognized. Use one of:'), naming neither impwatch nor the page.
mkdir "$tmp/noplugins"
GVBINDIR=$tmp/noplugins "$bin" -q --validate -r pcaps/demo.pcap -o /dev/null \
	--html "$tmp/nogv.html" --graph "$tmp/nogv.dot" 2>"$tmp/nogv.err"
assert nogv-status "$?" -eq 1
has nogv-said "$tmp/nogv.err" "^impwatch: $tmp/nogv\.html: written without its picture: Graphviz could not lay it out \(Error: Layout type: \"dot\" not recognized\..*\)$"
hasnt nogv-only-impwatch "$tmp/nogv.err" '^[^i]|^i[^m]'
has nogv-note "$tmp/nogv.html" '^<p class="note">The picture could not be laid out'
has nogv-verdict "$tmp/nogv.html" '^<div class="verdict fail" id="verdict">FAIL: 3 undocumented'
has nogv-whole "$tmp/nogv.html" '^</html>$'
has nogv-dot "$tmp/nogv.dot" '^digraph impwatch \{'

# Output files: 0640 within the umask, never an input, never the report.
check modes 0 '^640 640$' sh -c "umask 022; \"$bin\" -q -r pcaps/demo.pcap --html \"$tmp/m.html\" --graph \"$tmp/m.dot\" >/dev/null && stat -c %a \"$tmp/m.html\" \"$tmp/m.dot\" | paste -sd' '"
cp pcaps/demo.pcap "$tmp/in.pcap"
check html-is-input 2 "cannot write the HTML report to $tmp/in.pcap: it is an input" \
	"$bin" -q --html "$tmp/in.pcap" -r "$tmp/in.pcap"
check graph-is-input 2 "cannot write the graph to $tmp/in.pcap: it is an input" \
	"$bin" -q --graph "$tmp/in.pcap" -r "$tmp/in.pcap"
assert input-intact "$(cmp pcaps/demo.pcap "$tmp/in.pcap" && echo same)" = same
check html-is-report 2 'the report and the HTML report are the same file' \
	"$bin" -q -o "$tmp/r.txt" --html "$tmp/r.txt" -r pcaps/demo.pcap
check html-is-graph 2 'the HTML report and the graph are the same file' \
	"$bin" -q --html "$tmp/hg" --graph "$tmp/hg" -r pcaps/demo.pcap
check html-is-stdout 2 'the report and the HTML report are the same file' \
	sh -c "\"$bin\" -q --html \"$tmp/so.html\" -r pcaps/demo.pcap >>\"$tmp/so.html\""
check html-unwritable 2 'cannot write /dev/full' "$bin" -q --html /dev/full -r pcaps/demo.pcap
# A page replaced keeps its mode (a web server's 0644 page stays one).
printf 'the page of before\n' >"$tmp/m.html"
chmod 604 "$tmp/m.html"
check mode-kept 0 '^604$' sh -c "\"$bin\" -q -r pcaps/demo.pcap --html \"$tmp/m.html\" >/dev/null && stat -c %a \"$tmp/m.html\""
# A page or a graph not written whole (a full disk; here a file size
# limit, SIGXFSZ ignored so that write() says EFBIG) leaves the one of
# before as it was, byte for byte, and no temporary beside it; the run
# is an error, said. The page was emptied when the run began, and the
# first 4 kB of the new one left in it.
mkdir "$tmp/fs"
printf 'the page of before\n' >"$tmp/fs/p.html"
printf 'digraph before {}\n' >"$tmp/fs/g.dot"
cp "$tmp/fs/p.html" "$tmp/fs-p.html"
cp "$tmp/fs/g.dot" "$tmp/fs-g.dot"
capped() { sh -c 'trap "" XFSZ; ulimit -f "$0"; exec "$@"' "$@"; }
check page-fsize 2 "^impwatch: cannot write $tmp/fs/p\\.html: File too large\$" \
	capped 8 "$bin" -q --validate -r pcaps/demo.pcap -o /dev/null --html "$tmp/fs/p.html"
same page-fsize-kept "$tmp/fs-p.html" "$tmp/fs/p.html"
check graph-fsize 2 "^impwatch: cannot write $tmp/fs/g\\.dot: File too large\$" \
	capped 1 "$bin" -q --validate -r pcaps/demo.pcap -o /dev/null --graph "$tmp/fs/g.dot"
same graph-fsize-kept "$tmp/fs-g.dot" "$tmp/fs/g.dot"
check fsize-no-temp 0 '^g\.dot p\.html$' sh -c "ls -A \"$tmp/fs\" | paste -sd' '"
# ... SIGXFSZ not ignored by the caller (a shell's ulimit, systemd's
# LimitFSIZE=): the same, said; it killed impwatch without a word (exit
# 153), its temporary left beside the page.
check page-fsize-signal 2 "^impwatch: cannot write $tmp/fs/p\\.html: File too large\$" \
	sh -c 'trap - XFSZ; ulimit -f 8; exec "$@"' sh "$bin" -q -r pcaps/demo.pcap \
	-o /dev/null --html "$tmp/fs/p.html"
same page-fsize-signal-kept "$tmp/fs-p.html" "$tmp/fs/p.html"
check fsize-signal-no-temp 0 '^g\.dot p\.html$' sh -c "ls -A \"$tmp/fs\" | paste -sd' '"
# The same on a full file system: a tmpfs of 32 kB, 20 kB of it taken,
# in a mount namespace of the case's own, which ends with it (root).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	mkdir "$tmp/full"
	check page-full-disk 2 "^impwatch: cannot write $tmp/full/p\\.html: No space left on device\$" \
		unshare -m sh -c 'mount -t tmpfs -o size=32k none "$1" &&
			printf "the page of before\n" >"$1/p.html" && cp "$1/p.html" "$2" &&
			dd if=/dev/zero of="$1/fill" bs=1k count=20 2>/dev/null || exit 9
			"$3" -q -r pcaps/demo.pcap -o /dev/null --html "$1/p.html"
			rc=$?
			cmp -s "$1/p.html" "$2" || echo "the page of before changed"
			ls -A "$1" | paste -sd" "
			exit $rc' sh "$tmp/full" "$tmp/full-before.html" "$bin"
	hasnt page-full-disk-kept "$tmp/out" 'changed'
	has page-full-disk-no-temp "$tmp/out" '^fill p\.html$'
else
	echo "html: not root, or no mount namespace: the full file system case skipped"
	skip=$((skip + 1))
fi
check html-dir 2 "cannot write $tmp: Is a directory" "$bin" -q --html "$tmp" -r pcaps/demo.pcap
# A page or a graph not written whole makes the run an error, and the
# report says so: it never claims a verdict (PASS, exit 0) that the exit
# status does not give. The graph is written before the page and the
# page before the report, so each says what went before it.
check html-full-report 2 'cannot write /dev/full: No space left on device' \
	"$bin" -q --validate -r pcaps/link-ether.pcap --html /dev/full -o "$tmp/hf.txt"
has html-full-lead "$tmp/hf.txt" '^ERROR: an input could not be read in full, or an output not written \(exit 2\)$'
check graph-full-report 2 'cannot write /dev/full: No space left on device' \
	"$bin" -q --validate -r pcaps/link-ether.pcap --graph /dev/full \
	--html "$tmp/gf.html" --format json -o "$tmp/gf.json"
has graph-full-json "$tmp/gf.json" '"validate":"error","exit_status":2\}$'
has graph-full-page "$tmp/gf.html" '^<div class="verdict error" id="verdict">ERROR: '
# A report whose records already failed (JSON lines to a full disk) is
# known before the page: the page says ERROR, not PASS.
check report-full-page 2 'cannot write /dev/full: No space left on device' \
	"$bin" -q --validate -r pcaps/link-ether.pcap --format json -o /dev/full \
	--html "$tmp/rf.html"
has report-full-page-verdict "$tmp/rf.html" '^<div class="verdict error" id="verdict">ERROR: '
# A report that fails only at its end (the text report, written whole;
# a JSON summary line) fails after the page said the run's verdict: the
# page was left saying PASS beside exit 2. A page in a file is written
# again, saying ERROR.
check summary-full 2 'cannot write /dev/full: No space left on device' \
	"$bin" -q --validate -r pcaps/link-ether.pcap -o /dev/full \
	--html "$tmp/sf.html"
has summary-full-page "$tmp/sf.html" '^<div class="verdict error" id="verdict">ERROR: an input could not be read in full, or an output not written \(exit 2\)'
count summary-full-one-page "$tmp/sf.html" '^<html' 1
has summary-full-whole "$tmp/sf.html" '^</html>$'
# Without --validate, a page that was a PASS or a finding judges the run
# as --validate would and says so; an error is the run's own, and the
# rewritten page does not call it a --validate verdict.
check summary-full-plain 2 'cannot write /dev/full: No space left on device' \
	"$bin" -q -r pcaps/link-ether.pcap -o /dev/full --html "$tmp/sp.html"
has summary-full-plain-page "$tmp/sp.html" '^<div class="verdict error" id="verdict">ERROR: '
hasnt summary-full-plain-not-validate "$tmp/sp.html" 'under --validate'
"$bin" -q -r pcaps/link-ether.pcap -o /dev/null --html "$tmp/pp.html"
has plain-pass-under-validate "$tmp/pp.html" '^<div class="verdict pass" id="verdict">PASS: .* under --validate'
# A page read through a FIFO cannot be written again: standard error
# says the verdict it gave is not the run's.
mkfifo "$tmp/sf.fifo"
cat "$tmp/sf.fifo" >"$tmp/sf-fifo.html" &
check summary-full-fifo 2 "^impwatch: $tmp/sf\.fifo: written before the report failed: its verdict is not the run's\$" \
	"$bin" -q --validate -r pcaps/link-ether.pcap -o /dev/full \
	--html "$tmp/sf.fifo"
wait
# CSV rows that failed before the page: the reason is the write's, not
# what Graphviz's font lookups left in errno ('No such file or
# directory').
check csv-full-why 2 '^impwatch: cannot write /dev/full: No space left on device$' \
	"$bin" -q --validate -r pcaps/link-ether.pcap --format csv -o /dev/full \
	--html "$tmp/cf.html"
has csv-full-page "$tmp/cf.html" '^<div class="verdict error" id="verdict">ERROR: '

# impwatch killed while Graphviz lays out the picture, while it makes
# the page, or with the page written whole but not yet in place (SIGKILL,
# the OOM killer; gdb stops it there first): the page of before is whole,
# byte for byte. It was emptied when the run began; killed at the 60th
# name the page escaped, it held 8 kB of the new page, its verdict PASS
# among them.
if command -v gdb >/dev/null 2>&1; then
	printf 'old page, PASS\n' >"$tmp/killed-before.html"
	for at in 'break waitpid' 'break html_escape
ignore 1 60' 'break rename'; do
		name=$(echo "$at" | sed -n '1s/break //p')
		printf 'set confirm off\n%s\nrun\nkill\n' "$at" >"$tmp/kill.gdb"
		cp "$tmp/killed-before.html" "$tmp/killed.html"
		timeout 120 gdb -q -batch -x "$tmp/kill.gdb" --args "$bin" -q --validate \
			-r pcaps/link-ether.pcap -o /dev/null --html "$tmp/killed.html" \
			>"$tmp/kill.log" 2>&1
		has "killed-at-$name" "$tmp/kill.log" 'killed\]$'
		same "killed-page-kept-$name" "$tmp/killed-before.html" "$tmp/killed.html"
	done
	# Graphviz, in its own process, killed (or aborting, as 2.42 did):
	# the run goes on, its page whole without the picture, said. It
	# took impwatch down with it.
	# impwatch's standard error is a file of its own: gdb's words as it
	# kills the child would land in the middle of impwatch's line.
	# (gdb's run takes the arguments and the redirection both.)
	printf 'set confirm off\nset follow-fork-mode child\nbreak gvLayout\nrun %s 2>%s\nkill\n' \
		"-q --validate -r pcaps/demo.pcap -o /dev/null --html $tmp/gvkilled.html" \
		"$tmp/gvkill.err" >"$tmp/kill.gdb"
	timeout 120 gdb -q -batch -x "$tmp/kill.gdb" "$bin" >"$tmp/gvkill.log" 2>&1
	# gdb leaves impwatch to end on its own: its last word is awaited.
	wait_n "$tmp/gvkill.err" '^impwatch: ' 1 60
	wait_n "$tmp/gvkilled.html" '^</html>$' 1 60
	has gv-killed-said "$tmp/gvkill.err" "^impwatch: $tmp/gvkilled\.html: written without its picture: Graphviz could not lay it out \(Killed\)\$"
	has gv-killed-note "$tmp/gvkilled.html" '^<p class="note">The picture could not be laid out'
	has gv-killed-verdict "$tmp/gvkilled.html" '^<div class="verdict fail" id="verdict">FAIL: 3 undocumented'
	has gv-killed-whole "$tmp/gvkilled.html" '^</html>$'
else
	echo "html: gdb not installed, killed-page cases skipped (make deps installs it)"
	skip=$((skip + 1))
fi

# In a real browser. Chromium logs the page's console (errors, refused
# loads, policy violations) on standard error with --enable-logging.
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "html: chromium not installed, browser cases skipped (make deps installs it)"
	skip=$((skip + 1))
	finish html
fi
# browse PAGE OUT: the DOM Chromium built from PAGE in OUT.dom, its log
# in OUT.log, a screenshot in OUT.png.
browse() {
	for what in dump-dom screenshot; do
		(cd "$tmp" && HOME=$tmp timeout 120 "$chromium" --headless --no-sandbox \
			--disable-gpu --no-first-run --enable-logging=stderr --v=0 \
			--window-size=1280,2000 --hide-scrollbars \
			$([ $what = screenshot ] && echo "--screenshot=$2.png" || echo --dump-dom) \
			"file://$1" >"$2.$what" 2>>"$2.log")
	done
	mv "$2.dump-dom" "$2.dom"
}
# What Chromium logs of a page's console: a CONSOLE line, an uncaught
# error, a refused load or script.
console='CONSOLE|Uncaught|Refused to|ERR_FILE_NOT_FOUND|net::ERR'
# The detector itself: a page with a script error and a refused image.
sed 's|</body>|<img src="http://192.0.2.1/x.png"><script>undefined_function();</script></body>|' \
	"$page" >"$tmp/broken.html"
browse "$tmp/broken.html" "$tmp/broken"
has browser-sees-errors "$tmp/broken.log" "$console"
browse "$page" "$tmp/demo"
hasnt browser-no-console-error "$tmp/demo.log" "$console"
has browser-verdict "$tmp/demo.dom" 'id="verdict">FAIL: 3 undocumented, 2 local-only, 3 role-violation'
has browser-svg "$tmp/demo.dom" '<svg width="[0-9]+pt" height="[0-9]+pt"'
count browser-finding-edges "$tmp/demo.dom" '<g id="edge[0-9]+" class="edge finding">' "$want"
n=0 missing=0
while read -r f; do
	n=$((n + 1))
	grep -qF "<td>$f" "$tmp/demo.dom" || missing=$((missing + 1))
done <"$tmp/findings.txt"
assert browser-every-finding "$n" -eq 8 -a "$missing" -eq 0
check browser-png 0 'PNG image data, 1280 x 2000' file "$tmp/demo.png"
# A click on a header sorts the table: numbers as numbers, up then
# down; text as text. Driven by a script added to a copy of the page,
# whose policy is dropped so that the added script may run.
cat >"$tmp/click.js" <<'EOF'
var t = document.querySelector('table.sort'), h = t.tHead.rows[0].cells;
function col(i) {
	return Array.from(t.tBodies[0].rows).map(function (r) {
		return r.cells[i].textContent; }).join(' ');
}
h[4].click(); document.body.setAttribute('data-up', col(4));
h[4].click(); document.body.setAttribute('data-down', col(4));
h[0].click(); document.body.setAttribute('data-text', col(0));
EOF
grep -v 'Content-Security-Policy' "$page" |
	sed "s|</body>|<script>$(tr '\n' ' ' <"$tmp/click.js")</script></body>|" >"$tmp/click.html"
browse "$tmp/click.html" "$tmp/click"
hasnt browser-sort-no-error "$tmp/click.log" "$console"
has browser-sort "$tmp/click.dom" '<body data-up="148 542 1154" data-down="1154 542 148" data-text="tcp/3389 tcp/6060 udp/9999">'
# The hostile page: nothing of what it was given became an element.
browse "$tmp/evil.html" "$tmp/evil"
hasnt browser-hostile-no-console "$tmp/evil.log" "$console"
hasnt browser-hostile-no-element "$tmp/evil.dom" '<img|<script>alert'
# The hostile traffic's page: its own title, nothing logged, no element
# of the traffic's.
browse "$tmp/xss.html" "$tmp/xss"
hasnt browser-xss-no-console "$tmp/xss.log" "$console"
has browser-xss-title "$tmp/xss.dom" '<title>impwatch report</title>'
hasnt browser-xss-no-element "$tmp/xss.dom" 'IMPWATCHXSS|<img'
finish html
