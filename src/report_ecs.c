/*
 * report_ecs.c: JSON lines in Elastic Common Schema field names, one
 * event per line, for Filebeat's or Elastic Agent's plain JSON input
 * (and Splunk's KV_MODE=json) with no ingest pipeline.
 *
 * The same events as --format json: a flow as it ends, an alert, an
 * interim stats report, and the summary, which is cut into events of
 * their own (the run, each input file, each port and application
 * aggregate, each catalogue row's coverage, each tunnel carrier) so that
 * no line is longer than JSON_LINE_MAX. Every event carries @timestamp,
 * ecs.version, event.kind/category/type/dataset and observer.*, its
 * dotted ECS names written as nested objects (what the JSON input
 * expects when no pipeline expands dotted keys); what ECS has no field
 * for goes under "impwatch".
 *
 * Field names and types are those of the ECS reference (version
 * ECS_VERSION); tests/records/ecs_schema.json lists each field used and
 * its type, and the records suite checks every event against it.
 */
#include "report_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "carrier.h"
#include "connstate.h"
#include "coverage.h"
#include "jsonw.h"
#include "runinfo.h"
#include "trust.h"
#include "util.h"
#include "waiver.h"

/* The ECS release whose field reference this writer follows. */
#define ECS_VERSION "8.11.0"

/* How much of an event is written: everything, then without the free
   text (sentences, names, lists, file names) when that is too long for
   one line, then only what has a bound far below the line's. */
enum ecs_detail {
	ECS_FULL = 0,
	ECS_LEAN,
	ECS_MINIMAL
};

/* The bytes of a file name an event keeps at the least detail. */
#define ECS_NAME_CUT 1024

/* One event's builder: writes the whole object at the given detail. */
typedef void (*ecs_build_fn)(struct report *r, const void *arg,
			     enum ecs_detail d);

/*
 * Build an event with fn and write it as one line: when the line would
 * be longer than JSON_LINE_MAX (its newline included), build it again
 * with less detail. An event that went out early (out of memory) is
 * finished as it is.
 */
static void ecs_emit(struct report *r, ecs_build_fn fn, const void *arg)
{
	struct jw *w = &r->jw;
	struct jw_mark m = jw_mark(w);
	int d;

	for (d = ECS_FULL; d <= ECS_MINIMAL; d++) {
		fn(r, arg, (enum ecs_detail)d);
		if (jw_len(w) + 1 <= JSON_LINE_MAX || d == ECS_MINIMAL ||
		    !jw_rewind(w, &m))
			break;
	}
	jw_line(w);
}

/* The IANA protocol keyword ECS's network.transport wants (IANA
   "Assigned Internet Protocol Numbers"), or NULL for a number it is not
   given for here. */
static const char *ecs_transport(uint8_t proto)
{
	switch (proto) {
	case 1: return "icmp";
	case 2: return "igmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 47: return "gre";
	case 50: return "esp";
	case 51: return "ah";
	case 58: return "ipv6-icmp";
	case 132: return "sctp";
	}
	return NULL;
}

/* A number as a JSON string: ECS keeps VLAN ids and protocol numbers
   as keywords. */
static void ecs_num_str(struct jw *w, const char *key, uint64_t v)
{
	char b[24];

	*jw_put_u64(b, v) = '\0';
	jw_str_plain(w, key, b);
}

/* A time in microseconds, as @timestamp and event.start write it. */
static void ecs_time(struct report *r, const char *key, uint64_t us)
{
	char t[TIME_STR_MAX];

	fmt_time_cached(&r->tc, us, t);
	jw_str_plain(&r->jw, key, t);
}

/* A string lower-cased (ECS normalizes network.protocol and
   network.application to lower case); at most len bytes of s. */
static void ecs_lower(struct jw *w, const char *key, const char *s,
		      size_t len)
{
	char b[DPI_NAME_MAX];
	size_t i;

	if (len >= sizeof(b))
		len = sizeof(b) - 1;
	for (i = 0; i < len; i++)
		b[i] = (char)tolower((unsigned char)s[i]);
	jw_strn(w, key, b, len);
}

/* A comma list as an array of strings. */
static void ecs_list(struct jw *w, const char *key, const char *list)
{
	const char *p, *e;

	jw_arr(w, key);
	for (p = list; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		jw_strn(w, NULL, p, (size_t)(e - p));
	}
	jw_arr_end(w);
}

/*
 * The start of every event: @timestamp, ecs.version, and "event" opened
 * with its kind, category, type, dataset and module. The caller adds
 * what else its event says, then closes "event" with jw_obj_end().
 * category and type are comma lists of ECS's allowed values.
 */
static void ecs_open(struct report *r, uint64_t ts_us, const char *kind,
		     const char *category, const char *type,
		     const char *dataset)
{
	struct jw *w = &r->jw;

	jw_obj(w, NULL);
	ecs_time(r, "@timestamp", ts_us);
	jw_obj(w, "ecs");
	jw_str_plain(w, "version", ECS_VERSION);
	jw_obj_end(w);
	jw_obj(w, "event");
	jw_str_plain(w, "kind", kind);
	ecs_list(w, "category", category);
	ecs_list(w, "type", type);
	jw_str_plain(w, "dataset", dataset);
	jw_str_plain(w, "module", "impwatch");
}

/* "observer": impwatch itself, the sensor that saw the traffic (its
   --sensor name) and, live, the interface. */
static void ecs_observer(struct report *r)
{
	const struct run_info *run = r->run;
	struct jw *w = &r->jw;

	jw_obj(w, "observer");
	if (run->sensor && run->sensor[0])
		jw_str(w, "name", run->sensor);
	jw_str_plain(w, "product", "impwatch");
	jw_str_plain(w, "type", "sensor");
	jw_str_plain(w, "version", IMPWATCH_VERSION);
	if (run->interface) {
		jw_obj(w, "ingress");
		jw_obj(w, "interface");
		jw_str(w, "name", run->interface);
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

/* The run's id under "impwatch", when the run has one: it ties a run's
   events together. */
static void ecs_run_id(struct report *r)
{
	if (r->run->run_id[0])
		jw_str_plain(&r->jw, "run_id", r->run->run_id);
}

/*
 * "rule": the catalogue row that documents a flow or an aggregate. id
 * is "TABLE:SERVICE" (the rows of one table and service are one rule
 * of the guide), or "site:TABLE:SERVICE" for a site's row (--rules-add;
 * `impwatch rules` lists it "23 (site)", the reports "site"): never the
 * guide's, whose ids start with a digit; ruleset "guide" (the built-in
 * catalogue, or --rules) or "site", reference the file and line it was
 * read from.
 */
static void ecs_rule(struct jw *w, const struct cat_row *row,
		     enum ecs_detail d)
{
	char b[32], *p = b;

	if (!row)
		return;
	jw_obj(w, "rule");
	if (row->site)
		p = JW_PUT(p, "site:");
	p = jw_put_u64(p, row->table);
	*p++ = ':';
	jw_key(w, "id");
	jw_putc(w, '"');
	jw_write(w, b, (size_t)(p - b));
	jw_puts(w, row->service);   /* a checked kebab-case id */
	jw_putc(w, '"');
	jw_str_plain(w, "name", row->service);
	jw_str_plain(w, "ruleset", row->site ? "site" : "guide");
	if (d == ECS_FULL) {
		char ref[512], line[24];
		size_t n = strlen(row->file),
		       k = (size_t)(jw_put_u64(line, row->line) - line);

		/* FILE:LINE (a name too long for the buffer goes without). */
		if (n + 1 + k < sizeof(ref)) {
			memcpy(ref, row->file, n);
			ref[n] = ':';
			memcpy(ref + n + 1, line, k);
			ref[n + 1 + k] = '\0';
			jw_str(w, "reference", ref);
		}
		jw_str(w, "category", row->protocol);
		jw_str(w, "description", row->description);
	}
	jw_obj_end(w);
}

/* The rows of record f's service, or NULL. */
static const struct cat_row *rec_row(const struct report *r,
				     const struct flow_record *f)
{
	return f->service_row ? catalogue_row(r->cat, f->service_row - 1u)
			      : NULL;
}

/* "source" or "destination": an end of flow f, its direction's
   counters. */
static void ecs_end(struct jw *w, const char *key, const struct flow_record *f,
		    const struct ip_addr *a, uint16_t port, int dir)
{
	char ip[IP_STR_MAX];
	bool ports = f->key.proto == IPPROTO_NUM_TCP ||
		     f->key.proto == IPPROTO_NUM_UDP;

	fmt_ip(a, f->key.family, ip);
	jw_obj(w, key);
	jw_str_plain(w, "ip", ip);
	if (ports)
		jw_u64(w, "port", port);
	jw_u64(w, "bytes", f->bytes[dir]);
	jw_u64(w, "packets", f->pkts[dir]);
	jw_obj_end(w);
}

/* "network": transport, the application nDPI found, VLAN, totals. */
static void ecs_network(struct jw *w, const struct flow_record *f)
{
	const char *tr = ecs_transport(f->key.proto);
	const char *app = rec_app(f);

	jw_obj(w, "network");
	if (tr)
		jw_str_plain(w, "transport", tr);
	ecs_num_str(w, "iana_number", f->key.proto);
	jw_str_plain(w, "type", f->key.family == 6 ? "ipv6" : "ipv4");
	if (app) {
		/* nDPI names "MASTER.APP" ("TLS.Google") or one protocol. */
		const char *dot = strchr(app, '.');

		ecs_lower(w, "protocol", app, dot ? (size_t)(dot - app)
						  : strlen(app));
		if (dot && dot[1])
			ecs_lower(w, "application", dot + 1, strlen(dot + 1));
	}
	if (f->community_id[0])
		jw_str_plain(w, "community_id", f->community_id);
	/* ECS's outer and inner VLAN (802.1ad QinQ); impwatch.vlans has
	   every tag. */
	if (f->nvlans || f->vlan) {
		jw_obj(w, "vlan");
		ecs_num_str(w, "id", f->nvlans ? f->vlans[0] : f->vlan);
		jw_obj_end(w);
	}
	if (f->nvlans > 1) {
		jw_obj(w, "inner");
		jw_obj(w, "vlan");
		ecs_num_str(w, "id", f->vlans[1]);
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_u64(w, "bytes", rec_bytes(f));
	jw_u64(w, "packets", rec_packets(f));
	jw_obj_end(w);
}

/* A role mask as an array of role names; ["unknown"] for none. */
static void ecs_roles(struct jw *w, const char *key, uint32_t mask)
{
	char buf[512];
	const char *p, *e;

	explain_roles(mask, buf, sizeof(buf));
	jw_arr(w, key);
	for (p = buf; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		jw_strn(w, NULL, p, (size_t)(e - p));
	}
	jw_arr_end(w);
}

/* With an inventory: each end's roles and name, and for a role
   violation the rows that document the port with the roles they
   allow. */
static void ecs_inventory(struct jw *w, const struct report *r,
			  const struct flow_record *f, enum ecs_detail d)
{
	if (!r->hosts)
		return;
	ecs_roles(w, "client_roles", f->client_host.roles);
	ecs_roles(w, "server_roles", f->server_host.roles);
	if (d != ECS_FULL)
		return;
	if (f->client_host.name[0])
		jw_str(w, "client_name", f->client_host.name);
	if (f->server_host.name[0])
		jw_str(w, "server_name", f->server_host.name);
	if (f->verdict == V_ROLE_VIOLATION)
		report_allowed(w, r->cat, f, ecs_roles);
}

/* "impwatch": the verdict and what ECS has no field for. */
static void ecs_impwatch_flow(struct jw *w, struct report *r,
			      const struct flow_record *f, enum ecs_detail d)
{
	const char *tun = tunnel_name((enum tunnel_kind)f->tunnel);
	const char *app = rec_app(f);
	int t, dir;

	jw_obj(w, "impwatch");
	ecs_run_id(r);
	/* The same in a flow's alert and its final record. */
	jw_u64(w, "flow_id", f->flow_id);
	jw_str_plain(w, "verdict", verdict_name((enum verdict)f->verdict));
	jw_bool(w, "finding", verdict_is_finding((enum verdict)f->verdict));
	verdict_json_findings(w, "findings", f->findings);
	waiver_json_record(w, f);
	jw_arr(w, "tables");
	for (t = 0; t < 64; t++)
		if (f->tables & (UINT64_C(1) << t))
			jw_u64(w, NULL, (uint64_t)t);
	jw_arr_end(w);
	if (f->service_row)
		jw_str_plain(w, "service", rec_row(r, f)->service);
	jw_str_plain(w, "end_reason",
		     end_reason_name((enum end_reason)f->end_reason));
	jw_str_plain(w, "direction_basis",
		     dir_basis_name((enum dir_basis)f->basis));
	jw_str_plain(w, "conn_state",
		     conn_state_name((enum conn_state)f->conn_state));
	jw_u64(w, "ip_bytes", rec_ip_bytes(f));
	jw_u64(w, "ip_bytes_c2s", f->ip_bytes[REC_C2S]);
	jw_u64(w, "ip_bytes_s2c", f->ip_bytes[REC_S2C]);
	/* DSCP of each direction that sent a packet: the first value seen,
	   and whether a later packet carried another. */
	for (dir = REC_C2S; dir <= REC_S2C; dir++) {
		if (!f->pkts[dir])
			continue;
		jw_u64(w, dir == REC_C2S ? "dscp_c2s" : "dscp_s2c",
		       f->dscp[dir] & FLOW_DSCP_MASK);
		jw_bool(w, dir == REC_C2S ? "dscp_c2s_changed" : "dscp_s2c_changed",
			(f->dscp[dir] & FLOW_DSCP_CHANGED) != 0);
	}
	if (f->key.proto == IPPROTO_NUM_ICMP || f->key.proto == IPPROTO_NUM_ICMPV6) {
		jw_u64(w, "icmp_type", f->icmp_type);
		jw_u64(w, "icmp_code", f->icmp_code);
	}
	/* Every VLAN tag, outer first: network.vlan and network.inner.vlan
	   hold the first two. */
	if (f->nvlans) {
		jw_arr(w, "vlans");
		for (t = 0; t < f->nvlans && t < MAX_VLAN_TAGS; t++)
			jw_u64(w, NULL, f->vlans[t]);
		jw_arr_end(w);
	}
	if (f->has_sgt)
		jw_u64(w, "sgt", f->sgt);
	if (f->has_erspan)
		jw_u64(w, "erspan_session", f->erspan_session);
	if (tun)
		jw_str_plain(w, "tunnel", tun);
	if (f->carrier & FC_CARRIER) {
		jw_bool(w, "carrier", true);
		if (f->carrier & FC_TUN_ID)
			jw_u64(w, "tunnel_id", f->tun_id);
	}
	if (app) {
		jw_str(w, "app", app);
		jw_str_plain(w, "app_source",
			     app_source_name((enum app_source)f->app_source));
	}
	if (f->verdict == V_PROTOCOL_MISMATCH && d == ECS_FULL) {
		char exp[EXPECTED_MAX];

		explain_expected_rec(r->cat, f, exp);
		ecs_list(w, "expected", exp);
	}
	if (d != ECS_MINIMAL)
		ecs_inventory(w, r, f, d);
	if (d != ECS_FULL)
		jw_bool(w, "shortened", true);
	jw_obj_end(w);
}

/* Zeek's conn_state as ECS's event.outcome of a connection: TCP
   connections that were established succeeded; attempts never answered
   or refused failed; the rest (UDP one way, ICMP, midstream) cannot
   say. */
static const char *ecs_outcome(const struct flow_record *f)
{
	if (f->key.proto == IPPROTO_NUM_UDP)
		return f->conn_state == CS_SF ? "success" : "unknown";
	if (f->key.proto != IPPROTO_NUM_TCP)
		return "unknown";
	switch ((enum conn_state)f->conn_state) {
	case CS_S1: case CS_SF: case CS_S2: case CS_S3:
	case CS_RSTO: case CS_RSTR:
		return "success";
	case CS_S0: case CS_REJ: case CS_RSTOS0: case CS_SH:
		return "failure";
	default:
		return "unknown";
	}
}

/* A flow record or an alert. */
static void ecs_flow_event(struct report *r, const struct flow_record *f,
			   bool alert, enum ecs_detail d)
{
	struct jw *w = &r->jw;
	char ip[IP_STR_MAX];
	bool finding = verdict_is_finding((enum verdict)f->verdict);

	if (alert)
		ecs_open(r, f->last_us, "alert", "network,intrusion_detection",
			 "connection,info", "impwatch.alert");
	else
		ecs_open(r, f->last_us, "event", "network", "connection,end",
			 "impwatch.flow");
	jw_str_plain(w, "outcome", alert ? "unknown" : ecs_outcome(f));
	jw_str_plain(w, "action", verdict_name((enum verdict)f->verdict));
	ecs_time(r, "start", f->first_us);
	ecs_time(r, "end", f->last_us);
	jw_u64(w, "duration", rec_duration_us(f) * 1000u);
	if (finding && d == ECS_FULL) {
		char why[REASON_MAX];

		explain_reason(r->cat, f, why);
		jw_str(w, "reason", why);
	}
	jw_obj_end(w);
	ecs_end(w, "source", f, rec_client_ip(f), rec_client_port(f), REC_C2S);
	ecs_end(w, "destination", f, rec_server_ip(f), rec_server_port(f),
		REC_S2C);
	ecs_network(w, f);
	ecs_observer(r);
	ecs_rule(w, rec_row(r, f), d);
	jw_obj(w, "related");
	jw_arr(w, "ip");
	fmt_ip(rec_client_ip(f), f->key.family, ip);
	jw_str_plain(w, NULL, ip);
	fmt_ip(rec_server_ip(f), f->key.family, ip);
	jw_str_plain(w, NULL, ip);
	jw_arr_end(w);
	jw_obj_end(w);
	ecs_impwatch_flow(w, r, f, d);
	jw_obj_end(w);
}

static void build_flow(struct report *r, const void *arg, enum ecs_detail d)
{
	ecs_flow_event(r, arg, false, d);
}

static void build_alert(struct report *r, const void *arg, enum ecs_detail d)
{
	ecs_flow_event(r, arg, true, d);
}

static void ecs_flow(struct report *r, const struct flow_record *f)
{
	ecs_emit(r, build_flow, f);
}

static void ecs_alert(struct report *r, const struct flow_record *f)
{
	ecs_emit(r, build_alert, f);
}

/* The time of the summary's events: the capture's latest packet, or
   the wall clock when none came (as the JSON summary's). */
static uint64_t summary_time(const struct run_stats *s)
{
	if (s->any_packet)
		return s->latest_packet_us;
	return s->live ? s->live->now_us : s->now_us;
}

/* event.created of the stats and the summary: the wall clock as the
   event is made (ECS: when the producer first read it). */
static void ecs_created(struct report *r, const struct run_stats *s)
{
	if (s->now_us)
		ecs_time(r, "created", s->now_us);
}

/* "flows_by_verdict": every verdict, with its flows so far. */
static void ecs_verdicts(struct jw *w, const struct report *r)
{
	int v;

	jw_obj(w, "flows_by_verdict");
	for (v = 0; v < V_COUNT; v++)
		jw_u64(w, verdict_name((enum verdict)v),
		       tally_flows(r->tally, (enum verdict)v));
	jw_obj_end(w);
}

static void build_interim(struct report *r, const void *arg,
			  enum ecs_detail d)
{
	const struct run_stats *s = arg;
	struct jw *w = &r->jw;

	(void)d;
	ecs_open(r, s->live ? s->live->now_us : s->now_us, "metric", "network",
		 "info", "impwatch.stats");
	ecs_created(r, s);
	jw_obj_end(w);
	jw_obj(w, "network");
	jw_u64(w, "bytes", s->work.bytes);
	jw_u64(w, "packets", s->work.packets);
	jw_obj_end(w);
	ecs_observer(r);
	jw_obj(w, "impwatch");
	ecs_run_id(r);
	jw_u64(w, "flows", s->work.flows.created);
	jw_u64(w, "flows_active", s->work.flows.active);
	jw_u64(w, "alerts", s->alerts);
	ecs_verdicts(w, r);
	report_live_counts(w, s->live);
	jw_obj_end(w);
	jw_obj_end(w);
}

static void ecs_interim(struct report *r, const struct run_stats *s)
{
	ecs_emit(r, build_interim, s);
}

/* The run's outcome: what the exit status says of it. */
static const char *run_outcome(int exit_status)
{
	switch (exit_status) {
	case 0: return "success";
	case 3: return "unknown";
	default: return "failure";
	}
}

/* What produced the run, under "impwatch": the libraries' versions
   (observer.version is impwatch's), the catalogue's SHA-256 (each input
   file's is in its impwatch.input event), the command line (cut at
   JSON_CMDLINE_MAX, left out when the event is too long), the Community
   ID seed, and the wall clock at the start (event.created: now). */
static void ecs_provenance(struct report *r, enum ecs_detail d)
{
	const struct run_info *ri = r->run;
	struct jw *w = &r->jw;

	if (ri->ndpi_version)
		jw_str(w, "ndpi_version", ri->ndpi_version);
	if (ri->pcap_version)
		jw_str(w, "libpcap_version", ri->pcap_version);
	if (ri->catalogue_sha256[0]) {
		jw_obj(w, "catalogue");
		jw_str_plain(w, "sha256", ri->catalogue_sha256);
		jw_obj_end(w);
	}
	if (ri->command_line && d == ECS_FULL) {
		size_t n = strlen(ri->command_line);

		jw_strn(w, "command_line", ri->command_line,
			n <= JSON_CMDLINE_MAX ? n : JSON_CMDLINE_MAX);
		if (n > JSON_CMDLINE_MAX)
			jw_bool(w, "command_line_cut", true);
	}
	jw_u64(w, "community_id_seed", ri->community_id_seed);
	if (ri->started_us)
		ecs_time(r, "started", ri->started_us);
}

/* The summary of the run: counters, health, the gate. */
static void build_summary(struct report *r, const void *arg,
			  enum ecs_detail d)
{
	const struct run_stats *s = arg;
	struct jw *w = &r->jw;
	uint64_t judged, one_way;
	char pct[16];
	int e;

	ecs_open(r, summary_time(s), "event", "network", "info",
		 "impwatch.summary");
	jw_str_plain(w, "outcome", run_outcome(s->exit_status));
	ecs_created(r, s);
	if (s->any_packet && s->last_packet_us >= s->first_packet_us) {
		ecs_time(r, "start", s->first_packet_us);
		ecs_time(r, "end", s->last_packet_us);
		jw_u64(w, "duration",
		       (s->last_packet_us - s->first_packet_us) * 1000u);
	}
	jw_obj_end(w);
	jw_obj(w, "network");
	jw_u64(w, "bytes", s->work.bytes);
	jw_u64(w, "packets", s->work.packets);
	jw_obj_end(w);
	ecs_observer(r);
	jw_obj(w, "impwatch");
	ecs_run_id(r);
	jw_u64(w, "files", s->n_files);
	jw_u64(w, "flows", s->work.flows.created);
	jw_u64(w, "max_flows", s->max_flows);
	/* As the JSON summary: one worker says nothing. */
	if (s->threads > 1)
		jw_u64(w, "threads", s->threads);
	jw_u64(w, "peak_flows", s->work.flows.peak_active);
	jw_u64(w, "evictions", s->work.flows.ended[END_EVICTED]);
	ecs_verdicts(w, r);
	/* On TLS-only ports: flows the cleartext check could not judge. */
	jw_u64(w, "tls_not_judged", tally_tls_unjudged(r->tally));
	/* Echo replies the icmp-tunnel check found unmatched, near misses
	   too. */
	jw_u64(w, "echo_replies_unmatched", s->work.echo_unmatched);
	waivers_json_summary(w, s->waivers, s->waived);
	jw_obj(w, "flows_by_conn_state");
	for (e = 0; e < CS_COUNT; e++)
		if (tally_conn_state(r->tally, (enum conn_state)e))
			jw_u64(w, conn_state_name((enum conn_state)e),
			       tally_conn_state(r->tally, (enum conn_state)e));
	jw_obj_end(w);
	jw_obj(w, "flows_by_end_reason");
	for (e = 1; e < END_COUNT; e++)
		jw_u64(w, end_reason_name((enum end_reason)e),
		       s->work.flows.ended[e]);
	jw_obj_end(w);
	jw_obj(w, "decode_errors");
	for (e = 0; e < DERR_COUNT; e++)
		if (s->work.decode_err[e])
			jw_u64(w, decode_err_name((enum decode_err)e),
			       s->work.decode_err[e]);
	jw_obj_end(w);
	jw_obj(w, "tunnels");
	for (e = 1; e < TUN_COUNT; e++)
		if (s->work.tunnels[e])
			jw_u64(w, tunnel_name((enum tunnel_kind)e),
			       s->work.tunnels[e]);
	jw_obj_end(w);
	jw_u64(w, "fragments", s->work.frags);
	jw_u64(w, "snap_truncated", s->work.snap_truncated);
	jw_u64(w, "clock_outliers", s->work.clock_outliers);
	jw_u64(w, "clock_jumps_back", s->work.clock_jumps_back);
	if (s->work.dpi) {
		const struct dpi_stats *p = &s->work.dpi_st;

		jw_obj(w, "dpi");
		jw_u64(w, "inspected", p->inspected);
		jw_u64(w, "by_dpi", p->by_dpi);
		jw_u64(w, "guessed", p->guessed);
		jw_u64(w, "undetected", p->undetected);
		jw_u64(w, "no_state", p->no_state);
		jw_u64(w, "over_cap", p->over_cap);
		jw_obj_end(w);
	}
	jw_u64(w, "rows", catalogue_count(r->cat));
	jw_u64(w, "rows_exercised",
	       coverage_exercised(tally_coverage(r->tally)));
	tally_one_way(r->tally, &judged, &one_way);
	fmt_milli_pct(s->health_drops_milli, pct);
	jw_obj(w, "health");
	jw_str_plain(w, "status", s->health_poor ? "poor" : "ok");
	jw_u64(w, "tcp_flows_judged", judged);
	jw_u64(w, "tcp_one_way", one_way);
	jw_u64(w, "duplicate_frames", s->work.dup_frames);
	jw_u64(w, "frames_checked", s->work.dup_checked);
	/* The thresholds it was judged by, as the JSON summary's. */
	jw_u64(w, "one_way_threshold_pct", s->health_one_way_pct);
	jw_u64(w, "duplicate_threshold_pct", s->health_dup_pct);
	jw_raw(w, "drops_threshold_pct", pct);
	if (s->health_poor && d == ECS_FULL)
		jw_str(w, "why", s->health_why);
	jw_obj_end(w);
	if (s->carriers)
		jw_u64(w, "carriers_unlisted_packets",
		       carriers_unlisted_packets(s->carriers));
	if (s->trust)
		jw_bool(w, "tunnel_trust_declared", trust_declared(s->trust));
	jw_u64(w, "alerts", s->alerts);
	if (s->dump_path) {
		jw_obj(w, "evidence");
		if (d == ECS_FULL)
			jw_str(w, "file", s->dump_path);
		jw_u64(w, "frames", s->dumped);
		jw_u64(w, "skipped", s->dump_skipped);
		if (s->dump_error && d == ECS_FULL)
			jw_str(w, "error", s->dump_error);
		jw_obj_end(w);
	}
	if (s->live) {
		jw_obj(w, "capture");
		jw_u64(w, "received", s->live->received);
		jw_u64(w, "dropped", s->live->dropped);
		jw_u64(w, "ifdropped", s->live->ifdropped);
		jw_u64(w, "went_down", s->live->went_down);
		jw_u64(w, "down_us", s->live->down_us);
		jw_bool(w, "down", s->live->down);
		/* ECS leaves out what is not there: only when cut. */
		if (s->live->end_not_read) {
			jw_str(w, "end_not_read", s->live->end_not_read);
			jw_u64(w, "end_read_frames", s->live->end_read);
		}
		jw_obj_end(w);
	}
	ecs_provenance(r, d);
	/* What a run narrowed by -f judged (gate.h); ECS leaves out the
	   counts libpcap cannot give (live). */
	if (gate_filter_why(s->gate)) {
		jw_obj(w, "filter");
		jw_str(w, "expression", s->gate->filter);
		if (s->gate->filter_counted) {
			jw_u64(w, "packets_read", s->gate->filter_read);
			jw_u64(w, "left_out", s->gate->filter_left_out);
		}
		if (d == ECS_FULL)
			jw_str(w, "why", gate_filter_why(s->gate));
		jw_obj_end(w);
	}
	report_out_errors(w, s, false, d == ECS_FULL);
	jw_arr(w, "inconclusive");
	for (e = 0; s->gate && e < GR_COUNT; e++)
		if (gate_has(s->gate, (enum gate_reason)e))
			jw_str_plain(w, NULL, gate_reason_key((enum gate_reason)e));
	jw_arr_end(w);
	if (d == ECS_FULL && s->gate && gate_any(s->gate)) {
		jw_arr(w, "inconclusive_why");
		for (e = 0; e < GR_COUNT; e++)
			if (gate_has(s->gate, (enum gate_reason)e))
				jw_str(w, NULL, s->gate->why[e]);
		jw_arr_end(w);
	}
	if (s->validate)
		jw_str_plain(w, "validate",
			     s->exit_status == 0 ? "pass" :
			     s->exit_status == 1 ? "fail" :
			     s->exit_status == 3 ? "inconclusive" : "error");
	jw_i64(w, "exit_status", s->exit_status);
	if (d != ECS_FULL)
		jw_bool(w, "shortened", true);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* What the builders of the summary's parts are handed. */
struct ecs_part {
	const struct run_stats *s;
	const void *item;      /* the file, aggregate, row or carrier */
	size_t index;          /* its index (a catalogue row's) */
};

/* One input file and how reading it went. */
static void build_file(struct report *r, const void *arg, enum ecs_detail d)
{
	const struct ecs_part *p = arg;
	const struct file_stat *fs = p->item;
	struct jw *w = &r->jw;

	ecs_open(r, summary_time(p->s), "event", "file", "access",
		 "impwatch.file");
	jw_str_plain(w, "outcome", fs->state == FILE_COMPLETE ? "success" :
				   fs->state == FILE_ERROR ? "failure" : "unknown");
	if (fs->error[0] && d == ECS_FULL)
		jw_str(w, "reason", fs->error);
	jw_obj_end(w);
	jw_obj(w, "file");
	/* A name too long for a line (no file can have one; a name given
	   as one is reported) is cut. */
	jw_strn(w, "path", fs->name,
		d == ECS_MINIMAL ? strnlen(fs->name, ECS_NAME_CUT)
				 : strlen(fs->name));
	jw_obj_end(w);
	ecs_observer(r);
	jw_obj(w, "impwatch");
	ecs_run_id(r);
	jw_i64(w, "link_type", fs->dlt);
	jw_u64(w, "packets", fs->packets);
	jw_u64(w, "bytes", fs->bytes);
	jw_str_plain(w, "state", file_state_name(fs->state));
	if (fs->stop_offset >= 0)
		jw_i64(w, "stop_offset", fs->stop_offset);
	/* What a pcapng says it lost; ECS leaves out what is not there
	   (a pcap, a count not known). */
	report_file_drops(w, &fs->drops, false);
	if (d != ECS_FULL)
		jw_bool(w, "shortened", true);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* A file that shaped the verdicts (--rules, --rules-add, --hosts,
   --waivers) and its SHA-256. */
static void build_input(struct report *r, const void *arg, enum ecs_detail d)
{
	const struct ecs_part *p = arg;
	const struct run_input *in = p->item;
	struct jw *w = &r->jw;

	ecs_open(r, summary_time(p->s), "event", "file", "access",
		 "impwatch.input");
	jw_str_plain(w, "outcome", in->sha256[0] ? "success" : "failure");
	jw_obj_end(w);
	jw_obj(w, "file");
	jw_strn(w, "path", in->path,
		d == ECS_MINIMAL ? strnlen(in->path, ECS_NAME_CUT)
				 : strlen(in->path));
	if (in->sha256[0]) {
		jw_obj(w, "hash");
		jw_str_plain(w, "sha256", in->sha256);
		jw_obj_end(w);
	}
	jw_obj_end(w);
	ecs_observer(r);
	jw_obj(w, "impwatch");
	ecs_run_id(r);
	jw_str_plain(w, "input_kind", in->kind);
	if (d != ECS_FULL)
		jw_bool(w, "shortened", true);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* "network" and "destination" of an aggregate: transport and the
   server's port, with its totals. */
static void ecs_agg_where(struct jw *w, uint8_t proto, uint16_t port,
			  uint64_t pkts, uint64_t bytes)
{
	const char *tr = ecs_transport(proto);

	if (proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP) {
		jw_obj(w, "destination");
		jw_u64(w, "port", port);
		jw_obj_end(w);
	}
	jw_obj(w, "network");
	if (tr)
		jw_str_plain(w, "transport", tr);
	ecs_num_str(w, "iana_number", proto);
	jw_u64(w, "bytes", bytes);
	jw_u64(w, "packets", pkts);
	jw_obj_end(w);
}

/* What a per-port and an application aggregate open with: the metric
   event, where its flows went, the observer, the row, and in
   "impwatch" the run, the verdict and the flows (left open). */
static void ecs_agg_open(struct report *r, const struct ecs_part *p,
			 const char *dataset, uint8_t proto, uint16_t port,
			 uint64_t pkts, uint64_t bytes, uint16_t row,
			 uint8_t verdict, uint64_t flows, enum ecs_detail d)
{
	struct jw *w = &r->jw;

	ecs_open(r, summary_time(p->s), "metric", "network", "info",
		 dataset);
	jw_obj_end(w);
	ecs_agg_where(w, proto, port, pkts, bytes);
	ecs_observer(r);
	ecs_rule(w, row ? catalogue_row(r->cat, row - 1u) : NULL, d);
	jw_obj(w, "impwatch");
	ecs_run_id(r);
	jw_str_plain(w, "verdict", verdict_name((enum verdict)verdict));
	jw_bool(w, "finding", verdict_is_finding((enum verdict)verdict));
	jw_u64(w, "flows", flows);
}

/* A per-port aggregate of the summary: flows of one verdict, transport,
   server port and row. */
static void build_port(struct report *r, const void *arg, enum ecs_detail d)
{
	const struct ecs_part *p = arg;
	const struct agg *a = p->item;
	struct jw *w = &r->jw;

	ecs_agg_open(r, p, "impwatch.port", a->proto, a->port, a->pkts,
		     a->bytes, a->row, a->verdict, a->flows, d);
	if (d != ECS_FULL)
		jw_bool(w, "shortened", true);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* An application aggregate: flows of one verdict, transport, port, row
   and application; a protocol mismatch with what its rows expected. */
static void build_app(struct report *r, const void *arg, enum ecs_detail d)
{
	const struct ecs_part *p = arg;
	const struct app_agg *a = p->item;
	const char *app = tally_app_name(r->tally, a);
	struct jw *w = &r->jw;

	ecs_agg_open(r, p, "impwatch.app", a->proto, a->port, a->pkts,
		     a->bytes, a->row, a->verdict, a->flows, d);
	if (app) {
		jw_str(w, "app", app);
		jw_str_plain(w, "app_source",
			     app_source_name((enum app_source)a->src));
	}
	if (a->verdict == V_PROTOCOL_MISMATCH && d == ECS_FULL) {
		char exp[EXPECTED_MAX];

		explain_expected(r->cat, a->proto, a->cport, a->port, a->on_wire,
				 exp);
		ecs_list(w, "expected", exp);
	}
	if (d != ECS_FULL)
		jw_bool(w, "shortened", true);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* A catalogue row's coverage: its flows, and with an inventory the host
   pairs that exercised it. */
static void build_coverage(struct report *r, const void *arg,
			   enum ecs_detail d)
{
	const struct ecs_part *p = arg;
	const struct cat_row *row = p->item;
	const struct cov_row *cr = coverage_row(tally_coverage(r->tally),
						p->index);
	struct jw *w = &r->jw;
	uint8_t k;

	ecs_open(r, summary_time(p->s), "metric", "network", "info",
		 "impwatch.coverage");
	jw_obj_end(w);
	ecs_observer(r);
	ecs_rule(w, row, d);
	jw_obj(w, "impwatch");
	ecs_run_id(r);
	/* A site's row is the site's (rule.ruleset, rule.reference), never
	   the guide's table it names: JSON's table is null, ECS leaves it
	   out. */
	if (!row->site)
		jw_u64(w, "table", row->table);
	jw_str_plain(w, "service", row->service);
	jw_u64(w, "flows", cr->flows);
	jw_bool(w, "exercised", cr->flows != 0);
	if (r->hosts && d == ECS_FULL) {
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
	if (d != ECS_FULL)
		jw_bool(w, "shortened", true);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* A tunnel carrier: its ends as its first packet went, and whether the
   site trusts them. */
static void build_carrier(struct report *r, const void *arg,
			  enum ecs_detail d)
{
	const struct ecs_part *p = arg;
	const struct carrier *c = p->item;
	const char *k = tunnel_name((enum tunnel_kind)c->kind);
	char a[IP_STR_MAX], b[IP_STR_MAX];
	struct jw *w = &r->jw;

	(void)d;
	fmt_ip(&c->src, c->family, a);
	fmt_ip(&c->dst, c->family, b);
	ecs_open(r, summary_time(p->s), "metric", "network", "info",
		 "impwatch.carrier");
	jw_obj_end(w);
	jw_obj(w, "source");
	jw_str_plain(w, "ip", a);
	jw_obj_end(w);
	jw_obj(w, "destination");
	jw_str_plain(w, "ip", b);
	jw_obj_end(w);
	jw_obj(w, "network");
	jw_str_plain(w, "type", c->family == 6 ? "ipv6" : "ipv4");
	jw_u64(w, "bytes", c->bytes);
	jw_u64(w, "packets", c->packets);
	jw_obj_end(w);
	ecs_observer(r);
	jw_obj(w, "related");
	jw_arr(w, "ip");
	jw_str_plain(w, NULL, a);
	jw_str_plain(w, NULL, b);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj(w, "impwatch");
	ecs_run_id(r);
	jw_str_plain(w, "tunnel", k ? k : "tunnel");
	if (c->has_id)
		jw_u64(w, "tunnel_id", c->id);
	jw_u64(w, "flows", c->flows);
	jw_bool(w, "trusted", c->trusted);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* Each capture file, file of rules, hosts or waivers, per-port and
   application aggregate, catalogue row and tunnel carrier as an event
   of its own, then the run's. */
static void ecs_summary(struct report *r, const struct run_stats *s)
{
	struct ecs_part p = { .s = s };
	struct agg *v;
	struct app_agg **apps;
	const struct carrier **cv;
	size_t n, i;

	for (i = 0; i < s->n_files; i++) {
		p.item = &s->files[i];
		ecs_emit(r, build_file, &p);
	}
	for (i = 0; i < r->run->n_inputs; i++) {
		p.item = &r->run->inputs[i];
		ecs_emit(r, build_input, &p);
	}
	v = tally_sorted_aggs(r->tally, &n);
	for (i = 0; v && i < n; i++) {
		p.item = &v[i];
		ecs_emit(r, build_port, &p);
	}
	free(v);
	apps = tally_sorted_apps(r->tally, &n);
	for (i = 0; apps && i < n; i++) {
		if (apps[i]->src == APP_SRC_NONE &&
		    apps[i]->verdict != V_PROTOCOL_MISMATCH)
			continue;
		p.item = apps[i];
		ecs_emit(r, build_app, &p);
	}
	free(apps);
	n = catalogue_count(r->cat);
	for (i = 0; i < n; i++) {
		p.item = catalogue_row(r->cat, i);
		p.index = i;
		ecs_emit(r, build_coverage, &p);
	}
	cv = s->carriers ? carriers_sorted(s->carriers, &n) : NULL;
	for (i = 0; cv && i < n; i++) {
		p.item = cv[i];
		ecs_emit(r, build_carrier, &p);
	}
	free(cv);
	ecs_emit(r, build_summary, s);
}

const struct report_writer report_ecs_writer = {
	.flow = ecs_flow,
	.alert = ecs_alert,
	.interim = ecs_interim,
	.summary = ecs_summary,
	.community_id = true,
};
