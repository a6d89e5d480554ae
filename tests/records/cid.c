/*
 * cid.c: the Community ID of each tuple read from standard input, through
 * impwatch's community_id(), one per line: the C side of run.sh's
 * comparison with community_id.py. Input lines are
 *
 *     SEED PROTO SADDR DADDR SPORT DPORT
 *
 * (ICMP type and code as ports for protocols 1 and 58). Exit 0, or 1 on
 * a line it cannot read.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "community_id.h"

/* addr as decode.h keeps it; the family (4 or 6), or 0 when unreadable. */
static int parse_addr(const char *s, struct ip_addr *a)
{
	memset(a, 0, sizeof *a);
	if (strchr(s, ':'))
		return inet_pton(AF_INET6, s, a->b) == 1 ? 6 : 0;
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	return inet_pton(AF_INET, s, a->b + 12) == 1 ? 4 : 0;
}

int main(void)
{
	char line[512], sa[128], da[128], id[COMMUNITY_ID_LEN];
	unsigned seed, proto, sport, dport;
	unsigned long n = 0;

	while (fgets(line, sizeof line, stdin)) {
		struct ip_addr s, d;
		int fs, fd;

		n++;
		if (sscanf(line, "%u %u %127s %127s %u %u", &seed, &proto, sa, da,
			   &sport, &dport) != 6 || seed > 65535 || proto > 255 ||
		    sport > 65535 || dport > 65535) {
			fprintf(stderr, "cid: line %lu: cannot read it\n", n);
			return 1;
		}
		fs = parse_addr(sa, &s);
		fd = parse_addr(da, &d);
		if (fs == 0 || fs != fd) {
			fprintf(stderr, "cid: line %lu: bad addresses\n", n);
			return 1;
		}
		if (community_id((uint16_t)seed, (uint8_t)fs, (uint8_t)proto, &s, &d,
				 (uint16_t)sport, (uint16_t)dport, id) != 0) {
			fprintf(stderr, "cid: line %lu: no ID\n", n);
			return 1;
		}
		puts(id);
	}
	return 0;
}
