/*
 * html.h: the report a change board looks at (--html FILE).
 *
 * One self-contained page: the verdict in one line at the top (for an
 * error, the inputs not read in full and the outputs not written under
 * it), the capture's time range, the sensor and what produced the
 * report; the who-talks-to-whom picture (graph.h) as inline SVG;
 * coverage of the catalogue's tables as CSS bars, and per pair of hosts
 * with an inventory; the findings (tables sortable by a click on a
 * header, a few lines of inline script), the documented services, the
 * tunnel carriers, the waivers, capture health.
 * Nothing is fetched: no external script, style sheet, font or image,
 * and the page's Content-Security-Policy forbids any (default-src
 * 'none'; its one script is allowed by its SHA-256). Every string is
 * HTML-escaped, whoever wrote it (file names, inventory names, rule
 * files, nDPI names): the traffic and the files are not trusted. No
 * payload byte is written. A writer like the others: it reads the
 * tally, the talk table, the engine's catalogue and inventory and the
 * run's figures, never a flow.
 */
#ifndef IMPWATCH_HTML_H
#define IMPWATCH_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "catalogue.h"
#include "graph.h"
#include "hosts.h"
#include "report.h"
#include "runinfo.h"
#include "talk.h"
#include "tally.h"

/* What the page is made of. */
struct html_page {
	const struct catalogue *cat;
	const struct hosts *hosts;      /* NULL without --hosts */
	bool dpi;                       /* nDPI named applications */
	const struct run_info *run;     /* what names and produced the run;
	                                   NULL: not said */
	const struct tally *tally;
	const struct talk *talk;
	const struct run_stats *s;      /* s->gate_validate: the verdict */
	const char *svg;                /* the picture, NULL when none */
	const struct graph_info *gi;    /* what it left out; NULL with svg */
	unsigned top;                   /* --top: rows listed per finding */
};

/* Write the page to o. -1 when it could not be written in full. */
int html_write(FILE *o, const struct html_page *p);

/* s HTML-escaped (& < > " ' and control characters) to o. */
void html_escape(FILE *o, const char *s);

#endif
