#!/bin/sh
# run.sh BIN: the manual pages render without a warning (groff -ww, and
# mandoc -T lint where mandoc is installed), and impwatch(1) documents
# exactly the options `impwatch --help` lists: an option added to one and
# not the other fails here; so does an option in the README's impwatch
# commands that --help does not list, a usage form of --help the
# SYNOPSIS lacks, a package the suites or the README name that
# `make deps` does not install, a finding of the verdict table left out
# where the docs list what fails --validate, a target of the
# Makefile's header the README does not name, and a record type, field,
# CSV column or ECS dataset or impwatch.* field impwatch writes that the
# README's Output section (or, for record types and datasets, the
# manual's OUTPUT) does not name. Needs jq, a C compiler, and root for
# the stats records of a live capture on lo (skipped otherwise).
set -u
. "$(dirname "$0")/../lib/sh.sh"
bin=$1
pages="man/impwatch.1 man/impwatch-rules.5"

# Rendering: every warning groff can give (-ww), formatted and discarded.
for p in $pages; do
	if [ ! -f "$p" ]; then
		bad "$p: missing"
		continue
	fi
	if ! command -v groff >/dev/null 2>&1; then
		echo "man: groff not found (make deps installs groff-base)"
		fail=$((fail + 1))
		break
	fi
	groff -man -ww -z "$p" >"$tmp/groff" 2>&1
	if [ -s "$tmp/groff" ]; then
		bad "$p: groff warns:"; show "$tmp/groff" 20
	else
		ok
	fi
done
if command -v mandoc >/dev/null 2>&1; then
	for p in $pages; do
		[ -f "$p" ] || continue
		mandoc -T lint -W warning "$p" >"$tmp/mandoc" 2>&1
		if [ -s "$tmp/mandoc" ]; then
			bad "$p: mandoc warns:"; show "$tmp/mandoc" 20
		else
			ok
		fi
	done
else
	echo "man: mandoc not installed, its lint skipped (groff's ran)"
fi

# The options named in a text: -x and --long-name, not inside words
# (one-way, 2-34) nor lone dashes ('-' for standard input).
options_in() {
	grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' "$1" |
		sed 's/^[^-]*//' | sort -u
}

# The options a man page documents: those in the tags of its .TP items,
# with roff's escapes (\-, \fB...) taken out.
man_options() {
	awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' "$1" |
		sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' \
		    -e 's/\\&//g' >"$tmp/tags"
	options_in "$tmp/tags"
}

# compare HELP MAN: each option in one is in the other; prints the
# differences and fails when there is any.
compare() {
	options_in "$1" >"$tmp/help.opts"
	man_options "$2" >"$tmp/man.opts"
	comm -23 "$tmp/help.opts" "$tmp/man.opts" >"$tmp/only-help"
	comm -13 "$tmp/help.opts" "$tmp/man.opts" >"$tmp/only-man"
	[ -s "$tmp/help.opts" ] || { echo "  no option found in --help"; return 1; }
	[ ! -s "$tmp/only-help" ] && [ ! -s "$tmp/only-man" ] && return 0
	[ -s "$tmp/only-help" ] &&
		echo "  in --help, not in $2: $(tr '\n' ' ' <"$tmp/only-help")"
	[ -s "$tmp/only-man" ] &&
		echo "  in $2, not in --help: $(tr '\n' ' ' <"$tmp/only-man")"
	return 1
}

if ! "$bin" --help >"$tmp/help" 2>&1; then
	bad "$bin --help failed"
elif [ -f man/impwatch.1 ]; then
	if compare "$tmp/help" man/impwatch.1 >"$tmp/diff"; then
		ok
	else
		bad "man/impwatch.1 and --help list different options:"
		cat "$tmp/diff"
	fi
	# The comparison itself: an option only --help names must be caught.
	{ cat "$tmp/help"; echo "  --not-in-the-manual  an option nobody documented"; } >"$tmp/help2"
	if compare "$tmp/help2" man/impwatch.1 >"$tmp/diff2"; then
		bad "the option comparison missed --not-in-the-manual"
	elif grep -q -- 'not in man/impwatch.1: .*--not-in-the-manual ' "$tmp/diff2"; then
		ok
	else
		bad "the option comparison reported:"; cat "$tmp/diff2"
	fi
fi

# The README's impwatch command lines (its indented examples and their
# continuation lines, and inline `impwatch ...` spans) use only the long
# options --help lists: an example left behind by a renamed option fails.
readme_options() {
	awk '/^    +impwatch / || cont { print; cont = /\\$/; next }
	     { cont = 0 }' "$1" >"$tmp/readme.cmds"
	grep -oE '`impwatch [^`]*`' "$1" >>"$tmp/readme.cmds"
	grep -oE '(^|[^A-Za-z0-9_-])--[A-Za-z][A-Za-z0-9-]*' \
		"$tmp/readme.cmds" | sed 's/^[^-]*//' | sort -u
}
if [ -f README.md ] && [ -s "$tmp/help.opts" ]; then
	options_in "$tmp/help" >"$tmp/help.opts"
	readme_options README.md | comm -23 - "$tmp/help.opts" \
		>"$tmp/only-readme"
	if [ -s "$tmp/only-readme" ]; then
		bad README.md "its impwatch commands use options not in --help:\
 $(tr '\n' ' ' <"$tmp/only-readme")"
	else
		ok
	fi
	# The check itself: an example with an unknown option is caught.
	{ cat README.md; echo '    impwatch -r x.pcap --not-an-option'; } \
		>"$tmp/readme2"
	if readme_options "$tmp/readme2" | comm -23 - "$tmp/help.opts" |
	    grep -qx -- '--not-an-option'; then
		ok
	else
		bad "the README check missed --not-an-option"
	fi
fi

# Each way to run impwatch that --help's usage gives is in the manual's
# SYNOPSIS: a form reduced to its words up to its first argument in
# capitals (options and [...] left out). `impwatch [options] FILE...`
# was in --help alone.
forms() {
	sed -e 's/^usage://' -e 's/([^)]*)//g' -e 's/\[[^]]*\]//g' \
	    -e 's/\.\.\.//g' |
		awk '$1 == "impwatch" { f = $1
			for (i = 2; i <= NF; i++) {
				f = f " " $i
				if ($i ~ /^[A-Z]+$/) break
			}
			print f }' | sort -u
}
if [ -f man/impwatch.1 ] && [ -s "$tmp/help" ]; then
	awk '/^usage:/ { on = 1 } on && /^$/ { exit } on' "$tmp/help" |
		forms >"$tmp/help.forms"
	groff -man -Tascii -rLL=300n -P-cbou man/impwatch.1 2>/dev/null |
		awk '/^SYNOPSIS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		forms >"$tmp/man.forms"
	comm -23 "$tmp/help.forms" "$tmp/man.forms" >"$tmp/only-help.forms"
	if [ ! -s "$tmp/help.forms" ]; then
		bad "no usage form found in --help"
	elif [ -s "$tmp/only-help.forms" ]; then
		bad "man/impwatch.1's SYNOPSIS lacks --help's forms:\
 $(tr '\n' ';' <"$tmp/only-help.forms")"
	else
		ok
	fi
fi

# The packages: what a suite skips for want of a tool says which
# package `make deps` installs for it, and the README's `make deps`
# paragraph names each package of the Makefile's DEPS_DEB. dot and
# tcpreplay were skipped on a fresh machine, "make deps installs
# graphviz" said, while make deps installed neither.
if [ -f Makefile ] && [ -f README.md ]; then
	awk '/^DEPS_DEB[[:space:]]*:=/ { on = 1; sub(/^[^=]*=/, "") }
		on { c = /\\$/; sub(/\\$/, ""); print; if (!c) exit }' Makefile |
		tr -s ' \t' '\n\n' | grep . | sort -u >"$tmp/deps"
	grep -ohE 'make deps installs [a-z0-9.+-]+|\(Debian [a-z0-9.+-]+\)' \
	    tests/*/run.sh | sed -E 's/.* //; s/\)$//' |
		grep -Evx 'it|them|what' | sort -u >"$tmp/skips"
	comm -23 "$tmp/skips" "$tmp/deps" >"$tmp/skips-not-deps"
	if [ ! -s "$tmp/deps" ]; then
		bad "no DEPS_DEB found in the Makefile"
	elif [ -s "$tmp/skips-not-deps" ]; then
		bad "suites say make deps installs what DEPS_DEB lacks:\
 $(tr '\n' ' ' <"$tmp/skips-not-deps")"
	else
		ok
	fi
	awk '/^Not root\? `make deps`/ { on = 1 } on && /^$/ { exit } on' \
	    README.md | tr '\n' ' ' | grep -o '`[^`]*`' | tr -d '`' |
		tr ' ' '\n' |
		sort -u >"$tmp/readme-deps"
	comm -23 "$tmp/deps" "$tmp/readme-deps" >"$tmp/deps-not-readme"
	if [ -s "$tmp/deps-not-readme" ]; then
		bad "README's make deps paragraph lacks:\
 $(tr '\n' ' ' <"$tmp/deps-not-readme")"
	else
		ok
	fi
fi

# Where the docs say what makes --validate exit 1, and which findings a
# waiver may name, they name every finding of include/verdict.h (a
# name's dashes may be spaces, and case aside: "an ICMP tunnel").
# icmp-tunnel was added to the verdict table and left out of --help's
# and the manual's --validate, and of impwatch-rules(5)'s waivers.
man_item() { # PAGE SECTION TAG: the text of the .TP item TAG in SECTION
	# The tag through the environment: awk -v takes escapes out of a
	# value, and gawk takes the backslash of roff's \- (mawk keeps it).
	TAG=$3 awk -v sec="$2" '
		/^\.SH/ { insec = (index($0, sec) > 0); on = 0 }
		on && /^\.(TP|SH|SS|PP)/ { on = 0 }
		on { print }
		insec && prev ~ /^\.TP/ && $0 == ENVIRON["TAG"] { on = 1 }
		{ prev = $0 }' "$1" |
		sed -e 's/^\.[A-Z]* //' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' |
		tr '\n' ' '
}
findings_lacking() { # FILE: the findings FILE does not name
	grep -oE 'X\(V_[A-Z_]+, "[a-z-]+", "[a-z_]+", true' include/verdict.h |
		sed -E 's/^[^"]*"([a-z-]+)".*/\1/' >"$tmp/findings"
	[ -s "$tmp/findings" ] || { echo "(no finding in include/verdict.h)"; return; }
	while read -r v; do
		grep -qiE "$(echo "$v" | sed 's/-/[- ]/g')" "$1" || printf '%s ' "$v"
	done <"$tmp/findings"
}
if [ -f include/verdict.h ] && [ -s "$tmp/help" ]; then
	awk '/^  1  / { on = 1 } /^  2  / { on = 0 } on' "$tmp/help" \
		>"$tmp/exit1.help"
	man_item man/impwatch.1 OPTIONS '.B \-\-validate' \
		>"$tmp/exit1.man-validate"
	man_item man/impwatch.1 'EXIT STATUS' '.B 1' >"$tmp/exit1.man"
	grep '^| 1 |' README.md >"$tmp/exit1.readme"
	man_item man/impwatch-rules.5 WAIVERS '.I WHAT' \
		>"$tmp/exit1.waivers-finding"
	for f in help man-validate man readme waivers-finding; do
		if [ ! -s "$tmp/exit1.$f" ]; then
			bad "the findings in $f: text not found"
			continue
		fi
		missing=$(findings_lacking "$tmp/exit1.$f" | sed 's/ $//')
		if [ -n "$missing" ]; then
			bad "the findings in $f: $missing not named"
			show "$tmp/exit1.$f" 5 '  | ' 200
		else
			ok
		fi
	done
	# The check itself: a text without icmp-tunnel is caught.
	echo 'undocumented, local-only or untrusted tunnel' >"$tmp/exit1.short"
	case $(findings_lacking "$tmp/exit1.short") in
	*icmp-tunnel*) ok ;;
	*) bad "the findings check missed icmp-tunnel" ;;
	esac
fi

# Each command's form names the same options in --help's usage, in the
# manual's SYNOPSIS and, for acl, in `impwatch acl --help`: the acl
# form of --help and of the SYNOPSIS left out --rules and --rules-add,
# which acl takes and its own usage gives.
usage_forms() { # one form a line, its continuation lines joined
	sed 's/^usage://' | awk '/^ *impwatch / { if (f) print f; f = $0; next }
		/^ *\[/ { f = f " " $0 } END { if (f) print f }' |
		sed 's/^ *//; s/  */ /g'
}
same_form() { # WHAT A B: the options A and B, of one form, agree
	if [ ! -s "$2" ]; then
		bad "$1: no usage form found"
	elif ! cmp -s "$2" "$3"; then
		bad "$1: $(tr '\n' ' ' <"$2")against $(tr '\n' ' ' <"$3")"
	else
		ok
	fi
}
form_options() { # FORMS WORDS: the options of the form that starts WORDS
	awk -v w="$2 " 'index($0 " ", w) == 1 && !(w == "impwatch rules " &&
		index($0, "--check"))' "$1" | options_in /dev/stdin
}
if [ -s "$tmp/help" ]; then
	awk '/^usage:/ { on = 1 } on && /^$/ { exit } on' "$tmp/help" |
		usage_forms >"$tmp/help.usage"
	groff -man -Tascii -rLL=300n -P-cbou man/impwatch.1 2>/dev/null |
		awk '/^SYNOPSIS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		usage_forms >"$tmp/man.usage"
	"$bin" acl --help 2>/dev/null | awk '/^usage:/ { on = 1 }
		on && /^$/ { exit } on' | usage_forms >"$tmp/acl.usage"
	for c in 'impwatch rules' 'impwatch rules --check' 'impwatch roles' \
	    'impwatch acl'; do
		form_options "$tmp/help.usage" "$c" >"$tmp/form.help"
		form_options "$tmp/man.usage" "$c" >"$tmp/form.man"
		same_form "'$c' in --help, then the SYNOPSIS" \
			"$tmp/form.help" "$tmp/form.man"
	done
	form_options "$tmp/acl.usage" 'impwatch acl' >"$tmp/form.acl"
	form_options "$tmp/help.usage" 'impwatch acl' >"$tmp/form.help"
	same_form "'impwatch acl' in its --help, then impwatch --help" \
		"$tmp/form.acl" "$tmp/form.help"
fi

# The sections of the --html page are told in the order the page has
# them, in the README and in impwatch(1): both said coverage came
# before the findings, which the page has after the documented services.
page_order() { # the page's sections, as the docs name them
	grep -o '<h2[^>]*>[^<:]*' "$1" | sed 's/<h2[^>]*>//' |
		tr 'A-Z' 'a-z' | sed 's/^findings$/findings (/'
}
doc_order() { # TEXT: the page's sections in the order TEXT tells them
	tr 'A-Z\n' 'a-z ' <"$1" | tr -s ' ' | awk -v list="$2" '
		{ t = substr($0, index($0, "who talks to whom"))
		  n = split(list, s, "\n")
		  for (i = 1; i <= n; i++) if ((k = index(t, s[i])) > 0)
			printf "%08d %s\n", k, s[i] }' | sort | cut -c10-
}
if "$bin" -q -r pcaps/demo.pcap --html "$tmp/page.html" -o /dev/null; then
	page_order "$tmp/page.html" >"$tmp/page.order"
	awk '/^`--html FILE`: a report to look at/ { on = 1 }
		on && /^$/ { exit } on' README.md >"$tmp/html.readme"
	man_item man/impwatch.1 OPTIONS '.BI \-\-html " FILE"' \
		>"$tmp/html.man"
	for f in readme man; do
		doc_order "$tmp/html.$f" "$(cat "$tmp/page.order")" \
			>"$tmp/$f.order"
		if [ "$(wc -l <"$tmp/page.order")" -lt 5 ]; then
			bad "the --html page: fewer than 5 sections found"
		elif cmp -s "$tmp/page.order" "$tmp/$f.order"; then
			ok
		else
			bad "the --html sections in $f, not the page's order:\
 $(tr '\n' ';' <"$tmp/$f.order") against $(tr '\n' ';' <"$tmp/page.order")"
		fi
	done
else
	bad "impwatch --html on pcaps/demo.pcap failed"
fi

# Each target the Makefile's header lists ("#   make TARGET  what it
# does") is in the README, in backquotes or on a line of its own:
# `make SANITIZE=thread check` was in the Makefile alone.
make_targets() { # FILE: the README's missing targets of the Makefile
	awk '/^#   make / { sub(/^#   /, ""); sub(/  .*/, ""); print }' \
		Makefile >"$tmp/targets"
	[ -s "$tmp/targets" ] || { echo "(no target in the Makefile's header)"; return; }
	while read -r t; do
		grep -qF "\`$t\`" "$1" || grep -qE "^ +$t( |\$)" "$1" ||
			printf '%s; ' "$t"
	done <"$tmp/targets"
}
if [ -f Makefile ] && [ -f README.md ]; then
	missing=$(make_targets README.md)
	if [ -n "$missing" ]; then
		bad "README.md lacks the Makefile's targets: $missing"
	else
		ok
	fi
	# The check itself: a README without `make deb` is caught.
	sed 's/`make deb`/make-deb/g; s/^ *make deb .*//' README.md \
		>"$tmp/readme-nodeb"
	case $(make_targets "$tmp/readme-nodeb") in
	*"make deb;"*) ok ;;
	*) bad "the targets check missed make deb" ;;
	esac
fi

# Each page names the version `impwatch -V` gives on its first line.
want=$("$bin" -V | head -1)
for p in $pages; do
	[ -f "$p" ] || continue
	if grep -q "^\.TH .* \"$want\" " "$p"; then
		ok
	else
		bad "$p: the .TH line does not name \"$want\": $(grep '^\.TH' "$p")"
	fi
done

# Each record impwatch writes is documented: every JSON record `type`,
# every list of the `services` records, every top-level key of each
# record type, every CSV column and every ECS `event.dataset` and
# `impwatch.*` field is named in backquotes in the README's "Output"
# section, and every record type and dataset in bold in impwatch(1)'s
# OUTPUT. The README
# left out the cleartext and icmp_tunnel lists, and the manual every
# record type but flow, alert, stats and summary. The runs below make
# each record appear: a finding of every kind (an ICMP tunnel from
# tests/adversarial/echo.c), alerts, waivers, tunnels trusted and not,
# an inventory, evidence, flow workers, a filter, 50 long-named inputs
# (files and inputs records) and, as root, stats from a live capture.
doc_words() { # the words of the backquoted spans of standard input,
	# and what a dotted one starts with (impwatch.catalogue.sha256 names
	# impwatch.catalogue)
	tr '\n' ' ' | grep -oE '`[^`]*`' | grep -oE '[A-Za-z0-9_.@-]+' |
		awk '{ print; while (sub(/\.[^.]*$/, "")) print }' | sort -u
}
man_bold() { # PAGE SECTION: the words set in bold in SECTION
	awk -v sec="$2" '/^\.SH/ { on = (index($0, sec) > 0); next }
		on && /^\.(B|BR|RB|BI|IB) / { sub(/^\.[A-Z]+ /, ""); print }
		on { while (match($0, /\\fB[^\\]*/)) {
			print substr($0, RSTART + 3, RLENGTH - 3)
			$0 = substr($0, RSTART + RLENGTH) } }' "$1" |
		sed -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\f[BIRP]//g' |
		grep -oE '[A-Za-z0-9_.@-]+' | sort -u
}
unnamed() { # WORDS NAMES: the names (one a line) WORDS lacks, " " apart
	sort -u "$2" | comm -23 - "$1" | tr '\n' ' ' | sed 's/ $//'
}
records_cases() { # one impwatch argument list a line
	echo "--alerts --threads 2 --dump-undocumented $tmp/rec/ev.pcap -r pcaps/demo.pcap"
	echo "--waivers tests/waivers/board.waivers -r pcaps/real-tls-cleartext.pcap"
	echo "--alerts -r pcaps/dpi-mismatch.pcap"
	echo "--alerts --hosts tests/hosts/site.hosts -r pcaps/roles.pcap"
	echo "--alerts --hosts tests/hosts/tunnels.hosts -r pcaps/tun-rogue.pcap"
	echo "--trust-tunnel 203.0.113.0/30 -r pcaps/tun-trust.pcap"
	echo "--rules-add tests/rules/site-postgresql.conf -r pcaps/real-postgresql-15432.pcap"
	echo "-f udp -r pcaps/demo.pcap"
	echo "--alerts -r $tmp/rec/echo.pcap"
	printf -- '--hosts tests/hosts/site.hosts'
	for f in "$tmp"/rec/many/*.pcap; do printf -- ' -r %s' "$f"; done
	echo
}
mkdir "$tmp/rec" "$tmp/rec/many"
long=a-capture-name-long-enough-that-fifty-of-them-pass-one-json-line
long=$long-$long
for f in pcaps/[!b]*.pcap; do
	ln -s "$PWD/$f" "$tmp/rec/many/$long-${f#pcaps/}"
done
if ! ${CC:-cc} -O2 -Itests/lib -o "$tmp/rec/echogen" \
    tests/adversarial/echo.c tests/lib/pktbuild.c ||
   ! "$tmp/rec/echogen" tunnel >"$tmp/rec/echo.pcap"; then
	bad "records: cannot make the ICMP tunnel's capture with ${CC:-cc}"
fi
n=0
records_cases >"$tmp/rec/cases"
while read -r args; do
	n=$((n + 1))
	for fmt in json ecs; do
		# shellcheck disable=SC2086 # one word an argument
		"$bin" -q --validate --format "$fmt" $args \
			>"$tmp/rec/$fmt.$n" 2>"$tmp/rec/err.$fmt.$n"
		if [ $? -eq 2 ]; then
			bad "records: impwatch --format $fmt $args: exit 2"
			show "$tmp/rec/err.$fmt.$n" 5 '  | ' 200
		fi
	done
done <"$tmp/rec/cases"
if [ "$(id -u)" -eq 0 ]; then
	for fmt in json ecs; do
		timeout -k 5 30 "$bin" -q --format "$fmt" -i lo --duration 2 \
			--report-every 1 -f 'udp port 9 and udp port 10' \
			>"$tmp/rec/$fmt.live" 2>"$tmp/rec/err.$fmt.live"
	done
else
	echo "man: not root, so no live capture: stats records not checked"
fi
cat "$tmp"/rec/json.* "$tmp"/rec/ecs.* | jq -e . >/dev/null 2>"$tmp/rec/jq" ||
	{ bad "records: a line written is not JSON:"; show "$tmp/rec/jq" 3; }
cat "$tmp"/rec/json.* | jq -r '.type' >"$tmp/rec/types"
cat "$tmp"/rec/json.* | jq -r 'select(.type == "services") | .list' \
	>"$tmp/rec/lists"
cat "$tmp"/rec/json.* | jq -r '.type as $t | keys_unsorted[] | "\($t) \(.)"' |
	sort -u >"$tmp/rec/keys"
cat "$tmp"/rec/ecs.* | jq -r '.event.dataset' >"$tmp/rec/datasets"
cat "$tmp"/rec/ecs.* | jq -r '.impwatch // {} | keys_unsorted[] |
	"impwatch." + .' >"$tmp/rec/fields"
want="alert carriers coverage coverage_pairs files flow inputs services summary"
[ "$(id -u)" -eq 0 ] && want="$want stats"
for t in $want; do
	grep -qx "$t" "$tmp/rec/types" ||
		bad "records: no $t record came from the runs meant to make one"
done
awk '/^### Output$/ { on = 1; next } on && /^##+ / { exit } on' README.md |
	doc_words >"$tmp/rec/readme"
"$bin" -q --format csv -r pcaps/demo.pcap 2>/dev/null | head -1 |
	tr ',' '\n' >"$tmp/rec/columns"
man_bold man/impwatch.1 OUTPUT >"$tmp/rec/man"
for w in 'README.md:readme:record types:types' \
    'README.md:readme:services lists:lists' \
    'README.md:readme:ECS datasets:datasets' \
    'README.md:readme:ECS fields:fields' \
    'README.md:readme:CSV columns:columns' \
    'man/impwatch.1:man:record types:types' \
    'man/impwatch.1:man:ECS datasets:datasets'; do
	IFS=: read -r doc words what names <<EOW
$w
EOW
	missing=$(unnamed "$tmp/rec/$words" "$tmp/rec/$names")
	if [ -s "$tmp/rec/$names" ] && [ -z "$missing" ]; then
		ok
	else
		bad "$doc does not name the $what: ${missing:-(none found)}"
	fi
done
missing=$(while read -r t k; do
	grep -qx -- "$k" "$tmp/rec/readme" || printf '%s ' "$t.$k"
done <"$tmp/rec/keys")
if [ -s "$tmp/rec/keys" ] && [ -z "$missing" ]; then
	ok
else
	bad "README.md does not name the record fields: ${missing:-(none found)}"
fi
# The check itself: a record type nobody documented is caught.
{ cat "$tmp/rec/types"; echo not_a_record; } >"$tmp/rec/types2"
case " $(unnamed "$tmp/rec/readme" "$tmp/rec/types2") " in
*" not_a_record "*) ok ;;
*) bad "the records check missed not_a_record" ;;
esac

finish man
