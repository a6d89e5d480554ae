/*
 * catalogue_parse.c: catalogue text into rows.
 *
 * Lines are read and checked as every strict loader reads them
 * (textfile.c); each row's fields are parsed strictly, and a row that
 * repeats or contradicts an earlier one of the same text is refused.
 * The rows and their strings are staged (catalogue_int.h) for
 * catalogue.c to merge; nothing here touches a catalogue.
 */
#include "catalogue_int.h"
#include "options.h"
#include "textfile.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- fields */

enum {
	F_TABLE, F_SERVICE, F_ROLES, F_PROTOCOL, F_TRANSPORT, F_DPORT,
	F_SPORT, F_SCOPE, F_APPS, F_DESCRIPTION, F_NOTE_KO, F_NOTE_JA,
	F_MAX
};
#define F_MIN (F_DESCRIPTION + 1)

static const char *const field_names[F_MAX] = {
	"table", "service", "roles", "protocol", "transport", "dport",
	"sport", "scope", "apps", "description", "note_ko", "note_ja"
};

#define SERVICE_MAX 47
/* The guide's tables of ports (records keep them as bits of 64). Any
   other number would be reported as a guide table that does not exist:
   a site's own row is table 0. */
#define TABLE_FIRST 2
#define TABLE_LAST 34

/* A reason for the current line, built by the field parsers. */
struct reason {
	char buf[1024];
};

__attribute__((format(printf, 2, 3)))
static int fail(struct reason *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why->buf, sizeof(why->buf), fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_table(struct tstr f, struct cat_row *r, struct reason *why)
{
	unsigned long v;
	int rc = tstr_uint(f, &v);

	if (rc == -1)
		return fail(why, "table '%.*s' is not a number", TSHOW(f));
	if (rc == -2 || (v != 0 && (v < TABLE_FIRST || v > TABLE_LAST)))
		return fail(why, "table %.*s is not one of the guide's (%d to "
			    "%d); a site's own row is table 0", TSHOW(f),
			    TABLE_FIRST, TABLE_LAST);
	r->table = (uint8_t)v;
	return 0;
}

/* [a-z0-9]+(-[a-z0-9]+)*, at most SERVICE_MAX characters. */
static int check_service(struct tstr f, struct reason *why)
{
	size_t i;
	bool ok = f.n > 0 && f.n <= SERVICE_MAX;

	for (i = 0; ok && i < f.n; i++) {
		char ch = f.s[i];

		if (ch == '-')
			ok = i > 0 && i + 1 < f.n && f.s[i - 1] != '-';
		else
			ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
	}
	if (!ok)
		return fail(why, "bad service id '%.*s' (lower-case letters and "
			    "digits in words joined by single '-', at most %d "
			    "characters)", TSHOW(f), SERVICE_MAX);
	return 0;
}

/* The roles a row may name: every one but the inventory's own. */
#define ROW_ROLES (CAT_ROLES_ALL & ~(UINT32_C(1) << ROLE_TUNNEL_ENDPOINT))

/* A comma list of role ids into a bitmask (roles.c), with this file's
   messages; whole is the field, for them. */
static int parse_role_list(struct tstr f, struct tstr whole, const char *side,
			   uint32_t *mask, struct reason *why)
{
	struct tstr bad;
	char valid[512];

	if (f.n == 0)
		return fail(why, "no role %s the arrow in '%.*s'", side, TSHOW(whole));
	switch (cat_roles_parse(f, mask, &bad)) {
	case ROLES_OK:
		/* It says which hosts are trusted, not what they may open. */
		if (*mask & ~ROW_ROLES)
			return fail(why, "role '%s' is the inventory's "
				    "alone (trusted tunnel endpoints); no row "
				    "takes it",
				    cat_role_name(ROLE_TUNNEL_ENDPOINT));
		return 0;
	case ROLES_EMPTY:
		return fail(why, "empty role in '%.*s'", TSHOW(whole));
	default:
		cat_roles_str(ROW_ROLES, ", ", valid, sizeof(valid));
		return fail(why, "unknown role '%.*s' (valid: %s)", TSHOW(bad),
			    valid);
	}
}

/* "FROM -> TO" or "FROM <-> TO". Role ids hold no '<' or '>', so the
   first "->" is the arrow and any other angle bracket is a mistake. */
static int parse_roles(struct tstr f, struct cat_row *r, struct reason *why)
{
	size_t i, arrow = f.n;
	struct tstr from, to;

	for (i = 0; i + 1 < f.n; i++) {
		if (f.s[i] == '-' && f.s[i + 1] == '>') {
			arrow = i;
			break;
		}
	}
	if (arrow == f.n)
		return fail(why, "roles '%.*s' need an arrow: 'FROM -> TO' or "
			    "'FROM <-> TO'", TSHOW(f));
	r->bidir = arrow > 0 && f.s[arrow - 1] == '<';
	from = tstr_trim((struct tstr){ f.s, arrow - r->bidir });
	to = tstr_trim((struct tstr){ f.s + arrow + 2, f.n - arrow - 2 });
	if (memchr(from.s, '<', from.n) || memchr(from.s, '>', from.n) ||
	    memchr(to.s, '<', to.n) || memchr(to.s, '>', to.n))
		return fail(why, "roles '%.*s' take exactly one arrow", TSHOW(f));
	if (parse_role_list(from, f, "before", &r->from_roles, why) < 0 ||
	    parse_role_list(to, f, "after", &r->to_roles, why) < 0)
		return -1;
	return 0;
}

static int parse_transport(struct tstr f, struct cat_row *r, struct reason *why)
{
	static const struct { const char *name; uint8_t bits; } tr[] = {
		{ "tcp", CT_TCP }, { "udp", CT_UDP }, { "tls", CT_TCP | CT_TLS },
		{ "icmp", CT_ICMP }, { "icmpv6", CT_ICMPV6 }
	};
	struct tstr item;
	unsigned seen = 0;
	size_t k;

	r->transports = 0;
	while (tstr_item(&f, ',', &item)) {
		for (k = 0; k < sizeof(tr) / sizeof(tr[0]); k++)
			if (tstr_is(item, tr[k].name))
				break;
		if (item.n == 0)
			return fail(why, "empty item in transport list");
		if (k == sizeof(tr) / sizeof(tr[0]))
			return fail(why, "unknown transport '%.*s' (valid: tcp, "
				    "udp, tls, icmp, icmpv6)", TSHOW(item));
		/* As a port twice in dport: a slip, said rather than kept. */
		if (seen & (1u << k))
			return fail(why, "transport lists '%s' twice", tr[k].name);
		seen |= 1u << k;
		r->transports |= tr[k].bits;
	}
	/* ICMP rows have no ports, port rows no ICMP: one row cannot be both. */
	if ((r->transports & (CT_ICMP | CT_ICMPV6)) &&
	    (r->transports & (CT_TCP | CT_UDP | CT_TLS)))
		return fail(why, "transport mixes icmp/icmpv6 with tcp/udp/tls; "
			    "write two rows");
	/* tls requires TLS on the TCP port, tcp allows clear text there:
	   a row says one or the other. */
	if ((r->transports & CT_TLS) && (seen & 1u) /* tr[0], tcp */)
		return fail(why, "transport has both tcp and tls; tls already "
			    "means TCP (with TLS required), tcp allows clear text");
	return 0;
}

static bool spans_meet(struct port_span a, struct port_span b)
{
	return a.lo <= b.hi && b.lo <= a.hi;
}

static int fmt_span(char *buf, size_t size, struct port_span s)
{
	if (s.lo == s.hi)
		return snprintf(buf, size, "%u", (unsigned)s.lo);
	return snprintf(buf, size, "%u-%u", (unsigned)s.lo, (unsigned)s.hi);
}

/* One port 1..65535. */
static int parse_port(struct tstr f, const char *what, uint16_t *port,
		      struct reason *why)
{
	unsigned long v;
	int rc = tstr_uint(f, &v);

	if (rc == -1)
		return fail(why, "bad port '%.*s' in %s", TSHOW(f), what);
	if (rc == -2 || v < 1 || v > 65535)
		return fail(why, "port %.*s out of range 1-65535 in %s", TSHOW(f), what);
	*port = (uint16_t)v;
	return 0;
}

/* A comma list of ports and lo-hi ranges, no two meeting (so a row is
   listed once per port in the index). */
static int parse_spans(struct tstr f, const char *what, struct port_span *out,
		       uint8_t *count, struct reason *why)
{
	struct tstr item;
	size_t n = 0, i, j;

	while (tstr_item(&f, ',', &item)) {
		struct tstr lo, hi = item;
		struct port_span s;

		if (item.n == 0)
			return fail(why, "empty item in %s list", what);
		if (n == MAX_PORT_SPANS)
			return fail(why, "more than %d ports or ranges in %s",
				    MAX_PORT_SPANS, what);
		/* hi keeps what follows the first '-', if there is one. */
		tstr_item(&hi, '-', &lo);
		if (!hi.s) {
			if (parse_port(item, what, &s.lo, why) < 0)
				return -1;
			s.hi = s.lo;
		} else {
			hi = tstr_trim(hi);
			if (lo.n == 0 || hi.n == 0)
				return fail(why, "bad port range '%.*s' in %s (write "
					    "lo-hi)", TSHOW(item), what);
			if (parse_port(lo, what, &s.lo, why) < 0 ||
			    parse_port(hi, what, &s.hi, why) < 0)
				return -1;
			if (s.lo > s.hi)
				return fail(why, "inverted range %u-%u in %s (low "
					    "port first)", (unsigned)s.lo,
					    (unsigned)s.hi, what);
		}
		out[n++] = s;
	}
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (spans_meet(out[i], out[j])) {
				char a[16], b[16];

				fmt_span(a, sizeof(a), out[i]);
				fmt_span(b, sizeof(b), out[j]);
				return fail(why, "%s lists port %s and %s, which "
					    "overlap", what, a, b);
			}
		}
	}
	*count = (uint8_t)n;
	return 0;
}

/* Needs transport already parsed (ICMP rows take '-'). */
static int parse_dport(struct tstr f, struct cat_row *r, struct reason *why)
{
	static const char word[] = "configurable";
	struct tstr ports, last;

	r->n_dport = 0;
	r->dport_configurable = 0;
	if (catalogue_row_icmp(r)) {
		if (!tstr_is(f, "-"))
			return fail(why, "ICMP rows take '-' as dport, not '%.*s'",
				    TSHOW(f));
		return 0;
	}
	if (tstr_is(f, "-"))
		return fail(why, "dport '-' is only for icmp/icmpv6 rows");
	if (tstr_is(f, word)) {
		/* No default port: only a fixed sender port can find the row. */
		r->dport_configurable = 1;
		return 0;
	}
	if (tstr_last_word(f, &ports, &last) && tstr_is(last, word)) {
		r->dport_configurable = 1;
		f = ports;
	}
	if (tstr_has(f, word))
		return fail(why, "'configurable' comes once, last, after the "
			    "ports and a blank (e.g. '5432 configurable', "
			    "'389,3268 configurable')");
	return parse_spans(f, "dport", r->dport, &r->n_dport, why);
}

static int parse_sport(struct tstr f, struct cat_row *r, struct reason *why)
{
	r->n_sport = 0;
	if (tstr_is(f, "ephemeral")) {
		r->sport_kind = SPORT_EPHEMERAL;
		return 0;
	}
	if (tstr_is(f, "bidirectional")) {
		r->sport_kind = SPORT_BIDIRECTIONAL;
		return 0;
	}
	if (catalogue_row_icmp(r)) {
		if (tstr_is(f, "-")) {
			r->sport_kind = SPORT_EPHEMERAL;
			return 0;
		}
		return fail(why, "ICMP rows take '-' or 'ephemeral' as sport, "
			    "not '%.*s'", TSHOW(f));
	}
	if (tstr_has(f, "configurable"))
		return fail(why, "'configurable' is only for dport; sport is "
			    "'ephemeral', 'bidirectional' or ports");
	r->sport_kind = SPORT_FIXED;
	if (f.n == 0 || (f.s[0] < '0' || f.s[0] > '9'))
		return fail(why, "sport '%.*s' is not 'ephemeral', "
			    "'bidirectional' or a list of ports", TSHOW(f));
	return parse_spans(f, "sport", r->sport, &r->n_sport, why);
}

/* A span that holds every client port (the default --ephemeral-ports,
   1024-65535) is no listener's: every flow of the transport has a port in
   it, so such a row documents them all. It is a site's "any port", and
   0-65535, the other way to write it, is refused for its port 0. */
static int span_every_port(const struct port_span *s, size_t n,
			   const char *what, const char *whose,
			   struct reason *why)
{
	unsigned long held = 0;
	size_t i;

	/* The spans never meet (parse_spans()), so their shares add up:
	   1024-39999,40000-65535 is every port as much as 1-65535. */
	for (i = 0; i < n; i++) {
		unsigned long lo = s[i].lo > DEF_EPHEMERAL_LO ? s[i].lo
							    : DEF_EPHEMERAL_LO;
		unsigned long hi = s[i].hi < DEF_EPHEMERAL_HI ? s[i].hi
							    : DEF_EPHEMERAL_HI;

		if (lo <= hi)
			held += hi - lo + 1;
	}
	if (held == DEF_EPHEMERAL_HI - DEF_EPHEMERAL_LO + 1)
		return fail(why, "%s holds every port from %u to %u, so the "
			    "row would document every flow; write the %s "
			    "ports", what, DEF_EPHEMERAL_LO, DEF_EPHEMERAL_HI,
			    whose);
	return 0;
}

/* The listener's ports, or with 'configurable' alone the sender's, which
   then find the row whatever the listener: neither may be every port. */
static int check_every_port(const struct cat_row *r, struct reason *why)
{
	if (r->n_dport)
		return span_every_port(r->dport, r->n_dport, "dport",
				       "listener's", why);
	return span_every_port(r->sport, r->n_sport, "sport", "sender's fixed",
			       why);
}

static int parse_scope(struct tstr f, struct cat_row *r, struct reason *why)
{
	if (tstr_is(f, "wire"))
		r->scope = SCOPE_WIRE;
	else if (tstr_is(f, "localhost"))
		r->scope = SCOPE_LOCALHOST;
	else
		return fail(why, "unknown scope '%.*s' (valid: wire, localhost)",
			    TSHOW(f));
	return 0;
}

/* The apps field (catalogue_apps.c), with this file's messages. -1 with
   why set on a bad field; -2 when out of memory. */
static int parse_apps(struct cat_stage *st, struct tstr f, struct cat_row *r,
		      struct reason *why)
{
	struct tstr bad = { "", 0 };

	switch (cat_apps_parse(st, f, r, &bad)) {
	case APPS_OK:
		return 0;
	case APPS_ERR_NOMEM:
		return -2;
	case APPS_ERR_EMPTY:
		return fail(why, "empty item in apps list");
	case APPS_ERR_ALONE:
		return fail(why, "apps '%.*s' stands alone, not in a list",
			    TSHOW(bad));
	case APPS_ERR_NAME:
		return fail(why, "bad nDPI protocol name '%.*s' in apps (letters, "
			    "digits, '_', '.', '-')", TSHOW(bad));
	case APPS_ERR_TWICE:
		return fail(why, "apps names '%.*s' twice", TSHOW(bad));
	default:
		return fail(why, "unknown nDPI protocol '%.*s' in apps (names as "
			    "nDPI writes them: SIP, TLS, Jabber, MsSQL-TDS...)",
			    TSHOW(bad));
	}
}

/* ------------------------------------------------------------- one row */

/*
 * Parse one non-comment line into *r. Strings go to the stage's arena.
 * -1 with why filled on a bad line; -2 when out of memory.
 */
static int parse_row(struct cat_stage *st, struct tstr rest, struct cat_row *r,
		     struct reason *why)
{
	struct tstr f[F_MAX], item;
	size_t nf = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	while (tstr_item(&rest, '|', &item)) {
		if (nf == F_MAX)
			return fail(why, "too many fields (more than %d; is there a "
				    "'|' in a text field?)", F_MAX);
		f[nf++] = item;
	}
	if (nf < F_MIN)
		return fail(why, "missing field '%s' (field %zu; a row has %d "
			    "to %d fields, this one %zu)", field_names[nf],
			    nf + 1, F_MIN, F_MAX, nf);
	for (size_t i = 0; i < F_MIN; i++)
		if (f[i].n == 0)
			return fail(why, "empty field '%s' (field %zu)",
				    field_names[i], i + 1);

	if (parse_table(f[F_TABLE], r, why) < 0 ||
	    check_service(f[F_SERVICE], why) < 0 ||
	    parse_roles(f[F_ROLES], r, why) < 0 ||
	    parse_transport(f[F_TRANSPORT], r, why) < 0 ||
	    parse_dport(f[F_DPORT], r, why) < 0 ||
	    parse_sport(f[F_SPORT], r, why) < 0 ||
	    parse_scope(f[F_SCOPE], r, why) < 0)
		return -1;
	if (r->n_dport == 0 && r->dport_configurable &&
	    r->sport_kind != SPORT_FIXED)
		return fail(why, "dport 'configurable' with no port needs a fixed "
			    "sport, or the row could never match");
	if (check_every_port(r, why) < 0)
		return -1;

	rc = parse_apps(st, f[F_APPS], r, why);
	if (rc < 0)
		return rc;

	/* Notes left out, empty or "-" are all "no note". */
	for (size_t i = F_NOTE_KO; i < F_MAX; i++) {
		if (i >= nf || tstr_is(f[i], "-")) {
			f[i].s = "";
			f[i].n = 0;
		}
	}
	r->service = arena_strndup(&st->arena, f[F_SERVICE].s, f[F_SERVICE].n);
	r->protocol = arena_strndup(&st->arena, f[F_PROTOCOL].s, f[F_PROTOCOL].n);
	r->description = arena_strndup(&st->arena, f[F_DESCRIPTION].s,
				       f[F_DESCRIPTION].n);
	r->note_ko = arena_strndup(&st->arena, f[F_NOTE_KO].s, f[F_NOTE_KO].n);
	r->note_ja = arena_strndup(&st->arena, f[F_NOTE_JA].s, f[F_NOTE_JA].n);
	if (!r->service || !r->protocol || !r->description ||
	    !r->note_ko || !r->note_ja)
		return -2;
	r->file = st->file;
	return 0;
}

/* ---------------------------------------------------- duplicate checks */

/* The IP protocols a row is indexed under, as bits. */
static unsigned row_protos(const struct cat_row *r)
{
	return ((r->transports & (CT_TCP | CT_TLS)) ? 1u : 0u) |
	       ((r->transports & CT_UDP) ? 2u : 0u) |
	       ((r->transports & CT_ICMP) ? 4u : 0u) |
	       ((r->transports & CT_ICMPV6) ? 8u : 0u);
}

static bool any_spans_meet(const struct port_span *a, size_t na,
			   const struct port_span *b, size_t nb)
{
	size_t i, j;

	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (spans_meet(a[i], b[j]))
				return true;
	return false;
}

/* Would a and b answer the same lookup? Rows with no dport (ICMP, or
   "configurable" alone) meet when their sender ports do. */
static bool rows_meet(const struct cat_row *a, const struct cat_row *b)
{
	if (!(row_protos(a) & row_protos(b)))
		return false;
	if (a->n_dport == 0 && b->n_dport == 0) {
		if (catalogue_row_icmp(a))
			return true;
		return any_spans_meet(a->sport, a->n_sport, b->sport, b->n_sport);
	}
	return any_spans_meet(a->dport, a->n_dport, b->dport, b->n_dport);
}

static bool same_group(const struct cat_row *a, const struct cat_row *b)
{
	return a->table == b->table && a->from_roles == b->from_roles &&
	       a->to_roles == b->to_roles && strcmp(a->service, b->service) == 0;
}

/* Every field but where the row was read. */
static bool rows_identical(const struct cat_row *a, const struct cat_row *b)
{
	return a->table == b->table && a->transports == b->transports &&
	       a->scope == b->scope && a->sport_kind == b->sport_kind &&
	       a->dport_configurable == b->dport_configurable &&
	       a->bidir == b->bidir && a->n_dport == b->n_dport &&
	       a->n_sport == b->n_sport &&
	       memcmp(a->dport, b->dport, a->n_dport * sizeof(a->dport[0])) == 0 &&
	       memcmp(a->sport, b->sport, a->n_sport * sizeof(a->sport[0])) == 0 &&
	       a->from_roles == b->from_roles && a->to_roles == b->to_roles &&
	       strcmp(a->service, b->service) == 0 &&
	       strcmp(a->protocol, b->protocol) == 0 &&
	       strcmp(a->apps, b->apps) == 0 &&
	       strcmp(a->description, b->description) == 0 &&
	       strcmp(a->note_ko, b->note_ko) == 0 &&
	       strcmp(a->note_ja, b->note_ja) == 0;
}

/* An earlier row of this parse that r duplicates or contradicts. */
static const struct cat_row *find_clash(const struct cat_stage *st,
					const struct cat_row *r)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (same_group(&st->rows[i], r) && rows_meet(&st->rows[i], r))
			return &st->rows[i];
	return NULL;
}

/* A site row (an earlier --rules-add) that r would replace: a service's
   site rows are in one file, or the later file drops the earlier one's
   rows unsaid (and a file given twice is a slip). */
static const struct cat_row *find_site_row(const struct cat_stage *st,
					   const struct cat_row *r)
{
	size_t i;

	for (i = 0; i < st->n_prior; i++)
		if (st->prior[i].site && st->prior[i].table == r->table &&
		    strcmp(st->prior[i].service, r->service) == 0)
			return &st->prior[i];
	return NULL;
}

/* ---------------------------------------------------------------- lines */

int cat_stage_parse(struct cat_stage *st, const char *name, const char *buf,
		    size_t len, FILE *err)
{
	struct reason why;
	struct tlines tl;
	struct tstr ln;

	st->file = arena_strndup(&st->arena, name, strlen(name));
	if (!st->file)
		goto oom;

	/* Lines as every strict loader reads them (textfile.c): a BOM
	   skipped, CRLF accepted, long lines and bad bytes refused. */
	tlines_init(&tl, buf, len);
	while (tlines_next(&tl, &ln)) {
		uint32_t lineno = tl.lineno;
		struct tstr t;
		struct cat_row row;
		const struct cat_row *clash;
		int prc;

		if (tline_check(name, lineno, ln, MAX_RULE_LINE, err) != 0)
			return -1;
		t = tstr_trim(ln);
		if (t.n == 0 || t.s[0] == '#')
			continue;
		if (st->n == MAX_RULES) {
			tline_error(err, name, lineno, ln,
				    "more than %d rows", MAX_RULES);
			return -1;
		}
		prc = parse_row(st, t, &row, &why);
		if (prc == -2)
			goto oom;
		if (prc < 0) {
			tline_error(err, name, lineno, ln, "%s", why.buf);
			return -1;
		}
		row.line = lineno;
		clash = find_site_row(st, &row);
		if (clash) {
			tline_error(err, name, lineno, ln, "table %u service "
				    "%s is a site's already (%s:%u); a "
				    "service's site rows go in one file",
				    (unsigned)row.table, row.service,
				    clash->file, (unsigned)clash->line);
			return -1;
		}
		clash = find_clash(st, &row);
		if (clash) {
			if (rows_identical(clash, &row))
				tline_error(err, name, lineno, ln,
					    "duplicates line %u", (unsigned)clash->line);
			else
				tline_error(err, name, lineno, ln,
					    "conflicts with line %u (same table, "
					    "service and roles on an overlapping "
					    "transport and port)",
					    (unsigned)clash->line);
			return -1;
		}
		if (st->n == st->cap) {
			size_t cap = st->cap ? st->cap * 2 : 64;
			struct cat_row *rows = realloc(st->rows, cap * sizeof(*rows));

			if (!rows)
				goto oom;
			st->rows = rows;
			st->cap = cap;
		}
		st->rows[st->n++] = row;
	}
	if (st->n == 0) {
		tfile_error(err, name, "no rows");
		return -1;
	}
	return 0;
oom:
	tfile_error(err, name, "out of memory");
	return -1;
}

void cat_stage_free(struct cat_stage *st)
{
	free(st->rows);
	arena_free(st->arena);
	memset(st, 0, sizeof(*st));
}
