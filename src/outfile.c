/*
 * outfile.c: an output that keeps its failure and never holds the stop
 * (the contract is in outfile.h).
 */
#define _GNU_SOURCE   /* fopencookie() */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
#include "textfile.h"
#include "util.h"

struct outfile {
	FILE *raw;                  /* the stream opened (or stdout): its
	                               descriptor is written, never it */
	bool wait;                  /* may block: poll() first */
	size_t pipe_room;           /* a pipe's or a FIFO's size less two
	                               pages; 0: not one, or not known */
	struct outstate *st;        /* the caller's, across reopens */
};

void outfile_why(const struct outstate *st, char *why, size_t n)
{
	if (st->stalled)
		snprintf(why, n, "its reader took nothing for %u s after the "
			 "stop; the rest is lost", SINK_STALL_MS / 1000);
	else
		snprintf(why, n, "%s", strerror(st->e ? st->e : errno));
}

void outfile_say(FILE *err, const struct outstate *st, bool reopened)
{
	char why[160];

	if (st->said)
		return;
	outfile_why(st, why, sizeof(why));
	tprintf(err, "impwatch: cannot write %s%s: %s\n", st->path,
		reopened && !st->stalled ? " (before it was reopened)" : "",
		why);
}

/* A write to st's file failed with e: kept, and said where it is said
   as it happens. -1 with errno e, for stdio. */
static ssize_t out_failed(struct outstate *st, int e)
{
	if (!st->e)
		st->e = e;
	if (st->say && !st->said) {
		outfile_say(st->say, st, false);
		st->said = true;
	}
	errno = e;
	return -1;
}

/* Whether the stop's bound has passed: its clock starts at the first
   wait that sees the stop, whichever output waits, so that all of them
   together hold the stop SINK_STALL_MS at most. */
static bool past_stop(struct out_stop *sp)
{
	uint64_t now, at = 0;

	if (!sp || !sp->flag || !*sp->flag)
		return false;
	now = clock_mono_us();
	if (!atomic_compare_exchange_strong(&sp->at_us, &at, now))
		now = clock_mono_us();   /* another thread's at may be later */
	at = atomic_load(&sp->at_us);
	return now >= at && now - at >= SINK_STALL_MS * 1000ull;
}

/* Wait for room in o's file: false once it is given up. */
static bool out_wait(struct outfile *o)
{
	struct pollfd pfd = { .fd = fileno(o->raw), .events = POLLOUT };

	for (;;) {
		if (past_stop(o->st->stop)) {
			o->st->stalled = true;
			return false;
		}
		/* Room, or an error (the reader gone) that the write says. */
		if (poll(&pfd, 1, LIVE_POLL_MS) > 0)
			return true;
	}
}

/*
 * How much of n bytes a pipe or a FIFO takes now without blocking: its
 * size less what it holds, less two pages (its first page may be read
 * in part and its last written in part, each taking a page of the
 * size). 0 when that is under PIPE_BUF, or not known: poll() then
 * waits for room, which it promises for PIPE_BUF bytes, no more. So a
 * reader that keeps up takes a flush in a few writes and no poll(),
 * not one write and one poll() for every 4 KiB. Sockets and terminals
 * are always waited for, PIPE_BUF bytes at a time.
 */
static size_t out_room(const struct outfile *o, size_t n)
{
	int held;
	size_t room;

	if (o->pipe_room <= PIPE_BUF ||
	    ioctl(fileno(o->raw), FIONREAD, &held) != 0 || held < 0 ||
	    (size_t)held >= o->pipe_room - PIPE_BUF)
		return 0;
	room = o->pipe_room - (size_t)held;
	return n < room ? n : room;
}

static ssize_t out_write(void *cookie, const char *b, size_t len)
{
	struct outfile *o = cookie;
	size_t done = 0, n;
	ssize_t w;

	while (done < len) {
		if (o->st->stalled)
			return out_failed(o->st, ETIMEDOUT);
		n = len - done;
		if (o->wait) {
			size_t room;

			/* A reader that keeps up, slowly, is cut at the
			   same bound as one that takes nothing. */
			if (past_stop(o->st->stop)) {
				o->st->stalled = true;
				return out_failed(o->st, ETIMEDOUT);
			}
			if (!(room = out_room(o, n))) {
				if (!out_wait(o))
					return out_failed(o->st, ETIMEDOUT);
				/* No more than the room poll() found. */
				if (!(room = out_room(o, n)))
					room = n < PIPE_BUF ? n : PIPE_BUF;
			}
			n = room;
		}
		w = write(fileno(o->raw), b + done, n);
		/* EAGAIN: a descriptor left non-blocking; poll() again. */
		if (w < 0 && errno != EINTR && !(o->wait && errno == EAGAIN))
			return out_failed(o->st, errno);
		if (w > 0)
			done += (size_t)w;
	}
	return (ssize_t)len;
}

static int out_close(void *cookie)
{
	struct outfile *o = cookie;
	int rc = 0;

	if (o->raw != stdout && o->raw != stderr)
		rc = fclose(o->raw);
	free(o);
	return rc;
}

__attribute__((weak)) void *outfile_alloc(size_t n)
{
	return calloc(1, n);
}

FILE *outfile_over(FILE *raw, struct outstate *st, int mode, char *buf,
		   size_t size)
{
	static const cookie_io_functions_t io = {
		.write = out_write, .close = out_close
	};
	struct outfile *o = outfile_alloc(sizeof(*o));
	struct stat sb;
	FILE *f;

	if (!o) {
		errno = ENOMEM;
		return NULL;
	}
	o->raw = raw;
	o->st = st;
	/* A regular file never makes a writer wait for a reader, nor do
	   the kernel's memory devices (major 1: /dev/null, /dev/zero,
	   /dev/full, ...), which take or refuse a write at once. */
	o->wait = fstat(fileno(raw), &sb) == 0 && !S_ISREG(sb.st_mode) &&
		  !(S_ISCHR(sb.st_mode) && major(sb.st_rdev) == 1);
	if (o->wait && S_ISFIFO(sb.st_mode)) {
		int psize = fcntl(fileno(raw), F_GETPIPE_SZ);
		long page = sysconf(_SC_PAGESIZE);

		if (psize > 0 && page > 0 && psize > 2 * page)
			o->pipe_room = (size_t)(psize - 2 * page);
	}
	if (!(f = fopencookie(o, "w", io))) {
		free(o);
		errno = ENOMEM;
		return NULL;
	}
	/* raw is never written: its buffer is this stream's. */
	if (buf)
		setvbuf(raw, NULL, _IONBF, 0);
	if (mode >= 0)
		setvbuf(f, buf, mode, buf ? size : 0);
	return f;
}
