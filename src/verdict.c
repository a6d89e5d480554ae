/*
 * verdict.c: the verdict table's columns (the table is in verdict.h).
 */
#include "verdict.h"

#include "jsonw.h"

#include <stddef.h>

struct verdict_row {
	const char *name, *key;
	bool finding;
	enum verdict_show show;
	const char *title, *pass;
	unsigned rank;
};

static const struct verdict_row rows[V_COUNT] = {
#define VERDICT_ROW(id, name, key, finding, show, title, pass, rank) \
	[id] = { name, key, finding, show, title, pass, rank },
	VERDICTS(VERDICT_ROW)
#undef VERDICT_ROW
};

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < V_COUNT ? rows[v].name : "unknown";
}

const char *verdict_key(enum verdict v)
{
	return (unsigned)v < V_COUNT ? rows[v].key : "other";
}

bool verdict_is_finding(enum verdict v)
{
	return (unsigned)v < V_COUNT && rows[v].finding;
}

enum verdict_show verdict_show(enum verdict v)
{
	return (unsigned)v < V_COUNT ? rows[v].show : VS_FLOWS;
}

const char *verdict_title(enum verdict v)
{
	return (unsigned)v < V_COUNT ? rows[v].title : NULL;
}

const char *verdict_pass(enum verdict v)
{
	return (unsigned)v < V_COUNT ? rows[v].pass : NULL;
}

unsigned verdict_rank(enum verdict v)
{
	return (unsigned)v < V_COUNT ? rows[v].rank : ~0u;
}

enum verdict verdict_of_findings(unsigned mask, enum verdict base)
{
	enum verdict best = base;
	unsigned v, rank = ~0u;

	for (v = 0; v < V_COUNT; v++)
		if ((mask & (1u << v)) && rows[v].rank < rank) {
			rank = rows[v].rank;
			best = (enum verdict)v;
		}
	return best;
}

char *verdict_put_findings(char *p, unsigned mask)
{
	char *start = p;
	unsigned v;

	*p++ = '[';
	while (mask) {
		v = (unsigned)verdict_of_findings(mask, V_COUNT);
		if (v >= V_COUNT)
			break;
		if (p != start + 1)
			*p++ = ',';
		p = jw_put_plain(p, rows[v].name);
		mask &= ~(1u << v);
	}
	*p++ = ']';
	return p;
}

void verdict_json_findings(struct jw *w, const char *key, unsigned mask)
{
	char b[VERDICT_FINDINGS_MAX];

	jw_key(w, key);
	jw_write(w, b, (size_t)(verdict_put_findings(b, mask) - b));
}
