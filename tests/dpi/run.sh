#!/bin/sh
# run.sh BIN [CORPUS]: application detection (nDPI) on real captures.
#
# Each flow of a run is reduced to one line,
#   TRANSPORT SERVER_PORT VERDICT APP APP_SOURCE
# ("tcp 5060 documented SIP dpi", "-" for a null app), and each case says
# which lines must, or must not, be there; the summary is read with jq.
# CORPUS (default ../shared/pcaps)
# holds the public captures; when it is absent those cases are skipped
# with a message and the project's own pcaps/ are still checked.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
corpus=${2:-../shared/pcaps}
need jq dpi

# flows FILE [ARGS...]: the run's records in $tmp/out, its flow lines in
# $tmp/flows, its summary in $tmp/summary, its exit status in $rc.
flows() {
	f=$1
	shift
	"$bin" -q --format json "$@" -r "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	jval 'select(.type == "flow") |
		[.transport, .server_port, .verdict, .app // "-", .app_source // "-"] |
		map(tostring) | join(" ")' "$tmp/out" >"$tmp/flows"
	jsummary "$tmp/out" >"$tmp/summary"
}

# A failed case shows the flow lines of its run.
context() { show "$tmp/flows"; }

# want NAME FILE PATTERN [ARGS...]: some flow line matches PATTERN (ERE,
# anchored at both ends).
want() {
	name=$1 file=$2 pat=$3
	shift 3
	flows "$file" "$@"
	if grep -Eq "^$pat\$" "$tmp/flows"; then ok; else bad "$name" "no flow '$pat'"; fi
}

# none NAME FILE PATTERN [ARGS...]: no flow line matches PATTERN.
none() {
	name=$1 file=$2 pat=$3
	shift 3
	flows "$file" "$@"
	if grep -Eq "^$pat\$" "$tmp/flows"; then bad "$name" "a flow '$pat'"; else ok; fi
}

# summary NAME FILE FILTER [ARGS...]: jq's FILTER on the summary is true.
summary() {
	name=$1 file=$2 filter=$3
	shift 3
	flows "$file" "$@"
	if jis "$filter" "$tmp/summary"; then ok; else bad "$name" "the summary fails $filter"; fi
}

# record FILTER: FILTER is true for some flow record of the last run.
record() { jis "select(.type == \"flow\") | $1" "$tmp/out"; }

# status NAME FILE WANT [ARGS...]: the exit status is WANT.
status() {
	name=$1 file=$2 want_rc=$3
	shift 3
	flows "$file" "$@"
	if [ "$rc" -eq "$want_rc" ]; then ok; else bad "$name" "exit $rc, want $want_rc"; fi
}

# --- The public corpus -----------------------------------------------------
if [ -d "$corpus" ]; then
	c=$corpus
	want sip-udp "$c/ndpi__sip.pcap" 'udp 5060 documented SIP dpi'
	none sip-udp-clean "$c/ndpi__sip.pcap" '.* protocol-mismatch .*'
	want sip-tcp "$c/heplify__sip_ipv4_tcp.pcap" 'tcp 5060 documented SIP dpi'
	want xmpp "$c/ndpi__jabber.pcap" 'tcp 5222 documented Jabber dpi'
	none xmpp-clean "$c/ndpi__jabber.pcap" '.* protocol-mismatch .*'
	want pgsql "$c/ndpi__pgsql.pcap" 'tcp 5432 documented PostgreSQL dpi'
	none pgsql-clean "$c/ndpi__pgsql.pcap" '.* protocol-mismatch .*'
	want mssql "$c/ndpi__mssql_tds.pcap" 'tcp 1433 documented MsSQL-TDS dpi'
	none mssql-clean "$c/ndpi__mssql_tds.pcap" '.* protocol-mismatch .*'
	# nDPI 4.2 does not confirm this Oracle session or this RESP one from
	# the payload: the app is its guess from the port, which counts.
	want oracle "$c/ndpi__oracle12.pcapng" 'tcp 1521 documented Oracle (dpi|guess)'
	want redis "$c/ndpi__resp.pcap" 'tcp 6379 documented Redis (dpi|guess)'
	want snmp "$c/ndpi__snmp.pcap" 'udp 161 documented SNMP dpi'
	none snmp-clean "$c/ndpi__snmp.pcap" '.* protocol-mismatch .*'
	want ntp-v4 "$c/ndpi__NTPv4.pcap" 'udp 123 documented NTP dpi'
	# These two hold an NTP server's answers sent to port 80 (a monlist
	# reflection in v2): no client asks from port 80, so the answer's
	# claim to come from the NTP server is not believed. nDPI still
	# names it.
	for v in 2 3; do
		want ntp-v$v "$c/ndpi__NTPv$v.pcap" 'udp 80 undocumented NTP dpi'
	done
	# nDPI names the service asked about: DNS.Google is DNS.
	want dns "$c/ndpi__dns.pcap" 'udp 53 documented DNS(\.[A-Za-z_]+)? dpi'
	none dns-clean "$c/ndpi__dns.pcap" '.* protocol-mismatch .*'
	want ssh "$c/ndpi__ssh.pcap" 'tcp 22 documented SSH dpi'
	# SSH on 8000 too: a known protocol on an undocumented port.
	want ssh-8000 "$c/ndpi__ssh.pcap" 'tcp 8000 undocumented SSH dpi'
	want ike "$c/ndpi__ipsec_isakmp_esp.pcap" 'udp 500 documented IPsec (dpi|guess)'
	none ike-clean "$c/ndpi__ipsec_isakmp_esp.pcap" '.* protocol-mismatch .*'
	# HTTP sent from source port 5060 to 8888 (its SYN comes from 5060):
	# the server port is servM's, localhost-only, and the payload is HTTP
	# (nDPI: SIP.HTTP, SIP being the port's guess): local-only first, the
	# protocol mismatch among its findings.
	want http-from-5060 "$c/ndpi__http_on_sip_port.pcap" 'tcp 8888 local-only SIP.HTTP dpi'
	if record '.server_port == 8888 and .findings == ["local-only", "protocol-mismatch"]'; then
		ok; else bad http-from-5060-findings "8888: findings not local-only, protocol-mismatch"; fi
	# HTTP on TCP 5060 in a public capture: a protocol mismatch.
	want http-on-5060 "$c/arkime__arkime_synthetic.pcap" 'tcp 5060 protocol-mismatch (SIP\.)?HTTP dpi'
	# STUN Binding requests and responses (RFC 5389): nDPI 4.2 reads them
	# as STUN but wants three STUN packets before it says so; two-packet
	# flows end undecided and its give-up answers STUN. Read from the
	# payload: dpi, not guess.
	want stun "$c/arkime__arkime_synthetic.pcap" 'udp 3478 undocumented STUN dpi'
	want stun-emix "$c/mercury__emix.pcap" 'udp 3478 undocumented STUN dpi'
	none stun-emix-guess "$c/mercury__emix.pcap" 'udp 3478 [a-z-]+ STUN guess'
	want sip-6060 "$c/heplify__sip_ipv4_tcp_fragmented.pcap" 'tcp 6060 undocumented SIP dpi'
	summary sip-6060-summary "$c/heplify__sip_ipv4_tcp_fragmented.pcap" \
		'any(.undocumented_apps[]; .transport == "tcp" and .port == 6060 and
			.app == "SIP" and .app_source == "dpi")'
	# Real traffic nDPI 4.2 names otherwise, allowed by the catalogue (see
	# the "apps:" comments in rules/imp.conf): LDAP binds with a DN as
	# MQTT, inline Redis commands as NATS, an SNMPv1 set-request as RX.
	none ldap-dn-bind "$c/zeek__simpleauth.pcap" '.* protocol-mismatch .*'
	want ldap-dn-bind-app "$c/zeek__simpleauth.pcap" 'tcp 3268 documented MQTT dpi'
	none redis-inline "$c/tcpdump__resp_1_benchmark.pcap" '.* protocol-mismatch .*'
	none snmp-set "$c/zeek__snmpv1_get.pcap" '.* protocol-mismatch .*'
	# An ICMP tunnel (ptunnel's: identifier 0xfeff, sequence number 0,
	# the replies' data the far end's): a finding, with or without
	# nDPI; real pings over IPv4 and IPv6, and ICMP errors, are not.
	# (It passed as documented ICMP before the echo check.)
	want icmp-tunnel "$c/ndpi__icmp-tunnel.pcap" 'icmp 0 icmp-tunnel ICMP dpi'
	status icmp-tunnel-validate "$c/ndpi__icmp-tunnel.pcap" 1 --validate --no-dpi
	for f in zeek__icmp-ping zeek__icmp6-ping zeek__icmp_dot1q \
		tcpdump__icmpv6 zeek__icmp-destunreach-udp; do
		none "$f-no-tunnel" "$c/$f.pcap" '.* icmp-tunnel .*'
	done
	# Every flow handed to nDPI is decided once: by payload, guess or
	# nothing (no state was lacking).
	summary dpi-counters "$c/mercury__capture2.pcap" '.dpi.dpi_packets == 12'
	dpi=$(jval '.dpi | select(.no_state == 0) |
		"\(.inspected) \(.by_dpi) \(.guessed) \(.undetected)"' "$tmp/summary")
	# shellcheck disable=SC2086 # four numbers, split on purpose
	set -- $dpi
	if [ $# -eq 4 ] && [ "$1" -gt 0 ] && [ "$1" -eq $(($2 + $3 + $4)) ]; then ok; else
		bad dpi-counters-sum "inspected != by_dpi + guessed + undetected ($dpi)"
	fi
else
	echo "dpi: $corpus not found: the public-capture cases are skipped"
fi

# --- The project's captures ------------------------------------------------
# Real servers recorded on loopback: their protocols, and no false mismatch.
want real-openssh pcaps/real-openssh.pcap 'tcp 22 documented SSH dpi'
want real-postgresql pcaps/real-postgresql.pcap 'tcp 5432 documented PostgreSQL dpi'
want real-postgresql-15432 pcaps/real-postgresql-15432.pcap 'tcp 15432 undocumented PostgreSQL dpi'
want real-postgresql-site pcaps/real-postgresql-15432.pcap 'tcp 15432 documented PostgreSQL dpi' \
	--rules-add tests/rules/site-postgresql.conf
want real-prosody pcaps/real-prosody.pcap 'tcp 5222 documented Jabber dpi'
want real-redis pcaps/real-redis.pcap 'tcp 6379 documented Redis dpi'
# The GET-only session: nDPI's port guess, kept as a guess.
want real-redis-get pcaps/real-redis.pcap 'tcp 6379 documented Redis guess'
want real-redis-6380 pcaps/real-redis-6380.pcap 'tcp 6380 undocumented Redis dpi'
want real-slapd-anon pcaps/real-slapd.pcap 'tcp 389 documented LDAP dpi'
want real-slapd-dn pcaps/real-slapd.pcap 'tcp 389 documented MQTT dpi'
for f in pcaps/real-*.pcap; do
	none "$(basename "$f" .pcap)-clean" "$f" '.* protocol-mismatch .*'
done
status real-slapd-validate pcaps/real-slapd.pcap 0 --validate

# HTTP on TCP 5060 next to real SIP and a DN-bound LDAP session.
want mismatch pcaps/dpi-mismatch.pcap 'tcp 5060 protocol-mismatch SIP.HTTP dpi'
want mismatch-sip pcaps/dpi-mismatch.pcap 'udp 5060 documented SIP dpi'
want mismatch-ldap pcaps/dpi-mismatch.pcap 'tcp 389 documented MQTT dpi'
status mismatch-validate pcaps/dpi-mismatch.pcap 1 --validate
summary mismatch-summary pcaps/dpi-mismatch.pcap \
	'.protocol_mismatch[0] | .table == 2 and .service == "sip-proxy" and
		.transport == "tcp" and .port == 5060 and .expected == ["SIP"] and
		.app == "SIP.HTTP" and .app_source == "dpi" and .flows == 1'
flows pcaps/dpi-mismatch.pcap
if record '.verdict == "protocol-mismatch" and .expected == ["SIP"]'; then ok; else
	bad mismatch-expected "the record has no \"expected\":[\"SIP\"]"
fi
# Two rows on TCP 5060 expect SIP under two spellings (the guide's SIP,
# the site's sip), and TLS: each protocol is listed once, as the first
# row spells it, in row order. (One row naming it twice is refused.)
printf '0 | site-sip | sip-gateway -> imp | SIP | tcp | 5060 | ephemeral | wire | sip, TLS | Site SIP\n' >"$tmp/site.conf"
flows pcaps/dpi-mismatch.pcap --rules-add "$tmp/site.conf"
if record '.verdict == "protocol-mismatch" and .expected == ["SIP", "TLS"]' &&
	jis '.protocol_mismatch[0] | .table == 2 and .service == "sip-proxy" and
		.transport == "tcp" and .port == 5060 and .expected == ["SIP", "TLS"]' \
		"$tmp/summary"; then ok; else
	bad mismatch-expected-once "the record and summary do not expect [\"SIP\",\"TLS\"]"
fi
# A port guess is no detection: with one packet per flow nDPI only
# guesses, and the HTTP flow is SIP by its port, documented.
want guess-not-mismatch pcaps/dpi-mismatch.pcap 'tcp 5060 documented SIP guess' --dpi-packets 1
none guess-not-mismatch-2 pcaps/dpi-mismatch.pcap '.* protocol-mismatch .*' --dpi-packets 1
# --no-dpi: ports only, no app, no mismatch.
want no-dpi pcaps/dpi-mismatch.pcap 'tcp 5060 documented - -' --no-dpi
none no-dpi-apps pcaps/demo.pcap '[^ ]+ [^ ]+ [^ ]+ [^ ]+ [a-z]+' --no-dpi
summary no-dpi-summary pcaps/demo.pcap '.dpi == null' --no-dpi
# The demo: SIP on undocumented TCP 6060; HTTP between hosts on the
# certificate manager's localhost-only 7070 is local-only (it comes first)
# and a mismatch (listed in its findings); UDP 5049 with no payload nDPI
# knows is local-only alone; and no other flow is a mismatch.
want demo-6060 pcaps/demo.pcap 'tcp 6060 undocumented SIP dpi'
want demo-7070 pcaps/demo.pcap 'tcp 7070 local-only HTTP dpi'
if record '.server_port == 7070 and .findings == ["local-only", "protocol-mismatch"] and
	.expected == []'; then ok; else bad demo-7070-findings "7070: findings or expected wrong"; fi
want demo-5049 pcaps/demo.pcap 'udp 5049 local-only - -'
if record '.server_port == 5049 and .findings == ["local-only"]'; then
	ok; else bad demo-5049-findings "5049: findings not local-only alone"; fi
summary demo-counts pcaps/demo.pcap '.flows_by_verdict | .documented == 26 and
	.undocumented == 3 and ."local-only" == 2 and ."protocol-mismatch" == 0'

# Real TLS beside real cleartext on three TLS-only ports (tests/record):
# the cleartext flows are findings, named by what nDPI saw (LDAP with a
# DN bind is MQTT to nDPI 4.2, see rules/imp.conf), and with --no-dpi too.
want tls-5061 pcaps/real-tls-cleartext.pcap 'tcp 5061 documented TLS dpi'
want tls-8443 pcaps/real-tls-cleartext.pcap 'tcp 8443 documented TLS dpi'
want tls-636 pcaps/real-tls-cleartext.pcap 'tcp 636 documented TLS dpi'
want clear-5061 pcaps/real-tls-cleartext.pcap 'tcp 5061 cleartext SIP dpi'
want clear-8443 pcaps/real-tls-cleartext.pcap 'tcp 8443 cleartext HTTP dpi'
want clear-636 pcaps/real-tls-cleartext.pcap 'tcp 636 cleartext (LDAP|MQTT) dpi'
if record '.verdict == "cleartext" and .findings == ["cleartext"]'; then
	ok; else bad clear-findings "a cleartext flow without its findings"; fi
status clear-validate pcaps/real-tls-cleartext.pcap 1 --validate
want clear-no-dpi pcaps/real-tls-cleartext.pcap 'tcp 636 cleartext - -' --no-dpi
summary clear-no-dpi-counts pcaps/real-tls-cleartext.pcap \
	'.flows_by_verdict | .documented == 3 and .cleartext == 3' --no-dpi
summary clear-all-judged pcaps/real-tls-cleartext.pcap '.tls_not_judged == 0'
# Without the SYNs every flow starts mid-stream: none is judged, none is
# a finding, and the summary counts them.
summary clear-no-syn pcaps/real-tls-cleartext.pcap \
	'.tls_not_judged == 6 and .flows_by_verdict.cleartext == 0 and
	 .flows_by_verdict.documented == 6' -f 'tcp[tcpflags] & tcp-syn == 0'


finish dpi
