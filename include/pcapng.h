/*
 * pcapng.h: what a pcapng file says of itself that libpcap reads and
 * does not hand over.
 *
 * A capture records its own losses: an Interface Statistics Block per
 * interface (isb_ifdrop, isb_osdrop; counters since the capture began,
 * written at its end and possibly before), an Enhanced Packet Block's
 * epb_dropcount and the obsolete Packet Block's drops_count (lost since
 * the packet before). libpcap 1.10 reads these blocks and gives nothing
 * of them, so they are read here, by their lengths, in one of two ways
 * (capture.c chooses). A file on disk: capture.c hands over the spans
 * of the file that held more than their packets' blocks alone, and the
 * blocks in them are walked again with pread() (pcapng_walk()). A pipe,
 * which cannot be read twice: capture.c hands over every byte libpcap
 * reads, in the order it reads them, and the blocks are followed as the
 * bytes come (pcapng_feed()). Either way says where a damaged block
 * starts. Every byte is read through the cursor; nothing here exits or
 * fails on the file's bytes: a block or option not understood is
 * counted and left out (libpcap decides what the file is).
 */
#ifndef IMPWATCH_PCAPNG_H
#define IMPWATCH_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* The losses read so far from one file and the block being read; one
   per reader of files. */
struct pcapng_drops;

/* NULL when out of memory. */
struct pcapng_drops *pcapng_drops_new(void);
void pcapng_drops_free(struct pcapng_drops *d);

/* A new file, whose first byte is at offset at: nothing read yet. */
void pcapng_drops_start(struct pcapng_drops *d, uint64_t at);

/* ---- a file on disk ---- */

/*
 * Walk the blocks of descriptor fd from byte from to byte end, each by
 * the length its header gives (at least 12 bytes, a multiple of 4:
 * draft-ietf-opsawg-pcapng, 3.1), reading the losses of each statistics
 * and packet block into d; be: the section's words are big-endian (its
 * header's byte order). A block must end by limit (end, or end - 1 when
 * the block that reaches end is to be left out). Returns where the walk
 * stopped: end, or the first block that does not end by limit, whose
 * header is cut, or whose length is no block's.
 */
long pcapng_walk(struct pcapng_drops *d, int fd, bool be, long from,
		 long end, long limit);

/*
 * The smallest span one packet block takes alone, for a packet of caplen
 * bytes: a span longer than that held other blocks, or the packet's
 * options, and is worth a walk; no other is.
 */
long pcapng_packet_span(uint32_t caplen);

/* Whether a walk met an obsolete Packet Block, whose losses are in its
   fixed part, its span the least: every span is then worth a walk. */
bool pcapng_walk_every(const struct pcapng_drops *d);

/* ---- a pipe ---- */

/* The next n bytes of the file, as libpcap read them, from the file's
   first (a file that does not begin with a section header is no
   pcapng, and is not followed). A block that the n bytes hold whole,
   and more, is read where it is; one cut between two feeds, or that
   they end with, by the parts of it that count, kept. */
void pcapng_feed(struct pcapng_drops *d, const uint8_t *p, size_t n);

/*
 * libpcap refused the file after handing over packets packets, every
 * byte it read fed: where the damaged block starts. That is the block
 * it was reading, or, when it refused a block it had read whole (one
 * whose packet it did not hand over, or any other block), that block,
 * whose losses are then left out.
 */
uint64_t pcapng_damaged_at(struct pcapng_drops *d, uint64_t packets);

/* ---- either ---- */

/* What the file said, added up over its interfaces, into out; the last
   block read whole counted too. */
void pcapng_drops_total(struct pcapng_drops *d, struct file_drops *out);

#endif
