/*
 * catalogue.c: the IM&P port catalogue as loaded: merge, index, lookups.
 *
 * Loading is strict and all or nothing: one parse stages its rows and their
 * strings (catalogue_parse.c), and only a text that is good to its last
 * line is merged into the catalogue, plainly or replacing rows of the same
 * table and service (--rules-add). catalogue_build() then freezes the rows
 * into two indexes (destination ports, and fixed source ports) that answer
 * every lookup with one hash probe or one binary search, allocating nothing.
 */
#include "catalogue_int.h"
#include "textfile.h"

#include <stdlib.h>
#include <string.h>

#define EMBEDDED_NAME "rules/imp.conf (built in)"

/* A catalogue file holds at most MAX_RULES rows of MAX_RULE_LINE bytes;
   comments and blank lines come on top. Past this size a file is surely
   not a catalogue (or is a device like /dev/zero), so reading stops. */
#define CAT_MAX_FILE_BYTES ((size_t)64 << 20)

/* IP protocol numbers the catalogue keys on (IANA). */
#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_UDP    17
#define PROTO_ICMPV6 58

/* ---------------------------------------------------------------- index */

/* One single port: its rows are rows[off .. off + n). */
struct pslot {
	uint32_t key1;   /* (proto << 16 | port) + 1; 0 marks an empty slot */
	uint32_t off;
	uint16_t n;
};

/* One elementary segment of port ranges: every port in [lo, hi] is covered
   by exactly the same range rows, rows[off .. off + n). */
struct pseg {
	uint32_t lo, hi; /* proto << 16 | port, inclusive */
	uint32_t off;
	uint16_t n;
};

/*
 * Single ports in an open-addressing table (power of two, at most half
 * full, linear probing), ranges as sorted disjoint segments. A single port
 * that also lies in a range already carries that range's rows in its slice,
 * so a hit in the table is the whole answer.
 */
struct pindex {
	struct pslot *slots;
	uint32_t mask;   /* slot count - 1 */
	unsigned shift;  /* 32 - log2(slot count), for the multiplicative hash */
	struct pseg *segs;
	size_t n_segs;
	uint16_t *rows;
	size_t n_rows, cap_rows;
};

struct catalogue {
	struct cat_row *rows;
	size_t n, cap;
	struct arena_chunk *arena;
	bool built;
	struct pindex dst;   /* keyed by (proto, destination port) */
	struct pindex src;   /* rows with a fixed source port, by (proto, sport) */
	cat_app_check_fn app_check;  /* names in apps fields, or NULL */
	void *app_check_ctx;
};

static void pindex_free(struct pindex *ix)
{
	free(ix->slots);
	free(ix->segs);
	free(ix->rows);
	memset(ix, 0, sizeof(*ix));
}

/*
 * Keys come from the catalogue, not from packets, and the table is frozen
 * at most half full: a packet's port can only choose which fixed probe
 * sequence it walks, so no seed is needed against crafted traffic.
 */
static uint32_t key_hash(uint32_t key, unsigned shift)
{
	return (uint32_t)(key * 2654435769u) >> shift;
}

static struct cat_match pindex_find(const struct pindex *ix, uint32_t key)
{
	struct cat_match m = { NULL, 0 };
	size_t lo, hi;

	if (ix->slots) {
		uint32_t i = key_hash(key, ix->shift) & ix->mask;

		while (ix->slots[i].key1) {
			if (ix->slots[i].key1 == key + 1) {
				m.rows = ix->rows + ix->slots[i].off;
				m.n = ix->slots[i].n;
				return m;
			}
			i = (i + 1) & ix->mask;
		}
	}
	/* First segment ending at or after key; it holds key if it starts
	   at or before it (segments are disjoint and sorted). */
	lo = 0;
	hi = ix->n_segs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->segs[mid].hi < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n_segs && ix->segs[lo].lo <= key) {
		m.rows = ix->rows + ix->segs[lo].off;
		m.n = ix->segs[lo].n;
	}
	return m;
}

/* ------------------------------------------------------------ catalogue */

struct catalogue *catalogue_new(void)
{
	return calloc(1, sizeof(struct catalogue));
}

void catalogue_free(struct catalogue *c)
{
	if (!c)
		return;
	pindex_free(&c->dst);
	pindex_free(&c->src);
	free(c->rows);
	arena_free(c->arena);
	free(c);
}

void catalogue_set_app_check(struct catalogue *c, cat_app_check_fn fn,
			     void *ctx)
{
	c->app_check = fn;
	c->app_check_ctx = ctx;
}

size_t catalogue_count(const struct catalogue *c)
{
	return c ? c->n : 0;
}

const struct cat_row *catalogue_row(const struct catalogue *c, size_t i)
{
	return c && i < c->n ? &c->rows[i] : NULL;
}

/* ---------------------------------------------------------------- roles */

#define X_NAME(e, id, label) id,
static const char *const role_names[ROLE_COUNT] = { CAT_ROLES(X_NAME) };
#undef X_NAME
#define X_LABEL(e, id, label) label,
static const char *const role_labels[ROLE_COUNT] = { CAT_ROLES(X_LABEL) };
#undef X_LABEL

const char *cat_role_name(enum cat_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

const char *cat_role_label(enum cat_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_labels[r] : "?";
}

int cat_role_parse(const char *s, size_t len)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (strlen(role_names[i]) == len && memcmp(role_names[i], s, len) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- merge */

static bool same_key(const struct cat_row *a, const struct cat_row *b)
{
	return a->table == b->table && strcmp(a->service, b->service) == 0;
}

/*
 * Put the staged rows into the catalogue. Without override they go at the
 * end. With it, the staged rows of a (table, service) the catalogue already
 * has take the place of that service's first row and its other rows go, so
 * `impwatch rules` keeps the guide's order; new services go at the end.
 */
static int merge(struct catalogue *c, struct cat_stage *st, bool override,
		 const char *name, FILE *err)
{
	struct cat_row *out;
	bool *placed;
	size_t n = 0, i, j;

	out = malloc((c->n + st->n) * sizeof(*out));
	placed = calloc(st->n, sizeof(*placed));
	if (!out || !placed) {
		free(out);
		free(placed);
		tfile_error(err, name, "out of memory");
		return -1;
	}
	for (i = 0; i < c->n; i++) {
		const struct cat_row *old = &c->rows[i];
		bool replaced = false;

		for (j = 0; override && j < st->n; j++) {
			if (!same_key(old, &st->rows[j]))
				continue;
			replaced = true;
			if (!placed[j])
				out[n++] = st->rows[j];
			placed[j] = true;
		}
		if (!replaced)
			out[n++] = *old;
	}
	for (j = 0; j < st->n; j++)
		if (!placed[j])
			out[n++] = st->rows[j];
	free(placed);
	if (n > MAX_RULES) {
		free(out);
		tfile_error(err, name, "the catalogue would hold %zu rows, more "
			    "than %d", n, MAX_RULES);
		return -1;
	}
	free(c->rows);
	c->rows = out;
	c->n = c->cap = n;

	/* The staged strings now belong to the catalogue. */
	arena_splice(&c->arena, &st->arena);
	return 0;
}

/* ---------------------------------------------------------------- parse */

int catalogue_parse(struct catalogue *c, const char *name, const char *buf,
		    size_t len, bool override, FILE *err)
{
	struct cat_stage st;
	int rc = -1;

	if (!c)
		return -1;
	if (!name)
		name = "(catalogue)";
	if (c->built) {
		tfile_error(err, name, "the catalogue is already built; load every "
			    "file before catalogue_build()");
		return -1;
	}
	memset(&st, 0, sizeof(st));
	st.app_check = c->app_check;
	st.app_check_ctx = c->app_check_ctx;
	if (cat_stage_parse(&st, name, buf, len, err) == 0)
		rc = merge(c, &st, override, name, err);
	cat_stage_free(&st);
	return rc;
}

int catalogue_load_file(struct catalogue *c, const char *path, bool override,
			FILE *err)
{
	char *buf;
	size_t len;
	int rc;

	if (!path)
		return -1;
	if (textfile_read(path, CAT_MAX_FILE_BYTES, "a catalogue", &buf, &len, err) != 0)
		return -1;
	rc = catalogue_parse(c, path, buf, len, override, err);
	free(buf);
	return rc;
}

int catalogue_load_embedded(struct catalogue *c, FILE *err)
{
	return catalogue_parse(c, EMBEDDED_NAME,
			       (const char *)impwatch_embedded_rules,
			       impwatch_embedded_rules_len, false, err);
}

/* ---------------------------------------------------------------- build */

/* One port or range of one row under one IP protocol, as composite keys. */
struct span_item {
	uint32_t lo, hi;
	uint16_t row;
};

/* A range starting (add) or ending (one past its end) at pos. */
struct sweep_event {
	uint32_t pos;
	uint16_t row;
	uint8_t add;
};

struct builder {
	struct catalogue *c;
	struct pindex *ix;
	const char *what;   /* "port" or "source port", for messages */
	FILE *err;
};

static const char *proto_name(uint32_t proto)
{
	switch (proto) {
	case PROTO_TCP: return "tcp";
	case PROTO_UDP: return "udp";
	case PROTO_ICMP: return "icmp";
	case PROTO_ICMPV6: return "icmpv6";
	default: return "?";
	}
}

static int cmp_item(const void *a, const void *b)
{
	const struct span_item *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* By position, then kind and row, so the sweep is deterministic. Order
   within one position does not matter for correctness: the per-row depth
   in build_segments() keeps a row whose ranges touch (100-200, 201-300)
   covered across the seam. */
static int cmp_event(const void *a, const void *b)
{
	const struct sweep_event *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	if (x->add != y->add)
		return x->add < y->add ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* Append rows to the index's row array; the offset they start at, or -1. */
static long push_rows(struct pindex *ix, const uint16_t *rows, size_t n)
{
	size_t off = ix->n_rows;

	if (ix->cap_rows - ix->n_rows < n) {
		size_t cap = ix->cap_rows ? ix->cap_rows : 256;
		uint16_t *nr;

		while (cap - ix->n_rows < n)
			cap *= 2;
		nr = realloc(ix->rows, cap * sizeof(*nr));
		if (!nr)
			return -1;
		ix->rows = nr;
		ix->cap_rows = cap;
	}
	if (n)
		memcpy(ix->rows + off, rows, n * sizeof(*rows));
	ix->n_rows += n;
	return (long)off;
}

/* Too many rows on one key: name the first row past the limit. */
static void too_many(struct builder *b, uint16_t row, uint32_t lo, uint32_t hi)
{
	const struct cat_row *r = &b->c->rows[row];

	if (!b->err)
		return;
	fprintf(b->err, "%s:%u: more than %d rows document %s %s %u",
		r->file, (unsigned)r->line, CAT_MAX_HITS, proto_name(lo >> 16),
		b->what, (unsigned)(lo & 0xffff));
	if (hi != lo)
		fprintf(b->err, "-%u", (unsigned)(hi & 0xffff));
	fprintf(b->err, "; at most %d rows may share one\n", CAT_MAX_HITS);
}

/* Sweep the ranges into disjoint segments, each listing its rows in
   catalogue order. */
static int build_segments(struct builder *b, const struct span_item *rg,
			  size_t n_rg)
{
	struct pindex *ix = b->ix;
	struct sweep_event *ev = NULL;
	uint16_t *active = NULL, *depth = NULL;
	size_t n_ev = 2 * n_rg, n_active = 0, i, j, k;
	int rc = -1;

	if (n_rg == 0)
		return 0;
	ev = malloc(n_ev * sizeof(*ev));
	active = malloc(b->c->n * sizeof(*active));
	depth = calloc(b->c->n, sizeof(*depth));
	ix->segs = malloc(n_ev * sizeof(*ix->segs));
	if (!ev || !active || !depth || !ix->segs)
		goto oom;
	for (i = 0; i < n_rg; i++) {
		ev[2 * i] = (struct sweep_event){ rg[i].lo, rg[i].row, 1 };
		ev[2 * i + 1] = (struct sweep_event){ rg[i].hi + 1, rg[i].row, 0 };
	}
	qsort(ev, n_ev, sizeof(*ev), cmp_event);
	for (i = 0; i < n_ev; i = j) {
		for (j = i; j < n_ev && ev[j].pos == ev[i].pos; j++) {
			uint16_t row = ev[j].row;

			/* depth counts a row's ranges over this point, so a
			   row joins and leaves the sorted active list once. */
			if (ev[j].add && depth[row]++ == 0) {
				for (k = n_active; k > 0 && active[k - 1] > row; k--)
					active[k] = active[k - 1];
				active[k] = row;
				n_active++;
			} else if (!ev[j].add && --depth[row] == 0) {
				for (k = 0; active[k] != row; k++)
					;
				memmove(active + k, active + k + 1,
					(n_active - k - 1) * sizeof(*active));
				n_active--;
			}
		}
		/* Every range ends, so the last position leaves none active. */
		if (n_active > 0 && j < n_ev) {
			struct pseg *s = &ix->segs[ix->n_segs];
			long off;

			if (n_active > CAT_MAX_HITS) {
				too_many(b, active[CAT_MAX_HITS], ev[i].pos,
					 ev[j].pos - 1);
				goto out;
			}
			off = push_rows(ix, active, n_active);
			if (off < 0)
				goto oom;
			s->lo = ev[i].pos;
			s->hi = ev[j].pos - 1;
			s->off = (uint32_t)off;
			s->n = (uint16_t)n_active;
			ix->n_segs++;
		}
	}
	rc = 0;
	goto out;
oom:
	if (b->err)
		fputs("catalogue: out of memory building the index\n", b->err);
out:
	free(ev);
	free(active);
	free(depth);
	return rc;
}

/* Single ports into the hash table, each slice merged with the range rows
   covering that port, in catalogue order. */
static int build_singles(struct builder *b, struct span_item *sg, size_t n_sg)
{
	struct pindex *ix = b->ix;
	uint16_t merged[2 * CAT_MAX_HITS + 1];
	size_t keys = 0, slots = 8, i, j;
	unsigned bits = 3;

	if (n_sg == 0)
		return 0;
	qsort(sg, n_sg, sizeof(*sg), cmp_item);
	for (i = 0; i < n_sg; i++)
		keys += i == 0 || sg[i].lo != sg[i - 1].lo;
	/* At most half full, so probes stay short and always end. */
	while (slots < 2 * keys) {
		slots *= 2;
		bits++;
	}
	ix->slots = calloc(slots, sizeof(*ix->slots));
	if (!ix->slots)
		goto oom;
	ix->mask = (uint32_t)(slots - 1);
	ix->shift = 32 - bits;

	for (i = 0; i < n_sg; i = j) {
		uint32_t key = sg[i].lo;
		struct cat_match rg = { NULL, 0 };
		size_t n = 0, a, r = 0;
		uint32_t h;
		long off;

		/* The range rows over this port, found before the slot exists. */
		rg = pindex_find(ix, key);
		for (j = i; j < n_sg && sg[j].lo == key; j++)
			;
		a = i;
		while (a < j || r < rg.n) {
			uint16_t next;

			if (r >= rg.n || (a < j && sg[a].row <= rg.rows[r]))
				next = sg[a++].row;
			else
				next = rg.rows[r++];
			if (n > 0 && merged[n - 1] == next)
				continue;
			if (n == CAT_MAX_HITS) {
				too_many(b, next, key, key);
				return -1;
			}
			merged[n++] = next;
		}
		off = push_rows(ix, merged, n);
		if (off < 0)
			goto oom;
		h = key_hash(key, ix->shift) & ix->mask;
		while (ix->slots[h].key1)
			h = (h + 1) & ix->mask;
		ix->slots[h].key1 = key + 1;
		ix->slots[h].off = (uint32_t)off;
		ix->slots[h].n = (uint16_t)n;
	}
	return 0;
oom:
	if (b->err)
		fputs("catalogue: out of memory building the index\n", b->err);
	return -1;
}

/* Index every row's destination ports (src false) or fixed source ports
   (src true). */
static int build_index(struct catalogue *c, bool src, FILE *err)
{
	static const struct port_span icmp_span = { 0, 0 };
	struct builder b = { c, src ? &c->src : &c->dst,
			     src ? "source port" : "port", err };
	struct span_item *sg = NULL, *rg = NULL;
	size_t n_sg = 0, n_rg = 0, cap, i;
	int rc = -1;

	/* Each row gives at most MAX_PORT_SPANS spans under two protocols. */
	cap = c->n * 2 * MAX_PORT_SPANS;
	sg = malloc((cap ? cap : 1) * sizeof(*sg));
	rg = malloc((cap ? cap : 1) * sizeof(*rg));
	if (!sg || !rg) {
		if (err)
			fputs("catalogue: out of memory building the index\n", err);
		goto out;
	}
	for (i = 0; i < c->n; i++) {
		const struct cat_row *r = &c->rows[i];
		const struct port_span *sp = src ? r->sport : r->dport;
		size_t n_sp = src ? r->n_sport : r->n_dport;
		uint32_t protos[4];
		size_t np = 0, pi, si;

		if (src && r->sport_kind != SPORT_FIXED)
			continue;
		if (catalogue_row_icmp(r)) {
			/* ICMP rows have no ports: they live under port 0. */
			if (src)
				continue;
			sp = &icmp_span;
			n_sp = 1;
		}
		if (r->transports & (CT_TCP | CT_TLS))
			protos[np++] = PROTO_TCP;
		if (r->transports & CT_UDP)
			protos[np++] = PROTO_UDP;
		if (r->transports & CT_ICMP)
			protos[np++] = PROTO_ICMP;
		if (r->transports & CT_ICMPV6)
			protos[np++] = PROTO_ICMPV6;
		for (pi = 0; pi < np; pi++) {
			for (si = 0; si < n_sp; si++) {
				struct span_item it = {
					protos[pi] << 16 | sp[si].lo,
					protos[pi] << 16 | sp[si].hi,
					(uint16_t)i
				};

				if (it.lo == it.hi)
					sg[n_sg++] = it;
				else
					rg[n_rg++] = it;
			}
		}
	}
	/* Ranges first: the single ports merge the segments' rows in. */
	if (build_segments(&b, rg, n_rg) < 0 || build_singles(&b, sg, n_sg) < 0)
		goto out;
	rc = 0;
out:
	free(sg);
	free(rg);
	return rc;
}

int catalogue_build(struct catalogue *c, FILE *err)
{
	if (!c)
		return -1;
	if (c->built)
		return 0;
	if (build_index(c, false, err) < 0 || build_index(c, true, err) < 0) {
		pindex_free(&c->dst);
		pindex_free(&c->src);
		return -1;
	}
	c->built = true;
	return 0;
}

/* -------------------------------------------------------------- lookups */

bool catalogue_row_icmp(const struct cat_row *r)
{
	return (r->transports & (CT_ICMP | CT_ICMPV6)) != 0;
}

static bool is_icmp_proto(uint8_t proto)
{
	return proto == PROTO_ICMP || proto == PROTO_ICMPV6;
}

struct cat_match catalogue_lookup(const struct catalogue *c, uint8_t proto,
				  uint16_t port)
{
	struct cat_match none = { NULL, 0 };

	if (!c || !c->built)
		return none;
	/* ICMP has no ports; its rows sit under port 0 whatever the caller
	   put there (type and code are no listener). */
	if (is_icmp_proto(proto))
		port = 0;
	return pindex_find(&c->dst, (uint32_t)proto << 16 | port);
}

static bool in_spans(const struct port_span *s, size_t n, uint16_t port)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (port >= s[i].lo && port <= s[i].hi)
			return true;
	return false;
}

bool catalogue_row_sport_ok(const struct cat_row *r, uint16_t sport)
{
	if (!r)
		return false;
	if (r->sport_kind != SPORT_FIXED)
		return true;
	return in_spans(r->sport, r->n_sport, sport);
}

bool catalogue_row_dport_ok(const struct cat_row *r, uint16_t dport)
{
	if (!r)
		return false;
	if (r->dport_configurable || catalogue_row_icmp(r))
		return true;
	return in_spans(r->dport, r->n_dport, dport);
}

/* Keep the rows of m that accept `other` on their far side. */
static uint16_t filter(const struct catalogue *c, struct cat_match m,
		       bool by_sport, uint16_t other, struct cat_hits *h)
{
	uint16_t i;

	h->n = 0;
	for (i = 0; i < m.n && h->n < CAT_MAX_HITS; i++) {
		const struct cat_row *r = &c->rows[m.rows[i]];

		if (by_sport ? catalogue_row_sport_ok(r, other)
			     : catalogue_row_dport_ok(r, other))
			h->rows[h->n++] = m.rows[i];
	}
	return h->n;
}

enum listener_side catalogue_listener(const struct catalogue *c,
				      uint8_t proto, uint16_t sport,
				      uint16_t dport, struct cat_hits *h)
{
	struct cat_hits scratch;
	uint32_t p = (uint32_t)proto << 16;

	if (!h)
		h = &scratch;
	h->n = 0;
	if (!c || !c->built)
		return LISTENER_NONE;
	if (is_icmp_proto(proto)) {
		struct cat_match m = pindex_find(&c->dst, p);

		h->n = m.n;
		if (m.n)
			memcpy(h->rows, m.rows, m.n * sizeof(*m.rows));
		return m.n ? LISTENER_DST : LISTENER_NONE;
	}
	if (filter(c, pindex_find(&c->dst, p | dport), true, sport, h))
		return LISTENER_DST;
	if (filter(c, pindex_find(&c->dst, p | sport), true, dport, h))
		return LISTENER_SRC;
	if (filter(c, pindex_find(&c->src, p | sport), false, dport, h))
		return LISTENER_DST;
	if (filter(c, pindex_find(&c->src, p | dport), false, sport, h))
		return LISTENER_SRC;
	return LISTENER_NONE;
}
