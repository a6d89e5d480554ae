/*
 * decode.h: from a captured frame to the innermost IP packet's flow tuple.
 *
 * The decoder owns a small fragment table (ports of fragmented datagrams)
 * and the per-reason counters of malformed input. It never allocates on the
 * per-packet path: the fragment table is sized once in decoder_init().
 */
#ifndef IMPWATCH_DECODE_H
#define IMPWATCH_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "pclock.h"

#include "config.h"

/* Transport numbers are IP protocol numbers (IANA). */
#define IPPROTO_NUM_ICMP   1
#define IPPROTO_NUM_IPIP   4
#define IPPROTO_NUM_TCP    6
#define IPPROTO_NUM_UDP    17
#define IPPROTO_NUM_IPV6   41
#define IPPROTO_NUM_GRE    47
#define IPPROTO_NUM_ICMPV6 58
#define IPPROTO_NUM_NSH    145   /* the Network Service Header (RFC 9491) */

/* TCP flag bits (RFC 9293). */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10

/* Outermost encapsulation removed to reach the classified packet. */
enum tunnel_kind {
	TUN_NONE = 0,
	TUN_GRE,
	TUN_ERSPAN1,
	TUN_ERSPAN2,
	TUN_ERSPAN3,
	TUN_VXLAN,
	TUN_IPIP,     /* IPv4 or IPv6 in IPv4 or IPv6 (4in4, 6in4, 4in6, 6in6) */
	TUN_GENEVE,   /* Geneve, UDP 6081 (RFC 8926) */
	TUN_VXLAN_GPE,/* VXLAN-GPE, UDP 4790 (draft-ietf-nvo3-vxlan-gpe) */
	TUN_NSH,      /* NSH as IP protocol 145 (RFC 9491) */
	TUN_COUNT
};

/*
 * Reasons a frame is not (fully) decoded. Each is a counter in the summary,
 * named like Suricata's events. X(enum, "name", "what it means").
 */
#define DECODE_ERRORS(X) \
	X(DERR_CAPLEN_ZERO,      "caplen-zero",        "frame with no captured bytes") \
	X(DERR_CAPLEN_OVER_LEN,  "caplen-over-len",    "captured length larger than the wire length") \
	X(DERR_LINK_TRUNC,       "link-truncated",     "link-layer header cut short") \
	X(DERR_NFLOG_BAD_TLV,    "nflog-bad-tlv",      "NFLOG TLV length under its own 4-byte header") \
	X(DERR_VLAN_TRUNC,       "vlan-truncated",     "802.1Q/802.1ad tag cut short") \
	X(DERR_MPLS_TRUNC,       "mpls-truncated",     "MPLS label stack cut short") \
	X(DERR_PPPOE_TRUNC,      "pppoe-truncated",    "PPPoE session or PPP header cut short") \
	X(DERR_CMD_TRUNC,        "cmd-truncated",      "Cisco MetaData (SGT) header cut short") \
	X(DERR_NOT_IP,           "not-ip",             "frame of a protocol known to carry no IP (ARP, LLDP, LACP, PTP, STP, CDP...)") \
	X(DERR_IPV4_TRUNC,       "ipv4-truncated",     "IPv4 header cut short") \
	X(DERR_IPV4_BAD_VERSION, "ipv4-bad-version",   "IPv4 ethertype but version is not 4") \
	X(DERR_IPV4_BAD_HLEN,    "ipv4-bad-hlen",      "IPv4 header length under 20 bytes") \
	X(DERR_IPV4_BAD_TOTLEN,  "ipv4-bad-totlen",    "IPv4 total length smaller than its header") \
	X(DERR_IPV4_LEN_OVER_CAP,"ipv4-len-over-cap",  "IPv4 total length claims more than was captured") \
	X(DERR_IPV6_TRUNC,       "ipv6-truncated",     "IPv6 header cut short") \
	X(DERR_IPV6_BAD_VERSION, "ipv6-bad-version",   "IPv6 ethertype but version is not 6") \
	X(DERR_IPV6_LEN_OVER_CAP,"ipv6-len-over-cap",  "IPv6 payload length claims more than was captured") \
	X(DERR_IPV6_EXT_TRUNC,   "ipv6-ext-truncated", "IPv6 extension header cut short") \
	X(DERR_IPV6_EXT_TOO_MANY,"ipv6-ext-too-many",  "more IPv6 extension headers than the limit (a flow of the last one)") \
	X(DERR_FRAG_TRUNC,       "frag-truncated",     "fragment header cut short") \
	X(DERR_FRAG_TABLE_FULL,  "frag-table-full",    "fragment table full: datagram not tracked") \
	X(DERR_FRAG_ORPHAN,      "frag-orphan",        "fragments whose first fragment never came") \
	X(DERR_TCP_TRUNC,        "tcp-truncated",      "TCP header cut short") \
	X(DERR_TCP_BAD_HLEN,     "tcp-bad-hlen",       "TCP data offset under 20 bytes") \
	X(DERR_UDP_TRUNC,        "udp-truncated",      "UDP header cut short") \
	X(DERR_UDP_BAD_LEN,      "udp-bad-len",        "UDP length field smaller than its header") \
	X(DERR_ICMP_TRUNC,       "icmp-truncated",     "ICMP header cut short") \
	X(DERR_GRE_TRUNC,        "gre-truncated",      "GRE header cut short") \
	X(DERR_GRE_BAD_VERSION,  "gre-bad-version",    "GRE version other than 0 (PPTP's 1 is not decoded)") \
	X(DERR_GRE_UNKNOWN_PROTO,"gre-unknown-proto",  "GRE carries a protocol impwatch does not decode") \
	X(DERR_GRE_ROUTING,      "gre-routing",        "GRE with RFC 1701 source routing (not decoded)") \
	X(DERR_ERSPAN_TRUNC,     "erspan-truncated",   "ERSPAN header cut short") \
	X(DERR_ERSPAN_UNSUPPORTED,"erspan-unsupported","ERSPAN version or frame type impwatch does not decode") \
	X(DERR_VXLAN_TRUNC,      "vxlan-truncated",    "VXLAN header cut short") \
	X(DERR_VXLAN_NO_VNI,     "vxlan-no-vni",       "VXLAN header without the I flag (RFC 7348)") \
	X(DERR_VXLAN_RESERVED,   "vxlan-reserved",     "VXLAN flags or reserved bits not zero as RFC 7348 has senders write them") \
	X(DERR_GENEVE_TRUNC,     "geneve-truncated",   "Geneve header or options cut short") \
	X(DERR_OVERLAY_UNKNOWN,  "overlay-unknown-proto", "Geneve or VXLAN-GPE carries a protocol impwatch does not decode") \
	X(DERR_OVERLAY_BAD_HEADER,"overlay-bad-header", "Geneve, VXLAN-GPE, NSH or TRILL version, reserved bits or lengths not as their RFCs allow") \
	X(DERR_PPP_UNKNOWN_PROTO,"ppp-unknown-proto",  "PPP in GRE carries a protocol other than IP") \
	X(DERR_FRAG_TINY,        "frag-tiny",          "first fragment ends inside the TCP options (RFC 1858): ports and flags kept") \
	X(DERR_TOO_DEEP,         "encap-too-deep",     "more nested encapsulations than the limit") \
	X(DERR_TUNNEL_TOO_DEEP,  "tunnel-too-deep",    "more nested tunnels than the limit: the last is a flow of its own") \
	X(DERR_UNSUPPORTED_LINK, "unsupported-link",   "link type impwatch does not decode") \
	X(DERR_IPV6_ROUTED,      "ipv6-source-routed", "IPv6 routing header with segments left, of any type: the packet goes on to hosts its flow does not name; keyed on the final destination a type 0, 2 or 4 header names") \
	X(DERR_IPV4_ROUTED,      "ipv4-source-routed", "IPv4 loose or strict source route option (LSRR, SSRR) with hops left: the packet goes on to hosts its flow does not name; keyed on the final destination the route names") \
	X(DERR_SNAP_CUT,         "snap-cut",           "the snap length cut a header before the transport's was whole: no flow judged") \
	X(DERR_FRAG_CUT,         "frag-cut",           "a first fragment ends inside a header its flow needs (fragments are not reassembled): no flow judged") \
	X(DERR_FRAG_OVERLAP,     "frag-overlap",       "a later fragment begins inside its first fragment's data: the receiver may have put together other headers than were judged") \
	X(DERR_MACSEC_TRUNC,     "macsec-truncated",   "MACsec (IEEE 802.1AE) SecTAG cut short") \
	X(DERR_MACSEC_ENCRYPTED, "macsec-encrypted",   "MACsec (IEEE 802.1AE) frame whose data is encrypted: what it carries was not judged") \
	X(DERR_PPP_OPAQUE,       "ppp-opaque",         "PPP frame whose IP is compressed, encrypted or split (VJ, CCP or MPPE, ECP, multilink): what it carries was not judged") \
	X(DERR_L2_UNKNOWN,       "l2-unknown",         "frame of an ethertype impwatch does not decode, or MPLS with no IP after its labels that impwatch reads (a pseudowire without control word), or NSH of a next protocol it does not read: what it carries, IP a layer-2 tunnel delivers, was not judged")

#define X_ENUM(e, n, d) e,
enum decode_err {
	DECODE_ERRORS(X_ENUM)
	DERR_COUNT
};
#undef X_ENUM

/* What decode_packet() made of a frame. */
enum decode_status {
	DECODE_OK = 0,   /* *p describes a packet to account to a flow */
	DECODE_HELD,     /* a non-first fragment whose ports are not known yet:
	                    counted in the fragment table, given to its flow
	                    when the first fragment arrives */
	DECODE_ERROR     /* malformed or not IP: counted in d->err[reason] */
};

/* Address in network byte order; IPv4 is held as ::ffff:a.b.c.d. */
struct ip_addr {
	uint8_t b[16];
};

/*
 * One tunnel removed on the way to the classified packet: its carrier,
 * the flow the outer IP header makes (its endpoints and protocol, and the
 * UDP ports of VXLAN, VXLAN-GPE and Geneve), and what names the tunnel.
 * Recorded once the tunnel's own header was found well formed, whatever
 * became of what it carries.
 */
struct tun_layer {
	struct ip_addr src, dst;  /* outer endpoints, as this packet went */
	uint16_t sport, dport;    /* host order; 0 but for UDP carriers */
	uint32_t id;              /* VNI (VXLAN, VXLAN-GPE with I, Geneve) or
	                             ERSPAN II/III session id; 0 without */
	uint8_t kind;             /* enum tunnel_kind */
	uint8_t proto;            /* outer IP protocol: 17, 47, 4, 41 or 145 */
	uint8_t family;           /* outer IP version: 4 or 6 */
	uint8_t has_id;           /* id was in the header */
	uint32_t ip_len;          /* the outer IP packet's length and DSCP,
	                             as packet.ip_len and .dscp: the carrier
	                             flow's own */
	uint8_t dscp;
};

/*
 * The ethertypes counted l2-unknown (MPLS's for a pseudowire, NSH's for
 * its next protocol), which the gate names, and where they were met,
 * for a filter that leaves them out: BPF's `ether proto` reads the
 * outer frame alone, so one met inside a tunnel is left out by its
 * carrier's outer flow. BPF reads past 802.1Q and 802.1ad tags only as
 * many as the filter names (`vlan`, each one more), so the tags in front
 * of each are kept too, as depths: bit k, met behind k tags. What BPF
 * cannot reach (behind another layer, FabricPath or MPLS, or behind
 * L2_DEPTHS tags or more) is blind: no filter leaves it out.
 */
#define L2_DEPTHS 4               /* tags 0 to 3: QinQ and one more */
#define L2_BLIND  L2_DEPTHS       /* l2_seen_add()'s depth: unreachable */

struct l2_seen {
	uint16_t type;            /* the lowest */
	bool types;               /* other ones too */
	uint16_t bare;            /* the lowest met outside any tunnel */
	uint8_t bares;            /* types met so: 0, 1, or 2 for more */
	uint8_t bare_depths;      /* bit k: one met so behind k tags */
	bool tuns;                /* met in more than one outer flow */
	bool blind;               /* one met where BPF cannot reach */
	uint8_t tun_depths;       /* bit k: tun's outer flow behind k tags */
	struct tun_layer tun;     /* the outermost carrier of the first met
	                             inside a tunnel (kind TUN_NONE: none) */
};

/* Count one l2-unknown frame of ethertype type into s, which counted
   had before; carrier is the frame's outermost tunnel, NULL for none;
   depth the tags BPF reads past to the type (bare) or the carrier's
   outer IP header, or L2_BLIND. */
void l2_seen_add(struct l2_seen *s, uint64_t had, uint16_t type,
		 const struct tun_layer *carrier, unsigned depth);

/* Merge from, which counted from_n frames, into into, which counted
   into_n: the lowest types, the first carrier (into's when it has one).
   Workers' figures merge so, in order. */
void l2_seen_merge(struct l2_seen *into, uint64_t into_n,
		   const struct l2_seen *from, uint64_t from_n);

/*
 * One decoded packet. Pointers point into the caller's frame and are valid
 * only until the next call. Lengths are already clamped: l3_len is the
 * innermost IP packet as captured and no longer than its header claims.
 */
struct packet {
	uint64_t ts_us;          /* capture time, microseconds since the epoch */
	uint32_t wire_len;       /* frame length on the wire (pcap len) */
	uint8_t  family;         /* 4 or 6, of the innermost IP header */
	uint8_t  proto;          /* IP protocol of the classified layer */
	uint8_t  tcp_flags;      /* TCPF_* bits, TCP only */
	union {
		uint32_t tcp_seq;  /* TCP sequence number (RFC 9293 3.1), 0
		                      for other protocols but: */
		uint32_t echo_sum; /* an ICMP or ICMPv6 echo request or reply:
		                      a hash of its identifier, sequence
		                      number and data as captured, never 0
		                      (echo.h) */
	};
	uint8_t  tcp_head_len;   /* bytes in tcp_head */
	uint8_t  tcp_head[TCP_HEAD_BYTES]; /* the segment's first payload bytes
	                            as captured: valid when payload no longer
	                            is (worker.c drops it when it keeps no
	                            copy of the frame) */
	uint8_t  tunnel;         /* enum tunnel_kind, outermost removed */
	uint8_t  truncated;      /* 1 when a header claimed more than captured,
	                            or was cut by the snap length or in a
	                            first fragment (snap-cut, frag-cut) */
	uint8_t  fragment;       /* 1 when from an IP fragment */
	uint8_t  loop_link;      /* 1 when every link layer that carried it
	                            was a loopback interface's
	                            (decode_link.c): a capture on Linux lo
	                            (Ethernet, both MACs zero), BSD's null
	                            or loop link, or cooked capture of
	                            ARPHRD_LOOPBACK */
	uint16_t vlan;           /* outermost 802.1Q/ad VLAN id (0: none):
	                            vlans[0] */
	uint16_t vlans[MAX_VLAN_TAGS]; /* every VLAN id in the frame (and in
	                            the frames its tunnels carry), outer
	                            first, up to MAX_VLAN_TAGS */
	uint8_t  nvlans;         /* ids in vlans[] */
	uint8_t  has_sgt;        /* a Cisco MetaData header was met */
	/* At offset 48, a multiple of 16: a flow worker copies this part of
	   the packet 16 bytes at a time and at once reads the addresses
	   16 at a time to make the flow's key (pipeline.c); an address that
	   straddled two of those stores could not be forwarded from them,
	   and each such read waited for both to reach the cache. */
	struct ip_addr src, dst;
	uint16_t sport, dport;   /* host order; 0 for ICMP and non-port protos */
	uint16_t sgt;            /* has_sgt's Security Group Tag (the
	                            outermost) */
	uint8_t  icmp_type;      /* ICMP/ICMPv6 type, for reports */
	uint8_t  icmp_code;      /* ICMP/ICMPv6 code (Community ID) */
	uint8_t  dscp;           /* innermost IP header's DSCP (RFC 2474) */
	/* Innermost IP packet's length as its header claims it (a total
	   length of 0 or an IPv6 payload length of 0: the frame's), never
	   more than the frame on the wire holds from that header on: what
	   Zeek's ip_bytes and tshark's ip.len count. */
	uint32_t ip_len;
	uint32_t l3_len;         /* bytes at l3, and at payload: */
	uint32_t payload_len;
	uint32_t l4_off;         /* transport header's offset in l3; 0 when
	                            there is none (a later fragment) */
	uint8_t  ext_opaque;     /* an IPv6 AH or mobility header precedes
	                            the transport: nDPI 4.2 stops there */
	uint8_t  ntun;           /* tunnels removed, in tun[], outermost first */
	uint8_t  no_inner;       /* what the innermost of them carries could
	                            not be decoded: the packet belongs to that
	                            carrier alone, which the fields above
	                            describe (the reason is counted) */
	/* Fragments of this datagram seen before its first fragment: when a
	   first fragment releases them, they are added to the same flow.
	   Last of what a worker is handed: a message carries them only
	   when held_pkts is not 0 (pipeline.c). */
	uint32_t held_pkts;
	uint64_t held_bytes;
	uint64_t held_ip_bytes;  /* their ip_len, summed */
	/* Last before tun[]: all above is what a flow worker is handed
	   (pipeline.c), these two point into the frame, which it may not
	   have. */
	const uint8_t *l3;       /* innermost IP header (for nDPI) */
	const uint8_t *payload;  /* transport payload as captured */
	/* Not zeroed by decode_packet(): only tun[0] to tun[ntun - 1] hold
	   anything, so that a packet with no tunnel costs nothing for them. */
	struct tun_layer tun[MAX_TUNNEL_LAYERS];
};

struct frag_table;

struct decoder {
	uint64_t err[DERR_COUNT];     /* per-reason counters */
	uint64_t tunnels[TUN_COUNT];  /* packets with an encapsulation of
	                                 that kind removed (GRE in GRE counts
	                                 once); a tunnel whose inside could
	                                 not be decoded is not counted */
	uint64_t frags;               /* IP fragments seen (every layer) */
	uint64_t snap_truncated;      /* packets cut by the capture's snaplen:
	                                 normal, not an error */
	struct l2_seen l2;            /* what l2-unknown counted */
	struct frag_table *frags_tab; /* owned */
	uint64_t frag_timeout_us;
	const struct pclock *clock;   /* the run's clock (its worker's), or
	                                 NULL: every stamp expires entries */
	struct pclock frag_clock;     /* the time entries expire at: the
	                                 stamps in step with it, or with
	                                 the run's clock (decoder_set_clock) */
};

struct limits;   /* options.h */

/* Set up a decoder; 0 on success, -1 when memory for the fragment table
   could not be had. seed keys the fragment table's hash: the run's
   random seed (the flow table's), so that crafted fragments cannot
   choose their chain; tests pass a fixed one. */
int decoder_init(struct decoder *d, const struct limits *lim, uint64_t seed);
void decoder_free(struct decoder *d);

/*
 * Fragments expire on the run's clock c (pclock.h), not on any stamp:
 * one packet stamped 2038 among those of 2026 would otherwise end every
 * datagram held. Their time moves with the stamps in step with it; a
 * stamp further away moves it only when c believes it (a pause, a clock
 * set back, once confirmed), or as the run's first. The decoder's
 * frames are decoded ahead of c's judgement (a batch: worker.h), so a
 * jump moves the fragments' time a batch late. Without a clock every
 * stamp expires entries.
 */
void decoder_set_clock(struct decoder *d, const struct pclock *c);

/*
 * Decode one frame of link type `dlt` (a DLT_* value as libpcap reports
 * it). caplen bytes are at `frame`; wire_len is the frame's original length.
 * On DECODE_OK *p is filled; on DECODE_HELD it describes the held
 * fragment; on DECODE_ERROR only ts_us and wire_len are set. Every other
 * field is zeroed on each call. Expires fragment entries at ts_us first,
 * when ts_us is in step with the fragments' time (decoder_set_clock()).
 * Never fails on any content of `frame`.
 *
 * A tunnel is removed only when its header is well formed: GRE of
 * version 0 without source routing, whatever it carries (ERSPAN with its
 * own header well formed); PPTP's enhanced GRE; IP-in-IP; NSH as IP
 * protocol 145, whatever its header holds (IP protocol 145 names it, as
 * 47 names GRE); VXLAN,
 * VXLAN-GPE and Geneve on their destination port only (UDP from port
 * 4789 to 443 is UDP to 443), with the flags, version, reserved bits and
 * option lengths their RFCs have senders write, and a protocol impwatch
 * decodes inside. Otherwise the reason is counted and the packet is the flow its
 * outer header makes. Each tunnel removed is recorded in p->tun[], at
 * most MAX_TUNNEL_LAYERS (past that, tunnel-too-deep, and the last one
 * stays the flow). When what a tunnel carries cannot be decoded, the
 * reason is counted, the packet is returned as that tunnel's outer flow
 * and p->no_inner is set.
 */
enum decode_status decode_packet(struct decoder *d, int dlt, uint64_t ts_us,
				 const uint8_t *frame, uint32_t caplen,
				 uint32_t wire_len, struct packet *p);

/* Expire fragment entries idle since before now_us; their held fragments
   are counted as DERR_FRAG_ORPHAN. now_us = UINT64_MAX flushes all. */
void decoder_expire(struct decoder *d, uint64_t now_us);

/* True when impwatch decodes link type dlt. */
bool decode_link_supported(int dlt);

/* Whether the flow of p could also be the outer flow of a tunnel that
   other packets carry (GRE, IP in IP, 6in4, 4in6, NSH, or UDP from or to the
   VXLAN, VXLAN-GPE or Geneve port): the flow workers keep such flows
   where the carriers are (pipeline.h). */
bool decode_may_carry(const struct packet *p);

const char *decode_err_name(enum decode_err e);
const char *decode_err_desc(enum decode_err e);
const char *tunnel_name(enum tunnel_kind t);   /* "gre", "erspan2"... or NULL for none */

#endif
