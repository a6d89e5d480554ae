/*
 * ring.h: a single-producer single-consumer queue of messages between two
 * threads, and the way a thread with nothing to do sleeps until another
 * gives it some.
 *
 * The ring is a power-of-two byte buffer holding messages of any length
 * (a header, then the message), each contiguous: a message that does not
 * fit before the buffer's end is put at its start, after a pad. The
 * producer writes in place (ring_reserve(), ring_commit()) and makes what
 * it wrote visible in batches (ring_publish()); the consumer reads in
 * place (ring_peek(), ring_consume()) and hands the space back in batches
 * (ring_release()). Positions are C11 atomics, stored with release and
 * loaded with acquire, once per batch: no lock, no system call and no
 * allocation per message. Each side keeps a copy of the other's position
 * and reads the shared one only when its copy says the ring is full or
 * empty (or, for the consumer, when a look ahead, ring_look(), reaches
 * it).
 *
 * A thread that finds nothing to do sleeps on its waiter (a futex) after
 * saying so; the other side wakes it when it publishes or releases and
 * sees it asleep. Both the flag and the position are sequentially
 * consistent, so one of the two always sees the other: no wake-up is lost.
 * A sleep also ends after RING_SLEEP_MS, whatever happens.
 *
 * Under AddressSanitizer (asan.h) each message is fenced as a malloc'd
 * block of its length would be: the len bytes reserve asked for are
 * readable, the ASAN_REDZONE bytes or more after them, up to the next
 * message, are not (a pad's bytes after its header neither), and the
 * rest of the buffer not until it is reserved. So a frame a message
 * ends with (the pipeline's packets and evidence) is read past by no
 * one: a read beyond it is a report, not a quiet read of the message
 * after it. The producer sets the marks as it reserves, on space the
 * consumer has released; the consumer reads only what it was given.
 * Without ASan a message takes its length rounded to 8, nothing marked.
 */
#ifndef IMPWATCH_RING_H
#define IMPWATCH_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asan.h"

/* Cache line: the two sides' positions live on lines of their own, so
   that one writing its own does not take the other's from its cache. */
#define RING_LINE 64

/* The header in front of every message. */
struct ring_msg {
	uint32_t len;       /* header included, a multiple of 8 (with
	                       the red zone under ASan: ring_span()) */
	uint32_t type;      /* the user's; RING_PAD is the ring's */
};
#define RING_PAD 0xffffffffu

struct ring {
	_Alignas(RING_LINE) _Atomic uint64_t head;   /* published by the producer */
	_Alignas(RING_LINE) _Atomic uint64_t tail;   /* released by the consumer */
	_Alignas(RING_LINE) uint64_t w;              /* producer: next write */
	uint64_t tail_seen;                          /* producer: tail last read */
	uint64_t claimed;                            /* producer: asked for up to
	                                                here (ring_claim()) */
	_Alignas(RING_LINE) uint64_t r;              /* consumer: next read */
	uint64_t head_seen;                          /* consumer: head last read */
	uint64_t fetched;                            /* consumer: asked of memory
	                                                up to here (ring_fetch()) */
	uint8_t *buf;
	size_t size;                                 /* a power of two */
};

/* A thread's place to sleep. */
struct waiter {
	_Alignas(RING_LINE) _Atomic uint32_t seq;    /* the futex word */
	_Atomic uint32_t asleep;                     /* it is about to sleep */
};

/* A ring of size bytes (a power of two, at least 4096). -1 when out of
   memory. */
int ring_init(struct ring *q, size_t size);
void ring_free(struct ring *q);

/* Producer: room for a message of len bytes (header included), its
   header set (len rounded up, type); NULL when the ring is full. */
static inline struct ring_msg *ring_reserve(struct ring *q, uint32_t len,
					    uint32_t type);
/* The same, when the room the producer knows of is not enough. */
struct ring_msg *ring_reserve_slow(struct ring *q, uint32_t len,
				   uint32_t type);
/* Producer: the message reserved last is written. */
static inline void ring_commit(struct ring *q, struct ring_msg *m);
/* Producer: make every committed message visible. */
void ring_publish(struct ring *q);
/* Producer: the free bytes from the next write on, up to bytes of them,
   asked of memory to be written, at most lines lines a call (those
   asked for already are not asked again): the consumer read them last,
   on another core. Never the line the consumer's next message begins
   in. A hint only. */
static inline void ring_claim(struct ring *q, size_t bytes, unsigned lines);
/* Producer: whether len bytes could be reserved now (reads the tail). */
bool ring_has_room(struct ring *q, uint32_t len);

/* Consumer: the next published message, or NULL. */
const struct ring_msg *ring_peek(struct ring *q);
/* Consumer: done with the message ring_peek() gave. */
void ring_consume(struct ring *q, const struct ring_msg *m);
/* Consumer: hand back the space of every consumed message. */
void ring_release(struct ring *q);
/* Consumer: the published bytes from the next read on, up to bytes of
   them, asked of memory, at most lines lines of them a call (those
   asked for already are not asked again). The producer wrote them on
   another core: read one message at a time, each wait for a line would
   begin only once the message before it said where the next starts;
   asked for a few at a time between messages, the waits overlap with
   the work. A hint only. */
static inline void ring_fetch(struct ring *q, size_t bytes,
			      unsigned lines);
/* Consumer: a look ahead, nothing consumed: the message at position
   *at (the next read's, or one past it), published, pads skipped and
   *at moved to it; NULL when none is (the head read again then). The
   next is at *at + its len. */
static inline const struct ring_msg *ring_look(struct ring *q,
					       uint64_t *at);
/* Consumer: whether a message is published (reads the head). */
bool ring_ready(struct ring *q);
/* Consumer: whether ready(ctx) (a message published in any of its
   rings) within looks looks, the CPU told it is a wait loop between
   them. */
bool ring_spin(bool (*ready)(void *ctx), void *ctx, unsigned looks);

/* Sleep on w unless ready(ctx) is true once the sleep is announced, at
   most RING_SLEEP_MS. */
void waiter_sleep(struct waiter *w, bool (*ready)(void *ctx), void *ctx);
/* Wake w's thread if it sleeps or is about to. */
void waiter_wake(struct waiter *w);

/* The bytes a message of len takes: messages start on 8-byte
   boundaries, their fields read in place; under ASan its red zone
   follows. */
static inline uint32_t ring_span(uint32_t len)
{
	return ((len + 7u) & ~7u) + ASAN_REDZONE;
}

/* The message at m of len bytes, taking span: its header set and, under
   ASan, its len bytes readable and the rest not, whatever they were
   before (a message of a round before, its red zone). */
static inline struct ring_msg *ring_lay(void *at, uint32_t len,
					uint32_t span, uint32_t type)
{
	struct ring_msg *m = (struct ring_msg *)at;

	asan_unpoison(m, len);
	asan_poison((uint8_t *)m + len, span - len);
	m->len = span;
	m->type = type;
	return m;
}

/* Inline: the reader reserves and commits once a packet. */
static inline struct ring_msg *ring_reserve(struct ring *q, uint32_t len,
					    uint32_t type)
{
	size_t at = (size_t)(q->w & (q->size - 1));
	uint32_t span = ring_span(len);

	/* Before the end, in the room last seen: no pad, no load. */
	if (span > q->size - at || span > q->size - (q->w - q->tail_seen) ||
	    span > q->size / 2)
		return ring_reserve_slow(q, len, type);
	return ring_lay(q->buf + at, len, span, type);
}

static inline void ring_commit(struct ring *q, struct ring_msg *m)
{
	q->w += m->len;
}

/* The n lines from position at on (a line's start) asked of memory, for
   writing or for reading: a pointer walk, the buffer's end met once at
   most (n lines are never more than the ring). */
static inline void ring_ask(const struct ring *q, uint64_t at, uint64_t n,
			    bool write)
{
	const uint8_t *p = q->buf + (size_t)(at & (q->size - 1));
	const uint8_t *end = q->buf + q->size;
	uint64_t k = (uint64_t)(end - p) / RING_LINE;   /* lines before it */

	while (n > 0) {
		if (k > n)
			k = n;
		n -= k;
		for (; k > 0; k--, p += RING_LINE) {
			if (write)
				__builtin_prefetch(p, 1, 3);
			else
				__builtin_prefetch(p, 0, 3);
		}
		p = q->buf;
		k = q->size / RING_LINE;
	}
}

/* Ask for the lines from *mark (or from, if later) up to end, at most
   lines of them, and move *mark past them: each line is asked once. */
static inline void ring_ask_ahead(const struct ring *q, uint64_t *mark,
				  uint64_t from, uint64_t end, unsigned lines,
				  bool write)
{
	uint64_t at = *mark > from ? *mark : from;
	uint64_t n;

	if (at >= end)
		return;
	/* From the line at lies in: a message need not start on one. */
	at &= ~(uint64_t)(RING_LINE - 1);
	n = (end - at + RING_LINE - 1) / RING_LINE;
	if (n > lines)
		n = lines;
	ring_ask(q, at, n, write);
	*mark = at + n * RING_LINE;
}

/* Inline: the reader calls it once a packet. */
static inline void ring_claim(struct ring *q, size_t bytes, unsigned lines)
{
	uint64_t end = q->w + bytes;

	/* Not the lines the consumer may still read: nor the one its next
	   message begins in, though the bytes before that are free. */
	if (end > q->tail_seen + q->size)
		end = (q->tail_seen + q->size) & ~(uint64_t)(RING_LINE - 1);
	ring_ask_ahead(q, &q->claimed, q->w, end, lines, true);
}

/* Inline: a worker calls it once a message. */
static inline void ring_fetch(struct ring *q, size_t bytes, unsigned lines)
{
	uint64_t end = q->r + bytes;

	if (end > q->head_seen)
		end = q->head_seen;
	ring_ask_ahead(q, &q->fetched, q->r, end, lines, false);
}

/* Inline: a worker looks ahead once a batch. */
static inline const struct ring_msg *ring_look(struct ring *q,
					       uint64_t *at)
{
	const struct ring_msg *m;

	if (*at >= q->head_seen)
		q->head_seen = atomic_load_explicit(&q->head,
						    memory_order_seq_cst);
	while (*at < q->head_seen) {
		m = (const struct ring_msg *)(const void *)
			(q->buf + (size_t)(*at & (q->size - 1)));
		if (m->type != RING_PAD)
			return m;
		*at += m->len;
	}
	return NULL;
}

#endif
