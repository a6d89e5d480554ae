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
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "decode.h"
#include "textfile.h"

/* What a flow record says, checked. */
struct rec {
	struct acl_flow fl;
	bool documented;
};

/* Text address into the inventory's form (IPv4 as ::ffff:a.b.c.d). */
static bool parse_ip(const char *s, struct ip_addr *a)
{
	uint8_t v4[4];

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, v4) == 1) {
		a->b[10] = a->b[11] = 0xff;
		memcpy(a->b + 12, v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, s, a->b) == 1;
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
	if (!json_is_string(x) || !parse_ip(json_string_value(x), &r->fl.cip))
		return "flow record without a \"client_ip\" address";
	x = json_object_get(o, "server_ip");
	if (!json_is_string(x) || !parse_ip(json_string_value(x), &r->fl.sip))
		return "flow record without a \"server_ip\" address";
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

int acl_observe(struct acl *a, const char *name, FILE *in, FILE *err)
{
	size_t nrows = catalogue_count(a->cat);
	struct acl_observed st;
	bool *used = calloc(nrows ? nrows : 1, sizeof(*used));
	char *line = NULL, why[128];
	size_t cap = 0, len, i;
	uint32_t lineno = 0;
	int rc = -1, got, read_errno = 0;
	bool any = false;

	memset(&st, 0, sizeof(st));
	if (!used) {
		tfile_error(err, name, "out of memory");
		return -1;
	}
	while ((got = read_line(in, &line, &cap, &len, &read_errno)) != 0) {
		struct tstr shown;
		json_error_t je;
		json_t *o, *type;
		struct rec r;
		const char *bad;
		long row;
		int why_none;

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
		type = json_object_get(o, "type");
		if (!json_is_object(o) || !json_is_string(type)) {
			json_decref(o);
			tline_error(err, name, lineno, shown, "not an impwatch "
				    "record: no \"type\" (write records with "
				    "--format json)");
			goto out;
		}
		/* Summaries, alerts and interim stats say nothing of rows. */
		if (strcmp(json_string_value(type), "flow") != 0) {
			json_decref(o);
			continue;
		}
		bad = parse_flow(o, &r, why, sizeof(why));
		if (bad) {
			json_decref(o);
			tline_error(err, name, lineno, shown, "%s", bad);
			goto out;
		}
		st.records++;
		if (r.documented) {
			st.documented++;
			row = acl_flow_row(a, &r.fl, &why_none);
			if (row >= 0) {
				used[row] = true;
				st.used++;
			} else if (why_none == ACL_FLOW_NO_ROW) {
				st.no_row++;
			} else {
				st.wrong_roles++;
			}
		}
		json_decref(o);
	}
	/* Nothing at all is no impwatch output, which ends with its
	   summary: a wrong or unwritten file, as an empty inventory is. */
	if (!any) {
		tfile_error(err, name, "no records (write them with --format "
			    "json)");
		goto out;
	}
	/* All or nothing: the file counts only once it read whole. */
	if (!a->used) {
		a->used = used;
		used = NULL;
	} else {
		for (i = 0; i < nrows; i++)
			a->used[i] = a->used[i] || used[i];
	}
	a->obs.files++;
	a->obs.records += st.records;
	a->obs.documented += st.documented;
	a->obs.used += st.used;
	a->obs.no_row += st.no_row;
	a->obs.wrong_roles += st.wrong_roles;
	rc = 0;
out:
	free(line);
	free(used);
	return rc;
}
