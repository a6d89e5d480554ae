/*
 * test_classify.c: client and server, catalogue rows and verdicts of a
 * flow, against the built-in catalogue, through the real flow table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catalogue.h"
#include "classify.h"
#include "flow.h"
#include "hosts.h"
#include "options.h"
#include "record.h"

#define T0 1767225600000000ULL   /* 2026-01-01T00:00:00Z */
#define A4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static const uint32_t PUB = A4(192, 0, 2, 10);
static const uint32_t SUB = A4(192, 0, 2, 11);
static const uint32_t CLIENT = A4(198, 51, 100, 7);
static const uint32_t LO1 = A4(127, 0, 0, 1);
static const uint32_t LO2 = A4(127, 0, 0, 2);

struct fx {
	struct catalogue *cat;
	struct flow_table *ft;
};

static void set4(struct ip_addr *a, uint32_t v)
{
	memset(a->b, 0, sizeof(a->b));
	a->b[10] = a->b[11] = 0xff;
	a->b[12] = (uint8_t)(v >> 24);
	a->b[13] = (uint8_t)(v >> 16);
	a->b[14] = (uint8_t)(v >> 8);
	a->b[15] = (uint8_t)v;
}

static struct packet pkt(uint8_t proto, uint32_t src, uint16_t sport,
			 uint32_t dst, uint16_t dport, uint8_t flags)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.ts_us = T0;
	p.wire_len = 60;
	p.family = 4;
	p.proto = proto;
	p.tcp_flags = flags;
	set4(&p.src, src);
	set4(&p.dst, dst);
	p.sport = sport;
	p.dport = dport;
	return p;
}

static int setup(void **state)
{
	static struct fx x;
	struct limits lim;

	limits_default(&lim);
	lim.max_flows = 64;
	x.cat = catalogue_new();
	if (!x.cat || catalogue_load_embedded(x.cat, stderr) != 0 ||
	    catalogue_build(x.cat, stderr) != 0)
		return -1;
	x.ft = flow_table_new(&lim, 1, NULL, NULL);
	if (!x.ft)
		return -1;
	*state = &x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	flow_flush(x->ft, END_EOF);
	flow_table_free(x->ft);
	catalogue_free(x->cat);
	return 0;
}

/* The flow of p, classified on p as its first packet. */
static struct flow *first(struct fx *x, const struct packet *p)
{
	bool is_new, from_b;
	struct flow *f = flow_lookup(x->ft, p, &is_new, &from_b);

	assert_true(is_new);
	classify_flow(x->cat, f, p, from_b);
	return f;
}

static const char *service(struct fx *x, const struct flow *f)
{
	return f->service_row ? catalogue_row(x->cat, f->service_row - 1u)->service
			      : NULL;
}

static void assert_ends(const struct flow *f, uint32_t client, uint16_t cport,
			uint32_t server, uint16_t sport)
{
	struct ip_addr c, s;

	set4(&c, client);
	set4(&s, server);
	assert_memory_equal(flow_client_ip(f)->b, c.b, 16);
	assert_memory_equal(flow_server_ip(f)->b, s.b, 16);
	assert_int_equal(flow_client_port(f), cport);
	assert_int_equal(flow_server_port(f), sport);
}

/* The SYN sender is the client, even from a documented port to an
   undocumented one: the flow is then undocumented. */
static void test_syn_decides(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(6, CLIENT, 50000, PUB, 5222, TCPF_SYN);
	struct flow *f = first(x, &p);

	assert_int_equal(f->basis, BASIS_SYN);
	assert_ends(f, CLIENT, 50000, PUB, 5222);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_string_equal(service(x, f), "xcp-client-access");
	assert_true(f->tables == (UINT64_C(1) << 22));

	p = pkt(6, PUB, 5222, CLIENT, 40000, TCPF_SYN);
	f = first(x, &p);
	assert_int_equal(f->basis, BASIS_SYN);
	assert_ends(f, PUB, 5222, CLIENT, 40000);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	assert_int_equal(f->tables, 0);
	assert_null(service(x, f));
}

/* Only a SYN+ACK seen: its receiver is the client. */
static void test_synack_decides(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(6, PUB, 5269, SUB, 41000, TCPF_SYN | TCPF_ACK);
	struct flow *f = first(x, &p);

	assert_int_equal(f->basis, BASIS_SYNACK);
	assert_ends(f, SUB, 41000, PUB, 5269);
	assert_string_equal(service(x, f), "xcp-s2s");
}

/* A later packet of flow f, as the worker hands it to classify_resyn(). */
static bool resyn(struct fx *x, struct flow *f, const struct packet *p)
{
	bool is_new, from_b;

	assert_ptr_equal(flow_lookup(x->ft, p, &is_new, &from_b), f);
	assert_false(is_new);
	return classify_resyn(x->cat, NULL, f, p, from_b);
}

/* A first packet is the sender's to forge: a SYN-ACK or an ACK from SIP's
   5060 to 4444 says 5060 listens (believed: 4444 could be a client's).
   The SYN that follows opens the other way round: decided again, and a
   finding. A SYN from the server's side is decided again too; what the
   flow was found to be stays. The client's SYN again, an ACK, or a
   carrier change nothing. */
static void test_resyn(void **state)
{
	static const uint8_t lead[] = { TCPF_SYN | TCPF_ACK, TCPF_ACK };
	struct fx *x = *state;
	const uint32_t far = A4(203, 0, 113, 66);
	struct packet p;
	struct flow *f;
	size_t i;

	for (i = 0; i < sizeof lead; i++) {
		p = pkt(6, CLIENT, 5060, far, (uint16_t)(4444 + i), lead[i]);
		f = first(x, &p);
		assert_int_equal(f->verdict, V_DOCUMENTED);
		assert_ends(f, far, (uint16_t)(4444 + i), CLIENT, 5060);
		p = pkt(6, CLIENT, 5060, far, (uint16_t)(4444 + i), TCPF_ACK);
		assert_false(resyn(x, f, &p));
		p = pkt(6, CLIENT, 5060, far, (uint16_t)(4444 + i), TCPF_SYN);
		assert_true(resyn(x, f, &p));
		assert_int_equal(f->basis, BASIS_SYN);
		assert_ends(f, CLIENT, 5060, far, (uint16_t)(4444 + i));
		assert_int_equal(f->verdict, V_UNDOCUMENTED);
		assert_null(service(x, f));
		/* The client's SYN again: nothing new. */
		assert_false(resyn(x, f, &p));
	}

	/* A SYN to 5060 first, then one from 5060: a finding. */
	p = pkt(6, far, 4450, CLIENT, 5060, TCPF_SYN);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	p = pkt(6, CLIENT, 5060, far, 4450, TCPF_SYN);
	assert_true(resyn(x, f, &p));
	assert_ends(f, CLIENT, 5060, far, 4450);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	/* The other way round: documented by its SYN, undocumented it
	   was, and stays. */
	p = pkt(6, CLIENT, 5060, far, 4451, TCPF_SYN);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	p = pkt(6, far, 4451, CLIENT, 5060, TCPF_SYN);
	assert_true(resyn(x, f, &p));
	assert_ends(f, far, 4451, CLIENT, 5060);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	assert_int_equal(f->findings, 1u << V_UNDOCUMENTED);

	/* An ACK to 5061 (TLS only) first: its start unseen. A SYN from
	   5061 says 5061 is the client's: nothing left to judge for TLS,
	   and no longer counted as unjudged. */
	p = pkt(6, CLIENT, 40000, PUB, 5061, TCPF_ACK);
	f = first(x, &p);
	assert_int_equal(f->tls, FTLS_UNSEEN);
	p = pkt(6, PUB, 5061, CLIENT, 40000, TCPF_SYN);
	assert_true(resyn(x, f, &p));
	assert_ends(f, PUB, 5061, CLIENT, 40000);
	assert_int_equal(f->tls, FTLS_NONE);
	/* The other way, the SYN to 5061: its first bytes awaited. */
	p = pkt(6, CLIENT, 40001, PUB, 5061, TCPF_ACK);
	f = first(x, &p);
	p = pkt(6, CLIENT, 40001, PUB, 5061, TCPF_SYN);
	assert_true(resyn(x, f, &p));
	assert_int_equal(f->tls, FTLS_WAIT);

	/* UDP has no SYN. */
	p = pkt(17, CLIENT, 5060, far, 4452, 0);
	f = first(x, &p);
	p.tcp_flags = TCPF_SYN;
	assert_false(resyn(x, f, &p));
}

/* Mid-stream, a reply seen alone: the catalogue's listener is the server. */
static void test_catalogue_reply_only(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(17, PUB, 161, CLIENT, 50161, 0);
	struct flow *f = first(x, &p);

	assert_int_equal(f->basis, BASIS_CATALOGUE);
	assert_ends(f, CLIENT, 50161, PUB, 161);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_string_equal(service(x, f), "snmp-agent");
}

/* Table 12's trap receiver is known by its sender port alone. */
static void test_sender_port(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(17, SUB, 61441, PUB, 32001, 0);
	struct flow *f = first(x, &p);

	assert_int_equal(f->basis, BASIS_CATALOGUE);
	assert_ends(f, SUB, 61441, PUB, 32001);
	assert_string_equal(service(x, f), "snmp-trap-receiver");
	assert_true(f->tables == (UINT64_C(1) << 12));
}

/*
 * A first packet from a documented port says "I am the server": believed
 * only when the port it was sent to is one a client could have picked
 * (in --ephemeral-ports, 1024-65535 by default, and no listener of its
 * own). Otherwise the flow is judged as sent: its receiver is the server.
 */
static void test_claim_by_source_port(void **state)
{
	struct fx *x = *state;
	const uint32_t OUT = A4(203, 0, 113, 66);
	struct packet p = pkt(17, OUT, 5060, PUB, 443, 0);
	struct flow *f = first(x, &p);

	assert_int_equal(f->basis, BASIS_FIRST_PACKET);
	assert_ends(f, OUT, 5060, PUB, 443);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	assert_null(service(x, f));
	assert_int_equal(f->tables, 0);

	/* Table 12's fixed sender port is a claim too. */
	p = pkt(17, OUT, 61441, PUB, 443, 0);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	assert_int_equal(f->basis, BASIS_FIRST_PACKET);

	/* To another service's listener (UDP 8500, table 9, which wants
	   sender port 8500): no client port. */
	p = pkt(17, OUT, 5060, PUB, 8500, 0);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	assert_ends(f, OUT, 5060, PUB, 8500);

	/* To a port in the default range: a plausible client, believed. */
	p = pkt(6, OUT, 5222, PUB, 4444, TCPF_PSH | TCPF_ACK);
	f = first(x, &p);
	assert_int_equal(f->basis, BASIS_CATALOGUE);
	assert_ends(f, PUB, 4444, OUT, 5222);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_string_equal(service(x, f), "xcp-client-access");
}

/* A SYN-ACK alone is the same claim by its sender. */
static void test_claim_by_synack(void **state)
{
	struct fx *x = *state;
	const uint32_t OUT = A4(203, 0, 113, 66);
	struct packet p = pkt(6, OUT, 5222, PUB, 80, TCPF_SYN | TCPF_ACK);
	struct flow *f = first(x, &p);

	assert_int_equal(f->basis, BASIS_FIRST_PACKET);
	assert_ends(f, OUT, 5222, PUB, 80);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);

	/* An undocumented SYN-ACK keeps its direction: nothing to doubt. */
	p = pkt(6, OUT, 3389, PUB, 80, TCPF_SYN | TCPF_ACK);
	f = first(x, &p);
	assert_int_equal(f->basis, BASIS_SYNACK);
	assert_ends(f, PUB, 80, OUT, 3389);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
}

/* --ephemeral-ports narrows the client ports a claim may point at; a
   flow sent to a listener is not a claim and is not affected. */
static void test_claim_ephemeral_range(void **state)
{
	struct fx *x = *state;
	const uint32_t OUT = A4(203, 0, 113, 66);
	struct packet p;
	struct flow *f;

	catalogue_set_ephemeral(x->cat, 32768, 65535);
	p = pkt(6, OUT, 5222, PUB, 4445, TCPF_PSH | TCPF_ACK);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	assert_int_equal(f->basis, BASIS_FIRST_PACKET);
	assert_ends(f, OUT, 5222, PUB, 4445);

	p = pkt(6, PUB, 5222, CLIENT, 50001, TCPF_ACK);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_int_equal(f->basis, BASIS_CATALOGUE);

	/* Sent to the listener from a low port: no claim, documented. */
	p = pkt(6, CLIENT, 4446, PUB, 5222, TCPF_ACK);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	catalogue_set_ephemeral(x->cat, DEF_EPHEMERAL_LO, DEF_EPHEMERAL_HI);
}

/* A tunnel's carrier: judged by trust, its first sender the client,
   marked with its kind and VNI, no catalogue row. */
static void test_carrier(void **state)
{
	struct fx *x = *state;
	const uint32_t VTEP_A = A4(203, 0, 113, 1), VTEP_B = A4(203, 0, 113, 2);
	struct packet p = pkt(17, VTEP_B, 49320, VTEP_A, 4789, 0);
	struct tun_layer t;
	struct flow *f;
	bool is_new, from_b;

	memset(&t, 0, sizeof(t));
	t.src = p.src;
	t.dst = p.dst;
	t.sport = 49320;
	t.dport = 4789;
	t.kind = TUN_VXLAN;
	t.proto = 17;
	t.family = 4;
	t.has_id = 1;
	t.id = 42;
	f = flow_lookup(x->ft, &p, &is_new, &from_b);
	assert_true(is_new);
	classify_carrier(f, &t, false, from_b);
	assert_int_equal(f->verdict, V_UNTRUSTED_TUNNEL);
	assert_int_equal(f->basis, BASIS_FIRST_PACKET);
	assert_ends(f, VTEP_B, 49320, VTEP_A, 4789);
	assert_int_equal(f->carrier, FC_CARRIER | FC_TUN_ID);
	assert_int_equal(f->tun_id, 42);
	assert_int_equal(f->tunnel, TUN_VXLAN);
	assert_int_equal(f->tables, 0);
	assert_null(service(x, f));

	p = pkt(47, VTEP_A, 0, VTEP_B, 0, 0);
	t.src = p.src;
	t.dst = p.dst;
	t.sport = t.dport = 0;
	t.kind = TUN_GRE;
	t.proto = 47;
	t.has_id = 0;
	t.id = 0;
	f = flow_lookup(x->ft, &p, &is_new, &from_b);
	classify_carrier(f, &t, true, from_b);
	assert_int_equal(f->verdict, V_TRUSTED_TUNNEL);
	assert_int_equal(f->carrier, FC_CARRIER);
	assert_ends(f, VTEP_A, 0, VTEP_B, 0);
}

/* Nothing documented: the lower port listens. */
static void test_lower_port(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(17, PUB, 9999, CLIENT, 40999, 0);
	struct flow *f = first(x, &p);

	assert_int_equal(f->basis, BASIS_LOWER_PORT);
	assert_ends(f, CLIENT, 40999, PUB, 9999);
	assert_int_equal(f->verdict, V_UNDOCUMENTED);
}

/* ICMP: an echo reply comes from the server; a request goes to it. */
static void test_icmp(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(1, PUB, 0, A4(192, 0, 2, 20), 0, 0);
	struct flow *f;

	p.icmp_type = 0;      /* echo reply first */
	f = first(x, &p);
	assert_int_equal(f->basis, BASIS_FIRST_PACKET);
	assert_ends(f, A4(192, 0, 2, 20), 0, PUB, 0);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_true(f->tables == ((UINT64_C(1) << 17) | (UINT64_C(1) << 29)));

	p = pkt(1, CLIENT, 0, SUB, 0, 0);
	p.icmp_type = 8;      /* echo request */
	f = first(x, &p);
	assert_ends(f, CLIENT, 0, SUB, 0);
}

/* A localhost-only port: between hosts it is local-only, on loopback it
   is documented. */
static void test_local_only(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(6, CLIENT, 57070, PUB, 7070, TCPF_SYN);
	struct flow *f = first(x, &p);

	assert_int_equal(f->verdict, V_LOCAL_ONLY);
	assert_string_equal(service(x, f), "cert-manager");
	assert_true(f->tables == (UINT64_C(1) << 7));

	p = pkt(6, LO1, 57070, LO2, 7070, TCPF_SYN);
	p.loop_link = 1;
	f = first(x, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_string_equal(service(x, f), "cert-manager");
}

/* p's addresses as IPv6: ::ffff:a.b.c.d when mapped, else ::N with N
   the IPv4 address's last byte (::1 for 127.0.0.1). */
static void as_v6(struct packet *p, bool mapped)
{
	p->family = 6;
	if (mapped)
		return;   /* struct ip_addr holds IPv4 that way already */
	memset(p->src.b, 0, 15);
	memset(p->dst.b, 0, 15);
}

/* Loopback addresses are on loopback only when the first packet came
   from a loopback link (decode.h's loop_link): seen on a wire they are
   packets a host with route_localnet accepts, and a localhost-only port
   is local-only. IPv6 with IPv4-mapped 127.x is never loopback (RFC
   4291 2.5.5.2: not on the wire; Linux drops it). A first packet from
   lo does not keep a SYN from a wire on loopback. */
static void test_loopback_needs_its_link(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(6, LO1, 57070, LO2, 7070, TCPF_SYN);
	struct flow *f;

	flow_flush(x->ft, END_EOF);
	f = first(x, &p);
	assert_true(flow_on_wire(f));
	assert_int_equal(f->verdict, V_LOCAL_ONLY);
	flow_flush(x->ft, END_EOF);

	p = pkt(6, LO1, 57070, LO1, 5049, TCPF_SYN);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_LOCAL_ONLY);
	flow_flush(x->ft, END_EOF);
	p.loop_link = 1;
	f = first(x, &p);
	assert_false(flow_on_wire(f));
	assert_int_equal(f->verdict, V_DOCUMENTED);
	flow_flush(x->ft, END_EOF);

	/* ::1 on lo is loopback; ::ffff:127.0.0.1 is not, even there. */
	as_v6(&p, false);
	f = first(x, &p);
	assert_false(flow_on_wire(f));
	assert_int_equal(f->verdict, V_DOCUMENTED);
	flow_flush(x->ft, END_EOF);
	p = pkt(6, LO1, 57070, LO2, 5049, TCPF_SYN);
	p.loop_link = 1;
	as_v6(&p, true);
	f = first(x, &p);
	assert_true(flow_on_wire(f));
	assert_int_equal(f->verdict, V_LOCAL_ONLY);
	flow_flush(x->ft, END_EOF);

	/* An ACK from lo first, then the session from a wire: the first
	   packet from the wire adds the finding, and the SYN that decides
	   the flow again keeps it. */
	p = pkt(6, LO1, 57070, LO2, 5049, TCPF_ACK);
	p.loop_link = 1;
	f = first(x, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	classify_link(x->cat, NULL, f, &p, false);   /* from lo: nothing */
	assert_int_equal(f->verdict, V_DOCUMENTED);
	p.tcp_flags = TCPF_SYN;
	p.loop_link = 0;
	classify_link(x->cat, NULL, f, &p, false);
	assert_int_equal(f->verdict, V_LOCAL_ONLY);
	assert_true(resyn(x, f, &p));
	assert_int_equal(f->verdict, V_LOCAL_ONLY);
	flow_flush(x->ft, END_EOF);
}

/* The flow of p on its own, classified and judged for roles under h. */
static struct flow *judged(struct fx *x, const struct hosts *h,
			   const struct packet *p)
{
	struct flow *f;

	flow_flush(x->ft, END_EOF);
	f = first(x, p);
	classify_roles(x->cat, h, f);
	return f;
}

/* Roles are for flows between hosts: a flow on loopback never left its
   host, and 127.0.0.1 or ::1 is in no inventory. It stays documented.
   The same addresses from a wire are judged (a host that routes them
   answers the network), and so is a flow with one end loopback, or
   one that a packet from a wire joins after a first one from lo. TCP
   1500 is table 8's localhost row and table 30's CUCM -> publisher. */
static void test_roles_not_on_loopback(void **state)
{
	struct fx *x = *state;
	const char *text = "imp-publisher 192.0.2.10 pub\ncucm 192.0.2.20 cucm\n";
	struct hosts *h = hosts_parse("site.hosts", text, strlen(text), stderr);
	struct packet p = pkt(6, LO1, 51500, LO1, 1500, TCPF_SYN);
	struct flow *f;
	bool is_new, from_b;

	assert_non_null(h);
	p.loop_link = 1;
	f = judged(x, h, &p);
	assert_false(flow_on_wire(f));
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_int_equal(catalogue_row(x->cat, f->service_row - 1u)->table, 8);
	as_v6(&p, false);                         /* ::1 to ::1 */
	f = judged(x, h, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);

	/* The same from a wire: table 30's row, 127.0.0.1 no CUCM. */
	p = pkt(6, LO1, 51500, LO1, 1500, TCPF_SYN);
	f = judged(x, h, &p);
	assert_true(flow_on_wire(f));
	assert_int_equal(f->verdict, V_ROLE_VIOLATION);
	/* One end loopback, even from lo: between hosts. */
	p = pkt(6, LO1, 51500, PUB, 1500, TCPF_SYN);
	p.loop_link = 1;
	f = judged(x, h, &p);
	assert_int_equal(f->verdict, V_ROLE_VIOLATION);
	p = pkt(6, A4(192, 0, 2, 20), 51500, PUB, 1500, TCPF_SYN);
	f = judged(x, h, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);

	/* An ACK from lo first, then the SYN from a wire: the wire's
	   packet is judged for roles as it came. */
	p = pkt(6, LO1, 51500, LO1, 1500, TCPF_ACK);
	p.loop_link = 1;
	f = judged(x, h, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	p.tcp_flags = TCPF_SYN;
	p.loop_link = 0;
	assert_ptr_equal(flow_lookup(x->ft, &p, &is_new, &from_b), f);
	classify_link(x->cat, h, f, &p, from_b);
	assert_int_equal(f->verdict, V_ROLE_VIOLATION);
	flow_flush(x->ft, END_EOF);
	hosts_free(h);
}

/* TCP 1500 is localhost-only in table 8 and CUCM to publisher in table
   30: between hosts it is documented by the wire row, with both tables. */
static void test_port_of_two_scopes(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(6, A4(192, 0, 2, 20), 51500, PUB, 1500, TCPF_SYN);
	struct flow *f = first(x, &p);

	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_true(f->tables == ((UINT64_C(1) << 8) | (UINT64_C(1) << 30)));
	assert_int_equal(catalogue_row(x->cat, f->service_row - 1u)->table, 30);

	p = pkt(17, PUB, 40000, SUB, 50000, 0);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_int_equal(catalogue_row(x->cat, f->service_row - 1u)->scope,
			 SCOPE_WIRE);
}

/* A fixed sender range: table 31 counts only senders inside it. */
static void test_sender_range(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(6, A4(192, 0, 2, 20), 37240, PUB, 5070, TCPF_SYN);
	struct flow *f = first(x, &p);

	assert_true(f->tables == ((UINT64_C(1) << 30) | (UINT64_C(1) << 31)));
	p = pkt(6, A4(192, 0, 2, 20), 30000, PUB, 5070, TCPF_SYN);
	f = first(x, &p);
	assert_true(f->tables == (UINT64_C(1) << 30));
}

/* A protocol no row documents (ESP) is an undocumented flow of its own. */
static void test_other_protocol(void **state)
{
	struct fx *x = *state;
	struct packet p = pkt(50, PUB, 0, A4(203, 0, 113, 66), 0, 0);
	struct flow *f = first(x, &p);

	assert_int_equal(f->verdict, V_UNDOCUMENTED);
	assert_int_equal(f->basis, BASIS_FIRST_PACKET);
	assert_int_equal(f->key.proto, 50);
}

/* The roles rule: FROM -> TO, either way for "<->" rows and table 30's
   bidirectional ones; a host outside the inventory satisfies only the
   roles any host may hold. */
static void test_row_allows_roles(void **state)
{
	struct fx *x = *state;
	const uint32_t imp = UINT32_C(1) << ROLE_IMP;
	const uint32_t pub = imp | (UINT32_C(1) << ROLE_IMP_PUBLISHER);
	const uint32_t sub = imp | (UINT32_C(1) << ROLE_IMP_SUBSCRIBER);
	const uint32_t cucm = UINT32_C(1) << ROLE_CUCM;
	const uint32_t xmpp = UINT32_C(1) << ROLE_XMPP_CLIENT;
	const uint32_t gw = UINT32_C(1) << ROLE_SIP_GATEWAY;
	const struct cat_row *r22 = NULL, *r2 = NULL, *r30 = NULL, *r25 = NULL;
	size_t i;

	for (i = 0; i < catalogue_count(x->cat); i++) {
		const struct cat_row *r = catalogue_row(x->cat, i);

		if (r->table == 22 && !strcmp(r->service, "xcp-client-access"))
			r22 = r;
		if (r->table == 2 && !strcmp(r->service, "sip-proxy"))
			r2 = r;
		if (r->table == 30 && !strcmp(r->service, "imdb-presence-dual"))
			r30 = r;
		if (r->table == 25 && !strcmp(r->service, "imdb-presence-repl"))
			r25 = r;
	}
	assert_non_null(r22);
	assert_non_null(r2);
	assert_non_null(r30);
	assert_non_null(r25);
	/* xmpp-client -> imp: one way only; anyone may be an XMPP client. */
	assert_true(row_allows_roles(r22, xmpp, pub));
	assert_true(row_allows_roles(r22, 0, pub));
	assert_false(row_allows_roles(r22, pub, xmpp));
	assert_false(row_allows_roles(r22, cucm, pub));
	assert_false(row_allows_roles(r22, xmpp, 0));   /* an unknown IM&P */
	/* sip-gateway <-> imp: both ways. */
	assert_true(row_allows_roles(r2, gw, sub));
	assert_true(row_allows_roles(r2, pub, gw));
	assert_false(row_allows_roles(r2, xmpp, pub));
	/* Table 30's bidirectional subscriber -> publisher, not CUCM. */
	assert_true(row_allows_roles(r30, sub, pub));
	assert_true(row_allows_roles(r30, pub, sub));
	assert_false(row_allows_roles(r30, cucm, pub));
	assert_false(row_allows_roles(r30, sub, sub));
	/* imp -> imp: any two IM&P nodes, never an unknown host. */
	assert_true(row_allows_roles(r25, sub, pub));
	assert_false(row_allows_roles(r25, 0, pub));
}

/* Accepted with every prefix of b: bytes cut off by the snap length are
   not held against a flow until the one that decides is there. */
static void assert_tls_prefixes(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i <= n; i++)
		assert_true(tls_first_bytes(b, i));
}

/* Rejected once its first `at` bytes are captured, accepted before. */
static void assert_tls_rejected_at(const uint8_t *b, size_t n, size_t at)
{
	size_t i;

	for (i = 0; i <= n; i++) {
		if (i < at)
			assert_true(tls_first_bytes(b, i));
		else
			assert_false(tls_first_bytes(b, i));
	}
}

/* The first bytes a TLS client sends, and what is not one. */
static void test_tls_first_bytes(void **state)
{
	/* A ClientHello's record header, handshake header and
	   client_version, as SSL 3.0, TLS 1.0, OpenSSL's TLS 1.2 (record
	   3.1, hello 3.3), TLS 1.2 with record 3.3 and TLS 1.3 (record 3.1,
	   legacy_version 3.3, supported_versions in the extensions) send
	   them; tests/gen writes the TLS 1.2 one whole. */
	static const uint8_t ssl30[] = { 22, 3, 0, 0, 0x9a, 1, 0, 0, 0x96, 3, 0 };
	static const uint8_t hello10[] = { 22, 3, 1, 0, 0xc8, 1, 0, 0, 0xc4, 3, 1 };
	static const uint8_t hello12[] = { 22, 3, 1, 0, 0xc8, 1, 0, 0, 0xc4, 3, 3 };
	static const uint8_t hello12r[] = { 22, 3, 3, 0, 0xc8, 1, 0, 0, 0xc4, 3, 3 };
	static const uint8_t hello13[] = { 22, 3, 1, 2, 0, 1, 0, 1, 0xfc, 3, 3 };
	/* The record version TLS 1.3 itself names (RFC 5246 E.1: any 3.x
	   in a ClientHello's record). */
	static const uint8_t rec34[] = { 22, 3, 4, 0, 0xc8, 1, 0, 0, 0xc4, 3, 3 };
	/* The largest plaintext record, 2^14. */
	static const uint8_t max_len[] = { 22, 3, 1, 0x40, 0, 1, 0, 0x40, 0, 3, 3 };
	/* A ClientHello fragmented over records (RFC 5246 6.2.1): a record of
	   one byte, then the next record's header where client_version
	   would be; that is not this record's to judge. */
	static const uint8_t frag1[] = { 22, 3, 1, 0, 1, 1, 22, 3, 1, 0, 0xc7 };
	static const uint8_t frag5[] = { 22, 3, 1, 0, 5, 1, 0, 0, 0xc4, 3, 22 };
	static const uint8_t v2[] = { 0x80, 0x2e, 1, 3, 1 };        /* SSLv2 compat */
	static const uint8_t v2_20[] = { 0x80, 0x2e, 1, 0, 2 };     /* SSL 2.0 */
	static const uint8_t v2_bad[] = { 0x80, 0x2e, 1, 0, 3 };
	static const uint8_t v2_type[] = { 0x80, 0x2e, 4, 3, 1 };
	/* Records a client never sends first. */
	static const uint8_t appdata[] = { 23, 3, 3, 0, 0x20, '<', '?', 'x', 'm', 'l', ' ' };
	static const uint8_t alert[] = { 21, 3, 1, 0, 2, 2, 40 };
	static const uint8_t ccs[] = { 20, 3, 3, 0, 1, 1 };
	static const uint8_t heartbeat[] = { 24, 3, 3, 0, 3, 1, 0, 0 };
	static const uint8_t server_hello[] = { 22, 3, 3, 0, 0x4a, 2, 0, 0, 0x46, 3, 3 };
	static const uint8_t finished[] = { 22, 3, 3, 0, 0x10, 20, 0, 0, 0x0c, 3, 3 };
	static const uint8_t hello_req[] = { 22, 3, 3, 0, 4, 0, 0, 0, 0 };
	static const uint8_t len0[] = { 22, 3, 1, 0, 0, 1, 0, 0, 0xc4, 3, 3 };
	static const uint8_t len_over[] = { 22, 3, 1, 0x40, 1, 1, 0, 0x40, 1, 3, 3 };
	static const uint8_t len_max[] = { 22, 3, 1, 0xff, 0xff, 1, 0, 0xff, 0xfb, 3, 3 };
	static const uint8_t ver35[] = { 22, 3, 5, 0, 0xc8, 1, 0, 0, 0xc4, 3, 3 };
	static const uint8_t ver20[] = { 22, 2, 0, 0, 0xc8, 1, 0, 0, 0xc4, 3, 3 };
	static const uint8_t ver4[] = { 22, 4, 0, 0, 0xc8, 1, 0, 0, 0xc4, 3, 3 };
	static const uint8_t hello_v2[] = { 22, 3, 1, 0, 0xc8, 1, 0, 0, 0xc4, 2, 0 };
	static const uint8_t hello_v4[] = { 22, 3, 1, 0, 0xc8, 1, 0, 0, 0xc4, 4, 3 };
	static const char sip[] = "OPTIONS sip:imp@example.com SIP/2.0\r\n";
	static const char http[] = "POST /axl/ HTTP/1.1\r\n";
	static const uint8_t ldap[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x60 };

	(void)state;
	assert_tls_prefixes(ssl30, sizeof(ssl30));
	assert_tls_prefixes(hello10, sizeof(hello10));
	assert_tls_prefixes(hello12, sizeof(hello12));
	assert_tls_prefixes(hello12r, sizeof(hello12r));
	assert_tls_prefixes(hello13, sizeof(hello13));
	assert_tls_prefixes(rec34, sizeof(rec34));
	assert_tls_prefixes(max_len, sizeof(max_len));
	assert_tls_prefixes(frag1, sizeof(frag1));
	assert_tls_prefixes(frag5, sizeof(frag5));
	assert_tls_prefixes(v2, sizeof(v2));
	assert_tls_prefixes(v2_20, sizeof(v2_20));
	assert_tls_prefixes(NULL, 0);
	assert_false(tls_first_bytes(v2_bad, sizeof(v2_bad)));
	assert_false(tls_first_bytes(v2_type, sizeof(v2_type)));

	/* Each is rejected by the byte that shows it (0-based at - 1). */
	assert_tls_rejected_at(appdata, sizeof(appdata), 1);
	assert_tls_rejected_at(alert, sizeof(alert), 1);
	assert_tls_rejected_at(ccs, sizeof(ccs), 1);
	assert_tls_rejected_at(heartbeat, sizeof(heartbeat), 1);
	assert_tls_rejected_at(server_hello, sizeof(server_hello), 6);
	assert_tls_rejected_at(finished, sizeof(finished), 6);
	assert_tls_rejected_at(hello_req, sizeof(hello_req), 6);
	assert_tls_rejected_at(len0, sizeof(len0), 5);
	assert_tls_rejected_at(len_over, sizeof(len_over), 5);
	assert_tls_rejected_at(len_max, sizeof(len_max), 5);
	assert_tls_rejected_at(ver35, sizeof(ver35), 3);
	assert_tls_rejected_at(ver20, sizeof(ver20), 2);
	assert_tls_rejected_at(ver4, sizeof(ver4), 2);
	assert_tls_rejected_at(hello_v2, sizeof(hello_v2), 10);
	assert_tls_rejected_at(hello_v4, sizeof(hello_v4), 10);
	/* Cleartext: its first byte is enough. */
	assert_tls_rejected_at((const uint8_t *)sip, sizeof(sip) - 1, 1);
	assert_tls_rejected_at((const uint8_t *)http, sizeof(http) - 1, 1);
	assert_tls_rejected_at(ldap, sizeof(ldap), 1);
	/* SSL 2.0 hellos: the message type, then the version decide. */
	assert_tls_rejected_at(v2_type, sizeof(v2_type), 3);
	assert_tls_rejected_at(v2_bad, sizeof(v2_bad), 5);
}

/* One flow on tcp/dport from CLIENT, opened by a SYN with sequence
   number isn; then client segment seq carrying bytes b. */
static struct flow *tls_flow(struct fx *x, uint16_t cport, uint16_t dport,
			     uint32_t isn)
{
	struct packet p = pkt(6, CLIENT, cport, PUB, dport, TCPF_SYN);

	p.tcp_seq = isn;
	return first(x, &p);
}

static void tls_seg(struct fx *x, struct flow **f, uint16_t cport,
		    uint16_t dport, bool from_client, uint32_t seq,
		    const void *b, uint32_t n)
{
	struct packet p = from_client ?
		pkt(6, CLIENT, cport, PUB, dport, TCPF_ACK | TCPF_PSH) :
		pkt(6, PUB, dport, CLIENT, cport, TCPF_ACK | TCPF_PSH);
	bool is_new, from_b;

	p.tcp_seq = seq;
	p.payload = b;
	p.payload_len = n;
	p.tcp_head_len = (uint8_t)(n < TCP_HEAD_BYTES ? n : TCP_HEAD_BYTES);
	memcpy(p.tcp_head, b, p.tcp_head_len);
	*f = flow_lookup(x->ft, &p, &is_new, &from_b);
	assert_false(is_new);
	classify_tls(*f, &p, from_b);
}

/* On a TLS-only port the client's first payload decides: cleartext is
   a finding, TLS is not; a segment that is not the first byte (reply,
   reordered, after a loss) waits; a flow whose SYN was not seen, or a
   port that allows clear text, is never judged. */
static void test_cleartext(void **state)
{
	struct fx *x = *state;
	static const char sip[] = "REGISTER sip:imp SIP/2.0\r\n";
	static const uint8_t hello[] = { 22, 3, 1, 0, 100, 1 };
	struct flow *f;
	struct packet p;

	/* SIP in clear on 5061. */
	f = tls_flow(x, 51001, 5061, 1000);
	assert_int_equal(f->tls, FTLS_WAIT);
	tls_seg(x, &f, 51001, 5061, false, 7000, sip, sizeof(sip) - 1);
	assert_int_equal(f->tls, FTLS_WAIT);      /* the server's bytes */
	tls_seg(x, &f, 51001, 5061, true, 1101, sip, sizeof(sip) - 1);
	assert_int_equal(f->tls, FTLS_WAIT);      /* not the first byte */
	tls_seg(x, &f, 51001, 5061, true, 1001, sip, sizeof(sip) - 1);
	assert_int_equal(f->tls, FTLS_CLEAR);
	assert_int_equal(f->verdict, V_CLEARTEXT);
	assert_int_equal(f->findings, 1u << V_CLEARTEXT);
	assert_string_equal(service(x, f), "sip-proxy-tls");
	/* Decided once: a later TLS-looking segment changes nothing. */
	tls_seg(x, &f, 51001, 5061, true, 1001, hello, sizeof(hello));
	assert_int_equal(f->verdict, V_CLEARTEXT);

	/* TLS on 8443, the sequence number wrapping past 2^32. */
	f = tls_flow(x, 51002, 8443, 0xffffffffu);
	tls_seg(x, &f, 51002, 8443, true, 0, hello, sizeof(hello));
	assert_int_equal(f->tls, FTLS_OK);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	assert_int_equal(f->findings, 0);

	/* Data in the SYN itself (TCP Fast Open). */
	p = pkt(6, CLIENT, 51003, PUB, 636, TCPF_SYN);
	p.tcp_seq = 5;
	p.payload = (const uint8_t *)sip;
	p.payload_len = sizeof(sip) - 1;
	p.tcp_head_len = TCP_HEAD_BYTES;
	memcpy(p.tcp_head, sip, TCP_HEAD_BYTES);
	f = first(x, &p);
	assert_int_equal(f->verdict, V_CLEARTEXT);

	/* A segment that begins before the first byte and holds it: its
	   receiver keeps the bytes from the first on, which decide; from
	   the head alone when the frame was not kept, and when the head
	   does not hold them, cleartext. One that ends before it waits. */
	{
		static const char early[] = "xREGISTER sip:imp SIP/2.0\r\n";
		static const uint8_t hello1[] = { 'x', 22, 3, 1, 0, 100, 1 };
		struct packet q;
		bool is_new, from_b;

		f = tls_flow(x, 51011, 5061, 1000);
		tls_seg(x, &f, 51011, 5061, true, 999, "x", 1);
		assert_int_equal(f->tls, FTLS_WAIT);
		tls_seg(x, &f, 51011, 5061, true, 1000, early,
			sizeof(early) - 1);
		assert_int_equal(f->tls, FTLS_CLEAR);
		assert_int_equal(f->verdict, V_CLEARTEXT);

		f = tls_flow(x, 51012, 5061, 1000);
		tls_seg(x, &f, 51012, 5061, true, 1000, hello1,
			sizeof(hello1));
		assert_int_equal(f->tls, FTLS_OK);
		assert_int_equal(f->verdict, V_DOCUMENTED);

		/* No frame kept, 20 bytes before: not in the head. */
		f = tls_flow(x, 51013, 5061, 1000);
		q = pkt(6, CLIENT, 51013, PUB, 5061, TCPF_ACK | TCPF_PSH);
		q.tcp_seq = 981;
		q.payload_len = 40;
		q.tcp_head_len = TCP_HEAD_BYTES;
		memcpy(q.tcp_head, hello, sizeof(hello));
		f = flow_lookup(x->ft, &q, &is_new, &from_b);
		classify_tls(f, &q, from_b);
		assert_int_equal(f->tls, FTLS_CLEAR);
		/* The head holds them: judged on them. */
		f = tls_flow(x, 51014, 5061, 1000);
		q = pkt(6, CLIENT, 51014, PUB, 5061, TCPF_ACK | TCPF_PSH);
		q.tcp_seq = 1000;
		q.payload_len = 7;
		q.tcp_head_len = 7;
		memcpy(q.tcp_head, hello1, 7);
		f = flow_lookup(x->ft, &q, &is_new, &from_b);
		classify_tls(f, &q, from_b);
		assert_int_equal(f->tls, FTLS_OK);
	}

	/* Mid-stream: the start unseen, never judged, and said so. */
	p = pkt(6, CLIENT, 51004, PUB, 5061, TCPF_ACK | TCPF_PSH);
	p.payload = (const uint8_t *)sip;
	p.payload_len = sizeof(sip) - 1;
	p.tcp_head_len = TCP_HEAD_BYTES;
	memcpy(p.tcp_head, sip, TCP_HEAD_BYTES);
	f = first(x, &p);
	assert_int_equal(f->tls, FTLS_UNSEEN);
	assert_int_equal(f->verdict, V_DOCUMENTED);
	classify_tls(f, &p, false);
	assert_int_equal(f->tls, FTLS_UNSEEN);

	/* STARTTLS ports and 8080 allow clear text. */
	f = tls_flow(x, 51005, 5222, 1);
	assert_int_equal(f->tls, FTLS_NONE);
	f = tls_flow(x, 51006, 8080, 1);
	assert_int_equal(f->tls, FTLS_NONE);
	f = tls_flow(x, 51007, 389, 1);
	assert_int_equal(f->tls, FTLS_NONE);
	/* Every TLS-only port of the built-in catalogue waits. */
	f = tls_flow(x, 51008, 5062, 1);
	assert_int_equal(f->tls, FTLS_WAIT);
	f = tls_flow(x, 51009, 8083, 1);
	assert_int_equal(f->tls, FTLS_WAIT);
	f = tls_flow(x, 51010, 7336, 1);
	assert_int_equal(f->tls, FTLS_WAIT);
}

/* Ports worth trying: every row's port spans at and around their ends,
   and a few more. Returns how many were written to out (max n). */
static size_t row_ports(const struct catalogue *cat, uint16_t *out, size_t n)
{
	static const uint16_t more[] = { 0, 1, 7, 53, 1023, 1024, 30000,
					 37240, 40000, 49152, 57070, 65535 };
	size_t i, k = 0, r, j;

	for (i = 0; i < sizeof(more) / sizeof(more[0]) && k < n; i++)
		out[k++] = more[i];
	for (r = 0; r < catalogue_count(cat); r++) {
		const struct cat_row *row = catalogue_row(cat, r);

		for (j = 0; j < row->n_dport && k + 3 <= n; j++) {
			out[k++] = row->dport[j].lo;
			out[k++] = row->dport[j].hi;
			out[k++] = (uint16_t)(row->dport[j].hi + 1u);
		}
		for (j = 0; j < row->n_sport && k + 2 <= n; j++) {
			out[k++] = row->sport[j].lo;
			out[k++] = row->sport[j].hi;
		}
	}
	return k;
}

/* Classify p's flow and check the rows it kept against those looked up
   again, from the flow and from its record. True when it kept some. */
static bool check_kept(struct fx *x, const struct packet *p)
{
	struct engine e;
	struct flow_record *r = test_malloc(sizeof(*r));
	struct cat_hits want, got;
	struct flow *f = first(x, p);
	bool kept = f->nrows != 0;

	classify_rows(x->cat, f, &want);
	/* Every documented flow keeps its rows, unless too many. */
	if (f->verdict == V_DOCUMENTED || f->verdict == V_LOCAL_ONLY)
		assert_int_equal(f->nrows, want.n <= FLOW_ROWS ? want.n : 0);
	else if (f->verdict != V_CLEARTEXT)
		assert_int_equal(f->nrows, 0);
	flow_rows(x->cat, f, &got);
	assert_int_equal(got.n, want.n);
	assert_memory_equal(got.rows, want.rows, want.n * sizeof(want.rows[0]));
	memset(&e, 0, sizeof(e));
	record_from_flow(r, f, NULL, &e);
	record_rows(x->cat, r, &got);
	assert_int_equal(got.n, want.n);
	assert_memory_equal(got.rows, want.rows, want.n * sizeof(want.rows[0]));
	test_free(r);
	flow_flush(x->ft, END_EOF);
	return kept;
}

/* The rows classify_flow() keeps for a flow's end are those
   classify_rows() finds again, whatever decided the direction (a SYN, a
   SYN-ACK, the catalogue at any of its four steps, a claim believed or
   not, the lower port), on the wire and on loopback. */
static void test_kept_rows(void **state)
{
	static const uint8_t flags[] = { TCPF_SYN, TCPF_SYN | TCPF_ACK,
					 TCPF_ACK, 0 };
	struct fx *x = *state;
	uint16_t ports[600];
	size_t n = row_ports(x->cat, ports, 600), i, j, k;
	uint32_t kept = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			for (k = 0; k < sizeof(flags); k++) {
				struct packet p = pkt(6, CLIENT, ports[i], PUB,
						      ports[j], flags[k]);

				kept += check_kept(x, &p);
			}
			for (k = 0; k < 2; k++) {
				struct packet p = pkt(17, k ? LO1 : CLIENT,
						      ports[i], k ? LO2 : PUB,
						      ports[j], 0);

				p.loop_link = (uint8_t)k;
				kept += check_kept(x, &p);
			}
		}
	}
	for (i = 0; i < 2; i++) {
		struct packet p = pkt(1, CLIENT, 0, PUB, 0, 0);

		p.icmp_type = i ? 0 : 8;   /* echo reply, request */
		kept += check_kept(x, &p);
	}
	assert_true(kept > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_decides),
		cmocka_unit_test(test_synack_decides),
		cmocka_unit_test(test_resyn),
		cmocka_unit_test(test_catalogue_reply_only),
		cmocka_unit_test(test_sender_port),
		cmocka_unit_test(test_claim_by_source_port),
		cmocka_unit_test(test_claim_by_synack),
		cmocka_unit_test(test_claim_ephemeral_range),
		cmocka_unit_test(test_carrier),
		cmocka_unit_test(test_lower_port),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_local_only),
		cmocka_unit_test(test_loopback_needs_its_link),
		cmocka_unit_test(test_roles_not_on_loopback),
		cmocka_unit_test(test_port_of_two_scopes),
		cmocka_unit_test(test_sender_range),
		cmocka_unit_test(test_other_protocol),
		cmocka_unit_test(test_row_allows_roles),
		cmocka_unit_test(test_tls_first_bytes),
		cmocka_unit_test(test_cleartext),
		cmocka_unit_test(test_kept_rows),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
