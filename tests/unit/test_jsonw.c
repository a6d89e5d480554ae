/*
 * test_jsonw.c: the JSON writer: commas and brackets from the nesting,
 * string escaping, numbers, and one write per record whatever its size.
 */
#define _GNU_SOURCE   /* fopencookie() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "connstate.h"
#include "flow.h"
#include "jsonw.h"
#include "report_int.h"
#include "runinfo.h"

/* A stream that keeps what is written and counts the write calls that
   reach it (unbuffered: one per fwrite()). */
struct sink {
	char *data;
	size_t len, cap;
	unsigned writes;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
	struct sink *s = cookie;

	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->data = realloc(s->data, s->cap);
		assert_non_null(s->data);
	}
	memcpy(s->data + s->len, buf, n);
	s->len += n;
	s->data[s->len] = '\0';
	s->writes++;
	return (ssize_t)n;
}

static FILE *sink_open(struct sink *s)
{
	cookie_io_functions_t io = { .write = sink_write };
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopencookie(s, "w", io);
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	return f;
}

/* Members, nested objects and arrays, empty ones: every comma where
   JSON wants one and nowhere else; the next record starts afresh. */
static void test_nesting(void **state)
{
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;

	(void)state;
	jw_init(&w, f);
	jw_obj(&w, NULL);
	jw_u64(&w, "a", 1);
	jw_arr(&w, "b");
	jw_u64(&w, NULL, 1);
	jw_u64(&w, NULL, 2);
	jw_obj(&w, NULL);
	jw_null(&w, "c");
	jw_arr(&w, "d");
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_obj(&w, "e");
	jw_obj_end(&w);
	jw_str_plain(&w, "f", "x");
	jw_str_plain(&w, "g", NULL);
	jw_bool(&w, "h", true);
	jw_obj_end(&w);
	jw_line(&w);
	jw_obj(&w, NULL);
	jw_str(&w, "type", "next");
	jw_obj_end(&w);
	jw_line(&w);
	assert_string_equal(s.data,
		"{\"a\":1,\"b\":[1,2,{\"c\":null,\"d\":[]}],\"e\":{},\"f\":\"x\","
		"\"g\":null,\"h\":true}\n{\"type\":\"next\"}\n");
	assert_int_equal(s.writes, 2);
	jw_free(&w);
	fclose(f);
	free(s.data);
}

static void test_numbers(void **state)
{
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;

	(void)state;
	jw_init(&w, f);
	jw_arr(&w, NULL);
	jw_u64(&w, NULL, 0);
	jw_u64(&w, NULL, UINT64_MAX);
	jw_i64(&w, NULL, -1);
	jw_i64(&w, NULL, INT64_MIN);
	jw_fixed(&w, NULL, 2.25, 1);
	jw_fixed(&w, NULL, 0.0, 1);
	jw_raw(&w, NULL, "0.5");
	jw_arr_end(&w);
	jw_line(&w);
	assert_string_equal(s.data, "[0,18446744073709551615,-1,"
			    "-9223372036854775808,2.2,0.0,0.5]\n");
	jw_free(&w);
	fclose(f);
	free(s.data);
}

/* n as jw_u64() writes it equals printf's %llu. */
static void check_u64(struct sink *s, struct jw *w, uint64_t n)
{
	char want[32];

	s->len = 0;
	jw_u64(w, NULL, n);
	jw_line(w);
	snprintf(want, sizeof(want), "%llu\n", (unsigned long long)n);
	assert_string_equal(s->data, want);
}

/* Numbers of every length, at each edge (10^k - 1, 10^k, 10^k + 1),
   every power of two and the largest. */
static void test_u64_every_length(void **state)
{
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;
	uint64_t p = 1;
	int k;

	(void)state;
	jw_init(&w, f);
	for (k = 0; k <= 19; k++, p *= 10) {
		check_u64(&s, &w, p - 1);
		check_u64(&s, &w, p);
		check_u64(&s, &w, p + 1);
	}
	for (k = 0; k < 64; k++)
		check_u64(&s, &w, (uint64_t)1 << k);
	check_u64(&s, &w, UINT64_MAX - 1);
	check_u64(&s, &w, UINT64_MAX);
	/* Every pair of digits (util.h's table) in each of two places. */
	for (p = 0; p < 10000; p++)
		check_u64(&s, &w, p);
	jw_free(&w);
	fclose(f);
	free(s.data);
}

/* Microseconds as seconds: what "%.6f" of us / 1e6 writes, digit for
   digit, from 0 to the largest 64-bit count. */
static void test_seconds_us(void **state)
{
	static const uint64_t us[] = {
		0, 1, 999999, 1000000, 1000001, 12345678, 86400000000ull,
		1767225600123456ull, 9007199254740991ull, UINT64_MAX,
	};
	char want[64], got[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		struct sink s;
		FILE *f = sink_open(&s);
		struct jw w;

		jw_init(&w, f);
		jw_seconds_us(&w, NULL, us[i]);
		jw_line(&w);
		snprintf(got, sizeof(got), "%s", s.data);
		/* The exact decimal is what is wanted; printf's agrees as
		   long as a double divides exactly enough (to some 60
		   years: past it, the old way was off by a microsecond). */
		snprintf(want, sizeof(want), "%llu.%06llu\n",
			 (unsigned long long)(us[i] / 1000000u),
			 (unsigned long long)(us[i] % 1000000u));
		assert_string_equal(got, want);
		if (us[i] <= 2000000000000000ull) {
			snprintf(want, sizeof(want), "%.6f\n",
				 (double)us[i] / 1e6);
			assert_string_equal(got, want);
		}
		jw_free(&w);
		fclose(f);
		free(s.data);
	}
}

/* RFC 8259 escaping; invalid UTF-8 becomes U+FFFD; jw_strn takes a
   slice. */
/* A record built again to fit a line (str_cut): each string's JSON
   text is cut at the last whole character that fits, never inside an
   escape or a UTF-8 sequence, and is escaped as without a cut. */
static void test_strings_cut(void **state)
{
	static const struct {
		size_t cut;
		const char *in, *out;
	} cases[] = {
		{ 5, "plain", "\"plain\"\n" },
		{ 4, "plain", "\"plai\"\n" },
		{ 7, "ab\x01" "cd", "\"ab\"\n" },
		{ 8, "ab\x01" "cd", "\"ab\\u0001\"\n" },
		{ 3, "a\xc3\xa9" "b", "\"a\xc3\xa9\"\n" },
		{ 2, "a\xc3\xa9" "b", "\"a\"\n" },
		{ 6, "\xff\xff", "\"\\ufffd\"\n" },
		{ 3, "q\"b", "\"q\\\"\"\n" },
		{ 2, "q\"b", "\"q\"\n" },
		{ 7, "a\xe2\x80\xae" "b", "\"a\\u202e\"\n" },
		{ 6, "a\xe2\x80\xae" "b", "\"a\"\n" },
	};
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;
	size_t i;

	(void)state;
	jw_init(&w, f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.len = 0;
		w.str_cut = cases[i].cut;
		jw_str(&w, NULL, cases[i].in);
		jw_line(&w);
		assert_string_equal(s.data, cases[i].out);
	}
	jw_free(&w);
	fclose(f);
	free(s.data);
}

static void test_strings(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "\"plain\"\n" },
		{ "", "\"\"\n" },
		{ "q\"b\\n\nr\rt\t", "\"q\\\"b\\\\n\\nr\\rt\\t\"\n" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"\n" },
		{ "caf\xc3\xa9 \xe3\x83\x9d\xe3\x83\xbc\xe3\x83\x88", "\"caf\xc3\xa9 \xe3\x83\x9d\xe3\x83\xbc\xe3\x83\x88\"\n" },
		{ "bad \xff end", "\"bad \\ufffd end\"\n" },
		{ "cut \xe3\x83", "\"cut \\ufffd\\ufffd\"\n" },
		{ "surrogate \xed\xa0\x80", "\"surrogate \\ufffd\\ufffd\\ufffd\"\n" },
		/* What text_unsafe() names, as \uXXXX: a name that turns
		   the line around, breaks it or hides in it, the same
		   string to a JSON reader; the joiners are text. */
		{ "x\xe2\x80\xae" "gpj.exe", "\"x\\u202egpj.exe\"\n" },
		{ "\xe2\x81\xa6" "a\xe2\x81\xa9\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f",
		  "\"\\u2066a\\u2069\\u061c\\u200e\\u200f\"\n" },
		{ "l\xe2\x80\xa8p\xe2\x80\xa9n\xc2\x85" "c\xc2\x9b",
		  "\"l\\u2028p\\u2029n\\u0085c\\u009b\"\n" },
		{ "z\xe2\x80\x8bw\xe2\x81\xa0" "b\xef\xbb\xbf",
		  "\"z\\u200bw\\u2060b\\ufeff\"\n" },
		{ "j\xe2\x80\x8c\xe2\x80\x8d\xc2\xa0", "\"j\xe2\x80\x8c\xe2\x80\x8d\xc2\xa0\"\n" },
	};
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;
	size_t i;

	(void)state;
	jw_init(&w, f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.len = 0;
		jw_str(&w, NULL, cases[i].in);
		jw_line(&w);
		assert_string_equal(s.data, cases[i].out);
	}
	s.len = 0;
	jw_strn(&w, NULL, "TLS,HTTP", 3);
	jw_line(&w);
	assert_string_equal(s.data, "\"TLS\"\n");
	s.len = 0;
	jw_str(&w, NULL, NULL);
	jw_line(&w);
	assert_string_equal(s.data, "null\n");
	jw_free(&w);
	fclose(f);
	free(s.data);
}

/* What the writer makes of byte c inside a string, at want: RFC 8259's
   two-character escapes, \u00XX for the other controls and DEL, U+FFFD
   for a lone byte from 0x80 up (not UTF-8), else c itself. Returns the
   bytes written. */
static size_t want_byte(char *want, int c)
{
	static const char hex[] = "0123456789abcdef";
	size_t m = 0;

	if (c == '"' || c == '\\') {
		want[m++] = '\\';
		want[m++] = (char)c;
	} else if (c == '\n' || c == '\r' || c == '\t') {
		want[m++] = '\\';
		want[m++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
	} else if (c < 0x20 || c == 0x7f) {
		memcpy(want + m, "\\u00", 4);
		m += 4;
		want[m++] = hex[c >> 4];
		want[m++] = hex[c & 15];
	} else if (c >= 0x80) {
		memcpy(want + m, "\\ufffd", 6);
		m += 6;
	} else {
		want[m++] = (char)c;
	}
	return m;
}

/* Every ASCII byte, in runs and alone between others, escaped as RFC
   8259 says: printable ones but " and \ as they are (written a run at
   a time), the rest escaped. */
static void test_strings_every_ascii(void **state)
{
	char in[3 * 127 + 1], want[8 * 3 * 127 + 4];
	size_t n = 0, m = 0;
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;
	int c, k;

	(void)state;
	want[m++] = '"';
	for (c = 1; c < 128; c++) {
		for (k = 0; k < 3; k++) {
			/* 'a', then c twice */
			in[n++] = (char)(k == 0 ? 'a' : c);
			if (k == 0) {
				want[m++] = 'a';
				continue;
			}
			m += want_byte(want + m, c);
		}
	}
	in[n] = '\0';
	want[m++] = '"';
	want[m++] = '\n';
	want[m] = '\0';
	jw_init(&w, f);
	jw_str(&w, NULL, in);
	jw_line(&w);
	assert_string_equal(s.data, want);
	jw_free(&w);
	fclose(f);
	free(s.data);
}

/* Every byte value alone at every place of a printable run longer than
   the 8 bytes the writer scans at a time: as the byte-by-byte rules say
   (a lone byte from 0x80 up is not UTF-8: U+FFFD). */
static void test_strings_every_byte_every_place(void **state)
{
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;
	int c, at;

	(void)state;
	jw_init(&w, f);
	for (c = 1; c < 256; c++) {
		for (at = 0; at < 24; at++) {
			char in[25], want[64];
			size_t m = 0;

			memset(in, 'a', 24);
			in[24] = '\0';
			in[at] = (char)c;
			want[m++] = '"';
			memset(want + m, 'a', (size_t)at);
			m += (size_t)at;
			m += want_byte(want + m, c);
			memset(want + m, 'a', (size_t)(23 - at));
			m += (size_t)(23 - at);
			want[m++] = '"';
			want[m++] = '\n';
			want[m] = '\0';
			s.len = 0;
			jw_str(&w, NULL, in);
			jw_line(&w);
			if (strcmp(s.data, want) != 0)
				fail_msg("byte 0x%02x at %d: %s, want %s", c, at,
					 s.data, want);
		}
	}
	jw_free(&w);
	fclose(f);
	free(s.data);
}

/* A record many times the first buffer is still one write. */
static void test_large_record(void **state)
{
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;
	size_t i, n = 20 * JW_START;

	(void)state;
	jw_init(&w, f);
	jw_arr(&w, NULL);
	for (i = 0; i < n; i++)
		jw_u64(&w, NULL, i % 10);
	jw_arr_end(&w);
	jw_line(&w);
	assert_int_equal(s.writes, 1);
	assert_int_equal(s.len, 2 * n + 2);
	assert_int_equal(s.data[0], '[');
	assert_memory_equal(s.data + s.len - 3, "9]\n", 3);
	jw_free(&w);
	fclose(f);
	free(s.data);
}

/* Back to a mark, the record goes on as if nothing had been written
   since: its commas included. A mark from before text spilled out
   (out of memory) cannot be gone back to. */
static void test_rewind(void **state)
{
	struct sink s;
	FILE *f = sink_open(&s);
	struct jw w;
	struct jw_mark m;

	(void)state;
	jw_init(&w, f);
	jw_obj(&w, NULL);
	jw_arr(&w, "a");
	jw_u64(&w, NULL, 1);
	m = jw_mark(&w);
	assert_int_equal(jw_len(&w), strlen("{\"a\":[1"));
	jw_u64(&w, NULL, 2);
	jw_arr_end(&w);
	jw_str(&w, "x", "long");
	assert_true(jw_rewind(&w, &m));
	assert_int_equal(jw_len(&w), strlen("{\"a\":[1"));
	jw_u64(&w, NULL, 3);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_line(&w);
	assert_string_equal(s.data, "{\"a\":[1,3]}\n");

	jw_obj(&w, NULL);
	m = jw_mark(&w);
	w.spills++;   /* as jw_grow() does when it writes out early */
	jw_u64(&w, "n", 1);
	assert_false(jw_rewind(&w, &m));
	jw_obj_end(&w);
	jw_line(&w);
	jw_free(&w);
	fclose(f);
	free(s.data);
}

/* The room a run asks for: given, or refused as when the record cannot
   grow (out of memory). Replaces jsonw.c's weak definition. */
static bool refuse_room;

bool jw_run_room(struct jw *w, size_t n)
{
	return !refuse_room && jw_grow(w, n);
}

/* A record with two runs, one after a member and one opening a nested
   object, and members around them: the text the member-by-member
   calls write for the same fields. */
static void write_runs(struct jw *w)
{
	struct jw_run run;
	char *p;

	jw_obj(w, NULL);
	jw_str(w, "s", "a\"b");
	p = jw_run_begin(w, &run);
	p = jw_put_u64(JW_PUT(p, "\"n\":"), 0);
	p = jw_put_u64(JW_PUT(p, ",\"m\":"), UINT64_MAX);
	p = jw_put_plain(JW_PUT(p, ",\"t\":"), "x y");
	p = jw_put_plain(JW_PUT(p, ",\"u\":"), NULL);
	jw_run_end(w, &run, p);
	jw_u64(w, "after", 7);
	jw_obj(w, "o");
	p = jw_run_begin(w, &run);
	p = jw_put_u64(JW_PUT(p, "\"k\":"), 12345);
	jw_run_end(w, &run, p);
	jw_null(w, "z");
	jw_obj_end(w);
	jw_obj_end(w);
	jw_line(w);
}

static const char runs_want[] =
	"{\"s\":\"a\\\"b\",\"n\":0,\"m\":18446744073709551615,\"t\":\"x y\","
	"\"u\":null,\"after\":7,\"o\":{\"k\":12345,\"z\":null}}\n";

/* A run writes what the member calls would, its commas included,
   whether it goes straight into the record or, when the record cannot
   grow, through its spare buffer. */
static void test_runs(void **state)
{
	int refuse;

	(void)state;
	for (refuse = 0; refuse <= 1; refuse++) {
		struct sink s;
		FILE *f = sink_open(&s);
		struct jw w;

		jw_init(&w, f);
		refuse_room = refuse;
		write_runs(&w);
		write_runs(&w);
		refuse_room = false;
		assert_non_null(s.data);
		assert_int_equal(s.len, 2 * strlen(runs_want));
		assert_memory_equal(s.data, runs_want, strlen(runs_want));
		assert_memory_equal(s.data + strlen(runs_want), runs_want,
				    strlen(runs_want));
		jw_free(&w);
		fclose(f);
		free(s.data);
	}
}

/* v as jw_put_u64() writes it: what "%llu" writes, and nothing past
   the 20 bytes it may take. */
static void check_put_u64(uint64_t v)
{
	char got[48], want[24];
	char *e;
	size_t i;

	memset(got, 0x55, sizeof(got));
	e = jw_put_u64(got, v);
	snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
	assert_int_equal(e - got, strlen(want));
	assert_memory_equal(got, want, strlen(want));
	for (i = 20; i < sizeof(got); i++)
		assert_int_equal(got[i], 0x55);
}

/* jw_put_u64() writes what jw_u64() does, at every length: each edge
   of its ways (one digit, two, 32 bits, 64) and of every length. */
static void test_put_u64(void **state)
{
	uint64_t v = 1, p = 1;
	int i;

	(void)state;
	for (i = 0; i < 64; i++, v = v * 3 + (uint64_t)i)
		check_put_u64(v);
	for (i = 0; i <= 19; i++, p *= 10) {
		check_put_u64(p - 1);
		check_put_u64(p);
		check_put_u64(p + 1);
	}
	/* Every number of up to 6 digits; then numbers of every bit
	   length, each digit block (jw_put_u64_long()) with and without
	   leading zeros. */
	for (v = 0; v < 1000000; v++)
		check_put_u64(v);
	for (i = 0, v = 0x9e3779b97f4a7c15u; i < 200000; i++) {
		v ^= v << 13;
		v ^= v >> 7;
		v ^= v << 17;
		check_put_u64(v >> (i % 64));
	}
	check_put_u64(UINT32_MAX - 1);
	check_put_u64(UINT32_MAX);
	check_put_u64((uint64_t)UINT32_MAX + 1);
	check_put_u64((uint64_t)UINT32_MAX * 100 + 99);
	check_put_u64(UINT64_MAX - 1);
	check_put_u64(UINT64_MAX);
}

/* A number at the end of the record's buffer, with less room than the
   longest number takes: written whole, the buffer grown, as anywhere. */
static void test_u64_buffer_end(void **state)
{
	static const uint64_t vals[] = { 0, 7, 42, 100, 65535, UINT32_MAX,
					 UINT64_MAX };
	char fill[JW_START];
	size_t n, i;

	(void)state;
	memset(fill, 'x', sizeof(fill));
	for (n = JW_START - 24; n <= JW_START; n++) {
		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			char want[24];
			struct jw w;
			size_t k;

			jw_init(&w, NULL);
			jw_write(&w, fill, n);
			jw_u64_val(&w, vals[i]);
			k = (size_t)snprintf(want, sizeof(want), "%llu",
					     (unsigned long long)vals[i]);
			assert_int_equal(w.n, n + k);
			assert_memory_equal(w.b + n, want, k);
			jw_free(&w);
		}
	}
}

/* The names a flow record writes in a run (report_json.c) are under 32
   bytes each, as its bound on the run counts them; and need no
   escaping, as jw_put_plain() writes them. */
static void check_name(const char *name)
{
	const char *c;

	assert_non_null(name);
	assert_true(strlen(name) < 32);
	for (c = name; *c; c++)
		assert_true(*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\');
}

static void test_run_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i <= END_COUNT; i++)
		check_name(end_reason_name((enum end_reason)i));
	for (i = 0; i <= BASIS_COUNT; i++)
		check_name(dir_basis_name((enum dir_basis)i));
	for (i = 0; i <= CS_COUNT; i++)
		check_name(conn_state_name((enum conn_state)i));
	for (i = 0; i < V_COUNT; i++)
		check_name(verdict_name((enum verdict)i));
	/* Tunnels: none is null. */
	for (i = TUN_NONE + 1; i < TUN_COUNT; i++)
		check_name(tunnel_name((enum tunnel_kind)i));
	assert_null(tunnel_name(TUN_NONE));
	assert_null(tunnel_name(TUN_COUNT));
}

/* report_json_text(): a string made once is what jw_str() writes of it
   each time (quoted, escaped; null for NULL), however long. */
static void test_json_text(void **state)
{
	static const char *const strs[] = {
		NULL, "", "a", "sip-proxy-tls", "rules/imp.conf (built in)",
		"we\"ird\\", "\t\n\r\b\f\x01\x1f\x7f", "\xc3\xbc\xe2\x82\xac",
		"/etc/impwatch/site \"rules\".conf",
		"\xe2\x80\xae\xe2\x80\xae\xc2\x85",
	};
	char big[6001];
	struct jw w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)(i % 3 ? 'x' + i % 2 : (i % 7 ? '"' : 1));
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i <= sizeof(strs) / sizeof(strs[0]); i++) {
		const char *s = i < sizeof(strs) / sizeof(strs[0]) ? strs[i] : big;
		char *t = report_json_text(s);

		jw_init(&w, NULL);
		jw_str(&w, NULL, s);
		assert_non_null(t);
		assert_int_equal(strlen(t), w.n);
		assert_memory_equal(t, w.b, w.n);
		jw_free(&w);
		free(t);
	}
}

/* report_json_run(): what names the run, made once, is what a record
   writes member by member after its time: each member with its comma,
   the sensor and interface escaped, no interface reading files. */
static void test_json_run(void **state)
{
	struct run_info run;
	struct json_text t;
	char big[3001], *esc;
	struct jw w;
	size_t i;

	(void)state;
	memset(&run, 0, sizeof(run));
	snprintf(run.run_id, sizeof(run.run_id), "0123456789abcdef");
	run.sensor = "tap \"1\"";
	t = report_json_run(&run);
	assert_non_null(t.s);
	assert_string_equal(t.s,
			    ",\"run_id\":\"0123456789abcdef\",\"sensor\":\"tap \\\"1\\\"\"");
	assert_int_equal(t.n, strlen(t.s));
	free(t.s);
	run.interface = "eth0,eth1";
	t = report_json_run(&run);
	assert_non_null(t.s);
	assert_string_equal(t.s,
			    ",\"run_id\":\"0123456789abcdef\",\"sensor\":\"tap \\\"1\\\"\""
			    ",\"interface\":\"eth0,eth1\"");
	free(t.s);
	/* Every byte escaped at its longest: the room made first holds
	   it all (no stream to spill to). */
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)(i % 2 ? 1 : 0x1f);
	big[sizeof(big) - 1] = '\0';
	run.sensor = big;
	run.interface = big;
	t = report_json_run(&run);
	assert_non_null(t.s);
	esc = report_json_text(big);
	assert_non_null(esc);
	jw_init(&w, NULL);
	jw_write(&w, ",\"run_id\":\"0123456789abcdef\",\"sensor\":", 38);
	jw_write(&w, esc, strlen(esc));
	jw_write(&w, ",\"interface\":", 13);
	jw_write(&w, esc, strlen(esc));
	assert_int_equal(t.n, w.n);
	assert_memory_equal(t.s, w.b, w.n);
	jw_free(&w);
	free(esc);
	free(t.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_text),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_u64_every_length),
		cmocka_unit_test(test_seconds_us),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_strings_cut),
		cmocka_unit_test(test_strings_every_ascii),
		cmocka_unit_test(test_strings_every_byte_every_place),
		cmocka_unit_test(test_large_record),
		cmocka_unit_test(test_rewind),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_put_u64),
		cmocka_unit_test(test_u64_buffer_end),
		cmocka_unit_test(test_json_run),
		cmocka_unit_test(test_run_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
