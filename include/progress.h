/*
 * progress.h: the progress line of a run that reads files, on standard
 * error: the file, how much of it was read, packets and flows so far.
 * Rewritten in place at most four times a second; only on a terminal
 * (the caller decides: not under --quiet, not live).
 */
#ifndef IMPWATCH_PROGRESS_H
#define IMPWATCH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct progress {
	bool on;                    /* the caller wants the line */
	bool shown;                 /* a line is on the terminal */
	struct timespec last;       /* when it was last written */
};

/* The line for file name: done of total bytes (total 0: unknown). */
void progress_show(struct progress *p, const char *name, uint64_t done,
		   uint64_t total, uint64_t packets, uint64_t flows);

/* A message follows: end the line, so that it starts on its own. */
void progress_break(struct progress *p);

/* The reading is over: erase the line. */
void progress_clear(struct progress *p);

#endif
