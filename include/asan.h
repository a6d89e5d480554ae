/*
 * asan.h: whether the build has AddressSanitizer, and the marks that
 * fence memory a module hands out in pieces of its own (the worker's
 * batch arena, the rings' messages) as malloc() fences its blocks: each
 * piece readable alone, a red zone after it not, so that a read past
 * one piece is a report and not a quiet read of the next. Without ASan
 * the marks are no-ops and the red zone is 0 bytes.
 *
 * ASan marks memory in granules of 8 bytes, each readable from its
 * start up to some byte: a piece whose red zone starts where the piece
 * ends, in a granule whose earlier bytes are readable, ends exactly.
 */
#ifndef IMPWATCH_ASAN_H
#define IMPWATCH_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define IMPWATCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IMPWATCH_ASAN 1
#endif
#endif

#ifdef IMPWATCH_ASAN
#include <sanitizer/asan_interface.h>
/* The least red zone after a piece: 16 bytes, as malloc()'s. */
#define ASAN_REDZONE 16u
#define asan_poison(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define asan_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ASAN_REDZONE 0u
#define asan_poison(p, n) ((void)(p), (void)(n))
#define asan_unpoison(p, n) ((void)(p), (void)(n))
#endif

#endif
