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

#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* 128 random bits as 32 hex digits, and NUL. */
#define RUN_ID_LEN 33

/* One input file that shaped the verdicts, and its SHA-256. */
struct run_input {
	const char *kind;       /* "rules", "rules-add", "hosts" */
	const char *path;       /* as given */
	char sha256[DIGEST_SHA256_HEX];   /* "" when it could not be read */
};

struct run_info {
	char run_id[RUN_ID_LEN];
	const char *sensor;           /* --sensor, or the host name */
	const char *interface;        /* -i; NULL when reading files */
	uint16_t community_id_seed;   /* --community-id-seed */
	const char *version;          /* impwatch's */
	const char *ndpi_version;     /* NULL with --no-dpi unknown */
	const char *pcap_version;     /* pcap_lib_version() */
	char catalogue_sha256[DIGEST_SHA256_HEX];  /* the rows in force, as
	                                 `impwatch -V` hashes the built-in
	                                 one; "" when it could not be had */
	const struct run_input *inputs;  /* --rules, --rules-add, --hosts */
	size_t n_inputs;
	const char *command_line;     /* argv joined by spaces */
	uint64_t started_us;          /* wall clock at the start */
};

#endif
