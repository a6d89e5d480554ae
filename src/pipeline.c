/*
 * pipeline.c: the reader, its flow workers and the way back to the sink
 * (the contract is in pipeline.h).
 */
#include "pipeline.h"

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "options.h"
#include "ring.h"

/* To a worker. */
enum in_type { IN_PACKET, IN_TICK, IN_FLUSH, IN_STATS, IN_FINISH };
/* From a worker. */
enum out_type { OUT_FLOW, OUT_TEXT, OUT_ALERT, OUT_FRAME, OUT_STATS, OUT_DONE };

/* Where a pointer of the packet lies in its frame: its offset + 1, 0 when
   it points elsewhere or nowhere (it then stays NULL). */
#define NO_OFF 0u

/* The part of a packet a worker reads: up to its tunnel layers, which
   the reader has dealt with (a third of the struct). */
#define PKT_PART offsetof(struct packet, tun)

/* An inner packet for a worker. The frame's bytes follow the message's
   fixed part when the worker reads them. */
struct in_packet {
	struct ring_msg h;
	uint64_t now_us;             /* the clock's time */
	uint64_t stamp_us;           /* the frame's own */
	struct flow_prep prep;
	uint32_t caplen, wire_len;
	int32_t dlt;
	uint32_t l3_off, payload_off;   /* NO_OFF or offset + 1 */
	uint8_t finding;             /* a carrier made it evidence */
	uint8_t has_bytes;
	uint8_t has_erspan;          /* erspan holds the outermost ERSPAN
	                                II/III layer with a session id, which
	                                the flow records (flow.c) */
	struct tun_layer erspan;
	_Alignas(8) unsigned char p[PKT_PART];   /* struct packet's first part */
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

struct pworker {
	struct pipeline *pl;
	unsigned id;                 /* 1..n: the reader is 0 */
	struct worker *w;
	struct ring in, out;
	struct waiter wake;          /* the worker's thread sleeps here */
	struct worker_out to_sink;   /* the sink's callbacks for its records */
	struct sink_fmt *fmt;        /* writes its flow records as text, or
	                                NULL: the sink does */
	pthread_t th;
	bool started;
	bool done;                   /* its OUT_DONE came */
	unsigned pending;            /* packets committed, not published */
	unsigned since_release;      /* worker side: messages consumed */
};

struct pipeline {
	const struct engine *eng;
	unsigned n;
	struct pworker *pw;
	struct worker *reader;
	struct sink *sink;
	struct waiter wake;          /* the calling thread sleeps here */
	bool bytes;                  /* workers read frames' bytes */
	bool discard;                /* workers drop packets (the reader's
	                                ceiling, measured by the benchmark) */
	uint64_t last_tick;          /* clock time last sent to every worker */
	uint64_t now_us;             /* the clock's time at the last packet */
	unsigned stats_due;          /* OUT_STATS awaited */
	unsigned done;               /* OUT_DONE received */
	unsigned since_pump;         /* packets routed since the last pump */
	uint64_t worker_states;      /* nDPI states the workers share */
	uint32_t worker_flows;       /* --max-flows less the reader's table */
	unsigned spin;               /* looks at an empty ring before a sleep */
};

/* A second of the clock: how often its time reaches every worker. */
#define TICK_US 1000000u
/* Packets routed between two looks at the workers' records. */
#define PUMP_EVERY 256u
/* Messages a worker takes at once, their flows fetched together. */
#define WORKER_AHEAD 16u

/* ---- the worker's side ------------------------------------------------- */

/* Whether the worker has a message (for its sleep). */
static bool in_ready(void *ctx)
{
	struct pworker *pw = ctx;

	return ring_ready(&pw->in);
}

/* The worker's records are visible to the calling thread, and it is
   woken when it waits for them. */
static void out_publish(struct pworker *pw)
{
	ring_publish(&pw->out);
	waiter_wake(&pw->pl->wake);
}

/* Whether the worker's record ring has room for what it waits to put. */
struct room_wait {
	struct pworker *pw;
	uint32_t len;
};

static bool out_room(void *ctx)
{
	struct room_wait *rw = ctx;

	return ring_has_room(&rw->pw->out, rw->len);
}

/* Room for a record in the ring back to the sink: when it is full, what
   is in it is published and the worker waits for the calling thread to
   take it. */
static struct ring_msg *out_reserve(struct pworker *pw, uint32_t len,
				    uint32_t type)
{
	struct ring_msg *m;
	struct room_wait rw = { pw, len };

	while (!(m = ring_reserve(&pw->out, len, type))) {
		out_publish(pw);
		waiter_sleep(&pw->wake, out_room, &rw);
	}
	return m;
}

static void push_record(struct pworker *pw, const struct flow_record *r,
			uint32_t type)
{
	struct out_record *m = (struct out_record *)(void *)
		out_reserve(pw, sizeof(*m), type);

	m->r = *r;
	ring_commit(&pw->out, &m->h);
}

static void to_flow(void *ctx, const struct flow_record *r)
{
	struct pworker *pw = ctx;
	struct out_text *m;
	const char *text;
	size_t len;

	if (!pw->fmt || !(text = sink_fmt_flow(pw->fmt, r, &len)) ||
	    len > THREAD_TEXT_MAX) {
		push_record(pw, r, OUT_FLOW);
		return;
	}
	m = (struct out_text *)(void *)out_reserve(pw,
		(uint32_t)(sizeof(*m) + len), OUT_TEXT);
	m->r = *r;
	m->len = (uint32_t)len;
	memcpy(m + 1, text, len);
	ring_commit(&pw->out, &m->h);
}

static void to_alert(void *ctx, const struct flow_record *r)
{
	push_record(ctx, r, OUT_ALERT);
}

static void to_frame(void *ctx, const struct frame_record *fr)
{
	struct pworker *pw = ctx;
	struct out_frame *m = (struct out_frame *)(void *)
		out_reserve(pw, (uint32_t)sizeof(*m) + fr->caplen, OUT_FRAME);

	m->ts_us = fr->ts_us;
	m->caplen = fr->caplen;
	m->wire_len = fr->wire_len;
	m->dlt = fr->dlt;
	memcpy(m + 1, fr->bytes, fr->caplen);
	ring_commit(&pw->out, &m->h);
}

static void to_stats(void *ctx, unsigned id, const struct worker_stats *s)
{
	struct pworker *pw = ctx;
	struct out_stats *m = (struct out_stats *)(void *)
		out_reserve(pw, sizeof(*m), OUT_STATS);

	(void)id;
	m->s = *s;
	ring_commit(&pw->out, &m->h);
	out_publish(pw);
}

/* One inner packet, as the reader sent it. */
static void take_packet(struct pworker *pw, const struct in_packet *m)
{
	const uint8_t *bytes = m->has_bytes ? (const uint8_t *)(m + 1) : NULL;
	struct frame_record fr = {
		.bytes = bytes, .ts_us = m->stamp_us, .caplen = m->caplen,
		.wire_len = m->wire_len, .dlt = m->dlt,
	};
	struct packet p;

	memcpy(&p, m->p, PKT_PART);
	p.ntun = 0;
	if (m->has_erspan) {
		p.tun[0] = m->erspan;
		p.ntun = 1;
	}
	p.l3 = bytes && m->l3_off != NO_OFF ? bytes + m->l3_off - 1 : NULL;
	p.payload = bytes && m->payload_off != NO_OFF ?
		    bytes + m->payload_off - 1 : NULL;
	worker_routed(pw->w, &p, &m->prep, m->now_us, &fr, m->finding != 0);
}

/* One message, as the reader sent it; true for IN_FINISH. */
static bool take_msg(struct pworker *pw, const struct ring_msg *m)
{
	const struct in_ctl *c = (const struct in_ctl *)(const void *)m;

	switch (m->type) {
	case IN_PACKET:
		if (!pw->pl->discard)
			take_packet(pw, (const struct in_packet *)
				    (const void *)m);
		break;
	case IN_TICK:
		worker_expire(pw->w, c->arg);
		break;
	case IN_FLUSH:
		worker_flush_idle(pw->w);
		break;
	case IN_STATS:
		worker_post_stats(pw->w);
		break;
	case IN_FINISH:
		worker_finish(pw->w, (enum end_reason)c->arg);
		worker_post_stats(pw->w);
		ring_commit(&pw->out, out_reserve(pw, sizeof(*m), OUT_DONE));
		return true;
	}
	return false;
}

/*
 * The worker's thread: messages in order until IN_FINISH. They are taken
 * WORKER_AHEAD at a time, and the flows of the packets among them asked
 * of memory before the first is looked up (worker_prefetch()), as one
 * thread does for its batch (worker.c): a consumed message stays in place
 * until the ring is released.
 */
static void *worker_main(void *arg)
{
	struct pworker *pw = arg;
	const struct ring_msg *m, *got[WORKER_AHEAD];
	const struct flow_prep *preps[WORKER_AHEAD];
	size_t i, n, np;
	bool end = false;

	while (!end) {
		for (n = np = 0; n < WORKER_AHEAD &&
				 (m = ring_peek(&pw->in)); n++) {
			ring_consume(&pw->in, m);
			got[n] = m;
			if (m->type == IN_PACKET)
				preps[np++] = &((const struct in_packet *)
						(const void *)m)->prep;
		}
		if (n == 0) {
			ring_release(&pw->in);
			pw->since_release = 0;
			out_publish(pw);
			/* The reader publishes every THREAD_BATCH packets: a
			   short wait is cheaper than a sleep and a wake-up,
			   when no other thread needs the CPU (pipeline_new()). */
			if (!ring_spin(&pw->in, pw->pl->spin))
				waiter_sleep(&pw->wake, in_ready, pw);
			continue;
		}
		if (np > 1 && !pw->pl->discard)
			worker_prefetch(pw->w, preps, np);
		for (i = 0; i < n && !end; i++)
			end = take_msg(pw, got[i]);
		/* Room for the reader, and the records so far for the sink,
		   a batch at a time. */
		pw->since_release += (unsigned)n;
		if (pw->since_release >= THREAD_BATCH || end) {
			ring_release(&pw->in);
			pw->since_release = 0;
			waiter_wake(&pw->pl->wake);
			out_publish(pw);
		}
	}
	return NULL;
}

/* ---- the calling thread's side ----------------------------------------- */

/* Whether any worker has records waiting. */
static bool records_ready(struct pipeline *pl)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		if (ring_ready(&pl->pw[i].out))
			return true;
	return false;
}

/* Hand worker pw's records to the sink; true when there were any. */
static bool pump_one(struct pipeline *pl, struct pworker *pw)
{
	const struct ring_msg *m;
	const struct out_frame *f;
	const struct out_text *t;
	struct frame_record fr;
	bool any = false;

	while ((m = ring_peek(&pw->out))) {
		any = true;
		switch (m->type) {
		case OUT_FLOW:
			pw->to_sink.flow(pw->to_sink.ctx,
			    &((const struct out_record *)(const void *)m)->r);
			break;
		case OUT_TEXT:
			t = (const struct out_text *)(const void *)m;
			pw->to_sink.flow_text(pw->to_sink.ctx, &t->r,
					      (const char *)(t + 1), t->len);
			break;
		case OUT_ALERT:
			if (pw->to_sink.alert)
				pw->to_sink.alert(pw->to_sink.ctx,
				    &((const struct out_record *)(const void *)m)->r);
			break;
		case OUT_FRAME:
			f = (const struct out_frame *)(const void *)m;
			fr.bytes = (const uint8_t *)(f + 1);
			fr.ts_us = f->ts_us;
			fr.caplen = f->caplen;
			fr.wire_len = f->wire_len;
			fr.dlt = f->dlt;
			if (pw->to_sink.frame)
				pw->to_sink.frame(pw->to_sink.ctx, &fr);
			break;
		case OUT_STATS:
			pw->to_sink.stats(pw->to_sink.ctx, pw->id,
			    &((const struct out_stats *)(const void *)m)->s);
			if (pl->stats_due)
				pl->stats_due--;
			break;
		case OUT_DONE:
			pw->done = true;
			pl->done++;
			break;
		}
		ring_consume(&pw->out, m);
	}
	if (any) {
		ring_release(&pw->out);
		waiter_wake(&pw->wake);
	}
	return any;
}

void pipeline_pump(struct pipeline *pl)
{
	unsigned i;

	pl->since_pump = 0;
	for (i = 0; i < pl->n; i++)
		pump_one(pl, &pl->pw[i]);
}

static bool records_ready_cb(void *ctx)
{
	return records_ready(ctx);
}

/* Make what was sent to worker pw visible, and wake it. */
static void in_publish(struct pworker *pw)
{
	pw->pending = 0;
	ring_publish(&pw->in);
	waiter_wake(&pw->wake);
}

static void publish_all(struct pipeline *pl)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		in_publish(&pl->pw[i]);
}

/* The calling thread waits for room in a worker's ring, or records. */
struct in_wait {
	struct pworker *pw;
	uint32_t len;
};

static bool in_room(void *ctx)
{
	struct in_wait *iw = ctx;

	return ring_has_room(&iw->pw->in, iw->len) ||
	       records_ready(iw->pw->pl);
}

/* Room for a message to worker pw. While its ring is full, the records
   of every worker are taken (a worker may be waiting for that). */
static struct ring_msg *in_reserve(struct pworker *pw, uint32_t len,
				   uint32_t type)
{
	struct ring_msg *m;
	struct in_wait iw = { pw, len };

	while (!(m = ring_reserve(&pw->in, len, type))) {
		in_publish(pw);
		pipeline_pump(pw->pl);
		if ((m = ring_reserve(&pw->in, len, type)))
			break;
		waiter_sleep(&pw->pl->wake, in_room, &iw);
	}
	return m;
}

/* A control message to every worker, visible at once. */
static void broadcast(struct pipeline *pl, uint32_t type, uint64_t arg)
{
	unsigned i;

	for (i = 0; i < pl->n; i++) {
		struct in_ctl *c = (struct in_ctl *)(void *)
			in_reserve(&pl->pw[i], sizeof(*c), type);

		c->arg = arg;
		ring_commit(&pl->pw[i].in, &c->h);
		in_publish(&pl->pw[i]);
	}
}

/* The offset + 1 of ptr in the frame [b, b + len], or NO_OFF. */
static uint32_t offset_in(const uint8_t *b, uint32_t len, const uint8_t *ptr)
{
	if (!b || !ptr || ptr < b || (size_t)(ptr - b) > len)
		return NO_OFF;
	return (uint32_t)(ptr - b) + 1;
}

/* route.packet: the inner packet to the worker that owns its flow. */
static void route_packet(void *ctx, const struct packet *p,
			 const struct flow_prep *prep, uint64_t now_us,
			 const struct frame_record *fr, bool finding)
{
	struct pipeline *pl = ctx;
	/* The high 32 bits of the hash, scaled to [0, n). */
	unsigned k = (unsigned)(((prep->hash >> 32) * pl->n) >> 32);
	struct pworker *pw = &pl->pw[k];
	bool bytes = pl->bytes && fr->bytes;
	struct in_packet *m;
	uint8_t i;

	pl->now_us = now_us;
	if (now_us >= pl->last_tick + TICK_US) {
		/* A second went by: every worker learns the time. */
		pl->last_tick = now_us;
		broadcast(pl, IN_TICK, now_us);
	}
	m = (struct in_packet *)(void *)in_reserve(pw,
		(uint32_t)sizeof(*m) + (bytes ? fr->caplen : 0), IN_PACKET);
	m->now_us = now_us;
	m->stamp_us = fr->ts_us;
	m->prep = *prep;
	m->caplen = fr->caplen;
	m->wire_len = fr->wire_len;
	m->dlt = fr->dlt;
	m->finding = finding;
	m->has_bytes = bytes;
	memcpy(m->p, p, PKT_PART);
	m->has_erspan = 0;
	for (i = 0; i < p->ntun; i++) {
		const struct tun_layer *l = &p->tun[i];

		if (l->has_id && (l->kind == TUN_ERSPAN2 ||
				  l->kind == TUN_ERSPAN3)) {
			m->erspan = *l;
			m->has_erspan = 1;
			break;
		}
	}
	if (bytes) {
		memcpy(m + 1, fr->bytes, fr->caplen);
		m->l3_off = offset_in(fr->bytes, fr->caplen, p->l3);
		m->payload_off = offset_in(fr->bytes, fr->caplen, p->payload);
	} else {
		m->l3_off = m->payload_off = NO_OFF;
	}
	ring_commit(&pw->in, &m->h);
	if (++pw->pending >= THREAD_BATCH)
		in_publish(pw);
	if (++pl->since_pump >= PUMP_EVERY)
		pipeline_pump(pl);
}

static void route_flush(void *ctx)
{
	broadcast(ctx, IN_FLUSH, 0);
}

static void route_tick(void *ctx, uint64_t now_us)
{
	struct pipeline *pl = ctx;

	pl->last_tick = pl->now_us = now_us;
	broadcast(pl, IN_TICK, now_us);
	pipeline_pump(pl);
}

/* Wait until every worker has answered (stats_due, or all done). */
static void wait_workers(struct pipeline *pl, bool all_done)
{
	while (all_done ? pl->done < pl->n : pl->stats_due > 0) {
		pipeline_pump(pl);
		if (all_done ? pl->done < pl->n : pl->stats_due > 0)
			waiter_sleep(&pl->wake, records_ready_cb, pl);
	}
}

void pipeline_stats(struct pipeline *pl)
{
	publish_all(pl);
	pl->stats_due = pl->n;
	broadcast(pl, IN_STATS, 0);
	wait_workers(pl, false);
	worker_post_stats(pl->reader);
}

void pipeline_finish(struct pipeline *pl, enum end_reason why)
{
	worker_finish(pl->reader, why);
	/* The clock's last time first: flows idle by then end as idle,
	   as they do in one table. */
	route_tick(pl, pl->now_us);
	broadcast(pl, IN_FINISH, why);
	wait_workers(pl, true);
	worker_post_stats(pl->reader);
	for (unsigned i = 0; i < pl->n; i++) {
		if (pl->pw[i].started)
			pthread_join(pl->pw[i].th, NULL);
		pl->pw[i].started = false;
	}
}

struct worker *pipeline_reader(struct pipeline *pl)
{
	return pl->reader;
}

/* Worker i's share of total: total / n, the first total % n one more. */
static uint64_t share(uint64_t total, unsigned n, unsigned i)
{
	return total / n + (i < total % n);
}

/* Worker i and its rings; false with a message on err. */
static bool worker_open(struct pipeline *pl, unsigned i, struct dpi *dpi,
			bool alerts, FILE *err)
{
	const struct engine *e = pl->eng;
	struct pworker *pw = &pl->pw[i];
	struct limits lim = *e->lim;
	struct worker_out out;

	pw->pl = pl;
	pw->id = i + 1;
	if (ring_init(&pw->in, THREAD_RING) != 0 ||
	    ring_init(&pw->out, THREAD_OUT_RING) != 0) {
		dpi_free(dpi);
		fprintf(err, "impwatch: out of memory\n");
		return false;
	}
	if (e->dpi && !dpi && !(dpi = engine_dpi_new(e->lim, err)))
		return false;
	if (dpi)
		dpi_set_max_states(dpi, share(pl->worker_states, pl->n, i));
	lim.max_flows = (uint32_t)share(pl->worker_flows, pl->n, i);
	sink_worker_out(pl->sink, alerts, pw->id, &pw->to_sink);
	pw->fmt = sink_fmt_new(pl->sink);
	memset(&out, 0, sizeof(out));
	out.flow = to_flow;
	out.alert = alerts ? to_alert : NULL;
	out.frame = pw->to_sink.frame ? to_frame : NULL;
	out.stats = to_stats;
	out.ctx = pw;
	out.id = pw->id;
	out.ids = pl->n + 1;   /* the reader is 0 */
	pw->w = worker_new_share(e, &lim, dpi, &out, err);
	return pw->w != NULL;
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
			      struct modules *early, unsigned n,
			      struct sink *s, bool alerts, bool discard,
			      FILE *err)
{
	struct pipeline *pl = calloc(1, sizeof(*pl));
	struct limits rlim = *e->lim;
	struct worker_out out;
	struct worker_route rt;
	sigset_t all, old;
	unsigned i;
	long cpus;
	struct dpi **mods = NULL;    /* each worker's nDPI module */

	if (!pl || !(pl->pw = calloc(n, sizeof(*pl->pw)))) {
		free(pl);
		dpi_free(dpi);
		modules_free(early);
		fprintf(err, "impwatch: out of memory\n");
		return NULL;
	}
	pl->eng = e;
	pl->n = n;
	/* A worker waiting on a CPU the reader or another worker needs
	   slows them: it then sleeps at once. */
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pl->spin = cpus > (long)n ? RING_SPIN : 0;
	pl->sink = s;
	pl->discard = discard;
	/* The reader keeps the carriers' flows (few) in a table of its own,
	   taken from --max-flows, which stays the total: at most
	   THREAD_CARRIER_FLOWS, and a worker's share at most. main.c gives
	   each worker one flow at least. */
	rlim.max_flows = e->lim->max_flows / (n + 1);
	if (rlim.max_flows > THREAD_CARRIER_FLOWS)
		rlim.max_flows = THREAD_CARRIER_FLOWS;
	if (rlim.max_flows == 0)
		rlim.max_flows = 1;
	pl->worker_flows = e->lim->max_flows - rlim.max_flows;
	/* The workers share --dpi-memory's states; the reader inspects the
	   few flows it keeps (decode_may_carry()) with THREAD_READER_STATES
	   more, on top. */
	if (dpi) {
		pl->worker_states = dpi_stats(dpi)->max_states;
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
	sink_worker_out(s, alerts, 0, &out);
	out.ids = n + 1;   /* the reader's flow ids, then the workers' */
	pl->reader = worker_new_share(e, &rlim, NULL, &out, err);
	if (!pl->reader)
		goto fail;
	pl->bytes = e->dpi || out.frame;
	memset(&rt, 0, sizeof(rt));
	rt.packet = route_packet;
	rt.flush_idle = route_flush;
	rt.tick = route_tick;
	rt.ctx = pl;
	rt.bytes = pl->bytes;
	rt.dpi_states = e->dpi ? THREAD_READER_STATES : 0;
	worker_set_route(pl->reader, &rt);
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
	unsigned i;

	if (!pl)
		return;
	/* Threads still running (a failed start): finish them, records to
	   the sink as always. */
	for (i = 0; i < pl->n; i++)
		if (pl->pw[i].started)
			break;
	if (i < pl->n) {
		for (i = 0; i < pl->n; i++)
			if (!pl->pw[i].started)
				pl->done++;
		for (i = 0; i < pl->n; i++) {
			struct pworker *pw = &pl->pw[i];
			struct in_ctl *c;

			if (!pw->started)
				continue;
			c = (struct in_ctl *)(void *)in_reserve(pw, sizeof(*c),
								IN_FINISH);
			c->arg = END_SHUTDOWN;
			ring_commit(&pw->in, &c->h);
			in_publish(pw);
		}
		wait_workers(pl, true);
		for (i = 0; i < pl->n; i++)
			if (pl->pw[i].started)
				pthread_join(pl->pw[i].th, NULL);
	}
	for (i = 0; i < pl->n; i++) {
		worker_free(pl->pw[i].w);
		sink_fmt_free(pl->pw[i].fmt);
		ring_free(&pl->pw[i].in);
		ring_free(&pl->pw[i].out);
	}
	worker_free(pl->reader);
	free(pl->pw);
	free(pl);
}
