/*
 * graph.h: the who-talks-to-whom picture, laid out by Graphviz.
 *
 * From the talk table (talk.h): a node per host (its inventory name, or
 * its address), grouped in a cluster per set of inventory roles when an
 * inventory was given; an edge per (client, server, verdict) naming the
 * services between them, in a distinct colour (and SVG class "finding")
 * for a finding, its width growing with the bytes. Bounded so that a
 * port scan or a sweep stays readable: the GRAPH_MAX_HOSTS hosts with
 * the most bytes (hosts of findings first) are drawn, the others are one
 * node "other hosts"; the GRAPH_MAX_EDGES edges with the most bytes
 * (findings first) are drawn, and what was left out is counted
 * (graph_info()) for the page to say. The graph is one Graphviz graph
 * (libcgraph): --graph writes it as DOT, --html lays it out with dot and
 * renders it as SVG (libgvc) in a child process, so the two are the same
 * graph and a Graphviz that aborts or hangs costs the picture alone.
 * Every string is set through Graphviz's API, never pasted into DOT
 * text; Graphviz escapes what it writes as DOT and as SVG.
 */
#ifndef IMPWATCH_GRAPH_H
#define IMPWATCH_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "talk.h"

/* What the picture shows of the talk table, and what it leaves out. */
struct graph_info {
	size_t hosts, hosts_drawn;   /* distinct hosts; drawn apart */
	size_t edges, edges_drawn;   /* client-server-verdict edges (hosts
	                                past GRAPH_MAX_HOSTS merged); drawn */
	uint64_t hidden_flows, hidden_bytes;  /* of the edges not drawn */
};

struct graph;

/* The graph of t's flows (cat names the services; inventory: cluster by
   roles). NULL when out of memory. t and cat need not outlive it. */
struct graph *graph_new(const struct talk *t, const struct catalogue *cat,
			bool inventory);
void graph_free(struct graph *g);

void graph_info(const struct graph *g, struct graph_info *gi);

/* Write it as DOT (what `dot -Tsvg` reads). -1 when it could not be
   written. */
int graph_write_dot(struct graph *g, FILE *o);

/* Lay it out and render it as an SVG element ("<svg ...</svg>", without
   the XML prolog, for inlining in HTML): a NUL-terminated string the
   caller frees, NULL when Graphviz could not (no dot layout or SVG
   renderer plugin, out of memory, its process killed, aborted or past
   GRAPH_LAYOUT_S). Why is then in why (one line: how its process ended
   and the first line Graphviz wrote; why may be NULL), for the caller
   to say. */
#define GRAPH_WHY_MAX 512
char *graph_svg(struct graph *g, char *why, size_t size);

#endif
