/*
 * engine.h: what every part of a run reads and none changes.
 *
 * The catalogue (with the nDPI ids of its apps), the inventory, the
 * tunnel endpoints the site trusts, the limits and the run's random
 * seed. Set up once before the first packet, read-only after: workers
 * (worker.h) and the sink (sink.h) hold a const pointer to it, so any
 * number of them may read it at once.
 */
#ifndef IMPWATCH_ENGINE_H
#define IMPWATCH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "dpi.h"
#include "hosts.h"
#include "trust.h"

struct limits;   /* options.h */

struct engine_cfg {
	const struct limits *lim;
	bool dpi;                       /* nDPI on (not --no-dpi) */
	const char *rules;              /* --rules, or NULL: the built-in one */
	const char *const *rules_add;   /* --rules-add files, in order */
	size_t n_rules_add;
	uint64_t seed;                  /* keys every table of wire data */
	const char *hosts;              /* --hosts inventory, or NULL */
	uint64_t dup_window_us;         /* --dup-window-us; 0: no detection */
	const char *const *trust;       /* --trust-tunnel networks */
	size_t n_trust;
	bool community_id;              /* records carry the Community ID:
	                                   an output of the run shows it
	                                   (report_format_community_id()) */
};

struct engine {
	const struct limits *lim;       /* the caller's; outlives the engine */
	bool dpi;
	uint64_t seed;
	uint64_t dup_window_us;
	bool community_id;              /* records carry the Community ID */
	struct catalogue *cat;
	struct hosts *hosts;            /* NULL without --hosts */
	struct trust *trust;
};

/*
 * Load the catalogue, the inventory and the trusted endpoints. With nDPI
 * on, a module is made to check the catalogue's apps names and resolve
 * them to nDPI's ids, and is handed out in *dpi for the first worker (a
 * run with one worker starts nDPI once); otherwise *dpi is NULL. -1 with
 * a message on err (a bad rules or hosts file, a bad --trust-tunnel, no
 * memory); the engine is then empty and engine_close() is harmless.
 */
int engine_open(struct engine *e, const struct engine_cfg *cfg,
		struct dpi **dpi, FILE *err);
void engine_close(struct engine *e);

/* A new nDPI module for a worker; NULL with a message on err. */
struct dpi *engine_dpi_new(const struct limits *lim, FILE *err);

/* The catalogue a configuration names (for `impwatch rules` and `acl`);
   with dpi, apps names are checked against nDPI and resolved to its ids;
   with no limits (cfg->lim NULL), the catalogue's default client ports.
   NULL with a message on err. */
struct catalogue *engine_load_catalogue(const struct engine_cfg *cfg,
					struct dpi *dpi, FILE *err);

#endif
