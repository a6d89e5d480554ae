/*
 * portindex.c: row numbers by (IP protocol, port), built once, then frozen.
 *
 * A key is proto << 16 | port, so the keys of one protocol are contiguous
 * and sort by port. Ranges are swept into elementary segments (every port
 * of a segment is covered by the same rows), then the single ports go into
 * the hash table, each with the rows of the segment over it merged in.
 */
#include "portindex.h"

#include <stdlib.h>
#include <string.h>

/* One single port: its rows are rows[off .. off + n). */
struct pslot {
	uint32_t key1;   /* key + 1; 0 marks an empty slot */
	uint32_t off;
	uint16_t n;
};

/* One elementary segment of port ranges: every port in [lo, hi] is covered
   by exactly the same range rows, rows[off .. off + n). */
struct pseg {
	uint32_t lo, hi; /* keys, inclusive */
	uint32_t off;
	uint16_t n;
};

struct portindex {
	struct pslot *slots;
	uint32_t mask;   /* slot count - 1 */
	unsigned shift;  /* 32 - log2(slot count), for the multiplicative hash */
	size_t n_keys;
	struct pseg *segs;
	size_t n_segs;
	uint16_t *rows;  /* every key's rows, one slice after another */
	size_t n_rows, cap_rows;
};

/* One item as composite keys. */
struct span {
	uint32_t lo, hi;
	uint16_t row;
};

/* A range starting (add) or ending (one past its end) at pos. */
struct sweep_event {
	uint32_t pos;
	uint16_t row;
	uint8_t add;
};

/* What one build needs besides the index it fills. */
struct builder {
	struct portindex *ix;
	size_t n_rows;           /* rows are numbered below this */
	unsigned max_rows;       /* per key */
	struct portindex_full *full;
};

static uint32_t make_key(uint8_t proto, uint16_t port)
{
	return (uint32_t)proto << 16 | port;
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

/* The rows of a composite key: one probe sequence, else one binary search. */
static struct portindex_match find_key(const struct portindex *ix, uint32_t key)
{
	struct portindex_match m = { NULL, 0 };
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

struct portindex_match portindex_find(const struct portindex *ix,
				      uint8_t proto, uint16_t port)
{
	struct portindex_match none = { NULL, 0 };

	return ix ? find_key(ix, make_key(proto, port)) : none;
}

void portindex_free(struct portindex *ix)
{
	if (!ix)
		return;
	free(ix->slots);
	free(ix->segs);
	free(ix->rows);
	free(ix);
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

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
static long push_rows(struct portindex *ix, const uint16_t *rows, size_t n)
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

/* Too many rows on the keys lo..hi: say which row passed the limit. */
static int too_many(struct builder *b, uint16_t row, uint32_t lo, uint32_t hi)
{
	b->full->row = row;
	b->full->proto = (uint8_t)(lo >> 16);
	b->full->lo = (uint16_t)(lo & 0xffff);
	b->full->hi = (uint16_t)(hi & 0xffff);
	return PORTINDEX_FULL;
}

/* Sweep the ranges into disjoint segments, each listing its rows in
   ascending order. */
static int build_segments(struct builder *b, const struct span *rg,
			  size_t n_rg)
{
	struct portindex *ix = b->ix;
	struct sweep_event *ev = NULL;
	uint16_t *active = NULL, *depth = NULL;
	size_t n_ev = 2 * n_rg, n_active = 0, i, j, k;
	int rc = PORTINDEX_NOMEM;

	if (n_rg == 0)
		return PORTINDEX_OK;
	ev = malloc(n_ev * sizeof(*ev));
	active = malloc(b->n_rows * sizeof(*active));
	depth = calloc(b->n_rows, sizeof(*depth));
	ix->segs = malloc(n_ev * sizeof(*ix->segs));
	if (!ev || !active || !depth || !ix->segs)
		goto out;
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

			if (n_active > b->max_rows) {
				rc = too_many(b, active[b->max_rows], ev[i].pos,
					      ev[j].pos - 1);
				goto out;
			}
			off = push_rows(ix, active, n_active);
			if (off < 0)
				goto out;
			s->lo = ev[i].pos;
			s->hi = ev[j].pos - 1;
			s->off = (uint32_t)off;
			s->n = (uint16_t)n_active;
			ix->n_segs++;
		}
	}
	rc = PORTINDEX_OK;
out:
	free(ev);
	free(active);
	free(depth);
	return rc;
}

/* Single ports into the hash table, each slice merged with the range rows
   covering that port, in ascending order. */
static int build_singles(struct builder *b, struct span *sg, size_t n_sg)
{
	struct portindex *ix = b->ix;
	uint16_t *merged;
	size_t keys = 0, slots = 8, i, j;
	unsigned bits = 3;
	int rc = PORTINDEX_NOMEM;

	if (n_sg == 0)
		return PORTINDEX_OK;
	qsort(sg, n_sg, sizeof(*sg), cmp_span);
	for (i = 0; i < n_sg; i++)
		keys += i == 0 || sg[i].lo != sg[i - 1].lo;
	/* At most half full, so probes stay short and always end. */
	while (slots < 2 * keys) {
		slots *= 2;
		bits++;
	}
	merged = malloc(b->max_rows * sizeof(*merged));
	ix->slots = calloc(slots, sizeof(*ix->slots));
	if (!merged || !ix->slots)
		goto out;
	ix->mask = (uint32_t)(slots - 1);
	ix->shift = 32 - bits;
	ix->n_keys = keys;

	for (i = 0; i < n_sg; i = j) {
		uint32_t key = sg[i].lo;
		struct portindex_match rg;
		size_t n = 0, a, r = 0;
		uint32_t h;
		long off;

		/* The range rows over this port, found before the slot exists. */
		rg = find_key(ix, key);
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
			if (n == b->max_rows) {
				rc = too_many(b, next, key, key);
				goto out;
			}
			merged[n++] = next;
		}
		off = push_rows(ix, merged, n);
		if (off < 0)
			goto out;
		h = key_hash(key, ix->shift) & ix->mask;
		while (ix->slots[h].key1)
			h = (h + 1) & ix->mask;
		ix->slots[h].key1 = key + 1;
		ix->slots[h].off = (uint32_t)off;
		ix->slots[h].n = (uint16_t)n;
	}
	rc = PORTINDEX_OK;
out:
	free(merged);
	return rc;
}

int portindex_build(struct portindex **out, const struct portindex_item *items,
		    size_t n, size_t n_rows, unsigned max_rows,
		    struct portindex_full *full)
{
	struct builder b;
	struct span *sg = NULL, *rg = NULL;
	size_t n_sg = 0, n_rg = 0, i;
	int rc = PORTINDEX_NOMEM;

	*out = NULL;
	b.ix = calloc(1, sizeof(*b.ix));
	b.n_rows = n_rows;
	b.max_rows = max_rows;
	b.full = full;
	sg = malloc((n ? n : 1) * sizeof(*sg));
	rg = malloc((n ? n : 1) * sizeof(*rg));
	if (!b.ix || !sg || !rg)
		goto out;
	for (i = 0; i < n; i++) {
		struct span s = {
			make_key(items[i].proto, items[i].lo),
			make_key(items[i].proto, items[i].hi),
			items[i].row
		};

		if (s.lo == s.hi)
			sg[n_sg++] = s;
		else
			rg[n_rg++] = s;
	}
	/* Ranges first: the single ports merge the segments' rows in. */
	rc = build_segments(&b, rg, n_rg);
	if (rc == PORTINDEX_OK)
		rc = build_singles(&b, sg, n_sg);
out:
	free(sg);
	free(rg);
	if (rc != PORTINDEX_OK) {
		portindex_free(b.ix);
		return rc;
	}
	*out = b.ix;
	return PORTINDEX_OK;
}

void portindex_stats(const struct portindex *ix, struct portindex_stats *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	if (!ix)
		return;
	st->slots = ix->slots ? (size_t)ix->mask + 1 : 0;
	st->keys = ix->n_keys;
	st->segments = ix->n_segs;
	/* A key's probes run from its home slot to where it sits. */
	for (i = 0; i < st->slots; i++) {
		uint32_t home;
		unsigned probes;

		if (!ix->slots[i].key1)
			continue;
		home = key_hash(ix->slots[i].key1 - 1, ix->shift) & ix->mask;
		probes = (unsigned)((i - home) & ix->mask) + 1;
		if (probes > st->max_probes)
			st->max_probes = probes;
	}
}
