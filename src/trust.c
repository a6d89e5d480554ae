/*
 * trust.c: the tunnel endpoints a site declared, and the trust rule (the
 * contract is in trust.h).
 */
#include "trust.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"

/* A --trust-tunnel network; IPv4 as ::ffff:a.b.c.d/96+n. */
struct trust_net {
	struct ip_addr net;     /* host bits zero */
	uint8_t prefix;         /* 0-128 */
	uint8_t v4;             /* given as IPv4 */
};

struct trust {
	struct trust_net net[MAX_TRUST_TUNNEL];
	size_t nnet;
	const struct hosts *hosts;
	bool inventory;         /* some inventory line holds tunnel-endpoint */
};

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

struct trust *trust_new(void)
{
	return calloc(1, sizeof(struct trust));
}

void trust_free(struct trust *t)
{
	free(t);
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

int trust_add(struct trust *c, const char *spec, char *why, size_t whysize)
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

void trust_set_hosts(struct trust *c, const struct hosts *h)
{
	c->hosts = h;
	c->inventory = (hosts_roles_any(h) &
			(UINT32_C(1) << ROLE_TUNNEL_ENDPOINT)) != 0;
}

bool trust_declared(const struct trust *c)
{
	return c->nnet > 0 || c->inventory;
}

bool trust_inventory_declares(const struct trust *c)
{
	return c->inventory;
}

size_t trust_count(const struct trust *c)
{
	return c->nnet;
}

void trust_str(const struct trust *c, size_t i, char *buf, size_t size)
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
static bool endpoint_trusted(const struct trust *c, const struct ip_addr *a)
{
	size_t i;

	/* Matched as the inventory matches: ::/0 holds no IPv4 end. */
	for (i = 0; i < c->nnet; i++)
		if (hosts_net_has(&c->net[i].net, c->net[i].prefix, a))
			return true;
	return c->inventory &&
	       (hosts_lookup(c->hosts, a).roles &
		(UINT32_C(1) << ROLE_TUNNEL_ENDPOINT)) != 0;
}

bool trust_judge(const struct trust *c, const struct tun_layer *t)
{
	if (tunnel_is_erspan((enum tunnel_kind)t->kind))
		return !trust_declared(c) || endpoint_trusted(c, &t->src) ||
		       endpoint_trusted(c, &t->dst);
	return endpoint_trusted(c, &t->src) && endpoint_trusted(c, &t->dst);
}
