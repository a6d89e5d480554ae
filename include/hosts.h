/*
 * hosts.h: the site inventory (--hosts FILE): which roles each host or
 * network holds.
 *
 * File format, one host or network per line, blank-separated:
 *
 *   ROLE[,ROLE...]  ADDRESS[/PREFIX]  [NAME]
 *
 * ROLE is a catalogue role (include/roles.h); imp-publisher and
 * imp-subscriber also make the host an `imp`, postgresql-db, oracle-db and
 * mssql-db a `database`. ADDRESS is IPv4 or IPv6,
 * PREFIX a network length (decimal, no leading zero: "024" is octal to
 * some tools; no host bits may be set). NAME is optional.
 * Loading is all or nothing; errors are "FILE:LINE: reason".
 *
 * Lookups take the longest matching prefix and allocate nothing. The
 * inventory owns its strings and is immutable once loaded.
 */
#ifndef IMPWATCH_HOSTS_H
#define IMPWATCH_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode.h"

#define HOSTS_NAME_MAX 63
#define HOSTS_MAX 65536        /* entries in one inventory */

struct hosts;

/* What the inventory says of an address. roles 0: not in the inventory. */
struct host_info {
	uint32_t roles;            /* bitmask of enum cat_role */
	const char *name;          /* "" when the line gave none */
	uint8_t prefix;            /* matched prefix, 0-128 (IPv4 as 96+n) */
};

/* ADDRESS[/PREFIX] (len bytes of s, IPv4 or IPv6, no host bits set)
   into *net and *prefix (0-128, IPv4 as 96 + n): NULL, or the reason it
   is not one (written in why). The one reader of a network: inventory
   lines, waiver ends and --trust-tunnel (trust.c) all come here. */
const char *hosts_parse_net(const char *s, size_t len, struct ip_addr *net,
			    uint8_t *prefix, char *why, size_t whysize);

/* True when address a is in the network net/prefix. */
bool hosts_net_has(const struct ip_addr *net, uint8_t prefix,
		   const struct ip_addr *a);

/* Parse inventory text named `name`; NULL with "NAME:LINE: reason" on err. */
struct hosts *hosts_parse(const char *name, const char *buf, size_t len,
			  FILE *err);

/* Read and parse a file; NULL with a message on err. */
struct hosts *hosts_load(const char *path, FILE *err);

/* The SHA-256 (hex) of the text hosts_load() parsed; "" for an inventory
   hosts_parse() made, or when it could not be had. */
const char *hosts_sha256(const struct hosts *h);

void hosts_free(struct hosts *h);

size_t hosts_count(const struct hosts *h);

/* Table slots the loader looked at (to find an earlier line with the
   same network, and to index the entries): its work, for tests. */
uint64_t hosts_load_work(const struct hosts *h);

/* Longest-prefix match of a; roles 0 (and name "") when none matches. */
struct host_info hosts_lookup(const struct hosts *h, const struct ip_addr *a);

/* hosts_lookup() of an address a packet of IP version family (4 or 6)
   carried: an IPv6 header's ::ffff:a.b.c.d matches nothing
   (ip_mapped_in_v6()). What a flow's ends are looked up with. */
struct host_info hosts_lookup_ip(const struct hosts *h,
				 const struct ip_addr *a, uint8_t family);

/* One line of the inventory, as written (file order). */
struct host_entry {
	struct ip_addr net;        /* host bits zero; IPv4 as ::ffff:a.b.c.d */
	uint8_t prefix;            /* 0-128 (IPv4 as 96+n) */
	uint32_t roles;            /* with the roles each role implies */
	const char *name;          /* "" when the line gave none */
	uint32_t line;
};

/* Entry i (0 <= i < hosts_count()) into *e, in file order; false past
   the end. The strings are the inventory's. */
bool hosts_entry(const struct hosts *h, size_t i, struct host_entry *e);

/* Every role some line of the inventory gives (0 for NULL). */
uint32_t hosts_roles_any(const struct hosts *h);

/* The roles of mask as "imp,imp-publisher", in catalogue order. */
void hosts_roles_str(uint32_t mask, char *buf, size_t size);

#endif
