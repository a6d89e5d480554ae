/*
 * worker.h: the per-packet path, the same for files and live capture.
 *
 *   frame -> decode -> flow table -> classify (once per flow)
 *         -> nDPI (first packets only) -> alert (once per flow)
 *         -> record (once per ended flow)
 *
 * A tunnelled frame also counts to the carrier of each tunnel it came
 * through (carrier.h); an overlay carrier, and an ERSPAN session the
 * site did not trust, is a flow of its own in the same table, judged by
 * trust instead of the catalogue.
 *
 * A worker owns what one thread changes on that path: the decoder and
 * its fragment table, the duplicate window, the clock, the flow table,
 * the carriers, the nDPI module and its pool of states, the counters.
 * It reads the engine (engine.h) and writes nothing itself: ended flows,
 * alerts and evidence frames leave it as records through the callbacks
 * it is given (struct worker_out), which the sink (sink.h) provides.
 * Nothing on the per-packet path allocates.
 */
#ifndef IMPWATCH_WORKER_H
#define IMPWATCH_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "carrier.h"
#include "decode.h"
#include "dpi.h"
#include "engine.h"
#include "flow.h"
#include "record.h"

/* Offline batching (worker_queue): frames per batch, and the bytes kept
   for those that must be copied (four times libpcap's usual largest
   snap length, 262144; a larger frame skips the batch). */
#define PIPE_BATCH 16
#define PIPE_ARENA (1u << 20)

/* What a worker counted: the summary's figures, which the sink sums over
   workers (worker_stats_add()). */
struct worker_stats {
	uint64_t packets, bytes;            /* frames seen, wire lengths */
	uint64_t decode_err[DERR_COUNT];    /* by reason (decode.h) */
	struct l2_seen l2;                  /* decoder.l2, merged */
	uint64_t tunnels[TUN_COUNT];        /* packets per tunnel kind */
	uint64_t frags;                     /* IP fragments seen */
	uint64_t snap_truncated;            /* frames cut by the snap length */
	uint64_t frag_orphans;              /* fragments left when their
	                                       datagram was pushed out of a
	                                       full fragment table */
	uint64_t frag_probes;               /* the fragment table's work */
	struct flow_stats flows;            /* peaks add up to a bound */
	bool dpi;                           /* nDPI on: dpi below counts */
	struct dpi_stats dpi_st;
	uint64_t clock_outliers;            /* stamps not believed */
	uint64_t clock_jumps_back;          /* times time went back */
	uint64_t dup_frames, dup_checked;   /* SPAN copies left out, of */
	uint64_t echo_unmatched;            /* echo replies that returned no
	                                       recent request's data (echo.h),
	                                       in tunnels and short of one */
	int last_dlt;                       /* link type of the last frame,
	                                       -1 before any */
	bool any_packet;                    /* a frame was counted in packets
	                                       (flow or none) */
	uint64_t first_us, last_us;         /* the earliest and latest of
	                                       their times (a flow's frame at
	                                       the clock's, another at its
	                                       stamp), when any_packet (0 is
	                                       a time) */
	uint64_t latest_us;                 /* the latest since the clock last
	                                       went back (then the clock's
	                                       new time): last_us unless it
	                                       did; what the capture is at */
};

/* Add w's counters into sum. */
void worker_stats_add(struct worker_stats *sum, const struct worker_stats *w);

/*
 * Where a worker's records go. flow: every ended flow, once; alert: a
 * flow at the moment it becomes a finding, once (NULL: alerts off);
 * frame: each frame of a flow that is a finding, or that came through
 * an untrusted tunnel (NULL: no evidence kept); stats: the worker's
 * counters, when worker_post_stats() is called. A record is valid only
 * during the call; a frame's bytes too.
 */
struct worker_out {
	void (*flow)(void *ctx, const struct flow_record *r);
	/* flow() for a record its worker wrote as text already
	   (sink_fmt_flow()) */
	void (*flow_text)(void *ctx, const struct flow_record *r,
			  const char *text, size_t len);
	void (*alert)(void *ctx, const struct flow_record *r);
	void (*frame)(void *ctx, const struct frame_record *fr);
	void (*stats)(void *ctx, unsigned id, const struct worker_stats *s);
	void *ctx;
	unsigned id;                        /* the worker's (0 up), in stats */
	unsigned ids;                       /* workers numbering flows in the run
	                                       (0: one): flow ids id + 1, then
	                                       every ids-th */
};

struct worker;
struct limits;

/*
 * A reader (--threads above 1) is a worker whose frames' inner flows go
 * to other workers: it reads, decodes, leaves out copies, keeps the
 * clock, counts tunnel carriers and keeps their flows, and hands each
 * inner packet on with packet(), with the clock's time and the frame.
 * flush_idle: the clock went back (the flows of every worker end as
 * idle); tick: the clock's time with no packet (live); now: the clock's
 * time at a frame that hands no packet on (the reader keeps its flow, or
 * it has none), which the workers must learn as they would from a
 * packet's. bytes: the frames' bytes are read by whoever takes them
 * (nDPI, evidence), so they are kept.
 */
struct worker_route {
	void (*packet)(void *ctx, const struct packet *p,
		       const struct flow_prep *prep, uint64_t now_us,
		       const struct frame_record *fr, bool finding);
	void (*flush_idle)(void *ctx);
	void (*tick)(void *ctx, uint64_t now_us);
	void (*now)(void *ctx, uint64_t now_us);
	void *ctx;
	bool bytes;
	uint64_t dpi_states;   /* nDPI states for the reader's own flows
	                          (decode_may_carry()), its share of
	                          --dpi-memory, its module made at the
	                          first; 0: --no-dpi */
};

/*
 * A worker over engine e (which must outlive it). dpi is its nDPI
 * module, which it owns from now on (NULL with --no-dpi). NULL with a
 * message on err when memory for the tables (--max-flows, --max-frags)
 * cannot be had; dpi is then freed.
 */
struct worker *worker_new(const struct engine *e, struct dpi *dpi,
			  const struct worker_out *out, FILE *err);

/* The same with the flow table sized by lim (a worker's share of
   --max-flows) instead of the engine's limits. */
struct worker *worker_new_share(const struct engine *e,
				const struct limits *lim, struct dpi *dpi,
				const struct worker_out *out, FILE *err);

/* Make w a reader: its inner packets go where rt says. */
void worker_set_route(struct worker *w, const struct worker_route *rt);

/* A flow worker behind a reader: one inner packet, as the reader's
   route.packet() gave it (now_us: the clock's time; finding: a carrier
   made the frame evidence); the clock's time alone; the clock went back. */
void worker_routed(struct worker *w, const struct packet *p,
		   const struct flow_prep *prep, uint64_t now_us,
		   const struct frame_record *fr, bool finding);
/* Before worker_routed() on each of n packets in turn: their flows'
   memory asked for at once, by their flow hashes, so that the waits
   overlap (flow.h); the buckets of the first asked of them were asked
   for already (worker_prefetch_buckets()). A hint only. */
void worker_prefetch(struct worker *w, const uint64_t *hashes, size_t n,
		     size_t asked);
/* The first step of that for packets of a batch to come: their flows'
   buckets, read by the next step. A hint only. */
void worker_prefetch_buckets(struct worker *w, const uint64_t *hashes,
			     size_t n);
void worker_expire(struct worker *w, uint64_t now_us);
void worker_flush_idle(struct worker *w);

/* Free the worker, its tables and its nDPI module. Flows still live are
   not reported: end them with worker_finish() first. NULL is ignored. */
void worker_free(struct worker *w);

/* Where records go from the next one on. */
void worker_set_out(struct worker *w, const struct worker_out *out);

/* One captured frame, taken through the whole path now (live capture:
   its stamp is the system's clock, believed as the wall clock is). */
void worker_packet(struct worker *w, int dlt, uint64_t ts_us,
		   const uint8_t *bytes, uint32_t caplen, uint32_t wire_len);

/*
 * One frame read from a file: decoded now, and taken through the flow
 * table with the rest of its batch (worker.c says why). The bytes need
 * not outlive the call. worker_drain() does every frame queued but the
 * last CLOCK_AHEAD, whose stamps wait for the frames after them to be
 * believed or not (pclock.h); worker_tick() and worker_finish() do them
 * all.
 */
void worker_queue(struct worker *w, int dlt, uint64_t ts_us,
		  const uint8_t *bytes, uint32_t caplen, uint32_t wire_len);
void worker_drain(struct worker *w);

/* Live capture with no packets: let flows idle out by the wall clock. */
void worker_tick(struct worker *w, uint64_t now_us);

/* End every live flow (END_EOF, END_SHUTDOWN): each leaves as a record. */
void worker_finish(struct worker *w, enum end_reason why);

/* Frames seen so far (for --count). */
uint64_t worker_packets(const struct worker *w);

/* The counters now; and the same handed to out->stats. */
void worker_stats(const struct worker *w, struct worker_stats *s);
void worker_post_stats(struct worker *w);

/* The tunnel carriers seen, for the summary: read once the worker has
   finished. */
const struct carriers *worker_carriers(const struct worker *w);

/* Visit every live flow (flow_foreach()): for tests. */
void worker_foreach_flow(struct worker *w,
			 void (*fn)(void *ctx, struct flow *f), void *ctx);

/* Forget the frames seen, as a new run would (the duplicate window
   starts empty): for the fuzzer, which feeds one worker many inputs.
   -1 when out of memory. */
int worker_forget_copies(struct worker *w);

#endif
