/*
 * tally.h: what the summary says of the ended flows, counted as they end.
 *
 * Per verdict: flows, packets and bytes, and the largest flows of each
 * finding; per (verdict, transport, server port, catalogue row,
 * application): flows, packets and bytes, from which the per-port totals
 * are summed once for the summary; the catalogue rows exercised
 * (coverage.h); TCP flows seen one way (capture health). Every format
 * counts the same tally; writers only read it.
 *
 * Cost: one hash probe per ended flow (not per packet) and a heap push
 * for flows that are findings. Memory grows with distinct (verdict,
 * transport, port, row, application) keys, which a port scan bounds at a
 * few hundred thousand, and with `top` flows per finding.
 */
#ifndef IMPWATCH_TALLY_H
#define IMPWATCH_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "connstate.h"
#include "coverage.h"
#include "hosts.h"
#include "record.h"

/* Totals of the flows sharing a verdict, transport, server port and
   catalogue row (row 0: none): sums of application aggregates. */
struct agg {
	uint8_t verdict;
	uint8_t proto;
	uint8_t table;         /* the row's guide table (its sort key) */
	uint16_t port;
	uint16_t row;          /* service_row: index + 1, 0 none */
	uint64_t flows, pkts, bytes;
	uint64_t attempts;     /* of the flows, TCP attempts that were never
	                          sessions (rec_is_attempt()) */
};

/* Totals of the flows sharing a verdict, transport, server port, row and
   application (nDPI master and app ids, and where the answer came from).
   cport and on_wire are those of the first such flow: with the key, they
   give the rows a protocol mismatch was checked against. */
struct app_agg {
	uint8_t used;
	uint8_t verdict;
	uint8_t proto;
	uint8_t src;           /* enum app_source */
	uint8_t on_wire;
	uint16_t port;
	uint16_t row;
	uint16_t master, app;
	uint16_t cport;
	uint64_t flows, pkts, bytes;
	uint64_t attempts;     /* as struct agg's */
};

struct tally;

/* NULL when out of memory. top: largest flows kept per finding. cat and
   hosts (NULL: no inventory) must outlive the tally. */
struct tally *tally_new(const struct catalogue *cat, const struct hosts *hosts,
			unsigned top);
void tally_free(struct tally *t);

/* Count an ended flow. */
void tally_add(struct tally *t, const struct flow_record *f);

/* Flows of verdict v counted so far. */
uint64_t tally_flows(const struct tally *t, enum verdict v);

/* TCP flows of 3 packets or more, and how many of them were seen in one
   direction only (half-duplex mirroring). */
void tally_one_way(const struct tally *t, uint64_t *judged, uint64_t *one_way);

/* Flows on ports whose rows all require TLS that the cleartext check
   could not judge: their SYN, or their client's first bytes, unseen. */
uint64_t tally_tls_unjudged(const struct tally *t);

const struct coverage *tally_coverage(const struct tally *t);

/* Flows that ended in Zeek's conn_state s (connstate.h). */
uint64_t tally_conn_state(const struct tally *t, enum conn_state s);

/* Flows of verdict v that were TCP attempts, never sessions. */
uint64_t tally_attempts(const struct tally *t, enum verdict v);

/* The DSCP values (bit d: value d) the first packet of either direction
   carried in the flows of catalogue row `row` (index), and how many of
   those flows saw a direction's DSCP change. */
uint64_t tally_row_dscp(const struct tally *t, size_t row, uint64_t *changed);

/* A finding's ports that saw only unanswered TCP attempts (Zeek's S0,
   REJ...): summed on one line of the text report and one row of the
   page, so that a scan of 1,930 ports is one line, not 1,930 rows. */
struct attempts_only {
	uint64_t flows, pkts, bytes, ports;
	unsigned named;                        /* the first, in port[] */
	uint16_t port[ATTEMPT_PORTS_NAMED];
};

/* Whether aggregate a is such a port: its flows all attempts. */
bool agg_attempts_only(const struct agg *a);

/* Those of verdict v among the n aggregates a (tally_sorted_aggs()),
   summed in *out, the first named in their order. */
void tally_attempts_only(const struct agg *a, size_t n, enum verdict v,
			 struct attempts_only *out);

/* What the text and the page say of them: "3 flows to 2 ports, never
   answered: tcp/1, tcp/2", then ", ... (N more)" past the ports named.
   ATTEMPTS_SAID_MAX bytes hold it. */
#define ATTEMPTS_SAID_MAX 256
void tally_attempts_said(const struct attempts_only *ao, char *buf, size_t n);

/* The per-port totals in report order: by verdict, then table and
   service for documented rows, by bytes (largest first) for the rest. An
   array the caller frees; NULL when out of memory. */
struct agg *tally_sorted_aggs(const struct tally *t, size_t *n);

/* Application aggregates by verdict, transport, port, row, then most
   flows first (ties by source and ids). Caller frees. */
struct app_agg **tally_sorted_apps(const struct tally *t, size_t *n);

/* In v (from tally_sorted_apps), the application aggregates of agg a:
   returns how many, *first the index of the first. */
size_t tally_apps_of(struct app_agg *const *v, size_t n, const struct agg *a,
		     size_t *first);

/* The application of an aggregate as nDPI named it in the records
   ("SIP", "TLS.Google"), or NULL when it has none (no answer, or DPI
   off). */
const char *tally_app_name(const struct tally *t, const struct app_agg *a);

/* The largest flows of verdict v (findings only), largest first. Caller
   frees the array. */
const struct flow_record **tally_sorted_top(const struct tally *t,
					    enum verdict v, unsigned *n);

#endif
