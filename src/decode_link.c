/*
 * decode_link.c: link-layer headers and the ethertype chain (VLAN and HSR
 * tags, Cisco FabricPath, 802.1ah PBB, TRILL, NSH, MPLS, PPPoE, Cisco
 * MetaData, LLC/SNAP, MACsec) down to the first IP header.
 */
#include "decode_int.h"

#include <string.h>

/* DLT_* values as pcap_datalink() reports them (libpcap's pcap/dlt.h;
   the link types are listed at tcpdump.org/linktypes.html). */
#define DLT_NULL        0
#define DLT_EN10MB      1
#define DLT_RAW         12   /* most systems */
#define DLT_RAW_OPENBSD 14   /* OpenBSD's value for DLT_RAW */
#define DLT_LOOP        108
#define DLT_LINUX_SLL   113
#define DLT_IPV4        228
#define DLT_IPV6        229
#define DLT_NFLOG       239
#define DLT_LINUX_SLL2  276

/* Address family values DLT_NULL and DLT_LOOP carry: AF_INET is 2
   everywhere; AF_INET6 is 10 on Linux, 24 on NetBSD and OpenBSD, 28 on
   FreeBSD and DragonFly, 30 on macOS. */
#define BSD_AF_INET        2
#define BSD_AF_INET6_LINUX 10
#define BSD_AF_INET6_BSD   24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

/* The hardware type a Linux cooked capture gives a loopback interface
   (linux/if_arp.h ARPHRD_LOOPBACK). */
#define ARPHRD_LOOP 772

/* PPP protocol numbers (RFC 1332 for IPv4, RFC 5072 for IPv6). */
#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

/* NFLOG attribute carrying the packet (Linux nfnetlink_log.h). */
#define NFULA_PAYLOAD 9

/* IEEE 802.3 clause 3.2.6: a type field up to 1500 is a length, and an
   IEEE 802.2 LLC header follows. DSAP and SSAP 0xaa with control 3 (UI)
   start a SNAP header, an OUI and a type: OUI 0 makes the type an
   ethertype (RFC 1042). */
#define ETH_MAX_LENGTH 1500
#define LLC_SAP_SNAP   0xaa
#define LLC_CTRL_UI    0x03

/* IEEE 802.1AE-2018 9.3: the SecTAG after the MACsec ethertype: TCI and
   AN (1 byte: V, ES, SC, SCB, E, C, AN), short length 1, packet number
   4, then the SCI (8 bytes) when SC is set. E and C clear: the data is
   in clear, the frame's ethertype first (its ICV, after it, lies past
   what IP's length claims); E or C set: it is encrypted or changed. A
   frame with V set is no MACsec frame: receivers discard it (Linux's
   macsec_validate_skb()). */
#define MACSEC_TCI_V   0x80
#define MACSEC_TCI_SC  0x20
#define MACSEC_TCI_E   0x08
#define MACSEC_TCI_C   0x04

/* RFC 8300 2.2: the NSH base header, Ver 2, O 1, U 1, TTL 6, Length 6
   (the whole header's, in 4-byte words), U 4, MD Type 4, Next Protocol
   8; then the service path header (4 bytes) and the context headers.
   MD type 1's context is fixed, 16 bytes: 6 words in all; any other
   has 2 words at least. Next protocols: IANA's "NSH Next Protocol"
   registry, None from RFC 8393. */
#define NSH_VER_SHIFT  14
#define NSH_LEN_MASK   0x3f
#define NSH_MD_MASK    0x0f
#define NSH_MD1        1
#define NSH_MD1_WORDS  6
#define NSH_MIN_WORDS  2
#define NSH_NP_NONE    0
#define NSH_NP_IPV4    1
#define NSH_NP_IPV6    2
#define NSH_NP_ETH     3
#define NSH_NP_NSH     4
#define NSH_NP_MPLS    5

/* RFC 6325 3.2: the TRILL header, V 2, R 2, M 1, Op-Length 5 (its
   options, in 4-byte words), Hop Count 6, then the egress and ingress
   nicknames (6 bytes), the options, and the inner frame. */
#define TRILL_HDR      6
#define TRILL_VER_SHIFT 14
#define TRILL_OPLEN_SHIFT 6
#define TRILL_OPLEN_MASK 0x1f

/*
 * Ethertypes known to carry no IP (IEEE's EtherType registry,
 * Wireshark's etypes.h, Linux's if_ether.h): what a switch's SPAN port
 * shows beside IP. Counted not-ip, they leave the gate alone. Any other
 * ethertype may be a layer-2 tunnel that Linux ends and whose IP it
 * delivers (batman-adv, 0x4305): counted l2-unknown, and --validate
 * cannot pass on it (judge.c). Only what is sure to carry no IP goes
 * here.
 */
static const uint16_t no_ip_types[] = {
	0x0806,   /* ARP */
	0x0808,   /* Frame Relay ARP */
	0x0842,   /* Wake-on-LAN */
	0x22ea,   /* IEEE 802.1Qat SRP (MSRP) */
	0x22f0,   /* IEEE 1722 AVTP */
	0x22f4,   /* L2-IS-IS: TRILL's IS-IS (RFC 6325 4.2.3) */
	0x6001,   /* DEC MOP dump/load */
	0x6002,   /* DEC MOP remote console (Cisco IOS sends it) */
	0x6003,   /* DECnet Phase IV */
	0x6004,   /* DEC LAT */
	0x8035,   /* RARP */
	0x809b,   /* AppleTalk */
	0x80f3,   /* AppleTalk ARP */
	0x8137,   /* IPX */
	0x8138,   /* IPX */
	0x872d,   /* Cisco WLCCP */
	0x8808,   /* Ethernet flow control (PAUSE, PFC) */
	0x8809,   /* slow protocols: LACP, marker, 802.3ah OAM */
	0x8863,   /* PPPoE discovery */
	0x886f,   /* Microsoft NLB heartbeat */
	0x888e,   /* IEEE 802.1X EAPOL */
	0x8892,   /* PROFINET */
	0x8899,   /* Realtek RRCP, RLDP */
	0x88a2,   /* ATA over Ethernet */
	0x88a4,   /* EtherCAT */
	0x88ab,   /* Ethernet Powerlink */
	0x88b8,   /* IEC 61850 GOOSE */
	0x88b9,   /* IEC 61850 GSE management */
	0x88ba,   /* IEC 61850 sampled values */
	0x88cc,   /* LLDP */
	0x88cd,   /* SERCOS III */
	0x88d9,   /* Microsoft LLTD */
	0x88e3,   /* IEC 62439-2 MRP */
	0x88f5,   /* IEEE 802.1ak MVRP */
	0x88f6,   /* IEEE 802.1ak MMRP */
	0x88f7,   /* PTP (IEEE 1588) */
	0x88f8,   /* NC-SI */
	0x8902,   /* IEEE 802.1ag CFM, Y.1731 */
	0x8906,   /* FCoE */
	0x8914,   /* FCoE initialization (FIP) */
	0x8915,   /* RoCE v1 */
	0x8940,   /* IEEE 802.1Qbg ECP */
	0x9000,   /* loopback (Configuration Test Protocol, keepalives) */
};

bool ethertype_no_ip(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof no_ip_types / sizeof no_ip_types[0]; i++)
		if (no_ip_types[i] == type)
			return true;
	return false;
}

/* How many tags BPF reads past to leave out a frame of ethertype type
   (struct l2_seen): on the bare frame, to type itself, as the first
   type after the tags; inside a tunnel, to its carrier's outer IP
   header. L2_BLIND when another layer (FabricPath, MPLS, LLC) stands
   between, or too many tags. */
static unsigned l2_depth(const struct dctx *x, uint16_t type)
{
	bool reached = !x->p->ntun ? x->link_known && x->link_type == type :
		       !x->link_known || x->link_type == ETH_P_IPV4 ||
		       x->link_type == ETH_P_IPV6;

	return reached && x->link_tags < L2_DEPTHS ? x->link_tags : L2_BLIND;
}

/* A frame of ethertype type, not decoded here: not-ip, or l2-unknown,
   whose lowest ethertype the gate names, with the outermost tunnel it
   was met in: a filter leaves it out by that carrier's outer flow,
   as BPF reads only the outer headers. */
static enum decode_status ethertype_not_decoded(struct dctx *x,
						uint16_t type)
{
	struct decoder *d = x->d;

	if (ethertype_no_ip(type))
		return derr(x, DERR_NOT_IP);
	l2_seen_add(&d->l2, d->err[DERR_L2_UNKNOWN], type,
		    x->p->ntun ? &x->p->tun[0] : NULL, l2_depth(x, type));
	return derr(x, DERR_L2_UNKNOWN);
}

bool decode_link_supported(int dlt)
{
	switch (dlt) {
	case DLT_NULL:
	case DLT_EN10MB:
	case DLT_RAW:
	case DLT_RAW_OPENBSD:
	case DLT_LOOP:
	case DLT_LINUX_SLL:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NFLOG:
	case DLT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

/*
 * An Ethernet header at c, after `skip` bytes of a carrier's own (a
 * FabricPath header or PBB I-TAG before an inner frame): destination, source,
 * then the type, in *type. Linux lo writes both addresses zero; a frame
 * with a real one crossed a wire, and so did what it carries. A
 * carrier's inner frame is no loopback's either when its carrier came
 * from a wire (decode_link() starts the mark, this only clears it).
 * False when cut short.
 */
static bool eth_header(struct dctx *x, struct cursor *c, size_t skip,
		       uint16_t *type)
{
	static const uint8_t zero[12];
	struct cursor h;   /* the header's bytes (decode_ip.c's reason) */
	uint8_t macs[12];

	if (!cur_sub(c, skip + 14, &h) || !cur_skip(&h, skip) ||
	    !cur_copy(&h, macs, sizeof macs) || !cur_be16(&h, type))
		return false;
	if (memcmp(macs, zero, sizeof macs) != 0)
		x->p->loop_link = 0;
	return true;
}

/* IEEE 802.3 clause 3.2: destination, source, then the type (or, up to
   1500, an 802.3 length: LLC frames such as STP and CDP are not IP;
   SNAP frames of OUI 0 name an ethertype, walked as one). */
enum decode_status decode_ethernet(struct dctx *x, struct cursor *c)
{
	uint16_t type;

	if (!eth_header(x, c, 0, &type))
		return derr(x, DERR_LINK_TRUNC);
	return decode_ethertype(x, c, type);
}

/* Whether the walk below decodes ethertype type to IP, the cases of
   decode_ethertype()'s switch: what the pseudowire's reading must not
   meet where a frame without control word has its type. (An 802.3
   length there is no matter: read with a control word, an LLC frame's
   type would be its LLC header's, and only IP counts.) A case added
   to the switch goes here too: test_ethertypes_walked decodes every
   ethertype and fails on any the switch reads that this leaves out. */
bool ethertype_walked(uint16_t type)
{
	switch (type) {
	case ETH_P_IPV4:
	case ETH_P_IPV6:
	case ETH_P_8021Q:
	case ETH_P_8021AD:
	case ETH_P_QINQ1:
	case ETH_P_CMD:
	case ETH_P_HSR:
	case ETH_P_HSR0:
	case ETH_P_VNTAG:
	case ETH_P_ETAG:
	case ETH_P_FABRICPATH:
	case ETH_P_PBB:
	case ETH_P_TRILL:
	case ETH_P_NSH:
	case ETH_P_MACSEC:
	case ETH_P_MPLS:
	case ETH_P_MPLS_M:
	case ETH_P_PPPOES:
		return true;
	default:
		return false;
	}
}

/*
 * After the labels, a first nibble of 0: an Ethernet pseudowire's
 * control word (RFC 4448 4.6, RFC 4385: 0000, 12 reserved bits sent as
 * 0, a sequence number), then the customer's frame, which the egress PE
 * delivers; Suricata's decode-mpls.c reads it so. A pseudowire without
 * a control word, whose frame's DA starts with 0x0, looks the same, and
 * nothing in the packet tells them apart. Read the wrong way, its IP
 * header's length would be taken for an ethertype, an 802.3 length most
 * times, and its session would pass as not-ip. So the frame is read
 * only when the other reading carries nothing the walk decodes (the
 * reserved bits zero, no such type where a frame without control word
 * has its own), and only its IP, behind tags or not, counts: any other
 * frame is l2-unknown under the MPLS ethertype `type`, as it was.
 */
static enum decode_status decode_pw_eth(struct dctx *x, struct cursor *c,
					uint16_t type)
{
	struct cursor nocw = *c;
	uint16_t cw, inner;

	if (!cur_be16(c, &cw) || !cur_skip(c, 2))
		return derr(x, DERR_MPLS_TRUNC);
	if (cw != 0 ||
	    (cur_skip(&nocw, 12) && cur_be16(&nocw, &inner) &&
	     ethertype_walked(inner)))
		return ethertype_not_decoded(x, type);
	if (!eth_header(x, c, 0, &inner))
		return derr(x, DERR_LINK_TRUNC);
	switch (inner) {
	case ETH_P_IPV4:
	case ETH_P_IPV6:
	case ETH_P_8021Q:
	case ETH_P_8021AD:
	case ETH_P_QINQ1:
		return decode_ethertype(x, c, inner);
	default:
		return ethertype_not_decoded(x, type);
	}
}

/* RFC 3032 section 2.1: 32-bit label stack entries (label 20 bits, TC 3,
   bottom-of-stack S 1, TTL 8). No field says what follows the stack:
   IPv4 or IPv6 by the first nibble, as Suricata and Wireshark guess;
   0, an Ethernet pseudowire's control word (decode_pw_eth()). Any other
   is a pseudowire's frame without one (RFC 4448), which Suricata does
   not read and Wireshark reads by a guess: l2-unknown under the MPLS
   ethertype `type`. The whole stack, and the frame it carries, is one
   nesting. */
static enum decode_status decode_mpls(struct dctx *x, struct cursor *c,
				      uint16_t type)
{
	uint32_t lse;
	uint8_t b;

	if (!encap_push(x))
		return DECODE_ERROR;
	do {
		if (!cur_be32(c, &lse))
			return derr(x, DERR_MPLS_TRUNC);
	} while (!(lse & 0x100));
	if (!cur_peek_u8(c, 0, &b) || b >> 4 == 4 || b >> 4 == 6)
		return decode_ip_any(x, c, DERR_MPLS_TRUNC);
	if (b >> 4 == 0)
		return decode_pw_eth(x, c, type);
	return ethertype_not_decoded(x, type);
}

/* PPP protocols that carry IP in a form not read here (IANA "PPP DLL
   Protocol Numbers"): Van Jacobson's compressed and uncompressed TCP/IP
   (RFC 1144, RFC 1332), a multilink fragment (RFC 1990), a compressed
   datagram, on the bundle or one link (RFC 1962; MPPE's encryption uses
   it, RFC 3078), an encrypted datagram (RFC 1968). */
#define PPP_VJC_COMP    0x002d
#define PPP_VJC_UNCOMP  0x002f
#define PPP_MP          0x003d
#define PPP_COMP        0x00fd
#define PPP_COMPFRAG    0x00fb
#define PPP_CRYPT       0x0053
#define PPP_CRYPTFRAG   0x0055

/*
 * A PPP frame of another protocol than IP: one that carries IP unread
 * (above) is counted ppp-opaque, and the gate cannot pass on it
 * (judge.c): a link that negotiated compression or MPPE, which Linux's
 * ppp_generic undoes, exchanges IP of any port that no SPAN reads.
 * Counted as other (not-ip, LCP and IPCP), a session in it passed
 * unseen.
 */
enum decode_status ppp_not_ip(struct dctx *x, uint16_t proto,
			      enum decode_err other)
{
	switch (proto) {
	case PPP_VJC_COMP:
	case PPP_VJC_UNCOMP:
	case PPP_MP:
	case PPP_COMP:
	case PPP_COMPFRAG:
	case PPP_CRYPT:
	case PPP_CRYPTFRAG:
		return derr(x, DERR_PPP_OPAQUE);
	default:
		return derr(x, other);
	}
}

/* RFC 2516 section 4: version/type, code, session id, length (6 bytes),
   then the PPP protocol field (RFC 1661 section 2). */
static enum decode_status decode_pppoe(struct dctx *x, struct cursor *c)
{
	uint16_t proto;

	if (!encap_push(x))
		return DECODE_ERROR;
	if (!cur_skip(c, 6) || !cur_be16(c, &proto))
		return derr(x, DERR_PPPOE_TRUNC);
	switch (proto) {
	case PPP_IPV4:
		return decode_ipv4(x, c);
	case PPP_IPV6:
		return decode_ipv6(x, c);
	default:
		return ppp_not_ip(x, proto, DERR_NOT_IP);   /* LCP, IPCP... */
	}
}

/*
 * After an 802.3 length: an LLC frame, which carries IP when its SNAP
 * header (RFC 1042) names an ethertype. RFC 1122 2.3.3 has hosts
 * receive IP so framed, and Windows does whatever it sends: left as
 * not-ip, a session in such frames would pass the gate unseen. Sets
 * *type; any other LLC frame (STP, CDP) is no IP.
 */
static enum decode_status decode_llc(struct dctx *x, struct cursor *c,
				     uint16_t *type)
{
	static const uint8_t snap[6] = { LLC_SAP_SNAP, LLC_SAP_SNAP,
					 LLC_CTRL_UI, 0, 0, 0 };
	struct cursor h;
	uint8_t llc[6];
	size_t n = cur_left(c) < sizeof llc ? cur_left(c) : sizeof llc;

	/* A prefix of the SNAP header cut short may have been IP. */
	h = *c;
	if (!cur_copy(&h, llc, n) || memcmp(llc, snap, n) != 0)
		return derr(x, DERR_NOT_IP);
	if (!cur_skip(c, sizeof llc) || !cur_be16(c, type))
		return derr(x, DERR_LINK_TRUNC);
	return DECODE_OK;
}

/*
 * A MACsec frame (IEEE 802.1AE): two hosts that run it between them
 * exchange IP that Linux delivers (ip link ... type macsec). In clear,
 * the walk goes on at the ethertype it protects (*type); encrypted,
 * what it carries cannot be judged, and the gate says so (judge.c):
 * counted not-ip, a session in it passed unseen.
 */
static enum decode_status decode_macsec(struct dctx *x, struct cursor *c,
					uint16_t *type)
{
	uint8_t tci;

	if (!cur_u8(c, &tci) || !cur_skip(c, 5) ||
	    ((tci & MACSEC_TCI_SC) && !cur_skip(c, 8)))
		return derr(x, DERR_MACSEC_TRUNC);
	if (tci & MACSEC_TCI_V)
		return derr(x, DERR_NOT_IP);
	if (tci & (MACSEC_TCI_E | MACSEC_TCI_C))
		return derr(x, DERR_MACSEC_ENCRYPTED);
	if (!cur_be16(c, type))
		return derr(x, DERR_MACSEC_TRUNC);
	return DECODE_OK;
}

/*
 * The Network Service Header (RFC 8300), on Ethernet or in a tunnel: the
 * service function forwarder takes it off and delivers what its next
 * protocol names, found at the length the header gives whatever its MD
 * type (RFC 8300 2.2). Sets *type to the ethertype the walk goes on at
 * (an Ethernet frame's own, after its header). A version but 0, which
 * receivers discard, or a length under the fixed part is a bad header;
 * None (RFC 8393) carries metadata alone, no IP; any other protocol
 * (experimental, unassigned) may carry IP not read here: l2-unknown
 * under NSH's ethertype, and the gate cannot pass. Out of line: inlined,
 * its switch's table was loaded before decode_ethertype()'s loop, on
 * every frame's way (callgrind).
 */
__attribute__((noinline))
static enum decode_status decode_nsh(struct dctx *x, struct cursor *c,
				     uint16_t *type)
{
	struct cursor h = *c;
	uint16_t w;
	uint8_t md, next;
	size_t words;

	if (!cur_be16(&h, &w) || !cur_u8(&h, &md) || !cur_u8(&h, &next))
		return derr(x, DERR_LINK_TRUNC);
	words = w & NSH_LEN_MASK;
	if (w >> NSH_VER_SHIFT != 0 ||
	    words < ((md & NSH_MD_MASK) == NSH_MD1 ? NSH_MD1_WORDS :
		     NSH_MIN_WORDS))
		return derr(x, DERR_OVERLAY_BAD_HEADER);
	if (!cur_skip(c, words * 4))
		return derr(x, DERR_LINK_TRUNC);
	switch (next) {
	case NSH_NP_IPV4:
		*type = ETH_P_IPV4;
		return DECODE_OK;
	case NSH_NP_IPV6:
		*type = ETH_P_IPV6;
		return DECODE_OK;
	case NSH_NP_ETH:
		return eth_header(x, c, 0, type) ? DECODE_OK :
		       derr(x, DERR_LINK_TRUNC);
	case NSH_NP_NSH:
		*type = ETH_P_NSH;
		return DECODE_OK;
	case NSH_NP_MPLS:
		*type = ETH_P_MPLS;
		return DECODE_OK;
	case NSH_NP_NONE:
		return derr(x, DERR_NOT_IP);
	default:
		return ethertype_not_decoded(x, ETH_P_NSH);
	}
}

/*
 * A TRILL data frame (RFC 6325 3.2), which the egress RBridge takes the
 * header off and delivers: the inner frame's type in *type, after its
 * MACs (Wireshark's packet-trill.c reads it so; its VLAN tag, which
 * RFC 6325 4.1.2 has there, is walked as any tag). A version but 0,
 * which RBridges discard (3.2), is a bad header.
 */
static enum decode_status decode_trill(struct dctx *x, struct cursor *c,
				       uint16_t *type)
{
	struct cursor h = *c;
	uint16_t w;
	size_t opts;

	if (!cur_be16(&h, &w))
		return derr(x, DERR_LINK_TRUNC);
	if (w >> TRILL_VER_SHIFT != 0)
		return derr(x, DERR_OVERLAY_BAD_HEADER);
	opts = 4 * (size_t)((w >> TRILL_OPLEN_SHIFT) & TRILL_OPLEN_MASK);
	if (!eth_header(x, c, TRILL_HDR + opts, type))
		return derr(x, DERR_LINK_TRUNC);
	return DECODE_OK;
}

void cmd_sgt(struct dctx *x, uint16_t sgt)
{
	if (!x->p->has_sgt) {
		x->p->has_sgt = 1;
		x->p->sgt = sgt;
	}
}

/* The outermost frame's tags and first other type, as BPF reads them
   (struct dctx's link_*): what BPF's `vlan` walks, 802.1Q, 802.1ad and
   0x9100, are tags. libpcap refuses `vlan` on Linux cooked captures:
   there a tag is past what a filter can name. */
static void link_seen(struct dctx *x, uint16_t type)
{
	if (x->link_known || x->p->ntun)
		return;
	if (type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ1) {
		if (x->link_no_vlan)
			x->link_tags = UINT8_MAX;
		else if (x->link_tags < UINT8_MAX)
			x->link_tags++;
		return;
	}
	x->link_known = true;
	x->link_type = type;
}

static enum decode_status ethertype_walk(struct dctx *x, struct cursor *c,
					 uint16_t type)
{
	for (;;) {
		struct cursor h;   /* a tag's bytes (decode_ip.c's reason) */
		uint16_t tci;
		size_t n;

		link_seen(x, type);
		switch (type) {
		case ETH_P_IPV4:
			return decode_ipv4(x, c);
		case ETH_P_IPV6:
			return decode_ipv6(x, c);
		case ETH_P_8021Q:
		case ETH_P_8021AD:
		case ETH_P_QINQ1:
			/* IEEE 802.1Q tag: PCP 3, DEI 1, VID 12, then the
			   next type. Tags are a list, walked in this loop
			   (4 bytes each, so it ends), not a nesting: Linux
			   delivers a packet behind any number of priority
			   tags, and a limit here would drop it unseen. */
			if (!cur_sub(c, 4, &h) || !cur_be16(&h, &tci) ||
			    !cur_be16(&h, &type))
				return derr(x, DERR_VLAN_TRUNC);
			if (x->p->nvlans == 0)
				x->p->vlan = tci & 0x0fff;
			if (x->p->nvlans < MAX_VLAN_TAGS)
				x->p->vlans[x->p->nvlans++] = tci & 0x0fff;
			continue;
		case ETH_P_CMD:
			/* Cisco MetaData on Ethernet (Wireshark's
			   packet-cisco-metadata.c): version 1, length 1,
			   options 2, SGT 2, then the next type: 8 bytes
			   with the ethertype already read. In the list,
			   as tags are. */
			if (!cur_skip(c, 4) || !cur_be16(c, &tci) ||
			    !cur_be16(c, &type))
				return derr(x, DERR_CMD_TRUNC);
			cmd_sgt(x, tci);
			continue;
		case ETH_P_HSR:
		case ETH_P_HSR0:
			/* An HSR tag (IEC 62439-3; Linux's struct hsr_tag):
			   path and size 2, sequence number 2, then the
			   next type. Linux's hsr link takes it off and
			   delivers what it carries (v0 under 0x88fb): a
			   tag, in the list. */
			if (!cur_sub(c, 6, &h) || !cur_skip(&h, 4) ||
			    !cur_be16(&h, &type))
				return derr(x, DERR_LINK_TRUNC);
			continue;
		case ETH_P_VNTAG:
		case ETH_P_ETAG:
			/* Port extenders' tags, which the controlling switch
			   takes off and forwards what they carry by (Cisco
			   FEX's VN-Tag: direction, pointer, destination
			   and source VIF, 4 bytes; IEEE 802.1BR's E-Tag:
			   PCP, E-CIDs, 6 bytes; Wireshark's packet-vntag.c
			   and packet-etag.c), then the next type: tags, in
			   the list. */
			n = type == ETH_P_VNTAG ? 4 : 6;
			if (!cur_sub(c, n + 2, &h) || !cur_skip(&h, n) ||
			    !cur_be16(&h, &type))
				return derr(x, DERR_LINK_TRUNC);
			continue;
		case ETH_P_FABRICPATH:
			/* Cisco FabricPath (Wireshark's packet-cisco-fp-
			   mim.c): FTag and TTL 2, then the whole inner
			   frame, which the edge switch delivers. In the
			   list, as tags are: 16 bytes each, so it ends. */
			if (!eth_header(x, c, 2, &type))
				return derr(x, DERR_LINK_TRUNC);
			continue;
		case ETH_P_PBB:
			/* IEEE 802.1ah I-TAG: PCP, DEI, UCA, reserved and
			   the 24-bit I-SID (4 bytes), then the customer's
			   frame, which the backbone edge delivers. In the
			   list: 18 bytes each. */
			if (!eth_header(x, c, 4, &type))
				return derr(x, DERR_LINK_TRUNC);
			continue;
		case ETH_P_TRILL:
			/* In the list, as FabricPath is: 20 bytes each at
			   least. */
			if (decode_trill(x, c, &type) != DECODE_OK)
				return DECODE_ERROR;
			continue;
		case ETH_P_NSH:
			/* In the list, as FabricPath is: 8 bytes each at
			   least, so it ends, and NSH in NSH needs no
			   nesting. */
			if (decode_nsh(x, c, &type) != DECODE_OK)
				return DECODE_ERROR;
			continue;
		case ETH_P_MACSEC:
			/* In the list, as tags are: 14 bytes at least. */
			if (decode_macsec(x, c, &type) != DECODE_OK)
				return DECODE_ERROR;
			continue;
		case ETH_P_MPLS:
		case ETH_P_MPLS_M:
			return decode_mpls(x, c, type);
		case ETH_P_PPPOES:
			return decode_pppoe(x, c);
		default:
			if (type > ETH_MAX_LENGTH)
				return ethertype_not_decoded(x, type);
			/* 8 bytes each: the walk ends. */
			if (decode_llc(x, c, &type) != DECODE_OK)
				return DECODE_ERROR;
			continue;
		}
	}
}

/*
 * Most frames carry IP straight after their link header: taken here,
 * before the walk's switch over tags and carriers, that case costs no
 * search of its cases and no set-up of the walk (measured: 44
 * instructions a frame in this function before, on a mixed capture).
 */
enum decode_status decode_ethertype(struct dctx *x, struct cursor *c,
				    uint16_t type)
{
	if (type == ETH_P_IPV4)
		return decode_ipv4(x, c);
	if (type == ETH_P_IPV6)
		return decode_ipv6(x, c);
	return ethertype_walk(x, c, type);
}

/* Linux "cooked" v1 (libpcap's sll.h): packet type 2, ARPHRD type 2,
   address length 2, address 8, protocol 2 (an ethertype for IP). */
static enum decode_status decode_sll(struct dctx *x, struct cursor *c)
{
	uint16_t hatype, proto;

	if (!cur_skip(c, 2) || !cur_be16(c, &hatype) || !cur_skip(c, 10) ||
	    !cur_be16(c, &proto))
		return derr(x, DERR_LINK_TRUNC);
	x->p->loop_link = hatype == ARPHRD_LOOP;
	x->link_no_vlan = true;
	return decode_ethertype(x, c, proto);
}

/* Linux "cooked" v2 (libpcap's sll.h): protocol 2, reserved 2, interface
   index 4, ARPHRD type 2, packet type 1, address length 1, address 8. */
static enum decode_status decode_sll2(struct dctx *x, struct cursor *c)
{
	uint16_t hatype, proto;

	if (!cur_be16(c, &proto) || !cur_skip(c, 6) ||
	    !cur_be16(c, &hatype) || !cur_skip(c, 10))
		return derr(x, DERR_LINK_TRUNC);
	x->p->loop_link = hatype == ARPHRD_LOOP;
	x->link_no_vlan = true;
	return decode_ethertype(x, c, proto);
}

/* DLT_NULL writes the family in the capturing host's byte order, which
   the file does not record: a value with its upper half set was written
   the other way round (as tcpdump's null_if_print reasons). DLT_LOOP is
   always big-endian. */
static enum decode_status decode_null(struct dctx *x, struct cursor *c,
				      bool big_endian)
{
	struct cursor le = *c;
	uint32_t fam, fam_le;

	if (!cur_be32(c, &fam) || !cur_le32(&le, &fam_le))
		return derr(x, DERR_LINK_TRUNC);
	if (!big_endian && !(fam_le & 0xffff0000u))
		fam = fam_le;
	switch (fam) {
	case BSD_AF_INET:
		return decode_ipv4(x, c);
	case BSD_AF_INET6_LINUX:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return decode_ipv6(x, c);
	default:
		return derr(x, DERR_NOT_IP);
	}
}

/* True on a little-endian host (NFLOG's TLV fields are in host order). */
static bool host_le(void)
{
	const uint16_t one = 1;
	uint8_t first;

	memcpy(&first, &one, 1);
	return first == 1;
}

/* A 16-bit NFLOG TLV field: in the order of the host that captured it,
   which libpcap converts to the reading host's order. */
static bool cur_host16(struct cursor *c, uint16_t *v)
{
	return host_le() ? cur_le16(c, v) : cur_be16(c, v);
}

/*
 * Linux NFLOG (libpcap's nflog.h): family 1, version 1, resource id 2,
 * then TLVs of length 2 (header included), type 2, value, each padded to
 * 4 bytes. The packet is the NFULA_PAYLOAD TLV.
 */
static enum decode_status decode_nflog(struct dctx *x, struct cursor *c)
{
	uint8_t family;

	if (!cur_u8(c, &family) || !cur_skip(c, 3))
		return derr(x, DERR_LINK_TRUNC);
	for (;;) {
		uint16_t len, type;

		if (cur_left(c) == 0)
			return derr(x, x->snapped ? DERR_LINK_TRUNC : DERR_NOT_IP);
		if (!cur_host16(c, &len) || !cur_host16(c, &type))
			return derr(x, DERR_LINK_TRUNC);
		/* The length counts the 4-byte TLV header itself. */
		if (len < 4)
			return derr(x, DERR_NFLOG_BAD_TLV);
		if (type == NFULA_PAYLOAD) {
			/* Past the captured bytes the IP layer sees the cut. */
			(void)cur_clamp(c, (size_t)len - 4);
			switch (family) {
			case BSD_AF_INET:
				return decode_ipv4(x, c);
			case BSD_AF_INET6_LINUX:
				return decode_ipv6(x, c);
			default:
				return decode_ip_any(x, c, DERR_LINK_TRUNC);
			}
		}
		/* Each pass moves at least 4 bytes on: the walk ends. */
		if (!cur_skip(c, (((size_t)len + 3) & ~(size_t)3) - 4))
			return derr(x, DERR_LINK_TRUNC);
	}
}

/*
 * Whether the packet came from a loopback interface (packet.loop_link),
 * which decides whether loopback addresses are on loopback (classify.h):
 * the capture's link says so (Linux lo is Ethernet with both MACs zero,
 * BSD and macOS loopback the null and loop links, a cooked capture on
 * "any" names ARPHRD_LOOPBACK), and every Ethernet header on the way
 * in, a tunnel's inner frame too, has both MACs zero. A frame with a
 * real MAC came over a wire, and whatever it carries did as well. Raw
 * IP and NFLOG say nothing of the interface: a wire, so that the gate
 * never takes a packet from the network for the host's own.
 */
enum decode_status decode_link(struct dctx *x, int dlt, struct cursor *c)
{
	x->p->loop_link = dlt == DLT_EN10MB || dlt == DLT_NULL ||
			  dlt == DLT_LOOP;
	switch (dlt) {
	case DLT_EN10MB:
		return decode_ethernet(x, c);
	case DLT_LINUX_SLL:
		return decode_sll(x, c);
	case DLT_LINUX_SLL2:
		return decode_sll2(x, c);
	case DLT_RAW:
	case DLT_RAW_OPENBSD:
		return decode_ip_any(x, c, DERR_LINK_TRUNC);
	case DLT_IPV4:
		return decode_ipv4(x, c);
	case DLT_IPV6:
		return decode_ipv6(x, c);
	case DLT_NULL:
		return decode_null(x, c, false);
	case DLT_LOOP:
		return decode_null(x, c, true);
	case DLT_NFLOG:
		return decode_nflog(x, c);
	default:
		return derr(x, DERR_UNSUPPORTED_LINK);
	}
}
