/*
 * dpi.h: what a flow really carries, by nDPI's deep packet inspection.
 *
 * The only module that includes nDPI. It owns the nDPI detection module,
 * a pool of nDPI per-flow structures and the detection counters; a flow
 * borrows one pooled structure (flow.dpi) while it is undecided and gives
 * it back the moment it is decided or ends, keeping only a few bytes
 * (flow.app, app_master, app_source, dpi_pkts).
 *
 * A flow is decided when nDPI answers from payload inspection (confidence
 * DPI: app_source APP_SRC_DPI), or when it has been given max_packets
 * packets (both directions) without such an answer, or when it ends: then
 * nDPI gives up and its guess (port, address or cache based) is kept with
 * app_source APP_SRC_GUESS, or nothing (APP_SRC_NONE).
 *
 * Cost: a pooled structure is taken per new flow (the pool grows in chunks
 * when empty, so the steady state allocates nothing); a decided flow costs
 * the per-packet path one test of flow.dpi. The states lent out at once
 * are capped (--dpi-memory): past the cap a new flow is not inspected.
 */
#ifndef IMPWATCH_DPI_H
#define IMPWATCH_DPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "decode.h"
#include "flow.h"

/* flow.app_source. */
enum app_source {
	APP_SRC_NONE = 0,   /* no answer (or DPI off) */
	APP_SRC_DPI,        /* payload inspection */
	APP_SRC_GUESS       /* nDPI's give-up guess: port, address or cache */
};

/* Longest name dpi_app_name() writes, NUL included ("TLS.Google"). */
#define DPI_NAME_MAX 64

/* nDPI structures per pool chunk: about 180 KB (nDPI 4.2's is 688 bytes). */
#define DPI_POOL_CHUNK 256u

struct dpi_stats {
	uint64_t inspected;    /* flows given an nDPI state */
	uint64_t by_dpi;       /* decided by payload inspection */
	uint64_t guessed;      /* given up with a guess */
	uint64_t undetected;   /* given up with no answer */
	uint64_t no_state;     /* new flows left uninspected: out of memory */
	uint64_t over_cap;     /* new flows left uninspected: the cap was
	                          reached */
	uint64_t max_states;   /* the cap: states lent out at once */
	uint64_t live;         /* nDPI states in use now */
	uint64_t peak_live;    /* most in use at once */
	uint64_t pool;         /* states allocated (in use or free) */
	/* [n]: flows decided by payload inspection at their nth packet
	   while inspected, empty packets nDPI was not given included (what
	   --dpi-packets is chosen from; past MAX_DPI_PACKETS, the last). */
	uint64_t decided_at[MAX_DPI_PACKETS + 1];
};

struct dpi;

/* The nDPI module with every protocol enabled, and an empty pool.
   max_packets (>= 1): packets given to nDPI per flow before it gives up.
   memory_mb (>= 1): the cap on states lent out at once, in MB of states
   of DPI_STATE_BYTES (config.h). NULL when memory is short or the nDPI
   library does not match the headers impwatch was built with. */
struct dpi *dpi_new(uint32_t max_packets, uint32_t memory_mb);
/* dpi_new() for a module made while, or after, the process's first one:
   nDPI sets libgcrypt up in each module it makes, and that is not safe
   on two threads at once, so this one leaves it to the first (which
   must be made, or being made, by a dpi_new()). */
struct dpi *dpi_new_another(uint32_t max_packets, uint32_t memory_mb);

/* Free the module, the pool, and the nDPI data of any state still lent
   out (flows not finished). NULL is ignored. */
void dpi_free(struct dpi *d);

/* Take a pooled state for new flow f (f->dpi set, app fields zero).
   false when the cap is reached or the pool cannot grow: f stays
   uninspected (counted in over_cap or no_state). */
bool dpi_flow_start(struct dpi *d, struct flow *f);

/*
 * Give packet p of undecided flow f (f->dpi not NULL) to nDPI. Packets
 * with no IP header for nDPI (later IP fragments) are skipped. Returns
 * true when f was decided by this packet: its state is back in the pool
 * (f->dpi NULL) and app, app_master, app_source are final.
 */
bool dpi_packet(struct dpi *d, struct flow *f, const struct packet *p);

/* Decide undecided flow f now (it ends): nDPI's give-up, then its state
   goes back to the pool. Nothing when f->dpi is NULL. */
void dpi_flow_finish(struct dpi *d, struct flow *f);

const struct dpi_stats *dpi_stats(const struct dpi *d);

/* Cap the states at n instead of what --dpi-memory gave (a flow
   worker's share of it). */
void dpi_set_max_states(struct dpi *d, uint64_t n);

/* "dpi", "guess", or NULL for APP_SRC_NONE. */
const char *app_source_name(enum app_source s);

/* nDPI's name of protocol id, "Unknown" for 0 or an id nDPI lacks. */
const char *dpi_proto_name(const struct dpi *d, uint16_t id);

/* The id of nDPI's protocol of this name (len bytes, compared without
   case), or 0 when there is none. */
uint16_t dpi_proto_id(const struct dpi *d, const char *name, size_t len);

/* True when nDPI knows a protocol of this name (len bytes, compared
   without case, as nDPI does). "Unknown" is not a protocol. */
bool dpi_proto_known(const struct dpi *d, const char *name, size_t len);

/* A flow's application as nDPI writes it: "SIP", "TLS.Google" (master,
   then application), or NULL when the flow has none. */
const char *dpi_app_name(const struct dpi *d, const struct flow *f,
			 char buf[DPI_NAME_MAX]);

/*
 * The protocol the mismatch rule checks, of a flow with an answer: what
 * nDPI saw on the wire. nDPI names a pair MASTER.APP. When the master is a
 * protocol that carries others (nDPI lists sub-protocols for it: TLS,
 * HTTP, DNS, QUIC...), APP is a service seen inside it (TLS.Google) and
 * the master is returned. Otherwise the master is nDPI's guess from the
 * port written in front of what the payload showed (SIP.HTTP is HTTP on
 * SIP's port) and APP is returned. A lone protocol is itself. 0: none.
 */
uint16_t dpi_wire_proto(const struct dpi *d, const struct flow *f);

#endif
