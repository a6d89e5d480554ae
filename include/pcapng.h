/*
 * pcapng.h: what a pcapng file says of itself that libpcap reads and
 * does not hand over.
 *
 * A capture records its own losses: an Interface Statistics Block per
 * interface (isb_ifdrop, isb_osdrop; counters since the capture began,
 * written at its end and possibly before) and an Enhanced Packet Block's
 * epb_dropcount (lost since the packet before). libpcap 1.10 reads these
 * blocks and gives nothing of them, so capture.c hands this module the
 * spans of the file that held more than their packets' blocks alone,
 * and the blocks in them are walked again here, by their lengths, with
 * pread(): only a file on disk, never a pipe. The same walk finds where
 * a damaged block starts. Every byte is read through the cursor;
 * nothing here exits or fails on the file's bytes: a block or option
 * not understood is counted and left out (libpcap already took the
 * block).
 */
#ifndef IMPWATCH_PCAPNG_H
#define IMPWATCH_PCAPNG_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"

/* The losses read so far from one file, and the buffer spans are read
   into; one per reader of files. */
struct pcapng_drops;

/* NULL when out of memory. */
struct pcapng_drops *pcapng_drops_new(void);
void pcapng_drops_free(struct pcapng_drops *d);

/* A new file, whose words are big-endian when be (its section header's
   byte order): nothing read yet. */
void pcapng_drops_start(struct pcapng_drops *d, bool be);

/*
 * Walk the blocks of descriptor fd from byte from to byte end, each by
 * the length its header gives (at least 12 bytes, a multiple of 4:
 * draft-ietf-opsawg-pcapng, 3.1), reading the losses of each statistics
 * and packet block into d (NULL: only walk). A block must end by limit
 * (end, or end - 1 when the block that reaches end is to be left out).
 * Returns where the walk stopped: end, or the first block that does not
 * end by limit, whose header is cut, or whose length is no block's.
 */
long pcapng_walk(struct pcapng_drops *d, int fd, bool be, long from,
		 long end, long limit);

/*
 * The smallest span one packet block takes alone, for a packet of caplen
 * bytes: a span longer than that held other blocks, or the packet's
 * options, and is worth a walk; no other is.
 */
long pcapng_packet_span(uint32_t caplen);

/* What the file said, added up over its interfaces, into out (its read
   state left as it was). */
void pcapng_drops_total(const struct pcapng_drops *d, struct file_drops *out);

#endif
