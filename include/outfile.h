/*
 * outfile.h: an output stream that knows what became of its writes, and
 * that a reader who takes nothing cannot hold past the stop.
 *
 * The report and the alert file (sink.c), the evidence (evidence.c) and
 * standard error (main.c) are written through a stream of this module's
 * own over the stream opened, so that:
 *
 * - a write that fails keeps its reason (the first one, in struct
 *   outstate), which the close says, or the caller as it happens;
 * - a pipe, a FIFO, a socket or a terminal whose reader takes nothing
 *   more (`impwatch -i eth1 | sleep 1000`, a log shipper or a journal
 *   that hangs) is waited for with poll(): for as long as it takes while
 *   the run goes on (the reader may come back; meanwhile packets wait in
 *   the kernel's ring, and what it cannot hold is dropped there and
 *   counted), and SINK_STALL_MS at most after a signal stopped the run,
 *   counted from the stop's first wait, one bound for every output
 *   together. Then the output is given up (stalled) and every write to
 *   it after fails at once, so that the other outputs get the rest and
 *   the run ends well within a service manager's stop timeout, before
 *   its SIGKILL would lose what they hold.
 */
#ifndef IMPWATCH_OUTFILE_H
#define IMPWATCH_OUTFILE_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The run's stop, which every output's wait looks at. */
struct out_stop {
	const volatile sig_atomic_t *flag;  /* set by the signal that stops
	                                       the run */
	_Atomic uint64_t at_us;     /* when a wait first saw it (monotonic);
	                               0: none did yet */
};

/* What became of one output, across the streams opened for it (a
   reopen at SIGHUP, the evidence's rotated files). */
struct outstate {
	const char *path;           /* as said: the file, or standard output */
	FILE *say;                  /* where a failure is said as it happens;
	                               NULL: by the caller (outfile_say()) */
	struct out_stop *stop;      /* NULL: waited for as long as it takes */
	int e;                      /* the first failure's errno; 0: none */
	bool stalled;               /* given up after the stop */
	bool said;                  /* the failure was said */
};

/*
 * The stream to write raw through, which owns raw (closes it, unless it
 * is stdout or stderr) and keeps what becomes of it in st. Its buffering
 * is mode (_IONBF, _IOLBF, _IOFBF; -1: stdio's default); with buf, the
 * size bytes of buf are its buffer, taken from raw, which is never
 * written. NULL with errno ENOMEM when there is no memory for it: raw
 * is then the caller's still, untouched. (It returned raw itself, an
 * output that no stop would give up, nor a failure be kept of: the
 * caller now says "out of memory", as for any output it cannot open.)
 */
FILE *outfile_over(FILE *raw, struct outstate *st, int mode, char *buf,
		   size_t size);

/* The memory of a stream's state (calloc(1, n)). Weak: test_outfile
   replaces it to take the out-of-memory way, which no test can bring
   about otherwise. */
void *outfile_alloc(size_t n);

/* Why st's output is not written in full, in words (n bytes at most):
   the stall, or the first failure's errno (errno's when none was
   kept). */
void outfile_why(const struct outstate *st, char *why, size_t n);

/* "cannot write PATH: why" on err, unless said already; reopened: it
   failed in the file closed at a reopen. */
void outfile_say(FILE *err, const struct outstate *st, bool reopened);

#endif
