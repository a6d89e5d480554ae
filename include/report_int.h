/*
 * report_int.h: the report's aggregates, shared by report.c (which keeps
 * them) and the writers report_text.c, report_json.c, report_csv.c.
 */
#ifndef IMPWATCH_REPORT_INT_H
#define IMPWATCH_REPORT_INT_H

#include "coverage.h"
#include "jsonw.h"
#include "report.h"

/* Totals of the flows sharing a verdict, transport, server port and
   catalogue row (row 0: none): sums of application aggregates. */
struct agg {
	uint8_t verdict;
	uint8_t proto;
	uint16_t port;
	uint16_t row;          /* service_row: index + 1, 0 none */
	uint64_t flows, pkts, bytes;
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
};

/* The largest flows of one finding, a min-heap on bytes. */
struct top {
	struct flow *f;
	unsigned n, cap;
};

struct report {
	enum report_format fmt;
	FILE *out;
	FILE *alert_out;       /* --alert-file, or NULL */
	const struct catalogue *cat;
	const struct dpi *dpi;  /* NULL with --no-dpi */
	struct app_agg *apps;  /* open addressing, power-of-two size */
	size_t apps_cap, apps_used;
	struct top top[V_COUNT];
	uint64_t vflows[V_COUNT], vpkts[V_COUNT], vbytes[V_COUNT];
	bool header_done;      /* CSV header written */
	struct jw jw;          /* JSON records are built here */
	const struct hosts *hosts;    /* --hosts; NULL without */
	struct coverage *cov;         /* rows exercised */
	uint64_t tcp_judged;          /* TCP flows of 3 packets or more */
	uint64_t tcp_one_way;         /* ... of them seen in one direction */
};

/* The per-port totals in report order: by verdict, then table and
   service for documented rows, by bytes (largest first) for the rest. An
   array the caller frees; NULL when out of memory. */
struct agg *report_sorted_aggs(const struct report *r, size_t *n);

/* The top flows of verdict v, largest first. Caller frees. */
struct flow **report_sorted_top(const struct report *r, enum verdict v,
				unsigned *n);

/* Application aggregates by verdict, transport, port, row, then most
   flows first (ties by source and ids). Caller frees. */
struct app_agg **report_sorted_apps(const struct report *r, size_t *n);

/* In v (from report_sorted_apps), the application aggregates of agg a:
   returns how many, *first the index of the first. */
size_t report_apps_of(struct app_agg *const *v, size_t n, const struct agg *a,
		      size_t *first);

/* The application of an aggregate as nDPI names it ("SIP", "TLS.Google"),
   or NULL when it has none (no answer, or DPI off). */
const char *report_app_name(const struct report *r, const struct app_agg *a,
			    char buf[DPI_NAME_MAX]);

/* The largest expected-apps list written ("TLS,HTTP,SOAP" and more). */
#define EXPECTED_MAX 256

/* The apps allowed by the rows documenting a flow (proto, client port
   cport, server port sport, between hosts or not), each name once
   (compared without case) in row order, comma-separated: "SIP",
   "TLS,HTTP,SOAP", "" when the rows allow none. */
void report_expected(const struct report *r, uint8_t proto, uint16_t cport,
		     uint16_t sport, bool on_wire, char buf[EXPECTED_MAX]);

/* The same for flow f. */
void report_expected_flow(const struct report *r, const struct flow *f,
			  char buf[EXPECTED_MAX]);

/* Why a flow is a finding, in a sentence: "no catalogue row documents
   tcp/3389", "tcp/7070 is documented for localhost traffic only (table 7
   cert-manager)", "HTTP on tcp/5060, where the rows expect SIP". */
#define REASON_MAX 512   /* room for EXPECTED_MAX, a name and a port */
void report_reason(const struct report *r, const struct flow *f,
		   char buf[REASON_MAX]);

/* A carrier flow's tunnel kind ("vxlan", never NULL), and " VNI 42" or
   " session 7" ("" when its header named none). */
const char *report_tunnel_kind(const struct flow *f);
void report_tunnel_id(const struct flow *f, char buf[40]);

/* The roles of address a, "imp,imp-publisher", or "unknown" (not in the
   inventory, or none given). */
void report_roles(const struct report *r, const struct ip_addr *a, char *buf,
		  size_t size);

void report_text_summary(struct report *r, const struct run_stats *s);
void report_text_alert(struct report *r, const struct flow *f, FILE *o);
void report_text_interim(struct report *r, const struct run_stats *s);
void report_json_flow(struct report *r, const struct flow *f);
void report_json_alert(struct report *r, const struct flow *f);
void report_json_interim(struct report *r, const struct run_stats *s);
void report_json_summary(struct report *r, const struct run_stats *s);
/* f NULL writes the header alone when no row was written yet. */
void report_csv_flow(struct report *r, const struct flow *f);

#endif
