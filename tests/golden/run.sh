#!/bin/sh
# run.sh BIN [--update]: run impwatch on each case of tests/golden/TESTLIST
# and diff what it prints with tests/golden/NAME.out.
#
# TESTLIST lines: NAME|MODE|ARGS. MODE "sorted" sorts standard output
# (JSON lines, CSV rows: flow order is not part of the contract), "text"
# keeps it as is. Standard error and the exit status are kept too. Runs
# with a non-UTC TZ: output must not depend on the local time zone.
#
# What differs from run to run by design is replaced before the diff: the
# run id, wall-clock times (ECS: event.created), the host name (the
# default sensor; ECS: observer.name), the library versions and where the
# binary is (the command line's first word), in JSON records and in the
# text report's provenance lines.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
update=${2:-}
dir=tests/golden

host=$(hostname)
normalise() {
	sed -E \
	    -e 's/"run_id":"[0-9a-f]*"/"run_id":"RUN"/g' \
	    -e 's/,[0-9a-f]{32},/,RUN,/' \
	    -e 's/"(wall_time|started|ended)":"[^"]*"/"\1":"WALL"/g' \
	    -e 's/"(ndpi_version|libpcap_version)":"[^"]*"/"\1":"VERSION"/g' \
	    -e 's/"command_line":"[^" ]*impwatch/"command_line":"impwatch/' \
	    -e "s/\"sensor\":\"$host\"/\"sensor\":\"HOST\"/g" \
	    -e 's/"created":"[^"]*"/"created":"WALL"/g' \
	    -e "s/\"observer\":\\{\"name\":\"$host\"/\"observer\":{\"name\":\"HOST\"/g" \
	    -e 's/^(Run +)[0-9a-f]{32} (on sensor ).*/\1RUN \2HOST/' \
	    -e 's/^(Versions +).*/\1VERSIONS/' \
	    -e 's/^(Command +)[^ ]*impwatch/\1impwatch/' \
	    -e 's/^(Wall clock +).*/\1WALL/'
}

while IFS='|' read -r name mode args; do
	case "$name" in '' | '#'*) continue ;; esac
	# The golden files are one worker's (--threads 1): flow workers
	# change the order of records and the summary's peaks, which
	# tests/threads/run.sh compares apart.
	case "$args" in rules* | roles* | acl*) ;; *) args="$args --threads 1" ;; esac
	# shellcheck disable=SC2086 # ARGS is split on purpose
	TZ=Asia/Seoul "$bin" $args >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	{
		if [ "$mode" = sorted ]; then normalise <"$tmp/stdout" | LC_ALL=C sort; else normalise <"$tmp/stdout"; fi
		sed 's/^/stderr: /' "$tmp/stderr"
		echo "exit: $rc"
	} >"$tmp/got"
	if [ "$update" = --update ]; then
		cp "$tmp/got" "$dir/$name.out"
		echo "updated $dir/$name.out"
		continue
	fi
	if [ ! -f "$dir/$name.out" ]; then
		failed "$name" "no $dir/$name.out (run make update-golden)"
	elif diff -u "$dir/$name.out" "$tmp/got" >"$tmp/diff"; then
		ok
	else
		failed "$name" "output differs from $dir/$name.out"
		head -60 "$tmp/diff"
	fi
done <"$dir/TESTLIST"

[ "$update" = --update ] && exit 0
finish golden
