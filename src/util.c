/*
 * util.c: formatting helpers for reports (CSV, time, addresses), and the
 * checks and the open the outputs share (stat(), open_write()).
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "textfile.h"

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t clock_wall_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

uint64_t clock_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

void csv_field(FILE *out, const char *s)
{
	const unsigned char *p;
	size_t i, k, n, e;
	bool quote, plain = true;
	char esc[8];

	if (!s)
		s = "";
	p = (const unsigned char *)s;
	n = strlen(s);
	for (i = 0; i < n && plain; i++)
		plain = p[i] >= 0x20 && p[i] < 0x7f;
	quote = strpbrk(s, ",\"") != NULL;
	if (plain && !quote) {
		fputs(s, out);
		return;
	}
	if (quote)
		fputc('"', out);
	for (i = 0; i < n; i += k) {
		e = text_escape(p + i, n - i, esc, &k);
		if (k == 1 && p[i] >= 0x80)
			fputs("\xef\xbf\xbd", out);     /* U+FFFD */
		else if (e)
			fwrite(esc, 1, e, out);
		else if (p[i] == '"')
			fputs("\"\"", out);
		else
			fwrite(p + i, 1, k, out);
	}
	if (quote)
		fputc('"', out);
}

const char dec_pairs[200] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void fmt_time(uint64_t ts_us, char buf[TIME_STR_MAX])
{
	struct time_cache c;

	time_cache_init(&c);
	fmt_time_cached(&c, ts_us, buf);
}

/* The text of second sec in c->date, up to its point: the day's part
   made again only when the day changes. -1 (nothing kept) for a time
   gmtime_r() cannot break down. */
static int set_second(struct time_cache *c, uint64_t sec)
{
	uint64_t day = sec / 86400u;
	unsigned tod = (unsigned)(sec % 86400u);
	char *p;

	if (day != c->day) {
		time_t secs = (time_t)(day * 86400u);
		struct tm tm;
		int n;

		c->sec = UINT64_MAX;
		if (!gmtime_r(&secs, &tm))
			return -1;
		n = snprintf(c->date, sizeof(c->date), "%04d-%02d-%02dT",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		/* Room for "hh:mm:ss.uuuuuuZ" and the NUL after it. */
		if (n < 0 || (size_t)n >= sizeof(c->date) - 17) {
			c->day = UINT64_MAX;
			return -1;
		}
		c->day_len = (size_t)n;
		c->day = day;
	}
	p = c->date + c->day_len;
	put_dec2(p, tod / 3600);
	p[2] = ':';
	put_dec2(p + 3, tod / 60 % 60);
	p[5] = ':';
	put_dec2(p + 6, tod % 60);
	p[8] = '.';
	c->len = c->day_len + 9;
	c->sec = sec;
	return 0;
}

size_t fmt_time_cached(struct time_cache *c, uint64_t ts_us,
		       char buf[TIME_STR_MAX])
{
	uint64_t sec = ts_us / 1000000u;
	unsigned us = (unsigned)(ts_us % 1000000u);
	char *p;

	/* Records come in time order, mostly many to a second. */
	if (sec != c->sec && set_second(c, sec) != 0) {
		snprintf(buf, TIME_STR_MAX, "invalid");
		return strlen(buf);
	}
	/* A date of four-digit years and its time of day are 20 bytes
	   (buf and date have TIME_STR_MAX). */
	copy_upto32(buf, c->date, c->len);
	p = buf + c->len;
	put_dec2(p, us / 10000);
	put_dec2(p + 2, us / 100 % 100);
	put_dec2(p + 4, us % 100);
	p[6] = 'Z';
	p[7] = '\0';
	return c->len + 7;
}

/* Each byte value's decimal digits and the dot after them, in 4 bytes
   (the dot's the fourth of "100." to "255."; after a shorter one, bytes
   that the next octet overwrites). */
static const char octet_dot[256][4] = {
	"0.", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9.",
	"10.", "11.", "12.", "13.", "14.", "15.", "16.", "17.", "18.", "19.",
	"20.", "21.", "22.", "23.", "24.", "25.", "26.", "27.", "28.", "29.",
	"30.", "31.", "32.", "33.", "34.", "35.", "36.", "37.", "38.", "39.",
	"40.", "41.", "42.", "43.", "44.", "45.", "46.", "47.", "48.", "49.",
	"50.", "51.", "52.", "53.", "54.", "55.", "56.", "57.", "58.", "59.",
	"60.", "61.", "62.", "63.", "64.", "65.", "66.", "67.", "68.", "69.",
	"70.", "71.", "72.", "73.", "74.", "75.", "76.", "77.", "78.", "79.",
	"80.", "81.", "82.", "83.", "84.", "85.", "86.", "87.", "88.", "89.",
	"90.", "91.", "92.", "93.", "94.", "95.", "96.", "97.", "98.", "99.",
	"100.", "101.", "102.", "103.", "104.", "105.", "106.", "107.", "108.", "109.",
	"110.", "111.", "112.", "113.", "114.", "115.", "116.", "117.", "118.", "119.",
	"120.", "121.", "122.", "123.", "124.", "125.", "126.", "127.", "128.", "129.",
	"130.", "131.", "132.", "133.", "134.", "135.", "136.", "137.", "138.", "139.",
	"140.", "141.", "142.", "143.", "144.", "145.", "146.", "147.", "148.", "149.",
	"150.", "151.", "152.", "153.", "154.", "155.", "156.", "157.", "158.", "159.",
	"160.", "161.", "162.", "163.", "164.", "165.", "166.", "167.", "168.", "169.",
	"170.", "171.", "172.", "173.", "174.", "175.", "176.", "177.", "178.", "179.",
	"180.", "181.", "182.", "183.", "184.", "185.", "186.", "187.", "188.", "189.",
	"190.", "191.", "192.", "193.", "194.", "195.", "196.", "197.", "198.", "199.",
	"200.", "201.", "202.", "203.", "204.", "205.", "206.", "207.", "208.", "209.",
	"210.", "211.", "212.", "213.", "214.", "215.", "216.", "217.", "218.", "219.",
	"220.", "221.", "222.", "223.", "224.", "225.", "226.", "227.", "228.", "229.",
	"230.", "231.", "232.", "233.", "234.", "235.", "236.", "237.", "238.", "239.",
	"240.", "241.", "242.", "243.", "244.", "245.", "246.", "247.", "248.", "249.",
	"250.", "251.", "252.", "253.", "254.", "255.",
};

/* The dotted quad of the 4 bytes at b, NUL-terminated; returns where
   the NUL is. Each octet is one 4-byte copy from octet_dot and a length
   from two comparisons: no division, no branch. Writes 16 bytes at
   most (the last copy's tail), within an IP_STR_MAX buffer. */
static char *fmt_quad(const uint8_t *b, char *p)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = b[i];

		memcpy(p, octet_dot[v], 4);
		p += 2 + (v >= 10) + (v >= 100);
	}
	p[-1] = '\0';
	return p - 1;
}

/* A 16-bit group in lower-case hex without leading zeros; returns the
   end. Its digits (1 to 4) from its bit length, written last first. */
static char *fmt_hex16(unsigned v, char *p)
{
	static const char hex[] = "0123456789abcdef";
	unsigned n = v ? (unsigned)(35 - __builtin_clz(v)) / 4 : 1;
	char *e = p + n;

	do {
		*--e = hex[v & 15];
		v >>= 4;
	} while (e != p);
	return p + n;
}

/*
 * The 16 bytes at b as glibc's inet_ntop(AF_INET6) writes them,
 * NUL-terminated; returns where the NUL is. Its rules: the first longest
 * run of two or more zero groups is "::"; an address whose first six
 * groups are zero, or first five zero and the sixth ffff, ends in a
 * dotted quad. glibc writes each group with sprintf(), a thousand
 * instructions an address; test_util holds this to it.
 */
static char *fmt_ip6(const uint8_t *b, char *p)
{
	unsigned w[8];
	int i, run = -1, best = -1, best_len = 0;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
		if (w[i] != 0) {
			run = -1;
			continue;
		}
		if (run < 0)
			run = i;
		if (i - run + 1 > best_len) {
			best = run;
			best_len = i - run + 1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return fmt_quad(b + 12, p);
		p = fmt_hex16(w[i], p);
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	*p = '\0';
	return p;
}

size_t fmt_ip(const struct ip_addr *a, uint8_t family, char buf[IP_STR_MAX])
{
	/* By hand: glibc's inet_ntop formats with sprintf, a cost on every
	   flow record. The family, not the bytes: fmt_ip6() writes an IPv6
	   header's ::ffff:a.b.c.d as such. */
	if (family == 4)
		return (size_t)(fmt_quad(a->b + 12, buf) - buf);
	return (size_t)(fmt_ip6(a->b, buf) - buf);
}

size_t fmt_endpoint(const struct ip_addr *a, uint8_t family, uint16_t port,
		    char buf[ENDPOINT_STR_MAX])
{
	char ip[IP_STR_MAX];
	int n;

	fmt_ip(a, family, ip);
	n = snprintf(buf, ENDPOINT_STR_MAX, family == 4 ? "%s:%u" : "[%s]:%u",
		     ip, (unsigned)port);
	return n > 0 ? (size_t)n : 0;
}

int ip_is_loopback(const struct ip_addr *a, uint8_t family)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (family == 4)
		return a->b[12] == 127;
	return memcmp(a->b, v6lo, sizeof(v6lo)) == 0;
}

void fmt_bytes(uint64_t n, char buf[16])
{
	static const char *unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1000.0 && u < 4) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, 16, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, 16, "%.1f %s", v, unit[u]);
}

void fmt_milli_pct(uint32_t milli, char buf[16])
{
	int n = snprintf(buf, 16, "%u.%03u", milli / 1000, milli % 1000);

	/* Trailing zeros of the fraction, then a bare point, go. */
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

long path_is_input(const char *out, const char *const *inputs, size_t n)
{
	struct stat os, is;
	size_t i;

	if (!out || stat(out, &os) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (input_stat(inputs[i], &is) == 0 && same_output(&os, &is))
			return (long)i;
	return -1;
}

int input_stat(const char *name, struct stat *st)
{
	return strcmp(name, "-") == 0 ? fstat(STDIN_FILENO, st) : stat(name, st);
}

bool same_regular(const struct stat *a, const struct stat *b)
{
	return S_ISREG(a->st_mode) && S_ISREG(b->st_mode) &&
	       a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

bool same_output(const struct stat *a, const struct stat *b)
{
	return same_regular(a, b) ||
	       (S_ISFIFO(a->st_mode) && S_ISFIFO(b->st_mode) &&
		a->st_dev == b->st_dev && a->st_ino == b->st_ino);
}

/*
 * A FIFO's open for writing waits for a reader, and a handler installed
 * with SA_RESTART returns into that wait (under ThreadSanitizer the
 * handler does not even run until the open returns): a signal cannot end
 * it. So a FIFO is opened without waiting (O_NONBLOCK: ENXIO while no
 * one reads it), again every FIFO_POLL_MS until a reader comes or a
 * signal stops the run (open_write_interrupt(), from the handler). Once
 * a signal came, a FIFO no one reads is not waited on at all.
 */
#define FIFO_POLL_MS 50

static volatile sig_atomic_t fifo_stop;         /* a signal came */

void open_write_interrupt(void)
{
	fifo_stop = 1;
}

int open_write(const char *path, int flags, mode_t mode)
{
	const struct timespec poll = { 0, FIFO_POLL_MS * 1000000L };
	bool wait = !(flags & O_NONBLOCK);
	struct stat st;
	int fd, fl, e;

	flags = (flags & ~O_NONBLOCK) | O_WRONLY | O_CLOEXEC;
	if (stat(path, &st) != 0 || !S_ISFIFO(st.st_mode))
		return open(path, flags, mode);
	while ((fd = open(path, flags | O_NONBLOCK, mode)) < 0 &&
	       errno == ENXIO) {
		if (!wait)
			return -1;
		if (fifo_stop) {
			errno = EINTR;
			return -1;
		}
		(void)nanosleep(&poll, NULL);
	}
	if (fd < 0)
		return -1;
	/* Written as any file is: a full pipe waits for its reader. */
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int write_all(int fd, const void *d, size_t n)
{
	const char *p = d;
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
