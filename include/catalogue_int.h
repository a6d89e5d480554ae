/*
 * catalogue_int.h: what the catalogue's own files share, and no other
 * module: the strings of rows, and a parse's staged rows. catalogue.c
 * keeps the catalogue (merge, index, lookups); catalogue_parse.c turns
 * text into staged rows; catalogue_apps.c reads their apps field.
 */
#ifndef IMPWATCH_CATALOGUE_INT_H
#define IMPWATCH_CATALOGUE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "catalogue.h"
#include "textfile.h"

/* The rows of one parse, with their strings, before they are merged. */
struct cat_stage {
	struct arena_chunk *arena;
	struct cat_row *rows;
	size_t n, cap;
	const char *file;             /* in arena: the name rows point to */
	cat_app_id_fn app_id;         /* the catalogue's, or NULL */
	void *app_id_ctx;
	const struct cat_row *prior;  /* --rules-add: the catalogue's rows, */
	size_t n_prior;               /* whose site rows it may not replace */
};

/*
 * Parse catalogue text into st (zeroed, app_id set by the caller): every
 * line checked, rows parsed, duplicates and conflicts within the text
 * refused. 0 when the text is good to its last line and holds a row;
 * otherwise -1 with "NAME:LINE: reason" and the line (or "NAME: reason")
 * on err. Either way the caller frees st with cat_stage_free().
 */
int cat_stage_parse(struct cat_stage *st, const char *name, const char *buf,
		    size_t len, FILE *err);

void cat_stage_free(struct cat_stage *st);

/* What cat_apps_parse() found wrong. */
enum {
	APPS_OK = 0,
	APPS_ERR_NOMEM = -1,
	APPS_ERR_EMPTY = -2,    /* an empty item: "SIP,,TLS" */
	APPS_ERR_ALONE = -3,    /* "-" or "any" in a list: *bad */
	APPS_ERR_NAME = -4,     /* a byte no protocol name holds: *bad */
	APPS_ERR_UNKNOWN = -5,  /* a name st->app_id does not know: *bad */
	APPS_ERR_TWICE = -6     /* a name given twice, in any case: *bad */
};

/*
 * The apps field f (trimmed, not empty) into r: its kind, its names (in
 * st's arena) with their ids resolved by st->app_id when there is one,
 * and the field without blanks. APPS_OK or the first mistake, for the
 * caller to word.
 */
int cat_apps_parse(struct cat_stage *st, struct tstr f, struct cat_row *r,
		   struct tstr *bad);

#endif
