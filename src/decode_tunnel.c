/*
 * decode_tunnel.c: GRE (with ERSPAN I/II/III and Cisco MetaData), VXLAN
 * and IP-in-IP. The packet inside is what is classified; when it cannot
 * be decoded, the tunnel itself is the flow.
 */
#include "decode_int.h"

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

/* RFC 7348 section 5: flags byte with I (valid VNI) = 0x08. */
#define VXLAN_FLAG_I  0x08

/* ERSPAN type II: ver/VLAN/COS/En/T/session 4, reserved/index 4, then the
   mirrored Ethernet frame. */
static enum decode_status decode_erspan2(struct dctx *x, struct cursor *c)
{
	uint32_t w;

	if (!cur_be32(c, &w) || !cur_skip(c, 4))
		return derr(x, DERR_ERSPAN_TRUNC);
	if (w >> 28 != ERSPAN2_VER)
		return derr(x, DERR_ERSPAN_UNSUPPORTED);
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
		return decode_ethernet(x, c);
	case ERSPAN3_FT_IP:
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

	if (cur_peek_u8(c, 0, &b0) && cur_peek_u8(c, 1, &b1) &&
	    b0 == PPP_ADDRESS && b1 == PPP_CONTROL)
		(void)cur_skip(c, 2);
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
		return derr(x, DERR_PPP_UNKNOWN_PROTO);
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
	return decode_ppp(x, c);
}

/* GRE header and what its protocol type says follows; *kind is set to
   the tunnel kind as soon as it is known. */
static enum decode_status decode_gre(struct dctx *x, struct cursor *c,
				     enum tunnel_kind *kind)
{
	uint16_t flags, proto;

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
	for (;;) {
		switch (proto) {
		case ETH_P_IPV4:
			return decode_ipv4(x, c);
		case ETH_P_IPV6:
			return decode_ipv6(x, c);
		case ETH_P_TEB:
			return decode_ethernet(x, c);
		case ETH_P_MPLS:
		case ETH_P_MPLS_M:
			/* MPLS in GRE, RFC 4023 section 4. */
			return decode_ethertype(x, c, proto);
		case ETH_P_ERSPAN:
			/* Type II sets the sequence bit; type I has no
			   ERSPAN header at all (tcpdump's
			   erspan_print_i_ii, Wireshark's packet-erspan.c). */
			if (flags & GRE_SP) {
				*kind = TUN_ERSPAN2;
				return decode_erspan2(x, c);
			}
			*kind = TUN_ERSPAN1;
			return decode_ethernet(x, c);
		case ETH_P_WCCP: {
			/* WCCP redirection: a 4-byte WCCPv2 redirect header,
			   absent in WCCPv1, where IPv4 follows at once
			   (Wireshark's packet-wccp.c tells them apart by the
			   IP version nibble the same way). */
			uint8_t b;

			if (cur_peek_u8(c, 0, &b) && (b >> 4) != 4 &&
			    !cur_skip(c, 4))
				return derr(x, DERR_GRE_TRUNC);
			return decode_ipv4(x, c);
		}
		case ETH_P_ERSPAN3:
			*kind = TUN_ERSPAN3;
			return decode_erspan3(x, c);
		case ETH_P_CMD:
			/* Cisco MetaData in GRE puts the next type first
			   (Wireshark's dissect_cmd_gre): type 2, version 1,
			   length 1, options 2, SGT 2. */
			if (!encap_push(x))
				return DECODE_ERROR;
			if (!cur_be16(c, &proto) || !cur_skip(c, 6))
				return derr(x, DERR_CMD_TRUNC);
			continue;
		default:
			return derr(x, DERR_GRE_UNKNOWN_PROTO);
		}
	}
}

/* RFC 7348 section 5: flags 1, reserved 3, VNI 3, reserved 1; then the
   inner Ethernet frame. */
static enum decode_status decode_vxlan(struct dctx *x, struct cursor *c)
{
	uint8_t flags;

	if (!cur_u8(c, &flags) || !cur_skip(c, 7))
		return derr(x, DERR_VXLAN_TRUNC);
	if (!(flags & VXLAN_FLAG_I))
		return derr(x, DERR_VXLAN_NO_VNI);
	return decode_ethernet(x, c);
}

/* Geneve (RFC 8926 section 3.4): version (2 bits) and option length in
   4-byte words (6 bits), flags 1, protocol type 2, VNI 3, reserved 1, the
   options, then the frame of that (ether)type. */
static enum decode_status decode_geneve(struct dctx *x, struct cursor *c)
{
	uint8_t vl;
	uint16_t proto;

	if (!cur_u8(c, &vl) || !cur_skip(c, 1) || !cur_be16(c, &proto) ||
	    !cur_skip(c, 4) || !cur_skip(c, (size_t)(vl & 0x3f) * 4))
		return derr(x, DERR_GENEVE_TRUNC);
	if (vl >> 6 != 0)
		return derr(x, DERR_OVERLAY_UNKNOWN);
	switch (proto) {
	case ETH_P_TEB:
		return decode_ethernet(x, c);
	case ETH_P_IPV4:
		return decode_ipv4(x, c);
	case ETH_P_IPV6:
		return decode_ipv6(x, c);
	default:
		return derr(x, DERR_OVERLAY_UNKNOWN);
	}
}

/* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe section 3.3): flags 1 (P, 0x04:
   next protocol present), reserved 2, next protocol 1 (1 IPv4, 2 IPv6,
   3 Ethernet), VNI 3, reserved 1. */
static enum decode_status decode_vxlan_gpe(struct dctx *x, struct cursor *c)
{
	uint8_t flags, next;

	if (!cur_u8(c, &flags) || !cur_skip(c, 2) || !cur_u8(c, &next) ||
	    !cur_skip(c, 4))
		return derr(x, DERR_VXLAN_TRUNC);
	/* Senders leave P clear with a valid next protocol; Wireshark's
	   packet-vxlan.c reads the byte either way, and so does this. */
	switch (next) {
	case 1:
		return decode_ipv4(x, c);
	case 2:
		return decode_ipv6(x, c);
	case 3:
		return decode_ethernet(x, c);
	default:
		if (!(flags & 0x04))
			return decode_ethernet(x, c);   /* VXLAN framing */
		return derr(x, DERR_OVERLAY_UNKNOWN);
	}
}

enum decode_status decode_tunnel(struct dctx *x, struct cursor *c,
				 enum tunnel_via via)
{
	/* The outer flow and the walk's state, to fall back to. Only
	   tunnelled packets pay for this copy. */
	const struct packet outer = *x->p;
	const uint8_t depth = x->depth, in_frag = x->in_frag;
	const uint8_t npending = x->npending;
	const bool vlan_seen = x->vlan_seen;
	const uint16_t tun_seen = x->tun_seen;
	enum tunnel_kind kind = TUN_NONE;
	enum decode_status st = DECODE_ERROR;
	uint8_t truncated;

	if (encap_push(x)) {
		switch (via) {
		case VIA_GRE:
			st = decode_gre(x, c, &kind);
			break;
		case VIA_IP4:
			kind = TUN_IPIP;
			st = decode_ipv4(x, c);
			break;
		case VIA_IP6:
			kind = TUN_IPIP;
			st = decode_ipv6(x, c);
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
		}
	}
	if (st == DECODE_ERROR) {
		/* The reason is counted; the packet still belongs to the
		   outer flow, so nothing on the wire goes unreported. */
		truncated = x->p->truncated;
		*x->p = outer;
		x->p->truncated |= truncated;
		x->depth = depth;
		x->in_frag = in_frag;
		x->npending = npending;
		x->vlan_seen = vlan_seen;
		x->tun_seen = tun_seen;
		return DECODE_OK;
	}
	x->tun_seen |= (uint16_t)(1u << kind);
	/* Unwinding from the inside out: the last kind set is outermost. */
	x->p->tunnel = (uint8_t)kind;
	return st;
}
