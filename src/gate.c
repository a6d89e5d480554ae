/*
 * gate.c: why a run is inconclusive, and the exit status of a run.
 */
#include "gate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct gate_row {
	const char *key, *title;
	enum gate_kind kind;
	enum gate_scope scope;
};

/* struct gate keeps the reasons recorded as bits of a uint32_t. */
_Static_assert(GR_COUNT <= 32, "more gate reasons than bits in gate.set");

static const struct gate_row rows[GR_COUNT] = {
#define GATE_ROW(id, key, title, kind, scope) [id] = { key, title, kind, scope },
	GATE_REASONS(GATE_ROW)
#undef GATE_ROW
};

void gate_init(struct gate *g, bool validate)
{
	memset(g, 0, sizeof(*g));
	g->validate = validate;
}

bool gate_inconclusive(struct gate *g, enum gate_reason r, const char *fmt, ...)
{
	va_list ap;

	if ((unsigned)r >= GR_COUNT)
		return false;
	if (rows[r].scope == GATE_VALIDATE && !g->validate)
		return false;
	if (g->set & (UINT32_C(1) << r))
		return true;
	va_start(ap, fmt);
	vsnprintf(g->why[r], sizeof(g->why[r]), fmt, ap);
	va_end(ap);
	g->set |= UINT32_C(1) << r;
	return true;
}

void gate_filter(struct gate *g, const char *filter, bool counted,
		 uint64_t read, uint64_t left_out)
{
	g->filter = filter;
	g->filter_counted = counted;
	g->filter_read = counted ? read : 0;
	g->filter_left_out = counted ? left_out : 0;
	if (counted)
		snprintf(g->filter_why, sizeof(g->filter_why), "judged only "
			 "what the filter '%s' kept: it left out %llu of %llu "
			 "packet%s", filter, (unsigned long long)left_out,
			 (unsigned long long)read, read == 1 ? "" : "s");
	else
		snprintf(g->filter_why, sizeof(g->filter_why), "judged only "
			 "what the filter '%s' kept: a live capture does not "
			 "count what it left out", filter);
}

void gate_filter_refused(struct gate *g, const char *file, int dlt)
{
	size_t n = strlen(g->filter_why);

	if (!g->filter_read)
		snprintf(g->filter_why, sizeof(g->filter_why), "the filter "
			 "'%s' does not apply to the link type of %s (%d), "
			 "which was not read", g->filter, file, dlt);
	else if (n < sizeof(g->filter_why))
		snprintf(g->filter_why + n, sizeof(g->filter_why) - n, "; it "
			 "does not apply to the link type of %s (%d), which "
			 "was not read", file, dlt);
}

const char *gate_filter_why(const struct gate *g)
{
	return g && g->filter ? g->filter_why : NULL;
}

bool gate_has(const struct gate *g, enum gate_reason r)
{
	return (unsigned)r < GR_COUNT && (g->set & (UINT32_C(1) << r));
}

bool gate_any(const struct gate *g)
{
	return g->set != 0;
}

const char *gate_reason_key(enum gate_reason r)
{
	return (unsigned)r < GR_COUNT ? rows[r].key : "?";
}

const char *gate_reason_title(enum gate_reason r)
{
	return (unsigned)r < GR_COUNT ? rows[r].title : "?";
}

bool gate_over(uint64_t part, uint64_t whole, uint32_t milli_pct)
{
	/* part * 100000 must not overflow: halving both keeps the ratio
	   to within what any threshold can tell apart. */
	while (part >= (UINT64_C(1) << 46) || whole >= (UINT64_C(1) << 46)) {
		part >>= 1;
		whole >>= 1;
	}
	if (milli_pct > 100000)
		milli_pct = 100000;
	return part * 100000 > whole * milli_pct;
}

int gate_status(const struct gate *g, bool input_ok, bool findings)
{
	bool doubt = false, part = false;
	int r;

	for (r = 0; r < GR_COUNT; r++) {
		if (!(g->set & (UINT32_C(1) << r)))
			continue;
		if (rows[r].kind == GATE_DOUBT)
			doubt = true;
		else
			part = true;
	}
	if (!input_ok)
		return EXIT_INPUT_ERROR;
	if (doubt)
		return EXIT_INCONCLUSIVE;
	if (g->validate && findings)
		return EXIT_FINDINGS;
	if (part)
		return EXIT_INCONCLUSIVE;
	return EXIT_PASS;
}
