#!/bin/sh
# seeds.sh OUTDIR: build the seed corpora in OUTDIR/decode, OUTDIR/pcap,
# OUTDIR/catalogue, OUTDIR/hosts, OUTDIR/waivers and OUTDIR/pcapng_feed,
# from the project's captures and rules and, when it is
# there, the shared capture corpus. Needs build/fuzz/mkseeds (fuzz/build.sh).
# Seeds are made at run time and never committed.
set -eu
cd "$(dirname "$0")/.."
out=$1
shared=${SHARED_PCAPS:-../shared/pcaps}
mkseeds=build/fuzz/mkseeds
# fuzz_pcap reads at most this much of a seed (the run's -max_len);
# fuzz_pcapng_feed, this.
pcap_max=65536
feed_max=16384

mkdir -p "$out/decode" "$out/pcap" "$out/catalogue" "$out/hosts" "$out/waivers"

caps=""
for f in pcaps/*.pcap pcaps/*.pcapng; do
	[ -f "$f" ] && caps="$caps $f"
done
if [ -d "$shared" ]; then
	for f in "$shared"/*.pcap "$shared"/*.pcapng "$shared"/*.cap; do
		[ -f "$f" ] && caps="$caps $f"
	done
else
	echo "fuzz: $shared not found: seeds from pcaps/ only"
fi

# fuzz_decode: frames in the target's own format. Skip notes go to a log:
# the shared corpus holds link types impwatch refuses on purpose.
# shellcheck disable=SC2086 # one word per capture
"$mkseeds" "$out/decode" $caps 2>"$out/mkseeds.log"

# fuzz_pcap: the files themselves, the large ones cut to the first
# pcap_max bytes (a cut file is a good seed: it ends in a damaged record).
n=0
for f in $caps; do
	head -c "$pcap_max" "$f" >"$out/pcap/$(basename "$f")"
	n=$((n + 1))
done
# The smallest files: empty pcap and pcapng (header blocks only).
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000' \
	>"$out/pcap/empty.pcap"
printf '\012\015\015\012\034\000\000\000\115\074\053\032\001\000\000\000\377\377\377\377\377\377\377\377\034\000\000\000' \
	>"$out/pcap/empty-shb.pcapng"
echo "fuzz: $n capture seeds for fuzz_pcap"

# fuzz_catalogue: every rules file, and the built-in catalogue with a site
# override after a NUL (the target's --rules-add half).
n=0
for f in rules/*.conf tests/rules/*.conf; do
	[ -f "$f" ] || continue
	cp "$f" "$out/catalogue/$(basename "$f")"
	n=$((n + 1))
done
for f in tests/rules/site-*.conf; do
	[ -f "$f" ] || continue
	{ cat rules/imp.conf; printf '\000'; cat "$f"; } >"$out/catalogue/imp+$(basename "$f")"
	n=$((n + 1))
done
echo "fuzz: $n rules seeds for fuzz_catalogue"

# fuzz_hosts: the example inventory, and any the project keeps.
n=0
for f in fuzz/site.hosts tests/hosts/*.hosts; do
	[ -f "$f" ] || continue
	cp "$f" "$out/hosts/$(basename "$f")"
	n=$((n + 1))
done
echo "fuzz: $n inventory seeds for fuzz_hosts"

# fuzz_waivers: the example waiver file.
cp fuzz/site.waivers "$out/waivers/site.waivers"
echo "fuzz: 1 waiver seed for fuzz_waivers"

# fuzz_pcapng_feed: small pcapng files that record losses every way
# (mkseeds), and the project's pcapng captures, behind the target's
# header (pieces of 2, 8 and 29 bytes; 2 packets handed over), cut to
# the run's -max_len.
mkdir -p "$out/pcapng_feed"
"$mkseeds" --pcapng-feed "$out/pcapng_feed"
n=0
for f in pcaps/*.pcapng; do
	[ -f "$f" ] || continue
	{ printf '\003\001\007\034\002'; head -c "$((feed_max - 5))" "$f"; } \
		>"$out/pcapng_feed/$(basename "$f")"
	n=$((n + 1))
done
echo "fuzz: $n capture seeds for fuzz_pcapng_feed"
