/*
 * portindex.h: row numbers by (IP protocol, port), built once, then frozen.
 *
 * The index is built in one call from items (one port, or one range of
 * ports, of one row under one IP protocol) and never changes after, so any
 * number of readers may share it. Single ports sit in an open-addressing
 * table (a power of two slots, at most half full, linear probing), ranges
 * in sorted disjoint segments found by binary search. A single port that
 * ranges cover carries their rows too, so one probe answers it. Each key's
 * rows come in ascending order, each row once. Lookups allocate nothing.
 */
#ifndef IMPWATCH_PORTINDEX_H
#define IMPWATCH_PORTINDEX_H

#include <stddef.h>
#include <stdint.h>

struct portindex;

/* One port (lo == hi) or range of one row under one IP protocol. */
struct portindex_item {
	uint8_t proto;
	uint16_t lo, hi;      /* inclusive, lo <= hi */
	uint16_t row;         /* below the n_rows given to the build */
};

/* The rows of one key, owned by the index. */
struct portindex_match {
	const uint16_t *rows;
	uint16_t n;
};

/* Where a build found more than max_rows rows on one key: the first row
   past the limit, and the ports (lo == hi for one port) that share them. */
struct portindex_full {
	uint16_t row;
	uint8_t proto;
	uint16_t lo, hi;
};

enum {
	PORTINDEX_OK = 0,
	PORTINDEX_NOMEM = -1,
	PORTINDEX_FULL = -2   /* *full says where */
};

/*
 * Build the index of n items (rows numbered below n_rows) into *out. At
 * most max_rows (1 to 65535) rows may answer one key. PORTINDEX_OK, or
 * PORTINDEX_NOMEM, or PORTINDEX_FULL with *full filled; *out is NULL on
 * failure.
 */
int portindex_build(struct portindex **out, const struct portindex_item *items,
		    size_t n, size_t n_rows, unsigned max_rows,
		    struct portindex_full *full);

void portindex_free(struct portindex *ix);

/* The rows documenting port under proto, empty when none (or ix NULL). */
struct portindex_match portindex_find(const struct portindex *ix,
				      uint8_t proto, uint16_t port);

/* The table's shape, for tests: work counted, never timed. */
struct portindex_stats {
	size_t slots;         /* table size, a power of two (0: no single port) */
	size_t keys;          /* single ports in it */
	size_t segments;      /* disjoint segments of ranges */
	unsigned max_probes;  /* slots the longest successful lookup reads */
};

void portindex_stats(const struct portindex *ix, struct portindex_stats *st);

#endif
