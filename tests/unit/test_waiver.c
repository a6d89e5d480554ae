/*
 * test_waiver.c: the --waivers file (waiver.h): its strict parser, its
 * dates, and which finding flows a waiver covers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "catalogue.h"
#include "hosts.h"
#include "roles.h"
#include "verdict.h"
#include "waiver.h"

/* What a prefix length with a leading zero is told. */
#define LEADING_ZERO(len) "prefix length '" len "' has a leading zero"
/* And one past the longest. */
#define OUT_OF_RANGE(len, max) "prefix length /" len " out of range 0-" max

#define DAY_2026_06_01 20605   /* days from 1970-01-01 */

struct fx {
	struct catalogue *cat;
	struct hosts *hosts;
};

static int setup(void **state)
{
	static struct fx x;
	static const char inv[] =
		"cucm 192.0.2.1 cucm1\n"
		"imp-publisher 192.0.2.10 pub\n";

	x.cat = catalogue_new();
	if (!x.cat || catalogue_load_embedded(x.cat, stderr) != 0 ||
	    catalogue_build(x.cat, stderr) != 0)
		return -1;
	x.hosts = hosts_parse("t.hosts", inv, sizeof(inv) - 1, stderr);
	if (!x.hosts)
		return -1;
	*state = &x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	hosts_free(x->hosts);
	catalogue_free(x->cat);
	return 0;
}

/* Parse text as of DAY_2026_06_01; the error output ("" on success) in
   a static buffer, the waivers in *out. */
static const char *parse(struct fx *x, const char *text, bool hosts,
			 struct waivers **out)
{
	static char msg[4096];
	FILE *err = tmpfile();
	size_t n;

	assert_non_null(err);
	*out = waivers_parse("t.waivers", text, strlen(text), x->cat,
			     hosts ? x->hosts : NULL, DAY_2026_06_01, err);
	rewind(err);
	n = fread(msg, 1, sizeof(msg) - 1, err);
	msg[n] = '\0';
	fclose(err);
	return msg;
}

static struct ip_addr addr(const char *s)
{
	struct ip_addr a;
	uint8_t v4[4];

	memset(&a, 0, sizeof(a));
	assert_int_equal(inet_pton(AF_INET, s, v4), 1);
	a.b[10] = a.b[11] = 0xff;
	memcpy(a.b + 12, v4, 4);
	return a;
}

/* A finding record: client c:cport to server s:sport over proto, with
   findings (bits of enum verdict) and the verdict of lowest rank. */
static struct flow_record rec(struct fx *x, uint8_t proto, const char *c,
			      uint16_t cport, const char *s, uint16_t sport,
			      unsigned findings)
{
	struct flow_record r;

	memset(&r, 0, sizeof(r));
	r.key.a = addr(c);
	r.key.b = addr(s);
	r.key.pa = cport;
	r.key.pb = sport;
	r.key.proto = proto;
	r.key.family = 4;
	r.server_is_b = 1;
	r.on_wire = 1;
	r.findings = (uint8_t)findings;
	r.verdict = (uint8_t)verdict_of_findings(findings, V_DOCUMENTED);
	r.client_host = hosts_lookup(x->hosts, &r.key.a);
	r.server_host = hosts_lookup(x->hosts, &r.key.b);
	return r;
}

/* Calendar dates, leap years, and what is not a date. */
static void test_dates(void **state)
{
	int32_t d;

	(void)state;
	assert_true(waiver_date("1970-01-01", 10, &d));
	assert_int_equal(d, 0);
	assert_true(waiver_date("2026-06-01", 10, &d));
	assert_int_equal(d, DAY_2026_06_01);
	assert_true(waiver_date("2000-02-29", 10, &d));
	assert_int_equal(d, 11016);
	assert_true(waiver_date("2024-02-29", 10, &d));
	assert_false(waiver_date("2100-02-29", 10, &d));
	assert_false(waiver_date("2026-02-29", 10, &d));
	assert_false(waiver_date("2026-04-31", 10, &d));
	assert_false(waiver_date("2026-13-01", 10, &d));
	assert_false(waiver_date("2026-00-10", 10, &d));
	assert_false(waiver_date("1969-12-31", 10, &d));
	assert_false(waiver_date("2026-6-01", 9, &d));
	assert_false(waiver_date("2026/06/01", 10, &d));
	assert_false(waiver_date("2026-06-0x", 10, &d));
	assert_true(waiver_date("9999-12-31", 10, &d));
}

/* Every form of WHAT; comments, blank lines and CRLF; past dates are
   expired, not errors. */
static void test_parse_good(void **state)
{
	struct fx *x = *state;
	struct waivers *w;
	const struct waiver *v;
	const char *msg = parse(x,
		"# WHAT | UNTIL | TICKET\n"
		"\n"
		"cleartext tcp/5061 | 2026-12-31 | CHG-1001\n"
		"tcp/8000-8100 192.0.2.0/24 -> any | 2026-06-01 | INC#7\r\n"
		"row 4 tomcat-axl cucm -> imp | 2026-05-31 | CHG-9\n"
		"  icmp   |2027-01-01|  a.b_c:d/e-f  \n", true, &w);

	assert_string_equal(msg, "");
	assert_non_null(w);
	assert_int_equal(waivers_count(w), 4);
	v = waivers_get(w, 0);
	assert_int_equal(v->line, 3);
	assert_int_equal(v->finding, V_CLEARTEXT + 1);
	assert_int_equal(v->proto, 6);
	assert_int_equal(v->port_lo, 5061);
	assert_int_equal(v->port_hi, 5061);
	assert_string_equal(v->ticket, "CHG-1001");
	assert_string_equal(v->until, "2026-12-31");
	assert_string_equal(v->what, "cleartext tcp/5061");
	assert_false(waiver_expired(w, v));
	v = waivers_get(w, 1);
	assert_int_equal(v->finding, 0);
	assert_int_equal(v->port_lo, 8000);
	assert_int_equal(v->port_hi, 8100);
	assert_int_equal(v->client.kind, WE_NET);
	assert_int_equal(v->client.prefix, 96 + 24);
	assert_int_equal(v->server.kind, WE_ANY);
	assert_false(waiver_expired(w, v));     /* through its last day */
	v = waivers_get(w, 2);
	assert_string_equal(v->service, "tomcat-axl");
	assert_int_equal(v->table, 4);
	assert_int_equal(v->client.kind, WE_ROLE);
	assert_int_equal(v->client.roles, UINT32_C(1) << ROLE_CUCM);
	assert_true(waiver_expired(w, v));
	v = waivers_get(w, 3);
	assert_int_equal(v->proto, 1);
	assert_string_equal(v->ticket, "a.b_c:d/e-f");
	assert_null(waivers_get(w, 4));
	waivers_free(w);

	/* The same flows under two tickets, each with its date. */
	msg = parse(x, "tcp/5061 | 2027-06-30 | A\ntcp/5061 | 2026-12-31 | B\n",
		    false, &w);
	assert_string_equal(msg, "");
	assert_int_equal(waivers_count(w), 2);
	waivers_free(w);

	/* No waiver at all is a list of none. */
	msg = parse(x, "# nothing waived yet\n", false, &w);
	assert_string_equal(msg, "");
	assert_int_equal(waivers_count(w), 0);
	waivers_free(w);
}

/* Each mistake: FILE:LINE: reason and the line, nothing loaded. */
static void test_parse_bad(void **state)
{
	static const struct { const char *text; bool hosts; const char *msg; } c[] = {
		{ "tcp/5061 | 2026-12-31\n", false,
		  "t.waivers:1: expected 3 fields: WHAT | UNTIL | TICKET\n"
		  "  tcp/5061 | 2026-12-31\n" },
		{ "# ok\ntcp/5061 | 2026-12-31 | A | B\n", false,
		  "t.waivers:2: more than 3 fields" },
		{ "tcp | 2026-12-31 | A\n", false, "'tcp' needs its port: tcp/PORT" },
		{ "sctp/5 | 2026-12-31 | A\n", false, "unknown flows 'sctp/5'" },
		{ "tcp/65536 | 2026-12-31 | A\n", false, "bad port '65536'" },
		{ "tcp/9-8 | 2026-12-31 | A\n", false, "bad port '9-8'" },
		{ "icmp/8 | 2026-12-31 | A\n", false, "icmp has no port" },
		{ "documented tcp/5061 | 2026-12-31 | A\n", false,
		  "'documented' is no finding (findings: cleartext, "
		  "undocumented, local-only, protocol-mismatch, "
		  "role-violation, untrusted-tunnel, icmp-tunnel)" },
		/* A finding misspelt is told as one, with the findings
		   (it read "unknown flows 'undocumnted' (valid: tcp/PORT,
		   ...)", as if the flows were wrong). */
		{ "undocumnted udp/9999 | 2026-12-31 | A\n", false,
		  "'undocumnted' is neither a finding (cleartext, "
		  "undocumented, local-only, protocol-mismatch, "
		  "role-violation, untrusted-tunnel, icmp-tunnel) nor flows "
		  "(tcp/PORT" },
		{ "icmp_tunnel icmp | 2026-12-31 | A\n", false,
		  "'icmp_tunnel' is neither a finding (" },
		{ "cleartext row 2 sip-proxy-tls | 2026-12-31 | A\n"
		  "clear row 2 sip-proxy-tls | 2026-12-31 | A\n", false,
		  "t.waivers:2: 'clear' is neither a finding (" },
		{ "cleartext | 2026-12-31 | A\n", false, "no flows after the finding" },
		{ "row 4 tomcat | 2026-12-31 | A\n", false,
		  "no catalogue row 'table 4 tomcat'" },
		{ "row 99 x | 2026-12-31 | A\n", false, "bad table '99' (0-63)" },
		{ "row 4 | 2026-12-31 | A\n", false, "a row waiver is 'row TABLE SERVICE'" },
		{ "tcp/5061 cucm | 2026-12-31 | A\n", true,
		  "after the flows, only 'CLIENT -> SERVER'" },
		{ "tcp/5061 a => b | 2026-12-31 | A\n", true,
		  "after the flows, only 'CLIENT -> SERVER'" },
		{ "tcp/5061 cucm -> imp | 2026-12-31 | A\n", false,
		  "role 'cucm' needs an inventory (--hosts)" },
		{ "tcp/5061 nobody -> any | 2026-12-31 | A\n", true,
		  "'nobody' is neither 'any', an address nor a role" },
		{ "tcp/5061 192.0.2.1/24 -> any | 2026-12-31 | A\n", true,
		  "host bits set in 192.0.2.1/24" },
		/* Written right, but no day of the calendar: told why. */
		{ "tcp/5061 | 2026-02-29 | A\n", false,
		  "'2026-02-29' is not a date (YYYY-MM-DD): 2026 is no leap "
		  "year\n" },
		{ "tcp/5061 | 2024-02-30 | A\n", false,
		  "(YYYY-MM-DD): February 2024 has 29 days\n" },
		{ "tcp/5061 | 2026-04-31 | A\n", false,
		  "(YYYY-MM-DD): April 2026 has 30 days\n" },
		{ "tcp/5061 | 2026-13-01 | A\n", false,
		  "(YYYY-MM-DD): months run from 01 to 12\n" },
		{ "tcp/5061 | 2026-01-00 | A\n", false,
		  "(YYYY-MM-DD): days run from 01\n" },
		{ "tcp/5061 | 1969-12-31 | A\n", false,
		  "(YYYY-MM-DD): dates start at 1970-01-01\n" },
		{ "tcp/5061 | 2026-6-1 | A\n", false,
		  "'2026-6-1' is not a date (YYYY-MM-DD)\n" },
		{ "tcp/5061 | 31/12/2026 | A\n", false, "is not a date" },
		/* The same waiver twice, however written, as the catalogue
		   and the inventory refuse a line twice. */
		{ "tcp/5061 | 2026-12-31 | A\n# again\n"
		  "tcp/5061  any -> any | 2026-12-31 | A\n", false,
		  "t.waivers:3: duplicates line 1\n" },
		{ "row 4 tomcat-admin 192.0.2.0/24 -> imp | 2026-12-31 | A\n"
		  "row 4 tomcat-admin 192.0.2.0/24 -> imp | 2026-12-31 | A\n",
		  true, "t.waivers:2: duplicates line 1\n" },
		/* The same ticket for the same flows with another date: a
		   line meant to replace one left beside it. */
		{ "tcp/5061 | 2027-06-30 | A\n"
		  "tcp/5061 any -> any | 2026-12-31 | A\n", false,
		  "t.waivers:2: conflicts with line 1: until 2027-06-30 there, "
		  "2026-12-31 here (one date for a ticket's flows)\n" },
		{ "tcp/5061 | 2026-12-31 | CHG 1\n", false, "bad ticket 'CHG 1'" },
		{ "tcp/5061 | 2026-12-31 | \n", false, "bad ticket ''" },
		{ " | 2026-12-31 | A\n", false, "no flows before the first '|'" },
		{ "tcp/5061 | 2026-12-31 | A\001\n", false, "control" },
	};
	struct fx *x = *state;
	struct waivers *w;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *msg = parse(x, c[i].text, c[i].hosts, &w);

		if (!strstr(msg, c[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, msg, c[i].msg);
		assert_null(w);
	}
}

/* A waiver's ends take the lengths an inventory takes, at each end of
   both families: a leading zero is refused ("/0" alone is zero), as
   some tools read "024" as octal. */
static void test_prefix_lengths(void **state)
{
	static const struct {
		const char *end, *err;  /* err NULL: accepted */
		uint8_t prefix;         /* IPv4 as 96 + n */
	} c[] = {
		{ "0.0.0.0/0", NULL, 96 },
		{ "0.0.0.0/00", LEADING_ZERO("00"), 0 },
		{ "192.0.2.0/024", LEADING_ZERO("024"), 0 },
		{ "192.0.2.0/0024", LEADING_ZERO("0024"), 0 },
		{ "192.0.2.0/32", NULL, 128 },
		{ "192.0.2.0/33", OUT_OF_RANGE("33", "32"), 0 },
		{ "::/0", NULL, 0 },
		{ "2001:db8::/128", NULL, 128 },
		{ "2001:db8::/129", OUT_OF_RANGE("129", "128"), 0 },
		{ "2001:db8::/0128", LEADING_ZERO("0128"), 0 },
	};
	struct fx *x = *state;
	char text[128], want[256];
	struct waivers *w;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *msg;

		snprintf(text, sizeof(text), "tcp/5061 any -> %s | 2026-12-31 "
			 "| A\n", c[i].end);
		msg = parse(x, text, false, &w);
		if (c[i].err) {
			snprintf(want, sizeof(want), "t.waivers:1: %s\n",
				 c[i].err);
			if (!strstr(msg, want))
				fail_msg("%s: '%s' lacks '%s'", c[i].end, msg,
					 want);
			assert_null(w);
			continue;
		}
		assert_string_equal(msg, "");
		assert_int_equal(waivers_get(w, 0)->server.kind, WE_NET);
		assert_int_equal(waivers_get(w, 0)->server.prefix,
				 c[i].prefix);
		waivers_free(w);
	}
}

/* Which flows a waiver covers: transport and port, the finding named,
   client and server by network or role, a catalogue row; an expired
   waiver counts what it matched and waives nothing; a flow is waived
   only when every finding is covered. */
static void test_apply(void **state)
{
	struct fx *x = *state;
	struct waivers *w;
	struct flow_record r;
	const char *msg = parse(x,
		"cleartext tcp/5061 | 2026-12-31 | CT\n"             /* 0 */
		"tcp/7070 192.0.2.0/24 -> any | 2026-12-31 | NET\n" /* 1 */
		"row 4 tomcat-axl cucm -> imp | 2026-12-31 | ROW\n"  /* 2 */
		"udp/9999 | 2026-05-31 | OLD\n"                      /* 3 */
		"udp/1-100 | 2026-12-31 | NONE\n", true, &w);        /* 4 */

	assert_string_equal(msg, "");

	/* Cleartext on 5061: waived by the first. */
	r = rec(x, 6, "198.51.100.7", 40000, "192.0.2.10", 5061,
		1u << V_CLEARTEXT);
	waivers_apply(w, x->cat, &r, true);
	assert_ptr_equal(r.waiver, waivers_get(w, 0));
	assert_true(r.waived);
	/* A role violation there too: the cleartext waiver leaves it. */
	r = rec(x, 6, "198.51.100.7", 40001, "192.0.2.10", 5061,
		(1u << V_CLEARTEXT) | (1u << V_ROLE_VIOLATION));
	waivers_apply(w, x->cat, &r, true);
	assert_ptr_equal(r.waiver, waivers_get(w, 0));
	assert_false(r.waived);
	/* Another finding on 5061 alone: not that waiver's. */
	r = rec(x, 6, "198.51.100.7", 40002, "192.0.2.10", 5061,
		1u << V_ROLE_VIOLATION);
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	assert_false(r.waived);

	/* 7070 from the network, any finding; from elsewhere, none. */
	r = rec(x, 6, "192.0.2.99", 40003, "192.0.2.10", 7070,
		(1u << V_LOCAL_ONLY) | (1u << V_PROTOCOL_MISMATCH));
	waivers_apply(w, x->cat, &r, true);
	assert_true(r.waived);
	r = rec(x, 6, "203.0.113.5", 40004, "192.0.2.10", 7070,
		1u << V_LOCAL_ONLY);
	waivers_apply(w, x->cat, &r, true);
	assert_false(r.waived);
	/* udp/7070 is not tcp/7070. */
	r = rec(x, 17, "192.0.2.99", 40005, "192.0.2.10", 7070,
		1u << V_UNDOCUMENTED);
	waivers_apply(w, x->cat, &r, true);
	assert_false(r.waived);

	/* The row between its roles: CUCM to the publisher on 8443. */
	r = rec(x, 6, "192.0.2.1", 40006, "192.0.2.10", 8443,
		1u << V_CLEARTEXT);
	waivers_apply(w, x->cat, &r, true);
	assert_ptr_equal(r.waiver, waivers_get(w, 2));
	assert_true(r.waived);
	/* The same port from a host that is no CUCM. */
	r = rec(x, 6, "198.51.100.7", 40007, "192.0.2.10", 8443,
		1u << V_CLEARTEXT);
	waivers_apply(w, x->cat, &r, true);
	assert_false(r.waived);

	/* Expired: counted, not waived. */
	r = rec(x, 17, "198.51.100.7", 40008, "192.0.2.10", 9999,
		1u << V_UNDOCUMENTED);
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	assert_false(r.waived);

	/* A flow that is no finding is left alone and counted nowhere. */
	r = rec(x, 17, "198.51.100.7", 40009, "192.0.2.10", 53, 0);
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	/* Not counted when asked not to (an alert). */
	r = rec(x, 6, "198.51.100.7", 40010, "192.0.2.10", 5061,
		1u << V_CLEARTEXT);
	waivers_apply(w, x->cat, &r, false);
	assert_true(r.waived);

	assert_int_equal(waivers_get(w, 0)->flows, 2);
	assert_int_equal(waivers_get(w, 1)->flows, 1);
	assert_int_equal(waivers_get(w, 2)->flows, 1);
	assert_int_equal(waivers_get(w, 3)->flows, 1);
	assert_true(waiver_expired(w, waivers_get(w, 3)));
	assert_int_equal(waivers_get(w, 4)->flows, 0);
	waivers_free(w);
	waivers_apply(NULL, x->cat, &r, true);
	assert_null(r.waiver);
}

/* A flow whose sender named itself the server (its own lower port, its
   own documented port, a lone SYN-ACK): a waiver covers it only read
   either way, as it reads and as it was sent. Whoever sends from 9999
   to a higher port is not covered by a waiver of udp/9999. */
static void test_sender_named_server(void **state)
{
	struct fx *x = *state;
	struct waivers *w;
	struct flow_record r;
	const char *msg = parse(x,
		"undocumented udp/9999 | 2026-12-31 | PORT\n"      /* 0 */
		"row 2 sip-proxy | 2026-12-31 | ROW\n", false, &w);  /* 1 */

	assert_string_equal(msg, "");
	/* From 9999 to 20000: the server by its lower port, the sender. */
	r = rec(x, 17, "192.0.2.10", 20000, "203.0.113.66", 9999,
		1u << V_UNDOCUMENTED);
	r.basis = BASIS_LOWER_PORT;
	r.server_first = 1;
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	assert_false(r.waived);
	/* The same from 20000 to 9999: the port it was sent to. */
	r.server_first = 0;
	waivers_apply(w, x->cat, &r, true);
	assert_ptr_equal(r.waiver, waivers_get(w, 0));
	assert_true(r.waived);
	/* A SYN decided it, whoever sent first. */
	r.basis = BASIS_SYN;
	r.server_first = 1;
	waivers_apply(w, x->cat, &r, true);
	assert_true(r.waived);
	/* A lone SYN-ACK from 9999. */
	r.basis = BASIS_SYNACK;
	waivers_apply(w, x->cat, &r, true);
	assert_false(r.waived);

	/* From the documented 5060 to 20000, its claim believed: the row
	   waiver covers the flow sent to 5060 only. */
	r = rec(x, 17, "198.51.100.7", 20000, "192.0.2.10", 5060,
		1u << V_PROTOCOL_MISMATCH);
	r.basis = BASIS_CATALOGUE;
	waivers_apply(w, x->cat, &r, true);
	assert_ptr_equal(r.waiver, waivers_get(w, 1));
	r.server_first = 1;
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	waivers_free(w);

	/* A waiver of both ports and both ends covers it either way; one
	   of the server's end alone does not. */
	msg = parse(x, "udp/9999-20000 | 2026-12-31 | BOTH\n"
		    "udp/9999-20000 any -> 203.0.113.66 | 2026-12-31 | END\n",
		    false, &w);
	assert_string_equal(msg, "");
	r = rec(x, 17, "192.0.2.10", 20000, "203.0.113.66", 9999,
		1u << V_UNDOCUMENTED);
	r.basis = BASIS_LOWER_PORT;
	r.server_first = 1;
	waivers_apply(w, x->cat, &r, true);
	assert_ptr_equal(r.waiver, waivers_get(w, 0));
	assert_true(r.waived);
	assert_int_equal(waivers_get(w, 1)->flows, 0);
	waivers_free(w);

	/* An echo reply first: its sender is the server by its own word
	   (ICMP tunnels send replies nobody asked for). A waiver of the
	   publisher's pings out does not cover replies sent to it. */
	msg = parse(x, "icmp 192.0.2.10 -> any | 2026-12-31 | PING\n", false,
		    &w);
	assert_string_equal(msg, "");
	r = rec(x, 1, "192.0.2.10", 0, "203.0.113.66", 0,
		1u << V_ROLE_VIOLATION);
	r.basis = BASIS_FIRST_PACKET;
	waivers_apply(w, x->cat, &r, true);
	assert_true(r.waived);
	r.server_first = 1;
	waivers_apply(w, x->cat, &r, true);
	assert_false(r.waived);
	waivers_free(w);
}

/* An IPv6 header's ::ffff:a.b.c.d is held as IPv4 is, yet it is no
   IPv4 host's (RFC 4291 2.5.5.2 keeps it off the wire): no network of
   the file holds it, and the inventory gives it no role. */
static void test_mapped_in_ipv6(void **state)
{
	struct fx *x = *state;
	struct waivers *w;
	struct flow_record r;
	const char *msg = parse(x,
		"tcp/5061 192.0.2.0/24 -> any | 2026-12-31 | NET\n"
		"tcp/5061 any -> ::ffff:0:0/96 | 2026-12-31 | MAPPED\n"
		"tcp/5061 cucm -> any | 2026-12-31 | ROLE\n"
		"tcp/5062 ::ffff:192.0.2.0/120 -> any | 2026-12-31 | NET6\n", true, &w);

	assert_string_equal(msg, "");
	r = rec(x, 6, "192.0.2.1", 40000, "198.51.100.7", 5061,
		1u << V_CLEARTEXT);
	waivers_apply(w, x->cat, &r, true);
	assert_ptr_equal(r.waiver, waivers_get(w, 0));
	assert_true(r.waived);
	r.key.family = 6;
	r.client_host = hosts_lookup_ip(x->hosts, &r.key.a, 6);
	assert_int_equal(r.client_host.roles, 0);
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	assert_false(r.waived);
	/* ::ffff:192.0.2.0/120 is 192.0.2.0/24 written the IPv6 way: it
	   holds an IPv4 client, not an IPv6 header's mapped one. */
	r = rec(x, 6, "192.0.2.1", 40000, "198.51.100.7", 5062,
		1u << V_CLEARTEXT);
	waivers_apply(w, x->cat, &r, true);
	assert_ptr_equal(r.waiver, waivers_get(w, 3));
	r = rec(x, 6, "192.0.2.1", 40000, "198.51.100.7", 5062,
		1u << V_CLEARTEXT);
	r.key.family = 6;
	r.client_host = hosts_lookup_ip(x->hosts, &r.key.a, 6);
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	waivers_free(w);
}

/* A flow seen after a waiver's last day is not waived, whatever the
   clock of the run says; one seen through that day is. */
static void test_day_seen(void **state)
{
	struct fx *x = *state;
	struct waivers *w;
	struct flow_record r;
	const char *msg = parse(x, "tcp/5061 | 2026-06-01 | LAST\n", false,
				&w);
	const uint64_t day_us = UINT64_C(86400) * 1000000;

	assert_string_equal(msg, "");
	assert_int_equal(waivers_day_of(DAY_2026_06_01 * day_us),
			 DAY_2026_06_01);
	r = rec(x, 6, "198.51.100.7", 40000, "192.0.2.10", 5061,
		1u << V_CLEARTEXT);
	r.last_us = (DAY_2026_06_01 + 1) * day_us - 1;
	waivers_apply(w, x->cat, &r, true);
	assert_true(r.waived);
	r.last_us += 1;
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	assert_false(r.waived);
	/* The run's day stays: the next flow of that day is waived. */
	assert_false(waiver_expired(w, waivers_get(w, 0)));
	r.last_us -= 1;
	waivers_apply(w, x->cat, &r, true);
	assert_true(r.waived);
	waivers_free(w);
}

/* A sensor runs for months: the day it was started is not the day it
   judges a flow by. Past the waiver's last day it waives nothing, and a
   clock set back does not bring it back. */
static void test_day_moves_on(void **state)
{
	struct fx *x = *state;
	struct waivers *w;
	struct flow_record r;
	const char *msg = parse(x, "tcp/5061 | 2026-06-01 | LAST\n", false,
				&w);

	assert_string_equal(msg, "");
	r = rec(x, 6, "198.51.100.7", 40000, "192.0.2.10", 5061,
		1u << V_CLEARTEXT);
	waivers_apply(w, x->cat, &r, true);
	assert_true(r.waived);
	assert_false(waiver_expired(w, waivers_get(w, 0)));

	waivers_set_today(w, DAY_2026_06_01 + 1);
	r = rec(x, 6, "198.51.100.7", 40001, "192.0.2.10", 5061,
		1u << V_CLEARTEXT);
	waivers_apply(w, x->cat, &r, true);
	assert_null(r.waiver);
	assert_false(r.waived);
	assert_true(waiver_expired(w, waivers_get(w, 0)));

	waivers_set_today(w, DAY_2026_06_01);
	waivers_apply(w, x->cat, &r, true);
	assert_false(r.waived);
	assert_true(waiver_expired(w, waivers_get(w, 0)));
	assert_int_equal(waivers_get(w, 0)->flows, 3);
	waivers_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_prefix_lengths),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_sender_named_server),
		cmocka_unit_test(test_mapped_in_ipv6),
		cmocka_unit_test(test_day_seen),
		cmocka_unit_test(test_day_moves_on),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
