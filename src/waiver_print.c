/*
 * waiver_print.c: what the writers say of waivers (waiver.h).
 */
#include "waiver.h"

#include "jsonw.h"
#include "util.h"

const char *waiver_state(const struct waivers *ws, const struct waiver *w)
{
	if (waiver_expired(ws, w))
		return "expired";
	return w->flows ? "in-force" : "unused";
}

void waiver_json_record(struct jw *w, const struct flow_record *r)
{
	if (!r->waiver)
		return;
	jw_obj(w, "waiver");
	jw_str(w, "ticket", r->waiver->ticket);
	jw_str_plain(w, "until", r->waiver->until);
	jw_u64(w, "line", r->waiver->line);
	/* False when a finding of the flow is left that it does not cover. */
	jw_bool(w, "waived", r->waived != 0);
	jw_obj_end(w);
}

void waivers_json_summary(struct jw *w, const struct waivers *ws,
			  uint64_t waived)
{
	size_t i, n = waivers_count(ws);

	if (!ws)
		return;
	jw_u64(w, "waived", waived);
	jw_arr(w, "waivers");
	for (i = 0; i < n; i++) {
		const struct waiver *v = waivers_get(ws, i);

		jw_obj(w, NULL);
		jw_u64(w, "line", v->line);
		jw_str(w, "what", v->what);
		jw_str_plain(w, "until", v->until);
		jw_str(w, "ticket", v->ticket);
		jw_u64(w, "flows", v->flows);
		jw_str_plain(w, "state", waiver_state(ws, v));
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void waivers_text_summary(FILE *o, const struct waivers *ws, uint64_t waived)
{
	size_t i, n = waivers_count(ws);

	if (!ws)
		return;
	fprintf(o, "\nWaivers: %zu; %llu finding flow%s waived (they do not "
		"fail --validate)\n", n, (unsigned long long)waived,
		PLURAL(waived));
	for (i = 0; i < n; i++) {
		const struct waiver *v = waivers_get(ws, i);

		fprintf(o, "  line %-4u %-14s until %s  %-36s %llu flow%s%s\n",
			(unsigned)v->line, v->ticket, v->until, v->what,
			(unsigned long long)v->flows, PLURAL(v->flows),
			waiver_expired(ws, v) ? ", EXPIRED: waives nothing" :
			v->flows ? "" : ", matched nothing");
	}
}
