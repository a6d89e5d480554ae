/*
 * main.c: the command line, the run (files or an interface), exit codes.
 *
 * Only this file exits. The options are read by options.c, from the
 * table of options.h; the per-packet path is worker.c's, the outputs
 * sink.c's. This file checks the options against each other, sets up the
 * engine, a worker and the sink, reads the inputs into the worker, and
 * decides the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "acl.h"
#include "capture.h"
#include "catalogue.h"
#include "classify.h"
#include "config.h"
#include "dpi.h"
#include "engine.h"
#include "gate.h"
#include "judge.h"
#include "options.h"
#include "outfile.h"
#include "pipeline.h"
#include "progress.h"
#include "report.h"
#include "runinfo.h"
#include "sink.h"
#include "textfile.h"
#include "waiver.h"
#include "worker.h"
#include "util.h"

#define ERR_MAX 512             /* one line of error text */

/* Why live readers stop: the first reason given stands. */
enum halt { HALT_NONE = 0, HALT_DRAIN, HALT_COUNT, HALT_ERROR };

struct run;

/* One interface in the drain at the stop (drain_live()). */
struct drain_if {
	int got;                   /* frames the drain's latest read had */
	uint64_t last;             /* when its last read with frames began
	                              (monotonic us) */
	uint64_t frames;           /* frames read in the drain */
	bool past_stop;            /* a packet stamped after the stop came */
	bool done;                 /* past the stop, or quiet */
	bool cut;                  /* LIVE_DRAIN_MS came first: the
	                              capture's end was not read */
};

/* The interfaces one thread reads: every -i when one thread reads them
   all, one each with reader threads (pipeline.h). */
struct capset {
	struct run *r;
	struct worker *w;          /* where its frames go */
	bool own_thread;           /* a reader thread's (pipeline.h) */
	struct live **lives;       /* in r->lives */
	size_t first, n;           /* its -i: first to first + n - 1 */
	size_t err_if;             /* the interface a capture error names */
	char err[ERR_MAX];         /* and the error */
	bool failed;
	uint64_t stop_us;          /* wall clock when the capture was stopped */
	bool draining;             /* reading what the kernel held at the stop */
	size_t cur;                /* the interface being read (its index) */
	struct drain_if dr[LIVE_IFACES_MAX];   /* each interface's drain */
	pthread_mutex_t mu;        /* reader threads: guards ls */
	struct live_stats ls;      /* its interfaces' counters, lately */
	uint64_t ls_at;            /* when they were read (monotonic) */
};

/* A run: what every part reads (the engine), the per-packet path (one
   worker, or a reader and its flow workers), the outputs (the sink); the
   inputs, and progress. */
struct run {
	struct options *opt;
	struct run_info info;      /* names the run on every record */
	struct engine eng;
	unsigned threads;          /* flow workers; 1: no pipeline */
	struct pipeline *pl;       /* with more than one */
	struct modules *early;     /* its workers' nDPI modules, until
	                              pipeline_new() takes them */
	bool finished;             /* every flow has ended */
	bool cut_short;            /* live: a signal came before --duration
	                              or --count was reached */
	uint64_t captured_us;      /* live: how long it captured (monotonic) */
	struct worker *w;          /* the worker, or the pipeline's reader */
	struct sink *sink;
	struct file_stat *files;   /* offline inputs */
	struct file_stat *cur;     /* the file being read */
	struct live *live;         /* the first interface's; NULL: files */
	struct live *lives[LIVE_IFACES_MAX];   /* every -i, in order */
	size_t n_live;
	char ifnames[LIVE_IFACES_MAX * 24];    /* "eth1,eth2" for reports */
	char cut[LIVE_IFACES_MAX * 24];        /* those whose drain was cut
	                                          (end_not_read()), in ls */
	char silent[LIVE_IFACES_MAX * 24];     /* those that captured
	                                          nothing (silent_ifaces()) */
	struct live_stats ls;
	struct capset caps[LIVE_IFACES_MAX];   /* who reads which -i */
	size_t n_caps;
	_Atomic int halt;          /* live: why the readers stop (enum halt) */
	_Atomic uint64_t claimed;  /* --count: frames the readers may read */
	_Atomic uint64_t counted;  /* ... and have read */
	struct progress prog;      /* on: stderr is a terminal, not --quiet */
};

static volatile sig_atomic_t stop_flag;   /* the signal that stops the run
                                             (SIGINT, SIGTERM); 0: none */
static volatile sig_atomic_t hup_flag;    /* SIGHUP: reopen the outputs */
/* The stop as the outputs see it (outfile.h): a reader that takes
   nothing holds it SINK_STALL_MS at most, all outputs together. */
static struct out_stop out_stop = { .flag = &stop_flag };
/* Standard error's: the messages and --alert-file - (the journal,
   under systemd) are written through outfile.h's stream. */
static struct outstate err_st = {
	.path = "standard error", .stop = &out_stop
};

/* `impwatch rules` takes --format, the catalogue's options and --no-dpi;
   with --check only --no-dpi (the file checked is the catalogue). Any
   other option would be silently ignored (-o: the table on standard
   output, no file): said on standard error, false. */
static bool rules_options_only(const struct options *o)
{
	static const char *const table[] = {
		"format", "rules", "rules-add", "no-dpi", NULL
	};
	static const char *const check[] = { "check", "no-dpi", NULL };
	char name[64];

	if (o->check && options_other(o, check, name)) {
		tprintf(stderr, "impwatch rules --check: %s does not go with "
			"it (it takes --no-dpi)\n", name);
		return false;
	}
	if (!o->check && options_other(o, table, name)) {
		tprintf(stderr, "impwatch rules: %s does not go with 'impwatch "
			"rules' (it takes --format, --rules, --rules-add and "
			"--no-dpi)\n", name);
		return false;
	}
	return true;
}

/* `impwatch rules ...`: print or check a catalogue. */
static int cmd_rules(int argc, char **argv)
{
	struct options o;
	struct engine_cfg cfg;
	struct catalogue *cat;
	struct dpi *dpi = NULL;
	int rc;

	options_default(&o);
	rc = options_parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (optind < argc) {
		tprintf(stderr, "impwatch rules: unexpected argument '%s'\n",
			argv[optind]);
		return EXIT_INPUT_ERROR;
	}
	if (!rules_options_only(&o))
		return EXIT_INPUT_ERROR;
	if (o.fmt == FMT_ECS) {
		tprintf(stderr, "impwatch rules: --format ecs writes a run's "
			"events, not the catalogue (text, json or csv)\n");
		return EXIT_INPUT_ERROR;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.lim = &o.lim;
	cfg.rules = o.check ? o.check : o.rules;
	cfg.rules_add = o.rules_add;
	cfg.n_rules_add = o.check ? 0 : o.n_rules_add;
	/* nDPI is loaded only to check the apps names. */
	if (!o.no_dpi && !(dpi = engine_dpi_new(&o.lim, stderr)))
		return EXIT_INPUT_ERROR;
	cat = engine_load_catalogue(&cfg, dpi, stderr);
	dpi_free(dpi);
	if (!cat)
		return EXIT_INPUT_ERROR;
	if (o.check)
		printf("%s: %zu row%s, no errors\n", o.check,
		       catalogue_count(cat), PLURAL(catalogue_count(cat)));
	else if (o.fmt == FMT_JSON)
		catalogue_print_json(cat, stdout);
	else if (o.fmt == FMT_CSV)
		catalogue_print_csv(cat, stdout);
	else
		catalogue_print_table(cat, stdout);
	catalogue_free(cat);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tprintf(stderr, "impwatch: cannot write output: %s\n", strerror(errno));
		return EXIT_INPUT_ERROR;
	}
	return EXIT_PASS;
}

/* `impwatch roles`: each role with the tables that use it, and whether a
   host outside the inventory may hold it. */
static int cmd_roles(int argc, char **argv)
{
	static const char *const roles_keep[] = { "rules", "rules-add", NULL };
	struct options o;
	char name[64];
	struct engine_cfg cfg;
	struct catalogue *cat;
	int rc;

	options_default(&o);
	rc = options_parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (optind < argc) {
		tprintf(stderr, "impwatch roles: unexpected argument '%s'\n",
			argv[optind]);
		return EXIT_INPUT_ERROR;
	}
	if (options_other(&o, roles_keep, name)) {
		tprintf(stderr, "impwatch roles: %s does not go with 'impwatch "
			"roles' (it takes --rules and --rules-add)\n", name);
		return EXIT_INPUT_ERROR;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.lim = &o.lim;
	cfg.rules = o.rules;
	cfg.rules_add = o.rules_add;
	cfg.n_rules_add = o.n_rules_add;
	cat = engine_load_catalogue(&cfg, NULL, stderr);
	if (!cat)
		return EXIT_INPUT_ERROR;
	catalogue_print_roles(cat, OPEN_ROLES, stdout);
	catalogue_free(cat);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tprintf(stderr, "impwatch: cannot write output: %s\n", strerror(errno));
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

/* The handlers only set flags: the run looks at them between packets
   and, live, between waits (a signal ends a wait at once). */
static void on_signal(int sig)
{
	stop_flag = sig;
	/* Reading files: a read waiting on a pipe or FIFO ends now. */
	capture_interrupt();
	/* Opening the outputs: so does a wait for a FIFO's reader. */
	open_write_interrupt();
}

static void on_hup(int sig)
{
	(void)sig;
	hup_flag = 1;
}

/*
 * SIGINT and SIGTERM end the run with a complete report, SIGHUP reopens
 * the outputs, whenever they come: installed before anything else, and
 * unblocked, since a parent may have left them blocked (one then pending
 * is taken now, and ends the run before it starts). One that ends a wait
 * for an output FIFO's reader ends the run before it starts, with no
 * report: it has nowhere to go.
 */
static void install_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	/* One handler at a time. */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void check_inputs(struct run *r);

/* SIGHUP: the sink reopens its files by name, between two records; the
   files read at the start are looked at. */
static void reopen_outputs(struct run *r)
{
	hup_flag = 0;
	sink_reopen(r->sink, stderr);
	check_inputs(r);
}

static void on_packet(void *ctx, int dlt, uint64_t ts_us, const uint8_t *bytes,
		      uint32_t caplen, uint32_t wire_len)
{
	struct capset *cs = ctx;

	/* Reading what the kernel held at the stop: a packet stamped
	   after it is the last one read from its interface. */
	if (cs->draining && ts_us > cs->stop_us)
		cs->dr[cs->cur].past_stop = true;
	worker_packet(cs->w, dlt, ts_us, bytes, caplen, wire_len);
}

/* From a file, frames go through the flow table in batches. */
static void on_file_packet(void *ctx, int dlt, uint64_t ts_us,
			   const uint8_t *bytes, uint32_t caplen,
			   uint32_t wire_len)
{
	struct run *r = ctx;

	if (hup_flag)
		reopen_outputs(r);
	worker_queue(r->w, dlt, ts_us, bytes, caplen, wire_len);
}

/* The progress line, as capture_read_file() reads. */
static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct run *r = ctx;
	struct worker_stats ws;
	struct run_stats st;

	worker_stats(r->w, &ws);
	if (r->pl) {
		/* The flows are the workers': their counters, summed. */
		pipeline_stats(r->pl);
		sink_stats(r->sink, &st);
		ws.flows.created = st.work.flows.created;
	}
	progress_show(&r->prog, r->cur->name, done, total, ws.packets,
		      ws.flows.created);
}

/* Read every input file in order; false when any could not be read in
   full (the report still covers what was). */
static bool read_files(struct run *r)
{
	struct options *o = r->opt;
	struct file_reader *rd = file_reader_new();
	bool ok = true;
	size_t i;

	/* Every file is in the summary, read or not. */
	for (i = 0; i < o->n_inputs; i++) {
		r->files[i].name = o->inputs[i];
		r->files[i].dlt = -1;
		r->files[i].stop_offset = -1;
		r->files[i].state = FILE_UNREAD;
	}
	if (!rd) {
		tprintf(stderr, "impwatch: out of memory\n");
		return false;
	}
	for (i = 0; i < o->n_inputs && !stop_flag; i++) {
		r->cur = &r->files[i];
		int rc = capture_read_file(rd, &r->files[i], o->filter,
					   on_file_packet,
					   r->prog.on ? on_progress : NULL, r,
					   &stop_flag);

		worker_drain(r->w);
		if (rc != 0) {
			progress_break(&r->prog);
			tprintf(stderr, "impwatch: %s: %s\n", r->files[i].name,
				r->files[i].error);
			ok = false;
		}
	}
	file_reader_free(rd);
	progress_clear(&r->prog);
	return ok;
}

/* Add one interface's capture counters into sum; an interface is down
   when any is. */
static void live_stats_add(struct live_stats *sum, const struct live_stats *one)
{
	sum->received += one->received;
	sum->dropped += one->dropped;
	sum->ifdropped += one->ifdropped;
	sum->went_down += one->went_down;
	sum->down_us += one->down_us;
	sum->down |= one->down;
}

/* The capture counters of cs's interfaces, added up in st (zeroed). */
static void capset_counters(struct capset *cs, struct live_stats *st)
{
	struct live_stats one;
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < cs->n; i++) {
		memset(&one, 0, sizeof(one));
		live_counters(cs->lives[i], &one);
		live_stats_add(st, &one);
	}
}

/* A reader thread keeps its interface's counters where the calling
   thread reads them, at most LIVE_POLL_MS old (and at its end). */
static void capset_publish(struct capset *cs, bool now)
{
	struct live_stats st;
	uint64_t t = clock_mono_us();

	if (!now && t - cs->ls_at < LIVE_POLL_MS * 1000u)
		return;
	capset_counters(cs, &st);
	pthread_mutex_lock(&cs->mu);
	cs->ls = st;
	cs->ls_at = t;
	pthread_mutex_unlock(&cs->mu);
}

/* The capture counters of every interface, added up in r->ls. */
static void live_counters_all(struct run *r)
{
	struct live_stats st;
	size_t i;

	r->ls.received = r->ls.dropped = r->ls.ifdropped = 0;
	r->ls.went_down = r->ls.down_us = 0;
	r->ls.down = false;
	for (i = 0; i < r->n_caps; i++) {
		struct capset *cs = &r->caps[i];

		if (cs->own_thread) {
			pthread_mutex_lock(&cs->mu);
			st = cs->ls;
			pthread_mutex_unlock(&cs->mu);
		} else {
			capset_counters(cs, &st);
		}
		live_stats_add(&r->ls, &st);
	}
}

/* The counters every summary carries. */
static void fill_stats(struct run *r, struct run_stats *s)
{
	memset(s, 0, sizeof(*s));
	/* Once finished, every worker posted its last. */
	if (r->pl && !r->finished)
		pipeline_stats(r->pl);
	else if (!r->pl)
		worker_post_stats(r->w);
	sink_stats(r->sink, s);
	s->threads = r->threads;
	s->carriers = r->pl ? pipeline_carriers(r->pl) : worker_carriers(r->w);
	s->trust = r->eng.trust;
	s->files = r->files;
	s->n_files = r->opt->n_iface ? 0 : r->opt->n_inputs;
	s->max_flows = r->opt->lim.max_flows;
	s->dpi_packets = r->opt->lim.dpi_packets;
	s->dpi_memory_mb = r->opt->lim.dpi_memory_mb;
	s->time_jump_s = r->opt->lim.time_jump;
	s->validate = r->opt->validate;
	if (r->live) {
		live_counters_all(r);
		r->ls.now_us = clock_wall_us();
		s->live = &r->ls;
	}
	s->any_packet = s->work.any_packet;
	s->first_packet_us = s->work.first_us;
	s->last_packet_us = s->work.last_us;
	s->latest_packet_us = s->work.latest_us;
	s->now_us = clock_wall_us();
}

/* The files an offline run did not read to their end because a signal
   stopped it; false when every file was (a signal after the last one
   changes nothing). Live, a signal before --duration or --count was
   reached: the run did not see what it was asked to; without either, a
   signal is how a sensor stops. */
static bool run_interrupted(const struct run *r)
{
	size_t i;

	if (r->live)
		return r->cut_short;
	for (i = 0; stop_flag && i < r->opt->n_inputs; i++)
		if (r->files[i].state == FILE_UNREAD ||
		    r->files[i].state == FILE_INTERRUPTED)
			return true;
	return false;
}

/* The interfaces whose drain at the stop was cut (drain_live()), in the
   capture's counters for the summary and the gate (r->ls), each said on
   standard error too (the journal). After the readers ended. */
static void end_not_read(struct run *r)
{
	size_t i, j, at = 0;

	for (i = 0; i < r->n_caps; i++) {
		const struct capset *cs = &r->caps[i];

		for (j = 0; j < cs->n; j++) {
			const char *name = r->opt->iface[cs->first + j];

			if (!cs->dr[j].cut)
				continue;
			tprintf(stderr, "impwatch: %s: the capture's end was not "
				"read: %u ms after the stop its drain still found "
				"packets from before it (%llu read in the drain)\n",
				name, (unsigned)LIVE_DRAIN_MS,
				(unsigned long long)cs->dr[j].frames);
			at += (size_t)snprintf(r->cut + at, sizeof(r->cut) - at,
					       "%s%s", at ? "," : "", name);
			if (at >= sizeof(r->cut))
				at = sizeof(r->cut) - 1;
			r->ls.end_read += cs->dr[j].frames;
		}
	}
	r->ls.end_not_read = r->cut[0] ? r->cut : NULL;
}

/* The interfaces of several that captured no packet, in r->ls for the
   gate (judge.c): the counters the summary gives are summed, and one
   port of a TAP cabled wrong would pass unseen. After the readers
   ended. */
static void silent_ifaces(struct run *r)
{
	struct live_stats one;
	size_t i, at = 0;

	for (i = 0; r->n_live > 1 && i < r->n_live; i++) {
		memset(&one, 0, sizeof(one));
		if (live_counters(r->lives[i], &one) != 0 || one.received)
			continue;
		at += (size_t)snprintf(r->silent + at, sizeof(r->silent) - at,
				       "%s%s", at ? "," : "", r->opt->iface[i]);
		if (at >= sizeof(r->silent))
			at = sizeof(r->silent) - 1;
	}
	r->ls.silent = r->silent[0] ? r->silent : NULL;
}

/* Why this run cannot be trusted (judge.c), with what only the run
   knows: the signal that cut it short, and the TCP flows the report
   judged for one-way mirroring. */
static void judge_run(struct run *r, struct run_stats *s, struct gate *g,
		      bool interrupted)
{
	struct judge_facts f;

	f.stopped_by = interrupted ? stop_flag : 0;
	f.captured_us = r->captured_us;
	sink_one_way(r->sink, &f.tcp_judged, &f.tcp_one_way);
	judge_reasons(s, g, r->opt, &f);
}

/* Say on standard error (the journal, under a service manager) when an
   interface of cs goes down and comes back. false when one disappeared. */
static bool watch_link(struct capset *cs)
{
	const struct options *o = cs->r->opt;
	struct live_stats st;
	size_t i;

	for (i = 0; i < cs->n; i++) {
		switch (live_link(cs->lives[i], cs->err, sizeof(cs->err))) {
		case LIVE_LINK_DOWN:
			tprintf(stderr, "impwatch: %s: the interface went down; "
				"capture resumes when it is back\n",
				o->iface[cs->first + i]);
			break;
		case LIVE_LINK_BACK:
			live_counters(cs->lives[i], &st);
			tprintf(stderr, "impwatch: %s: the interface is back (down "
				"%.1f s in all)\n", o->iface[cs->first + i],
				(double)st.down_us / 1e6);
			break;
		case LIVE_LINK_BOUNCED:
			tprintf(stderr, "impwatch: %s: the interface went "
				"down and came back (its carrier changed) "
				"within %u ms; capture goes on\n",
				o->iface[cs->first + i],
				(unsigned)LIVE_LINK_CHECK_MS);
			break;
		case LIVE_LINK_GONE:
			cs->err_if = cs->first + i;
			return false;
		case LIVE_LINK_SAME:
			break;
		}
	}
	return true;
}

/* --count: up to want frames more the caller may read (readers of
   several interfaces share the count), 0 when none is left; each
   frame claimed and not read is given back with count_read(). */
static uint64_t count_claim(struct run *r, uint64_t want)
{
	uint64_t c = atomic_load(&r->claimed), left;

	do {
		left = r->opt->count - c;
		if (left == 0)
			return 0;
		if (want > left)
			want = left;
	} while (!atomic_compare_exchange_weak(&r->claimed, &c, c + want));
	return want;
}

static void count_read(struct run *r, uint64_t claimed, uint64_t got)
{
	atomic_fetch_add(&r->counted, got);
	atomic_fetch_sub(&r->claimed, claimed - got);
}

static bool count_reached(struct run *r)
{
	return r->opt->count && atomic_load(&r->counted) >= r->opt->count;
}

/* The packets ready on every interface of cs, each read up to --count
   (in the drain, those not done yet: each one's frames in cs->dr): the
   largest batch one gave (LIVE_BATCH: read on), or -1 with cs's err
   and err_if set. */
static int dispatch_all(struct capset *cs)
{
	struct run *r = cs->r;
	uint64_t claim = 0;
	int n, most = 0;
	size_t i;

	for (i = 0; i < cs->n; i++) {
		if (cs->draining && cs->dr[i].done)
			continue;
		if (r->opt->count && !(claim = count_claim(r, LIVE_BATCH)))
			break;
		cs->cur = i;
		n = live_dispatch(cs->lives[i], claim, on_packet, cs, cs->err,
				  sizeof(cs->err));
		if (r->opt->count)
			count_read(r, claim, n > 0 ? (uint64_t)n : 0);
		if (n < 0) {
			cs->err_if = cs->first + i;
			return -1;
		}
		if (cs->draining) {
			cs->dr[i].got = n;
			cs->dr[i].frames += (uint64_t)n;
		}
		if (n > most)
			most = n;
	}
	return most;
}

/*
 * At the stop, read what the kernel still holds: those packets came
 * before it. The block being filled is handed over at the latest two
 * block timeouts after its first packet, so each interface is read
 * until a read that began that long after the drain's start and its
 * last read that had frames finds nothing (quiet), or a packet stamped
 * after the stop came from it (a busy link); all of them until --count
 * was reached, or a read began LIVE_DRAIN_MS after the start. The time
 * is the read's start, not its end: the thread may lose the CPU after
 * a read while the kernel hands a block over, and a clock read then
 * would end the drain with it unread. An interface still neither
 * quiet nor past the stop at LIVE_DRAIN_MS is cut: its reader was
 * behind, and what its ring still held from before the stop is never
 * read, nor counted as dropped (the gate says so: judge.c).
 */
static bool drain_live(struct capset *cs)
{
	const uint64_t quiet = (2 * LIVE_BLOCK_MS + LIVE_POLL_MS / 2) * 1000u;
	uint64_t t0 = clock_mono_us(), began;
	struct live *left[LIVE_IFACES_MAX];
	size_t i, k;
	int n;

	cs->stop_us = clock_wall_us();
	memset(cs->dr, 0, sizeof(cs->dr));
	for (i = 0; i < cs->n; i++)
		cs->dr[i].last = t0;
	cs->draining = true;
	for (;;) {
		for (i = 0; i < cs->n; i++)
			cs->dr[i].got = 0;
		began = clock_mono_us();
		n = dispatch_all(cs);
		if (n < 0)
			break;
		for (i = 0, k = 0; i < cs->n; i++) {
			struct drain_if *d = &cs->dr[i];

			if (d->done)
				continue;
			if (d->got > 0)
				d->last = began;
			if (d->past_stop || began - d->last >= quiet)
				d->done = true;
			else
				left[k++] = cs->lives[i];
		}
		if (k == 0 || count_reached(cs->r))
			break;
		if (began - t0 >= LIVE_DRAIN_MS * 1000u) {
			for (i = 0; i < cs->n; i++)
				cs->dr[i].cut = !cs->dr[i].done;
			break;
		}
		if (n == 0 && live_wait_all(left, k, LIVE_BLOCK_MS, cs->err,
					    sizeof(cs->err)) < 0) {
			n = -1;
			break;
		}
	}
	cs->draining = false;
	return n >= 0;
}

/* The day by the wall clock (UTC): the change board's calendar, which
   waivers are judged by. */
static int32_t wall_day(void)
{
	return (int32_t)(time(NULL) / 86400);
}

/* Stop the readers for why, unless they stop already. */
static void halt_readers(struct run *r, enum halt why)
{
	int none = HALT_NONE;

	atomic_compare_exchange_strong(&r->halt, &none, (int)why);
}

/*
 * Live capture on the thread of cs (the calling thread with one
 * reader): wait for frames at most timeout_ms, read them, watch the
 * links, tell the worker the time. false when the capture failed
 * (cs->err says why) or --count is reached.
 */
static bool capset_read(struct capset *cs, unsigned timeout_ms, bool *full)
{
	int n;

	/* A full batch: more may be ready, read on without waiting. */
	if (!*full && live_wait_all(cs->lives, cs->n, (int)timeout_ms,
				    cs->err, sizeof(cs->err)) < 0)
		return false;
	n = dispatch_all(cs);
	if (n < 0 || !watch_link(cs))
		return false;
	*full = n >= LIVE_BATCH;
	worker_tick(cs->w, clock_wall_us());
	return !count_reached(cs->r);
}

/* A reader thread (pipeline.h): its interface until the run stops,
   then what its kernel ring still holds when a signal or --duration
   stopped it. */
static void reader_body(void *ctx, struct reader *rd)
{
	struct capset *cs = ctx;
	struct run *r = cs->r;
	bool full = false;

	cs->w = reader_worker(rd);
	while (atomic_load(&r->halt) == HALT_NONE) {
		if (!capset_read(cs, LIVE_POLL_MS, &full)) {
			if (count_reached(r)) {
				halt_readers(r, HALT_COUNT);
			} else {
				cs->failed = true;
				halt_readers(r, HALT_ERROR);
			}
			break;
		}
		reader_serve(rd);
		capset_publish(cs, false);
	}
	if (!cs->failed && atomic_load(&r->halt) == HALT_DRAIN &&
	    !drain_live(cs))
		cs->failed = true;
	capset_publish(cs, true);
}

/* The capture's error, said once per interface that failed. */
static void say_capture_errors(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_caps; i++)
		if (r->caps[i].failed)
			tprintf(stderr, "impwatch: %s: %s\n",
				r->opt->iface[r->caps[i].err_if],
				r->caps[i].err);
}

/* The time to the next timer of capture_live(), in ms, from now (us
   since the start): --duration, --report-every, LIVE_POLL_MS. */
static unsigned next_wait_ms(struct run *r, uint64_t now, uint64_t next_report)
{
	uint64_t end = (uint64_t)r->opt->duration * 1000000u;
	uint64_t every = (uint64_t)r->opt->report_every * 1000000u;
	uint64_t wait = LIVE_POLL_MS * 1000u;

	if (end && end - now < wait)
		wait = end - now;
	if (every && next_report > now && next_report - now < wait)
		wait = next_report - now;
	return (unsigned)((wait + 999) / 1000);
}

/*
 * Capture until a signal, --duration or --count. The handles do not
 * block: the loop waits at most until the next timer (--duration,
 * --report-every, LIVE_POLL_MS), so timers, idle timeouts, signals and
 * SIGHUP are served on a silent link too. With reader threads (several
 * -i and flow workers), each reads its interface and this thread hands
 * the records to the sink meanwhile. false on a capture error
 * (reported).
 */
static bool capture_live(struct run *r)
{
	struct options *o = r->opt;
	struct run_stats s;
	uint64_t t0 = clock_mono_us(), now;
	uint64_t end = (uint64_t)o->duration * 1000000u;
	uint64_t every = (uint64_t)o->report_every * 1000000u;
	uint64_t next_report = every;
	void *ctx[LIVE_IFACES_MAX];
	bool threaded = r->n_caps > 1, full = false, ok = true;
	size_t i;

	r->ls.started_us = clock_wall_us();
	for (i = 0; i < r->n_caps; i++)
		ctx[i] = &r->caps[i];
	if (threaded && pipeline_start_readers(r->pl, reader_body, ctx) <
			r->n_caps) {
		tprintf(stderr, "impwatch: cannot start a reader per interface\n");
		halt_readers(r, HALT_ERROR);
		ok = false;
	}
	while (!stop_flag && atomic_load(&r->halt) == HALT_NONE) {
		if (hup_flag)
			reopen_outputs(r);
		/* A sensor runs for months: a waiver past its last day
		   stops waiving the day after, not at the next restart. */
		sink_set_day(r->sink, wall_day());
		now = clock_mono_us() - t0;
		if (threaded) {
			pipeline_serve(r->pl, next_wait_ms(r, now, next_report));
		} else if (!capset_read(&r->caps[0],
					next_wait_ms(r, now, next_report),
					&full)) {
			if (count_reached(r))
				return true;
			r->caps[0].failed = true;
			break;
		}
		if (stop_flag)
			break;
		/* A sensor writing nowhere (its pipe's reader gone) would
		   run on for months and lose all it saw: it ends now, and
		   sink_close() says why (exit 2). */
		if (sink_report_lost(r->sink))
			break;
		now = clock_mono_us() - t0;
		if (end && now >= end)
			break;
		if (every && now >= next_report) {
			fill_stats(r, &s);
			sink_interim(r->sink, &s);
			while (next_report <= now)
				next_report += every;
		}
	}
	/* Stopped by a signal before what it was asked to watch for. */
	now = clock_mono_us() - t0;
	r->captured_us = now;
	r->cut_short = stop_flag && (o->duration || o->count) &&
		       !(end && now >= end) && !count_reached(r);
	if (threaded) {
		/* The readers read what their kernel rings hold, then end. */
		halt_readers(r, HALT_DRAIN);
		while (!pipeline_readers_done(r->pl)) {
			if (hup_flag)
				reopen_outputs(r);
			sink_set_day(r->sink, wall_day());
			pipeline_serve(r->pl, LIVE_POLL_MS);
		}
	} else if (!r->caps[0].failed && !drain_live(&r->caps[0])) {
		r->caps[0].failed = true;
	}
	for (i = 0; i < r->n_caps; i++)
		if (r->caps[i].failed)
			ok = false;
	say_capture_errors(r);
	return ok;
}

/* Who reads which interface: one reader thread each when there are
   several and flow workers, else the calling thread all of them. */
static void capsets_init(struct run *r)
{
	size_t i, n = r->pl && r->n_live > 1 ? r->n_live : 1;

	r->n_caps = r->n_live ? n : 0;
	for (i = 0; i < r->n_caps; i++) {
		struct capset *cs = &r->caps[i];

		cs->r = r;
		cs->lives = r->lives + i;
		cs->first = i;
		cs->n = n > 1 ? 1 : r->n_live;
		cs->w = n > 1 ? NULL : r->w;
		cs->own_thread = n > 1;
		pthread_mutex_init(&cs->mu, NULL);
	}
}

/* The outputs, as the options name them. */
static void sink_cfg_of(const struct options *o, struct sink_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->fmt = o->fmt;
	c->top = o->top;
	c->brief = o->brief;
	c->output = o->output;
	c->append = o->append;
	c->alert_file = o->alert_file;
	c->evidence = o->dump;
	c->html = o->html;
	c->graph = o->graph;
	c->evidence_dlt = -1;
	c->evidence_snaplen = (int)(o->dump_snaplen ? o->dump_snaplen : o->snaplen);
	/* Live evidence is never unbounded; a capture file's is one file
	   unless a bound is asked for (options.h). */
	if (o->n_iface || o->dump_size || o->dump_files) {
		c->evidence_rot.max_bytes = (uint64_t)(o->dump_size ? o->dump_size
						       : DEF_DUMP_SIZE_MB) * EVIDENCE_MB;
		c->evidence_rot.max_files = o->dump_files ? o->dump_files :
					    o->n_iface ? DEF_DUMP_FILES : 0;
	}
	c->live = o->n_iface > 0;
	c->stop = &out_stop;
	c->workers = 1;
}

/* No output onto an input (sink_check_outputs()): the captures, and the
   files the run reads before it writes, which an output opened there
   would spoil: --rules, --rules-add, --hosts, --waivers. 0 or -1. */
static int check_outputs(const struct options *o, const struct sink_cfg *sc)
{
	const char **in = malloc((o->n_inputs + o->n_rules_add + 3) *
				 sizeof(*in));
	size_t n = 0, i;
	int rc;

	if (!in) {
		tprintf(stderr, "impwatch: out of memory\n");
		return -1;
	}
	for (i = 0; i < o->n_inputs; i++)
		in[n++] = o->inputs[i];
	if (o->rules)
		in[n++] = o->rules;
	for (i = 0; i < o->n_rules_add; i++)
		in[n++] = o->rules_add[i];
	if (o->hosts)
		in[n++] = o->hosts;
	if (o->waivers)
		in[n++] = o->waivers;
	rc = sink_check_outputs(sc, in, n, stderr);
	free(in);
	return rc;
}

/* The readers of a run with flow workers: one per -i, or one. */
static unsigned run_readers(const struct options *o)
{
	return o->n_iface > 1 ? (unsigned)o->n_iface : 1;
}

/* The flow workers of the run: --threads, or the online CPUs (at most
   THREADS_MAX); each needs a flow of --max-flows, and each reader one. */
static unsigned run_threads(const struct options *o)
{
	long n = o->threads;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > (long)THREADS_MAX)
		n = THREADS_MAX;
	if (n + (long)run_readers(o) > (long)o->lim.max_flows)
		n = (long)o->lim.max_flows - (long)run_readers(o);
	return n < 1 ? 1 : (unsigned)n;
}

/* -i number i is no interface opened before it by another name (an
   alternative name: inputs_once() compares the names only): its frames
   would count twice. Said, false. */
static bool iface_once(const struct run *r, size_t i)
{
	unsigned idx = live_ifindex(r->lives[i]);
	size_t j;

	for (j = 0; idx && j < i; j++)
		if (live_ifindex(r->lives[j]) == idx) {
			tprintf(stderr, "impwatch: -i %s and -i %s are one "
				"interface: its frames would count twice\n",
				r->opt->iface[j], r->opt->iface[i]);
			return false;
		}
	return true;
}

/* The engine the options ask for, keyed by a new random seed. */
static void engine_cfg_of(const struct options *o, struct engine_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->lim = &o->lim;
	cfg->dpi = !o->no_dpi;
	cfg->rules = o->rules;
	cfg->rules_add = o->rules_add;
	cfg->n_rules_add = o->n_rules_add;
	cfg->seed = random_seed();
	cfg->hosts = o->hosts;
	cfg->dup_window_us = o->dup_window_us;
	cfg->trust = o->trust;
	cfg->n_trust = o->n_trust;
	/* A SHA-1 per flow, made only for a report that shows it. */
	cfg->community_id = report_format_community_id(o->fmt);
}

/* Whether the files the options name load now, as at a start: the
   loaders say why not (FILE:LINE: reason, and the line) on stderr. */
static bool inputs_load(const struct options *o)
{
	struct engine_cfg cfg;
	struct engine e;
	struct dpi *dpi = NULL;
	struct waivers *w = NULL;
	bool ok;

	memset(&e, 0, sizeof(e));
	engine_cfg_of(o, &cfg);
	ok = engine_open(&e, &cfg, &dpi, stderr) == 0 &&
	     (!o->waivers || (w = waivers_load(o->waivers, e.cat, e.hosts,
					       wall_day(), stderr)) != NULL);
	waivers_free(w);
	dpi_free(dpi);
	engine_close(&e);
	return ok;
}

/*
 * --rules, --rules-add, --hosts and --waivers are read at the start
 * only: the engine is read-only while the workers read it (engine.h),
 * and a gate judges a run by one set of rows. A SIGHUP (logrotate's, or
 * an operator's after an edit) says each one changed since, and whether
 * the set loads now: a service restarted on a file that does not load
 * would not start again. The run goes on with the files it started with
 * either way; its records name their SHA-256.
 */
static void check_inputs(struct run *r)
{
	const struct run_info *ri = &r->info;
	bool any = false, hidden = false, loads;
	size_t i;
	int c;

	/* A file read as root before -Z, and closed to its user since, is
	   not known to have changed: nothing is said of it. */
	for (i = 0; i < ri->n_inputs; i++) {
		c = run_input_changed(&ri->inputs[i]);
		any |= c > 0;
		hidden |= c < 0;
	}
	if (!any)
		return;
	loads = !hidden && inputs_load(r->opt);
	/* Read again: a handful of files, at a SIGHUP. */
	for (i = 0; i < ri->n_inputs; i++) {
		if (run_input_changed(&ri->inputs[i]) <= 0)
			continue;
		if (hidden)
			tprintf(stderr, "impwatch: SIGHUP: %s changed since the "
				"start; this run goes on with the files it "
				"started with (whether they load is not known: "
				"some cannot be read after -Z)\n",
				ri->inputs[i].path);
		else if (loads)
			tprintf(stderr, "impwatch: SIGHUP: %s changed since the "
				"start: it loads, and applies from the next "
				"start; this run goes on with the files it "
				"started with\n", ri->inputs[i].path);
		else
			tprintf(stderr, "impwatch: SIGHUP: %s changed since the "
				"start and no longer loads: this run goes on "
				"with the files it started with, and a restart "
				"would refuse it\n", ri->inputs[i].path);
	}
}

/* The engine, a worker and the sink, the interface when live: what a run
   needs before its first packet. -1 with a message when one cannot be
   had, 1 when a signal ended the sink's wait for an output FIFO's
   reader (said); what was made is closed by run()'s end. */
static int run_open(struct run *r, struct dpi **dpi,
		    const char *command_line)
{
	struct options *o = r->opt;
	struct engine_cfg cfg;
	struct sink_cfg sc;
	struct worker_out out;
	struct live_opts lo;
	struct waivers *waivers = NULL;
	char err[ERR_MAX];
	bool alerts;
	size_t i;

	engine_cfg_of(o, &cfg);
	/* The other workers' nDPI modules are made while the engine makes
	   the first. */
	if (cfg.dpi && r->threads > 1)
		r->early = modules_start(&o->lim, r->threads - 1);
	if (engine_open(&r->eng, &cfg, dpi, stderr) != 0)
		return -1;
	/* Read, as the inventory, before privileges are dropped; judged by
	   the day the run starts (UTC), which live capture moves on. */
	if (o->waivers && !(waivers = waivers_load(o->waivers, r->eng.cat,
						   r->eng.hosts, wall_day(),
						   stderr)))
		return -1;
	/* The SHA-256 of each input is the one its loader took of the bytes
	   it parsed: a file replaced since is not the one named. */
	if (run_info_init(&r->info, o, &r->eng, waivers, command_line,
			  stderr) != 0) {
		waivers_free(waivers);
		return -1;
	}
	for (i = 0; i < o->n_iface; i++) {
		lo.iface = o->iface[i];
		lo.filter = o->filter;
		lo.snaplen = (int)o->snaplen;
		lo.promisc = !o->no_promisc;
		lo.buffer_kib = (int)o->buffer_kib;
		r->lives[i] = live_open(&lo, err, sizeof(err));
		if (!r->lives[i]) {
			tprintf(stderr, "impwatch: %s\n", err);
			waivers_free(waivers);
			return -1;
		}
		r->n_live = i + 1;
		if (!iface_once(r, i)) {
			waivers_free(waivers);
			return -1;
		}
		r->live = r->lives[0];
		snprintf(r->ifnames + strlen(r->ifnames),
			 sizeof(r->ifnames) - strlen(r->ifnames), "%s%s",
			 i ? "," : "", o->iface[i]);
		r->ls.iface = r->ifnames;
	}
	/* Root is needed to open the interface and nothing after: drop it
	   before any output file is created, as tcpdump does. */
	if (o->user && drop_privileges(o->user, err, sizeof(err)) != 0) {
		tprintf(stderr, "impwatch: %s\n", err);
		waivers_free(waivers);
		return -1;
	}
	sink_cfg_of(o, &sc);
	sc.run = &r->info;
	sc.waivers = waivers;
	/* The reader's counters, then each flow worker's. */
	if (r->threads > 1)
		sc.workers = r->threads + run_readers(o);
	if (r->live)
		sc.evidence_dlt = live_datalink(r->live);
	r->sink = sink_open(&r->eng, &sc, stderr);
	if (!r->sink)
		return errno == EINTR ? 1 : -1;
	r->files = calloc(o->n_inputs ? o->n_inputs : 1, sizeof(*r->files));
	if (!r->files) {
		tprintf(stderr, "impwatch: out of memory\n");
		return -1;
	}
	/* An alert file asks for alerts. CSV has no alert rows, nor
	   --brief alert lines: without one, alerts are off (an explicit
	   --alerts was refused). */
	alerts = o->alerts < 0 ? o->n_iface > 0 || o->alert_file != NULL
			       : o->alerts != 0;
	if (alerts && (o->fmt == FMT_CSV || o->brief) && !o->alert_file) {
		tprintf(stderr, "impwatch: %s has no alert %s: alerts are off "
			"(--alert-file FILE writes them)\n",
			o->brief ? "--brief" : "CSV output",
			o->brief ? "lines" : "rows");
		alerts = false;
	}
	if (r->threads > 1) {
		if (!r->live)
			pipeline_batch();
		r->pl = pipeline_new(&r->eng, *dpi, r->early, r->threads,
				     run_readers(o), r->sink, alerts,
				     o->reader_only, stderr);
		if (r->pl && !r->live)
			pipeline_follow(r->pl);
		*dpi = NULL;   /* the pipeline's now, or freed */
		r->early = NULL;
		r->w = r->pl ? pipeline_reader(r->pl) : NULL;
	} else {
		sink_worker_out(r->sink, alerts, 0, &out);
		r->w = worker_new(&r->eng, *dpi, &out, stderr);
		*dpi = NULL;   /* the worker's now, or freed */
	}
	if (!r->w)
		return -1;
	capsets_init(r);
	return 0;
}

static int run(struct options *o, const char *command_line)
{
	struct run r;
	struct run_stats s;
	struct gate gate, vgate;
	struct dpi *dpi = NULL;
	bool input_ok = false, interrupted, out_ok, stopped = false;
	int status = EXIT_INPUT_ERROR, rc;

	memset(&r, 0, sizeof(r));
	r.opt = o;
	r.threads = run_threads(o);
	rc = run_open(&r, &dpi, command_line);
	/* Stopped before the run started: nothing read, as an interrupted
	   run's files, and nothing judged. */
	if (rc > 0) {
		stopped = true;
		status = EXIT_INCONCLUSIVE;
	}
	if (rc != 0)
		goto out;
	r.prog.on = !o->quiet && !o->n_iface && isatty(STDERR_FILENO);

	input_ok = r.live ? capture_live(&r) : read_files(&r);
	interrupted = run_interrupted(&r);

	/* A rotation just before the end: the rest goes to the new file. */
	if (hup_flag)
		reopen_outputs(&r);

	/* Everything seen is reported: live flows end with the run, and so
	   do those of files a signal stopped; live, by today's waivers. */
	if (r.live)
		sink_set_day(r.sink, wall_day());
	if (r.pl) {
		pipeline_finish(r.pl, r.live || interrupted ? END_SHUTDOWN
							   : END_EOF);
	} else {
		worker_finish(r.w, r.live || interrupted ? END_SHUTDOWN : END_EOF);
		worker_post_stats(r.w);
	}
	r.finished = true;
	end_not_read(&r);
	silent_ifaces(&r);
	/* The evidence, the alert file and the graph are whole, or known
	   not to be, before the summary speaks of the run. */
	out_ok = sink_close_evidence(r.sink) == 0;
	if (sink_close_side(r.sink, stderr) != 0)
		out_ok = false;
	fill_stats(&r, &s);
	gate_init(&gate, o->validate);
	judge_run(&r, &s, &gate, interrupted);
	s.gate = &gate;
	status = gate_status(&gate, input_ok && out_ok,
			     sink_has_findings(r.sink));
	s.exit_status = status;
	/* The HTML report says what --validate would, given or not. */
	if (o->validate) {
		s.gate_validate = &gate;
		s.validate_status = status;
	} else if (o->html) {
		struct run_stats hs = s;

		hs.health_poor = false;
		hs.health_why[0] = '\0';
		gate_init(&vgate, true);
		judge_run(&r, &hs, &vgate, interrupted);
		s.gate_validate = &vgate;
		s.validate_status = gate_status(&vgate, input_ok && out_ok,
						sink_has_findings(r.sink));
	}
	if (hup_flag)
		reopen_outputs(&r);
	/* The page before the report: a page not written in full makes
	   the run an error, which the report then says. */
	if (sink_page(r.sink, &s, stderr) != 0)
		s.exit_status = status = EXIT_INPUT_ERROR;
	sink_summary(r.sink, &s);
	/* A report that failed only now (the text report is written at
	   the end, a JSON summary line last) leaves the page saying ERROR,
	   as the exit status will, never the verdict it said. */
	if (status != EXIT_INPUT_ERROR && sink_report_failed(r.sink)) {
		s.exit_status = s.validate_status = status = EXIT_INPUT_ERROR;
		sink_page_again(r.sink, &s, stderr);
	}

out:
	/* A report that could not be written in full is an error: the exit
	   status must say so. */
	if (r.sink && sink_close(r.sink, stderr) != 0)
		status = EXIT_INPUT_ERROR;
	if (!input_ok && !stopped)
		status = EXIT_INPUT_ERROR;
	for (size_t i = 0; i < r.n_caps; i++)
		pthread_mutex_destroy(&r.caps[i].mu);
	for (size_t i = 0; i < r.n_live; i++)
		live_close(r.lives[i]);
	if (r.pl)
		pipeline_free(r.pl);
	else
		worker_free(r.w);
	dpi_free(dpi);
	modules_free(r.early);
	engine_close(&r.eng);
	run_info_free(&r.info);
	free(r.files);
	return status;
}

/* Whether inputs a and b are one file: standard input twice, or the same
   regular file by any name (standard input redirected from it too). A
   FIFO read twice gives what two writers wrote, no packet twice. */
static bool same_input(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, "-") == 0 && strcmp(b, "-") == 0)
		return true;
	return input_stat(a, &sa) == 0 && input_stat(b, &sb) == 0 &&
	       same_regular(&sa, &sb);
}

/* Whether files a and b, of one size, hold the same bytes: a copy of a
   capture (kept by a ticket, mailed back) is the same packets. Read only
   when the sizes are equal, which two captures' seldom are. False when
   either cannot be read: the run then says so of it. */
static bool same_bytes(const char *a, const char *b)
{
	static char ba[1 << 16], bb[1 << 16];
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	size_t na, nb;

	while (same) {
		na = fread(ba, 1, sizeof ba, fa);
		nb = fread(bb, 1, sizeof bb, fb);
		same = na == nb && memcmp(ba, bb, na) == 0 && !ferror(fa) &&
		       !ferror(fb);
		if (na < sizeof ba)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* Whether regular files a and b are copies of one capture: the same size
   (not empty) and the same bytes. */
static bool copied_input(const char *a, const char *b)
{
	struct stat sa, sb;

	return strcmp(a, "-") != 0 && strcmp(b, "-") != 0 &&
	       stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       S_ISREG(sa.st_mode) && S_ISREG(sb.st_mode) &&
	       sa.st_size > 0 && sa.st_size == sb.st_size && same_bytes(a, b);
}

/* Each input once: a file or an interface given twice would count each
   of its packets twice (a file's copies taken for a SPAN that mirrors
   twice, an interface's not even seen as copies). Said, false. */
static bool inputs_once(const struct options *o)
{
	size_t i, j;

	for (i = 0; i < o->n_inputs; i++)
		for (j = i + 1; j < o->n_inputs; j++) {
			if (same_input(o->inputs[i], o->inputs[j])) {
				tprintf(stderr, "impwatch: -r %s and -r %s are the "
					"same file: its packets would count "
					"twice\n", o->inputs[i], o->inputs[j]);
				return false;
			}
			if (copied_input(o->inputs[i], o->inputs[j])) {
				tprintf(stderr, "impwatch: -r %s and -r %s hold "
					"the same bytes: one capture under two "
					"names, its packets would count twice\n",
					o->inputs[i], o->inputs[j]);
				return false;
			}
		}
	for (i = 0; i < o->n_iface; i++) {
		for (j = i + 1; j < o->n_iface; j++)
			if (strcmp(o->iface[i], o->iface[j]) == 0) {
				tprintf(stderr, "impwatch: -i %s given twice: its "
					"frames would count twice\n", o->iface[i]);
				return false;
			}
		if (o->n_iface > 1 && strcmp(o->iface[i], "any") == 0) {
			tprintf(stderr, "impwatch: -i any captures every "
				"interface: -i %s beside it would count its "
				"frames twice\n", o->iface[i ? 0 : 1]);
			return false;
		}
	}
	return true;
}

/* A sensor's name is on every record and every text line: empty, it
   names nothing; a control byte (a newline) would break the text report
   and the alert lines. UTF-8 is a name's. */
static bool sensor_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The first option of the live capture given, or NULL: with files it
   would do nothing, or (--snaplen) cut the evidence unasked. */
static const char *live_only(const struct options *o)
{
	if (o->duration)
		return "--duration";
	if (o->count)
		return "--count";
	if (o->report_every)
		return "--report-every";
	if (o->user)
		return "-Z";
	if (o->snaplen != DEF_SNAPLEN)
		return "--snaplen";
	if (o->buffer_kib != DEF_BUFFER_KIB)
		return "--buffer-size";
	if (o->no_promisc)
		return "--no-promisc";
	return NULL;
}

/* '-' is standard output for the report (-o -), as -r - is standard
   input and --alert-file - standard error: never a file named '-'. The
   other outputs need a file of their own; said, false, for '-'. */
static bool dash_outputs(struct options *o)
{
	const char *const name[] = { "--dump-undocumented", "--html", "--graph" };
	const char *const path[] = { o->dump, o->html, o->graph };
	size_t i;

	if (o->output && strcmp(o->output, "-") == 0)
		o->output = NULL;
	for (i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		if (!path[i] || strcmp(path[i], "-") != 0)
			continue;
		tprintf(stderr, "impwatch: %s takes a file name, not '-' "
			"(standard output is the report's)\n", name[i]);
		return false;
	}
	return true;
}

/* -f against each input file, before any output is opened: a filter
   that does not compile is one line naming the file that refuses it,
   and nothing is written (a typo used to cost a whole, empty report).
   Live capture compiles it as each interface opens, before the outputs
   too. Said, false. */
static bool filter_ok(const struct options *o)
{
	char err[ERR_MAX];
	size_t i;

	for (i = 0; o->filter && i < o->n_inputs; i++)
		if (capture_check_filter(o->inputs[i], o->filter, err,
					 sizeof(err)) != 0) {
			tprintf(stderr, "impwatch: %s: %s\n", o->inputs[i],
				err);
			return false;
		}
	return true;
}

/* Whether arg, where a command goes, reads as a command mistyped: a
   word of letters, digits and '-' that names no file ("explain",
   "rule"). Read as a capture, it gave a whole report of an input that
   could not be read. */
static bool unknown_command(const char *arg)
{
	size_t n = strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789-");

	return arg[0] >= 'a' && arg[0] <= 'z' && arg[n] == '\0' &&
	       access(arg, F_OK) != 0 && errno == ENOENT;
}

/* The command line of a run, checked, then the run. */
static int main_run(int argc, char **argv, const char *command_line)
{
	struct options o;
	struct sink_cfg sc;
	const char *first;
	int rc;

	/* `rules` and `roles` print a table and write no report: a signal
	   ends them as it ends any command. */
	if (argc > 1 && strcmp(argv[1], "rules") == 0)
		return cmd_rules(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "roles") == 0)
		return cmd_roles(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "acl") == 0)
		return acl_command(argc - 1, argv + 1);
	first = argc > 1 ? argv[1] : "";
	/* Before anything else a run does: a SIGTERM from its first moment
	   still gets the complete report. */
	install_signals();

	options_default(&o);
	rc = options_parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.check) {
		tprintf(stderr, "impwatch: --check goes with 'impwatch rules'\n");
		return EXIT_INPUT_ERROR;
	}
	/* Beside -i, a word after the options is most likely an interface
	   that lost its -i: say so, rather than name an -r not given. */
	if (o.n_iface && optind < argc) {
		tprintf(stderr, "impwatch: unexpected argument '%s' with -i: "
			"files are not read live (another interface: -i %s)\n",
			argv[optind], argv[optind]);
		return EXIT_INPUT_ERROR;
	}
	/* Files after the options are inputs too, as with -r. */
	for (; optind < argc; optind++)
		if ((rc = options_input(&o, argv[optind])) >= 0)
			return rc;
	if (o.n_iface && o.n_inputs) {
		tprintf(stderr, "impwatch: -i and -r do not go together: capture "
			"live or read files\n");
		return EXIT_INPUT_ERROR;
	}
	/* Only when it is the one input: beside other files it is one of
	   them, not found, and the report covers the others. */
	if (o.n_inputs == 1 && o.inputs[0] == first &&
	    unknown_command(first)) {
		tprintf(stderr, "impwatch: '%s' is neither a command (rules, "
			"roles, acl) nor a file\n", first);
		tprintf(stderr, "Try 'impwatch --help'.\n");
		return EXIT_INPUT_ERROR;
	}
	if (!inputs_once(&o))
		return EXIT_INPUT_ERROR;
	if (!o.n_iface && o.n_inputs == 0) {
		tprintf(stderr, "impwatch: no input: give -r FILE (or -r - for "
			"standard input), or -i INTERFACE\n");
		tprintf(stderr, "Try 'impwatch --help'.\n");
		return EXIT_INPUT_ERROR;
	}
	if (o.alert_file && o.alerts == 0) {
		tprintf(stderr, "impwatch: --alert-file and --no-alerts contradict "
			"each other\n");
		return EXIT_INPUT_ERROR;
	}
	if (o.fmt == FMT_CSV && o.alerts == 1 && !o.alert_file) {
		tprintf(stderr, "impwatch: CSV output has no alert rows: give "
			"--alert-file FILE (or - for standard error) for the "
			"alerts, or leave out --alerts\n");
		return EXIT_INPUT_ERROR;
	}
	/* --brief's first line is its verdict: alert lines would come
	   before it. */
	if (o.brief && o.alerts == 1 && !o.alert_file) {
		tprintf(stderr, "impwatch: --brief has no alert lines: give "
			"--alert-file FILE (or - for standard error) for the "
			"alerts, or leave out --alerts\n");
		return EXIT_INPUT_ERROR;
	}
	if (o.fmt == FMT_CSV && o.report_every) {
		tprintf(stderr, "impwatch: CSV output has no stats rows: "
			"--report-every goes with --format text, json or ecs\n");
		return EXIT_INPUT_ERROR;
	}
	/* Nor its stats lines, which have no file of their own. */
	if (o.brief && o.report_every) {
		tprintf(stderr, "impwatch: --brief has no stats lines: its "
			"first line is the verdict; leave out --report-every, "
			"or --brief\n");
		return EXIT_INPUT_ERROR;
	}
	if (!o.n_iface && live_only(&o)) {
		tprintf(stderr, "impwatch: %s goes with -i (live capture), not "
			"with files\n", live_only(&o));
		return EXIT_INPUT_ERROR;
	}
	/* Live, a report pipe whose reader went away is an EPIPE the
	   capture loop sees (it ends with the evidence and alerts whole),
	   as under systemd, which ignores SIGPIPE; killed by it, they
	   would be cut. Files keep SIGPIPE: `| head` ends the read. */
	if (o.n_iface)
		signal(SIGPIPE, SIG_IGN);
	if (o.brief && o.fmt != FMT_TEXT) {
		tprintf(stderr, "impwatch: --brief goes with --format text\n");
		return EXIT_INPUT_ERROR;
	}
	if (o.sensor && strlen(o.sensor) > SENSOR_NAME_MAX) {
		tprintf(stderr, "impwatch: --sensor NAME: at most %d bytes\n",
			SENSOR_NAME_MAX);
		return EXIT_INPUT_ERROR;
	}
	if (o.sensor && !sensor_name_ok(o.sensor)) {
		tprintf(stderr, "impwatch: --sensor NAME: a name, not empty and "
			"with no control byte\n");
		return EXIT_INPUT_ERROR;
	}
	if (!dash_outputs(&o))
		return EXIT_INPUT_ERROR;
	if (o.append && !o.output) {
		tprintf(stderr, "impwatch: --append goes with -o FILE (standard "
			"output is not emptied)\n");
		return EXIT_INPUT_ERROR;
	}
	if ((o.dump_snaplen || o.dump_size || o.dump_files) && !o.dump) {
		tprintf(stderr, "impwatch: --dump-snaplen, --dump-size and "
			"--dump-files go with --dump-undocumented\n");
		return EXIT_INPUT_ERROR;
	}
	if (o.no_dpi && (o.lim.dpi_packets != DEF_DPI_PACKETS ||
			 o.lim.dpi_memory_mb != DEF_DPI_MEMORY_MB)) {
		tprintf(stderr, "impwatch: --dpi-packets and --dpi-memory go "
			"with DPI, which --no-dpi turns off\n");
		return EXIT_INPUT_ERROR;
	}
	sink_cfg_of(&o, &sc);
	if (check_outputs(&o, &sc) != 0 || !filter_ok(&o))
		return EXIT_INPUT_ERROR;
	return run(&o, command_line);
}

/*
 * A standard stream the caller closed (>&-) keeps its number: the first
 * file opened would take it, and what is written to the stream would go
 * into that file (error messages into a JSON report). /dev/null opened
 * for reading holds the number; a write to it fails (EBADF) as one to
 * the closed stream did.
 */
static void hold_std_fds(void)
{
	int fd;

	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", O_RDONLY) < 0)
			return;
}

int main(int argc, char **argv)
{
	FILE *raw_err;
	char *command_line;
	int rc;

	hold_std_fds();
	/* A file size limit (ulimit -f, systemd's LimitFSIZE=) is a write
	   that fails (EFBIG), said and an error as a full disk is, not
	   SIGXFSZ, which killed impwatch without a word: a run's report
	   cut, its evidence and alerts not closed whole, a temporary left
	   beside its page; impwatch acl's beside its rules. */
	signal(SIGXFSZ, SIG_IGN);
	/* A journal or a pipe on standard error that takes nothing would
	   hold every message, and the alerts of --alert-file -, past the
	   stop: given up SINK_STALL_MS after it, as the other outputs are.
	   Unbuffered, as stderr is. */
	raw_err = stderr;
	stderr = outfile_over(raw_err, &err_st, _IONBF, NULL, 0);
	if (!stderr) {
		/* Not a run whose stop a journal could hold unsaid. */
		stderr = raw_err;
		tprintf(stderr, "impwatch: out of memory\n");
		return EXIT_INPUT_ERROR;
	}
	/* Before getopt reorders argv. */
	command_line = run_join_argv(argc, argv);
	if (!command_line) {
		tprintf(stderr, "impwatch: out of memory\n");
		rc = EXIT_INPUT_ERROR;
	} else {
		rc = main_run(argc, argv, command_line);
	}
	free(command_line);
	/* The stream over it closed (raw_err stays open), for a leak
	   checker. */
	if (stderr != raw_err) {
		fclose(stderr);
		stderr = raw_err;
	}
	return rc;
}
