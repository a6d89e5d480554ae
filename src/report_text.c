/*
 * report_text.c: the summary a person reads at the end of a run.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "carrier.h"
#include "textfile.h"
#include "util.h"
#include "waiver.h"

/* What produced the run, at the top of the report: its id and sensor,
   the versions, the catalogue and every input file with its SHA-256,
   the command line, the capture's first and last packet times and the
   wall clock. A line that echoes a name given on the command line (an
   input's, an output's) is written by tprintf(), as an error echoes it:
   a control byte in it, a newline or a terminal escape, is shown as
   \xNN, and can neither drive a terminal nor forge a line. */
static void text_provenance(FILE *o, struct report *r, const struct run_stats *s)
{
	const struct run_info *ri = r->run;
	char t1[TIME_STR_MAX], t2[TIME_STR_MAX];
	size_t i;

	/* Apart from the verdict line above it. The sensor (the host name
	   by default) and the interface are names too: the kernel takes
	   a terminal escape in either. */
	fputc('\n', o);
	tprintf(o, "%-12s %s on sensor %s%s%s", "Run", ri->run_id,
		ri->sensor ? ri->sensor : "",
		ri->interface ? ", interface " : "",
		ri->interface ? ri->interface : "");
	fprintf(o, "%-12s impwatch %s, nDPI %s, %s\n", "Versions",
		ri->version ? ri->version : "?",
		ri->ndpi_version ? ri->ndpi_version : "?",
		ri->pcap_version ? ri->pcap_version : "libpcap ?");
	if (!(ri->n_inputs && strcmp(ri->inputs[0].kind, "rules") == 0))
		fprintf(o, "%-12s built in, SHA-256 %s\n", "Catalogue",
			ri->catalogue_sha256[0] ? ri->catalogue_sha256 : "unavailable");
	for (i = 0; i < ri->n_inputs; i++) {
		const struct run_input *in = &ri->inputs[i];
		const char *label = strcmp(in->kind, "rules") == 0 ? "Catalogue" :
				    strcmp(in->kind, "hosts") == 0 ? "Hosts" :
				    strcmp(in->kind, "waivers") == 0 ? "Waivers" :
				    "Rules added";

		tprintf(o, "%-12s %s, SHA-256 %s\n", label, in->path,
			in->sha256[0] ? in->sha256 : "unavailable");
	}
	tprintf(o, "%-12s %s\n", "Command", ri->command_line ? ri->command_line : "");
	if (s->any_packet) {
		fmt_time(s->first_packet_us, t1);
		fmt_time(s->last_packet_us, t2);
		fprintf(o, "%-12s %s to %s\n", "Packets", t1, t2);
	} else {
		fprintf(o, "%-12s none\n", "Packets");
	}
	fmt_time(ri->started_us, t1);
	fmt_time(s->now_us, t2);
	fprintf(o, "%-12s %s to %s\n\n", "Wall clock", t1, t2);
}

/* The DSCP values the first packets of a row's flows carried, each way,
   and how many flows saw theirs change: a mis-marked SIP or XMPP flow
   is a QoS finding. */
static void text_dscp_of(FILE *o, const struct report *r, uint16_t row)
{
	uint64_t changed, seen;
	unsigned d, k = 0;
	char b[8];

	if (!row)
		return;
	seen = tally_row_dscp(r->tally, row - 1u, &changed);
	if (!seen)
		return;
	fputs("           dscp:", o);
	for (d = 0; d < 64; d++) {
		const char *name;

		if (!(seen & (UINT64_C(1) << d)))
			continue;
		name = explain_dscp(d, b);
		if (name)
			fprintf(o, "%s %s (%u)", k++ ? "," : "", name, d);
		else
			fprintf(o, "%s %u", k++ ? "," : "", d);
	}
	if (changed)
		fprintf(o, "; changed during %llu flow%s",
			(unsigned long long)changed, PLURAL(changed));
	fputc('\n', o);
}

/* The nth packet count (1-based rank) of the flows decided by DPI. */
static uint32_t decided_rank(const struct dpi_stats *d, uint64_t rank)
{
	uint64_t seen = 0;
	uint32_t k;

	for (k = 1; k <= MAX_DPI_PACKETS; k++) {
		seen += d->decided_at[k];
		if (seen >= rank)
			return k;
	}
	return MAX_DPI_PACKETS;
}

/* The end of a list cut at --top: "... and N more" for what it left out. */
static void text_more(FILE *o, const char *indent, uint64_t more)
{
	if (more)
		fprintf(o, "%s... and %llu more\n", indent, (unsigned long long)more);
}

/* What a pcapng file says it lost, under its line: when it says
   anything. */
static void text_file_drops(FILE *o, const struct file_drops *d)
{
	char a[24], b[24], c[24];

	if (!file_drops_said(d))
		return;
	if (d->not_known)
		fputs("    dropped       not known, as the file records: ", o);
	else
		fprintf(o, "    dropped       %llu recorded by the file: ",
			(unsigned long long)d->dropped);
	fprintf(o, "%s by the interface, %s by the OS, %s between packets",
		file_drops_count(d, FD_IFDROP, d->ifdrop, a),
		file_drops_count(d, FD_OSDROP, d->osdrop, b),
		file_drops_count(d, FD_BETWEEN, d->between, c));
	if (d->malformed)
		fprintf(o, "; %llu block%s not understood, left out",
			(unsigned long long)d->malformed, PLURAL(d->malformed));
	fputc('\n', o);
}

/* What nDPI did: flows inspected and how they were decided. */
static void text_dpi(FILE *o, const struct run_stats *s)
{
	const struct dpi_stats *d = s->work.dpi ? &s->work.dpi_st : NULL;
	uint64_t n;

	if (!d) {
		fputs("  dpi             off (--no-dpi)\n", o);
		return;
	}
	fprintf(o, "  dpi             %llu flow%s inspected (at most %u packets each): "
		"by payload %llu, guessed %llu, undetected %llu; peak nDPI states %llu\n",
		(unsigned long long)d->inspected, PLURAL(d->inspected),
		s->dpi_packets,
		(unsigned long long)d->by_dpi, (unsigned long long)d->guessed,
		(unsigned long long)d->undetected,
		(unsigned long long)d->peak_live);
	if (d->over_cap)
		fprintf(o, "    not inspected  %llu (--dpi-memory %u MB: at most %llu "
			"nDPI states)\n", (unsigned long long)d->over_cap,
			s->dpi_memory_mb, (unsigned long long)d->max_states);
	if (d->no_state)
		fprintf(o, "    not inspected  %llu (out of memory)\n",
			(unsigned long long)d->no_state);
	n = d->by_dpi;
	if (n)
		fprintf(o, "  dpi answers     at packet %u (median), %u (95%%), %u (last)\n",
			decided_rank(d, (n + 1) / 2), decided_rank(d, (n * 95 + 99) / 100),
			decided_rank(d, n));
}

static void text_capture(FILE *o, struct report *r, const struct run_stats *s)
{
	char b[16];
	size_t i;
	int e, v, first;
	uint64_t errs = 0;

	fputs("Capture\n", o);
	for (i = 0; i < s->n_files; i++) {
		const struct file_stat *fs = &s->files[i];

		fmt_bytes(fs->bytes, b);
		tprintf(o, "  file            %s: %llu packets, %s\n", fs->name,
			(unsigned long long)fs->packets, b);
		if (fs->error[0])
			tprintf(o, "    error         %s\n", fs->error);
		text_file_drops(o, &fs->drops);
		if (fs->state == FILE_INTERRUPTED)
			fprintf(o, "    not finished  stopped after packet %llu\n",
				(unsigned long long)fs->packets);
		else if (fs->state == FILE_UNREAD)
			fputs("    not read      the run was stopped first\n", o);
	}
	/* Interface names, as the Run line shows them. */
	if (s->live)
		tprintf(o, "  interface       %s: received %llu, dropped %llu by the "
			"kernel, %llu by the interface\n", s->live->iface,
			(unsigned long long)s->live->received,
			(unsigned long long)s->live->dropped,
			(unsigned long long)s->live->ifdropped);
	if (s->live && s->live->went_down)
		fprintf(o, "    went down     %llu time%s, %.1f s in all%s\n",
			(unsigned long long)s->live->went_down,
			PLURAL(s->live->went_down),
			(double)s->live->down_us / 1e6,
			s->live->down ? "; down at the end" : "");
	if (s->live && s->live->end_not_read)
		tprintf(o, "    end not read  %s: %llu frames read in the %u ms "
			"after the stop, the rest neither read nor counted as "
			"dropped\n", s->live->end_not_read,
			(unsigned long long)s->live->end_read,
			(unsigned)LIVE_DRAIN_MS);
	fmt_bytes(s->work.bytes, b);
	fprintf(o, "  packets         %llu\n", (unsigned long long)s->work.packets);
	fprintf(o, "  bytes           %llu (%s)\n", (unsigned long long)s->work.bytes, b);
	fprintf(o, "  flows           %llu:", (unsigned long long)s->work.flows.created);
	/* Each verdict the summary always shows, then the others that
	   have flows. */
	first = 1;
	for (v = 0; v < V_COUNT; v++) {
		if (verdict_show((enum verdict)v) != VS_ALWAYS && !tally_flows(r->tally, (enum verdict)v))
			continue;
		fprintf(o, "%s %s %llu", first ? "" : ",",
			verdict_name((enum verdict)v),
			(unsigned long long)tally_flows(r->tally, (enum verdict)v));
		first = 0;
	}
	fputc('\n', o);
	fputs("  flows ended    ", o);
	for (e = 1; e < END_COUNT; e++)
		fprintf(o, " %s %llu", end_reason_name((enum end_reason)e),
			(unsigned long long)s->work.flows.ended[e]);
	fputc('\n', o);
	fprintf(o, "  flow table      peak %llu of %u; evictions %llu\n",
		(unsigned long long)s->work.flows.peak_active, s->max_flows,
		(unsigned long long)s->work.flows.ended[END_EVICTED]);
	/* One worker (--threads 1) says nothing: the report is the one
	   it always was. */
	if (s->threads > 1)
		fprintf(o, "  threads         %u flow workers behind one reader\n",
			s->threads);
	if (s->alerts)
		fprintf(o, "  alerts          %llu\n", (unsigned long long)s->alerts);
	/* A dump that failed claims no frame: what reached the file is
	   cut somewhere, and no count can say where. */
	if (s->dump_error)
		tprintf(o, "  evidence        %s: not written (%s): the file is "
			"cut or empty\n", s->dump_path, s->dump_error);
	else if (s->dump_path)
		tprintf(o, "  evidence        %s: %llu frames of findings written; "
			"%llu of another link type left out\n", s->dump_path,
			(unsigned long long)s->dumped,
			(unsigned long long)s->dump_skipped);
	if (s->dump_path && !s->dump_error && s->dump_max_mb) {
		fprintf(o, "    rotated       %llu file%s of at most %u MB, ",
			(unsigned long long)s->dump_files,
			PLURAL(s->dump_files), s->dump_max_mb);
		if (s->dump_files_kept < s->dump_files)
			fprintf(o, "the last %llu kept", (unsigned long long)s->dump_files_kept);
		else
			fputs("all kept", o);
		tprintf(o, ": %llu frames; newest %s\n",
			(unsigned long long)s->dump_frames_kept, s->dump_newest);
	}
	if (s->work.frags || s->work.snap_truncated)
		fprintf(o, "  fragments       %llu; cut by snaplen %llu\n",
			(unsigned long long)s->work.frags,
			(unsigned long long)s->work.snap_truncated);
	if (s->work.clock_outliers || s->work.clock_jumps_back)
		fprintf(o, "  timestamps      %llu not believed (more than %u s from "
			"the capture's clock, counted at its time); time went back "
			"%llu times\n", (unsigned long long)s->work.clock_outliers,
			s->time_jump_s, (unsigned long long)s->work.clock_jumps_back);
	first = 1;
	for (e = 1; e < TUN_COUNT; e++) {
		if (!s->work.tunnels[e])
			continue;
		fprintf(o, "%s %s %llu", first ? "  tunnels        " : ",",
			tunnel_name((enum tunnel_kind)e),
			(unsigned long long)s->work.tunnels[e]);
		first = 0;
	}
	if (!first)
		fputc('\n', o);
	text_dpi(o, s);
	for (e = 0; e < DERR_COUNT; e++)
		errs += s->work.decode_err[e];
	fprintf(o, "  decode errors   %llu\n", (unsigned long long)errs);
	for (e = 0; e < DERR_COUNT; e++)
		if (s->work.decode_err[e])
			fprintf(o, "    %-22s %8llu  %s\n",
				decode_err_name((enum decode_err)e),
				(unsigned long long)s->work.decode_err[e],
				decode_err_desc((enum decode_err)e));
}

/* "apps: SIP 3, Redis (guess) 1, unknown 1": the applications of an
   aggregate's flows, most first. Nothing with --no-dpi. */
static void text_apps_of(FILE *o, const struct report *r,
			 struct app_agg *const *apps, size_t n_apps,
			 const struct agg *a)
{
	size_t first, k, i;
	const char *app;

	if (!r->dpi || !apps)
		return;
	k = tally_apps_of(apps, n_apps, a, &first);
	if (!k)
		return;
	fputs("           apps:", o);
	for (i = 0; i < k && i < r->top; i++) {
		const struct app_agg *x = apps[first + i];

		app = tally_app_name(r->tally, x);
		fprintf(o, "%s %s%s %llu", i ? "," : "", app ? app : "unknown",
			x->src == APP_SRC_GUESS ? " (guess)" : "",
			(unsigned long long)x->flows);
	}
	if (k > i)
		fprintf(o, "%s ... and %zu more", i ? "," : "", k - i);
	fputc('\n', o);
}

static void text_services(FILE *o, struct report *r, const struct agg *v, size_t n,
			  struct app_agg *const *apps, size_t n_apps)
{
	size_t i, shown = 0, more = 0;
	char tr[8], port[16];

	fprintf(o, "\n%s\n", verdict_title(V_DOCUMENTED));
	if (!tally_flows(r->tally, (enum verdict)V_DOCUMENTED)) {
		fputs("  (none)\n", o);
		return;
	}
	fprintf(o, "  %-5s  %-28s %-12s %8s %10s %14s\n", "TABLE", "SERVICE",
		"TRANSPORT", "FLOWS", "PACKETS", "BYTES");
	for (i = 0; i < n; i++) {
		const struct agg *a = &v[i];
		const struct cat_row *row;

		if (a->verdict != V_DOCUMENTED || !a->row)
			continue;
		if (shown == r->top) {
			more++;
			continue;
		}
		shown++;
		row = catalogue_row(r->cat, a->row - 1u);
		explain_transport(tr, a->proto);
		if (a->port)
			snprintf(port, sizeof(port), "%s/%u", tr, a->port);
		else
			snprintf(port, sizeof(port), "%s", tr);
		/* A site's row is not the guide's table. */
		if (row->site)
			fprintf(o, "  %-5s", "site");
		else
			fprintf(o, "  %-5u", row->table);
		fprintf(o, "  %-28s %-12s %8llu %10llu %14llu",
			row->service, port, (unsigned long long)a->flows,
			(unsigned long long)a->pkts, (unsigned long long)a->bytes);
		/* Of the flows, those that never were sessions. */
		if (a->attempts)
			fprintf(o, "  (%llu unanswered attempt%s)",
				(unsigned long long)a->attempts,
				PLURAL(a->attempts));
		fputc('\n', o);
		if (row->site)
			tprintf(o, "           rule: %s:%u (the site's)\n", row->file,
				(unsigned)row->line);
		text_apps_of(o, r, apps, n_apps, a);
		text_dscp_of(o, r, a->row);
	}
	text_more(o, "  ", more);
}

/* Whether row a allows what row b does, as text_allowed() says it: the
   same table (a site's row is its own), roles and direction. */
static bool same_allowance(const struct cat_row *a, const struct cat_row *b)
{
	return !a->site && !b->site && a->table == b->table &&
	       a->from_roles == b->from_roles && a->to_roles == b->to_roles &&
	       (a->bidir || a->sport_kind == SPORT_BIDIRECTIONAL) ==
	       (b->bidir || b->sport_kind == SPORT_BIDIRECTIONAL);
}

/* Whether one of the first n rows of h allows what its row n does. */
static bool said_before(const struct catalogue *cat,
			const struct cat_hits *h, uint16_t n)
{
	const struct cat_row *row = catalogue_row(cat, h->rows[n]);
	uint16_t i;

	for (i = 0; i < n; i++)
		if (same_allowance(catalogue_row(cat, h->rows[i]), row))
			return true;
	return false;
}

/* A role violation's roles seen and the rows that would have allowed
   the port, each allowance once (table 4's four 8443 rows allow the
   same roles). */
static void text_allowed(FILE *o, const struct report *r, const struct flow_record *f)
{
	char cr[256], sr[256], from[256], to[256];
	struct cat_hits h;
	uint16_t i;

	explain_roles(f->client_host.roles, cr, sizeof(cr));
	explain_roles(f->server_host.roles, sr, sizeof(sr));
	fprintf(o, "      roles seen: %s -> %s; documented for:", cr, sr);
	record_rows(r->cat, f, &h);
	for (i = 0; i < h.n; i++) {
		const struct cat_row *row = catalogue_row(r->cat, h.rows[i]);

		if (said_before(r->cat, &h, i))
			continue;
		hosts_roles_str(row->from_roles, from, sizeof(from));
		hosts_roles_str(row->to_roles, to, sizeof(to));
		char where[160];

		cat_row_where(row, where, sizeof(where));
		fprintf(o, "%s %s %s %s %s", i ? ";" : "", where, from,
			row->bidir || row->sport_kind == SPORT_BIDIRECTIONAL ?
			"<->" : "->", to);
	}
	fputc('\n', o);
}

/* A flow's two ends as a line names them: with their ports when it has
   some (fmt_endpoint()), the addresses alone otherwise (ICMP). */
static void text_ends(const struct flow_record *f, char c[ENDPOINT_STR_MAX],
		      char s[ENDPOINT_STR_MAX])
{
	if (f->key.pa || f->key.pb) {
		fmt_endpoint(rec_client_ip(f), f->key.family,
			     rec_client_port(f), c);
		fmt_endpoint(rec_server_ip(f), f->key.family,
			     rec_server_port(f), s);
	} else {
		fmt_ip(rec_client_ip(f), f->key.family, c);
		fmt_ip(rec_server_ip(f), f->key.family, s);
	}
}

/* The largest flows of a finding with their endpoints (and, for a
   protocol mismatch, what the rows expected). */
static void text_top(FILE *o, struct report *r, enum verdict verdict)
{
	const struct flow_record **top;
	unsigned nt, i, listed = 0;
	char tr[8], cip[ENDPOINT_STR_MAX], sip[ENDPOINT_STR_MAX];
	char t1[TIME_STR_MAX], exp[EXPECTED_MAX];
	const char *app;
	bool attempts_too;

	top = tally_sorted_top(r->tally, verdict, &nt);
	if (!top || !tally_flows(r->tally, verdict)) {
		free(top);
		return;
	}
	/* Sessions first: unanswered attempts are listed only when the
	   finding has nothing else (a scan alone). */
	for (i = 0; i < nt && rec_is_attempt(top[i]); i++)
		;
	attempts_too = i == nt;
	fprintf(o, "  largest flows:\n");
	for (i = 0; i < nt; i++) {
		const struct flow_record *f = top[i];

		if (rec_is_attempt(f) && !attempts_too)
			continue;
		listed++;
		explain_transport(tr, f->key.proto);
		text_ends(f, cip, sip);
		fmt_time_cached(&r->tc, f->first_us, t1);
		fprintf(o, "    %s %s -> %s", tr, cip, sip);
		fprintf(o, "  %llu packets, %llu bytes, from %s",
			(unsigned long long)rec_packets(f),
			(unsigned long long)rec_bytes(f), t1);
		app = rec_app(f);
		if (app)
			fprintf(o, ", app %s%s", app,
				f->app_source == APP_SRC_GUESS ? " (guess)" : "");
		if (rec_is_attempt(f))
			fprintf(o, ", unanswered attempt (%s)", rec_conn_state(f));
		if (f->carrier & FC_CARRIER) {
			char id[40];

			explain_tunnel_id(f, id);
			fprintf(o, ", %s%s carrier", explain_tunnel_kind(f), id);
		}
		if (verdict == V_CLEARTEXT && !app)
			fputs(", first bytes not TLS", o);
		if (f->waiver)
			fprintf(o, ", %s %s until %s", f->waived ? "waived by" :
				"partly waived by", f->waiver->ticket,
				f->waiver->until);
		if (verdict == V_PROTOCOL_MISMATCH) {
			explain_expected_rec(r->cat, f, exp);
			fprintf(o, ", expected %s", exp[0] ? exp : "none");
		}
		fputc('\n', o);
		if (verdict == V_ROLE_VIOLATION)
			text_allowed(o, r, f);
	}
	text_more(o, "    ", tally_flows(r->tally, verdict) - listed);
	free(top);
}

/* One finding (undocumented, local-only...): totals per port, then its
   largest flows with their endpoints. */
static void text_finding(FILE *o, struct report *r, const struct run_stats *s,
			 const struct agg *v, size_t n, enum verdict verdict)
{
	const char *title = verdict_title(verdict);
	uint64_t flows = tally_flows(r->tally, (enum verdict)verdict);
	uint64_t att = tally_attempts(r->tally, verdict);
	struct attempts_only ao;
	size_t k, shown = 0, more = 0;
	char tr[8], port[16], said[ATTEMPTS_SAID_MAX];

	fprintf(o, "\n%s: %llu flow%s", title, (unsigned long long)flows,
		PLURAL(flows));
	/* A scan's unanswered SYNs are attempts, not sessions. */
	if (att)
		fprintf(o, " (%llu session%s, %llu unanswered attempt%s)",
			(unsigned long long)(flows - att),
			PLURAL(flows - att), (unsigned long long)att,
			PLURAL(att));
	fputc('\n', o);
	/* Replies short of a tunnel too: how close the flows came. */
	if (verdict == V_ICMP_TUNNEL && s->work.echo_unmatched) {
		char why[REASON_MAX];

		explain_echo_unmatched(s->work.echo_unmatched, why);
		fprintf(o, "  unmatched: %s\n", why);
	}
	if (!flows) {
		fputs("  (none)\n", o);
		return;
	}
	fprintf(o, "  %-16s %-28s %8s %10s %14s\n", "TRANSPORT", "SERVICE",
		"FLOWS", "PACKETS", "BYTES");
	for (k = 0; k < n; k++) {
		const struct agg *a = &v[k];
		const struct cat_row *row;

		if (a->verdict != verdict)
			continue;
		/* Ports that only saw attempts are one line below. */
		if (agg_attempts_only(a))
			continue;
		if (shown == r->top) {
			more++;
			continue;
		}
		shown++;
		row = a->row ? catalogue_row(r->cat, a->row - 1u) : NULL;
		explain_transport(tr, a->proto);
		if (a->port)
			snprintf(port, sizeof(port), "%s/%u", tr, a->port);
		else
			snprintf(port, sizeof(port), "%s", tr);
		fprintf(o, "  %-16s %-28s %8llu %10llu %14llu", port,
			row ? row->service : "-", (unsigned long long)a->flows,
			(unsigned long long)a->pkts, (unsigned long long)a->bytes);
		if (a->attempts)
			fprintf(o, "  (%llu unanswered attempt%s)",
				(unsigned long long)a->attempts,
				PLURAL(a->attempts));
		fputc('\n', o);
	}
	text_more(o, "  ", more);
	tally_attempts_only(v, n, verdict, &ao);
	if (ao.ports) {
		tally_attempts_said(&ao, said, sizeof(said));
		fprintf(o, "  attempts only    %s\n", said);
	}
	text_top(o, r, verdict);
}

/* Protocol mismatches: per service, port and application found, what the
   rows expected; then the largest such flows. */
static void text_mismatches(FILE *o, struct report *r,
			    struct app_agg *const *apps, size_t n_apps)
{
	char tr[8], port[16], exp[EXPECTED_MAX];
	const char *app;
	size_t i, shown = 0, more = 0;
	uint64_t flows = tally_flows(r->tally, (enum verdict)V_PROTOCOL_MISMATCH);

	fprintf(o, "\n%s: %llu flow%s\n", verdict_title(V_PROTOCOL_MISMATCH),
		(unsigned long long)flows, PLURAL(flows));
	if (!flows) {
		fputs("  (none)\n", o);
		return;
	}
	fprintf(o, "  %-16s %-28s %-18s %-18s %8s\n", "TRANSPORT", "SERVICE",
		"EXPECTED", "FOUND", "FLOWS");
	for (i = 0; apps && i < n_apps; i++) {
		const struct app_agg *a = apps[i];
		const struct cat_row *row;

		if (a->verdict != V_PROTOCOL_MISMATCH)
			continue;
		if (shown == r->top) {
			more++;
			continue;
		}
		shown++;
		row = a->row ? catalogue_row(r->cat, a->row - 1u) : NULL;
		explain_transport(tr, a->proto);
		snprintf(port, sizeof(port), "%s/%u", tr, a->port);
		explain_expected(r->cat, a->proto, a->cport, a->port, a->on_wire, exp);
		app = tally_app_name(r->tally, a);
		fprintf(o, "  %-16s %-28s %-18s %-18s %8llu\n", port,
			row ? row->service : "-", exp[0] ? exp : "none",
			app ? app : "unknown", (unsigned long long)a->flows);
	}
	text_more(o, "  ", more);
	text_top(o, r, V_PROTOCOL_MISMATCH);
}

/* Cleartext on TLS-only ports: per service, port and the protocol seen
   instead of TLS (nDPI's name; "not TLS" without it); then the largest
   such flows. */
static void text_cleartext(FILE *o, struct report *r,
			   struct app_agg *const *apps, size_t n_apps)
{
	uint64_t n = tally_flows(r->tally, V_CLEARTEXT);
	uint64_t unjudged = tally_tls_unjudged(r->tally);
	char tr[8], port[16];
	const char *app;
	size_t i;

	fprintf(o, "\n%s: %llu flow%s\n", verdict_title(V_CLEARTEXT),
		(unsigned long long)n, PLURAL(n));
	if (unjudged)
		fprintf(o, "  not judged: %llu flow%s on TLS-only ports (start, "
			"or the client's first bytes, not captured)\n",
			(unsigned long long)unjudged, PLURAL(unjudged));
	if (!n) {
		fputs("  (none)\n", o);
		return;
	}
	fprintf(o, "  %-16s %-28s %-18s %8s\n", "TRANSPORT", "SERVICE", "SEEN",
		"FLOWS");
	for (i = 0; apps && i < n_apps; i++) {
		const struct app_agg *a = apps[i];
		const struct cat_row *row;

		if (a->verdict != V_CLEARTEXT)
			continue;
		row = a->row ? catalogue_row(r->cat, a->row - 1u) : NULL;
		explain_transport(tr, a->proto);
		snprintf(port, sizeof(port), "%s/%u", tr, a->port);
		app = tally_app_name(r->tally, a);
		fprintf(o, "  %-16s %-28s %-18s %8llu\n", port,
			row ? row->service : "-", app ? app : "not TLS",
			(unsigned long long)a->flows);
	}
	text_top(o, r, V_CLEARTEXT);
}

/* Most flows first, then by transport and port. */
static int undoc_cmp(const void *x, const void *y)
{
	const struct app_agg *a = *(const struct app_agg *const *)x;
	const struct app_agg *b = *(const struct app_agg *const *)y;

	if (a->flows != b->flows)
		return a->flows > b->flows ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->master != b->master)
		return a->master < b->master ? -1 : 1;
	return a->app < b->app ? -1 : (a->app > b->app);
}

/* "SIP on tcp/6060: 1 flow": what nDPI named on undocumented ports. */
static void text_undoc_apps(FILE *o, struct report *r,
			    struct app_agg *const *apps, size_t n_apps)
{
	struct app_agg **v;
	char tr[8];
	size_t i, k = 0;

	fputs("\nKnown protocols on undocumented ports\n", o);
	v = malloc((n_apps ? n_apps : 1) * sizeof(*v));
	for (i = 0; v && apps && i < n_apps; i++)
		if (apps[i]->verdict == V_UNDOCUMENTED &&
		    apps[i]->src != APP_SRC_NONE)
			v[k++] = apps[i];
	if (!k) {
		fputs("  (none)\n", o);
		free(v);
		return;
	}
	qsort(v, k, sizeof(*v), undoc_cmp);
	for (i = 0; i < k && i < r->top; i++) {
		const struct app_agg *a = v[i];
		const char *app = tally_app_name(r->tally, a);

		explain_transport(tr, a->proto);
		if (a->port)
			fprintf(o, "  %s%s on %s/%u: %llu flow%s\n", app,
				a->src == APP_SRC_GUESS ? " (guess)" : "", tr,
				a->port, (unsigned long long)a->flows,
				PLURAL(a->flows));
		else
			fprintf(o, "  %s%s on %s: %llu flow%s\n", app,
				a->src == APP_SRC_GUESS ? " (guess)" : "", tr,
				(unsigned long long)a->flows,
				PLURAL(a->flows));
	}
	text_more(o, "  ", k - i);
	free(v);
}

void report_text_alert_line(struct report *r, const struct flow_record *f, FILE *o)
{
	char t[TIME_STR_MAX], cip[ENDPOINT_STR_MAX], sip[ENDPOINT_STR_MAX];
	char tr[8];
	char why[REASON_MAX];

	fmt_time_cached(&r->tc, f->last_us, t);
	text_ends(f, cip, sip);
	explain_transport(tr, f->key.proto);
	explain_reason(r->cat, f, why);
	fprintf(o, "alert %s %s %s %s -> %s: %s", t,
		verdict_name((enum verdict)f->verdict), tr, cip, sip, why);
	if (f->waiver)
		fprintf(o, " (%s %s until %s)", f->waived ? "waived by" :
			"partly waived by", f->waiver->ticket, f->waiver->until);
	fputc('\n', o);
}

static void text_interim(struct report *r, const struct run_stats *s)
{
	char t[TIME_STR_MAX];

	fmt_time_cached(&r->tc, s->live ? s->live->now_us : 0, t);
	fprintf(r->out, "stats %s: packets %llu, bytes %llu, flows %llu (active %llu), "
		"alerts %llu", t, (unsigned long long)s->work.packets,
		(unsigned long long)s->work.bytes,
		(unsigned long long)s->work.flows.created,
		(unsigned long long)s->work.flows.active,
		(unsigned long long)s->alerts);
	if (s->live)
		fprintf(r->out, ", received %llu, dropped %llu, if-dropped %llu",
			(unsigned long long)s->live->received,
			(unsigned long long)s->live->dropped,
			(unsigned long long)s->live->ifdropped);
	fputc('\n', r->out);
}

/* Rows exercised, by table, with the host pairs when an inventory was
   given; then the rows never seen. */
static void text_coverage(FILE *o, const struct report *r)
{
	size_t i, n = catalogue_count(r->cat), shown = 0, more = 0;
	unsigned unseen = 0, last = 256;
	uint64_t other;
	uint8_t k;

	fprintf(o, "\nCoverage: %zu of %zu catalogue rows exercised\n",
		coverage_exercised(tally_coverage(r->tally)), n);
	for (i = 0; i < n; i++) {
		const struct cat_row *row = catalogue_row(r->cat, i);
		const struct cov_row *cr = coverage_row(tally_coverage(r->tally), i);

		if (!cr->flows)
			continue;
		if (shown == r->top) {
			more++;
			continue;
		}
		shown++;
		if (row->site)
			tprintf(o, "  site %s:%u %s %llu flow%s\n", row->file,
				(unsigned)row->line, row->service,
				(unsigned long long)cr->flows,
				PLURAL(cr->flows));
		else
			fprintf(o, "  table %-3u %-28s %8llu flow%s\n", row->table,
				row->service, (unsigned long long)cr->flows,
				PLURAL(cr->flows));
		/* Pairs past --top join those past COV_PAIRS. */
		other = cr->more_pairs;
		for (k = 0; k < cr->npairs; k++) {
			if (k >= r->top) {
				other += cr->pair[k].flows;
				continue;
			}
			fprintf(o, "            %s -> %s: %llu\n", cr->pair[k].client,
				cr->pair[k].server,
				(unsigned long long)cr->pair[k].flows);
		}
		if (other)
			fprintf(o, "            other pairs: %llu flow%s\n",
				(unsigned long long)other, PLURAL(other));
	}
	text_more(o, "  ", more);
	more = 0;
	fputs("  never seen:", o);
	for (i = 0; i < n; i++) {
		const struct cat_row *row = catalogue_row(r->cat, i);

		/* A site's rows are each named by file and line. */
		if (coverage_row(tally_coverage(r->tally), i)->flows ||
		    (!row->site &&
		     coverage_unseen_named_before(tally_coverage(r->tally), i)))
			continue;
		if (unseen == r->top) {
			more++;
			continue;
		}
		if (row->site) {
			fputs("\n    site ", o);
			text_put(o, row->file);
			fprintf(o, ":%u: %s", (unsigned)row->line, row->service);
			last = 256;
			unseen++;
			continue;
		}
		if (row->table != last)
			fprintf(o, "\n    table %u:", row->table);
		fprintf(o, " %s", row->service);
		last = row->table;
		unseen++;
	}
	fputs(unseen || more ? "\n" : " (none)\n", o);
	text_more(o, "    ", more);
}

/* Every tunnel carrier: kind, VNI or session, endpoints, packets, trust;
   and the endpoints the site declared. */
static void text_carriers(FILE *o, const struct run_stats *s, unsigned top)
{
	const struct carriers *c = s->carriers;
	const struct trust *t = s->trust;
	const struct carrier **v;
	char a[IP_STR_MAX], b[IP_STR_MAX], net[IP_STR_MAX + 8];
	size_t n, i;

	fprintf(o, "\nTunnel carriers: %zu\n", carriers_count(c));
	fputs("  endpoints declared:", o);
	for (i = 0; i < trust_count(t); i++) {
		trust_str(t, i, net, sizeof(net));
		fprintf(o, " %s", net);
	}
	if (trust_count(t))
		fputs(" (--trust-tunnel)", o);
	if (trust_inventory_declares(t))
		fputs(" the inventory's tunnel-endpoint hosts", o);
	if (!trust_declared(t))
		fputs(" none (ERSPAN is trusted, every other carrier is not)", o);
	fputc('\n', o);
	v = carriers_sorted(c, &n);
	for (i = 0; v && i < n && i < top; i++) {
		const struct carrier *e = v[i];
		const char *k = tunnel_name((enum tunnel_kind)e->kind);

		fmt_ip(&e->src, e->family, a);
		fmt_ip(&e->dst, e->family, b);
		fprintf(o, "  %s", k ? k : "tunnel");
		if (e->has_id)
			fprintf(o, " %s %u",
				tunnel_is_erspan((enum tunnel_kind)e->kind) ?
				"session" : "VNI", (unsigned)e->id);
		fprintf(o, ": %s <-> %s, %llu packets, %llu flow%s, %s\n", a, b,
			(unsigned long long)e->packets,
			(unsigned long long)e->flows, PLURAL(e->flows),
			e->trusted ? "trusted" : "untrusted");
	}
	if (v)
		text_more(o, "  ", n - i);
	free(v);
	if (carriers_unlisted_packets(c))
		fprintf(o, "  past the %d listed: %llu packets (judged all the "
			"same)\n", MAX_CARRIERS,
			(unsigned long long)carriers_unlisted_packets(c));
}

static void text_health(FILE *o, const struct report *r,
			const struct run_stats *s)
{
	uint64_t judged, one_way, dropped;
	bool known;
	char pct[16];

	tally_one_way(r->tally, &judged, &one_way);
	fprintf(o, "\nCapture health: %s\n", s->health_poor ? "POOR" : "ok");
	fprintf(o, "  one-way TCP flows   %llu of %llu judged (threshold %u%%)\n",
		(unsigned long long)one_way, (unsigned long long)judged,
		s->health_one_way_pct);
	fprintf(o, "  duplicate frames    %llu of %llu, left out (threshold %u%%)\n",
		(unsigned long long)s->work.dup_frames,
		(unsigned long long)s->work.dup_checked, s->health_dup_pct);
	if (s->live) {
		fmt_milli_pct(s->health_drops_milli, pct);
		fprintf(o, "  dropped             %llu by the kernel, %llu by the "
			"interface (threshold %s%%)\n",
			(unsigned long long)s->live->dropped,
			(unsigned long long)s->live->ifdropped, pct);
		fprintf(o, "  interface down      %llu time%s (%.1f s)\n",
			(unsigned long long)s->live->went_down,
			PLURAL(s->live->went_down),
			(double)s->live->down_us / 1e6);
	} else if (run_file_drops(s, &dropped, &known)) {
		fmt_milli_pct(s->health_drops_milli, pct);
		if (known)
			fprintf(o, "  dropped             %llu recorded by the "
				"capture file%s (threshold %s%%)\n",
				(unsigned long long)dropped, PLURAL(s->n_files),
				pct);
		else
			fprintf(o, "  dropped             not known, as "
				"recorded by the capture file%s (threshold "
				"%s%%)\n",
				PLURAL(s->n_files), pct);
	}
	if (s->health_poor)
		fprintf(o, "  why: %s\n", s->health_why);
}

/* Each reason the run is inconclusive, with its sentence. */
static void text_inconclusive(FILE *o, const struct gate *g)
{
	int r;

	if (!g || !gate_any(g))
		return;
	fputs("\nInconclusive:\n", o);
	for (r = 0; r < GR_COUNT; r++)
		if (gate_has(g, (enum gate_reason)r))
			tprintf(o, "  %-15s %s\n", gate_reason_key((enum gate_reason)r),
				g->why[r]);
}

/* The Errors heading, before the first error only. */
static void errors_head(FILE *o, bool *head)
{
	if (!*head)
		fputs("\nErrors:\n", o);
	*head = true;
}

/* Why the run is an error, as far as the report knows: each input not
   read in full, and each output closed before the summary (the
   evidence, the alert file, the graph, the page) not written, as the
   JSON and ECS summaries and the page list them. The report itself,
   not written, cannot say so: standard error does. */
static void text_errors(FILE *o, const struct run_stats *s)
{
	size_t i;
	bool head = false;

	if (s->exit_status != EXIT_INPUT_ERROR)
		return;
	for (i = 0; i < s->n_files; i++) {
		if (!s->files[i].error[0])
			continue;
		errors_head(o, &head);
		tprintf(o, "  %s: %s\n", s->files[i].name, s->files[i].error);
	}
	for (i = 0; i < s->n_out_errors; i++) {
		errors_head(o, &head);
		tprintf(o, "  %s %s: not written (%s)\n", s->out_errors[i].what,
			s->out_errors[i].path, s->out_errors[i].why);
	}
}

/* "the run was interrupted, no flows": the reasons' titles, each once. */
static void text_titles(FILE *o, const struct gate *g)
{
	const char *done[GR_COUNT];
	int r, k, n = 0;

	for (r = 0; g && r < GR_COUNT; r++) {
		const char *t = gate_reason_title((enum gate_reason)r);

		if (!gate_has(g, (enum gate_reason)r))
			continue;
		for (k = 0; k < n && strcmp(done[k], t) != 0; k++)
			;
		if (k < n)
			continue;
		fprintf(o, "%s%s", n ? ", " : "", t);
		done[n++] = t;
	}
}

/* The end of a verdict line: "; judged only what the filter 'not port
   22' kept: ..." when -f narrowed the run (gate.h; the expression shown
   as tprintf() shows a value given), then tail (" (exit 0)") and the
   line end. */
static void text_end(FILE *o, const struct gate *g, const char *tail)
{
	const char *why = gate_filter_why(g);

	if (why)
		tprintf(o, "; %s%s\n", why, tail);
	else
		fprintf(o, "%s\n", tail);
}

/* Whether the summary has a section for verdict v (verdict.h's show):
   one with flows always does. */
static bool text_shows(const struct report *r, const struct run_stats *s,
		       enum verdict v)
{
	if (!verdict_title(v))
		return false;
	if (tally_flows(r->tally, (enum verdict)v))
		return true;
	switch (verdict_show(v)) {
	case VS_ALWAYS: return true;
	case VS_DPI: return r->dpi;
	case VS_HOSTS: return r->hosts != NULL;
	case VS_TUNNELS: return run_has_tunnels(s);
	case VS_ECHO: return s->work.echo_unmatched != 0;
	case VS_FLOWS: break;
	}
	return false;
}

/* "a, b or c": the n words of w. */
static void text_words(FILE *o, const char *const *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(o, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", w[i]);
}

/* The Validate line of a run that passed (every flow is one of the
   verdicts that are not findings: those shown always, and the others
   seen, and waived findings), failed (the findings, by name) or could
   not read or write. */
static void text_verdict_line(FILE *o, const struct report *r, int status,
			      const struct run_stats *s)
{
	const char *w[V_COUNT + 1];
	int v, n = 0;

	if (status != 0 && status != 1) {
		fputs("ERROR: an input could not be read in full, or an output "
		      "not written (exit 2)\n", o);
		return;
	}
	for (v = 0; v < V_COUNT; v++) {
		if (status == 1 && verdict_is_finding((enum verdict)v))
			w[n++] = verdict_name((enum verdict)v);
		else if (status == 0 && verdict_pass((enum verdict)v) &&
			 (verdict_show((enum verdict)v) == VS_ALWAYS || tally_flows(r->tally, (enum verdict)v)))
			w[n++] = verdict_pass((enum verdict)v);
	}
	if (status == 0 && s->waived)
		w[n++] = "a waived finding";
	fputs(status == 0 ? "PASS: every flow is " : "FAIL: ", o);
	text_words(o, w, n);
	if (status == 1)
		fputs(" flows", o);
	text_end(o, s->gate, status == 0 ? "" : " (exit 1)");
}

/* "3 undocumented, 1 local-only": the flows of each verdict that has
   some and is a finding (or, finding false, is not), in verdict.h's
   order. False when there is none. */
static bool text_counts(FILE *o, const struct tally *t, bool finding)
{
	uint64_t k;
	int v, n = 0;

	for (v = 0; v < V_COUNT; v++) {
		k = tally_flows(t, (enum verdict)v);
		if (!k || verdict_is_finding((enum verdict)v) != finding)
			continue;
		if (o)
			fprintf(o, "%s%llu %s", n ? ", " : "",
				(unsigned long long)k, verdict_name((enum verdict)v));
		n++;
	}
	return n > 0;
}

/* "; 2 waived": the finding flows --waivers waived, counted above too. */
static void text_waived(FILE *o, const struct run_stats *s)
{
	if (s->waived)
		fprintf(o, "; %llu waived", (unsigned long long)s->waived);
}

/* The report's first line, its answer: the verdict and exit status, the
   flows of each finding (and how many of them were waived), and why a
   run is inconclusive (gate.h). */
void report_lead_line(FILE *o, const struct tally *t, const struct run_stats *s)
{
	bool findings = text_counts(NULL, t, true);
	char tail[16];

	switch (s->exit_status) {
	case 0:
		if (findings && !s->validate) {
			fputs("FINDINGS: ", o);
			text_counts(o, t, true);
			text_waived(o, s);
			text_end(o, s->gate, " (exit 0: no --validate)");
			return;
		}
		fputs(s->validate ? "PASS: " : "NO FINDINGS: ", o);
		if (!text_counts(o, t, false) && !s->waived)
			fputs("no flows", o);
		if (s->waived)
			fprintf(o, "%s%llu waived", text_counts(NULL, t, false) ?
				", " : "", (unsigned long long)s->waived);
		text_end(o, s->gate, " (exit 0)");
		return;
	case 1:
		fputs("FAIL: ", o);
		text_counts(o, t, true);
		text_waived(o, s);
		/* Part of the traffic was not judged: what was judged fails. */
		if (gate_any(s->gate)) {
			fputs("; also ", o);
			text_titles(o, s->gate);
		}
		text_end(o, s->gate, " (exit 1)");
		return;
	case 3:
		fputs("INCONCLUSIVE: ", o);
		text_titles(o, s->gate);
		break;
	default:
		fputs("ERROR: an input could not be read in full, or an output "
		      "not written", o);
		break;
	}
	if (findings) {
		fputs("; findings: ", o);
		text_counts(o, t, true);
		text_waived(o, s);
	}
	snprintf(tail, sizeof(tail), " (exit %d)", s->exit_status);
	text_end(o, s->gate, tail);
}

static void text_summary(struct report *r, const struct run_stats *s)
{
	FILE *o = r->out;
	struct agg *v;
	struct app_agg **apps;
	size_t n, n_apps;
	int k;

	report_lead_line(o, r->tally, s);
	if (!r->brief) {
		text_provenance(o, r, s);
		text_capture(o, r, s);
	}
	v = tally_sorted_aggs(r->tally, &n);
	apps = tally_sorted_apps(r->tally, &n_apps);
	for (k = 0; k < V_COUNT; k++) {
		if (!text_shows(r, s, (enum verdict)k))
			continue;
		/* A change ticket needs the findings seen, no more. */
		if (r->brief && (!verdict_is_finding((enum verdict)k) ||
				 !tally_flows(r->tally, (enum verdict)k)))
			continue;
		if (k == V_DOCUMENTED)
			text_services(o, r, v, n, apps, n_apps);
		else if (k == V_PROTOCOL_MISMATCH)
			text_mismatches(o, r, apps, n_apps);
		else if (k == V_CLEARTEXT)
			text_cleartext(o, r, apps, n_apps);
		else
			text_finding(o, r, s, v, n, (enum verdict)k);
		if (k == V_UNDOCUMENTED && r->dpi)
			text_undoc_apps(o, r, apps, n_apps);
	}
	free(apps);
	free(v);
	if (r->brief) {
		waivers_text_summary(o, s->waivers, s->waived);
		text_inconclusive(o, s->gate);
		text_errors(o, s);
		return;
	}
	if (run_has_tunnels(s))
		text_carriers(o, s, r->top);
	text_coverage(o, r);
	text_health(o, r, s);
	waivers_text_summary(o, s->waivers, s->waived);
	text_inconclusive(o, s->gate);
	text_errors(o, s);
	if (s->validate) {
		fputs("\nValidate: ", o);
		if (s->exit_status == 3) {
			fputs("INCONCLUSIVE: ", o);
			text_titles(o, s->gate);
			text_end(o, s->gate, " (exit 3)");
		} else {
			text_verdict_line(o, r, s->exit_status, s);
		}
	}
}

/* The alerts, when no alert file takes them: the text report leaves its
   alert lines to the file. */
static void text_alert(struct report *r, const struct flow_record *f)
{
	if (!r->alert_out)
		report_text_alert_line(r, f, r->out);
}

/* The text report writes no record per flow: the summary says it all. */
const struct report_writer report_text_writer = {
	.flow = NULL,
	.alert = text_alert,
	.interim = text_interim,
	.summary = text_summary,
};
