/*
 * coverage.c: catalogue rows exercised, per row and per pair of hosts.
 */
#include "coverage.h"

#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "util.h"

struct coverage {
	const struct catalogue *cat;
	const struct hosts *hosts;
	struct cov_row *row;       /* one per catalogue row */
	size_t n;
};

struct coverage *coverage_new(const struct catalogue *cat,
			      const struct hosts *hosts)
{
	struct coverage *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cat = cat;
	c->hosts = hosts;
	c->n = catalogue_count(cat);
	c->row = calloc(c->n ? c->n : 1, sizeof(*c->row));
	if (!c->row) {
		free(c);
		return NULL;
	}
	return c;
}

void coverage_free(struct coverage *c)
{
	if (!c)
		return;
	free(c->row);
	free(c);
}

void coverage_label(const struct host_info *hi, const struct ip_addr *a,
		    uint8_t family, char buf[COV_LABEL])
{
	char ip[IP_STR_MAX];

	if (hi->name[0] && hi->prefix == 128) {
		snprintf(buf, COV_LABEL, "%s", hi->name);
		return;
	}
	fmt_ip(a, family, ip);
	/* A host known by its network: the address, then the network's
	   name. */
	if (hi->name[0])
		snprintf(buf, COV_LABEL, "%s (%s)", ip, hi->name);
	else
		snprintf(buf, COV_LABEL, "%s", ip);
}

/*
 * Count the pair client -> server on row r. The pairs kept are the first
 * COV_PAIRS by name, in that order, not the first to end: flow workers
 * (--threads) hand flows over in an order of their own, and the list
 * must not depend on it. A pair that comes before the last one kept
 * takes its place, and the flows of the last go to more_pairs: once
 * out, a pair never comes back (those kept only come earlier).
 */
static void add_pair(struct cov_row *r, const char *client, const char *server)
{
	uint8_t i;
	int c = 1;

	for (i = 0; i < r->npairs; i++) {
		c = strcmp(r->pair[i].client, client);
		if (c == 0)
			c = strcmp(r->pair[i].server, server);
		if (c == 0) {
			r->pair[i].flows++;
			return;
		}
		if (c > 0)
			break;
	}
	if (i == COV_PAIRS) {
		r->more_pairs++;
		return;
	}
	if (r->npairs == COV_PAIRS)
		r->more_pairs += r->pair[--r->npairs].flows;
	memmove(&r->pair[i + 1], &r->pair[i],
		(size_t)(r->npairs - i) * sizeof(r->pair[0]));
	snprintf(r->pair[i].client, COV_LABEL, "%s", client);
	snprintf(r->pair[i].server, COV_LABEL, "%s", server);
	r->pair[i].flows = 1;
	r->npairs++;
}

void coverage_add(struct coverage *c, const struct flow_record *f)
{
	char cl[COV_LABEL], sv[COV_LABEL];
	uint32_t croles = f->client_host.roles, sroles = f->server_host.roles;
	/* Roles are for flows between hosts (classify_roles()): on
	   loopback every row the flow matched was exercised. */
	bool roles = c->hosts && f->on_wire;
	struct cat_hits h;
	uint16_t i;

	if (f->verdict != V_DOCUMENTED)
		return;
	record_rows(c->cat, f, &h);
	if (c->hosts) {
		coverage_label(&f->client_host, rec_client_ip(f),
			       f->key.family, cl);
		coverage_label(&f->server_host, rec_server_ip(f),
			       f->key.family, sv);
	}
	for (i = 0; i < h.n; i++) {
		const struct cat_row *row = catalogue_row(c->cat, h.rows[i]);
		struct cov_row *r = &c->row[h.rows[i]];

		if (roles && !row_allows_roles(row, croles, sroles))
			continue;
		r->flows++;
		if (c->hosts)
			add_pair(r, cl, sv);
	}
}

const struct cov_row *coverage_row(const struct coverage *c, size_t i)
{
	return i < c->n ? &c->row[i] : NULL;
}

size_t coverage_exercised(const struct coverage *c)
{
	size_t i, k = 0;

	for (i = 0; i < c->n; i++)
		k += c->row[i].flows != 0;
	return k;
}

/* The group a row's services are listed in: its table, the site's rows
   one group. */
static unsigned unseen_group(const struct cat_row *row)
{
	return row->site ? 0 : row->table;
}

bool coverage_unseen_named_before(const struct coverage *c, size_t i)
{
	const struct cat_row *r = catalogue_row(c->cat, i);
	size_t k;

	if (c->row[i].flows)
		return false;
	for (k = 0; k < i; k++) {
		const struct cat_row *o = catalogue_row(c->cat, k);

		if (!c->row[k].flows && unseen_group(o) == unseen_group(r) &&
		    strcmp(o->service, r->service) == 0)
			return true;
	}
	return false;
}
