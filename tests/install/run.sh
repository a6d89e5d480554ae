#!/bin/sh
# run.sh BIN: impwatch installed as a person installs it.
#   - make install into a temporary DESTDIR: exactly the expected files,
#     the unit naming the installed binary, the reference catalogue equal
#     to the built-in one, the example inventory valid; an edited /etc
#     file kept; make uninstall removing exactly what install wrote;
#   - the logrotate snippet run for real on a copy (paths and user moved
#     into the test's folder): rename, one SIGHUP request, no copy;
#   - the systemd unit through `systemd-analyze verify` (skipped with a
#     message where it is absent): no warning at all;
#   - the Debian package: its files, conffiles and Depends; then, as root,
#     dpkg -i, impwatch -V and -r on the demo capture, logrotate -d and
#     systemd-analyze verify on the installed files, dpkg -r, dpkg --purge,
#     and nothing of it left.
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
installed_deb=
cleanup() {
	# A package this run installed never stays behind, whatever failed.
	[ -n "$installed_deb" ] && dpkg --purge impwatch >/dev/null 2>&1
}
# The files (and links) under a folder, relative to it, sorted.
files_under() { (cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort); }

# make with the binary under test and the objects beside it, whatever
# SANITIZE the calling make was given.
make_() { make -s --no-print-directory SANITIZE= BUILD="$(dirname "$bin")" BIN="$bin" "$@"; }
sha_builtin=$("$bin" -V | sed -n 's/^built-in catalogue SHA-256 //p')

# --- make install, default PREFIX, into a DESTDIR --------------------------
dest=$tmp/dest
make_ install DESTDIR="$dest" >"$tmp/install.log" 2>&1 || {
	bad "make install DESTDIR=..."; show "$tmp/install.log"; }
cat >"$tmp/want" <<'EOF'
etc/default/impwatch
etc/logrotate.d/impwatch
usr/local/bin/impwatch
usr/local/lib/systemd/system/impwatch@.service
usr/local/share/impwatch/example.hosts
usr/local/share/impwatch/imp.conf
usr/local/share/man/man1/impwatch.1
usr/local/share/man/man5/impwatch-rules.5
EOF
files_under "$dest" >"$tmp/got"
same "make install: the installed files" "$tmp/want" "$tmp/got"
expect "install: binary mode 755" test "$(stat -c %a "$dest/usr/local/bin/impwatch")" = 755
expect "install: unit mode 644" test "$(stat -c %a "$dest/usr/local/lib/systemd/system/impwatch@.service")" = 644
unit=$dest/usr/local/lib/systemd/system/impwatch@.service
# --append: a restart keeps the records not rotated yet.
expect "unit: runs the installed binary, appending" \
	grep -qx 'ExecStart=/usr/local/bin/impwatch -i %i --format json --append -o /var/log/impwatch/%i.json --alert-file - $IMPWATCH_OPTS' "$unit"
expect "unit: reads /etc/default/impwatch" grep -qx 'EnvironmentFile=-/etc/default/impwatch' "$unit"
expect "unit: no placeholder left" sh -c "! grep -n '@[A-Z]*@' '$unit'"
expect "unit: never root" grep -qx 'User=impwatch' "$unit"
expect "unit: two capabilities" grep -qx 'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN' "$unit"
same "the reference catalogue is the built-in one" rules/imp.conf "$dest/usr/local/share/impwatch/imp.conf"
expect "the reference catalogue's SHA-256 is the one -V prints" \
	test "$(sha256sum <"$dest/usr/local/share/impwatch/imp.conf" | cut -c1-64)" = "$sha_builtin"
expect "the example inventory is valid for --hosts" \
	"$bin" -q --hosts "$dest/usr/local/share/impwatch/example.hosts" -r pcaps/demo.pcap
# The flows' verdicts and rows, by Community ID: what names the run
# (run_id, flow ids, times, the rules file's name) differs by design.
flows_of() {
	jq -c 'select(.type == "flow") | [.community_id, .verdict, .service,
		.tables, .rule_line, .findings]' | LC_ALL=C sort
}
"$bin" -q --format json -r pcaps/demo.pcap 2>&1 | flows_of >"$tmp/builtin.json"
"$bin" -q --format json --rules "$dest/usr/local/share/impwatch/imp.conf" \
	-r pcaps/demo.pcap 2>&1 | flows_of >"$tmp/copy.json"
[ -s "$tmp/builtin.json" ] || echo "install: no flow records" >"$tmp/builtin.json"
same "--rules on the reference copy reports as the built-in catalogue" "$tmp/builtin.json" "$tmp/copy.json"

# A second install keeps an edited /etc file; uninstall removes exactly
# what install wrote, and nothing it did not write.
echo 'IMPWATCH_OPTS="--report-every 60"' >"$dest/etc/default/impwatch"
touch "$dest/usr/local/bin/other-tool" "$dest/etc/logrotate.d/other"
make_ install DESTDIR="$dest" >"$tmp/install2.log" 2>&1
expect "install again: an edited /etc/default/impwatch is kept" \
	grep -qx 'IMPWATCH_OPTS="--report-every 60"' "$dest/etc/default/impwatch"
expect "install again: says it kept it" grep -q 'etc/default/impwatch exists, kept' "$tmp/install2.log"
make_ uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1
printf '%s\n' etc/default/impwatch etc/logrotate.d/other usr/local/bin/other-tool >"$tmp/want"
files_under "$dest" >"$tmp/got"
same "make uninstall: only the edited file and others' files remain" "$tmp/want" "$tmp/got"
expect "uninstall: its own folder goes" test ! -e "$dest/usr/local/share/impwatch"
expect "uninstall: says the edited file was kept" grep -q 'etc/default/impwatch was edited, kept' "$tmp/uninstall.log"
rm -f "$dest/etc/default/impwatch"
make_ install DESTDIR="$dest" >/dev/null 2>&1
make_ uninstall DESTDIR="$dest" >/dev/null 2>&1
printf '%s\n' etc/logrotate.d/other usr/local/bin/other-tool >"$tmp/want"
files_under "$dest" >"$tmp/got"
same "install then uninstall leaves nothing of impwatch" "$tmp/want" "$tmp/got"

# Nor a folder: on a fresh Debian /usr/local has no systemd unit folder
# and no man sections, which install makes; uninstall left them, empty.
# Those that were there before stay, empty or not.
dirs_under() { (cd "$1" && find . -type d | LC_ALL=C sort); }
fresh=$tmp/fresh
mkdir -p "$fresh/usr/local/bin" "$fresh/usr/local/lib" \
	"$fresh/usr/local/share/man" "$fresh/etc/default" "$fresh/etc/logrotate.d"
dirs_under "$fresh" >"$tmp/want"
make_ install DESTDIR="$fresh" >/dev/null 2>&1
make_ uninstall DESTDIR="$fresh" >/dev/null 2>&1
dirs_under "$fresh" >"$tmp/got"
same "install then uninstall on a fresh system: the same folders" "$tmp/want" "$tmp/got"

# --- the logrotate snippet, run for real on a copy -------------------------
# Its log folder, its user and systemd's run-time folder move into the
# test's folder; a stub systemctl records what it is asked.
if command -v logrotate >/dev/null 2>&1 && getent passwd nobody >/dev/null &&
   [ "$(id -u)" = 0 ]; then
	lr=$tmp/lr
	mkdir -p "$lr/log" "$lr/run-systemd" "$lr/bin"
	group=$(id -gn nobody)
	# The rotation runs as nobody, who must reach the folder.
	chmod 711 "$tmp"
	chmod 755 "$lr"
	chown nobody:"$group" "$lr/log"
	cat >"$lr/bin/systemctl" <<EOF
#!/bin/sh
echo "\$*" >>"$lr/systemctl.calls"
EOF
	chmod 755 "$lr/bin/systemctl"
	sed -e "s|/var/log/impwatch|$lr/log|g" -e "s|su impwatch impwatch|su nobody $group|" \
	    -e "s|/run/systemd/system|$lr/run-systemd|g" dist/impwatch.logrotate >"$lr/conf"
	expect "logrotate: the snippet never copies and truncates" sh -c "! grep -Eq '^[[:space:]]*copytruncate' dist/impwatch.logrotate"
	expect "logrotate: the copy was adapted" grep -q "su nobody $group" "$lr/conf"
	echo '{"type":"flow","n":1}' >"$lr/log/eth1.json"
	echo '{"type":"flow","n":2}' >"$lr/log/eth2.json"
	chown nobody "$lr/log/eth1.json" "$lr/log/eth2.json"
	expect "logrotate: runs" env PATH="$lr/bin:$PATH" logrotate -f -s "$lr/state" "$lr/conf"
	expect "logrotate: eth1.json renamed" grep -qx '{"type":"flow","n":1}' "$lr/log/eth1.json.1"
	expect "logrotate: eth2.json renamed" grep -qx '{"type":"flow","n":2}' "$lr/log/eth2.json.1"
	expect "logrotate: no new file (impwatch creates it on SIGHUP)" test ! -e "$lr/log/eth1.json"
	expect "logrotate: one SIGHUP request for every instance" \
		test "$(cat "$lr/systemctl.calls" 2>/dev/null)" = "kill --kill-who=main --signal=HUP impwatch@*.service"
	# The next rotation compresses the previous file (delaycompress).
	echo '{"type":"flow","n":3}' >"$lr/log/eth1.json"
	chown nobody "$lr/log/eth1.json"
	expect "logrotate: runs again" env PATH="$lr/bin:$PATH" logrotate -f -s "$lr/state" "$lr/conf"
	expect "logrotate: the older file is compressed" sh -c "gzip -dc '$lr/log/eth1.json.2.gz' | grep -qx '{\"type\":\"flow\",\"n\":1}'"
	expect "logrotate: the newer one is not yet" grep -qx '{"type":"flow","n":3}' "$lr/log/eth1.json.1"
else
	echo "install: logrotate, user nobody or root missing: the rotation run is skipped"
fi

# --- the unit through systemd-analyze verify ------------------------------
# Installed under real paths in the test's folder, so that verify finds
# the binary ExecStart names.
if command -v systemd-analyze >/dev/null 2>&1; then
	pfx=$tmp/prefix
	make_ install PREFIX="$pfx/usr" SYSCONFDIR="$pfx/etc" >/dev/null 2>&1
	# verify exits 0 on unknown keys and bad values: its output must be
	# empty too.
	verify() { systemd-analyze verify --man=no "$1" >"$tmp/verify" 2>&1 && [ ! -s "$tmp/verify" ]; }
	if verify "$pfx/usr/lib/systemd/system/impwatch@.service"; then
		ok
	else
		bad "systemd-analyze verify impwatch@.service:"; show "$tmp/verify" 1000
	fi
	sed 's/^ProtectHome=yes$/ProtectHome=yess/' "$pfx/usr/lib/systemd/system/impwatch@.service" \
		>"$tmp/impwatch-typo@.service"
	if verify "$tmp/impwatch-typo@.service"; then
		bad "systemd-analyze verify passes a unit with a bad value"
	else
		ok
	fi
else
	echo "install: systemd-analyze not found, the unit is not verified"
fi

# --- the unit's state: a gate's verdict is no failure -----------------------
# A stop's exit status is the unit's state. The gate's verdicts (--help's
# findings and inconclusive codes, should IMPWATCH_OPTS give --validate)
# are no failure of the sensor; an error (an output lost) is.
svc_in=dist/impwatch@.service.in
codes=$(sed -n 's/^SuccessExitStatus=//p' "$svc_in")
"$bin" --help | sed -n '/^Exit status:/,$p' >"$tmp/exits"
verdicts=$(sed -n 's/^  \([0-9]\)  \(--validate:\|inconclusive:\).*/\1/p' "$tmp/exits")
error=$(sed -n 's/^  \([0-9]\)  usage error.*/\1/p' "$tmp/exits")
unit_ok=$([ -n "$verdicts" ] && [ -n "$error" ] && echo yes)
for v in $verdicts; do
	case " $codes " in *" $v "*) ;; *) unit_ok= ;; esac
done
case " $codes " in *" $error "*) unit_ok= ;; esac
[ -n "$unit_ok" ] && ok ||
	bad "the unit's SuccessExitStatus= is '$codes': want the verdicts ($(echo $verdicts)), not the error (${error:-?})"

# --- the Debian package -----------------------------------------------------
if ! command -v dpkg-deb >/dev/null 2>&1 || ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
	echo "install: dpkg-dev not installed, the package is not built (make deps as root)"
	finish install
fi
deb=$(sh tools/mkdeb.sh "$bin" "$tmp/deb" 2>"$tmp/mkdeb.err") || {
	bad "mkdeb.sh:"; show "$tmp/mkdeb.err" 1000; }
if [ -n "$deb" ] && [ -f "$deb" ]; then
	dpkg-deb -c "$deb" | awk '{ print $NF }' | grep -v '/$' | sed 's|^\./||' |
		LC_ALL=C sort >"$tmp/got"
	cat >"$tmp/want" <<'EOF'
etc/default/impwatch
etc/logrotate.d/impwatch
usr/bin/impwatch
usr/lib/systemd/system/impwatch@.service
usr/share/doc/impwatch/README.md.gz
usr/share/impwatch/example.hosts
usr/share/impwatch/imp.conf
usr/share/man/man1/impwatch.1.gz
usr/share/man/man5/impwatch-rules.5.gz
EOF
	same "the package's files" "$tmp/want" "$tmp/got"
	dpkg-deb -c "$deb" | awk '$2 != "root/root" { print }' >"$tmp/owners"
	expect "the package's files belong to root" test ! -s "$tmp/owners"
	printf '/etc/default/impwatch\n/etc/logrotate.d/impwatch\n' >"$tmp/want"
	dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles >"$tmp/got" 2>&1
	same "the package's conffiles" "$tmp/want" "$tmp/got"
	depends=$(dpkg-deb -f "$deb" Depends)
	for d in libpcap0.8 libndpi4.2 libgcrypt20 libjansson4 libc6 adduser; do
		expect "Depends names $d ($depends)" sh -c "echo '$depends' | grep -Eq '(^|, )$d( |,|\$)'"
	done
	expect "the package's version is impwatch's" \
		test "impwatch $(dpkg-deb -f "$deb" Version)" = "$("$bin" -V | head -1)"
fi

status=$(dpkg-query -W -f='${Status}' impwatch 2>/dev/null)
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
	:
elif [ "$(id -u)" != 0 ]; then
	echo "install: not root: the package is built but not installed"
elif [ -n "$status" ] && [ "$status" != "unknown ok not-installed" ] &&
     [ "$status" != "deinstall ok config-files" ]; then
	echo "install: impwatch is installed on this machine ($status): the package test would replace and remove it, skipped"
else
	if dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then
		installed_deb=1
		ok
	else
		bad "dpkg -i:"; show "$tmp/dpkg.log" 20
	fi
fi
if [ -n "$installed_deb" ]; then
	uid=$(getent passwd impwatch | cut -d: -f3)
	expect "dpkg -i: the system user impwatch exists" test -n "$uid"
	expect "dpkg -i: impwatch is a system user (uid $uid)" test "${uid:-1000}" -lt 1000
	expect "dpkg -i: the user cannot log in" sh -c "getent passwd impwatch | grep -Eq ':/(usr/)?s?bin/(nologin|false)\$'"
	/usr/bin/impwatch -V >"$tmp/v" 2>&1
	expect "installed impwatch -V: first line" test "$(head -1 "$tmp/v")" = "$("$bin" -V | head -1)"
	expect "installed impwatch -V: the installed catalogue's SHA-256" \
		grep -qx "built-in catalogue SHA-256 $(sha256sum </usr/share/impwatch/imp.conf | cut -c1-64)" "$tmp/v"
	expect "installed impwatch -r on the demo capture" sh -c \
		"/usr/bin/impwatch -q -r pcaps/demo.pcap | grep -Eq '^  flows +31:'"
	expect "installed impwatch with the installed catalogue and inventory" \
		/usr/bin/impwatch -q --rules /usr/share/impwatch/imp.conf \
		--hosts /usr/share/impwatch/example.hosts -r pcaps/demo.pcap
	if command -v man >/dev/null 2>&1; then
		expect "man finds impwatch(1)" man -w impwatch
		expect "man finds impwatch-rules(5)" man -w 5 impwatch-rules
	fi
	if command -v logrotate >/dev/null 2>&1; then
		logrotate -d -s "$tmp/lr-state" /etc/logrotate.d/impwatch >"$tmp/lr-debug" 2>&1
		expect "logrotate -d /etc/logrotate.d/impwatch" sh -c "! grep -i 'error' '$tmp/lr-debug'"
	fi
	if command -v systemd-analyze >/dev/null 2>&1; then
		man_opt=--man=no
		command -v man >/dev/null 2>&1 && man_opt=--man=yes
		systemd-analyze verify "$man_opt" /usr/lib/systemd/system/impwatch@.service >"$tmp/verify" 2>&1
		if [ $? -eq 0 ] && [ ! -s "$tmp/verify" ]; then
			ok
		else
			bad "systemd-analyze verify on the installed unit:"; show "$tmp/verify" 1000
		fi
	fi
	# What the service would have written, as its user.
	install -d -o impwatch -g impwatch -m 750 /var/log/impwatch
	echo '{"type":"flow"}' >/var/log/impwatch/eth1.json
	chown impwatch:impwatch /var/log/impwatch/eth1.json

	expect "dpkg -r" dpkg -r impwatch
	expect "dpkg -r: the binary goes" test ! -e /usr/bin/impwatch
	expect "dpkg -r: the unit goes" test ! -e /usr/lib/systemd/system/impwatch@.service
	expect "dpkg -r: conffiles stay until purge" test -f /etc/default/impwatch
	expect "dpkg -r: the records stay until purge" test -f /var/log/impwatch/eth1.json
	expect "dpkg --purge" dpkg --purge impwatch
	installed_deb=
	expect "dpkg --purge: the package is gone" sh -c "! dpkg-query -W -f='\${Status}' impwatch 2>/dev/null | grep -q installed"
	expect "dpkg --purge: conffiles go" test ! -e /etc/default/impwatch -a ! -e /etc/logrotate.d/impwatch
	expect "dpkg --purge: the records go" test ! -e /var/log/impwatch
	left=
	for f in $(dpkg-deb -c "$deb" | awk '{ print $NF }' | grep -v '/$' | sed 's|^\.||'); do
		[ -e "$f" ] && left="$left $f"
	done
	expect "dpkg --purge: no file of the package is left:$left" test -z "$left"
	expect "dpkg --purge: no folder of its own is left" \
		test ! -e /usr/share/impwatch -a ! -e /usr/share/doc/impwatch
fi

finish install
