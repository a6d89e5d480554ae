/*
 * textfile.c: strict reading of the files a person writes.
 */
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHOW_LINE_MAX 200   /* bytes of an offending line shown */
#define SHOW_FIELD_MAX 64   /* bytes of a field quoted in a reason */

size_t utf8_seq_len(const unsigned char *p, size_t n)
{
	size_t k, j;
	uint32_t cp;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		k = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		k = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		k = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (k > n)
		return 0;
	for (j = 1; j < k; j++) {
		if ((p[j] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[j] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* What a file that is not a regular file is, for the error: a terminal
   is a character device a person knows by its own name. */
static const char *file_kind(int fd, mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) && isatty(fd))
		return "a terminal";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "an unknown kind of file";
}

/*
 * What the open descriptor fd of name holds, looked at through it, so
 * nothing can swap the file before it is read: a regular file, or when
 * pipe_ok a pipe too (a FIFO, or a socket, which is what some launchers
 * give a command as standard input; a named socket does not open).
 * 0, or -1 said.
 */
static int fd_kind(int fd, const char *name, bool pipe_ok, FILE *err)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0) {
		tfile_error(err, name, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (S_ISREG(sb.st_mode) ||
	    (pipe_ok && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode))))
		return 0;
	tfile_error(err, name, "not a regular file (%s)",
		    file_kind(fd, sb.st_mode));
	return -1;
}

/* path opened for reading with flags added (O_NONBLOCK: a FIFO's open
   would otherwise wait for a writer), and checked by fd_kind(). The
   descriptor, or -1 said. */
static int open_kind(const char *path, int flags, bool pipe_ok, FILE *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);

	if (fd < 0) {
		tfile_error(err, path, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fd_kind(fd, path, pipe_ok, err) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int textfile_read(const char *path, size_t max, const char *what, char **bufp,
		  size_t *lenp, FILE *err)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, fl;

	*bufp = NULL;
	*lenp = 0;
	/* A FIFO or a socket would block or end early, a device would be
	   read to the size limit (/dev/zero) or hold anything: a file a
	   person wrote is a regular file. */
	fd = open_kind(path, O_NONBLOCK, false, err);
	if (fd < 0)
		return -1;
	/* Reads of a regular file do not block anyway; the read loop below
	   is written for a blocking descriptor, so it gets one. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		tfile_error(err, path, "cannot open: %s", strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t got;

		/* One byte is always kept for the NUL. */
		if (cap - len < 2) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nbuf;

			if (len > max) {
				tfile_error(err, path, "larger than %zu bytes; not %s",
					    max, what);
				goto fail;
			}
			nbuf = realloc(buf, ncap);
			if (!nbuf) {
				tfile_error(err, path, "out of memory");
				goto fail;
			}
			buf = nbuf;
			cap = ncap;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			tfile_error(err, path, "cannot read: %s", strerror(errno));
			goto fail;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	if (len > max) {
		tfile_error(err, path, "larger than %zu bytes; not %s", max, what);
		goto fail;
	}
	close(fd);
	if (!buf && !(buf = malloc(1))) {
		tfile_error(err, path, "out of memory");
		return -1;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	close(fd);
	free(buf);
	return -1;
}

FILE *textfile_open_stream(const char *path, FILE *err)
{
	FILE *f;
	int fd;

	/* A directory reads as an error, a device as anything, a terminal
	   waits for a person to type: what a person names as records, or
	   sends to standard input, is a file or a pipe (whose open waits
	   for its writer). */
	if (strcmp(path, "-") == 0)
		return fd_kind(STDIN_FILENO, path, true, err) == 0 ? stdin : NULL;
	fd = open_kind(path, 0, true, err);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (!f) {
		tfile_error(err, path, "cannot open: %s", strerror(errno));
		close(fd);
	}
	return f;
}

void tlines_init(struct tlines *t, const char *buf, size_t len)
{
	if (!buf) {
		buf = "";
		len = 0;
	}
	/* A byte-order mark, as some Windows editors write, is no text. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	t->p = buf;
	t->end = buf + len;
	t->lineno = 0;
}

bool tlines_next(struct tlines *t, struct tstr *line)
{
	const char *nl;

	if (t->p >= t->end)
		return false;
	nl = memchr(t->p, '\n', (size_t)(t->end - t->p));
	line->s = t->p;
	line->n = (size_t)((nl ? nl : t->end) - t->p);
	t->p = nl ? nl + 1 : t->end;
	t->lineno++;
	/* Windows line ends: the CR belongs to the newline. */
	if (line->n > 0 && line->s[line->n - 1] == '\r')
		line->n--;
	return true;
}

uint32_t utf8_cp(const unsigned char *p, size_t k)
{
	uint32_t cp = k > 1 ? p[0] & (0xffu >> (k + 1)) : p[0];
	size_t j;

	for (j = 1; j < k; j++)
		cp = (cp << 6) | (p[j] & 0x3f);
	return cp;
}

/* U+0080 to U+009F: C1 controls, CSI among them, which a terminal may
   obey as it obeys ESC; and what Windows-1252 quotes become when read as
   Latin-1, so the usual mojibake of a pasted text. */
static bool is_c1(uint32_t cp)
{
	return cp >= 0x80 && cp <= 0x9f;
}

bool text_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || is_c1(cp) ||
	       cp == 0x2028 || cp == 0x2029 ||           /* line, paragraph */
	       cp == 0x061c || cp == 0x200e || cp == 0x200f ||   /* marks */
	       (cp >= 0x202a && cp <= 0x202e) ||  /* embeddings, overrides */
	       (cp >= 0x2066 && cp <= 0x2069) ||  /* isolates */
	       cp == 0x200b || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff;
}

int tline_check(const char *name, uint32_t lineno, struct tstr line,
		size_t max, FILE *err)
{
	const unsigned char *p = (const unsigned char *)line.s;
	const char *why = NULL;
	size_t i = 0;

	if (line.n > max) {
		tline_error(err, name, lineno, line, "line longer than %zu bytes",
			    max);
		return -1;
	}
	while (i < line.n) {
		size_t k;

		if (p[i] == 0) {
			why = "NUL byte";
		} else if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f) {
			why = "control byte";
		} else if ((k = utf8_seq_len(p + i, line.n - i)) == 0) {
			why = "invalid UTF-8";
		} else if (k == 2 && is_c1(utf8_cp(p + i, k))) {
			tline_error(err, name, lineno, line, "control "
				    "character U+%04X at column %zu (byte "
				    "offset %zu)",
				    (unsigned)utf8_cp(p + i, k), i + 1, i);
			return -1;
		} else {
			i += k;
			continue;
		}
		tline_error(err, name, lineno, line,
			    "%s 0x%02x at column %zu (byte offset %zu)", why,
			    p[i], i + 1, i);
		return -1;
	}
	return 0;
}

/* A character that looks like a space, or like nothing, yet is neither
   space nor tab to a loader: Unicode's other White_Space, the zero-width
   ones and the byte-order mark. A no-break space pasted from a web page
   between a role and an address made "unknown role 'imp 192.0.2.10'". */
static bool looks_blank(uint32_t cp)
{
	return cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200d) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x2060 ||
	       cp == 0x3000 || cp == 0xfeff;
}

/* A character a person reading the line cannot see for what it is: a
   C1 control, a blank that is not a space or a tab, and what shows as
   nothing or turns the text around: the soft hyphen, the left-to-right
   and right-to-left marks, embeddings, overrides and isolates, the
   invisible operators. A right-to-left mark pasted after a role made
   "unknown role 'cucm'" beside a list of valid roles holding cucm. */
static bool hidden(uint32_t cp)
{
	return text_unsafe(cp) || looks_blank(cp) || cp == 0xad ||
	       (cp >= 0x2061 && cp <= 0x2069);
}

size_t text_escape(const unsigned char *p, size_t n, char out[8],
		   size_t *used)
{
	size_t k = utf8_seq_len(p, n);

	*used = k ? k : 1;
	if (k == 0 || (k == 1 && *p != '\t' && text_unsafe(*p)))
		return (size_t)snprintf(out, 8, "\\x%02x", *p);
	if (k > 1 && text_unsafe(utf8_cp(p, k)))
		return (size_t)snprintf(out, 8, "\\u%04x",
					(unsigned)utf8_cp(p, k));
	return 0;
}

/* n bytes at s for a person, as text_escape() shows them; what a person
   reading an error cannot see for what it is (hidden()) as \uNNNN too;
   past max bytes (0: no limit) cut on a character boundary with "...".
   A terminal shown a file's line or an argument in an error never gets
   an escape sequence, nor a line break, from it. */
static void show_bytes(FILE *err, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, e;
	char out[8];

	while (i < n) {
		e = text_escape(p + i, n - i, out, &k);
		if (max && i + k > max) {
			fputs("...", err);
			break;
		}
		if (e)
			fwrite(out, 1, e, err);
		else if (k > 1 && hidden(utf8_cp(p + i, k)))
			fprintf(err, "\\u%04x", (unsigned)utf8_cp(p + i, k));
		else
			fwrite(p + i, 1, k, err);
		i += k;
	}
}

void text_put(FILE *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0, k, e;
	char out[8];

	while (i < n) {
		e = text_escape(p + i, n - i, out, &k);
		fwrite(e ? out : (const char *)p + i, 1, e ? e : k, o);
		i += k;
	}
}

/* The line for a person, indented, at most SHOW_LINE_MAX bytes. */
static void show_line(FILE *err, struct tstr line)
{
	fputs("  ", err);
	show_bytes(err, line.s, line.n, SHOW_LINE_MAX);
	fputc('\n', err);
}

/*
 * One line on err: "NAME:LINE: " (name NULL: none; lineno NULL: "NAME: "),
 * then fmt, every byte shown by show_bytes(): names and values come from
 * the command line and from files. One line end of fmt's own is dropped,
 * one always ends the line. The caller holds err's lock.
 */
static void say_v(FILE *err, const char *name, const uint32_t *lineno,
		  const char *fmt, va_list ap)
{
	char small[512], *buf = small;
	size_t len;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0)
		n = 0;
	len = (size_t)n;
	/* Longer: formatted again whole, or cut when there is no memory. */
	if (len >= sizeof(small)) {
		if ((buf = malloc(len + 1)) != NULL) {
			vsnprintf(buf, len + 1, fmt, aq);
		} else {
			buf = small;
			len = sizeof(small) - 1;
		}
	}
	va_end(aq);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (name) {
		show_bytes(err, name, strlen(name), 0);
		if (lineno)
			fprintf(err, ":%u", (unsigned)*lineno);
		fputs(": ", err);
	}
	show_bytes(err, buf, len, 0);
	fputc('\n', err);
	if (buf != small)
		free(buf);
}

void tprintf(FILE *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	flockfile(err);
	va_start(ap, fmt);
	say_v(err, NULL, NULL, fmt, ap);
	va_end(ap);
	funlockfile(err);
}

void tline_error(FILE *err, const char *name, uint32_t lineno,
		 struct tstr line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	flockfile(err);
	va_start(ap, fmt);
	say_v(err, name, &lineno, fmt, ap);
	va_end(ap);
	show_line(err, line);
	funlockfile(err);
}

void tfile_error(FILE *err, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	flockfile(err);
	va_start(ap, fmt);
	say_v(err, name, NULL, fmt, ap);
	va_end(ap);
	funlockfile(err);
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

struct tstr tstr_trim(struct tstr s)
{
	while (s.n > 0 && is_blank(*s.s)) {
		s.s++;
		s.n--;
	}
	while (s.n > 0 && is_blank(s.s[s.n - 1]))
		s.n--;
	return s;
}

bool tstr_is(struct tstr s, const char *word)
{
	return s.n == strlen(word) && memcmp(s.s, word, s.n) == 0;
}

bool tstr_word(struct tstr *s, struct tstr *word)
{
	size_t i = 0;

	*s = tstr_trim(*s);
	if (s->n == 0)
		return false;
	while (i < s->n && !is_blank(s->s[i]))
		i++;
	word->s = s->s;
	word->n = i;
	s->s += i;
	s->n -= i;
	return true;
}

bool tstr_item(struct tstr *s, char sep, struct tstr *item)
{
	const char *cut;
	struct tstr head;

	if (!s->s)
		return false;
	cut = memchr(s->s, sep, s->n);
	if (!cut) {
		*item = tstr_trim(*s);
		s->s = NULL;
		s->n = 0;
		return true;
	}
	head.s = s->s;
	head.n = (size_t)(cut - s->s);
	*item = tstr_trim(head);
	s->n -= head.n + 1;
	s->s = cut + 1;
	return true;
}

bool tstr_has(struct tstr s, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; w <= s.n && i <= s.n - w; i++)
		if (memcmp(s.s + i, word, w) == 0)
			return true;
	return false;
}

bool tstr_last_word(struct tstr s, struct tstr *head, struct tstr *last)
{
	size_t i;

	s = tstr_trim(s);
	for (i = s.n; i > 0 && !is_blank(s.s[i - 1]); i--)
		;
	if (i == 0)
		return false;
	last->s = s.s + i;
	last->n = s.n - i;
	head->s = s.s;
	head->n = i;
	*head = tstr_trim(*head);
	return true;
}

int tstr_uint(struct tstr s, unsigned long *v)
{
	size_t i;

	*v = 0;
	if (s.n == 0)
		return -1;
	for (i = 0; i < s.n; i++)
		if (s.s[i] < '0' || s.s[i] > '9')
			return -1;
	if (s.n > 9)
		return -2;
	for (i = 0; i < s.n; i++)
		*v = *v * 10 + (unsigned long)(s.s[i] - '0');
	return 0;
}

int tstr_show_len(struct tstr s)
{
	size_t n = s.n;

	if (n > SHOW_FIELD_MAX) {
		n = SHOW_FIELD_MAX;
		while (n > 0 && ((unsigned char)s.s[n] & 0xc0) == 0x80)
			n--;
	}
	return (int)n;
}
