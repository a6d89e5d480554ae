#!/bin/sh
# run.sh BIN: `make bench` runs to its end and reports every target, under
# each awk the machine has (mawk, Debian's default; gawk; busybox awk).
# Tiny captures, three runs: what it measures is not looked at (no test
# asserts a timing), only that each case's table and every target's row
# come out with a figure. gawk once stopped the threads case at its
# summary: "load", a variable the script passed it, is a gawk built-in,
# and the targets' table lost its rows.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
skip=0

# awk_shim NAME CMD...: a folder whose awk runs CMD, in $tmp/awk.NAME.
awk_shim() {
	_d=$tmp/awk.$1
	shift
	mkdir -p "$_d"
	printf '#!/bin/sh\nexec %s "$@"\n' "$*" >"$_d/awk"
	chmod +x "$_d/awk"
}

tried=0
for impl in mawk gawk busybox; do
	case $impl in
	busybox)
		command -v busybox >/dev/null 2>&1 &&
			busybox awk 'BEGIN { exit 0 }' 2>/dev/null ||
			{ echo "bench: no busybox awk here, not tried"; skip=$((skip + 1)); continue; }
		awk_shim "$impl" "$(command -v busybox)" awk
		;;
	*)
		command -v "$impl" >/dev/null 2>&1 ||
			{ echo "bench: no $impl here, not tried"; skip=$((skip + 1)); continue; }
		awk_shim "$impl" "$(command -v "$impl")"
		;;
	esac
	tried=$((tried + 1))
	res=$tmp/results.$impl
	# Every case; the live one replays 1,000 packets (where it can run:
	# as root, with network namespaces and tcpreplay; else its row
	# says why not).
	PATH=$tmp/awk.$impl:$PATH BENCH_CASES="mix conc live threads" \
		BENCH_RUNS=3 BENCH_LIVE_PACKETS=1000 BENCH_MB=1 BENCH_FLOWS=1000 \
		BENCH_OUT="$res" TMPDIR=$tmp \
		sh bench/run.sh "$bin" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ] || [ ! -s "$res" ]; then
		failed "bench under $impl" "exit $rc, or no results"
		show "$tmp/err" 10
		continue
	fi
	ok
	# Every case's table, and every target's row with a figure (a
	# number, or what the bench could not measure and why).
	for want in '^## Targets' '^## Flow workers' \
		'^\| tm2 \| mixed, DPI, --threads 2 \| [0-9.]+ \| [0-9.]+ \|' \
		'^\| port-only throughput >= 0\.32 x the floor.*\| [0-9.]+ x \|' \
		'^\| port-only throughput >= 0\.40 x the floor.*\| [0-9.]+ x \|' \
		'^\| DPI mode >= 2 x ndpiReader.*\| ([0-9.]+ x|no ndpiReader)' \
		'^\| <= 256 bytes per tracked flow.*\| [0-9]+ B' \
		'^\| live replay: at most 0\.1% dropped.*\| ([0-9.]+% \(worst run\)|skipped: [a-z]+)' \
		'^\| DPI, --threads 2 >= 1\.7 x --threads 1 \(mixed\) \| [0-9.]+ x \|' \
		'^How far apart CPUs 0 and 1 were, each round .*: [0-9]+ to [0-9]+ ns, median [0-9]+\.' \
		'^\| \(DPI, mixed: the same in the rounds where CPUs 0 and 1 shared a cache.*\| ([0-9.]+ x|-) \([0-9]+ rounds\) \|' \
		'^\| DPI, --threads 2 >= 1\.7 x --threads 1 \(noise\) \| [0-9.]+ x \|' \
		'^\| --no-dpi, --threads 2 no slower than 1 \(mixed\) \| [0-9.]+ x \|' \
		'^\| --no-dpi, --threads 2 no slower than 1 \(noise\) \| [0-9.]+ x \|'; do
		grep -Eq -- "$want" "$res" && ok ||
			{ failed "bench under $impl" "no line /$want/"; show "$res" 80; }
	done
	# No figure came from a missing one, and the script met no error
	# of its own (an unset parameter, an awk that stopped).
	grep -Eiq '(^|[^a-z])(nan|inf)([^a-z]|$)' "$res" &&
		{ failed "bench under $impl" "a figure is nan or inf"; grep -Ei 'nan|inf' "$res" | head -5; } || ok
	grep -Eq 'parameter not set|awk:|fatal|syntax error' "$tmp/err" &&
		{ failed "bench under $impl" "errors on its standard error"; show "$tmp/err"; } || ok
done
[ "$tried" -gt 0 ] || failed "bench" "no awk to run it with"
finish bench
