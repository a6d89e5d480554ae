/*
 * siphash.h: the one keyed hash of impwatch, for every table keyed by
 * what comes off the wire (flows, fragments).
 *
 * SipHash-1-3 (Aumasson and Bernstein, "SipHash: a fast short-input
 * PRF", 2012; the variant CPython and Rust use for their tables). Why
 * keyed: addresses, ports and IP identifications are the sender's to
 * choose, and with an unkeyed or fixed-seed mix a sender can compute
 * keys that share one hash chain and make every lookup walk it. SipHash's
 * collisions depend on a 128-bit secret drawn for each run.
 *
 * Nothing allocates; the functions are pure.
 */
#ifndef IMPWATCH_SIPHASH_H
#define IMPWATCH_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct sipkey {
	uint64_t k0, k1;
};

/* The 128-bit key of a run from its 64-bit seed (getrandom() in a run,
   fixed in tests): two draws of splitmix64 from the seed. */
void sipkey_from_seed(struct sipkey *k, uint64_t seed);

/* SipHash-1-3 of len bytes at in: the reference algorithm, words read
   little-endian, the same value on every host. */
uint64_t siphash13(const struct sipkey *k, const void *in, size_t len);

/*
 * The rest is inline: the flow table hashes every packet's key with
 * siphash13_words(), and a call and a loop cost 2% of a port-only run
 * (README, Performance).
 */
static inline uint64_t sip_rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

#define SIP_ROUND(v0, v1, v2, v3) do {                                  \
	v0 += v1; v1 = sip_rotl64(v1, 13); v1 ^= v0;                    \
	v0 = sip_rotl64(v0, 32);                                        \
	v2 += v3; v3 = sip_rotl64(v3, 16); v3 ^= v2;                    \
	v0 += v3; v3 = sip_rotl64(v3, 21); v3 ^= v0;                    \
	v2 += v1; v1 = sip_rotl64(v1, 17); v1 ^= v2;                    \
	v2 = sip_rotl64(v2, 32);                                        \
} while (0)

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
	SIP_ROUND(v0, v1, v2, v3);                                      \
	v0 ^= (m);                                                      \
} while (0)

/* The last block b (length byte on top), then three rounds (the 3). */
static inline uint64_t sip_final(uint64_t b, uint64_t v0, uint64_t v1,
				 uint64_t v2, uint64_t v3)
{
	SIP_WORD(b, v0, v1, v2, v3);
	v2 ^= 0xff;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * SipHash-1-3 of a message of n 64-bit words: the same value as
 * siphash13() over the words' little-endian bytes (8n of them). What the
 * tables use: their keys are fixed-size structs, taken a word at a time
 * without a byte loop.
 */
static inline uint64_t siphash13_words(const struct sipkey *k,
					const uint64_t *w, size_t n)
{
	uint64_t v0, v1, v2, v3;
	size_t i;

	SIP_INIT(k, v0, v1, v2, v3);
	/* Unrolled for a constant n (the tables' 2 and 5): the words stay
	   in registers, with no loop to count (GCC's -O2 unrolls none). */
#pragma GCC unroll 8
	for (i = 0; i < n; i++)
		SIP_WORD(w[i], v0, v1, v2, v3);
	return sip_final((uint64_t)(n * 8) << 56, v0, v1, v2, v3);
}

#endif
