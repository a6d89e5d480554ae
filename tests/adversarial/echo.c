/*
 * echo.c: ICMP echo exchanges between 198.51.100.7 and 192.0.2.10 (IPv6:
 * 2001:db8::7 and 2001:db8::10), as ping sends them and as tunnels over
 * ICMP do, written to standard output as a little-endian pcap
 * (microseconds, Ethernet).
 *
 *   echo CASE
 *
 *   ping      20 requests a second apart, each answered 2 ms later with
 *             its identifier, sequence number and data (8 bytes of time,
 *             then Linux ping's pattern 0x10, 0x11...)
 *   ping-late the same, each answered 2.5 s later, the capture starting
 *             after three requests were sent: their replies come first,
 *             the last two after a request was seen (the last two
 *             requests are never answered)
 *   ping-dup  ping with every reply seen twice (ping's "DUP!"), 2 ms
 *             apart (past the duplicate window)
 *   ping-frag 6 requests of 3000 bytes, each in three IPv4 fragments,
 *             each answered with the same three
 *   ping6     ping over ICMPv6 (types 128 and 129)
 *   tunnel    ptunnel's way: requests from the inside, each answered
 *             with the same identifier and sequence number (0xfeff, 0)
 *             and other data, of another length
 *   tunnel-pad the same, each reply's data of its request's length and
 *             first bytes, its last byte not
 *   reseq     replies that return a request's data under sequence
 *             numbers no request had: 4 bytes each way for a tunnel
 *   tunnel6   tunnel over ICMPv6
 *   tunnel-frag tunnel, each message in two IPv4 fragments
 *   replies   replies alone, no request seen (one direction mirrored)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"

#define P_ICMPV6 58

static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac_b[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t c4[4] = { 198, 51, 100, 7 };
static const uint8_t s4[4] = { 192, 0, 2, 10 };
static const uint8_t c6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
static uint64_t t0_us = 1767225600000000ull;     /* 2026-01-01T00:00:00Z */

/* Ping's data for sequence number seq: 8 bytes of time, then its
   pattern; n bytes in all. */
static void ping_data(uint8_t *d, size_t n, unsigned seq)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = i < 8 ? (uint8_t)(seq * 37 + i) : (uint8_t)(0x10 + i - 8);
}

/* An echo message (type, id, seq, n bytes of data) from side a (the
   inside host) or b, over IPv4 or IPv6, at at_us; over IPv4 in nfrag
   fragments of equal size (a multiple of 8 bytes but the last). */
static void echo(int family, bool from_a, unsigned type, unsigned id,
		 unsigned seq, const uint8_t *data, size_t n, unsigned nfrag,
		 uint64_t at_us)
{
	static unsigned ipid = 100;
	const struct ipends e4 = { 4, from_a ? c4 : s4, from_a ? s4 : c4 };
	const struct ipends e6 = { 6, from_a ? c6 : s6, from_a ? s6 : c6 };
	struct buf m = { .n = 0 }, f;
	size_t off, step, len, k;

	if (family == 6) {
		put8(&m, type);
		put8(&m, 0);
		put16(&m, 0);
		put16(&m, id);
		put16(&m, seq);
		putmem(&m, data, n);
		/* The checksum field is at byte 2: l4_csum() puts TCP's
		   at 16 and any other at 6, so it is set here. */
		set16(&m, 2, csum_fold(csum_add(pseudo_sum(&e6, P_ICMPV6, m.n),
						m.b, m.n)));
		f.n = 0;
		eth_hdr(&f, from_a ? mac_b : mac_a, from_a ? mac_a : mac_b,
			ET_IPV6);
		ip6_hdr(&f, &e6, P_ICMPV6, m.n);
		putmem(&f, m.b, m.n);
		pcap_stdout_record(at_us, &f, f.n);
		return;
	}
	icmp4_echo(&m, type, id, seq, data, n);
	step = nfrag > 1 ? (m.n / nfrag + 7) / 8 * 8 : m.n;
	ipid++;
	for (off = 0, k = 0; off < m.n; off += step, k++) {
		len = m.n - off < step ? m.n - off : step;
		f.n = 0;
		eth_hdr(&f, from_a ? mac_b : mac_a, from_a ? mac_a : mac_b,
			ET_IPV4);
		ip4_hdr(&f, &e4, P_ICMP, 64, ipid,
			(unsigned)(off / 8) | (off + len < m.n ? 0x2000u : 0),
			NULL, 0, len);
		putmem(&f, m.b + off, len);
		eth_pad(&f);
		pcap_stdout_record(at_us + k, &f, f.n);
	}
}

/* A request and its reply 2 ms later; the reply twice when dup. */
static void ping(int family, unsigned seq, size_t n, unsigned nfrag,
		 bool dup, uint64_t at_us)
{
	uint8_t d[4000];
	unsigned req = family == 6 ? 128 : 8, rep = family == 6 ? 129 : 0;

	ping_data(d, n, seq);
	echo(family, true, req, 0x1234, seq, d, n, nfrag, at_us);
	echo(family, false, rep, 0x1234, seq, d, n, nfrag, at_us + 2000);
	if (dup)
		echo(family, false, rep, 0x1234, seq, d, n, nfrag, at_us + 4000);
}

/* A tunnel's exchange i: a request with the inside's data and a reply
   with the far end's (pad: of the request's length and first bytes). */
static void tunnel(int family, unsigned i, bool pad, unsigned nfrag,
		   uint64_t at_us)
{
	uint8_t up[200], down[200];
	size_t nu = 120 + i % 40, nd = pad ? nu : 90 + i % 50, k;
	unsigned req = family == 6 ? 128 : 8, rep = family == 6 ? 129 : 0;

	for (k = 0; k < sizeof up; k++) {
		up[k] = (uint8_t)(k < 12 ? 0xd5 + k : i * 7 + k);
		down[k] = (uint8_t)(k < 12 ? 0xd5 + k : i * 11 + k * 3);
	}
	if (pad)
		memcpy(down, up, nu - 1);
	echo(family, true, req, 0xfeff, 0, up, nu, nfrag, at_us);
	echo(family, false, rep, 0xfeff, 0, down, nd, nfrag, at_us + 3000);
}

static int usage(void)
{
	fprintf(stderr, "usage: echo ping | ping-late | ping-dup | ping-frag | "
		"ping6 | tunnel | tunnel-pad | reseq | tunnel6 | "
		"tunnel-frag | replies\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *c = argc == 2 ? argv[1] : "";
	uint64_t s = 1000000u;
	unsigned i;

	pkt_prog = "echo";
	if (strcmp(c, "ping") && strcmp(c, "ping-late") &&
	    strcmp(c, "ping-dup") && strcmp(c, "ping-frag") &&
	    strcmp(c, "ping6") && strcmp(c, "tunnel") &&
	    strcmp(c, "tunnel-pad") && strcmp(c, "reseq") &&
	    strcmp(c, "tunnel6") && strcmp(c, "tunnel-frag") &&
	    strcmp(c, "replies"))
		return usage();
	pcap_stdout_header(65535);
	for (i = 1; i <= 20; i++) {
		uint64_t at = t0_us + i * s;
		uint8_t d[64];

		if (!strcmp(c, "ping")) {
			ping(4, i, 56, 1, false, at);
		} else if (!strcmp(c, "ping-dup")) {
			ping(4, i, 56, 1, true, at);
		} else if (!strcmp(c, "ping6")) {
			ping(6, i, 56, 1, false, at);
		} else if (!strcmp(c, "ping-frag")) {
			if (i <= 6)
				ping(4, i, 3000, 3, false, at);
		} else if (!strcmp(c, "ping-late")) {
			/* Request i at i s, its reply at i + 2.5 s, in
			   the order of time: requests 1 to 3 left out. */
			if (i > 3) {
				ping_data(d, 56, i);
				echo(4, true, 8, 0x1234, i, d, 56, 1, at);
			}
			if (i > 2) {
				ping_data(d, 56, i - 2);
				echo(4, false, 0, 0x1234, i - 2, d, 56, 1,
				     at + 500000u);
			}
		} else if (!strcmp(c, "tunnel") || !strcmp(c, "tunnel-pad")) {
			tunnel(4, i, !strcmp(c, "tunnel-pad"), 1, at);
		} else if (!strcmp(c, "tunnel6")) {
			tunnel(6, i, false, 1, at);
		} else if (!strcmp(c, "tunnel-frag")) {
			tunnel(4, i, false, 2, at);
		} else if (!strcmp(c, "reseq")) {
			ping_data(d, 56, i);
			echo(4, true, 8, 0x1234, i, d, 56, 1, at);
			echo(4, false, 0, 0x1234, 0x8000 + i * 13, d, 56, 1,
			     at + 2000);
		} else {
			ping_data(d, 56, i);
			echo(4, false, 0, 0x1234, i, d, 56, 1, at + 2000);
		}
	}
	return 0;
}
