/*
 * engine.c: the read-only part of a run (the contract is in engine.h).
 */
#include "engine.h"

#include <string.h>
#include <sys/stat.h>

#include "options.h"
#include "textfile.h"
#include "util.h"

/* The catalogue's resolver of apps names: nDPI's id of each, 0 for a
   name it does not know (a load error). */
static uint16_t app_id(void *ctx, const char *name, size_t len)
{
	return dpi_proto_id(ctx, name, len);
}

/* Whether --rules-add `add` is the --rules file itself (by device and
   inode, whatever the path says): its rows would each replace
   themselves and all be reported as the site's, none as the guide's. A
   file that cannot be read is left to the load to name. */
static bool same_file(const char *rules, const char *add)
{
	struct stat a, b;

	return rules && stat(rules, &a) == 0 && stat(add, &b) == 0 &&
	       same_regular(&a, &b);
}

/* The catalogue in force: built in or --rules, then each --rules-add. */
struct catalogue *engine_load_catalogue(const struct engine_cfg *cfg,
					struct dpi *dpi, FILE *err)
{
	struct catalogue *cat;
	size_t i;
	int rc;

	for (i = 0; i < cfg->n_rules_add; i++) {
		if (same_file(cfg->rules, cfg->rules_add[i])) {
			tprintf(err, "impwatch: %s is both --rules and "
				"--rules-add: its rows would all become the "
				"site's\n", cfg->rules_add[i]);
			return NULL;
		}
	}
	cat = catalogue_new();
	if (!cat) {
		tprintf(err, "impwatch: out of memory\n");
		return NULL;
	}
	if (dpi)
		catalogue_set_app_ids(cat, app_id, dpi);
	if (cfg->lim)
		catalogue_set_ephemeral(cat, cfg->lim->ephemeral_lo,
					cfg->lim->ephemeral_hi);
	rc = cfg->rules ? catalogue_load_file(cat, cfg->rules, false, err)
			: catalogue_load_embedded(cat, err);
	for (i = 0; rc == 0 && i < cfg->n_rules_add; i++)
		rc = catalogue_load_file(cat, cfg->rules_add[i], true, err);
	if (rc == 0)
		rc = catalogue_build(cat, err);
	if (rc != 0) {
		catalogue_free(cat);
		return NULL;
	}
	return cat;
}

struct dpi *engine_dpi_new(const struct limits *lim, FILE *err)
{
	struct dpi *d = dpi_new(lim->dpi_packets, lim->dpi_memory_mb);

	if (!d)
		tprintf(err, "impwatch: cannot initialise nDPI (out of memory, "
			"or not the libndpi impwatch was built with)\n");
	return d;
}

int engine_open(struct engine *e, const struct engine_cfg *cfg,
		struct dpi **dpi, FILE *err)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	*dpi = NULL;
	e->lim = cfg->lim;
	e->dpi = cfg->dpi;
	e->seed = cfg->seed;
	e->dup_window_us = cfg->dup_window_us;
	e->community_id = cfg->community_id;
	/* --no-dpi: no nDPI module at all, and no state per flow. */
	if (cfg->dpi && !(*dpi = engine_dpi_new(cfg->lim, err)))
		return -1;
	e->cat = engine_load_catalogue(cfg, *dpi, err);
	if (!e->cat)
		goto fail;
	if (cfg->hosts && !(e->hosts = hosts_load(cfg->hosts, err)))
		goto fail;
	e->trust = trust_new();
	if (!e->trust) {
		tprintf(err, "impwatch: out of memory\n");
		goto fail;
	}
	for (i = 0; i < cfg->n_trust; i++) {
		char why[256];

		if (trust_add(e->trust, cfg->trust[i], why, sizeof(why)) != 0) {
			tprintf(err, "impwatch: invalid value '%s' for "
				"--trust-tunnel: %s\n", cfg->trust[i], why);
			goto fail;
		}
	}
	trust_set_hosts(e->trust, e->hosts);
	return 0;
fail:
	dpi_free(*dpi);
	*dpi = NULL;
	return -1;
}

void engine_close(struct engine *e)
{
	catalogue_free(e->cat);
	e->cat = NULL;
	hosts_free(e->hosts);
	e->hosts = NULL;
	trust_free(e->trust);
	e->trust = NULL;
}
