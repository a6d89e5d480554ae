/*
 * talk.h: who talks to whom, for the picture of --html and --graph.
 *
 * Ended flows (records, record.h) summed per (client address, server
 * address, IP version, verdict): flows, packets, bytes, the ends'
 * inventory entries and the first TALK_PORTS services (transport, server
 * port, catalogue row) seen between them. At most TALK_MAX_PAIRS such entries
 * (config.h); flows past them are counted as not kept, so that a sweep
 * of a /16 bounds the memory and the page says what it left out. The
 * table is keyed by a SipHash of the run's seed: addresses are the
 * sender's to choose. Cost: one hash probe per ended flow, nothing per
 * packet; built only when --html or --graph asks for it.
 */
#ifndef IMPWATCH_TALK_H
#define IMPWATCH_TALK_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "hosts.h"
#include "record.h"

/* A service seen between two hosts. */
struct talk_port {
	uint8_t proto;
	uint16_t port;             /* the server's; 0 for ICMP */
	uint16_t row;              /* catalogue row index + 1, 0 none */
	uint64_t flows, bytes;
};

/* The flows of one verdict from one client to one server, in one IP
   version: an IPv6 header's ::ffff:a.b.c.d is held as IPv4's a.b.c.d
   is, yet is another host (util.h's fmt_ip()). Its services
   are the first TALK_PORTS in port order (transport, port, row), so
   that they do not depend on the order the flows ended in; the others
   are counted in more_flows and more_bytes. */
struct talk_edge {
	struct ip_addr client, server;
	struct host_info client_host, server_host;
	uint8_t family;            /* 4 or 6 */
	uint8_t verdict;           /* enum verdict */
	uint8_t nports;
	uint64_t flows, pkts, bytes;
	uint64_t more_flows;       /* flows of services past TALK_PORTS */
	uint64_t more_bytes;
	struct talk_port port[TALK_PORTS];
};

/* What the table could not keep, and the time the flows span. */
struct talk_totals {
	uint64_t flows, bytes;             /* every flow counted */
	uint64_t lost_flows, lost_bytes;   /* past TALK_MAX_PAIRS */
	uint64_t first_us, last_us;        /* the flows' span, when flows is
	                                      not 0 (0 and 0 before) */
};

struct talk;

/* NULL when out of memory. seed: the run's (engine.h). */
struct talk *talk_new(uint64_t seed);
void talk_free(struct talk *t);

/* Count an ended flow. */
void talk_add(struct talk *t, const struct flow_record *f);

/* The edges, most bytes first (ties: by verdict, then addresses), as
   an array of pointers into the table the caller frees; NULL with *n 0
   when there are none or no memory. */
const struct talk_edge **talk_sorted(const struct talk *t, size_t *n);

void talk_totals(const struct talk *t, struct talk_totals *tt);

/* Add p's flows to the services v (*n of them, at most TALK_PORTS):
   to its own, as a new one, or to the count of the others, keeping the
   first in port order. */
void talk_port_add(struct talk_port *v, uint8_t *n, uint64_t *more_flows,
		   uint64_t *more_bytes, const struct talk_port *p);

#endif
