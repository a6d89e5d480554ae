/*
 * waiver.c: the --waivers file and what it waives (the contract is in
 * waiver.h).
 */
#include "waiver.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "digest.h"
#include "roles.h"
#include "textfile.h"
#include "util.h"
#include "verdict.h"

struct waivers {
	struct waiver *w;
	size_t n, cap;
	/* The run's day: set by the sink's thread, read by the flow
	   workers' formatters too (sink_fmt_flow()). */
	_Atomic int32_t today;
	char sha256[DIGEST_SHA256_HEX];  /* of the text waivers_load() parsed */
};

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
   (H. Hinnant's days_from_civil). */
static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
	int era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

static const unsigned month_days[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
					  30, 31, 30, 31 };

/* YYYY-MM-DD, digits where digits go, into *y, *m and *d; whether it is a
   day of the calendar is not asked. */
static bool date_parts(const char *s, size_t len, unsigned *y, unsigned *m,
		       unsigned *d)
{
	unsigned i;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = 0;
	for (i = 0; i < 4; i++)
		*y = *y * 10 + (unsigned)(s[i] - '0');
	*m = (unsigned)(s[5] - '0') * 10 + (unsigned)(s[6] - '0');
	*d = (unsigned)(s[8] - '0') * 10 + (unsigned)(s[9] - '0');
	return true;
}

static bool leap_year(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool waiver_date(const char *s, size_t len, int32_t *day)
{
	unsigned y, m, d;

	if (!date_parts(s, len, &y, &m, &d))
		return false;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days[m - 1])
		return false;
	if (m == 2 && d == 29 && !leap_year(y))
		return false;
	*day = days_from_civil((int)y, m, d);
	return true;
}

/* Why waiver_date() refused s, in the change board's words: a date
   written right but past the calendar is told why. */
static const char *date_error(struct tstr s, char *why, size_t whysize)
{
	static const char *const month[12] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"
	};
	int n = snprintf(why, whysize, "'%.*s' is not a date (YYYY-MM-DD)",
			 TSHOW(s));
	unsigned y, m, d;

	if (n < 0 || (size_t)n >= whysize || !date_parts(s.s, s.n, &y, &m, &d))
		return why;
	why += n;
	whysize -= (size_t)n;
	if (y < 1970)
		snprintf(why, whysize, ": dates start at 1970-01-01");
	else if (m < 1 || m > 12)
		snprintf(why, whysize, ": months run from 01 to 12");
	else if (d < 1)
		snprintf(why, whysize, ": days run from 01");
	else if (m == 2 && d == 29)
		snprintf(why, whysize, ": %u is no leap year", y);
	else if (m == 2)
		snprintf(why, whysize, ": February %u has %u days", y,
			 leap_year(y) ? 29u : 28u);
	else
		snprintf(why, whysize, ": %s %u has %u days", month[m - 1], y,
			 month_days[m - 1]);
	return why - n;
}

/* A finding's verdict by name: its enum + 1, 0 when s names none, -1
   when it names a verdict that is no finding. */
static int finding_of(struct tstr s)
{
	int v;

	for (v = 0; v < V_COUNT; v++)
		if (tstr_is(s, verdict_name((enum verdict)v)))
			return verdict_is_finding((enum verdict)v) ? v + 1 : -1;
	return 0;
}

/* The findings a waiver may name, "cleartext, undocumented, ...", into
   buf: the verdict table's, so a new finding is listed with the rest. */
static const char *findings_list(char *buf, size_t size)
{
	size_t n = 0;
	int v;

	buf[0] = '\0';
	for (v = 0; v < V_COUNT && n < size; v++)
		if (verdict_is_finding((enum verdict)v))
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
					      n ? ", " : "",
					      verdict_name((enum verdict)v));
	return buf;
}

/* Whether s starts flows as a waiver writes them: PROTO/PORT, icmp,
   icmpv6 or row. */
static bool flows_word(struct tstr s)
{
	return memchr(s.s, '/', s.n) || tstr_is(s, "icmp") ||
	       tstr_is(s, "icmpv6") || tstr_is(s, "row");
}

/* "any", ADDRESS[/PREFIX] or a role into *e; a reason on error. */
static const char *parse_end(struct tstr s, const struct hosts *hosts,
			     struct waiver_end *e, char *why, size_t whysize)
{
	int role;

	memset(e, 0, sizeof(*e));
	if (tstr_is(s, "any"))
		return NULL;
	role = cat_role_parse(s.s, s.n);
	if (role >= 0) {
		if (!hosts) {
			snprintf(why, whysize, "role '%.*s' needs an inventory "
				 "(--hosts)", TSHOW(s));
			return why;
		}
		e->kind = WE_ROLE;
		e->roles = UINT32_C(1) << role;
		return NULL;
	}
	if (!memchr(s.s, '.', s.n) && !memchr(s.s, ':', s.n)) {
		snprintf(why, whysize, "'%.*s' is neither 'any', an address nor "
			 "a role ('impwatch roles' lists them)", TSHOW(s));
		return why;
	}
	e->kind = WE_NET;
	return hosts_parse_net(s.s, s.n, &e->net, &e->prefix, why, whysize);
}

/* TRANSPORT[/PORT[-PORT]] into w; a reason on error. */
static const char *parse_flows(struct tstr s, struct waiver *w, char *why,
			       size_t whysize)
{
	const char *slash = memchr(s.s, '/', s.n);
	struct tstr tr = { s.s, slash ? (size_t)(slash - s.s) : s.n };
	struct tstr ports, lo, hi;
	const char *dash;
	unsigned long a, b;

	if (tstr_is(tr, "icmp") || tstr_is(tr, "icmpv6")) {
		if (slash) {
			snprintf(why, whysize, "%.*s has no port", TSHOW(tr));
			return why;
		}
		w->proto = tstr_is(tr, "icmp") ? IPPROTO_NUM_ICMP : IPPROTO_NUM_ICMPV6;
		return NULL;
	}
	if (!tstr_is(tr, "tcp") && !tstr_is(tr, "udp")) {
		snprintf(why, whysize, "unknown flows '%.*s' (valid: tcp/PORT, "
			 "udp/PORT, tcp/LO-HI, icmp, icmpv6, row TABLE SERVICE)",
			 TSHOW(s));
		return why;
	}
	w->proto = tstr_is(tr, "tcp") ? IPPROTO_NUM_TCP : IPPROTO_NUM_UDP;
	if (!slash) {
		snprintf(why, whysize, "'%.*s' needs its port: %.*s/PORT",
			 TSHOW(s), TSHOW(tr));
		return why;
	}
	ports = (struct tstr){ slash + 1, s.n - tr.n - 1 };
	dash = memchr(ports.s, '-', ports.n);
	lo = (struct tstr){ ports.s, dash ? (size_t)(dash - ports.s) : ports.n };
	hi = dash ? (struct tstr){ dash + 1, ports.n - lo.n - 1 } : lo;
	if (tstr_uint(lo, &a) != 0 || tstr_uint(hi, &b) != 0 || a > 65535 ||
	    b > 65535 || a > b) {
		snprintf(why, whysize, "bad port '%.*s' (0-65535, or LO-HI)",
			 TSHOW(ports));
		return why;
	}
	w->port_lo = (uint16_t)a;
	w->port_hi = (uint16_t)b;
	return NULL;
}

/* "row TABLE SERVICE": the catalogue must have it. */
static const char *parse_row(struct tstr *rest, const struct catalogue *cat,
			     struct waiver *w, char *why, size_t whysize)
{
	struct tstr t, svc;
	unsigned long table;
	size_t i, n = catalogue_count(cat);

	if (!tstr_word(rest, &t) || !tstr_word(rest, &svc))
		return "a row waiver is 'row TABLE SERVICE'";
	if (tstr_uint(t, &table) != 0 || table > 63) {
		snprintf(why, whysize, "bad table '%.*s' (0-63)", TSHOW(t));
		return why;
	}
	for (i = 0; i < n; i++) {
		const struct cat_row *r = catalogue_row(cat, i);

		if (r->table == table && tstr_is(svc, r->service)) {
			w->table = (uint8_t)table;
			w->service = r->service;   /* the catalogue outlives us */
			return NULL;
		}
	}
	snprintf(why, whysize, "no catalogue row 'table %lu %.*s' ('impwatch "
		 "rules' lists them)", table, TSHOW(svc));
	return why;
}

/* WHAT: [FINDING] FLOWS [CLIENT -> SERVER]. */
static const char *parse_what(struct tstr s, const struct catalogue *cat,
			      const struct hosts *hosts, struct waiver *w,
			      char *why, size_t whysize)
{
	struct tstr word, c, arrow, sv, extra, rest;
	const char *e;
	char names[160];
	int f;

	if (!tstr_word(&s, &word))
		return "no flows before the first '|'";
	f = finding_of(word);
	if (f < 0) {
		snprintf(why, whysize, "'%.*s' is no finding (findings: %s)",
			 TSHOW(word), findings_list(names, sizeof(names)));
		return why;
	}
	/* A word before the flows that is no finding: one misspelt (the
	   flows' own message would blame the flows). */
	rest = s;
	if (f == 0 && !flows_word(word) && tstr_word(&rest, &c) &&
	    flows_word(c)) {
		snprintf(why, whysize, "'%.*s' is neither a finding (%s) nor "
			 "flows (tcp/PORT, udp/PORT, icmp, icmpv6, row TABLE "
			 "SERVICE)", TSHOW(word),
			 findings_list(names, sizeof(names)));
		return why;
	}
	if (f > 0) {
		w->finding = (uint8_t)f;
		if (!tstr_word(&s, &word))
			return "no flows after the finding";
	}
	if (tstr_is(word, "row"))
		e = parse_row(&s, cat, w, why, whysize);
	else
		e = parse_flows(word, w, why, whysize);
	if (e)
		return e;
	if (!tstr_word(&s, &c))
		return NULL;
	if (!tstr_word(&s, &arrow) || !tstr_is(arrow, "->") ||
	    !tstr_word(&s, &sv) || tstr_word(&s, &extra))
		return "after the flows, only 'CLIENT -> SERVER' (each 'any', "
		       "an address or network, or a role)";
	if ((e = parse_end(c, hosts, &w->client, why, whysize)) ||
	    (e = parse_end(sv, hosts, &w->server, why, whysize)))
		return e;
	return NULL;
}

/* A ticket id: what a change tracker names a ticket with. */
static bool ticket_ok(struct tstr t)
{
	size_t i;

	if (t.n == 0 || t.n > WAIVER_TICKET_MAX)
		return false;
	for (i = 0; i < t.n; i++) {
		char ch = t.s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("._-:/#", ch)))
			return false;
	}
	return true;
}

/* One line into w; a reason on error. */
static const char *parse_line(struct tstr line, const struct catalogue *cat,
			      const struct hosts *hosts, struct waiver *w,
			      char *why, size_t whysize)
{
	struct tstr what, until, ticket, more;
	const char *e;

	if (!tstr_item(&line, '|', &what) || !tstr_item(&line, '|', &until) ||
	    !tstr_item(&line, '|', &ticket))
		return "expected 3 fields: WHAT | UNTIL | TICKET";
	if (tstr_item(&line, '|', &more))
		return "more than 3 fields: WHAT | UNTIL | TICKET";
	if ((e = parse_what(what, cat, hosts, w, why, whysize)))
		return e;
	if (!waiver_date(until.s, until.n, &w->until_day))
		return date_error(until, why, whysize);
	if (!ticket_ok(ticket)) {
		snprintf(why, whysize, "bad ticket '%.*s' (1-%d letters, digits "
			 "and . _ - : / #)", TSHOW(ticket), WAIVER_TICKET_MAX);
		return why;
	}
	memcpy(w->until, until.s, 10);
	memcpy(w->ticket, ticket.s, ticket.n);
	w->what = strndup(what.s, what.n);
	return w->what ? NULL : "out of memory";
}

static bool same_end(const struct waiver_end *a, const struct waiver_end *b)
{
	return a->kind == b->kind && a->prefix == b->prefix &&
	       a->roles == b->roles &&
	       memcmp(&a->net, &b->net, sizeof(a->net)) == 0;
}

/* An earlier waiver of w's ticket for the flows w names, however
   written ("tcp/80" and "tcp/80 any -> any"), whatever its date; NULL
   when none. */
static const struct waiver *find_same(const struct waivers *ws,
				      const struct waiver *w)
{
	size_t i;

	for (i = 0; i < ws->n; i++) {
		const struct waiver *o = &ws->w[i];

		if (o->finding == w->finding && o->proto == w->proto &&
		    o->port_lo == w->port_lo && o->port_hi == w->port_hi &&
		    o->table == w->table && o->service == w->service &&
		    same_end(&o->client, &w->client) &&
		    same_end(&o->server, &w->server) &&
		    strcmp(o->ticket, w->ticket) == 0)
			return o;
	}
	return NULL;
}

/* Room for one more waiver, zeroed. */
static int grow(struct waivers *ws)
{
	size_t cap = ws->cap ? ws->cap * 2 : 16;
	struct waiver *w = realloc(ws->w, cap * sizeof(*w));

	if (!w)
		return -1;
	memset(w + ws->cap, 0, (cap - ws->cap) * sizeof(*w));
	ws->w = w;
	ws->cap = cap;
	return 0;
}

struct waivers *waivers_parse(const char *name, const char *buf, size_t len,
			      const struct catalogue *cat,
			      const struct hosts *hosts, int32_t today,
			      FILE *err)
{
	struct waivers *ws = calloc(1, sizeof(*ws));
	struct tlines tl;
	struct tstr line, t;
	char why[256];
	const char *e;
	const struct waiver *same;

	if (!ws) {
		fprintf(err, "impwatch: out of memory\n");
		return NULL;
	}
	atomic_init(&ws->today, today);
	tlines_init(&tl, buf, len);
	while (tlines_next(&tl, &line)) {
		if (tline_check(name, tl.lineno, line, MAX_RULE_LINE, err) != 0)
			goto fail;
		t = tstr_trim(line);
		if (t.n == 0 || t.s[0] == '#')
			continue;
		if (ws->n == WAIVER_MAX) {
			tline_error(err, name, tl.lineno, line, "more than %d "
				    "waivers", WAIVER_MAX);
			goto fail;
		}
		if (ws->n == ws->cap && grow(ws) != 0) {
			fprintf(err, "impwatch: out of memory\n");
			goto fail;
		}
		e = parse_line(t, cat, hosts, &ws->w[ws->n], why, sizeof(why));
		ws->w[ws->n].line = tl.lineno;
		/* As the catalogue and the inventory refuse a line twice;
		   with another date it is a line meant to replace that one,
		   left beside it: which date holds is not for us to guess. */
		if (!e && (same = find_same(ws, &ws->w[ws->n]))) {
			if (same->until_day == ws->w[ws->n].until_day)
				snprintf(why, sizeof(why), "duplicates line %u",
					 (unsigned)same->line);
			else
				snprintf(why, sizeof(why), "conflicts with line "
					 "%u: until %s there, %s here (one date "
					 "for a ticket's flows)",
					 (unsigned)same->line, same->until,
					 ws->w[ws->n].until);
			e = why;
		}
		ws->n++;
		if (e) {
			tline_error(err, name, tl.lineno, line, "%s", e);
			goto fail;
		}
	}
	return ws;
fail:
	waivers_free(ws);
	return NULL;
}

struct waivers *waivers_load(const char *path, const struct catalogue *cat,
			     const struct hosts *hosts, int32_t today,
			     FILE *err)
{
	struct waivers *w;
	char *buf;
	size_t len;

	if (textfile_read(path, WAIVER_FILE_MAX, "a waiver file", &buf, &len,
			  err) != 0)
		return NULL;
	w = waivers_parse(path, buf, len, cat, hosts, today, err);
	/* The very bytes parsed, for the provenance: never the file read
	   again, which may have been replaced since. */
	if (w)
		(void)digest_sha256_hex(buf, len, w->sha256);
	free(buf);
	return w;
}

const char *waivers_sha256(const struct waivers *ws)
{
	return ws ? ws->sha256 : "";
}

void waivers_free(struct waivers *ws)
{
	size_t i;

	if (!ws)
		return;
	for (i = 0; i < ws->n; i++)
		free(ws->w[i].what);
	free(ws->w);
	free(ws);
}

void waivers_set_today(struct waivers *ws, int32_t today)
{
	int32_t was;

	if (!ws)
		return;
	was = atomic_load_explicit(&ws->today, memory_order_relaxed);
	/* One thread sets it: no other writer to race with. */
	if (today > was)
		atomic_store_explicit(&ws->today, today, memory_order_relaxed);
}

bool waiver_expired(const struct waivers *ws, const struct waiver *v)
{
	return v->until_day <
	       atomic_load_explicit(&ws->today, memory_order_relaxed);
}

int32_t waivers_day_of(uint64_t ts_us)
{
	return (int32_t)(ts_us / (UINT64_C(86400) * 1000000));
}

size_t waivers_count(const struct waivers *ws)
{
	return ws ? ws->n : 0;
}

const struct waiver *waivers_get(const struct waivers *ws, size_t i)
{
	return ws && i < ws->n ? &ws->w[i] : NULL;
}

/* One end of r (its address, of IP version family, and inventory roles)
   against e. */
static bool end_ok(const struct waiver_end *e, const struct ip_addr *a,
		   uint8_t family, uint32_t roles)
{
	switch (e->kind) {
	case WE_NET:
		return !ip_mapped_in_v6(a, family) &&
		       hosts_net_has(&e->net, e->prefix, a);
	case WE_ROLE:
		return (roles & e->roles) != 0;
	default:
		return true;
	}
}

/* Whether waiver w's pattern matches finding record r as it reads. */
static bool matches_as(const struct waiver *w, const struct catalogue *cat,
		       const struct flow_record *r)
{
	uint16_t port = rec_server_port(r), i;
	struct cat_hits h;
	bool row = false;

	if (w->finding && !(r->findings & (1u << (w->finding - 1))))
		return false;
	if (w->service) {
		record_rows(cat, r, &h);
		for (i = 0; i < h.n && !row; i++) {
			const struct cat_row *cr = catalogue_row(cat, h.rows[i]);

			row = cr->table == w->table &&
			      strcmp(cr->service, w->service) == 0;
		}
		if (!row)
			return false;
	} else {
		if (r->key.proto != w->proto)
			return false;
		if ((w->proto == IPPROTO_NUM_TCP || w->proto == IPPROTO_NUM_UDP) &&
		    (port < w->port_lo || port > w->port_hi))
			return false;
	}
	return end_ok(&w->client, rec_client_ip(r), r->key.family,
		      r->client_host.roles) &&
	       end_ok(&w->server, rec_server_ip(r), r->key.family,
		      r->server_host.roles);
}

/* The server is only what the first packet's sender said of itself: its
   own port, the lower one or one the catalogue documents, a SYN-ACK
   with no SYN, an ICMP reply (classify.c). Anyone sends any of them; a
   SYN from the other side is what decides a flow for good. */
static bool self_named(const struct flow_record *r)
{
	return r->server_first && r->basis != BASIS_SYN;
}

/*
 * Whether waiver w matches finding record r. A flow whose sender named
 * itself the server is matched only when w covers it read either way:
 * as it reads, and as it was sent (its receiver the server). Otherwise
 * whoever sends from 9999 would have a waiver of udp/9999 cover every
 * datagram it sends to a higher port, of any host.
 */
static bool matches(const struct waiver *w, const struct catalogue *cat,
		    const struct flow_record *r)
{
	struct flow_record sent;

	if (!matches_as(w, cat, r))
		return false;
	if (!self_named(r))
		return true;
	sent = *r;
	sent.server_is_b = !r->server_is_b;
	sent.nrows = 0;                 /* the rows of the other port */
	sent.client_host = r->server_host;
	sent.server_host = r->client_host;
	return matches_as(w, cat, &sent);
}

void waivers_apply(struct waivers *ws, const struct catalogue *cat,
		   struct flow_record *r, bool count)
{
	unsigned covered = 0;
	int32_t today;
	size_t i;

	r->waiver = NULL;
	r->waived = 0;
	if (!ws || !verdict_is_finding((enum verdict)r->verdict) || !r->findings)
		return;
	/* One day for the whole record, whenever the sink moves it; a
	   clock of the run behind the capture's does not keep a waiver in
	   force past the day the flow was seen. */
	today = atomic_load_explicit(&ws->today, memory_order_relaxed);
	if (waivers_day_of(r->last_us) > today)
		today = waivers_day_of(r->last_us);
	for (i = 0; i < ws->n; i++) {
		struct waiver *w = &ws->w[i];

		if (!matches(w, cat, r))
			continue;
		if (count)
			w->flows++;
		if (w->until_day < today)
			continue;
		covered |= w->finding ? 1u << (w->finding - 1) : r->findings;
		if (!r->waiver)
			r->waiver = w;
	}
	r->waived = r->waiver && (r->findings & ~covered) == 0;
}
