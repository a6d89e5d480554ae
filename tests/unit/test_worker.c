/*
 * test_worker.c: the per-packet path as a run drives it, on frames
 * built here: the fragment table keyed by the run's seed, and the clock
 * that drives expiry against stamps far from the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "asan.h"   /* built with ASan: what it marks can be asked */
#include "config.h"
#include "dpi.h"
#include "flow.h"
#include "frag.h"
#include "engine.h"
#include "options.h"
#include "util.h"
#include "worker.h"

#define T0 1767225600000000ULL   /* 2026-01-01T00:00:00Z */
#define DLT_ETHER 1

/* A run's engine with the built-in catalogue and a worker, no nDPI
   unless asked; its records counted, and thrown away. */
struct run {
	struct limits lim;
	struct engine eng;
	struct worker *w;
	struct worker_stats st;
	uint64_t records, alerts, frames;
	struct flow_record last;      /* the last record out */
	uint64_t last_alert_id;       /* the flow_id of the last alert */
	uint32_t frame_bytes;         /* caplen of the frames out */
	bool check_fence;             /* count the frames out unfenced */
	uint64_t unfenced;            /* under ASan: a frame out whose
	                                 bytes are not all readable, or
	                                 the byte after them is */
};

static void on_record(void *ctx, const struct flow_record *rec)
{
	struct run *r = ctx;

	r->records++;
	r->last = *rec;
}

static void on_alert(void *ctx, const struct flow_record *rec)
{
	struct run *r = ctx;

	r->alerts++;
	r->last_alert_id = rec->flow_id;
}

/* The id run_open_out() gives its worker; whether its records carry
   the Community ID. */
static unsigned worker_id, worker_ids;
static bool with_cid;

static void on_frame(void *ctx, const struct frame_record *fr)
{
	struct run *r = ctx;

	r->frames++;
	r->frame_bytes += fr->caplen;
#ifdef IMPWATCH_ASAN
	if (r->check_fence &&
	    (__asan_region_is_poisoned((void *)(uintptr_t)fr->bytes,
				       fr->caplen) ||
	     !__asan_address_is_poisoned(fr->bytes + fr->caplen)))
		r->unfenced++;
#endif
}

/* The same, with alerts and evidence frames handed out too. */
static void run_open_out(struct run *r, const struct limits *lim,
			 uint64_t seed, bool dpi, bool alerts_frames)
{
	struct engine_cfg cfg;
	struct worker_out out;
	struct dpi *d;

	memset(r, 0, sizeof *r);
	r->lim = *lim;
	memset(&cfg, 0, sizeof cfg);
	cfg.lim = &r->lim;
	cfg.dpi = dpi;
	cfg.seed = seed;
	cfg.community_id = with_cid;
	assert_int_equal(engine_open(&r->eng, &cfg, &d, stderr), 0);
	memset(&out, 0, sizeof out);
	out.flow = on_record;
	if (alerts_frames) {
		out.alert = on_alert;
		out.frame = on_frame;
	}
	out.ctx = r;
	out.id = worker_id;
	out.ids = worker_ids;
	r->w = worker_new(&r->eng, d, &out, stderr);
	assert_non_null(r->w);
}

static void run_open(struct run *r, const struct limits *lim, uint64_t seed,
		     bool dpi)
{
	run_open_out(r, lim, seed, dpi, false);
}

/* The worker's counters now. */
static const struct worker_stats *stats(struct run *r)
{
	worker_stats(r->w, &r->st);
	return &r->st;
}

static void run_close(struct run *r)
{
	worker_free(r->w);
	engine_close(&r->eng);
}

/* Ethernet + IPv4, source 10.s1.s2.s3, destination 192.0.2.10, UDP
   (protocol 17), identification id: a later fragment (offset 8 bytes,
   more fragments) carrying 8 bytes. */
static size_t frag_frame(uint8_t *b, uint32_t src, uint16_t id)
{
	static const uint8_t mac[12] = { 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10 };
	uint8_t *ip = b + 14;

	memcpy(b, mac, 12);
	b[12] = 0x08;
	b[13] = 0x00;
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[3] = 28;
	ip[4] = (uint8_t)(id >> 8);
	ip[5] = (uint8_t)id;
	ip[6] = 0x20;             /* MF, offset 1 (8 bytes) */
	ip[7] = 0x01;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10;
	ip[13] = (uint8_t)(src >> 16);
	ip[14] = (uint8_t)(src >> 8);
	ip[15] = (uint8_t)src;
	ip[16] = 192;
	ip[18] = 2;
	ip[19] = 10;
	return 14 + 28;
}

/* The fragment table's key for frag_frame(src, id), as the decoder
   builds it. */
static struct frag_key frag_key_of(uint32_t src, uint16_t id)
{
	struct frag_key k;

	memset(&k, 0, sizeof k);
	k.src.b[10] = k.src.b[11] = 0xff;
	k.src.b[12] = 10;
	k.src.b[13] = (uint8_t)(src >> 16);
	k.src.b[14] = (uint8_t)(src >> 8);
	k.src.b[15] = (uint8_t)src;
	k.dst.b[10] = k.dst.b[11] = 0xff;
	k.dst.b[12] = 192;
	k.dst.b[14] = 2;
	k.dst.b[15] = 10;
	k.id = id;
	k.family = 4;
	k.proto = 17;
	return k;
}

#define CRAFTED 400
#define FRAG_SLOTS 64            /* --max-frags of these runs */
#define FRAG_BUCKETS 128         /* twice that (frag.c) */

/* Datagrams whose keys all hash to bucket 0 under `seed`: what a sender
   who knew the seed could aim at one chain. */
static void craft(uint64_t seed, uint32_t *src, uint16_t *id)
{
	uint32_t s = 0;
	int n = 0;

	while (n < CRAFTED) {
		struct frag_key k = frag_key_of(s, (uint16_t)(s * 7));

		if ((frag_hash(&k, seed) & (FRAG_BUCKETS - 1)) == 0) {
			src[n] = s;
			id[n] = (uint16_t)(s * 7);
			n++;
		}
		s++;
	}
}

/* Probes the run's fragment table spent on the crafted datagrams. */
static uint64_t probes_for(uint64_t run_seed, const uint32_t *src,
			   const uint16_t *id)
{
	struct limits lim;
	struct run r;
	uint8_t b[64];
	uint64_t probes;
	int i;

	limits_default(&lim);
	lim.max_frags = FRAG_SLOTS;
	lim.max_flows = 1000;
	run_open(&r, &lim, run_seed, false);
	for (i = 0; i < CRAFTED; i++) {
		size_t n = frag_frame(b, src[i], id[i]);

		worker_queue(r.w, DLT_ETHER, T0 + (uint64_t)i, b, (uint32_t)n,
			       (uint32_t)n);
	}
	worker_drain(r.w);
	probes = stats(&r)->frag_probes;
	/* Every datagram was held and all but the last 64 pushed out. */
	assert_int_equal(stats(&r)->decode_err[DERR_FRAG_TABLE_FULL], CRAFTED - FRAG_SLOTS);
	run_close(&r);
	return probes;
}

/*
 * The fragment table is keyed by the run's seed: datagrams crafted to
 * share a chain under that seed do (so the seed is what keys it), and
 * the same datagrams spread out in a run with another seed, where a
 * sender who does not know the seed cannot aim.
 */
static void test_frag_table_keyed_by_run_seed(void **state)
{
	static uint32_t src[CRAFTED];
	static uint16_t id[CRAFTED];
	const uint64_t seed = 0x5eed0001ULL, other = 0x5eed0002ULL;
	uint64_t aimed, missed;

	(void)state;
	craft(seed, src, id);
	aimed = probes_for(seed, src, id);
	missed = probes_for(other, src, id);
	printf("fragment table probes for %d crafted datagrams: %llu with "
	       "the seed they were made for, %llu with another\n", CRAFTED,
	       (unsigned long long)aimed, (unsigned long long)missed);
	/* One chain of up to 64: tens of probes per datagram. */
	assert_true(aimed > 30ull * CRAFTED);
	/* Spread over 128 buckets: about one per datagram. */
	assert_true(missed < 3ull * CRAFTED);
}

/* ------------------------------------------------- the clock */

#define SEC 1000000ULL
#define HOUR (3600 * SEC)
#define DAY (86400 * SEC)
#define Y2038 (2145916800ULL * SEC)   /* 2038-01-01T00:00:00Z */

/* Ethernet + IPv4 + UDP from 10.0.h.l:40000 (h, l: src's bytes) to
   192.0.2.10:9999, 4 bytes of payload. */
static size_t udp_frame(uint8_t *b, uint32_t src)
{
	size_t n = frag_frame(b, src, 0);
	uint8_t *ip = b + 14, *udp = ip + 20;

	ip[3] = 20 + 8 + 4;
	ip[6] = ip[7] = 0;        /* not a fragment */
	udp[0] = 0x9c;            /* 40000 */
	udp[1] = 0x40;
	udp[2] = 0x27;            /* 9999 */
	udp[3] = 0x0f;
	udp[5] = 8 + 4;
	memcpy(udp + 8, "ping", 4);
	return n + 4;
}

static void send_at(struct run *r, uint64_t ts, uint32_t src)
{
	uint8_t b[64];
	size_t n = udp_frame(b, src);

	worker_queue(r->w, DLT_ETHER, ts, b, (uint32_t)n, (uint32_t)n);
}

static void clock_run(struct run *r)
{
	struct limits lim;

	limits_default(&lim);
	lim.max_flows = 100000;
	run_open(r, &lim, 1, false);
}

/*
 * A month of one-packet flows, 21.6 minutes apart (UDP idles out after
 * 3 minutes), whose first packet is stamped 2038. That stamp is not
 * believed: flows still idle out one by one, and one packet is counted.
 * Believed, it kept every flow "not idle yet" to the end: all of them
 * live at once, all ended at the end of the input.
 */
static void test_first_stamp_2038(void **state)
{
	const uint32_t n = 2000;
	const struct flow_stats *st;
	struct run r;
	uint32_t i;

	(void)state;
	clock_run(&r);
	send_at(&r, Y2038, 0);
	for (i = 1; i < n; i++)
		send_at(&r, T0 + (uint64_t)i * 1296 * SEC, i);
	worker_finish(r.w, END_EOF);
	st = &stats(&r)->flows;
	assert_int_equal(st->created, n);
	assert_true(st->peak_active <= 2);
	assert_true(st->ended[END_IDLE] >= n - 2);
	assert_true(st->ended[END_EOF] <= 2);
	assert_int_equal(stats(&r)->clock_outliers, 1);
	run_close(&r);
}

/* The flow's first and last seen, as its record will say them. */
static void times_of(void *ctx, struct flow *f)
{
	uint64_t *t = ctx;

	t[0] = f->first_us;
	t[1] = f->last_us;
	t[2]++;
}

/*
 * One flow, a packet a minute for an hour, with one packet stamped 2038
 * and one stamped 1970 among them. Neither is believed: the flow is not
 * cut in two, no other flow ends early, and its first and last seen are
 * those of its other packets (an outlier counts at the clock's time).
 */
static void test_outliers_in_a_flow(void **state)
{
	const struct flow_stats *st;
	struct run r;
	uint64_t t[3] = { 0, 0, 0 };
	uint32_t i;

	(void)state;
	clock_run(&r);
	send_at(&r, T0, 7);
	send_at(&r, T0, 8);                      /* another flow, idle later */
	for (i = 1; i <= 60; i++) {
		if (i == 20)
			send_at(&r, Y2038, 7);
		else if (i == 40)
			send_at(&r, 1000 * SEC, 7);
		else
			send_at(&r, T0 + (uint64_t)i * 60 * SEC, 7);
	}
	/* Three packets of a third flow: worker_drain() does all before
	   them (they wait for what follows). */
	for (i = 1; i <= 3; i++)
		send_at(&r, T0 + 60 * 60 * SEC + i * SEC, 9);
	worker_drain(r.w);
	worker_foreach_flow(r.w, times_of, t);
	/* Flow 7 is still live; flow 8 idled out after 3 minutes. */
	assert_int_equal(t[2], 1);
	assert_true(t[0] == T0);
	assert_true(t[1] == T0 + 60 * 60 * SEC);
	worker_finish(r.w, END_EOF);
	st = &stats(&r)->flows;
	assert_int_equal(st->created, 3);
	assert_int_equal(st->ended[END_IDLE], 1);
	assert_int_equal(st->ended[END_EOF], 2);
	assert_int_equal(stats(&r)->clock_outliers, 2);
	run_close(&r);
}

/* Traffic, a day of silence, traffic: the jump is believed as it comes
   (the packets after it confirm it), the first flows idle out at it, and
   no stamp is counted as an outlier. */
static void test_real_pause(void **state)
{
	const struct flow_stats *st;
	struct run r;
	uint32_t i;

	(void)state;
	clock_run(&r);
	for (i = 0; i < 10; i++)
		send_at(&r, T0 + i * SEC, i);
	for (i = 0; i < 10; i++)
		send_at(&r, T0 + DAY + i * SEC, 100 + i);
	worker_finish(r.w, END_EOF);
	st = &stats(&r)->flows;
	assert_int_equal(st->ended[END_IDLE], 10);
	assert_int_equal(st->ended[END_EOF], 10);
	assert_int_equal(stats(&r)->clock_outliers, 0);
	assert_int_equal(stats(&r)->clock_jumps_back, 0);
	run_close(&r);
}

/* Two files in the wrong order: time goes back a day, confirmed by what
   follows. The flows of the later day cannot idle out on the earlier
   day's time: they end (idle) at the jump instead of holding their
   place to the end of the input. */
static void test_files_out_of_order(void **state)
{
	const struct flow_stats *st;
	struct run r;
	uint32_t i;

	(void)state;
	clock_run(&r);
	for (i = 0; i < 10; i++)
		send_at(&r, T0 + DAY + i * SEC, i);
	worker_drain(r.w);                   /* the end of one file */
	for (i = 0; i < 10; i++)
		send_at(&r, T0 + i * SEC, 100 + i);
	worker_finish(r.w, END_EOF);
	st = &stats(&r)->flows;
	assert_int_equal(st->peak_active, 10);
	assert_int_equal(st->ended[END_IDLE], 10);
	assert_int_equal(st->ended[END_EOF], 10);
	assert_int_equal(stats(&r)->clock_jumps_back, 1);
	assert_int_equal(stats(&r)->clock_outliers, 0);
	/* The span covers both days; the capture is at the last file's
	   last packet, not a day ahead of it. */
	assert_true(stats(&r)->last_us == T0 + DAY + 9 * SEC);
	assert_true(stats(&r)->latest_us == T0 + 9 * SEC);
	/* Every flow left the worker as one record. */
	assert_int_equal(r.records, 20);
	run_close(&r);
}

/* frag_frame()'s datagram's first fragment: offset 0, more fragments,
   the UDP header from 10.0.h.l:40000 to 192.0.2.10:9999. */
static size_t first_frag_frame(uint8_t *b, uint32_t src, uint16_t id)
{
	size_t n = frag_frame(b, src, id);
	uint8_t *udp = b + 14 + 20;

	b[14 + 6] = 0x20;         /* MF, offset 0 */
	b[14 + 7] = 0;
	udp[0] = 0x9c;            /* 40000 */
	udp[1] = 0x40;
	udp[2] = 0x27;            /* 9999 */
	udp[3] = 0x0f;
	udp[5] = 16;              /* this fragment's 8 bytes and the next's */
	return n;
}

static void queue_frame(struct run *r, uint64_t ts, const uint8_t *b,
			size_t n)
{
	worker_queue(r->w, DLT_ETHER, ts, b, (uint32_t)n, (uint32_t)n);
}

/* The later fragments of ten datagrams (sources 0 to 9, identification
   100 on), a second apart from T0: held, their first fragments not
   yet seen. */
static void hold_frags(struct run *r)
{
	uint8_t b[64];
	uint32_t i;

	for (i = 0; i < 10; i++)
		queue_frame(r, T0 + i * SEC, b, frag_frame(b, i, (uint16_t)(100 + i)));
}

/*
 * Ten datagrams whose later fragments come before their first ones, a
 * second apart, and among them one packet stamped 2038. The clock does
 * not believe that stamp, and neither does the fragment table: the
 * first fragments still find what was held for them. Expired at the
 * 2038 stamp, every held fragment was an orphan.
 */
static void test_frag_outlier_stamp(void **state)
{
	struct run r;
	uint8_t b[64];
	size_t n;
	uint32_t i;

	(void)state;
	clock_run(&r);
	hold_frags(&r);
	send_at(&r, Y2038, 50);
	for (i = 0; i < 10; i++) {
		n = first_frag_frame(b, i, (uint16_t)(100 + i));
		queue_frame(&r, T0 + (10 + i) * SEC, b, n);
	}
	worker_finish(r.w, END_EOF);
	assert_int_equal(stats(&r)->clock_outliers, 1);
	assert_int_equal(stats(&r)->decode_err[DERR_FRAG_ORPHAN], 0);
	/* Each first fragment's flow has its later one too. */
	assert_int_equal(stats(&r)->flows.created, 11);
	run_close(&r);
}

/* Held fragments, then a day of silence, then traffic: the jump is
   believed, and the fragments' time moves with it, so what was held
   before the pause expires (orphans) without waiting for the end. */
static void test_frag_real_pause(void **state)
{
	struct run r;
	uint32_t i;

	(void)state;
	clock_run(&r);
	hold_frags(&r);
	for (i = 0; i < 10; i++)
		send_at(&r, T0 + DAY + i * SEC, 100 + i);
	worker_drain(r.w);
	send_at(&r, T0 + DAY + 10 * SEC, 200);
	assert_int_equal(stats(&r)->decode_err[DERR_FRAG_ORPHAN], 10);
	worker_finish(r.w, END_EOF);
	run_close(&r);
}

/* A live frame of flow src, stamped ts: taken through the path now. */
static void live_at(struct run *r, uint64_t ts, uint32_t src)
{
	uint8_t b[64];
	size_t n = udp_frame(b, src);

	worker_packet(r->w, DLT_ETHER, ts, b, (uint32_t)n, (uint32_t)n);
}

/*
 * Live, the wall clock set back an hour between two ticks: the kernel
 * stamps the frames after the step by it, before the next tick tells
 * the worker. The first such frame is the clock going back, as the
 * tick would be: the flows open end (idle) before it is counted, not
 * after, with it in them. A frame that only waited in the capture
 * buffer, stamped minutes before the clock while the wall clock is
 * not, moves nothing. The wall clock is the machine's: the clock is
 * set an hour ahead of it first.
 */
static void test_live_step_back(void **state)
{
	struct run r;
	uint64_t wall = clock_wall_us();

	(void)state;
	clock_run(&r);
	worker_tick(r.w, wall + HOUR);
	live_at(&r, wall + HOUR + SEC, 1);
	assert_int_equal(r.records, 0);
	live_at(&r, wall + 2 * SEC, 2);
	assert_int_equal(r.records, 1);
	assert_int_equal(stats(&r)->clock_jumps_back, 1);
	assert_int_equal(stats(&r)->flows.active, 1);
	/* Stamped two minutes back, the wall clock where the clock is. */
	live_at(&r, clock_wall_us() - 120 * SEC, 3);
	assert_int_equal(r.records, 1);
	assert_int_equal(stats(&r)->clock_jumps_back, 1);
	worker_finish(r.w, END_SHUTDOWN);
	run_close(&r);
}

/* What test_carrier_ip_bytes found in the table. */
struct seen_flows {
	const struct flow *inner, *carrier;
};

static void find_flows(void *ctx, struct flow *f)
{
	struct seen_flows *s = ctx;

	if (f->key.proto == 6)
		s->inner = f;
	else if (f->key.proto == 47)
		s->carrier = f;
}

/* A tunnelled packet counts its inner IP packet's length and DSCP to its
   own flow, and the outer packet's to its carrier's flow. */
static void test_carrier_ip_bytes(void **state)
{
	static const uint8_t mac[12] = { 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10 };
	struct limits lim;
	struct run r;
	struct seen_flows s = { NULL, NULL };
	uint8_t b[14 + 20 + 4 + 40];
	uint8_t *o = b + 14, *g = o + 20, *in = g + 4, *t = in + 20;

	(void)state;
	memset(b, 0, sizeof b);
	memcpy(b, mac, 12);
	b[12] = 0x08;
	o[0] = 0x45;
	o[1] = 0xb8;             /* outer: EF */
	o[3] = 20 + 4 + 40;
	o[8] = 64;
	o[9] = 47;               /* GRE */
	o[12] = 10; o[15] = 1;
	o[16] = 10; o[19] = 2;
	g[2] = 0x08;             /* GRE carrying IPv4 */
	in[0] = 0x45;
	in[1] = 0x28;            /* inner: AF11 */
	in[3] = 40;
	in[8] = 64;
	in[9] = 6;
	in[12] = 192; in[13] = 168; in[15] = 1;
	in[16] = 192; in[17] = 168; in[19] = 2;
	t[0] = 0x9c; t[1] = 0x40;   /* 40000 */
	t[2] = 0x14; t[3] = 0x66;   /* 5222 */
	t[12] = 0x50;
	t[13] = 0x02;               /* SYN */

	limits_default(&lim);
	lim.max_flows = 100;
	run_open(&r, &lim, 1, false);
	worker_packet(r.w, DLT_ETHER, T0, b, sizeof b, sizeof b);
	worker_foreach_flow(r.w, find_flows, &s);
	assert_non_null(s.inner);
	assert_non_null(s.carrier);
	assert_int_equal(s.inner->ip_bytes[0] + s.inner->ip_bytes[1], 40);
	assert_int_equal(flow_dscp(s.inner, s.inner->first_from_b), 10);
	assert_int_equal(s.carrier->ip_bytes[0] + s.carrier->ip_bytes[1], 64);
	assert_int_equal(flow_dscp(s.carrier, s.carrier->first_from_b), 46);
	run_close(&r);
}

/*
 * A worker writes nothing: two undocumented flows (UDP to 9999) leave it
 * as one alert each, as they become findings, every frame of theirs as
 * an evidence frame, and one record each, with its counters, when they
 * end.
 */
static void test_records_out(void **state)
{
	struct limits lim;
	struct run r;
	uint8_t b[64];
	size_t n = udp_frame(b, 1);
	int i;

	(void)state;
	limits_default(&lim);
	lim.max_flows = 100;
	/* Worker 2 of 4 numbers its flows 3, 7, 11...: no other worker's. */
	worker_id = 2;
	worker_ids = 4;
	run_open_out(&r, &lim, 1, false, true);
	worker_id = worker_ids = 0;
	for (i = 0; i < 3; i++)
		worker_packet(r.w, DLT_ETHER, T0 + (uint64_t)i, b, (uint32_t)n,
			      (uint32_t)n);
	n = udp_frame(b, 2);
	for (i = 0; i < 2; i++)
		worker_packet(r.w, DLT_ETHER, T0 + 10 + (uint64_t)i, b,
			      (uint32_t)n, (uint32_t)n);
	assert_int_equal(r.alerts, 2);
	assert_int_equal(r.frames, 5);
	assert_int_equal(r.frame_bytes, 5 * n);
	assert_int_equal(r.records, 0);
	worker_finish(r.w, END_EOF);
	assert_int_equal(r.records, 2);
	assert_int_equal(r.alerts, 2);
	assert_int_equal(r.last.verdict, V_UNDOCUMENTED);
	assert_int_equal(rec_server_port(&r.last), 9999);
	assert_int_equal(r.last.pkts[REC_C2S], 2);
	assert_int_equal(r.last.pkts[REC_S2C], 0);
	assert_int_equal(r.last.bytes[REC_C2S], 2 * n);
	assert_int_equal(r.last.end_reason, END_EOF);
	assert_string_equal(r.last.app_name, "");
	/* The alert and the final record of a flow share its id. */
	assert_true(r.last.flow_id == 7);
	assert_true(r.last_alert_id == r.last.flow_id);
	run_close(&r);
}

/*
 * Under AddressSanitizer each frame copied to the batch's arena is fenced
 * as a block of its own length would be: its bytes readable, the byte
 * after them not, so that a read past a frame's caplen is a report (one
 * the fuzz targets find) and not a quiet read of the next frame's bytes.
 * Frames of every length modulo 8, over several batches (the frames kept
 * for the clock move to the front of the arena), each an evidence frame
 * of an undocumented flow. Without ASan there is nothing to ask: skipped.
 */
static void test_arena_fences(void **state)
{
#ifdef IMPWATCH_ASAN
	struct limits lim;
	struct run r;
	uint8_t b[128];
	size_t n = udp_frame(b, 1);
	uint32_t len;
	int i;

	(void)state;
	limits_default(&lim);
	lim.max_flows = 100;
	run_open_out(&r, &lim, 1, false, true);
	r.check_fence = true;
	/* Bytes after the datagram: an Ethernet trailer. */
	memset(b + n, 0, sizeof b - n);
	for (i = 0; i < 3 * PIPE_BATCH; i++) {
		len = (uint32_t)(n + (size_t)(i % 9));
		worker_queue(r.w, DLT_ETHER, T0 + (uint64_t)i, b, len, len);
	}
	worker_finish(r.w, END_EOF);
	assert_int_equal(r.frames, 3 * PIPE_BATCH);
	assert_int_equal(r.unfenced, 0);
	run_close(&r);
#else
	(void)state;
	skip();
#endif
}

/* The SHA-1 of the Community ID is made when an output shows it (the
   engine says so), and not otherwise. */
static void test_records_community_id(void **state)
{
	struct limits lim;
	struct run r;
	uint8_t b[64];
	size_t n = udp_frame(b, 1);
	int on;

	(void)state;
	limits_default(&lim);
	lim.max_flows = 100;
	for (on = 0; on < 2; on++) {
		with_cid = on;
		run_open(&r, &lim, 1, false);
		with_cid = false;
		worker_packet(r.w, DLT_ETHER, T0, b, (uint32_t)n, (uint32_t)n);
		worker_finish(r.w, END_EOF);
		assert_int_equal(r.records, 1);
		if (on)
			assert_int_equal(strncmp(r.last.community_id, "1:", 2), 0);
		else
			assert_string_equal(r.last.community_id, "");
		run_close(&r);
	}
}

/* A worker of a run with DPI that has no nDPI module (a reader's, made
   for its first flow, when memory ran out) counts each new flow as left
   uninspected, which makes the gate inconclusive. */
static void test_no_module_counts_uninspected(void **state)
{
	struct engine_cfg cfg;
	struct worker_out out;
	struct limits lim;
	struct run r;
	struct dpi *d;
	uint8_t b[64];
	size_t n;

	(void)state;
	limits_default(&lim);
	lim.max_flows = 100;
	memset(&r, 0, sizeof r);
	r.lim = lim;
	memset(&cfg, 0, sizeof cfg);
	cfg.lim = &r.lim;
	cfg.dpi = true;
	cfg.seed = 1;
	assert_int_equal(engine_open(&r.eng, &cfg, &d, stderr), 0);
	dpi_free(d);
	memset(&out, 0, sizeof out);
	out.flow = on_record;
	out.ctx = &r;
	r.w = worker_new(&r.eng, NULL, &out, stderr);
	assert_non_null(r.w);
	n = udp_frame(b, 1);
	worker_packet(r.w, DLT_ETHER, T0, b, (uint32_t)n, (uint32_t)n);
	worker_packet(r.w, DLT_ETHER, T0 + 1, b, (uint32_t)n, (uint32_t)n);
	n = udp_frame(b, 2);
	worker_packet(r.w, DLT_ETHER, T0 + 2, b, (uint32_t)n, (uint32_t)n);
	assert_true(stats(&r)->dpi);
	assert_int_equal(stats(&r)->dpi_st.no_state, 2);
	assert_int_equal(stats(&r)->dpi_st.inspected, 0);
	worker_finish(r.w, END_EOF);
	assert_int_equal(r.records, 2);
	run_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frag_table_keyed_by_run_seed),
		cmocka_unit_test(test_first_stamp_2038),
		cmocka_unit_test(test_outliers_in_a_flow),
		cmocka_unit_test(test_real_pause),
		cmocka_unit_test(test_files_out_of_order),
		cmocka_unit_test(test_frag_outlier_stamp),
		cmocka_unit_test(test_frag_real_pause),
		cmocka_unit_test(test_live_step_back),
		cmocka_unit_test(test_carrier_ip_bytes),
		cmocka_unit_test(test_records_out),
		cmocka_unit_test(test_arena_fences),
		cmocka_unit_test(test_records_community_id),
		cmocka_unit_test(test_no_module_counts_uninspected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
