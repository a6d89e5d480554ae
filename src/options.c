/*
 * options.c: the command line's options, from the table of options.h:
 * getopt's long options, each argument read and its range checked with
 * the same message for every option, and the --help lines.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "gate.h"
#include "util.h"

/* The field a row sets, and the second one of the kinds that set two. */
#define OPT_F1_UINT(f)  f
#define OPT_F2_UINT(f)  f
#define OPT_F1_U64(f)   f
#define OPT_F2_U64(f)   f
#define OPT_F1_MILLI(f) f
#define OPT_F2_MILLI(f) f
#define OPT_F1_PORTS(f) f##_lo
#define OPT_F2_PORTS(f) f##_hi
#define OPT_OFF_LIM(m)  (offsetof(struct options, lim) + offsetof(struct limits, m))
#define OPT_OFF_RUN(m)  offsetof(struct options, m)

static const struct opt_row rows[] = {
#define OPT_ROW(sect, chr, name, arg, kind, where, f, def, min, max, hint, help) \
	{ name, chr, arg, OPTK_##kind, OPTS_##sect, \
	  OPT_OFF_##where(OPT_F1_##kind(f)), OPT_OFF_##where(OPT_F2_##kind(f)), \
	  min, max, hint, help },
	OPTIONS(OPT_ROW)
#undef OPT_ROW
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

const struct opt_row *options_rows(size_t *n)
{
	*n = N_ROWS;
	return rows;
}

void options_default(struct options *o)
{
	memset(o, 0, sizeof(*o));
	limits_default(&o->lim);
#define OPT_X(sect, chr, name, arg, kind, where, f, def, min, max, hint, help) \
	OPT_RUNDEF_##where(kind, o, f, def)
	OPTIONS(OPT_X)
#undef OPT_X
}

/* The field at off in *o. */
static void *field(struct options *o, size_t off)
{
	return (char *)o + off;
}

size_t options_long(struct option *v, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < N_ROWS && n < cap; i++) {
		if (!rows[i].name)
			continue;
		v[n].name = rows[i].name;
		v[n].has_arg = rows[i].arg ? required_argument : no_argument;
		v[n].flag = NULL;
		v[n].val = OPT_ROW_VAL(i);
		n++;
	}
	return n;
}

/* A whole number in [lo, hi], or false. */
static bool parse_u64(const char *s, unsigned long long lo,
		      unsigned long long hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* LO-HI, two numbers in [lo, hi] with LO <= HI, or false. */
static bool parse_range(const char *s, unsigned long long lo,
			unsigned long long hi, uint64_t *a, uint64_t *b)
{
	const char *dash = strchr(s, '-');
	char first[8];                /* LO has at most 7 characters */

	if (!dash || (size_t)(dash - s) >= sizeof(first))
		return false;
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	return parse_u64(first, lo, hi, a) && parse_u64(dash + 1, lo, hi, b) &&
	       *a <= *b;
}

/* A percentage from 0 to 100 with at most three decimals ("0.1"), in
   thousandths of a percent, in [lo, hi]; false when it is not one. */
static bool parse_milli_pct(const char *s, unsigned long long lo,
			    unsigned long long hi, uint32_t *out)
{
	uint32_t v = 0, frac = 0;
	int digits = 0, decimals = 0;

	for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
		v = v * 10 + (uint32_t)(*s - '0');
	if (!digits)
		return false;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9' && decimals < 3; s++, decimals++)
			frac = frac * 10 + (uint32_t)(*s - '0');
		if (!decimals)
			return false;
		for (; decimals < 3; decimals++)
			frac *= 10;
	}
	if (*s || v > 100 || v * 1000 + frac < lo || v * 1000 + frac > hi)
		return false;
	*out = v * 1000 + frac;
	return true;
}

/* "--name" or "-c", for messages. */
static const char *opt_name(const struct opt_row *r, char buf[64])
{
	if (r->name)
		snprintf(buf, 64, "--%s", r->name);
	else
		snprintf(buf, 64, "-%c", r->chr);
	return buf;
}

static int bad_value(const struct opt_row *r, const char *val)
{
	char name[64];

	fprintf(stderr, "impwatch: invalid value '%s' for %s%s%s\n", val,
		opt_name(r, name), *r->hint ? " " : "", r->hint);
	fprintf(stderr, "Try 'impwatch --help'.\n");
	return EXIT_INPUT_ERROR;
}

int options_apply(struct options *o, int c, const char *arg)
{
	const struct opt_row *r;
	uint64_t v, w;

	if (c < OPT_ROW_VAL(0) || c >= OPT_ROW_VAL(N_ROWS)) {
		fprintf(stderr, "Try 'impwatch --help'.\n");
		return EXIT_INPUT_ERROR;
	}
	r = &rows[c - OPT_ROW_VAL(0)];
	switch (r->kind) {
	case OPTK_UINT:
		if (!parse_u64(arg, r->min, r->max, &v))
			return bad_value(r, arg);
		*(uint32_t *)field(o, r->off) = (uint32_t)v;
		break;
	case OPTK_U64:
		if (!parse_u64(arg, r->min, r->max, &v))
			return bad_value(r, arg);
		*(uint64_t *)field(o, r->off) = v;
		break;
	case OPTK_MILLI:
		if (!parse_milli_pct(arg, r->min, r->max, field(o, r->off)))
			return bad_value(r, arg);
		break;
	case OPTK_PORTS:
		if (!parse_range(arg, r->min, r->max, &v, &w))
			return bad_value(r, arg);
		*(uint16_t *)field(o, r->off) = (uint16_t)v;
		*(uint16_t *)field(o, r->off2) = (uint16_t)w;
		break;
	}
	return -1;
}

int options_parse(int argc, char **argv, struct options *o)
{
	struct option lo[N_ROWS + 1];
	size_t n = options_long(lo, N_ROWS);
	int c, rc;

	memset(&lo[n], 0, sizeof(lo[n]));
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		rc = options_apply(o, c, optarg);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

/* A row's default, as --help says it. */
static void show_default(FILE *out, const struct opt_row *r,
			 struct options *d)
{
	char pct[16];

	switch (r->kind) {
	case OPTK_UINT:
		fprintf(out, "%u", *(uint32_t *)field(d, r->off));
		break;
	case OPTK_U64:
		fprintf(out, "%llu",
			(unsigned long long)*(uint64_t *)field(d, r->off));
		break;
	case OPTK_MILLI:
		fmt_milli_pct(*(uint32_t *)field(d, r->off), pct);
		fputs(pct, out);
		break;
	case OPTK_PORTS:
		fprintf(out, "%u-%u", *(uint16_t *)field(d, r->off),
			*(uint16_t *)field(d, r->off2));
		break;
	}
}

/* The column the help texts start at, and the widest name that leaves
   a space before it. */
#define HELP_COL 23
#define NAME_WIDTH (HELP_COL - 3)

/* {def}, {min} or {max} at p: write the row's value, and return the
   length of the placeholder; 0 when p holds none. */
static size_t placeholder(FILE *out, const struct opt_row *r,
			  struct options *d, const char *p)
{
	if (strncmp(p, "{def}", 5) == 0)
		show_default(out, r, d);
	else if (strncmp(p, "{min}", 5) == 0)
		fprintf(out, "%llu", r->min);
	else if (strncmp(p, "{max}", 5) == 0)
		fprintf(out, "%llu", r->max);
	else
		return 0;
	return 5;
}

/* One row's --help lines: its names, then its text, each line after the
   first indented to HELP_COL. */
static void help_row(FILE *out, const struct opt_row *r, struct options *d)
{
	char label[96];
	const char *p;
	size_t k;
	int n = 0;

	if (r->chr)
		n += snprintf(label + n, sizeof(label) - (size_t)n, "-%c%s",
			      r->chr, r->name ? ", " : "");
	if (r->name)
		n += snprintf(label + n, sizeof(label) - (size_t)n, "--%s",
			      r->name);
	if (r->arg)
		snprintf(label + n, sizeof(label) - (size_t)n, " %s", r->arg);
	if (strlen(label) <= NAME_WIDTH)
		fprintf(out, "  %-*s ", NAME_WIDTH, label);
	else
		fprintf(out, "  %s  ", label);
	for (p = r->help; *p; ) {
		if ((k = placeholder(out, r, d, p)) != 0) {
			p += k;
			continue;
		}
		if (*p == '\n')
			fprintf(out, "\n%*s", HELP_COL, "");
		else
			fputc(*p, out);
		p++;
	}
	fputc('\n', out);
}

void options_help_of(FILE *out, const char *name)
{
	struct options d;
	size_t i;

	options_default(&d);
	for (i = 0; i < N_ROWS; i++)
		if (rows[i].name && strcmp(rows[i].name, name) == 0)
			help_row(out, &rows[i], &d);
}

void options_help(FILE *out, enum opt_sect s)
{
	struct options d;
	size_t i;

	options_default(&d);
	for (i = 0; i < N_ROWS; i++)
		if (rows[i].sect == s)
			help_row(out, &rows[i], &d);
}
