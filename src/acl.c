/*
 * acl.c: the model of `impwatch acl`: rules, notes, groups (the command
 * that reads its inputs and writes it is acl_cmd.c).
 */
#include "acl.h"

#include <stdlib.h>
#include <string.h>

#include "acl_int.h"
#include "classify.h"
#include "util.h"

/* The family of inventory line e: IPv4 is held as ::ffff:a.b.c.d/96+n. */
static enum acl_family line_family(const struct host_entry *e)
{
	return e->prefix >= 96 && ip_is_v4(&e->net) ? ACL_V4 : ACL_V6;
}

/* Lines by family, then address, then prefix length: the lines inside a
   line follow it. */
static int line_cmp(const void *x, const void *y)
{
	const struct acl_host *a = *(const struct acl_host *const *)x;
	const struct acl_host *b = *(const struct acl_host *const *)y;
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = memcmp(a->e.net.b, b->e.net.b, sizeof(a->e.net.b))) != 0)
		return c;
	return a->e.prefix < b->e.prefix ? -1 : a->e.prefix > b->e.prefix;
}

/* True when line m lies inside line l (and is not l). */
static bool line_inside(const struct acl_host *m, const struct acl_host *l)
{
	return m->family == l->family && m->e.prefix > l->e.prefix &&
	       hosts_net_has(&l->e.net, l->e.prefix, &m->e.net);
}

/* Bit i of an address (0 the first), in its byte. */
#define BIT_AT(i) ((uint8_t)(0x80u >> (i) % 8))

/* Network net/len as part of line l, at the end of a->host. */
static int add_piece(struct acl *a, size_t *cap, const struct acl_host *l,
		     const struct ip_addr *net, unsigned len)
{
	struct acl_host *x;

	if (a->n_host == *cap) {
		size_t ncap = *cap * 2;

		x = realloc(a->host, ncap * sizeof(*x));
		if (!x)
			return -1;
		a->host = x;
		*cap = ncap;
	}
	x = &a->host[a->n_host++];
	*x = *l;
	x->e.net = *net;
	x->e.prefix = (uint8_t)len;
	x->single = len == 128;
	return 0;
}

/* The addresses of net/len that none of kids[0..n) holds (lines inside
   it, sorted, none inside another), added as networks of line l: halve
   net/len until a half holds none, or is one of them. At most 2 x 128
   networks per line inside. */
static int add_rest(struct acl *a, size_t *cap, const struct acl_host *l,
		    struct ip_addr net, unsigned len,
		    const struct acl_host *const *kids, size_t n)
{
	struct ip_addr upper = net;
	size_t k;

	if (n == 0)
		return add_piece(a, cap, l, &net, len);
	if (kids[0]->e.prefix == len)
		return 0;       /* it is the line inside, whole */
	/* The lines in the lower half sort first. */
	for (k = 0; k < n && !(kids[k]->e.net.b[len / 8] & BIT_AT(len)); k++)
		;
	upper.b[len / 8] |= BIT_AT(len);
	if (add_rest(a, cap, l, net, len + 1, kids, k) != 0)
		return -1;
	return add_rest(a, cap, l, upper, len + 1, kids + k, n - k);
}

/*
 * What each line holds, into a->host: the longest prefix gives a host or
 * network listed inside a wider line its own roles (hosts_lookup()), so
 * the wider line's permits must not reach it; its networks are the rest.
 * Lines with nothing inside (most) are one network, themselves.
 */
static int split_lines(struct acl *a, struct acl_host *line, size_t n)
{
	const struct acl_host **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	const struct acl_host **kids = malloc((n ? n : 1) * sizeof(*kids));
	size_t *at = malloc((n ? n : 1) * sizeof(*at));
	size_t cap = n ? n : 1, i, j, nk;
	int rc = -1;

	a->host = malloc(cap * sizeof(*a->host));
	if (!sorted || !kids || !at || !a->host)
		goto out;
	for (i = 0; i < n; i++)
		sorted[i] = &line[i];
	qsort(sorted, n, sizeof(*sorted), line_cmp);
	for (i = 0; i < n; i++)
		at[sorted[i] - line] = i;
	for (i = 0; i < n; i++) {
		const struct acl_host *l = &line[i];
		size_t before = a->n_host;

		/* The lines right inside l: each one after l, skipping
		   those inside it. */
		nk = 0;
		for (j = at[i] + 1; j < n && line_inside(sorted[j], l); j++)
			if (!nk || !line_inside(sorted[j], kids[nk - 1]))
				kids[nk++] = sorted[j];
		if (add_rest(a, &cap, l, l->e.net, l->e.prefix, kids, nk) != 0)
			goto out;
		/* What the bound's message tells of (acl_command()). */
		if (nk) {
			a->n_inside += nk;
			a->n_cut++;
			a->n_pieces += a->n_host - before;
		}
	}
	rc = 0;
out:
	free(sorted);
	free(kids);
	free(at);
	return rc;
}

struct acl *acl_new(const struct catalogue *cat, const struct hosts *h)
{
	struct acl *a = calloc(1, sizeof(*a));
	size_t i, k = 0, n = hosts_count(h);
	struct acl_host *line;

	if (!a)
		return NULL;
	a->cat = cat;
	a->hosts = h;
	line = calloc(n ? n : 1, sizeof(*line));
	if (!line) {
		free(a);
		return NULL;
	}
	for (i = 0; i < n && hosts_entry(h, i, &line[k].e); i++, k++) {
		line[k].family = (uint8_t)line_family(&line[k].e);
		line[k].single = line[k].e.prefix == 128;
		a->n_line[line[k].family]++;
	}
	a->line = line;
	a->n_lines = k;
	if (split_lines(a, line, k) != 0) {
		acl_free(a);
		return NULL;
	}
	return a;
}

void acl_free(struct acl *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n_rule; i++)
		free(a->rule[i].rows);
	free(a->rule);
	free(a->note);
	free(a->group);
	free(a->used);
	free(a->obs.run);
	free(a->host);
	free(a->line);
	free(a);
}

bool acl_host_in(const struct acl_host *h, uint32_t roles, enum acl_family f)
{
	return h->family == f && (h->e.roles & roles) != 0;
}

static bool same_spans(const struct port_span *x, uint8_t nx,
		       const struct port_span *y, uint8_t ny)
{
	return nx == ny && (nx == 0 || memcmp(x, y, nx * sizeof(*x)) == 0);
}

/* True when rules x and y have the same transports and ports. */
static bool same_ports(const struct acl_rule *x, const struct acl_rule *y)
{
	return x->protos == y->protos &&
	       same_spans(x->dport, x->n_dport, y->dport, y->n_dport) &&
	       same_spans(x->sport, x->n_sport, y->sport, y->n_sport);
}

size_t acl_twins(const struct acl *a, const struct acl_rule *r,
		 const struct acl_rule **t, size_t *self)
{
	size_t i, n = 0;

	*self = ACL_TWINS_MAX;
	for (i = 0; i < a->n_rule && n < ACL_TWINS_MAX; i++) {
		const struct acl_rule *x = &a->rule[i];

		if (!same_ports(x, r))
			continue;
		/* The last place is kept for r. */
		if (x == r)
			*self = n;
		else if (n == ACL_TWINS_MAX - 1 && *self == ACL_TWINS_MAX)
			continue;
		t[n++] = x;
	}
	if (*self == ACL_TWINS_MAX)
		*self = n;
	return n;
}

/* True when h (NULL: any host outside the inventory) is of end `roles`
   in family f. */
static bool end_has(uint32_t roles, const struct acl_host *h, enum acl_family f)
{
	return roles == ACL_ANY ? h == NULL : h && acl_host_in(h, roles, f);
}

/* Whether one of rules t[0..n) has the pair (s, d). */
static bool twins_have(const struct acl_rule *const *t, size_t n,
		       enum acl_family f, const struct acl_host *s,
		       const struct acl_host *d)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (end_has(t[k]->src, s, f) && end_has(t[k]->dst, d, f))
			return true;
	return false;
}

bool acl_pair_mirrored(const struct acl_rule *const *t, size_t n,
		       enum acl_family f, const struct acl_host *s,
		       const struct acl_host *d)
{
	return twins_have(t, n, f, d, s);
}

size_t acl_pairs(const struct acl *a, const struct acl_rule *r,
		 enum acl_family f, acl_pair_fn fn, void *ctx)
{
	const struct acl_rule *t[ACL_TWINS_MAX];
	size_t i, j, n = 0, early;
	size_t ns = r->src == ACL_ANY ? 1 : a->n_host;
	size_t nd = r->dst == ACL_ANY ? 1 : a->n_host;

	acl_twins(a, r, t, &early);
	if (!(r->protos & (f == ACL_V4 ? ACL_TCP | ACL_UDP | ACL_ICMP
				       : ACL_TCP | ACL_UDP | ACL_ICMPV6)))
		return 0;
	for (i = 0; i < ns; i++) {
		const struct acl_host *s = r->src == ACL_ANY ? NULL : &a->host[i];

		if (s && !acl_host_in(s, r->src, f))
			continue;
		for (j = 0; j < nd; j++) {
			const struct acl_host *d =
				r->dst == ACL_ANY ? NULL : &a->host[j];

			if (d && !acl_host_in(d, r->dst, f))
				continue;
			if (s == d && s->single)
				continue;
			/* An earlier rule of these ports wrote it. */
			if (early && twins_have(t, early, f, s, d))
				continue;
			if (fn)
				fn(ctx, s, d);
			n++;
		}
	}
	return n;
}

long acl_flow_row(const struct acl *a, const struct acl_flow *fl, int *why)
{
	struct cat_hits hits;
	uint32_t croles, sroles;
	bool on_wire = !(ip_is_loopback(&fl->cip, fl->family) &&
			 ip_is_loopback(&fl->sip, fl->family));
	uint16_t i;

	classify_rows_at(a->cat, fl->proto, fl->cport, fl->sport, on_wire, &hits);
	if (hits.n == 0) {
		*why = ACL_FLOW_NO_ROW;
		return -1;
	}
	/* A record does not say which link a flow came from: by its
	   addresses it never left its host (a wire's 127.0.0.1 judged
	   between hosts is no documented flow in its records unless its
	   roles fit), and a row it used is no evidence for a permit. */
	if (!on_wire) {
		*why = ACL_FLOW_LOOPBACK;
		return -1;
	}
	croles = hosts_lookup_ip(a->hosts, &fl->cip, fl->family).roles;
	sroles = hosts_lookup_ip(a->hosts, &fl->sip, fl->family).roles;
	for (i = 0; fl->service && i < hits.n; i++) {
		const struct cat_row *row = catalogue_row(a->cat, hits.rows[i]);

		if (strcmp(row->service, fl->service) == 0 && row->table < 64 &&
		    (fl->tables & (UINT64_C(1) << row->table)) &&
		    row_allows_roles(row, croles, sroles))
			return hits.rows[i];
	}
	for (i = 0; i < hits.n; i++)
		if (row_allows_roles(catalogue_row(a->cat, hits.rows[i]),
				     croles, sroles))
			return hits.rows[i];
	*why = ACL_FLOW_ROLES;
	return -1;
}

/* Every pair of r in family f, those earlier rules give too among them:
   |src| x |dst| less the hosts that would pair with themselves. */
static uint64_t all_pairs(const struct acl *a, const struct acl_rule *r,
			 enum acl_family f)
{
	uint64_t ns = 0, nd = 0, self = 0;
	size_t i;

	if (!(r->protos & (f == ACL_V4 ? ACL_TCP | ACL_UDP | ACL_ICMP
				       : ACL_TCP | ACL_UDP | ACL_ICMPV6)))
		return 0;
	/* One walk, where acl_pairs() takes |hosts|^2. */
	for (i = 0; i < a->n_host; i++) {
		const struct acl_host *h = &a->host[i];
		bool in_s = r->src != ACL_ANY && acl_host_in(h, r->src, f);
		bool in_d = r->dst != ACL_ANY && acl_host_in(h, r->dst, f);

		ns += in_s;
		nd += in_d;
		self += in_s && in_d && h->single;
	}
	if (r->src == ACL_ANY)
		ns = 1;
	if (r->dst == ACL_ANY)
		nd = 1;
	return ns * nd - self;
}

/* Which of rules t[0..n) hold h (NULL: any host outside the
   inventory) at their source end, and at their destination end, as
   bits: what decides whether a pair that has h is theirs. */
struct twin_key {
	uint64_t src, dst;
};

static struct twin_key twin_key(const struct acl_rule *const *t, size_t n,
				const struct acl_host *h, enum acl_family f)
{
	struct twin_key k = { 0, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		if (end_has(t[i]->src, h, f))
			k.src |= UINT64_C(1) << i;
		if (end_has(t[i]->dst, h, f))
			k.dst |= UINT64_C(1) << i;
	}
	return k;
}

/* Keys and how many hosts have each: few bins, as hosts of the same
   roles share one. */
struct key_bins {
	struct twin_key *key;
	uint64_t *n;
	size_t used;
};

static void bin_add(struct key_bins *b, struct twin_key k)
{
	size_t i;

	for (i = 0; i < b->used; i++)
		if (b->key[i].src == k.src && b->key[i].dst == k.dst)
			break;
	if (i == b->used) {
		b->key[b->used] = k;
		b->n[b->used++] = 0;
	}
	b->n[i]++;
}

/* The pairs (s, d) of r that acl_pairs() gives (no earlier rule t[k],
   k < early, has them) and, with `mirrored`, whose other way (d, s) a
   rule of t has. */
static bool pair_counts(struct twin_key s, struct twin_key d,
			uint64_t early, bool mirrored)
{
	return !(s.src & d.dst & early) && (!mirrored || (s.dst & d.src));
}

/* The pairs pair_counts() takes, counted in one walk over the hosts:
   (pairs of bins) x (hosts in each). UINT64_MAX when out of memory. */
static uint64_t count_pairs(const struct acl *a, const struct acl_rule *r,
			    enum acl_family f, bool mirrored)
{
	const struct acl_rule *t[ACL_TWINS_MAX];
	size_t self, nt = acl_twins(a, r, t, &self), cap = a->n_host + 1, i, j;
	uint64_t early = self < 64 ? (UINT64_C(1) << self) - 1 : ~UINT64_C(0);
	uint64_t n = 0, alone = 0;
	struct key_bins bs, bd;

	if (!(r->protos & (f == ACL_V4 ? ACL_TCP | ACL_UDP | ACL_ICMP
				       : ACL_TCP | ACL_UDP | ACL_ICMPV6)))
		return 0;
	bs.key = calloc(2 * cap, sizeof(*bs.key));
	bs.n = calloc(2 * cap, sizeof(*bs.n));
	if (!bs.key || !bs.n) {
		free(bs.key);
		free(bs.n);
		return UINT64_MAX;
	}
	bd.key = bs.key + cap;
	bd.n = bs.n + cap;
	bs.used = bd.used = 0;
	if (r->src == ACL_ANY)
		bin_add(&bs, twin_key(t, nt, NULL, f));
	if (r->dst == ACL_ANY)
		bin_add(&bd, twin_key(t, nt, NULL, f));
	for (i = 0; i < a->n_host; i++) {
		const struct acl_host *h = &a->host[i];
		bool in_s = end_has(r->src, h, f), in_d = end_has(r->dst, h, f);
		struct twin_key k;

		if (!in_s && !in_d)
			continue;
		k = twin_key(t, nt, h, f);
		if (in_s)
			bin_add(&bs, k);
		if (in_d)
			bin_add(&bd, k);
		/* A host is no pair with itself. */
		alone += in_s && in_d && h->single &&
			 pair_counts(k, k, early, mirrored);
	}
	for (i = 0; i < bs.used; i++)
		for (j = 0; j < bd.used; j++)
			if (pair_counts(bs.key[i], bd.key[j], early, mirrored))
				n += bs.n[i] * bd.n[j];
	free(bs.key);
	free(bs.n);
	return n - alone;
}

uint64_t acl_pair_count(const struct acl *a, const struct acl_rule *r,
			enum acl_family f)
{
	return count_pairs(a, r, f, false);
}

uint64_t acl_mirrored_count(const struct acl *a, const struct acl_rule *r,
			    enum acl_family f)
{
	return count_pairs(a, r, f, true);
}

/* Whether rule r has a pair in family f. */
static bool has_pair(const struct acl *a, const struct acl_rule *r,
		     enum acl_family f)
{
	return all_pairs(a, r, f) > 0;
}

/* True when some inventory line holds a role of roles. */
static bool held(const struct acl *a, uint32_t roles)
{
	size_t i;

	for (i = 0; i < a->n_host; i++)
		if (a->host[i].e.roles & roles)
			return true;
	return false;
}

static int add_note(struct acl *a, enum acl_note_kind kind, size_t row,
		    uint32_t roles)
{
	if (a->n_note == a->cap_note) {
		size_t cap = a->cap_note ? a->cap_note * 2 : 32;
		struct acl_note *n = realloc(a->note, cap * sizeof(*n));

		if (!n)
			return -1;
		a->note = n;
		a->cap_note = cap;
	}
	a->note[a->n_note].kind = (uint8_t)kind;
	a->note[a->n_note].row = (uint16_t)row;
	a->note[a->n_note].roles = roles;
	a->n_note++;
	return 0;
}

/* True when the same lines of family f hold a role of x and of y. */
static bool same_members(const struct acl *a, uint32_t x, uint32_t y,
			 enum acl_family f)
{
	size_t i;

	for (i = 0; i < a->n_host; i++)
		if (acl_host_in(&a->host[i], x, f) != acl_host_in(&a->host[i], y, f))
			return false;
	return true;
}

/* True when ends x and y stand for the same hosts: the same roles, or
   roles the same inventory lines hold ("imp,endpoint" where no endpoint
   is listed is "imp"). */
static bool same_end(const struct acl *a, uint32_t x, uint32_t y)
{
	int f;

	if (x == y)
		return true;
	if (x == ACL_ANY || y == ACL_ANY)
		return false;
	for (f = 0; f < ACL_FAMILIES; f++)
		if (!same_members(a, x, y, (enum acl_family)f))
			return false;
	return true;
}

/* Rule r for row, or row added to the rows of an equal rule: 0 done,
   -1 out of memory. */
static int add_rule(struct acl *a, struct acl_rule *r, size_t row)
{
	struct acl_rule *x;
	size_t i;

	for (i = 0; i < a->n_rule; i++) {
		x = &a->rule[i];
		/* Ports first: they tell most rules apart, and cost no walk
		   over the inventory. */
		if (same_ports(x, r) && same_end(a, x->src, r->src) &&
		    same_end(a, x->dst, r->dst))
			break;
	}
	if (i == a->n_rule) {
		if (a->n_rule == a->cap_rule) {
			size_t cap = a->cap_rule ? a->cap_rule * 2 : 64;
			struct acl_rule *n = realloc(a->rule, cap * sizeof(*n));

			if (!n)
				return -1;
			a->rule = n;
			a->cap_rule = cap;
		}
		a->rule[a->n_rule] = *r;
		a->rule[a->n_rule].rows = NULL;
		a->rule[a->n_rule].n_rows = a->rule[a->n_rule].cap_rows = 0;
		a->n_rule++;
	}
	x = &a->rule[i];
	/* Both directions of "imp <-> imp" are the same rule. */
	if (x->n_rows && x->rows[x->n_rows - 1] == row)
		return 0;
	if (x->n_rows == x->cap_rows) {
		uint16_t cap = (uint16_t)(x->cap_rows ? x->cap_rows * 2 : 4);
		uint16_t *n = realloc(x->rows, cap * sizeof(*n));

		if (!n)
			return -1;
		x->rows = n;
		x->cap_rows = cap;
	}
	x->rows[x->n_rows++] = (uint16_t)row;
	return 0;
}

/* True when every host of end `small` is one of end `big` ("any" holds
   only itself). */
static bool end_holds(const struct acl *a, uint32_t big, uint32_t small)
{
	size_t i;
	int f;

	if (big == small)
		return true;
	if (big == ACL_ANY || small == ACL_ANY)
		return false;
	for (f = 0; f < ACL_FAMILIES; f++)
		for (i = 0; i < a->n_host; i++) {
			const struct acl_host *h = &a->host[i];

			if (acl_host_in(h, small, (enum acl_family)f) &&
			    !acl_host_in(h, big, (enum acl_family)f))
				return false;
		}
	return true;
}

/* True when rule big gives every permit of rule small: the same
   transports and ports, and ends that hold small's. */
static bool rule_holds(const struct acl *a, const struct acl_rule *big,
		       const struct acl_rule *small)
{
	return same_ports(big, small) && end_holds(a, big->src, small->src) &&
	       end_holds(a, big->dst, small->dst);
}

/* The rows of y added to those of x, in catalogue order, each once:
   -1 out of memory. */
static int merge_rows(struct acl_rule *x, const struct acl_rule *y)
{
	uint16_t *m = malloc(((size_t)x->n_rows + y->n_rows) * sizeof(*m));
	uint16_t i = 0, j = 0, n = 0;

	if (!m)
		return -1;
	while (i < x->n_rows || j < y->n_rows) {
		bool from_x = j == y->n_rows ||
			      (i < x->n_rows && x->rows[i] <= y->rows[j]);
		uint16_t v = from_x ? x->rows[i++] : y->rows[j++];

		if (n == 0 || m[n - 1] != v)
			m[n++] = v;
	}
	free(x->rows);
	x->rows = m;
	x->n_rows = x->cap_rows = n;
	return 0;
}

/* Rule y joined to rule x, one of which gives every permit of the
   other: the rows of both, the wider ends, in x's place. -1 out of
   memory. */
static int join_rule(struct acl *a, struct acl_rule *x, struct acl_rule *y)
{
	if (merge_rows(x, y) != 0)
		return -1;
	if (!rule_holds(a, x, y)) {
		x->src = y->src;
		x->dst = y->dst;
	}
	x->families |= y->families;
	free(y->rows);
	memmove(y, y + 1, (size_t)(a->rule + a->n_rule - y - 1) * sizeof(*y));
	a->n_rule--;
	return 0;
}

/*
 * A rule whose every permit an earlier or later rule gives (table 30's
 * one direction of what table 25 gives every pair of imp nodes) is
 * written once: the rows of the narrower join the wider, which keeps the
 * place of the first of the two, so that the order stays the catalogue's.
 * Until none is left: a rule widened may now hold another. Without it
 * iptables and IOS wrote each such pair twice, nftables and the ASA a
 * rule the one above it had already passed. -1 out of memory.
 */
static int merge_covered(struct acl *a)
{
	size_t i, j;

	for (i = 1; i < a->n_rule; i++) {
		for (j = 0; j < i; j++) {
			struct acl_rule *x = &a->rule[j], *y = &a->rule[i];

			if (!rule_holds(a, x, y) && !rule_holds(a, y, x))
				continue;
			if (join_rule(a, x, y) != 0)
				return -1;
			i = 0;          /* from the start again */
			break;
		}
	}
	return 0;
}

/* The rule from src to dst for row i with the row's ports (template t),
   when it has a pair in some family: 1 added, 0 none, -1 out of memory. */
static int try_rule(struct acl *a, const struct acl_rule *t, uint32_t src,
		    uint32_t dst, size_t i)
{
	struct acl_rule r = *t;
	int f;

	r.src = src;
	r.dst = dst;
	r.families = 0;
	for (f = 0; f < ACL_FAMILIES; f++)
		if (has_pair(a, &r, (enum acl_family)f))
			r.families |= (uint8_t)ACL_FAM(f);
	if (!r.families)
		return 0;
	return add_rule(a, &r, i) == 0 ? 1 : -1;
}

/* The rules of row i, or the note that says why it has none. */
static int build_row(struct acl *a, size_t i)
{
	const struct cat_row *row = catalogue_row(a->cat, i);
	struct acl_rule t;
	uint32_t missing = 0;
	int dir, made = 0, rc;
	bool any_open_only = false;

	if (row->scope == SCOPE_LOCALHOST)
		return add_note(a, ACL_NOTE_LOCALHOST, i, 0);
	if (a->used && !a->used[i])
		return add_note(a, ACL_NOTE_UNUSED, i, 0);
	memset(&t, 0, sizeof(t));
	if (row->transports & (CT_TCP | CT_TLS))
		t.protos |= ACL_TCP;
	if (row->transports & CT_UDP)
		t.protos |= ACL_UDP;
	if (row->transports & CT_ICMP)
		t.protos |= ACL_ICMP;
	if (row->transports & CT_ICMPV6)
		t.protos |= ACL_ICMPV6;
	t.n_dport = row->n_dport;
	memcpy(t.dport, row->dport, sizeof(t.dport));
	if (row->sport_kind == SPORT_FIXED) {
		t.n_sport = row->n_sport;
		memcpy(t.sport, row->sport, sizeof(t.sport));
	}
	/* A TCP or UDP row without destination ports has a fixed sender
	   port (the loader refuses a "configurable" port with neither): no
	   rule opens every port. */

	/* Both ways where either side opens (row_allows_roles()). */
	for (dir = 0; dir < 2; dir++) {
		uint32_t c = dir ? row->to_roles : row->from_roles;
		uint32_t s = dir ? row->from_roles : row->to_roles;
		bool c_inv = held(a, c), s_inv = held(a, s);
		bool c_open = (c & OPEN_ROLES) != 0, s_open = (s & OPEN_ROLES) != 0;

		if (dir && !(row->bidir || row->sport_kind == SPORT_BIDIRECTIONAL))
			break;
		if (!c_inv && !c_open)
			missing |= c;
		if (!s_inv && !s_open)
			missing |= s;
		if (!c_inv && !s_inv && c_open && s_open)
			any_open_only = true;
		if (c_inv && s_inv && (rc = try_rule(a, &t, c, s, i)) != 0) {
			if (rc < 0)
				return -1;
			made++;
		}
		if (c_open && s_inv && (rc = try_rule(a, &t, ACL_ANY, s, i)) != 0) {
			if (rc < 0)
				return -1;
			made++;
		}
		if (c_inv && s_open && (rc = try_rule(a, &t, c, ACL_ANY, i)) != 0) {
			if (rc < 0)
				return -1;
			made++;
		}
	}
	if (made)
		return 0;
	if (missing)
		return add_note(a, ACL_NOTE_NO_HOST, i, missing);
	return add_note(a, any_open_only ? ACL_NOTE_OUTSIDE : ACL_NOTE_NO_PAIR,
			i, 0);
}

const struct acl_host *acl_members(const struct acl *a, uint32_t roles,
				   size_t *n)
{
	if (roles == CAT_ROLES_ALL) {
		*n = a->n_lines;
		return a->line;
	}
	*n = a->n_host;
	return a->host;
}

size_t acl_group_size(const struct acl *a, uint32_t roles, enum acl_family f)
{
	size_t i, k = 0, n;
	const struct acl_host *h = acl_members(a, roles, &n);

	for (i = 0; i < n; i++)
		k += acl_host_in(&h[i], roles, f);
	return k;
}

const struct acl_host *acl_group_first(const struct acl *a, uint32_t roles,
				       enum acl_family f)
{
	size_t i, n;
	const struct acl_host *h = acl_members(a, roles, &n);

	for (i = 0; i < n; i++)
		if (acl_host_in(&h[i], roles, f))
			return &h[i];
	return NULL;
}

uint32_t acl_group_alias(const struct acl *a, uint32_t roles, enum acl_family f)
{
	size_t i;

	for (i = 0; i < a->n_group; i++)
		if (a->group[i].family == f &&
		    (a->group[i].roles == roles ||
		     same_members(a, a->group[i].roles, roles, f)))
			return a->group[i].roles;
	return roles;
}

/* Group (roles, f) in the list, unless it has one line only or a group
   of the same lines is there already. */
static int add_group(struct acl *a, size_t *cap, uint32_t roles,
		     enum acl_family f)
{
	size_t i;

	if (roles == ACL_ANY || acl_group_size(a, roles, f) < 2)
		return 0;
	for (i = 0; i < a->n_group; i++)
		if (a->group[i].family == f &&
		    (a->group[i].roles == roles ||
		     same_members(a, a->group[i].roles, roles, f)))
			return 0;
	if (a->n_group == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct acl_group *n = realloc(a->group, ncap * sizeof(*n));

		if (!n)
			return -1;
		a->group = n;
		*cap = ncap;
	}
	a->group[a->n_group].roles = roles;
	a->group[a->n_group].family = (uint8_t)f;
	a->n_group++;
	return 0;
}

int acl_build(struct acl *a)
{
	struct acl_rule *sorted;
	size_t i, k = 0, cap = 0;
	int f;

	for (i = 0; i < catalogue_count(a->cat); i++)
		if (build_row(a, i) != 0)
			return -1;
	if (merge_covered(a) != 0)
		return -1;
	/* Rules between inventory hosts first, in catalogue order, then
	   those with an "any" end: the writers that need it deny what is
	   left between inventory hosts in between. */
	sorted = malloc((a->n_rule ? a->n_rule : 1) * sizeof(*sorted));
	if (!sorted)
		return -1;
	for (i = 0; i < a->n_rule; i++)
		if (a->rule[i].src != ACL_ANY && a->rule[i].dst != ACL_ANY)
			sorted[k++] = a->rule[i];
	a->n_inner = k;
	for (i = 0; i < a->n_rule; i++)
		if (a->rule[i].src == ACL_ANY || a->rule[i].dst == ACL_ANY)
			sorted[k++] = a->rule[i];
	free(a->rule);
	a->rule = sorted;
	a->cap_rule = a->n_rule;
	for (i = 0; i < a->n_rule; i++) {
		const struct acl_rule *r = &a->rule[i];

		for (f = 0; f < ACL_FAMILIES; f++) {
			if (!(r->families & ACL_FAM(f)))
				continue;
			if (add_group(a, &cap, r->src, (enum acl_family)f) != 0 ||
			    add_group(a, &cap, r->dst, (enum acl_family)f) != 0)
				return -1;
			if (i >= a->n_inner &&
			    add_group(a, &cap, CAT_ROLES_ALL, (enum acl_family)f) != 0)
				return -1;
		}
	}
	return 0;
}
