/*
 * report_csv.c: one CSV row per flow (RFC 4180), a header row first.
 * The columns are the JSON flow record's fields of the same names (the
 * README's table); a list is one field, its items apart by ';'. Columns
 * only ever get added at the end, so that a reader by position goes on
 * working.
 */
#include "report_int.h"

#include "util.h"

static const char csv_header[] =
	"first_seen,last_seen,transport,client_ip,client_port,server_ip,"
	"server_port,packets,bytes,packets_c2s,packets_s2c,bytes_c2s,bytes_s2c,"
	"service,tables,verdict,end_reason,direction_basis,vlan,tunnel,"
	"carrier,tunnel_id,app,app_source,"
	"time,run_id,sensor,interface,flow_id,community_id,duration,"
	"ip_bytes,ip_bytes_c2s,ip_bytes_s2c,rule_source,rule_file,rule_line,"
	"conn_state,vlans,sgt,erspan_session,dscp_c2s,dscp_c2s_changed,"
	"dscp_s2c,dscp_s2c_changed,icmp_type,icmp_code,expected,"
	"client_name,client_roles,server_name,server_roles\n";

/* A comma list ("TLS,SIP") as one field with ';' between items. */
static void csv_list(FILE *o, const char *list)
{
	char buf[EXPECTED_MAX + 512];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", list);
	for (i = 0; buf[i]; i++)
		if (buf[i] == ',')
			buf[i] = ';';
	csv_field(o, buf);
}

/* The DSCP of direction dir and its flag; empty when no packet went
   that way. */
static void csv_dscp(FILE *o, const struct flow_record *f, unsigned dir)
{
	if (f->pkts[dir])
		fprintf(o, ",%u,%s", rec_dscp(f, dir),
			rec_dscp_changed(f, dir) ? "true" : "false");
	else
		fputs(",,", o);
}

/* An end's inventory name and roles (empty without --hosts). */
static void csv_host(const struct report *r, FILE *o, const struct host_info *h)
{
	char roles[512];

	fputc(',', o);
	if (!r->hosts) {
		fputc(',', o);
		return;
	}
	csv_field(o, h->name ? h->name : "");
	fputc(',', o);
	if (h->roles) {
		hosts_roles_str(h->roles, roles, sizeof(roles));
		csv_list(o, roles);
	} else {
		fputs("unknown", o);
	}
}

/* The columns issue 16 added, after app_source. */
static void csv_more(struct report *r, const struct flow_record *f,
		     const struct cat_row *row)
{
	FILE *o = r->out;
	char t[TIME_STR_MAX];
	uint8_t i;

	fmt_time_cached(&r->tc, f->last_us, t);
	fprintf(o, ",%s,%s,", t, r->run->run_id);
	csv_field(o, r->run->sensor ? r->run->sensor : "");
	fputc(',', o);
	csv_field(o, r->run->interface ? r->run->interface : "");
	fprintf(o, ",%llu,%s,%.6f,%llu,%llu,%llu,",
		(unsigned long long)f->flow_id, f->community_id,
		(double)rec_duration_us(f) / 1e6,
		(unsigned long long)rec_ip_bytes(f),
		(unsigned long long)f->ip_bytes[REC_C2S],
		(unsigned long long)f->ip_bytes[REC_S2C]);
	if (row) {
		fprintf(o, "%s,", row->site ? "site" : "guide");
		csv_field(o, row->file);
		fprintf(o, ",%u", row->line);
	} else {
		fputs(",,", o);
	}
	fprintf(o, ",%s,", rec_conn_state(f));
	for (i = 0; i < f->nvlans && i < MAX_VLAN_TAGS; i++)
		fprintf(o, "%s%u", i ? ";" : "", f->vlans[i]);
	fputc(',', o);
	if (f->has_sgt)
		fprintf(o, "%u", f->sgt);
	fputc(',', o);
	if (f->has_erspan)
		fprintf(o, "%u", f->erspan_session);
	csv_dscp(o, f, REC_C2S);
	csv_dscp(o, f, REC_S2C);
	if (f->key.proto == IPPROTO_NUM_ICMP || f->key.proto == IPPROTO_NUM_ICMPV6)
		fprintf(o, ",%u,%u,", f->icmp_type, f->icmp_code);
	else
		fputs(",,,", o);
	if (f->verdict == V_PROTOCOL_MISMATCH) {
		char exp[EXPECTED_MAX];

		explain_expected_rec(r->cat, f, exp);
		csv_list(o, exp);
	}
	csv_host(r, o, &f->client_host);
	csv_host(r, o, &f->server_host);
	fputc('\n', o);
}

static void csv_head(struct report *r)
{
	fputs(csv_header, r->out);
}

static void csv_flow(struct report *r, const struct flow_record *f)
{
	FILE *o = r->out;
	char t1[TIME_STR_MAX], t2[TIME_STR_MAX], cip[IP_STR_MAX], sip[IP_STR_MAX];
	char tr[8];
	int t, first = 1;
	const struct cat_row *row;
	const char *tun, *app;

	if (!r->header_done) {
		csv_head(r);
		r->header_done = true;
	}
	row = f->service_row ? catalogue_row(r->cat, f->service_row - 1u) : NULL;
	tun = tunnel_name((enum tunnel_kind)f->tunnel);
	fmt_time_cached(&r->tc, f->first_us, t1);
	fmt_time_cached(&r->tc, f->last_us, t2);
	fmt_ip(rec_client_ip(f), f->key.family, cip);
	fmt_ip(rec_server_ip(f), f->key.family, sip);
	explain_transport(tr, f->key.proto);
	fprintf(o, "%s,%s,%s,%s,%u,%s,%u,%llu,%llu,%llu,%llu,%llu,%llu,", t1, t2,
		tr, cip, rec_client_port(f), sip, rec_server_port(f),
		(unsigned long long)rec_packets(f), (unsigned long long)rec_bytes(f),
		(unsigned long long)f->pkts[REC_C2S],
		(unsigned long long)f->pkts[REC_S2C],
		(unsigned long long)f->bytes[REC_C2S],
		(unsigned long long)f->bytes[REC_S2C]);
	csv_field(o, row ? row->service : "");
	fputc(',', o);
	/* Tables as "4;30": one field, no quoting needed. */
	for (t = 0; t < 64; t++) {
		if (!(f->tables & (UINT64_C(1) << t)))
			continue;
		fprintf(o, "%s%d", first ? "" : ";", t);
		first = 0;
	}
	fprintf(o, ",%s,%s,%s,", verdict_name((enum verdict)f->verdict),
		end_reason_name((enum end_reason)f->end_reason),
		dir_basis_name((enum dir_basis)f->basis));
	if (f->vlan)
		fprintf(o, "%u", f->vlan);
	fprintf(o, ",%s,", tun ? tun : "");
	/* carrier and tunnel_id: 1 and the VNI or session for a tunnel's
	   outer flow, empty otherwise. */
	if (f->carrier & FC_CARRIER)
		fputs("1", o);
	fputc(',', o);
	if (f->carrier & FC_TUN_ID)
		fprintf(o, "%u", (unsigned)f->tun_id);
	fputc(',', o);
	/* app and app_source: empty when there is none (or DPI is off). */
	app = rec_app(f);
	csv_field(o, app ? app : "");
	fprintf(o, ",%s",
		app ? app_source_name((enum app_source)f->app_source) : "");
	csv_more(r, f, row);
}

/* No flows: the header alone, so that the output is still one table. */
static void csv_summary(struct report *r, const struct run_stats *s)
{
	(void)s;
	if (!r->header_done) {
		csv_head(r);
		r->header_done = true;
	}
}

/* CSV holds flow rows only, so that it stays one table: no alert rows,
   no stats rows, no summary rows. */
const struct report_writer report_csv_writer = {
	.header = csv_head,
	.flow = csv_flow,
	.alert = NULL,
	.interim = NULL,
	.summary = csv_summary,
	.community_id = true,
};
