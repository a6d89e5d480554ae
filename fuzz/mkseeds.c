/*
 * mkseeds.c: seed inputs for fuzz_decode from real captures.
 *
 *   mkseeds OUTDIR FILE...
 *
 * Reads each capture with libpcap (pcap or pcapng) and writes its frames
 * in the fuzz_decode input format (fuzz/frames.h): up to SEEDS_PER_FILE
 * seeds per capture, each of up to FRAMES_PER_SEED frames and at most
 * SEED_MAX bytes, named after the capture. Captures of a link type
 * impwatch does not decode, or that libpcap cannot open, are skipped with
 * a note. Prints how many seeds it wrote.
 *
 *   mkseeds --to-pcap IN OUT
 *
 * The other way: a fuzz_decode input as a pcap file of its link type, so
 * that a crash the fuzzer found can be kept as a capture under
 * tests/crashes/ and replayed by impwatch itself.
 *
 *   mkseeds --pcapng-feed OUTDIR
 *
 * Seeds for fuzz_pcapng_feed: small pcapng files that record losses in
 * every way pcapng.c reads (statistics blocks, epb_dropcount, a Packet
 * Block's drops_count, counts of all ones: not known), in both byte
 * orders and two sections, whole and cut inside a block, each behind
 * the target's header of piece lengths.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"

#define SEEDS_PER_FILE  4
#define FRAMES_PER_SEED 32
#define SEED_MAX        16384   /* the run's -max_len for fuzz_decode */

static int write_file(const char *path, const uint8_t *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		fprintf(stderr, "mkseeds: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "mkseeds: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Seeds of one capture; the number written, or -1 on a write error. */
static int seeds_of(const char *outdir, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE], out[4096];
	static uint8_t buf[SEED_MAX];
	struct pcap_pkthdr *h;
	const u_char *bytes;
	uint64_t last_us = 0;
	size_t n = 0;
	int seeds = 0, frames = 0, idx, rc;
	pcap_t *p;

	p = pcap_open_offline(path, errbuf);
	if (!p) {
		fprintf(stderr, "mkseeds: skipping %s: %s\n", path, errbuf);
		return 0;
	}
	idx = fuzz_dlt_index(pcap_datalink(p));
	if (idx < 0) {
		fprintf(stderr, "mkseeds: skipping %s: link type %d is not decoded\n",
			path, pcap_datalink(p));
		pcap_close(p);
		return 0;
	}
	buf[n++] = (uint8_t)idx;
	while (seeds < SEEDS_PER_FILE) {
		uint64_t us, dt;
		uint32_t extra;

		rc = pcap_next_ex(p, &h, &bytes);
		if (rc != 1 || frames == FRAMES_PER_SEED ||
		    FUZZ_REC_HDR + h->caplen > sizeof buf - n) {
			/* Flush this seed, then start the next one. */
			if (frames > 0) {
				snprintf(out, sizeof out, "%s/%s.%d", outdir,
					 base_name(path), seeds);
				if (write_file(out, buf, n) != 0) {
					pcap_close(p);
					return -1;
				}
				seeds++;
			}
			n = 1;
			frames = 0;
			if (rc != 1)
				break;
			if (FUZZ_REC_HDR + h->caplen > sizeof buf - n)
				continue;   /* a frame too big for any seed */
		}
		us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		dt = frames == 0 || us < last_us ? 0 : (us - last_us) / FUZZ_DT_US;
		last_us = us;
		extra = h->len > h->caplen ? h->len - h->caplen : 0;
		buf[n++] = (uint8_t)(h->caplen >> 8);
		buf[n++] = (uint8_t)h->caplen;
		buf[n++] = (uint8_t)(dt < FUZZ_DT_BACK ? dt : FUZZ_DT_BACK - 1);
		buf[n++] = (uint8_t)(extra < FUZZ_EXTRA_UNDER ? extra : FUZZ_EXTRA_UNDER - 1);
		memcpy(buf + n, bytes, h->caplen);
		n += h->caplen;
		frames++;
	}
	pcap_close(p);
	return seeds;
}

/* A little-endian pcap file (microseconds) of a fuzz_decode input. */
static int to_pcap(const char *in, const char *out)
{
	static uint8_t data[1 << 20];
	uint64_t ts = 1767225600000000ull;
	size_t size, off = 1;
	pcap_dumper_t *d;
	pcap_t *p;
	FILE *f = fopen(in, "rb");

	if (!f) {
		fprintf(stderr, "mkseeds: cannot open %s: %s\n", in, strerror(errno));
		return 1;
	}
	size = fread(data, 1, sizeof data, f);
	fclose(f);
	if (size < 1) {
		fprintf(stderr, "mkseeds: %s is empty\n", in);
		return 1;
	}
	p = pcap_open_dead(fuzz_dlts[data[0] % FUZZ_N_DLTS], 65535);
	d = p ? pcap_dump_open(p, out) : NULL;
	if (!d) {
		fprintf(stderr, "mkseeds: cannot write %s\n", out);
		return 1;
	}
	/* The same walk as fuzz_decode.c. */
	while (size - off >= FUZZ_REC_HDR) {
		uint32_t len = (uint32_t)data[off] << 8 | data[off + 1];
		uint8_t dt = data[off + 2], extra = data[off + 3];
		struct pcap_pkthdr h;

		off += FUZZ_REC_HDR;
		h.caplen = len < size - off ? len : (uint32_t)(size - off);
		if (dt == FUZZ_DT_BACK)
			ts = ts > FUZZ_BACK_US ? ts - FUZZ_BACK_US : 0;
		else
			ts += (uint64_t)dt * FUZZ_DT_US;
		h.len = extra == FUZZ_EXTRA_UNDER ? (h.caplen ? h.caplen - 1 : 0)
						   : h.caplen + extra;
		h.ts.tv_sec = (time_t)(ts / 1000000u);
		h.ts.tv_usec = (suseconds_t)(ts % 1000000u);
		pcap_dump((u_char *)d, &h, data + off);
		off += h.caplen;
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

/* ---- seeds for fuzz_pcapng_feed ---- */

/* A pcapng built in memory, in one byte order. */
struct png {
	uint8_t b[8192];
	size_t n;
	int be;
};

static void png_u16(struct png *g, uint16_t v)
{
	g->b[g->n++] = (uint8_t)(g->be ? v >> 8 : v);
	g->b[g->n++] = (uint8_t)(g->be ? v : v >> 8);
}

static void png_u32(struct png *g, uint32_t v)
{
	png_u16(g, (uint16_t)(g->be ? v >> 16 : v));
	png_u16(g, (uint16_t)(g->be ? v : v >> 16));
}

static void png_u64(struct png *g, uint64_t v)
{
	png_u32(g, (uint32_t)(g->be ? v >> 32 : v));
	png_u32(g, (uint32_t)(g->be ? v : v >> 32));
}

/* A block's header; png_end() writes its length, when its body is. */
static size_t png_begin(struct png *g, uint32_t type)
{
	size_t at = g->n;

	png_u32(g, type);
	png_u32(g, 0);
	return at;
}

static void png_end(struct png *g, size_t at)
{
	uint32_t len = (uint32_t)(g->n - at + 4);
	size_t n = g->n;

	g->n = at + 4;
	png_u32(g, len);
	g->n = n;
	png_u32(g, len);
}

/* An option of a 64-bit count. */
static void png_count(struct png *g, uint16_t code, uint64_t v)
{
	png_u16(g, code);
	png_u16(g, 8);
	png_u64(g, v);
}

static void png_section(struct png *g)
{
	size_t at = png_begin(g, 0x0A0D0D0Au);

	png_u32(g, 0x1A2B3C4Du);
	png_u16(g, 1);
	png_u16(g, 0);
	png_u64(g, UINT64_MAX);
	png_end(g, at);
	at = png_begin(g, 1);           /* an Ethernet interface */
	png_u16(g, 1);
	png_u16(g, 0);
	png_u32(g, 0);
	png_end(g, at);
}

/* A packet of len bytes (a multiple of 4) in a block of type 6 (with
   epb_dropcount drops when not 0), 2 (drops_count drops) or 3. */
static void png_packet(struct png *g, uint32_t type, uint32_t len,
		       uint64_t drops)
{
	size_t at = png_begin(g, type);
	uint32_t i;

	if (type == 2) {
		png_u16(g, 0);
		png_u16(g, (uint16_t)drops);
	} else if (type == 6) {
		png_u32(g, 0);
	}
	if (type != 3) {
		png_u32(g, 0);
		png_u32(g, 1);
		png_u32(g, len);
	}
	png_u32(g, len);
	for (i = 0; i < len; i++)
		g->b[g->n++] = (uint8_t)(i == 12 ? 0x08 : 0);
	if (type == 6 && drops) {
		png_count(g, 4, drops);
		png_u32(g, 0);
	}
	png_end(g, at);
}

/* Statistics of interface 0: isb_ifdrop, and isb_osdrop when not 0. */
static void png_stats(struct png *g, uint64_t ifdrop, uint64_t osdrop)
{
	size_t at = png_begin(g, 5);

	png_u32(g, 0);
	png_u64(g, 0);
	png_count(g, 5, ifdrop);
	if (osdrop)
		png_count(g, 7, osdrop);
	png_u32(g, 0);
	png_end(g, at);
}

/* One section of every kind of block that records losses. */
static void png_lossy(struct png *g, int be)
{
	g->be = be;
	png_section(g);
	png_stats(g, 5, 2);
	png_packet(g, 6, 60, 3);
	png_packet(g, 2, 60, 4);
	png_packet(g, 3, 60, 0);
	png_packet(g, 6, 300, UINT64_MAX);
	png_stats(g, UINT64_MAX, 9);
	png_packet(g, 2, 60, 0xFFFF);
	png_packet(g, 6, 60, 0);
}

/* file (n bytes) behind each of the target's headers, as NAME-I. */
static int feed_seeds(const char *outdir, const char *name,
		      const uint8_t *file, size_t n)
{
	static const uint8_t heads[][6] = {
		{ 0, 7 },                       /* pieces of 1 byte */
		{ 3, 1, 7, 28, 7 },             /* of 2, 8 and 29 */
		{ 1, 255, 7 },                  /* of 256 */
		{ 4, 0, 3, 11, 63, 2 },         /* and 2 packets handed over */
	};
	static uint8_t buf[sizeof(((struct png *)0)->b) * 2 + 8];
	char path[4096];
	size_t i, k;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		k = (size_t)(heads[i][0] & 15) + 2;
		memcpy(buf, heads[i], k);
		memcpy(buf + k, file, n);
		snprintf(path, sizeof(path), "%s/%s-%zu", outdir, name, i);
		if (write_file(path, buf, k + n) < 0)
			return -1;
	}
	return (int)i;
}

static int pcapng_feed_seeds(const char *outdir)
{
	static struct png g;
	int n = 0, k;

	g.n = 0;
	png_lossy(&g, 0);
	png_lossy(&g, 1);               /* a second section, big-endian */
	if ((k = feed_seeds(outdir, "lossy", g.b, g.n)) < 0)
		return 1;
	n += k;
	if ((k = feed_seeds(outdir, "lossy-cut", g.b, g.n - 30)) < 0)
		return 1;
	n += k;
	g.n = 0;
	png_lossy(&g, 1);
	if ((k = feed_seeds(outdir, "lossy-be", g.b, g.n)) < 0)
		return 1;
	n += k;
	printf("mkseeds: %d seeds for fuzz_pcapng_feed\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	int i, total = 0, n;

	if (argc == 4 && strcmp(argv[1], "--to-pcap") == 0)
		return to_pcap(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "--pcapng-feed") == 0)
		return pcapng_feed_seeds(argv[2]);
	if (argc < 2) {
		fprintf(stderr, "usage: mkseeds OUTDIR CAPTURE...\n"
				"       mkseeds --to-pcap INPUT OUT.pcap\n"
				"       mkseeds --pcapng-feed OUTDIR\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		n = seeds_of(argv[1], argv[i]);
		if (n < 0)
			return 1;
		total += n;
	}
	printf("mkseeds: %d seeds from %d captures\n", total, argc - 2);
	return 0;
}
