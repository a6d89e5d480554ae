/*
 * report.c: aggregation of ended flows, shared by every output format.
 *
 * Cost: one hash probe per ended flow (not per packet) and a heap push
 * for flows that are findings. Memory grows with distinct (verdict,
 * transport, port, row) keys, which a port scan bounds at a few hundred
 * thousand, and with `top` flows per finding.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

struct report *report_new(enum report_format fmt, FILE *out,
			  const struct catalogue *cat, unsigned top)
{
	struct report *r = calloc(1, sizeof(*r));
	int v;

	if (!r)
		return NULL;
	r->fmt = fmt;
	r->out = out;
	r->cat = cat;
	r->agg_cap = 1024;
	r->agg = calloc(r->agg_cap, sizeof(*r->agg));
	if (!r->agg)
		goto fail;
	for (v = 0; v < V_COUNT; v++) {
		r->top[v].cap = top;
		if (top && !(r->top[v].f = calloc(top, sizeof(struct flow))))
			goto fail;
	}
	return r;
fail:
	report_free(r);
	return NULL;
}

void report_free(struct report *r)
{
	int v;

	if (!r)
		return;
	for (v = 0; v < V_COUNT; v++)
		free(r->top[v].f);
	free(r->agg);
	free(r);
}

static size_t agg_hash(uint8_t verdict, uint8_t proto, uint16_t port,
		       uint16_t row)
{
	uint64_t k = ((uint64_t)verdict << 48) | ((uint64_t)proto << 40) |
		     ((uint64_t)port << 16) | row;

	/* A fixed mix is enough: keys are ports, and the table only holds
	   what the summary prints. */
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	return (size_t)k;
}

static struct agg *agg_slot(struct agg *tab, size_t cap, uint8_t verdict,
			    uint8_t proto, uint16_t port, uint16_t row)
{
	size_t i = agg_hash(verdict, proto, port, row) & (cap - 1);

	for (;;) {
		struct agg *a = &tab[i];

		if (!a->used || (a->verdict == verdict && a->proto == proto &&
				 a->port == port && a->row == row))
			return a;
		i = (i + 1) & (cap - 1);
	}
}

/* Double the table when it is over half full; false when out of memory
   (the flow is then counted in the totals only). */
static bool agg_grow(struct report *r)
{
	size_t i, cap = r->agg_cap * 2;
	struct agg *tab;

	if (r->agg_used * 2 < r->agg_cap)
		return true;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return false;
	for (i = 0; i < r->agg_cap; i++) {
		struct agg *a = &r->agg[i];

		if (a->used)
			*agg_slot(tab, cap, a->verdict, a->proto, a->port,
				  a->row) = *a;
	}
	free(r->agg);
	r->agg = tab;
	r->agg_cap = cap;
	return true;
}

static uint64_t flow_bytes(const struct flow *f)
{
	return f->bytes[0] + f->bytes[1];
}

/* Keep f if it is among the `cap` largest of its finding (min-heap). */
static void top_push(struct top *t, const struct flow *f)
{
	unsigned i, c;

	if (t->cap == 0)
		return;
	if (t->n < t->cap) {
		i = t->n++;
		while (i > 0 && flow_bytes(&t->f[(i - 1) / 2]) > flow_bytes(f)) {
			t->f[i] = t->f[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t->f[i] = *f;
		return;
	}
	if (flow_bytes(f) <= flow_bytes(&t->f[0]))
		return;
	i = 0;
	for (;;) {
		c = 2 * i + 1;
		if (c >= t->n)
			break;
		if (c + 1 < t->n && flow_bytes(&t->f[c + 1]) < flow_bytes(&t->f[c]))
			c++;
		if (flow_bytes(&t->f[c]) >= flow_bytes(f))
			break;
		t->f[i] = t->f[c];
		i = c;
	}
	t->f[i] = *f;
}

void report_flow(struct report *r, const struct flow *f)
{
	uint8_t v = f->verdict < V_COUNT ? f->verdict : V_UNDOCUMENTED;
	uint64_t pkts = (uint64_t)f->pkts[0] + f->pkts[1];
	uint16_t port = f->server_is_b ? f->key.pb : f->key.pa;
	struct agg *a;

	r->vflows[v]++;
	r->vpkts[v] += pkts;
	r->vbytes[v] += flow_bytes(f);
	if (agg_grow(r)) {
		a = agg_slot(r->agg, r->agg_cap, v, f->key.proto, port,
			     f->service_row);
		if (!a->used) {
			a->used = 1;
			a->verdict = v;
			a->proto = f->key.proto;
			a->port = port;
			a->row = f->service_row;
			r->agg_used++;
		}
		a->flows++;
		a->pkts += pkts;
		a->bytes += flow_bytes(f);
	}
	if (v != V_DOCUMENTED)
		top_push(&r->top[v], f);

	if (r->fmt == FMT_JSON)
		report_json_flow(r, f);
	else if (r->fmt == FMT_CSV)
		report_csv_flow(r, f);
}

uint64_t report_verdict_count(const struct report *r, enum verdict v)
{
	return v < V_COUNT ? r->vflows[v] : 0;
}

static const struct catalogue *sort_cat;

static int agg_cmp(const void *x, const void *y)
{
	const struct agg *a = *(const struct agg *const *)x;
	const struct agg *b = *(const struct agg *const *)y;

	if (a->verdict != b->verdict)
		return a->verdict < b->verdict ? -1 : 1;
	if (a->verdict == V_DOCUMENTED && a->row != b->row) {
		/* Catalogue order: table, then the file's order. */
		const struct cat_row *ra = catalogue_row(sort_cat, a->row - 1u);
		const struct cat_row *rb = catalogue_row(sort_cat, b->row - 1u);

		if (ra->table != rb->table)
			return ra->table < rb->table ? -1 : 1;
		return a->row < b->row ? -1 : 1;
	}
	if (a->verdict != V_DOCUMENTED && a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->row < b->row ? -1 : (a->row > b->row);
}

struct agg **report_sorted_aggs(const struct report *r, size_t *n)
{
	struct agg **v = malloc((r->agg_used ? r->agg_used : 1) * sizeof(*v));
	size_t i, k = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < r->agg_cap; i++)
		if (r->agg[i].used)
			v[k++] = &r->agg[i];
	sort_cat = r->cat;
	qsort(v, k, sizeof(*v), agg_cmp);
	*n = k;
	return v;
}

static int flow_cmp(const void *x, const void *y)
{
	const struct flow *a = *(const struct flow *const *)x;
	const struct flow *b = *(const struct flow *const *)y;

	if (flow_bytes(a) != flow_bytes(b))
		return flow_bytes(a) > flow_bytes(b) ? -1 : 1;
	if (a->first_us != b->first_us)
		return a->first_us < b->first_us ? -1 : 1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

struct flow **report_sorted_top(const struct report *r, enum verdict v,
				unsigned *n)
{
	const struct top *t = &r->top[v];
	struct flow **out = malloc((t->n ? t->n : 1) * sizeof(*out));
	unsigned i;

	*n = 0;
	if (!out)
		return NULL;
	for (i = 0; i < t->n; i++)
		out[i] = &t->f[i];
	qsort(out, t->n, sizeof(*out), flow_cmp);
	*n = t->n;
	return out;
}

void report_transport(char buf[8], uint8_t proto)
{
	switch (proto) {
	case IPPROTO_NUM_TCP: strcpy(buf, "tcp"); break;
	case IPPROTO_NUM_UDP: strcpy(buf, "udp"); break;
	case IPPROTO_NUM_ICMP: strcpy(buf, "icmp"); break;
	case IPPROTO_NUM_ICMPV6: strcpy(buf, "icmpv6"); break;
	default: snprintf(buf, 8, "%u", proto); break;
	}
}

void report_summary(struct report *r, const struct run_stats *s)
{
	if (r->fmt == FMT_TEXT)
		report_text_summary(r, s);
	else if (r->fmt == FMT_JSON)
		report_json_summary(r, s);
	else if (!r->header_done)
		report_csv_flow(r, NULL);   /* no flows: the header alone */
}
