#!/bin/sh
# timed.sh NAME COMMAND...: runs COMMAND, then says how long NAME took
# (whole seconds), so the slow parts of `make check` and of CI show in
# their logs. Exits with COMMAND's status.
#
# A COMMAND still running after TIMED_LIMIT seconds (default 1800: the
# slowest step, `make SANITIZE=1 check`, takes some 8 minutes) hangs: it
# is stopped (SIGTERM to it and its children, whose cleanups run; SIGKILL
# a minute later) and the step fails saying so, instead of CI ending at
# its own limit with no word of which step never ended. SIGINT or SIGTERM
# to this script stops COMMAND too: timeout(1) runs it in a process group
# of its own, which the terminal's ^C does not reach.
name=$1
shift
limit=${TIMED_LIMIT:-1800}
start=$(date +%s)
timeout -k 60 "$limit" "$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' INT TERM
# wait returns early when a trapped signal comes; COMMAND's status is
# that of the wait that saw it end.
while :; do
	wait "$pid"
	rc=$?
	kill -0 "$pid" 2>/dev/null || break
done
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "time: $name FAILED: still running after $limit s (a hang?), stopped"
fi
echo "time: $name took $(($(date +%s) - start)) s"
exit $rc
