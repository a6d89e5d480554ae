/*
 * clockstep.c: an LD_PRELOAD shim for the live tests of a wall clock set
 * back or forward while impwatch runs (NTP stepping it, an operator, a
 * virtual machine restored), without touching the machine's clock.
 *
 * CLOCKSTEP_FILE names a file that holds a signed number of seconds; the
 * shim adds it to every wall-clock read impwatch makes (clock_gettime()
 * of CLOCK_REALTIME and CLOCK_REALTIME_COARSE, gettimeofday(), time())
 * and to the stamp of every packet libpcap hands it (pcap_dispatch()):
 * the kernel stamps packets with the wall clock, so a step moves both.
 * The monotonic clock is left alone, as a step leaves it. The file is
 * read again at most every 20 ms of the monotonic clock; the test
 * replaces it whole (write, then rename) to step the clock.
 *
 * A packet the kernel stamped before a step but read after it carries
 * the new offset here: the shim moves stamps as they are read, the
 * kernel as packets arrive. Within one read's batch the two agree.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#define REREAD_NS 20000000LL   /* how stale the offset may be */

static int (*real_gettime)(clockid_t, struct timespec *);

/* The monotonic time in ns, through the real clock_gettime(). */
static long long mono_ns(void)
{
	struct timespec ts;

	if (!real_gettime)
		real_gettime = (int (*)(clockid_t, struct timespec *))
			dlsym(RTLD_NEXT, "clock_gettime");
	if (!real_gettime || real_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The offset in seconds now: the file's number, read again when the
   last read is REREAD_NS old. Threads may race here: each reads a
   whole long, and a stale value for 20 ms is what the shim allows. */
static long long offset_s(void)
{
	static long long off, at;
	static int read_once;
	const char *path = getenv("CLOCKSTEP_FILE");
	long long now = mono_ns(), v;
	FILE *f;

	if (!path)
		return 0;
	if (read_once && now - at < REREAD_NS)
		return off;
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%lld", &v) == 1)
			off = v;
		fclose(f);
	}
	at = now;
	read_once = 1;
	return off;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	int rc;

	if (!real_gettime)
		(void)mono_ns();
	if (!real_gettime)
		return -1;
	rc = real_gettime(id, ts);
	if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		ts->tv_sec += (time_t)offset_s();
	return rc;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t time(time_t *t)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (time_t)-1;
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

/* pcap_dispatch()'s callback and its user, and the offset of the read. */
struct hop {
	pcap_handler cb;
	u_char *user;
	long long off;
};

/* Each packet on to impwatch's callback with the stepped stamp. */
static void on_packet(u_char *arg, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	const struct hop *hp = (const struct hop *)(void *)arg;
	struct pcap_pkthdr moved = *h;

	moved.ts.tv_sec += (time_t)hp->off;
	hp->cb(hp->user, &moved, bytes);
}

int pcap_dispatch(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	static int (*real)(pcap_t *, int, pcap_handler, u_char *);
	struct hop hp = { cb, user, offset_s() };

	if (!real)
		real = (int (*)(pcap_t *, int, pcap_handler, u_char *))
			dlsym(RTLD_NEXT, "pcap_dispatch");
	if (!real)
		return -1;
	return real(p, cnt, on_packet, (u_char *)&hp);
}
