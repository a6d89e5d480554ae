/*
 * gate.h: the verdict of a run, and the exit status that says it.
 *
 * A change-control gate must never pass by mistake: when impwatch cannot
 * be sure of what it judged (the run was interrupted, a live capture's
 * last packets were never read, there was nothing to judge, the SPAN
 * mirrored half or twice, packets were dropped, the interface went down,
 * an input file held no packets, work was left undone for want of room)
 * the run is
 * inconclusive, exit 3, and the summary says each reason in a sentence.
 * judge.c records each reason with one call to gate_inconclusive(), from
 * the facts main.c gathers; main.c exits with what gate_status() returns.
 * A run narrowed by -f is not in doubt (the operator chose the filter),
 * but its verdict says what it judged: gate_filter() keeps the sentence
 * every format's verdict carries.
 */
#ifndef IMPWATCH_GATE_H
#define IMPWATCH_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, as README.md and --help document them. */
#define EXIT_PASS         0   /* the run completed; with --validate every
                                 flow is documented */
#define EXIT_FINDINGS     1   /* --validate: a flow is a finding
                                 (verdict_is_finding()) */
#define EXIT_INPUT_ERROR  2   /* usage, rules, capture or output error */
#define EXIT_INCONCLUSIVE 3   /* the run cannot be trusted (reasons below) */

/* How a reason weighs against findings. */
enum gate_kind {
	GATE_DOUBT,   /* the verdicts themselves may be wrong: exit 3 even
	                 when findings were seen */
	GATE_PART     /* part of the traffic was never judged: findings seen
	                 still fail the gate (exit 1); otherwise exit 3 */
};

/* When a reason counts. */
enum gate_scope {
	GATE_VALIDATE,   /* only under --validate */
	GATE_ANY_RUN     /* any run: it did not complete */
};

/*
 * Why a run is inconclusive: id, key (the JSON "reason"), title (the
 * verdict line of the text summary), kind, scope. The summary lists them
 * in this order. A new reason is a row here and one gate_inconclusive()
 * call where judge.c sees it. The capture's health is GR_ONE_WAY to
 * GR_INTERFACE_DOWN, one after the other (acl --observed reads them so).
 */
#define GATE_REASONS(X) \
	X(GR_INTERRUPTED, "interrupted", "the run was interrupted", GATE_PART, GATE_ANY_RUN) \
	X(GR_END_NOT_READ, "end-not-read", "the capture's end was not read", GATE_PART, GATE_VALIDATE) \
	X(GR_NO_PACKETS, "no-packets", "no packets", GATE_PART, GATE_VALIDATE) \
	X(GR_NO_FLOWS, "no-flows", "no flows", GATE_PART, GATE_VALIDATE) \
	X(GR_EMPTY_INPUT, "empty-input", "an input held no packets", GATE_PART, GATE_VALIDATE) \
	X(GR_ONE_WAY, "one-way", "capture health is poor", GATE_DOUBT, GATE_VALIDATE) \
	X(GR_DUPLICATES, "duplicates", "capture health is poor", GATE_DOUBT, GATE_VALIDATE) \
	X(GR_DROPS, "drops", "capture health is poor", GATE_DOUBT, GATE_VALIDATE) \
	X(GR_INTERFACE_DOWN, "interface-down", "capture health is poor", GATE_DOUBT, GATE_VALIDATE) \
	X(GR_NOT_INSPECTED, "not-inspected", "work was left undone", GATE_DOUBT, GATE_VALIDATE) \
	X(GR_FRAGS_PUSHED_OUT, "fragments-pushed-out", "work was left undone", GATE_DOUBT, GATE_VALIDATE) \
	X(GR_FLOWS_PUSHED_OUT, "flows-pushed-out", "work was left undone", GATE_DOUBT, GATE_VALIDATE) \
	X(GR_SNAP_CUT, "snap-cut", "packets were cut before their ports", GATE_PART, GATE_VALIDATE) \
	X(GR_FRAG_CUT, "frag-cut", "first fragments were cut inside their headers", GATE_PART, GATE_VALIDATE) \
	X(GR_FRAG_OVERLAP, "frag-overlap", "fragments overlapped what was judged", GATE_PART, GATE_VALIDATE) \
	X(GR_ENCRYPTED, "encrypted", "frames were encrypted (MACsec, PPP)", GATE_PART, GATE_VALIDATE) \
	X(GR_L2_UNKNOWN, "l2-unknown", "frames of unknown layer-2 protocols were not decoded", GATE_PART, GATE_VALIDATE) \
	X(GR_SOURCE_ROUTED, "source-routed", "packets went elsewhere than their flows say", GATE_DOUBT, GATE_VALIDATE)

enum gate_reason {
#define GATE_ENUM(id, key, title, kind, scope) id,
	GATE_REASONS(GATE_ENUM)
#undef GATE_ENUM
	GR_COUNT
};

#define GATE_WHY_MAX 1024  /* one reason's sentence: l2-unknown's names
                              a tunnel's IPv6 ends, and its filter again
                              behind each of up to 3 tags (L2_DEPTHS) */

struct gate {
	bool validate;                       /* --validate was given */
	uint32_t set;                        /* bit r: reason r recorded */
	char why[GR_COUNT][GATE_WHY_MAX];    /* its sentence */
	/* -f: only the packets the filter kept were judged. */
	const char *filter;                  /* the expression; NULL: none */
	bool filter_counted;                 /* read and left_out are known */
	uint64_t filter_read;                /* packets read, and of them */
	uint64_t filter_left_out;            /* those it left out */
	char filter_why[GATE_WHY_MAX];       /* what was judged, a sentence */
};

/* No reason yet. */
void gate_init(struct gate *g, bool validate);

/*
 * Record reason r with its sentence (printf-style; cut to GATE_WHY_MAX),
 * when r counts for this run: a GATE_VALIDATE reason only under
 * --validate. A reason recorded twice keeps its first sentence. True
 * when recorded.
 */
bool gate_inconclusive(struct gate *g, enum gate_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The run judged only what the filter kept: of read packets, it left out
 * left_out (counted false when libpcap cannot tell, as for a live
 * capture, whose kernel filter counts only what it passes). filter
 * must outlive g.
 */
void gate_filter(struct gate *g, const char *filter, bool counted,
		 uint64_t read, uint64_t left_out);

/*
 * After gate_filter(): the filter does not compile for the link type
 * dlt of input file (a pipe, checked only once opened, after the
 * outputs): that file was not read, and the sentence says so rather than
 * what the filter left out of it. read 0 (no other file read): the
 * sentence is that alone.
 */
void gate_filter_refused(struct gate *g, const char *file, int dlt);

/* gate_filter()'s sentence, or NULL when no filter narrowed the run. */
const char *gate_filter_why(const struct gate *g);

/* Whether reason r was recorded; any reason at all. */
bool gate_has(const struct gate *g, enum gate_reason r);
bool gate_any(const struct gate *g);

const char *gate_reason_key(enum gate_reason r);
const char *gate_reason_title(enum gate_reason r);

/*
 * The health thresholds' test: part is over milli_pct thousandths of a
 * percent of whole (0: any part at all). Exact for counts below 2^46;
 * larger ones are halved together first.
 */
bool gate_over(uint64_t part, uint64_t whole, uint32_t milli_pct);

/*
 * The exit status: 2 when an input could not be read in full or an
 * output not written (input_ok false); else 3 for a GATE_DOUBT reason;
 * else 1 under --validate with findings; else 3 for any other reason;
 * else 0.
 */
int gate_status(const struct gate *g, bool input_ok, bool findings);

#endif
