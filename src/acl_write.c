/*
 * acl_write.c: the table of rule formats, the driver that runs one over
 * the model, and what the formats share (names, labels, comments).
 */
#include "acl_int.h"

#include <stdarg.h>
#include <string.h>

#include "classify.h"
#include "config.h"
#include "roles.h"
#include "util.h"

/* The formats, one row each (acl_int.h says what a row holds). */
static const struct acl_writer *const writers[] = {
	&acl_writer_nftables,
	&acl_writer_iptables,
	&acl_writer_ip6tables,
	&acl_writer_asa,
	&acl_writer_ios,
};
#define N_WRITERS (sizeof(writers) / sizeof(writers[0]))

const struct acl_writer *acl_writer_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_WRITERS; i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

void acl_writer_names(const char *sep, char *buf, size_t size)
{
	size_t i, n = 0;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < N_WRITERS && n < size; i++) {
		int k = snprintf(buf + n, size - n, "%s%s", i ? sep : "",
				 writers[i]->name);

		if (k < 0)
			return;
		n += (size_t)k;
	}
}

void acl_comment(struct acl_out *o, const char *fmt, ...)
{
	char text[ACL_TEXT_MAX * 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* No blank at the end of an empty comment line. */
	fprintf(o->f, "%s%s%s\n", o->w->comment, text[0] ? " " : "", text);
}

unsigned acl_rule_protos(const struct acl_rule *r, enum acl_family f)
{
	return r->protos & (f == ACL_V4 ? ACL_TCP | ACL_UDP | ACL_ICMP
					: ACL_TCP | ACL_UDP | ACL_ICMPV6);
}

unsigned acl_rule_spans(const struct acl_rule *r, enum acl_family f)
{
	unsigned p = acl_rule_protos(r, f);
	unsigned l4 = !!(p & ACL_TCP) + !!(p & ACL_UDP);

	return l4 * (r->n_sport ? r->n_sport : 1u) *
	       (r->n_dport ? r->n_dport : 1u) +
	       !!(p & (ACL_ICMP | ACL_ICMPV6));
}

/* Keep printable ASCII only, so that a comment can be quoted in any
   format and pasted into a Cisco CLI, where '?' asks for help: quotes,
   backslashes, '?' and the rest become '_'. Cut to size with "...". */
static void safe_text(char *buf, size_t size, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i + 1 < size && i < n; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
			  s[i] != '\\' && s[i] != '?') ? s[i] : '_';
	buf[i] = '\0';
	if (n >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

void acl_rule_label(const struct acl *a, const struct acl_rule *r,
		    char *buf, size_t size)
{
	char text[ACL_TEXT_MAX * 2];
	size_t n = 0;
	uint16_t i;
	int last = -1;
	const char *last_service = "";

	text[0] = '\0';
	for (i = 0; i < r->n_rows && n < sizeof(text); i++) {
		const struct cat_row *row = catalogue_row(a->cat, r->rows[i]);
		int k;

		/* Table 30 names srm-admin-rpc both ways: once is enough. */
		if (row->table == last && strcmp(row->service, last_service) == 0)
			continue;
		if (row->table == last)
			k = snprintf(text + n, sizeof(text) - n, ", %s", row->service);
		else
			k = snprintf(text + n, sizeof(text) - n, "%stable %u %s",
				     last < 0 ? "" : "; ", row->table, row->service);
		if (k < 0)
			break;
		n += (size_t)k;
		last = row->table;
		last_service = row->service;
	}
	safe_text(buf, size, text);
}

void acl_row_remark(const struct acl *a, uint16_t i, char *buf, size_t size)
{
	const struct cat_row *row = catalogue_row(a->cat, i);
	char text[ACL_TEXT_MAX];

	snprintf(text, sizeof(text), "table %u %s: %s", row->table, row->service,
		 row->description);
	safe_text(buf, size, text);
}

void acl_group_name(uint32_t roles, char buf[ACL_NAME_MAX])
{
	char names[512];

	if (roles == CAT_ROLES_ALL) {
		snprintf(buf, ACL_NAME_MAX, "inventory");
		return;
	}
	cat_roles_str(roles, "_", names, sizeof(names));
	/* Room for a prefix and a family suffix within the formats'
	   limits (Cisco ASA: 64 characters). */
	if (strlen(names) > 40)
		snprintf(buf, ACL_NAME_MAX, "roles-%lx", (unsigned long)roles);
	else
		snprintf(buf, ACL_NAME_MAX, "%s", names);
}

void acl_host_addr(const struct acl_host *h, char buf[ACL_ADDR_MAX])
{
	char ip[IP_STR_MAX];

	fmt_ip(&h->e.net, h->family == ACL_V4 ? 4 : 6, ip);
	snprintf(buf, ACL_ADDR_MAX, "%s", ip);
}

unsigned acl_host_len(const struct acl_host *h)
{
	return h->family == ACL_V4 ? h->e.prefix - 96u : h->e.prefix;
}

/* What a row documents, as `impwatch rules` reads: "table 2 sip-proxy
   tcp,udp/5060 sip-gateway <-> imp"; a configurable port with no default
   is '*', a fixed sender port follows "from port". */
static void row_text(const struct acl *a, uint16_t i, char *buf, size_t size)
{
	const struct cat_row *row = catalogue_row(a->cat, i);
	char tr[40] = "", ports[160] = "", from[512], to[512];
	const char *arrow = row->bidir ? " <-> " : " -> ";
	size_t n = 0;
	unsigned k;

	if (row->transports & CT_TLS)
		n += (size_t)snprintf(tr + n, sizeof(tr) - n, "tls");
	else if (row->transports & CT_TCP)
		n += (size_t)snprintf(tr + n, sizeof(tr) - n, "tcp");
	if (row->transports & CT_UDP)
		n += (size_t)snprintf(tr + n, sizeof(tr) - n, "%sudp", n ? "," : "");
	if (row->transports & CT_ICMP)
		n += (size_t)snprintf(tr + n, sizeof(tr) - n, "%sicmp", n ? "," : "");
	if (row->transports & CT_ICMPV6)
		snprintf(tr + n, sizeof(tr) - n, "%sicmpv6", n ? "," : "");
	n = 0;
	if (row->transports & (CT_TCP | CT_UDP | CT_TLS)) {
		n += (size_t)snprintf(ports, sizeof(ports), "/");
		for (k = 0; k < row->n_dport && n < sizeof(ports); k++)
			n += (size_t)snprintf(ports + n, sizeof(ports) - n,
					      row->dport[k].lo == row->dport[k].hi ?
					      "%s%u" : "%s%u-%u", k ? "," : "",
					      row->dport[k].lo, row->dport[k].hi);
		if (row->n_dport == 0 && n < sizeof(ports))
			n += (size_t)snprintf(ports + n, sizeof(ports) - n, "*");
		for (k = 0; row->sport_kind == SPORT_FIXED && k < row->n_sport &&
		     n < sizeof(ports); k++)
			n += (size_t)snprintf(ports + n, sizeof(ports) - n,
					      row->sport[k].lo == row->sport[k].hi ?
					      "%s%u" : "%s%u-%u",
					      k ? "," : " from port ",
					      row->sport[k].lo, row->sport[k].hi);
	}
	cat_roles_str(row->from_roles, ",", from, sizeof(from));
	cat_roles_str(row->to_roles, ",", to, sizeof(to));
	snprintf(buf, size, "table %u %s %s%s %s%s%s%s", row->table, row->service,
		 tr, ports, from, arrow, to,
		 row->sport_kind == SPORT_BIDIRECTIONAL ? " (either side opens)" : "");
}

/* The comment lines of every note of the kinds in mask, under title. */
static void notes_block(struct acl_out *o, unsigned mask, const char *title)
{
	const struct acl *a = o->a;
	char text[ACL_TEXT_MAX * 4], roles[512];
	size_t i;
	bool first = true;

	for (i = 0; i < a->n_note; i++) {
		const struct acl_note *n = &a->note[i];

		if (!(mask & (1u << n->kind)))
			continue;
		if (first) {
			acl_comment(o, "%s", "");
			acl_comment(o, "%s", title);
			first = false;
		}
		row_text(a, n->row, text, sizeof(text));
		switch (n->kind) {
		case ACL_NOTE_NO_HOST:
			cat_roles_str(n->roles, ",", roles, sizeof(roles));
			acl_comment(o, "  %s: no %s in the inventory", text, roles);
			break;
		case ACL_NOTE_NO_PAIR:
			acl_comment(o, "  %s: no two hosts of one address family "
				    "hold these roles", text);
			break;
		case ACL_NOTE_OUTSIDE:
			acl_comment(o, "  %s: only hosts outside the inventory "
				    "hold these roles", text);
			break;
		default:
			acl_comment(o, "  %s", text);
			break;
		}
	}
}

/* Why the observed records may leave flows out (acl_observe_end()),
   as safe text: the reasons quote the records. */
static void partial_block(struct acl_out *o)
{
	const struct acl_observed *st = &o->a->obs;
	char text[ACL_TEXT_MAX];
	uint64_t k;

	if (!st->n_partial)
		return;
	acl_comment(o, "PARTIAL: the observed records may not hold every "
		    "flow:");
	for (k = 0; k < st->n_partial && k < ACL_PARTIAL_KEEP; k++) {
		safe_text(text, sizeof(text), st->partial[k]);
		acl_comment(o, "  %s", text);
	}
	if (st->n_partial > ACL_PARTIAL_KEEP)
		acl_comment(o, "  and %llu more", (unsigned long long)
			    (st->n_partial - ACL_PARTIAL_KEEP));
	acl_comment(o, "  A rule a documented flow needs may be missing here.");
}

/* What the output is, where it came from, and how to load it. */
static void header(struct acl_out *o, const struct acl_source *src)
{
	const struct acl *a = o->a;
	const char *p, *e;
	char name[ACL_TEXT_MAX];
	size_t i, n4 = a->n_line[ACL_V4], n6 = a->n_line[ACL_V6];

	/* File names as safe text: a line end in one must not end the
	   comment and start a rule. */
	safe_text(name, sizeof(name), src->hosts);
	acl_comment(o, "impwatch acl --format %s", o->w->name);
	acl_comment(o, "The permits the port catalogue documents between the hosts of");
	acl_comment(o, "%s: %zu line%s, %zu IPv4 and %zu IPv6.", name,
		    n4 + n6, PLURAL(n4 + n6), n4, n6);
	safe_text(name, sizeof(name), src->rules ? src->rules : "the built-in one");
	acl_comment(o, "Catalogue: %s, %zu rows%s", name, catalogue_count(a->cat),
		    src->n_rules_add ? ", with the rows of:" : ".");
	for (i = 0; i < src->n_rules_add; i++) {
		safe_text(name, sizeof(name), src->rules_add[i]);
		acl_comment(o, "  %s", name);
	}
	acl_comment(o, "One rule per row and direction, both ways for \"<->\" rows and");
	acl_comment(o, "table 30's bidirectional ones; one rule for rows that give the same");
	acl_comment(o, "or part of what another gives, each entry once.");
	acl_comment(o, "\"any\" is a host outside the inventory, on a side any host may hold");
	acl_comment(o, "('impwatch roles'); inventory hosts are held to their roles. Replies");
	acl_comment(o, "pass as the format keeps state; everything else meets the final deny.");
	if (a->used) {
		acl_comment(o, "Observed: %llu flow records in %u file%s, %llu documented: %llu",
			    (unsigned long long)a->obs.records, a->obs.files,
			    PLURAL(a->obs.files),
			    (unsigned long long)a->obs.documented,
			    (unsigned long long)a->obs.used);
		acl_comment(o, "  used a row of this inventory, %llu on loopback (no rule between",
			    (unsigned long long)a->obs.loopback);
		acl_comment(o, "  hosts), %llu had roles no row allows, %llu a port no row of this",
			    (unsigned long long)a->obs.wrong_roles,
			    (unsigned long long)a->obs.no_row);
		acl_comment(o, "  catalogue documents. Only rows used have rules.");
		partial_block(o);
	}
	for (p = o->w->use; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		acl_comment(o, "%.*s", (int)(e - p), p);
	}
	notes_block(o, 1u << ACL_NOTE_LOCALHOST,
		    "Localhost traffic only: no rule between hosts");
	notes_block(o, (1u << ACL_NOTE_NO_HOST) | (1u << ACL_NOTE_NO_PAIR) |
		    (1u << ACL_NOTE_OUTSIDE),
		    "No rule for this inventory");
	notes_block(o, 1u << ACL_NOTE_UNUSED,
		    "Documented, never used by the observed flows: no rule");
	acl_comment(o, "%s", "");
}

/* o set for pass `pass` of its writer. */
static void pass_start(struct acl_out *o, unsigned pass)
{
	const struct acl *a = o->a;
	size_t i;

	o->pass = pass;
	o->n_outer = 0;
	for (i = a->n_inner; i < a->n_rule; i++)
		o->n_outer += (a->rule[i].families & o->pass) != 0;
}

bool acl_rule_in(const struct acl_out *o, const struct acl_rule *r,
		 enum acl_family f)
{
	return (r->families & o->pass & ACL_FAM(f)) &&
	       acl_pair_count(o->a, r, f) > 0;
}

uint64_t acl_pass_spans(const struct acl_out *o)
{
	const struct acl *a = o->a;
	enum acl_family f = (o->pass & ACL_FAM(ACL_V4)) ? ACL_V4 : ACL_V6;
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < a->n_rule; i++) {
		const struct acl_rule *r = &a->rule[i];

		if (r->families & o->pass)
			n = acl_sat_add(n, acl_sat_mul(acl_pair_count(a, r, f),
						       acl_rule_spans(r, f)));
	}
	return n;
}

uint64_t acl_count(const struct acl *a, const struct acl_writer *w)
{
	struct acl_out o;
	const unsigned *pass;
	uint64_t n = 0;

	if (!w->count)
		return 0;
	memset(&o, 0, sizeof(o));
	o.a = a;
	o.w = w;
	for (pass = w->passes; *pass; pass++) {
		pass_start(&o, *pass);
		n = acl_sat_add(n, w->count(&o));
	}
	return n;
}

void acl_write(const struct acl *a, const struct acl_writer *w,
	       const struct acl_source *src, FILE *out)
{
	struct acl_out o;
	const unsigned *pass;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.a = a;
	o.w = w;
	o.f = out;
	header(&o, src);
	for (pass = w->passes; *pass; pass++) {
		pass_start(&o, *pass);
		w->begin(&o);
		for (i = 0; i < a->n_inner; i++)
			if (a->rule[i].families & o.pass)
				w->rule(&o, &a->rule[i]);
		if (o.n_outer && w->inventory)
			w->inventory(&o);
		for (i = a->n_inner; i < a->n_rule; i++)
			if (a->rule[i].families & o.pass)
				w->rule(&o, &a->rule[i]);
		w->end(&o);
	}
}
