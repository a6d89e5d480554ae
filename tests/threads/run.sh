#!/bin/sh
# run.sh BIN [THREADS] [CAPTURE...]: flow workers change nothing but the
# order. Every capture of the golden suite (tests/golden/TESTLIST), and
# each CAPTURE given, is read with --threads 1 and --threads THREADS (4),
# with nDPI and with --no-dpi: the sorted flow and alert records must be
# the same, and so must every counter of the summary but the peaks (flows
# and nDPI states live at once: workers peak apart) and the threads the
# summary names. The exit status must be the same too.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
n=${2:-4}
[ $# -ge 2 ] && shift 2 || shift $#
need jq

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
	jq -c 'select(.type != "summary")' "$tmp/out" | LC_ALL=C sort >"$tmp/rec.$threads"
	jq -S 'select(.type == "summary") | del(.peak_flows, .threads,
		.dpi.peak_states)' "$tmp/out" >"$tmp/sum.$threads"
}

# same NAME ARGS...: one case at --threads 1 and --threads $n.
same() {
	name=$1
	shift
	threads=1 run "$@"
	threads=$n run "$@"
	if ! cmp -s "$tmp/rc.1" "$tmp/rc.$n"; then
		failed "$name" "exit $(cat "$tmp/rc.1") with 1 thread, $(cat "$tmp/rc.$n") with $n"
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

# Alerts and the gate go through the workers' queues too.
same "demo alerts validate" --alerts --validate -r pcaps/demo.pcap

finish threads
