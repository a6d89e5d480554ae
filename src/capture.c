/*
 * capture.c: offline reading with libpcap.
 */
#define _GNU_SOURCE   /* fopencookie() */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"
#include "pcapng.h"
#include "util.h"

/* Progress is looked at every this many packets: a cheap test on the
   per-packet path, and often enough for a line a person watches. */
#define PROGRESS_EVERY 16384u

/* stdio's buffer for a capture file. libpcap reads each record with two
   fread() calls; with stdio's default buffer (one 4 KiB block) a busy
   capture costs a read() system call every few records, and on this
   project's benchmark those calls were a third of the time it takes to
   read the file at all. A reader has one file open at a time, so one
   buffer for files; standard input keeps its own, since what it holds
   unread must survive the files read between two "-". Both are the
   reader's: nothing here is shared between readers.
   Each starts on a page. read() copies the file into it, and a copy to
   malloc()'s block, 16 bytes past a page, splits every line it writes:
   300 MB mixed capture, --no-dpi, the kernel's copy took 1,080 to 1,670
   samples of a run against some 690 (perf), the run 10 to 20 ms more. */
#define READ_BUFFER (1u << 18)
#define READ_ALIGN  4096u

/*
 * A pipe, a FIFO (anything but a file on disk) cannot be read twice, so
 * what libpcap does not hand over (a pcapng's record of its losses,
 * pcapng.h) is read as libpcap reads it, on the way (struct tap):
 * libpcap reads through a stream of fopencookie(3) whose reads are
 * read(2)s of the descriptor into the reader's buffer. The stream hands
 * libpcap what its buffer holds and reads again only when libpcap has
 * taken all of it: so the bytes of one read are fed to pcapng.c at the
 * next, or, at the end, as far as libpcap took them (tap_drain()), and
 * pcapng.c sees exactly the bytes libpcap took, once.
 *
 * A file on disk is not read so: glibc's stream of fopencookie() copies
 * the short reads libpcap makes (each record's header) a byte at a
 * time, and on the project's 30 MB mixed capture (--no-dpi, one
 * thread) the tap cost 3% more instructions for a pcap, 10% for a
 * pcapng than libpcap reading the file's own stream and the spans
 * walked again (struct png_count). A file on disk keeps that.
 */
struct tap {
	int fd;                 /* the descriptor; -1 when closed */
	bool own;               /* fd is closed with the stream: not stdin */
	uint64_t at;            /* the offset read to */
	const uint8_t *last;    /* the last read's bytes, in the buffer, */
	size_t last_n, last_fed;   /* how many, and how many fed */
	bool failed;            /* a read failed: errno was libpcap's */
	uint8_t head[8];        /* the first bytes: say_compressed() */
	size_t nhead;
	struct pcapng_drops *drops;   /* what the file says it lost */
};

struct file_reader {
	char *file_buf;         /* READ_BUFFER, behind each file in turn */
	char *stdin_buf;        /* READ_BUFFER, behind standard input */
	bool stdin_buffered;    /* stdin reads through stdin_buf */
	bool tapped;            /* the file is read through the tap */
	struct tap tap;         /* and its drops, for a file on disk too */
};

struct file_reader *file_reader_new(void)
{
	struct file_reader *rd = calloc(1, sizeof(*rd));

	if (!rd)
		return NULL;
	rd->file_buf = aligned_alloc(READ_ALIGN, READ_BUFFER);
	rd->tap.drops = pcapng_drops_new();
	rd->tap.fd = -1;
	if (!rd->file_buf || !rd->tap.drops) {
		free(rd->file_buf);
		pcapng_drops_free(rd->tap.drops);
		free(rd);
		return NULL;
	}
	return rd;
}

const void *file_reader_buffer(const struct file_reader *rd)
{
	return rd->file_buf;
}

void file_reader_free(struct file_reader *rd)
{
	if (!rd)
		return;
	/* Standard input outlives the reader: it gives the buffer back
	   (glibc takes a new buffer at any time, unread bytes of a
	   seekable input going back to the descriptor). */
	if (rd->stdin_buffered)
		(void)setvbuf(stdin, NULL, _IONBF, 0);
	free(rd->stdin_buf);
	free(rd->file_buf);
	pcapng_drops_free(rd->tap.drops);
	free(rd);
}

/*
 * A run stopped by a signal while it waits on a pipe, a FIFO or a
 * terminal. The handler only sets a flag, and the read loop looks at it
 * between records; a read that is already waiting, or that starts just
 * after the loop looked, would wait until the writer writes or goes away,
 * which may be never. capture_interrupt() puts /dev/null in place of the
 * descriptor being read (dup2() may be called from a signal handler):
 * the waiting read, restarted after the handler, and any later one find
 * the end of the file at once. Regular files never wait: left alone.
 */
static volatile sig_atomic_t waiting_fd = -1;   /* may block; -1: none */
static int null_fd = -1;                        /* /dev/null, kept open */

void capture_interrupt(void)
{
	int fd = waiting_fd;

	if (fd >= 0 && null_fd >= 0)
		(void)dup2(null_fd, fd);
}

/* Before fd is read: note it when reading it may wait. */
static void watch_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || S_ISREG(st.st_mode))
		return;
	if (null_fd < 0)
		null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	waiting_fd = fd;
}

/* How often a wait for a FIFO's writer looks at the run's stop flag, in
   case the signal came just before the wait began. */
#define FIFO_POLL_MS 200

/*
 * Open fname for reading. A FIFO's open() waits for a writer, and a
 * signal does not end that wait (the handler returns into it), nor can
 * capture_interrupt(), with no descriptor yet: so every file is opened
 * without waiting, and a FIFO, watched as a read that may wait, is
 * polled until a writer sends its first bytes or goes, which a signal
 * ends (stop then set). Reads then wait as on any pipe. -1 with errno
 * set (EINTR when stopped).
 */
static int open_input(const char *fname, volatile sig_atomic_t *stop)
{
	struct pollfd pfd;
	struct stat st;
	int fd, fl, n = 1, e;

	fd = open(fname, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		if (null_fd < 0)
			null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		waiting_fd = fd;
		pfd.fd = fd;
		pfd.events = POLLIN;
		do {
			if (stop && *stop) {
				errno = EINTR;
				goto fail;
			}
			n = poll(&pfd, 1, FIFO_POLL_MS);
		} while (n == 0 || (n < 0 && errno == EINTR));
		if (n < 0)
			goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto fail;
	return fd;
fail:
	/* waiting_fd stays: the caller tells a stop from an error by it. */
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* What a compressor writes first: libpcap reads no compressed file,
   and says only "unknown file format" of one. */
static const struct compressed {
	const char *magic;
	size_t len;
	const char *tool;       /* its name, and its command: TOOL -dc */
} COMPRESSED[] = {
	{ "\x1f\x8b", 2, "gzip" },                   /* RFC 1952 */
	{ "BZh", 3, "bzip2" },
	{ "\xfd" "7zXZ\0", 6, "xz" },
	{ "\x28\xb5\x2f\xfd", 4, "zstd" },             /* RFC 8878 */
	{ "\x04\x22\x4d\x18", 4, "lz4" },              /* LZ4 frame */
};

/* When libpcap refused a file whose first n bytes are b: a compressed
   file is said to be one, with the command that reads it, in errbuf. */
static void say_compressed(const uint8_t *b, size_t n, char *errbuf)
{
	size_t i;

	for (i = 0; i < sizeof(COMPRESSED) / sizeof(COMPRESSED[0]); i++) {
		const struct compressed *c = &COMPRESSED[i];

		if (n < c->len || memcmp(b, c->magic, c->len) != 0)
			continue;
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "compressed with %s, not a "
			 "pcap or pcapng capture: decompress it first (%s -dc "
			 "FILE | impwatch -r -)", c->tool, c->tool);
		return;
	}
}

/* When libpcap refused a file whose first n bytes are b: an empty one
   is said to be (libpcap says "truncated dump file; tried to read 4
   file header bytes, only got 0"), a compressed one too. */
static void say_refused(const uint8_t *b, size_t n, char *errbuf)
{
	if (n == 0)
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "empty (0 bytes), not a "
			 "pcap or pcapng capture");
	else
		say_compressed(b, n, errbuf);
}

/* The bytes of the tap's last read that libpcap took, to pcapng.c. */
static void tap_feed(struct tap *t, size_t upto)
{
	if (upto > t->last_fed) {
		pcapng_feed(t->drops, t->last + t->last_fed,
			    upto - t->last_fed);
		t->last_fed = upto;
	}
}

/* One of libpcap's reads, when it has taken all the last one gave: a
   read(2) into the stream's buffer. -1 on a read error (errno says
   which), 0 at the end. */
static ssize_t tap_read(void *cookie, char *buf, size_t n)
{
	struct tap *t = cookie;
	ssize_t got;
	size_t k;

	tap_feed(t, t->last_n);
	got = read(t->fd, buf, n);
	if (got < 0) {
		t->failed = true;
		return -1;
	}
	if (t->nhead < sizeof(t->head)) {
		k = sizeof(t->head) - t->nhead;
		k = k < (size_t)got ? k : (size_t)got;
		memcpy(t->head + t->nhead, buf, k);
		t->nhead += k;
	}
	t->last = (const uint8_t *)buf;
	t->last_n = (size_t)got;
	t->last_fed = 0;
	t->at += (uint64_t)got;
	return got;
}

/* ftell(): the offset read to, of which the stream deducts what libpcap
   has not taken. The stream cannot be moved. */
static int tap_seek(void *cookie, off64_t *pos, int whence)
{
	struct tap *t = cookie;

	if (whence != SEEK_CUR || *pos != 0 || t->at > INT64_MAX) {
		errno = ESPIPE;
		return -1;
	}
	*pos = (off64_t)t->at;
	return 0;
}

/* libpcap closes the file: its descriptor with it, but standard input,
   which outlives the run. */
static int tap_close(void *cookie)
{
	struct tap *t = cookie;
	int fd = t->fd;

	t->fd = -1;
	return t->own ? close(fd) : 0;
}

/* The reading stops: what libpcap took of the last read, to pcapng.c
   (fp: the tap's stream). */
static void tap_drain(struct tap *t, FILE *fp)
{
	long at = ftell(fp);
	uint64_t unread;

	if (at < 0 || (uint64_t)at > t->at)
		return;
	unread = t->at - (uint64_t)at;
	if (unread <= t->last_n)
		tap_feed(t, t->last_n - (size_t)unread);
}

/* A stream for libpcap that reads fd through the reader's tap and
   buffer, closing fd when it owns it; NULL when out of memory (fd
   closed too when owned). */
static FILE *tap_open(struct tap *t, int fd, bool own, char *buf)
{
	static const cookie_io_functions_t io = {
		.read = tap_read, .seek = tap_seek, .close = tap_close
	};
	off_t at = lseek(fd, 0, SEEK_CUR);
	FILE *fp;

	t->fd = fd;
	t->own = own;
	t->at = at > 0 ? (uint64_t)at : 0;     /* a pipe: from here */
	t->last = NULL;
	t->last_n = t->last_fed = 0;
	t->failed = false;
	t->nhead = 0;
	pcapng_drops_start(t->drops, t->at);
	fp = fopencookie(t, "rb", io);
	if (!fp || setvbuf(fp, buf, _IOFBF, READ_BUFFER) != 0) {
		if (fp)
			fclose(fp);
		else
			(void)tap_close(t);
		return NULL;
	}
	return fp;
}

/* A file on disk (standard input, in, redirected from one too) for
   libpcap with the reader's buffer behind it; fd is closed on failure,
   unless stdin. */
static pcap_t *open_seekable(struct file_reader *rd, int fd, bool in,
			     char *errbuf)
{
	uint8_t b[sizeof(rd->tap.head)];
	long start;
	ssize_t n;
	FILE *fp;
	pcap_t *p;

	if (in) {
		fp = stdin;
		/* setvbuf() only before a stream's first read: standard
		   input named twice keeps the buffer it was given (none,
		   stdio's own, when there was no memory for one). */
		if (!rd->stdin_buffered && !rd->stdin_buf &&
		    (rd->stdin_buf = aligned_alloc(READ_ALIGN,
						   READ_BUFFER)) != NULL &&
		    setvbuf(fp, rd->stdin_buf, _IOFBF, READ_BUFFER) == 0)
			rd->stdin_buffered = true;
	} else if (!(fp = fdopen(fd, "rb"))) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		close(fd);
		return NULL;
	} else {
		(void)setvbuf(fp, rd->file_buf, _IOFBF, READ_BUFFER);
	}
	start = ftell(fp);
	p = pcap_fopen_offline_with_tstamp_precision(fp,
			PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p)
		return p;
	/* Read again with pread(): fp's stdio buffer is libpcap's. */
	n = start >= 0 ? pread(fileno(fp), b, sizeof(b), start) : -1;
	if (n >= 0)
		say_refused(b, (size_t)n, errbuf);
	if (fp != stdin)
		fclose(fp);
	return NULL;
}

/* A pipe, a FIFO, for libpcap through the reader's tap and buffer; fd
   is closed on failure, unless standard input (in). */
static pcap_t *open_tapped(struct file_reader *rd, int fd, bool in,
			   char *errbuf)
{
	FILE *fp = tap_open(&rd->tap, fd, !in, rd->file_buf);
	pcap_t *p;

	if (!fp) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(ENOMEM));
		return NULL;
	}
	p = pcap_fopen_offline_with_tstamp_precision(fp,
			PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p)
		return p;
	if (rd->tap.nhead || !rd->tap.failed)    /* a read error is libpcap's */
		say_refused(rd->tap.head, rd->tap.nhead, errbuf);
	fclose(fp);
	return NULL;
}

/* Open fname ("-": standard input) for libpcap, a file on disk as it
   is, anything else through the tap (rd->tapped). NULL with errbuf set
   as pcap_open_offline() would. */
static pcap_t *open_offline(struct file_reader *rd, const char *fname,
			    volatile sig_atomic_t *stop, char *errbuf)
{
	bool in = strcmp(fname, "-") == 0;
	int fd = STDIN_FILENO;
	struct stat st;

	if (!in && (fd = open_input(fname, stop)) < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", fname,
			 strerror(errno));
		return NULL;
	}
	/* A terminal would be read, silent, until a signal: no one types
	   a capture (-r - with nothing redirected, most likely). */
	if (isatty(fd)) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "is a terminal, not a "
			 "capture: give a file, or redirect standard input "
			 "from one (-r - < FILE)");
		if (!in)
			close(fd);
		return NULL;
	}
	/* libpcap reads the file header now: that read may wait too. */
	watch_fd(fd);
	rd->tapped = fstat(fd, &st) != 0 || !S_ISREG(st.st_mode);
	return rd->tapped ? open_tapped(rd, fd, in, errbuf) :
			    open_seekable(rd, fd, in, errbuf);
}

/* Microseconds since the epoch; a negative time (a damaged header) is
   0. A pcapng stamp may be anywhere in 64 bits, at any resolution: one
   past what a record can say (STAMP_MAX_US) is that, which keeps the
   order of stamps for the clock (never a product wrapped into 1970). */
static uint64_t ts_of(const struct pcap_pkthdr *h, bool classic)
{
	uint64_t sec, us;

	if (h->ts.tv_usec < 0)
		return 0;
	/* Classic pcap's seconds are an unsigned 32-bit count, to 2106
	   (draft-ietf-opsawg-pcap, 5); libpcap 1.10 reads them signed,
	   so from 2038-01-19T03:14:08Z on they come out negative. */
	if (classic && h->ts.tv_sec < 0 && h->ts.tv_sec >= INT32_MIN)
		sec = (uint32_t)h->ts.tv_sec;
	else if (h->ts.tv_sec < 0)
		return 0;
	else
		sec = (uint64_t)h->ts.tv_sec;
	if (sec > STAMP_MAX_US / 1000000u)
		return STAMP_MAX_US;
	/* At most 2.6e17 plus a 32-bit tv_usec: no wrap. */
	us = sec * 1000000u + (uint64_t)h->ts.tv_usec;
	return us < STAMP_MAX_US ? us : STAMP_MAX_US;
}

static void set_link_error(struct file_stat *fs, int dlt)
{
	const char *name = pcap_datalink_val_to_name(dlt);
	const char *desc = pcap_datalink_val_to_description(dlt);

	if (name)
		snprintf(fs->error, sizeof(fs->error),
			 "unsupported link type %d (%s%s%s)", dlt, name,
			 desc ? ": " : "", desc ? desc : "");
	else
		snprintf(fs->error, sizeof(fs->error),
			 "unsupported link type %d", dlt);
}

/*
 * Compile a BPF filter into *prog for p's link type; -1 with err set
 * when it does not compile. The filter is run by libpcap's
 * pcap_offline_filter() on each record the loop reads, not installed
 * with pcap_setfilter(): installed, libpcap would skip non-matching
 * records inside pcap_next_ex(), unseen, and the offset of a damaged
 * record could not be named.
 */
static int compile_filter(pcap_t *p, const char *filter,
			  struct bpf_program *prog, char *err, size_t errlen)
{
	if (pcap_compile(p, prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bad filter '%s': %s", filter,
			 pcap_geterr(p));
		return -1;
	}
	return 0;
}

/* Whether filter compiles for p's link type; err set when not. */
static int filter_compiles(pcap_t *p, const char *filter, char *err,
			   size_t errlen)
{
	struct bpf_program prog;

	if (compile_filter(p, filter, &prog, err, errlen) < 0)
		return -1;
	pcap_freecode(&prog);
	return 0;
}

/* A link type's snap length for a filter compiled with no capture: the
   compiler only puts it in the program's "accept" return. */
#define CHECK_SNAPLEN 262144

/* Whether filter compiles for some link type impwatch decodes; err set
   to the first refusal when for none. */
static int filter_compiles_somewhere(const char *filter, char *err,
				     size_t errlen)
{
	bool said = false;
	pcap_t *p;
	int dlt;

	for (dlt = 0; dlt <= DLT_MATCHING_MAX; dlt++) {
		if (!decode_link_supported(dlt))
			continue;
		p = pcap_open_dead(dlt, CHECK_SNAPLEN);
		if (!p)
			return 0;      /* no memory: the read compiles it */
		if (filter_compiles(p, filter, said ? NULL : err,
				    said ? 0 : errlen) == 0) {
			pcap_close(p);
			return 0;
		}
		said = true;
		pcap_close(p);
	}
	return said ? -1 : 0;
}

/* Whether filter compiles for the capture p, closed on return (NULL:
   none could be opened, and the read says why, as it says it without a
   filter); err set when not. */
static int check_capture(pcap_t *p, const char *filter, char *err,
			 size_t errlen)
{
	int rc = 0;

	if (!p)
		return 0;
	/* A link type impwatch does not decode: the read says so too. */
	if (decode_link_supported(pcap_datalink(p)))
		rc = filter_compiles(p, filter, err, errlen);
	pcap_close(p);
	return rc;
}

/*
 * Standard input, when it is a regular file (-r - < FILE): its header
 * read through a descriptor of its own, whose offset (shared with
 * standard input's) is put back after, so that the read finds the file
 * where it was. Nothing has read standard input yet: its stdio buffer is
 * empty. A pipe or a terminal cannot be read twice: for it, some link
 * type impwatch decodes must take the filter.
 */
static int check_stdin(const char *filter, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct stat st;
	pcap_t *p;
	FILE *fp;
	off_t at;
	int fd, rc;

	if (fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (at = lseek(STDIN_FILENO, 0, SEEK_CUR)) < 0 ||
	    (fd = dup(STDIN_FILENO)) < 0)
		return filter_compiles_somewhere(filter, err, errlen);
	fp = fdopen(fd, "rb");
	if (!fp) {
		close(fd);
		return filter_compiles_somewhere(filter, err, errlen);
	}
	p = pcap_fopen_offline_with_tstamp_precision(fp,
			PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!p)
		fclose(fp);
	rc = check_capture(p, filter, err, errlen);   /* closes fp */
	(void)lseek(STDIN_FILENO, at, SEEK_SET);
	return rc;
}

int capture_check_filter(const char *name, const char *filter, char *err,
			 size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct stat st;

	if (strcmp(name, "-") == 0)
		return check_stdin(filter, err, errlen);
	/* A FIFO, a device: read once, by the run. */
	if (stat(name, &st) != 0 || !S_ISREG(st.st_mode))
		return filter_compiles_somewhere(filter, err, errlen);
	return check_capture(pcap_open_offline_with_tstamp_precision(name,
				PCAP_TSTAMP_PRECISION_MICRO, ebuf),
			     filter, err, errlen);
}

/* Whether a read that failed or ended was cut short by *stop: on a
   descriptor capture_interrupt() may have swapped for /dev/null, an end
   or an error after the signal is the signal's doing. */
static bool stopped_here(volatile sig_atomic_t *stop)
{
	return stop && *stop && waiting_fd >= 0;
}

/*
 * Classic pcap: where the record after one of caplen bytes at pos
 * starts, counted without a system call once a record header's size is
 * known. It is 16 bytes, 24 in the modified format (magic 0xa1b2cd34:
 * an interface index, a protocol and a packet type more), and libpcap
 * does not say which: the first record measures it with ftell(). So
 * does a record longer than the snap length, which libpcap reads whole
 * and gives shortened. -1 when the position cannot be asked.
 */
static long next_record(FILE *fp, long pos, uint32_t caplen, uint32_t snap,
			long *hdr)
{
	long now;

	if (caplen < snap && *hdr)
		return pos + *hdr + (long)caplen;
	now = ftell(fp);
	if (caplen < snap && now >= 0)
		*hdr = now - pos - (long)caplen;
	return now;
}

/* Whether p's words are big-endian (its section header's byte order). */
static bool pcapng_be(pcap_t *p)
{
	const uint16_t one = 1;
	bool host_be = *(const uint8_t *)&one == 0;

	return host_be != (pcap_is_swapped(p) != 0);
}

/*
 * pcapng: where each call began, counted as classic pcap's records are
 * (next_record()), but only as far as the count can be checked: libpcap
 * reads the blocks that hold no packet (interfaces, statistics, name
 * resolution, custom and unknown blocks), and a packet's options, in
 * the same call as the packet, and says nothing of them. Each packet is
 * counted as the least span its block can take (png_least()); ftell()
 * is asked every so often (every, doubled while the count holds, to
 * PCAPNG_CHECK_EVERY), and where it says the count is short, the spans
 * since the last check held more than their packets: they are walked
 * (pcapng.c) for the losses the file records. So at is always where a
 * call began, and every block before it is read, or held nothing. But
 * for the obsolete Packet Block: it counts its losses in its fixed
 * part, its span the least; so the first span is always walked, and
 * once a walk met one, every span is.
 */
struct png_count {
	long at;                /* checked: where a call began; -1 unknown
	                           (a pipe) */
	long pos;               /* counted: where the next call begins */
	unsigned due, every;    /* calls since at; calls between checks */
	bool walked;            /* a span was walked */
};

/*
 * The least span a packet block of caplen bytes takes, with nothing
 * before it and no option: an Enhanced (or the old Packet) Block is 32
 * bytes and the data padded to 32 bits, a Simple Packet Block 16 bytes
 * less. libpcap gives an SPB's packet no fraction of a second (the block
 * has no stamp), so a packet with one came from no SPB. A span longer
 * than the least is seen at the next check, and walked.
 */
static long png_least(const struct pcap_pkthdr *h)
{
	long span = pcapng_packet_span(h->caplen);

	return h->ts.tv_usec == 0 ? span - 16 : span;
}

static void png_count_start(struct png_count *c, long pos)
{
	c->at = c->pos = pos;
	c->due = 0;
	c->every = 1;
	c->walked = false;
}

/* A packet read, by a call that began where the count says. */
static void png_count_packet(struct png_count *c, const struct pcap_pkthdr *h)
{
	if (c->at >= 0)
		c->pos += png_least(h);
	c->due++;
}

/*
 * Before the next call, when one is due (or the reading stops): where
 * it begins, asked. Each span counted is the least its call can have
 * read, so the count is right only when each one is: otherwise the
 * spans since the last check are walked for their losses (into d),
 * and checks come at once again until the count holds. The first span,
 * and every span of a file of Packet Blocks, are walked anyway.
 */
static void png_look(struct png_count *c, struct pcapng_drops *d,
		     pcap_t *p, FILE *fp)
{
	long was = ftell(fp);

	if (was < 0)
		return;         /* not seekable after all: checked later */
	if (was != c->pos || !c->walked || pcapng_walk_every(d)) {
		(void)pcapng_walk(d, fileno(fp), pcapng_be(p), c->at, was,
				  was);
		c->walked = true;
	}
	if (was != c->pos)
		c->every = 1;
	else if (c->every < PCAPNG_CHECK_EVERY)
		c->every *= 2;
	c->at = c->pos = was;
	c->due = 0;
}

/* Before each call: a look when one is due (png_look()), out of the
   way of the packets that need none. */
static inline void png_check(struct png_count *c, struct pcapng_drops *d,
			     pcap_t *p, FILE *fp, bool now)
{
	if (c->at >= 0 && (now || c->due >= c->every))
		png_look(c, d, p, fp);
}

/*
 * pcapng: where the damaged block starts, after packets packets handed
 * over. The failed call may have begun with good blocks before the
 * damaged one, whose losses are read as any others'. Through the tap,
 * pcapng.c knows, once it has every byte libpcap took (after a read
 * error: where the reading stopped). From a file on disk: libpcap
 * reads a block's header, then the rest of it, and stops where it
 * found the damage; the damaged block is the first, walking the blocks'
 * lengths from the last checked call (c->at: the calls since then read
 * only good blocks), that reaches where libpcap stopped, or whose
 * header is cut or gives no block's length; c->at when the walk cannot
 * be made.
 */
static long pcapng_damaged(struct file_reader *rd, pcap_t *p, FILE *fp,
			   const struct png_count *c, uint64_t packets)
{
	uint64_t at;
	long end;

	if (rd->tapped) {
		tap_drain(&rd->tap, fp);
		if (rd->tap.failed)
			return ftell(fp);
		at = pcapng_damaged_at(rd->tap.drops, packets);
		return at <= LONG_MAX ? (long)at : -1;
	}
	end = c->at >= 0 ? ftell(fp) : -1;
	if (end < 0)
		return c->at;
	return pcapng_walk(rd->tap.drops, fileno(fp), pcapng_be(p), c->at,
			   end, end - 1);
}

/* At the end of the file: the blocks after the last packet too
   (statistics are written at the end of a capture). Through the tap,
   the bytes libpcap took of the last read; from a file on disk, the
   spans since the last check, unless the count held to the end and
   they need no walk as png_look() judges (a Packet Block's count is
   in a span of the least length). */
static void pcapng_end(struct file_reader *rd, pcap_t *p, FILE *fp,
		       const struct png_count *c)
{
	long end;

	if (rd->tapped) {
		tap_drain(&rd->tap, fp);
		return;
	}
	end = c->at >= 0 ? ftell(fp) : -1;
	if (end > c->at && (end != c->pos || !c->walked ||
			    pcapng_walk_every(rd->tap.drops)))
		(void)pcapng_walk(rd->tap.drops, fileno(fp), pcapng_be(p),
				  c->at, end, end);
}

int capture_read_file(struct file_reader *rd, struct file_stat *fs,
		      const char *filter,
		      packet_fn on_packet, progress_fn on_progress, void *ctx,
		      volatile sig_atomic_t *stop)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *bytes;
	struct stat st;
	uint64_t total = 0;
	long pos = -1;
	FILE *fp;
	pcap_t *p;
	int rc, dlt;
	bool classic, pcapng;
	uint32_t snap;
	long rec_hdr = 0;       /* classic: a record header's bytes, 0 unknown */
	struct png_count png = { -1, -1, 0, 1, false };
	struct pcapng_drops *d = rd->tap.drops;
	struct bpf_program prog;

	fs->dlt = -1;
	fs->stop_offset = -1;
	fs->error[0] = '\0';
	fs->filter_refused = false;
	fs->state = FILE_ERROR;
	memset(&fs->drops, 0, sizeof(fs->drops));
	if (strcmp(fs->name, "-") != 0) {
		/* libpcap would say "error reading dump file" of a folder;
		   name the cause instead. */
		if (stat(fs->name, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(fs->error, sizeof(fs->error), "is a directory");
			return -1;
		}
	}
	p = open_offline(rd, fs->name, stop, errbuf);
	if (!p) {
		const char *why = errbuf[0] ? errbuf : strerror(errno);
		size_t n = strlen(fs->name);

		if (stopped_here(stop)) {
			waiting_fd = -1;
			fs->state = FILE_INTERRUPTED;
			return 0;
		}
		waiting_fd = -1;
		/* libpcap names the file itself; the caller does too. */
		if (strncmp(why, fs->name, n) == 0 && strncmp(why + n, ": ", 2) == 0)
			why += n + 2;
		snprintf(fs->error, sizeof(fs->error), "%s", why);
		return -1;
	}
	dlt = pcap_datalink(p);
	fs->dlt = dlt;
	if (!decode_link_supported(dlt)) {
		set_link_error(fs, dlt);
		goto fail;
	}
	if (filter && compile_filter(p, filter, &prog, fs->error,
				     sizeof(fs->error)) < 0) {
		fs->filter_refused = true;
		goto fail;
	}
	fp = pcap_file(p);
	if (fp && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
		total = (uint64_t)st.st_size;
	/* Where each record starts, to say where a damaged one is. ftell()
	   is a system call on a file on disk: for classic pcap (major
	   version 2) the offset is counted instead (next_record()), for
	   pcapng (major version 1) counted and checked (struct png_count),
	   and a damaged block found from there; through the tap, pcapng.c
	   follows every block, and reads its losses (struct tap). */
	classic = pcap_major_version(p) == 2;
	pcapng = pcap_major_version(p) == 1;
	snap = (uint32_t)pcap_snapshot(p);
	pos = fp ? ftell(fp) : -1;
	if (pcapng) {
		fs->drops.read = DROPS_READ;
		if (!rd->tapped) {
			pcapng_drops_start(d, pos >= 0 ? (uint64_t)pos : 0);
			png_count_start(&png, pos);
		}
	}

	for (;;) {
		if (pcapng)
			png_check(&png, d, p, fp, stop && *stop);
		else if (!classic)
			pos = fp ? ftell(fp) : -1;
		if (stop && *stop) {
			fs->state = FILE_INTERRUPTED;
			break;
		}
		rc = pcap_next_ex(p, &h, &bytes);
		if (rc == 1) {
			if (pcapng)
				png_count_packet(&png, h);
			if (classic && pos >= 0)
				pos = next_record(fp, pos, h->caplen, snap,
						  &rec_hdr);
			if (filter && !pcap_offline_filter(&prog, h, bytes)) {
				fs->filtered++;
				continue;
			}
			fs->packets++;
			fs->bytes += h->len;
			/* bytes holds h->caplen bytes (libpcap's word): the
			   decoder reads them through a cursor that long. */
			on_packet(ctx, dlt, ts_of(h, classic), bytes,
				  h->caplen, h->len);
			if (on_progress && total && fs->packets % PROGRESS_EVERY == 0) {
				long now = ftell(fp);

				on_progress(ctx, now > 0 ? (uint64_t)now : 0, total);
			}
			continue;
		}
		if (rc == 0) {
			/* filtered out (offline never times out): a span
			   not counted, so checked at once */
			png.due = png.every;
			continue;
		}
		if (stopped_here(stop)) {
			fs->state = FILE_INTERRUPTED;
			break;         /* not the end: the signal's /dev/null */
		}
		if (rc == PCAP_ERROR_BREAK) {
			fs->state = FILE_COMPLETE;
			/* The blocks after the last packet: statistics are
			   written at the end of a capture. */
			if (pcapng)
				pcapng_end(rd, p, fp, &png);
			break;         /* end of file */
		}
		if (pcapng)
			pos = pcapng_damaged(rd, p, fp, &png,
					     fs->packets + fs->filtered);
		fs->stop_offset = pos;
		if (pos >= 0)
			snprintf(fs->error, sizeof(fs->error),
				 "damaged record at byte offset %ld, after packet %llu: %s",
				 pos, (unsigned long long)fs->packets, pcap_geterr(p));
		else
			snprintf(fs->error, sizeof(fs->error),
				 "damaged record after packet %llu: %s",
				 (unsigned long long)fs->packets, pcap_geterr(p));
		if (filter)
			pcap_freecode(&prog);
		goto fail;
	}
	if (filter)
		pcap_freecode(&prog);
	waiting_fd = -1;
	if (fs->drops.read == DROPS_READ) {
		if (fs->state == FILE_INTERRUPTED)
			pcapng_end(rd, p, fp, &png);
		pcapng_drops_total(d, &fs->drops);
	}
	pcap_close(p);
	return 0;
fail:
	if (fs->drops.read == DROPS_READ)
		pcapng_drops_total(d, &fs->drops);
	waiting_fd = -1;
	pcap_close(p);
	return -1;
}
