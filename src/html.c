/*
 * html.c: the HTML report (html.h).
 */
#include "html.h"

#include <stdlib.h>
#include <string.h>

#include "carrier.h"
#include "coverage.h"
#include "digest.h"
#include "explain.h"
#include "gate.h"
#include "textfile.h"
#include "trust.h"
#include "util.h"
#include "verdict.h"
#include "waiver.h"

/*
 * The page's one script: a click on a table's header sorts its rows by
 * that column, numbers (a cell's data-v) as numbers, the rest as text;
 * a second click reverses. Allowed by its hash in the page's policy, so
 * it must stay byte for byte what is hashed.
 */
static const char sort_js[] =
	"document.querySelectorAll('table.sort th').forEach(function(th){"
	"th.addEventListener('click',function(){"
	"var t=th.closest('table'),b=t.tBodies[0],"
	"i=Array.prototype.indexOf.call(th.parentNode.children,th),"
	"d=th.getAttribute('data-dir')==='a'?-1:1;"
	"th.setAttribute('data-dir',d>0?'a':'d');"
	"Array.from(b.rows).sort(function(x,y){"
	"var a=x.cells[i],c=y.cells[i],p=a.getAttribute('data-v'),q=c.getAttribute('data-v');"
	"if(p!==null&&q!==null)return d*(Number(p)-Number(q));"
	"return d*a.textContent.localeCompare(c.textContent);"
	"}).forEach(function(r){b.appendChild(r);});});});";

static const char style_css[] =
	"body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#263238;"
	"font-size:14px}"
	"h1{font-size:20px;margin:0 0 .4em}h2{font-size:17px;margin:1.6em 0 .5em;"
	"border-bottom:1px solid #cfd8dc}h3{font-size:15px;margin:1.2em 0 .4em}"
	".verdict{font-size:18px;font-weight:bold;padding:.6em .8em;border-radius:4px;"
	"color:#fff}"
	".pass{background:#2e7d32}.fail{background:#c62828}"
	".inconclusive{background:#ef6c00}.error{background:#6a1b9a}"
	".why{margin:.3em 0 0;font-size:14px;font-weight:normal}"
	"table{border-collapse:collapse;margin:.3em 0}"
	"th,td{border:1px solid #cfd8dc;padding:2px 6px;text-align:left;"
	"vertical-align:top}"
	"th{background:#eceff1}table.sort th{cursor:pointer}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"tr.finding td{color:#b71c1c}"
	".bar{display:inline-block;width:240px;height:12px;background:#eceff1;"
	"border:1px solid #b0bec5;vertical-align:middle}"
	".bar span{display:block;height:100%;background:#2e7d32}"
	".graph svg{max-width:100%;height:auto}"
	".meta th{width:12em}.note{color:#546e7a}"
	".ok{color:#2e7d32}.poor{color:#c62828;font-weight:bold}";

/*
 * The page says it is UTF-8: a byte that is not is U+FFFD, as the JSON
 * writer has it, and so is every character text_unsafe() names (a C0 or
 * C1 control, which HTML has no place for; a line separator; a
 * bidirectional formatting character, which would turn the text after
 * it around, the verdict's reasons among it; one that shows as nothing):
 * as an entity the browser would still obey it.
 */
void html_escape(FILE *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, k;

	while (n) {
		k = 1;
		switch (*p) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default:
			if (*p >= 0x80)
				k = utf8_seq_len(p, n);
			if (!k || text_unsafe(utf8_cp(p, k))) {
				fputs("&#xfffd;", o);
				k = k ? k : 1;
			} else {
				fwrite(p, 1, k, o);
			}
		}
		p += k;
		n -= k;
	}
}

/* A cell of text; a cell of a number (sorted as a number). */
static void td(FILE *o, const char *s)
{
	fputs("<td>", o);
	html_escape(o, s);
	fputs("</td>", o);
}

static void td_n(FILE *o, uint64_t n)
{
	fprintf(o, "<td class=\"n\" data-v=\"%llu\">%llu</td>",
		(unsigned long long)n, (unsigned long long)n);
}

/* A row's table; a site's row (--rules-add) is the site's, never the
   guide's table it names: its file and line. */
static void td_table(FILE *o, const struct cat_row *row)
{
	char where[160];

	if (!row->site) {
		td_n(o, row->table);
		return;
	}
	cat_row_where(row, where, sizeof(where));
	fputs("<td data-v=\"0\">", o);
	html_escape(o, where);
	fputs("</td>", o);
}

/* The coverage's group of a row: its table, 0 for the site's rows. */
static unsigned cov_group(const struct cat_row *row)
{
	return row->site ? 0 : row->table;
}

/* A header row of a sortable table. */
static void thead(FILE *o, const char *const *cols, size_t n)
{
	size_t i;

	fputs("<table class=\"sort\"><thead><tr>", o);
	for (i = 0; i < n; i++) {
		fputs("<th>", o);
		html_escape(o, cols[i]);
		fputs("</th>", o);
	}
	fputs("</tr></thead><tbody>\n", o);
}

/* RFC 4648 base64 of n bytes at d into out (4 * ((n + 2) / 3) + 1). */
static void base64(const uint8_t *d, size_t n, char *out)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = b64[d[i] >> 2];
		out[o++] = b64[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
		out[o++] = b64[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)];
		out[o++] = b64[d[i + 2] & 63];
	}
	if (i < n) {
		out[o++] = b64[d[i] >> 2];
		if (i + 1 < n) {
			out[o++] = b64[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
			out[o++] = b64[(d[i + 1] & 15) << 2];
		} else {
			out[o++] = b64[(d[i] & 3) << 4];
			out[o++] = '=';
		}
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* The verdict's class, from the exit status --validate gives. */
static const char *verdict_class(int status)
{
	switch (status) {
	case EXIT_PASS: return "pass";
	case EXIT_FINDINGS: return "fail";
	case EXIT_INCONCLUSIVE: return "inconclusive";
	}
	return "error";
}

/* The verdict in one line, the text report's lead line as --validate
   judges the run (given or not); then why, each reason's sentence. */
static void html_verdict(FILE *o, const struct html_page *p)
{
	const struct run_stats *s = p->s;
	struct run_stats v = *s;
	char *line = NULL;
	size_t len = 0;
	FILE *m;
	int r;

	v.validate = true;
	if (s->gate_validate) {
		v.gate = s->gate_validate;
		v.exit_status = s->validate_status;
	}
	fprintf(o, "<div class=\"verdict %s\" id=\"verdict\">",
		verdict_class(v.exit_status));
	m = open_memstream(&line, &len);
	if (m) {
		report_lead_line(m, p->tally, &v);
		fclose(m);
	}
	if (line && len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	html_escape(o, line ? line : "");
	free(line);
	/* An error is the run's whatever --validate: no gate judged it. */
	if (!s->validate && v.exit_status != EXIT_INPUT_ERROR)
		fputs(" under --validate", o);
	for (r = 0; v.gate && r < GR_COUNT; r++) {
		const char *title = gate_reason_title((enum gate_reason)r);

		if (!gate_has(v.gate, (enum gate_reason)r))
			continue;
		fputs("<p class=\"why\">", o);
		/* A sentence that starts with its title says it once. */
		if (strncmp(v.gate->why[r], title, strlen(title)) != 0) {
			html_escape(o, title);
			fputs(": ", o);
		}
		html_escape(o, v.gate->why[r]);
		fputs("</p>", o);
	}
	fputs("</div>\n", o);
}

/* Why the run is an error, as the text's Errors say it: each input not
   read in full, each output closed before the page (the evidence, the
   alert file, the graph) not written. */
static void html_errors(FILE *o, const struct run_stats *s)
{
	size_t i;

	if (s->exit_status != EXIT_INPUT_ERROR)
		return;
	fputs("<h2>Errors</h2>\n<ul>\n", o);
	for (i = 0; i < s->n_files; i++) {
		if (!s->files[i].error[0])
			continue;
		fputs("<li>", o);
		html_escape(o, s->files[i].name);
		fputs(": ", o);
		html_escape(o, s->files[i].error);
		fputs("</li>\n", o);
	}
	for (i = 0; i < s->n_out_errors; i++) {
		fputs("<li>", o);
		html_escape(o, s->out_errors[i].what);
		fputc(' ', o);
		html_escape(o, s->out_errors[i].path);
		fputs(": not written (", o);
		html_escape(o, s->out_errors[i].why);
		fputs(")</li>\n", o);
	}
	fputs("</ul>\n", o);
}

/* A row of the meta table: its header, and text escaped. */
static void meta_row(FILE *o, const char *th, const char *text)
{
	fputs("<tr><th>", o);
	html_escape(o, th);
	fputs("</th><td>", o);
	html_escape(o, text);
	fputs("</td></tr>\n", o);
}

/* The evidence (--dump-undocumented), in the text's words: the frames
   written and left out, or, not written, why (it then claims no frame:
   the file is cut somewhere, and no count can say where). */
static void html_evidence(FILE *o, const struct run_stats *s)
{
	if (!s->dump_path)
		return;
	fputs("<tr><th>Evidence</th><td>", o);
	html_escape(o, s->dump_path);
	if (s->dump_error) {
		fputs(": not written (", o);
		html_escape(o, s->dump_error);
		fputs("): the file is cut or empty", o);
	} else {
		fprintf(o, ": %llu frames of findings written; %llu of another "
			"link type left out", (unsigned long long)s->dumped,
			(unsigned long long)s->dump_skipped);
	}
	fputs("</td></tr>\n", o);
}

/* The capture's time range, the inputs, the sensor, and what produced
   the page: the run's id, the versions, the catalogue and every input
   file with its SHA-256, the command line (runinfo.h). */
static void html_meta(FILE *o, const struct html_page *p)
{
	const struct run_stats *s = p->s;
	const struct run_info *ri = p->run;
	char t1[TIME_STR_MAX], t2[TIME_STR_MAX], b[16], line[512];
	size_t i;

	fputs("<table class=\"meta\">\n", o);
	if (s->any_packet) {
		fmt_time(s->first_packet_us, t1);
		fmt_time(s->last_packet_us, t2);
		snprintf(line, sizeof(line), "%s to %s (%.1f s)", t1, t2,
			 (double)(s->last_packet_us - s->first_packet_us) / 1e6);
		meta_row(o, "Packets", line);
	} else {
		meta_row(o, "Packets", "none");
	}
	if (s->live) {
		fmt_time(s->live->started_us, t1);
		fmt_time(s->live->now_us, t2);
		fputs("<tr><th>Captured on</th><td>", o);
		html_escape(o, s->live->iface);
		fprintf(o, ", %s to %s</td></tr>\n", t1, t2);
	}
	for (i = 0; i < s->n_files; i++) {
		fmt_bytes(s->files[i].bytes, b);
		fputs("<tr><th>Input</th><td>", o);
		html_escape(o, s->files[i].name);
		fprintf(o, ": %llu packets, %s, %s",
			(unsigned long long)s->files[i].packets, b,
			file_state_name(s->files[i].state));
		/* What damaged it, as the text and the summaries say. */
		if (s->files[i].error[0]) {
			fputs(" (", o);
			html_escape(o, s->files[i].error);
			fputc(')', o);
		}
		if (s->files[i].drops.not_known)
			fputs(", losses not known, as the file records", o);
		else if (file_drops_said(&s->files[i].drops))
			fprintf(o, ", %llu dropped, as the file records",
				(unsigned long long)s->files[i].drops.dropped);
		fputs("</td></tr>\n", o);
	}
	html_evidence(o, s);
	/* One worker says nothing, as in the text and the summaries. */
	if (s->threads > 1)
		fprintf(o, "<tr><th>Flow workers</th><td>%u behind one reader"
			"</td></tr>\n", s->threads);
	if (!ri) {
		fputs("</table>\n", o);
		return;
	}
	meta_row(o, "Sensor", ri->sensor ? ri->sensor : "");
	meta_row(o, "Run", ri->run_id);
	snprintf(line, sizeof(line), "impwatch %s, nDPI %s%s, %s",
		 ri->version ? ri->version : "?",
		 ri->ndpi_version ? ri->ndpi_version : "?",
		 p->dpi ? "" : " (off: --no-dpi)",
		 ri->pcap_version ? ri->pcap_version : "libpcap ?");
	meta_row(o, "Produced by", line);
	if (!(ri->n_inputs && strcmp(ri->inputs[0].kind, "rules") == 0)) {
		fputs("<tr><th>Catalogue</th><td>built in, SHA-256 <code>", o);
		html_escape(o, ri->catalogue_sha256[0] ? ri->catalogue_sha256 :
			    "unavailable");
		fprintf(o, "</code> (%zu rows in force)</td></tr>\n",
			catalogue_count(p->cat));
	}
	for (i = 0; i < ri->n_inputs; i++) {
		const struct run_input *in = &ri->inputs[i];

		fputs("<tr><th>", o);
		html_escape(o, strcmp(in->kind, "rules") == 0 ? "Catalogue" :
			    strcmp(in->kind, "hosts") == 0 ? "Inventory" :
			    strcmp(in->kind, "waivers") == 0 ? "Waivers" :
			    "Rules added");
		fputs("</th><td>", o);
		html_escape(o, in->path);
		fputs(", SHA-256 <code>", o);
		html_escape(o, in->sha256[0] ? in->sha256 : "unavailable");
		fputs("</code></td></tr>\n", o);
	}
	if (!p->hosts)
		meta_row(o, "Inventory", "none (--hosts): hosts are addresses");
	meta_row(o, "Command", ri->command_line ? ri->command_line : "");
	fputs("</table>\n", o);
}

/* The picture, with what it leaves out. */
static void html_graph(FILE *o, const struct html_page *p)
{
	const struct graph_info *gi = p->gi;
	struct talk_totals tt;
	char b[16];

	fputs("<h2>Who talks to whom</h2>\n", o);
	if (!p->svg) {
		fputs("<p class=\"note\">The picture could not be laid out "
		      "(Graphviz's dot layout or SVG renderer is missing).</p>\n", o);
		return;
	}
	fputs("<p class=\"note\">Arrows go from client to server; red: findings; "
	      "width: bytes.", o);
	if (gi && gi->hosts > gi->hosts_drawn)
		fprintf(o, " %zu hosts: the %zu with findings and the most bytes "
			"are drawn, the other %zu are one node.", gi->hosts,
			gi->hosts_drawn, gi->hosts - gi->hosts_drawn);
	if (gi && gi->edges > gi->edges_drawn) {
		fmt_bytes(gi->hidden_bytes, b);
		fprintf(o, " %zu of %zu edges are drawn (findings first, then the "
			"most bytes): %llu flows (%s) are not.", gi->edges_drawn,
			gi->edges, (unsigned long long)gi->hidden_flows, b);
	}
	talk_totals(p->talk, &tt);
	if (tt.lost_flows) {
		fmt_bytes(tt.lost_bytes, b);
		fprintf(o, " %llu flows (%s) past the first %u client, server and "
			"verdict triples are counted, not drawn.",
			(unsigned long long)tt.lost_flows, b, TALK_MAX_PAIRS);
	}
	fputs("</p>\n<div class=\"graph\" id=\"graph\">\n", o);
	fputs(p->svg, o);
	fputs("</div>\n", o);
}

/* "tcp/5061". */
static void port_str(uint8_t proto, uint16_t port, char buf[16])
{
	char tr[8];

	explain_transport(tr, proto);
	if (port)
		snprintf(buf, 16, "%s/%u", tr, port);
	else
		snprintf(buf, 16, "%s", tr);
}

/* A finding's largest flows, with why each is one. */
static void html_top(FILE *o, const struct html_page *p, enum verdict v)
{
	static const char *const cols[] = {
		"Client", "Client roles", "Server", "Server roles", "Port",
		"Application", "Packets", "Bytes", "First seen", "Why"
	};
	const struct flow_record **top;
	char lbl[COV_LABEL], roles[512], port[16], t[TIME_STR_MAX];
	char why[REASON_MAX];
	unsigned n, i;

	top = tally_sorted_top(p->tally, v, &n);
	if (!top || !n) {
		free(top);
		return;
	}
	/* What --top left out, as the text's "... and N more". */
	if (tally_flows(p->tally, v) > n)
		fprintf(o, "<p>Largest flows (%u of %llu, --top %u):</p>\n", n,
			(unsigned long long)tally_flows(p->tally, v), p->top);
	else
		fprintf(o, "<p>Largest flows (%u):</p>\n", n);
	thead(o, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < n; i++) {
		const struct flow_record *f = top[i];

		fputs("<tr class=\"finding\">", o);
		coverage_label(&f->client_host, rec_client_ip(f),
			       f->key.family, lbl);
		if (f->key.pa || f->key.pb) {
			/* COV_LABEL holds ENDPOINT_STR_MAX and a name. */
			fmt_endpoint(rec_client_ip(f), f->key.family,
				     rec_client_port(f), lbl);
			if (f->client_host.name[0]) {
				size_t l = strlen(lbl);

				snprintf(lbl + l, sizeof(lbl) - l, " (%s)",
					 f->client_host.name);
			}
		}
		td(o, lbl);
		explain_roles(f->client_host.roles, roles, sizeof(roles));
		td(o, roles);
		coverage_label(&f->server_host, rec_server_ip(f),
			       f->key.family, lbl);
		td(o, lbl);
		explain_roles(f->server_host.roles, roles, sizeof(roles));
		td(o, roles);
		port_str(f->key.proto, rec_server_port(f), port);
		td(o, port);
		td(o, rec_app(f) ? rec_app(f) : "-");
		td_n(o, rec_packets(f));
		td_n(o, rec_bytes(f));
		fmt_time(f->first_us, t);
		td(o, t);
		explain_reason(p->cat, f, why);
		td(o, why);
		fputs("</tr>\n", o);
	}
	fputs("</tbody></table>\n", o);
	free(top);
}

/* The rows past --top of a table of ports, summed in one row (a port
   scan, or a row whose port the site chooses, makes a row per port). */
struct more {
	uint64_t rows, flows, pkts, bytes;
};

/* Whether row a is past the --top shown: then summed in m. */
static bool more_past_top(struct more *m, size_t *shown, unsigned top,
			  const struct agg *a)
{
	if ((*shown)++ < top)
		return false;
	m->rows++;
	m->flows += a->flows;
	m->pkts += a->pkts;
	m->bytes += a->bytes;
	return true;
}

/* Its flows, packets and bytes: three cells. */
static void more_cells(FILE *o, const struct more *m)
{
	td_n(o, m->flows);
	td_n(o, m->pkts);
	td_n(o, m->bytes);
}

/* A finding's sessions and unanswered attempts, as the text's heading
   says them; then its ports that saw only attempts, one row (a scan's
   SYNs), as the text's "attempts only" line. */
static void html_attempts_note(FILE *o, const struct html_page *p,
			       enum verdict v)
{
	uint64_t nf = tally_flows(p->tally, v), att = tally_attempts(p->tally, v);

	if (att)
		fprintf(o, "<p>%llu session%s, %llu unanswered attempt%s "
			"(TCP connections never answered).</p>\n",
			(unsigned long long)(nf - att), PLURAL(nf - att),
			(unsigned long long)att, PLURAL(att));
}

static void html_attempts_row(FILE *o, const struct agg *a, size_t n,
			      enum verdict v)
{
	struct attempts_only ao;
	char said[ATTEMPTS_SAID_MAX];
	struct more m;

	tally_attempts_only(a, n, v, &ao);
	if (!ao.ports)
		return;
	tally_attempts_said(&ao, said, sizeof(said));
	fprintf(o, "<tr class=\"finding\" id=\"attempts-%s\"><td data-v=\"\">"
		"attempts only</td>", verdict_name(v));
	td(o, said);
	memset(&m, 0, sizeof(m));
	m.flows = ao.flows;
	m.pkts = ao.pkts;
	m.bytes = ao.bytes;
	more_cells(o, &m);
	fputs("</tr>\n", o);
}

/* Each finding: its ports and services, then its largest flows. */
static void html_findings(FILE *o, const struct html_page *p,
			  const struct agg *a, size_t n)
{
	static const char *const cols[] = {
		"Transport", "Service", "Flows", "Packets", "Bytes"
	};
	struct more more;
	char port[16];
	size_t i, shown;
	int v, any = 0;

	fputs("<h2>Findings</h2>\n", o);
	for (v = 0; v < V_COUNT; v++) {
		uint64_t nf = tally_flows(p->tally, (enum verdict)v);
		const char *title = verdict_title((enum verdict)v);

		if (!verdict_is_finding((enum verdict)v) || !nf)
			continue;
		any = 1;
		fprintf(o, "<h3 class=\"finding\" id=\"finding-%s\">", verdict_name((enum verdict)v));
		html_escape(o, title ? title : verdict_name((enum verdict)v));
		fprintf(o, ": %llu flow%s</h3>\n", (unsigned long long)nf,
			PLURAL(nf));
		html_attempts_note(o, p, (enum verdict)v);
		thead(o, cols, sizeof(cols) / sizeof(cols[0]));
		shown = 0;
		memset(&more, 0, sizeof(more));
		for (i = 0; i < n; i++) {
			const struct cat_row *row;

			/* Ports that only saw attempts are one row below. */
			if (a[i].verdict != v || agg_attempts_only(&a[i]))
				continue;
			/* The largest --top are listed. */
			if (more_past_top(&more, &shown, p->top, &a[i]))
				continue;
			row = a[i].row ? catalogue_row(p->cat, a[i].row - 1u) : NULL;
			port_str(a[i].proto, a[i].port, port);
			fputs("<tr class=\"finding\">", o);
			td(o, port);
			td(o, row ? row->service : "-");
			td_n(o, a[i].flows);
			td_n(o, a[i].pkts);
			td_n(o, a[i].bytes);
			fputs("</tr>\n", o);
		}
		if (more.rows) {
			fprintf(o, "<tr class=\"finding\"><td data-v=\"\">%llu more "
				"(--top %u)</td><td>-</td>", (unsigned long long)more.rows,
				p->top);
			more_cells(o, &more);
			fputs("</tr>\n", o);
		}
		html_attempts_row(o, a, n, (enum verdict)v);
		fputs("</tbody></table>\n", o);
		html_top(o, p, (enum verdict)v);
	}
	if (!any)
		fputs("<p>No flow is a finding.</p>\n", o);
	/* Replies short of a tunnel too: how close the flows came. */
	if (p->s->work.echo_unmatched) {
		char why[REASON_MAX];

		explain_echo_unmatched(p->s->work.echo_unmatched, why);
		fputs("<p class=\"note\" id=\"echo-unmatched\">Unmatched: ", o);
		html_escape(o, why);
		fputs(".</p>\n", o);
	}
}

/* The DSCP values a row's flows were marked with (their first packet
   each way), and how many saw theirs change: a cell. */
static void html_dscp(FILE *o, const struct html_page *p, uint16_t row)
{
	uint64_t changed, seen = tally_row_dscp(p->tally, row - 1u, &changed);
	unsigned d, k = 0;
	const char *name;
	char b[8];

	fputs("<td>", o);
	for (d = 0; d < 64; d++) {
		if (!(seen & (UINT64_C(1) << d)))
			continue;
		name = explain_dscp(d, b);
		if (name)
			fprintf(o, "%s%s (%u)", k++ ? ", " : "", name, d);
		else
			fprintf(o, "%s%u", k++ ? ", " : "", d);
	}
	if (!k)
		fputs("-", o);
	if (changed)
		fprintf(o, "; changed during %llu flow%s", (unsigned long long)changed,
			PLURAL(changed));
	fputs("</td>", o);
}

/* The documented services, with their applications and DSCP. */
static void html_services(FILE *o, const struct html_page *p,
			  const struct agg *a, size_t n,
			  struct app_agg *const *apps, size_t n_apps)
{
	static const char *const cols[] = {
		"Table", "Service", "Protocol", "Transport", "Flows", "Packets",
		"Bytes", "Applications", "DSCP"
	};
	struct more more = { 0 };
	char port[16];
	size_t i, k, first, j, shown = 0;

	fputs("<h2>Documented services</h2>\n", o);
	if (!tally_flows(p->tally, V_DOCUMENTED)) {
		fputs("<p>None.</p>\n", o);
		return;
	}
	thead(o, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < n; i++) {
		const struct cat_row *row;

		if (a[i].verdict != V_DOCUMENTED || !a[i].row)
			continue;
		/* The first --top are listed, as the text lists them. */
		if (more_past_top(&more, &shown, p->top, &a[i]))
			continue;
		row = catalogue_row(p->cat, a[i].row - 1u);
		fputs("<tr>", o);
		td_table(o, row);
		td(o, row->service);
		td(o, row->protocol);
		port_str(a[i].proto, a[i].port, port);
		td(o, port);
		td_n(o, a[i].flows);
		td_n(o, a[i].pkts);
		td_n(o, a[i].bytes);
		fputs("<td>", o);
		k = p->dpi && apps ? tally_apps_of(apps, n_apps, &a[i], &first) : 0;
		for (j = 0; j < k; j++) {
			const struct app_agg *x = apps[first + j];
			const char *name = tally_app_name(p->tally, x);

			fputs(j ? ", " : "", o);
			html_escape(o, name ? name : "unknown");
			fprintf(o, "%s %llu", x->src == APP_SRC_GUESS ? " (guess)" : "",
				(unsigned long long)x->flows);
		}
		fputs(k ? "</td>" : "-</td>", o);
		html_dscp(o, p, a[i].row);
		fputs("</tr>\n", o);
	}
	if (more.rows) {
		fprintf(o, "<tr><td data-v=\"\">%llu more (--top %u)</td>"
			"<td>-</td><td>-</td><td>-</td>",
			(unsigned long long)more.rows, p->top);
		more_cells(o, &more);
		fputs("<td>-</td><td>-</td></tr>\n", o);
	}
	fputs("</tbody></table>\n", o);
}

/* A pair of hosts and the catalogue rows their flows exercised. */
struct pair_rows {
	const char *client, *server;
	unsigned rows;
};

static int pair_rows_cmp(const void *x, const void *y)
{
	const struct pair_rows *a = x, *b = y;
	int c;

	if (a->rows != b->rows)
		return a->rows > b->rows ? -1 : 1;
	if ((c = strcmp(a->client, b->client)) != 0)
		return c;
	return strcmp(a->server, b->server);
}

/* Per pair of hosts (inventory names): how many rows its flows
   exercised, as bars against the pair with the most. */
static void html_pairs(FILE *o, const struct html_page *p)
{
	const struct coverage *c = tally_coverage(p->tally);
	size_t i, k, n = catalogue_count(p->cat), np = 0;
	struct pair_rows *v = calloc(n * COV_PAIRS + 1, sizeof(*v));
	unsigned max = 1;
	uint8_t j;

	if (!v)
		return;
	for (i = 0; i < n; i++) {
		const struct cov_row *cr = coverage_row(c, i);

		for (j = 0; j < cr->npairs; j++) {
			const struct cov_pair *cp = &cr->pair[j];

			for (k = 0; k < np && (strcmp(v[k].client, cp->client) != 0 ||
					       strcmp(v[k].server, cp->server) != 0); k++)
				;
			if (k == np) {
				v[np].client = cp->client;
				v[np++].server = cp->server;
			}
			v[k].rows++;
			if (v[k].rows > max)
				max = v[k].rows;
		}
	}
	qsort(v, np, sizeof(*v), pair_rows_cmp);
	fputs("<h3>Rows seen, per pair of hosts</h3>\n<table class=\"sort\" "
	      "id=\"pairs\"><thead><tr><th>Client</th><th>Server</th><th>Rows "
	      "seen</th><th></th></tr></thead><tbody>\n", o);
	for (k = 0; k < np && k < p->top; k++) {
		fputs("<tr>", o);
		td(o, v[k].client);
		td(o, v[k].server);
		td_n(o, v[k].rows);
		fprintf(o, "<td data-v=\"%u\"><span class=\"bar\"><span style=\""
			"width:%u%%\"></span></span></td>", v[k].rows,
			v[k].rows * 100 / max);
		fputs("</tr>\n", o);
	}
	if (np > p->top)
		fprintf(o, "<tr><td data-v=\"\">%zu more pairs (--top %u)</td>"
			"<td></td><td></td><td></td></tr>\n",
			np - p->top, p->top);
	fputs("</tbody></table>\n", o);
	free(v);
}

/* Rows seen and never seen per table, as bars; with an inventory, the
   host pairs of each row seen. */
static void html_coverage(FILE *o, const struct html_page *p)
{
	static const char *const cols[] = {
		"Table", "Service", "Client", "Server", "Flows"
	};
	const struct coverage *c = tally_coverage(p->tally);
	size_t i, j, n = catalogue_count(p->cat);
	unsigned total[256] = { 0 }, seen[256] = { 0 }, t;
	uint8_t k;

	fprintf(o, "<h2>Coverage</h2>\n<p>%zu of %zu catalogue rows exercised.</p>\n",
		coverage_exercised(c), n);
	for (i = 0; i < n; i++) {
		t = cov_group(catalogue_row(p->cat, i));
		total[t]++;
		if (coverage_row(c, i)->flows)
			seen[t]++;
	}
	fputs("<table class=\"sort\" id=\"coverage\"><thead><tr><th>Table</th>"
	      "<th>Rows seen</th><th>Never seen</th><th></th><th>Services never "
	      "seen</th></tr></thead><tbody>\n", o);
	for (t = 0; t < 256; t++) {
		if (!total[t])
			continue;
		fputs("<tr>", o);
		if (t)
			td_n(o, t);
		else
			fputs("<td data-v=\"0\">site rows</td>", o);
		td_n(o, seen[t]);
		td_n(o, total[t] - seen[t]);
		fprintf(o, "<td data-v=\"%u\"><span class=\"bar\" title=\"%u of %u\">"
			"<span style=\"width:%u%%\"></span></span></td><td>",
			seen[t] * 100 / total[t], seen[t], total[t],
			seen[t] * 100 / total[t]);
		for (i = 0, j = 0; i < n; i++) {
			const struct cat_row *row = catalogue_row(p->cat, i);

			if (cov_group(row) != t || coverage_row(c, i)->flows ||
			    coverage_unseen_named_before(c, i))
				continue;
			fputs(j++ ? ", " : "", o);
			html_escape(o, row->service);
		}
		fputs("</td></tr>\n", o);
	}
	fputs("</tbody></table>\n", o);
	if (!p->hosts)
		return;
	html_pairs(o, p);
	fputs("<h3>Each row seen, and its pairs of hosts</h3>\n", o);
	thead(o, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < n; i++) {
		const struct cat_row *row = catalogue_row(p->cat, i);
		const struct cov_row *cr = coverage_row(c, i);

		for (k = 0; k < cr->npairs; k++) {
			fputs("<tr>", o);
			td_table(o, row);
			td(o, row->service);
			td(o, cr->pair[k].client);
			td(o, cr->pair[k].server);
			td_n(o, cr->pair[k].flows);
			fputs("</tr>\n", o);
		}
		if (cr->more_pairs) {
			fputs("<tr>", o);
			td_table(o, row);
			td(o, row->service);
			td(o, "other pairs");
			td(o, "");
			td_n(o, cr->more_pairs);
			fputs("</tr>\n", o);
		}
	}
	fputs("</tbody></table>\n", o);
}

/* The waivers, as the text's Waivers section: each one's line, ticket,
   last day, what it waives, the finding flows it matched and its
   state; and the flows waived. */
static void html_waivers(FILE *o, const struct run_stats *s)
{
	static const char *const cols[] = { "Line", "Ticket", "Until", "Waives",
					     "Flows", "State" };
	size_t i, n = waivers_count(s->waivers);

	if (!s->waivers)
		return;
	fprintf(o, "<h2>Waivers</h2>\n<p>%llu finding flow%s waived (they do "
		"not fail --validate).</p>\n", (unsigned long long)s->waived,
		PLURAL(s->waived));
	thead(o, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < n; i++) {
		const struct waiver *v = waivers_get(s->waivers, i);

		fputs("<tr>", o);
		td_n(o, v->line);
		td(o, v->ticket);
		td(o, v->until);
		td(o, v->what);
		td_n(o, v->flows);
		td(o, waiver_state(s->waivers, v));
		fputs("</tr>\n", o);
	}
	fputs("</tbody></table>\n", o);
}

/* The tunnel carriers, as the text's section: the endpoints declared,
   then each carrier (at most --top), its ends, packets, flows and
   whether it is trusted, which decided its flows' verdict. */
static void html_carriers(FILE *o, const struct html_page *p)
{
	static const char *const cols[] = { "Carrier", "From", "To", "Packets",
					     "Flows", "Trust" };
	const struct run_stats *s = p->s;
	const struct carrier **v;
	char a[IP_STR_MAX], b[IP_STR_MAX], net[IP_STR_MAX + 8], k[48];
	size_t n, i;

	if (!run_has_tunnels(s))
		return;
	fprintf(o, "<h2>Tunnel carriers: %zu</h2>\n<p>Endpoints declared:",
		carriers_count(s->carriers));
	for (i = 0; i < trust_count(s->trust); i++) {
		trust_str(s->trust, i, net, sizeof(net));
		fputc(' ', o);
		html_escape(o, net);
	}
	if (trust_count(s->trust))
		fputs(" (--trust-tunnel)", o);
	if (trust_inventory_declares(s->trust))
		fputs(" the inventory's tunnel-endpoint hosts", o);
	if (!trust_declared(s->trust))
		fputs(" none (ERSPAN is trusted, every other carrier is not)", o);
	fputs(".</p>\n", o);
	thead(o, cols, sizeof(cols) / sizeof(cols[0]));
	v = carriers_sorted(s->carriers, &n);
	for (i = 0; v && i < n && i < p->top; i++) {
		const struct carrier *e = v[i];
		const char *kind = tunnel_name((enum tunnel_kind)e->kind);

		if (e->has_id)
			snprintf(k, sizeof(k), "%s %s %u", kind ? kind : "tunnel",
				 tunnel_is_erspan((enum tunnel_kind)e->kind) ?
				 "session" : "VNI", (unsigned)e->id);
		else
			snprintf(k, sizeof(k), "%s", kind ? kind : "tunnel");
		fmt_ip(&e->src, e->family, a);
		fmt_ip(&e->dst, e->family, b);
		fputs("<tr>", o);
		td(o, k);
		td(o, a);
		td(o, b);
		td_n(o, e->packets);
		td_n(o, e->flows);
		td(o, e->trusted ? "trusted" : "untrusted");
		fputs("</tr>\n", o);
	}
	if (v && n > i)
		fprintf(o, "<tr><td data-v=\"\">%zu more carriers (--top %u)</td>"
			"<td></td><td></td><td></td><td></td><td></td></tr>\n",
			n - i, p->top);
	free(v);
	fputs("</tbody></table>\n", o);
	if (carriers_unlisted_packets(s->carriers))
		fprintf(o, "<p class=\"note\">Past the %d listed: %llu packets "
			"(judged all the same).</p>\n", MAX_CARRIERS,
			(unsigned long long)carriers_unlisted_packets(s->carriers));
}

/* Capture health: mirroring, duplicates, drops, decode errors, DPI left
   undone; and why the run is inconclusive. */
static void html_health(FILE *o, const struct html_page *p)
{
	const struct run_stats *s = p->s;
	const struct gate *g = s->gate_validate ? s->gate_validate : s->gate;
	uint64_t judged, one_way, errs = 0, dropped;
	bool known;
	char pct[16];
	int e, r;

	tally_one_way(p->tally, &judged, &one_way);
	fprintf(o, "<h2>Capture health: <span class=\"%s\">%s</span></h2>\n",
		s->health_poor ? "poor" : "ok", s->health_poor ? "POOR" : "ok");
	fputs("<table class=\"meta\">\n", o);
	fprintf(o, "<tr><th>Packets</th><td>%llu (%llu bytes), %llu flows</td></tr>\n",
		(unsigned long long)s->work.packets, (unsigned long long)s->work.bytes,
		(unsigned long long)s->work.flows.created);
	fprintf(o, "<tr><th>One-way TCP flows</th><td>%llu of %llu judged "
		"(threshold %u%%)</td></tr>\n", (unsigned long long)one_way,
		(unsigned long long)judged, s->health_one_way_pct);
	fprintf(o, "<tr><th>Duplicate frames</th><td>%llu of %llu (threshold "
		"%u%%)</td></tr>\n", (unsigned long long)s->work.dup_frames,
		(unsigned long long)s->work.dup_checked, s->health_dup_pct);
	if (s->live) {
		fmt_milli_pct(s->health_drops_milli, pct);
		fprintf(o, "<tr><th>Dropped</th><td>%llu by the kernel, %llu by the "
			"interface (threshold %s%%)</td></tr>\n",
			(unsigned long long)s->live->dropped,
			(unsigned long long)s->live->ifdropped, pct);
		fprintf(o, "<tr><th>Interface down</th><td>%llu time%s (%.1f s)"
			"</td></tr>\n", (unsigned long long)s->live->went_down,
			PLURAL(s->live->went_down),
			(double)s->live->down_us / 1e6);
	} else if (run_file_drops(s, &dropped, &known)) {
		fmt_milli_pct(s->health_drops_milli, pct);
		fputs("<tr><th>Dropped</th><td>", o);
		if (known)
			fprintf(o, "%llu recorded",
				(unsigned long long)dropped);
		else
			fputs("not known, as recorded", o);
		fprintf(o, " by the capture file%s (threshold %s%%)"
			"</td></tr>\n", PLURAL(s->n_files), pct);
	}
	if (s->live && s->live->end_not_read) {
		fputs("<tr><th>End not read</th><td>", o);
		html_escape(o, s->live->end_not_read);
		fprintf(o, ": %llu frames read in the %u ms after the stop, the "
			"rest neither read nor counted as dropped</td></tr>\n",
			(unsigned long long)s->live->end_read,
			(unsigned)LIVE_DRAIN_MS);
	}
	if (s->work.dpi)
		fprintf(o, "<tr><th>Not inspected by nDPI</th><td>%llu</td></tr>\n",
			(unsigned long long)(s->work.dpi_st.over_cap +
					     s->work.dpi_st.no_state));
	for (e = 0; e < DERR_COUNT; e++)
		errs += s->work.decode_err[e];
	fprintf(o, "<tr><th>Decode errors</th><td>%llu", (unsigned long long)errs);
	for (e = 0; e < DERR_COUNT; e++) {
		if (!s->work.decode_err[e])
			continue;
		fprintf(o, "<br>%llu ", (unsigned long long)s->work.decode_err[e]);
		html_escape(o, decode_err_name((enum decode_err)e));
		fputs(": ", o);
		html_escape(o, decode_err_desc((enum decode_err)e));
	}
	fputs("</td></tr>\n", o);
	if (s->health_poor) {
		fputs("<tr><th>Why poor</th><td>", o);
		html_escape(o, s->health_why);
		fputs("</td></tr>\n", o);
	}
	fputs("</table>\n", o);
	if (!g || !gate_any(g))
		return;
	fputs("<h3>Inconclusive</h3>\n<ul>\n", o);
	for (r = 0; r < GR_COUNT; r++) {
		if (!gate_has(g, (enum gate_reason)r))
			continue;
		fputs("<li><b>", o);
		html_escape(o, gate_reason_key((enum gate_reason)r));
		fputs("</b>: ", o);
		html_escape(o, g->why[r]);
		fputs("</li>\n", o);
	}
	fputs("</ul>\n", o);
}

int html_write(FILE *o, const struct html_page *p)
{
	uint8_t d[DIGEST_SHA256_LEN];
	char hash[48];
	struct agg *a;
	struct app_agg **apps;
	size_t n, n_apps;

	/* The policy: nothing from anywhere; the style inline; the script
	   only by its hash. */
	if (digest_sha256(sort_js, sizeof(sort_js) - 1, d) != 0)
		return -1;
	base64(d, sizeof(d), hash);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", o);
	fprintf(o, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
		"'none'; style-src 'unsafe-inline'; script-src 'sha256-%s'\">\n", hash);
	fputs("<meta name=\"viewport\" content=\"width=device-width\">\n"
	      "<title>impwatch report</title>\n<style>", o);
	fputs(style_css, o);
	fputs("</style>\n</head>\n<body>\n<h1>impwatch report</h1>\n", o);
	html_verdict(o, p);
	html_errors(o, p->s);
	html_meta(o, p);
	html_graph(o, p);
	a = tally_sorted_aggs(p->tally, &n);
	apps = tally_sorted_apps(p->tally, &n_apps);
	html_findings(o, p, a, a ? n : 0);
	html_services(o, p, a, a ? n : 0, apps, apps ? n_apps : 0);
	free(apps);
	free(a);
	html_carriers(o, p);
	html_waivers(o, p->s);
	html_coverage(o, p);
	html_health(o, p);
	fputs("<p class=\"note\">No payload byte is in this page.</p>\n<script>", o);
	fputs(sort_js, o);
	fputs("</script>\n</body>\n</html>\n", o);
	return ferror(o) ? -1 : 0;
}
