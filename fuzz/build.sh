#!/bin/sh
# build.sh: the libFuzzer targets, with ASan and UBSan, in build/fuzz/.
#
#   fuzz_decode      frames of every supported link type -> decode, flow
#                    table, classification (fuzz/fuzz_decode.c)
#   fuzz_pcap        whole pcap/pcapng file images -> capture_read_file()
#                    and the same per-packet path (fuzz/fuzz_pcap.c)
#   fuzz_catalogue   catalogue text, plain and as an override
#                    (fuzz/fuzz_catalogue.c)
#   fuzz_hosts       site inventory text (fuzz/fuzz_hosts.c)
#   fuzz_waivers     waiver file text, and records it waives
#                    (fuzz/fuzz_waivers.c)
#   fuzz_pcapng_feed a pcapng fed whole and in pieces -> pcapng_feed()
#                    (fuzz/fuzz_pcapng_feed.c)
#   mkseeds          the seed builder (fuzz/mkseeds.c), no sanitizers
#
# The library is every src/*.c but main.c, as the Makefile's, compiled
# with coverage instrumentation. Needs clang (CLANG=clang-14 to choose)
# and its libFuzzer runtime (Debian: clang and libclang-rt-14-dev for
# clang 14), installed with tools/deps.sh when missing.
set -eu
cd "$(dirname "$0")/.."

CLANG=${CLANG:-clang}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
out=build/fuzz

# clang, and libFuzzer's runtime, which Debian packages apart
# (libclang-rt-N-dev for clang N): installed when missing, as root.
if ! command -v "$CLANG" >/dev/null 2>&1; then
	sh tools/deps.sh clang || exit 2
fi
can_link() {
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' |
		"$CLANG" -fsanitize=fuzzer,address,undefined -x c -o "$1/probe" - >/dev/null 2>&1
}
mkdir -p "$out"
if ! can_link "$out"; then
	ver=$("$CLANG" -dumpversion | cut -d. -f1)
	sh tools/deps.sh "libclang-rt-$ver-dev" || exit 2
	if ! can_link "$out"; then
		echo "fuzz: $CLANG cannot link libFuzzer with ASan and UBSan" >&2
		exit 2
	fi
fi
rm -f "$out/probe"

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-std=c11 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -Wno-unused-parameter $san -Iinclude -I$out"
pkg_cflags=$($PKG_CONFIG --cflags libpcap libndpi libgcrypt jansson libgvc 2>/dev/null || true)
pkg_libs=$($PKG_CONFIG --libs libpcap libndpi libgcrypt jansson libgvc 2>/dev/null || echo -lpcap)

mkdir -p "$out/obj"
sh tools/embed.sh rules/imp.conf impwatch_embedded_rules >"$out/rules_embedded.c.tmp"
mv "$out/rules_embedded.c.tmp" "$out/rules_embedded.c"

objs=""
for src in src/*.c "$out/rules_embedded.c"; do
	[ "$src" = src/main.c ] && continue
	obj=$out/obj/$(basename "$src" .c).o
	# shellcheck disable=SC2086 # flag lists are split on purpose
	$CLANG $cflags $pkg_cflags -fsanitize=fuzzer-no-link -c -o "$obj" "$src"
	objs="$objs $obj"
done

for t in fuzz_decode fuzz_pcap fuzz_catalogue fuzz_hosts fuzz_waivers \
	fuzz_pcapng_feed; do
	# shellcheck disable=SC2086
	$CLANG $cflags $pkg_cflags -fsanitize=fuzzer -o "$out/$t" "fuzz/$t.c" $objs $pkg_libs
	echo "fuzz: built $out/$t"
done

# shellcheck disable=SC2086
$CLANG -std=c11 -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra $pkg_cflags -o "$out/mkseeds" fuzz/mkseeds.c $pkg_libs
echo "fuzz: built $out/mkseeds"
