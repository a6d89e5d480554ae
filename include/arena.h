/*
 * arena.h: strings and small objects that live and die together.
 *
 * Allocated from chunks (16 KiB, or one object's size when larger) and
 * freed all at once: the catalogue's rows never free their own strings,
 * and a staging area's chunks move to the catalogue in one splice.
 */
#ifndef IMPWATCH_ARENA_H
#define IMPWATCH_ARENA_H

#include <stddef.h>
#include <stdint.h>

/* Objects other than strings (the rows' arrays: pointers and integers)
   start on this boundary. */
#define ARENA_ALIGN _Alignof(union { void *p; uint64_t u; })

struct arena_chunk;

/* Copy s[0..n) with a NUL into the arena; NULL when out of memory. */
char *arena_strndup(struct arena_chunk **head, const char *s, size_t n);

/* n bytes, aligned for pointers and 64-bit integers (what rows point
   to); NULL when out of memory. */
void *arena_alloc(struct arena_chunk **head, size_t n);

/* Move every chunk of *from into *into; *from is left empty. */
void arena_splice(struct arena_chunk **into, struct arena_chunk **from);

void arena_free(struct arena_chunk *a);

#endif
