#!/bin/sh
# run.sh BIN PEER: impwatch capturing live on a veth pair between two
# network namespaces this test makes (an "IM&P node" 192.0.2.10 and a
# client 192.0.2.20; documentation addresses, inside the namespaces only).
# Real TCP and UDP clients talk to real listeners on documented,
# undocumented and localhost-only ports; impwatch is stopped with SIGTERM
# and its alerts, flow records, summary and --validate status are checked.
# Needs root (namespaces, capture); skipped with a message otherwise.
# Every process it starts is bounded in time; everything is torn down.
set -u
bin=$1
peer=$2
pass=0
fail=0

if [ "$(id -u)" != 0 ]; then
	echo "live: not root: live capture tests skipped"
	echo "live: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
if ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
	echo "live: no network namespaces here (iproute2): live capture tests skipped"
	echo "live: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

tmp=$(mktemp -d) || exit 2
ns_s=impw-srv-$$
ns_c=impw-cli-$$
cleanup() {
	[ -n "${imp_pid:-}" ] && kill "$imp_pid" 2>/dev/null
	[ -n "${srv_pid:-}" ] && kill "$srv_pid" 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL $1: $2"
	[ -f "$tmp/out" ] && sed 's/^/  | /' "$tmp/out" | cut -c1-220 | head -20
	[ -f "$tmp/err" ] && sed 's/^/  ! /' "$tmp/err" | head -5
	fail=$((fail + 1))
}
# has NAME PATTERN: the report has a line matching PATTERN (grep -E).
has() { if grep -Eq -- "$2" "$tmp/out"; then ok; else bad "$1" "no line /$2/"; fi; }
count() {
	n=$(grep -Ec -- "$2" "$tmp/out")
	if [ "$n" -eq "$3" ]; then ok; else bad "$1" "$n lines /$2/, want $3"; fi
}

# The two hosts and the wire between them.
ip netns add "$ns_s" && ip netns add "$ns_c" &&
	ip link add veth-s$$ type veth peer name veth-c$$ &&
	ip link set veth-s$$ netns "$ns_s" && ip link set veth-c$$ netns "$ns_c" &&
	ip -n "$ns_s" addr add 192.0.2.10/24 dev veth-s$$ &&
	ip -n "$ns_c" addr add 192.0.2.20/24 dev veth-c$$ &&
	ip -n "$ns_s" link set veth-s$$ up && ip -n "$ns_c" link set veth-c$$ up &&
	ip -n "$ns_s" link set lo up && ip -n "$ns_c" link set lo up || {
	echo "live: cannot make network namespaces: live capture tests skipped"
	echo "live: 0 passed, 0 failed, 1 skipped"
	exit 0
}

# Errors: each one clear line and exit 2.
ip netns exec "$ns_s" "$bin" -q -i no-such-if0 --duration 1 >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q 'no-such-if0: no such interface' "$tmp/out" && ok || bad no-such-interface "exit or message"
ip netns exec "$ns_s" "$bin" -q -i veth-s$$ -f 'port nonsense' --duration 1 >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "bad filter 'port nonsense'" "$tmp/out" && ok || bad bad-filter "exit or message"
ip netns exec "$ns_s" "$bin" -q -i veth-s$$ -Z no-such-user --duration 1 >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q -- '-Z no-such-user: no such user' "$tmp/out" && ok || bad bad-user "exit or message"
if command -v setpriv >/dev/null 2>&1; then
	ip netns exec "$ns_s" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$bin" -q -i veth-s$$ --duration 1 >"$tmp/out" 2>&1
	[ $? -eq 2 ] && grep -q 'permission denied' "$tmp/out" && ok || bad no-permission "exit or message"
fi

# The listeners: documented TCP 5222 and UDP 5060, undocumented TCP 3389
# and UDP 9999, and TCP 7070, documented for localhost traffic only.
ip netns exec "$ns_s" timeout 30 "$peer" serve 25 tcp:5222 tcp:3389 tcp:7070 \
	udp:5060 udp:9999 &
srv_pid=$!

# impwatch on the server's side of the wire, dropping root to nobody. It
# creates its output files after the drop, as tcpdump does: the evidence
# goes to a folder nobody may write.
chmod 711 "$tmp"
mkdir "$tmp/ev" && chown nobody "$tmp/ev"
ip netns exec "$ns_s" timeout 40 "$bin" -i veth-s$$ -q --format json --validate \
	--report-every 1 -Z nobody --dump-undocumented "$tmp/ev/evidence.pcap" \
	>"$tmp/out" 2>"$tmp/err" &
imp_pid=$!
# Capturing once the first interim record is out (at most 5 s).
i=0
while [ $i -lt 50 ] && ! grep -q '"type":"stats"' "$tmp/out" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
# Running as nobody now: -Z dropped root after opening the capture (the
# process itself, below the namespace and timeout wrappers).
if command -v pgrep >/dev/null 2>&1; then
	imp_real=$(pgrep -n -f -- "-i veth-s$$ -q --format json" 2>/dev/null)
	uid=$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/${imp_real:-0}/status" 2>/dev/null)
	nobody_uid=$(id -u nobody)
	[ -n "$imp_real" ] && [ "$uid" = "$nobody_uid$nobody_uid$nobody_uid$nobody_uid" ] && ok ||
		bad privilege-drop "impwatch (pid ${imp_real:-?}) runs as uids ${uid:-?}, want nobody"
fi

c() { ip netns exec "$ns_c" timeout 10 "$peer" send 192.0.2.10 "$@"; }
c tcp:5222 "<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
c udp:5060 "OPTIONS sip:192.0.2.10 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK776asdhds
Max-Forwards: 70
To: <sip:192.0.2.10>
From: <sip:192.0.2.20>;tag=1928301774
Call-ID: a84b4c76e66710@192.0.2.20
CSeq: 63104 OPTIONS
Content-Length: 0

"
c tcp:3389 "hello"
c udp:9999 "ping"
c tcp:7070 "ping"
# One connection still open when impwatch stops.
c tcp:5222 "<stream:stream to='example.com'>" 8000 &
hold_pid=$!
sleep 2
kill -TERM "$imp_pid"
wait "$imp_pid"
rc=$?
imp_pid=
kill "$hold_pid" 2>/dev/null
wait "$hold_pid" 2>/dev/null

# --validate: undocumented and local-only flows were seen, no drops: 1.
[ "$rc" -eq 1 ] && ok || bad validate-status "exit $rc, want 1"
# One alert per finding flow, none for documented ones.
count alerts '"type":"alert"' 3
has alert-3389 '"type":"alert".*"reason":"no catalogue row documents tcp/3389".*"client_ip":"192.0.2.20"'
has alert-9999 '"type":"alert".*"reason":"no catalogue row documents udp/9999"'
has alert-7070 '"type":"alert".*"server_port":7070.*"verdict":"local-only"'
count no-alert-5222 '"type":"alert".*"server_port":5222' 0
# Flow records: the documented ones with their application, the open one
# ended by the shutdown.
has flow-5222 '"type":"flow".*"server_ip":"192.0.2.10","server_port":5222.*"service":"xcp-client-access".*"verdict":"documented"'
has flow-5222-open '"type":"flow".*"server_port":5222.*"end_reason":"shutdown"'
has flow-5060 '"type":"flow".*"transport":"udp".*"server_port":5060.*"verdict":"documented".*"app":"SIP"'
has flow-3389 '"type":"flow".*"server_port":3389.*"verdict":"undocumented"'
has interim '"type":"stats".*"pcap_received":[0-9]+,"pcap_dropped":0'
has summary '"type":"summary".*"capture":\{"interface":"veth-s[0-9]*","received":[1-9][0-9]*,"dropped":0,"ifdropped":0\}.*"validate":"fail","exit_status":1'
# The summary is the last record: nothing seen was lost after it.
tail -n 1 "$tmp/out" | grep -q '"type":"summary"' && ok || bad summary-last "the last record is not the summary"
# The evidence holds the findings' frames only, in a file made by nobody.
[ "$(stat -c %U "$tmp/ev/evidence.pcap" 2>/dev/null)" = nobody ] && ok ||
	bad evidence-owner "the evidence file is not nobody's"
"$bin" -q --format json -r "$tmp/ev/evidence.pcap" >"$tmp/out" 2>"$tmp/err"
has evidence '"flows_by_verdict":\{"documented":0,"undocumented":2,"local-only":1,'

# --duration: stops by itself and reports.
ip netns exec "$ns_s" timeout 10 "$bin" -i veth-s$$ -q --format json --duration 1 \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && tail -n 1 "$tmp/out" | grep -q '"type":"summary"' && ok ||
	bad duration "exit $rc, or no summary"
# --count: exactly that many packets, then the summary.
ip netns exec "$ns_s" timeout 10 "$bin" -i veth-s$$ -q --format json --count 3 \
	-f 'udp port 9999' >"$tmp/out" 2>"$tmp/err" &
imp_pid=$!
sleep 1
for n in 1 2 3 4 5; do c udp:9999 "n$n" >/dev/null 2>&1; done
wait "$imp_pid"
rc=$?
imp_pid=
[ "$rc" -eq 0 ] && ok || bad count-status "exit $rc"
has count '"type":"summary","files":\[\],"packets":3,'

echo "live: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
