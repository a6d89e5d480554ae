/*
 * test_verdict.c: the verdict table (verdict.h) is whole: every verdict
 * has a distinct name and JSON key, and says what --validate makes of it
 * in a way each writer can print.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "verdict.h"

/* Names and keys are distinct: records, counters and the summary's
   lists are keyed by them. */
static void test_distinct(void **state)
{
	int a, b;

	(void)state;
	for (a = 0; a < V_COUNT; a++) {
		assert_non_null(verdict_name((enum verdict)a));
		assert_non_null(verdict_key((enum verdict)a));
		assert_string_not_equal(verdict_name((enum verdict)a), "unknown");
		assert_string_not_equal(verdict_key((enum verdict)a), "other");
		for (b = a + 1; b < V_COUNT; b++) {
			assert_string_not_equal(verdict_name((enum verdict)a),
						verdict_name((enum verdict)b));
			assert_string_not_equal(verdict_key((enum verdict)a),
						verdict_key((enum verdict)b));
		}
	}
}

/* A finding has a section in the text summary (where its flows are
   listed) and no pass words; a verdict that is not has pass words, for
   the PASS line. The first verdict is documented, shown in every run. */
static void test_findings(void **state)
{
	int v, findings = 0;

	(void)state;
	for (v = 0; v < V_COUNT; v++) {
		if (verdict_is_finding((enum verdict)v)) {
			findings++;
			assert_non_null(verdict_title((enum verdict)v));
			assert_null(verdict_pass((enum verdict)v));
		} else {
			assert_non_null(verdict_pass((enum verdict)v));
		}
	}
	assert_int_equal(findings, 7);
	assert_false(verdict_is_finding(V_DOCUMENTED));
	assert_int_equal(verdict_show(V_DOCUMENTED), VS_ALWAYS);
	assert_string_equal(verdict_key(V_DOCUMENTED), "services");
	assert_string_equal(verdict_pass(V_DOCUMENTED), "documented");
	assert_true(verdict_is_finding(V_UNTRUSTED_TUNNEL));
	assert_false(verdict_is_finding(V_TRUSTED_TUNNEL));
}

/* One verdict per flow: of the findings that apply, the first in the
   order undocumented, local-only, untrusted-tunnel, icmp-tunnel,
   role-violation, cleartext, protocol-mismatch; documented when none
   does. */
static void test_precedence(void **state)
{
	static const enum verdict order[] = {
		V_UNDOCUMENTED, V_LOCAL_ONLY, V_UNTRUSTED_TUNNEL,
		V_ICMP_TUNNEL, V_ROLE_VIOLATION, V_CLEARTEXT,
		V_PROTOCOL_MISMATCH,
	};
	unsigned i, j, mask;

	(void)state;
	assert_int_equal(verdict_of_findings(0, V_DOCUMENTED), V_DOCUMENTED);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		assert_true(verdict_is_finding(order[i]));
		assert_true(verdict_rank(order[i]) < verdict_rank(V_DOCUMENTED));
		mask = 0;
		for (j = i; j < sizeof(order) / sizeof(order[0]); j++)
			mask |= 1u << order[j];
		assert_int_equal(verdict_of_findings(mask, V_DOCUMENTED), order[i]);
		assert_int_equal(verdict_of_findings(1u << order[i], V_DOCUMENTED),
				 order[i]);
	}
	assert_string_equal(verdict_name(V_CLEARTEXT), "cleartext");
	/* The first finding the summary lists. */
	assert_int_equal(V_CLEARTEXT, V_DOCUMENTED + 1);
}

/* Past the table: what a damaged value prints, never NULL. */
static void test_past_table(void **state)
{
	(void)state;
	assert_string_equal(verdict_name(V_COUNT), "unknown");
	assert_string_equal(verdict_key(V_COUNT), "other");
	assert_false(verdict_is_finding(V_COUNT));
	assert_null(verdict_title(V_COUNT));
	assert_null(verdict_pass(V_COUNT));
	assert_string_equal(verdict_name((enum verdict)200), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_past_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
