/*
 * siphash.c: SipHash-1-3, the keyed hash of the flow and fragment tables
 * (the contract is in siphash.h).
 *
 * One compression round per 8-byte word and three to finish: for the
 * 16-byte IPv4 flow key, six rounds in all. The last block carries the
 * message length in its top byte (SipHash's padding), so messages of
 * different lengths never hash as the same input.
 */
#include "siphash.h"

#include <string.h>

/* splitmix64 (Steele, Lea, Flood 2014): spreads a 64-bit seed into the
   two independent-looking halves of the 128-bit key. */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void sipkey_from_seed(struct sipkey *k, uint64_t seed)
{
	k->k0 = splitmix64(&seed);
	k->k1 = splitmix64(&seed);
}

/* Up to 8 bytes at p as a little-endian word, zero above them. */
static inline uint64_t load_le(const unsigned char *p, size_t n)
{
	uint64_t w = 0;

	while (n-- > 0)
		w = (w << 8) | p[n];
	return w;
}

uint64_t siphash13(const struct sipkey *k, const void *in, size_t len)
{
	const unsigned char *p = in;
	uint64_t v0, v1, v2, v3;
	size_t i, whole = len - len % 8;

	SIP_INIT(k, v0, v1, v2, v3);
	for (i = 0; i < whole; i += 8) {
		uint64_t m = load_le(p + i, 8);

		SIP_WORD(m, v0, v1, v2, v3);
	}
	return sip_final(load_le(p + whole, len - whole) | (uint64_t)len << 56,
			 v0, v1, v2, v3);
}
