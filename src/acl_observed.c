/*
 * acl_observed.c: `impwatch acl --observed`: which catalogue rows the
 * documented flows of impwatch's own JSON records used.
 *
 * Records are JSON lines (report_json.c), read with jansson. A flow
 * record carries its transport, client and server address and port, the
 * service that documented it and the tables of every row that matched
 * its port. The row it used is found again as classify_roles() found it,
 * under this run's catalogue and inventory: the row it names when that
 * row allows its hosts' roles, otherwise the first row that does.
 */
#include "acl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "decode.h"
#include "gate.h"
#include "textfile.h"

/* What a flow record says, checked. */
struct rec {
	struct acl_flow fl;
	bool documented;
};

/* What one file read adds, kept apart until it has read whole (all or
   nothing): its runs, and the reasons its summaries give. */
struct file_obs {
	struct acl_observed st;      /* counts; run and partial as below */
	struct acl_run *run;
	size_t n_run, cap_run;
};

/* Text address into the inventory's form (IPv4 as ::ffff:a.b.c.d); its
   IP version, or 0 when it is none. "::ffff:a.b.c.d" is IPv6: the
   record of an IPv6 header that carried it (util.h's fmt_ip()), no
   IPv4 host of the inventory. */
static uint8_t parse_ip(const char *s, struct ip_addr *a)
{
	uint8_t v4[4];

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, v4) == 1) {
		a->b[10] = a->b[11] = 0xff;
		memcpy(a->b + 12, v4, 4);
		return 4;
	}
	return inet_pton(AF_INET6, s, a->b) == 1 ? 6 : 0;
}

/* Field `key` of o as an integer in [lo, hi]; false otherwise. */
static bool get_int(json_t *o, const char *key, long long lo, long long hi,
		    long long *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_integer(x))
		return false;
	*v = json_integer_value(x);
	return *v >= lo && *v <= hi;
}

/* A flow record's fields into *r; NULL, or what is wrong (in why). */
static const char *parse_flow(json_t *o, struct rec *r, char *why, size_t n)
{
	json_t *x;
	long long v;
	size_t i;

	memset(r, 0, sizeof(*r));
	x = json_object_get(o, "transport");
	if (json_is_string(x)) {
		const char *t = json_string_value(x);

		if (strcmp(t, "tcp") == 0)
			r->fl.proto = IPPROTO_NUM_TCP;
		else if (strcmp(t, "udp") == 0)
			r->fl.proto = IPPROTO_NUM_UDP;
		else if (strcmp(t, "icmp") == 0)
			r->fl.proto = IPPROTO_NUM_ICMP;
		else if (strcmp(t, "icmpv6") == 0)
			r->fl.proto = IPPROTO_NUM_ICMPV6;
		else
			return "flow record with an unknown \"transport\"";
	} else if (get_int(o, "transport", 0, 255, &v)) {
		r->fl.proto = (uint8_t)v;
	} else {
		return "flow record without a \"transport\" name or number";
	}
	x = json_object_get(o, "client_ip");
	if (!json_is_string(x) ||
	    !(r->fl.family = parse_ip(json_string_value(x), &r->fl.cip)))
		return "flow record without a \"client_ip\" address";
	x = json_object_get(o, "server_ip");
	if (!json_is_string(x) ||
	    parse_ip(json_string_value(x), &r->fl.sip) != r->fl.family)
		return "flow record without a \"server_ip\" address of the "
		       "client's IP version";
	if (!get_int(o, "client_port", 0, 65535, &v))
		return "flow record without a \"client_port\" from 0 to 65535";
	r->fl.cport = (uint16_t)v;
	if (!get_int(o, "server_port", 0, 65535, &v))
		return "flow record without a \"server_port\" from 0 to 65535";
	r->fl.sport = (uint16_t)v;
	x = json_object_get(o, "verdict");
	if (!json_is_string(x))
		return "flow record without a \"verdict\" string";
	r->documented = strcmp(json_string_value(x), "documented") == 0;
	x = json_object_get(o, "service");
	if (json_is_string(x))
		r->fl.service = json_string_value(x);
	else if (!json_is_null(x))
		return "flow record without a \"service\" string or null";
	x = json_object_get(o, "tables");
	if (!json_is_array(x))
		return "flow record without a \"tables\" array";
	for (i = 0; i < json_array_size(x); i++) {
		json_t *t = json_array_get(x, i);

		if (!json_is_integer(t) || json_integer_value(t) < 0 ||
		    json_integer_value(t) > 63) {
			snprintf(why, n, "\"tables\" item %zu is not a table "
				 "number from 0 to 63", i + 1);
			return why;
		}
		r->fl.tables |= UINT64_C(1) << json_integer_value(t);
	}
	return NULL;
}

/* Run id into list *run (of *n, room for *cap), unless there; its
   entry, or NULL when out of memory or past ACL_MAX_RUNS. */
static struct acl_run *run_find(struct acl_run **run, size_t *n, size_t *cap,
				const char *id, const char *file)
{
	size_t i;

	/* Newest first: a file's records are of one run, most often. */
	for (i = *n; i-- > 0;)
		if (strcmp((*run)[i].id, id) == 0)
			return &(*run)[i];
	if (*n >= ACL_MAX_RUNS)
		return NULL;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct acl_run *x = realloc(*run, ncap * sizeof(*x));

		if (!x)
			return NULL;
		*run = x;
		*cap = ncap;
	}
	memset(&(*run)[*n], 0, sizeof(**run));
	snprintf((*run)[*n].id, sizeof((*run)[*n].id), "%s", id);
	(*run)[*n].file = file;
	return &(*run)[(*n)++];
}

/* A reason the records may be partial, into st: the first
   ACL_PARTIAL_KEEP are kept, every one counted. */
__attribute__((format(printf, 2, 3)))
static void partial(struct acl_observed *st, const char *fmt, ...)
{
	va_list ap;

	if (st->n_partial < ACL_PARTIAL_KEEP) {
		va_start(ap, fmt);
		vsnprintf(st->partial[st->n_partial], ACL_PARTIAL_LEN, fmt, ap);
		va_end(ap);
	}
	st->n_partial++;
}

/* The record's run id into *id ("" when it names none); false when it
   is not a string short enough. */
static bool get_run_id(json_t *o, const char **id)
{
	json_t *x = json_object_get(o, "run_id");

	*id = "";
	if (!x)
		return true;
	if (!json_is_string(x) ||
	    strlen(json_string_value(x)) >= ACL_RUN_ID_MAX)
		return false;
	*id = json_string_value(x);
	return true;
}

/* Whether inconclusive list inc names the capture's health (as
   --validate's runs do), so that the summary's "health" says nothing
   more. */
static bool health_said(json_t *inc)
{
	json_t *x;
	size_t i;
	int r;

	json_array_foreach(inc, i, x) {
		const char *k = json_string_value(json_object_get(x, "reason"));

		for (r = GR_ONE_WAY; k && r <= GR_INTERFACE_DOWN; r++)
			if (!strcmp(k, gate_reason_key((enum gate_reason)r)))
				return true;
	}
	return false;
}

/*
 * What a summary record says of how its run went, into f's reasons
 * (name: the file): inconclusive (each reason), poor capture health that
 * no reason says already (its reasons are --validate's alone), an input
 * not read in full (exit status 2); and into *flows the flow records it
 * wrote. NULL, or what is wrong.
 */
static const char *read_summary(json_t *o, const char *name,
				struct file_obs *f, long long *flows)
{
	json_t *inc = json_object_get(o, "inconclusive");
	json_t *health = json_object_get(o, "health");
	json_t *status = json_object_get(o, "exit_status");
	json_t *x;
	size_t i;

	if (!get_int(o, "flows", 0, LLONG_MAX, flows))
		return "summary record without a \"flows\" count";
	if (!json_is_array(inc))
		return "summary record without an \"inconclusive\" array";
	if (!json_is_integer(status))
		return "summary record without an \"exit_status\" number";
	if (!json_is_object(health) ||
	    !json_is_string(json_object_get(health, "status")))
		return "summary record without a \"health\" status";
	json_array_foreach(inc, i, x) {
		json_t *r = json_object_get(x, "reason");
		json_t *w = json_object_get(x, "why");

		if (!json_is_string(r) || !json_is_string(w))
			return "summary record with an \"inconclusive\" item "
			       "without its \"reason\" and \"why\"";
		partial(&f->st, "%s: its run was inconclusive (%s): %s", name,
			json_string_value(r), json_string_value(w));
	}
	if (!health_said(inc) &&
	    strcmp(json_string_value(json_object_get(health, "status")),
		   "ok") != 0) {
		x = json_object_get(health, "why");
		partial(&f->st, "%s: its run's capture health is poor: %s",
			name, json_is_string(x) ? json_string_value(x) :
			"no reason given");
	}
	if (json_integer_value(status) == 2)
		partial(&f->st, "%s: its run ended in error (exit status "
			"2): an input not read in full, or an output not "
			"written", name);
	return NULL;
}

/*
 * The next line of in into *buf (grown as needed, NUL-terminated, line
 * end kept), its length in *len: 1, or 0 at the end. -1 for a line
 * longer than ACL_RECORD_MAX, found as soon as that much is read (the
 * buffer never passes twice the bound), -2 out of memory, -3 for a NUL
 * byte, the last one read: a byte at a time, since fgets() cannot say
 * where a NUL is, and a file of them (/dev/zero) stops there. -4 for a
 * read error, its errno in *read_errno.
 */
static int read_line(FILE *in, char **buf, size_t *cap, size_t *len,
		     int *read_errno)
{
	int ch;

	*len = 0;
	while ((ch = getc_unlocked(in)) != EOF) {
		if (*cap - *len < 2) {
			size_t ncap = *cap ? *cap * 2 : 4096;
			char *n = realloc(*buf, ncap);

			if (!n)
				return -2;
			*buf = n;
			*cap = ncap;
		}
		(*buf)[(*len)++] = (char)ch;
		(*buf)[*len] = '\0';
		if (ch == '\0')
			return -3;
		if (ch == '\n')
			return *len > ACL_RECORD_MAX + 1 ? -1 : 1;
		if (*len > ACL_RECORD_MAX)
			return -1;
	}
	if (ferror(in)) {
		*read_errno = errno;
		return -4;
	}
	return *len > 0;
}

/* Strip the line end; false for a line of blanks only. */
static bool trim_line(char *line, size_t *len)
{
	size_t i;

	while (*len && (line[*len - 1] == '\n' || line[*len - 1] == '\r'))
		line[--*len] = '\0';
	for (i = 0; i < *len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return true;
	return false;
}

/*
 * One record o of file name into f and used: a flow record marks the row
 * it used and its run, a summary says how its run went; other records
 * (alerts, interim stats) say nothing of either. NULL, or what is wrong
 * (why holds it when it is built).
 */
static const char *take_record(const struct acl *a, const char *name,
			       json_t *o, struct file_obs *f, bool *used,
			       char *why, size_t n)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *bad, *id;
	struct acl_run *run;
	struct rec r;
	long row;
	long long counted = 0;
	int why_none;
	bool summary = strcmp(type, "summary") == 0;

	if (!summary && strcmp(type, "flow") != 0)
		return NULL;
	if (!get_run_id(o, &id))
		return "record whose \"run_id\" is not a string of a run id";
	if (summary && (bad = read_summary(o, name, f, &counted)) != NULL)
		return bad;
	if (!summary && (bad = parse_flow(o, &r, why, n)) != NULL)
		return bad;
	run = run_find(&f->run, &f->n_run, &f->cap_run, id, name);
	if (!run && f->n_run >= ACL_MAX_RUNS) {
		snprintf(why, n, "records of more than %u runs (run ids)",
			 ACL_MAX_RUNS);
		return why;
	}
	if (!run)
		return "out of memory";
	if (summary) {
		run->summary_file = name;
		run->flows_counted += counted;
		return NULL;
	}
	run->flows_read++;
	f->st.records++;
	if (!r.documented)
		return NULL;
	f->st.documented++;
	row = acl_flow_row(a, &r.fl, &why_none);
	if (row >= 0) {
		used[row] = true;
		f->st.used++;
	} else if (why_none == ACL_FLOW_NO_ROW) {
		f->st.no_row++;
	} else if (why_none == ACL_FLOW_LOOPBACK) {
		f->st.loopback++;
	} else {
		f->st.wrong_roles++;
	}
	return NULL;
}

/* File f's runs and reasons into a's (it read whole); -1, and nothing
   of f in a, past ACL_MAX_RUNS runs; -1 out of memory. */
static int merge_file(struct acl *a, const struct file_obs *f)
{
	struct acl_observed *st = &a->obs;
	size_t i, j, fresh = 0;
	uint64_t k;

	/* Room first, so that a file refused leaves nothing behind. */
	for (i = 0; i < f->n_run; i++) {
		for (j = 0; j < st->n_run; j++)
			if (strcmp(st->run[j].id, f->run[i].id) == 0)
				break;
		fresh += j == st->n_run;
	}
	if (st->n_run + fresh > ACL_MAX_RUNS)
		return -1;
	for (i = 0; i < f->n_run; i++) {
		struct acl_run *run = run_find(&st->run, &st->n_run,
					       &st->cap_run, f->run[i].id,
					       f->run[i].file);

		if (!run)
			return -1;
		if (f->run[i].summary_file)
			run->summary_file = f->run[i].summary_file;
		run->flows_read += f->run[i].flows_read;
		run->flows_counted += f->run[i].flows_counted;
	}
	for (k = 0; k < f->st.n_partial; k++)
		if (k < ACL_PARTIAL_KEEP)
			partial(st, "%s", f->st.partial[k]);
		else
			st->n_partial++;
	st->files++;
	st->records += f->st.records;
	st->documented += f->st.documented;
	st->used += f->st.used;
	st->no_row += f->st.no_row;
	st->wrong_roles += f->st.wrong_roles;
	st->loopback += f->st.loopback;
	return 0;
}

int acl_observe(struct acl *a, const char *name, FILE *in, FILE *err)
{
	size_t nrows = catalogue_count(a->cat);
	struct file_obs *f = calloc(1, sizeof(*f));
	bool *used = calloc(nrows ? nrows : 1, sizeof(*used));
	char *line = NULL, why[128];
	size_t cap = 0, len, i;
	uint32_t lineno = 0;
	int rc = -1, got, read_errno = 0;
	bool any = false;

	if (!used || !f) {
		tfile_error(err, name, "out of memory");
		goto out;
	}
	while ((got = read_line(in, &line, &cap, &len, &read_errno)) != 0) {
		struct tstr shown;
		json_error_t je;
		json_t *o;
		const char *bad;

		lineno++;
		/* In textfile_read()'s words, as every loader says it. */
		if (got == -4) {
			tfile_error(err, name, "cannot read: %s",
				    strerror(read_errno));
			goto out;
		}
		if (got == -2) {
			tfile_error(err, name, "out of memory");
			goto out;
		}
		if (got == -1) {
			shown.s = line;
			shown.n = 64;
			tline_error(err, name, lineno, shown,
				    "record longer than %u bytes", ACL_RECORD_MAX);
			goto out;
		}
		shown.s = line;
		shown.n = len;
		if (got == -3) {
			/* tline_check() names the NUL, as for every loader. */
			tline_check(name, lineno, shown, ACL_RECORD_MAX, err);
			goto out;
		}
		/* A byte-order mark, as tlines_init() skips it. */
		if (lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			len -= 3;
			memmove(line, line + 3, len + 1);
		}
		if (!trim_line(line, &len))
			continue;
		any = true;
		shown.n = len;
		o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
		if (!o) {
			tline_error(err, name, lineno, shown,
				    "not a JSON record: %s (column %d)", je.text,
				    je.column);
			goto out;
		}
		if (!json_is_object(o) ||
		    !json_is_string(json_object_get(o, "type"))) {
			json_decref(o);
			tline_error(err, name, lineno, shown, "not an impwatch "
				    "record: no \"type\" (write records with "
				    "--format json)");
			goto out;
		}
		bad = take_record(a, name, o, f, used, why, sizeof(why));
		json_decref(o);
		if (bad) {
			tline_error(err, name, lineno, shown, "%s", bad);
			goto out;
		}
	}
	/* Nothing at all is no impwatch output, which ends with its
	   summary: a wrong or unwritten file, as an empty inventory is. */
	if (!any) {
		tfile_error(err, name, "no records (write them with --format "
			    "json)");
		goto out;
	}
	/* All or nothing: the file counts only once it read whole. */
	if (merge_file(a, f) != 0) {
		if (a->obs.n_run + f->n_run > ACL_MAX_RUNS)
			tfile_error(err, name, "records of more than %u runs "
				    "(run ids) with the files before it",
				    ACL_MAX_RUNS);
		else
			tfile_error(err, name, "out of memory");
		goto out;
	}
	if (!a->used) {
		a->used = used;
		used = NULL;
	} else {
		for (i = 0; i < nrows; i++)
			a->used[i] = a->used[i] || used[i];
	}
	rc = 0;
out:
	if (f)
		free(f->run);
	free(f);
	free(line);
	free(used);
	return rc;
}

uint64_t acl_observe_end(struct acl *a)
{
	struct acl_observed *st = &a->obs;
	size_t i;

	for (i = 0; i < st->n_run; i++) {
		const struct acl_run *r = &st->run[i];
		const char *id = r->id[0] ? r->id : "(no run_id)";

		if (r->flows_read && !r->summary_file)
			partial(st, "%s: run %s has no summary record: cut "
				"short, or its other records are in a file "
				"not given", r->file, id);
		else if (r->flows_read < r->flows_counted)
			partial(st, "%s: run %s wrote %llu flow records, %llu "
				"of them read: give every file of the run",
				r->summary_file, id,
				(unsigned long long)r->flows_counted,
				(unsigned long long)r->flows_read);
	}
	/* Documented then, on a port no row here documents: the run had
	   rows this catalogue lacks (a site's --rules-add left out), whose
	   services would have no rule. */
	if (st->no_row)
		partial(st, "%llu documented flow%s on a port no row of this "
			"catalogue documents: its run had another catalogue "
			"(give acl the run's --rules and --rules-add)",
			(unsigned long long)st->no_row,
			st->no_row == 1 ? " is" : "s are");
	/* Least privilege from no evidence is a list that permits
	   nothing. */
	if (st->used == 0)
		partial(st, "no documented flow of the observed records used a "
			"row of this inventory: no rule permits anything");
	return st->n_partial;
}
