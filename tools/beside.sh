#!/bin/sh
# beside.sh LOG BG FG...: runs the shell command BG in the background, its
# output into LOG, while the command FG... runs as usual; then shows LOG
# whole, after FG's output. Exits with FG's status when FG failed, else
# with BG's: a failure on either side fails the whole.
#
# `make check` runs the suites that mostly wait (live capture, the
# firewall's router: namespaces, timeouts, a report every second) beside
# those that compute: on 2 CPUs the two take about the longer one's time,
# and each suite's log stays whole.
#
# BG runs in a session of its own (setsid), so that an interrupt or a
# stop of this script reaches all of it, and its suites' cleanups (their
# processes, their namespaces) run before this script exits.
log=$1
bg=$2
shift 2
echo "beside: in the background, output after the rest: $bg"
setsid sh -c "$bg" </dev/null >"$log" 2>&1 &
bg_pid=$!
stop_bg() {
	[ -n "$bg_pid" ] || return 0
	kill -TERM -"$bg_pid" 2>/dev/null
	wait "$bg_pid"
	bg_pid=
}
trap stop_bg EXIT
trap 'exit 2' INT TERM
"$@"
fg_rc=$?
wait "$bg_pid"
bg_rc=$?
bg_pid=
echo "beside: the background's output ($bg):"
cat "$log"
[ "$fg_rc" -ne 0 ] && exit "$fg_rc"
exit "$bg_rc"
