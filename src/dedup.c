/*
 * dedup.c: counting and leaving out frames mirrored twice.
 */
#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "trust.h"

/* Mixed into `ends` for a loopback link's packet (dedup_fingerprint()):
   any constant that is not 0. */
#define LOOP_WORD UINT64_C(0x6c6f6f7062616b31)

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

/* The next 8 bytes at c as one word in host order, zero past what is
   left; advances over what it took. */
static inline uint64_t take_word(struct cursor *c)
{
	uint64_t w = 0;

	if (!cur_copy(c, &w, 8))
		(void)cur_copy(c, &w, cur_left(c));
	return w;
}

/* Where the bytes after the IP header's first 8 are taken from: the
   transport header, or for a fragment without one what follows the
   fixed header (IPv4 data, or IPv6's fragment header with its offset). */
static size_t after_ip(const struct packet *p)
{
	if (p->l4_off)
		return p->l4_off;
	return p->family == 4 ? 20 : 40;
}

/*
 * The tunnels p came through, as one word, never 0 when there is one:
 * an overlay's kind and outer endpoints, an ERSPAN session's collector.
 * A packet inside a GRE, VXLAN or IP-in-IP tunnel and the same packet
 * bare (or in another tunnel) crossed the wire twice, to other places:
 * not copies. Taken for one, a tunnel whose every packet repeats one
 * seen bare (its own data, sent once more to its own end) was never
 * seen at all. ERSPAN is the mirror's own transport: two sessions that
 * overlap, from two switches to one collector, give the same packet
 * twice, copies; an ERSPAN session to another collector is another
 * place (with a collector declared, an undeclared one is a finding).
 */
static uint64_t overlay_word(const struct packet *p)
{
	const uint64_t m = UINT64_C(0x9e3779b97f4a7c15);
	uint64_t h = 0, w[4];
	uint8_t i;

	for (i = 0; i < p->ntun; i++) {
		const struct tun_layer *t = &p->tun[i];

		if (tunnel_is_erspan((enum tunnel_kind)t->kind)) {
			memcpy(w, t->dst.b, 16);
			h = (h ^ UINT64_C(0xe5) ^ w[0]) * m;
			h = ((h ^ w[1]) * m) | 1;
			continue;
		}
		memcpy(w, t->src.b, 16);
		memcpy(w + 2, t->dst.b, 16);
		h = (h ^ ((uint64_t)t->kind << 32 | (uint64_t)t->sport << 16 |
			  t->dport)) * m;
		h = (h ^ w[0]) * m;
		h = (h ^ w[1]) * m;
		h = (h ^ w[2]) * m;
		h = (h ^ w[3]) * m;
		h = (h ^ t->id ^ (h >> 29)) | 1;
	}
	return h;
}

/*
 * What a fingerprint covers:
 *  - ends: the caller's hash of the packet's addresses, protocol, ports
 *    and direction (the flow table's, already computed);
 *  - the IP header's first 8 bytes: IPv4's length, id and fragment
 *    offset; IPv6's traffic class, flow label, payload length and next
 *    header. Neither holds what a router hop changes (TTL and checksum,
 *    RFC 791, are in IPv4's next 4; IPv6's hop limit, RFC 8200, is
 *    masked out);
 *  - 24 bytes from the transport header on: TCP's ports, sequence and
 *    acknowledgment numbers, flags, window and checksum; UDP's length
 *    and checksum and 16 bytes of payload; ICMP's type, code, checksum
 *    and the start of its body. The checksums stand for the payload
 *    past them;
 *  - the IP packet's captured length;
 *  - the tunnels it came through (overlay_word(): an ERSPAN session by
 *    its collector alone), with `ends`;
 *  - whether it came from a loopback link (packet.loop_link), with
 *    `ends`: the link says whether loopback ends are on loopback
 *    (classify.c). A frame with both MACs zero and the same packet from
 *    a wire are two packets: taken for copies, a session to a
 *    localhost-only port whose every frame was sent first with zero
 *    MACs (no host on a wire takes them) was judged on loopback.
 * Mixed in two lanes (one multiply and rotate per word; the lanes do not
 * wait for each other), murmur3's finaliser once. Not for hash tables an
 * attacker fills (the flow and fragment tables key SipHash per run): the
 * table here is direct-mapped, so no input lengthens any walk. Keying the
 * rest would buy nothing: a sender who wants two packets taken for copies
 * needs no collision, only the same 32 bytes and checksums (nothing
 * checks them).
 *
 * The slot (the low bits) comes from the packet's bytes alone, `ends`
 * mixed into the rest: the flow hash is keyed at random per run, and a
 * slot chosen by it would make which copies are still found, once more
 * packets than slots fall in the window (a capture whose stamps all read
 * the same), differ from run to run, and between 1 and N flow workers.
 * The checksums in those bytes cover the addresses (RFC 768, RFC 9293
 * pseudo-headers), so the slots spread as well without them.
 */
uint64_t dedup_fingerprint(const struct dedup *d, const struct packet *p,
			   uint64_t ends)
{
	static const uint8_t hop_mask[8] = { 0xff, 0xff, 0xff, 0xff,
					     0xff, 0xff, 0xff, 0 };
	const uint64_t m = UINT64_C(0xff51afd7ed558ccd);
	uint64_t w0, w1, w2, w3, h0, h1, mask;
	struct cursor c;

	if (!d->window_us || !p->l3)
		return 0;
	if (p->ntun)
		ends ^= overlay_word(p);
	if (p->loop_link)
		ends ^= LOOP_WORD;
	cur_init(&c, p->l3, p->l3_len);
	w0 = take_word(&c);
	if (p->family == 6) {
		memcpy(&mask, hop_mask, 8);
		w0 &= mask;
	}
	cur_init(&c, p->l3, p->l3_len);
	w1 = w2 = w3 = 0;
	if (cur_skip(&c, after_ip(p))) {
		struct cursor h;

		/* Mostly all 24 bytes are there: one check for them (the
		   words from a cursor of just those bytes, as decode_ip.c
		   reads a header). */
		if (cur_sub(&c, 24, &h)) {
			(void)cur_copy(&h, &w1, 8);
			(void)cur_copy(&h, &w2, 8);
			(void)cur_copy(&h, &w3, 8);
		} else {
			w1 = take_word(&c);
			w2 = take_word(&c);
			w3 = take_word(&c);
		}
	}
	h0 = w0 * m;
	h1 = ((uint64_t)p->l3_len * UINT64_C(0x9e3779b97f4a7c15) ^ w1) * m;
	h0 = ((h0 << 29) | (h0 >> 35)) ^ w2;
	h1 = ((h1 << 29) | (h1 >> 35)) ^ w3;
	h0 *= m;
	h1 *= UINT64_C(0xc4ceb9fe1a85ec53);
	h0 ^= (h1 << 31) | (h1 >> 33);
	h0 ^= h0 >> 33;
	h0 *= UINT64_C(0xc4ceb9fe1a85ec53);
	h0 ^= h0 >> 33;
	/* The bytes' hash picks the slot; the ends change the rest. */
	h1 = (h0 ^ ends) * m;
	h1 ^= h1 >> 33;
	h0 = (h0 & (DEDUP_SLOTS - 1)) | (h1 & ~(uint64_t)(DEDUP_SLOTS - 1));
	return h0 ? h0 : 1;   /* 0 marks an empty slot */
}

bool dedup_is_copy(struct dedup *d, const struct packet *p, uint64_t ends)
{
	return dedup_check(d, dedup_fingerprint(d, p, ends), p->ts_us);
}
