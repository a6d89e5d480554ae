/*
 * sink.h: where a run's output goes, and the only part of a run that
 * writes it.
 *
 * The sink holds the report (in the format asked for: report.h), the
 * alert file, the evidence pcap (evidence.h), the HTML report (html.h)
 * and its graph (graph.h), and the files they are written to. Workers hand it ended flows, alerts and evidence frames as
 * records (worker.h's struct worker_out, which sink_worker_out() fills),
 * and their counters, which it sums for the summary. SIGHUP reopens its
 * files by name, between two records.
 */
#ifndef IMPWATCH_SINK_H
#define IMPWATCH_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine.h"
#include "evidence.h"
#include "outfile.h"
#include "record.h"
#include "report.h"
#include "worker.h"

struct sink_cfg {
	enum report_format fmt;
	unsigned top;                /* --top */
	bool brief;                  /* --brief: the text report's verdict
	                                line and findings only */
	const char *output;          /* -o FILE; NULL: standard output */
	bool append;                 /* --append: -o FILE is not emptied */
	const char *alert_file;      /* --alert-file FILE, "-": standard
	                                error; NULL: none */
	const char *evidence;        /* --dump-undocumented FILE, or NULL */
	const char *html;            /* --html FILE, or NULL */
	const char *graph;           /* --graph FILE (DOT), or NULL */
	int evidence_dlt;            /* its link type; -1: the first frame's */
	int evidence_snaplen;        /* bytes kept of each evidence frame */
	struct evidence_rotation evidence_rot;   /* --dump-size, --dump-files */
	bool live;                   /* each record written as it is made */
	struct out_stop *stop;       /* the run's stop (outfile.h): the
	                                report, the alert file or the
	                                evidence whose reader takes nothing
	                                is given up SINK_STALL_MS after it
	                                (NULL: waited for as long as it
	                                takes) */
	unsigned workers;            /* workers whose counters it sums */
	const struct run_info *run;  /* names the run on every record; NULL:
	                                none (it must outlive the sink) */
	struct waivers *waivers;     /* --waivers, loaded (waiver.h), or
	                                NULL: the sink's from sink_open() on,
	                                freed by it even when it fails */
};

/*
 * An output that is one of the inputs (by device and inode: another
 * name, a hard link, standard input redirected from it) would be
 * truncated before it is read (a FIFO: the run would wait on itself);
 * two outputs in one file (or one FIFO) would be neither; the rotated
 * evidence files (FILE1, FILE2...) are removed and made anew, so none
 * may be named as an input or another output. 0, or -1 with the reason
 * on err. Before anything is opened.
 */
int sink_check_outputs(const struct sink_cfg *cfg, const char *const *inputs,
		       size_t n_inputs, FILE *err);

/* Open the outputs (the report file 0640 within the umask, the alert
   file for appending, the evidence 0600) and the report; the HTML
   report and the graph, written by their names when the run ends
   (replace.h), are tried (or, a FIFO or a device, opened). NULL with a
   message on err; nothing is left open, nothing written. errno is EINTR then when a signal ended a wait
   for an output FIFO's reader (open_write()): the run stops before it
   starts. e must outlive the sink. */
struct sink *sink_open(const struct engine *e, const struct sink_cfg *cfg,
		       FILE *err);

/* The callbacks a worker hands its records to (alerts: whether alerts
   are written at all). */
void sink_worker_out(struct sink *s, bool alerts, unsigned id,
		     struct worker_out *out);

/*
 * A flow worker's formatter (pipeline.c): it writes a flow record as the
 * report would, into memory, on the worker's own thread, so that the
 * sink's thread only copies the text out (worker_out.flow_text()).
 * Waivers are applied as the sink applies them, but not counted: the
 * sink counts. Made before the worker's thread starts. NULL when the
 * format writes no flow records, or out of memory: the sink then writes
 * them itself.
 */
struct sink_fmt *sink_fmt_new(const struct sink *s);
/* r's record as text, len bytes, valid until the next call; NULL when it
   could not be made (no memory): the caller hands the sink r itself. */
const char *sink_fmt_flow(struct sink_fmt *f, const struct flow_record *r,
			  size_t *len);
void sink_fmt_free(struct sink_fmt *f);

/* SIGHUP: reopen the report file and the alert file by name, as a log
   rotation expects; a file that cannot be reopened is said on err and
   the old one written on. */
void sink_reopen(struct sink *s, FILE *err);

/* The summary's figures the sink has: the workers' counters summed,
   alerts written, the evidence file, the outputs closed so far that
   were not written in full. */
void sink_stats(const struct sink *s, struct run_stats *st);

/* Whether any flow was a finding no waiver in force covers (--validate
   fails); TCP flows judged
   for one-way mirroring, and those seen one way. */
bool sink_has_findings(const struct sink *s);
void sink_one_way(const struct sink *s, uint64_t *judged, uint64_t *one_way);

/* The run's day by the wall clock (days since 1970-01-01, UTC), as it
   moves on during live capture: the waivers are judged by it from now
   on (waivers_set_today()). */
void sink_set_day(struct sink *s, int32_t day);

/* Whether a record failed to reach the report (a pipe whose reader
   went away, a full disk): live capture then ends, as what it would
   write next is lost too. */
bool sink_report_lost(const struct sink *s);

/* An interim report (live --report-every). */
void sink_interim(struct sink *s, const struct run_stats *st);

/* Close the evidence before the summary speaks of it: -1 when any of it
   could not be written (said on sink_open()'s err when it failed). */
int sink_close_evidence(struct sink *s);

/* Close the alert file and write the graph (--graph) before the summary
   and the page speak of the run: -1, with "cannot write FILE: reason" on
   err, when either could not be written in full. */
int sink_close_side(struct sink *s, FILE *err);

/* The HTML report (--html), written before the summary: -1, said on
   err, when it could not be made or written in full (the summary must
   then say the run is an error). It is closed by sink_close(). */
int sink_page(struct sink *s, const struct run_stats *st, FILE *err);

/* Whether the report failed (its summary written: flushed now). */
bool sink_report_failed(struct sink *s);

/* The report failed after the page was written: the page is written
   again with st's verdict (ERROR) where it is a file; -1, said on err,
   when it could not be (a pipe, which was read; a write that failed). */
int sink_page_again(struct sink *s, const struct run_stats *st, FILE *err);

/* The summary, told which outputs closed before it were not written
   (run_stats' out_errors, the page's too: every format names them). */
void sink_summary(struct sink *s, const struct run_stats *st);

/* Flush and close every output: -1, with a message on err naming it,
   when any could not be written in full (the exit status must say so;
   a report, alert file or evidence given up after the stop, its reader
   stalled, says so; alerts on standard error cannot: the status does).
   Frees the sink. */
int sink_close(struct sink *s, FILE *err);

#endif
