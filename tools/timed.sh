#!/bin/sh
# timed.sh NAME COMMAND...: runs COMMAND, then says how long NAME took
# (whole seconds), so the slow parts of `make check` and of CI show in
# their logs. Exits with COMMAND's status.
name=$1
shift
start=$(date +%s)
"$@"
rc=$?
echo "time: $name took $(($(date +%s) - start)) s"
exit $rc
