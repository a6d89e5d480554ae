#!/bin/sh
# run.sh BIN: impwatch's throughput and memory, each beside what bounds it
# (bench/README.md says what each case measures). `make bench` runs it;
# `make check` never does, and no test asserts a timing.
#
# Environment:
#   BENCH_RUNS   runs of each command, at least 3 (default 5); medians
#   BENCH_MB     size of the mixed capture in MB, 10^6 bytes (default 500)
#   BENCH_FLOWS  flows of the concurrency captures (default 1000000); they
#                are open 1/100, 1/10 and all at once
#   BENCH_SEED   generator seed (default 7)
#   BENCH_CASES  "mix", "conc", "live", "threads", or several (default all)
#   BENCH_LIVE_PACKETS, BENCH_LIVE_PPS  the live case: packets of the mixed
#                capture replayed, and their rate (default 300000, 200000)
#   BENCH_OUT    where the results also go (default bench/results.txt)
#   BENCH_CLOCK  "cpu" (default): packets/s from user + system CPU time,
#                which other processes on the machine barely move; "wall":
#                from elapsed time. Both are shown.
#   TMPDIR       where the captures are written (removed at the end)
#   CC           the C compiler for the bench tools (default cc)
set -u

die() {
	echo "bench: $*" >&2
	exit 2
}

# ---- arguments and settings --------------------------------------------

bin=${1:-}
{ [ -n "$bin" ] && [ -x "$bin" ]; } || die "usage: sh bench/run.sh BIN (an impwatch binary)"
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$(dirname "$0")/.." || die "cannot find the project folder"

runs=${BENCH_RUNS:-5}
mb=${BENCH_MB:-500}
flows=${BENCH_FLOWS:-1000000}
seed=${BENCH_SEED:-7}
cases=${BENCH_CASES:-mix conc live threads}
live_packets=${BENCH_LIVE_PACKETS:-300000}
live_pps=${BENCH_LIVE_PPS:-200000}
out=${BENCH_OUT:-bench/results.txt}
cc=${CC:-cc}
clock=${BENCH_CLOCK:-cpu}

case $clock in
cpu | wall) ;;
*) die "BENCH_CLOCK must be cpu or wall, not '$clock'" ;;
esac
for v in "BENCH_RUNS=$runs" "BENCH_MB=$mb" "BENCH_FLOWS=$flows" "BENCH_SEED=$seed" \
	"BENCH_LIVE_PACKETS=$live_packets" "BENCH_LIVE_PPS=$live_pps"; do
	case ${v#*=} in
	'' | *[!0-9]*) die "${v%%=*} must be a whole number, not '${v#*=}'" ;;
	esac
done
[ "$runs" -ge 3 ] || die "BENCH_RUNS must be at least 3"
[ "$mb" -ge 1 ] || die "BENCH_MB must be at least 1"
[ "$flows" -ge 1000 ] || die "BENCH_FLOWS must be at least 1000"
[ "$live_packets" -ge 1000 ] || die "BENCH_LIVE_PACKETS must be at least 1000"
[ "$live_pps" -ge 1 ] || die "BENCH_LIVE_PPS must be at least 1"
do_mix=0 do_conc=0 do_live=0 do_threads=0
for c in $cases; do
	case $c in
	mix) do_mix=1 ;;
	conc) do_conc=1 ;;
	live) do_live=1 ;;
	threads) do_threads=1 ;;
	*) die "BENCH_CASES: unknown case '$c' (mix, conc, live, threads)" ;;
	esac
done

# ---- tools ---------------------------------------------------------------

tools=$(dirname "$bin")/bench
mkdir -p "$tools" || die "cannot create $tools"
warn="-std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2"
pcap_cflags=$(pkg-config --cflags libpcap) || die "pkg-config libpcap failed (make deps)"
pcap_libs=$(pkg-config --libs libpcap)
# gen_bench is built on the test library (tests/lib), as make builds it.
# shellcheck disable=SC2086 # flag lists are split on purpose
$cc $warn $pcap_cflags -Itests/lib -o "$tools/gen_bench" bench/gen_bench.c \
	tests/lib/pktbuild.c tests/lib/pcapout.c $pcap_libs ||
	die "cannot build bench/gen_bench.c"
# shellcheck disable=SC2086
$cc $warn $pcap_cflags -o "$tools/floor" bench/floor.c $pcap_libs ||
	die "cannot build bench/floor.c"
# shellcheck disable=SC2086
$cc $warn -o "$tools/rss" bench/rss.c || die "cannot build bench/rss.c"
# shellcheck disable=SC2086
$cc $warn -pthread -o "$tools/pingpong" bench/pingpong.c ||
	die "cannot build bench/pingpong.c"

# ndpiReader (Debian libndpi-bin): installed when missing, as root.
ndpi=$(command -v ndpiReader || true)
if [ -z "$ndpi" ] && [ "$do_mix" = 1 ]; then
	sh tools/deps.sh libndpi-bin >&2 && ndpi=$(command -v ndpiReader || true)
fi

# DPI: the default once impwatch has it; --no-dpi turns it off.
if "$bin" --help 2>/dev/null | grep -q -- '--no-dpi' ||
	"$bin" --no-dpi --version >/dev/null 2>&1; then
	has_dpi=1
	nodpi=--no-dpi
else
	has_dpi=0
	nodpi=
fi

# The cases above the threads case are one worker's: --threads 1 where
# impwatch has flow workers.
one=
"$bin" --help 2>/dev/null | grep -q -- '--threads' && one="--threads 1"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/impwatch-bench.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Room for the largest capture: the mixed one, or a concurrency one
# (about 1.6 KB a flow); one is deleted before the next is written.
need_mb=0
[ "$do_mix" = 1 ] && need_mb=$((mb + mb / 5))
[ "$do_conc" = 1 ] && [ $((flows * 2 / 1000)) -gt "$need_mb" ] && need_mb=$((flows * 2 / 1000))
# The live case's capture: about 250 bytes a packet, and some to spare.
live_mb=$((live_packets * 300 / 1000000 + 2))
[ "$do_live" = 1 ] && [ "$live_mb" -gt "$need_mb" ] && need_mb=$live_mb
avail_mb=$(df -Pk "$tmp" | awk 'NR == 2 { print int($4 / 1000) }')
[ "$avail_mb" -gt $((need_mb + 500)) ] ||
	die "$need_mb MB of captures will not fit in ${TMPDIR:-/tmp} ($avail_mb MB free): set TMPDIR or BENCH_MB/BENCH_FLOWS"

# ---- measuring -----------------------------------------------------------

times=$tmp/times
: >"$times"

# measure TAG COMMAND...: run COMMAND under rss; append "TAG wall_s
# maxrss_kb cpu_s" to $times. A failing command stops the benchmark.
measure() {
	tag=$1
	shift
	"$tools/rss" -o "$tmp/rss.out" "$@" >"$tmp/cmd.out" 2>"$tmp/cmd.err"
	st=$?
	if [ "$st" -ne 0 ]; then
		echo "bench: '$*' failed (status $st):" >&2
		head -5 "$tmp/cmd.err" >&2
		exit 2
	fi
	awk -v t="$tag" '{ print t, $2, $8, $4 + $6 }' "$tmp/rss.out" >>"$times"
}

# median TAG [wall|cpu [FILE]]: the median time of TAG's runs, by
# BENCH_CLOCK unless named; FILE holds lines as $times does (default
# $times).
median() {
	f=4
	[ "${2:-$clock}" = wall ] && f=2
	awk -v t="$1" -v f="$f" '$1 == t { print $f }' "${3:-$times}" | sort -g |
		awk '{ v[NR] = $1 }
		     END { if (NR == 0) print "nan";
		           else if (NR % 2) print v[(NR + 1) / 2];
		           else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# peak TAG: the largest peak RSS of TAG's runs, in KiB.
peak() {
	awk -v t="$1" '$1 == t && $3 > m { m = $3 } END { print m + 0 }' "$times"
}

# Read the file once so that every timed run finds it in the page cache.
warm() {
	cat "$1" >/dev/null
}

# gen ARGS... FILE: write a capture; sets gen_packets, gen_flows, gen_bytes.
gen() {
	line=$("$tools/gen_bench" "$@") || die "gen_bench $* failed"
	# shellcheck disable=SC2086 # split into words on purpose
	set -- $line
	gen_packets=$2 gen_flows=$4 gen_bytes=$6
}

progress() {
	printf 'bench: %s\n' "$*" >&2
}

# Formatting, for the report: thousands separators, MB from KiB, ratios.
awk_lib='
function commas(n,   s, r) {
	s = sprintf("%.0f", n); r = "";
	while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
	return s r
}
function mb(kib) { return sprintf("%.1f MB", kib * 1024 / 1e6) }
function met(ok) { return ok ? "met" : "**not met**" }
'

report=$tmp/report
: >"$report"
say() {
	printf '%s\n' "$*" >>"$report"
}

# ---- the machine ---------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
mem=$(awk '/^MemTotal/ { printf "%.1f GB", $2 * 1024 / 1e9 }' /proc/meminfo 2>/dev/null)
# shellcheck disable=SC1091
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
ccv=$($cc --version 2>/dev/null | head -1)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

say "impwatch benchmark ($(date -u '+%Y-%m-%d %H:%M') UTC); bench/README.md explains each figure"
say ""
say "- binary: $("$bin" --version 2>/dev/null | head -1), $(if [ "$has_dpi" = 1 ]; then echo "with DPI (nDPI)"; else echo "without DPI"; fi)"
say "- machine: ${cpu:-unknown CPU}, $ncpu CPUs, ${mem:-? GB} RAM, Linux $(uname -r), ${os:-unknown OS}"
say "- tools: $ccv, libpcap $(pkg-config --modversion libpcap 2>/dev/null), nDPI $(pkg-config --modversion libndpi 2>/dev/null || echo '?')"
say "- method: $runs runs of each command, interleaved, page cache warm; medians; packets/s and ratios from $(if [ "$clock" = cpu ]; then echo "CPU time (user + system)"; else echo "wall time"; fi); peak RSS is the largest of the runs; MB = 10^6 bytes"
say "- load average at the start: $load"
[ "$has_dpi" = 1 ] || say "- DPI not yet available: b and c are the same (impwatch has no --no-dpi)"
say ""

# ---- case 1: the mixed capture ------------------------------------------

if [ "$do_mix" = 1 ]; then
	mix=$tmp/mix.pcap
	progress "generating the mixed capture ($mb MB)"
	gen mix -m "$mb" -s "$seed" "$mix"
	warm "$mix"
	mix_packets=$gen_packets
	fl=$("$tools/floor" "$mix") || die "floor cannot read the mixed capture"
	# shellcheck disable=SC2086
	set -- $fl
	[ "$2" = "$mix_packets" ] || die "floor read $2 packets, gen_bench wrote $mix_packets"

	i=1
	while [ "$i" -le "$runs" ]; do
		progress "mixed capture, run $i of $runs"
		measure a "$tools/floor" "$mix"
		measure a0 "$tools/floor" -d "$mix"
		# shellcheck disable=SC2086 # $nodpi is empty or one word
		measure b "$bin" $one $nodpi -q --format json -w /dev/null -r "$mix"
		# shellcheck disable=SC2086
		measure s "$bin" $one $nodpi -q -w /dev/null -r "$mix"
		[ "$has_dpi" = 1 ] &&
			measure c "$bin" $one -q --format json -w /dev/null -r "$mix"
		[ -n "$ndpi" ] && measure d "$ndpi" -i "$mix" -q
		i=$((i + 1))
	done
	rm -f "$mix"

	ta=$(median a) tb=$(median b) td=$(median d) ts=$(median s) t0=$(median a0)
	wa=$(median a wall) wb=$(median b wall) wd=$(median d wall) ws=$(median s wall) w0=$(median a0 wall)
	ra=$(peak a) rb=$(peak b) rd=$(peak d) rs=$(peak s) r0=$(peak a0)
	if [ "$has_dpi" = 1 ]; then
		tc=$(median c) wc=$(median c wall) rc=$(peak c)
	else
		tc=$tb wc=$wb rc=$rb
	fi
	[ -n "$ndpi" ] || td=nan
	awk -v P="$mix_packets" -v F="$gen_flows" -v B="$gen_bytes" -v MBS="$mb" \
	    -v S="$seed" -v ta="$ta" -v tb="$tb" -v tc="$tc" -v td="$td" \
	    -v wa="$wa" -v wb="$wb" -v wc="$wc" -v wd="$wd" \
	    -v ra="$ra" -v rb="$rb" -v rc="$rc" -v rd="$rd" -v dpi="$has_dpi" \
	    -v ts="$ts" -v ws="$ws" -v rs="$rs" -v t0="$t0" -v w0="$w0" -v r0="$r0" \
	    -v nodpi="$nodpi" -v clock="$clock" "$awk_lib"'
	function row(id, what, t, w, r) {
		if (t == "nan") { printf "| %s | %s | - | - | - | - | - |\n", id, what; return }
		printf "| %s | %s | %.3f | %.3f | %s | %.2f | %s |\n", id, what,
		       clock == "cpu" ? t : w, clock == "cpu" ? w : t,
		       commas(P / t), ta / t, mb(r)
	}
	BEGIN {
		printf "## Mixed capture: %.1f MB, %s packets, %s flows (gen_bench mix -m %d -s %d)\n\n",
		       B / 1e6, commas(P), commas(F), MBS, S
		print "| case | command | CPU s | wall s | packets/s | x floor | peak RSS |"
		print "|---|---|--:|--:|--:|--:|--:|"
		row("a", "floor: libpcap read loop, 256 KiB stdio buffer (as impwatch reads)", ta, wa, ra)
		row("a0", "the same loop, stdio'"'"'s default buffer (pcap_open_offline)", t0, w0, r0)
		row("b", "impwatch " (nodpi != "" ? nodpi " " : "") "-q --format json -w /dev/null", tb, wb, rb)
		row("b0", "impwatch " (nodpi != "" ? nodpi " " : "") "-q -w /dev/null (summary only)", ts, ws, rs)
		row("c", "impwatch -q --format json -w /dev/null" (dpi ? " (DPI)" : " (same as b)"), tc, wc, rc)
		row("d", "ndpiReader -i FILE -q", td, wd, rd)
		print ""
		printf "b/a %.2f, b0/a %.2f, c/a %.2f", ta / tb, ta / ts, ta / tc
		if (td != "nan") printf ", c/d %.2f", td / tc
		print " (ratios of packets per second)\n"
	}' >>"$report"
fi

# ---- case 2: concurrent flows ---------------------------------------------

if [ "$do_conc" = 1 ]; then
	copts="--max-flows $flows --timeout-tcp 604800 --timeout-udp 604800 --timeout-tcp-done 0"
	levels="$((flows / 100)) $((flows / 10)) $flows"
	tiny=$tmp/tiny.pcap
	gen conc -c 100 -f 100 -s "$seed" "$tiny"
	i=1
	while [ "$i" -le "$runs" ]; do
		# shellcheck disable=SC2086 # option lists are split on purpose
		measure tiny_b "$bin" $one $nodpi -q --format json -w /dev/null $copts -r "$tiny"
		# shellcheck disable=SC2086
		[ "$has_dpi" = 1 ] &&
			measure tiny_c "$bin" $one -q --format json -w /dev/null $copts -r "$tiny"
		i=$((i + 1))
	done
	for c in $levels; do
		cap=$tmp/conc-$c.pcap
		progress "generating $flows flows, $c open at once"
		gen conc -c "$c" -f "$flows" -s "$seed" "$cap"
		conc_packets=$gen_packets
		warm "$cap"
		i=1
		while [ "$i" -le "$runs" ]; do
			progress "$c flows open at once, run $i of $runs"
			measure "a$c" "$tools/floor" "$cap"
			# shellcheck disable=SC2086
			measure "b$c" "$bin" $one $nodpi -q --format json -w /dev/null $copts -r "$cap"
			# shellcheck disable=SC2086
			[ "$has_dpi" = 1 ] &&
				measure "c$c" "$bin" $one -q --format json -w /dev/null $copts -r "$cap"
			i=$((i + 1))
		done
		rm -f "$cap"
	done

	{
		for c in $levels; do
			# The DPI column repeats --no-dpi when there is no DPI.
			x=c
			[ "$has_dpi" = 1 ] || x=b
			echo "$c $(median "a$c") $(median "b$c") $(median "$x$c") $(peak "b$c") $(peak "$x$c")"
		done
		x=tiny_c
		[ "$has_dpi" = 1 ] || x=tiny_b
		echo "tiny $(peak tiny_b) $(peak $x) $(median tiny_b) $(median $x)"
	} >"$tmp/conc"
	awk -v P="$conc_packets" -v F="$flows" -v opts="$copts" -v dpi="$has_dpi" \
	    "$awk_lib"'
	$1 == "tiny" { tb = $2; tc = $3; wb = $4; wc = $5; next }
	{ n++; c[n] = $1; ta[n] = $2; tb_[n] = $3; tc_[n] = $4; rb[n] = $5; rc[n] = $6 }
	END {
		printf "## Concurrent flows: %s flows of 8 packets, %s packets a capture; impwatch %s\n\n",
		       commas(F), commas(P), opts
		print "| open at once | floor packets/s | --no-dpi packets/s | DPI packets/s | --no-dpi peak RSS | DPI peak RSS |"
		print "|--:|--:|--:|--:|--:|--:|"
		for (i = 1; i <= n; i++)
			printf "| %s | %s | %s | %s | %s | %s |\n", commas(c[i]),
			       commas(P / ta[i]), commas(P / tb_[i]), commas(P / tc_[i]),
			       mb(rb[i]), mb(rc[i])
		printf "| tiny run: 100 flows | - | %.3f s | %.3f s | %s | %s |\n\n",
		       wb, wc, mb(tb), mb(tc)
		printf "Bytes per tracked flow with %s open: --no-dpi %.0f, DPI %.0f ((peak RSS - tiny run) / flows)\n",
		       commas(c[n]), (rb[n] - tb) * 1024 / c[n], (rc[n] - tc) * 1024 / c[n]
		printf "Throughput with %s open against %s: --no-dpi %+.1f%%, DPI %+.1f%%\n",
		       commas(c[n]), commas(c[1]), (tb_[1] / tb_[n] - 1) * 100,
		       (tc_[1] / tc_[n] - 1) * 100
		if (!dpi) print "(DPI not yet available: the DPI columns repeat --no-dpi)"
		print ""
	}' "$tmp/conc" >>"$report"
fi


# ---- case 3: live capture ------------------------------------------------

# The mixed capture replayed by tcpreplay into one end of a veth pair
# between two network namespaces the benchmark makes; impwatch with its
# default options (DPI on) captures on the other end. What is measured is
# what libpcap's counters say was dropped; tcpdump -w /dev/null beside it
# shows what the wire and the kernel can carry.
live_skip=
if [ "$do_live" = 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		live_skip="not root (network namespaces and capture need it)"
	elif ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
		live_skip="no network namespaces here (iproute2)"
	else
		command -v tcpreplay >/dev/null 2>&1 || sh tools/deps.sh tcpreplay >&2
		command -v tcpreplay >/dev/null 2>&1 || live_skip="no tcpreplay (Debian tcpreplay)"
	fi
	[ -n "$live_skip" ] && progress "live case skipped: $live_skip"
fi

# live_run TAG COMMAND...: one replay into the pair, COMMAND capturing on
# the receiving end (its interface is $rx_if); appends "TAG sent received
# dropped handled load" to $tmp/live, from the command's own counters.
live_run() {
	tag=$1
	shift
	ip netns exec "$ns_rx" "$@" >"$tmp/live.out" 2>"$tmp/live.err" &
	cap_pid=$!
	# Capturing once a packet socket is open in the namespace.
	w=0
	while [ "$w" -lt 100 ] && ! ip netns exec "$ns_rx" awk 'NR > 1 { f = 1 } END { exit !f }' /proc/net/packet; do
		sleep 0.1
		w=$((w + 1))
	done
	sleep 0.5
	l=$(cut -d' ' -f1 /proc/loadavg)
	ip netns exec "$ns_tx" tcpreplay -q -i "$tx_if" --pps "$live_pps" \
		--limit "$live_packets" "$live_pcap" >"$tmp/replay.out" 2>&1 ||
		die "tcpreplay failed: $(head -3 "$tmp/replay.out")"
	sleep 1
	kill -TERM "$cap_pid" 2>/dev/null
	wait "$cap_pid"
	sent=$(sed -nE 's/.*Actual: ([0-9]+) packets.*/\1/p' "$tmp/replay.out")
	# shellcheck disable=SC2046 # the counters, split into words on purpose
	case $tag in
	imp)
		set -- $(sed -nE 's/.*interface +[^ ]+: received ([0-9]+), dropped ([0-9]+) by the kernel.*/\1 \2/p' "$tmp/live.out") \
			$(sed -nE 's/^  packets +([0-9]+)$/\1/p' "$tmp/live.out")
		;;
	*)
		set -- $(sed -nE 's/^([0-9]+) packets received by filter$/\1/p' "$tmp/live.err") \
			$(sed -nE 's/^([0-9]+) packets dropped by kernel$/\1/p' "$tmp/live.err") \
			$(sed -nE 's/^([0-9]+) packets captured$/\1/p' "$tmp/live.err")
		;;
	esac
	[ $# -eq 3 ] || die "live case: no counters from $tag (see $tmp/live.out)"
	echo "$tag ${sent:-0} $1 $2 $3 $l" >>"$tmp/live"
}

if [ "$do_live" = 1 ] && [ -z "$live_skip" ]; then
	live_pcap=$tmp/live.pcap
	progress "generating the live capture ($live_mb MB)"
	gen mix -m "$live_mb" -s "$seed" "$live_pcap"
	[ "$gen_packets" -ge "$live_packets" ] || die "gen_bench wrote $gen_packets packets, fewer than $live_packets"
	ns_tx=impwbench-tx-$$ ns_rx=impwbench-rx-$$ tx_if=ibtx$$ rx_if=ibrx$$
	trap 'ip netns del "$ns_tx" 2>/dev/null; ip netns del "$ns_rx" 2>/dev/null; rm -rf "$tmp"' EXIT
	ip netns add "$ns_tx" && ip netns add "$ns_rx" &&
		ip link add "$tx_if" type veth peer name "$rx_if" &&
		ip link set "$tx_if" netns "$ns_tx" && ip link set "$rx_if" netns "$ns_rx" &&
		ip -n "$ns_tx" link set "$tx_if" up && ip -n "$ns_rx" link set "$rx_if" up ||
		die "cannot make the namespaces and veth pair"
	: >"$tmp/live"
	has_tcpdump=0
	command -v tcpdump >/dev/null 2>&1 && has_tcpdump=1
	i=1
	while [ "$i" -le "$runs" ]; do
		progress "live replay, run $i of $runs"
		live_run imp "$bin" $one -i "$rx_if"
		[ "$has_tcpdump" = 1 ] && live_run tcpdump tcpdump -i "$rx_if" -w /dev/null
		i=$((i + 1))
	done
	ip netns del "$ns_tx"
	ip netns del "$ns_rx"
	rm -f "$live_pcap"
	awk -v N="$live_packets" -v R="$live_pps" -v dpi="$has_dpi" "$awk_lib"'
	function pct(d, r) { return r ? 100 * d / r : 0 }
	{ n[$1]++; k = $1 SUBSEP n[$1]; sent[k] = $2; rcv[k] = $3; drp[k] = $4; got[k] = $5; load[k] = $6 }
	END {
		printf "## Live capture: %s packets of the mixed capture replayed at %s packets/s into a veth pair\n\n", commas(N), commas(R)
		print "| run | command | sent | received | dropped | dropped % | handled | load (1 min) |"
		print "|--:|---|--:|--:|--:|--:|--:|--:|"
		split("imp tcpdump", tags, " ")
		for (t = 1; t <= 2; t++) {
			tag = tags[t]
			for (i = 1; i <= n[tag]; i++) {
				k = tag SUBSEP i
				printf "| %d | %s | %s | %s | %s | %.3f%% | %s | %s |\n", i,
				       tag == "imp" ? "impwatch -i IF (default options" (dpi ? ", DPI" : "") ")" : "tcpdump -i IF -w /dev/null",
				       commas(sent[k]), commas(rcv[k]), commas(drp[k]), pct(drp[k], rcv[k]),
				       commas(got[k]), load[k]
				if (tag == "imp" && pct(drp[k], rcv[k]) > worst) worst = pct(drp[k], rcv[k])
			}
		}
		print ""
		printf "live_worst %.4f\n", worst > "/dev/stderr"
	}' "$tmp/live" >>"$report" 2>"$tmp/live.worst"
	live_worst=$(sed -n 's/^live_worst //p' "$tmp/live.worst")
fi

# ---- case 4: flow workers ----------------------------------------------------

# Wall time here: a run with two workers uses more CPU in all than one
# (the reader's copies and hand-overs), and what a sensor needs is the
# packets it gets through a second.
if [ "$do_threads" = 1 ]; then
	tmix=$tmp/tmix.pcap tnoise=$tmp/tnoise.pcap
	# The noise capture as large as the mixed one: a run should
	# measure packets a second, not the start (bench/README.md).
	progress "generating the mixed and the noise captures ($mb MB each)"
	gen mix -m "$mb" -s "$seed" "$tmix"
	tmix_packets=$gen_packets
	gen noise -m "$mb" -s "$seed" "$tnoise"
	tnoise_packets=$gen_packets
	warm "$tmix"
	warm "$tnoise"
	# Each round: how far apart CPUs 0 and 1 are (bench/pingpong.c: a
	# cache line's round trip, ns, before and after the round), and the
	# ratio of the round's DPI runs on the mixed capture, in $tmp/rounds
	# as $times holds runs: "rt NS 0 NS", then "near R 0 R" when the
	# CPUs share a cache (under NEAR ns) or "far R 0 R".
	near_ns=150
	: >"$tmp/rounds"
	i=1
	while [ "$i" -le "$runs" ]; do
		progress "flow workers, run $i of $runs"
		rt=$("$tools/pingpong" 2>/dev/null) || rt=nan
		for t in 1 2; do
			measure "tm$t" "$bin" --threads $t -q --format json -w /dev/null -r "$tmix"
			measure "tmn$t" "$bin" --threads $t --no-dpi -q --format json -w /dev/null -r "$tmix"
			measure "tn$t" "$bin" --threads $t -q --format json -w /dev/null -r "$tnoise"
			measure "tnn$t" "$bin" --threads $t --no-dpi -q --format json -w /dev/null -r "$tnoise"
		done
		# The farther of the round's two readings: the host may move
		# a virtual CPU while the round runs. A round without both
		# is left out.
		rt2=$("$tools/pingpong" 2>/dev/null) || rt2=nan
		[ "$rt" != nan ] && [ "$rt2" != nan ] &&
			awk -v rt="$rt" -v rt2="$rt2" -v NEAR="$near_ns" '
			$1 == "tm1" { a = $2 } $1 == "tm2" { b = $2 }
			END {
				if (rt2 + 0 > rt + 0) rt = rt2
				print "rt", rt, 0, rt
				print rt + 0 < NEAR ? "near" : "far", a / b, 0, a / b
			}' "$times" >>"$tmp/rounds"
		# The reader alone: it reads, decodes and hands over; the
		# workers drop what they get (with DPI on, so frames are
		# copied as nDPI would need them).
		measure tr "$bin" --threads 2 --reader-only -q --format json -w /dev/null -r "$tmix"
		# The peer: two --threads 1 runs at once, sharing nothing. What
		# they take over one alone is what two CPUs of this machine give
		# this work when nothing is handed over (a VM's second CPU may be
		# a busy host's).
		measure tp sh -c '"$1" --threads 1 -q --format json -w /dev/null -r "$2" &
			"$1" --threads 1 -q --format json -w /dev/null -r "$2"; wait' sh "$bin" "$tmix"
		measure trn "$bin" --threads 2 --reader-only --no-dpi -q --format json -w /dev/null -r "$tmix"
		i=$((i + 1))
	done
	rm -f "$tmix" "$tnoise"
	{
		for tag in tm1 tm2 tmn1 tmn2 tn1 tn2 tnn1 tnn2 tr trn tp; do
			echo "$tag $(median "$tag" wall) $(median "$tag" cpu) $(peak "$tag")"
		done
	} >"$tmp/thr"
	awk -v PM="$tmix_packets" -v PN="$tnoise_packets" -v loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" "$awk_lib"'
	{ w[$1] = $2; c[$1] = $3; r[$1] = $4 }
	function row(tag, what, P, base) {
		printf "| %s | %s | %.3f | %.3f | %s | %s | %s |\n", tag, what, w[tag], c[tag],
		       commas(P / w[tag]), base == "" ? "" : sprintf("%.2f", w[base] / w[tag]), mb(r[tag])
	}
	END {
		print "## Flow workers (--threads): wall time, load average " loadavg "\n"
		print "| case | command | wall s | CPU s | packets/s (wall) | x 1 thread | peak RSS |"
		print "|---|---|--:|--:|--:|--:|--:|"
		row("tm1", "mixed, DPI, --threads 1", PM, "")
		row("tm2", "mixed, DPI, --threads 2", PM, "tm1")
		row("tmn1", "mixed, --no-dpi, --threads 1", PM, "")
		row("tmn2", "mixed, --no-dpi, --threads 2", PM, "tmn1")
		row("tn1", "noise (random payload on documented ports), DPI, --threads 1", PN, "")
		row("tn2", "noise, DPI, --threads 2", PN, "tn1")
		row("tnn1", "noise, --no-dpi, --threads 1", PN, "")
		row("tnn2", "noise, --no-dpi, --threads 2", PN, "tnn1")
		row("tr", "mixed, the reader alone (--reader-only, frames copied for DPI)", PM, "")
		row("trn", "mixed, the reader alone (--reader-only --no-dpi)", PM, "")
		row("tp", "peer: two --threads 1 runs at once, mixed, DPI (twice the packets)", 2 * PM, "")
		print ""
		# The ceilings: two workers can at best keep both CPUs busy
		# all the run, so their wall time is at least half their
		# CPU time. That CPU time is that of one thread, times what two
		# busy CPUs cost any work (the CPU time of the peer over
		# two single runs), times what the pipeline adds to it.
		printf "threads_targets %.2f %.2f %.2f %.2f %.2f %.2f %.2f %.3f %.3f\n", w["tm1"] / w["tm2"], w["tmn1"] / w["tmn2"],
		       w["tn1"] / w["tn2"], w["tnn1"] / w["tnn2"], 2 * w["tm1"] / w["tp"],
		       2 * w["tm1"] / c["tm2"], 2 * w["tn1"] / c["tn2"],
		       c["tp"] / (2 * c["tm1"]), c["tm2"] / c["tm1"] / (c["tp"] / (2 * c["tm1"])) > "/dev/stderr"
	}' "$tmp/thr" >>"$report" 2>"$tmp/thr.targets"
	grep -q '^threads_targets ' "$tmp/thr.targets" ||
		die "the flow workers' table failed: $(head -3 "$tmp/thr.targets")"
	# The DPI ratio by how far apart the CPUs were in its round.
	rts=$(awk '$1 == "rt" { print $2 }' "$tmp/rounds" | sort -g)
	if [ -n "$rts" ]; then
		nn=$(grep -c '^near ' "$tmp/rounds") nf=$(grep -c '^far ' "$tmp/rounds")
		near=$(median near wall "$tmp/rounds" | awk '{ print $1 == "nan" ? "-" : sprintf("%.2f", $1) }')
		far=$(median far wall "$tmp/rounds" | awk '{ print $1 == "nan" ? "-" : sprintf("%.2f", $1) }')
		say "How far apart CPUs 0 and 1 were, each round (bench/pingpong.c, a cache line's round trip): $(echo "$rts" | head -1) to $(echo "$rts" | tail -1) ns, median $(median rt wall "$tmp/rounds"). DPI on the mixed capture, --threads 2 over 1 in each round: $near in the $nn rounds under $near_ns ns (cores that share a cache), $far in the $nf at $near_ns ns or more."
		near_row="$near$([ "$near" = - ] || echo ' x') ($nn rounds)"
	else
		say "How far apart CPUs 0 and 1 were: not measured (bench/pingpong.c could not pin two threads to them)."
		near_row="- (0 rounds)"
	fi
	say ""
fi

# ---- targets ---------------------------------------------------------------

{
	echo "## Targets (issues 7 and 15)"
	echo ""
	echo "| target | measured | |"
	echo "|---|--:|---|"
	if [ "$do_mix" = 1 ]; then
		awk -v ta="$ta" -v tb="$tb" -v tc="$tc" -v td="$td" -v ts="$ts" -v dpi="$has_dpi" "$awk_lib"'BEGIN {
			printf "| port-only throughput >= 0.32 x the floor (b: a JSON record per flow, --threads 1) | %.2f x | %s |\n", ta / tb, met(ta / tb >= 0.32)
			printf "| port-only throughput >= 0.40 x the floor (b0: the summary only, --threads 1) | %.2f x | %s |\n", ta / ts, met(ta / ts >= 0.40)
			if (td == "nan")
				print "| DPI mode >= 2 x ndpiReader'"'"'s packet rate | no ndpiReader | - |"
			else
				printf "| DPI mode >= 2 x ndpiReader'"'"'s packet rate | %.2f x%s | %s |\n",
				       td / tc, dpi ? "" : " (no DPI yet)", met(td / tc >= 2)
		}'
	fi
	if [ "$do_live" = 1 ] && [ -n "$live_skip" ]; then
		echo "| live replay: at most 0.1% dropped | skipped: $live_skip | - |"
	elif [ "$do_live" = 1 ]; then
		awk -v w="$live_worst" "$awk_lib"'BEGIN {
			printf "| live replay: at most 0.1%% dropped, every run (impwatch, default options) | %.3f%% (worst run) | %s |\n", w, met(w <= 0.1)
		}'
	fi
	if [ "$do_threads" = 1 ]; then
		# shellcheck disable=SC2046 # nine numbers, split on purpose
		set -- $(sed -n 's/^threads_targets //p' "$tmp/thr.targets")
		awk -v near="$near_row" -v m="$1" -v mn="$2" -v n="$3" -v nn="$4" -v p="$5" -v cm="$6" -v cn="$7" \
		    -v busy="$8" -v pipe="$9" "$awk_lib"'BEGIN {
			printf "| DPI, --threads 2 >= 1.7 x --threads 1 (mixed) | %.2f x | %s |\n", m, met(m >= 1.7)
			printf "| (peer: two --threads 1 runs at once, mixed, DPI: what 2 CPUs give with nothing shared) | %.2f x | - |\n", p
			printf "| DPI, --threads 2 over the peer (mixed): the share of the 2 CPUs the workers turn into speed | %.2f | - |\n", m / p
			printf "| (mixed, DPI: the most --threads 2 could reach with both CPUs busy all the run, 2 x tm1 wall / tm2 CPU) | %.2f x | - |\n", cm
			printf "| (mixed, DPI: CPU time two busy CPUs cost the same work, the peer over two tm1 runs) | x %.3f | - |\n", busy
			printf "| (mixed, DPI: CPU time the pipeline adds on top, tm2 over tm1, that cost taken out) | x %.3f | - |\n", pipe
			printf "| (DPI, mixed: the same in the rounds where CPUs 0 and 1 shared a cache, a round trip under '"$near_ns"' ns) | %s | - |\n", near
			printf "| DPI, --threads 2 >= 1.7 x --threads 1 (noise) | %.2f x | %s |\n", n, met(n >= 1.7)
			printf "| (noise, DPI: the most --threads 2 could reach with both CPUs busy all the run) | %.2f x | - |\n", cn
			printf "| --no-dpi, --threads 2 no slower than 1 (mixed) | %.2f x | %s |\n", mn, met(mn >= 1)
			printf "| --no-dpi, --threads 2 no slower than 1 (noise) | %.2f x | %s |\n", nn, met(nn >= 1)
		}'
	fi
	if [ "$do_conc" = 1 ]; then
		awk -v dpi="$has_dpi" "$awk_lib"'
		$1 == "tiny" { tb = $2; tc = $3; next }
		{ n++; c[n] = $1; b[n] = $3; d[n] = $4; rb[n] = $5; rc[n] = $6 }
		END {
			note = dpi ? "" : " (no DPI yet)"
			bpf = (rc[n] - tc) * 1024 / c[n]
			printf "| <= 256 bytes per tracked flow once DPI is done (%s open) | %.0f B%s | %s |\n",
			       commas(c[n]), bpf, note, met(bpf <= 256)
			printf "| %s concurrent flows under 600 MB peak RSS (DPI) | %s%s | %s |\n",
			       commas(c[n]), mb(rc[n]), note, met(rc[n] * 1024 < 600e6)
			printf "| %s concurrent flows under 600 MB peak RSS (--no-dpi) | %s | %s |\n",
			       commas(c[n]), mb(rb[n]), met(rb[n] * 1024 < 600e6)
			printf "| throughput at %s open within 25%% of %s (--no-dpi) | %+.1f%% | %s |\n",
			       commas(c[n]), commas(c[1]), (b[1] / b[n] - 1) * 100, met(b[1] / b[n] >= 0.75)
			printf "| throughput at %s open within 25%% of %s (DPI) | %+.1f%%%s | %s |\n",
			       commas(c[n]), commas(c[1]), (d[1] / d[n] - 1) * 100, note, met(d[1] / d[n] >= 0.75)
		}' "$tmp/conc"
	fi
} >>"$report"

say ""
say "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
cat "$report"
cp "$report" "$out" || die "cannot write $out"
progress "results also in $out"
