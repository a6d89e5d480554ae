/*
 * test_ring.c: the single-producer single-consumer ring, on one thread:
 * what the producer publishes the consumer reads in order, across the
 * buffer's end, and a look ahead sees them so without taking them; what
 * either side asks of memory ahead stays on its own side of the ring. Under AddressSanitizer, also with a producer and two
 * consumers on threads of their own: each message is fenced.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "asan.h"   /* built with ASan: what it marks can be asked */
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

/* A look ahead (ring_look()): the published messages after the next
   read, in order, across the buffer's end and its pad, none consumed;
   nothing past the last published, until more is (the head read
   again). */
static void test_look(void **state)
{
	struct ring q;
	const struct msg *m;
	uint32_t seq = 0, take_seq = 0, round, n;
	uint64_t at;

	(void)state;
	assert_int_equal(ring_init(&q, SIZE), 0);
	for (round = 0; round < 100; round++) {
		for (n = 0; n < 4 && put(&q, seq, (seq * 53u) % 600u); n++)
			seq++;
		/* Committed, not published: nothing to see. */
		at = q.r;
		assert_null(ring_look(&q, &at));
		ring_publish(&q);
		/* From the next read: every message published, in order. */
		at = q.r;
		for (n = take_seq; n < seq; n++) {
			m = (const struct msg *)(const void *)ring_look(&q, &at);
			assert_non_null(m);
			assert_int_equal(m->seq, n);
			at += m->h.len;
		}
		assert_null(ring_look(&q, &at));
		assert_true(at == q.head_seen);
		/* Nothing consumed: the reads find them all still. */
		while (take_seq < seq)
			take(&q, take_seq++);
		assert_null(ring_peek(&q));
		ring_release(&q);
	}
	assert_true(q.w > 3 * SIZE);   /* round the buffer, past pads */
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

/* Payload bytes of a message that takes 5 lines in every build, ASan's
   red zone included: the consumer's tail stays on a line's start. */
#define FIVE_LINES (5u * RING_LINE - (uint32_t)sizeof(struct msg) - \
		    ASAN_REDZONE)

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
	while (put(&q, n, FIVE_LINES))
		n++;
	ring_publish(&q);
	take(&q, 0);
	ring_release(&q);
	/* The producer's copy of the tail is old: nothing the consumer may
	   still hold is asked for. */
	ring_claim(&q, SIZE, 1000);
	assert_true(q.claimed <= q.tail_seen + SIZE);
	assert_true(ring_has_room(&q, sizeof(struct msg) + FIVE_LINES));
	ring_claim(&q, SIZE, 1000);
	assert_true(q.claimed <= q.tail_seen + SIZE);
	assert_true(q.claimed > SIZE);
	ring_free(&q);
}

/* Messages that end inside a cache line: the line where the consumer's
   next message begins is the consumer's, though the part of it before
   that message is free. The producer's claim stops at the line before
   it (a claim for writing takes the line from the consumer's cache). */
static void test_claim_not_consumer_line(void **state)
{
	struct ring q;
	uint32_t n = 0, i;

	(void)state;
	assert_int_equal(ring_init(&q, SIZE), 0);
	/* 40 bytes a message (more under ASan: ring_span()), until the
	   ring is full. */
	while (put(&q, n, 40 - (uint32_t)sizeof(struct msg)))
		n++;
	ring_publish(&q);
	/* Three taken (120 bytes, 168 under ASan): the consumer's next
	   message starts inside a line. */
	for (i = 0; i < 3; i++)
		take(&q, i);
	ring_release(&q);
	assert_true(ring_has_room(&q, 40));
	assert_int_equal(q.tail_seen, 3 * ring_span(40));
	assert_int_not_equal(q.tail_seen % RING_LINE, 0);
	ring_claim(&q, SIZE, 1000);
	assert_true(q.claimed <= (q.tail_seen + SIZE) / RING_LINE * RING_LINE);
	ring_free(&q);
}

#ifdef IMPWATCH_ASAN
/* A frame at a message's end, as the pipeline sends its packets: put()
   writes a message whose len payload bytes are the frame. Frames of
   every length modulo 8, from 0 to 499 bytes. */
static uint32_t frame_len(uint32_t seq)
{
	return (seq * 37u) % 500u;
}

/* The message and its frame readable, whole; the byte after the frame
   not: a read past the frame's end is a report. */
static bool fenced(const struct msg *m)
{
	const uint8_t *b = (const uint8_t *)(m + 1);

	return !__asan_region_is_poisoned((void *)(uintptr_t)m,
					  sizeof(*m) + m->len) &&
	       __asan_address_is_poisoned(b + m->len);
}

/* One consumer: its ring, and what it found. */
struct side {
	struct ring q;
	uint32_t n;                 /* messages to take */
	uint32_t wrong;             /* out of order, or not whole */
	uint32_t unfenced;
	uint32_t mod8;              /* the frame lengths modulo 8 seen */
};

/* Take side->n messages, checking each, releasing every 8. */
static void *consume(void *arg)
{
	struct side *s = arg;
	const struct msg *m;
	uint32_t seq = 0, i;

	while (seq < s->n) {
		m = (const struct msg *)(const void *)ring_peek(&s->q);
		if (!m) {
			ring_release(&s->q);
			sched_yield();
			continue;
		}
		if (!fenced(m))
			s->unfenced++;
		if (m->seq != seq || m->len != frame_len(seq))
			s->wrong++;
		for (i = 0; i < m->len && m->seq == seq; i++)
			if (((const uint8_t *)(m + 1))[i] != (seq & 0xff))
				s->wrong++;
		s->mod8 |= 1u << (m->len % 8);
		ring_consume(&s->q, &m->h);
		if (++seq % 8 == 0)
			ring_release(&s->q);
	}
	ring_release(&s->q);
	return NULL;
}
#endif

/*
 * Under AddressSanitizer each message is fenced as a malloc'd block of
 * its length would be: its bytes readable, the byte after them not, so
 * that a read past a frame at a message's end (nDPI's, the evidence
 * writer's, on a flow worker) is a report, not a quiet read of the next
 * message. A producer and two consumers on threads of their own, as a
 * reader and two flow workers: frames of every length modulo 8, each
 * ring filled and wrapped round many times, so that space is reused
 * after a release and messages follow a pad. Without ASan there is
 * nothing to ask: skipped.
 */
static void test_fences(void **state)
{
#ifdef IMPWATCH_ASAN
	struct side s[2];
	pthread_t th[2];
	uint32_t seq[2] = { 0, 0 }, k, i;

	(void)state;
	for (k = 0; k < 2; k++) {
		memset(&s[k], 0, sizeof(s[k]));
		assert_int_equal(ring_init(&s[k].q, SIZE), 0);
		s[k].n = 3000;
	}
	for (k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&th[k], NULL, consume,
						&s[k]), 0);
	for (i = 0; i < 2 * 3000; i++) {
		k = (i / 3) % 2;
		while (!put(&s[k].q, seq[k], frame_len(seq[k]))) {
			ring_publish(&s[k].q);
			sched_yield();
		}
		seq[k]++;
		if (i % 8 == 0) {
			ring_publish(&s[0].q);
			ring_publish(&s[1].q);
		}
	}
	for (k = 0; k < 2; k++) {
		ring_publish(&s[k].q);
		assert_int_equal(pthread_join(th[k], NULL), 0);
		ring_free(&s[k].q);
	}
	for (k = 0; k < 2; k++) {
		assert_int_equal(s[k].wrong, 0);
		assert_int_equal(s[k].unfenced, 0);
		assert_int_equal(s[k].mod8, 0xff);
		/* Round the buffer many times. */
		assert_true(s[k].q.w > 100 * SIZE);
	}
#else
	(void)state;
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_across_end),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_look),
		cmocka_unit_test(test_fetch_bounds),
		cmocka_unit_test(test_claim_bounds),
		cmocka_unit_test(test_claim_not_consumer_line),
		cmocka_unit_test(test_fences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
