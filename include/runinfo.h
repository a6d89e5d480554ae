/*
 * runinfo.h: what names a run and says how it was produced, on every
 * record a writer makes of it.
 *
 * A SIEM receives records from many sensors and many runs: run_id ties a
 * run's flows, alerts and summary records together, sensor and interface
 * say where they were seen. The provenance (versions, the catalogue's and
 * every input file's SHA-256, the command line, wall-clock times) says
 * exactly what produced the verdicts. Filled by main.c before the first
 * packet, read-only after; writers read it through struct report.
 */
#ifndef IMPWATCH_RUNINFO_H
#define IMPWATCH_RUNINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "digest.h"

/* 128 random bits as 32 hex digits, and NUL. */
#define RUN_ID_LEN 33

/* One input file that shaped the verdicts, and its SHA-256. */
struct run_input {
	const char *kind;       /* "rules", "rules-add", "hosts", "waivers" */
	const char *path;       /* as given */
	char sha256[DIGEST_SHA256_HEX];   /* "" when it could not be read */
};

struct run_info {
	char run_id[RUN_ID_LEN];
	const char *sensor;           /* --sensor, or the host name */
	const char *interface;        /* -i (several joined by commas: a
	                                 TAP's ports); NULL reading files */
	uint16_t community_id_seed;   /* --community-id-seed */
	const char *version;          /* impwatch's */
	const char *ndpi_version;     /* ndpi_revision(): the library loaded */
	const char *pcap_version;     /* pcap_lib_version() */
	char catalogue_sha256[DIGEST_SHA256_HEX];  /* the rows in force, as
	                                 `impwatch -V` hashes the built-in
	                                 one; "" when it could not be had */
	const struct run_input *inputs;  /* --rules, --rules-add, --hosts,
	                                    --waivers, in that order */
	size_t n_inputs;
	const char *command_line;     /* argv joined by spaces */
	uint64_t started_us;          /* wall clock at the start */
	/* What the pointers above point into. */
	char host[256];
	char ifaces[512];
	struct run_input *own_inputs;
};

struct options;   /* options.h */
struct engine;    /* engine.h */
struct waivers;   /* waiver.h */

/*
 * Name a run and say how it is produced: a new random run_id, the
 * sensor (--sensor, or the host name), the interface, the versions, the
 * SHA-256 of the catalogue (the built-in one, or --rules) and of every
 * --rules, --rules-add, --hosts and --waivers file, the command line
 * (run_join_argv(); it must outlive ri), the wall clock. Each SHA-256 is
 * the one its loader took of the very bytes it parsed (the engine's
 * catalogue sources and inventory, the waivers; NULL without
 * --waivers): no file is read again, so a file replaced since cannot
 * be named in place of the one applied. -1 with a message on err when
 * out of memory.
 */
int run_info_init(struct run_info *ri, const struct options *o,
		  const struct engine *e, const struct waivers *waivers,
		  const char *command_line, FILE *err);

/* Whether in's file now holds other bytes than those the run loaded,
   hashed as its loader hashed them: 1 changed (gone, or no longer a
   file its loader takes, too), 0 the same, -1 when this process may not
   read it (a file read before -Z dropped privileges). Read whole: at a
   SIGHUP, not per packet. */
int run_input_changed(const struct run_input *in);

/* argv as a shell would take it back, quoted where needed (malloc'd;
   NULL when out of memory). Before getopt reorders argv. */
char *run_join_argv(int argc, char *const *argv);

/* Free what run_info_init() allocated; ri may be freed twice. */
void run_info_free(struct run_info *ri);

#endif
