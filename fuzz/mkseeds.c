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

int main(int argc, char **argv)
{
	int i, total = 0, n;

	if (argc == 4 && strcmp(argv[1], "--to-pcap") == 0)
		return to_pcap(argv[2], argv[3]);
	if (argc < 2) {
		fprintf(stderr, "usage: mkseeds OUTDIR CAPTURE...\n"
				"       mkseeds --to-pcap INPUT OUT.pcap\n");
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
