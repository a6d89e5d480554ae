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
#include "hosts.h"

/*
 * Decide f's direction (server_is_b, basis) from its first packet p
 * (from_b: p was sent by side B), then its rows (tables, service_row) and
 * verdict: documented, undocumented, or local-only (every matching row is
 * localhost-only and the flow is between hosts). A flow opened by its
 * client's SYN on a port whose rows all require TLS waits for its TLS
 * check (classify_tls()).
 */
void classify_flow(const struct catalogue *cat, struct flow *f,
		   const struct packet *p, bool from_b);

/*
 * A SYN (without ACK) in a flow classified already, p sent by side B
 * when from_b: when the flow's direction came from anything but its
 * client's SYN, or the SYN comes from its server's side, it is decided
 * again from this SYN (classify_flow(), then classify_roles() with
 * hosts), keeping every finding the flow had: a first packet is the
 * sender's to forge (a SYN-ACK or an ACK from a documented port, with
 * a checksum its receiver drops), and the SYN is what opens. True when
 * it was decided again. A carrier, or a retransmitted client SYN,
 * changes nothing.
 */
bool classify_resyn(const struct catalogue *cat, const struct hosts *hosts,
		    struct flow *f, const struct packet *p, bool from_b);

/*
 * Packet p of a flow of its own, on carrier f's ends and ports (UDP to
 * 4789 that is no VXLAN, GRE of a version impwatch does not decode):
 * the findings a new flow would have from p are f's too, once
 * (FC_OWN), so that a tunnel's first packet, forged or not, does not
 * make what follows on its ports a trusted carrier's. f keeps its
 * direction, rows and trust.
 */
void classify_own(const struct catalogue *cat, const struct hosts *hosts,
		  struct flow *f, const struct packet *p, bool from_b);

/*
 * Packet p of flow f, whose first packet came from a loopback link
 * (FF_LOOP_LINK), came from a wire: the first such packet adds the
 * findings a flow would have had from it (a localhost-only port is
 * local-only), once (FF_WIRE_SEEN). A frame with zero MACs, which no
 * host on a wire takes, cannot make the session that follows it on a
 * wire a loopback one. f keeps its direction and rows; carriers are
 * judged by trust alone.
 */
void classify_link(const struct catalogue *cat, const struct hosts *hosts,
		   struct flow *f, const struct packet *p, bool from_b);

/*
 * A new flow that is tunnel t's carrier (its first packet came through
 * t; from_b: sent by side B): its first sender is the client, it
 * documents no row, and its verdict is trusted-tunnel or
 * untrusted-tunnel as carrier.h's rule decided (trusted).
 */
void classify_carrier(struct flow *f, const struct tun_layer *t, bool trusted,
		      bool from_b);

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

/* The same, from the rows classify_flow() kept in f where it could
   (f->nrows), without a lookup; h->step is not kept (0). */
void flow_rows(const struct catalogue *cat, const struct flow *f,
	       struct cat_hits *h);

/* h from n rows kept at classification (flow.rows, flow_record.rows:
   FLOW_ROWS of them are read, those past n copied unused); false, h
   untouched, when none were kept (n 0, or over FLOW_ROWS). */
bool rows_kept(struct cat_hits *h, const uint16_t rows[static FLOW_ROWS],
	       uint8_t n);

/* True unless f is on loopback: both its ends loopback addresses of its
   family (127.0.0.0/8, ::1; never IPv6's ::ffff:127.x) and its first
   packet from a loopback link (FF_LOOP_LINK). Loopback addresses seen
   on a wire are on the wire. */
bool flow_on_wire(const struct flow *f);

/*
 * Once DPI has decided f (d its engine): a documented or local-only flow
 * whose payload nDPI identified (app_source dpi) as a protocol none of its
 * rows allows becomes protocol-mismatch (for a local-only flow the payload
 * shows it is not the localhost service at all). The protocol checked is
 * dpi_wire_proto()'s, against the ids the rows' apps resolved to at load
 * (catalogue_row_allows_app(): "any" allows everything, "-" nothing). Guesses and unknown payload never change the verdict; an
 * undocumented flow stays undocumented.
 */
void classify_app(const struct catalogue *cat, const struct dpi *d,
		  struct flow *f);

/*
 * Roles any host may hold: a host outside the inventory may be one of
 * these (clients, browsers, external services). IM&P nodes, CUCM, the
 * databases and the MFT file server must be listed to count.
 */
#define OPEN_ROLES ((UINT32_C(1) << ROLE_SIP_GATEWAY) | (UINT32_C(1) << ROLE_GATEWAY) | \
	(UINT32_C(1) << ROLE_XMPP_CLIENT) | (UINT32_C(1) << ROLE_BOSH_CLIENT) | \
	(UINT32_C(1) << ROLE_THIRD_PARTY) | (UINT32_C(1) << ROLE_BROWSER) | \
	(UINT32_C(1) << ROLE_DIRECTORY) | (UINT32_C(1) << ROLE_DNS_SERVER) | \
	(UINT32_C(1) << ROLE_NTP_SERVER) | (UINT32_C(1) << ROLE_SNMP_SERVER) | \
	(UINT32_C(1) << ROLE_TRAP_MONITOR) | (UINT32_C(1) << ROLE_EXCHANGE) | \
	(UINT32_C(1) << ROLE_RTMT) | (UINT32_C(1) << ROLE_ENDPOINT))

/*
 * True when row r documents a client holding roles `client` talking to a
 * server holding `server` (0: not in the inventory, which satisfies only
 * OPEN_ROLES): FROM -> TO, or either way for "<->" rows and table 30's
 * bidirectional ones.
 */
bool row_allows_roles(const struct cat_row *r, uint32_t client, uint32_t server);

/*
 * With an inventory: a documented flow none of whose rows allows the
 * roles of its two hosts becomes role-violation; otherwise its service is
 * the first row that allows them. Other verdicts stay, and so does a flow
 * on loopback (flow_on_wire() false): roles are for flows between hosts.
 */
void classify_roles(const struct catalogue *cat, const struct hosts *hosts,
		    struct flow *f);

/* Add finding v to f's findings; its verdict becomes the finding of
   lowest rank (verdict.h). */
void flow_add_finding(struct flow *f, enum verdict v);

/*
 * True when n captured bytes b, a client's first payload, can begin a
 * TLS connection: a handshake record (content type 22, version 3.0 to
 * 3.4, length 1 to 2^14) whose first message is a ClientHello (type 1)
 * of client_version 3.x when that lies in the record, or an SSL 2.0
 * CLIENT-HELLO (version 0.2 or 3.x). Any other record (application
 * data, alert, change_cipher_spec) is not how a client begins. Bytes
 * past n (cut by the snap length) are not held against it.
 */
bool tls_first_bytes(const uint8_t *b, size_t n);

/*
 * A flow waiting for its TLS check (flow.tls FTLS_WAIT, set by
 * classify_flow() on a TLS-only port opened by a SYN seen): packet p
 * (from_b: sent by side B), when it carries the client's first payload
 * byte, decides it: FTLS_OK, or FTLS_CLEAR and the cleartext finding.
 * Every other packet leaves it waiting.
 */
void classify_tls(struct flow *f, const struct packet *p, bool from_b);

/* The flow's client and server ends, as the record prints them. */
const struct ip_addr *flow_client_ip(const struct flow *f);
const struct ip_addr *flow_server_ip(const struct flow *f);
uint16_t flow_client_port(const struct flow *f);
uint16_t flow_server_port(const struct flow *f);

#endif
