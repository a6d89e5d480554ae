/*
 * test_flow.c: unit tests of the flow table (src/flow.c).
 *
 * Packets are built by hand as struct packet; time is packet time only, so
 * every test is deterministic. An end callback records each ended flow so
 * the tests can check reasons, order and counters exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"
#include "options.h"
#include "siphash.h"

#define SEC 1000000ull
#define T0 (1700000000ull * SEC)   /* an arbitrary capture time */

/* ---- helpers ---------------------------------------------------------- */

#define LOG_MAX 64

/* What the end callback saw. */
struct ends {
	unsigned n;
	unsigned by[END_COUNT];
	unsigned nlog;
	struct flow log[LOG_MAX];   /* copies: the slot is reused afterwards */
};

static void on_end(void *ctx, struct flow *f)
{
	struct ends *e = ctx;

	e->n++;
	e->by[f->end_reason]++;
	if (e->nlog < LOG_MAX)
		e->log[e->nlog++] = *f;
}

static void ip4(struct ip_addr *a, uint32_t v)
{
	memset(a, 0, sizeof *a);
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	a->b[12] = (uint8_t)(v >> 24);
	a->b[13] = (uint8_t)(v >> 16);
	a->b[14] = (uint8_t)(v >> 8);
	a->b[15] = (uint8_t)v;
}

/* 2001:db8::<v> */
static void ip6(struct ip_addr *a, uint32_t v)
{
	memset(a, 0, sizeof *a);
	a->b[0] = 0x20;
	a->b[1] = 0x01;
	a->b[2] = 0x0d;
	a->b[3] = 0xb8;
	a->b[12] = (uint8_t)(v >> 24);
	a->b[13] = (uint8_t)(v >> 16);
	a->b[14] = (uint8_t)(v >> 8);
	a->b[15] = (uint8_t)v;
}

static struct packet pkt4(uint32_t src, uint16_t sport, uint32_t dst,
			  uint16_t dport, uint8_t proto, uint64_t ts_us)
{
	struct packet p;

	memset(&p, 0, sizeof p);
	p.ts_us = ts_us;
	p.wire_len = 100;
	p.family = 4;
	p.proto = proto;
	ip4(&p.src, src);
	ip4(&p.dst, dst);
	p.sport = sport;
	p.dport = dport;
	return p;
}

static struct packet pkt6(uint32_t src, uint16_t sport, uint32_t dst,
			  uint16_t dport, uint8_t proto, uint64_t ts_us)
{
	struct packet p = pkt4(0, sport, 0, dport, proto, ts_us);

	p.family = 6;
	ip6(&p.src, src);
	ip6(&p.dst, dst);
	return p;
}

static struct packet tcp4(uint32_t src, uint16_t sport, uint32_t dst,
			  uint16_t dport, uint8_t flags, uint64_t ts_us)
{
	struct packet p = pkt4(src, sport, dst, dport, IPPROTO_NUM_TCP, ts_us);

	p.tcp_flags = flags;
	return p;
}

/* Limits with the defaults and a given table size. */
static struct limits lim_with(uint32_t max_flows)
{
	struct limits l;

	limits_default(&l);
	l.max_flows = max_flows;
	return l;
}

#define HOST_A 0x0a000001u   /* 10.0.0.1: the lower address */
#define HOST_B 0x0a000002u   /* 10.0.0.2 */

/* ---- size ------------------------------------------------------------- */

static void test_size(void **state)
{
	struct limits l = lim_with(DEF_MAX_FLOWS);
	struct flow_table *t;
	double per_flow;

	(void)state;
	printf("sizeof(struct flow) = %zu, sizeof(struct flow_key) = %zu\n",
	       sizeof(struct flow), sizeof(struct flow_key));
	assert_true(sizeof(struct flow) <= 192);
	assert_int_equal(sizeof(struct flow_key), 40);

	/* The default table: one million slots plus 2^20 buckets. */
	t = flow_table_new(&l, 1, NULL, NULL);
	assert_non_null(t);
	per_flow = (double)flow_table_bytes(t) / l.max_flows;
	printf("bytes per flow at %u flows: %.1f\n", l.max_flows, per_flow);
	assert_true(per_flow <= 256.0);
	flow_table_free(t);

	/* Worst case for the buckets: one over a power of two doubles them. */
	l.max_flows = (1u << 16) + 1;
	t = flow_table_new(&l, 1, NULL, NULL);
	assert_non_null(t);
	per_flow = (double)flow_table_bytes(t) / l.max_flows;
	printf("bytes per flow at %u flows: %.1f\n", l.max_flows, per_flow);
	assert_true(per_flow <= 256.0);
	flow_table_free(t);
}

static void test_new_rejects_bad_size(void **state)
{
	struct limits l = lim_with(0);

	(void)state;
	assert_null(flow_table_new(&l, 1, NULL, NULL));
	l.max_flows = FLOW_MAX_FLOWS + 1;
	assert_null(flow_table_new(&l, 1, NULL, NULL));
	assert_null(flow_table_new(NULL, 1, NULL, NULL));
	flow_table_free(NULL);
}

/* Tables whose arrays are mapped on 2 MiB boundaries (flow.c's
   table_alloc()) and ones small enough for calloc: every slot, the
   last included, holds a flow of its own, found again, and the table
   ends them all. A span that stopped short of the last slot, or pages
   not zeroed, would show here (and under the sanitizers). */
static void test_every_slot(void **state)
{
	const uint32_t page = (uint32_t)((2u << 20) / sizeof(struct flow));
	/* Slot arrays under, just over and just under twice 2 MiB, and
	   larger; the buckets are mapped from 2^19 flows on. */
	const uint32_t sizes[] = { 1000, page, page + 1, 2 * page, 100000, 600000 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct limits l = lim_with(sizes[k]);
		struct ends e = {0};
		struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
		uint32_t i;
		bool is_new;

		assert_non_null(t);
		for (i = 0; i < sizes[k]; i++) {
			struct packet p = pkt4(HOST_A + i / 60000,
					       (uint16_t)(1024 + i % 60000), HOST_B,
					       53, IPPROTO_NUM_UDP, T0 + i);
			struct flow *f = flow_lookup(t, &p, &is_new, NULL);

			assert_non_null(f);
			assert_true(is_new);
			assert_int_equal(f->pkts[0] + f->pkts[1], 1);
		}
		for (i = 0; i < sizes[k]; i++) {
			struct packet p = pkt4(HOST_A + i / 60000,
					       (uint16_t)(1024 + i % 60000), HOST_B,
					       53, IPPROTO_NUM_UDP, T0 + sizes[k] + i);
			struct flow *f = flow_lookup(t, &p, &is_new, NULL);

			assert_false(is_new);
			assert_int_equal(f->pkts[0] + f->pkts[1], 2);
		}
		assert_int_equal(flow_table_stats(t)->ended[END_EVICTED], 0);
		assert_int_equal(flow_table_stats(t)->peak_active, sizes[k]);
		flow_flush(t, END_EOF);
		assert_int_equal(e.n, sizes[k]);
		flow_table_free(t);
	}
}

/* ---- keys ------------------------------------------------------------- */

static void test_both_directions_one_flow(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 7, on_end, &e);
	struct packet p;
	struct flow *f, *g;
	bool is_new, from_b;

	(void)state;
	/* First packet from the higher endpoint (B to A). */
	p = pkt4(HOST_B, 5222, HOST_A, 40000, IPPROTO_NUM_TCP, T0);
	p.wire_len = 60;
	f = flow_lookup(t, &p, &is_new, &from_b);
	assert_true(is_new);
	assert_true(from_b);
	assert_int_equal(f->first_from_b, 1);

	p = pkt4(HOST_A, 40000, HOST_B, 5222, IPPROTO_NUM_TCP, T0 + 1);
	p.wire_len = 1500;
	g = flow_lookup(t, &p, &is_new, &from_b);
	assert_ptr_equal(f, g);
	assert_false(is_new);
	assert_false(from_b);
	g = flow_lookup(t, &p, &is_new, &from_b);
	assert_ptr_equal(f, g);

	assert_int_equal(f->pkts[0], 2);      /* A to B */
	assert_int_equal(f->pkts[1], 1);      /* B to A */
	assert_int_equal(f->bytes[0], 3000);
	assert_int_equal(f->bytes[1], 60);
	assert_int_equal(f->first_us, T0);
	assert_int_equal(f->last_us, T0 + 1);
	assert_int_equal(flow_table_stats(t)->created, 1);
	assert_int_equal(flow_table_stats(t)->active, 1);

	flow_flush(t, END_EOF);
	flow_table_free(t);
}

static void test_distinct_flows(void **state)
{
	struct limits l = lim_with(64);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 7, on_end, &e);
	struct packet ps[7];
	struct flow *fs[7];
	bool is_new;
	size_t i, j;

	(void)state;
	ps[0] = pkt4(HOST_A, 40000, HOST_B, 5222, IPPROTO_NUM_TCP, T0);
	ps[1] = pkt4(HOST_A, 40001, HOST_B, 5222, IPPROTO_NUM_TCP, T0);  /* sport */
	ps[2] = pkt4(HOST_A, 40000, HOST_B, 5223, IPPROTO_NUM_TCP, T0);  /* dport */
	ps[3] = pkt4(HOST_A, 40000, HOST_B, 5222, IPPROTO_NUM_UDP, T0);  /* proto */
	/* Ports swapped between the same two hosts is another conversation. */
	ps[4] = pkt4(HOST_A, 5222, HOST_B, 40000, IPPROTO_NUM_TCP, T0);
	/* Same low 32 address bits over IPv6. */
	ps[5] = pkt6(HOST_A, 40000, HOST_B, 5222, IPPROTO_NUM_TCP, T0);
	ps[6] = pkt4(HOST_A, 40000, HOST_B + 1, 5222, IPPROTO_NUM_TCP, T0);

	for (i = 0; i < 7; i++) {
		fs[i] = flow_lookup(t, &ps[i], &is_new, NULL);
		assert_true(is_new);
	}
	for (i = 0; i < 7; i++)
		for (j = i + 1; j < 7; j++)
			assert_ptr_not_equal(fs[i], fs[j]);
	/* Each is found again, not duplicated. */
	for (i = 0; i < 7; i++) {
		assert_ptr_equal(flow_lookup(t, &ps[i], &is_new, NULL), fs[i]);
		assert_false(is_new);
		assert_int_equal(fs[i]->pkts[0], 2);
	}
	assert_int_equal(flow_table_stats(t)->created, 7);
	flow_flush(t, END_EOF);
	assert_int_equal(e.n, 7);
	flow_table_free(t);
}

static void test_key_canonical_v4_v6(void **state)
{
	struct limits l = lim_with(16);
	struct flow_table *t = flow_table_new(&l, 7, NULL, NULL);
	struct ip_addr lo, hi;
	struct packet p;
	struct flow *f;
	bool from_b;
	size_t i;

	(void)state;
	/* IPv4: held as ::ffff:a.b.c.d; the lower address is side A. */
	p = pkt4(HOST_B, 80, HOST_A, 9000, IPPROTO_NUM_TCP, T0);
	f = flow_lookup(t, &p, NULL, &from_b);
	ip4(&lo, HOST_A);
	ip4(&hi, HOST_B);
	assert_true(from_b);
	assert_memory_equal(f->key.a.b, lo.b, 16);
	assert_memory_equal(f->key.b.b, hi.b, 16);
	assert_int_equal(f->key.pa, 9000);
	assert_int_equal(f->key.pb, 80);
	assert_int_equal(f->key.family, 4);
	assert_int_equal(f->key.proto, IPPROTO_NUM_TCP);
	assert_int_equal(f->key.pad[0], 0);
	assert_int_equal(f->key.pad[1], 0);

	/* IPv6: bytewise comparison, first differing byte decides. */
	p = pkt6(0x00000100u, 443, 0x00000002u, 50000, IPPROTO_NUM_UDP, T0);
	f = flow_lookup(t, &p, NULL, &from_b);
	ip6(&lo, 0x00000002u);
	ip6(&hi, 0x00000100u);
	assert_true(from_b);
	assert_memory_equal(f->key.a.b, lo.b, 16);
	assert_memory_equal(f->key.b.b, hi.b, 16);
	assert_int_equal(f->key.pa, 50000);
	assert_int_equal(f->key.pb, 443);
	assert_int_equal(f->key.family, 6);

	/* Same address both ends (loopback): the lower port is side A. */
	p = pkt4(0x7f000001u, 8443, 0x7f000001u, 1024, IPPROTO_NUM_TCP, T0);
	f = flow_lookup(t, &p, NULL, &from_b);
	assert_true(from_b);
	assert_int_equal(f->key.pa, 1024);
	assert_int_equal(f->key.pb, 8443);
	p = pkt4(0x7f000001u, 1024, 0x7f000001u, 8443, IPPROTO_NUM_TCP, T0);
	assert_ptr_equal(flow_lookup(t, &p, NULL, &from_b), f);
	assert_false(from_b);

	/* An ICMP flow keys on addresses only. */
	p = pkt4(HOST_A, 0, HOST_B, 0, IPPROTO_NUM_ICMP, T0);
	p.icmp_type = 8;
	f = flow_lookup(t, &p, NULL, &from_b);
	for (i = 0; i < sizeof f->key.pad; i++)
		assert_int_equal(f->key.pad[i], 0);
	assert_int_equal(f->icmp_type, 8);
	p = pkt4(HOST_B, 0, HOST_A, 0, IPPROTO_NUM_ICMP, T0 + 1);
	p.icmp_type = 0;
	assert_ptr_equal(flow_lookup(t, &p, NULL, &from_b), f);
	assert_true(from_b);
	assert_int_equal(f->icmp_type, 8);   /* of the first packet */

	/* And keeps the first packet's code with its type. */
	p = pkt4(HOST_A, 0, HOST_B + 1, 0, IPPROTO_NUM_ICMP, T0);
	p.icmp_type = 3;
	p.icmp_code = 13;
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->icmp_code, 13);
	p.icmp_code = 1;
	flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->icmp_type, 3);
	assert_int_equal(f->icmp_code, 13);
	/* Not ICMP: no type, no code. */
	p = pkt4(HOST_A, 1, HOST_B + 2, 2, IPPROTO_NUM_UDP, T0);
	p.icmp_type = 3;
	p.icmp_code = 13;
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->icmp_type, 0);
	assert_int_equal(f->icmp_code, 0);

	flow_table_free(t);
}

/* ---- hash ------------------------------------------------------------- */

static struct flow_key key_n(uint32_t n)
{
	struct flow_key k;

	memset(&k, 0, sizeof k);
	ip4(&k.a, HOST_A);
	ip4(&k.b, HOST_B);
	k.pa = (uint16_t)(1024 + (n & 0xffff));
	k.pb = 5222;
	k.proto = IPPROTO_NUM_TCP;
	k.family = 4;
	k.b.b[14] = (uint8_t)(n >> 16);
	return k;
}

static unsigned popcount64(uint64_t x)
{
	unsigned n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

static void test_hash_seeded(void **state)
{
	static uint8_t seen[1024];
	unsigned i, bit, distinct = 0;
	uint64_t flips = 0, trials = 0;

	(void)state;
	for (i = 0; i < 1000; i++) {
		struct flow_key k = key_n(i);

		/* Deterministic for one seed, different for another. */
		assert_true(flow_hash(&k, 1) == flow_hash(&k, 1));
		assert_true(flow_hash(&k, 1) != flow_hash(&k, 2));
		assert_true(flow_hash(&k, 0) != flow_hash(&k, 1ull << 63));
	}

	/* Consecutive ports (what a scan or a busy NAT looks like) spread over
	   the low bits: a random function fills about 1 - 1/e = 63% of 1024
	   buckets with 1024 keys; an additive hash would put them in a run or
	   pile them up. */
	memset(seen, 0, sizeof seen);
	for (i = 0; i < 1024; i++) {
		struct flow_key k = key_n(i);
		unsigned b = (unsigned)(flow_hash(&k, 42) & 1023);

		if (!seen[b]++)
			distinct++;
	}
	printf("distinct buckets for 1024 sequential keys: %u\n", distinct);
	assert_true(distinct > 580 && distinct < 720);

	/* Avalanche: flipping any one of the 320 key bits flips about half of
	   the 64 hash bits on average. */
	for (i = 0; i < 32; i++) {
		struct flow_key k = key_n(i * 977);
		uint64_t h = flow_hash(&k, 42);

		for (bit = 0; bit < 8 * sizeof k; bit++) {
			struct flow_key k2 = k;

			((uint8_t *)&k2)[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			flips += popcount64(h ^ flow_hash(&k2, 42));
			trials++;
		}
	}
	printf("avalanche: %.2f of 64 bits flip per input bit\n",
	       (double)flips / (double)trials);
	assert_true(flips > 31 * trials && flips < 33 * trials);
}

/* An IPv4 key (both addresses mapped, as make_key() builds it) is hashed
   as 16 bytes: the two addresses, the ports, protocol and family; any
   other key as its 40 (flow.c, compact_v4()). Words are taken in host
   order, so the bytes are these on a little-endian host. */
static void test_hash_compact_v4(void **state)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	struct flow_key k = key_n(70000);
	struct sipkey sk;
	uint8_t m[16];

	memset(m, 0, sizeof m);
	memcpy(m, k.a.b + 12, 4);
	memcpy(m + 4, k.b.b + 12, 4);
	m[8] = (uint8_t)k.pa;
	m[9] = (uint8_t)(k.pa >> 8);
	m[10] = (uint8_t)k.pb;
	m[11] = (uint8_t)(k.pb >> 8);
	m[12] = k.proto;
	m[13] = k.family;
	sipkey_from_seed(&sk, 42);
	assert_true(flow_hash(&k, 42) == siphash13(&sk, m, sizeof m));
	/* The same bytes at the end of an unmapped address: the whole key. */
	k.a.b[10] = 0;
	assert_true(flow_hash(&k, 42) == siphash13(&sk, &k, sizeof k));
#endif
	(void)state;
}

/* The same packets through tables keyed with different seeds end the same
   flows, for the same reasons, in the same order, with the same counts. */
static void run_mixed(uint64_t seed, struct ends *e, struct flow_stats *st)
{
	struct limits l = lim_with(50);
	struct flow_table *t = flow_table_new(&l, seed, on_end, e);
	uint32_t i;

	assert_non_null(t);
	for (i = 0; i < 400; i++) {
		uint32_t host = HOST_A + (i * 7919u) % 97u;
		uint8_t proto = (i % 3 == 0) ? IPPROTO_NUM_UDP : IPPROTO_NUM_TCP;
		struct packet p = pkt4(host, (uint16_t)(1000 + i % 13), HOST_B,
				       5222, proto, T0 + (uint64_t)i * 5 * SEC);

		p.wire_len = 60 + i;
		if (proto == IPPROTO_NUM_TCP && i % 11 == 0)
			p.tcp_flags = TCPF_RST;
		flow_lookup(t, &p, NULL, NULL);
		if (i % 40 == 39)
			flow_expire(t, p.ts_us);
	}
	flow_flush(t, END_EOF);
	*st = *flow_table_stats(t);
	flow_table_free(t);
}

static void test_seed_behaviour_identical(void **state)
{
	static struct ends e1, e2;
	struct flow_stats s1, s2;
	unsigned i;

	(void)state;
	memset(&e1, 0, sizeof e1);
	memset(&e2, 0, sizeof e2);
	run_mixed(1, &e1, &s1);
	run_mixed(0x9c6f2d1e55aa0137ull, &e2, &s2);

	assert_true(e1.n > LOG_MAX);   /* the run ended plenty of flows */
	assert_true(e1.by[END_EVICTED] > 0 && e1.by[END_IDLE] > 0 &&
		    e1.by[END_RST] > 0 && e1.by[END_EOF] > 0);
	assert_int_equal(e1.n, e2.n);
	assert_memory_equal(e1.by, e2.by, sizeof e1.by);
	assert_memory_equal(&s1, &s2, sizeof s1);
	assert_int_equal(e1.nlog, e2.nlog);
	for (i = 0; i < e1.nlog; i++) {
		assert_memory_equal(&e1.log[i].key, &e2.log[i].key, sizeof e1.log[i].key);
		assert_int_equal(e1.log[i].end_reason, e2.log[i].end_reason);
		assert_memory_equal(e1.log[i].pkts, e2.log[i].pkts, sizeof e1.log[i].pkts);
		assert_memory_equal(e1.log[i].bytes, e2.log[i].bytes, sizeof e1.log[i].bytes);
		assert_int_equal(e1.log[i].last_us, e2.log[i].last_us);
	}
}

/* ---- capacity --------------------------------------------------------- */

static void test_cap_evicts_least_recent(void **state)
{
	struct limits l = lim_with(4);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 3, on_end, &e);
	const struct flow_stats *st = flow_table_stats(t);
	struct packet p;
	bool is_new;
	uint16_t i;

	(void)state;
	/* Flows 1..4 at seconds 1..4; flow 1 gets two packets. */
	for (i = 1; i <= 4; i++) {
		p = pkt4(HOST_A, (uint16_t)(10000 + i), HOST_B, 5222,
			 IPPROTO_NUM_TCP, T0 + i * SEC);
		flow_lookup(t, &p, &is_new, NULL);
		assert_true(is_new);
	}
	/* Touch flow 1 (from B): flow 2 is now the least recently seen. */
	p = pkt4(HOST_B, 5222, HOST_A, 10001, IPPROTO_NUM_TCP, T0 + 5 * SEC);
	p.wire_len = 40;
	flow_lookup(t, &p, &is_new, NULL);
	assert_false(is_new);
	assert_int_equal(e.n, 0);

	/* A fifth flow makes room by ending flow 2. */
	p = pkt4(HOST_A, 10005, HOST_B, 5222, IPPROTO_NUM_TCP, T0 + 6 * SEC);
	flow_lookup(t, &p, &is_new, NULL);
	assert_true(is_new);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.by[END_EVICTED], 1);
	assert_int_equal(e.log[0].end_reason, END_EVICTED);
	assert_int_equal(e.log[0].key.pa, 10002);
	assert_int_equal(e.log[0].pkts[0], 1);
	assert_int_equal(e.log[0].pkts[1], 0);
	assert_int_equal(e.log[0].bytes[0], 100);
	assert_int_equal(e.log[0].first_us, T0 + 2 * SEC);

	assert_int_equal(st->created, 5);
	assert_int_equal(st->ended[END_EVICTED], 1);
	assert_int_equal(st->active, 4);
	assert_int_equal(st->peak_active, 4);

	/* Flow 1 survived with its counts. */
	p = pkt4(HOST_A, 10001, HOST_B, 5222, IPPROTO_NUM_TCP, T0 + 7 * SEC);
	{
		struct flow *f = flow_lookup(t, &p, &is_new, NULL);

		assert_false(is_new);
		assert_int_equal(f->pkts[0], 2);
		assert_int_equal(f->pkts[1], 1);
		assert_int_equal(f->bytes[1], 40);
	}
	/* The next newcomer evicts flow 3. */
	p = pkt4(HOST_A, 10006, HOST_B, 5222, IPPROTO_NUM_UDP, T0 + 8 * SEC);
	flow_lookup(t, &p, &is_new, NULL);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.log[1].key.pa, 10003);
	assert_int_equal(e.log[1].end_reason, END_EVICTED);

	flow_flush(t, END_EOF);
	assert_int_equal(e.n, 6);
	assert_int_equal(e.by[END_EOF], 4);
	assert_int_equal(st->active, 0);
	assert_int_equal(st->peak_active, 4);
	flow_table_free(t);
}

static void test_many_flows_small_table(void **state)
{
	struct limits l = lim_with(1000);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 11, on_end, &e);
	const struct flow_stats *st = flow_table_stats(t);
	uint32_t i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		struct packet p = pkt4(HOST_A + (i >> 16), (uint16_t)i, HOST_B,
				       5222, IPPROTO_NUM_UDP, T0 + i);
		bool is_new;

		flow_lookup(t, &p, &is_new, NULL);
		assert_true(is_new);
		assert_true(st->active <= 1000);
	}
	assert_int_equal(e.n, 99000);
	assert_int_equal(st->active, 1000);
	flow_flush(t, END_EOF);
	assert_int_equal(e.n, 100000);
	assert_int_equal(e.by[END_EVICTED], 99000);
	assert_int_equal(e.by[END_EOF], 1000);
	assert_int_equal(st->created, 100000);
	assert_int_equal(st->active, 0);
	assert_int_equal(st->peak_active, 1000);
	flow_table_free(t);
}

/* ---- timeouts --------------------------------------------------------- */

static void test_idle_timeouts(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct packet u, tc, ic;
	bool is_new;

	(void)state;
	u = pkt4(HOST_A, 5060, HOST_B, 5060, IPPROTO_NUM_UDP, T0);
	tc = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_ACK, T0);   /* mid-stream */
	ic = pkt4(HOST_A, 0, HOST_B, 0, IPPROTO_NUM_ICMP, T0);
	flow_lookup(t, &u, NULL, NULL);
	flow_lookup(t, &tc, NULL, NULL);
	flow_lookup(t, &ic, NULL, NULL);

	/* At 60 s nothing is past its timeout (past means more than). */
	flow_expire(t, T0 + 60 * SEC);
	assert_int_equal(e.n, 0);
	/* Just past 60 s the ICMP flow ends. */
	flow_expire(t, T0 + 60 * SEC + 1);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.log[0].key.proto, IPPROTO_NUM_ICMP);
	assert_int_equal(e.log[0].end_reason, END_IDLE);

	flow_expire(t, T0 + 180 * SEC);
	assert_int_equal(e.n, 1);
	/* Idle 181 s: the UDP flow ends, the TCP flow (3600 s) does not. */
	flow_expire(t, T0 + 181 * SEC);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.log[1].key.proto, IPPROTO_NUM_UDP);
	assert_int_equal(e.log[1].end_reason, END_IDLE);
	assert_int_equal(flow_table_stats(t)->active, 1);

	/* A packet keeps the TCP flow alive past its first hour. */
	tc.ts_us = T0 + 3000 * SEC;
	flow_lookup(t, &tc, &is_new, NULL);
	assert_false(is_new);
	flow_expire(t, T0 + 3601 * SEC);
	assert_int_equal(e.n, 2);
	flow_expire(t, T0 + 6601 * SEC);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.log[2].key.proto, IPPROTO_NUM_TCP);
	assert_int_equal(e.log[2].end_reason, END_IDLE);
	assert_int_equal(e.log[2].pkts[0], 2);
	assert_int_equal(flow_table_stats(t)->ended[END_IDLE], 3);
	assert_int_equal(flow_table_stats(t)->active, 0);
	flow_table_free(t);
}

/* Flows that share a hash chain end first, middle or last on it and
   the others stay found: the chain's first flow is taken off by its mark
   (flow.c's hash_unlink()), the rest by a walk. */
#define CHAIN_SEED 5

static struct packet chain_pkt(uint16_t sport, uint64_t ts_us)
{
	return pkt4(HOST_A, sport, HOST_B, 53, IPPROTO_NUM_UDP, ts_us);
}

/* The next source port after `from` whose flow lands in `bucket` of a
   table of `nb` buckets (the key as the table builds it: A is lower). */
static uint16_t port_in_bucket(uint16_t from, uint64_t bucket, uint64_t nb)
{
	uint16_t sp;

	for (sp = (uint16_t)(from + 1); sp != 0; sp++) {
		struct flow_key k;

		memset(&k, 0, sizeof k);
		ip4(&k.a, HOST_A);
		ip4(&k.b, HOST_B);
		k.pa = sp;
		k.pb = 53;
		k.proto = IPPROTO_NUM_UDP;
		k.family = 4;
		if ((flow_hash(&k, CHAIN_SEED) & (nb - 1)) == bucket)
			return sp;
	}
	fail_msg("no port lands in bucket %u", (unsigned)bucket);
	return 0;
}

/* The flow of source port sport is still on the table at ts_us. */
#define assert_live(t, sport, ts_us) do { \
		struct packet lp_ = chain_pkt((sport), (ts_us)); \
		bool new_; \
		flow_lookup((t), &lp_, &new_, NULL); \
		assert_false(new_); \
	} while (0)

static void test_shared_chain_ends(void **state)
{
	struct limits l = lim_with(16);   /* 16 buckets */
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, CHAIN_SEED, on_end, &e);
	uint16_t p1, p2, p3, p4;
	struct packet p;

	(void)state;
	p1 = port_in_bucket(1023, 7, 16);
	p2 = port_in_bucket(p1, 7, 16);
	p3 = port_in_bucket(p2, 7, 16);
	p4 = port_in_bucket(p3, 7, 16);
	/* Each new flow goes first on the chain: p3, p2, p1. */
	p = chain_pkt(p1, T0);
	flow_lookup(t, &p, NULL, NULL);
	p = chain_pkt(p2, T0 + 1 * SEC);
	flow_lookup(t, &p, NULL, NULL);
	p = chain_pkt(p3, T0 + 2 * SEC);
	flow_lookup(t, &p, NULL, NULL);
	assert_live(t, p1, T0 + 100 * SEC);
	assert_live(t, p2, T0 + 100 * SEC);

	/* The first on the chain idles out (UDP: 180 s). */
	flow_expire(t, T0 + 183 * SEC);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.log[0].key.pa, p3);
	assert_live(t, p2, T0 + 190 * SEC);
	assert_live(t, p1, T0 + 200 * SEC);

	/* Then the next, first now. */
	flow_expire(t, T0 + 371 * SEC);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.log[1].key.pa, p2);
	assert_live(t, p1, T0 + 372 * SEC);

	/* A new flow goes first; the one behind it ends, then it is still
	   found, and ends last. */
	p = chain_pkt(p4, T0 + 373 * SEC);
	flow_lookup(t, &p, NULL, NULL);
	flow_expire(t, T0 + 553 * SEC);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.log[2].key.pa, p1);
	assert_live(t, p4, T0 + 553 * SEC);
	assert_int_equal(flow_table_stats(t)->active, 1);
	flow_expire(t, T0 + 734 * SEC);
	assert_int_equal(e.n, 4);
	assert_int_equal(e.log[3].key.pa, p4);
	assert_int_equal(flow_table_stats(t)->ended[END_IDLE], 4);
	assert_int_equal(flow_table_stats(t)->created, 4);
	flow_table_free(t);
}

/* Without a flow_expire() call, a packet after the timeout still starts a
   new flow: the result does not depend on the caller's expiry cadence. */
static void test_idle_on_lookup(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct packet u = pkt4(HOST_A, 5060, HOST_B, 5060, IPPROTO_NUM_UDP, T0);
	struct flow *f;
	bool is_new;

	(void)state;
	flow_lookup(t, &u, NULL, NULL);
	u.ts_us = T0 + 180 * SEC;
	flow_lookup(t, &u, &is_new, NULL);
	assert_false(is_new);
	u.ts_us = T0 + 361 * SEC;
	f = flow_lookup(t, &u, &is_new, NULL);
	assert_true(is_new);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.log[0].end_reason, END_IDLE);
	assert_int_equal(e.log[0].pkts[0], 2);
	assert_int_equal(f->pkts[0], 1);
	assert_int_equal(f->first_us, T0 + 361 * SEC);
	flow_flush(t, END_EOF);
	flow_table_free(t);
}

/* Packet time that steps back (merged files) never lowers last_us and never
   makes a flow look idle. */
static void test_time_backwards(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct packet u = pkt4(HOST_A, 5060, HOST_B, 5060, IPPROTO_NUM_UDP, T0 + 100 * SEC);
	struct flow *f;
	bool is_new;

	(void)state;
	f = flow_lookup(t, &u, NULL, NULL);
	u.ts_us = T0 + 90 * SEC;
	assert_ptr_equal(flow_lookup(t, &u, &is_new, NULL), f);
	assert_false(is_new);
	assert_int_equal(f->last_us, T0 + 100 * SEC);
	assert_int_equal(f->first_us, T0 + 100 * SEC);
	assert_int_equal(f->pkts[0], 2);

	/* Expiry at a time before the flow's last packet ends nothing. */
	flow_expire(t, T0);
	flow_expire(t, 0);
	assert_int_equal(e.n, 0);
	flow_expire(t, T0 + 280 * SEC);
	assert_int_equal(e.n, 0);
	flow_expire(t, T0 + 281 * SEC);
	assert_int_equal(e.n, 1);
	flow_table_free(t);
}

/* ---- TCP -------------------------------------------------------------- */

static void test_tcp_flags(void **state)
{
	struct limits l = lim_with(16);
	struct flow_table *t = flow_table_new(&l, 5, NULL, NULL);
	struct packet p;
	struct flow *f;

	(void)state;
	/* The client is the higher address: its SYN is side B's. */
	p = tcp4(HOST_B, 40000, HOST_A, 5222, TCPF_SYN, T0);
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->tcp, FT_SYN_B);
	p = tcp4(HOST_A, 5222, HOST_B, 40000, TCPF_SYN | TCPF_ACK, T0 + 1);
	flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->tcp, FT_SYN_B | FT_SYNACK_A);
	p = tcp4(HOST_B, 40000, HOST_A, 5222, TCPF_FIN | TCPF_ACK, T0 + 2);
	flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->tcp, FT_SYN_B | FT_SYNACK_A | FT_FIN_B);
	flow_flush(t, END_EOF);

	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_SYN, T0);
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->tcp, FT_SYN_A);
	p = tcp4(HOST_B, 5222, HOST_A, 40000, TCPF_SYN | TCPF_ACK, T0 + 1);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_FIN | TCPF_ACK, T0 + 2);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_B, 5222, HOST_A, 40000, TCPF_RST, T0 + 3);
	flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->tcp, FT_SYN_A | FT_SYNACK_B | FT_FIN_A | FT_RST);
	flow_table_free(t);
}

static void test_fin_linger(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct packet p;
	struct flow *f;
	bool is_new;
	uint64_t ts = T0;

	(void)state;
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_SYN, ts);
	f = flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_B, 5222, HOST_A, 40000, TCPF_SYN | TCPF_ACK, ts += SEC);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_ACK, ts += SEC);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_FIN | TCPF_ACK, ts += SEC);
	flow_lookup(t, &p, NULL, NULL);
	/* One FIN: still open, on the one-hour timeout. */
	flow_expire(t, ts + 11 * SEC);
	assert_int_equal(e.n, 0);
	p = tcp4(HOST_B, 5222, HOST_A, 40000, TCPF_FIN | TCPF_ACK, ts += 20 * SEC);
	flow_lookup(t, &p, NULL, NULL);

	/* The last ACK inside the 10 s linger counts to the same flow. */
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_ACK, ts += 2 * SEC);
	assert_ptr_equal(flow_lookup(t, &p, &is_new, NULL), f);
	assert_false(is_new);

	flow_expire(t, ts + 10 * SEC);
	assert_int_equal(e.n, 0);
	flow_expire(t, ts + 10 * SEC + 1);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.log[0].end_reason, END_FIN);
	assert_int_equal(e.log[0].pkts[0], 4);
	assert_int_equal(e.log[0].pkts[1], 2);
	assert_int_equal(e.log[0].last_us, ts);
	assert_int_equal(flow_table_stats(t)->ended[END_FIN], 1);
	flow_table_free(t);
}

static void test_rst(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct packet p;

	(void)state;
	/* A refused connection. */
	p = tcp4(HOST_A, 40000, HOST_B, 5223, TCPF_SYN, T0);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_B, 5223, HOST_A, 40000, TCPF_RST | TCPF_ACK, T0 + SEC);
	flow_lookup(t, &p, NULL, NULL);
	/* FIN both ways then a RST: the RST is the reason. */
	p = tcp4(HOST_A, 40001, HOST_B, 5222, TCPF_FIN | TCPF_ACK, T0);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_B, 5222, HOST_A, 40001, TCPF_FIN | TCPF_ACK, T0);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 40001, HOST_B, 5222, TCPF_RST, T0 + SEC);
	flow_lookup(t, &p, NULL, NULL);

	flow_expire(t, T0 + 11 * SEC);
	assert_int_equal(e.n, 0);
	flow_expire(t, T0 + 11 * SEC + 1);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.by[END_RST], 2);
	assert_int_equal(e.log[0].key.pb, 5223);   /* ties go in list order */
	assert_int_equal(e.log[0].end_reason, END_RST);
	assert_int_equal(e.log[1].end_reason, END_RST);
	assert_int_equal(flow_table_stats(t)->ended[END_RST], 2);
	flow_table_free(t);
}

static void test_syn_reuses_closed_flow(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct packet p;
	struct flow *f;
	bool is_new;

	(void)state;
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_SYN, T0);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_FIN | TCPF_ACK, T0 + 1);
	flow_lookup(t, &p, NULL, NULL);
	/* Half closed: a retransmitted SYN stays in the flow. */
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_SYN, T0 + 2);
	flow_lookup(t, &p, &is_new, NULL);
	assert_false(is_new);
	p = tcp4(HOST_B, 5222, HOST_A, 40000, TCPF_FIN | TCPF_ACK, T0 + 3);
	flow_lookup(t, &p, NULL, NULL);
	/* Closed: a SYN+ACK is not a new connection... */
	p = tcp4(HOST_B, 5222, HOST_A, 40000, TCPF_SYN | TCPF_ACK, T0 + 4);
	flow_lookup(t, &p, &is_new, NULL);
	assert_false(is_new);
	assert_int_equal(e.n, 0);
	/* ...but a SYN without ACK is, inside the linger. */
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_SYN, T0 + 5);
	f = flow_lookup(t, &p, &is_new, NULL);
	assert_true(is_new);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.log[0].end_reason, END_FIN);
	assert_int_equal(e.log[0].pkts[0], 3);
	assert_int_equal(e.log[0].pkts[1], 2);
	assert_int_equal(f->pkts[0], 1);
	assert_int_equal(f->pkts[1], 0);
	assert_int_equal(f->tcp, FT_SYN_A);
	assert_int_equal(f->first_us, T0 + 5);

	/* The same after a RST, from the other side. */
	p = tcp4(HOST_B, 5222, HOST_A, 40000, TCPF_RST, T0 + 6);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_SYN, T0 + 7);
	f = flow_lookup(t, &p, &is_new, NULL);
	assert_true(is_new);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.log[1].end_reason, END_RST);
	assert_int_equal(f->tcp, FT_SYN_A);

	assert_int_equal(flow_table_stats(t)->created, 3);
	assert_int_equal(flow_table_stats(t)->active, 1);
	flow_table_free(t);
}

/* ---- counters --------------------------------------------------------- */

static void test_held_fragments(void **state)
{
	struct limits l = lim_with(16);
	struct flow_table *t = flow_table_new(&l, 5, NULL, NULL);
	struct packet p = pkt4(HOST_B, 5060, HOST_A, 5060, IPPROTO_NUM_UDP, T0);
	struct flow *f;

	(void)state;
	p.wire_len = 1514;
	p.held_pkts = 3;
	p.held_bytes = 4000;
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->pkts[1], 4);
	assert_int_equal(f->bytes[1], 5514);
	assert_int_equal(f->pkts[0], 0);
	assert_int_equal(f->bytes[0], 0);
	p.held_pkts = 0;
	p.held_bytes = 0;
	flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->pkts[1], 5);
	assert_int_equal(f->bytes[1], 7028);
	flow_table_free(t);
}

/* IP bytes per direction: each packet's innermost IP length, fragments
   held before their first one included; the wire bytes stay apart. */
static void test_ip_bytes(void **state)
{
	struct limits l = lim_with(16);
	struct flow_table *t = flow_table_new(&l, 5, NULL, NULL);
	struct packet p = pkt4(HOST_B, 5060, HOST_A, 5060, IPPROTO_NUM_UDP, T0);
	struct flow *f;

	(void)state;
	p.wire_len = 1518;   /* VLAN-tagged Ethernet */
	p.ip_len = 1500;
	p.held_pkts = 2;
	p.held_bytes = 3000;
	p.held_ip_bytes = 2900;
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->bytes[1], 4518);
	assert_int_equal(f->ip_bytes[1], 4400);
	assert_int_equal(f->ip_bytes[0], 0);

	p = pkt4(HOST_A, 5060, HOST_B, 5060, IPPROTO_NUM_UDP, T0 + 1);
	p.wire_len = 114;    /* the same through a tunnel: 50 more bytes */
	p.ip_len = 64;
	flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->bytes[0], 114);
	assert_int_equal(f->ip_bytes[0], 64);
	assert_int_equal(f->ip_bytes[1], 4400);
	flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->ip_bytes[0], 128);

	/* A reused slot starts again from zero. */
	flow_flush(t, END_EOF);
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->ip_bytes[0], 64);
	assert_int_equal(f->ip_bytes[1], 0);
	flow_table_free(t);
}

/* Each direction keeps the DSCP of its first packet and a flag raised by
   the first later packet that differs; the other direction is apart. */
static void test_dscp(void **state)
{
	struct limits l = lim_with(16);
	struct flow_table *t = flow_table_new(&l, 5, NULL, NULL);
	struct packet a = tcp4(HOST_A, 40000, HOST_B, 5061, TCPF_SYN, T0);
	struct packet b = tcp4(HOST_B, 5061, HOST_A, 40000, TCPF_SYN | TCPF_ACK,
			       T0 + 1);
	struct flow *f;

	(void)state;
	a.dscp = 24;   /* CS3: SIP signalling, as Cisco marks it */
	f = flow_lookup(t, &a, NULL, NULL);
	assert_int_equal(flow_dscp(f, 0), 24);
	assert_false(flow_dscp_changed(f, 0));
	assert_int_equal(flow_dscp(f, 1), 0);
	assert_false(flow_dscp_changed(f, 1));

	b.dscp = 0;
	flow_lookup(t, &b, NULL, NULL);
	b.dscp = 0;
	flow_lookup(t, &b, NULL, NULL);
	assert_int_equal(flow_dscp(f, 1), 0);
	assert_false(flow_dscp_changed(f, 1));
	assert_int_equal(flow_dscp(f, 0), 24);

	/* Re-marked on the way: flagged, the first value kept. */
	a.dscp = 46;
	a.tcp_flags = TCPF_ACK;
	flow_lookup(t, &a, NULL, NULL);
	assert_int_equal(flow_dscp(f, 0), 24);
	assert_true(flow_dscp_changed(f, 0));
	assert_false(flow_dscp_changed(f, 1));
	/* Back to the first value: still changed. */
	a.dscp = 24;
	flow_lookup(t, &a, NULL, NULL);
	assert_true(flow_dscp_changed(f, 0));
	assert_int_equal(flow_dscp(f, 0), 24);

	/* The first packet of B changing its DSCP: B's only. */
	b.dscp = 63;
	flow_lookup(t, &b, NULL, NULL);
	assert_int_equal(flow_dscp(f, 1), 0);
	assert_true(flow_dscp_changed(f, 1));
	flow_table_free(t);
}

static void test_first_packet_fields(void **state)
{
	struct limits l = lim_with(16);
	struct flow_table *t = flow_table_new(&l, 5, NULL, NULL);
	struct packet p = pkt4(HOST_A, 5060, HOST_B, 5061, IPPROTO_NUM_UDP, T0);
	struct flow *f;
	size_t i;

	(void)state;
	p.vlan = 120;
	p.vlans[0] = 120;
	p.vlans[1] = 30;
	p.nvlans = 2;
	p.has_sgt = 1;
	p.sgt = 4242;
	p.tunnel = TUN_ERSPAN2;
	p.ntun = 1;
	p.tun[0].kind = TUN_ERSPAN2;
	p.tun[0].has_id = 1;
	p.tun[0].id = 1023;
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->id, 1);
	/* The caller's fields start at zero... */
	assert_int_equal(f->verdict, 0);
	assert_int_equal(f->classified, 0);
	assert_int_equal(f->app, 0);
	assert_int_equal(f->tables, 0);
	assert_null(f->dpi);
	f->verdict = V_UNDOCUMENTED;
	f->dpi = &i;
	/* ...and are kept while the flow lives. */
	p.vlan = 7;
	p.vlans[0] = 7;
	p.nvlans = 1;
	p.has_sgt = 0;
	p.sgt = 0;
	p.tunnel = TUN_NONE;
	p.ntun = 0;
	flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->vlans[0], 120);
	assert_int_equal(f->vlans[1], 30);
	assert_int_equal(f->nvlans, 2);
	assert_true(f->first_flags & FF_SGT);
	assert_int_equal(f->sgt, 4242);
	assert_true(f->first_flags & FF_ERSPAN);
	assert_int_equal(f->erspan_id, 1023);
	assert_int_equal(f->tunnel, TUN_ERSPAN2);
	assert_int_equal(f->first_from_b, 0);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	assert_ptr_equal(f->dpi, &i);

	/* A reused slot is zeroed again. */
	flow_flush(t, END_EOF);
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->verdict, 0);
	assert_null(f->dpi);
	assert_int_equal(f->vlans[0], 7);
	assert_int_equal(f->nvlans, 1);
	assert_int_equal(f->first_flags, 0);
	/* Every flow of a run has an id of its own; workers sharing a run
	   interleave theirs. */
	assert_int_equal(f->id, 2);
	flow_table_set_ids(t, 3, 4);
	flow_flush(t, END_EOF);
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->id, 3);
	flow_flush(t, END_EOF);
	f = flow_lookup(t, &p, NULL, NULL);
	assert_int_equal(f->id, 7);
	flow_table_free(t);
}

/* A TCP flow closed by FIN both ways or by RST and still lingering when
   the input ends keeps its closing reason. */
static void test_flush_keeps_close_reason(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct packet p;

	(void)state;
	p = tcp4(HOST_A, 40000, HOST_B, 5222, TCPF_FIN | TCPF_ACK, T0 + 1);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_B, 5222, HOST_A, 40000, TCPF_FIN | TCPF_ACK, T0 + 2);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 40001, HOST_B, 5222, TCPF_RST, T0 + 3);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 40002, HOST_B, 5222, TCPF_ACK, T0 + 4);
	flow_lookup(t, &p, NULL, NULL);

	flow_flush(t, END_EOF);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.by[END_FIN], 1);
	assert_int_equal(e.by[END_RST], 1);
	assert_int_equal(e.by[END_EOF], 1);
	flow_table_free(t);
}

static void test_flush_eof(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct packet p;
	bool is_new;

	(void)state;
	/* Three kinds of flow, touched so that the oldest is the UDP one. */
	p = pkt4(HOST_A, 1, HOST_B, 2, IPPROTO_NUM_UDP, T0 + 1);
	flow_lookup(t, &p, NULL, NULL);
	p = tcp4(HOST_A, 3, HOST_B, 4, TCPF_ACK, T0 + 3);
	flow_lookup(t, &p, NULL, NULL);
	p = pkt4(HOST_A, 0, HOST_B, 0, IPPROTO_NUM_ICMP, T0 + 2);
	flow_lookup(t, &p, NULL, NULL);

	flow_flush(t, END_EOF);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.by[END_EOF], 3);
	assert_int_equal(e.log[0].key.proto, IPPROTO_NUM_UDP);
	assert_int_equal(e.log[1].key.proto, IPPROTO_NUM_ICMP);
	assert_int_equal(e.log[2].key.proto, IPPROTO_NUM_TCP);
	assert_int_equal(flow_table_stats(t)->ended[END_EOF], 3);
	assert_int_equal(flow_table_stats(t)->active, 0);
	flow_flush(t, END_EOF);
	assert_int_equal(e.n, 3);

	/* The table is usable afterwards. */
	p = pkt4(HOST_A, 1, HOST_B, 2, IPPROTO_NUM_UDP, T0 + 4);
	flow_lookup(t, &p, &is_new, NULL);
	assert_true(is_new);
	flow_flush(t, END_SHUTDOWN);
	assert_int_equal(e.by[END_SHUTDOWN], 1);
	assert_int_equal(flow_table_stats(t)->created, 4);
	flow_table_free(t);
}

struct visit {
	unsigned n;
	uint32_t ports;   /* bit (pa - 1) per visited flow */
};

static void visit_fn(void *ctx, struct flow *f)
{
	struct visit *v = ctx;

	v->n++;
	v->ports |= 1u << (f->key.pa - 1);
}

static void test_foreach(void **state)
{
	struct limits l = lim_with(16);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 5, on_end, &e);
	struct visit v = {0, 0};
	struct packet p;
	uint16_t i;

	(void)state;
	flow_foreach(t, visit_fn, &v);
	assert_int_equal(v.n, 0);
	for (i = 1; i <= 6; i++) {
		uint8_t proto = (i % 2) ? IPPROTO_NUM_UDP : IPPROTO_NUM_TCP;

		p = pkt4(HOST_A, i, HOST_B, 100, proto, T0 + i);
		flow_lookup(t, &p, NULL, NULL);
	}
	/* End flow 2 with a RST and flow 1 by UDP idling. */
	p = tcp4(HOST_A, 2, HOST_B, 100, TCPF_RST, T0 + 2);
	flow_lookup(t, &p, NULL, NULL);
	p = pkt4(HOST_A, 3, HOST_B, 100, IPPROTO_NUM_UDP, T0 + 100 * SEC);
	flow_lookup(t, &p, NULL, NULL);
	p = pkt4(HOST_A, 5, HOST_B, 100, IPPROTO_NUM_UDP, T0 + 100 * SEC);
	flow_lookup(t, &p, NULL, NULL);
	flow_expire(t, T0 + 181 * SEC);
	assert_int_equal(e.n, 2);

	flow_foreach(t, visit_fn, &v);
	assert_int_equal(v.n, 4);
	assert_int_equal(v.ports, 0x3c);   /* flows 3, 4, 5, 6 */
	assert_int_equal(flow_table_stats(t)->active, 4);
	flow_flush(t, END_EOF);
	flow_table_free(t);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(end_reason_name(END_ACTIVE), "active");
	assert_string_equal(end_reason_name(END_IDLE), "idle");
	assert_string_equal(end_reason_name(END_FIN), "fin");
	assert_string_equal(end_reason_name(END_RST), "rst");
	assert_string_equal(end_reason_name(END_EVICTED), "evicted");
	assert_string_equal(end_reason_name(END_EOF), "eof");
	assert_string_equal(end_reason_name(END_SHUTDOWN), "shutdown");
	assert_string_equal(end_reason_name(END_COUNT), "unknown");
	assert_string_equal(dir_basis_name(BASIS_SYN), "syn");
	assert_string_equal(dir_basis_name(BASIS_SYNACK), "syn-ack");
	assert_string_equal(dir_basis_name(BASIS_CATALOGUE), "catalogue");
	assert_string_equal(dir_basis_name(BASIS_LOWER_PORT), "lower-port");
	assert_string_equal(dir_basis_name(BASIS_FIRST_PACKET), "first-packet");
	assert_string_equal(dir_basis_name(BASIS_COUNT), "unknown");
	assert_string_equal(verdict_name(V_DOCUMENTED), "documented");
	assert_string_equal(verdict_name(V_UNDOCUMENTED), "undocumented");
	assert_string_equal(verdict_name(V_LOCAL_ONLY), "local-only");
	assert_string_equal(verdict_name(V_PROTOCOL_MISMATCH), "protocol-mismatch");
	assert_string_equal(verdict_name(V_ROLE_VIOLATION), "role-violation");
	assert_string_equal(verdict_name(V_UNTRUSTED_TUNNEL), "untrusted-tunnel");
	assert_string_equal(verdict_name(V_ICMP_TUNNEL), "icmp-tunnel");
	assert_string_equal(verdict_name(V_TRUSTED_TUNNEL), "trusted-tunnel");
	assert_string_equal(verdict_name(V_COUNT), "unknown");
	/* Every verdict has a name (reports print them with %s) and says
	   whether it is a finding. */
	{
		int v, findings = 0;

		for (v = 0; v < V_COUNT; v++) {
			assert_non_null(verdict_name((enum verdict)v));
			assert_string_not_equal(verdict_name((enum verdict)v),
						"unknown");
			findings += verdict_is_finding((enum verdict)v);
		}
		assert_int_equal(findings, 7);
		assert_false(verdict_is_finding(V_DOCUMENTED));
		assert_false(verdict_is_finding(V_TRUSTED_TUNNEL));
		assert_true(verdict_is_finding(V_UNTRUSTED_TUNNEL));
		assert_false(verdict_is_finding(V_COUNT));
	}
}

/* ---- load ------------------------------------------------------------- */

/* A million lookups on a 1000-slot table: a mix of hits, misses and
   evictions (about 1500 keys in play, skewed toward a hot set). Run under
   `make SANITIZE=1` it checks every link the table touches; it carries no
   timing assertion. */
static void test_million_lookups(void **state)
{
	struct limits l = lim_with(1000);
	struct ends e = {0};
	struct flow_table *t = flow_table_new(&l, 99, on_end, &e);
	const struct flow_stats *st = flow_table_stats(t);
	uint64_t x = 88172645463325252ull, ended = 0;
	uint32_t i;
	int r;

	(void)state;
	for (i = 0; i < 1000000; i++) {
		uint32_t n;
		uint8_t proto;
		struct packet p;

		/* xorshift64: a fixed pseudo-random key sequence. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = (x & 3) ? (uint32_t)(x >> 8) % 600 : (uint32_t)(x >> 8) % 1500;
		proto = (n % 3 == 0) ? IPPROTO_NUM_UDP : IPPROTO_NUM_TCP;
		p = (n & 1) ? pkt4(HOST_A + n, 5222, HOST_B, (uint16_t)(30000 + n),
				   proto, T0 + i * 1000ull)
			    : pkt6(HOST_B, (uint16_t)(30000 + n), HOST_A + n, 5222,
				   proto, T0 + i * 1000ull);
		if (proto == IPPROTO_NUM_TCP)
			p.tcp_flags = (x >> 40) % 97 == 0 ? TCPF_SYN :
				      (x >> 40) % 89 == 0 ? TCPF_FIN | TCPF_ACK : TCPF_ACK;
		flow_lookup(t, &p, NULL, NULL);
		if (i % 10000 == 0)
			flow_expire(t, p.ts_us);
	}
	assert_true(st->active <= 1000);
	for (r = 0; r < END_COUNT; r++)
		ended += st->ended[r];
	assert_int_equal(st->created - ended, st->active);
	flow_flush(t, END_EOF);
	assert_int_equal(e.n, st->created);
	assert_int_equal(st->active, 0);
	printf("1e6 lookups: %llu flows created, %llu evicted\n",
	       (unsigned long long)st->created,
	       (unsigned long long)st->ended[END_EVICTED]);
	flow_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_new_rejects_bad_size),
		cmocka_unit_test(test_both_directions_one_flow),
		cmocka_unit_test(test_distinct_flows),
		cmocka_unit_test(test_key_canonical_v4_v6),
		cmocka_unit_test(test_hash_seeded),
		cmocka_unit_test(test_hash_compact_v4),
		cmocka_unit_test(test_seed_behaviour_identical),
		cmocka_unit_test(test_cap_evicts_least_recent),
		cmocka_unit_test(test_many_flows_small_table),
		cmocka_unit_test(test_idle_timeouts),
		cmocka_unit_test(test_idle_on_lookup),
		cmocka_unit_test(test_shared_chain_ends),
		cmocka_unit_test(test_time_backwards),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_fin_linger),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_syn_reuses_closed_flow),
		cmocka_unit_test(test_held_fragments),
		cmocka_unit_test(test_ip_bytes),
		cmocka_unit_test(test_dscp),
		cmocka_unit_test(test_first_packet_fields),
		cmocka_unit_test(test_flush_eof),
		cmocka_unit_test(test_flush_keeps_close_reason),
		cmocka_unit_test(test_foreach),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_million_lookups),
		cmocka_unit_test(test_every_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
