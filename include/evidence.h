/*
 * evidence.h: the frames of findings, kept in a pcap file
 * (--dump-undocumented): evidence for whoever owns the firewall.
 *
 * Evidence holds what crossed the wire, passwords and messages included:
 * each file is created mode 0600 within the umask. Each frame keeps its
 * first snaplen bytes and its length on the wire. One link type per
 * file: frames of another are counted and left out. The first write that
 * fails (a full disk) ends the dump, and the files then claim no frame.
 *
 * Rotation (--dump-size, --dump-files), as tcpdump's -C and -W: when the
 * next frame would take the file past max_bytes, the file is closed and
 * the next one started, each a whole pcap file of its own. They are
 * named as tcpdump -C names them: FILE, then FILE1, FILE2...; with
 * max_files N, after FILE(N-1) comes FILE again: the oldest file is
 * removed and started anew, so at most N files are ever kept.
 */
#ifndef IMPWATCH_EVIDENCE_H
#define IMPWATCH_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "outfile.h"
#include "record.h"

struct evidence;

/* One MB of --dump-size: a million bytes, as tcpdump's -C counts. */
#define EVIDENCE_MB 1000000u

/* How the evidence rotates: max_bytes 0, one file without a bound;
   max_files 0, no bound on their number. */
struct evidence_rotation {
	uint64_t max_bytes;
	unsigned max_files;
};

/* Create path now (so that one that cannot be written fails before any
   reading); its link type is dlt, or with dlt -1 that of the first
   frame. A write that fails later is said on err as it happens
   ("cannot write PATH: reason"), and nothing more is written; a FIFO
   whose reader takes nothing is waited for, SINK_STALL_MS at most after
   stop (outfile.h; NULL: for as long as it takes). NULL with
   "cannot write PATH: reason" on err; or, when a
   signal ended a wait for a FIFO's reader (open_write()), with errno
   EINTR and nothing said: the caller says the run stopped. */
struct evidence *evidence_open(const char *path, int dlt, int snaplen,
			       const struct evidence_rotation *rot,
			       struct out_stop *stop, FILE *err);

/* Keep one frame. */
void evidence_frame(struct evidence *ev, const struct frame_record *fr);

/*
 * Flush and close the file (with no frame at all, still a valid empty
 * capture, of link type fallback_dlt, Ethernet when -1): 0, or -1 when
 * any of it could not be written ("cannot write PATH: reason" said on
 * evidence_open()'s err then; it claims none of its frames). Before the
 * summary speaks of it.
 */
int evidence_close(struct evidence *ev, int fallback_dlt);

/* What the summary says of it: its path, the frames written (0 when it
   could not be written in full), those of another link type left out,
   and why it was not written (NULL when it was). */
const char *evidence_path(const struct evidence *ev);
uint64_t evidence_frames(const struct evidence *ev);
uint64_t evidence_skipped(const struct evidence *ev);
const char *evidence_error(const struct evidence *ev);

/* With rotation: the files started, those still kept (at most
   max_files), the frames they hold (0 when a write failed) and the name
   of the newest. */
uint64_t evidence_files(const struct evidence *ev);
uint64_t evidence_files_kept(const struct evidence *ev);
uint64_t evidence_frames_kept(const struct evidence *ev);
const char *evidence_newest(const struct evidence *ev);

void evidence_free(struct evidence *ev);   /* closes it too; NULL ignored */

#endif
