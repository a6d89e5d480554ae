/*
 * fuzz_pcapng_feed.c: libFuzzer target for the pcapng follower of a pipe
 * (pcapng_feed(), src/pcapng.c).
 *
 * A pipe brings a file in reads of any length; the follower must say the
 * same whatever the cut. The input is a header, then the file:
 *
 *   byte 0        k = byte & 15: how many piece lengths follow
 *   bytes 1..k    the piece lengths, each byte + 1 (1 to 256), in turn
 *   byte k + 1    packets libpcap handed over before it stopped (0-255)
 *   the rest      the file's bytes
 *
 * The file is fed at once, then in pieces of those lengths (1 byte
 * each when k is 0), each through a copy of exactly its length (a read
 * past a piece is an ASan report). Checks, besides no crash: both say
 * the same losses and name the same damaged offset, inside the file;
 * dropped is never less than a count it is made of.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_pcapng_feed: invariant broken: %s\n", what);
	abort();
}

/* file (n bytes) fed in pieces of len[i % k] bytes (k 0: the whole of
   it at once); what it says in *out, and the damaged offset after
   packets packets. */
static uint64_t feed(const uint8_t *file, size_t n, const uint8_t *len,
		     size_t k, uint64_t packets, struct file_drops *out)
{
	struct pcapng_drops *d = pcapng_drops_new();
	size_t at = 0, i = 0, m;
	uint64_t damaged;
	uint8_t *piece;

	if (!d)
		abort();        /* out of memory: no finding */
	pcapng_drops_start(d, 0);
	while (at < n) {
		m = k ? (size_t)len[i++ % k] + 1 : n;
		if (m > n - at)
			m = n - at;
		piece = malloc(m);
		if (!piece)
			abort();
		memcpy(piece, file + at, m);
		pcapng_feed(d, piece, m);
		free(piece);
		at += m;
	}
	damaged = pcapng_damaged_at(d, packets);
	memset(out, 0, sizeof(*out));
	out->read = DROPS_READ;
	pcapng_drops_total(d, out);
	pcapng_drops_free(d);
	return damaged;
}

/* Whether a and b say the same, field by field (not their padding). */
static int same(const struct file_drops *a, const struct file_drops *b)
{
	return a->dropped == b->dropped && a->ifdrop == b->ifdrop &&
	       a->osdrop == b->osdrop && a->between == b->between &&
	       a->isbs == b->isbs && a->malformed == b->malformed &&
	       a->not_known == b->not_known;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t one = 0;   /* a piece of 1 byte */
	struct file_drops whole, cut;
	const uint8_t *len, *file;
	uint64_t at_whole, at_cut, packets;
	size_t k, n;

	if (size < 2)
		return 0;
	k = data[0] & 15u;
	if (size < k + 2)
		return 0;
	len = k ? data + 1 : &one;
	packets = data[k + 1];
	file = data + k + 2;
	n = size - k - 2;

	at_whole = feed(file, n, NULL, 0, packets, &whole);
	at_cut = feed(file, n, len, k ? k : 1, packets, &cut);
	if (at_whole != at_cut)
		broken("a cut file names another damaged offset");
	if (!same(&whole, &cut))
		broken("a cut file says other losses");
	if (at_whole > n)
		broken("a damaged offset past the file's end");
	if (whole.not_known & ~(FD_IFDROP | FD_OSDROP | FD_BETWEEN))
		broken("a count not known that is no count");
	if (whole.dropped < whole.between || whole.dropped < whole.ifdrop ||
	    whole.dropped < whole.osdrop)
		broken("dropped less than a count it is made of");
	return 0;
}
