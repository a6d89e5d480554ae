/*
 * test_util.c: the report formatters, each against what libc says.
 *
 * fmt_time() and fmt_ip() format by hand on the flow-record path; here
 * they are held to gmtime_r()+snprintf() and inet_ntop() (in the
 * address's own family) on fixed edge cases and on many pseudo-random
 * values. The outbuf writer is held to the bytes it was given, across
 * its own buffer size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "util.h"

/* The reference: what fmt_time() printed when it asked libc each time. */
static void ref_time(uint64_t ts_us, char *buf, size_t len)
{
	time_t secs = (time_t)(ts_us / 1000000u);
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, len, "invalid");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (unsigned)(ts_us % 1000000u));
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Two writers' caches, used in turn: each keeps its own date. */
static struct time_cache caches[2];
static unsigned turn;

static void check_time(uint64_t ts)
{
	char got[TIME_STR_MAX], want[TIME_STR_MAX];
	struct time_cache *c = &caches[turn++ & 1];
	size_t n;

	if (turn == 1) {
		time_cache_init(&caches[0]);
		time_cache_init(&caches[1]);
	}
	fmt_time(ts, got);
	ref_time(ts, want, sizeof(want));
	if (strcmp(got, want) != 0)
		fail_msg("fmt_time(%llu) = %s, want %s", (unsigned long long)ts,
			 got, want);
	/* Through a cache: the date of another day, or of the same day (a
	   microsecond later, most often), formatted right. */
	n = fmt_time_cached(c, ts, got);
	if (strcmp(got, want) != 0)
		fail_msg("fmt_time_cached(%llu) = %s, want %s",
			 (unsigned long long)ts, got, want);
	if (n != strlen(got))
		fail_msg("fmt_time_cached(%llu) says %zu bytes, wrote %zu",
			 (unsigned long long)ts, n, strlen(got));
	if (ts < UINT64_MAX) {
		ref_time(ts + 1, want, sizeof(want));
		fmt_time_cached(c, ts + 1, got);
		if (strcmp(got, want) != 0)
			fail_msg("fmt_time_cached(%llu) = %s, want %s",
				 (unsigned long long)ts + 1, got, want);
	}
}

/* One cache through a run of times as records bring them: most in the
   same second, some in the next, a few back, across days. */
static void test_time_walk(void **state)
{
	struct time_cache c;
	char got[TIME_STR_MAX], want[TIME_STR_MAX];
	uint64_t ts = 1767225590000000ULL;     /* 2025-12-31T23:59:50 */
	int i;

	(void)state;
	time_cache_init(&c);
	for (i = 0; i < 200000; i++) {
		uint64_t r = next();

		if (r % 50 == 0 && ts > 5000000)
			ts -= r % 5000000;
		else
			ts += r % (r % 8 ? 200000 : 90000000000ULL);
		fmt_time_cached(&c, ts, got);
		ref_time(ts, want, sizeof(want));
		if (strcmp(got, want) != 0)
			fail_msg("fmt_time_cached(%llu) = %s, want %s",
				 (unsigned long long)ts, got, want);
	}
	/* The last second there is, then the one before it again. */
	fmt_time_cached(&c, UINT64_MAX, got);
	ref_time(UINT64_MAX, want, sizeof(want));
	assert_string_equal(got, want);
	fmt_time_cached(&c, ts, got);
	ref_time(ts, want, sizeof(want));
	assert_string_equal(got, want);
}

/* The table of digit pairs: each of 0-99 as "%02u" writes it. */
static void test_dec_pairs(void **state)
{
	char got[3] = "", want[3];
	unsigned v;

	(void)state;
	for (v = 0; v < 100; v++) {
		put_dec2(got, v);
		snprintf(want, sizeof(want), "%02u", v);
		assert_memory_equal(got, want, 2);
	}
}

static void test_time_fixed(void **state)
{
	char b[TIME_STR_MAX];
	static const uint64_t cases[] = {
		0, 999999, 1000000, 86399999999ULL, 86400000000ULL,
		1767225600000000ULL,            /* 2026-01-01 */
		1767225599999999ULL,            /* the microsecond before */
		951782400000000ULL,             /* 2000-02-29 */
		4102444800000000ULL,            /* 2100-01-01 */
		253402300799999999ULL,          /* 9999-12-31T23:59:59.999999 */
		253402300800000000ULL,          /* year 10000 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_time(cases[i]);
	fmt_time(1767225600000692ULL, b);
	assert_string_equal(b, "2026-01-01T00:00:00.000692Z");
	/* The latest stamp a capture gives (capture.c). */
	fmt_time(STAMP_MAX_US, b);
	assert_string_equal(b, "9999-12-31T23:59:59.999999Z");
	/* Back and forth across a day: the cached date must follow. */
	fmt_time(1767225599000001ULL, b);
	assert_string_equal(b, "2025-12-31T23:59:59.000001Z");
	fmt_time(1767225600000000ULL, b);
	assert_string_equal(b, "2026-01-01T00:00:00.000000Z");
	/* Past what gmtime_r can say. */
	fmt_time(UINT64_MAX, b);
	check_time(UINT64_MAX);
}

static void test_time_random(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		uint64_t r = next();

		/* Mostly within a few years of now, where records are; some
		   anywhere up to year 9999. */
		if (i % 4)
			check_time(1700000000000000ULL + r % 400000000000000ULL);
		else
			check_time(r % 253402300800000000ULL);
	}
}

/* The address at b of IP version family (IPv4: ::ffff:a.b.c.d) as
   inet_ntop() writes it in that family. */
static void check_ip(const uint8_t b[16], uint8_t family)
{
	struct ip_addr a;
	char got[IP_STR_MAX], want[IP_STR_MAX];
	size_t n;

	memcpy(a.b, b, 16);
	n = fmt_ip(&a, family, got);
	if (family == 4)
		inet_ntop(AF_INET, b + 12, want, sizeof(want));
	else
		inet_ntop(AF_INET6, b, want, sizeof(want));
	if (strcmp(got, want) != 0)
		fail_msg("fmt_ip = %s, want %s", got, want);
	if (n != strlen(got))
		fail_msg("fmt_ip(%s) says %zu bytes", got, n);
}

/* An IPv6 address's last group is never read as the port: [a]:port,
   as RFC 5952 section 6 writes it; IPv4 as a.b.c.d:port. */
static void test_endpoint(void **state)
{
	struct ip_addr a = { .b = { [10] = 0xff, [11] = 0xff, [12] = 192,
				     [14] = 2, [15] = 10 } };
	char s[ENDPOINT_STR_MAX];
	size_t n;

	(void)state;
	n = fmt_endpoint(&a, 4, 5060, s);
	assert_string_equal(s, "192.0.2.10:5060");
	assert_int_equal(n, strlen(s));
	/* The same bytes from an IPv6 header. */
	n = fmt_endpoint(&a, 6, 5060, s);
	assert_string_equal(s, "[::ffff:192.0.2.10]:5060");
	assert_int_equal(n, strlen(s));
	inet_pton(AF_INET6, "2001:db8::66", a.b);
	n = fmt_endpoint(&a, 6, 4444, s);
	assert_string_equal(s, "[2001:db8::66]:4444");
	assert_int_equal(n, strlen(s));
	memset(a.b, 0xff, 16);
	n = fmt_endpoint(&a, 6, 65535, s);
	assert_string_equal(s,
			    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	assert_int_equal(n, strlen(s));
}

static void test_ip(void **state)
{
	uint8_t b[16] = { [10] = 0xff, [11] = 0xff };
	struct ip_addr a;
	char s[IP_STR_MAX];
	int i, j;

	(void)state;
	memcpy(a.b, b, 16);
	fmt_ip(&a, 4, s);
	assert_string_equal(s, "0.0.0.0");
	a.b[12] = 255, a.b[13] = 10, a.b[14] = 100, a.b[15] = 9;
	fmt_ip(&a, 4, s);
	assert_string_equal(s, "255.10.100.9");
	/* An IPv6 header's ::ffff:a.b.c.d is IPv6 text, as tcpdump, tshark
	   and Zeek write it (RFC 5952 section 5), never the IPv4 host's. */
	fmt_ip(&a, 6, s);
	assert_string_equal(s, "::ffff:255.10.100.9");
	for (i = 0; i < 100000; i++) {
		uint64_t r = next();

		for (j = 0; j < 4; j++)
			b[12 + j] = (uint8_t)(r >> (8 * j));
		check_ip(b, 4);
		if (i % 16 == 0)
			check_ip(b, 6);
	}
	/* IPv6: random addresses, and some with a zero run. */
	for (i = 0; i < 1000; i++) {
		uint8_t v6[16];
		uint64_t r1 = next(), r2 = next();

		memcpy(v6, &r1, 8);
		memcpy(v6 + 8, &r2, 8);
		if (i % 3 == 0)
			memset(v6 + 2, 0, 10);
		check_ip(v6, 6);
	}
}

/* Every octet value in every place of an IPv4 address, as inet_ntop()
   writes it, in both families; and the dotted quad's bound: nothing
   written past its 16th byte (the record writers count on it). */
static void test_ip_every_octet(void **state)
{
	uint8_t b[16] = { [10] = 0xff, [11] = 0xff };
	struct ip_addr a;
	char s[IP_STR_MAX];
	unsigned v;
	size_t i;
	int k;

	(void)state;
	for (k = 0; k < 4; k++) {
		for (v = 0; v < 256; v++) {
			memset(b + 12, (k + 1) * 61, 4);
			b[12 + k] = (uint8_t)v;
			check_ip(b, 4);
			check_ip(b, 6);
		}
	}
	memset(a.b, 0xff, 16);
	memset(s, 0x55, sizeof(s));
	assert_int_equal(fmt_ip(&a, 4, s), 15);
	assert_string_equal(s, "255.255.255.255");
	for (i = 16; i < sizeof(s); i++)
		assert_int_equal(s[i], 0x55);
}

/* Group k of the address at b set to v. */
static void set_group(uint8_t b[16], int k, unsigned v)
{
	b[2 * k] = (uint8_t)(v >> 8);
	b[2 * k + 1] = (uint8_t)v;
}

/* Every pattern of zero and non-zero groups (which run "::" takes, the
   first of the longest, and the dotted quad after six zero groups or
   five and ffff), with groups of 1 to 4 hex digits; then the dotted
   forms' neighbours. */
static void test_ip6_shapes(void **state)
{
	static const unsigned vals[] = { 1, 0xf, 0x10, 0xab, 0x100, 0xfff,
					 0x1000, 0xffff, 0x2001, 0xdb8 };
	uint8_t b[16];
	unsigned mask;
	int k, round;

	(void)state;
	for (mask = 0; mask < 256; mask++) {
		for (round = 0; round < 20; round++) {
			for (k = 0; k < 8; k++) {
				uint64_t r = next();

				set_group(b, k, !(mask & (1u << k)) ? 0 :
					  round < 10 ? vals[(round + k) % 10] :
					  (unsigned)(r % 0xffff) + 1);
			}
			check_ip(b, 6);
		}
	}
	memset(b, 0, sizeof b);
	for (k = 0; k < 8; k++) {
		set_group(b, 5, k & 1 ? 0xffff : 0);
		set_group(b, 4, k & 2 ? 1 : 0);
		set_group(b, 7, k & 4 ? 1 : 0);
		set_group(b, 6, k & 4 ? 0 : 0x0a00);
		check_ip(b, 6);
	}
}

/* A CSV field: text as it is; one with a comma or a quote quoted
   (RFC 4180); a byte that is not UTF-8 U+FFFD; a control, a line
   separator or a bidirectional override as its visible escape, so that
   a field never ends a row nor turns a viewer's line around (they were
   written raw). */
static void test_csv_field(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain-1.2", "plain-1.2" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "q\"b", "\"q\"\"b\"" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "bad\xff", "bad\xef\xbf\xbd" },
		{ "r\nFAIL,x\r", "\"r\\x0aFAIL,x\\x0d\"" },
		{ "r\nFAIL", "r\\x0aFAIL" },
		{ "t\tu", "t\tu" },
		{ "s\xe2\x80\xae" "b\xe2\x80\xa8" "c\xc2\x85",
		  "s\\u202eb\\u2028c\\u0085" },
	};
	char out[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = tmpfile();

		assert_non_null(f);
		csv_field(f, cases[i].in);
		rewind(f);
		n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = '\0';
		fclose(f);
		assert_string_equal(out, cases[i].out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dec_pairs),
		cmocka_unit_test(test_time_fixed),
		cmocka_unit_test(test_time_random),
		cmocka_unit_test(test_time_walk),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_ip6_shapes),
		cmocka_unit_test(test_ip_every_octet),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_csv_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
