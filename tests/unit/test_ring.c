/*
 * test_ring.c: the single-producer single-consumer ring, on one thread:
 * what the producer publishes the consumer reads in order, across the
 * buffer's end; what either side asks of memory ahead stays on its own
 * side of the ring.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

#define SIZE 4096u

struct msg {
	struct ring_msg h;
	uint32_t seq;
	uint32_t len;               /* bytes of payload after it */
};

/* Put message seq with len payload bytes (each seq's low byte); false
   when the ring is full. */
static bool put(struct ring *q, uint32_t seq, uint32_t len)
{
	struct msg *m = (struct msg *)(void *)
		ring_reserve(q, (uint32_t)sizeof(*m) + len, 1);

	if (!m)
		return false;
	m->seq = seq;
	m->len = len;
	memset(m + 1, (int)(seq & 0xff), len);
	ring_commit(q, &m->h);
	return true;
}

/* Take the next message: it must be seq, whole. */
static void take(struct ring *q, uint32_t seq)
{
	const struct msg *m = (const struct msg *)(const void *)ring_peek(q);
	const uint8_t *b;
	uint32_t i;

	assert_non_null(m);
	assert_int_equal(m->seq, seq);
	b = (const uint8_t *)(m + 1);
	for (i = 0; i < m->len; i++)
		assert_int_equal(b[i], seq & 0xff);
	ring_consume(q, &m->h);
}

/* Messages of many sizes, round the buffer many times: each arrives
   once, in order, whole; nothing is seen before it is published. */
static void test_order_across_end(void **state)
{
	struct ring q;
	uint32_t put_seq = 0, take_seq = 0, round;

	(void)state;
	assert_int_equal(ring_init(&q, SIZE), 0);
	for (round = 0; round < 200; round++) {
		uint32_t n = 0;

		while (n < 5 && put(&q, put_seq, (put_seq * 37u) % 700u)) {
			put_seq++;
			n++;
		}
		assert_null(ring_peek(&q));
		ring_publish(&q);
		while (take_seq < put_seq)
			take(&q, take_seq++);
		assert_null(ring_peek(&q));
		ring_release(&q);
	}
	ring_free(&q);
}

/* Full: no reservation until the consumer releases. */
static void test_full(void **state)
{
	struct ring q;
	uint32_t n = 0;

	(void)state;
	assert_int_equal(ring_init(&q, SIZE), 0);
	while (put(&q, n, 500))
		n++;
	assert_true(n > 0);
	assert_false(ring_has_room(&q, sizeof(struct msg) + 500));
	ring_publish(&q);
	take(&q, 0);
	/* Consumed, not yet released: still full. */
	assert_false(ring_has_room(&q, sizeof(struct msg) + 500));
	ring_release(&q);
	assert_true(put(&q, n, 500));
	ring_free(&q);
}

/* What the consumer asks of memory ahead: never past the last published
   byte, at most lines lines a call, and each line once. */
static void test_fetch_bounds(void **state)
{
	struct ring q;
	uint32_t i;

	(void)state;
	assert_int_equal(ring_init(&q, SIZE), 0);
	for (i = 0; i < 6; i++)
		assert_true(put(&q, i, 300));
	ring_fetch(&q, SIZE, 8);
	/* Nothing published yet. */
	assert_int_equal(q.fetched, 0);
	ring_publish(&q);
	assert_true(ring_ready(&q));
	ring_fetch(&q, SIZE, 2);
	assert_int_equal(q.fetched, 2 * RING_LINE);
	ring_fetch(&q, 64 * RING_LINE, 1000);
	assert_true(q.fetched >= q.head_seen);
	assert_true(q.fetched < q.head_seen + RING_LINE);
	/* The window ends where asked, before what is published. */
	take(&q, 0);
	take(&q, 1);
	q.fetched = q.r;
	ring_fetch(&q, 100, 1000);
	assert_true(q.fetched <= ((q.r + 100 + RING_LINE - 1) &
				  ~(uint64_t)(RING_LINE - 1)));
	ring_free(&q);
}

/* What the producer asks for ahead of its writes: never a line the
   consumer may still read, at most lines lines a call, each line once. */
static void test_claim_bounds(void **state)
{
	struct ring q;
	uint32_t n = 0;

	(void)state;
	assert_int_equal(ring_init(&q, SIZE), 0);
	ring_claim(&q, SIZE, 3);
	assert_int_equal(q.claimed, 3 * RING_LINE);
	ring_claim(&q, 2 * SIZE, 1000);
	/* The whole ring is free, no more. */
	assert_int_equal(q.claimed, SIZE);
	while (put(&q, n, 300))
		n++;
	ring_publish(&q);
	take(&q, 0);
	ring_release(&q);
	/* The producer's copy of the tail is old: nothing the consumer may
	   still hold is asked for. */
	ring_claim(&q, SIZE, 1000);
	assert_true(q.claimed <= q.tail_seen + SIZE);
	assert_true(ring_has_room(&q, sizeof(struct msg) + 300));
	ring_claim(&q, SIZE, 1000);
	assert_true(q.claimed <= q.tail_seen + SIZE);
	assert_true(q.claimed > SIZE);
	ring_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_across_end),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_fetch_bounds),
		cmocka_unit_test(test_claim_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
