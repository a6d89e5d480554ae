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

int version_get(struct provenance *p)
{
	p->impwatch = IMPWATCH_VERSION;
	p->ndpi = ndpi_revision();
	p->pcap = pcap_lib_version();
	p->catalogue_sha[0] = '\0';
	return digest_sha256_hex(impwatch_embedded_rules,
				 impwatch_embedded_rules_len, p->catalogue_sha);
}

int version_print(FILE *o)
{
	struct provenance p;
	int rc = version_get(&p);

	fprintf(o, "impwatch %s\n", p.impwatch);
	fprintf(o, "nDPI %s\n", p.ndpi);
	fprintf(o, "%s\n", p.pcap);
	if (rc == 0)
		fprintf(o, "built-in catalogue SHA-256 %s\n", p.catalogue_sha);
	else
		fprintf(o, "built-in catalogue SHA-256 unavailable "
			"(libgcrypt could not be initialised)\n");
	return rc;
}
