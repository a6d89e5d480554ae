/*
 * dpi.c: nDPI behind impwatch's flow table: module, state pool, decisions.
 */
#include "dpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ndpi/ndpi_api.h>

/* A pooled nDPI flow structure. nf comes first and is zeroed before each
   use, as nDPI requires; next links the free list. */
struct dpi_state {
	struct ndpi_flow_struct nf;
	struct dpi_state *next;
	uint8_t in_use;
	uint8_t empty_seen;     /* an empty packet was given to nDPI */
	uint16_t turns;         /* packets given to nDPI */
};

struct dpi_chunk {
	struct dpi_chunk *next;
	struct dpi_state s[DPI_POOL_CHUNK];
};

/* The cap counts states at the measured cost of one (config.h); a
   bigger structure from another nDPI should be measured again. */
_Static_assert(sizeof(struct dpi_state) <= DPI_STATE_BYTES,
	       "an nDPI state outgrew DPI_STATE_BYTES: measure it again");

struct dpi {
	struct ndpi_detection_module_struct *mod;
	uint32_t max_packets;
	uint32_t n_protos;             /* ids below this have names */
	uint8_t *carrier;              /* [id]: nDPI lists sub-protocols */
	struct dpi_state *free_list;
	struct dpi_chunk *chunks;
	struct dpi_stats st;
};

/*
 * The protocols whose flows nDPI names MASTER.APP with APP a service seen
 * inside (TLS.Google, HTTP.Google, DNS.Microsoft): those its protocol
 * table gives sub-protocols. In nDPI 4.2: DNS, HTTP, MDNS, DTLS, TLS,
 * HTTP_Connect, HTTP_Proxy, QUIC.
 */
static bool mark_carriers(struct dpi *d)
{
	ndpi_proto_defaults_t *def = ndpi_get_proto_defaults(d->mod);
	uint32_t i;

	d->carrier = calloc(d->n_protos ? d->n_protos : 1, 1);
	if (!d->carrier || !def)
		return false;
	for (i = 0; i < d->n_protos; i++)
		d->carrier[i] = def[i].subprotocol_count > 0;
	return true;
}

static struct dpi *make(uint32_t max_packets, uint32_t memory_mb,
			ndpi_init_prefs prefs)
{
	struct dpi *d;
	NDPI_PROTOCOL_BITMASK all;

	/* The pool holds the structure as the headers define it: a library
	   built from other headers would write past it. */
	if (max_packets == 0 || memory_mb == 0 ||
	    ndpi_get_api_version() != NDPI_API_VERSION ||
	    ndpi_detection_get_sizeof_ndpi_flow_struct() !=
	    sizeof(struct ndpi_flow_struct))
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->max_packets = max_packets;
	d->st.max_states = ((uint64_t)memory_mb << 20) / DPI_STATE_BYTES;
	d->mod = ndpi_init_detection_module(prefs);
	if (!d->mod) {
		free(d);
		return NULL;
	}
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(d->mod, &all);
	ndpi_finalize_initialization(d->mod);
	d->n_protos = ndpi_get_num_supported_protocols(d->mod);
	if (!mark_carriers(d)) {
		dpi_free(d);
		return NULL;
	}
	return d;
}

struct dpi *dpi_new(uint32_t max_packets, uint32_t memory_mb)
{
	return make(max_packets, memory_mb, ndpi_dont_init_libgcrypt);
}

struct dpi *dpi_new_another(uint32_t max_packets, uint32_t memory_mb)
{
	return make(max_packets, memory_mb, ndpi_dont_init_libgcrypt);
}

void dpi_free(struct dpi *d)
{
	struct dpi_chunk *c, *next;
	size_t i;

	if (!d)
		return;
	for (c = d->chunks; c; c = next) {
		next = c->next;
		for (i = 0; i < DPI_POOL_CHUNK; i++)
			if (c->s[i].in_use)
				ndpi_free_flow_data(&c->s[i].nf);
		free(c);
	}
	if (d->mod)
		ndpi_exit_detection_module(d->mod);
	free(d->carrier);
	free(d);
}

/* Add a chunk of states to the free list; false when out of memory. */
static bool pool_grow(struct dpi *d)
{
	struct dpi_chunk *c = malloc(sizeof(*c));
	size_t i;

	if (!c)
		return false;
	c->next = d->chunks;
	d->chunks = c;
	for (i = DPI_POOL_CHUNK; i-- > 0;) {
		c->s[i].in_use = 0;
		c->s[i].next = d->free_list;
		d->free_list = &c->s[i];
	}
	d->st.pool += DPI_POOL_CHUNK;
	return true;
}

bool dpi_flow_start(struct dpi *d, struct flow *f)
{
	struct dpi_state *s;

	f->app = 0;
	f->app_master = 0;
	f->app_source = APP_SRC_NONE;
	f->dpi_pkts = 0;
	f->dpi = NULL;
	if (d->st.live >= d->st.max_states) {
		d->st.over_cap++;
		return false;
	}
	if (!d->free_list && !pool_grow(d)) {
		d->st.no_state++;
		return false;
	}
	s = d->free_list;
	d->free_list = s->next;
	memset(&s->nf, 0, sizeof(s->nf));
	s->in_use = 1;
	s->empty_seen = 0;
	s->turns = 0;
	f->dpi = s;
	d->st.inspected++;
	if (++d->st.live > d->st.peak_live)
		d->st.peak_live = d->st.live;
	return true;
}

/* Give f's state back: nDPI's own allocations (host names, URLs,
   certificates) are freed, the structure returns to the free list. */
static void release(struct dpi *d, struct flow *f)
{
	struct dpi_state *s = f->dpi;

	ndpi_free_flow_data(&s->nf);
	s->in_use = 0;
	s->next = d->free_list;
	d->free_list = s;
	f->dpi = NULL;
	d->st.live--;
}

/* Keep nDPI's answer in f. */
static void set_app(struct flow *f, ndpi_protocol pr, enum app_source src)
{
	f->app_master = pr.master_protocol;
	f->app = pr.app_protocol;
	if (f->app == f->app_master)
		f->app_master = 0;
	f->app_source = (f->app || f->app_master) ? (uint8_t)src : APP_SRC_NONE;
}

/* f is decided: keep nDPI's answer, count it, give the state back. */
static void decide(struct dpi *d, struct flow *f, ndpi_protocol pr,
		   enum app_source src)
{
	set_app(f, pr, src);
	if (f->app_source == APP_SRC_DPI) {
		d->st.by_dpi++;
		/* dpi_pkts counts the empty packets nDPI was not given, so
		   it can pass max_packets: past MAX_DPI_PACKETS, the last
		   slot. */
		d->st.decided_at[f->dpi_pkts <= MAX_DPI_PACKETS ?
				 f->dpi_pkts : MAX_DPI_PACKETS]++;
	} else if (f->app_source == APP_SRC_GUESS) {
		d->st.guessed++;
	} else {
		d->st.undetected++;
	}
	release(d, f);
}

/*
 * True when nDPI's dissectors read f's payload as the protocol they had
 * not yet confirmed when it gave up. nDPI 4.2's give-up sets its
 * "guessed" flag for every answer it returns (the last block of
 * ndpi_detection_giveup()), so the flag tells nothing, and it says
 * confidence DPI for answers that came from the port alone (any STUN
 * guess, port 3478 included). What the dissectors keep in the flow says
 * whether they read it: the STUN dissector counts the STUN messages it
 * parsed (it confirms STUN at the third), the TLS one marks a hello it
 * processed (the give-up names such a flow TLS).
 */
static bool payload_read(const struct ndpi_flow_struct *nf)
{
	return nf->stun.num_processed_pkts || nf->stun.num_binding_requests ||
	       nf->stun.num_udp_pkts || nf->protos.tls_quic.hello_processed;
}

/*
 * nDPI gives up on f: its guess from the ports, the addresses or its
 * cache of earlier flows (a guess), or an answer its dissectors reached
 * from the payload without confirming it in time (still a detection).
 */
static void give_up(struct dpi *d, struct flow *f)
{
	struct dpi_state *s = f->dpi;
	uint8_t guessed = 0;
	ndpi_protocol pr = ndpi_detection_giveup(d->mod, &s->nf, 1, &guessed);
	bool dpi = s->nf.confidence == NDPI_CONFIDENCE_DPI &&
		   (!guessed || payload_read(&s->nf));

	decide(d, f, pr, dpi ? APP_SRC_DPI : APP_SRC_GUESS);
}

/* A TCP segment or UDP datagram that carried nothing on the wire: no
   payload (none cut off by the snap length either), and for TCP no SYN,
   FIN or RST. */
static bool empty(const struct packet *p)
{
	if (p->payload_len > 0 || p->truncated)
		return false;
	if (p->proto == IPPROTO_TCP)
		return !(p->tcp_flags & (TCPF_SYN | TCPF_FIN | TCPF_RST));
	return p->proto == IPPROTO_UDP;
}

bool dpi_packet(struct dpi *d, struct flow *f, const struct packet *p)
{
	struct dpi_state *s = f->dpi;
	ndpi_protocol pr;

	/* A later IP fragment has no transport header for nDPI to read;
	   nDPI takes at most 65535 bytes (an IPv6 jumbogram would not fit);
	   past an IPv6 AH or mobility header nDPI 4.2 misreads the packet
	   and leaks a flow's TCP reassembly buffer (tests/crashes). */
	if ((p->fragment && !p->payload) || !p->l3 || p->l3_len > 0xffff ||
	    p->ext_opaque)
		return false;
	/* Every packet, for the statistics (saturated: empty ones do not
	   end a flow's turns, below). */
	if (f->dpi_pkts < UINT16_MAX)
		f->dpi_pkts++;
	/* Empty ACKs and datagrams are the sender's to send by the dozen,
	   and nDPI's dissectors read none: they used up a flow's turns,
	   ours and nDPI's own 32, before its first bytes came (SSH on 5222
	   after ten ACKs, STUN on 5060 after twelve empty datagrams, was a
	   guess, not a mismatch). nDPI is given the first, which ends the
	   handshake it follows; the limit counts what nDPI was given. */
	if (empty(p)) {
		if (s->empty_seen)
			return false;
		s->empty_seen = 1;
	}
	s->turns++;
	/* A pointer and a length, not a read: l3_len is what the decoder's
	   cursor left from l3 on (decode_ip.c), inside the captured frame,
	   so nDPI reads no byte the cursor did not bound. */
	pr = ndpi_detection_process_packet(d->mod, &s->nf, p->l3,
					   (unsigned short)p->l3_len,
					   p->ts_us / 1000);
	/* Only an answer from the payload decides early: a match by port,
	   address or cache is a guess, and later packets may do better. */
	if ((pr.app_protocol || pr.master_protocol) &&
	    s->nf.confidence == NDPI_CONFIDENCE_DPI) {
		decide(d, f, pr, APP_SRC_DPI);
		return true;
	}
	if (s->turns >= d->max_packets) {
		give_up(d, f);
		return true;
	}
	return false;
}

void dpi_flow_finish(struct dpi *d, struct flow *f)
{
	if (f->dpi)
		give_up(d, f);
}

void dpi_set_max_states(struct dpi *d, uint64_t n)
{
	d->st.max_states = n;
}

const struct dpi_stats *dpi_stats(const struct dpi *d)
{
	return &d->st;
}

const char *app_source_name(enum app_source s)
{
	return s == APP_SRC_DPI ? "dpi" : s == APP_SRC_GUESS ? "guess" : NULL;
}

const char *dpi_proto_name(const struct dpi *d, uint16_t id)
{
	const char *n;

	if (id == 0 || id >= d->n_protos)
		return "Unknown";
	n = ndpi_get_proto_name(d->mod, id);
	return n ? n : "Unknown";
}

uint16_t dpi_proto_id(const struct dpi *d, const char *name, size_t len)
{
	uint32_t i;

	for (i = 1; i < d->n_protos; i++) {
		const char *n = ndpi_get_proto_name(d->mod, (u_int16_t)i);

		if (n && strlen(n) == len && strncasecmp(n, name, len) == 0)
			return (uint16_t)i;
	}
	return 0;
}

bool dpi_proto_known(const struct dpi *d, const char *name, size_t len)
{
	return dpi_proto_id(d, name, len) != 0;
}

const char *dpi_app_name(const struct dpi *d, const struct flow *f,
			 char buf[DPI_NAME_MAX])
{
	if (!d || f->app_source == APP_SRC_NONE)
		return NULL;
	if (f->app_master && f->app)
		snprintf(buf, DPI_NAME_MAX, "%s.%s",
			 dpi_proto_name(d, f->app_master),
			 dpi_proto_name(d, f->app));
	else
		snprintf(buf, DPI_NAME_MAX, "%s",
			 dpi_proto_name(d, f->app ? f->app : f->app_master));
	return buf;
}

uint16_t dpi_wire_proto(const struct dpi *d, const struct flow *f)
{
	if (!f->app_master)
		return f->app;
	if (!f->app || (f->app_master < d->n_protos && d->carrier[f->app_master]))
		return f->app_master;
	/* A master that carries no sub-protocols is nDPI's port guess
	   written in front of what the payload showed (SIP.HTTP: HTTP on
	   SIP's port). */
	return f->app;
}
