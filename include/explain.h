/*
 * explain.h: a flow in words, the same for every writer.
 *
 * Why a flow is a finding, the protocols its rows expect, the roles of
 * its ends, its transport and tunnel as the report names them. Read-only:
 * each takes what it explains (a record, record.h) and the catalogue it
 * is explained against, and writes into the caller's buffer. No
 * allocation.
 */
#ifndef IMPWATCH_EXPLAIN_H
#define IMPWATCH_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "record.h"

/* The largest expected-apps list written ("TLS,HTTP,SOAP" and more). */
#define EXPECTED_MAX 256

/* Why a flow is a finding, in a sentence (room for EXPECTED_MAX, a name
   and a port). */
#define REASON_MAX 512

/* "tcp", "udp", "icmp", "icmpv6", or the protocol number. */
void explain_transport(char buf[8], uint8_t proto);

/*
 * The apps allowed by the rows documenting a flow (proto, client port
 * cport, server port sport, between hosts or not), each name once
 * (compared without case) in row order, comma-separated: "SIP",
 * "TLS,HTTP,SOAP", "" when the rows allow none.
 */
void explain_expected(const struct catalogue *cat, uint8_t proto,
		      uint16_t cport, uint16_t sport, bool on_wire,
		      char buf[EXPECTED_MAX]);

/* The same for record f. */
void explain_expected_rec(const struct catalogue *cat,
			  const struct flow_record *f, char buf[EXPECTED_MAX]);

/*
 * Why f is a finding: "no catalogue row documents tcp/3389", "tcp/7070
 * is documented for localhost traffic only (table 7 cert-manager)",
 * "HTTP on tcp/5060, where the rows expect SIP".
 */
void explain_reason(const struct catalogue *cat, const struct flow_record *f,
		    char buf[REASON_MAX]);

/* A host's roles (an inventory role mask), "imp,imp-publisher", or
   "unknown" (not in the inventory, or none given). */
void explain_roles(uint32_t roles, char *buf, size_t size);

/* RFC 4594's name of DSCP d ("EF", "AF41", "CS3", "BE"; RFC 5865's
   "VA"), or NULL for a value without one. */
const char *explain_dscp(unsigned d, char buf[8]);

/* A carrier flow's tunnel kind ("vxlan", never NULL), and " VNI 42" or
   " session 7" ("" when its header named none). */
const char *explain_tunnel_kind(const struct flow_record *f);
void explain_tunnel_id(const struct flow_record *f, char buf[40]);

/* The icmp-tunnel check's unmatched echo replies, n of them in the run
   (worker_stats.echo_unmatched), against its threshold: how close the
   flows came to the finding, for the text and the page alike. */
void explain_echo_unmatched(uint64_t n, char buf[REASON_MAX]);

#endif
