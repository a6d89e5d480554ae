/*
 * pcapout.c: pcap files of generated frames (pcapout.h).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE            /* u_char and friends for pcap.h */
#endif

#include "pcapout.h"
#include "pktbuild.h"

#include <errno.h>
#include <string.h>

#include <pcap/pcap.h>

#define NS_PER_S 1000000000ull

static void set_path(struct pcapout *w, const char *path)
{
	memset(w, 0, sizeof *w);
	if ((size_t)snprintf(w->path, sizeof w->path, "%s", path) >=
	    sizeof w->path)
		pkt_die("output path too long", path);
}

/* A large stdio buffer: the benchmark's captures are hundreds of MB. */
static FILE *open_file(const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		pkt_die(path, strerror(errno));
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

void pcapout_open(struct pcapout *w, const char *path, int dlt,
		  unsigned snaplen, bool nsec)
{
	set_path(w, path);
	w->nsec = nsec;
	w->snaplen = snaplen;
	w->pd = pcap_open_dead_with_tstamp_precision(dlt, (int)snaplen,
		nsec ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (!w->pd)
		pkt_die("pcap_open_dead failed", path);
	w->f = open_file(path);
	w->d = pcap_dump_fopen(w->pd, w->f);
	if (!w->d)
		pkt_die(path, pcap_geterr(w->pd));
}

static bool host_is_le(void)
{
	uint16_t one = 1;
	uint8_t b[2];

	memcpy(b, &one, 2);
	return b[0] == 1;
}

/* v in size bytes, in the byte order opposite to the host's. */
static void put_swapped(struct pcapout *w, uint32_t v, unsigned size)
{
	uint8_t b[4];
	unsigned i;

	for (i = 0; i < size; i++) {
		unsigned shift = host_is_le() ? 8 * (size - 1 - i) : 8 * i;

		b[i] = (uint8_t)(v >> shift);
	}
	if (fwrite(b, 1, size, w->f) != size)
		pkt_die("write failed", w->path);
}

void pcapout_open_swapped(struct pcapout *w, const char *path,
			  uint32_t linktype, unsigned snaplen)
{
	set_path(w, path);
	w->swapped = true;
	w->snaplen = snaplen;
	w->f = open_file(path);
	put_swapped(w, 0xa1b2c3d4u, 4);         /* magic, microseconds */
	put_swapped(w, 2, 2);                   /* version 2.4 */
	put_swapped(w, 4, 2);
	put_swapped(w, 0, 4);                   /* thiszone */
	put_swapped(w, 0, 4);                   /* sigfigs */
	put_swapped(w, snaplen, 4);
	put_swapped(w, linktype, 4);
}

size_t pcapout_write(struct pcapout *w, uint64_t t_ns, const uint8_t *p,
		     size_t len, size_t caplen)
{
	uint32_t sec = (uint32_t)(t_ns / NS_PER_S);
	uint32_t frac = w->nsec ? (uint32_t)(t_ns % NS_PER_S)
				: (uint32_t)(t_ns % NS_PER_S / 1000);

	if (caplen > w->snaplen)
		caplen = w->snaplen;
	if (w->swapped) {
		put_swapped(w, sec, 4);
		put_swapped(w, frac, 4);
		put_swapped(w, (uint32_t)caplen, 4);
		put_swapped(w, (uint32_t)len, 4);
		if (caplen && fwrite(p, 1, caplen, w->f) != caplen)
			pkt_die("write failed", w->path);
	} else {
		struct pcap_pkthdr h;

		memset(&h, 0, sizeof h);
		h.ts.tv_sec = (time_t)sec;
		h.ts.tv_usec = (suseconds_t)frac;
		h.caplen = (bpf_u_int32)caplen;
		h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)w->d, &h, p);
	}
	return caplen;
}

void pcapout_close(struct pcapout *w)
{
	bool failed;

	if (w->d) {
		failed = pcap_dump_flush(w->d) != 0 || ferror(w->f);
		pcap_dump_close(w->d);          /* closes w->f */
		pcap_close(w->pd);
	} else {
		failed = ferror(w->f) != 0;
		failed = fclose(w->f) != 0 || failed;
	}
	w->d = NULL;
	w->pd = NULL;
	w->f = NULL;
	if (failed)
		pkt_die("write failed", w->path);
}
