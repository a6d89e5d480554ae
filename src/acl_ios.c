/*
 * acl_ios.c: the rules as Cisco IOS named extended access lists, "ip
 * access-list extended impwatch" and "ipv6 access-list impwatch-v6".
 *
 * Syntax from the Cisco IOS IP Configuration Guide, "Filtering IP Packets
 * Using Access Lists" (named extended lists: "[sequence] {permit|deny}
 * PROTOCOL SOURCE WILDCARD [OPERATOR PORT] DEST WILDCARD [OPERATOR PORT]
 * [established] [log]", host, any, eq, range, "remark TEXT" of at most
 * 100 characters) and the IPv6 access-list command reference ("permit
 * tcp host 2001:db8::1 ...", prefixes as ADDR/LEN, ICMPv6 as "icmp"; every
 * IPv6 list ends with implicit "permit icmp any any nd-na", "permit icmp
 * any any nd-ns" and "deny ipv6 any any", and an explicit deny must
 * follow permits of neighbour discovery itself). Comment lines start
 * with '!'.
 * A router ACL keeps no state, so each permit is followed by its reply
 * (TCP: "established", ACK or RST set; ICMP: echo-reply), and one list
 * is applied inbound on every interface the traffic crosses.
 */
#include "acl_int.h"

#include <stdlib.h>

#define IOS_REMARK_MAX 101      /* 100 characters and the NUL */

struct ios_pair {
	struct acl_out *o;
	const struct acl_rule *r;
	enum acl_family f;
	const struct acl_rule *twin[ACL_TWINS_MAX];  /* acl_twins() */
	size_t n_twin;
};

static enum acl_family pass_family(const struct acl_out *o)
{
	return (o->pass & ACL_FAM(ACL_V4)) ? ACL_V4 : ACL_V6;
}

/* "host 192.0.2.10", "192.0.2.0 0.0.0.255", "2001:db8::/48", "any". */
static void end_text(const struct acl_host *h, char *buf, size_t n)
{
	char a[ACL_ADDR_MAX];
	unsigned len;

	if (!h) {
		snprintf(buf, n, "any");
		return;
	}
	acl_host_addr(h, a);
	len = acl_host_len(h);
	if (h->single) {
		snprintf(buf, n, "host %s", a);
	} else if (h->family == ACL_V4) {
		uint32_t w = len ? ~(~UINT32_C(0) << (32 - len)) : ~UINT32_C(0);

		snprintf(buf, n, "%s %u.%u.%u.%u", a, w >> 24, (w >> 16) & 0xff,
			 (w >> 8) & 0xff, w & 0xff);
	} else {
		snprintf(buf, n, "%s/%u", a, len);
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

/* Whether the UDP reply to r's request from sender span i to span j is
   the request of the other direction, from span j to span i (a row from
   sender port 8500 to 8500). */
static bool span_mirrored(const struct acl_rule *r, unsigned i, unsigned j)
{
	unsigned k;
	bool to_i = false, from_j = false;

	if (!r->n_sport || !r->n_dport)
		return false;
	for (k = 0; k < r->n_sport; k++)
		from_j |= r->sport[k].lo == r->dport[j].lo &&
			  r->sport[k].hi == r->dport[j].hi;
	for (k = 0; k < r->n_dport; k++)
		to_i |= r->dport[k].lo == r->sport[i].lo &&
			r->dport[k].hi == r->sport[i].hi;
	return from_j && to_i;
}

/* The UDP spans of r whose reply is a request the other way. */
static unsigned mirrored_spans(const struct acl_rule *r)
{
	unsigned i, j, n = 0;

	for (i = 0; i < r->n_sport; i++)
		for (j = 0; j < r->n_dport; j++)
			n += span_mirrored(r, i, j);
	return n;
}

/* One pair: each transport, source span and destination span, with the
   reply the router must let back, unless that reply is the request of
   the pair the other way (UDP between the same ports), which a rule
   with these ports writes: each entry once. */
static void pair_lines(void *ctx, const struct acl_host *s,
		       const struct acl_host *d)
{
	const struct ios_pair *x = ctx;
	FILE *f = x->o->f;
	const struct acl_rule *r = x->r;
	unsigned p = acl_rule_protos(r, x->f);
	char src[ACL_ADDR_MAX + 32], dst[ACL_ADDR_MAX + 32], sp[32], dp[32];
	unsigned t, i, j;
	bool mirrored = (p & ACL_UDP) && mirrored_spans(r) &&
			acl_pair_mirrored(x->twin, x->n_twin, x->f, s, d);

	end_text(s, src, sizeof(src));
	end_text(d, dst, sizeof(dst));
	for (t = 0; t < 2; t++) {
		if (!(p & (t ? ACL_UDP : ACL_TCP)))
			continue;
		for (i = 0; i < (r->n_sport ? r->n_sport : 1u); i++) {
			port_text(r->n_sport ? &r->sport[i] : NULL, sp, sizeof(sp));
			for (j = 0; j < (r->n_dport ? r->n_dport : 1u); j++) {
				port_text(r->n_dport ? &r->dport[j] : NULL, dp,
					  sizeof(dp));
				fprintf(f, " permit %s %s%s %s%s\n", t ? "udp" : "tcp",
					src, sp, dst, dp);
				if (t && mirrored && span_mirrored(r, i, j))
					continue;
				fprintf(f, " permit %s %s%s %s%s%s\n", t ? "udp" : "tcp",
					dst, dp, src, sp, t ? "" : " established");
			}
		}
	}
	if (p & (ACL_ICMP | ACL_ICMPV6)) {
		fprintf(f, " permit icmp %s %s\n", src, dst);
		fprintf(f, " permit icmp %s %s echo-reply\n", dst, src);
	}
}

static void ios_begin(struct acl_out *o)
{
	if (pass_family(o) == ACL_V4) {
		fprintf(o->f, "ip access-list extended impwatch\n");
		return;
	}
	/* The implicit neighbour discovery permits come after an explicit
	   deny, so they are written, and first: a deny between inventory
	   networks (ios_inventory()) matches the advertisements a node
	   sends the router's own address when a listed network holds it,
	   and without them the router reaches none of its nodes. */
	fprintf(o->f, "ipv6 access-list impwatch-v6\n"
		" remark neighbour discovery, before any deny that could match it\n"
		" permit icmp any any nd-na\n"
		" permit icmp any any nd-ns\n");
}

static void ios_rule(struct acl_out *o, const struct acl_rule *r)
{
	char remark[IOS_REMARK_MAX];
	struct ios_pair x;
	size_t self;
	uint16_t k;

	/* Every pair written above, by rules of the same ports: no remark
	   over no entry. */
	if (!acl_rule_in(o, r, pass_family(o)))
		return;
	for (k = 0; k < r->n_rows; k++) {
		acl_row_remark(o->a, r->rows[k], remark, sizeof(remark));
		fprintf(o->f, " remark %s\n", remark);
	}
	x.o = o;
	x.r = r;
	x.f = pass_family(o);
	x.n_twin = acl_twins(o->a, r, x.twin, &self);
	acl_pairs(o->a, r, x.f, pair_lines, &x);
}

/*
 * Which inventory lines of the pass's family a deny between inventory
 * hosts must cover: 1 a line an entry from "any" below reaches, 2 a line
 * an entry to "any" leaves. A UDP reply is any datagram from the
 * server's port, so it reaches or leaves as an entry does;
 * "established" and echo-reply open nothing. NULL when out of memory
 * (then every line is both).
 */
static uint8_t *inventory_marks(const struct acl_out *o)
{
	const struct acl *a = o->a;
	enum acl_family f = pass_family(o);
	uint8_t *mark = calloc(a->n_lines ? a->n_lines : 1, 1);
	size_t i, j;

	for (i = a->n_inner; mark && i < a->n_rule; i++) {
		const struct acl_rule *r = &a->rule[i];
		uint8_t udp = (acl_rule_protos(r, f) & ACL_UDP) ? 3 : 0;

		if (!(r->families & ACL_FAM(f)))
			continue;
		for (j = 0; j < a->n_lines; j++) {
			const struct acl_host *l = &a->line[j];

			if (r->src == ACL_ANY && acl_host_in(l, r->dst, f))
				mark[j] |= 1 | udp;
			if (r->dst == ACL_ANY && acl_host_in(l, r->src, f))
				mark[j] |= 2 | udp;
		}
	}
	return mark;
}

/*
 * Between two inventory hosts only the entries above: "any" below is the
 * hosts outside. IOS lists name no groups, so this is one entry per pair
 * of inventory lines, and only for the pairs an "any" entry below could
 * match, or its UDP reply: to a line an entry from "any" reaches, from a
 * line an entry to "any" leaves (inventory_marks(); all pairs when out
 * of memory).
 */
static void ios_inventory(struct acl_out *o)
{
	const struct acl *a = o->a;
	const struct acl_host *l = a->line;
	enum acl_family f = pass_family(o);
	char src[ACL_ADDR_MAX + 32], dst[ACL_ADDR_MAX + 32];
	uint8_t *mark = inventory_marks(o);
	size_t i, j;

	fprintf(o->f, " remark between inventory hosts: only the entries above\n");
	for (i = 0; i < a->n_lines; i++) {
		if (l[i].family != f)
			continue;
		end_text(&l[i], src, sizeof(src));
		for (j = 0; j < a->n_lines; j++) {
			if (l[j].family != f || (i == j && l[i].single))
				continue;
			if (mark && !(mark[j] & 1) && !(mark[i] & 2))
				continue;
			end_text(&l[j], dst, sizeof(dst));
			fprintf(o->f, " deny %s %s %s log\n",
				f == ACL_V4 ? "ip" : "ipv6", src, dst);
		}
	}
	free(mark);
}

/* The denies ios_inventory() writes, counted in one walk: from a line
   that reaches "any", to every line; from the others, to the lines
   reached from "any". */
static uint64_t inventory_count(struct acl_out *o)
{
	const struct acl *a = o->a;
	const struct acl_host *l = a->line;
	enum acl_family f = pass_family(o);
	uint8_t *mark = inventory_marks(o);
	uint64_t n = 0, reached = 0;
	size_t i;

	for (i = 0; i < a->n_lines; i++)
		reached += l[i].family == f && (!mark || (mark[i] & 1));
	for (i = 0; i < a->n_lines; i++) {
		bool all = !mark || (mark[i] & 2);

		if (l[i].family != f)
			continue;
		n += all ? a->n_line[f] : reached;
		/* A host is no pair with itself. */
		n -= l[i].single && (all || (mark[i] & 1));
	}
	free(mark);
	return n;
}

static void ios_end(struct acl_out *o)
{
	fprintf(o->f, " remark final deny: not documented between these hosts\n");
	fprintf(o->f, " deny %s any any log\n!\n",
		pass_family(o) == ACL_V4 ? "ip" : "ipv6");
}

/* The UDP replies pair_lines() leaves out in a pass: those that are a
   request the other way. */
static uint64_t mirrored_count(struct acl_out *o)
{
	const struct acl *a = o->a;
	enum acl_family f = pass_family(o);
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < a->n_rule; i++) {
		const struct acl_rule *r = &a->rule[i];
		unsigned k = mirrored_spans(r);

		if (!(r->families & o->pass) || !k ||
		    !(acl_rule_protos(r, f) & ACL_UDP))
			continue;
		n = acl_sat_add(n, acl_sat_mul(k, acl_mirrored_count(a, r, f)));
	}
	return n;
}

/* The entries of a pass (permits and denies; remarks are none): two for
   each transport and port span of each pair (pair_lines()) but the UDP
   replies left out, the denies between inventory hosts, ios_begin()'s
   and ios_end()'s. */
static uint64_t ios_count(struct acl_out *o)
{
	enum acl_family f = pass_family(o);
	uint64_t n = acl_sat_add(f == ACL_V4 ? 1 : 3,
				 acl_sat_mul(2, acl_pass_spans(o)));
	uint64_t m = mirrored_count(o);

	/* Saturated, or a count out of memory: past any bound. */
	n = n == UINT64_MAX || m >= n ? UINT64_MAX : n - m;
	if (o->n_outer)
		n = acl_sat_add(n, inventory_count(o));
	return n;
}

const struct acl_writer acl_writer_ios = {
	.name = "ios",
	.comment = "!",
	.use = "Cisco IOS: apply inbound on each interface the traffic crosses:\n"
	       "  ip access-group impwatch in\n"
	       "  ipv6 traffic-filter impwatch-v6 in\n"
	       "The lists keep no state: each permit is followed by its reply. They\n"
	       "also filter traffic to the router itself: add its own management\n"
	       "and routing before the final deny, which logs.",
	.passes = { ACL_FAM(ACL_V4), ACL_FAM(ACL_V6), 0 },
	.begin = ios_begin,
	.rule = ios_rule,
	.inventory = ios_inventory,
	.end = ios_end,
	.count = ios_count,
};
