# sh.sh: what every test suite's run.sh shares (POSIX sh). Sourced first:
#
#   . "$(dirname "$0")/../lib/sh.sh"
#
# It sets pass=0 fail=0, makes the temporary folder $tmp, removed on exit
# after the suite's own cleanup() (none by default), and stops the suite
# with status 2 on SIGINT or SIGTERM. Each case ends in ok or in a FAIL
# line; finish NAME prints "NAME: N passed, M failed" (", K skipped" when
# the suite keeps a $skip count) and exits 0 only when none failed.
# Internal variables start with "_t_": a suite's own names are safe.

pass=0
fail=0
tmp=$(mktemp -d) || exit 2

# cleanup: what the suite has to undo at exit (processes, namespaces); a
# suite that needs one defines its own after sourcing this file.
cleanup() { :; }
_t_exit() {
	cleanup
	rm -rf "$tmp"
}
trap _t_exit EXIT
trap 'exit 2' INT TERM

# context: what a failed case shows after its FAIL line (bad below); a
# suite redefines it to show the report it was reading.
context() { :; }

# Output of a sanitizer build that went wrong, whatever the exit status.
_t_sanitizer='AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error:'

# ok: one case passed.
ok() { pass=$((pass + 1)); }

# failed NAME [WHY]: one case failed: "FAIL NAME: WHY" (or "FAIL NAME").
failed() {
	if [ $# -gt 1 ]; then echo "FAIL $1: $2"; else echo "FAIL $1"; fi
	fail=$((fail + 1))
}

# bad NAME [WHY]: failed, then the suite's context.
bad() {
	failed "$@"
	context
}

# show FILE [LINES [PREFIX [WIDTH]]]: FILE's first LINES lines (10), each
# after PREFIX ("  | ") and cut to WIDTH characters (not cut: 0).
show() {
	[ -f "$1" ] || return 0
	if [ "${4:-0}" -gt 0 ]; then
		sed "s/^/${3:-  | }/" "$1" | cut -c1-"$4" | head -n "${2:-10}"
	else
		sed "s/^/${3:-  | }/" "$1" | head -n "${2:-10}"
	fi
}

# check NAME WANT_STATUS PATTERN CMD...: run CMD (within $TO seconds when
# the suite sets TO); its exit status must be WANT_STATUS, its standard
# output and error must hold no sanitizer report and, unless PATTERN is
# empty, match PATTERN (grep -E). Its output is left in $tmp/out.
check() {
	_t_name=$1 _t_want=$2 _t_pat=$3
	shift 3
	if [ -n "${TO:-}" ]; then
		timeout "$TO" "$@"
	else
		"$@"
	fi >"$tmp/out" 2>&1
	_t_got=$?
	if [ "$_t_got" -ne "$_t_want" ]; then
		failed "$_t_name" "exit $_t_got, want $_t_want"
		show "$tmp/out"
	elif grep -Eq "$_t_sanitizer" "$tmp/out"; then
		failed "$_t_name" "sanitizer report"
		show "$tmp/out" 20
	elif [ -n "$_t_pat" ] && ! grep -Eq -- "$_t_pat" "$tmp/out"; then
		failed "$_t_name" "output does not match /$_t_pat/"
		show "$tmp/out"
	else
		ok
	fi
}

# expect NAME CMD...: CMD succeeds (check with status 0, no pattern).
expect() {
	_t_name=$1
	shift
	check "$_t_name" 0 '' "$@"
}

# assert NAME CONDITION...: CONDITION (test(1) syntax) holds.
assert() {
	_t_name=$1
	shift
	if [ "$@" ]; then ok; else failed "$_t_name"; fi
}

# same NAME FILE_WANT FILE_GOT: the two files are equal.
same() {
	if cmp -s "$2" "$3"; then
		ok
	else
		failed "$1:"
		diff "$2" "$3" | sed 's/^/  | /' | head -n 20
	fi
}

# nlines FILE PATTERN: how many lines of FILE match PATTERN (grep -E);
# 0 when FILE is not there.
nlines() {
	_t_n=$(grep -Ec -- "$2" "$1" 2>/dev/null)
	echo "${_t_n:-0}"
}

# has NAME FILE PATTERN: a line of FILE matches PATTERN (grep -E).
has() {
	if grep -Eq -- "$3" "$2"; then ok; else bad "$1" "no line /$3/ in $(basename "$2")"; fi
}

# hasnt NAME FILE PATTERN: no line of FILE matches PATTERN.
hasnt() {
	if grep -Eq -- "$3" "$2"; then bad "$1" "a line /$3/ in $(basename "$2")"; else ok; fi
}

# count NAME FILE PATTERN N: exactly N lines of FILE match PATTERN.
count() {
	_t_n=$(nlines "$2" "$3")
	if [ "$_t_n" -eq "$4" ]; then ok; else bad "$1" "$_t_n lines /$3/, want $4"; fi
}

# wait_n FILE PATTERN N SECONDS: wait until FILE has N lines matching
# PATTERN; false when SECONDS pass first. A bound, never an assertion on
# time: the case asserts what came.
wait_n() {
	_t_i=0
	while [ "$_t_i" -lt $(($4 * 10)) ]; do
		[ "$(nlines "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
		_t_i=$((_t_i + 1))
	done
	return 1
}

# wait_for FILE PATTERN SECONDS: wait_n for one line.
wait_for() { wait_n "$1" "$2" 1 "$3"; }

# need TOOL SUITE: TOOL is installed (make deps installs what the suites
# need), or SUITE ends here with one failed case naming it.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	failed "$1" "not installed (make deps installs it)"
	finish "$2"
}

# jval FILTER [FILE...]: jq's FILTER on each JSON line of the FILEs
# (standard input without FILEs; impwatch writes one record a line):
# strings raw, the rest compact JSON, one a line. Lines that are no JSON
# (an error message, a line still being written) are skipped. Read
# records this way, by key, never with a pattern that depends on where a
# key sits.
jval() {
	_t_filter=$1
	shift
	jq -crR "fromjson? | ($_t_filter)" "$@"
}

# jsummary FILE: the summary of a JSON run as one object: the "summary"
# record, with each list of the "services" records (their "list" key)
# back under its key, entries of every part in order.
jsummary() {
	jq -cs '(map(select(.type == "summary"))[0] // {}) +
		(map(select(.type == "services")) | group_by(.list) |
		 map({key: .[0].list, value: (map(.entries) | add)}) |
		 from_entries)' "$1"
}

# jis FILTER FILE...: FILTER gives true for some JSON line of the FILEs.
jis() { jval "$@" | grep -qx true; }

# finish NAME: the summary line, then exit 0 if no case failed, else 1.
finish() {
	if [ -n "${skip+set}" ]; then
		echo "$1: $pass passed, $fail failed, $skip skipped"
	else
		echo "$1: $pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}
