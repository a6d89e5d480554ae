#!/bin/sh
# deps.sh PKG...: make sure the Debian packages are installed. As root,
# installs the missing ones with apt-get; otherwise names them and fails.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "impwatch: missing build packages:$missing" >&2
	echo "impwatch: run 'make deps' as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "impwatch: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || exit 1
apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 1
