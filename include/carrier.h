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
 * Trust. A site names the tunnel endpoints it trusts: networks given with
 * --trust-tunnel ADDR[/LEN], and inventory hosts (--hosts) holding the
 * role tunnel-endpoint (the longest prefix that matches an address says
 * its roles, as everywhere in the inventory). An overlay carrier (every
 * kind but ERSPAN: VXLAN, VXLAN-GPE, Geneve, GRE with WCCP and PPTP,
 * IP-in-IP, 6in4, 4in6) is trusted only when both its outer endpoints are
 * declared: a real overlay runs between two tunnel endpoints the site
 * knows, and whoever sends to a declared endpoint from an address of his
 * own must not pass. ERSPAN, the mirroring transport itself, is trusted
 * when no endpoint is declared at all; once any is, only ERSPAN to or
 * from a declared endpoint (its collector) is.
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
#include "hosts.h"

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

/* NULL when out of memory. seed keys the table's hash. */
struct carriers *carriers_new(uint64_t seed);
void carriers_free(struct carriers *c);   /* NULL is ignored */

/* Trust the endpoints in spec, ADDR[/LEN] (IPv4 or IPv6, no host bits
   past LEN); -1 with the reason in why when spec is not one, or when
   MAX_TRUST_TUNNEL are declared already. Before any packet. */
int carriers_trust(struct carriers *c, const char *spec, char *why,
		   size_t whysize);

/* Hosts of the inventory holding the role tunnel-endpoint are trusted
   too. h (NULL: none) must outlive c. Before any packet. */
void carriers_set_hosts(struct carriers *c, const struct hosts *h);

/* True when the site declared any tunnel endpoint. */
bool carriers_declared(const struct carriers *c);

/* True for ERSPAN I, II and III: a mirroring transport, not an overlay. */
bool tunnel_is_erspan(enum tunnel_kind k);

/*
 * One packet through tunnel t (wire_len bytes on the wire): count it to
 * t's carrier. Returns whether the carrier is trusted; *e is its entry,
 * or NULL when the table is full and the carrier is not listed. O(1) for
 * a listed carrier; one trust decision for each new one.
 */
bool carriers_see(struct carriers *c, const struct tun_layer *t,
		  uint32_t wire_len, struct carrier **e);

/* The listed carriers, most packets first (then by kind, id and
   endpoints): an array the caller frees; NULL when out of memory. */
const struct carrier **carriers_sorted(const struct carriers *c, size_t *n);

/* Carriers listed; and the packets of carriers past the table. */
size_t carriers_count(const struct carriers *c);
uint64_t carriers_unlisted_packets(const struct carriers *c);

/* The --trust-tunnel networks, as "ADDR/LEN"; and whether the inventory
   names any tunnel endpoint. */
size_t carriers_trust_count(const struct carriers *c);
void carriers_trust_str(const struct carriers *c, size_t i, char *buf,
			size_t size);
bool carriers_inventory_declares(const struct carriers *c);

#endif
