/*
 * acl_asa.c: the rules as a Cisco ASA extended access list.
 *
 * Syntax from the Cisco ASA Series Firewall CLI Configuration Guide (9.x),
 * chapter "Access Control Lists" (extended ACEs: "access-list NAME
 * extended {permit|deny} PROTOCOL SOURCE [PORT] DEST [PORT] [log]", with
 * host, address and mask, IPv6 prefix, any4/any6/any, object-group,
 * ports "eq N" and "range N M", icmp and icmp6; "access-list NAME remark
 * TEXT", at most 100 characters) and chapter "Objects for Access Control"
 * ("object-group network NAME" with "network-object host ADDR",
 * "network-object ADDR MASK" and "network-object PREFIX/LEN"). One ACL
 * holds IPv4 and IPv6 (9.0 and later). Comment lines start with ':'
 * (CLI guide, "Adding Comments"). The ASA keeps state for TCP and UDP:
 * their replies need no rule. Its default policy does not inspect ICMP
 * ("inspect icmp" is not in inspection_default), so an echo reply is
 * filtered as a packet of its own: each ICMP permit is followed by the
 * permit of its echo-reply (icmp_type, a name for icmp and icmp6).
 */
#include "acl_int.h"

#define ASA_REMARK_MAX 101      /* 100 characters and the NUL */
#define ASA_ACL "impwatch"

/* The group's object-group name: "impwatch-imp-publisher-v4". */
static void group_name(uint32_t roles, enum acl_family f, char *buf, size_t n)
{
	char name[ACL_NAME_MAX];

	acl_group_name(roles, name);
	snprintf(buf, n, "impwatch-%s-v%c", name, f == ACL_V4 ? '4' : '6');
}

/* "host 192.0.2.10", "192.0.2.0 255.255.255.0", "2001:db8::/48". */
static void host_text(const struct acl_host *h, char *buf, size_t n)
{
	char a[ACL_ADDR_MAX];
	unsigned len = acl_host_len(h);

	acl_host_addr(h, a);
	if (h->single) {
		snprintf(buf, n, "host %s", a);
	} else if (h->family == ACL_V4) {
		uint32_t m = len ? ~UINT32_C(0) << (32 - len) : 0;

		snprintf(buf, n, "%s %u.%u.%u.%u", a, m >> 24, (m >> 16) & 0xff,
			 (m >> 8) & 0xff, m & 0xff);
	} else {
		snprintf(buf, n, "%s/%u", a, len);
	}
}

/* An ACE's address: any4/any6 for "any", object-group, or the one line. */
static void end_text(const struct acl *a, uint32_t roles, enum acl_family f,
		     char *buf, size_t n)
{
	char name[ACL_NAME_MAX + 16];

	if (roles == ACL_ANY) {
		snprintf(buf, n, "%s", f == ACL_V4 ? "any4" : "any6");
	} else if (acl_group_size(a, roles, f) > 1) {
		group_name(acl_group_alias(a, roles, f), f, name, sizeof(name));
		snprintf(buf, n, "object-group %s", name);
	} else {
		host_text(acl_group_first(a, roles, f), buf, n);
	}
}

static void port_text(const struct port_span *s, char *buf, size_t n)
{
	if (!s)
		buf[0] = '\0';
	else if (s->lo == s->hi)
		snprintf(buf, n, " eq %u", s->lo);
	else
		snprintf(buf, n, " range %u %u", s->lo, s->hi);
}

static void asa_begin(struct acl_out *o)
{
	const struct acl *a = o->a;
	char name[ACL_NAME_MAX + 16], h[ACL_ADDR_MAX + 32];
	size_t i, j, n;

	for (i = 0; i < a->n_group; i++) {
		enum acl_family f = (enum acl_family)a->group[i].family;
		const struct acl_host *m = acl_members(a, a->group[i].roles, &n);

		group_name(a->group[i].roles, f, name, sizeof(name));
		fprintf(o->f, "object-group network %s\n", name);
		for (j = 0; j < n; j++) {
			if (!acl_host_in(&m[j], a->group[i].roles, f))
				continue;
			host_text(&m[j], h, sizeof(h));
			fprintf(o->f, " network-object %s\n", h);
		}
	}
}

static void asa_rule(struct acl_out *o, const struct acl_rule *r)
{
	char remark[ASA_REMARK_MAX], src[ACL_NAME_MAX + 32], dst[ACL_NAME_MAX + 32];
	char sp[32], dp[32];
	uint16_t k;
	int f;

	if (!acl_rule_in(o, r, ACL_V4) && !acl_rule_in(o, r, ACL_V6))
		return;
	for (k = 0; k < r->n_rows; k++) {
		acl_row_remark(o->a, r->rows[k], remark, sizeof(remark));
		fprintf(o->f, "access-list " ASA_ACL " remark %s\n", remark);
	}
	for (f = 0; f < ACL_FAMILIES; f++) {
		unsigned p = acl_rule_protos(r, (enum acl_family)f);
		unsigned t, i, j;

		if (!acl_rule_in(o, r, (enum acl_family)f))
			continue;
		end_text(o->a, r->src, (enum acl_family)f, src, sizeof(src));
		end_text(o->a, r->dst, (enum acl_family)f, dst, sizeof(dst));
		for (t = 0; t < 2; t++) {
			if (!(p & (t ? ACL_UDP : ACL_TCP)))
				continue;
			for (i = 0; i < (r->n_sport ? r->n_sport : 1u); i++) {
				port_text(r->n_sport ? &r->sport[i] : NULL, sp, sizeof(sp));
				for (j = 0; j < (r->n_dport ? r->n_dport : 1u); j++) {
					port_text(r->n_dport ? &r->dport[j] : NULL, dp,
						  sizeof(dp));
					fprintf(o->f, "access-list " ASA_ACL " extended "
						"permit %s %s%s %s%s\n", t ? "udp" : "tcp",
						src, sp, dst, dp);
				}
			}
		}
		/* The default policy inspects no ICMP: the echo reply is
		   permitted back, as the IOS list does. */
		if (p & (ACL_ICMP | ACL_ICMPV6)) {
			const char *icmp = f == ACL_V4 ? "icmp" : "icmp6";

			fprintf(o->f, "access-list " ASA_ACL " extended permit %s "
				"%s %s\n", icmp, src, dst);
			fprintf(o->f, "access-list " ASA_ACL " extended permit %s "
				"%s %s echo-reply\n", icmp, dst, src);
		}
	}
}

/* Whether an entry with an "any" end has a pair in family f: only then
   is the family's inventory group declared (acl_build()), and needed. */
static bool outer_in(const struct acl *a, enum acl_family f)
{
	size_t i;

	for (i = a->n_inner; i < a->n_rule; i++)
		if (a->rule[i].families & ACL_FAM(f))
			return true;
	return false;
}

/* Between two inventory hosts only the entries above: "any" below is
   the hosts outside. */
static void asa_inventory(struct acl_out *o)
{
	char inv[ACL_NAME_MAX + 32];
	int f;

	fprintf(o->f, "access-list " ASA_ACL " remark between inventory hosts: "
		"only the entries above\n");
	for (f = 0; f < ACL_FAMILIES; f++) {
		size_t n = acl_group_size(o->a, CAT_ROLES_ALL, (enum acl_family)f);

		/* A family no "any" entry reaches needs no deny, and has no
		   group to name: the ASA refuses an undeclared one. */
		if (n == 0 || !outer_in(o->a, (enum acl_family)f) ||
		    (n == 1 && acl_group_first(o->a, CAT_ROLES_ALL,
					       (enum acl_family)f)->single))
			continue;
		end_text(o->a, CAT_ROLES_ALL, (enum acl_family)f, inv, sizeof(inv));
		fprintf(o->f, "access-list " ASA_ACL " extended deny ip %s %s log\n",
			inv, inv);
	}
}

static void asa_end(struct acl_out *o)
{
	fprintf(o->f, "access-list " ASA_ACL " remark final deny: not documented "
		"between these hosts\n"
		"access-list " ASA_ACL " extended deny ip any any log\n");
}

const struct acl_writer acl_writer_asa = {
	.name = "asa",
	.comment = ":",
	.use = "Cisco ASA 9.x (IPv4 and IPv6 in one ACL). Apply with:\n"
	       "  access-group impwatch global   (or: access-group impwatch in interface NAME)\n"
	       "The ASA keeps state for TCP and UDP: replies pass. ICMP is not inspected\n"
	       "by default: each ICMP permit is followed by its echo-reply. The final\n"
	       "deny logs (syslog 106100).",
	.passes = { ACL_FAM(ACL_V4) | ACL_FAM(ACL_V6), 0 },
	.begin = asa_begin,
	.rule = asa_rule,
	.inventory = asa_inventory,
	.end = asa_end,
};
