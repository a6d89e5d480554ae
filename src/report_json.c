/*
 * report_json.c: JSON lines. One {"type":"flow"} object per ended flow,
 * then one {"type":"summary"} object.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "carrier.h"
#include "jsonw.h"
#include "util.h"

/* Transport as the record names it: a string, or the protocol number. */
static void jw_transport(struct jw *w, const char *key, uint8_t proto)
{
	char t[8];

	explain_transport(t, proto);
	if (t[0] >= '0' && t[0] <= '9')
		jw_raw(w, key, t);
	else
		jw_str_plain(w, key, t);
}

static void jw_tables(struct jw *w, const char *key, uint64_t tables)
{
	int t;

	jw_arr(w, key);
	for (t = 0; t < 64; t++)
		if (tables & (UINT64_C(1) << t))
			jw_u64(w, NULL, (uint64_t)t);
	jw_arr_end(w);
}

/* A comma list ("TLS,HTTP") as a JSON array of strings. */
static void jw_list(struct jw *w, const char *key, const char *list)
{
	const char *p = list, *e;

	jw_arr(w, key);
	for (; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		jw_strn(w, NULL, p, (size_t)(e - p));
	}
	jw_arr_end(w);
}

/* "app", "app_source", and for a protocol mismatch "expected". */
static void jw_app(struct jw *w, const struct report *r, const struct flow_record *f)
{
	const char *app = rec_app(f);

	jw_str(w, "app", app);
	jw_str(w, "app_source",
	       app ? app_source_name((enum app_source)f->app_source) : NULL);
	if (f->verdict == V_PROTOCOL_MISMATCH) {
		char exp[EXPECTED_MAX];

		explain_expected_rec(r->cat, f, exp);
		jw_list(w, "expected", exp);
	}
}

/* A role mask as a JSON array of role ids; ["unknown"] for none. */
static void jw_role_mask(struct jw *w, const char *key, uint32_t mask)
{
	char buf[512];

	if (!mask) {
		jw_arr(w, key);
		jw_str_plain(w, NULL, "unknown");
		jw_arr_end(w);
		return;
	}
	hosts_roles_str(mask, buf, sizeof(buf));
	jw_list(w, key, buf);
}

/* With an inventory: each end's roles and name; for a role violation, the
   rows that document the port, with the roles they allow. */
static void jw_roles(struct jw *w, const struct report *r,
		     const struct flow_record *f)
{
	struct cat_hits h;
	uint16_t i;

	if (!r->hosts)
		return;
	jw_role_mask(w, "client_roles", f->client_host.roles);
	jw_role_mask(w, "server_roles", f->server_host.roles);
	jw_str(w, "client_name", f->client_host.name[0] ? f->client_host.name
						       : NULL);
	jw_str(w, "server_name", f->server_host.name[0] ? f->server_host.name
						       : NULL);
	if (f->verdict != V_ROLE_VIOLATION)
		return;
	jw_arr(w, "allowed");
	record_rows(r->cat, f, &h);
	for (i = 0; i < h.n; i++) {
		const struct cat_row *row = catalogue_row(r->cat, h.rows[i]);

		jw_obj(w, NULL);
		jw_u64(w, "table", row->table);
		jw_str(w, "service", row->service);
		jw_role_mask(w, "from", row->from_roles);
		jw_role_mask(w, "to", row->to_roles);
		jw_bool(w, "bidirectional",
			row->bidir || row->sport_kind == SPORT_BIDIRECTIONAL);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* The fields a flow record and an alert share, after "type". */
static void jw_flow_body(struct jw *w, struct report *r, const struct flow_record *f)
{
	char t[TIME_STR_MAX], ip[IP_STR_MAX];
	const struct cat_row *row =
		f->service_row ? catalogue_row(r->cat, f->service_row - 1u) : NULL;

	fmt_time_cached(&r->tc, f->first_us, t);
	jw_str_plain(w, "first_seen", t);
	fmt_time_cached(&r->tc, f->last_us, t);
	jw_str_plain(w, "last_seen", t);
	jw_transport(w, "transport", f->key.proto);
	fmt_ip(rec_client_ip(f), ip);
	jw_str_plain(w, "client_ip", ip);
	jw_u64(w, "client_port", rec_client_port(f));
	fmt_ip(rec_server_ip(f), ip);
	jw_str_plain(w, "server_ip", ip);
	jw_u64(w, "server_port", rec_server_port(f));
	jw_u64(w, "packets", rec_packets(f));
	jw_u64(w, "bytes", rec_bytes(f));
	jw_u64(w, "packets_c2s", f->pkts[REC_C2S]);
	jw_u64(w, "packets_s2c", f->pkts[REC_S2C]);
	jw_u64(w, "bytes_c2s", f->bytes[REC_C2S]);
	jw_u64(w, "bytes_s2c", f->bytes[REC_S2C]);
	jw_str(w, "service", row ? row->service : NULL);
	jw_tables(w, "tables", f->tables);
	jw_str_plain(w, "verdict", verdict_name((enum verdict)f->verdict));
	jw_str_plain(w, "end_reason", end_reason_name((enum end_reason)f->end_reason));
	jw_str_plain(w, "direction_basis", dir_basis_name((enum dir_basis)f->basis));
	if (f->vlan)
		jw_u64(w, "vlan", f->vlan);
	else
		jw_null(w, "vlan");
	jw_str(w, "tunnel", tunnel_name((enum tunnel_kind)f->tunnel));
	if (f->carrier & FC_CARRIER) {
		/* The outer flow of a tunnel of kind "tunnel". */
		jw_bool(w, "carrier", true);
		if (f->carrier & FC_TUN_ID)
			jw_u64(w, "tunnel_id", f->tun_id);
		else
			jw_null(w, "tunnel_id");
	}
	if (f->key.proto == IPPROTO_NUM_ICMP || f->key.proto == IPPROTO_NUM_ICMPV6)
		jw_u64(w, "icmp_type", f->icmp_type);
	jw_app(w, r, f);
	jw_roles(w, r, f);
}

static void json_flow(struct report *r, const struct flow_record *f)
{
	struct jw *w = &r->jw;

	jw_obj(w, NULL);
	jw_str_plain(w, "type", "flow");
	jw_flow_body(w, r, f);
	jw_obj_end(w);
	jw_line(w);
}

static void json_alert(struct report *r, const struct flow_record *f)
{
	char t[TIME_STR_MAX], why[REASON_MAX];
	struct jw *w = &r->jw;

	fmt_time_cached(&r->tc, f->last_us, t);
	explain_reason(r->cat, f, why);
	jw_obj(w, NULL);
	jw_str_plain(w, "type", "alert");
	jw_str_plain(w, "time", t);
	jw_str(w, "reason", why);
	jw_flow_body(w, r, f);
	jw_obj_end(w);
	jw_line(w);
}

/* "flows_by_verdict": every verdict, with its flows so far. */
static void jw_verdicts(struct jw *w, const struct report *r)
{
	int v;

	jw_obj(w, "flows_by_verdict");
	for (v = 0; v < V_COUNT; v++)
		jw_u64(w, verdict_name((enum verdict)v), tally_flows(r->tally, (enum verdict)v));
	jw_obj_end(w);
}

static void json_interim(struct report *r, const struct run_stats *s)
{
	struct jw *w = &r->jw;
	char t[TIME_STR_MAX];

	fmt_time_cached(&r->tc, s->live ? s->live->now_us : 0, t);
	jw_obj(w, NULL);
	jw_str_plain(w, "type", "stats");
	jw_str_plain(w, "time", t);
	jw_u64(w, "packets", s->work.packets);
	jw_u64(w, "bytes", s->work.bytes);
	jw_u64(w, "flows", s->work.flows.created);
	jw_u64(w, "flows_active", s->work.flows.active);
	jw_u64(w, "alerts", s->alerts);
	jw_verdicts(w, r);
	if (s->live) {
		jw_u64(w, "pcap_received", s->live->received);
		jw_u64(w, "pcap_dropped", s->live->dropped);
		jw_u64(w, "pcap_ifdropped", s->live->ifdropped);
		jw_bool(w, "interface_down", s->live->down);
	}
	jw_obj_end(w);
	jw_line(w);
}

static void jw_files(struct jw *w, const struct run_stats *s)
{
	size_t i;

	jw_arr(w, "files");
	for (i = 0; i < s->n_files; i++) {
		const struct file_stat *fs = &s->files[i];

		jw_obj(w, NULL);
		jw_str(w, "name", fs->name);
		jw_i64(w, "link_type", fs->dlt);
		jw_u64(w, "packets", fs->packets);
		jw_u64(w, "bytes", fs->bytes);
		jw_str_plain(w, "state", file_state_name(fs->state));
		jw_str(w, "error", fs->error[0] ? fs->error : NULL);
		if (fs->stop_offset >= 0)
			jw_i64(w, "stop_offset", fs->stop_offset);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* An application aggregate's "app" and "app_source" (null, null when it
   has none). */
static void jw_app_of(struct jw *w, const struct report *r,
		      const struct app_agg *a)
{
	const char *app = tally_app_name(r->tally, a);

	jw_str(w, "app", app);
	jw_str(w, "app_source", app ? app_source_name((enum app_source)a->src)
				    : NULL);
}

/* Flows, packets and bytes of an aggregate. */
static void jw_totals(struct jw *w, uint64_t flows, uint64_t pkts,
		      uint64_t bytes)
{
	jw_u64(w, "flows", flows);
	jw_u64(w, "packets", pkts);
	jw_u64(w, "bytes", bytes);
}

/* "apps":[{"app":...,"app_source":...,"flows":N}...] of aggregate a. */
static void jw_apps_of(struct jw *w, const struct report *r,
		       struct app_agg *const *apps, size_t n_apps,
		       const struct agg *a)
{
	size_t first, k, i;

	k = apps ? tally_apps_of(apps, n_apps, a, &first) : 0;
	jw_arr(w, "apps");
	for (i = 0; i < k; i++) {
		jw_obj(w, NULL);
		jw_app_of(w, r, apps[first + i]);
		jw_u64(w, "flows", apps[first + i]->flows);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Table, service (when documented by a row), transport and port. */
static void jw_where(struct jw *w, const struct report *r, uint16_t row_id,
		     uint8_t proto, uint16_t port)
{
	const struct cat_row *row =
		row_id ? catalogue_row(r->cat, row_id - 1u) : NULL;

	if (row) {
		jw_u64(w, "table", row->table);
		jw_str(w, "service", row->service);
	}
	jw_transport(w, "transport", proto);
	jw_u64(w, "port", port);
}

/* The "protocol_mismatch" entries: one per service, port and application
   found, with what the rows expected. */
static void jw_mismatches(struct jw *w, const struct report *r,
			  struct app_agg *const *apps, size_t n_apps)
{
	size_t i;

	for (i = 0; apps && i < n_apps; i++) {
		const struct app_agg *a = apps[i];
		char exp[EXPECTED_MAX];

		if (a->verdict != V_PROTOCOL_MISMATCH)
			continue;
		jw_obj(w, NULL);
		jw_where(w, r, a->row, a->proto, a->port);
		explain_expected(r->cat, a->proto, a->cport, a->port, a->on_wire, exp);
		jw_list(w, "expected", exp);
		jw_app_of(w, r, a);
		jw_totals(w, a->flows, a->pkts, a->bytes);
		jw_obj_end(w);
	}
}

/*
 * The per-port lists, one per verdict under its key (verdict.h): each
 * entry with its applications; "protocol_mismatch" one entry per
 * service, port and application found, with what the rows expected;
 * then "undocumented_apps", the applications nDPI named on undocumented
 * ports.
 */
static void jw_aggs(struct jw *w, struct report *r)
{
	struct agg *v;
	struct app_agg **apps;
	size_t n, n_apps, i;
	int k;

	v = tally_sorted_aggs(r->tally, &n);
	apps = tally_sorted_apps(r->tally, &n_apps);
	for (k = 0; k < V_COUNT; k++) {
		jw_arr(w, verdict_key((enum verdict)k));
		if (k == V_PROTOCOL_MISMATCH) {
			jw_mismatches(w, r, apps, n_apps);
			jw_arr_end(w);
			continue;
		}
		for (i = 0; v && i < n; i++) {
			const struct agg *a = &v[i];

			if (a->verdict != k)
				continue;
			jw_obj(w, NULL);
			jw_where(w, r, a->row, a->proto, a->port);
			jw_totals(w, a->flows, a->pkts, a->bytes);
			jw_apps_of(w, r, apps, n_apps, a);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_arr(w, "undocumented_apps");
	for (i = 0; apps && i < n_apps; i++) {
		const struct app_agg *a = apps[i];

		if (a->verdict != V_UNDOCUMENTED || a->src == APP_SRC_NONE)
			continue;
		jw_obj(w, NULL);
		jw_where(w, r, 0, a->proto, a->port);
		jw_app_of(w, r, a);
		jw_totals(w, a->flows, a->pkts, a->bytes);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	free(apps);
	free(v);
}

/* "dpi": the detection counters, null with --no-dpi. */
static void jw_dpi(struct jw *w, const struct run_stats *s)
{
	const struct dpi_stats *d = s->work.dpi ? &s->work.dpi_st : NULL;
	char k[12];
	uint32_t i;

	if (!d) {
		jw_null(w, "dpi");
		return;
	}
	jw_obj(w, "dpi");
	jw_u64(w, "dpi_packets", s->dpi_packets);
	jw_u64(w, "inspected", d->inspected);
	jw_u64(w, "by_dpi", d->by_dpi);
	jw_u64(w, "guessed", d->guessed);
	jw_u64(w, "undetected", d->undetected);
	jw_u64(w, "no_state", d->no_state);
	jw_u64(w, "over_cap", d->over_cap);
	jw_u64(w, "memory_mb", s->dpi_memory_mb);
	jw_u64(w, "max_states", d->max_states);
	jw_u64(w, "peak_states", d->peak_live);
	jw_obj(w, "packets_to_decide");
	for (i = 1; i <= MAX_DPI_PACKETS; i++) {
		if (!d->decided_at[i])
			continue;
		snprintf(k, sizeof(k), "%u", i);
		jw_u64(w, k, d->decided_at[i]);
	}
	jw_obj_end(w);
	jw_obj_end(w);
}

/* "coverage": the rows exercised and never seen, by table; with an
   inventory, the host pairs of each row. */
static void jw_coverage(struct jw *w, const struct report *r)
{
	size_t i, n = catalogue_count(r->cat);
	int table = -1;
	uint8_t k;

	jw_obj(w, "coverage");
	jw_u64(w, "rows", n);
	jw_u64(w, "exercised", coverage_exercised(tally_coverage(r->tally)));
	jw_arr(w, "tables");
	for (i = 0; i < n; i++) {
		const struct cat_row *row = catalogue_row(r->cat, i);
		const struct cov_row *cr = coverage_row(tally_coverage(r->tally), i);

		/* Rows come in file order, which keeps a table's rows
		   together; a table seen again opens a new entry. */
		if (row->table != table) {
			if (table >= 0) {
				jw_arr_end(w);
				jw_obj_end(w);
			}
			jw_obj(w, NULL);
			jw_u64(w, "table", row->table);
			jw_arr(w, "rows");
			table = row->table;
		}
		jw_obj(w, NULL);
		jw_str(w, "service", row->service);
		jw_u64(w, "line", row->line);
		jw_u64(w, "flows", cr->flows);
		if (r->hosts) {
			jw_arr(w, "pairs");
			for (k = 0; k < cr->npairs; k++) {
				jw_obj(w, NULL);
				jw_str(w, "client", cr->pair[k].client);
				jw_str(w, "server", cr->pair[k].server);
				jw_u64(w, "flows", cr->pair[k].flows);
				jw_obj_end(w);
			}
			jw_arr_end(w);
			jw_u64(w, "more_pairs_flows", cr->more_pairs);
		}
		jw_obj_end(w);
	}
	if (table >= 0) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* "tunnel_trust" (the endpoints declared), "carriers" (every tunnel
   carrier seen) and "carriers_unlisted_packets". */
static void jw_carriers(struct jw *w, const struct run_stats *s)
{
	const struct carriers *c = s->carriers;
	const struct trust *t = s->trust;
	const struct carrier **v;
	char a[IP_STR_MAX], net[IP_STR_MAX + 8];
	size_t n, i;

	if (!c || !t)
		return;
	jw_obj(w, "tunnel_trust");
	jw_bool(w, "declared", trust_declared(t));
	jw_arr(w, "networks");
	for (i = 0; i < trust_count(t); i++) {
		trust_str(t, i, net, sizeof(net));
		jw_str(w, NULL, net);
	}
	jw_arr_end(w);
	jw_bool(w, "inventory", trust_inventory_declares(t));
	jw_obj_end(w);
	jw_arr(w, "carriers");
	v = carriers_sorted(c, &n);
	for (i = 0; v && i < n; i++) {
		const struct carrier *e = v[i];
		const char *k = tunnel_name((enum tunnel_kind)e->kind);

		jw_obj(w, NULL);
		jw_str(w, "kind", k ? k : "tunnel");
		if (e->has_id)
			jw_u64(w, "tunnel_id", e->id);
		else
			jw_null(w, "tunnel_id");
		fmt_ip(&e->src, a);
		jw_str_plain(w, "src", a);
		fmt_ip(&e->dst, a);
		jw_str_plain(w, "dst", a);
		jw_u64(w, "packets", e->packets);
		jw_u64(w, "bytes", e->bytes);
		jw_u64(w, "flows", e->flows);
		jw_bool(w, "trusted", e->trusted);
		jw_obj_end(w);
	}
	free(v);
	jw_arr_end(w);
	jw_u64(w, "carriers_unlisted_packets", carriers_unlisted_packets(c));
}

/* "health": what makes a capture's verdicts doubtful. */
static void jw_health(struct jw *w, const struct report *r,
		      const struct run_stats *s)
{
	uint64_t judged, one_way;
	char pct[16];

	tally_one_way(r->tally, &judged, &one_way);
	fmt_milli_pct(s->health_drops_milli, pct);
	jw_obj(w, "health");
	jw_str_plain(w, "status", s->health_poor ? "poor" : "ok");
	jw_u64(w, "tcp_flows_judged", judged);
	jw_u64(w, "tcp_one_way", one_way);
	jw_u64(w, "one_way_threshold_pct", s->health_one_way_pct);
	jw_u64(w, "duplicate_frames", s->work.dup_frames);
	jw_u64(w, "frames_checked", s->work.dup_checked);
	jw_u64(w, "duplicate_threshold_pct", s->health_dup_pct);
	jw_raw(w, "drops_threshold_pct", pct);
	jw_str(w, "why", s->health_poor ? s->health_why : NULL);
	jw_obj_end(w);
}

/* "inconclusive": each reason the run cannot be trusted, with its
   sentence; [] when there is none. */
static void jw_inconclusive(struct jw *w, const struct gate *g)
{
	int r;

	jw_arr(w, "inconclusive");
	for (r = 0; g && r < GR_COUNT; r++) {
		if (!gate_has(g, (enum gate_reason)r))
			continue;
		jw_obj(w, NULL);
		jw_str_plain(w, "reason", gate_reason_key((enum gate_reason)r));
		jw_str(w, "why", g->why[r]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void json_summary(struct report *r, const struct run_stats *s)
{
	struct jw *w = &r->jw;
	int e;

	jw_obj(w, NULL);
	jw_str_plain(w, "type", "summary");
	jw_files(w, s);
	jw_u64(w, "packets", s->work.packets);
	jw_u64(w, "bytes", s->work.bytes);
	jw_obj(w, "decode_errors");
	for (e = 0; e < DERR_COUNT; e++)
		if (s->work.decode_err[e])
			jw_u64(w, decode_err_name((enum decode_err)e), s->work.decode_err[e]);
	jw_obj_end(w);
	jw_obj(w, "tunnels");
	for (e = 1; e < TUN_COUNT; e++)
		if (s->work.tunnels[e])
			jw_u64(w, tunnel_name((enum tunnel_kind)e), s->work.tunnels[e]);
	jw_obj_end(w);
	jw_carriers(w, s);
	jw_u64(w, "fragments", s->work.frags);
	jw_u64(w, "snap_truncated", s->work.snap_truncated);
	jw_obj(w, "clock");
	jw_u64(w, "time_jump_s", s->time_jump_s);
	jw_u64(w, "outliers", s->work.clock_outliers);
	jw_u64(w, "jumps_back", s->work.clock_jumps_back);
	jw_obj_end(w);
	jw_u64(w, "flows", s->work.flows.created);
	jw_u64(w, "max_flows", s->max_flows);
	jw_u64(w, "peak_flows", s->work.flows.peak_active);
	jw_u64(w, "evictions", s->work.flows.ended[END_EVICTED]);
	jw_verdicts(w, r);
	jw_obj(w, "flows_by_end_reason");
	for (e = 1; e < END_COUNT; e++)
		jw_u64(w, end_reason_name((enum end_reason)e), s->work.flows.ended[e]);
	jw_obj_end(w);
	jw_dpi(w, s);
	jw_aggs(w, r);
	jw_coverage(w, r);
	jw_health(w, r, s);
	jw_u64(w, "alerts", s->alerts);
	jw_u64(w, "dumped", s->dumped);
	/* With --dump-undocumented: the file, and whether it holds them. */
	if (s->dump_path) {
		jw_obj(w, "evidence");
		jw_str(w, "file", s->dump_path);
		jw_u64(w, "frames", s->dumped);
		jw_u64(w, "skipped", s->dump_skipped);
		jw_str(w, "error", s->dump_error);
		/* Rotated (--dump-size, --dump-files; always live): the
		   bounds, the files started, those kept and their frames. */
		if (s->dump_max_mb) {
			jw_obj(w, "rotation");
			jw_u64(w, "max_mb", s->dump_max_mb);
			if (s->dump_max_files)
				jw_u64(w, "max_files", s->dump_max_files);
			else
				jw_null(w, "max_files");
			jw_u64(w, "files", s->dump_files);
			jw_u64(w, "files_kept", s->dump_files_kept);
			jw_u64(w, "frames_kept", s->dump_frames_kept);
			jw_str(w, "newest", s->dump_newest);
			jw_obj_end(w);
		}
		jw_obj_end(w);
	}
	if (s->live) {
		jw_obj(w, "capture");
		jw_str(w, "interface", s->live->iface);
		jw_u64(w, "received", s->live->received);
		jw_u64(w, "dropped", s->live->dropped);
		jw_u64(w, "ifdropped", s->live->ifdropped);
		jw_u64(w, "went_down", s->live->went_down);
		jw_fixed(w, "down_seconds", (double)s->live->down_us / 1e6, 1);
		jw_bool(w, "down", s->live->down);
		jw_obj_end(w);
	}
	jw_inconclusive(w, s->gate);
	if (s->validate)
		jw_str_plain(w, "validate",
			     s->exit_status == 0 ? "pass" :
			     s->exit_status == 1 ? "fail" :
			     s->exit_status == 3 ? "inconclusive" : "error");
	jw_i64(w, "exit_status", s->exit_status);
	jw_obj_end(w);
	jw_line(w);
}

const struct report_writer report_json_writer = {
	.flow = json_flow,
	.alert = json_alert,
	.interim = json_interim,
	.summary = json_summary,
};
