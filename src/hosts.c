/*
 * hosts.c: the site inventory, with longest-prefix lookup.
 *
 * Entries are kept per prefix length in one open-addressing table each;
 * a lookup masks the address once per distinct length, longest first, so
 * its cost is the number of distinct lengths in the file (a few), not the
 * number of hosts. IPv4 is held as ::ffff:a.b.c.d, its /n as /96+n.
 */
#include "hosts.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "roles.h"
#include "textfile.h"
#include "util.h"

#define HOSTS_MAX_FILE ((size_t)16 << 20)
#define MAX_LINE 1024

struct entry {
	struct ip_addr net;        /* host bits zero */
	uint8_t prefix;            /* 0-128 */
	uint32_t roles;
	uint32_t line;
	char name[HOSTS_NAME_MAX + 1];
};

/* One prefix length's entries, open addressing on the masked address. */
struct level {
	uint8_t prefix;
	uint32_t mask;             /* slots - 1 */
	uint32_t *slot;            /* entry index + 1, 0 empty */
};

struct hosts {
	struct entry *e;
	size_t n, cap;
	struct level lv[129];
	unsigned nlv;              /* levels in use, longest prefix first */
	uint32_t *seen;            /* loading: every entry by network and
	                              prefix (entry index + 1, 0 empty) */
	uint32_t seen_mask;        /* its slots - 1 */
	uint64_t work;             /* slots looked at while loading */
	char sha256[DIGEST_SHA256_HEX];  /* of the text hosts_load() parsed */
};

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Zero the bits of a past prefix p. */
static void mask_addr(struct ip_addr *a, unsigned p)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (p >= (i + 1) * 8)
			continue;
		a->b[i] &= p > i * 8 ? (uint8_t)(0xff << (8 - (p - i * 8))) : 0;
	}
}

/* FNV-1a over the masked address and its length: inventories are written
   by the site, not by the wire, so no seed is needed. */
static uint32_t net_hash(const struct ip_addr *a, uint8_t prefix)
{
	uint32_t h = 2166136261u ^ prefix;
	int i;

	for (i = 0; i < 16; i++) {
		h ^= a->b[i];
		h *= 16777619u;
	}
	return h;
}

void hosts_roles_str(uint32_t mask, char *buf, size_t size)
{
	cat_roles_str(mask, ",", buf, size);
}

/*
 * The prefix length d (what follows the '/') into *p, at most maxp; a
 * reason on error. Decimal digits, and no leading zero but in "0"
 * itself: some tools read "024" as octal (20), others as 24, so such a
 * line would say two networks. At most 3 digits reach strtoul(), which
 * then cannot overflow.
 */
static const char *parse_len(const char *d, unsigned long maxp,
			     unsigned long *p, char *why, size_t whysize)
{
	size_t n = strspn(d, "0123456789");

	if (n == 0 || d[n] != '\0') {
		snprintf(why, whysize, "bad prefix length '/%s' (0-%lu)", d,
			 maxp);
		return why;
	}
	if (d[0] == '0' && n > 1) {
		snprintf(why, whysize, "prefix length '%s' has a leading zero",
			 d);
		return why;
	}
	if (n > 3 || (*p = strtoul(d, NULL, 10)) > maxp) {
		snprintf(why, whysize, "prefix length /%s out of range 0-%lu",
			 d, maxp);
		return why;
	}
	return NULL;
}

/* ADDRESS[/PREFIX] into *net and *prefix; a reason on error. */
static const char *parse_net(struct tstr w, struct ip_addr *net,
			     uint8_t *prefix, char *why, size_t whysize)
{
	char text[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t alen;
	unsigned long p, maxp;
	struct ip_addr masked;
	uint8_t v4[4];
	bool is4;

	if (w.n >= sizeof(text)) {
		snprintf(why, whysize, "address too long");
		return why;
	}
	memcpy(text, w.s, w.n);
	text[w.n] = '\0';
	slash = strchr(text, '/');
	alen = slash ? (size_t)(slash - text) : w.n;
	text[alen] = '\0';
	memset(net, 0, sizeof(*net));
	if (inet_pton(AF_INET, text, v4) == 1) {
		is4 = true;
		memcpy(net->b, v4mapped, sizeof(v4mapped));
		memcpy(net->b + 12, v4, 4);
	} else if (inet_pton(AF_INET6, text, net->b) == 1) {
		is4 = false;
	} else {
		snprintf(why, whysize, "'%s' is not an IPv4 or IPv6 address", text);
		return why;
	}
	maxp = is4 ? 32 : 128;
	p = maxp;
	if (slash && parse_len(slash + 1, maxp, &p, why, whysize))
		return why;
	*prefix = (uint8_t)(is4 ? 96 + p : p);
	masked = *net;
	mask_addr(&masked, *prefix);
	if (memcmp(&masked, net, sizeof(masked)) != 0) {
		char shown[INET6_ADDRSTRLEN];

		if (is4)
			inet_ntop(AF_INET, masked.b + 12, shown, sizeof(shown));
		else
			inet_ntop(AF_INET6, masked.b, shown, sizeof(shown));
		snprintf(why, whysize, "host bits set in %s/%lu (the network is %s/%lu)",
			 text, p, shown, p);
		return why;
	}
	return NULL;
}

const char *hosts_parse_net(const char *s, size_t len, struct ip_addr *net,
			    uint8_t *prefix, char *why, size_t whysize)
{
	return parse_net((struct tstr){ s, len }, net, prefix, why, whysize);
}

bool hosts_net_has(const struct ip_addr *net, uint8_t prefix,
		   const struct ip_addr *a)
{
	struct ip_addr m = *a;

	/* ::/0 is every IPv6 host, as a firewall reads it: no network
	   shorter than ::ffff:0:0/96 holds an IPv4 address. */
	if (prefix < 96 && ip_is_v4(a))
		return false;

	mask_addr(&m, prefix);
	return memcmp(&m, net, sizeof(m)) == 0;
}

/* ROLE[,ROLE...] into a mask; the publisher and subscriber are IM&P
   nodes too, and each kind of database a database. A reason on error. */
static const char *parse_roles(struct tstr w, uint32_t *mask, char *why,
			       size_t whysize)
{
	struct tstr bad;
	char valid[512];

	switch (cat_roles_parse(w, mask, &bad)) {
	case ROLES_OK:
		break;
	case ROLES_EMPTY:
		snprintf(why, whysize, "empty role in the role list");
		return why;
	default:
		cat_roles_str(CAT_ROLES_ALL, ", ", valid, sizeof(valid));
		snprintf(why, whysize, "unknown role '%.*s' (valid: %s)",
			 TSHOW(bad), valid);
		return why;
	}
	if (*mask & ((UINT32_C(1) << ROLE_IMP_PUBLISHER) |
		     (UINT32_C(1) << ROLE_IMP_SUBSCRIBER)))
		*mask |= UINT32_C(1) << ROLE_IMP;
	/* Tables 32-34 name "database" where 23 names the kind. */
	if (*mask & ((UINT32_C(1) << ROLE_POSTGRESQL_DB) |
		     (UINT32_C(1) << ROLE_ORACLE_DB) |
		     (UINT32_C(1) << ROLE_MSSQL_DB)))
		*mask |= UINT32_C(1) << ROLE_DATABASE;
	return NULL;
}

static bool name_ok(struct tstr w)
{
	size_t i;

	if (w.n == 0 || w.n > HOSTS_NAME_MAX)
		return false;
	for (i = 0; i < w.n; i++) {
		char ch = w.s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		      ch == '.'))
			return false;
	}
	return true;
}

static const struct entry *level_find(const struct hosts *h,
				      const struct level *l,
				      const struct ip_addr *net)
{
	uint32_t i = net_hash(net, l->prefix) & l->mask;

	while (l->slot[i]) {
		const struct entry *e = &h->e[l->slot[i] - 1];

		if (memcmp(&e->net, net, sizeof(*net)) == 0)
			return e;
		i = (i + 1) & l->mask;
	}
	return NULL;
}

/* Put entry index i (0-based) in open-addressing table slot[mask + 1]
   by its network and prefix. */
static void slot_put(struct hosts *h, uint32_t *slot, uint32_t mask, size_t i)
{
	uint32_t j = net_hash(&h->e[i].net, h->e[i].prefix) & mask;

	while (h->work++, slot[j])
		j = (j + 1) & mask;
	slot[j] = (uint32_t)i + 1;
}

/* Index the entries by prefix length; -1 when out of memory. One pass
   to count, one to insert: O(entries). */
static int build(struct hosts *h)
{
	unsigned count[129] = { 0 };
	struct level *of[129] = { NULL };
	int p;
	size_t i;

	for (i = 0; i < h->n; i++)
		count[h->e[i].prefix]++;
	for (p = 128; p >= 0; p--) {
		struct level *l;
		uint32_t size = 4;

		if (!count[p])
			continue;
		while (size < count[p] * 2)
			size *= 2;
		l = &h->lv[h->nlv++];
		l->prefix = (uint8_t)p;
		l->mask = size - 1;
		l->slot = calloc(size, sizeof(*l->slot));
		if (!l->slot)
			return -1;
		of[p] = l;
	}
	for (i = 0; i < h->n; i++) {
		struct level *l = of[h->e[i].prefix];

		slot_put(h, l->slot, l->mask, i);
	}
	return 0;
}

/*
 * The entry for exactly this network, if an earlier line gave it: a
 * lookup in the loader's own table of every entry so far, by network and
 * prefix, so that loading stays linear (a pass over the earlier lines
 * made the loader's largest file, 65,536 hosts, cost 2 billion
 * comparisons).
 */
static const struct entry *find_same(struct hosts *h, const struct entry *n)
{
	uint32_t j;

	if (!h->seen)
		return NULL;
	j = net_hash(&n->net, n->prefix) & h->seen_mask;
	while (h->work++, h->seen[j]) {
		const struct entry *e = &h->e[h->seen[j] - 1];

		if (e->prefix == n->prefix &&
		    memcmp(&e->net, &n->net, sizeof(n->net)) == 0)
			return e;
		j = (j + 1) & h->seen_mask;
	}
	return NULL;
}

/* Enter the last entry in the loader's table, which stays at most half
   full (doubled and refilled when it would not: amortized O(1)). -1
   when out of memory. */
static int seen_add(struct hosts *h)
{
	size_t size = h->seen ? (size_t)h->seen_mask + 1 : 0;

	if (h->n * 2 > size) {
		size_t nsize = size ? size * 2 : 128;
		uint32_t *ns = calloc(nsize, sizeof(*ns));
		size_t i;

		if (!ns)
			return -1;
		free(h->seen);
		h->seen = ns;
		h->seen_mask = (uint32_t)nsize - 1;
		for (i = 0; i < h->n; i++)
			slot_put(h, h->seen, h->seen_mask, i);
		return 0;
	}
	slot_put(h, h->seen, h->seen_mask, h->n - 1);
	return 0;
}

/* "imp 192.0.2.10 pub # the publisher": a comment where the name or
   the line's end belongs, said as such rather than as a bad name. */
static void comment_error(FILE *err, const char *name, uint32_t lineno,
			  struct tstr line)
{
	tline_error(err, name, lineno, line, "a comment takes a line of its "
		    "own ('#' first on the line)");
}

struct hosts *hosts_parse(const char *name, const char *buf, size_t len,
			  FILE *err)
{
	struct hosts *h = calloc(1, sizeof(*h));
	struct tlines t;
	struct tstr line;
	char why[640];

	if (!h) {
		tfile_error(err, name, "out of memory");
		return NULL;
	}
	tlines_init(&t, buf, len);
	while (tlines_next(&t, &line)) {
		struct tstr rest, w_roles, w_addr, w_name, extra;
		struct entry e;
		const struct entry *same;
		const char *bad;

		if (tline_check(name, t.lineno, line, MAX_LINE, err) != 0)
			goto fail;
		rest = tstr_trim(line);
		if (rest.n == 0 || rest.s[0] == '#')
			continue;
		memset(&e, 0, sizeof(e));
		e.line = t.lineno;
		tstr_word(&rest, &w_roles);
		if (!tstr_word(&rest, &w_addr)) {
			tline_error(err, name, t.lineno, line,
				    "missing address after the roles");
			goto fail;
		}
		if ((bad = parse_roles(w_roles, &e.roles, why, sizeof(why))) ||
		    (bad = parse_net(w_addr, &e.net, &e.prefix, why, sizeof(why)))) {
			tline_error(err, name, t.lineno, line, "%s", bad);
			goto fail;
		}
		if (tstr_word(&rest, &w_name)) {
			if (w_name.s[0] == '#') {
				comment_error(err, name, t.lineno, line);
				goto fail;
			}
			if (!name_ok(w_name)) {
				tline_error(err, name, t.lineno, line,
					    "bad name '%.*s' (letters, digits, '.', '-', "
					    "'_'; at most %d)", TSHOW(w_name),
					    HOSTS_NAME_MAX);
				goto fail;
			}
			memcpy(e.name, w_name.s, w_name.n);
		}
		if (tstr_word(&rest, &extra)) {
			if (extra.s[0] == '#') {
				comment_error(err, name, t.lineno, line);
				goto fail;
			}
			tline_error(err, name, t.lineno, line,
				    "unexpected '%.*s' after the name (one host "
				    "or network per line)", TSHOW(extra));
			goto fail;
		}
		same = find_same(h, &e);
		if (same) {
			char a[512], b[512];

			if (same->roles == e.roles) {
				tline_error(err, name, t.lineno, line,
					    "duplicates line %u", (unsigned)same->line);
			} else {
				hosts_roles_str(same->roles, a, sizeof(a));
				hosts_roles_str(e.roles, b, sizeof(b));
				tline_error(err, name, t.lineno, line,
					    "conflicts with line %u: roles %s there, %s "
					    "here (list every role of a host on one line)",
					    (unsigned)same->line, a, b);
			}
			goto fail;
		}
		if (h->n == HOSTS_MAX) {
			tline_error(err, name, t.lineno, line,
				    "more than %d hosts", HOSTS_MAX);
			goto fail;
		}
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 64;
			struct entry *ne = realloc(h->e, cap * sizeof(*ne));

			if (!ne) {
				tfile_error(err, name, "out of memory");
				goto fail;
			}
			h->e = ne;
			h->cap = cap;
		}
		h->e[h->n++] = e;
		if (seen_add(h) != 0) {
			tfile_error(err, name, "out of memory");
			goto fail;
		}
	}
	if (h->n == 0) {
		tfile_error(err, name, "no hosts");
		goto fail;
	}
	if (build(h) != 0) {
		tfile_error(err, name, "out of memory");
		goto fail;
	}
	/* Lookups use the per-length tables only. */
	free(h->seen);
	h->seen = NULL;
	return h;
fail:
	hosts_free(h);
	return NULL;
}

struct hosts *hosts_load(const char *path, FILE *err)
{
	struct hosts *h;
	char *buf;
	size_t len;

	if (textfile_read(path, HOSTS_MAX_FILE, "an inventory", &buf, &len, err) != 0)
		return NULL;
	h = hosts_parse(path, buf, len, err);
	/* The very bytes parsed, for the provenance: never the file read
	   again, which may have been replaced since. */
	if (h)
		(void)digest_sha256_hex(buf, len, h->sha256);
	free(buf);
	return h;
}

const char *hosts_sha256(const struct hosts *h)
{
	return h ? h->sha256 : "";
}

void hosts_free(struct hosts *h)
{
	unsigned k;

	if (!h)
		return;
	for (k = 0; k < h->nlv; k++)
		free(h->lv[k].slot);
	free(h->seen);
	free(h->e);
	free(h);
}

uint64_t hosts_load_work(const struct hosts *h)
{
	return h ? h->work : 0;
}

size_t hosts_count(const struct hosts *h)
{
	return h ? h->n : 0;
}

struct host_info hosts_lookup(const struct hosts *h, const struct ip_addr *a)
{
	struct host_info hi = { 0, "", 0 };
	unsigned k;
	bool v4;

	/* An IPv4 network is ::ffff:0:0/96 or longer, which no masked
	   IPv6 address equals; the levels shorter than /96 (IPv6 networks,
	   longest first, so the last ones) never hold an IPv4 address, as in
	   hosts_net_has(). */
	if (!h)
		return hi;
	v4 = ip_is_v4(a);
	for (k = 0; k < h->nlv; k++) {
		const struct level *l = &h->lv[k];
		struct ip_addr m = *a;
		const struct entry *e;

		if (v4 && l->prefix < 96)
			break;
		mask_addr(&m, l->prefix);
		e = level_find(h, l, &m);
		if (e) {
			hi.roles = e->roles;
			hi.name = e->name;
			hi.prefix = e->prefix;
			return hi;
		}
	}
	return hi;
}

struct host_info hosts_lookup_ip(const struct hosts *h,
				 const struct ip_addr *a, uint8_t family)
{
	struct host_info none = { 0, "", 0 };

	return ip_mapped_in_v6(a, family) ? none : hosts_lookup(h, a);
}

bool hosts_entry(const struct hosts *h, size_t i, struct host_entry *e)
{
	if (!h || i >= h->n)
		return false;
	e->net = h->e[i].net;
	e->prefix = h->e[i].prefix;
	e->roles = h->e[i].roles;
	e->name = h->e[i].name;
	e->line = h->e[i].line;
	return true;
}

uint32_t hosts_roles_any(const struct hosts *h)
{
	uint32_t roles = 0;
	size_t i;

	for (i = 0; h && i < h->n; i++)
		roles |= h->e[i].roles;
	return roles;
}
