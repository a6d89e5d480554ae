/*
 * test_frag.c: the fragment table on its own: holding and releasing,
 * completion, overlaps, least-recently-used eviction, expiry, the seeded
 * hash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "frag.h"
#include "siphash.h"

#define SEED 0x0123456789abcdefULL

static struct frag_key key(uint32_t id)
{
	struct frag_key k;

	memset(&k, 0, sizeof k);
	k.src.b[10] = k.src.b[11] = 0xff;
	k.src.b[15] = 1;
	k.dst.b[10] = k.dst.b[11] = 0xff;
	k.dst.b[15] = 2;
	k.id = id;
	k.family = 4;
	k.proto = 17;
	return k;
}

static struct frag_flow flow(uint16_t sport)
{
	struct frag_flow f;

	memset(&f, 0, sizeof f);
	f.sport = sport;
	f.dport = 53;
	f.family = 4;
	f.proto = 17;
	return f;
}

static void test_new_limits(void **state)
{
	struct frag_table *t;

	(void)state;
	assert_null(frag_table_new(0, 1, SEED));
	assert_null(frag_table_new(FRAG_MAX_ENTRIES + 1, 1, SEED));
	t = frag_table_new(1, 1, SEED);
	assert_non_null(t);
	assert_int_equal(frag_table_stats(t)->live, 0);
	frag_table_free(t);
	frag_table_free(NULL);
}

static void test_hash_is_seeded_and_ordered(void **state)
{
	struct frag_key a = key(7), b = key(7), swapped = key(7);

	(void)state;
	assert_true(frag_hash(&a, SEED) == frag_hash(&b, SEED));
	assert_true(frag_hash(&a, SEED) != frag_hash(&a, SEED + 1));
	b.id = 8;
	assert_true(frag_hash(&a, SEED) != frag_hash(&b, SEED));
	/* An additive hash cannot tell a datagram from its reply. */
	swapped.src = a.dst;
	swapped.dst = a.src;
	assert_true(frag_hash(&a, SEED) != frag_hash(&swapped, SEED));
}

/* The flow table's keyed hash (siphash.h), over the key's five words. */
static void test_hash_is_siphash(void **state)
{
	struct frag_key k = key(1234);
	struct sipkey sk;
	uint64_t w[5];

	(void)state;
	sipkey_from_seed(&sk, SEED);
	memcpy(w, &k, sizeof w);
	assert_true(frag_hash(&k, SEED) == siphash13_words(&sk, w, 5));
}

static void test_later_then_first(void **state)
{
	struct frag_table *t = frag_table_new(8, 1000, SEED);
	struct frag_key k = key(1);
	struct frag_flow f = flow(4000), out;
	uint32_t pk = 0;
	uint64_t by = 0, ipb = 0;

	(void)state;
	/* Two middle fragments, then the first. */
	assert_false(frag_later(t, &k, 10, 16, 16, true, 70, 36, &out));
	assert_false(frag_later(t, &k, 11, 32, 16, true, 71, 37, &out));
	assert_int_equal(frag_table_stats(t)->live, 1);
	frag_first(t, &k, 12, 16, &f, &pk, &by, &ipb);
	assert_int_equal(pk, 2);
	assert_int_equal(by, 141);
	assert_int_equal(ipb, 73);
	/* The next one finds the flow at once. */
	memset(&out, 0, sizeof out);
	assert_true(frag_later(t, &k, 13, 48, 16, false, 72, 0, &out));
	assert_int_equal(out.sport, 4000);
	assert_int_equal(out.dport, 53);
	/* 16 + 16 + 16 + 16 of 64 bytes: complete, gone. */
	assert_int_equal(frag_table_stats(t)->live, 0);
	assert_int_equal(frag_table_stats(t)->orphans, 0);
	frag_table_free(t);
}

static void test_first_then_later_completes(void **state)
{
	struct frag_table *t = frag_table_new(8, 1000, SEED);
	struct frag_key k = key(2);
	struct frag_flow f = flow(5000), out;
	uint32_t pk = 0;
	uint64_t by = 0, ipb = 0;

	(void)state;
	frag_first(t, &k, 1, 24, &f, &pk, &by, &ipb);
	assert_int_equal(pk, 0);
	assert_int_equal(frag_table_stats(t)->live, 1);
	assert_true(frag_later(t, &k, 2, 24, 8, false, 60, 0, &out));
	assert_int_equal(out.sport, 5000);
	assert_int_equal(frag_table_stats(t)->live, 0);
	frag_table_free(t);
}

/* A later fragment that begins inside the first one's bytes overlaps
   what the flow was judged on: counted once a datagram, whichever came
   first. One that begins where the first ends, or a first fragment
   again (a SPAN copy), is no overlap. */
static void test_overlap(void **state)
{
	struct frag_table *t = frag_table_new(8, 1000, SEED);
	struct frag_key a = key(3), b = key(4), c = key(5);
	struct frag_flow f = flow(6000), out;
	uint32_t pk = 0;
	uint64_t by = 0, ipb = 0;

	(void)state;
	/* First fragment of 24 bytes, then one from byte 8, then 16. */
	frag_first(t, &a, 1, 24, &f, &pk, &by, &ipb);
	assert_true(frag_later(t, &a, 2, 8, 16, true, 60, 36, &out));
	assert_int_equal(frag_table_stats(t)->overlaps, 1);
	assert_true(frag_later(t, &a, 3, 16, 16, false, 60, 36, &out));
	assert_int_equal(frag_table_stats(t)->overlaps, 1);
	/* Held from byte 8 before a first fragment of 24 bytes. */
	assert_false(frag_later(t, &b, 4, 8, 16, false, 60, 36, &out));
	frag_first(t, &b, 5, 24, &f, &pk, &by, &ipb);
	assert_int_equal(frag_table_stats(t)->overlaps, 2);
	/* Adjacent, in either order, and the first fragment twice. */
	assert_false(frag_later(t, &c, 6, 24, 8, true, 60, 28, &out));
	frag_first(t, &c, 7, 24, &f, &pk, &by, &ipb);
	frag_first(t, &c, 8, 24, &f, &pk, &by, &ipb);
	assert_true(frag_later(t, &c, 9, 32, 8, false, 60, 28, &out));
	assert_int_equal(frag_table_stats(t)->overlaps, 2);
	frag_table_free(t);
}

static void test_lru_eviction(void **state)
{
	struct frag_table *t = frag_table_new(3, 1000, SEED);
	struct frag_key k1 = key(1), k2 = key(2), k3 = key(3), k4 = key(4);
	struct frag_flow f = flow(1), out;
	uint32_t pk = 0;
	uint64_t by = 0, ipb = 0;

	(void)state;
	assert_false(frag_later(t, &k1, 1, 8, 8, true, 50, 0, &out));
	assert_false(frag_later(t, &k2, 2, 8, 8, true, 50, 0, &out));
	assert_false(frag_later(t, &k3, 3, 8, 8, true, 50, 0, &out));
	/* k1 is used again: k2 is now the least recently used. */
	assert_false(frag_later(t, &k1, 4, 16, 8, true, 50, 0, &out));
	assert_false(frag_later(t, &k4, 5, 8, 8, true, 50, 0, &out));
	assert_int_equal(frag_table_stats(t)->evictions, 1);
	assert_int_equal(frag_table_stats(t)->orphans, 1);
	assert_int_equal(frag_table_stats(t)->evicted_orphans, 1);
	assert_int_equal(frag_table_stats(t)->live, 3);
	frag_first(t, &k1, 6, 8, &f, &pk, &by, &ipb);
	assert_int_equal(pk, 2);
	assert_int_equal(by, 100);
	pk = 0;
	frag_first(t, &k3, 7, 8, &f, &pk, &by, &ipb);
	assert_int_equal(pk, 1);
	assert_int_equal(frag_table_stats(t)->evictions, 1);
	frag_table_free(t);
}

static void test_expiry(void **state)
{
	struct frag_table *t = frag_table_new(8, 10, SEED);
	struct frag_key k1 = key(1), k2 = key(2);
	struct frag_flow out;

	(void)state;
	assert_false(frag_later(t, &k1, 100, 8, 8, true, 50, 0, &out));
	assert_false(frag_later(t, &k2, 105, 8, 8, true, 50, 0, &out));
	assert_false(frag_later(t, &k2, 106, 16, 8, true, 50, 0, &out));
	frag_expire(t, 110);                 /* exactly the timeout */
	assert_int_equal(frag_table_stats(t)->live, 2);
	frag_expire(t, 111);
	assert_int_equal(frag_table_stats(t)->live, 1);
	assert_int_equal(frag_table_stats(t)->orphans, 1);
	frag_expire(t, 100);                 /* time a little back: nothing */
	assert_int_equal(frag_table_stats(t)->live, 1);
	frag_expire(t, UINT64_MAX);          /* end of input */
	assert_int_equal(frag_table_stats(t)->live, 0);
	assert_int_equal(frag_table_stats(t)->orphans, 3);
	/* Expired, not pushed out: the table had room. */
	assert_int_equal(frag_table_stats(t)->evicted_orphans, 0);
	frag_table_free(t);
}

/* A fragment stamped far after the others (2038 in a capture of 2026)
   cannot hold the expiry of those behind it until time reaches 2038: a
   stamp further than the timeout after now expires too. */
static void test_expiry_past_far_stamp(void **state)
{
	struct frag_table *t = frag_table_new(8, 10, SEED);
	struct frag_key k1 = key(1), k2 = key(2), k3 = key(3);
	struct frag_flow out;

	(void)state;
	assert_false(frag_later(t, &k1, 2145916800000000ULL, 8, 8, true, 50, 0, &out));
	assert_false(frag_later(t, &k2, 100, 8, 8, true, 50, 0, &out));
	assert_false(frag_later(t, &k3, 105, 8, 8, true, 50, 0, &out));
	frag_expire(t, 111);
	assert_int_equal(frag_table_stats(t)->live, 1);
	assert_int_equal(frag_table_stats(t)->orphans, 2);
	/* A stamp just ahead of now (within the timeout) is kept. */
	assert_false(frag_later(t, &k1, 120, 8, 8, true, 50, 0, &out));
	frag_expire(t, 112);
	assert_int_equal(frag_table_stats(t)->live, 2);
	frag_table_free(t);
}

/* Many more datagrams than slots: the table stays within its size, every
   slot is reused, and every held fragment ends up counted once. */
static void test_churn(void **state)
{
	struct frag_table *t = frag_table_new(64, 1000000, SEED);
	struct frag_flow f = flow(9), out;
	uint32_t i, pk = 0;
	uint64_t by = 0, ipb = 0;

	(void)state;
	for (i = 0; i < 5000; i++) {
		struct frag_key k = key(i);

		assert_false(frag_later(t, &k, i, 8, 8, true, 40, 0, &out));
	}
	assert_int_equal(frag_table_stats(t)->live, 64);
	assert_int_equal(frag_table_stats(t)->evictions, 5000 - 64);
	assert_int_equal(frag_table_stats(t)->orphans, 5000 - 64);
	/* The last 64 are all still there. */
	for (i = 5000 - 64; i < 5000; i++) {
		struct frag_key k = key(i);

		pk = 0;
		frag_first(t, &k, 6000, 8, &f, &pk, &by, &ipb);
		assert_int_equal(pk, 1);
	}
	frag_expire(t, UINT64_MAX);
	assert_int_equal(frag_table_stats(t)->live, 0);
	assert_int_equal(frag_table_stats(t)->orphans, 5000 - 64);
	/* Every one of them for want of room. */
	assert_int_equal(frag_table_stats(t)->evicted_orphans, 5000 - 64);
	frag_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_limits),
		cmocka_unit_test(test_hash_is_seeded_and_ordered),
		cmocka_unit_test(test_hash_is_siphash),
		cmocka_unit_test(test_later_then_first),
		cmocka_unit_test(test_first_then_later_completes),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_expiry_past_far_stamp),
		cmocka_unit_test(test_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
