/*
 * tally.c: the summary's counts of ended flows (the contract is in
 * tally.h).
 */
#include "tally.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* The largest flows of one finding, a min-heap on bytes. */
struct top {
	struct flow_record *f;
	unsigned n, cap;
};

/* nDPI's name of an application (master and app ids), as the first
   record with it gave it: aggregates are keyed by ids, and the summary
   names them without asking nDPI. */
struct app_name {
	uint32_t key;                 /* master << 16 | app */
	uint8_t used;
	char name[DPI_NAME_MAX];
};

/* The DSCP values seen on one catalogue row's flows. */
struct row_dscp {
	uint64_t seen;                /* bit d: value d */
	uint64_t changed;             /* flows whose DSCP changed */
};

struct tally {
	const struct catalogue *cat;
	struct app_agg *apps;         /* open addressing, power-of-two size */
	size_t apps_cap, apps_used;
	struct app_name *names;       /* the same, for names */
	size_t names_cap, names_used;
	struct top top[V_COUNT];      /* findings only */
	uint64_t vflows[V_COUNT], vpkts[V_COUNT], vbytes[V_COUNT];
	struct coverage *cov;         /* rows exercised */
	uint64_t tcp_judged;          /* TCP flows of 3 packets or more */
	uint64_t tls_unjudged;        /* on TLS-only ports, not judged */
	uint64_t tcp_one_way;         /* ... of them seen in one direction */
	uint64_t conn_states[CS_COUNT];
	uint64_t attempts[V_COUNT];   /* TCP attempts, never sessions */
	struct row_dscp *dscp;        /* per catalogue row */
	size_t n_rows;
};

struct tally *tally_new(const struct catalogue *cat, const struct hosts *hosts,
			unsigned top)
{
	struct tally *t = calloc(1, sizeof(*t));
	int v;

	if (!t)
		return NULL;
	t->cat = cat;
	t->apps_cap = 1024;
	t->apps = calloc(t->apps_cap, sizeof(*t->apps));
	if (!t->apps)
		goto fail;
	for (v = 0; v < V_COUNT; v++) {
		if (!verdict_is_finding((enum verdict)v))
			continue;
		t->top[v].cap = top;
		if (top && !(t->top[v].f = calloc(top, sizeof(struct flow_record))))
			goto fail;
	}
	t->cov = coverage_new(cat, hosts);
	if (!t->cov)
		goto fail;
	t->n_rows = catalogue_count(cat);
	t->dscp = calloc(t->n_rows ? t->n_rows : 1, sizeof(*t->dscp));
	if (!t->dscp)
		goto fail;
	return t;
fail:
	tally_free(t);
	return NULL;
}

void tally_free(struct tally *t)
{
	int v;

	if (!t)
		return;
	for (v = 0; v < V_COUNT; v++)
		free(t->top[v].f);
	free(t->apps);
	free(t->names);
	coverage_free(t->cov);
	free(t->dscp);
	free(t);
}

uint64_t tally_flows(const struct tally *t, enum verdict v)
{
	return (unsigned)v < V_COUNT ? t->vflows[v] : 0;
}

uint64_t tally_tls_unjudged(const struct tally *t)
{
	return t->tls_unjudged;
}

void tally_one_way(const struct tally *t, uint64_t *judged, uint64_t *one_way)
{
	*judged = t->tcp_judged;
	*one_way = t->tcp_one_way;
}

const struct coverage *tally_coverage(const struct tally *t)
{
	return t->cov;
}

uint64_t tally_conn_state(const struct tally *t, enum conn_state s)
{
	return (unsigned)s < CS_COUNT ? t->conn_states[s] : 0;
}

uint64_t tally_attempts(const struct tally *t, enum verdict v)
{
	return (unsigned)v < V_COUNT ? t->attempts[v] : 0;
}

bool agg_attempts_only(const struct agg *a)
{
	return a->flows && a->attempts == a->flows;
}

void tally_attempts_only(const struct agg *a, size_t n, enum verdict v,
			 struct attempts_only *out)
{
	size_t k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < n; k++) {
		if (a[k].verdict != v || !agg_attempts_only(&a[k]))
			continue;
		out->flows += a[k].flows;
		out->pkts += a[k].pkts;
		out->bytes += a[k].bytes;
		out->ports++;
		if (out->named < ATTEMPT_PORTS_NAMED)
			out->port[out->named++] = a[k].port;
	}
}

void tally_attempts_said(const struct attempts_only *ao, char *buf, size_t n)
{
	size_t len;
	unsigned i;

	snprintf(buf, n, "%llu flow%s to %llu port%s, never answered:",
		 (unsigned long long)ao->flows, PLURAL(ao->flows),
		 (unsigned long long)ao->ports, PLURAL(ao->ports));
	for (i = 0; i < ao->named; i++) {
		len = strlen(buf);
		snprintf(buf + len, n - len, "%s tcp/%u", i ? "," : "",
			 (unsigned)ao->port[i]);
	}
	len = strlen(buf);
	if (ao->ports > ao->named)
		snprintf(buf + len, n - len, ", ... (%llu more)",
			 (unsigned long long)(ao->ports - ao->named));
}

uint64_t tally_row_dscp(const struct tally *t, size_t row, uint64_t *changed)
{
	if (row >= t->n_rows) {
		*changed = 0;
		return 0;
	}
	*changed = t->dscp[row].changed;
	return t->dscp[row].seen;
}

/* An aggregate's key as two words: verdict, transport, source, server
   port and row; nDPI's master and app ids. A flow's key is made in
   registers and compared to the table's entries there: written field by
   field to the stack and read back 8 bytes at a time (as the compiler
   merges the fields' tests), it waited for every older store to reach
   the cache, a flow's end's cold ones (its bucket's, its neighbours')
   included. */
struct app_key {
	uint64_t lo, ids;
};

static struct app_key app_key_of(uint8_t verdict, uint8_t proto, uint8_t src,
				 uint16_t port, uint16_t row, uint16_t master,
				 uint16_t app)
{
	struct app_key k = {
		.lo = ((uint64_t)verdict << 56) | ((uint64_t)proto << 48) |
		      ((uint64_t)src << 40) | ((uint64_t)port << 16) | row,
		.ids = (uint64_t)master << 32 | app,
	};

	return k;
}

static struct app_key agg_key(const struct app_agg *a)
{
	return app_key_of(a->verdict, a->proto, a->src, a->port, a->row,
			  a->master, a->app);
}

/* A fixed mix is enough: keys are ports and protocol ids, and the table
   only holds what the summary prints. */
static size_t app_hash(struct app_key k)
{
	uint64_t h = k.lo;

	h ^= k.ids * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (size_t)h;
}

static struct app_agg *app_slot(struct app_agg *tab, size_t cap,
				struct app_key k)
{
	size_t i = app_hash(k) & (cap - 1);

	while (tab[i].used) {
		struct app_key e = agg_key(&tab[i]);

		if (e.lo == k.lo && e.ids == k.ids)
			break;
		i = (i + 1) & (cap - 1);
	}
	return &tab[i];
}

/* Double the table when it is over half full; false when out of memory
   (the flow is then counted in the totals only). */
static bool app_grow(struct tally *r)
{
	size_t i, cap = r->apps_cap * 2;
	struct app_agg *tab;

	if (r->apps_used * 2 < r->apps_cap)
		return true;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return false;
	for (i = 0; i < r->apps_cap; i++)
		if (r->apps[i].used)
			*app_slot(tab, cap, agg_key(&r->apps[i])) = r->apps[i];
	free(r->apps);
	r->apps = tab;
	r->apps_cap = cap;
	return true;
}

/* The slot of key k in a names table of cap slots (a power of two). */
static struct app_name *name_slot(struct app_name *tab, size_t cap, uint32_t k)
{
	size_t i = (size_t)((k * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (cap - 1);

	while (tab[i].used && tab[i].key != k)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Keep record f's application name under its ids, once. Out of memory
   the application is named "unknown" in the summary. */
static void name_keep(struct tally *r, const struct flow_record *f)
{
	uint32_t k = (uint32_t)f->app_master << 16 | f->app;
	struct app_name *e, *tab;
	size_t i, cap;

	if (!rec_app(f))
		return;
	if (r->names_used * 2 >= r->names_cap) {
		cap = r->names_cap ? r->names_cap * 2 : 64;
		tab = calloc(cap, sizeof(*tab));
		if (!tab)
			return;
		for (i = 0; i < r->names_cap; i++)
			if (r->names[i].used)
				*name_slot(tab, cap, r->names[i].key) = r->names[i];
		free(r->names);
		r->names = tab;
		r->names_cap = cap;
	}
	e = name_slot(r->names, r->names_cap, k);
	if (e->used)
		return;
	e->key = k;
	e->used = 1;
	snprintf(e->name, sizeof(e->name), "%s", f->app_name);
	r->names_used++;
}

/* Count f to its application aggregate (verdict v, server port port). */
static void app_count(struct tally *r, const struct flow_record *f, uint8_t v,
		      uint16_t port, uint64_t pkts, uint64_t bytes)
{
	uint8_t src = f->app_source;
	uint16_t master = src != APP_SRC_NONE ? f->app_master : 0;
	uint16_t app = src != APP_SRC_NONE ? f->app : 0;
	struct app_agg *a;

	if (!app_grow(r))
		return;
	a = app_slot(r->apps, r->apps_cap,
		     app_key_of(v, f->key.proto, src, port, f->service_row,
				master, app));
	if (!a->used) {
		/* A free slot is all zero (calloc). */
		a->used = 1;
		a->verdict = v;
		a->proto = f->key.proto;
		a->src = src;
		a->port = port;
		a->row = f->service_row;
		a->master = master;
		a->app = app;
		a->cport = rec_client_port(f);
		a->on_wire = f->on_wire;
		r->apps_used++;
		if (src != APP_SRC_NONE)
			name_keep(r, f);
	}
	a->flows++;
	a->pkts += pkts;
	a->bytes += bytes;
	a->attempts += rec_is_attempt(f);
}

/* The DSCPs of f's directions, on its row. */
static void dscp_count(struct tally *r, const struct flow_record *f)
{
	struct row_dscp *d;
	unsigned dir;

	if (!r->dscp || !f->service_row || f->service_row > r->n_rows)
		return;
	d = &r->dscp[f->service_row - 1u];
	for (dir = 0; dir < 2; dir++)
		if (f->pkts[dir])
			d->seen |= UINT64_C(1) << rec_dscp(f, dir);
	if (rec_dscp_changed(f, REC_C2S) || rec_dscp_changed(f, REC_S2C))
		d->changed++;
}


/* The order of a finding's largest flows: the most bytes first, then
   the first to begin, then the key. A whole order: which flows are kept
   must not depend on the order they end in, which flow workers
   (--threads) change. Negative when a comes first. */
static int top_order(const struct flow_record *a, const struct flow_record *b)
{
	if (rec_bytes(a) != rec_bytes(b))
		return rec_bytes(a) > rec_bytes(b) ? -1 : 1;
	if (a->first_us != b->first_us)
		return a->first_us < b->first_us ? -1 : 1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

/* Keep f if it is among the first `cap` of its finding in top_order(): a
   heap whose root is the last of those kept. */
static void top_push(struct top *t, const struct flow_record *f)
{
	unsigned i, c;

	if (t->cap == 0)
		return;
	if (t->n < t->cap) {
		i = t->n++;
		while (i > 0 && top_order(&t->f[(i - 1) / 2], f) < 0) {
			t->f[i] = t->f[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t->f[i] = *f;
		return;
	}
	if (top_order(f, &t->f[0]) >= 0)
		return;
	i = 0;
	for (;;) {
		c = 2 * i + 1;
		if (c >= t->n)
			break;
		if (c + 1 < t->n && top_order(&t->f[c + 1], &t->f[c]) > 0)
			c++;
		if (top_order(&t->f[c], f) < 0)
			break;
		t->f[i] = t->f[c];
		i = c;
	}
	t->f[i] = *f;
}

void tally_add(struct tally *r, const struct flow_record *f)
{
	uint8_t v = f->verdict < V_COUNT ? f->verdict : V_UNDOCUMENTED;
	uint64_t pkts = rec_packets(f);
	uint16_t port = rec_server_port(f);

	r->vflows[v]++;
	r->vpkts[v] += pkts;
	r->vbytes[v] += rec_bytes(f);
	r->conn_states[f->conn_state < CS_COUNT ? f->conn_state : CS_OTH]++;
	r->attempts[v] += rec_is_attempt(f);
	dscp_count(r, f);
	/* Half-duplex mirroring shows as TCP conversations with no packet in
	   one direction; a flow under 3 packets (a lone SYN, a scan) proves
	   nothing either way. */
	if (f->key.proto == IPPROTO_NUM_TCP && pkts >= 3) {
		r->tcp_judged++;
		if (!f->pkts[0] || !f->pkts[1])
			r->tcp_one_way++;
	}
	if (f->tls == FTLS_WAIT || f->tls == FTLS_UNSEEN)
		r->tls_unjudged++;
	if (r->cov)
		coverage_add(r->cov, f);
	app_count(r, f, v, port, pkts, rec_bytes(f));
	if (verdict_is_finding((enum verdict)v))
		top_push(&r->top[v], f);
}

/* Order of tally_sorted_apps(): the key of the aggregate it belongs to,
   then the most flows first. */
static int app_key_cmp(const struct app_agg *a, uint8_t verdict,
		       uint8_t proto, uint16_t port, uint16_t row)
{
	if (a->verdict != verdict)
		return a->verdict < verdict ? -1 : 1;
	if (a->proto != proto)
		return a->proto < proto ? -1 : 1;
	if (a->port != port)
		return a->port < port ? -1 : 1;
	if (a->row != row)
		return a->row < row ? -1 : 1;
	return 0;
}

static int app_cmp(const void *x, const void *y)
{
	const struct app_agg *a = *(const struct app_agg *const *)x;
	const struct app_agg *b = *(const struct app_agg *const *)y;
	int c = app_key_cmp(a, b->verdict, b->proto, b->port, b->row);

	if (c)
		return c;
	if (a->flows != b->flows)
		return a->flows > b->flows ? -1 : 1;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->master != b->master)
		return a->master < b->master ? -1 : 1;
	return a->app < b->app ? -1 : (a->app > b->app);
}

struct app_agg **tally_sorted_apps(const struct tally *r, size_t *n)
{
	struct app_agg **v = malloc((r->apps_used ? r->apps_used : 1) * sizeof(*v));
	size_t i, k = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < r->apps_cap; i++)
		if (r->apps[i].used)
			v[k++] = &r->apps[i];
	qsort(v, k, sizeof(*v), app_cmp);
	*n = k;
	return v;
}

/* Report order (tally.h). Each aggregate carries its row's table, so
   that the comparison needs nothing but its arguments. */
static int agg_cmp(const void *x, const void *y)
{
	const struct agg *a = x;
	const struct agg *b = y;

	if (a->verdict != b->verdict)
		return a->verdict < b->verdict ? -1 : 1;
	if (a->verdict == V_DOCUMENTED && a->row != b->row) {
		/* Catalogue order: table, then the file's order. */
		if (a->table != b->table)
			return a->table < b->table ? -1 : 1;
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

struct agg *tally_sorted_aggs(const struct tally *r, size_t *n)
{
	struct app_agg **apps;
	struct agg *v;
	size_t n_apps, i, k = 0;

	*n = 0;
	apps = tally_sorted_apps(r, &n_apps);
	v = malloc((n_apps ? n_apps : 1) * sizeof(*v));
	if (!apps || !v) {
		free(apps);
		free(v);
		return NULL;
	}
	/* The applications of one (verdict, transport, port, row) are
	   adjacent in that order: sum each run. */
	for (i = 0; i < n_apps; i++) {
		const struct app_agg *a = apps[i];
		struct agg *g = k ? &v[k - 1] : NULL;

		if (!g || app_key_cmp(a, g->verdict, g->proto, g->port, g->row)) {
			g = &v[k++];
			memset(g, 0, sizeof(*g));
			g->verdict = a->verdict;
			g->proto = a->proto;
			g->port = a->port;
			g->row = a->row;
			if (a->row)
				g->table = catalogue_row(r->cat, a->row - 1u)->table;
		}
		g->flows += a->flows;
		g->pkts += a->pkts;
		g->bytes += a->bytes;
		g->attempts += a->attempts;
	}
	free(apps);
	qsort(v, k, sizeof(*v), agg_cmp);
	*n = k;
	return v;
}

static int flow_cmp(const void *x, const void *y)
{
	return top_order(*(const struct flow_record *const *)x,
			 *(const struct flow_record *const *)y);
}

const struct flow_record **tally_sorted_top(const struct tally *r,
					    enum verdict v, unsigned *n)
{
	const struct top *t = &r->top[v];
	const struct flow_record **out = malloc((t->n ? t->n : 1) * sizeof(*out));
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

size_t tally_apps_of(struct app_agg *const *v, size_t n, const struct agg *a,
		      size_t *first)
{
	size_t lo = 0, hi = n, end;

	/* The first entry not before a's key, then the run of a's key. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (app_key_cmp(v[mid], a->verdict, a->proto, a->port, a->row) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n &&
	     app_key_cmp(v[end], a->verdict, a->proto, a->port, a->row) == 0;
	     end++)
		;
	*first = lo;
	return end - lo;
}

const char *tally_app_name(const struct tally *r, const struct app_agg *a)
{
	uint32_t k = (uint32_t)a->master << 16 | a->app;
	const struct app_name *e;

	if (a->src == APP_SRC_NONE || !r->names_cap)
		return NULL;
	e = name_slot(r->names, r->names_cap, k);
	return e->used ? e->name : NULL;
}
