/*
 * judge.h: why a run cannot be trusted, judged once it has ended from
 * the summary's counters and the thresholds of the options (gate.h
 * lists the reasons): an offline run a signal cut short; a live capture
 * whose last packets before the stop were never read; nothing to judge;
 * an input file that held nothing beside others that did;
 * a capture whose verdicts mean little: TCP seen one way (a SPAN
 * mirroring half the conversation), frames mirrored twice (an
 * overlapping SPAN), packets dropped (a live capture that could not keep
 * up, or a pcapng file that says its capture could not), the interface
 * down; work left undone for want of room. And what
 * a run narrowed by -f judged (gate_filter()), which is no reason.
 */
#ifndef IMPWATCH_JUDGE_H
#define IMPWATCH_JUDGE_H

#include <stdint.h>

#include "gate.h"
#include "options.h"
#include "report.h"

/* What the run knows that the summary's counters do not. */
struct judge_facts {
	int stopped_by;          /* the signal that cut a run short (files
	                            unread or not finished; live, before
	                            --duration or --count); 0: none */
	uint64_t captured_us;    /* live: how long it captured until then */
	uint64_t tcp_judged;     /* TCP flows judged for one-way mirroring */
	uint64_t tcp_one_way;    /* ... and seen in one direction only */
};

/*
 * Record each reason in g, with its sentence; those of capture health
 * also in s->health_poor and s->health_why, with the thresholds in force
 * in s->health_*. s holds the counters of the whole run (s->files, for
 * an offline run, every input in order).
 */
void judge_reasons(struct run_stats *s, struct gate *g,
		   const struct options *o, const struct judge_facts *f);

#endif
