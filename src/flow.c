/*
 * flow.c: the flow table (the contract is in flow.h).
 *
 * Storage. Two arrays are allocated once, by flow_table_new(), and never
 * grow or shrink:
 *
 *   slots[max_flows]    the flows. A slot is handed out from a high-water
 *                       mark while one is left, then from a free list
 *                       threaded through flow.hnext.
 *   buckets[nbuckets]   the head of each hash chain. nbuckets is the power
 *                       of two at or above max_flows, so the load factor is
 *                       at most 1 and a chain averages under two flows.
 *
 * Every link (hash chain, free list, timeout list) is a 32-bit slot index
 * plus one, 0 meaning none: half the size of a pointer, which keeps a flow
 * and its share of the buckets well under 256 bytes.
 *
 * A slot is 192 bytes, three whole cache lines where the array starts
 * on a line (a table of 2 MiB or more starts on a huge page). The fields
 * a packet touches come first (flow.h), 128 bytes on two lines, and
 * only those are prefetched for a lookup: with a 1 MiB
 * last-level cache, cachegrind counted 22% fewer misses on a 400 MB
 * mixed capture (4.74M to 3.71M) than with those fields spread over a
 * slot of 184 bytes, and slots of 192 on line boundaries cut them to
 * 2.69M. The 8 bytes that took a slot to 192 hold the flow's catalogue
 * rows, which its end would otherwise look up again. A field every
 * packet reads belongs in the first two lines: the first flags and the
 * carrier bits, read on the third line by each packet of a decided flow,
 * cost one miss a packet that no prefetch asked for (cachegrind: 1.0M
 * of the 11.2M first-level read misses on a 300 MB mixed capture).
 *
 * Both arrays are zero pages mapped (table_alloc(), on 2 MiB boundaries
 * when large) that stay unmapped until written. Nothing here walks the
 * slot array (the high-water mark and the lists stand in for a scan), so
 * a small capture with the default million slots only makes resident the
 * pages (huge ones, where the kernel grants them) of the slots it used
 * and of the buckets its hashes landed in.
 *
 * Timeout lists. Every live flow is on exactly one of four doubly linked
 * lists, one per timeout: open TCP, closed TCP (FIN both ways, or RST),
 * UDP, and the rest. Each packet moves its flow to the tail of its list, so
 * a list is in last-packet order and its head is its least recently seen
 * flow. Expiry, eviction and flush only ever look at the four heads, which
 * makes each O(1) per flow ended.
 *
 * Invariants:
 *  - A live slot is on one hash chain and one timeout list; a free slot is
 *    on the free list only. stats.active counts live slots.
 *  - last_us never decreases and first_us <= last_us.
 *  - Lists are ordered by last_us except when packet time runs backwards
 *    (merged captures): then a touched flow's last_us stays at its own
 *    maximum, which may sit below its list neighbours'. Expiry stops at the
 *    first head that is not due, so a flow behind it can end late by at most
 *    the backward step; it is never ended early and never lost. The
 *    pipeline's clock (pclock.h) keeps that step under --time-jump: a
 *    larger one, once believed, ends every live flow first.
 *
 * Nothing on the per-packet path allocates: flow_lookup() hashes the key
 * once, walks one chain, and relinks a constant number of slots.
 */
#include "flow.h"
#include "options.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

#include "connstate.h"
#include "siphash.h"

#define FLOW_LINE 64   /* bytes of a cache line (x86-64, ARMv8 cores) */

/* Keys are hashed and compared as 40 raw bytes; padding would make that
   depend on garbage. */
_Static_assert(sizeof(struct flow_key) == 40, "flow_key must be 40 bytes, no padding");
/* A flow is read on every packet; its size is in the memory budget.
   136 bytes until the IP byte counts and DSCPs (issue 16) made it 160;
   176 with its id, every VLAN tag, the SGT and the ERSPAN session, which
   records carry (issue 16); 184 with the findings that apply and the
   TLS-only check's state (issue 18); 192, whole cache lines, with the
   rows classification found (FLOW_ROWS). */
_Static_assert(sizeof(struct flow) == 192, "struct flow grew");
_Static_assert(sizeof(struct flow) % FLOW_LINE == 0,
	       "a slot is whole cache lines");
/* What a packet touches is two whole lines in a table of huge pages
   (slots start on a line) and spans at most three wherever else a slot
   starts. */
_Static_assert(FLOW_HOT_BYTES <= 2 * FLOW_LINE,
	       "a packet's part of struct flow grew");
/* Read by each packet outside this file (worker.c's flow_later(), dpi.c),
   so on the lines prefetched. */
_Static_assert(offsetof(struct flow, first_flags) < FLOW_HOT_BYTES &&
	       offsetof(struct flow, carrier) < FLOW_HOT_BYTES &&
	       offsetof(struct flow, tls) < FLOW_HOT_BYTES &&
	       offsetof(struct flow, dpi_pkts) + 2 <= FLOW_HOT_BYTES,
	       "a field each packet reads left the prefetched lines");
/* flow.findings holds bit v for each finding v (a trusted tunnel's
   carrier, the last verdict, is none). */
#define FINDING_BIT_FITS(id, name, key, finding, show, title, pass, rank) \
	&& (!(finding) || (id) < 8)
_Static_assert(1 VERDICTS(FINDING_BIT_FITS), "flow.findings holds a bit per finding");
#undef FINDING_BIT_FITS

/* Timeout lists; flow.list holds one of these while the flow is live. */
enum {
	L_TCP = 0,    /* TCP, not closed: timeout_tcp */
	L_TCP_DONE,   /* TCP after FIN both ways or a RST: timeout_tcp_done */
	L_UDP,        /* timeout_udp */
	L_OTHER,      /* ICMP, ICMPv6 and every other protocol: timeout_other */
	L_COUNT
};

struct flow_list {
	uint32_t head, tail;   /* slot index + 1; head is least recently seen */
	uint64_t timeout_us;
};

struct flow_table {
	struct flow *slots;
	uint32_t *buckets;
	size_t mask;           /* nbuckets - 1 */
	uint32_t max_flows;
	uint32_t hwm;          /* slots[0, hwm) have been handed out */
	uint32_t free_head;    /* free list through hnext, index + 1 */
	struct sipkey key;     /* the hash's key, from the run's seed */
	struct flow_list lists[L_COUNT];
	/* No flow is idle past its timeout at a time up to this one:
	   flow_expire() returns at once until packet time passes it. Lowered
	   when a flow joins an empty list; heads otherwise only get younger,
	   so it stays a lower bound; flow_expire() sets it anew. */
	uint64_t expire_after;
	flow_end_fn on_end;
	void *ctx;
	struct flow_stats stats;
	uint64_t next_id, id_step;   /* flow ids: flow_table_set_ids() */
};

/* ---- hashing ---------------------------------------------------------- */

/*
 * Keys are hashed with SipHash-1-3 keyed per run (siphash.h says why not
 * a cheaper multiply/xor-shift mix: Murmur-style mixes have collisions
 * that hold for every seed, so a sender could aim its traffic at one
 * chain). The 40 key bytes go in as five words, or an IPv4 key as two
 * (compact_v4). The words are read in host order with memcpy: the value
 * is only used within one run, so it need not be the same on big-endian
 * hosts.
 */
/* The 12 bytes that open an IPv4-mapped IPv6 address (RFC 4291 2.5.5.2),
   as decode.h stores every IPv4 address. */
static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/*
 * An IPv4 key in 16 bytes: both addresses (4 bytes each), both ports,
 * the protocol and the family. True, with the two words in m[], when k
 * is exactly what make_key() builds for IPv4 (both addresses mapped, pad
 * zero); any other key is hashed whole. The message lengths differ (16
 * and 40 bytes, in SipHash's final block), so no compact key and whole
 * key hash as the same input: the encoding stays one-to-one.
 */
static inline bool compact_v4(const struct flow_key *k, uint64_t m[2])
{
	uint32_t a, b;

	if (k->family != 4 || k->pad[0] || k->pad[1] ||
	    memcmp(k->a.b, v4_prefix, 12) != 0 || memcmp(k->b.b, v4_prefix, 12) != 0)
		return false;
	memcpy(&a, k->a.b + 12, 4);
	memcpy(&b, k->b.b + 12, 4);
	m[0] = (uint64_t)a | (uint64_t)b << 32;
	/* The key's last word as make_key() stored it (key_tail(): ports,
	   protocol, family, zero pad), read back whole. */
	memcpy(&m[1], (const char *)k + offsetof(struct flow_key, pa),
	       sizeof m[1]);
	return true;
}

/* Inline, as make_key() is: in flow_prep_key() the compiler takes the
   key's last word from the register make_key() stored it from, not
   back from memory, and decides compact_v4() on it. */
static inline __attribute__((always_inline)) uint64_t
key_hash(const struct flow_key *k, const struct sipkey *sk)
{
	uint64_t w[5];

	/* Most traffic: two words instead of five. */
	if (compact_v4(k, w))
		return siphash13_words(sk, w, 2);
	memcpy(w, k, sizeof w);
	return siphash13_words(sk, w, 5);
}

uint64_t flow_hash(const struct flow_key *k, uint64_t seed)
{
	struct sipkey sk;

	sipkey_from_seed(&sk, seed);
	return key_hash(k, &sk);
}

/* ---- slots and links -------------------------------------------------- */

/* flow.hash keeps the bits of the key's hash that pick its bucket, below
   this one: the bucket mask is under 2^31 (FLOW_MAX_FLOWS). This bit is
   set while the flow is first on its hash chain (hash_unlink()). */
#define HASH_FIRST 0x80000000u
_Static_assert(FLOW_MAX_FLOWS <= HASH_FIRST,
	       "a bucket index can have HASH_FIRST's bit");

static inline struct flow *slot(struct flow_table *t, uint32_t i1)
{
	return &t->slots[i1 - 1];
}

static inline uint32_t slot_id(const struct flow_table *t, const struct flow *f)
{
	return (uint32_t)(f - t->slots) + 1;
}

/* The report of an ending flow reads all of the flow, three cache lines
   (four in a small table, whose array need not start on a line): ask
   for each. */
static inline void prefetch_flow(const struct flow *f)
{
	const char *b = (const char *)f;

	__builtin_prefetch(b, 1);
	__builtin_prefetch(b + FLOW_LINE, 1);
	__builtin_prefetch(b + 2 * FLOW_LINE, 1);
	__builtin_prefetch(b + sizeof(struct flow) - 1, 1);
}

/* A packet reads and writes the flow's first FLOW_HOT_BYTES (flow.h):
   two lines (three in a small table). Asking for the rest would take
   room among the misses the CPU can have on their way at once, which
   the other packets of the batch need. */
static inline void prefetch_flow_hot(const struct flow *f)
{
	const char *b = (const char *)f;

	__builtin_prefetch(b, 1);
	__builtin_prefetch(b + FLOW_LINE, 1);
	__builtin_prefetch(b + FLOW_HOT_BYTES - 1, 1);
}

/* The packet time after which f, on list f->list, is idle past its
   timeout (idle_past() holds for any later time); saturates. */
static inline uint64_t due_at(const struct flow_table *t, const struct flow *f)
{
	uint64_t to = t->lists[f->list].timeout_us;

	return f->last_us > UINT64_MAX - to ? UINT64_MAX : f->last_us + to;
}

/* Take f off its timeout list. Inline: a lookup of a known flow
   moves it to its list's tail, and the call cost more than the move. */
static inline __attribute__((always_inline)) void
list_unlink(struct flow_table *t, struct flow *f)
{
	struct flow_list *l = &t->lists[f->list];

	if (f->lprev)
		slot(t, f->lprev)->lnext = f->lnext;
	else
		l->head = f->lnext;
	if (f->lnext)
		slot(t, f->lnext)->lprev = f->lprev;
	else
		l->tail = f->lprev;
	f->lprev = f->lnext = 0;
}

/* Put f, on no list, at the tail of list li. */
static void list_append(struct flow_table *t, struct flow *f, uint8_t li)
{
	struct flow_list *l = &t->lists[li];
	uint32_t id = slot_id(t, f);

	f->list = li;
	f->lprev = l->tail;
	f->lnext = 0;
	if (l->tail) {
		slot(t, l->tail)->lnext = id;
	} else {
		l->head = id;
		if (due_at(t, f) < t->expire_after)
			t->expire_after = due_at(t, f);
	}
	l->tail = id;
}

/* Take f off its hash chain. The chain is found from the hash kept in
   the flow (in what was padding): no second hash per flow ended. A flow
   first on its chain (most: a chain averages under two flows) says so
   (HASH_FIRST), and its bucket is then only written, not read: a flow
   that idles out is seldom the one a packet just looked up, and waiting
   for its bucket's cache line was 2% of a run's time (cpu-clock samples,
   300 MB mixed capture, `--threads 1 --no-dpi`), a prefetch
   notwithstanding. */
static void hash_unlink(struct flow_table *t, struct flow *f)
{
	uint32_t *pp = &t->buckets[f->hash & t->mask];
	uint32_t id = slot_id(t, f);

	if (f->hash & HASH_FIRST) {
		*pp = f->hnext;
		if (f->hnext)
			slot(t, f->hnext)->hash |= HASH_FIRST;
		f->hnext = 0;
		return;
	}
	/* A live flow is always on its chain; the test on *pp only keeps a
	   broken invariant from walking off the end. */
	while (*pp && *pp != id)
		pp = &slot(t, *pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	f->hnext = 0;
}

/* ---- ending flows ----------------------------------------------------- */

static inline bool tcp_closed(const struct flow *f)
{
	return (f->tcp & FT_RST) ||
	       (f->tcp & (FT_FIN_A | FT_FIN_B)) == (FT_FIN_A | FT_FIN_B);
}

/* Why a flow leaving list `list` by timeout ends: a closed TCP flow ends
   for the reason it closed (a RST wins over FINs), the others by idling. */
static enum end_reason timeout_reason(const struct flow *f)
{
	if (f->list != L_TCP_DONE)
		return END_IDLE;
	return (f->tcp & FT_RST) ? END_RST : END_FIN;
}

/* True when f has been idle for longer than its list's timeout at now_us.
   A now_us before last_us (time stepped back) is never idle: no
   underflow. */
static inline bool idle_past(const struct flow_table *t, const struct flow *f,
			     uint64_t now_us)
{
	return now_us > f->last_us &&
	       now_us - f->last_us > t->lists[f->list].timeout_us;
}

/* Ending flows one after another down a list (expiry, flush), each one's
   bucket and the flow after it are cold. When f is about to end, ask for
   its successor's bucket and for the flow after that: by their turn they
   are on their way. A hint only. */
static inline void prefetch_after(struct flow_table *t, const struct flow *f)
{
	const struct flow *n;

	if (!f->lnext)
		return;
	n = slot(t, f->lnext);
	__builtin_prefetch(&t->buckets[n->hash & t->mask], 1);
	if (n->lnext)
		prefetch_flow(slot(t, n->lnext));
}

/* Report f, already off its hash chain, with `reason`, and give its slot
   to the free list. The callback runs after the unlink so that it sees a
   consistent table and before the slot can be reused. */
static void retire(struct flow_table *t, struct flow *f, enum end_reason reason)
{
	list_unlink(t, f);
	f->end_reason = (uint8_t)reason;
	t->stats.ended[reason]++;
	t->stats.active--;
	if (t->on_end)
		t->on_end(t->ctx, f);
	f->hnext = t->free_head;
	t->free_head = slot_id(t, f);
}

/* Unlink f from its hash chain and retire it. */
static void end_flow(struct flow_table *t, struct flow *f, enum end_reason reason)
{
	hash_unlink(t, f);
	retire(t, f, reason);
}

/* The least recently seen live flow: the oldest of the list heads (ties go
   to the lower list, so runs are repeatable). With due_only, only heads
   idle past their timeout at now_us count. NULL when there is none. */
static struct flow *oldest_head(struct flow_table *t, bool due_only,
				uint64_t now_us)
{
	struct flow *best = NULL;
	int li;

	for (li = 0; li < L_COUNT; li++) {
		struct flow *f;

		if (!t->lists[li].head)
			continue;
		f = slot(t, t->lists[li].head);
		if (due_only && !idle_past(t, f, now_us))
			continue;
		if (!best || f->last_us < best->last_us)
			best = f;
	}
	return best;
}

/* A zeroed slot for a new flow at packet time now_us. When the table is
   full the least recently seen flow makes room: with its own timeout
   reason if it was already due (the next flow_expire() would have ended it
   so), otherwise as END_EVICTED. */
static struct flow *take_slot(struct flow_table *t, uint64_t now_us)
{
	struct flow *f;

	if (!t->free_head && t->hwm < t->max_flows) {
		f = &t->slots[t->hwm++];
	} else {
		if (!t->free_head) {
			/* Full: every slot is live, so a head exists. */
			struct flow *victim = oldest_head(t, false, 0);

			end_flow(t, victim, idle_past(t, victim, now_us) ?
				 timeout_reason(victim) : END_EVICTED);
		}
		f = slot(t, t->free_head);
		t->free_head = f->hnext;
	}
	memset(f, 0, sizeof *f);
	return f;
}

/* ---- per packet ------------------------------------------------------- */

/* Fill the canonical key of p into *k (zeroed first, so padding is zero)
   and return true when p travels from side B to side A. */
/* memcmp() order of two addresses: -1, 0 or 1. Two big-endian 8-byte
   words compare as the 16 bytes do, without a call. */
static inline int addr_cmp(const struct ip_addr *x, const struct ip_addr *y)
{
	uint64_t a, b;

	memcpy(&a, x->b, 8);
	memcpy(&b, y->b, 8);
	if (a == b) {
		memcpy(&a, x->b + 8, 8);
		memcpy(&b, y->b + 8, 8);
	}
	if (a == b)
		return 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	a = __builtin_bswap64(a);
	b = __builtin_bswap64(b);
#endif
	return a < b ? -1 : 1;
}

/* The key's last 8 bytes (ports, protocol, family, zero padding) as one
   word, stored at once: a key is read back as 8-byte words (key_equal(),
   key_hash()), and a load that spans several smaller stores still on
   their way cannot take its bytes from them; it waits until they are
   written (a worker builds each key just before it looks it up). */
static uint64_t key_tail(uint16_t pa, uint16_t pb, uint8_t proto,
			 uint8_t family)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint64_t)pa | (uint64_t)pb << 16 | (uint64_t)proto << 32 |
	       (uint64_t)family << 40;
#else
	return (uint64_t)pa << 48 | (uint64_t)pb << 32 |
	       (uint64_t)proto << 24 | (uint64_t)family << 16;
#endif
}

_Static_assert(offsetof(struct flow_key, pa) == 32 &&
	       offsetof(struct flow_key, pb) == 34 &&
	       offsetof(struct flow_key, proto) == 36 &&
	       offsetof(struct flow_key, family) == 37,
	       "key_tail() writes the key's last word as laid out");

static inline __attribute__((always_inline)) bool
make_key(const struct packet *p, struct flow_key *k)
{
	int c = addr_cmp(&p->src, &p->dst);
	bool rev = c > 0 || (c == 0 && p->sport > p->dport);
	uint64_t tail;

	if (rev) {
		k->a = p->dst;
		k->b = p->src;
		tail = key_tail(p->dport, p->sport, p->proto, p->family);
	} else {
		k->a = p->src;
		k->b = p->dst;
		tail = key_tail(p->sport, p->dport, p->proto, p->family);
	}
	memcpy((char *)k + offsetof(struct flow_key, pa), &tail, sizeof tail);
	return rev;
}

/* Keys are equal: five 8-byte words compared without a branch each (a
   call to memcmp costs more than the compare). */
static inline bool key_equal(const struct flow_key *x, const struct flow_key *y)
{
	uint64_t a[5], b[5];

	memcpy(a, x, sizeof a);
	memcpy(b, y, sizeof b);
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) |
		(a[4] ^ b[4])) == 0;
}

static struct flow *chain_find(struct flow_table *t, uint32_t id,
			       const struct flow_key *k)
{
	while (id) {
		struct flow *f = slot(t, id);

		if (key_equal(&f->key, k))
			return f;
		id = f->hnext;
	}
	return NULL;
}

/* The list a flow belongs on after its latest packet. */
static uint8_t list_for(const struct flow *f)
{
	switch (f->key.proto) {
	case IPPROTO_NUM_TCP:
		return tcp_closed(f) ? L_TCP_DONE : L_TCP;
	case IPPROTO_NUM_UDP:
		return L_UDP;
	default:
		return L_OTHER;
	}
}

/* Record the TCP flags of packet p from side `dir` (0 A, 1 B), the
   flow's first when fresh. Each B bit is its A bit shifted left by one
   (flow.h). */
static void tcp_update(struct flow *f, const struct packet *p, unsigned dir,
		       bool fresh)
{
	uint8_t flags = p->tcp_flags;

	/* A later fragment has no TCP header: no flags, not a segment of
	   its own for Zeek's state machine (Zeek reassembles first). */
	if (p->l4_off != 0 || !p->fragment)
		connstate_tcp(f, dir, flags, p->payload_len != 0, fresh);
	if (flags & TCPF_SYN)
		f->tcp |= (uint8_t)(((flags & TCPF_ACK) ? FT_SYNACK_A : FT_SYN_A) << dir);
	if (flags & TCPF_FIN)
		f->tcp |= (uint8_t)(FT_FIN_A << dir);
	if (flags & TCPF_RST)
		f->tcp |= FT_RST;
}

void flow_prep_key(const struct flow_table *t, const struct packet *p,
		   struct flow_prep *prep)
{
	prep->rev = make_key(p, &prep->key);
	prep->hash = key_hash(&prep->key, &t->key);
}

void flow_prepare(struct flow_table *t, const struct packet *p,
		  struct flow_prep *prep)
{
	flow_prep_key(t, p, prep);
	__builtin_prefetch(&t->buckets[prep->hash & t->mask]);
}

void flow_prep_hashed(const struct packet *p, uint64_t hash,
		      struct flow_prep *prep)
{
	prep->rev = make_key(p, &prep->key);
	prep->hash = hash;
}

void flow_prefetch_bucket(const struct flow_table *t, uint64_t hash)
{
	__builtin_prefetch(&t->buckets[hash & t->mask]);
}

void flow_prefetch(struct flow_table *t, uint64_t hash)
{
	uint32_t id = t->buckets[hash & t->mask];

	if (id)
		prefetch_flow_hot(slot(t, id));
}

void flow_prefetch_links(struct flow_table *t, uint64_t hash)
{
	uint32_t id = t->buckets[hash & t->mask];
	const struct flow *f;

	if (!id)
		return;
	f = slot(t, id);
	/* Moving f to the tail of its list writes both neighbours. */
	if (f->lprev)
		__builtin_prefetch(&slot(t, f->lprev)->lnext, 1);
	if (f->lnext)
		__builtin_prefetch(&slot(t, f->lnext)->lprev, 1);
}

/* What a new flow keeps of its first packet's encapsulation: the SGT,
   the outermost ERSPAN II/III session and whether its link was a
   loopback. */
static void first_marks(struct flow *f, const struct packet *p)
{
	uint8_t i;

	if (p->loop_link)
		f->first_flags |= FF_LOOP_LINK;
	if (p->has_sgt) {
		f->first_flags |= FF_SGT;
		f->sgt = p->sgt;
	}
	for (i = 0; i < p->ntun; i++) {
		const struct tun_layer *l = &p->tun[i];

		if (l->has_id && (l->kind == TUN_ERSPAN2 || l->kind == TUN_ERSPAN3)) {
			f->first_flags |= FF_ERSPAN;
			f->erspan_id = (uint16_t)l->id;
			break;
		}
	}
}

struct flow *flow_lookup(struct flow_table *t, const struct packet *p,
			 bool *is_new, bool *from_b)
{
	struct flow_prep prep;

	flow_prepare(t, p, &prep);
	return flow_lookup_prepared(t, p, &prep, is_new, from_b);
}

struct flow *flow_lookup_prepared(struct flow_table *t, const struct packet *p,
				  const struct flow_prep *prep, bool *is_new,
				  bool *from_b)
{
	const struct flow_key *kp = &prep->key;
	bool rev = prep->rev;
	unsigned dir = rev ? 1 : 0;
	uint32_t *bucket = &t->buckets[prep->hash & t->mask];
	struct flow *f = chain_find(t, *bucket, kp);
	bool fresh = false;
	uint64_t n;
	uint8_t li, d;

	if (f) {
		bool bare_syn = kp->proto == IPPROTO_NUM_TCP &&
				(p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN;

		/* Finish the old conversation before starting the new one,
		   whether or not the caller has run flow_expire() lately. */
		if (idle_past(t, f, p->ts_us)) {
			end_flow(t, f, timeout_reason(f));
			f = NULL;
		} else if (bare_syn && tcp_closed(f)) {
			/* Port reuse: a fresh SYN after FIN/RST opens a new
			   connection on the same four-tuple. */
			end_flow(t, f, (f->tcp & FT_RST) ? END_RST : END_FIN);
			f = NULL;
		}
	}
	if (!f) {
		f = take_slot(t, p->ts_us);
		f->key = *kp;
		f->hash = (uint32_t)prep->hash & ~HASH_FIRST;
		f->first_us = f->last_us = p->ts_us;
		memcpy(f->vlans, p->vlans, sizeof(f->vlans));
		f->nvlans = p->nvlans;
		first_marks(f, p);
		f->id = t->next_id;
		t->next_id += t->id_step;
		f->tunnel = p->tunnel;
		f->first_from_b = (uint8_t)dir;
		if (kp->proto == IPPROTO_NUM_ICMP || kp->proto == IPPROTO_NUM_ICMPV6) {
			f->icmp_type = p->icmp_type;
			f->icmp_code = p->icmp_code;
		}
		/* The bucket head may have changed if take_slot() ended a flow
		   on the same chain, so it is read only now. The flow it
		   was is no longer first (flow_prefetch() asked for its
		   hot lines, hash among them). */
		f->hnext = *bucket;
		if (f->hnext)
			slot(t, f->hnext)->hash &= ~HASH_FIRST;
		f->hash |= HASH_FIRST;
		*bucket = slot_id(t, f);
		/* A fresh slot is on no list yet: list_touch below appends. */
		f->list = L_COUNT;
		t->stats.created++;
		if (++t->stats.active > t->stats.peak_active)
			t->stats.peak_active = t->stats.active;
		fresh = true;
	}

	/* The first packet each way sets its DSCP; any later one that
	   differs raises the flag (flow_dscp_changed()). */
	d = f->dscp[dir];
	if (f->pkts[dir] == 0)
		d = p->dscp & FLOW_DSCP_MASK;
	else if ((d ^ p->dscp) & FLOW_DSCP_MASK)
		d |= FLOW_DSCP_CHANGED;
	f->dscp[dir] = d;
	/* Packet counts saturate rather than wrap: a wrapped count would
	   report a long flow as nearly empty. */
	n = (uint64_t)f->pkts[dir] + 1 + p->held_pkts;
	f->pkts[dir] = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	f->bytes[dir] += (uint64_t)p->wire_len + p->held_bytes;
	f->ip_bytes[dir] += (uint64_t)p->ip_len + p->held_ip_bytes;
	if (p->ts_us > f->last_us)
		f->last_us = p->ts_us;
	if (kp->proto == IPPROTO_NUM_TCP)
		tcp_update(f, p, dir, fresh);

	/* Move to the tail of the (possibly new) list: O(1). */
	li = list_for(f);
	if (f->list != li || t->lists[li].tail != slot_id(t, f)) {
		if (f->list < L_COUNT)
			list_unlink(t, f);
		list_append(t, f, li);
	}

	if (is_new)
		*is_new = fresh;
	if (from_b)
		*from_b = rev;
	return f;
}

void flow_expire(struct flow_table *t, uint64_t now_us)
{
	struct flow *f;
	int li;

	/* Per packet this is usually all: nothing can be due yet. */
	if (now_us <= t->expire_after)
		return;
	while ((f = oldest_head(t, true, now_us)) != NULL) {
		prefetch_after(t, f);
		end_flow(t, f, timeout_reason(f));
	}
	t->expire_after = UINT64_MAX;
	for (li = 0; li < L_COUNT; li++) {
		if (t->lists[li].head) {
			uint64_t d = due_at(t, slot(t, t->lists[li].head));

			if (d < t->expire_after)
				t->expire_after = d;
		}
	}
}

void flow_flush(struct flow_table *t, enum end_reason reason)
{
	struct flow *f;

	/* An out-of-range reason would index past stats.ended. */
	if ((unsigned)reason >= END_COUNT)
		reason = END_SHUTDOWN;
	/* Every flow ends here, so a chain need not be walked to take one
	   flow off it: the flow's bucket is emptied, a store that does not
	   wait for the bucket's cache line as a walk's load would. The other
	   flows on that chain are then out of reach until they end too,
	   which is fine: nothing looks a flow up during a flush (the end
	   callback may not call into the table), and when the loop ends the
	   table is empty, every bucket 0. A TCP flow already closed by FIN
	   or RST, lingering for its last ACKs, ended for that reason, not
	   because the input stopped. */
	while ((f = oldest_head(t, false, 0)) != NULL) {
		/* Not prefetch_after(): no bucket is read here, and reading
		   the next flow's hash to find one (often on another cache
		   line than its links) cost 3% of a run, measured. The flow
		   after next is enough. */
		if (f->lnext) {
			const struct flow *n = slot(t, f->lnext);

			if (n->lnext)
				prefetch_flow(slot(t, n->lnext));
		}
		t->buckets[f->hash & t->mask] = 0;
		f->hnext = 0;
		retire(t, f, f->list == L_TCP_DONE ? timeout_reason(f) : reason);
	}
}

void flow_foreach(struct flow_table *t, void (*fn)(void *ctx, struct flow *f),
		  void *ctx)
{
	int li;

	for (li = 0; li < L_COUNT; li++) {
		uint32_t id = t->lists[li].head;

		while (id) {
			struct flow *f = slot(t, id);

			id = f->lnext;
			fn(ctx, f);
		}
	}
}

/* ---- life cycle ------------------------------------------------------- */

/*
 * The table's two arrays, zeroed. One that holds a whole 2 MiB page is
 * mapped on a 2 MiB boundary, transparent huge pages asked for all of
 * it: every lookup touches one bucket and one slot at random, and huge
 * pages spare the TLB misses (measured: 7% at 1M flows, 18% at 10k).
 * From calloc, a large block starts 16 bytes past a 4 KiB page, so
 * that the advice covered only the whole 2 MiB pages inside it: half
 * of the default 4 MiB bucket array and the first 2 MiB of slots (the
 * first 11,000 flows, the ones a small capture uses) stayed in 4 KiB
 * pages. A hint only; where the kernel declines, nothing changes. The
 * mapping's pages stay unmapped until written, as calloc's do.
 */
#define HUGE_PAGE ((size_t)2 << 20)

/* Bytes a mapped array spans: len up to a whole huge page. */
static size_t huge_span(size_t len)
{
	return (len + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

static void *table_alloc(size_t len)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
	if (len >= HUGE_PAGE && len <= SIZE_MAX - 2 * HUGE_PAGE) {
		size_t span = huge_span(len), total = span + HUGE_PAGE;
		char *m = mmap(NULL, total, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *p;

		if (m == MAP_FAILED)
			return NULL;
		/* The boundary inside; the slack before and after it goes
		   back. */
		p = m + ((HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE);
		if (p > m)
			(void)munmap(m, (size_t)(p - m));
		if (m + total > p + span)
			(void)munmap(p + span, (size_t)(m + total - (p + span)));
		(void)madvise(p, span, MADV_HUGEPAGE);
		return p;
	}
#endif
	return calloc(1, len ? len : 1);
}

/* Give back what table_alloc(len) returned (NULL: nothing). */
static void table_release(void *p, size_t len)
{
	if (!p)
		return;
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
	if (len >= HUGE_PAGE && len <= SIZE_MAX - 2 * HUGE_PAGE) {
		(void)munmap(p, huge_span(len));
		return;
	}
#endif
	(void)len;
	free(p);
}

struct flow_table *flow_table_new(const struct limits *lim, uint64_t seed,
				  flow_end_fn on_end, void *ctx)
{
	struct flow_table *t;
	size_t nb = 1;

	/* Slot ids are index + 1 in 32 bits, and nb below must not wrap. */
	if (!lim || lim->max_flows == 0 || lim->max_flows > FLOW_MAX_FLOWS)
		return NULL;
	while (nb < lim->max_flows)
		nb <<= 1;

	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	/* Set first: flow_table_free() takes the arrays' sizes from them. */
	t->mask = nb - 1;
	t->max_flows = lim->max_flows;
	t->slots = table_alloc((size_t)lim->max_flows * sizeof *t->slots);
	t->buckets = table_alloc(nb * sizeof *t->buckets);
	if (!t->slots || !t->buckets) {
		flow_table_free(t);
		return NULL;
	}
	sipkey_from_seed(&t->key, seed);
	t->lists[L_TCP].timeout_us = (uint64_t)lim->timeout_tcp * 1000000u;
	t->lists[L_TCP_DONE].timeout_us = (uint64_t)lim->timeout_tcp_done * 1000000u;
	t->lists[L_UDP].timeout_us = (uint64_t)lim->timeout_udp * 1000000u;
	t->lists[L_OTHER].timeout_us = (uint64_t)lim->timeout_other * 1000000u;
	t->expire_after = UINT64_MAX;   /* no flow yet */
	t->on_end = on_end;
	t->ctx = ctx;
	t->next_id = 1;
	t->id_step = 1;
	return t;
}

void flow_table_set_ids(struct flow_table *t, uint64_t first, uint64_t step)
{
	t->next_id = first;
	t->id_step = step ? step : 1;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	table_release(t->slots, (size_t)t->max_flows * sizeof *t->slots);
	table_release(t->buckets, ((size_t)t->mask + 1) * sizeof *t->buckets);
	free(t);
}

const struct flow_stats *flow_table_stats(const struct flow_table *t)
{
	return &t->stats;
}

size_t flow_table_bytes(const struct flow_table *t)
{
	return sizeof *t + (size_t)t->max_flows * sizeof *t->slots +
	       (t->mask + 1) * sizeof *t->buckets;
}

/* ---- names ------------------------------------------------------------ */

const char *end_reason_name(enum end_reason r)
{
	static const char *const names[END_COUNT] = {
		[END_ACTIVE] = "active",
		[END_IDLE] = "idle",
		[END_FIN] = "fin",
		[END_RST] = "rst",
		[END_EVICTED] = "evicted",
		[END_EOF] = "eof",
		[END_SHUTDOWN] = "shutdown",
	};

	return (unsigned)r < END_COUNT ? names[r] : "unknown";
}

const char *dir_basis_name(enum dir_basis b)
{
	static const char *const names[BASIS_COUNT] = {
		[BASIS_SYN] = "syn",
		[BASIS_SYNACK] = "syn-ack",
		[BASIS_CATALOGUE] = "catalogue",
		[BASIS_LOWER_PORT] = "lower-port",
		[BASIS_FIRST_PACKET] = "first-packet",
	};

	return (unsigned)b < BASIS_COUNT ? names[b] : "unknown";
}
