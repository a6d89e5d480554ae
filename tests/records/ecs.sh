#!/bin/sh
# ecs.sh BIN: --format ecs against the Elastic Common Schema field types
# (ecs_schema.json, checked by ecs_check.py):
#   - the checker itself fails on each kind of fault (a wrong type, an
#     unknown field, a missing required one, a dotted key, a value ECS
#     does not allow, a line too long, sums that do not add up);
#   - every capture of pcaps/ with alerts and --validate, and the runs
#     that write what those do not (an inventory and its role
#     violations, declared tunnels, --no-dpi, evidence, a damaged file,
#     several files, outputs not written, two flow workers) give events
#     that pass it;
#   - the same flows and alerts as --format json, field for field (ids,
#     Community ID, counters, verdict, rule, Zeek's state, VLAN tags...);
#   - each alert's flow_id on one flow record of its run, every
#     network.community_id as community_id.py computes it, a site's row
#     as the site's rule (rule.ruleset "site", rule.id "site:TABLE:
#     SERVICE"), never the guide's;
#   - an event that would pass JSON_LINE_MAX (a role violation whose
#     port 60 site rows document, a file name given too long) is
#     written shorter, not cut.
# Needs /usr/bin/python3 and jq.
set -u
here=$(dirname "$0")
. "$here/../lib/sh.sh"
bin=$1
py=/usr/bin/python3
schema=$here/ecs_schema.json
check_py=$here/ecs_check.py

if [ ! -x "$py" ] || ! command -v jq >/dev/null 2>&1; then
	echo "ecs: python3 or jq not found: skipped"
	exit 0
fi

# check_ecs NAME FILE: FILE's events pass the schema.
check_ecs() {
	if "$py" "$check_py" "$schema" "$2" >"$tmp/check.out"; then
		ok
	else
		failed "$1" "events do not match ecs_schema.json:"
		head -20 "$tmp/check.out" | sed 's/^/  | /'
	fi
}

# must_fail NAME JQ: a good flow event changed by the jq filter JQ (or
# by the shell command in $mutate when JQ is "-") is refused.
must_fail() {
	if [ "$2" = - ]; then
		eval "$mutate" <"$tmp/good.json" >"$tmp/bad.json"
	else
		jq -c "$2" <"$tmp/good.json" >"$tmp/bad.json"
	fi
	if "$py" "$check_py" "$schema" "$tmp/bad.json" >"$tmp/check.out"; then
		failed "checker-$1" "a bad event passed: $(cut -c1-200 "$tmp/bad.json")"
	else
		ok
	fi
}

# The checker: a good event passes, each fault is found.
"$bin" -q --format ecs --no-dpi -r pcaps/demo.pcap |
	jq -c 'select(.event.dataset == "impwatch.flow" and .source.port)' |
	head -1 >"$tmp/good.json"
check_ecs checker-good "$tmp/good.json"
must_fail wrong-type '.source.port = "5060"'
must_fail wrong-ip '.source.ip = "192.0.2.300"'
must_fail wrong-date '.event.start = "2026-01-01 00:00:00"'
must_fail wrong-long '.network.bytes = 1.5'
must_fail not-a-list '.event.category = "network"'
must_fail unknown-top '. + {"flow": {"id": 1}}'
must_fail unknown-field '.source.mac = "00:00:5e:00:53:01"'
must_fail missing-required 'del(.source.ip)'
must_fail missing-everywhere 'del(.ecs)'
must_fail dotted-key '. + {"network.vlan.id": "10"}'
must_fail kind-not-allowed '.event.kind = "flow"'
must_fail type-not-expected '.event.type = ["connection", "creation"]'
must_fail bytes-sum '.network.bytes += 1'
must_fail duration '.event.duration += 1'
must_fail related '.related.ip = [.related.ip[0]]'
must_fail time-not-first '{ecs: .ecs} + .'
must_fail time-in-seconds '."@timestamp" |= sub("\\.[0-9]+Z$"; "Z")'
mutate="sed 's/\"module\":\"impwatch\"/\"module\":\"impwatch\",\"action\":\"$(printf '%10000s' | tr ' ' x)\"/'"
must_fail line-too-long -

# Every capture of the project, with alerts, through the checker.
i=0
for f in pcaps/*.pcap pcaps/*.pcapng; do
	i=$((i + 1))
	"$bin" -q --format ecs --alerts --validate -r "$f" >"$tmp/run.$i.ecs" 2>/dev/null
done
cat "$tmp"/run.*.ecs >"$tmp/all.ecs"
check_ecs captures "$tmp/all.ecs"
# What those runs do not write.
: >"$tmp/more.ecs"
"$bin" -q --format ecs --alerts --validate --hosts tests/hosts/site.hosts \
	-r pcaps/roles.pcap >>"$tmp/more.ecs"
"$bin" -q --format ecs --validate --hosts tests/hosts/tunnels.hosts \
	-r pcaps/tun-rogue.pcap >>"$tmp/more.ecs"
"$bin" -q --format ecs --trust-tunnel 203.0.113.1 --trust-tunnel 203.0.113.2 \
	-r pcaps/tun-trust.pcap >>"$tmp/more.ecs"
"$bin" -q --format ecs --no-dpi -r pcaps/demo.pcap >>"$tmp/more.ecs"
"$bin" -q --format ecs --alerts --waivers tests/waivers/board.waivers \
	-r pcaps/real-tls-cleartext.pcap >>"$tmp/more.ecs"
"$bin" -q --format ecs --dump-undocumented "$tmp/ev.pcap" \
	-r pcaps/demo.pcap >>"$tmp/more.ecs"
"$bin" -q --format ecs -r pcaps/fmt-multi-a.pcap -r pcaps/bad-truncated.pcap \
	>>"$tmp/more.ecs" 2>/dev/null
"$bin" -q --format ecs --validate -f 'not port 22' -r pcaps/demo.pcap \
	>>"$tmp/more.ecs"
# Outputs that cannot be written (two names of /dev/full: one name is
# refused as two outputs), with two flow workers: the summary names them
# (impwatch.outputs_not_written) and says impwatch.threads.
ln -s /dev/full "$tmp/full-ev"
ln -s /dev/full "$tmp/full-graph"
"$bin" -q --format ecs --threads 2 --dump-undocumented "$tmp/full-ev" \
	--graph "$tmp/full-graph" -r pcaps/demo.pcap >>"$tmp/more.ecs" 2>/dev/null
# A threshold of drops with a fraction (impwatch.health.drops_threshold_pct).
"$bin" -q --format ecs --health-drops 0.5 -r pcaps/demo.pcap >>"$tmp/more.ecs"
check_ecs options "$tmp/more.ecs"
if jq -en 'any(inputs; .event.dataset == "impwatch.summary" and
	   ([.impwatch.outputs_not_written[]?.output] == ["evidence", "graph"]) and
	   .impwatch.threads == 2)' "$tmp/more.ecs" >/dev/null; then
	ok
else
	failed outputs-summary "no impwatch.outputs_not_written or impwatch.threads in the run's summary"
fi
# A filtered run says what it judged (impwatch.filter).
if jq -en 'any(inputs; .event.dataset == "impwatch.summary" and
	   .impwatch.filter.expression == "not port 22" and
	   .impwatch.filter.left_out > 0)' "$tmp/more.ecs" >/dev/null; then
	ok
else
	failed filter-summary "no impwatch.filter in the run's summary"
fi
# Cleartext findings and waivers say so in ECS as in JSON.
if jq -en 'any(inputs; .event.dataset == "impwatch.flow" and
	(.impwatch.findings | any(. == "cleartext")) and
	.impwatch.waiver.ticket != null)' "$tmp/more.ecs" >/dev/null &&
	jq -en 'any(inputs; .event.dataset == "impwatch.summary" and
	any(.impwatch.waivers[]?; .state == "expired"))' \
	"$tmp/more.ecs" >/dev/null; then
	ok
else
	failed "findings-waivers" "no waived cleartext flow or expired waiver in ECS"
fi
for ds in flow alert summary file input port app coverage carrier; do
	if jq -en --arg d "impwatch.$ds" 'any(inputs; .event.dataset == $d)' \
		"$tmp/all.ecs" "$tmp/more.ecs" >/dev/null; then
		ok
	else
		failed "dataset-$ds" "no impwatch.$ds event was checked"
	fi
done
for f in client_roles allowed expected evidence inconclusive_why tunnel_id \
	command_line vlans; do
	if jq -en --arg f "$f" 'any(inputs; .impwatch | has($f))' \
		"$tmp/all.ecs" "$tmp/more.ecs" >/dev/null; then
		ok
	else
		failed "field-$f" "no event with impwatch.$f was checked"
	fi
done

# Each alert's flow_id is that of one flow record of its run, with the
# same ends.
alerts=0
lost=0
for f in "$tmp"/run.*.ecs; do
	jq -r 'select(.event.dataset == "impwatch.alert" or
		      .event.dataset == "impwatch.flow") |
		[.event.dataset, .impwatch.flow_id, .source.ip, .destination.ip,
		 (.destination.port // 0)] | @tsv' "$f" >"$tmp/ids.tsv"
	set -- $(awk -F '\t' '
		$1 == "impwatch.flow" { seen[$2 FS $3 FS $4 FS $5]++ }
		$1 == "impwatch.alert" { want[$2 FS $3 FS $4 FS $5]++; a++ }
		END { for (k in want) if (seen[k] != 1) n++; print a + 0, n + 0 }' \
		"$tmp/ids.tsv")
	alerts=$((alerts + $1))
	lost=$((lost + $2))
done
if [ "$alerts" -gt 0 ] && [ "$lost" -eq 0 ]; then
	ok
else
	failed flow-id "$lost of $alerts alerts match no single flow record"
fi

# network.community_id against community_id.py (the specification in
# Python), from the event's own ends: the ports, or ICMP's type and code.
jq -r 'select(.event.dataset == "impwatch.flow") |
	[0, (.network.iana_number | tonumber), .source.ip, .destination.ip,
	 (.source.port // .impwatch.icmp_type // 0),
	 (.destination.port // .impwatch.icmp_code // 0),
	 (.network.community_id // "-")] | @tsv' "$tmp/all.ecs" |
	awk -F '\t' '$2 != 132' >"$tmp/cid.tsv"
cut -f 1-6 "$tmp/cid.tsv" | "$py" "$here/community_id.py" >"$tmp/cid.py"
cut -f 7 "$tmp/cid.tsv" >"$tmp/cid.ecs"
if [ -s "$tmp/cid.ecs" ] && cmp -s "$tmp/cid.py" "$tmp/cid.ecs"; then
	ok
else
	failed community-id "network.community_id differs from community_id.py:"
	paste "$tmp/cid.tsv" "$tmp/cid.py" | awk -F '\t' '$7 != $8' | head -5 |
		sed 's/^/  | /'
fi
echo "ecs: community ID of $(wc -l <"$tmp/cid.ecs") flow events compared with community_id.py"

# The same flows and alerts as --format json, field for field. One
# worker: with several, which worker numbers a flow (its flow_id)
# follows the run's random hash seed, so two runs number differently.
for f in "-r pcaps/demo.pcap" "-r pcaps/dpi-mismatch.pcap" \
	"-r pcaps/encap-vxlan.pcap" "-r pcaps/link-ipv6.pcap" \
	"-r pcaps/encap-qinq.pcap" "-r pcaps/tun-erspan.pcap" \
	"--hosts tests/hosts/site.hosts -r pcaps/roles.pcap" \
	"--rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap"; do
	# shellcheck disable=SC2086 # $f is options, split on purpose
	"$bin" -q --threads 1 --format json --alerts $f | jq -r '
		select(.type == "flow" or .type == "alert") |
		[.type, .time, .flow_id, .community_id, .client_ip,
		 .client_port, .server_ip, .server_port,
		 .packets_c2s, .packets_s2c, .bytes_c2s, .bytes_s2c,
		 .ip_bytes_c2s, .ip_bytes_s2c, .verdict, .service,
		 .rule_source, .rule_line, .conn_state, .end_reason,
		 (.vlans // [] | map(tostring) | join(";")), .sgt,
		 .erspan_session, .app, .first_seen, .last_seen] | @tsv' |
		LC_ALL=C sort >"$tmp/json.tsv"
	# shellcheck disable=SC2086
	"$bin" -q --threads 1 --format ecs --alerts $f | jq -r '
		select(.event.dataset == "impwatch.flow" or
		       .event.dataset == "impwatch.alert") |
		[(.event.dataset | ltrimstr("impwatch.")), ."@timestamp",
		 .impwatch.flow_id, .network.community_id, .source.ip,
		 (.source.port // 0), .destination.ip, (.destination.port // 0),
		 .source.packets, .destination.packets, .source.bytes,
		 .destination.bytes, .impwatch.ip_bytes_c2s,
		 .impwatch.ip_bytes_s2c, .impwatch.verdict, .impwatch.service,
		 .rule.ruleset, (.rule.reference // "" | sub(".*:"; "") |
		 if . == "" then null else tonumber end),
		 .impwatch.conn_state, .impwatch.end_reason,
		 (.impwatch.vlans // [] | map(tostring) | join(";")),
		 .impwatch.sgt, .impwatch.erspan_session, .impwatch.app,
		 .event.start, .event.end] | @tsv' |
		LC_ALL=C sort >"$tmp/ecs.tsv"
	if [ -s "$tmp/json.tsv" ] && cmp -s "$tmp/json.tsv" "$tmp/ecs.tsv"; then
		ok
	else
		failed "same-as-json $f" "flows differ from --format json:"
		diff "$tmp/json.tsv" "$tmp/ecs.tsv" | head -6 | sed 's/^/  | /'
	fi
done

# A site's row (--rules-add) is the site's rule, never the guide's: its
# rule.id is "site:TABLE:SERVICE", as 'impwatch rules' lists it "23
# (site)" and the reports say "site" (it was the guide's id,
# "23:ext-db-postgresql", only rule.ruleset telling them apart).
"$bin" -q --format ecs --rules-add tests/rules/site-postgresql.conf \
	-r pcaps/real-postgresql-15432.pcap >"$tmp/site.ecs"
if [ "$(jq -r 'select(.event.dataset == "impwatch.flow" and
		      .destination.port == 15432) |
		[.rule.ruleset, .rule.reference, .rule.id] | @tsv' "$tmp/site.ecs")" = \
	"$(printf 'site\ttests/rules/site-postgresql.conf:3\tsite:23:ext-db-postgresql')" ] &&
	[ "$(jq -r 'select(.rule.ruleset == "site") | .rule.id' "$tmp/site.ecs" |
		grep -cv '^site:')" -eq 0 ] &&
	[ "$(jq -r 'select(.rule and .rule.ruleset != "guide") | .rule.id' \
		"$tmp"/run.*.ecs | wc -l)" -eq 0 ]; then
	ok
else
	failed site-rule "a site's row is not rule.ruleset site, or a guide's is"
fi

# rule.reference is FILE:LINE while that is under 512 bytes, and left
# out past it: a site's rule file at a path of 509 bytes (":3" makes
# 511) and of 510.
long_path() {
	lp="$tmp/long"
	rest=$(($1 - ${#lp} - 10))   # 10: "/site.conf"
	while [ "$rest" -gt 201 ]; do
		lp="$lp/$(printf '%0149d' 0 | tr 0 d)"
		rest=$((rest - 150))
	done
	lp="$lp/$(printf "%0$((rest - 1))d" 0 | tr 0 d)"
	mkdir -p "$lp" && cp tests/rules/site-postgresql.conf "$lp/site.conf" &&
		echo "$lp/site.conf"
}
ref_ok=true
for len in 509 510; do
	rules=$(long_path "$len")
	[ "${#rules}" -eq "$len" ] || ref_ok=false
	ref=$("$bin" -q --format ecs --rules-add "$rules" \
		-r pcaps/real-postgresql-15432.pcap |
		jq -r 'select(.event.dataset == "impwatch.flow" and
			      .destination.port == 15432) | .rule.reference')
	case $len in
	509) [ "$ref" = "$rules:3" ] || ref_ok=false ;;
	*) [ "$ref" = null ] || ref_ok=false ;;
	esac
done
if $ref_ok; then
	ok
else
	failed rule-reference "rule.reference is not FILE:LINE under 512 bytes, or not left out past it"
fi

# Its coverage event names no guide table either, as JSON's table is
# null for it (it said impwatch.table 23, the guide's).
if [ "$(jq -c 'select(.event.dataset == "impwatch.coverage" and
		     .rule.ruleset == "site") | .impwatch | has("table")' \
	"$tmp/site.ecs")" = false ]; then
	ok
else
	failed site-coverage-table "a site's row's coverage names a guide table"
fi

# A role violation on a port 60 more rows document: its list of rows
# would make a line of 20 kB; it is written without it, whole, marked.
awk 'BEGIN {
	r = "imp,imp-publisher,imp-subscriber,cucm,gateway,bosh-client," \
	    "third-party-client,browser,dns-server,ntp-server,snmp-server," \
	    "trap-monitor,exchange,rtmt,postgresql-db,oracle-db,mssql-db," \
	    "database,file-server,endpoint"
	for (i = 0; i < 60; i++)
		printf "5 | ldap-site-%02d | %s -> directory | LDAP | tcp | 389 | " \
		       "ephemeral | wire | LDAP | a site directory row %d\n", i, r, i
}' >"$tmp/wide.conf"
"$bin" -q --format ecs --hosts tests/hosts/site.hosts \
	--rules-add "$tmp/wide.conf" -r pcaps/roles.pcap >"$tmp/wide.ecs"
check_ecs long-line "$tmp/wide.ecs"
n=$(jq -c 'select(.impwatch.verdict == "role-violation" and
		  .destination.port == 389 and .impwatch.shortened)' \
	"$tmp/wide.ecs" | wc -l)
if [ "$n" -eq 1 ]; then ok; else failed long-line-shortened "$n events"; fi

# A file name that alone passes the limit (an input given so, refused):
# its event is written with the name cut, whole, marked.
long=$(awk 'BEGIN { for (i = 0; i < 3000; i++) printf "a/\001\002" }')
"$bin" -q --format ecs -r pcaps/demo.pcap -r "$long" >"$tmp/long.ecs" 2>/dev/null
check_ecs long-name "$tmp/long.ecs"
n=$(jq -c 'select(.event.dataset == "impwatch.file" and
		  .event.outcome == "failure" and .impwatch.shortened)' \
	"$tmp/long.ecs" | wc -l)
if [ "$n" -eq 1 ]; then ok; else failed long-name-shortened "$n events"; fi

finish ecs
