/*
 * evidence.c: the evidence pcap (the contract is in evidence.h).
 */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct evidence {
	const char *path;
	FILE *file;             /* open, until the dumper owns it */
	pcap_dumper_t *dump;
	pcap_t *dead;           /* the dumper's pcap_open_dead() handle */
	int dlt;                /* -1 until the first frame */
	int snaplen;            /* bytes kept of each frame */
	bool closed;
	bool failed;            /* given up: error says why */
	char error[160];
	uint64_t frames;        /* written */
	uint64_t skipped;       /* of another link type */
};

struct evidence *evidence_open(const char *path, int dlt, int snaplen,
			       FILE *err)
{
	struct evidence *ev = calloc(1, sizeof(*ev));
	int fd;

	if (!ev) {
		fprintf(err, "impwatch: cannot write %s: %s\n", path,
			strerror(ENOMEM));
		return NULL;
	}
	/* Created now, so that a path that cannot be written fails before
	   any reading; the pcap header waits for the link type. Evidence
	   holds what crossed the wire, passwords included: only its owner
	   may read it (the umask may take more away, never add). */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(ev->file = fdopen(fd, "wb"))) {
		fprintf(err, "impwatch: cannot write %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		free(ev);
		return NULL;
	}
	ev->path = path;
	ev->snaplen = snaplen;
	ev->dlt = dlt;
	return ev;
}

/* Give the dump up: nothing more is written, and why is kept for the
   summary and for evidence_close() to say. */
static void give_up(struct evidence *ev, const char *why)
{
	if (!ev->failed)
		snprintf(ev->error, sizeof(ev->error), "%s", why);
	ev->failed = true;
}

/* Write the pcap header for link type dlt; false (and the dump given
   up) when libpcap cannot. */
static bool start(struct evidence *ev, int dlt)
{
	pcap_t *dead = pcap_open_dead(dlt, ev->snaplen);
	pcap_dumper_t *d;

	if (!dead) {
		give_up(ev, "out of memory");
		return false;
	}
	d = pcap_dump_fopen(dead, ev->file);
	if (!d) {
		give_up(ev, pcap_geterr(dead));
		pcap_close(dead);
		return false;
	}
	ev->file = NULL;   /* the dumper owns it now */
	ev->dump = d;
	ev->dead = dead;
	ev->dlt = dlt;
	return true;
}

void evidence_frame(struct evidence *ev, const struct frame_record *fr)
{
	struct pcap_pkthdr h;

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
	pcap_dump((u_char *)ev->dump, &h, fr->bytes);
	/* stdio writes when its buffer fills: a full disk shows here, as
	   the stream's error flag, the first time a write fails. What
	   follows a gap would be no capture at all: stop there. */
	if (ferror(pcap_dump_file(ev->dump))) {
		give_up(ev, strerror(errno));
		return;
	}
	ev->frames++;
}

int evidence_close(struct evidence *ev, int fallback_dlt, FILE *err)
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
			give_up(ev, strerror(errno));
		ev->file = NULL;
	}
	if (ev->dump) {
		/* pcap_dump_close() says nothing of a failed write: what
		   stdio still holds is written, and checked, first. */
		if (pcap_dump_flush(ev->dump) != 0 ||
		    ferror(pcap_dump_file(ev->dump)))
			give_up(ev, strerror(errno));
		pcap_dump_close(ev->dump);
		pcap_close(ev->dead);
		ev->dump = NULL;
		ev->dead = NULL;
	}
	if (!ev->failed)
		return 0;
	fprintf(err, "impwatch: cannot write %s: %s\n", ev->path, ev->error);
	return -1;
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
	return ev->failed ? ev->error : NULL;
}

void evidence_free(struct evidence *ev)
{
	if (!ev)
		return;
	evidence_close(ev, -1, stderr);
	free(ev);
}
