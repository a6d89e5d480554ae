/*
 * acl_nft.c: the rules as an nftables ruleset, for `nft -f`.
 *
 * Syntax from nft(8), nftables 1.0: a table of family inet (IPv4 and IPv6
 * together) with named sets (type ipv4_addr / ipv6_addr; "flags interval"
 * and "auto-merge" where an element is a network), a base chain
 * "type filter hook forward priority filter; policy drop;", matches
 * "ip saddr", "ip6 daddr", "meta l4proto", "th dport" (any transport with
 * ports, here TCP and UDP together), "ct state", and the statements
 * "counter", "limit rate", "log prefix", "comment" (at most 128 bytes).
 * Loading the file replaces the table whole: "table inet impwatch" then
 * "delete table inet impwatch" makes sure there is one to delete.
 */
#include "acl_int.h"

#include "config.h"

/* nft keeps at most 128 bytes of a rule comment (NFTNL_UDATA_COMMENT_MAXLEN). */
#define NFT_COMMENT_MAX 128

static const char *fam_ip(enum acl_family f)
{
	return f == ACL_V4 ? "ip" : "ip6";
}

/* "@imp_v4", or the one line's address ("192.0.2.10", "192.0.2.0/24"). */
static void end_text(const struct acl *a, uint32_t roles, enum acl_family f,
		     char *buf, size_t size)
{
	char name[ACL_NAME_MAX], addr[ACL_ADDR_MAX];
	const struct acl_host *h;

	if (acl_group_size(a, roles, f) > 1) {
		acl_group_name(acl_group_alias(a, roles, f), name);
		snprintf(buf, size, "@%s_v%c", name, f == ACL_V4 ? '4' : '6');
		return;
	}
	h = acl_group_first(a, roles, f);
	if (!h) {
		snprintf(buf, size, "?");
		return;
	}
	acl_host_addr(h, addr);
	if (h->single)
		snprintf(buf, size, "%s", addr);
	else
		snprintf(buf, size, "%s/%u", addr, acl_host_len(h));
}

/* " 5060", " 37240-61000", " { 161, 8161 }". */
static void spans(FILE *f, const struct port_span *s, uint8_t n)
{
	uint8_t i;

	fputs(n > 1 ? " { " : " ", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s%u", i ? ", " : "", s[i].lo);
		if (s[i].hi != s[i].lo)
			fprintf(f, "-%u", s[i].hi);
	}
	if (n > 1)
		fputs(" }", f);
}

static void set_decl(struct acl_out *o, uint32_t roles, enum acl_family f)
{
	char name[ACL_NAME_MAX], addr[ACL_ADDR_MAX];
	size_t i, k = 0, n;
	const struct acl_host *m = acl_members(o->a, roles, &n);
	bool nets = false;

	for (i = 0; i < n; i++)
		if (acl_host_in(&m[i], roles, f) && !m[i].single)
			nets = true;
	acl_group_name(roles, name);
	fprintf(o->f, "\tset %s_v%c {\n\t\ttype %s\n", name,
		f == ACL_V4 ? '4' : '6', f == ACL_V4 ? "ipv4_addr" : "ipv6_addr");
	/* Networks need intervals; auto-merge takes overlapping lines (a
	   host inside a listed network) as one. */
	if (nets)
		fprintf(o->f, "\t\tflags interval\n\t\tauto-merge\n");
	fprintf(o->f, "\t\telements = {");
	for (i = 0; i < n; i++) {
		const struct acl_host *h = &m[i];

		if (!acl_host_in(h, roles, f))
			continue;
		acl_host_addr(h, addr);
		fprintf(o->f, "%s%s", k ? "," : "", k % 4 ? " " : "\n\t\t\t");
		if (h->single)
			fprintf(o->f, "%s", addr);
		else
			fprintf(o->f, "%s/%u", addr, acl_host_len(h));
		k++;
	}
	fprintf(o->f, "\n\t\t}\n\t}\n");
}

static void nft_begin(struct acl_out *o)
{
	size_t i;

	fprintf(o->f, "table inet impwatch\n"
		"delete table inet impwatch\n"
		"table inet impwatch {\n");
	for (i = 0; i < o->a->n_group; i++)
		set_decl(o, o->a->group[i].roles,
			 (enum acl_family)o->a->group[i].family);
	fprintf(o->f, "\tchain forward {\n"
		"\t\ttype filter hook forward priority filter; policy drop;\n"
		"\t\tct state established,related accept comment \"replies, and "
		"the ICMP errors they bring\"\n");
}

/* One end: "ip saddr @imp_v4 ", or for "any" the hosts outside the
   inventory: "ip saddr != @inventory_v4 ". */
static void end_match(struct acl_out *o, uint32_t roles, enum acl_family f,
		      const char *dir)
{
	char text[ACL_NAME_MAX + ACL_ADDR_MAX];

	end_text(o->a, roles == ACL_ANY ? CAT_ROLES_ALL : roles, f, text,
		 sizeof(text));
	fprintf(o->f, "%s %s %s%s ", fam_ip(f), dir, roles == ACL_ANY ? "!= " : "",
		text);
}

static void nft_rule(struct acl_out *o, const struct acl_rule *r)
{
	char label[NFT_COMMENT_MAX];
	int f;

	acl_rule_label(o->a, r, label, sizeof(label));
	for (f = 0; f < ACL_FAMILIES; f++) {
		unsigned p = acl_rule_protos(r, (enum acl_family)f);
		unsigned ports = p & (ACL_TCP | ACL_UDP);

		if (!acl_rule_in(o, r, (enum acl_family)f))
			continue;
		if (ports) {
			/* "tcp dport" for one transport; "th dport" after
			   "meta l4proto { tcp, udp }" for both. */
			const char *l4 = ports == ACL_TCP ? "tcp" :
					 ports == ACL_UDP ? "udp" : "th";

			fputs("\t\t", o->f);
			end_match(o, r->src, (enum acl_family)f, "saddr");
			end_match(o, r->dst, (enum acl_family)f, "daddr");
			if (ports == (ACL_TCP | ACL_UDP))
				fputs("meta l4proto { tcp, udp } ", o->f);
			else if (!r->n_sport && !r->n_dport)
				fprintf(o->f, "meta l4proto %s ", l4);
			if (r->n_sport) {
				fprintf(o->f, "%s sport", l4);
				spans(o->f, r->sport, r->n_sport);
				fputc(' ', o->f);
			}
			if (r->n_dport) {
				fprintf(o->f, "%s dport", l4);
				spans(o->f, r->dport, r->n_dport);
				fputc(' ', o->f);
			}
			fprintf(o->f, "accept comment \"%s\"\n", label);
		}
		if (p & (ACL_ICMP | ACL_ICMPV6)) {
			fputs("\t\t", o->f);
			end_match(o, r->src, (enum acl_family)f, "saddr");
			end_match(o, r->dst, (enum acl_family)f, "daddr");
			fprintf(o->f, "meta l4proto %s accept comment \"%s\"\n",
				f == ACL_V4 ? "icmp" : "ipv6-icmp", label);
		}
	}
}

static void nft_end(struct acl_out *o)
{
	fprintf(o->f,
		"\t\tlimit rate %u/second burst %u packets log prefix "
		"\"impwatch deny: \" comment \"what the rule below drops, logged "
		"at most %u a second\"\n"
		"\t\tcounter drop comment \"final deny: not documented between "
		"these hosts\"\n"
		"\t}\n}\n", ACL_LOG_RATE, ACL_LOG_BURST, ACL_LOG_RATE);
}

const struct acl_writer acl_writer_nftables = {
	.name = "nftables",
	.comment = "#",
	.use = "Load with: nft -f FILE (replaces table inet impwatch; other tables stay).\n"
	       "The forward chain drops what it does not accept: it counts and logs\n"
	       "(prefix \"impwatch deny: \") each packet its final rule drops.",
	.passes = { ACL_FAM(ACL_V4) | ACL_FAM(ACL_V6), 0 },
	.begin = nft_begin,
	.rule = nft_rule,
	.inventory = NULL,
	.end = nft_end,
};
