/*
 * test_gate.c: the verdict of a run: which reasons count, and the exit
 * status they make with findings and input errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gate.h"

/* Reasons that need --validate are dropped without it; a run that did
   not complete counts either way. */
static void test_scope(void **state)
{
	struct gate g;

	(void)state;
	gate_init(&g, false);
	assert_false(gate_inconclusive(&g, GR_NO_PACKETS, "no packets"));
	assert_false(gate_inconclusive(&g, GR_DROPS, "%d dropped", 3));
	assert_false(gate_any(&g));
	assert_int_equal(gate_status(&g, true, true), EXIT_PASS);
	assert_true(gate_inconclusive(&g, GR_INTERRUPTED, "SIGTERM"));
	assert_true(gate_has(&g, GR_INTERRUPTED));
	assert_int_equal(gate_status(&g, true, true), EXIT_INCONCLUSIVE);
	assert_int_equal(gate_status(&g, true, false), EXIT_INCONCLUSIVE);

	gate_init(&g, true);
	assert_true(gate_inconclusive(&g, GR_NO_FLOWS, "no flows: %u", 2u));
	assert_string_equal(g.why[GR_NO_FLOWS], "no flows: 2");
	/* The first sentence stays. */
	assert_true(gate_inconclusive(&g, GR_NO_FLOWS, "again"));
	assert_string_equal(g.why[GR_NO_FLOWS], "no flows: 2");
}

/* Poor health outweighs findings; work left undone does not; an input
   error outweighs everything. */
static void test_status(void **state)
{
	struct gate g;

	(void)state;
	gate_init(&g, true);
	assert_int_equal(gate_status(&g, true, false), EXIT_PASS);
	assert_int_equal(gate_status(&g, true, true), EXIT_FINDINGS);
	assert_int_equal(gate_status(&g, false, true), EXIT_INPUT_ERROR);

	gate_inconclusive(&g, GR_INTERRUPTED, "x");
	assert_int_equal(gate_status(&g, true, false), EXIT_INCONCLUSIVE);
	assert_int_equal(gate_status(&g, true, true), EXIT_FINDINGS);
	assert_int_equal(gate_status(&g, false, false), EXIT_INPUT_ERROR);

	gate_inconclusive(&g, GR_DUPLICATES, "x");
	assert_int_equal(gate_status(&g, true, true), EXIT_INCONCLUSIVE);
	assert_int_equal(gate_status(&g, false, true), EXIT_INPUT_ERROR);
}

/* A sentence longer than the room is cut, never overrun. */
static void test_long_sentence(void **state)
{
	char big[GATE_WHY_MAX * 2];
	struct gate g;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	gate_init(&g, true);
	gate_inconclusive(&g, GR_ONE_WAY, "%s", big);
	assert_int_equal(strlen(g.why[GR_ONE_WAY]), GATE_WHY_MAX - 1);
	assert_string_equal(gate_reason_key(GR_ONE_WAY), "one-way");
	assert_string_equal(gate_reason_title(GR_DROPS), "capture health is poor");
}

/* The thresholds: over PCT% of the whole, in thousandths of a percent. */
static void test_over(void **state)
{
	(void)state;
	/* 0: any part at all. */
	assert_false(gate_over(0, 1000, 0));
	assert_true(gate_over(1, 1000000000, 0));
	/* 0.1% of 10,000 is 10: 10 is not over it, 11 is. */
	assert_false(gate_over(10, 10000, 100));
	assert_true(gate_over(11, 10000, 100));
	/* 20% of 12 TCP flows: 2 is not over, 3 is (2.4 allowed). */
	assert_false(gate_over(2, 12, 20000));
	assert_true(gate_over(3, 12, 20000));
	/* 100%: never, even all of it. */
	assert_false(gate_over(500, 500, 100000));
	assert_false(gate_over(500, 500, 250000));
	/* Counts near 2^64 do not overflow. */
	assert_true(gate_over(UINT64_MAX / 2, UINT64_MAX, 10000));
	assert_false(gate_over(UINT64_MAX / 100, UINT64_MAX, 10000));
	/* Nothing received: nothing is over. */
	assert_false(gate_over(0, 0, 0));
}

/* The filter's sentence: what it left out; of a file it could not apply
   to (a pipe of another link type), that it was not read, never "left
   out 0 of 0 packets". */
static void test_filter(void **state)
{
	struct gate g;

	(void)state;
	gate_init(&g, false);
	assert_null(gate_filter_why(&g));
	gate_filter(&g, "udp", true, 10, 4);
	assert_string_equal(gate_filter_why(&g), "judged only what the "
			    "filter 'udp' kept: it left out 4 of 10 packets");
	gate_filter_refused(&g, "-", 12);
	assert_string_equal(gate_filter_why(&g), "judged only what the "
			    "filter 'udp' kept: it left out 4 of 10 packets; it "
			    "does not apply to the link type of - (12), which "
			    "was not read");
	gate_init(&g, false);
	gate_filter(&g, "ether host 02:00:00:00:00:01", true, 0, 0);
	gate_filter_refused(&g, "-", 12);
	assert_string_equal(gate_filter_why(&g), "the filter 'ether host "
			    "02:00:00:00:00:01' does not apply to the link type "
			    "of - (12), which was not read");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_long_sentence),
		cmocka_unit_test(test_over),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
