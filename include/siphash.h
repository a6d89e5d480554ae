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
 * SipHash-1-3 of a message of n 64-bit words: the same value as
 * siphash13() over the words' little-endian bytes (8n of them). What the
 * tables use: their keys are fixed-size structs, taken a word at a time
 * without a byte loop.
 */
uint64_t siphash13_words(const struct sipkey *k, const uint64_t *w, size_t n);

#endif
