/*
 * report_json.c: JSON lines. One {"type":"flow"} object per ended flow,
 * then one {"type":"summary"} object.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "carrier.h"
#include "classify.h"
#include "pclock.h"
#include "util.h"

/* Transport as the record names it: a string, or the protocol number. */
static void ob_transport(struct outbuf *o, uint8_t proto)
{
	char t[8];

	report_transport(t, proto);
	if (t[0] >= '0' && t[0] <= '9')
		ob_puts(o, t);
	else
		ob_json_string(o, t);
}

static void json_transport(FILE *f, uint8_t proto)
{
	struct outbuf o;

	ob_init(&o, f);
	ob_transport(&o, proto);
	ob_flush(&o);
}

static void ob_tables(struct outbuf *o, uint64_t tables)
{
	int t, first = 1;

	ob_putc(o, '[');
	for (t = 0; t < 64; t++) {
		if (!(tables & (UINT64_C(1) << t)))
			continue;
		if (!first)
			ob_putc(o, ',');
		ob_u64(o, (uint64_t)t);
		first = 0;
	}
	ob_putc(o, ']');
}

/* A comma list ("TLS,HTTP") as a JSON array of strings. */
static void ob_list(struct outbuf *o, const char *list)
{
	const char *p = list, *e;
	char item[EXPECTED_MAX];

	ob_putc(o, '[');
	for (; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		snprintf(item, sizeof(item), "%.*s", (int)(e - p), p);
		if (p != list)
			ob_putc(o, ',');
		ob_json_string(o, item);
	}
	ob_putc(o, ']');
}

static void json_list(FILE *f, const char *list)
{
	struct outbuf o;

	ob_init(&o, f);
	ob_list(&o, list);
	ob_flush(&o);
}

/* A string, or null for NULL. */
static void ob_string_or_null(struct outbuf *o, const char *s)
{
	if (s)
		ob_json_string(o, s);
	else
		ob_puts(o, "null");
}

/* "app", "app_source", and for a protocol mismatch "expected". */
static void ob_app(struct outbuf *o, const struct report *r,
		   const struct flow *f)
{
	char name[DPI_NAME_MAX];
	const char *app = dpi_app_name(r->dpi, f, name);

	ob_puts(o, ",\"app\":");
	ob_string_or_null(o, app);
	ob_puts(o, ",\"app_source\":");
	ob_string_or_null(o, app ? app_source_name((enum app_source)f->app_source)
			      : NULL);
	if (f->verdict == V_PROTOCOL_MISMATCH) {
		char exp[EXPECTED_MAX];

		report_expected_flow(r, f, exp);
		ob_puts(o, ",\"expected\":");
		ob_list(o, exp);
	}
}

static void json_counter(FILE *o, int *first, const char *name, uint64_t n);

/* A role mask as a JSON array of role ids. */
static void ob_role_mask(struct outbuf *o, uint32_t mask)
{
	char buf[512];

	hosts_roles_str(mask, buf, sizeof(buf));
	ob_list(o, buf);
}

/* With an inventory: each end's roles and name; for a role violation, the
   rows that document the port, with the roles they allow. */
static void ob_roles(struct outbuf *o, const struct report *r,
		     const struct flow *f)
{
	struct host_info c, s;
	struct cat_hits h;
	uint16_t i;

	if (!r->hosts)
		return;
	c = hosts_lookup(r->hosts, flow_client_ip(f));
	s = hosts_lookup(r->hosts, flow_server_ip(f));
	ob_puts(o, ",\"client_roles\":");
	if (c.roles)
		ob_role_mask(o, c.roles);
	else
		ob_puts(o, "[\"unknown\"]");
	ob_puts(o, ",\"server_roles\":");
	if (s.roles)
		ob_role_mask(o, s.roles);
	else
		ob_puts(o, "[\"unknown\"]");
	ob_puts(o, ",\"client_name\":");
	ob_string_or_null(o, c.name[0] ? c.name : NULL);
	ob_puts(o, ",\"server_name\":");
	ob_string_or_null(o, s.name[0] ? s.name : NULL);
	if (f->verdict != V_ROLE_VIOLATION)
		return;
	ob_puts(o, ",\"allowed\":[");
	classify_rows(r->cat, f, &h);
	for (i = 0; i < h.n; i++) {
		const struct cat_row *row = catalogue_row(r->cat, h.rows[i]);

		ob_puts(o, i ? ",{\"table\":" : "{\"table\":");
		ob_u64(o, row->table);
		ob_puts(o, ",\"service\":");
		ob_json_string(o, row->service);
		ob_puts(o, ",\"from\":");
		ob_role_mask(o, row->from_roles);
		ob_puts(o, ",\"to\":");
		ob_role_mask(o, row->to_roles);
		ob_puts(o, row->bidir || row->sport_kind == SPORT_BIDIRECTIONAL ?
			",\"bidirectional\":true}" : ",\"bidirectional\":false}");
	}
	ob_putc(o, ']');
}

/* ,"NAME":N */
static void ob_field_u64(struct outbuf *o, const char *name_colon, uint64_t n)
{
	ob_puts(o, name_colon);
	ob_u64(o, n);
}

/* The fields a flow record and an alert share, after "type". */
static void ob_flow_body(struct outbuf *o, struct report *r,
			 const struct flow *f)
{
	char t1[TIME_STR_MAX], t2[TIME_STR_MAX], cip[IP_STR_MAX], sip[IP_STR_MAX];
	int c2s = f->server_is_b ? 0 : 1;   /* index of client-to-server */
	const struct cat_row *row =
		f->service_row ? catalogue_row(r->cat, f->service_row - 1u) : NULL;
	const char *tun = tunnel_name((enum tunnel_kind)f->tunnel);

	fmt_time(f->first_us, t1);
	fmt_time(f->last_us, t2);
	fmt_ip(flow_client_ip(f), cip);
	fmt_ip(flow_server_ip(f), sip);
	ob_puts(o, ",\"first_seen\":\"");
	ob_puts(o, t1);
	ob_puts(o, "\",\"last_seen\":\"");
	ob_puts(o, t2);
	ob_puts(o, "\",\"transport\":");
	ob_transport(o, f->key.proto);
	ob_puts(o, ",\"client_ip\":\"");
	ob_puts(o, cip);
	ob_field_u64(o, "\",\"client_port\":", flow_client_port(f));
	ob_puts(o, ",\"server_ip\":\"");
	ob_puts(o, sip);
	ob_field_u64(o, "\",\"server_port\":", flow_server_port(f));
	ob_field_u64(o, ",\"packets\":", (uint64_t)f->pkts[0] + f->pkts[1]);
	ob_field_u64(o, ",\"bytes\":", f->bytes[0] + f->bytes[1]);
	ob_field_u64(o, ",\"packets_c2s\":", f->pkts[c2s]);
	ob_field_u64(o, ",\"packets_s2c\":", f->pkts[!c2s]);
	ob_field_u64(o, ",\"bytes_c2s\":", f->bytes[c2s]);
	ob_field_u64(o, ",\"bytes_s2c\":", f->bytes[!c2s]);
	ob_puts(o, ",\"service\":");
	ob_string_or_null(o, row ? row->service : NULL);
	ob_puts(o, ",\"tables\":");
	ob_tables(o, f->tables);
	ob_puts(o, ",\"verdict\":\"");
	ob_puts(o, verdict_name((enum verdict)f->verdict));
	ob_puts(o, "\",\"end_reason\":\"");
	ob_puts(o, end_reason_name((enum end_reason)f->end_reason));
	ob_puts(o, "\",\"direction_basis\":\"");
	ob_puts(o, dir_basis_name((enum dir_basis)f->basis));
	ob_putc(o, '"');
	if (f->vlan)
		ob_field_u64(o, ",\"vlan\":", f->vlan);
	else
		ob_puts(o, ",\"vlan\":null");
	ob_puts(o, ",\"tunnel\":");
	ob_string_or_null(o, tun);
	if (f->carrier & FC_CARRIER) {
		/* The outer flow of a tunnel of kind "tunnel". */
		ob_puts(o, ",\"carrier\":true,\"tunnel_id\":");
		if (f->carrier & FC_TUN_ID)
			ob_u64(o, f->tun_id);
		else
			ob_puts(o, "null");
	}
	if (f->key.proto == IPPROTO_NUM_ICMP || f->key.proto == IPPROTO_NUM_ICMPV6)
		ob_field_u64(o, ",\"icmp_type\":", f->icmp_type);
	ob_app(o, r, f);
	ob_roles(o, r, f);
}

void report_json_flow(struct report *r, const struct flow *f)
{
	struct outbuf o;

	ob_init(&o, r->out);
	ob_puts(&o, "{\"type\":\"flow\"");
	ob_flow_body(&o, r, f);
	ob_puts(&o, "}\n");
	ob_flush(&o);
}

void report_json_alert(struct report *r, const struct flow *f)
{
	char t[TIME_STR_MAX], why[REASON_MAX];
	struct outbuf o;

	fmt_time(f->last_us, t);
	report_reason(r, f, why);
	ob_init(&o, r->out);
	ob_puts(&o, "{\"type\":\"alert\",\"time\":\"");
	ob_puts(&o, t);
	ob_puts(&o, "\",\"reason\":");
	ob_json_string(&o, why);
	ob_flow_body(&o, r, f);
	ob_puts(&o, "}\n");
	ob_flush(&o);
}

void report_json_interim(struct report *r, const struct run_stats *s)
{
	FILE *o = r->out;
	char t[TIME_STR_MAX];
	int v, first = 1;

	fmt_time(s->live ? s->live->now_us : 0, t);
	fprintf(o, "{\"type\":\"stats\",\"time\":\"%s\",\"packets\":%llu,\"bytes\":%llu",
		t, (unsigned long long)s->packets, (unsigned long long)s->bytes);
	fprintf(o, ",\"flows\":%llu,\"flows_active\":%llu,\"alerts\":%llu,\"flows_by_verdict\":{",
		(unsigned long long)s->flows->created,
		(unsigned long long)s->flows->active,
		(unsigned long long)s->alerts);
	for (v = 0; v < V_COUNT; v++)
		json_counter(o, &first, verdict_name((enum verdict)v), r->vflows[v]);
	fputc('}', o);
	if (s->live)
		fprintf(o, ",\"pcap_received\":%llu,\"pcap_dropped\":%llu,\"pcap_ifdropped\":%llu"
			",\"interface_down\":%s",
			(unsigned long long)s->live->received,
			(unsigned long long)s->live->dropped,
			(unsigned long long)s->live->ifdropped,
			s->live->down ? "true" : "false");
	fputs("}\n", o);
}

static void json_counter(FILE *o, int *first, const char *name, uint64_t n)
{
	fprintf(o, "%s", *first ? "" : ",");
	json_string(o, name);
	fprintf(o, ":%llu", (unsigned long long)n);
	*first = 0;
}

static void json_files(FILE *o, const struct run_stats *s)
{
	size_t i;

	fputs("\"files\":[", o);
	for (i = 0; i < s->n_files; i++) {
		const struct file_stat *fs = &s->files[i];

		fputs(i ? ",{\"name\":" : "{\"name\":", o);
		json_string(o, fs->name);
		fprintf(o, ",\"link_type\":%d,\"packets\":%llu,\"bytes\":%llu,"
			"\"state\":\"%s\",\"error\":",
			fs->dlt, (unsigned long long)fs->packets,
			(unsigned long long)fs->bytes, file_state_name(fs->state));
		if (fs->error[0])
			json_string(o, fs->error);
		else
			fputs("null", o);
		if (fs->stop_offset >= 0)
			fprintf(o, ",\"stop_offset\":%lld", (long long)fs->stop_offset);
		fputc('}', o);
	}
	fputc(']', o);
}

/* An application aggregate's "app" and "app_source" (null, null when it
   has none). */
static void json_app_of(FILE *o, const struct report *r,
			const struct app_agg *a)
{
	char name[DPI_NAME_MAX];
	const char *app = report_app_name(r, a, name);

	fputs("\"app\":", o);
	if (app) {
		json_string(o, app);
		fputs(",\"app_source\":", o);
		json_string(o, app_source_name((enum app_source)a->src));
	} else {
		fputs("null,\"app_source\":null", o);
	}
}

/* ,"apps":[{"app":...,"app_source":...,"flows":N}...] of aggregate a. */
static void json_apps_of(FILE *o, const struct report *r,
			 struct app_agg *const *apps, size_t n_apps,
			 const struct agg *a)
{
	size_t first, k, i;

	k = apps ? report_apps_of(apps, n_apps, a, &first) : 0;
	fputs(",\"apps\":[", o);
	for (i = 0; i < k; i++) {
		fputs(i ? ",{" : "{", o);
		json_app_of(o, r, apps[first + i]);
		fprintf(o, ",\"flows\":%llu}",
			(unsigned long long)apps[first + i]->flows);
	}
	fputc(']', o);
}

/* Table, service (when documented by a row), transport and port. */
static void json_where(FILE *o, const struct report *r, uint16_t row_id,
		       uint8_t proto, uint16_t port)
{
	const struct cat_row *row =
		row_id ? catalogue_row(r->cat, row_id - 1u) : NULL;

	if (row) {
		fprintf(o, "\"table\":%u,\"service\":", row->table);
		json_string(o, row->service);
		fputc(',', o);
	}
	fputs("\"transport\":", o);
	json_transport(o, proto);
	fprintf(o, ",\"port\":%u", port);
}

/* The "protocol_mismatch" entries: one per service, port and application
   found, with what the rows expected. */
static void json_mismatches(FILE *o, const struct report *r,
			    struct app_agg *const *apps, size_t n_apps)
{
	int first = 1;
	size_t i;

	for (i = 0; apps && i < n_apps; i++) {
		const struct app_agg *a = apps[i];
		char exp[EXPECTED_MAX];

		if (a->verdict != V_PROTOCOL_MISMATCH)
			continue;
		fputs(first ? "{" : ",{", o);
		first = 0;
		json_where(o, r, a->row, a->proto, a->port);
		report_expected(r, a->proto, a->cport, a->port, a->on_wire, exp);
		fputs(",\"expected\":", o);
		json_list(o, exp);
		fputc(',', o);
		json_app_of(o, r, a);
		fprintf(o, ",\"flows\":%llu,\"packets\":%llu,\"bytes\":%llu}",
			(unsigned long long)a->flows, (unsigned long long)a->pkts,
			(unsigned long long)a->bytes);
	}
}

/*
 * The per-port lists: "services" (documented), "undocumented",
 * "local_only", "role_violation", each entry with its applications;
 * "protocol_mismatch" one entry per service, port and application found,
 * with what the rows expected; "undocumented_apps" the applications nDPI
 * named on undocumented ports.
 */
static void json_aggs(FILE *o, struct report *r)
{
	struct agg *v;
	struct app_agg **apps;
	size_t n, n_apps, i;
	int first;

	v = report_sorted_aggs(r, &n);
	apps = report_sorted_apps(r, &n_apps);
	for (int k = 0; k < V_COUNT; k++) {
		fprintf(o, ",\"%s\":[", verdict_key((enum verdict)k));
		first = 1;
		if (k == V_PROTOCOL_MISMATCH) {
			json_mismatches(o, r, apps, n_apps);
			fputc(']', o);
			continue;
		}
		for (i = 0; v && i < n; i++) {
			const struct agg *a = &v[i];

			if (a->verdict != k)
				continue;
			fputs(first ? "{" : ",{", o);
			first = 0;
			json_where(o, r, a->row, a->proto, a->port);
			fprintf(o, ",\"flows\":%llu,\"packets\":%llu,\"bytes\":%llu",
				(unsigned long long)a->flows,
				(unsigned long long)a->pkts,
				(unsigned long long)a->bytes);
			json_apps_of(o, r, apps, n_apps, a);
			fputc('}', o);
		}
		fputc(']', o);
	}
	fputs(",\"undocumented_apps\":[", o);
	first = 1;
	for (i = 0; apps && i < n_apps; i++) {
		const struct app_agg *a = apps[i];

		if (a->verdict != V_UNDOCUMENTED || a->src == APP_SRC_NONE)
			continue;
		fputs(first ? "{" : ",{", o);
		first = 0;
		json_where(o, r, 0, a->proto, a->port);
		fputc(',', o);
		json_app_of(o, r, a);
		fprintf(o, ",\"flows\":%llu,\"packets\":%llu,\"bytes\":%llu}",
			(unsigned long long)a->flows, (unsigned long long)a->pkts,
			(unsigned long long)a->bytes);
	}
	fputc(']', o);
	free(apps);
	free(v);
}

/* "dpi": the detection counters, null with --no-dpi. */
static void json_dpi(FILE *o, const struct run_stats *s)
{
	const struct dpi_stats *d = s->dpi;
	int first = 1;
	uint32_t k;

	if (!d) {
		fputs(",\"dpi\":null", o);
		return;
	}
	fprintf(o, ",\"dpi\":{\"dpi_packets\":%u,\"inspected\":%llu,\"by_dpi\":%llu,"
		"\"guessed\":%llu,\"undetected\":%llu,\"no_state\":%llu,"
		"\"over_cap\":%llu,\"memory_mb\":%u,\"max_states\":%llu,"
		"\"peak_states\":%llu,\"packets_to_decide\":{",
		s->dpi_packets, (unsigned long long)d->inspected,
		(unsigned long long)d->by_dpi, (unsigned long long)d->guessed,
		(unsigned long long)d->undetected, (unsigned long long)d->no_state,
		(unsigned long long)d->over_cap, s->dpi_memory_mb,
		(unsigned long long)d->max_states,
		(unsigned long long)d->peak_live);
	for (k = 1; k <= MAX_DPI_PACKETS; k++) {
		if (!d->decided_at[k])
			continue;
		fprintf(o, "%s\"%u\":%llu", first ? "" : ",", k,
			(unsigned long long)d->decided_at[k]);
		first = 0;
	}
	fputs("}}", o);
}

/* "coverage": the rows exercised and never seen, by table; with an
   inventory, the host pairs of each row. */
static void json_coverage(FILE *o, const struct report *r)
{
	size_t i, n = catalogue_count(r->cat);
	int table = -1;
	uint8_t k;

	fprintf(o, ",\"coverage\":{\"rows\":%zu,\"exercised\":%zu,\"tables\":[",
		n, coverage_exercised(r->cov));
	for (i = 0; i < n; i++) {
		const struct cat_row *row = catalogue_row(r->cat, i);
		const struct cov_row *cr = coverage_row(r->cov, i);

		/* Rows come in file order, which keeps a table's rows
		   together; a table seen again opens a new entry. */
		if (row->table != table) {
			fprintf(o, "%s{\"table\":%u,\"rows\":[", table < 0 ? "" : "]},",
				row->table);
			table = row->table;
		} else {
			fputc(',', o);
		}
		fputs("{\"service\":", o);
		json_string(o, row->service);
		fprintf(o, ",\"line\":%u,\"flows\":%llu", (unsigned)row->line,
			(unsigned long long)cr->flows);
		if (r->hosts) {
			fputs(",\"pairs\":[", o);
			for (k = 0; k < cr->npairs; k++) {
				fputs(k ? ",{\"client\":" : "{\"client\":", o);
				json_string(o, cr->pair[k].client);
				fputs(",\"server\":", o);
				json_string(o, cr->pair[k].server);
				fprintf(o, ",\"flows\":%llu}",
					(unsigned long long)cr->pair[k].flows);
			}
			fprintf(o, "],\"more_pairs_flows\":%llu",
				(unsigned long long)cr->more_pairs);
		}
		fputc('}', o);
	}
	fputs(table < 0 ? "]}" : "]}]}", o);
}

/* "tunnel_trust" (the endpoints declared), "carriers" (every tunnel
   carrier seen) and "carriers_unlisted_packets". */
static void json_carriers(FILE *o, const struct run_stats *s)
{
	const struct carriers *c = s->carriers;
	const struct carrier **v;
	char a[IP_STR_MAX], net[IP_STR_MAX + 8];
	size_t n, i;

	if (!c)
		return;
	fprintf(o, ",\"tunnel_trust\":{\"declared\":%s,\"networks\":[",
		carriers_declared(c) ? "true" : "false");
	for (i = 0; i < carriers_trust_count(c); i++) {
		carriers_trust_str(c, i, net, sizeof(net));
		fputs(i ? "," : "", o);
		json_string(o, net);
	}
	fprintf(o, "],\"inventory\":%s},\"carriers\":[",
		carriers_inventory_declares(c) ? "true" : "false");
	v = carriers_sorted(c, &n);
	for (i = 0; v && i < n; i++) {
		const struct carrier *e = v[i];
		const char *k = tunnel_name((enum tunnel_kind)e->kind);

		fputs(i ? ",{\"kind\":" : "{\"kind\":", o);
		json_string(o, k ? k : "tunnel");
		if (e->has_id)
			fprintf(o, ",\"tunnel_id\":%u", (unsigned)e->id);
		else
			fputs(",\"tunnel_id\":null", o);
		fmt_ip(&e->src, a);
		fprintf(o, ",\"src\":\"%s\"", a);
		fmt_ip(&e->dst, a);
		fprintf(o, ",\"dst\":\"%s\",\"packets\":%llu,\"bytes\":%llu,"
			"\"flows\":%llu,\"trusted\":%s}", a,
			(unsigned long long)e->packets,
			(unsigned long long)e->bytes,
			(unsigned long long)e->flows,
			e->trusted ? "true" : "false");
	}
	free(v);
	fprintf(o, "],\"carriers_unlisted_packets\":%llu",
		(unsigned long long)carriers_unlisted_packets(c));
}

/* "health": what makes a capture's verdicts doubtful. */
static void json_health(FILE *o, const struct report *r,
			const struct run_stats *s)
{
	char pct[16];

	fmt_milli_pct(s->health_drops_milli, pct);
	fprintf(o, ",\"health\":{\"status\":\"%s\",\"tcp_flows_judged\":%llu,"
		"\"tcp_one_way\":%llu,\"one_way_threshold_pct\":%u,"
		"\"duplicate_frames\":%llu,\"frames_checked\":%llu,"
		"\"duplicate_threshold_pct\":%u,\"drops_threshold_pct\":%s,\"why\":",
		s->health_poor ? "poor" : "ok",
		(unsigned long long)r->tcp_judged,
		(unsigned long long)r->tcp_one_way, s->health_one_way_pct,
		(unsigned long long)s->dup_frames,
		(unsigned long long)s->dup_checked, s->health_dup_pct, pct);
	if (s->health_poor)
		json_string(o, s->health_why);
	else
		fputs("null", o);
	fputc('}', o);
}

/* "inconclusive": each reason the run cannot be trusted, with its
   sentence; [] when there is none. */
static void json_inconclusive(FILE *o, const struct gate *g)
{
	int r, first = 1;

	fputs(",\"inconclusive\":[", o);
	for (r = 0; g && r < GR_COUNT; r++) {
		if (!gate_has(g, (enum gate_reason)r))
			continue;
		fprintf(o, "%s{\"reason\":\"%s\",\"why\":", first ? "" : ",",
			gate_reason_key((enum gate_reason)r));
		json_string(o, g->why[r]);
		fputc('}', o);
		first = 0;
	}
	fputc(']', o);
}

void report_json_summary(struct report *r, const struct run_stats *s)
{
	FILE *o = r->out;
	int first, e, v;

	fputs("{\"type\":\"summary\",", o);
	json_files(o, s);
	fprintf(o, ",\"packets\":%llu,\"bytes\":%llu",
		(unsigned long long)s->packets, (unsigned long long)s->bytes);
	fputs(",\"decode_errors\":{", o);
	first = 1;
	for (e = 0; e < DERR_COUNT; e++)
		if (s->dec->err[e])
			json_counter(o, &first, decode_err_name((enum decode_err)e),
				     s->dec->err[e]);
	fputs("},\"tunnels\":{", o);
	first = 1;
	for (e = 1; e < TUN_COUNT; e++)
		if (s->dec->tunnels[e])
			json_counter(o, &first, tunnel_name((enum tunnel_kind)e),
				     s->dec->tunnels[e]);
	fputc('}', o);
	json_carriers(o, s);
	fprintf(o, ",\"fragments\":%llu,\"snap_truncated\":%llu",
		(unsigned long long)s->dec->frags,
		(unsigned long long)s->dec->snap_truncated);
	if (s->clock)
		fprintf(o, ",\"clock\":{\"time_jump_s\":%u,\"outliers\":%llu,"
			"\"jumps_back\":%llu}", s->time_jump_s,
			(unsigned long long)s->clock->outliers,
			(unsigned long long)s->clock->jumps_back);
	fprintf(o, ",\"flows\":%llu,\"max_flows\":%u,\"peak_flows\":%llu,\"evictions\":%llu",
		(unsigned long long)s->flows->created, s->max_flows,
		(unsigned long long)s->flows->peak_active,
		(unsigned long long)s->flows->ended[END_EVICTED]);
	fputs(",\"flows_by_verdict\":{", o);
	first = 1;
	for (v = 0; v < V_COUNT; v++)
		json_counter(o, &first, verdict_name((enum verdict)v), r->vflows[v]);
	fputs("},\"flows_by_end_reason\":{", o);
	first = 1;
	for (e = 1; e < END_COUNT; e++)
		json_counter(o, &first, end_reason_name((enum end_reason)e),
			     s->flows->ended[e]);
	fputc('}', o);
	json_dpi(o, s);
	json_aggs(o, r);
	json_coverage(o, r);
	json_health(o, r, s);
	fprintf(o, ",\"alerts\":%llu,\"dumped\":%llu", (unsigned long long)s->alerts,
		(unsigned long long)s->dumped);
	/* With --dump-undocumented: the file, and whether it holds them. */
	if (s->dump_path) {
		fputs(",\"evidence\":{\"file\":", o);
		json_string(o, s->dump_path);
		fprintf(o, ",\"frames\":%llu,\"skipped\":%llu,\"error\":",
			(unsigned long long)s->dumped,
			(unsigned long long)s->dump_skipped);
		if (s->dump_error)
			json_string(o, s->dump_error);
		else
			fputs("null", o);
		fputc('}', o);
	}
	if (s->live) {
		fputs(",\"capture\":{\"interface\":", o);
		json_string(o, s->live->iface);
		fprintf(o, ",\"received\":%llu,\"dropped\":%llu,\"ifdropped\":%llu"
			",\"went_down\":%llu,\"down_seconds\":%.1f,\"down\":%s}",
			(unsigned long long)s->live->received,
			(unsigned long long)s->live->dropped,
			(unsigned long long)s->live->ifdropped,
			(unsigned long long)s->live->went_down,
			(double)s->live->down_us / 1e6,
			s->live->down ? "true" : "false");
	}
	json_inconclusive(o, s->gate);
	if (s->validate)
		fprintf(o, ",\"validate\":\"%s\"",
			s->exit_status == 0 ? "pass" :
			s->exit_status == 1 ? "fail" :
			s->exit_status == 3 ? "inconclusive" : "error");
	fprintf(o, ",\"exit_status\":%d}\n", s->exit_status);
}
