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

/* A 64-bit mix of the copied bytes and the packet's length: one
   multiply and rotate per 8-byte word, murmur3's finaliser once. Not for
   hash tables an attacker fills (the flow table uses SipHash): a forged
   collision here only makes one packet look like another's copy within a
   few milliseconds. */
static uint64_t fingerprint(const uint8_t *b, size_t n, uint64_t len)
{
	uint64_t h = len * UINT64_C(0x9e3779b97f4a7c15), w;
	size_t i;

	for (i = 0; i < n; i += 8) {
		w = 0;
		memcpy(&w, b + i, n - i < 8 ? n - i : 8);
		h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
		h = (h << 29) | (h >> 35);
	}
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h ? h : 1;   /* 0 marks an empty slot */
}

bool dedup_is_copy(struct dedup *d, const struct packet *p)
{
	uint8_t b[FP_IP + FP_L4];
	struct cursor c;
	size_t n, m = 0;
	uint64_t fp;
	uint32_t i;

	if (!d->window_us || !p->l3)
		return false;
	d->seen++;
	cur_init(&c, p->l3, p->l3_len);
	n = cur_left(&c) < FP_IP ? cur_left(&c) : FP_IP;
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
	fp = fingerprint(b, n + m, p->l3_len);
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
