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
#include "util.h"

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

struct trust *trust_new(void)
{
	return calloc(1, sizeof(struct trust));
}

void trust_free(struct trust *t)
{
	free(t);
}

int trust_add(struct trust *c, const char *spec, char *why, size_t whysize)
{
	struct trust_net t;

	if (c->nnet == MAX_TRUST_TUNNEL) {
		snprintf(why, whysize, "more than %d networks (list more in an "
			 "inventory, role tunnel-endpoint)", MAX_TRUST_TUNNEL);
		return -1;
	}
	/* Read as an inventory line's address is: one parser, one set of
	   words for what is wrong. */
	memset(&t, 0, sizeof(t));
	if (hosts_parse_net(spec, strlen(spec), &t.net, &t.prefix, why,
			    whysize))
		return -1;
	/* Shown as given: IPv4 text has no ':', IPv6 text always has one
	   (::ffff:a.b.c.d/n stays IPv6 text). */
	t.v4 = strchr(spec, ':') == NULL;
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
   inventory host holding the role; a of an outer header of IP version
   family. */
static bool endpoint_trusted(const struct trust *c, const struct ip_addr *a,
			     uint8_t family)
{
	size_t i;

	/* An IPv6 header's ::ffff:a.b.c.d is no declared IPv4 end. */
	if (ip_mapped_in_v6(a, family))
		return false;
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
		return !trust_declared(c) ||
		       endpoint_trusted(c, &t->src, t->family) ||
		       endpoint_trusted(c, &t->dst, t->family);
	return endpoint_trusted(c, &t->src, t->family) &&
	       endpoint_trusted(c, &t->dst, t->family);
}
