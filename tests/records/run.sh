#!/bin/sh
# run.sh CID: the Community ID of impwatch (the CID driver, cid.c) against
# an implementation written apart from it (community_id.py: Python's
# hashlib, base64 and struct, following the specification), on the same
# 8,700 tuples (gen_tuples.py): every ICMP and ICMPv6 type, every IP
# protocol, both directions, equal addresses, extreme ports and seeds.
# Needs /usr/bin/python3 (.ci/run installs it); skipped with a note
# without it.
set -u
cid=$1
here=$(dirname "$0")
py=/usr/bin/python3
pass=0
fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$py" ]; then
	echo "records: $py not found: Community ID cross-check skipped"
	exit 0
fi

"$py" "$here/gen_tuples.py" >"$tmp/tuples" || exit 2
"$py" "$here/community_id.py" <"$tmp/tuples" >"$tmp/py" || exit 2
if ! "$cid" <"$tmp/tuples" >"$tmp/c"; then
	echo "FAIL community-id: the C driver failed"
	fail=$((fail + 1))
elif [ "$(wc -l <"$tmp/tuples")" -ne "$(wc -l <"$tmp/c")" ] ||
     ! cmp -s "$tmp/py" "$tmp/c"; then
	echo "FAIL community-id: impwatch and community_id.py differ:"
	paste -d ' ' "$tmp/tuples" "$tmp/c" "$tmp/py" |
		awk '$7 != $8' | head -10 | sed 's/^/  | /'
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi
echo "records: community ID of $(wc -l <"$tmp/tuples") tuples compared with community_id.py"
echo "records: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
