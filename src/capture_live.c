/*
 * capture_live.c: capture from an interface with libpcap, and dropping
 * root afterwards.
 */
#include "capture.h"

#include <errno.h>
#include <grp.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "decode.h"

struct live {
	pcap_t *p;
	int dlt;
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
	pcap_set_snaplen(lv->p, o->snaplen);
	pcap_set_promisc(lv->p, o->promisc ? 1 : 0);
	pcap_set_timeout(lv->p, LIVE_POLL_MS);
	pcap_set_immediate_mode(lv->p, 1);
	if (o->buffer_kib > 0)
		pcap_set_buffer_size(lv->p, o->buffer_kib * 1024);
	rc = pcap_activate(lv->p);
	if (rc < 0) {
		activate_error(lv->p, o->iface, rc, err, errlen);
		goto fail;
	}
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
			snprintf(err, errlen, "bad filter '%s': %s", o->filter,
				 pcap_geterr(lv->p));
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
	free(lv);
	return NULL;
}

int live_datalink(const struct live *lv)
{
	return lv->dlt;
}

static void on_pcap(u_char *user, const struct pcap_pkthdr *h,
		    const u_char *bytes)
{
	struct live *lv = (struct live *)user;
	uint64_t ts = 0;

	if (h->ts.tv_sec >= 0 && h->ts.tv_usec >= 0)
		ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	lv->fn(lv->ctx, lv->dlt, ts, bytes, h->caplen, h->len);
}

int live_dispatch(struct live *lv, uint64_t max, packet_fn on_packet,
		  void *ctx, char *err, size_t errlen)
{
	int cnt = max == 0 || max > 0x7fffffff ? -1 : (int)max;
	int rc;

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

void live_break(struct live *lv)
{
	if (lv)
		pcap_breakloop(lv->p);
}

int live_counters(struct live *lv, struct live_stats *st)
{
	struct pcap_stat ps;

	if (pcap_stats(lv->p, &ps) != 0)
		return -1;
	st->received = ps.ps_recv;
	st->dropped = ps.ps_drop;
	st->ifdropped = ps.ps_ifdrop;
	return 0;
}

void live_close(struct live *lv)
{
	if (!lv)
		return;
	pcap_close(lv->p);
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
