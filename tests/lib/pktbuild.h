/*
 * pktbuild.h: frames built field by field, for the project's generated
 * captures (tests/gen/gen_pcaps.c, bench/gen_bench.c,
 * tests/adversarial/flood.c). Standard C only; pcapout.h writes the
 * frames to a file.
 *
 * A frame grows at the end of a struct buf. Every writer appends through
 * buf_room(), which stops the program (pkt_die()) rather than write past
 * the buffer: a frame that outgrows it is a bug of the generator, never a
 * property of its input. Fields are written in network byte order.
 *
 * The header writers write one header each, with the values a common
 * sender puts in the fields they do not take; a checksum that covers what
 * follows the header is left zero and filled in by its own function once
 * the payload is there (l4_csum(), gre_csum()).
 */
#ifndef IMPWATCH_TESTS_PKTBUILD_H
#define IMPWATCH_TESTS_PKTBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_BUF_MAX 4096              /* largest frame or payload built */

/* TCP flag bits (RFC 9293). */
#define F_FIN 0x01
#define F_SYN 0x02
#define F_PSH 0x08
#define F_ACK 0x10

/* IP protocol numbers (IANA). */
#define P_HBH   0
#define P_ICMP  1
#define P_IPIP  4
#define P_TCP   6
#define P_UDP   17
#define P_IPV6  41
#define P_RH    43
#define P_FRAG  44
#define P_GRE   47
#define P_DSTOP 60

/* Ethertypes (IEEE registry). */
#define ET_IPV4    0x0800
#define ET_ARP     0x0806
#define ET_VLAN    0x8100
#define ET_IPV6    0x86dd
#define ET_MPLS    0x8847
#define ET_QINQ    0x88a8
#define ET_ERSPAN  0x88be          /* ERSPAN I and II */
#define ET_LLDP    0x88cc
#define ET_TEB     0x6558          /* transparent Ethernet bridging */
#define ET_ERSPAN3 0x22eb
#define ET_MACSEC  0x88e5          /* IEEE 802.1AE */

#define VXLAN_PORT 4789            /* RFC 7348 */

struct buf {
	uint8_t b[PKT_BUF_MAX];
	size_t n;
};

/* The two ends of an IP packet: family 4 or 6, and src and dst pointing
   to 4 or 16 bytes of address. */
struct ipends {
	int family;
	const uint8_t *src, *dst;
};

/* The program's name, first in pkt_die()'s message. */
extern const char *pkt_prog;

/* "PROG: what: detail" on standard error, then exit 1. */
__attribute__((noreturn))
void pkt_die(const char *what, const char *detail);

/* A little-endian pcap (microseconds, Ethernet) written to standard
   output by hand: its file header, then each frame f stamped ts_us, cut
   to caplen bytes (its length on the wire kept). */
void pcap_stdout_header(unsigned snaplen);
void pcap_stdout_record(uint64_t ts_us, const struct buf *f, size_t caplen);

/* ---- bytes ------------------------------------------------------------ */

/* n more bytes at the end of b. */
uint8_t *buf_room(struct buf *b, size_t n);
void put8(struct buf *b, unsigned v);
void put16(struct buf *b, unsigned v);
void put32(struct buf *b, uint32_t v);
void putmem(struct buf *b, const void *src, size_t n);
void putstr(struct buf *b, const char *s);
void putzero(struct buf *b, size_t n);
/* printf at the end of b (text payloads). */
__attribute__((format(printf, 2, 3)))
void bprintf(struct buf *b, const char *fmt, ...);
/* Overwrite the 16 bits at off. */
void set16(struct buf *b, size_t off, unsigned v);

/* A 16- or 24-bit length field to fill in later: begin returns the mark,
   end writes the number of bytes appended since. */
size_t len16_begin(struct buf *b);
void len16_end(struct buf *b, size_t mark);
size_t len24_begin(struct buf *b);
void len24_end(struct buf *b, size_t mark);

/* BER/DER (X.690): a TLV whose length ber_end() fills in, in DER's
   shortest form (10.1), moving the content up when it needs a long one. */
size_t ber_begin(struct buf *b, unsigned tag);
void ber_end(struct buf *b, size_t mark);
/* INTEGER in the fewest bytes that keep it positive (8.3.2). */
void ber_int(struct buf *b, uint32_t v);
/* A string or an encoded OID under tag. */
void ber_str(struct buf *b, unsigned tag, const char *s);
void ber_oid(struct buf *b, const uint8_t *enc, size_t n);

/* ---- checksums (RFC 1071) --------------------------------------------- */

/* Add big-endian 16-bit words to sum (an odd last byte is the high one). */
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n);
/* Fold the carries and complement: the checksum field's value. */
uint16_t csum_fold(uint32_t sum);
/* The sum of the pseudo-header TCP and UDP checksums cover (RFC 9293
   3.1, RFC 8200 8.1) for a segment of len bytes. */
uint32_t pseudo_sum(const struct ipends *e, unsigned proto, size_t len);
/* Fill in the checksum of the TCP or UDP segment from start to the end of
   b; a UDP checksum that comes out 0 is sent as 0xffff (RFC 768). */
void l4_csum(struct buf *b, size_t start, const struct ipends *e,
	     unsigned proto);

/* ---- link layers ------------------------------------------------------- */

/* Ethernet II (IEEE 802.3): destination, source, ethertype. */
void eth_hdr(struct buf *b, const uint8_t dst[6], const uint8_t src[6],
	     unsigned type);
/* The rest of an 802.1Q or 802.1ad tag once eth_hdr() wrote its TPID:
   the TCI, then the ethertype that follows. */
void vlan_tag(struct buf *b, unsigned tci, unsigned type);
/* An MPLS label stack entry (RFC 3032). */
void mpls_label(struct buf *b, unsigned label, unsigned tc, bool bos,
		unsigned ttl);
/* Pad a frame from b's start to Ethernet's 60-byte minimum (no FCS). */
void eth_pad(struct buf *b);
/* Linux cooked headers, v1 (16 bytes) and v2 (20 bytes), for an Ethernet
   interface (ARPHRD_ETHER), with the sender's MAC. */
void sll_hdr(struct buf *b, unsigned pkttype, const uint8_t mac[6],
	     unsigned type);
void sll2_hdr(struct buf *b, unsigned pkttype, uint32_t ifindex,
	      const uint8_t mac[6], unsigned type);

/* ---- IP ------------------------------------------------------------------ */

/* IPv4 (RFC 791): TOS 0, the options given (whole words), checksum
   filled in; frag is the flags and fragment offset field. */
void ip4_hdr(struct buf *b, const struct ipends *e, unsigned proto,
	     unsigned ttl, unsigned id, unsigned frag, const uint8_t *opt,
	     size_t optlen, size_t paylen);
/* IPv6 fixed header (RFC 8200): class 0, flow label 0, hop limit 64. */
void ip6_hdr(struct buf *b, const struct ipends *e, unsigned nh,
	     size_t paylen);
/* IPv6 fragment header (RFC 8200 4.5); off in bytes, a multiple of 8. */
void ip6_frag_hdr(struct buf *b, unsigned nh, size_t off, bool more,
		  uint32_t id);

/* ---- transport ----------------------------------------------------------- */

/* UDP header (RFC 768), checksum zero: l4_csum() fills it in. */
void udp_hdr(struct buf *b, unsigned sport, unsigned dport, size_t paylen);
/* TCP header (RFC 9293) without its optlen bytes of options, which the
   caller appends; urgent pointer 0, checksum zero: l4_csum(). */
void tcp_hdr(struct buf *b, unsigned sport, unsigned dport, uint32_t seq,
	     uint32_t ack, unsigned flags, unsigned win, size_t optlen);
/* ICMP echo request (type 8) or reply (type 0) with its data, checksum
   filled in (RFC 792). */
void icmp4_echo(struct buf *b, unsigned type, unsigned id, unsigned seq,
		const uint8_t *data, size_t n);

/* ---- tunnels --------------------------------------------------------------- */

/* GRE (RFC 2784, RFC 2890) with the optional fields chosen; a checksum
   field is left zero for gre_csum(). */
void gre_hdr(struct buf *b, bool csum, bool key, bool seq, unsigned proto,
	     uint32_t keyval, uint32_t seqval);
/* Fill in the checksum of the GRE packet (header with the C bit, and its
   payload) from start to the end of b. */
void gre_csum(struct buf *b, size_t start);
/* ERSPAN type II (draft-foschiano-erspan-03 4.1), after a GRE header
   with the S bit: version 1, COS 0, T 0, en the encapsulation type. */
void erspan2_hdr(struct buf *b, unsigned vlan, unsigned en,
		 unsigned session, uint32_t index);
/* ERSPAN type III (4.2), after a GRE header with the S bit: version 2,
   COS 0, BSO 0, T 0, ts's low 32 bits, SGT 0, P 1, FT 0 (Ethernet), D 0,
   granularity 0 (ts in 100 us); with sub, the O bit and platform
   sub-header 3: port index, then ts's high 32 bits. */
void erspan3_hdr(struct buf *b, unsigned vlan, unsigned session,
		 uint64_t ts, unsigned hwid, bool sub, uint32_t index);
/* VXLAN header (RFC 7348): the flags word as given (0x08000000: I set),
   then the VNI. */
void vxlan_hdr(struct buf *b, uint32_t w0, uint32_t vni);

#endif
