/*
 * community_id.h: the Community ID v1 flow hash, as Zeek, Suricata,
 * Arkime and Wireshark emit it, so that a flow in impwatch's records can
 * be found in theirs by one string.
 *
 * The definition (corelight's community-id-spec, version 1): SHA-1 over
 *
 *     seed (2 bytes) . saddr (4 or 16) . daddr (4 or 16) . proto (1) . 0 (1)
 *     [. sport (2) . dport (2)]
 *
 * every field in network byte order, then "1:" and the 20-byte digest in
 * base64 (RFC 4648 section 4, padded). The endpoints are ordered so that
 * both directions hash alike: the lower address first, the lower port
 * first when the addresses are equal. TCP, UDP and SCTP hash their ports;
 * ICMP and ICMPv6 hash the type as source port and, for the types that
 * have a reply type (echo, timestamp, router and neighbour discovery...:
 * Zeek's ICMP4_counterpart and ICMP6_counterpart), that type as the
 * destination port; every other type is one-way: its code is the
 * destination port and the endpoints are never swapped. Other protocols
 * hash no ports.
 *
 * Nothing here allocates.
 */
#ifndef IMPWATCH_COMMUNITY_ID_H
#define IMPWATCH_COMMUNITY_ID_H

#include <stdint.h>

#include "decode.h"
#include "flow.h"

/* "1:", 28 base64 characters, NUL. */
#define COMMUNITY_ID_LEN 31

/* SCTP's IP protocol number (IANA); its ports are part of the hash. */
#define IPPROTO_NUM_SCTP 132

/*
 * The Community ID of a packet or flow going from src to dst over IP
 * protocol proto, into out. family is 4 (the addresses hold IPv4 as
 * ::ffff:a.b.c.d, as decode.h keeps them; 4 bytes each are hashed) or 6.
 * sport and dport are the ports for TCP, UDP and SCTP, the ICMP type and
 * code for ICMP (1) and ICMPv6 (58), and are ignored for other protocols.
 * Returns 0, or -1 (out set to "") when SHA-1 cannot be had or family is
 * neither 4 nor 6.
 */
int community_id(uint16_t seed, uint8_t family, uint8_t proto,
		 const struct ip_addr *src, const struct ip_addr *dst,
		 uint16_t sport, uint16_t dport, char out[COMMUNITY_ID_LEN]);

/*
 * The Community ID of flow f: its key, with the sender of its first
 * packet as source (what makes a one-way ICMP message's hash) and the
 * first ICMP packet's type and code. Returns 0, or -1 with out set to ""
 * when the flow has none: an SCTP flow (impwatch does not read SCTP's
 * ports, which the hash needs; the specification allows an empty value
 * for what a monitor cannot hash) or a failure of community_id().
 */
int community_id_flow(const struct flow *f, uint16_t seed,
		      char out[COMMUNITY_ID_LEN]);

#endif
