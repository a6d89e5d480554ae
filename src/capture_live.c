/*
 * capture_live.c: capture from an interface with libpcap, and dropping
 * root afterwards.
 */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "util.h"

struct live {
	pcap_t *p;
	int dlt;
	int fd;                 /* libpcap's selectable descriptor, or -1 */
	int ctl;                /* a socket to ask the interface's flags, or -1 */
	int carrier_fd;         /* its sysfs carrier_changes, or -1 */
	int64_t carrier;        /* what that said last, or -1 */
	int drop_fd[2];         /* not promiscuous: its sysfs rx_missed_errors
	                           and rx_fifo_errors, or -1 */
	int64_t drop_seen;      /* their sum when last read, or -1 */
	char iface[IF_NAMESIZE];
	unsigned ifindex;       /* 0: unknown ("any") */
	bool down;
	bool check_now;         /* the socket reported an error: look now */
	uint64_t went_down;
	uint64_t down_us;       /* ended down periods */
	uint64_t down_since;    /* monotonic us, while down */
	uint64_t last_check;    /* monotonic us */
	struct pcap_stat seen;  /* libpcap's counters when last read */
	uint64_t recv, drop, ifdrop;   /* the same, wraps counted */
	uint64_t last_stats;    /* when they were read (monotonic us) */
	packet_fn fn;
	void *ctx;
};

/* What pcap_activate()'s status means, for a person. Warnings (> 0) are
   not errors; libpcap's own text follows where it has one. */
static void activate_error(pcap_t *p, const char *iface, int rc, char *err,
			   size_t errlen)
{
	const char *detail = pcap_geterr(p);

	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "%s: no such interface (%s)", iface, detail);
		break;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(err, errlen, "%s: permission denied: capturing needs root "
			 "or CAP_NET_RAW (%s)", iface, detail);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "%s: the interface is down", iface);
		break;
	case PCAP_ERROR_RFMON_NOTSUP:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(err, errlen, "%s: promiscuous mode not permitted (%s); "
			 "try --no-promisc", iface, detail);
		break;
	default:
		snprintf(err, errlen, "%s: %s (%s)", iface, pcap_statustostr(rc),
			 detail);
		break;
	}
}

/* A counter of the interface in sysfs, open on fd: its value, or -1
   when it has none. sysfs makes the value anew at each read from
   offset 0, so the file is opened once (a sensor that dropped root
   reads it still). */
static int64_t sysfs_count(int fd)
{
	char buf[24], *end;
	long long v;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf || v < 0)
		return -1;
	return v;
}

/* The interface's sysfs file NAME, opened; -1 when it has none. */
static int sysfs_open(const struct live *lv, const char *name)
{
	char path[64 + IF_NAMESIZE];

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", lv->iface, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The kernel's count of the interface's carrier changes (Linux 3.15),
   or -1 when it has none: down and back between two looks at the
   flags (a link partner that bounces in milliseconds) moves it. */
static int64_t carrier_changes(const struct live *lv)
{
	return sysfs_count(lv->carrier_fd);
}

static void carrier_open(struct live *lv)
{
	lv->carrier_fd = sysfs_open(lv, "carrier_changes");
	lv->carrier = carrier_changes(lv);
}

/* The frames the interface dropped, as libpcap counts them when it is
   promiscuous (rx_missed_errors and rx_fifo_errors): -1 when it has
   neither. */
static int64_t ifdrops_now(const struct live *lv)
{
	int64_t a = sysfs_count(lv->drop_fd[0]);
	int64_t b = sysfs_count(lv->drop_fd[1]);

	return a < 0 && b < 0 ? -1 : (a > 0 ? a : 0) + (b > 0 ? b : 0);
}

/* Not promiscuous, libpcap leaves ps_ifdrop at 0: its own count, from
   the open on, stands in. */
static void ifdrops_open(struct live *lv)
{
	lv->drop_fd[0] = sysfs_open(lv, "statistics/rx_missed_errors");
	lv->drop_fd[1] = sysfs_open(lv, "statistics/rx_fifo_errors");
	lv->drop_seen = ifdrops_now(lv);
}

/* The descriptors live_open() took beside libpcap's. */
static void aux_close(struct live *lv)
{
	if (lv->ctl >= 0)
		close(lv->ctl);
	if (lv->carrier_fd >= 0)
		close(lv->carrier_fd);
	if (lv->drop_fd[0] >= 0)
		close(lv->drop_fd[0]);
	if (lv->drop_fd[1] >= 0)
		close(lv->drop_fd[1]);
}

struct live *live_open(const struct live_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	struct live *lv;
	int rc;

	lv = calloc(1, sizeof(*lv));
	if (!lv) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lv->p = pcap_create(o->iface, ebuf);
	if (!lv->p) {
		snprintf(err, errlen, "%s: %s", o->iface, ebuf);
		free(lv);
		return NULL;
	}
	/* Settings before activation: pcap_set_* return 0 or an error code
	   only for a handle already active. */
	lv->fd = lv->ctl = lv->carrier_fd = -1;
	lv->drop_fd[0] = lv->drop_fd[1] = -1;
	lv->carrier = lv->drop_seen = -1;
	pcap_set_snaplen(lv->p, o->snaplen);
	pcap_set_promisc(lv->p, o->promisc ? 1 : 0);
	/* Not immediate mode: on Linux that is the fixed-slot ring, which
	   drops under load (options.h, --buffer-size). The block timeout bounds how long a
	   packet waits in a block the kernel has not handed over yet. */
	pcap_set_timeout(lv->p, LIVE_BLOCK_MS);
	if (o->buffer_kib > 0)
		pcap_set_buffer_size(lv->p, o->buffer_kib * 1024);
	rc = pcap_activate(lv->p);
	if (rc < 0) {
		activate_error(lv->p, o->iface, rc, err, errlen);
		goto fail;
	}
	/* Non-blocking, polled with a timeout of impwatch's own: a blocking
	   read of the block ring waits for a packet however long that takes
	   (pcap(3PCAP): the timeout is not a way to poll), and the timers
	   must run on a silent link. */
	if (pcap_setnonblock(lv->p, 1, ebuf) != 0) {
		snprintf(err, errlen, "%s: cannot set non-blocking mode: %s",
			 o->iface, ebuf);
		goto fail;
	}
	lv->fd = pcap_get_selectable_fd(lv->p);
	snprintf(lv->iface, sizeof(lv->iface), "%s", o->iface);
	lv->ifindex = strcmp(o->iface, "any") ? if_nametoindex(o->iface) : 0;
	if (lv->ifindex) {
		lv->ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		carrier_open(lv);
		if (!o->promisc)
			ifdrops_open(lv);
	}
	lv->last_check = clock_mono_us();
	lv->dlt = pcap_datalink(lv->p);
	if (!decode_link_supported(lv->dlt)) {
		const char *name = pcap_datalink_val_to_name(lv->dlt);

		snprintf(err, errlen, "%s: unsupported link type %d%s%s%s", o->iface,
			 lv->dlt, name ? " (" : "", name ? name : "", name ? ")" : "");
		goto fail;
	}
	if (o->filter) {
		if (pcap_compile(lv->p, &prog, o->filter, 1,
				 PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(err, errlen, "%s: bad filter '%s': %s",
				 o->iface, o->filter, pcap_geterr(lv->p));
			goto fail;
		}
		rc = pcap_setfilter(lv->p, &prog);
		pcap_freecode(&prog);
		if (rc < 0) {
			snprintf(err, errlen, "cannot set filter: %s",
				 pcap_geterr(lv->p));
			goto fail;
		}
	}
	return lv;
fail:
	pcap_close(lv->p);
	aux_close(lv);
	free(lv);
	return NULL;
}

int live_datalink(const struct live *lv)
{
	return lv->dlt;
}

unsigned live_ifindex(const struct live *lv)
{
	return lv->ifindex;
}

static void on_pcap(u_char *user, const struct pcap_pkthdr *h,
		    const u_char *bytes)
{
	struct live *lv = (struct live *)user;
	uint64_t ts = 0;

	if (h->ts.tv_sec >= 0 && h->ts.tv_usec >= 0)
		ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	/* bytes holds h->caplen bytes (libpcap's word): the decoder reads
	   them through a cursor of that length. */
	lv->fn(lv->ctx, lv->dlt, ts, bytes, h->caplen, h->len);
}

int live_wait(struct live *lv, int timeout_ms, char *err, size_t errlen)
{
	return live_wait_all(&lv, 1, timeout_ms, err, errlen);
}

int live_wait_all(struct live *const *lv, size_t n, int timeout_ms, char *err,
		  size_t errlen)
{
	struct pollfd pf[LIVE_IFACES_MAX];
	struct timespec ts;
	size_t i, k = 0;

	for (i = 0; i < n && i < LIVE_IFACES_MAX; i++) {
		const struct timeval *need =
			pcap_get_required_select_timeout(lv[i]->p);

		/* libpcap asks for a shorter wait while it watches for an
		   interface that went down to come back or to disappear. */
		if (need) {
			long ms = (long)need->tv_sec * 1000 +
				  (need->tv_usec + 999) / 1000;

			if (ms < timeout_ms)
				timeout_ms = (int)(ms > 0 ? ms : 1);
		}
		if (lv[i]->fd < 0)
			continue;
		pf[k].fd = lv[i]->fd;
		pf[k].events = POLLIN;
		pf[k].revents = 0;
		k++;
	}
	if (k < n) {
		/* A capture with no descriptor to poll: wait, then read. */
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		return 0;
	}
	if (poll(pf, (nfds_t)k, timeout_ms) < 0) {
		if (errno == EINTR)
			return 0;     /* a signal: the caller looks at its flags */
		snprintf(err, errlen, "cannot poll the capture: %s", strerror(errno));
		return -1;
	}
	/* An error on the socket (ENETDOWN): libpcap reads it in the next
	   dispatch; the interface's state is looked at now. */
	for (i = 0; i < n; i++)
		if (pf[i].revents & POLLERR)
			lv[i]->check_now = true;
	return 0;
}

/*
 * Read libpcap's counters into lv's 64-bit ones. struct pcap_stat's are
 * u_int and wrap (half a day at 100,000 packets a second; a sensor runs
 * for months): each is added as its difference from the last reading,
 * modulo 2^32, which is right as long as readings come less than 2^32
 * packets apart (LIVE_STATS_MS). -1 when libpcap cannot say.
 */
static int stats_read(struct live *lv)
{
	struct pcap_stat ps;

	lv->last_stats = clock_mono_us();
	if (pcap_stats(lv->p, &ps) != 0)
		return -1;
	lv->recv += (u_int)(ps.ps_recv - lv->seen.ps_recv);
	lv->drop += (u_int)(ps.ps_drop - lv->seen.ps_drop);
	lv->ifdrop += (u_int)(ps.ps_ifdrop - lv->seen.ps_ifdrop);
	lv->seen = ps;
	if (lv->drop_seen >= 0) {
		int64_t d = ifdrops_now(lv);

		/* A counter that went back (the driver reset it) starts
		   anew from where it is. */
		if (d > lv->drop_seen)
			lv->ifdrop += (uint64_t)(d - lv->drop_seen);
		if (d >= 0)
			lv->drop_seen = d;
	}
	return 0;
}

int live_dispatch(struct live *lv, uint64_t max, packet_fn on_packet,
		  void *ctx, char *err, size_t errlen)
{
	int cnt = max == 0 || max > LIVE_BATCH ? LIVE_BATCH : (int)max;
	int rc;

	/* Often enough to see every wrap, whoever asks for the counters. */
	if (clock_mono_us() - lv->last_stats >= LIVE_STATS_MS * 1000u)
		(void)stats_read(lv);
	lv->fn = on_packet;
	lv->ctx = ctx;
	rc = pcap_dispatch(lv->p, cnt, on_pcap, (u_char *)lv);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc < 0) {
		snprintf(err, errlen, "capture failed: %s", pcap_geterr(lv->p));
		return -1;
	}
	return rc;
}

enum live_link live_link(struct live *lv, char *err, size_t errlen)
{
	uint64_t now = clock_mono_us();
	struct ifreq ifr;
	int64_t changes;
	bool up;

	if (lv->ctl < 0)
		return LIVE_LINK_SAME;
	if (!lv->check_now && now - lv->last_check < LIVE_LINK_CHECK_MS * 1000u)
		return LIVE_LINK_SAME;
	lv->check_now = false;
	lv->last_check = now;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", lv->iface);
	/* Gone, or gone and made again (another index): the capture socket
	   was bound to the old one and will see nothing more. */
	if (ioctl(lv->ctl, SIOCGIFFLAGS, &ifr) != 0) {
		if (errno != ENODEV && errno != ENXIO)
			return LIVE_LINK_SAME;
		snprintf(err, errlen, "the interface disappeared");
		return LIVE_LINK_GONE;
	}
	if (if_nametoindex(lv->iface) != lv->ifindex) {
		snprintf(err, errlen, "the interface disappeared");
		return LIVE_LINK_GONE;
	}
	changes = carrier_changes(lv);
	/* Down by hand or without a carrier: nothing arrives either way. */
	up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	if (up == !lv->down) {
		/* Up at both looks, yet the carrier went and came back in
		   between (an even count of changes: an odd one is a loss
		   the flags show later, as the kernel updates them after
		   the carrier): each bounce a time down, of no measurable
		   length. */
		if (!up || lv->carrier < 0 || changes < lv->carrier + 2 ||
		    (changes - lv->carrier) % 2)
			return LIVE_LINK_SAME;
		lv->went_down += (uint64_t)(changes - lv->carrier) / 2;
		lv->carrier = changes;
		return LIVE_LINK_BOUNCED;
	}
	if (changes >= 0)
		lv->carrier = changes;
	if (!up) {
		lv->down = true;
		lv->went_down++;
		lv->down_since = now;
		return LIVE_LINK_DOWN;
	}
	lv->down = false;
	lv->down_us += now - lv->down_since;
	return LIVE_LINK_BACK;
}

int live_counters(struct live *lv, struct live_stats *st)
{
	int rc = stats_read(lv);

	st->went_down = lv->went_down;
	st->down = lv->down;
	st->down_us = lv->down_us + (lv->down ? clock_mono_us() - lv->down_since : 0);
	/* Those of the last reading when libpcap cannot say now. */
	st->received = lv->recv;
	st->dropped = lv->drop;
	st->ifdropped = lv->ifdrop;
	return rc;
}

void live_close(struct live *lv)
{
	if (!lv)
		return;
	pcap_close(lv->p);
	aux_close(lv);
	free(lv);
}

int drop_privileges(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "-Z %s: no such user%s%s", user,
			 errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
	}
	/* Groups first, then the group, then the user: once the uid is
	   dropped the others can no longer be changed. */
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		snprintf(err, errlen, "-Z %s: cannot drop privileges: %s", user,
			 strerror(errno));
		return -1;
	}
	/* Refuse to go on as root: a setuid that "worked" yet left uid 0
	   (or a way back to it) is no drop at all. */
	if (pw->pw_uid != 0 && (getuid() == 0 || geteuid() == 0 ||
				setuid(0) == 0)) {
		snprintf(err, errlen, "-Z %s: still root after dropping privileges",
			 user);
		return -1;
	}
	return 0;
}
