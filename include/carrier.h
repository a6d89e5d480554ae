/*
 * carrier.h: the tunnel carriers of a run, and which of them the site
 * trusts.
 *
 * A carrier is a tunnel between two outer endpoints, of one kind and one
 * VNI or ERSPAN session: the VXLAN between two VTEPs, an ERSPAN session
 * from a switch to its collector, a GRE tunnel. Each tunnel a packet came
 * through (decode.h's tun[]) counts the packet to its carrier; the
 * summary lists every carrier, so that what a tunnel carried never hides
 * the tunnel itself.
 *
 * Whether a carrier is trusted is trust.h's rule, decided once, when
 * the carrier is first seen.
 *
 * The table is sized once (MAX_CARRIERS entries), hashed with the run's
 * seed (addresses come off the wire), and never allocates per packet; a
 * carrier past it is still judged, and its packets are counted apart.
 */
#ifndef IMPWATCH_CARRIER_H
#define IMPWATCH_CARRIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "decode.h"
#include "trust.h"

/* One carrier, as the summary lists it. */
struct carrier {
	struct ip_addr src, dst;   /* as its first packet went */
	uint32_t id;               /* VNI or ERSPAN session, when has_id */
	uint8_t kind;              /* enum tunnel_kind; 0: a free slot */
	uint8_t family;            /* outer IP version */
	uint8_t has_id;
	uint8_t trusted;
	uint64_t packets, bytes;   /* both ways; wire lengths of the frames */
	uint64_t flows;            /* its flows (outer 5-tuples) started */
};

struct carriers;

/* NULL when out of memory. seed keys the table's hash; trust judges
   each new carrier (it must outlive the table). */
struct carriers *carriers_new(uint64_t seed, const struct trust *trust);
void carriers_free(struct carriers *c);   /* NULL is ignored */

/*
 * One packet through tunnel t (wire_len bytes on the wire): count it to
 * t's carrier. Returns whether the carrier is trusted; *e is its entry,
 * or NULL when the table is full and the carrier is not listed. O(1) for
 * a listed carrier; one trust decision for each new one.
 */
bool carriers_see(struct carriers *c, const struct tun_layer *t,
		  uint32_t wire_len, struct carrier **e);

/* Add from's carriers and counts into into (same seed and trust): the
   carriers of several readers, each with a table of its own, as one. A
   carrier both list keeps into's endpoints' order. */
void carriers_merge(struct carriers *into, const struct carriers *from);

/* The listed carriers, most packets first (then by kind, id and
   endpoints): an array the caller frees; NULL when out of memory. */
const struct carrier **carriers_sorted(const struct carriers *c, size_t *n);

/* Carriers listed; and the packets of carriers past the table. */
size_t carriers_count(const struct carriers *c);
uint64_t carriers_unlisted_packets(const struct carriers *c);

#endif
