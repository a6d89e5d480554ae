/*
 * pclock.c: the clock that drives expiry (the rules are in pclock.h).
 */
#include "pclock.h"

void pclock_init(struct pclock *c, uint64_t step_us)
{
	c->now_us = 0;
	c->step_us = step_us;
	c->set = false;
	c->outliers = 0;
	c->jumps_back = 0;
}

/* a + b, saturating: stamps of pcapng files can be anywhere in 64 bits. */
static inline uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* x is more than the step after y. */
static inline bool after(const struct pclock *c, uint64_t x, uint64_t y)
{
	return x > add_sat(y, c->step_us);
}

/* The earliest of n (at least 1) stamps. */
static uint64_t earliest(const uint64_t *a, size_t n)
{
	uint64_t m = a[0];
	size_t i;

	for (i = 1; i < n; i++)
		if (a[i] < m)
			m = a[i];
	return m;
}

/*
 * A jump to ts is confirmed when every stamp ahead left the clock's time
 * on ts's side (so the packets after it are not back in step), and ts is
 * not itself more than the step beyond every one of them (an outlier
 * followed by a real jump is still an outlier).
 */
static bool confirmed(const struct pclock *c, uint64_t ts, bool forward,
		      const uint64_t *ahead, size_t n)
{
	bool near = false;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (forward ? !after(c, ahead[i], c->now_us) :
			      !after(c, c->now_us, ahead[i]))
			return false;
		if (forward ? !after(c, ts, ahead[i]) : !after(c, ahead[i], ts))
			near = true;
	}
	return near;
}

uint64_t pclock_packet(struct pclock *c, uint64_t ts, const uint64_t *ahead,
		       size_t n, bool last, enum pclock_what *what)
{
	bool forward;
	size_t i;

	if (n > CLOCK_AHEAD)
		n = CLOCK_AHEAD;
	if (!c->set) {
		/* Nothing to compare with but what follows: a first stamp far
		   after all of it is the outlier, not all that follows. It
		   counts at the earliest of them: no later, so that its flow
		   cannot sit ahead of the clock. */
		for (i = 0; i < n && after(c, ts, ahead[i]); i++)
			;
		if (n > 0 && i == n) {
			c->outliers++;
			*what = PCLOCK_OUTLIER;
			return earliest(ahead, n);
		}
		c->now_us = ts;
		c->set = true;
		*what = PCLOCK_STEP;
		return ts;
	}
	if (pclock_in_step(c, ts)) {
		*what = PCLOCK_STEP;
		return ts;
	}
	forward = ts > c->now_us;
	if (last && n == 0) {
		*what = PCLOCK_STEP;
		return ts;
	}
	if (confirmed(c, ts, forward, ahead, n)) {
		c->now_us = ts;
		if (!forward)
			c->jumps_back++;
		*what = forward ? PCLOCK_JUMP_FWD : PCLOCK_JUMP_BACK;
		return ts;
	}
	c->outliers++;
	*what = PCLOCK_OUTLIER;
	return c->now_us;
}

enum pclock_what pclock_tick(struct pclock *c, uint64_t wall_us)
{
	if (c->set && after(c, c->now_us, wall_us)) {
		c->now_us = wall_us;
		c->jumps_back++;
		return PCLOCK_JUMP_BACK;
	}
	if (!c->set || wall_us > c->now_us)
		c->now_us = wall_us;
	c->set = true;
	return PCLOCK_STEP;
}
