/*
 * pipeline.h: the per-packet path, the same for files and live capture.
 *
 *   frame -> decode -> flow table -> classify (once per flow)
 *         -> nDPI (first packets only) -> alert (once per flow)
 *         -> report (once per ended flow)
 *
 * A tunnelled frame also counts to the carrier of each tunnel it came
 * through (carrier.h); an overlay carrier, and an ERSPAN session the
 * site did not trust, is a flow of its own in the same table, judged by
 * trust instead of the catalogue.
 *
 * The pipeline owns the catalogue, the nDPI engine, the decoder, the flow
 * table and the evidence dump; the report and its stream are the
 * caller's. Nothing on the per-packet path allocates.
 */
#ifndef IMPWATCH_PIPELINE_H
#define IMPWATCH_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "carrier.h"
#include "catalogue.h"
#include "config.h"
#include "decode.h"
#include "dpi.h"
#include "dedup.h"
#include "flow.h"
#include "hosts.h"
#include "options.h"
#include "pclock.h"
#include "report.h"

struct pcap_dumper;

/* Offline batching (pipeline_queue): frames per batch, and the bytes
   kept for those that must be copied (four times libpcap's usual largest
   snap length, 262144; a larger frame skips the batch). */
#define PIPE_BATCH 16
#define PIPE_ARENA (1u << 20)

/* A frame waiting in the batch. */
struct pipe_item {
	struct packet p;
	struct flow_prep prep;
	uint64_t fp;            /* duplicate fingerprint (dedup.h) */
	const uint8_t *bytes;   /* its copy in the arena; NULL when not kept */
	uint32_t caplen;
	int dlt;
};

struct pipeline_cfg {
	const struct limits *lim;
	bool no_dpi;                    /* --no-dpi: nDPI never loaded */
	const char *rules;              /* --rules, or NULL: the built-in one */
	const char *const *rules_add;   /* --rules-add files, in order */
	size_t n_rules_add;
	uint64_t seed;                  /* keys the flow and fragment tables */
	const char *hosts;              /* --hosts inventory, or NULL */
	uint64_t dup_window_us;         /* --dup-window-us; 0: no detection */
	const char *const *trust;       /* --trust-tunnel networks */
	size_t n_trust;
};

struct pipeline {
	struct catalogue *cat;
	struct dpi *dpi;                /* NULL with --no-dpi */
	struct decoder dec;
	struct flow_table *ft;
	struct report *rep;             /* the caller's, set before packets */
	struct hosts *hosts;            /* --hosts; NULL without */
	struct dedup dedup;             /* frames mirrored twice */
	struct pclock clock;            /* drives expiry (pclock.h) */
	struct carriers *carriers;      /* tunnels seen */
	struct trust *trust;            /* the endpoints declared */
	bool alerts;                    /* write an alert per finding flow */
	void *dump;                     /* pcap_dumper_t for --dump-undocumented */
	void *dump_pcap;                /* its pcap_open_dead() handle */
	FILE *dump_file;                /* open, until the dumper owns it */
	const char *dump_path;          /* set while frames are dumped */
	const char *dump_name;          /* the dump's path, kept after close */
	int dump_dlt;                   /* -1 until the first frame */
	int dump_snaplen;               /* bytes kept of each frame */
	int last_dlt;                   /* of the last frame seen */
	bool dump_failed;               /* given up: dump_error says why */
	char dump_error[160];
	uint64_t packets, bytes;        /* frames seen, their wire lengths */
	uint64_t alerts_sent;
	uint64_t dumped;                /* frames written to the dump */
	uint64_t dump_skipped;          /* frames of another link type */
	struct pipe_item *queue;        /* PIPE_BATCH frames (pipeline_queue) */
	size_t queued;
	uint8_t *arena;                 /* PIPE_ARENA bytes of frame copies */
	size_t arena_used;
};

/*
 * Load the catalogue (apps names checked and resolved to nDPI's ids
 * unless --no-dpi)
 * and set up the rest. -1 with a message on err (a bad rules file, no
 * memory); the pipeline is then empty and pipeline_close() is harmless.
 */
int pipeline_open(struct pipeline *pl, const struct pipeline_cfg *cfg,
		  FILE *err);

/* The catalogue a configuration names (for `impwatch rules`); with dpi,
   apps names are checked against nDPI and resolved to its ids. NULL with
   a message on err. */
struct catalogue *pipeline_load_catalogue(const struct pipeline_cfg *cfg,
					  struct dpi *dpi, FILE *err);

/*
 * Write the frames of every flow not documented (at the time the frame is
 * seen) to a pcap file: evidence for whoever owns the firewall. The file
 * is created now, mode 0600 within the umask (-1 with a message on err
 * when it cannot be); its link type is dlt, or with dlt -1 that of the
 * first frame (files can differ: frames of another link type are counted
 * and left out). Each frame keeps its first snaplen bytes and its wire
 * length. The first write that fails ends the dump.
 */
int pipeline_dump_open(struct pipeline *pl, const char *path, int dlt,
		       int snaplen, FILE *err);

/* One captured frame, taken through the whole path now (live capture:
   its stamp is the system's clock, believed as the wall clock is). */
void pipeline_packet(struct pipeline *pl, int dlt, uint64_t ts_us,
		     const uint8_t *bytes, uint32_t caplen, uint32_t wire_len);

/*
 * One frame read from a file: decoded now, and taken through the flow
 * table with the rest of its batch (pipeline.c says why). The bytes need
 * not outlive the call. pipeline_drain() does every frame queued but the
 * last CLOCK_AHEAD, whose stamps wait for the frames after them to be
 * believed or not (pclock.h); pipeline_tick() and pipeline_finish() do
 * them all. Call pipeline_finish() before reporting.
 */
void pipeline_queue(struct pipeline *pl, int dlt, uint64_t ts_us,
		    const uint8_t *bytes, uint32_t caplen, uint32_t wire_len);
void pipeline_drain(struct pipeline *pl);

/* Live capture with no packets: let flows idle out by the wall clock. */
void pipeline_tick(struct pipeline *pl, uint64_t now_us);

/* End every live flow (END_EOF, END_SHUTDOWN): each is reported. */
void pipeline_finish(struct pipeline *pl, enum end_reason why);

/* The verdict counts decide --validate: 1 when any flow is a finding. */
bool pipeline_has_findings(const struct pipeline *pl);

/* Fill the summary's counters from the pipeline's modules. */
void pipeline_stats(const struct pipeline *pl, struct run_stats *s);

/* Flush and close the dump: -1, with "cannot write FILE: reason" on err,
   when any of it could not be written (then the summary claims none of
   its frames). Call before the summary. */
int pipeline_dump_close(struct pipeline *pl, FILE *err);

/* Free everything the pipeline owns (not the report). */
void pipeline_close(struct pipeline *pl);

#endif
