/*
 * dedup.c: counting and leaving out frames mirrored twice.
 */
#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"

/* What a fingerprint covers: the first FP_IP bytes of the IP packet (the
   IPv4 header with its id, or the IPv6 header with both addresses) and
   FP_L4 bytes from the transport header on (ports, TCP sequence and
   acknowledgment numbers, the start of the payload), wherever extension
   headers put it. Enough to tell a flow's packets apart, cheap enough for
   every packet. */
#define FP_IP 40
#define FP_L4 40

int dedup_init(struct dedup *d, uint64_t window_us)
{
	memset(d, 0, sizeof(*d));
	d->window_us = window_us;
	if (!window_us)
		return 0;
	d->slot = calloc(DEDUP_SLOTS, sizeof(*d->slot));
	if (!d->slot)
		return -1;
	return 0;
}

void dedup_free(struct dedup *d)
{
	free(d->slot);
	d->slot = NULL;
}

/* A 64-bit mix of the packet's first FP_IP + FP_L4 bytes (zero past what
   was copied) and its length: one multiply and rotate per 8-byte word, in
   two independent lanes (the multiplies of one lane wait for each other,
   not for the other lane's), murmur3's finaliser once. Not for hash
   tables an attacker fills (the flow table uses SipHash): a forged
   collision here only makes one packet look like another's copy within a
   few milliseconds. */
static uint64_t fingerprint(const uint8_t b[FP_IP + FP_L4], uint64_t len)
{
	uint64_t h0 = len * UINT64_C(0x9e3779b97f4a7c15);
	uint64_t h1 = UINT64_C(0x87c37b91114253d5), w0, w1;
	size_t i;

	for (i = 0; i < FP_IP + FP_L4; i += 16) {
		memcpy(&w0, b + i, 8);
		memcpy(&w1, b + i + 8, 8);
		h0 = (h0 ^ w0) * UINT64_C(0xff51afd7ed558ccd);
		h1 = (h1 ^ w1) * UINT64_C(0xff51afd7ed558ccd);
		h0 = (h0 << 29) | (h0 >> 35);
		h1 = (h1 << 29) | (h1 >> 35);
	}
	h0 ^= (h1 << 31) | (h1 >> 33);
	h0 ^= h0 >> 33;
	h0 *= UINT64_C(0xc4ceb9fe1a85ec53);
	h0 ^= h0 >> 33;
	return h0 ? h0 : 1;   /* 0 marks an empty slot */
}

_Static_assert((FP_IP + FP_L4) % 16 == 0, "fingerprint() takes 16 bytes a step");

uint64_t dedup_fingerprint(const struct dedup *d, const struct packet *p)
{
	uint8_t b[FP_IP + FP_L4] = { 0 };
	struct cursor c;
	size_t n, m = 0;

	if (!d->window_us || !p->l3)
		return 0;
	cur_init(&c, p->l3, p->l3_len);
	n = cur_left(&c) < FP_IP ? cur_left(&c) : FP_IP;
	if (!cur_copy(&c, b, n))
		return 0;
	/* What a router hop changes: TTL and header checksum (RFC 791), hop
	   limit (RFC 8200). */
	if (p->family == 4 && n >= 12) {
		b[8] = 0;
		b[10] = b[11] = 0;
	} else if (p->family == 6 && n >= 8) {
		b[7] = 0;
	}
	/* The transport header on, when it lies past what was copied. */
	if (p->l4_off > n) {
		cur_init(&c, p->l3, p->l3_len);
		if (cur_skip(&c, p->l4_off)) {
			m = cur_left(&c) < FP_L4 ? cur_left(&c) : FP_L4;
			if (!cur_copy(&c, b + n, m))
				m = 0;
		}
	} else {
		/* It starts inside the copy (IPv4): take more after it. */
		m = cur_left(&c) < FP_L4 ? cur_left(&c) : FP_L4;
		if (!cur_copy(&c, b + n, m))
			m = 0;
	}
	return fingerprint(b, p->l3_len);
}

void dedup_prefetch(const struct dedup *d, uint64_t fp)
{
	if (fp)
		__builtin_prefetch(&d->slot[fp & (DEDUP_SLOTS - 1)], 1);
}

bool dedup_check(struct dedup *d, uint64_t fp, uint64_t ts_us)
{
	struct dedup_slot *s;

	if (!fp)
		return false;
	d->seen++;
	s = &d->slot[fp & (DEDUP_SLOTS - 1)];
	if (s->fp == fp && ts_us >= s->ts && ts_us - s->ts <= d->window_us) {
		d->copies++;
		return true;
	}
	s->fp = fp;
	s->ts = ts_us;
	return false;
}

bool dedup_is_copy(struct dedup *d, const struct packet *p)
{
	return dedup_check(d, dedup_fingerprint(d, p), p->ts_us);
}
