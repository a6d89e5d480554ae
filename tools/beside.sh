#!/bin/sh
# beside.sh LOG BG FG...: runs the shell command BG, its output into LOG,
# side by side with the command FG..., whose output comes as it runs;
# then shows LOG whole, after FG's output. Exits with FG's status when FG
# failed, else with BG's: a failure on either side fails the whole.
#
# `make check` runs its suites in lanes side by side this way: those
# that mostly wait (live capture, the firewall's router: namespaces,
# timeouts, a report every second) beside those that compute, and each
# suite's log stays whole.
#
# Each side runs in a session of its own (setsid): SIGINT or SIGTERM to
# this script stops all of both, at once, and the suites' cleanups
# (their processes, their namespaces) run before it exits.
log=$1
bg=$2
shift 2
echo "beside: in the background, output after the rest: $bg"
setsid sh -c "$bg" </dev/null >"$log" 2>&1 &
bg_pid=$!
setsid "$@" </dev/null &
fg_pid=$!
stop() {
	for _p in $fg_pid $bg_pid; do
		kill -TERM -"$_p" 2>/dev/null
	done
	wait
	exit 2
}
trap stop INT TERM
wait "$fg_pid"
fg_rc=$?
wait "$bg_pid"
bg_rc=$?
echo "beside: the background's output ($bg):"
cat "$log"
[ "$fg_rc" -ne 0 ] && exit "$fg_rc"
exit "$bg_rc"
