/*
 * ring.c: the single-producer single-consumer message ring and the
 * waiter (the contract is in ring.h).
 */
#include "ring.h"

#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

int ring_init(struct ring *q, size_t size)
{
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	q->w = q->tail_seen = q->claimed = 0;
	q->r = q->head_seen = q->fetched = 0;
	q->size = size;
	q->buf = aligned_alloc(RING_LINE, size);
	if (!q->buf)
		return -1;
	/* Under ASan: nothing is read before it is reserved. */
	asan_poison(q->buf, size);
	return 0;
}

void ring_free(struct ring *q)
{
	if (q->buf)
		asan_unpoison(q->buf, q->size);
	free(q->buf);
	q->buf = NULL;
}

/* Bytes from the producer's position to the end of the buffer. */
static size_t to_end(const struct ring *q)
{
	return q->size - (size_t)(q->w & (q->size - 1));
}

/* The bytes a message taking span (ring_span()) takes from the
   producer's position: with the pad in front of it when it does not fit
   before the end. */
static uint64_t needs(const struct ring *q, uint32_t span)
{
	return to_end(q) < span ? to_end(q) + span : span;
}

bool ring_has_room(struct ring *q, uint32_t len)
{
	uint32_t span = ring_span(len);

	if (q->size - (q->w - q->tail_seen) >= needs(q, span))
		return true;
	q->tail_seen = atomic_load_explicit(&q->tail, memory_order_acquire);
	return q->size - (q->w - q->tail_seen) >= needs(q, span);
}

struct ring_msg *ring_reserve_slow(struct ring *q, uint32_t len,
				   uint32_t type)
{
	uint32_t span = ring_span(len);
	struct ring_msg *m;

	if (span > q->size / 2 || !ring_has_room(q, len))
		return NULL;
	if (to_end(q) < span) {
		/* The pad: its header alone is read. */
		m = ring_lay(q->buf + (q->w & (q->size - 1)),
			     sizeof(*m), (uint32_t)to_end(q), RING_PAD);
		q->w += m->len;
	}
	return ring_lay(q->buf + (q->w & (q->size - 1)), len, span, type);
}

void ring_publish(struct ring *q)
{
	/* Sequentially consistent: ordered before the load of the
	   consumer's asleep flag that follows (waiter_wake()). */
	atomic_store_explicit(&q->head, q->w, memory_order_seq_cst);
}

bool ring_ready(struct ring *q)
{
	if (q->r != q->head_seen)
		return true;
	q->head_seen = atomic_load_explicit(&q->head, memory_order_seq_cst);
	return q->r != q->head_seen;
}

bool ring_spin(bool (*ready)(void *ctx), void *ctx, unsigned looks)
{
	unsigned i;

	for (i = 0; i < looks; i++) {
		if (ready(ctx))
			return true;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	return false;
}

const struct ring_msg *ring_peek(struct ring *q)
{
	const struct ring_msg *m;

	for (;;) {
		if (!ring_ready(q))
			return NULL;
		m = (const struct ring_msg *)(q->buf + (q->r & (q->size - 1)));
		if (m->type != RING_PAD)
			return m;
		q->r += m->len;
	}
}

void ring_consume(struct ring *q, const struct ring_msg *m)
{
	q->r += m->len;
}

void ring_release(struct ring *q)
{
	atomic_store_explicit(&q->tail, q->r, memory_order_seq_cst);
}

void waiter_sleep(struct waiter *w, bool (*ready)(void *ctx), void *ctx)
{
	uint32_t seq = atomic_load_explicit(&w->seq, memory_order_seq_cst);
	struct timespec ts = { 0, RING_SLEEP_MS * 1000000L };

	atomic_store_explicit(&w->asleep, 1, memory_order_seq_cst);
	/* Whatever was published before the flag was seen set is seen
	   here; whatever after, wakes the futex. */
	if (!ready(ctx))
		syscall(SYS_futex, &w->seq, FUTEX_WAIT_PRIVATE, seq, &ts, NULL, 0);
	atomic_store_explicit(&w->asleep, 0, memory_order_relaxed);
}

void waiter_wake(struct waiter *w)
{
	if (!atomic_load_explicit(&w->asleep, memory_order_seq_cst))
		return;
	atomic_fetch_add_explicit(&w->seq, 1, memory_order_seq_cst);
	syscall(SYS_futex, &w->seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
