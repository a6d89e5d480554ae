#!/bin/sh
# run.sh BIN [THREADS] [CAPTURE...]: flow workers change nothing but the
# order. Every capture of the golden suite (tests/golden/TESTLIST), and
# each CAPTURE given, is read with --threads 1 and --threads THREADS (4),
# with nDPI and with --no-dpi: the sorted flow and alert records must be
# the same, and so must every counter of the summary but the peaks (flows
# and nDPI states live at once: workers peak apart) and the threads the
# summary names. The exit status must be the same too. With
# THREADS_GIVEN_ONLY=1, the captures given alone. With
# THREADS_CACHE_NAMES=1 (public captures), flows a worker's nDPI caches
# name otherwise pass, each listed (apart.jq).
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
n=${2:-4}
[ $# -ge 2 ] && shift 2 || shift $#
need jq
# The captures given, one a line: the loops below reuse "$@".
: >"$tmp/captures"
for c in "$@"; do
	printf '%s\n' "$c" >>"$tmp/captures"
done

# run ARGS...: the sorted records in $tmp/rec.T, the summary without
# what may differ in $tmp/sum.T, the exit status in $tmp/rc.T, for T in
# $threads.
run() {
	"$bin" -q --format json --threads "$threads" "$@" >"$tmp/out" 2>"$tmp/err"
	echo $? >"$tmp/rc.$threads"
	if grep -Eq "$_t_sanitizer" "$tmp/err"; then
		echo "sanitizer report with $threads threads:"
		head -30 "$tmp/err"
		echo 99 >"$tmp/rc.$threads"
	fi
	# What names the run (run_id, wall clock, the command line) and the
	# flow ids (each worker numbers its own) differ by design; so does
	# the time of the summary's parts (carriers, coverage) when no packet
	# gave one: the wall clock at the end.
	jq -c 'select(.type != "summary") | del(.run_id, .flow_id,
		.wall_time) | if .type == "flow" or .type == "alert" then .
		else del(.time) end' "$tmp/out" | LC_ALL=C sort >"$tmp/rec.$threads"
	jq -S 'select(.type == "summary") | del(.peak_flows, .threads,
		.dpi.peak_states, .run_id, .wall_time, .started, .ended,
		.command_line) | if .last_packet == null then del(.time)
		else . end' "$tmp/out" >"$tmp/sum.$threads"
}

# cache_names ARGS...: whether flows may be named apart (apart.jq): with
# THREADS_CACHE_NAMES=1 (public captures: make check-corpus-threads),
# nDPI on. The golden and benchmark captures are compared whole.
cache_names() {
	[ "${THREADS_CACHE_NAMES:-}" = 1 ] || return 1
	case " $* " in *" --no-dpi "*) return 1 ;; esac
	return 0
}

# rest REC SUM: what is not a flow's record, without the applications
# (the services lists' parts joined, as lists whose entries are shorter
# split elsewhere), and the summary without its nDPI counters.
rest() {
	jq -c -n '[inputs | select(.type != "flow" and .type != "alert")]
		| group_by([.type, .list])[]
		| if .[0].type != "services" then .[]
		elif .[0].list == "undocumented_apps" then empty
		else {type: "services", list: .[0].list,
		      entries: [sort_by(.part)[].entries[] | del(.apps)]} end' "$1"
	jq -S 'del(.dpi.by_dpi, .dpi.guessed, .dpi.undetected,
		.dpi.packets_to_decide)' "$2"
}

# apart NAME: the records of $tmp/rec.1 and $tmp/rec.$n differ, nDPI on:
# passed when only flows named apart by a worker's caches differ, and
# besides them only what counts the names; each such flow is listed.
apart() {
	jq -r -n --slurpfile one "$tmp/rec.1" --slurpfile many "$tmp/rec.$n" \
		--arg n "$n" -f "$(dirname "$0")/apart.jq" >"$tmp/apart"
	rest "$tmp/rec.1" "$tmp/sum.1" >"$tmp/rest.1"
	rest "$tmp/rec.$n" "$tmp/sum.$n" >"$tmp/rest.$n"
	if grep -q '^fail' "$tmp/apart"; then
		failed "$1" "records differ between 1 and $n threads"
		sed -n 's/^fail\t/  /p' "$tmp/apart" | head -10
	elif ! grep -q '^apart' "$tmp/apart"; then
		failed "$1" "records differ between 1 and $n threads, no flow's"
		diff "$tmp/rec.1" "$tmp/rec.$n" | head -10
	elif ! cmp -s "$tmp/rest.1" "$tmp/rest.$n"; then
		failed "$1" "records or summary differ beyond the flows named apart"
		diff "$tmp/rest.1" "$tmp/rest.$n" | head -10
	else
		ok
		awk -F '\t' -v c="$1" '$1 == "apart" {
			print "named apart: " c ": " $2 }' "$tmp/apart" |
			tee -a "$tmp/named-apart"
	fi
}

# same NAME ARGS...: one case at --threads 1 and --threads $n.
same() {
	name=$1
	shift
	threads=1 run "$@"
	threads=$n run "$@"
	if ! cmp -s "$tmp/rc.1" "$tmp/rc.$n"; then
		failed "$name" "exit $(cat "$tmp/rc.1") with 1 thread, $(cat "$tmp/rc.$n") with $n"
	elif ! cmp -s "$tmp/rec.1" "$tmp/rec.$n" && cache_names "$@"; then
		apart "$name"
	elif ! cmp -s "$tmp/rec.1" "$tmp/rec.$n"; then
		failed "$name" "records differ between 1 and $n threads"
		diff "$tmp/rec.1" "$tmp/rec.$n" | head -10
	elif ! cmp -s "$tmp/sum.1" "$tmp/sum.$n"; then
		failed "$name" "summary differs between 1 and $n threads"
		diff "$tmp/sum.1" "$tmp/sum.$n" | head -20
	elif ! [ -s "$tmp/rec.1" ] && [ "$(cat "$tmp/rc.1")" -ne 2 ]; then
		failed "$name" "no records"
	else
		ok
	fi
}

# given: each capture given, with nDPI and without (make threads: the
# benchmark's mixed capture and its noise, which nDPI inspects to the end
# of --dpi-packets and names none; CI: every capture of the shared corpus).
given() {
	while IFS= read -r c; do
		same "${c##*/}" -r "$c"
		same "${c##*/} --no-dpi" --no-dpi -r "$c"
	done <"$tmp/captures"
}

# THREADS_GIVEN_ONLY=1: the captures given alone (make
# check-corpus-threads); the cases below run in every `make check`.
if [ "${THREADS_GIVEN_ONLY:-}" = 1 ]; then
	# Nothing to compare is no pass.
	[ -s "$tmp/captures" ] || failed "captures" "none given"
	given
	if [ -s "$tmp/named-apart" ]; then
		echo "threads: flows named apart by a worker's nDPI caches: $(wc -l <"$tmp/named-apart") (listed above)"
	fi
	finish threads
fi

# The golden suite's cases that read captures, without their format
# (JSON is compared): each with nDPI and without.
while IFS='|' read -r name mode args; do
	case "$name" in '' | '#'*) continue ;; esac
	case " $args " in *" -r "*) ;; *) continue ;; esac
	# shellcheck disable=SC2086 # ARGS is split on purpose
	set -- $args
	keep=
	while [ $# -gt 0 ]; do
		case "$1" in
		--format | --top) shift ;;
		--alerts | --validate | -q) ;;
		*) keep="$keep $1" ;;
		esac
		shift
	done
	# shellcheck disable=SC2086
	same "$name" $keep
	# shellcheck disable=SC2086
	same "$name --no-dpi" --no-dpi $keep
done <tests/golden/TESTLIST

# A flow whose key is a tunnel's, before or after the tunnel: a UDP
# datagram to the Geneve port with a bad header (version 1) is a flow of
# its own, whose key a Geneve carrier's has; in one table they are one
# flow, whichever came first, and so they must be with workers.
python3 - "$tmp/carrier-key.pcap" <<'PY'
import struct, sys
def csum(h):
    s = sum(struct.unpack('!%dH' % (len(h) // 2), h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip4(src, dst, proto, body):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(body), 1, 0, 64, proto, 0,
                    bytes(src), bytes(dst))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + body
def udp(sport, dport, body):
    return struct.pack('!HHHH', sport, dport, 8 + len(body), 0) + body
def eth(body):
    return b'\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00' + body
inner = eth(ip4([192, 0, 2, 1], [192, 0, 2, 2], 17,
                udp(5000, 5060, b'OPTIONS sip:x SIP/2.0\r\n\r\n')))
good = struct.pack('!BBHI', 0, 0, 0x6558, 42 << 8) + inner
bad = struct.pack('!BBHI', 0x40, 0, 0x6558, 42 << 8) + inner
frames = []
for a, b, order in (([10, 0, 0, 1], [10, 0, 0, 2], (good, bad)),
                    ([10, 0, 0, 3], [10, 0, 0, 4], (bad, good))):
    for g in order:
        frames.append(eth(ip4(a, b, 17, udp(12345, 6081, g))))
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack('<IIII', 1767225600 + i, 0, len(fr), len(fr)) + fr)
PY
same "tunnel key, carrier first and after" -r "$tmp/carrier-key.pcap"
same "tunnel key --no-dpi" --no-dpi -r "$tmp/carrier-key.pcap"

# udp4.py OUT SPEC...: a pcap of one-frame UDP datagrams over IPv4, from
# 10.0.0.0/16 to 192.0.2.10, for the cases below; each SPEC is
# SECONDS:COUNT:SPORT:DPORT:PAYLOAD, COUNT datagrams from as many sources
# (10.0.0.0, 10.0.0.1...) at SECONDS into the capture, in time order.
cat >"$tmp/udp4.py" <<'PY'
import struct, sys
def csum(h):
    s = sum(struct.unpack('!%dH' % (len(h) // 2), h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip4(src, dst, body):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(body), 1, 0, 64, 17,
                    0, bytes(src), bytes(dst))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + body
frames = []
for spec in sys.argv[2:]:
    sec, count, sport, dport, data = spec.split(':', 4)
    for i in range(int(count)):
        body = struct.pack('!HHHH', int(sport), int(dport), 8 + len(data),
                           0) + data.encode()
        frames.append((int(sec), b'\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00' +
                       ip4([10, 0, i >> 8, i & 255], [192, 0, 2, 10], body)))
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, (sec, fr) in enumerate(sorted(frames, key=lambda x: x[0])):
        f.write(struct.pack('<IIII', 1767225600 + sec, i % 1000000, len(fr),
                            len(fr)) + fr)
PY

# The clock's time reaches the workers through the frames the reader keeps
# too (the flows whose keys a carrier's could have): a SIP datagram, then
# datagrams from port 4789 to SIP's for 7 minutes, past UDP's timeout.
# One table ended the first flow as idle; its worker, told no time after
# it, ended it at the end of the input.
python3 "$tmp/udp4.py" "$tmp/quiet.pcap" 0:1:40000:5060:OPTIONS \
	60:1:4789:5060:x 120:1:4789:5060:x 180:1:4789:5060:x 240:1:4789:5060:x \
	300:1:4789:5060:x 360:1:4789:5060:x 420:1:4789:5060:x
same "time through the reader's own flows" -r "$tmp/quiet.pcap"

# The reader's nDPI states are --dpi-memory's too, as its flow table is
# --max-flows's. 1 MB holds 1440 states: 1200 datagrams to SIP's port
# (each holds one to the end: nDPI decides on none) and 250 from port
# 4789 (the reader's) need 1450. One table ran out, and the gate was
# inconclusive; the reader's 256 states, beyond the memory given, made
# it PASS with workers. Every worker's share is its own (README): the
# flows left uninspected differ, the verdict may not.
python3 "$tmp/udp4.py" "$tmp/states.pcap" 0:1200:40000:5060: 1:250:4789:5060:
for threads in 1 "$n"; do
	"$bin" -q --format json --validate --dpi-memory 1 --threads "$threads" \
		-r "$tmp/states.pcap" >"$tmp/out" 2>"$tmp/err"
	echo "exit $?" >"$tmp/rc.$threads"
	grep -E "$_t_sanitizer" "$tmp/err" >>"$tmp/rc.$threads"
	jq -c 'select(.type == "summary") | [.validate,
		[.inconclusive[].reason], .dpi.max_states]' "$tmp/out" \
		>>"$tmp/rc.$threads"
done
if ! grep -q '"inconclusive",\["not-inspected"\],1440' "$tmp/rc.1"; then
	failed "dpi states, the reader's" "one thread: $(cat "$tmp/rc.1")"
elif ! cmp -s "$tmp/rc.1" "$tmp/rc.$n"; then
	failed "dpi states, the reader's" \
		"1 thread: $(cat "$tmp/rc.1"); $n: $(cat "$tmp/rc.$n")"
else
	ok
fi

# With an inventory, each row keeps 8 pairs of hosts (coverage.h): the
# first 8 by name, whatever order the flows end in. SYNs to XMPP's 5222
# from 12 clients, the last by name first: one table kept the first 8 to
# end, and workers hand flows over in orders of their own.
python3 - "$tmp/pairs.pcap" <<'PY'
import struct, sys
def csum(h):
    s = sum(struct.unpack('!%dH' % (len(h) // 2), h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, host in enumerate(range(112, 100, -1)):
        tcp = struct.pack('!HHIIBBHHH', 40000, 5222, 1, 0, 0x50, 0x02, 65535,
                          0, 0)
        h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, 1, 0, 64, 6, 0,
                        bytes([198, 51, 100, host]), bytes([192, 0, 2, 10]))
        fr = (b'\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00' + h[:10] +
              struct.pack('!H', csum(h)) + h[12:] + tcp)
        f.write(struct.pack('<IIII', 1767225600, i, len(fr), len(fr)) + fr)
PY
same "coverage pairs" --hosts tests/hosts/site.hosts -r "$tmp/pairs.pcap"
"$bin" -q --format json --threads 1 --hosts tests/hosts/site.hosts \
	-r "$tmp/pairs.pcap" >"$tmp/out" 2>"$tmp/err"
got=$(jq -r 'select(.type == "coverage_pairs") | .entries[] |
	select(.line == 166) | .client[11:14]' "$tmp/out" | tr '\n' ' ')
if [ "$got" != "101 102 103 104 105 106 107 108 " ]; then
	failed "coverage pairs, one thread" "kept: $got"
else
	ok
fi

# Alerts and the gate go through the workers' queues too.
same "demo alerts validate" --alerts --validate -r pcaps/demo.pcap

# Each worker writes its flow records as text itself, in the format asked
# for (sink.h): the CSV rows and the ECS events must be those of one
# thread too (less what names the run and the flow ids).
# rows FILE: CSV rows without the run_id and flow_id columns, the header
# first, the rows sorted.
rows() {
	python3 -c '
import csv, sys
r = list(csv.reader(open(sys.argv[1], newline="")))
if not r:
    sys.exit(0)
drop = {i for i, h in enumerate(r[0]) if h in ("run_id", "flow_id")}
out = [",".join(c for i, c in enumerate(row) if i not in drop) for row in r]
print(out[0])
print("\n".join(sorted(out[1:])))
' "$1"
}
same_text() {
	name=$1
	fmt=$2
	shift 2
	for threads in 1 "$n"; do
		"$bin" -q --format "$fmt" --threads "$threads" "$@" \
			>"$tmp/out" 2>"$tmp/err"
		echo $? >"$tmp/rc.$threads"
		if grep -Eq "$_t_sanitizer" "$tmp/err"; then
			head -30 "$tmp/err"
			echo 99 >"$tmp/rc.$threads"
		fi
		case $fmt in
		csv) rows "$tmp/out" >"$tmp/rec.$threads" ;;
		ecs) jq -c 'select(.event.dataset == "impwatch.flow" or
			.event.dataset == "impwatch.alert") |
			del(.impwatch.run_id, .impwatch.flow_id)' "$tmp/out" |
			LC_ALL=C sort >"$tmp/rec.$threads" ;;
		esac
	done
	if ! cmp -s "$tmp/rc.1" "$tmp/rc.$n"; then
		failed "$name" "exit $(cat "$tmp/rc.1") with 1 thread, $(cat "$tmp/rc.$n") with $n"
	elif [ "$(wc -l <"$tmp/rec.1")" -lt 3 ]; then
		failed "$name" "fewer than 3 records"
	elif ! cmp -s "$tmp/rec.1" "$tmp/rec.$n"; then
		failed "$name" "records differ between 1 and $n threads"
		diff "$tmp/rec.1" "$tmp/rec.$n" | head -10
	else
		ok
	fi
}
same_text "demo csv" csv -r pcaps/demo.pcap
same_text "demo ecs alerts" ecs --alerts -r pcaps/demo.pcap
for f in csv ecs; do
	same_text "waivers $f" $f --waivers tests/waivers/board.waivers \
		-r pcaps/real-tls-cleartext.pcap
	same_text "inventory $f --no-dpi" $f --no-dpi \
		--hosts tests/hosts/site.hosts -r pcaps/demo.pcap
done

# The text report lists a finding's largest flows (--top): of flows of
# one size, the first by time, whatever order they end in. Ten flows to
# 4444 of two datagrams each, the first to begin the last to end (from
# port 40000 at 0 s and 100 s, 40001 at 1 s and 99 s...): one table
# listed the first to end, workers whichever their order gave.
set --
for i in 0 1 2 3 4 5 6 7 8 9; do
	set -- "$@" "$i:1:4000$i:4444:x" "$((100 - i)):1:4000$i:4444:x"
done
python3 "$tmp/udp4.py" "$tmp/top.pcap" "$@"
for threads in 1 "$n"; do
	"$bin" -q --no-dpi --top 3 --threads "$threads" -r "$tmp/top.pcap" \
		>"$tmp/out" 2>"$tmp/err"
	echo "exit $?" >"$tmp/rc.$threads"
	grep -E "$_t_sanitizer" "$tmp/err" >>"$tmp/rc.$threads"
	grep '^    udp ' "$tmp/out" | cut -d' ' -f6 >>"$tmp/rc.$threads"
done
if ! cmp -s "$tmp/rc.1" "$tmp/rc.$n"; then
	failed "largest flows" \
		"listed apart: $(cat "$tmp/rc.1") | $(cat "$tmp/rc.$n")"
elif [ "$(tr '\n' ' ' <"$tmp/rc.1")" != \
	"exit 0 10.0.0.0:40000 10.0.0.0:40001 10.0.0.0:40002 " ]; then
	failed "largest flows" "$(cat "$tmp/rc.1")"
else
	ok
fi

# The check itself (apart, above): the demo capture's output at $n
# threads changed by MUTATE, a jq filter. A flow a cache could have named
# otherwise passes where public captures are read, and nowhere else; a
# name two dissectors gave, a byte more, or a counter beyond nDPI's
# fails. self EXPECT CACHE_NAMES WHAT MUTATE ARGS: EXPECT is pass or fail.
cat >"$tmp/mutate" <<EOF
#!/bin/sh
case " \$* " in *" --threads 1 "*) exec "$bin" "\$@" ;; esac
"$bin" "\$@" >"$tmp/mutated"
rc=\$?
jq -c "\$MUTATE" "$tmp/mutated"
exit \$rc
EOF
chmod +x "$tmp/mutate"
self() {
	expect=$1 cn=$2 what=$3 mutate=$4
	shift 4
	if (pass=0 fail=0 bin=$tmp/mutate THREADS_CACHE_NAMES=$cn \
		MUTATE=$mutate; export MUTATE THREADS_CACHE_NAMES
		same self "$@" && [ "$fail" -eq 0 ]) >"$tmp/self" 2>&1; then
		got=pass
	else
		got=fail
	fi
	if [ "$got" = "$expect" ]; then
		ok
	else
		failed "apart: $what (THREADS_CACHE_NAMES=$cn $*)" \
			"expected $expect, got $got"
		head -5 "$tmp/self"
	fi
}
bt='if .type == "flow" and .client_port == 40999 then
	.app = "BitTorrent" | .app_source = "guess" else . end'
self pass 1 "a cache's guess" "$bt" -r pcaps/demo.pcap
self fail "" "a cache's guess" "$bt" -r pcaps/demo.pcap
self fail 1 "a cache's guess" "$bt" --no-dpi -r pcaps/demo.pcap
self fail 1 "two dissectors' names" 'if .type == "flow" and .client_port == 50022 then
	.app = "Redis" else . end' -r pcaps/demo.pcap
self fail 1 "a byte more" "$bt"' | if .type == "flow" and .client_port == 40999 then
	.bytes += 1 else . end' -r pcaps/demo.pcap
self fail 1 "a flow more" "$bt"' | if .type == "summary" then .flows += 1 else . end' \
	-r pcaps/demo.pcap
self pass 1 "nothing changed" . -r pcaps/demo.pcap

given

finish threads
