/*
 * acl_cmd.c: `impwatch acl`, the command: its options, the catalogue and
 * the inventory it loads, the records it observes, and the rules it
 * writes (acl.c builds them, acl_write.c writes them).
 */
#include "acl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acl_int.h"
#include "config.h"
#include "engine.h"
#include "options.h"
#include "replace.h"
#include "textfile.h"
#include "util.h"

#define EXIT_OK           0
#define EXIT_INPUT        2     /* main.c's EXIT_INPUT_ERROR */
#define EXIT_INCONCLUSIVE 3     /* --observed: records that may be partial */

void acl_usage(FILE *out)
{
	char names[128];

	acl_writer_names("|", names, sizeof(names));
	fprintf(out,
"Firewall rules (impwatch acl):\n"
"  --hosts FILE         the inventory the rules are written for (required)\n"
"  --format FMT         %s (default nftables):\n"
"                       a table for nft -f, iptables-restore or\n"
"                       ip6tables-restore input, a Cisco ASA access-list\n"
"                       with object-groups, a Cisco IOS extended ACL\n"
"  --observed FILE...   impwatch's JSON records (--format json): only the\n"
"                       rows documented flows used, and a list of the rows\n"
"                       never used; the files after it are records too;\n"
"                       exit 3 when they may leave flows out (a run cut\n"
"                       short, inconclusive, in poor health or in error;\n"
"                       flows documented by rows this catalogue lacks; no\n"
"                       documented flow used a row): said, and in the\n"
"                       rules' header\n"
"  -o FILE              write the rules to FILE instead of standard output\n"
"                       ('-': standard output; created 0640)\n"
"  --rules FILE, --rules-add FILE  the catalogue, as for a run\n",
		names);
}

struct acl_opts {
	const char *hosts, *format, *output, *rules;
	const char **rules_add, **observed;
	size_t n_rules_add, n_observed;
};

enum { O_HOSTS = 256, O_FORMAT, O_OBSERVED, O_RULES, O_RULES_ADD };

/* Set *field to optarg, the option's first use; a second is refused (as
   for a run: one would be silently dropped). */
static bool once(const char **field, const char *name)
{
	if (*field) {
		tprintf(stderr, "impwatch acl: %s given twice ('%s', then '%s'): "
			"it takes one\n", name, *field, optarg);
		return false;
	}
	*field = optarg;
	return true;
}

/* Options into *o: -1 to go on, or an exit status. */
static int acl_args(int argc, char **argv, struct acl_opts *o)
{
	static const struct option longs[] = {
		{ "hosts", required_argument, NULL, O_HOSTS },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "observed", required_argument, NULL, O_OBSERVED },
		{ "rules", required_argument, NULL, O_RULES },
		{ "rules-add", required_argument, NULL, O_RULES_ADD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, li = -1;

	optind = 1;
	opterr = 0;     /* said by options_getopt_error() */
	while ((c = getopt_long(argc, argv, ":ho:", longs, &li)) != -1) {
		/* An empty name names nothing; --format says its own list. */
		if (optarg && !*optarg && c != O_FORMAT) {
			tprintf(stderr, "impwatch acl: invalid value '' for "
				"%s%s\n", c == 'o' ? "-o" : "--",
				c == 'o' ? "" : longs[li].name);
			return EXIT_INPUT;
		}
		li = -1;
		switch (c) {
		case O_HOSTS:
			if (!once(&o->hosts, "--hosts"))
				return EXIT_INPUT;
			break;
		case O_FORMAT:
			if (!once(&o->format, "--format"))
				return EXIT_INPUT;
			break;
		case O_OBSERVED: o->observed[o->n_observed++] = optarg; break;
		case O_RULES:
			if (!once(&o->rules, "--rules"))
				return EXIT_INPUT;
			break;
		case O_RULES_ADD: o->rules_add[o->n_rules_add++] = optarg; break;
		case 'o':
			if (!once(&o->output, "-o"))
				return EXIT_INPUT;
			break;
		case 'h':
			printf("usage: impwatch acl --hosts FILE [--format FMT] "
			       "[--observed FILE...] [-o FILE]\n"
			       "                    [--rules FILE] [--rules-add FILE]\n\n");
			acl_usage(stdout);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
		default:
			options_getopt_error("impwatch acl", c, argv, "ho:",
					     longs);
			return EXIT_INPUT;
		}
	}
	/* '-o -' is standard output, as a run's: never a file named '-'. */
	if (o->output && strcmp(o->output, "-") == 0)
		o->output = NULL;
	/* "--observed a.json b.json": the files after it are records too. */
	for (; optind < argc; optind++) {
		if (!o->n_observed) {
			tprintf(stderr, "impwatch acl: unexpected argument '%s'\n",
				argv[optind]);
			return EXIT_INPUT;
		}
		o->observed[o->n_observed++] = argv[optind];
	}
	return -1;
}

/* -o names one of the inputs (by any name): it would be emptied once the
   rules are written, the inventory or the records lost. Said on
   standard error; true then. */
static bool output_is_input(const struct acl_opts *o)
{
	const char **in = malloc((o->n_rules_add + o->n_observed + 2) *
				 sizeof(*in));
	size_t n = 0, i;
	long k;

	if (!in) {
		tprintf(stderr, "impwatch: out of memory\n");
		return true;
	}
	in[n++] = o->hosts;
	if (o->rules)
		in[n++] = o->rules;
	for (i = 0; i < o->n_rules_add; i++)
		in[n++] = o->rules_add[i];
	for (i = 0; i < o->n_observed; i++)
		in[n++] = o->observed[i];
	k = path_is_input(o->output, in, n);
	if (k >= 0)
		tprintf(stderr, "impwatch acl: cannot write the rules to %s: it "
			"is an input (%s)\n", o->output,
			strcmp(in[k], "-") == 0 ? "standard input" : in[k]);
	free(in);
	return k >= 0;
}

/* Read the records of one --observed file ("-": standard input). A
   file that cannot be read is said as every loader says it. */
static int observe_file(struct acl *a, const char *path)
{
	FILE *in = textfile_open_stream(path, stderr);
	int rc;

	if (!in)
		return -1;
	rc = acl_observe(a, path, in, stderr);
	if (in != stdin)
		fclose(in);
	return rc;
}

/*
 * The rules file, created 0640 within the umask as the report is (it
 * names the site's hosts and what they may say to each other). A
 * regular file, or none yet, is replaced whole (replace.h): a write that
 * fails (a full disk) leaves the rules of before as they were, never
 * half of new ones; a file replaced keeps its mode. Anything else (a
 * FIFO, /dev/stdout, a symbolic link), or a folder where no file can be
 * made beside it, is written in place (r->tmp NULL). False with errno
 * set when it cannot be opened.
 */
static bool open_rules(const char *path, struct replace *r)
{
	return replace_open(path, r) == 0 ||
	       replace_in_place(path, O_CREAT, r) == 0;
}

/* What to do about too many pairs, as their cause says: wider lines cut
   into more networks than the inventory has lines (an IM&P /8 with 20
   CUCM hosts inside is 372 networks, each a pair with the others), or
   hosts listed one by one. */
static void bound_advice(const struct acl *a, char *buf, size_t size)
{
	if (a->n_pieces > a->n_lines && a->n_cut == 1)
		snprintf(buf, size, "the %zu line%s inside a wider line cut it "
			 "into %zu networks, each a pair with the others: list "
			 "the wider line narrower, as the networks that hold its "
			 "roles", a->n_inside, PLURAL(a->n_inside), a->n_pieces);
	else if (a->n_pieces > a->n_lines)
		snprintf(buf, size, "the %zu lines inside %zu wider lines cut "
			 "them into %zu networks, each a pair with the others: "
			 "list the wider lines narrower, as the networks that "
			 "hold their roles", a->n_inside, a->n_cut, a->n_pieces);
	else
		snprintf(buf, size, "list hosts as networks in the inventory");
}

/* Whether the rules of format w for model a are few enough to write
   (ACL_MAX_RULES), said on standard error when not. Counted before -o
   is opened: a refused list leaves no file, and an old one as it was. */
static bool fits(const struct acl *a, const struct acl_writer *w,
		 const char *hosts)
{
	uint64_t n = acl_count(a, w);
	char advice[256];

	if (n <= ACL_MAX_RULES)
		return true;
	bound_advice(a, advice, sizeof(advice));
	tprintf(stderr, "impwatch acl: --format %s would write %llu rules for "
		"the pairs of hosts in %s, more than the bound of %u: %s, or "
		"use --format nftables or asa, which name groups of hosts; "
		"nothing written\n", w->name, (unsigned long long)n, hosts,
		ACL_MAX_RULES, advice);
	return false;
}

/* Why the observed records may be partial, on standard error: what
   acl_observe_end() found. */
static void say_partial(const struct acl *a)
{
	const struct acl_observed *st = &a->obs;
	uint64_t k;

	tprintf(stderr, "impwatch acl: the observed records may not hold every "
		"flow: a rule a documented flow needs may be missing (exit "
		"3):\n");
	for (k = 0; k < st->n_partial && k < ACL_PARTIAL_KEEP; k++)
		tprintf(stderr, "  %s\n", st->partial[k]);
	if (st->n_partial > ACL_PARTIAL_KEEP)
		tprintf(stderr, "  and %llu more\n", (unsigned long long)
			(st->n_partial - ACL_PARTIAL_KEEP));
}

int acl_command(int argc, char **argv)
{
	struct acl_opts o;
	struct engine_cfg cfg;
	struct acl_source src;
	const struct acl_writer *w;
	struct catalogue *cat = NULL;
	struct hosts *hosts = NULL;
	struct acl *a = NULL;
	struct replace rf = { NULL, NULL };
	FILE *out = stdout;
	size_t i;
	uint64_t partial = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	o.rules_add = calloc((size_t)argc + 1, sizeof(*o.rules_add));
	o.observed = calloc((size_t)argc + 1, sizeof(*o.observed));
	if (!o.rules_add || !o.observed) {
		tprintf(stderr, "impwatch: out of memory\n");
		rc = EXIT_INPUT;
		goto done;
	}
	rc = acl_args(argc, argv, &o);
	if (rc >= 0)
		goto done;
	rc = EXIT_INPUT;
	w = acl_writer_find(o.format ? o.format : "nftables");
	if (!w) {
		char names[128];

		acl_writer_names(", ", names, sizeof(names));
		tprintf(stderr, "impwatch acl: invalid value '%s' for --format "
			"(%s)\n", o.format, names);
		goto done;
	}
	if (!o.hosts) {
		tprintf(stderr, "impwatch acl: --hosts FILE is required: the "
			"rules are written between the hosts of an inventory\n");
		goto done;
	}
	if (output_is_input(&o))
		goto done;
	/* No limit applies: the catalogue keeps its own defaults. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.rules = o.rules;
	cfg.rules_add = o.rules_add;
	cfg.n_rules_add = o.n_rules_add;
	cat = engine_load_catalogue(&cfg, NULL, stderr);
	if (!cat)
		goto done;
	hosts = hosts_load(o.hosts, stderr);
	if (!hosts)
		goto done;
	a = acl_new(cat, hosts);
	if (!a) {
		tprintf(stderr, "impwatch: out of memory\n");
		goto done;
	}
	for (i = 0; i < o.n_observed; i++)
		if (observe_file(a, o.observed[i]) != 0)
			goto done;
	if (o.n_observed && (partial = acl_observe_end(a)) != 0)
		say_partial(a);
	if (acl_build(a) != 0) {
		tprintf(stderr, "impwatch: out of memory\n");
		goto done;
	}
	if (!fits(a, w, o.hosts))
		goto done;
	if (o.output) {
		if (!open_rules(o.output, &rf)) {
			tprintf(stderr, "impwatch: cannot write %s: %s\n",
				o.output, strerror(errno));
			goto done;
		}
		out = rf.f;
	}
	src.hosts = o.hosts;
	src.rules = o.rules;
	src.rules_add = o.rules_add;
	src.n_rules_add = o.n_rules_add;
	acl_write(a, w, &src, out);
	if (fflush(out) != 0 || ferror(out)) {
		tprintf(stderr, "impwatch: cannot write %s: %s\n",
			o.output ? o.output : "standard output",
			strerror(errno));
		goto done;
	}
	/* Rules from records that may leave flows out are written (they
	   open nothing the catalogue does not), but never said sure: a
	   script that applies them on success would cut a documented
	   service in use. */
	rc = partial ? EXIT_INCONCLUSIVE : EXIT_OK;
done:
	if (out != stdout &&
	    replace_close(&rf, o.output, rc != EXIT_INPUT) != 0 &&
	    rc != EXIT_INPUT) {
		tprintf(stderr, "impwatch: cannot write %s: %s\n", o.output,
			strerror(errno));
		rc = EXIT_INPUT;
	}
	acl_free(a);
	hosts_free(hosts);
	catalogue_free(cat);
	free(o.rules_add);
	free(o.observed);
	return rc;
}
