/*
 * pktbuild.c: frames built field by field (pktbuild.h).
 */
#include "pktbuild.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pkt_prog = "pktbuild";

void pkt_die(const char *what, const char *detail)
{
	fprintf(stderr, "%s: %s%s%s\n", pkt_prog, what, detail ? ": " : "",
		detail ? detail : "");
	exit(1);
}

/* ---- a pcap on standard output ------------------------------------------ */

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void out(const void *p, size_t n)
{
	if (fwrite(p, 1, n, stdout) != n)
		pkt_die("write", "standard output");
}

void pcap_stdout_header(unsigned snaplen)
{
	uint8_t h[24] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, [20] = 1   /* Ethernet */
	};

	le32(h + 16, snaplen);
	out(h, sizeof h);
}

void pcap_stdout_record(uint64_t ts_us, const struct buf *f, size_t caplen)
{
	uint8_t h[16];
	size_t cap = f->n < caplen ? f->n : caplen;

	le32(h, (uint32_t)(ts_us / 1000000u));
	le32(h + 4, (uint32_t)(ts_us % 1000000u));
	le32(h + 8, (uint32_t)cap);
	le32(h + 12, (uint32_t)f->n);
	out(h, sizeof h);
	out(f->b, cap);
}

/* ---- bytes ------------------------------------------------------------ */

uint8_t *buf_room(struct buf *b, size_t n)
{
	uint8_t *p;

	if (n > PKT_BUF_MAX - b->n)
		pkt_die("frame larger than the build buffer", NULL);
	p = b->b + b->n;
	b->n += n;
	return p;
}

void put8(struct buf *b, unsigned v)
{
	buf_room(b, 1)[0] = (uint8_t)v;
}

void put16(struct buf *b, unsigned v)
{
	uint8_t *p = buf_room(b, 2);

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void put32(struct buf *b, uint32_t v)
{
	uint8_t *p = buf_room(b, 4);

	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void putmem(struct buf *b, const void *src, size_t n)
{
	if (n)
		memcpy(buf_room(b, n), src, n);
}

void putstr(struct buf *b, const char *s)
{
	putmem(b, s, strlen(s));
}

void putzero(struct buf *b, size_t n)
{
	if (n)
		memset(buf_room(b, n), 0, n);
}

void bprintf(struct buf *b, const char *fmt, ...)
{
	size_t left = PKT_BUF_MAX - b->n;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)b->b + b->n, left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= left)
		pkt_die("text payload larger than the build buffer", NULL);
	b->n += (size_t)n;
}

void set16(struct buf *b, size_t off, unsigned v)
{
	b->b[off] = (uint8_t)(v >> 8);
	b->b[off + 1] = (uint8_t)v;
}

size_t len16_begin(struct buf *b)
{
	put16(b, 0);
	return b->n;
}

void len16_end(struct buf *b, size_t mark)
{
	set16(b, mark - 2, (unsigned)(b->n - mark));
}

size_t len24_begin(struct buf *b)
{
	putzero(b, 3);
	return b->n;
}

void len24_end(struct buf *b, size_t mark)
{
	size_t n = b->n - mark;

	b->b[mark - 3] = (uint8_t)(n >> 16);
	b->b[mark - 2] = (uint8_t)(n >> 8);
	b->b[mark - 1] = (uint8_t)n;
}

size_t ber_begin(struct buf *b, unsigned tag)
{
	put8(b, tag);
	put8(b, 0);
	return b->n;
}

void ber_end(struct buf *b, size_t mark)
{
	size_t n = b->n - mark;
	unsigned extra = n < 128 ? 0 : n < 256 ? 1 : 2, i;

	if (n > 0xffff)
		pkt_die("BER element longer than 65535 bytes", NULL);
	if (!extra) {
		b->b[mark - 1] = (uint8_t)n;
		return;
	}
	buf_room(b, extra);
	memmove(b->b + mark + extra, b->b + mark, n);
	b->b[mark - 1] = (uint8_t)(0x80 | extra);
	for (i = 0; i < extra; i++)
		b->b[mark + i] = (uint8_t)(n >> (8 * (extra - 1 - i)));
}

void ber_int(struct buf *b, uint32_t v)
{
	size_t m = ber_begin(b, 0x02);
	int shift;

	/* From the highest byte whose top bit or any higher one is set. */
	for (shift = 24; shift > 0; shift -= 8)
		if (v >> (shift - 1))
			break;
	for (; shift >= 0; shift -= 8)
		put8(b, (v >> shift) & 0xff);
	ber_end(b, m);
}

void ber_str(struct buf *b, unsigned tag, const char *s)
{
	size_t m = ber_begin(b, tag);

	putstr(b, s);
	ber_end(b, m);
}

void ber_oid(struct buf *b, const uint8_t *enc, size_t n)
{
	size_t m = ber_begin(b, 0x06);

	putmem(b, enc, n);
	ber_end(b, m);
}

/* ---- checksums ------------------------------------------------------------ */

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n >= 2; p += 2, n -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t pseudo_sum(const struct ipends *e, unsigned proto, size_t len)
{
	size_t alen = e->family == 4 ? 4 : 16;
	uint32_t s = csum_add(0, e->src, alen);

	s = csum_add(s, e->dst, alen);
	/* IPv4: zero, protocol, 16-bit length; IPv6: 32-bit length, zeros,
	   next header. */
	return s + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + proto;
}

void l4_csum(struct buf *b, size_t start, const struct ipends *e,
	     unsigned proto)
{
	size_t n = b->n - start;
	uint16_t c = csum_fold(csum_add(pseudo_sum(e, proto, n),
					b->b + start, n));

	if (proto == P_UDP && c == 0)
		c = 0xffff;                     /* 0 means "no checksum" */
	set16(b, start + (proto == P_TCP ? 16 : 6), c);
}

/* ---- link layers ------------------------------------------------------------ */

void eth_hdr(struct buf *b, const uint8_t dst[6], const uint8_t src[6],
	     unsigned type)
{
	putmem(b, dst, 6);
	putmem(b, src, 6);
	put16(b, type);
}

void vlan_tag(struct buf *b, unsigned tci, unsigned type)
{
	put16(b, tci);
	put16(b, type);
}

void mpls_label(struct buf *b, unsigned label, unsigned tc, bool bos,
		unsigned ttl)
{
	put32(b, (uint32_t)label << 12 | (tc & 7u) << 9 | (bos ? 1u : 0u) << 8 |
		 (ttl & 0xffu));
}

void eth_pad(struct buf *b)
{
	if (b->n < 60)
		putzero(b, 60 - b->n);
}

void sll_hdr(struct buf *b, unsigned pkttype, const uint8_t mac[6],
	     unsigned type)
{
	put16(b, pkttype);
	put16(b, 1);                            /* ARPHRD_ETHER */
	put16(b, 6);                            /* address length */
	putmem(b, mac, 6);
	putzero(b, 2);
	put16(b, type);
}

void sll2_hdr(struct buf *b, unsigned pkttype, uint32_t ifindex,
	      const uint8_t mac[6], unsigned type)
{
	put16(b, type);
	put16(b, 0);                            /* reserved */
	put32(b, ifindex);
	put16(b, 1);                            /* ARPHRD_ETHER */
	put8(b, pkttype);
	put8(b, 6);                             /* address length */
	putmem(b, mac, 6);
	putzero(b, 2);
}

/* ---- IP -------------------------------------------------------------------- */

void ip4_hdr(struct buf *b, const struct ipends *e, unsigned proto,
	     unsigned ttl, unsigned id, unsigned frag, const uint8_t *opt,
	     size_t optlen, size_t paylen)
{
	size_t start = b->n, hl = 20 + optlen;

	if (optlen % 4 || hl > 60)
		pkt_die("IPv4 options must fill whole words, 40 bytes at most",
			NULL);
	put8(b, 0x40 | (unsigned)(hl / 4));
	put8(b, 0);                             /* DSCP/ECN */
	put16(b, (unsigned)(hl + paylen));
	put16(b, id);
	put16(b, frag);
	put8(b, ttl);
	put8(b, proto);
	put16(b, 0);
	putmem(b, e->src, 4);
	putmem(b, e->dst, 4);
	putmem(b, opt, optlen);
	set16(b, start + 10, csum_fold(csum_add(0, b->b + start, hl)));
}

void ip6_hdr(struct buf *b, const struct ipends *e, unsigned nh,
	     size_t paylen)
{
	put32(b, 6u << 28);                     /* class 0, flow label 0 */
	put16(b, (unsigned)paylen);
	put8(b, nh);
	put8(b, 64);                            /* hop limit */
	putmem(b, e->src, 16);
	putmem(b, e->dst, 16);
}

void ip6_frag_hdr(struct buf *b, unsigned nh, size_t off, bool more,
		  uint32_t id)
{
	put8(b, nh);
	put8(b, 0);                             /* reserved */
	put16(b, (unsigned)off | (more ? 1u : 0u));
	put32(b, id);
}

/* ---- transport -------------------------------------------------------------- */

void udp_hdr(struct buf *b, unsigned sport, unsigned dport, size_t paylen)
{
	put16(b, sport);
	put16(b, dport);
	put16(b, (unsigned)(8 + paylen));
	put16(b, 0);
}

void tcp_hdr(struct buf *b, unsigned sport, unsigned dport, uint32_t seq,
	     uint32_t ack, unsigned flags, unsigned win, size_t optlen)
{
	if (optlen % 4 || optlen > 40)
		pkt_die("TCP options must fill whole words, 40 bytes at most",
			NULL);
	put16(b, sport);
	put16(b, dport);
	put32(b, seq);
	put32(b, ack);
	put8(b, (unsigned)((20 + optlen) / 4) << 4);
	put8(b, flags);
	put16(b, win);
	put16(b, 0);                            /* checksum */
	put16(b, 0);                            /* urgent pointer */
}

void icmp4_echo(struct buf *b, unsigned type, unsigned id, unsigned seq,
		const uint8_t *data, size_t n)
{
	size_t start = b->n;

	put8(b, type);
	put8(b, 0);                             /* code */
	put16(b, 0);
	put16(b, id);
	put16(b, seq);
	putmem(b, data, n);
	set16(b, start + 2, csum_fold(csum_add(0, b->b + start, b->n - start)));
}

/* ---- tunnels ------------------------------------------------------------------ */

void gre_hdr(struct buf *b, bool csum, bool key, bool seq, unsigned proto,
	     uint32_t keyval, uint32_t seqval)
{
	put16(b, (csum ? 0x8000u : 0) | (key ? 0x2000u : 0) |
		 (seq ? 0x1000u : 0));
	put16(b, proto);
	if (csum) {
		put16(b, 0);
		put16(b, 0);                    /* reserved1 */
	}
	if (key)
		put32(b, keyval);
	if (seq)
		put32(b, seqval);
}

void gre_csum(struct buf *b, size_t start)
{
	set16(b, start + 4, csum_fold(csum_add(0, b->b + start, b->n - start)));
}

void erspan2_hdr(struct buf *b, unsigned vlan, unsigned en,
		 unsigned session, uint32_t index)
{
	/* Ver 4 | VLAN 12 | COS 3 | En 2 | T 1 | Session ID 10, then
	   Reserved 12 | Index 20. */
	put32(b, 1u << 28 | (vlan & 0xfffu) << 16 | (en & 3u) << 11 |
		 (session & 0x3ffu));
	put32(b, index & 0xfffffu);
}

void erspan3_hdr(struct buf *b, unsigned vlan, unsigned session,
		 uint64_t ts, unsigned hwid, bool sub, uint32_t index)
{
	/* Ver 4 | VLAN 12 | COS 3 | BSO 2 | T 1 | Session ID 10, the
	   timestamp, SGT 16, then P 1 | FT 5 | HW ID 6 | D 1 | Gra 2 | O 1. */
	put32(b, 2u << 28 | (vlan & 0xfffu) << 16 | (session & 0x3ffu));
	put32(b, (uint32_t)ts);
	put16(b, 0);                            /* SGT */
	put16(b, 1u << 15 | (hwid & 0x3fu) << 4 | (sub ? 1u : 0u));
	if (sub) {
		/* Platform ID 6 | port index 26, the timestamp's high bits. */
		put32(b, 3u << 26 | (index & 0x3ffffffu));
		put32(b, (uint32_t)(ts >> 32));
	}
}

void vxlan_hdr(struct buf *b, uint32_t w0, uint32_t vni)
{
	put32(b, w0);
	put32(b, vni << 8);                     /* VNI 24 | reserved 8 */
}
