#!/usr/bin/env bash
# record.sh: record captures of real servers and clients talking on loopback.
#
#   sudo tests/record/record.sh            record every capture into pcaps/
#   sudo tests/record/record.sh redis ...  record only the named captures
#   tests/record/record.sh --list          list the capture names
#
# Each capture starts a real server on 127.0.0.1 in a throwaway configuration
# under a temporary directory, runs a real client against it while
# `tcpdump -i lo` records `tcp port N`, then stops tcpdump and the server and
# removes the temporary directory. Missing Debian packages are installed with
# apt-get. Servers and tcpdump run under `timeout`, clients under `timeout 20`,
# so nothing outlives the script. Debian only; run as root.
#
# Environment: PCAP_DIR (default: the repository's pcaps/), SERVER_TIMEOUT
# (seconds a server or tcpdump may live, default 120).
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
ROOT=$(cd "$(dirname "$SELF")/../.." && pwd)
PCAP_DIR=${PCAP_DIR:-$ROOT/pcaps}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-120}
CLIENT_TIMEOUT=20
LISTEN_WAIT=30          # seconds to wait for a server's port to listen

# name -> what it records (port, server, client)
ALL_CAPTURES=(postgresql postgresql-15432 slapd prosody redis redis-6380 openssh
              tls-cleartext)
PACKAGES=(tcpdump iproute2 python3 util-linux postgresql slapd ldap-utils
          prosody redis-server redis-tools openssh-server openssh-client
          openssl curl sipsak)
# Debian service each server package may start from its postinst
declare -A SERVICE_OF=([postgresql]=postgresql [slapd]=slapd [prosody]=prosody
                       [redis-server]=redis-server [openssh-server]=ssh)

log()  { printf 'record: %s\n' "$*" >&2; }
die()  { printf 'record: FAILED: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# Helpers used inside one capture (a child process of this script)

BG_PIDS=()
LAST_PID=
WORK=
MADE_RUN_SSHD=0

# spawn LOG CMD...: run CMD in the background from $WORK, bounded by
# SERVER_TIMEOUT; its pid (that of `timeout`, leader of its own process group)
# goes to LAST_PID and to the list the exit trap stops.
spawn() {
	local logf=$1; shift
	(cd "$WORK" && exec timeout --kill-after=5 "$SERVER_TIMEOUT" "$@") \
		>"$logf" 2>&1 </dev/null &
	LAST_PID=$!
	BG_PIDS+=("$LAST_PID")
}

# stop_pid PID: SIGTERM (timeout passes it on), wait up to 15 s, then SIGKILL
# the process group.
stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 75; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "pid $pid did not stop on SIGTERM; killing it"
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

child_cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#BG_PIDS[@]} - 1; i >= 0; i--)); do
		stop_pid "${BG_PIDS[i]}"
	done
	[ -n "$WORK" ] && rm -rf -- "$WORK"
	if [ "$MADE_RUN_SSHD" = 1 ]; then rmdir /run/sshd 2>/dev/null || true; fi
	exit "$rc"
}

listening() { [ -n "$(ss -ltnH "sport = :$1")" ]; }

# port_free PORT: fail clearly when something already listens on PORT.
port_free() {
	if listening "$1"; then
		ss -ltnpH "sport = :$1" >&2 || true
		die "TCP port $1 is already in use on this machine; stop what listens there and rerun"
	fi
}

# wait_listen PORT PID LOG WHAT: wait (bounded) until PORT listens; fail with
# the server's log if it exits or the port never opens.
wait_listen() {
	local port=$1 pid=$2 logf=$3 what=$4 i
	for ((i = 0; i < LISTEN_WAIT * 5; i++)); do
		listening "$port" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$logf" >&2 || true
			die "$what exited before listening on port $port (log above)"
		fi
		sleep 0.2
	done
	tail -n 20 "$logf" >&2 || true
	die "$what did not listen on port $port within ${LISTEN_WAIT}s (log above)"
}

# pg_bindir: the newest installed PostgreSQL server's bin directory
pg_bindir() {
	local d dirs=()
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && dirs+=("$d")
	done
	[ ${#dirs[@]} -gt 0 ] || return 0
	printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1
}

CAP_PID=
CAP_FILE=
CAP_TMP=
CAP_LOG=

# capture_start NAME PORT [FILTER]: start tcpdump on lo for tcp port PORT
# (or the pcap filter FILTER) and wait until it is ready.
capture_start() {
	local name=$1 port=$2 filter=${3:-"tcp port $2"} i
	CAP_FILE=$PCAP_DIR/real-$name.pcap
	CAP_TMP=$WORK/real-$name.pcap    # moved into place once complete
	CAP_LOG=$WORK/tcpdump.log
	spawn "$CAP_LOG" tcpdump -i lo -n -U -Z root -w "$CAP_TMP" "$filter"
	CAP_PID=$LAST_PID
	for ((i = 0; i < 50; i++)); do
		grep -q 'listening on' "$CAP_LOG" 2>/dev/null && return 0
		kill -0 "$CAP_PID" 2>/dev/null || { cat "$CAP_LOG" >&2; die "tcpdump failed to start"; }
		sleep 0.2
	done
	cat "$CAP_LOG" >&2
	die "tcpdump did not start capturing within 10s"
}

# capture_stop: let the last packets arrive, stop tcpdump, put the file in
# place and report it.
capture_stop() {
	sleep 1
	stop_pid "$CAP_PID"
	[ -s "$CAP_TMP" ] || die "tcpdump wrote no capture for ${CAP_FILE##*/}"
	local n
	n=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$CAP_LOG")
	[ "${n:-0}" -gt 0 ] || { cat "$CAP_LOG" >&2; die "no packets captured for ${CAP_FILE##*/}"; }
	chmod 644 "$CAP_TMP"
	mv -f -- "$CAP_TMP" "$CAP_FILE"
	log "wrote ${CAP_FILE#"$ROOT"/} ($n packets, $(stat -c %s "$CAP_FILE") bytes)"
}

# client WHAT CMD...: run a client under `timeout`, failing clearly.
client() {
	local what=$1; shift
	local rc=0
	timeout --kill-after=5 "$CLIENT_TIMEOUT" "$@" || rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		die "$what timed out after ${CLIENT_TIMEOUT}s"
	elif [ "$rc" -ne 0 ]; then
		die "$what exited with status $rc"
	fi
}

# server_stop PID WHAT
server_stop() {
	stop_pid "$1"
	log "$2 stopped"
}

# ---------------------------------------------------------------------------
# The captures

record_postgresql() {
	local name=$1 port=$2 bindir pw=impwatch-pg-secret
	bindir=$(pg_bindir)
	[ -n "$bindir" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
	port_free "$port"
	install -d -o postgres -g postgres -m 700 "$WORK/pgdata" "$WORK/pgsock"
	printf '%s\n' "$pw" >"$WORK/pwfile"
	chown postgres "$WORK/pwfile"
	log "initdb ($("$bindir/postgres" --version))"
	(cd "$WORK" && timeout 120 setpriv --reuid=postgres --regid=postgres --init-groups \
		"$bindir/initdb" -D "$WORK/pgdata" -U postgres --auth=scram-sha-256 \
		--pwfile="$WORK/pwfile" -E UTF8 --locale=C.UTF-8) >"$WORK/initdb.log" 2>&1 ||
		{ tail -n 20 "$WORK/initdb.log" >&2; die "initdb failed"; }
	spawn "$WORK/postgres.log" setpriv --reuid=postgres --regid=postgres --init-groups \
		"$bindir/postgres" -D "$WORK/pgdata" -p "$port" \
		-c listen_addresses=127.0.0.1 -c unix_socket_directories="$WORK/pgsock" \
		-c ssl=off -c logging_collector=off -c fsync=off
	local srv=$LAST_PID
	wait_listen "$port" "$srv" "$WORK/postgres.log" postgres
	capture_start "$name" "$port"
	PGPASSWORD=$pw PGCONNECT_TIMEOUT=10 client psql \
		psql -X -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -f - >"$WORK/psql.out" <<-'SQL'
		SELECT version();
		CREATE TABLE presence_sample (jid text PRIMARY KEY, status text NOT NULL);
		INSERT INTO presence_sample VALUES
		  ('alice@impwatch.test', 'available'), ('bob@impwatch.test', 'away');
		SELECT jid, status FROM presence_sample ORDER BY jid;
		UPDATE presence_sample SET status = 'dnd' WHERE jid = 'bob@impwatch.test';
		SELECT count(*) FROM presence_sample WHERE status <> 'available';
		DROP TABLE presence_sample;
		SQL
	capture_stop
	server_stop "$srv" postgres
}

record_slapd() {
	local port=389 suffix='dc=impwatch,dc=test' pw=impwatch-ldap-secret
	local rootdn="cn=admin,dc=impwatch,dc=test"
	port_free "$port"
	mkdir -p "$WORK/ldapdb"
	cat >"$WORK/slapd.conf" <<-EOF
	include /etc/ldap/schema/core.schema
	include /etc/ldap/schema/cosine.schema
	include /etc/ldap/schema/inetorgperson.schema
	pidfile $WORK/slapd.pid
	argsfile $WORK/slapd.args
	modulepath /usr/lib/ldap
	moduleload back_mdb
	database mdb
	maxsize 16777216
	suffix "$suffix"
	rootdn "$rootdn"
	rootpw $pw
	directory $WORK/ldapdb
	EOF
	cat >"$WORK/base.ldif" <<-EOF
	dn: $suffix
	objectClass: dcObject
	objectClass: organization
	dc: impwatch
	o: impwatch test directory

	dn: ou=people,$suffix
	objectClass: organizationalUnit
	ou: people

	dn: uid=alice,ou=people,$suffix
	objectClass: inetOrgPerson
	uid: alice
	cn: Alice Example
	sn: Example
	mail: alice@impwatch.test
	EOF
	# -d 0: stay in the foreground (no detach) with no debug output
	spawn "$WORK/slapd.log" /usr/sbin/slapd -d 0 -h "ldap://127.0.0.1:$port/" -f "$WORK/slapd.conf"
	local srv=$LAST_PID
	wait_listen "$port" "$srv" "$WORK/slapd.log" slapd
	capture_start slapd "$port"
	local uri="ldap://127.0.0.1:$port/"
	export LDAPNOINIT=1     # ignore the system's ldap.conf
	client ldapsearch-rootdse ldapsearch -x -H "$uri" -o nettimeout=10 -s base -b '' \
		'(objectClass=*)' namingContexts supportedLDAPVersion >"$WORK/ldap.out"
	client ldapadd ldapadd -x -H "$uri" -o nettimeout=10 -D "$rootdn" -w "$pw" \
		-f "$WORK/base.ldif" >>"$WORK/ldap.out"
	client ldapsearch ldapsearch -x -H "$uri" -o nettimeout=10 -D "$rootdn" -w "$pw" \
		-b "$suffix" -LLL '(uid=alice)' cn mail >>"$WORK/ldap.out"
	grep -q '^mail: alice@impwatch.test' "$WORK/ldap.out" || die "ldapsearch did not find the added entry"
	capture_stop
	server_stop "$srv" slapd
}

# A small XMPP c2s client (standard library only): stream negotiation, SASL
# PLAIN without TLS, stream restart, resource bind, roster get, presence,
# ping, stream close.
write_xmpp_client() {
	cat >"$1" <<-'PY'
	import base64, re, socket, sys

	host, port, domain, user, password = sys.argv[1:6]
	sock = socket.create_connection((host, int(port)), timeout=10)
	buf = b""

	def send(text):
	    sock.sendall(text.encode())

	def expect(pattern, what):
	    global buf
	    rx = re.compile(pattern.encode(), re.S)
	    while True:
	        m = rx.search(buf)
	        if m:
	            buf = buf[m.end():]
	            return m.group(0)
	        chunk = sock.recv(65536)
	        if not chunk:
	            sys.exit("xmpp: server closed the stream waiting for %s: %r" % (what, buf[-400:]))
	        buf += chunk

	def iq_result(iq_id):
	    return expect(r"<iq\b[^>]*\bid=['\"]%s['\"][^>]*?(?:/>|>.*?</iq>)" % iq_id, iq_id)

	stream_open = ("<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
	               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' "
	               "xml:lang='en'>" % domain)
	send(stream_open)
	features = expect(r"<stream:features.*?</stream:features>", "stream features")
	if b"PLAIN" not in features:
	    sys.exit("xmpp: server offers no SASL PLAIN: %r" % features)
	token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
	send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>" % token)
	outcome = expect(r"<(success|failure)\b[^>]*?(?:/>|>.*?</(?:success|failure)>)", "SASL outcome")
	if not outcome.startswith(b"<success"):
	    sys.exit("xmpp: authentication failed: %r" % outcome)
	send(stream_open)
	expect(r"<stream:features.*?</stream:features>", "features after auth")
	send("<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
	     "<resource>impwatch</resource></bind></iq>")
	bound = iq_result("bind1")
	if b"type='result'" not in bound and b'type="result"' not in bound:
	    sys.exit("xmpp: bind failed: %r" % bound)
	send("<iq type='get' id='roster1'><query xmlns='jabber:iq:roster'/></iq>")
	iq_result("roster1")
	send("<presence><show>chat</show><status>impwatch capture</status></presence>")
	send("<iq type='get' id='ping1' to='%s'><ping xmlns='urn:xmpp:ping'/></iq>" % domain)
	iq_result("ping1")
	send("<presence type='unavailable'/></stream:stream>")
	expect(r"</stream:stream>", "stream close")
	sock.close()
	print("xmpp: logged in as %s@%s, bound, roster, presence, ping: ok" % (user, domain))
	PY
}

record_prosody() {
	local port=5222 domain=impwatch.test user=alice pw=impwatch-xmpp-secret
	command -v prosody >/dev/null || die "prosody is not installed"
	port_free "$port"
	install -d -o prosody -g prosody -m 750 "$WORK/prosody" "$WORK/prosody/data"
	cat >"$WORK/prosody/prosody.cfg.lua" <<-EOF
	-- throwaway configuration: c2s on 127.0.0.1:5222 only, no TLS, no s2s
	pidfile = "$WORK/prosody/prosody.pid"
	data_path = "$WORK/prosody/data"
	log = { info = "$WORK/prosody/prosody.log"; error = "*stderr"; }
	interfaces = { "127.0.0.1" }
	c2s_ports = { $port }
	c2s_direct_tls_ports = { }
	legacy_ssl_ports = { }
	s2s_ports = { }
	http_ports = { }
	https_ports = { }
	component_ports = { }
	modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; }
	modules_disabled = { "s2s"; "s2s_auth_certs"; "offline"; }
	authentication = "internal_plain"
	storage = "internal"
	allow_registration = false
	c2s_require_encryption = false
	s2s_require_encryption = false
	allow_unencrypted_plain_auth = true
	VirtualHost "$domain"
	EOF
	chown -R prosody:prosody "$WORK/prosody"
	write_xmpp_client "$WORK/xmpp_client.py"
	(cd "$WORK" && timeout 30 setpriv --reuid=prosody --regid=prosody --init-groups \
		prosodyctl --config "$WORK/prosody/prosody.cfg.lua" register "$user" "$domain" "$pw") \
		>"$WORK/prosodyctl.log" 2>&1 || { cat "$WORK/prosodyctl.log" >&2; die "prosodyctl register failed"; }
	spawn "$WORK/prosody.out" setpriv --reuid=prosody --regid=prosody --init-groups \
		prosody --config "$WORK/prosody/prosody.cfg.lua" -F
	local srv=$LAST_PID
	wait_listen "$port" "$srv" "$WORK/prosody.out" prosody
	capture_start prosody "$port"
	client xmpp-client python3 "$WORK/xmpp_client.py" 127.0.0.1 "$port" "$domain" "$user" "$pw"
	capture_stop
	server_stop "$srv" prosody
}

record_redis() {
	local name=$1 port=$2
	port_free "$port"
	mkdir -p "$WORK/redis"
	spawn "$WORK/redis.log" redis-server --port "$port" --bind 127.0.0.1 --save '' \
		--appendonly no --dir "$WORK/redis" --daemonize no --logfile ''
	local srv=$LAST_PID
	wait_listen "$port" "$srv" "$WORK/redis.log" redis-server
	capture_start "$name" "$port"
	# one redis-cli run (and TCP connection) per command: redis-cli fed on
	# stdin would first fetch COMMAND DOCS, about 170 KB of help text
	local cmd
	: >"$WORK/redis.out"
	for cmd in PING 'SET impwatch:presence:alice available' 'GET impwatch:presence:alice' \
		'INCR impwatch:logins' 'DEL impwatch:presence:alice impwatch:logins'; do
		# shellcheck disable=SC2086 # split the command into its words
		client "redis-cli $cmd" redis-cli -h 127.0.0.1 -p "$port" $cmd >>"$WORK/redis.out"
	done
	grep -qx available "$WORK/redis.out" || die "redis-cli GET did not return the value SET"
	capture_stop
	server_stop "$srv" redis-server
}

record_openssh() {
	local port=22
	if listening 22; then
		log "NOTE: TCP port 22 is taken on this machine; recording sshd on port 2222 instead"
		port=2222
	fi
	port_free "$port"
	mkdir -p "$WORK/ssh"
	ssh-keygen -q -t ed25519 -N '' -C impwatch-host -f "$WORK/ssh/host_key"
	ssh-keygen -q -t ed25519 -N '' -C impwatch-client -f "$WORK/ssh/client_key"
	cp "$WORK/ssh/client_key.pub" "$WORK/ssh/authorized_keys"
	cat >"$WORK/ssh/sshd_config" <<-EOF
	# throwaway sshd: 127.0.0.1 only, public-key login with one test key
	Port $port
	ListenAddress 127.0.0.1
	HostKey $WORK/ssh/host_key
	PidFile $WORK/ssh/sshd.pid
	AuthorizedKeysFile $WORK/ssh/authorized_keys
	PermitRootLogin prohibit-password
	PubkeyAuthentication yes
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	StrictModes no
	X11Forwarding no
	AllowTcpForwarding no
	PrintMotd no
	LogLevel VERBOSE
	EOF
	# sshd needs its privilege-separation directory (a runtime directory)
	if [ ! -d /run/sshd ]; then
		install -d -m 755 /run/sshd
		MADE_RUN_SSHD=1
	fi
	/usr/sbin/sshd -t -f "$WORK/ssh/sshd_config" || die "sshd rejected its test configuration"
	spawn "$WORK/sshd.log" /usr/sbin/sshd -D -e -f "$WORK/ssh/sshd_config"
	local srv=$LAST_PID
	wait_listen "$port" "$srv" "$WORK/sshd.log" sshd
	capture_start openssh "$port"
	client ssh ssh -F /dev/null -p "$port" -i "$WORK/ssh/client_key" -o IdentitiesOnly=yes \
		-o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=accept-new \
		-o UserKnownHostsFile="$WORK/ssh/known_hosts" -o LogLevel=ERROR \
		"$(id -un)@127.0.0.1" true
	capture_stop
	server_stop "$srv" sshd
}

# A SIP responder (standard library only): accepts one connection, in
# clear or over TLS, answers its request 200 OK and closes.
write_sip_server() {
	cat >"$1" <<-'PY'
	import socket, ssl, sys
	host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
	srv = socket.create_server((host, port))
	srv.settimeout(30)
	if mode == "tls":
	    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
	    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
	    # sipsak 0.9.8 reads no reply over TLS 1.3: 1.2, as SIP servers
	    # still commonly offer.
	    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
	conn, _ = srv.accept()
	conn.settimeout(10)
	if mode == "tls":
	    conn = ctx.wrap_socket(conn, server_side=True)
	buf = b""
	while b"\r\n\r\n" not in buf:
	    chunk = conn.recv(65536)
	    if not chunk:
	        sys.exit("sip: connection closed before a whole request")
	    buf += chunk
	head = buf.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").split("\r\n")
	keep = [h for h in head[1:] if h.split(":", 1)[0].strip().lower()
	        in ("via", "from", "to", "call-id", "cseq")]
	conn.sendall(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
	              "\r\nContent-Length: 0\r\n\r\n").encode())
	try:
	    conn.recv(65536)
	except OSError:
	    pass
	conn.close()
	print("sip: answered %s over %s" % (head[0], mode))
	PY
}

# Real TLS beside real cleartext on three ports the catalogue requires TLS
# on: for each of 5061 (SIP), 8443 (HTTPS) and 636 (LDAPS), one connection
# that speaks TLS, then one that speaks the same protocol in clear.
record_tls() {
	local suffix='dc=impwatch,dc=test' pw=impwatch-ldap-secret
	local rootdn="cn=admin,dc=impwatch,dc=test" srv p
	for p in 5061 8443 636; do port_free "$p"; done
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=imp.impwatch.test \
		-keyout "$WORK/key.pem" -out "$WORK/cert.pem" >"$WORK/openssl.log" 2>&1 ||
		{ cat "$WORK/openssl.log" >&2; die "openssl req failed"; }
	write_sip_server "$WORK/sip_server.py"
	mkdir -p "$WORK/www/axl" "$WORK/ldapdb"
	printf '<html><body>impwatch</body></html>\n' >"$WORK/www/axl/index.html"
	cat >"$WORK/slapd.conf" <<-EOF
	include /etc/ldap/schema/core.schema
	pidfile $WORK/slapd.pid
	argsfile $WORK/slapd.args
	modulepath /usr/lib/ldap
	moduleload back_mdb
	TLSCertificateFile $WORK/cert.pem
	TLSCertificateKeyFile $WORK/key.pem
	database mdb
	maxsize 16777216
	suffix "$suffix"
	rootdn "$rootdn"
	rootpw $pw
	directory $WORK/ldapdb
	EOF
	capture_start tls-cleartext 5061 "tcp port 5061 or tcp port 8443 or tcp port 636"

	for p in tls tcp; do
		spawn "$WORK/sip-$p.log" python3 "$WORK/sip_server.py" 127.0.0.1 5061 "$p" \
			"$WORK/cert.pem" "$WORK/key.pem"
		srv=$LAST_PID
		wait_listen 5061 "$srv" "$WORK/sip-$p.log" "SIP responder ($p)"
		client "sipsak over $p" sipsak -s sip:imp@127.0.0.1:5061 --transport="$p" \
			--tls-ignore-cert-failure >"$WORK/sipsak-$p.out"
		server_stop "$srv" "SIP responder ($p)"
	done

	spawn "$WORK/s_server.log" openssl s_server -accept 127.0.0.1:8443 \
		-cert "$WORK/cert.pem" -key "$WORK/key.pem" -www
	srv=$LAST_PID
	wait_listen 8443 "$srv" "$WORK/s_server.log" "openssl s_server"
	client "curl https" curl -sSk -o "$WORK/https.out" https://127.0.0.1:8443/
	grep -q 'TLS' "$WORK/https.out" || die "openssl s_server's status page not received"
	server_stop "$srv" "openssl s_server"
	spawn "$WORK/http.log" python3 -m http.server 8443 --bind 127.0.0.1 \
		--directory "$WORK/www"
	srv=$LAST_PID
	wait_listen 8443 "$srv" "$WORK/http.log" "python3 http.server"
	client "curl http" curl -sS -o "$WORK/http.out" http://127.0.0.1:8443/axl/
	grep -q impwatch "$WORK/http.out" || die "the HTTP page was not received"
	server_stop "$srv" "python3 http.server"

	for p in ldaps ldap; do
		spawn "$WORK/slapd-$p.log" /usr/sbin/slapd -d 0 -h "$p://127.0.0.1:636/" \
			-f "$WORK/slapd.conf"
		srv=$LAST_PID
		wait_listen 636 "$srv" "$WORK/slapd-$p.log" "slapd ($p)"
		# A simple bind with the password: in clear on the second run.
		LDAPCONF=/dev/null LDAPTLS_REQCERT=never client "ldapwhoami ($p)" \
			ldapwhoami -x -H "$p://127.0.0.1:636/" -o nettimeout=10 \
			-D "$rootdn" -w "$pw" >"$WORK/whoami-$p.out"
		grep -q "^dn:$rootdn" "$WORK/whoami-$p.out" || die "ldapwhoami ($p) did not bind"
		server_stop "$srv" "slapd ($p)"
	done
	capture_stop
}

run_one() {
	local name=$1
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/impwatch-record.XXXXXX")
	chmod 755 "$WORK"
	trap child_cleanup EXIT
	trap 'exit 130' INT TERM
	log "--- $name"
	case $name in
	postgresql)       record_postgresql postgresql 5432 ;;
	postgresql-15432) record_postgresql postgresql-15432 15432 ;;
	slapd)            record_slapd ;;
	prosody)          record_prosody ;;
	redis)            record_redis redis 6379 ;;
	redis-6380)       record_redis redis-6380 6380 ;;
	openssh)          record_openssh ;;
	tls-cleartext)    record_tls ;;
	*)                die "unknown capture '$name' (try --list)" ;;
	esac
}

# ---------------------------------------------------------------------------
# Packages

MADE_POLICY=0
CHILD=
parent_cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
		# the running capture stops its servers and tcpdump in its own trap
		kill -TERM "$CHILD" 2>/dev/null || true
		for ((i = 0; i < 300; i++)); do
			kill -0 "$CHILD" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$CHILD" 2>/dev/null || true
	fi
	if [ "$MADE_POLICY" = 1 ]; then
		rm -f /usr/sbin/policy-rc.d
	fi
	exit "$rc"
}

install_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get"
	log "installing: ${missing[*]}"
	# keep the packages' postinst scripts from starting their daemons
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		MADE_POLICY=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	timeout 600 apt-get update -qq || die "apt-get update failed"
	timeout 1200 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
	if [ "$MADE_POLICY" = 1 ]; then
		rm -f /usr/sbin/policy-rc.d
		MADE_POLICY=0
	fi
	# if a daemon was started anyway (a policy that allows it), stop it again
	for p in "${missing[@]}"; do
		[ -n "${SERVICE_OF[$p]:-}" ] || continue
		if service "${SERVICE_OF[$p]}" status >/dev/null 2>&1; then
			log "stopping the $p service its installation started"
			timeout 60 service "${SERVICE_OF[$p]}" stop >/dev/null 2>&1 || true
		fi
	done
}

versions() {
	local bindir
	bindir=$(pg_bindir)
	log "versions:"
	dpkg-query -W -f='  ${Package} ${Version}\n' tcpdump "postgresql-$(basename "$(dirname "$bindir")")" \
		slapd ldap-utils prosody redis-server redis-tools openssh-server openssh-client python3 openssl curl sipsak >&2 || true
}

main() {
	if [ "${1:-}" = --list ]; then
		printf '%s\n' "${ALL_CAPTURES[@]}"
		exit 0
	fi
	if [ "${1:-}" = --one ]; then
		run_one "$2"
		exit 0
	fi
	[ "$(id -u)" = 0 ] || die "run as root (it installs packages, binds ports below 1024 and runs tcpdump)"
	local names=("$@") name failed=() done_=()
	[ ${#names[@]} -gt 0 ] || names=("${ALL_CAPTURES[@]}")
	for name in "${names[@]}"; do
		[[ " ${ALL_CAPTURES[*]} " == *" $name "* ]] || die "unknown capture '$name' (try --list)"
	done
	trap parent_cleanup EXIT
	trap 'exit 130' INT TERM
	install_packages
	versions
	mkdir -p "$PCAP_DIR"
	for name in "${names[@]}"; do
		# each capture in its own process, with its own cleanup trap, so one
		# failure neither leaves servers behind nor stops the others
		"$BASH" "$SELF" --one "$name" &
		CHILD=$!
		if wait "$CHILD"; then
			done_+=("$name")
		else
			failed+=("$name")
			log "capture '$name' FAILED (see the messages above)"
		fi
	done
	log "recorded: ${done_[*]:-none}"
	if [ ${#failed[@]} -gt 0 ]; then
		die "failed: ${failed[*]}"
	fi
}

main "$@"
