/*
 * echo.c: ICMP echo replies that return no request's data (echo.h).
 */
#include "echo.h"

#include <stdlib.h>

#include "classify.h"
#include "flow.h"
#include "verdict.h"

/* flow.echo: a request was seen; the low bits count unmatched replies,
   up to ECHO_UNMATCHED_MAX + 1. */
#define ECHO_REQUEST_SEEN 0x8000u

uint32_t echo_hash(const struct cursor *c)
{
	struct cursor h = *c;
	uint32_t x = 2166136261u;         /* FNV-1a, 32 bits */
	uint8_t b;

	while (cur_u8(&h, &b)) {
		x ^= b;
		x *= 16777619u;
	}
	/* The length too: data of one byte value hashes alike at any
	   length but 0. */
	x ^= (uint32_t)cur_left(c);
	x *= 16777619u;
	return x ? x : 1;
}

int echo_init(struct echo *e)
{
	e->unmatched = 0;
	e->slot = calloc(ECHO_SLOTS, sizeof(*e->slot));
	return e->slot ? 0 : -1;
}

void echo_free(struct echo *e)
{
	free(e->slot);
	e->slot = NULL;
}

/* A request's tag, from its flow (ids are unique in a run) and hash:
   splitmix64's finaliser, never 0. */
static uint64_t echo_tag(const struct flow *f, uint32_t sum)
{
	uint64_t z = f->id * UINT64_C(0x9e3779b97f4a7c15) + sum;

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return z ? z : 1;
}

bool echo_packet(struct echo *e, struct flow *f, const struct packet *p)
{
	uint64_t tag = echo_tag(f, p->echo_sum);
	uint64_t *s = &e->slot[tag & (ECHO_SLOTS - 1)];

	switch (echo_type(p->proto, p->icmp_type)) {
	case ECHO_REQUEST:
		*s = tag;
		f->echo |= ECHO_REQUEST_SEEN;
		return false;
	case ECHO_REPLY:
		if (*s == tag || !(f->echo & ECHO_REQUEST_SEEN))
			return false;
		e->unmatched++;
		if ((f->echo & ~ECHO_REQUEST_SEEN) > ECHO_UNMATCHED_MAX)
			return false;   /* the finding is there already */
		f->echo++;
		if ((f->echo & ~ECHO_REQUEST_SEEN) <= ECHO_UNMATCHED_MAX)
			return false;
		flow_add_finding(f, V_ICMP_TUNNEL);
		return true;
	default:
		return false;
	}
}
