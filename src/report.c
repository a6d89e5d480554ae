/*
 * report.c: aggregation of ended flows, shared by every output format.
 *
 * Cost: one hash probe per ended flow (not per packet) and a heap push
 * for flows that are findings. Memory grows with distinct (verdict,
 * transport, port, row, application) keys, which a port scan bounds at a
 * few hundred thousand, and with `top` flows per finding. The per-port
 * totals are the sums of those, made once for the summary.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carrier.h"
#include "classify.h"
#include "util.h"

const char *file_state_name(enum file_state st)
{
	switch (st) {
	case FILE_UNREAD: return "unread";
	case FILE_COMPLETE: return "complete";
	case FILE_ERROR: return "error";
	case FILE_INTERRUPTED: return "interrupted";
	}
	return "?";
}

struct report *report_new(enum report_format fmt, FILE *out,
			  const struct catalogue *cat, const struct dpi *dpi,
			  unsigned top)
{
	struct report *r = calloc(1, sizeof(*r));
	int v;

	if (!r)
		return NULL;
	r->fmt = fmt;
	r->out = out;
	jw_init(&r->jw, out);
	r->cat = cat;
	r->dpi = dpi;
	r->apps_cap = 1024;
	r->apps = calloc(r->apps_cap, sizeof(*r->apps));
	if (!r->apps)
		goto fail;
	for (v = 0; v < V_COUNT; v++) {
		r->top[v].cap = top;
		if (top && !(r->top[v].f = calloc(top, sizeof(struct flow))))
			goto fail;
	}
	r->cov = coverage_new(cat, NULL);
	if (!r->cov)
		goto fail;
	return r;
fail:
	report_free(r);
	return NULL;
}

void report_free(struct report *r)
{
	int v;

	if (!r)
		return;
	for (v = 0; v < V_COUNT; v++)
		free(r->top[v].f);
	free(r->apps);
	coverage_free(r->cov);
	jw_free(&r->jw);
	free(r);
}

int report_set_hosts(struct report *r, const struct hosts *hosts)
{
	struct coverage *c = coverage_new(r->cat, hosts);

	if (!c)
		return -1;
	coverage_free(r->cov);
	r->cov = c;
	r->hosts = hosts;
	return 0;
}

void report_one_way(const struct report *r, uint64_t *judged, uint64_t *one_way)
{
	*judged = r->tcp_judged;
	*one_way = r->tcp_one_way;
}

/* A fixed mix is enough: keys are ports and protocol ids, and the table
   only holds what the summary prints. */
static size_t app_hash(const struct app_agg *k)
{
	uint64_t h = ((uint64_t)k->verdict << 56) | ((uint64_t)k->proto << 48) |
		     ((uint64_t)k->src << 40) | ((uint64_t)k->port << 16) | k->row;

	h ^= ((uint64_t)k->master << 32 | k->app) * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (size_t)h;
}

static bool app_same(const struct app_agg *a, const struct app_agg *k)
{
	return a->verdict == k->verdict && a->proto == k->proto &&
	       a->src == k->src && a->port == k->port && a->row == k->row &&
	       a->master == k->master && a->app == k->app;
}

static struct app_agg *app_slot(struct app_agg *tab, size_t cap,
				const struct app_agg *k)
{
	size_t i = app_hash(k) & (cap - 1);

	while (tab[i].used && !app_same(&tab[i], k))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Double the table when it is over half full; false when out of memory
   (the flow is then counted in the totals only). */
static bool app_grow(struct report *r)
{
	size_t i, cap = r->apps_cap * 2;
	struct app_agg *tab;

	if (r->apps_used * 2 < r->apps_cap)
		return true;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return false;
	for (i = 0; i < r->apps_cap; i++)
		if (r->apps[i].used)
			*app_slot(tab, cap, &r->apps[i]) = r->apps[i];
	free(r->apps);
	r->apps = tab;
	r->apps_cap = cap;
	return true;
}

/* Count f to its application aggregate (verdict v, server port port). */
static void app_count(struct report *r, const struct flow *f, uint8_t v,
		      uint16_t port, uint64_t pkts, uint64_t bytes)
{
	struct app_agg k, *a;

	memset(&k, 0, sizeof(k));
	k.verdict = v;
	k.proto = f->key.proto;
	k.port = port;
	k.row = f->service_row;
	k.src = f->app_source;
	if (k.src != APP_SRC_NONE) {
		k.master = f->app_master;
		k.app = f->app;
	}
	if (!app_grow(r))
		return;
	a = app_slot(r->apps, r->apps_cap, &k);
	if (!a->used) {
		*a = k;
		a->used = 1;
		a->cport = flow_client_port(f);
		a->on_wire = flow_on_wire(f);
		r->apps_used++;
	}
	a->flows++;
	a->pkts += pkts;
	a->bytes += bytes;
}

static uint64_t flow_bytes(const struct flow *f)
{
	return f->bytes[0] + f->bytes[1];
}

/* Keep f if it is among the `cap` largest of its finding (min-heap). */
static void top_push(struct top *t, const struct flow *f)
{
	unsigned i, c;

	if (t->cap == 0)
		return;
	if (t->n < t->cap) {
		i = t->n++;
		while (i > 0 && flow_bytes(&t->f[(i - 1) / 2]) > flow_bytes(f)) {
			t->f[i] = t->f[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t->f[i] = *f;
		return;
	}
	if (flow_bytes(f) <= flow_bytes(&t->f[0]))
		return;
	i = 0;
	for (;;) {
		c = 2 * i + 1;
		if (c >= t->n)
			break;
		if (c + 1 < t->n && flow_bytes(&t->f[c + 1]) < flow_bytes(&t->f[c]))
			c++;
		if (flow_bytes(&t->f[c]) >= flow_bytes(f))
			break;
		t->f[i] = t->f[c];
		i = c;
	}
	t->f[i] = *f;
}

void report_flow(struct report *r, const struct flow *f)
{
	uint8_t v = f->verdict < V_COUNT ? f->verdict : V_UNDOCUMENTED;
	uint64_t pkts = (uint64_t)f->pkts[0] + f->pkts[1];
	uint16_t port = f->server_is_b ? f->key.pb : f->key.pa;

	r->vflows[v]++;
	r->vpkts[v] += pkts;
	r->vbytes[v] += flow_bytes(f);
	/* Half-duplex mirroring shows as TCP conversations with no packet in
	   one direction; a flow under 3 packets (a lone SYN, a scan) proves
	   nothing either way. */
	if (f->key.proto == IPPROTO_NUM_TCP && pkts >= 3) {
		r->tcp_judged++;
		if (!f->pkts[0] || !f->pkts[1])
			r->tcp_one_way++;
	}
	if (r->cov)
		coverage_add(r->cov, f);
	app_count(r, f, v, port, pkts, flow_bytes(f));
	if (verdict_is_finding((enum verdict)v))
		top_push(&r->top[v], f);

	if (r->fmt == FMT_JSON)
		report_json_flow(r, f);
	else if (r->fmt == FMT_CSV)
		report_csv_flow(r, f);
}

uint64_t report_verdict_count(const struct report *r, enum verdict v)
{
	return v < V_COUNT ? r->vflows[v] : 0;
}

/* Order of report_sorted_apps(): the key of the aggregate it belongs to,
   then the most flows first. */
static int app_key_cmp(const struct app_agg *a, uint8_t verdict,
		       uint8_t proto, uint16_t port, uint16_t row)
{
	if (a->verdict != verdict)
		return a->verdict < verdict ? -1 : 1;
	if (a->proto != proto)
		return a->proto < proto ? -1 : 1;
	if (a->port != port)
		return a->port < port ? -1 : 1;
	if (a->row != row)
		return a->row < row ? -1 : 1;
	return 0;
}

static int app_cmp(const void *x, const void *y)
{
	const struct app_agg *a = *(const struct app_agg *const *)x;
	const struct app_agg *b = *(const struct app_agg *const *)y;
	int c = app_key_cmp(a, b->verdict, b->proto, b->port, b->row);

	if (c)
		return c;
	if (a->flows != b->flows)
		return a->flows > b->flows ? -1 : 1;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->master != b->master)
		return a->master < b->master ? -1 : 1;
	return a->app < b->app ? -1 : (a->app > b->app);
}

struct app_agg **report_sorted_apps(const struct report *r, size_t *n)
{
	struct app_agg **v = malloc((r->apps_used ? r->apps_used : 1) * sizeof(*v));
	size_t i, k = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < r->apps_cap; i++)
		if (r->apps[i].used)
			v[k++] = &r->apps[i];
	qsort(v, k, sizeof(*v), app_cmp);
	*n = k;
	return v;
}

static const struct catalogue *sort_cat;

static int agg_cmp(const void *x, const void *y)
{
	const struct agg *a = x;
	const struct agg *b = y;

	if (a->verdict != b->verdict)
		return a->verdict < b->verdict ? -1 : 1;
	if (a->verdict == V_DOCUMENTED && a->row != b->row) {
		/* Catalogue order: table, then the file's order. */
		const struct cat_row *ra = catalogue_row(sort_cat, a->row - 1u);
		const struct cat_row *rb = catalogue_row(sort_cat, b->row - 1u);

		if (ra->table != rb->table)
			return ra->table < rb->table ? -1 : 1;
		return a->row < b->row ? -1 : 1;
	}
	if (a->verdict != V_DOCUMENTED && a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->row < b->row ? -1 : (a->row > b->row);
}

struct agg *report_sorted_aggs(const struct report *r, size_t *n)
{
	struct app_agg **apps;
	struct agg *v;
	size_t n_apps, i, k = 0;

	*n = 0;
	apps = report_sorted_apps(r, &n_apps);
	v = malloc((n_apps ? n_apps : 1) * sizeof(*v));
	if (!apps || !v) {
		free(apps);
		free(v);
		return NULL;
	}
	/* The applications of one (verdict, transport, port, row) are
	   adjacent in that order: sum each run. */
	for (i = 0; i < n_apps; i++) {
		const struct app_agg *a = apps[i];
		struct agg *g = k ? &v[k - 1] : NULL;

		if (!g || app_key_cmp(a, g->verdict, g->proto, g->port, g->row)) {
			g = &v[k++];
			memset(g, 0, sizeof(*g));
			g->verdict = a->verdict;
			g->proto = a->proto;
			g->port = a->port;
			g->row = a->row;
		}
		g->flows += a->flows;
		g->pkts += a->pkts;
		g->bytes += a->bytes;
	}
	free(apps);
	sort_cat = r->cat;
	qsort(v, k, sizeof(*v), agg_cmp);
	*n = k;
	return v;
}

static int flow_cmp(const void *x, const void *y)
{
	const struct flow *a = *(const struct flow *const *)x;
	const struct flow *b = *(const struct flow *const *)y;

	if (flow_bytes(a) != flow_bytes(b))
		return flow_bytes(a) > flow_bytes(b) ? -1 : 1;
	if (a->first_us != b->first_us)
		return a->first_us < b->first_us ? -1 : 1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

struct flow **report_sorted_top(const struct report *r, enum verdict v,
				unsigned *n)
{
	const struct top *t = &r->top[v];
	struct flow **out = malloc((t->n ? t->n : 1) * sizeof(*out));
	unsigned i;

	*n = 0;
	if (!out)
		return NULL;
	for (i = 0; i < t->n; i++)
		out[i] = &t->f[i];
	qsort(out, t->n, sizeof(*out), flow_cmp);
	*n = t->n;
	return out;
}

size_t report_apps_of(struct app_agg *const *v, size_t n, const struct agg *a,
		      size_t *first)
{
	size_t lo = 0, hi = n, end;

	/* The first entry not before a's key, then the run of a's key. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (app_key_cmp(v[mid], a->verdict, a->proto, a->port, a->row) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n &&
	     app_key_cmp(v[end], a->verdict, a->proto, a->port, a->row) == 0;
	     end++)
		;
	*first = lo;
	return end - lo;
}

const char *report_app_name(const struct report *r, const struct app_agg *a,
			    char buf[DPI_NAME_MAX])
{
	struct flow f;

	if (!r->dpi || a->src == APP_SRC_NONE)
		return NULL;
	memset(&f, 0, sizeof(f));
	f.app_source = a->src;
	f.app_master = a->master;
	f.app = a->app;
	return dpi_app_name(r->dpi, &f, buf);
}

/* The same protocol, whatever the spelling: by the ids resolved at load
   (nDPI compares names without case); names only for a catalogue loaded
   without DPI, where no flow is ever a mismatch. */
static bool same_app(const struct cat_app *a, const struct cat_app *b)
{
	if (a->id && b->id)
		return a->id == b->id;
	return strcasecmp(a->name, b->name) == 0;
}

void report_expected(const struct report *r, uint8_t proto, uint16_t cport,
		     uint16_t sport, bool on_wire, char buf[EXPECTED_MAX])
{
	struct cat_hits h;
	const struct cat_app *listed[EXPECTED_MAX / 2];
	size_t used = 0, n_listed = 0, k;
	uint16_t i, j;

	buf[0] = '\0';
	classify_rows_at(r->cat, proto, cport, sport, on_wire, &h);
	for (i = 0; i < h.n; i++) {
		const struct cat_row *row = catalogue_row(r->cat, h.rows[i]);

		for (j = 0; j < row->n_apps; j++) {
			const struct cat_app *a = &row->app[j];
			size_t len = strlen(a->name);
			bool dup = false;

			for (k = 0; k < n_listed && !dup; k++)
				dup = same_app(listed[k], a);
			/* A name that would not fit is left out: a list this
			   long is a hand-written rules file's. Each listed
			   name takes two bytes at least, so listed[] holds
			   them all. */
			if (dup || used + len + 2 > EXPECTED_MAX)
				continue;
			if (used)
				buf[used++] = ',';
			memcpy(buf + used, a->name, len);
			used += len;
			buf[used] = '\0';
			listed[n_listed++] = a;
		}
	}
}

void report_expected_flow(const struct report *r, const struct flow *f,
			  char buf[EXPECTED_MAX])
{
	report_expected(r, f->key.proto, flow_client_port(f),
			flow_server_port(f), flow_on_wire(f), buf);
}

void report_transport(char buf[8], uint8_t proto)
{
	switch (proto) {
	case IPPROTO_NUM_TCP: strcpy(buf, "tcp"); break;
	case IPPROTO_NUM_UDP: strcpy(buf, "udp"); break;
	case IPPROTO_NUM_ICMP: strcpy(buf, "icmp"); break;
	case IPPROTO_NUM_ICMPV6: strcpy(buf, "icmpv6"); break;
	default: snprintf(buf, 8, "%u", proto); break;
	}
}

void report_reason(const struct report *r, const struct flow *f,
		   char buf[REASON_MAX])
{
	const struct cat_row *row =
		f->service_row ? catalogue_row(r->cat, f->service_row - 1u) : NULL;
	char tr[8], port[24], exp[EXPECTED_MAX], app[DPI_NAME_MAX];
	uint16_t sport = f->server_is_b ? f->key.pb : f->key.pa;
	const char *name;

	report_transport(tr, f->key.proto);
	if (f->key.pa || f->key.pb)
		snprintf(port, sizeof(port), "%s/%u", tr, sport);
	else
		snprintf(port, sizeof(port), "%s", tr);
	switch (f->verdict) {
	case V_UNDOCUMENTED:
		snprintf(buf, REASON_MAX, "no catalogue row documents %s", port);
		break;
	case V_LOCAL_ONLY:
		snprintf(buf, REASON_MAX,
			 "%s is documented for localhost traffic only (table %u %s)",
			 port, row ? row->table : 0, row ? row->service : "?");
		break;
	case V_PROTOCOL_MISMATCH:
		report_expected_flow(r, f, exp);
		name = r->dpi ? dpi_app_name(r->dpi, f, app) : NULL;
		snprintf(buf, REASON_MAX, "%s on %s, where the rows expect %s",
			 name ? name : "?", port,
			 exp[0] ? exp : "no protocol nDPI knows");
		break;
	case V_ROLE_VIOLATION: {
		char cr[128], sr[128];

		report_roles(r, flow_client_ip(f), cr, sizeof(cr));
		report_roles(r, flow_server_ip(f), sr, sizeof(sr));
		snprintf(buf, REASON_MAX, "%s is documented (table %u %s), but not "
			 "from %s to %s", port, row ? row->table : 0,
			 row ? row->service : "?", cr, sr);
		break;
	}
	case V_UNTRUSTED_TUNNEL: {
		char src[IP_STR_MAX], dst[IP_STR_MAX], id[40];

		fmt_ip(flow_client_ip(f), src);
		fmt_ip(flow_server_ip(f), dst);
		report_tunnel_id(f, id);
		if (!f->key.pa && !f->key.pb)
			snprintf(port, sizeof(port), "IP protocol %u", f->key.proto);
		snprintf(buf, REASON_MAX, "%s%s carrier from %s to %s (%s), %s",
			 report_tunnel_kind(f), id, src, dst, port,
			 tunnel_is_erspan((enum tunnel_kind)f->tunnel) ?
			 "neither end a declared tunnel endpoint" :
			 "not between two declared tunnel endpoints");
		break;
	}
	default:
		snprintf(buf, REASON_MAX, "%s on %s",
			 verdict_name((enum verdict)f->verdict), port);
		break;
	}
}

const char *report_tunnel_kind(const struct flow *f)
{
	const char *k = tunnel_name((enum tunnel_kind)f->tunnel);

	return k ? k : "tunnel";
}

void report_tunnel_id(const struct flow *f, char buf[40])
{
	buf[0] = '\0';
	if (!(f->carrier & FC_TUN_ID))
		return;
	snprintf(buf, 40, " %s %u",
		 tunnel_is_erspan((enum tunnel_kind)f->tunnel) ? "session" : "VNI",
		 (unsigned)f->tun_id);
}

void report_roles(const struct report *r, const struct ip_addr *a, char *buf,
		  size_t size)
{
	uint32_t roles = r->hosts ? hosts_lookup(r->hosts, a).roles : 0;

	if (roles)
		hosts_roles_str(roles, buf, size);
	else
		snprintf(buf, size, "unknown");
}

void report_set_output(struct report *r, FILE *out, FILE *alerts)
{
	r->out = out;
	r->alert_out = alerts;
	jw_set_out(&r->jw, out);
}

void report_alert(struct report *r, const struct flow *f)
{
	/* Each alert line reaches the file as it is written: a service
	   manager's journal or a tail sees it at once. */
	if (r->alert_out) {
		report_text_alert(r, f, r->alert_out);
		fflush(r->alert_out);
	}
	if (r->fmt == FMT_JSON)
		report_json_alert(r, f);
	else if (r->fmt == FMT_TEXT && !r->alert_out)
		report_text_alert(r, f, r->out);
}

void report_interim(struct report *r, const struct run_stats *s)
{
	if (r->fmt == FMT_JSON)
		report_json_interim(r, s);
	else if (r->fmt == FMT_TEXT)
		report_text_interim(r, s);
}

void report_summary(struct report *r, const struct run_stats *s)
{
	if (r->fmt == FMT_TEXT)
		report_text_summary(r, s);
	else if (r->fmt == FMT_JSON)
		report_json_summary(r, s);
	else if (!r->header_done)
		report_csv_flow(r, NULL);   /* no flows: the header alone */
}

