#!/bin/sh
# conffile.sh install|uninstall SRC DST: a configuration file of make
# install. install writes DST only when it does not exist, so that a
# second make install keeps what someone edited; uninstall removes DST
# only when it is still SRC byte for byte.
set -eu
op=$1 src=$2 dst=$3
case $op in
install)
	if [ -e "$dst" ]; then
		cmp -s "$src" "$dst" ||
			echo "impwatch: $dst exists, kept (the shipped one is $src)"
	else
		install -m 644 "$src" "$dst"
	fi
	;;
uninstall)
	if [ -e "$dst" ]; then
		if cmp -s "$src" "$dst"; then
			rm -f "$dst"
		else
			echo "impwatch: $dst was edited, kept"
		fi
	fi
	;;
*)
	echo "conffile.sh: install or uninstall, not '$op'" >&2
	exit 2
	;;
esac
