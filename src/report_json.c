/*
 * report_json.c: JSON lines. One {"type":"flow"} object per ended flow;
 * at the end, the summary as records of a few types (files, inputs,
 * services, coverage, coverage_pairs, carriers), then {"type":"summary"}
 * last. Every record opens with the same head (type, time, run_id,
 * sensor, interface when live) and no line is longer than JSON_LINE_MAX:
 * a list that would make it longer goes on in another record of the
 * same type ("part" 2, 3...), each complete in itself.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "carrier.h"
#include "jsonw.h"
#include "util.h"
#include "waiver.h"

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

/* "app", "app_source", and for a protocol mismatch (its verdict or one
   of its findings) "expected". */
static void jw_app(struct jw *w, const struct report *r, const struct flow_record *f)
{
	const char *app = rec_app(f);

	if (app) {
		jw_str(w, "app", app);
		jw_str(w, "app_source",
		       app_source_name((enum app_source)f->app_source));
	} else {
		/* No application (no DPI, or none found): one copy. */
		struct jw_run run;
		char *p = jw_run_begin(w, &run);

		p = JW_PUT(p, "\"app\":null,\"app_source\":null");
		jw_run_end(w, &run, p);
	}
	if (f->findings & (1u << V_PROTOCOL_MISMATCH)) {
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
	if (!r->hosts)
		return;
	jw_role_mask(w, "client_roles", f->client_host.roles);
	jw_role_mask(w, "server_roles", f->server_host.roles);
	jw_str(w, "client_name", f->client_host.name[0] ? f->client_host.name
						       : NULL);
	jw_str(w, "server_name", f->server_host.name[0] ? f->server_host.name
						       : NULL);
	if (f->verdict == V_ROLE_VIOLATION)
		report_allowed(w, r->cat, f, jw_role_mask);
}

/* A time between quotes, as jw_str_plain() of fmt_time_cached()'s text
   writes it: at most TIME_STR_MAX + 1 bytes. */
static char *put_time(struct report *r, char *p, uint64_t us)
{
	*p++ = '"';
	p += fmt_time_cached(&r->tc, us, p);
	*p++ = '"';
	return p;
}

/* A time formatted once for a record that writes it twice (a flow's
   last packet is its record's time and its last_seen). */
struct json_time {
	size_t n;
	char s[TIME_STR_MAX];
};

static void json_time(struct report *r, struct json_time *t, uint64_t us)
{
	t->n = fmt_time_cached(&r->tc, us, t->s);
}

/* Time t between quotes, as put_time() writes it. Every date of
   four-digit years is 27 bytes (the run has room for TIME_STR_MAX + 1,
   t->s TIME_STR_MAX). */
static char *put_time_text(char *p, const struct json_time *t)
{
	*p++ = '"';
	copy_upto32(p, t->s, t->n);
	p += t->n;
	*p++ = '"';
	return p;
}

/* An address of IP version family between quotes, as fmt_ip() writes
   it: at most IP_STR_MAX + 1 bytes. */
static char *put_ip(char *p, const struct ip_addr *a, uint8_t family)
{
	*p++ = '"';
	p += fmt_ip(a, family, p);
	*p++ = '"';
	return p;
}

char *report_json_text(const char *s)
{
	struct jw t;
	char *e = NULL;

	jw_init(&t, NULL);
	/* Room for the longest escape of every byte (\u00XX) and the
	   quotes first: once made, no write below can fall short of it
	   and be dropped (there is no stream to spill it to). */
	if (jw_grow(&t, (s ? strlen(s) : 0) * 6 + 2)) {
		jw_str(&t, NULL, s);
		e = malloc(t.n + 1);
		if (e) {
			memcpy(e, t.b, t.n);
			e[t.n] = '\0';
		}
	}
	jw_free(&t);
	return e;
}

/* Catalogue row i's service (which 0) or rule file (1) as jw_str()
   writes it, made at the row's first record; NULL where not made (no
   memory) or in a record built again with its strings cut. */
static const struct json_text *row_text(struct report *r,
					const struct jw *w, uint16_t i,
					unsigned which)
{
	const struct cat_row *row = catalogue_row(r->cat, i);
	struct json_text *t;

	if (!r->json_row)
		r->json_row = calloc(2 * catalogue_count(r->cat),
				     sizeof(*r->json_row));
	if (!r->json_row || w->str_cut)
		return NULL;
	t = &r->json_row[2u * i + which];
	if (!t->s && (t->s = report_json_text(which ? row->file
						    : row->service)) != NULL)
		t->n = strlen(t->s);
	return t->s ? t : NULL;
}

/* Member key with catalogue row i's service (which 0) or rule file (1):
   its text made once (row_text()), or escaped here. */
static void jw_row_str(struct jw *w, struct report *r, const char *key,
		       uint16_t i, unsigned which)
{
	const struct json_text *t = row_text(r, w, i, which);
	const struct cat_row *row;

	if (t) {
		jw_key(w, key);
		jw_write(w, t->s, t->n);
		return;
	}
	row = catalogue_row(r->cat, i);
	jw_str(w, key, which ? row->file : row->service);
}

/* The most bytes of a row's text (row_text()) a run takes in, after
   its key: longer, it is written after the run. */
#define ROW_TEXT_RUN 128

/* Row i's text for a run: NULL where it is written after the run. */
static const struct json_text *row_text_run(struct report *r,
					    const struct jw *w, uint16_t i,
					    unsigned which)
{
	const struct json_text *t = row_text(r, w, i, which);

	return t && t->n <= ROW_TEXT_RUN ? t : NULL;
}

static char *put_text(char *p, const struct json_text *t)
{
	memcpy(p, t->s, t->n);
	return p + t->n;
}

/* The members after the time that name the run (run_id, sensor and,
   live, interface), member by member. */
static void jw_run_names(struct jw *w, const struct run_info *run)
{
	jw_str_plain(w, "run_id", run->run_id);
	jw_str(w, "sensor", run->sensor);
	if (run->interface)
		jw_str(w, "interface", run->interface);
}

struct json_text report_json_run(const struct run_info *run)
{
	struct json_text e = { NULL, 0 };
	struct jw t;
	size_t room = 64 + strlen(run->run_id) +
		      6 * (run->sensor ? strlen(run->sensor) : 0) +
		      6 * (run->interface ? strlen(run->interface) : 0);

	jw_init(&t, NULL);
	/* As after a record's first members: each of these with its
	   comma. Room for the longest escapes first, as
	   report_json_text() makes it: no write can fall short. */
	t.depth = 1;
	t.has = UINT32_C(1) << 1;
	if (jw_grow(&t, room)) {
		jw_run_names(&t, run);
		e.s = malloc(t.n + 1);
		if (e.s) {
			memcpy(e.s, t.b, t.n);
			e.s[t.n] = '\0';
			e.n = t.n;
		}
	}
	jw_free(&t);
	return e;
}

/* What every record opens with: its type, its time (the packet time of
   what it tells), and what names the run: made once (json_run) but in
   a record built again with its strings cut. */
static void jw_head_at(struct jw *w, struct report *r, const char *type,
		       const struct json_time *t)
{
	struct jw_run run;
	char *p = jw_run_begin(w, &run);

	/* A run (jsonw.h) of at most 12 + 80 (a type of ours) + 10 +
	   TIME_STR_MAX bytes. */
	p = JW_PUT(p, "\"type\":");
	p = jw_put_plain(p, type);
	p = put_time_text(JW_PUT(p, ",\"time\":"), t);
	jw_run_end(w, &run, p);
	if (r->json_run.s && !w->str_cut)
		jw_write(w, r->json_run.s, r->json_run.n);
	else
		jw_run_names(w, r->run);
}

static void jw_head(struct jw *w, struct report *r, const char *type,
		    uint64_t time_us)
{
	struct json_time t;

	json_time(r, &t, time_us);
	jw_head_at(w, r, type, &t);
}

/* A wall-clock time, as every time is written. */
static void jw_wall(struct jw *w, struct report *r, const char *key,
		    uint64_t us)
{
	char t[TIME_STR_MAX];

	fmt_time_cached(&r->tc, us, t);
	jw_str_plain(w, key, t);
}

/* The fields a flow record and an alert share, after the head. The
   fixed ones go in runs (jsonw.h), each under JW_RUN_MAX bytes: the
   first at most 290 bytes of keys, two times and two addresses
   (TIME_STR_MAX + 1 and IP_STR_MAX + 1 each), a duration (28), 11
   numbers (20 each) and the service (11 + ROW_TEXT_RUN): 965 bytes;
   the others keys, numbers, names from fixed tables (tested under 32
   bytes each) and the rule file's text. The strings a user or the
   catalogue supplies (service, rule file) are escaped once per row
   (row_text()); longer than ROW_TEXT_RUN, or in a record built again
   with its strings cut, they are written member by member. */
static void jw_flow_body(struct jw *w, struct report *r, const struct flow_record *f,
			 const struct json_time *last)
{
	const struct cat_row *row =
		f->service_row ? catalogue_row(r->cat, f->service_row - 1u) : NULL;
	uint64_t tables = f->tables, us = rec_duration_us(f);
	const struct json_text *text = NULL;
	struct jw_run run;
	char t[8], *p;
	uint8_t i;

	p = jw_run_begin(w, &run);
	p = put_time(r, JW_PUT(p, "\"first_seen\":"), f->first_us);
	p = put_time_text(JW_PUT(p, ",\"last_seen\":"), last);
	p = jw_put_seconds_us(JW_PUT(p, ",\"duration\":"), us);
	/* The transport: a name, or the protocol number (jw_transport()). */
	explain_transport(t, f->key.proto);
	p = JW_PUT(p, ",\"transport\":");
	p = t[0] >= '0' && t[0] <= '9' ? (char *)memcpy(p, t, strlen(t)) + strlen(t)
				       : jw_put_plain(p, t);
	p = put_ip(JW_PUT(p, ",\"client_ip\":"), rec_client_ip(f),
		   f->key.family);
	p = jw_put_u64(JW_PUT(p, ",\"client_port\":"), rec_client_port(f));
	p = put_ip(JW_PUT(p, ",\"server_ip\":"), rec_server_ip(f),
		   f->key.family);
	p = jw_put_u64(JW_PUT(p, ",\"server_port\":"), rec_server_port(f));
	p = jw_put_u64(JW_PUT(p, ",\"packets\":"), rec_packets(f));
	p = jw_put_u64(JW_PUT(p, ",\"bytes\":"), rec_bytes(f));
	p = jw_put_u64(JW_PUT(p, ",\"packets_c2s\":"), f->pkts[REC_C2S]);
	p = jw_put_u64(JW_PUT(p, ",\"packets_s2c\":"), f->pkts[REC_S2C]);
	p = jw_put_u64(JW_PUT(p, ",\"bytes_c2s\":"), f->bytes[REC_C2S]);
	p = jw_put_u64(JW_PUT(p, ",\"bytes_s2c\":"), f->bytes[REC_S2C]);
	p = jw_put_u64(JW_PUT(p, ",\"ip_bytes\":"), rec_ip_bytes(f));
	p = jw_put_u64(JW_PUT(p, ",\"ip_bytes_c2s\":"), f->ip_bytes[REC_C2S]);
	p = jw_put_u64(JW_PUT(p, ",\"ip_bytes_s2c\":"), f->ip_bytes[REC_S2C]);
	if (!row)
		p = JW_PUT(p, ",\"service\":null");
	else if ((text = row_text_run(r, w, f->service_row - 1u, 0)) != NULL)
		p = put_text(JW_PUT(p, ",\"service\":"), text);
	jw_run_end(w, &run, p);
	if (row && !text)
		jw_row_str(w, r, "service", f->service_row - 1u, 0);

	/* At most 64 tables of 2 digits and a rule's source. */
	p = jw_run_begin(w, &run);
	p = JW_PUT(p, "\"tables\":[");
	for (; tables; tables &= tables - 1) {
		p = jw_put_u64(p, (uint64_t)__builtin_ctzll(tables));
		*p++ = ',';
	}
	if (p[-1] == ',')
		p--;
	*p++ = ']';
	if (!row)
		p = JW_PUT(p, ",\"rule_source\":null,\"rule_file\":null,\"rule_line\":null");
	else
		p = row->site ? JW_PUT(p, ",\"rule_source\":\"site\"")
			      : JW_PUT(p, ",\"rule_source\":\"guide\"");
	if (row && (text = row_text_run(r, w, f->service_row - 1u, 1)) != NULL)
		p = put_text(JW_PUT(p, ",\"rule_file\":"), text);
	jw_run_end(w, &run, p);
	if (row && !text)
		jw_row_str(w, r, "rule_file", f->service_row - 1u, 1);

	/* A line number, a verdict's name (under 32 bytes) and the
	   findings (VERDICT_FINDINGS_MAX). */
	p = jw_run_begin(w, &run);
	if (row) {
		p = jw_put_u64(JW_PUT(p, "\"rule_line\":"), row->line);
		p = JW_PUT(p, ",\"verdict\":");
	} else {
		p = JW_PUT(p, "\"verdict\":");
	}
	p = jw_put_plain(p, verdict_name((enum verdict)f->verdict));
	p = verdict_put_findings(JW_PUT(p, ",\"findings\":"), f->findings);
	jw_run_end(w, &run, p);

	p = jw_run_begin(w, &run);
	p = jw_put_plain(JW_PUT(p, "\"end_reason\":"),
			 end_reason_name((enum end_reason)f->end_reason));
	p = jw_put_plain(JW_PUT(p, ",\"conn_state\":"), rec_conn_state(f));
	p = jw_put_plain(JW_PUT(p, ",\"direction_basis\":"),
			 dir_basis_name((enum dir_basis)f->basis));
	p = JW_PUT(p, ",\"vlan\":");
	p = f->vlan ? jw_put_u64(p, f->vlan) : JW_PUT(p, "null");
	p = JW_PUT(p, ",\"vlans\":[");
	for (i = 0; i < f->nvlans && i < MAX_VLAN_TAGS; i++) {
		if (i)
			*p++ = ',';
		p = jw_put_u64(p, f->vlans[i]);
	}
	p = JW_PUT(p, "],\"sgt\":");
	p = f->has_sgt ? jw_put_u64(p, f->sgt) : JW_PUT(p, "null");
	p = JW_PUT(p, ",\"erspan_session\":");
	p = f->has_erspan ? jw_put_u64(p, f->erspan_session) : JW_PUT(p, "null");
	/* A DSCP and its flag, null and false when no packet went that
	   way. */
	p = JW_PUT(p, ",\"dscp_c2s\":");
	p = f->pkts[REC_C2S] ? jw_put_u64(p, rec_dscp(f, REC_C2S)) : JW_PUT(p, "null");
	p = rec_dscp_changed(f, REC_C2S) ? JW_PUT(p, ",\"dscp_c2s_changed\":true")
					 : JW_PUT(p, ",\"dscp_c2s_changed\":false");
	p = JW_PUT(p, ",\"dscp_s2c\":");
	p = f->pkts[REC_S2C] ? jw_put_u64(p, rec_dscp(f, REC_S2C)) : JW_PUT(p, "null");
	p = rec_dscp_changed(f, REC_S2C) ? JW_PUT(p, ",\"dscp_s2c_changed\":true")
					 : JW_PUT(p, ",\"dscp_s2c_changed\":false");
	p = jw_put_plain(JW_PUT(p, ",\"tunnel\":"),
			 tunnel_name((enum tunnel_kind)f->tunnel));
	if (f->carrier & FC_CARRIER) {
		/* The outer flow of a tunnel of kind "tunnel". */
		p = JW_PUT(p, ",\"carrier\":true,\"tunnel_id\":");
		p = f->carrier & FC_TUN_ID ? jw_put_u64(p, f->tun_id)
					   : JW_PUT(p, "null");
	}
	if (f->key.proto == IPPROTO_NUM_ICMP || f->key.proto == IPPROTO_NUM_ICMPV6) {
		p = jw_put_u64(JW_PUT(p, ",\"icmp_type\":"), f->icmp_type);
		p = jw_put_u64(JW_PUT(p, ",\"icmp_code\":"), f->icmp_code);
	}
	jw_run_end(w, &run, p);
	jw_app(w, r, f);
	jw_roles(w, r, f);
	waiver_json_record(w, f);
}

/* flow_id and community_id, after the head. */
static void jw_flow_ids(struct jw *w, const struct flow_record *f)
{
	struct jw_run run;
	char *p = jw_run_begin(w, &run);

	p = jw_put_u64(JW_PUT(p, "\"flow_id\":"), f->flow_id);
	p = JW_PUT(p, ",\"community_id\":");
	if (f->community_id[0]) {
		/* Always COMMUNITY_ID_LEN - 1 characters (community_id.h):
		   a copy of a length known when compiling, no strlen(). */
		*p++ = '"';
		p = (char *)memcpy(p, f->community_id, COMMUNITY_ID_LEN - 1) +
		    COMMUNITY_ID_LEN - 1;
		*p++ = '"';
	} else {
		p = JW_PUT(p, "null");
	}
	jw_run_end(w, &run, p);
}

/* The end of a record: built again with its strings cut (str_cut, see
   json_fit()), it says so. */
static void jw_record_end(struct jw *w)
{
	if (w->str_cut)
		jw_bool(w, "shortened", true);
	jw_obj_end(w);
}

/* True when the record built since m would pass JSON_LINE_MAX (with
   more bytes to come, its newline included) and was taken back: the
   caller builds it again with its strings cut. */
static bool json_too_long(struct jw *w, const struct jw_mark *m, size_t more)
{
	if (w->str_cut || jw_len(w) + more <= JSON_LINE_MAX || !jw_rewind(w, m))
		return false;
	w->str_cut = JSON_STR_CUT;
	return true;
}

static void flow_record(struct report *r, const struct flow_record *f)
{
	struct jw *w = &r->jw;
	struct json_time last;

	json_time(r, &last, f->last_us);
	jw_obj(w, NULL);
	jw_head_at(w, r, "flow", &last);
	jw_flow_ids(w, f);
	jw_flow_body(w, r, f, &last);
	jw_record_end(w);
}

static void alert_record(struct report *r, const struct flow_record *f)
{
	char why[REASON_MAX];
	struct jw *w = &r->jw;
	struct json_time last;

	explain_reason(r->cat, f, why);
	json_time(r, &last, f->last_us);
	jw_obj(w, NULL);
	jw_head_at(w, r, "alert", &last);
	jw_flow_ids(w, f);
	jw_str(w, "reason", why);
	jw_flow_body(w, r, f, &last);
	jw_record_end(w);
}

/* A flow's or alert's record, as one line: one that would pass
   JSON_LINE_MAX (a site's rule file named thousands of bytes long) is
   built again with each string cut to JSON_STR_CUT bytes. */
static void json_fit(struct report *r, const struct flow_record *f,
		     void (*build)(struct report *, const struct flow_record *))
{
	struct jw *w = &r->jw;
	struct jw_mark m = jw_mark(w);

	build(r, f);
	if (json_too_long(w, &m, 1)) {
		build(r, f);
		w->str_cut = 0;
	}
	jw_line(w);
}

static void json_flow(struct report *r, const struct flow_record *f)
{
	json_fit(r, f, flow_record);
}

static void json_alert(struct report *r, const struct flow_record *f)
{
	json_fit(r, f, alert_record);
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

/* The packet time a stats or summary record tells of: the capture's
   latest packet (since the clock last went back: a sensor's stats are
   not stamped an hour ahead for an hour after a step back), or the
   wall clock when no packet came. */
static uint64_t summary_time(const struct run_stats *s)
{
	return s->any_packet ? s->latest_packet_us : s->now_us;
}

static void json_interim(struct report *r, const struct run_stats *s)
{
	struct jw *w = &r->jw;

	jw_obj(w, NULL);
	jw_head(w, r, "stats", summary_time(s));
	jw_wall(w, r, "wall_time", s->now_us);
	jw_u64(w, "packets", s->work.packets);
	jw_u64(w, "bytes", s->work.bytes);
	jw_u64(w, "flows", s->work.flows.created);
	jw_u64(w, "flows_active", s->work.flows.active);
	jw_u64(w, "alerts", s->alerts);
	jw_verdicts(w, r);
	report_live_counts(w, s->live);
	jw_obj_end(w);
	jw_line(w);
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
		/* A site's row is the site's, whatever table it names. */
		if (row->site)
			jw_null(w, "table");
		else
			jw_u64(w, "table", row->table);
		jw_str(w, "service", row->service);
		if (row->site) {
			jw_str(w, "rule_file", row->file);
			jw_u64(w, "rule_line", row->line);
		}
	}
	jw_transport(w, "transport", proto);
	jw_u64(w, "port", port);
}

/* ---- the summary's records ------------------------------------------- */

/*
 * A list written as records of one type: each opens with the head, the
 * wall clock, its part number (1, 2...), "list" (which list, when a type
 * holds several) and the fields head() adds, then "entries". An entry
 * that would take the line past JSON_LINE_MAX goes to the next part, so
 * that every record is whole and under the limit (an entry longer than
 * that alone is written alone).
 */
struct parts {
	struct report *r;
	const struct run_stats *s;
	const char *type;
	const char *list;
	void (*head)(struct parts *p);   /* NULL: none */
	unsigned part;                   /* records begun */
	size_t items;                    /* entries in the open record */
	bool open;
};

/* A list of records of type `type` (and list `list`, or NULL), none
   begun yet. */
static void parts_init(struct parts *p, struct report *r,
		       const struct run_stats *s, const char *type,
		       const char *list, void (*head)(struct parts *))
{
	memset(p, 0, sizeof(*p));
	p->r = r;
	p->s = s;
	p->type = type;
	p->list = list;
	p->head = head;
}

/* Begin the next part: the head, its number, the fields head() adds,
   then "entries". */
static void parts_open(struct parts *p)
{
	struct jw *w = &p->r->jw;

	jw_obj(w, NULL);
	jw_head(w, p->r, p->type, summary_time(p->s));
	jw_wall(w, p->r, "wall_time", p->s->now_us);
	jw_u64(w, "part", ++p->part);
	if (p->list)
		jw_str_plain(w, "list", p->list);
	if (p->head)
		p->head(p);
	jw_arr(w, "entries");
	p->open = true;
	p->items = 0;
}

/* End the open part and write it. */
static void parts_close(struct parts *p)
{
	struct jw *w = &p->r->jw;

	jw_arr_end(w);
	jw_record_end(w);
	jw_line(w);
	p->open = false;
}

/* One entry, written by fn(p, arg). */
static void parts_entry(struct parts *p,
			void (*fn)(struct parts *p, const void *arg),
			const void *arg)
{
	struct jw *w = &p->r->jw;
	struct jw_mark m;

	if (!p->open)
		parts_open(p);
	m = jw_mark(w);
	fn(p, arg);
	/* "]}" and the newline end the record. */
	if (jw_len(w) + 3 > JSON_LINE_MAX && p->items > 0 && jw_rewind(w, &m)) {
		parts_close(p);
		parts_open(p);
		m = jw_mark(w);
		fn(p, arg);
	}
	p->items++;
	/* Too long alone (a file named thousands of bytes long): cut, and
	   in a part of its own, which says "shortened". */
	if (json_too_long(w, &m, 3 + sizeof(",\"shortened\":true"))) {
		fn(p, arg);
		parts_close(p);
		w->str_cut = 0;
	}
}

/* The last record; with always, one with no entries when there were
   none (a list that is always there, such as the coverage). */
static void parts_end(struct parts *p, bool always)
{
	if (!p->open && always && p->part == 0)
		parts_open(p);
	if (p->open)
		parts_close(p);
}

/* One input file and how reading it went. */
static void entry_file(struct parts *p, const void *arg)
{
	const struct file_stat *fs = arg;
	struct jw *w = &p->r->jw;

	jw_obj(w, NULL);
	jw_str(w, "name", fs->name);
	jw_i64(w, "link_type", fs->dlt);
	jw_u64(w, "packets", fs->packets);
	jw_u64(w, "bytes", fs->bytes);
	jw_str_plain(w, "state", file_state_name(fs->state));
	jw_str(w, "error", fs->error[0] ? fs->error : NULL);
	if (fs->stop_offset >= 0)
		jw_i64(w, "stop_offset", fs->stop_offset);
	report_file_drops(w, &fs->drops, true);
	jw_obj_end(w);
}

/* One file that shaped the verdicts (--rules, --rules-add, --hosts,
   --waivers). */
static void entry_input(struct parts *p, const void *arg)
{
	const struct run_input *in = arg;
	struct jw *w = &p->r->jw;

	jw_obj(w, NULL);
	jw_str_plain(w, "kind", in->kind);
	jw_str(w, "file", in->path);
	jw_str_plain(w, "sha256", in->sha256[0] ? in->sha256 : NULL);
	jw_obj_end(w);
}

/* A per-port aggregate of one verdict, with its applications. */
struct agg_entry {
	const struct agg *a;
	struct app_agg *const *apps;
	size_t n_apps;
};

static void entry_agg(struct parts *p, const void *arg)
{
	const struct agg_entry *e = arg;
	struct jw *w = &p->r->jw;

	jw_obj(w, NULL);
	jw_where(w, p->r, e->a->row, e->a->proto, e->a->port);
	jw_totals(w, e->a->flows, e->a->pkts, e->a->bytes);
	jw_u64(w, "attempts", e->a->attempts);
	if (e->a->row) {
		uint64_t changed, seen = tally_row_dscp(p->r->tally,
							e->a->row - 1u, &changed);
		unsigned d;

		jw_arr(w, "dscp");
		for (d = 0; d < 64; d++)
			if (seen & (UINT64_C(1) << d))
				jw_u64(w, NULL, d);
		jw_arr_end(w);
		jw_u64(w, "dscp_changed_flows", changed);
	}
	jw_apps_of(w, p->r, e->apps, e->n_apps, e->a);
	jw_obj_end(w);
}

/* A protocol mismatch: its service, port and application, with what the
   rows expected. */
static void entry_mismatch(struct parts *p, const void *arg)
{
	const struct app_agg *a = arg;
	struct jw *w = &p->r->jw;
	char exp[EXPECTED_MAX];

	jw_obj(w, NULL);
	jw_where(w, p->r, a->row, a->proto, a->port);
	explain_expected(p->r->cat, a->proto, a->cport, a->port, a->on_wire, exp);
	jw_list(w, "expected", exp);
	jw_app_of(w, p->r, a);
	jw_totals(w, a->flows, a->pkts, a->bytes);
	jw_obj_end(w);
}

/* An application nDPI named on an undocumented port. */
static void entry_undoc_app(struct parts *p, const void *arg)
{
	const struct app_agg *a = arg;
	struct jw *w = &p->r->jw;

	jw_obj(w, NULL);
	jw_where(w, p->r, 0, a->proto, a->port);
	jw_app_of(w, p->r, a);
	jw_totals(w, a->flows, a->pkts, a->bytes);
	jw_obj_end(w);
}

/*
 * The "services" records: one list per verdict, under its key
 * (verdict.h) as "list", each entry a port with its applications;
 * "protocol_mismatch" one entry per service, port and application found,
 * with what the rows expected; then "undocumented_apps", the
 * applications nDPI named on undocumented ports. An empty list writes
 * no record.
 */
static void json_services(struct report *r, const struct run_stats *s)
{
	struct agg *v;
	struct app_agg **apps;
	struct parts p;
	size_t n, n_apps, i;
	int k;

	v = tally_sorted_aggs(r->tally, &n);
	apps = tally_sorted_apps(r->tally, &n_apps);
	for (k = 0; k < V_COUNT; k++) {
		parts_init(&p, r, s, "services", verdict_key((enum verdict)k), NULL);
		if (k == V_PROTOCOL_MISMATCH) {
			for (i = 0; apps && i < n_apps; i++)
				if (apps[i]->verdict == V_PROTOCOL_MISMATCH)
					parts_entry(&p, entry_mismatch, apps[i]);
		} else {
			for (i = 0; v && i < n; i++) {
				struct agg_entry e = { &v[i], apps, n_apps };

				if (v[i].verdict == k)
					parts_entry(&p, entry_agg, &e);
			}
		}
		parts_end(&p, false);
	}
	parts_init(&p, r, s, "services", "undocumented_apps", NULL);
	for (i = 0; apps && i < n_apps; i++)
		if (apps[i]->verdict == V_UNDOCUMENTED &&
		    apps[i]->src != APP_SRC_NONE)
			parts_entry(&p, entry_undoc_app, apps[i]);
	parts_end(&p, false);
	free(apps);
	free(v);
}

/* Which row: its guide table, or for a site's row (--rules-add) null and
   the file; its service and line. */
static void jw_row_id(struct jw *w, const struct cat_row *row)
{
	if (row->site) {
		jw_null(w, "table");
		jw_str(w, "site_file", row->file);
	} else {
		jw_u64(w, "table", row->table);
	}
	jw_str(w, "service", row->service);
	jw_u64(w, "line", row->line);
}

/* What every coverage record says: the rows in force and how many of
   them flows exercised. */
static void coverage_head(struct parts *p)
{
	struct jw *w = &p->r->jw;

	jw_u64(w, "rows", catalogue_count(p->r->cat));
	jw_u64(w, "exercised", coverage_exercised(tally_coverage(p->r->tally)));
}

/* One catalogue row and its flows. */
static void entry_cov_row(struct parts *p, const void *arg)
{
	size_t i = *(const size_t *)arg;
	const struct cov_row *cr = coverage_row(tally_coverage(p->r->tally), i);
	struct jw *w = &p->r->jw;

	jw_obj(w, NULL);
	jw_row_id(w, catalogue_row(p->r->cat, i));
	jw_u64(w, "flows", cr->flows);
	if (p->r->hosts) {
		jw_u64(w, "pairs", cr->npairs);
		jw_u64(w, "more_pairs_flows", cr->more_pairs);
	}
	jw_obj_end(w);
}

struct pair_entry {
	size_t row;
	uint8_t k;
};

/* One pair of hosts that used a row. */
static void entry_cov_pair(struct parts *p, const void *arg)
{
	const struct pair_entry *e = arg;
	const struct cov_row *cr = coverage_row(tally_coverage(p->r->tally), e->row);
	struct jw *w = &p->r->jw;

	jw_obj(w, NULL);
	jw_row_id(w, catalogue_row(p->r->cat, e->row));
	jw_str(w, "client", cr->pair[e->k].client);
	jw_str(w, "server", cr->pair[e->k].server);
	jw_u64(w, "flows", cr->pair[e->k].flows);
	jw_obj_end(w);
}

/*
 * "coverage": every catalogue row with its flows, in file order (a
 * site's row named by its file, never by a guide table); with an
 * inventory, "coverage_pairs": the host pairs of each row exercised.
 */
static void json_coverage(struct report *r, const struct run_stats *s)
{
	size_t i, n = catalogue_count(r->cat);
	struct parts p;

	parts_init(&p, r, s, "coverage", NULL, coverage_head);
	for (i = 0; i < n; i++)
		parts_entry(&p, entry_cov_row, &i);
	parts_end(&p, true);
	if (!r->hosts)
		return;
	parts_init(&p, r, s, "coverage_pairs", NULL, NULL);
	for (i = 0; i < n; i++) {
		const struct cov_row *cr = coverage_row(tally_coverage(r->tally), i);
		struct pair_entry e = { i, 0 };

		for (e.k = 0; e.k < cr->npairs; e.k++)
			parts_entry(&p, entry_cov_pair, &e);
	}
	parts_end(&p, true);
}

/* "tunnel_trust" (the endpoints declared) and the packets of carriers
   past the list's size. */
static void carriers_head(struct parts *p)
{
	const struct trust *t = p->s->trust;
	struct jw *w = &p->r->jw;
	char net[IP_STR_MAX + 8];
	size_t i;

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
	jw_u64(w, "carriers_unlisted_packets",
	       carriers_unlisted_packets(p->s->carriers));
}

/* One tunnel carrier. */
static void entry_carrier(struct parts *p, const void *arg)
{
	const struct carrier *e = arg;
	const char *k = tunnel_name((enum tunnel_kind)e->kind);
	struct jw *w = &p->r->jw;
	char a[IP_STR_MAX];

	jw_obj(w, NULL);
	jw_str(w, "kind", k ? k : "tunnel");
	if (e->has_id)
		jw_u64(w, "tunnel_id", e->id);
	else
		jw_null(w, "tunnel_id");
	fmt_ip(&e->src, e->family, a);
	jw_str_plain(w, "src", a);
	fmt_ip(&e->dst, e->family, a);
	jw_str_plain(w, "dst", a);
	jw_u64(w, "packets", e->packets);
	jw_u64(w, "bytes", e->bytes);
	jw_u64(w, "flows", e->flows);
	jw_bool(w, "trusted", e->trusted);
	jw_obj_end(w);
}

/* "carriers": every tunnel carrier seen, with the endpoints declared. */
static void json_carriers(struct report *r, const struct run_stats *s)
{
	const struct carrier **v;
	struct parts p;
	size_t n, i;

	if (!s->carriers || !s->trust)
		return;
	parts_init(&p, r, s, "carriers", NULL, carriers_head);
	v = carriers_sorted(s->carriers, &n);
	for (i = 0; v && i < n; i++)
		parts_entry(&p, entry_carrier, v[i]);
	free(v);
	parts_end(&p, true);
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

/* "filter": what a run narrowed by -f judged (gate.h): the expression,
   the packets read and those it left out (null when libpcap cannot
   tell, as live), and the sentence; only with -f, as "capture" is only
   live. */
static void jw_filter(struct jw *w, const struct gate *g)
{
	if (!gate_filter_why(g))
		return;
	jw_obj(w, "filter");
	jw_str(w, "expression", g->filter);
	if (g->filter_counted) {
		jw_u64(w, "packets_read", g->filter_read);
		jw_u64(w, "left_out", g->filter_left_out);
	} else {
		jw_null(w, "packets_read");
		jw_null(w, "left_out");
	}
	jw_str(w, "why", gate_filter_why(g));
	jw_obj_end(w);
}

/* The command line, cut at JSON_CMDLINE_MAX bytes (then
   "command_line_cut" says so). */
static void jw_command_line(struct jw *w, const char *cl)
{
	size_t n = cl ? strlen(cl) : 0;

	if (n <= JSON_CMDLINE_MAX) {
		jw_str(w, "command_line", cl);
		return;
	}
	jw_strn(w, "command_line", cl, JSON_CMDLINE_MAX);
	jw_bool(w, "command_line_cut", true);
}

/* What produced the run: versions, the catalogue and every input file
   with its SHA-256, the command line, the capture's first and last
   packet times, the wall clock at the start and now. With lists_apart,
   the input files are in "inputs" records, not here. */
static void jw_provenance(struct jw *w, struct report *r,
			  const struct run_stats *s, bool lists_apart)
{
	const struct run_info *ri = r->run;
	size_t i;

	jw_str(w, "impwatch_version", ri->version);
	jw_str(w, "ndpi_version", ri->ndpi_version);
	jw_str(w, "libpcap_version", ri->pcap_version);
	jw_obj(w, "catalogue");
	jw_str(w, "file", ri->n_inputs && strcmp(ri->inputs[0].kind, "rules") == 0
			  ? ri->inputs[0].path : NULL);
	jw_str_plain(w, "sha256", ri->catalogue_sha256[0] ? ri->catalogue_sha256
							 : NULL);
	jw_obj_end(w);
	if (lists_apart) {
		jw_null(w, "inputs");
	} else {
		jw_arr(w, "inputs");
		for (i = 0; i < ri->n_inputs; i++) {
			struct parts p = { .r = r };

			entry_input(&p, &ri->inputs[i]);
		}
		jw_arr_end(w);
	}
	jw_command_line(w, ri->command_line);
	jw_u64(w, "community_id_seed", ri->community_id_seed);
	if (s->any_packet) {
		jw_wall(w, r, "first_packet", s->first_packet_us);
		jw_wall(w, r, "last_packet", s->last_packet_us);
	} else {
		jw_null(w, "first_packet");
		jw_null(w, "last_packet");
	}
	if (ri->started_us)
		jw_wall(w, r, "started", ri->started_us);
	else
		jw_null(w, "started");
	jw_wall(w, r, "ended", s->now_us);
}

/* The summary record itself, last. With lists_apart, the files and
   input files are in records of their own (written before) and null
   here. */
static void json_summary_record(struct report *r, const struct run_stats *s,
				bool lists_apart)
{
	struct jw *w = &r->jw;
	size_t i;
	int e;

	jw_obj(w, NULL);
	jw_head(w, r, "summary", summary_time(s));
	jw_wall(w, r, "wall_time", s->now_us);
	if (lists_apart) {
		jw_null(w, "files");
	} else {
		jw_arr(w, "files");
		for (i = 0; i < s->n_files; i++) {
			struct parts p = { .r = r };

			entry_file(&p, &s->files[i]);
		}
		jw_arr_end(w);
	}
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
	jw_u64(w, "fragments", s->work.frags);
	jw_u64(w, "snap_truncated", s->work.snap_truncated);
	jw_obj(w, "clock");
	jw_u64(w, "time_jump_s", s->time_jump_s);
	jw_u64(w, "outliers", s->work.clock_outliers);
	jw_u64(w, "jumps_back", s->work.clock_jumps_back);
	jw_obj_end(w);
	jw_u64(w, "flows", s->work.flows.created);
	jw_u64(w, "max_flows", s->max_flows);
	if (s->threads > 1)
		jw_u64(w, "threads", s->threads);
	jw_u64(w, "peak_flows", s->work.flows.peak_active);
	jw_u64(w, "evictions", s->work.flows.ended[END_EVICTED]);
	jw_verdicts(w, r);
	/* On TLS-only ports: flows the cleartext check could not judge. */
	jw_u64(w, "tls_not_judged", tally_tls_unjudged(r->tally));
	/* Echo replies the icmp-tunnel check found unmatched, near misses
	   too. */
	jw_u64(w, "echo_replies_unmatched", s->work.echo_unmatched);
	jw_obj(w, "flows_by_end_reason");
	for (e = 1; e < END_COUNT; e++)
		jw_u64(w, end_reason_name((enum end_reason)e), s->work.flows.ended[e]);
	jw_obj_end(w);
	jw_obj(w, "flows_by_conn_state");
	for (e = 0; e < CS_COUNT; e++)
		if (tally_conn_state(r->tally, (enum conn_state)e))
			jw_u64(w, conn_state_name((enum conn_state)e),
			       tally_conn_state(r->tally, (enum conn_state)e));
	jw_obj_end(w);
	jw_dpi(w, s);
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
		/* Always there, as the counters are: null and 0 when the
		   end of every interface was read. */
		jw_str(w, "end_not_read", s->live->end_not_read);
		jw_u64(w, "end_read_frames", s->live->end_read);
		jw_obj_end(w);
	}
	jw_provenance(w, r, s, lists_apart);
	waivers_json_summary(w, s->waivers, s->waived);
	jw_filter(w, s->gate);
	report_out_errors(w, s, true, true);
	jw_inconclusive(w, s->gate);
	if (s->validate)
		jw_str_plain(w, "validate",
			     s->exit_status == 0 ? "pass" :
			     s->exit_status == 1 ? "fail" :
			     s->exit_status == 3 ? "inconclusive" : "error");
	jw_i64(w, "exit_status", s->exit_status);
	jw_record_end(w);
}

/*
 * The summary: the services, coverage and carriers records, then the
 * summary record, last. The files read and the input files go in the
 * summary while it stays under JSON_LINE_MAX; otherwise in "files" and
 * "inputs" records before it. A summary still too long (names given
 * thousands of bytes long) is built again with its strings cut.
 */
static void json_summary(struct report *r, const struct run_stats *s)
{
	struct jw *w = &r->jw;
	struct jw_mark m;
	struct parts p;
	size_t i;

	json_services(r, s);
	json_coverage(r, s);
	json_carriers(r, s);
	m = jw_mark(w);
	json_summary_record(r, s, false);
	if (jw_len(w) + 1 > JSON_LINE_MAX && jw_rewind(w, &m)) {
		parts_init(&p, r, s, "files", NULL, NULL);
		for (i = 0; i < s->n_files; i++)
			parts_entry(&p, entry_file, &s->files[i]);
		parts_end(&p, true);
		parts_init(&p, r, s, "inputs", NULL, NULL);
		for (i = 0; i < r->run->n_inputs; i++)
			parts_entry(&p, entry_input, &r->run->inputs[i]);
		parts_end(&p, true);
		m = jw_mark(w);
		json_summary_record(r, s, true);
		if (json_too_long(w, &m, 1)) {
			json_summary_record(r, s, true);
			w->str_cut = 0;
		}
	}
	jw_line(w);
}

const struct report_writer report_json_writer = {
	.flow = json_flow,
	.alert = json_alert,
	.interim = json_interim,
	.summary = json_summary,
	.community_id = true,
};
