/*
 * test_catalogue.c: the catalogue loader, its index, the listener decision
 * and `impwatch rules` output.
 *
 * Files under tests/rules/ are opened relative to the project root, where
 * `make unit` runs the tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "catalogue.h"
#include "digest.h"
#include "textfile.h"

#define RULES_DIR "tests/rules/"

/* ------------------------------------------------------------ helpers */

/* Parse len bytes of text; the error stream, if msg, goes to *msg. */
static int parse_buf(struct catalogue *c, const char *name, const char *text,
		     size_t len, bool override, char **msg)
{
	char *buf = NULL;
	size_t blen = 0;
	FILE *err = open_memstream(&buf, &blen);
	int rc;

	assert_non_null(err);
	rc = catalogue_parse(c, name, text, len, override, err);
	fclose(err);
	if (msg)
		*msg = buf;
	else
		free(buf);
	return rc;
}

static int parse_text(struct catalogue *c, const char *text, bool override,
		      char **msg)
{
	return parse_buf(c, "t.conf", text, strlen(text), override, msg);
}

/* Parse text that must be good, into c. */
static void parse_ok(struct catalogue *c, const char *text, bool override)
{
	char *msg = NULL;
	int rc = parse_text(c, text, override, &msg);

	if (rc != 0)
		fail_msg("parse failed: %s", msg);
	assert_string_equal(msg, "");
	free(msg);
}

static struct catalogue *load_ok(const char *text)
{
	struct catalogue *c = catalogue_new();

	assert_non_null(c);
	parse_ok(c, text, false);
	return c;
}

static struct catalogue *built(const char *text)
{
	struct catalogue *c = load_ok(text);

	assert_int_equal(catalogue_build(c, stderr), 0);
	return c;
}

/* A message is "t.conf:LINE: ...reason..." then "  " and the line. */
static void check_message(const char *what, const char *msg, unsigned line,
			  const char *reason)
{
	char prefix[64];
	const char *nl;

	snprintf(prefix, sizeof(prefix), "t.conf:%u: ", line);
	if (strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg, reason))
		fail_msg("%s: want '%s...%s', got '%s'", what, prefix, reason, msg);
	nl = strchr(msg, '\n');
	assert_non_null(nl);
	if (strncmp(nl + 1, "  ", 2) != 0)
		fail_msg("%s: no offending line after the reason: '%s'", what, msg);
	assert_int_equal(msg[strlen(msg) - 1], '\n');
}

/* Parse text into a fresh catalogue; it must fail on `line` with `reason`
   and leave the catalogue empty. */
static void expect_bad_buf(const char *what, const char *text, size_t len,
			   unsigned line, const char *reason)
{
	struct catalogue *c = catalogue_new();
	char *msg = NULL;
	int rc;

	assert_non_null(c);
	rc = parse_buf(c, "t.conf", text, len, false, &msg);
	if (rc != -1)
		fail_msg("%s: accepted", what);
	assert_int_equal(catalogue_count(c), 0);
	check_message(what, msg, line, reason);
	free(msg);
	catalogue_free(c);
}

static void expect_bad(const char *what, const char *text, unsigned line,
		       const char *reason)
{
	expect_bad_buf(what, text, strlen(text), line, reason);
}

/* A good first line, so the errors below are on line 2. */
#define OK1 "2 | ok-row | cucm -> imp | SIP | tcp | 1 | ephemeral | wire | SIP | ok\n"

/* Rows a lookup returned, as "table:service" joined by blanks. */
static void match_str(const struct catalogue *c, struct cat_match m,
		      char *buf, size_t size)
{
	size_t used = 0;
	uint16_t i;

	buf[0] = '\0';
	for (i = 0; i < m.n; i++) {
		const struct cat_row *r = catalogue_row(c, m.rows[i]);

		used += (size_t)snprintf(buf + used, size - used, "%s%u:%s",
					 i ? " " : "", (unsigned)r->table,
					 r->service);
	}
}

static void expect_lookup(const struct catalogue *c, uint8_t proto,
			  uint16_t port, const char *want)
{
	char got[4096];

	match_str(c, catalogue_lookup(c, proto, port), got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("lookup %u/%u: want '%s', got '%s'", (unsigned)proto,
			 (unsigned)port, want, got);
}

static void hits_str(const struct catalogue *c, const struct cat_hits *h,
		     char *buf, size_t size)
{
	struct cat_match m = { h->rows, h->n };

	match_str(c, m, buf, size);
}

static void expect_listener(const struct catalogue *c, uint8_t proto,
			    uint16_t sport, uint16_t dport,
			    enum listener_side side, const char *want)
{
	struct cat_hits h;
	char got[4096];
	enum listener_side s = catalogue_listener(c, proto, sport, dport, &h);

	hits_str(c, &h, got, sizeof(got));
	if (s != side || strcmp(got, want) != 0)
		fail_msg("listener %u %u->%u: want side %d '%s', got side %d '%s'",
			 (unsigned)proto, (unsigned)sport, (unsigned)dport,
			 (int)side, want, (int)s, got);
}

/* ------------------------------------------------------ parsing forms */

static void test_parse_all_fields(void **state)
{
	struct catalogue *c;
	const struct cat_row *r;

	(void)state;
	c = load_ok("# comment\n"
		    "\n"
		    "  2 |  sip-proxy |sip-gateway, cucm <-> imp| SIP | tcp, udp |"
		    " 5060 | ephemeral | wire | SIP | Default SIP proxy | 기본 SIP |"
		    " デフォルト \n");
	assert_int_equal(catalogue_count(c), 1);
	r = catalogue_row(c, 0);
	assert_non_null(r);
	assert_null(catalogue_row(c, 1));
	assert_int_equal(r->table, 2);
	assert_string_equal(r->service, "sip-proxy");
	assert_int_equal(r->from_roles,
			 (1u << ROLE_SIP_GATEWAY) | (1u << ROLE_CUCM));
	assert_int_equal(r->to_roles, 1u << ROLE_IMP);
	assert_int_equal(r->bidir, 1);
	assert_string_equal(r->protocol, "SIP");
	assert_int_equal(r->transports, CT_TCP | CT_UDP);
	assert_int_equal(r->n_dport, 1);
	assert_int_equal(r->dport[0].lo, 5060);
	assert_int_equal(r->dport[0].hi, 5060);
	assert_int_equal(r->dport_configurable, 0);
	assert_int_equal(r->sport_kind, SPORT_EPHEMERAL);
	assert_int_equal(r->n_sport, 0);
	assert_int_equal(r->scope, SCOPE_WIRE);
	assert_string_equal(r->apps, "SIP");
	assert_string_equal(r->description, "Default SIP proxy");
	assert_string_equal(r->note_ko, "기본 SIP");
	assert_string_equal(r->note_ja, "デフォルト");
	assert_string_equal(r->file, "t.conf");
	assert_int_equal(r->line, 3);
	catalogue_free(c);
}

static void test_parse_forms(void **state)
{
	struct catalogue *c;
	const struct cat_row *r;

	(void)state;
	c = load_ok(
		/* 1: tls is TCP with TLS; list with blanks; one note only */
		"4 | tomcat | browser -> imp | HTTPS | tls | 8443, 8080 | ephemeral |"
		" wire | TLS ,HTTP | Web | 웹\n"
		/* 2: range, fixed sender range, localhost, apps '-' */
		"31 | on-a-call | cucm -> imp-publisher | TCP | tcp | 37240-61000 |"
		" 54288-54292,61441 | localhost | - | x | - | -\n"
		/* 3: ICMP rows take '-' */
		"17 | icmp-cucm | imp <-> cucm | ICMP | icmp,icmpv6 | - | - | wire |"
		" any | ICMP |  | \n"
		/* 4: configurable with defaults */
		"5 | ldap | imp -> directory | LDAP | tcp | 389,3268 configurable |"
		" bidirectional | wire | LDAP | LDAP\n"
		/* 5: configurable alone, known by its sender port */
		"12 | trap | imp -> imp | SNMP | udp | configurable | 61441 | wire |"
		" SNMP | Trap receiver\n"
		/* 6: a '#' after the start is text; table 0 and 34, the last */
		"0 | a-0 | endpoint -> imp | X | udp | 1 | ephemeral | wire | a.b_c-d |"
		" # not a comment\n"
		"34 | b | imp -> imp | X | tls | 65535 | 1-65535 | wire | - | y\n");
	assert_int_equal(catalogue_count(c), 7);

	r = catalogue_row(c, 0);
	assert_int_equal(r->transports, CT_TCP | CT_TLS);
	assert_int_equal(r->n_dport, 2);
	assert_int_equal(r->dport[0].lo, 8443);
	assert_int_equal(r->dport[1].lo, 8080);
	assert_string_equal(r->apps, "TLS,HTTP");
	assert_string_equal(r->note_ko, "웹");
	assert_string_equal(r->note_ja, "");
	assert_int_equal(r->bidir, 0);

	r = catalogue_row(c, 1);
	assert_int_equal(r->n_dport, 1);
	assert_int_equal(r->dport[0].lo, 37240);
	assert_int_equal(r->dport[0].hi, 61000);
	assert_int_equal(r->sport_kind, SPORT_FIXED);
	assert_int_equal(r->n_sport, 2);
	assert_int_equal(r->sport[0].lo, 54288);
	assert_int_equal(r->sport[0].hi, 54292);
	assert_int_equal(r->sport[1].lo, 61441);
	assert_int_equal(r->sport[1].hi, 61441);
	assert_int_equal(r->scope, SCOPE_LOCALHOST);
	assert_string_equal(r->apps, "-");
	assert_string_equal(r->note_ko, "");
	assert_string_equal(r->note_ja, "");

	r = catalogue_row(c, 2);
	assert_int_equal(r->transports, CT_ICMP | CT_ICMPV6);
	assert_int_equal(r->n_dport, 0);
	assert_int_equal(r->sport_kind, SPORT_EPHEMERAL);
	assert_string_equal(r->apps, "any");
	assert_string_equal(r->note_ko, "");

	r = catalogue_row(c, 3);
	assert_int_equal(r->n_dport, 2);
	assert_int_equal(r->dport[1].lo, 3268);
	assert_int_equal(r->dport_configurable, 1);
	assert_int_equal(r->sport_kind, SPORT_BIDIRECTIONAL);

	r = catalogue_row(c, 4);
	assert_int_equal(r->n_dport, 0);
	assert_int_equal(r->dport_configurable, 1);
	assert_int_equal(r->sport_kind, SPORT_FIXED);
	assert_int_equal(r->sport[0].lo, 61441);

	r = catalogue_row(c, 5);
	assert_int_equal(r->table, 0);
	assert_string_equal(r->apps, "a.b_c-d");
	assert_string_equal(r->description, "# not a comment");

	r = catalogue_row(c, 6);
	assert_int_equal(r->table, 34);
	assert_int_equal(r->transports, CT_TCP | CT_TLS);
	assert_int_equal(r->dport[0].lo, 65535);
	assert_int_equal(r->sport[0].lo, 1);
	assert_int_equal(r->sport[0].hi, 65535);
	catalogue_free(c);
}

static void test_parse_line_ends(void **state)
{
	struct catalogue *c;

	(void)state;
	/* CRLF lines and a last line with no newline at all. */
	c = load_ok("# x\r\n"
		    "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | A\r\n"
		    "\r\n"
		    "2 | b | cucm -> imp | SIP | udp | 5061 | ephemeral | wire | SIP | B");
	assert_int_equal(catalogue_count(c), 2);
	assert_string_equal(catalogue_row(c, 0)->description, "A");
	assert_string_equal(catalogue_row(c, 1)->description, "B");
	assert_int_equal(catalogue_row(c, 1)->line, 4);
	catalogue_free(c);
}

/* A UTF-8 byte-order mark before the first line is not text. */
static void test_parse_bom(void **state)
{
	struct catalogue *c;

	(void)state;
	c = load_ok("\xef\xbb\xbf# saved by a Windows editor\r\n"
		    "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | A\r\n");
	assert_int_equal(catalogue_count(c), 1);
	catalogue_free(c);
	c = load_ok("\xef\xbb\xbf" "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | A\n");
	assert_int_equal(catalogue_row(c, 0)->table, 2);
	catalogue_free(c);
	/* Only at the very start: elsewhere it is text, and no table. */
	expect_bad("BOM on line 2", OK1 "\xef\xbb\xbf" "2 | a | cucm -> imp | SIP | udp | 5060 |"
		   " ephemeral | wire | SIP | A\n", 2,
		   "table '\\ufeff2' is not a number");
}

static void test_parse_longest_line(void **state)
{
	static const char head[] =
		"2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | ";
	char *text = malloc(MAX_RULE_LINE + 3);
	struct catalogue *c = catalogue_new();

	(void)state;
	assert_non_null(text);
	/* Exactly MAX_RULE_LINE bytes before the CRLF is still accepted. */
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'x', MAX_RULE_LINE - (sizeof(head) - 1));
	memcpy(text + MAX_RULE_LINE, "\r\n", 3);
	parse_ok(c, text, false);
	assert_int_equal(strlen(catalogue_row(c, 0)->description),
			 MAX_RULE_LINE - (sizeof(head) - 1));
	catalogue_free(c);
	free(text);
}

/* ----------------------------------------------------------- bad input */

struct bad_case {
	const char *what;
	const char *text;
	unsigned line;
	const char *reason;
};

static const struct bad_case bad_cases[] = {
	{ "port 0", OK1
	  "2 | a | cucm -> imp | SIP | udp | 0 | ephemeral | wire | SIP | x\n",
	  2, "port 0 out of range 1-65535 in dport" },
	{ "port 219999", OK1
	  "30 | srm-peer | imp -> imp | UDP | udp | 219999 | bidirectional | wire | - | x\n",
	  2, "port 219999 out of range 1-65535" },
	{ "port far too long", OK1
	  "2 | a | cucm -> imp | SIP | udp | 1234567890123 | ephemeral | wire | SIP | x\n",
	  2, "port 1234567890123 out of range 1-65535" },
	{ "sport out of range", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | 70000 | wire | SIP | x\n",
	  2, "port 70000 out of range 1-65535 in sport" },
	{ "range end 0", OK1
	  "2 | a | cucm -> imp | SIP | udp | 0-10 | ephemeral | wire | SIP | x\n",
	  2, "port 0 out of range" },
	{ "inverted range", OK1
	  "27 | a | imp -> imp | X | tcp | 6610-6603 | ephemeral | wire | - | x\n",
	  2, "inverted range 6610-6603" },
	{ "not a port", OK1
	  "2 | a | cucm -> imp | SIP | udp | 50x0 | ephemeral | wire | SIP | x\n",
	  2, "bad port '50x0' in dport" },
	{ "half a range", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060- | ephemeral | wire | SIP | x\n",
	  2, "bad port range '5060-' in dport (write lo-hi)" },
	{ "empty port item", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060,,5061 | ephemeral | wire | SIP | x\n",
	  2, "empty item in dport list" },
	{ "too many spans", OK1
	  "2 | a | cucm -> imp | SIP | udp | 1,2,3,4,5,6,7,8,9 | ephemeral | wire | SIP | x\n",
	  2, "more than 8 ports or ranges in dport" },
	{ "overlapping spans", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5000-5100,5060 | ephemeral | wire | SIP | x\n",
	  2, "dport lists port 5000-5100 and 5060, which overlap" },
	{ "same port twice", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | 7,7 | wire | SIP | x\n",
	  2, "sport lists port 7 and 7, which overlap" },
	{ "unknown transport", OK1
	  "2 | a | cucm -> imp | SIP | tpc | 5060 | ephemeral | wire | SIP | x\n",
	  2, "unknown transport 'tpc' (valid: tcp, udp, tls, icmp, icmpv6)" },
	{ "transport in capitals", OK1
	  "2 | a | cucm -> imp | SIP | TCP | 5060 | ephemeral | wire | SIP | x\n",
	  2, "unknown transport 'TCP'" },
	{ "transport twice", OK1
	  "2 | a | cucm -> imp | SIP | tcp,udp,tcp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "transport lists 'tcp' twice" },
	{ "icmp with tcp", OK1
	  "2 | a | cucm -> imp | SIP | icmp,tcp | - | ephemeral | wire | SIP | x\n",
	  2, "transport mixes icmp/icmpv6 with tcp/udp/tls" },
	{ "tcp with tls", OK1
	  "2 | a | cucm -> imp | SIP | tcp,tls | 5061 | ephemeral | wire | SIP | x\n",
	  2, "transport has both tcp and tls; tls already means TCP" },
	{ "unknown scope", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | lan | SIP | x\n",
	  2, "unknown scope 'lan' (valid: wire, localhost)" },
	{ "missing description", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP\n",
	  2, "missing field 'description' (field 10" },
	{ "missing protocol", OK1 "2 | a | cucm -> imp\n",
	  2, "missing field 'protocol' (field 4" },
	{ "empty field", OK1
	  "2 | a | cucm -> imp |  | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "empty field 'protocol' (field 4)" },
	{ "too many fields", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x | ko | ja | extra\n",
	  2, "too many fields" },
	{ "table not a number", OK1
	  "2a | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "table '2a' is not a number" },
	{ "negative table", OK1
	  "-1 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "table '-1' is not a number" },
	{ "table 64", OK1
	  "64 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "table 64 is not one of the guide's (2 to 34); a site's own row is table 0" },
	/* Numbers a record could hold but no guide table has. */
	{ "table 1", OK1
	  "1 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "table 1 is not one of the guide's (2 to 34)" },
	{ "table 35", OK1
	  "35 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "table 35 is not one of the guide's (2 to 34)" },
	{ "apps twice", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP,TLS,sip | x\n",
	  2, "apps names 'sip' twice" },
	{ "service in capitals", OK1
	  "2 | Sip_Proxy | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "bad service id 'Sip_Proxy'" },
	{ "service double dash", OK1
	  "2 | sip--proxy | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "bad service id 'sip--proxy'" },
	{ "service trailing dash", OK1
	  "2 | sip- | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "bad service id 'sip-'" },
	{ "service 48 chars", OK1
	  "2 | abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcd | cucm -> imp | SIP |"
	  " udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "at most 47 characters" },
	{ "unknown role", OK1
	  "2 | a | pbx -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "unknown role 'pbx' (valid: imp, imp-publisher, imp-subscriber, cucm," },
	{ "unknown role lists the last", OK1
	  "2 | a | cucm -> imp,pbx | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "file-server, endpoint)" },
	/* The inventory's own role: a row of it would make the trusted
	   endpoints' traffic documented, which no guide table says. */
	{ "inventory role in a row", OK1
	  "0 | a | tunnel-endpoint -> imp | IPsec | udp | 4500 | ephemeral | wire | - | x\n",
	  2, "role 'tunnel-endpoint' is the inventory's alone (trusted tunnel "
	  "endpoints); no row takes it" },
	{ "no arrow", OK1
	  "2 | a | cucm imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "roles 'cucm imp' need an arrow" },
	{ "backward arrow", OK1
	  "2 | a | cucm <- imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "need an arrow" },
	{ "two arrows", OK1
	  "2 | a | cucm -> imp -> cucm | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "take exactly one arrow" },
	{ "no role before arrow", OK1
	  "2 | a | -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "no role before the arrow" },
	{ "empty role", OK1
	  "2 | a | cucm,,imp -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "empty role in" },
	{ "configurable first", OK1
	  "2 | a | cucm -> imp | SIP | udp | configurable 5060 | ephemeral | wire | SIP | x\n",
	  2, "'configurable' comes once, last" },
	{ "configurable after comma", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060,configurable | ephemeral | wire | SIP | x\n",
	  2, "'configurable' comes once, last" },
	{ "configurable twice", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 configurable configurable | ephemeral | wire | SIP | x\n",
	  2, "'configurable' comes once, last" },
	{ "configurable alone, any sender", OK1
	  "12 | a | imp -> imp | SNMP | udp | configurable | ephemeral | wire | SNMP | x\n",
	  2, "dport 'configurable' with no port needs a fixed sport" },
	/* A range that holds every client port documents every flow of its
	   transport: a site's "any port", never a listener's ports. */
	{ "dport of every port", OK1
	  "0 | a | imp -> cucm | X | tcp | 1-65535 | ephemeral | wire | - | x\n",
	  2, "dport holds every port from 1024 to 65535" },
	{ "dport of every client port", OK1
	  "0 | a | imp -> cucm | X | udp | 80,1024-65535 | ephemeral | wire | - | x\n",
	  2, "dport holds every port from 1024 to 65535" },
	{ "dport of every port in pieces", OK1
	  "0 | a | imp -> cucm | X | tcp | 1-9999,10000-39999,40000-65535 | ephemeral | wire | - | x\n",
	  2, "dport holds every port from 1024 to 65535" },
	{ "configurable alone from every port", OK1
	  "0 | a | imp -> cucm | X | tcp | configurable | 1-65535 | wire | - | x\n",
	  2, "sport holds every port from 1024 to 65535" },
	{ "configurable sport", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | 61441 configurable | wire | SIP | x\n",
	  2, "'configurable' is only for dport" },
	{ "configurable on icmp", OK1
	  "17 | a | imp -> cucm | ICMP | icmp | configurable | ephemeral | wire | ICMP | x\n",
	  2, "ICMP rows take '-' as dport, not 'configurable'" },
	{ "icmp with a port", OK1
	  "29 | icmp-echo | imp -> imp | ICMP | icmp | 7 | ephemeral | wire | ICMP | x\n",
	  2, "ICMP rows take '-' as dport, not '7'" },
	{ "icmp with a sender port", OK1
	  "29 | icmp-echo | imp -> imp | ICMP | icmpv6 | - | 7 | wire | ICMP | x\n",
	  2, "ICMP rows take '-' or 'ephemeral' as sport" },
	{ "dash dport on udp", OK1
	  "2 | a | cucm -> imp | SIP | udp | - | ephemeral | wire | SIP | x\n",
	  2, "dport '-' is only for icmp/icmpv6 rows" },
	{ "bad sport word", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | any | wire | SIP | x\n",
	  2, "sport 'any' is not 'ephemeral', 'bidirectional' or a list of ports" },
	{ "bad app name", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP TLS | x\n",
	  2, "bad nDPI protocol name 'SIP TLS'" },
	{ "any in a list", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP,any | x\n",
	  2, "apps 'any' stands alone" },
	{ "conflict", OK1
	  "2 | sip-proxy | cucm -> imp | SIP | tcp,udp | 5060,5070 | ephemeral | wire | SIP | x\n"
	  "# between\n"
	  "2 | sip-proxy | cucm -> imp | SIP | udp | 5000-5060 | ephemeral | localhost | SIP | x\n",
	  4, "conflicts with line 2" },
	{ "conflict through tls", OK1
	  "4 | web | browser -> imp | HTTPS | tls | 8443 | ephemeral | wire | TLS | x\n"
	  "4 | web | browser -> imp | HTTPS | tcp | 8443 | ephemeral | wire | TLS | x\n",
	  3, "conflicts with line 2" },
	{ "conflict of icmp rows", OK1
	  "17 | icmp | imp -> cucm | ICMP | icmp,icmpv6 | - | ephemeral | wire | ICMP | x\n"
	  "17 | icmp | imp -> cucm | ICMP | icmpv6 | - | ephemeral | wire | ICMPV6 | y\n",
	  3, "conflicts with line 2" },
	{ "conflict of sender-port rows", OK1
	  "12 | trap | imp -> imp | SNMP | udp | configurable | 61441 | wire | SNMP | x\n"
	  "12 | trap | imp -> imp | SNMP | udp | configurable | 61000-62000 | wire | SNMP | y\n",
	  3, "conflicts with line 2" },
	{ "one-way and both-ways rows of one service", OK1
	  "2 | sip | cucm -> imp | SIP | tcp | 5060 | ephemeral | wire | SIP | x\n"
	  "2 | sip | cucm <-> imp | SIP | tcp | 5060 | ephemeral | wire | SIP | x\n",
	  3, "conflicts with line 2" },
	{ "duplicate", OK1
	  "2 | sip-proxy | cucm -> imp | SIP | tcp,udp | 5060 | ephemeral | wire | SIP, TLS | x\n"
	  "2 | sip-proxy | cucm -> imp | SIP | udp,tcp | 5060 | ephemeral | wire | SIP,TLS | x | - | -\n",
	  3, "duplicates line 2" },
	{ "nul byte", NULL, 2, "NUL byte 0x00 at column 4 (byte offset 3)" },
	{ "control byte", OK1
	  "2 | a\x1b | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n",
	  2, "control byte 0x1b at column 6" },
	{ "stray CR", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\ry\n",
	  2, "control byte 0x0d at column 68 (byte offset 67)" },
	/* A C1 control, U+0080 to U+009F: Windows-1252 quotes read as
	   Latin-1 (U+0093), or a terminal's CSI (U+009B). */
	{ "C1 control", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | \xc2\x93x\xc2\x94\n",
	  2, "control character U+0093 at column 67 (byte offset 66)" },
	{ "invalid UTF-8", OK1
	  "2 | a | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | caf\xe9\n",
	  2, "invalid UTF-8 0xe9 at column 70 (byte offset 69)" },
	{ "overlong UTF-8", OK1 "2 | a\xc0\xaf\n", 2, "invalid UTF-8 0xc0 at column 6" },
	{ "UTF-16 surrogate", OK1 "\xed\xa0\x80\n", 2, "invalid UTF-8 0xed at column 1" },
	{ "cut UTF-8", OK1 "2 | \xe3\x83", 2, "invalid UTF-8 0xe3 at column 5" },
};

static void test_bad_inputs(void **state)
{
	static const char nul[] = OK1 "2 |\0 a | cucm -> imp | SIP | udp | 5060 |"
				  " ephemeral | wire | SIP | x\n";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];

		if (b->text)
			expect_bad(b->what, b->text, b->line, b->reason);
		else
			expect_bad_buf(b->what, nul, sizeof(nul) - 1, b->line,
				       b->reason);
	}
}

/* The offending line is repeated exactly, escaped and cut. */
static void test_error_message_format(void **state)
{
	struct catalogue *c = catalogue_new();
	char text[600], want[512];
	char *msg = NULL;
	size_t i;

	(void)state;
	assert_int_equal(parse_text(c, OK1
		"2 | a | cucm -> imp | SIP | tpc | 5060 | ephemeral | wire | SIP | x\r\n",
		false, &msg), -1);
	assert_string_equal(msg,
		"t.conf:2: unknown transport 'tpc' (valid: tcp, udp, tls, icmp, icmpv6)\n"
		"  2 | a | cucm -> imp | SIP | tpc | 5060 | ephemeral | wire | SIP | x\n");
	free(msg);

	/* Invalid bytes as \xNN, valid UTF-8 as is, tabs kept. */
	assert_int_equal(parse_text(c, "2 |\ta\xff | 한\n", false, &msg), -1);
	assert_string_equal(msg, "t.conf:1: invalid UTF-8 0xff at column 6 (byte offset 5)\n"
			    "  2 |\ta\\xff | 한\n");
	free(msg);

	/* Ill-formed sequences are escaped byte by byte. */
	assert_int_equal(parse_text(c, "2 | a\xc0\xaf\xed\xa0\x80 |\n", false, &msg), -1);
	assert_string_equal(msg, "t.conf:1: invalid UTF-8 0xc0 at column 6 (byte offset 5)\n"
			    "  2 | a\\xc0\\xaf\\xed\\xa0\\x80 |\n");
	free(msg);

	/* A long line is cut after 200 bytes. */
	memset(text, 'z', sizeof(text));
	memcpy(text, "2 | a | tpc |", 13);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(parse_text(c, text, false, &msg), -1);
	memcpy(want, "  ", 2);
	memcpy(want + 2, text, 200);
	memcpy(want + 202, "...\n", 5);
	assert_non_null(strstr(msg, want));
	free(msg);

	/* Longer than MAX_RULE_LINE: refused, and still shown cut. */
	{
		char *big = malloc(MAX_RULE_LINE + 3);

		assert_non_null(big);
		for (i = 0; i < MAX_RULE_LINE + 1; i++)
			big[i] = "0123456789"[i % 10];
		memcpy(big + MAX_RULE_LINE + 1, "\n", 2);
		assert_int_equal(parse_text(c, big, false, &msg), -1);
		assert_non_null(strstr(msg, "t.conf:1: line longer than 4096 bytes\n  0123"));
		assert_int_equal(strlen(msg), strlen("t.conf:1: line longer than 4096 bytes\n") +
				 2 + 200 + 4);
		free(msg);
		free(big);
	}
	assert_int_equal(catalogue_count(c), 0);
	catalogue_free(c);
}

static void test_no_rows(void **state)
{
	static const char *const texts[] = { "", "\n\n", "# only\n   # comments\r\n", "  \t \n" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct catalogue *c = catalogue_new();
		char *msg = NULL;

		assert_int_equal(parse_text(c, texts[i], false, &msg), -1);
		assert_string_equal(msg, "t.conf: no rows\n");
		free(msg);
		/* An override file must hold rows as well. */
		assert_int_equal(parse_text(c, texts[i], true, &msg), -1);
		assert_string_equal(msg, "t.conf: no rows\n");
		free(msg);
		catalogue_free(c);
	}
}

static void test_too_many_rows(void **state)
{
	size_t size = (size_t)(MAX_RULES + 1) * 96 + 1, used = 0, first = 0, full = 0;
	char *text = malloc(size);
	struct catalogue *c = catalogue_new();
	char *msg = NULL;
	int i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < MAX_RULES + 1; i++) {
		used += (size_t)snprintf(text + used, size - used,
					 "0 | s%d | imp -> imp | X | tcp | %d | ephemeral |"
					 " wire | - | x\n", i, 1 + i);
		if (i == 0)
			first = used;
		if (i == MAX_RULES - 1)
			full = used;
	}
	/* MAX_RULES rows load; one more is refused. */
	assert_int_equal(parse_buf(c, "t.conf", text, full, false, NULL), 0);
	assert_int_equal(catalogue_count(c), MAX_RULES);
	catalogue_free(c);

	c = catalogue_new();
	assert_int_equal(parse_text(c, text, false, &msg), -1);
	check_message("too many rows", msg, MAX_RULES + 1, "more than 4096 rows");
	assert_int_equal(catalogue_count(c), 0);
	free(msg);

	/* Two loads that together pass the limit: the second adds nothing. */
	assert_int_equal(parse_buf(c, "t.conf", text, first, false, NULL), 0);
	assert_int_equal(parse_buf(c, "u.conf", text + first, used - first, false,
				   &msg), -1);
	assert_string_equal(msg, "u.conf: the catalogue would hold 4097 rows, more than 4096\n");
	assert_int_equal(catalogue_count(c), 1);
	free(msg);
	catalogue_free(c);
	free(text);
}

/* ------------------------------------------------------ all or nothing */

static void test_all_or_nothing(void **state)
{
	struct catalogue *c;
	char *msg = NULL;

	(void)state;
	c = load_ok("2 | sip-proxy | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | x\n");
	assert_int_equal(parse_text(c,
		"22 | xcp | xmpp-client -> imp | TCP | tcp | 5222 | ephemeral | wire | Jabber | x\n"
		"22 | s2s | imp -> imp | TCP | tcp | 5269 | ephemeral | wire | Jabber | x\n"
		"22 | bad | imp -> imp | TCP | tcp | 0 | ephemeral | wire | Jabber | x\n",
		false, &msg), -1);
	check_message("third line", msg, 3, "port 0 out of range");
	free(msg);
	/* The same with override: nothing replaced either. */
	assert_int_equal(parse_text(c,
		"2 | sip-proxy | cucm -> imp | SIP | udp | 5070 | ephemeral | wire | SIP | x\n"
		"2 | sip-proxy | cucm -> imp | SIP | udp | 5070 | ephemeral | wire | SIP | y\n",
		true, NULL), -1);
	assert_int_equal(catalogue_count(c), 1);
	assert_string_equal(catalogue_row(c, 0)->service, "sip-proxy");
	assert_int_equal(catalogue_row(c, 0)->dport[0].lo, 5060);
	assert_int_equal(catalogue_build(c, stderr), 0);
	expect_lookup(c, 6, 5222, "");
	expect_lookup(c, 17, 5070, "");
	expect_lookup(c, 17, 5060, "2:sip-proxy");
	catalogue_free(c);
}

/* Rows that look alike but may stand together. */
static void test_no_false_conflicts(void **state)
{
	struct catalogue *c;

	(void)state;
	c = load_ok(
		/* Same service and roles, other transport or other port. */
		"2 | sip | cucm -> imp | SIP | tcp | 5060 | ephemeral | wire | SIP | x\n"
		"2 | sip | cucm -> imp | SIP | udp | 5060 | ephemeral | wire | SIP | y\n"
		"2 | sip | cucm -> imp | SIP | tcp | 5070 | ephemeral | wire | SIP | z\n"
		/* Other roles, table or service on the same port. */
		"2 | sip | imp -> imp | SIP | tcp | 5060 | ephemeral | wire | SIP | x\n"
		"3 | sip | cucm -> imp | SIP | tcp | 5060 | ephemeral | wire | SIP | x\n"
		"2 | sip-b | cucm -> imp | SIP | tcp | 5060 | ephemeral | wire | SIP | x\n"
		/* ICMP and ICMPv6 rows of one service. */
		"17 | icmp | imp -> cucm | ICMP | icmp | - | ephemeral | wire | ICMP | x\n"
		"17 | icmp | imp -> cucm | ICMP | icmpv6 | - | ephemeral | wire | ICMPV6 | x\n"
		/* Sender-port rows on other sender ports. */
		"12 | trap | imp -> imp | SNMP | udp | configurable | 61441 | wire | SNMP | x\n"
		"12 | trap | imp -> imp | SNMP | udp | configurable | 61442 | wire | SNMP | x\n");
	assert_int_equal(catalogue_count(c), 10);
	catalogue_free(c);
}

/* ------------------------------------------------------------ override */

static const char base_text[] =
	"23 | ext-db-postgresql | imp -> postgresql-db | TCP | tcp | 5432 configurable |"
	" ephemeral | wire | PostgreSQL | PG\n"
	"23 | ext-db-postgresql | imp -> database | TCP | tcp | 5432 | ephemeral | wire |"
	" PostgreSQL | PG any\n"
	"23 | ext-db-oracle | imp -> oracle-db | TCP | tcp | 1521 | ephemeral | wire | Oracle | Ora\n"
	"34 | mft-db-postgresql | imp-publisher -> database | TCP | tcp | 5432 |"
	" 54288-54292 | wire | PostgreSQL | MFT\n";

static void test_override(void **state)
{
	struct catalogue *c;

	(void)state;
	c = load_ok(base_text);
	parse_ok(c,
		"23 | ext-db-postgresql | imp -> postgresql-db | TCP | tcp | 15432 |"
		" ephemeral | wire | PostgreSQL | site PG\n"
		"0 | site-backup | imp -> file-server | TCP | tcp | 9999 | ephemeral |"
		" wire | - | backup\n",
		true);
	/* Both old rows of (23, ext-db-postgresql) are gone; the new one takes
	   their place; the new service goes last. */
	assert_int_equal(catalogue_count(c), 4);
	assert_string_equal(catalogue_row(c, 0)->description, "site PG");
	assert_int_equal(catalogue_row(c, 0)->line, 1);
	assert_string_equal(catalogue_row(c, 1)->service, "ext-db-oracle");
	assert_string_equal(catalogue_row(c, 2)->service, "mft-db-postgresql");
	assert_string_equal(catalogue_row(c, 3)->service, "site-backup");
	assert_int_equal(catalogue_build(c, stderr), 0);
	/* Only table 34 still documents 5432. */
	expect_lookup(c, 6, 5432, "34:mft-db-postgresql");
	expect_lookup(c, 6, 15432, "23:ext-db-postgresql");
	expect_lookup(c, 6, 9999, "0:site-backup");
	expect_lookup(c, 6, 1521, "23:ext-db-oracle");
	catalogue_free(c);
}

/* A site's rows of one service are in one file: a second --rules-add
   row of a (table, service) an earlier --rules-add gave would drop the
   earlier file's rows without a word. Refused, and nothing applied. */
static void test_override_site_twice(void **state)
{
	static const char site[] =
		"0 | site-backup | imp -> file-server | TCP | tcp | 9999 | ephemeral |"
		" wire | - | backup\n";
	static const char other[] =
		"# the other team's file\n"
		"0 | site-backup | imp -> file-server | TCP | tcp | 9998 | ephemeral |"
		" wire | - | backup too\n";
	struct catalogue *c;
	char *msg = NULL;

	(void)state;
	c = load_ok(base_text);
	parse_ok(c, site, true);
	assert_int_equal(parse_text(c, other, true, &msg), -1);
	check_message("site rows twice", msg, 2, "table 0 service site-backup "
		      "is a site's already (t.conf:1); a service's site rows "
		      "go in one file");
	free(msg);
	assert_int_equal(catalogue_count(c), 5);
	assert_int_equal(catalogue_row(c, 4)->line, 1);
	/* The same file twice is the same slip. */
	msg = NULL;
	assert_int_equal(parse_text(c, site, true, &msg), -1);
	check_message("same file twice", msg, 1, "is a site's already");
	free(msg);
	catalogue_free(c);
}

/* Table 0 is a site's own row whatever file holds it: a --rules copy of
   the catalogue with a row of its own names it the site's, never the
   guide's. */
static void test_table0_is_site(void **state)
{
	struct catalogue *c;

	(void)state;
	c = load_ok(base_text);
	parse_ok(c, "0 | site-redis | imp -> database | TCP | tcp | 6380 |"
		 " ephemeral | wire | - | cache\n", false);
	assert_int_equal(catalogue_count(c), 5);
	assert_int_equal(catalogue_row(c, 0)->site, 0);
	assert_int_equal(catalogue_row(c, 4)->site, 1);
	catalogue_free(c);
}

static void test_override_from_file(void **state)
{
	struct catalogue *c = catalogue_new();

	(void)state;
	assert_int_equal(catalogue_load_file(c, RULES_DIR "good.conf", false, stderr), 0);
	assert_int_equal(catalogue_count(c), 7);
	assert_int_equal(catalogue_load_file(c, RULES_DIR "site-override.conf", true, stderr), 0);
	assert_int_equal(catalogue_count(c), 8);
	assert_string_equal(catalogue_row(c, 4)->file, RULES_DIR "site-override.conf");
	assert_int_equal(catalogue_row(c, 4)->line, 3);
	assert_string_equal(catalogue_row(c, 0)->file, RULES_DIR "good.conf");
	assert_int_equal(catalogue_build(c, stderr), 0);
	expect_lookup(c, 6, 5432, "34:mft-db-postgresql");
	expect_lookup(c, 6, 15432, "23:ext-db-postgresql");
	expect_lookup(c, 6, 9999, "0:site-backup");
	catalogue_free(c);
}

/* Each file loaded is a source, in order, with the SHA-256 of its bytes
   (as sha256sum gives it); a load that fails adds none. */
static void test_sources(void **state)
{
	struct catalogue *c = catalogue_new();
	FILE *err = tmpfile();
	char want[DIGEST_SHA256_HEX];
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(catalogue_source_count(c), 0);
	assert_int_equal(catalogue_load_file(c, RULES_DIR "good.conf", false, stderr), 0);
	assert_int_equal(catalogue_load_file(c, RULES_DIR "bad-port.conf", true, err), -1);
	assert_int_equal(catalogue_load_file(c, RULES_DIR "site-override.conf", true, stderr), 0);
	assert_int_equal(catalogue_source_count(c), 2);
	assert_null(catalogue_source(c, 2));
	assert_string_equal(catalogue_source(c, 0)->name, RULES_DIR "good.conf");
	assert_false(catalogue_source(c, 0)->override);
	assert_false(catalogue_source(c, 0)->embedded);
	assert_string_equal(catalogue_source(c, 1)->name, RULES_DIR "site-override.conf");
	assert_true(catalogue_source(c, 1)->override);
	assert_int_equal(textfile_read(RULES_DIR "site-override.conf", 1 << 20,
				       "a catalogue", &text, &len, stderr), 0);
	assert_int_equal(digest_sha256_hex(text, len, want), 0);
	assert_string_equal(catalogue_source(c, 1)->sha256, want);
	free(text);
	catalogue_free(c);
	fclose(err);

	c = catalogue_new();
	assert_int_equal(catalogue_load_embedded(c, stderr), 0);
	assert_int_equal(catalogue_source_count(c), 1);
	assert_true(catalogue_source(c, 0)->embedded);
	assert_int_equal(digest_sha256_hex(impwatch_embedded_rules,
					   impwatch_embedded_rules_len, want), 0);
	assert_string_equal(catalogue_source(c, 0)->sha256, want);
	catalogue_free(c);
}

/* Without override, a known (table, service) is added, not replaced. */
static void test_plain_load_adds(void **state)
{
	struct catalogue *c;

	(void)state;
	c = load_ok(base_text);
	parse_ok(c, "23 | ext-db-postgresql | imp -> postgresql-db | TCP | tcp | 15432 |"
		 " ephemeral | wire | PostgreSQL | site PG\n", false);
	assert_int_equal(catalogue_count(c), 5);
	assert_int_equal(catalogue_build(c, stderr), 0);
	expect_lookup(c, 6, 5432, "23:ext-db-postgresql 23:ext-db-postgresql 34:mft-db-postgresql");
	expect_lookup(c, 6, 15432, "23:ext-db-postgresql");
	catalogue_free(c);
}

/* ---------------------------------------------------------------- files */

static void test_load_files(void **state)
{
	struct catalogue *c = catalogue_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *err;

	(void)state;
	assert_int_equal(catalogue_load_file(c, RULES_DIR "crlf.conf", false, stderr), 0);
	assert_int_equal(catalogue_count(c), 2);
	assert_string_equal(catalogue_row(c, 1)->description, "XMPP client access");
	assert_int_equal(catalogue_row(c, 1)->line, 4);
	assert_string_equal(catalogue_row(c, 0)->description, "Proxy");

	err = open_memstream(&buf, &len);
	assert_int_equal(catalogue_load_file(c, RULES_DIR "bad-port.conf", false, err), -1);
	assert_int_equal(catalogue_load_file(c, RULES_DIR "bad-utf8.conf", false, err), -1);
	assert_int_equal(catalogue_load_file(c, RULES_DIR "comments-only.conf", false, err), -1);
	assert_int_equal(catalogue_load_file(c, RULES_DIR "no-such-file.conf", false, err), -1);
	assert_int_equal(catalogue_load_file(c, "tests/rules", false, err), -1);
	assert_int_equal(catalogue_load_file(c, "tests/rules/", true, err), -1);
	fclose(err);
	assert_string_equal(buf,
		RULES_DIR "bad-port.conf:3: port 219999 out of range 1-65535 in dport\n"
		"  30 | srm-peer | imp-publisher -> imp-subscriber | UDP | udp | 219999 |"
		" bidirectional | wire | - | Recovery manager peers\n"
		RULES_DIR "bad-utf8.conf:2: invalid UTF-8 0xff at column 85 (byte offset 84)\n"
		"  2 | sip-proxy-tls | cucm -> imp | SIP | tls | 5061 | ephemeral | wire |"
		" TLS | Proxy \\xff\\xfe over TLS\n"
		RULES_DIR "comments-only.conf: no rows\n"
		RULES_DIR "no-such-file.conf: cannot open: No such file or directory\n"
		"tests/rules: not a regular file (a directory)\n"
		"tests/rules/: not a regular file (a directory)\n");
	free(buf);
	assert_int_equal(catalogue_count(c), 2);
	catalogue_free(c);
}

static void test_load_unreadable(void **state)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	struct catalogue *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *err;
	int fd;

	(void)state;
	/* root reads any file: nothing to test there. */
	if (geteuid() == 0)
		skip();
	snprintf(path, sizeof(path), "%s/impwatch-test-XXXXXX",
		 dir && *dir ? dir : P_tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, OK1, strlen(OK1)), (ssize_t)strlen(OK1));
	close(fd);
	assert_int_equal(chmod(path, 0), 0);
	c = catalogue_new();
	err = open_memstream(&buf, &len);
	assert_int_equal(catalogue_load_file(c, path, false, err), -1);
	fclose(err);
	assert_non_null(strstr(buf, ": cannot open: Permission denied\n"));
	free(buf);
	unlink(path);
	catalogue_free(c);
}

/* -------------------------------------------------------------- lookups */

static const char lookup_text[] =
	/* 0 */ "2 | sip | cucm -> imp | SIP | tcp,udp | 5060 | ephemeral | wire | SIP | x\n"
	/* 1 */ "12 | snmp | snmp-server -> imp | SNMP | udp | 161,8161 | ephemeral | wire | SNMP | x\n"
	/* 2 */ "31 | range | cucm -> imp | TCP | tcp | 37240-61000 | ephemeral | wire | - | x\n"
	/* 3 */ "30 | inside | cucm -> imp | TCP | tcp | 40000 | bidirectional | wire | - | x\n"
	/* 4 */ "34 | small | imp -> database | TCP | tcp | 54288-54292 | ephemeral | wire | - | x\n"
	/* 5 */ "4 | web | browser -> imp | HTTPS | tls | 8443 | ephemeral | wire | TLS | x\n"
	/* 6 */ "30 | web | cucm -> imp | TCP | tcp | 8443 | bidirectional | wire | - | x\n"
	/* 7 */ "17 | icmp | imp <-> cucm | ICMP | icmp,icmpv6 | - | ephemeral | wire | ICMP | x\n"
	/* 8 */ "29 | echo | imp -> imp | ICMP | icmp | - | - | wire | ICMP | x\n"
	/* 9 */ "3 | before | imp -> imp | TCP | tcp | 39000-41000,1 | ephemeral | wire | - | x\n"
	/* 10 */ "5 | edge | imp -> imp | TCP | tcp | 65535 | ephemeral | wire | - | x\n"
	/* 11 */ "5 | edge-range | imp -> imp | UDP | udp | 65530-65535 | ephemeral | wire | - | x\n";

static void test_lookup_single_and_lists(void **state)
{
	struct catalogue *c;

	(void)state;
	c = built(lookup_text);
	expect_lookup(c, 6, 5060, "2:sip");
	expect_lookup(c, 17, 5060, "2:sip");
	expect_lookup(c, 6, 5061, "");
	expect_lookup(c, 6, 5059, "");
	expect_lookup(c, 17, 161, "12:snmp");
	expect_lookup(c, 17, 8161, "12:snmp");
	expect_lookup(c, 6, 161, "");
	/* tls rows answer under TCP; rows in catalogue order. */
	expect_lookup(c, 6, 8443, "4:web 30:web");
	expect_lookup(c, 17, 8443, "");
	expect_lookup(c, 6, 1, "3:before");
	expect_lookup(c, 6, 65535, "5:edge");
	expect_lookup(c, 17, 65535, "5:edge-range");
	expect_lookup(c, 6, 0, "");
	/* No other protocol has rows. */
	expect_lookup(c, 132, 5060, "");
	expect_lookup(c, 0, 0, "");
	catalogue_free(c);
}

static void test_lookup_ranges(void **state)
{
	struct catalogue *c;

	(void)state;
	c = built(lookup_text);
	/* Boundaries: lo-1, lo, hi, hi+1. */
	expect_lookup(c, 6, 37239, "");
	expect_lookup(c, 6, 37240, "31:range");
	expect_lookup(c, 6, 61000, "31:range");
	expect_lookup(c, 6, 61001, "");
	expect_lookup(c, 17, 37240, "");
	/* Overlapping ranges, in catalogue order whichever began first. */
	expect_lookup(c, 6, 38999, "31:range");
	expect_lookup(c, 6, 39000, "31:range 3:before");
	expect_lookup(c, 6, 41000, "31:range 3:before");
	expect_lookup(c, 6, 41001, "31:range");
	/* A single port inside two ranges returns all three. */
	expect_lookup(c, 6, 40000, "31:range 30:inside 3:before");
	expect_lookup(c, 6, 39999, "31:range 3:before");
	expect_lookup(c, 6, 40001, "31:range 3:before");
	expect_lookup(c, 6, 54287, "31:range");
	expect_lookup(c, 6, 54288, "31:range 34:small");
	expect_lookup(c, 6, 54292, "31:range 34:small");
	expect_lookup(c, 6, 54293, "31:range");
	expect_lookup(c, 17, 65529, "");
	expect_lookup(c, 17, 65530, "5:edge-range");
	catalogue_free(c);

	/* Ranges of one row that touch: covered once, no gap at the seam. */
	c = built("7 | touching | imp -> imp | X | tcp | 100-200,201-300,301 | ephemeral |"
		  " wire | - | x\n");
	expect_lookup(c, 6, 99, "");
	expect_lookup(c, 6, 200, "7:touching");
	expect_lookup(c, 6, 201, "7:touching");
	expect_lookup(c, 6, 300, "7:touching");
	expect_lookup(c, 6, 301, "7:touching");
	expect_lookup(c, 6, 302, "");
	catalogue_free(c);
}

static void test_lookup_icmp(void **state)
{
	struct catalogue *c;

	(void)state;
	c = built(lookup_text);
	expect_lookup(c, 1, 0, "17:icmp 29:echo");
	expect_lookup(c, 58, 0, "17:icmp");
	/* ICMP has no ports: whatever the caller passes, port 0 is asked. */
	expect_lookup(c, 1, 8, "17:icmp 29:echo");
	/* ICMP rows do not answer port 0 of TCP or UDP. */
	expect_lookup(c, 6, 0, "");
	expect_lookup(c, 17, 0, "");
	catalogue_free(c);
}

/* A lookup returns a pointer into the catalogue, stable across calls. */
static void test_lookup_no_copy(void **state)
{
	struct catalogue *c;
	struct cat_match a, b;

	(void)state;
	c = built(lookup_text);
	a = catalogue_lookup(c, 6, 40000);
	b = catalogue_lookup(c, 6, 40000);
	assert_ptr_equal(a.rows, b.rows);
	a = catalogue_lookup(c, 6, 50000);
	b = catalogue_lookup(c, 6, 50001);
	/* Both in the same elementary segment of the range. */
	assert_ptr_equal(a.rows, b.rows);
	catalogue_free(c);
}

static void test_lookup_before_build(void **state)
{
	struct catalogue *c;
	struct cat_hits h;
	struct cat_match m;

	(void)state;
	c = load_ok(lookup_text);
	m = catalogue_lookup(c, 6, 5060);
	assert_int_equal(m.n, 0);
	h.n = 7;
	assert_int_equal(catalogue_listener(c, 6, 40000, 5060, &h), LISTENER_NONE);
	assert_int_equal(h.n, 0);
	m = catalogue_lookup(NULL, 6, 5060);
	assert_int_equal(m.n, 0);
	assert_int_equal(catalogue_build(c, stderr), 0);
	/* A second build changes nothing; a load after it is refused. */
	assert_int_equal(catalogue_build(c, stderr), 0);
	expect_lookup(c, 6, 5060, "2:sip");
	{
		char *msg = NULL;

		assert_int_equal(parse_text(c, OK1, false, &msg), -1);
		assert_non_null(strstr(msg, "t.conf: the catalogue is already built"));
		free(msg);
	}
	assert_int_equal(catalogue_count(c), 12);
	catalogue_free(c);
}

static void test_build_too_many_hits(void **state)
{
	char text[128 * 80];
	size_t used = 0;
	struct catalogue *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *err;
	int i;

	(void)state;
	/* CAT_MAX_HITS rows on one port build... */
	for (i = 0; i < CAT_MAX_HITS; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "2 | s%d | imp -> imp | X | tcp | 5060 |"
					 " ephemeral | wire | - | x\n", i);
	c = built(text);
	assert_int_equal(catalogue_lookup(c, 6, 5060).n, CAT_MAX_HITS);
	catalogue_free(c);

	/* ...one more, here through a range, does not. */
	snprintf(text + used, sizeof(text) - used,
		 "2 | extra | imp -> imp | X | tcp | 5000-5100 | ephemeral | wire | - | x\n");
	c = load_ok(text);
	err = open_memstream(&buf, &len);
	assert_int_equal(catalogue_build(c, err), -1);
	fclose(err);
	assert_string_equal(buf, "t.conf:65: more than 64 rows document tcp port 5060;"
			    " at most 64 rows may share one\n");
	free(buf);
	assert_int_equal(catalogue_lookup(c, 6, 5060).n, 0);
	catalogue_free(c);

	/* 65 ranges over one stretch of ports. */
	used = 0;
	for (i = 0; i <= CAT_MAX_HITS; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "2 | r%d | imp -> imp | X | udp | %d-20000 |"
					 " ephemeral | wire | - | x\n", i, 10000 + i);
	c = load_ok(text);
	buf = NULL;
	err = open_memstream(&buf, &len);
	assert_int_equal(catalogue_build(c, err), -1);
	fclose(err);
	assert_string_equal(buf, "t.conf:65: more than 64 rows document udp port 10064-20000;"
			    " at most 64 rows may share one\n");
	free(buf);
	catalogue_free(c);
}

/* ------------------------------------------------------------- listener */

static const char listener_text[] =
	/* 0 */ "2 | sip | cucm -> imp | SIP | tcp,udp | 5060 | ephemeral | wire | SIP | x\n"
	/* 1 */ "12 | snmp-trap-receiver | imp -> imp | SNMP | udp | configurable | 61441 |"
		" wire | SNMP | x\n"
	/* 2 */ "31 | on-a-call | cucm -> imp-publisher | TCP | tcp | 5070 | 37240-61000 |"
		" wire | SIP | x\n"
	/* 3 */ "34 | mft-db | imp-publisher -> database | TCP | tcp | 5432 | 54288-54292 |"
		" wire | - | x\n"
	/* 4 */ "9 | ipsec | imp -> imp | X | udp | 8500 | 8500 | wire | - | x\n"
	/* 5 */ "17 | icmp | imp <-> cucm | ICMP | icmp | - | ephemeral | wire | ICMP | x\n"
	/* 6 */ "30 | pub-sub | imp-publisher -> imp-subscriber | TCP | tcp | 5070 |"
		" bidirectional | wire | - | x\n";

static void test_listener(void **state)
{
	struct catalogue *c;

	(void)state;
	c = built(listener_text);
	/* 1: the destination port is documented. */
	expect_listener(c, 6, 40001, 5060, LISTENER_DST, "2:sip");
	expect_listener(c, 17, 5060, 5060, LISTENER_DST, "2:sip");
	/* 2: only the source port is: a reply seen alone. */
	expect_listener(c, 6, 5060, 40001, LISTENER_SRC, "2:sip");
	/* 3: the trap receiver, known by sender port 61441, any dport. */
	expect_listener(c, 17, 61441, 9999, LISTENER_DST, "12:snmp-trap-receiver");
	expect_listener(c, 17, 61441, 5060, LISTENER_DST, "2:sip");
	expect_listener(c, 6, 61441, 9999, LISTENER_NONE, "");
	/* 4: its replies. */
	expect_listener(c, 17, 9999, 61441, LISTENER_SRC, "12:snmp-trap-receiver");
	/* A fixed sender range: inside, at both ends, and outside. The
	   bidirectional row of table 30 accepts any sender. */
	expect_listener(c, 6, 37240, 5070, LISTENER_DST, "31:on-a-call 30:pub-sub");
	expect_listener(c, 6, 61000, 5070, LISTENER_DST, "31:on-a-call 30:pub-sub");
	expect_listener(c, 6, 37239, 5070, LISTENER_DST, "30:pub-sub");
	expect_listener(c, 6, 61001, 5070, LISTENER_DST, "30:pub-sub");
	expect_listener(c, 6, 5070, 37240, LISTENER_SRC, "31:on-a-call 30:pub-sub");
	expect_listener(c, 6, 54288, 5432, LISTENER_DST, "34:mft-db");
	expect_listener(c, 6, 54292, 5432, LISTENER_DST, "34:mft-db");
	expect_listener(c, 6, 54293, 5432, LISTENER_NONE, "");
	expect_listener(c, 6, 5432, 54290, LISTENER_SRC, "34:mft-db");
	/* A sender in the fixed range to some other port: steps 3 and 4 need
	   the row's dport rule too. */
	expect_listener(c, 6, 54290, 5433, LISTENER_NONE, "");
	/* Fixed both ends. */
	expect_listener(c, 17, 8500, 8500, LISTENER_DST, "9:ipsec");
	expect_listener(c, 17, 8501, 8500, LISTENER_NONE, "");
	/* ICMP by protocol, ports 0. */
	expect_listener(c, 1, 0, 0, LISTENER_DST, "17:icmp");
	expect_listener(c, 58, 0, 0, LISTENER_NONE, "");
	expect_listener(c, 6, 40000, 40001, LISTENER_NONE, "");
	/* The caller may not want the rows. */
	assert_int_equal(catalogue_listener(c, 6, 40001, 5060, NULL), LISTENER_DST);
	catalogue_free(c);
}

static void test_row_port_rules(void **state)
{
	struct catalogue *c;
	const struct cat_row *r;

	(void)state;
	c = load_ok(listener_text);
	r = catalogue_row(c, 0);
	assert_true(catalogue_row_sport_ok(r, 1));
	assert_true(catalogue_row_sport_ok(r, 65535));
	assert_true(catalogue_row_dport_ok(r, 5060));
	assert_false(catalogue_row_dport_ok(r, 5061));
	r = catalogue_row(c, 6);
	assert_true(catalogue_row_sport_ok(r, 12345));
	r = catalogue_row(c, 2);
	assert_false(catalogue_row_sport_ok(r, 37239));
	assert_true(catalogue_row_sport_ok(r, 37240));
	assert_true(catalogue_row_sport_ok(r, 61000));
	assert_false(catalogue_row_sport_ok(r, 61001));
	r = catalogue_row(c, 1);
	assert_true(catalogue_row_sport_ok(r, 61441));
	assert_false(catalogue_row_sport_ok(r, 61440));
	assert_true(catalogue_row_dport_ok(r, 1));
	assert_true(catalogue_row_dport_ok(r, 65535));
	assert_false(catalogue_row_sport_ok(NULL, 1));
	catalogue_free(c);
}

/* ------------------------------------------------ index against a scan */

/* Small deterministic generator, so a failure reproduces. */
static uint32_t rng_state = 12345;

static uint32_t rng(uint32_t n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

/* Random, possibly overlapping spans in [base, base + spread), none
   meeting another of the same list. */
static void random_spans(char *buf, size_t size, uint32_t base, uint32_t spread)
{
	uint32_t lo[4], hi[4];
	int n = 1 + (int)rng(4), k = 0, i, tries = 0;
	size_t used = 0;

	while (k < n && tries++ < 50) {
		uint32_t a = base + rng(spread), b = a;
		bool clash = false;

		if (rng(2))
			b = a + rng(100);
		for (i = 0; i < k; i++)
			clash |= a <= hi[i] && lo[i] <= b;
		if (clash)
			continue;
		lo[k] = a;
		hi[k] = b;
		k++;
	}
	buf[0] = '\0';
	for (i = 0; i < k; i++) {
		if (lo[i] == hi[i])
			used += (size_t)snprintf(buf + used, size - used, "%s%u",
						 i ? "," : "", lo[i]);
		else
			used += (size_t)snprintf(buf + used, size - used, "%s%u-%u",
						 i ? "," : "", lo[i], hi[i]);
	}
}

static bool row_has_proto(const struct cat_row *r, uint8_t proto)
{
	return proto == 6 ? (r->transports & (CT_TCP | CT_TLS)) != 0 :
	       (r->transports & CT_UDP) != 0;
}

static bool in_dport(const struct cat_row *r, uint16_t port)
{
	uint8_t i;

	for (i = 0; i < r->n_dport; i++)
		if (port >= r->dport[i].lo && port <= r->dport[i].hi)
			return true;
	return false;
}

static bool in_sport(const struct cat_row *r, uint16_t port)
{
	uint8_t i;

	for (i = 0; i < r->n_sport; i++)
		if (port >= r->sport[i].lo && port <= r->sport[i].hi)
			return true;
	return false;
}

/* The listener decision by brute force, straight from the header. */
static enum listener_side scan_listener(const struct catalogue *c, uint8_t proto,
					uint16_t sport, uint16_t dport,
					struct cat_hits *h)
{
	size_t i, n = catalogue_count(c);
	int step;

	for (step = 1; step <= 4; step++) {
		h->n = 0;
		for (i = 0; i < n; i++) {
			const struct cat_row *r = catalogue_row(c, i);
			bool ok = false;

			if (!row_has_proto(r, proto))
				continue;
			if (step == 1)
				ok = in_dport(r, dport) && catalogue_row_sport_ok(r, sport);
			else if (step == 2)
				ok = in_dport(r, sport) && catalogue_row_sport_ok(r, dport);
			else if (step == 3)
				ok = r->sport_kind == SPORT_FIXED && in_sport(r, sport) &&
				     catalogue_row_dport_ok(r, dport);
			else
				ok = r->sport_kind == SPORT_FIXED && in_sport(r, dport) &&
				     catalogue_row_dport_ok(r, sport);
			if (ok)
				h->rows[h->n++] = (uint16_t)i;
		}
		if (h->n)
			return step == 1 || step == 3 ? LISTENER_DST : LISTENER_SRC;
	}
	return LISTENER_NONE;
}

static void test_index_matches_scan(void **state)
{
	static const char *const transports[] = { "tcp", "udp", "tcp,udp", "tls" };
	size_t size = 200 * 256, used = 0, i, n;
	char *text = malloc(size);
	struct catalogue *c;
	unsigned port, k;
	uint8_t proto;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < 200; i++) {
		char dport[128], sport[128];
		uint32_t kind = rng(6);

		random_spans(dport, sizeof(dport), 1000, 1500);
		if (kind == 0)
			strcpy(sport, "ephemeral");
		else if (kind == 1)
			strcpy(sport, "bidirectional");
		else
			random_spans(sport, sizeof(sport), 2000, 1000);
		if (kind >= 2 && rng(4) == 0)
			strcpy(dport, "configurable");
		else if (kind >= 2 && rng(4) == 0)
			strcat(dport, " configurable");
		used += (size_t)snprintf(text + used, size - used,
					 "%u | s%zu | imp -> imp | X | %s | %s | %s |"
					 " wire | - | x\n", (unsigned)rng(33) + 2, i,
					 transports[rng(4)], dport, sport);
	}
	c = built(text);
	n = catalogue_count(c);
	assert_int_equal(n, 200);

	/* Every port a row could name, and both ends of the port space. */
	for (proto = 6; proto <= 17; proto += 11) {
		for (port = 0; port <= 65535; port++) {
			struct cat_match m;
			uint16_t want[200];
			size_t nw = 0;

			if (port == 4000)
				port = 65500;
			for (i = 0; i < n; i++) {
				const struct cat_row *r = catalogue_row(c, i);

				if (row_has_proto(r, proto) && in_dport(r, (uint16_t)port))
					want[nw++] = (uint16_t)i;
			}
			m = catalogue_lookup(c, proto, (uint16_t)port);
			if (m.n != nw || (nw && memcmp(m.rows, want, nw * sizeof(want[0]))))
				fail_msg("proto %u port %u: %u rows, want %zu",
					 (unsigned)proto, port, (unsigned)m.n, nw);
		}
	}
	/* Listener decisions on random pairs of ports around the rows. */
	for (k = 0; k < 20000; k++) {
		struct cat_hits got, want;
		uint16_t sp = (uint16_t)(900 + rng(2300)), dp = (uint16_t)(900 + rng(2300));
		enum listener_side gs, ws;

		proto = rng(2) ? 6 : 17;
		gs = catalogue_listener(c, proto, sp, dp, &got);
		ws = scan_listener(c, proto, sp, dp, &want);
		if (gs != ws || got.n != want.n ||
		    memcmp(got.rows, want.rows, got.n * sizeof(got.rows[0])))
			fail_msg("listener %u %u->%u: side %d with %u rows, want %d with %u",
				 (unsigned)proto, (unsigned)sp, (unsigned)dp, (int)gs,
				 (unsigned)got.n, (int)ws, (unsigned)want.n);
	}
	catalogue_free(c);
	free(text);
}

/* ---------------------------------------------------------------- roles */

/* ------------------------------------------------------------- apps */

/* A stand-in for nDPI's names: ids by name without case, 0 for unknown.
   It counts its calls, to show names are looked up at load only. */
static unsigned resolver_calls;

static uint16_t fake_app_id(void *ctx, const char *name, size_t len)
{
	static const char *const names[] = { "", "SIP", "TLS", "HTTP", "SOAP" };
	size_t i;

	(void)ctx;
	resolver_calls++;
	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && strncasecmp(names[i], name, len) == 0)
			return (uint16_t)(100 + i);
	return 0;
}

static const char apps_rows[] =
	"2 | a | imp -> imp | X | tcp | 1 | ephemeral | wire | TLS, sip | x\n"
	"2 | b | imp -> imp | X | tcp | 2 | ephemeral | wire | - | x\n"
	"2 | c | imp -> imp | X | tcp | 3 | ephemeral | wire | any | x\n"
	"2 | d | imp -> imp | X | tcp | 4 | ephemeral | wire | TLS,HTTP,SOAP | x\n";

/* Each row's apps are resolved once, at load, to ids: the names stay as
   written (for printing), "-" and "any" are kinds, not names. */
static void test_apps_ids(void **state)
{
	struct catalogue *c = catalogue_new();
	const struct cat_row *r;

	(void)state;
	assert_non_null(c);
	resolver_calls = 0;
	catalogue_set_app_ids(c, fake_app_id, NULL);
	parse_ok(c, apps_rows, false);
	assert_int_equal(catalogue_build(c, stderr), 0);
	assert_int_equal(resolver_calls, 5);

	r = catalogue_row(c, 0);
	assert_int_equal(r->apps_kind, APPS_LIST);
	assert_string_equal(r->apps, "TLS,sip");
	assert_int_equal(r->n_apps, 2);
	assert_string_equal(r->app[0].name, "TLS");
	assert_int_equal(r->app[0].id, 102);
	assert_string_equal(r->app[1].name, "sip");
	assert_int_equal(r->app[1].id, 101);
	assert_true(catalogue_row_allows_app(r, 101));
	assert_true(catalogue_row_allows_app(r, 102));
	assert_false(catalogue_row_allows_app(r, 103));
	assert_false(catalogue_row_allows_app(r, 0));

	/* "-": nothing nDPI knows is expected; "any": no check. */
	r = catalogue_row(c, 1);
	assert_int_equal(r->apps_kind, APPS_NONE);
	assert_string_equal(r->apps, "-");
	assert_int_equal(r->n_apps, 0);
	assert_false(catalogue_row_allows_app(r, 101));
	r = catalogue_row(c, 2);
	assert_int_equal(r->apps_kind, APPS_ANY);
	assert_string_equal(r->apps, "any");
	assert_int_equal(r->n_apps, 0);
	assert_true(catalogue_row_allows_app(r, 101));
	assert_true(catalogue_row_allows_app(r, 999));

	r = catalogue_row(c, 3);
	assert_int_equal(r->n_apps, 3);
	assert_true(catalogue_row_allows_app(r, 104));
	assert_false(catalogue_row_allows_app(r, 101));
	/* Asking never looks a name up again. */
	assert_int_equal(resolver_calls, 5);
	catalogue_free(c);
}

/* A name the resolver does not know is a load error, worded as before;
   with no resolver (DPI off) names load unresolved and match no id. */
static void test_apps_unresolved(void **state)
{
	static const char bad[] =
		OK1 "2 | e | imp -> imp | X | tcp | 5 | ephemeral | wire | SIP,Postgres | x\n";
	struct catalogue *c = catalogue_new();
	const struct cat_row *r;
	char *msg = NULL;

	(void)state;
	assert_non_null(c);
	catalogue_set_app_ids(c, fake_app_id, NULL);
	assert_int_equal(parse_text(c, bad, false, &msg), -1);
	check_message("unknown app", msg, 2, "unknown nDPI protocol 'Postgres' in "
		      "apps (names as nDPI writes them: SIP, TLS, Jabber, "
		      "MsSQL-TDS...)");
	free(msg);
	catalogue_free(c);

	c = load_ok(bad);
	r = catalogue_row(c, 1);
	assert_int_equal(r->n_apps, 2);
	assert_string_equal(r->app[1].name, "Postgres");
	assert_int_equal(r->app[0].id, 0);
	assert_int_equal(r->app[1].id, 0);
	assert_false(catalogue_row_allows_app(r, 101));
	catalogue_free(c);
}

static void test_roles(void **state)
{
	(void)state;
	assert_int_equal(cat_role_parse("imp", 3), ROLE_IMP);
	assert_int_equal(cat_role_parse("imp-publisher", 13), ROLE_IMP_PUBLISHER);
	assert_int_equal(cat_role_parse("imp-publisherX", 13), ROLE_IMP_PUBLISHER);
	assert_int_equal(cat_role_parse("endpoint", 8), ROLE_ENDPOINT);
	assert_int_equal(cat_role_parse("im", 2), -1);
	assert_int_equal(cat_role_parse("IMP", 3), -1);
	assert_int_equal(cat_role_parse("", 0), -1);
	assert_string_equal(cat_role_name(ROLE_TRAP_MONITOR), "trap-monitor");
	assert_string_equal(cat_role_label(ROLE_CUCM), "Cisco Unified Communications Manager");
	assert_string_equal(cat_role_name(ROLE_COUNT), "?");
	assert_string_equal(cat_role_label((enum cat_role)-1), "?");
}

/* ------------------------------------------------------------- printing */

static const char print_text[] =
	"2 | sip-proxy | sip-gateway <-> imp | SIP | tcp,udp | 5060 | ephemeral | wire |"
	" SIP | Default SIP proxy | 기본 | \"quoted\"\n"
	"5 | ldap-directory | imp -> directory | LDAP | tcp | 389,3268 configurable |"
	" ephemeral | wire | LDAP, TLS | LDAP\n"
	"12 | snmp-trap-receiver | imp -> imp | SNMP | udp | configurable | 61441 | wire |"
	" any | Trap receiver\n"
	"17 | icmp-cucm | imp <-> cucm | ICMP | icmp,icmpv6 | - | ephemeral | wire |"
	" ICMP,ICMPV6 | ICMP\n"
	"31 | on-a-call | cucm,imp -> imp-publisher | TCP | tls | 37240-61000 |"
	" 54288-54292,61441 | localhost | - | Range\n";

static char *print_to_string(const struct catalogue *c, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	if (json)
		catalogue_print_json(c, out);
	else
		catalogue_print_table(c, out);
	fclose(out);
	return buf;
}

static void test_print_table(void **state)
{
	struct catalogue *c;
	char *out;

	(void)state;
	c = load_ok(print_text);
	out = print_to_string(c, false);
	assert_string_equal(out,
"TABLE  SERVICE             TRANSPORT    DPORT        SPORT              SCOPE      FROM -> TO                 PROTOCOL\n"
"2      sip-proxy           tcp/udp      5060         ephemeral          wire       sip-gateway <-> imp        SIP\n"
"5      ldap-directory      tcp          389,3268*    ephemeral          wire       imp -> directory           LDAP\n"
"12     snmp-trap-receiver  udp          *            61441              wire       imp -> imp                 SNMP\n"
"17     icmp-cucm           icmp/icmpv6  -            -                  wire       imp <-> cucm               ICMP\n"
/* Roles print in the header's order, whatever order the file gave. */
"31     on-a-call           tls          37240-61000  54288-54292,61441  localhost  imp,cucm -> imp-publisher  TCP\n");
	free(out);
	catalogue_free(c);

	/* An empty catalogue still has its header. */
	c = catalogue_new();
	out = print_to_string(c, false);
	assert_string_equal(out, "TABLE  SERVICE  TRANSPORT  DPORT  SPORT  SCOPE  FROM -> TO  PROTOCOL\n");
	free(out);
	catalogue_free(c);
}

static void test_print_json(void **state)
{
	struct catalogue *c;
	char *out;

	(void)state;
	c = load_ok(print_text);
	out = print_to_string(c, true);
	assert_string_equal(out,
"{\"table\":2,\"service\":\"sip-proxy\",\"from\":[\"sip-gateway\"],\"to\":[\"imp\"],"
"\"bidirectional\":true,\"protocol\":\"SIP\",\"transports\":[\"tcp\",\"udp\"],\"tls_required\":false,\"port\":5060,"
"\"ports\":[5060],\"port_configurable\":false,\"sport\":\"ephemeral\",\"scope\":\"wire\","
"\"apps\":[\"SIP\"],\"description\":\"Default SIP proxy\",\"note_ko\":\"기본\","
"\"note_ja\":\"\\\"quoted\\\"\",\"source\":\"t.conf:1\",\"site\":false}\n"
"{\"table\":5,\"service\":\"ldap-directory\",\"from\":[\"imp\"],\"to\":[\"directory\"],"
"\"bidirectional\":false,\"protocol\":\"LDAP\",\"transports\":[\"tcp\"],\"tls_required\":false,"
"\"ports\":[389,3268],\"port_configurable\":true,\"sport\":\"ephemeral\",\"scope\":\"wire\","
"\"apps\":[\"LDAP\",\"TLS\"],\"description\":\"LDAP\",\"note_ko\":\"\",\"note_ja\":\"\","
"\"source\":\"t.conf:2\",\"site\":false}\n"
"{\"table\":12,\"service\":\"snmp-trap-receiver\",\"from\":[\"imp\"],\"to\":[\"imp\"],"
"\"bidirectional\":false,\"protocol\":\"SNMP\",\"transports\":[\"udp\"],\"tls_required\":false,"
"\"ports\":[],\"port_configurable\":true,\"sport\":[61441],\"scope\":\"wire\","
"\"apps\":[\"any\"],\"description\":\"Trap receiver\",\"note_ko\":\"\",\"note_ja\":\"\","
"\"source\":\"t.conf:3\",\"site\":false}\n"
"{\"table\":17,\"service\":\"icmp-cucm\",\"from\":[\"imp\"],\"to\":[\"cucm\"],"
"\"bidirectional\":true,\"protocol\":\"ICMP\",\"transports\":[\"icmp\",\"icmpv6\"],\"tls_required\":false,"
"\"ports\":[],\"port_configurable\":false,\"sport\":[],\"scope\":\"wire\","
"\"apps\":[\"ICMP\",\"ICMPV6\"],\"description\":\"ICMP\",\"note_ko\":\"\",\"note_ja\":\"\","
"\"source\":\"t.conf:4\",\"site\":false}\n"
"{\"table\":31,\"service\":\"on-a-call\",\"from\":[\"imp\",\"cucm\"],\"to\":[\"imp-publisher\"],"
"\"bidirectional\":false,\"protocol\":\"TCP\",\"transports\":[\"tls\"],\"tls_required\":true,"
"\"port_min\":37240,\"port_max\":61000,\"ports\":[\"37240-61000\"],"
"\"port_configurable\":false,\"sport\":[\"54288-54292\",61441],\"scope\":\"localhost\","
"\"apps\":[],\"description\":\"Range\",\"note_ko\":\"\",\"note_ja\":\"\","
"\"source\":\"t.conf:5\",\"site\":false}\n");
	free(out);
	catalogue_free(c);
}

/* ------------------------------------------------ the built-in catalogue */

static struct catalogue *embedded(void)
{
	struct catalogue *c = catalogue_new();

	assert_non_null(c);
	assert_int_equal(catalogue_load_embedded(c, stderr), 0);
	assert_int_equal(catalogue_build(c, stderr), 0);
	return c;
}

static void test_embedded_tables(void **state)
{
	struct catalogue *c = embedded();
	unsigned seen[64] = { 0 };
	size_t i;
	int t;

	(void)state;
	for (i = 0; i < catalogue_count(c); i++) {
		const struct cat_row *r = catalogue_row(c, i);

		assert_string_equal(r->file, "rules/imp.conf (built in)");
		assert_true(r->line > 0);
		seen[r->table]++;
	}
	for (t = 2; t <= 34; t++)
		if (!seen[t])
			fail_msg("table %d has no row", t);
	/* The guide's tables only: site rows (table 0) belong to --rules-add. */
	assert_int_equal(seen[0], 0);
	catalogue_free(c);
}

/* True when the rows of m include table:service. */
static bool has_row(const struct catalogue *c, struct cat_match m,
		    unsigned table, const char *service, int scope)
{
	uint16_t i;

	for (i = 0; i < m.n; i++) {
		const struct cat_row *r = catalogue_row(c, m.rows[i]);

		if (r->table == table && strcmp(r->service, service) == 0 &&
		    (scope < 0 || r->scope == scope))
			return true;
	}
	return false;
}

static void test_embedded_samples(void **state)
{
	/* One lookup per table of the guide. */
	static const struct {
		uint8_t proto;
		uint16_t port;
		unsigned table;
		const char *service;
	} samples[] = {
		{ 17, 5060, 2, "sip-proxy" },       { 6, 5060, 2, "sip-proxy" },
		{ 6, 5061, 2, "sip-proxy-tls" },    { 6, 5080, 3, "presence-engine-sip" },
		{ 6, 8443, 4, "tomcat-admin" },     { 6, 3268, 5, "ldap-directory" },
		{ 6, 8600, 6, "config-agent-heartbeat" }, { 6, 7070, 7, "cert-manager" },
		{ 6, 1500, 8, "ids-db" },           { 17, 8500, 9, "ipsec-mgr" },
		{ 6, 4040, 10, "drf-master" },      { 6, 2555, 11, "risdc-server" },
		{ 17, 161, 12, "snmp-agent" },      { 17, 500, 13, "racoon-isakmp" },
		{ 6, 8889, 14, "servm" },           { 17, 53, 15, "dns" },
		{ 6, 22, 16, "ssh-sftp" },          { 1, 0, 17, "icmp-cucm" },
		{ 17, 123, 18, "ntp" },             { 17, 50020, 19, "exchange-notify" },
		{ 6, 5007, 20, "soap-monitor" },    { 6, 1099, 21, "amc-rmi-registry" },
		{ 6, 5222, 22, "xcp-client-access" }, { 6, 5432, 23, "ext-db-postgresql" },
		{ 17, 21999, 24, "srm-peer" },      { 6, 6603, 25, "imdb-presence-repl" },
		{ 6, 6606, 26, "imdb-route-sql" },  { 6, 6610, 27, "imdb-route-notify" },
		{ 6, 37239, 28, "intercluster-sync" }, { 58, 0, 29, "icmp-echo" },
		{ 6, 44000, 30, "call-config" },    { 6, 5070, 31, "on-a-call-presence" },
		{ 6, 7, 32, "mssql-config" },       { 6, 1433, 33, "persistent-chat-mssql" },
		{ 6, 22, 34, "mft-file-server-sftp" },
	};
	struct catalogue *c = embedded();
	struct cat_match m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		m = catalogue_lookup(c, samples[i].proto, samples[i].port);
		if (!has_row(c, m, samples[i].table, samples[i].service, -1))
			fail_msg("%u/%u: no row %u:%s", (unsigned)samples[i].proto,
				 (unsigned)samples[i].port, samples[i].table,
				 samples[i].service);
	}

	expect_lookup(c, 6, 5222, "22:xcp-client-access");
	expect_lookup(c, 17, 5060, "2:sip-proxy");

	m = catalogue_lookup(c, 6, 8443);
	assert_true(has_row(c, m, 4, "tomcat-axl", -1));
	assert_true(has_row(c, m, 30, "tomcat-admin", -1));
	for (i = 0; i < m.n; i++) {
		unsigned t = catalogue_row(c, m.rows[i])->table;

		assert_true(t == 4 || t == 30);
	}

	/* The guide says localhost in one table and between hosts in 30. */
	m = catalogue_lookup(c, 6, 1500);
	assert_true(has_row(c, m, 8, "ids-db", SCOPE_LOCALHOST));
	assert_true(has_row(c, m, 30, "ids-db", SCOPE_WIRE));
	m = catalogue_lookup(c, 17, 50000);
	assert_true(has_row(c, m, 3, "presence-engine-livebus", SCOPE_LOCALHOST));
	assert_true(has_row(c, m, 30, "presence-engine-livebus", SCOPE_WIRE));
	m = catalogue_lookup(c, 17, 21999);
	assert_true(has_row(c, m, 24, "srm-peer", -1));
	assert_true(has_row(c, m, 30, "srm-peer", -1));
	/* The Japanese 219999 is no port of any row. */
	for (i = 0; i < catalogue_count(c); i++) {
		const struct cat_row *r = catalogue_row(c, i);
		uint8_t k;

		for (k = 0; k < r->n_dport; k++)
			assert_true(r->dport[k].lo >= 1 && r->dport[k].lo <= r->dport[k].hi);
	}
	catalogue_free(c);
}

static void test_embedded_listener(void **state)
{
	struct catalogue *c = embedded();
	struct cat_hits h;
	struct cat_match m;

	(void)state;
	/* A sender in table 31's fixed range into 5070. */
	assert_int_equal(catalogue_listener(c, 6, 37240, 5070, &h), LISTENER_DST);
	m.rows = h.rows;
	m.n = h.n;
	assert_true(has_row(c, m, 31, "on-a-call-presence", -1));
	assert_int_equal(catalogue_listener(c, 6, 61000, 5070, &h), LISTENER_DST);
	m.n = h.n;
	assert_true(has_row(c, m, 31, "on-a-call-presence", -1));
	/* Outside it, only table 30's bidirectional row is left. */
	assert_int_equal(catalogue_listener(c, 6, 61001, 5070, &h), LISTENER_DST);
	m.n = h.n;
	assert_false(has_row(c, m, 31, "on-a-call-presence", -1));
	assert_true(has_row(c, m, 30, "on-a-call-presence", -1));
	/* The trap receiver: sender 61441 on UDP, to any port. */
	assert_int_equal(catalogue_listener(c, 17, 61441, 33333, &h), LISTENER_DST);
	m.n = h.n;
	assert_true(has_row(c, m, 12, "snmp-trap-receiver", -1));
	assert_int_equal(h.n, 1);
	assert_int_equal(catalogue_listener(c, 17, 33333, 61441, &h), LISTENER_SRC);
	m.n = h.n;
	assert_true(has_row(c, m, 12, "snmp-trap-receiver", -1));
	/* XMPP: the client's SYN, and the server's reply seen alone. */
	assert_int_equal(catalogue_listener(c, 6, 50123, 5222, &h), LISTENER_DST);
	m.n = h.n;
	assert_true(has_row(c, m, 22, "xcp-client-access", -1));
	assert_int_equal(catalogue_listener(c, 6, 5222, 50123, &h), LISTENER_SRC);
	/* ICMP and ICMPv6. */
	assert_int_equal(catalogue_listener(c, 1, 0, 0, &h), LISTENER_DST);
	assert_int_equal(catalogue_listener(c, 58, 0, 0, &h), LISTENER_DST);
	catalogue_free(c);
}

/* The built-in text prints and round-trips through the printer's fields. */
static void test_embedded_print(void **state)
{
	struct catalogue *c = embedded();
	char *out;
	size_t lines = 0;
	const char *p;

	(void)state;
	out = print_to_string(c, true);
	for (p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, catalogue_count(c));
	assert_non_null(strstr(out, "\"source\":\"rules/imp.conf (built in):"));
	free(out);
	out = print_to_string(c, false);
	lines = 0;
	for (p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, catalogue_count(c) + 1);
	free(out);
	catalogue_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_all_fields),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_line_ends),
		cmocka_unit_test(test_parse_bom),
		cmocka_unit_test(test_parse_longest_line),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_error_message_format),
		cmocka_unit_test(test_no_rows),
		cmocka_unit_test(test_too_many_rows),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_no_false_conflicts),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_override_site_twice),
		cmocka_unit_test(test_table0_is_site),
		cmocka_unit_test(test_override_from_file),
		cmocka_unit_test(test_plain_load_adds),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_load_unreadable),
		cmocka_unit_test(test_lookup_single_and_lists),
		cmocka_unit_test(test_lookup_ranges),
		cmocka_unit_test(test_lookup_icmp),
		cmocka_unit_test(test_lookup_no_copy),
		cmocka_unit_test(test_lookup_before_build),
		cmocka_unit_test(test_build_too_many_hits),
		cmocka_unit_test(test_listener),
		cmocka_unit_test(test_row_port_rules),
		cmocka_unit_test(test_index_matches_scan),
		cmocka_unit_test(test_apps_ids),
		cmocka_unit_test(test_apps_unresolved),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_print_table),
		cmocka_unit_test(test_print_json),
		cmocka_unit_test(test_embedded_tables),
		cmocka_unit_test(test_embedded_samples),
		cmocka_unit_test(test_embedded_listener),
		cmocka_unit_test(test_embedded_print),
		cmocka_unit_test(test_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
