/*
 * classify.c: direction, catalogue rows and verdict of a flow.
 */
#include "classify.h"

#include <string.h>

#include "cursor.h"
#include "util.h"

void flow_add_finding(struct flow *f, enum verdict v)
{
	f->findings = (uint8_t)(f->findings | (1u << v));
	f->verdict = (uint8_t)verdict_of_findings(f->findings, V_DOCUMENTED);
}

const struct ip_addr *flow_client_ip(const struct flow *f)
{
	return f->server_is_b ? &f->key.a : &f->key.b;
}

const struct ip_addr *flow_server_ip(const struct flow *f)
{
	return f->server_is_b ? &f->key.b : &f->key.a;
}

uint16_t flow_client_port(const struct flow *f)
{
	return f->server_is_b ? f->key.pa : f->key.pb;
}

uint16_t flow_server_port(const struct flow *f)
{
	return f->server_is_b ? f->key.pb : f->key.pa;
}

/* ICMP echo reply, timestamp reply and the like come from the server
   (RFC 792 types 0 and 14, RFC 4443 type 129). */
static bool icmp_is_reply(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMP)
		return type == 0 || type == 14 || type == 16 || type == 18;
	return proto == IPPROTO_NUM_ICMPV6 && type == 129;
}

/*
 * Decide who is the server. The packet's sender is side B when from_b.
 * Sets server_is_b and basis; returns the listener decision's rows in *h
 * when the catalogue was what decided, else leaves h->n == 0.
 */
static void decide_direction(const struct catalogue *cat, struct flow *f,
			     const struct packet *p, bool from_b,
			     struct cat_hits *h)
{
	bool sender_is_server;
	enum listener_side side;

	h->n = 0;
	if (p->proto == IPPROTO_NUM_TCP && (p->tcp_flags & TCPF_SYN)) {
		/* SYN alone opens; SYN+ACK answers (RFC 9293 3.5). */
		sender_is_server = (p->tcp_flags & TCPF_ACK) != 0;
		f->basis = sender_is_server ? BASIS_SYNACK : BASIS_SYN;
		f->server_is_b = (uint8_t)(sender_is_server == from_b);
		return;
	}
	if (p->sport == 0 && p->dport == 0) {
		sender_is_server = icmp_is_reply(p->proto, p->icmp_type);
		f->basis = BASIS_FIRST_PACKET;
		f->server_is_b = (uint8_t)(sender_is_server == from_b);
		return;
	}
	side = catalogue_listener(cat, p->proto, p->sport, p->dport, h);
	if (side != LISTENER_NONE) {
		sender_is_server = side == LISTENER_SRC;
		f->basis = BASIS_CATALOGUE;
		f->server_is_b = (uint8_t)(sender_is_server == from_b);
		return;
	}
	/* The lower port listens; on a tie the destination does. */
	sender_is_server = p->sport < p->dport;
	f->basis = BASIS_LOWER_PORT;
	f->server_is_b = (uint8_t)(sender_is_server == from_b);
}

/*
 * The port a first packet was sent to, when its sender claimed to be the
 * listener: a port a client could have used. It must be in
 * --ephemeral-ports and no documented listener of its own (a row's fixed
 * sender range, where the row has one, was checked by the listener
 * decision itself).
 */
static bool claim_plausible(const struct catalogue *cat, const struct packet *p)
{
	if (!catalogue_is_ephemeral(cat, p->dport))
		return false;
	return p->dport == p->sport ||
	       catalogue_lookup(cat, p->proto, p->dport).n == 0;
}

/*
 * A flow that opened with its client's SYN (p), on a port all of whose
 * rows require TLS, waits for the client's first payload byte: the one
 * at the SYN's sequence number plus one (RFC 9293 3.4: the SYN takes
 * one number). A flow whose start was not seen is never judged.
 */
static void tls_start(const struct catalogue *cat, struct flow *f,
		      const struct packet *p)
{
	struct cat_hits h;
	uint16_t i;

	if (p->proto != IPPROTO_NUM_TCP)
		return;
	flow_rows(cat, f, &h);
	for (i = 0; i < h.n; i++)
		if (!(catalogue_row(cat, h.rows[i])->transports & CT_TLS))
			return;
	if (!h.n)
		return;
	if (f->basis != BASIS_SYN) {
		f->tls = FTLS_UNSEEN;
		return;
	}
	f->tls = FTLS_WAIT;
	f->tls_seq = (uint16_t)(p->tcp_seq + 1u);
	/* Data in the SYN itself (TCP Fast Open, RFC 7413) is the first. */
	classify_tls(f, p, f->server_is_b == 0);
}

/* A TLS client's first record (RFC 8446 5.1; RFC 5246 6.2.1 and
   7.4.1.2; RFC 6101 5.2.1 and 5.6.1.2 for SSL 3.0): */
#define TLS_CT_HANDSHAKE     22      /* ContentType handshake: the first
                                        record a client sends carries its
                                        ClientHello (RFC 8446 4.1.2) */
#define TLS_MAJOR            3       /* major of SSL 3.0 (3.0) to TLS 1.3
                                        (3.4): RFC 6101 5.2.1, RFC 8446 5.1 */
#define TLS_MINOR_MAX        4       /* 3.4 is TLS 1.3 (RFC 8446 4.2.1);
                                        no version past it is defined */
#define TLS_PLAINTEXT_MAX    16384   /* 2^14: the most a TLSPlaintext
                                        record holds (RFC 8446 5.1, RFC
                                        5246 6.2.1); the first record is
                                        plaintext, no compression or
                                        cipher yet (RFC 5246 6.1) */
#define TLS_HS_CLIENT_HELLO  1       /* HandshakeType client_hello (RFC
                                        8446 4, RFC 5246 7.4) */
#define TLS_HS_HEADER        4       /* msg_type and a 24-bit length
                                        before the body (RFC 8446 4) */
#define TLS_HELLO_VERSION    2       /* client_version (legacy_version in
                                        RFC 8446 4.1.2), the body's first
                                        field: major TLS_MAJOR */
/* RFC 6101 E.2: an SSL 2.0 record header with no padding has the high
   bit of its length set; SSL2_MT_CLIENT_HELLO is message type 1. */
#define SSL2_LEN_HIGH        0x80
#define SSL2_MT_CLIENT_HELLO 1
#define SSL2_MAJOR           0       /* SSL 2.0's version is 0.2 */
#define SSL2_MINOR           2

/*
 * An SSL 2.0 CLIENT-HELLO (RFC 6101 E.2): the 2-byte record header with
 * the length's high bit set, msg_type 1, then the version: 0.2 (SSL 2.0)
 * or 3.x (a TLS client's compatible hello, RFC 5246 E.2). c is past the
 * first byte b0.
 */
static bool ssl2_client_hello(struct cursor *c, uint8_t b0)
{
	uint8_t type, major, minor;

	if (!(b0 & SSL2_LEN_HIGH))
		return false;
	if (!cur_skip(c, 1) || !cur_u8(c, &type))
		return true;
	if (type != SSL2_MT_CLIENT_HELLO)
		return false;
	if (!cur_u8(c, &major))
		return true;
	if (major == TLS_MAJOR)
		return true;
	return major == SSL2_MAJOR && (!cur_u8(c, &minor) || minor == SSL2_MINOR);
}

bool tls_first_bytes(const uint8_t *b, size_t n)
{
	struct cursor c;
	uint8_t type, major, minor, msg_type;
	uint16_t len;

	cur_init(&c, b, n);
	if (!cur_u8(&c, &type))
		return true;
	if (type != TLS_CT_HANDSHAKE)
		return ssl2_client_hello(&c, type);
	/* legacy_record_version: a ClientHello's may be any 3.x a client
	   supports (RFC 5246 E.1: 3.0 to its own; RFC 8446 5.1: 3.1 or 3.3);
	   3.0 to 3.4 names every version there is. */
	if (!cur_u8(&c, &major))
		return true;
	if (major != TLS_MAJOR)
		return false;
	if (!cur_u8(&c, &minor))
		return true;
	if (minor > TLS_MINOR_MAX)
		return false;
	/* Handshake records are never empty (RFC 8446 5.1, RFC 5246 6.2.1). */
	if (!cur_be16(&c, &len))
		return true;
	if (len == 0 || len > TLS_PLAINTEXT_MAX)
		return false;
	if (!cur_u8(&c, &msg_type))
		return true;
	if (msg_type != TLS_HS_CLIENT_HELLO)
		return false;
	/* A ClientHello may be cut into several records (RFC 5246 6.2.1):
	   client_version is judged only when it lies in this one. */
	if (len < TLS_HS_HEADER + TLS_HELLO_VERSION)
		return true;
	if (!cur_skip(&c, TLS_HS_HEADER - 1) || !cur_u8(&c, &major))
		return true;
	return major == TLS_MAJOR;
}

/*
 * The client's first bytes in p, a segment that holds its first byte off
 * bytes in: at most TCP_HEAD_BYTES of them, *n as many as were captured
 * (a snap length or a first fragment may have cut them). False when
 * what was captured of them was not kept: the head holds the segment's
 * first TCP_HEAD_BYTES, and without the frame (nDPI off, no evidence)
 * the payload is gone.
 */
static bool first_bytes(const struct packet *p, uint32_t off,
			const uint8_t **b, size_t *n)
{
	size_t want = p->payload_len - off;

	if (want > TCP_HEAD_BYTES)
		want = TCP_HEAD_BYTES;
	if (p->payload) {
		*b = p->payload + off;
		*n = want;
		return true;
	}
	if (off + want > p->tcp_head_len)
		return false;
	*b = p->tcp_head + off;
	*n = want;
	return true;
}

void classify_tls(struct flow *f, const struct packet *p, bool from_b)
{
	const uint8_t *b;
	uint32_t first, off;
	size_t n;

	/* The client is side A when the server is B. */
	if (f->tls != FTLS_WAIT || from_b == (f->server_is_b != 0))
		return;
	if ((p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN)
		f->tls_seq = (uint16_t)(p->tcp_seq + 1u);  /* a new SYN */
	/* A later IP fragment has no TCP header, hence no number. */
	if (!p->payload_len || (p->fragment && !p->l4_off))
		return;
	first = p->tcp_seq + ((p->tcp_flags & TCPF_SYN) ? 1u : 0u);
	/* A segment that begins before the first byte and holds it (from
	   the SYN's own number or earlier: no client's data does) gives
	   its receiver the bytes from the first on (RFC 9293 3.10.7.4
	   trims what it already has). Any other segment (reordered, or
	   after a lost first one) waits: its bytes may lie inside a
	   record. 16 bits tell the first byte from any later one unless
	   64 KiB or a multiple went unseen. */
	off = (uint16_t)(f->tls_seq - (uint16_t)first);
	if (off >= p->payload_len)
		return;
	if (off == 0) {
		b = p->tcp_head;
		n = p->tcp_head_len;
	} else if (!first_bytes(p, off, &b, &n)) {
		/* Its first bytes were not kept: not seen as TLS. */
		f->tls = FTLS_CLEAR;
		flow_add_finding(f, V_CLEARTEXT);
		return;
	}
	if (tls_first_bytes(b, n)) {
		f->tls = FTLS_OK;
	} else {
		f->tls = FTLS_CLEAR;
		flow_add_finding(f, V_CLEARTEXT);
	}
}

/*
 * Keep in f the rows h that document it (wire_only: only its wire rows,
 * for a flow between hosts that has some), as classify_rows() would
 * find them again: h is the listener decision for the flow's client port
 * to its server port, which is where classify_rows() starts. More than
 * FLOW_ROWS are not kept (f->nrows 0): flow_rows() looks them up.
 */
static void keep_rows(const struct catalogue *cat, struct flow *f,
		      const struct cat_hits *h, bool wire_only)
{
	uint16_t i, k = 0;

	for (i = 0; i < h->n; i++) {
		if (wire_only && catalogue_row(cat, h->rows[i])->scope != SCOPE_WIRE)
			continue;
		if (k == FLOW_ROWS) {
			f->nrows = 0;
			return;
		}
		f->rows[k++] = h->rows[i];
	}
	f->nrows = (uint8_t)k;
}

void classify_flow(const struct catalogue *cat, struct flow *f,
		   const struct packet *p, bool from_b)
{
	struct cat_hits h;
	bool on_wire, any_wire = false;
	uint16_t i, first_wire = 0, first_any = 0;

	decide_direction(cat, f, p, from_b, &h);
	if (f->basis != BASIS_CATALOGUE) {
		/* Direction known from the handshake or the packet itself:
		   only rows that document the server's port, for this client
		   port, count. A listener seen on the client's side is not. */
		if (catalogue_listener(cat, f->key.proto, flow_client_port(f),
				       flow_server_port(f), &h) != LISTENER_DST)
			h.n = 0;
	}
	/* Documented only through what the sender says of itself: its own
	   source port (rules 2 to 4 of the listener decision) or a SYN-ACK
	   with no SYN before it. Anyone can send either, so the claim holds
	   only towards a plausible client port; otherwise the flow is
	   judged as sent, its receiver the server, documented only when the
	   port it went to is a listener for this sender. */
	if (h.n && (f->basis == BASIS_SYNACK || h.step >= 2) &&
	    !claim_plausible(cat, p)) {
		f->basis = BASIS_FIRST_PACKET;
		f->server_is_b = (uint8_t)!from_b;
		if (catalogue_listener(cat, p->proto, p->sport, p->dport, &h) !=
		    LISTENER_DST || h.step != 1)
			h.n = 0;
	}

	f->tables = 0;
	f->service_row = 0;
	f->nrows = 0;
	f->classified = 1;
	if (h.n == 0) {
		flow_add_finding(f, V_UNDOCUMENTED);
		return;
	}

	on_wire = flow_on_wire(f);
	for (i = 0; i < h.n; i++) {
		const struct cat_row *r = catalogue_row(cat, h.rows[i]);

		/* A site's row (--rules-add) is not the guide's table. */
		if (r->table < 64 && !r->site)
			f->tables |= UINT64_C(1) << r->table;
		if (r->scope == SCOPE_WIRE && !any_wire) {
			any_wire = true;
			first_wire = (uint16_t)(h.rows[i] + 1);
		}
		if (!first_any)
			first_any = (uint16_t)(h.rows[i] + 1);
	}
	keep_rows(cat, f, &h, on_wire && any_wire);
	/* The service named is the first row that allows the flow where it
	   was seen: a wire row for traffic between hosts. */
	if (on_wire && !any_wire) {
		flow_add_finding(f, V_LOCAL_ONLY);
		f->service_row = first_any;
	} else {
		f->verdict = V_DOCUMENTED;
		f->service_row = on_wire ? first_wire : first_any;
	}
	tls_start(cat, f, p);
}

bool classify_resyn(const struct catalogue *cat, const struct hosts *hosts,
		    struct flow *f, const struct packet *p, bool from_b)
{
	uint8_t had;

	if (p->proto != IPPROTO_NUM_TCP ||
	    (p->tcp_flags & (TCPF_SYN | TCPF_ACK)) != TCPF_SYN ||
	    (f->carrier & FC_CARRIER))
		return false;
	/* The client is side A when the server is B: its SYN again. */
	if (f->basis == BASIS_SYN && from_b != (f->server_is_b != 0))
		return false;
	/* A later SYN never clears what the flow was found to be; a TLS
	   check still waiting belonged to the old decision (the new one
	   starts its own on a TLS-only port). */
	had = f->findings;
	f->findings = 0;
	if (f->tls == FTLS_WAIT || f->tls == FTLS_UNSEEN)
		f->tls = FTLS_NONE;
	classify_flow(cat, f, p, from_b);
	classify_roles(cat, hosts, f);
	f->findings |= had;
	f->verdict = (uint8_t)verdict_of_findings(f->findings, V_DOCUMENTED);
	return true;
}

/* The flow p would have made had it come first, decided apart: only
   its findings are added to f's. */
static void judge_apart(const struct catalogue *cat,
			const struct hosts *hosts, struct flow *f,
			const struct packet *p, bool from_b)
{
	struct flow own;

	memset(&own, 0, sizeof(own));
	own.key = f->key;
	own.first_flags = p->loop_link ? FF_LOOP_LINK : 0;
	classify_flow(cat, &own, p, from_b);
	classify_roles(cat, hosts, &own);
	f->findings |= own.findings;
	f->verdict = (uint8_t)verdict_of_findings(f->findings,
						  (enum verdict)f->verdict);
}

void classify_own(const struct catalogue *cat, const struct hosts *hosts,
		  struct flow *f, const struct packet *p, bool from_b)
{
	judge_apart(cat, hosts, f, p, from_b);
	f->carrier |= FC_OWN;
}

void classify_link(const struct catalogue *cat, const struct hosts *hosts,
		   struct flow *f, const struct packet *p, bool from_b)
{
	if (!(f->first_flags & FF_LOOP_LINK) || p->loop_link ||
	    (f->first_flags & FF_WIRE_SEEN) || (f->carrier & FC_CARRIER))
		return;
	f->first_flags |= FF_WIRE_SEEN;
	judge_apart(cat, hosts, f, p, from_b);
}

void classify_carrier(struct flow *f, const struct tun_layer *t, bool trusted,
		      bool from_b)
{
	/* Both ends of an overlay send to the same port (4789 for
	   VXLAN): the first sender is as good a client as any. */
	f->basis = BASIS_FIRST_PACKET;
	f->server_is_b = (uint8_t)!from_b;
	f->tables = 0;
	f->service_row = 0;
	f->tunnel = t->kind;
	f->carrier = (uint8_t)(FC_CARRIER | (t->has_id ? FC_TUN_ID : 0));
	f->tun_id = t->has_id ? t->id : 0;
	f->nrows = 0;
	f->verdict = V_TRUSTED_TUNNEL;
	if (!trusted)
		flow_add_finding(f, V_UNTRUSTED_TUNNEL);
	f->classified = 1;
}

/* A loopback address of the flow's own family (ip_is_loopback()). */
static bool loopback_end(const struct flow_key *k, const struct ip_addr *a)
{
	return ip_is_loopback(a, k->family);
}

bool flow_on_wire(const struct flow *f)
{
	/* Loopback addresses on a wire are martians a host drops, unless
	   it routes them (net.ipv4.conf.*.route_localnet=1, which
	   kube-proxy sets): then a localhost-only service answers the
	   network, which the local-only finding is for. */
	return !(f->first_flags & FF_LOOP_LINK) ||
	       !loopback_end(&f->key, &f->key.a) ||
	       !loopback_end(&f->key, &f->key.b);
}

void classify_rows_at(const struct catalogue *cat, uint8_t proto,
		      uint16_t cport, uint16_t sport, bool on_wire,
		      struct cat_hits *h)
{
	bool any_wire = false;
	uint16_t i, k = 0;

	/* The server's port as the listener and the client's port as the
	   sender: the decision classify_flow() made, from either side. */
	if (catalogue_listener(cat, proto, cport, sport, h) != LISTENER_DST) {
		h->n = 0;
		return;
	}
	for (i = 0; i < h->n; i++)
		if (catalogue_row(cat, h->rows[i])->scope == SCOPE_WIRE)
			any_wire = true;
	if (!on_wire || !any_wire)
		return;
	for (i = 0; i < h->n; i++)
		if (catalogue_row(cat, h->rows[i])->scope == SCOPE_WIRE)
			h->rows[k++] = h->rows[i];
	h->n = k;
}

void classify_rows(const struct catalogue *cat, const struct flow *f,
		   struct cat_hits *h)
{
	classify_rows_at(cat, f->key.proto, flow_client_port(f),
			 flow_server_port(f), flow_on_wire(f), h);
}

_Static_assert(FLOW_ROWS <= CAT_MAX_HITS, "kept rows must fit a cat_hits");

bool rows_kept(struct cat_hits *h, const uint16_t rows[static FLOW_ROWS],
	       uint8_t n)
{
	if (n == 0 || n > FLOW_ROWS)
		return false;
	h->n = n;
	h->step = 0;
	/* All FLOW_ROWS, a copy of constant size: one 8-byte and one 2-byte
	   store, from which the caller's loads of h->rows[i] are forwarded.
	   A copy of n rows was a loop of byte stores, and a 2-byte load
	   from two of them waits until every older store is in the cache:
	   at a flow's end, its bucket's and its neighbours' cold lines. */
	memcpy(h->rows, rows, FLOW_ROWS * sizeof(h->rows[0]));
	return true;
}

void flow_rows(const struct catalogue *cat, const struct flow *f,
	       struct cat_hits *h)
{
	if (!rows_kept(h, f->rows, f->nrows))
		classify_rows(cat, f, h);
}

void classify_app(const struct catalogue *cat, const struct dpi *d,
		  struct flow *f)
{
	struct cat_hits h;
	uint16_t id, i;

	/* A local-only flow is checked too: when its payload is plainly
	   another protocol, it is not the localhost service leaking onto
	   the wire, and the mismatch is the finding to report. */
	if (f->verdict == V_UNDOCUMENTED || (f->carrier & FC_CARRIER) ||
	    f->app_source != APP_SRC_DPI)
		return;
	id = dpi_wire_proto(d, f);
	if (!id)
		return;
	flow_rows(cat, f, &h);
	for (i = 0; i < h.n; i++)
		if (catalogue_row_allows_app(catalogue_row(cat, h.rows[i]), id))
			return;
	if (h.n)
		flow_add_finding(f, V_PROTOCOL_MISMATCH);
}

/* One side of a row: a known host by its roles, an unknown one only on a
   side any host may hold. */
static bool side_ok(uint32_t row_roles, uint32_t host_roles)
{
	return (row_roles & (host_roles ? host_roles : OPEN_ROLES)) != 0;
}

bool row_allows_roles(const struct cat_row *r, uint32_t client, uint32_t server)
{
	if (side_ok(r->from_roles, client) && side_ok(r->to_roles, server))
		return true;
	return (r->bidir || r->sport_kind == SPORT_BIDIRECTIONAL) &&
	       side_ok(r->from_roles, server) && side_ok(r->to_roles, client);
}

void classify_roles(const struct catalogue *cat, const struct hosts *hosts,
		    struct flow *f)
{
	struct cat_hits h;
	uint32_t client, server;
	uint16_t i;

	/* A flow on loopback never left its host: which hosts may talk to
	   which is not its question, and 127.0.0.1 is in no inventory.
	   Loopback addresses from a wire are judged (flow_on_wire()), and
	   so is a wire's packet that joins a flow from lo (classify_link()). */
	if (!hosts || f->verdict != V_DOCUMENTED || !flow_on_wire(f))
		return;
	client = hosts_lookup_ip(hosts, flow_client_ip(f), f->key.family).roles;
	server = hosts_lookup_ip(hosts, flow_server_ip(f), f->key.family).roles;
	flow_rows(cat, f, &h);
	for (i = 0; i < h.n; i++) {
		if (row_allows_roles(catalogue_row(cat, h.rows[i]), client, server)) {
			f->service_row = (uint16_t)(h.rows[i] + 1);
			return;
		}
	}
	flow_add_finding(f, V_ROLE_VIOLATION);
}
