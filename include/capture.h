/*
 * capture.h: reading packets through libpcap.
 *
 * Offline: pcap (micro- and nanosecond, either byte order) and pcapng,
 * from a file or standard input ("-"); libpcap does the reading, and a
 * BPF filter when one is given. The callback sees each record as libpcap
 * returns it; its bytes are valid only during the call. A pcapng file's
 * record of its own losses, which libpcap does not hand over, is read
 * (pcapng.h) into the file's stats: again from a file on disk, and on
 * its way to libpcap from a pipe, which cannot be read twice.
 */
#ifndef IMPWATCH_CAPTURE_H
#define IMPWATCH_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "report.h"

typedef void (*packet_fn)(void *ctx, int dlt, uint64_t ts_us,
			  const uint8_t *bytes, uint32_t caplen,
			  uint32_t wire_len);

/* Called now and then during a long read, for the progress line:
   done and total are bytes of the file (total 0 when unknown). */
typedef void (*progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* What reading files keeps from one file to the next: the stdio buffers
   the files are read through (capture.c says why). One per reader of
   files; NULL when out of memory. */
struct file_reader;
struct file_reader *file_reader_new(void);
void file_reader_free(struct file_reader *rd);
/* The buffer rd reads each file through (for tests: it starts on a
   page, capture.c says why). */
const void *file_reader_buffer(const struct file_reader *rd);

/*
 * Read every record of one capture file through reader rd. fs->name must
 * be set; the rest of *fs is filled in. Returns 0 when the file was read
 * to its end (fs->state FILE_COMPLETE), -1 when it could not be opened,
 * has a link type impwatch does not decode, or ended in a damaged record
 * (FILE_ERROR: fs->error says why, and where, in fs->stop_offset: the
 * byte offset in the file, or, through a pipe, from where the capture
 * began in it). fs->drops: what a pcapng says it lost, in the part read,
 * from a file on disk or a pipe alike. Stops early, returning 0 with
 * FILE_INTERRUPTED, when *stop becomes non-zero.
 */
int capture_read_file(struct file_reader *rd, struct file_stat *fs,
		      const char *filter,
		      packet_fn on_packet, progress_fn on_progress, void *ctx,
		      volatile sig_atomic_t *stop);

/*
 * Whether -f's filter compiles for input name (a file, "-" standard
 * input), before anything is read or written. A regular file (standard
 * input redirected from one too): for its own link type, from its
 * header, the file left where it was. Anything else (a pipe, a FIFO)
 * cannot be read twice: for some link type impwatch decodes, one of
 * which it must have; its own is checked when it is read. 0 too when
 * the file cannot be opened or has a link type impwatch does not decode
 * (the read says so); -1 with err set ("bad filter 'F': why") when the
 * filter does not compile.
 */
int capture_check_filter(const char *name, const char *filter, char *err,
			 size_t errlen);

/* From a signal handler, after *stop was set: a read waiting on a pipe,
   FIFO or terminal returns at once (capture.c says how). */
void capture_interrupt(void);

/* ---- live capture ------------------------------------------------------ */

struct live_opts {
	const char *iface;      /* -i; "any" for every interface */
	const char *filter;     /* -f BPF, or NULL */
	int snaplen;            /* --snaplen */
	bool promisc;           /* on unless --no-promisc */
	int buffer_kib;         /* --buffer-size, KiB */
};

struct live;

/*
 * Open and activate the interface (the block ring, LIVE_BLOCK_MS block
 * timeout, non-blocking reads) and set the filter. NULL with one line in
 * err naming the cause: no such interface, permission denied, bad
 * filter...
 */
struct live *live_open(const struct live_opts *o, char *err, size_t errlen);

/* The link type of the capture. */
int live_datalink(const struct live *lv);

/* The interface's index, whatever name opened it (an alternative name
   too); 0 for "any". */
unsigned live_ifindex(const struct live *lv);

/*
 * Wait until packets may be ready, at most timeout_ms (less when libpcap
 * requires it), or until a signal comes. Never reads: live_dispatch()
 * does. Returns 0, or -1 with err set when the descriptor cannot be
 * polled.
 */
int live_wait(struct live *lv, int timeout_ms, char *err, size_t errlen);
/* The same for n captures (at most LIVE_IFACES_MAX): until any may have
   packets. */
int live_wait_all(struct live *const *lv, size_t n, int timeout_ms, char *err,
		  size_t errlen);

/*
 * Hand the packets ready now, at most max (0: LIVE_BATCH), to on_packet,
 * without waiting. Returns the number handled (0: none ready), -1 with
 * err set on a capture error.
 */
int live_dispatch(struct live *lv, uint64_t max, packet_fn on_packet,
		  void *ctx, char *err, size_t errlen);

/* What live_link() saw of the interface. */
enum live_link {
	LIVE_LINK_SAME = 0,     /* no change */
	LIVE_LINK_DOWN,         /* it went down (or lost its carrier) */
	LIVE_LINK_BACK,         /* it is up again */
	LIVE_LINK_BOUNCED,      /* up at both looks, but its carrier went
	                           and came back in between (counted down) */
	LIVE_LINK_GONE          /* it no longer exists: err says so */
};

/*
 * Look at the interface's state (at most every LIVE_LINK_CHECK_MS, and
 * at once after the capture socket reported an error). A down interface
 * is counted, and so is a bounce between two looks that the kernel's
 * count of carrier changes shows; the capture resumes by itself when it
 * is back. Interfaces whose state cannot be asked ("any") are never
 * down.
 */
enum live_link live_link(struct live *lv, char *err, size_t errlen);

/* libpcap's received and dropped counters, in 64 bits (its own are 32
   and wrap: live_dispatch() reads them often enough to count each
   wrap), and the interface's down periods; -1 when libpcap cannot say
   now (st then has the counters of its last reading). */
int live_counters(struct live *lv, struct live_stats *st);

void live_close(struct live *lv);

/*
 * -Z USER: become USER (its groups, gid, uid) after the capture is open,
 * as tcpdump does. -1 with err set when any step fails or root is kept:
 * impwatch then refuses to go on.
 */
int drop_privileges(const char *user, char *err, size_t errlen);

#endif
