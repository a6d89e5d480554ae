/*
 * test_cursor.c: the checked reader at its edges: each getter fails
 * without moving when too few bytes remain, and succeeds on exactly
 * enough.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cursor.h"

static const uint8_t B[] = { 0x12, 0x34, 0x56, 0x78, 0x9a };

static void test_getters(void **state)
{
	struct cursor c;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	(void)state;
	cur_init(&c, B, sizeof B);
	assert_true(cur_be16(&c, &u16));
	assert_int_equal(u16, 0x1234);
	assert_true(cur_le16(&c, &u16));
	assert_int_equal(u16, 0x7856);
	assert_int_equal(cur_left(&c), 1);
	assert_false(cur_be16(&c, &u16));
	assert_false(cur_le32(&c, &u32));
	assert_int_equal(c.off, 4);
	assert_true(cur_u8(&c, &u8));
	assert_int_equal(u8, 0x9a);
	assert_false(cur_u8(&c, &u8));
	assert_int_equal(cur_left(&c), 0);

	cur_init(&c, B, sizeof B);
	assert_true(cur_be32(&c, &u32));
	assert_int_equal(u32, 0x12345678);
	cur_init(&c, B, sizeof B);
	assert_true(cur_le32(&c, &u32));
	assert_int_equal(u32, 0x78563412);
	assert_false(cur_be32(&c, &u32));
	assert_int_equal(c.off, 4);
}

static void test_skip_copy_peek(void **state)
{
	struct cursor c;
	uint8_t out[5], v;

	(void)state;
	cur_init(&c, B, sizeof B);
	assert_false(cur_skip(&c, 6));
	assert_int_equal(c.off, 0);
	assert_true(cur_skip(&c, 5));
	assert_true(cur_skip(&c, 0));
	assert_false(cur_skip(&c, 1));
	assert_false(cur_skip(&c, SIZE_MAX));

	cur_init(&c, B, sizeof B);
	assert_false(cur_copy(&c, out, 6));
	assert_true(cur_copy(&c, out, 5));
	assert_memory_equal(out, B, 5);

	cur_init(&c, B, sizeof B);
	assert_true(cur_peek_u8(&c, 4, &v));
	assert_int_equal(v, 0x9a);
	assert_false(cur_peek_u8(&c, 5, &v));
	assert_int_equal(c.off, 0);

	cur_init(&c, NULL, 100);
	assert_int_equal(cur_left(&c), 0);
	assert_false(cur_u8(&c, &v));
}

static void test_clamp_and_sub(void **state)
{
	struct cursor c, s;
	uint16_t u16;

	(void)state;
	cur_init(&c, B, sizeof B);
	assert_true(cur_skip(&c, 1));
	assert_false(cur_clamp(&c, 5));
	assert_int_equal(cur_left(&c), 4);
	assert_true(cur_clamp(&c, 2));
	assert_int_equal(cur_left(&c), 2);
	assert_true(cur_be16(&c, &u16));
	assert_int_equal(u16, 0x3456);
	assert_false(cur_u8(&c, &(uint8_t){ 0 }));

	cur_init(&c, B, sizeof B);
	assert_false(cur_sub(&c, 6, &s));
	assert_true(cur_sub(&c, 3, &s));
	assert_int_equal(cur_left(&s), 3);
	assert_int_equal(cur_left(&c), 2);
	assert_ptr_equal(cur_pos(&s), B);
	assert_ptr_equal(cur_pos(&c), B + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_skip_copy_peek),
		cmocka_unit_test(test_clamp_and_sub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
