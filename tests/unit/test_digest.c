/*
 * test_digest.c: the SHA-256 wrapper against the test vectors of FIPS
 * 180-2 (appendix B) and NIST's empty-message value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "digest.h"

/* The hex digest of len bytes at buf, through the wrapper. */
static void hex_of(const void *buf, size_t len, char hex[DIGEST_SHA256_HEX])
{
	assert_int_equal(digest_sha256_hex(buf, len, hex), 0);
}

static void test_empty(void **state)
{
	char hex[DIGEST_SHA256_HEX];

	(void)state;
	hex_of("", 0, hex);
	assert_string_equal(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* No buffer at all is the empty message too. */
	hex_of(NULL, 0, hex);
	assert_string_equal(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_fips_vectors(void **state)
{
	char hex[DIGEST_SHA256_HEX];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	hex_of("abc", 3, hex);
	assert_string_equal(hex,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_of(two, strlen(two), hex);
	assert_string_equal(hex,
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* A million 'a's: more than one block, as a catalogue file is. */
static void test_million_a(void **state)
{
	char hex[DIGEST_SHA256_HEX];
	char *buf = malloc(1000000);

	(void)state;
	assert_non_null(buf);
	memset(buf, 'a', 1000000);
	hex_of(buf, 1000000, hex);
	free(buf);
	assert_string_equal(hex,
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The raw digest and its hex form agree, byte for byte. */
static void test_raw_and_hex(void **state)
{
	uint8_t d[DIGEST_SHA256_LEN];
	char hex[DIGEST_SHA256_HEX];
	char want[DIGEST_SHA256_HEX];

	(void)state;
	assert_int_equal(digest_sha256("abc", 3, d), 0);
	assert_int_equal(d[0], 0xba);
	assert_int_equal(d[31], 0xad);
	digest_hex(d, sizeof d, hex);
	hex_of("abc", 3, want);
	assert_string_equal(hex, want);
	assert_int_equal(strlen(hex), 2 * DIGEST_SHA256_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fips_vectors),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_raw_and_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
