/*
 * evidence.h: the frames of findings, kept in a pcap file
 * (--dump-undocumented): evidence for whoever owns the firewall.
 *
 * Evidence holds what crossed the wire, passwords and messages included:
 * the file is created mode 0600 within the umask. Each frame keeps its
 * first snaplen bytes and its length on the wire. One link type per
 * file: frames of another are counted and left out. The first write that
 * fails (a full disk) ends the dump, and the file then claims no frame.
 */
#ifndef IMPWATCH_EVIDENCE_H
#define IMPWATCH_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

struct evidence;

/* Create path now (so that one that cannot be written fails before any
   reading); its link type is dlt, or with dlt -1 that of the first
   frame. NULL with "cannot write PATH: reason" on err. */
struct evidence *evidence_open(const char *path, int dlt, int snaplen,
			       FILE *err);

/* Keep one frame. */
void evidence_frame(struct evidence *ev, const struct frame_record *fr);

/*
 * Flush and close the file (with no frame at all, still a valid empty
 * capture, of link type fallback_dlt, Ethernet when -1): 0, or -1 with
 * "cannot write PATH: reason" on err when any of it could not be written
 * (then it claims none of its frames). Before the summary speaks of it.
 */
int evidence_close(struct evidence *ev, int fallback_dlt, FILE *err);

/* What the summary says of it: its path, the frames written (0 when it
   could not be written in full), those of another link type left out,
   and why it was not written (NULL when it was). */
const char *evidence_path(const struct evidence *ev);
uint64_t evidence_frames(const struct evidence *ev);
uint64_t evidence_skipped(const struct evidence *ev);
const char *evidence_error(const struct evidence *ev);

void evidence_free(struct evidence *ev);   /* closes it too; NULL ignored */

#endif
