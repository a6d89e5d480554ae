/*
 * util.h: small formatting helpers shared by the reports and the
 * catalogue printer (JSON is jsonw.h's). None allocates.
 */
#ifndef IMPWATCH_UTIL_H
#define IMPWATCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "decode.h"

#define IP_STR_MAX 46   /* INET6_ADDRSTRLEN */
#define ENDPOINT_STR_MAX (IP_STR_MAX + 8)   /* "[", "]:" and 5 digits */
#define TIME_STR_MAX 96  /* roomy: years past 9999 still fit */

/* The "s" a count's noun takes in English: "1 flow", "2 flows". */
#define PLURAL(n) ((n) == 1 ? "" : "s")

/* "00", "01" ... "99": numbers are written two digits a division. */
extern const char dec_pairs[200];

/* The two decimal digits of v (0-99) at p. */
static inline void put_dec2(char *p, unsigned v)
{
	memcpy(p, dec_pairs + 2 * v, 2);
}

/* The system's clocks in microseconds: the wall clock (packet stamps,
   record times), and the monotonic one (timers: never set back). */
uint64_t clock_wall_us(void);
uint64_t clock_mono_us(void);

/* Write s as one CSV field (RFC 4180), quoted when it holds , or "; bytes that are not valid UTF-8 as U+FFFD, as the
   JSON writer has them, so that the file is UTF-8 whatever a name given
   holds; a control or another character text_unsafe() names as its
   visible escape (text_escape()): a field never ends a row, nor turns
   a viewer's line around. */
void csv_field(FILE *out, const char *s);

/*
 * The date and second of the last time a writer formatted: records of
 * one day share their date, formatted once per day (gmtime_r and
 * snprintf cost a microsecond), and those of one second (most, on a
 * busy link) their time of day; the rest by hand. Each writer keeps its
 * own, so that writers need share nothing.
 */
/* n bytes from src to dst: up to 32 copied as 32, a length known when
   compiling (no call, a few stores); dst and src have room for 32 bytes,
   or n when more. For short texts copied often (a record's times). */
static inline void copy_upto32(void *dst, const void *src, size_t n)
{
	if (n <= 32)
		memcpy(dst, src, 32);
	else
		memcpy(dst, src, n);
}

struct time_cache {
	uint64_t day;               /* UINT64_MAX: none yet */
	uint64_t sec;               /* the second in date; UINT64_MAX: none */
	size_t day_len;             /* the day's part of date */
	size_t len;                 /* all of it */
	char date[TIME_STR_MAX];    /* "2026-11-22T05:01:21." */
};

static inline void time_cache_init(struct time_cache *c)
{
	c->day = UINT64_MAX;
	c->sec = UINT64_MAX;
	c->day_len = c->len = 0;
}

/* The latest time RFC 3339 writes, 9999-12-31T23:59:59.999999Z, in
   microseconds since 1970: its years have four digits. A later stamp
   is read as this one (capture.c). */
#define STAMP_MAX_US UINT64_C(253402300799999999)

/* "2026-11-22T05:01:21.000123Z": RFC 3339, UTC, microseconds; through
   the writer's cache c. Returns the text's length. */
size_t fmt_time_cached(struct time_cache *c, uint64_t ts_us,
		       char buf[TIME_STR_MAX]);

/* The same, for a time formatted once. */
void fmt_time(uint64_t ts_us, char buf[TIME_STR_MAX]);

/* Address a of IP version family (4 or 6) as tcpdump, tshark and Zeek
   write it: IPv4 (held as ::ffff:a.b.c.d) a dotted quad, IPv6 RFC 5952
   text, its ::ffff:a.b.c.d too (section 5's mixed notation). The bytes
   alone cannot say which: an IPv6 header may carry ::ffff:a.b.c.d,
   which written as a.b.c.d would pass for that IPv4 host. Returns the
   text's length. */
size_t fmt_ip(const struct ip_addr *a, uint8_t family, char buf[IP_STR_MAX]);

/* An address and port: a.b.c.d:port, [IPv6]:port (RFC 5952 section 6),
   so that an IPv6 address's last group is never read as the port;
   returns the text's length. */
size_t fmt_endpoint(const struct ip_addr *a, uint8_t family, uint16_t port,
		    char buf[ENDPOINT_STR_MAX]);

/* True for a loopback address of IP version family: 127.0.0.0/8 in
   IPv4, ::1 in IPv6. An IPv6 header's ::ffff:127.x (held as IPv4 is)
   is none: RFC 4291 2.5.5.2 keeps such addresses off the wire, and Linux
   drops them on every interface, lo too. */
int ip_is_loopback(const struct ip_addr *a, uint8_t family);

/* True for an IPv4 address, which struct ip_addr holds as
   ::ffff:a.b.c.d (RFC 4291 2.5.5.2). */
static inline bool ip_is_v4(const struct ip_addr *a)
{
	static const uint8_t v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	return memcmp(a->b, v4mapped, sizeof(v4mapped)) == 0;
}

/* An IPv6 header's ::ffff:a.b.c.d: held as an IPv4 address is, yet no
   IPv4 host's. RFC 4291 2.5.5.2 keeps such addresses off the wire and
   Linux drops them: anyone on the segment can write one, so no
   inventory line, waiver end or trusted network covers it. */
static inline bool ip_mapped_in_v6(const struct ip_addr *a, uint8_t family)
{
	return family == 6 && ip_is_v4(a);
}

/* Human-readable byte count ("1.5 MB"), for the text report. */
void fmt_bytes(uint64_t n, char buf[16]);

/* A percentage held in thousandths of a percent, as the shortest
   decimal: 0 "0", 500 "0.5", 12250 "12.25". */
void fmt_milli_pct(uint32_t milli, char buf[16]);

/* Which of the n inputs (paths; "-": standard input) is the existing
   regular file or FIFO out, by device and inode, so by any name: its
   index, or -1 (out does not exist yet, is neither, or is none of
   them). An output opened there would spoil the input before it is
   read, or, a FIFO, wait on the run itself. By stat(): nothing is
   opened, so no FIFO is waited on. */
long path_is_input(const char *out, const char *const *inputs, size_t n);

/* stat() of an input named on the command line ("-": standard input's
   fstat()). */
int input_stat(const char *name, struct stat *st);

/* Whether two stat results are one regular file (device and inode). */
bool same_regular(const struct stat *a, const struct stat *b);

/* Whether two stat results are one file that two outputs would share:
   the same regular file, or the same FIFO, whose two writers would
   interleave what each writes (device and inode). */
bool same_output(const struct stat *a, const struct stat *b);

/*
 * open(path, O_WRONLY | O_CLOEXEC | flags, mode) that a signal ends: a
 * FIFO's open waits for a reader (polled, not blocked in), a wait
 * open_write_interrupt(), called from the handler of SIGINT and SIGTERM,
 * ends (-1, errno EINTR). After that signal, a FIFO is opened only when
 * a reader holds it already; so it is with O_NONBLOCK in flags (-1,
 * errno ENXIO, when no one reads it). The descriptor returned blocks.
 */
int open_write(const char *path, int flags, mode_t mode);
void open_write_interrupt(void);

/* n bytes at d to descriptor fd, past short writes and EINTR (a pipe's
   reader taking a page at a time, a signal): -1 with errno when it
   could not. */
int write_all(int fd, const void *d, size_t n);

#endif
