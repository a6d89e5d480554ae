/*
 * coverage.h: which catalogue rows the traffic exercised, and between
 * which hosts.
 *
 * A documented flow exercises each row that documents it (with an
 * inventory: each row that also allows its two hosts' roles). Per row the
 * coverage keeps the flow count and, with an inventory, up to COV_PAIRS
 * distinct host pairs (inventory names, or addresses for hosts it lacks).
 * Cost: once per ended flow, never per packet.
 */
#ifndef IMPWATCH_COVERAGE_H
#define IMPWATCH_COVERAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "catalogue.h"
#include "hosts.h"
#include "record.h"

#define COV_PAIRS 8
#define COV_LABEL 112   /* an IPv6 address and a name */

struct cov_pair {
	char client[COV_LABEL], server[COV_LABEL];
	uint64_t flows;
};

struct cov_row {
	uint64_t flows;
	uint8_t npairs;
	uint64_t more_pairs;       /* flows of pairs past COV_PAIRS */
	struct cov_pair pair[COV_PAIRS];
};

struct coverage;

/* NULL when out of memory; cat and hosts (NULL: none) must outlive it. */
struct coverage *coverage_new(const struct catalogue *cat,
			      const struct hosts *hosts);
void coverage_free(struct coverage *c);

/* Count an ended flow; only documented flows exercise rows. */
void coverage_add(struct coverage *c, const struct flow_record *f);

/* Row i's tally (i < catalogue_count()). */
const struct cov_row *coverage_row(const struct coverage *c, size_t i);

/* Rows exercised at least once. */
size_t coverage_exercised(const struct coverage *c);

/* Whether row i is never seen and a row before it, of the same table (a
   site's rows: of the site) and never seen either, names the same
   service: a list of the services never seen names each once (table
   29's icmp-echo is two rows, to IM and Presence and from it). */
bool coverage_unseen_named_before(const struct coverage *c, size_t i);

/* A host (address a of IP version family, inventory entry hi) as the
   report names it: its inventory name, else its address. */
void coverage_label(const struct host_info *hi, const struct ip_addr *a,
		    uint8_t family, char buf[COV_LABEL]);

#endif
