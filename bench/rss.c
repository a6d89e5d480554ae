/*
 * rss.c: run a command, then say how long it took and its peak memory.
 *
 *   rss [-o FILE] COMMAND [ARG...]
 *
 * Forks and execs COMMAND (searched in PATH), waits for it with wait4(),
 * and writes one line to FILE (default standard error):
 *
 *   wall_s 1.234567 user_s 1.200000 sys_s 0.030000 maxrss_kb 12345 status 0
 *
 * wall_s is CLOCK_MONOTONIC from just before fork() to wait4()'s return;
 * maxrss_kb is the child's peak resident set (ru_maxrss, KiB on Linux);
 * status is its exit status, or 128 + the signal that ended it. COMMAND's
 * own standard input, output and error are left alone. rss exits with
 * COMMAND's status, or 127 when COMMAND cannot be run.
 *
 * GNU time reports the same figures; this keeps the benchmark to a C
 * compiler and libpcap.
 */
#define _DEFAULT_SOURCE         /* wait4() */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	const char *outname = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	FILE *out = stderr;
	int argi = 1, wstatus, status;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		outname = argv[2];
		argi = 3;
	}
	if (argi < argc && strcmp(argv[argi], "--") == 0)
		argi++;
	if (argi >= argc) {
		fprintf(stderr, "usage: rss [-o FILE] COMMAND [ARG...]\n");
		return 127;
	}
	if (outname && !(out = fopen(outname, "w"))) {
		fprintf(stderr, "rss: %s: %s\n", outname, strerror(errno));
		return 127;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rss: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "rss: %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &wstatus, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "rss: wait4: %s\n", strerror(errno));
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		status = 128 + WTERMSIG(wstatus);
	else
		status = 127;
	fprintf(out, "wall_s %.6f user_s %.6f sys_s %.6f maxrss_kb %ld status %d\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		tv_s(ru.ru_utime), tv_s(ru.ru_stime), ru.ru_maxrss, status);
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "rss: %s: %s\n", outname, strerror(errno));
		return 127;
	}
	return status;
}
