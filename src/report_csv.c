/*
 * report_csv.c: one CSV row per flow (RFC 4180), a header row first.
 */
#include "report_int.h"

#include "util.h"

static const char csv_header[] =
	"first_seen,last_seen,transport,client_ip,client_port,server_ip,"
	"server_port,packets,bytes,packets_c2s,packets_s2c,bytes_c2s,bytes_s2c,"
	"service,tables,verdict,end_reason,direction_basis,vlan,tunnel,"
	"carrier,tunnel_id,app,app_source\n";

static void csv_flow(struct report *r, const struct flow_record *f)
{
	FILE *o = r->out;
	char t1[TIME_STR_MAX], t2[TIME_STR_MAX], cip[IP_STR_MAX], sip[IP_STR_MAX];
	char tr[8];
	int t, first = 1;
	const struct cat_row *row;
	const char *tun, *app;

	if (!r->header_done) {
		fputs(csv_header, o);
		r->header_done = true;
	}
	row = f->service_row ? catalogue_row(r->cat, f->service_row - 1u) : NULL;
	tun = tunnel_name((enum tunnel_kind)f->tunnel);
	fmt_time_cached(&r->tc, f->first_us, t1);
	fmt_time_cached(&r->tc, f->last_us, t2);
	fmt_ip(rec_client_ip(f), cip);
	fmt_ip(rec_server_ip(f), sip);
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
	fprintf(o, ",%s\n",
		app ? app_source_name((enum app_source)f->app_source) : "");
}

/* No flows: the header alone, so that the output is still one table. */
static void csv_summary(struct report *r, const struct run_stats *s)
{
	(void)s;
	if (!r->header_done) {
		fputs(csv_header, r->out);
		r->header_done = true;
	}
}

/* CSV holds flow rows only, so that it stays one table: no alert rows,
   no stats rows, no summary rows. */
const struct report_writer report_csv_writer = {
	.flow = csv_flow,
	.alert = NULL,
	.interim = NULL,
	.summary = csv_summary,
};
