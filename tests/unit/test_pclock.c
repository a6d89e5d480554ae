/*
 * test_pclock.c: the clock that drives expiry, stamp by stamp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pclock.h"

#define S 1000000ULL                /* one second in microseconds */
#define T0 (1767225600ULL * S)      /* 2026-01-01T00:00:00Z */
#define Y2038 (2145916800ULL * S)   /* 2038-01-01T00:00:00Z */
#define STEP (60 * S)

/*
 * Feed stamps[0..n) as a run does (each with those after it as its
 * lookahead); times[i] gets the time each counts at, what[i] what it did.
 */
static void feed(struct pclock *c, const uint64_t *stamps, size_t n,
		 uint64_t *times, enum pclock_what *what)
{
	size_t i;

	pclock_init(c, STEP);
	for (i = 0; i < n; i++)
		times[i] = pclock_packet(c, stamps[i], stamps + i + 1, n - i - 1,
					 i + 1 == n, &what[i]);
}

/* Packets in step, a second apart, or a little back (merged captures):
   believed as stamped; the clock keeps the latest. */
static void test_in_step(void **state)
{
	const uint64_t st[] = { T0, T0 + S, T0 + 2 * S, T0 + S / 2, T0 + 3 * S };
	uint64_t t[5];
	enum pclock_what w[5];
	struct pclock c;
	size_t i;

	(void)state;
	feed(&c, st, 5, t, w);
	for (i = 0; i < 5; i++) {
		assert_true(t[i] == st[i]);
		assert_int_equal(w[i], PCLOCK_STEP);
	}
	assert_true(c.now_us == T0 + 3 * S);
	assert_int_equal(c.outliers, 0);
}

/* The first packet stamped 2038, the rest in 2026: the first is not
   believed and counts at the time of those after it; the clock is 2026. */
static void test_first_forward_outlier(void **state)
{
	const uint64_t st[] = { Y2038, T0, T0 + S, T0 + 2 * S, T0 + 3 * S };
	uint64_t t[5];
	enum pclock_what w[5];
	struct pclock c;

	(void)state;
	feed(&c, st, 5, t, w);
	assert_int_equal(w[0], PCLOCK_OUTLIER);
	assert_true(t[0] == T0);               /* the earliest of the next 3 */
	assert_int_equal(w[1], PCLOCK_STEP);
	assert_true(t[4] == T0 + 3 * S);
	assert_int_equal(c.outliers, 1);
	assert_int_equal(c.jumps_back, 0);
	assert_true(c.now_us == T0 + 3 * S);
}

/* One stamp far ahead or far back in the middle: not believed, counted
   at the clock's time, and the clock goes on. */
static void test_later_outliers(void **state)
{
	const uint64_t st[] = { T0, T0 + S, Y2038, T0 + 2 * S, 1000 * S,
				T0 + 3 * S, T0 + 4 * S };
	uint64_t t[7];
	enum pclock_what w[7];
	struct pclock c;

	(void)state;
	feed(&c, st, 7, t, w);
	assert_int_equal(w[2], PCLOCK_OUTLIER);
	assert_true(t[2] == T0 + S);
	assert_int_equal(w[4], PCLOCK_OUTLIER);
	assert_true(t[4] == T0 + 2 * S);
	assert_int_equal(w[6], PCLOCK_STEP);
	assert_int_equal(c.outliers, 2);
	assert_true(c.now_us == T0 + 4 * S);
}

/* Two outliers in a row are still outliers; a third would be a jump. */
static void test_two_outliers_in_a_row(void **state)
{
	const uint64_t st[] = { T0, Y2038, Y2038 + S, T0 + S, T0 + 2 * S,
				T0 + 3 * S };
	uint64_t t[6];
	enum pclock_what w[6];
	struct pclock c;

	(void)state;
	feed(&c, st, 6, t, w);
	assert_int_equal(w[1], PCLOCK_OUTLIER);
	assert_int_equal(w[2], PCLOCK_OUTLIER);
	assert_int_equal(c.outliers, 2);
	assert_true(c.now_us == T0 + 3 * S);
}

/* A real pause, then traffic again, even sparse (one packet every 100 s,
   more than the step): believed as it comes, nothing counted as an
   outlier. The very last packet, which nothing can confirm, keeps its
   stamp without moving the clock. */
static void test_forward_jump(void **state)
{
	const uint64_t day = 86400 * S;
	const uint64_t st[] = { T0, T0 + S, T0 + day, T0 + day + 100 * S,
				T0 + day + 200 * S, T0 + day + 300 * S };
	uint64_t t[6];
	enum pclock_what w[6];
	struct pclock c;
	size_t i;

	(void)state;
	feed(&c, st, 6, t, w);
	assert_int_equal(w[2], PCLOCK_JUMP_FWD);
	assert_int_equal(w[3], PCLOCK_JUMP_FWD);
	for (i = 0; i < 6; i++)
		assert_true(t[i] == st[i]);
	assert_int_equal(w[5], PCLOCK_STEP);
	assert_true(c.now_us == T0 + day + 200 * S);
	assert_int_equal(c.outliers, 0);
}

/* An outlier just before a real jump is still an outlier: it is far
   beyond every packet after it. */
static void test_outlier_then_jump(void **state)
{
	const uint64_t day = 86400 * S;
	const uint64_t st[] = { T0, Y2038, T0 + day, T0 + day + S,
				T0 + day + 2 * S, T0 + day + 3 * S };
	uint64_t t[6];
	enum pclock_what w[6];
	struct pclock c;

	(void)state;
	feed(&c, st, 6, t, w);
	assert_int_equal(w[1], PCLOCK_OUTLIER);
	assert_true(t[1] == T0);
	assert_int_equal(w[2], PCLOCK_JUMP_FWD);
	assert_int_equal(c.outliers, 1);
	assert_true(c.now_us == T0 + day + 3 * S);
}

/* Files out of order: time goes back a day and stays there. Believed. */
static void test_backward_jump(void **state)
{
	const uint64_t day = 86400 * S;
	const uint64_t st[] = { T0 + day, T0 + day + S, T0, T0 + S, T0 + 2 * S,
				T0 + 3 * S };
	uint64_t t[6];
	enum pclock_what w[6];
	struct pclock c;

	(void)state;
	feed(&c, st, 6, t, w);
	assert_int_equal(w[2], PCLOCK_JUMP_BACK);
	assert_true(t[2] == T0);
	assert_int_equal(w[3], PCLOCK_STEP);
	assert_int_equal(c.jumps_back, 1);
	assert_int_equal(c.outliers, 0);
	assert_true(c.now_us == T0 + 3 * S);
}

/* The last packet far away: nothing confirms it; it keeps its stamp and
   the clock stays. With nothing ahead but more to come, no jump is
   believed from a packet; the wall clock sets the clock, back too. */
static void test_nothing_ahead(void **state)
{
	const uint64_t st[] = { T0, T0 + S, Y2038 };
	uint64_t t[3];
	enum pclock_what w[3];
	struct pclock c;

	(void)state;
	feed(&c, st, 3, t, w);
	assert_int_equal(w[2], PCLOCK_STEP);
	assert_true(t[2] == Y2038);
	assert_true(c.now_us == T0 + S);
	assert_int_equal(c.outliers, 0);
	assert_true(pclock_packet(&c, Y2038, NULL, 0, false, &w[0]) == T0 + S);
	assert_int_equal(w[0], PCLOCK_OUTLIER);
	assert_int_equal(pclock_tick(&c, T0 + 10 * S), PCLOCK_STEP);
	assert_true(c.now_us == T0 + 10 * S);
	assert_int_equal(pclock_tick(&c, T0 + 5 * S), PCLOCK_STEP);
	assert_true(c.now_us == T0 + 10 * S);
	assert_int_equal(pclock_tick(&c, T0 - 3600 * S), PCLOCK_JUMP_BACK);
	assert_true(c.now_us == T0 - 3600 * S);
	/* Stamps near the end of 64 bits do not wrap the step. */
	assert_true(pclock_packet(&c, UINT64_MAX, NULL, 0, false, &w[0]) ==
		    T0 - 3600 * S);
	assert_int_equal(w[0], PCLOCK_OUTLIER);
}

/* The inline in-step case: yes for a stamp within the step either way
   of a set clock (the clock moving forward only), as pclock_packet()
   says whatever the stamps ahead; no, with the clock untouched, for an
   unset clock or a stamp beyond the step, near the ends of 64 bits too. */
static void test_in_step_inline(void **state)
{
	const uint64_t far[] = { Y2038, Y2038, Y2038 };
	struct pclock c, d;
	enum pclock_what w;

	(void)state;
	pclock_init(&c, STEP);
	assert_false(pclock_in_step(&c, T0));
	assert_false(c.set);
	(void)pclock_tick(&c, T0);
	assert_true(pclock_in_step(&c, T0 + STEP));
	assert_true(c.now_us == T0 + STEP);
	assert_true(pclock_in_step(&c, T0));          /* back by the step */
	assert_true(c.now_us == T0 + STEP);
	assert_false(pclock_in_step(&c, T0 - 1));
	assert_false(pclock_in_step(&c, T0 + 2 * STEP + 1));
	assert_false(pclock_in_step(&c, UINT64_MAX));
	assert_false(pclock_in_step(&c, 0));
	assert_true(c.now_us == T0 + STEP);
	assert_int_equal(c.outliers, 0);
	/* pclock_packet() agrees, with stamps ahead that would confirm a
	   jump: in step, they are not looked at. */
	d = c;
	assert_true(pclock_packet(&d, T0 + STEP + S, far, 3, false, &w) ==
		    T0 + STEP + S);
	assert_int_equal(w, PCLOCK_STEP);
	assert_true(pclock_in_step(&c, T0 + STEP + S));
	assert_true(c.now_us == d.now_us);
	/* At the top of 64 bits nothing wraps. */
	pclock_init(&c, STEP);
	(void)pclock_tick(&c, UINT64_MAX - 1);
	assert_true(pclock_in_step(&c, UINT64_MAX));
	assert_true(c.now_us == UINT64_MAX);
	assert_false(pclock_in_step(&c, UINT64_MAX - STEP - 1));
	assert_true(pclock_in_step(&c, UINT64_MAX - STEP));
}

/* A stamp of 0 (some tools write no time at all) is a stamp: the first
   sets the clock, packets in step with it are believed, a first stamp
   of 0 before stamps of 2026 is no outlier (it is not after them), and
   the clock set at 0 is set (the tick does not take it for unset). */
static void test_zero_stamps(void **state)
{
	const uint64_t zeros[] = { 0, 0, 0 };
	const uint64_t late[] = { 0, 10 * S, 20 * S };
	uint64_t t[3];
	enum pclock_what w[3];
	struct pclock c;
	size_t i;

	(void)state;
	feed(&c, zeros, 3, t, w);
	for (i = 0; i < 3; i++) {
		assert_true(t[i] == 0);
		assert_int_equal(w[i], PCLOCK_STEP);
	}
	assert_true(c.set);
	assert_true(c.now_us == 0);
	assert_true(pclock_in_step(&c, 0));
	assert_true(pclock_in_step(&c, STEP));
	assert_true(c.now_us == STEP);
	feed(&c, late, 3, t, w);
	for (i = 0; i < 3; i++) {
		assert_true(t[i] == late[i]);
		assert_int_equal(w[i], PCLOCK_STEP);
	}
	assert_int_equal(c.outliers, 0);
	/* Set at 0, the wall clock far ahead is time passing, not a
	   clock set back. */
	pclock_init(&c, STEP);
	(void)pclock_packet(&c, 0, NULL, 0, true, &w[0]);
	assert_true(c.set);
	assert_int_equal(pclock_tick(&c, T0), PCLOCK_STEP);
	assert_true(c.now_us == T0);
	assert_int_equal(c.jumps_back, 0);
	/* A clock at 0 has nothing more than the step before it. */
	pclock_init(&c, STEP);
	(void)pclock_tick(&c, 0);
	assert_int_equal(pclock_tick(&c, 0), PCLOCK_STEP);
	assert_int_equal(c.jumps_back, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_step),
		cmocka_unit_test(test_first_forward_outlier),
		cmocka_unit_test(test_later_outliers),
		cmocka_unit_test(test_two_outliers_in_a_row),
		cmocka_unit_test(test_forward_jump),
		cmocka_unit_test(test_outlier_then_jump),
		cmocka_unit_test(test_backward_jump),
		cmocka_unit_test(test_nothing_ahead),
		cmocka_unit_test(test_in_step_inline),
		cmocka_unit_test(test_zero_stamps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
