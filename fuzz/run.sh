#!/bin/sh
# run.sh [SECONDS]: run each fuzz target for SECONDS (default 60).
#
# First every kept crash input under tests/crashes/fuzz_TARGET/ is run
# once (regressions), then the target fuzzes from its seed corpus
# (fuzz/seeds.sh, built in a temporary folder) and its working corpus in
# build/fuzz/corpus/TARGET, which grows from run to run. Any crash,
# sanitizer report, leak, timeout (-timeout=10) or out-of-memory
# (-rss_limit_mb=2048) fails the target; the input that did it is saved in
# build/fuzz/crashes/TARGET/ and its path printed. Exit status 0 only when
# every target passed. Targets: FUZZ_TARGETS="fuzz_decode ..." to choose.
# FUZZ_JOBS=N fuzzes N targets at once (default: the number of CPUs), each
# for the whole SECONDS: the same work per target in less time.
set -u

# The whole script is one function, read in full before it runs: editing
# this file during a long run cannot change the run.
main() {
	cd "$(dirname "$0")/.."

	secs=${1:-60}
	out=build/fuzz
	targets=${FUZZ_TARGETS:-fuzz_decode fuzz_pcap fuzz_catalogue fuzz_hosts fuzz_waivers fuzz_pcapng_feed}
	pass=0
	fail=0

	for t in $targets mkseeds; do
		if [ ! -x "$out/$t" ]; then
			sh fuzz/build.sh || { echo "fuzz: build failed"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
			break
		fi
	done

	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	sh fuzz/seeds.sh "$tmp/seeds" || { echo "fuzz: seed corpora failed"; exit 1; }

	# Leaks are failures; UBSan stops at the first report, with a stack.
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
	export ASAN_OPTIONS UBSAN_OPTIONS

	# one TARGET: regressions then fuzzing; its report in $tmp/TARGET.out,
	# "pass" or "fail" in $tmp/TARGET.status.
	one() {
		t=$1
		short=${t#fuzz_}
		dict=
		case $short in
		decode) max_len=16384; dict=-dict=fuzz/decode.dict ;;
		catalogue) max_len=16384; dict=-dict=fuzz/catalogue.dict ;;
		hosts) max_len=16384; dict=-dict=fuzz/hosts.dict ;;
		waivers) max_len=16384; dict=-dict=fuzz/waivers.dict ;;
		pcap) max_len=65536; dict=-dict=fuzz/decode.dict ;;
		pcapng_feed) max_len=16384 ;;
		*) max_len=65536 ;;
		esac
		corpus=$out/corpus/$t
		crashes=$out/crashes/$t
		log=$out/$t.log
		mkdir -p "$corpus" "$crashes"
		ok=1

		# Regressions: every input kept from an earlier crash, run once.
		regress=tests/crashes/$t
		if [ -d "$regress" ] && [ -n "$(ls -A "$regress" 2>/dev/null)" ]; then
			if ! "$out/$t" -timeout=10 -rss_limit_mb=2048 "$regress"/* >"$log.regress" 2>&1; then
				echo "FAIL $t: a kept crash input fails again (tests/crashes/$t)"
				grep -E 'ERROR|runtime error|invariant broken|Running:' "$log.regress" | tail -5
				ok=0
			fi
		fi

		# Fuzz even when a kept input still fails: other bugs may be
		# found meanwhile.
		"$out/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
			-max_len="$max_len" -detect_leaks=1 -print_final_stats=1 \
			-artifact_prefix="$crashes/" $dict \
			"$corpus" "$tmp/seeds/$short" >"$log" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ]; then
			ok=0
			echo "FAIL $t: exit $rc"
			grep -E '^==[0-9]+==ERROR|SUMMARY|runtime error|invariant broken|libFuzzer: (timeout|out-of-memory|deadly|detected)' "$log" | head -8
			art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
			[ -n "$art" ] && echo "  input saved in $art (keep it under tests/crashes/$t/ once fixed)"
			echo "  log: $log"
		fi

		if [ "$ok" = 1 ]; then
			execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
			last=$(grep -E '^#[0-9]+' "$log" | tail -1)
			cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
			ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
			units=$(ls "$corpus" | wc -l)
			echo "ok $t: ${execs:-?} runs in ${secs}s, coverage ${cov:-?} edges, ${ft:-?} features, corpus $units"
			echo pass >"$tmp/$t.status"
		else
			echo fail >"$tmp/$t.status"
		fi
	}

	# FUZZ_JOBS targets at a time, each in the background; the reports
	# in the order of $targets.
	jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
	running=0
	for t in $targets; do
		one "$t" >"$tmp/$t.out" 2>&1 &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait
			running=0
		fi
	done
	wait
	for t in $targets; do
		cat "$tmp/$t.out"
		if [ "$(cat "$tmp/$t.status" 2>/dev/null)" = pass ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
		fi
	done

	echo "fuzz: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

main "$@"
