/*
 * report_int.h: the report's aggregates, shared by report.c (which keeps
 * them) and the writers report_text.c, report_json.c, report_csv.c.
 */
#ifndef IMPWATCH_REPORT_INT_H
#define IMPWATCH_REPORT_INT_H

#include "report.h"

/* Totals of the flows sharing a verdict, transport, server port and
   catalogue row (row 0: none). */
struct agg {
	uint8_t used;
	uint8_t verdict;
	uint8_t proto;
	uint16_t port;
	uint16_t row;          /* service_row: index + 1, 0 none */
	uint64_t flows, pkts, bytes;
};

/* The largest flows of one finding, a min-heap on bytes. */
struct top {
	struct flow *f;
	unsigned n, cap;
};

struct report {
	enum report_format fmt;
	FILE *out;
	const struct catalogue *cat;
	struct agg *agg;       /* open addressing, power-of-two size */
	size_t agg_cap, agg_used;
	struct top top[V_COUNT];
	uint64_t vflows[V_COUNT], vpkts[V_COUNT], vbytes[V_COUNT];
	bool header_done;      /* CSV header written */
};

/* Aggregates in report order: by verdict, then table and service for
   documented rows, by bytes (largest first) for the rest. Caller frees. */
struct agg **report_sorted_aggs(const struct report *r, size_t *n);

/* The top flows of verdict v, largest first. Caller frees. */
struct flow **report_sorted_top(const struct report *r, enum verdict v,
				unsigned *n);

void report_text_summary(struct report *r, const struct run_stats *s);
void report_json_flow(struct report *r, const struct flow *f);
void report_json_summary(struct report *r, const struct run_stats *s);
/* f NULL writes the header alone when no row was written yet. */
void report_csv_flow(struct report *r, const struct flow *f);

#endif
