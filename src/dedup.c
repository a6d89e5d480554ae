/*
 * dedup.c: counting and leaving out frames mirrored twice.
 */
#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"

/* Bytes of the IP packet a fingerprint covers: the headers and the start
   of the payload, enough to tell packets of one flow apart (IPv4 id, TCP
   sequence numbers), cheap enough for every packet. */
#define FP_BYTES 96

int dedup_init(struct dedup *d, uint64_t window_us)
{
	memset(d, 0, sizeof(*d));
	d->window_us = window_us;
	if (!window_us)
		return 0;
	d->fp = calloc(DEDUP_SLOTS, sizeof(*d->fp));
	d->ts = calloc(DEDUP_SLOTS, sizeof(*d->ts));
	if (!d->fp || !d->ts) {
		dedup_free(d);
		return -1;
	}
	return 0;
}

void dedup_free(struct dedup *d)
{
	free(d->fp);
	free(d->ts);
	d->fp = NULL;
	d->ts = NULL;
}

/* A 64-bit mix of the copied bytes and the packet's length (murmur3's
   finaliser per 8-byte word). */
static uint64_t fingerprint(const uint8_t *b, size_t n, uint64_t len)
{
	uint64_t h = len * UINT64_C(0x9e3779b97f4a7c15), w;
	size_t i;

	for (i = 0; i < n; i += 8) {
		w = 0;
		memcpy(&w, b + i, n - i < 8 ? n - i : 8);
		h ^= w;
		h ^= h >> 33;
		h *= UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 33;
		h *= UINT64_C(0xc4ceb9fe1a85ec53);
		h ^= h >> 33;
	}
	return h ? h : 1;   /* 0 marks an empty slot */
}

bool dedup_is_copy(struct dedup *d, const struct packet *p)
{
	uint8_t b[FP_BYTES];
	struct cursor c;
	size_t n;
	uint64_t fp;
	uint32_t i;

	if (!d->window_us || !p->l3)
		return false;
	d->seen++;
	cur_init(&c, p->l3, p->l3_len);
	n = cur_left(&c) < FP_BYTES ? cur_left(&c) : FP_BYTES;
	if (!cur_copy(&c, b, n))
		return false;
	/* What a router hop changes: TTL and header checksum (RFC 791), hop
	   limit (RFC 8200). */
	if (p->family == 4 && n >= 12) {
		b[8] = 0;
		b[10] = b[11] = 0;
	} else if (p->family == 6 && n >= 8) {
		b[7] = 0;
	}
	fp = fingerprint(b, n, p->l3_len);
	i = (uint32_t)fp & (DEDUP_SLOTS - 1);
	if (d->fp[i] == fp && p->ts_us >= d->ts[i] &&
	    p->ts_us - d->ts[i] <= d->window_us) {
		d->copies++;
		return true;
	}
	d->fp[i] = fp;
	d->ts[i] = p->ts_us;
	return false;
}
