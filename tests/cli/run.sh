#!/bin/sh
# run.sh BIN: the command line's behaviour: exit codes, error messages,
# standard input, output files, limits. Each case runs impwatch for real.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
need jq cli
need python3 cli

# A pcap file header (little-endian, microseconds) for link type $1.
pcap_header() {
	printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000'
	printf "$(printf '\\%03o\\%03o\\000\\000' $(($1 % 256)) $(($1 / 256)))"
}

check help 0 'Exit status' "$bin" --help
# Help and version that cannot be written are an error, as a report is
# (and as 'impwatch rules' and 'acl --help' already were): they used to
# exit 0 with nothing written.
check help-full 2 '^impwatch: cannot write output: No space left on device$' sh -c '"$1" --help >/dev/full' sh "$bin"
check version-full 2 '^impwatch: cannot write output: No space left on device$' sh -c '"$1" -V >/dev/full' sh "$bin"
# --help's exit status 3 names every reason the manual and the README
# give: it used to stop at the fragment table.
check help-exit-flows 0 'flows pushed out of a full flow table' "$bin" --help
check help-exit-snap 0 'packets cut before their ports' "$bin" --help
check help-exit-frag 0 'first fragments cut inside' "$bin" --help
check help-exit-routed 0 'source-routed packets' "$bin" --help
check help-exit-overlap 0 'or overlapped by later ones' "$bin" --help
check help-exit-encrypted 0 'MACsec-encrypted' "$bin" --help
check help-exit-l2-unknown 0 'frames of an ethertype' "$bin" --help
check help-exit-empty 0 'an input file \(or one of' "$bin" --help
# A file named with no option is read as with -r: the manual said so,
# --help did not.
# --validate's own lines say what passes as the manual's do: a finding
# --waivers waives is no failure (they named documented flows and
# trusted tunnels' carriers alone).
check help-validate-waivers 0 'waives' sh -c '"$1" --help |
	awk "/^  --validate/ { on = 1; print; next }
	     on && /^  [^ ]/ { exit } on { print }"' sh "$bin"
# -Z's lines say what the manual does: a drop that fails stops the run.
# "refuse to go on as root otherwise" read as if impwatch refused root
# without -Z.
check help-z-fails 0 'fails' sh -c '"$1" --help |
	awk "/^  -Z / { on = 1; print; next }
	     on && /^  [^ ]/ { exit } on { print }"' sh "$bin"
check help-bare-file 0 '^       impwatch \[options\] FILE\.\.\. +\(the same as -r FILE\)$' \
	"$bin" --help
check bare-file 0 '^NO FINDINGS|^FINDINGS' "$bin" pcaps/demo.pcap
# A word where a command goes that is neither a command nor a file is
# said to be so, with the commands, and writes no report: `impwatch
# explain` wrote a whole report of an input that could not be read,
# its one line on standard error "impwatch: explain: No such file or
# directory".
check unknown-command 2 "^impwatch: 'explain' is neither a command \(rules, roles, acl\) nor a file\$" \
	"$bin" explain
check unknown-command-no-report 0 '^0$' sh -c '"$1" explain 2>/dev/null | wc -c' sh "$bin"
check unknown-command-quiet 2 "^impwatch: 'explain' is neither a command" "$bin" explain -q
# Beside other files it is one of them, not found: the report covers
# the others.
check unknown-command-beside 2 '^  file +pcaps/demo\.pcap: 176 packets' \
	"$bin" -q explain pcaps/demo.pcap
# -V: impwatch's version first, then the libraries it runs with and the
# SHA-256 of the built-in catalogue, which is rules/imp.conf byte for byte.
check version 0 '^impwatch [0-9]+\.[0-9]+\.[0-9]+$' sh -c "\"$bin\" --version | head -1"
check version-short 0 '^impwatch [0-9]+\.[0-9]+\.[0-9]+$' sh -c "\"$bin\" -V | head -1"
check version-ndpi 0 "^nDPI $(pkg-config --modversion libndpi | sed 's/\./\\./g')" "$bin" -V
check version-libpcap 0 "^libpcap version $(pkg-config --modversion libpcap | sed 's/\./\\./g')" "$bin" -V
check version-catalogue 0 "^built-in catalogue SHA-256 $(sha256sum rules/imp.conf | cut -c1-64)\$" "$bin" -V
check no-input 2 'no input' "$bin"
check bad-option 2 'Try .impwatch --help' "$bin" --bogus
check bad-format 2 "invalid value 'xml' for --format" "$bin" --format xml -r pcaps/demo.pcap
# An argument echoed in an error is shown as a file's line is: a control
# byte (a terminal escape, a newline from a script's variable) as \xNN,
# never written raw to a terminal. They were echoed as given.
esc=$(printf '\033[31m')
ctl=$(printf '[\001-\010\013-\037\177]')
# escaped NAME PATTERN CMD...: CMD exits 2 with one line matching
# PATTERN, and no control byte but its line end.
escaped() {
	_e_name=$1 _e_pat=$2
	shift 2
	check "$_e_name" 2 "$_e_pat" "$@"
	hasnt "$_e_name-raw" "$tmp/out" "$ctl"
	count "$_e_name-one-line" "$tmp/out" '' 1
}
check esc-value 2 "^impwatch: invalid value '1\\\\x1b\\[31m' for --max-flows" \
	"$bin" --max-flows "1$esc" -r pcaps/demo.pcap
hasnt esc-value-raw "$tmp/out" "$ctl"
escaped esc-twice "^impwatch: the report \\(-o, --output or -w\\) given twice \\('a', then 'b\\\\x1b\\[31m'\\): it takes one\$" \
	"$bin" -q -o a -o "b$esc" -r pcaps/demo.pcap
escaped esc-trust "^impwatch: invalid value '10\\.0\\.0\\.1/8\\\\x1b\\[31m' for --trust-tunnel: .*'/8\\\\x1b\\[31m'" \
	"$bin" -q --trust-tunnel "10.0.0.1/8$esc" -r pcaps/demo.pcap
escaped esc-unexpected "^impwatch: unexpected argument 'x\\\\x1b\\[31m' with -i" \
	"$bin" -q -i lo "x$esc"
escaped esc-hosts "^h\\\\x1b\\[31m: cannot open: No such file or directory\$" \
	"$bin" -q --hosts "h$esc" -r pcaps/demo.pcap
escaped esc-filter "^impwatch: pcaps/demo\\.pcap: bad filter 'port\\\\x1b\\[31m'" \
	"$bin" -q -f "port$esc" -r pcaps/demo.pcap
escaped esc-newline '^impwatch: a\\x0ab: .*No such file' \
	"$bin" -q -o /dev/null -r "$(printf 'a\nb')"
# getopt's own messages echoed an unknown option raw too: impwatch
# says them, in getopt's words, the option shown safely.
check esc-option 2 "^impwatch: unrecognized option '--x\\\\x1b\\[31m'\$" \
	"$bin" "--x$esc"
hasnt esc-option-raw "$tmp/out" "$ctl"
check esc-option-short 2 "^impwatch: invalid option -- '\\\\x1b'\$" \
	"$bin" -q "-$esc"
hasnt esc-option-short-raw "$tmp/out" "$ctl"
check esc-option-arg 2 "^impwatch: option '--quiet' doesn't allow an argument\$" \
	"$bin" "--quiet=$esc"
hasnt esc-option-arg-raw "$tmp/out" "$ctl"
check option-ambiguous 2 "^impwatch: option '--time' is ambiguous; possibilities: '--timeout-tcp' .*'--time-jump'" \
	"$bin" --time 5 -r pcaps/demo.pcap
check option-needs-arg 2 "^impwatch: option '--rules' requires an argument\$" \
	"$bin" -r pcaps/demo.pcap --rules
check option-needs-arg-short 2 "^impwatch: option requires an argument -- 'r'\$" \
	"$bin" -q -r
check option-try 2 "^Try 'impwatch --help'\\.\$" "$bin" --bogus
escaped esc-same-file "^impwatch: -o $tmp/s\\\\x1b\\[31m and --html $tmp/s\\\\x1b\\[31m: " \
	"$bin" -q -o "$tmp/s$esc" --html "$tmp/s$esc" -r pcaps/demo.pcap
check max-flows-zero 2 "invalid value '0' for --max-flows" "$bin" --max-flows 0 -r pcaps/demo.pcap
check max-flows-text 2 "invalid value '1e6' for --max-flows" "$bin" --max-flows 1e6 -r pcaps/demo.pcap
# No memory for the largest table: the message names the --max-flows
# given, not a worker's share of it.
check max-flows-oom-threads 2 'out of memory \(--max-flows 2147483648\)' \
	"$bin" --threads 2 --max-flows 2147483648 -q -r pcaps/demo.pcap
check timeout-negative 2 "invalid value '-5' for --timeout-udp" "$bin" --timeout-udp -5 -r pcaps/demo.pcap
check missing-file 2 'no-such\.pcap: .*(No such file|such file)' "$bin" -q -r no-such.pcap
check directory 2 'pcaps: is a directory' "$bin" -q -r pcaps
check not-a-capture 2 'README.md: .*(unknown file format|bad dump file format)' "$bin" -q -r README.md
pcap_header 160 >"$tmp/user13.pcap"
check unsupported-link 2 'unsupported link type 160$' "$bin" -q -r "$tmp/user13.pcap"
pcap_header 1 >"$tmp/empty.pcap"
check empty-pcap 0 'flows +0:' "$bin" -q -r "$tmp/empty.pcap"
# The workers' nDPI modules are made side by side, and the engine's
# beside them: libgcrypt, which nDPI sets up in a module it makes, must
# be set up by one alone (a run in some 30 aborted in libgcrypt when
# every module set it up). Many short runs, each at once over.
n_abort=0
i=0
while [ $i -lt 60 ]; do
	"$bin" -q --threads 8 -r "$tmp/empty.pcap" >/dev/null 2>&1 ||
		n_abort=$((n_abort + 1))
	i=$((i + 1))
done
assert "modules-side-by-side ($n_abort of 60 runs failed)" "$n_abort" = 0
check empty-csv 0 '^first_seen,last_seen,transport' "$bin" -q --format csv -r "$tmp/empty.pcap"
check bad-filter 2 "bad filter 'port nonsense'" "$bin" -q -f 'port nonsense' -r pcaps/demo.pcap
# A filter that does not compile is found before any output is opened:
# one line naming the file and libpcap's reason, exit 2, nothing on
# standard output, no -w file made and none touched (a typo used to
# cost a whole empty ERROR report, written after the outputs opened).
# badf NAME WANT_STDERR ARGS...: impwatch ARGS -w $tmp/bf.out exits 2,
# says WANT_STDERR (grep -E) as its one line, writes nothing.
badf() {
	_n=$1 _want=$2
	shift 2
	rm -f "$tmp/bf.out"
	"$bin" -q -w "$tmp/bf.out" "$@" >"$tmp/bf.stdout" 2>"$tmp/bf.stderr" \
		</dev/null
	_rc=$?
	assert "$_n-exit ($_rc)" "$_rc" -eq 2
	count "$_n-stderr" "$tmp/bf.stderr" "$_want" 1
	count "$_n-one-line" "$tmp/bf.stderr" '' 1
	assert "$_n-no-stdout" ! -s "$tmp/bf.stdout"
	assert "$_n-no-report" ! -e "$tmp/bf.out"
}
badf filter-syntax "^impwatch: pcaps/demo\\.pcap: bad filter 'tcp prot 80': .*syntax error\$" \
	-f 'tcp prot 80' -r pcaps/demo.pcap
badf filter-syntax-files "^impwatch: pcaps/fmt-multi-a\\.pcap: bad filter 'tcp prot 80': .*syntax error\$" \
	-f 'tcp prot 80' -r pcaps/fmt-multi-a.pcap -r pcaps/fmt-multi-b.pcap -r pcaps/demo.pcap
badf filter-syntax-json "^impwatch: pcaps/demo\\.pcap: bad filter 'tcp prot 80': .*syntax error\$" \
	--format json --html "$tmp/bf.html" -f 'tcp prot 80' -r pcaps/demo.pcap
assert filter-syntax-no-html ! -e "$tmp/bf.html"
# Standard input: redirected from a file, by its own link type (and
# read from where it was); a pipe, which cannot be read twice, when the
# filter compiles for no link type impwatch decodes.
rm -f "$tmp/bf.out"
"$bin" -q -w "$tmp/bf.out" -f 'tcp prot 80' -r - <pcaps/demo.pcap \
	>"$tmp/bf.stdout" 2>"$tmp/bf.stderr"
assert "filter-syntax-stdin-exit ($?)" $? -eq 2
count filter-syntax-stdin "$tmp/bf.stderr" "^impwatch: -: bad filter 'tcp prot 80': .*syntax error\$" 1
assert filter-syntax-stdin-no-report ! -e "$tmp/bf.out"
cat pcaps/demo.pcap | "$bin" -q -w "$tmp/bf.out" -f 'tcp prot 80' -r - \
	>"$tmp/bf.stdout" 2>"$tmp/bf.stderr"
assert "filter-syntax-pipe-exit ($?)" $? -eq 2
count filter-syntax-pipe "$tmp/bf.stderr" "^impwatch: -: bad filter 'tcp prot 80': .*syntax error\$" 1
assert filter-syntax-pipe-no-report ! -e "$tmp/bf.out"
rm -f "$tmp/bf.out"
"$bin" -q -w "$tmp/bf.out" -f 'ether host 02:00:00:00:00:01' \
	-r pcaps/link-ether.pcap -r - <pcaps/link-raw.pcap \
	>"$tmp/bf.stdout" 2>"$tmp/bf.stderr"
assert "filter-link-stdin-exit ($?)" $? -eq 2
count filter-link-stdin "$tmp/bf.stderr" "^impwatch: -: bad filter 'ether host 02:00:00:00:00:01': ethernet addresses" 1
assert filter-link-stdin-no-report ! -e "$tmp/bf.out"
# A pipe is opened after the outputs (it cannot be read twice): a filter
# that compiles for some link type but not the pipe's is said on
# standard error in a file's words, and the report says the filter did
# not apply to that link type. It said "it left out 0 of 0 packets".
cat pcaps/link-raw.pcap | "$bin" -q -f 'ether host 02:00:00:00:00:01' -r - \
	>"$tmp/bf.stdout" 2>"$tmp/bf.stderr"
assert "filter-link-pipe-exit ($?)" $? -eq 2
count filter-link-pipe "$tmp/bf.stderr" "^impwatch: -: bad filter 'ether host 02:00:00:00:00:01': ethernet addresses" 1
count filter-link-pipe-verdict "$tmp/bf.stdout" "^ERROR: .*; the filter 'ether host 02:00:00:00:00:01' does not apply to the link type of - \\(12\\), which was not read \\(exit 2\\)\$" 1
hasnt filter-link-pipe-nonsense "$tmp/bf.stdout" 'left out 0 of 0'
# With a file read before it, what the filter kept of that file, then why
# the pipe was not.
cat pcaps/link-raw.pcap | "$bin" -q -f 'ether host 02:00:00:00:00:01' \
	-r pcaps/link-ether.pcap -r - >"$tmp/bf.stdout" 2>/dev/null
assert "filter-link-pipe-after-exit ($?)" $? -eq 2
count filter-link-pipe-after "$tmp/bf.stdout" "^ERROR: .*; judged only what the filter 'ether host 02:00:00:00:00:01' kept: it left out [0-9]+ of [1-9][0-9]* packets?; it does not apply to the link type of - \\(12\\), which was not read \\(exit 2\\)\$" 1
# Valid for the first file's link type (Ethernet), not the second's (raw
# IP): the second is named, before the first is read.
badf filter-link "^impwatch: pcaps/link-raw\\.pcap: bad filter 'ether host 02:00:00:00:00:01': ethernet addresses supported only on " \
	-f 'ether host 02:00:00:00:00:01' -r pcaps/link-ether.pcap -r pcaps/link-raw.pcap
# A -w file that is there is left as it was.
echo 'kept' >"$tmp/bf.keep"
"$bin" -q -o "$tmp/bf.keep" -f 'tcp prot 80' -r pcaps/demo.pcap >/dev/null 2>&1
assert "filter-syntax-kept-exit ($?)" $? -eq 2
has filter-syntax-kept "$tmp/bf.keep" '^kept$'
count filter-syntax-kept-lines "$tmp/bf.keep" '' 1
# A valid filter: the run goes on as before, and the report is written.
check filter-valid 0 '"packets":[1-9][0-9]*,' sh -c "\"\$1\" -q --format json \
	-w \"\$2\" -f 'tcp port 5222' -r pcaps/demo.pcap && cat \"\$2\"" \
	sh "$bin" "$tmp/bf.json"
check filter-valid-files 0 '^  flows +[1-9][0-9]*:' "$bin" -q \
	-f 'ether host 02:00:00:00:00:01 or not ether host 02:00:00:00:00:01' \
	-r pcaps/link-ether.pcap -r pcaps/demo.pcap
check filter-valid-stdin 0 '"name":"-","link_type":1,"packets":18,' sh -c \
	"\"\$1\" -q --format json -f udp -r - <pcaps/demo.pcap" sh "$bin"
check filter-valid-pipe 0 '"name":"-","link_type":1,"packets":18,' sh -c \
	"cat pcaps/demo.pcap | \"\$1\" -q --format json -f udp -r -" sh "$bin"
check truncated 2 'damaged record at byte offset 1486, after packet 9' "$bin" -q -r pcaps/bad-truncated.pcap
check truncated-report 2 'xcp-client-access +tcp/5222' "$bin" -q -r pcaps/bad-truncated.pcap
check validate-fail 1 'FAIL' "$bin" -q --validate -r pcaps/demo.pcap
check validate-pass 0 'PASS' "$bin" -q --validate -r pcaps/link-ether.pcap
check validate-json 1 '"validate":"fail","exit_status":1' "$bin" -q --validate --format json -r pcaps/demo.pcap
check write-full 2 'cannot write /dev/full' "$bin" -q -w /dev/full -r pcaps/demo.pcap
check write-dir 2 'cannot write pcaps/: Is a directory' "$bin" -q -w pcaps/ -r pcaps/demo.pcap
# The report's file cannot be opened after the waivers were read: they are
# freed on that way out too (a sanitizer build reports the leak).
check write-dir-waivers 2 'cannot write pcaps/: Is a directory' \
	"$bin" -q --waivers tests/waivers/board.waivers -w pcaps/ -r pcaps/demo.pcap
check write-file 0 '' "$bin" -q --format json -w "$tmp/report.json" -r pcaps/demo.pcap
check write-file-content 0 '"flows":31,' cat "$tmp/report.json"
check stdin 0 '"flows":31,' sh -c "\"$bin\" -q --format json -r - < pcaps/demo.pcap"
check stdin-pcapng 0 '"flows":31,' sh -c "\"$bin\" -q --format json -r - < pcaps/demo.pcapng"
# Standard input left on a terminal (-r - with nothing redirected): no
# one types a capture, and the run used to wait there, silent, until
# stopped. Refused at once, as a directory is. (A pseudo-terminal from
# python3's pty; a hang fails the case.)
cat >"$tmp/on_pty.py" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b''
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
sys.stdout.write(out.decode('utf-8', 'replace'))
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
PY
TO=10 check stdin-terminal 2 '^impwatch: -: is a terminal, not a capture: give a file, or redirect standard input from one \(-r - < FILE\)' \
	python3 "$tmp/on_pty.py" "$bin" -q -o /dev/null -r -
TO=10 check stdin-terminal-named 2 '^impwatch: /dev/tty: is a terminal, not a capture' \
	python3 "$tmp/on_pty.py" "$bin" -q -o /dev/null -r /dev/tty
# Files and standard input read in turn share no read buffer.
check stdin-between-files 0 '"name":"-","link_type":1,"packets":176,.*"packets":184,' sh -c "\"$bin\" -q --format json -r pcaps/fmt-multi-a.pcap -r - -r pcaps/fmt-multi-b.pcap < pcaps/demo.pcap"
check positional-files 0 '"flows":1,' "$bin" -q --format json pcaps/fmt-multi-a.pcap pcaps/fmt-multi-b.pcap
# No progress line when standard error is not a terminal, even without -q.
check no-progress 0 '' sh -c "\"$bin\" -r pcaps/demo.pcap 2>\"$tmp/err\" >/dev/null && test ! -s \"$tmp/err\""
# A table of 4 flows: the rest are evicted, each reported once (one
# worker: with several, each evicts from its own share).
check evictions 0 '"evictions":27,' "$bin" -q --format json --max-flows 4 --threads 1 -r pcaps/demo.pcap
check evicted-records 0 '^31$' sh -c "\"$bin\" -q --format json --max-flows 4 -r pcaps/demo.pcap | grep -c '\"type\":\"flow\"'"
# Alerts: CSV has no alert rows, so --alerts alone is refused, naming
# --alert-file; an alert file takes them in any format.
check csv-alerts 2 'CSV output has no alert rows: give --alert-file' "$bin" -q --format csv --alerts -r pcaps/demo.pcap
# Nor stats rows: --report-every with CSV used to be taken and write
# nothing, ever.
check csv-report-every 2 '^impwatch: CSV output has no stats rows: --report-every goes with --format text, json or ecs$' \
	"$bin" -q --format csv --report-every 1 --duration 1 -i lo
check alert-file-csv 0 '' "$bin" -q --format csv -w "$tmp/r.csv" --alert-file "$tmp/alerts.txt" -r pcaps/demo.pcap
check alert-file-lines 0 '^alert 20[0-9-]+T[0-9:.]+Z undocumented tcp .* -> .*: no catalogue row documents tcp/' cat "$tmp/alerts.txt"
# Every alert the summary counts is a line of the alert file.
check alert-file-count 0 '^same [1-9]' sh -c '"$1" -q --format json --alert-file "$2/a2.txt" -r pcaps/demo.pcap | tail -n 1 | jq .alerts >"$2/n" && n=$(grep -c "^alert " "$2/a2.txt") && [ "$(cat "$2/n")" = "$n" ] && echo same $n' sh "$bin" "$tmp"
check alert-file-no-alerts 2 'contradict' "$bin" -q --no-alerts --alert-file "$tmp/x.txt" -r pcaps/demo.pcap
check alert-file-is-report 2 'same file' "$bin" -q -w "$tmp/same.txt" --alert-file "$tmp/same.txt" -r pcaps/demo.pcap
# Alerts to standard error that could not be written are alerts lost, as
# for a file: exit 2 (it used to be 0; no message can say it there).
check alert-file-stderr-full 2 '' sh -c '"$1" -q --alert-file - -o /dev/null -r pcaps/demo.pcap 2>/dev/full' sh "$bin"
check alert-file-stderr-ok 0 '^alert ' sh -c '"$1" -q --alert-file - -o /dev/null -r pcaps/demo.pcap' sh "$bin"
# An alert file not written whole is closed before the summary, which
# then says the run is an error, as the exit status does (it said FAIL,
# exit 1, and the run exited 2).
check alert-file-full 2 '^impwatch: cannot write /dev/full: No space left on device$' \
	"$bin" -q --validate --alert-file /dev/full -o "$tmp/af.txt" -r pcaps/demo.pcap
check alert-file-full-lead 0 '^ERROR: .*; findings: 3 undocumented, 2 local-only \(exit 2\)$' \
	head -n 1 "$tmp/af.txt"
check rules-check-good 0 'tests/rules/good.conf: [0-9]+ rows, no errors' "$bin" rules --check tests/rules/good.conf
check rules-check-builtin 0 'rules/imp.conf: 101 rows, no errors' "$bin" rules --check rules/imp.conf
check rules-check-bad 2 'tests/rules/bad-port.conf:[0-9]+: ' "$bin" rules --check tests/rules/bad-port.conf
check rules-missing 2 'no-such.conf: cannot open' "$bin" -q --rules no-such.conf -r pcaps/demo.pcap
# With workers, their nDPI modules are on their way while the engine
# loads: a run that fails before or after the engine waits for them and
# frees them.
check rules-missing-threads 2 'no-such.conf: cannot open' "$bin" -q --threads 4 --rules no-such.conf -r pcaps/demo.pcap
check dump-bad-path-threads 2 'cannot write no-such-dir/x.pcap' "$bin" -q --threads 4 --dump-undocumented no-such-dir/x.pcap -r pcaps/demo.pcap
check rules-add-bad 2 'tests/rules/bad-utf8.conf:[0-9]+: ' "$bin" -q --rules-add tests/rules/bad-utf8.conf -r pcaps/demo.pcap
check rules-add-override 0 '"verdict":"documented"' "$bin" -q --format json --rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap
# A site row of every port would pass every TCP flow: refused, as a run
# and as rules --check read it, never a PASS.
check rules-add-every-port 2 '^tests/rules/every-port.conf:2: dport holds every port' \
	"$bin" -q --validate --rules-add tests/rules/every-port.conf -r pcaps/real-redis-6380.pcap
check rules-check-every-port 2 '^tests/rules/every-port.conf:2: dport holds every port' \
	"$bin" rules --check tests/rules/every-port.conf
# A service's site rows are in one file: a second --rules-add of them
# would drop the first file's rows unsaid.
check rules-add-twice 2 '^tests/rules/site-postgresql.conf:3: table 23 service ext-db-postgresql is a site.s already \(tests/rules/site-postgresql.conf:3\)' \
	"$bin" -q --rules-add tests/rules/site-postgresql.conf --rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap
# Table 0 is a site's own row in a --rules catalogue too: the records
# say so, never the guide.
printf '0 | site-redis | imp -> database | TCP | tcp | 6380 | ephemeral | wire | any | Site cache\n' >"$tmp/table0.conf"
check rules-table0-site 0 '"service":"site-redis","tables":\[\],"rule_source":"site"' \
	"$bin" -q --format json --rules "$tmp/table0.conf" -r pcaps/real-redis-6380.pcap
check rules-no-add 1 '"verdict":"undocumented"' "$bin" -q --format json --validate -r pcaps/real-postgresql-15432.pcap
check rules-json-fields 0 '"table":30,"service":"srm-peer".*"port":21999' "$bin" rules --format json
# A second --rules is not a second catalogue: refused, not reduced to one.
check rules-twice 2 "^impwatch: --rules given twice \('tests/rules/good.conf', then 'rules/imp.conf'\): it takes one \(--rules-add" \
	"$bin" -q --rules tests/rules/good.conf --rules rules/imp.conf -r pcaps/demo.pcap
# -o and -w name the same report: the message names both, whichever came.
check output-twice 2 "^impwatch: the report \\(-o, --output or -w\\) given twice" "$bin" -q -o "$tmp/o1" -o "$tmp/o2" -r pcaps/demo.pcap
check output-o-w 2 "^impwatch: the report \\(-o, --output or -w\\) given twice \\('$tmp/o1', then '$tmp/o2'\\)" "$bin" -q -o "$tmp/o1" -w "$tmp/o2" -r pcaps/demo.pcap
check output-w-o 2 "^impwatch: the report \\(-o, --output or -w\\) given twice" "$bin" -q -w "$tmp/o1" -o "$tmp/o2" -r pcaps/demo.pcap
# rules --format csv: a header and one row per catalogue row.
check rules-csv 0 '^table,service,transport,dport,sport,scope,roles,protocol,apps,description,note_ko,note_ja,source,site$' "$bin" rules --format csv
check rules-csv-rows 0 '^102$' sh -c '"$1" rules --format csv | wc -l' sh "$bin"
check rules-csv-site 0 '^23,ext-db-postgresql,.*,tests/rules/site-postgresql.conf:3,true$' "$bin" rules --format csv --rules-add tests/rules/site-postgresql.conf
# The text listing says which rows are the site's too: its table number
# alone would pass the row off as the guide's (as the report never does).
check rules-text-site 0 '^23 \(site\) +ext-db-postgresql +tcp +15432 ' "$bin" rules --rules-add tests/rules/site-postgresql.conf
check rules-text-guide 0 '^23 +ext-db-oracle +tcp +1521 ' "$bin" rules --rules-add tests/rules/site-postgresql.conf
# rules --format ecs: the catalogue is no event; refused, not a text table.
check rules-ecs 2 "^impwatch rules: --format ecs writes a run's events, not the catalogue \(text, json or csv\)$" "$bin" rules --format ecs
# rules and roles take only the options they use: any other is refused,
# named, not silently ignored (-o used to leave no file and print the
# table on standard output; --rules-add beside --check was never read).
check rules-output 2 "^impwatch rules: --output \\(-o\\) does not go with 'impwatch rules' \(it takes --format, --rules, --rules-add and --no-dpi\)$" \
	"$bin" rules -o "$tmp/rules.txt"
check rules-output-no-file 0 '' test ! -e "$tmp/rules.txt"
check rules-run-option 2 "^impwatch rules: --validate does not go with 'impwatch rules'" "$bin" rules --format json --validate
check rules-check-rules-add 2 "^impwatch rules --check: --rules-add does not go with it \(it takes --no-dpi\)$" \
	"$bin" rules --check tests/rules/good.conf --rules-add tests/rules/site-postgresql.conf
check rules-check-no-dpi 0 'good.conf: [0-9]+ rows, no errors' "$bin" rules --check tests/rules/good.conf --no-dpi
check roles-format 2 "^impwatch roles: --format does not go with 'impwatch roles' \(it takes --rules and --rules-add\)$" \
	"$bin" roles --format json
check roles-rules-add 0 '^imp-publisher ' "$bin" roles --rules-add tests/rules/site-postgresql.conf
# --help's usage lines give each command what it takes, as the refusals
# above name it.
check help-rules-check-usage 0 '^       impwatch rules --check FILE \[--no-dpi\]$' "$bin" --help
check help-roles-usage 0 '^       impwatch roles \[--rules FILE\] \[--rules-add FILE\]$' "$bin" --help
# Site rows are the site's: file and line, never the guide's table.
check site-row-json 0 '"service":"ext-db-postgresql","tables":\[\],"rule_source":"site","rule_file":"tests/rules/site-postgresql.conf","rule_line":3,' \
	"$bin" -q --format json --rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap
check site-row-coverage 0 '"table":null,"site_file":"tests/rules/site-postgresql.conf","service":"ext-db-postgresql","line":3,"flows":1' \
	"$bin" -q --format json --rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap
check site-row-text 0 '^  site tests/rules/site-postgresql.conf:3 ext-db-postgresql 1 flow$' \
	"$bin" -q --rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap
# ... and in a cleartext finding's sentence, on a site's TLS-only row
# (it named the guide's table the row gives, "table 2").
printf '2 | site-sip-tls | sip-gateway -> imp | SIP | tls | 6060 | ephemeral | wire | TLS,SIP | a site TLS port\n' >"$tmp/tls6060.conf"
check site-row-cleartext 0 "tcp/6060 requires TLS \\(site row $tmp/tls6060.conf:1 site-sip-tls\\), but the client's first bytes were SIP in clear$" \
	"$bin" -q --alert-file - -o /dev/null --rules-add "$tmp/tls6060.conf" -r pcaps/demo.pcap
# An IPv6 end is [address]:port in the text report and its alerts, as
# RFC 5952 writes it: '2001:db8:2::10:5269' is an address of its own,
# its last group no port.
check ipv6-endpoint-text 0 '^    tcp \[2001:db8:100::80\]:50669 -> \[2001:db8:2::10\]:5269  8 packets' \
	"$bin" -q --hosts rules/example.hosts -r pcaps/demo.pcap
check ipv6-endpoint-alert 0 '^alert [^ ]+ role-violation tcp \[2001:db8:100::80\]:50669 -> \[2001:db8:2::10\]:5269: ' \
	"$bin" -q --hosts rules/example.hosts --alert-file - -o /dev/null -r pcaps/demo.pcap
# A flow on loopback never left its host: with an inventory it is not
# judged for roles (127.0.0.1 is in none), and its row is exercised. The
# demo's TCP 1501 on lo was a role violation, "unknown -> unknown", and
# table 8's row never seen.
check loopback-roles 0 '^PASS: 1 documented' \
	"$bin" -q --validate --hosts rules/example.hosts -f 'tcp port 1501' -r pcaps/demo.pcap
check loopback-coverage 0 '^  table 8   ids-db-upgrade +1 flow$' \
	"$bin" -q --hosts rules/example.hosts -r pcaps/demo.pcap
# The example inventory lists the demo's hosts: its role violations are
# the two the README explains (federation from another domain's XMPP
# servers, an administrator's SSH into the publisher), no others. It
# made 8 more, of hosts it did not list or listed with other roles (the
# SNMP manager, the IPv6 cluster, the database, the browsers).
check example-inventory-lessons 0 '^198\.51\.100\.23:22 198\.51\.100\.80:5269 2001:db8:100::80:5269$' \
	sh -c '"$1" -q --format json --hosts rules/example.hosts -r pcaps/demo.pcap |
		jq -r "select(.type == \"flow\" and .verdict == \"role-violation\") |
			\"\(.client_ip):\(.server_port)\"" | LC_ALL=C sort | paste -sd " " -' sh "$bin"
# Table 4's four 8443 rows (AXL, admin, user options, SOAP) allow the
# same roles: a role violation names that allowance once, not four times.
# (In the example inventory the users' network holds browsers too.)
printf 'imp-publisher 192.0.2.10 pub\nxmpp-client 198.51.100.0/24 clients\n' >"$tmp/xmpp-only.hosts"
check roles-allowed-once 0 '^      roles seen: xmpp-client -> imp,imp-publisher; documented for: table 4 browser -> imp; table 30 cucm <-> imp-publisher$' \
	"$bin" -q --hosts "$tmp/xmpp-only.hosts" -r pcaps/demo.pcap
# A closed standard error is no output's number: the report file (-o)
# took fd 2, and the error message went into the JSON lines, a line no
# reader takes. A closed standard output, the report's, is said as such
# before the run (the page took fd 1: 'the report and the HTML report
# are the same file').
check stderr-closed 2 '' sh -c '"$1" -q --format json -o "$2/se.json" -r pcaps/demo.pcap -r pcaps/bad-truncated.pcap 2>&-' sh "$bin" "$tmp"
check stderr-closed-json 0 '' jq -c . "$tmp/se.json"
check stdout-closed-html 2 '^impwatch: cannot write standard output: Bad file descriptor$' \
	sh -c '"$1" -q --html "$2/so.html" -r pcaps/demo.pcap >&-' sh "$bin" "$tmp"
check stdout-closed-nothing 0 '^absent$' sh -c '[ -e "$1/so.html" ] || echo absent' sh "$tmp"
# Every record names its run and sensor; provenance in the summary.
check sensor-json 0 '^\{"type":"flow","time":"[^"]+","run_id":"[0-9a-f]{32}","sensor":"edge-1","flow_id":[0-9]+,"community_id":"1:' \
	"$bin" -q --format json --sensor edge-1 -r pcaps/demo.pcap
check sensor-long 2 'at most 255 bytes' "$bin" -q --sensor "$(printf '%0300d' 0)" -r pcaps/demo.pcap
# A sensor's name is a name: an empty one named nothing on every record,
# and a newline in it broke the text report's lines ('on sensor a' and
# 'b' on a line of its own).
check sensor-empty 2 "^impwatch: invalid value '' for --sensor\$" \
	"$bin" -q --sensor '' -r pcaps/demo.pcap
check sensor-newline 2 '^impwatch: --sensor NAME: a name, not empty and with no control byte$' \
	"$bin" -q --sensor "$(printf 'a\nb')" -r pcaps/demo.pcap
check sensor-tab 2 'with no control byte' "$bin" -q --sensor "$(printf 'a\tb')" -r pcaps/demo.pcap
check sensor-utf8 0 'on sensor capteur-é$' "$bin" -q --sensor 'capteur-é' -r pcaps/demo.pcap
check provenance-json 0 '"impwatch_version":"[0-9.]+","ndpi_version":"[^"]+","libpcap_version":"libpcap[^"]*","catalogue":\{"file":null,"sha256":"[0-9a-f]{64}"\},"inputs":\[\{"kind":"rules-add","file":"tests/rules/site-postgresql.conf","sha256":"[0-9a-f]{64}"\}\],"command_line":"[^"]*impwatch -q --format json --rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap","community_id_seed":0,"first_packet":"2026-[^"]+","last_packet":"2026-[^"]+","started":"[^"]+","ended":"[^"]+"' \
	"$bin" -q --format json --rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap
check provenance-text 0 '^Rules added  tests/rules/site-postgresql.conf, SHA-256 [0-9a-f]{64}$' \
	"$bin" -q --rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap
# Packets stamped 0 (ts_sec 0, ts_usec 0: some tools write that) are
# packets: the header says their times, 1970-01-01, in every format,
# and only a capture with no packet says none (the summary said none,
# as if the capture were empty: a time of 0 meant "no packet yet").
# zero.pcap: a handshake on tcp/5222, every frame stamped 0;
# zero-first.pcap: the same, its first frame alone stamped 0, the
# others 10 s later.
PYTHONPATH="$(dirname "$0")/../lib" python3 - "$tmp/zero.pcap" \
	"$tmp/zero-first.pcap" <<'PY'
import sys
from tcpcap import handshake, write_pcap
hs = handshake([192, 0, 2, 1], [192, 0, 2, 2], 40000, 5222)
write_pcap(sys.argv[1], hs, [0, 0, 0])
write_pcap(sys.argv[2], hs, [0, 10, 10])
PY
z0=1970-01-01T00:00:00.000000Z
z10=1970-01-01T00:00:10.000000Z
for th in 1 2; do
	check "zero-stamps-text-$th" 0 "^Packets      $z0 to $z0\$" \
		"$bin" -q --threads $th -r "$tmp/zero.pcap"
	check "zero-first-text-$th" 0 "^Packets      $z0 to $z10\$" \
		"$bin" -q --threads $th -r "$tmp/zero-first.pcap"
done
"$bin" -q --format json -r "$tmp/zero.pcap" >"$tmp/zero.json"
jsummary "$tmp/zero.json" >"$tmp/zero.sum"
check zero-stamps-json 0 "^$z0 $z0 $z0\$" \
	jval '"\(.first_packet) \(.last_packet) \(.time)"' "$tmp/zero.sum"
"$bin" -q --format json -r "$tmp/zero-first.pcap" >"$tmp/zero-first.json"
check zero-first-json 0 "^$z0 $z10\$" \
	jval 'select(.type == "summary") | "\(.first_packet) \(.last_packet)"' \
	"$tmp/zero-first.json"
# The flow keeps its first packet's time.
check zero-first-flow 0 "^$z0 $z10\$" \
	jval 'select(.type == "flow") | "\(.first_seen) \(.last_seen)"' \
	"$tmp/zero-first.json"
"$bin" -q --format ecs -r "$tmp/zero.pcap" >"$tmp/zero.ecs"
check zero-stamps-ecs 0 "^$z0 $z0 $z0 0\$" \
	jval 'select(.event.dataset == "impwatch.summary") |
	      "\(.["@timestamp"]) \(.event.start) \(.event.end) \(.event.duration)"' \
	"$tmp/zero.ecs"
expect zero-stamps-html "$bin" -q -o /dev/null --html "$tmp/zero.html" \
	-r "$tmp/zero.pcap"
has zero-stamps-html-row "$tmp/zero.html" \
	"^<tr><th>Packets</th><td>$z0 to $z0 \\(0\\.0 s\\)</td></tr>\$"

# A capture across a clock step, as a sensor writes one when NTP sets its
# clock back an hour, or forward: one UDP conversation on 9999 goes on
# across the step, another starts after it. Set back (back.pcap), the
# flows open end at the step, so the conversation is two records, each
# with its times on one side; the summary's span is the earliest and
# latest stamp, and its time the latest after the step, not one an hour
# ahead. Set forward (fwd.pcap), the flow open is idle by the new time:
# two records too. Each record begins before it ends.
PYTHONPATH="$(dirname "$0")/../lib" python3 - "$tmp/back.pcap" \
	"$tmp/fwd.pcap" "$tmp/odd.pcap" <<'PY'
import sys
from tcpcap import udp, write_pcap
c, s = [192, 0, 2, 1], [192, 0, 2, 2]
t = 1767225600 + 7200
one = [udp(c, s, 40001, 9999, b"a"), udp(s, c, 9999, 40001, b"b")] * 3
two = [udp(c, s, 40002, 9999, b"c")]
write_pcap(sys.argv[1], one + two,
           [t, t + 1, t - 3600 + 2, t - 3600 + 3, t - 3600 + 4, t - 3600 + 5,
            t - 3600 + 6])
write_pcap(sys.argv[2], one + two,
           [t, t + 1, t + 3600 + 2, t + 3600 + 3, t + 3600 + 4, t + 3600 + 5,
            t + 3600 + 6])
write_pcap(sys.argv[3], one + two,
           [t, t + 1, t + 315360000, t + 3, t + 4, t + 5, t + 6])
PY
for th in 1 2; do
	for k in back fwd; do
		"$bin" -q --format json --threads $th -r "$tmp/$k.pcap" >"$tmp/$k.json"
		check "clock-$k-split-$th" 0 '^2$' jq -s \
			'map(select(.type == "flow" and .client_port == 40001)) | length' "$tmp/$k.json"
		check "clock-$k-sane-$th" 0 '^0$' jq -s \
			'map(select(.type == "flow" and (.last_seen < .first_seen or
			 .duration < 0 or .duration > 60))) | length' "$tmp/$k.json"
	done
	# One stamp ten years on, among stamps a second apart: not
	# believed, it counts at its neighbours' time (with workers, the
	# reader holds it for the stamps after it, and sends the frames
	# around it on at once).
	"$bin" -q --format json --threads $th -r "$tmp/odd.pcap" >"$tmp/odd.json"
	check "clock-odd-one-$th" 0 '^6 2026-01-01T02:00:00.000000Z 2026-01-01T02:00:05.000000Z 5$' \
		jval 'select(.type == "flow" and .client_port == 40001) |
		      "\(.packets) \(.first_seen) \(.last_seen) \(.duration)"' "$tmp/odd.json"
	check "clock-odd-summary-$th" 0 '^1 2026-01-01T02:00:06.000000Z$' \
		jval 'select(.type == "summary") | "\(.clock.outliers) \(.time)"' \
		"$tmp/odd.json"
	check "clock-back-summary-$th" 0 \
		'^1 2026-01-01T01:00:02.000000Z 2026-01-01T02:00:01.000000Z 2026-01-01T01:00:06.000000Z$' \
		jval 'select(.type == "summary") |
		      "\(.clock.jumps_back) \(.first_packet) \(.last_packet) \(.time)"' \
		"$tmp/back.json"
done
check zero-stamps-validate 0 '^Validate: PASS' \
	"$bin" -q --validate -r "$tmp/zero.pcap"
# A capture with no packet still has none.
check empty-packets-text 0 '^Packets      none$' "$bin" -q -r "$tmp/empty.pcap"
check empty-packets-json 0 '^null null$' sh -c "\"\$1\" -q --format json \
	-r \"\$2\" | jq -cr 'select(.type == \"summary\") |
	\"\(.first_packet) \(.last_packet)\"'" sh "$bin" "$tmp/empty.pcap"
expect empty-packets-html "$bin" -q -o /dev/null --html "$tmp/empty.html" \
	-r "$tmp/empty.pcap"
has empty-packets-html-row "$tmp/empty.html" \
	'^<tr><th>Packets</th><td>none</td></tr>$'
# With no packet, the ECS summary's events are stamped by the wall clock,
# as the JSON summary is (they said 1970-01-01, a time of 0).
"$bin" -q --format ecs -r "$tmp/empty.pcap" >"$tmp/empty.ecs"
count empty-packets-ecs-time "$tmp/empty.ecs" '^\{"@timestamp":"1970-' 0
check empty-packets-ecs-summary 0 '^2[0-9]{3}-' jval \
	'select(.event.dataset == "impwatch.summary") | .["@timestamp"]' \
	"$tmp/empty.ecs"
# The header's span is that of the packets the summary counts beside it:
# every frame read that passed -f, whether or not it made a flow (ARP,
# a malformed frame, a SPAN copy), as capinfos and tcpdump count them.
# A frame the filter left out is not read: a filter that passes nothing
# leaves no packet and no span. These said "Packets none" beside
# "packets 2". arp.pcap: two ARP requests at 00:00:01 and 00:00:07.25;
# bad.pcap: an IPv4 header length of 16 at 00:00:02, a TCP header cut
# short at 00:00:09; around.pcap: an ARP request at 00:00:00, a SYN to
# tcp/5222 at 00:00:05, an ARP request at 00:00:10 (2026-01-01).
python3 - "$tmp/arp.pcap" "$tmp/bad.pcap" "$tmp/around.pcap" <<'PY'
import struct, sys
T0 = 1767225600
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
eth = b"\xff\xff\xff\xff\xff\xff" + b"\x02\0\0\0\0\x01"
def arp(spa, tpa):
    return eth + b"\x08\x06" + struct.pack("!HHBBH6s4s6s4s", 1, 0x0800,
        6, 4, 1, b"\x02\0\0\0\0\x01", bytes(spa), b"\0" * 6, bytes(tpa))
def ip(proto, body, hlen=5):
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hlen, 0, 20 + len(body), 1,
                    0, 64, proto, 0, bytes([192, 0, 2, 1]),
                    bytes([192, 0, 2, 2]))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return eth + b"\x08\x00" + h + body
syn = ip(6, struct.pack("!HHIIBBHHH", 40000, 5222, 1, 0, 5 << 4, 2,
                        65535, 0, 0))
a = arp([192, 0, 2, 1], [192, 0, 2, 2])
def write(name, frames):
    out = open(name, "wb")
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for t, f in frames:
        out.write(struct.pack("<IIII", T0 + int(t), int(t * 1e6) % 1000000,
                              len(f), len(f)) + f)
    out.close()
write(sys.argv[1], [(1, a), (7.25, a)])
write(sys.argv[2], [(2, ip(6, b"", hlen=4)), (9, ip(6, b"\0" * 8))])
write(sys.argv[3], [(0, a), (5, syn), (10, a)])
PY
d=2026-01-01T00:00
for th in 1 2; do
	check "span-arp-text-$th" 0 "^Packets      $d:01.000000Z to $d:07.250000Z\$" \
		"$bin" -q --threads $th -r "$tmp/arp.pcap"
	check "span-bad-text-$th" 0 "^Packets      $d:02.000000Z to $d:09.000000Z\$" \
		"$bin" -q --threads $th -r "$tmp/bad.pcap"
	check "span-around-text-$th" 0 "^Packets      $d:00.000000Z to $d:10.000000Z\$" \
		"$bin" -q --threads $th -r "$tmp/around.pcap"
	check "span-filtered-text-$th" 0 '^Packets      none$' \
		"$bin" -q --threads $th -f tcp -r "$tmp/arp.pcap"
	# The span's packets, beside it.
	check "span-arp-count-$th" 0 '^  packets +2$' \
		"$bin" -q --threads $th -r "$tmp/arp.pcap"
	"$bin" -q --threads $th --format json -r "$tmp/arp.pcap" >"$tmp/arp.json"
	check "span-arp-json-$th" 0 "^$d:01.000000Z $d:07.250000Z $d:07.250000Z 2\$" \
		jval 'select(.type == "summary") |
		      "\(.first_packet) \(.last_packet) \(.time) \(.packets)"' \
		"$tmp/arp.json"
	"$bin" -q --threads $th --format json -r "$tmp/bad.pcap" >"$tmp/bad.json"
	check "span-bad-json-$th" 0 "^$d:02.000000Z $d:09.000000Z 2\$" \
		jval 'select(.type == "summary") |
		      "\(.first_packet) \(.last_packet) \(.packets)"' "$tmp/bad.json"
	"$bin" -q --threads $th --format json -f tcp -r "$tmp/arp.pcap" \
		>"$tmp/arpf.json"
	check "span-filtered-json-$th" 0 '^null null 0$' \
		jval 'select(.type == "summary") |
		      "\(.first_packet) \(.last_packet) \(.packets)"' "$tmp/arpf.json"
	for c in arp bad; do
		"$bin" -q --threads $th --format ecs -r "$tmp/$c.pcap" \
			>"$tmp/$c.ecs"
	done
	check "span-arp-ecs-$th" 0 "^$d:07.250000Z $d:01.000000Z $d:07.250000Z 6250000000\$" \
		jval 'select(.event.dataset == "impwatch.summary") |
		      "\(.["@timestamp"]) \(.event.start) \(.event.end) \(.event.duration)"' \
		"$tmp/arp.ecs"
	check "span-bad-ecs-$th" 0 "^$d:02.000000Z $d:09.000000Z 7000000000\$" \
		jval 'select(.event.dataset == "impwatch.summary") |
		      "\(.event.start) \(.event.end) \(.event.duration)"' \
		"$tmp/bad.ecs"
	"$bin" -q --threads $th --format ecs -f tcp -r "$tmp/arp.pcap" \
		>"$tmp/arpf.ecs"
	check "span-filtered-ecs-$th" 0 '^null null null$' \
		jval 'select(.event.dataset == "impwatch.summary") |
		      "\(.event.start) \(.event.end) \(.event.duration)"' \
		"$tmp/arpf.ecs"
	# The gate is the counts', as before: no flows, or no packets.
	check "span-arp-validate-$th" 3 '^  no-flows +no flows: none of the 2 packets read made one$' \
		"$bin" -q --threads $th --validate -r "$tmp/arp.pcap"
	check "span-bad-validate-$th" 3 '^  no-flows +no flows: none of the 2 packets read made one$' \
		"$bin" -q --threads $th --validate -r "$tmp/bad.pcap"
	check "span-filtered-validate-$th" 3 "^  no-packets +no packets: the filter 'tcp' passed none of the 2 records read\$" \
		"$bin" -q --threads $th --validate -f tcp -r "$tmp/arp.pcap"
done
expect span-arp-html "$bin" -q -o /dev/null --html "$tmp/arp.html" \
	-r "$tmp/arp.pcap"
has span-arp-html-row "$tmp/arp.html" \
	"^<tr><th>Packets</th><td>$d:01.000000Z to $d:07.250000Z \\(6\\.2 s\\)</td></tr>\$"
check cid-seed-range 2 "invalid value '65536' for --community-id-seed" "$bin" -q --community-id-seed 65536 -r pcaps/demo.pcap
# Application detection (nDPI) on the command line.
check dpi-packets-zero 2 "invalid value '0' for --dpi-packets" "$bin" --dpi-packets 0 -r pcaps/demo.pcap
check dpi-packets-big 2 "invalid value '1001' for --dpi-packets" "$bin" --dpi-packets 1001 -r pcaps/demo.pcap
check dpi-packets-one 0 '"dpi_packets":1,' "$bin" -q --format json --dpi-packets 1 -r pcaps/demo.pcap
check help-dpi 0 'no-dpi.*nDPI is not loaded' "$bin" --help
check validate-mismatch 1 '"validate":"fail"' "$bin" -q --format json --validate -r pcaps/dpi-mismatch.pcap
check validate-mismatch-text 1 'tcp/5060 +sip-proxy +SIP +SIP.HTTP +1' "$bin" -q --validate -r pcaps/dpi-mismatch.pcap
check validate-no-dpi 0 '"validate":"pass"' "$bin" -q --format json --validate --no-dpi -r pcaps/dpi-mismatch.pcap
check no-dpi-summary 0 '"dpi":null' "$bin" -q --format json --no-dpi -r pcaps/demo.pcap
check no-dpi-records 0 '^31 0$' sh -c "\"$bin\" -q --format json --no-dpi -r pcaps/demo.pcap | awk '/\"type\":\"flow\"/ { n++; if (!/\"app\":null,\"app_source\":null/) bad++ } END { print n, bad + 0 }'"
check no-dpi-text 0 'dpi +off' "$bin" -q --no-dpi -r pcaps/demo.pcap
check csv-app 0 ',sip-proxy,2,protocol-mismatch,fin,syn,,,,,SIP.HTTP,dpi,.*,SIP,,,,$' "$bin" -q --format csv -r pcaps/dpi-mismatch.pcap
check undocumented-app-text 0 'SIP on tcp/6060: 1 flow' "$bin" -q -r pcaps/demo.pcap
check undocumented-app-json 0 '"list":"undocumented_apps","entries":\[[^]]*"port":6060,"app":"SIP","app_source":"dpi","flows":1' "$bin" -q --format json -r pcaps/demo.pcap
check rules-bad-app 2 'tests/rules/bad-app.conf:2: unknown nDPI protocol .Postgres.' "$bin" rules --check tests/rules/bad-app.conf
check rules-bad-app-no-dpi 0 'bad-app.conf: 1 row, no errors' "$bin" rules --no-dpi --check tests/rules/bad-app.conf
check rules-add-bad-app 2 'tests/rules/bad-app.conf:2: ' "$bin" -q --rules-add tests/rules/bad-app.conf -r pcaps/demo.pcap
# "never seen" names each service of a table once, as the page does:
# table 29's icmp-echo is two rows (to IM and Presence, and from it).
check never-seen-once 0 '^    table 29: icmp-echo$' "$bin" -q --top 200 -r pcaps/link-ether.pcap
check never-seen-once-31 0 '^    table 31: on-a-call-presence xcp-client-access$' "$bin" -q --top 200 -r pcaps/link-ether.pcap
# A table is the guide's (2 to 34) or a site's own (0): a row of table
# 40 was reported as the guide's table 40, which does not exist.
printf '40 | site-redis | imp -> database | TCP | tcp | 6380 | ephemeral | wire | any | Site cache\n' >"$tmp/table40.conf"
printf '1 | site-redis | imp -> database | TCP | tcp | 6380 | ephemeral | wire | any | Site cache\n' >"$tmp/table1.conf"
printf '34 | site-redis | imp -> database | TCP | tcp | 6380 | ephemeral | wire | any | Site cache\n' >"$tmp/table34.conf"
check rules-table-40 2 "^$tmp/table40.conf:1: table 40 is not one of the guide's \\(2 to 34\\); a site's own row is table 0$" \
	"$bin" rules --check "$tmp/table40.conf"
check rules-table-1 2 "^$tmp/table1.conf:1: table 1 is not one of the guide's \\(2 to 34\\)" "$bin" rules --check "$tmp/table1.conf"
check rules-add-table-40 2 "^$tmp/table40.conf:1: table 40 is not one of the guide's" \
	"$bin" -q --validate --rules-add "$tmp/table40.conf" -r pcaps/real-redis-6380.pcap
check rules-table-34 0 'table34.conf: 1 row, no errors' "$bin" rules --check "$tmp/table34.conf"
# A protocol named twice in apps is a slip (SIP,SIP), as an empty item is.
printf '0 | site-sip | imp -> sip-gateway | SIP | tcp | 5062 | ephemeral | wire | SIP,TLS,sip | Site SIP\n' >"$tmp/apps-twice.conf"
check rules-apps-twice 2 "^$tmp/apps-twice.conf:1: apps names 'sip' twice$" "$bin" rules --check "$tmp/apps-twice.conf"
check rules-apps-twice-no-dpi 2 "^$tmp/apps-twice.conf:1: apps names 'sip' twice$" "$bin" rules --no-dpi --check "$tmp/apps-twice.conf"
# The same file as the catalogue and as a site's additions: every row
# would replace itself and be reported as the site's, not the guide's.
check rules-and-add-same 2 "^impwatch: tests/rules/good.conf is both --rules and --rules-add: its rows would all become the site's$" \
	"$bin" -q --rules tests/rules/good.conf --rules-add tests/rules/good.conf -r pcaps/demo.pcap
check rules-and-add-same-path 2 "^impwatch: ./tests/rules/../rules/good.conf is both --rules and --rules-add" \
	"$bin" -q --rules tests/rules/good.conf --rules-add ./tests/rules/../rules/good.conf -r pcaps/demo.pcap
check rules-and-add-listing 2 "is both --rules and --rules-add" \
	"$bin" rules --rules rules/imp.conf --rules-add rules/imp.conf

# Claims of a sender about itself (tests/gen/README.md: dir-claims.pcap).
check claim-udp-443 1 '"client_ip":"203.0.113.66","client_port":5060,"server_ip":"192.0.2.10","server_port":443,.*"verdict":"undocumented"' "$bin" -q --format json --validate -r pcaps/dir-claims.pcap
check claim-default-range 1 '"client_port":4444,"server_ip":"203.0.113.66","server_port":5222,.*"verdict":"documented"' "$bin" -q --format json --validate -r pcaps/dir-claims.pcap
check claim-narrow-range 1 '"client_port":5222,"server_ip":"192.0.2.10","server_port":4444,.*"verdict":"undocumented"' "$bin" -q --format json --validate --ephemeral-ports 32768-65535 -r pcaps/dir-claims.pcap
check ephemeral-bad-order 2 "invalid value '60000-1024' for --ephemeral-ports" "$bin" -q --ephemeral-ports 60000-1024 -r pcaps/demo.pcap
check ephemeral-bad-zero 2 "invalid value '0-1024' for --ephemeral-ports" "$bin" -q --ephemeral-ports 0-1024 -r pcaps/demo.pcap
check ephemeral-bad-text 2 "invalid value '1024' for --ephemeral-ports" "$bin" -q --ephemeral-ports 1024 -r pcaps/demo.pcap
check replies-still-documented 1 '"flows_by_verdict":\{"documented":4,"cleartext":0,"undocumented":1,' "$bin" -q --format json --validate -r pcaps/dir-replies.pcap

# Tunnels: carriers, and the endpoints a site trusts (tests/gen/README.md).
check tun-forged-plain 1 '"client_ip":"203.0.113.66","client_port":4789,"server_ip":"192.0.2.10","server_port":443,.*"verdict":"undocumented"' "$bin" -q --format json --validate -r pcaps/tun-forged.pcap
check tun-forged-no-inner 1 '"flows":2,' "$bin" -q --format json --validate -r pcaps/tun-forged.pcap
check tun-untrusted 1 '"untrusted-tunnel":4,"icmp-tunnel":0,"trusted-tunnel":0' "$bin" -q --format json --validate -r pcaps/tun-trust.pcap
check tun-trusted 0 'PASS' "$bin" -q --validate --trust-tunnel 203.0.113.1 --trust-tunnel 203.0.113.2 -r pcaps/tun-trust.pcap
check tun-trusted-net 0 '"untrusted-tunnel":0,"icmp-tunnel":0,"trusted-tunnel":4' "$bin" -q --format json --validate --trust-tunnel 203.0.113.0/30 -r pcaps/tun-trust.pcap
check tun-one-end 1 'alert .* untrusted-tunnel udp 203.0.113.66:49320 -> 203.0.113.2:4789: vxlan VNI 42 carrier' "$bin" -q --alerts --validate --trust-tunnel 203.0.113.2 -r pcaps/tun-rogue.pcap
check tun-hosts-role 0 'vxlan VNI 42: 203.0.113.1 <-> 203.0.113.2, 9 packets, 3 flows, trusted' "$bin" -q --validate --hosts tests/hosts/tunnels.hosts -r pcaps/tun-trust.pcap
check tun-erspan-trusted 0 'erspan2 session 7: 203.0.113.1 <-> 203.0.113.2, 8 packets, 0 flows, trusted' "$bin" -q --validate -r pcaps/tun-erspan.pcap
check tun-erspan-untrusted 1 '"transport":47,"client_ip":"203.0.113.1",.*"verdict":"untrusted-tunnel",.*"tunnel":"erspan2","carrier":true,"tunnel_id":7' "$bin" -q --format json --validate --trust-tunnel 2001:db8::/32 -r pcaps/tun-erspan.pcap
check trust-bad-addr 2 "invalid value '203.0.113.300' for --trust-tunnel: '203.0.113.300' is not an IPv4 or IPv6 address" "$bin" -q --trust-tunnel 203.0.113.300 -r pcaps/demo.pcap
check trust-bad-len 2 "invalid value '203.0.113.0/33' for --trust-tunnel: prefix length /33 out of range 0-32\$" "$bin" -q --trust-tunnel 203.0.113.0/33 -r pcaps/demo.pcap
check trust-bad-len-syntax 2 "invalid value '203.0.113.0/2x' for --trust-tunnel: bad prefix length '/2x' \\(0-32\\)\$" "$bin" -q --trust-tunnel 203.0.113.0/2x -r pcaps/demo.pcap
# The inventory's words: the network meant is named.
check trust-host-bits 2 "invalid value '203.0.113.1/24' for --trust-tunnel: host bits set in 203.0.113.1/24 \\(the network is 203.0.113.0/24\\)\$" "$bin" -q --trust-tunnel 203.0.113.1/24 -r pcaps/demo.pcap
check trust-host-bits-v6 2 "host bits set in 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/1 \\(the network is ::/1\\)\$" "$bin" -q --trust-tunnel 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/1 -r pcaps/demo.pcap
# A prefix length with a leading zero is refused, "/0" alone being zero:
# some tools read "024" as octal, others as 24. "/024" used to be taken
# as 24 and "/0024" refused as too long; both now say why, here, in an
# inventory and in a waiver (below).
for p in 0.0.0.0/00 192.0.2.0/024 192.0.2.0/0024 2001:db8::/0128; do
	check "trust-leading-zero-$p" 2 "^impwatch: invalid value '$p' for --trust-tunnel: prefix length '${p#*/}' has a leading zero\$" \
		"$bin" -q --trust-tunnel "$p" -r pcaps/demo.pcap
done
for p in 0.0.0.0/0 192.0.2.0/32 ::/0 2001:db8::/128; do
	check "trust-length-$p" 0 '' "$bin" -q --trust-tunnel "$p" -r pcaps/demo.pcap
done
check trust-length-33 2 'prefix length /33 out of range 0-32$' "$bin" -q --trust-tunnel 192.0.2.0/33 -r pcaps/demo.pcap
check trust-length-129 2 'prefix length /129 out of range 0-128$' "$bin" -q --trust-tunnel 2001:db8::/129 -r pcaps/demo.pcap
check trust-too-many 2 'more than 64 --trust-tunnel' sh -c "\"$bin\" -q $(i=0; while [ $i -le 64 ]; do printf -- '--trust-tunnel 10.0.0.%d ' $i; i=$((i + 1)); done) -r pcaps/demo.pcap"
# An untrusted carrier is evidence like any finding: its frames are kept.
check tun-dump 1 '' "$bin" -q --validate --trust-tunnel 203.0.113.1 --trust-tunnel 203.0.113.2 --dump-undocumented "$tmp/rogue.pcap" -r pcaps/tun-rogue.pcap
check tun-dump-content 1 '"packets":8,' "$bin" -q --format json --validate -r "$tmp/rogue.pcap"
check tun-dump-none 0 '"packets":0,' sh -c "\"$bin\" -q --trust-tunnel 203.0.113.1 --trust-tunnel 203.0.113.2 --dump-undocumented \"$tmp/none.pcap\" -r pcaps/tun-trust.pcap >/dev/null && \"$bin\" -q --format json -r \"$tmp/none.pcap\""

# Evidence: the frames of every flow that is a finding, and only those.
check dump 1 '' "$bin" -q --validate --dump-undocumented "$tmp/evidence.pcap" -r pcaps/demo.pcap
check dump-content 1 '"flows_by_verdict":\{"documented":0,"cleartext":0,"undocumented":3,"local-only":2,"protocol-mismatch":0,' \
	"$bin" -q --validate --format json -r "$tmp/evidence.pcap"
check dump-empty 0 '"flows":0,' sh -c "\"$bin\" -q --dump-undocumented \"$tmp/none.pcap\" -r pcaps/link-ether.pcap >/dev/null && \"$bin\" -q --format json -r \"$tmp/none.pcap\""
check dump-bad-path 2 'cannot write no-such-dir/x.pcap: No such file' "$bin" -q --dump-undocumented no-such-dir/x.pcap -r pcaps/demo.pcap
# Evidence that could not be written is an error naming the file, and
# the summary claims no frame it could not write.
check dump-full 2 'impwatch: cannot write /dev/full: No space left on device' \
	"$bin" -q --dump-undocumented /dev/full -r pcaps/demo.pcap
check dump-full-text 2 '^  evidence +/dev/full: not written \(No space left on device\)' \
	"$bin" -q --dump-undocumented /dev/full -r pcaps/demo.pcap
check dump-full-no-claim 0 '^0$' sh -c "\"$bin\" -q --dump-undocumented /dev/full -r pcaps/demo.pcap 2>&1 | grep -c 'frames of findings written' || :"
check dump-full-json 2 '"dumped":0,"evidence":\{"file":"/dev/full","frames":0,"skipped":0,"error":"No space left on device"\}' \
	"$bin" -q --format json --dump-undocumented /dev/full -r pcaps/demo.pcap
check dump-json 1 '"dumped":28,"evidence":\{"file":"[^"]*ev-j.pcap","frames":28,"skipped":0,"error":null\}' \
	"$bin" -q --validate --format json --dump-undocumented "$tmp/ev-j.pcap" -r pcaps/demo.pcap
# --dump-snaplen: each evidence frame cut to N bytes, its wire length kept.
check dump-snaplen 1 '' "$bin" -q --validate --dump-snaplen 64 --dump-undocumented "$tmp/ev64.pcap" -r pcaps/demo.pcap
check dump-snaplen-header 0 '^ *64$' od -An -tu4 -j16 -N4 "$tmp/ev64.pcap"
check dump-snaplen-frames 1 '"packets":28,"bytes":2616,.*"snap_truncated":[1-9]' \
	"$bin" -q --validate --format json -r "$tmp/ev64.pcap"
check dump-snaplen-bad 2 "invalid value '0' for --dump-snaplen" \
	"$bin" -q --dump-snaplen 0 --dump-undocumented "$tmp/ev0.pcap" -r pcaps/demo.pcap
check live-and-files 2 '-i and -r do not go together' "$bin" -q -i lo -r pcaps/demo.pcap
# A word after the options is a file to read; beside -i it is most
# likely a second interface without its -i. It used to be told "-i and
# -r do not go together", naming an -r nobody gave.
check live-and-operand 2 "^impwatch: unexpected argument 'eth0' with -i: files are not read live \\(another interface: -i eth0\\)\$" \
	"$bin" -q -i lo eth0
# An empty name is refused as the bad value it is, naming the option: it
# used to reach the open and say "impwatch: : No such file or directory"
# (-r '' after a whole empty report), ": cannot open" (--rules ''),
# "cannot write : ..." (-o ''). An empty BPF filter passes everything,
# as tcpdump's: it stays.
for o in -r -o -w --alert-file --html --graph --dump-undocumented --hosts \
	--waivers --rules --rules-add; do
	name=$o
	[ "$o" = -o ] && name=--output
	check "empty-name$o" 2 "^impwatch: invalid value '' for $name\$" \
		"$bin" -q $o '' -r pcaps/link-ether.pcap
done
for o in -i -Z; do
	check "empty-name$o" 2 "^impwatch: invalid value '' for $o\$" "$bin" -q $o '' -i lo
done
check empty-filter 0 '^NO FINDINGS' "$bin" -q -f '' -r pcaps/link-ether.pcap
# An input given twice would count each of its packets twice: the same
# file (by any name, standard input too) used to be read again, its
# copies taken for a SPAN that mirrors twice; the same interface was
# captured twice with no word at all. Refused before anything is read.
check input-twice 2 "^impwatch: -r pcaps/demo.pcap and -r ./pcaps/demo.pcap are the same file: its packets would count twice\$" \
	"$bin" -q -r pcaps/demo.pcap -r ./pcaps/demo.pcap
check input-twice-positional 2 'are the same file' "$bin" -q pcaps/link-ether.pcap pcaps/demo.pcap pcaps/link-ether.pcap
check input-twice-stdin 2 "^impwatch: -r - and -r - are the same file" \
	sh -c "\"$bin\" -q -r - -r - < pcaps/demo.pcap"
check input-twice-stdin-file 2 "^impwatch: -r pcaps/demo.pcap and -r - are the same file" \
	sh -c "\"$bin\" -q -r pcaps/demo.pcap -r - < pcaps/demo.pcap"
# A copy of a capture under another name (kept by a ticket, mailed
# back) is the same packets: refused as the same file is. Same size,
# other bytes: two captures, read.
cp pcaps/demo.pcap "$tmp/demo-copy.pcap"
check input-copy 2 "^impwatch: -r pcaps/demo.pcap and -r $tmp/demo-copy.pcap hold the same bytes: one capture under two names, its packets would count twice\$" \
	"$bin" -q -r pcaps/demo.pcap -r "$tmp/demo-copy.pcap"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-1] ^= 1; open(sys.argv[2], "wb").write(b)' \
	pcaps/demo.pcap "$tmp/demo-other.pcap"
check input-same-size 0 'file +[^ ]*demo-other.pcap: 176 packets' "$bin" -q -r pcaps/demo.pcap -r "$tmp/demo-other.pcap"
check iface-twice 2 "^impwatch: -i lo given twice: its frames would count twice\$" "$bin" -q -i lo -i lo --duration 1
check iface-any-and-other 2 "^impwatch: -i any captures every interface: -i lo beside it would count its frames twice\$" \
	"$bin" -q -i lo -i any --duration 1
check live-only-options 2 '^impwatch: --count goes with -i \(live capture\), not with files$' "$bin" -q --count 5 -r pcaps/demo.pcap
# Every option of the live capture is refused with files, named: --snaplen
# used to be taken silently and cut the evidence, and --buffer-size and
# --no-promisc did nothing at all.
for a in '--duration 5' '--report-every 5' '-Z nobody' '--snaplen 100' \
	'--buffer-size 1024' '--no-promisc'; do
	check "live-only${a%% *}" 2 "^impwatch: ${a%% *} goes with -i \\(live capture\\), not with files\$" \
		"$bin" -q $a -r pcaps/demo.pcap
done
check bad-snaplen 2 "invalid value '10' for --snaplen" "$bin" -q --snaplen 10 -i lo

# The site inventory.
check hosts-missing 2 'no-such.hosts: cannot open: No such file' "$bin" -q --hosts no-such.hosts -r pcaps/roles.pcap
check hosts-bad 2 'tests/hosts/bad-cidr.hosts:2: host bits set in 192.0.2.1/24 \(the network is 192.0.2.0/24\)' \
	"$bin" -q --hosts tests/hosts/bad-cidr.hosts -r pcaps/roles.pcap
# Prefix lengths in an inventory: "/0" and the longest of each family
# are taken, a leading zero or a length past them is FILE:LINE: why.
for p in 0.0.0.0/00 192.0.2.0/024 192.0.2.0/0024 2001:db8::/0128; do
	printf 'imp 192.0.2.10\ncucm %s\n' "$p" >"$tmp/zero.hosts"
	check "hosts-leading-zero-$p" 2 "^$tmp/zero.hosts:2: prefix length '${p#*/}' has a leading zero\$" \
		"$bin" -q --hosts "$tmp/zero.hosts" -r pcaps/roles.pcap
done
for p in 192.0.2.0/33 2001:db8::/129; do
	printf 'imp 192.0.2.10\ncucm %s\n' "$p" >"$tmp/range.hosts"
	check "hosts-length-${p#*/}" 2 "^$tmp/range.hosts:2: prefix length /${p#*/} out of range 0-(32|128)\$" \
		"$bin" -q --hosts "$tmp/range.hosts" -r pcaps/roles.pcap
done
printf 'imp 192.0.2.10/32\ncucm 0.0.0.0/0\nbrowser ::/0\ncucm 2001:db8::1/128\n' >"$tmp/lengths.hosts"
check hosts-lengths 0 '' "$bin" -q --hosts "$tmp/lengths.hosts" -r pcaps/roles.pcap
check hosts-violations 1 '"role-violation":9' "$bin" -q --format json --validate --hosts tests/hosts/site.hosts -r pcaps/roles.pcap
check roles-command 0 '^imp-publisher +no +IM and Presence publisher +30,31,32,33,34$' "$bin" roles
check health-inconclusive 3 'INCONCLUSIVE' "$bin" -q --validate -r pcaps/health-half-duplex.pcap
check health-findings-still-listed 3 '"undocumented":4,"local-only"' "$bin" -q --format json --validate -r pcaps/health-duplicates.pcap --rules tests/rules/good.conf
check health-drops-help 0 '--health-drops PCT' "$bin" --help
check health-drops-bad 2 "invalid value '101' for --health-drops" "$bin" -q --health-drops 101 -r pcaps/demo.pcap
check health-drops-text 2 "invalid value '1%' for --health-drops" "$bin" -q --health-drops 1% -r pcaps/demo.pcap
# A fourth decimal is refused, and the message says how many are taken
# (it said "(0-100, such as 0.1)", as if 0.1234 were written wrong).
check health-drops-decimals 2 "invalid value '0.1234' for --health-drops \(0-100, at most 3 decimals: 0\.1, 0\.125\)" \
	"$bin" -q --health-drops 0.1234 -r pcaps/demo.pcap
check health-drops-3-decimals 0 '"drops_threshold_pct":0.125,' "$bin" -q --format json --health-drops 0.125 -r pcaps/demo.pcap
check health-drops-json 0 '"duplicate_threshold_pct":10,"drops_threshold_pct":0.5,' "$bin" -q --format json --health-drops 0.5 -r pcaps/demo.pcap
check health-drops-default 0 '"drops_threshold_pct":0,' "$bin" -q --format json -r pcaps/demo.pcap

# A pcapng file records its own losses: an Interface Statistics Block
# (type 5) per interface, its counters cumulative since the capture
# began (isb_ifdrop, code 5; isb_osdrop, code 7), and an Enhanced Packet
# Block's epb_dropcount (code 4: lost since the packet before).
# libpcap reads them and hands none over: impwatch read none, and
# --validate passed a file that said it had lost 900 of 1000 packets.
# Each file: 100 UDP datagrams 198.51.100.7:40000 -> 192.0.2.10:5060
# (SIP, documented), one a second.
python3 - "$tmp" <<'PY'
import struct, sys
d = sys.argv[1]
T0 = 1767225600
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def frame(i):
    body = b"OPTIONS sip:x SIP/"
    udp = struct.pack("!HHHH", 40000, 5060, 8 + len(body), 0) + body
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64,
                    17, 0, bytes([198, 51, 100, 7]), bytes([192, 0, 2, 10]))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return (b"\0\0\x5e\0\x53\x10\0\0\x5e\0\x53\x01\x08\x00" + h + udp)
def pad(b):
    return b + b"\0" * (-len(b) % 4)
class W:
    def __init__(s, e):
        s.e = e
        s.out = b""
    def block(s, t, body):
        n = 12 + len(body)
        s.out += struct.pack(s.e + "II", t, n) + body + struct.pack(s.e + "I", n)
    def shb(s):
        s.block(0x0A0D0D0A, struct.pack(s.e + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    def idb(s):
        s.block(1, struct.pack(s.e + "HHI", 1, 0, 65535))
    def opt(s, code, val):
        return struct.pack(s.e + "HH", code, len(val)) + pad(val)
    def u64(s, v):
        return struct.pack(s.e + "Q", v)
    def epb(s, i, opts=b"", iface=0):
        f = frame(i)
        us = (T0 + i) * 1000000
        s.block(6, struct.pack(s.e + "IIIII", iface, us >> 32, us & 0xffffffff,
                               len(f), len(f)) + pad(f) + opts)
    # The obsolete Packet Block (type 2, draft-ietf-opsawg-pcapng
    # Appendix A): a 16-bit interface, and drops_count, lost since the
    # packet before (0xffff: not known).
    def pb(s, i, drops):
        f = frame(i)
        us = (T0 + i) * 1000000
        s.block(2, struct.pack(s.e + "HHIIII", 0, drops, us >> 32,
                               us & 0xffffffff, len(f), len(f)) + pad(f))
    def isb(s, opts, iface=0):
        s.block(5, struct.pack(s.e + "III", iface, 0, 0) + opts)
    def isb_counts(s, recv, ifdrop, osdrop=None, iface=0):
        o = s.opt(4, s.u64(recv)) + s.opt(5, s.u64(ifdrop))
        if osdrop is not None:
            o += s.opt(7, s.u64(osdrop))
        s.isb(o + s.opt(0, b""), iface)
    def save(s, name):
        open(d + "/" + name, "wb").write(s.out)
def capture(name, e="<", mid=None, end=None, dropcount=None, raw_isb=None):
    w = W(e)
    w.shb()
    w.idb()
    for i in range(100):
        if i == 50 and mid is not None:
            w.isb_counts(*mid)
        opts = b""
        if dropcount and i in dropcount:
            opts = w.opt(4, w.u64(dropcount[i])) + w.opt(0, b"")
        w.epb(i, opts)
    if end is not None:
        w.isb_counts(*end)
    if raw_isb is not None:
        for body in raw_isb(w):
            w.block(5, body)
    w.save(name)
capture("lost900.pcapng", end=(1000, 900))
capture("lost900-be.pcapng", e=">", end=(1000, 900))
capture("lost-none.pcapng", end=(100, 0, 0))
capture("lost-os.pcapng", end=(100, 0, 7))
capture("lost-latest.pcapng", mid=(50, 50), end=(160, 60))
capture("lost-between.pcapng", dropcount={10: 3, 70: 4})
capture("lost-between-zero.pcapng", dropcount={10: 0})
capture("plain.pcapng")
# Malformed ISBs: an isb_ifdrop whose length runs past the block's end,
# one of 4 bytes where the value is 8, an option header cut after its
# code, a block too short for its interface and time stamp.
def bad(w):
    e = w.e
    yield struct.pack(e + "III", 0, 0, 0) + struct.pack(e + "HH", 5, 64) + w.u64(900)
    yield struct.pack(e + "III", 0, 0, 0) + struct.pack(e + "HH", 5, 4) + struct.pack(e + "I", 900)
    yield struct.pack(e + "III", 0, 0, 0) + struct.pack(e + "HH", 7, 8) + w.u64(0) + struct.pack(e + "H", 5) + b"\0\0"
    yield struct.pack(e + "I", 0)
capture("lost-malformed.pcapng", raw_isb=bad)
def packet_blocks(name, drops):
    w = W("<")
    w.shb()
    w.idb()
    for i in range(100):
        w.pb(i, drops.get(i, 0))
    w.save(name)
packet_blocks("lost-pb.pcapng", {10: 3, 70: 4})
packet_blocks("lost-pb-unknown.pcapng", {10: 0xffff})
# A count of all ones is "not known": dumpcap's value for the counters
# it could not ask pcap_stats for, and Wireshark's for a count absent.
ALL = (1 << 64) - 1
capture("lost-unknown.pcapng", end=(ALL, ALL))
capture("lost-unknown-os.pcapng", end=(100, 0, ALL))
capture("lost-unknown-between.pcapng", dropcount={10: ALL, 70: 4})
PY
# The sentence names the file and says what it recorded; the gate is
# inconclusive for drops, and only for them.
check file-drops-validate 3 "^  drops +the capture file $tmp/lost900\\.pcapng recorded 900 packets dropped \\(900 by the interface, 0 by the OS, 0 between packets\\), over 0% of 1000: the capture that wrote it could not keep up\$" \
	"$bin" -q --validate -r "$tmp/lost900.pcapng"
check file-drops-lead 3 '^Validate: INCONCLUSIVE: capture health is poor \(exit 3\)' \
	"$bin" -q --validate -r "$tmp/lost900.pcapng"
check file-drops-text-capture 3 '^    dropped       900 recorded by the file: 900 by the interface, 0 by the OS, 0 between packets$' \
	"$bin" -q --validate -r "$tmp/lost900.pcapng"
check file-drops-text-health 3 '^  dropped             900 recorded by the capture file \(threshold 0%\)$' \
	"$bin" -q --validate -r "$tmp/lost900.pcapng"
"$bin" -q --validate --format json -r "$tmp/lost900.pcapng" >"$tmp/lost900.json"
check file-drops-json 0 '^900 900 0 0 1 0 \["drops"\] inconclusive$' \
	jval 'select(.type == "summary") | (.files[0].recorded_drops |
	      "\(.dropped) \(.ifdrop) \(.osdrop) \(.between_packets) \(.statistics_blocks) \(.malformed)")
	      + " \([.inconclusive[].reason]) \(.validate)"' "$tmp/lost900.json"
"$bin" -q --validate --format ecs -r "$tmp/lost900.pcapng" >"$tmp/lost900.ecs"
check file-drops-ecs 0 '^900 900 0$' \
	jval 'select(.event.dataset == "impwatch.file") | .impwatch.recorded_drops |
	      "\(.dropped) \(.ifdrop) \(.osdrop)"' "$tmp/lost900.ecs"
check file-drops-ecs-reason 0 '^\["drops"\]$' \
	jval 'select(.event.dataset == "impwatch.summary") | .impwatch.inconclusive' \
	"$tmp/lost900.ecs"
"$bin" -q --validate --html "$tmp/lost900.html" -o /dev/null -r "$tmp/lost900.pcapng"
has file-drops-html-input "$tmp/lost900.html" 'lost900\.pcapng: 100 packets, [^,]*, complete, 900 dropped, as the file records'
has file-drops-html-health "$tmp/lost900.html" '<tr><th>Dropped</th><td>900 recorded by the capture file \(threshold 0%\)</td></tr>'
# The other byte order says the same.
check file-drops-big-endian 3 'lost900-be\.pcapng recorded 900 packets dropped \(900 by the interface' \
	"$bin" -q --validate -r "$tmp/lost900-be.pcapng"
# A capture that lost nothing passes, and says it lost nothing.
check file-drops-none 0 '^Validate: PASS' "$bin" -q --validate -r "$tmp/lost-none.pcapng"
check file-drops-none-said 0 '^    dropped       0 recorded by the file: 0 by the interface, 0 by the OS, 0 between packets$' \
	"$bin" -q --validate -r "$tmp/lost-none.pcapng"
check file-drops-plain 0 '^Validate: PASS' "$bin" -q --validate -r "$tmp/plain.pcapng"
check file-drops-os 3 'recorded 7 packets dropped \(0 by the interface, 7 by the OS, 0 between packets\), over 0% of 107:' \
	"$bin" -q --validate -r "$tmp/lost-os.pcapng"
# Cumulative counters: the latest block counts, not the sum of both.
"$bin" -q --format json -r "$tmp/lost-latest.pcapng" >"$tmp/latest.json"
check file-drops-latest 0 '^60 60 2$' \
	jval 'select(.type == "summary") | .files[0].recorded_drops |
	      "\(.dropped) \(.ifdrop) \(.statistics_blocks)"' "$tmp/latest.json"
check file-drops-between 3 'recorded 7 packets dropped \(0 by the interface, 0 by the OS, 7 between packets\), over 0% of 107:' \
	"$bin" -q --validate -r "$tmp/lost-between.pcapng"
check file-drops-between-zero 0 '^Validate: PASS' \
	"$bin" -q --validate -r "$tmp/lost-between-zero.pcapng"
# Bad options are counted and ignored: no crash, no count made up.
"$bin" -q --validate --format json -r "$tmp/lost-malformed.pcapng" >"$tmp/malformed.json"
check file-drops-malformed 0 '^0 0 0 4 4 pass$' \
	jval 'select(.type == "summary") | (.files[0].recorded_drops |
	      "\(.dropped) \(.ifdrop) \(.osdrop) \(.statistics_blocks) \(.malformed)")
	      + " \(.validate)"' "$tmp/malformed.json"
# --health-drops: a site that accepts 95% loss passes the same file;
# --help says the threshold is a file's too.
check file-drops-help 0 'file says it did \(over its packets and those\)$' "$bin" --help
check file-drops-threshold 0 '^Validate: PASS' \
	"$bin" -q --validate --health-drops 95 -r "$tmp/lost900.pcapng"
check file-drops-threshold-edge 0 '^Validate: PASS' \
	"$bin" -q --validate --health-drops 90 -r "$tmp/lost900.pcapng"
check file-drops-threshold-under 3 'over 89\.9% of 1000' \
	"$bin" -q --validate --health-drops 89.9 -r "$tmp/lost900.pcapng"
# Standard input redirected from the file is a file on disk; a pipe
# and a FIFO are read once, and what the file says is read as libpcap
# reads it: the gate passed a piped capture that said it lost 900.
check file-drops-stdin 3 'the capture file - recorded 900 packets dropped' \
	sh -c "\"$bin\" -q --validate -r - < \"$tmp/lost900.pcapng\""
check file-drops-pipe 3 '^  drops +the capture file - recorded 900 packets dropped \(900 by the interface, 0 by the OS, 0 between packets\), over 0% of 1000:' \
	sh -c "cat \"$tmp/lost900.pcapng\" | \"$bin\" -q --validate -r -"
check file-drops-pipe-be 3 'the capture file - recorded 900 packets dropped' \
	sh -c "cat \"$tmp/lost900-be.pcapng\" | \"$bin\" -q --validate -r -"
check file-drops-pipe-between 3 'recorded 7 packets dropped \(0 by the interface, 0 by the OS, 7 between packets\)' \
	sh -c "cat \"$tmp/lost-between.pcapng\" | \"$bin\" -q --validate -r -"
check file-drops-pipe-none 0 '^    dropped       0 recorded by the file: 0 by the interface, 0 by the OS, 0 between packets$' \
	sh -c "cat \"$tmp/lost-none.pcapng\" | \"$bin\" -q --validate -r -"
sh -c "cat \"$tmp/lost900.pcapng\" | \"$bin\" -q --format json -r -" \
	>"$tmp/pipe-drops.json"
check file-drops-pipe-json 0 '^900 1$' \
	jval 'select(.type == "summary") | .files[0].recorded_drops |
	      "\(.dropped) \(.statistics_blocks)"' "$tmp/pipe-drops.json"
mkfifo "$tmp/drops.fifo"
cat "$tmp/lost900.pcapng" >"$tmp/drops.fifo" &
check file-drops-fifo 3 'drops\.fifo recorded 900 packets dropped' \
	"$bin" -q --validate -r "$tmp/drops.fifo"
wait
# The obsolete Packet Block's drops_count counts as epb_dropcount does;
# 0xffff is "not known", no loss.
check file-drops-packet-block 3 'recorded 7 packets dropped \(0 by the interface, 0 by the OS, 7 between packets\)' \
	"$bin" -q --validate -r "$tmp/lost-pb.pcapng"
check file-drops-packet-block-pipe 3 'recorded 7 packets dropped' \
	sh -c "cat \"$tmp/lost-pb.pcapng\" | \"$bin\" -q --validate -r -"
check file-drops-packet-block-unknown 0 '^Validate: PASS' \
	"$bin" -q --validate -r "$tmp/lost-pb-unknown.pcapng"
# A count of all ones says the losses are not known: never a number of
# 18446744073709551615 packets; inconclusive all the same, as no loss
# can be judged under the threshold (but at 100%, where any is).
check file-drops-unknown 3 "^  drops +the capture file $tmp/lost-unknown\\.pcapng says its losses are not known \\(not known by the interface, 0 by the OS, 0 between packets\\): the capture that wrote it could not count them\$" \
	"$bin" -q --validate -r "$tmp/lost-unknown.pcapng"
check file-drops-unknown-text 3 '^    dropped       not known, as the file records: not known by the interface, 0 by the OS, 0 between packets$' \
	"$bin" -q --validate -r "$tmp/lost-unknown.pcapng"
check file-drops-unknown-health 3 '^  dropped             not known, as recorded by the capture file \(threshold 0%\)$' \
	"$bin" -q --validate -r "$tmp/lost-unknown.pcapng"
"$bin" -q --validate -r "$tmp/lost-unknown.pcapng" >"$tmp/unknown.txt"
hasnt file-drops-unknown-no-number "$tmp/unknown.txt" 18446744073709551615
"$bin" -q --validate --format json -r "$tmp/lost-unknown.pcapng" >"$tmp/unknown.json"
hasnt file-drops-unknown-json-no-number "$tmp/unknown.json" 18446744073709551615
check file-drops-unknown-json 0 '^null null 0 0 1 \["drops"\] inconclusive$' \
	jval 'select(.type == "summary") | (.files[0].recorded_drops |
	      "\(.dropped) \(.ifdrop) \(.osdrop) \(.between_packets) \(.statistics_blocks)")
	      + " \([.inconclusive[].reason]) \(.validate)"' "$tmp/unknown.json"
"$bin" -q --validate --format ecs -r "$tmp/lost-unknown.pcapng" >"$tmp/unknown.ecs"
check file-drops-unknown-ecs 0 '^false false 0$' \
	jval 'select(.event.dataset == "impwatch.file") | .impwatch.recorded_drops |
	      "\(has("dropped")) \(has("ifdrop")) \(.osdrop)"' "$tmp/unknown.ecs"
hasnt file-drops-unknown-ecs-no-number "$tmp/unknown.ecs" 18446744073709551615
check file-drops-unknown-ecs-schema 0 '' /usr/bin/python3 \
	tests/records/ecs_check.py tests/records/ecs_schema.json "$tmp/unknown.ecs"
"$bin" -q --validate --html "$tmp/unknown.html" -o /dev/null -r "$tmp/lost-unknown.pcapng"
has file-drops-unknown-html-input "$tmp/unknown.html" 'lost-unknown\.pcapng: 100 packets, [^,]*, complete, losses not known, as the file records'
has file-drops-unknown-html-health "$tmp/unknown.html" '<tr><th>Dropped</th><td>not known, as recorded by the capture file \(threshold 0%\)</td></tr>'
check file-drops-unknown-os 3 'says its losses are not known \(0 by the interface, not known by the OS, 0 between packets\)' \
	"$bin" -q --validate -r "$tmp/lost-unknown-os.pcapng"
check file-drops-unknown-between 3 'says its losses are not known \(0 by the interface, 0 by the OS, not known between packets\)' \
	"$bin" -q --validate -r "$tmp/lost-unknown-between.pcapng"
check file-drops-unknown-pipe 3 'the capture file - says its losses are not known \(0 by the interface, 0 by the OS, not known between packets\)' \
	sh -c "cat \"$tmp/lost-unknown-between.pcapng\" | \"$bin\" -q --validate -r -"
check file-drops-unknown-threshold 3 'says its losses are not known' \
	"$bin" -q --validate --health-drops 99.999 -r "$tmp/lost-unknown.pcapng"
check file-drops-unknown-any 0 '^Validate: PASS' \
	"$bin" -q --validate --health-drops 100 -r "$tmp/lost-unknown.pcapng"

# A gate that saw nothing passes nothing: an empty capture, or one the
# filter empties, is inconclusive under --validate (and still exit 0
# without it: empty-pcap above).
check empty-validate 3 'Validate: INCONCLUSIVE: no packets \(exit 3\)' "$bin" -q --validate -r "$tmp/empty.pcap"
check empty-validate-why 3 '^  no-packets +no packets: the capture holds none$' "$bin" -q --validate -r "$tmp/empty.pcap"
check empty-validate-json 3 '"inconclusive":\[\{"reason":"no-packets","why":"no packets: the capture holds none"\}\],"validate":"inconclusive","exit_status":3\}' \
	"$bin" -q --validate --format json -r "$tmp/empty.pcap"
check filtered-validate 3 "no packets: the filter 'port 1' passed none of the 176 records read" \
	"$bin" -q --validate -f 'port 1' -r pcaps/demo.pcap
check no-reasons-json 1 '"inconclusive":\[\],"validate":"fail","exit_status":1\}' "$bin" -q --validate --format json -r pcaps/demo.pcap

# The report's option is -o (--output); -w stays its synonym, but a name
# that looks like a capture is refused: tcpdump's -w writes packets.
check output-short 0 '' "$bin" -q --format json -o "$tmp/o.json" -r pcaps/demo.pcap
check output-short-content 0 '"flows":31,' cat "$tmp/o.json"
check output-long 0 '' "$bin" -q --format json --output "$tmp/o2.json" -r pcaps/demo.pcap
check output-long-content 0 '"flows":31,' cat "$tmp/o2.json"
for ext in pcap pcapng cap PCAP; do
	check "w-refuses-$ext" 2 "-w writes the report, not packets: .*x\\.$ext.*--dump-undocumented" \
		"$bin" -q -w "$tmp/x.$ext" -r pcaps/demo.pcap
	check "w-refuses-$ext-no-file" 0 '' test ! -e "$tmp/x.$ext"
done
check o-takes-pcap-name 0 '' "$bin" -q -o "$tmp/report.pcap.txt" -r pcaps/demo.pcap
# Standard output a non-blocking pipe (a parent left O_NONBLOCK on it, as
# some runtimes do), its reader a second late and the pipe a page: each
# write that found it full failed with EAGAIN, and the report ended at
# 4096 bytes, exit 2 'Resource temporarily unavailable'. It waits now.
cat >"$tmp/nb.py" <<'PY'
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)          # F_SETPIPE_SZ: one page
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
time.sleep(1)
data = b""
while True:
    b = os.read(r, 65536)
    if not b:
        break
    data += b
sys.stdout.write("exit %d, %d summary\n" % (p.wait(), data.count(b'"type":"summary"')))
PY
check stdout-nonblocking 0 '^exit 0, 1 summary$' timeout 20 python3 "$tmp/nb.py" \
	"$bin" -q --format json -r pcaps/demo.pcap
# -o empties its file when the run starts; --append keeps what it holds
# (a service restarted, its unit's -o a day of records that logrotate
# has not rotated yet, lost them all at each restart): each run's
# records after the last one's, and its summary.
check append-first 0 '' "$bin" -q --format json --append -o "$tmp/ap.json" -r pcaps/demo.pcap
check append-second 0 '' "$bin" -q --format json --append -o "$tmp/ap.json" -r pcaps/demo.pcap
[ "$(grep -c '"type":"summary"' "$tmp/ap.json")" -eq 2 ] && [ "$(grep -c '"type":"flow"' "$tmp/ap.json")" -eq 62 ] && ok ||
	failed append-both "the file holds $(grep -c '"type":"summary"' "$tmp/ap.json") summaries, want both runs' records"
check append-new-mode 0 '^-rw-r-----' ls -l "$tmp/ap.json"
check no-append-empties 0 '' "$bin" -q --format json -o "$tmp/ap.json" -r pcaps/demo.pcap
check no-append-one 0 '^1$' grep -c '"type":"summary"' "$tmp/ap.json"
check append-needs-o 2 '^impwatch: --append goes with -o FILE' "$bin" -q --append -r pcaps/demo.pcap
# '-' is standard output for the report, as '-r -' is standard input
# and '--alert-file -' standard error: never a file named '-' left in
# the folder. The other outputs take a file name.
mkdir "$tmp/dash"
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
for opt in -o -w; do
	check "report-dash$opt" 0 '"flows":31,' sh -c 'cd "$1" && exec "$2" -q --format json '"$opt"' - -r "$3"' \
		sh "$tmp/dash" "$abs_bin" "$PWD/pcaps/demo.pcap"
	check "report-dash$opt-no-file" 0 '' test ! -e "$tmp/dash/-"
	rm -f "$tmp/dash/-"
done
for opt in --dump-undocumented --html --graph; do
	check "dash$opt" 2 "^impwatch: $opt takes a file name, not '-' \\(standard output is the report's\\)\$" \
		sh -c 'cd "$1" && exec "$2" -q '"$opt"' - -r "$3"' sh "$tmp/dash" "$abs_bin" "$PWD/pcaps/demo.pcap"
	check "dash$opt-no-file" 0 '' test ! -e "$tmp/dash/-"
	rm -f "$tmp/dash/-"
done
# An output that is an input (the same file, by any name) is refused
# before it is opened: the capture is left as it was.
cp pcaps/demo.pcap "$tmp/in.pcap"
ln "$tmp/in.pcap" "$tmp/in-link.pcap"
check output-is-input 2 "cannot write the report to $tmp/in.pcap: it is an input" \
	"$bin" -q -o "$tmp/in.pcap" -r "$tmp/in.pcap"
check output-is-input-link 2 "in-link.pcap: it is an input \\($tmp/in.pcap\\)" \
	"$bin" -q -o "$tmp/in-link.pcap" -r pcaps/link-ether.pcap -r "$tmp/in.pcap"
check output-is-stdin 2 'it is an input \(standard input\)' \
	sh -c "\"$bin\" -q -o \"$tmp/in.pcap\" -r - < \"$tmp/in.pcap\""
check dump-is-input 2 "cannot write the evidence to $tmp/in.pcap: it is an input" \
	"$bin" -q --dump-undocumented "$tmp/in.pcap" -r "$tmp/in.pcap"
# The alert file is appended to: an input would be spoilt all the same.
check alert-file-is-input 2 "cannot write the alerts to $tmp/in-link.pcap: it is an input \\($tmp/in.pcap\\)" \
	"$bin" -q --alert-file "$tmp/in-link.pcap" -r "$tmp/in.pcap"
check output-is-input-untouched 0 '' cmp "$tmp/in.pcap" pcaps/demo.pcap
# The run's other inputs are inputs too: the catalogue, the site's rows,
# the inventory, the waivers. Each is refused as an output, by any name,
# and left as it was.
cp tests/rules/good.conf "$tmp/rules.conf"
cp tests/rules/site-postgresql.conf "$tmp/add.conf"
cp tests/hosts/site.hosts "$tmp/site.hosts"
ln "$tmp/site.hosts" "$tmp/site-link.hosts"
cp tests/waivers/board.waivers "$tmp/board.waivers"
check rules-is-output 2 "cannot write the report to $tmp/rules.conf: it is an input \\($tmp/rules.conf\\)" \
	"$bin" -q --rules "$tmp/rules.conf" -o "$tmp/rules.conf" -r pcaps/demo.pcap
check rules-add-is-output 2 "cannot write the HTML report to $tmp/add.conf: it is an input" \
	"$bin" -q --rules-add "$tmp/add.conf" --html "$tmp/add.conf" -r pcaps/demo.pcap
check hosts-is-output 2 "cannot write the graph to $tmp/site-link.hosts: it is an input \\($tmp/site.hosts\\)" \
	"$bin" -q --hosts "$tmp/site.hosts" --graph "$tmp/site-link.hosts" -r pcaps/demo.pcap
check waivers-is-output 2 "cannot write the alerts to $tmp/board.waivers: it is an input" \
	"$bin" -q --waivers "$tmp/board.waivers" --alert-file "$tmp/board.waivers" -r pcaps/demo.pcap
check waivers-is-evidence 2 "cannot write the evidence to $tmp/board.waivers: it is an input" \
	"$bin" -q --waivers "$tmp/board.waivers" --dump-undocumented "$tmp/board.waivers" -r pcaps/demo.pcap
check site-inputs-untouched 0 '' sh -c "cmp \"$tmp/rules.conf\" tests/rules/good.conf &&
	cmp \"$tmp/add.conf\" tests/rules/site-postgresql.conf &&
	cmp \"$tmp/site.hosts\" tests/hosts/site.hosts &&
	cmp \"$tmp/board.waivers\" tests/waivers/board.waivers"
check output-is-dump 2 'the report and the evidence are the same file' \
	"$bin" -q -o "$tmp/both" --dump-undocumented "$tmp/both" -r pcaps/demo.pcap
# Two outputs in one file: by name, by another name of it, and through
# standard output.
check alert-file-is-dump 2 'the evidence and the alerts are the same file' \
	"$bin" -q --alert-file "$tmp/both" --dump-undocumented "$tmp/both" -r pcaps/demo.pcap
: >"$tmp/rep.txt"
ln "$tmp/rep.txt" "$tmp/rep-link.txt"
check alert-file-is-report-link 2 'the report and the alerts are the same file' \
	"$bin" -q -o "$tmp/rep.txt" --alert-file "$tmp/rep-link.txt" -r pcaps/demo.pcap
check alert-file-is-stdout 2 'the report and the alerts are the same file' \
	sh -c "\"$bin\" -q --alert-file \"$tmp/rep.txt\" -r pcaps/demo.pcap >\"$tmp/rep.txt\""
# A FIFO given as two outputs, by any name, is refused as a file is, and
# before either is opened: an open for writing waits for a reader, and
# two writers would interleave their records. Under timeout's SIGKILL,
# a hang guard: a run that waited in that open would never end.
mkfifo "$tmp/o.fifo"
ln -s o.fifo "$tmp/o-link.fifo"
# fifo_twice NAME WHAT OPTIONS...: impwatch OPTIONS refuses WHAT.
fifo_twice() {
	_f_name=$1 _f_what=$2
	shift 2
	check "$_f_name" 2 "^impwatch: .*: $_f_what are the same file\$" \
		timeout -s KILL 10 "$bin" -q "$@" -r pcaps/demo.pcap
}
fifo_twice fifo-twice 'the report and the alerts' \
	-o "$tmp/o.fifo" --alert-file "$tmp/o.fifo"
fifo_twice fifo-twice-dot 'the report and the HTML report' \
	-o "$tmp/o.fifo" --html "$tmp/./o.fifo"
fifo_twice fifo-twice-link 'the report and the evidence' \
	--dump-undocumented "$tmp/o.fifo" -o "$tmp/o-link.fifo"
fifo_twice fifo-twice-link-graph 'the alerts and the graph' \
	--alert-file "$tmp/o-link.fifo" --graph "$tmp/o.fifo"
# Standard output sent to the FIFO (whose reader is there), and an
# output file that is that FIFO too.
check fifo-twice-stdout 2 'the report and the alerts are the same file' \
	timeout -s KILL 10 sh -c 'cat "$1" >/dev/null & exec "$2" -q --alert-file "$3" -r pcaps/demo.pcap >"$1"' \
	sh "$tmp/o.fifo" "$bin" "$tmp/o-link.fifo"
# One output on a FIFO is what it is for: its reader gets the report.
check fifo-once 0 '' timeout -s KILL 10 sh -c 'cat "$1" >"$2" & "$3" -q --format json -o "$1" -r pcaps/demo.pcap; s=$?; wait; exit $s' \
	sh "$tmp/o.fifo" "$tmp/fifo.json" "$bin"
count fifo-once-report "$tmp/fifo.json" '"type":"summary"' 1
# SIGHUP reopens the report by name. A FIFO that no one reads then
# (its reader went, as a log shipper restarting does) is not waited
# for: the report goes on into the FIFO already open, said on standard
# error, and the capture goes on. The reopen waited for a reader, and
# no packet was read meanwhile (live, the kernel's ring dropped them).
python3 - pcaps/demo.pcap "$tmp/hup" <<'EOF_PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
recs, off = [], 24
while off < len(d):
    n = struct.unpack("<I", d[off + 8:off + 12])[0]
    recs.append(d[off:off + 16 + n])
    off += 16 + n
for i, part in enumerate((d[:24] + recs[0], recs[1], b"".join(recs[2:]))):
    open("%s.%d" % (sys.argv[2], i + 1), "wb").write(part)
EOF_PY
rm -f "$tmp/hup.fifo" "$tmp/hup-in.fifo" "$tmp/hup-1.json" "$tmp/hup-2.json"
mkfifo "$tmp/hup.fifo" "$tmp/hup-in.fifo"
cat "$tmp/hup.fifo" >"$tmp/hup-1.json" &
hup_r1=$!
"$bin" -q --format json -o "$tmp/hup.fifo" -r "$tmp/hup-in.fifo" \
	>"$tmp/hup.stdout" 2>"$tmp/hup.err" &
hup_pid=$!
exec 7>"$tmp/hup-in.fifo"
cat "$tmp/hup.1" >&7
# Reading: the report and the input open (its first packet is read).
hup_i=0
while [ $hup_i -lt 100 ] && ! ls -l /proc/$hup_pid/fd 2>/dev/null | grep -q 'hup-in\.fifo'; do
	sleep 0.1
	hup_i=$((hup_i + 1))
done
kill $hup_r1
wait $hup_r1 2>/dev/null
kill -HUP $hup_pid
# The next packet takes the SIGHUP.
cat "$tmp/hup.2" >&7
if wait_for "$tmp/hup.err" "^impwatch: cannot reopen .*/hup\\.fifo: no one reads it; writing on to the file already open\$" 10; then
	ok
else
	bad fifo-hup-no-reader "the reopen waited for a reader"
fi
# A reader again: the rest of the capture, and all of the report.
cat "$tmp/hup.fifo" >"$tmp/hup-2.json" 7>&- &
hup_r2=$!
cat "$tmp/hup.3" >&7
exec 7>&-
wait $hup_pid
assert "fifo-hup-exit ($?)" $? -eq 0
wait $hup_r2
check fifo-hup-all 0 '^176$' jq -r 'select(.type == "summary") | .packets' "$tmp/hup-2.json"
# An output that is the FIFO an input is read from: refused before
# anything opens (by stat(), which waits for no reader or writer), as a
# regular file is. It was let through: the run waited on itself, killed
# after 10 s.
# fifo_input NAME WHAT OPTIONS...: OPTIONS name the FIFO as input and
# as WHAT; refused.
fifo_input() {
	_f_name=$1 _f_what=$2
	shift 2
	check "$_f_name" 2 "^impwatch: cannot write $_f_what to .*: it is an input \\(.*o.fifo\\)\$" \
		timeout -s KILL 10 "$bin" -q "$@"
}
fifo_input fifo-input-w 'the report' -r "$tmp/o.fifo" -w "$tmp/o.fifo"
fifo_input fifo-input-o-link 'the report' -o "$tmp/o-link.fifo" -r "$tmp/o.fifo"
fifo_input fifo-input-alerts 'the alerts' -r "$tmp/o.fifo" --alert-file "$tmp/o.fifo"
fifo_input fifo-input-html 'the HTML report' -r pcaps/demo.pcap -r "$tmp/o.fifo" --html "$tmp/./o.fifo"
fifo_input fifo-input-graph 'the graph' -r "$tmp/o.fifo" --graph "$tmp/o-link.fifo"
fifo_input fifo-input-dump 'the evidence' -r "$tmp/o.fifo" --dump-undocumented "$tmp/o.fifo"
check fifo-input-stdin 2 "^impwatch: cannot write the report to .*o.fifo: it is an input \\(standard input\\)\$" \
	timeout -s KILL 10 sh -c 'exec 3<>"$1"; exec "$2" -q -o "$1" -r - <&3' sh "$tmp/o.fifo" "$bin"

# SIGTERM ends a run waiting in the open of an output FIFO that no
# program reads: said, exit 3 as an interrupted run, nothing written to
# the outputs opened before it. The handlers restarted that open: the
# run waited for a reader until killed.
# fifo_term NAME OPTIONS...: impwatch OPTIONS in the background, its
# output in $tmp/term.out; once it catches SIGTERM (/proc's SigCgt) and,
# where /proc shows it, waits for a reader, SIGTERM. Its end is awaited
# at most 10 s, a hang guard: then it is killed and the case failed.
# caught_term PID: PID has its handler for SIGTERM (bit 15 of SigCgt).
caught_term() {
	_c=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$_c" ] && [ $((0x$_c & 16384)) -ne 0 ]
}
fifo_term() {
	_f_name=$1
	shift
	"$bin" -q "$@" >"$tmp/term.out" 2>&1 &
	_f_pid=$!
	_i=0
	while [ $_i -lt 100 ] && ! caught_term $_f_pid; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_i=0
	while [ $_i -lt 100 ] &&
		! grep -q partner "/proc/$_f_pid/wchan" 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -TERM $_f_pid
	_i=0
	while [ $_i -lt 100 ] && kill -0 $_f_pid 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 $_f_pid 2>/dev/null; then
		kill -KILL $_f_pid
		wait $_f_pid
		failed "$_f_name" "still waiting 10 s after SIGTERM: killed"
		return
	fi
	wait $_f_pid
	_f_rc=$?
	if [ $_f_rc -ne 3 ]; then
		failed "$_f_name" "exit $_f_rc, want 3"
		show "$tmp/term.out"
	else
		ok
	fi
	check "$_f_name-said" 0 "^impwatch: the run was interrupted before it started, waiting for a reader of .*o\\.fifo\$" \
		cat "$tmp/term.out"
	count "$_f_name-one-line" "$tmp/term.out" '' 1
}
fifo_term fifo-term -o "$tmp/o.fifo" -r pcaps/demo.pcap
rm -f "$tmp/term.txt"
fifo_term fifo-term-graph --format json -w "$tmp/term.txt" \
	--graph "$tmp/o.fifo" -r pcaps/demo.pcap
assert "fifo-term-graph-empty (the report written: $(wc -c <"$tmp/term.txt") bytes)" \
	! -s "$tmp/term.txt"
# A SIGTERM pending when the run starts (its parent left it blocked)
# is taken at once: no reader is waited for then. One was.
cat >"$tmp/pending.py" <<'EOF_PY'
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
os.kill(os.getpid(), signal.SIGTERM)
os.execv(sys.argv[1], sys.argv[1:])
EOF_PY
check fifo-term-pending 3 '^impwatch: the run was interrupted before it started, waiting for a reader of .*o\.fifo$' \
	timeout -s KILL 10 python3 "$tmp/pending.py" "$bin" -q -o "$tmp/o.fifo" -r pcaps/demo.pcap

# Files impwatch creates are not world-readable (the umask may take more).
rm -f "$tmp/r.txt" "$tmp/ev.pcap"
rm -f "$tmp/al.txt"
check modes 0 '^640 600 640$' sh -c "umask 022; \"$bin\" -q -w \"$tmp/r.txt\" --dump-undocumented \"$tmp/ev.pcap\" --alert-file \"$tmp/al.txt\" -r pcaps/demo.pcap && stat -c %a \"$tmp/r.txt\" \"$tmp/ev.pcap\" \"$tmp/al.txt\" | paste -sd' '"
rm -f "$tmp/r.txt" "$tmp/ev.pcap" "$tmp/al.txt"
check modes-umask 0 '^600 600 600$' sh -c "umask 077; \"$bin\" -q -o \"$tmp/r.txt\" --dump-undocumented \"$tmp/ev.pcap\" --alert-file \"$tmp/al.txt\" -r pcaps/demo.pcap && stat -c %a \"$tmp/r.txt\" \"$tmp/ev.pcap\" \"$tmp/al.txt\" | paste -sd' '"

# The text report shows the names it echoes, the Command line and each
# input's file line, as an error shows them: a control byte as \xNN, so
# an input's name cannot drive a terminal nor forge a report line. They
# were written raw. JSON and ECS escape them as JSON strings, the HTML
# report as characters, CSV as fields (RFC 4180).
esc_in="$tmp/in${esc}x
FAIL: forged.pcap"
cp pcaps/demo.pcap "$esc_in"
for _w in stdout file; do
	if [ $_w = stdout ]; then
		check text-esc-$_w 0 '' "$bin" -q -r "$esc_in"
	else
		check text-esc-$_w 0 '' sh -c '"$1" -q -w "$2" -r "$3" && cat "$2"' \
			sh "$bin" "$tmp/esc.txt" "$esc_in"
	fi
	count text-esc-$_w-command "$tmp/out" \
		"^Command +.* -r '.*/in\\\\x1b\\[31mx\\\\x0aFAIL: forged\\.pcap'\$" 1
	count text-esc-$_w-file "$tmp/out" \
		'^  file +.*/in\\x1b\[31mx\\x0aFAIL: forged\.pcap: 176 packets' 1
	hasnt text-esc-$_w-raw "$tmp/out" "$ctl"
	hasnt text-esc-$_w-forged "$tmp/out" '^FAIL: forged'
done
# ... and so is the Run line's sensor: the host name by default, which
# the kernel takes with any byte (a terminal escape), or --sensor with a
# byte that is not UTF-8 (0x9b is CSI to an 8-bit terminal). Both were
# written raw.
check text-esc-sensor 0 "^Run +[0-9a-f]{32} on sensor s\\\\x9bx\$" \
	"$bin" -q --sensor "$(printf 's\233x')" -r pcaps/demo.pcap
hasnt text-esc-sensor-raw "$tmp/out" "$(printf '\233')"
if [ "$(id -u)" = 0 ] && unshare --uts true 2>/dev/null; then
	check text-esc-hostname 0 "^Run +[0-9a-f]{32} on sensor h\\\\x1b\\[31mx\$" \
		unshare --uts sh -c 'printf "h\033[31mx" >/proc/sys/kernel/hostname &&
			exec "$1" -q -r pcaps/demo.pcap' sh "$bin"
	hasnt text-esc-hostname-raw "$tmp/out" "$ctl"
else
	echo "cli: not root or no unshare --uts: the host name's escape not tried"
fi
# An interface's name too (the kernel takes an escape in it), on the Run
# line and the capture's: a veth pair in a network namespace of the
# test's own, read for 1 s.
if [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then
	check text-esc-iface 0 "^  interface +i\\\\x1b\\[31mx: received" \
		timeout 30 unshare --net sh -c 'ip link add name "$1" type veth peer name p0 &&
			ip link set "$1" up && ip link set p0 up &&
			exec "$2" -q -i "$1" --duration 1' sh "i${esc}x" "$bin"
	has text-esc-iface-run "$tmp/out" "^Run +.* interface i\\\\x1b\\[31mx\$"
	hasnt text-esc-iface-raw "$tmp/out" "$ctl"
else
	echo "cli: not root or no unshare --net: the interface's escape not tried"
fi
"$bin" -q --format json -r "$esc_in" >"$tmp/esc.json"
check text-esc-json 0 '^true$' jq -r --arg n "$esc_in" \
	'select(.type == "summary") | .files[0].name == $n and (.command_line | contains($n))' "$tmp/esc.json"
# A name may hold characters that change what a line shows without being
# seen: a bidirectional override or isolate (U+202E, U+2066) turns the
# text after it around ("Trojan Source"), a line separator (U+2028) and
# NEL (U+0085, a C1 control) break a line in some viewers, a zero-width
# space (U+200B) shows as nothing. Every format writes them escaped, as
# textfile.h's text_unsafe() says: JSON and ECS as \uXXXX (the string
# read back is the same), text and CSV as a visible \uXXXX, the page as
# U+FFFD. JSON, CSV and ECS wrote them raw, the page kept U+2028 and
# U+200B, the text report a site rule file's name.
uni_bad=$(printf '\342\200\256 \342\201\246 \342\200\250 \302\205 \342\200\213')
uni_s=$(printf 'a\342\200\256b\342\201\246c\342\200\250d\302\205e\342\200\213f')
uni_shown='a\\u202eb\\u2066c\\u2028d\\u0085e\\u200bf'
uni_conf="$tmp/site$(printf '\342\200\256')x.conf"
cp tests/rules/site-postgresql.conf "$uni_conf"
# raw NAME FILE: FILE holds none of those characters as themselves.
uni_raw() {
	for _c in $uni_bad; do
		if grep -q "$_c" "$2"; then
			bad "$1" "$(basename "$2") holds $(printf %s "$_c" | od -An -tx1 | tr -d ' ') raw"
			return
		fi
	done
	ok
}
for _f in text json csv ecs; do
	rm -f "$tmp/uni.html" "$tmp/uni.dot"
	check uni-$_f 0 '' "$bin" -q --format $_f --sensor "$uni_s" \
		--rules-add "$uni_conf" --html "$tmp/uni.html" \
		-r pcaps/real-postgresql-15432.pcap
	uni_raw uni-$_f-raw "$tmp/out"
	cp "$tmp/out" "$tmp/uni.$_f"
done
has uni-text-sensor "$tmp/uni.text" "on sensor $uni_shown\$"
has uni-text-rule "$tmp/uni.text" 'rule: .*/site\\u202ex\.conf:3 '
has uni-csv-sensor "$tmp/uni.csv" ",$uni_shown,"
has uni-csv-rule "$tmp/uni.csv" ',site,[^,]*/site\\u202ex\.conf,3,'
has uni-json-escaped "$tmp/uni.json" "\"sensor\":\"$uni_shown\""
check uni-json-same 0 '^true$' jq -rs --arg s "$uni_s" \
	'[.[] | select(.type == "flow")][0] | .sensor == $s' "$tmp/uni.json"
check uni-ecs-same 0 '^true$' jq -rs --arg s "$uni_s" \
	'[.[] | .. | objects | select(has("observer")) | .observer.name][0] == $s' "$tmp/uni.ecs"
uni_raw uni-html-raw "$tmp/uni.html"
# Strings from the traffic (a TLS server name, an HTTP Host) are nDPI's
# and never copied into a record: a capture that holds those characters
# in both writes none of them, in any format.
python3 - "$tmp/uni.pcap" <<'EOF_PY'
import struct, sys
bad = "x\u202egpj.\u2066evil\u2028\u0085\u200b.example".encode()
def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 0x50, flags, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(t), 1, 0, 64, 6, 0,
                     bytes(src), bytes(dst)) + t
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip
def hello(name):
    sni = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    ext = struct.pack("!HH", 0, len(sni)) + sni
    body = (b"\x03\x03" + b"\x11" * 32 + b"\0" + b"\0\x02\x13\x01" + b"\x01\0" +
            struct.pack("!H", len(ext)) + ext)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs
c, s = [192, 0, 2, 99], [192, 0, 2, 10]
pkts = []
for port, data in ((443, hello(bad)),
                   (80, b"GET / HTTP/1.1\r\nHost: " + bad + b"\r\nUser-Agent: " + bad + b"\r\n\r\n")):
    pkts += [tcp(c, s, 40000 + port, port, 1, 0, 0x02),
             tcp(s, c, port, 40000 + port, 9, 2, 0x12),
             tcp(c, s, 40000 + port, port, 2, 10, 0x10),
             tcp(c, s, 40000 + port, port, 2, 10, 0x18, data)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, p in enumerate(pkts):
        f.write(struct.pack("<IIII", 1700000000, i, len(p), len(p)) + p)
EOF_PY
for _f in text json csv ecs; do
	rm -f "$tmp/uni.html" "$tmp/uni.dot"
	check uni-traffic-$_f 0 '' "$bin" -q --format $_f --alert-file "$tmp/uni.al" \
		--html "$tmp/uni.html" --graph "$tmp/uni.dot" -r "$tmp/uni.pcap"
	uni_raw uni-traffic-$_f-raw "$tmp/out"
	uni_raw uni-traffic-$_f-html "$tmp/uni.html"
	uni_raw uni-traffic-$_f-graph "$tmp/uni.dot"
	uni_raw uni-traffic-$_f-alerts "$tmp/uni.al"
	cp "$tmp/out" "$tmp/uni-t.$_f"
done
# nDPI read both flows (the names were there to be copied).
check uni-traffic-seen 0 '^HTTP TLS$' sh -c 'jq -r "select(.type == \"flow\") | .app" "$1" | sort | paste -sd" "' \
	sh "$tmp/uni-t.json"
# The text report leads with the answer: its first line is the verdict
# with the flows of each finding (names from verdict.h, reasons from
# gate.h), the exit status in brackets.
lead() {
	_l_name=$1 _l_want=$2
	shift 2
	_l_got=$("$bin" "$@" 2>/dev/null | head -n 1)
	if [ "$_l_got" = "$_l_want" ]; then ok; else failed "$_l_name" "first line '$_l_got', want '$_l_want'"; fi
}
lead lead-fail 'FAIL: 3 undocumented, 2 local-only (exit 1)' -q --validate -r pcaps/demo.pcap
lead lead-pass 'PASS: 2 documented (exit 0)' -q --validate -r pcaps/link-ether.pcap
lead lead-empty 'INCONCLUSIVE: no packets (exit 3)' -q --validate -r "$tmp/empty.pcap"
lead lead-poor-health 'INCONCLUSIVE: capture health is poor; findings: 4 undocumented (exit 3)' \
	-q --validate -r pcaps/health-duplicates.pcap --rules tests/rules/good.conf
lead lead-no-validate 'FINDINGS: 3 undocumented, 2 local-only (exit 0: no --validate)' -q -r pcaps/demo.pcap
lead lead-no-findings 'NO FINDINGS: 2 documented (exit 0)' -q -r pcaps/link-ether.pcap
lead lead-error 'ERROR: an input could not be read in full, or an output not written (exit 2)' -q -r pcaps/bad-truncated.pcap
check lead-validate-line-stays 1 '^Validate: FAIL: ' "$bin" -q --validate -r pcaps/demo.pcap
# --brief: that line and the findings, for a change ticket; nothing else.
check brief 1 '' "$bin" -q --validate --brief -r pcaps/demo.pcap
cp "$tmp/out" "$tmp/brief.txt"
has brief-lead "$tmp/brief.txt" '^FAIL: 3 undocumented, 2 local-only \(exit 1\)$'
has brief-undocumented "$tmp/brief.txt" '^Undocumented: 3 flows$'
has brief-flow "$tmp/brief.txt" 'tcp 203\.0\.113\.66:53389 -> 192\.0\.2\.10:3389'
has brief-local-only "$tmp/brief.txt" '^Local-only violations .*: 2 flows$'
hasnt brief-nothing-else "$tmp/brief.txt" '^Capture|^Documented services|^Coverage|^Validate:|^  packets'
hasnt brief-no-empty-section "$tmp/brief.txt" '\(none\)'
check brief-inconclusive 3 '^  no-packets +no packets: the capture holds none$' "$bin" -q --validate --brief -r "$tmp/empty.pcap"
# ... and for an error, what the report knows of it: the input not read
# in full, the evidence not written (the ticket read 'an input could not
# be read in full, or an output not written', and not which).
check brief-error 2 '' "$bin" -q --validate --brief -o "$tmp/be.txt" \
	--dump-undocumented /dev/full -r pcaps/demo.pcap -r pcaps/bad-truncated.pcap
has brief-error-input "$tmp/be.txt" '^  pcaps/bad-truncated\.pcap: damaged record at byte offset 1486, after packet 9: '
has brief-error-evidence "$tmp/be.txt" '^  evidence /dev/full: not written \(No space left on device\)$'
has brief-error-block "$tmp/be.txt" '^Errors:$'
# ... and every output beside the report that was not written in full:
# the alert file, the graph and the page (they were named on standard
# error only, and the Errors block was left out).
# (Three names of /dev/full: one name is refused as two outputs.)
for f in alerts graph page; do ln -s /dev/full "$tmp/full-$f"; done
check brief-error-outputs 2 '' "$bin" -q --validate --brief -o "$tmp/bo.txt" \
	--alert-file "$tmp/full-alerts" --graph "$tmp/full-graph" \
	--html "$tmp/full-page" -r pcaps/demo.pcap
has brief-error-outputs-block "$tmp/bo.txt" '^Errors:$'
has brief-error-alerts "$tmp/bo.txt" "^  alert file $tmp/full-alerts: not written \\(No space left on device\\)\$"
has brief-error-graph "$tmp/bo.txt" "^  graph $tmp/full-graph: not written \\(No space left on device\\)\$"
has brief-error-page "$tmp/bo.txt" "^  HTML report $tmp/full-page: not written \\(No space left on device\\)\$"
# --brief's first line is its verdict whatever the options: the alert
# lines of --alerts went before it. They go to an alert file, or --brief
# is refused with --alerts.
check brief-alerts 2 '^impwatch: --brief has no alert lines: give --alert-file FILE \(or - for standard error\) for the alerts, or leave out --alerts$' \
	"$bin" -q --validate --brief --alerts -r pcaps/demo.pcap
check brief-alert-file 1 '' "$bin" -q --validate --brief \
	--alert-file "$tmp/ba.txt" -o "$tmp/bb.txt" -r pcaps/demo.pcap
check brief-alert-file-lead 0 '^FAIL: 3 undocumented, 2 local-only \(exit 1\)$' head -n 1 "$tmp/bb.txt"
# The same for --report-every's stats lines, which a live --brief wrote
# before its verdict: refused before any interface is opened.
check brief-report-every 2 '^impwatch: --brief has no stats lines: its first line is the verdict; leave out --report-every, or --brief$' \
	"$bin" -q --validate --brief --report-every 1 -i no-such-if0 --duration 1
check brief-pass 0 '^PASS: 2 documented \(exit 0\)$' "$bin" -q --validate --brief -r pcaps/link-ether.pcap
assert brief-pass-one-line "$(wc -l <"$tmp/out")" -eq 1
check brief-json 2 '--brief goes with --format text' "$bin" -q --brief --format json -r pcaps/demo.pcap
# The README's gate: quiet, and its echo is all it prints.
check readme-gate-pass 0 '' sh -c "\"$bin\" -r pcaps/link-ether.pcap --validate -q -o /dev/null && echo 'only documented ports'"
assert readme-gate-pass-says "$(cat "$tmp/out")" = 'only documented ports'
check readme-gate-fail 1 '' sh -c "\"$bin\" -r pcaps/demo.pcap --validate -q -o /dev/null && echo 'only documented ports'"
assert readme-gate-fail-silent "$(wc -c <"$tmp/out")" -eq 0
grep -qF 'impwatch -r change.pcap --validate -q -o /dev/null && echo "only documented ports"' README.md && ok ||
	failed readme-gate-example "README.md does not show the quiet gate"
# --top N bounds every list of the text report, coverage included; the
# rest is counted.
check top-2 1 '' "$bin" -q --validate --top 2 -r pcaps/demo.pcap
cp "$tmp/out" "$tmp/top2.txt"
has top-services-more "$tmp/top2.txt" '^  \.\.\. and 17 more$'
has top-ports-more "$tmp/top2.txt" '^  \.\.\. and 1 more$'
has top-flows-more "$tmp/top2.txt" '^    \.\.\. and 1 more$'
has top-coverage-more "$tmp/top2.txt" '^  \.\.\. and 27 more$'
# (Services, each once: 72 rows never seen name 69 services.)
has top-never-seen-more "$tmp/top2.txt" '^    \.\.\. and 67 more$'
# No list in any section runs past 2 items: documented services, ports
# of a finding, largest flows, coverage rows, rows never seen.
longest=$(awk '
	/^$/ { split("", c); next }
	/^  [0-9]+ +[a-z]/ { k = "svc" }
	/^  (tcp|udp|icmp)[a-z0-9]*\/?[0-9]* +/ { k = "port" }
	/^    (tcp|udp|icmp)[a-z0-9]* [0-9]/ { k = "flow" }
	/^  table [0-9]/ { k = "cov" }
	/^    table [0-9]+:/ { c["never"] += NF - 2; if (c["never"] > m) m = c["never"]; k = ""; next }
	k != "" { c[k]++; if (c[k] > m) m = c[k]; k = "" }
	END { print m + 0 }' "$tmp/top2.txt")
assert top-longest-list "$longest" -eq 2
check top-zero 1 '^  \.\.\. and 19 more$' "$bin" -q --validate --top 0 -r pcaps/demo.pcap

# Evidence rotation (--dump-size, --dump-files), as tcpdump's -C and -W.
# A capture of 3000 frames of 1442 bytes on undocumented tcp/3389 (about
# 4.4 MB of evidence), made here.
python3 - "$tmp/big.pcap" <<'PY'
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
for i in range(3000):
    flow, n = divmod(i, 300)
    payload = bytes([i % 251]) * 1388
    tcp = struct.pack("!HHIIBBHHH", 40000 + flow, 3389, 1000 + n * 1388, 1,
                      5 << 4, 0x18, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), i & 0xffff,
                     0, 64, 6, 0, bytes([198, 51, 100, 7]), bytes([192, 0, 2, 10]))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    frame = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + tcp + payload
    out.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(frame), len(frame)))
    out.write(frame)
PY
# frames FILE: the frames capinfos counts in FILE (it fails on a file
# that is not a whole capture).
frames() { capinfos -T -c -r "$1" 2>/dev/null | awk -F'\t' 'NF == 2 { print $2 }'; }
if command -v capinfos >/dev/null 2>&1 && command -v tshark >/dev/null 2>&1; then
	ev=$tmp/rot/ev.pcap
	mkdir -p "$tmp/rot"
	# --dump-size alone (offline): FILE, FILE1, FILE2...: every frame kept.
	check rot-size 0 '^    rotated +5 files of at most 1 MB, all kept: 3000 frames; newest .*/ev\.pcap4$' \
		sh -c "umask 022; exec \"$bin\" -q --dump-size 1 --dump-undocumented \"$ev\" -r \"$tmp/big.pcap\""
	(cd "$tmp/rot" && ls) >"$tmp/rot.ls"
	printf 'ev.pcap\nev.pcap1\nev.pcap2\nev.pcap3\nev.pcap4\n' >"$tmp/rot.want"
	same rot-size-names "$tmp/rot.want" "$tmp/rot.ls"
	sum=0 okfiles=0 big=0
	for f in "$ev" "$ev"1 "$ev"2 "$ev"3 "$ev"4; do
		n=$(frames "$f")
		t=$(tshark -r "$f" -T fields -e frame.number 2>/dev/null | wc -l)
		[ -n "$n" ] && [ "$n" = "$t" ] && okfiles=$((okfiles + 1))
		sum=$((sum + ${n:-0}))
		sz=$(stat -c %s "$f" 2>/dev/null)
		[ "${sz:-0}" -le 1000000 ] || big=$((big + 1))
	done
	assert rot-size-valid-files "$okfiles" -eq 5
	assert rot-size-sum "$sum" -eq 3000
	assert rot-size-bound "$big" -eq 0
	check rot-size-modes 0 '^600 600 600 600 600$' sh -c "cd \"$tmp/rot\" && stat -c %a ev.pcap ev.pcap1 ev.pcap2 ev.pcap3 ev.pcap4 | paste -sd' '"
	# With --dump-files 2: the oldest removed past 2 (FILE, FILE1, then
	# FILE again...), and the files kept hold what the summary says.
	rm -rf "$tmp/rot" && mkdir "$tmp/rot"
	check rot-files 0 '' "$bin" -q --format json --dump-size 1 --dump-files 2 \
		--dump-undocumented "$ev" -r "$tmp/big.pcap"
	cp "$tmp/out" "$tmp/rot.json"
	(cd "$tmp/rot" && ls) >"$tmp/rot.ls"
	printf 'ev.pcap\nev.pcap1\n' >"$tmp/rot.want"
	same rot-files-names "$tmp/rot.want" "$tmp/rot.ls"
	kept=$(jval 'select(.type == "summary") | .evidence.rotation.frames_kept' "$tmp/rot.json")
	a=$(frames "$ev") b=$(frames "$ev"1)
	sum=$((${a:-0} + ${b:-0}))
	assert rot-files-sum "$sum" -eq "${kept:-0}"
	assert rot-files-some-removed "$sum" -lt 3000
	assert rot-files-written "$(jval 'select(.type == "summary") | .evidence.frames' "$tmp/rot.json")" = 3000
	assert rot-files-counted "$(jval 'select(.type == "summary") | [.evidence.rotation.files, .evidence.rotation.files_kept, .evidence.rotation.max_files, .evidence.rotation.newest | tostring] | join(" ")' "$tmp/rot.json")" = "5 2 2 $ev"
	# The newest is the last started: FILE again (files 0, 1, 0, 1, 0).
	assert rot-files-newest-last "$(ls -t "$tmp/rot" | head -n 1)" = ev.pcap
	# --dump-files alone (offline): 100 MB files, so one here.
	rm -rf "$tmp/rot" && mkdir "$tmp/rot"
	check rot-files-only 0 '^    rotated +1 file of at most 100 MB, all kept: 3000 frames' \
		"$bin" -q --dump-files 3 --dump-undocumented "$ev" -r "$tmp/big.pcap"
	assert rot-files-only-frames "$(frames "$ev")" = 3000
	# A rotated file that cannot be written: exit 2, its name said, and
	# no frame claimed.
	rm -rf "$tmp/rot" && mkdir -p "$tmp/rot/ev.pcap2"
	check rot-fail 2 "impwatch: cannot write $ev""2: Is a directory" \
		"$bin" -q --dump-size 1 --dump-undocumented "$ev" -r "$tmp/big.pcap"
	check rot-fail-summary 2 "^  evidence +$ev: not written \\($ev""2: Is a directory\\)" \
		"$bin" -q --dump-size 1 --dump-undocumented "$ev" -r "$tmp/big.pcap"
	check rot-fail-no-claim 2 '"frames":0,' "$bin" -q --format json --dump-size 1 \
		--dump-undocumented "$ev" -r "$tmp/big.pcap"
else
	echo "cli: capinfos or tshark not installed (make deps installs them): evidence rotation not checked"
fi
check rot-needs-dump 2 '--dump-size and --dump-files go with --dump-undocumented' "$bin" -q --dump-size 1 -r pcaps/demo.pcap
check rot-files-needs-dump 2 'go with --dump-undocumented' "$bin" -q --dump-files 3 -r pcaps/demo.pcap
# The DPI limits mean nothing without nDPI: given with --no-dpi they are
# an error, as the evidence options without --dump-undocumented are.
check nodpi-packets 2 '--dpi-packets and --dpi-memory go with DPI, which --no-dpi turns off' "$bin" -q --no-dpi --dpi-packets 4 -r pcaps/demo.pcap
check nodpi-memory 2 'go with DPI, which --no-dpi turns off' "$bin" -q --dpi-memory 64 --no-dpi -r pcaps/demo.pcap
check nodpi-alone 0 '' "$bin" -q --no-dpi -w /dev/null -r pcaps/demo.pcap
check rot-size-zero 2 "invalid value '0' for --dump-size" "$bin" -q --dump-size 0 --dump-undocumented "$tmp/x.pcap" -r pcaps/demo.pcap
check rot-files-zero 2 "invalid value '0' for --dump-files" "$bin" -q --dump-files 0 --dump-undocumented "$tmp/x.pcap" -r pcaps/demo.pcap
# A rotated evidence file is removed and made anew: it may not be named
# as the report or an input (FILE2 is), but past --dump-files it is never
# made (FILE2 with 2 files is not).
cp pcaps/demo.pcap "$tmp/dm.pcap2"
check rot-onto-report 2 "--dump-undocumented $tmp/dm.pcap rotates onto $tmp/dm.pcap2, the report" \
	"$bin" -q -o "$tmp/dm.pcap2" --dump-size 1 --dump-undocumented "$tmp/dm.pcap" -r pcaps/demo.pcap
check rot-onto-input 2 "rotates onto $tmp/dm.pcap2, an input" \
	"$bin" -q --dump-size 1 --dump-undocumented "$tmp/dm.pcap" -r "$tmp/dm.pcap2"
check rot-onto-input-kept 0 '' cmp "$tmp/dm.pcap2" pcaps/demo.pcap
check rot-past-files 0 '' "$bin" -q --dump-size 1 --dump-files 2 --dump-undocumented "$tmp/dm.pcap" -r "$tmp/dm.pcap2"
check rot-not-rotating 0 '' "$bin" -q --dump-undocumented "$tmp/dm.pcap" -r "$tmp/dm.pcap2"
# Without either, a capture file's evidence is one file, as before.
check rot-none 1 '' "$bin" -q --validate --format json --dump-undocumented "$tmp/one.pcap" -r pcaps/demo.pcap
assert rot-none-no-rotation "$(jval 'select(.type == "summary") | .evidence | has("rotation")' "$tmp/out")" = false

# A TLS record header alone is no TLS start: the client's first record
# must be a handshake record holding a ClientHello. HTTP and XMPP behind
# an application_data header (17 03 03 00 20), SIP behind an alert, HTTP
# behind a change_cipher_spec, a ServerHello, a record over 2^14 and
# version 3.5 fail the gate as plain cleartext does; the real ClientHello
# beside them passes.
first=pcaps/tls-first.pcap
lead tls-first-lead 'FAIL: 7 cleartext (exit 1)' -q --validate -r "$first"
check tls-first-json 1 '"validate":"fail","exit_status":1' "$bin" -q --validate --format json -r "$first"
if jis 'select(.type == "flow" and .server_port == 8443 and .client_port == 51443) |
	.verdict == "cleartext" and .findings == ["cleartext"]' "$tmp/out" &&
   jis 'select(.type == "flow" and .server_port == 8083) |
	.verdict == "cleartext" and .findings == ["cleartext"]' "$tmp/out" &&
   jis 'select(.type == "flow" and .client_port == 51444) |
	.verdict == "documented" and .findings == []' "$tmp/out" &&
   jis 'select(.type == "summary") | .flows_by_verdict.cleartext == 7 and
	.tls_not_judged == 0' "$tmp/out"
then ok; else failed tls-first-records; show "$tmp/out"; fi

# --waivers: a waived finding is reported with its ticket and does not
# fail --validate until its date; a finding left uncovered still fails;
# an expired waiver waives nothing; a waiver that matched nothing is
# listed; a bad line is FILE:LINE, nothing run; only regular files.
tls=pcaps/real-tls-cleartext.pcap
{
	echo '# the change board'"'"'s waivers'
	echo 'cleartext tcp/5061 | 2999-12-31 | CHG-1001'
	echo 'tcp/8443 127.0.0.1 -> any | 2999-12-31 | CHG-1002'
	echo 'row 5 ldaps-directory | 2999-12-31 | CHG-1003'
	echo 'udp/9999 | 2999-12-31 | CHG-1004'
} >"$tmp/all.waivers"
check waivers-pass 0 '^Validate: PASS: every flow is documented or a waived finding' \
	"$bin" -q --validate --waivers "$tmp/all.waivers" -r "$tls"
lead waivers-lead-pass 'PASS: 3 documented, 3 waived (exit 0)' -q --validate --waivers "$tmp/all.waivers" -r "$tls"
lead cleartext-lead 'FAIL: 3 cleartext (exit 1)' -q --validate -r "$tls"
has waivers-text "$tmp/out" 'app SIP, waived by CHG-1001 until 2999-12-31'
has waivers-unused "$tmp/out" 'CHG-1004 +until 2999-12-31  udp/9999 +0 flows, matched nothing'
has waivers-count "$tmp/out" '^Waivers: 4; 3 finding flows waived'
check waivers-json 0 '' "$bin" -q --validate --format json --waivers "$tmp/all.waivers" -r "$tls"
if jis 'select(.type == "flow" and .server_port == 5061 and .verdict == "cleartext") |
	.waiver == {"ticket": "CHG-1001", "until": "2999-12-31", "line": 2, "waived": true}' "$tmp/out" &&
   jis 'select(.type == "summary") | .waived == 3 and .validate == "pass" and
	([.waivers[].state] == ["in-force", "in-force", "in-force", "unused"])' "$tmp/out" &&
   ! jis 'select(.type == "flow" and .verdict == "documented") | has("waiver")' "$tmp/out"
then ok; else failed waivers-json-fields; show "$tmp/out"; fi
# The waiver file changes the gate's outcome: it is an input of the run,
# named with its SHA-256 in every format that lists the inputs, after
# the inventory.
wsha=$(sha256sum "$tmp/all.waivers" | cut -c1-64)
hsha=$(sha256sum tests/hosts/site.hosts | cut -c1-64)
if jis "select(.type == \"summary\") | .inputs ==
	[{\"kind\": \"waivers\", \"file\": \"$tmp/all.waivers\", \"sha256\": \"$wsha\"}]" "$tmp/out"
then ok; else failed provenance-waivers-json; show "$tmp/out"; fi
check provenance-waivers-text 0 "^Waivers      $tmp/all.waivers, SHA-256 $wsha\$" \
	"$bin" -q --waivers "$tmp/all.waivers" -r "$tls"
check provenance-waivers-ecs 0 '' "$bin" -q --format ecs --hosts tests/hosts/site.hosts \
	--waivers "$tmp/all.waivers" -r "$tls"
if [ "$(jval 'select(.event.dataset == "impwatch.input") |
	[.impwatch.input_kind, .file.path, .file.hash.sha256] | join(" ")' "$tmp/out")" = \
	"$(printf 'hosts tests/hosts/site.hosts %s\nwaivers %s %s' "$hsha" "$tmp/all.waivers" "$wsha")" ]
then ok; else failed provenance-waivers-ecs-inputs; show "$tmp/out" 10 "  | " 200; fi
expect provenance-waivers-html "$bin" -q -o /dev/null --html "$tmp/w.html" \
	--waivers "$tmp/all.waivers" -r "$tls"
has provenance-waivers-html-row "$tmp/w.html" "^<tr><th>Waivers</th><td>$tmp/all.waivers, SHA-256 <code>$wsha</code></td></tr>\$"
# Alerts say the waiver too.
check waivers-alert 0 '^alert [^ ]+ cleartext tcp 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:5061: .* \(waived by CHG-1001 until 2999-12-31\)$' \
	"$bin" -q --validate --alert-file - -o /dev/null --waivers "$tmp/all.waivers" -r "$tls"
# An expired waiver: the 8443 finding fails again, and is listed so.
sed 's/| 2999-12-31 | CHG-1002/| 2000-01-01 | CHG-1002/' "$tmp/all.waivers" >"$tmp/old.waivers"
check waivers-expired 1 'CHG-1002 +until 2000-01-01  tcp/8443 127.0.0.1 -> any +1 flow, EXPIRED: waives nothing' \
	"$bin" -q --validate --waivers "$tmp/old.waivers" -r "$tls"
lead waivers-lead-fail 'FAIL: 3 cleartext; 2 waived (exit 1)' -q --validate --waivers "$tmp/old.waivers" -r "$tls"
check waivers-brief 1 '^  line 3 +CHG-1002 +until 2000-01-01 .*EXPIRED' \
	"$bin" -q --validate --brief --waivers "$tmp/old.waivers" -r "$tls"
check waivers-expired-json 1 '"state":"expired"' \
	"$bin" -q --validate --format json --waivers "$tmp/old.waivers" -r "$tls"
# A waiver of another finding leaves the cleartext one.
echo 'role-violation tcp/5061 | 2999-12-31 | CHG-7' >"$tmp/other.waivers"
check waivers-other-finding 1 '^Validate: FAIL' \
	"$bin" -q --validate --waivers "$tmp/other.waivers" -r "$tls"
# Without --waivers nothing is waived.
check waivers-none 1 '^Validate: FAIL' "$bin" -q --validate -r "$tls"
hasnt waivers-none-section "$tmp/out" '^Waivers'
# Strict: FILE:LINE: reason and the line; exit 2, no report.
printf 'tcp/5061 | 2999-12-31 | CHG-1\ntcp/5061 | 2026-02-30 | CHG-2\n' >"$tmp/bad.waivers"
check waivers-bad-date 2 "^$tmp/bad.waivers:2: '2026-02-30' is not a date \\(YYYY-MM-DD\\)" \
	"$bin" -q --validate --waivers "$tmp/bad.waivers" -r "$tls"
has waivers-bad-line "$tmp/out" '^  tcp/5061 \| 2026-02-30 \| CHG-2$'
hasnt waivers-bad-no-report "$tmp/out" '^Capture'
# A waiver's ends take the lengths an inventory takes.
for p in 0.0.0.0/00 192.0.2.0/024 192.0.2.0/0024 2001:db8::/0128; do
	printf 'tcp/5061 | 2999-12-31 | CHG-1\ntcp/5061 any -> %s | 2999-12-31 | CHG-2\n' "$p" >"$tmp/zero.waivers"
	check "waivers-leading-zero-$p" 2 "^$tmp/zero.waivers:2: prefix length '${p#*/}' has a leading zero\$" \
		"$bin" -q --validate --waivers "$tmp/zero.waivers" -r "$tls"
done
for p in 192.0.2.0/33 2001:db8::/129; do
	printf 'tcp/5061 any -> %s | 2999-12-31 | CHG-2\n' "$p" >"$tmp/range.waivers"
	check "waivers-length-${p#*/}" 2 "^$tmp/range.waivers:1: prefix length /${p#*/} out of range 0-(32|128)\$" \
		"$bin" -q --validate --waivers "$tmp/range.waivers" -r "$tls"
done
printf 'tcp/5061 0.0.0.0/0 -> 192.0.2.0/32 | 2999-12-31 | CHG-1\ntcp/5061 ::/0 -> 2001:db8::/128 | 2999-12-31 | CHG-2\n' >"$tmp/lengths.waivers"
check waivers-lengths 1 '^Validate: FAIL' \
	"$bin" -q --validate --waivers "$tmp/lengths.waivers" -r "$tls"
echo 'tcp/5061 cucm -> imp | 2999-12-31 | CHG-1' >"$tmp/role.waivers"
check waivers-role-needs-hosts 2 "role 'cucm' needs an inventory \\(--hosts\\)" \
	"$bin" -q --waivers "$tmp/role.waivers" -r "$tls"
check waivers-dir 2 'not a regular file \(a directory\)' \
	"$bin" -q --waivers "$tmp" -r "$tls"
mkfifo "$tmp/w.fifo"
TO=10 check waivers-fifo 2 'not a regular file \(a FIFO\)' \
	"$bin" -q --waivers "$tmp/w.fifo" -r "$tls"
check waivers-missing 2 'No such file' "$bin" -q --waivers "$tmp/nope" -r "$tls"
# A waiver's port is the server's, and the sender does not choose it.
# claim.pcap: a client's datagram from 40999 to udp/9999 and its reply
# (the receiver is the server); then one from port 9999 to 20000, whose
# sender, with the lower port, is taken for the server (direction basis
# lower-port), and its reply. A waiver of udp/9999 covers the first
# only: whoever sends from 9999 would otherwise have every datagram to
# a higher port waived. A waiver that covers the second however it is
# read (both its ports, and its ends either way) waives it.
PYTHONPATH="$(dirname "$0")/../lib" python3 - "$tmp/claim.pcap" <<'PY'
import sys
from tcpcap import udp, write_pcap
c, s, x = [198, 51, 100, 24], [192, 0, 2, 10], [203, 0, 113, 66]
frames = [udp(c, s, 40999, 9999, b"req"), udp(s, c, 9999, 40999, b"rep"),
          udp(x, s, 9999, 20000, b"req"), udp(s, x, 20000, 9999, b"rep")]
write_pcap(sys.argv[1], frames, [1767225600 + i for i in range(4)])
PY
echo 'undocumented udp/9999 | 2999-12-31 | INC-77' >"$tmp/claim.waivers"
check waivers-claim 1 '^Validate: FAIL' \
	"$bin" -q --validate --waivers "$tmp/claim.waivers" -r "$tmp/claim.pcap"
check waivers-claim-json 1 '' "$bin" -q --validate --format json \
	--waivers "$tmp/claim.waivers" -r "$tmp/claim.pcap"
if jis 'select(.type == "flow" and .client_port == 40999) |
	.waiver.waived == true' "$tmp/out" &&
   jis 'select(.type == "flow" and .server_ip == "203.0.113.66") |
	.direction_basis == "lower-port" and .server_port == 9999 and
	has("waiver") == false' "$tmp/out" &&
   jis 'select(.type == "summary") | .waived == 1' "$tmp/out"
then ok; else failed waivers-claim-records; show "$tmp/out" 20 '  | ' 300; fi
echo 'udp/9999-20000 | 2999-12-31 | INC-78' >"$tmp/claim-both.waivers"
check waivers-claim-both 0 '^Validate: PASS' \
	"$bin" -q --validate --waivers "$tmp/claim-both.waivers" -r "$tmp/claim.pcap"
# The run's day is the wall clock's, but a flow seen after a waiver's
# last day is not waived, whatever that clock says (a clock set behind
# the capture's, on a machine restored from a snapshot): late.pcap holds
# two datagrams to udp/9999 and their replies, one on 2038-01-18
# 23:59:58, the waiver's last day, one on 2038-01-19. The first is
# waived, the second fails the gate, and the summary lists the waiver
# as expired. The case needs a run before 2038-01-19, while the wall
# clock leaves the waiver in force.
PYTHONPATH="$(dirname "$0")/../lib" python3 - "$tmp/late.pcap" <<'PY'
import sys
from tcpcap import udp, write_pcap
c, s = [198, 51, 100, 24], [192, 0, 2, 10]
frames = [udp(c, s, 40001, 9999, b"req"), udp(s, c, 9999, 40001, b"rep"),
          udp(c, s, 40002, 9999, b"req"), udp(s, c, 9999, 40002, b"rep")]
write_pcap(sys.argv[1], frames, [2147471998, 2147471998, 2147472000,
                                 2147472000])
PY
echo 'undocumented udp/9999 | 2038-01-18 | CHG-2038' >"$tmp/late.waivers"
check waivers-late 1 '' "$bin" -q --validate --format json \
	--waivers "$tmp/late.waivers" -r "$tmp/late.pcap"
if jis 'select(.type == "flow" and .client_port == 40001) |
	.waiver.waived == true' "$tmp/out" &&
   jis 'select(.type == "flow" and .client_port == 40002) |
	has("waiver") == false' "$tmp/out" &&
   jis 'select(.type == "summary") | .waived == 1 and
	.waivers[0].state == "expired"' "$tmp/out"
then ok; else failed waivers-late-records; show "$tmp/out" 2 '  | ' 300; fi
# An IPv6 header's ::ffff:a.b.c.d is held as IPv4 is, yet it is no IPv4
# host of the inventory (RFC 4291 2.5.5.2 keeps it off the wire; anyone
# on the segment can write it): mapped.pcap, a handshake from
# ::ffff:192.0.2.20 (the inventory's CUCM) to ::ffff:192.0.2.10:5070
# (the publisher's, for CUCM only), is from an unknown host, a role
# violation; a waiver of the CUCM's address does not cover it.
PYTHONPATH="$(dirname "$0")/../lib" python3 - "$tmp/mapped.pcap" <<'PY'
import sys
from tcpcap import handshake, write_pcap
m = [0] * 10 + [255, 255]
hs = handshake(m + [192, 0, 2, 20], m + [192, 0, 2, 10], 40000, 5070)
write_pcap(sys.argv[1], hs, [1767225600 + i for i in range(3)])
PY
echo 'tcp/5070 192.0.2.20 -> any | 2999-12-31 | CHG-5070' >"$tmp/mapped.waivers"
check mapped-hosts 1 '' "$bin" -q --validate --format json \
	--hosts tests/hosts/site.hosts --waivers "$tmp/mapped.waivers" \
	-r "$tmp/mapped.pcap"
if jis 'select(.type == "flow") | .server_port == 5070 and
	.verdict == "role-violation" and .client_roles == ["unknown"] and
	has("waiver") == false' "$tmp/out"
then ok; else failed mapped-hosts-record; show "$tmp/out" 3 '  | ' 300; fi

# Reading a capture with flow workers, every thread of the run is
# SCHED_BATCH, so that a woken thread does not preempt a busy one
# (pipeline_batch()). With one worker, or when the run was started under
# another policy than the default, the policy is left alone. The capture
# is a FIFO that holds the run open while its threads are looked at.
# The run's threads: the calling thread and the flow workers (a
# sanitizer's own thread is not the run's).
sched_policies() {
	for _t in /proc/"$1"/task/*; do
		[ "${_t##*/}" = "$1" ] || grep -q '^impwatch-fw' "$_t/comm" 2>/dev/null ||
			continue
		sed 's/.*) //' "$_t/stat" 2>/dev/null | awk '{ print $39 }'
	done | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }'
}
_p0=$(sed 's/.*) //' /proc/$$/stat | awk '{ print $39 }')
mkfifo "$tmp/sched.fifo"
for t in 1 2; do
	_want="$_p0 x1" _tasks=1
	if [ $t = 2 ]; then
		_tasks=3
		if [ "$_p0" = 0 ]; then _want="3 x3"; else _want="$_p0 x3"; fi
	fi
	"$bin" -q --threads $t -r "$tmp/sched.fifo" >/dev/null 2>&1 &
	_pid=$!
	exec 3>"$tmp/sched.fifo"
	pcap_header 1 >&3
	_i=0
	while [ $_i -lt 100 ] && [ "$(ls /proc/$_pid/task 2>/dev/null | wc -l)" -lt $_tasks ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 0.2
	_pol=$(sched_policies $_pid)
	exec 3>&-
	wait $_pid
	assert "sched-threads-$t (policies $_pol, want $_want)" "$_pol" = "$_want"
done

# The Community ID is on every record of each format that shows it
# (JSON flows and alerts, ECS flow and alert events, CSV rows) when that
# format is the run's only output, with one flow worker and with two.
cid_all() {
	_n=$(wc -l <"$2")
	_good=$(grep -Ec '^1:[A-Za-z0-9+/]{27}=$' "$2")
	assert "$1 ($_good of $_n records)" "$_n" -gt 0 -a "$_good" = "$_n"
}
for t in 1 2; do
	"$bin" -q --no-dpi --threads $t --format json --alerts -r pcaps/demo.pcap >"$tmp/cid.json"
	jval 'select(.type == "flow") | .community_id' "$tmp/cid.json" >"$tmp/cid"
	cid_all "cid-json-flows-t$t" "$tmp/cid"
	jval 'select(.type == "alert") | .community_id' "$tmp/cid.json" >"$tmp/cid"
	cid_all "cid-json-alerts-t$t" "$tmp/cid"
	"$bin" -q --no-dpi --threads $t --format ecs --alerts -r pcaps/demo.pcap >"$tmp/cid.ecs"
	jval 'select(.event.dataset == "impwatch.flow") | .network.community_id' "$tmp/cid.ecs" >"$tmp/cid"
	cid_all "cid-ecs-flows-t$t" "$tmp/cid"
	jval 'select(.event.dataset == "impwatch.alert") | .network.community_id' "$tmp/cid.ecs" >"$tmp/cid"
	cid_all "cid-ecs-alerts-t$t" "$tmp/cid"
	"$bin" -q --no-dpi --threads $t --format csv -r pcaps/demo.pcap |
		jq -rR 'split(",") | .[29] | select(. != "community_id")' >"$tmp/cid"
	cid_all "cid-csv-t$t" "$tmp/cid"
done

# What the gate judged of its inputs. gate-a.pcap: a handshake to
# tcp/5222 (documented); gate-ssh.pcap: the same, and an SSH session
# from port 22 to 203.0.113.66:4444 (undocumented); gate-empty.pcap:
# a capture of no packet (one of two SPAN sessions that failed).
PYTHONPATH="$(dirname "$0")/../lib" python3 - "$tmp/gate-a.pcap" \
	"$tmp/gate-ssh.pcap" "$tmp/gate-empty.pcap" <<'PY'
import sys
from tcpcap import handshake, write_pcap
xmpp = handshake([192, 0, 2, 1], [192, 0, 2, 2], 40000, 5222)
ssh = handshake([192, 0, 2, 7], [203, 0, 113, 66], 22, 4444)
for name, frames in ((sys.argv[1], xmpp), (sys.argv[2], xmpp + ssh),
                     (sys.argv[3], [])):
    write_pcap(name, frames, [1767225600 + i for i in range(len(frames))])
PY
# An input that gave no packet, beside one that did, is part of the
# traffic never judged: inconclusive, the file named (it passed on the
# other file's flows).
ga=$tmp/gate-a.pcap ge=$tmp/gate-empty.pcap
check gate-empty-input 3 '^Validate: INCONCLUSIVE' \
	"$bin" -q --validate -r "$ga" -r "$ge"
has gate-empty-input-why "$tmp/out" \
	"^  empty-input +[^ ]*gate-empty\\.pcap held no packets"
hasnt gate-empty-input-names-a "$tmp/out" "empty-input .*gate-a\\.pcap"
check gate-empty-input-first 3 '^Validate: INCONCLUSIVE' \
	"$bin" -q --validate -r "$ge" -r "$ga"
"$bin" -q --validate --format json -r "$ga" -r "$ge" >"$tmp/gate-e.json"
check gate-empty-input-json 0 '^empty-input .*gate-empty\.pcap held no packets' \
	jval 'select(.type == "summary") | .inconclusive[] |
	      "\(.reason) \(.why)"' "$tmp/gate-e.json"
"$bin" -q --validate --format ecs -r "$ga" -r "$ge" >"$tmp/gate-e.ecs"
check gate-empty-input-ecs 0 '^\["empty-input"\] .*gate-empty\.pcap held no packets' \
	jval 'select(.event.dataset == "impwatch.summary") |
	      "\(.impwatch.inconclusive) \(.impwatch.inconclusive_why[0])"' \
	"$tmp/gate-e.ecs"
# Findings still fail the gate; without --validate the run completed.
check gate-empty-input-findings 1 '^Validate: FAIL' \
	"$bin" -q --validate -r "$tmp/gate-ssh.pcap" -r "$ge"
check gate-empty-input-no-validate 0 '' "$bin" -q -r "$ga" -r "$ge"
# One empty input alone is no-packets, as before, not both.
check gate-empty-alone 3 '^  no-packets ' "$bin" -q --validate -r "$ge"
hasnt gate-empty-alone-once "$tmp/out" '^  empty-input '
# A filter that kept none of a file's packets is not an empty input.
check gate-filter-kept-none 1 '^Validate: FAIL' \
	"$bin" -q --validate -f 'not port 5222' -r "$tmp/gate-ssh.pcap" -r "$ga"
hasnt gate-filter-kept-none-empty "$tmp/out" 'empty-input'
has gate-filter-kept-none-counted "$tmp/out" \
	"filter 'not port 5222' kept: it left out 6 of 9 packets"
# A filter: the run is the operator's to narrow, and passes, but its
# first line says what was judged: only what the filter kept, and how
# many packets it left out (it said "PASS: 1 documented", as if the
# SSH session to 4444 had been judged).
gs=$tmp/gate-ssh.pcap
check gate-no-filter 1 '^FAIL: 1 undocumented' "$bin" --validate -r "$gs"
check gate-filter 0 "^PASS: 1 documented; judged only what the filter 'not port 22' kept: it left out 3 of 6 packets \\(exit 0\\)\$" \
	"$bin" --validate -f 'not port 22' -r "$gs"
check gate-filter-validate 0 "^Validate: PASS: .*; judged only what the filter 'not port 22' kept: it left out 3 of 6 packets\$" \
	"$bin" -q --validate -f 'not port 22' -r "$gs"
"$bin" -q --validate --format json -f 'not port 22' -r "$gs" >"$tmp/gate-f.json"
check gate-filter-json 0 '^\{"expression":"not port 22","packets_read":6,"left_out":3,"why":"judged only what the filter .not port 22. kept: it left out 3 of 6 packets"\} pass$' \
	jval 'select(.type == "summary") | "\(.filter) \(.validate)"' "$tmp/gate-f.json"
"$bin" -q --validate --format ecs -f 'not port 22' -r "$gs" >"$tmp/gate-f.ecs"
check gate-filter-ecs 0 '^not port 22 3 6$' \
	jval 'select(.event.dataset == "impwatch.summary") | .impwatch.filter |
	      "\(.expression) \(.left_out) \(.packets_read)"' "$tmp/gate-f.ecs"
# Without a filter there is none to say.
"$bin" -q --validate --format json -r "$ga" >"$tmp/gate-n.json"
check gate-no-filter-json 0 '^false$' \
	jval 'select(.type == "summary") | has("filter")' "$tmp/gate-n.json"

# The README's impwatch commands run as shown, with the names it gives:
# its captures are the demo's (as the README says to try them first),
# site.conf, site.hosts and board.waivers the files it shows. A command
# exits 0, or 1 with --validate (the demo has findings); 2 means a
# reader who copies it trips. Live commands (-i) are the live suite's.
# The waivers example used a role without --hosts: exit 2.
rd=$tmp/readme
mkdir -p "$rd/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$rd/bin/impwatch"
for c in capture a span change site; do cp pcaps/demo.pcap "$rd/$c.pcap"; done
# b.pcap is another capture: a copy of a.pcap is refused as one capture.
cp pcaps/fmt-multi-b.pcap "$rd/b.pcap"
cp pcaps/demo.pcapng "$rd/capture.pcapng"
# block FIRST: the README's indented block from the line FIRST on, to
# the first line that is not indented, unindented.
block() {
	awk -v first="$1" 'index($0, first) == 1 { on = 1 }
		on && !/^    / { exit } on { print substr($0, 5) }' README.md
}
block '    23 | ext-db-postgresql' >"$rd/site.conf"
block '    # ROLE[,ROLE...]  ADDRESS' >"$rd/site.hosts"
block '    # WHAT ' >"$rd/board.waivers"
for f in site.conf site.hosts board.waivers; do
	assert "readme-file-$f" -s "$rd/$f"
done
grep -E '^    impwatch ' README.md | sed -E -e 's/^    //' \
	-e 's/[[:space:]]+# .*$//' |
	grep -Ev -- ' -i |\\$|^impwatch [0-9]|^impwatch [a-z]+:' >"$rd/cmds"
assert readme-commands "$(wc -l <"$rd/cmds")" -ge 15
while IFS= read -r cmd; do
	want=0
	case $cmd in *--validate*) want=1 ;; esac
	check "README: $cmd" "$want" '' sh -c 'cd "$1" &&
		PATH="$1/bin:$PATH" eval "$2" </dev/null' sh "$rd" "$cmd"
	hasnt "README, no error: $cmd" "$tmp/out" '^impwatch: '
done <"$rd/cmds"

# What the README shows these commands write. Its firewall excerpts,
# from its inventory (site.hosts above): each line but "..." is one of
# the rules, and each format its comment names is written.
excerpt() {
	awk -v after="$1" 'index($0, after) { on = 1; next }
		on && /^    / { sub(/^ +/, ""); if ($0 != "...") print; got = 1; next }
		got { exit }' README.md
}
excerpt 'From the inventory above:' >"$rd/nft.want"
excerpt 'and as a Cisco ASA access list:' >"$rd/asa.want"
for f in nft asa; do
	assert "readme-$f-excerpt" "$(wc -l <"$rd/$f.want")" -ge 3
	[ $f = nft ] && fmt=nftables || fmt=asa
	"$bin" acl --hosts "$rd/site.hosts" --format $fmt >"$rd/$f.got" 2>&1
	while IFS= read -r line; do
		if grep -qxF -- "$line" "$rd/$f.got" ||
		    grep -qF -- "	$line" "$rd/$f.got"; then
			ok
		else
			failed "README's $fmt excerpt" "impwatch acl writes no '$line'"
		fi
	done <"$rd/$f.want"
done
for f in ios iptables ip6tables; do
	grep -q "impwatch acl --hosts site.hosts --format asa .*# or .*$f" README.md &&
		ok || failed "readme-acl-$f" "the README's acl example names no $f"
	check "README: impwatch acl --format $f" 0 '' \
		"$bin" acl --hosts "$rd/site.hosts" --format $f
done
# The JSON flow record and the ECS event it shows: every key in them is
# one the demo's SIP session over TCP (client port 51060) has.
block '    {"type":"flow"' >"$rd/json.want"
block '    {"@timestamp"' >"$rd/ecs.want"
"$bin" -q --format json -r pcaps/demo.pcap >"$rd/demo.json"
"$bin" -q --format ecs -r pcaps/demo.pcap >"$rd/demo.ecs"
jval 'select(.type == "flow" and .client_port == 51060) |
	[paths | .[-1] | strings] | .[]' "$rd/demo.json" | sort -u >"$rd/json.keys"
jval 'select(.event.dataset == "impwatch.flow" and .source.port == 51060) |
	[paths | .[-1] | strings] | .[]' "$rd/demo.ecs" | sort -u >"$rd/ecs.keys"
for f in json ecs; do
	grep -oE '"[@a-z_0-9]+":' "$rd/$f.want" | tr -d '":' | sort -u \
		>"$rd/$f.want.keys"
	assert "readme-$f-example" "$(wc -l <"$rd/$f.want.keys")" -ge 20
	comm -23 "$rd/$f.want.keys" "$rd/$f.keys" >"$rd/$f.extra"
	if [ -s "$rd/$f.extra" ]; then
		failed "README's $f example" "keys a record lacks: $(tr '\n' ' ' <"$rd/$f.extra")"
	else
		ok
	fi
done

# The README's table of record fields gives the CSV columns in the order
# --format csv writes them ("new columns are only ever added at the
# end"): its DSCP rows said c2s, s2c, then both changed flags.
awk '/^\| JSON \| CSV \| ECS \| meaning \|$/ { on = 1; next }
	on && /^\|--/ { next } on && !/^\|/ { exit }
	on { split($0, f, "|"); c = (f[3] ~ /the same/) ? f[2] : f[3]
	     while (match(c, /`[a-z0-9_]+`/)) {
		print substr(c, RSTART + 1, RLENGTH - 2)
		c = substr(c, RSTART + RLENGTH) } }' README.md >"$tmp/readme-csv"
"$bin" -q --format csv -r pcaps/demo.pcap | head -1 | tr ',' '\n' \
	>"$tmp/csv-header"
same "README's field table in --format csv's column order" \
	"$tmp/readme-csv" "$tmp/csv-header"

# Every shell script of the project parses (sh -n, or bash -n where its
# first line asks for bash): `make bench` and the tools run in no other
# suite, and a quote left open in an awk program inside one (bench/run.sh,
# once) stops it at its first line.
for f in $(git ls-files '*.sh' 2>/dev/null || ls bench/*.sh fuzz/*.sh tools/*.sh tests/*/*.sh); do
	shell=sh
	head -n 1 "$f" | grep -q bash && shell=bash
	"$shell" -n "$f" 2>"$tmp/sh-n" && ok ||
		{ failed "$shell -n $f" "it does not parse:"; show "$tmp/sh-n"; }
done

finish cli
