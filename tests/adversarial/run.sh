#!/bin/sh
# run.sh BIN: impwatch against hostile input, each case a test.
#
# What tests/cli/run.sh (exit codes, a capture cut mid-packet, -w /dev/full,
# a directory, an unsupported link type, an empty pcap), the unit tests
# (every header cut at every length, every class of bad rules line) and the
# fuzzers already cover is not repeated; this adds:
#   - a flood of 2,000,000 distinct flows with --max-flows 100000: bounded
#     memory, every eviction counted, one record per flow;
#   - captures cut in each place (file header, record header, record data,
#     pcapng block, after blocks that hold no packet too, standard input,
#     after a record longer than the snap length, under a BPF filter, in
#     the modified pcap format), each naming where reading stopped;
#   - records with caplen 0, caplen over the wire length, caplen over the
#     snap length, caplen over any snap length, lengths claiming more than
#     was captured;
#   - empty pcapng, pcapng without an interface, zero-byte input, a link
#     type refused in pcapng, a second interface or section of another
#     link type, /dev/null;
#   - reports that cannot be written, in every format;
#   - catalogue files with each class of bad line, read from disk by the
#     command line, and files that are no catalogue at all;
#   - the same for the site inventory (--hosts; skipped with a note by a
#     binary without it);
#   - every capture kept under tests/crashes/ (inputs that once crashed
#     impwatch or a fuzz target): no crash, no hang, a summary;
#   - flows dressed to slip past --validate (evade.c writes them): IPv6
#     extension headers and 802.1Q tags past the old limits, a snap
#     length or a first fragment that cuts a header, a source-routed
#     flow with an inventory, a forged first segment, a SYN in tiny
#     fragments, a full flow table, a tunnel or ERSPAN copy of a packet
#     seen bare, a flow of its own on a carrier's ends and ports, IP in
#     802.3 LLC/SNAP frames, MACsec or behind an HSR tag, IP that PPPoE
#     carries compressed, IP behind a tag in a declared GRE tunnel, IP
#     in batman-adv (with, alone, frames of no IP that must pass), IP in
#     Cisco FabricPath, 802.1ah PBB, an Ethernet pseudowire, NSH (on
#     Ethernet, in a declared GRE, VXLAN-GPE or Geneve tunnel, as IP
#     protocol 145, over UDP), MPLS in VXLAN-GPE or TRILL,
#     IPv6 UDP of length 0, fragments that overlap, twin frames from
#     loopback: each must fail the gate or leave it inconclusive;
#   - the filter the gate suggests for frames it cannot decode, bare or
#     inside VXLAN or GRE (batman-adv, a pseudowire without control
#     word), behind one or two tags or in a carrier behind one: the run
#     again with it must pass;
#   - tunnels over ICMP echo (echo.c writes them), whose replies return
#     other data than their requests, and pings that must still pass.
#
# Captures are generated at test time in a temporary folder, with printf
# and three small C programs in this folder (cc, or $CC): no Python, no
# libpcap tools. Every run has a 120-second limit: a hang fails its case.
set -u
here=$(dirname "$0")
. "$here/../lib/sh.sh"
bin=$1
need jq adversarial
CC=${CC:-cc}
# check's time limit (tests/lib/sh.sh): a hang fails its case.
TO=120

# ---- capture builders (little-endian pcap, microseconds) ----------------

le32() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255)))"
}
# pcap_hdr SNAPLEN LINKTYPE
pcap_hdr() {
	printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000'
	le32 "$1"
	le32 "$2"
}
# rec USEC CAPLEN LEN: a record header at 2026-01-01T00:00:00Z + USEC.
rec() {
	le32 1767225600
	le32 "$1"
	le32 "$2"
	le32 "$3"
}
# udp_frame [ID]: 60 bytes of Ethernet, IPv4 (total length 46,
# identification ID, 0 to 255) and UDP 198.51.100.7:40000 ->
# 192.0.2.10:5060 with 18 bytes of data. Frames of one capture take
# different IDs: the same packet twice within microseconds is a SPAN
# copy, and impwatch counts it once.
udp_frame() {
	printf '\000\000\136\000\123\020\000\000\136\000\123\001\010\000'
	printf '\105\000\000\056\000'
	printf "$(printf '\\%03o' "${1:-0}")"
	printf '\000\000\100\021\000\000\306\063\144\007\300\000\002\012'
	printf '\234\100\023\304\000\032\000\000'
	printf 'OPTIONS sip:x SIP/'
}
# The same frame whose IPv4 header claims 1400 bytes.
long_ip_frame() {
	printf '\000\000\136\000\123\020\000\000\136\000\123\001\010\000'
	printf '\105\000\005\170\000'
	printf "$(printf '\\%03o' "${1:-0}")"
	printf '\000\000\100\021\000\000\306\063\144\007\300\000\002\012'
	printf '\234\100\023\304\000\032\000\000'
	printf 'OPTIONS sip:x SIP/'
}
# pcapng: section header (little-endian, length unknown) and an interface
# of link type $1, snap length 65535.
shb() {
	printf '\012\015\015\012\034\000\000\000\115\074\053\032\001\000\000\000'
	printf '\377\377\377\377\377\377\377\377\034\000\000\000'
}
idb() {
	printf '\001\000\000\000\024\000\000\000'
	printf "$(printf '\\%03o\\%03o' $(($1 & 255)) $((($1 >> 8) & 255)))"
	printf '\000\000\377\377\000\000\024\000\000\000'
}

# ---- the flood -----------------------------------------------------------

if ! $CC -O2 -I"$here/../lib" -o "$tmp/flood" "$here/flood.c" "$here/../lib/pktbuild.c" ||
   ! $CC -O2 -I"$here/../lib" -o "$tmp/evade" "$here/evade.c" "$here/../lib/pktbuild.c" ||
   ! $CC -O2 -I"$here/../lib" -o "$tmp/echogen" "$here/echo.c" "$here/../lib/pktbuild.c" ||
   ! $CC -O2 -o "$tmp/peakrss" "$here/peakrss.c"; then
	failed build "cannot compile the generators with $CC"
	finish adversarial
fi

# flood N: impwatch on N distinct flows from standard input, at most
# 100,000 live. Leaves "STATUS PEAK_KB" in $tmp/rss.N and the flow record
# count, evicted record count and summary line in $tmp/flood.N. One
# worker: the counts are one table's (workers' shares fill apart).
flood() {
	"$tmp/flood" "$1" |
		timeout $TO "$tmp/peakrss" "$tmp/rss.$1" "$bin" -q --format json \
			--max-flows 100000 --threads 1 -r - 2>"$tmp/flood.$1.err" |
		awk '/"type":"flow"/ { n++; if (/"end_reason":"evicted"/) e++ }
		     /"type":"summary"/ { s = $0 }
		     END { print n + 0; print e + 0; print s }' >"$tmp/flood.$1"
}

# A reference run past the cap, then 2,000,000 flows: memory must not grow
# with the flows seen once the table is full.
flood 150000
flood 2000000
set -- $(cat "$tmp/rss.150000" 2>/dev/null) x x
ref_status=$1 ref_kb=$2
set -- $(cat "$tmp/rss.2000000" 2>/dev/null) x x
big_status=$1 big_kb=$2
records=$(sed -n 1p "$tmp/flood.2000000")
evicted=$(sed -n 2p "$tmp/flood.2000000")
assert "flood-exit (status $big_status)" "$big_status" = 0 -a "$ref_status" = 0
assert "flood-no-stderr" ! -s "$tmp/flood.2000000.err"
assert "flood-records ($records of 2000000)" "$records" = 2000000
assert "flood-evicted-records ($evicted of 1900000)" "$evicted" = 1900000
sed -n 3p "$tmp/flood.2000000" >"$tmp/flood.summary"
for want in '.flows == 2000000' '.max_flows == 100000' '.peak_flows == 100000' \
	'.evictions == 1900000' '.flows_by_end_reason.evicted == 1900000' \
	'.flows_by_end_reason.eof == 100000'; do
	assert "flood-summary $want" "$(jval "$want" "$tmp/flood.summary")" = true
done
if [ "$big_kb" != x ] && [ "$ref_kb" != x ]; then
	# 2M flows may use no more than the 150k run plus a quarter and 16 MB.
	assert "flood-rss (peak ${big_kb} kB at 2M flows, ${ref_kb} kB at 150k)" \
		"$big_kb" -le $((ref_kb + ref_kb / 4 + 16384))
else
	assert "flood-rss (no measurement)" 1 = 0
fi
echo "adversarial: flood peak RSS ${big_kb} kB for 2,000,000 flows (${ref_kb} kB for 150,000), --max-flows 100000"
# The same flood through four flow workers sharing 10,000 flows: every
# flow is written once (evicted or at the end), none lost, none twice,
# and the records are whole lines.
"$tmp/flood" 200000 | timeout $TO "$bin" -q --format json --threads 4 \
	--max-flows 10000 -r - 2>/dev/null >"$tmp/flood4.json"
n4=$(grep -c '"type":"flow"' "$tmp/flood4.json")
u4=$(grep '"type":"flow"' "$tmp/flood4.json" | jq -c '[.client_ip, .client_port,
	.server_ip, .server_port, .transport]' 2>/dev/null | sort -u | wc -l)
assert "threads-flood-records ($n4 records, $u4 distinct, of 200000)" \
	"$n4" = 200000 -a "$u4" = 200000
assert "threads-flood-summary" "$(jval 'select(.type == "summary") | .flows == 200000 and
	.threads == 4 and .flows_by_end_reason.evicted + .flows_by_end_reason.eof == 200000' \
	"$tmp/flood4.json")" = true

# ---- work left undone for lack of room ----------------------------------------

# sumval PATH FILE: the value at PATH (jq) in FILE's summary line.
sumval() {
	jval "$1" "$2" | head -n 1
}

# Flows to SIP's documented port, one packet each, no payload: every flow
# is documented, and nDPI keeps a state for each until it ends. With a
# 1 MB --dpi-memory the states run out: the flows past the cap are not
# inspected, counted, and the gate cannot pass. (3,900 flows: their source
# ports stay under 5001, where nDPI 4.2 names an empty UDP packet
# TargusDataspeed, a protocol mismatch on 5060.)
# (One worker: with several, each has its share of the cap, and so has
# the reader for its few flows.)
"$tmp/flood" 3900 5060 >"$tmp/sip3900.pcap"
check dpi-cap-default 0 '"over_cap":0,' "$bin" -q --format json --validate -r "$tmp/sip3900.pcap"
"$bin" -q --format json --dpi-memory 1 --threads 1 -r "$tmp/sip3900.pcap" 2>&1 | tail -n 1 >"$tmp/cap.summary"
cap=$(sumval .dpi.max_states "$tmp/cap.summary")
over=$(sumval .dpi.over_cap "$tmp/cap.summary")
peak=$(sumval .dpi.peak_states "$tmp/cap.summary")
assert "dpi-cap-states (${cap:-?} states in 1 MB)" -n "$cap" -a "${cap:-0}" -gt 100 -a "${cap:-0}" -lt 3900
assert "dpi-cap-peak ($peak)" "${peak:-x}" = "${cap:-y}"
assert "dpi-cap-over ($over)" "${over:-x}" = "$((3900 - ${cap:-0}))"
check dpi-cap-memory-mb 0 '"memory_mb":1,' cat "$tmp/cap.summary"
check dpi-cap-text 0 "not inspected +$over \\(--dpi-memory 1 MB: at most $cap nDPI states\\)" \
	"$bin" -q --dpi-memory 1 --threads 1 -r "$tmp/sip3900.pcap"
check dpi-cap-validate 3 "$over flows not inspected by nDPI" \
	"$bin" -q --validate --dpi-memory 1 --threads 1 -r "$tmp/sip3900.pcap"
check dpi-cap-validate-json 3 '"validate":"inconclusive"' \
	"$bin" -q --format json --validate --dpi-memory 1 --threads 1 -r "$tmp/sip3900.pcap"
check dpi-memory-zero 2 "invalid value '0' for --dpi-memory" \
	"$bin" -q --dpi-memory 0 -r "$tmp/sip3900.pcap"
# Half the packets are later fragments of datagrams whose first fragment
# never comes. With room they are orphans at the end (the capture lost
# them, not impwatch); through a 16-datagram table most are pushed out
# for want of room: work left undone.
"$tmp/flood" -F 2000 5060 >"$tmp/frag2000.pcap"
check frag-room 0 '"frag-orphan":1000' "$bin" -q --format json --validate -r "$tmp/frag2000.pcap"
check frag-full-validate 3 'fragment table full \(--max-frags 16\): 984 datagrams pushed out, 984 fragments left as orphans' \
	"$bin" -q --validate --max-frags 16 -r "$tmp/frag2000.pcap"
# 2,000,000 flows at the default --max-flows, with nDPI at its default
# cap: its states stop at the cap, so memory stays within the --no-dpi
# run's plus the cap and a quarter (AddressSanitizer's shadow memory and
# redzones add about a fifth; without them it is 2%).
# (One worker, whose peak of states is the cap: with several, each
# peaks at its share, when it does.)
"$tmp/flood" 2000000 | timeout $TO "$tmp/peakrss" "$tmp/rss.nodpi" "$bin" -q --no-dpi --threads 1 -r - >/dev/null 2>&1
"$tmp/flood" 2000000 | timeout $TO "$tmp/peakrss" "$tmp/rss.dpi" "$bin" -q --format json --threads 1 -r - 2>/dev/null |
	tail -n 1 >"$tmp/dpi2m.summary"
set -- $(cat "$tmp/rss.nodpi" 2>/dev/null) x x
nodpi_status=$1 nodpi_kb=$2
set -- $(cat "$tmp/rss.dpi" 2>/dev/null) x x
dpi_status=$1 dpi_kb=$2
assert "dpi-2m-exit ($nodpi_status, $dpi_status)" "$nodpi_status" = 0 -a "$dpi_status" = 0
cap=$(sumval .dpi.max_states "$tmp/dpi2m.summary")
assert "dpi-2m-peak-states ($(sumval .dpi.peak_states "$tmp/dpi2m.summary") of ${cap:-?})" \
	"$(sumval .dpi.peak_states "$tmp/dpi2m.summary")" = "${cap:-x}"
if [ "$dpi_kb" != x ] && [ "$nodpi_kb" != x ]; then
	assert "dpi-2m-rss (peak ${dpi_kb} kB with nDPI, ${nodpi_kb} kB without)" \
		"$dpi_kb" -le $((nodpi_kb + 256 * 1024 + 256 * 1024 / 4 + 16384))
else
	assert "dpi-2m-rss (no measurement)" 1 = 0
fi
echo "adversarial: peak RSS for 2,000,000 flows at the default --max-flows: ${dpi_kb} kB with nDPI (--dpi-memory 256), ${nodpi_kb} kB with --no-dpi"

# 1,000,000 flows open at once, with nDPI: two flow workers share the
# table and the cap, so they hold what one does, plus a module and two
# rings each: within a fifth of one worker's peak.
"$tmp/flood" 1000000 | timeout $TO "$tmp/peakrss" "$tmp/rss.t1" "$bin" -q --threads 1 -r - >/dev/null 2>&1
"$tmp/flood" 1000000 | timeout $TO "$tmp/peakrss" "$tmp/rss.t2" "$bin" -q --threads 2 -r - >/dev/null 2>&1
set -- $(cat "$tmp/rss.t1" 2>/dev/null) x x
t1_status=$1 t1_kb=$2
set -- $(cat "$tmp/rss.t2" 2>/dev/null) x x
t2_status=$1 t2_kb=$2
if [ "$t1_kb" != x ] && [ "$t2_kb" != x ]; then
	assert "threads-1m-rss (peak ${t2_kb} kB with 2 workers, ${t1_kb} kB with 1)" \
		"$t1_status" = 0 -a "$t2_status" = 0 -a "$((t2_kb * 5))" -le "$((t1_kb * 6))"
else
	assert "threads-1m-rss (no measurement)" 1 = 0
fi
echo "adversarial: peak RSS for 1,000,000 open flows with nDPI: ${t1_kb} kB with 1 flow worker, ${t2_kb} kB with 2"

# ---- one stamp far from the rest ----------------------------------------------

# A month of one-packet UDP flows, 129.6 s apart (they idle out after
# 180 s), whose first packet is stamped 2038. Believed, that stamp kept
# every flow from idling out: all 20,000 live at the end, each ended eof.
"$tmp/flood" -g 129600000 -t 2145916800 20000 >"$tmp/month.pcap"
# (One worker: the peak of several is the sum of theirs, a bound.)
"$bin" -q --format json --threads 1 -r "$tmp/month.pcap" 2>&1 | tail -n 1 >"$tmp/month.summary"
peak=$(sumval .peak_flows "$tmp/month.summary")
idle=$(sumval .flows_by_end_reason.idle "$tmp/month.summary")
clock=$(sumval .clock "$tmp/month.summary")
# The 2038 packet counts at the next packet's time: two flows then.
assert "clock-first-2038-peak (${peak:-?} flows at once)" -n "$peak" -a "${peak:-9}" -le 3
assert "clock-first-2038-idle (${idle:-?} of 20000 idled out)" -n "$idle" -a "${idle:-0}" -ge 19997
assert "clock-first-2038-json ($clock)" \
	"$(sumval '.clock == {"time_jump_s": 60, "outliers": 1, "jumps_back": 0}' "$tmp/month.summary")" = true
# Two workers: the reader's clock judges each stamp as one thread's does,
# frames it sends on at once and frames it holds for the stamps after.
"$bin" -q --format json --threads 2 -r "$tmp/month.pcap" 2>&1 | tail -n 1 >"$tmp/month2.summary"
assert "clock-first-2038-threads ($(sumval .clock "$tmp/month2.summary"), $(sumval .flows_by_end_reason.idle "$tmp/month2.summary") idled out)" \
	"$(sumval '[.clock, .flows_by_end_reason, .flows]' "$tmp/month2.summary")" = \
	"$(sumval '[.clock, .flows_by_end_reason, .flows]' "$tmp/month.summary")"
"$bin" -q -r "$tmp/month.pcap" >"$tmp/month.txt" 2>&1
assert "clock-first-2038-text" -n "$(grep -E '^  timestamps +1 not believed \(more than 60 s from the capture.s clock' "$tmp/month.txt")"
check time-jump-zero 2 "invalid value '0' for --time-jump" "$bin" -q --time-jump 0 -r "$tmp/month.pcap"

# ---- cut captures ----------------------------------------------------------

# Three good records (76 bytes each after the 24-byte header), then a cut:
# the damaged record starts at byte 24 + 3 * 76 = 252.
good3() {
	pcap_hdr 65535 1
	rec 0 60 60; udp_frame 1
	rec 1 60 60; udp_frame 2
	rec 2 60 60; udp_frame 3
}
{ good3; rec 3 60 60 | head -c 8; } >"$tmp/cut-rechdr.pcap"
check cut-record-header 2 'cut-rechdr.pcap: damaged record at byte offset 252, after packet 3' \
	"$bin" -q -r "$tmp/cut-rechdr.pcap"
check cut-record-header-report 2 '"packets":3,.*"flows":1,' \
	"$bin" -q --format json -r "$tmp/cut-rechdr.pcap"
{ good3; rec 3 60 60; udp_frame 4 | head -c 30; } >"$tmp/cut-data.pcap"
check cut-record-data 2 'cut-data.pcap: damaged record at byte offset 252, after packet 3' \
	"$bin" -q -r "$tmp/cut-data.pcap"
check cut-record-data-csv 2 '^[^,]*,[^,]*,udp,198\.51\.100\.7,40000,192\.0\.2\.10,5060,3,' \
	"$bin" -q --format csv -r "$tmp/cut-data.pcap"
pcap_hdr 65535 1 | head -c 10 >"$tmp/cut-filehdr.pcap"
check cut-file-header 2 'cut-filehdr.pcap: .*truncated' "$bin" -q -r "$tmp/cut-filehdr.pcap"
: >"$tmp/zero.pcap"
# An empty file is said to be one ("truncated dump file; tried to read
# 4 file header bytes, only got 0" was libpcap's word for it).
check zero-bytes 2 '^impwatch: [^ ]*zero\.pcap: empty \(0 bytes\), not a pcap or pcapng capture$' \
	"$bin" -q -r "$tmp/zero.pcap"
check zero-bytes-stdin 2 '^impwatch: -: empty \(0 bytes\), not a pcap or pcapng capture$' \
	sh -c '"$1" -q -r - <"$2"' sh "$bin" "$tmp/zero.pcap"
check zero-bytes-pipe 2 '^impwatch: -: empty \(0 bytes\), not a pcap or pcapng capture$' \
	sh -c ': | "$1" -q -r -' sh "$bin"
check dev-null 2 '/dev/null: empty \(0 bytes\)' "$bin" -q -r /dev/null
# pcapng cut inside a block: the offset is where that block starts.
{ shb; idb 1; } >"$tmp/hdr.pcapng"
# An enhanced packet block of the UDP frame: 32 + 60 bytes.
epb() {
	printf '\006\000\000\000\134\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000'
	printf '\074\000\000\000\074\000\000\000'
	udp_frame "$1"
	printf '\134\000\000\000'
}
{ cat "$tmp/hdr.pcapng"; epb 1; epb 2; epb 3 | head -c 50; } >"$tmp/cut-block.pcapng"
check cut-pcapng-block 2 'cut-block.pcapng: damaged record at byte offset 232, after packet 2' \
	"$bin" -q -r "$tmp/cut-block.pcapng"
check cut-pcapng-report 2 '"packets":2,.*"flows":1,' \
	"$bin" -q --format json -r "$tmp/cut-block.pcapng"
# libpcap reads the blocks that hold no packet (an unknown or custom
# block, a second interface) in the same call as the packet after them:
# the offset is still that of the damaged block, not of the good block
# the call began with. An unknown block of 16 bytes (type 0x12345678):
unknown_block() {
	printf '\170\126\064\022\020\000\000\000abcd\020\000\000\000'
}
# 48 + 2 * 92 + 16 = 248.
{ cat "$tmp/hdr.pcapng"; epb 1; epb 2; unknown_block; epb 3 | head -c 50; } \
	>"$tmp/cut-after-unknown.pcapng"
check cut-pcapng-after-unknown 2 'cut-after-unknown.pcapng: damaged record at byte offset 248, after packet 2' \
	"$bin" -q -r "$tmp/cut-after-unknown.pcapng"
# After an interface block: 48 + 92 + 20 = 160.
{ cat "$tmp/hdr.pcapng"; epb 1; idb 1; epb 2 | head -c 50; } >"$tmp/cut-after-idb.pcapng"
check cut-pcapng-after-idb 2 'cut-after-idb.pcapng: damaged record at byte offset 160, after packet 1' \
	"$bin" -q -r "$tmp/cut-after-idb.pcapng"
# A block header whose length is no block's (5), after an unknown
# block: 48 + 92 + 16 = 156.
{ cat "$tmp/hdr.pcapng"; epb 1; unknown_block; printf '\006\000\000\000\005\000\000\000'; epb 2; } \
	>"$tmp/bad-length.pcapng"
check pcapng-bad-block-length 2 'bad-length.pcapng: damaged record at byte offset 156, after packet 1' \
	"$bin" -q -r "$tmp/bad-length.pcapng"
# A whole block libpcap refuses (an interface of another link type)
# after an unknown one: that block, 48 + 92 + 16 = 156.
{ cat "$tmp/hdr.pcapng"; epb 1; unknown_block; idb 101; epb 2; } >"$tmp/refused-idb.pcapng"
check pcapng-refused-block 2 'refused-idb.pcapng: damaged record at byte offset 156, after packet 1: an interface has a type 101' \
	"$bin" -q -r "$tmp/refused-idb.pcapng"
# The modified pcap format (Kuznetzov's magic 0xa1b2cd34) has 24-byte
# record headers (an interface index, a protocol and a packet type after
# the standard 16): three good records of 84 bytes, then a cut one at
# 24 + 3 * 84 = 276.
kuz_rec() {
	rec "$@"
	printf '\000\000\000\000\000\000\000\000'
}
{
	printf '\064\315\262\241\002\000\004\000\000\000\000\000\000\000\000\000'
	le32 65535
	le32 1
	kuz_rec 0 60 60; udp_frame 1
	kuz_rec 1 60 60; udp_frame 2
	kuz_rec 2 60 60; udp_frame 3
	kuz_rec 3 60 60; udp_frame 4 | head -c 30
} >"$tmp/cut-kuznetzov.pcap"
check cut-kuznetzov 2 'cut-kuznetzov.pcap: damaged record at byte offset 276, after packet 3' \
	"$bin" -q -r "$tmp/cut-kuznetzov.pcap"
check cut-kuznetzov-report 2 '"packets":3,.*"flows":1,' \
	"$bin" -q --format json -r "$tmp/cut-kuznetzov.pcap"
# DG/UX tcpdump's pcap (version 543.0), read record by record like any
# pcap: the cut record is at 24 + 3 * 76 = 252, though its header's
# microseconds (16) would read as a block length to a pcapng walk.
{
	printf '\324\303\262\241\037\002\000\000\000\000\000\000\000\000\000\000'
	le32 65535
	le32 1
	rec 0 60 60; udp_frame 1
	rec 1 60 60; udp_frame 2
	rec 2 60 60; udp_frame 3
	rec 16 60 60; udp_frame 4 | head -c 30
} >"$tmp/cut-dgux.pcap"
check cut-dgux 2 'cut-dgux.pcap: damaged record at byte offset 252, after packet 3' \
	"$bin" -q -r "$tmp/cut-dgux.pcap"
# With a BPF filter that passes nothing, libpcap skips the good records
# unseen: the offset must still be that of the cut one.
check cut-filtered 2 'cut-data.pcap: damaged record at byte offset 252, after packet 0' \
	"$bin" -q -f tcp -r "$tmp/cut-data.pcap"
# Standard input: a file redirected in is seekable; a pipe is counted
# as libpcap reads it (the tap, capture.c): the same offset either way,
# and for every damage above (a pipe named no offset before).
check cut-stdin 2 '-: damaged record at byte offset 252, after packet 3' \
	sh -c "\"$bin\" -q -r - < \"$tmp/cut-data.pcap\""
check cut-pipe 2 '-: damaged record at byte offset 252, after packet 3' \
	sh -c "cat \"$tmp/cut-data.pcap\" | \"$bin\" -q -r -"
for c in cut-rechdr.pcap:252:3 cut-block.pcapng:232:2 \
	 cut-after-unknown.pcapng:248:2 cut-after-idb.pcapng:160:1 \
	 bad-length.pcapng:156:1 refused-idb.pcapng:156:1 \
	 cut-kuznetzov.pcap:276:3 cut-dgux.pcap:252:3; do
	f=${c%%:*} n=${c##*:} at=${c#*:}
	at=${at%:*}
	check "cut-pipe-${f%.*}" 2 "^impwatch: -: damaged record at byte offset $at, after packet $n" \
		sh -c "cat \"$tmp/$f\" | \"$bin\" -q -r -"
done
check cut-pipe-filtered 2 '-: damaged record at byte offset 252, after packet 0' \
	sh -c "cat \"$tmp/cut-data.pcap\" | \"$bin\" -q -f tcp -r -"
check cut-pipe-report 2 '"packets":3,.*"flows":1,' \
	sh -c "cat \"$tmp/cut-data.pcap\" | \"$bin\" -q --format json -r -"
# The second of two files is cut: the first is still reported. (The
# same packets, cut a byte later: the same file twice, or a copy of it,
# is refused.)
{ good3; rec 3 60 60; udp_frame 4 | head -c 31; } >"$tmp/cut-data-2.pcap"
check cut-second-file 2 '"packets":6,.*"flows":1,' \
	"$bin" -q --format json -r "$tmp/cut-data.pcap" -r "$tmp/cut-data-2.pcap"

# ---- records with odd lengths ----------------------------------------------

# caplen 0; caplen over the wire length; an IP header claiming more than
# the frame holds; a record longer than the snap length (libpcap keeps the
# first SNAPLEN bytes: a snaplen cut, not an error).
{
	pcap_hdr 64 1
	rec 0 0 60
	rec 1 60 40; udp_frame 1
	rec 2 60 60; long_ip_frame 2
	rec 3 70 70; udp_frame 3; printf '0123456789'
	rec 4 60 60; udp_frame 4
} >"$tmp/lengths.pcap"
check caplen-zero 0 '"caplen-zero":1,' "$bin" -q --format json -r "$tmp/lengths.pcap"
check caplen-over-len 0 '"caplen-over-len":1,' "$bin" -q --format json -r "$tmp/lengths.pcap"
check ip-len-over-cap 0 '"ipv4-len-over-cap":1' "$bin" -q --format json -r "$tmp/lengths.pcap"
# Records 2 to 5 make the flow: 40 + 60 + 70 + 60 wire bytes.
check caplen-over-snaplen 0 '"packets":4,"bytes":230,' \
	"$bin" -q --format json -r "$tmp/lengths.pcap"
# A caplen no snap length allows: a damaged record, at its offset.
{ pcap_hdr 65535 1; rec 0 60 60; udp_frame 1; rec 1 300000 300000; udp_frame 2; } >"$tmp/huge.pcap"
check caplen-huge 2 'huge.pcap: damaged record at byte offset 100, after packet 1: .*capture length 300000' \
	"$bin" -q -r "$tmp/huge.pcap"
check caplen-huge-report 2 '"packets":1,.*"flows":1,' "$bin" -q --format json -r "$tmp/huge.pcap"
# A cut record after one longer than the snap length: libpcap reads the
# whole long record (86 bytes) but reports 64 captured, so the offset of
# the cut one, 24 + 86 + 76 = 186, must not be counted from what libpcap
# reports.
{
	pcap_hdr 64 1
	rec 0 70 70; udp_frame 1; printf '0123456789'
	rec 1 60 60; udp_frame 2
	rec 2 60 60; udp_frame 3 | head -c 10
} >"$tmp/cut-after-long.pcap"
check cut-after-long-record 2 'cut-after-long.pcap: damaged record at byte offset 186, after packet 2' \
	"$bin" -q -r "$tmp/cut-after-long.pcap"
# Snap length 0 and 0xffffffff in the file header: libpcap picks its own.
{ pcap_hdr 0 1; rec 0 60 60; udp_frame; } >"$tmp/snap0.pcap"
check snaplen-zero 0 '"flows":1,' "$bin" -q --format json -r "$tmp/snap0.pcap"
{ pcap_hdr 4294967295 1; rec 0 60 60; udp_frame; } >"$tmp/snapmax.pcap"
check snaplen-max 0 '"flows":1,' "$bin" -q --format json -r "$tmp/snapmax.pcap"

# ---- empty and refused inputs ------------------------------------------------

check empty-pcapng 0 '"packets":0,.*"flows":0,' "$bin" -q --format json -r "$tmp/hdr.pcapng"
check empty-pcapng-text 0 'flows +0:' "$bin" -q -r "$tmp/hdr.pcapng"
shb >"$tmp/shb-only.pcapng"
check pcapng-no-interface 2 'shb-only.pcapng: .*Interface Description' \
	"$bin" -q -r "$tmp/shb-only.pcapng"
{ shb; idb 147; } >"$tmp/user0.pcapng"
check pcapng-unsupported-link 2 'user0.pcapng: unsupported link type 147' \
	"$bin" -q -r "$tmp/user0.pcapng"
# A second interface, or a second section, of another link type (raw
# IP, 101): its packets, read with the first interface's link type,
# would be misread and their flows never judged. libpcap refuses the
# file there: the run is an error (exit 2), never a pass on the packets
# before it.
{ shb; idb 1; epb 1; idb 101; epb 2; } >"$tmp/two-links.pcapng"
check pcapng-two-links 2 'two-links.pcapng: damaged record' \
	"$bin" -q --validate -r "$tmp/two-links.pcapng"
{ shb; idb 1; epb 1; shb; idb 101; epb 2; } >"$tmp/two-sections.pcapng"
check pcapng-two-sections 2 'two-sections.pcapng: damaged record' \
	"$bin" -q --validate -r "$tmp/two-sections.pcapng"
check empty-stdin 2 '-: ' sh -c "\"$bin\" -q -r - < /dev/null"
# A compressed capture: libpcap reads none, and says only "unknown file
# format"; the error says what the file is and how to read it.
gzip -c pcaps/demo.pcap >"$tmp/demo.pcap.gz"
check compressed-gzip 2 '^impwatch: [^ ]*demo\.pcap\.gz: compressed with gzip, not a pcap or pcapng capture: decompress it first \(gzip -dc FILE \| impwatch -r -\)$' \
	"$bin" -q -o /dev/null -r "$tmp/demo.pcap.gz"
check compressed-gzip-stdin 2 '^impwatch: -: compressed with gzip,' \
	sh -c "\"$bin\" -q -o /dev/null -r - < \"$tmp/demo.pcap.gz\""
# Through a pipe too: the first bytes libpcap read are kept.
check compressed-gzip-pipe 2 '^impwatch: -: compressed with gzip,' \
	sh -c "cat \"$tmp/demo.pcap.gz\" | \"$bin\" -q -o /dev/null -r -"
check compressed-gzip-report 2 '"name":"[^"]*demo\.pcap\.gz","link_type":-1,"packets":0,"bytes":0,"state":"error","error":"compressed with gzip,' \
	"$bin" -q --format json -r "$tmp/demo.pcap.gz"
# The other compressors' magic numbers (RFC 8878 zstd, xz's, bzip2's,
# the LZ4 frame's): their first bytes are enough to say so.
printf '\050\265\057\375zstd' >"$tmp/c.zst"
printf '\375\067\172\130\132\000xz' >"$tmp/c.xz"
printf 'BZh91AY&SY' >"$tmp/c.bz2"
printf '\004\042\115\030lz4' >"$tmp/c.lz4"
for c in zst:zstd xz:xz bz2:bzip2 lz4:lz4; do
	check "compressed-${c#*:}" 2 "c\\.${c%%:*}: compressed with ${c#*:}, not a pcap or pcapng capture: decompress it first \\(${c#*:} -dc FILE" \
		"$bin" -q -o /dev/null -r "$tmp/c.${c%%:*}"
done
check missing-and-good 2 '"packets":3,' \
	"$bin" -q --format json -r "$tmp/no-such.pcap" -r "$tmp/cut-data.pcap"

# Packets but no flow (every record empty): under --validate a gate that
# judged nothing is inconclusive.
{ pcap_hdr 65535 1; rec 0 0 60; rec 1 0 60; } >"$tmp/no-flows.pcap"
check no-flows 0 '"flows":0,' "$bin" -q --format json -r "$tmp/no-flows.pcap"
check no-flows-validate 3 '"inconclusive":\[\{"reason":"no-flows","why":"no flows: none of the 2 packets read made one"\}\]' \
	"$bin" -q --format json --validate -r "$tmp/no-flows.pcap"

# ---- interrupted runs ------------------------------------------------------------

# An offline run stopped by a signal did not see everything: inconclusive
# (exit 3, with or without --validate) unless findings already fail the
# gate; the files not read or not finished are named, and flows still
# open end `shutdown`.
#
# interrupted SIGNAL CAPTURE WAIT ARGS...: impwatch (--no-dpi) reads
# pcaps/link-ether.pcap, then standard input from a FIFO this test holds
# open, then pcaps/demo.pcap. CAPTURE (3 MB) goes into the FIFO; once it
# is written, impwatch has read all of it but a pipe's worth (64 KiB):
# it is inside standard input, still at work on what it read (WAIT no)
# or, with WAIT blocked, once it sleeps waiting for more. Then SIGNAL.
# Output in $tmp/int.out, status in $int_rc.
"$tmp/flood" 40000 5060 >"$tmp/flood-5060.pcap"
"$tmp/flood" 40000 >"$tmp/flood-9999.pcap"
mkfifo "$tmp/fifo"
# sleeps_on_pipe PID: PID sleeps in a read of a pipe or FIFO (its wchan).
sleeps_on_pipe() {
	case $(cat "/proc/$1/wchan" 2>/dev/null) in *pipe_read*) return 0 ;; esac
	return 1
}
# Whether /proc says where a process sleeps (a sleeping process's wchan
# names a kernel function; some kernels show 0 for all).
sleep 30 &
sleeper=$!
wchan=no
i=0
while [ $i -lt 100 ] && [ "$wchan" = no ]; do
	case $(cat "/proc/$sleeper/wchan" 2>/dev/null) in '' | 0) ;; *) wchan=yes ;; esac
	sleep 0.05
	i=$((i + 1))
done
kill "$sleeper"
wait "$sleeper" 2>/dev/null
[ "$wchan" = yes ] ||
	echo "adversarial: /proc shows no wchan here: the blocked case signals without waiting"
interrupted() {
	sig=$1 feed=$2 wait=$3
	shift 3
	timeout -k $TO $TO "$bin" -q --no-dpi "$@" -r pcaps/link-ether.pcap -r - \
		-r pcaps/demo.pcap <"$tmp/fifo" >"$tmp/int.out" 2>&1 &
	int_pid=$!
	exec 3>"$tmp/fifo"
	cat "$feed" >&3
	if [ "$wait" = blocked ] && [ "$wchan" = yes ]; then
		# impwatch itself is timeout's child. Waiting on a condition,
		# never on the clock: the bound only ends a case that would
		# hang.
		imp=$(pgrep -P "$int_pid" 2>/dev/null ||
			cat "/proc/$int_pid/task/$int_pid/children" 2>/dev/null)
		imp=${imp%% *}
		i=0
		while [ $i -lt 1200 ] && ! sleeps_on_pipe "${imp:-0}"; do
			sleep 0.05
			i=$((i + 1))
		done
		assert "interrupted-asleep (impwatch $imp waits on the FIFO)" $i -lt 1200
	fi
	kill -"$sig" "$int_pid"
	wait "$int_pid"
	int_rc=$?
	exec 3>&-
}
interrupted TERM "$tmp/flood-5060.pcap" blocked --format json
assert "interrupted-status (exit $int_rc, want 3)" "$int_rc" = 3
check interrupted-files 0 '"files":\[\{"name":"pcaps/link-ether.pcap",[^}]*"state":"complete",[^}]*\},\{"name":"-",[^}]*"state":"interrupted",[^}]*\},\{"name":"pcaps/demo.pcap","link_type":-1,"packets":0,"bytes":0,"state":"unread",' \
	cat "$tmp/int.out"
check interrupted-why 0 '"inconclusive":\[\{"reason":"interrupted","why":"SIGTERM stopped the run: - not finished \(after packet [1-9][0-9]*\); not read: pcaps/demo.pcap"\}\],"exit_status":3\}$' \
	cat "$tmp/int.out"
check interrupted-end-reasons 0 '"flows_by_end_reason":\{[^}]*"evicted":0,"eof":0,"shutdown":[1-9]' \
	cat "$tmp/int.out"
check interrupted-no-eof 0 '^0$' sh -c "grep -c '\"end_reason\":\"eof\"' \"$tmp/int.out\" || :"
interrupted INT "$tmp/flood-5060.pcap" no --validate
assert "interrupted-validate-status (exit $int_rc, want 3)" "$int_rc" = 3
check interrupted-validate-text 0 '^  interrupted +SIGINT stopped the run: - not finished' cat "$tmp/int.out"
check interrupted-validate-verdict 0 '^Validate: INCONCLUSIVE: the run was interrupted \(exit 3\)$' cat "$tmp/int.out"
check interrupted-text-unfinished 0 '^    not finished  stopped after packet [1-9]' cat "$tmp/int.out"
check interrupted-text-unread 0 '^    not read      the run was stopped first$' cat "$tmp/int.out"
# Findings already seen fail the gate: exit 1, the interruption still said.
interrupted TERM "$tmp/flood-9999.pcap" no --validate --format json
assert "interrupted-findings-status (exit $int_rc, want 1)" "$int_rc" = 1
check interrupted-findings 0 '"inconclusive":\[\{"reason":"interrupted",[^]]*\],"validate":"fail","exit_status":1\}$' \
	cat "$tmp/int.out"

# A FIFO named with -r that no program opens for writing: open() waits
# for a writer, a wait the signal's handler cannot end by itself (it is
# restarted). SIGTERM there stops the run as a read's wait is stopped:
# exit 3, the FIFO interrupted, the file after it unread.
mkfifo "$tmp/nowriter"
timeout -k $TO $TO "$bin" -q --no-dpi --format json -r "$tmp/nowriter" \
	-r pcaps/demo.pcap >"$tmp/nowriter.out" 2>&1 &
nw_pid=$!
if [ "$wchan" = yes ]; then
	imp=
	i=0
	# Waiting for a writer (fifo_open's wait_for_partner, or a poll).
	while [ $i -lt 1200 ]; do
		imp=$(pgrep -P "$nw_pid" 2>/dev/null)
		case $(cat "/proc/${imp:-0}/wchan" 2>/dev/null) in
		*partner* | *poll* | *fifo*) break ;;
		esac
		sleep 0.05
		i=$((i + 1))
	done
	assert "nowriter-asleep (impwatch ${imp:-?} waits for a writer)" $i -lt 1200
	kill -TERM "${imp:-$nw_pid}"
else
	kill -TERM "$nw_pid"
fi
wait "$nw_pid"
nw_rc=$?
assert "nowriter-status (exit $nw_rc, want 3)" "$nw_rc" = 3
check nowriter-files 0 '"state":"interrupted",[^}]*\},\{"name":"pcaps/demo.pcap","link_type":-1,"packets":0,"bytes":0,"state":"unread",' \
	cat "$tmp/nowriter.out"

# SIGHUP while files are read is no interruption: the report (-o) is
# reopened by name at the next packet, appended to, created 0640 when a
# rotation renamed it away, and every flow record is in exactly one of
# the two files. Each flow of this capture ends idle at the next packet
# (2 s apart, --timeout-udp 1), so records are written all along.
"$tmp/flood" -g 2000000 20000 >"$tmp/flood-gap.pcap"
rm -f "$tmp/hup.json" "$tmp/hup.json.1" "$tmp/hup.pid"
# The signal goes to impwatch itself (its pid is the shell's that execs
# it), not through timeout: timeout passes a signal on when it next runs,
# which may be after the FIFO is closed and the run is over (a run in
# some 10 under load wrote every flow before the SIGHUP reached it).
timeout -k $TO $TO sh -c 'echo $$ >"$3"; umask 022; exec "$1" -q --no-dpi --timeout-udp 1 --format json -o "$2" -r - -r pcaps/demo.pcap' \
	sh "$bin" "$tmp/hup.json" "$tmp/hup.pid" <"$tmp/fifo" 2>"$tmp/hup.err" &
hup_pid=$!
exec 3>"$tmp/fifo"
# Once written, all but a pipe's worth of it has been read.
cat "$tmp/flood-gap.pcap" >&3
mv "$tmp/hup.json" "$tmp/hup.json.1"
kill -HUP "$(cat "$tmp/hup.pid")"
# The rest of standard input, then demo.pcap, go to the new file.
exec 3>&-
wait "$hup_pid"
hup_rc=$?
assert "hup-offline-status (exit $hup_rc, want 0)" "$hup_rc" = 0
assert "hup-offline-mode ($(stat -c %a "$tmp/hup.json" 2>/dev/null), want 640)" \
	"$(stat -c %a "$tmp/hup.json" 2>/dev/null)" = 640
check hup-offline-summary 0 '^\{"type":"summary",.*"files":\[\{"name":"-",[^}]*"state":"complete",[^}]*\},\{"name":"pcaps/demo.pcap",[^}]*"state":"complete",.*"inconclusive":\[\],"exit_status":0\}$' \
	cat "$tmp/hup.json"
hup_old=$(grep -c '"type":"flow"' "$tmp/hup.json.1")
hup_new=$(grep -c '"type":"flow"' "$tmp/hup.json")
hup_flows=$(jval 'select(.type == "summary") | .flows' "$tmp/hup.json")
assert "hup-offline-split ($hup_old before, $hup_new after the SIGHUP, summary ${hup_flows:-none}; want 20031, both sides some)" \
	"$hup_old" -gt 0 -a "$hup_new" -gt 0 -a "$((hup_old + hup_new))" = "${hup_flows:--1}" -a "${hup_flows:-0}" = 20031
check hup-offline-once 0 '^0$' sh -c "cat \"$tmp/hup.json.1\" \"$tmp/hup.json\" | grep '\"type\":\"flow\"' | sort | uniq -d | wc -l"

# ---- output that cannot be written ---------------------------------------------

for fmt in text json csv; do
	check "write-full-$fmt" 2 'cannot write /dev/full' \
		"$bin" -q --format "$fmt" -w /dev/full -r pcaps/demo.pcap
done
check write-full-stdout 2 'cannot write standard output' \
	sh -c "\"$bin\" -q --format json -r pcaps/demo.pcap > /dev/full"
check write-full-rules 2 'cannot write output' sh -c "\"$bin\" rules > /dev/full"
check write-full-and-cut 2 'cannot write /dev/full' \
	"$bin" -q -w /dev/full -r "$tmp/cut-data.pcap"
check write-missing-dir 2 'cannot write .*no-such-dir/r.json' \
	"$bin" -q -w "$tmp/no-such-dir/r.json" -r pcaps/demo.pcap
# Evidence cut while the run goes on (5,000 frames of findings, more
# than stdio holds): the failed write is an error naming the file, and
# the summary claims no frame.
"$tmp/flood" 5000 >"$tmp/flood-5000.pcap"
check dump-full-midway 2 'cannot write /dev/full: No space left on device' \
	"$bin" -q --dump-undocumented /dev/full -r "$tmp/flood-5000.pcap"
# A disk that fills: a file size limit stands in for it.
check dump-cut 2 'impwatch: cannot write [^ ]*cut-ev.pcap: File too large' \
	sh -c "trap '' XFSZ; ulimit -f 64; exec \"$bin\" -q --dump-undocumented \"$tmp/cut-ev.pcap\" -r \"$tmp/flood-5000.pcap\""
check dump-cut-summary 2 '^  evidence +[^ ]*cut-ev.pcap: not written \(File too large\)' \
	sh -c "trap '' XFSZ; ulimit -f 64; exec \"$bin\" -q --dump-undocumented \"$tmp/cut-ev.pcap\" -r \"$tmp/flood-5000.pcap\""

# ---- catalogue files ----------------------------------------------------------

good='2 | sip-proxy | sip-gateway <-> imp | SIP | tcp,udp | 5060 | ephemeral | wire | SIP | SIP'
# bad_rules NAME LINE2 REASON: a file of one good line then LINE2 must be
# refused by `rules --check` and by --rules-add in a run (which writes no
# report), naming line 2 and the reason, then echoing the line.
bad_rules() {
	printf '%s\n%s\n' "$good" "$2" >"$tmp/$1.conf"
	check "rules-$1" 2 "$1\\.conf:2: .*$3" "$bin" rules --check "$tmp/$1.conf"
	check "rules-add-$1" 2 "^$tmp/$1\\.conf:2: " \
		sh -c "\"$bin\" -q --format json --rules-add \"$tmp/$1.conf\" -r pcaps/demo.pcap 2>&1 >\"$tmp/report\""
	assert "rules-add-$1-no-report" ! -s "$tmp/report"
}
bad_rules table '99 | a | cucm -> imp | SIP | udp | 5061 | ephemeral | wire | SIP | x' 'table 99 is not one of the guide.s \(2 to 34\)'
bad_rules service '2 | Bad_Id | cucm -> imp | SIP | udp | 5061 | ephemeral | wire | SIP | x' 'bad service id'
bad_rules roles '2 | a | pbx -> imp | SIP | udp | 5061 | ephemeral | wire | SIP | x' "unknown role 'pbx'"
bad_rules arrow '2 | a | cucm imp | SIP | udp | 5061 | ephemeral | wire | SIP | x' 'need an arrow'
bad_rules transport '2 | a | cucm -> imp | SIP | tpc | 5061 | ephemeral | wire | SIP | x' "unknown transport 'tpc'"
bad_rules port '2 | a | cucm -> imp | SIP | udp | 70000 | ephemeral | wire | SIP | x' 'port 70000 out of range'
bad_rules range '2 | a | cucm -> imp | SIP | udp | 6610-6603 | ephemeral | wire | SIP | x' 'inverted range'
bad_rules sport '2 | a | cucm -> imp | SIP | udp | 5061 | sometimes | wire | SIP | x' "sport 'sometimes'"
bad_rules scope '2 | a | cucm -> imp | SIP | udp | 5061 | ephemeral | lan | SIP | x' "unknown scope 'lan'"
bad_rules apps '2 | a | cucm -> imp | SIP | udp | 5061 | ephemeral | wire | SIP TLS | x' 'bad nDPI protocol name'
bad_rules fields '2 | a | cucm -> imp | SIP | udp' "missing field"
bad_rules extra '2 | a | cucm -> imp | SIP | udp | 5061 | ephemeral | wire | SIP | x | k | j | z' 'too many fields'
bad_rules conflict '2 | sip-proxy | sip-gateway <-> imp | SIP | udp | 5060 | ephemeral | localhost | SIP | x' 'conflicts with line 1'
bad_rules duplicate "$good" 'duplicates line 1'
bad_rules control "$(printf '2 | a\033 | cucm -> imp | SIP | udp | 5061 | ephemeral | wire | SIP | x')" 'control byte 0x1b'
bad_rules utf8 "$(printf '2 | a | cucm -> imp | SIP | udp | 5061 | ephemeral | wire | SIP | caf\351')" 'invalid UTF-8 0xe9'
# A line over the length limit.
{ printf '%s\n' "$good"; head -c 5000 /dev/zero | tr '\000' x; printf '\n'; } >"$tmp/long.conf"
check rules-long-line 2 'long\.conf:2: line longer than' "$bin" rules --check "$tmp/long.conf"
# A NUL byte.
{ printf '%s\n2 |' "$good"; printf '\000'; printf ' a\n'; } >"$tmp/nul.conf"
check rules-nul 2 'nul\.conf:2: NUL byte' "$bin" rules --check "$tmp/nul.conf"
# Files that are no catalogue at all.
: >"$tmp/empty.conf"
check rules-empty 2 'empty\.conf: no rows' "$bin" rules --check "$tmp/empty.conf"
# Anything but a regular file is refused before a byte is read: a FIFO
# would block the open (and then the read) forever, a device would be
# read to the size limit. A hang fails the case after 10 seconds.
check rules-dev-null 2 '^/dev/null: not a regular file \(a character device\)$' \
	"$bin" rules --check /dev/null
check rules-dev-zero 2 '^/dev/zero: not a regular file \(a character device\)$' \
	"$bin" rules --check /dev/zero
check rules-directory 2 '^rules: not a regular file \(a directory\)$' "$bin" rules --check rules
mkfifo "$tmp/fifo.conf"
TO=10
check rules-fifo 2 'fifo\.conf: not a regular file \(a FIFO\)' "$bin" rules --check "$tmp/fifo.conf"
check rules-fifo-run 2 'fifo\.conf: not a regular file \(a FIFO\)' \
	"$bin" -q --rules "$tmp/fifo.conf" -r pcaps/demo.pcap
check rules-add-fifo 2 'fifo\.conf: not a regular file \(a FIFO\)' \
	"$bin" -q --rules-add "$tmp/fifo.conf" -r pcaps/demo.pcap
TO=120
check rules-capture 2 'demo\.pcap:1: ' "$bin" rules --check pcaps/demo.pcap
check rules-missing 2 'no-such\.conf: cannot open' "$bin" rules --check "$tmp/no-such.conf"
# A good file after a bad one changes nothing: still refused.
check rules-add-bad-then-good 2 'table\.conf:2: ' \
	"$bin" -q --rules-add "$tmp/table.conf" --rules-add tests/rules/site-postgresql.conf -r pcaps/demo.pcap

# ---- inventory files ------------------------------------------------------------

# Run when impwatch takes an inventory (--hosts FILE): each class of bad
# line must be refused, naming line 2, with no report written.
if "$bin" --help 2>/dev/null | grep -q -- '--hosts'; then
	hgood='imp-publisher 192.0.2.10 imp-pub'
	bad_hosts() {
		printf '%s\n%s\n' "$hgood" "$2" >"$tmp/$1.hosts"
		check "hosts-$1" 2 "$1\\.hosts:2: .*$3" \
			sh -c "\"$bin\" -q --hosts \"$tmp/$1.hosts\" -r pcaps/demo.pcap 2>&1 >\"$tmp/report\""
		assert "hosts-$1-no-report" ! -s "$tmp/report"
	}
	bad_hosts no-address 'cucm' 'missing address'
	bad_hosts role 'pbx 192.0.2.20' "unknown role 'pbx'"
	bad_hosts empty-role 'cucm,,imp 192.0.2.20' 'empty role'
	bad_hosts address 'cucm 192.0.2.300' 'not an IPv4 or IPv6 address'
	bad_hosts prefix 'cucm 192.0.2.0/2x' 'bad prefix length'
	bad_hosts prefix-range 'cucm 2001:db8::/129' 'out of range'
	bad_hosts host-bits 'cucm 192.0.2.1/24' 'host bits set'
	bad_hosts name 'cucm 192.0.2.20 bad/name' 'bad name'
	bad_hosts extra 'cucm 192.0.2.20 cucm-1 more' "unexpected 'more'"
	bad_hosts duplicate "$hgood" 'duplicates line 1'
	bad_hosts conflict 'cucm 192.0.2.10' 'conflicts with line 1'
	bad_hosts control "$(printf 'cucm\033 192.0.2.20')" 'control byte 0x1b'
	bad_hosts utf8 "$(printf 'cucm 192.0.2.20 caf\351')" 'invalid UTF-8'
	: >"$tmp/empty.hosts"
	check hosts-empty 2 'empty\.hosts: ' "$bin" -q --hosts "$tmp/empty.hosts" -r pcaps/demo.pcap
	check hosts-directory 2 '^rules: not a regular file \(a directory\)$' \
		"$bin" -q --hosts rules -r pcaps/demo.pcap
	check hosts-dev-zero 2 '^/dev/zero: not a regular file \(a character device\)$' \
		"$bin" -q --hosts /dev/zero -r pcaps/demo.pcap
	mkfifo "$tmp/fifo.hosts"
	TO=10
	check hosts-fifo 2 'fifo\.hosts: not a regular file \(a FIFO\)' \
		"$bin" -q --hosts "$tmp/fifo.hosts" -r pcaps/demo.pcap
	TO=120
	check hosts-missing 2 'no-such\.hosts: ' "$bin" -q --hosts "$tmp/no-such.hosts" -r pcaps/demo.pcap
else
	echo "adversarial: impwatch has no --hosts yet: inventory cases skipped"
fi

# ---- flows dressed to slip past the gate ------------------------------------

# Each capture holds a documented session and an SSH session to
# 203.0.113.66:4444 (tests/adversarial/evade.c); the gate must not pass.
# Through one worker and two: the reader decodes for both.
#
# gen_check GEN NAME STATUS PATTERN ARGS...: impwatch --validate, at
# --threads 1 and 2, on the capture generator GEN writes with ARGS;
# evade_check and echo_check for evade.c's and echo.c's.
gen_check() {
	gen=$1 name=$2 status=$3 pat=$4
	shift 4
	"$tmp/$gen" "$@" >"$tmp/$name.pcap"
	for t in 1 2; do
		check "$name-t$t" "$status" "$pat" \
			"$bin" -q --validate --threads "$t" -r "$tmp/$name.pcap"
	done
}
evade_check() { gen_check evade "$@"; }
# Sixteen IPv6 extension headers are walked; past them the packet is the
# flow its IPv6 header makes, never nothing (Linux delivers the TCP
# segment behind any number of destination options headers).
evade_check ext6-16 1 'tcp \[2001:db8::7\]:40000 -> \[2001:db8::66\]:4444 ' ext6 16
evade_check ext6-17 1 '^    60 2001:db8::7 -> 2001:db8::66 ' ext6 17
evade_check ext6-100 1 '^    60 2001:db8::7 -> 2001:db8::66 ' ext6 100
# 802.1Q tags are a list, not a nesting: 17 or 100 priority tags (VLAN
# 0) in front of IPv4, which Linux delivers, are walked to the flow.
evade_check tags-17 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' tags 17
evade_check tags-100 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' tags 100
# IPv4 in IEEE 802.3 frames with an LLC/SNAP header (RFC 1042), which
# RFC 1122 2.3.3 has hosts receive and Windows does, whatever it sends:
# counted not-ip, the SSH session in them passed unseen.
evade_check snap 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' snap
# An IPv6 datagram whose UDP length is 0: Linux reads it as a
# jumbogram's (RFC 2675), to the end of the packet, whatever its size,
# and delivers it. Counted udp-bad-len, the datagrams to 4444 were no
# flow and the gate passed.
evade_check udp0-v6 1 'udp \[2001:db8::7\]:40000 -> \[2001:db8::66\]:4444 ' udp0-v6
# MACsec (IEEE 802.1AE) between two hosts: Linux delivers what it
# carries (ip link add ... type macsec). Counted not-ip, the SSH session
# in it passed unseen. In clear (integrity only) it is judged; encrypted,
# what it carries cannot be: the gate cannot pass.
evade_check macsec 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' macsec
evade_check macsec-enc 3 '8 frames were MACsec-encrypted' macsec-enc
# An HSR tag (IEC 62439-3) between two hosts that run Linux's hsr link
# (ip link add ... type hsr): the kernel takes the tag off and delivers
# what it carries. Counted not-ip, the SSH session behind it passed
# unseen; it is a tag, walked as 802.1Q tags are.
evade_check hsr 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' hsr
evade_check hsr0 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' hsr0
# PPP over PPPoE with Van Jacobson compression or CCP (MPPE) negotiated:
# Linux's ppp_generic decompresses (or decrypts) and delivers IP that no
# SPAN reads. Counted not-ip, the session in it passed unseen.
evade_check pppoe-vj 3 '8 PPP frames were compressed' pppoe-vj
evade_check pppoe-ccp 3 '8 PPP frames were compressed' pppoe-ccp
# batman-adv (ethertype 0x4305) between two hosts that run Linux's
# batman_adv: the kernel delivers the inner frame, and its IP, on bat0.
# Counted not-ip, the SSH session in it passed unseen. impwatch does not
# decode it: the gate cannot pass, and says how to leave it out. Frames
# known to carry no IP (ARP, LLDP, STP, LACP, PTP) leave the gate alone.
evade_check batman 3 "8 frames of ethertype 0x4305 were not decoded.*-f 'not ether proto 0x4305'" batman
# The advice must work: the run again with the filter the sentence
# suggests is no longer inconclusive for l2-unknown, and passes (the
# documented session is left). On the bare frame, 'not ether proto'
# does; inside a tunnel (batman-adv in VXLAN or in GRE's Transparent
# Ethernet Bridging, a pseudowire without control word in MPLS in GRE)
# BPF's 'ether proto' reads the outer frame, so the filter must name
# the carrier's outer flow. The tunnel is declared, so that l2-unknown
# is the only reason the run is not PASS: declared or not, what it
# carries was not judged.
#
# l2_advice CASE PATTERN: evade.c's CASE is inconclusive, the sentence
# matching PATTERN; run again with the -f it suggests: exit 0, nothing
# inconclusive.
l2_advice() {
	"$tmp/evade" "$1" >"$tmp/$1-l2.pcap"
	l2a="--validate --trust-tunnel 203.0.113.0/30 -r $tmp/$1-l2.pcap"
	check "$1-advice" 3 "$2" "$bin" -q --format json $l2a
	l2f=$(jval 'select(.type == "summary") | .inconclusive[] |
		select(.reason == "l2-unknown") | .why' "$tmp/out" |
		sed -n "s/.*-f '\([^']*\)'.*/\1/p")
	check "$1-advice-works" 0 '^\{"type":"summary",.*"inconclusive":\[\],' \
		"$bin" -q --format json -f "${l2f:-none suggested}" $l2a
}
l2_advice batman "ethertype 0x4305 were not decoded"
l2_advice batman-vxlan "ethertype 0x4305 inside vxlan from 203.0.113.1 to 203.0.113.2 were not decoded.*leaves that tunnel out"
l2_advice batman-gre "ethertype 0x4305 inside gre from 203.0.113.1 to 203.0.113.2 were not decoded.*leaves that tunnel out"
l2_advice mpls-gre-nocw "ethertype 0x8847 \\(MPLS with no IP after its labels\\) inside gre from 203.0.113.1 to 203.0.113.2 were not decoded"
# NSH as IP protocol 145 of an experimental next protocol: the filter
# names the protocol, which BPF reads in the outer header.
l2_advice nsh-ip-exp "ethertype 0x894f inside nsh from 203.0.113.1 to 203.0.113.2 were not decoded.*ip proto 145\\)' leaves that tunnel out"
# Behind 802.1Q or 802.1ad tags, BPF's 'ether proto' reads the first
# tag's type, and 'host' the tag as IP: each tag is a 'vlan' the filter
# must name, on the bare frame as on a carrier's outer frame, and a
# filter for frames behind a tag and another for untagged carriers
# must both hold in one expression ('vlan' moves what follows it).
l2_advice batman-vlan "ethertype 0x4305 were not decoded"
l2_advice batman-qinq "ethertype 0x4305 were not decoded"
l2_advice batman-vxlan-vlan "ethertype 0x4305 inside vxlan from 203.0.113.1 to 203.0.113.2 were not decoded.*leaves that tunnel out"
l2_advice batman-mix "ethertype 0x4305, some inside vxlan from 203.0.113.1 to 203.0.113.2, were not decoded.*leaves them and that tunnel out"
# Cisco FabricPath (ethertype 0x8903) between spine and leaf switches
# of a data centre: the edge switch takes the header off and delivers
# the whole frame it carries. Left l2-unknown, the SSH session in it was
# not judged: it is decoded to the IP inside.
evade_check fabricpath 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' fabricpath
# IEEE 802.1ah PBB (I-TAG, ethertype 0x88e7) on a provider backbone:
# the backbone edge takes the B-tag and I-TAG off and delivers the
# customer's frame. Left l2-unknown, the SSH session was not judged.
evade_check pbb 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' pbb
# An Ethernet pseudowire (RFC 4448) with its control word (first nibble
# 0 after the labels): the egress PE delivers the customer's frame.
# Left l2-unknown, the SSH session was not judged. Without the control
# word, a DA of 02:... starts with 0 too, and which it is cannot be
# told (Suricata reads a control word; read so, the frame's type would
# be its IP header's length): l2-unknown, inconclusive, as before.
evade_check mpls-pw 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' mpls-pw
evade_check mpls-pw-nocw 3 'frames of ethertype 0x8847 \(MPLS with no IP after its labels\) were not decoded' mpls-pw-nocw
# The Network Service Header (RFC 8300, ethertype 0x894f) on a service
# chain's links: the forwarder takes it off and delivers what its next
# protocol names, here the whole frame. Left l2-unknown, the SSH session
# in it was not judged, and a documented session in it was inconclusive.
evade_check nsh 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' nsh
evade_check nsh-doc 0 'PASS: every flow is documented' nsh-doc
# NSH in a tunnel the site declares: GRE of protocol type 0x894f, or
# VXLAN-GPE of next protocol 4. Counted gre-unknown-proto, the packets
# were the trusted GRE carrier's alone and the SSH session in it passed;
# counted overlay-unknown-proto, VXLAN-GPE was a UDP flow to 4790 and
# the session in it was never named.
for c in nsh-gre nsh-gpe; do
	"$tmp/evade" "$c" >"$tmp/$c.pcap"
	for t in 1 2; do
		check "$c-t$t" 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' \
			"$bin" -q --validate --threads "$t" \
			--trust-tunnel 203.0.113.0/30 -r "$tmp/$c.pcap"
	done
done
# NSH in Geneve (protocol type 0x894f) and MPLS in VXLAN-GPE (next
# protocol 5) between the endpoints a site declares, and NSH as IP
# protocol 145 (RFC 9491). Counted overlay-unknown-proto, or not read at
# all, each was the UDP flow to 6081 or 4790, or a flow of protocol 145:
# undocumented, a finding, and the SSH session in it never named; the
# documented sessions in them were that finding too. Decoded, the
# session is named, the documented ones pass in the declared tunnel, and
# in an undeclared one its carrier is the finding.
for c in nsh-geneve mpls-gpe nsh-ip; do
	"$tmp/evade" "$c" >"$tmp/$c.pcap"
	"$tmp/evade" "$c-doc" >"$tmp/$c-doc.pcap"
	for t in 1 2; do
		check "$c-t$t" 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' \
			"$bin" -q --validate --threads "$t" \
			--trust-tunnel 203.0.113.0/30 -r "$tmp/$c.pcap"
		check "$c-doc-t$t" 0 '^PASS: 2 documented, 1 trusted-tunnel' \
			"$bin" -q --validate --threads "$t" \
			--trust-tunnel 203.0.113.0/30 -r "$tmp/$c-doc.pcap"
	done
	check "$c-doc-untrusted" 1 '^FAIL: 1 untrusted-tunnel' \
		"$bin" -q --validate -r "$tmp/$c-doc.pcap"
done
# NSH over UDP (draft-kumar-sfc-nsh-udp-transport, expired; IANA's
# 6633/udp is Cisco vPath's own header, not NSH): neither Wireshark nor
# a forwarder reads NSH there, and impwatch does not guess it. The
# datagrams are the UDP flow they are, undocumented, declared ends or
# not: never a trusted tunnel's.
"$tmp/evade" nsh-udp 6633 >"$tmp/nsh-udp.pcap"
check nsh-udp 1 '^    udp 203.0.113.1:49320 -> 203.0.113.2:6633 ' \
	"$bin" -q --validate --trust-tunnel 203.0.113.0/30 -r "$tmp/nsh-udp.pcap"
# TRILL (RFC 6325, ethertype 0x22f3) between RBridges: the egress RBridge
# takes the header off and delivers the frame. Left l2-unknown, the SSH
# session in it was not judged; documented sessions in it, with the
# RBridges' IS-IS (0x22f4, no IP) beside them, were inconclusive.
evade_check trill 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' trill
evade_check trill-doc 0 'PASS: every flow is documented' trill-doc
evade_check l2-known 0 'PASS: every flow is documented' l2-known

# ICMP echo (echo.c): a reply returns its request's identifier, sequence
# number and data (RFC 792, RFC 4443 4.2). Tunnels over ICMP (ptunnel,
# hans, icmpsh) send the far end's data back in replies: each tunnel
# below passed as documented ICMP before the echo check. Pings pass:
# answered late (requests outstanding at the capture's start), twice
# (ping's DUP!), in fragments, over IPv6; replies alone (one direction
# mirrored) are not judged.
echo_check() { gen_check echogen "$@"; }
for c in ping ping-late ping-dup ping-frag ping6 replies; do
	echo_check "echo-$c" 0 '^PASS: 1 documented' "$c"
done
for c in tunnel tunnel-pad reseq tunnel6 tunnel-frag; do
	echo_check "echo-$c" 1 '^FAIL: 1 icmp-tunnel' "$c"
done
check echo-tunnel-no-dpi 1 '^FAIL: 1 icmp-tunnel' \
	"$bin" -q --validate --no-dpi -r "$tmp/echo-tunnel.pcap"
check echo-tunnel-record 1 '"verdict":"icmp-tunnel","findings":\["icmp-tunnel"\]' \
	"$bin" -q --validate --format json -r "$tmp/echo-tunnel.pcap"
check echo-tunnel-ecs 1 '"reason":"echo replies returned data that no echo request' \
	"$bin" -q --validate --format ecs -r "$tmp/echo-tunnel.pcap"

# Client and server come from the flow's first packet. A segment sent
# first, with a wrong checksum (dropped by its receiver, no reset comes
# back), claims the client's source port 5060 (SIP's) is the server's:
# a SYN-ACK or an ACK from it, or a SYN to it. The real SYN that follows
# says otherwise, and the SSH session to 4444 is a finding.
evade_check lead-synack 1 'tcp/4444 ' lead-synack
evade_check lead-ack 1 'tcp/4444 ' lead-ack
evade_check lead-syn 1 'tcp/4444 ' lead-syn
# A SYN in two fragments, the first holding the ports and no flags
# (RFC 1858's tiny fragment, which Linux reassembles): no SYN here, and
# the flow's direction was the claim of its source port 5060.
evade_check synfrag 3 '1 first fragment ends inside a header' synfrag
# Fragments that overlap: which bytes a receiver keeps, those it got
# first or last, is its own choice (RFC 815), and impwatch does not
# reassemble. A SYN from 5222 (XMPP's) to 4444 whose first fragment
# holds a whole SYN-ACK header and whose later one, from byte 8, the
# SYN's flags: taken for a SYN-ACK from XMPP's port, the session was
# documented and passed. Later fragment first or last: the gate cannot
# tell.
evade_check fragover 3 '1 datagram had a later fragment overlapping its first' fragover
evade_check fragover-late 3 '1 datagram had a later fragment overlapping its first' fragover-late
# Over IPv6, the later fragment's header naming UDP: only the first
# fragment's next header counts (RFC 8200 4.5), and receivers put a
# datagram together by addresses and id. Taken for another datagram's,
# the overlap was an orphan, and the gate passed.
evade_check fragover6 3 '1 datagram had a later fragment overlapping its first' fragover6
# On a TLS-only port, a flow whose start was not seen is never judged for
# TLS: an ACK first made clear SIP on 5061 pass.
evade_check lead-tls 1 'FAIL: 1 cleartext' lead-tls

# A segment that begins before the client's first byte (at the SYN's
# number, or earlier) and holds it: its receiver keeps the bytes from
# the first on, clear SIP here. It was taken for a later segment, the
# first byte never came, and the flow was not judged ('the client's
# first bytes not captured'): PASS. Judged on the bytes from the first
# on, with nDPI (which keeps the frame) and without (which keeps only
# the segment's first 11 bytes: past them, no TLS is seen).
for n in 1 20; do
	"$tmp/evade" tls-early $n >"$tmp/tls-early-$n.pcap"
	for t in 1 2; do
		for d in '' --no-dpi; do
			check "tls-early-$n-t$t${d:+-nodpi}" 1 \
				'FAIL: 1 cleartext' "$bin" -q --validate \
				--threads "$t" $d -r "$tmp/tls-early-$n.pcap"
		done
	done
done

# A flow pushed out of a full table before it ended goes on as a new
# flow without its start: never judged for TLS, its direction a claim,
# nDPI from its middle. Documented datagrams from 3,000 sources push a
# TLS-only flow out between its handshake and its clear first bytes. The
# gate cannot pass on a table that overflowed; with room, the clear text
# is a finding.
"$tmp/evade" evict 3000 >"$tmp/evict.pcap"
for t in 1 2; do
	check "evict-t$t" 3 'flow table full \(--max-flows 1000\): [0-9]+ flows pushed out' \
		"$bin" -q --validate --max-flows 1000 --threads "$t" -r "$tmp/evict.pcap"
done
check evict-room 1 'FAIL: 1 cleartext' "$bin" -q --validate -r "$tmp/evict.pcap"

# impwatch does not reassemble: a first fragment that ends inside a
# header its flow needs leaves the flow unknown. A VXLAN packet from the
# declared tunnel endpoint 203.0.113.1 whose first fragment holds the
# UDP header alone (Linux reassembles it) was the tunnel's own trusted
# flow, and the SSH session inside it was never seen. Undeclared, the
# tunnel is a finding either way.
"$tmp/evade" fragvxlan >"$tmp/fragvxlan.pcap"
for t in 1 2; do
	check "fragvxlan-t$t" 3 '8 first fragments end inside a header' "$bin" -q \
		--validate --threads "$t" --trust-tunnel 203.0.113.0/30 \
		-r "$tmp/fragvxlan.pcap"
done
check fragvxlan-untrusted 1 'untrusted-tunnel' "$bin" -q --validate -r "$tmp/fragvxlan.pcap"
# GRE whose protocol type is 802.1Q, a priority tag (VLAN 0) before each
# packet, in a tunnel the site declares: Linux's GRE device takes the
# tag off and delivers the packet. Counted gre-unknown-proto, the
# packets were the trusted carrier's alone, and the SSH session to 4444
# in it passed.
"$tmp/evade" gre-vlan >"$tmp/gre-vlan.pcap"
for t in 1 2; do
	check "gre-vlan-t$t" 1 'tcp 198.51.100.7:40000 -> 203.0.113.66:4444 ' \
		"$bin" -q --validate --threads "$t" \
		--trust-tunnel 203.0.113.0/30 -r "$tmp/gre-vlan.pcap"
done

# SPAN copies are the same IP packet seen twice; a packet inside a tunnel
# nobody declared, and the same packet bare, crossed the wire as two.
# Taken for a copy, the tunnel (and what it took to 203.0.113.99) was
# never seen.
evade_check tuncopy 1 'untrusted-tunnel' tuncopy
# The same through the mirror's own ERSPAN, with its collector declared:
# an ERSPAN session to another collector is a finding, and the packet it
# copies is no copy of it.
"$tmp/evade" erspancopy >"$tmp/erspancopy.pcap"
for t in 1 2; do
	check "erspancopy-t$t" 1 'untrusted-tunnel' "$bin" -q --validate \
		--threads "$t" --trust-tunnel 203.0.113.2 -r "$tmp/erspancopy.pcap"
done

# A carrier's outer flow and a flow of its own with the same ends and
# ports are one flow in the table, whichever came first, and each keeps
# its findings. A datagram from 203.0.113.2:4789 to SIP's port on
# 203.0.113.1 made the flow documented SIP, and the VXLAN tunnel nobody
# declared that followed on it, from 203.0.113.1:5060, passed unseen.
# The other way round, one VXLAN packet between declared endpoints made
# the flow a trusted carrier, and the plain datagrams to 4789 after it
# (no VXLAN: the udp/4789 flow they also are) passed with it.
"$tmp/evade" carrier-lead >"$tmp/carrier-lead.pcap"
"$tmp/evade" carrier-plain >"$tmp/carrier-plain.pcap"
for t in 1 2 4; do
	check "carrier-lead-t$t" 1 'FAIL: .*1 untrusted-tunnel' "$bin" -q \
		--validate --threads "$t" -r "$tmp/carrier-lead.pcap"
	check "carrier-plain-t$t" 1 'FAIL: 1 undocumented' "$bin" -q \
		--validate --threads "$t" --trust-tunnel 203.0.113.0/30 \
		-r "$tmp/carrier-plain.pcap"
done
# A tunnel whose packets carry its own flow (a SIP datagram from
# 203.0.113.2:4789 back to 203.0.113.1:5060, inside VXLAN the other
# way) was counted to that flow once, as its own: the carrier was
# neither judged nor listed, and the tunnel nobody declared passed.
# Declared, it passes: what it carries is documented.
"$tmp/evade" carrier-self >"$tmp/carrier-self.pcap"
for t in 1 2 4; do
	check "carrier-self-t$t" 1 'FAIL: 1 untrusted-tunnel' "$bin" -q \
		--validate --threads "$t" -r "$tmp/carrier-self.pcap"
done
check carrier-self-trusted 0 'PASS: 2 documented' "$bin" -q --validate \
	--trust-tunnel 203.0.113.0/30 -r "$tmp/carrier-self.pcap"
check carrier-self-listed 0 \
	'vxlan VNI 42: 203\.0\.113\.1 <-> .*, 4 packets, .*untrusted' \
	"$bin" -q -r "$tmp/carrier-self.pcap"
# A tunnel inside another between the same two hosts is counted once
# when it is the same kind (a GRE keepalive comes back in its own
# tunnel). GRE between 203.0.113.1 and .2 (only .2 declared) mirrored
# in ERSPAN to .2, the collector: the GRE layer was taken for the
# ERSPAN session's, trusted, and never judged or listed.
"$tmp/evade" erspangre >"$tmp/erspangre.pcap"
for t in 1 2; do
	check "erspangre-t$t" 1 'FAIL: 1 untrusted-tunnel' "$bin" -q \
		--validate --threads "$t" --trust-tunnel 203.0.113.2 \
		-r "$tmp/erspangre.pcap"
done
# A later fragment is its first fragment's: of a declared tunnel's
# packet that carries no IP, the carrier's alone, no flow of its own.
"$tmp/evade" carrier-frag >"$tmp/carrier-frag.pcap"
for t in 1 2; do
	check "carrier-frag-t$t" 0 'PASS: 1 documented, 1 trusted-tunnel' \
		"$bin" -q --validate --threads "$t" \
		--trust-tunnel 203.0.113.0/30 -r "$tmp/carrier-frag.pcap"
done

# An IPv6 segment routing header names the flow's final destination,
# which keys the flow (as tshark keys it): here 2001:db8::10, IM&P in
# the inventory, while every packet is sent to 2001:db8::66, a host no
# role allows (and the answers may come from any address). With an
# inventory, the roles of a source-routed flow are not those of where
# its packets went: the gate cannot pass; nor without one (lsrr-lo
# below says why).
printf '%s\n' 'imp-publisher 192.0.2.10 pub' 'imp-publisher 2001:db8::10 pub6' \
	'xmpp-client 198.51.100.0/24 clients' 'xmpp-client 2001:db8:1::/64 clients6' \
	>"$tmp/srh.hosts"
"$tmp/evade" srh >"$tmp/srh.pcap"
for t in 1 2; do
	check "srh-hosts-t$t" 3 'were source-routed \(' "$bin" -q --validate \
		--threads "$t" --hosts "$tmp/srh.hosts" -r "$tmp/srh.pcap"
done
check srh-no-hosts 3 'were source-routed \(' "$bin" -q --validate -r "$tmp/srh.pcap"

# The same over IPv4: a loose source route (LSRR) whose last address is
# 192.0.2.10 keys the flow, while the client's 5 packets are sent to
# 203.0.113.66 (Linux drops source-routed packets by default; a router
# need not). Keyed on where they were sent, the session was two flows,
# each one way, one of them a role violation.
"$tmp/evade" lsrr >"$tmp/lsrr.pcap"
for t in 1 2; do
	check "lsrr-hosts-t$t" 3 'were source-routed \(' "$bin" -q --validate \
		--threads "$t" --hosts "$tmp/srh.hosts" -r "$tmp/lsrr.pcap"
done
check lsrr-counted 0 '"ipv4-source-routed":5' "$bin" -q --format json \
	-r "$tmp/lsrr.pcap"
check lsrr-no-hosts 3 'were source-routed \(' "$bin" -q --validate -r "$tmp/lsrr.pcap"

# Without an inventory too: a route's end can make a flow look as if it
# never left its host. A forged 127.0.0.1 sends to 192.0.2.10 a session
# to port 5049 (localhost only) whose route ends at 127.0.0.1: keyed
# there, both ends are loopback and the port is allowed; sent to
# 192.0.2.10, it is a local-only finding. The gate cannot pass.
"$tmp/evade" lsrr-lo >"$tmp/lsrr-lo.pcap"
for t in 1 2; do
	check "lsrr-lo-t$t" 3 'were source-routed \(' "$bin" -q --validate \
		--threads "$t" -r "$tmp/lsrr-lo.pcap"
done

# Loopback addresses are not loopback on a wire: sessions from 127.0.0.1
# to 127.0.0.1:5049 and from 127.0.0.2 to 127.0.0.9:5049 (localhost
# only) in frames with real MACs reach a host with route_localnet=1,
# and are local-only findings (once PASS: documented). A capture on
# Linux lo writes both MACs zero: documented there. IPv4-mapped
# 127.0.0.1 over IPv6 is loopback on no link (RFC 4291 2.5.5.2). An ACK
# with zero MACs first does not make the wire's session loopback.
evade_check lo-wire 1 'FAIL: 2 local-only' lo-wire
evade_check lo-zero 0 'PASS: 3 documented' lo-zero
evade_check lo-mapped 1 'FAIL: 1 local-only' lo-mapped
evade_check lo-lead 1 'FAIL: 2 local-only' lo-lead
# A frame with both MACs zero is a loopback interface's; the same IP
# packet 1 ms later from a wire was taken for its SPAN copy and left
# out. Each frame of the wire's sessions sent first with zero MACs (no
# host on a wire takes them), under the duplicates threshold: the
# sessions were judged on loopback, documented, and passed.
evade_check lo-twin 1 'FAIL: 2 local-only' lo-twin
# With an inventory: roles are for flows between hosts, and 127.0.0.1 is
# in none. On loopback they are not judged (lo-zero was a role violation
# twice); from a wire they are. TCP 1500 is localhost only in table 8
# and CUCM to the publisher in table 30: the wire's sessions from
# 127.0.0.1, and those after a lead or a twin from lo, meet table 30's
# row with no CUCM at either end.
hosts_check() {
	name=$1 status=$2 pat=$3
	shift 3
	"$tmp/evade" "$@" >"$tmp/$name.pcap"
	for t in 1 2; do
		check "$name-t$t" "$status" "$pat" "$bin" -q --validate \
			--threads "$t" --hosts "$tmp/srh.hosts" -r "$tmp/$name.pcap"
	done
}
hosts_check lo-zero-hosts 0 'PASS: 3 documented' lo-zero
hosts_check lo-zero-1500-hosts 0 'PASS: 3 documented' lo-zero 1500
hosts_check lo-wire-1500-hosts 1 'FAIL: 2 role-violation' lo-wire 1500
hosts_check lo-lead-1500-hosts 1 'FAIL: 2 role-violation' lo-lead 1500
hosts_check lo-twin-1500-hosts 1 'FAIL: 2 role-violation' lo-twin 1500
hosts_check lo-wire-hosts 1 'FAIL: 2 local-only' lo-wire

# A route is read where the receiver reads it. Linux and BSD take the
# next hop at the pointer, 4 bytes at a time, whether or not it is on
# the 4-byte grid: a pointer of 7 in a route of length 10 sends the
# packet to the bytes at 7 (10.0.113.66), while the grid's last slot
# holds the destination field (192.0.2.10), which once read as the
# route's end said nothing was routed: PASS. And a route already done
# does not end the walk: a second one with a hop left sends the packet
# on (BSD follows it; Linux drops the packet).
for c in odd two; do
	"$tmp/evade" "lsrr-$c" >"$tmp/lsrr-$c.pcap"
	for t in 1 2; do
		check "lsrr-$c-t$t" 3 'were source-routed \(' "$bin" -q --validate \
			--threads "$t" --hosts "$tmp/srh.hosts" \
			-r "$tmp/lsrr-$c.pcap"
	done
done

# A routing header of a type impwatch does not read is not harmless
# (rh3, RPL's type 3 with a segment left, sent to the IM&P node): a
# receiver that forwards it sends the packet where the header says
# (2001:db8::66, a host no role allows), which impwatch does not guess.
# Nor is a route that ends where the packet is sent (lsrr-back,
# srh-back: through 203.0.113.66 or 2001:db8::66 and back to the IM&P
# node): its receiver sends the packets on to its hops first. Each once
# counted nothing: PASS. Keyed on the destination field, and the gate
# cannot pass, with an inventory or without.
for c in lsrr-back srh-back rh3; do
	"$tmp/evade" "$c" >"$tmp/$c.pcap"
	for t in 1 2; do
		check "$c-hosts-t$t" 3 'were source-routed \(' "$bin" -q \
			--validate --threads "$t" --hosts "$tmp/srh.hosts" \
			-r "$tmp/$c.pcap"
	done
	check "$c-no-hosts" 3 'were source-routed \(' "$bin" -q --validate \
		-r "$tmp/$c.pcap"
done
check lsrr-back-counted 0 '"ipv4-source-routed":5' "$bin" -q \
	--format json -r "$tmp/lsrr-back.pcap"
check rh3-counted 0 '"ipv6-source-routed":5' "$bin" -q \
	--format json -r "$tmp/rh3.pcap"
# The same inside a tunnel the site declares: the tunnel's trust does not
# vouch for where the packets inside it go.
"$tmp/evade" rh3-vxlan >"$tmp/rh3-vxlan.pcap"
for t in 1 2; do
	check "rh3-vxlan-t$t" 3 'were source-routed \(' "$bin" -q --validate \
		--threads "$t" --trust-tunnel 203.0.113.0/30 \
		-r "$tmp/rh3-vxlan.pcap"
done

# A snap length that cuts a frame before its transport header is whole
# leaves its flow unknown: IPv6 TCP at 64 bytes (tcpdump's -s 64), IPv4
# with 40 bytes of options at 64, a destination options header that
# pushes TCP past 96. The gate cannot pass: part of the traffic was
# never judged (exit 3 when nothing else fails it).
evade_check snap-v6 3 '8 packets cut by the snap length before the transport header: their flows were not judged' -s 64 v6
evade_check snap-v4opt 3 '8 packets cut by the snap length before the transport header: their flows were not judged' -s 64 v4opt
evade_check snap-ext6 3 '8 packets cut by the snap length before the transport header: their flows were not judged' -s 96 ext6 6
# Cut after the TCP header: every flow is judged, the SSH one fails.
"$tmp/evade" -s 94 v4opt >"$tmp/snap-whole.pcap"
check snap-whole 1 '"inconclusive":\[\],"validate":"fail"' \
	"$bin" -q --format json --validate -r "$tmp/snap-whole.pcap"

# nDPI is given a flow's first packets, up to --dpi-packets (12), and
# gives up with a guess. Empty ACKs are anyone's to send and no dissector
# reads them: ten from the client between the handshake and the server's
# banner, and SSH on the XMPP port 5222 was a port guess (Jabber),
# documented: PASS; 40 used up nDPI's own 32 packets too. Each must be
# the mismatch it is, with one worker or several.
# The same with empty datagrams: twelve to SIP's 5060, then STUN.
for c in acks-10 acks-40 udp-12 udp-40; do
	"$tmp/evade" "dpi-${c%-*}" "${c#*-}" >"$tmp/dpi-$c.pcap"
	for t in 1 2 4; do
		check "dpi-$c-t$t" 1 'FAIL: 1 protocol-mismatch' "$bin" -q \
			--validate --threads "$t" -r "$tmp/dpi-$c.pcap"
	done
done

# ---- kept crash captures ---------------------------------------------------------

# Every capture that once crashed or hung impwatch (or a fuzz target):
# read to the end or refused (exit 0, 1 or 2), with a summary, no
# sanitizer report.
for f in tests/crashes/*.pcap tests/crashes/*.pcapng; do
	[ -f "$f" ] || continue
	timeout $TO "$bin" -q --format json -r "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -gt 2 ]; then
		failed "crash-$(basename "$f")" "exit $rc"; head -20 "$tmp/err"
	elif grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmp/err"; then
		failed "crash-$(basename "$f")" "sanitizer report"; head -20 "$tmp/err"
	elif ! tail -n 1 "$tmp/out" | grep -q '"type":"summary"'; then
		failed "crash-$(basename "$f")" "no summary"
	else
		ok
	fi
done

finish adversarial
