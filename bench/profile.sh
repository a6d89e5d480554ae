#!/bin/sh
# profile.sh BIN: where impwatch spends its time per packet, with and
# without DPI, on a smaller mixed capture (bench/README.md).
#
# With hardware counters (perf stat -e instructions works): perf record
# on cycles. Without them (most virtual machines): valgrind's callgrind,
# which counts instructions (not cache misses or system calls), and, when
# perf is present, perf record on the cpu-clock timer, which does see those.
#
# Environment: PROFILE_MB (capture size in MB, default 40), BENCH_SEED (7),
# PROFILE_TOP (functions listed, default 25), TMPDIR, CC.
set -u

die() {
	echo "profile: $*" >&2
	exit 2
}

bin=${1:-}
{ [ -n "$bin" ] && [ -x "$bin" ]; } || die "usage: sh bench/profile.sh BIN"
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$(dirname "$0")/.." || die "cannot find the project folder"
mb=${PROFILE_MB:-40}
seed=${BENCH_SEED:-7}
top=${PROFILE_TOP:-25}
cc=${CC:-cc}

tools=$(dirname "$bin")/bench
mkdir -p "$tools" || die "cannot create $tools"
# shellcheck disable=SC2046 # pkg-config output is split on purpose
$cc -std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 $(pkg-config --cflags libpcap) -Itests/lib \
	-o "$tools/gen_bench" bench/gen_bench.c tests/lib/pktbuild.c \
	tests/lib/pcapout.c $(pkg-config --libs libpcap) ||
	die "cannot build bench/gen_bench.c"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/impwatch-profile.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cap=$tmp/mix.pcap
"$tools/gen_bench" mix -m "$mb" -s "$seed" "$cap" >"$tmp/gen" || die "gen_bench failed"
echo "capture: $(cat "$tmp/gen") (gen_bench mix -m $mb -s $seed)"
packets=$(awk '{ print $2 }' "$tmp/gen")

if "$bin" --help 2>/dev/null | grep -q -- '--no-dpi' ||
	"$bin" --no-dpi --version >/dev/null 2>&1; then
	modes="nodpi dpi"
else
	echo "DPI not yet available: one profile, of the port-only path"
	modes="nodpi"
fi

# args MODE: impwatch's arguments in that mode.
args() {
	if [ "$1" = nodpi ]; then
		echo "--no-dpi -q --format json -w /dev/null -r $cap"
	else
		echo "-q --format json -w /dev/null -r $cap"
	fi
}

# Functions whose inclusive cost says what each stage of the pipeline
# costs: reading, decoding, the flow table, classification, DPI, output.
stages='capture_read_file|pcap_next_ex|_IO_ftell|decode_packet|flow_lookup|flow_expire|classify_flow|classify_app|dpi_new|dpi_flow_start|dpi_packet|ndpi_detection_process_packet|dpi_flow_finish|record_from_flow|report_flow|json_flow|fmt_time_cached|fmt_ip|engine_load_catalogue|flow_flush'

# tidy sum|first TOTAL: callgrind_annotate's function lines as "share
# function file", largest first. A function listed under several files
# (inlined code) is summed (self cost) or taken once (inclusive cost).
tidy() {
	awk -v mode="$1" -v total="$2" '
	/^ *[0-9,]+ +\( *[0-9.]+%\) / {
		n = $1; gsub(/,/, "", n)
		line = $0; obj = ""
		if (match(line, / \[[^]]*\]$/)) {
			obj = substr(line, RSTART + 2, RLENGTH - 3)
			sub(/.*\//, "", obj)
			line = substr(line, 1, RSTART - 1)
		}
		sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", line)
		if (line == "PROGRAM TOTALS") next
		fn = line; sub(/^[^:]*:/, "", fn)
		file = line; sub(/:.*$/, "", file); sub(/.*\//, "", file)
		if (file == "???") file = obj
		if (!(fn in v)) { v[fn] = 0; where[fn] = file }
		if (mode == "sum") v[fn] += n
		else if (n > v[fn]) v[fn] = n
	}
	END {
		for (fn in v)
			printf "%6.2f%%  %s (%s)\n", 100 * v[fn] / total, fn, where[fn]
	}' | sort -rn
}

hw=0
if command -v perf >/dev/null 2>&1 &&
	perf stat -x, -e instructions true 2>&1 | grep -q '^[0-9]'; then
	hw=1
fi

for m in $modes; do
	echo
	echo "=== impwatch $(args "$m" | sed "s|$cap|FILE|")"
	if [ "$hw" = 1 ]; then
		# shellcheck disable=SC2046
		perf record -q -e cycles -o "$tmp/perf.$m" "$bin" $(args "$m") 2>/dev/null ||
			die "perf record failed"
		perf report -i "$tmp/perf.$m" --no-children --stdio --sort dso,sym 2>/dev/null |
			grep -E '^ +[0-9]' | head -n "$top"
		continue
	fi
	command -v valgrind >/dev/null 2>&1 ||
		die "neither hardware perf counters nor valgrind (apt-get install valgrind)"
	# shellcheck disable=SC2046
	valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg.$m" \
		"$bin" $(args "$m") || die "callgrind run failed"
	total=$(callgrind_annotate --auto=no "$tmp/cg.$m" 2>/dev/null |
		awk '/PROGRAM TOTALS/ { gsub(/,/, "", $1); print $1; exit }')
	echo "--- callgrind: $total instructions, $(awk -v t="$total" -v p="$packets" \
		'BEGIN { printf "%.0f", t / p }') per packet"
	echo "--- self (exclusive) share, top $top"
	callgrind_annotate --auto=no --inclusive=no "$tmp/cg.$m" 2>/dev/null |
		tidy sum "$total" | head -n "$top"
	echo "--- inclusive share of the pipeline's stages"
	callgrind_annotate --auto=no --inclusive=yes "$tmp/cg.$m" 2>/dev/null |
		tidy first "$total" | grep -E "%  ($stages) \("
	if command -v perf >/dev/null 2>&1; then
		echo "--- perf, cpu-clock samples (time, cache misses and system calls included)"
		# shellcheck disable=SC2046
		perf record -q -e cpu-clock -F 4000 -o "$tmp/perf.$m" "$bin" $(args "$m") 2>/dev/null &&
			perf report -i "$tmp/perf.$m" --no-children --stdio --sort dso,sym 2>/dev/null |
			grep -E '^ +[0-9]' | head -n "$top"
	fi
done
