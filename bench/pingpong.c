/*
 * pingpong.c: how far apart two CPUs of this machine are, in time.
 *
 *   pingpong [CPU_A CPU_B]
 *
 * Two threads, pinned to CPU_A and CPU_B (default 0 and 1), hand one
 * cache line back and forth ROUNDS times; prints the round trip in
 * nanoseconds (the median of BATCHES batches). Every packet a flow
 * worker gets crosses from the reader's CPU to its own like this line,
 * so the round trip is what a --threads run pays per cache line it
 * hands over. On a virtual machine it is the host's: two virtual CPUs
 * on cores that share a cache answer in some 50 to 80 ns, on cores
 * that do not in 300 to 400, and the host may move them from one to
 * the other between two runs (bench/README.md, "Flow workers").
 *
 * Exits 2 when the threads cannot be pinned (one CPU, or a CPU the
 * process may not use) or started.
 */
#define _GNU_SOURCE             /* CPU_SET, pthread_setaffinity_np */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS  20000u
#define BATCHES 11u

static _Alignas(64) atomic_uint ball;
static atomic_bool gone;        /* the other end could not be pinned */
static int cpu_b;

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* The other end: answers each odd number with the next even one. */
static void *answer(void *arg)
{
	unsigned i, n = ROUNDS * BATCHES;

	(void)arg;
	if (pin(cpu_b) != 0) {
		atomic_store(&gone, true);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		while (atomic_load_explicit(&ball, memory_order_acquire) !=
		       2 * i + 1)
			;
		atomic_store_explicit(&ball, 2 * i + 2, memory_order_release);
	}
	return NULL;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double ns[BATCHES];
	pthread_t th;
	unsigned b, i, k = 0;
	int cpu_a = 0;

	cpu_b = 1;
	if (argc == 3) {
		cpu_a = atoi(argv[1]);
		cpu_b = atoi(argv[2]);
	} else if (argc != 1) {
		fprintf(stderr, "usage: pingpong [CPU_A CPU_B]\n");
		return 2;
	}
	if (pin(cpu_a) != 0) {
		fprintf(stderr, "pingpong: cannot run on CPU %d\n", cpu_a);
		return 2;
	}
	if (pthread_create(&th, NULL, answer, NULL) != 0) {
		fprintf(stderr, "pingpong: cannot start a thread\n");
		return 2;
	}
	for (b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (i = 0; i < ROUNDS; i++, k++) {
			atomic_store_explicit(&ball, 2 * k + 1,
					      memory_order_release);
			while (atomic_load_explicit(&ball, memory_order_acquire) !=
			       2 * k + 2)
				if (atomic_load_explicit(&gone,
						memory_order_relaxed)) {
					pthread_join(th, NULL);
					fprintf(stderr, "pingpong: cannot run on CPU %d\n",
						cpu_b);
					return 2;
				}
		}
		ns[b] = (now_ns() - t0) / ROUNDS;
	}
	pthread_join(th, NULL);
	qsort(ns, BATCHES, sizeof(ns[0]), by_value);
	printf("%.0f\n", ns[BATCHES / 2]);
	return 0;
}
