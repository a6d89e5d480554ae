/*
 * util.h: small formatting helpers shared by the reports and the
 * catalogue printer. None allocates.
 */
#ifndef IMPWATCH_UTIL_H
#define IMPWATCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

#define IP_STR_MAX 46   /* INET6_ADDRSTRLEN */
#define TIME_STR_MAX 96  /* roomy: years past 9999 still fit */

/* Write s as a JSON string literal, quotes included (RFC 8259 escaping;
   bytes that are not valid UTF-8 become U+FFFD). */
void json_string(FILE *out, const char *s);

/*
 * A record built in memory and handed to stdio in one fwrite(): the JSON
 * writer's per-flow path, where fprintf's format parsing and stdio's
 * per-call locking cost more than the formatting. Nothing is lost when it
 * fills: it is written out and goes on. Write errors show on the FILE,
 * as with any stdio call.
 */
#define OUTBUF_SIZE 4096

struct outbuf {
	FILE *out;
	size_t n;
	char b[OUTBUF_SIZE];
};

static inline void ob_init(struct outbuf *o, FILE *out)
{
	o->out = out;
	o->n = 0;
}

void ob_flush(struct outbuf *o);
void ob_write(struct outbuf *o, const void *p, size_t n);
void ob_u64(struct outbuf *o, uint64_t v);           /* decimal */
void ob_json_string(struct outbuf *o, const char *s); /* as json_string() */

/* Inline, so that the length of a literal is known when compiling. */
static inline void ob_puts(struct outbuf *o, const char *s)
{
	size_t n = strlen(s);

	if (n <= OUTBUF_SIZE - o->n) {
		memcpy(o->b + o->n, s, n);
		o->n += n;
	} else {
		ob_write(o, s, n);
	}
}

static inline void ob_putc(struct outbuf *o, char c)
{
	if (o->n == OUTBUF_SIZE)
		ob_flush(o);
	o->b[o->n++] = c;
}

/* Write s as one CSV field (RFC 4180): quoted when it holds , " CR or LF. */
void csv_field(FILE *out, const char *s);

/* "2026-11-22T05:01:21.000123Z": RFC 3339, UTC, microseconds. */
void fmt_time(uint64_t ts_us, char buf[TIME_STR_MAX]);

/* Dotted quad for ::ffff:a.b.c.d, RFC 5952 text for the rest. */
void fmt_ip(const struct ip_addr *a, char buf[IP_STR_MAX]);

/* True for 127.0.0.0/8 and ::1. */
int ip_is_loopback(const struct ip_addr *a);

/* Human-readable byte count ("1.5 MB"), for the text report. */
void fmt_bytes(uint64_t n, char buf[16]);

/* A percentage held in thousandths of a percent, as the shortest
   decimal: 0 "0", 500 "0.5", 12250 "12.25". */
void fmt_milli_pct(uint32_t milli, char buf[16]);

#endif
