#!/bin/sh
# run.sh BIN [--update]: run impwatch on each case of tests/golden/TESTLIST
# and diff what it prints with tests/golden/NAME.out.
#
# TESTLIST lines: NAME|MODE|ARGS. MODE "sorted" sorts standard output
# (JSON lines, CSV rows: flow order is not part of the contract), "text"
# keeps it as is. Standard error and the exit status are kept too. Runs
# with a non-UTC TZ: output must not depend on the local time zone.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
update=${2:-}
dir=tests/golden

while IFS='|' read -r name mode args; do
	case "$name" in '' | '#'*) continue ;; esac
	# shellcheck disable=SC2086 # ARGS is split on purpose
	TZ=Asia/Seoul "$bin" $args >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	{
		if [ "$mode" = sorted ]; then LC_ALL=C sort "$tmp/stdout"; else cat "$tmp/stdout"; fi
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
