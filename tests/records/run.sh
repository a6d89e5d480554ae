#!/bin/sh
# run.sh CID FLOWDUMP BIN: issue 16's record fields against
# implementations written apart from impwatch's:
#   - the Community ID (the CID driver, cid.c) against community_id.py
#     (Python's hashlib, base64 and struct, following the specification)
#     on the same 8,700 tuples (gen_tuples.py): every ICMP and ICMPv6
#     type, every IP protocol, both directions, equal addresses, extreme
#     ports and seeds;
#   - every flow of the golden captures (pcaps/, but for the malformed
#     ones tshark cannot read either) and of a capture made here
#     (gen_capture.py: DSCP marks, Zeek's codes, ICMP codes, a tunnel)
#     through impwatch's decoder and flow table (FLOWDUMP, flowdump.c)
#     against tshark's decoding of the same packets (check_flows.py):
#     Community ID (tshark's own and community_id.py's), IP bytes, DSCP,
#     packets each way, and Zeek's conn_state from a Zeek state machine
#     written in Python;
#   - the community_id of every flow and alert record impwatch's JSON
#     output gives for every capture of pcaps/ (seed 0, and another
#     seed) against community_id.py on the record's own fields
#     (check_json.py), with one run_id per run, a time on every record
#     and each alert's flow_id on a flow record;
#   - no JSON line longer than 10,000 bytes, and the summary's records
#     whole, for a capture of many host pairs (gen_pairs.py);
#   - every VLAN tag and the SGT on a record (gen_tags.py);
#   - an IPv6 flow of IPv4-mapped addresses in every output, never
#     written as the IPv4 flow beside it (gen_mapped.py, check_mapped.py);
#   - the text report's unanswered attempts apart from sessions (a scan,
#     gen_scan.py) and DSCP values per service (gen_capture.py);
#   - the icmp-tunnel check's unmatched echo replies, short of the
#     finding too, in the summary (gen_echo.py);
#   - one run, every output (check_outputs.py): the verdict, exit status,
#     flows by verdict, packets, bytes, unmatched echo replies and
#     inconclusive reasons of the text, --brief, JSON, ECS, CSV, the page
#     and the graph agree.
# Needs /usr/bin/python3 and tshark (.ci/run installs both); each part is
# skipped with a note without them.
set -u
here=$(dirname "$0")
. "$here/../lib/sh.sh"
cid=$1
flowdump=$2
bin=$3
py=/usr/bin/python3

if [ ! -x "$py" ]; then
	echo "records: $py not found: Community ID cross-check skipped"
	exit 0
fi

"$py" "$here/gen_tuples.py" >"$tmp/tuples" || exit 2
"$py" "$here/community_id.py" <"$tmp/tuples" >"$tmp/py" || exit 2
if ! "$cid" <"$tmp/tuples" >"$tmp/c"; then
	failed community-id "the C driver failed"
elif [ "$(wc -l <"$tmp/tuples")" -ne "$(wc -l <"$tmp/c")" ] ||
     ! cmp -s "$tmp/py" "$tmp/c"; then
	failed community-id "impwatch and community_id.py differ:"
	paste -d ' ' "$tmp/tuples" "$tmp/c" "$tmp/py" |
		awk '$7 != $8' | head -10 | sed 's/^/  | /'
else
	ok
fi
echo "records: community ID of $(wc -l <"$tmp/tuples") tuples compared with community_id.py"

# Every flow and alert record of every project capture, as impwatch
# writes it.
n=0
for f in "$here"/../../pcaps/*.pcap "$here"/../../pcaps/*.pcapng; do
	n=$((n + 1))
	"$bin" -q --format json --alerts -r "$f" >"$tmp/j.$n" 2>/dev/null
done
"$bin" -q --format json --alerts --community-id-seed 4242 \
	-r "$here/../../pcaps/demo.pcap" >"$tmp/seed.json" 2>/dev/null
if "$py" "$here/check_json.py" 0 "$tmp"/j.* >"$tmp/cj" &&
   "$py" "$here/check_json.py" 4242 "$tmp/seed.json" >>"$tmp/cj"; then
	ok
else
	failed community-id-json "impwatch's JSON records and community_id.py differ:"
	grep -v '^checked' "$tmp/cj" | head -10 | sed 's/^/  | /'
fi
echo "records: community ID of $(awk '/^checked/ { n += $2 } END { print n }' "$tmp/cj") JSON records of $n captures compared with community_id.py"

# Sizes a SIEM accepts: with 11 rows used by 16 pairs of long-named
# hosts each, the coverage per pair of hosts is longer than a line may
# be and goes in several coverage_pairs records; with 70 input files,
# the files go in records of their own. Every line stays within 10,000
# bytes, each record whole, the summary last.
"$py" "$here/gen_pairs.py" "$tmp/pairs.pcap" "$tmp/pairs.hosts" || exit 2
"$bin" -q --format json --hosts "$tmp/pairs.hosts" -r "$tmp/pairs.pcap" \
	>"$tmp/pairs.json" 2>"$tmp/pairs.err"
if "$py" "$here/check_sizes.py" 10000 "$tmp/pairs.json" >"$tmp/sizes" &&
   grep -Eq '^coverage_pairs records ([2-9]|[1-9][0-9]+) entries 88$' "$tmp/sizes"; then
	ok
else
	failed json-pairs-split "the coverage per pair of hosts is not split under 10,000 bytes a line:"
	sed 's/^/  | /' "$tmp/sizes"
fi
# The text report: a scan's unanswered SYNs and RSTs are attempts, on
# one line, apart from the one session; its largest flows are sessions.
"$py" "$here/gen_scan.py" "$tmp/scan.pcap" || exit 2
"$bin" -q -r "$tmp/scan.pcap" >"$tmp/scan.txt" 2>&1
if grep -q '^Undocumented: 51 flows (1 session, 50 unanswered attempts)$' "$tmp/scan.txt" &&
   grep -Eq '^  attempts only +50 flows to 50 ports, never answered: tcp/[0-9]+(, tcp/[0-9]+){9}, \.\.\. \(40 more\)$' "$tmp/scan.txt" &&
   grep -Eq '^  tcp/3389 +- +1 +8 ' "$tmp/scan.txt" &&
   [ "$(grep -c '^    tcp .*unanswered attempt' "$tmp/scan.txt")" -eq 0 ]; then
	ok
else
	failed text-attempts "a scan's attempts are not grouped apart from sessions:"
	sed -n '/^Undocumented/,/^$/p' "$tmp/scan.txt" | head -20 | sed 's/^/  | /'
fi
# The icmp-tunnel check's unmatched echo replies, short of the finding
# too (gen_echo.py: 2 in a documented flow, 4 in a tunnel's), in the
# summary; with the near miss alone, the text's ICMP section is shown
# for them. check_outputs.py below holds every format to the text.
"$py" "$here/gen_echo.py" "$tmp/echo.pcap" || exit 2
"$py" "$here/gen_echo.py" --near "$tmp/echo-near.pcap" || exit 2
for c in echo echo-near; do
	"$bin" -q --format json -r "$tmp/$c.pcap" >"$tmp/$c.json" 2>&1
	"$bin" -q -r "$tmp/$c.pcap" >"$tmp/$c.txt" 2>&1
done
if grep -q '^{"type":"summary",.*"flows_by_verdict":{[^}]*"icmp-tunnel":1,.*"echo_replies_unmatched":6,' "$tmp/echo.json" &&
   grep -q '^{"type":"summary",.*"flows_by_verdict":{[^}]*"icmp-tunnel":0,.*"echo_replies_unmatched":2,' "$tmp/echo-near.json" &&
   grep -A1 '^ICMP tunnels (echo replies that return no request.s data): 1 flow$' "$tmp/echo.txt" |
	grep -q '^  unmatched: 6 echo replies returned no recent request.s data (more than 3 in one flow make it an ICMP tunnel)$' &&
   grep -A2 '^ICMP tunnels (echo replies that return no request.s data): 0 flows$' "$tmp/echo-near.txt" |
	tr '\n' '|' | grep -q '^ICMP[^|]*|  unmatched: 2 echo replies returned [^|]*|  (none)|$'; then
	ok
else
	failed echo-unmatched "the summary does not count the unmatched echo replies:"
	grep -ho '"echo_replies_unmatched":[^,]*' "$tmp/echo.json" "$tmp/echo-near.json" | sed 's/^/  | /'
	sed -n '/^ICMP tunnels/,/^$/p' "$tmp/echo.txt" "$tmp/echo-near.txt" | sed 's/^/  | /'
fi
# ... and the DSCP values seen per documented service, with re-marking,
# and a documented service's attempts (S0, REJ, RSTOS0, SH to 5060).
"$py" "$here/gen_capture.py" "$tmp/dscp.pcap" || exit 2
"$bin" -q -r "$tmp/dscp.pcap" >"$tmp/dscp.txt" 2>&1
if grep -A2 '^  2 .*sip-proxy-tls ' "$tmp/dscp.txt" |
	grep -q '^           dscp: BE (0), EF (46); changed during 1 flow$' &&
   grep -A2 '^  23 .*ext-db-postgresql ' "$tmp/dscp.txt" |
	grep -q '^           dscp: AF21 (18)$' &&
   grep -Eq '^  2 +sip-proxy +tcp/5060 +4 .*  \(4 unanswered attempts\)$' "$tmp/dscp.txt"; then
	ok
else
	failed text-dscp "the DSCP values per service are not shown:"
	grep -A2 'sip-proxy-tls\|ext-db-postgresql' "$tmp/dscp.txt" | sed 's/^/  | /'
fi

# Every VLAN tag outer first, and the Cisco MetaData SGT, on the record.
"$py" "$here/gen_tags.py" "$tmp/tags.pcap" || exit 2
"$bin" -q --format json -r "$tmp/tags.pcap" >"$tmp/tags.json" 2>&1
if grep -q '"type":"flow",.*"vlan":200,"vlans":\[200,100\],"sgt":42,"erspan_session":null,' "$tmp/tags.json"; then
	ok
else
	failed tags "the record lacks its VLAN tags or SGT:"
	grep '"type":"flow"' "$tmp/tags.json" | sed 's/^/  | /'
fi

# CSV: one header, every row as many fields as it, the new columns there
# and their Community IDs those of the JSON records of the same run.
"$bin" -q --format csv --hosts "$tmp/pairs.hosts" -r "$tmp/pairs.pcap" >"$tmp/pairs.csv" 2>&1
if "$py" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
h = rows[0]
need = ["community_id", "sensor", "dscp_c2s", "vlans", "icmp_type",
        "expected", "client_name", "client_roles", "server_name",
        "server_roles", "flow_id", "run_id", "conn_state"]
assert all(x in h for x in need), [x for x in need if x not in h]
assert len(rows) == 225 and all(len(r) == len(h) for r in rows[1:])
assert sum(1 for r in rows if r == h) == 1
c = h.index("community_id"); n = h.index("client_name"); ro = h.index("client_roles")
assert all(r[c].startswith("1:") and r[n].startswith("client-host") and
           r[ro].startswith("imp;") for r in rows[1:])
' "$tmp/pairs.csv"; then
	ok
else
	failed csv-columns "the CSV rows do not match their one header"
fi

# The text CSV cells hold, whatever the names given: a sensor with a
# byte that is not UTF-8, a site's rule file whose name holds a quote, a
# comma, a newline and such a byte. Each row is as many fields as the
# header, read as UTF-8, and its cells are the JSON records' values (an
# invalid byte as U+FFFD, a control as its visible escape: a newline is
# \x0a, no line break inside a row); the CSV held the raw byte, which a
# reader of UTF-8 refuses for the whole file.
rf=$(printf '%s/r "x",\n\377.conf' "$tmp")
grep '^22 | xcp-client-access |' rules/imp.conf >"$rf"
sensor=$(printf 's\377"n,1')
for f in csv json; do
	"$bin" -q --format $f --sensor "$sensor" --rules-add "$rf" \
		-r pcaps/roles.pcap >"$tmp/names.$f" 2>&1
done
if "$py" -c '
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
h = rows[0]
flows = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
flows = [r for r in flows if r["type"] == "flow"]
assert len(rows) == len(flows) + 1 and all(len(r) == len(h) for r in rows)
s, f = h.index("sensor"), h.index("rule_file")
assert all(r[s] == "s\ufffd\"n,1" for r in rows[1:])
assert all(j["sensor"] == "s\ufffd\"n,1" for j in flows)
assert (sorted(r[f] for r in rows[1:]) ==
        sorted((j["rule_file"] or "").replace("\n", "\\x0a") for j in flows))
assert any("\\x0a" in r[f] for r in rows[1:])
assert any(j["rule_file"] and j["rule_file"].endswith("\ufffd.conf")
           for j in flows)
' "$tmp/names.csv" "$tmp/names.json"; then
	ok
else
	failed csv-names "a name given broke the CSV, or differs from the JSON record's"
fi

# Names given thousands of bytes long: folders deep enough for PATH_MAX,
# one tree of them of control bytes, which JSON writes 6 bytes each. No
# line past 10,000 bytes: a record that would be is written again with
# its strings cut, and says "shortened". The summary was 11,292 bytes
# with the plain names, and the flow records naming a site's rule file
# 23,000 with the control bytes.
long=$tmp/L ctln=$tmp/E
i=0
while [ $i -lt 15 ]; do
	long=$long/$(printf '%0250d' 0)
	ctln=$ctln/$(printf '%0250d' 0 | tr 0 '\001')
	i=$((i + 1))
done
mkdir -p "$long" "$ctln"
cp pcaps/roles.pcap "$ctln/c.pcap"
cp rules/imp.conf "$long/imp.conf"
cp tests/hosts/site.hosts "$long/h.hosts"
grep '^22 | xcp-client-access |' rules/imp.conf >"$ctln/r.conf"
"$bin" -q --format json -r "$ctln/c.pcap" --rules "$long/imp.conf" \
	--rules-add "$ctln/r.conf" --hosts "$long/h.hosts" \
	--dump-undocumented "$long/ev.pcap" >"$tmp/long.json" 2>"$tmp/long.err"
if "$py" "$here/check_sizes.py" 10000 "$tmp/long.json" >"$tmp/sizes" &&
   [ "$(jq -c 'select(.type == "summary") | [.shortened, (.catalogue.file as $c | $f | startswith($c))]' \
	--arg f "$long/imp.conf" "$tmp/long.json")" = '[true,true]' ] &&
   [ "$(jq -c 'select(.type == "flow" and .rule_source == "site") | .shortened' \
	"$tmp/long.json" | sort -u)" = true ] &&
   [ "$(jq -c 'select(.type == "flow" and .rule_source == "guide") | .shortened' \
	"$tmp/long.json" | sort -u)" = null ]; then
	ok
else
	failed long-names "a record past 10,000 bytes, or not said shortened:"
	cat "$tmp/sizes"
fi

# 70 files: the same packets, each file's header with its own sigfigs
# (a field readers ignore), as one file given twice, or a copy of it, is
# refused.
set --
i=0
mkdir "$tmp/files"
"$py" -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(70):
    b[12:16] = i.to_bytes(4, "little")
    open("%s/p%d.pcap" % (sys.argv[2], i), "wb").write(b)' "$tmp/pairs.pcap" "$tmp/files"
while [ $i -lt 70 ]; do
	set -- "$@" -r "$tmp/files/p$i.pcap"
	i=$((i + 1))
done
"$bin" -q --format json --hosts "$tmp/pairs.hosts" "$@" >"$tmp/files.json" 2>"$tmp/files.err"
if "$py" "$here/check_sizes.py" 10000 "$tmp/files.json" >"$tmp/sizes" &&
   grep -q '^files records 1 entries 70$' "$tmp/sizes"; then
	ok
else
	failed json-files-split "the files of a long summary are not records of their own:"
	sed 's/^/  | /' "$tmp/sizes"
fi

# One run, every output (check_outputs.py): the verdict, the exit status,
# the flows by verdict, packets, bytes and the inconclusive reasons of
# the text, --brief, JSON, ECS, CSV, --html and --graph, for a PASS, a
# FINDINGS, an inconclusive and an error run, with one flow worker and
# two, under --validate and without; and the outputs not written, the
# input files and their damage, the losses they recorded, the decode
# errors, capture health, the flow workers, the evidence (one file per
# thread count: the two run side by side), the waivers, the tunnel
# carriers and (--top 200: the text names them all) the services never
# seen. The checker first: a CSV one row short, with its exit
# status kept, is a disagreement it finds.
cat >"$tmp/short-csv" <<EOF
#!/bin/sh
case "\$*" in
*csv*) "$bin" "\$@" >"$tmp/csv.out"; rc=\$?; sed '\$d' "$tmp/csv.out"; exit \$rc ;;
esac
exec "$bin" "\$@"
EOF
chmod +x "$tmp/short-csv"
if "$py" "$here/check_outputs.py" "$tmp/short-csv" -r pcaps/demo.pcap \
	>"$tmp/outputs" 2>&1; then
	failed outputs-checker "a CSV one row short passed:"
	sed 's/^/  | /' "$tmp/outputs"
else
	ok
fi
# ... and a page whose numbers or colour are off: a finding's bytes, a
# largest flow's, the duplicate frames, or a FAIL page in PASS's colour.
cat >"$tmp/page-off" <<EOF
#!/bin/sh
"$bin" "\$@"; rc=\$?
prev=
for a in "\$@"; do
	[ "\$prev" = --html ] && sed -i "\$PAGE_OFF" "\$a"
	prev=\$a
done
exit \$rc
EOF
chmod +x "$tmp/page-off"
for off in 's/data-v="1154">1154</data-v="1155">1155</' \
	'/53389/s/data-v="542">542</data-v="543">543</' \
	's/^<tr><th>Duplicate frames<\/th><td>0 of/<tr><th>Duplicate frames<\/th><td>1 of/' \
	's/class="verdict fail"/class="verdict pass"/'; do
	if PAGE_OFF=$off "$py" "$here/check_outputs.py" "$tmp/page-off" \
		--validate -r pcaps/demo.pcap >"$tmp/outputs" 2>&1; then
		failed outputs-checker-page "a page changed by $off passed:"
		sed 's/^/  | /' "$tmp/outputs"
	else
		ok
	fi
done
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000' >"$tmp/empty.pcap"
# ... and the facts that decide a gate or say an output was lost, in
# every format: a file that recorded its losses (gen_drops.py), decode
# errors, a damaged file, outputs that cannot be written (each a name
# of /dev/full: one name is refused as two outputs), waivers, trusted
# tunnels (check_outputs.py's run_facts()).
"$py" "$here/gen_drops.py" "$tmp/lost.pcapng" || exit 2
for f in alerts graph ev; do ln -s /dev/full "$tmp/full-$f"; done
# outputs_at T: the runs at --threads T, one line each in $tmp/verdicts.T
# (ok, or the run that failed); the checker's words in $tmp/outputs.T.
# The two thread counts run side by side: each run lays out a picture,
# and one after another they took half a minute.
outputs_at() {
	: >"$tmp/outputs.$1"
	: >"$tmp/verdicts.$1"
	for v in --validate ""; do
		for f in "-r pcaps/link-ether.pcap" "-r pcaps/demo.pcap" \
			"-r pcaps/health-half-duplex.pcap" "-r $tmp/empty.pcap" \
			"-r pcaps/demo.pcap -r pcaps/bad-truncated.pcap" \
			"--hosts rules/example.hosts -r pcaps/demo.pcap" \
			"--top 3 --hosts rules/example.hosts -r pcaps/demo.pcap" \
			"--top 200 -r pcaps/demo.pcap" \
			"--dump-undocumented $tmp/ev.$1.pcap -r pcaps/demo.pcap" \
			"--waivers tests/waivers/board.waivers -r pcaps/real-tls-cleartext.pcap" \
			"-r pcaps/bad-malformed.pcap" "--health-drops 0.5 -r $tmp/lost.pcapng" \
			"--alert-file $tmp/full-alerts --graph $tmp/full-graph --dump-undocumented $tmp/full-ev -r pcaps/demo.pcap" \
			"--trust-tunnel 203.0.113.1 --trust-tunnel 203.0.113.2 -r pcaps/tun-trust.pcap" \
			"-r $tmp/echo.pcap" "-r $tmp/echo-near.pcap"; do
			# shellcheck disable=SC2086 # options, split on purpose
			if "$py" "$here/check_outputs.py" "$bin" --threads "$1" $v $f \
				>>"$tmp/outputs.$1" 2>&1; then
				echo ok >>"$tmp/verdicts.$1"
			else
				echo "outputs --threads $1 $v $f" >>"$tmp/verdicts.$1"
			fi
		done
	done
}
outputs_at 1 &
outputs_at 2
wait
cat "$tmp/outputs.1" "$tmp/outputs.2" >"$tmp/outputs"
cat "$tmp/verdicts.1" "$tmp/verdicts.2" >"$tmp/verdicts"
while IFS= read -r line; do
	if [ "$line" = ok ]; then
		ok
	else
		failed "$line"
	fi
done <"$tmp/verdicts"
grep -v 'every output agrees$' "$tmp/outputs" | head -20 | sed 's/^/  | /'
echo "records: $(grep -c 'every output agrees$' "$tmp/outputs") runs whose every output agrees"

# An IPv6 header's ::ffff:a.b.c.d is IPv6 text in every output, as
# tshark writes it, apart from the IPv4 flow of the same address and
# ports (gen_mapped.py); it was the dotted quad: forged IPv6 read as the
# publisher's own IPv4 traffic, drawn as its node, and its records read
# back by `impwatch acl --observed` opened the IPv4 rule the publisher's
# PostgreSQL flows need.
m=$tmp/mapped
mkdir "$m"
"$py" "$here/gen_mapped.py" "$m/cap.pcap" "$m/site.hosts" || exit 2
for f in json ecs; do
	"$bin" -q --hosts "$m/site.hosts" --alerts --format $f \
		-r "$m/cap.pcap" >"$m/run.$f" 2>&1
done
"$bin" -q --hosts "$m/site.hosts" --format csv -r "$m/cap.pcap" \
	>"$m/run.csv" 2>&1
"$bin" -q --hosts "$m/site.hosts" --alerts --html "$m/run.html" \
	--graph "$m/run.dot" -r "$m/cap.pcap" >"$m/run.txt" 2>&1
if command -v tshark >/dev/null 2>&1; then
	tshark -n -r "$m/cap.pcap" -Y 'tcp.flags == 0x002' -T fields \
		-e ipv6.src -e ipv6.dst -e ip.src -e ip.dst \
		>"$m/tshark.txt" 2>/dev/null
fi
"$py" "$here/check_json.py" 0 "$m/run.json" >"$m/cj" 2>&1
cj=$?
if "$py" "$here/check_mapped.py" "$m" >"$m/faults" 2>&1 && [ $cj = 0 ]; then
	ok
else
	failed mapped-outputs "an IPv6 flow of ::ffff:a.b.c.d is written as IPv4:"
	cat "$m/faults" "$m/cj" | grep -v '^checked' | head -20 | sed 's/^/  | /'
fi
"$bin" -q --format json -f ip6 -r "$m/cap.pcap" >"$m/v6.json" 2>&1
"$bin" acl --hosts "$m/site.hosts" --observed "$m/v6.json" >"$m/v6.nft" 2>&1
if ! grep -q 'dport 5432 accept' "$m/v6.nft" &&
   grep -q '^#   table 23 ext-db-postgresql tcp/5432 ' "$m/v6.nft" &&
   grep -q '^		ip6 saddr .* tcp dport 5222 accept' "$m/v6.nft"; then
	ok
else
	failed mapped-observed "the IPv6 flow of ::ffff:192.0.2.10 read back as the publisher's:"
	grep 'dport\|^# Obs' "$m/v6.nft" | head -10 | sed 's/^/  | /'
fi

if ! command -v tshark >/dev/null 2>&1; then
	echo "records: tshark not installed: flows not compared with tshark's decoding"
else
	"$py" "$here/gen_capture.py" "$tmp/gen.pcap" || exit 2
	caps=
	for f in "$here"/../../pcaps/*.pcap "$here"/../../pcaps/*.pcapng; do
		case $f in
		*/bad-malformed.pcap | */bad-truncated.pcap) continue ;;
		esac
		caps="$caps $f"
	done
	# shellcheck disable=SC2086 # the captures' names, split on purpose
	if "$py" "$here/check_flows.py" "$flowdump" "$tmp/gen.pcap" "$m/cap.pcap" $caps >"$tmp/flows" 2>&1; then
		ok
	else
		failed flows "impwatch's record fields differ from tshark's decoding:"
	fi
	grep -v '^records:' "$tmp/flows" | head -20
	grep '^records:' "$tmp/flows"
fi
finish records
