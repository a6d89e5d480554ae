/*
 * gen_pcaps.c: writes impwatch's own test captures, the same bytes on
 * every run.
 *
 *   gen_pcaps DIR
 *
 * Every frame is built here field by field: Ethernet, 802.1Q/802.1ad, MPLS,
 * IPv4 (options, fragments), IPv6 (extension headers, fragments), TCP with
 * real handshakes and closes, UDP, ICMP, GRE, ERSPAN I/II/III and VXLAN,
 * with correct checksums, and real first payloads (SIP, XMPP, TLS, LDAP,
 * DNS, NTP, SNMP, PostgreSQL, SSH, Redis, RDP) so nDPI sees what it would
 * see on a site. Time starts at 2026-01-01T00:00:00Z and moves in fixed
 * steps; addresses come from the documentation ranges (RFC 5737,
 * RFC 3849) and MAC addresses from RFC 7042's documentation block.
 * tests/gen/README.md says what each file holds and what a correct
 * classifier reports for it.
 *
 * The headers and the pcap files are written by the test library
 * (tests/lib/pktbuild.h, tests/lib/pcapout.h); this file holds the site,
 * the payloads and the conversations.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "pcapout.h"
#include "pktbuild.h"

#define PATH_MAX_  1024

#define EPOCH_2026 1767225600ull     /* 2026-01-01T00:00:00Z */
#define NS_PER_S   1000000000ull
#define STEP_NS    1000000ull        /* 1 ms from one packet to the next */
#define GAP_NS     100000000ull      /* 100 ms between two conversations */
#define DUP_NS     20000ull          /* a SPAN's second copy of a frame */
#define NTP_UNIX_OFFSET 2208988800ull /* 1900 to 1970 (RFC 5905) */

#define SNAPLEN    262144            /* libpcap's default maximum */

/* Filler bytes for payloads whose content nobody inspects: a fixed linear
   congruential sequence, so the bytes look opaque but never change. */
static void putopaque(struct buf *b, size_t n, uint32_t seed)
{
	uint8_t *p = buf_room(b, n);
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* ---------------------------------------------------------------------
 * Hosts of the test site.
 */

struct host {
	uint8_t family;            /* 4 or 6 */
	uint8_t addr[16];          /* first 4 bytes used for IPv4 */
	uint8_t mac[6];
};

/* MAC in RFC 7042's documentation block 00-00-5E-00-53-xx; loopback
   traffic gets the all-zero MAC that Linux puts on its loopback. */
static struct host mkhost(const char *text, unsigned macid)
{
	struct host h;
	static const uint8_t doc_mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x00 };

	memset(&h, 0, sizeof h);
	if (inet_pton(AF_INET, text, h.addr) == 1)
		h.family = 4;
	else if (inet_pton(AF_INET6, text, h.addr) == 1)
		h.family = 6;
	else
		pkt_die("bad address in the site table", text);
	if (strcmp(text, "127.0.0.1") != 0) {
		memcpy(h.mac, doc_mac, 6);
		h.mac[5] = (uint8_t)macid;
	}
	return h;
}

static size_t addr_len(const struct host *h)
{
	return h->family == 4 ? 4 : 16;
}

/* The ends of an IP packet from src to dst. */
static struct ipends ends(const struct host *src, const struct host *dst)
{
	struct ipends e;

	e.family = src->family;
	e.src = src->addr;
	e.dst = dst->addr;
	return e;
}

/* Address text as it goes in a SIP URI: IPv6 in brackets (RFC 3261). */
static void uri_host(const struct host *h, char out[64])
{
	char t[INET6_ADDRSTRLEN];

	inet_ntop(h->family == 4 ? AF_INET : AF_INET6, h->addr, t, sizeof t);
	if (h->family == 4)
		snprintf(out, 64, "%s", t);
	else
		snprintf(out, 64, "[%s]", t);
}

static bool same_host(const struct host *a, const struct host *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, addr_len(a)) == 0;
}

/* Hosts in 192.0.2.0/24 or 2001:db8:2::/48 are the data centre side; a
   tunnel packet from there leaves through the data centre's endpoint. */
static bool in_data_centre(const struct host *h)
{
	static const uint8_t v4[3] = { 192, 0, 2 };
	static const uint8_t v6[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02 };

	return h->family == 4 ? memcmp(h->addr, v4, 3) == 0
			      : memcmp(h->addr, v6, 6) == 0;
}

/* Off-link hosts reach the data centre through its router (MAC ...:01). */
#define ROUTER 0x01

static struct site {
	struct host pub, sub, cucm, gw, ldap, dns, ntp, db;
	struct host jabber, browser, admin, client, rogue, jabber2, nms, fed;
	struct host outsider, laptop, lo;
	struct host pub6, sub6, gw6, dns6, jabber6, browser6, fed6, client6;
	struct host tun_a, tun_b, tun6_a, tun6_b;
} S;

static void site_init(void)
{
	S.pub      = mkhost("192.0.2.10", 0x10);   /* IM&P publisher */
	S.sub      = mkhost("192.0.2.11", 0x11);   /* IM&P subscriber */
	S.cucm     = mkhost("192.0.2.20", 0x20);
	S.gw       = mkhost("192.0.2.30", 0x30);   /* SIP gateway */
	S.ldap     = mkhost("192.0.2.40", 0x40);
	S.db       = mkhost("192.0.2.50", 0x50);   /* PostgreSQL */
	S.dns      = mkhost("192.0.2.53", 0x53);
	S.ntp      = mkhost("192.0.2.123", 0x7b);
	S.jabber   = mkhost("198.51.100.21", ROUTER);
	S.browser  = mkhost("198.51.100.22", ROUTER);
	S.admin    = mkhost("198.51.100.23", ROUTER);
	S.client   = mkhost("198.51.100.24", ROUTER);
	S.rogue    = mkhost("198.51.100.25", ROUTER);
	S.jabber2  = mkhost("198.51.100.26", ROUTER);
	S.nms      = mkhost("198.51.100.50", ROUTER); /* SNMP manager */
	S.fed      = mkhost("198.51.100.80", ROUTER); /* federated XMPP server */
	S.outsider = mkhost("203.0.113.66", ROUTER);
	S.laptop   = mkhost("198.51.100.7", ROUTER); /* an XMPP client */
	S.lo       = mkhost("127.0.0.1", 0);
	S.pub6     = mkhost("2001:db8:2::10", 0x10);
	S.sub6     = mkhost("2001:db8:2::11", 0x11);
	S.gw6      = mkhost("2001:db8:2::30", 0x30);
	S.dns6     = mkhost("2001:db8:2::53", 0x53);
	S.jabber6  = mkhost("2001:db8:100::21", ROUTER);
	S.browser6 = mkhost("2001:db8:100::22", ROUTER);
	S.client6  = mkhost("2001:db8:100::24", ROUTER);
	S.fed6     = mkhost("2001:db8:100::80", ROUTER);
	/* Tunnel endpoints: the remote site's (a) and the data centre's (b);
	   for ERSPAN, the mirroring switch (a) and the collector (b). */
	S.tun_a    = mkhost("203.0.113.1", 0xa1);
	S.tun_b    = mkhost("203.0.113.2", 0xa2);
	S.tun6_a   = mkhost("2001:db8:ffff::1", 0xa1);
	S.tun6_b   = mkhost("2001:db8:ffff::2", 0xa2);
}

/* ---------------------------------------------------------------------
 * Output files: link type, encapsulation, clock and record writer.
 */

enum link {
	L_ETHER, L_SLL, L_SLL2, L_RAW, L_IPV4, L_IPV6, L_NULL, L_LOOP
};

enum encap {
	E_NONE, E_VLAN, E_QINQ, E_MPLS, E_GRE, E_GRE_TEB, E_ERSPAN1,
	E_ERSPAN2, E_ERSPAN3, E_VXLAN, E_IPIP, E_6IN4, E_4IN6
};

struct out {
	char path[PATH_MAX_];
	char path2[PATH_MAX_];     /* takes over after split_at records */
	struct pcapout w, w2;
	enum link link;
	enum encap encap;
	bool v4opts;               /* IPv4 options on every packet */
	bool v6ext;                /* IPv6 extension headers on every packet */
	bool nsec;
	unsigned snaplen;
	uint64_t t_ns;             /* time of the next record */
	uint64_t t_off_ns;         /* added to every stamp written */
	unsigned npkts;
	unsigned split_at;
	uint16_t ip_id;            /* IPv4 ID of the next inner packet */
	uint16_t tun_id;           /* IPv4 ID of the next tunnel packet */
	uint32_t frag_id;          /* IPv6 fragment identification */
	uint32_t gre_seq;
	unsigned erspan3_sub;      /* records still to carry the ERSPAN III
	                              platform sub-header */
	const struct host *tun_a;  /* tunnel endpoints in place of S.tun_a */
	const struct host *tun_b;  /* and S.tun_b (NULL: those) */
	uint16_t vx_sport;         /* VXLAN ports in place of 49320 and 4789 */
	uint16_t vx_dport;
	uint32_t vx_w0;            /* VXLAN's first word in place of 0x08000000 */
	bool span_dup;             /* every frame again, DUP_NS later */
	unsigned ncopies;          /* copies written so far */
	size_t last_caplen;
};

/* A new output at 2026-01-01T00:00:00Z; nothing is opened yet. */
static void out_open(struct out *o, const char *dir, const char *name,
		     enum link link)
{
	memset(o, 0, sizeof *o);
	o->link = link;
	if ((size_t)snprintf(o->path, sizeof o->path, "%s/%s", dir, name) >=
	    sizeof o->path)
		pkt_die("output path too long", name);
	o->t_ns = EPOCH_2026 * NS_PER_S;
	o->snaplen = SNAPLEN;
	o->ip_id = 0x1000;
	o->tun_id = 0x7000;
	o->frag_id = 0x00010000;
	o->gre_seq = 1;
}

/* Open the classic pcap (and the second file, if any) once the caller
   has set the options (precision, snap length, second file). */
static void out_start(struct out *o, int dlt)
{
	pcapout_open(&o->w, o->path, dlt, o->snaplen, o->nsec);
	if (o->path2[0])
		pcapout_open(&o->w2, o->path2, dlt, o->snaplen, o->nsec);
}

/* The same in the byte order opposite to the host's. */
static void out_start_swapped(struct out *o, uint32_t linktype)
{
	pcapout_open_swapped(&o->w, o->path, linktype, o->snaplen);
}

static void out_close(struct out *o)
{
	if (o->path2[0])
		pcapout_close(&o->w2);
	pcapout_close(&o->w);
}

/* Space conversations apart; the first packet of a file is at 00:00:00. */
static void out_pause(struct out *o)
{
	if (o->npkts)
		o->t_ns += GAP_NS;
}

/* One record of `len` wire bytes of which `caplen` were captured. */
static void out_record_cap(struct out *o, const uint8_t *p, size_t len,
			   size_t caplen)
{
	struct pcapout *w = o->path2[0] && o->npkts >= o->split_at ? &o->w2
								    : &o->w;

	o->last_caplen = pcapout_write(w, o->t_ns + o->t_off_ns, p, len,
				       caplen);
	o->npkts++;
	o->t_ns += STEP_NS;
}

static void out_record(struct out *o, const struct buf *f)
{
	out_record_cap(o, f->b, f->n, f->n);
}

/* ---------------------------------------------------------------------
 * Link layers.
 */

static unsigned ethertype_of(int family)
{
	return family == 4 ? ET_IPV4 : ET_IPV6;
}

/* A plain Ethernet II frame around an IP packet (no padding: used inside
   tunnels, where the mirrored frame is carried as it was). */
static void eth_frame(struct buf *b, const struct host *src,
		      const struct host *dst, int family,
		      const uint8_t *l3, size_t n)
{
	eth_hdr(b, dst->mac, src->mac, ethertype_of(family));
	putmem(b, l3, n);
}

/* Linux packet types (if_packet.h), as seen from the IM&P publisher. */
static unsigned sll_pkttype(const struct host *src, const struct host *dst)
{
	if (same_host(dst, &S.pub) || same_host(dst, &S.pub6))
		return 0;               /* PACKET_HOST */
	if (same_host(src, &S.pub) || same_host(src, &S.pub6))
		return 4;               /* PACKET_OUTGOING */
	return 3;                       /* PACKET_OTHERHOST */
}

/* The second mirror source of a SPAN: the frame just written again,
   DUP_NS after it, with the same IP packet; every second copy comes from
   an 802.1Q trunk port and carries VLAN 20, which the original lacks.
   The clock is left where the original put it. Ethernet only. */
static void span_copy(struct out *o, const struct host *src,
		      const struct host *dst, int family, const uint8_t *l3,
		      size_t n)
{
	struct buf f;

	if (o->link != L_ETHER || o->encap != E_NONE)
		pkt_die("SPAN copies are plain Ethernet only", o->path);
	f.n = 0;
	if (o->ncopies++ % 2) {
		eth_hdr(&f, dst->mac, src->mac, ET_VLAN);
		vlan_tag(&f, 20, ethertype_of(family)); /* PCP 0, DEI 0 */
	} else {
		eth_hdr(&f, dst->mac, src->mac, ethertype_of(family));
	}
	putmem(&f, l3, n);
	eth_pad(&f);
	o->t_ns = o->t_ns - STEP_NS + DUP_NS;
	out_record(o, &f);
	o->t_ns = o->t_ns - DUP_NS;
}

/* Put the IP packet in the output's link-layer header and write it. */
static void link_out(struct out *o, const struct host *src,
		     const struct host *dst, int family, const uint8_t *l3,
		     size_t n, bool tagged)
{
	struct buf f;
	unsigned et = ethertype_of(family);
	uint32_t af;

	f.n = 0;
	switch (o->link) {
	case L_ETHER:
		if (tagged && o->encap == E_VLAN) {
			eth_hdr(&f, dst->mac, src->mac, ET_VLAN);
			vlan_tag(&f, 100, et);          /* PCP 0, DEI 0 */
		} else if (tagged && o->encap == E_QINQ) {
			eth_hdr(&f, dst->mac, src->mac, ET_QINQ);
			vlan_tag(&f, 200, ET_VLAN);     /* service tag */
			vlan_tag(&f, 100, et);          /* customer tag */
		} else if (tagged && o->encap == E_MPLS) {
			/* Two labels: 16, then 100 at the bottom. */
			eth_hdr(&f, dst->mac, src->mac, ET_MPLS);
			mpls_label(&f, 16, 0, false, 64);
			mpls_label(&f, 100, 0, true, 64);
		} else {
			eth_hdr(&f, dst->mac, src->mac, et);
		}
		putmem(&f, l3, n);
		eth_pad(&f);
		break;
	case L_SLL:
		sll_hdr(&f, sll_pkttype(src, dst), src->mac, et);
		putmem(&f, l3, n);
		break;
	case L_SLL2:
		sll2_hdr(&f, sll_pkttype(src, dst), 2, src->mac, et);
		putmem(&f, l3, n);
		break;
	case L_RAW:
	case L_IPV4:
	case L_IPV6:
		putmem(&f, l3, n);
		break;
	case L_NULL:
	case L_LOOP:
		/* AF_INET is 2 everywhere; for IPv6 the BSD value 24. NULL
		   stores it in the writer's byte order, LOOP big-endian. */
		af = family == 4 ? 2 : 24;
		if (o->link == L_LOOP)
			put32(&f, af);
		else
			memcpy(buf_room(&f, 4), &af, 4);
		putmem(&f, l3, n);
		break;
	}
	out_record(o, &f);
	if (o->span_dup)
		span_copy(o, src, dst, family, l3, n);
}

/* ---------------------------------------------------------------------
 * Tunnels: from the inner IP packet to what the link layer carries.
 */

static void link_or_tunnel(struct out *o, const struct host *src,
			   const struct host *dst, int family,
			   const uint8_t *l3, size_t n);

/* Outer IPv4 or IPv6 packet between tunnel endpoints around `inner`. */
static void tunnel_out(struct out *o, const struct host *osrc,
		       const struct host *odst, unsigned proto,
		       const struct buf *inner)
{
	struct ipends e = ends(osrc, odst);
	struct buf p;

	p.n = 0;
	if (osrc->family == 4)
		ip4_hdr(&p, &e, proto, 64, o->tun_id++, 0x4000, NULL, 0,
			inner->n);
	else
		ip6_hdr(&p, &e, proto, inner->n);
	putmem(&p, inner->b, inner->n);
	link_out(o, osrc, odst, osrc->family, p.b, p.n, false);
}

/* ERSPAN III timestamp in 100-microsecond units (granularity 0): the
   header holds the low 32 bits, platform sub-header 3 the high ones. */
static uint64_t erspan_ts(const struct out *o)
{
	return o->t_ns / 100000u;
}

static void link_or_tunnel(struct out *o, const struct host *src,
			   const struct host *dst, int family,
			   const uint8_t *l3, size_t n)
{
	struct buf t, eth;
	const struct host *a, *b;
	struct ipends e;

	t.n = 0;
	eth.n = 0;
	/* Both directions of a tunnel: from the data centre, b to a. */
	a = o->encap == E_4IN6 ? &S.tun6_a : o->tun_a ? o->tun_a : &S.tun_a;
	b = o->encap == E_4IN6 ? &S.tun6_b : o->tun_b ? o->tun_b : &S.tun_b;
	if (in_data_centre(src)) {
		const struct host *sw = a;

		a = b;
		b = sw;
	}
	switch (o->encap) {
	case E_NONE:
	case E_VLAN:
	case E_QINQ:
	case E_MPLS:
		link_out(o, src, dst, family, l3, n, true);
		return;
	case E_IPIP:
	case E_6IN4:
	case E_4IN6:
		putmem(&t, l3, n);
		tunnel_out(o, a, b, family == 4 ? P_IPIP : P_IPV6, &t);
		return;
	case E_GRE:
		/* Checksum, key and sequence number all present. */
		gre_hdr(&t, true, true, true, ethertype_of(family), 100,
			o->gre_seq++);
		putmem(&t, l3, n);
		gre_csum(&t, 0);
		tunnel_out(o, a, b, P_GRE, &t);
		return;
	case E_GRE_TEB:
		gre_hdr(&t, false, true, false, ET_TEB, 100, 0);
		eth_frame(&t, src, dst, family, l3, n);
		tunnel_out(o, a, b, P_GRE, &t);
		return;
	case E_ERSPAN1:
		/* Type I: GRE with every flag clear, the mirrored frame right
		   after the 4-byte GRE header. */
		gre_hdr(&t, false, false, false, ET_ERSPAN, 0, 0);
		eth_frame(&t, src, dst, family, l3, n);
		tunnel_out(o, &S.tun_a, &S.tun_b, P_GRE, &t);
		return;
	case E_ERSPAN2:
		/* Type II: session 7, port index 17; encapsulation type 2:
		   the frame came from an 802.1Q trunk and its tag (VLAN 100)
		   was moved here. */
		gre_hdr(&t, false, false, true, ET_ERSPAN, 0, o->gre_seq++);
		erspan2_hdr(&t, 100, 2, 7, 17);
		eth_frame(&t, src, dst, family, l3, n);
		tunnel_out(o, &S.tun_a, &S.tun_b, P_GRE, &t);
		return;
	case E_ERSPAN3:
		/* Type III: session 7, VLAN 100, hardware ID 1; the first
		   erspan3_sub packets carry the platform sub-header (port
		   index 17). */
		gre_hdr(&t, false, false, true, ET_ERSPAN3, 0, o->gre_seq++);
		erspan3_hdr(&t, 100, 7, erspan_ts(o), 1, o->erspan3_sub > 0,
			    17);
		if (o->erspan3_sub)
			o->erspan3_sub--;
		eth_frame(&t, src, dst, family, l3, n);
		tunnel_out(o, &S.tun_a, &S.tun_b, P_GRE, &t);
		return;
	case E_VXLAN:
		/* UDP to 4789, VXLAN header with the I flag and VNI 42,
		   then the inner Ethernet frame. The UDP checksum is filled
		   in although RFC 7348 allows zero. */
		eth_frame(&eth, src, dst, family, l3, n);
		udp_hdr(&t, o->vx_sport ? o->vx_sport : 49320,
			o->vx_dport ? o->vx_dport : VXLAN_PORT, 8 + eth.n);
		vxlan_hdr(&t, o->vx_w0 ? o->vx_w0 : 0x08000000u, 42);
		putmem(&t, eth.b, eth.n);
		e = ends(a, b);
		l4_csum(&t, 0, &e, P_UDP);
		tunnel_out(o, a, b, P_UDP, &t);
		return;
	}
}

/* ---------------------------------------------------------------------
 * From a transport segment to a frame: the output's IP options or
 * extension headers, then link_or_tunnel().
 */

/* Record Route with two empty slots (RFC 791), ended by EOL: IHL 8. */
static const uint8_t opt_rr[12] = {
	7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0
};
/* Router Alert (RFC 2113): IHL 6. */
static const uint8_t opt_ra[4] = { 148, 4, 0, 0 };

/* Hop-by-hop (8 bytes of PadN), destination options (16 bytes: a 2-byte
   ext length of 1 exercises the length arithmetic) and a segment routing
   header (routing type 4, RFC 8754) with one segment, the destination,
   and segments left 0, so the destination in the fixed header is final. */
static void ip6_ext_chain(struct buf *b, const struct host *dst,
			  unsigned upper)
{
	put8(b, P_DSTOP);                       /* hop-by-hop */
	put8(b, 0);
	put8(b, 1);                             /* PadN, 4 bytes */
	put8(b, 4);
	putzero(b, 4);

	put8(b, P_RH);                          /* destination options */
	put8(b, 1);
	put8(b, 1);                             /* PadN, 12 bytes */
	put8(b, 12);
	putzero(b, 12);

	put8(b, upper);                         /* routing header */
	put8(b, 2);
	put8(b, 4);                             /* type 4: SRH */
	put8(b, 0);                             /* segments left */
	put8(b, 0);                             /* last entry */
	put8(b, 0);                             /* flags */
	put16(b, 0);                            /* tag */
	putmem(b, dst->addr, 16);
}

#define EXT6_LEN (8 + 16 + 24)

static void send_l4(struct out *o, const struct host *src,
		    const struct host *dst, unsigned proto,
		    const struct buf *l4)
{
	struct ipends e = ends(src, dst);
	struct buf p;

	p.n = 0;
	if (src->family == 4) {
		const uint8_t *opt = NULL;
		size_t optlen = 0;

		if (o->v4opts) {
			opt = proto == P_TCP ? opt_rr : opt_ra;
			optlen = proto == P_TCP ? sizeof opt_rr : sizeof opt_ra;
		}
		/* DF on everything not fragmented, as Linux sends. */
		ip4_hdr(&p, &e, proto, 64, o->ip_id++, 0x4000, opt, optlen,
			l4->n);
	} else if (o->v6ext) {
		ip6_hdr(&p, &e, P_HBH, EXT6_LEN + l4->n);
		ip6_ext_chain(&p, dst, proto);
	} else {
		ip6_hdr(&p, &e, proto, l4->n);
	}
	putmem(&p, l4->b, l4->n);
	link_or_tunnel(o, src, dst, src->family, p.b, p.n);
}

/* ---------------------------------------------------------------------
 * Transport segments.
 */

static void udp_build(struct buf *u, const struct host *src, uint16_t sp,
		      const struct host *dst, uint16_t dp,
		      const struct buf *data)
{
	struct ipends e = ends(src, dst);

	u->n = 0;
	udp_hdr(u, sp, dp, data->n);
	putmem(u, data->b, data->n);
	l4_csum(u, 0, &e, P_UDP);
}

static void send_udp(struct out *o, const struct host *src, uint16_t sp,
		     const struct host *dst, uint16_t dp,
		     const struct buf *data)
{
	struct buf u;

	udp_build(&u, src, sp, dst, dp, data);
	send_l4(o, src, dst, P_UDP, &u);
}

/* A TCP segment; SYNs carry Linux's usual options without timestamps:
   MSS 1460, NOP, NOP, SACK permitted, NOP, window scale 7. */
static void send_tcp_seg(struct out *o, const struct host *src, uint16_t sp,
			 const struct host *dst, uint16_t dp, uint32_t seq,
			 uint32_t ack, unsigned flags, const uint8_t *data,
			 size_t n)
{
	static const uint8_t synopt[12] = {
		2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7
	};
	struct ipends e = ends(src, dst);
	struct buf t;
	size_t optlen = (flags & F_SYN) ? sizeof synopt : 0;

	t.n = 0;
	tcp_hdr(&t, sp, dp, seq, ack, flags,
		(flags & F_SYN) ? 64240 : 502, optlen); /* 502 << 7 after SYN */
	putmem(&t, synopt, optlen);
	putmem(&t, data, n);
	l4_csum(&t, 0, &e, P_TCP);
	send_l4(o, src, dst, P_TCP, &t);
}

/* One TCP connection's state: each side's next sequence number. Every
   segment is delivered at once, so each side acks all the other sent. */
struct tcpconv {
	const struct host *c, *s;
	uint16_t cport, sport;
	uint32_t cnext, snext;
};

static struct tcpconv tcpconv(const struct host *c, uint16_t cport,
			      const struct host *s, uint16_t sport)
{
	struct tcpconv t;

	t.c = c;
	t.s = s;
	t.cport = cport;
	t.sport = sport;
	/* Fixed initial sequence numbers, different per connection. */
	t.cnext = 0x1a000000u + (uint32_t)cport * 7919u;
	t.snext = 0x6b000000u + (uint32_t)cport * 104729u;
	return t;
}

static void tcp_send(struct out *o, struct tcpconv *t, bool from_client,
		     unsigned flags, const uint8_t *data, size_t n)
{
	uint32_t *mine = from_client ? &t->cnext : &t->snext;
	uint32_t theirs = from_client ? t->snext : t->cnext;
	uint32_t seq = *mine;

	*mine += (uint32_t)n + ((flags & (F_SYN | F_FIN)) ? 1u : 0u);
	if (from_client)
		send_tcp_seg(o, t->c, t->cport, t->s, t->sport, seq,
			     (flags & F_ACK) ? theirs : 0, flags, data, n);
	else
		send_tcp_seg(o, t->s, t->sport, t->c, t->cport, seq,
			     (flags & F_ACK) ? theirs : 0, flags, data, n);
}

/* A whole connection, 8 packets: SYN, SYN-ACK, ACK, the first message and
   its answer (PSH/ACK each), FIN/ACK both ways, last ACK. With
   server_first the server speaks first (SSH banners). */
static void tcp_session(struct out *o, struct tcpconv *t,
			const struct buf *req, const struct buf *rsp,
			bool server_first)
{
	out_pause(o);
	tcp_send(o, t, true, F_SYN, NULL, 0);
	tcp_send(o, t, false, F_SYN | F_ACK, NULL, 0);
	tcp_send(o, t, true, F_ACK, NULL, 0);
	if (server_first) {
		tcp_send(o, t, false, F_PSH | F_ACK, rsp->b, rsp->n);
		tcp_send(o, t, true, F_PSH | F_ACK, req->b, req->n);
	} else {
		tcp_send(o, t, true, F_PSH | F_ACK, req->b, req->n);
		tcp_send(o, t, false, F_PSH | F_ACK, rsp->b, rsp->n);
	}
	tcp_send(o, t, true, F_FIN | F_ACK, NULL, 0);
	tcp_send(o, t, false, F_FIN | F_ACK, NULL, 0);
	tcp_send(o, t, true, F_ACK, NULL, 0);
}

/* A segment the capture never saw: its side's sequence number moves on
   and so does the clock, as if it had been written. */
static void tcp_unseen(struct out *o, struct tcpconv *t, bool from_client,
		       unsigned flags, size_t n)
{
	uint32_t *mine = from_client ? &t->cnext : &t->snext;

	*mine += (uint32_t)n + ((flags & (F_SYN | F_FIN)) ? 1u : 0u);
	o->t_ns += STEP_NS;
}

/* A connection through a SPAN that mirrors only the client-to-server
   direction, 5 packets: SYN, ACK, the request, ACK, FIN/ACK. The server's
   SYN-ACK, its answer, its FIN/ACK (it closes first, right after the
   answer) and its last ACK are lost but still take their place in time,
   and the client's ACK numbers count them. */
static void tcp_session_oneway(struct out *o, struct tcpconv *t,
			       const struct buf *req, const struct buf *rsp)
{
	out_pause(o);
	tcp_send(o, t, true, F_SYN, NULL, 0);
	tcp_unseen(o, t, false, F_SYN | F_ACK, 0);
	tcp_send(o, t, true, F_ACK, NULL, 0);
	tcp_send(o, t, true, F_PSH | F_ACK, req->b, req->n);
	tcp_unseen(o, t, false, F_PSH | F_ACK, rsp->n);
	tcp_unseen(o, t, false, F_FIN | F_ACK, 0);
	tcp_send(o, t, true, F_ACK, NULL, 0);
	tcp_send(o, t, true, F_FIN | F_ACK, NULL, 0);
	tcp_unseen(o, t, false, F_ACK, 0);
}

/* A request and, when rsp is given, its reply. */
static void udp_pair(struct out *o, const struct host *c, uint16_t cport,
		     const struct host *s, uint16_t sport,
		     const struct buf *req, const struct buf *rsp)
{
	out_pause(o);
	send_udp(o, c, cport, s, sport, req);
	if (rsp)
		send_udp(o, s, sport, c, cport, rsp);
}

/* ICMP echo request and reply (RFC 792) with the 56-byte pattern ping
   sends. IPv4 only. */
static void icmp_echo(struct out *o, const struct host *a,
		      const struct host *b, unsigned id, unsigned seq)
{
	struct buf m;
	uint8_t data[56];
	unsigned type, i;

	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(0x08 + i);
	out_pause(o);
	for (type = 8;; type = 0) {
		m.n = 0;
		icmp4_echo(&m, type, id, seq, data, sizeof data);
		if (type == 8)
			send_l4(o, a, b, P_ICMP, &m);
		else
			send_l4(o, b, a, P_ICMP, &m);
		if (type == 0)
			break;
	}
}

/* One UDP datagram sent as `nfrag` IP fragments (RFC 791, RFC 8200 4.5),
   in order or last first. Fragment data is cut on 8-byte boundaries; the
   UDP header and checksum travel in the first fragment only. */
static void udp_fragmented(struct out *o, const struct host *src,
			   uint16_t sp, const struct host *dst, uint16_t dp,
			   const struct buf *data, unsigned nfrag,
			   bool last_first)
{
	struct ipends e = ends(src, dst);
	struct buf u, p;
	size_t per, off, len;
	unsigned k, idx;
	uint32_t id = src->family == 4 ? o->ip_id++ : o->frag_id++;

	udp_build(&u, src, sp, dst, dp, data);
	per = ((u.n + nfrag - 1) / nfrag + 7) & ~(size_t)7;
	if (per * (nfrag - 1) >= u.n)
		pkt_die("datagram too short for that many fragments", NULL);
	for (k = 0; k < nfrag; k++) {
		idx = last_first ? nfrag - 1 - k : k;
		off = per * idx;
		len = idx == nfrag - 1 ? u.n - off : per;
		p.n = 0;
		if (src->family == 4) {
			ip4_hdr(&p, &e, P_UDP, 64, id,
				(idx == nfrag - 1 ? 0 : 0x2000u) | (unsigned)(off / 8),
				NULL, 0, len);
		} else {
			ip6_hdr(&p, &e, P_FRAG, 8 + len);
			ip6_frag_hdr(&p, P_UDP, off, idx != nfrag - 1, id);
		}
		putmem(&p, u.b + off, len);
		link_or_tunnel(o, src, dst, src->family, p.b, p.n);
	}
}

/* ---------------------------------------------------------------------
 * Payloads: the first bytes each protocol really sends.
 */

/* SIP OPTIONS keepalive and its 200 OK (RFC 3261 11). tp is the Via
   transport; n makes branch, tag and Call-ID unique. */
static void sip_options(struct buf *req, struct buf *rsp, const char *tp,
			const struct host *from, uint16_t fport,
			const struct host *to, uint16_t tport, unsigned n)
{
	char f[64], t[64];

	uri_host(from, f);
	uri_host(to, t);
	req->n = 0;
	bprintf(req,
		"OPTIONS sip:%s:%u SIP/2.0\r\n"
		"Via: SIP/2.0/%s %s:%u;branch=z9hG4bK%08x\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:ping@%s>;tag=%08x\r\n"
		"To: <sip:%s:%u>\r\n"
		"Call-ID: %08x-%u@%s\r\n"
		"CSeq: 101 OPTIONS\r\n"
		"Contact: <sip:ping@%s:%u>\r\n"
		"User-Agent: Cisco-SIPGateway/IOS-17.x\r\n"
		"Accept: application/sdp\r\n"
		"Content-Length: 0\r\n\r\n",
		t, tport, tp, f, fport, 0x5ee0000u + n, f, 0x7a90000u + n,
		t, tport, 0xca110000u + n, n, f, f, fport);
	if (!rsp)
		return;
	rsp->n = 0;
	bprintf(rsp,
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/%s %s:%u;branch=z9hG4bK%08x\r\n"
		"From: <sip:ping@%s>;tag=%08x\r\n"
		"To: <sip:%s:%u>;tag=%08x\r\n"
		"Call-ID: %08x-%u@%s\r\n"
		"CSeq: 101 OPTIONS\r\n"
		"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, SUBSCRIBE, "
		"PUBLISH, MESSAGE, INFO, REFER, UPDATE\r\n"
		"Accept: application/pidf+xml, application/sdp\r\n"
		"Server: Cisco-SIPProxy\r\n"
		"Content-Length: 0\r\n\r\n",
		tp, f, fport, 0x5ee0000u + n, f, 0x7a90000u + n, t, tport,
		0x1e0000u + n, 0xca110000u + n, n, f);
}

/* SIP REGISTER from a phone and its 200 OK (RFC 3261 10). Unlike OPTIONS,
   REGISTER is no HTTP method, so a text match cannot take it for HTTP. */
static void sip_register(struct buf *req, struct buf *rsp, const char *tp,
			 const struct host *from, uint16_t fport,
			 const struct host *to, uint16_t tport, unsigned n)
{
	char f[64], t[64];

	uri_host(from, f);
	uri_host(to, t);
	req->n = 0;
	bprintf(req,
		"REGISTER sip:%s:%u SIP/2.0\r\n"
		"Via: SIP/2.0/%s %s:%u;branch=z9hG4bK%08x\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:5001@example.com>;tag=%08x\r\n"
		"To: <sip:5001@example.com>\r\n"
		"Call-ID: %08x-%u@%s\r\n"
		"CSeq: 1 REGISTER\r\n"
		"Contact: <sip:5001@%s:%u;transport=tcp>\r\n"
		"Expires: 3600\r\n"
		"User-Agent: Cisco-CP8845/14.2.1\r\n"
		"Content-Length: 0\r\n\r\n",
		t, tport, tp, f, fport, 0x5ee0000u + n, 0x7a90000u + n,
		0xca110000u + n, n, f, f, fport);
	rsp->n = 0;
	bprintf(rsp,
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/%s %s:%u;branch=z9hG4bK%08x\r\n"
		"From: <sip:5001@example.com>;tag=%08x\r\n"
		"To: <sip:5001@example.com>;tag=%08x\r\n"
		"Call-ID: %08x-%u@%s\r\n"
		"CSeq: 1 REGISTER\r\n"
		"Contact: <sip:5001@%s:%u;transport=tcp>;expires=3600\r\n"
		"Server: Cisco-SIPProxy\r\n"
		"Content-Length: 0\r\n\r\n",
		tp, f, fport, 0x5ee0000u + n, 0x7a90000u + n, 0x1e0000u + n,
		0xca110000u + n, n, f, f, fport);
}

/* A presence NOTIFY with a PIDF body (RFC 3856, RFC 3863), about 1.2 kB:
   over UDP it leaves in fragments. And its 200 OK. */
static void sip_notify(struct buf *req, struct buf *rsp,
		       const struct host *from, const struct host *to,
		       unsigned n)
{
	static const char *const notes[] = {
		"Available", "In a meeting", "On the phone", "Away",
		"Do not disturb",
	};
	struct buf body;
	char f[64], t[64];
	unsigned i;

	uri_host(from, f);
	uri_host(to, t);
	body.n = 0;
	bprintf(&body,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"entity=\"sip:user%u@example.com\">\r\n", n);
	for (i = 0; i < 5; i++)
		bprintf(&body,
			"<tuple id=\"t%u-%u\"><status><basic>%s</basic></status>"
			"<contact>sip:user%u@example.com</contact>"
			"<note>%s</note></tuple>\r\n",
			n, i, i < 3 ? "open" : "closed", n, notes[i]);
	bprintf(&body, "</presence>\r\n");

	req->n = 0;
	bprintf(req,
		"NOTIFY sip:watcher%u@%s:5060 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK%08x\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:user%u@example.com>;tag=%08x\r\n"
		"To: <sip:watcher%u@example.com>;tag=%08x\r\n"
		"Call-ID: %08x@%s\r\n"
		"CSeq: %u NOTIFY\r\n"
		"Contact: <sip:%s:5060>\r\n"
		"Event: presence\r\n"
		"Subscription-State: active;expires=3600\r\n"
		"Content-Type: application/pidf+xml\r\n"
		"Content-Length: %zu\r\n\r\n",
		n, t, f, 0xb0000u + n, n, 0xf0000u + n, n, 0xe0000u + n,
		0xd0000u + n, f, n, f, body.n);
	putmem(req, body.b, body.n);

	rsp->n = 0;
	bprintf(rsp,
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK%08x\r\n"
		"From: <sip:user%u@example.com>;tag=%08x\r\n"
		"To: <sip:watcher%u@example.com>;tag=%08x\r\n"
		"Call-ID: %08x@%s\r\n"
		"CSeq: %u NOTIFY\r\n"
		"Content-Length: 0\r\n\r\n",
		f, 0xb0000u + n, n, 0xf0000u + n, n, 0xe0000u + n,
		0xd0000u + n, f, n);
}

/* XMPP stream headers (RFC 6120 4.2, RFC 6121; dialback for s2s). */
static void xmpp_open(struct buf *req, struct buf *rsp, bool s2s)
{
	req->n = 0;
	rsp->n = 0;
	if (!s2s) {
		putstr(req,
		       "<?xml version='1.0'?><stream:stream to='example.com' "
		       "version='1.0' xml:lang='en' xmlns='jabber:client' "
		       "xmlns:stream='http://etherx.jabber.org/streams'>");
		putstr(rsp,
		       "<?xml version='1.0' encoding='UTF-8'?><stream:stream "
		       "from='example.com' id='3f1c9a2e' version='1.0' "
		       "xml:lang='en' xmlns='jabber:client' "
		       "xmlns:stream='http://etherx.jabber.org/streams'>"
		       "<stream:features><starttls "
		       "xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
		       "</starttls></stream:features>");
	} else {
		putstr(req,
		       "<?xml version='1.0'?><stream:stream "
		       "from='partner.example.net' to='example.com' "
		       "version='1.0' xmlns='jabber:server' "
		       "xmlns:db='jabber:server:dialback' "
		       "xmlns:stream='http://etherx.jabber.org/streams'>");
		putstr(rsp,
		       "<?xml version='1.0'?><stream:stream from='example.com' "
		       "to='partner.example.net' id='7d2e51b0' version='1.0' "
		       "xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
		       "xmlns:stream='http://etherx.jabber.org/streams'>"
		       "<stream:features><starttls "
		       "xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><dialback "
		       "xmlns='urn:xmpp:features:dialback'/></stream:features>");
	}
}

static void tls_random(struct buf *b, unsigned seed)
{
	unsigned i;

	for (i = 0; i < 32; i++)
		put8(b, (seed * 131u + i * 29u + 7u) & 0xff);
}

/* TLS 1.2 ClientHello (RFC 5246 7.4.1.2) in a handshake record: empty
   session id, common ECDHE/RSA suites plus the renegotiation SCSV, null
   compression, and SNI (RFC 6066), supported groups, point formats and
   signature algorithms extensions. */
static void tls_client_hello(struct buf *b, const char *sni, unsigned seed)
{
	static const uint16_t suites[] = {
		0xc02b, 0xc02f, 0xc02c, 0xc030, 0x009e, 0x009f, 0xc013,
		0xc014, 0x009c, 0x009d, 0x002f, 0x0035, 0x00ff,
	};
	size_t rec, hs, sl, ext, e, l;
	unsigned i;

	b->n = 0;
	put8(b, 22);                            /* handshake */
	put16(b, 0x0301);                       /* record version, as sent */
	rec = len16_begin(b);
	put8(b, 1);                             /* client_hello */
	hs = len24_begin(b);
	put16(b, 0x0303);
	tls_random(b, seed);
	put8(b, 0);                             /* session id */
	sl = len16_begin(b);
	for (i = 0; i < sizeof suites / sizeof suites[0]; i++)
		put16(b, suites[i]);
	len16_end(b, sl);
	put8(b, 1);
	put8(b, 0);                             /* null compression */
	ext = len16_begin(b);
	put16(b, 0x0000);                       /* server_name */
	e = len16_begin(b);
	l = len16_begin(b);
	put8(b, 0);                             /* host_name */
	put16(b, (unsigned)strlen(sni));
	putstr(b, sni);
	len16_end(b, l);
	len16_end(b, e);
	put16(b, 0x000a);                       /* supported_groups */
	put16(b, 6);
	put16(b, 4);
	put16(b, 0x001d);                       /* x25519 */
	put16(b, 0x0017);                       /* secp256r1 */
	put16(b, 0x000b);                       /* ec_point_formats */
	put16(b, 2);
	put8(b, 1);
	put8(b, 0);
	put16(b, 0x000d);                       /* signature_algorithms */
	put16(b, 10);
	put16(b, 8);
	put16(b, 0x0403);
	put16(b, 0x0804);
	put16(b, 0x0401);
	put16(b, 0x0201);
	len16_end(b, ext);
	len24_end(b, hs);
	len16_end(b, rec);
}

/* The matching ServerHello: ECDHE-RSA-AES128-GCM-SHA256, renegotiation
   info and point formats. */
static void tls_server_hello(struct buf *b, unsigned seed)
{
	size_t rec, hs, ext;

	b->n = 0;
	put8(b, 22);
	put16(b, 0x0303);
	rec = len16_begin(b);
	put8(b, 2);                             /* server_hello */
	hs = len24_begin(b);
	put16(b, 0x0303);
	tls_random(b, seed + 1000);
	put8(b, 0);
	put16(b, 0xc02f);
	put8(b, 0);
	ext = len16_begin(b);
	put16(b, 0xff01);                       /* renegotiation_info */
	put16(b, 1);
	put8(b, 0);
	put16(b, 0x000b);
	put16(b, 2);
	put8(b, 1);
	put8(b, 0);
	len16_end(b, ext);
	len24_end(b, hs);
	len16_end(b, rec);
}

/* A TLS 1.2 application-data record of n opaque bytes. */
static void tls_app_data(struct buf *b, size_t n, uint32_t seed)
{
	b->n = 0;
	put8(b, 23);
	put16(b, 0x0303);
	put16(b, (unsigned)n);
	putopaque(b, n, seed);
}

/* LDAPv3 simple bindRequest and a success bindResponse (RFC 4511 4.2):
   anonymous (empty name and password, as clients bind to read the root
   DSE) or as the directory sync account. */
static void ldap_bind(struct buf *req, struct buf *rsp, bool anonymous)
{
	size_t msg, op;

	req->n = 0;
	msg = ber_begin(req, 0x30);
	ber_int(req, 1);                        /* messageID */
	op = ber_begin(req, 0x60);              /* [APPLICATION 0] */
	ber_int(req, 3);
	ber_str(req, 0x04, anonymous ? "" : "cn=impsync,cn=Users,dc=example,dc=com");
	ber_str(req, 0x80, anonymous ? "" : "Example-Passw0rd"); /* [0] simple */
	ber_end(req, op);
	ber_end(req, msg);

	rsp->n = 0;
	msg = ber_begin(rsp, 0x30);
	ber_int(rsp, 1);
	op = ber_begin(rsp, 0x61);              /* [APPLICATION 1] */
	put8(rsp, 0x0a);                        /* resultCode success */
	put8(rsp, 1);
	put8(rsp, 0);
	ber_str(rsp, 0x04, "");                 /* matchedDN */
	ber_str(rsp, 0x04, "");                 /* diagnosticMessage */
	ber_end(rsp, op);
	ber_end(rsp, msg);
}

/* SNMP OIDs, BER-encoded: sysDescr.0, sysUpTime.0, snmpTrapOID.0 and
   coldStart (RFC 3418). */
static const uint8_t oid_sysdescr[] = { 0x2b, 6, 1, 2, 1, 1, 1, 0 };
static const uint8_t oid_uptime[] = { 0x2b, 6, 1, 2, 1, 1, 3, 0 };
static const uint8_t oid_trapoid[] = { 0x2b, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
static const uint8_t oid_coldstart[] = { 0x2b, 6, 1, 6, 3, 1, 1, 5, 1 };

/* An SNMPv2c message (RFC 3416) with community "public". pdu is the PDU
   tag: 0xa0 GetRequest, 0xa2 Response, 0xa7 SNMPv2-Trap. */
static void snmp_msg(struct buf *b, unsigned pdu, uint32_t reqid)
{
	size_t msg, p, vbl, vb;

	b->n = 0;
	msg = ber_begin(b, 0x30);
	ber_int(b, 1);                          /* version: v2c */
	ber_str(b, 0x04, "public");
	p = ber_begin(b, pdu);
	ber_int(b, reqid);
	ber_int(b, 0);                          /* error-status */
	ber_int(b, 0);                          /* error-index */
	vbl = ber_begin(b, 0x30);
	if (pdu == 0xa7) {
		vb = ber_begin(b, 0x30);
		ber_oid(b, oid_uptime, sizeof oid_uptime);
		put8(b, 0x43);                  /* TimeTicks */
		put8(b, 3);
		put8(b, 0x01);
		put16(b, 0x86a0);               /* 1000 s */
		ber_end(b, vb);
		vb = ber_begin(b, 0x30);
		ber_oid(b, oid_trapoid, sizeof oid_trapoid);
		ber_oid(b, oid_coldstart, sizeof oid_coldstart);
		ber_end(b, vb);
	} else {
		vb = ber_begin(b, 0x30);
		ber_oid(b, oid_sysdescr, sizeof oid_sysdescr);
		if (pdu == 0xa0) {
			put8(b, 0x05);          /* NULL */
			put8(b, 0);
		} else {
			ber_str(b, 0x04, "Cisco IM and Presence Service");
		}
		ber_end(b, vb);
	}
	ber_end(b, vbl);
	ber_end(b, p);
	ber_end(b, msg);
}

/* DNS question for imp.example.com (RFC 1035), A or AAAA, and the answer
   naming the publisher. */
static void dns_pair(struct buf *q, struct buf *r, unsigned id, bool aaaa)
{
	static const uint8_t qname[] = {
		3, 'i', 'm', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
		3, 'c', 'o', 'm', 0
	};
	unsigned type = aaaa ? 28 : 1;
	struct buf *m;

	for (m = q;; m = r) {
		m->n = 0;
		put16(m, id);
		put16(m, m == q ? 0x0100 : 0x8180); /* RD / QR RD RA */
		put16(m, 1);
		put16(m, m == q ? 0 : 1);
		put16(m, 0);
		put16(m, 0);
		putmem(m, qname, sizeof qname);
		put16(m, type);
		put16(m, 1);                    /* IN */
		if (m == r)
			break;
	}
	put16(r, 0xc00c);                       /* name: pointer to qname */
	put16(r, type);
	put16(r, 1);
	put32(r, 300);
	put16(r, aaaa ? 16 : 4);
	putmem(r, aaaa ? S.pub6.addr : S.pub.addr, aaaa ? 16 : 4);
}

/* 64-bit NTP timestamp of a time in ns since 1970 (RFC 5905 6). */
static void ntp_ts(struct buf *b, uint64_t t_ns)
{
	put32(b, (uint32_t)(t_ns / NS_PER_S + NTP_UNIX_OFFSET));
	put32(b, (uint32_t)((((t_ns % NS_PER_S) << 32) + NS_PER_S / 2) /
			    NS_PER_S));
}

/* NTPv4 client request and server reply (RFC 5905 7.3). The request
   leaves at t, the reply 1 ms later (one clock step). */
static void ntp_pair(struct buf *q, struct buf *r, uint64_t t)
{
	q->n = 0;
	put8(q, 0 << 6 | 4 << 3 | 3);           /* LI 0, VN 4, client */
	put8(q, 0);
	put8(q, 6);                             /* poll 2^6 s */
	put8(q, 0xec);                          /* precision 2^-20 */
	putzero(q, 12);                         /* root delay, disp, refid */
	putzero(q, 24);                         /* ref, origin, receive */
	ntp_ts(q, t);                           /* transmit */

	r->n = 0;
	put8(r, 0 << 6 | 4 << 3 | 4);           /* server */
	put8(r, 1);                             /* stratum 1 */
	put8(r, 6);
	put8(r, 0xe9);                          /* 2^-23 */
	put32(r, 0x00000010);                   /* root delay */
	put32(r, 0x00000020);                   /* root dispersion */
	putstr(r, "GPS");
	put8(r, 0);
	ntp_ts(r, t - 16 * NS_PER_S);           /* reference */
	ntp_ts(r, t);                           /* origin */
	ntp_ts(r, t + STEP_NS / 2);             /* receive */
	ntp_ts(r, t + STEP_NS / 2 + 20000);     /* transmit */
}

/* PostgreSQL StartupMessage, protocol 3.0, and the server's MD5 password
   request (PostgreSQL protocol 55.7). */
static void pgsql_pair(struct buf *q, struct buf *r)
{
	/* Name/value pairs, each NUL-terminated, and the list's final NUL
	   (the literal's own). */
	static const char params[] = "user\0impuser\0database\0impdb\0"
				     "application_name\0impwatch-test\0";

	q->n = 0;
	put32(q, (uint32_t)(8 + sizeof params));  /* length, itself included */
	put32(q, 196608);                       /* protocol 3.0 */
	putmem(q, params, sizeof params);

	r->n = 0;
	put8(r, 'R');
	put32(r, 12);
	put32(r, 5);                            /* AuthenticationMD5Password */
	put32(r, 0x5a17c0de);                   /* salt */
}

/* RDP: X.224 Connection Request with an mstshash cookie and RDP
   negotiation request (MS-RDPBCGR 2.2.1.1), and the Connection Confirm
   selecting TLS. */
static void rdp_pair(struct buf *q, struct buf *r)
{
	static const uint8_t cr_tail[8] = { 1, 0, 8, 0, 3, 0, 0, 0 };
	static const uint8_t cc[19] = {
		3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0,
		2, 0, 8, 0, 1, 0, 0, 0
	};
	const char *cookie = "Cookie: mstshash=admin\r\n";
	size_t clen = strlen(cookie);

	q->n = 0;
	put8(q, 3);                             /* TPKT v3 */
	put8(q, 0);
	put16(q, (unsigned)(4 + 7 + clen + 8));
	put8(q, (unsigned)(6 + clen + 8));      /* X.224 length indicator */
	put8(q, 0xe0);                          /* CR */
	put16(q, 0);
	put16(q, 0);
	put8(q, 0);
	putstr(q, cookie);
	putmem(q, cr_tail, sizeof cr_tail);

	r->n = 0;
	putmem(r, cc, sizeof cc);
}

static void text(struct buf *b, const char *s)
{
	b->n = 0;
	putstr(b, s);
}

static void opaque(struct buf *b, size_t n, uint32_t seed)
{
	b->n = 0;
	putopaque(b, n, seed);
}

/* ---------------------------------------------------------------------
 * Conversations shared by several files.
 */

/* XMPP client session to the publisher on 5222. */
static void conv_xmpp(struct out *o, bool v6, uint16_t cport)
{
	struct buf q, r;
	struct tcpconv t = tcpconv(v6 ? &S.jabber6 : &S.jabber, cport,
				   v6 ? &S.pub6 : &S.pub, 5222);

	xmpp_open(&q, &r, false);
	tcp_session(o, &t, &q, &r, false);
}

/* SIP OPTIONS over UDP between the gateway and the publisher, 5060 both
   ends as Cisco gateways send it. */
static void conv_sip_udp(struct out *o, bool v6, unsigned n)
{
	struct buf q, r;
	const struct host *gw = v6 ? &S.gw6 : &S.gw;
	const struct host *imp = v6 ? &S.pub6 : &S.pub;

	sip_options(&q, &r, "UDP", gw, 5060, imp, 5060, n);
	udp_pair(o, gw, 5060, imp, 5060, &q, &r);
}

/* An undocumented UDP exchange on 9999. */
static void conv_udp9999(struct out *o, bool v6)
{
	struct buf q, r;

	opaque(&q, 40, 9999);
	opaque(&r, 24, 9998);
	udp_pair(o, v6 ? &S.client6 : &S.client, 40999,
		 v6 ? &S.pub6 : &S.pub, 9999, &q, &r);
}

/* The two flows every link-type file carries. */
static void link_flows(struct out *o, bool v6)
{
	conv_xmpp(o, v6, 50222);
	conv_sip_udp(o, v6, 1);
}

/* The two flows every encapsulation file carries. */
static void encap_flows(struct out *o, bool v6)
{
	conv_xmpp(o, v6, 50222);
	conv_udp9999(o, v6);
}

/* ---------------------------------------------------------------------
 * The files.
 */

static void gen_demo(const char *dir)
{
	struct out o;
	struct buf q, r;
	struct tcpconv t;

	out_open(&o, dir, "demo.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);

	/* SIP: UDP, TCP and TLS between the gateway and the publisher. */
	conv_sip_udp(&o, false, 1);
	sip_options(&q, &r, "TCP", &S.gw, 51060, &S.pub, 5060, 2);
	t = tcpconv(&S.gw, 51060, &S.pub, 5060);
	tcp_session(&o, &t, &q, &r, false);
	tls_client_hello(&q, "imp.example.com", 1);
	tls_server_hello(&r, 1);
	t = tcpconv(&S.gw, 51061, &S.pub, 5061);
	tcp_session(&o, &t, &q, &r, false);

	/* XMPP: client, server to server. */
	conv_xmpp(&o, false, 50222);
	xmpp_open(&q, &r, true);
	t = tcpconv(&S.fed, 50269, &S.pub, 5269);
	tcp_session(&o, &t, &q, &r, false);

	/* HTTPS from a browser, AXL from CUCM. */
	tls_client_hello(&q, "imp.example.com", 2);
	tls_server_hello(&r, 2);
	t = tcpconv(&S.browser, 50443, &S.pub, 8443);
	tcp_session(&o, &t, &q, &r, false);
	tls_client_hello(&q, "imp.example.com", 3);
	tls_server_hello(&r, 3);
	t = tcpconv(&S.cucm, 50444, &S.pub, 8443);
	tcp_session(&o, &t, &q, &r, false);

	/* Directory, DNS, NTP. */
	ldap_bind(&q, &r, true);
	t = tcpconv(&S.pub, 50389, &S.ldap, 389);
	tcp_session(&o, &t, &q, &r, false);
	dns_pair(&q, &r, 0x4a51, false);
	udp_pair(&o, &S.pub, 50053, &S.dns, 53, &q, &r);
	out_pause(&o);
	ntp_pair(&q, &r, o.t_ns);
	send_udp(&o, &S.pub, 123, &S.ntp, 123, &q);
	send_udp(&o, &S.ntp, 123, &S.pub, 123, &r);

	/* SNMP: a poll from the manager, a trap to it. */
	snmp_msg(&q, 0xa0, 0x1161);
	snmp_msg(&r, 0xa2, 0x1161);
	udp_pair(&o, &S.nms, 50161, &S.pub, 161, &q, &r);
	snmp_msg(&q, 0xa7, 0x1162);
	udp_pair(&o, &S.pub, 50162, &S.nms, 162, &q, NULL);

	/* Between the IM&P nodes: IMDB replication, 9003, and a trap to
	   the trap receiver, known only by its source port 61441. */
	opaque(&q, 64, 6603);
	opaque(&r, 48, 6604);
	t = tcpconv(&S.sub, 50603, &S.pub, 6603);
	tcp_session(&o, &t, &q, &r, false);
	opaque(&q, 56, 9003);
	opaque(&r, 40, 9004);
	t = tcpconv(&S.sub, 50903, &S.pub, 9003);
	tcp_session(&o, &t, &q, &r, false);
	snmp_msg(&q, 0xa7, 0x6144);
	udp_pair(&o, &S.sub, 61441, &S.pub, 32001, &q, NULL);

	/* External database, SSH, ICMP, MFT/redis. */
	pgsql_pair(&q, &r);
	t = tcpconv(&S.pub, 50432, &S.db, 5432);
	tcp_session(&o, &t, &q, &r, false);
	text(&q, "SSH-2.0-OpenSSH_9.2\r\n");
	text(&r, "SSH-2.0-OpenSSH_7.4\r\n");
	t = tcpconv(&S.admin, 50022, &S.pub, 22);
	tcp_session(&o, &t, &q, &r, true);
	icmp_echo(&o, &S.pub, &S.cucm, 0x0b1e, 1);
	text(&q, "*1\r\n$4\r\nPING\r\n");
	text(&r, "+PONG\r\n");
	t = tcpconv(&S.pub, 50379, &S.cucm, 6379);
	tcp_session(&o, &t, &q, &r, false);

	/* Localhost only, and on localhost: documented. */
	opaque(&q, 32, 1501);
	opaque(&r, 32, 1502);
	t = tcpconv(&S.lo, 51501, &S.lo, 1501);
	tcp_session(&o, &t, &q, &r, false);

	/* Undocumented: RDP, SIP on 6060, UDP 9999. */
	rdp_pair(&q, &r);
	t = tcpconv(&S.outsider, 53389, &S.pub, 3389);
	tcp_session(&o, &t, &q, &r, false);
	sip_register(&q, &r, "TCP", &S.gw, 56060, &S.pub, 6060, 3);
	t = tcpconv(&S.gw, 56060, &S.pub, 6060);
	tcp_session(&o, &t, &q, &r, false);
	conv_udp9999(&o, false);

	/* Localhost-only ports used between two hosts. */
	text(&q, "GET /status HTTP/1.1\r\nHost: 192.0.2.10:7070\r\n"
		 "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
	text(&r, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		 "Content-Length: 3\r\n\r\nok\n");
	t = tcpconv(&S.rogue, 57070, &S.pub, 7070);
	tcp_session(&o, &t, &q, &r, false);
	opaque(&q, 28, 5049);
	opaque(&r, 28, 5050);
	udp_pair(&o, &S.sub, 55049, &S.pub, 5049, &q, &r);

	/* Replies only: the publisher answering SNMP polls whose requests
	   the capture missed. */
	out_pause(&o);
	snmp_msg(&r, 0xa2, 0x2161);
	send_udp(&o, &S.pub, 161, &S.nms, 51161, &r);
	snmp_msg(&r, 0xa2, 0x2162);
	send_udp(&o, &S.pub, 161, &S.nms, 51161, &r);

	/* XMPP joined mid-stream: TLS records and ACKs, no handshake. */
	out_pause(&o);
	t = tcpconv(&S.jabber2, 50226, &S.pub, 5222);
	t.cnext += 4321;
	t.snext += 8765;
	tls_app_data(&q, 96, 1);
	tcp_send(&o, &t, true, F_PSH | F_ACK, q.b, q.n);
	tcp_send(&o, &t, false, F_ACK, NULL, 0);
	tls_app_data(&r, 160, 2);
	tcp_send(&o, &t, false, F_PSH | F_ACK, r.b, r.n);
	tcp_send(&o, &t, true, F_ACK, NULL, 0);

	/* IPv6: XMPP client and server to server, HTTPS, DNS. */
	conv_xmpp(&o, true, 50622);
	xmpp_open(&q, &r, true);
	t = tcpconv(&S.fed6, 50669, &S.pub6, 5269);
	tcp_session(&o, &t, &q, &r, false);
	tls_client_hello(&q, "imp.example.com", 4);
	tls_server_hello(&r, 4);
	t = tcpconv(&S.browser6, 50643, &S.pub6, 8443);
	tcp_session(&o, &t, &q, &r, false);
	dns_pair(&q, &r, 0x6a51, true);
	udp_pair(&o, &S.pub6, 50653, &S.dns6, 53, &q, &r);

	out_close(&o);
}

static void gen_links(const char *dir)
{
	static const struct {
		const char *name;
		int dlt;
		enum link link;
		bool v6;
	} t[] = {
		{ "link-ether.pcap", DLT_EN10MB,     L_ETHER, false },
		{ "link-sll.pcap",   DLT_LINUX_SLL,  L_SLL,   false },
		{ "link-sll2.pcap",  DLT_LINUX_SLL2, L_SLL2,  false },
		{ "link-raw.pcap",   DLT_RAW,        L_RAW,   false },
		{ "link-ipv4.pcap",  DLT_IPV4,       L_IPV4,  false },
		{ "link-ipv6.pcap",  DLT_IPV6,       L_IPV6,  true },
		{ "link-null.pcap",  DLT_NULL,       L_NULL,  false },
		{ "link-loop.pcap",  DLT_LOOP,       L_LOOP,  false },
	};
	struct out o;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		out_open(&o, dir, t[i].name, t[i].link);
		out_start(&o, t[i].dlt);
		link_flows(&o, t[i].v6);
		out_close(&o);
	}
}

/* The fragmented SIP datagrams: a NOTIFY from the publisher in three
   in-order fragments, then one from the subscriber whose fragments
   arrive last first; each answered by an unfragmented 200 OK. */
static void frag_flows(struct out *o, bool v6)
{
	struct buf q, r;
	const struct host *gw = v6 ? &S.gw6 : &S.gw;
	const struct host *pub = v6 ? &S.pub6 : &S.pub;
	const struct host *sub = v6 ? &S.sub6 : &S.sub;

	sip_notify(&q, &r, pub, gw, 1);
	out_pause(o);
	udp_fragmented(o, pub, 5060, gw, 5060, &q, 3, false);
	send_udp(o, gw, 5060, pub, 5060, &r);
	sip_notify(&q, &r, sub, gw, 2);
	out_pause(o);
	udp_fragmented(o, sub, 5060, gw, 5060, &q, 3, true);
	send_udp(o, gw, 5060, sub, 5060, &r);
}

static void gen_encaps(const char *dir)
{
	static const struct {
		const char *name;
		enum encap encap;
		bool v6;                /* inner packets are IPv6 */
		bool v4opts, v6ext, frag;
	} t[] = {
		{ "encap-vlan.pcap",         E_VLAN,    false, false, false, false },
		{ "encap-qinq.pcap",         E_QINQ,    false, false, false, false },
		{ "encap-mpls.pcap",         E_MPLS,    false, false, false, false },
		{ "encap-ipv4-options.pcap", E_NONE,    false, true,  false, false },
		{ "encap-ipv6-ext.pcap",     E_NONE,    true,  false, true,  false },
		{ "encap-frag4.pcap",        E_NONE,    false, false, false, true },
		{ "encap-frag6.pcap",        E_NONE,    true,  false, false, true },
		{ "encap-gre.pcap",          E_GRE,     false, false, false, false },
		{ "encap-gre-teb.pcap",      E_GRE_TEB, false, false, false, false },
		{ "encap-erspan1.pcap",      E_ERSPAN1, false, false, false, false },
		{ "encap-erspan2.pcap",      E_ERSPAN2, false, false, false, false },
		{ "encap-erspan3.pcap",      E_ERSPAN3, false, false, false, false },
		{ "encap-vxlan.pcap",        E_VXLAN,   false, false, false, false },
		{ "encap-ipip.pcap",         E_IPIP,    false, false, false, false },
		{ "encap-6in4.pcap",         E_6IN4,    true,  false, false, false },
		{ "encap-4in6.pcap",         E_4IN6,    false, false, false, false },
	};
	struct out o;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		out_open(&o, dir, t[i].name, L_ETHER);
		o.encap = t[i].encap;
		o.v4opts = t[i].v4opts;
		o.v6ext = t[i].v6ext;
		o.erspan3_sub = 1;      /* the first ERSPAN III packet only */
		out_start(&o, DLT_EN10MB);
		encap_flows(&o, t[i].v6);
		if (t[i].frag)
			frag_flows(&o, t[i].v6);
		out_close(&o);
	}
}

static void gen_formats(const char *dir)
{
	struct out o;

	/* Nanosecond stamps; 123 ns past each link-ether stamp. */
	out_open(&o, dir, "fmt-nsec.pcap", L_ETHER);
	o.nsec = true;
	o.t_off_ns = 123;
	out_start(&o, DLT_EN10MB);
	link_flows(&o, false);
	out_close(&o);

	/* The link-ether flows in the other byte order. */
	out_open(&o, dir, "fmt-swapped.pcap", L_ETHER);
	out_start_swapped(&o, 1);               /* LINKTYPE_ETHERNET */
	link_flows(&o, false);
	out_close(&o);

	/* One XMPP connection across two files: the handshake and the
	   request in a, the reply and the close in b. */
	out_open(&o, dir, "fmt-multi-a.pcap", L_ETHER);
	if ((size_t)snprintf(o.path2, sizeof o.path2, "%s/%s", dir,
			     "fmt-multi-b.pcap") >= sizeof o.path2)
		pkt_die("output path too long", dir);
	o.split_at = 4;
	out_start(&o, DLT_EN10MB);
	conv_xmpp(&o, false, 50222);
	out_close(&o);
}

/* An Ethernet frame with an IPv4 header whose fields the caller chooses,
   for the malformed cases; the header checksum is correct over 20 bytes
   so that only the intended field is wrong. */
static void bad_ip4(struct buf *f, unsigned vihl, unsigned totlen,
		    unsigned proto)
{
	size_t s;

	f->n = 0;
	eth_hdr(f, S.pub.mac, S.cucm.mac, ET_IPV4);
	s = f->n;
	put8(f, vihl);
	put8(f, 0);
	put16(f, totlen);
	put16(f, 0x2bad);
	put16(f, 0x4000);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	putmem(f, S.cucm.addr, 4);
	putmem(f, S.pub.addr, 4);
	set16(f, s + 10, csum_fold(csum_add(0, f->b + s, 20)));
}

static void gen_malformed(const char *dir)
{
	struct out o;
	struct buf f;
	struct ipends e;
	size_t s;
	static const uint8_t lldp_mac[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	out_open(&o, dir, "bad-malformed.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);

	/* The one good flow. */
	conv_sip_udp(&o, false, 1);
	out_pause(&o);

	/* caplen 0 of a 60-byte frame. */
	f.n = 0;
	putzero(&f, 60);
	out_record_cap(&o, f.b, 60, 0);

	/* Ethernet header cut short: 10 bytes. */
	f.n = 0;
	eth_hdr(&f, S.pub.mac, S.cucm.mac, ET_IPV4);
	f.n = 10;
	out_record(&o, &f);

	/* 802.1Q tag cut short: the TCI and no inner ethertype. */
	f.n = 0;
	eth_hdr(&f, S.pub.mac, S.cucm.mac, ET_VLAN);
	put16(&f, 100);
	out_record(&o, &f);

	/* IPv4 with IHL 4 (16 bytes). */
	bad_ip4(&f, 0x44, 28, P_UDP);
	putzero(&f, 8);
	out_record(&o, &f);

	/* IPv4 total length 16, under its 20-byte header. */
	bad_ip4(&f, 0x45, 16, P_UDP);
	eth_pad(&f);
	out_record(&o, &f);

	/* IPv4 total length 1400 in a 60-byte frame captured whole. */
	bad_ip4(&f, 0x45, 1400, P_UDP);
	put16(&f, 40000);
	put16(&f, 9999);
	put16(&f, 1380);
	put16(&f, 0);
	putopaque(&f, 60 - f.n, 1400);
	out_record(&o, &f);

	/* IPv6 ethertype, version nibble 4. */
	f.n = 0;
	eth_hdr(&f, S.pub.mac, S.cucm.mac, ET_IPV6);
	put32(&f, 4u << 28);
	put16(&f, 8);
	put8(&f, P_UDP);
	put8(&f, 64);
	putmem(&f, S.pub6.addr, 16);
	putmem(&f, S.sub6.addr, 16);
	put16(&f, 40000);
	put16(&f, 9999);
	put16(&f, 8);
	put16(&f, 0);
	out_record(&o, &f);

	/* TCP header cut short: IPv4 says 10 bytes of TCP follow; the
	   Ethernet pad after them is not TCP. */
	bad_ip4(&f, 0x45, 30, P_TCP);
	put16(&f, 50222);
	put16(&f, 5222);
	put32(&f, 1);
	put16(&f, 0);
	eth_pad(&f);
	out_record(&o, &f);

	/* TCP data offset 3 (12 bytes). */
	bad_ip4(&f, 0x45, 40, P_TCP);
	s = f.n;
	put16(&f, 50222);
	put16(&f, 5222);
	put32(&f, 1);
	put32(&f, 0);
	put8(&f, 3 << 4);
	put8(&f, F_SYN);
	put16(&f, 64240);
	put16(&f, 0);
	put16(&f, 0);
	e = ends(&S.cucm, &S.pub);
	set16(&f, s + 16, csum_fold(csum_add(pseudo_sum(&e, P_TCP, 20),
					     f.b + s, 20)));
	eth_pad(&f);
	out_record(&o, &f);

	/* UDP length 4, under its 8-byte header. */
	bad_ip4(&f, 0x45, 36, P_UDP);
	put16(&f, 40000);
	put16(&f, 5060);
	put16(&f, 4);
	put16(&f, 0);                           /* no checksum */
	putopaque(&f, 8, 4);
	eth_pad(&f);
	out_record(&o, &f);

	/* GRE header cut short: 2 of its 4 bytes, then Ethernet pad. */
	bad_ip4(&f, 0x45, 22, P_GRE);
	put16(&f, 0);
	eth_pad(&f);
	out_record(&o, &f);

	/* ARP request (RFC 826): who has 192.0.2.10, tell 192.0.2.20. */
	f.n = 0;
	eth_hdr(&f, bcast, S.cucm.mac, ET_ARP);
	put16(&f, 1);
	put16(&f, ET_IPV4);
	put8(&f, 6);
	put8(&f, 4);
	put16(&f, 1);
	putmem(&f, S.cucm.mac, 6);
	putmem(&f, S.cucm.addr, 4);
	putzero(&f, 6);
	putmem(&f, S.pub.addr, 4);
	eth_pad(&f);
	out_record(&o, &f);

	/* LLDP (IEEE 802.1AB): chassis ID (MAC), port ID (interface name),
	   TTL 120, system name, end. */
	f.n = 0;
	eth_hdr(&f, lldp_mac, S.tun_a.mac, ET_LLDP);
	put16(&f, 1u << 9 | 7);
	put8(&f, 4);                            /* subtype: MAC address */
	putmem(&f, S.tun_a.mac, 6);
	put16(&f, 2u << 9 | 8);
	put8(&f, 5);                            /* subtype: interface name */
	putstr(&f, "Gi1/0/1");
	put16(&f, 3u << 9 | 2);
	put16(&f, 120);
	put16(&f, 5u << 9 | 11);
	putstr(&f, "sw1.example");
	put16(&f, 0);                           /* end of LLDPDU */
	eth_pad(&f);
	out_record(&o, &f);

	out_close(&o);
}

static void gen_truncated(const char *dir)
{
	struct out o;
	struct stat st;

	out_open(&o, dir, "bad-truncated.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	link_flows(&o, false);
	out_close(&o);
	/* Cut the last record in the middle of its packet data. */
	if (stat(o.path, &st) != 0)
		pkt_die("cannot stat", o.path);
	if (truncate(o.path, st.st_size - (off_t)(o.last_caplen / 2)) != 0)
		pkt_die("cannot truncate", o.path);
}

static void gen_snaplen(const char *dir)
{
	struct out o;

	out_open(&o, dir, "bad-snaplen.pcap", L_ETHER);
	o.snaplen = 64;
	out_start(&o, DLT_EN10MB);
	link_flows(&o, false);
	conv_udp9999(&o, false);
	out_close(&o);
}

/* Documented port, other protocol: HTTP on SIP's 5060, next to real SIP
   on 5060 for contrast, and an LDAP bind nDPI 4.2 misnames. */
static void gen_mismatch(const char *dir)
{
	struct out o;
	struct buf q, r;
	struct tcpconv t;

	out_open(&o, dir, "dpi-mismatch.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	text(&q, "GET / HTTP/1.1\r\nHost: 192.0.2.10:5060\r\n"
		 "User-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n");
	text(&r, "HTTP/1.1 200 OK\r\nServer: nginx\r\n"
		 "Content-Type: text/html\r\nContent-Length: 13\r\n\r\n"
		 "<html></html>");
	t = tcpconv(&S.gw, 55060, &S.pub, 5060);
	tcp_session(&o, &t, &q, &r, false);
	conv_sip_udp(&o, false, 1);
	/* Real LDAP that nDPI 4.2 takes for MQTT: its LDAP test knows only
	   the 14-byte anonymous bind and 4-byte BER lengths, and a message
	   starting 0x30 passes its MQTT PUBLISH test. */
	ldap_bind(&q, &r, false);
	t = tcpconv(&S.pub, 50389, &S.ldap, 389);
	tcp_session(&o, &t, &q, &r, false);
	out_close(&o);
}

/* The first messages of a session to `sport`, as roles.pcap sends them:
   the real protocol where there is one, opaque bytes on the proprietary
   ports (6603, 9003, 1500, 5070) so that DPI names nothing. */
static void role_payloads(struct buf *q, struct buf *r, const struct host *c,
			  uint16_t cport, const struct host *s, uint16_t sport)
{
	switch (sport) {
	case 5060:
		sip_options(q, r, "TCP", c, cport, s, sport, cport);
		break;
	case 389:
		ldap_bind(q, r, true);
		break;
	case 5222:
		xmpp_open(q, r, false);
		break;
	case 5432:
		pgsql_pair(q, r);
		break;
	default:
		opaque(q, 24, cport);
		opaque(r, 16, (uint32_t)cport + 1);
		break;
	}
}

/* Each port between hosts whose roles allow it, then between hosts whose
   roles do not, for the inventory tests/hosts/site.hosts. */
static void gen_roles(const char *dir)
{
	static const struct {
		const struct host *c;
		uint16_t cport;
		const struct host *s;
		uint16_t sport;
	} t[] = {
		{ &S.gw,       51060, &S.pub,  5060 },  /* allowed */
		{ &S.laptop,   52060, &S.pub,  5060 },  /* violation */
		{ &S.pub,      50389, &S.ldap, 389 },   /* allowed */
		{ &S.laptop,   52389, &S.ldap, 389 },   /* violation */
		{ &S.laptop,   52222, &S.pub,  5222 },  /* allowed */
		{ &S.outsider, 53222, &S.pub,  5222 },  /* allowed: not listed */
		{ &S.cucm,     54222, &S.pub,  5222 },  /* violation */
		{ &S.pub,      50432, &S.db,   5432 },  /* allowed */
		{ &S.laptop,   52432, &S.db,   5432 },  /* violation */
		{ &S.outsider, 53432, &S.db,   5432 },  /* violation */
		{ &S.sub,      50603, &S.pub,  6603 },  /* allowed */
		{ &S.laptop,   52603, &S.pub,  6603 },  /* violation */
		{ &S.sub,      50903, &S.pub,  9003 },  /* allowed */
		{ &S.cucm,     54903, &S.pub,  9003 },  /* violation */
		{ &S.cucm,     54500, &S.pub,  1500 },  /* allowed */
		{ &S.laptop,   52500, &S.pub,  1500 },  /* violation */
		{ &S.cucm,     55070, &S.pub,  5070 },  /* allowed */
		{ &S.sub,      51070, &S.pub,  5070 },  /* violation */
	};
	struct out o;
	struct buf q, r;
	struct tcpconv c;
	size_t i;

	out_open(&o, dir, "roles.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		role_payloads(&q, &r, t[i].c, t[i].cport, t[i].s, t[i].sport);
		c = tcpconv(t[i].c, t[i].cport, t[i].s, t[i].sport);
		tcp_session(&o, &c, &q, &r, false);
	}
	out_close(&o);
}

/* A SPAN that mirrored one direction only: ten XMPP client sessions of
   which only the client-to-server frames were captured, and two whole
   ones (the 5th and the 12th), from 198.51.100.101 to .112. */
static void gen_half_duplex(const char *dir)
{
	struct out o;
	struct buf q, r;
	struct tcpconv c;
	struct host cl;
	char addr[INET_ADDRSTRLEN];
	unsigned i;

	out_open(&o, dir, "health-half-duplex.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	xmpp_open(&q, &r, false);
	for (i = 1; i <= 12; i++) {
		snprintf(addr, sizeof addr, "198.51.100.%u", 100 + i);
		cl = mkhost(addr, ROUTER);
		c = tcpconv(&cl, (uint16_t)(51100 + i), &S.pub, 5222);
		if (i == 5 || i == 12)
			tcp_session(&o, &c, &q, &r, false);
		else
			tcp_session_oneway(&o, &c, &q, &r);
	}
	out_close(&o);
}

/* A SPAN fed by two mirror sources: every frame twice, the copy DUP_NS
   after the original with the same IP packet, every second copy with an
   802.1Q tag (VLAN 20). Four XMPP client sessions and two SIP OPTIONS
   exchanges over UDP. */
static void gen_duplicates(const char *dir)
{
	static const struct host *const xmpp[3] = {
		&S.client, &S.rogue, &S.jabber2
	};
	struct out o;
	struct buf q, r;
	struct tcpconv c;
	unsigned i;

	out_open(&o, dir, "health-duplicates.pcap", L_ETHER);
	o.span_dup = true;
	out_start(&o, DLT_EN10MB);
	conv_xmpp(&o, false, 50222);
	conv_sip_udp(&o, false, 1);
	xmpp_open(&q, &r, false);
	for (i = 0; i < 3; i++) {
		c = tcpconv(xmpp[i], (uint16_t)(50224 + i), &S.pub, 5222);
		tcp_session(&o, &c, &q, &r, false);
	}
	sip_options(&q, &r, "UDP", &S.gw, 5060, &S.sub, 5060, 2);
	udp_pair(&o, &S.gw, 5060, &S.sub, 5060, &q, &r);
	out_close(&o);
}

/* Flows whose first packet claims, by its source port or by a lone
   SYN-ACK, that its sender is a documented listener, towards a port no
   client would use: the claims impwatch must not take on trust. */
static void gen_claims(const char *dir)
{
	struct out o;
	struct buf q;
	struct tcpconv t;

	out_open(&o, dir, "dir-claims.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	/* UDP from "SIP" 5060 to 443: opaque bytes, no SIP at all. */
	out_pause(&o);
	opaque(&q, 120, 5443);
	send_udp(&o, &S.outsider, 5060, &S.pub, 443, &q);
	send_udp(&o, &S.outsider, 5060, &S.pub, 443, &q);
	/* TCP without a SYN from "XMPP" 5222 to 4444, random payload. */
	out_pause(&o);
	t = tcpconv(&S.pub, 4444, &S.outsider, 5222);
	opaque(&q, 200, 4444);
	tcp_send(&o, &t, false, F_PSH | F_ACK, q.b, q.n);
	tcp_send(&o, &t, false, F_PSH | F_ACK, q.b, q.n);
	/* A SYN-ACK alone, from "XMPP" 5222 to port 80. */
	out_pause(&o);
	t = tcpconv(&S.pub, 80, &S.outsider, 5222);
	tcp_send(&o, &t, false, F_SYN | F_ACK, NULL, 0);
	/* From table 12's trap sender port 61441 to 443. */
	out_pause(&o);
	opaque(&q, 64, 61441);
	send_udp(&o, &S.outsider, 61441, &S.pub, 443, &q);
	out_close(&o);
}

/* A SPAN that mirrors the servers' replies only: each flow is first
   seen from its documented port to the client's port. The last one
   answers a client port under 1024. */
static void gen_replies(const char *dir)
{
	struct out o;
	struct buf q, r;
	struct tcpconv t;

	out_open(&o, dir, "dir-replies.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	/* XMPP: the publisher's TLS records to a Jabber client. */
	out_pause(&o);
	t = tcpconv(&S.jabber, 50432, &S.pub, 5222);
	tls_app_data(&r, 160, 7);
	tcp_send(&o, &t, false, F_PSH | F_ACK, r.b, r.n);
	tcp_send(&o, &t, false, F_PSH | F_ACK, r.b, r.n);
	/* SIP over UDP: the 200 OK to the gateway's port. */
	sip_options(&q, &r, "UDP", &S.gw, 51062, &S.pub, 5060, 4);
	out_pause(&o);
	send_udp(&o, &S.pub, 5060, &S.gw, 51062, &r);
	/* LDAP: the directory's bind response. */
	ldap_bind(&q, &r, true);
	out_pause(&o);
	t = tcpconv(&S.pub, 50389, &S.ldap, 389);
	tcp_send(&o, &t, false, F_PSH | F_ACK, r.b, r.n);
	/* DNS: the answer to the publisher's query. */
	dns_pair(&q, &r, 0x5a51, false);
	out_pause(&o);
	send_udp(&o, &S.dns, 53, &S.pub, 50053, &r);
	/* XMPP again, to a client port under 1024: no client picks it. */
	out_pause(&o);
	t = tcpconv(&S.laptop, 1022, &S.pub, 5222);
	tls_app_data(&r, 96, 8);
	tcp_send(&o, &t, false, F_PSH | F_ACK, r.b, r.n);
	out_close(&o);
}

/* A TLS record header (RFC 8446 5.1) of content type `type`, version
   3.`minor` and claimed length `len`, then the cleartext s: a client's
   first bytes forged to look like TLS. */
static void forged_record(struct buf *b, unsigned type, unsigned minor,
			  unsigned len, const char *s)
{
	b->n = 0;
	put8(b, type);
	put8(b, 3);
	put8(b, minor);
	put16(b, len);
	putstr(b, s);
}

/* The fatal alert a TLS server answers a record it did not expect with:
   unexpected_message (RFC 8446 6, 6.2). */
static void tls_alert(struct buf *b)
{
	b->n = 0;
	put8(b, 21);
	put16(b, 0x0303);
	put16(b, 2);
	put8(b, 2);                             /* fatal */
	put8(b, 10);                            /* unexpected_message */
}

/* Clients on TLS-only ports whose first bytes are a TLS record header
   but no ClientHello: an application_data, alert or change_cipher_spec
   record, a handshake record holding a ServerHello, one longer than
   2^14, one of version 3.5, each followed by cleartext; and a real
   ClientHello beside them. */
static void gen_tls_first(const char *dir)
{
	static const char http[] = "GET /cupadmin/ HTTP/1.1\r\n"
				   "Host: imp.example.com\r\n\r\n";
	static const char sip[] = "OPTIONS sip:imp.example.com SIP/2.0\r\n"
				  "Via: SIP/2.0/TLS 192.0.2.30:51061\r\n\r\n";
	static const char xmpp[] = "<?xml version='1.0'?><stream:stream "
				   "to='example.com' version='1.0' "
				   "xmlns='jabber:client' xmlns:stream="
				   "'http://etherx.jabber.org/streams'>";
	struct out o;
	struct buf q, r;
	struct tcpconv t;

	out_open(&o, dir, "tls-first.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	/* HTTP behind an application_data header, to 8443. */
	forged_record(&q, 23, 3, 0x20, http);
	tls_alert(&r);
	t = tcpconv(&S.browser, 51443, &S.pub, 8443);
	tcp_session(&o, &t, &q, &r, false);
	/* An XMPP stream behind one, to 8083. */
	forged_record(&q, 23, 3, 0x20, xmpp);
	tls_alert(&r);
	t = tcpconv(&S.jabber, 51083, &S.pub, 8083);
	tcp_session(&o, &t, &q, &r, false);
	/* SIP behind an alert, to 5061. */
	forged_record(&q, 21, 1, 2, sip);
	tls_alert(&r);
	t = tcpconv(&S.gw, 51061, &S.pub, 5061);
	tcp_session(&o, &t, &q, &r, false);
	/* HTTP behind a change_cipher_spec, to 7336. */
	forged_record(&q, 20, 3, 1, http);
	tls_alert(&r);
	t = tcpconv(&S.sub, 51336, &S.pub, 7336);
	tcp_session(&o, &t, &q, &r, false);
	/* The server's own hello sent by the client, to 636. */
	tls_server_hello(&q, 5);
	tls_alert(&r);
	t = tcpconv(&S.pub, 51636, &S.ldap, 636);
	tcp_session(&o, &t, &q, &r, false);
	/* A handshake record longer than 2^14, to 5062. */
	forged_record(&q, 22, 3, 0x4001, "\001");
	tls_alert(&r);
	t = tcpconv(&S.sub, 51062, &S.pub, 5062);
	tcp_session(&o, &t, &q, &r, false);
	/* Version 3.5, to 8443. */
	forged_record(&q, 22, 5, 0xc8, "\001");
	tls_alert(&r);
	t = tcpconv(&S.browser, 51445, &S.pub, 8443);
	tcp_session(&o, &t, &q, &r, false);
	/* A real ClientHello, to 8443: documented. */
	tls_client_hello(&q, "imp.example.com", 6);
	tls_server_hello(&r, 6);
	t = tcpconv(&S.browser, 51444, &S.pub, 8443);
	tcp_session(&o, &t, &q, &r, false);
	out_close(&o);
}

/* A VXLAN packet (VNI 42) from tunnel end a to b carrying an ARP
   request: a tunnel whose inside is no IP packet. */
static void vxlan_arp(struct out *o)
{
	struct buf t, eth;
	struct ipends e = ends(&S.tun_a, &S.tun_b);
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	t.n = 0;
	eth.n = 0;
	eth_hdr(&eth, bcast, S.jabber.mac, ET_ARP);
	put16(&eth, 1);                         /* Ethernet */
	put16(&eth, ET_IPV4);
	put8(&eth, 6);
	put8(&eth, 4);
	put16(&eth, 1);                         /* request */
	putmem(&eth, S.jabber.mac, 6);
	putmem(&eth, S.jabber.addr, 4);
	putzero(&eth, 6);
	putmem(&eth, S.pub.addr, 4);
	udp_hdr(&t, 49321, VXLAN_PORT, 8 + eth.n);
	vxlan_hdr(&t, 0x08000000u, 42);
	putmem(&t, eth.b, eth.n);
	l4_csum(&t, 0, &e, P_UDP);
	out_pause(o);
	tunnel_out(o, &S.tun_a, &S.tun_b, P_UDP, &t);
}

/* Tunnels and the trust a site puts in their endpoints. */
static void gen_tunnels(const char *dir)
{
	struct out o;

	/* Forged: a VXLAN header and an inner SIP exchange sent from port
	   4789 to 443, then to 4789 with VXLAN-GBP's G flag and a policy
	   id in the reserved bits, all from 203.0.113.66 to the publisher
	   (the inner SIP is between data centre hosts: b to a). */
	out_open(&o, dir, "tun-forged.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	o.encap = E_VXLAN;
	o.tun_a = &S.pub;
	o.tun_b = &S.outsider;
	o.vx_sport = VXLAN_PORT;
	o.vx_dport = 443;
	conv_sip_udp(&o, false, 5);
	o.vx_sport = 40000;
	o.vx_dport = VXLAN_PORT;
	o.vx_w0 = 0x88000123u;
	conv_sip_udp(&o, false, 6);
	out_close(&o);

	/* Overlays between the two tunnel ends a site would declare: an
	   XMPP session in VXLAN, an ARP request in VXLAN, SIP in GRE. */
	out_open(&o, dir, "tun-trust.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	o.encap = E_VXLAN;
	conv_xmpp(&o, false, 50222);
	vxlan_arp(&o);
	o.encap = E_GRE;
	conv_sip_udp(&o, false, 7);
	out_close(&o);

	/* A real VXLAN between an end nobody declared (203.0.113.66) and a
	   declared one (203.0.113.2), carrying a documented XMPP session. */
	out_open(&o, dir, "tun-rogue.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	o.encap = E_VXLAN;
	o.tun_a = &S.outsider;
	conv_xmpp(&o, false, 50223);
	out_close(&o);

	/* encap-frag4.pcap's fragmented SIP NOTIFYs, in VXLAN: fragments
	   that wait for their first one still count to their carrier. */
	out_open(&o, dir, "tun-frag.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	o.encap = E_VXLAN;
	frag_flows(&o, false);
	out_close(&o);

	/* ERSPAN II from the switch (203.0.113.1) to the collector (.2),
	   mirroring an XMPP session. */
	out_open(&o, dir, "tun-erspan.pcap", L_ETHER);
	out_start(&o, DLT_EN10MB);
	o.encap = E_ERSPAN2;
	conv_xmpp(&o, false, 50224);
	out_close(&o);
}

int main(int argc, char **argv)
{
	struct stat st;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_pcaps DIR\n");
		return 2;
	}
	pkt_prog = "gen_pcaps";
	if (stat(argv[1], &st) != 0 && mkdir(argv[1], 0755) != 0)
		pkt_die("cannot create", argv[1]);
	site_init();
	gen_demo(argv[1]);
	gen_links(argv[1]);
	gen_encaps(argv[1]);
	gen_formats(argv[1]);
	gen_malformed(argv[1]);
	gen_truncated(argv[1]);
	gen_snaplen(argv[1]);
	gen_mismatch(argv[1]);
	gen_roles(argv[1]);
	gen_half_duplex(argv[1]);
	gen_duplicates(argv[1]);
	gen_claims(argv[1]);
	gen_replies(argv[1]);
	gen_tunnels(argv[1]);
	gen_tls_first(argv[1]);
	return 0;
}
