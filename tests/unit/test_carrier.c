/*
 * test_carrier.c: the carrier table and the trust rule (trust.h):
 * --trust-tunnel parsing, overlays between two declared ends, ERSPAN to
 * or from one, the inventory role, and a full table.
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

#include "carrier.h"
#include "catalogue.h"
#include "hosts.h"

/* What a prefix length with a leading zero is told. */
#define LEADING_ZERO(len) "prefix length '" len "' has a leading zero"
/* And one past the longest. */
#define OUT_OF_RANGE(len, max) "prefix length /" len " out of range 0-" max

static struct ip_addr addr(const char *s)
{
	struct ip_addr a;
	uint8_t v4[4];

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, v4) == 1) {
		a.b[10] = a.b[11] = 0xff;
		memcpy(a.b + 12, v4, 4);
	} else {
		assert_int_equal(inet_pton(AF_INET6, s, a.b), 1);
	}
	return a;
}

static struct tun_layer layer(enum tunnel_kind kind, const char *src,
			      const char *dst, uint32_t id)
{
	struct tun_layer t;

	memset(&t, 0, sizeof(t));
	t.src = addr(src);
	t.dst = addr(dst);
	t.kind = (uint8_t)kind;
	t.family = strchr(src, ':') ? 6 : 4;
	t.proto = kind == TUN_VXLAN ? 17 : 47;
	t.has_id = id != 0;
	t.id = id;
	return t;
}

/* The trust of the carriers table under test (trust.h): a fresh one
   with each table. */
static struct trust *tr;

static struct carriers *cnew(uint64_t seed)
{
	struct carriers *c;

	tr = trust_new();
	assert_non_null(tr);
	c = carriers_new(seed, tr);
	assert_non_null(c);
	return c;
}

static void cfree(struct carriers *c)
{
	carriers_free(c);
	trust_free(tr);
	tr = NULL;
}

/* Trusted, as carriers_see() judges one packet of t. */
static bool trusted(struct carriers *c, struct tun_layer t)
{
	struct carrier *e;

	return carriers_see(c, &t, 100, &e);
}

static void trust(struct carriers *c, const char *spec)
{
	char why[128];

	(void)c;
	if (trust_add(tr, spec, why, sizeof(why)) != 0)
		fail_msg("%s: %s", spec, why);
}

static void expect_bad(const char *spec, const char *want)
{
	struct carriers *c = cnew(1);
	char why[256] = "";

	assert_non_null(c);
	assert_int_equal(trust_add(tr, spec, why, sizeof(why)), -1);
	if (!strstr(why, want))
		fail_msg("%s: wanted '%s', got '%s'", spec, want, why);
	assert_int_equal(trust_count(tr), 0);
	cfree(c);
}

static void test_trust_parse(void **state)
{
	struct carriers *c = cnew(1);
	char buf[64];

	(void)state;
	assert_non_null(c);
	assert_false(trust_declared(tr));
	trust(c, "203.0.113.1");
	trust(c, "198.51.100.0/24");
	trust(c, "2001:db8:ffff::/48");
	trust(c, "0.0.0.0/0");
	assert_true(trust_declared(tr));
	assert_int_equal(trust_count(tr), 4);
	trust_str(tr, 0, buf, sizeof(buf));
	assert_string_equal(buf, "203.0.113.1/32");
	trust_str(tr, 1, buf, sizeof(buf));
	assert_string_equal(buf, "198.51.100.0/24");
	trust_str(tr, 2, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:ffff::/48");
	trust_str(tr, 3, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0/0");
	cfree(c);

	expect_bad("", "not an IPv4 or IPv6 address");
	expect_bad("vtep1", "not an IPv4 or IPv6 address");
	expect_bad("203.0.113.300", "not an IPv4 or IPv6 address");
	/* The inventory's words (hosts_parse_net()), the one parser: the
	   range apart from the syntax, and the network meant named. */
	expect_bad("203.0.113.0/33", "prefix length /33 out of range 0-32");
	expect_bad("2001:db8::/129", "prefix length /129 out of range 0-128");
	expect_bad("203.0.113.0/", "bad prefix length '/' (0-32)");
	expect_bad("203.0.113.0/-1", "bad prefix length '/-1' (0-32)");
	expect_bad("203.0.113.0/24x", "bad prefix length '/24x' (0-32)");
	expect_bad("2001:db8::/x", "bad prefix length '/x' (0-128)");
	expect_bad("203.0.113.1/24", "host bits set in 203.0.113.1/24 (the "
		   "network is 203.0.113.0/24)");
	expect_bad("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/1", "host bits set "
		   "in 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/1 (the network "
		   "is ::/1)");
	expect_bad("203.0.113.1/24/1", "bad prefix length");
	expect_bad("0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:"
		   "0000/1", "address too long");
	expect_bad("2001:db8:ffff::1111:2222:3333:4444:5555/64/64/64", "not an");
}

/* --trust-tunnel takes the lengths an inventory takes, at each end of
   both families: a leading zero is refused ("/0" alone is zero), as
   some tools read "024" as octal. */
static void test_trust_prefix_lengths(void **state)
{
	static const struct { const char *spec, *want; } ok[] = {
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "192.0.2.0/32", "192.0.2.0/32" },
		{ "::/0", "::/0" },
		{ "2001:db8::/128", "2001:db8::/128" },
	}, bad[] = {
		{ "0.0.0.0/00", LEADING_ZERO("00") },
		{ "192.0.2.0/024", LEADING_ZERO("024") },
		{ "192.0.2.0/0024", LEADING_ZERO("0024") },
		{ "192.0.2.0/33", OUT_OF_RANGE("33", "32") },
		{ "::/00", LEADING_ZERO("00") },
		{ "2001:db8::/129", OUT_OF_RANGE("129", "128") },
		{ "2001:db8::/0128", LEADING_ZERO("0128") },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct carriers *c = cnew(1);

		trust(c, ok[i].spec);
		trust_str(tr, 0, buf, sizeof(buf));
		assert_string_equal(buf, ok[i].want);
		cfree(c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(bad[i].spec, bad[i].want);
}

static void test_trust_limit(void **state)
{
	struct carriers *c = cnew(1);
	char spec[32], why[128];
	int i;

	(void)state;
	for (i = 0; i < MAX_TRUST_TUNNEL; i++) {
		snprintf(spec, sizeof(spec), "10.0.%d.%d", i / 256, i % 256);
		trust(c, spec);
	}
	assert_int_equal(trust_add(tr, "10.1.0.0", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "tunnel-endpoint"));
	cfree(c);
}

/* Overlays: both ends declared, or untrusted; nothing declared, nothing
   trusted. */
static void test_overlay_rule(void **state)
{
	struct carriers *c = cnew(7);

	(void)state;
	assert_false(trusted(c, layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 42)));
	cfree(c);

	c = cnew(7);
	trust(c, "203.0.113.1");
	trust(c, "203.0.113.2");
	assert_true(trusted(c, layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 42)));
	assert_true(trusted(c, layer(TUN_VXLAN, "203.0.113.2", "203.0.113.1", 42)));
	/* To a declared end from an address of one's own: not trusted, in
	   either direction, whatever the VNI. */
	assert_false(trusted(c, layer(TUN_VXLAN, "203.0.113.66", "203.0.113.2", 42)));
	assert_false(trusted(c, layer(TUN_VXLAN, "203.0.113.2", "203.0.113.66", 42)));
	assert_false(trusted(c, layer(TUN_GRE, "203.0.113.1", "203.0.113.3", 0)));
	assert_true(trusted(c, layer(TUN_IPIP, "203.0.113.2", "203.0.113.1", 0)));
	cfree(c);

	/* ::/0 is every IPv6 end, never an IPv4 one, as in an inventory
	   (hosts_net_has()). */
	c = cnew(7);
	trust(c, "::/0");
	assert_true(trusted(c, layer(TUN_VXLAN, "2001:db8::1", "2001:db8::2", 42)));
	assert_false(trusted(c, layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 42)));
	cfree(c);

	/* An IPv6 header's ::ffff:a.b.c.d is held as IPv4 is, but is no
	   declared IPv4 end: RFC 4291 2.5.5.2 keeps it off the wire, and
	   anyone on the segment can write it. */
	c = cnew(7);
	trust(c, "203.0.113.1");
	trust(c, "203.0.113.2");
	assert_false(trusted(c, layer(TUN_VXLAN, "::ffff:203.0.113.1",
				      "::ffff:203.0.113.2", 42)));
	cfree(c);

	/* ::ffff:203.0.113.0/120 is IPv4 written the IPv6 way, as in an
	   inventory: 203.0.113.0/24, and still no IPv6 header's mapped
	   form of it. */
	c = cnew(7);
	trust(c, "::ffff:203.0.113.0/120");
	assert_true(trusted(c, layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 42)));
	assert_false(trusted(c, layer(TUN_VXLAN, "203.0.113.1", "198.51.100.2", 42)));
	assert_false(trusted(c, layer(TUN_VXLAN, "::ffff:203.0.113.1",
				      "::ffff:203.0.113.2", 42)));
	cfree(c);
}

/* ERSPAN: trusted when nothing is declared; once something is, only to
   or from a declared end. */
static void test_erspan_rule(void **state)
{
	struct carriers *c = cnew(7);

	(void)state;
	assert_true(trusted(c, layer(TUN_ERSPAN2, "203.0.113.1", "203.0.113.2", 7)));
	assert_true(trusted(c, layer(TUN_ERSPAN1, "203.0.113.66", "192.0.2.10", 0)));
	cfree(c);

	c = cnew(7);
	trust(c, "203.0.113.2");
	assert_true(trusted(c, layer(TUN_ERSPAN3, "203.0.113.1", "203.0.113.2", 7)));
	assert_true(trusted(c, layer(TUN_ERSPAN2, "203.0.113.2", "198.51.100.9", 3)));
	assert_false(trusted(c, layer(TUN_ERSPAN2, "203.0.113.66", "192.0.2.10", 7)));
	/* An overlay needs both ends, even to the collector. */
	assert_false(trusted(c, layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 7)));
	cfree(c);
}

/* The inventory's tunnel-endpoint hosts declare ends too; a host listed
   with other roles only does not. */
static void test_inventory_role(void **state)
{
	static const char text[] =
		"tunnel-endpoint 203.0.113.0/30 vteps\n"
		"imp-publisher   203.0.113.2    pub-on-vtep-range\n"
		"imp             192.0.2.10     pub\n";
	struct hosts *h = hosts_parse("t.hosts", text, sizeof(text) - 1, stderr);
	struct carriers *c = cnew(3);

	(void)state;
	assert_non_null(h);
	trust_set_hosts(tr, h);
	assert_true(trust_declared(tr));
	assert_true(trust_inventory_declares(tr));
	assert_true(trusted(c, layer(TUN_VXLAN, "203.0.113.1", "203.0.113.3", 1)));
	/* .2's own line (the longest prefix) does not give the role. */
	assert_false(trusted(c, layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 1)));
	assert_false(trusted(c, layer(TUN_ERSPAN2, "192.0.2.10", "192.0.2.11", 1)));
	/* Nor does an IPv6 header's ::ffff: form of a listed end. */
	assert_false(trusted(c, layer(TUN_VXLAN, "::ffff:203.0.113.1",
				      "::ffff:203.0.113.3", 1)));
	cfree(c);
	hosts_free(h);

	/* An inventory without the role declares nothing. */
	h = hosts_parse("t.hosts", "imp 192.0.2.10\n", 15, stderr);
	c = cnew(3);
	trust_set_hosts(tr, h);
	assert_false(trust_declared(tr));
	assert_true(trusted(c, layer(TUN_ERSPAN2, "192.0.2.10", "192.0.2.11", 1)));
	cfree(c);
	hosts_free(h);
}

/* One entry per kind, id and pair of ends (either way); packets and
   bytes add up; the list is most packets first. */
static void test_table(void **state)
{
	struct carriers *c = cnew(11);
	struct tun_layer a = layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 42);
	struct tun_layer b = layer(TUN_VXLAN, "203.0.113.2", "203.0.113.1", 42);
	struct tun_layer d = layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 43);
	struct tun_layer g = layer(TUN_GRE, "203.0.113.1", "203.0.113.2", 0);
	const struct carrier **v;
	struct carrier *e1, *e2;
	size_t n;

	(void)state;
	carriers_see(c, &a, 100, &e1);
	carriers_see(c, &b, 50, &e2);
	assert_ptr_equal(e1, e2);
	carriers_see(c, &d, 10, &e2);
	assert_ptr_not_equal(e1, e2);
	carriers_see(c, &g, 10, &e2);
	carriers_see(c, &g, 10, &e2);
	carriers_see(c, &g, 10, &e2);
	assert_int_equal(carriers_count(c), 3);
	v = carriers_sorted(c, &n);
	assert_non_null(v);
	assert_int_equal(n, 3);
	assert_int_equal(v[0]->kind, TUN_GRE);
	assert_int_equal(v[0]->packets, 3);
	assert_int_equal(v[1]->kind, TUN_VXLAN);
	assert_int_equal(v[1]->id, 42);
	assert_int_equal(v[1]->packets, 2);
	assert_int_equal(v[1]->bytes, 150);
	assert_memory_equal(&v[1]->src, &a.src, sizeof(a.src));
	assert_int_equal(v[2]->id, 43);
	free(v);
	cfree(c);
}

/* Past MAX_CARRIERS distinct carriers, the rest are judged all the same
   and their packets counted apart; memory stays what it was. */
static void test_table_full(void **state)
{
	struct carriers *c = cnew(5);
	struct carrier *e;
	char src[32];
	uint32_t i;

	(void)state;
	trust(c, "10.0.0.0/8");
	trust(c, "203.0.113.2");
	for (i = 0; i < MAX_CARRIERS + 10; i++) {
		struct tun_layer t;

		snprintf(src, sizeof(src), "10.%u.%u.%u", (i >> 16) & 255,
			 (i >> 8) & 255, i & 255);
		t = layer(TUN_VXLAN, src, "203.0.113.2", 42);
		assert_true(carriers_see(c, &t, 60, &e));
		if (i < MAX_CARRIERS)
			assert_non_null(e);
		else
			assert_null(e);
	}
	assert_int_equal(carriers_count(c), MAX_CARRIERS);
	assert_int_equal(carriers_unlisted_packets(c), 10);
	{
		struct tun_layer t = layer(TUN_VXLAN, "192.0.2.99", "203.0.113.2", 1);

		assert_false(carriers_see(c, &t, 60, &e));
		assert_null(e);
	}
	cfree(c);
}

/* Two readers' tables as one (carriers_merge()): a carrier both saw,
   each direction on its own interface, is one, its counts added and the
   first table's endpoints kept; one only the second saw is added; the
   unlisted packets add up. */
static void test_merge(void **state)
{
	struct carriers *c = cnew(7);
	struct carriers *d = carriers_new(7, tr);
	struct tun_layer a = layer(TUN_VXLAN, "203.0.113.1", "203.0.113.2", 42);
	struct tun_layer b = layer(TUN_VXLAN, "203.0.113.2", "203.0.113.1", 42);
	struct tun_layer g = layer(TUN_GRE, "203.0.113.5", "203.0.113.6", 0);
	const struct carrier **v;
	struct carrier *e;
	size_t n;

	(void)state;
	assert_non_null(d);
	carriers_see(c, &a, 100, &e);
	e->flows = 1;
	carriers_see(d, &b, 50, &e);
	carriers_see(d, &b, 50, &e);
	e->flows = 2;
	carriers_see(d, &g, 10, &e);
	carriers_merge(c, d);
	assert_int_equal(carriers_count(c), 2);
	v = carriers_sorted(c, &n);
	assert_non_null(v);
	assert_int_equal(n, 2);
	assert_int_equal(v[0]->kind, TUN_VXLAN);
	assert_int_equal(v[0]->packets, 3);
	assert_int_equal(v[0]->bytes, 200);
	assert_int_equal(v[0]->flows, 3);
	assert_memory_equal(&v[0]->src, &a.src, sizeof(a.src));
	assert_int_equal(v[1]->kind, TUN_GRE);
	assert_int_equal(v[1]->packets, 1);
	free(v);
	carriers_free(d);
	cfree(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trust_parse),
		cmocka_unit_test(test_trust_prefix_lengths),
		cmocka_unit_test(test_trust_limit),
		cmocka_unit_test(test_overlay_rule),
		cmocka_unit_test(test_erspan_rule),
		cmocka_unit_test(test_inventory_role),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
