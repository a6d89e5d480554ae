/*
 * dedup.h: frames a SPAN session mirrored twice.
 *
 * When a SPAN mirrors both the ingress and the egress of a path, or two
 * sessions overlap, every frame arrives twice, microseconds apart. A copy
 * is the same IP packet (TTL or hop limit and the IPv4 checksum aside, so
 * a copy taken after a router hop counts too; VLAN tags are not looked
 * at) through the same overlay tunnels (GRE, VXLAN, IP in IP..., or
 * none: the same packet in a tunnel and bare went to two places) and
 * ERSPAN collectors (two switches' sessions to one collector give
 * copies), from the same kind of link (a loopback interface's frame and
 * a wire's are two packets), seen again within a short window. Copies
 * are counted and left out, so flows count each packet once.
 *
 * A fixed, direct-mapped table of recent fingerprints: O(1) per packet, no
 * allocation after dedup_init(). A fingerprint collision can only merge two
 * different packets that arrive within the window into one.
 */
#ifndef IMPWATCH_DEDUP_H
#define IMPWATCH_DEDUP_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

#define DEDUP_SLOTS 4096          /* power of two */

struct dedup_slot {
	uint64_t fp;              /* fingerprint, 0 empty */
	uint64_t ts;              /* when it was seen */
};

struct dedup {
	struct dedup_slot *slot;  /* DEDUP_SLOTS of them */
	uint64_t window_us;       /* 0: detection off */
	uint64_t seen, copies;
};

/* 0, or -1 when out of memory. window_us 0 turns detection off. */
int dedup_init(struct dedup *d, uint64_t window_us);
void dedup_free(struct dedup *d);

/* True when p repeats a packet seen less than the window ago. ends is a
   hash of p's addresses, IP protocol, ports and direction (the caller
   has one for its flow table; flow_prep_ends()): the fingerprint leaves
   them to it. */
bool dedup_is_copy(struct dedup *d, const struct packet *p, uint64_t ends);

/* The same in steps, for a caller that batches packets: the packet's
   fingerprint (0 when it is not checked: detection off, or no IP header),
   a hint to fetch its slot, and the check, which must come in packet
   order. */
uint64_t dedup_fingerprint(const struct dedup *d, const struct packet *p,
			   uint64_t ends);

/* Inline: once a packet each. */
static inline void dedup_prefetch(const struct dedup *d, uint64_t fp)
{
	if (fp)
		__builtin_prefetch(&d->slot[fp & (DEDUP_SLOTS - 1)], 1);
}

static inline bool dedup_check(struct dedup *d, uint64_t fp, uint64_t ts_us)
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

#endif
