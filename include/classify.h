/*
 * classify.h: a flow's client and server, its catalogue rows and verdict.
 *
 * Runs once per flow, on its first packet, so the per-packet path pays
 * nothing for it. Reads the catalogue; writes only the flow.
 */
#ifndef IMPWATCH_CLASSIFY_H
#define IMPWATCH_CLASSIFY_H

#include <stdbool.h>

#include "catalogue.h"
#include "decode.h"
#include "flow.h"

/*
 * Decide f's direction (server_is_b, basis) from its first packet p
 * (from_b: p was sent by side B), then its rows (tables, service_row) and
 * verdict: documented, undocumented, or local-only (every matching row is
 * localhost-only and the flow is between hosts).
 */
void classify_flow(const struct catalogue *cat, struct flow *f,
		   const struct packet *p, bool from_b);

/* The flow's client and server ends, as the record prints them. */
const struct ip_addr *flow_client_ip(const struct flow *f);
const struct ip_addr *flow_server_ip(const struct flow *f);
uint16_t flow_client_port(const struct flow *f);
uint16_t flow_server_port(const struct flow *f);

#endif
