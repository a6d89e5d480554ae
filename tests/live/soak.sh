#!/bin/sh
# soak.sh [-t THREADS] [-d] [-m MBPS] [-k DIR] BIN SECONDS [PCAP...]: a
# soak of live capture, run by hand (not by `make check`): impwatch as a
# sensor runs for months, and this watches it for SECONDS.
#
# It makes a veth pair between two network namespaces of its own, runs
# BIN on one end (JSON report to a file, --alert-file, --report-every 5,
# --threads THREADS, with -d also --dump-undocumented rotating at 2 MB
# over 4 files) and replays the captures into the other end with
# `tcpreplay --loop 0 --unique-ip` at MBPS (default 20), new addresses
# every 10 loops, so that flows keep being made and keep expiring (idle
# timeouts TCP 60 s, UDP and others 30 s). Every 10 s it samples the
# process's VmRSS, VmHWM, RssAnon and open descriptors; every 30 s it
# renames the report and the alert file and sends SIGHUP, as logrotate
# does; at the end it stops tcpreplay, then sends SIGTERM. Then it prints
# the figures and checks them:
#
#   - memory: the highest RssAnon of the run's last third against its
#     second third's (a plateau; growth past 10% fails);
#   - descriptors: the same count at every sample, across the SIGHUPs;
#   - records: every line of every renamed file is whole JSON, each
#     flow_id once, as many flow records as the summary's flows, alert
#     records and alert-file lines as its alerts;
#   - interim records: at each, the workers' ended flows (flows less
#     flows_active) and the verdicts' sum equal the flow records written
#     before it; packets, flows and pcap_received never go back, and the
#     last one is at most the summary's;
#   - packets: the summary's received (libpcap's count, which holds what
#     the kernel dropped) against what tcpreplay says it sent; what the
#     kernel and the interface dropped is printed and must be 0;
#   - with -d: the frames the kept evidence files hold (capinfos) against
#     the summary's, and no more files than kept.
#
# PCAP... default to the project's Ethernet captures (pcaps/) and, when
# ../shared/pcaps is there, a few of its captures with many short flows,
# tunnels and fragments. Needs root, iproute2, jq and tcpreplay (installed
# as the benchmark installs it, not by `make deps`). -k DIR keeps the
# run's files in DIR. Example (15 minutes, two workers):
#
#   sudo sh tests/live/soak.sh -t 2 build/impwatch 900
set -u
. "$(dirname "$0")/../lib/sh.sh"
threads=2 dump= mbps=20 keep=
usage="usage: soak.sh [-t N] [-d] [-m MBPS] [-k DIR] BIN SECONDS [PCAP...]"
die() { echo "$*" >&2; exit 2; }
while getopts t:dm:k: o; do
	case $o in
	t) threads=$OPTARG ;;
	d) dump=1 ;;
	m) mbps=$OPTARG ;;
	k) keep=$OPTARG ;;
	*) die "$usage" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || die "$usage"
bin=$(realpath "$1")
secs=$2
shift 2
need jq soak
[ "$(id -u)" = 0 ] || die "soak: needs root (namespaces, capture)"
command -v ip >/dev/null 2>&1 || die "soak: no iproute2"
top=$(dirname "$0")/../..
command -v tcpreplay >/dev/null 2>&1 || sh "$top/tools/deps.sh" tcpreplay >&2
command -v tcpreplay >/dev/null 2>&1 || die "soak: no tcpreplay"
d=${keep:-$tmp}
mkdir -p "$d" || exit 2
d=$(realpath "$d")
chmod 711 "$d"

# The captures replayed: the project's, and the shared corpus's when
# there (many short flows; tunnels; fragments). Ethernet only: tcpreplay
# sends each frame as it is.
shared=$top/../shared/pcaps
if [ $# -eq 0 ]; then
	for f in "$top"/pcaps/*.pcap; do
		case $f in */link-*|*/bad-*) ;; *) set -- "$@" "$f" ;; esac
	done
	for f in ndpi__synscan.pcap arkime__arkime_synthetic.pcap \
	    ndpi__bad-dns-traffic.pcap ndpi__webex.pcap ndpi__6in4tunnel.pcap \
	    ndpi__4in6tunnel.pcap zeek__erspan.pcap zeek__gre-within-gre.pcap \
	    tcpdump__various_gre.pcap tcpdump__erspan-type-ii-3.pcap \
	    tcpdump__erspan-type-i-4.pcap ndpi__dns_fragmented.pcap \
	    ndpi__ip_fragmented_garbage.pcap ndpi__fuzz-2006-09-29-28586.pcap \
	    zeek__ipv6-fragmented-dns.pcap; do
		[ -f "$shared/$f" ] && set -- "$@" "$shared/$f"
	done
	[ -d "$shared" ] ||
		echo "soak: no shared corpus: the project's captures only"
fi

# The wire: tcpreplay's end and impwatch's, each in a namespace with no
# IPv6 (no router solicitation of its own on the wire), a large MTU for
# the captures' jumbo frames.
ns_tx=impw-soak-tx-$$
ns_rx=impw-soak-rx-$$
if_tx=sktx$$
if_rx=skrx$$
cleanup() {
	[ -n "${tr_pid:-}" ] && kill "$tr_pid" 2>/dev/null
	[ -n "${imp_pid:-}" ] && kill "$imp_pid" 2>/dev/null
	ip netns del "$ns_tx" 2>/dev/null
	ip netns del "$ns_rx" 2>/dev/null
}
ip netns add "$ns_tx" && ip netns add "$ns_rx" &&
	ip link add "$if_tx" type veth peer name "$if_rx" &&
	ip link set "$if_tx" netns "$ns_tx" &&
	ip link set "$if_rx" netns "$ns_rx" ||
	die "soak: cannot make the namespaces"
wire() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 &&
		ip -n "$1" link set "$2" mtu 9000 &&
		ip -n "$1" link set "$2" up
}
wire "$ns_tx" "$if_tx" && wire "$ns_rx" "$if_rx" ||
	die "soak: cannot set the veth pair up"

dumpopt=
[ -n "$dump" ] &&
	dumpopt="--dump-undocumented $d/ev.pcap --dump-size 2 --dump-files 4"
# ip netns exec execs impwatch: $! is its pid.
# shellcheck disable=SC2086
ip netns exec "$ns_rx" "$bin" -i "$if_rx" -q --threads "$threads" \
	--format json -w "$d/out.json" --alert-file "$d/alerts.txt" \
	--report-every 5 --timeout-tcp 60 --timeout-udp 30 --timeout-other 30 \
	$dumpopt 2>"$d/err" &
imp_pid=$!
wait_for "$d/out.json" '"type":"stats"' 10 ||
	{ echo "soak: impwatch did not start:"; show "$d/err"; exit 2; }
ip netns exec "$ns_tx" tcpreplay -i "$if_tx" --mbps "$mbps" --loop 0 \
	--unique-ip --unique-ip-loops 10 "$@" >"$d/tcpreplay.out" 2>&1 &
tr_pid=$!

# The samples: seconds, VmRSS and VmHWM (kB), descriptors, the flows
# open at the last interim record.
echo "t rss_kb hwm_kb anon_kb fds flows_active" >"$d/samples"
t=0 rot=0
while [ $t -lt "$secs" ]; do
	sleep 10
	t=$((t + 10))
	kill -0 "$imp_pid" 2>/dev/null ||
		{ failed alive "impwatch ended at ${t}s"; break; }
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$imp_pid/status")
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$imp_pid/status")
	anon=$(awk '/^RssAnon:/ { print $2 }' "/proc/$imp_pid/status")
	fds=$(ls "/proc/$imp_pid/fd" | wc -l)
	act=$(grep '"type":"stats"' "$d/out.json" 2>/dev/null | tail -n 1 |
		jq -r .flows_active 2>/dev/null)
	echo "$t $rss $hwm $anon $fds ${act:-?}" >>"$d/samples"
	if [ $((t % 30)) -eq 0 ] && [ $t -lt "$secs" ]; then
		rot=$((rot + 1))
		mv "$d/out.json" "$d/out.json.$rot"
		mv "$d/alerts.txt" "$d/alerts.txt.$rot"
		kill -HUP "$imp_pid"
	fi
done

# The end: tcpreplay first (it prints what it sent), what the kernel
# holds reaches impwatch, then SIGTERM.
kill -INT "$tr_pid"
wait "$tr_pid"
tr_pid=
sleep 2
kill -TERM "$imp_pid"
wait "$imp_pid"
rc=$?
imp_pid=
assert exit-status "$rc" -eq 0

# The report, in the order it was written.
files=
i=1
while [ $i -le $rot ]; do
	files="$files $d/out.json.$i"
	i=$((i + 1))
done
files="$files $d/out.json"
afiles=$(echo "$files" | sed 's/out\.json/alerts.txt/g')
# shellcheck disable=SC2086
cat $files >"$d/all.json"
# shellcheck disable=SC2086
cat $afiles >"$d/all.alerts"
sum=$d/summary.json
grep '"type":"summary"' "$d/all.json" >"$sum"

echo "soak: $secs s, --threads $threads${dump:+, evidence}," \
	"tcpreplay at $mbps Mbps, $# captures, $rot SIGHUPs"
echo "memory and descriptors (every 60 s):"
awk 'NR == 1 || ($1 % 60) == 0 {
	printf "  %6s %9s %9s %9s %4s %12s\n", $1, $2, $3, $4, $5, $6 }' \
	"$d/samples"

# Memory: a plateau. The flows live 60 s at most, so by the run's
# second third the flow table and nDPI are at their size. Judged on the
# process's own memory (RssAnon): VmRSS holds the kernel's ring too
# (64 MiB, mapped from the socket), whose size never changes.
n=$(($(wc -l <"$d/samples") - 1))
third=$((n / 3))
# peak COLUMN FROM TO: the highest value of COLUMN in samples FROM..TO.
peak() {
	awk -v c="$1" -v a="$2" -v b="$3" \
		'NR > 1 && NR - 1 >= a && NR - 1 <= b && $c > m { m = $c }
		 END { print m + 0 }' "$d/samples"
}
if [ $third -ge 2 ]; then
	echo "VmRSS peak: middle third" \
		"$(peak 2 $((third + 1)) $((2 * third))) kB," \
		"last third $(peak 2 $((2 * third + 1)) $n) kB"
	mid=$(peak 4 $((third + 1)) $((2 * third)))
	last=$(peak 4 $((2 * third + 1)) $n)
	echo "RssAnon peak: middle third $mid kB, last third $last kB"
	[ "$last" -le $((mid + mid / 10)) ] && ok ||
		failed rss-plateau "RssAnon grew from $mid kB to $last kB"
else
	echo "soak: too short to judge a plateau (3 samples a third at least)"
fi
fds=$(awk 'NR > 1 { print $5 }' "$d/samples" | sort -u | paste -sd' ' -)
echo "descriptors: $fds"
assert fds-steady "$(echo "$fds" | wc -w)" -eq 1

# Records: whole lines, each flow once, as many as the summary says.
bad_lines=0
for f in $files $afiles; do
	[ -s "$f" ] && [ "$(tail -c 1 "$f" | wc -l)" -ne 1 ] &&
		bad_lines=$((bad_lines + 1))
done
for f in $files; do
	jq -c . "$f" >/dev/null 2>&1 || bad_lines=$((bad_lines + 1))
done
assert whole-lines "$bad_lines" -eq 0
jq -r 'select(.type == "flow") | .flow_id' "$d/all.json" | sort >"$d/ids"
recs=$(wc -l <"$d/ids")
uniq_ids=$(sort -u "$d/ids" | wc -l)
flows=$(jq -r .flows "$sum")
alerts=$(jq -r .alerts "$sum")
arecs=$(nlines "$d/all.json" '^\{"type":"alert"')
alines=$(wc -l <"$d/all.alerts")
echo "flow records: $recs in $((rot + 1)) files, $uniq_ids flow ids;" \
	"summary flows $flows"
echo "alerts: $arecs records, $alines alert-file lines; summary alerts $alerts"
assert flows-once "$recs" -eq "$uniq_ids"
assert flows-all "$recs" -eq "$flows"
assert alerts-records "$arecs" -eq "$alerts"
assert alerts-lines "$alines" -eq "$alerts"
jq -r '.flows_by_verdict | add' "$sum" >"$d/vsum"
assert verdicts-sum "$(cat "$d/vsum")" -eq "$flows"

# Interim records: the figures of the workers, added up, agree with the
# records written before each, and with the summary.
jq -r 'if .type == "flow" then "f" elif .type == "alert" then "a"
	elif .type == "stats" then "s \(.packets) \(.flows) " +
	"\(.flows_active) \(.flows_by_verdict | add) \(.alerts) " +
	"\(.pcap_received) \(.pcap_dropped + .pcap_ifdropped)"
	else empty end' "$d/all.json" >"$d/seq"
awk '$1 == "f" { f++ } $1 == "a" { a++ }
	$1 == "s" { n++
		if ($3 - $4 != f || $5 != f || $6 != a) bad++
		if ($2 < p || $3 < fl || $7 < rc) back++
		p = $2; fl = $3; rc = $7; dr = $8 }
	END { printf "%d %d %d %d %d %d\n", n, bad, back, p, fl, dr }' \
	"$d/seq" >"$d/interim"
read -r n_int int_bad int_back last_pk last_fl last_dr <"$d/interim"
spk=$(jq -r .packets "$sum")
echo "interim records: $n_int; disagreeing with the records before" \
	"them: $int_bad; going back: $int_back"
echo "last interim: $last_pk packets, $last_fl flows;" \
	"summary: $spk packets, $flows flows"
assert interim-agree "$int_bad" -eq 0
assert interim-monotone "$int_back" -eq 0
assert interim-last "$last_pk" -le "$spk" -a "$last_fl" -le "$flows"

# Packets: what tcpreplay sent, what libpcap received and dropped.
sent=$(sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p' "$d/tcpreplay.out")
# tr_count LABEL: tcpreplay's figure after "LABEL:".
tr_count() {
	sed -n "s/^[[:space:]]*$1:[[:space:]]*\([0-9]*\)/\1/p" \
		"$d/tcpreplay.out"
}
okp=$(tr_count 'Successful packets')
failp=$(tr_count 'Failed packets')
recv=$(jq -r .capture.received "$sum")
drop=$(jq -r '.capture.dropped + .capture.ifdropped' "$sum")
dups=$(jq -r .health.duplicate_frames "$sum")
echo "tcpreplay: $sent sent ($okp successful, $failp refused by the interface)"
echo "summary: received $recv, dropped $drop (kernel and interface)," \
	"packets $spk, duplicate frames $dups"
echo "end not read: $(jq -c .capture.end_not_read "$sum")"
assert no-drops "$drop" -eq 0
assert sent-received "${sent:-0}" -eq "$recv"
assert received-packets "$recv" -eq "$spk"

if [ -n "$dump" ]; then
	kept=$(jq -r .evidence.rotation.files_kept "$sum")
	started=$(jq -r .evidence.rotation.files "$sum")
	fk=$(jq -r .evidence.rotation.frames_kept "$sum")
	on_disk=0
	nfiles=0
	for f in "$d"/ev.pcap*; do
		c=$(capinfos -M -c "$f" 2>/dev/null |
			sed -n 's/^Number of packets: *//p')
		on_disk=$((on_disk + ${c:-0}))
		nfiles=$((nfiles + 1))
	done
	echo "evidence: $started files started, $kept kept" \
		"($nfiles on disk), $fk frames kept ($on_disk on disk)," \
		"$(jq -r .dumped "$sum") dumped"
	assert evidence-files "$nfiles" -eq "$kept" -a "$kept" -le 4
	assert evidence-frames "$on_disk" -eq "$fk"
fi
if [ -s "$d/err" ]; then
	echo "impwatch's standard error:"
	show "$d/err" 10
fi
finish soak
