/*
 * trust.h: the tunnel endpoints a site trusts, and the rule that judges
 * a tunnel by them.
 *
 * A site names the tunnel endpoints it trusts: networks given with
 * --trust-tunnel ADDR[/LEN], and inventory hosts (--hosts) holding the
 * role tunnel-endpoint (the longest prefix that matches an address says
 * its roles, as everywhere in the inventory). An overlay carrier (every
 * kind but ERSPAN: VXLAN, VXLAN-GPE, Geneve, GRE with WCCP and PPTP,
 * IP-in-IP, 6in4, 4in6) is trusted only when both its outer endpoints are
 * declared: a real overlay runs between two tunnel endpoints the site
 * knows, and whoever sends to a declared endpoint from an address of his
 * own must not pass. ERSPAN, the mirroring transport itself, is trusted
 * when no endpoint is declared at all; once any is, only ERSPAN to or
 * from a declared endpoint (its collector) is.
 *
 * Set up before the run and read-only after: part of the engine, shared
 * by every worker.
 */
#ifndef IMPWATCH_TRUST_H
#define IMPWATCH_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "decode.h"
#include "hosts.h"

struct trust;

/* Nothing declared; NULL when out of memory. */
struct trust *trust_new(void);
void trust_free(struct trust *t);   /* NULL is ignored */

/* Trust the endpoints in spec, ADDR[/LEN] (IPv4 or IPv6, no host bits
   past LEN); -1 with the reason in why when spec is not one, or when
   MAX_TRUST_TUNNEL are declared already. */
int trust_add(struct trust *t, const char *spec, char *why, size_t whysize);

/* Hosts of the inventory holding the role tunnel-endpoint are trusted
   too. h (NULL: none) must outlive t. */
void trust_set_hosts(struct trust *t, const struct hosts *h);

/* True when the site declared any tunnel endpoint. */
bool trust_declared(const struct trust *t);

/* The --trust-tunnel networks, as "ADDR/LEN"; and whether the inventory
   names any tunnel endpoint. */
size_t trust_count(const struct trust *t);
void trust_str(const struct trust *t, size_t i, char *buf, size_t size);
bool trust_inventory_declares(const struct trust *t);

/* True for ERSPAN I, II and III: a mirroring transport, not an overlay. */
bool tunnel_is_erspan(enum tunnel_kind k);

/* The rule above, for tunnel layer tl: whether its carrier is trusted. */
bool trust_judge(const struct trust *t, const struct tun_layer *tl);

#endif
