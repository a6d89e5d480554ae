#!/bin/sh
# clock.sh BIN PEER: live capture while the wall clock is set back or
# forward by an hour (NTP stepping it, an operator, a virtual machine
# restored), on a veth pair between two network namespaces this test
# makes. The machine's clock is not touched: an LD_PRELOAD shim
# (clockstep.c) moves every wall-clock read impwatch makes and the stamp
# of every packet libpcap hands it by the seconds a file holds, as the
# kernel's stamps move with a step. The monotonic clock, which a step
# leaves alone, is left alone. Needs root; skipped with a message
# otherwise. Every wait is on a record, bounded generously; no case
# asserts a time.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
peer=$2
need jq live-clock

if [ "$(id -u)" != 0 ]; then
	echo "live-clock: not root: clock step tests skipped"
	skip=1
	finish live-clock
fi
if ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
	echo "live-clock: no network namespaces here (iproute2): clock step tests skipped"
	skip=1
	finish live-clock
fi
if ! ${CC:-cc} -shared -fPIC -o "$tmp/clockstep.so" \
	"$(dirname "$0")/clockstep.c" -ldl 2>"$tmp/cc.err"; then
	cat "$tmp/cc.err"
	failed shim "tests/live/clockstep.c does not build"
	finish live-clock
fi

ns_s=impw-clock-steps-s-$$
ns_c=impw-clock-steps-c-$$
if_s=clksteps$$
if_c=clkstepc$$
cleanup() {
	[ -n "${imp_pid:-}" ] && kill "$imp_pid" 2>/dev/null
	[ -n "${srv_pid:-}" ] && kill "$srv_pid" 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
}
context() {
	show "$tmp/out" 12 '  | ' 220
	show "$tmp/err" 5 '  ! '
}
ip netns add "$ns_s" && ip netns add "$ns_c" &&
	ip link add "$if_s" type veth peer name "$if_c" &&
	ip link set "$if_s" netns "$ns_s" && ip link set "$if_c" netns "$ns_c" &&
	ip -n "$ns_s" addr add 192.0.2.10/24 dev "$if_s" &&
	ip -n "$ns_c" addr add 192.0.2.20/24 dev "$if_c" &&
	ip -n "$ns_s" link set "$if_s" up && ip -n "$ns_c" link set "$if_c" up &&
	ip -n "$ns_s" link set lo up && ip -n "$ns_c" link set lo up || {
	echo "live-clock: cannot make network namespaces: clock step tests skipped"
	skip=1
	finish live-clock
}

ip netns exec "$ns_s" timeout 170 "$peer" serve 165 udp:5060 udp:9999 &
srv_pid=$!

# step SECONDS: the wall clock impwatch sees is now SECONDS away from
# the machine's (replaced whole: the shim never reads half a number).
step() {
	echo "$1" >"$tmp/off.new" && mv "$tmp/off.new" "$tmp/off"
}
# imp ARGS...: impwatch on the server's side, in the background, its
# clocks through the shim, JSON to $tmp/out.
imp() {
	: >"$tmp/out"
	: >"$tmp/err"
	ip netns exec "$ns_s" timeout -k 5 60 env LD_PRELOAD="$tmp/clockstep.so" \
		CLOCKSTEP_FILE="$tmp/off" "$bin" -i "$if_s" -q --format json \
		"$@" >"$tmp/out" 2>"$tmp/err" &
	imp_pid=$!
}
stop_imp() {
	kill -TERM "$imp_pid"
	wait "$imp_pid"
	rc=$?
	imp_pid=
}
# c SPEC PAYLOAD [SPORT]: one datagram from the client, answered.
c() {
	ip netns exec "$ns_c" timeout 10 "$peer" send 192.0.2.10 "$1" "$2" 0 ${3:+"$3"} \
		>/dev/null 2>&1
}
# stats_after N SECONDS: N more interim records than there are now.
stats_after() {
	wait_n "$tmp/out" '"type":"stats"' $(($(nlines "$tmp/out" '"type":"stats"') + $1)) "$2"
}
# earlier A B: times A and B (RFC 3339, as impwatch writes them) are
# both there, and A is before B.
earlier() {
	[ -n "$1" ] && [ -n "$2" ] &&
		[ "$(jq -n --arg a "$1" --arg b "$2" '$a < $b')" = true ]
}
# sane NAME: every flow record of $tmp/out ends no earlier than it
# began, lasts no negative time, and holds no step (under a minute).
sane() {
	n=$(jq -c 'select(.type == "flow") | select(.last_seen < .first_seen
		or .duration < 0 or .duration > 60)' "$tmp/out" | wc -l)
	[ "$n" -eq 0 ] && ok || bad "$1" "$n flow records with times out of order or an hour inside"
}

for threads in 1 2; do
	# Set back an hour: the flows open then end (their packets came
	# before the clock's new time), the flows after it still idle out
	# by their timeouts, --report-every still reports every second,
	# and no record's times go backwards.
	step 0
	imp --threads "$threads" --report-every 1 --timeout-udp 3
	wait_for "$tmp/out" '"type":"stats"' 15 || bad back-start-$threads "no stats record"
	c udp:9999 before 40001
	wait_for "$tmp/out" '"type":"alert".*"server_port":9999' 15 ||
		bad back-alert-$threads "no alert for the flow before the step"
	step -3600
	stats_after 3 20 && ok || bad back-stats-$threads "no interim records after the clock went back"
	# The same conversation again, and a new one, after the step.
	c udp:9999 after 40001
	c udp:5060 after 40002
	wait_for "$tmp/out" '"type":"flow".*"client_port":40002' 20 && ok ||
		bad back-expiry-$threads "a flow after the step did not idle out by its timeout"
	# The packet time of the records that tell of the capture so far
	# is that of the packets after the step, not of the last one before
	# it, an hour ahead of them.
	stats_after 2 20
	stop_imp
	before=$(jval 'select(.type == "alert" and .client_port == 40001) | .time' "$tmp/out" | head -n 1)
	last=$(jval 'select(.type == "stats") | .time' "$tmp/out" | tail -n 1)
	earlier "$last" "$before" && ok ||
		bad back-stats-time-$threads "the last stats record is stamped ${last:-?}, not before the packets before the step (${before:-?})"
	last=$(jval 'select(.type == "summary") | .time' "$tmp/out")
	earlier "$last" "$before" && ok ||
		bad back-summary-time-$threads "the summary is stamped ${last:-?}, not before the packets before the step (${before:-?})"
	[ "$rc" -eq 0 ] && ok || bad back-status-$threads "exit $rc, want 0"
	count back-split-$threads "$tmp/out" '"type":"flow".*"client_port":40001' 2
	has back-counted-$threads "$tmp/out" '"type":"summary".*"jumps_back":[1-9]'
	sane back-sane-$threads

	# Set forward an hour: every open flow is idle by the new time and
	# ends at once (a UDP timeout of 10 minutes cannot end it
	# otherwise); the flows after it are of the new time.
	step 0
	imp --threads "$threads" --report-every 1 --timeout-udp 600
	wait_for "$tmp/out" '"type":"stats"' 15 || bad fwd-start-$threads "no stats record"
	c udp:9999 before 40003
	wait_for "$tmp/out" '"type":"alert".*"client_port":40003' 15 ||
		bad fwd-alert-$threads "no alert for the flow before the step"
	step 3600
	wait_for "$tmp/out" '"type":"flow".*"client_port":40003.*"end_reason":"idle"' 20 && ok ||
		bad fwd-idle-$threads "the flow open at the step did not end as idle"
	c udp:9999 after 40003
	wait_for "$tmp/out" '"type":"alert".*"client_port":40003.*' 15
	stats_after 2 20 && ok || bad fwd-stats-$threads "no interim records after the clock went forward"
	stop_imp
	[ "$rc" -eq 0 ] && ok || bad fwd-status-$threads "exit $rc, want 0"
	count fwd-split-$threads "$tmp/out" '"type":"flow".*"client_port":40003' 2
	sane fwd-sane-$threads
done

# --duration counts the time it captured, not the wall clock: set back
# an hour, a 4-second run still ends (the bound is 60 s); set forward
# an hour, it does not end at the step but reports every second until
# its 4 seconds are up (at least 3 interim records).
for s in -3600 3600; do
	step 0
	imp --duration 4 --report-every 1
	wait_for "$tmp/out" '"type":"stats"' 15 || bad duration$s-start "no stats record"
	step "$s"
	wait "$imp_pid"
	rc=$?
	imp_pid=
	[ "$rc" -eq 0 ] && ok || bad duration$s-status "exit $rc (124: still running after 60 s), want 0"
	n=$(nlines "$tmp/out" '"type":"stats"')
	[ "$n" -ge 3 ] && ok || bad duration$s-stats "$n interim records, want 3 or more"
	has duration$s-summary "$tmp/out" '"type":"summary"'
done

finish live-clock
