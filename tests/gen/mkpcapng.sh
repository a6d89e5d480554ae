#!/bin/sh
# mkpcapng.sh [DIR]: write the pcapng test captures from the classic pcaps
# that gen_pcaps wrote in DIR (default: pcaps), with editcap -F pcapng
# (Debian package wireshark-common):
#
#   link-ether.pcap  ->  fmt-pcapng.pcapng
#   demo.pcap        ->  demo.pcapng
#
# editcap records its own version in the section header (shb_userappl),
# so a different Wireshark release changes those bytes and nothing else.
set -eu

dir=${1:-pcaps}

if ! command -v editcap >/dev/null 2>&1; then
	echo "mkpcapng.sh: editcap not found (apt-get install wireshark-common)" >&2
	exit 1
fi

# conv IN OUT: DIR/IN to DIR/OUT, replaced only once the new file is whole.
conv() {
	if [ ! -f "$dir/$1" ]; then
		echo "mkpcapng.sh: $dir/$1 missing: run 'make pcaps' first" >&2
		exit 1
	fi
	editcap -F pcapng "$dir/$1" "$dir/$2.tmp"
	mv "$dir/$2.tmp" "$dir/$2"
}

conv link-ether.pcap fmt-pcapng.pcapng
conv demo.pcap demo.pcapng
