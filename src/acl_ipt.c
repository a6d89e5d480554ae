/*
 * acl_ipt.c: the rules as iptables-restore input (IPv4) and
 * ip6tables-restore input (IPv6): two formats, one per family, as the
 * two tools are.
 *
 * Syntax from iptables-restore(8) and iptables(8)/iptables-extensions(8),
 * iptables 1.8: "*filter", chain lines ":NAME POLICY [packets:bytes]" (a
 * user chain's policy is "-"), rules as iptables arguments, "COMMIT";
 * matches "-s/-d ADDR/LEN", "-p tcp -m tcp --sport/--dport PORT[:PORT]",
 * "-p icmp" and "-p ipv6-icmp", "-m conntrack --ctstate", "-m comment
 * --comment" (at most 256 bytes), "-m limit", targets LOG and DROP.
 * The rules live in chain impwatch-forward, which FORWARD jumps to, so
 * that --noflush can replace them in a ruleset of the site's own.
 * iptables has no sets of its own, so a rule is one line per pair of
 * hosts (counted first: ipt_count(), ACL_MAX_RULES); the inventory
 * hosts are kept from the "any" rules by a jump to a chain of their own
 * that denies what is left between them.
 */
#include "acl_int.h"

#include "config.h"

/* xt_comment's XT_MAX_COMMENT_LEN, the NUL included. */
#define IPT_COMMENT_MAX 256

struct ipt_pair {
	struct acl_out *o;
	const struct acl_rule *r;
	enum acl_family f;
	const char *label;
};

static enum acl_family pass_family(const struct acl_out *o)
{
	return (o->pass & ACL_FAM(ACL_V4)) ? ACL_V4 : ACL_V6;
}

static void addr(FILE *f, const char *opt, const struct acl_host *h)
{
	char a[ACL_ADDR_MAX];

	if (!h)
		return;
	acl_host_addr(h, a);
	fprintf(f, " %s %s/%u", opt, a, acl_host_len(h));
}

static void port_opt(FILE *f, const char *opt, const struct port_span *s)
{
	if (!s)
		return;
	if (s->lo == s->hi)
		fprintf(f, " %s %u", opt, s->lo);
	else
		fprintf(f, " %s %u:%u", opt, s->lo, s->hi);
}

/* Every line of one pair: a transport, a source port span and a
   destination port span at a time. */
static void pair_lines(void *ctx, const struct acl_host *s,
		       const struct acl_host *d)
{
	const struct ipt_pair *x = ctx;
	FILE *f = x->o->f;
	const struct acl_rule *r = x->r;
	unsigned p = acl_rule_protos(r, x->f);
	unsigned k, i, j;

	for (k = 0; k < 2; k++) {
		const char *name = k ? "udp" : "tcp";

		if (!(p & (k ? ACL_UDP : ACL_TCP)))
			continue;
		for (i = 0; i < (r->n_sport ? r->n_sport : 1u); i++) {
			for (j = 0; j < (r->n_dport ? r->n_dport : 1u); j++) {
				fputs("-A impwatch-forward", f);
				addr(f, "-s", s);
				addr(f, "-d", d);
				fprintf(f, " -p %s -m %s", name, name);
				port_opt(f, "--sport", r->n_sport ? &r->sport[i] : NULL);
				port_opt(f, "--dport", r->n_dport ? &r->dport[j] : NULL);
				fprintf(f, " -m comment --comment \"%s\" -j ACCEPT\n",
					x->label);
			}
		}
	}
	if (p & (ACL_ICMP | ACL_ICMPV6)) {
		fputs("-A impwatch-forward", f);
		addr(f, "-s", s);
		addr(f, "-d", d);
		fprintf(f, " -p %s -m comment --comment \"%s\" -j ACCEPT\n",
			x->f == ACL_V4 ? "icmp" : "ipv6-icmp", x->label);
	}
}

static void ipt_begin(struct acl_out *o)
{
	fprintf(o->f, "*filter\n"
		":FORWARD DROP [0:0]\n"
		":impwatch-forward - [0:0]\n"
		":impwatch-inventory - [0:0]\n"
		":impwatch-deny - [0:0]\n"
		"-A FORWARD -j impwatch-forward\n"
		"-A impwatch-forward -m conntrack --ctstate RELATED,ESTABLISHED "
		"-m comment --comment \"replies, and the ICMP errors they "
		"bring\" -j ACCEPT\n");
}

static void ipt_rule(struct acl_out *o, const struct acl_rule *r)
{
	char label[IPT_COMMENT_MAX];
	struct ipt_pair x;

	acl_rule_label(o->a, r, label, sizeof(label));
	x.o = o;
	x.r = r;
	x.f = pass_family(o);
	x.label = label;
	acl_pairs(o->a, r, x.f, pair_lines, &x);
}

/* What two inventory hosts send each other and no rule above accepted
   goes to the deny chain: "any" below is the hosts outside. */
static void ipt_inventory(struct acl_out *o)
{
	enum acl_family f = pass_family(o);
	size_t i;

	for (i = 0; i < o->a->n_lines; i++) {
		const struct acl_host *h = &o->a->line[i];

		if (h->family != f)
			continue;
		fputs("-A impwatch-forward", o->f);
		addr(o->f, "-s", h);
		fputs(" -m comment --comment \"from an inventory host: held to its "
		      "roles\" -j impwatch-inventory\n", o->f);
		fputs("-A impwatch-inventory", o->f);
		addr(o->f, "-d", h);
		fputs(" -j impwatch-deny\n", o->f);
	}
}

static void ipt_end(struct acl_out *o)
{
	fprintf(o->f,
		"-A impwatch-forward -m comment --comment \"final deny: not documented "
		"between these hosts\" -j impwatch-deny\n"
		"-A impwatch-deny -m limit --limit %u/sec --limit-burst %u "
		"-j LOG --log-prefix \"impwatch deny: \"\n"
		"-A impwatch-deny -j DROP\n"
		"COMMIT\n", ACL_LOG_RATE, ACL_LOG_BURST);
}

/* The -A lines of a pass: ipt_begin's 2 and ipt_end's 3, the lines of
   each pair (pair_lines()), and two per inventory line (ipt_inventory()). */
static uint64_t ipt_count(struct acl_out *o)
{
	const struct acl *a = o->a;
	enum acl_family f = pass_family(o);
	uint64_t n = acl_sat_add(5, acl_pass_spans(o));

	if (o->n_outer)
		n = acl_sat_add(n, 2 * (uint64_t)a->n_line[f]);
	return n;
}

const struct acl_writer acl_writer_iptables = {
	.name = "iptables",
	.comment = "#",
	.use = "IPv4 only: the inventory's IPv6 lines are in --format ip6tables.\n"
	       "Load with: iptables-restore FILE (replaces the filter table). Into a\n"
	       "ruleset of your own: without the two FORWARD lines, iptables-restore\n"
	       "--noflush FILE replaces the impwatch chains only; jump to\n"
	       "impwatch-forward from FORWARD once. What it does not accept goes to\n"
	       "impwatch-deny, which logs (prefix \"impwatch deny: \") and counts.",
	.passes = { ACL_FAM(ACL_V4), 0 },
	.begin = ipt_begin,
	.rule = ipt_rule,
	.inventory = ipt_inventory,
	.end = ipt_end,
	.count = ipt_count,
};

const struct acl_writer acl_writer_ip6tables = {
	.name = "ip6tables",
	.comment = "#",
	.use = "IPv6 only: the inventory's IPv4 lines are in --format iptables.\n"
	       "Load with: ip6tables-restore FILE (replaces the filter table). Into a\n"
	       "ruleset of your own: without the two FORWARD lines, ip6tables-restore\n"
	       "--noflush FILE replaces the impwatch chains only; jump to\n"
	       "impwatch-forward from FORWARD once. What it does not accept goes to\n"
	       "impwatch-deny, which logs (prefix \"impwatch deny: \") and counts.",
	.passes = { ACL_FAM(ACL_V6), 0 },
	.begin = ipt_begin,
	.rule = ipt_rule,
	.inventory = ipt_inventory,
	.end = ipt_end,
	.count = ipt_count,
};
