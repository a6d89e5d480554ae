/*
 * catalogue.c: load, check and index the IM&P port catalogue.
 *
 * Loading is strict and all or nothing: one parse collects its rows and
 * their strings in a staging area, and only a text that is good to its last
 * line is merged into the catalogue. catalogue_build() then freezes the rows
 * into two indexes (destination ports, and fixed source ports) that answer
 * every lookup with one hash probe or one binary search, allocating nothing.
 */
#include "catalogue.h"
#include "textfile.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EMBEDDED_NAME "rules/imp.conf (built in)"

/* A catalogue file holds at most MAX_RULES rows of MAX_RULE_LINE bytes;
   comments and blank lines come on top. Past this size a file is surely
   not a catalogue (or is a device like /dev/zero), so reading stops. */
#define CAT_MAX_FILE_BYTES ((size_t)64 << 20)

/* IP protocol numbers the catalogue keys on (IANA). */
#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_UDP    17
#define PROTO_ICMPV6 58

/* ---------------------------------------------------------------- arena */

/* Strings live in chunks freed together: rows never free their own, and a
   staging area's chunks move to the catalogue in one splice. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	char data[];
};

#define ARENA_CHUNK 16384

/* Copy s[0..n) with a NUL into the arena; NULL when out of memory. */
static char *arena_strndup(struct arena_chunk **head, const char *s, size_t n)
{
	struct arena_chunk *a = *head;
	char *d;

	if (!a || a->cap - a->used < n + 1) {
		size_t cap = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;

		a = malloc(sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->next = *head;
		a->used = 0;
		a->cap = cap;
		*head = a;
	}
	d = a->data + a->used;
	memcpy(d, s, n);
	d[n] = '\0';
	a->used += n + 1;
	return d;
}

static void arena_free(struct arena_chunk *a)
{
	while (a) {
		struct arena_chunk *next = a->next;

		free(a);
		a = next;
	}
}

/* ---------------------------------------------------------------- index */

/* One single port: its rows are rows[off .. off + n). */
struct pslot {
	uint32_t key1;   /* (proto << 16 | port) + 1; 0 marks an empty slot */
	uint32_t off;
	uint16_t n;
};

/* One elementary segment of port ranges: every port in [lo, hi] is covered
   by exactly the same range rows, rows[off .. off + n). */
struct pseg {
	uint32_t lo, hi; /* proto << 16 | port, inclusive */
	uint32_t off;
	uint16_t n;
};

/*
 * Single ports in an open-addressing table (power of two, at most half
 * full, linear probing), ranges as sorted disjoint segments. A single port
 * that also lies in a range already carries that range's rows in its slice,
 * so a hit in the table is the whole answer.
 */
struct pindex {
	struct pslot *slots;
	uint32_t mask;   /* slot count - 1 */
	unsigned shift;  /* 32 - log2(slot count), for the multiplicative hash */
	struct pseg *segs;
	size_t n_segs;
	uint16_t *rows;
	size_t n_rows, cap_rows;
};

struct catalogue {
	struct cat_row *rows;
	size_t n, cap;
	struct arena_chunk *arena;
	bool built;
	struct pindex dst;   /* keyed by (proto, destination port) */
	struct pindex src;   /* rows with a fixed source port, by (proto, sport) */
	cat_app_check_fn app_check;  /* names in apps fields, or NULL */
	void *app_check_ctx;
};

static void pindex_free(struct pindex *ix)
{
	free(ix->slots);
	free(ix->segs);
	free(ix->rows);
	memset(ix, 0, sizeof(*ix));
}

/*
 * Keys come from the catalogue, not from packets, and the table is frozen
 * at most half full: a packet's port can only choose which fixed probe
 * sequence it walks, so no seed is needed against crafted traffic.
 */
static uint32_t key_hash(uint32_t key, unsigned shift)
{
	return (uint32_t)(key * 2654435769u) >> shift;
}

static struct cat_match pindex_find(const struct pindex *ix, uint32_t key)
{
	struct cat_match m = { NULL, 0 };
	size_t lo, hi;

	if (ix->slots) {
		uint32_t i = key_hash(key, ix->shift) & ix->mask;

		while (ix->slots[i].key1) {
			if (ix->slots[i].key1 == key + 1) {
				m.rows = ix->rows + ix->slots[i].off;
				m.n = ix->slots[i].n;
				return m;
			}
			i = (i + 1) & ix->mask;
		}
	}
	/* First segment ending at or after key; it holds key if it starts
	   at or before it (segments are disjoint and sorted). */
	lo = 0;
	hi = ix->n_segs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->segs[mid].hi < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n_segs && ix->segs[lo].lo <= key) {
		m.rows = ix->rows + ix->segs[lo].off;
		m.n = ix->segs[lo].n;
	}
	return m;
}

/* ------------------------------------------------------------ catalogue */

struct catalogue *catalogue_new(void)
{
	return calloc(1, sizeof(struct catalogue));
}

void catalogue_free(struct catalogue *c)
{
	if (!c)
		return;
	pindex_free(&c->dst);
	pindex_free(&c->src);
	free(c->rows);
	arena_free(c->arena);
	free(c);
}

void catalogue_set_app_check(struct catalogue *c, cat_app_check_fn fn,
			     void *ctx)
{
	c->app_check = fn;
	c->app_check_ctx = ctx;
}

size_t catalogue_count(const struct catalogue *c)
{
	return c ? c->n : 0;
}

const struct cat_row *catalogue_row(const struct catalogue *c, size_t i)
{
	return c && i < c->n ? &c->rows[i] : NULL;
}

/* ---------------------------------------------------------------- roles */

#define X_NAME(e, id, label) id,
static const char *const role_names[ROLE_COUNT] = { CAT_ROLES(X_NAME) };
#undef X_NAME
#define X_LABEL(e, id, label) label,
static const char *const role_labels[ROLE_COUNT] = { CAT_ROLES(X_LABEL) };
#undef X_LABEL

const char *cat_role_name(enum cat_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

const char *cat_role_label(enum cat_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_labels[r] : "?";
}

int cat_role_parse(const char *s, size_t len)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (strlen(role_names[i]) == len && memcmp(role_names[i], s, len) == 0)
			return i;
	return -1;
}

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
#define TABLE_MAX 63

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
	if (rc == -2 || v > TABLE_MAX)
		return fail(why, "table %.*s out of range 0-%d", TSHOW(f), TABLE_MAX);
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

/* The valid role ids, for a message. */
static void role_list(char *buf, size_t size)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < ROLE_COUNT && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s",
				 i ? ", " : "", role_names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* A comma list of role ids into a bitmask. */
static int parse_role_list(struct tstr f, struct tstr whole, const char *side,
			   uint32_t *mask, struct reason *why)
{
	struct tstr item;

	*mask = 0;
	if (f.n == 0)
		return fail(why, "no role %s the arrow in '%.*s'", side, TSHOW(whole));
	while (tstr_item(&f, ',', &item)) {
		int role;

		if (item.n == 0)
			return fail(why, "empty role in '%.*s'", TSHOW(whole));
		role = cat_role_parse(item.s, item.n);
		if (role < 0) {
			char valid[512];

			role_list(valid, sizeof(valid));
			return fail(why, "unknown role '%.*s' (valid: %s)",
				    TSHOW(item), valid);
		}
		*mask |= (uint32_t)1 << role;
	}
	return 0;
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
	struct tstr item;

	r->transports = 0;
	while (tstr_item(&f, ',', &item)) {
		if (tstr_is(item, "tcp"))
			r->transports |= CT_TCP;
		else if (tstr_is(item, "udp"))
			r->transports |= CT_UDP;
		else if (tstr_is(item, "tls"))
			r->transports |= CT_TCP | CT_TLS;
		else if (tstr_is(item, "icmp"))
			r->transports |= CT_ICMP;
		else if (tstr_is(item, "icmpv6"))
			r->transports |= CT_ICMPV6;
		else if (item.n == 0)
			return fail(why, "empty item in transport list");
		else
			return fail(why, "unknown transport '%.*s' (valid: tcp, "
				    "udp, tls, icmp, icmpv6)", TSHOW(item));
	}
	/* ICMP rows have no ports, port rows no ICMP: one row cannot be both. */
	if ((r->transports & (CT_ICMP | CT_ICMPV6)) &&
	    (r->transports & (CT_TCP | CT_UDP | CT_TLS)))
		return fail(why, "transport mixes icmp/icmpv6 with tcp/udp/tls; "
			    "write two rows");
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

static bool row_is_icmp(const struct cat_row *r)
{
	return (r->transports & (CT_ICMP | CT_ICMPV6)) != 0;
}

/* Needs transport already parsed (ICMP rows take '-'). */
static int parse_dport(struct tstr f, struct cat_row *r, struct reason *why)
{
	static const char word[] = "configurable";
	struct tstr ports, last;

	r->n_dport = 0;
	r->dport_configurable = 0;
	if (row_is_icmp(r)) {
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
	if (row_is_icmp(r)) {
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

/* Staged rows of one parse, with their strings. */
struct stage {
	struct arena_chunk *arena;
	struct cat_row *rows;
	size_t n, cap;
	const char *file;
	cat_app_check_fn app_check;   /* the catalogue's, or NULL */
	void *app_check_ctx;
};

static bool app_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

/* Check the apps list and write it to out without blanks ("SIP,TLS"), so
   equal lists compare equal. out holds at least f.n + 1 bytes and is not
   f's storage. With a name check (DPI on), every name must be nDPI's. */
static int parse_apps(const struct stage *st, struct tstr f, char *out,
		      struct reason *why)
{
	struct tstr item;
	size_t used = 0, i;

	if (tstr_is(f, "-") || tstr_is(f, "any")) {
		memcpy(out, f.s, f.n);
		out[f.n] = '\0';
		return 0;
	}
	while (tstr_item(&f, ',', &item)) {
		if (item.n == 0)
			return fail(why, "empty item in apps list");
		if (tstr_is(item, "-") || tstr_is(item, "any"))
			return fail(why, "apps '%.*s' stands alone, not in a list",
				    TSHOW(item));
		for (i = 0; i < item.n; i++)
			if (!app_char(item.s[i]))
				return fail(why, "bad nDPI protocol name '%.*s' in "
					    "apps (letters, digits, '_', '.', "
					    "'-')", TSHOW(item));
		if (st->app_check &&
		    !st->app_check(st->app_check_ctx, item.s, item.n))
			return fail(why, "unknown nDPI protocol '%.*s' in apps "
				    "(names as nDPI writes them: SIP, TLS, "
				    "Jabber, MsSQL-TDS...)", TSHOW(item));
		if (used)
			out[used++] = ',';
		memcpy(out + used, item.s, item.n);
		used += item.n;
	}
	out[used] = '\0';
	return 0;
}

/* ------------------------------------------------------------- one row */

/*
 * Parse one non-comment line into *r. Strings go to the stage's arena.
 * -1 with why filled on a bad line; -2 when out of memory.
 */
static int parse_row(struct stage *st, struct tstr rest, struct cat_row *r,
		     struct reason *why)
{
	struct tstr f[F_MAX], item;
	size_t nf = 0;
	char *apps;

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

	/* The normal form is never longer than the text: reserve that much
	   in the arena and write it there. */
	apps = arena_strndup(&st->arena, f[F_APPS].s, f[F_APPS].n);
	if (!apps)
		return -2;
	if (parse_apps(st, f[F_APPS], apps, why) < 0)
		return -1;
	r->apps = apps;

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
		if (row_is_icmp(a))
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
static const struct cat_row *find_clash(const struct stage *st,
					const struct cat_row *r)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (same_group(&st->rows[i], r) && rows_meet(&st->rows[i], r))
			return &st->rows[i];
	return NULL;
}

/* ---------------------------------------------------------------- merge */

static bool same_key(const struct cat_row *a, const struct cat_row *b)
{
	return a->table == b->table && strcmp(a->service, b->service) == 0;
}

/*
 * Put the staged rows into the catalogue. Without override they go at the
 * end. With it, the staged rows of a (table, service) the catalogue already
 * has take the place of that service's first row and its other rows go, so
 * `impwatch rules` keeps the guide's order; new services go at the end.
 */
static int merge(struct catalogue *c, struct stage *st, bool override,
		 const char *name, FILE *err)
{
	struct cat_row *out;
	bool *placed;
	size_t n = 0, i, j;

	out = malloc((c->n + st->n) * sizeof(*out));
	placed = calloc(st->n, sizeof(*placed));
	if (!out || !placed) {
		free(out);
		free(placed);
		tfile_error(err, name, "out of memory");
		return -1;
	}
	for (i = 0; i < c->n; i++) {
		const struct cat_row *old = &c->rows[i];
		bool replaced = false;

		for (j = 0; override && j < st->n; j++) {
			if (!same_key(old, &st->rows[j]))
				continue;
			replaced = true;
			if (!placed[j])
				out[n++] = st->rows[j];
			placed[j] = true;
		}
		if (!replaced)
			out[n++] = *old;
	}
	for (j = 0; j < st->n; j++)
		if (!placed[j])
			out[n++] = st->rows[j];
	free(placed);
	if (n > MAX_RULES) {
		free(out);
		tfile_error(err, name, "the catalogue would hold %zu rows, more "
			   "than %d", n, MAX_RULES);
		return -1;
	}
	free(c->rows);
	c->rows = out;
	c->n = c->cap = n;

	/* The staged strings now belong to the catalogue. */
	if (st->arena) {
		struct arena_chunk *tail = st->arena;

		while (tail->next)
			tail = tail->next;
		tail->next = c->arena;
		c->arena = st->arena;
		st->arena = NULL;
	}
	return 0;
}

/* ---------------------------------------------------------------- parse */

int catalogue_parse(struct catalogue *c, const char *name, const char *buf,
		    size_t len, bool override, FILE *err)
{
	struct stage st;
	struct reason why;
	struct tlines tl;
	struct tstr ln;
	int rc = -1;

	if (!c)
		return -1;
	if (!name)
		name = "(catalogue)";
	if (c->built) {
		tfile_error(err, name, "the catalogue is already built; load every "
			   "file before catalogue_build()");
		return -1;
	}
	memset(&st, 0, sizeof(st));
	st.file = arena_strndup(&st.arena, name, strlen(name));
	st.app_check = c->app_check;
	st.app_check_ctx = c->app_check_ctx;
	if (!st.file)
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
			goto out;
		t = tstr_trim(ln);
		if (t.n == 0 || t.s[0] == '#')
			continue;
		if (st.n == MAX_RULES) {
			tline_error(err, name, lineno, ln,
				   "more than %d rows", MAX_RULES);
			goto out;
		}
		prc = parse_row(&st, t, &row, &why);
		if (prc == -2)
			goto oom;
		if (prc < 0) {
			tline_error(err, name, lineno, ln, "%s", why.buf);
			goto out;
		}
		row.line = lineno;
		clash = find_clash(&st, &row);
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
			goto out;
		}
		if (st.n == st.cap) {
			size_t cap = st.cap ? st.cap * 2 : 64;
			struct cat_row *rows = realloc(st.rows, cap * sizeof(*rows));

			if (!rows)
				goto oom;
			st.rows = rows;
			st.cap = cap;
		}
		st.rows[st.n++] = row;
	}
	if (st.n == 0) {
		tfile_error(err, name, "no rows");
		goto out;
	}
	rc = merge(c, &st, override, name, err);
	goto out;
oom:
	tfile_error(err, name, "out of memory");
out:
	free(st.rows);
	arena_free(st.arena);
	return rc;
}

int catalogue_load_file(struct catalogue *c, const char *path, bool override,
			FILE *err)
{
	char *buf;
	size_t len;
	int rc;

	if (!path)
		return -1;
	if (textfile_read(path, CAT_MAX_FILE_BYTES, "a catalogue", &buf, &len, err) != 0)
		return -1;
	rc = catalogue_parse(c, path, buf, len, override, err);
	free(buf);
	return rc;
}

int catalogue_load_embedded(struct catalogue *c, FILE *err)
{
	return catalogue_parse(c, EMBEDDED_NAME,
			       (const char *)impwatch_embedded_rules,
			       impwatch_embedded_rules_len, false, err);
}

/* ---------------------------------------------------------------- build */

/* One port or range of one row under one IP protocol, as composite keys. */
struct span_item {
	uint32_t lo, hi;
	uint16_t row;
};

/* A range starting (add) or ending (one past its end) at pos. */
struct sweep_event {
	uint32_t pos;
	uint16_t row;
	uint8_t add;
};

struct builder {
	struct catalogue *c;
	struct pindex *ix;
	const char *what;   /* "port" or "source port", for messages */
	FILE *err;
};

static const char *proto_name(uint32_t proto)
{
	switch (proto) {
	case PROTO_TCP: return "tcp";
	case PROTO_UDP: return "udp";
	case PROTO_ICMP: return "icmp";
	case PROTO_ICMPV6: return "icmpv6";
	default: return "?";
	}
}

static int cmp_item(const void *a, const void *b)
{
	const struct span_item *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* By position, then kind and row, so the sweep is deterministic. Order
   within one position does not matter for correctness: the per-row depth
   in build_segments() keeps a row whose ranges touch (100-200, 201-300)
   covered across the seam. */
static int cmp_event(const void *a, const void *b)
{
	const struct sweep_event *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	if (x->add != y->add)
		return x->add < y->add ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* Append rows to the index's row array; the offset they start at, or -1. */
static long push_rows(struct pindex *ix, const uint16_t *rows, size_t n)
{
	size_t off = ix->n_rows;

	if (ix->cap_rows - ix->n_rows < n) {
		size_t cap = ix->cap_rows ? ix->cap_rows : 256;
		uint16_t *nr;

		while (cap - ix->n_rows < n)
			cap *= 2;
		nr = realloc(ix->rows, cap * sizeof(*nr));
		if (!nr)
			return -1;
		ix->rows = nr;
		ix->cap_rows = cap;
	}
	if (n)
		memcpy(ix->rows + off, rows, n * sizeof(*rows));
	ix->n_rows += n;
	return (long)off;
}

/* Too many rows on one key: name the first row past the limit. */
static void too_many(struct builder *b, uint16_t row, uint32_t lo, uint32_t hi)
{
	const struct cat_row *r = &b->c->rows[row];

	if (!b->err)
		return;
	fprintf(b->err, "%s:%u: more than %d rows document %s %s %u",
		r->file, (unsigned)r->line, CAT_MAX_HITS, proto_name(lo >> 16),
		b->what, (unsigned)(lo & 0xffff));
	if (hi != lo)
		fprintf(b->err, "-%u", (unsigned)(hi & 0xffff));
	fprintf(b->err, "; at most %d rows may share one\n", CAT_MAX_HITS);
}

/* Sweep the ranges into disjoint segments, each listing its rows in
   catalogue order. */
static int build_segments(struct builder *b, const struct span_item *rg,
			  size_t n_rg)
{
	struct pindex *ix = b->ix;
	struct sweep_event *ev = NULL;
	uint16_t *active = NULL, *depth = NULL;
	size_t n_ev = 2 * n_rg, n_active = 0, i, j, k;
	int rc = -1;

	if (n_rg == 0)
		return 0;
	ev = malloc(n_ev * sizeof(*ev));
	active = malloc(b->c->n * sizeof(*active));
	depth = calloc(b->c->n, sizeof(*depth));
	ix->segs = malloc(n_ev * sizeof(*ix->segs));
	if (!ev || !active || !depth || !ix->segs)
		goto oom;
	for (i = 0; i < n_rg; i++) {
		ev[2 * i] = (struct sweep_event){ rg[i].lo, rg[i].row, 1 };
		ev[2 * i + 1] = (struct sweep_event){ rg[i].hi + 1, rg[i].row, 0 };
	}
	qsort(ev, n_ev, sizeof(*ev), cmp_event);
	for (i = 0; i < n_ev; i = j) {
		for (j = i; j < n_ev && ev[j].pos == ev[i].pos; j++) {
			uint16_t row = ev[j].row;

			/* depth counts a row's ranges over this point, so a
			   row joins and leaves the sorted active list once. */
			if (ev[j].add && depth[row]++ == 0) {
				for (k = n_active; k > 0 && active[k - 1] > row; k--)
					active[k] = active[k - 1];
				active[k] = row;
				n_active++;
			} else if (!ev[j].add && --depth[row] == 0) {
				for (k = 0; active[k] != row; k++)
					;
				memmove(active + k, active + k + 1,
					(n_active - k - 1) * sizeof(*active));
				n_active--;
			}
		}
		/* Every range ends, so the last position leaves none active. */
		if (n_active > 0 && j < n_ev) {
			struct pseg *s = &ix->segs[ix->n_segs];
			long off;

			if (n_active > CAT_MAX_HITS) {
				too_many(b, active[CAT_MAX_HITS], ev[i].pos,
					 ev[j].pos - 1);
				goto out;
			}
			off = push_rows(ix, active, n_active);
			if (off < 0)
				goto oom;
			s->lo = ev[i].pos;
			s->hi = ev[j].pos - 1;
			s->off = (uint32_t)off;
			s->n = (uint16_t)n_active;
			ix->n_segs++;
		}
	}
	rc = 0;
	goto out;
oom:
	if (b->err)
		fputs("catalogue: out of memory building the index\n", b->err);
out:
	free(ev);
	free(active);
	free(depth);
	return rc;
}

/* Single ports into the hash table, each slice merged with the range rows
   covering that port, in catalogue order. */
static int build_singles(struct builder *b, struct span_item *sg, size_t n_sg)
{
	struct pindex *ix = b->ix;
	uint16_t merged[2 * CAT_MAX_HITS + 1];
	size_t keys = 0, slots = 8, i, j;
	unsigned bits = 3;

	if (n_sg == 0)
		return 0;
	qsort(sg, n_sg, sizeof(*sg), cmp_item);
	for (i = 0; i < n_sg; i++)
		keys += i == 0 || sg[i].lo != sg[i - 1].lo;
	/* At most half full, so probes stay short and always end. */
	while (slots < 2 * keys) {
		slots *= 2;
		bits++;
	}
	ix->slots = calloc(slots, sizeof(*ix->slots));
	if (!ix->slots)
		goto oom;
	ix->mask = (uint32_t)(slots - 1);
	ix->shift = 32 - bits;

	for (i = 0; i < n_sg; i = j) {
		uint32_t key = sg[i].lo;
		struct cat_match rg = { NULL, 0 };
		size_t n = 0, a, r = 0;
		uint32_t h;
		long off;

		/* The range rows over this port, found before the slot exists. */
		rg = pindex_find(ix, key);
		for (j = i; j < n_sg && sg[j].lo == key; j++)
			;
		a = i;
		while (a < j || r < rg.n) {
			uint16_t next;

			if (r >= rg.n || (a < j && sg[a].row <= rg.rows[r]))
				next = sg[a++].row;
			else
				next = rg.rows[r++];
			if (n > 0 && merged[n - 1] == next)
				continue;
			if (n == CAT_MAX_HITS) {
				too_many(b, next, key, key);
				return -1;
			}
			merged[n++] = next;
		}
		off = push_rows(ix, merged, n);
		if (off < 0)
			goto oom;
		h = key_hash(key, ix->shift) & ix->mask;
		while (ix->slots[h].key1)
			h = (h + 1) & ix->mask;
		ix->slots[h].key1 = key + 1;
		ix->slots[h].off = (uint32_t)off;
		ix->slots[h].n = (uint16_t)n;
	}
	return 0;
oom:
	if (b->err)
		fputs("catalogue: out of memory building the index\n", b->err);
	return -1;
}

/* Index every row's destination ports (src false) or fixed source ports
   (src true). */
static int build_index(struct catalogue *c, bool src, FILE *err)
{
	static const struct port_span icmp_span = { 0, 0 };
	struct builder b = { c, src ? &c->src : &c->dst,
			     src ? "source port" : "port", err };
	struct span_item *sg = NULL, *rg = NULL;
	size_t n_sg = 0, n_rg = 0, cap, i;
	int rc = -1;

	/* Each row gives at most MAX_PORT_SPANS spans under two protocols. */
	cap = c->n * 2 * MAX_PORT_SPANS;
	sg = malloc((cap ? cap : 1) * sizeof(*sg));
	rg = malloc((cap ? cap : 1) * sizeof(*rg));
	if (!sg || !rg) {
		if (err)
			fputs("catalogue: out of memory building the index\n", err);
		goto out;
	}
	for (i = 0; i < c->n; i++) {
		const struct cat_row *r = &c->rows[i];
		const struct port_span *sp = src ? r->sport : r->dport;
		size_t n_sp = src ? r->n_sport : r->n_dport;
		uint32_t protos[4];
		size_t np = 0, pi, si;

		if (src && r->sport_kind != SPORT_FIXED)
			continue;
		if (row_is_icmp(r)) {
			/* ICMP rows have no ports: they live under port 0. */
			if (src)
				continue;
			sp = &icmp_span;
			n_sp = 1;
		}
		if (r->transports & (CT_TCP | CT_TLS))
			protos[np++] = PROTO_TCP;
		if (r->transports & CT_UDP)
			protos[np++] = PROTO_UDP;
		if (r->transports & CT_ICMP)
			protos[np++] = PROTO_ICMP;
		if (r->transports & CT_ICMPV6)
			protos[np++] = PROTO_ICMPV6;
		for (pi = 0; pi < np; pi++) {
			for (si = 0; si < n_sp; si++) {
				struct span_item it = {
					protos[pi] << 16 | sp[si].lo,
					protos[pi] << 16 | sp[si].hi,
					(uint16_t)i
				};

				if (it.lo == it.hi)
					sg[n_sg++] = it;
				else
					rg[n_rg++] = it;
			}
		}
	}
	/* Ranges first: the single ports merge the segments' rows in. */
	if (build_segments(&b, rg, n_rg) < 0 || build_singles(&b, sg, n_sg) < 0)
		goto out;
	rc = 0;
out:
	free(sg);
	free(rg);
	return rc;
}

int catalogue_build(struct catalogue *c, FILE *err)
{
	if (!c)
		return -1;
	if (c->built)
		return 0;
	if (build_index(c, false, err) < 0 || build_index(c, true, err) < 0) {
		pindex_free(&c->dst);
		pindex_free(&c->src);
		return -1;
	}
	c->built = true;
	return 0;
}

/* -------------------------------------------------------------- lookups */

static bool is_icmp_proto(uint8_t proto)
{
	return proto == PROTO_ICMP || proto == PROTO_ICMPV6;
}

struct cat_match catalogue_lookup(const struct catalogue *c, uint8_t proto,
				  uint16_t port)
{
	struct cat_match none = { NULL, 0 };

	if (!c || !c->built)
		return none;
	/* ICMP has no ports; its rows sit under port 0 whatever the caller
	   put there (type and code are no listener). */
	if (is_icmp_proto(proto))
		port = 0;
	return pindex_find(&c->dst, (uint32_t)proto << 16 | port);
}

static bool in_spans(const struct port_span *s, size_t n, uint16_t port)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (port >= s[i].lo && port <= s[i].hi)
			return true;
	return false;
}

bool catalogue_row_sport_ok(const struct cat_row *r, uint16_t sport)
{
	if (!r)
		return false;
	if (r->sport_kind != SPORT_FIXED)
		return true;
	return in_spans(r->sport, r->n_sport, sport);
}

bool catalogue_row_dport_ok(const struct cat_row *r, uint16_t dport)
{
	if (!r)
		return false;
	if (r->dport_configurable || row_is_icmp(r))
		return true;
	return in_spans(r->dport, r->n_dport, dport);
}

/* Keep the rows of m that accept `other` on their far side. */
static uint16_t filter(const struct catalogue *c, struct cat_match m,
		       bool by_sport, uint16_t other, struct cat_hits *h)
{
	uint16_t i;

	h->n = 0;
	for (i = 0; i < m.n && h->n < CAT_MAX_HITS; i++) {
		const struct cat_row *r = &c->rows[m.rows[i]];

		if (by_sport ? catalogue_row_sport_ok(r, other)
			     : catalogue_row_dport_ok(r, other))
			h->rows[h->n++] = m.rows[i];
	}
	return h->n;
}

enum listener_side catalogue_listener(const struct catalogue *c,
				      uint8_t proto, uint16_t sport,
				      uint16_t dport, struct cat_hits *h)
{
	struct cat_hits scratch;
	uint32_t p = (uint32_t)proto << 16;

	if (!h)
		h = &scratch;
	h->n = 0;
	if (!c || !c->built)
		return LISTENER_NONE;
	if (is_icmp_proto(proto)) {
		struct cat_match m = pindex_find(&c->dst, p);

		h->n = m.n;
		if (m.n)
			memcpy(h->rows, m.rows, m.n * sizeof(*m.rows));
		return m.n ? LISTENER_DST : LISTENER_NONE;
	}
	if (filter(c, pindex_find(&c->dst, p | dport), true, sport, h))
		return LISTENER_DST;
	if (filter(c, pindex_find(&c->dst, p | sport), true, dport, h))
		return LISTENER_SRC;
	if (filter(c, pindex_find(&c->src, p | sport), false, dport, h))
		return LISTENER_DST;
	if (filter(c, pindex_find(&c->src, p | dport), false, sport, h))
		return LISTENER_SRC;
	return LISTENER_NONE;
}
