/*
 * test_connstate.c: Zeek's conn_state for hand-built conversations, one
 * or more for every code, each run through the flow table twice: with
 * the client as side A and as side B of the flow's key.
 *
 * A conversation is a string of packets, "C:S S:SA C:A": who sends (C
 * the client, S the server) and the TCP flags (S SYN, A ACK, F FIN, R
 * RST), D for 10 bytes of payload, ~ for a later IP fragment (no TCP
 * header). The expected codes follow Zeek's rules (connstate.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "connstate.h"
#include "options.h"

#define LOW  0x0a000001u   /* 10.0.0.1: side A of the key */
#define HIGH 0x0a000002u   /* 10.0.0.2: side B */

static void ip4(struct ip_addr *a, uint32_t v)
{
	memset(a, 0, sizeof *a);
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	a->b[12] = (uint8_t)(v >> 24);
	a->b[13] = (uint8_t)(v >> 16);
	a->b[14] = (uint8_t)(v >> 8);
	a->b[15] = (uint8_t)v;
}

/* The packet of one token, client at address `client`. */
static struct packet token(const char *tok, size_t len, uint8_t proto,
			   uint32_t client, uint64_t ts)
{
	uint32_t server = client == LOW ? HIGH : LOW;
	bool from_client = tok[0] == 'C';
	struct packet p;
	size_t i;

	memset(&p, 0, sizeof p);
	p.ts_us = ts;
	p.wire_len = 60;
	p.family = 4;
	p.proto = proto;
	ip4(&p.src, from_client ? client : server);
	ip4(&p.dst, from_client ? server : client);
	p.sport = from_client ? 40000 : 5222;
	p.dport = from_client ? 5222 : 40000;
	p.l4_off = 20;
	for (i = 2; i < len; i++) {
		switch (tok[i]) {
		case 'S': p.tcp_flags |= TCPF_SYN; break;
		case 'A': p.tcp_flags |= TCPF_ACK; break;
		case 'F': p.tcp_flags |= TCPF_FIN; break;
		case 'R': p.tcp_flags |= TCPF_RST; break;
		case 'D': p.payload = (const uint8_t *)"0123456789";
			  p.payload_len = 10; break;
		case '~': p.fragment = 1; p.l4_off = 0; break;
		default: fail_msg("bad token %.*s", (int)len, tok);
		}
	}
	return p;
}

/* The conn_state of conversation `conv` over proto, with the client at
   address client. */
static enum conn_state run(const char *conv, uint8_t proto, uint32_t client)
{
	struct limits l;
	struct flow_table *t;
	struct flow *f = NULL;
	const char *s = conv;
	uint64_t ts = 1700000000000000ull;
	enum conn_state cs;

	limits_default(&l);
	l.max_flows = 4;
	t = flow_table_new(&l, 3, NULL, NULL);
	assert_non_null(t);
	while (*s) {
		size_t n = strcspn(s, " ");
		struct packet p = token(s, n, proto, client, ts++);
		bool is_new;

		f = flow_lookup(t, &p, &is_new, NULL);
		/* The client as classify.h decides it, fixed by the script:
		   server_is_b when the client is side A. */
		f->server_is_b = client == LOW;
		s += n;
		s += strspn(s, " ");
	}
	assert_non_null(f);
	cs = conn_state(f);
	flow_table_free(t);
	return cs;
}

struct tcase {
	const char *conv;
	enum conn_state want;
};

static const struct tcase tcp_cases[] = {
	{ "C:S", CS_S0 },
	{ "C:S C:S C:S", CS_S0 },                       /* retransmitted */
	{ "C:S S:A", CS_S0 },                           /* SYN acked before the SYN+ACK */
	{ "C:S S:~", CS_S0 },                           /* a later fragment is no segment */
	{ "C:S S:AD", CS_OTH },                         /* data without a SYN+ACK */
	{ "C:S S:SA C:A C:AD S:AD", CS_S1 },
	{ "C:S S:S C:SA S:SA C:A", CS_S1 },             /* simultaneous open */
	{ "S:SA C:A C:AD S:AD", CS_S1 },                /* the SYN was missed */
	{ "C:~ S:SA C:A C:AD S:AD", CS_S1 },            /* ...and a fragment came first */
	{ "C:S S:SA C:A C:AD S:AD C:FA S:FA C:A", CS_SF },
	{ "C:S S:SA C:A C:FA C:R S:FA", CS_SF },        /* FIN, RST, then the peer's FIN */
	{ "C:S S:SA C:A C:FA S:FA C:R", CS_SF },        /* RST after both FINs */
	{ "C:AD S:AD C:FA S:FA", CS_SF },               /* midstream, then closed */
	{ "C:S S:RA", CS_REJ },
	{ "C:S S:R", CS_REJ },
	{ "C:S S:SA C:A C:R S:R", CS_REJ },             /* both reset, no data */
	{ "C:S S:SA C:A C:FA", CS_S2 },
	{ "C:S S:SA C:A C:AD S:AD S:FA", CS_S3 },
	{ "C:S S:SA C:A C:AD C:R", CS_RSTO },
	{ "C:S S:SA C:A C:R S:FA", CS_RSTO },           /* RST first: no normal close */
	{ "C:S S:SA C:A C:AD S:RA", CS_RSTR },
	{ "C:S S:SA C:A C:AD C:R S:R", CS_RSTR },       /* both reset after data */
	{ "C:S C:R", CS_RSTOS0 },
	{ "C:S C:RA", CS_RSTOS0 },
	{ "C:S C:S C:AD C:R", CS_RSTOS0 },              /* data is no forbidden letter */
	{ "C:S C:R C:A", CS_RSTOS0 },                   /* what follows the RST counts not */
	{ "C:S C:A C:R", CS_OTH },                      /* a pure ACK before the RST */
	{ "C:S C:SR", CS_OTH },                         /* SYN+RST: Q, not R */
	{ "S:A C:S C:R", CS_OTH },                      /* the history starts with a */
	{ "S:SA S:R", CS_RSTRH },
	{ "S:SA S:RA C:A", CS_RSTRH },
	{ "C:S C:F", CS_SH },
	{ "C:S C:FA", CS_SH },
	{ "S:SA S:FA", CS_SHR },
	{ "C:AD", CS_OTH },
	{ "C:AD S:AD", CS_OTH },
	{ "C:A S:A C:AD", CS_OTH },
};

static void test_tcp(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof tcp_cases / sizeof tcp_cases[0]; i++) {
		const struct tcase *c = &tcp_cases[i];
		enum conn_state a = run(c->conv, IPPROTO_NUM_TCP, LOW);
		enum conn_state b = run(c->conv, IPPROTO_NUM_TCP, HIGH);

		printf("  %-40s %-6s (client A %s, client B %s)\n", c->conv,
		       conn_state_name(c->want), conn_state_name(a),
		       conn_state_name(b));
		assert_int_equal(a, c->want);
		assert_int_equal(b, c->want);
	}
}

/* Every code has a conversation above. */
static void test_every_code_covered(void **state)
{
	bool seen[CS_COUNT] = { false };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof tcp_cases / sizeof tcp_cases[0]; i++)
		seen[tcp_cases[i].want] = true;
	for (i = 0; i < CS_COUNT; i++) {
		if (!seen[i])
			fail_msg("no conversation ends in %s",
				 conn_state_name((enum conn_state)i));
	}
}

/* UDP: who sent; everything else: OTH (Zeek's rules). */
static void test_udp_and_others(void **state)
{
	(void)state;
	assert_int_equal(run("C:", IPPROTO_NUM_UDP, LOW), CS_S0);
	assert_int_equal(run("C: C:", IPPROTO_NUM_UDP, HIGH), CS_S0);
	assert_int_equal(run("C: S:", IPPROTO_NUM_UDP, LOW), CS_SF);
	assert_int_equal(run("S: C:", IPPROTO_NUM_UDP, HIGH), CS_SF);
	assert_int_equal(run("S:", IPPROTO_NUM_UDP, LOW), CS_SHR);
	assert_int_equal(run("S: S:", IPPROTO_NUM_UDP, HIGH), CS_SHR);
	assert_int_equal(run("C: S:", IPPROTO_NUM_ICMP, LOW), CS_OTH);
	assert_int_equal(run("C:", IPPROTO_NUM_ICMPV6, LOW), CS_OTH);
	assert_int_equal(run("C: S:", 47, HIGH), CS_OTH);
}

/* The per-packet path keeps a connection's states in its flow: a new
   conversation on the same ports (after a close) starts from nothing. */
static void test_new_flow_starts_inactive(void **state)
{
	struct limits l;
	struct flow_table *t;
	struct flow *f;
	struct packet p;
	const char *conv[] = { "C:S", "S:SA", "C:A", "C:FA", "S:FA", "C:A" };
	size_t i;

	(void)state;
	limits_default(&l);
	l.max_flows = 4;
	t = flow_table_new(&l, 3, NULL, NULL);
	assert_non_null(t);
	for (i = 0; i < 6; i++) {
		p = token(conv[i], strlen(conv[i]), IPPROTO_NUM_TCP, LOW, 10 + i);
		f = flow_lookup(t, &p, NULL, NULL);
		f->server_is_b = 1;
	}
	assert_int_equal(conn_state(f), CS_SF);
	/* A fresh SYN on the closed four-tuple: a new flow. */
	p = token("C:S", 3, IPPROTO_NUM_TCP, LOW, 20);
	f = flow_lookup(t, &p, NULL, NULL);
	f->server_is_b = 1;
	assert_int_equal(f->pkts[0] + f->pkts[1], 1);
	assert_int_equal(conn_state(f), CS_S0);
	assert_int_equal(connstate_tcp_end(f, 0), ZT_SYN_SENT);
	assert_int_equal(connstate_tcp_end(f, 1), ZT_INACTIVE);
	flow_table_free(t);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(conn_state_name(CS_S0), "S0");
	assert_string_equal(conn_state_name(CS_RSTOS0), "RSTOS0");
	assert_string_equal(conn_state_name(CS_OTH), "OTH");
	assert_string_equal(conn_state_name(CS_COUNT), "OTH");
	assert_string_equal(conn_state_desc(CS_REJ), "connection attempt rejected");
	assert_string_equal(conn_state_desc(CS_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_every_code_covered),
		cmocka_unit_test(test_udp_and_others),
		cmocka_unit_test(test_new_flow_starts_inactive),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
