/*
 * worker.c: the per-packet path shared by file reading and live capture
 * (the contract is in worker.h).
 */
#include "worker.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "asan.h"
#include "classify.h"
#include "dedup.h"
#include "echo.h"
#include "frag.h"
#include "options.h"
#include "pclock.h"
#include "util.h"

/*
 * The arena under AddressSanitizer (asan.h): each frame's copy is
 * readable alone, followed by ASAN_REDZONE bytes that are not, as a
 * malloc'd block of its length would be: a read past a frame's caplen
 * (the decoder's, the duplicate check's) is an ASan report, not a quiet
 * read of the next frame's bytes. Copies start on ASan's 8-byte granule,
 * so that each end is exact. Without ASan a copy takes its caplen bytes
 * and nothing is marked.
 */
#ifdef IMPWATCH_ASAN
/* The arena bytes a copy of caplen bytes takes. */
static inline size_t arena_take(uint32_t caplen)
{
	return (((size_t)caplen + 7) & ~(size_t)7) + ASAN_REDZONE;
}
#else
static inline size_t arena_take(uint32_t caplen)
{
	return caplen;
}
#endif

/* A frame waiting in the batch. */
struct pipe_item {
	struct packet p;
	struct flow_prep prep;
	uint64_t fp;            /* duplicate fingerprint (dedup.h) */
	const uint8_t *bytes;   /* its copy in the arena; NULL when not kept */
	uint32_t caplen;
	int dlt;
};

struct worker {
	const struct engine *eng;
	struct dpi *dpi;                /* NULL with --no-dpi */
	uint64_t uninspected;           /* new flows a run with DPI left
	                                   uninspected: no module (out of
	                                   memory) */
	struct decoder dec;
	struct flow_table *ft;
	struct dedup dedup;             /* frames mirrored twice */
	struct echo echo;               /* ICMP echo requests (echo.h) */
	struct pclock clock;            /* drives expiry (pclock.h) */
	struct carriers *carriers;      /* tunnels seen */
	struct worker_out out;          /* where records go */
	int last_dlt;                   /* of the last frame seen */
	uint64_t packets, bytes;        /* frames seen, their wire lengths */
	uint64_t first_us, last_us;     /* the span of the frames counted
	                                   in packets (span_add) */
	uint64_t latest_us;             /* the latest of their times since
	                                   the clock last went back (the
	                                   clock's then): last_us when it
	                                   never did */
	bool any_packet;                /* one was: the two above are set
	                                   (0 is a time: some tools stamp
	                                   every frame 0) */
	struct pipe_item *queue;        /* PIPE_BATCH frames (worker_queue) */
	size_t queued;
	uint8_t *arena;                 /* PIPE_ARENA bytes of frame copies */
	size_t arena_used;
	struct worker_route route;      /* a reader: where inner packets go
	                                   (route.packet NULL: nowhere, the
	                                   worker takes them itself) */
	bool dpi_tried;                 /* a reader: its nDPI module was
	                                   asked for (reader_dpi()) */
};

/*
 * One alert per flow that is a finding, as soon as it is one: at its first
 * packet for an undocumented or local-only flow, at the client's first
 * payload for cleartext, when nDPI decides for a documented flow that
 * turns out a protocol mismatch. A flow that becomes a second finding
 * later keeps its one alert; its record lists both.
 */
static void maybe_alert(struct worker *w, struct flow *f)
{
	struct flow_record rec;

	if (!w->out.alert || f->alerted ||
	    !verdict_is_finding((enum verdict)f->verdict))
		return;
	f->alerted = 1;
	record_from_flow(&rec, f, w->dpi, w->eng);
	w->out.alert(w->out.ctx, &rec);
}

/* A flow's end: nDPI gives its answer, then the flow leaves as a
   record (its slot is reused as soon as this returns). */
static void on_flow_end(void *ctx, struct flow *f)
{
	struct worker *w = ctx;
	struct flow_record rec;

	if (f->dpi) {
		dpi_flow_finish(w->dpi, f);
		classify_app(w->eng->cat, w->dpi, f);
	}
	maybe_alert(w, f);
	record_from_flow(&rec, f, w->dpi, w->eng);
	w->out.flow(w->out.ctx, &rec);
}

struct worker *worker_new(const struct engine *e, struct dpi *dpi,
			  const struct worker_out *out, FILE *err)
{
	return worker_new_share(e, e->lim, dpi, out, err);
}

struct worker *worker_new_share(const struct engine *e,
				const struct limits *lim, struct dpi *dpi,
				const struct worker_out *out, FILE *err)
{
	struct worker *w = calloc(1, sizeof(*w));

	if (!w) {
		dpi_free(dpi);
		goto oom;
	}
	w->eng = e;
	w->dpi = dpi;
	w->out = *out;
	w->last_dlt = -1;
	w->carriers = carriers_new(e->seed, e->trust);
	if (!w->carriers)
		goto oom;
	if (dedup_init(&w->dedup, e->dup_window_us) != 0)
		goto oom;
	if (echo_init(&w->echo) != 0)
		goto oom;
	if (decoder_init(&w->dec, e->lim, e->seed) != 0)
		goto oom;
	pclock_init(&w->clock, (uint64_t)e->lim->time_jump * 1000000u);
	decoder_set_clock(&w->dec, &w->clock);
	w->ft = flow_table_new(lim, e->seed, on_flow_end, w);
	if (!w->ft)
		goto oom;
	/* Flow ids unique in the run whatever the workers, and as small as
	   one table's: worker k of n numbers k + 1, k + 1 + n, ... */
	flow_table_set_ids(w->ft, (uint64_t)out->id + 1, out->ids ? out->ids : 1);
	/* The arena's pages are touched only as far as frames fill it. */
	w->queue = calloc(PIPE_BATCH, sizeof(*w->queue));
	w->arena = malloc(PIPE_ARENA);
	if (!w->queue || !w->arena)
		goto oom;
	asan_poison(w->arena, PIPE_ARENA);
	return w;
oom:
	/* The run's --max-flows, not this worker's share of it. */
	fprintf(err, "impwatch: out of memory (--max-flows %u)\n",
		e->lim->max_flows);
	worker_free(w);
	return NULL;
}

void worker_set_out(struct worker *w, const struct worker_out *out)
{
	w->out = *out;
}

void worker_set_route(struct worker *w, const struct worker_route *rt)
{
	w->route = *rt;
}

/* How much of the batch drain() takes through the table. */
enum drain_how {
	DRAIN_KEEP,    /* all but the last CLOCK_AHEAD: more frames come */
	DRAIN_ALL,     /* all: a frame comes that cannot join the batch */
	DRAIN_END      /* all: the input ends */
};

static void drain(struct worker *w, enum drain_how how);

/*
 * A counted frame's time into the run's span: the span is that of the
 * packets the summary counts (every frame read that passed the filter,
 * ARP, malformed frames and SPAN copies included), as capinfos gives a
 * capture's first and last packet. The earliest and the latest, not the
 * first and last taken: frames that make no flow are counted as they
 * are decoded, ahead of the batch's frames still waiting for the clock.
 */
static void span_add(struct worker *w, uint64_t ts_us)
{
	if (!w->any_packet) {
		w->any_packet = true;
		w->first_us = w->last_us = w->latest_us = ts_us;
		return;
	}
	if (ts_us < w->first_us)
		w->first_us = ts_us;
	else if (ts_us > w->last_us)
		w->last_us = ts_us;
	if (ts_us > w->latest_us)
		w->latest_us = ts_us;
}

/*
 * p's key and hash, and its bucket asked of memory when this worker's
 * table will look p up. A reader's table holds carriers and the few
 * flows a carrier's key could have: the packets it hands on never meet
 * it, and asking for their buckets was the reader's most costly
 * instruction (perf, --threads 2, 300 MB mixed capture: 9% of the
 * run's samples). Most likely its pages were never written, so that
 * each ask walked the page tables to find nothing, and none was kept.
 */
static inline __attribute__((always_inline)) void
frame_prepare(struct worker *w, const struct packet *p, struct flow_prep *prep)
{
	if (w->route.packet)
		flow_prep_key(w->ft, p, prep);
	else
		flow_prepare(w->ft, p, prep);
}

/* Counting and decoding. False when the frame stops here (malformed, or
   a held fragment that came through no tunnel): no clock judges its
   stamp, which is its time in the span. */
static inline __attribute__((always_inline)) bool
frame_decode(struct worker *w, int dlt, uint64_t ts_us, const uint8_t *bytes,
	     uint32_t caplen, uint32_t wire_len, struct packet *p)
{
	enum decode_status st;

	w->packets++;
	w->bytes += wire_len;
	w->last_dlt = dlt;
	st = decode_packet(&w->dec, dlt, ts_us, bytes, caplen, wire_len, p);
	if (st == DECODE_HELD && p->ntun) {
		/* A fragment waiting for its first one: its own flow gets it
		   later, the tunnels it came through count it now. */
		p->no_inner = 1;
		return true;
	}
	if (st != DECODE_OK) {
		span_add(w, ts_us);
		return false;
	}
	return true;
}

/* What a stamp did to the clock, done to the flows: a believed jump back
   leaves every live flow last seen after the new time, unable to idle out
   on it (and in the way of the flows behind it on the expiry lists):
   they end, as idle, before the packet that went back is counted. */
static void clock_moved(struct worker *w, enum pclock_what what)
{
	if (what != PCLOCK_JUMP_BACK)
		return;
	/* The capture is now at the clock's new time: the records that
	   tell of it so far are stamped so, not an hour ahead. */
	if (w->any_packet)
		w->latest_us = w->clock.now_us;
	flow_flush(w->ft, END_IDLE);
	/* A reader: the workers' flows too, before the packet. */
	if (w->route.flush_idle)
		w->route.flush_idle(w->route.ctx);
}

/* True when tunnel layer t's outer flow is the flow of the IP header
   (family, proto, src, dst, ports), either way round. */
static bool same_outer(const struct tun_layer *t, uint8_t family, uint8_t proto,
		       const struct ip_addr *src, const struct ip_addr *dst,
		       uint16_t sport, uint16_t dport)
{
	if (t->family != family || t->proto != proto)
		return false;
	if (memcmp(&t->src, src, sizeof(*src)) == 0 &&
	    memcmp(&t->dst, dst, sizeof(*dst)) == 0)
		return t->sport == sport && t->dport == dport;
	return memcmp(&t->src, dst, sizeof(*dst)) == 0 &&
	       memcmp(&t->dst, src, sizeof(*src)) == 0 &&
	       t->sport == dport && t->dport == sport;
}

/* True when p's own flow is the outer flow of its layer i: a packet that
   carries its own carrier's flow (a datagram from 4789 back to the
   sender's port, inside VXLAN the other way). It counts to that flow
   once, as its own. */
static bool own_is_outer(const struct packet *p, uint8_t i)
{
	return !p->no_inner && same_outer(&p->tun[i], p->family, p->proto,
					  &p->src, &p->dst, p->sport,
					  p->dport);
}

/* True when p's own flow is the outer flow of a tunnel it came through
   that the site does not trust: the carrier's finding is that flow's,
   or a tunnel whose every packet carries its own flow goes unjudged. */
static bool own_untrusted(const struct worker *w, const struct packet *p)
{
	uint8_t i;

	for (i = 0; i < p->ntun; i++)
		if (own_is_outer(p, i) &&
		    !trust_judge(w->eng->trust, &p->tun[i]))
			return true;
	return false;
}

/* True when layer i of p would count p a second time to a flow it is in
   already: a GRE keepalive comes back inside its own tunnel, between the
   same two ends (and a packet whose own flow is that of a carrier). A
   tunnel of another kind on the same ends (GRE mirrored in an ERSPAN
   session) is judged by its own trust, not the outer one's. */
static bool counted_already(const struct packet *p, uint8_t i)
{
	const struct tun_layer *t = &p->tun[i];
	uint8_t j;

	if (own_is_outer(p, i))
		return true;
	for (j = 0; j < i; j++)
		if (t->kind == p->tun[j].kind &&
		    same_outer(t, p->tun[j].family, p->tun[j].proto,
			       &p->tun[j].src, &p->tun[j].dst, p->tun[j].sport,
			       p->tun[j].dport))
			return true;
	return false;
}

/*
 * Each tunnel p came through: count it to its carrier and, for an overlay
 * or an ERSPAN session the site did not trust, to the carrier's flow (one
 * per outer 5-tuple), judged by trust. True when one of those flows is a
 * finding. Only tunnelled packets come here.
 */
static bool frame_carriers(struct worker *w, const struct packet *p)
{
	bool finding = false;
	uint8_t i;

	for (i = 0; i < p->ntun; i++) {
		const struct tun_layer *t = &p->tun[i];
		struct carrier *e;
		struct packet cp;
		struct flow *f;
		bool trusted, is_new, from_b;

		if (counted_already(p, i)) {
			/* Listed all the same; its trust is judged on the
			   packet's own flow (own_untrusted()). */
			if (own_is_outer(p, i))
				(void)carriers_see(w->carriers, t, p->wire_len,
						   &e);
			continue;
		}
		trusted = carriers_see(w->carriers, t, p->wire_len, &e);
		/* Trusted ERSPAN is the capture's own transport. */
		if (trusted && tunnel_is_erspan((enum tunnel_kind)t->kind))
			continue;
		memset(&cp, 0, offsetof(struct packet, tun));
		cp.ts_us = p->ts_us;
		cp.wire_len = p->wire_len;
		cp.family = t->family;
		cp.proto = t->proto;
		cp.src = t->src;
		cp.dst = t->dst;
		cp.sport = t->sport;
		cp.dport = t->dport;
		cp.tunnel = t->kind;
		cp.vlan = i == 0 ? p->vlan : 0;
		cp.ip_len = t->ip_len;
		cp.dscp = t->dscp;
		f = flow_lookup(w->ft, &cp, &is_new, &from_b);
		if (is_new) {
			classify_carrier(f, t, trusted, from_b);
			if (e)
				e->flows++;
		} else if (!(f->carrier & FC_CARRIER) && !trusted) {
			/* A flow of its own came first on these ends and
			   ports (a datagram to SIP's port from 4789): the
			   tunnel it now carries is its finding too, or one
			   forged packet would hide it. */
			flow_add_finding(f, V_UNTRUSTED_TUNNEL);
		}
		if (w->out.alert && !f->alerted)
			maybe_alert(w, f);
		finding |= verdict_is_finding((enum verdict)f->verdict);
	}
	return finding;
}

/* A frame kept as evidence: the frame itself, as it was captured. */
static void frame_evidence(struct worker *w, const struct packet *p, int dlt,
			   const uint8_t *bytes, uint32_t caplen,
			   uint64_t stamp_us)
{
	struct frame_record fr = {
		.bytes = bytes, .ts_us = stamp_us, .caplen = caplen,
		.wire_len = p->wire_len, .dlt = dlt,
	};

	w->out.frame(w->out.ctx, &fr);
}

static void routed(struct worker *w, const struct packet *p,
		   const struct flow_prep *prep, uint64_t now_us,
		   const struct frame_record *fr, bool finding,
		   bool untrusted);

/*
 * A reader's frame: its carriers counted and their flows looked up here
 * (they are few, and one outer flow carries the inner flows of many
 * workers), the inner flow handed to the worker that owns it, with
 * whether a carrier made the frame evidence. A frame with no inner flow
 * is evidence here or nowhere. A flow whose key a carrier's could have
 * (UDP to a VXLAN port that was no VXLAN, a GRE keepalive) stays here
 * too: in one table the two are one flow, whichever came first.
 */
static void frame_route(struct worker *w, const struct packet *p,
			const struct flow_prep *prep, int dlt,
			const uint8_t *bytes, uint32_t caplen, uint64_t stamp_us)
{
	bool finding = false;

	flow_expire(w->ft, w->clock.now_us);
	if (p->ntun)
		finding = frame_carriers(w, p);
	if (!p->no_inner) {
		struct frame_record fr = {
			.bytes = bytes, .ts_us = stamp_us, .caplen = caplen,
			.wire_len = p->wire_len, .dlt = dlt,
		};

		/* A flow a carrier's key could have is here: so is any
		   packet's whose own flow is a carrier's. */
		if (decode_may_carry(p)) {
			routed(w, p, prep, w->clock.now_us, &fr, finding,
			       p->ntun && own_untrusted(w, p));
		} else {
			w->route.packet(w->route.ctx, p, prep, w->clock.now_us,
					&fr, finding);
			return;
		}
	} else if (w->out.frame && finding) {
		frame_evidence(w, p, dlt, bytes, caplen, stamp_us);
	}
	/* One table ends its idle flows at every frame's time: the
	   workers learn it from this one too. */
	w->route.now(w->route.ctx, w->clock.now_us);
}

/* A reader's nDPI module, made for the first flow of its own (most runs
   have none: starting nDPI costs some 15 ms). Without memory for it,
   the reader's flows go uninspected, and are counted so. */
static void reader_dpi(struct worker *w)
{
	w->dpi_tried = true;
	w->dpi = dpi_new_another(w->eng->lim->dpi_packets,
				 w->eng->lim->dpi_memory_mb);
	if (w->dpi)
		dpi_set_max_states(w->dpi, w->route.dpi_states);
}

/* A packet of a flow classified already: what it may change of the
   flow's judgment. */
static inline __attribute__((always_inline)) void
flow_later(struct worker *w, struct flow *f, const struct packet *p,
	   bool from_b)
{
	/* One test a packet, past which only the flows from lo go: a
	   packet of theirs from a wire is judged as it came. */
	if (f->first_flags & FF_LOOP_LINK)
		classify_link(w->eng->cat, w->eng->hosts, f, p, from_b);
	if ((f->carrier & (FC_CARRIER | FC_OWN)) == FC_CARRIER &&
	    p->l4_off && !p->truncated) {
		/* A tunnel's outer flow: this packet came through no
		   tunnel, and is judged as its own flow would be. (A later
		   fragment is its first fragment's: the carrier's when that
		   one was. A header cut by the snap length or in a first
		   fragment may have been the tunnel's: the gate says so.) */
		classify_own(w->eng->cat, w->eng->hosts, f, p, from_b);
	} else if ((p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN &&
		   classify_resyn(w->eng->cat, w->eng->hosts, f, p, from_b)) {
		/* A SYN that opens otherwise than the first packet said:
		   decided again (and, on a TLS-only port, its first bytes
		   awaited). */
	} else if (f->tls == FTLS_WAIT) {
		classify_tls(f, p, from_b);
	}
}

/* What every packet of a flow goes through, on one thread or in a flow
   worker: a new flow is classified (and its nDPI state started), a
   flow still waiting for its client's first bytes is judged for TLS,
   nDPI reads what it still needs, a finding is alerted once. Says
   whether the frame is evidence: the flow is a finding now and frames
   are kept (without --dump nothing asks the verdict here). */
static inline __attribute__((always_inline)) bool
flow_step(struct worker *w, struct flow *f, const struct packet *p,
	  bool is_new, bool from_b, bool untrusted)
{
	if (is_new) {
		classify_flow(w->eng->cat, f, p, from_b);
		classify_roles(w->eng->cat, w->eng->hosts, f);
		/* The reader keeps the flows with a tunnel's key: its nDPI
		   module is made when the first one needs it. */
		if (!w->dpi && w->route.dpi_states && !w->dpi_tried)
			reader_dpi(w);
		if (w->dpi)
			dpi_flow_start(w->dpi, f);
		else if (w->eng->dpi)
			w->uninspected++;
	} else {
		flow_later(w, f, p, from_b);
	}
	if (untrusted)
		flow_add_finding(f, V_UNTRUSTED_TUNNEL);
	/* One test for a packet of another protocol; echo_sum is 0 for any
	   ICMP message but an echo's first fragment. */
	if ((p->proto == IPPROTO_NUM_ICMP || p->proto == IPPROTO_NUM_ICMPV6) &&
	    p->echo_sum)
		(void)echo_packet(&w->echo, f, p);
	/* A decided flow (or --no-dpi) pays this one test and no more. */
	if (f->dpi && dpi_packet(w->dpi, f, p))
		classify_app(w->eng->cat, w->dpi, f);
	if (w->out.alert && !f->alerted)
		maybe_alert(w, f);
	return w->out.frame && verdict_is_finding((enum verdict)f->verdict);
}

/*
 * The rest: the flow, its classification, nDPI, alert, the carriers of
 * its tunnels and evidence. p's time is the one the clock gave it;
 * stamp_us is the frame's own, which the evidence keeps.
 *
 * Inline, with frame_decode(), flow_step() and flow_later(): every
 * packet went through these four calls, and each saved and restored
 * the registers its caller held. Taken into drain() (one call site
 * there) they cost 4.6% fewer instructions a run (callgrind, 65 MB
 * mixed capture, --no-dpi, summary only: 541.0 M -> 515.9 M).
 */
static inline __attribute__((always_inline)) void
frame_flow(struct worker *w, const struct packet *p,
	   const struct flow_prep *prep, int dlt, const uint8_t *bytes,
	   uint32_t caplen, uint64_t stamp_us)
{
	struct flow *f;
	bool is_new, from_b, finding = false;

	span_add(w, p->ts_us);
	if (w->route.packet) {
		frame_route(w, p, prep, dlt, bytes, caplen, stamp_us);
		return;
	}
	flow_expire(w->ft, w->clock.now_us);
	if (!p->no_inner) {
		f = flow_lookup_prepared(w->ft, p, prep, &is_new, &from_b);
		/* Read now: the carriers' lookups may move f. */
		finding = flow_step(w, f, p, is_new, from_b,
				    p->ntun && own_untrusted(w, p));
	}
	if (p->ntun && frame_carriers(w, p))
		finding = true;
	if (w->out.frame && finding) {
		struct frame_record fr = {
			.bytes = bytes, .ts_us = stamp_us, .caplen = caplen,
			.wire_len = p->wire_len, .dlt = dlt,
		};

		w->out.frame(w->out.ctx, &fr);
	}
}

/* worker_routed(); untrusted: p's own flow is an untrusted carrier's
   (own_untrusted(), which only the reader, holding p's tunnels, can
   tell). */
static void routed(struct worker *w, const struct packet *p,
		   const struct flow_prep *prep, uint64_t now_us,
		   const struct frame_record *fr, bool finding,
		   bool untrusted)
{
	struct flow *f;
	bool is_new, from_b;

	flow_expire(w->ft, now_us);
	f = flow_lookup_prepared(w->ft, p, prep, &is_new, &from_b);
	if (flow_step(w, f, p, is_new, from_b, untrusted))
		finding = true;
	if (w->out.frame && finding)
		w->out.frame(w->out.ctx, fr);
}

void worker_routed(struct worker *w, const struct packet *p,
		   const struct flow_prep *prep, uint64_t now_us,
		   const struct frame_record *fr, bool finding)
{
	routed(w, p, prep, now_us, fr, finding, false);
}

void worker_prefetch_buckets(struct worker *w, const uint64_t *hashes,
			     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		flow_prefetch_bucket(w->ft, hashes[i]);
}

void worker_prefetch(struct worker *w, const uint64_t *hashes, size_t n,
		     size_t asked)
{
	size_t i;

	/* The bucket, then the flow it names, then its list neighbours:
	   each step reads what the one before asked for. */
	if (asked < n)
		worker_prefetch_buckets(w, hashes + asked, n - asked);
	for (i = 0; i < n; i++)
		flow_prefetch(w->ft, hashes[i]);
	for (i = 0; i < n; i++)
		flow_prefetch_links(w->ft, hashes[i]);
}

void worker_expire(struct worker *w, uint64_t now_us)
{
	flow_expire(w->ft, now_us);
}

void worker_flush_idle(struct worker *w)
{
	flow_flush(w->ft, END_IDLE);
}

/*
 * A live frame stamped more than the step before the clock: it waited
 * that long in the capture buffer, or the wall clock was set back since
 * the last tick and the kernel stamped it by the new time. Then the
 * wall clock says so too: the clock goes back now, as the next tick
 * would take it, and the flows open end before the frame is counted
 * (not after, with the frame in one of them). One clock read, only for
 * such frames.
 */
static void live_behind(struct worker *w)
{
	clock_moved(w, pclock_tick(&w->clock, clock_wall_us()));
}

/* A frame taken on its own, not in a batch: decoded, its key made, and
   left out if it is a copy of a frame the SPAN already gave (counted in
   the span). False when it goes no further. */
static inline bool frame_take(struct worker *w, int dlt, uint64_t ts_us,
			      const uint8_t *bytes, uint32_t caplen,
			      uint32_t wire_len, struct packet *p,
			      struct flow_prep *prep)
{
	if (!frame_decode(w, dlt, ts_us, bytes, caplen, wire_len, p))
		return false;
	frame_prepare(w, p, prep);
	if (dedup_is_copy(&w->dedup, p, flow_prep_ends(prep))) {
		span_add(w, ts_us);
		return false;
	}
	return true;
}

void worker_packet(struct worker *w, int dlt, uint64_t ts_us,
		     const uint8_t *bytes, uint32_t caplen, uint32_t wire_len)
{
	struct packet p;
	struct flow_prep prep;

	if (!frame_take(w, dlt, ts_us, bytes, caplen, wire_len, &p, &prep))
		return;
	/* The kernel stamped it from the clock worker_tick() reads: it
	   moves the clock on. A frame that waited in the capture buffer is
	   older than the last tick: it keeps its stamp and moves nothing
	   back (only the wall clock does that). */
	if (!w->clock.set || ts_us > w->clock.now_us)
		(void)pclock_tick(&w->clock, ts_us);
	else if (!pclock_near(&w->clock, ts_us))
		live_behind(w);
	frame_flow(w, &p, &prep, dlt, bytes, caplen, ts_us);
}

/* A frame read from a file, taken through the table on its own (one
   larger than the arena): nothing ahead confirms a jump. */
static void file_frame_now(struct worker *w, int dlt, uint64_t ts_us,
			   const uint8_t *bytes, uint32_t caplen,
			   uint32_t wire_len)
{
	struct packet p;
	struct flow_prep prep;
	enum pclock_what what;

	if (!frame_take(w, dlt, ts_us, bytes, caplen, wire_len, &p, &prep))
		return;
	p.ts_us = pclock_packet(&w->clock, ts_us, NULL, 0, false, &what);
	clock_moved(w, what);
	frame_flow(w, &p, &prep, dlt, bytes, caplen, ts_us);
}

/* A reader's frame whose stamp the clock believes, with no frame
   waiting before it: what drain() would do with it, done now. */
static void reader_frame_now(struct worker *w, int dlt, uint64_t ts_us,
			     const uint8_t *bytes, uint32_t caplen,
			     uint32_t wire_len)
{
	struct packet p;
	struct flow_prep prep;

	if (!frame_take(w, dlt, ts_us, bytes, caplen, wire_len, &p, &prep))
		return;
	(void)pclock_in_step(&w->clock, ts_us);
	frame_flow(w, &p, &prep, dlt, bytes, caplen, ts_us);
}

/*
 * Offline, frames wait in a batch of up to PIPE_BATCH before they meet
 * the flow table. A lookup is two loads from memory the cache has rarely
 * kept (the hash bucket, then the flow): one frame at a time, the CPU
 * waits for each in turn. Held in a batch, each frame's bucket is asked
 * for as it is decoded and its flow before the first frame is looked up,
 * so the waits overlap. Frames still go through the table one by one, in
 * order: the batch changes when the work happens, not what it does.
 *
 * nDPI and the evidence dump read a frame's bytes after its lookup, and
 * libpcap reuses its buffer for the next record: with either, the frame
 * is copied into the arena. Without them nothing reads the bytes after
 * decoding, and nothing is copied.
 *
 * The batch is also the clock's lookahead: a frame's stamp is believed or
 * not (pclock.h) from the stamps of the CLOCK_AHEAD frames after it, so
 * the last CLOCK_AHEAD of a batch wait, with their bytes, for the next.
 */
void worker_queue(struct worker *w, int dlt, uint64_t ts_us,
		    const uint8_t *bytes, uint32_t caplen, uint32_t wire_len)
{
	struct pipe_item *it;
	bool copy = w->dpi || w->out.frame || w->route.bytes;
	size_t take = arena_take(caplen);

	/* A reader with no frame waiting looks no flow up here, so a batch
	   buys it nothing but the clock's look ahead, which a stamp the
	   clock believes as it is does not need: such a frame goes on at
	   once, from libpcap's buffer, copied once (into its worker's
	   ring), not twice. */
	if (w->route.packet && w->queued == 0 &&
	    pclock_believed(&w->clock, ts_us)) {
		reader_frame_now(w, dlt, ts_us, bytes, caplen, wire_len);
		return;
	}
	if (copy && take > PIPE_ARENA) {
		/* Larger than the arena: through on its own, in order. */
		drain(w, DRAIN_ALL);
		file_frame_now(w, dlt, ts_us, bytes, caplen, wire_len);
		return;
	}
	if (copy) {
		if (PIPE_ARENA - w->arena_used < take)
			worker_drain(w);
		/* The frames kept back still fill it: all of them then. */
		if (PIPE_ARENA - w->arena_used < take)
			drain(w, DRAIN_ALL);
		/* The frame's caplen bytes, as libpcap gave them: every
		   read of the copy goes through the decoder's cursor. */
		asan_unpoison(w->arena + w->arena_used, caplen);
		memcpy(w->arena + w->arena_used, bytes, caplen);
		asan_poison(w->arena + w->arena_used + caplen, take - caplen);
		bytes = w->arena + w->arena_used;
	}
	it = &w->queue[w->queued];
	if (!frame_decode(w, dlt, ts_us, bytes, caplen, wire_len, &it->p))
		return;
	frame_prepare(w, &it->p, &it->prep);
	/* Whether it is a copy is decided in order, in the drain; the
	   fingerprint needs the bytes, so it is taken now. */
	it->fp = dedup_fingerprint(&w->dedup, &it->p, flow_prep_ends(&it->prep));
	dedup_prefetch(&w->dedup, it->fp);
	if (copy) {
		w->arena_used += take;
	} else {
		/* They point into libpcap's buffer, which the next record
		   overwrites: nothing may follow them. */
		it->p.l3 = it->p.payload = NULL;
		bytes = NULL;
	}
	it->dlt = dlt;
	it->bytes = bytes;
	it->caplen = caplen;
	if (++w->queued == PIPE_BATCH)
		worker_drain(w);
}

/* Move the frames [from, queued) to the front of the batch, and their
   bytes to the front of the arena (they are its last bytes, in order). */
static void keep_back(struct worker *w, size_t from)
{
	size_t i, n = w->queued - from, start = w->arena_used;

	for (i = from; i < w->queued; i++)
		if (w->queue[i].bytes) {
			start = (size_t)(w->queue[i].bytes - w->arena);
			break;
		}
	memmove(w->queue, w->queue + from, n * sizeof(*w->queue));
	w->queued = n;
	if (start == w->arena_used) {
		asan_poison(w->arena, w->arena_used);
		w->arena_used = 0;
		return;
	}
	/* The red zones move too: the copies are marked again after. */
	asan_unpoison(w->arena, w->arena_used);
	memmove(w->arena, w->arena + start, w->arena_used - start);
	asan_poison(w->arena, w->arena_used);
	w->arena_used -= start;
	for (i = 0; i < n; i++) {
		struct pipe_item *it = &w->queue[i];

		/* Pointers into the arena move with the bytes. */
		if (it->bytes) {
			it->bytes -= start;
			asan_unpoison(it->bytes, it->caplen);
		}
		if (it->p.l3)
			it->p.l3 -= start;
		if (it->p.payload)
			it->p.payload -= start;
	}
}

/* Take the batch through the table, in order: all of it, or all but the
   last CLOCK_AHEAD frames, kept for the stamps of the frames to come. */
static void drain(struct worker *w, enum drain_how how)
{
	size_t i, k, done = w->queued;
	uint64_t ahead[CLOCK_AHEAD];

	if (how == DRAIN_KEEP)
		done = done > CLOCK_AHEAD ? done - CLOCK_AHEAD : 0;
	/* A reader's table holds only carriers: the flows are elsewhere. */
	for (i = 0; i < done && !w->route.packet; i++)
		flow_prefetch(w->ft, w->queue[i].prep.hash);
	for (i = 0; i < done && !w->route.packet; i++)
		flow_prefetch_links(w->ft, w->queue[i].prep.hash);
	/* A reader goes on past them while the clock believes each stamp
	   as it is (worker_queue() says why): those need none ahead. */
	for (i = 0; i < w->queued; i++) {
		struct pipe_item *it = &w->queue[i];
		uint64_t stamp = it->p.ts_us;
		enum pclock_what what;

		if (i >= done && (!w->route.packet ||
				  !pclock_believed(&w->clock, stamp)))
			break;

		if (dedup_check(&w->dedup, it->fp, stamp)) {
			span_add(w, stamp);
			continue;
		}
		/* Most stamps are in step: no need of those ahead. */
		if (!pclock_in_step(&w->clock, stamp)) {
			for (k = 0; k < CLOCK_AHEAD && i + 1 + k < w->queued;
			     k++)
				ahead[k] = w->queue[i + 1 + k].p.ts_us;
			it->p.ts_us = pclock_packet(&w->clock, stamp, ahead, k,
						    how == DRAIN_END &&
						    i + 1 == done, &what);
			clock_moved(w, what);
		}
		frame_flow(w, &it->p, &it->prep, it->dlt, it->bytes, it->caplen,
			   stamp);
	}
	keep_back(w, i);
}

void worker_drain(struct worker *w)
{
	drain(w, DRAIN_KEEP);
}

void worker_tick(struct worker *w, uint64_t now_us)
{
	drain(w, DRAIN_ALL);
	clock_moved(w, pclock_tick(&w->clock, now_us));
	decoder_expire(&w->dec, now_us);
	flow_expire(w->ft, w->clock.now_us);
	if (w->route.tick)
		w->route.tick(w->route.ctx, w->clock.now_us);
}

void worker_finish(struct worker *w, enum end_reason why)
{
	drain(w, DRAIN_END);
	decoder_expire(&w->dec, UINT64_MAX);
	flow_flush(w->ft, why);
}

uint64_t worker_packets(const struct worker *w)
{
	return w->packets;
}

void worker_stats(const struct worker *w, struct worker_stats *s)
{
	const struct flow_stats *fs = flow_table_stats(w->ft);
	const struct frag_stats *fr = frag_table_stats(w->dec.frags_tab);

	memset(s, 0, sizeof(*s));
	s->packets = w->packets;
	s->bytes = w->bytes;
	memcpy(s->decode_err, w->dec.err, sizeof(s->decode_err));
	s->l2 = w->dec.l2;
	memcpy(s->tunnels, w->dec.tunnels, sizeof(s->tunnels));
	s->frags = w->dec.frags;
	s->snap_truncated = w->dec.snap_truncated;
	s->frag_orphans = fr->evicted_orphans;
	s->frag_probes = fr->probes;
	s->flows = *fs;
	s->dpi = w->dpi != NULL || w->uninspected;
	if (w->dpi)
		s->dpi_st = *dpi_stats(w->dpi);
	s->dpi_st.no_state += w->uninspected;
	/* A reader's share of --dpi-memory's states, its module made or
	   not: the shares add up to the run's. */
	if (w->route.dpi_states)
		s->dpi_st.max_states = w->route.dpi_states;
	s->clock_outliers = w->clock.outliers;
	s->clock_jumps_back = w->clock.jumps_back;
	s->dup_frames = w->dedup.copies;
	s->dup_checked = w->dedup.seen;
	s->echo_unmatched = w->echo.unmatched;
	s->last_dlt = w->last_dlt;
	s->any_packet = w->any_packet;
	s->first_us = w->first_us;
	s->last_us = w->last_us;
	s->latest_us = w->latest_us;
}

void worker_post_stats(struct worker *w)
{
	struct worker_stats s;

	if (!w->out.stats)
		return;
	worker_stats(w, &s);
	w->out.stats(w->out.ctx, w->out.id, &s);
}

void worker_stats_add(struct worker_stats *sum, const struct worker_stats *w)
{
	int k;

	sum->packets += w->packets;
	sum->bytes += w->bytes;
	if (w->any_packet) {
		if (!sum->any_packet || w->first_us < sum->first_us)
			sum->first_us = w->first_us;
		if (!sum->any_packet || w->last_us > sum->last_us)
			sum->last_us = w->last_us;
		if (!sum->any_packet || w->latest_us > sum->latest_us)
			sum->latest_us = w->latest_us;
		sum->any_packet = true;
	}
	l2_seen_merge(&sum->l2, sum->decode_err[DERR_L2_UNKNOWN], &w->l2,
		      w->decode_err[DERR_L2_UNKNOWN]);
	for (k = 0; k < DERR_COUNT; k++)
		sum->decode_err[k] += w->decode_err[k];
	for (k = 0; k < TUN_COUNT; k++)
		sum->tunnels[k] += w->tunnels[k];
	sum->frags += w->frags;
	sum->snap_truncated += w->snap_truncated;
	sum->frag_orphans += w->frag_orphans;
	sum->frag_probes += w->frag_probes;
	sum->flows.created += w->flows.created;
	for (k = 0; k < END_COUNT; k++)
		sum->flows.ended[k] += w->flows.ended[k];
	sum->flows.active += w->flows.active;
	/* Peaks of workers that peaked apart: a bound, exact for one. */
	sum->flows.peak_active += w->flows.peak_active;
	sum->dpi |= w->dpi;
	sum->dpi_st.inspected += w->dpi_st.inspected;
	sum->dpi_st.by_dpi += w->dpi_st.by_dpi;
	sum->dpi_st.guessed += w->dpi_st.guessed;
	sum->dpi_st.undetected += w->dpi_st.undetected;
	sum->dpi_st.no_state += w->dpi_st.no_state;
	sum->dpi_st.over_cap += w->dpi_st.over_cap;
	sum->dpi_st.max_states += w->dpi_st.max_states;
	sum->dpi_st.live += w->dpi_st.live;
	sum->dpi_st.peak_live += w->dpi_st.peak_live;
	sum->dpi_st.pool += w->dpi_st.pool;
	for (k = 0; k <= (int)MAX_DPI_PACKETS; k++)
		sum->dpi_st.decided_at[k] += w->dpi_st.decided_at[k];
	sum->clock_outliers += w->clock_outliers;
	sum->clock_jumps_back += w->clock_jumps_back;
	sum->dup_frames += w->dup_frames;
	sum->dup_checked += w->dup_checked;
	sum->echo_unmatched += w->echo_unmatched;
	if (w->last_dlt >= 0)
		sum->last_dlt = w->last_dlt;
}

const struct carriers *worker_carriers(const struct worker *w)
{
	return w->carriers;
}

void worker_foreach_flow(struct worker *w,
			 void (*fn)(void *ctx, struct flow *f), void *ctx)
{
	flow_foreach(w->ft, fn, ctx);
}

int worker_forget_copies(struct worker *w)
{
	dedup_free(&w->dedup);
	return dedup_init(&w->dedup, w->eng->dup_window_us);
}

void worker_free(struct worker *w)
{
	if (!w)
		return;
	flow_table_free(w->ft);
	decoder_free(&w->dec);
	dpi_free(w->dpi);
	carriers_free(w->carriers);
	dedup_free(&w->dedup);
	echo_free(&w->echo);
	free(w->queue);
	if (w->arena)
		asan_unpoison(w->arena, PIPE_ARENA);
	free(w->arena);
	free(w);
}
