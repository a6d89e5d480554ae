#!/bin/sh
# run.sh CID FLOWDUMP: issue 16's record fields against implementations
# written apart from impwatch's:
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
#     written in Python.
# Needs /usr/bin/python3 and tshark (.ci/run installs both); each part is
# skipped with a note without them.
set -u
here=$(dirname "$0")
. "$here/../lib/sh.sh"
cid=$1
flowdump=$2
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
