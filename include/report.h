/*
 * report.h: what impwatch says about a run.
 *
 * Flow records are written as flows end (JSON lines or CSV rows); every
 * format aggregates the flows into per-service and per-port totals and the
 * largest flows of each finding, written once as the summary. The report
 * owns its aggregates; the output stream is the caller's.
 */
#ifndef IMPWATCH_REPORT_H
#define IMPWATCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "decode.h"
#include "dpi.h"
#include "flow.h"
#include "gate.h"
#include "record.h"
#include "runinfo.h"
#include "worker.h"

/*
 * The formats of a report, X(id, --format name, writer): the one place a
 * format is registered. Its writer (report_int.h) is a table of
 * callbacks in a file of its own; nothing else asks which format is on.
 */
#define REPORT_FORMATS(X) \
	X(FMT_TEXT, "text", report_text_writer) \
	X(FMT_JSON, "json", report_json_writer) \
	X(FMT_CSV, "csv", report_csv_writer) \
	X(FMT_ECS, "ecs", report_ecs_writer)

enum report_format {
#define REPORT_FORMAT_ENUM(id, name, writer) id,
	REPORT_FORMATS(REPORT_FORMAT_ENUM)
#undef REPORT_FORMAT_ENUM
	FMT_COUNT
};

/* The format of --format NAME; false when there is none of that name. */
bool report_format_parse(const char *name, enum report_format *fmt);

/* Whether the format's records show a flow's Community ID: a SHA-1 per
   flow, which a run makes only when its report shows it. */
bool report_format_community_id(enum report_format fmt);

/* How far an input file was read. */
enum file_state {
	FILE_UNREAD = 0,        /* never opened: the run was stopped first */
	FILE_COMPLETE,          /* read to its end */
	FILE_ERROR,             /* refused or damaged: error says why */
	FILE_INTERRUPTED        /* a signal stopped the run inside it */
};

/* Whether a file's record of its own losses was read. */
enum drops_read {
	DROPS_NONE = 0,         /* no place for one: pcap, or never opened */
	DROPS_READ              /* a pcapng: read as libpcap read it */
};

/*
 * What a pcapng file says it lost (capture.c): per interface, the latest
 * Interface Statistics Block's counters (cumulative since the capture
 * began) and the sum of its packets' epb_dropcount. Both may count the
 * same losses: dropped takes, per interface, the larger of the two.
 */
struct file_drops {
	enum drops_read read;
	uint64_t dropped;       /* what the gate judges (above) */
	uint64_t ifdrop;        /* isb_ifdrop, by the interface */
	uint64_t osdrop;        /* isb_osdrop, by the OS */
	uint64_t between;       /* epb_dropcount: between two packets */
	uint64_t isbs;          /* statistics blocks read */
	uint64_t malformed;     /* blocks or options not understood, ignored */
	unsigned not_known;     /* FD_*: counts the file says it does not
	                           know; then dropped is not known either */
};

/*
 * The counts a file may say it does not know: a count of all ones, the
 * value dumpcap passes for the counters it could not ask pcap_stats()
 * for, and Wireshark's for a count that is absent. Counted as 0; the
 * reports say "not known", never that number of packets.
 */
#define FD_IFDROP  1u
#define FD_OSDROP  2u
#define FD_BETWEEN 4u

/* Count v of a file, whose FD_* bit is bit, as the reports write it:
   its number, or "not known", in buf. */
static inline const char *file_drops_count(const struct file_drops *d,
					   unsigned bit, uint64_t v,
					   char buf[24])
{
	if (d->not_known & bit)
		return "not known";
	snprintf(buf, 24, "%llu", (unsigned long long)v);
	return buf;
}

/* An output beside the report that was not written in full (the
   evidence, the alert file, the graph, the page): what it is, its name,
   and why, as standard error said it. Every format's summary names
   each from here. */
struct out_error {
	const char *what;               /* "evidence", "alert file", ... */
	const char *path;
	char why[160];
};

/* One input file and how reading it went. */
struct file_stat {
	const char *name;       /* as given ("-" for standard input) */
	int dlt;                /* link type, -1 before it was opened */
	enum file_state state;
	uint64_t packets;       /* records read (that the filter passed) */
	uint64_t bytes;         /* their wire lengths */
	uint64_t filtered;      /* records the BPF filter left out */
	bool filter_refused;    /* the filter does not compile for its link
	                           type: not read (a pipe; a file is refused
	                           before any output) */
	int64_t stop_offset;    /* byte offset of the record that failed, -1 */
	struct file_drops drops;   /* what the file says it lost */
	char error[320];        /* empty when the file was read to its end */
};

/* Whether a file said anything of its losses: a statistics block, a
   packet's drop count, or one not understood. */
static inline bool file_drops_said(const struct file_drops *d)
{
	return d->read == DROPS_READ && (d->isbs || d->between ||
	       d->dropped || d->malformed || d->not_known);
}

/* "complete", "interrupted"...: the JSON "state" of a file. */
static inline const char *file_state_name(enum file_state st)
{
	switch (st) {
	case FILE_UNREAD: return "unread";
	case FILE_COMPLETE: return "complete";
	case FILE_ERROR: return "error";
	case FILE_INTERRUPTED: return "interrupted";
	}
	return "?";
}

/* libpcap's counters of a live capture (pcap_stats). */
struct live_stats {
	const char *iface;
	uint64_t received;      /* packets the filter passed, those the
	                           kernel dropped included (libpcap) */
	uint64_t dropped;       /* dropped for lack of buffer space */
	uint64_t ifdropped;     /* dropped by the interface or its driver */
	uint64_t started_us, now_us;   /* wall clock */
	uint64_t went_down;     /* times the interface went down */
	uint64_t down_us;       /* time it was down, the current period too */
	bool down;              /* down now */
	/* At a stop (a signal, --duration): the interfaces ("eth1,eth2")
	   whose drain was cut at LIVE_DRAIN_MS still reading packets from
	   before it, so the rest of their kernel rings was neither read nor
	   counted as dropped (main.c, drain_live()); NULL: none, or not
	   stopped yet. end_read: the frames those drains read. */
	const char *end_not_read;
	uint64_t end_read;
	/* At the end, with several interfaces: those that captured no
	   packet (that the filter passed), "eth2"; NULL: none. */
	const char *silent;
};

/* Everything the summary reports besides the flows themselves. */
struct run_stats {
	struct file_stat *files;
	size_t n_files;
	struct worker_stats work;        /* summed over the workers */
	uint32_t max_flows;
	unsigned threads;                /* flow workers (--threads) */
	uint32_t dpi_packets;            /* --dpi-packets in force */
	uint32_t dpi_memory_mb;          /* --dpi-memory in force */
	uint64_t alerts;                 /* alert records written */
	const char *dump_path;           /* --dump-undocumented, or NULL */
	uint64_t dumped, dump_skipped;   /* its frames: written (0 when the
	                                    file could not be written in
	                                    full), of another link type */
	const char *dump_error;          /* why it was not written, or NULL */
	/* Its rotation (evidence.h): dump_max_mb 0 when it does not rotate;
	   dump_max_files 0 for no bound on their number. */
	uint32_t dump_max_mb, dump_max_files;
	uint64_t dump_files, dump_files_kept, dump_frames_kept;
	const char *dump_newest;         /* the file written last */
	/* The outputs beside the report not written in full, in the
	   order they were closed (sink_stats(), and sink_summary() for
	   the page): the evidence, the alert file, the graph, the page. */
	const struct out_error *out_errors;
	size_t n_out_errors;
	const struct live_stats *live;   /* live capture; NULL for files */
	uint32_t time_jump_s;            /* --time-jump in force */
	const struct carriers *carriers; /* tunnel carriers */
	const struct trust *trust;       /* the tunnel endpoints declared */
	/* Capture health, judged by judge.c against its thresholds. */
	uint32_t health_one_way_pct;     /* --health-one-way */
	uint32_t health_dup_pct;         /* --health-duplicates */
	uint32_t health_drops_milli;     /* --health-drops, in 1/1000 % */
	bool health_poor;
	char health_why[512];            /* why, when poor */
	bool validate;                   /* --validate was given */
	const struct gate *gate;         /* why the run is inconclusive */
	int exit_status;                 /* what impwatch will exit with */
	bool any_packet;                 /* a packet came: the two times
	                                    below are set (0 is a time,
	                                    not "none": some tools stamp
	                                    every packet 0) */
	uint64_t first_packet_us;        /* packet time of the capture's first
	                                    and last packets: of those
	                                    counted in work.packets */
	uint64_t last_packet_us;
	uint64_t latest_packet_us;       /* the packet time the capture is
	                                    at: last_packet_us, unless the
	                                    clock went back (worker.h) */
	uint64_t now_us;                 /* wall clock as the record is made */
	const struct waivers *waivers;   /* --waivers, with their counts;
	                                    NULL without */
	uint64_t waived;                 /* finding flows waived */
	/* The gate as --validate judges it, given or not (the HTML
	   report's verdict): the same as gate and exit_status under
	   --validate. NULL when no output asks for it. */
	const struct gate *gate_validate;
	int validate_status;
};

struct report;
struct tally;
struct hosts;
struct carriers;

/* The packets the files of s say they dropped, added up, and whether
   that is known (no file says it does not know its losses); false when
   none said anything of its losses (the health sections then leave the
   line out, as they leave out live drops for files). */
static inline bool run_file_drops(const struct run_stats *s, uint64_t *dropped,
				  bool *known)
{
	bool said = false;
	size_t i;

	*dropped = 0;
	*known = true;
	for (i = 0; i < s->n_files; i++) {
		said |= file_drops_said(&s->files[i].drops);
		*dropped += s->files[i].drops.dropped;
		*known &= !s->files[i].drops.not_known;
	}
	return said;
}

/* Whether the run has tunnels to speak of: a carrier seen, or
   endpoints declared (the text report and the page then list the
   carriers). */
bool run_has_tunnels(const struct run_stats *s);

/* NULL when out of memory. top: largest flows listed per finding. With
   an inventory (hosts not NULL) records name each end's roles, role
   violations the rows that would have allowed them, and coverage the
   host pairs. dpi: nDPI names the flows' applications (false with
   --no-dpi: there are none). cat and hosts must outlive the report. */
struct report *report_new(enum report_format fmt, FILE *out,
			  const struct catalogue *cat, const struct hosts *hosts,
			  bool dpi, unsigned top);
void report_free(struct report *r);

/* TCP flows the summary judged for half-duplex mirroring, and how many of
   them were seen in one direction only. */
void report_one_way(const struct report *r, uint64_t *judged, uint64_t *one_way);

/* Count an ended flow (record.h) in the summary; the format writes its
   record now (JSON, CSV). */
void report_flow(struct report *r, const struct flow_record *f);

/*
 * A flow worker's thread formats its own records (pipeline.c): a copy of
 * r that writes flow records only, in r's format, onto out, with buffers
 * of its own and r's catalogue, inventory, run and options, read only. It
 * has no tally: r counts each record as report_flow_text() gets its text.
 * NULL when r's format writes no flow record (text), or out of memory.
 */
struct report *report_new_flow_writer(const struct report *r, FILE *out);
/* f's record, written by a flow writer onto its stream. */
void report_write_flow(struct report *fw, const struct flow_record *f);
/* report_flow() for a record a flow writer wrote already as text (len
   bytes): counted, and the text written where report_flow() would. */
void report_flow_text(struct report *r, const struct flow_record *f,
		      const char *text, size_t len);

/* What names the run on every record (runinfo.h); run must outlive the
   report. Until it is called, an empty run_info (tests). */
void report_set_run(struct report *r, const struct run_info *run);

/* Where records go from now on (at a reopen): the report's stream, and
   the alert file's (NULL: none). The streams stay the caller's. */
void report_set_output(struct report *r, FILE *out, FILE *alerts);

/* --brief: the text summary is its verdict line and the findings only
   (other formats write it all). */
void report_set_brief(struct report *r, bool brief);

/* One alert for a flow that is a finding, written as it happens: a text
   line flushed to the alert file when there is one; in the report, a
   JSON {"type":"alert"} record, or a text line when there is no alert
   file (CSV output has none). */
void report_alert(struct report *r, const struct flow_record *f);

/* An interim summary of a live capture (--report-every): JSON
   {"type":"stats"} or a text block. */
void report_interim(struct report *r, const struct run_stats *s);

/* Flows of each verdict reported so far; whether any is a finding (what
   --validate fails on). */
uint64_t report_verdict_count(const struct report *r, enum verdict v);
bool report_has_findings(const struct report *r);

/* The tally every format counts (for a second output: --html). */
const struct tally *report_tally(const struct report *r);

/* The text report's first line, its answer: the verdict and exit
   status, the flows of each finding, and why a run is inconclusive
   (gate.h), from t and s's gate, validate and exit_status; the HTML
   report leads with it too. */
void report_lead_line(FILE *o, const struct tally *t, const struct run_stats *s);

/* Write the summary: a text block, or the JSON summary object. CSV output
   holds flow rows only, so that it stays one table. */
void report_summary(struct report *r, const struct run_stats *s);

#endif
