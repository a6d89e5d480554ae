/*
 * carrier.c: the carrier table (the contract is in carrier.h).
 *
 * Open addressing with linear probing over twice MAX_CARRIERS slots, so a
 * full table is half full; nothing is ever removed. The key is the
 * tunnel's kind, VNI or session, and its two endpoints in either order;
 * it is hashed with flow.c's keyed SipHash (the run's seed), since a
 * sender chooses the addresses.
 */
#include "carrier.h"

#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "flow.h"

#define CARRIER_SLOTS (2u * MAX_CARRIERS)
_Static_assert((CARRIER_SLOTS & (CARRIER_SLOTS - 1)) == 0,
	       "MAX_CARRIERS is a power of two");

struct carriers {
	struct carrier *slot;   /* CARRIER_SLOTS */
	size_t n;
	uint64_t seed;
	uint64_t unlisted_pkts;
	const struct trust *trust;
};

struct carriers *carriers_new(uint64_t seed, const struct trust *trust)
{
	struct carriers *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->slot = calloc(CARRIER_SLOTS, sizeof(*c->slot));
	if (!c->slot) {
		free(c);
		return NULL;
	}
	c->seed = seed;
	c->trust = trust;
	return c;
}

void carriers_free(struct carriers *c)
{
	if (!c)
		return;
	free(c->slot);
	free(c);
}

/* The key as flow.c hashes keys: the endpoints in order, the id in the
   port fields, the kind in the protocol's. */
static uint64_t carrier_hash(const struct carriers *c, const struct tun_layer *t)
{
	struct flow_key k;
	bool swap = memcmp(&t->src, &t->dst, sizeof(t->src)) > 0;

	memset(&k, 0, sizeof(k));
	k.a = swap ? t->dst : t->src;
	k.b = swap ? t->src : t->dst;
	k.pa = (uint16_t)t->id;
	k.pb = (uint16_t)((t->id >> 16) | (uint32_t)t->has_id << 15);
	k.proto = t->kind;
	k.family = t->family;
	return flow_hash(&k, c->seed);
}

static bool same_carrier(const struct carrier *e, const struct tun_layer *t)
{
	if (e->kind != t->kind || e->has_id != t->has_id || e->id != t->id ||
	    e->family != t->family)
		return false;
	if (memcmp(&e->src, &t->src, sizeof(e->src)) == 0)
		return memcmp(&e->dst, &t->dst, sizeof(e->dst)) == 0;
	return memcmp(&e->src, &t->dst, sizeof(e->src)) == 0 &&
	       memcmp(&e->dst, &t->src, sizeof(e->dst)) == 0;
}

bool carriers_see(struct carriers *c, const struct tun_layer *t,
		  uint32_t wire_len, struct carrier **e)
{
	uint32_t i = (uint32_t)carrier_hash(c, t) & (CARRIER_SLOTS - 1);
	struct carrier *s;

	while ((s = &c->slot[i])->kind && !same_carrier(s, t))
		i = (i + 1) & (CARRIER_SLOTS - 1);
	if (!s->kind) {
		if (c->n == MAX_CARRIERS) {
			/* Not listed, still judged. */
			c->unlisted_pkts++;
			*e = NULL;
			return trust_judge(c->trust, t);
		}
		s->src = t->src;
		s->dst = t->dst;
		s->id = t->id;
		s->kind = t->kind;
		s->family = t->family;
		s->has_id = t->has_id;
		s->trusted = trust_judge(c->trust, t);
		c->n++;
	}
	s->packets++;
	s->bytes += wire_len;
	*e = s;
	return s->trusted;
}

void carriers_merge(struct carriers *into, const struct carriers *from)
{
	struct tun_layer t;
	struct carrier *s;
	size_t i;
	uint32_t k;

	into->unlisted_pkts += from->unlisted_pkts;
	for (i = 0; i < CARRIER_SLOTS; i++) {
		const struct carrier *e = &from->slot[i];

		if (!e->kind)
			continue;
		memset(&t, 0, sizeof(t));
		t.src = e->src;
		t.dst = e->dst;
		t.id = e->id;
		t.kind = e->kind;
		t.family = e->family;
		t.has_id = e->has_id;
		k = (uint32_t)carrier_hash(into, &t) & (CARRIER_SLOTS - 1);
		while ((s = &into->slot[k])->kind && !same_carrier(s, &t))
			k = (k + 1) & (CARRIER_SLOTS - 1);
		if (!s->kind) {
			if (into->n == MAX_CARRIERS) {
				into->unlisted_pkts += e->packets;
				continue;
			}
			*s = *e;
			into->n++;
			continue;
		}
		s->packets += e->packets;
		s->bytes += e->bytes;
		s->flows += e->flows;
	}
}

static int carrier_cmp(const void *x, const void *y)
{
	const struct carrier *a = *(const struct carrier *const *)x;
	const struct carrier *b = *(const struct carrier *const *)y;
	int d;

	if (a->packets != b->packets)
		return a->packets > b->packets ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if ((d = memcmp(&a->src, &b->src, sizeof(a->src))) != 0)
		return d;
	return memcmp(&a->dst, &b->dst, sizeof(a->dst));
}

const struct carrier **carriers_sorted(const struct carriers *c, size_t *n)
{
	const struct carrier **v = malloc((c->n ? c->n : 1) * sizeof(*v));
	size_t i, k = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < CARRIER_SLOTS; i++)
		if (c->slot[i].kind)
			v[k++] = &c->slot[i];
	qsort(v, k, sizeof(*v), carrier_cmp);
	*n = k;
	return v;
}

size_t carriers_count(const struct carriers *c)
{
	return c->n;
}

uint64_t carriers_unlisted_packets(const struct carriers *c)
{
	return c->unlisted_pkts;
}
