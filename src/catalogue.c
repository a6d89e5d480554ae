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
#include "options.h"
#include "portindex.h"
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

/* ------------------------------------------------------------ catalogue */

struct catalogue {
	struct cat_row *rows;
	size_t n, cap;
	struct arena_chunk *arena;
	bool built;
	struct portindex *dst;   /* keyed by (proto, destination port) */
	struct portindex *src;   /* rows with a fixed source port, by (proto, sport) */
	cat_app_id_fn app_id;    /* resolves names in apps fields, or NULL */
	void *app_id_ctx;
	uint16_t eph_lo, eph_hi;     /* client ports (--ephemeral-ports) */
	struct cat_source *sources;  /* what was loaded, in order */
	size_t n_sources;
};

struct catalogue *catalogue_new(void)
{
	struct catalogue *c = calloc(1, sizeof(struct catalogue));

	if (c)
		catalogue_set_ephemeral(c, DEF_EPHEMERAL_LO, DEF_EPHEMERAL_HI);
	return c;
}

void catalogue_set_ephemeral(struct catalogue *c, uint16_t lo, uint16_t hi)
{
	c->eph_lo = lo;
	c->eph_hi = hi;
}

bool catalogue_is_ephemeral(const struct catalogue *c, uint16_t port)
{
	return c && port >= c->eph_lo && port <= c->eph_hi;
}

void catalogue_free(struct catalogue *c)
{
	if (!c)
		return;
	portindex_free(c->dst);
	portindex_free(c->src);
	free(c->rows);
	free(c->sources);
	arena_free(c->arena);
	free(c);
}

void catalogue_set_app_ids(struct catalogue *c, cat_app_id_fn fn, void *ctx)
{
	c->app_id = fn;
	c->app_id_ctx = ctx;
}

size_t catalogue_count(const struct catalogue *c)
{
	return c ? c->n : 0;
}

const struct cat_row *catalogue_row(const struct catalogue *c, size_t i)
{
	return c && i < c->n ? &c->rows[i] : NULL;
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
	st.app_id = c->app_id;
	st.app_id_ctx = c->app_id_ctx;
	if (override) {
		st.prior = c->rows;
		st.n_prior = c->n;
	}
	if (cat_stage_parse(&st, name, buf, len, err) == 0) {
		size_t i;

		/* Table 0 is a site's own row, in a --rules copy too. */
		for (i = 0; i < st.n; i++)
			st.rows[i].site = override || st.rows[i].table == 0;
		rc = merge(c, &st, override, name, err);
	}
	cat_stage_free(&st);
	return rc;
}

/*
 * Parse len bytes at buf named name, as catalogue_parse(), and keep them
 * as a source with the SHA-256 of those very bytes: the provenance names
 * what was parsed, never the file read again. The source's room is had
 * before the parse, so a load is still all or nothing.
 */
static int load_source(struct catalogue *c, const char *name, const char *buf,
		       size_t len, bool override, bool embedded, FILE *err)
{
	struct cat_source *s, *grown;

	if (!c)
		return -1;
	grown = realloc(c->sources, (c->n_sources + 1) * sizeof(*grown));
	if (!grown) {
		tfile_error(err, name, "out of memory");
		return -1;
	}
	c->sources = grown;
	s = &grown[c->n_sources];
	memset(s, 0, sizeof(*s));
	s->name = arena_strndup(&c->arena, name, strlen(name));
	if (!s->name) {
		tfile_error(err, name, "out of memory");
		return -1;
	}
	s->embedded = embedded;
	s->override = override;
	(void)digest_sha256_hex(buf, len, s->sha256);
	if (catalogue_parse(c, name, buf, len, override, err) != 0)
		return -1;
	c->n_sources++;
	return 0;
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
	rc = load_source(c, path, buf, len, override, false, err);
	free(buf);
	return rc;
}

size_t catalogue_source_count(const struct catalogue *c)
{
	return c ? c->n_sources : 0;
}

const struct cat_source *catalogue_source(const struct catalogue *c, size_t i)
{
	return c && i < c->n_sources ? &c->sources[i] : NULL;
}

void cat_row_where(const struct cat_row *r, char *buf, size_t len)
{
	if (r->site)
		snprintf(buf, len, "site row %s:%u", r->file, (unsigned)r->line);
	else
		snprintf(buf, len, "table %u", (unsigned)r->table);
}

int catalogue_load_embedded(struct catalogue *c, FILE *err)
{
	return load_source(c, EMBEDDED_NAME,
			   (const char *)impwatch_embedded_rules,
			   impwatch_embedded_rules_len, false, true, err);
}

/* ---------------------------------------------------------------- build */

static const char *proto_name(unsigned proto)
{
	switch (proto) {
	case PROTO_TCP: return "tcp";
	case PROTO_UDP: return "udp";
	case PROTO_ICMP: return "icmp";
	case PROTO_ICMPV6: return "icmpv6";
	default: return "?";
	}
}

/* Index every row's destination ports (src false) or fixed source ports
   (src true) into *out. */
static int build_index(struct catalogue *c, bool src, struct portindex **out,
		       FILE *err)
{
	static const struct port_span icmp_span = { 0, 0 };
	struct portindex_item *items;
	struct portindex_full full;
	size_t n = 0, i;
	int rc;

	/* Each row gives at most MAX_PORT_SPANS spans under two protocols. */
	items = malloc((c->n ? c->n : 1) * 2 * MAX_PORT_SPANS * sizeof(*items));
	if (!items) {
		if (err)
			fputs("catalogue: out of memory building the index\n", err);
		return -1;
	}
	for (i = 0; i < c->n; i++) {
		const struct cat_row *r = &c->rows[i];
		const struct port_span *sp = src ? r->sport : r->dport;
		size_t n_sp = src ? r->n_sport : r->n_dport;
		uint8_t protos[4];
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
		for (pi = 0; pi < np; pi++)
			for (si = 0; si < n_sp; si++)
				items[n++] = (struct portindex_item){
					protos[pi], sp[si].lo, sp[si].hi, (uint16_t)i
				};
	}
	rc = portindex_build(out, items, n, c->n, CAT_MAX_HITS, &full);
	free(items);
	if (rc == PORTINDEX_NOMEM && err)
		fputs("catalogue: out of memory building the index\n", err);
	if (rc == PORTINDEX_FULL && err) {
		/* Name the first row past the limit. */
		const struct cat_row *r = &c->rows[full.row];
		char hi[16] = "";

		if (full.hi != full.lo)
			snprintf(hi, sizeof(hi), "-%u", (unsigned)full.hi);
		tprintf(err, "%s:%u: more than %d rows document %s %s %u%s; at "
			"most %d rows may share one\n", r->file,
			(unsigned)r->line, CAT_MAX_HITS, proto_name(full.proto),
			src ? "source port" : "port", (unsigned)full.lo, hi,
			CAT_MAX_HITS);
	}
	return rc == PORTINDEX_OK ? 0 : -1;
}

int catalogue_build(struct catalogue *c, FILE *err)
{
	if (!c)
		return -1;
	if (c->built)
		return 0;
	if (build_index(c, false, &c->dst, err) < 0 ||
	    build_index(c, true, &c->src, err) < 0) {
		portindex_free(c->dst);
		portindex_free(c->src);
		c->dst = c->src = NULL;
		return -1;
	}
	c->built = true;
	return 0;
}

/* -------------------------------------------------------------- lookups */

static bool is_icmp_proto(uint8_t proto)
{
	return proto == PROTO_ICMP || proto == PROTO_ICMPV6;
}

/* The index's answer as the catalogue gives it. */
static struct cat_match rows_at(const struct portindex *ix, uint8_t proto,
				uint16_t port)
{
	struct portindex_match pm = portindex_find(ix, proto, port);
	struct cat_match m = { pm.rows, pm.n };

	return m;
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
	return rows_at(c->dst, proto, port);
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

	if (!h)
		h = &scratch;
	h->n = 0;
	h->step = 0;
	if (!c || !c->built)
		return LISTENER_NONE;
	if (is_icmp_proto(proto)) {
		struct cat_match m = rows_at(c->dst, proto, 0);

		h->n = m.n;
		if (m.n)
			memcpy(h->rows, m.rows, m.n * sizeof(*m.rows));
		h->step = m.n ? 1 : 0;
		return m.n ? LISTENER_DST : LISTENER_NONE;
	}
	h->step = 1;
	if (filter(c, rows_at(c->dst, proto, dport), true, sport, h))
		return LISTENER_DST;
	h->step = 2;
	if (filter(c, rows_at(c->dst, proto, sport), true, dport, h))
		return LISTENER_SRC;
	h->step = 3;
	if (filter(c, rows_at(c->src, proto, sport), false, dport, h))
		return LISTENER_DST;
	h->step = 4;
	if (filter(c, rows_at(c->src, proto, dport), false, sport, h))
		return LISTENER_SRC;
	h->step = 0;
	return LISTENER_NONE;
}
