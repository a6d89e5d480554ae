/*
 * peakrss.c: run a command and record its peak resident memory.
 *
 *   peakrss OUT CMD [ARG...]
 *
 * Runs CMD (standard input and output are passed on), waits for it, and
 * writes "STATUS PEAK_RSS_KB" to the file OUT: the exit status (128 + the
 * signal when killed) and getrusage()'s ru_maxrss of the child. Exits with
 * the same status. For tests that bound memory without GNU time.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE   /* wait4() */
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int ws, status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: peakrss OUT CMD [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "peakrss: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &ws, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("peakrss: wait4");
			return 2;
		}
	}
	status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	out = fopen(argv[1], "w");
	if (!out || fprintf(out, "%d %ld\n", status, ru.ru_maxrss) < 0 ||
	    fclose(out) != 0) {
		fprintf(stderr, "peakrss: cannot write %s\n", argv[1]);
		return 2;
	}
	return status;
}
