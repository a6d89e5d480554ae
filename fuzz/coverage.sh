#!/bin/sh
# coverage.sh [TARGET...]: source coverage of each fuzz target's working
# corpus (build/fuzz/corpus/TARGET, grown by fuzz/run.sh), per file of the
# modules it is meant to reach. Builds the targets again with clang's
# source-based coverage (no sanitizers) in build/fuzz-cov/, replays the
# corpus once, and prints llvm-cov's table of regions, functions, lines
# and branches. Needs llvm-profdata and llvm-cov (Debian: llvm).
set -eu
cd "$(dirname "$0")/.."

CLANG=${CLANG:-clang}
PROFDATA=${LLVM_PROFDATA:-llvm-profdata}
COV=${LLVM_COV:-llvm-cov}
out=build/fuzz-cov
targets=${*:-fuzz_decode fuzz_pcap fuzz_catalogue fuzz_hosts fuzz_waivers fuzz_pcapng_feed}
cflags="-std=c11 -D_DEFAULT_SOURCE -g -O1 -fprofile-instr-generate -fcoverage-mapping -Iinclude -I$out"
pkg_cflags=$(pkg-config --cflags libpcap libndpi 2>/dev/null || true)
pkg_libs=$(pkg-config --libs libpcap libndpi 2>/dev/null || echo -lpcap)

for tool in "$CLANG" "$PROFDATA" "$COV"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "coverage: $tool not found"; exit 2; }
done
mkdir -p "$out/obj"
sh tools/embed.sh rules/imp.conf impwatch_embedded_rules >"$out/rules_embedded.c"
objs=""
for src in src/*.c "$out/rules_embedded.c"; do
	[ "$src" = src/main.c ] && continue
	obj=$out/obj/$(basename "$src" .c).o
	# shellcheck disable=SC2086
	$CLANG $cflags $pkg_cflags -c -o "$obj" "$src"
	objs="$objs $obj"
done

for t in $targets; do
	case $t in
	fuzz_decode) files="src/decode.c src/decode_link.c src/decode_ip.c src/decode_tunnel.c src/frag.c src/flow.c src/classify.c" ;;
	fuzz_pcap) files="src/capture.c src/pcapng.c src/decode.c src/decode_link.c src/decode_ip.c src/decode_tunnel.c src/frag.c src/flow.c" ;;
	fuzz_catalogue) files="src/catalogue.c src/catalogue_apps.c src/catalogue_parse.c src/catalogue_print.c src/portindex.c src/roles.c src/textfile.c" ;;
	fuzz_hosts) files="src/hosts.c src/roles.c src/textfile.c" ;;
	fuzz_waivers) files="src/waiver.c src/waiver_print.c src/textfile.c" ;;
	fuzz_pcapng_feed) files="src/pcapng.c" ;;
	*) echo "coverage: unknown target $t"; exit 2 ;;
	esac
	corpus=build/fuzz/corpus/$t
	if [ ! -d "$corpus" ]; then
		echo "coverage: no corpus for $t (run fuzz/run.sh first)"
		continue
	fi
	# shellcheck disable=SC2086
	$CLANG $cflags $pkg_cflags -fsanitize=fuzzer -o "$out/$t" "fuzz/$t.c" $objs $pkg_libs
	rm -f "$out/$t".*.profraw
	LLVM_PROFILE_FILE="$out/$t.%p.profraw" "$out/$t" -runs=0 "$corpus" >"$out/$t.log" 2>&1 || true
	$PROFDATA merge -sparse "$out/$t".*.profraw -o "$out/$t.profdata"
	echo "== $t ($(ls "$corpus" | wc -l) inputs)"
	# shellcheck disable=SC2086
	$COV report "$out/$t" -instr-profile="$out/$t.profdata" $files |
		sed -e 's|^/.*/src/|src/|'
done
