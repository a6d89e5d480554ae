/*
 * test_pipeline.c: the way back from the flow workers to the sink, on
 * one thread: when the calling thread asks for the workers' counters (an
 * interim record), the records each worker sent before its counters
 * reach the sink, and none it sent after them until every counter is in,
 * so the interim record written then counts exactly the records before
 * it. The pipeline's own parts are read here (src/pipeline.c is
 * included: the Makefile links this test without pipeline.o).
 */
#include "../../src/pipeline.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define STATS_OF(id) (1000u + (id))    /* a counters' mark in the log */

/* What the sink was handed, in order: flow ids and counters' marks. */
struct log {
	uint64_t got[16];
	unsigned n;
};

static void log_flow(void *ctx, const struct flow_record *r)
{
	struct log *l = ctx;

	assert_true(l->n < 16);
	l->got[l->n++] = r->flow_id;
}

static void log_stats(void *ctx, unsigned id, const struct worker_stats *s)
{
	struct log *l = ctx;

	(void)s;
	assert_true(l->n < 16);
	l->got[l->n++] = STATS_OF(id);
}

/* A pipeline of n workers whose record rings the test fills itself: no
   thread, no reader but the calling thread's. */
struct fake {
	struct pipeline pl;
	struct pworker pw[2];
	struct preader rd;
	struct log log;
};

static void fake_init(struct fake *f)
{
	unsigned i;

	memset(f, 0, sizeof(*f));
	f->pl.n = 2;
	f->pl.nr = 1;
	f->pl.pw = f->pw;
	f->pl.rd = &f->rd;
	for (i = 0; i < 2; i++) {
		struct outq *q = &f->pw[i].q;

		q->pl = &f->pl;
		q->id = i;
		q->wake = &f->pw[i].wake;
		q->to_sink.flow = log_flow;
		q->to_sink.stats = log_stats;
		q->to_sink.ctx = &f->log;
		assert_int_equal(ring_init(&q->ring, 1u << 16), 0);
	}
}

static void fake_free(struct fake *f)
{
	ring_free(&f->pw[0].q.ring);
	ring_free(&f->pw[1].q.ring);
}

static void put_flow(struct outq *q, uint64_t id)
{
	struct flow_record r;

	memset(&r, 0, sizeof(r));
	r.flow_id = id;
	push_record(q, &r, OUT_FLOW);
}

static void put_stats(struct outq *q)
{
	struct out_stats *m = (struct out_stats *)(void *)
		out_reserve(q, sizeof(*m), OUT_STATS);

	memset(&m->s, 0, sizeof(m->s));
	ring_commit(&q->ring, &m->h);
}

/* Worker 0 answered, then ended flow 2 before worker 1 answered: flow 2
   is not counted by worker 0's counters, so it must not be written
   before the interim record those counters make. */
static void test_stats_cut(void **state)
{
	static const uint64_t want[] = { 1, STATS_OF(0), 3, STATS_OF(1) };
	struct fake f;
	unsigned i;

	(void)state;
	fake_init(&f);
	put_flow(&f.pw[0].q, 1);
	put_stats(&f.pw[0].q);
	put_flow(&f.pw[0].q, 2);
	put_flow(&f.pw[1].q, 3);
	put_stats(&f.pw[1].q);
	for (i = 0; i < 2; i++) {
		out_publish(&f.pw[i].q);
		f.pw[i].q.stats_due = true;
	}
	wait_workers(&f.pl, false);
	assert_int_equal(f.log.n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(f.log.got[i], want[i]);
	/* Once the interim record is out, the rest follows. */
	pipeline_pump(&f.pl);
	assert_int_equal(f.log.n, 5);
	assert_int_equal(f.log.got[4], 2);
	fake_free(&f);
}

/* The reader is moved only with nDPI, one reader and fewer CPUs than
   threads. */
static void test_follow_wanted(void **state)
{
	(void)state;
	assert_true(pipeline_follow_wanted(2, 1, 2, true));
	assert_true(pipeline_follow_wanted(1, 1, 1, true));
	assert_true(pipeline_follow_wanted(4, 1, 4, true));
	assert_false(pipeline_follow_wanted(3, 1, 2, true));   /* a CPU each */
	assert_false(pipeline_follow_wanted(2, 1, 2, false));  /* --no-dpi */
	assert_false(pipeline_follow_wanted(2, 2, 2, true));   /* two -i */
	assert_false(pipeline_follow_wanted(0, 1, 2, true));
	assert_false(pipeline_follow_wanted(2, 1, 0, true));
}

static void *worker_follows(void *arg)
{
	follow_me(arg);
	return NULL;
}

static void affinity_of_self(cpu_set_t *s)
{
	CPU_ZERO(s);
	assert_int_equal(sched_getaffinity(0, sizeof(*s), s), 0);
}

/* A worker about to sleep moves the reader (this thread) to its CPU;
   the reading's end gives the reader its affinity back, and a worker
   moves it no more. */
static void test_follow_moves(void **state)
{
	struct engine e;
	struct pipeline pl;
	cpu_set_t before, two, now, one;
	pthread_t th;
	int c, kept = 0, cpu;

	(void)state;
	/* At most two CPUs, so that two workers and the reader are more
	   threads than CPUs on any machine. */
	affinity_of_self(&before);
	CPU_ZERO(&two);
	for (c = 0; c < CPU_SETSIZE && kept < 2; c++)
		if (CPU_ISSET(c, &before)) {
			CPU_SET(c, &two);
			kept++;
		}
	assert_int_equal(sched_setaffinity(0, sizeof(two), &two), 0);

	memset(&e, 0, sizeof(e));
	e.dpi = true;
	memset(&pl, 0, sizeof(pl));
	pl.eng = &e;
	pl.n = 2;
	pl.nr = 1;
	pipeline_follow(&pl);
	assert_true(pl.follow.enabled);
	assert_true(CPU_EQUAL(&pl.follow.orig, &two));

	assert_int_equal(pthread_create(&th, NULL, worker_follows, &pl), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	cpu = atomic_load(&pl.follow.cpu);
	assert_true(cpu >= 0 && CPU_ISSET(cpu, &two));
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	affinity_of_self(&now);
	assert_true(CPU_EQUAL(&now, &one));

	follow_stop(&pl);
	affinity_of_self(&now);
	assert_true(CPU_EQUAL(&now, &two));
	assert_int_equal(pthread_create(&th, NULL, worker_follows, &pl), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	affinity_of_self(&now);
	assert_true(CPU_EQUAL(&now, &two));

	/* Without nDPI, nothing is set up. */
	memset(&pl, 0, sizeof(pl));
	e.dpi = false;
	pl.eng = &e;
	pl.n = 2;
	pl.nr = 1;
	pipeline_follow(&pl);
	assert_false(pl.follow.enabled);

	assert_int_equal(sched_setaffinity(0, sizeof(before), &before), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_cut),
		cmocka_unit_test(test_follow_wanted),
		cmocka_unit_test(test_follow_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
