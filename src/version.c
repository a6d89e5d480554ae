/*
 * version.c: `impwatch -V`. The library versions are the ones loaded at
 * run time (ndpi_revision(), pcap_lib_version()), not the headers' ones:
 * a system upgrade of libndpi changes what nDPI detects.
 */
#include "version.h"

#include <pcap/pcap.h>
#include <ndpi/ndpi_api.h>

#include "catalogue.h"
#include "config.h"
#include "digest.h"

int version_print(FILE *o)
{
	char hex[DIGEST_SHA256_HEX];
	int rc = 0;

	fprintf(o, "impwatch %s\n", IMPWATCH_VERSION);
	fprintf(o, "nDPI %s\n", ndpi_revision());
	fprintf(o, "%s\n", pcap_lib_version());
	if (digest_sha256_hex(impwatch_embedded_rules,
			      impwatch_embedded_rules_len, hex) == 0) {
		fprintf(o, "built-in catalogue SHA-256 %s\n", hex);
	} else {
		fprintf(o, "built-in catalogue SHA-256 unavailable "
			"(libgcrypt could not be initialised)\n");
		rc = -1;
	}
	return rc;
}
