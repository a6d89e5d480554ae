/*
 * digest.h: SHA-256 and SHA-1 (FIPS 180-4) of a buffer, through libgcrypt.
 *
 * SHA-256 names exactly which catalogue a run used (`impwatch -V` for the
 * built-in one); SHA-1 is what the Community ID flow hash is made of
 * (community_id.h). Nothing here allocates; libgcrypt is initialised on
 * first use unless something (nDPI) already did it.
 */
#ifndef IMPWATCH_DIGEST_H
#define IMPWATCH_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_SHA256_LEN 32                          /* bytes */
#define DIGEST_SHA256_HEX (2 * DIGEST_SHA256_LEN + 1)  /* hex and NUL */
#define DIGEST_SHA1_LEN 20                            /* bytes */

/* The SHA-256 of len bytes at buf (buf may be NULL when len is 0) into
   out. Returns 0, or -1 when libgcrypt cannot be initialised (a library
   older than the headers it was built with); out is then untouched. */
int digest_sha256(const void *buf, size_t len, uint8_t out[DIGEST_SHA256_LEN]);

/* The SHA-1 of len bytes at buf, as digest_sha256(). SHA-1 is broken
   for collisions: use it only where a published format demands it. */
int digest_sha1(const void *buf, size_t len, uint8_t out[DIGEST_SHA1_LEN]);

/* len bytes at d as lower-case hex into hex (2 * len + 1 bytes). */
void digest_hex(const uint8_t *d, size_t len, char *hex);

/* digest_sha256() written as hex; the same return value, and hex ""
   when it fails (a provenance then says "unavailable"). */
int digest_sha256_hex(const void *buf, size_t len, char hex[DIGEST_SHA256_HEX]);

#endif
