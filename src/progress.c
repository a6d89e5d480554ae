/*
 * progress.c: the progress line of a run that reads files.
 */
#include "progress.h"

#include <stdio.h>

void progress_show(struct progress *p, const char *name, uint64_t done,
		   uint64_t total, uint64_t packets, uint64_t flows)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec == p->last.tv_sec &&
	    now.tv_nsec - p->last.tv_nsec < 250000000L)
		return;
	p->last = now;
	fprintf(stderr, "\r%s: %3.0f%% (%llu of %llu bytes), %llu packets, %llu flows ",
		name, total ? 100.0 * (double)done / (double)total : 0.0,
		(unsigned long long)done, (unsigned long long)total,
		(unsigned long long)packets, (unsigned long long)flows);
	p->shown = true;
}

void progress_break(struct progress *p)
{
	if (p->shown)
		fputc('\n', stderr);
	p->shown = false;
}

void progress_clear(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
