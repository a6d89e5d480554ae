#!/bin/sh
# run.sh BIN DIR: impwatch on every capture in DIR.
#
# Fails on a crash, a sanitizer report, a hang (60 s), or an exit status
# other than 0 (read in full) or 2 (a file it must refuse or a damaged
# record). On captures read in full, compares TCP and UDP flow counts with
# tshark's conversation tables (when tshark is installed); the differences
# of flow definition allowed are documented in tests/corpus/README.md.
#
# CORPUS_JOBS=N checks N captures at once (default: the number of CPUs).
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
dir=$2
skip=0
need jq corpus
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1
[ "$have_tshark" = 1 ] || echo "corpus: tshark not installed: flow counts not compared"

# Files whose flow counts differ from tshark's for a reason listed in
# README.md (KNOWN:reason).
known=tests/corpus/KNOWN

# check_one FILE DIR: one capture, its scratch files in DIR.
check_one() {
	f=$1
	t=$2
	name=$(basename "$f")
	# Timeouts long enough that no idle timeout splits a flow: tshark has
	# none.
	timeout 60 "$bin" -q --format json --timeout-tcp 604800 \
		--timeout-udp 604800 --timeout-other 604800 -r "$f" \
		>"$t/out" 2>"$t/err"
	rc=$?
	if [ "$rc" -ge 124 ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; }; then
		failed "$name" "exit status $rc (crash or hang)"
		head -5 "$t/err"
		return
	fi
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$t/err"; then
		failed "$name" "sanitizer report"
		head -20 "$t/err"
		return
	fi
	if ! tail -n 1 "$t/out" | grep -q '"type":"summary"'; then
		failed "$name" "no summary record (exit $rc)"
		return
	fi
	if [ "$rc" -ne 0 ] || [ "$have_tshark" = 0 ]; then
		ok
		return
	fi
	# impwatch: distinct TCP/UDP endpoint pairs (a FIN and a new SYN on
	# the same ports make two records, one conversation for tshark).
	jval 'select(.type == "flow" and (.transport == "tcp" or .transport == "udp")) |
		"\(.transport) \(.client_ip) \(.client_port) \(.server_ip) \(.server_port)"' "$t/out" |
		awk '{ a = $2 ":" $3; b = $4 ":" $5; if (a > b) { t = a; a = b; b = t } print $1, a, b }' |
		sort -u >"$t/mine"
	# tshark: its conversations, endpoints put in the same order (it lists
	# the two directions of a host talking to itself apart). Both list
	# the outer UDP conversation of a VXLAN, VXLAN-GPE or Geneve tunnel
	# as well as the inner one (impwatch as the tunnel's carrier flow).
	timeout 60 tshark -n -r "$f" -q -z conv,tcp -z conv,udp 2>/dev/null |
		awk '/^(TCP|UDP) Conversations/ { p = tolower($1) }
		     /<->/ { a = $1; b = $3; if (a > b) { t = a; a = b; b = t }
			     print p, a, b }' |
		sort -u >"$t/theirs"
	# The same conversations, not merely as many.
	if cmp -s "$t/mine" "$t/theirs"; then
		ok
	elif grep -q "^$name:" "$known" 2>/dev/null; then
		skip=$((skip + 1))
	else
		failed "$name" "$(wc -l <"$t/mine") TCP/UDP flows, tshark $(wc -l <"$t/theirs") conversations:"
		diff "$t/mine" "$t/theirs" | grep '^[<>]' | head -5
	fi
}

# Shard I of JOBS: every JOBS-th capture from the I-th, its report in
# $tmp/log.I and its counts in $tmp/count.I.
jobs=${CORPUS_JOBS:-$(nproc 2>/dev/null || echo 1)}
i=0
while [ "$i" -lt "$jobs" ]; do
	(
		mkdir "$tmp/$i"
		n=0
		for f in "$dir"/*.pcap "$dir"/*.pcapng "$dir"/*.cap; do
			[ -f "$f" ] || continue
			[ $((n % jobs)) -eq "$i" ] && check_one "$f" "$tmp/$i"
			n=$((n + 1))
		done
		echo "$pass $fail $skip" >"$tmp/count.$i"
	) >"$tmp/log.$i" 2>&1 &
	i=$((i + 1))
done
wait
i=0
while [ "$i" -lt "$jobs" ]; do
	cat "$tmp/log.$i"
	read -r p f s <"$tmp/count.$i" || { p=0; f=1; s=0; echo "FAIL shard $i: no counts"; }
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	i=$((i + 1))
done
finish corpus
