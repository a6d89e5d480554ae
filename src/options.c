/*
 * options.c: the command line's options, from the table of options.h:
 * getopt's tables, each argument read as its kind says and its range
 * checked with the same message for every option, and --help.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl.h"
#include "flow.h"
#include "gate.h"
#include "textfile.h"
#include "util.h"
#include "version.h"

/* The field a row sets, and the second one of the kinds that set two. */
#define OPT_F1(f)          f
#define OPT_F1_UINT        OPT_F1
#define OPT_F1_U64         OPT_F1
#define OPT_F1_MILLI       OPT_F1
#define OPT_F1_PORTS(f)    f##_lo
#define OPT_F1_STR         OPT_F1
#define OPT_F1_REPORT      OPT_F1
#define OPT_F1_LIST        OPT_F1
#define OPT_F1_FORMAT      OPT_F1
#define OPT_F1_FLAG        OPT_F1
#define OPT_F1_ON          OPT_F1
#define OPT_F1_OFF         OPT_F1
#define OPT_F1_HELP        OPT_F1
#define OPT_F1_VERSION     OPT_F1
#define OPT_F2_UINT        OPT_F1
#define OPT_F2_U64         OPT_F1
#define OPT_F2_MILLI       OPT_F1
#define OPT_F2_PORTS(f)    f##_hi
#define OPT_F2_STR         OPT_F1
#define OPT_F2_REPORT      OPT_F1
#define OPT_F2_LIST(f)     n_##f
#define OPT_F2_FORMAT      OPT_F1
#define OPT_F2_FLAG        OPT_F1
#define OPT_F2_ON          OPT_F1
#define OPT_F2_OFF         OPT_F1
#define OPT_F2_HELP        OPT_F1
#define OPT_F2_VERSION     OPT_F1
#define OPT_OFF_LIM(m)  (offsetof(struct options, lim) + offsetof(struct limits, m))
#define OPT_OFF_RUN(m)  offsetof(struct options, m)
#define OPT_OFF_ALSO(m) offsetof(struct options, m)
#define OPT_OFF_NONE(m) 0

static const struct opt_row rows[] = {
#define OPT_ROW(sect, chr, name, arg, kind, where, f, def, min, max, hint, help) \
	{ name, chr, arg, OPTK_##kind, OPTS_##sect, \
	  OPT_OFF_##where(OPT_F1_##kind(f)), OPT_OFF_##where(OPT_F2_##kind(f)), \
	  min, max, hint, help },
	OPTIONS(OPT_ROW)
#undef OPT_ROW
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static const char *const titles[OPTS_COUNT] = {
#define OPT_TITLE(s, title) title,
	OPTION_SECTIONS(OPT_TITLE)
#undef OPT_TITLE
};

/* What a section ends with, after its rows. */
static const char *const notes[OPTS_COUNT] = {
	[OPTS_LIVE] =
"  SIGINT, SIGTERM or --duration end the capture: what the kernel still\n"
"  holds is read (at most " OPT_STR(LIVE_DRAIN_MS)
" ms: an end left unread is named in the\n"
"  summary and on standard error, and --validate is inconclusive), every\n"
"  live flow is reported (end reason shutdown), then the summary.\n"
"  Reading files, SIGINT and SIGTERM interrupt the run: flows end shutdown,\n"
"  the summary names the files not read or not finished, and the run is\n"
"  inconclusive (exit 3; 1 when --validate findings were already seen).\n"
"  SIGHUP reopens the report and alert files, and says which of the\n"
"  --rules, --rules-add, --hosts and --waivers files changed and whether\n"
"  they load: they are read at the start only. An interface that goes\n"
"  down is waited for, and noted in the summary and capture health.\n",
	[OPTS_DPI] =
"\n"
"  A documented flow is protocol-mismatch when nDPI identifies its payload\n"
"  as a protocol none of the flow's catalogue rows allows (their apps\n"
"  column). nDPI names a flow MASTER.APP: when MASTER carries other\n"
"  protocols (TLS, HTTP, DNS, QUIC...) MASTER is checked, APP being a service\n"
"  inside it (TLS.Google on 8443 is TLS: allowed); otherwise MASTER is\n"
"  nDPI's guess from the port and APP is checked (SIP.HTTP on 5060 is HTTP:\n"
"  a mismatch). Guesses (app_source guess) and unknown payload never are.\n"
"  A local-only flow whose payload is another protocol is a mismatch too;\n"
"  undocumented flows keep their verdict and carry the app.\n",
};

static const char usage_head[] =
"usage: impwatch [options] -r FILE [-r FILE...]\n"
"       impwatch [options] FILE...       (the same as -r FILE)\n"
"       impwatch [options] -i INTERFACE\n"
"       impwatch rules [--format text|json|csv] [--rules FILE] [--rules-add FILE]\n"
"                      [--no-dpi]\n"
"       impwatch rules --check FILE [--no-dpi]\n"
"       impwatch roles [--rules FILE] [--rules-add FILE]\n"
"       impwatch acl --hosts FILE [--format FMT] [--observed FILE...] [-o FILE]\n"
"                    [--rules FILE] [--rules-add FILE]\n"
"\n"
"Classify traffic against the Cisco IM and Presence port catalogue (tables\n"
"2-34 of the port usage guide) and report what is not documented.\n";

static const char usage_exit[] =
"Exit status:\n"
"  0  the run completed (with --validate: every flow is documented, a\n"
"     trusted tunnel's carrier, or a finding --waivers waives)\n"
"  1  --validate: some flow is undocumented, local-only, untrusted-tunnel,\n"
"     icmp-tunnel, role-violation, cleartext or protocol-mismatch (an\n"
"     interrupted run with such flows too)\n"
"  2  usage error, a bad rules, hosts or waivers file (FILE:LINE:),\n"
"     unreadable or damaged capture, capture error, an output that is\n"
"     an input, or the report, the evidence, the alerts, the HTML report\n"
"     or the graph could not be written (the report still covers what\n"
"     was read); impwatch acl: rules past its bound\n"
"  3  inconclusive: the run was interrupted (files, or live before its\n"
"     --duration or --count), or with --validate: a live capture's end\n"
"     was not read (its reader still behind 2 s after the stop), no\n"
"     packets, no flows, an input file (or one of several interfaces)\n"
"     that held no packets beside others that did,\n"
"     poor capture health (one-way TCP, duplicated frames or dropped\n"
"     packets past the thresholds, or the interface went down), work\n"
"     left undone for want of room\n"
"     (flows nDPI did not inspect past --dpi-memory, datagrams pushed out\n"
"     of a full fragment table, flows pushed out of a full flow table),\n"
"     packets cut before their ports, first fragments cut inside\n"
"     their headers or overlapped by later ones, MACsec-encrypted\n"
"     frames or PPP frames of compressed IP, frames of an ethertype\n"
"     not decoded (a layer-2 tunnel's, an MPLS pseudowire's), or\n"
"     source-routed packets;\n"
"     the summary says why;\n"
"     impwatch acl --observed: records that may leave flows out (a run\n"
"     cut short, inconclusive, in poor health or in error; flows\n"
"     documented by rows the catalogue lacks; no documented flow used a\n"
"     row): the rules are written, the reasons said\n";

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

/* Whether a kind takes an argument. */
static bool takes_arg(enum opt_kind k)
{
	return k != OPTK_FLAG && k != OPTK_ON && k != OPTK_OFF &&
	       k != OPTK_HELP && k != OPTK_VERSION;
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

/* tcpdump's -w writes packets: a report under a capture's name would
   overwrite what its user meant to keep, or be mistaken for one. */
static bool capture_name(const char *path)
{
	static const char *const ext[] = { ".pcap", ".pcapng", ".cap" };
	size_t n = strlen(path), i, e;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		e = strlen(ext[i]);
		if (n > e && strcasecmp(path + n - e, ext[i]) == 0)
			return true;
	}
	return false;
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
	/* A list's hint names its items, for "more than MAX". */
	const char *hint = r->kind == OPTK_LIST ? "" : r->hint;
	char name[64];

	tprintf(stderr, "impwatch: invalid value '%s' for %s%s%s\n", val,
		opt_name(r, name), *hint ? " " : "", hint);
	tprintf(stderr, "Try 'impwatch --help'.\n");
	return EXIT_INPUT_ERROR;
}

/* status, once what --help or --version printed is written; a write
   that failed (a full disk) is an error, said. */
static int stdout_written(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tprintf(stderr, "impwatch: cannot write output: %s\n",
			strerror(errno));
		return EXIT_INPUT_ERROR;
	}
	return status;
}

/* Apply row r to *o with its argument: -1 when taken, or the exit status
   (after its message on standard error, or --help or --version). */
static int apply(const struct opt_row *r, struct options *o, const char *arg)
{
	void *p = field(o, r->off);
	uint64_t v, w;
	size_t *n;

	switch (r->kind) {
	case OPTK_UINT:
		if (!parse_u64(arg, r->min, r->max, &v))
			return bad_value(r, arg);
		*(uint32_t *)p = (uint32_t)v;
		break;
	case OPTK_U64:
		if (!parse_u64(arg, r->min, r->max, &v))
			return bad_value(r, arg);
		*(uint64_t *)p = v;
		break;
	case OPTK_MILLI:
		if (!parse_milli_pct(arg, r->min, r->max, p))
			return bad_value(r, arg);
		break;
	case OPTK_PORTS:
		if (!parse_range(arg, r->min, r->max, &v, &w))
			return bad_value(r, arg);
		*(uint16_t *)p = (uint16_t)v;
		*(uint16_t *)field(o, r->off2) = (uint16_t)w;
		break;
	case OPTK_REPORT:
		if (!*arg)
			return bad_value(r, arg);
		if (capture_name(arg)) {
			tprintf(stderr, "impwatch: -w writes the report, not "
				"packets: '%s' names a capture; give the report "
				"with -o FILE, or the frames of findings with "
				"--dump-undocumented FILE\n", arg);
			return EXIT_INPUT_ERROR;
		}
		/* fall through */
	case OPTK_STR:
		/* An empty name names nothing (and would reach open() as
		   ": No such file"); an empty BPF filter passes everything,
		   as tcpdump's. */
		if (!*arg && r->off != offsetof(struct options, filter))
			return bad_value(r, arg);
		/* Given twice, one would be silently dropped: a second
		   --rules is not a second catalogue. */
		if (*(const char **)p) {
			char name[64];
			/* -o and -w fill one field: name both, since
			   either may have come first. */
			bool report = r->off ==
				      offsetof(struct options, output);

			tprintf(stderr, "impwatch: %s given twice ('%s', then "
				"'%s'): it takes one%s\n", report ?
				"the report (-o, --output or -w)" :
				opt_name(r, name), *(const char **)p, arg,
				r->off == offsetof(struct options, rules)
				? " (--rules-add FILE adds rows to the catalogue)"
				: "");
			return EXIT_INPUT_ERROR;
		}
		*(const char **)p = arg;
		break;
	case OPTK_LIST:
		if (!*arg)
			return bad_value(r, arg);
		n = field(o, r->off2);
		if (*n == r->max) {
			tprintf(stderr, "impwatch: more than %llu %s\n", r->max,
				r->hint);
			return EXIT_INPUT_ERROR;
		}
		((const char **)p)[(*n)++] = arg;
		break;
	case OPTK_FORMAT:
		if (!report_format_parse(arg, p))
			return bad_value(r, arg);
		break;
	case OPTK_FLAG:
		*(bool *)p = true;
		break;
	case OPTK_ON:
		*(int *)p = 1;
		break;
	case OPTK_OFF:
		*(int *)p = 0;
		break;
	case OPTK_HELP:
		options_usage(stdout);
		return stdout_written(EXIT_PASS);
	case OPTK_VERSION:
		return stdout_written(version_print(stdout) == 0 ? EXIT_PASS :
				      EXIT_INPUT_ERROR);
	}
	return -1;
}

/* An option's name as given, without its "=VALUE". */
static int name_len(const char *arg)
{
	return (int)strcspn(arg, "=");
}

/* "--NAME" is the start of more than one long option: they are listed. */
static bool ambiguous(const char *who, const char *arg,
		      const struct option *longs)
{
	size_t n = (size_t)name_len(arg) - 2, i, k = 0, len = 0;
	char list[1024] = "";

	for (i = 0; longs[i].name; i++) {
		if (strncmp(longs[i].name, arg + 2, n) != 0)
			continue;
		k++;
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						" '--%s'", longs[i].name);
	}
	if (k < 2)
		return false;
	tprintf(stderr, "%s: option '%.*s' is ambiguous; possibilities:%s\n",
		who, name_len(arg), arg, list);
	return true;
}

void options_getopt_error(const char *who, int c, char *const *argv,
			  const char *shorts, const struct option *longs)
{
	/* The option getopt stepped past: a long one, or the cluster
	   whose last letter needed an argument. An unknown letter (optopt)
	   may be inside a cluster getopt has not left. */
	const char *arg = argv[optind - 1];
	bool lng = strncmp(arg, "--", 2) == 0;

	if (c == ':' && lng)
		tprintf(stderr, "%s: option '%s' requires an argument\n", who,
			arg);
	else if (c == ':')
		tprintf(stderr, "%s: option requires an argument -- '%c'\n",
			who, optopt);
	else if (optopt == 0) {
		if (!lng || !ambiguous(who, arg, longs))
			tprintf(stderr, "%s: unrecognized option '%s'\n", who,
				arg);
	} else if (optopt > 0xff || (optopt != ':' && strchr(shorts, optopt)))
		tprintf(stderr, "%s: option '%.*s' doesn't allow an argument\n",
			who, name_len(arg), arg);
	else
		tprintf(stderr, "%s: invalid option -- '%c'\n", who, optopt);
	tprintf(stderr, "Try 'impwatch --help'.\n");
}

/* getopt_long's value for the table's row i: its letter when it has one,
   else past any character. */
#define ROW_VAL(i) (rows[i].chr ? rows[i].chr : 0x1000 + (int)(i))

int options_parse(int argc, char **argv, struct options *o)
{
	struct option lo[N_ROWS + 1];
	char shorts[2 * N_ROWS + 2];
	size_t i, nl = 0, ns = 0;
	int c, rc;

	/* ':' first, and opterr 0: errors are said by
	   options_getopt_error(), which tells a missing argument by it. */
	shorts[ns++] = ':';
	opterr = 0;

	for (i = 0; i < N_ROWS; i++) {
		bool a = takes_arg(rows[i].kind);

		if (rows[i].chr) {
			shorts[ns++] = (char)rows[i].chr;
			if (a)
				shorts[ns++] = ':';
		}
		if (!rows[i].name)
			continue;
		lo[nl].name = rows[i].name;
		lo[nl].has_arg = a ? required_argument : no_argument;
		lo[nl].flag = NULL;
		lo[nl].val = ROW_VAL(i);
		nl++;
	}
	shorts[ns] = '\0';
	memset(&lo[nl], 0, sizeof(lo[nl]));
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		for (i = 0; i < N_ROWS && ROW_VAL(i) != c; i++)
			;
		/* '?' or ':': what was wrong. */
		if (i == N_ROWS) {
			options_getopt_error("impwatch", c, argv, shorts + 1,
					     lo);
			return EXIT_INPUT_ERROR;
		}
		rc = apply(&rows[i], o, optarg);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

/* Whether row r's field differs between *a and *b. --alerts and
   --no-alerts share one (-1 when neither was given): each row sees its
   own value only, so that the one given is the one named. */
static bool row_differs(const struct opt_row *r, struct options *a,
			struct options *b)
{
	size_t len;

	switch (r->kind) {
	case OPTK_UINT:
	case OPTK_MILLI:
		len = sizeof(uint32_t);
		break;
	case OPTK_U64:
		len = sizeof(uint64_t);
		break;
	case OPTK_PORTS:
		return memcmp(field(a, r->off), field(b, r->off),
			      sizeof(uint16_t)) != 0 ||
		       memcmp(field(a, r->off2), field(b, r->off2),
			      sizeof(uint16_t)) != 0;
	case OPTK_STR:
	case OPTK_REPORT:
		len = sizeof(const char *);
		break;
	case OPTK_LIST:
		return memcmp(field(a, r->off2), field(b, r->off2),
			      sizeof(size_t)) != 0;
	case OPTK_FORMAT:
		len = sizeof(enum report_format);
		break;
	case OPTK_FLAG:
		len = sizeof(bool);
		break;
	case OPTK_ON:
		return *(int *)field(a, r->off) == 1;
	case OPTK_OFF:
		return *(int *)field(a, r->off) == 0;
	default:
		return false;
	}
	return memcmp(field(a, r->off), field(b, r->off), len) != 0;
}

const char *options_other(const struct options *o, const char *const *keep,
			  char buf[64])
{
	struct options d, c = *o;   /* field() reads a copy */
	size_t i, k;

	options_default(&d);
	for (i = 0; i < N_ROWS; i++) {
		if (!row_differs(&rows[i], &c, &d))
			continue;
		for (k = 0; rows[i].name && keep[k] &&
			    strcmp(keep[k], rows[i].name) != 0; k++)
			;
		if (rows[i].name && keep[k])
			continue;
		/* As --help names it: "--output (-o)". */
		opt_name(&rows[i], buf);
		if (rows[i].name && rows[i].chr)
			snprintf(buf + strlen(buf), 64 - strlen(buf), " (-%c)",
				 rows[i].chr);
		return buf;
	}
	return NULL;
}

int options_input(struct options *o, const char *path)
{
	size_t i;

	for (i = 0; i < N_ROWS; i++)
		if (rows[i].chr == 'r')
			return apply(&rows[i], o, path);
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
	default:
		break;
	}
}

/* The column the help texts start at, and the widest names that leave
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

/* Append "-c, --name ARG" to label (n bytes used of len). */
static size_t add_names(char *label, size_t n, size_t len,
			const struct opt_row *r)
{
	if (n && n < len)
		n += (size_t)snprintf(label + n, len - n, ", ");
	if (r->chr && n < len)
		n += (size_t)snprintf(label + n, len - n, "-%c%s", r->chr,
				      r->name ? ", " : "");
	if (r->name && n < len)
		n += (size_t)snprintf(label + n, len - n, "--%s", r->name);
	if (r->arg && n < len)
		n += (size_t)snprintf(label + n, len - n, " %s", r->arg);
	return n < len ? n : len - 1;
}

/* One row's --help lines: its names (and those of the rows listed with
   it), then its text, each line after the first indented to HELP_COL. */
static void help_row(FILE *out, const char *label, const struct opt_row *r,
		     struct options *d)
{
	const char *p;
	size_t k;

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

void options_usage(FILE *out)
{
	struct options d;
	char label[128];
	size_t i, n = 0;
	int s;

	options_default(&d);
	fputs(usage_head, out);
	for (s = 0; s < OPTS_HIDDEN; s++) {
		fputc('\n', out);
		if (titles[s])
			fprintf(out, "%s\n", titles[s]);
		for (i = 0; i < N_ROWS; i++) {
			if (rows[i].sect != (enum opt_sect)s)
				continue;
			n = add_names(label, n, sizeof(label), &rows[i]);
			if (!rows[i].help)
				continue;
			help_row(out, label, &rows[i], &d);
			n = 0;
		}
		if (notes[s])
			fputs(notes[s], out);
	}
	fputc('\n', out);
	fputs(usage_exit, out);
	fputc('\n', out);
	acl_usage(out);
}
