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
#include "dpi.h"
#include "flow.h"

/*
 * Decide f's direction (server_is_b, basis) from its first packet p
 * (from_b: p was sent by side B), then its rows (tables, service_row) and
 * verdict: documented, undocumented, or local-only (every matching row is
 * localhost-only and the flow is between hosts).
 */
void classify_flow(const struct catalogue *cat, struct flow *f,
		   const struct packet *p, bool from_b);

/*
 * The rows that document a flow from client port cport to server port
 * sport over IP protocol proto, as classify_flow() chose them: between
 * hosts (on_wire) the rows not limited to localhost, or every row when all
 * are (a local-only flow); on loopback every row. h->n == 0 when no row
 * documents it. Allocates nothing.
 */
void classify_rows_at(const struct catalogue *cat, uint8_t proto,
		      uint16_t cport, uint16_t sport, bool on_wire,
		      struct cat_hits *h);

/* The same for classified flow f. */
void classify_rows(const struct catalogue *cat, const struct flow *f,
		   struct cat_hits *h);

/* True unless both ends of f are loopback addresses. */
bool flow_on_wire(const struct flow *f);

/*
 * Once DPI has decided f (d its engine): a documented or local-only flow
 * whose payload nDPI identified (app_source dpi) as a protocol none of its
 * rows allows becomes protocol-mismatch (for a local-only flow the payload
 * shows it is not the localhost service at all). The protocol checked is
 * dpi_wire_proto()'s; a row with apps "any" allows everything, "-"
 * nothing. Guesses and unknown payload never change the verdict; an
 * undocumented flow stays undocumented.
 */
void classify_app(const struct catalogue *cat, const struct dpi *d,
		  struct flow *f);

/* The flow's client and server ends, as the record prints them. */
const struct ip_addr *flow_client_ip(const struct flow *f);
const struct ip_addr *flow_server_ip(const struct flow *f);
uint16_t flow_client_port(const struct flow *f);
uint16_t flow_server_port(const struct flow *f);

#endif
