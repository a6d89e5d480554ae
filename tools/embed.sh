#!/bin/sh
# embed.sh FILE SYMBOL: write FILE as a C byte array named SYMBOL, with its
# length in SYMBOL_len. Used by the Makefile for the built-in catalogue.
set -eu
file=$1
sym=$2
printf '/* Generated from %s by tools/embed.sh: do not edit. */\n' "$file"
printf '#include <stddef.h>\n'
printf 'extern const unsigned char %s[];\nextern const size_t %s_len;\n' "$sym" "$sym"
printf 'const unsigned char %s[] = {\n' "$sym"
od -An -v -tx1 "$file" | sed -e 's/  */ /g' -e 's/^ //' -e 's/ $//' \
	-e '/^$/d' -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
printf '0x00\n};\n'
printf 'const size_t %s_len = sizeof(%s) - 1;\n' "$sym" "$sym"
