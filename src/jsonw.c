/*
 * jsonw.c: the JSON writer (the contract is in jsonw.h).
 */
#include "jsonw.h"

#include <stdlib.h>

#include "textfile.h"
#include "util.h"

void jw_init(struct jw *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

void jw_free(struct jw *w)
{
	free(w->b);
	w->b = NULL;
	w->n = w->cap = 0;
}

bool jw_grow(struct jw *w, size_t n)
{
	size_t cap = w->cap ? w->cap : JW_START;
	char *b;

	if (n <= w->cap - w->n)
		return true;
	while (cap - w->n < n && cap <= SIZE_MAX / 2)
		cap *= 2;
	if (cap - w->n >= n && (b = realloc(w->b, cap)) != NULL) {
		w->b = b;
		w->cap = cap;
		return true;
	}
	/* Out of memory: what is built goes out now, and the record goes
	   on from an empty buffer. */
	if (w->n && w->out) {
		fwrite(w->b, 1, w->n, w->out);
		w->n = 0;
		w->spills++;
	}
	return n <= w->cap - w->n;
}

bool jw_rewind(struct jw *w, const struct jw_mark *m)
{
	if (m->spills != w->spills || m->n > w->n)
		return false;
	w->n = m->n;
	w->depth = m->depth;
	w->has = m->has;
	return true;
}

void jw_write(struct jw *w, const void *p, size_t n)
{
	if (n <= w->cap - w->n || jw_grow(w, n)) {
		memcpy(w->b + w->n, p, n);
		w->n += n;
	} else if (w->out) {
		fwrite(p, 1, n, w->out);
		w->spills++;
	}
}

/* Open a level: its first member will have no comma before it. */
static void open_level(struct jw *w, const char *key, size_t klen, char c)
{
	jw_key_n(w, key, klen);
	jw_putc(w, c);
	w->depth++;
	if (w->depth <= JW_DEPTH)
		w->has &= ~(UINT32_C(1) << w->depth);
}

static void close_level(struct jw *w, char c)
{
	jw_putc(w, c);
	if (w->depth)
		w->depth--;
}

void jw_obj_k(struct jw *w, const char *key, size_t klen)
{
	open_level(w, key, klen, '{');
}

void jw_obj_end(struct jw *w)
{
	close_level(w, '}');
}

void jw_arr_k(struct jw *w, const char *key, size_t klen)
{
	open_level(w, key, klen, '[');
}

void jw_arr_end(struct jw *w)
{
	close_level(w, ']');
}

/* True when the 8 bytes at q are all printable ASCII other than " and
   \ (0x20 to 0x7e): a word at a time, with the tests of Anderson's "Bit
   Twiddling Hacks" for a byte below n (n <= 0x80) and for a zero byte
   (x ^ c has one where x has c). Each is exact as to whether some byte
   matches, which is all that is asked. */
static inline bool plain8(const unsigned char *q)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t high = UINT64_C(0x8080808080808080);
	uint64_t x, quote, bslash, del;

	memcpy(&x, q, 8);
	quote = x ^ (ones * '"');
	bslash = x ^ (ones * '\\');
	del = x ^ (ones * 0x7f);
	return ((x & high) |                       /* 0x80 and up */
		((x - ones * 0x20) & ~x & high) |  /* below 0x20 */
		((quote - ones) & ~quote & high) |
		((bslash - ones) & ~bslash & high) |
		((del - ones) & ~del & high)) == 0;
}

/* The escaped text of the character at p (n bytes left), as
   put_escaped() writes it, into out; its length. *used: the bytes of s
   it stands for. */
static size_t escape_one(const unsigned char *p, size_t n, char out[8],
			 size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = utf8_seq_len(p, n);

	*used = k ? k : 1;
	if (k == 0)
		return (size_t)snprintf(out, 8, "\\ufffd");
	/* A character no output shows as itself (textfile.h) is its
	   \uXXXX: the same string to a JSON reader, and none of it turns
	   a viewer's line around or ends it. */
	if (k > 1 && text_unsafe(utf8_cp(p, k)))
		return (size_t)snprintf(out, 8, "\\u%04x",
					(unsigned)utf8_cp(p, k));
	if (k > 1) {
		memcpy(out, p, k);
		return k;
	}
	switch (*p) {
	case '"': return (size_t)snprintf(out, 8, "\\\"");
	case '\\': return (size_t)snprintf(out, 8, "\\\\");
	case '\n': return (size_t)snprintf(out, 8, "\\n");
	case '\r': return (size_t)snprintf(out, 8, "\\r");
	case '\t': return (size_t)snprintf(out, 8, "\\t");
	}
	if (*p < 0x20 || *p == 0x7f)
		return (size_t)snprintf(out, 8, "\\u00%c%c", hex[*p >> 4],
					hex[*p & 15]);
	out[0] = (char)*p;
	return 1;
}

/* s escaped as put_escaped() writes it, cut at the last whole character
   that keeps its text within w->str_cut bytes. */
static void put_escaped_cut(struct jw *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, room = w->str_cut, k, used;
	char e[8];

	jw_putc(w, '"');
	while (i < len && (k = escape_one(p + i, len - i, e, &used)) <= room) {
		jw_write(w, e, k);
		room -= k;
		i += used;
	}
	jw_putc(w, '"');
}

/* s as a JSON string literal: RFC 8259 escaping, and what text_unsafe()
   names as \uXXXX too; bytes that are not valid UTF-8 become U+FFFD. */
static void put_escaped(struct jw *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	if (w->str_cut) {
		put_escaped_cut(w, s, len);
		return;
	}
	jw_putc(w, '"');
	while (p < end) {
		const unsigned char *q = p;
		size_t n, used;
		char e[8];

		/* Printable ASCII other than " and \ is written as it is: a
		   run of it in one copy (names, paths, reasons are mostly
		   that). */
		while (end - q >= 8 && plain8(q))
			q += 8;
		while (q < end && *q >= 0x20 && *q < 0x7f && *q != '"' &&
		       *q != '\\')
			q++;
		if (q != p) {
			jw_write(w, p, (size_t)(q - p));
			p = q;
			continue;
		}
		n = escape_one(p, (size_t)(end - p), e, &used);
		jw_write(w, e, n);
		p += used;
	}
	jw_putc(w, '"');
}

void jw_str_k(struct jw *w, const char *key, size_t klen, const char *s)
{
	jw_key_n(w, key, klen);
	if (s)
		put_escaped(w, s, strlen(s));
	else
		jw_puts(w, "null");
}

void jw_strn_k(struct jw *w, const char *key, size_t klen, const char *s,
	       size_t len)
{
	jw_key_n(w, key, klen);
	put_escaped(w, s, len);
}

void jw_plain_val(struct jw *w, const char *s)
{
	size_t n;

	if (!s) {
		jw_puts(w, "null");
		return;
	}
	n = strlen(s);
	if (n + 2 <= w->cap - w->n || jw_grow(w, n + 2)) {
		w->b[w->n] = '"';
		memcpy(w->b + w->n + 1, s, n);
		w->b[w->n + 1 + n] = '"';
		w->n += n + 2;
	} else {
		jw_write(w, "\"", 1);
		jw_write(w, s, n);
		jw_write(w, "\"", 1);
	}
}

void jw_u64_val(struct jw *w, uint64_t v)
{
	char d[20];

	/* Written straight into the record when it has room for the
	   longest; else as any text is, grown by what it needs. */
	if (sizeof(d) <= w->cap - w->n)
		w->n = (size_t)(jw_put_u64(w->b + w->n, v) - w->b);
	else
		jw_write(w, d, (size_t)(jw_put_u64(d, v) - d));
}

/*
 * The 8 decimal digits of x (below 10^8, leading zeros kept), one a
 * byte, the first in the lowest byte: a few multiplications on the
 * whole word ("SWAR"), no division, no branch. x splits into two
 * 4-digit halves in 32-bit lanes, each into two 2-digit ones in 16-bit
 * lanes (* 5243 >> 19 is / 100 below 10^4), each into two digits in
 * bytes (* 103 >> 10 is / 10 below 100); no lane's product reaches the
 * next lane.
 */
static inline uint64_t dec8(uint32_t x)
{
	uint64_t m = x / 10000u | (uint64_t)(x % 10000u) << 32, q;

	q = (m * 5243) >> 19 & UINT64_C(0x0000007f0000007f);
	m = q | (m - q * 100) << 16;
	q = (m * 103) >> 10 & UINT64_C(0x000f000f000f000f);
	return q | (m - q * 10) << 8;
}

/* dec8(x) (x not 0) as text at p, without its leading zeros: 8 bytes
   stored at once; returns the end of the digits. */
static inline char *put_dec8_lead(char *p, uint32_t x)
{
	uint64_t m = dec8(x);
	unsigned z = (unsigned)__builtin_ctzll(m) & ~7u;   /* zero bytes */

	m = (m + UINT64_C(0x3030303030303030)) >> z;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	memcpy(p, &m, 8);
	return p + 8 - z / 8;
}

/* dec8(x) as text at p, all 8 digits. */
static inline char *put_dec8(char *p, uint32_t x)
{
	uint64_t m = dec8(x) + UINT64_C(0x3030303030303030);

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	memcpy(p, &m, 8);
	return p + 8;
}

/* In blocks of 8 digits (dec8()), the first without its leading zeros:
   a 20-digit number takes two 64-bit divisions, a 5-digit one none. */
char *jw_put_u64_long(char *p, uint64_t v)
{
	const uint64_t e8 = 100000000u;

	if (v < e8)
		return put_dec8_lead(p, (uint32_t)v);
	if (v < e8 * e8) {
		p = put_dec8_lead(p, (uint32_t)(v / e8));
	} else {
		p = put_dec8_lead(p, (uint32_t)(v / (e8 * e8)));
		p = put_dec8(p, (uint32_t)(v / e8 % e8));
	}
	return put_dec8(p, (uint32_t)(v % e8));
}

/* Room for a run (jw_run_begin()): false when the record cannot grow
   to it. Weak: test_jsonw replaces it to take the out-of-memory way,
   which no test can bring about otherwise. */
__attribute__((weak)) bool jw_run_room(struct jw *w, size_t n)
{
	return jw_grow(w, n);
}

void jw_i64(struct jw *w, const char *key, int64_t v)
{
	char d[24];

	snprintf(d, sizeof(d), "%lld", (long long)v);
	jw_raw(w, key, d);
}

void jw_fixed(struct jw *w, const char *key, double v, int decimals)
{
	char d[64];

	snprintf(d, sizeof(d), "%.*f", decimals, v);
	jw_raw(w, key, d);
}

char *jw_put_seconds_us(char *p, uint64_t us)
{
	unsigned frac = (unsigned)(us % 1000000u);

	p = jw_put_u64(p, us / 1000000u);
	*p++ = '.';
	put_dec2(p, frac / 10000);
	put_dec2(p + 2, frac / 100 % 100);
	put_dec2(p + 4, frac % 100);
	return p + 6;
}

void jw_seconds_k(struct jw *w, const char *key, size_t klen, uint64_t us)
{
	char d[28];

	jw_key_n(w, key, klen);
	jw_write(w, d, (size_t)(jw_put_seconds_us(d, us) - d));
}

void jw_raw_k(struct jw *w, const char *key, size_t klen, const char *text)
{
	jw_key_n(w, key, klen);
	jw_puts(w, text);
}

void jw_bool_k(struct jw *w, const char *key, size_t klen, bool v)
{
	jw_key_n(w, key, klen);
	if (v)
		jw_puts(w, "true");
	else
		jw_puts(w, "false");
}

void jw_null_k(struct jw *w, const char *key, size_t klen)
{
	jw_key_n(w, key, klen);
	jw_puts(w, "null");
}

void jw_line(struct jw *w)
{
	jw_putc(w, '\n');
	if (w->n && w->out)
		fwrite(w->b, 1, w->n, w->out);
	w->n = 0;
	w->depth = 0;
	w->has = 0;
}
