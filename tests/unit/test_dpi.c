/*
 * test_dpi.c: the nDPI module: the rule that picks the protocol to check, the state pool, decisions on hand-written
 * packets, and the protocol-mismatch verdict on a small catalogue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalogue.h"
#include "classify.h"
#include "dpi.h"
#include "flow.h"
#include "options.h"

#define T0 1767225600000000ULL   /* 2026-01-01T00:00:00Z */
#define A4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static const uint32_t PUB = A4(192, 0, 2, 10);
static const uint32_t GW = A4(192, 0, 2, 30);
static const uint32_t CLIENT = A4(198, 51, 100, 7);

static uint16_t id(const struct dpi *d, const char *name)
{
	uint16_t i = dpi_proto_id(d, name, strlen(name));

	assert_int_not_equal(i, 0);
	return i;
}

/* ------------------------------------------------- nDPI fixture */

static int setup_dpi(void **state)
{
	struct dpi *d = dpi_new(4, DEF_DPI_MEMORY_MB);

	if (!d)
		return -1;
	*state = d;
	return 0;
}

static int teardown_dpi(void **state)
{
	dpi_free(*state);
	return 0;
}

static void test_names(void **state)
{
	struct dpi *d = *state;
	struct flow f;
	char buf[DPI_NAME_MAX];

	assert_true(dpi_proto_known(d, "Jabber", 6));
	assert_true(dpi_proto_known(d, "jabber", 6));
	assert_true(dpi_proto_known(d, "MsSQL-TDS", 9));
	assert_true(dpi_proto_known(d, "SIPX", 3));         /* len bytes only */
	assert_false(dpi_proto_known(d, "XMPP", 4));
	assert_false(dpi_proto_known(d, "Unknown", 7));
	assert_false(dpi_proto_known(d, "", 0));
	assert_string_equal(dpi_proto_name(d, 0), "Unknown");
	assert_string_equal(dpi_proto_name(d, 65535), "Unknown");
	assert_string_equal(dpi_proto_name(d, id(d, "postgresql")), "PostgreSQL");

	memset(&f, 0, sizeof(f));
	assert_null(dpi_app_name(d, &f, buf));
	f.app_source = APP_SRC_DPI;
	f.app = id(d, "SIP");
	assert_string_equal(dpi_app_name(d, &f, buf), "SIP");
	f.app_master = id(d, "TLS");
	f.app = id(d, "Google");
	assert_string_equal(dpi_app_name(d, &f, buf), "TLS.Google");
	assert_null(dpi_app_name(NULL, &f, buf));
	assert_null(app_source_name(APP_SRC_NONE));
	assert_string_equal(app_source_name(APP_SRC_DPI), "dpi");
	assert_string_equal(app_source_name(APP_SRC_GUESS), "guess");
}

/* What the mismatch rule checks of nDPI's MASTER.APP pair. */
static void test_wire_proto(void **state)
{
	struct dpi *d = *state;
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.app_source = APP_SRC_DPI;
	assert_int_equal(dpi_wire_proto(d, &f), 0);
	/* A lone protocol is itself. */
	f.app = id(d, "Jabber");
	assert_int_equal(dpi_wire_proto(d, &f), id(d, "Jabber"));
	/* A carrier's service: the carrier (TLS.Google on 8443 is TLS). */
	f.app_master = id(d, "TLS");
	f.app = id(d, "Google");
	assert_int_equal(dpi_wire_proto(d, &f), id(d, "TLS"));
	f.app_master = id(d, "HTTP");
	assert_int_equal(dpi_wire_proto(d, &f), id(d, "HTTP"));
	f.app_master = id(d, "DNS");
	assert_int_equal(dpi_wire_proto(d, &f), id(d, "DNS"));
	f.app_master = id(d, "QUIC");
	assert_int_equal(dpi_wire_proto(d, &f), id(d, "QUIC"));
	/* A master that carries nothing is the port's guess: SIP.HTTP is
	   HTTP on SIP's port. */
	f.app_master = id(d, "SIP");
	f.app = id(d, "HTTP");
	assert_int_equal(dpi_wire_proto(d, &f), id(d, "HTTP"));
	/* A master alone is itself. */
	f.app = 0;
	assert_int_equal(dpi_wire_proto(d, &f), id(d, "SIP"));
}

/* ------------------------------------------------- the pool */

static void test_pool(void **state)
{
	static struct flow f[DPI_POOL_CHUNK + 44];
	struct dpi *d = dpi_new(4, DEF_DPI_MEMORY_MB);
	const struct dpi_stats *st;
	size_t i, n = sizeof(f) / sizeof(f[0]);

	(void)state;
	assert_non_null(d);
	st = dpi_stats(d);
	assert_int_equal(st->pool, 0);          /* nothing until a flow comes */
	memset(f, 0, sizeof(f));
	for (i = 0; i < n; i++) {
		assert_true(dpi_flow_start(d, &f[i]));
		assert_non_null(f[i].dpi);
		if (i)
			assert_ptr_not_equal(f[i].dpi, f[i - 1].dpi);
	}
	/* Two chunks for 300 flows. */
	assert_int_equal(st->pool, 2 * DPI_POOL_CHUNK);
	assert_int_equal(st->live, n);
	assert_int_equal(st->peak_live, n);
	assert_int_equal(st->inspected, n);
	/* Flows ending undecided give their state back: no packet, so no
	   answer and no guess. */
	for (i = 0; i < n; i++) {
		dpi_flow_finish(d, &f[i]);
		assert_null(f[i].dpi);
		assert_int_equal(f[i].app_source, APP_SRC_NONE);
	}
	dpi_flow_finish(d, &f[0]);               /* decided: nothing to do */
	assert_int_equal(st->live, 0);
	assert_int_equal(st->undetected, n);
	/* The states are reused: the pool does not grow again. */
	for (i = 0; i < n; i++)
		assert_true(dpi_flow_start(d, &f[i]));
	assert_int_equal(st->pool, 2 * DPI_POOL_CHUNK);
	assert_int_equal(st->peak_live, n);
	/* Freed with states still lent out: the module frees them (the
	   sanitizer build checks no leak is left). */
	dpi_free(d);
}

/*
 * --dpi-memory: the cap in MB is a count of states (the measured size of
 * one, DPI_STATE_BYTES). Past it new flows are not inspected, and
 * counted; a state given back makes room for the next flow.
 */
static void test_memory_cap(void **state)
{
	static struct flow f[2000];
	struct dpi *d = dpi_new(4, 1);
	const struct dpi_stats *st;
	uint64_t cap = (1u << 20) / DPI_STATE_BYTES, i;

	(void)state;
	assert_non_null(d);
	st = dpi_stats(d);
	assert_int_equal(st->max_states, cap);
	assert_true(cap < 2000);
	memset(f, 0, sizeof(f));
	for (i = 0; i < 2000; i++)
		assert_true(dpi_flow_start(d, &f[i]) == (i < cap));
	assert_int_equal(st->live, cap);
	assert_int_equal(st->peak_live, cap);
	assert_int_equal(st->inspected, cap);
	assert_int_equal(st->over_cap, 2000 - cap);
	assert_int_equal(st->no_state, 0);
	/* The states are pooled in chunks: never more than the cap's. */
	assert_true(st->pool < cap + DPI_POOL_CHUNK);
	assert_null(f[cap].dpi);
	assert_int_equal(f[cap].app_source, APP_SRC_NONE);
	/* One flow ends: room for one more. */
	dpi_flow_finish(d, &f[0]);
	assert_true(dpi_flow_start(d, &f[cap]));
	assert_false(dpi_flow_start(d, &f[cap + 1]));
	assert_int_equal(st->over_cap, 2000 - cap + 1);
	dpi_free(d);
}

/* ------------------------------------------------- decisions */

/* IPv4 + UDP around payload, in buf; the packet's l3 points at it. */
static struct packet udp4(uint8_t *buf, size_t cap, uint32_t src,
			  uint16_t sport, uint32_t dst, uint16_t dport,
			  const char *payload, size_t plen)
{
	struct packet p;
	size_t tot = 20 + 8 + plen;

	assert_true(tot <= cap);
	memset(buf, 0, 28);
	buf[0] = 0x45;                       /* IPv4, 20-byte header */
	buf[2] = (uint8_t)(tot >> 8);
	buf[3] = (uint8_t)tot;
	buf[8] = 64;                         /* TTL */
	buf[9] = 17;                         /* UDP */
	buf[12] = (uint8_t)(src >> 24); buf[13] = (uint8_t)(src >> 16);
	buf[14] = (uint8_t)(src >> 8);  buf[15] = (uint8_t)src;
	buf[16] = (uint8_t)(dst >> 24); buf[17] = (uint8_t)(dst >> 16);
	buf[18] = (uint8_t)(dst >> 8);  buf[19] = (uint8_t)dst;
	buf[20] = (uint8_t)(sport >> 8); buf[21] = (uint8_t)sport;
	buf[22] = (uint8_t)(dport >> 8); buf[23] = (uint8_t)dport;
	buf[24] = (uint8_t)((8 + plen) >> 8); buf[25] = (uint8_t)(8 + plen);
	memcpy(buf + 28, payload, plen);

	memset(&p, 0, sizeof(p));
	p.ts_us = T0;
	p.family = 4;
	p.proto = 17;
	p.sport = sport;
	p.dport = dport;
	p.l3 = buf;
	p.l3_len = (uint32_t)tot;
	p.payload = buf + 28;
	p.payload_len = (uint32_t)plen;
	return p;
}

static const char sip_options[] =
	"OPTIONS sip:imp.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.30:5060;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\n"
	"To: <sip:imp.example.com>\r\n"
	"From: <sip:gw@192.0.2.30>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@192.0.2.30\r\n"
	"CSeq: 63104 OPTIONS\r\n"
	"Content-Length: 0\r\n\r\n";

/* SIP is named from the first packet's payload; the state goes back. */
static void test_decided_by_payload(void **state)
{
	struct dpi *d = *state;
	const struct dpi_stats *st = dpi_stats(d);
	uint8_t buf[1500];
	struct flow f;
	struct packet p = udp4(buf, sizeof(buf), GW, 5060, PUB, 5060,
			       sip_options, sizeof(sip_options) - 1);
	uint64_t by_dpi = st->by_dpi, at1 = st->decided_at[1];

	memset(&f, 0, sizeof(f));
	assert_true(dpi_flow_start(d, &f));
	assert_true(dpi_packet(d, &f, &p));
	assert_null(f.dpi);
	assert_int_equal(f.app_source, APP_SRC_DPI);
	assert_int_equal(f.app, id(d, "SIP"));
	assert_int_equal(f.app_master, 0);
	assert_int_equal(f.dpi_pkts, 1);
	assert_int_equal(st->by_dpi, by_dpi + 1);
	assert_int_equal(st->decided_at[1], at1 + 1);
	assert_int_equal(st->live, 0);
}

/* Opaque bytes on SIP's port: after the budget (4 packets), nDPI's guess
   from the port, marked as a guess. A later fragment is not counted. */
static void test_give_up_guess(void **state)
{
	struct dpi *d = *state;
	const struct dpi_stats *st = dpi_stats(d);
	uint8_t buf[256];
	struct flow f;
	struct packet p = udp4(buf, sizeof(buf), GW, 40000, PUB, 5060,
			       "\x8f\x13\x37\xc4\x01\x99\xee\x42", 8);
	struct packet frag = p;
	uint64_t guessed = st->guessed;
	int i;

	frag.fragment = 1;
	frag.payload = NULL;
	frag.payload_len = 0;
	memset(&f, 0, sizeof(f));
	assert_true(dpi_flow_start(d, &f));
	assert_false(dpi_packet(d, &f, &frag));
	assert_int_equal(f.dpi_pkts, 0);
	for (i = 0; i < 3; i++)
		assert_false(dpi_packet(d, &f, &p));
	assert_non_null(f.dpi);
	assert_true(dpi_packet(d, &f, &p));
	assert_null(f.dpi);
	assert_int_equal(f.dpi_pkts, 4);
	assert_int_equal(f.app_source, APP_SRC_GUESS);
	assert_int_equal(f.app, id(d, "SIP"));
	assert_int_equal(st->guessed, guessed + 1);
	assert_int_equal(st->live, 0);
}

/* A STUN Binding Request (RFC 5389 section 6: type 0x0001, length,
   magic cookie 0x2112A442, transaction id) with one USERNAME attribute
   (type 0x0006, 9 bytes, padded to 12). */
static const char stun_request[] =
	"\x00\x01\x00\x10\x21\x12\xa4\x42"
	"\x5a\x11\x7e\x01\x9c\x3b\x44\x02\xe7\x10\x6d\x03"
	"\x00\x06\x00\x09" "alice:bob" "\x00\x00\x00";

/* Its Binding Success Response (type 0x0101) with an XOR-MAPPED-ADDRESS
   (type 0x0020, 8 bytes: family 1, port and IPv4 address xored). */
static const char stun_response[] =
	"\x01\x01\x00\x0c\x21\x12\xa4\x42"
	"\x5a\x11\x7e\x01\x9c\x3b\x44\x02\xe7\x10\x6d\x03"
	"\x00\x20\x00\x08\x00\x01\xa1\x47\xe7\x21\xc0\x45";

/*
 * nDPI read the payload as STUN but wants three STUN packets to confirm:
 * a request and its response end the flow undecided. At the give-up nDPI
 * answers STUN (confidence DPI) and, as for every answer of its give-up,
 * says "guessed". The answer came from the payload: it stays dpi.
 */
static void test_give_up_keeps_payload_answer(void **state)
{
	struct dpi *d = *state;
	const struct dpi_stats *st = dpi_stats(d);
	uint8_t b1[256], b2[256];
	struct flow f;
	struct packet req = udp4(b1, sizeof(b1), CLIENT, 49200, PUB, 3478,
				 stun_request, sizeof(stun_request) - 1);
	struct packet rsp = udp4(b2, sizeof(b2), PUB, 3478, CLIENT, 49200,
				 stun_response, sizeof(stun_response) - 1);
	uint64_t by_dpi = st->by_dpi;
	char name[DPI_NAME_MAX];

	memset(&f, 0, sizeof(f));
	assert_true(dpi_flow_start(d, &f));
	assert_false(dpi_packet(d, &f, &req));
	assert_false(dpi_packet(d, &f, &rsp));
	dpi_flow_finish(d, &f);
	assert_null(f.dpi);
	assert_string_equal(dpi_app_name(d, &f, name), "STUN");
	assert_int_equal(f.app_source, APP_SRC_DPI);
	assert_int_equal(st->by_dpi, by_dpi + 1);
}

/* The same port with bytes that are no STUN: nDPI's give-up still says
   STUN (from the port) with confidence DPI, but its STUN dissector never
   read a message: a guess. */
static void test_give_up_port_only_is_guess(void **state)
{
	struct dpi *d = *state;
	uint8_t b1[256];
	struct flow f;
	struct packet p = udp4(b1, sizeof(b1), CLIENT, 49201, PUB, 3478,
			       "\x8f\x13\x37\xc4\x01\x99\xee\x42\x17\x00\x55"
			       "\x91\x3c\x28\x0f\x6b\xa0\x03\x44\x90\x12\x77",
			       22);
	char name[DPI_NAME_MAX];

	memset(&f, 0, sizeof(f));
	assert_true(dpi_flow_start(d, &f));
	assert_false(dpi_packet(d, &f, &p));
	dpi_flow_finish(d, &f);
	assert_string_equal(dpi_app_name(d, &f, name), "STUN");
	assert_int_equal(f.app_source, APP_SRC_GUESS);
}

/* ------------------------------------------------- the verdict */

static const char rules[] =
	"2 | sip-proxy | sip-gateway <-> imp | SIP | tcp,udp | 5060 | ephemeral | wire | SIP | SIP\n"
	"4 | tomcat-admin | browser -> imp | HTTPS | tls | 8443 | ephemeral | wire | TLS,HTTP | Admin\n"
	"30 | tomcat-admin | browser -> imp | HTTPS | tls | 8443 | bidirectional | wire | SOAP | Admin\n"
	"25 | imdb-presence-repl | imp -> imp | TCP | tcp | 6603 | ephemeral | wire | - | IMDB\n"
	"0 | site-anything | imp -> imp | TCP | tcp | 9999 | ephemeral | wire | any | Site\n"
	"8 | ids-db-upgrade | imp -> imp | TCP | tcp | 1501 | ephemeral | localhost | - | IDS\n"
	"0 | site-lower | imp -> imp | TCP | tcp | 7777 | ephemeral | wire | sip,tls | Lower\n";

static uint16_t app_id(void *ctx, const char *name, size_t len)
{
	return dpi_proto_id(ctx, name, len);
}

static void set4(struct ip_addr *a, uint32_t v)
{
	memset(a->b, 0, sizeof(a->b));
	a->b[10] = a->b[11] = 0xff;
	a->b[12] = (uint8_t)(v >> 24);
	a->b[13] = (uint8_t)(v >> 16);
	a->b[14] = (uint8_t)(v >> 8);
	a->b[15] = (uint8_t)v;
}

/*
 * The verdict of a TCP flow from CLIENT to PUB:dport (SYN first) whose
 * DPI answer is master.app (names, "" for none) from src.
 */
static unsigned last_findings;   /* of verdict_of()'s flow */

static enum verdict verdict_of(const struct catalogue *cat, struct dpi *d,
			       struct flow_table *ft, uint16_t dport,
			       const char *master, const char *app,
			       enum app_source src)
{
	static uint16_t cport = 40000;
	struct packet p;
	struct flow *f;
	bool is_new, from_b;

	memset(&p, 0, sizeof(p));
	p.ts_us = T0;
	p.wire_len = 60;
	p.family = 4;
	p.proto = 6;
	p.tcp_flags = TCPF_SYN;
	set4(&p.src, CLIENT);
	set4(&p.dst, PUB);
	p.sport = cport++;
	p.dport = dport;
	f = flow_lookup(ft, &p, &is_new, &from_b);
	assert_true(is_new);
	classify_flow(cat, f, &p, from_b);
	f->app_source = (uint8_t)src;
	f->app_master = *master ? id(d, master) : 0;
	f->app = *app ? id(d, app) : 0;
	classify_app(cat, d, f);
	last_findings = f->findings;
	return (enum verdict)f->verdict;
}

static void test_mismatch_verdict(void **state)
{
	struct dpi *d = *state;
	struct catalogue *cat = catalogue_new();
	struct flow_table *ft;
	struct limits lim;

	limits_default(&lim);
	lim.max_flows = 64;
	ft = flow_table_new(&lim, 1, NULL, NULL);
	assert_non_null(cat);
	assert_non_null(ft);
	catalogue_set_app_ids(cat, app_id, d);
	assert_int_equal(catalogue_parse(cat, "t.conf", rules, sizeof(rules) - 1,
					 false, stderr), 0);
	assert_int_equal(catalogue_build(cat, stderr), 0);

	/* HTTP on 5060, as nDPI writes it (SIP.HTTP): a mismatch. */
	assert_int_equal(verdict_of(cat, d, ft, 5060, "SIP", "HTTP", APP_SRC_DPI),
			 V_PROTOCOL_MISMATCH);
	assert_int_equal(verdict_of(cat, d, ft, 5060, "", "HTTP", APP_SRC_DPI),
			 V_PROTOCOL_MISMATCH);
	assert_int_equal(verdict_of(cat, d, ft, 5060, "", "SIP", APP_SRC_DPI),
			 V_DOCUMENTED);
	/* A guess, or no answer, is never a mismatch. */
	assert_int_equal(verdict_of(cat, d, ft, 5060, "", "HTTP", APP_SRC_GUESS),
			 V_DOCUMENTED);
	assert_int_equal(verdict_of(cat, d, ft, 5060, "", "", APP_SRC_NONE),
			 V_DOCUMENTED);
	/* 8443: TLS with any service inside is fine; SOAP is allowed by the
	   second row (the union of the rows counts); SSH or a tunnel is not. */
	assert_int_equal(verdict_of(cat, d, ft, 8443, "TLS", "Google", APP_SRC_DPI),
			 V_DOCUMENTED);
	assert_int_equal(verdict_of(cat, d, ft, 8443, "", "SOAP", APP_SRC_DPI),
			 V_DOCUMENTED);
	assert_int_equal(verdict_of(cat, d, ft, 8443, "", "SSH", APP_SRC_DPI),
			 V_PROTOCOL_MISMATCH);
	assert_int_equal(verdict_of(cat, d, ft, 8443, "", "OpenVPN", APP_SRC_DPI),
			 V_PROTOCOL_MISMATCH);
	/* "-": any identification is a mismatch; unknown payload is not. */
	assert_int_equal(verdict_of(cat, d, ft, 6603, "", "HTTP", APP_SRC_DPI),
			 V_PROTOCOL_MISMATCH);
	assert_int_equal(verdict_of(cat, d, ft, 6603, "", "", APP_SRC_NONE),
			 V_DOCUMENTED);
	/* "any": no check. */
	assert_int_equal(verdict_of(cat, d, ft, 9999, "", "OpenVPN", APP_SRC_DPI),
			 V_DOCUMENTED);
	/* Names are nDPI's whatever their case ("sip" is SIP), resolved once
	   at load. */
	assert_int_equal(verdict_of(cat, d, ft, 7777, "", "SIP", APP_SRC_DPI),
			 V_DOCUMENTED);
	assert_int_equal(verdict_of(cat, d, ft, 7777, "TLS", "Google", APP_SRC_DPI),
			 V_DOCUMENTED);
	assert_int_equal(verdict_of(cat, d, ft, 7777, "", "HTTP", APP_SRC_DPI),
			 V_PROTOCOL_MISMATCH);
	/* An undocumented flow keeps its verdict. */
	assert_int_equal(verdict_of(cat, d, ft, 6060, "", "SIP", APP_SRC_DPI),
			 V_UNDOCUMENTED);
	/* A local-only flow whose payload is another protocol is local-only
	   (it comes first), with the mismatch among its findings; with
	   unknown payload, or a guess, it is local-only alone. */
	assert_int_equal(verdict_of(cat, d, ft, 1501, "", "HTTP", APP_SRC_DPI),
			 V_LOCAL_ONLY);
	assert_int_equal(last_findings, (1u << V_LOCAL_ONLY) |
			 (1u << V_PROTOCOL_MISMATCH));
	assert_int_equal(verdict_of(cat, d, ft, 1501, "", "", APP_SRC_NONE),
			 V_LOCAL_ONLY);
	assert_int_equal(verdict_of(cat, d, ft, 1501, "", "HTTP", APP_SRC_GUESS),
			 V_LOCAL_ONLY);

	flow_table_free(ft);
	catalogue_free(cat);
}

/* With DPI on, an apps name nDPI does not know is a load error. */
static void test_unknown_app_name(void **state)
{
	static const char bad[] =
		"# header\n"
		"0 | site-db | imp -> postgresql-db | TCP | tcp | 15432 | ephemeral | wire | Postgres | DB\n";
	struct dpi *d = *state;
	struct catalogue *cat = catalogue_new();
	char msg[512] = "";
	FILE *err = fmemopen(msg, sizeof(msg) - 1, "w");

	assert_non_null(cat);
	assert_non_null(err);
	catalogue_set_app_ids(cat, app_id, d);
	assert_int_equal(catalogue_parse(cat, "site.conf", bad, sizeof(bad) - 1,
					 false, err), -1);
	fclose(err);
	assert_non_null(strstr(msg, "site.conf:2: unknown nDPI protocol 'Postgres'"));
	catalogue_free(cat);

	/* Without the check (DPI off) the same line loads. */
	cat = catalogue_new();
	assert_non_null(cat);
	assert_int_equal(catalogue_parse(cat, "site.conf", bad, sizeof(bad) - 1,
					 false, stderr), 0);
	catalogue_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_memory_cap),
		cmocka_unit_test_setup_teardown(test_names, setup_dpi, teardown_dpi),
		cmocka_unit_test_setup_teardown(test_wire_proto, setup_dpi, teardown_dpi),
		cmocka_unit_test_setup_teardown(test_decided_by_payload, setup_dpi,
						teardown_dpi),
		cmocka_unit_test_setup_teardown(test_give_up_guess, setup_dpi,
						teardown_dpi),
		cmocka_unit_test_setup_teardown(test_give_up_keeps_payload_answer,
						setup_dpi, teardown_dpi),
		cmocka_unit_test_setup_teardown(test_give_up_port_only_is_guess,
						setup_dpi, teardown_dpi),
		cmocka_unit_test_setup_teardown(test_mismatch_verdict, setup_dpi,
						teardown_dpi),
		cmocka_unit_test_setup_teardown(test_unknown_app_name, setup_dpi,
						teardown_dpi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
