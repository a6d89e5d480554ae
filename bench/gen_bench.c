/*
 * gen_bench.c: writes the benchmark's synthetic captures (bench/README.md).
 *
 *   gen_bench mix  [-m MB] [-w WINDOW] [-s SEED] OUT.pcap
 *   gen_bench conc -c CONCURRENT -f FLOWS [-s SEED] OUT.pcap
 *
 * mix: a busy SPAN port of an IM&P data centre. WINDOW conversations
 * (default 4096) are in progress at once; each next packet comes from one
 * of them drawn at random, and a finished conversation is replaced by a
 * new one until the file holds MB megabytes (10^6 bytes; default 400),
 * after which the open ones are finished. Conversations go to documented
 * ports (TCP 5222, 5060, 5061, 8443, 389, 5432, 6603; UDP 53, 123, 161,
 * 5060) and undocumented ones (TCP 3389, 6060, 9999), with TCP handshakes
 * and closes, a real first request and reply (TLS ClientHello with SNI,
 * SIP, XMPP stream, LDAP bind, PostgreSQL startup, RDP, HTTP, DNS, NTP,
 * SNMP), then a few messages (small, or one in five of 1,000-1,400
 * bytes), and in one TCP conversation in twenty a bulk transfer of
 * 8-40 segments, mostly of 1,000-1,400 bytes.
 *
 * conc: FLOWS TCP conversations, CONCURRENT of them open at once. Each
 * wave opens CONCURRENT conversations one after the other (SYN, SYN+ACK,
 * ACK, request, reply: nDPI can decide on each before the next opens),
 * then sends one data segment on each in a shuffled order, then closes
 * each (FIN both ways) in another shuffled order. Every conversation has
 * the same 8 packets, so captures with the same FLOWS have the same
 * packet count whatever CONCURRENT is. Only services whose first request
 * nDPI recognises are used.
 *
 * The output depends on the options and SEED only (a PRNG of our own):
 * the same command writes the same bytes. Frames are Ethernet (a quarter
 * with an 802.1Q tag), IPv4 or (one in ten) IPv6, with correct checksums.
 * Time starts at 2026-01-01T00:00:00Z. Addresses come from the
 * documentation ranges (RFC 5737, RFC 3849), MAC addresses from RFC 7042's
 * documentation block. On success one line goes to standard output:
 * "packets N flows N bytes N".
 */
#define _DEFAULT_SOURCE         /* u_char and friends for pcap.h, getopt */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "pcapout.h"
#include "pktbuild.h"

#define EPOCH_2026  1767225600ull   /* 2026-01-01T00:00:00Z */
#define SNAPLEN     65535
#define PAYLOAD_MAX 1400            /* largest TCP or UDP payload built */
#define MB          1000000ull

#define PORT_EPHEMERAL 49152u       /* RFC 6335 dynamic range start */
#define N_EPHEMERAL    16384u
#define N_CLIENTS4     508u         /* 198.51.100.1-254, 203.0.113.1-254 */
#define N_CLIENTS6     4096u        /* 2001:db8:100::1000 and up */

/* ---- random numbers --------------------------------------------------- */

static uint64_t rng_state;

/* noise mode: every payload random bytes, on documented ports only: the
   worst case for nDPI, which inspects each flow to its last packet
   allowed (--dpi-packets) and names none. */
static bool noise;
#define N_DOCUMENTED 11      /* services[] up to 6603 are documented */
#define NOISE_PACKETS 16     /* packets of a noise UDP flow */

/* splitmix64 (Steele, Lea, Flood 2014): small, fast, and good enough to
   pick sizes and orders; seeded from -s, so runs repeat. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is far below
   anything a benchmark could show). */
static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * n) >> 32);
}

/* Uniform in [lo, hi]. */
static uint32_t rnd_range(uint32_t lo, uint32_t hi)
{
	return lo + rnd_below(hi - lo + 1);
}

/* ---- payload bytes ----------------------------------------------------- */

/* n bytes that look like ciphertext or compressed data. */
static void putopaque(struct buf *b, size_t n)
{
	uint8_t *p = buf_room(b, n);
	uint64_t r;

	while (n >= 8) {
		r = rnd();
		memcpy(p, &r, 8);
		p += 8;
		n -= 8;
	}
	r = rnd();
	memcpy(p, &r, n);
}

/* ---- the network ------------------------------------------------------ */

/* Server hosts on the data-centre subnet (192.0.2.0/24, 2001:db8:2::/64). */
enum server {
	S_PUB,      /* IM&P publisher */
	S_SUB,      /* IM&P subscriber */
	S_CUCM,     /* CUCM: NTP server */
	S_LDAP,     /* corporate directory */
	S_PGSQL,    /* external PostgreSQL */
	S_DNS,      /* DNS server */
	S_APP,      /* a host with undocumented listeners */
	S_COUNT
};

static const uint8_t server_octet[S_COUNT] = { 10, 11, 20, 40, 50, 53, 60 };

/* What the first request and reply of a conversation carry. */
enum pay {
	PAY_TLS, PAY_SIP, PAY_XMPP, PAY_LDAP, PAY_PGSQL, PAY_RDP, PAY_HTTP,
	PAY_OPAQUE, PAY_DNS, PAY_NTP, PAY_SNMP
};

struct service {
	uint8_t proto;
	uint16_t port;
	uint8_t server;       /* enum server; S_PUB means publisher or subscriber */
	uint8_t pay;          /* enum pay */
	bool tls_data;        /* later segments are TLS application data */
	bool client_bulk;     /* bulk transfers go client to server */
	uint16_t w_mix;       /* share of conversations in mix, per mille */
	uint16_t w_conc;      /* share in conc, per mille (0: not used) */
};

/*
 * The services. Ports and documented status as the IM&P port usage guide
 * (rules/imp.conf) has them; shares are a guess at a busy site: DNS and
 * web administration are frequent, replication is rare but bulky.
 */
static const struct service services[] = {
	{ P_UDP, 53,   S_DNS,   PAY_DNS,    false, false, 220,   0 },
	{ P_UDP, 123,  S_CUCM,  PAY_NTP,    false, false,  60,   0 },
	{ P_UDP, 161,  S_PUB,   PAY_SNMP,   false, false,  60,   0 },
	{ P_UDP, 5060, S_PUB,   PAY_SIP,    false, false,  60,   0 },
	{ P_TCP, 8443, S_PUB,   PAY_TLS,    true,  false, 150, 250 },
	{ P_TCP, 5061, S_PUB,   PAY_TLS,    true,  false,  50, 100 },
	{ P_TCP, 5060, S_PUB,   PAY_SIP,    false, false,  40,  80 },
	{ P_TCP, 5222, S_PUB,   PAY_XMPP,   true,  false,  90, 200 },
	{ P_TCP, 389,  S_LDAP,  PAY_LDAP,   false, false,  80, 120 },
	{ P_TCP, 5432, S_PGSQL, PAY_PGSQL,  false, true,   50, 100 },
	{ P_TCP, 6603, S_SUB,   PAY_OPAQUE, false, true,   40,   0 },
	{ P_TCP, 3389, S_APP,   PAY_RDP,    true,  false,  30,  50 },
	{ P_TCP, 6060, S_APP,   PAY_HTTP,   false, false,  40, 100 },
	{ P_TCP, 9999, S_APP,   PAY_OPAQUE, false, false,  30,   0 },
};
#define N_SERVICES (sizeof services / sizeof services[0])

/* A conversation in progress. */
struct conv {
	uint32_t id;          /* conversation number: addresses, ports, names */
	uint32_t seq[2];      /* next sequence number: [0] client, [1] server */
	uint16_t left;        /* data segments still to send (mix) */
	uint16_t vlan;        /* 802.1Q VLAN id, 0 untagged */
	uint8_t svc;          /* index into services[] */
	uint8_t server;       /* enum server */
	uint8_t v6;
	uint8_t step;         /* position in the script (mix) */
	uint8_t bulk;         /* a bulk transfer */
	uint8_t unacked[2];   /* segments sent by each side since an ACK */
	uint8_t ack_due;      /* 1 + side that owes a pure ACK, 0 none */
};

struct out {
	struct pcapout w;
	uint64_t now_us;      /* packet time */
	uint64_t packets, bytes, flows;
	uint16_t ip_id;
	uint32_t step_max_us; /* a packet follows the last by 1..step_max_us */
};

/* A client address: IPv4 from two documentation /24s, IPv6 from
   2001:db8:100::/64. Consecutive ids spread over the hosts first, then
   over the ephemeral ports, so 8 million conversations pass before a
   four-tuple comes back. */
static void client_addr(const struct conv *c, uint8_t a[16])
{
	memset(a, 0, 16);
	if (c->v6) {
		uint32_t h = 0x1000 + c->id % N_CLIENTS6;

		a[0] = 0x20; a[1] = 0x01; a[2] = 0x0d; a[3] = 0xb8;
		a[4] = 0x01; a[5] = 0x00;
		a[14] = (uint8_t)(h >> 8);
		a[15] = (uint8_t)h;
	} else {
		uint32_t h = c->id % N_CLIENTS4;

		if (h < 254) {
			a[0] = 198; a[1] = 51; a[2] = 100;
		} else {
			a[0] = 203; a[1] = 0; a[2] = 113;
			h -= 254;
		}
		a[3] = (uint8_t)(h + 1);
	}
}

static uint16_t client_port(const struct conv *c)
{
	uint32_t hosts = c->v6 ? N_CLIENTS6 : N_CLIENTS4;

	return (uint16_t)(PORT_EPHEMERAL + (c->id / hosts) % N_EPHEMERAL);
}

static void server_addr(const struct conv *c, uint8_t a[16])
{
	memset(a, 0, 16);
	if (c->v6) {
		a[0] = 0x20; a[1] = 0x01; a[2] = 0x0d; a[3] = 0xb8;
		a[5] = 0x02;
		a[15] = server_octet[c->server];
	} else {
		a[0] = 192; a[1] = 0; a[2] = 2;
		a[3] = server_octet[c->server];
	}
}

/* ---- frames ----------------------------------------------------------- */

/* Write frame f at the current packet time, then move time on. */
static void emit(struct out *o, const struct buf *f)
{
	pcapout_write(&o->w, o->now_us * 1000u, f->b, f->n, f->n);
	o->packets++;
	o->bytes += 16 + f->n;   /* pcap record header and data */
	o->now_us += rnd_range(1, o->step_max_us);
}

/*
 * One IP packet of conversation c from the client (from_srv 0) or the
 * server, carrying the transport header l4 (checksum field zero, filled
 * in here) and payload pl. Ethernet: the server's own MAC on the
 * data-centre side, the router's for clients, which are off the subnet.
 */
static void send_ip(struct out *o, const struct conv *c, int from_srv,
		    uint8_t proto, const struct buf *l4, const struct buf *pl)
{
	static const uint8_t router_mac[6] = { 0, 0, 0x5e, 0, 0x53, 0x01 };
	uint8_t srv_mac[6] = { 0, 0, 0x5e, 0, 0x53, 0 };
	uint8_t src[16], dst[16];
	unsigned type = c->v6 ? ET_IPV6 : ET_IPV4;
	struct ipends e;
	struct buf f;
	size_t l4_off, l4len = l4->n + pl->n;

	srv_mac[5] = server_octet[c->server];
	if (from_srv) {
		server_addr(c, src);
		client_addr(c, dst);
	} else {
		client_addr(c, src);
		server_addr(c, dst);
	}
	e.family = c->v6 ? 6 : 4;
	e.src = src;
	e.dst = dst;
	f.n = 0;
	if (c->vlan) {
		eth_hdr(&f, from_srv ? router_mac : srv_mac,
			from_srv ? srv_mac : router_mac, ET_VLAN);
		vlan_tag(&f, c->vlan, type);
	} else {
		eth_hdr(&f, from_srv ? router_mac : srv_mac,
			from_srv ? srv_mac : router_mac, type);
	}
	if (c->v6)
		ip6_hdr(&f, &e, proto, l4len);
	else
		ip4_hdr(&f, &e, proto, from_srv ? 64 : 127, o->ip_id++,
			0x4000, NULL, 0, l4len);      /* DF */
	l4_off = f.n;
	putmem(&f, l4->b, l4->n);
	putmem(&f, pl->b, pl->n);
	l4_csum(&f, l4_off, &e, proto);
	/* A TCP checksum of 0 is written 0xffff, its other form in ones'
	   complement, as this generator always did: the captures of a
	   seed stay the same. */
	if (proto == P_TCP && f.b[l4_off + 16] == 0 && f.b[l4_off + 17] == 0)
		set16(&f, l4_off + 16, 0xffff);
	eth_pad(&f);                            /* Ethernet minimum, no FCS */
	emit(o, &f);
}

/* A TCP segment of c from one side, with Linux's options: MSS, SACK,
   timestamps and window scale on SYNs (RFC 7323), timestamps after. */
static void send_tcp(struct out *o, struct conv *c, int from_srv,
		     unsigned flags, const struct buf *pl)
{
	struct buf t;
	uint32_t tsval = (uint32_t)(o->now_us / 1000u) + (from_srv ? 7919u : 104729u);
	uint32_t tsecr = (uint32_t)(o->now_us / 1000u) + (from_srv ? 104729u : 7919u);
	bool syn = flags & F_SYN;
	unsigned side = from_srv ? 1 : 0;

	t.n = 0;
	tcp_hdr(&t, from_srv ? services[c->svc].port : client_port(c),
		from_srv ? client_port(c) : services[c->svc].port,
		c->seq[side], (flags & F_ACK) ? c->seq[!side] : 0, flags,
		syn ? 64240 : 502,              /* scaled by 2^7 after SYN */
		syn ? 20 : 12);
	if (syn) {
		put8(&t, 2); put8(&t, 4); put16(&t, 1460);  /* MSS */
		put8(&t, 4); put8(&t, 2);                   /* SACK permitted */
		put8(&t, 8); put8(&t, 10); put32(&t, tsval); put32(&t, from_srv ? tsecr : 0);
		put8(&t, 1);                                /* NOP */
		put8(&t, 3); put8(&t, 3); put8(&t, 7);      /* window scale */
	} else {
		put8(&t, 1); put8(&t, 1);
		put8(&t, 8); put8(&t, 10); put32(&t, tsval); put32(&t, tsecr);
	}
	send_ip(o, c, from_srv, P_TCP, &t, pl);
	c->seq[side] += (uint32_t)pl->n + (syn ? 1u : 0u) + ((flags & F_FIN) ? 1u : 0u);
}

static void send_udp(struct out *o, const struct conv *c, int from_srv,
		     const struct buf *pl)
{
	struct buf u;

	u.n = 0;
	udp_hdr(&u, from_srv ? services[c->svc].port : client_port(c),
		from_srv ? client_port(c) : services[c->svc].port, pl->n);
	send_ip(o, c, from_srv, P_UDP, &u, pl);
}

/* ---- payloads --------------------------------------------------------- */

/* Dotted text of c's client or server address, for SIP and HTTP. */
static void addr_text(const struct conv *c, int server, char out[48])
{
	uint8_t a[16];

	if (server)
		server_addr(c, a);
	else
		client_addr(c, a);
	if (c->v6)
		snprintf(out, 48, "[2001:db8:%x::%x]", a[5] | a[4] << 8,
			 a[15] | a[14] << 8);
	else
		snprintf(out, 48, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* The server name a TLS client asks for. */
static const char *sni_of(const struct conv *c)
{
	static const char *const names[] = {
		"cup-pub.example.com", "cup-sub.example.com",
		"imp.example.com", "sip.example.com",
	};

	return names[c->id % 4];
}

/* TLS 1.2 ClientHello with SNI (RFC 5246 7.4.1.2, RFC 6066 3), as Jabber
   clients and browsers send to 8443 and 5061. */
static void tls_client_hello(struct buf *b, const struct conv *c)
{
	static const uint16_t suites[] = {
		0x1301, 0x1302, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0x009e,
		0xc013, 0xc014, 0x009c, 0x002f, 0x0035, 0x00ff,
	};
	const char *sni = sni_of(c);
	size_t rec, hs, sl, ext, e, l;
	unsigned i;

	put8(b, 22);                            /* handshake */
	put16(b, 0x0301);
	rec = len16_begin(b);
	put8(b, 1);                             /* client_hello */
	hs = len24_begin(b);
	put16(b, 0x0303);
	putopaque(b, 32);                       /* random */
	put8(b, 32);
	putopaque(b, 32);                       /* session id */
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
	put16(b, 0x001d);
	put16(b, 0x0017);
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
	put16(b, 0x0010);                       /* ALPN (RFC 7301) */
	e = len16_begin(b);
	l = len16_begin(b);
	put8(b, 8);
	putstr(b, "http/1.1");
	len16_end(b, l);
	len16_end(b, e);
	len16_end(b, ext);
	len24_end(b, hs);
	len16_end(b, rec);
}

/* AlgorithmIdentifier with NULL parameters (RFC 5280 4.1.1.2). */
static void der_alg(struct buf *b, const uint8_t *oid, size_t n)
{
	size_t m = ber_begin(b, 0x30);

	ber_oid(b, oid, n);
	put8(b, 0x05);
	put8(b, 0);
	ber_end(b, m);
}

/* Name: O=Example, CN=cn (RFC 5280 4.1.2.4). */
static void der_name(struct buf *b, const char *cn)
{
	static const uint8_t oid_o[] = { 0x55, 4, 10 }, oid_cn[] = { 0x55, 4, 3 };
	size_t name = ber_begin(b, 0x30), set, atv;

	set = ber_begin(b, 0x31);
	atv = ber_begin(b, 0x30);
	ber_oid(b, oid_o, sizeof oid_o);
	ber_str(b, 0x0c, "Example");            /* UTF8String */
	ber_end(b, atv);
	ber_end(b, set);
	set = ber_begin(b, 0x31);
	atv = ber_begin(b, 0x30);
	ber_oid(b, oid_cn, sizeof oid_cn);
	ber_str(b, 0x0c, cn);
	ber_end(b, atv);
	ber_end(b, set);
	ber_end(b, name);
}

/* An X.509 v3 certificate (RFC 5280 4.1) for cn, with a subjectAltName,
   an RSA-2048 key and a signature whose bytes are random: the structure
   a DPI engine parses, about 800 bytes. */
static void x509_cert(struct buf *b, const char *cn)
{
	static const uint8_t sha256_rsa[] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11
	};
	static const uint8_t rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1 };
	static const uint8_t oid_san[] = { 0x55, 29, 17 };
	size_t cert = ber_begin(b, 0x30), tbs = ber_begin(b, 0x30), m, k, e;

	m = ber_begin(b, 0xa0);                 /* version v3 */
	ber_int(b, 2);
	ber_end(b, m);
	put8(b, 0x02);                          /* serialNumber, positive */
	put8(b, 16);
	put8(b, 0x40 | (rnd() & 0x3f));
	putopaque(b, 15);
	der_alg(b, sha256_rsa, sizeof sha256_rsa);
	der_name(b, "Example Issuing CA");
	m = ber_begin(b, 0x30);                 /* validity */
	ber_str(b, 0x17, "260101000000Z");
	ber_str(b, 0x17, "280101000000Z");
	ber_end(b, m);
	der_name(b, cn);
	m = ber_begin(b, 0x30);                 /* subjectPublicKeyInfo */
	der_alg(b, rsa, sizeof rsa);
	k = ber_begin(b, 0x03);
	put8(b, 0);                             /* no unused bits */
	e = ber_begin(b, 0x30);                 /* RSAPublicKey (RFC 8017) */
	put8(b, 0x02);
	put8(b, 0x82);
	put16(b, 257);
	put8(b, 0);
	put8(b, 0x80 | (rnd() & 0x7f));
	putopaque(b, 255);
	ber_int(b, 65537);
	ber_end(b, e);
	ber_end(b, k);
	ber_end(b, m);
	m = ber_begin(b, 0xa3);                 /* extensions */
	k = ber_begin(b, 0x30);
	e = ber_begin(b, 0x30);
	ber_oid(b, oid_san, sizeof oid_san);
	{
		size_t os = ber_begin(b, 0x04), gn = ber_begin(b, 0x30);

		ber_str(b, 0x82, cn);           /* dNSName */
		ber_str(b, 0x82, "example.com");
		ber_end(b, gn);
		ber_end(b, os);
	}
	ber_end(b, e);
	ber_end(b, k);
	ber_end(b, m);
	ber_end(b, tbs);
	der_alg(b, sha256_rsa, sizeof sha256_rsa);
	m = ber_begin(b, 0x03);                 /* signature */
	put8(b, 0);
	putopaque(b, 256);
	ber_end(b, m);
	ber_end(b, cert);
}

/* ServerHello, Certificate and ServerHelloDone in one handshake record:
   the server's first flight (RFC 5246 7.3). */
static void tls_server_flight(struct buf *b, const struct conv *c)
{
	size_t rec, hs, ext, certs, cert;

	put8(b, 22);
	put16(b, 0x0303);
	rec = len16_begin(b);
	put8(b, 2);                             /* server_hello */
	hs = len24_begin(b);
	put16(b, 0x0303);
	putopaque(b, 32);
	put8(b, 0);
	put16(b, 0xc02f);
	put8(b, 0);
	ext = len16_begin(b);
	put16(b, 0xff01);                       /* renegotiation_info */
	put16(b, 1);
	put8(b, 0);
	len16_end(b, ext);
	len24_end(b, hs);
	put8(b, 11);                            /* certificate */
	hs = len24_begin(b);
	certs = len24_begin(b);
	cert = len24_begin(b);
	x509_cert(b, sni_of(c));
	len24_end(b, cert);
	len24_end(b, certs);
	len24_end(b, hs);
	put8(b, 14);                            /* server_hello_done */
	put8(b, 0);
	put16(b, 0);
	len16_end(b, rec);
}

/* A TLS application-data record of n opaque bytes. */
static void tls_app_data(struct buf *b, size_t n)
{
	put8(b, 23);
	put16(b, 0x0303);
	put16(b, (unsigned)n);
	putopaque(b, n);
}

/* SIP request (RFC 3261 7.1): OPTIONS keep-alives over UDP, REGISTER over
   TCP. */
static void sip_request(struct buf *b, const struct conv *c, bool udp)
{
	char cl[48], sv[48];
	const char *m = udp ? "OPTIONS" : "REGISTER";

	addr_text(c, 0, cl);
	addr_text(c, 1, sv);
	bprintf(b,
		"%s sip:%s:5060 SIP/2.0\r\n"
		"Via: SIP/2.0/%s %s:%u;branch=z9hG4bK%08x\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:u%u@example.com>;tag=%08x\r\n"
		"To: <sip:u%u@example.com>\r\n"
		"Call-ID: %08x@%s\r\n"
		"CSeq: 1 %s\r\n"
		"Contact: <sip:u%u@%s:%u>\r\n"
		"Expires: 3600\r\n"
		"User-Agent: Cisco-SIPGateway/IOS-17.x\r\n"
		"Content-Length: 0\r\n\r\n",
		m, sv, udp ? "UDP" : "TCP", cl, client_port(c), c->id,
		c->id % 5000, c->id * 2654435761u, c->id % 5000,
		c->id ^ 0x5a5a5a5au, cl, m, c->id % 5000, cl, client_port(c));
}

static void sip_response(struct buf *b, const struct conv *c, bool udp)
{
	char cl[48];

	addr_text(c, 0, cl);
	bprintf(b,
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/%s %s:%u;branch=z9hG4bK%08x\r\n"
		"From: <sip:u%u@example.com>;tag=%08x\r\n"
		"To: <sip:u%u@example.com>;tag=%08x\r\n"
		"Call-ID: %08x@%s\r\n"
		"CSeq: 1 %s\r\n"
		"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, SUBSCRIBE, "
		"PUBLISH, MESSAGE, INFO, REFER, UPDATE\r\n"
		"Server: Cisco-SIPProxy\r\n"
		"Content-Length: 0\r\n\r\n",
		udp ? "UDP" : "TCP", cl, client_port(c), c->id,
		c->id % 5000, c->id * 2654435761u, c->id % 5000, ~c->id,
		c->id ^ 0x5a5a5a5au, cl, udp ? "OPTIONS" : "REGISTER");
}

/* LDAP simple bind request and success (RFC 4511 4.2): anonymous for
   even ids, with a DN and password for odd ones (nDPI 4.2 only knows the
   anonymous form, and takes the other for MQTT). */
static void ldap_bind(struct buf *b, const struct conv *c, bool reply)
{
	size_t msg = ber_begin(b, 0x30), op;

	ber_int(b, 1);
	if (!reply) {
		char dn[64] = "";

		if (c->id & 1)
			snprintf(dn, sizeof dn,
				 "cn=impsync%u,cn=Users,dc=example,dc=com", c->id % 8);
		op = ber_begin(b, 0x60);
		ber_int(b, 3);
		ber_str(b, 0x04, dn);
		ber_str(b, 0x80, (c->id & 1) ? "Example-Passw0rd" : "");
	} else {
		op = ber_begin(b, 0x61);
		put8(b, 0x0a);                  /* resultCode success */
		put8(b, 1);
		put8(b, 0);
		ber_str(b, 0x04, "");
		ber_str(b, 0x04, "");
	}
	ber_end(b, op);
	ber_end(b, msg);
}

/* PostgreSQL StartupMessage v3.0 and AuthenticationMD5Password
   (PostgreSQL protocol, "Message Formats"). */
static void pgsql(struct buf *b, bool reply)
{
	static const char params[] = "user\0impuser\0database\0tcmadb\0"
				     "application_name\0cup-mft\0";

	if (!reply) {
		put32(b, (uint32_t)(8 + sizeof params));
		put32(b, 196608);
		putmem(b, params, sizeof params);
	} else {
		put8(b, 'R');
		put32(b, 12);
		put32(b, 5);
		putopaque(b, 4);                /* salt */
	}
}

/* RDP: X.224 Connection Request with a cookie and an RDP negotiation
   request, and the Connection Confirm (MS-RDPBCGR 2.2.1.1, 2.2.1.2). */
static void rdp(struct buf *b, bool reply)
{
	static const uint8_t neg_req[8] = { 1, 0, 8, 0, 3, 0, 0, 0 };
	static const uint8_t cc[19] = {
		3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0,
		2, 0, 8, 0, 1, 0, 0, 0
	};
	static const char cookie[] = "Cookie: mstshash=administrator\r\n";
	size_t cl = sizeof cookie - 1;

	if (reply) {
		putmem(b, cc, sizeof cc);
		return;
	}
	put8(b, 3);                             /* TPKT (RFC 1006) */
	put8(b, 0);
	put16(b, (unsigned)(4 + 7 + cl + 8));
	put8(b, (unsigned)(6 + cl + 8));        /* X.224 length indicator */
	put8(b, 0xe0);                          /* CR */
	put16(b, 0);
	put16(b, 0);
	put8(b, 0);
	putstr(b, cookie);
	putmem(b, neg_req, sizeof neg_req);
}

/* XMPP client stream header and the server's with STARTTLS offered
   (RFC 6120 4.2, 5.3.1). */
static void xmpp(struct buf *b, bool reply)
{
	if (!reply)
		putstr(b, "<?xml version='1.0'?><stream:stream to='example.com' "
		       "version='1.0' xml:lang='en' xmlns='jabber:client' "
		       "xmlns:stream='http://etherx.jabber.org/streams'>");
	else
		putstr(b, "<?xml version='1.0' encoding='UTF-8'?><stream:stream "
		       "from='example.com' id='3f1c9a2e' version='1.0' "
		       "xml:lang='en' xmlns='jabber:client' "
		       "xmlns:stream='http://etherx.jabber.org/streams'>"
		       "<stream:features><starttls "
		       "xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
		       "</starttls></stream:features>");
}

/* An HTTP/1.1 status request on an undocumented port and its reply. */
static void http(struct buf *b, const struct conv *c, bool reply)
{
	char sv[48];

	if (reply) {
		bprintf(b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			"Content-Length: 27\r\nConnection: close\r\n\r\n"
			"{\"status\":\"up\",\"id\":%05u}", c->id % 100000);
		return;
	}
	addr_text(c, 1, sv);
	bprintf(b, "GET /status?node=%u HTTP/1.1\r\nHost: %s:6060\r\n"
		"User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
		c->id % 64, sv);
}

/* DNS query for an A or AAAA record, and its answer (RFC 1035 4.1). */
static void dns(struct buf *b, const struct conv *c, bool reply)
{
	char label[16];
	unsigned type = (c->id & 3) == 0 ? 28 : 1;
	int n = snprintf(label, sizeof label, "host%u", c->id % 20000);

	put16(b, c->id & 0xffff);
	put16(b, reply ? 0x8180 : 0x0100);      /* QR RD RA / RD */
	put16(b, 1);
	put16(b, reply ? 1 : 0);
	put16(b, 0);
	put16(b, 0);
	put8(b, (unsigned)n);
	putmem(b, label, (size_t)n);
	put8(b, 7);
	putstr(b, "example");
	put8(b, 3);
	putstr(b, "com");
	put8(b, 0);
	put16(b, type);
	put16(b, 1);                            /* IN */
	if (!reply)
		return;
	put16(b, 0xc00c);                       /* the question's name */
	put16(b, type);
	put16(b, 1);
	put32(b, 300);
	put16(b, type == 28 ? 16 : 4);
	putopaque(b, type == 28 ? 16 : 4);
}

/* NTPv4 client request and server reply (RFC 5905 7.3). */
static void ntp(struct buf *b, const struct out *o, bool reply)
{
	uint32_t secs = (uint32_t)(o->now_us / 1000000u + 2208988800u);

	put8(b, 4 << 3 | (reply ? 4 : 3));      /* VN 4, client or server */
	put8(b, reply ? 2 : 0);                 /* stratum */
	put8(b, 6);
	put8(b, 0xe9);
	put32(b, reply ? 0x10 : 0);
	put32(b, reply ? 0x20 : 0);
	put32(b, reply ? 0xc0000214u : 0);      /* refid 192.0.2.20 */
	put32(b, reply ? secs - 64 : 0);        /* reference */
	put32(b, 0);
	put32(b, reply ? secs : 0);             /* origin */
	put32(b, 0);
	put32(b, reply ? secs : 0);             /* receive */
	put32(b, 0);
	put32(b, secs);                         /* transmit */
	put32(b, (uint32_t)rnd());
}

/* SNMPv2c GetRequest for sysUpTime.0 and its GetResponse (RFC 3416). */
static void snmp(struct buf *b, const struct conv *c, bool reply)
{
	static const uint8_t oid[] = { 0x2b, 6, 1, 2, 1, 1, 3, 0 };
	size_t msg = ber_begin(b, 0x30), pdu, vbl, vb, o;

	ber_int(b, 1);                          /* version 2c */
	ber_str(b, 0x04, "public");
	pdu = ber_begin(b, reply ? 0xa2 : 0xa0);
	ber_int(b, c->id & 0x7fffffff);
	ber_int(b, 0);
	ber_int(b, 0);
	vbl = ber_begin(b, 0x30);
	vb = ber_begin(b, 0x30);
	o = ber_begin(b, 0x06);
	putmem(b, oid, sizeof oid);
	ber_end(b, o);
	if (reply) {
		put8(b, 0x43);                  /* TimeTicks */
		put8(b, 4);
		put32(b, (c->id * 100u) & 0x7fffffff);
	} else {
		put8(b, 0x05);                  /* NULL */
		put8(b, 0);
	}
	ber_end(b, vb);
	ber_end(b, vbl);
	ber_end(b, pdu);
	ber_end(b, msg);
}

/* The first request (reply false) or reply of c's service into b. */
static void first_payload(struct buf *b, const struct out *o,
			  const struct conv *c, bool reply)
{
	const struct service *s = &services[c->svc];

	b->n = 0;
	if (noise) {
		putopaque(b, rnd_range(40, 1000));
		return;
	}
	switch (s->pay) {
	case PAY_TLS:
		if (reply)
			tls_server_flight(b, c);
		else
			tls_client_hello(b, c);
		break;
	case PAY_SIP:
		if (reply)
			sip_response(b, c, s->proto == P_UDP);
		else
			sip_request(b, c, s->proto == P_UDP);
		break;
	case PAY_XMPP:  xmpp(b, reply); break;
	case PAY_LDAP:  ldap_bind(b, c, reply); break;
	case PAY_PGSQL: pgsql(b, reply); break;
	case PAY_RDP:   rdp(b, reply); break;
	case PAY_HTTP:  http(b, c, reply); break;
	case PAY_DNS:   dns(b, c, reply); break;
	case PAY_NTP:   ntp(b, o, reply); break;
	case PAY_SNMP:  snmp(b, c, reply); break;
	default:        putopaque(b, reply ? rnd_range(40, 400) : rnd_range(40, 200)); break;
	}
}

/* A later segment of n payload bytes (n > 5): TLS records for TLS
   services, opaque bytes for the others. */
static void data_payload(struct buf *b, const struct conv *c, size_t n)
{
	b->n = 0;
	if (services[c->svc].tls_data && !noise)
		tls_app_data(b, n - 5);
	else
		putopaque(b, n);
}

/* ---- conversations ---------------------------------------------------- */

/* Start conversation number id of a service drawn by the weights of mix
   (conc false) or conc. */
static void conv_start(struct out *o, struct conv *c, uint32_t id, bool conc)
{
	uint32_t r = rnd_below(1000), acc = 0;
	size_t i;

	memset(c, 0, sizeof *c);
	for (i = 0; i < N_SERVICES; i++) {
		acc += conc ? services[i].w_conc : services[i].w_mix;
		if (r < acc)
			break;
	}
	if (i == N_SERVICES)
		pkt_die("internal error", "service shares do not add up to 1000");
	if (noise)
		i = rnd_below(N_DOCUMENTED);
	c->id = id;
	c->svc = (uint8_t)i;
	c->server = services[i].server;
	if (c->server == S_PUB && (id & 1))
		c->server = S_SUB;
	c->v6 = rnd_below(10) == 0;
	c->vlan = rnd_below(4) == 0 ? (rnd_below(2) ? 100 : 200) : 0;
	c->seq[0] = (uint32_t)rnd();
	c->seq[1] = (uint32_t)rnd();
	if (!conc && services[i].proto == P_TCP) {
		c->bulk = rnd_below(20) == 0;
		c->left = (uint16_t)(c->bulk ? rnd_range(8, 40) : rnd_range(0, 2));
		if (noise)
			c->left = NOISE_PACKETS;
	}
	o->flows++;
}

/* One data-phase packet of a mix TCP conversation: a pure ACK when one is
   owed (every second full segment, RFC 9293 3.8.6.3), else a segment. */
static void data_step(struct out *o, struct conv *c)
{
	struct buf pl;
	int from;
	size_t n;

	pl.n = 0;
	if (c->ack_due) {
		send_tcp(o, c, c->ack_due - 1, F_ACK, &pl);
		c->ack_due = 0;
		return;
	}
	if (c->bulk) {
		/* Mostly one way: downloads, or replication to the server. */
		int main_side = services[c->svc].client_bulk ? 0 : 1;

		from = rnd_below(8) ? main_side : !main_side;
		n = rnd_below(10) ? rnd_range(1000, PAYLOAD_MAX) : rnd_range(40, 400);
	} else {
		/* Requests and replies: the two sides take turns. */
		from = c->left & 1;
		n = rnd_below(10) < 2 ? rnd_range(1000, PAYLOAD_MAX) : rnd_range(40, 600);
	}
	data_payload(&pl, c, n);
	send_tcp(o, c, from, F_PSH | F_ACK, &pl);
	c->unacked[!from] = 0;              /* the segment carried an ACK */
	if (++c->unacked[from] >= 2) {
		c->unacked[from] = 0;
		c->ack_due = (uint8_t)(!from + 1);
	}
	c->left--;
}

/* The next packet of mix conversation c; true when c is finished. */
static bool conv_step(struct out *o, struct conv *c)
{
	struct buf pl;

	pl.n = 0;
	if (services[c->svc].proto == P_UDP) {
		first_payload(&pl, o, c, c->step & 1);
		send_udp(o, c, c->step & 1, &pl);
		return ++c->step == (noise ? NOISE_PACKETS : 2);
	}
	switch (c->step) {
	case 0: send_tcp(o, c, 0, F_SYN, &pl); break;
	case 1: send_tcp(o, c, 1, F_SYN | F_ACK, &pl); break;
	case 2: send_tcp(o, c, 0, F_ACK, &pl); break;
	case 3:
	case 4:
		first_payload(&pl, o, c, c->step == 4);
		send_tcp(o, c, c->step == 4, F_PSH | F_ACK, &pl);
		break;
	case 5: send_tcp(o, c, 0, F_ACK, &pl); break;
	case 6:
		if (c->left || c->ack_due) {
			data_step(o, c);
			return false;           /* stay on this step */
		}
		send_tcp(o, c, 0, F_FIN | F_ACK, &pl);
		break;
	case 7: send_tcp(o, c, 1, F_FIN | F_ACK, &pl); break;
	default:
		send_tcp(o, c, 0, F_ACK, &pl);
		return true;
	}
	c->step++;
	return false;
}

static void run_mix(struct out *o, uint64_t target, uint32_t window)
{
	struct conv *act = calloc(window, sizeof *act);
	uint32_t n_act, id = 0;

	if (!act)
		pkt_die("out of memory", NULL);
	for (n_act = 0; n_act < window; n_act++)
		conv_start(o, &act[n_act], id++, false);
	while (n_act) {
		uint32_t i = rnd_below(n_act);

		if (!conv_step(o, &act[i]))
			continue;
		if (o->bytes < target)
			conv_start(o, &act[i], id++, false);
		else
			act[i] = act[--n_act];
	}
	free(act);
}

/* Fisher-Yates shuffle of 0..n-1 into perm. */
static void shuffle(uint32_t *perm, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n; i > 1; i--) {
		uint32_t j = rnd_below(i), t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}

static void run_conc(struct out *o, uint64_t flows, uint32_t conc)
{
	struct conv *w = calloc(conc, sizeof *w);
	uint32_t *perm = calloc(conc, sizeof *perm);
	uint64_t done;
	struct buf pl;

	if (!w || !perm)
		pkt_die("out of memory", NULL);
	for (done = 0; done < flows;) {
		uint32_t n = flows - done < conc ? (uint32_t)(flows - done) : conc;
		uint32_t i;

		/* Open each conversation, its first exchange included. */
		for (i = 0; i < n; i++) {
			struct conv *c = &w[i];

			conv_start(o, c, (uint32_t)(done + i), true);
			pl.n = 0;
			send_tcp(o, c, 0, F_SYN, &pl);
			send_tcp(o, c, 1, F_SYN | F_ACK, &pl);
			send_tcp(o, c, 0, F_ACK, &pl);
			first_payload(&pl, o, c, false);
			send_tcp(o, c, 0, F_PSH | F_ACK, &pl);
			first_payload(&pl, o, c, true);
			send_tcp(o, c, 1, F_PSH | F_ACK, &pl);
		}
		/* All n are open: one data segment on each. */
		shuffle(perm, n);
		for (i = 0; i < n; i++) {
			struct conv *c = &w[perm[i]];

			data_payload(&pl, c, rnd_range(100, 600));
			send_tcp(o, c, 0, F_PSH | F_ACK, &pl);
		}
		/* Then close them. The client's last ACK is left out: a run
		   that ends closed flows at once (--timeout-tcp-done 0) would
		   count it as a flow of its own. */
		shuffle(perm, n);
		for (i = 0; i < n; i++) {
			struct conv *c = &w[perm[i]];

			pl.n = 0;
			send_tcp(o, c, 0, F_FIN | F_ACK, &pl);
			send_tcp(o, c, 1, F_FIN | F_ACK, &pl);
		}
		done += n;
	}
	free(perm);
	free(w);
}

/* ---- main ------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: gen_bench mix  [-m MB] [-w WINDOW] [-s SEED] OUT.pcap\n"
		"       gen_bench noise [-m MB] [-w WINDOW] [-s SEED] OUT.pcap\n"
		"       gen_bench conc -c CONCURRENT -f FLOWS [-s SEED] OUT.pcap\n");
	exit(2);
}

/* A whole number in [lo, hi] from an option, or exit. */
static uint64_t num_arg(const char *s, uint64_t lo, uint64_t hi, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi) {
		fprintf(stderr, "gen_bench: bad %s '%s' (%llu to %llu)\n", what, s,
			(unsigned long long)lo, (unsigned long long)hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	uint64_t mb = 400, flows = 0, seed = 7, conc = 0, window = 4096;
	const char *mode;
	struct out o;
	int ch;

	if (argc < 2)
		usage();
	mode = argv[1];
	if (strcmp(mode, "mix") != 0 && strcmp(mode, "conc") != 0 &&
	    strcmp(mode, "noise") != 0)
		usage();
	noise = mode[0] == 'n';
	optind = 2;
	while ((ch = getopt(argc, argv, "m:w:s:c:f:")) != -1) {
		switch (ch) {
		case 'm': mb = num_arg(optarg, 1, 1000000, "size in MB"); break;
		case 'w': window = num_arg(optarg, 1, 1u << 24, "window"); break;
		case 's': seed = num_arg(optarg, 0, UINT64_MAX, "seed"); break;
		case 'c': conc = num_arg(optarg, 1, 1u << 26, "concurrency"); break;
		case 'f': flows = num_arg(optarg, 1, 1u << 30, "flow count"); break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (mode[0] == 'c' && (!conc || !flows))
		usage();
	/* Four-tuples come back after N_CLIENTS4 * N_EPHEMERAL ids; a conc
	   wave must not reuse one that is still open. */
	if (conc > (uint64_t)N_CLIENTS4 * N_EPHEMERAL)
		pkt_die("concurrency above the distinct four-tuples available", NULL);

	memset(&o, 0, sizeof o);
	pkt_prog = "gen_bench";
	rng_state = seed;
	o.now_us = EPOCH_2026 * 1000000u;
	/* mix: 20 us apart on average (50,000 packets/s of packet time, so
	   FIN-closed flows age out of impwatch's table during the run);
	   conc: 10 us. */
	o.step_max_us = mode[0] != 'c' ? 39 : 19;
	pcapout_open(&o.w, argv[optind], DLT_EN10MB, SNAPLEN, false);
	o.bytes = 24;                           /* pcap file header */

	if (mode[0] != 'c')
		run_mix(&o, mb * MB, (uint32_t)window);
	else
		run_conc(&o, flows, (uint32_t)conc);

	pcapout_close(&o.w);
	printf("packets %llu flows %llu bytes %llu\n",
	       (unsigned long long)o.packets, (unsigned long long)o.flows,
	       (unsigned long long)o.bytes);
	return 0;
}
