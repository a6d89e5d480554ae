/*
 * pcapwrap.c: an LD_PRELOAD shim for the live test of libpcap's 32-bit
 * counters. struct pcap_stat's counters are u_int and wrap after 2^32
 * packets (half a day at 100,000 a second); no test can send that many.
 * The shim adds PCAPWRAP_RECV (decimal) to what pcap_stats() says was
 * received, modulo 2^32, as if the capture had run that long before
 * impwatch first looked: a few packets later the count wraps, as a
 * sensor's does every few hours.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pcap/pcap.h>
#include <stdlib.h>

int pcap_stats(pcap_t *p, struct pcap_stat *ps)
{
	static int (*real)(pcap_t *, struct pcap_stat *);
	const char *add = getenv("PCAPWRAP_RECV");
	int rc;

	if (!real)
		real = (int (*)(pcap_t *, struct pcap_stat *))
			dlsym(RTLD_NEXT, "pcap_stats");
	if (!real)
		return -1;
	rc = real(p, ps);
	if (rc == 0 && add)
		ps->ps_recv += (u_int)strtoul(add, NULL, 10);
	return rc;
}
