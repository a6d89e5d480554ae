/*
 * flood.c: a capture of N distinct flows, written to standard output.
 *
 *   flood [-F] [-g US] [-t SEC] N [PORT]
 *
 * A little-endian pcap (microseconds, Ethernet) of N UDP packets, 60 bytes
 * each, one microsecond apart, each the first packet of its own flow: the
 * source address and port change with every packet (10.0.0.0/8 sources,
 * ports 1024 to 61023), the destination is 192.0.2.10:PORT (default 9999).
 * N is at most 16,000,000. The IPv4 checksum is right; the UDP checksum is
 * 0 (none, RFC 768). Standard C only: no libpcap, no Python; the frames
 * are built by the test library (tests/lib/pktbuild.h).
 *
 *   -F      every second packet is instead a later IPv4 fragment (offset
 *           8, more fragments) of a datagram of its own whose first
 *           fragment never comes
 *   -g US   US microseconds from one packet to the next (default 1)
 *   -t SEC  the first packet is stamped SEC seconds after the epoch,
 *           whatever the others say (one stamp far from the rest)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"

#define FRAME 60   /* Ethernet minimum: 14 + 20 + 8 + 18 bytes of pad */

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Packet i: Ethernet, IPv4 from 10.x.y.z, UDP to dst:port, padded. */
static void frame(struct buf *f, unsigned long long i, int frag,
		  unsigned port)
{
	static const uint8_t dst_mac[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t src_mac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t dst[4] = { 192, 0, 2, 10 };
	uint8_t src[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
	struct ipends e = { 4, src, dst };

	f->n = 0;
	eth_hdr(f, dst_mac, src_mac, ET_IPV4);
	/* RFC 791: MF set, offset 1 (8 bytes): a later fragment; its 8
	   bytes of data sit where the UDP header would. */
	ip4_hdr(f, &e, P_UDP, 64, (unsigned)(i & 0xffff), frag ? 0x2001 : 0,
		NULL, 0, 8);
	udp_hdr(f, (unsigned)(1024 + i % 60000), port, 0);
	eth_pad(f);
}

/* A whole number in [0, max] from s, or false. */
static int number(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return 0;
	*v = strtoull(s, &end, 10);
	return !*end && *v <= max;
}

static int usage(void)
{
	fprintf(stderr, "usage: flood [-F] [-g US] [-t SEC] N [PORT]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const uint8_t file_hdr[24] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 1, 0, 0, 0
	};
	static uint8_t buf[1 << 16];
	uint8_t rec[16 + FRAME];
	struct buf f;
	unsigned long long n, i, port = 9999, gap = 1, first = 0, v;
	int frags = 0, a = 1;
	size_t used = 0;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "-F") == 0)
			frags = 1;
		else if (strcmp(argv[a], "-g") == 0 && number(argv[a + 1], 1000000000000ull, &v))
			gap = v, a++;
		else if (strcmp(argv[a], "-t") == 0 && number(argv[a + 1], 0xffffffffull, &v))
			first = v, a++;
		else
			return usage();
	}
	if (argc - a < 1 || argc - a > 2)
		return usage();
	if (!number(argv[a], 16000000ull, &n)) {
		fprintf(stderr, "flood: N must be a number up to 16000000\n");
		return 2;
	}
	if (argc - a == 2 && (!number(argv[a + 1], 65535, &port) || port == 0)) {
		fprintf(stderr, "flood: bad port '%s'\n", argv[a + 1]);
		return 2;
	}
	pkt_prog = "flood";
	if (fwrite(file_hdr, 1, sizeof file_hdr, stdout) != sizeof file_hdr)
		return 1;

	le32(rec + 8, FRAME);
	le32(rec + 12, FRAME);

	for (i = 0; i < n; i++) {
		/* 2026-01-01T00:00:00Z plus i gaps. */
		unsigned long long us = 1767225600000000ull + i * gap;

		if (i == 0 && first)
			us = first * 1000000ull;
		le32(rec, (uint32_t)(us / 1000000u));
		le32(rec + 4, (uint32_t)(us % 1000000u));
		frame(&f, i, frags && (i & 1), (unsigned)port);
		memcpy(rec + 16, f.b, FRAME);
		if (sizeof buf - used < sizeof rec) {
			if (fwrite(buf, 1, used, stdout) != used)
				return 1;
			used = 0;
		}
		memcpy(buf + used, rec, sizeof rec);
		used += sizeof rec;
	}
	if (fwrite(buf, 1, used, stdout) != used || fflush(stdout) != 0)
		return 1;
	return 0;
}
