/*
 * test_hosts.c: the site inventory loader and its longest-prefix lookup.
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

/* What a prefix length with a leading zero is told. */
#define LEADING_ZERO(len) "prefix length '" len "' has a leading zero"
/* And one past the longest. */
#define OUT_OF_RANGE(len, max) "prefix length /" len " out of range 0-" max

#define BIT(r) (UINT32_C(1) << (r))

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

/* Parse text; return the error output ("" on success) in a static buffer
   and the inventory in *out. */
static const char *parse(const char *text, struct hosts **out)
{
	static char msg[4096];
	FILE *err = tmpfile();
	size_t n;

	assert_non_null(err);
	*out = hosts_parse("site.hosts", text, strlen(text), err);
	rewind(err);
	n = fread(msg, 1, sizeof(msg) - 1, err);
	msg[n] = '\0';
	fclose(err);
	return msg;
}

static void expect_error(const char *text, const char *want)
{
	struct hosts *h;
	const char *msg = parse(text, &h);

	if (h || !strstr(msg, want))
		fail_msg("for %s\nwanted error containing: %s\ngot: %s", text,
			 want, msg);
}

static void test_parse_and_lookup(void **state)
{
	struct hosts *h;
	struct host_info hi;
	const char *msg = parse(
		"# the site\n"
		"imp-publisher   192.0.2.10   imp-pub\n"
		"imp-subscriber  192.0.2.11\r\n"
		"cucm,ntp-server 192.0.2.20   cucm-1   # comment? no: a name only\n",
		&h);

	(void)state;
	/* A comment after the fields is not allowed: one host per line. */
	assert_null(h);
	assert_non_null(strstr(msg, "site.hosts:4: a comment takes a line "
				    "of its own"));

	msg = parse("imp-publisher   192.0.2.10   imp-pub\n"
		    "imp-subscriber  192.0.2.11\r\n"
		    "cucm,ntp-server 192.0.2.20   cucm-1\n"
		    "xmpp-client     198.51.100.0/24 jabber-users\n"
		    "browser         198.51.100.7\n"
		    "imp             2001:db8:2::/64\n"
		    "database        2001:db8:2::50",
		    &h);
	assert_string_equal(msg, "");
	assert_non_null(h);
	assert_int_equal(hosts_count(h), 7);

	{
		struct ip_addr a = addr("192.0.2.10");

		hi = hosts_lookup(h, &a);
		assert_int_equal(hi.roles, BIT(ROLE_IMP_PUBLISHER) | BIT(ROLE_IMP));
		assert_string_equal(hi.name, "imp-pub");
		assert_int_equal(hi.prefix, 128);
	}
	{
		struct ip_addr a = addr("192.0.2.11");

		hi = hosts_lookup(h, &a);
		assert_int_equal(hi.roles, BIT(ROLE_IMP_SUBSCRIBER) | BIT(ROLE_IMP));
		assert_string_equal(hi.name, "");
	}
	{
		struct ip_addr a = addr("192.0.2.20");

		hi = hosts_lookup(h, &a);
		assert_int_equal(hi.roles, BIT(ROLE_CUCM) | BIT(ROLE_NTP_SERVER));
	}
	{
		/* Longest prefix: the host, not its network. */
		struct ip_addr a = addr("198.51.100.7"), b = addr("198.51.100.8"),
			       c = addr("198.51.101.1");

		assert_int_equal(hosts_lookup(h, &a).roles, BIT(ROLE_BROWSER));
		hi = hosts_lookup(h, &b);
		assert_int_equal(hi.roles, BIT(ROLE_XMPP_CLIENT));
		assert_string_equal(hi.name, "jabber-users");
		assert_int_equal(hi.prefix, 96 + 24);
		assert_int_equal(hosts_lookup(h, &c).roles, 0);
	}
	{
		struct ip_addr a = addr("2001:db8:2::50"), b = addr("2001:db8:2::99"),
			       c = addr("2001:db8:3::1");

		assert_int_equal(hosts_lookup(h, &a).roles, BIT(ROLE_DATABASE));
		assert_int_equal(hosts_lookup(h, &c).roles, 0);
		assert_int_equal(hosts_lookup(h, &b).roles, BIT(ROLE_IMP));
	}
	hosts_free(h);
}

/* IPv4 and IPv6 networks never cover each other's addresses, whatever
   their lengths: ::/0 is every IPv6 host, 0.0.0.0/0 every IPv4 one, as
   a firewall (and impwatch acl) reads them. IPv4 is held as
   ::ffff:a.b.c.d, inside ::/0 and ::/80: an inventory that said "browser
   ::/0" made every IPv4 host outside it a browser, and so a
   role-violation as an XMPP client, while the ACL let it through. Only
   ::ffff:0:0/96 and longer, IPv4 by name, hold IPv4 addresses. */
static void test_families_apart(void **state)
{
	struct hosts *h;
	struct ip_addr v4 = addr("203.0.113.9"), v6 = addr("2001:db8::9"),
		       v6b = addr("2001:db8:0:0:0:0:0:9");

	(void)state;
	assert_string_equal(parse("endpoint 0.0.0.0/0\n"
				  "imp 2001:db8::/100\n", &h), "");
	assert_int_equal(hosts_lookup(h, &v4).roles, BIT(ROLE_ENDPOINT));
	assert_int_equal(hosts_lookup(h, &v6).roles, BIT(ROLE_IMP));
	assert_int_equal(hosts_lookup(h, &v6b).roles, BIT(ROLE_IMP));
	hosts_free(h);

	assert_string_equal(parse("browser ::/0\n", &h), "");
	assert_int_equal(hosts_lookup(h, &v4).roles, 0);
	assert_int_equal(hosts_lookup(h, &v6).roles, BIT(ROLE_BROWSER));
	hosts_free(h);

	assert_string_equal(parse("browser ::/80\n"
				  "cucm ::ffff:203.0.113.0/120\n", &h), "");
	assert_int_equal(hosts_lookup(h, &v4).roles, BIT(ROLE_CUCM));
	v4 = addr("198.51.100.9");
	assert_int_equal(hosts_lookup(h, &v4).roles, 0);
	hosts_free(h);

	/* The test a waiver's ends are matched with. */
	{
		struct ip_addr net;
		uint8_t prefix;
		char why[128];

		assert_null(hosts_parse_net("::/0", 4, &net, &prefix, why,
					    sizeof(why)));
		assert_false(hosts_net_has(&net, prefix, &v4));
		assert_true(hosts_net_has(&net, prefix, &v6));
		assert_null(hosts_parse_net("::ffff:0:0/96", 13, &net, &prefix,
					    why, sizeof(why)));
		assert_true(hosts_net_has(&net, prefix, &v4));
		assert_false(hosts_net_has(&net, prefix, &v6));
	}
}

/* The lengths a prefix may have, at each end of both families. A length
   with a leading zero is refused, "/0" alone being zero: some tools read
   "024" as octal (20), others as 24, so the line would say two networks
   (it was read as 24, while "/0024" was refused as too long). */
static const struct {
	const char *net;
	const char *err;        /* NULL: accepted */
	uint8_t prefix;         /* IPv4 as 96 + n */
} prefix_cases[] = {
	{ "0.0.0.0/0", NULL, 96 },
	{ "0.0.0.0/00", LEADING_ZERO("00"), 0 },
	{ "192.0.2.0/024", LEADING_ZERO("024"), 0 },
	{ "192.0.2.0/0024", LEADING_ZERO("0024"), 0 },
	{ "192.0.2.0/08", LEADING_ZERO("08"), 0 },
	{ "192.0.2.0/32", NULL, 128 },
	{ "192.0.2.0/33", OUT_OF_RANGE("33", "32"), 0 },
	{ "192.0.2.0/1000", OUT_OF_RANGE("1000", "32"), 0 },
	{ "::/0", NULL, 0 },
	{ "::/00", LEADING_ZERO("00"), 0 },
	{ "2001:db8::/128", NULL, 128 },
	{ "2001:db8::/129", OUT_OF_RANGE("129", "128"), 0 },
	{ "2001:db8::/0128", LEADING_ZERO("0128"), 0 },
};

static void test_prefix_lengths(void **state)
{
	char line[128], want[256];
	struct host_entry e;
	struct hosts *h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(prefix_cases) / sizeof(prefix_cases[0]); i++) {
		snprintf(line, sizeof(line), "imp %s\n", prefix_cases[i].net);
		if (prefix_cases[i].err) {
			snprintf(want, sizeof(want), "site.hosts:1: %s\n"
				 "  imp %s\n", prefix_cases[i].err,
				 prefix_cases[i].net);
			expect_error(line, want);
			continue;
		}
		if (strcmp(parse(line, &h), "") != 0 || !hosts_entry(h, 0, &e))
			fail_msg("%s: refused", prefix_cases[i].net);
		assert_int_equal(e.prefix, prefix_cases[i].prefix);
		hosts_free(h);
	}
}

static void test_bad_inputs(void **state)
{
	(void)state;
	expect_error("imp 192.0.2.300\n",
		     "site.hosts:1: '192.0.2.300' is not an IPv4 or IPv6 address");
	expect_error("imp 192.0.2.0/33\n",
		     "site.hosts:1: prefix length /33 out of range 0-32");
	expect_error("imp 2001:db8::/129\n", "prefix length /129 out of range 0-128");
	expect_error("imp 192.0.2.0/\n", "bad prefix length '/' (0-32)");
	expect_error("imp 192.0.2.0/2x\n", "bad prefix length '/2x' (0-32)");
	expect_error("imp 2001:db8::/x\n", "bad prefix length '/x' (0-128)");
	expect_error("imp 0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:"
		     "0000:0000/1\n", "site.hosts:1: address too long");
	expect_error("imp 192.0.2.1/24\n",
		     "host bits set in 192.0.2.1/24 (the network is 192.0.2.0/24)");
	expect_error("imp 2001:db8::1/64\n", "(the network is 2001:db8::/64)");
	/* Listed as the catalogue's loader lists them, ", " apart: the
	   inventory's list was "imp,imp-publisher,..." (the records' form). */
	expect_error("im-p 192.0.2.1\n", "unknown role 'im-p' (valid: imp, imp-publisher, imp-subscriber,");
	expect_error("imp,,cucm 192.0.2.1\n", "empty role in the role list");
	expect_error("imp\n", "site.hosts:1: missing address after the roles");
	expect_error("imp 192.0.2.1 name!\n", "bad name 'name!'");
	expect_error("imp 192.0.2.1 pub extra\n", "unexpected 'extra' after the name");
	/* A comment after the fields: said as such, not as a bad name. */
	expect_error("imp 192.0.2.1 # the publisher\n",
		     "site.hosts:1: a comment takes a line of its own");
	expect_error("imp 192.0.2.1 pub #publisher\n",
		     "site.hosts:1: a comment takes a line of its own");
	expect_error("imp 192.0.2.1\ncucm 192.0.2.1\n",
		     "site.hosts:2: conflicts with line 1: roles imp there, cucm here");
	expect_error("imp 192.0.2.0/24\nimp 192.0.2.0/24\n",
		     "site.hosts:2: duplicates line 1");
	expect_error("", "site.hosts: no hosts");
	expect_error("# only a comment\n\n", "site.hosts: no hosts");
	expect_error("imp 192.0.2.1 caf\xc3\n", "invalid UTF-8 0xc3 at column 18 (byte offset 17)");
	expect_error("imp 192.0.2.1\x01\n", "control byte 0x01 at column 14");
}

/* All or nothing: an error on the last line leaves no inventory, and the
   offending line is shown under the reason. */
static void test_all_or_nothing(void **state)
{
	struct hosts *h;
	const char *msg;

	(void)state;
	msg = parse("imp 192.0.2.1\ncucm 192.0.2.2\nntp 192.0.2.3\n", &h);
	assert_null(h);
	assert_non_null(strstr(msg, "site.hosts:3: unknown role 'ntp'"));
	assert_non_null(strstr(msg, "\n  ntp 192.0.2.3\n"));
}

static void test_long_line(void **state)
{
	char *text = malloc(2100);
	struct hosts *h;

	(void)state;
	assert_non_null(text);
	memset(text, 'a', 2098);
	memcpy(text, "imp 192.0.2.1 ", 14);
	text[2098] = '\n';
	text[2099] = '\0';
	assert_non_null(strstr(parse(text, &h), "site.hosts:1: line longer than 1024 bytes"));
	assert_null(h);
	free(text);
}

static void test_load_files(void **state)
{
	FILE *err = tmpfile();
	char msg[512];
	size_t n;

	(void)state;
	assert_null(hosts_load("tests/hosts/no-such.hosts", err));
	assert_null(hosts_load("tests", err));
	rewind(err);
	n = fread(msg, 1, sizeof(msg) - 1, err);
	msg[n] = '\0';
	fclose(err);
	assert_non_null(strstr(msg, "tests/hosts/no-such.hosts: cannot open: No such file"));
	assert_non_null(strstr(msg, "tests: not a regular file (a directory)"));
}

/* Implied roles: a publisher is an IM&P node, a PostgreSQL database a
   database; the plain roles imply nothing. */
static void test_implied_roles(void **state)
{
	struct hosts *h;
	struct ip_addr a = addr("192.0.2.50"), b = addr("192.0.2.10"),
		       c = addr("192.0.2.9");

	(void)state;
	assert_string_equal(parse("postgresql-db 192.0.2.50\n"
				  "imp-subscriber,cucm 192.0.2.10\n"
				  "imp 192.0.2.9\n", &h), "");
	assert_int_equal(hosts_lookup(h, &a).roles,
			 BIT(ROLE_POSTGRESQL_DB) | BIT(ROLE_DATABASE));
	assert_int_equal(hosts_lookup(h, &b).roles,
			 BIT(ROLE_IMP_SUBSCRIBER) | BIT(ROLE_IMP) | BIT(ROLE_CUCM));
	assert_int_equal(hosts_lookup(h, &c).roles, BIT(ROLE_IMP));
	hosts_free(h);
}

/* The loader's largest inventory, 65,536 hosts: its work grows with the
   entries, not with their square (each new line was compared with every
   earlier one). A duplicate at the end is still found. */
static void test_load_is_linear(void **state)
{
	const size_t n = HOSTS_MAX, per = 32;
	char *text = malloc(n * per + per), *p = text;
	struct hosts *h;
	const char *msg;
	size_t i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		p += sprintf(p, "cucm 10.%u.%u.%u\n", (unsigned)(i >> 16),
			     (unsigned)(i >> 8) & 255, (unsigned)i & 255);
	msg = parse(text, &h);
	assert_string_equal(msg, "");
	assert_non_null(h);
	assert_int_equal(hosts_count(h), n);
	printf("loading %zu hosts: %llu table slots looked at\n", n,
	       (unsigned long long)hosts_load_work(h));
	assert_true(hosts_load_work(h) < 8 * n);
	assert_true(hosts_lookup(h, &(struct ip_addr){ .b = { [10] = 0xff,
		[11] = 0xff, [12] = 10, [14] = 255, [15] = 255 } }).roles != 0);
	hosts_free(h);
	/* One more line, the same as line 1: refused, naming it. */
	sprintf(p, "cucm 10.0.0.0\n");
	expect_error(text, "site.hosts:65537: duplicates line 1");
	free(text);
}

static void test_roles_str(void **state)
{
	char buf[64];

	(void)state;
	hosts_roles_str(BIT(ROLE_CUCM) | BIT(ROLE_IMP), buf, sizeof(buf));
	assert_string_equal(buf, "imp,cucm");
	hosts_roles_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* The role a site gives its tunnel endpoints, and the roles some line
   gives (carrier.h asks whether any line names a tunnel endpoint). */
static void test_tunnel_endpoint_role(void **state)
{
	struct hosts *h;
	struct ip_addr a = addr("203.0.113.1");

	(void)state;
	assert_string_equal(parse("tunnel-endpoint 203.0.113.1 vtep\n"
				  "imp 192.0.2.10\n", &h), "");
	assert_non_null(h);
	assert_int_equal(hosts_lookup(h, &a).roles, BIT(ROLE_TUNNEL_ENDPOINT));
	assert_string_equal(hosts_lookup(h, &a).name, "vtep");
	assert_int_equal(hosts_roles_any(h),
			 BIT(ROLE_TUNNEL_ENDPOINT) | BIT(ROLE_IMP));
	assert_string_equal(cat_role_name(ROLE_TUNNEL_ENDPOINT), "tunnel-endpoint");
	hosts_free(h);
	assert_int_equal(hosts_roles_any(NULL), 0);
}

/* Every line, in file order, as written: what impwatch acl writes
   rules between. */
static void test_entries(void **state)
{
	struct hosts *h;
	struct host_entry e;
	struct ip_addr net = addr("198.51.100.0"), v6 = addr("2001:db8::10");

	(void)state;
	assert_string_equal(parse("imp-publisher 192.0.2.10 pub\n"
				  "# a comment\n"
				  "xmpp-client   198.51.100.0/24\n"
				  "cucm          2001:db8::10 cucm6\n", &h), "");
	assert_true(hosts_entry(h, 0, &e));
	assert_string_equal(e.name, "pub");
	assert_int_equal(e.prefix, 128);
	assert_int_equal(e.roles, BIT(ROLE_IMP_PUBLISHER) | BIT(ROLE_IMP));
	assert_int_equal(e.line, 1);
	assert_true(hosts_entry(h, 1, &e));
	assert_memory_equal(e.net.b, net.b, 16);
	assert_int_equal(e.prefix, 96 + 24);
	assert_string_equal(e.name, "");
	assert_int_equal(e.line, 3);
	assert_true(hosts_entry(h, 2, &e));
	assert_memory_equal(e.net.b, v6.b, 16);
	assert_int_equal(e.roles, BIT(ROLE_CUCM));
	assert_false(hosts_entry(h, 3, &e));
	assert_false(hosts_entry(NULL, 0, &e));
	hosts_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_lookup),
		cmocka_unit_test(test_families_apart),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_prefix_lengths),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_implied_roles),
		cmocka_unit_test(test_load_is_linear),
		cmocka_unit_test(test_roles_str),
		cmocka_unit_test(test_tunnel_endpoint_role),
		cmocka_unit_test(test_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
