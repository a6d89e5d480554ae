/*
 * verdict.h: what impwatch says of a flow, in one table.
 *
 * Every place that names a verdict, counts it, titles it or decides what
 * it means for --validate reads this table: the records (name), the JSON
 * summary (key of its list), the text summary (title of its section,
 * and when that section and its count are shown), the gate (a finding
 * fails --validate, exit 1, and is alerted on and kept as evidence) and
 * the Validate line (the names of the findings after FAIL, the pass
 * words of the others after PASS). A new verdict is one row here, in the
 * order the summary lists it, plus the logic that gives it (classify.c)
 * and the sentence that explains it (explain.c).
 */
#ifndef IMPWATCH_VERDICT_H
#define IMPWATCH_VERDICT_H

#include <stdbool.h>

/* When the text summary shows a verdict: its count in the flows line and
   its section. A verdict that has flows is always shown. */
enum verdict_show {
	VS_ALWAYS,     /* every run */
	VS_DPI,        /* with nDPI on */
	VS_HOSTS,      /* with an inventory (--hosts) */
	VS_TUNNELS,    /* when a tunnel was seen or endpoints declared */
	VS_ECHO,       /* when echo replies returned no request's data,
	                  short of the finding too (echo.h) */
	VS_FLOWS       /* only when flows have it */
};

/*
 * X(id, name, key, finding, show, title, pass, rank):
 *   name     the record's "verdict", the summary's counters, FAIL words
 *   key      the JSON summary's list of its ports
 *   finding  --validate fails on it (exit 1); alerted, kept as evidence
 *   show     enum verdict_show
 *   title    the text summary's section, NULL for none
 *   pass     what the PASS line says of such a flow (not a finding)
 *   rank     precedence when several findings apply to one flow: the
 *            lowest rank is its verdict, the others are only listed in
 *            its findings (one verdict per flow)
 */
#define VERDICTS(X) \
	/* a catalogue row documents the port */ \
	X(V_DOCUMENTED, "documented", "services", false, VS_ALWAYS, \
	  "Documented services", "documented", 8) \
	/* a TLS-only row's port, whose client spoke first in clear */ \
	X(V_CLEARTEXT, "cleartext", "cleartext", true, VS_ALWAYS, \
	  "Cleartext on TLS-only ports (the client's first bytes not TLS)", \
	  NULL, 6) \
	/* no row documents it */ \
	X(V_UNDOCUMENTED, "undocumented", "undocumented", true, VS_ALWAYS, \
	  "Undocumented", NULL, 1) \
	/* documented for localhost only, seen between hosts */ \
	X(V_LOCAL_ONLY, "local-only", "local_only", true, VS_ALWAYS, \
	  "Local-only violations (localhost-only ports between hosts)", NULL, 2) \
	/* nDPI found a protocol the rows do not allow */ \
	X(V_PROTOCOL_MISMATCH, "protocol-mismatch", "protocol_mismatch", true, VS_DPI, \
	  "Protocol mismatches (DPI found a protocol the port's rows do not allow)", NULL, 7) \
	/* documented, but not between these roles */ \
	X(V_ROLE_VIOLATION, "role-violation", "role_violation", true, VS_HOSTS, \
	  "Role violations (documented ports between the wrong roles)", NULL, 5) \
	/* a tunnel's carrier the site did not trust (carrier.h) */ \
	X(V_UNTRUSTED_TUNNEL, "untrusted-tunnel", "untrusted_tunnel", true, VS_TUNNELS, \
	  "Untrusted tunnels (carriers whose ends the site did not declare)", NULL, 3) \
	/* ICMP echo replies that return no request's data (echo.h) */ \
	X(V_ICMP_TUNNEL, "icmp-tunnel", "icmp_tunnel", true, VS_ECHO, \
	  "ICMP tunnels (echo replies that return no request's data)", NULL, 4) \
	/* a tunnel's carrier between declared endpoints */ \
	X(V_TRUSTED_TUNNEL, "trusted-tunnel", "trusted_tunnel", false, VS_FLOWS, \
	  NULL, "a trusted tunnel's carrier", 9)

enum verdict {
#define VERDICT_ENUM(id, name, key, finding, show, title, pass, rank) id,
	VERDICTS(VERDICT_ENUM)
#undef VERDICT_ENUM
	V_COUNT
};

/* "documented"...; "unknown" past the table. */
const char *verdict_name(enum verdict v);

/* The JSON summary's key of its list ("services"...); "other" past the
   table. */
const char *verdict_key(enum verdict v);

/* True for the verdicts --validate fails on. */
bool verdict_is_finding(enum verdict v);

enum verdict_show verdict_show(enum verdict v);

/* Precedence among findings: lower first (verdict.h's rank). */
unsigned verdict_rank(enum verdict v);

/* The verdict of a flow to which the findings of mask apply (bit v for
   verdict v): the one of lowest rank; `base` when mask is 0. */
enum verdict verdict_of_findings(unsigned mask, enum verdict base);

struct jw;
/* "findings" (key): every finding in mask as a JSON array of names, the
   verdict's first (the JSON and ECS writers share it). */
void verdict_json_findings(struct jw *w, const char *key, unsigned mask);

/* The most bytes verdict_put_findings() writes: V_COUNT names under 32
   bytes (test_jsonw checks them), each quoted, with commas and the
   brackets. */
#define VERDICT_FINDINGS_MAX (V_COUNT * 35 + 2)

/* The array verdict_json_findings() writes, without its key, at p (a
   jsonw.h run); returns the end. */
char *verdict_put_findings(char *p, unsigned mask);

/* The text summary's section title, or NULL. */
const char *verdict_title(enum verdict v);

/* What the PASS line says of a flow of v ("documented"), NULL for a
   finding. */
const char *verdict_pass(enum verdict v);

#endif
