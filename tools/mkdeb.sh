#!/bin/sh
# mkdeb.sh BIN OUTDIR: build the Debian package of impwatch with dpkg-deb
# from `make install` into a staging tree (PREFIX=/usr), as Debian lays a
# package out: man pages compressed, binary stripped, conffiles listed,
# Depends computed by dpkg-shlibdeps from what the binary links, and a
# maintainer script that creates the impwatch system user. Prints the
# path of the .deb.
set -eu
bin=$1
out=$2
maint=${DEB_MAINTAINER:-impwatch maintainers <impwatch@localhost.invalid>}

die() { echo "mkdeb: $*" >&2; exit 1; }
for t in dpkg-deb dpkg-shlibdeps; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found (Debian's dpkg-dev)"
done
version=$("$bin" -V | sed -n '1s/^impwatch //p')
[ -n "$version" ] || die "cannot read the version from $bin -V"
arch=$(dpkg --print-architecture)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# dpkg-shlibdeps expects the tree of package P in debian/P, beside
# debian/control.
root=$work/debian/impwatch
mkdir -p "$root/DEBIAN"
# The binary given and the objects beside it, whatever SANITIZE says.
${MAKE:-make} -s --no-print-directory install SANITIZE= BUILD="$(dirname "$bin")" \
	BIN="$bin" DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc \
	UNITDIR=/usr/lib/systemd/system >/dev/null

strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$root/usr/bin/impwatch"
gzip -9n "$root/usr/share/man/man1/impwatch.1" "$root/usr/share/man/man5/impwatch-rules.5"
install -d "$root/usr/share/doc/impwatch"
gzip -9nc README.md >"$root/usr/share/doc/impwatch/README.md.gz"
chmod 644 "$root/usr/share/doc/impwatch/README.md.gz"

printf 'Source: impwatch\n\nPackage: impwatch\nArchitecture: any\n' >"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O debian/impwatch/usr/bin/impwatch) ||
	die "dpkg-shlibdeps failed"
depends=${shlibs#shlibs:Depends=}
case $depends in
*libpcap0.8*libndpi4.2*|*libndpi4.2*libpcap0.8*) ;;
*) die "unexpected dependencies: $depends" ;;
esac

(cd "$root" && find etc -type f | sed 's|^|/|' | sort) >"$root/DEBIAN/conffiles"
(cd "$root" && find usr -type f | sort | xargs md5sum) >"$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)

cat >"$root/DEBIAN/control" <<CONTROL
Package: impwatch
Version: $version
Architecture: $arch
Maintainer: $maint
Installed-Size: $size
Depends: $depends, adduser
Recommends: logrotate
Section: net
Priority: optional
Description: classify Cisco IM and Presence traffic against the documented ports
 A passive packet classifier for Cisco Unified Communications IM and
 Presence Service deployments. It labels every flow of a capture or of a
 SPAN port with the service the Cisco port usage guide documents for its
 port, checks the payload with nDPI, and flags what is not documented.
 It runs offline, as a change-control gate (exit status), or as a sensor
 service (impwatch@IFACE) that never runs as root.
CONTROL

cat >"$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
# The system user the impwatch@ units run as: no login, no home.
set -e
if [ "$1" = configure ]; then
	if ! getent passwd impwatch >/dev/null; then
		adduser --system --group --quiet --no-create-home \
			--home /nonexistent impwatch
	fi
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
	fi
fi
exit 0
SCRIPT

cat >"$root/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
# Running instances would keep the removed binary open: stop them.
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
	systemctl stop 'impwatch@*.service' >/dev/null 2>&1 || true
fi
exit 0
SCRIPT

cat >"$root/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
# On purge, what the package's user wrote (the flow records) and the
# links of the instances enabled go too. The user itself stays, as
# Debian advises: files it owned elsewhere must not go to a later user of
# its uid.
set -e
if [ "$1" = purge ]; then
	rm -rf /var/log/impwatch
	rm -f /etc/systemd/system/multi-user.target.wants/impwatch@*.service
fi
if [ "$1" = remove ] || [ "$1" = purge ]; then
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
	fi
fi
exit 0
SCRIPT
chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

mkdir -p "$out"
deb=$out/impwatch_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
