/*
 * test_echo.c: ICMP echo replies that return no request's data (echo.h),
 * through the real decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "decode.h"
#include "echo.h"
#include "flow.h"
#include "options.h"
#include "verdict.h"

#define T0 1767225600000000ULL

static uint16_t csum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet, IPv4 from 10.0.0.1 (or back when back), ICMP of type and
   code, identifier id, sequence seq, n bytes of data of value fill;
   frag: the IP offset and flags word. Returns the frame's length. */
static size_t frame(uint8_t *b, bool back, uint8_t type, uint8_t code,
		    uint16_t id, uint16_t seq, size_t n, uint8_t fill,
		    uint16_t frag)
{
	size_t ip = 14, ic = ip + 20, len = 20 + 8 + n;
	uint16_t c;

	memset(b, 0, ic + 8 + n);
	b[12] = 0x08;
	b[ip] = 0x45;
	b[ip + 2] = (uint8_t)(len >> 8);
	b[ip + 3] = (uint8_t)len;
	b[ip + 6] = (uint8_t)(frag >> 8);
	b[ip + 7] = (uint8_t)frag;
	b[ip + 8] = 64;
	b[ip + 9] = 1;
	b[ip + 12] = 10;
	b[ip + 15] = back ? 2 : 1;
	b[ip + 16] = 10;
	b[ip + 19] = back ? 1 : 2;
	c = csum(b + ip, 20);
	b[ip + 10] = (uint8_t)(c >> 8);
	b[ip + 11] = (uint8_t)c;
	b[ic] = type;
	b[ic + 1] = code;
	b[ic + 4] = (uint8_t)(id >> 8);
	b[ic + 5] = (uint8_t)id;
	b[ic + 6] = (uint8_t)(seq >> 8);
	b[ic + 7] = (uint8_t)seq;
	memset(b + ic + 8, fill, n);
	c = csum(b + ic, 8 + n);
	b[ic + 2] = (uint8_t)(c >> 8);
	b[ic + 3] = (uint8_t)c;
	return ic + 8 + n;
}

struct rig {
	struct limits lim;
	struct decoder dec;
	struct echo echo;
	struct flow f;
	struct packet p;
	uint8_t b[256];
};

static int setup(void **state)
{
	static struct rig r;

	memset(&r, 0, sizeof(r));
	limits_default(&r.lim);
	assert_int_equal(decoder_init(&r.dec, &r.lim, 1), 0);
	assert_int_equal(echo_init(&r.echo), 0);
	r.f.id = 7;
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	decoder_free(&r->dec);
	echo_free(&r->echo);
	return 0;
}

/* Decode the frame and hand it to echo_packet(): its answer. */
static bool feed(struct rig *r, bool back, uint8_t type, uint16_t seq,
		 size_t n, uint8_t fill)
{
	size_t len = frame(r->b, back, type, 0, 0x1234, seq, n, fill, 0);

	assert_int_equal(decode_packet(&r->dec, 1, T0, r->b, len,
				       (uint32_t)len, &r->p), DECODE_OK);
	assert_int_not_equal(r->p.echo_sum, 0);
	return echo_packet(&r->echo, &r->f, &r->p);
}

/* Ping: each reply returns its request; requests outstanding three
   deep (a round trip longer than the interval) are found too. */
static void test_ping(void **state)
{
	struct rig *r = *state;
	uint16_t s;

	for (s = 1; s <= 50; s++) {
		assert_false(feed(r, false, 8, s, 56, (uint8_t)s));
		if (s > 3)
			assert_false(feed(r, true, 0, (uint16_t)(s - 3), 56,
					  (uint8_t)(s - 3)));
	}
	assert_int_equal(r->f.findings, 0);
	assert_int_equal(r->echo.unmatched, 0);
}

/* Replies that return other data, another length, or another sequence
   number than any request: the fourth unmatched one is the finding,
   given once. */
static void test_tunnel(void **state)
{
	struct rig *r = *state;

	assert_false(feed(r, false, 8, 1, 56, 0xaa));
	assert_false(feed(r, true, 0, 1, 56, 0xbb));      /* other data */
	assert_false(feed(r, true, 0, 1, 57, 0xaa));      /* longer */
	assert_false(feed(r, true, 0, 2, 56, 0xaa));      /* other seq */
	assert_int_equal(r->f.findings, 0);
	assert_true(feed(r, true, 0, 1, 55, 0xaa));       /* shorter */
	assert_true(r->f.findings & (1u << V_ICMP_TUNNEL));
	assert_int_equal(r->f.verdict, V_ICMP_TUNNEL);
	assert_false(feed(r, true, 0, 1, 55, 0xaa));      /* said once */
	assert_int_equal(r->echo.unmatched, 5);
	/* A reply that returns the request still matches. */
	assert_false(feed(r, true, 0, 1, 56, 0xaa));
	assert_int_equal(r->echo.unmatched, 5);
}

/* Replies alone (no request of the flow seen: one direction mirrored)
   are not judged. */
static void test_replies_alone(void **state)
{
	struct rig *r = *state;
	uint16_t s;

	for (s = 1; s <= 20; s++)
		assert_false(feed(r, true, 0, s, 56, (uint8_t)s));
	assert_int_equal(r->f.findings, 0);
	assert_int_equal(r->echo.unmatched, 0);
}

/* A request of another flow is not this flow's. */
static void test_other_flow(void **state)
{
	struct rig *r = *state;
	uint16_t s;

	assert_false(feed(r, false, 8, 1, 56, 1));
	r->f.id = 8;
	for (s = 0; s < 4; s++)
		(void)feed(r, true, 0, 1, 56, 1);
	assert_true(r->f.findings & (1u << V_ICMP_TUNNEL));
}

/* ICMPv4 types 8 and 0 and ICMPv6's 128 and 129 are echo; nothing else
   is, and the decoder leaves echo_sum 0 for them and for an echo's
   later fragment. */
static void test_types(void **state)
{
	struct rig *r = *state;
	size_t len;

	assert_int_equal(echo_type(IPPROTO_NUM_ICMP, 8), ECHO_REQUEST);
	assert_int_equal(echo_type(IPPROTO_NUM_ICMP, 0), ECHO_REPLY);
	assert_int_equal(echo_type(IPPROTO_NUM_ICMPV6, 128), ECHO_REQUEST);
	assert_int_equal(echo_type(IPPROTO_NUM_ICMPV6, 129), ECHO_REPLY);
	assert_int_equal(echo_type(IPPROTO_NUM_ICMP, 128), ECHO_NONE);
	assert_int_equal(echo_type(IPPROTO_NUM_ICMPV6, 0), ECHO_NONE);
	assert_int_equal(echo_type(IPPROTO_NUM_ICMP, 13), ECHO_NONE);
	assert_int_equal(echo_type(IPPROTO_NUM_UDP, 8), ECHO_NONE);
	len = frame(r->b, false, 3, 3, 0, 0, 28, 0x45, 0);
	assert_int_equal(decode_packet(&r->dec, 1, T0, r->b, len,
				       (uint32_t)len, &r->p), DECODE_OK);
	assert_int_equal(r->p.echo_sum, 0);
	/* Offset 64 bytes, no more fragments: a later fragment, held
	   until its first comes (no ICMP header in it). */
	len = frame(r->b, false, 8, 0, 1, 1, 56, 0x11, 8);
	(void)decode_packet(&r->dec, 1, T0, r->b, len,
			    (uint32_t)len, &r->p);
	assert_int_equal(r->p.echo_sum, 0);
}

/* The hash takes every byte and the length; the cursor does not move. */
static void test_hash(void **state)
{
	uint8_t a[40], b[41];
	struct cursor c, d;
	uint32_t h;

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	cur_init(&c, a, sizeof(a));
	h = echo_hash(&c);
	assert_int_not_equal(h, 0);
	assert_int_equal(cur_left(&c), sizeof(a));
	assert_int_equal(echo_hash(&c), h);
	cur_init(&d, b, sizeof(b));
	assert_int_not_equal(echo_hash(&d), h);         /* one zero more */
	a[39] = 1;
	assert_int_not_equal(echo_hash(&c), h);         /* the last byte */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replies_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types, setup, teardown),
		cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
