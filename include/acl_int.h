/*
 * acl_int.h: what the rule writers (acl_nft.c, acl_ipt.c, acl_asa.c,
 * acl_ios.c) share with their driver, acl_write.c.
 *
 * A format is one row of the writer table in acl_write.c: its name, its
 * comment prefix, the address families of each pass, and four callbacks
 * (five for a format that writes each pair of hosts apart: the count of
 * its rules, which acl_command() bounds before a byte is written).
 * acl_write() writes the header and the notes as comments, then for each
 * pass: begin, every rule between inventory hosts, `inventory` (once, when
 * rules with an "any" end follow), those rules, and end. A writer is
 * called only with rules that have a pair in the pass's families.
 */
#ifndef IMPWATCH_ACL_INT_H
#define IMPWATCH_ACL_INT_H

#include <stdint.h>

#include "acl.h"

#define ACL_NAME_MAX 64         /* set and object-group names */
#define ACL_TEXT_MAX 512        /* one comment or label */
#define ACL_ADDR_MAX 64         /* an address with its prefix or mask */

/* One pass of a writer over the rules. */
struct acl_out {
	const struct acl *a;
	const struct acl_writer *w;
	FILE *f;
	unsigned pass;              /* ACL_FAM() bits this pass writes */
	size_t n_outer;             /* rules with an ANY end in this pass */
};

struct acl_writer {
	const char *name;           /* --format value */
	const char *comment;        /* what starts a comment line */
	const char *use;            /* how to load the output, one line per
	                               '\n', written as comments */
	unsigned passes[ACL_FAMILIES + 1];  /* ACL_FAM() masks, 0 ends */
	void (*begin)(struct acl_out *o);
	void (*rule)(struct acl_out *o, const struct acl_rule *r);
	void (*inventory)(struct acl_out *o);  /* NULL: the rules themselves
	                                          leave inventory hosts out */
	void (*end)(struct acl_out *o);
	uint64_t (*count)(struct acl_out *o);  /* the rules the pass writes,
	                                          counted (acl_count());
	                                          NULL: a format that names
	                                          groups */
};

extern const struct acl_writer acl_writer_nftables, acl_writer_iptables,
	acl_writer_ip6tables, acl_writer_asa, acl_writer_ios;

/* A comment line: the writer's prefix, a blank, the text. */
__attribute__((format(printf, 2, 3)))
void acl_comment(struct acl_out *o, const char *fmt, ...);

/* The transports of r written in family f (ICMP is IPv4's, ICMPv6
   IPv6's). */
unsigned acl_rule_protos(const struct acl_rule *r, enum acl_family f);

/* The rules one pair of hosts takes for r in family f, where a rule
   names one transport, one source and one destination port span (ICMP:
   one rule). */
unsigned acl_rule_spans(const struct acl_rule *r, enum acl_family f);

/* Whether rule r writes anything in family f of pass o: it has pairs
   there that no earlier rule of the same transports and ports gives
   (acl_pairs()). A rule of those pairs only (table 29's echo from imp
   to endpoints and imp, in a family with no endpoint) is left out. */
bool acl_rule_in(const struct acl_out *o, const struct acl_rule *r,
		 enum acl_family f);

/* The rules of pass o->pass (one family) of a format that writes each
   pair of hosts apart: acl_rule_spans() for each pair of each rule. */
uint64_t acl_pass_spans(const struct acl_out *o);

/* x + y and x * y, at most UINT64_MAX: counts of rules before they are
   written (acl_count()). */
static inline uint64_t acl_sat_add(uint64_t x, uint64_t y)
{
	return x > UINT64_MAX - y ? UINT64_MAX : x + y;
}

static inline uint64_t acl_sat_mul(uint64_t x, uint64_t y)
{
	return y && x > UINT64_MAX / y ? UINT64_MAX : x * y;
}

/* The rules of the model with the transports and ports of r (r among
   them), in their order, at most ACL_TWINS_MAX, into t: their number;
   *self is r's place among them (those before it are the earlier rules
   acl_pairs() leaves r's common pairs to). */
#define ACL_TWINS_MAX 64
size_t acl_twins(const struct acl *a, const struct acl_rule *r,
		 const struct acl_rule **t, size_t *self);

/* Whether one of twins t[0..n) (acl_twins()) has the pair (d, s), the
   pair (s, d) the other way: a format that writes each request's reply
   (IOS) writes none for (s, d) when d's request from the same ports is
   that reply. */
bool acl_pair_mirrored(const struct acl_rule *const *t, size_t n,
		       enum acl_family f, const struct acl_host *s,
		       const struct acl_host *d);

/* The pairs of r in family f (acl_pairs()) that acl_pair_mirrored()
   says are mirrored, counted in one walk over the hosts. */
uint64_t acl_mirrored_count(const struct acl *a, const struct acl_rule *r,
			    enum acl_family f);

/* "table 4 tomcat-axl, tomcat-admin; table 30 tomcat-admin": the rows of
   r, cut with "..." to fit size (printable ASCII only). */
void acl_rule_label(const struct acl *a, const struct acl_rule *r,
		    char *buf, size_t size);

/* "table 2 sip-proxy: Default SIP proxy UDP and TCP listener" for row
   i, cut to fit size (printable ASCII only): a Cisco remark. */
void acl_row_remark(const struct acl *a, uint16_t i, char *buf, size_t size);

/* What a group of roles is made of, *n entries: for the whole
   inventory (CAT_ROLES_ALL) its lines, else what each line holds (struct
   acl's host): the same addresses, the lines in fewer words. */
const struct acl_host *acl_members(const struct acl *a, uint32_t roles,
				   size_t *n);

/* The entries of family f holding a role of roles (acl_members()), and
   the first of them (NULL when none). */
size_t acl_group_size(const struct acl *a, uint32_t roles, enum acl_family f);
const struct acl_host *acl_group_first(const struct acl *a, uint32_t roles,
				       enum acl_family f);

/* The roles of the group a pass declares for the lines of family f
   holding a role of roles: the first group with the same lines (roles
   itself when none is declared). */
uint32_t acl_group_alias(const struct acl *a, uint32_t roles, enum acl_family f);

/* A group's name from its roles ("imp-publisher", "endpoint_imp"), or
   "roles-HEX" when the names would be too long; "inventory" for
   CAT_ROLES_ALL. */
void acl_group_name(uint32_t roles, char buf[ACL_NAME_MAX]);

/* Host h's address ("192.0.2.10", "2001:db8::1") and its prefix length
   in its own family (32 for an IPv4 host). */
void acl_host_addr(const struct acl_host *h, char buf[ACL_ADDR_MAX]);
unsigned acl_host_len(const struct acl_host *h);

#endif
