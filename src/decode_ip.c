/*
 * decode_ip.c: IPv4, IPv6 and its extension headers, fragments, and the
 * transport headers that give a flow its ports.
 */
#include "decode_int.h"
#include "echo.h"

#include <string.h>

/* IPv6 extension headers walked here (IANA "IPv6 Extension Header Types";
   RFC 8200 section 4, RFC 4302 for AH, RFC 6275 for mobility). ESP (50)
   and No Next Header (59) end the walk: the flow is that protocol. */
#define IP6_HOPOPTS  0
#define IP6_ROUTING  43
#define IP6_FRAGMENT 44
#define IP6_AH       51
#define IP6_DSTOPTS  60
#define IP6_MOBILITY 135

/* RFC 7348 section 5: the IANA-assigned VXLAN UDP port. */
#define VXLAN_PORT 4789
/* RFC 8926 section 3.3: Geneve's port; VXLAN-GPE's, from its draft. */
#define GENEVE_PORT 6081
#define VXLAN_GPE_PORT 4790

/* IPv4 flags and fragment offset field (RFC 791 section 3.1). */
#define IP4_MF        0x2000
#define IP4_OFF_MASK  0x1fff   /* in 8-byte units */

/* IPv6 fragment header offset field (RFC 8200 section 4.5): the offset in
   8-byte units sits above 2 reserved bits and M, so masked it is bytes. */
#define IP6F_OFF_MASK 0xfff8
#define IP6F_MORE     0x0001

/* Routing header types that name the final destination (RFC 8200
   section 4.4): type 0 (RFC 2460, deprecated by RFC 5095 but still on the
   wire), type 2 (RFC 6275, one address), type 4 (SRv6, RFC 8754, whose
   segment list holds the final segment first). */
#define RH_TYPE0 0
#define RH_TYPE2 2
#define RH_SRH   4

/*
 * Whether a routing header sends its packet on: true with segments left
 * (with none, RFC 8200 section 4.4 has it ignored), whatever its type
 * and wherever it ends, as a gate cannot pass on what the flow's
 * addresses decide (roles, localhost only, a tunnel's trust) when the
 * packet goes where they do not say (judge.c). A route that ends where
 * the packet is sent visits its other hops first; one of a type not
 * read here (RPL's 3) goes where a receiver that forwards it sends it.
 * The types that name the final destination (0, 2, 4) key the flow on
 * it (*dst), so a source-routed packet is the same flow at every hop
 * (as Zeek and Wireshark key it); others leave *dst alone, as a header
 * too short for its address does. h holds the header after its
 * next-header and length bytes; len is the length field (8-byte units).
 */
static bool route_final_dst(struct cursor *h, uint8_t len,
			    struct ip_addr *dst)
{
	uint8_t type, left;
	size_t n = len / 2, at;

	if (!cur_u8(h, &type) || !cur_u8(h, &left) || left == 0)
		return false;
	if (!cur_skip(h, 4) || n == 0)
		return true;
	switch (type) {
	case RH_TYPE0:
		at = (n - 1) * 16;   /* the last address listed */
		break;
	case RH_TYPE2:
	case RH_SRH:
		at = 0;              /* the only one, or segment list[0] */
		break;
	default:
		return true;
	}
	if (cur_skip(h, at))
		(void)cur_copy(h, dst->b, sizeof dst->b);
	return true;
}

/* IPv4 options (RFC 791 section 3.1): end of list, no operation, and
   the two source routes. */
#define IPOPT_EOL   0
#define IPOPT_NOP   1
#define IPOPT_LSRR  131
#define IPOPT_SSRR  137

/*
 * IPv4's loose or strict source route with hops left sends the packet
 * on, as an IPv6 routing header does (route_final_dst()): counted
 * (ipv4-source-routed) once, wherever the route ends (one ending where
 * the packet is sent visits its hops first). Its last hop (Wireshark
 * shows it as ip.dst) is the real destination and keys the flow (it
 * replaces *dst). o holds the header's options. A route is type,
 * length, pointer (1-based, from the option's start, at the next
 * address; past the last one the route is done and the destination
 * field final), then 4-byte addresses. Hops are read where the receiver
 * reads them, at the pointer and 4 bytes on, on the 4-byte grid or not
 * (Linux, BSD): read on the grid, a pointer of 7 reaches a host whose
 * address the grid does not hold. A route done, or one ending where the
 * packet is sent, does not end the walk: a second route may have hops
 * left and end elsewhere (BSD follows it), which keys the flow. The
 * walk stops there, at the end of the list or at a length that does
 * not fit.
 */
static void route4_final_dst(struct dctx *x, struct cursor o,
			     uint8_t dst[4])
{
	struct cursor r;
	uint8_t type, len, ptr, final[4];
	bool routed = false;

	while (cur_u8(&o, &type) && type != IPOPT_EOL) {
		if (type == IPOPT_NOP)
			continue;
		if (!cur_u8(&o, &len) || len < 2 || !cur_sub(&o, len - 2u, &r))
			break;
		if (type != IPOPT_LSRR && type != IPOPT_SSRR)
			continue;
		/* A whole hop at the pointer; the last is 4k bytes on. */
		if (!cur_u8(&r, &ptr) || ptr < 4 || ptr + 3u > len)
			continue;
		routed = true;
		if (!cur_skip(&r, ptr - 4u + (len - ptr - 3u) / 4 * 4) ||
		    !cur_copy(&r, final, 4) || memcmp(final, dst, 4) == 0)
			continue;
		memcpy(dst, final, 4);
		break;
	}
	if (routed)
		x->d->err[DERR_IPV4_ROUTED]++;
}

/* ::ffff:a.b.c.d (RFC 4291 section 2.5.5.2), built in a register and
   stored at once. The flow's key is made from the packet's addresses
   just after (flow.c, make_key()), 16 bytes at a time, and a load that
   spans several smaller stores still on their way cannot take its bytes
   from them; it waits until they are written (perf, a port-only run:
   the copies of the addresses were a third of make_key()'s samples). */
typedef uint32_t addr_words __attribute__((vector_size(16)));

static void set_v4mapped(struct ip_addr *a, const uint8_t v4[4])
{
	static const uint8_t ffff[4] = { 0, 0, 0xff, 0xff };
	uint32_t w, pre;
	addr_words v;

	memcpy(&w, v4, 4);
	memcpy(&pre, ffff, 4);
	v = (addr_words){ 0, 0, pre, w };
	memcpy(a->b, &v, sizeof v);
}

/* The transport payload is what is left of the (clamped) cursor. */
static void set_payload(struct packet *p, const struct cursor *c)
{
	p->payload_len = (uint32_t)cur_left(c);
	p->payload = p->payload_len ? cur_pos(c) : NULL;
}

/* The first TCP_HEAD_BYTES of a TCP payload, or fewer when fewer were
   captured, copied (the cursor does not move). A whole head is copied
   as a known size: gcc copies a size it can only bound with `rep
   movsb`, whose start cost 2% of a port-only run's CPU time. */
static void keep_head(struct packet *p, const struct cursor *c)
{
	struct cursor h = *c;
	size_t n = cur_left(&h);

	if (n >= TCP_HEAD_BYTES)
		p->tcp_head_len = cur_copy(&h, p->tcp_head, TCP_HEAD_BYTES) ?
				  TCP_HEAD_BYTES : 0;
	else if (n > 0)
		p->tcp_head_len = cur_copy(&h, p->tcp_head, n) ? (uint8_t)n : 0;
}

/*
 * From the transport header on: ports and flags for TCP and UDP, the type
 * for ICMP, tunnels for GRE, IP-in-IP and VXLAN; any other protocol is a
 * flow of that number with ports 0. ICMP errors quote a packet: it is not
 * decoded (its flow is not this packet's).
 */
static enum decode_status decode_l4(struct dctx *x, struct cursor *c,
				    uint8_t proto)
{
	struct packet *p = x->p;
	struct cursor h;        /* a fixed header's bytes (decode_ipv4()) */
	uint16_t sport, dport, ulen;
	uint32_t seq;
	uint8_t doff, flags, type, code;
	size_t hlen;

	p->proto = proto;
	/* An outer layer's transport fields (a VXLAN carrier's UDP ports)
	   are not this layer's: ICMP or GRE inside a tunnel has none, and a
	   TCP header cut in a first fragment no payload (a carrier's, taken
	   for it, would be the client's first bytes, judged TLS from none). */
	p->sport = p->dport = 0;
	p->payload = NULL;
	p->payload_len = 0;
	p->tcp_flags = 0;
	p->tcp_seq = 0;
	p->tcp_head_len = 0;
	p->icmp_type = 0;
	p->icmp_code = 0;
	/* Where the transport header starts, for the duplicate check:
	   the cursor is on it, inside the packet l3 points at. */
	p->l4_off = (uint32_t)(cur_pos(c) - p->l3);
	switch (proto) {
	case IPPROTO_NUM_TCP:
		/* RFC 9293 section 3.1: ports 4, sequence 4, ack 4, data
		   offset (4 bits) and reserved, flags, window 2, checksum 2,
		   urgent pointer 2: 20 bytes before the options. */
		if (!cur_sub(c, 4, &h) || !cur_be16(&h, &sport) ||
		    !cur_be16(&h, &dport))
			return derr(x, DERR_TCP_TRUNC);
		if (!cur_sub(c, 16, &h) || !cur_be32(&h, &seq) ||
		    !cur_skip(&h, 4) || !cur_u8(&h, &doff) ||
		    !cur_u8(&h, &flags) || !cur_skip(&h, 6)) {
			/* A first fragment that ends inside the TCP header
			   (RFC 1858's tiny fragment): the ports are there,
			   the flags are not. Kept in its flow, and counted
			   as a header cut in a first fragment (frag-cut): a
			   SYN sent so is no SYN here, and its flow's
			   direction would be what the sender claims. */
			if (!x->in_frag)
				return derr(x, DERR_TCP_TRUNC);
			x->d->err[DERR_FRAG_CUT]++;
			p->truncated = 1;
			p->sport = sport;
			p->dport = dport;
			return DECODE_OK;
		}
		hlen = (size_t)(doff >> 4) * 4;
		if (hlen < 20)
			return derr(x, DERR_TCP_BAD_HLEN);
		if (!cur_skip(c, hlen - 20)) {
			/* Options cut by the snap length: the ports and flags
			   are whole, so the packet still counts to its flow
			   (a SYN's options often end past a short snaplen). */
			if (x->in_frag) {
				/* The options go on in the next fragment. */
				x->d->err[DERR_FRAG_TINY]++;
				p->truncated = 1;
			} else if (!snap_cut(x, c)) {
				return derr(x, DERR_TCP_TRUNC);
			}
			(void)cur_skip(c, cur_left(c));
		}
		p->sport = sport;
		p->dport = dport;
		p->tcp_flags = flags;
		p->tcp_seq = seq;
		set_payload(p, c);
		keep_head(p, c);
		return DECODE_OK;
	case IPPROTO_NUM_UDP:
		/* RFC 768: ports, length (header included), checksum. */
		if (!cur_sub(c, 8, &h) || !cur_be16(&h, &sport) ||
		    !cur_be16(&h, &dport) || !cur_be16(&h, &ulen) ||
		    !cur_skip(&h, 2))
			return derr(x, DERR_UDP_TRUNC);
		/* Length 0 over IPv6 is a jumbogram's (RFC 2675 section
		   4), which Linux takes at any size: it reads the datagram
		   to the end of the packet and delivers it. Refused here,
		   a datagram to any port would pass the gate unseen. */
		if (ulen < 8 && !(ulen == 0 && p->family == 6))
			return derr(x, DERR_UDP_BAD_LEN);
		/* Clamp to the length only when it is the smaller: a first
		   fragment or a snaplen cut holds less than it claims. */
		if (ulen != 0)
			(void)cur_clamp(c, (size_t)ulen - 8);
		p->sport = sport;
		p->dport = dport;
		set_payload(p, c);
		/* The destination port only: both tunnel ends send to it
		   (RFC 7348 section 5, RFC 8926 section 3.3), while any
		   sender may pick it as a source port (a reply from 4789 to
		   443 is UDP to 443, whatever its bytes say). */
		switch (dport) {
		case VXLAN_PORT:
			return decode_tunnel(x, c, VIA_VXLAN);
		case GENEVE_PORT:
			return decode_tunnel(x, c, VIA_GENEVE);
		case VXLAN_GPE_PORT:
			return decode_tunnel(x, c, VIA_VXLAN_GPE);
		default:
			return DECODE_OK;
		}
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		/* Type, code, checksum: the part every message shares
		   (RFC 792; RFC 4443 section 2.1). */
		if (!cur_sub(c, 4, &h) || !cur_u8(&h, &type) ||
		    !cur_u8(&h, &code) || !cur_skip(&h, 2))
			return derr(x, DERR_ICMP_TRUNC);
		p->icmp_type = type;
		p->icmp_code = code;
		set_payload(p, c);
		if (echo_type(proto, type) != ECHO_NONE)
			p->echo_sum = echo_hash(c);
		return DECODE_OK;
	case IPPROTO_NUM_GRE:
		set_payload(p, c);
		return decode_tunnel(x, c, VIA_GRE);
	case IPPROTO_NUM_IPIP:
		set_payload(p, c);
		return decode_tunnel(x, c, VIA_IP4);
	case IPPROTO_NUM_IPV6:
		set_payload(p, c);
		return decode_tunnel(x, c, VIA_IP6);
	case IPPROTO_NUM_NSH:
		set_payload(p, c);
		return decode_tunnel(x, c, VIA_NSH);
	default:
		set_payload(p, c);
		return DECODE_OK;
	}
}

/*
 * An IP fragment (key k, data at byte offset off, len data bytes as its
 * header claims, MF bit more). A later fragment takes the flow of its
 * first fragment, or is held until that comes; a first fragment is noted
 * for decode_packet() and decoded on (*first set).
 */
static enum decode_status fragment(struct dctx *x, const struct frag_key *k,
				   uint32_t off, uint32_t len, bool more,
				   bool *first)
{
	struct packet *p = x->p;
	struct frag_flow f;

	p->fragment = 1;
	x->d->frags++;
	*first = off == 0;
	if (*first) {
		/* One IP layer per nesting, so this never overflows; the
		   check keeps that an invariant rather than a hope. */
		if (x->npending < sizeof x->pending / sizeof x->pending[0]) {
			x->pending[x->npending].key = *k;
			x->pending[x->npending].len = len;
			x->npending++;
		}
		x->in_frag = 1;
		return DECODE_OK;
	}
	/* No transport header here: the data is the middle of a datagram. */
	p->payload = NULL;
	p->payload_len = 0;
	if (!frag_later(x->d->frags_tab, k, p->ts_us, off, len, more,
			p->wire_len, p->ip_len, &f))
		return DECODE_HELD;
	p->family = f.family;
	p->proto = f.proto;
	p->src = f.src;
	p->dst = f.dst;
	p->sport = f.sport;
	p->dport = f.dport;
	p->icmp_type = f.icmp_type;
	p->icmp_code = f.icmp_code;
	p->tunnel = f.tunnel;
	return DECODE_OK;
}

enum decode_status decode_ipv4(struct dctx *x, struct cursor *c)
{
	struct packet *p = x->p;
	struct cursor at = *c, h;
	struct frag_key k;
	uint8_t vihl, tos, proto, src[4], dst[4];
	uint16_t totlen, id, fl;
	size_t hlen, datalen;
	bool first;
	enum decode_status st;

	/* RFC 791 section 3.1: version/IHL, TOS, total length, id,
	   flags/offset, TTL, protocol, checksum, addresses: 20 bytes.
	   The fields are read from a cursor of just those bytes (h), whose
	   known length lets the compiler drop each field's own check. */
	if (!cur_sub(&at, 20, &h) ||
	    !cur_u8(&h, &vihl) || !cur_u8(&h, &tos) || !cur_be16(&h, &totlen) ||
	    !cur_be16(&h, &id) || !cur_be16(&h, &fl) || !cur_skip(&h, 1) ||
	    !cur_u8(&h, &proto) || !cur_skip(&h, 2) ||
	    !cur_copy(&h, src, 4) || !cur_copy(&h, dst, 4))
		return derr(x, DERR_IPV4_TRUNC);
	if (vihl >> 4 != 4)
		return derr(x, DERR_IPV4_BAD_VERSION);
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < 20)
		return derr(x, DERR_IPV4_BAD_HLEN);
	/* Total length 0 is what a sender's segmentation offload leaves in
	   captures taken on that host (tcpdump and Wireshark take the
	   captured length then); any other value under the header is bad. */
	if (totlen != 0 && totlen < hlen)
		return derr(x, DERR_IPV4_BAD_TOTLEN);
	if (totlen != 0)
		(void)clamp_claim(x, c, totlen, DERR_IPV4_LEN_OVER_CAP);
	p->l3 = cur_pos(c);
	p->l3_len = (uint32_t)cur_left(c);
	p->ext_opaque = 0;      /* an outer IPv6 header's, not this one's */
	p->ip_len = ip_claimed_len(x, p->l3, totlen);
	/* The DSCP is the TOS byte's upper six bits (RFC 2474 section 3). */
	p->dscp = (uint8_t)(tos >> 2);
	/* Options past what was captured. */
	if (!cur_skip(c, hlen))
		return derr(x, DERR_IPV4_TRUNC);

	p->family = 4;
	set_v4mapped(&p->src, src);
	/* Options, which few packets have: a source route may name the
	   destination that keys the flow. */
	if (hlen > 20 && cur_sub(&at, hlen - 20, &h))
		route4_final_dst(x, h, dst);
	set_v4mapped(&p->dst, dst);
	p->proto = proto;

	if (fl & (IP4_MF | IP4_OFF_MASK)) {
		memset(&k, 0, sizeof k);
		k.src = p->src;
		k.dst = p->dst;
		k.id = id;
		k.family = 4;
		k.proto = proto;
		datalen = totlen ? (size_t)totlen - hlen : cur_left(c);
		st = fragment(x, &k, (uint32_t)(fl & IP4_OFF_MASK) * 8,
			      (uint32_t)datalen, fl & IP4_MF, &first);
		if (!first)
			return st;
	}
	return decode_l4(x, c, proto);
}

/*
 * More extension headers than the walk takes: the packet is the flow its
 * IPv6 header makes, of the protocol the walk stopped at, and never
 * nothing (Linux delivers a segment behind any number of destination
 * options headers: dropped here, a session to any port would pass the
 * gate unseen). nDPI is not handed a chain it would misread.
 */
static enum decode_status ext_too_many(struct dctx *x, struct cursor *c,
				       uint8_t nh)
{
	x->d->err[DERR_IPV6_EXT_TOO_MANY]++;
	x->p->ext_opaque = 1;
	return decode_l4(x, c, nh);
}

enum decode_status decode_ipv6(struct dctx *x, struct cursor *c)
{
	struct packet *p = x->p;
	struct cursor at = *c, h, ext;
	struct frag_key k;
	uint32_t vtcfl, id;
	uint16_t plen, fo;
	uint8_t nh, next, len;
	size_t size, taken, datalen;
	unsigned n;
	bool first, routed = false;
	enum decode_status st;

	/* RFC 8200 section 3: version/class/flow label 4, payload length
	   2, next header 1, hop limit 1, addresses 32: 40 bytes. */
	if (!cur_sub(&at, 40, &h) ||
	    !cur_be32(&h, &vtcfl) || !cur_be16(&h, &plen) ||
	    !cur_u8(&h, &nh) || !cur_skip(&h, 1) ||
	    !cur_copy(&h, p->src.b, 16) || !cur_copy(&h, p->dst.b, 16))
		return derr(x, DERR_IPV6_TRUNC);
	if (vtcfl >> 28 != 6)
		return derr(x, DERR_IPV6_BAD_VERSION);
	/* Payload length 0: a jumbogram (RFC 2675) or a sender's
	   segmentation offload; take what was captured. */
	if (plen != 0)
		(void)clamp_claim(x, c, 40 + (size_t)plen,
				  DERR_IPV6_LEN_OVER_CAP);
	p->l3 = cur_pos(c);
	p->l3_len = (uint32_t)cur_left(c);
	p->ext_opaque = 0;      /* an outer IPv6 header's, not this one's */
	p->ip_len = ip_claimed_len(x, p->l3, plen ? 40 + (size_t)plen : 0);
	/* The traffic class's upper six bits (RFC 8200 section 7, RFC
	   2474 section 3). */
	p->dscp = (uint8_t)((vtcfl >> 22) & 0x3f);
	if (!cur_skip(c, 40))
		return derr(x, DERR_IPV6_TRUNC);
	p->family = 6;

	for (n = 0;; n++) {
		switch (nh) {
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
		case IP6_MOBILITY:
		case IP6_AH:
		case IP6_FRAGMENT:
			if (n >= MAX_IPV6_EXT_HDRS)
				return ext_too_many(x, c, nh);
			break;
		default:
			return decode_l4(x, c, nh);
		}
		if (nh == IP6_FRAGMENT) {
			/* RFC 8200 section 4.5: next header, reserved,
			   offset (13 bits, in 8-byte units) / res / M,
			   identification. */
			if (!cur_u8(c, &next) || !cur_skip(c, 1) ||
			    !cur_be16(c, &fo) || !cur_be32(c, &id))
				return derr(x, DERR_FRAG_TRUNC);
			/* Offset 0 without M is an atomic fragment (RFC
			   6946): a whole datagram, not to be tracked. */
			if (fo & (IP6F_OFF_MASK | IP6F_MORE)) {
				memset(&k, 0, sizeof k);
				k.src = p->src;
				k.dst = p->dst;
				k.id = id;
				k.family = 6;
				/* Not the next header: only the first
				   fragment's counts (RFC 8200 4.5), and
				   receivers put a datagram together by
				   addresses and id (Linux's ip6_frag key). A
				   later fragment naming another joins it. */
				k.proto = 0;
				/* Data after this header, as the IPv6
				   header's payload length claims. */
				taken = (size_t)(cur_pos(c) - p->l3) - 40;
				if (plen == 0)
					datalen = cur_left(c);
				else
					datalen = plen > taken ? plen - taken : 0;
				p->proto = next;   /* what a held one shows */
				st = fragment(x, &k, fo & IP6F_OFF_MASK,
					      (uint32_t)datalen, fo & IP6F_MORE,
					      &first);
				if (!first)
					return st;
			}
			nh = next;
			continue;
		}
		/* The other headers start with next header and a length:
		   in 8-byte units past the first 8 (RFC 8200 section 4.3),
		   or for AH in 4-byte units minus 2 (RFC 4302 2.2). */
		if (!cur_u8(c, &next) || !cur_u8(c, &len))
			return derr(x, DERR_IPV6_EXT_TRUNC);
		size = nh == IP6_AH ? ((size_t)len + 2) * 4 :
				      ((size_t)len + 1) * 8;
		/* nDPI 4.2 walks hop-by-hop, routing, fragment and
		   destination options only: past AH or mobility it would
		   take them for the transport (and, for TCP, lose the
		   reassembly buffer it holds: tests/crashes). */
		if (nh == IP6_AH || nh == IP6_MOBILITY)
			p->ext_opaque = 1;
		if (!cur_sub(c, size - 2, &ext))
			return derr(x, DERR_IPV6_EXT_TRUNC);
		/* Counted once a packet, however many headers route it;
		   each one's final destination keys it in turn, as each
		   takes over when the one before is done. */
		if (nh == IP6_ROUTING && route_final_dst(&ext, len, &p->dst) &&
		    !routed) {
			x->d->err[DERR_IPV6_ROUTED]++;
			routed = true;
		}
		nh = next;
	}
}

enum decode_status decode_ip_any(struct dctx *x, struct cursor *c,
				 enum decode_err empty)
{
	uint8_t b;

	if (!cur_peek_u8(c, 0, &b))
		return derr(x, empty);
	switch (b >> 4) {
	case 4:
		return decode_ipv4(x, c);
	case 6:
		return decode_ipv6(x, c);
	default:
		return derr(x, DERR_NOT_IP);
	}
}

bool decode_may_carry(const struct packet *p)
{
	switch (p->proto) {
	case IPPROTO_NUM_GRE:
	case IPPROTO_NUM_IPIP:
	case IPPROTO_NUM_IPV6:
	case IPPROTO_NUM_NSH:
		return true;
	case IPPROTO_NUM_UDP:
		/* A carrier's flow is keyed both ways: the tunnel port on
		   either side. */
		return p->sport == VXLAN_PORT || p->dport == VXLAN_PORT ||
		       p->sport == GENEVE_PORT || p->dport == GENEVE_PORT ||
		       p->sport == VXLAN_GPE_PORT || p->dport == VXLAN_GPE_PORT;
	default:
		return false;
	}
}
