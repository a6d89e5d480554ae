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

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

#define SIPROUND(v0, v1, v2, v3) do {                                   \
	v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32);   \
	v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;                        \
	v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;                        \
	v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32);   \
} while (0)

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

/* The state after the key is set ("somepseudorandomlygeneratedbytes"). */
#define SIP_INIT(k, v0, v1, v2, v3) do {                                \
	v0 = (k)->k0 ^ 0x736f6d6570736575ull;                           \
	v1 = (k)->k1 ^ 0x646f72616e646f6dull;                           \
	v2 = (k)->k0 ^ 0x6c7967656e657261ull;                           \
	v3 = (k)->k1 ^ 0x7465646279746573ull;                           \
} while (0)

/* One message word: one compression round (the 1 of 1-3). */
#define SIP_WORD(m, v0, v1, v2, v3) do {                                \
	v3 ^= (m);                                                      \
	SIPROUND(v0, v1, v2, v3);                                       \
	v0 ^= (m);                                                      \
} while (0)

/* The last block b (length byte on top), then three rounds (the 3). */
static inline uint64_t sip_final(uint64_t b, uint64_t v0, uint64_t v1,
				 uint64_t v2, uint64_t v3)
{
	SIP_WORD(b, v0, v1, v2, v3);
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
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

uint64_t siphash13_words(const struct sipkey *k, const uint64_t *w, size_t n)
{
	uint64_t v0, v1, v2, v3;
	size_t i;

	SIP_INIT(k, v0, v1, v2, v3);
	for (i = 0; i < n; i++)
		SIP_WORD(w[i], v0, v1, v2, v3);
	return sip_final((uint64_t)(n * 8) << 56, v0, v1, v2, v3);
}
