/*
 * test_pipeline.c: the per-packet path as a run drives it, on frames
 * built here: the fragment table keyed by the run's seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "frag.h"
#include "pipeline.h"
#include "report.h"

#define T0 1767225600000000ULL   /* 2026-01-01T00:00:00Z */
#define DLT_ETHER 1

/* A run's pipeline with the built-in catalogue, no nDPI unless asked,
   and its report thrown away. */
struct run {
	struct limits lim;
	struct pipeline pl;
	FILE *sink;
};

static void run_open(struct run *r, const struct limits *lim, uint64_t seed,
		     bool dpi)
{
	struct pipeline_cfg cfg;

	memset(r, 0, sizeof *r);
	r->lim = *lim;
	memset(&cfg, 0, sizeof cfg);
	cfg.lim = &r->lim;
	cfg.no_dpi = !dpi;
	cfg.seed = seed;
	assert_int_equal(pipeline_open(&r->pl, &cfg, stderr), 0);
	r->sink = fopen("/dev/null", "w");
	assert_non_null(r->sink);
	r->pl.rep = report_new(FMT_JSON, r->sink, r->pl.cat, r->pl.dpi, 20);
	assert_non_null(r->pl.rep);
}

static void run_close(struct run *r)
{
	report_free(r->pl.rep);
	r->pl.rep = NULL;
	pipeline_close(&r->pl);
	fclose(r->sink);
}

/* Ethernet + IPv4, source 10.s1.s2.s3, destination 192.0.2.10, UDP
   (protocol 17), identification id: a later fragment (offset 8 bytes,
   more fragments) carrying 8 bytes. */
static size_t frag_frame(uint8_t *b, uint32_t src, uint16_t id)
{
	static const uint8_t mac[12] = { 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10 };
	uint8_t *ip = b + 14;

	memcpy(b, mac, 12);
	b[12] = 0x08;
	b[13] = 0x00;
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[3] = 28;
	ip[4] = (uint8_t)(id >> 8);
	ip[5] = (uint8_t)id;
	ip[6] = 0x20;             /* MF, offset 1 (8 bytes) */
	ip[7] = 0x01;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10;
	ip[13] = (uint8_t)(src >> 16);
	ip[14] = (uint8_t)(src >> 8);
	ip[15] = (uint8_t)src;
	ip[16] = 192;
	ip[18] = 2;
	ip[19] = 10;
	return 14 + 28;
}

/* The fragment table's key for frag_frame(src, id), as the decoder
   builds it. */
static struct frag_key frag_key_of(uint32_t src, uint16_t id)
{
	struct frag_key k;

	memset(&k, 0, sizeof k);
	k.src.b[10] = k.src.b[11] = 0xff;
	k.src.b[12] = 10;
	k.src.b[13] = (uint8_t)(src >> 16);
	k.src.b[14] = (uint8_t)(src >> 8);
	k.src.b[15] = (uint8_t)src;
	k.dst.b[10] = k.dst.b[11] = 0xff;
	k.dst.b[12] = 192;
	k.dst.b[14] = 2;
	k.dst.b[15] = 10;
	k.id = id;
	k.family = 4;
	k.proto = 17;
	return k;
}

#define CRAFTED 400
#define FRAG_SLOTS 64            /* --max-frags of these runs */
#define FRAG_BUCKETS 128         /* twice that (frag.c) */

/* Datagrams whose keys all hash to bucket 0 under `seed`: what a sender
   who knew the seed could aim at one chain. */
static void craft(uint64_t seed, uint32_t *src, uint16_t *id)
{
	uint32_t s = 0;
	int n = 0;

	while (n < CRAFTED) {
		struct frag_key k = frag_key_of(s, (uint16_t)(s * 7));

		if ((frag_hash(&k, seed) & (FRAG_BUCKETS - 1)) == 0) {
			src[n] = s;
			id[n] = (uint16_t)(s * 7);
			n++;
		}
		s++;
	}
}

/* Probes the run's fragment table spent on the crafted datagrams. */
static uint64_t probes_for(uint64_t run_seed, const uint32_t *src,
			   const uint16_t *id)
{
	struct limits lim;
	struct run r;
	uint8_t b[64];
	uint64_t probes;
	int i;

	limits_default(&lim);
	lim.max_frags = FRAG_SLOTS;
	lim.max_flows = 1000;
	run_open(&r, &lim, run_seed, false);
	for (i = 0; i < CRAFTED; i++) {
		size_t n = frag_frame(b, src[i], id[i]);

		pipeline_queue(&r.pl, DLT_ETHER, T0 + (uint64_t)i, b, (uint32_t)n,
			       (uint32_t)n);
	}
	pipeline_drain(&r.pl);
	probes = frag_table_stats(r.pl.dec.frags_tab)->probes;
	/* Every datagram was held and all but the last 64 pushed out. */
	assert_int_equal(r.pl.dec.err[DERR_FRAG_TABLE_FULL], CRAFTED - FRAG_SLOTS);
	run_close(&r);
	return probes;
}

/*
 * The fragment table is keyed by the run's seed: datagrams crafted to
 * share a chain under that seed do (so the seed is what keys it), and
 * the same datagrams spread out in a run with another seed, where a
 * sender who does not know the seed cannot aim.
 */
static void test_frag_table_keyed_by_run_seed(void **state)
{
	static uint32_t src[CRAFTED];
	static uint16_t id[CRAFTED];
	const uint64_t seed = 0x5eed0001ULL, other = 0x5eed0002ULL;
	uint64_t aimed, missed;

	(void)state;
	craft(seed, src, id);
	aimed = probes_for(seed, src, id);
	missed = probes_for(other, src, id);
	printf("fragment table probes for %d crafted datagrams: %llu with "
	       "the seed they were made for, %llu with another\n", CRAFTED,
	       (unsigned long long)aimed, (unsigned long long)missed);
	/* One chain of up to 64: tens of probes per datagram. */
	assert_true(aimed > 30ull * CRAFTED);
	/* Spread over 128 buckets: about one per datagram. */
	assert_true(missed < 3ull * CRAFTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frag_table_keyed_by_run_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
