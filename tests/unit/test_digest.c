/*
 * test_digest.c: the SHA-256 and SHA-1 wrappers against the test vectors
 * of FIPS 180-2 (appendices A and B) and NIST's empty-message values.
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

/* The SHA-1 of len bytes at buf, as hex. */
static void sha1_hex(const void *buf, size_t len, char *hex)
{
	uint8_t d[DIGEST_SHA1_LEN];

	assert_int_equal(digest_sha1(buf, len, d), 0);
	digest_hex(d, sizeof d, hex);
}

static void test_sha1_vectors(void **state)
{
	char hex[2 * DIGEST_SHA1_LEN + 1];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *buf = malloc(1000000);

	(void)state;
	sha1_hex(NULL, 0, hex);
	assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	sha1_hex("abc", 3, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_hex(two, strlen(two), hex);
	assert_string_equal(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	assert_non_null(buf);
	memset(buf, 'a', 1000000);
	sha1_hex(buf, 1000000, hex);
	free(buf);
	assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fips_vectors),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_raw_and_hex),
		cmocka_unit_test(test_sha1_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
