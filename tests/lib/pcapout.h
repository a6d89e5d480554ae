/*
 * pcapout.h: a classic pcap file (pcap-savefile(5)) of generated frames,
 * written through libpcap's dump API, or by hand in the byte order
 * opposite to the host's (libpcap only writes the host's). Any error
 * stops the program (pkt_die()).
 */
#ifndef IMPWATCH_TESTS_PCAPOUT_H
#define IMPWATCH_TESTS_PCAPOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcap;
struct pcap_dumper;

struct pcapout {
	char path[1024];
	struct pcap *pd;
	struct pcap_dumper *d;
	FILE *f;
	bool nsec;                 /* nanosecond stamps, else microseconds */
	bool swapped;              /* written by hand, byte-swapped */
	unsigned snaplen;
};

/* Create path for link type dlt (a DLT_ value). */
void pcapout_open(struct pcapout *w, const char *path, int dlt,
		  unsigned snaplen, bool nsec);
/* The same, byte-swapped, microseconds; linktype is a LINKTYPE_ value. */
void pcapout_open_swapped(struct pcapout *w, const char *path,
			  uint32_t linktype, unsigned snaplen);
/* One record stamped t_ns (nanoseconds since 1970) of len wire bytes of
   which caplen were captured, cut to the snap length: the caplen
   written. */
size_t pcapout_write(struct pcapout *w, uint64_t t_ns, const uint8_t *p,
		     size_t len, size_t caplen);
/* Flush and close; a write that failed on the way stops the program. */
void pcapout_close(struct pcapout *w);

#endif
