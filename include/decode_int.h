/*
 * decode_int.h: what the decoder's files (decode.c, decode_link.c,
 * decode_ip.c, decode_tunnel.c) share. Not for other modules.
 *
 * Each decode_* function takes the cursor positioned at its header, reads
 * only through it, and returns a decode_status. A function that finds a
 * malformed header counts the reason with derr() and returns its result;
 * callers pass DECODE_ERROR up unchanged (tunnels excepted: see
 * decode_tunnel()).
 */
#ifndef IMPWATCH_DECODE_INT_H
#define IMPWATCH_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "cursor.h"
#include "decode.h"
#include "frag.h"

/* A first fragment met on the way in: entered in the fragment table with
   the packet's final flow once the whole packet has been decoded. */
struct pending_frag {
	struct frag_key key;
	uint32_t len;       /* its data bytes, as its header claims */
};

/* State of one decode_packet() call. */
struct dctx {
	struct decoder *d;
	struct packet *p;
	const uint8_t *frame;      /* the first captured byte */
	const uint8_t *frame_end;  /* one past the last captured byte */
	bool snapped;              /* caplen < wire_len: the capture cut it */
	uint8_t depth;             /* nestings so far (tags, MPLS, tunnels) */
	uint8_t in_frag;           /* inside a first fragment's data: inner
	                              lengths past its end are expected */
	uint16_t tun_seen;         /* bit k: a tunnel of kind k was removed */
	uint8_t npending;
	struct pending_frag pending[MAX_ENCAP_DEPTH + 1];
	/* What BPF reads of the outermost frame, for a filter that leaves
	   an l2-unknown frame out (struct l2_seen): the 802.1Q and 802.1ad
	   tags in front (saturating), then the first other type, when the
	   walk met one (IP taken straight from the link header is not).
	   link_no_vlan: a link type libpcap has no `vlan` for. */
	bool link_no_vlan;
	bool link_known;
	uint16_t link_type;
	uint8_t link_tags;
};

/* Count reason e; returns DECODE_ERROR for `return derr(x, ...)`. */
enum decode_status derr(struct dctx *x, enum decode_err e);

/* One more nesting: false (counted DERR_TOO_DEEP) past MAX_ENCAP_DEPTH. */
bool encap_push(struct dctx *x);

/* True when cursor c runs to the end of a frame the capture cut short
   (caplen < wire_len): the packet is marked truncated and counted in
   snap_truncated, once. */
bool snap_cut(struct dctx *x, const struct cursor *c);

/*
 * A header at the start of cursor c claims `claimed` bytes: clamp c to
 * them (returns true), or, when fewer are there, mark the packet truncated
 * and count why (a snaplen cut, or `reason` when the whole frame was
 * captured) and return false with c unchanged. clamp_claim_short() is
 * the second half, for a claim longer than what is left.
 */
bool clamp_claim_short(struct dctx *x, struct cursor *c,
		       enum decode_err reason);
static inline bool clamp_claim(struct dctx *x, struct cursor *c,
			       size_t claimed, enum decode_err reason)
{
	/* Every packet of a sound capture takes this path: inline. */
	if (cur_clamp(c, claimed))
		return true;
	return clamp_claim_short(x, c, reason);
}

/*
 * The length of the IP packet whose header starts at l3 and claims
 * `claimed` bytes (0: the header leaves it to the frame, as a total
 * length of 0 or an IPv6 payload length of 0 do), bounded by what the
 * frame on the wire holds from l3 on: a forged claim cannot make a
 * packet larger than the frame that carried it.
 */
static inline uint32_t ip_claimed_len(const struct dctx *x, const uint8_t *l3,
				      size_t claimed)
{
	/* The frame's length: the wire's, or the captured one when a broken
	   file says less was on the wire than it holds. */
	size_t caplen = (size_t)(x->frame_end - x->frame);
	size_t frame = x->p->wire_len > caplen ? x->p->wire_len : caplen;
	size_t before = (size_t)(l3 - x->frame);
	size_t room = frame > before ? frame - before : 0;

	return (uint32_t)(claimed != 0 && claimed < room ? claimed : room);
}

/* decode_link.c */
enum decode_status decode_link(struct dctx *x, int dlt, struct cursor *c);
enum decode_status decode_ethernet(struct dctx *x, struct cursor *c);
enum decode_status decode_ethertype(struct dctx *x, struct cursor *c,
				    uint16_t type);
/* A Cisco MetaData header's SGT: kept when it is the packet's first. */
void cmd_sgt(struct dctx *x, uint16_t sgt);
/* A PPP frame of protocol proto, not IP: ppp-opaque when it carries IP
   unread (compressed, encrypted), else the error other. */
enum decode_status ppp_not_ip(struct dctx *x, uint16_t proto,
			      enum decode_err other);
/* Whether decode_ethertype() reads ethertype type (IP, a tag or a
   carrier), and whether type is one known to carry no IP (not-ip): the
   two lists by hand beside its switch, which the unit test holds to
   what the switch does. */
bool ethertype_walked(uint16_t type);
bool ethertype_no_ip(uint16_t type);

/* decode_ip.c */
enum decode_status decode_ipv4(struct dctx *x, struct cursor *c);
enum decode_status decode_ipv6(struct dctx *x, struct cursor *c);
/* IPv4 or IPv6 by the version nibble; anything else is DERR_NOT_IP, and
   no byte at all is `empty` (the enclosing layer's truncation reason). */
enum decode_status decode_ip_any(struct dctx *x, struct cursor *c,
				 enum decode_err empty);

/* decode_tunnel.c */
/*
 * A tunnel's header was found well formed and what it carries comes next:
 * record its carrier (the outer flow *x->p holds until the inside is
 * decoded) as the packet's next tunnel layer. False, counted as
 * DERR_TUNNEL_TOO_DEEP, when the packet holds MAX_TUNNEL_LAYERS already:
 * the caller then returns DECODE_ERROR and the carrier stays the flow.
 */
bool tunnel_enter(struct dctx *x, enum tunnel_kind kind, bool has_id,
		  uint32_t id);

enum tunnel_via {
	VIA_GRE,     /* IP protocol 47 */
	VIA_IP4,     /* IP protocol 4: IPv4 inside */
	VIA_IP6,     /* IP protocol 41: IPv6 inside */
	VIA_VXLAN,   /* UDP destination port 4789 */
	VIA_GENEVE,  /* UDP destination port 6081 */
	VIA_VXLAN_GPE,/* UDP destination port 4790 */
	VIA_NSH      /* IP protocol 145 */
};
/*
 * Decode what a tunnel carries, c at the tunnel's header and *p already
 * holding the outer flow. When the header is not well formed, the reason
 * is counted and *p is put back to the outer flow: DECODE_OK. When it is
 * but the inside cannot be decoded, the same with the tunnel's carrier
 * kept in p->tun[] and p->no_inner set.
 */
enum decode_status decode_tunnel(struct dctx *x, struct cursor *c,
				 enum tunnel_via via);

/* Ethertypes (IEEE 802 numbers, IANA ieee-802-numbers registry). */
#define ETH_P_IPV4   0x0800
#define ETH_P_IPV6   0x86DD
#define ETH_P_8021Q  0x8100   /* IEEE 802.1Q customer VLAN tag */
#define ETH_P_8021AD 0x88A8   /* IEEE 802.1ad service VLAN tag */
#define ETH_P_QINQ1  0x9100   /* pre-802.1ad vendor QinQ tag */
#define ETH_P_MPLS   0x8847   /* RFC 3032 unicast */
#define ETH_P_MPLS_M 0x8848   /* RFC 3032 multicast */
#define ETH_P_PPPOES 0x8864   /* RFC 2516 session stage */
#define ETH_P_CMD    0x8909   /* Cisco MetaData (SGT tag) */
#define ETH_P_MACSEC 0x88E5   /* IEEE 802.1AE MACsec */
#define ETH_P_HSR    0x892F   /* IEC 62439-3 HSR v1 tag */
#define ETH_P_HSR0   0x88FB   /* HSR v0 tag (Linux's ETH_P_PRP) */
#define ETH_P_FABRICPATH 0x8903 /* Cisco FabricPath (DCE) */
#define ETH_P_PBB    0x88E7   /* IEEE 802.1ah I-TAG */
#define ETH_P_VNTAG  0x8926   /* Cisco VN-Tag (FEX) */
#define ETH_P_ETAG   0x893F   /* IEEE 802.1BR E-Tag */
#define ETH_P_NSH    0x894F   /* Network Service Header (RFC 8300) */
#define ETH_P_TRILL  0x22F3   /* TRILL data (RFC 6325) */
#define ETH_P_TEB    0x6558   /* transparent Ethernet bridging (RFC 1701) */
#define ETH_P_ERSPAN 0x88BE   /* ERSPAN types I and II */
#define ETH_P_ERSPAN3 0x22EB  /* ERSPAN type III */
#define ETH_P_PPP    0x880B   /* PPP in enhanced GRE (RFC 2637) */
#define ETH_P_WCCP   0x883E   /* Cisco WCCP redirect in GRE */

#endif
