/*
 * evidence.c: the evidence pcap (the contract is in evidence.h).
 */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "textfile.h"
#include "util.h"

/* libpcap's file header, and the header of each record (the classic
   pcap format, which pcap_dump_fopen() writes). */
#define PCAP_FILE_HDR   24u
#define PCAP_REC_HDR    16u

struct evidence {
	const char *path;
	char *cur;              /* the file written now: path, or pathN */
	FILE *file;             /* open, until the dumper owns it */
	pcap_dumper_t *dump;
	pcap_t *dead;           /* the dumpers' pcap_open_dead() handle */
	int dlt;                /* -1 until the first frame */
	int snaplen;            /* bytes kept of each frame */
	bool closed;
	bool failed;            /* given up: error says why */
	FILE *say;              /* where that is said, as it happens */
	struct outstate st;     /* what became of the files' writes: a
	                           FIFO's reader that takes nothing holds
	                           the stop SINK_STALL_MS at most */
	char error[160];        /* why */
	char detail[PATH_MAX + 200];   /* why, naming a rotated file */
	uint64_t frames;        /* written */
	uint64_t skipped;       /* of another link type */
	struct evidence_rotation rot;
	uint64_t seq;           /* files started before the current one */
	uint64_t bytes;         /* in the current file, its header included */
	uint64_t cur_frames;    /* in the current file */
	uint64_t *slot_frames;  /* max_files: the frames each file kept holds */
	uint64_t kept;          /* frames in the files kept */
};

/* The slot (name) of the file started seq-th: FILE is slot 0. */
static uint64_t slot_of(const struct evidence *ev, uint64_t seq)
{
	return ev->rot.max_files ? seq % ev->rot.max_files : seq;
}

/* Create the file for slot k (0600 within the umask). A rotated file
   that is a regular file already (the oldest one kept, or one a run
   before left) is removed first, so that a reader holding it keeps
   what it read and the new one starts with a mode of its own; anything
   else of that name is opened as it is (a device stays). -1 with errno. */
static int create(const char *name, bool rotated)
{
	struct stat st;

	if (rotated && lstat(name, &st) == 0 && S_ISREG(st.st_mode) &&
	    unlink(name) != 0)
		return -1;
	/* Evidence holds what crossed the wire, passwords included: only
	   its owner may read it (the umask may take more away, never add). */
	return open_write(name, O_CREAT | O_TRUNC, 0600);
}

/* Set ev->file to a new file named for slot k: 0, or -1 with errno. */
static int open_slot(struct evidence *ev, uint64_t k, bool rotated)
{
	size_t size = strlen(ev->path) + 24;
	FILE *raw;
	int fd;

	if (!ev->cur && !(ev->cur = malloc(size)))
		return -1;
	if (k == 0)
		snprintf(ev->cur, size, "%s", ev->path);
	else
		snprintf(ev->cur, size, "%s%llu", ev->path, (unsigned long long)k);
	fd = create(ev->cur, rotated);
	if (fd < 0)
		return -1;
	if (!(raw = fdopen(fd, "wb"))) {
		close(fd);
		return -1;
	}
	if (!(ev->file = outfile_over(raw, &ev->st, -1, NULL, 0))) {
		fclose(raw);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

struct evidence *evidence_open(const char *path, int dlt, int snaplen,
			       const struct evidence_rotation *rot,
			       struct out_stop *stop, FILE *err)
{
	struct evidence *ev = calloc(1, sizeof(*ev));

	if (!ev) {
		tprintf(err, "impwatch: cannot write %s: %s\n", path,
			strerror(ENOMEM));
		return NULL;
	}
	ev->path = path;
	ev->say = err;
	ev->st.path = path;
	ev->st.stop = stop;
	ev->snaplen = snaplen;
	ev->dlt = dlt;
	if (rot)
		ev->rot = *rot;
	if (ev->rot.max_bytes && ev->rot.max_files &&
	    !(ev->slot_frames = calloc(ev->rot.max_files, sizeof(uint64_t)))) {
		tprintf(err, "impwatch: cannot write %s: %s\n", path,
			strerror(ENOMEM));
		free(ev);
		return NULL;
	}
	/* Created now, so that a path that cannot be written fails before
	   any reading; the pcap header waits for the link type. */
	if (open_slot(ev, 0, false) != 0) {
		int e = errno;

		if (e != EINTR)
			tprintf(err, "impwatch: cannot write %s: %s\n", path,
				strerror(e));
		free(ev->slot_frames);
		free(ev->cur);
		free(ev);
		errno = e;
		return NULL;
	}
	return ev;
}

/* Give the dump up: nothing more is written, and why is kept for the
   summary and said now (with the file's name when it is a rotated one):
   a sensor goes on without its evidence, and whoever reads its journal
   learns of it when it happens, not at the stop. */
static void give_up(struct evidence *ev, const char *why)
{
	if (!ev->failed) {
		tprintf(ev->say, "impwatch: cannot write %s: %s\n",
			ev->cur ? ev->cur : ev->path, why);
		snprintf(ev->error, sizeof(ev->error), "%s", why);
		if (ev->cur && strcmp(ev->cur, ev->path) != 0)
			snprintf(ev->detail, sizeof(ev->detail), "%s: %s",
				 ev->cur, why);
		else
			snprintf(ev->detail, sizeof(ev->detail), "%s", why);
	}
	ev->failed = true;
}

/* A write failed: given up with its reason (outfile.h), a FIFO's reader
   that stalled past the stop in its words. */
static void give_up_write(struct evidence *ev)
{
	char why[160];

	outfile_why(&ev->st, why, sizeof(why));
	give_up(ev, why);
}

/* Write the pcap header for link type dlt; false (and the dump given
   up) when libpcap cannot. */
static bool start(struct evidence *ev, int dlt)
{
	pcap_dumper_t *d;

	if (!ev->dead && !(ev->dead = pcap_open_dead(dlt, ev->snaplen))) {
		give_up(ev, "out of memory");
		return false;
	}
	d = pcap_dump_fopen(ev->dead, ev->file);
	if (!d) {
		give_up(ev, pcap_geterr(ev->dead));
		return false;
	}
	ev->file = NULL;   /* the dumper owns it now */
	ev->dump = d;
	ev->dlt = dlt;
	ev->bytes = PCAP_FILE_HDR;
	ev->cur_frames = 0;
	return true;
}

/* Flush what stdio holds of the current file and close it: false (the
   dump given up) when any of it could not be written. pcap_dump_close()
   says nothing of a failed write, so the flush is checked first. */
static bool finish(struct evidence *ev)
{
	bool ok = pcap_dump_flush(ev->dump) == 0 &&
		  !ferror(pcap_dump_file(ev->dump));

	if (!ok)
		give_up_write(ev);
	pcap_dump_close(ev->dump);
	ev->dump = NULL;
	return ok;
}

/* Close the current file and start the next one, removing the oldest
   past max_files: false (the dump given up) when it cannot be. */
static bool rotate(struct evidence *ev)
{
	uint64_t k;

	if (!finish(ev))
		return false;
	ev->seq++;
	k = slot_of(ev, ev->seq);
	/* The file of this slot was the oldest kept: its frames go. */
	if (ev->slot_frames) {
		ev->kept -= ev->slot_frames[k];
		ev->slot_frames[k] = 0;
	}
	if (open_slot(ev, k, true) != 0) {
		give_up(ev, strerror(errno));
		return false;
	}
	return start(ev, ev->dlt);
}

void evidence_frame(struct evidence *ev, const struct frame_record *fr)
{
	struct pcap_pkthdr h;
	uint64_t rec;

	if (ev->failed || ev->closed)
		return;
	if (!ev->dump && !start(ev, ev->dlt >= 0 ? ev->dlt : fr->dlt))
		return;
	/* One link type per pcap file: frames of another file's are counted
	   and left out rather than written wrongly. */
	if (fr->dlt != ev->dlt) {
		ev->skipped++;
		return;
	}
	h.ts.tv_sec = (time_t)(fr->ts_us / 1000000u);
	h.ts.tv_usec = (suseconds_t)(fr->ts_us % 1000000u);
	h.caplen = fr->caplen < (uint32_t)ev->snaplen ? fr->caplen
						      : (uint32_t)ev->snaplen;
	h.len = fr->wire_len;
	/* A file never grows past max_bytes: the frame that would take it
	   there starts the next one (unless it is the file's first). */
	rec = PCAP_REC_HDR + (uint64_t)h.caplen;
	if (ev->rot.max_bytes && ev->cur_frames &&
	    (ev->bytes >= ev->rot.max_bytes ||
	     rec > ev->rot.max_bytes - ev->bytes) && !rotate(ev))
		return;
	/* h.caplen is at most the frame's caplen: libpcap copies no byte
	   past what was captured. */
	pcap_dump((u_char *)ev->dump, &h, fr->bytes);
	/* stdio writes when its buffer fills: a full disk shows here, as
	   the stream's error flag, the first time a write fails. What
	   follows a gap would be no capture at all: stop there. */
	if (ferror(pcap_dump_file(ev->dump))) {
		give_up_write(ev);
		return;
	}
	ev->frames++;
	ev->cur_frames++;
	ev->bytes += rec;
	ev->kept++;
	if (ev->slot_frames)
		ev->slot_frames[slot_of(ev, ev->seq)]++;
}

int evidence_close(struct evidence *ev, int fallback_dlt)
{
	if (ev->closed)
		return ev->failed ? -1 : 0;
	ev->closed = true;
	/* No finding at all: still a valid (empty) capture file, of the
	   link type seen, Ethernet when none was. */
	if (ev->file && !ev->failed)
		start(ev, ev->dlt >= 0 ? ev->dlt :
			  fallback_dlt >= 0 ? fallback_dlt : DLT_EN10MB);
	if (ev->file) {
		if (fclose(ev->file) != 0)
			give_up_write(ev);
		ev->file = NULL;
	}
	if (ev->dump)
		finish(ev);
	if (ev->dead) {
		pcap_close(ev->dead);
		ev->dead = NULL;
	}
	/* give_up() said why. */
	return ev->failed ? -1 : 0;
}

const char *evidence_path(const struct evidence *ev)
{
	return ev->path;
}

uint64_t evidence_frames(const struct evidence *ev)
{
	/* A dump that failed holds no frame anyone can count on. */
	return ev->failed ? 0 : ev->frames;
}

uint64_t evidence_skipped(const struct evidence *ev)
{
	return ev->skipped;
}

const char *evidence_error(const struct evidence *ev)
{
	return ev->failed ? ev->detail : NULL;
}

uint64_t evidence_files(const struct evidence *ev)
{
	return ev->seq + 1;
}

uint64_t evidence_files_kept(const struct evidence *ev)
{
	if (ev->rot.max_files && ev->seq + 1 > ev->rot.max_files)
		return ev->rot.max_files;
	return ev->seq + 1;
}

uint64_t evidence_frames_kept(const struct evidence *ev)
{
	return ev->failed ? 0 : ev->kept;
}

const char *evidence_newest(const struct evidence *ev)
{
	return ev->cur ? ev->cur : ev->path;
}

void evidence_free(struct evidence *ev)
{
	if (!ev)
		return;
	evidence_close(ev, -1);
	free(ev->slot_frames);
	free(ev->cur);
	free(ev);
}
