#!/bin/sh
# run.sh CID FLOWDUMP BIN: issue 16's record fields against
# implementations written apart from impwatch's:
#   - the Community ID (the CID driver, cid.c) against community_id.py
#     (Python's hashlib, base64 and struct, following the specification)
#     on the same 8,700 tuples (gen_tuples.py): every ICMP and ICMPv6
#     type, every IP protocol, both directions, equal addresses, extreme
#     ports and seeds;
#   - every flow of the golden captures (pcaps/, but for the malformed
#     ones tshark cannot read either) and of a capture made here
#     (gen_capture.py: DSCP marks, Zeek's codes, ICMP codes, a tunnel)
#     through impwatch's decoder and flow table (FLOWDUMP, flowdump.c)
#     against tshark's decoding of the same packets (check_flows.py):
#     Community ID (tshark's own and community_id.py's), IP bytes, DSCP,
#     packets each way, and Zeek's conn_state from a Zeek state machine
#     written in Python;
#   - the community_id of every flow and alert record impwatch's JSON
#     output gives for every capture of pcaps/ (seed 0, and another
#     seed) against community_id.py on the record's own fields
#     (check_json.py), with one run_id per run, a time on every record
#     and each alert's flow_id on a flow record;
#   - no JSON line longer than 10,000 bytes, and the summary's records
#     whole, for a capture of many host pairs (gen_pairs.py).
# Needs /usr/bin/python3 and tshark (.ci/run installs both); each part is
# skipped with a note without them.
set -u
here=$(dirname "$0")
. "$here/../lib/sh.sh"
cid=$1
flowdump=$2
bin=$3
py=/usr/bin/python3

if [ ! -x "$py" ]; then
	echo "records: $py not found: Community ID cross-check skipped"
	exit 0
fi

"$py" "$here/gen_tuples.py" >"$tmp/tuples" || exit 2
"$py" "$here/community_id.py" <"$tmp/tuples" >"$tmp/py" || exit 2
if ! "$cid" <"$tmp/tuples" >"$tmp/c"; then
	failed community-id "the C driver failed"
elif [ "$(wc -l <"$tmp/tuples")" -ne "$(wc -l <"$tmp/c")" ] ||
     ! cmp -s "$tmp/py" "$tmp/c"; then
	failed community-id "impwatch and community_id.py differ:"
	paste -d ' ' "$tmp/tuples" "$tmp/c" "$tmp/py" |
		awk '$7 != $8' | head -10 | sed 's/^/  | /'
else
	ok
fi
echo "records: community ID of $(wc -l <"$tmp/tuples") tuples compared with community_id.py"

# Every flow and alert record of every project capture, as impwatch
# writes it.
n=0
for f in "$here"/../../pcaps/*.pcap "$here"/../../pcaps/*.pcapng; do
	n=$((n + 1))
	"$bin" -q --format json --alerts -r "$f" >"$tmp/j.$n" 2>/dev/null
done
"$bin" -q --format json --alerts --community-id-seed 4242 \
	-r "$here/../../pcaps/demo.pcap" >"$tmp/seed.json" 2>/dev/null
if "$py" "$here/check_json.py" 0 "$tmp"/j.* >"$tmp/cj" &&
   "$py" "$here/check_json.py" 4242 "$tmp/seed.json" >>"$tmp/cj"; then
	ok
else
	failed community-id-json "impwatch's JSON records and community_id.py differ:"
	grep -v '^checked' "$tmp/cj" | head -10 | sed 's/^/  | /'
fi
echo "records: community ID of $(awk '/^checked/ { n += $2 } END { print n }' "$tmp/cj") JSON records of $n captures compared with community_id.py"

# Sizes a SIEM accepts: with 11 rows used by 16 pairs of long-named
# hosts each, the coverage per pair of hosts is longer than a line may
# be and goes in several coverage_pairs records; with 70 input files,
# the files go in records of their own. Every line stays within 10,000
# bytes, each record whole, the summary last.
"$py" "$here/gen_pairs.py" "$tmp/pairs.pcap" "$tmp/pairs.hosts" || exit 2
"$bin" -q --format json --hosts "$tmp/pairs.hosts" -r "$tmp/pairs.pcap" \
	>"$tmp/pairs.json" 2>"$tmp/pairs.err"
if "$py" "$here/check_sizes.py" 10000 "$tmp/pairs.json" >"$tmp/sizes" &&
   grep -Eq '^coverage_pairs records ([2-9]|[1-9][0-9]+) entries 88$' "$tmp/sizes"; then
	ok
else
	failed json-pairs-split "the coverage per pair of hosts is not split under 10,000 bytes a line:"
	sed 's/^/  | /' "$tmp/sizes"
fi
set --
i=0
while [ $i -lt 70 ]; do set -- "$@" -r "$tmp/pairs.pcap"; i=$((i + 1)); done
"$bin" -q --format json --hosts "$tmp/pairs.hosts" "$@" >"$tmp/files.json" 2>"$tmp/files.err"
if "$py" "$here/check_sizes.py" 10000 "$tmp/files.json" >"$tmp/sizes" &&
   grep -q '^files records 1 entries 70$' "$tmp/sizes"; then
	ok
else
	failed json-files-split "the files of a long summary are not records of their own:"
	sed 's/^/  | /' "$tmp/sizes"
fi

if ! command -v tshark >/dev/null 2>&1; then
	echo "records: tshark not installed: flows not compared with tshark's decoding"
else
	"$py" "$here/gen_capture.py" "$tmp/gen.pcap" || exit 2
	caps=
	for f in "$here"/../../pcaps/*.pcap "$here"/../../pcaps/*.pcapng; do
		case $f in
		*/bad-malformed.pcap | */bad-truncated.pcap) continue ;;
		esac
		caps="$caps $f"
	done
	# shellcheck disable=SC2086 # the captures' names, split on purpose
	if "$py" "$here/check_flows.py" "$flowdump" "$tmp/gen.pcap" $caps >"$tmp/flows" 2>&1; then
		ok
	else
		failed flows "impwatch's record fields differ from tshark's decoding:"
	fi
	grep -v '^records:' "$tmp/flows" | head -20
	grep '^records:' "$tmp/flows"
fi
finish records
