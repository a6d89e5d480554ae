/*
 * fuzz_catalogue.c: libFuzzer target for the catalogue loader.
 *
 * The input is catalogue text: everything up to the first NUL byte is
 * parsed as a file given with --rules, and what follows it (when there is
 * a NUL) as a file given with --rules-add, on top. When both parse, the
 * catalogue is built and then looked up and printed as impwatch would:
 * listener decisions for ports taken from the input, `impwatch rules` as
 * a table and as JSON. Each apps name is checked against nDPI's protocols
 * and resolved to its id, as impwatch does. A second catalogue takes the override on top of
 * the built-in rows, as `--rules-add site.conf` does in a run (for one
 * input in four: see below).
 *
 * Checks, besides no crash: a failed parse adds nothing (the catalogue
 * keeps its row count) and says why; a built catalogue's listener hits
 * stay within CAT_MAX_HITS and name rows that exist; every apps name of a
 * loaded row has its nDPI id, and the row allows it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "dpi.h"
#include "options.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
static struct dpi *dpi;

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_catalogue: invariant broken: %s\n", what);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	dpi = dpi_new(1, DEF_DPI_MEMORY_MB);
	if (!devnull || !dpi)
		abort();
	return 0;
}

/* As impwatch loads a catalogue: each apps name must be one nDPI knows,
   and its id is kept. */
static uint16_t app_id(void *ctx, const char *name, size_t len)
{
	return dpi_proto_id(ctx, name, len);
}

static struct catalogue *new_catalogue(void)
{
	struct catalogue *c = catalogue_new();

	if (!c)
		abort();
	catalogue_set_app_ids(c, app_id, dpi);
	return c;
}

/* Parse with an error sink that records whether anything was said. */
static int parse(struct catalogue *c, const char *name, const uint8_t *buf,
		 size_t len, bool override)
{
	char msg[512];
	FILE *err = fmemopen(msg, sizeof msg, "w");
	size_t before = catalogue_count(c);
	long said;
	int rc;

	if (!err)
		abort();
	rc = catalogue_parse(c, name, (const char *)buf, len, override, err);
	said = ftell(err);
	fclose(err);
	if (rc != 0 && catalogue_count(c) != before)
		broken("a failed parse changed the catalogue");
	if (rc != 0 && said <= 0)
		broken("a failed parse said nothing");
	if (rc == 0 && said > 0)
		broken("a good parse printed an error");
	return rc;
}

/* Each row's apps as loaded: a list of resolved names, or "-" or "any". */
static void check_apps(const struct catalogue *c)
{
	size_t i, n = catalogue_count(c);

	for (i = 0; i < n; i++) {
		const struct cat_row *r = catalogue_row(c, i);
		uint16_t j;

		if ((r->apps_kind == APPS_LIST) != (r->n_apps > 0))
			broken("an apps list with no name, or names with no list");
		for (j = 0; j < r->n_apps; j++)
			if (!r->app[j].id || !catalogue_row_allows_app(r, r->app[j].id))
				broken("an apps name without its nDPI id");
	}
}

/* Every lookup a run would make, on ports the input chooses. */
static void probe(const struct catalogue *c, const uint8_t *data, size_t size)
{
	static const uint8_t protos[] = { 6, 17, 1, 58, 0, 132 };
	size_t i, n = catalogue_count(c);
	unsigned k;

	for (i = 0; i + 4 <= size && i < 64; i += 4) {
		uint16_t a = (uint16_t)(data[i] << 8 | data[i + 1]);
		uint16_t b = (uint16_t)(data[i + 2] << 8 | data[i + 3]);

		for (k = 0; k < sizeof protos; k++) {
			struct cat_hits h;
			struct cat_match m = catalogue_lookup(c, protos[k], a);
			uint16_t j;

			for (j = 0; j < m.n; j++)
				if (m.rows[j] >= n)
					broken("lookup names a row past the end");
			(void)catalogue_listener(c, protos[k], a, b, &h);
			if (h.n > CAT_MAX_HITS)
				broken("more hits than CAT_MAX_HITS");
			for (j = 0; j < h.n; j++) {
				const struct cat_row *r = catalogue_row(c, h.rows[j]);

				if (h.rows[j] >= n || !r)
					broken("listener names a row past the end");
				(void)catalogue_row_sport_ok(r, a);
				(void)catalogue_row_dport_ok(r, b);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t base_len = nul ? (size_t)(nul - data) : size;
	const uint8_t *add = nul ? nul + 1 : NULL;
	size_t add_len = nul ? size - base_len - 1 : 0;
	struct catalogue *c;

	/* --rules FILE [--rules-add FILE]. */
	c = new_catalogue();
	if (parse(c, "fuzz.conf", data, base_len, false) == 0 &&
	    (!add || parse(c, "site.conf", add, add_len, true) == 0) &&
	    catalogue_build(c, devnull) == 0) {
		probe(c, data, size);
		check_apps(c);
		catalogue_print_table(c, devnull);
		catalogue_print_json(c, devnull);
		catalogue_print_csv(c, devnull);
		/* Loading after the build is refused, and changes nothing. */
		if (catalogue_parse(c, "late.conf", (const char *)data,
				    base_len, true, devnull) == 0)
			broken("a parse after the build was accepted");
	}
	catalogue_free(c);

	/* The built-in catalogue with the input as --rules-add. Parsing the
	   built-in rows costs ten times a short input's run, so only inputs
	   without a NUL whose length is a multiple of 4 take this path. */
	if (nul || size % 4 != 0)
		return 0;
	c = new_catalogue();
	if (catalogue_load_embedded(c, devnull) != 0)
		broken("the built-in catalogue does not load");
	if (parse(c, "site.conf", data, base_len, true) == 0 &&
	    catalogue_build(c, devnull) == 0)
		probe(c, data, size);
	catalogue_free(c);
	return 0;
}
