/*
 * catalogue_print.c: `impwatch rules`, the catalogue as a table or as JSON
 * lines. Reads rows through the public interface only.
 */
#include "catalogue.h"
#include "jsonw.h"
#include "textfile.h"
#include "util.h"

#include <string.h>

/* Widest cell any row can produce: 23 role ids on each side of the arrow. */
#define CELL_MAX 1024

/* Append to a cell, never past its end. */
static void cell_add(char *buf, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (n > CELL_MAX - 1 - *used)
		n = CELL_MAX - 1 - *used;
	memcpy(buf + *used, s, n);
	*used += n;
	buf[*used] = '\0';
}

/* "tcp/udp", "tls", "icmp": tls stands for its TCP. */
static void fmt_transports(const struct cat_row *r, char *buf)
{
	size_t used = 0;

	buf[0] = '\0';
	if (r->transports & CT_TLS)
		cell_add(buf, &used, "tls");
	else if (r->transports & CT_TCP)
		cell_add(buf, &used, "tcp");
	if (r->transports & CT_UDP)
		cell_add(buf, &used, used ? "/udp" : "udp");
	if (r->transports & CT_ICMP)
		cell_add(buf, &used, used ? "/icmp" : "icmp");
	if (r->transports & CT_ICMPV6)
		cell_add(buf, &used, used ? "/icmpv6" : "icmpv6");
}

static void fmt_spans(const struct port_span *s, size_t n, char *buf,
		      size_t *used)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char one[16];

		if (s[i].lo == s[i].hi)
			snprintf(one, sizeof(one), "%s%u", i ? "," : "",
				 (unsigned)s[i].lo);
		else
			snprintf(one, sizeof(one), "%s%u-%u", i ? "," : "",
				 (unsigned)s[i].lo, (unsigned)s[i].hi);
		cell_add(buf, used, one);
	}
}

/* "5060", "389,3268*", "*" (configurable, no default), "-" (ICMP). */
static void fmt_dport(const struct cat_row *r, char *buf)
{
	size_t used = 0;

	buf[0] = '\0';
	if (catalogue_row_icmp(r)) {
		cell_add(buf, &used, "-");
		return;
	}
	fmt_spans(r->dport, r->n_dport, buf, &used);
	if (r->dport_configurable)
		cell_add(buf, &used, "*");
}

static void fmt_sport(const struct cat_row *r, char *buf)
{
	size_t used = 0;

	buf[0] = '\0';
	if (catalogue_row_icmp(r))
		cell_add(buf, &used, "-");
	else if (r->sport_kind == SPORT_EPHEMERAL)
		cell_add(buf, &used, "ephemeral");
	else if (r->sport_kind == SPORT_BIDIRECTIONAL)
		cell_add(buf, &used, "bidirectional");
	else
		fmt_spans(r->sport, r->n_sport, buf, &used);
}

static void fmt_role_set(uint32_t mask, char *buf, size_t *used)
{
	bool first = true;
	int i;

	for (i = 0; i < ROLE_COUNT; i++) {
		if (!(mask & ((uint32_t)1 << i)))
			continue;
		if (!first)
			cell_add(buf, used, ",");
		cell_add(buf, used, cat_role_name((enum cat_role)i));
		first = false;
	}
}

static void fmt_roles(const struct cat_row *r, char *buf)
{
	size_t used = 0;

	buf[0] = '\0';
	fmt_role_set(r->from_roles, buf, &used);
	cell_add(buf, &used, r->bidir ? " <-> " : " -> ");
	fmt_role_set(r->to_roles, buf, &used);
}

static const char *scope_name(const struct cat_row *r)
{
	return r->scope == SCOPE_LOCALHOST ? "localhost" : "wire";
}

enum { COL_TABLE, COL_SERVICE, COL_TRANSPORT, COL_DPORT, COL_SPORT,
       COL_SCOPE, COL_ROLES, COL_PROTOCOL, N_COLS };

static const char *const col_names[N_COLS] = {
	"TABLE", "SERVICE", "TRANSPORT", "DPORT", "SPORT", "SCOPE",
	"FROM -> TO", "PROTOCOL"
};

/* The padded cells of one row; PROTOCOL, last and free text, is not
   padded and so may hold any UTF-8. */
static void row_cells(const struct cat_row *r, char cells[N_COLS - 1][CELL_MAX])
{
	snprintf(cells[COL_TABLE], CELL_MAX, "%u", (unsigned)r->table);
	snprintf(cells[COL_SERVICE], CELL_MAX, "%s", r->service);
	fmt_transports(r, cells[COL_TRANSPORT]);
	fmt_dport(r, cells[COL_DPORT]);
	fmt_sport(r, cells[COL_SPORT]);
	snprintf(cells[COL_SCOPE], CELL_MAX, "%s", scope_name(r));
	fmt_roles(r, cells[COL_ROLES]);
}

/* The cells of the text listing: a site's row (--rules-add) says so
   (CSV and JSON have a column for it), as its table number alone would
   pass it off as the guide's. */
static void text_cells(const struct cat_row *r,
		       char cells[N_COLS - 1][CELL_MAX])
{
	row_cells(r, cells);
	if (r->site)
		snprintf(cells[COL_TABLE], CELL_MAX, "%u (site)",
			 (unsigned)r->table);
}

/* Columns are as wide as their widest cell (all ASCII), two blanks apart. */
void catalogue_print_table(const struct catalogue *c, FILE *out)
{
	char cells[N_COLS - 1][CELL_MAX];
	int width[N_COLS - 1];
	size_t i, n = catalogue_count(c);
	int k;

	for (k = 0; k < N_COLS - 1; k++)
		width[k] = (int)strlen(col_names[k]);
	for (i = 0; i < n; i++) {
		text_cells(catalogue_row(c, i), cells);
		for (k = 0; k < N_COLS - 1; k++)
			if ((int)strlen(cells[k]) > width[k])
				width[k] = (int)strlen(cells[k]);
	}
	for (k = 0; k < N_COLS - 1; k++)
		fprintf(out, "%-*s  ", width[k], col_names[k]);
	fprintf(out, "%s\n", col_names[COL_PROTOCOL]);
	for (i = 0; i < n; i++) {
		const struct cat_row *r = catalogue_row(c, i);

		text_cells(r, cells);
		for (k = 0; k < N_COLS - 1; k++)
			fprintf(out, "%-*s  ", width[k], cells[k]);
		text_put(out, r->protocol);   /* the file's words */
		fputc('\n', out);
	}
}

/* One CSV row per catalogue row (RFC 4180), a header first: the table's
   cells, apps, the description and notes, where the row was read and
   whether it is a site's (--rules-add). */
void catalogue_print_csv(const struct catalogue *c, FILE *out)
{
	char cells[N_COLS - 1][CELL_MAX], src[CELL_MAX];
	size_t i, n = catalogue_count(c);
	int k;

	fputs("table,service,transport,dport,sport,scope,roles,protocol,apps,"
	      "description,note_ko,note_ja,source,site\n", out);
	for (i = 0; i < n; i++) {
		const struct cat_row *r = catalogue_row(c, i);

		row_cells(r, cells);
		for (k = 0; k < N_COLS - 1; k++) {
			csv_field(out, cells[k]);
			fputc(',', out);
		}
		csv_field(out, r->protocol);
		fputc(',', out);
		csv_field(out, r->apps);
		fputc(',', out);
		csv_field(out, r->description);
		fputc(',', out);
		csv_field(out, r->note_ko);
		fputc(',', out);
		csv_field(out, r->note_ja);
		fputc(',', out);
		snprintf(src, sizeof(src), "%s:%u", r->file, (unsigned)r->line);
		csv_field(out, src);
		fprintf(out, ",%s\n", r->site ? "true" : "false");
	}
}

static void json_role_set(struct jw *w, const char *key, uint32_t mask)
{
	int i;

	jw_arr(w, key);
	for (i = 0; i < ROLE_COUNT; i++)
		if (mask & ((uint32_t)1 << i))
			jw_str(w, NULL, cat_role_name((enum cat_role)i));
	jw_arr_end(w);
}

/* Numbers for single ports, "lo-hi" strings for ranges. */
static void json_spans(struct jw *w, const char *key,
		       const struct port_span *s, size_t n)
{
	char range[16];
	size_t i;

	jw_arr(w, key);
	for (i = 0; i < n; i++) {
		if (s[i].lo == s[i].hi) {
			jw_u64(w, NULL, s[i].lo);
			continue;
		}
		snprintf(range, sizeof(range), "%u-%u", (unsigned)s[i].lo,
			 (unsigned)s[i].hi);
		jw_str_plain(w, NULL, range);
	}
	jw_arr_end(w);
}

static void json_transports(struct jw *w, const struct cat_row *r)
{
	static const struct { uint8_t bit; const char *name; } names[] = {
		{ CT_TCP, "tcp" }, { CT_UDP, "udp" }, { CT_TLS, "tls" },
		{ CT_ICMP, "icmp" }, { CT_ICMPV6, "icmpv6" },
	};
	size_t i;

	jw_arr(w, "transports");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(r->transports & names[i].bit))
			continue;
		/* tls already says TCP. */
		if (names[i].bit == CT_TCP && (r->transports & CT_TLS))
			continue;
		jw_str_plain(w, NULL, names[i].name);
	}
	jw_arr_end(w);
}

/* "SIP,TLS" as ["SIP","TLS"]; "-" as []; "any" as ["any"]. */
static void json_apps(struct jw *w, const struct cat_row *r)
{
	uint16_t i;

	jw_arr(w, "apps");
	if (r->apps_kind == APPS_ANY)
		jw_str(w, NULL, r->apps);
	for (i = 0; i < r->n_apps; i++) {
		char name[CELL_MAX];

		/* A cell's width at most, as every cell here. */
		snprintf(name, sizeof(name), "%s", r->app[i].name);
		jw_str(w, NULL, name);
	}
	jw_arr_end(w);
}

void catalogue_print_json(const struct catalogue *c, FILE *out)
{
	size_t i, n = catalogue_count(c);
	char src[CELL_MAX];
	struct jw w;

	jw_init(&w, out);
	for (i = 0; i < n; i++) {
		const struct cat_row *r = catalogue_row(c, i);

		jw_obj(&w, NULL);
		jw_u64(&w, "table", r->table);
		jw_str(&w, "service", r->service);
		json_role_set(&w, "from", r->from_roles);
		json_role_set(&w, "to", r->to_roles);
		jw_bool(&w, "bidirectional", r->bidir);
		jw_str(&w, "protocol", r->protocol);
		json_transports(&w, r);
		jw_bool(&w, "tls_required", (r->transports & CT_TLS) != 0);
		if (r->n_dport == 1 && r->dport[0].lo == r->dport[0].hi) {
			jw_u64(&w, "port", r->dport[0].lo);
		} else if (r->n_dport == 1) {
			jw_u64(&w, "port_min", r->dport[0].lo);
			jw_u64(&w, "port_max", r->dport[0].hi);
		}
		json_spans(&w, "ports", r->dport, r->n_dport);
		jw_bool(&w, "port_configurable", r->dport_configurable);
		if (catalogue_row_icmp(r)) {
			jw_arr(&w, "sport");
			jw_arr_end(&w);
		} else if (r->sport_kind == SPORT_EPHEMERAL) {
			jw_str_plain(&w, "sport", "ephemeral");
		} else if (r->sport_kind == SPORT_BIDIRECTIONAL) {
			jw_str_plain(&w, "sport", "bidirectional");
		} else {
			json_spans(&w, "sport", r->sport, r->n_sport);
		}
		jw_str_plain(&w, "scope", scope_name(r));
		json_apps(&w, r);
		jw_str(&w, "description", r->description);
		jw_str(&w, "note_ko", r->note_ko);
		jw_str(&w, "note_ja", r->note_ja);
		snprintf(src, sizeof(src), "%s:%u", r->file, (unsigned)r->line);
		jw_str(&w, "source", src);
		jw_bool(&w, "site", r->site);
		jw_obj_end(&w);
		jw_line(&w);
	}
	jw_free(&w);
}

void catalogue_print_roles(const struct catalogue *c, uint32_t open_roles,
			   FILE *out)
{
	size_t i;
	int role, t;

	fprintf(out, "%-20s %-8s %-38s %s\n", "ROLE", "ANY HOST", "DESCRIPTION",
		"TABLES");
	for (role = 0; role < ROLE_COUNT; role++) {
		uint64_t tables = 0;
		uint32_t bit = UINT32_C(1) << role;
		int first = 1;

		for (i = 0; i < catalogue_count(c); i++) {
			const struct cat_row *r = catalogue_row(c, i);

			if (((r->from_roles | r->to_roles) & bit) && r->table < 64)
				tables |= UINT64_C(1) << r->table;
		}
		fprintf(out, "%-20s %-8s %-38s ", cat_role_name((enum cat_role)role),
			(open_roles & bit) ? "yes" : "no",
			cat_role_label((enum cat_role)role));
		for (t = 0; t < 64; t++) {
			if (!(tables & (UINT64_C(1) << t)))
				continue;
			fprintf(out, "%s%d", first ? "" : ",", t);
			first = 0;
		}
		fprintf(out, "%s\n", first ? "-" : "");
	}
	fputs("\nA host not in --hosts may hold only the roles marked yes; an IM&P\n"
	      "publisher or subscriber is also an imp, each kind of database a\n"
	      "database.\n", out);
}
