/*
 * report_text.c: the summary a person reads at the end of a run.
 */
#include "report_int.h"

#include <stdlib.h>

#include "classify.h"
#include "util.h"

static void text_capture(FILE *o, struct report *r, const struct run_stats *s)
{
	char b[16];
	size_t i;
	int e, first;
	uint64_t errs = 0;

	fputs("Capture\n", o);
	for (i = 0; i < s->n_files; i++) {
		const struct file_stat *fs = &s->files[i];

		fmt_bytes(fs->bytes, b);
		fprintf(o, "  file            %s: %llu packets, %s\n", fs->name,
			(unsigned long long)fs->packets, b);
		if (fs->error[0])
			fprintf(o, "    error         %s\n", fs->error);
	}
	fmt_bytes(s->bytes, b);
	fprintf(o, "  packets         %llu\n", (unsigned long long)s->packets);
	fprintf(o, "  bytes           %llu (%s)\n", (unsigned long long)s->bytes, b);
	fprintf(o, "  flows           %llu: documented %llu, undocumented %llu, local-only %llu",
		(unsigned long long)s->flows->created,
		(unsigned long long)r->vflows[V_DOCUMENTED],
		(unsigned long long)r->vflows[V_UNDOCUMENTED],
		(unsigned long long)r->vflows[V_LOCAL_ONLY]);
	if (r->vflows[V_PROTOCOL_MISMATCH])
		fprintf(o, ", protocol-mismatch %llu",
			(unsigned long long)r->vflows[V_PROTOCOL_MISMATCH]);
	if (r->vflows[V_ROLE_VIOLATION])
		fprintf(o, ", role-violation %llu",
			(unsigned long long)r->vflows[V_ROLE_VIOLATION]);
	fputc('\n', o);
	fputs("  flows ended    ", o);
	for (e = 1; e < END_COUNT; e++)
		fprintf(o, " %s %llu", end_reason_name((enum end_reason)e),
			(unsigned long long)s->flows->ended[e]);
	fputc('\n', o);
	fprintf(o, "  flow table      peak %llu of %u; evictions %llu\n",
		(unsigned long long)s->flows->peak_active, s->max_flows,
		(unsigned long long)s->flows->ended[END_EVICTED]);
	if (s->dec->frags || s->dec->snap_truncated)
		fprintf(o, "  fragments       %llu; cut by snaplen %llu\n",
			(unsigned long long)s->dec->frags,
			(unsigned long long)s->dec->snap_truncated);
	first = 1;
	for (e = 1; e < TUN_COUNT; e++) {
		if (!s->dec->tunnels[e])
			continue;
		fprintf(o, "%s %s %llu", first ? "  tunnels        " : ",",
			tunnel_name((enum tunnel_kind)e),
			(unsigned long long)s->dec->tunnels[e]);
		first = 0;
	}
	if (!first)
		fputc('\n', o);
	for (e = 0; e < DERR_COUNT; e++)
		errs += s->dec->err[e];
	fprintf(o, "  decode errors   %llu\n", (unsigned long long)errs);
	for (e = 0; e < DERR_COUNT; e++)
		if (s->dec->err[e])
			fprintf(o, "    %-22s %8llu  %s\n",
				decode_err_name((enum decode_err)e),
				(unsigned long long)s->dec->err[e],
				decode_err_desc((enum decode_err)e));
}

static void text_services(FILE *o, struct report *r, struct agg **v, size_t n)
{
	size_t i;
	char tr[8], port[16];

	fputs("\nDocumented services\n", o);
	if (!r->vflows[V_DOCUMENTED]) {
		fputs("  (none)\n", o);
		return;
	}
	fprintf(o, "  %-5s  %-28s %-12s %8s %10s %14s\n", "TABLE", "SERVICE",
		"TRANSPORT", "FLOWS", "PACKETS", "BYTES");
	for (i = 0; i < n; i++) {
		const struct agg *a = v[i];
		const struct cat_row *row;

		if (a->verdict != V_DOCUMENTED || !a->row)
			continue;
		row = catalogue_row(r->cat, a->row - 1u);
		report_transport(tr, a->proto);
		if (a->port)
			snprintf(port, sizeof(port), "%s/%u", tr, a->port);
		else
			snprintf(port, sizeof(port), "%s", tr);
		fprintf(o, "  %-5u  %-28s %-12s %8llu %10llu %14llu\n", row->table,
			row->service, port, (unsigned long long)a->flows,
			(unsigned long long)a->pkts, (unsigned long long)a->bytes);
	}
}

/* One finding (undocumented, local-only...): totals per port, then its
   largest flows with their endpoints. */
static void text_finding(FILE *o, struct report *r, struct agg **v, size_t n,
			 enum verdict verdict, const char *title)
{
	struct flow **top;
	unsigned nt, i;
	size_t k;
	char tr[8], port[16], cip[IP_STR_MAX], sip[IP_STR_MAX], t1[TIME_STR_MAX];

	fprintf(o, "\n%s: %llu flows\n", title,
		(unsigned long long)r->vflows[verdict]);
	if (!r->vflows[verdict]) {
		fputs("  (none)\n", o);
		return;
	}
	fprintf(o, "  %-16s %-28s %8s %10s %14s\n", "TRANSPORT", "SERVICE",
		"FLOWS", "PACKETS", "BYTES");
	for (k = 0; k < n; k++) {
		const struct agg *a = v[k];
		const struct cat_row *row;

		if (a->verdict != verdict)
			continue;
		row = a->row ? catalogue_row(r->cat, a->row - 1u) : NULL;
		report_transport(tr, a->proto);
		if (a->port)
			snprintf(port, sizeof(port), "%s/%u", tr, a->port);
		else
			snprintf(port, sizeof(port), "%s", tr);
		fprintf(o, "  %-16s %-28s %8llu %10llu %14llu\n", port,
			row ? row->service : "-", (unsigned long long)a->flows,
			(unsigned long long)a->pkts, (unsigned long long)a->bytes);
	}
	top = report_sorted_top(r, verdict, &nt);
	if (!top || nt == 0) {
		free(top);
		return;
	}
	fprintf(o, "  largest flows:\n");
	for (i = 0; i < nt; i++) {
		const struct flow *f = top[i];

		report_transport(tr, f->key.proto);
		fmt_ip(flow_client_ip(f), cip);
		fmt_ip(flow_server_ip(f), sip);
		fmt_time(f->first_us, t1);
		if (f->key.pa || f->key.pb)
			fprintf(o, "    %s %s:%u -> %s:%u", tr, cip,
				flow_client_port(f), sip, flow_server_port(f));
		else
			fprintf(o, "    %s %s -> %s", tr, cip, sip);
		fprintf(o, "  %llu packets, %llu bytes, from %s\n",
			(unsigned long long)f->pkts[0] + f->pkts[1],
			(unsigned long long)(f->bytes[0] + f->bytes[1]), t1);
	}
	free(top);
}

void report_text_summary(struct report *r, const struct run_stats *s)
{
	FILE *o = r->out;
	struct agg **v;
	size_t n;

	text_capture(o, r, s);
	v = report_sorted_aggs(r, &n);
	text_services(o, r, v, n);
	text_finding(o, r, v, n, V_UNDOCUMENTED, "Undocumented");
	text_finding(o, r, v, n, V_LOCAL_ONLY,
		     "Local-only violations (localhost-only ports between hosts)");
	if (r->vflows[V_PROTOCOL_MISMATCH])
		text_finding(o, r, v, n, V_PROTOCOL_MISMATCH, "Protocol mismatches");
	if (r->vflows[V_ROLE_VIOLATION])
		text_finding(o, r, v, n, V_ROLE_VIOLATION, "Role violations");
	free(v);
	if (s->validate) {
		fprintf(o, "\nValidate: %s\n",
			s->exit_status == 0 ? "PASS: every flow is documented" :
			s->exit_status == 1 ? "FAIL: flows outside the catalogue (exit 1)" :
			s->exit_status == 3 ? "INCONCLUSIVE (exit 3)" :
					      "ERROR: input could not be read in full (exit 2)");
	}
}
