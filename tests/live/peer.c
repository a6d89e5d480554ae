/*
 * peer.c: the real TCP and UDP endpoints of the live-capture test.
 *
 *   peer serve SECONDS SPEC...        listen on each SPEC (tcp:PORT,
 *                                     udp:PORT), answer every message
 *                                     with "OK\r\n", exit after SECONDS
 *   peer send ADDR SPEC PAYLOAD [HOLD_MS [SPORT]]
 *                                     connect (TCP) or send (UDP) to ADDR,
 *                                     from port SPORT when given (else one
 *                                     the kernel picks), write PAYLOAD,
 *                                     wait for the answer, keep a TCP
 *                                     connection HOLD_MS open
 *   peer burst ADDR udp:PORT COUNT    send COUNT datagrams to ADDR from
 *                                     one socket as fast as it goes, each
 *                                     numbered (no two alike), no answer
 *                                     awaited
 *   peer sigexec PROG ARG...          run PROG with SIGTERM already
 *                                     pending (blocked, then raised): it
 *                                     arrives the moment PROG can take it
 *
 * Bounded in time on both sides, so the test always stops by itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 64

static int parse_spec(const char *spec, int *type, int *port)
{
	if (strncmp(spec, "tcp:", 4) == 0)
		*type = SOCK_STREAM;
	else if (strncmp(spec, "udp:", 4) == 0)
		*type = SOCK_DGRAM;
	else
		return -1;
	*port = atoi(spec + 4);
	return *port > 0 && *port < 65536 ? 0 : -1;
}

/* The IPv4 address addr, port port, in *a; -1 when addr is none. */
static int addr_of(const char *addr, int port, struct sockaddr_in *a)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, addr, &a->sin_addr) == 1 ? 0 : -1;
}

static int serve(int seconds, int nspec, char **spec)
{
	struct pollfd pf[MAX_FDS];
	int kind[MAX_FDS];   /* 0 tcp listener, 1 udp, 2 tcp connection */
	int n = 0, i, one = 1;
	time_t end = time(NULL) + seconds;

	for (i = 0; i < nspec && n < MAX_FDS; i++) {
		struct sockaddr_in a;
		int type, port, fd;

		if (parse_spec(spec[i], &type, &port) != 0) {
			fprintf(stderr, "peer: bad spec %s\n", spec[i]);
			return 2;
		}
		fd = socket(AF_INET, type, 0);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t)port);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
		    (type == SOCK_STREAM && listen(fd, 16) != 0)) {
			fprintf(stderr, "peer: %s: %s\n", spec[i], strerror(errno));
			return 2;
		}
		pf[n].fd = fd;
		pf[n].events = POLLIN;
		kind[n++] = type == SOCK_STREAM ? 0 : 1;
	}
	while (time(NULL) < end) {
		if (poll(pf, (nfds_t)n, 200) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			char buf[2048];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t got;

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (kind[i] == 0) {
				int c = accept(pf[i].fd, NULL, NULL);

				if (c >= 0 && n < MAX_FDS) {
					pf[n].fd = c;
					pf[n].events = POLLIN;
					pf[n].revents = 0;
					kind[n++] = 2;
				} else if (c >= 0) {
					close(c);
				}
			} else if (kind[i] == 1) {
				got = recvfrom(pf[i].fd, buf, sizeof(buf), 0,
					       (struct sockaddr *)&from, &fl);
				if (got > 0)
					sendto(pf[i].fd, "OK\r\n", 4, 0,
					       (struct sockaddr *)&from, fl);
			} else {
				got = read(pf[i].fd, buf, sizeof(buf));
				if (got > 0) {
					if (write(pf[i].fd, "OK\r\n", 4) < 0)
						got = 0;
				}
				if (got <= 0) {
					close(pf[i].fd);
					pf[i] = pf[--n];
					kind[i] = kind[n];
					i--;
				}
			}
		}
	}
	return 0;
}

/* The kernel picks a client's port at random: two exchanges in a row
   may get the same one, and are then one flow. A test that counts
   flows gives each exchange its own port (sport); bind() fails, and
   the exchange with it, when that port is taken. */
static int send_one(const char *addr, const char *spec, const char *payload,
		    int hold_ms, int sport)
{
	struct sockaddr_in a, me;
	struct timeval tv = { 3, 0 };
	char buf[256];
	int type, port, fd;

	if (parse_spec(spec, &type, &port) != 0)
		return 2;
	if (addr_of(addr, port, &a) != 0 || sport < 0 || sport > 65535)
		return 2;
	fd = socket(AF_INET, type, 0);
	if (fd < 0)
		return 2;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	me.sin_port = htons((uint16_t)sport);
	if ((sport > 0 && bind(fd, (struct sockaddr *)&me, sizeof(me)) != 0) ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    write(fd, payload, strlen(payload)) < 0 ||
	    read(fd, buf, sizeof(buf)) <= 0) {
		fprintf(stderr, "peer: %s %s: %s\n", addr, spec, strerror(errno));
		close(fd);
		return 1;
	}
	if (hold_ms > 0)
		usleep((useconds_t)hold_ms * 1000u);
	close(fd);
	return 0;
}

/* COUNT datagrams, numbered so that no two are one packet mirrored twice
   (the duplicate check); a full send buffer waits, so none is lost
   before it reaches the wire. */
static int burst(const char *addr, const char *spec, long count)
{
	struct sockaddr_in a;
	struct timeval tv = { 3, 0 };
	char buf[32];
	int type, port, fd, len;
	long i;

	if (parse_spec(spec, &type, &port) != 0 || type != SOCK_DGRAM ||
	    count < 1)
		return 2;
	if (addr_of(addr, port, &a) != 0)
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return 2;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* Not connected: the ICMP port unreachable that comes back when
	   nothing listens is not reported to an unconnected socket (udp(7)),
	   so no send fails for it. */
	for (i = 0; i < count; i++) {
		len = snprintf(buf, sizeof(buf), "b%ld", i);
		if (sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&a,
			   sizeof(a)) < 0) {
			fprintf(stderr, "peer: %s %s: %s\n", addr, spec,
				strerror(errno));
			close(fd);
			return 1;
		}
	}
	close(fd);
	return 0;
}

/* A signal pending across execve() stays pending (signal(7)): PROG
   meets it as its first event, before it could have done any work. */
static int sigexec(char **argv)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || raise(SIGTERM) != 0)
		return 2;
	execvp(argv[0], argv);
	fprintf(stderr, "peer: %s: %s\n", argv[0], strerror(errno));
	return 2;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "serve") == 0)
		return serve(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 5 && argc <= 7 && strcmp(argv[1], "send") == 0)
		return send_one(argv[2], argv[3], argv[4],
				argc >= 6 ? atoi(argv[5]) : 0,
				argc == 7 ? atoi(argv[6]) : 0);
	if (argc == 5 && strcmp(argv[1], "burst") == 0)
		return burst(argv[2], argv[3], atol(argv[4]));
	if (argc >= 3 && strcmp(argv[1], "sigexec") == 0)
		return sigexec(argv + 2);
	fprintf(stderr, "usage: peer serve SECONDS SPEC... | peer send ADDR SPEC PAYLOAD [HOLD_MS [SPORT]]"
		" | peer burst ADDR udp:PORT COUNT | peer sigexec PROG ARG...\n");
	return 2;
}
