#!/bin/sh
# run.sh BIN [--update]: `impwatch acl`, the firewall rules the catalogue
# implies, tested as a person uses them.
#
#  1. The command line: errors are "FILE:LINE: reason" and exit 2; -o;
#     --rules-add; --observed on impwatch's own records of pcaps/roles.pcap.
#  2. Cisco ASA and IOS output against golden files (site.asa, site.ios,
#     from site.hosts; --update rewrites them). Their syntax was checked
#     against Cisco's references:
#       ASA: "Cisco ASA Series Firewall CLI Configuration Guide" (9.x),
#         chapter 3 "Access Control Lists": "access-list NAME extended
#         {deny|permit} PROTOCOL SOURCE [PORT] DEST [PORT] [log]" with
#         host, address and mask, IPv6 prefix, any4/any6/any, object-group,
#         "eq"/"range", icmp and icmp6, and "access-list NAME remark"; its
#         chapter "Objects for Access Control" ("object-group network",
#         "network-object host|ADDR MASK|PREFIX/LEN"); "Cisco ASA 5500
#         Series Configuration Guide using the CLI", "Using the
#         Command-Line Interface", "Adding Comments" (':' lines).
#       IOS: "Cisco IOS IP Configuration Guide", "Filtering IP Packets
#         Using Access Lists" (ip access-list extended NAME; permit/deny
#         PROTOCOL SOURCE WILDCARD [eq|range] DEST ... [established] [log];
#         remark); "Catalyst 3750 Metro Switch Command Reference", "deny
#         (IPv6 access-list configuration)" (ipv6 access-list, "host" and
#         ADDR/LEN, icmp for ICMPv6, the implicit nd-na and nd-ns permits,
#         which every explicit deny must follow).
#  3. iptables and ip6tables output through iptables-restore --test and
#     ip6tables-restore --test (iptables-restore(8)), in a namespace of
#     its own (root).
#  4. nftables output (nft(8)) loaded with nft -f into a router namespace
#     between a client and a server namespace (veth pairs, documentation
#     addresses inside the namespaces only): documented role pairs connect
#     through it with real TCP and UDP sockets, IPv4 and IPv6; an
#     undocumented port, a role pair the guide does not allow, a wrong
#     sender port and the wrong direction of a one-way row are stopped,
#     each counted by the final rule's counter; a host listed inside a
#     network of other roles is held to its own (root).
#  5. The same router and cases with the iptables and ip6tables output
#     loaded by iptables-restore and ip6tables-restore instead (root).
# Every process is bounded in time; everything made is torn down.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
update=${2:-}
dir=tests/acl
skip=0
ns_c=impw-aclc-$$
ns_r=impw-aclr-$$
ns_s=impw-acls-$$
ns_t=impw-aclt-$$
cleanup() {
	[ -n "${srv_s:-}" ] && kill "$srv_s" 2>/dev/null
	[ -n "${srv_c:-}" ] && kill "$srv_c" 2>/dev/null
	for ns in "$ns_c" "$ns_r" "$ns_s" "$ns_t"; do
		ip netns del "$ns" 2>/dev/null
	done
}
# A failed case shows the output of the last command run.
context() { show "$tmp/out" 12 '  | ' 200; }

# --- 1. The command line ---------------------------------------------------
check no-hosts 2 '--hosts FILE is required' "$bin" acl
check bad-format 2 "invalid value 'pf' for --format \(nftables, iptables, ip6tables, asa, ios\)" \
	"$bin" acl --hosts $dir/site.hosts --format pf
check missing-hosts 2 'no-such\.hosts: ' "$bin" acl --hosts no-such.hosts
# A second --rules (or --hosts, --format, -o) is refused, not dropped.
check rules-twice 2 "^impwatch acl: --rules given twice \('rules/imp.conf', then 'tests/rules/good.conf'\)" \
	"$bin" acl --hosts $dir/site.hosts --rules rules/imp.conf --rules tests/rules/good.conf
check hosts-twice 2 "^impwatch acl: --hosts given twice" \
	"$bin" acl --hosts $dir/site.hosts --hosts $dir/live.hosts
check bad-hosts 2 '^tests/hosts/bad-cidr\.hosts:[0-9]+: host bits set' \
	"$bin" acl --hosts tests/hosts/bad-cidr.hosts
# The inventory's prefix lengths, as for a run: a leading zero is
# refused ("/0" alone is zero: some tools read "024" as octal), and so is
# a length past /32 or /128.
for p in 0.0.0.0/00 192.0.2.0/024 192.0.2.0/0024 2001:db8::/0128; do
	printf 'imp 192.0.2.10\nbrowser %s\n' "$p" >"$tmp/zero.hosts"
	check "hosts-leading-zero-$p" 2 "^$tmp/zero\\.hosts:2: prefix length '${p#*/}' has a leading zero\$" \
		"$bin" acl --hosts "$tmp/zero.hosts"
done
for p in 192.0.2.0/33 2001:db8::/129; do
	printf 'imp 192.0.2.10\nbrowser %s\n' "$p" >"$tmp/range.hosts"
	check "hosts-length-${p#*/}" 2 "^$tmp/range\\.hosts:2: prefix length /${p#*/} out of range 0-(32|128)\$" \
		"$bin" acl --hosts "$tmp/range.hosts"
done
printf 'imp 192.0.2.10/32\nbrowser 0.0.0.0/0\nbrowser ::/0\nimp 2001:db8::1/128\n' >"$tmp/lengths.hosts"
"$bin" acl --hosts "$tmp/lengths.hosts" >"$tmp/lengths.nft" 2>"$tmp/out"
has hosts-lengths-v4 "$tmp/lengths.nft" '0\.0\.0\.0/0'
has hosts-lengths-v6 "$tmp/lengths.nft" '::/0'
has hosts-lengths-v6-host "$tmp/lengths.nft" '2001:db8::1([^/]|$)'
check stray-argument 2 "unexpected argument 'extra.json'" "$bin" acl --hosts $dir/site.hosts extra.json
# As for a run: '-o -' is standard output, never a file named '-', and an
# empty name is refused naming its option (it used to say ": No such
# file or directory").
mkdir "$tmp/dash"
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
check dash-output 0 '^table inet impwatch \{' sh -c 'cd "$1" && exec "$2" acl --hosts "$3" -o -' \
	sh "$tmp/dash" "$abs_bin" "$PWD/$dir/site.hosts"
check dash-output-no-file 0 '' test ! -e "$tmp/dash/-"
for o in -o --observed --rules --rules-add --format; do
	check "empty-name$o" 2 "^impwatch acl: invalid value '' for $o( |\$)" \
		"$bin" acl --hosts $dir/site.hosts $o ''
done
check empty-name--hosts 2 "^impwatch acl: invalid value '' for --hosts\$" "$bin" acl --hosts ''
# An argument echoed in an error is shown as a file's line is: a
# terminal escape as \xNN (they were echoed raw).
esc=$(printf '\033[31m')
ctl=$(printf '[\001-\010\013-\037\177]')
check esc-format 2 "^impwatch acl: invalid value 'x\\\\x1b\\[31m' for --format" \
	"$bin" acl --hosts $dir/site.hosts --format "x$esc"
hasnt esc-format-raw "$tmp/out" "$ctl"
check esc-hosts 2 "^h\\\\x1b\\[31m: cannot open: No such file or directory\$" \
	"$bin" acl --hosts "h$esc"
hasnt esc-hosts-raw "$tmp/out" "$ctl"
check esc-unexpected 2 "^impwatch acl: unexpected argument 'x\\\\x1b\\[31m'\$" \
	"$bin" acl --hosts $dir/site.hosts "x$esc"
hasnt esc-unexpected-raw "$tmp/out" "$ctl"
check esc-option 2 "^impwatch acl: unrecognized option '--x\\\\x1b\\[31m'\$" \
	"$bin" acl --hosts $dir/site.hosts "--x$esc"
hasnt esc-option-raw "$tmp/out" "$ctl"
check option-needs-arg 2 "^impwatch acl: option '--hosts' requires an argument\$" \
	"$bin" acl --hosts
check help 0 '--observed FILE' "$bin" acl --help
check main-help 0 'impwatch acl --hosts FILE' "$bin" --help

"$bin" acl --hosts $dir/site.hosts -o "$tmp/o.nft" >"$tmp/out" 2>&1
if [ $? -eq 0 ] && [ ! -s "$tmp/out" ] && grep -q '^table inet impwatch {' "$tmp/o.nft"; then
	ok
else
	bad output-file "-o did not write the rules to the file alone"
fi
# -o onto one of its own inputs: refused, the input left as it was.
cp $dir/site.hosts "$tmp/in.hosts"
check output-is-hosts 2 "cannot write the rules to $tmp/in.hosts: it is an input" \
	"$bin" acl --hosts "$tmp/in.hosts" -o "$tmp/in.hosts"
cp tests/rules/site-postgresql.conf "$tmp/in.conf"
check output-is-rules-add 2 "cannot write the rules to $tmp/in.conf: it is an input" \
	"$bin" acl --hosts $dir/site.hosts --rules-add "$tmp/in.conf" -o "$tmp/in.conf"
# -o onto the FIFO --observed reads: refused by stat() before anything
# opens. It was let through: acl waited on itself, killed after 10 s.
mkfifo "$tmp/out.fifo"
check output-is-observed-fifo 2 "^impwatch acl: cannot write the rules to $tmp/out.fifo: it is an input \\($tmp/out.fifo\\)\$" \
	timeout -s KILL 10 "$bin" acl --hosts $dir/site.hosts -o "$tmp/out.fifo" --observed "$tmp/out.fifo"
check output-inputs-untouched 0 '' sh -c "cmp \"$tmp/in.hosts\" $dir/site.hosts &&
	cmp \"$tmp/in.conf\" tests/rules/site-postgresql.conf"
check output-unwritable 2 'cannot write' "$bin" acl --hosts $dir/site.hosts -o "$tmp/no/such/dir/x"
# A write that fails half way (a full disk: here a file size limit,
# SIGXFSZ ignored so that write() says EFBIG) leaves the rules of before
# as they were, and no file half written beside them. -o truncated the
# file first: the old rules were lost, 4 kB of new ones left in their
# place.
echo 'the rules of before' >"$tmp/kept.nft"
check output-write-fails 2 "^impwatch: cannot write $tmp/kept\\.nft: File too large\$" \
	sh -c 'trap "" XFSZ; ulimit -f 8; exec "$@"' sh "$bin" acl --hosts $dir/site.hosts -o "$tmp/kept.nft"
check output-write-fails-kept 0 '^the rules of before$' cat "$tmp/kept.nft"
check output-write-fails-no-temp 0 '^1$' sh -c 'ls "$1" | grep -c "^kept\.nft"' sh "$tmp"
# Written whole, the file is replaced: the new rules, its mode kept.
chmod 600 "$tmp/kept.nft"
check output-replaced 0 '' "$bin" acl --hosts $dir/site.hosts -o "$tmp/kept.nft"
has output-replaced-rules "$tmp/kept.nft" '^table inet impwatch \{'
check output-replaced-mode 0 '^600$' stat -c %a "$tmp/kept.nft"
# Standard output that cannot be written is named as a run names it (it
# was "cannot write output").
check output-stdout-full 2 '^impwatch: cannot write standard output: No space left on device$' \
	sh -c '"$1" acl --hosts "$2" >/dev/full' sh "$bin" $dir/site.hosts
check output-stdout-closed 2 '^impwatch: cannot write standard output: Bad file descriptor$' \
	sh -c '"$1" acl --hosts "$2" >&-' sh "$bin" $dir/site.hosts
# The rules name the site's hosts and what they may say to each other:
# created 0640 as the report is, not world-readable (the umask may take
# more); they used to be 0644.
rm -f "$tmp/mode.nft"
# A one-line inventory is "1 line" in the rules' header.
printf 'cucm 192.0.2.20 cucm\n' >"$tmp/one.hosts"
check header-one-line 0 "one\\.hosts: 1 line, 1 IPv4 and 0 IPv6\\.\$" \
	"$bin" acl --hosts "$tmp/one.hosts"
check output-mode 0 '^640$' sh -c "umask 022; \"$bin\" acl --hosts $dir/site.hosts -o \"$tmp/mode.nft\" && stat -c %a \"$tmp/mode.nft\""
rm -f "$tmp/mode.nft"
check output-mode-umask 0 '^600$' sh -c "umask 077; \"$bin\" acl --hosts $dir/site.hosts -o \"$tmp/mode.nft\" && stat -c %a \"$tmp/mode.nft\""

# An inventory whose pairs no list takes: 2,000 IM&P nodes listed one by
# one inside a /16, each a pair with every other. iptables and IOS name
# each pair (no sets), so that is millions of rules: they were written
# all the same (65,535 hosts inside one /8 made 77 GB of iptables rules
# and filled the disk). Counted first and refused: exit 2, the count, the
# bound and what to do, and nothing written: no -o file made, one there
# left as it was. ulimit -f (512-byte blocks) keeps what the old code
# wrote to 10 MB; nftables and ASA name groups and write the same
# inventory small.
awk 'BEGIN { for (i = 0; i < 2000; i++)
	printf "imp 10.1.%d.%d\n", i / 250, i % 250 + 1 }' >"$tmp/big.hosts"
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "imp 2001:db8:1::%x\n", i + 1 }' \
	>"$tmp/big6.hosts"
capped() { sh -c 'ulimit -f 20480; exec "$@"' sh "$@"; }
bound_msg='would write [0-9]+ rules for the pairs of hosts in .*, more than the bound of [0-9]+: list hosts as networks in the inventory, or use --format nftables or asa, which name groups of hosts; nothing written$'
for f in iptables ios; do
	check "bound-$f" 2 "^impwatch acl: --format $f $bound_msg" \
		capped "$bin" acl --hosts "$tmp/big.hosts" --format $f
	count "bound-$f-one-line" "$tmp/out" '' 1
	check "bound-$f-no-file" 2 "^impwatch acl: --format $f $bound_msg" \
		capped "$bin" acl --hosts "$tmp/big.hosts" --format $f -o "$tmp/big.$f"
	assert "bound-$f-no-file-made" ! -e "$tmp/big.$f"
	echo 'the rules of before' >"$tmp/kept.$f"
	check "bound-$f-file-kept" 2 "^impwatch acl: --format $f $bound_msg" \
		capped "$bin" acl --hosts "$tmp/big.hosts" --format $f -o "$tmp/kept.$f"
	check "bound-$f-file-kept-as-was" 0 '^the rules of before$' cat "$tmp/kept.$f"
done
check bound-ip6tables 2 "^impwatch acl: --format ip6tables $bound_msg" \
	capped "$bin" acl --hosts "$tmp/big6.hosts" --format ip6tables
check bound-ios-v6 2 "^impwatch acl: --format ios $bound_msg" \
	capped "$bin" acl --hosts "$tmp/big6.hosts" --format ios
# When lines inside a wider line are the cause, the advice says so: 20
# CUCM hosts inside an IM&P /8 cut it into 372 networks, each a pair with
# every other (4.7 million iptables rules; the same hosts with the /8
# elsewhere take 254). "List hosts as networks" was the advice, for an
# inventory of one network and hosts already inside it.
{ echo 'imp 10.0.0.0/8'
  awk 'BEGIN { for (i = 0; i < 20; i++) printf "cucm 10.%d.%d.%d\n", i * 6, i * 7 % 256, i + 1 }'; } >"$tmp/nested.hosts"
nested_msg='would write [0-9]+ rules for the pairs of hosts in .*, more than the bound of [0-9]+: the 20 lines inside a wider line cut it into [0-9]+ networks, each a pair with the others: list the wider line narrower, as the networks that hold its roles, or use --format nftables or asa, which name groups of hosts; nothing written$'
for f in iptables ios; do
	check "bound-nested-$f" 2 "^impwatch acl: --format $f $nested_msg" \
		capped "$bin" acl --hosts "$tmp/nested.hosts" --format $f
done
# The README's example of the refusal is this inventory's, word for word.
"$bin" acl --hosts "$tmp/big.hosts" --format iptables 2>&1 |
	sed "s|$tmp/||" >"$tmp/out"
grep -E '^ +impwatch acl: --format iptables would write' README.md |
	sed 's/^ *//' >"$tmp/readme-bound"
same readme-bound "$tmp/readme-bound" "$tmp/out"
# The other family's format has none of these pairs: written.
check bound-other-family 0 '^COMMIT$' \
	capped "$bin" acl --hosts "$tmp/big.hosts" --format ip6tables
for f in nftables asa; do
	check "bound-$f-groups" 0 '' \
		capped "$bin" acl --hosts "$tmp/big.hosts" --format $f -o "$tmp/big.$f"
	assert "bound-$f-groups-small" "$(wc -c <"$tmp/big.$f")" -lt 1000000
done

# --rules-add moves a port: the rules follow the site's catalogue.
"$bin" acl --hosts $dir/site.hosts --rules-add tests/rules/site-postgresql.conf >"$tmp/add.nft" 2>"$tmp/out"
has rules-add "$tmp/add.nft" 'tcp dport 15432 accept comment "table 23 ext-db-postgresql"'
hasnt rules-add-old-port "$tmp/add.nft" 'tcp dport 5432 accept comment "table 23 ext-db-postgresql"'
has rules-add-named "$tmp/add.nft" '^#   tests/rules/site-postgresql\.conf$'

# --observed: the records of a run, read back.
"$bin" -q --format json --hosts tests/hosts/site.hosts -r pcaps/roles.pcap >"$tmp/roles.json"
"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/roles.json" >"$tmp/obs.nft" 2>"$tmp/out"
has observed-counts "$tmp/obs.nft" '^# Observed: 18 flow records in 1 file, 9 documented: 9$'
has observed-used "$tmp/obs.nft" 'ip saddr != @inventory_v4 ip daddr @imp_v4 tcp dport 5222 accept'
has observed-used-t30 "$tmp/obs.nft" 'tcp dport 1500 accept comment "table 30 ids-db"'
hasnt observed-narrowed "$tmp/obs.nft" 'dport 5061 accept'
has observed-unused "$tmp/obs.nft" '^#   table 2 sip-proxy-tls tls/5061 sip-gateway -> imp$'
hasnt observed-not-both "$tmp/obs.nft" '^#   table 22 xcp-client-access '
# The same records twice, the second named after the option.
"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/roles.json" "$tmp/roles.json" >"$tmp/obs2.nft" 2>&1
has observed-two-files "$tmp/obs2.nft" '^# Observed: 36 flow records in 2 files, 18 documented: 18$'
{ head -3 "$tmp/roles.json"; echo '{"type":"flow","transport":"tcp"'; } >"$tmp/bad.json"
check observed-bad-line 2 "^$tmp/bad.json:4: not a JSON record" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/bad.json"
echo '{"type":"flow","transport":"tcp","client_ip":"192.0.2.1","server_ip":"192.0.2.10"}' >"$tmp/short.json"
check observed-missing-field 2 "^$tmp/short.json:1: flow record without a \"client_port\"" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/short.json"
# A flow's two ends are of one IP version: ::ffff:192.0.2.10 is IPv6
# (an IPv6 header's IPv4-mapped address), 192.0.2.20 IPv4.
echo '{"type":"flow","transport":"tcp","client_ip":"::ffff:192.0.2.10","server_ip":"192.0.2.20"}' >"$tmp/mixed.json"
check observed-mixed-versions 2 "^$tmp/mixed.json:1: flow record without a \"server_ip\" address of the client's IP version\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/mixed.json"
# A waiver accepts a finding for a while; it documents nothing: the
# records of a run whose role violations were waived give the rules the
# same records give unwaived.
printf 'role-violation tcp/5060 | 2999-12-31 | CHG-1\nrole-violation tcp/1500 | 2999-12-31 | CHG-2\n' >"$tmp/rv.waivers"
"$bin" -q --format json --hosts tests/hosts/site.hosts --waivers "$tmp/rv.waivers" \
	-r pcaps/roles.pcap >"$tmp/waived.json"
has observed-waived-records "$tmp/waived.json" '"verdict":"role-violation".*"waiver":\{"ticket":"CHG-1"'
"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/waived.json" >"$tmp/waived.nft" 2>"$tmp/out"
check observed-waived-opens-nothing 0 '' cmp "$tmp/waived.nft" "$tmp/obs.nft"
# A file that cannot be read is said as every loader says it (--rules,
# --hosts, --waivers, 'impwatch roles --rules'): "FILE: cannot open:
# reason", "FILE: not a regular file (a directory)", and an empty file
# holds no records, as an empty inventory holds no hosts. They used to
# be "FILE: No such file or directory", "FILE: is a directory",
# "FILE: Permission denied", and an empty file permitted nothing, exit 0.
: >"$tmp/empty.json"
check observed-empty 2 "^$tmp/empty\\.json: no records \\(write them with --format json\\)\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/empty.json"
printf '\n  \r\n\t\n' >"$tmp/blank.json"
check observed-blank 2 "^$tmp/blank\\.json: no records \\(write them with --format json\\)\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/blank.json"
check observed-empty-stdin 2 '^-: no records \(write them with --format json\)$' \
	sh -c "\"$bin\" acl --hosts tests/hosts/site.hosts --observed - <\"$tmp/empty.json\""
# Records with no flow (a run that saw nothing) are records: rules that
# permit nothing, said on standard error, and exit 3 (it was 0: a script
# applying the rules on success cut every documented service).
grep '"type":"summary"' "$tmp/roles.json" >"$tmp/noflow.json"
check observed-no-flow 3 'no documented flow of the observed records used a row' \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/noflow.json"
"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/noflow.json" 2>/dev/null >"$tmp/noflow.nft"
hasnt observed-no-flow-permits-nothing "$tmp/noflow.nft" 'dport .* accept'
# Least privilege from records that may not hold every flow drops the
# documented services the records left out. Records whose run never wrote
# its summary (cut short), whose summary says it was inconclusive, its
# capture health poor, or an input not read in full: the rules are
# written, the header and standard error say why, exit 3. All of these
# were exit 0, with nothing said.
partial_msg='^impwatch acl: the observed records may not hold every flow: a rule a documented flow needs may be missing \(exit 3\):$'
grep -v '"type":"summary"' "$tmp/roles.json" >"$tmp/nosum.json"
check observed-no-summary 3 "^  $tmp/nosum\\.json: run [0-9a-f]+ has no summary record: cut short, or its other records are in a file not given\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/nosum.json" -o "$tmp/nosum.nft"
has observed-no-summary-said "$tmp/out" "$partial_msg"
has observed-no-summary-header "$tmp/nosum.nft" '^# PARTIAL: the observed records may not hold every flow:$'
has observed-no-summary-header-why "$tmp/nosum.nft" "^#   $tmp/nosum\\.json: run [0-9a-f]+ has no summary record"
has observed-no-summary-rules "$tmp/nosum.nft" 'tcp dport 5222 accept'
# A run's records over two files (a rotated log), given together: whole.
head -5 "$tmp/roles.json" >"$tmp/rot.1.json"
tail -n +6 "$tmp/roles.json" >"$tmp/rot.json"
check observed-rotated 0 '' "$bin" acl --hosts tests/hosts/site.hosts \
	--observed "$tmp/rot.1.json" "$tmp/rot.json" -o "$tmp/rot.nft"
has observed-rotated-counts "$tmp/rot.nft" '^# Observed: 18 flow records in 2 files, 9 documented: 9$'
hasnt observed-rotated-whole "$tmp/rot.nft" 'PARTIAL'
check observed-rotated-alone 3 "^  $tmp/rot\\.1\\.json: run [0-9a-f]+ has no summary record" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/rot.1.json"
# The piece with the summary alone: the run's summary counts 18 flows,
# 13 are here (the rotated piece before it left out). It was exit 0.
check observed-rotated-piece-missing 3 "^  $tmp/rot\\.json: run [0-9a-f]+ wrote 18 flow records, 13 of them read: give every file of the run\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/rot.json"
# A run --validate found inconclusive: its reasons.
"$bin" -q --validate --format json -r pcaps/health-half-duplex.pcap >"$tmp/oneway.json"
check observed-inconclusive 3 "^  $tmp/oneway\\.json: its run was inconclusive \\(one-way\\): 10 of 12 TCP flows seen in one direction only" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/oneway.json"
has observed-inconclusive-said "$tmp/out" "$partial_msg"
# Without --validate the summary says the health: poor is partial too.
"$bin" -q --format json -r pcaps/health-duplicates.pcap >"$tmp/dups.json"
check observed-health-poor 3 "^  $tmp/dups\\.json: its run's capture health is poor: 36 of 72 frames were mirrored twice" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/dups.json"
# A run that could not read its capture whole (exit 2).
"$bin" -q --format json -r pcaps/bad-truncated.pcap >"$tmp/cut.json" 2>/dev/null
check observed-input-error 3 "^  $tmp/cut\\.json: its run ended in error \\(exit status 2\\): an input not read in full, or an output not written\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/cut.json"
# Records judged under another catalogue: a site that moved PostgreSQL
# to 15432 (--rules-add for its run) and forgot the file for acl. The
# documented flow was counted "a port no row of this catalogue
# documents" in a comment, the moved row had no rule, exit 0: the
# database cut off. Now said, exit 3; with the site's file, whole.
{ echo '{"type":"flow","run_id":"pg","transport":"tcp","client_ip":"192.0.2.10","client_port":50000,"server_ip":"192.0.2.50","server_port":15432,"service":"ext-db-postgresql","tables":[23],"verdict":"documented"}'
  echo '{"type":"summary","run_id":"pg","flows":1,"inconclusive":[],"exit_status":0,"health":{"status":"ok"}}'; } >"$tmp/moved.json"
check observed-other-catalogue 3 "^  1 documented flow is on a port no row of this catalogue documents: its run had another catalogue \\(give acl the run's --rules and --rules-add\\)\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/moved.json"
check observed-same-catalogue 0 '' "$bin" acl --hosts tests/hosts/site.hosts \
	--rules-add tests/rules/site-postgresql.conf --observed "$tmp/moved.json" -o "$tmp/moved.nft"
has observed-same-catalogue-rule "$tmp/moved.nft" 'ip saddr @imp_v4 ip daddr 192\.0\.2\.50 tcp dport 15432 accept'
# A run id per record is no run of impwatch's: past 4096 runs the
# records are refused at the line, before the runs are looked up one by
# one for every record (quadratic).
awk 'BEGIN { for (i = 1; i <= 4097; i++)
	printf "{\"type\":\"flow\",\"run_id\":\"r%d\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.5\",\"client_port\":50000,\"server_ip\":\"192.0.2.10\",\"server_port\":5222,\"service\":null,\"tables\":[22],\"verdict\":\"documented\"}\n", i }' >"$tmp/runs.json"
check observed-too-many-runs 2 "^$tmp/runs\\.json:4097: records of more than 4096 runs \\(run ids\\)\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/runs.json"
head -4096 "$tmp/runs.json" >"$tmp/runs.a.json"
tail -1 "$tmp/runs.json" >"$tmp/runs.b.json"
check observed-too-many-runs-files 2 "^$tmp/runs\\.b\\.json: records of more than 4096 runs \\(run ids\\) with the files before it\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/runs.a.json" "$tmp/runs.b.json"
# The records of a whole, healthy run: no word, exit 0.
check observed-whole 0 '' "$bin" acl --hosts tests/hosts/site.hosts \
	--observed "$tmp/roles.json" -o "$tmp/whole.nft"
count observed-whole-silent "$tmp/out" '' 0
hasnt observed-whole-no-partial "$tmp/whole.nft" 'PARTIAL'
# A summary that cannot say how its run went is a bad line.
sed 's/"inconclusive":\[\],//' "$tmp/roles.json" >"$tmp/nogate.json"
n=$(grep -n '"type":"summary"' "$tmp/roles.json" | cut -d: -f1)
check observed-summary-no-gate 2 "^$tmp/nogate\\.json:$n: summary record without an \"inconclusive\" array\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/nogate.json"
check observed-missing 2 '^no-such\.json: cannot open: No such file or directory$' \
	"$bin" acl --hosts tests/hosts/site.hosts --observed no-such.json
check observed-directory 2 "^$tmp: not a regular file \\(a directory\\)\$" \
	"$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp"
# Unreadable: mode 000, read by a user it is unreadable to (root reads
# anything, so as nobody then; the folder lets nobody in for this alone).
cp "$tmp/roles.json" "$tmp/unreadable.json"
chmod 000 "$tmp/unreadable.json"
as_user=
if [ "$(id -u)" -eq 0 ]; then
	need setpriv acl
	as_user='setpriv --reuid=65534 --regid=65534 --clear-groups'
	chmod 711 "$tmp"
fi
check observed-unreadable 2 "^$tmp/unreadable\\.json: cannot open: Permission denied\$" \
	$as_user "$bin" acl --hosts tests/hosts/site.hosts --observed "$tmp/unreadable.json"
chmod 700 "$tmp"
# A read that fails is said as every loader says it, with its reason
# (it said "cannot read (or out of memory)"): standard input open for
# writing only opens, and its first read fails with EBADF.
check observed-read-error 2 '^-: cannot read: Bad file descriptor$' \
	sh -c "\"\$1\" acl --hosts tests/hosts/site.hosts --observed - 0>\"\$2\"" \
	sh "$bin" "$tmp/write-only.json"
# Standard input is checked as a named file is: a directory or a device
# there is refused before a read, as --observed DIR and --observed
# /dev/null are (a directory used to be "-: cannot read: Is a
# directory", /dev/null "-: no records"), and a terminal is said, not
# waited on (it used to wait for a person to type records).
check observed-stdin-directory 2 '^-: not a regular file \(a directory\)$' \
	sh -c "\"\$1\" acl --hosts tests/hosts/site.hosts --observed - <\"\$2\"" \
	sh "$bin" "$tmp"
check observed-stdin-device 2 '^-: not a regular file \(a character device\)$' \
	sh -c "\"\$1\" acl --hosts tests/hosts/site.hosts --observed - </dev/null" \
	sh "$bin"
check observed-device 2 '^/dev/null: not a regular file \(a character device\)$' \
	"$bin" acl --hosts tests/hosts/site.hosts --observed /dev/null
# on_tty CMD...: CMD with a new terminal as standard input; its output,
# and its status (124 when it still waits after 10 s).
on_tty() {
	python3 -c '
import os, subprocess, sys
m, s = os.openpty()
try:
    r = subprocess.run(sys.argv[1:], stdin=s, timeout=10)
except subprocess.TimeoutExpired:
    sys.exit(124)
sys.exit(r.returncode)' "$@"
}
check observed-stdin-terminal 2 '^-: not a regular file \(a terminal\)$' \
	on_tty "$bin" acl --hosts tests/hosts/site.hosts --observed -
# Records come through a pipe as well as from a file: named /dev/stdin
# or -, and from a FIFO on standard input.
check observed-pipe 0 '^# Observed: 18 flow records in 1 file, 9 documented: 9$' \
	sh -c "cat \"$tmp/roles.json\" | \"$bin\" acl --hosts tests/hosts/site.hosts --observed /dev/stdin"
check observed-pipe-dash 0 '^# Observed: 18 flow records in 1 file, 9 documented: 9$' \
	sh -c "cat \"$tmp/roles.json\" | \"$bin\" acl --hosts tests/hosts/site.hosts --observed -"
mkfifo "$tmp/obs.fifo"
TO=10 check observed-stdin-fifo 0 '^# Observed: 18 flow records in 1 file, 9 documented: 9$' \
	sh -c 'cat "$1" >"$2" & "$3" acl --hosts tests/hosts/site.hosts --observed - <"$2"' \
	sh "$tmp/roles.json" "$tmp/obs.fifo" "$bin"

# --- 2. Cisco ASA and IOS, golden -------------------------------------------
for f in asa ios; do
	"$bin" acl --hosts $dir/site.hosts --format $f >"$tmp/site.$f" 2>&1
	if [ "$update" = --update ]; then
		cp "$tmp/site.$f" "$dir/site.$f"
		echo "updated $dir/site.$f"
	elif diff -u "$dir/site.$f" "$tmp/site.$f" >"$tmp/diff"; then
		ok
	else
		failed "golden-$f" "output differs from $dir/site.$f"
		head -40 "$tmp/diff"
	fi
done
[ "$update" = --update ] && exit 0
# What the goldens must hold, whatever they are regenerated to.
has asa-any "$dir/site.asa" '^access-list impwatch extended permit tcp any4 object-group impwatch-imp-v4 eq 5222$'
has asa-any6 "$dir/site.asa" '^access-list impwatch extended permit tcp any6 object-group impwatch-imp-v6 eq 5222$'
has asa-group "$dir/site.asa" '^ network-object 203\.0\.113\.0 255\.255\.255\.0$'
has asa-final "$dir/site.asa" '^access-list impwatch extended deny ip any any log$'
has ios-v4 "$dir/site.ios" '^ip access-list extended impwatch$'
has ios-v6 "$dir/site.ios" '^ipv6 access-list impwatch-v6$'
has ios-net "$dir/site.ios" '^ permit tcp 203\.0\.113\.0 0\.0\.0\.255 host 192\.0\.2\.10 eq 5222$'
has ios-reply "$dir/site.ios" '^ permit tcp host 192\.0\.2\.10 eq 5222 203\.0\.113\.0 0\.0\.0\.255 established$'
has ios-final "$dir/site.ios" '^ deny ip any any log$'
# An IPv6 list must permit neighbour discovery before any deny that can
# match it (the implicit nd-na and nd-ns permits come after an explicit
# deny): a server network listed whole holds the router's own address,
# and "deny ipv6 NET NET" above the permits stopped the nodes' neighbour
# advertisements to it, every IPv6 service with them. Records that used
# XMPP alone leave no ICMP permit between the nodes to let them by.
printf 'imp 2001:db8:5::/64\nxmpp-client 2001:db8:c::/64\n' >"$tmp/nd.hosts"
{ echo '{"type":"flow","run_id":"r","transport":"tcp","client_ip":"2001:db8:c::99","client_port":50000,"server_ip":"2001:db8:5::10","server_port":5222,"service":"xcp-client-access","tables":[22],"verdict":"documented"}'
  echo '{"type":"summary","run_id":"r","flows":1,"inconclusive":[],"exit_status":0,"health":{"status":"ok"}}'; } >"$tmp/nd.json"
# nd_first FILE: in the IPv6 list, both permits come before any deny.
nd_first() {
	awk '/^ipv6 access-list/ { v6 = 1 } !v6 { next }
		/ permit icmp any any nd-na$/ { na = NR } / permit icmp any any nd-ns$/ { ns = NR }
		/^ deny / && !deny { deny = NR }
		END { exit !(na && ns && na < deny && ns < deny) }' "$1"
}
for obs in '' "--observed $tmp/nd.json"; do
	"$bin" acl --hosts "$tmp/nd.hosts" --format ios $obs >"$tmp/nd.ios" 2>"$tmp/out"
	has "ios-nd-net-deny${obs:+-observed}" "$tmp/nd.ios" '^ deny ipv6 2001:db8:5::/64 2001:db8:5::/64 log$'
	if nd_first "$tmp/nd.ios"; then ok; else
		bad "ios-nd-first${obs:+-observed}" "a deny comes before the neighbour discovery permits"; fi
done
if nd_first "$dir/site.ios"; then ok; else bad ios-nd-first-golden "a deny before the ND permits"; fi
# The ASA keeps state for TCP and UDP, not for ICMP: its default policy
# does not inspect ICMP, so an echo reply meets the ACL as a packet of
# its own. With --observed records of endpoints pinging a node, the one
# row used permitted the echo and nothing its reply: every ping failed.
# Each ICMP permit is followed by its echo reply, as in IOS.
printf 'imp-publisher 192.0.2.10\nimp-subscriber 192.0.2.11\n' >"$tmp/echo.hosts"
{ echo '{"type":"flow","run_id":"r","transport":"icmp","client_ip":"203.0.113.5","client_port":0,"server_ip":"192.0.2.10","server_port":0,"service":"icmp-echo","tables":[29],"verdict":"documented"}'
  echo '{"type":"summary","run_id":"r","flows":1,"inconclusive":[],"exit_status":0,"health":{"status":"ok"}}'; } >"$tmp/echo.json"
"$bin" acl --hosts "$tmp/echo.hosts" --observed "$tmp/echo.json" --format asa >"$tmp/echo.asa" 2>"$tmp/out"
has asa-echo "$tmp/echo.asa" '^access-list impwatch extended permit icmp any4 object-group impwatch-imp_endpoint-v4$'
has asa-echo-reply "$tmp/echo.asa" '^access-list impwatch extended permit icmp object-group impwatch-imp_endpoint-v4 any4 echo-reply$'
has asa-echo-reply-golden-v6 "$dir/site.asa" ' permit icmp6 .* echo-reply$'
# Every object-group an ASA entry names is declared above it (the ASA
# refuses the entry otherwise: "specified object group not found"). An
# inventory with two IPv6 lines and no rule to or from "any" in IPv6 got
# a deny between "impwatch-inventory-v6" and itself, never declared.
asa_groups() {
	awk '/^object-group network / { g[$3] = 1; next }
		/^access-list / { for (i = 1; i < NF; i++)
			if ($i == "object-group" && !g[$(i + 1)]) { print $(i + 1); bad = 1 } }
		END { exit bad }' "$1"
}
printf 'imp 192.0.2.10\ncucm 2001:db8::20\npostgresql-db 2001:db8::50\n' >"$tmp/undeclared.hosts"
"$bin" acl --hosts "$tmp/undeclared.hosts" --format asa >"$tmp/undeclared.asa" 2>"$tmp/out"
check asa-groups-declared 0 '' asa_groups "$tmp/undeclared.asa"
check asa-groups-declared-golden 0 '' asa_groups "$dir/site.asa"
# The deny it would name is not needed: no "any" entry in IPv6 follows.
hasnt asa-no-v6-inventory-deny "$tmp/undeclared.asa" 'deny ip .*2001:db8|inventory-v6'
if awk '{ i = index($0, " remark ") } i && length($0) - i - 7 > 100 { exit 1 }' \
	"$dir/site.asa" "$dir/site.ios"; then
	ok
else
	bad remark-length "a remark longer than Cisco's 100 characters"
fi

# Each entry once, in every format: rows whose pairs another row of the
# same ports gives (table 30's one direction of table 25's imp pairs)
# joined the wider rule, and an IOS UDP reply that is the request the
# other way (sender port 8500 to 8500) is not written again. IOS wrote
# 52 of its 764 entries twice, iptables and ip6tables 12 each (their
# comments aside), nftables and the ASA rules the one above had passed.
# entries FILE: its permits and denies, comments cut, as they repeat.
entries() {
	grep -E '^(-A |access-list impwatch extended | (permit|deny) |	+(ip|ip6) )' "$1" |
		sed 's/ -m comment .*//; s/ comment ".*//' | sort | uniq -d
}
# With endpoints, table 29's echo to IM&P nodes (from endpoints and
# nodes) and from them (to both) share the pairs of nodes: iptables and
# IOS wrote each twice.
{ cat $dir/site.hosts; echo 'endpoint 198.51.100.64/26 phones'; } >"$tmp/endpoints.hosts"
for inv in $dir/site.hosts "$tmp/endpoints.hosts"; do
	for f in nftables iptables ip6tables asa ios; do
		"$bin" acl --hosts "$inv" --format $f >"$tmp/once.$f" 2>"$tmp/out"
		entries "$tmp/once.$f" >"$tmp/out"
		count "once-$(basename "$inv" .hosts)-$f" "$tmp/out" '' 0
	done
done
"$bin" acl --hosts $dir/site.hosts >"$tmp/once.nftables" 2>"$tmp/out"
"$bin" acl --hosts $dir/site.hosts --format ios >"$tmp/once.ios" 2>"$tmp/out"
has once-joined "$tmp/once.nftables" 'ip saddr @imp_v4 ip daddr @imp_v4 tcp dport 9003 accept comment "table 25 imdb-presence-dual; table 30 imdb-presence-dual"$'
hasnt once-joined-host "$tmp/once.nftables" 'ip saddr 192\.0\.2\.11 ip daddr 192\.0\.2\.10 tcp dport 9003 '
count once-ios-both-ways "$tmp/once.ios" '^ permit udp host 192\.0\.2\.1[01] eq 8500 host 192\.0\.2\.1[01] eq 8500$' 2

# --- 3 and 4 need root and network namespaces -------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "acl: not root: iptables-restore and the nftables router skipped"
	skip=2
elif ! command -v ip >/dev/null 2>&1 || ! ip netns add "$ns_t" 2>/dev/null; then
	echo "acl: no network namespaces here (iproute2): iptables-restore and the nftables router skipped"
	skip=2
fi

if [ "$skip" -eq 0 ]; then
	# --- 3. iptables-restore --test, in a namespace of its own ----------
	if command -v iptables-restore >/dev/null 2>&1; then
		for f in iptables ip6tables; do
			"$bin" acl --hosts $dir/site.hosts --format $f >"$tmp/site.$f"
			check "$f-restore" 0 '' ip netns exec "$ns_t" "$f-restore" --test "$tmp/site.$f"
		done
		has ip6tables-has-v6 "$tmp/site.ip6tables" '^-A impwatch-forward -s 2001:db8:c::/64 -d 2001:db8:5::10/128 -p tcp -m tcp --dport 5222 '
		hasnt iptables-v4-only "$tmp/site.iptables" '2001:db8'
		# The check itself: a line iptables does not take is caught.
		sed 's/^COMMIT$/-A impwatch-forward -p tcp --dport 99999 -j ACCEPT\nCOMMIT/' \
			"$tmp/site.iptables" >"$tmp/broken.iptables"
		if ip netns exec "$ns_t" iptables-restore --test "$tmp/broken.iptables" >"$tmp/out" 2>&1; then
			bad iptables-restore-catches "a port 99999 passed iptables-restore --test"
		else
			ok
		fi
	else
		echo "acl: iptables-restore not found (make deps installs iptables): skipped"
		skip=$((skip + 1))
	fi
	# Inventories of every shape, each format through its own tool: one
	# family or both, /0 lines, IPv4 written the IPv6 way, a host inside
	# networks inside a network, one host of many roles, loopback, a
	# line of no catalogue row. nft -c reads a file as nft -f would.
	if command -v nft >/dev/null 2>&1 && command -v iptables-restore >/dev/null 2>&1; then
		k=0
		while read -r inv; do
			k=$((k + 1))
			printf "$inv" >"$tmp/shape$k.hosts"
			"$bin" acl --hosts "$tmp/shape$k.hosts" -o "$tmp/shape$k.nft" 2>"$tmp/out"
			check "shape$k-nft" 0 '' ip netns exec "$ns_t" nft -c -f "$tmp/shape$k.nft"
			for f in iptables ip6tables; do
				"$bin" acl --hosts "$tmp/shape$k.hosts" --format $f -o "$tmp/shape$k.$f" 2>"$tmp/out"
				check "shape$k-$f" 0 '' ip netns exec "$ns_t" "$f-restore" --test "$tmp/shape$k.$f"
			done
			"$bin" acl --hosts "$tmp/shape$k.hosts" --format asa -o "$tmp/shape$k.asa" 2>"$tmp/out"
			check "shape$k-asa-groups" 0 '' asa_groups "$tmp/shape$k.asa"
		done <<-'EOF'
		imp 192.0.2.10\n
		imp 2001:db8::10\n
		imp-publisher 192.0.2.10\nimp-subscriber ::ffff:192.0.2.11\n
		browser 0.0.0.0/0\nimp 192.0.2.10\n
		browser ::/0\nimp 2001:db8::10\ncucm 2001:db8::20\n
		xmpp-client ::ffff:0:0/96\nimp 192.0.2.10\n
		xmpp-client 10.0.0.0/8\nimp 10.1.2.3\ncucm 10.1.2.4\nimp-subscriber 10.200.0.0/16\n
		imp,cucm,directory,dns-server,ntp-server,snmp-server,endpoint 192.0.2.1\nimp 192.0.2.2\n
		tunnel-endpoint 192.0.2.99\n
		database 192.0.2.60\nimp-publisher 192.0.2.10\nfile-server 2001:db8::60\nimp-publisher 2001:db8::10\n
		imp 127.0.0.1\nimp 127.0.0.2\nimp ::1\nimp ::2\n
		imp 192.0.2.0/31\nimp 192.0.2.1\n
		EOF
	fi
fi

# --- 4. nftables in a router between two namespaces ------------------------
if [ "$skip" -eq 0 ] && ! command -v nft >/dev/null 2>&1; then
	echo "acl: nft not found (make deps installs nftables): router test skipped"
	skip=1
fi
if [ "$skip" -eq 0 ] && ! command -v python3 >/dev/null 2>&1; then
	echo "acl: python3 not found (make deps installs it): router test skipped"
	skip=1
fi
if [ "$skip" -eq 0 ]; then
	vc=vc$$ vrc=vrc$$ vs=vs$$ vrs=vrs$$
	# noad: no duplicate address detection, so that IPv6 is up at once.
	noad() { ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"; }
	if ! { ip netns add "$ns_c" && ip netns add "$ns_r" && ip netns add "$ns_s" &&
		ip link add "$vc" type veth peer name "$vrc" &&
		ip link add "$vs" type veth peer name "$vrs" &&
		ip link set "$vc" netns "$ns_c" && ip link set "$vrc" netns "$ns_r" &&
		ip link set "$vs" netns "$ns_s" && ip link set "$vrs" netns "$ns_r" &&
		noad "$ns_c" "$vc" && noad "$ns_r" "$vrc" && noad "$ns_r" "$vrs" &&
		noad "$ns_s" "$vs" &&
		ip -n "$ns_c" addr add 198.51.100.11/24 dev "$vc" &&
		ip -n "$ns_c" addr add 198.51.100.20/24 dev "$vc" &&
		ip -n "$ns_c" addr add 198.51.100.99/24 dev "$vc" &&
		ip -n "$ns_c" addr add 2001:db8:c::99/64 dev "$vc" nodad &&
		ip -n "$ns_r" addr add 198.51.100.1/24 dev "$vrc" &&
		ip -n "$ns_r" addr add 2001:db8:c::1/64 dev "$vrc" nodad &&
		ip -n "$ns_r" addr add 192.0.2.1/24 dev "$vrs" &&
		ip -n "$ns_r" addr add 2001:db8:5::1/64 dev "$vrs" nodad &&
		ip -n "$ns_s" addr add 192.0.2.10/24 dev "$vs" &&
		ip -n "$ns_s" addr add 192.0.2.40/24 dev "$vs" &&
		ip -n "$ns_s" addr add 2001:db8:5::10/64 dev "$vs" nodad &&
		for ns in "$ns_c" "$ns_r" "$ns_s"; do ip -n "$ns" link set lo up || exit 1; done &&
		ip -n "$ns_c" link set "$vc" up && ip -n "$ns_r" link set "$vrc" up &&
		ip -n "$ns_r" link set "$vrs" up && ip -n "$ns_s" link set "$vs" up &&
		ip -n "$ns_c" route add default via 198.51.100.1 &&
		ip -n "$ns_c" -6 route add default via 2001:db8:c::1 &&
		ip -n "$ns_s" route add default via 192.0.2.1 &&
		ip -n "$ns_s" -6 route add default via 2001:db8:5::1 &&
		ip netns exec "$ns_r" sysctl -qw net.ipv4.ip_forward=1 &&
		ip netns exec "$ns_r" sysctl -qw net.ipv6.conf.all.forwarding=1; }; then
		echo "acl: cannot build the router namespaces: router test skipped"
		skip=1
	fi
fi
if [ "$skip" -eq 0 ]; then
	sock="python3 $dir/sock.py"
	ip netns exec "$ns_s" timeout 190 $sock serve 180 tcp:5222 tcp:8443 tcp:5062 \
		tcp:8500 tcp:3389 tcp:8080 tcp:636 udp:50000 udp:9999 &
	srv_s=$!
	ip netns exec "$ns_c" timeout 190 $sock serve 180 tcp:636 udp:50000 &
	srv_c=$!
	# Listening once a local connection is answered (at most 5 s).
	i=0
	while [ $i -lt 50 ] && ! { ip netns exec "$ns_s" $sock send 127.0.0.1 127.0.0.1 tcp:5222 &&
		ip netns exec "$ns_c" $sock send 127.0.0.1 127.0.0.1 tcp:636; } 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done

	# denied: the packets the final rule has counted so far (nftables'
	# counter; with fw=ipt, the DROP of iptables' and ip6tables'
	# impwatch-deny chains, added).
	fw=nft
	denied() {
		if [ "$fw" = ipt ]; then
			for t in iptables ip6tables; do
				ip netns exec "$ns_r" $t -w -L impwatch-deny -v -x -n 2>/dev/null
			done | awk '$3 == "DROP" { n += $1 } END { print n + 0 }'
			return
		fi
		ip netns exec "$ns_r" nft list chain inet impwatch forward 2>/dev/null |
			sed -n 's/.*counter packets \([0-9]*\) .*final deny.*/\1/p'
	}
	# through NAME NS SRC DST SPEC [SPORT]: answered, and nothing counted.
	through() {
		name=$1 ns=$2
		shift 2
		before=$(denied)
		if ! ip netns exec "$ns" timeout 10 $sock send "$@"; then
			bad "$name" "no answer through the router: $*"
		elif [ "$(denied)" != "$before" ]; then
			bad "$name" "answered, but the final rule counted packets ($before, then $(denied))"
		else
			ok
		fi
	}
	# counted: the final rule has counted more than $before (a number).
	counted() { [ "$(denied)" -gt "$before" ] 2>/dev/null; }
	# stopped NAME NS SRC DST SPEC [SPORT]: no answer, and the final rule
	# counted it. The sender is stopped as soon as the final rule has
	# counted a packet, rather than left to wait out its 2 s: the test's
	# exchange, one at a time, is all that crosses the router, and a
	# packet that rule counted was dropped, so no answer can come after
	# it. One that came before is in the sender's buffer, and the sender
	# stopped says so (sock.py). The wait is bounded by the sender's
	# own (it ends by itself, answered or not) and by 10 s.
	stopped() {
		name=$1 ns=$2
		shift 2
		before=$(denied)
		ip netns exec "$ns" timeout 10 $sock send "$@" &
		sender=$!
		i=0
		while [ $i -lt 200 ] && ! counted && kill -0 "$sender" 2>/dev/null; do
			sleep 0.05
			i=$((i + 1))
		done
		kill -TERM "$sender" 2>/dev/null
		if wait "$sender"; then
			bad "$name" "answered through the router: $*"
		elif ! counted; then
			bad "$name" "stopped, but the final rule counted nothing ($before, then $(denied))"
		else
			ok
		fi
	}

	# The control: without rules the router forwards all of it, so what
	# is stopped below is stopped by the rules.
	for spec in tcp:3389 tcp:8080; do
		if ip netns exec "$ns_c" timeout 10 $sock send 198.51.100.20 192.0.2.10 $spec; then
			ok
		else
			bad "control-$spec" "no answer through the router before any rule was loaded"
		fi
	done

	"$bin" acl --hosts $dir/live.hosts --format nftables -o "$tmp/live.nft" 2>"$tmp/out"
	check nft-load 0 '' ip netns exec "$ns_r" nft -f "$tmp/live.nft"
	check nft-reload 0 '' ip netns exec "$ns_r" nft -f "$tmp/live.nft"
	if [ "$(denied)" = 0 ]; then ok; else bad nft-counter "the final counter reads '$(denied)' after loading, want 0"; fi

	# Documented pairs of roles, IPv4 and IPv6, TCP and UDP.
	through xmpp-client-outside "$ns_c" 198.51.100.99 192.0.2.10 tcp:5222
	through xmpp-client-outside-v6 "$ns_c" 2001:db8:c::99 2001:db8:5::10 tcp:5222
	through browser-outside "$ns_c" 198.51.100.99 192.0.2.10 tcp:8080
	through cucm-tomcat-t30 "$ns_c" 198.51.100.20 192.0.2.10 tcp:8443
	through imp-mtls "$ns_c" 198.51.100.11 192.0.2.10 tcp:5062
	through livebus-sub-to-pub "$ns_c" 198.51.100.11 192.0.2.10 udp:50000
	through livebus-pub-to-sub "$ns_s" 192.0.2.10 198.51.100.11 udp:50000
	through ipsec-mgr-sport "$ns_c" 198.51.100.11 192.0.2.10 tcp:8500 8500
	through ldaps-imp-to-directory "$ns_c" 198.51.100.11 192.0.2.40 tcp:636

	# What the guide does not document between these hosts.
	stopped undocumented-port "$ns_c" 198.51.100.99 192.0.2.10 tcp:3389
	stopped undocumented-port-v6 "$ns_c" 2001:db8:c::99 2001:db8:5::10 tcp:3389
	stopped undocumented-udp "$ns_c" 198.51.100.99 192.0.2.10 udp:9999
	stopped cucm-is-no-browser "$ns_c" 198.51.100.20 192.0.2.10 tcp:8080
	stopped ipsec-mgr-wrong-sport "$ns_c" 198.51.100.11 192.0.2.10 tcp:8500 40000
	stopped ldaps-directory-to-imp "$ns_s" 192.0.2.40 198.51.100.11 tcp:636

	# A host inside a network of other roles holds its own (the longest
	# prefix wins, as role-violation judges it): CUCM inside the users'
	# /24 is no XMPP client. The /24's permit let it through to 5222.
	{ cat $dir/live.hosts; echo 'xmpp-client 198.51.100.0/24 users'; } >"$tmp/nested.hosts"
	"$bin" acl --hosts "$tmp/nested.hosts" -o "$tmp/nested.nft" 2>"$tmp/out"
	check nft-nested-load 0 '' ip netns exec "$ns_r" nft -f "$tmp/nested.nft"
	through nested-network "$ns_c" 198.51.100.99 192.0.2.10 tcp:5222
	through nested-host-own-row "$ns_c" 198.51.100.20 192.0.2.10 tcp:8443
	stopped nested-host-not-network "$ns_c" 198.51.100.20 192.0.2.10 tcp:5222
	stopped nested-sub-not-network "$ns_c" 198.51.100.11 192.0.2.10 tcp:5222

	# --- 5. The same router with the iptables and ip6tables rules ------
	# They were only passed through iptables-restore --test: loaded
	# here instead of the nftables table, they must pass and stop the
	# same flows, each stop counted by impwatch-deny's DROP.
	if command -v iptables-restore >/dev/null 2>&1; then
		check ipt-nft-removed 0 '' ip netns exec "$ns_r" nft delete table inet impwatch
		fw=ipt
		for f in iptables ip6tables; do
			"$bin" acl --hosts $dir/live.hosts --format $f -o "$tmp/live.$f" 2>"$tmp/out"
			check "live-$f-load" 0 '' ip netns exec "$ns_r" "$f-restore" "$tmp/live.$f"
		done
		if [ "$(denied)" = 0 ]; then ok; else bad ipt-counter "impwatch-deny's DROP reads '$(denied)' after loading, want 0"; fi
		through ipt-xmpp-client-outside "$ns_c" 198.51.100.99 192.0.2.10 tcp:5222
		through ipt-xmpp-client-outside-v6 "$ns_c" 2001:db8:c::99 2001:db8:5::10 tcp:5222
		through ipt-browser-outside "$ns_c" 198.51.100.99 192.0.2.10 tcp:8080
		through ipt-cucm-tomcat-t30 "$ns_c" 198.51.100.20 192.0.2.10 tcp:8443
		through ipt-imp-mtls "$ns_c" 198.51.100.11 192.0.2.10 tcp:5062
		through ipt-livebus-sub-to-pub "$ns_c" 198.51.100.11 192.0.2.10 udp:50000
		through ipt-livebus-pub-to-sub "$ns_s" 192.0.2.10 198.51.100.11 udp:50000
		through ipt-ipsec-mgr-sport "$ns_c" 198.51.100.11 192.0.2.10 tcp:8500 8500
		through ipt-ldaps-imp-to-directory "$ns_c" 198.51.100.11 192.0.2.40 tcp:636
		stopped ipt-undocumented-port "$ns_c" 198.51.100.99 192.0.2.10 tcp:3389
		stopped ipt-undocumented-port-v6 "$ns_c" 2001:db8:c::99 2001:db8:5::10 tcp:3389
		stopped ipt-undocumented-udp "$ns_c" 198.51.100.99 192.0.2.10 udp:9999
		stopped ipt-cucm-is-no-browser "$ns_c" 198.51.100.20 192.0.2.10 tcp:8080
		stopped ipt-ipsec-mgr-wrong-sport "$ns_c" 198.51.100.11 192.0.2.10 tcp:8500 40000
		stopped ipt-ldaps-directory-to-imp "$ns_s" 192.0.2.40 198.51.100.11 tcp:636
		"$bin" acl --hosts "$tmp/nested.hosts" --format iptables -o "$tmp/nested.iptables" 2>"$tmp/out"
		check ipt-nested-load 0 '' ip netns exec "$ns_r" iptables-restore "$tmp/nested.iptables"
		through ipt-nested-network "$ns_c" 198.51.100.99 192.0.2.10 tcp:5222
		through ipt-nested-host-own-row "$ns_c" 198.51.100.20 192.0.2.10 tcp:8443
		stopped ipt-nested-host-not-network "$ns_c" 198.51.100.20 192.0.2.10 tcp:5222
		stopped ipt-nested-sub-not-network "$ns_c" 198.51.100.11 192.0.2.10 tcp:5222
	fi
fi

finish acl
