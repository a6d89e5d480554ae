/*
 * waiver.h: findings a change board accepted for a while (--waivers FILE).
 *
 * File format, one waiver per line, fields separated by '|', '#' starts
 * a comment line:
 *
 *   WHAT | UNTIL | TICKET
 *
 * WHAT is [FINDING] FLOWS [CLIENT -> SERVER]:
 *   FINDING  optional: one finding verdict (cleartext, undocumented...);
 *            the waiver covers only that finding of a flow. Without it,
 *            every finding of the flows it matches.
 *   FLOWS    TRANSPORT/PORT or TRANSPORT/LO-HI (tcp, udp: the server's
 *            port), icmp, icmpv6; or "row TABLE SERVICE": the flows a
 *            catalogue row documents (the row must exist).
 *   CLIENT, SERVER  optional: each "any", an address, ADDRESS/PREFIX, or
 *            a role of the inventory (which needs --hosts).
 * A flow whose sender named itself the server (its own port, the lower
 * one or a documented one, a lone SYN-ACK, an ICMP reply) is matched
 * only when the waiver also matches it read as sent, its receiver the
 * server.
 * UNTIL is a date, YYYY-MM-DD: the waiver is in force through that day
 * (UTC) by the wall clock of the run, not by the capture's time: it is
 * the change board's permission as of the day the gate runs: a capture
 * replayed later does not bring an expired waiver back. Nor is a flow
 * seen after the date waived, whatever the clock of the run says
 * (waivers_apply()). A run on files is judged by the day it starts;
 * live capture moves the day on (waivers_set_today()), so a sensor that
 * runs past a waiver's last day stops waiving with it.
 * TICKET is the change ticket's id (1 to WAIVER_TICKET_MAX characters
 * of letters, digits and . _ - : / #).
 *
 * Loading is all or nothing, as strict as the catalogue: "FILE:LINE:
 * reason" and the line on err. A waiver dated in the past is no error:
 * it is expired, waives nothing, and the summary lists it.
 *
 * A flow whose every finding is covered by waivers in force that match
 * it is waived: reported with the first one's ticket, it does not fail
 * --validate. Only the sink applies waivers, one record at a time; each
 * waiver counts the finding flows it matched, for the summary.
 */
#ifndef IMPWATCH_WAIVER_H
#define IMPWATCH_WAIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "config.h"
#include "decode.h"
#include "hosts.h"
#include "record.h"

/* One end of a waiver's flows. */
enum waiver_end_kind {
	WE_ANY = 0,
	WE_NET,        /* an address or network */
	WE_ROLE        /* a role of the inventory */
};

struct waiver_end {
	uint8_t kind;              /* enum waiver_end_kind */
	uint8_t prefix;            /* WE_NET: 0-128, IPv4 as 96 + n */
	uint32_t roles;            /* WE_ROLE: bit of enum cat_role */
	struct ip_addr net;        /* WE_NET */
};

struct waiver {
	uint8_t finding;           /* enum verdict + 1; 0: every finding */
	uint8_t proto;             /* IP protocol; 0 for a row waiver */
	uint16_t port_lo, port_hi; /* the server's port (tcp, udp) */
	uint8_t table;             /* a row waiver: the row's table... */
	const char *service;       /* ...and service; NULL otherwise */
	struct waiver_end client, server;
	int32_t until_day;         /* days since 1970-01-01, inclusive */
	char ticket[WAIVER_TICKET_MAX + 1];
	char until[11];            /* "YYYY-MM-DD" */
	char *what;                /* the WHAT field as written, trimmed */
	uint32_t line;
	uint64_t flows;            /* finding flows it matched so far */
};

struct waivers;

/*
 * Parse waiver text buf (len bytes) named name. cat: the catalogue row
 * waivers are checked against; hosts: the inventory, NULL without one (a
 * role then is an error). today: the run's day, days since 1970-01-01
 * (UTC). NULL with "NAME:LINE: reason" and the line on err, or when out
 * of memory.
 */
struct waivers *waivers_parse(const char *name, const char *buf, size_t len,
			      const struct catalogue *cat,
			      const struct hosts *hosts, int32_t today,
			      FILE *err);

/* Read and parse a file: anything but a regular file is refused, as
   --hosts does. */
struct waivers *waivers_load(const char *path, const struct catalogue *cat,
			     const struct hosts *hosts, int32_t today,
			     FILE *err);

void waivers_free(struct waivers *w);   /* NULL is ignored */

/*
 * The run's day is now today (days since 1970-01-01, UTC): from now on
 * a waiver whose last day is before it is expired. The day only moves
 * forward: a wall clock set back does not bring an expired waiver back,
 * and a flow a worker judged before the day changed is never counted
 * waived by the sink after it. Safe while other threads apply w.
 */
void waivers_set_today(struct waivers *w, int32_t today);

/* Whether waiver v of w is past its last day: it waives nothing. */
bool waiver_expired(const struct waivers *w, const struct waiver *v);

/* The day (days since 1970-01-01, UTC) of ts_us, microseconds since
   then: a flow seen that day is judged by it too. */
int32_t waivers_day_of(uint64_t ts_us);

/* The SHA-256 (hex) of the text waivers_load() parsed; "" for waivers
   waivers_parse() made, or when it could not be had. */
const char *waivers_sha256(const struct waivers *w);

size_t waivers_count(const struct waivers *w);
const struct waiver *waivers_get(const struct waivers *w, size_t i);

/*
 * Apply the waivers to finding record r: r->waiver is set to the first
 * waiver in force that matches it (NULL: none) and r->waived when
 * waivers in force cover every one of its findings. In force by the
 * run's day and by the day r was last seen: a flow seen after a
 * waiver's last day is not waived, whatever the run's clock says. With
 * count, each waiver that matches (in force or expired) counts r. A
 * record that is no finding is left alone.
 */
void waivers_apply(struct waivers *w, const struct catalogue *cat,
		   struct flow_record *r, bool count);

struct jw;

/* A record's "waiver" object (ticket, until, line, waived), when a
   waiver in force matched it; nothing otherwise. */
void waiver_json_record(struct jw *w, const struct flow_record *r);

/* A waiver's state: "in-force", "expired" or "unused" (in force,
   matched nothing), as every format says it. */
const char *waiver_state(const struct waivers *ws, const struct waiver *w);

/* The summary's "waived" count and "waivers" list: each waiver's line,
   what, until, ticket, finding flows matched and state ("in-force",
   "expired", "unused": in force, matched nothing). */
void waivers_json_summary(struct jw *w, const struct waivers *ws,
			  uint64_t waived);

/* The text summary's Waivers section: waived flows, then each waiver,
   the expired and the unused said so. */
void waivers_text_summary(FILE *o, const struct waivers *ws, uint64_t waived);

/* Days since 1970-01-01 of "YYYY-MM-DD" (len bytes); false when it is
   not a date of the Gregorian calendar from year 1970 to 9999. */
bool waiver_date(const char *s, size_t len, int32_t *day);

#endif
