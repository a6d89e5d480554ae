/*
 * report_int.h: what a report writer sees. One writer per format
 * (report_text.c, report_json.c, report_csv.c), each a table of
 * callbacks registered in report.c; writers read the report's tally and
 * explain flows through explain.h, and never call back into report.c.
 */
#ifndef IMPWATCH_REPORT_INT_H
#define IMPWATCH_REPORT_INT_H

#include "explain.h"
#include "jsonw.h"
#include "report.h"
#include "tally.h"
#include "util.h"

struct report_writer;

/* A JSON string made once, and its length (written as it is). */
struct json_text {
	char *s;
	size_t n;
};

struct report {
	const struct report_writer *w;
	FILE *out;
	FILE *alert_out;       /* --alert-file, or NULL */
	const struct catalogue *cat;
	const struct hosts *hosts;    /* --hosts; NULL without */
	const struct run_info *run;   /* what names the run (runinfo.h);
	                                 never NULL once report_new() returns */
	bool dpi;                     /* nDPI names applications */
	unsigned top;                 /* --top: items of each text list */
	bool brief;                   /* --brief: verdict line and findings */
	struct tally *tally;
	bool header_done;      /* CSV header written */
	struct jw jw;          /* JSON records are built here */
	struct time_cache tc;  /* the date of the last time written */
	/* JSON: strings every flow record repeats, as jw_str() writes
	   them (report_json_text()), made once instead of escaped on each
	   record; NULL where not made (no memory: written as before). */
	struct json_text json_run; /* what names the run after a record's
	                          time (report_json_run()), made by
	                          report_set_run() */
	struct json_text *json_row; /* catalogue row i's service [2i] and
	                          rule file [2i + 1], made at its first
	                          record */
};

/*
 * A format: what it writes before its first record, for an ended flow
 * (its record), an alert, an
 * interim stats report (live --report-every) and the summary. NULL where
 * the format writes nothing: the flow is still counted in the tally.
 */
struct report_writer {
	void (*header)(struct report *r);   /* before the first record */
	void (*flow)(struct report *r, const struct flow_record *f);
	void (*alert)(struct report *r, const struct flow_record *f);
	void (*interim)(struct report *r, const struct run_stats *s);
	void (*summary)(struct report *r, const struct run_stats *s);
	bool community_id;   /* its flow or alert records show the
	                        Community ID (records are made without it
	                        for a format that does not) */
};

#define REPORT_WRITER_DECL(id, name, writer) \
	extern const struct report_writer writer;
REPORT_FORMATS(REPORT_WRITER_DECL)
#undef REPORT_WRITER_DECL

/* A role violation's "allowed" list, in JSON and ECS alike: the rows
   that document its port, each with the roles it allows, which roles()
   writes as the format writes roles. */
void report_allowed(struct jw *w, const struct catalogue *cat,
		    const struct flow_record *f,
		    void (*roles)(struct jw *w, const char *key, uint32_t mask));

/* String s as jw_str() writes it as a value (quoted and escaped; null
   for NULL), in memory the caller frees; NULL when out of memory. */
char *report_json_text(const char *s);

/* The members that name the run (run_id, sensor, interface), each with
   its comma before it, as a JSON record writes them after its time;
   s NULL when out of memory. */
struct json_text report_json_run(const struct run_info *run);

/* A live capture's libpcap counters and link state in an interim stats
   record, JSON and ECS alike; nothing for files (live NULL). */
void report_live_counts(struct jw *w, const struct live_stats *live);

/* What a pcapng says it lost, as recorded_drops, JSON and ECS alike:
   a count the file says it does not know, and dropped with it, null
   (JSON), or left out (ECS: null_unknown false, as ECS leaves out what
   is not there); nothing for a file with no place for them (a pcap). */
void report_file_drops(struct jw *w, const struct file_drops *d,
		       bool null_unknown);

/* The outputs beside the report not written in full (run_stats'
   out_errors) as "outputs_not_written", JSON and ECS alike: each one's
   "output" ("evidence", "alert file", "graph", "HTML report") and, with
   names, its "file" and the "error" standard error said. always: []
   when there is none (JSON); else left out (ECS leaves out what is not
   there). */
void report_out_errors(struct jw *w, const struct run_stats *s,
		       bool always, bool names);

/* The alert line ("alert TIME VERDICT ...: WHY"), as the text report
   and the alert file write it. */
void report_text_alert_line(struct report *r, const struct flow_record *f,
			    FILE *o);

#endif
