/*
 * capture.h: reading packets through libpcap.
 *
 * Offline: pcap (micro- and nanosecond, either byte order) and pcapng,
 * from a file or standard input ("-"); libpcap does the reading, and a
 * BPF filter when one is given. The callback sees each record as libpcap
 * returns it; its bytes are valid only during the call.
 */
#ifndef IMPWATCH_CAPTURE_H
#define IMPWATCH_CAPTURE_H

#include <signal.h>
#include <stdint.h>

#include "report.h"

typedef void (*packet_fn)(void *ctx, int dlt, uint64_t ts_us,
			  const uint8_t *bytes, uint32_t caplen,
			  uint32_t wire_len);

/* Called now and then during a long read, for the progress line:
   done and total are bytes of the file (total 0 when unknown). */
typedef void (*progress_fn)(void *ctx, uint64_t done, uint64_t total);

/*
 * Read every record of one capture file. fs->name must be set; the rest
 * of *fs is filled in. Returns 0 when the file was read to its end, -1
 * when it could not be opened, has a link type impwatch does not decode,
 * or ended in a damaged record: fs->error then says why (and where, in
 * fs->stop_offset, when the position is known). Stops early, returning 0,
 * when *stop becomes non-zero.
 */
int capture_read_file(struct file_stat *fs, const char *filter,
		      packet_fn on_packet, progress_fn on_progress, void *ctx,
		      volatile sig_atomic_t *stop);

#endif
