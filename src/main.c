/*
 * main.c: the command line, the per-packet pipeline, and exit codes.
 *
 * Only this file exits. Pipeline: capture -> decode -> flow table ->
 * classify (once per flow) -> DPI (a flow's first packets, until decided;
 * then the protocol check) -> report (once per ended flow).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "catalogue.h"
#include "classify.h"
#include "config.h"
#include "decode.h"
#include "dpi.h"
#include "flow.h"
#include "report.h"

/* Exit codes, as README.md and --help document them. */
#define EXIT_PASS         0   /* ran; with --validate: every flow documented */
#define EXIT_FINDINGS     1   /* --validate: undocumented, local-only or
                                 protocol-mismatch flows */
#define EXIT_INPUT_ERROR  2   /* usage, rules, capture or output error */

#define MAX_INPUTS 256
#define MAX_RULES_ADD 32

struct options {
	const char *inputs[MAX_INPUTS];
	size_t n_inputs;
	const char *output;
	const char *filter;
	const char *rules;
	const char *rules_add[MAX_RULES_ADD];
	size_t n_rules_add;
	enum report_format fmt;
	bool validate;
	bool quiet;
	bool no_dpi;
	unsigned top;
	struct limits lim;
};

struct run {
	struct options *opt;
	struct catalogue *cat;
	struct decoder dec;
	struct flow_table *ft;
	struct dpi *dpi;         /* NULL with --no-dpi */
	struct report *rep;
	struct file_stat *cur;   /* the file being read */
	uint64_t packets, bytes;
	bool progress;           /* stderr is a terminal and not --quiet */
	bool progress_shown;
	struct timespec last_progress;
};

static volatile sig_atomic_t stop_flag;

static void usage(FILE *o)
{
	fprintf(o,
"usage: impwatch [options] -r FILE [-r FILE...]\n"
"       impwatch rules [--format text|json] [--rules FILE] [--rules-add FILE]\n"
"       impwatch rules --check FILE\n"
"\n"
"Classify captured traffic against the Cisco IM and Presence port catalogue\n"
"(tables 2-34 of the port usage guide) and report undocumented flows.\n"
"\n"
"Input and output:\n"
"  -r FILE              read a pcap or pcapng file ('-' for standard input);\n"
"                       repeat for several files, read in order as one run\n"
"  -f, --filter BPF     only packets matching this BPF filter (as tcpdump)\n"
"  -w FILE              write the report to FILE instead of standard output\n"
"  --format FMT         text (default: a summary), json (JSON lines: one\n"
"                       flow object per flow, then a summary object), csv\n"
"  --top N              largest flows listed per finding (default 20)\n"
"  -q, --quiet          no progress line on standard error\n"
"  --validate           exit 0 only when every flow is documented (and no\n"
"                       flow is a protocol mismatch)\n"
"\n"
"Catalogue:\n"
"  --rules FILE         use FILE instead of the built-in catalogue\n"
"  --rules-add FILE     add rows, or replace rows of the same table and\n"
"                       service (a site's moved ports); may repeat\n"
"\n"
"Limits:\n"
"  --max-flows N        flows tracked at once (default %u); beyond it the\n"
"                       least recently seen flow is reported and evicted\n"
"  --timeout-tcp S      idle timeout of TCP flows (default %u s)\n"
"  --timeout-tcp-done S linger after FIN or RST (default %u s)\n"
"  --timeout-udp S      idle timeout of UDP flows (default %u s)\n"
"  --timeout-other S    idle timeout of ICMP and other flows (default %u s)\n"
"  --max-frags N        IP datagrams in reassembly at once (default %u)\n"
"  --timeout-frag S     fragment reassembly timeout (default %u s)\n"
"\n"
"Application detection (nDPI):\n"
"  --dpi-packets N      packets of a flow, both directions, nDPI inspects\n"
"                       for an answer from the payload before it gives up\n"
"                       with its guess (default %u, at most %u)\n"
"  --no-dpi             ports only: nDPI is not loaded, records have no app\n"
"\n"
"  A documented flow is protocol-mismatch when nDPI identifies its payload\n"
"  as a protocol none of the flow's catalogue rows allows (their apps\n"
"  column). nDPI names a flow MASTER.APP: when MASTER carries other\n"
"  protocols (TLS, HTTP, DNS, QUIC...) MASTER is checked, APP being a service\n"
"  inside it (TLS.Google on 8443 is TLS: allowed); otherwise MASTER is\n"
"  nDPI's guess from the port and APP is checked (SIP.HTTP on 5060 is HTTP:\n"
"  a mismatch). Guesses (app_source guess) and unknown payload never are.\n"
"  A local-only flow whose payload is another protocol is a mismatch too;\n"
"  undocumented flows keep their verdict and carry the app.\n"
"\n"
"  -h, --help           this help\n"
"  -V, --version        version\n"
"\n"
"Exit status:\n"
"  0  the run completed (with --validate: every flow is documented)\n"
"  1  --validate: some flow is undocumented, local-only or protocol-mismatch\n"
"  2  usage error, bad rules file, unreadable or damaged capture, or the\n"
"     report could not be written (the report still covers what was read)\n",
		DEF_MAX_FLOWS, DEF_TIMEOUT_TCP, DEF_TIMEOUT_TCP_DONE,
		DEF_TIMEOUT_UDP, DEF_TIMEOUT_OTHER, DEF_MAX_FRAGS,
		DEF_TIMEOUT_FRAG, DEF_DPI_PACKETS, MAX_DPI_PACKETS);
}

/* A whole number in [lo, hi], or false. */
static bool parse_uint(const char *s, unsigned long lo, unsigned long hi,
		       uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_format(const char *s, enum report_format *fmt)
{
	if (strcmp(s, "text") == 0)
		*fmt = FMT_TEXT;
	else if (strcmp(s, "json") == 0)
		*fmt = FMT_JSON;
	else if (strcmp(s, "csv") == 0)
		*fmt = FMT_CSV;
	else
		return false;
	return true;
}

enum {
	OPT_FORMAT = 256, OPT_VALIDATE, OPT_RULES, OPT_RULES_ADD, OPT_MAX_FLOWS,
	OPT_TIMEOUT_TCP, OPT_TIMEOUT_TCP_DONE, OPT_TIMEOUT_UDP,
	OPT_TIMEOUT_OTHER, OPT_MAX_FRAGS, OPT_TIMEOUT_FRAG, OPT_TOP, OPT_CHECK,
	OPT_NO_DPI, OPT_DPI_PACKETS
};

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "validate", no_argument, NULL, OPT_VALIDATE },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "rules-add", required_argument, NULL, OPT_RULES_ADD },
	{ "check", required_argument, NULL, OPT_CHECK },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "timeout-tcp", required_argument, NULL, OPT_TIMEOUT_TCP },
	{ "timeout-tcp-done", required_argument, NULL, OPT_TIMEOUT_TCP_DONE },
	{ "timeout-udp", required_argument, NULL, OPT_TIMEOUT_UDP },
	{ "timeout-other", required_argument, NULL, OPT_TIMEOUT_OTHER },
	{ "max-frags", required_argument, NULL, OPT_MAX_FRAGS },
	{ "timeout-frag", required_argument, NULL, OPT_TIMEOUT_FRAG },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "no-dpi", no_argument, NULL, OPT_NO_DPI },
	{ "dpi-packets", required_argument, NULL, OPT_DPI_PACKETS },
	{ "filter", required_argument, NULL, 'f' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int bad_value(const char *opt, const char *val)
{
	fprintf(stderr, "impwatch: invalid value '%s' for %s\n", val, opt);
	fprintf(stderr, "Try 'impwatch --help'.\n");
	return EXIT_INPUT_ERROR;
}

/* Parse argv into *o. Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct options *o,
		      const char **check)
{
	int c;

	while ((c = getopt_long(argc, argv, "r:w:f:qhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (o->n_inputs == MAX_INPUTS) {
				fprintf(stderr, "impwatch: more than %d input files\n",
					MAX_INPUTS);
				return EXIT_INPUT_ERROR;
			}
			o->inputs[o->n_inputs++] = optarg;
			break;
		case 'w': o->output = optarg; break;
		case 'f': o->filter = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); return EXIT_PASS;
		case 'V': printf("impwatch %s\n", IMPWATCH_VERSION); return EXIT_PASS;
		case OPT_FORMAT:
			if (!parse_format(optarg, &o->fmt))
				return bad_value("--format (text, json, csv)", optarg);
			break;
		case OPT_VALIDATE: o->validate = true; break;
		case OPT_RULES: o->rules = optarg; break;
		case OPT_RULES_ADD:
			if (o->n_rules_add == MAX_RULES_ADD) {
				fprintf(stderr, "impwatch: more than %d --rules-add files\n",
					MAX_RULES_ADD);
				return EXIT_INPUT_ERROR;
			}
			o->rules_add[o->n_rules_add++] = optarg;
			break;
		case OPT_CHECK: *check = optarg; break;
		case OPT_MAX_FLOWS:
			if (!parse_uint(optarg, 1, FLOW_MAX_FLOWS, &o->lim.max_flows))
				return bad_value("--max-flows", optarg);
			break;
		case OPT_TIMEOUT_TCP:
			if (!parse_uint(optarg, 1, 86400 * 7, &o->lim.timeout_tcp))
				return bad_value("--timeout-tcp", optarg);
			break;
		case OPT_TIMEOUT_TCP_DONE:
			if (!parse_uint(optarg, 0, 86400, &o->lim.timeout_tcp_done))
				return bad_value("--timeout-tcp-done", optarg);
			break;
		case OPT_TIMEOUT_UDP:
			if (!parse_uint(optarg, 1, 86400 * 7, &o->lim.timeout_udp))
				return bad_value("--timeout-udp", optarg);
			break;
		case OPT_TIMEOUT_OTHER:
			if (!parse_uint(optarg, 1, 86400 * 7, &o->lim.timeout_other))
				return bad_value("--timeout-other", optarg);
			break;
		case OPT_MAX_FRAGS:
			if (!parse_uint(optarg, 1, 1u << 24, &o->lim.max_frags))
				return bad_value("--max-frags", optarg);
			break;
		case OPT_TIMEOUT_FRAG:
			if (!parse_uint(optarg, 1, 3600, &o->lim.timeout_frag))
				return bad_value("--timeout-frag", optarg);
			break;
		case OPT_NO_DPI: o->no_dpi = true; break;
		case OPT_DPI_PACKETS:
			if (!parse_uint(optarg, 1, MAX_DPI_PACKETS, &o->lim.dpi_packets))
				return bad_value("--dpi-packets", optarg);
			break;
		case OPT_TOP: {
			uint32_t n;

			if (!parse_uint(optarg, 0, 100000, &n))
				return bad_value("--top", optarg);
			o->top = n;
			break;
		}
		default:
			fprintf(stderr, "Try 'impwatch --help'.\n");
			return EXIT_INPUT_ERROR;
		}
	}
	return -1;
}

/* The catalogue's check of apps names: nDPI must know each one. */
static bool app_known(void *ctx, const char *name, size_t len)
{
	return dpi_proto_known(ctx, name, len);
}

/* The catalogue in force: built in or --rules, then each --rules-add.
   With dpi, every apps name is checked against nDPI's protocols. */
static struct catalogue *load_catalogue(const struct options *o,
					struct dpi *dpi)
{
	struct catalogue *cat = catalogue_new();
	size_t i;
	int rc;

	if (!cat) {
		fprintf(stderr, "impwatch: out of memory\n");
		return NULL;
	}
	if (dpi)
		catalogue_set_app_check(cat, app_known, dpi);
	rc = o->rules ? catalogue_load_file(cat, o->rules, false, stderr)
		      : catalogue_load_embedded(cat, stderr);
	for (i = 0; rc == 0 && i < o->n_rules_add; i++)
		rc = catalogue_load_file(cat, o->rules_add[i], true, stderr);
	if (rc == 0)
		rc = catalogue_build(cat, stderr);
	if (rc != 0) {
		catalogue_free(cat);
		return NULL;
	}
	return cat;
}

static void on_flow_end(void *ctx, struct flow *f)
{
	struct run *r = ctx;

	if (f->dpi) {
		dpi_flow_finish(r->dpi, f);
		classify_app(r->cat, r->dpi, f);
	}
	report_flow(r->rep, f);
}

static void on_packet(void *ctx, int dlt, uint64_t ts_us, const uint8_t *bytes,
		      uint32_t caplen, uint32_t wire_len)
{
	struct run *r = ctx;
	struct packet p;
	struct flow *f;
	bool is_new, from_b;

	r->packets++;
	r->bytes += wire_len;
	if (decode_packet(&r->dec, dlt, ts_us, bytes, caplen, wire_len, &p) !=
	    DECODE_OK)
		return;
	flow_expire(r->ft, p.ts_us);
	f = flow_lookup(r->ft, &p, &is_new, &from_b);
	if (is_new) {
		classify_flow(r->cat, f, &p, from_b);
		if (r->dpi)
			dpi_flow_start(r->dpi, f);
	}
	/* A decided flow (or --no-dpi) pays this one test and no more. */
	if (f->dpi && dpi_packet(r->dpi, f, &p))
		classify_app(r->cat, r->dpi, f);
}

/* The progress line: at most a few times a second, on a terminal only. */
static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct run *r = ctx;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec == r->last_progress.tv_sec &&
	    now.tv_nsec - r->last_progress.tv_nsec < 250000000L)
		return;
	r->last_progress = now;
	fprintf(stderr, "\r%s: %3.0f%% (%llu of %llu bytes), %llu packets, %llu flows ",
		r->cur->name, total ? 100.0 * (double)done / (double)total : 0.0,
		(unsigned long long)done, (unsigned long long)total,
		(unsigned long long)r->packets,
		(unsigned long long)flow_table_stats(r->ft)->created);
	r->progress_shown = true;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* `impwatch rules ...`: print or check a catalogue. */
static int cmd_rules(int argc, char **argv)
{
	struct options o;
	const char *check = NULL;
	struct catalogue *cat;
	struct dpi *dpi = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	limits_default(&o.lim);
	rc = parse_args(argc, argv, &o, &check);
	if (rc >= 0)
		return rc;
	if (optind < argc) {
		fprintf(stderr, "impwatch rules: unexpected argument '%s'\n",
			argv[optind]);
		return EXIT_INPUT_ERROR;
	}
	if (check) {
		o.rules = check;
		o.n_rules_add = 0;
	}
	/* nDPI is loaded only to check the apps names. */
	if (!o.no_dpi && !(dpi = dpi_new(o.lim.dpi_packets))) {
		fprintf(stderr, "impwatch: cannot initialise nDPI (out of memory, "
			"or not the libndpi impwatch was built with)\n");
		return EXIT_INPUT_ERROR;
	}
	cat = load_catalogue(&o, dpi);
	dpi_free(dpi);
	if (!cat)
		return EXIT_INPUT_ERROR;
	if (check)
		printf("%s: %zu rows, no errors\n", check, catalogue_count(cat));
	else if (o.fmt == FMT_JSON)
		catalogue_print_json(cat, stdout);
	else
		catalogue_print_table(cat, stdout);
	catalogue_free(cat);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "impwatch: cannot write output: %s\n", strerror(errno));
		return EXIT_INPUT_ERROR;
	}
	return EXIT_PASS;
}

static uint64_t random_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return seed;
}

static int analyse(struct options *o)
{
	struct run r;
	struct run_stats s;
	struct file_stat *files;
	FILE *out = stdout;
	bool input_error = false, werr;
	size_t i;
	int status;

	memset(&r, 0, sizeof(r));
	r.opt = o;
	/* --no-dpi: no nDPI module at all, and no state per flow. */
	if (!o->no_dpi && !(r.dpi = dpi_new(o->lim.dpi_packets))) {
		fprintf(stderr, "impwatch: cannot initialise nDPI (out of memory, "
			"or not the libndpi impwatch was built with)\n");
		return EXIT_INPUT_ERROR;
	}
	r.cat = load_catalogue(o, r.dpi);
	if (!r.cat) {
		dpi_free(r.dpi);
		return EXIT_INPUT_ERROR;
	}
	if (o->output && !(out = fopen(o->output, "w"))) {
		fprintf(stderr, "impwatch: cannot write %s: %s\n", o->output,
			strerror(errno));
		catalogue_free(r.cat);
		dpi_free(r.dpi);
		return EXIT_INPUT_ERROR;
	}
	files = calloc(o->n_inputs, sizeof(*files));
	r.rep = report_new(o->fmt, out, r.cat, r.dpi, o->top);
	r.ft = flow_table_new(&o->lim, random_seed(), on_flow_end, &r);
	if (!files || !r.rep || !r.ft || decoder_init(&r.dec, &o->lim) != 0) {
		fprintf(stderr, "impwatch: out of memory (--max-flows %u)\n",
			o->lim.max_flows);
		exit(EXIT_INPUT_ERROR);
	}
	r.progress = !o->quiet && isatty(STDERR_FILENO);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	for (i = 0; i < o->n_inputs && !stop_flag; i++) {
		files[i].name = o->inputs[i];
		r.cur = &files[i];
		if (capture_read_file(&files[i], o->filter, on_packet,
				      r.progress ? on_progress : NULL, &r,
				      &stop_flag) != 0) {
			if (r.progress_shown)
				fputc('\n', stderr);
			r.progress_shown = false;
			fprintf(stderr, "impwatch: %s: %s\n", files[i].name,
				files[i].error);
			input_error = true;
		}
	}
	if (r.progress_shown)
		fputs("\r\033[K", stderr);

	/* Everything read is reported: live flows end with the input. */
	decoder_expire(&r.dec, UINT64_MAX);
	flow_flush(r.ft, END_EOF);

	if (input_error)
		status = EXIT_INPUT_ERROR;
	else if (o->validate && (report_verdict_count(r.rep, V_UNDOCUMENTED) ||
				 report_verdict_count(r.rep, V_LOCAL_ONLY) ||
				 report_verdict_count(r.rep, V_PROTOCOL_MISMATCH) ||
				 report_verdict_count(r.rep, V_ROLE_VIOLATION)))
		status = EXIT_FINDINGS;
	else
		status = EXIT_PASS;

	memset(&s, 0, sizeof(s));
	s.files = files;
	s.n_files = o->n_inputs;
	s.packets = r.packets;
	s.bytes = r.bytes;
	s.dec = &r.dec;
	s.flows = flow_table_stats(r.ft);
	s.max_flows = o->lim.max_flows;
	s.dpi = r.dpi ? dpi_stats(r.dpi) : NULL;
	s.dpi_packets = o->lim.dpi_packets;
	s.validate = o->validate;
	s.exit_status = status;
	report_summary(r.rep, &s);

	/* A report that could not be written in full is an error (a full
	   disk, -w /dev/full): the exit status must say so. */
	werr = fflush(out) != 0 || ferror(out);
	if (out != stdout && fclose(out) != 0)
		werr = true;
	if (werr) {
		fprintf(stderr, "impwatch: cannot write %s: %s\n",
			o->output ? o->output : "standard output", strerror(errno));
		status = EXIT_INPUT_ERROR;
	}

	flow_table_free(r.ft);
	decoder_free(&r.dec);
	report_free(r.rep);
	catalogue_free(r.cat);
	dpi_free(r.dpi);
	free(files);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	const char *check = NULL;
	int rc;

	if (argc > 1 && strcmp(argv[1], "rules") == 0)
		return cmd_rules(argc - 1, argv + 1);

	memset(&o, 0, sizeof(o));
	limits_default(&o.lim);
	o.top = 20;
	rc = parse_args(argc, argv, &o, &check);
	if (rc >= 0)
		return rc;
	if (check) {
		fprintf(stderr, "impwatch: --check goes with 'impwatch rules'\n");
		return EXIT_INPUT_ERROR;
	}
	/* Files after the options are inputs too, as with -r. */
	for (; optind < argc; optind++) {
		if (o.n_inputs == MAX_INPUTS) {
			fprintf(stderr, "impwatch: more than %d input files\n",
				MAX_INPUTS);
			return EXIT_INPUT_ERROR;
		}
		o.inputs[o.n_inputs++] = argv[optind];
	}
	if (o.n_inputs == 0) {
		fprintf(stderr, "impwatch: no input: give -r FILE (or -r - for standard input)\n");
		fprintf(stderr, "Try 'impwatch --help'.\n");
		return EXIT_INPUT_ERROR;
	}
	return analyse(&o);
}
