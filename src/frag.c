/*
 * frag.c: the bounded fragment table (see frag.h).
 *
 * Slots are one preallocated array. Each live slot is on a hash chain
 * (singly linked through hnext) and on the use list (doubly linked, least
 * recently used first). Free slots are chained through hnext too. Links
 * are slot index + 1 so that 0 can end a list in calloc'd memory.
 */
#include "frag.h"

#include <stdlib.h>
#include <string.h>

#include "siphash.h"

_Static_assert(sizeof(struct frag_key) == 40,
	       "frag_key is hashed as five 64-bit words, with no padding");

struct frag_entry {
	struct frag_key key;
	struct frag_flow flow;   /* valid when have_flow */
	uint64_t last_us;        /* packet time of the last fragment */
	uint64_t held_bytes;     /* wire bytes of fragments held */
	uint64_t held_ip_bytes;  /* and their IP packets' bytes */
	uint32_t held_pkts;
	uint32_t got;            /* data bytes seen, as the headers claim */
	uint32_t total;          /* datagram data length; 0 until the last
	                            fragment (MF clear) is seen */
	uint32_t first_len;      /* the first fragment's data bytes */
	uint32_t low_held;       /* lowest offset of the fragments held
	                            (0: none) */
	uint32_t hnext;          /* hash chain, or free list */
	uint32_t lprev, lnext;   /* use list */
	uint8_t have_flow;       /* the first fragment has been seen */
	uint8_t overlapped;      /* counted in overlaps */
};

struct frag_table {
	struct frag_entry *slots;
	uint32_t *buckets;       /* slot + 1 of the chain head, 0 empty */
	uint32_t mask;           /* bucket count - 1 (a power of two) */
	uint32_t max;
	uint32_t fresh;          /* slots never used yet: [fresh, max) */
	uint32_t free_head;      /* slot + 1 of the first freed slot */
	uint32_t lru_head, lru_tail;
	uint64_t timeout_us;
	struct sipkey key;       /* from the run's seed */
	struct frag_stats st;
};

/* The key as SipHash's five words; the words are read in host order, as
   the flow table reads its keys (the value only lives within a run). */
static uint64_t key_hash(const struct frag_key *k, const struct sipkey *sk)
{
	uint64_t w[5];

	memcpy(w, k, sizeof w);
	return siphash13_words(sk, w, 5);
}

uint64_t frag_hash(const struct frag_key *k, uint64_t seed)
{
	struct sipkey sk;

	sipkey_from_seed(&sk, seed);
	return key_hash(k, &sk);
}

struct frag_table *frag_table_new(uint32_t max_entries, uint64_t timeout_us,
				  uint64_t seed)
{
	struct frag_table *t;
	uint32_t nb = 1;

	if (max_entries == 0 || max_entries > FRAG_MAX_ENTRIES)
		return NULL;
	/* At most half full, so chains stay short. */
	while (nb < max_entries * 2u)
		nb <<= 1;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->slots = calloc(max_entries, sizeof *t->slots);
	t->buckets = calloc(nb, sizeof *t->buckets);
	if (!t->slots || !t->buckets) {
		frag_table_free(t);
		return NULL;
	}
	t->mask = nb - 1;
	t->max = max_entries;
	t->timeout_us = timeout_us;
	sipkey_from_seed(&t->key, seed);
	return t;
}

void frag_table_free(struct frag_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->buckets);
	free(t);
}

const struct frag_stats *frag_table_stats(const struct frag_table *t)
{
	return &t->st;
}

/* Slot + 1 of key k (hash h), or 0. Each entry looked at is a probe. */
static uint32_t find(struct frag_table *t, const struct frag_key *k,
		     uint64_t h)
{
	uint32_t i = t->buckets[h & t->mask];

	while (i) {
		const struct frag_entry *e = &t->slots[i - 1];

		t->st.probes++;
		if (memcmp(&e->key, k, sizeof *k) == 0)
			return i;
		i = e->hnext;
	}
	return 0;
}

static void lru_unlink(struct frag_table *t, uint32_t i)
{
	struct frag_entry *e = &t->slots[i - 1];

	if (e->lprev)
		t->slots[e->lprev - 1].lnext = e->lnext;
	else
		t->lru_head = e->lnext;
	if (e->lnext)
		t->slots[e->lnext - 1].lprev = e->lprev;
	else
		t->lru_tail = e->lprev;
	e->lprev = e->lnext = 0;
}

static void lru_append(struct frag_table *t, uint32_t i)
{
	struct frag_entry *e = &t->slots[i - 1];

	e->lprev = t->lru_tail;
	e->lnext = 0;
	if (t->lru_tail)
		t->slots[t->lru_tail - 1].lnext = i;
	else
		t->lru_head = i;
	t->lru_tail = i;
}

/* Take slot i off its chain and the use list and free it. Its held
   fragments, if any, never met their first fragment: orphans (for want
   of room when it is evicted). */
static void drop(struct frag_table *t, uint32_t i, bool evicted)
{
	struct frag_entry *e = &t->slots[i - 1];
	uint32_t *link = &t->buckets[key_hash(&e->key, &t->key) & t->mask];

	while (*link != i) {
		t->st.probes++;
		link = &t->slots[*link - 1].hnext;
	}
	*link = e->hnext;
	lru_unlink(t, i);
	t->st.orphans += e->held_pkts;
	if (evicted)
		t->st.evicted_orphans += e->held_pkts;
	t->st.live--;
	e->hnext = t->free_head;
	t->free_head = i;
}

/* A zeroed entry for key k (hash h), evicting the least recently used
   entry when every slot is taken. */
static uint32_t alloc(struct frag_table *t, const struct frag_key *k,
		      uint64_t h)
{
	struct frag_entry *e;
	uint32_t i;

	if (t->free_head == 0 && t->fresh == t->max) {
		t->st.evictions++;
		drop(t, t->lru_head, true);
	}
	if (t->free_head) {
		i = t->free_head;
		t->free_head = t->slots[i - 1].hnext;
	} else {
		i = ++t->fresh;
	}
	e = &t->slots[i - 1];
	memset(e, 0, sizeof *e);
	e->key = *k;
	e->hnext = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = i;
	lru_append(t, i);
	t->st.live++;
	return i;
}

/* The entry of k, created when new, moved to the end of the use list. */
static uint32_t lookup(struct frag_table *t, const struct frag_key *k,
		       uint64_t now_us)
{
	uint64_t h = key_hash(k, &t->key);
	uint32_t i = find(t, k, h);

	if (i) {
		lru_unlink(t, i);
		lru_append(t, i);
	} else {
		i = alloc(t, k, h);
	}
	t->slots[i - 1].last_us = now_us;
	return i;
}

/* Count len more data bytes; saturates, as duplicates may overlap. */
static void add_got(struct frag_entry *e, uint32_t len)
{
	e->got = len > UINT32_MAX - e->got ? UINT32_MAX : e->got + len;
}

/* A datagram whose bytes have all been seen needs its entry no more. */
static void maybe_done(struct frag_table *t, uint32_t i)
{
	const struct frag_entry *e = &t->slots[i - 1];

	if (e->have_flow && e->total && e->got >= e->total)
		drop(t, i, false);
}

bool frag_later(struct frag_table *t, const struct frag_key *k,
		uint64_t now_us, uint32_t off, uint32_t len, bool more,
		uint32_t wire_len, uint32_t ip_len, struct frag_flow *out)
{
	uint32_t i = lookup(t, k, now_us);
	struct frag_entry *e = &t->slots[i - 1];

	add_got(e, len);
	if (!more)
		e->total = len > UINT32_MAX - off ? UINT32_MAX : off + len;
	if (e->have_flow) {
		/* Inside the first fragment's bytes: not what was judged. */
		if (off < e->first_len && !e->overlapped) {
			e->overlapped = 1;
			t->st.overlaps++;
		}
		*out = e->flow;
		maybe_done(t, i);
		return true;
	}
	if (!e->low_held || off < e->low_held)
		e->low_held = off;
	e->held_pkts++;
	e->held_bytes += wire_len;
	e->held_ip_bytes += ip_len;
	return false;
}

void frag_first(struct frag_table *t, const struct frag_key *k,
		uint64_t now_us, uint32_t len, const struct frag_flow *f,
		uint32_t *held_pkts, uint64_t *held_bytes,
		uint64_t *held_ip_bytes)
{
	uint32_t i = lookup(t, k, now_us);
	struct frag_entry *e = &t->slots[i - 1];

	/* Fragments held that begin inside this one's bytes overlap it; a
	   first fragment again (a SPAN copy) is decoded as itself. */
	if (e->low_held && e->low_held < len && !e->overlapped) {
		e->overlapped = 1;
		t->st.overlaps++;
	}
	e->low_held = 0;
	if (len > e->first_len)
		e->first_len = len;
	e->flow = *f;
	e->have_flow = 1;
	*held_pkts += e->held_pkts;
	*held_bytes += e->held_bytes;
	*held_ip_bytes += e->held_ip_bytes;
	e->held_pkts = 0;
	e->held_bytes = 0;
	e->held_ip_bytes = 0;
	add_got(e, len);
	maybe_done(t, i);
}

void frag_expire(struct frag_table *t, uint64_t now_us)
{
	while (t->lru_head) {
		const struct frag_entry *e = &t->slots[t->lru_head - 1];

		/* The list is in order of use, so the first entry still fresh
		   ends the walk: each call costs O(1) plus what it frees. An
		   entry stamped more than the timeout after now (one packet
		   stamped years ahead) is no fresher than one that old: left
		   at the head, it would hold every entry behind it. */
		if (now_us != UINT64_MAX &&
		    (now_us >= e->last_us ? now_us - e->last_us : e->last_us - now_us) <=
		    t->timeout_us)
			break;
		drop(t, t->lru_head, false);
	}
}
