/*
 * digest.c: SHA-256 and SHA-1 through libgcrypt (already linked by libndpi), so the
 * project carries no hash code of its own.
 */
#include "digest.h"

#include <gcrypt.h>
#include <stdatomic.h>
#include <stdbool.h>

/* Set once libgcrypt is known to be initialised: asking it again costs
   a twentieth of a Community ID, which every flow record has. */
static atomic_bool ready;

/* Initialise libgcrypt once, as its manual asks of an application before
   any other call, unless nDPI's module set-up already did. */
static int digest_init(void)
{
	if (atomic_load_explicit(&ready, memory_order_acquire))
		return 0;
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		/* The library must be at least the version of the headers
		   used. */
		if (!gcry_check_version(GCRYPT_VERSION))
			return -1;
		/* Only public data is hashed: no secure memory, and no
		   warning about its absence. */
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	}
	atomic_store_explicit(&ready, true, memory_order_release);
	return 0;
}

int digest_sha256(const void *buf, size_t len, uint8_t out[DIGEST_SHA256_LEN])
{
	if (digest_init() != 0)
		return -1;
	gcry_md_hash_buffer(GCRY_MD_SHA256, out, buf ? buf : "", len);
	return 0;
}

int digest_sha1(const void *buf, size_t len, uint8_t out[DIGEST_SHA1_LEN])
{
	if (digest_init() != 0)
		return -1;
	gcry_md_hash_buffer(GCRY_MD_SHA1, out, buf ? buf : "", len);
	return 0;
}

void digest_hex(const uint8_t *d, size_t len, char *hex)
{
	static const char xd[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		hex[2 * i] = xd[d[i] >> 4];
		hex[2 * i + 1] = xd[d[i] & 0x0f];
	}
	hex[2 * len] = '\0';
}

int digest_sha256_hex(const void *buf, size_t len, char hex[DIGEST_SHA256_HEX])
{
	uint8_t d[DIGEST_SHA256_LEN];

	if (digest_sha256(buf, len, d) != 0) {
		hex[0] = '\0';
		return -1;
	}
	digest_hex(d, sizeof d, hex);
	return 0;
}
