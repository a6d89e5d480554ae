/*
 * pipeline.c: the reader, its flow workers and the way back to the sink
 * (the contract is in pipeline.h).
 */
#define _GNU_SOURCE   /* pthread_setname_np() */
#include "pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "options.h"
#include "ring.h"
#include "util.h"

/* To a worker. */
enum in_type { IN_PACKET, IN_TICK, IN_FLUSH, IN_STATS, IN_FINISH };
/* From a worker. */
enum out_type { OUT_FLOW, OUT_TEXT, OUT_ALERT, OUT_FRAME, OUT_STATS, OUT_DONE };

/* Where a pointer of the packet lies in its frame: its offset + 1, 0 when
   it points elsewhere or nowhere (it then stays NULL). */
#define NO_OFF 0u

/* The part of a packet a worker reads: up to its pointers into the
   frame and its tunnel layers, which the reader has dealt with. */
#define PKT_PART offsetof(struct packet, l3)
/* Its fixed part: the fragment-held counters follow only when there are
   any (IP_HELD). */
#define PKT_HEAD offsetof(struct packet, held_pkts)
#define PKT_HELD (PKT_PART - PKT_HEAD)
/* The worker's copy of the packet is read for its key at once
   (decode.h says why the addresses start on 16 bytes). */
_Static_assert(offsetof(struct packet, src) % 16 == 0,
	       "a packet's addresses start on 16 bytes");

/*
 * An inner packet for a worker. Every byte of a message goes from the
 * reader's core to the worker's, so a message is as short as its packet
 * allows: the flow key is not sent, the worker builds it again from the
 * packet (flow_prep_hashed()), and what most packets do not need
 * follows the fixed part only when the flags say so, in this order:
 *   IP_HELD    the packet's fragment-held counters, when it has any
 *              (PKT_HELD bytes of struct packet from held_pkts on)
 *   IP_NOW     the clock's time, when it is not the packet's (uint64_t)
 *   IP_STAMP   the frame's own stamp, when not the packet's (uint64_t)
 *   IP_ERSPAN  the outermost ERSPAN II/III layer with a session id,
 *              which the flow records (flow.c) (struct tun_layer)
 *   IP_BYTES   the frame, for a worker that reads it: a struct in_bytes,
 *              then its caplen bytes, last: under ASan the ring fences
 *              a message's end (ring.h), so a read past the frame (by
 *              nDPI, the TLS check, the evidence) is a report
 */
struct in_packet {
	struct ring_msg h;
	uint64_t hash;               /* the flow's (flow_prepare()) */
	uint32_t flags;              /* IP_* */
	_Alignas(8) unsigned char p[PKT_HEAD];   /* struct packet's first part */
};

#define IP_FINDING 0x01u         /* a carrier made it evidence */
#define IP_NOW     0x02u
#define IP_STAMP   0x04u
#define IP_ERSPAN  0x08u
#define IP_BYTES   0x10u
#define IP_HELD    0x20u

struct in_bytes {
	uint32_t caplen;             /* the wire length is p's */
	int32_t dlt;
	uint32_t l3_off, payload_off;   /* NO_OFF or offset + 1 */
};

struct in_ctl {
	struct ring_msg h;
	uint64_t arg;                /* IN_TICK: time; IN_FINISH: reason */
};

struct out_record {
	struct ring_msg h;
	struct flow_record r;
};

/* A flow record and its text (OUT_TEXT): len bytes after it. */
struct out_text {
	struct ring_msg h;
	struct flow_record r;
	uint32_t len;
};

/* An evidence frame: its caplen bytes after it, fenced as IP_BYTES. */
struct out_frame {
	struct ring_msg h;
	uint64_t ts_us;
	uint32_t caplen, wire_len;
	int32_t dlt;
};

struct out_stats {
	struct ring_msg h;
	struct worker_stats s;
};

/* A thread's records on their way to the calling thread, which alone
   hands them to the sink: a flow worker's, and a reader thread's. */
struct outq {
	struct pipeline *pl;
	unsigned id;                 /* its counters' and flow ids' slot */
	struct ring ring;
	struct waiter *wake;         /* its thread sleeps here */
	struct worker_out to_sink;   /* the sink's callbacks for its records */
	struct sink_fmt *fmt;        /* writes its flow records as text, or
	                                NULL: the sink does */
	bool done;                   /* its OUT_DONE came */
	bool stats_due;              /* an OUT_STATS is awaited */
};

struct pworker {
	struct outq q;               /* first: the callbacks' ctx */
	unsigned k;                  /* 0..n-1 */
	struct worker *w;
	struct ring ctl;             /* IN_STATS, IN_FINISH: from the calling
	                                thread */
	struct waiter wake;          /* the worker's thread sleeps here */
	pthread_t th;
	bool started;
	unsigned since_release[PIPE_READERS_MAX];   /* per reader: messages
	                                               consumed, not released */
	uint64_t asked[PIPE_READERS_MAX];   /* per reader: the ring's position
	                                       up to which the flows' buckets
	                                       were asked for (take_some()) */
};

/* A reader: the calling thread's (one), or one thread per interface. */
struct preader {
	struct outq q;               /* its thread's records (threads only) */
	struct pipeline *pl;
	unsigned idx;
	struct worker *w;
	struct ring *to;             /* to[k]: its ring to worker k */
	unsigned *pending;           /* per worker: committed, not published */
	struct waiter wake;          /* its thread waits for room here */
	struct waiter *room_wake;    /* the waiter of whoever fills its rings */
	_Atomic int waits_for;       /* the worker whose ring it waits for room
	                                in, or -1 */
	uint64_t last_tick;          /* clock time last sent to every worker */
	uint64_t now_us;             /* the clock's time at the last packet */
	unsigned since_pump;         /* packets routed since the last pump */
	unsigned stats_seen;         /* the last request answered */
	reader_fn body;
	void *ctx;
	pthread_t th;
	bool started;
};

/*
 * The reader, moved to the CPU of a worker that runs out of packets
 * (pipeline.h, pipeline_follow()). Set by the reader before the first
 * worker reads it (on, release); cpu is the CPU its affinity was last
 * set to by a worker, -1 none. Two workers moving it at once may leave
 * cpu naming the other's CPU: the next move mends it.
 */
struct follow {
	_Atomic bool on;
	_Atomic int cpu;
	bool enabled;                /* the reader's: affinity to give back */
	pid_t tid;                   /* the reader's thread */
	cpu_set_t orig;              /* its affinity before */
};

struct pipeline {
	const struct engine *eng;
	unsigned n;                  /* workers */
	unsigned nr;                 /* readers */
	bool threaded;               /* the readers have threads of their own */
	struct pworker *pw;
	struct preader *rd;
	struct sink *sink;
	struct waiter wake;          /* the calling thread sleeps here */
	bool bytes;                  /* workers read frames' bytes */
	bool discard;                /* workers drop packets (the reader's
	                                ceiling, measured by the benchmark) */
	_Atomic unsigned stats_req;  /* reader threads: counters asked for */
	uint64_t worker_states;      /* nDPI states the workers share */
	uint64_t reader_states;      /* each reader's, for its own flows */
	uint32_t worker_flows;       /* --max-flows less the readers' tables */
	unsigned spin;               /* looks at an empty ring before a sleep */
	struct carriers *carriers;   /* reader threads: theirs, added up */
	struct follow follow;        /* the reader to the CPU of a worker
	                                out of packets (pipeline_follow()) */
};

/* A second of the clock: how often its time reaches every worker. */
#define TICK_US 1000000u
/* Packets routed between two looks at the workers' records. */
#define PUMP_EVERY 256u
/* Messages a worker takes at once, their flows fetched together. */
#define WORKER_AHEAD 16u

/* ---- the reader follows the workers ------------------------------------ */

/* A worker about to sleep for want of packets: the reader to its CPU,
   unless there already (or the CPU is not one it may use). */
static void follow_me(struct pipeline *pl)
{
	struct follow *fo = &pl->follow;
	cpu_set_t one;
	int cpu;

	if (!atomic_load_explicit(&fo->on, memory_order_acquire))
		return;
	cpu = sched_getcpu();
	if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &fo->orig) ||
	    atomic_exchange_explicit(&fo->cpu, cpu, memory_order_relaxed) == cpu)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	(void)sched_setaffinity(fo->tid, sizeof(one), &one);
}

/* The reader's: no more moves, and its affinity as it was. */
static void follow_stop(struct pipeline *pl)
{
	struct follow *fo = &pl->follow;

	if (!fo->enabled)
		return;
	atomic_store_explicit(&fo->on, false, memory_order_relaxed);
	(void)sched_setaffinity(fo->tid, sizeof(fo->orig), &fo->orig);
}

void pipeline_follow(struct pipeline *pl)
{
	struct follow *fo = &pl->follow;

	if (pl->threaded || fo->enabled ||
	    sched_getaffinity(0, sizeof(fo->orig), &fo->orig) != 0 ||
	    !pipeline_follow_wanted(CPU_COUNT(&fo->orig), pl->nr, pl->n,
				    pl->eng->dpi))
		return;
	fo->tid = gettid();
	atomic_store_explicit(&fo->cpu, -1, memory_order_relaxed);
	fo->enabled = true;
	atomic_store_explicit(&fo->on, true, memory_order_release);
}

bool pipeline_follow_wanted(int cpus, unsigned readers, unsigned workers,
			    bool dpi)
{
	return dpi && readers == 1 && workers > 0 && cpus > 0 &&
	       (unsigned)cpus < readers + workers;
}

/* ---- the worker's side ------------------------------------------------- */

/* Whether the worker has a message (for its sleep). */
static bool in_ready(void *ctx)
{
	struct pworker *pw = ctx;
	struct pipeline *pl = pw->q.pl;
	unsigned r;

	for (r = 0; r < pl->nr; r++)
		if (ring_ready(&pl->rd[r].to[pw->k]))
			return true;
	return ring_ready(&pw->ctl);
}

/* A thread's records are visible to the calling thread, and it is woken
   when it waits for them. */
static void out_publish(struct outq *q)
{
	ring_publish(&q->ring);
	waiter_wake(&q->pl->wake);
}

/* Whether a record ring has room for what its thread waits to put. */
struct room_wait {
	struct outq *q;
	uint32_t len;
};

static bool out_room(void *ctx)
{
	struct room_wait *rw = ctx;

	return ring_has_room(&rw->q->ring, rw->len);
}

/* Room for a record in the ring back to the sink: when it is full, what
   is in it is published and the thread waits for the calling thread to
   take it. */
static struct ring_msg *out_reserve(struct outq *q, uint32_t len,
				    uint32_t type)
{
	struct ring_msg *m;
	struct room_wait rw = { q, len };

	while (!(m = ring_reserve(&q->ring, len, type))) {
		out_publish(q);
		waiter_sleep(q->wake, out_room, &rw);
	}
	return m;
}

static void push_record(struct outq *q, const struct flow_record *r,
			uint32_t type)
{
	struct out_record *m = (struct out_record *)(void *)
		out_reserve(q, sizeof(*m), type);

	m->r = *r;
	ring_commit(&q->ring, &m->h);
}

static void to_flow(void *ctx, const struct flow_record *r)
{
	struct outq *q = ctx;
	struct out_text *m;
	const char *text;
	size_t len;

	if (!q->fmt || !(text = sink_fmt_flow(q->fmt, r, &len)) ||
	    len > THREAD_TEXT_MAX) {
		push_record(q, r, OUT_FLOW);
		return;
	}
	m = (struct out_text *)(void *)out_reserve(q,
		(uint32_t)(sizeof(*m) + len), OUT_TEXT);
	m->r = *r;
	m->len = (uint32_t)len;
	memcpy(m + 1, text, len);
	ring_commit(&q->ring, &m->h);
}

static void to_alert(void *ctx, const struct flow_record *r)
{
	push_record(ctx, r, OUT_ALERT);
}

static void to_frame(void *ctx, const struct frame_record *fr)
{
	struct outq *q = ctx;
	struct out_frame *m = (struct out_frame *)(void *)
		out_reserve(q, (uint32_t)sizeof(*m) + fr->caplen, OUT_FRAME);

	m->ts_us = fr->ts_us;
	m->caplen = fr->caplen;
	m->wire_len = fr->wire_len;
	m->dlt = fr->dlt;
	/* A copy of the frame as captured, caplen bytes: no field read. */
	memcpy(m + 1, fr->bytes, fr->caplen);
	ring_commit(&q->ring, &m->h);
}

static void to_stats(void *ctx, unsigned id, const struct worker_stats *s)
{
	struct outq *q = ctx;
	struct out_stats *m = (struct out_stats *)(void *)
		out_reserve(q, sizeof(*m), OUT_STATS);

	(void)id;
	m->s = *s;
	ring_commit(&q->ring, &m->h);
	out_publish(q);
}

/* The callbacks that send a thread's records through q. */
static void outq_callbacks(struct outq *q, bool alerts, unsigned ids,
			   struct worker_out *out)
{
	memset(out, 0, sizeof(*out));
	out->flow = to_flow;
	out->alert = alerts ? to_alert : NULL;
	out->frame = q->to_sink.frame ? to_frame : NULL;
	out->stats = to_stats;
	out->ctx = q;
	out->id = q->id;
	out->ids = ids;
}

/* One inner packet, as the reader sent it. */
static void take_packet(struct pworker *pw, const struct in_packet *m)
{
	const uint8_t *tail = (const uint8_t *)(m + 1);
	uint32_t flags = m->flags;
	struct frame_record fr = { .dlt = -1 };
	struct flow_prep prep;
	struct packet p;
	uint64_t now_us;

	memcpy(&p, m->p, PKT_HEAD);
	if (flags & IP_HELD) {
		memcpy(&p.held_pkts, tail, PKT_HELD);
		tail += PKT_HELD;
	} else {
		p.held_pkts = 0;
		p.held_bytes = p.held_ip_bytes = 0;
	}
	p.ntun = 0;
	p.l3 = p.payload = NULL;
	now_us = fr.ts_us = p.ts_us;
	if (flags & IP_NOW) {
		memcpy(&now_us, tail, sizeof(now_us));
		tail += sizeof(now_us);
	}
	if (flags & IP_STAMP) {
		memcpy(&fr.ts_us, tail, sizeof(fr.ts_us));
		tail += sizeof(fr.ts_us);
	}
	if (flags & IP_ERSPAN) {
		memcpy(&p.tun[0], tail, sizeof(p.tun[0]));
		p.ntun = 1;
		tail += sizeof(p.tun[0]);
	}
	fr.wire_len = p.wire_len;
	if (flags & IP_BYTES) {
		struct in_bytes b;

		memcpy(&b, tail, sizeof(b));
		tail += sizeof(b);
		fr.bytes = tail;
		fr.caplen = b.caplen;
		fr.dlt = b.dlt;
		if (b.l3_off != NO_OFF)
			p.l3 = tail + b.l3_off - 1;
		if (b.payload_off != NO_OFF)
			p.payload = tail + b.payload_off - 1;
	}
	flow_prep_hashed(&p, m->hash, &prep);
	worker_routed(pw->w, &p, &prep, now_us, &fr, (flags & IP_FINDING) != 0);
}

/* One message a reader sent. */
static void take_msg(struct pworker *pw, const struct ring_msg *m)
{
	const struct in_ctl *c = (const struct in_ctl *)(const void *)m;

	switch (m->type) {
	case IN_PACKET:
		if (!pw->q.pl->discard)
			take_packet(pw, (const struct in_packet *)
				    (const void *)m);
		break;
	case IN_TICK:
		worker_expire(pw->w, c->arg);
		break;
	case IN_FLUSH:
		worker_flush_idle(pw->w);
		break;
	}
}

/*
 * Whether busy worker pw wakes reader rd, asleep or about to be: yes
 * unless rd waits for room in a ring to a worker and that ring has too
 * little yet. The scheduler puts a thread it wakes on its waker's CPU:
 * woken by the worker whose ring is full, the slowest, the reader would
 * share that worker's CPU, slowing it more, while the other drains its
 * ring and idles. So the worker the reader waits for wakes it only once
 * its ring is half free (or when it has nothing left: worker_main()),
 * and another worker, whose CPU it then shares, as soon as that ring
 * has THREAD_ROOM_OTHER free.
 */
static bool reader_wanted(const struct pworker *pw, struct preader *rd)
{
	int k = atomic_load_explicit(&rd->waits_for, memory_order_seq_cst);
	struct ring *q;
	uint64_t used;

	if (k < 0)
		return true;
	q = &rd->to[k];
	/* Published: the reader publishes before it sleeps. */
	used = atomic_load_explicit(&q->head, memory_order_relaxed) -
	       atomic_load_explicit(&q->tail, memory_order_relaxed);
	return q->size - used >= q->size / ((unsigned)k == pw->k ?
					    THREAD_ROOM_OWN :
					    THREAD_ROOM_OTHER);
}

/* Hand reader r's ring back to it, and the records so far to the sink;
   idle: the worker is about to wait, and wakes the reader whatever. */
static void release_in(struct pworker *pw, unsigned r, bool idle)
{
	struct pipeline *pl = pw->q.pl;
	struct preader *rd = &pl->rd[r];

	ring_release(&rd->to[pw->k]);
	pw->since_release[r] = 0;
	if (idle || reader_wanted(pw, rd)) {
		waiter_wake(rd->room_wake);
		out_publish(&pw->q);
	} else if (rd->room_wake != &pl->wake) {
		out_publish(&pw->q);
	} else {
		/* The reader takes the records too: it takes them when it
		   wakes, unless the ring fills up before. */
		struct ring *out = &pw->q.ring;

		ring_publish(out);
		if (out->w - atomic_load_explicit(&out->tail,
						  memory_order_acquire) >
		    out->size / 2)
			waiter_wake(&pl->wake);
	}
}

/* A packet's flow hash into *h: 1 for a packet, 0 (nothing written)
   for another message. */
static inline size_t packet_hash(const struct ring_msg *m, uint64_t *h)
{
	if (m->type != IN_PACKET)
		return 0;
	*h = ((const struct in_packet *)(const void *)m)->hash;
	return 1;
}

/*
 * The buckets of the flows of the next batch from reader r, as far as
 * it is published, asked for (from the ring's position after the
 * messages taken, or past those asked for already): asked for only
 * just before the flows they name are (worker_prefetch()), a bucket's
 * line was still on its way when that step read it.
 */
static void ask_next(struct pworker *pw, unsigned r, struct ring *in)
{
	const struct ring_msg *m;
	uint64_t hashes[WORKER_AHEAD];
	uint64_t at = in->r > pw->asked[r] ? in->r : pw->asked[r];
	size_t i, np;

	for (i = np = 0; i < WORKER_AHEAD && (m = ring_look(in, &at));
	     i++, at += m->len)
		np += packet_hash(m, &hashes[np]);
	pw->asked[r] = at;
	worker_prefetch_buckets(pw->w, hashes, np);
}

/*
 * Up to WORKER_AHEAD messages from reader r, the flows of the packets
 * among them asked of memory before the first is looked up
 * (worker_prefetch()), as one thread does for its batch (worker.c): a
 * consumed message stays in place until the ring is released. Halfway
 * through, the next batch's buckets (ask_next()): its messages' lines
 * asked for meanwhile (ring_fetch()), and the buckets' with half a
 * batch to come. The number taken.
 */
static size_t take_some(struct pworker *pw, unsigned r)
{
	struct ring *in = &pw->q.pl->rd[r].to[pw->k];
	const struct ring_msg *m, *got[WORKER_AHEAD];
	uint64_t hashes[WORKER_AHEAD];
	size_t i, n, np, asked;
	bool ahead = !pw->q.pl->discard;

	for (n = np = asked = 0; n < WORKER_AHEAD && (m = ring_peek(in));
	     n++) {
		/* Its bucket asked for with the batch before: ring_peek()
		   leaves the next read at m. */
		if (in->r < pw->asked[r])
			asked = np + (m->type == IN_PACKET);
		ring_consume(in, m);
		got[n] = m;
		np += packet_hash(m, &hashes[np]);
	}
	if (np > 1 && ahead)
		worker_prefetch(pw->w, hashes, np, asked);
	for (i = 0; i < n; i++) {
		/* The messages of the batches to come, a few lines for each
		   message taken. */
		ring_fetch(in, THREAD_FETCH, THREAD_FETCH_LINES);
		take_msg(pw, got[i]);
		if (i == n / 2 && ahead)
			ask_next(pw, r, in);
	}
	/* Room for the reader, and the records so far for the sink, a
	   batch at a time. */
	pw->since_release[r] += (unsigned)n;
	if (pw->since_release[r] >= THREAD_BATCH)
		release_in(pw, r, false);
	return n;
}

/* A message from the calling thread; true for IN_FINISH, when every
   reader has sent its last: what they sent is taken first. */
static bool take_ctl(struct pworker *pw, const struct ring_msg *m)
{
	const struct in_ctl *c = (const struct in_ctl *)(const void *)m;
	unsigned r;

	if (m->type == IN_STATS) {
		worker_post_stats(pw->w);
		return false;
	}
	for (r = 0; r < pw->q.pl->nr; r++)
		while (take_some(pw, r) > 0)
			;
	worker_finish(pw->w, (enum end_reason)c->arg);
	worker_post_stats(pw->w);
	ring_commit(&pw->q.ring, out_reserve(&pw->q, sizeof(*m), OUT_DONE));
	for (r = 0; r < pw->q.pl->nr; r++)
		release_in(pw, r, true);
	return true;
}

/* The worker's thread: each reader's messages in order, the readers in
   turn, until IN_FINISH. */
static void *worker_main(void *arg)
{
	struct pworker *pw = arg;
	struct pipeline *pl = pw->q.pl;
	const struct ring_msg *m;
	char name[16];
	bool end = false, any;
	unsigned r;

	snprintf(name, sizeof(name), "impwatch-fw%u", pw->k);
	pthread_setname_np(pthread_self(), name);
	while (!end) {
		any = false;
		for (r = 0; r < pl->nr; r++)
			if (take_some(pw, r) > 0)
				any = true;
		if ((m = ring_peek(&pw->ctl))) {
			ring_consume(&pw->ctl, m);
			end = take_ctl(pw, m);
			ring_release(&pw->ctl);
			continue;
		}
		if (any)
			continue;
		/* First, so that a reader woken below is woken here. */
		follow_me(pl);
		for (r = 0; r < pl->nr; r++)
			if (pw->since_release[r])
				release_in(pw, r, true);
			else
				waiter_wake(pl->rd[r].room_wake);
		out_publish(&pw->q);
		/* A reader publishes every THREAD_BATCH packets: a short wait
		   is cheaper than a sleep and a wake-up, when no other thread
		   needs the CPU (pipeline_new()). */
		if (!ring_spin(in_ready, pw, pl->spin))
			waiter_sleep(&pw->wake, in_ready, pw);
	}
	/* Its last message is sent: the worker's tables and nDPI module
	   (thousands of small blocks) are freed here, each worker on its
	   own CPU, while the calling thread writes the report; nothing
	   reads them again (pipeline_free() joins this thread first). */
	worker_free(pw->w);
	pw->w = NULL;
	return NULL;
}

/* ---- the calling thread's side ----------------------------------------- */

/* Whether any thread has records waiting. */
static bool records_ready(struct pipeline *pl)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		if (ring_ready(&pl->pw[i].q.ring))
			return true;
	for (i = 0; pl->threaded && i < pl->nr; i++)
		if (ring_ready(&pl->rd[i].q.ring))
			return true;
	return false;
}

/* Whether a thread whose counters are awaited has records waiting. */
static bool awaited_ready(void *ctx)
{
	struct pipeline *pl = ctx;
	unsigned i;

	for (i = 0; i < pl->n; i++)
		if (pl->pw[i].q.stats_due && ring_ready(&pl->pw[i].q.ring))
			return true;
	for (i = 0; pl->threaded && i < pl->nr; i++)
		if (pl->rd[i].q.stats_due && ring_ready(&pl->rd[i].q.ring))
			return true;
	return false;
}

/* Hand q's records to the sink, up to its counters (OUT_STATS), where
   it stops: what the thread sent after them is not in them, and waits
   until the interim record they make is written (wait_workers()). True
   when there were any. */
static bool pump_one(struct outq *q)
{
	const struct ring_msg *m;
	const struct out_frame *f;
	const struct out_text *t;
	struct frame_record fr;
	bool any = false, stats;

	while ((m = ring_peek(&q->ring))) {
		any = true;
		switch (m->type) {
		case OUT_FLOW:
			q->to_sink.flow(q->to_sink.ctx,
			    &((const struct out_record *)(const void *)m)->r);
			break;
		case OUT_TEXT:
			t = (const struct out_text *)(const void *)m;
			q->to_sink.flow_text(q->to_sink.ctx, &t->r,
					     (const char *)(t + 1), t->len);
			break;
		case OUT_ALERT:
			if (q->to_sink.alert)
				q->to_sink.alert(q->to_sink.ctx,
				    &((const struct out_record *)(const void *)m)->r);
			break;
		case OUT_FRAME:
			f = (const struct out_frame *)(const void *)m;
			fr.bytes = (const uint8_t *)(f + 1);
			fr.ts_us = f->ts_us;
			fr.caplen = f->caplen;
			fr.wire_len = f->wire_len;
			fr.dlt = f->dlt;
			if (q->to_sink.frame)
				q->to_sink.frame(q->to_sink.ctx, &fr);
			break;
		case OUT_STATS:
			q->to_sink.stats(q->to_sink.ctx, q->id,
			    &((const struct out_stats *)(const void *)m)->s);
			q->stats_due = false;
			break;
		case OUT_DONE:
			q->done = true;
			q->stats_due = false;
			break;
		}
		stats = m->type == OUT_STATS;
		ring_consume(&q->ring, m);
		if (stats)
			break;
	}
	if (any) {
		ring_release(&q->ring);
		waiter_wake(q->wake);
	}
	return any;
}

void pipeline_pump(struct pipeline *pl)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		pump_one(&pl->pw[i].q);
	for (i = 0; pl->threaded && i < pl->nr; i++)
		pump_one(&pl->rd[i].q);
	if (!pl->threaded)
		pl->rd[0].since_pump = 0;
}

static bool records_ready_cb(void *ctx)
{
	return records_ready(ctx);
}

/* Make what reader rd sent to worker k visible, and wake it. */
static void in_publish(struct preader *rd, unsigned k)
{
	rd->pending[k] = 0;
	ring_publish(&rd->to[k]);
	waiter_wake(&rd->pl->pw[k].wake);
}

/*
 * A batch for worker k visible; the worker woken only when its ring
 * holds 1/THREAD_WAKE_FILL of its size: a worker faster than the
 * reader (--no-dpi) would otherwise sleep and be woken at each batch.
 * It wakes by itself within RING_SLEEP_MS, and a tick, a flush, a full
 * ring and the end wake it whatever (in_publish()).
 */
static void in_publish_batch(struct preader *rd, unsigned k)
{
	struct ring *q = &rd->to[k];

	rd->pending[k] = 0;
	ring_publish(q);
	if (q->w - atomic_load_explicit(&q->tail, memory_order_acquire) >=
	    q->size / THREAD_WAKE_FILL)
		waiter_wake(&rd->pl->pw[k].wake);
}

static void publish_all(struct preader *rd)
{
	unsigned k;

	for (k = 0; k < rd->pl->n; k++)
		in_publish(rd, k);
}

/* A reader waits for room in a ring to a worker, the calling thread's
   reader for records too. */
struct in_wait {
	struct preader *rd;
	unsigned k;
	uint32_t len;
};

/* Whether reader thread rd has a request for its counters to answer. */
static bool stats_asked(const struct preader *rd)
{
	return atomic_load_explicit(&rd->pl->stats_req,
				    memory_order_acquire) != rd->stats_seen;
}

static bool in_room(void *ctx)
{
	struct in_wait *iw = ctx;
	struct pipeline *pl = iw->rd->pl;

	return ring_has_room(&iw->rd->to[iw->k], iw->len) ||
	       (!pl->threaded && records_ready(pl)) ||
	       (pl->threaded && stats_asked(iw->rd));
}

/* Room for a message to worker k, once its ring is full: the calling
   thread takes the records of every worker meanwhile (one may be
   waiting for that); a reader thread waits for the worker, answering a
   request for its counters meanwhile: the calling thread, waiting for
   them, holds the records of the workers that answered (pump_one()),
   and k may be one of them, its record ring full. */
static struct ring_msg *in_wait_room(struct preader *rd, unsigned k,
				     uint32_t len, uint32_t type)
{
	struct pipeline *pl = rd->pl;
	struct ring_msg *m;
	struct in_wait iw = { rd, k, len };

	while (!(m = ring_reserve(&rd->to[k], len, type))) {
		/* Every worker woken, not k's alone: one asleep with less
		   than in_publish_batch() wakes it for would idle while the
		   reader waits. */
		publish_all(rd);
		if (!pl->threaded) {
			pipeline_pump(pl);
			if ((m = ring_reserve(&rd->to[k], len, type)))
				break;
		} else {
			reader_serve((struct reader *)rd);
		}
		atomic_store_explicit(&rd->waits_for, (int)k,
				      memory_order_seq_cst);
		waiter_sleep(rd->room_wake, in_room, &iw);
		atomic_store_explicit(&rd->waits_for, -1,
				      memory_order_relaxed);
	}
	return m;
}

/* Room for a message to worker k. */
static inline struct ring_msg *in_reserve(struct preader *rd, unsigned k,
					  uint32_t len, uint32_t type)
{
	struct ring_msg *m = ring_reserve(&rd->to[k], len, type);

	return m ? m : in_wait_room(rd, k, len, type);
}

/* A message of rd's to every worker, visible at once. */
static void broadcast(struct preader *rd, uint32_t type, uint64_t arg)
{
	unsigned k;

	for (k = 0; k < rd->pl->n; k++) {
		struct in_ctl *c = (struct in_ctl *)(void *)
			in_reserve(rd, k, sizeof(*c), type);

		c->arg = arg;
		ring_commit(&rd->to[k], &c->h);
		in_publish(rd, k);
	}
}

/* A message from the calling thread to worker k, visible at once. Its
   ring holds few: it waits for room, taking records meanwhile. */
static void control(struct pipeline *pl, unsigned k, uint32_t type,
		    uint64_t arg)
{
	struct pworker *pw = &pl->pw[k];
	struct in_ctl *c;

	while (!(c = (struct in_ctl *)(void *)
		 ring_reserve(&pw->ctl, sizeof(*c), type))) {
		waiter_wake(&pw->wake);
		pipeline_pump(pl);
		waiter_sleep(&pl->wake, records_ready_cb, pl);
	}
	c->arg = arg;
	ring_commit(&pw->ctl, &c->h);
	ring_publish(&pw->ctl);
	waiter_wake(&pw->wake);
}

/* The offset + 1 of ptr in the frame [b, b + len], or NO_OFF. */
static uint32_t offset_in(const uint8_t *b, uint32_t len, const uint8_t *ptr)
{
	if (!b || !ptr || ptr < b || (size_t)(ptr - b) > len)
		return NO_OFF;
	return (uint32_t)(ptr - b) + 1;
}

/* The clock's time at a frame of rd's: each second of it reaches every
   worker, which ends its idle flows then, as one table does at every
   frame (a worker's own packets bring it the time too). */
static void clock_to_workers(struct preader *rd, uint64_t now_us)
{
	rd->now_us = now_us;
	if (now_us >= rd->last_tick + TICK_US) {
		rd->last_tick = now_us;
		broadcast(rd, IN_TICK, now_us);
	}
}

/* route.now: the time at a frame whose flow stays with the reader. */
static void route_now(void *ctx, uint64_t now_us)
{
	clock_to_workers(ctx, now_us);
}

/* route.packet: the inner packet to the worker that owns its flow. */
static void route_packet(void *ctx, const struct packet *p,
			 const struct flow_prep *prep, uint64_t now_us,
			 const struct frame_record *fr, bool finding)
{
	struct preader *rd = ctx;
	struct pipeline *pl = rd->pl;
	/* The high 32 bits of the hash, scaled to [0, n). */
	unsigned k = (unsigned)(((prep->hash >> 32) * pl->n) >> 32);
	struct ring *to = &rd->to[k];
	bool bytes = pl->bytes && fr->bytes;
	const struct tun_layer *erspan = NULL;
	struct in_packet *m;
	uint32_t flags = finding ? IP_FINDING : 0, len = sizeof(*m);
	uint8_t *tail;
	uint8_t i;

	clock_to_workers(rd, now_us);
	for (i = 0; i < p->ntun; i++) {
		const struct tun_layer *l = &p->tun[i];

		if (l->has_id && (l->kind == TUN_ERSPAN2 ||
				  l->kind == TUN_ERSPAN3)) {
			erspan = l;
			break;
		}
	}
	if (p->held_pkts) {
		flags |= IP_HELD;
		len += PKT_HELD;
	}
	if (now_us != p->ts_us) {
		flags |= IP_NOW;
		len += sizeof(now_us);
	}
	if (fr->ts_us != p->ts_us) {
		flags |= IP_STAMP;
		len += sizeof(fr->ts_us);
	}
	if (erspan) {
		flags |= IP_ERSPAN;
		len += sizeof(*erspan);
	}
	if (bytes) {
		flags |= IP_BYTES;
		len += sizeof(struct in_bytes) + fr->caplen;
	}
	m = (struct in_packet *)(void *)in_reserve(rd, k, len, IN_PACKET);
	m->hash = prep->hash;
	m->flags = flags;
	memcpy(m->p, p, PKT_HEAD);
	tail = (uint8_t *)(m + 1);
	if (flags & IP_HELD) {
		memcpy(tail, &p->held_pkts, PKT_HELD);
		tail += PKT_HELD;
	}
	if (flags & IP_NOW) {
		memcpy(tail, &now_us, sizeof(now_us));
		tail += sizeof(now_us);
	}
	if (flags & IP_STAMP) {
		memcpy(tail, &fr->ts_us, sizeof(fr->ts_us));
		tail += sizeof(fr->ts_us);
	}
	if (erspan) {
		memcpy(tail, erspan, sizeof(*erspan));
		tail += sizeof(*erspan);
	}
	if (bytes) {
		struct in_bytes b = {
			.caplen = fr->caplen, .dlt = fr->dlt,
			.l3_off = offset_in(fr->bytes, fr->caplen, p->l3),
			.payload_off = offset_in(fr->bytes, fr->caplen,
						 p->payload),
		};

		memcpy(tail, &b, sizeof(b));
		/* The whole frame, caplen bytes as captured: l3 and payload
		   (with their lengths, which the cursor bounded) lie in it,
		   so the worker's copy holds every byte they name. */
		memcpy(tail + sizeof(b), fr->bytes, fr->caplen);
	}
	ring_commit(to, &m->h);
	/* The lines the next messages to k take, made ours meanwhile. */
	ring_claim(to, THREAD_CLAIM, THREAD_FETCH_LINES);
	if (++rd->pending[k] >= THREAD_BATCH)
		in_publish_batch(rd, k);
	if (!pl->threaded && ++rd->since_pump >= PUMP_EVERY)
		pipeline_pump(pl);
}

static void route_flush(void *ctx)
{
	broadcast(ctx, IN_FLUSH, 0);
}

static void route_tick(void *ctx, uint64_t now_us)
{
	struct preader *rd = ctx;

	rd->last_tick = rd->now_us = now_us;
	broadcast(rd, IN_TICK, now_us);
	if (!rd->pl->threaded)
		pipeline_pump(rd->pl);
}

/* Whether a thread the calling thread waits for has not answered. */
static bool awaited(const struct pipeline *pl, bool all_done)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		if (all_done ? !pl->pw[i].q.done : pl->pw[i].q.stats_due)
			return true;
	for (i = 0; !all_done && pl->threaded && i < pl->nr; i++)
		if (pl->rd[i].q.stats_due)
			return true;
	return false;
}

/*
 * Wait until every worker has answered (its counters, or all done).
 * Waiting for counters, only the threads that have not answered are
 * pumped: what one that answered sent since is not in its counters, and
 * written before the interim record they make it would be in neither
 * (its flow records more than its flows ended).
 */
static void wait_workers(struct pipeline *pl, bool all_done)
{
	unsigned i;

	while (awaited(pl, all_done)) {
		if (all_done) {
			pipeline_pump(pl);
		} else {
			for (i = 0; i < pl->n; i++)
				if (pl->pw[i].q.stats_due)
					pump_one(&pl->pw[i].q);
			for (i = 0; pl->threaded && i < pl->nr; i++)
				if (pl->rd[i].q.stats_due)
					pump_one(&pl->rd[i].q);
		}
		if (awaited(pl, all_done))
			waiter_sleep(&pl->wake, all_done ? records_ready_cb :
				     awaited_ready, pl);
	}
}

void pipeline_stats(struct pipeline *pl)
{
	unsigned i;

	if (!pl->threaded)
		publish_all(&pl->rd[0]);
	for (i = 0; i < pl->n; i++) {
		pl->pw[i].q.stats_due = !pl->pw[i].q.done;
		if (!pl->pw[i].q.done)
			control(pl, i, IN_STATS, 0);
	}
	for (i = 0; pl->threaded && i < pl->nr; i++)
		pl->rd[i].q.stats_due = pl->rd[i].started && !pl->rd[i].q.done;
	if (pl->threaded)
		atomic_fetch_add_explicit(&pl->stats_req, 1,
					  memory_order_release);
	/* A reader thread waiting for room answers too (in_wait_room()). */
	for (i = 0; pl->threaded && i < pl->nr; i++)
		waiter_wake(&pl->rd[i].wake);
	wait_workers(pl, false);
	if (!pl->threaded)
		worker_post_stats(pl->rd[0].w);
}

void pipeline_batch(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	if (sched_getscheduler(0) == SCHED_OTHER)
		(void)sched_setscheduler(0, SCHED_BATCH, &sp);
}

/* ---- reader threads ---------------------------------------------------- */

void reader_serve(struct reader *r)
{
	struct preader *rd = (struct preader *)r;
	unsigned req = atomic_load_explicit(&rd->pl->stats_req,
					    memory_order_acquire);

	if (req == rd->stats_seen)
		return;
	rd->stats_seen = req;
	worker_post_stats(rd->w);
}

struct worker *reader_worker(struct reader *r)
{
	return ((struct preader *)r)->w;
}

/* A reader's thread: its body reads until the run stops; then what it
   holds goes out (its flows end with the capture), its counters, and
   its OUT_DONE. */
static void *reader_main(void *arg)
{
	struct preader *rd = arg;
	char name[16];

	snprintf(name, sizeof(name), "impwatch-rd%u", rd->idx);
	pthread_setname_np(pthread_self(), name);
	rd->body(rd->ctx, (struct reader *)rd);
	worker_finish(rd->w, END_SHUTDOWN);
	/* The clock's last time: flows idle by then end as idle. */
	broadcast(rd, IN_TICK, rd->now_us);
	publish_all(rd);
	worker_post_stats(rd->w);
	ring_commit(&rd->q.ring, out_reserve(&rd->q, sizeof(struct ring_msg),
					     OUT_DONE));
	out_publish(&rd->q);
	return NULL;
}

unsigned pipeline_start_readers(struct pipeline *pl, reader_fn body,
				void *const *ctx)
{
	sigset_t all, old;
	unsigned i;

	if (!pl->threaded)
		return 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < pl->nr; i++) {
		pl->rd[i].body = body;
		pl->rd[i].ctx = ctx[i];
		if (pthread_create(&pl->rd[i].th, NULL, reader_main,
				   &pl->rd[i]) != 0)
			break;
		pl->rd[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return i;
}

void pipeline_serve(struct pipeline *pl, unsigned ms)
{
	uint64_t end = clock_mono_us() + (uint64_t)ms * 1000u;

	for (;;) {
		pipeline_pump(pl);
		if (pipeline_readers_done(pl) || clock_mono_us() >= end)
			return;
		errno = 0;
		waiter_sleep(&pl->wake, records_ready_cb, pl);
		/* A signal ends the sleep: the caller looks at it. */
		if (errno == EINTR)
			return;
	}
}

bool pipeline_readers_done(const struct pipeline *pl)
{
	unsigned i;

	for (i = 0; i < pl->nr; i++)
		if (pl->rd[i].started && !pl->rd[i].q.done)
			return false;
	return true;
}

/* Wait for the reader threads' ends, taking every record meanwhile;
   their carriers added up. */
static void join_readers(struct pipeline *pl)
{
	unsigned i;

	while (!pipeline_readers_done(pl)) {
		pipeline_pump(pl);
		if (!pipeline_readers_done(pl))
			waiter_sleep(&pl->wake, records_ready_cb, pl);
	}
	for (i = 0; i < pl->nr; i++) {
		if (!pl->rd[i].started)
			continue;
		pthread_join(pl->rd[i].th, NULL);
		pl->rd[i].started = false;
		if (pl->carriers)
			carriers_merge(pl->carriers,
				       worker_carriers(pl->rd[i].w));
	}
}

void pipeline_finish(struct pipeline *pl, enum end_reason why)
{
	struct preader *rd = &pl->rd[0];
	unsigned i;

	if (pl->threaded) {
		join_readers(pl);
	} else {
		/* Read to the end: the reader, now the calling thread that
		   writes what the workers send, stays where it may run. */
		follow_stop(pl);
		worker_finish(rd->w, why);
		/* The clock's last time first: flows idle by then end as
		   idle, as they do in one table. */
		route_tick(rd, rd->now_us);
		publish_all(rd);
	}
	for (i = 0; i < pl->n; i++)
		if (pl->pw[i].started)
			control(pl, i, IN_FINISH, why);
	wait_workers(pl, true);
	if (!pl->threaded)
		worker_post_stats(rd->w);
	for (i = 0; i < pl->n; i++) {
		if (pl->pw[i].started)
			pthread_join(pl->pw[i].th, NULL);
		pl->pw[i].started = false;
	}
	/* Again: a worker may have moved the reader after the first. */
	follow_stop(pl);
}

struct worker *pipeline_reader(struct pipeline *pl)
{
	return pl->rd[0].w;
}

const struct carriers *pipeline_carriers(const struct pipeline *pl)
{
	if (!pl->threaded)
		return worker_carriers(pl->rd[0].w);
	return pipeline_readers_done(pl) ? pl->carriers : NULL;
}

/* Worker i's share of total: total / n, the first total % n one more. */
static uint64_t share(uint64_t total, unsigned n, unsigned i)
{
	return total / n + (i < total % n);
}

/* Worker i and its control ring; false with a message on err. */
static bool worker_open(struct pipeline *pl, unsigned i, struct dpi *dpi,
			bool alerts, FILE *err)
{
	const struct engine *e = pl->eng;
	struct pworker *pw = &pl->pw[i];
	struct limits lim = *e->lim;
	struct worker_out out;

	pw->q.pl = pl;
	pw->q.id = i + 1;
	pw->q.wake = &pw->wake;
	pw->k = i;
	if (ring_init(&pw->ctl, 4096) != 0 ||
	    ring_init(&pw->q.ring, THREAD_OUT_RING) != 0) {
		dpi_free(dpi);
		fprintf(err, "impwatch: out of memory\n");
		return false;
	}
	if (e->dpi && !dpi && !(dpi = engine_dpi_new(e->lim, err)))
		return false;
	if (dpi)
		dpi_set_max_states(dpi, share(pl->worker_states, pl->n, i));
	lim.max_flows = (uint32_t)share(pl->worker_flows, pl->n, i);
	sink_worker_out(pl->sink, alerts, pw->q.id, &pw->q.to_sink);
	pw->q.fmt = sink_fmt_new(pl->sink);
	/* Flow ids: the first reader's slot is 0, the workers' 1 to n,
	   the other readers' after them. */
	outq_callbacks(&pw->q, alerts, pl->n + pl->nr, &out);
	pw->w = worker_new_share(e, &lim, dpi, &out, err);
	return pw->w != NULL;
}

/* The size of each ring from a reader to a worker. */
static size_t reader_ring(unsigned nr)
{
	size_t size = THREAD_RING;

	while (nr > 1 && size > THREAD_READER_RING) {
		size /= 2;
		nr = (nr + 1) / 2;
	}
	return size;
}

/* Reader i, its rings to the workers, its worker (lim: its share of
   --max-flows); false with a message on err. */
static bool reader_open(struct pipeline *pl, unsigned i,
			const struct limits *lim, bool alerts, FILE *err)
{
	struct preader *rd = &pl->rd[i];
	struct worker_out out;
	struct worker_route rt;
	unsigned k;

	rd->pl = pl;
	rd->idx = i;
	rd->q.pl = pl;
	rd->q.id = i == 0 ? 0 : pl->n + i;
	rd->q.wake = &rd->wake;
	rd->room_wake = pl->threaded ? &rd->wake : &pl->wake;
	atomic_init(&rd->waits_for, -1);
	rd->to = calloc(pl->n, sizeof(*rd->to));
	rd->pending = calloc(pl->n, sizeof(*rd->pending));
	if (!rd->to || !rd->pending)
		goto oom;
	for (k = 0; k < pl->n; k++)
		if (ring_init(&rd->to[k], reader_ring(pl->nr)) != 0)
			goto oom;
	if (pl->threaded) {
		if (ring_init(&rd->q.ring, THREAD_OUT_RING) != 0)
			goto oom;
		sink_worker_out(pl->sink, alerts, rd->q.id, &rd->q.to_sink);
		rd->q.fmt = sink_fmt_new(pl->sink);
		outq_callbacks(&rd->q, alerts, pl->n + pl->nr, &out);
	} else {
		sink_worker_out(pl->sink, alerts, 0, &out);
		out.ids = pl->n + 1;
	}
	rd->w = worker_new_share(pl->eng, lim, NULL, &out, err);
	if (!rd->w)
		return false;
	memset(&rt, 0, sizeof(rt));
	rt.packet = route_packet;
	rt.flush_idle = route_flush;
	rt.tick = route_tick;
	rt.now = route_now;
	rt.ctx = rd;
	rt.bytes = pl->bytes;
	rt.dpi_states = pl->eng->dpi ? pl->reader_states : 0;
	worker_set_route(rd->w, &rt);
	return true;
oom:
	fprintf(err, "impwatch: out of memory\n");
	return false;
}

/* One worker's nDPI module, made on a thread of its own. */
struct module_job {
	const struct limits *lim;
	struct dpi *dpi;
	pthread_t th;
	bool started;
};

struct modules {
	unsigned n;
	struct module_job *jobs;
};

static void *module_main(void *arg)
{
	struct module_job *j = arg;

	j->dpi = dpi_new_another(j->lim->dpi_packets,
				  j->lim->dpi_memory_mb);
	return NULL;
}

struct modules *modules_start(const struct limits *lim, unsigned n)
{
	struct modules *m = calloc(1, sizeof(*m));
	sigset_t all, old;
	unsigned i;

	if (!m || !(m->jobs = calloc(n, sizeof(*m->jobs)))) {
		free(m);
		return NULL;
	}
	m->n = n;
	/* Signals are the calling thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < n; i++) {
		m->jobs[i].lim = lim;
		m->jobs[i].started = pthread_create(&m->jobs[i].th, NULL,
						    module_main,
						    &m->jobs[i]) == 0;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return m;
}

/* Wait for m's modules (made here those no thread could make) and put
   them in mods; free m. false, with none kept, when one could not be
   made. */
static bool modules_take(struct modules *m, struct dpi **mods)
{
	bool ok = true;
	unsigned i;

	for (i = 0; i < m->n; i++) {
		if (m->jobs[i].started)
			pthread_join(m->jobs[i].th, NULL);
		else
			module_main(&m->jobs[i]);
		mods[i] = m->jobs[i].dpi;
		ok = ok && mods[i];
	}
	for (i = 0; !ok && i < m->n; i++) {
		dpi_free(mods[i]);
		mods[i] = NULL;
	}
	free(m->jobs);
	free(m);
	return ok;
}

void modules_free(struct modules *m)
{
	struct dpi **mods;
	unsigned i, n;

	if (!m)
		return;
	mods = calloc(m->n, sizeof(*mods));
	if (!mods) {
		/* Wait for the threads all the same. */
		for (i = 0; i < m->n; i++)
			if (m->jobs[i].started)
				pthread_join(m->jobs[i].th, NULL);
		for (i = 0; i < m->n; i++)
			dpi_free(m->jobs[i].dpi);
		free(m->jobs);
		free(m);
		return;
	}
	n = m->n;
	modules_take(m, mods);
	for (i = 0; i < n; i++)
		dpi_free(mods[i]);
	free(mods);
}

/*
 * The workers' nDPI modules: the first is dpi, the others early's (made
 * while the engine made dpi) or made side by side now. false with the
 * engine's message on err, and none kept, when one could not be made.
 */
static bool make_modules(struct pipeline *pl, struct dpi *dpi,
			 struct modules *early, struct dpi **mods, FILE *err)
{
	mods[0] = dpi;
	if (early && early->n != pl->n - 1) {
		modules_free(early);
		early = NULL;
	}
	if (!early)
		early = modules_start(pl->eng->lim, pl->n - 1);
	if (!early) {
		fprintf(err, "impwatch: out of memory\n");
	} else if (modules_take(early, mods + 1)) {
		return true;
	} else {
		fprintf(err, "impwatch: cannot initialise nDPI (out of memory, "
			"or not the libndpi impwatch was built with)\n");
	}
	dpi_free(dpi);
	mods[0] = NULL;
	return false;
}

struct pipeline *pipeline_new(const struct engine *e, struct dpi *dpi,
			      struct modules *early, unsigned n, unsigned nr,
			      struct sink *s, bool alerts, bool discard,
			      FILE *err)
{
	struct pipeline *pl = calloc(1, sizeof(*pl));
	struct limits rlim = *e->lim;
	struct worker_out probe;
	sigset_t all, old;
	unsigned i;
	long cpus;
	struct dpi **mods = NULL;    /* each worker's nDPI module */

	if (!pl || !(pl->pw = calloc(n, sizeof(*pl->pw))) ||
	    !(pl->rd = calloc(nr, sizeof(*pl->rd)))) {
		if (pl)
			free(pl->pw);
		free(pl);
		dpi_free(dpi);
		modules_free(early);
		fprintf(err, "impwatch: out of memory\n");
		return NULL;
	}
	pl->eng = e;
	pl->n = n;
	pl->nr = nr;
	pl->threaded = nr > 1;
	/* A worker waiting on a CPU a reader or another worker needs
	   slows them: it then sleeps at once. */
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pl->spin = cpus > (long)(n + nr - 1) ? RING_SPIN : 0;
	pl->sink = s;
	pl->discard = discard;
	sink_worker_out(s, alerts, 0, &probe);
	pl->bytes = e->dpi || probe.frame;
	/* Each reader keeps the carriers' flows (few) in a table of its
	   own, taken from --max-flows, which stays the total: at most
	   THREAD_CARRIER_FLOWS, and a worker's share at most. main.c gives
	   each worker and reader one flow at least. */
	rlim.max_flows = e->lim->max_flows / (n + nr);
	if (rlim.max_flows > THREAD_CARRIER_FLOWS)
		rlim.max_flows = THREAD_CARRIER_FLOWS;
	if (rlim.max_flows == 0)
		rlim.max_flows = 1;
	pl->worker_flows = e->lim->max_flows - nr * rlim.max_flows;
	if (pl->threaded &&
	    !(pl->carriers = carriers_new(e->seed, e->trust))) {
		dpi_free(dpi);
		modules_free(early);
		fprintf(err, "impwatch: out of memory\n");
		goto fail;
	}
	/* Each reader inspects the few flows it keeps (decode_may_carry())
	   with THREAD_READER_STATES of --dpi-memory's states, a worker's
	   share at most, and the workers share the rest: as with the flow
	   tables, flows that one module would have no room for leave one
	   of them without room too, and the gate says so. (1 MB holds
	   1440 states: never fewer than the threads.) */
	if (dpi) {
		uint64_t states = dpi_stats(dpi)->max_states;

		pl->reader_states = states / (n + nr);
		if (pl->reader_states > THREAD_READER_STATES)
			pl->reader_states = THREAD_READER_STATES;
		pl->worker_states = states - nr * pl->reader_states;
		if (!(mods = calloc(n, sizeof(*mods)))) {
			dpi_free(dpi);
			modules_free(early);
			fprintf(err, "impwatch: out of memory\n");
			goto fail;
		}
		if (!make_modules(pl, dpi, early, mods, err))
			goto fail;
	} else {
		modules_free(early);
	}
	for (i = 0; i < n; i++) {
		bool ok = worker_open(pl, i, mods ? mods[i] : NULL, alerts, err);

		if (mods)
			mods[i] = NULL;
		if (!ok)
			goto fail;
	}
	free(mods);
	mods = NULL;
	for (i = 0; i < nr; i++)
		if (!reader_open(pl, i, &rlim, alerts, err))
			goto fail;
	/* Signals are the calling thread's: the workers never take one. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < n; i++) {
		if (pthread_create(&pl->pw[i].th, NULL, worker_main,
				   &pl->pw[i]) != 0)
			break;
		pl->pw[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (i < n) {
		fprintf(err, "impwatch: cannot start %u flow workers\n", n);
		goto fail;
	}
	return pl;
fail:
	if (mods)
		for (i = 0; i < n; i++)
			dpi_free(mods[i]);
	free(mods);
	pipeline_free(pl);
	return NULL;
}

void pipeline_free(struct pipeline *pl)
{
	unsigned i, k;

	if (!pl)
		return;
	/* Reader threads still running: the caller stopped them; their
	   records go to the sink as always. */
	if (pl->threaded)
		join_readers(pl);
	/* Workers still running (a failed start): finish them likewise. */
	for (i = 0; i < pl->n; i++)
		if (!pl->pw[i].started)
			pl->pw[i].q.done = true;
	for (i = 0; i < pl->n; i++)
		if (pl->pw[i].started)
			control(pl, i, IN_FINISH, END_SHUTDOWN);
	wait_workers(pl, true);
	for (i = 0; i < pl->n; i++) {
		if (pl->pw[i].started)
			pthread_join(pl->pw[i].th, NULL);
		pl->pw[i].started = false;
	}
	follow_stop(pl);
	for (i = 0; i < pl->n; i++) {
		worker_free(pl->pw[i].w);
		sink_fmt_free(pl->pw[i].q.fmt);
		ring_free(&pl->pw[i].ctl);
		ring_free(&pl->pw[i].q.ring);
	}
	for (i = 0; i < pl->nr; i++) {
		struct preader *rd = &pl->rd[i];

		worker_free(rd->w);
		sink_fmt_free(rd->q.fmt);
		ring_free(&rd->q.ring);
		for (k = 0; rd->to && k < pl->n; k++)
			ring_free(&rd->to[k]);
		free(rd->to);
		free(rd->pending);
	}
	carriers_free(pl->carriers);
	free(pl->rd);
	free(pl->pw);
	free(pl);
}
