/*
 * catalogue.h: the IM&P port catalogue (tables 2 to 34 of the port guide).
 *
 * A catalogue is loaded from text (rules/imp.conf, embedded at build time,
 * or a file given with --rules / --rules-add), then frozen: after
 * catalogue_build() it is immutable and every lookup is allocation-free.
 * The catalogue owns every string its rows point to.
 *
 * File format, one row per line, fields separated by '|':
 *
 *   table | service | roles | protocol | transport | dport | sport | scope |
 *   apps | description [| note_ko [| note_ja]]
 *
 * See README.md ("The catalogue") for each field's grammar.
 */
#ifndef IMPWATCH_CATALOGUE_H
#define IMPWATCH_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "digest.h"
#include "roles.h"

/* Transport bits of a row. TLS rows are TCP with TLS allowed on top. */
#define CT_TCP    0x01
#define CT_UDP    0x02
#define CT_ICMP   0x04
#define CT_ICMPV6 0x08
#define CT_TLS    0x10

enum cat_scope {
	SCOPE_WIRE = 0,      /* between hosts */
	SCOPE_LOCALHOST      /* the guide says: localhost traffic only */
};

enum cat_sport_kind {
	SPORT_EPHEMERAL = 0, /* any source port */
	SPORT_BIDIRECTIONAL, /* table 30: either side opens; any port */
	SPORT_FIXED          /* the ports in sport[] only */
};

struct port_span {
	uint16_t lo, hi;     /* inclusive; lo == hi for one port */
};

/* What a row's apps field claims. */
enum cat_apps_kind {
	APPS_LIST = 0,       /* the protocols named in app[] */
	APPS_ANY,            /* "any": no claim, every protocol allowed */
	APPS_NONE            /* "-": no protocol nDPI knows; any answer differs */
};

/* One name of an apps list. */
struct cat_app {
	const char *name;    /* as written ("SIP", "Jabber") */
	uint16_t id;         /* nDPI's protocol id, resolved at load; 0 when
	                        the catalogue was loaded without DPI */
};

struct cat_row {
	uint8_t  table;                 /* guide table number; 0 = site row */
	uint8_t  transports;            /* CT_* bits */
	uint8_t  scope;                 /* enum cat_scope */
	uint8_t  sport_kind;            /* enum cat_sport_kind */
	uint8_t  dport_configurable;    /* the guide says the port may be moved */
	uint8_t  bidir;                 /* roles written "a <-> b" */
	uint8_t  n_dport, n_sport;      /* spans used in dport[], sport[] */
	struct port_span dport[MAX_PORT_SPANS]; /* n_dport == 0: no port (ICMP,
	                                   or "configurable" with no default) */
	struct port_span sport[MAX_PORT_SPANS];
	uint32_t from_roles, to_roles;  /* bitmasks of enum cat_role */
	const char *service;            /* kebab-case id */
	const char *protocol;           /* as the guide names it */
	uint8_t  apps_kind;             /* enum cat_apps_kind */
	uint16_t n_apps;                /* names in app[]: APPS_LIST only */
	const struct cat_app *app;      /* the expected nDPI protocols */
	const char *apps;               /* the field without blanks ("TLS,SIP",
	                                   "-", "any"), for printing */
	const char *description;        /* English */
	const char *note_ko, *note_ja;  /* the guide's notes, or "" */
	const char *file;               /* where the row was read */
	uint32_t line;
	uint8_t  site;                  /* from a site's file (--rules-add),
	                                   or table 0 in any file:
	                                   the site documents it, not the
	                                   guide, whatever its table says */
};

struct catalogue;

/* A lookup result: indices into the catalogue's rows, owned by it. */
struct cat_match {
	const uint16_t *rows;
	uint16_t n;
};

/* Which end of a packet or flow the catalogue calls the listener. */
enum listener_side {
	LISTENER_NONE = 0,
	LISTENER_DST,        /* the destination port is a documented listener */
	LISTENER_SRC         /* the source port is (a reply, or a fixed sender port) */
};

/* Where row r comes from, for a sentence: "table 23" for the guide's,
   "site row FILE:LINE" for a site's (--rules-add), never its table. */
void cat_row_where(const struct cat_row *r, char *buf, size_t len);

/* An empty catalogue; NULL when out of memory. */
struct catalogue *catalogue_new(void);
void catalogue_free(struct catalogue *c);

/* The DPI engine's id of one protocol name of an apps field (len bytes,
   not NUL-terminated, compared as the engine compares names), or 0 when
   it knows no such protocol. */
typedef uint16_t (*cat_app_id_fn)(void *ctx, const char *name, size_t len);

/* Resolve every name of the apps fields loaded from now on with fn, once,
   into the rows' app[].id; a name fn does not know is a load error. NULL
   (DPI off): names are kept as written, unchecked, with id 0. */
void catalogue_set_app_ids(struct catalogue *c, cat_app_id_fn fn, void *ctx);

/*
 * Parse catalogue text `buf` (len bytes) named `name` in messages. With
 * `override` set, a row whose (table, service) is already present replaces
 * every row with that (table, service), unless one of them was itself
 * loaded with `override` (an error: a site's rows of a service are in one
 * file); otherwise it is added.
 * All or nothing: on error nothing is added, the message is written to
 * `err` ("NAME:LINE: reason" then the offending text) and -1 is returned.
 */
int catalogue_parse(struct catalogue *c, const char *name, const char *buf,
		    size_t len, bool override, FILE *err);

/* Read and parse a file; -1 with a message on error (unreadable, empty...).
   On success the file is one more source of the catalogue. */
int catalogue_load_file(struct catalogue *c, const char *path, bool override,
			FILE *err);

/* The catalogue compiled into the binary from rules/imp.conf; on success
   it is one more source of the catalogue. */
int catalogue_load_embedded(struct catalogue *c, FILE *err);

/* A text a catalogue was loaded from, and the SHA-256 of the very bytes
   parsed: a report's provenance, whatever the path holds by then. */
struct cat_source {
	const char *name;        /* the path as given, or the built-in one's
	                            name; owned by the catalogue */
	bool embedded;           /* catalogue_load_embedded() */
	bool override;           /* loaded with override (--rules-add) */
	char sha256[DIGEST_SHA256_HEX];  /* "" when it could not be had */
};

/* The catalogue's sources, in the order they were loaded (a failed load
   adds none). */
size_t catalogue_source_count(const struct catalogue *c);
const struct cat_source *catalogue_source(const struct catalogue *c, size_t i);

/* Its text, byte for byte the file's (generated by tools/embed.sh): what
   catalogue_load_embedded() parses and `impwatch -V` hashes. */
extern const unsigned char impwatch_embedded_rules[];
extern const size_t impwatch_embedded_rules_len;

/* Build the lookup index. Must be called once, after the last load and
   before any lookup (a later load fails; a second build does nothing).
   -1 when out of memory or when more than CAT_MAX_HITS rows share one
   (transport, port), with the message ("FILE:LINE: reason") on err. */
int catalogue_build(struct catalogue *c, FILE *err);

size_t catalogue_count(const struct catalogue *c);
const struct cat_row *catalogue_row(const struct catalogue *c, size_t i);

/*
 * Every row documenting `port` as a destination for IP protocol `proto`
 * (6, 17, 1, 58; ICMP rows match with port 0, and for 1 and 58 the port is
 * ignored), in catalogue order. tls rows answer under 6. O(1) for single
 * ports and O(log n) for ranges; allocates nothing. Empty before
 * catalogue_build().
 */
struct cat_match catalogue_lookup(const struct catalogue *c, uint8_t proto,
				  uint16_t port);

/* True for an icmp or icmpv6 row: it has no ports. */
static inline bool catalogue_row_icmp(const struct cat_row *r)
{
	return (r->transports & (CT_ICMP | CT_ICMPV6)) != 0;
}

/* True when row r's apps allow the protocol of nDPI id `id`: "any" every
   one, "-" none, a list the ids resolved at load (catalogue_set_app_ids);
   id 0 (no protocol) only under "any". Compares ids, never names. */
bool catalogue_row_allows_app(const struct cat_row *r, uint16_t id);

/* The client ports in force (--ephemeral-ports): what a sender's claim
   to be a listener needs its receiver's port to be (classify.c). A new
   catalogue has DEF_EPHEMERAL_LO to DEF_EPHEMERAL_HI; lo <= hi. */
void catalogue_set_ephemeral(struct catalogue *c, uint16_t lo, uint16_t hi);
bool catalogue_is_ephemeral(const struct catalogue *c, uint16_t port);

/* True when row r's source-port rule accepts sport. */
bool catalogue_row_sport_ok(const struct cat_row *r, uint16_t sport);

/* True when row r's destination-port rule accepts dport: a "configurable"
   port accepts any, and so does an ICMP row. */
bool catalogue_row_dport_ok(const struct cat_row *r, uint16_t dport);

/* Rows one listener decision matched; storage is the caller's. A build
   with more rows than this on one (transport, port) is a load error. */
#define CAT_MAX_HITS 64
struct cat_hits {
	uint16_t n;
	uint8_t step;        /* the rule of catalogue_listener() that matched,
	                        1 to 4; 0 when none did */
	uint16_t rows[CAT_MAX_HITS];
};

/*
 * Decide the listener of a (proto, sport, dport) pair and the rows that
 * document it, allocation-free:
 *  1. rows for dport whose source-port rule accepts sport: LISTENER_DST;
 *  2. rows for sport whose source-port rule accepts dport (a reply seen
 *     alone, as on a one-way SPAN): LISTENER_SRC;
 *  3. rows with a fixed sender port equal to sport whose dport rule
 *     accepts dport ("configurable" accepts any): LISTENER_DST (table 12's
 *     trap receiver is known only by sender port 61441);
 *  4. the same with sport and dport swapped: LISTENER_SRC.
 * For ICMP and ICMPv6 pass ports 0: ICMP rows match as LISTENER_DST.
 * h->step says which rule matched: only rule 1 rests on the destination
 * port alone; rules 2 to 4 rest on the source port the sender chose.
 */
enum listener_side catalogue_listener(const struct catalogue *c,
				      uint8_t proto, uint16_t sport,
				      uint16_t dport, struct cat_hits *h);

/*
 * `impwatch rules`: the catalogue as a table (header line, then one line
 * per row in catalogue order; '*' after DPORT marks a configurable port),
 * or one JSON object per row and line. A tls row shows as "tls" only
 * (TCP is implied).
 */
void catalogue_print_table(const struct catalogue *c, FILE *out);
void catalogue_print_json(const struct catalogue *c, FILE *out);
/* The same as CSV (RFC 4180): a header, then one row per row. */
void catalogue_print_csv(const struct catalogue *c, FILE *out);

/* `impwatch roles`: each role, whether a host outside the inventory may
   hold it (its bit in open_roles), and the tables whose rows name it. */
void catalogue_print_roles(const struct catalogue *c, uint32_t open_roles,
			   FILE *out);

#endif
