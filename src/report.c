/*
 * report.c: one report, in the format asked for. Every ended flow is
 * counted in the tally whatever the format; the format's writer, chosen
 * here from the table of writers, writes what it writes of it.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "carrier.h"
#include "trust.h"

static const struct {
	const char *name;
	const struct report_writer *w;
} formats[FMT_COUNT] = {
#define REPORT_FORMAT_ROW(id, name, writer) [id] = { name, &writer },
	REPORT_FORMATS(REPORT_FORMAT_ROW)
#undef REPORT_FORMAT_ROW
};

bool report_format_parse(const char *name, enum report_format *fmt)
{
	int i;

	for (i = 0; i < FMT_COUNT; i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*fmt = (enum report_format)i;
			return true;
		}
	}
	return false;
}

bool report_format_community_id(enum report_format fmt)
{
	return (unsigned)fmt < FMT_COUNT && formats[fmt].w->community_id;
}

struct report *report_new(enum report_format fmt, FILE *out,
			  const struct catalogue *cat, const struct hosts *hosts,
			  bool dpi, unsigned top)
{
	struct report *r;

	static const struct run_info none = { .sensor = "" };

	if ((unsigned)fmt >= FMT_COUNT || !(r = calloc(1, sizeof(*r))))
		return NULL;
	r->w = formats[fmt].w;
	r->run = &none;
	r->out = out;
	r->cat = cat;
	r->dpi = dpi;
	r->hosts = hosts;
	r->top = top;
	jw_init(&r->jw, out);
	time_cache_init(&r->tc);
	r->tally = tally_new(cat, hosts, top);
	if (!r->tally) {
		report_free(r);
		return NULL;
	}
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	tally_free(r->tally);
	jw_free(&r->jw);
	free(r->json_run.s);
	if (r->json_row) {
		size_t i, n = 2 * catalogue_count(r->cat);

		for (i = 0; i < n; i++)
			free(r->json_row[i].s);
		free(r->json_row);
	}
	free(r);
}

void report_set_run(struct report *r, const struct run_info *run)
{
	r->run = run;
	free(r->json_run.s);
	r->json_run.s = NULL;
	if (r->w == &report_json_writer)
		r->json_run = report_json_run(run);
}

void report_one_way(const struct report *r, uint64_t *judged, uint64_t *one_way)
{
	tally_one_way(r->tally, judged, one_way);
}

void report_flow(struct report *r, const struct flow_record *f)
{
	tally_add(r->tally, f);
	if (r->w->flow)
		r->w->flow(r, f);
}

void report_live_counts(struct jw *w, const struct live_stats *live)
{
	if (!live)
		return;
	jw_u64(w, "pcap_received", live->received);
	jw_u64(w, "pcap_dropped", live->dropped);
	jw_u64(w, "pcap_ifdropped", live->ifdropped);
	jw_bool(w, "interface_down", live->down);
}

bool run_has_tunnels(const struct run_stats *s)
{
	const struct carriers *c = s->carriers;

	return c && s->trust && (carriers_count(c) || carriers_unlisted_packets(c) ||
				 trust_declared(s->trust));
}

void report_out_errors(struct jw *w, const struct run_stats *s,
		       bool always, bool names)
{
	size_t i;

	if (!always && !s->n_out_errors)
		return;
	jw_arr(w, "outputs_not_written");
	for (i = 0; i < s->n_out_errors; i++) {
		jw_obj(w, NULL);
		jw_str_plain(w, "output", s->out_errors[i].what);
		if (names) {
			jw_str(w, "file", s->out_errors[i].path);
			jw_str(w, "error", s->out_errors[i].why);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Count v; when the file says it does not know it, null or nothing. */
static void drops_count(struct jw *w, const char *key,
			const struct file_drops *d, unsigned bit, uint64_t v,
			bool null_unknown)
{
	if (!(d->not_known & bit))
		jw_u64(w, key, v);
	else if (null_unknown)
		jw_null(w, key);
}

void report_file_drops(struct jw *w, const struct file_drops *d,
		       bool null_unknown)
{
	const unsigned any = FD_IFDROP | FD_OSDROP | FD_BETWEEN;

	if (d->read != DROPS_READ)
		return;
	jw_obj(w, "recorded_drops");
	drops_count(w, "dropped", d, any, d->dropped, null_unknown);
	drops_count(w, "ifdrop", d, FD_IFDROP, d->ifdrop, null_unknown);
	drops_count(w, "osdrop", d, FD_OSDROP, d->osdrop, null_unknown);
	drops_count(w, "between_packets", d, FD_BETWEEN, d->between,
		    null_unknown);
	jw_u64(w, "statistics_blocks", d->isbs);
	jw_u64(w, "malformed", d->malformed);
	jw_obj_end(w);
}

void report_allowed(struct jw *w, const struct catalogue *cat,
		    const struct flow_record *f,
		    void (*roles)(struct jw *w, const char *key, uint32_t mask))
{
	struct cat_hits h;
	uint16_t i;

	jw_arr(w, "allowed");
	record_rows(cat, f, &h);
	for (i = 0; i < h.n; i++) {
		const struct cat_row *row = catalogue_row(cat, h.rows[i]);

		jw_obj(w, NULL);
		jw_u64(w, "table", row->table);
		jw_str(w, "service", row->service);
		roles(w, "from", row->from_roles);
		roles(w, "to", row->to_roles);
		jw_bool(w, "bidirectional",
			row->bidir || row->sport_kind == SPORT_BIDIRECTIONAL);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

struct report *report_new_flow_writer(const struct report *r, FILE *out)
{
	struct report *fw;

	if (!r->w->flow || !(fw = calloc(1, sizeof(*fw))))
		return NULL;
	fw->w = r->w;
	fw->out = out;
	fw->cat = r->cat;
	fw->hosts = r->hosts;
	fw->run = r->run;
	fw->dpi = r->dpi;
	fw->top = r->top;
	fw->brief = r->brief;
	/* The CSV header is the report's to write, once. */
	fw->header_done = true;
	jw_init(&fw->jw, out);
	time_cache_init(&fw->tc);
	if (r->json_run.s)
		fw->json_run = report_json_run(fw->run);
	return fw;
}

void report_write_flow(struct report *fw, const struct flow_record *f)
{
	fw->w->flow(fw, f);
}

void report_flow_text(struct report *r, const struct flow_record *f,
		      const char *text, size_t len)
{
	tally_add(r->tally, f);
	/* The header of a CSV report, before its first row. */
	if (!r->header_done && r->w->header)
		r->w->header(r);
	r->header_done = true;
	if (len && r->out)
		fwrite(text, 1, len, r->out);
}

const struct tally *report_tally(const struct report *r)
{
	return r->tally;
}

uint64_t report_verdict_count(const struct report *r, enum verdict v)
{
	return tally_flows(r->tally, v);
}

bool report_has_findings(const struct report *r)
{
	int v;

	for (v = 0; v < V_COUNT; v++)
		if (verdict_is_finding((enum verdict)v) &&
		    tally_flows(r->tally, (enum verdict)v))
			return true;
	return false;
}

void report_set_output(struct report *r, FILE *out, FILE *alerts)
{
	r->out = out;
	r->alert_out = alerts;
	jw_set_out(&r->jw, out);
}

void report_set_brief(struct report *r, bool brief)
{
	r->brief = brief;
}

void report_alert(struct report *r, const struct flow_record *f)
{
	/* Each alert line reaches the file as it is written: a service
	   manager's journal or a tail sees it at once. */
	if (r->alert_out) {
		report_text_alert_line(r, f, r->alert_out);
		fflush(r->alert_out);
	}
	if (r->w->alert)
		r->w->alert(r, f);
}

void report_interim(struct report *r, const struct run_stats *s)
{
	if (r->w->interim)
		r->w->interim(r, s);
}

void report_summary(struct report *r, const struct run_stats *s)
{
	if (r->w->summary)
		r->w->summary(r, s);
}
