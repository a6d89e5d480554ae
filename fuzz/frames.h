/*
 * frames.h: the input format of the decoder fuzz target, shared by the
 * target (fuzz_decode.c) and the seed builder (mkseeds.c).
 *
 * An input is one selector byte, then records until the bytes run out:
 *
 *   byte 0          link type: fuzz_dlts[b % FUZZ_N_DLTS]
 *   per record      len (2 bytes, big-endian), dt (1 byte), extra (1 byte),
 *                   then len bytes of frame (fewer when the input ends)
 *
 * dt advances packet time by dt quarter-seconds, so a run reaches every
 * timeout of the small limits the target uses; 255 steps it back ten
 * seconds instead (merged captures run backwards). extra makes the wire
 * length: caplen + extra, except 255, which claims one byte less than was
 * captured (caplen larger than the wire length).
 *
 * Several frames per input let one run build flow and fragment state
 * (evictions, out-of-order fragments, port reuse) that a single frame
 * cannot reach.
 */
#ifndef IMPWATCH_FUZZ_FRAMES_H
#define IMPWATCH_FUZZ_FRAMES_H

#include <stdint.h>

/* Every link type decode_link_supported() accepts (decode_link.c), and
   one it does not (147, a user DLT) for the unsupported-link path. */
static const int fuzz_dlts[] = {
	0,    /* DLT_NULL */
	1,    /* DLT_EN10MB */
	12,   /* DLT_RAW */
	14,   /* DLT_RAW on OpenBSD */
	108,  /* DLT_LOOP */
	113,  /* DLT_LINUX_SLL */
	228,  /* DLT_IPV4 */
	229,  /* DLT_IPV6 */
	239,  /* DLT_NFLOG */
	276,  /* DLT_LINUX_SLL2 */
	147,  /* DLT_USER0: not decoded */
};

#define FUZZ_N_DLTS (sizeof fuzz_dlts / sizeof fuzz_dlts[0])

#define FUZZ_REC_HDR 4          /* len 2, dt 1, extra 1 */
#define FUZZ_DT_US   250000u    /* one dt step */
#define FUZZ_DT_BACK 255        /* time steps back FUZZ_BACK_US */
#define FUZZ_BACK_US 10000000u
#define FUZZ_EXTRA_UNDER 255    /* wire length = caplen - 1 */

/* Index of dlt in fuzz_dlts, or -1. */
static inline int fuzz_dlt_index(int dlt)
{
	unsigned i;

	for (i = 0; i < FUZZ_N_DLTS; i++)
		if (fuzz_dlts[i] == dlt)
			return (int)i;
	return -1;
}

#endif
