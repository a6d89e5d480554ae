/*
 * test_talk.c: who talks to whom (talk.h) and the HTML escaping
 * (html.h): flows summed per client, server and verdict, services past
 * TALK_PORTS counted, entries past TALK_MAX_PAIRS counted as not kept
 * (a sweep bounds the memory), the order two runs draw; every character
 * HTML gives a meaning to escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "graph.h"
#include "html.h"
#include "talk.h"
#include "verdict.h"

/* A record from 10.0.0.c to 10.1.(s >> 8).(s & 255), TCP to port,
   bytes long, in IPv4. */
static struct flow_record rec(uint8_t c, uint32_t s, uint16_t port,
			      enum verdict v, uint64_t bytes)
{
	struct flow_record r;

	memset(&r, 0, sizeof(r));
	r.key.a.b[10] = r.key.a.b[11] = 0xff;
	r.key.a.b[12] = 10;
	r.key.a.b[15] = c;
	r.key.b.b[10] = r.key.b.b[11] = 0xff;
	r.key.b.b[12] = 10;
	r.key.b.b[13] = 1;
	r.key.b.b[14] = (uint8_t)(s >> 8);
	r.key.b.b[15] = (uint8_t)s;
	r.key.pa = 40000;
	r.key.pb = port;
	r.key.proto = 6;
	r.key.family = 4;
	r.server_is_b = 1;
	r.verdict = (uint8_t)v;
	r.pkts[REC_C2S] = 1;
	r.bytes[REC_C2S] = bytes;
	r.first_us = 1000000u + s;
	r.last_us = 2000000u + s;
	r.client_host.name = "";
	r.server_host.name = "";
	return r;
}

/* One entry per (client, server, verdict); its services, then a count
   of the others. */
static void test_sums(void **state)
{
	struct talk *t = talk_new(42);
	const struct talk_edge **e;
	struct flow_record r;
	struct talk_totals tt;
	size_t n;
	uint16_t p;

	(void)state;
	assert_non_null(t);
	for (p = 1; p <= TALK_PORTS + 3; p++) {
		r = rec(1, 2, p, V_UNDOCUMENTED, 100);
		talk_add(t, &r);
	}
	r = rec(1, 2, 1, V_UNDOCUMENTED, 100);
	talk_add(t, &r);
	r = rec(1, 2, 5061, V_DOCUMENTED, 5000);
	talk_add(t, &r);
	e = talk_sorted(t, &n);
	assert_int_equal(n, 2);
	/* Most bytes first. */
	assert_int_equal(e[0]->verdict, V_DOCUMENTED);
	assert_int_equal(e[1]->flows, TALK_PORTS + 4);
	assert_int_equal(e[1]->bytes, 100 * (TALK_PORTS + 4));
	assert_int_equal(e[1]->nports, TALK_PORTS);
	assert_int_equal(e[1]->port[0].port, 1);
	assert_int_equal(e[1]->port[0].flows, 2);
	assert_int_equal(e[1]->more_flows, 3);
	assert_int_equal(e[1]->more_bytes, 300);
	talk_totals(t, &tt);
	assert_int_equal(tt.flows, TALK_PORTS + 5);
	assert_int_equal(tt.lost_flows, 0);
	assert_int_equal(tt.first_us, 1000002u);
	assert_int_equal(tt.last_us, 2000002u);
	free(e);
	talk_free(t);
}

/* The services kept do not depend on the order the flows ended in:
   the first in port order, with all their flows; the rest counted. */
static void test_port_order(void **state)
{
	struct talk *up = talk_new(1), *down = talk_new(1);
	const struct talk_edge **a, **b;
	struct flow_record r;
	size_t na, nb;
	uint16_t p;
	uint8_t i;

	(void)state;
	for (p = 1; p <= 20; p++) {
		r = rec(1, 2, p, V_UNDOCUMENTED, p);
		talk_add(up, &r);
		r = rec(1, 2, (uint16_t)(21 - p), V_UNDOCUMENTED, 21u - p);
		talk_add(down, &r);
		/* Port 3 again, after it would have been put out. */
		if (p == 10) {
			r = rec(1, 2, 3, V_UNDOCUMENTED, 3);
			talk_add(up, &r);
			talk_add(down, &r);
		}
	}
	a = talk_sorted(up, &na);
	b = talk_sorted(down, &nb);
	assert_int_equal(na, 1);
	assert_int_equal(nb, 1);
	assert_int_equal(a[0]->nports, TALK_PORTS);
	for (i = 0; i < TALK_PORTS; i++) {
		const struct talk_port *x = &a[0]->port[i], *y;
		uint8_t k;

		for (k = 0; k < TALK_PORTS && b[0]->port[k].port != x->port; k++)
			;
		assert_true(k < TALK_PORTS);
		y = &b[0]->port[k];
		assert_true(x->port <= TALK_PORTS);
		assert_int_equal(x->flows, y->flows);
		assert_int_equal(x->bytes, y->bytes);
		assert_int_equal(x->flows, x->port == 3 ? 2 : 1);
	}
	assert_int_equal(a[0]->more_flows, 20 - TALK_PORTS);
	assert_int_equal(b[0]->more_flows, 20 - TALK_PORTS);
	assert_int_equal(a[0]->more_bytes, b[0]->more_bytes);
	free(a);
	free(b);
	talk_free(up);
	talk_free(down);
}

/* A sweep past the table's bound: every flow counted, the entries past
   it counted as not kept, and the table no larger. */
static void test_bound(void **state)
{
	struct talk *t = talk_new(7);
	const struct talk_edge **e;
	struct flow_record r;
	struct talk_totals tt;
	uint32_t i, extra = 1000;
	size_t n;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < TALK_MAX_PAIRS + extra; i++) {
		r = rec((uint8_t)(i >> 16), i & 0xffff, 22, V_UNDOCUMENTED, 60);
		talk_add(t, &r);
	}
	/* An entry already kept still counts past the bound. */
	r = rec(0, 0, 22, V_UNDOCUMENTED, 60);
	talk_add(t, &r);
	talk_totals(t, &tt);
	assert_int_equal(tt.flows, TALK_MAX_PAIRS + extra + 1);
	assert_int_equal(tt.lost_flows, extra);
	assert_int_equal(tt.lost_bytes, 60 * extra);
	e = talk_sorted(t, &n);
	assert_int_equal(n, TALK_MAX_PAIRS);
	assert_int_equal(e[0]->flows, 2);
	free(e);
	talk_free(t);
}

/* Two tables of different seeds sort the same entries the same way. */
static void test_order(void **state)
{
	struct talk *a = talk_new(1), *b = talk_new(2);
	const struct talk_edge **ea, **eb;
	struct flow_record r;
	size_t na, nb, i;

	(void)state;
	for (i = 0; i < 500; i++) {
		r = rec((uint8_t)(i % 7), (uint32_t)i, 80, (enum verdict)(i % 2),
			i % 3 ? 100 : 200);
		talk_add(a, &r);
		talk_add(b, &r);
	}
	ea = talk_sorted(a, &na);
	eb = talk_sorted(b, &nb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_memory_equal(&ea[i]->client, &eb[i]->client, sizeof(ea[i]->client));
		assert_memory_equal(&ea[i]->server, &eb[i]->server, sizeof(ea[i]->server));
		assert_int_equal(ea[i]->verdict, eb[i]->verdict);
		if (i)
			assert_true(ea[i - 1]->bytes >= ea[i]->bytes);
	}
	free(ea);
	free(eb);
	talk_free(a);
	talk_free(b);
}

/* html_escape() of s, as a string. */
static char *escaped(const char *s)
{
	static char buf[512];
	FILE *f;

	memset(buf, 0, sizeof(buf));
	f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	html_escape(f, s);
	fclose(f);
	return buf;
}

static void test_escape(void **state)
{
	(void)state;
	assert_string_equal(escaped("<script>alert('x')</script>"),
			    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	assert_string_equal(escaped("a&b \"q\""), "a&amp;b &quot;q&quot;");
	assert_string_equal(escaped("&amp;"), "&amp;amp;");
	assert_string_equal(escaped("tab\there\nCR\r\x7f"),
			    "tab&#xfffd;here&#xfffd;CR&#xfffd;&#xfffd;");
	assert_string_equal(escaped("imp-pub 192.0.2.10 \xc3\xa9"),
			    "imp-pub 192.0.2.10 \xc3\xa9");
	assert_string_equal(escaped(""), "");
	/* Bidirectional controls, which would turn the text after them
	   around (U+202E, U+2067, U+200F, U+061C); U+202F and U+2065, beside
	   them, are no such control. */
	assert_string_equal(escaped("a" "\xe2\x80\xae" "b" "\xe2\x81\xa7" "c"
				    "\xe2\x80\x8f" "d" "\xd8\x9c"),
			    "a&#xfffd;b&#xfffd;c&#xfffd;d&#xfffd;");
	assert_string_equal(escaped("\xe2\x80\xaf\xe2\x81\xa5\xd8\x9b"),
			    "\xe2\x80\xaf\xe2\x81\xa5\xd8\x9b");
}

/* t's graph, its DOT text in dot (size bytes, NUL-terminated). */
static struct graph *dot_of(struct talk *t, char *dot, size_t size)
{
	struct graph *g = graph_new(t, NULL, true);
	FILE *f;

	assert_non_null(g);
	memset(dot, 0, size);
	f = fmemopen(dot, size - 1, "w");
	assert_non_null(f);
	assert_int_equal(graph_write_dot(g, f), 0);
	fclose(f);
	return g;
}

/* A name Graphviz would read as markup or as an escape is drawn as
   written: escaped in the SVG, \N not the node's name; in the DOT,
   quoted. */
static void test_graph_escapes(void **state)
{
	static const char evil[] = "<b>x</b>&\\N\"";
	struct talk *t = talk_new(3);
	struct flow_record r = rec(1, 2, 9999, V_UNDOCUMENTED, 100);
	struct graph *g;
	char *svg, dot[4096], why[GRAPH_WHY_MAX];

	(void)state;
	r.client_host.name = evil;
	r.client_host.prefix = 128;
	r.client_host.roles = 1;
	talk_add(t, &r);
	g = dot_of(t, dot, sizeof(dot));
	assert_non_null(strstr(dot, "label=\"<b>x</b>&\\\\N\\\"\\n10.0.0.1\""));
	svg = graph_svg(g, why, sizeof(why));
	assert_non_null(svg);
	assert_string_equal(why, "");
	assert_true(strncmp(svg, "<svg", 4) == 0);
	assert_null(strstr(svg, "<b>"));
	assert_non_null(strstr(svg, "&lt;b&gt;x&lt;/b&gt;&amp;\\N&quot;</text>"));
	assert_non_null(strstr(svg, "class=\"edge finding\""));
	free(svg);
	graph_free(g);
	talk_free(t);
}

/* The same addresses from an IPv6 header (::ffff:10.0.0.1, held as
   IPv4's 10.0.0.1 is) are other hosts: an edge and nodes of their own,
   drawn as IPv6 text. They were one entry, then one node, drawn as the
   IPv4 host, its inventory name and all. */
static void test_families_apart(void **state)
{
	struct talk *t = talk_new(7);
	const struct talk_edge **e;
	struct flow_record r4 = rec(1, 2, 5222, V_DOCUMENTED, 100), r6 = r4;
	struct graph *g;
	char dot[4096];
	size_t n;

	(void)state;
	r6.key.family = 6;
	r4.client_host.name = "pub";
	r4.client_host.prefix = 128;
	r4.client_host.roles = 1;
	talk_add(t, &r4);
	talk_add(t, &r6);
	talk_add(t, &r6);
	e = talk_sorted(t, &n);
	assert_int_equal(n, 2);
	assert_int_equal(e[0]->family, 6);
	assert_int_equal(e[0]->flows, 2);
	assert_int_equal(e[1]->family, 4);
	assert_int_equal(e[1]->flows, 1);
	free(e);
	g = dot_of(t, dot, sizeof(dot));
	assert_non_null(strstr(dot, "label=\"pub\\n10.0.0.1\""));
	assert_non_null(strstr(dot, "label=\"10.1.0.2\""));
	assert_non_null(strstr(dot, "label=\"::ffff:10.0.0.1\""));
	assert_non_null(strstr(dot, "label=\"::ffff:10.1.0.2\""));
	graph_free(g);
	talk_free(t);
}

/* A flow whose first packet was stamped 0 starts the span: 0 is a
   time, not "no flow yet" (a later flow took its place). */
static void test_zero_first(void **state)
{
	struct talk *t = talk_new(42);
	struct flow_record r;
	struct talk_totals tt;

	(void)state;
	assert_non_null(t);
	r = rec(1, 2, 5222, V_DOCUMENTED, 100);
	r.first_us = r.last_us = 0;
	talk_add(t, &r);
	r = rec(1, 3, 5222, V_DOCUMENTED, 100);
	talk_add(t, &r);
	talk_totals(t, &tt);
	assert_int_equal(tt.flows, 2);
	assert_int_equal(tt.first_us, 0);
	assert_int_equal(tt.last_us, 2000003u);
	talk_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_zero_first),
		cmocka_unit_test(test_port_order),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_graph_escapes),
		cmocka_unit_test(test_families_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
