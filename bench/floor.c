/*
 * floor.c: the benchmark's floor: libpcap's read loop and nothing else.
 *
 *   floor [-d] FILE
 *
 * Reads every record of a capture with pcap_next_ex(), as impwatch does,
 * and touches each packet: sums its first and last captured byte and its
 * lengths, so the data is really fetched and the loop cannot be optimised
 * away. The file is opened as impwatch opens it: with fopen() and a
 * 256 KiB stdio buffer handed to pcap_fopen_offline(). No program that
 * reads the file through libpcap can be much faster; impwatch's
 * throughput is measured against this one's.
 *
 * -d opens the file with pcap_open_offline() instead, behind stdio's
 * default buffer (one file system block), as most libpcap programs do:
 * for comparison only.
 *
 * Prints "packets N bytes N sum N"; exits 2 when the file cannot be read.
 */
#define _DEFAULT_SOURCE         /* u_char and friends for pcap.h */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

static char buffer[1 << 18];

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *name;
	int plain = 0;
	FILE *fp;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, bytes = 0, sum = 0;
	pcap_t *p;
	int rc;

	if (argc == 3 && strcmp(argv[1], "-d") == 0)
		plain = 1;
	else if (argc != 2) {
		fprintf(stderr, "usage: floor [-d] FILE\n");
		return 2;
	}
	name = argv[argc - 1];
	if (plain) {
		p = pcap_open_offline(name, errbuf);
	} else {
		fp = fopen(name, "rb");
		if (!fp) {
			perror(name);
			return 2;
		}
		setvbuf(fp, buffer, _IOFBF, sizeof buffer);
		p = pcap_fopen_offline(fp, errbuf);
		if (!p)
			fclose(fp);
	}
	if (!p) {
		fprintf(stderr, "floor: %s\n", errbuf);
		return 2;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->len;
		if (h->caplen)
			sum += (uint64_t)data[0] + data[h->caplen - 1] + h->caplen;
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "floor: %s: %s\n", name, pcap_geterr(p));
		pcap_close(p);
		return 2;
	}
	pcap_close(p);
	printf("packets %llu bytes %llu sum %llu\n", (unsigned long long)packets,
	       (unsigned long long)bytes, (unsigned long long)sum);
	return 0;
}
