/*
 * pipeline.h: one reader, N flow workers, one sink (--threads N, N > 1).
 *
 * The reader is the calling thread's worker (worker.h's worker_route):
 * it reads, decodes (tunnels included), leaves out copies, keeps the
 * clock, counts tunnel carriers and keeps their flows. Each inner packet
 * goes to the worker that owns its flow: the flow table's hash of the
 * canonical key (the same both ways, keyed by the run's seed), its high
 * bits, since the table takes its buckets from the low ones. Packets go
 * in batches through one single-producer single-consumer ring per worker
 * (ring.h); records come back through one per worker, and the calling
 * thread hands them to the sink, which alone writes. The clock's time
 * goes to every worker (each second of it, each live tick, and before
 * the end), so a worker that gets no packets still ends idle flows; a
 * clock set back ends every worker's flows, as one table would.
 *
 * Several -i: one reader per interface, each on a thread of its own,
 * with a ring to every worker (R x N rings, each with one producer and
 * one consumer); the calling thread then only takes the records, and
 * tells the workers (a small ring each) to post their counters and to
 * finish. A worker takes its readers' rings in turn.
 *
 * Each worker owns its share of --max-flows and of --dpi-memory, its
 * nDPI module and its counters; the sink sums the counters (the first
 * reader's are id 0, worker i's id i, the other readers' after the
 * workers'). Threads are named impwatch-rdI and impwatch-fwK (top -H).
 * Only the calling thread calls in here, but for the reader threads'
 * reader_worker() and reader_serve().
 */
#ifndef IMPWATCH_PIPELINE_H
#define IMPWATCH_PIPELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "dpi.h"
#include "engine.h"
#include "sink.h"
#include "worker.h"

struct pipeline;
struct modules;

/*
 * n workers (2 to THREADS_MAX) behind nr readers (1 to
 * PIPE_READERS_MAX; n + nr at most --max-flows), the workers' threads
 * started. With one reader it is the calling thread's
 * (pipeline_reader()); with more, each has a thread of its own,
 * started by pipeline_start_readers(), and a ring to each worker. dpi
 * is the engine's nDPI module (NULL with --no-dpi), which the first
 * worker takes: from now on it is the pipeline's, freed on failure too;
 * so is early, the other workers' (modules_start()), or NULL. alerts:
 * whether workers make alert records. discard: workers take each packet
 * and drop it, so that the reader's own ceiling can be measured (the
 * benchmark's --reader-only). NULL with a message on err.
 */
struct pipeline *pipeline_new(const struct engine *e, struct dpi *dpi,
			      struct modules *early, unsigned n, unsigned nr,
			      struct sink *s, bool alerts, bool discard,
			      FILE *err);

/*
 * The nDPI modules of workers 2 to n, each made on a thread of its own
 * from now on (some 25 ms of a CPU each: while the engine makes the
 * first, on the calling thread). pipeline_new() takes them as its early
 * (NULL: it makes them then); modules_free() waits for them and frees
 * them when no pipeline will. NULL when out of memory.
 */
struct modules *modules_start(const struct limits *lim, unsigned n);
void modules_free(struct modules *m);

/*
 * Reading files with flow workers: the calling thread, and the threads
 * it starts from now on, take SCHED_BATCH, when they run under the
 * default policy. Then a thread woken (a worker given a batch, the
 * reader given room) does not preempt one still busy on its CPU, which
 * costs both their caches: 300 MB mixed and noise captures, 2 CPUs, 2
 * workers, DPI, some 270 preemptions a run fell to some 110, and the
 * CPU time by 2 to 5%. Not for live capture, whose reader must reach
 * the kernel's ring at once.
 * Best effort: a run where it cannot be had is the same, slower.
 */
void pipeline_batch(void);

/*
 * Reading files with nDPI, one reader and more threads than the CPUs it
 * may use (two workers and the reader on 2 CPUs): a worker about to sleep
 * for want of packets moves the reader to its own CPU (the reader's
 * affinity set to that CPU alone), unless it is there already; the
 * reader's affinity is given back when the reading ends
 * (pipeline_finish(), pipeline_free()). Without it the system leaves
 * the reader on the CPU of the worker that woke it (for room in that
 * worker's ring), waiting for that worker's slice, while the other CPU
 * idles: it does not move a thread that ran a moment ago. perf sched,
 * 300 MB mixed capture, DPI, 2 workers: one CPU idle 16% of the run,
 * the reader runnable on the other meanwhile. Best effort: where the
 * affinity cannot be set, nothing changes. Call after pipeline_new().
 */
void pipeline_follow(struct pipeline *pl);
/* Whether pipeline_follow() moves the reader: nDPI on, one reader, and
   fewer CPUs than threads. Without nDPI the workers are faster than the
   reader and run out of packets all the time: moved at each of their
   sleeps, the reader loses its cache for nothing (300 MB captures, 2
   CPUs, 2 workers, --no-dpi: 2 threads over 1 fell from 1.23 to 1.08 on
   the mixed capture, 1.00 to 0.93 on the noise). */
bool pipeline_follow_wanted(int cpus, unsigned readers, unsigned workers,
			    bool dpi);

/* The reader: the worker the inputs are given to (one reader). */
struct worker *pipeline_reader(struct pipeline *pl);

/*
 * Reader threads (nr above 1): one per live interface. Each runs body
 * (ctx[i], its reader) until the run stops, giving its frames to
 * reader_worker() and calling reader_serve() between two reads (at
 * least every LIVE_POLL_MS); when body returns, its flows end
 * (END_SHUTDOWN: a capture's end), its clock's last time reaches every
 * worker, and its counters go to the sink. Their threads take no
 * signal. Returns the threads started: each must be told to stop, by
 * its ctx, when fewer than nr.
 *
 * Meanwhile the calling thread hands their records and the workers' to
 * the sink with pipeline_serve(), for at most ms, less when a signal
 * comes or every reader has ended. A reader's duplicate window, clock
 * and tunnel carriers are its own; the workers' flows are shared: both
 * directions of a TAP meet in one flow.
 */
struct reader;
typedef void (*reader_fn)(void *ctx, struct reader *rd);
unsigned pipeline_start_readers(struct pipeline *pl, reader_fn body,
				void *const *ctx);
struct worker *reader_worker(struct reader *rd);
void reader_serve(struct reader *rd);
void pipeline_serve(struct pipeline *pl, unsigned ms);
/* Whether every reader thread started has ended. */
bool pipeline_readers_done(const struct pipeline *pl);

/* The tunnel carriers the readers saw: with reader threads, added up
   once they have ended (NULL before). */
const struct carriers *pipeline_carriers(const struct pipeline *pl);

/* Hand the sink every record the workers have made so far. */
void pipeline_pump(struct pipeline *pl);

/* Every worker's counters to the sink, as they are now (waits for
   each to answer). */
void pipeline_stats(struct pipeline *pl);

/* End the run (reader threads: once told to stop; they are waited
   for): the reader's last frames go out, every flow of every
   worker ends with why, and every record reaches the sink; then the
   counters. The threads are gone when it returns. */
void pipeline_finish(struct pipeline *pl, enum end_reason why);

/* Stop the threads (when still running) and free everything. */
void pipeline_free(struct pipeline *pl);

#endif
