#!/bin/sh
# run.sh BIN TEST...: every unit test binary TEST, then BIN on every case
# of tests/golden/TESTLIST, under valgrind's memcheck.
#
# A case fails on any memory error (invalid read or write, use of
# uninitialised values, bad free) and on any definitely or indirectly lost
# block. Still-reachable blocks (libraries' one-time tables, nDPI's among
# them) are not leaks of impwatch and do not count. BIN's own exit status
# (0, 1 or 2, as the golden files expect) is not judged here: the golden
# tests do that. Each failing case prints valgrind's report.
#
# VALGRIND_JOBS=N runs N cases at once (default: the number of CPUs);
# VALGRIND_TIMEOUT=S stops a case after S seconds, a failure (default 900).
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
shift

# Installed when missing, as root (tools/deps.sh).
if ! command -v valgrind >/dev/null 2>&1 && ! sh tools/deps.sh valgrind; then
	echo "valgrind: not installed (Debian: apt-get install valgrind)"
	fail=1
	finish valgrind
fi

vg="valgrind -q --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--num-callers=30"
supp=tests/valgrind/impwatch.supp
[ -f "$supp" ] && vg="$vg --suppressions=$supp"

# One line per case in $tmp/cases: NAME<TAB>COMMAND (run by sh, from the
# project folder).
n=0
for t in "$@"; do
	n=$((n + 1))
	printf 'unit-%s\t%s %s\n' "$(basename "$t")" "$vg" "$t" >>"$tmp/cases"
done
while IFS='|' read -r name mode args; do
	case "$name" in '' | '#'*) continue ;; esac
	: "$mode"
	printf 'golden-%s\t%s %s %s\n' "$name" "$vg" "$bin" "$args" >>"$tmp/cases"
done <tests/golden/TESTLIST

# one.sh DIR NAME COMMAND: runs one case; writes "pass" or "fail" to
# DIR/NAME.status and valgrind's report to DIR/NAME.log.
cat >"$tmp/one.sh" <<'EOF'
dir=$1 name=$2 cmd=$3
# shellcheck disable=SC2086 # the command is split on purpose
TZ=Asia/Seoul timeout -k 10 "$VG_TIMEOUT" sh -c "$cmd" >/dev/null 2>"$dir/$name.log"
rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "fail: still running after $VG_TIMEOUT s (a hang), stopped" >"$dir/$name.status"
elif [ "$rc" -eq 99 ] || grep -q '^==[0-9]*== ' "$dir/$name.log"; then
	echo "fail" >"$dir/$name.status"
elif [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ] || [ "$rc" -gt 128 ]; then
	# Valgrind could not run the program (126, 127: no such file) or a
	# signal ended it: nothing was checked. Other statuses, impwatch's
	# verdicts and a unit test's failure count, are the other suites'.
	echo "fail: exit status $rc: $(head -c 300 "$dir/$name.log")" >"$dir/$name.status"
else
	echo "pass" >"$dir/$name.status"
fi
EOF

jobs=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 1)}
# A case still running after this many seconds hangs: a failure, not a
# stalled run (the slowest case takes well under a minute).
VG_TIMEOUT=${VALGRIND_TIMEOUT:-900}
export VG_TIMEOUT
tab=$(printf '\t')
# xargs runs the cases in parallel; each writes its own status file.
while IFS="$tab" read -r name cmd; do
	printf '%s\n%s\n' "$name" "$cmd"
done <"$tmp/cases" |
	xargs -d '\n' -n 2 -P "$jobs" sh "$tmp/one.sh" "$tmp" 2>/dev/null ||
	true

while IFS="$tab" read -r name cmd; do
	st=$(cat "$tmp/$name.status" 2>/dev/null || echo missing)
	if [ "$st" = pass ]; then
		ok
	else
		failed "$name ($st)"
		grep '^==[0-9]*== ' "$tmp/$name.log" 2>/dev/null | head -40
	fi
done <"$tmp/cases"

finish valgrind
