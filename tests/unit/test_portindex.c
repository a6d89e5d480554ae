/*
 * test_portindex.c: rows by (IP protocol, port), built once: single ports,
 * ranges, their merge, the per-key limit, and the table's shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "portindex.h"

#define MAX 64

static struct portindex *build_ok(const struct portindex_item *items,
				  size_t n, size_t n_rows)
{
	struct portindex *ix = NULL;
	struct portindex_full full;

	assert_int_equal(portindex_build(&ix, items, n, n_rows, MAX, &full),
			 PORTINDEX_OK);
	assert_non_null(ix);
	return ix;
}

/* The rows at (proto, port), as a string "1,4,7" for short asserts. */
static const char *rows_at(const struct portindex *ix, uint8_t proto,
			   uint16_t port)
{
	static char buf[512];
	struct portindex_match m = portindex_find(ix, proto, port);
	size_t used = 0;
	uint16_t i;

	buf[0] = '\0';
	for (i = 0; i < m.n; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%u",
					 i ? "," : "", (unsigned)m.rows[i]);
	return buf;
}

static void test_singles_and_ranges(void **state)
{
	static const struct portindex_item items[] = {
		{ 6, 5060, 5060, 0 },
		{ 17, 5060, 5060, 0 },
		{ 6, 5061, 5061, 1 },
		{ 6, 5000, 5100, 2 },     /* a range over both singles */
		{ 6, 5060, 5060, 3 },     /* a second row on 5060 */
		{ 6, 6000, 6010, 4 },
		{ 6, 6005, 6020, 5 },     /* overlapping ranges */
		{ 6, 6030, 6040, 4 },     /* one row, two ranges */
		{ 6, 6041, 6050, 4 },     /* ... touching: one row, listed once */
		{ 1, 0, 0, 6 },           /* ICMP rows live under port 0 */
	};
	struct portindex *ix = build_ok(items, sizeof(items) / sizeof(items[0]), 7);

	(void)state;
	/* Catalogue order, a single port merged with the ranges over it. */
	assert_string_equal(rows_at(ix, 6, 5060), "0,2,3");
	assert_string_equal(rows_at(ix, 17, 5060), "0");
	assert_string_equal(rows_at(ix, 6, 5061), "1,2");
	assert_string_equal(rows_at(ix, 6, 5000), "2");
	assert_string_equal(rows_at(ix, 6, 5100), "2");
	assert_string_equal(rows_at(ix, 6, 4999), "");
	assert_string_equal(rows_at(ix, 6, 5101), "");
	assert_string_equal(rows_at(ix, 17, 5061), "");
	assert_string_equal(rows_at(ix, 6, 6004), "4");
	assert_string_equal(rows_at(ix, 6, 6005), "4,5");
	assert_string_equal(rows_at(ix, 6, 6010), "4,5");
	assert_string_equal(rows_at(ix, 6, 6011), "5");
	assert_string_equal(rows_at(ix, 6, 6020), "5");
	assert_string_equal(rows_at(ix, 6, 6025), "");
	assert_string_equal(rows_at(ix, 6, 6040), "4");
	assert_string_equal(rows_at(ix, 6, 6041), "4");
	assert_string_equal(rows_at(ix, 6, 6050), "4");
	assert_string_equal(rows_at(ix, 1, 0), "6");
	assert_string_equal(rows_at(ix, 58, 0), "");
	/* The protocol is part of the key: no range spills into another. */
	assert_string_equal(rows_at(ix, 7, 5060), "");
	portindex_free(ix);
}

/* Nothing indexed: every lookup is empty, and so is a NULL index. */
static void test_empty(void **state)
{
	struct portindex *ix = build_ok(NULL, 0, 0);

	(void)state;
	assert_int_equal(portindex_find(ix, 6, 80).n, 0);
	assert_int_equal(portindex_find(NULL, 6, 80).n, 0);
	portindex_free(ix);
	portindex_free(NULL);
}

/* Past max rows on one key the build fails and names the first row past
   the limit and the key, as a single port or as a segment of ranges. */
static void test_full(void **state)
{
	struct portindex_item items[2 * MAX + 2];
	struct portindex_full full;
	struct portindex *ix = NULL;
	size_t i;

	(void)state;
	for (i = 0; i <= MAX; i++)
		items[i] = (struct portindex_item){ 6, 5, 5, (uint16_t)i };
	memset(&full, 0, sizeof(full));
	assert_int_equal(portindex_build(&ix, items, MAX + 1, MAX + 1, MAX, &full),
			 PORTINDEX_FULL);
	assert_null(ix);
	assert_int_equal(full.row, MAX);
	assert_int_equal(full.proto, 6);
	assert_int_equal(full.lo, 5);
	assert_int_equal(full.hi, 5);

	/* Exactly max is fine. */
	ix = build_ok(items, MAX, MAX);
	assert_int_equal(portindex_find(ix, 6, 5).n, MAX);
	portindex_free(ix);
	ix = NULL;

	/* Ranges: the segment where the limit is passed. */
	for (i = 0; i <= MAX; i++)
		items[i] = (struct portindex_item){ 17, (uint16_t)(100 + i), 200,
						    (uint16_t)i };
	assert_int_equal(portindex_build(&ix, items, MAX + 1, MAX + 1, MAX, &full),
			 PORTINDEX_FULL);
	assert_null(ix);
	assert_int_equal(full.row, MAX);
	assert_int_equal(full.proto, 17);
	assert_int_equal(full.lo, 100 + MAX);
	assert_int_equal(full.hi, 200);

	/* Half on a range and half as single ports: over the limit only
	   where they meet. */
	for (i = 0; i < 40; i++) {
		items[2 * i] = (struct portindex_item){ 6, 150, 150, (uint16_t)(2 * i) };
		items[2 * i + 1] = (struct portindex_item){ 6, 100, 200,
							    (uint16_t)(2 * i + 1) };
	}
	assert_int_equal(portindex_build(&ix, items, 80, 80, MAX, &full),
			 PORTINDEX_FULL);
	assert_null(ix);
	assert_int_equal(full.row, MAX);
	assert_int_equal(full.lo, 150);
	assert_int_equal(full.hi, 150);
}

/* The table's shape: a power of two slots, at most half full, so every
   probe sequence ends at an empty slot; counted, never timed. */
static void test_shape(void **state)
{
	enum { N = 3000 };
	struct portindex_item *items = calloc(N, sizeof(*items));
	struct portindex_stats st;
	struct portindex *ix;
	size_t i;

	(void)state;
	assert_non_null(items);
	for (i = 0; i < N; i++)
		items[i] = (struct portindex_item){ (uint8_t)(i % 2 ? 6 : 17),
						    (uint16_t)(1 + i * 7),
						    (uint16_t)(1 + i * 7),
						    (uint16_t)(i % 100) };
	ix = build_ok(items, N, 100);
	portindex_stats(ix, &st);
	assert_int_equal(st.keys, N);
	assert_int_equal(st.slots & (st.slots - 1), 0);
	assert_true(st.slots >= 2 * st.keys);
	assert_true(st.slots < 4 * st.keys);
	assert_int_equal(st.segments, 0);
	/* Every key is found, and no lookup walks far. */
	for (i = 0; i < N; i++)
		assert_int_equal(portindex_find(ix, items[i].proto, items[i].lo).n, 1);
	assert_true(st.max_probes >= 1);
	assert_true(st.max_probes <= 8);
	portindex_free(ix);
	free(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_singles_and_ranges),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
