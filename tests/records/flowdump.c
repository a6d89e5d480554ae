/*
 * flowdump.c: the record fields of issue 16 for every flow of captures,
 * through impwatch's decoder, flow table and direction rule, one line per
 * flow as it ends, for check_flows.py to compare with what tshark sees:
 *
 *   PROTO CLIENT CPORT SERVER SPORT COMMUNITY_ID CONN_STATE
 *   CPKTS SPKTS CIP_BYTES SIP_BYTES CDSCP SDSCP CCHANGED SCHANGED
 *
 * (C the client's side, S the server's; ports 0 for ICMP and others;
 * "-" for no Community ID). Usage: flowdump PCAP... Exit 0, or 1 when a
 * file cannot be read. A test driver: no output of impwatch changes.
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "classify.h"
#include "community_id.h"
#include "connstate.h"
#include "decode.h"
#include "flow.h"
#include "options.h"

static void put_addr(const struct flow *f, const struct ip_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	if (f->key.family == 4)
		inet_ntop(AF_INET, a->b + 12, s, sizeof s);
	else
		inet_ntop(AF_INET6, a->b, s, sizeof s);
	printf("%s", s);
}

/* The end callback: one line per flow. */
static void on_end(void *ctx, struct flow *f)
{
	unsigned c = f->server_is_b ? 0 : 1, s = c ^ 1;
	char id[COMMUNITY_ID_LEN];

	(void)ctx;
	if (community_id_flow(f, 0, id) != 0)
		strcpy(id, "-");
	printf("%u ", f->key.proto);
	put_addr(f, flow_client_ip(f));
	printf(" %u ", flow_client_port(f));
	put_addr(f, flow_server_ip(f));
	printf(" %u %s %s %u %u %llu %llu %u %u %d %d\n", flow_server_port(f),
	       id, conn_state_name(conn_state(f)), f->pkts[c], f->pkts[s],
	       (unsigned long long)f->ip_bytes[c],
	       (unsigned long long)f->ip_bytes[s], flow_dscp(f, c),
	       flow_dscp(f, s), flow_dscp_changed(f, c), flow_dscp_changed(f, s));
}

int main(int argc, char **argv)
{
	struct catalogue *cat = catalogue_new();
	struct limits lim;
	struct decoder dec;
	struct flow_table *ft;
	int i, rc = 0;

	limits_default(&lim);
	if (!cat || catalogue_load_embedded(cat, stderr) != 0 ||
	    decoder_init(&dec, &lim, 1) != 0)
		return 1;
	ft = flow_table_new(&lim, 1, on_end, NULL);
	if (!ft)
		return 1;
	for (i = 1; i < argc; i++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *pc = pcap_open_offline(argv[i], err);
		struct pcap_pkthdr *h;
		const u_char *b;

		if (!pc) {
			fprintf(stderr, "flowdump: %s\n", err);
			rc = 1;
			continue;
		}
		while (pcap_next_ex(pc, &h, &b) == 1) {
			struct packet p;
			uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u +
				      (uint64_t)h->ts.tv_usec;
			bool is_new, from_b;
			struct flow *f;

			if (decode_packet(&dec, pcap_datalink(pc), ts, b, h->caplen,
					  h->len, &p) != DECODE_OK)
				continue;
			flow_expire(ft, ts);
			f = flow_lookup(ft, &p, &is_new, &from_b);
			if (is_new)
				classify_flow(cat, f, &p, from_b);
		}
		pcap_close(pc);
		flow_flush(ft, END_EOF);
	}
	flow_table_free(ft);
	decoder_free(&dec);
	catalogue_free(cat);
	return rc;
}
