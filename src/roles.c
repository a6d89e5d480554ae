/*
 * roles.c: role names, labels, and lists of roles.
 */
#include "roles.h"

#include <stdio.h>
#include <string.h>

/* A set of roles is a 32-bit mask. */
_Static_assert(ROLE_COUNT <= 32, "more roles than bits in a role mask");

#define X_NAME(e, id, label) id,
static const char *const role_names[ROLE_COUNT] = { CAT_ROLES(X_NAME) };
#undef X_NAME
#define X_LABEL(e, id, label) label,
static const char *const role_labels[ROLE_COUNT] = { CAT_ROLES(X_LABEL) };
#undef X_LABEL

const char *cat_role_name(enum cat_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

const char *cat_role_label(enum cat_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_labels[r] : "?";
}

int cat_role_parse(const char *s, size_t len)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (strlen(role_names[i]) == len && memcmp(role_names[i], s, len) == 0)
			return i;
	return -1;
}

int cat_roles_parse(struct tstr list, uint32_t *mask, struct tstr *bad)
{
	struct tstr item;

	*mask = 0;
	while (tstr_item(&list, ',', &item)) {
		int role;

		if (item.n == 0)
			return ROLES_EMPTY;
		role = cat_role_parse(item.s, item.n);
		if (role < 0) {
			*bad = item;
			return ROLES_UNKNOWN;
		}
		*mask |= UINT32_C(1) << role;
	}
	return ROLES_OK;
}

void cat_roles_str(uint32_t mask, const char *sep, char *buf, size_t size)
{
	size_t at = 0;
	int r;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (r = 0; r < ROLE_COUNT; r++) {
		int w;

		if (!(mask & (UINT32_C(1) << r)))
			continue;
		w = snprintf(buf + at, size - at, "%s%s", at ? sep : "",
			     role_names[r]);
		if (w < 0 || (size_t)w >= size - at)
			return;
		at += (size_t)w;
	}
}
