/*
 * carrier.c: the carrier table and the trust rule (the contract is in
 * carrier.h).
 *
 * Open addressing with linear probing over twice MAX_CARRIERS slots, so a
 * full table is half full; nothing is ever removed. The key is the
 * tunnel's kind, VNI or session, and its two endpoints in either order;
 * it is hashed with flow.c's keyed SipHash (the run's seed), since a
 * sender chooses the addresses.
 */
#include "carrier.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "flow.h"

#define CARRIER_SLOTS (2u * MAX_CARRIERS)
_Static_assert((CARRIER_SLOTS & (CARRIER_SLOTS - 1)) == 0,
	       "MAX_CARRIERS is a power of two");

/* A --trust-tunnel network; IPv4 as ::ffff:a.b.c.d/96+n. */
struct trust_net {
	struct ip_addr net;     /* host bits zero */
	uint8_t prefix;         /* 0-128 */
	uint8_t v4;             /* given as IPv4 */
};

struct carriers {
	struct carrier *slot;   /* CARRIER_SLOTS */
	size_t n;
	uint64_t seed;
	uint64_t unlisted_pkts;
	struct trust_net net[MAX_TRUST_TUNNEL];
	size_t nnet;
	const struct hosts *hosts;
	bool inventory;         /* some inventory line holds tunnel-endpoint */
};

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

struct carriers *carriers_new(uint64_t seed)
{
	struct carriers *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->slot = calloc(CARRIER_SLOTS, sizeof(*c->slot));
	if (!c->slot) {
		free(c);
		return NULL;
	}
	c->seed = seed;
	return c;
}

void carriers_free(struct carriers *c)
{
	if (!c)
		return;
	free(c->slot);
	free(c);
}

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

int carriers_trust(struct carriers *c, const char *spec, char *why,
		   size_t whysize)
{
	char text[INET6_ADDRSTRLEN + 8];
	struct trust_net t;
	struct ip_addr masked;
	const char *slash;
	char *end;
	unsigned long p, maxp;
	uint8_t v4[4];

	if (c->nnet == MAX_TRUST_TUNNEL) {
		snprintf(why, whysize, "more than %d networks (list more in an "
			 "inventory, role tunnel-endpoint)", MAX_TRUST_TUNNEL);
		return -1;
	}
	if (strlen(spec) >= sizeof(text)) {
		snprintf(why, whysize, "not an address or network");
		return -1;
	}
	strcpy(text, spec);
	slash = strchr(spec, '/');
	if (slash)
		text[slash - spec] = '\0';
	memset(&t, 0, sizeof(t));
	if (inet_pton(AF_INET, text, v4) == 1) {
		t.v4 = 1;
		memcpy(t.net.b, v4mapped, sizeof(v4mapped));
		memcpy(t.net.b + 12, v4, 4);
	} else if (inet_pton(AF_INET6, text, t.net.b) != 1) {
		snprintf(why, whysize, "'%s' is not an IPv4 or IPv6 address", text);
		return -1;
	}
	maxp = t.v4 ? 32 : 128;
	p = maxp;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9' || strlen(slash + 1) > 3 ||
		    (p = strtoul(slash + 1, &end, 10), *end) || p > maxp) {
			snprintf(why, whysize, "bad prefix length '%s' (0-%lu)",
				 slash, maxp);
			return -1;
		}
	}
	t.prefix = (uint8_t)(t.v4 ? 96 + p : p);
	masked = t.net;
	mask_addr(&masked, t.prefix);
	if (memcmp(&masked, &t.net, sizeof(masked)) != 0) {
		snprintf(why, whysize, "host bits set past /%lu", p);
		return -1;
	}
	c->net[c->nnet++] = t;
	return 0;
}

void carriers_set_hosts(struct carriers *c, const struct hosts *h)
{
	c->hosts = h;
	c->inventory = (hosts_roles_any(h) &
			(UINT32_C(1) << ROLE_TUNNEL_ENDPOINT)) != 0;
}

bool carriers_declared(const struct carriers *c)
{
	return c->nnet > 0 || c->inventory;
}

bool carriers_inventory_declares(const struct carriers *c)
{
	return c->inventory;
}

size_t carriers_trust_count(const struct carriers *c)
{
	return c->nnet;
}

void carriers_trust_str(const struct carriers *c, size_t i, char *buf,
			size_t size)
{
	const struct trust_net *t = &c->net[i];
	char a[INET6_ADDRSTRLEN];

	if (t->v4)
		inet_ntop(AF_INET, t->net.b + 12, a, sizeof(a));
	else
		inet_ntop(AF_INET6, t->net.b, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, t->v4 ? t->prefix - 96u : t->prefix);
}

bool tunnel_is_erspan(enum tunnel_kind k)
{
	return k == TUN_ERSPAN1 || k == TUN_ERSPAN2 || k == TUN_ERSPAN3;
}

/* A declared tunnel endpoint: in a --trust-tunnel network, or an
   inventory host holding the role. */
static bool endpoint_trusted(const struct carriers *c, const struct ip_addr *a)
{
	size_t i;

	for (i = 0; i < c->nnet; i++) {
		struct ip_addr m = *a;

		mask_addr(&m, c->net[i].prefix);
		if (memcmp(&m, &c->net[i].net, sizeof(m)) == 0)
			return true;
	}
	return c->inventory &&
	       (hosts_lookup(c->hosts, a).roles &
		(UINT32_C(1) << ROLE_TUNNEL_ENDPOINT)) != 0;
}

/* The trust rule of carrier.h. */
static bool judge(const struct carriers *c, const struct tun_layer *t)
{
	if (tunnel_is_erspan((enum tunnel_kind)t->kind))
		return !carriers_declared(c) || endpoint_trusted(c, &t->src) ||
		       endpoint_trusted(c, &t->dst);
	return endpoint_trusted(c, &t->src) && endpoint_trusted(c, &t->dst);
}

/* The key as flow.c hashes keys: the endpoints in order, the id in the
   port fields, the kind in the protocol's. */
static uint64_t carrier_hash(const struct carriers *c, const struct tun_layer *t)
{
	struct flow_key k;
	bool swap = memcmp(&t->src, &t->dst, sizeof(t->src)) > 0;

	memset(&k, 0, sizeof(k));
	k.a = swap ? t->dst : t->src;
	k.b = swap ? t->src : t->dst;
	k.pa = (uint16_t)t->id;
	k.pb = (uint16_t)((t->id >> 16) | (uint32_t)t->has_id << 15);
	k.proto = t->kind;
	k.family = t->family;
	return flow_hash(&k, c->seed);
}

static bool same_carrier(const struct carrier *e, const struct tun_layer *t)
{
	if (e->kind != t->kind || e->has_id != t->has_id || e->id != t->id ||
	    e->family != t->family)
		return false;
	if (memcmp(&e->src, &t->src, sizeof(e->src)) == 0)
		return memcmp(&e->dst, &t->dst, sizeof(e->dst)) == 0;
	return memcmp(&e->src, &t->dst, sizeof(e->src)) == 0 &&
	       memcmp(&e->dst, &t->src, sizeof(e->dst)) == 0;
}

bool carriers_see(struct carriers *c, const struct tun_layer *t,
		  uint32_t wire_len, struct carrier **e)
{
	uint32_t i = (uint32_t)carrier_hash(c, t) & (CARRIER_SLOTS - 1);
	struct carrier *s;

	while ((s = &c->slot[i])->kind && !same_carrier(s, t))
		i = (i + 1) & (CARRIER_SLOTS - 1);
	if (!s->kind) {
		if (c->n == MAX_CARRIERS) {
			/* Not listed, still judged. */
			c->unlisted_pkts++;
			*e = NULL;
			return judge(c, t);
		}
		s->src = t->src;
		s->dst = t->dst;
		s->id = t->id;
		s->kind = t->kind;
		s->family = t->family;
		s->has_id = t->has_id;
		s->trusted = judge(c, t);
		c->n++;
	}
	s->packets++;
	s->bytes += wire_len;
	*e = s;
	return s->trusted;
}

static int carrier_cmp(const void *x, const void *y)
{
	const struct carrier *a = *(const struct carrier *const *)x;
	const struct carrier *b = *(const struct carrier *const *)y;
	int d;

	if (a->packets != b->packets)
		return a->packets > b->packets ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if ((d = memcmp(&a->src, &b->src, sizeof(a->src))) != 0)
		return d;
	return memcmp(&a->dst, &b->dst, sizeof(a->dst));
}

const struct carrier **carriers_sorted(const struct carriers *c, size_t *n)
{
	const struct carrier **v = malloc((c->n ? c->n : 1) * sizeof(*v));
	size_t i, k = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < CARRIER_SLOTS; i++)
		if (c->slot[i].kind)
			v[k++] = &c->slot[i];
	qsort(v, k, sizeof(*v), carrier_cmp);
	*n = k;
	return v;
}

size_t carriers_count(const struct carriers *c)
{
	return c->n;
}

uint64_t carriers_unlisted_packets(const struct carriers *c)
{
	return c->unlisted_pkts;
}
