/*
 * version.h: what `impwatch -V` prints, and the HTML report's
 * provenance: the version of impwatch, of the libraries it runs with,
 * and the SHA-256 of its built-in catalogue, so a report can be tied to
 * exactly what produced it.
 */
#ifndef IMPWATCH_VERSION_H
#define IMPWATCH_VERSION_H

#include <stdio.h>

#include "digest.h"

/* What produced a report. The strings are static (the libraries'). */
struct provenance {
	const char *impwatch;       /* "0.1.0" */
	const char *ndpi;           /* ndpi_revision() */
	const char *pcap;           /* pcap_lib_version() */
	char catalogue_sha[DIGEST_SHA256_HEX];   /* the built-in one's; ""
	                                            when it could not be hashed */
};

/* Fill p from the libraries loaded at run time. Returns 0, or -1 when
   the catalogue could not be hashed. */
int version_get(struct provenance *p);

/* Write the version lines to o; the first is "impwatch X.Y.Z". Returns 0,
   or -1 when the catalogue could not be hashed (its line says so). */
int version_print(FILE *o);

#endif
