/*
 * talk.c: flows summed per client, server and verdict (talk.h).
 */
#include "talk.h"

#include <stdlib.h>
#include <string.h>

#include "siphash.h"

struct talk {
	struct sipkey key;
	struct talk_edge *e;       /* the entries, in arrival order */
	size_t n, cap;
	uint32_t *slot;            /* index + 1 into e; 0 empty */
	size_t nslots;             /* a power of two, at least 2n */
	struct talk_totals tt;
};

/* The hash key of an entry: both addresses, the IP version and the
   verdict, as words. */
static uint64_t edge_hash(const struct sipkey *k, const struct ip_addr *c,
			  const struct ip_addr *s, uint8_t family,
			  uint8_t verdict)
{
	uint64_t w[5];

	memcpy(w, c->b, 16);
	memcpy(w + 2, s->b, 16);
	w[4] = (uint64_t)family << 8 | verdict;
	return siphash13_words(k, w, 5);
}

struct talk *talk_new(uint64_t seed)
{
	struct talk *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	sipkey_from_seed(&t->key, seed);
	t->nslots = 64;
	t->slot = calloc(t->nslots, sizeof(*t->slot));
	if (!t->slot) {
		free(t);
		return NULL;
	}
	return t;
}

void talk_free(struct talk *t)
{
	if (!t)
		return;
	free(t->e);
	free(t->slot);
	free(t);
}

/* Double the slots and put every entry back; false when out of memory
   (the table stays as it was). */
static bool grow_slots(struct talk *t)
{
	size_t n = t->nslots * 2, i, h;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return false;
	for (i = 0; i < t->n; i++) {
		const struct talk_edge *e = &t->e[i];

		h = (size_t)edge_hash(&t->key, &e->client, &e->server,
				      e->family, e->verdict);
		while (s[h & (n - 1)])
			h++;
		s[h & (n - 1)] = (uint32_t)(i + 1);
	}
	free(t->slot);
	t->slot = s;
	t->nslots = n;
	return true;
}

/* The entry of (client, server, IP version, verdict), made when new;
   NULL when the table is full or out of memory. */
static struct talk_edge *edge_of(struct talk *t, const struct flow_record *f)
{
	const struct ip_addr *c = rec_client_ip(f), *s = rec_server_ip(f);
	size_t h = (size_t)edge_hash(&t->key, c, s, f->key.family, f->verdict);
	struct talk_edge *e;
	uint32_t k;

	for (;; h++) {
		k = t->slot[h & (t->nslots - 1)];
		if (!k)
			break;
		e = &t->e[k - 1];
		if (e->verdict == f->verdict && e->family == f->key.family &&
		    memcmp(&e->client, c, sizeof(*c)) == 0 &&
		    memcmp(&e->server, s, sizeof(*s)) == 0)
			return e;
	}
	if (t->n >= TALK_MAX_PAIRS)
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct talk_edge *v;

		if (cap > TALK_MAX_PAIRS)
			cap = TALK_MAX_PAIRS;
		v = realloc(t->e, cap * sizeof(*v));
		if (!v)
			return NULL;
		t->e = v;
		t->cap = cap;
	}
	/* At most half full: probes stay short. */
	if (2 * (t->n + 1) > t->nslots) {
		if (!grow_slots(t))
			return NULL;
		return edge_of(t, f);
	}
	e = &t->e[t->n];
	memset(e, 0, sizeof(*e));
	e->client = *c;
	e->server = *s;
	e->client_host = f->client_host;
	e->server_host = f->server_host;
	e->family = f->key.family;
	e->verdict = f->verdict;
	t->slot[h & (t->nslots - 1)] = (uint32_t)(++t->n);
	return e;
}

/* The order of services: transport, port, row. */
static int port_cmp(const struct talk_port *a, const struct talk_port *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->row < b->row ? -1 : (a->row > b->row);
}

/* v[0..n) in port order again after one entry changed: kept sorted, so
   that a label lists its services the same whatever order the flows
   ended in (with flow workers, that order changes from run to run). */
static void ports_sort(struct talk_port *v, uint8_t n)
{
	uint8_t i, j;

	for (i = 1; i < n; i++) {
		struct talk_port x = v[i];

		for (j = i; j > 0 && port_cmp(&v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

void talk_port_add(struct talk_port *v, uint8_t *n, uint64_t *more_flows,
		   uint64_t *more_bytes, const struct talk_port *p)
{
	uint8_t i, max = 0;

	for (i = 0; i < *n; i++) {
		if (port_cmp(&v[i], p) == 0) {
			v[i].flows += p->flows;
			v[i].bytes += p->bytes;
			return;
		}
		if (port_cmp(&v[i], &v[max]) > 0)
			max = i;
	}
	if (*n < TALK_PORTS) {
		v[(*n)++] = *p;
		ports_sort(v, *n);
		return;
	}
	/* Full: the first services in port order stay, whatever order the
	   flows ended in (a service put out is above every one kept, so it
	   never comes back); the others are counted. */
	if (port_cmp(p, &v[max]) < 0) {
		*more_flows += v[max].flows;
		*more_bytes += v[max].bytes;
		v[max] = *p;
		ports_sort(v, *n);
		return;
	}
	*more_flows += p->flows;
	*more_bytes += p->bytes;
}

void talk_add(struct talk *t, const struct flow_record *f)
{
	struct talk_edge *e;
	struct talk_port p;
	uint64_t bytes = rec_bytes(f);

	/* The first flow sets the span: a time of 0 is a time. */
	if (!t->tt.flows++ || f->first_us < t->tt.first_us)
		t->tt.first_us = f->first_us;
	if (f->last_us > t->tt.last_us)
		t->tt.last_us = f->last_us;
	t->tt.bytes += bytes;
	e = edge_of(t, f);
	if (!e) {
		t->tt.lost_flows++;
		t->tt.lost_bytes += bytes;
		return;
	}
	e->flows++;
	e->pkts += rec_packets(f);
	e->bytes += bytes;
	memset(&p, 0, sizeof(p));
	p.proto = f->key.proto;
	p.port = rec_server_port(f);
	p.row = f->service_row;
	p.flows = 1;
	p.bytes = bytes;
	talk_port_add(e->port, &e->nports, &e->more_flows, &e->more_bytes, &p);
}

/* Most bytes first; then by verdict, addresses and IP version, so that
   two runs draw the same picture. */
static int edge_cmp(const void *x, const void *y)
{
	const struct talk_edge *a = *(const struct talk_edge *const *)x;
	const struct talk_edge *b = *(const struct talk_edge *const *)y;
	int c;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->verdict != b->verdict)
		return a->verdict < b->verdict ? -1 : 1;
	c = memcmp(&a->client, &b->client, sizeof(a->client));
	if (!c)
		c = memcmp(&a->server, &b->server, sizeof(a->server));
	return c ? c : (a->family > b->family) - (a->family < b->family);
}

const struct talk_edge **talk_sorted(const struct talk *t, size_t *n)
{
	const struct talk_edge **v;
	size_t i;

	*n = 0;
	if (!t->n || !(v = malloc(t->n * sizeof(*v))))
		return NULL;
	for (i = 0; i < t->n; i++)
		v[i] = &t->e[i];
	qsort(v, t->n, sizeof(*v), edge_cmp);
	*n = t->n;
	return v;
}

void talk_totals(const struct talk *t, struct talk_totals *tt)
{
	*tt = t->tt;
}
