/*
 * cursor.h: the one bounds-checked reader for packet and file bytes.
 *
 * Every read of captured bytes goes through these getters. Each returns
 * false, and leaves the cursor where it was, when fewer bytes remain than
 * asked for; on success it advances. Bounds are written `n <= len - off`
 * (off never exceeds len), so no addition can overflow.
 */
#ifndef IMPWATCH_CURSOR_H
#define IMPWATCH_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *data;
	size_t len;
	size_t off;
};

/* Each getter is a few instructions, on every packet: always inlined.
   Left to its limits, the compiler made calls of some inside the large
   functions a link-time optimised build makes of the decoder. */
#define CUR_INLINE static inline __attribute__((always_inline))

CUR_INLINE void cur_init(struct cursor *c, const uint8_t *data, size_t len)
{
	c->data = data;
	c->len = data ? len : 0;
	c->off = 0;
}

CUR_INLINE size_t cur_left(const struct cursor *c)
{
	return c->len - c->off;
}

/* Pointer to the current position; valid for cur_left() bytes. */
CUR_INLINE const uint8_t *cur_pos(const struct cursor *c)
{
	return c->data + c->off;
}

CUR_INLINE bool cur_skip(struct cursor *c, size_t n)
{
	if (n > c->len - c->off)
		return false;
	c->off += n;
	return true;
}

CUR_INLINE bool cur_u8(struct cursor *c, uint8_t *v)
{
	if (1 > c->len - c->off)
		return false;
	*v = c->data[c->off];
	c->off += 1;
	return true;
}

CUR_INLINE bool cur_be16(struct cursor *c, uint16_t *v)
{
	if (2 > c->len - c->off)
		return false;
	const uint8_t *p = c->data + c->off;
	*v = (uint16_t)((p[0] << 8) | p[1]);
	c->off += 2;
	return true;
}

CUR_INLINE bool cur_le16(struct cursor *c, uint16_t *v)
{
	if (2 > c->len - c->off)
		return false;
	const uint8_t *p = c->data + c->off;
	*v = (uint16_t)((p[1] << 8) | p[0]);
	c->off += 2;
	return true;
}

CUR_INLINE bool cur_be32(struct cursor *c, uint32_t *v)
{
	if (4 > c->len - c->off)
		return false;
	const uint8_t *p = c->data + c->off;
	*v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	     ((uint32_t)p[2] << 8) | (uint32_t)p[3];
	c->off += 4;
	return true;
}

CUR_INLINE bool cur_le32(struct cursor *c, uint32_t *v)
{
	if (4 > c->len - c->off)
		return false;
	const uint8_t *p = c->data + c->off;
	*v = ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) |
	     ((uint32_t)p[1] << 8) | (uint32_t)p[0];
	c->off += 4;
	return true;
}

/* Copy n bytes out (addresses and the like). */
CUR_INLINE bool cur_copy(struct cursor *c, void *dst, size_t n)
{
	if (n > c->len - c->off)
		return false;
	memcpy(dst, c->data + c->off, n);
	c->off += n;
	return true;
}

/* Peek at the byte `at` positions ahead without advancing. */
CUR_INLINE bool cur_peek_u8(const struct cursor *c, size_t at, uint8_t *v)
{
	if (at >= c->len - c->off)
		return false;
	*v = c->data[c->off + at];
	return true;
}

/*
 * Take the next n bytes as a cursor of their own (a header's claimed
 * length, say) and advance past them. Fails when fewer than n remain.
 */
CUR_INLINE bool cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (n > c->len - c->off)
		return false;
	/* Not cur_init(): with n bytes left, data is not NULL (n > 0) or
	   nothing is read (n == 0), and a length the compiler can see is
	   n lets it drop the checks of a fixed header read field by field
	   from *sub (decode_ip.c). */
	sub->data = c->data + c->off;
	sub->len = n;
	sub->off = 0;
	c->off += n;
	return true;
}

/* Shorten the cursor so that at most n bytes remain (clamping to a length
 * a header claims). Returns false when fewer than n were there: the
 * caller records the packet as truncated and goes on with what is left. */
CUR_INLINE bool cur_clamp(struct cursor *c, size_t n)
{
	if (n > c->len - c->off)
		return false;
	c->len = c->off + n;
	return true;
}

#endif
