/*
 * catalogue_apps.c: the apps column, the protocols nDPI may find on a
 * row's port.
 *
 * Each name is checked, and resolved to nDPI's protocol id, once, when the
 * row is loaded; from then on the protocol-mismatch rule compares ids. The
 * names stay as written, for the reports and `impwatch rules`.
 */
#include "catalogue_int.h"

#include <string.h>
#include <strings.h>

/* The bytes nDPI 4.2's protocol names are made of. */
static bool app_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

/* The apps of a row are an array in the stage's arena. */
_Static_assert(_Alignof(struct cat_app) <= ARENA_ALIGN,
	       "struct cat_app needs more alignment than the arena gives");

int cat_apps_parse(struct cat_stage *st, struct tstr f, struct cat_row *r,
		   struct tstr *bad)
{
	struct cat_app *app;
	struct tstr item;
	size_t used = 0, n = 1, i;
	char *norm;

	r->n_apps = 0;
	r->app = NULL;
	if (tstr_is(f, "-") || tstr_is(f, "any")) {
		r->apps_kind = f.s[0] == '-' ? APPS_NONE : APPS_ANY;
		r->apps = arena_strndup(&st->arena, f.s, f.n);
		return r->apps ? APPS_OK : APPS_ERR_NOMEM;
	}
	r->apps_kind = APPS_LIST;
	/* As many names as commas and one; the field without blanks is never
	   longer than the field. */
	for (i = 0; i < f.n; i++)
		n += f.s[i] == ',';
	norm = arena_strndup(&st->arena, f.s, f.n);
	app = arena_alloc(&st->arena, n * sizeof(*app));
	if (!norm || !app)
		return APPS_ERR_NOMEM;
	n = 0;
	while (tstr_item(&f, ',', &item)) {
		uint16_t id = 0;

		*bad = item;
		if (item.n == 0)
			return APPS_ERR_EMPTY;
		if (tstr_is(item, "-") || tstr_is(item, "any"))
			return APPS_ERR_ALONE;
		for (i = 0; i < item.n; i++)
			if (!app_char(item.s[i]))
				return APPS_ERR_NAME;
		/* nDPI's names are matched without case, so SIP and sip are
		   one protocol, with or without DPI. */
		for (i = 0; i < n; i++)
			if (strlen(app[i].name) == item.n &&
			    strncasecmp(app[i].name, item.s, item.n) == 0)
				return APPS_ERR_TWICE;
		if (st->app_id && !(id = st->app_id(st->app_id_ctx, item.s, item.n)))
			return APPS_ERR_UNKNOWN;
		app[n].name = arena_strndup(&st->arena, item.s, item.n);
		app[n].id = id;
		if (!app[n].name)
			return APPS_ERR_NOMEM;
		n++;
		if (used)
			norm[used++] = ',';
		memcpy(norm + used, item.s, item.n);
		used += item.n;
	}
	norm[used] = '\0';
	r->apps = norm;
	r->app = app;
	r->n_apps = (uint16_t)n;
	return APPS_OK;
}

bool catalogue_row_allows_app(const struct cat_row *r, uint16_t id)
{
	uint16_t i;

	if (r->apps_kind == APPS_ANY)
		return true;
	/* Names loaded without DPI hold id 0, which no protocol has. */
	for (i = 0; id && i < r->n_apps; i++)
		if (r->app[i].id == id)
			return true;
	return false;
}
