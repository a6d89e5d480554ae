/*
 * jsonw.h: JSON text built in memory, written one record at a time.
 *
 * Every JSON impwatch writes (records, alerts, stats, the summary, the
 * catalogue) goes through this writer. It keeps the nesting (objects and
 * arrays, JW_DEPTH levels) and whether each level has a member yet, so
 * no caller writes a comma or a closing bracket by hand. A record is
 * built in a buffer that grows as it needs and is kept between records
 * (the steady state allocates nothing), then handed to stdio with one
 * fwrite(): fprintf's format parsing and stdio's locking are paid once
 * per record, and a record is one write whatever its size.
 *
 * Out of memory, the buffer is written out early and the record goes on
 * from empty: the output is whole, in more than one write. Write errors
 * show on the FILE, as with any stdio call.
 *
 * Keys are the caller's literals and are written as given (no escaping);
 * string values are escaped (RFC 8259, and what textfile.h's
 * text_unsafe() names as \uXXXX) unless written with jw_str_plain(). Inside an object every member has a key; inside an
 * array, and for the record itself, the key is NULL.
 */
#ifndef IMPWATCH_JSONW_H
#define IMPWATCH_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define JW_DEPTH 31     /* levels whose commas are tracked */
#define JW_START 4096   /* the buffer's first size */

struct jw {
	FILE *out;          /* where jw_line() writes */
	char *b;            /* the record so far; NULL until the first byte */
	size_t n, cap;
	unsigned depth;     /* 0: between records */
	uint32_t has;       /* bit d: level d has a member already */
	uint32_t spills;    /* times text went out before jw_line() */
	size_t str_cut;     /* 0, or the most bytes of escaped text a
	                       string value is given, cut at a character:
	                       a record built again to fit a line */
};

/* A point in the record being built, to come back to (jw_rewind()):
   how a writer keeps a record under a size. */
struct jw_mark {
	size_t n;
	unsigned depth;
	uint32_t has, spills;
};

/* An empty writer onto out (may be NULL until the first jw_line()). */
void jw_init(struct jw *w, FILE *out);
void jw_free(struct jw *w);

/* Where records go from the next one on (a reopened file). */
static inline void jw_set_out(struct jw *w, FILE *out)
{
	w->out = out;
}

/* Room for n more bytes: false when there is none even after writing
   the buffer out early (then the bytes are written straight through). */
bool jw_grow(struct jw *w, size_t n);
void jw_write(struct jw *w, const void *p, size_t n);

static inline void jw_puts(struct jw *w, const char *s)
{
	size_t n = strlen(s);

	if (n <= w->cap - w->n || jw_grow(w, n)) {
		memcpy(w->b + w->n, s, n);
		w->n += n;
	} else {
		jw_write(w, s, n);
	}
}

static inline void jw_putc(struct jw *w, char c)
{
	if (w->n < w->cap || jw_grow(w, 1))
		w->b[w->n++] = c;
	else
		jw_write(w, &c, 1);
}

/* A key's length (0 for NULL): inline, so that a literal key's is known
   when compiling. Each writer of a member below is an inline call that
   passes it (as klen) to the function that writes the member. */
static inline size_t jw_klen(const char *key)
{
	return key ? strlen(key) : 0;
}

/* The separator before a member, and its key of k bytes: room for all
   of it is made once. */
static inline void jw_key_n(struct jw *w, const char *key, size_t k)
{
	uint32_t bit = w->depth <= JW_DEPTH ? UINT32_C(1) << w->depth : 0;
	char *p;

	if (k + 4 > w->cap - w->n && !jw_grow(w, k + 4)) {
		if (w->has & bit)
			jw_write(w, ",", 1);
		w->has |= bit;
		if (key) {
			jw_write(w, "\"", 1);
			jw_write(w, key, k);
			jw_write(w, "\":", 2);
		}
		return;
	}
	p = w->b + w->n;
	if (w->has & bit)
		*p++ = ',';
	w->has |= bit;
	if (key) {
		*p++ = '"';
		memcpy(p, key, k);
		p += k;
		*p++ = '"';
		*p++ = ':';
	}
	w->n = (size_t)(p - w->b);
}

static inline void jw_key(struct jw *w, const char *key)
{
	jw_key_n(w, key, jw_klen(key));
}

/* { and }, [ and ]: key is the member's (NULL in an array). */
void jw_obj_k(struct jw *w, const char *key, size_t klen);
void jw_arr_k(struct jw *w, const char *key, size_t klen);
void jw_obj_end(struct jw *w);
void jw_arr_end(struct jw *w);

static inline void jw_obj(struct jw *w, const char *key)
{
	jw_obj_k(w, key, jw_klen(key));
}

static inline void jw_arr(struct jw *w, const char *key)
{
	jw_arr_k(w, key, jw_klen(key));
}

/* A string, escaped; null for NULL. */
void jw_str_k(struct jw *w, const char *key, size_t klen, const char *s);
/* The first len bytes of s, escaped. */
void jw_strn_k(struct jw *w, const char *key, size_t klen, const char *s,
	       size_t len);

static inline void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_str_k(w, key, jw_klen(key), s);
}

static inline void jw_strn(struct jw *w, const char *key, const char *s,
			   size_t len)
{
	jw_strn_k(w, key, jw_klen(key), s, len);
}
/* A string the caller knows needs no escaping (a time, an address, a
   name from a fixed table); null for NULL. Its key is written inline,
   where a literal's length is known, as jw_u64()'s; the value by
   jw_plain_val(). */
void jw_plain_val(struct jw *w, const char *s);

static inline void jw_str_plain(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_plain_val(w, s);
}

/* A number without its key (jw_u64() writes the key inline first). */
void jw_u64_val(struct jw *w, uint64_t v);

static inline void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64_val(w, v);
}

/* A value written as given: a number the caller formatted. */
void jw_raw_k(struct jw *w, const char *key, size_t klen, const char *text);
void jw_bool_k(struct jw *w, const char *key, size_t klen, bool v);
void jw_null_k(struct jw *w, const char *key, size_t klen);

static inline void jw_raw(struct jw *w, const char *key, const char *text)
{
	jw_raw_k(w, key, jw_klen(key), text);
}

static inline void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_bool_k(w, key, jw_klen(key), v);
}

static inline void jw_null(struct jw *w, const char *key)
{
	jw_null_k(w, key, jw_klen(key));
}

void jw_i64(struct jw *w, const char *key, int64_t v);
/* v with `decimals` digits after the point ("%.1f"). */
void jw_fixed(struct jw *w, const char *key, double v, int decimals);

/* us microseconds as seconds with six decimals, as jw_fixed(w, key,
   us / 1e6, 6) writes them, without printf's floating point. */
void jw_seconds_k(struct jw *w, const char *key, size_t klen, uint64_t us);

static inline void jw_seconds_us(struct jw *w, const char *key, uint64_t us)
{
	jw_seconds_k(w, key, jw_klen(key), us);
}

/*
 * A run of members written straight into the record through a pointer,
 * for fields whose size has a bound: the member-by-member calls above
 * each check for room, test the level's comma and find a string's
 * length; a record's fixed fields (numbers, times, addresses, names
 * from a table) need none of that but once.
 *
 *   struct jw_run run;
 *   char *p = jw_run_begin(w, &run);    room for JW_RUN_MAX bytes, after
 *                                       the comma the level needs
 *   p = JW_PUT(p, "\"a\":");             the first member's key
 *   p = jw_put_u64(p, 1);
 *   p = JW_PUT(p, ",\"b\":");            a later one's, comma first
 *   p = jw_put_plain(p, "x");
 *   jw_run_end(w, &run, p);
 *
 * The caller keeps what a run writes under JW_RUN_MAX bytes. Where the
 * record cannot grow (out of memory), the run is written in run.spare
 * and copied as jw_write() copies; the output is the same.
 */
#define JW_RUN_MAX 1024

struct jw_run {
	char *start;        /* where the run began: the record or spare */
	char spare[JW_RUN_MAX];
};

bool jw_run_room(struct jw *w, size_t n);

static inline char *jw_run_begin(struct jw *w, struct jw_run *run)
{
	uint32_t bit = w->depth <= JW_DEPTH ? UINT32_C(1) << w->depth : 0;
	char *p;

	if (JW_RUN_MAX <= w->cap - w->n || jw_run_room(w, JW_RUN_MAX))
		p = w->b + w->n;
	else
		p = run->spare;
	run->start = p;
	if (w->has & bit)
		*p++ = ',';
	return p;
}

static inline void jw_run_end(struct jw *w, struct jw_run *run, char *p)
{
	if (run->start == run->spare)
		jw_write(w, run->spare, (size_t)(p - run->spare));
	else
		w->n = (size_t)(p - w->b);
	if (w->depth <= JW_DEPTH)
		w->has |= UINT32_C(1) << w->depth;
}

/* Literal text (a key with its quotes and colon, a comma before it but
   in a run's first member): its length known when compiling. */
#define JW_PUT(p, lit) ((char *)memcpy((p), lit, sizeof(lit) - 1) + sizeof(lit) - 1)

/* v (100 or more) in decimal at p; returns the end of its digits.
   Writes in 8-byte stores, up to 7 bytes past its digits and never past
   p + 20 (what follows writes over them): p has room for 20. The only
   writer of numbers of 3 digits or more (jw_put_u64()). */
char *jw_put_u64_long(char *p, uint64_t v);

/* v in decimal at p; returns the end. p has room for 20 bytes (which
   a number of 3 digits or more may take, jw_put_u64_long()). Inline: most
   of a record's numbers (packets, DSCPs, table numbers) have one or two
   digits, written here without a call. */
static inline char *jw_put_u64(char *p, uint64_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	if (v < 100) {
		put_dec2(p, (unsigned)v);
		return p + 2;
	}
	return jw_put_u64_long(p, v);
}

/* us microseconds as seconds with six decimals at p, as jw_seconds_us()
   writes them; returns the end (at most 27 bytes). */
char *jw_put_seconds_us(char *p, uint64_t us);

/* s between quotes, as jw_plain_val() writes it (null for NULL); the
   caller counts its length in the run's bound. */
static inline char *jw_put_plain(char *p, const char *s)
{
	size_t n;

	if (!s)
		return JW_PUT(p, "null");
	n = strlen(s);
	*p++ = '"';
	memcpy(p, s, n);
	p += n;
	*p++ = '"';
	return p;
}

/* Bytes of the record built so far (its line's length without the
   newline, unless it spilled out early). */
static inline size_t jw_len(const struct jw *w)
{
	return w->n;
}

static inline struct jw_mark jw_mark(const struct jw *w)
{
	struct jw_mark m = { w->n, w->depth, w->has, w->spills };

	return m;
}

/* Back to mark m, as if nothing had been written since: false (nothing
   changed) when some of it already went out (out of memory). */
bool jw_rewind(struct jw *w, const struct jw_mark *m);

/* End the record with a newline, write it in one fwrite() and start
   the next from empty. */
void jw_line(struct jw *w);

#endif
