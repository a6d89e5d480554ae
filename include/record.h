/*
 * record.h: a flow as a writer sees it.
 *
 * When a flow ends (or first becomes a finding, for its alert) the worker
 * copies out of it everything a writer needs: its ends as client and
 * server, its counters each way, its verdict and rows, its application as
 * nDPI names it, its ends' inventory roles. Writers then read the record
 * alone, never the flow table, the worker or nDPI's state: a record is
 * self-contained, so it can wait in a queue while the flow's slot is
 * reused. Pointers in it (the inventory's names) point into the engine's
 * data, which outlives every record. Copying one costs a few hundred
 * bytes once per flow, nothing per packet.
 */
#ifndef IMPWATCH_RECORD_H
#define IMPWATCH_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "catalogue.h"
#include "community_id.h"
#include "config.h"
#include "dpi.h"
#include "engine.h"
#include "flow.h"
#include "hosts.h"

struct waiver;

/* Directions of a record's counters. */
#define REC_C2S 0   /* client to server */
#define REC_S2C 1   /* server to client */

struct flow_record {
	struct flow_key key;       /* canonical (flow.h): identity and order */
	uint64_t flow_id;          /* unique in the run: links a flow's alert
	                              and its final record */
	uint64_t first_us, last_us;
	uint64_t pkts[2];          /* [REC_C2S], [REC_S2C] */
	uint64_t bytes[2];         /* wire lengths of the frames */
	uint64_t ip_bytes[2];      /* lengths of the innermost IP packets */
	uint64_t tables;           /* bit t: guide table t documents it */
	uint32_t tun_id;           /* a carrier's VNI or session (FC_TUN_ID) */
	uint16_t vlan;             /* first VLAN id, 0 none (vlans[0]) */
	uint16_t vlans[MAX_VLAN_TAGS];  /* every VLAN id of the first packet,
	                              outer first */
	uint8_t nvlans;            /* ids in vlans[] */
	uint8_t has_sgt;           /* sgt holds a Cisco MetaData SGT */
	uint16_t sgt;
	uint8_t has_erspan;        /* erspan_session holds an ERSPAN II/III
	                              session id: the one the flow was mirrored
	                              in, or a carrier's own */
	uint16_t erspan_session;
	uint16_t service_row;      /* catalogue row index + 1, 0 none */
	uint16_t app, app_master;  /* nDPI's ids (0 with no answer) */
	uint8_t server_is_b;       /* the server is the key's side B */
	uint8_t verdict;           /* enum verdict */
	uint8_t findings;          /* flow.findings: bit v, finding v applies */
	uint8_t tls;               /* enum flow_tls: the TLS-only check */
	uint8_t waived;            /* waivers in force cover every finding */
	const struct waiver *waiver; /* the first waiver in force matching
	                              it (waiver.h; the sink's, outliving
	                              every record), NULL for none */
	uint8_t end_reason;        /* enum end_reason; END_ACTIVE for an alert */
	uint8_t basis;             /* enum dir_basis */
	uint8_t server_first;      /* the first packet came from the side
	                              taken for the server */
	uint8_t tunnel;            /* enum tunnel_kind (flow.h) */
	uint8_t carrier;           /* FC_* bits */
	uint8_t app_source;        /* enum app_source */
	uint8_t on_wire;           /* not on loopback (flow_on_wire()) */
	uint8_t icmp_type, icmp_code;
	uint8_t dscp[2];           /* [REC_C2S], [REC_S2C]: flow_dscp() bits;
	                              rec_dscp(), rec_dscp_changed() */
	uint8_t conn_state;        /* enum conn_state (connstate.h) */
	uint8_t tcp_data;          /* TCP payload went one way or both */
	uint8_t nrows;             /* rows[0..nrows): the rows that document
	                              it (record_rows()); 0: not known, looked
	                              up (flow.nrows) */
	uint16_t rows[FLOW_ROWS];
	struct host_info client_host, server_host;  /* roles 0 and name ""
	                                               without an inventory */
	char community_id[COMMUNITY_ID_LEN];  /* "1:..."; "" none */
	char app_name[DPI_NAME_MAX];   /* "SIP", "TLS.Google"; "" none */
};

/* A frame kept as evidence (--dump-undocumented): its bytes are the
   capture's, valid only during the call that hands it over. */
struct frame_record {
	const uint8_t *bytes;
	uint64_t ts_us;            /* the frame's own stamp */
	uint32_t caplen, wire_len;
	int dlt;                   /* its link type */
};

/* Copy f out for a writer (dpi: NULL with --no-dpi): e gives the
   inventory's names and roles, and whether the Community ID is made
   (with --community-id-seed); community_id "" when it is not. */
void record_from_flow(struct flow_record *r, const struct flow *f,
		      const struct dpi *dpi, const struct engine *e);

/* The rows that document r, as classify_rows() would give them: those
   its flow kept (r->nrows), else looked up in cat; h->step is 0 for rows
   kept. */
void record_rows(const struct catalogue *cat, const struct flow_record *r,
		 struct cat_hits *h);

static inline const struct ip_addr *rec_client_ip(const struct flow_record *r)
{
	return r->server_is_b ? &r->key.a : &r->key.b;
}

static inline const struct ip_addr *rec_server_ip(const struct flow_record *r)
{
	return r->server_is_b ? &r->key.b : &r->key.a;
}

static inline uint16_t rec_client_port(const struct flow_record *r)
{
	return r->server_is_b ? r->key.pa : r->key.pb;
}

static inline uint16_t rec_server_port(const struct flow_record *r)
{
	return r->server_is_b ? r->key.pb : r->key.pa;
}

static inline uint64_t rec_packets(const struct flow_record *r)
{
	return r->pkts[REC_C2S] + r->pkts[REC_S2C];
}

static inline uint64_t rec_bytes(const struct flow_record *r)
{
	return r->bytes[REC_C2S] + r->bytes[REC_S2C];
}

static inline uint64_t rec_ip_bytes(const struct flow_record *r)
{
	return r->ip_bytes[REC_C2S] + r->ip_bytes[REC_S2C];
}

/* From the first packet to the last, in microseconds. */
static inline uint64_t rec_duration_us(const struct flow_record *r)
{
	return r->last_us >= r->first_us ? r->last_us - r->first_us : 0;
}

/* The DSCP of the first packet in direction dir (REC_C2S, REC_S2C; 0
   when none went that way), and whether a later one carried another. */
static inline uint8_t rec_dscp(const struct flow_record *r, unsigned dir)
{
	return r->dscp[dir & 1] & FLOW_DSCP_MASK;
}

static inline bool rec_dscp_changed(const struct flow_record *r, unsigned dir)
{
	return (r->dscp[dir & 1] & FLOW_DSCP_CHANGED) != 0;
}

/* Zeek's conn_state code ("S0", "SF"...). */
const char *rec_conn_state(const struct flow_record *r);

/* A TCP attempt that was never a session (Zeek's S0, REJ, RSTOS0,
   RSTRH, SH, SHR, with no payload either way): the text report counts
   these apart. */
bool rec_is_attempt(const struct flow_record *r);

/* nDPI's name of the flow's application, or NULL when it has none. */
static inline const char *rec_app(const struct flow_record *r)
{
	return r->app_name[0] ? r->app_name : NULL;
}

#endif
