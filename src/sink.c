/*
 * sink.c: the outputs of a run (the contract is in sink.h).
 */
#define _GNU_SOURCE   /* fopencookie() */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "evidence.h"
#include "verdict.h"
#include "waiver.h"
#include "graph.h"
#include "html.h"
#include "outfile.h"
#include "replace.h"
#include "talk.h"
#include "textfile.h"
#include "util.h"

struct sink {
	struct sink_cfg cfg;
	struct report *rep;
	FILE *out;                  /* the report's stream */
	char *out_buf;              /* its buffer (REPORT_BUFFER) when it is
	                               written offline; else NULL */
	FILE *alert_out;            /* --alert-file; NULL without */
	struct outstate out_st;     /* what became of out */
	struct outstate alert_st;   /* and of alert_out */
	bool out_lost;              /* a report file closed at a reopen had
	                               a write error */
	bool alerts_lost;           /* the same for the alert file */
	struct evidence *ev;        /* --dump-undocumented; NULL without */
	uint64_t alerts;            /* alert records written */
	struct waivers *waivers;    /* --waivers; NULL without */
	const struct catalogue *cat;  /* what row waivers name */
	uint64_t waived, unwaived;  /* finding flows waived, and not */
	int32_t seen_day;           /* the latest day a finding flow was
	                               seen (waivers_day_of()) */
	struct worker_stats *ws;    /* each worker's last counters */
	const struct engine *e;
	FILE *html_out;             /* --html written in place; else NULL */
	FILE *graph_out;            /* --graph written in place; else NULL */
	bool html_by_name;          /* --html written by its name at the end:
	                               from the start to its close */
	bool html_in_place;         /* ... rewritten in place, not replaced
	                               (replace.h): its folder is not ours */
	bool graph_by_name, graph_in_place;   /* the same for --graph */
	struct talk *talk;          /* who talks to whom, for both */
	struct graph *graph;        /* its layout: made when the graph is
	                               written, drawn again in the page */
	bool html_lost, graph_lost; /* could not be made (no memory) or
	                               written in full */
	char *svg;                  /* the page's picture, kept until the
	                               report is known whole */
	struct graph_info gi;       /* what the picture left out */
	bool stopped;               /* a signal ended sink_open()'s wait for
	                               a FIFO's reader */
	struct out_error errs[4];   /* the evidence, the alert file, the
	                               graph and the page, when not written
	                               in full */
	size_t n_errs;
};

/* The outputs sink_check_outputs() compares: each one's option and what
   it holds. */
enum { OUT_REPORT, OUT_DUMP, OUT_ALERTS, OUT_HTML, OUT_GRAPH, OUT_COUNT };
static const char *const out_opt[OUT_COUNT] = {
	"-o", "--dump-undocumented", "--alert-file", "--html", "--graph"
};
static const char *const out_what[OUT_COUNT] = {
	"the report", "the evidence", "the alerts", "the HTML report",
	"the graph"
};

/* Whether path is the regular file or the FIFO open on fd (the same
   device and inode, by whatever name): stat() opens nothing, so a FIFO
   is not waited on. */
static bool same_output_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && same_output(&a, &b);
}

/* Whether two open descriptors are one regular file or one FIFO. */
static bool same_open_file(int fd1, int fd2)
{
	struct stat a, b;

	return fstat(fd1, &a) == 0 && fstat(fd2, &b) == 0 && same_output(&a, &b);
}

/* Whether the rotated evidence (evidence.h: FILE1, FILE2... below
   max_files) would be named path: such a file is removed and made anew. */
static bool rotates_onto(const struct sink_cfg *cfg, const char *path)
{
	size_t n = strlen(cfg->evidence);
	unsigned long long k;
	char *end;

	if (!path || !cfg->evidence_rot.max_bytes ||
	    strncmp(path, cfg->evidence, n) != 0 ||
	    path[n] < '1' || path[n] > '9')
		return false;
	errno = 0;
	k = strtoull(path + n, &end, 10);
	if (*end || errno)
		return false;
	return !cfg->evidence_rot.max_files || k < cfg->evidence_rot.max_files;
}

/*
 * An output named as an input would be truncated (or, the alert file,
 * appended to) before it is read (-w x.pcap -r x.pcap): refused before
 * anything is opened. Inputs are compared by device and inode, so
 * another name, a hard link or standard input redirected from the file
 * are caught too; a FIFO read and written would have the run wait on
 * itself. An output that does not exist yet is no input. Two
 * outputs in one file would be neither: refused by name, or by device
 * and inode when both exist (a FIFO too: two writers would interleave
 * their records, and stat() does not wait for its reader as an open
 * does); sink_open() compares what it opened too.
 */
int sink_check_outputs(const struct sink_cfg *cfg, const char *const *inputs,
		       size_t n_inputs, FILE *err)
{
	const char *out[OUT_COUNT] = { cfg->output, cfg->evidence, NULL,
				       cfg->html, cfg->graph };
	struct stat os, is;
	size_t k, j;

	/* "-": the alerts go to standard error, which opens nothing. */
	if (cfg->alert_file && strcmp(cfg->alert_file, "-") != 0)
		out[OUT_ALERTS] = cfg->alert_file;
	for (k = 0; k < OUT_COUNT; k++) {
		for (j = k + 1; j < OUT_COUNT && out[k]; j++) {
			if (!out[j])
				continue;
			if (strcmp(out[k], out[j]) != 0 &&
			    !(stat(out[k], &os) == 0 && stat(out[j], &is) == 0 &&
			      same_output(&os, &is)))
				continue;
			tprintf(err, "impwatch: %s %s and %s %s: %s and %s are "
				"the same file\n", out_opt[k], out[k], out_opt[j],
				out[j], out_what[k], out_what[j]);
			return -1;
		}
	}
	for (k = 0; k < OUT_COUNT; k++) {
		long in = path_is_input(out[k], inputs, n_inputs);

		if (in < 0)
			continue;
		tprintf(err, "impwatch: cannot write %s to %s: it is an "
			"input (%s)\n", out_what[k], out[k],
			strcmp(inputs[in], "-") == 0 ? "standard input" :
			inputs[in]);
		return -1;
	}
	/* The rotated evidence files' names, compared as named: those
	   made later do not exist yet. */
	for (k = 0; cfg->evidence && k < OUT_COUNT + n_inputs; k++) {
		const char *p = k < OUT_COUNT ? out[k] : inputs[k - OUT_COUNT];

		if (k == OUT_DUMP || !rotates_onto(cfg, p))
			continue;
		tprintf(err, "impwatch: --dump-undocumented %s rotates onto %s, "
			"%s\n", cfg->evidence, p,
			k < OUT_COUNT ? out_what[k] : "an input");
		return -1;
	}
	return 0;
}

/*
 * The report and the alert file are written through outfile.h's stream
 * over the stream opened: what becomes of them is kept (struct outstate)
 * and said, the alert file's failure as it happens too, since the
 * sensor goes on without it (a report that fails ends a live run); and
 * a reader that takes nothing holds the stop SINK_STALL_MS at most.
 * Buffered as open_output() buffered raw: a line at a time (line, or a
 * terminal), or in *buf.
 */
static FILE *out_over(FILE *raw, struct outstate *st, bool line, char **buf)
{
	if (line || isatty(fileno(raw)))
		return outfile_over(raw, st, _IOLBF, NULL, 0);
	if (buf && *buf)
		return outfile_over(raw, st, _IOFBF, *buf, REPORT_BUFFER);
	return outfile_over(raw, st, -1, NULL, 0);
}

/*
 * The report or the alert file, created 0640 within the umask: they name
 * hosts and what they say to each other, not for every local user to
 * read. The report is emptied when the run starts (not with --append);
 * a reopen at SIGHUP, and the alert file always, append, so that a
 * reopen never loses what the file holds. Live, each record is written
 * as it is made, for a pipe or a tail; alert lines always. Offline, with
 * buf, the stream gets a buffer of REPORT_BUFFER bytes, *buf, which the
 * caller frees once the stream is closed (NULL: stdio's own, when there
 * is no memory for it). how: O_TRUNC or O_APPEND, and O_NONBLOCK for a
 * FIFO's reader not to be waited for (open_write()).
 * NULL with errno set when it cannot be opened (EINTR: a FIFO's reader
 * was waited for when the run was stopped; ENXIO: no one reads a FIFO
 * not waited for).
 */
static FILE *open_output(const char *path, int how, bool line, char **buf)
{
	bool append = (how & O_APPEND) != 0;
	int fd = open_write(path, O_CREAT | how, 0640);
	FILE *f;
	int e;

	if (buf)
		*buf = NULL;
	if (fd < 0)
		return NULL;
	f = fdopen(fd, append ? "a" : "w");
	if (!f) {
		e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	if (line) {
		setvbuf(f, NULL, _IOLBF, 0);
	} else if (buf && (*buf = malloc(REPORT_BUFFER)) != NULL &&
		   setvbuf(f, *buf, _IOFBF, REPORT_BUFFER) != 0) {
		free(*buf);
		*buf = NULL;
	}
	return f;
}

/* An output that could not be opened, said on err (errno says why). A
   signal that ended the wait for a FIFO's reader stopped the run before
   it started: s->stopped. */
static void cannot_open(struct sink *s, const char *path, FILE *err)
{
	if (errno == EINTR) {
		s->stopped = true;
		tprintf(err, "impwatch: the run was interrupted before it "
			"started, waiting for a reader of %s\n", path);
	} else {
		tprintf(err, "impwatch: cannot write %s: %s\n", path,
			strerror(errno));
	}
}

/* Close a stream (one replaced at a reopen too); true when all was
   written. errno is then the first failure's: fclose() after a failed
   flush fails again, and would say nothing more. */
static bool close_replaced(FILE *f)
{
	bool ok = fflush(f) == 0 && !ferror(f);
	int e = errno;

	if (fclose(f) != 0 && ok)
		return false;
	errno = e;
	return ok;
}

/*
 * The page and the graph are written once, when the run ends, whole and
 * by their name (replace.h): a reader sees the one of before until
 * then, never a part, and a log rotation that renamed it meanwhile
 * keeps what it renamed. A regular file that cannot be replaced (its
 * folder is not the writer's: a service's page in a web server's
 * folder) is kept as it is until then too, and rewritten in place, by
 * name (in_place). One that is no regular file (a FIFO, a device) is
 * opened now and written in place, as the report is. Tried now either
 * way: a file that cannot be written is said before the run, not after
 * it.
 */
static bool open_whole(struct sink *s, const char *path, FILE **f,
		       bool *by_name, bool *in_place, FILE *err)
{
	struct stat st;
	int fd;

	if (replace_can(path) == 0) {
		*by_name = true;
		return true;
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		close(fd);
		*by_name = *in_place = true;
		return true;
	}
	if ((*f = open_output(path, O_TRUNC, false, NULL)) != NULL)
		return true;
	cannot_open(s, path, err);
	return false;
}

/* Whether the page or the graph at path (open in place as f, else by
   name) is the report's file: standard output redirected to it. */
static bool is_report(const struct sink *s, FILE *f, const char *path)
{
	if (f)
		return same_open_file(fileno(f), fileno(s->out));
	return path && same_output_file(fileno(s->out), path);
}

/* Open what sink_open() opens, in order, each checked against those
   before it; false with a message on err. */
static bool open_files(struct sink *s, FILE *err)
{
	const struct sink_cfg *c = &s->cfg;
	bool html;

	/* The report and the evidence in one file would be neither. */
	if (c->evidence && same_output_file(fileno(s->out), c->evidence)) {
		tprintf(err, "impwatch: %s and --dump-undocumented %s: the "
			"report and the evidence are the same file\n",
			c->output ? c->output : "standard output", c->evidence);
		return false;
	}
	/* Live, a pipe into another tool sees each record (and a person each
	   alert and interim line) as it is written. */
	if (c->live && !c->output)
		setvbuf(s->out, NULL, _IOLBF, 0);
	if (c->alert_file && strcmp(c->alert_file, "-") == 0) {
		s->alert_out = stderr;
	} else if (c->alert_file &&
		   !(s->alert_out = open_output(c->alert_file, O_APPEND, true, NULL))) {
		cannot_open(s, c->alert_file, err);
		return false;
	}
	/* The alerts in the report's file (standard output redirected to
	   it) or in the evidence's would spoil both. */
	if (s->alert_out && s->alert_out != stderr &&
	    (same_open_file(fileno(s->alert_out), fileno(s->out)) ||
	     (c->evidence && same_output_file(fileno(s->alert_out), c->evidence)))) {
		tprintf(err, "impwatch: --alert-file %s: %s and the alerts are "
			"the same file\n", c->alert_file,
			same_open_file(fileno(s->alert_out), fileno(s->out)) ?
			"the report" : "the evidence");
		return false;
	}
	if (c->evidence && !(s->ev = evidence_open(c->evidence, c->evidence_dlt,
						   c->evidence_snaplen,
						   &c->evidence_rot, c->stop,
						   err))) {
		if (errno == EINTR)
			cannot_open(s, c->evidence, err);
		return false;
	}
	if ((c->html && !open_whole(s, c->html, &s->html_out, &s->html_by_name,
				    &s->html_in_place, err)) ||
	    (c->graph && !open_whole(s, c->graph, &s->graph_out,
				     &s->graph_by_name, &s->graph_in_place,
				     err)))
		return false;
	/* Standard output redirected to the page would spoil both. */
	html = is_report(s, s->html_out, c->html);
	if (html || is_report(s, s->graph_out, c->graph)) {
		tprintf(err, "impwatch: %s %s: the report and %s are the same "
			"file\n", html ? "--html" : "--graph",
			html ? c->html : c->graph,
			html ? "the HTML report" : "the graph");
		return false;
	}
	return true;
}

/* Whether fd is open for writing: standard output closed by the
   caller is held open for reading (main.c). */
static bool fd_writable(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_ACCMODE) != O_RDONLY;
}

struct sink *sink_open(const struct engine *e, const struct sink_cfg *cfg,
		       FILE *err)
{
	struct sink *s = calloc(1, sizeof(*s));
	FILE *out = stdout;
	bool stopped;

	if (!s) {
		waivers_free(cfg->waivers);
		tprintf(err, "impwatch: out of memory\n");
		return NULL;
	}
	s->cfg = *cfg;
	s->out_st.path = cfg->output ? cfg->output : "standard output";
	s->out_st.stop = cfg->stop;
	s->alert_st.path = cfg->alert_file;
	s->alert_st.stop = cfg->stop;
	s->alert_st.say = err;
	s->waivers = cfg->waivers;
	s->cat = e->cat;
	s->e = e;
	/* A report to a closed standard output is said before the run, and
	   before any other output is made. */
	if (!cfg->output && !fd_writable(STDOUT_FILENO)) {
		tprintf(err, "impwatch: cannot write standard output: %s\n",
			strerror(EBADF));
		waivers_free(s->waivers);
		free(s);
		errno = 0;
		return NULL;
	}
	if (cfg->output &&
	    !(out = open_output(cfg->output, cfg->append ? O_APPEND : O_TRUNC, cfg->live,
				&s->out_buf))) {
		cannot_open(s, cfg->output, err);
		stopped = s->stopped;
		waivers_free(s->waivers);
		free(s);
		errno = stopped ? EINTR : 0;
		return NULL;
	}
	s->out = out;
	/* Standard output offline is buffered as a report file is: with
	   stdio's 8 KiB, records piped on (to jq, to a shipper) took a
	   write() and a poll() every 8 KiB. No memory: stdio's then. */
	if (!cfg->output && !cfg->live)
		s->out_buf = malloc(REPORT_BUFFER);
	if (!open_files(s, err))
		goto fail;
	/* Checked against each other as opened; written from here on
	   through out_over(): one there is no memory for cannot be
	   written, as one that cannot be opened (no stop would give it
	   up). The raw streams are closed below then. */
	if (!(out = out_over(s->out, &s->out_st, cfg->live, &s->out_buf))) {
		cannot_open(s, s->out_st.path, err);
		goto fail;
	}
	s->out = out;
	if (s->alert_out && s->alert_out != stderr) {
		if (!(out = out_over(s->alert_out, &s->alert_st, true, NULL))) {
			cannot_open(s, cfg->alert_file, err);
			goto fail;
		}
		s->alert_out = out;
	}
	s->rep = report_new(cfg->fmt, s->out, e->cat, e->hosts, e->dpi,
			    cfg->top);
	s->ws = calloc(cfg->workers ? cfg->workers : 1, sizeof(*s->ws));
	if ((cfg->html || cfg->graph) && !(s->talk = talk_new(e->seed)))
		goto oom;
	if (!s->rep || !s->ws) {
oom:
		tprintf(err, "impwatch: out of memory\n");
		goto fail;
	}
	report_set_output(s->rep, s->out, s->alert_out);
	report_set_brief(s->rep, cfg->brief);
	if (cfg->run)
		report_set_run(s->rep, cfg->run);
	return s;
fail:
	stopped = s->stopped;
	sink_close(s, err);
	errno = stopped ? EINTR : 0;
	return NULL;
}

/* What a finding's waivers make of r, counted: in w, which r then
   points to. */
static const struct flow_record *waive(struct sink *s,
				       const struct flow_record *r,
				       struct flow_record *w)
{
	if (!s->waivers || !verdict_is_finding((enum verdict)r->verdict))
		return r;
	*w = *r;
	waivers_apply(s->waivers, s->cat, w, true);
	if (waivers_day_of(r->last_us) > s->seen_day)
		s->seen_day = waivers_day_of(r->last_us);
	if (w->waived)
		s->waived++;
	else
		s->unwaived++;
	return w;
}

static void on_flow(void *ctx, const struct flow_record *r)
{
	struct sink *s = ctx;
	struct flow_record w;

	r = waive(s, r, &w);
	report_flow(s->rep, r);
	if (s->talk)
		talk_add(s->talk, r);
}

/* A record a worker's formatter wrote (sink_fmt_flow()). */
static void on_flow_text(void *ctx, const struct flow_record *r,
			 const char *text, size_t len)
{
	struct sink *s = ctx;
	struct flow_record w;

	r = waive(s, r, &w);
	report_flow_text(s->rep, r, text, len);
	if (s->talk)
		talk_add(s->talk, r);
}

/* ---- a flow worker's formatter ---------------------------------------- */

struct sink_fmt {
	struct report *rep;          /* the report's flow writer */
	FILE *f;                     /* its stream, onto buf */
	char *buf;
	size_t n, cap;
	bool lost;                   /* out of memory in the record */
	struct waivers *waivers;     /* read only here */
	const struct catalogue *cat;
};

/* The stream's writes, appended to the buffer. */
static ssize_t fmt_write(void *cookie, const char *b, size_t len)
{
	struct sink_fmt *f = cookie;

	if (f->cap - f->n < len) {
		size_t cap = f->cap ? f->cap : 4096;
		char *nb;

		while (cap - f->n < len)
			cap *= 2;
		if (!(nb = realloc(f->buf, cap))) {
			f->lost = true;
			return -1;
		}
		f->buf = nb;
		f->cap = cap;
	}
	memcpy(f->buf + f->n, b, len);
	f->n += len;
	return (ssize_t)len;
}

struct sink_fmt *sink_fmt_new(const struct sink *s)
{
	static const cookie_io_functions_t io = { .write = fmt_write };
	struct sink_fmt *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->waivers = s->waivers;
	f->cat = s->cat;
	if (!(f->f = fopencookie(f, "w", io)) ||
	    setvbuf(f->f, NULL, _IOFBF, SINK_FMT_BUF) != 0 ||
	    !(f->rep = report_new_flow_writer(s->rep, f->f))) {
		sink_fmt_free(f);
		return NULL;
	}
	return f;
}

const char *sink_fmt_flow(struct sink_fmt *f, const struct flow_record *r,
			  size_t *len)
{
	struct flow_record w;

	/* Written as the sink would write it, waived or not. */
	if (f->waivers && verdict_is_finding((enum verdict)r->verdict)) {
		w = *r;
		waivers_apply(f->waivers, f->cat, &w, false);
		r = &w;
	}
	f->n = 0;
	f->lost = false;
	report_write_flow(f->rep, r);
	if (fflush(f->f) != 0 || f->lost) {
		clearerr(f->f);
		return NULL;
	}
	*len = f->n;
	return f->buf;
}

void sink_fmt_free(struct sink_fmt *f)
{
	if (!f)
		return;
	report_free(f->rep);
	if (f->f)
		fclose(f->f);
	free(f->buf);
	free(f);
}

static void on_alert(void *ctx, const struct flow_record *r)
{
	struct sink *s = ctx;
	struct flow_record w;

	s->alerts++;
	if (s->waivers) {
		w = *r;
		waivers_apply(s->waivers, s->cat, &w, false);
		r = &w;
	}
	report_alert(s->rep, r);
}

static void on_frame(void *ctx, const struct frame_record *fr)
{
	struct sink *s = ctx;

	evidence_frame(s->ev, fr);
}

static void on_stats(void *ctx, unsigned id, const struct worker_stats *ws)
{
	struct sink *s = ctx;

	if (id < (s->cfg.workers ? s->cfg.workers : 1))
		s->ws[id] = *ws;
}

void sink_worker_out(struct sink *s, bool alerts, unsigned id,
		     struct worker_out *out)
{
	memset(out, 0, sizeof(*out));
	out->flow = on_flow;
	out->flow_text = on_flow_text;
	out->alert = alerts ? on_alert : NULL;
	out->frame = s->ev ? on_frame : NULL;
	out->stats = on_stats;
	out->ctx = s;
	out->id = id;
}

/* path opened again at a reopen, through out_over() (buf as
   open_output()'s); NULL, said on err, when it cannot be. A FIFO no one
   reads is not waited for: the reopen is on the reader thread, whose
   capture would wait as long (live, the kernel's ring dropping what it
   cannot hold), for a reader that may never come; the FIFO already open
   is written on, as outfile.c writes on to a reader that stalls. */
static FILE *reopen(const char *path, bool line, char **buf,
		    struct outstate *st, FILE *err)
{
	FILE *raw = open_output(path, O_APPEND | O_NONBLOCK, line, buf);
	FILE *f = NULL;
	int e;

	if (raw && !(f = out_over(raw, st, line, buf))) {
		e = errno;
		fclose(raw);
		if (buf) {
			free(*buf);
			*buf = NULL;
		}
		errno = e;
	}
	if (!f)
		tprintf(err, "impwatch: cannot reopen %s: %s; writing on to "
			"the file already open\n", path, errno == ENXIO ?
			"no one reads it" : strerror(errno));
	return f;
}

/*
 * Between two records, so none is split, lost or written twice. A file
 * that cannot be reopened keeps the stream it had.
 */
void sink_reopen(struct sink *s, FILE *err)
{
	const struct sink_cfg *c = &s->cfg;
	FILE *f;
	char *buf;

	if (c->output && (f = reopen(c->output, c->live, &buf, &s->out_st,
				     err)) != NULL) {
		if (!close_replaced(s->out))
			s->out_lost = true;
		free(s->out_buf);
		s->out_buf = buf;
		s->out = f;
	}
	if (s->alert_out && s->alert_out != stderr &&
	    (f = reopen(c->alert_file, true, NULL, &s->alert_st, err)) != NULL) {
		if (!close_replaced(s->alert_out))
			s->alerts_lost = true;
		s->alert_out = f;
	}
	report_set_output(s->rep, s->out, s->alert_out);
}

void sink_stats(const struct sink *s, struct run_stats *st)
{
	unsigned i, n = s->cfg.workers ? s->cfg.workers : 1;

	memset(&st->work, 0, sizeof(st->work));
	st->work.last_dlt = -1;
	for (i = 0; i < n; i++)
		worker_stats_add(&st->work, &s->ws[i]);
	st->alerts = s->alerts;
	st->waivers = s->waivers;
	st->waived = s->waived;
	if (s->ev) {
		st->dump_path = evidence_path(s->ev);
		st->dumped = evidence_frames(s->ev);
		st->dump_skipped = evidence_skipped(s->ev);
		st->dump_error = evidence_error(s->ev);
		st->dump_max_mb = (uint32_t)(s->cfg.evidence_rot.max_bytes / EVIDENCE_MB);
		st->dump_max_files = s->cfg.evidence_rot.max_files;
		st->dump_files = evidence_files(s->ev);
		st->dump_files_kept = evidence_files_kept(s->ev);
		st->dump_frames_kept = evidence_frames_kept(s->ev);
		st->dump_newest = evidence_newest(s->ev);
	}
	st->out_errors = s->errs;
	st->n_out_errors = s->n_errs;
}

bool sink_has_findings(const struct sink *s)
{
	/* With waivers, only the findings they do not cover count. */
	if (s->waivers)
		return s->unwaived != 0;
	return report_has_findings(s->rep);
}

void sink_one_way(const struct sink *s, uint64_t *judged, uint64_t *one_way)
{
	report_one_way(s->rep, judged, one_way);
}

void sink_set_day(struct sink *s, int32_t day)
{
	waivers_set_today(s->waivers, day);
}

void sink_interim(struct sink *s, const struct run_stats *st)
{
	report_interim(s->rep, st);
}

/* An output beside the report not written in full, which standard
   error said: kept for the summary, which every format says it in. */
static void keep_error(struct sink *s, const char *what, const char *path,
		       const char *why)
{
	struct out_error *x;

	if (s->n_errs == sizeof(s->errs) / sizeof(s->errs[0]))
		return;
	x = &s->errs[s->n_errs++];
	x->what = what;
	x->path = path;
	snprintf(x->why, sizeof(x->why), "%s", why);
}

int sink_close_evidence(struct sink *s)
{
	struct run_stats st;

	if (!s->ev)
		return 0;
	sink_stats(s, &st);
	if (evidence_close(s->ev, st.work.last_dlt) == 0)
		return 0;
	/* Failed: evidence_error() says why (evidence.h). */
	keep_error(s, "evidence", evidence_path(s->ev), evidence_error(s->ev));
	return -1;
}

/* Close the page or the graph, `what` (f, open in place; else written
   by name when by_name): -1, said on err, when it could not be made (no
   memory) or written in full; e is the error of the write that failed
   (0: the close says it). */
static int close_page(struct sink *s, const char *what, FILE *f,
		      bool by_name, const char *path, bool lost, int e,
		      FILE *err)
{
	const char *why;
	bool ok;

	if (!f && !by_name)
		return 0;
	ok = !f || close_replaced(f);
	if (ok && !lost)
		return 0;
	if (!e && !ok)
		e = errno;
	why = e ? strerror(e) : "out of memory";
	tprintf(err, "impwatch: cannot write %s: %s\n", path, why);
	keep_error(s, what, path, why);
	return -1;
}

/* Close the alert file: -1, said on err, when it was not written in
   full. No alert comes after: the report is told it has no alert file.
   Alerts on standard error (--alert-file -, a service's journal) are
   flushed: lost as a file's are (a write failed, or its reader stalled
   past the stop and it was given up), no message can say it there; the
   exit status and the summary do. */
static int close_alerts(struct sink *s, FILE *err)
{
	char why[160];
	bool werr;

	if (s->alert_out == stderr) {
		if (fflush(stderr) == 0 && !ferror(stderr))
			return 0;
		keep_error(s, "alert file", "standard error", strerror(errno));
		return -1;
	}
	if (!s->alert_out)
		return 0;
	werr = !close_replaced(s->alert_out);
	s->alert_out = NULL;
	if (s->rep)
		report_set_output(s->rep, s->out, NULL);
	if (!werr && !s->alerts_lost)
		return 0;
	outfile_say(err, &s->alert_st, !werr);
	outfile_why(&s->alert_st, why, sizeof(why));
	keep_error(s, "alert file", s->alert_st.path, why);
	return -1;
}

/* The graph's DOT, in place or by name: -1 with errno when it could not
   be written in full. */
static int write_dot(struct sink *s)
{
	struct replace r;
	int e;

	if (s->graph_out)
		return graph_write_dot(s->graph, s->graph_out);
	if (!s->graph_by_name)
		return 0;
	if (replace_begin(s->cfg.graph, s->graph_in_place, &r) != 0)
		return -1;
	if (graph_write_dot(s->graph, r.f) == 0)
		return replace_close(&r, s->cfg.graph, true);
	e = errno;
	(void)replace_close(&r, s->cfg.graph, false);
	errno = e;
	return -1;
}

/* The graph is laid out once, for the DOT file and the page: its DOT is
   written before the layout adds positions to it. The report's records
   written so far are flushed too: a report already failing (JSON lines
   to a full disk) makes the run an error before the page and the
   summary say its verdict; sink_close() says why. */
int sink_close_side(struct sink *s, FILE *err)
{
	int rc = close_alerts(s, err), e = 0;

	/* Why is kept by the report's stream (out_failed()): Graphviz
	   and its font lookups set errno after. */
	if (fflush(s->out) != 0 || ferror(s->out))
		rc = -1;

	if (!s->talk)
		return rc;
	s->graph = graph_new(s->talk, s->e->cat, s->e->hosts != NULL);
	if (!s->graph) {
		s->html_lost = s->graph_lost = true;
	} else if (write_dot(s) != 0) {
		e = errno;
		s->graph_lost = true;
	}
	rc |= close_page(s, "graph", s->graph_out, s->graph_by_name,
			 s->cfg.graph, s->graph_lost, e, err);
	s->graph_out = NULL;
	s->graph_by_name = false;
	return rc;
}

/*
 * The page of the run st describes, by its name (or to s->html_out, in
 * place): -1 with errno when it could not be written in full. It is
 * made in memory, then written whole: impwatch killed meanwhile
 * (SIGKILL, the OOM killer), or a write that fails, leaves the page of
 * before as it was, never the top of a new one, which says the verdict.
 */
static int write_page(struct sink *s, const struct run_stats *st)
{
	struct html_page p;
	char *page = NULL;
	size_t len = 0;
	FILE *m;
	int rc, e;

	memset(&p, 0, sizeof(p));
	p.cat = s->e->cat;
	p.hosts = s->e->hosts;
	p.dpi = s->e->dpi;
	p.run = s->cfg.run;
	p.tally = report_tally(s->rep);
	p.talk = s->talk;
	p.s = st;
	p.svg = s->svg;
	p.gi = &s->gi;
	p.top = s->cfg.top;
	if (!(m = open_memstream(&page, &len)))
		return -1;
	rc = html_write(m, &p);
	if (fclose(m) != 0)
		rc = -1;
	if (rc == 0 && !s->html_out)
		rc = replace_write(s->cfg.html, s->html_in_place, page, len);
	else if (rc == 0)
		rc = fflush(s->html_out) == 0 ?
		     write_all(fileno(s->html_out), page, len) : -1;
	e = errno;
	free(page);
	errno = e;
	return rc;
}

/* The page, with its picture laid out by Graphviz. A picture that
   cannot be made leaves the page without it, said there; a page that
   cannot be made at all (no memory) is an error. The page stays open,
   written and flushed, until the report is known whole
   (sink_page_again()). */
int sink_page(struct sink *s, const struct run_stats *st, FILE *err)
{
	char why[GRAPH_WHY_MAX];
	int e = 0, rc;

	if (!s->html_out && !s->html_by_name)
		return 0;
	/* A waiver past the day a flow was seen is listed as expired,
	   as that flow's record says. */
	waivers_set_today(s->waivers, s->seen_day);
	if (s->graph) {
		graph_info(s->graph, &s->gi);
		s->svg = graph_svg(s->graph, why, sizeof(why));
		/* Graphviz's words, which it would have written alone, said
		   as impwatch's: the page is still written, and says so. */
		if (!s->svg)
			tprintf(err, "impwatch: %s: written without its "
				"picture: Graphviz could not lay it out (%s)\n",
				s->cfg.html, why[0] ? why : "it said nothing");
		if (write_page(s, st) == 0)
			return 0;
		e = errno;
		s->html_lost = true;
	}
	rc = close_page(s, "HTML report", s->html_out, s->html_by_name,
			s->cfg.html, s->html_lost, e, err);
	s->html_out = NULL;
	s->html_by_name = false;
	return rc;
}

bool sink_report_failed(struct sink *s)
{
	errno = 0;
	if (fflush(s->out) == 0 && !ferror(s->out) && !s->out_lost)
		return false;
	/* Why, kept (outfile_say()): Graphviz and its font lookups set
	   errno after. */
	if (!s->out_st.e)
		s->out_st.e = errno;
	return true;
}

/*
 * The report failed after the page said the run's verdict (the text
 * report is written whole at the end, a JSON summary line last): the
 * page in a file is written again, with st's verdict (ERROR), so that it
 * never says more than the exit status. A page that went into a pipe has
 * been read: standard error says it is not the run's verdict.
 */
int sink_page_again(struct sink *s, const struct run_stats *st, FILE *err)
{
	struct stat sb;
	int fd, rc;

	if (!s->html_out && !s->html_by_name)
		return 0;
	fd = s->html_out ? fileno(s->html_out) : -1;
	if (fd >= 0 &&
	    (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	     fseek(s->html_out, 0, SEEK_SET) != 0 || ftruncate(fd, 0) != 0)) {
		tprintf(err, "impwatch: %s: written before the report failed: "
			"its verdict is not the run's\n", s->cfg.html);
		return -1;
	}
	if (write_page(s, st) == 0)
		return 0;
	rc = close_page(s, "HTML report", s->html_out, s->html_by_name,
			s->cfg.html, true, errno, err);
	s->html_out = NULL;
	s->html_by_name = false;
	return rc;
}

bool sink_report_lost(const struct sink *s)
{
	/* Live output is line-buffered: a record that failed shows here
	   once written, and the flag stays. */
	return ferror(s->out) != 0;
}

void sink_summary(struct sink *s, const struct run_stats *st)
{
	struct run_stats t = *st;

	/* What became of the outputs closed before it. */
	t.out_errors = s->errs;
	t.n_out_errors = s->n_errs;
	waivers_set_today(s->waivers, s->seen_day);
	report_summary(s->rep, &t);
}

int sink_close(struct sink *s, FILE *err)
{
	const struct sink_cfg *c = &s->cfg;
	bool werr;
	int rc = 0;

	/* A report that could not be written in full is an error (a full
	   disk, -w /dev/full): the exit status must say so. */
	if (s->out == stdout)
		werr = fflush(s->out) != 0 || ferror(s->out);
	else
		werr = !close_replaced(s->out);
	free(s->out_buf);
	if (werr || s->out_lost) {
		outfile_say(err, &s->out_st, !werr);
		rc = -1;
	}
	rc |= close_alerts(s, err);
	rc |= close_page(s, "HTML report", s->html_out, s->html_by_name,
			 c->html, s->html_lost, 0, err);
	rc |= close_page(s, "graph", s->graph_out, s->graph_by_name, c->graph,
			 s->graph_lost, 0, err);
	free(s->svg);
	graph_free(s->graph);
	talk_free(s->talk);
	evidence_free(s->ev);
	report_free(s->rep);
	waivers_free(s->waivers);
	free(s->ws);
	free(s);
	return rc;
}
