/*
 * pclock.h: the clock that drives expiry, from packet stamps.
 *
 * Idle timeouts run on packet time, so that reading a file gives the same
 * result every time. But a stamp can be wrong: one packet stamped 2038 in
 * a capture of 2026 would, believed, end every flow at once (forward) or,
 * as the first packet, leave every later flow "not yet idle" for the rest
 * of the file. So one stamp is never believed alone when it moves the
 * clock by more than a step (--time-jump):
 *
 *  - a stamp within the step of the clock is believed; the clock is the
 *    latest believed stamp (a stamp a little earlier, as merged captures
 *    have, is believed and leaves the clock where it is);
 *  - a stamp further away is a jump, believed only when the packets that
 *    follow it (CLOCK_AHEAD of them, fewer at the end of the input) all
 *    left the old time too, on the same side, and it is not itself far
 *    beyond all of them: a capture resumed after a pause, files read out
 *    of order. Otherwise it is an outlier: not believed, counted, and the
 *    packet counts at the clock's time;
 *  - the first stamp of a run is believed unless it is more than the step
 *    after every stamp that follows it (then it counts at the earliest of
 *    them, and the next packet sets the clock);
 *  - the last packet of the input, which nothing can confirm, keeps its
 *    own stamp if it jumps, but does not move the clock: nothing is left
 *    to expire by it, and a sparse capture's last packet is no outlier.
 *
 * Live capture has no packets ahead: a jump is never believed from
 * packets, and the wall clock (pclock_tick) moves the clock instead.
 *
 * A plain value: no allocation, no clock read.
 */
#ifndef IMPWATCH_PCLOCK_H
#define IMPWATCH_PCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* What a stamp did to the clock. */
enum pclock_what {
	PCLOCK_STEP = 0,     /* believed, within the step */
	PCLOCK_OUTLIER,      /* not believed: the packet counts at the clock */
	PCLOCK_JUMP_FWD,     /* believed jump forward: flows idle past their
	                        timeouts at the new time end */
	PCLOCK_JUMP_BACK     /* believed jump back: flows seen after the new
	                        time cannot idle out on it */
};

struct pclock {
	uint64_t now_us;       /* the clock, when set */
	uint64_t step_us;      /* larger moves are jumps */
	bool set;              /* a stamp has been believed */
	uint64_t outliers;     /* packets whose stamp was not believed */
	uint64_t jumps_back;   /* jumps back believed (wall clock included);
	                          forward ones are only time passing in
	                          silence, and not counted */
};

void pclock_init(struct pclock *c, uint64_t step_us);

/*
 * The time the packet stamped ts counts at, given the stamps of the n
 * packets that follow it (only the first CLOCK_AHEAD are looked at).
 * last: no packet follows, the input ends. *what says what the stamp did
 * (PCLOCK_STEP for the last packet's unconfirmed jump).
 */
uint64_t pclock_packet(struct pclock *c, uint64_t ts, const uint64_t *ahead,
		       size_t n, bool last, enum pclock_what *what);

/* Whether a set clock believes ts as it is: within its step. Asked
   without moving the clock; the one test of the three below. */
static inline bool pclock_believed(const struct pclock *c, uint64_t ts)
{
	uint64_t now = c->now_us;

	/* ts - now and now - ts cannot wrap: the larger comes first. */
	return c->set && (ts > now ? ts - now : now - ts) <= c->step_us;
}

/*
 * pclock_packet()'s usual case, inline and without the stamps ahead: a
 * stamp within the step of a set clock is believed whatever follows it.
 * True when ts is one (the clock has moved as pclock_packet() moves it,
 * and the packet counts at ts, PCLOCK_STEP); false, with nothing
 * changed, when pclock_packet() must decide.
 */
static inline bool pclock_in_step(struct pclock *c, uint64_t ts)
{
	if (!pclock_believed(c, ts))
		return false;
	if (ts > c->now_us)
		c->now_us = ts;
	return true;
}

/* Whether a stamp is within the step of a set clock, or the clock is
   not set yet: what pclock_in_step() believes, asked without moving it. */
static inline bool pclock_near(const struct pclock *c, uint64_t ts)
{
	return !c->set || pclock_believed(c, ts);
}

/* Live capture: the wall clock says it is wall_us, and is believed.
   PCLOCK_JUMP_BACK when that is more than the step before the clock
   (the system clock was set back), PCLOCK_STEP otherwise. */
enum pclock_what pclock_tick(struct pclock *c, uint64_t wall_us);

#endif
