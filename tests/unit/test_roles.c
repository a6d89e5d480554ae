/*
 * test_roles.c: the one table of roles and the one parser of role lists,
 * shared by the catalogue's roles column and the site inventory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "roles.h"

#define BIT(r) (UINT32_C(1) << (r))

static struct tstr S(const char *s)
{
	struct tstr t = { s, strlen(s) };

	return t;
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(cat_role_parse("imp", 3), ROLE_IMP);
	assert_int_equal(cat_role_parse("mssql-db", 8), ROLE_MSSQL_DB);
	assert_int_equal(cat_role_parse("Imp", 3), -1);
	assert_string_equal(cat_role_name(ROLE_ENDPOINT), "endpoint");
	assert_string_equal(cat_role_label(ROLE_IMP), "IM and Presence node");
	/* A mask has a bit per role. */
	assert_true(ROLE_COUNT <= 32);
	assert_int_equal(CAT_ROLES_ALL, BIT(ROLE_COUNT) - 1);
}

static void test_parse_list(void **state)
{
	struct tstr bad = { NULL, 0 };
	uint32_t mask = 0;

	(void)state;
	assert_int_equal(cat_roles_parse(S("imp"), &mask, &bad), ROLES_OK);
	assert_int_equal(mask, BIT(ROLE_IMP));
	/* Items are trimmed; a role given twice is one bit. */
	assert_int_equal(cat_roles_parse(S("cucm, imp ,cucm"), &mask, &bad),
			 ROLES_OK);
	assert_int_equal(mask, BIT(ROLE_IMP) | BIT(ROLE_CUCM));
	/* No implied roles here: a publisher is not made an imp. */
	assert_int_equal(cat_roles_parse(S("imp-publisher"), &mask, &bad), ROLES_OK);
	assert_int_equal(mask, BIT(ROLE_IMP_PUBLISHER));

	assert_int_equal(cat_roles_parse(S("imp,,cucm"), &mask, &bad), ROLES_EMPTY);
	assert_int_equal(cat_roles_parse(S("imp,"), &mask, &bad), ROLES_EMPTY);
	assert_int_equal(cat_roles_parse(S(""), &mask, &bad), ROLES_EMPTY);
	assert_int_equal(cat_roles_parse(S("imp,nope,cucm"), &mask, &bad),
			 ROLES_UNKNOWN);
	assert_int_equal(bad.n, 4);
	assert_memory_equal(bad.s, "nope", 4);
	/* The first mistake is the one reported. */
	assert_int_equal(cat_roles_parse(S("x,,imp"), &mask, &bad), ROLES_UNKNOWN);
	assert_int_equal(bad.n, 1);
	assert_int_equal(cat_roles_parse(S(",x"), &mask, &bad), ROLES_EMPTY);
}

static void test_str(void **state)
{
	char buf[512], tiny[8];

	(void)state;
	cat_roles_str(BIT(ROLE_CUCM) | BIT(ROLE_IMP), ",", buf, sizeof(buf));
	assert_string_equal(buf, "imp,cucm");
	cat_roles_str(BIT(ROLE_CUCM) | BIT(ROLE_IMP), ", ", buf, sizeof(buf));
	assert_string_equal(buf, "imp, cucm");
	cat_roles_str(0, ",", buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* Every role, as the loaders list the valid ones. */
	cat_roles_str(CAT_ROLES_ALL, ", ", buf, sizeof(buf));
	assert_true(strncmp(buf, "imp, imp-publisher, ", 20) == 0);
	assert_non_null(strstr(buf, ", endpoint"));
	/* Cut short, never past the buffer, always terminated. */
	cat_roles_str(CAT_ROLES_ALL, ",", tiny, sizeof(tiny));
	assert_string_equal(tiny, "imp,imp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
