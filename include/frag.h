/*
 * frag.h: the bounded fragment table.
 *
 * impwatch does not reassemble datagrams. It only remembers, per datagram
 * (addresses, identification, protocol), the flow its first fragment
 * decoded to, so that the later fragments, which carry no transport
 * header, are accounted to the same flow. Later fragments that arrive
 * before their first fragment are held as counts (packets, wire bytes) and
 * handed over when it comes.
 *
 * The table owns every entry. It is sized once, hashes each key with the
 * flow table's keyed hash (siphash.h) under the run's seed, keeps entries
 * on one list ordered by last use, and never allocates after
 * frag_table_new(). When full, the least recently used
 * entry is evicted; expired and evicted entries count their held
 * fragments as orphans. A datagram whose bytes have all been seen (first
 * fragment included) leaves the table at once.
 *
 * A later fragment that begins inside its first fragment's data overlaps
 * what the flow was judged on (its ports, TCP's flags, the first bytes):
 * receivers differ in whose bytes they keep (RFC 815 leaves it to them;
 * RFC 5722 has IPv6 drop the datagram), so the table counts such
 * datagrams.
 */
#ifndef IMPWATCH_FRAG_H
#define IMPWATCH_FRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

/* One datagram. Hashed and compared as bytes: zero it before filling. */
struct frag_key {
	struct ip_addr src, dst;
	uint32_t id;       /* IPv4's 16-bit or IPv6's 32-bit identification */
	uint8_t family;    /* 4 or 6 */
	uint8_t proto;     /* IPv4 protocol (part of IPv4's key, RFC 791);
	                      0 for IPv6, whose fragments may name other
	                      next headers than the first (RFC 8200 4.5) */
	uint8_t pad[2];    /* zero */
};

/* What a later fragment inherits from its first fragment. */
struct frag_flow {
	struct ip_addr src, dst;
	uint16_t sport, dport;
	uint8_t family, proto, icmp_type, icmp_code, tunnel;
};

struct frag_stats {
	uint64_t orphans;    /* held fragments expired or evicted unclaimed */
	uint64_t evictions;  /* entries pushed out because the table was full */
	uint64_t evicted_orphans; /* of the orphans, those held by an entry
	                             pushed out: lost for want of room */
	uint64_t overlaps;   /* datagrams with a later fragment that began
	                        inside their first fragment's data */
	uint32_t live;       /* entries in use now */
	uint64_t probes;     /* entries passed on hash chains (lookups and
	                        unlinks): the table's work, for tests */
};

/* Largest table accepted: links are 32-bit slot indices and the bucket
   count, twice the size rounded up to a power of two, must fit too. */
#define FRAG_MAX_ENTRIES (1u << 28)

struct frag_table;

/* NULL when memory cannot be had or max_entries is 0 or above
   FRAG_MAX_ENTRIES. Entries idle for more than timeout_us expire. seed
   keys the hash: the run's random seed, so that a sender cannot compute
   datagrams that share a chain. */
struct frag_table *frag_table_new(uint32_t max_entries, uint64_t timeout_us,
				  uint64_t seed);
void frag_table_free(struct frag_table *t);   /* NULL is ignored */

/*
 * A fragment at a non-zero offset: off and len are its data's offset and
 * length in bytes as its header claims, more its MF bit. When the first
 * fragment of its datagram has been seen, fills *out and returns true.
 * Otherwise holds it (one packet, wire_len bytes on the wire, an IP packet
 * of ip_len bytes) and returns false.
 */
bool frag_later(struct frag_table *t, const struct frag_key *k,
		uint64_t now_us, uint32_t off, uint32_t len, bool more,
		uint32_t wire_len, uint32_t ip_len, struct frag_flow *out);

/*
 * The first fragment (offset 0, MF set, len data bytes) decoded to flow
 * *f: remember it for the later ones, and add the fragments held so far
 * to *held_pkts, *held_bytes and *held_ip_bytes (the entry's counts are
 * zeroed).
 */
void frag_first(struct frag_table *t, const struct frag_key *k,
		uint64_t now_us, uint32_t len, const struct frag_flow *f,
		uint32_t *held_pkts, uint64_t *held_bytes,
		uint64_t *held_ip_bytes);

/* Drop entries idle since before now_us - timeout, and entries stamped
   more than the timeout after now_us (a stamp far ahead of the others);
   UINT64_MAX drops all. */
void frag_expire(struct frag_table *t, uint64_t now_us);

const struct frag_stats *frag_table_stats(const struct frag_table *t);

/* The hash of a key under seed, as a table made with that seed computes
   it: SipHash-1-3 of the key's five words (for tests). */
uint64_t frag_hash(const struct frag_key *k, uint64_t seed);

#endif
