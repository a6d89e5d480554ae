#!/bin/sh
# measure.sh BIN DIR...: how many packets nDPI needs for an answer from
# the payload, over every capture in the DIRs. Runs impwatch with a budget
# no flow reaches (--dpi-packets 1000), sums the summaries'
# dpi.packets_to_decide (read with jq), and prints the distribution: what
# the default of --dpi-packets in include/config.h is chosen from.
set -u
bin=$1
shift
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
command -v jq >/dev/null 2>&1 || { echo "measure: jq not found (make deps installs it)"; exit 2; }
files=0
for dir in "$@"; do
	for f in "$dir"/*.pcap "$dir"/*.pcapng; do
		[ -f "$f" ] || continue
		files=$((files + 1))
		timeout 60 "$bin" -q --format json --dpi-packets 1000 -r "$f" 2>/dev/null |
			tail -n 1 |
			jq -rR 'fromjson? | .dpi.packets_to_decide // {} | to_entries[] |
				"\(.key):\(.value)"' >>"$tmp/counts"
	done
done
touch "$tmp/counts"
awk -F: -v files="$files" '
	{ n[$1 + 0] += $2; total += $2; if ($1 + 0 > max) max = $1 + 0 }
	END {
		if (total == 0) { print "measure: no flow answered from the payload"; exit 1 }
		printf "measure: %d captures, %d flows answered from the payload\n", files, total
		split("50 90 95 99 99.9 100", q, " ")
		for (i = 1; i <= 6; i++) {
			need = total * q[i] / 100; seen = 0
			for (k = 1; k <= max; k++) { seen += n[k]; if (seen >= need) break }
			printf "  %5s%% answered by packet %d\n", q[i], k
		}
		for (k = 1; k <= max; k++) if (n[k]) printf "  packet %3d: %d flows\n", k, n[k]
	}' "$tmp/counts"
