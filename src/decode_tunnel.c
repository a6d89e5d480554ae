/*
 * decode_tunnel.c: GRE (with ERSPAN I/II/III, WCCP, PPTP's enhanced GRE
 * and Cisco MetaData), VXLAN, VXLAN-GPE, Geneve, IP-in-IP and NSH as an
 * IP protocol. A tunnel is
 * removed only when its header is well formed; each one removed is
 * recorded as a carrier in p->tun[] (tunnel_enter()), so that the outer
 * flow an inner packet came in is never lost. The packet inside is what
 * is classified; when it cannot be decoded, the tunnel itself is the flow.
 */
#include "decode_int.h"

#include <stddef.h>
#include <string.h>

/* GRE flags and version (RFC 2784 section 2.1, RFC 2890 section 2; the
   routing bit is RFC 1701's). Bit values as in tcpdump's gre.h. */
#define GRE_CP        0x8000   /* checksum present */
#define GRE_RP        0x4000   /* routing present */
#define GRE_KP        0x2000   /* key present */
#define GRE_SP        0x1000   /* sequence number present */
#define GRE_AP        0x0080   /* acknowledgment present (RFC 2637 4.1) */
#define GRE_VERS_MASK 0x0007   /* 0; 1 is PPTP's enhanced GRE (RFC 2637) */
#define GRE_VERS_PPTP 1

/* PPP protocol numbers (RFC 1332, RFC 5072) and the HDLC-like address
   and control bytes a PPP frame may start with (RFC 1662 section 3.1). */
#define PPP_IPV4      0x0021
#define PPP_IPV6      0x0057
#define PPP_ADDRESS   0xff
#define PPP_CONTROL   0x03

/* ERSPAN (draft-foschiano-erspan-03; layout as in tcpdump's
   print-erspan.c and Wireshark's packet-erspan.c). The version is the
   top 4 bits of the first word: 1 for type II, 2 for type III. */
#define ERSPAN2_VER   1
#define ERSPAN3_VER   2
/* Type III: the 16-bit word after the timestamp and SGT holds
   P(1) FT(5) HW ID(6) D(1) Gra(2) O(1): frame type at bit 10, O at 0. */
#define ERSPAN3_FT_SHIFT 10
#define ERSPAN3_FT_MASK  0x1f
#define ERSPAN3_FT_ETH   0
#define ERSPAN3_FT_IP    2
#define ERSPAN3_O        0x0001

_Static_assert(TUN_COUNT <= 16, "dctx.tun_seen holds one bit per kind");

/* ERSPAN II and III: the session id, the low 10 bits of the first word
   (draft-foschiano-erspan-03 sections 4.1 and 4.2). */
#define ERSPAN_SESSION_MASK 0x3ff

/* RFC 7348 section 5: flags byte with I (valid VNI) = 0x08, the other 7
   flag bits, 24 bits after them and the last byte reserved. */
#define VXLAN_FLAG_I  0x08

/* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe-12 section 3.3): flags
   R R Ver(2) I P B O, 16 reserved bits, next protocol, VNI, reserved. */
#define GPE_FLAGS_R   0xc0
#define GPE_FLAGS_VER 0x30
#define GPE_FLAG_I    0x08
/* Its next protocol values (IANA "VXLAN-GPE Next Protocol"). */
#define GPE_NP_IPV4   1
#define GPE_NP_IPV6   2
#define GPE_NP_ETH    3
#define GPE_NP_NSH    4
#define GPE_NP_MPLS   5

/* Geneve (RFC 8926 section 3.4): version in the top 2 bits of the first
   byte, option length in 4-byte words in the low 6; an option header
   (section 3.5) is class 2, type 1, then 3 reserved bits and its data
   length in 4-byte words. */
#define GENEVE_VER_SHIFT 6
#define GENEVE_OPTLEN    0x3f
#define GENEVE_OPT_LEN   0x1f

/* ERSPAN type II: ver/VLAN/COS/En/T/session 4, reserved/index 4, then the
   mirrored Ethernet frame. */
static enum decode_status decode_erspan2(struct dctx *x, struct cursor *c)
{
	uint32_t w;

	if (!cur_be32(c, &w) || !cur_skip(c, 4))
		return derr(x, DERR_ERSPAN_TRUNC);
	if (w >> 28 != ERSPAN2_VER)
		return derr(x, DERR_ERSPAN_UNSUPPORTED);
	if (!tunnel_enter(x, TUN_ERSPAN2, true, w & ERSPAN_SESSION_MASK))
		return DECODE_ERROR;
	return decode_ethernet(x, c);
}

/* ERSPAN type III: ver/VLAN/COS/BSO/T/session 4, timestamp 4, SGT 2,
   P/FT/HW ID/D/Gra/O 2 (12 bytes), an 8-byte platform-specific
   subheader when O is set, then the frame of type FT. */
static enum decode_status decode_erspan3(struct dctx *x, struct cursor *c)
{
	uint32_t w;
	uint16_t bits;

	if (!cur_be32(c, &w) || !cur_skip(c, 6) || !cur_be16(c, &bits))
		return derr(x, DERR_ERSPAN_TRUNC);
	if (w >> 28 != ERSPAN3_VER)
		return derr(x, DERR_ERSPAN_UNSUPPORTED);
	if ((bits & ERSPAN3_O) && !cur_skip(c, 8))
		return derr(x, DERR_ERSPAN_TRUNC);
	switch ((bits >> ERSPAN3_FT_SHIFT) & ERSPAN3_FT_MASK) {
	case ERSPAN3_FT_ETH:
		if (!tunnel_enter(x, TUN_ERSPAN3, true, w & ERSPAN_SESSION_MASK))
			return DECODE_ERROR;
		return decode_ethernet(x, c);
	case ERSPAN3_FT_IP:
		if (!tunnel_enter(x, TUN_ERSPAN3, true, w & ERSPAN_SESSION_MASK))
			return DECODE_ERROR;
		return decode_ip_any(x, c, DERR_ERSPAN_TRUNC);
	default:
		return derr(x, DERR_ERSPAN_UNSUPPORTED);
	}
}

/* A PPP frame in enhanced GRE: optional address and control bytes, a
   protocol field of one byte when compressed (its low bit set, RFC 1661
   section 6.5) or two, then IP. */
static enum decode_status decode_ppp(struct dctx *x, struct cursor *c)
{
	uint8_t b0, b1;
	uint16_t proto;

	if (cur_peek_u8(c, 0, &b0) && b0 == PPP_ADDRESS) {
		/* The address byte is no protocol (0x00ff is reserved,
		   RFC 1661 section 2): without the byte after it, the
		   frame was cut. */
		if (!cur_peek_u8(c, 1, &b1))
			return derr(x, DERR_GRE_TRUNC);
		if (b1 == PPP_CONTROL)
			(void)cur_skip(c, 2);
	}
	if (!cur_u8(c, &b0))
		return derr(x, DERR_GRE_TRUNC);
	if (b0 & 1) {
		proto = b0;
	} else {
		if (!cur_u8(c, &b1))
			return derr(x, DERR_GRE_TRUNC);
		proto = (uint16_t)(b0 << 8 | b1);
	}
	switch (proto) {
	case PPP_IPV4:
		return decode_ipv4(x, c);
	case PPP_IPV6:
		return decode_ipv6(x, c);
	default:
		return ppp_not_ip(x, proto, DERR_PPP_UNKNOWN_PROTO);
	}
}

/* PPTP's enhanced GRE (RFC 2637 section 4.1): after flags and protocol,
   payload length 2 and call id 2 (the key), the sequence number when S,
   the acknowledgment number when A; PPP follows. */
static enum decode_status decode_gre_pptp(struct dctx *x, struct cursor *c,
					  uint16_t flags, uint16_t proto)
{
	if (!cur_skip(c, 4) || ((flags & GRE_SP) && !cur_skip(c, 4)) ||
	    ((flags & GRE_AP) && !cur_skip(c, 4)))
		return derr(x, DERR_GRE_TRUNC);
	if (proto != ETH_P_PPP || (flags & (GRE_CP | GRE_RP)) || !(flags & GRE_KP))
		return derr(x, DERR_GRE_BAD_VERSION);
	if (!tunnel_enter(x, TUN_GRE, false, 0))
		return DECODE_ERROR;
	return decode_ppp(x, c);
}

/* GRE header and what its protocol type says follows; *kind is set to
   the tunnel kind as soon as it is known. A GRE header of version 0
   without source routing is a tunnel whatever it carries: IP protocol 47
   names it (unlike a UDP port, which anyone may use), so its carrier is
   recorded even when the payload is of a protocol impwatch does not
   decode, such as a keepalive's 0. ERSPAN records its own kind once its
   header is found well formed. */
static enum decode_status decode_gre(struct dctx *x, struct cursor *c,
				     enum tunnel_kind *kind)
{
	uint16_t flags, proto;
	uint8_t b;

	*kind = TUN_GRE;
	if (!cur_be16(c, &flags) || !cur_be16(c, &proto))
		return derr(x, DERR_GRE_TRUNC);
	if ((flags & GRE_VERS_MASK) == GRE_VERS_PPTP)
		return decode_gre_pptp(x, c, flags, proto);
	if (flags & GRE_VERS_MASK)
		return derr(x, DERR_GRE_BAD_VERSION);
	if (flags & GRE_RP)
		return derr(x, DERR_GRE_ROUTING);
	/* Optional words in this order: checksum and reserved, key,
	   sequence number (RFC 2890 section 2). */
	if (((flags & GRE_CP) && !cur_skip(c, 4)) ||
	    ((flags & GRE_KP) && !cur_skip(c, 4)) ||
	    ((flags & GRE_SP) && !cur_skip(c, 4)))
		return derr(x, DERR_GRE_TRUNC);
	/* Cisco MetaData in GRE puts the next type first (Wireshark's
	   dissect_cmd_gre): type 2, version 1, length 1, options 2, SGT 2. */
	while (proto == ETH_P_CMD) {
		uint16_t sgt;

		/* 8 bytes each: the walk ends with the frame. */
		if (!cur_be16(c, &proto) || !cur_skip(c, 4) ||
		    !cur_be16(c, &sgt))
			return derr(x, DERR_CMD_TRUNC);
		cmd_sgt(x, sgt);
	}
	switch (proto) {
	case ETH_P_ERSPAN:
		/* Type II sets the sequence bit; type I has no ERSPAN header
		   at all (tcpdump's erspan_print_i_ii, Wireshark's
		   packet-erspan.c). */
		if (flags & GRE_SP) {
			*kind = TUN_ERSPAN2;
			return decode_erspan2(x, c);
		}
		*kind = TUN_ERSPAN1;
		if (!tunnel_enter(x, TUN_ERSPAN1, false, 0))
			return DECODE_ERROR;
		return decode_ethernet(x, c);
	case ETH_P_ERSPAN3:
		*kind = TUN_ERSPAN3;
		return decode_erspan3(x, c);
	default:
		break;
	}
	if (!tunnel_enter(x, TUN_GRE, false, 0))
		return DECODE_ERROR;
	switch (proto) {
	case ETH_P_IPV4:
		return decode_ipv4(x, c);
	case ETH_P_IPV6:
		return decode_ipv6(x, c);
	case ETH_P_TEB:
		return decode_ethernet(x, c);
	case ETH_P_MPLS:
	case ETH_P_MPLS_M:
	case ETH_P_NSH:
		/* MPLS in GRE, RFC 4023 section 4; NSH in GRE, RFC 8300
		   section 4. */
		return decode_ethertype(x, c, proto);
	case ETH_P_8021Q:
	case ETH_P_8021AD:
		/* Tags with no frame around them: Linux takes them off
		   whatever device delivered the packet (skb_vlan_untag()),
		   a GRE one too, and delivers it (VLAN 0, or a VLAN device
		   on the tunnel). Counted unknown, a session behind them
		   was its carrier's alone, passed in a declared tunnel. */
		return decode_ethertype(x, c, proto);
	case ETH_P_WCCP:
		/* WCCP redirection: a 4-byte WCCPv2 redirect header, absent
		   in WCCPv1, where IPv4 follows at once (Wireshark's
		   packet-wccp.c tells them apart by the IP version nibble
		   the same way). */
		if (cur_peek_u8(c, 0, &b) && (b >> 4) != 4 && !cur_skip(c, 4))
			return derr(x, DERR_GRE_TRUNC);
		return decode_ipv4(x, c);
	default:
		return derr(x, DERR_GRE_UNKNOWN_PROTO);
	}
}

/* RFC 7348 section 5: flags 1, reserved 3, VNI 3, reserved 1; then the
   inner Ethernet frame. The RFC has receivers ignore the reserved bits;
   here they must be zero, as it has senders write them: the port alone
   is no proof (any UDP sender may aim at 4789), and a reply whose first
   bytes happen to set the I flag is then read as VXLAN once in 2^40, not
   once in 2. VXLAN-GBP's G flag and policy id, sent to 4789 by some
   hosts, make such a packet the UDP flow it also is: a finding, never a
   pass. */
static enum decode_status decode_vxlan(struct dctx *x, struct cursor *c)
{
	uint8_t flags, rsv[3];
	uint32_t w;

	if (!cur_u8(c, &flags) || !cur_copy(c, rsv, sizeof rsv) ||
	    !cur_be32(c, &w))
		return derr(x, DERR_VXLAN_TRUNC);
	if (!(flags & VXLAN_FLAG_I))
		return derr(x, DERR_VXLAN_NO_VNI);
	if (flags != VXLAN_FLAG_I || rsv[0] || rsv[1] || rsv[2] || (w & 0xff))
		return derr(x, DERR_VXLAN_RESERVED);
	if (!tunnel_enter(x, TUN_VXLAN, true, w >> 8))
		return DECODE_ERROR;
	return decode_ethernet(x, c);
}

/* Geneve options (RFC 8926 section 3.5), the optlen bytes of o: each a
   4-byte header and its data; well formed when they fill o exactly. */
static bool geneve_options_ok(struct cursor *o)
{
	uint8_t len;

	while (cur_left(o)) {
		if (!cur_skip(o, 3) || !cur_u8(o, &len) ||
		    !cur_skip(o, (size_t)(len & GENEVE_OPT_LEN) * 4))
			return false;
	}
	return true;
}

/* Geneve (RFC 8926 section 3.4): version (2 bits) and option length in
   4-byte words (6 bits), flags 1, protocol type 2, VNI 3, reserved 1, the
   options, then the frame of that (ether)type. Version 0 only, options
   that tile their length, a protocol impwatch decodes: Ethernet, IPv4,
   IPv6 or NSH (0x894f, a service chain's overlay, which Wireshark's
   packet-geneve.c reads by its ethertype table). */
static enum decode_status decode_geneve(struct dctx *x, struct cursor *c)
{
	struct cursor opts;
	uint8_t vl;
	uint16_t proto;
	uint32_t w;

	if (!cur_u8(c, &vl) || !cur_skip(c, 1) || !cur_be16(c, &proto) ||
	    !cur_be32(c, &w) ||
	    !cur_sub(c, (size_t)(vl & GENEVE_OPTLEN) * 4, &opts))
		return derr(x, DERR_GENEVE_TRUNC);
	if (vl >> GENEVE_VER_SHIFT != 0 || !geneve_options_ok(&opts))
		return derr(x, DERR_OVERLAY_BAD_HEADER);
	if (proto != ETH_P_TEB && proto != ETH_P_IPV4 && proto != ETH_P_IPV6 &&
	    proto != ETH_P_NSH)
		return derr(x, DERR_OVERLAY_UNKNOWN);
	if (!tunnel_enter(x, TUN_GENEVE, true, w >> 8))
		return DECODE_ERROR;
	if (proto == ETH_P_TEB)
		return decode_ethernet(x, c);
	return decode_ethertype(x, c, proto);
}

/* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe-12 section 3.3): flags 1, reserved
   2, next protocol 1, VNI 3, reserved 1. R and Ver bits and the reserved
   fields zero, as the draft has senders write them (the same reasoning as
   for VXLAN); a next protocol impwatch decodes: IPv4, IPv6, Ethernet,
   NSH (RFC 8300 4: a service chain's overlay) or MPLS (5 in the draft's
   registry, which Wireshark reads). The P bit is not
   required: senders leave it clear with a valid next protocol, and
   Wireshark's packet-vxlan.c reads the byte either way. */
static enum decode_status decode_vxlan_gpe(struct dctx *x, struct cursor *c)
{
	uint8_t flags, next;
	uint16_t rsv;
	uint32_t w;

	if (!cur_u8(c, &flags) || !cur_be16(c, &rsv) || !cur_u8(c, &next) ||
	    !cur_be32(c, &w))
		return derr(x, DERR_VXLAN_TRUNC);
	if ((flags & (GPE_FLAGS_R | GPE_FLAGS_VER)) || rsv || (w & 0xff))
		return derr(x, DERR_OVERLAY_BAD_HEADER);
	if (next != GPE_NP_IPV4 && next != GPE_NP_IPV6 && next != GPE_NP_ETH &&
	    next != GPE_NP_NSH && next != GPE_NP_MPLS)
		return derr(x, DERR_OVERLAY_UNKNOWN);
	if (!tunnel_enter(x, TUN_VXLAN_GPE, (flags & GPE_FLAG_I) != 0, w >> 8))
		return DECODE_ERROR;
	switch (next) {
	case GPE_NP_IPV4:
		return decode_ipv4(x, c);
	case GPE_NP_IPV6:
		return decode_ipv6(x, c);
	case GPE_NP_NSH:
		return decode_ethertype(x, c, ETH_P_NSH);
	case GPE_NP_MPLS:
		return decode_ethertype(x, c, ETH_P_MPLS);
	default:
		return decode_ethernet(x, c);
	}
}

bool tunnel_enter(struct dctx *x, enum tunnel_kind kind, bool has_id,
		  uint32_t id)
{
	struct packet *p = x->p;
	struct tun_layer *t;

	if (p->ntun >= MAX_TUNNEL_LAYERS) {
		derr(x, DERR_TUNNEL_TOO_DEEP);
		return false;
	}
	t = &p->tun[p->ntun++];
	t->src = p->src;
	t->dst = p->dst;
	t->sport = p->sport;
	t->dport = p->dport;
	t->id = has_id ? id : 0;
	t->kind = (uint8_t)kind;
	t->proto = p->proto;
	t->family = p->family;
	t->has_id = has_id;
	t->ip_len = p->ip_len;
	t->dscp = p->dscp;
	return true;
}

enum decode_status decode_tunnel(struct dctx *x, struct cursor *c,
				 enum tunnel_via via)
{
	/* The outer flow and the walk's state, to fall back to. Only
	   tunnelled packets pay for this copy, which leaves out tun[]. */
	struct packet outer;
	const uint8_t depth = x->depth, in_frag = x->in_frag;
	const uint8_t npending = x->npending;
	const uint16_t tun_seen = x->tun_seen;
	const uint8_t ntun = x->p->ntun;
	enum tunnel_kind kind = TUN_NONE;
	enum decode_status st = DECODE_ERROR;
	uint8_t truncated;

	memcpy(&outer, x->p, offsetof(struct packet, tun));
	if (encap_push(x)) {
		switch (via) {
		case VIA_GRE:
			st = decode_gre(x, c, &kind);
			break;
		case VIA_IP4:
		case VIA_IP6:
			/* No header of its own: the inner IP header is it. */
			kind = TUN_IPIP;
			if (!tunnel_enter(x, TUN_IPIP, false, 0))
				break;
			st = via == VIA_IP4 ? decode_ipv4(x, c) : decode_ipv6(x, c);
			break;
		case VIA_VXLAN:
			kind = TUN_VXLAN;
			st = decode_vxlan(x, c);
			break;
		case VIA_GENEVE:
			kind = TUN_GENEVE;
			st = decode_geneve(x, c);
			break;
		case VIA_VXLAN_GPE:
			kind = TUN_VXLAN_GPE;
			st = decode_vxlan_gpe(x, c);
			break;
		case VIA_NSH:
			/* RFC 9491, IANA's protocol 145: the NSH header
			   right after IP's (and SRv6's routing header, which
			   IPv6's walk passes). The protocol number names
			   it, as 47 names GRE: the carrier is recorded
			   whatever the header holds, and a header the
			   forwarder discards (a bad version or length) is
			   that carrier's alone. */
			kind = TUN_NSH;
			if (!tunnel_enter(x, TUN_NSH, false, 0))
				break;
			st = decode_ethertype(x, c, ETH_P_NSH);
			break;
		}
	}
	if (st == DECODE_ERROR) {
		/* The reason is counted; the packet still belongs to the
		   outer flow, so nothing on the wire goes unreported. An
		   inner tunnel never returns DECODE_ERROR, so the one layer
		   this tunnel may have entered is at tun[ntun]: when it was,
		   the packet is that carrier's alone. */
		const bool entered = x->p->ntun > ntun;

		truncated = x->p->truncated;
		memcpy(x->p, &outer, offsetof(struct packet, tun));
		x->p->truncated |= truncated;
		if (entered) {
			x->p->ntun = (uint8_t)(ntun + 1);
			x->p->no_inner = 1;
		}
		x->depth = depth;
		x->in_frag = in_frag;
		x->npending = npending;
		x->tun_seen = tun_seen;
		return DECODE_OK;
	}
	x->tun_seen |= (uint16_t)(1u << kind);
	/* Unwinding from the inside out: the last kind set is outermost. */
	x->p->tunnel = (uint8_t)kind;
	return st;
}
