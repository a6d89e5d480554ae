/*
 * arena.c: strings and small objects in chunks freed together (the
 * contract is in arena.h).
 */
#include "arena.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	char data[];
};

#define ARENA_CHUNK 16384

/* The chunk's data starts on ARENA_ALIGN too: malloc aligns the chunk
   for any object, and the header's size is a multiple of it. */
_Static_assert(offsetof(struct arena_chunk, data) % ARENA_ALIGN == 0,
	       "arena data misaligned");

/* n bytes from the arena, at an offset that is a multiple of align. */
static void *arena_take(struct arena_chunk **head, size_t n, size_t align)
{
	struct arena_chunk *a = *head;
	size_t at = a ? (a->used + align - 1) / align * align : 0;

	if (!a || at > a->cap || a->cap - at < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		a = malloc(sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->next = *head;
		a->cap = cap;
		*head = a;
		at = 0;
	}
	a->used = at + n;
	return a->data + at;
}

void *arena_alloc(struct arena_chunk **head, size_t n)
{
	return arena_take(head, n, ARENA_ALIGN);
}

char *arena_strndup(struct arena_chunk **head, const char *s, size_t n)
{
	char *d = arena_take(head, n + 1, 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void arena_splice(struct arena_chunk **into, struct arena_chunk **from)
{
	struct arena_chunk *tail = *from;

	if (!tail)
		return;
	while (tail->next)
		tail = tail->next;
	tail->next = *into;
	*into = *from;
	*from = NULL;
}

void arena_free(struct arena_chunk *a)
{
	while (a) {
		struct arena_chunk *next = a->next;

		free(a);
		a = next;
	}
}
