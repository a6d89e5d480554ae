/*
 * test_acl.c: the rules `impwatch acl` derives from a catalogue and an
 * inventory (pairs, directions, ports, open roles, localhost rows, notes,
 * merging), the --observed narrowing, and what the writers make of them.
 * Small catalogues written here, so that each case shows one rule.
 */
#define _GNU_SOURCE             /* open_memstream, fmemopen */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "acl.h"
#include "classify.h"
#include "config.h"

#define BIT(r) (UINT32_C(1) << (r))

struct fx {
	struct catalogue *cat;
	struct hosts *h;
	struct acl *a;
	char *text;             /* the last render */
};

static struct fx *fx_new(const char *conf, const char *inv)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->cat = catalogue_new();
	assert_non_null(x->cat);
	assert_int_equal(catalogue_parse(x->cat, "t.conf", conf, strlen(conf),
					 false, stderr), 0);
	assert_int_equal(catalogue_build(x->cat, stderr), 0);
	x->h = hosts_parse("t.hosts", inv, strlen(inv), stderr);
	assert_non_null(x->h);
	x->a = acl_new(x->cat, x->h);
	assert_non_null(x->a);
	return x;
}

static void fx_free(struct fx *x)
{
	free(x->text);
	acl_free(x->a);
	hosts_free(x->h);
	catalogue_free(x->cat);
	free(x);
}

/* The model built and written in format fmt. */
static const char *render(struct fx *x, const char *fmt)
{
	struct acl_source src = { "t.hosts", NULL, NULL, 0 };
	const struct acl_writer *w = acl_writer_find(fmt);
	size_t n;
	FILE *f;

	assert_non_null(w);
	free(x->text);
	f = open_memstream(&x->text, &n);
	assert_non_null(f);
	acl_write(x->a, w, &src, f);
	fclose(f);
	return x->text;
}

static const struct acl_rule *rule_of(const struct acl *a, uint32_t src,
				      uint32_t dst, uint16_t dport)
{
	size_t i;

	for (i = 0; i < a->n_rule; i++) {
		const struct acl_rule *r = &a->rule[i];

		if (r->src == src && r->dst == dst &&
		    (r->n_dport ? r->dport[0].lo : 0) == dport)
			return r;
	}
	return NULL;
}

static const struct acl_note *note_of(const struct acl *a, size_t row)
{
	size_t i;

	for (i = 0; i < a->n_note; i++)
		if (a->note[i].row == row)
			return &a->note[i];
	return NULL;
}

#define IMP  BIT(ROLE_IMP)
#define PUB  BIT(ROLE_IMP_PUBLISHER)
#define CUCM BIT(ROLE_CUCM)

static const char *const INV =
	"imp-publisher   192.0.2.10       pub\n"
	"imp-subscriber  192.0.2.11       sub\n"
	"cucm            192.0.2.20       cucm\n"
	"imp             198.51.100.0/26  lab\n"
	"imp-publisher   2001:db8::10     pub6\n";

struct pairs {
	char seen[16][80];
	size_t n;
};

static void collect(void *ctx, const struct acl_host *s, const struct acl_host *d)
{
	struct pairs *p = ctx;

	if (p->n < 16)
		snprintf(p->seen[p->n++], sizeof(p->seen[0]), "%s>%s",
			 s ? s->e.name : "any", d ? d->e.name : "any");
}

static bool has_pair(const struct pairs *p, const char *pair)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->seen[i], pair) == 0)
			return true;
	return false;
}

/* Every ordered pair of distinct imp lines, a network with itself, never
   a host with itself, never across address families. */
static void test_pairs(void **state)
{
	struct fx *x = fx_new("6 | hb | imp -> imp | TCP | tcp | 8600 | ephemeral | wire | - | heartbeat\n", INV);
	const struct acl_rule *r;
	struct pairs p;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_int_equal(x->a->n_rule, 1);
	r = rule_of(x->a, IMP, IMP, 8600);
	assert_non_null(r);
	assert_int_equal(r->families, ACL_FAM(ACL_V4));
	memset(&p, 0, sizeof(p));
	assert_int_equal(acl_pairs(x->a, r, ACL_V4, collect, &p), 7);
	assert_true(has_pair(&p, "pub>sub"));
	assert_true(has_pair(&p, "sub>pub"));
	assert_true(has_pair(&p, "pub>lab"));
	assert_true(has_pair(&p, "lab>lab"));
	assert_false(has_pair(&p, "pub>pub"));
	assert_false(has_pair(&p, "sub>sub"));
	/* The IPv6 publisher has no IPv6 peer. */
	assert_int_equal(acl_pairs(x->a, r, ACL_V6, NULL, NULL), 0);
	render(x, "iptables");
	assert_non_null(strstr(x->text, "-A impwatch-forward -s 192.0.2.10/32 -d 192.0.2.11/32 -p tcp -m tcp --dport 8600"));
	assert_null(strstr(x->text, "-s 192.0.2.10/32 -d 192.0.2.10/32"));
	assert_non_null(strstr(x->text, "-s 198.51.100.0/26 -d 198.51.100.0/26 -p tcp"));
	fx_free(x);
}

/* "->" one way; "<->" and table 30's bidirectional rows both ways. */
static void test_directions(void **state)
{
	struct fx *x = fx_new(
		"10 | one-way | cucm -> imp-publisher | TCP | tcp | 4040 | ephemeral | wire | - | one way\n"
		"17 | both | imp <-> cucm | TCP | tcp | 4041 | ephemeral | wire | - | both ways\n"
		"30 | either | cucm -> imp-publisher | TCP | tcp | 4042 | bidirectional | wire | - | either opens\n",
		INV);

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_non_null(rule_of(x->a, CUCM, PUB, 4040));
	assert_null(rule_of(x->a, PUB, CUCM, 4040));
	assert_non_null(rule_of(x->a, IMP, CUCM, 4041));
	assert_non_null(rule_of(x->a, CUCM, IMP, 4041));
	assert_non_null(rule_of(x->a, CUCM, PUB, 4042));
	assert_non_null(rule_of(x->a, PUB, CUCM, 4042));
	assert_int_equal(x->a->n_rule, 5);
	render(x, "nftables");
	assert_non_null(strstr(x->text, "ip saddr 192.0.2.20 ip daddr 192.0.2.10 tcp dport 4040 accept comment \"table 10 one-way\""));
	assert_null(strstr(x->text, "ip saddr 192.0.2.10 ip daddr 192.0.2.20 tcp dport 4040"));
	assert_non_null(strstr(x->text, "ip saddr 192.0.2.10 ip daddr 192.0.2.20 tcp dport 4042"));
	fx_free(x);
}

/* Ranges stay ranges; a fixed sender port is matched; several ports. */
static void test_ports(void **state)
{
	struct fx *x = fx_new(
		"31 | call | cucm -> imp-publisher | TCP | tcp | 5070 | 37240-61000 | wire | - | fixed sender range\n"
		"12 | agent | cucm -> imp | SNMP | udp | 161, 8161 | ephemeral | wire | - | two ports\n"
		"9 | range | cucm -> imp-publisher | TCP | tcp | 8000-8010 | ephemeral | wire | - | a range\n",
		INV);
	const struct acl_rule *r;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	r = rule_of(x->a, CUCM, PUB, 5070);
	assert_non_null(r);
	assert_int_equal(r->n_sport, 1);
	assert_int_equal(r->sport[0].lo, 37240);
	assert_int_equal(r->sport[0].hi, 61000);
	r = rule_of(x->a, CUCM, PUB, 8000);
	assert_non_null(r);
	assert_int_equal(r->dport[0].hi, 8010);
	assert_int_equal(r->n_sport, 0);
	render(x, "nftables");
	assert_non_null(strstr(x->text, "tcp sport 37240-61000 tcp dport 5070 accept"));
	assert_non_null(strstr(x->text, "udp dport { 161, 8161 } accept"));
	assert_non_null(strstr(x->text, "tcp dport 8000-8010 accept"));
	render(x, "iptables");
	assert_non_null(strstr(x->text, "--sport 37240:61000 --dport 5070"));
	assert_non_null(strstr(x->text, "--dport 8000:8010"));
	render(x, "ios");
	assert_non_null(strstr(x->text, " permit tcp host 192.0.2.20 range 37240 61000 host 192.0.2.10 eq 5070\n"));
	assert_non_null(strstr(x->text, " permit tcp host 192.0.2.10 eq 5070 host 192.0.2.20 range 37240 61000 established\n"));
	assert_non_null(strstr(x->text, " permit tcp host 192.0.2.20 host 192.0.2.10 range 8000 8010\n"));
	render(x, "asa");
	assert_non_null(strstr(x->text, "extended permit tcp host 192.0.2.20 range 37240 61000 host 192.0.2.10 eq 5070\n"));
	assert_non_null(strstr(x->text, "extended permit udp host 192.0.2.20 object-group impwatch-imp-v4 eq 161\n"));
	assert_non_null(strstr(x->text, "extended permit udp host 192.0.2.20 object-group impwatch-imp-v4 eq 8161\n"));
	fx_free(x);
}

/* A side any host may hold is "any" outside the inventory, and the
   inventory's hosts are held to their roles; a side only the inventory
   can hold, with nobody holding it, gives no rule and says so. */
static void test_open_roles(void **state)
{
	struct fx *x = fx_new(
		"4 | web | browser -> imp | HTTP | tcp | 8080 | ephemeral | wire | - | web\n"
		"23 | oracle | imp -> oracle-db | TCP | tcp | 1521 | ephemeral | wire | - | oracle\n"
		"15 | dns | imp -> dns-server | DNS | udp | 53 | ephemeral | wire | - | dns\n",
		INV);
	const struct acl_note *n;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_non_null(rule_of(x->a, ACL_ANY, IMP, 8080));
	assert_non_null(rule_of(x->a, IMP, ACL_ANY, 53));
	assert_null(rule_of(x->a, IMP, ACL_ANY, 1521));
	n = note_of(x->a, 1);
	assert_non_null(n);
	assert_int_equal(n->kind, ACL_NOTE_NO_HOST);
	assert_int_equal(n->roles, BIT(ROLE_ORACLE_DB));
	assert_int_equal(x->a->n_inner, 0);
	/* IPv4 and IPv6 imp hosts: "any" of each family. */
	assert_int_equal(rule_of(x->a, ACL_ANY, IMP, 8080)->families,
			 ACL_FAM(ACL_V4) | ACL_FAM(ACL_V6));
	render(x, "nftables");
	assert_non_null(strstr(x->text, "ip saddr != @inventory_v4 ip daddr @imp_v4 tcp dport 8080 accept"));
	assert_non_null(strstr(x->text, "ip6 saddr != 2001:db8::10 ip6 daddr 2001:db8::10 tcp dport 8080 accept"));
	assert_non_null(strstr(x->text, "table 23 oracle tcp/1521 imp -> oracle-db: no oracle-db in the inventory"));
	render(x, "asa");
	assert_non_null(strstr(x->text, "extended deny ip object-group impwatch-inventory-v4 object-group impwatch-inventory-v4 log\n"
				"access-list impwatch remark table 4 web: web\n"
				"access-list impwatch extended permit tcp any4 object-group impwatch-imp-v4 eq 8080\n"));
	render(x, "ios");
	assert_non_null(strstr(x->text, " deny ip host 192.0.2.20 host 192.0.2.10 log\n"));
	assert_non_null(strstr(x->text, " permit tcp any host 192.0.2.10 eq 8080\n"));
	render(x, "iptables");
	assert_non_null(strstr(x->text, "-A impwatch-forward -s 192.0.2.20/32 -m comment --comment \"from an inventory host: held to its roles\" -j impwatch-inventory\n"));
	assert_non_null(strstr(x->text, "-A impwatch-inventory -d 192.0.2.10/32 -j impwatch-deny\n"));
	assert_non_null(strstr(x->text, "-A impwatch-forward -d 192.0.2.10/32 -p tcp -m tcp --dport 8080 "));
	fx_free(x);
}

/* IOS lists deny between inventory hosts only what an "any" entry
   could otherwise let through: traffic to the hosts "any" reaches. */
static void test_ios_inventory(void **state)
{
	struct fx *x = fx_new(
		"4 | web | browser -> imp | HTTP | tcp | 8080 | ephemeral | wire | - | web\n",
		"imp 192.0.2.10 imp\ncucm 192.0.2.20 cucm\ndirectory 192.0.2.40 ldap\n");

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	render(x, "ios");
	assert_non_null(strstr(x->text, " deny ip host 192.0.2.20 host 192.0.2.10 log\n"));
	assert_non_null(strstr(x->text, " deny ip host 192.0.2.40 host 192.0.2.10 log\n"));
	assert_null(strstr(x->text, " deny ip host 192.0.2.20 host 192.0.2.40 log\n"));
	assert_null(strstr(x->text, " deny ip host 192.0.2.10 host 192.0.2.20 log\n"));
	assert_null(strstr(x->text, " deny ip host 192.0.2.10 host 192.0.2.10 log\n"));
	fx_free(x);
}

/* ... and what the reply of an "any" entry could let through: a router
   list keeps no state, so a UDP reply is any datagram from the server's
   port. "permit udp host 192.0.2.10 eq 5060 any" let the IM&P node send
   CUCM any datagram from 5060, which no row documents between them; TCP
   replies are "established" and ICMP's echo-reply, which open nothing. */
static void test_ios_inventory_replies(void **state)
{
	static const char *const inv = "imp 192.0.2.10 imp\n"
		"cucm 192.0.2.20 cucm\ndirectory 192.0.2.40 ldap\n";
	struct fx *x = fx_new(
		"2 | sip | sip-gateway -> imp | SIP | udp | 5060 | ephemeral | wire | - | sip\n",
		inv);
	const char *deny, *reply;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	render(x, "ios");
	reply = strstr(x->text, " permit udp host 192.0.2.10 eq 5060 any\n");
	deny = strstr(x->text, " deny ip host 192.0.2.10 host 192.0.2.20 log\n");
	assert_non_null(reply);
	assert_non_null(deny);
	assert_true(deny < reply);
	assert_non_null(strstr(x->text, " deny ip host 192.0.2.10 host 192.0.2.40 log\n"));
	/* Nothing from "any" reaches CUCM or the directory, or leaves them. */
	assert_null(strstr(x->text, " deny ip host 192.0.2.20 host 192.0.2.40 log\n"));
	assert_null(strstr(x->text, " deny ip host 192.0.2.40 host 192.0.2.20 log\n"));
	fx_free(x);
	/* The DNS reply: any datagram from port 53 to the IM&P node. */
	x = fx_new("15 | dns | imp -> dns-server | DNS | udp | 53 | ephemeral | wire | - | dns\n",
		   inv);
	assert_int_equal(acl_build(x->a), 0);
	render(x, "ios");
	reply = strstr(x->text, " permit udp any eq 53 host 192.0.2.10\n");
	deny = strstr(x->text, " deny ip host 192.0.2.20 host 192.0.2.10 log\n");
	assert_non_null(reply);
	assert_non_null(deny);
	assert_true(deny < reply);
	assert_null(strstr(x->text, " deny ip host 192.0.2.20 host 192.0.2.40 log\n"));
	fx_free(x);
}

/* Localhost-only rows and roles held by one host only: no rule, each
   said in a comment. A port the site chooses, known by its sender port:
   a rule on that port alone. */
static void test_notes(void **state)
{
	struct fx *x = fx_new(
		"7 | cert | imp -> imp | TCP | tcp | 7070 | ephemeral | localhost | - | local\n"
		"12 | trap | imp -> imp | SNMP | udp | configurable | 61441 | wire | - | by sender port\n"
		"30 | one | imp-subscriber -> imp-subscriber | TCP | tcp | 44000 | ephemeral | wire | - | one host\n",
		INV);
	const struct acl_rule *r;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_int_equal(note_of(x->a, 0)->kind, ACL_NOTE_LOCALHOST);
	assert_null(note_of(x->a, 1));
	assert_int_equal(note_of(x->a, 2)->kind, ACL_NOTE_NO_PAIR);
	assert_int_equal(x->a->n_rule, 1);
	r = &x->a->rule[0];
	assert_int_equal(r->n_dport, 0);
	assert_int_equal(r->n_sport, 1);
	assert_int_equal(r->sport[0].lo, 61441);
	render(x, "nftables");
	assert_non_null(strstr(x->text, "# Localhost traffic only: no rule between hosts\n#   table 7 cert tcp/7070 imp -> imp\n"));
	assert_non_null(strstr(x->text, "#   table 30 one tcp/44000 imp-subscriber -> imp-subscriber: no two hosts of one address family hold these roles\n"));
	assert_non_null(strstr(x->text, "udp sport 61441 accept"));
	assert_null(strstr(x->text, "7070 accept"));
	render(x, "ios");
	assert_non_null(strstr(x->text, "!   table 7 cert tcp/7070 imp -> imp\n"));
	fx_free(x);
}

/* Rows that give the same rule are one rule naming both. */
static void test_merge(void **state)
{
	struct fx *x = fx_new(
		"25 | repl | imp -> imp | TCP | tcp | 6603 | ephemeral | wire | - | replication\n"
		"26 | sql | imp -> imp | TCP | tcp | 6603 | ephemeral | wire | - | sql\n"
		"26 | other | imp -> imp | TCP | tcp | 6604 | ephemeral | wire | - | other port\n",
		INV);
	const struct acl_rule *r;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_int_equal(x->a->n_rule, 2);
	r = rule_of(x->a, IMP, IMP, 6603);
	assert_int_equal(r->n_rows, 2);
	render(x, "nftables");
	assert_non_null(strstr(x->text, "tcp dport 6603 accept comment \"table 25 repl; table 26 sql\"\n"));
	render(x, "asa");
	assert_non_null(strstr(x->text, "remark table 25 repl: replication\naccess-list impwatch remark table 26 sql: sql\n"));
	fx_free(x);
}

static void assert_counted(struct fx *x);

/* The entry lines of text (those starting with one of the prefixes),
   with what a comment adds cut off: how many are written twice. */
static size_t duplicate_entries(const char *text, const char *const *pre)
{
	char *copy = strdup(text), *line[4096], *p, *save = NULL;
	size_t n = 0, i, j, dup = 0, k;

	assert_non_null(copy);
	for (p = strtok_r(copy, "\n", &save); p && n < 4096;
	     p = strtok_r(NULL, "\n", &save)) {
		char *c = strstr(p, " -m comment ");

		if (!c)
			c = strstr(p, " comment \"");
		if (c)
			*c = '\0';
		for (k = 0; pre[k]; k++)
			if (strncmp(p, pre[k], strlen(pre[k])) == 0) {
				line[n++] = p;
				break;
			}
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(line[i], line[j]) == 0) {
				dup++;
				break;
			}
	free(copy);
	return dup;
}

/* Rows whose pairs another row of the same transports and ports already
   gives are written once, in every format: table 30 names one direction
   between publisher and subscriber of what table 25 gives every imp
   pair, and table 9's UDP request from sender port 8500 to 8500 is the
   reply IOS writes for the other direction. They were each written
   twice (52 of 764 IOS entries for the acl suite's site). */
static void test_covered_merge(void **state)
{
	static const char *const ipt[] = { "-A ", NULL };
	static const char *const ios[] = { " permit ", " deny ", NULL };
	static const char *const asa[] = { "access-list impwatch extended ", NULL };
	static const char *const nft[] = { "\t\tip saddr", "\t\tip6 saddr",
					   "\t\tip daddr", "\t\tip6 daddr", NULL };
	struct fx *x = fx_new(
		"9 | mgr | imp -> imp | TCP | udp | 8500 | 8500 | wire | - | manager\n"
		"25 | dual | imp -> imp | TCP | tcp | 9003 | ephemeral | wire | - | replication\n"
		"30 | dual | imp-subscriber -> imp-publisher | TCP | tcp | 9003 | bidirectional | wire | - | sub to pub\n",
		"imp-publisher 192.0.2.10 pub\nimp-subscriber 192.0.2.11 sub\n"
		"imp-publisher 2001:db8::10 pub6\nimp-subscriber 2001:db8::11 sub6\n");
	const struct acl_rule *r;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_int_equal(x->a->n_rule, 2);
	r = rule_of(x->a, IMP, IMP, 9003);
	assert_non_null(r);
	assert_int_equal(r->n_rows, 2);
	render(x, "nftables");
	assert_int_equal(duplicate_entries(x->text, nft), 0);
	assert_non_null(strstr(x->text, "tcp dport 9003 accept comment \"table 25 dual; table 30 dual\"\n"));
	render(x, "iptables");
	assert_int_equal(duplicate_entries(x->text, ipt), 0);
	render(x, "ip6tables");
	assert_int_equal(duplicate_entries(x->text, ipt), 0);
	render(x, "asa");
	assert_int_equal(duplicate_entries(x->text, asa), 0);
	render(x, "ios");
	assert_int_equal(duplicate_entries(x->text, ios), 0);
	/* Both directions of UDP 8500 to 8500 still pass: each request is
	   the other's reply. */
	assert_non_null(strstr(x->text, " permit udp host 192.0.2.10 eq 8500 host 192.0.2.11 eq 8500\n"));
	assert_non_null(strstr(x->text, " permit udp host 192.0.2.11 eq 8500 host 192.0.2.10 eq 8500\n"));
	assert_counted(x);
	fx_free(x);
}

/* Rows whose pairs overlap, neither holding the other's (table 29's echo
   to imp from endpoints and imp, and from imp to both): iptables and IOS,
   which write pairs, write the pairs they share once, under the first;
   the counts follow. Each imp pair was written twice. */
static void test_common_pairs(void **state)
{
	static const char *const ipt[] = { "-A ", NULL };
	static const char *const ios[] = { " permit ", " deny ", NULL };
	struct fx *x = fx_new(
		"29 | echo | endpoint,imp -> imp | ICMP | icmp | - | ephemeral | wire | - | to imp\n"
		"29 | echo | imp -> endpoint,imp | ICMP | icmp | - | ephemeral | wire | - | from imp\n",
		"imp 192.0.2.10 a\nimp 192.0.2.11 b\nendpoint 192.0.2.50 c\n");

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	render(x, "iptables");
	assert_int_equal(duplicate_entries(x->text, ipt), 0);
	assert_non_null(strstr(x->text, "-s 192.0.2.10/32 -d 192.0.2.11/32 -p icmp -m comment --comment \"table 29 echo\""));
	assert_non_null(strstr(x->text, "-s 192.0.2.50/32 -d 192.0.2.10/32 -p icmp "));
	assert_non_null(strstr(x->text, "-s 192.0.2.10/32 -d 192.0.2.50/32 -p icmp "));
	render(x, "ios");
	assert_int_equal(duplicate_entries(x->text, ios), 0);
	assert_counted(x);
	fx_free(x);
}

/* ICMP is IPv4's, ICMPv6 IPv6's; each format's keyword. */
static void test_icmp(void **state)
{
	struct fx *x = fx_new(
		"17 | icmp | imp-publisher <-> imp-publisher | ICMP | icmp,icmpv6 | - | ephemeral | wire | - | icmp\n",
		"imp-publisher 192.0.2.10 a\nimp-publisher 192.0.2.11 b\n"
		"imp-publisher 2001:db8::10 c\nimp-publisher 2001:db8::11 d\n");

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_int_equal(x->a->n_rule, 1);
	assert_int_equal(x->a->rule[0].families, ACL_FAM(ACL_V4) | ACL_FAM(ACL_V6));
	render(x, "nftables");
	assert_non_null(strstr(x->text, "ip saddr @imp-publisher_v4 ip daddr @imp-publisher_v4 meta l4proto icmp accept"));
	assert_non_null(strstr(x->text, "ip6 saddr @imp-publisher_v6 ip6 daddr @imp-publisher_v6 meta l4proto ipv6-icmp accept"));
	render(x, "asa");
	assert_non_null(strstr(x->text, "extended permit icmp object-group impwatch-imp-publisher-v4 object-group impwatch-imp-publisher-v4\n"));
	assert_non_null(strstr(x->text, "extended permit icmp6 object-group impwatch-imp-publisher-v6 object-group impwatch-imp-publisher-v6\n"));
	render(x, "ip6tables");
	assert_non_null(strstr(x->text, "-s 2001:db8::10/128 -d 2001:db8::11/128 -p ipv6-icmp "));
	assert_null(strstr(x->text, "192.0.2."));
	render(x, "ios");
	assert_non_null(strstr(x->text, "ipv6 access-list impwatch-v6\n"));
	assert_non_null(strstr(x->text, " permit icmp host 2001:db8::10 host 2001:db8::11\n permit icmp host 2001:db8::11 host 2001:db8::10 echo-reply\n"));
	/* Neighbour discovery first, before any deny that could match it. */
	assert_non_null(strstr(x->text, "ipv6 access-list impwatch-v6\n"
			       " remark neighbour discovery, before any deny that could match it\n"
			       " permit icmp any any nd-na\n permit icmp any any nd-ns\n"));
	assert_non_null(strstr(x->text, " remark final deny: not documented between these hosts\n"
			       " deny ipv6 any any log\n"));
	fx_free(x);
}

/* Ends held by the same inventory lines are the same end: table 29's
   two echo rows are one rule between inventory hosts, naming both (the
   "any" rules differ: only one side of each may be any host). */
static void test_same_hosts_merge(void **state)
{
	struct fx *x = fx_new(
		"29 | echo | endpoint,imp -> imp | ICMP | icmp | - | ephemeral | wire | - | to imp\n"
		"29 | echo | imp -> endpoint,imp | ICMP | icmp | - | ephemeral | wire | - | from imp\n",
		"imp 192.0.2.10 a\nimp 192.0.2.11 b\n");

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_int_equal(x->a->n_inner, 1);
	assert_int_equal(x->a->rule[0].n_rows, 2);
	assert_int_equal(x->a->n_rule, 3);
	assert_non_null(rule_of(x->a, ACL_ANY, IMP, 0));
	assert_non_null(rule_of(x->a, IMP, ACL_ANY, 0));
	fx_free(x);
}

/* Groups of the same hosts are declared once. */
static void test_group_alias(void **state)
{
	struct fx *x = fx_new(
		"29 | echo | imp,endpoint -> imp | ICMP | icmp | - | ephemeral | wire | - | echo\n"
		"6 | hb | imp -> imp | TCP | tcp | 8600 | ephemeral | wire | - | heartbeat\n",
		"imp 192.0.2.10 a\nimp 192.0.2.11 b\n");
	const char *t;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	assert_int_equal(x->a->n_group, 1);
	t = render(x, "asa");
	assert_non_null(strstr(t, "object-group network impwatch-imp_endpoint-v4\n"));
	assert_null(strstr(t, "object-group network impwatch-imp-v4\n"));
	assert_non_null(strstr(t, "permit tcp object-group impwatch-imp_endpoint-v4 object-group impwatch-imp_endpoint-v4 eq 8600\n"));
	fx_free(x);
}

static const char *const OBS_CONF =
	"4 | axl | browser -> imp | HTTPS | tls | 8443 | ephemeral | wire | - | axl\n"
	"4 | admin | browser -> imp | HTTPS | tls | 8443 | ephemeral | wire | - | admin\n"
	"30 | admin | cucm -> imp-publisher | TCP | tcp | 8443 | bidirectional | wire | - | cucm admin\n"
	"22 | xmpp | xmpp-client -> imp | TCP | tcp | 5222 | ephemeral | wire | - | xmpp\n"
	"6 | hb | imp -> imp | TCP | tcp | 8600 | ephemeral | wire | - | heartbeat\n";

/* acl_observe() of len bytes of text (which may hold NUL bytes), its
   messages in err. */
static int observe_n(struct fx *x, const char *text, size_t len, char *err,
		     size_t errsize)
{
	FILE *in = fmemopen((void *)text, len, "r");
	FILE *e = fmemopen(err, errsize, "w");
	int rc;

	assert_non_null(in);
	assert_non_null(e);
	memset(err, 0, errsize);
	rc = acl_observe(x->a, "obs.json", in, e);
	fclose(in);
	fclose(e);
	return rc;
}

static int observe(struct fx *x, const char *text, char *err, size_t errsize)
{
	return observe_n(x, text, strlen(text), err, errsize);
}

/* What a summary of a whole, healthy run says of it. */
#define SUMMARY_OK \
	"\"inconclusive\":[],\"exit_status\":0,\"health\":{\"status\":\"ok\"}"

/* Only the rows documented flows used; the others listed, unused. */
static void test_observed(void **state)
{
	struct fx *x = fx_new(OBS_CONF, INV);
	char err[512];

	(void)state;
	assert_int_equal(observe(x,
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.5\",\"client_port\":50000,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":5222,\"service\":\"xmpp\",\"tables\":[22],\"verdict\":\"documented\"}\n"
		"\n"
		/* Named tomcat's axl, made without an inventory: cucm is no
		   browser here, so the flow used table 30's row. */
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"192.0.2.20\",\"client_port\":50001,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":8443,\"service\":\"axl\",\"tables\":[4,30],\"verdict\":\"documented\"}\n"
		/* Not documented: no row for it. */
		"{\"type\":\"flow\",\"transport\":\"udp\",\"client_ip\":\"192.0.2.11\",\"client_port\":50002,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":8600,\"service\":null,\"tables\":[],\"verdict\":\"undocumented\"}\n"
		/* Documented then, but cucm holds no role of row 6 here. */
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"192.0.2.20\",\"client_port\":50003,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":8600,\"service\":\"hb\",\"tables\":[6],\"verdict\":\"documented\"}\n"
		"{\"type\":\"alert\",\"verdict\":\"undocumented\"}\n"
		"{\"type\":\"summary\",\"flows\":4," SUMMARY_OK "}\r\n", err,
		sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(acl_observe_end(x->a), 0);
	assert_int_equal(x->a->obs.records, 4);
	assert_int_equal(x->a->obs.documented, 3);
	assert_int_equal(x->a->obs.used, 2);
	assert_int_equal(x->a->obs.wrong_roles, 1);
	assert_true(x->a->used[3]);
	assert_true(x->a->used[2]);
	assert_false(x->a->used[0]);
	assert_int_equal(acl_build(x->a), 0);
	assert_non_null(rule_of(x->a, ACL_ANY, IMP, 5222));
	assert_non_null(rule_of(x->a, CUCM, PUB, 8443));
	assert_non_null(rule_of(x->a, PUB, CUCM, 8443));
	assert_null(rule_of(x->a, ACL_ANY, IMP, 8443));
	assert_null(rule_of(x->a, IMP, IMP, 8600));
	assert_int_equal(note_of(x->a, 0)->kind, ACL_NOTE_UNUSED);
	assert_int_equal(note_of(x->a, 4)->kind, ACL_NOTE_UNUSED);
	render(x, "nftables");
	assert_non_null(strstr(x->text, "# Documented, never used by the observed flows: no rule\n"
				"#   table 4 axl tls/8443 browser -> imp\n"
				"#   table 4 admin tls/8443 browser -> imp\n"
				"#   table 6 hb tcp/8600 imp -> imp\n"));
	assert_non_null(strstr(x->text, "# Observed: 4 flow records in 1 file, 3 documented: 2\n"));
	fx_free(x);
}

/* A flow on loopback (both ends loopback addresses) never crossed a
   firewall: it uses no row between hosts and is counted apart, not as
   roles no row allows (127.0.0.1 is in no inventory). Its port's row
   gets no rule from it. One end loopback is a flow between hosts. */
static void test_observed_loopback(void **state)
{
	struct fx *x = fx_new(OBS_CONF, INV);
	char err[512];

	(void)state;
	assert_int_equal(observe(x,
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"127.0.0.1\",\"client_port\":50000,"
		"\"server_ip\":\"127.0.0.1\",\"server_port\":5222,\"service\":\"xmpp\",\"tables\":[22],\"verdict\":\"documented\"}\n"
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"::1\",\"client_port\":50001,"
		"\"server_ip\":\"::1\",\"server_port\":8600,\"service\":\"hb\",\"tables\":[6],\"verdict\":\"documented\"}\n"
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"127.0.0.1\",\"client_port\":50002,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":8600,\"service\":\"hb\",\"tables\":[6],\"verdict\":\"documented\"}\n"
		"{\"type\":\"summary\",\"flows\":3," SUMMARY_OK "}\n", err,
		sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(acl_observe_end(x->a), 1);   /* none used a row */
	assert_int_equal(x->a->obs.documented, 3);
	assert_int_equal(x->a->obs.loopback, 2);
	assert_int_equal(x->a->obs.wrong_roles, 1);
	assert_int_equal(x->a->obs.used, 0);
	assert_false(x->a->used[3]);
	assert_false(x->a->used[4]);
	render(x, "nftables");
	assert_non_null(strstr(x->text, "# Observed: 3 flow records in 1 file, 3 documented: 0\n"
				"#   used a row of this inventory, 2 on loopback (no rule between\n"
				"#   hosts), 1 had roles no row allows, 0 a port no row of this\n"));
	fx_free(x);
}

/* Records that may leave flows out: each reason said, every run
   matched with its summary whichever file holds it, a summary that
   cannot say how its run went a bad line. */
static void test_observed_partial(void **state)
{
	static const char flow[] =
		"{\"type\":\"flow\",\"run_id\":\"%s\",\"transport\":\"tcp\","
		"\"client_ip\":\"203.0.113.5\",\"client_port\":50000,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":5222,"
		"\"service\":\"xmpp\",\"tables\":[22],\"verdict\":\"documented\"}\n";
	struct fx *x = fx_new(OBS_CONF, INV);
	char err[512], text[1024];

	(void)state;
	/* Run a's flow in one file, its summary in the next: whole. Run
	   b's flow without its summary; run c's summary says it was
	   interrupted, its health poor and its input cut. */
	snprintf(text, sizeof(text), flow, "a");
	assert_int_equal(observe(x, text, err, sizeof(err)), 0);
	assert_int_equal(observe(x, "{\"type\":\"summary\",\"run_id\":\"a\","
				 "\"flows\":1," SUMMARY_OK "}\n", err, sizeof(err)), 0);
	assert_int_equal(acl_observe_end(x->a), 0);
	snprintf(text, sizeof(text), flow, "b");
	assert_int_equal(observe(x, text, err, sizeof(err)), 0);
	assert_int_equal(observe(x, "{\"type\":\"summary\",\"run_id\":\"c\","
		"\"flows\":0,\"inconclusive\":[{\"reason\":\"interrupted\",\"why\":\"SIGTERM\"}],"
		"\"exit_status\":2,\"health\":{\"status\":\"poor\","
		"\"why\":\"drops\"}}\n", err, sizeof(err)), 0);
	assert_int_equal(acl_observe_end(x->a), 4);
	assert_string_equal(x->a->obs.partial[0],
			    "obs.json: its run was inconclusive (interrupted): SIGTERM");
	assert_string_equal(x->a->obs.partial[1],
			    "obs.json: its run's capture health is poor: drops");
	assert_non_null(strstr(x->a->obs.partial[2], "exit status 2"));
	assert_string_equal(x->a->obs.partial[3], "obs.json: run b has no "
			    "summary record: cut short, or its other records "
			    "are in a file not given");
	/* A summary without the gate's fields, or its count: FILE:LINE. */
	assert_int_equal(observe(x, "{\"type\":\"summary\",\"flows\":1}\n",
				 err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:1: summary record without an "
			       "\"inconclusive\" array"));
	assert_int_equal(observe(x, "{\"type\":\"summary\"," SUMMARY_OK "}\n",
				 err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:1: summary record without a "
			       "\"flows\" count"));
	fx_free(x);
}

/* Records in which no documented flow used a row: partial too. */
static void test_observed_unused(void **state)
{
	struct fx *x = fx_new(OBS_CONF, INV);
	char err[512];

	(void)state;
	assert_int_equal(observe(x, "{\"type\":\"summary\",\"flows\":0,"
				 SUMMARY_OK "}\n", err, sizeof(err)), 0);
	assert_int_equal(acl_observe_end(x->a), 1);
	assert_non_null(strstr(x->a->obs.partial[0], "no documented flow"));
	fx_free(x);
}

/* A bad line: FILE:LINE: reason, and nothing of that file is kept. */
static void test_observed_errors(void **state)
{
	struct fx *x = fx_new(OBS_CONF, INV);
	char err[512];

	(void)state;
	assert_int_equal(observe(x,
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.5\",\"client_port\":50000,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":5222,\"service\":\"xmpp\",\"tables\":[22],\"verdict\":\"documented\"}\n"
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.5\"\n",
		err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:2: not a JSON record"));
	assert_null(x->a->used);
	assert_int_equal(x->a->obs.records, 0);
	assert_int_equal(observe(x, "{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.5\",\"client_port\":50000,"
		"\"server_ip\":\"192.0.2.10\",\"service\":\"xmpp\",\"tables\":[22],\"verdict\":\"documented\"}\n",
		err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:1: flow record without a \"server_port\""));
	assert_int_equal(observe(x, "[1,2]\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:1: not an impwatch record"));
	assert_int_equal(observe(x, "{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.500\",\"client_port\":1,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":5222,\"service\":null,\"tables\":[],\"verdict\":\"documented\"}\n",
		err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:1: flow record without a \"client_ip\" address"));
	assert_int_equal(observe(x, "{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.5\",\"client_port\":1,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":5222,\"service\":null,\"tables\":[64],\"verdict\":\"documented\"}\n",
		err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:1: \"tables\" item 1 is not a table number"));
	assert_null(x->a->used);
	{
		/* A line past the bound is refused, not read whole. */
		size_t n = ACL_RECORD_MAX + 10;
		char *big = malloc(n + 2);

		assert_non_null(big);
		memset(big, 'x', n);
		big[n] = '\n';
		big[n + 1] = '\0';
		assert_int_equal(observe(x, big, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "obs.json:1: record longer than"));
		free(big);
	}
	/* No record at all (impwatch ends its records with a summary): an
	   error, as an empty inventory is, not rules that permit nothing. */
	assert_int_equal(observe(x, "", err, sizeof(err)), -1);
	assert_string_equal(err, "obs.json: no records (write them with "
			    "--format json)\n");
	assert_int_equal(observe(x, "\xef\xbb\xbf\n \t\r\n\n", err,
			     sizeof(err)), -1);
	assert_string_equal(err, "obs.json: no records (write them with "
			    "--format json)\n");
	assert_null(x->a->used);
	assert_int_equal(x->a->obs.files, 0);
	fx_free(x);
}

/* A NUL byte is refused on its line, as every loader refuses it: it
   neither joins a record to the next line nor hides the rest of its
   line, and a file of NULs (/dev/zero) ends at its first byte. */
static void test_observed_nul(void **state)
{
	static const char rec[] =
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.5\",\"client_port\":50000,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":5222,\"service\":\"xmpp\",\"tables\":[22],\"verdict\":\"documented\"}";
	struct fx *x = fx_new(OBS_CONF, INV);
	char text[1024], err[512], zeros[100];
	size_t n;

	(void)state;
	/* A line holding only a NUL, then a good record. */
	n = (size_t)snprintf(text, sizeof(text), "%c\n%s\n", 0, rec);
	assert_int_equal(observe_n(x, text, n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:1: NUL byte 0x00 at column 1"));
	/* A good record, a NUL and more after it on the same line. */
	n = (size_t)snprintf(text, sizeof(text), "%s%cjunk\n%s\n", rec, 0, rec);
	assert_int_equal(observe_n(x, text, n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:1: NUL byte 0x00 at column"));
	/* Nothing but NULs, no line end. */
	memset(zeros, 0, sizeof(zeros));
	assert_int_equal(observe_n(x, zeros, sizeof(zeros), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "obs.json:1: NUL byte 0x00 at column 1"));
	assert_null(x->a->used);
	assert_int_equal(x->a->obs.files, 0);
	fx_free(x);
}

/* A byte-order mark, as an editor on Windows writes one, is skipped at
   the start of the file, as every loader skips it (textfile.h); only
   there. */
static void test_observed_bom(void **state)
{
	static const char rec[] =
		"{\"type\":\"flow\",\"transport\":\"tcp\",\"client_ip\":\"203.0.113.5\",\"client_port\":50000,"
		"\"server_ip\":\"192.0.2.10\",\"server_port\":5222,\"service\":\"xmpp\",\"tables\":[22],\"verdict\":\"documented\"}";
	struct fx *x = fx_new(OBS_CONF, INV);
	char text[1024], err[512];

	(void)state;
	snprintf(text, sizeof(text), "\xef\xbb\xbf%s\r\n%s\n", rec, rec);
	assert_int_equal(observe(x, text, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(x->a->obs.records, 2);
	snprintf(text, sizeof(text), "%s\n\xef\xbb\xbf%s\n", rec, rec);
	assert_int_equal(observe(x, text, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "obs.json:2: not a JSON record"));
	fx_free(x);
}

/* The pairs of rule r in family f whose source holds address addr. */
struct holds {
	struct ip_addr a;
	size_t n;
};

static void holds_src(void *ctx, const struct acl_host *s, const struct acl_host *d)
{
	struct holds *h = ctx;

	(void)d;
	if (s && hosts_net_has(&s->e.net, s->e.prefix, &h->a))
		h->n++;
}

static size_t src_holds(struct fx *x, const struct acl_rule *r, const char *addr)
{
	struct holds h;
	uint8_t prefix;
	char why[128];

	memset(&h, 0, sizeof(h));
	assert_null(hosts_parse_net(addr, strlen(addr), &h.a, &prefix, why,
				    sizeof(why)));
	acl_pairs(x->a, r, ACL_V4, holds_src, &h);
	return h.n;
}

/* A host inside a network, on a line of its own, holds its own roles
   only: the longest prefix gives it them, and role-violation holds it
   to them. The network's permits leave it out, in every format; they
   used to name the whole network, so CUCM inside the users' /24 was let
   through to 5222 as an XMPP client. */
static void test_nested_hosts(void **state)
{
	struct fx *x = fx_new(
		"22 | xcp | xmpp-client -> imp | XMPP | tcp | 5222 | ephemeral | wire | - | clients\n"
		"30 | ids | cucm -> imp | TCP | tcp | 1500 | ephemeral | wire | - | ids\n",
		"imp-publisher  192.0.2.10       pub\n"
		"xmpp-client    198.51.100.0/24  users\n"
		"cucm           198.51.100.20    cucm\n");
	const struct acl_rule *r;
	const char *p, *q;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	r = rule_of(x->a, BIT(ROLE_XMPP_CLIENT), IMP, 5222);
	assert_non_null(r);
	assert_int_equal(src_holds(x, r, "198.51.100.20"), 0);
	assert_int_equal(src_holds(x, r, "198.51.100.0"), 1);
	assert_int_equal(src_holds(x, r, "198.51.100.19"), 1);
	assert_int_equal(src_holds(x, r, "198.51.100.21"), 1);
	assert_int_equal(src_holds(x, r, "198.51.100.255"), 1);
	r = rule_of(x->a, CUCM, IMP, 1500);
	assert_non_null(r);
	assert_int_equal(src_holds(x, r, "198.51.100.20"), 1);
	assert_int_equal(src_holds(x, r, "198.51.100.21"), 0);
	render(x, "nftables");
	assert_non_null(strstr(x->text, "# t.hosts: 3 lines, 3 IPv4 and 0 IPv6.\n"));
	assert_non_null(strstr(x->text, "ip saddr @xmpp-client_v4 ip daddr 192.0.2.10 tcp dport 5222 accept"));
	p = strstr(x->text, "\tset xmpp-client_v4 {\n");
	assert_non_null(p);
	q = strstr(p, "\n\t}\n");
	assert_non_null(q);
	assert_non_null(memmem(p, (size_t)(q - p), "198.51.100.0/28, ", 17));
	assert_null(memmem(p, (size_t)(q - p), "/24", 3));
	assert_null(memmem(p, (size_t)(q - p), "198.51.100.20,", 14));
	/* The whole inventory, as "any" leaves it out, in its own lines. */
	assert_non_null(strstr(x->text, "192.0.2.10, 198.51.100.0/24, 198.51.100.20\n"));
	render(x, "iptables");
	assert_non_null(strstr(x->text, "-s 198.51.100.0/28 -d 192.0.2.10/32 -p tcp -m tcp --dport 5222 "));
	assert_null(strstr(x->text, "-s 198.51.100.0/24 -d 192.0.2.10/32 -p tcp"));
	render(x, "asa");
	assert_non_null(strstr(x->text, "object-group network impwatch-xmpp-client-v4\n"
				" network-object 198.51.100.0 255.255.255.240\n"
				" network-object 198.51.100.16 255.255.255.252\n"
				" network-object host 198.51.100.21\n"));
	assert_non_null(strstr(x->text, "permit tcp object-group impwatch-xmpp-client-v4 host 192.0.2.10 eq 5222\n"));
	render(x, "ios");
	assert_non_null(strstr(x->text, " permit tcp 198.51.100.0 0.0.0.15 host 192.0.2.10 eq 5222\n"));
	assert_null(strstr(x->text, " permit tcp 198.51.100.0 0.0.0.255 host 192.0.2.10 eq 5222\n"));
	fx_free(x);
}

/* A small deterministic generator for test_nested_random. */
static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

/* Random inventories of networks nested in networks, IPv4 and IPv6:
   every address is held by one network of what the lines hold at most,
   with the roles the longest prefix gives it (hosts_lookup()), and by
   none when no line holds it. */
static void test_nested_random(void **state)
{
	static const char *const roles[] = { "imp", "cucm", "xmpp-client",
					     "browser", "directory" };
	uint32_t seed = 7, round;

	(void)state;
	for (round = 0; round < 20; round++) {
		char *inv = calloc(40, 80), line[80];
		struct fx *x;
		size_t n = 0, i, k, probe;

		assert_non_null(inv);
		for (i = 0; i < 40; i++) {
			unsigned len = 8 + lcg(&seed) % 25;
			uint32_t a = (10u << 24) | (lcg(&seed) & 0xffffffu);
			bool v6 = lcg(&seed) % 3 == 0;

			a &= len ? ~UINT32_C(0) << (32 - len) : 0;
			if (v6)
				snprintf(line, sizeof(line), "%s 2001:db8:%x:%x::/%u\n",
					 roles[lcg(&seed) % 5], (a >> 16) & 0xffff,
					 a & 0xffff, 32 + len);
			else
				snprintf(line, sizeof(line), "%s %u.%u.%u.%u/%u\n",
					 roles[lcg(&seed) % 5], a >> 24,
					 (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff,
					 len);
			/* The same network twice is refused: once only. */
			if (strstr(inv, strchr(line, ' ')))
				continue;
			strcat(inv, line);
			n++;
		}
		x = fx_new("4 | web | browser -> imp | HTTP | tcp | 8080 | ephemeral | wire | - | web\n",
			   inv);
		assert_int_equal(x->a->n_lines, n);
		for (probe = 0; probe < 2000; probe++) {
			uint32_t a = (10u << 24) | (lcg(&seed) & 0xffffffu);
			struct ip_addr ip;
			struct host_info hi;
			size_t held = 0;

			memset(&ip, 0, sizeof(ip));
			if (probe % 2) {
				ip.b[0] = 0x20; ip.b[1] = 0x01;
				ip.b[2] = 0x0d; ip.b[3] = 0xb8;
				ip.b[4] = (uint8_t)(a >> 24);
				ip.b[5] = (uint8_t)(a >> 16);
				ip.b[6] = (uint8_t)(a >> 8);
				ip.b[7] = (uint8_t)a;
				ip.b[15] = (uint8_t)lcg(&seed);
			} else {
				ip.b[10] = ip.b[11] = 0xff;
				ip.b[12] = (uint8_t)(a >> 24);
				ip.b[13] = (uint8_t)(a >> 16);
				ip.b[14] = (uint8_t)(a >> 8);
				ip.b[15] = (uint8_t)a;
			}
			hi = hosts_lookup(x->h, &ip);
			for (k = 0; k < x->a->n_host; k++) {
				const struct acl_host *h = &x->a->host[k];

				if (!hosts_net_has(&h->e.net, h->e.prefix, &ip))
					continue;
				held++;
				assert_int_equal(h->e.roles, hi.roles);
			}
			assert_int_equal(held, hi.roles ? 1 : 0);
		}
		fx_free(x);
		free(inv);
	}
}

/* Lines of text that start with one of the prefixes, NULL-ended. */
static uint64_t lines_starting(const char *text, const char *const *pre)
{
	const char *p;
	uint64_t n = 0;
	size_t k;

	for (p = text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
		for (k = 0; pre[k]; k++)
			if (strncmp(p, pre[k], strlen(pre[k])) == 0) {
				n++;
				break;
			}
	return n;
}

/* What acl_count() says format fmt writes: its rules, as written. */
static void assert_counted(struct fx *x)
{
	static const char *const ipt[] = { "-A ", NULL };
	static const char *const ios[] = { " permit ", " deny ", NULL };

	render(x, "iptables");
	assert_int_equal(acl_count(x->a, acl_writer_find("iptables")),
			 lines_starting(x->text, ipt));
	render(x, "ip6tables");
	assert_int_equal(acl_count(x->a, acl_writer_find("ip6tables")),
			 lines_starting(x->text, ipt));
	render(x, "ios");
	assert_int_equal(acl_count(x->a, acl_writer_find("ios")),
			 lines_starting(x->text, ios));
	/* Formats that name groups write a rule per rule, not per pair. */
	assert_int_equal(acl_count(x->a, acl_writer_find("nftables")), 0);
	assert_int_equal(acl_count(x->a, acl_writer_find("asa")), 0);
}

/* The rules iptables and IOS would write are counted before one is
   written (acl_command() refuses past ACL_MAX_RULES): the count is
   what is written, for transports, port spans, sender ports, ICMP, "any"
   ends, hosts and networks, lines inside lines, both families, the
   IOS denies between inventory hosts, and the IOS UDP replies left out
   as the request the other way. */
static void test_count(void **state)
{
	static const char *const conf =
		"2 | sip | sip-gateway -> imp | SIP | tcp,udp | 5060, 5070-5080 | ephemeral | wire | - | sip\n"
		"3 | mesh | imp -> imp | SIP | tls | 5062 | ephemeral | wire | - | mesh\n"
		"4 | web | browser -> imp | HTTP | tcp | 8080 | ephemeral | wire | - | web\n"
		"4 | admin | browser -> cucm | HTTP | tcp | 8443 | ephemeral | wire | - | web\n"
		"12 | trap | imp -> imp | SNMP | udp | configurable | 61441 | wire | - | by sender port\n"
		"15 | dns | imp -> dns-server | DNS | udp | 53 | ephemeral | wire | - | dns\n"
		"30 | ping | imp <-> cucm | ICMP | icmp,icmpv6 | - | - | wire | - | ping\n"
		"9 | mgr | imp <-> cucm | TCP | udp | 8500 | 8500 | wire | - | mirrored across two rules\n"
		"9 | mgr2 | imp -> imp | TCP | udp | 8501, 8502 | 8501, 8502 | wire | - | mirrored in one\n"
		"4 | bmgr | browser <-> imp | TCP | udp | 8503 | 8503 | wire | - | mirrored with any\n";
	static const char *const roles[] = { "imp", "cucm", "sip-gateway",
					     "dns-server", "imp,cucm" };
	uint32_t seed = 11, round;
	struct fx *x;

	(void)state;
	x = fx_new(conf, INV);
	assert_int_equal(acl_build(x->a), 0);
	assert_counted(x);
	assert_true(acl_count(x->a, acl_writer_find("iptables")) > 5);
	fx_free(x);
	/* Random inventories: hosts and networks, some inside others. */
	for (round = 0; round < 20; round++) {
		char *inv = calloc(24, 80), line[80];
		size_t i;

		assert_non_null(inv);
		for (i = 0; i < 24; i++) {
			unsigned len = 20 + lcg(&seed) % 13;
			uint32_t a = (10u << 24) | (lcg(&seed) & 3u) << 8 |
				     (lcg(&seed) & 0xffu);

			a &= ~UINT32_C(0) << (32 - len);
			if (lcg(&seed) % 4 == 0 && len == 32)
				snprintf(line, sizeof(line), "%s 2001:db8:0:%x::%x\n",
					 roles[lcg(&seed) % 5], (a >> 8) & 3,
					 a & 0xff);
			else if (lcg(&seed) % 4 == 0)
				snprintf(line, sizeof(line), "%s 2001:db8:0:%x::/64\n",
					 roles[lcg(&seed) % 5], (a >> 8) & 3);
			else
				snprintf(line, sizeof(line), "%s %u.%u.%u.%u/%u\n",
					 roles[lcg(&seed) % 5], a >> 24,
					 (a >> 16) & 0xff, (a >> 8) & 0xff,
					 a & 0xff, len);
			if (strstr(inv, strchr(line, ' ')))
				continue;
			strcat(inv, line);
		}
		x = fx_new(conf, inv);
		assert_int_equal(acl_build(x->a), 0);
		assert_counted(x);
		fx_free(x);
		free(inv);
	}
}

/* What reaches a comment is text, whatever the file names and rows say:
   a line end cannot start a rule, a '?' cannot ask a Cisco CLI for help,
   a quote cannot end an nftables comment; long labels are cut to fit. */
static void test_safe_text(void **state)
{
	struct fx *x = fx_new(
		"4 | a-very-long-service-name-number-one | browser -> imp | HTTP | tcp | 8080 | ephemeral | wire | - | What? \"quoted\" text\n"
		"4 | a-very-long-service-name-number-two | browser -> imp | HTTP | tcp | 8080 | ephemeral | wire | - | two\n"
		"4 | a-very-long-service-name-number-three | browser -> imp | HTTP | tcp | 8080 | ephemeral | wire | - | three\n"
		"4 | a-very-long-service-name-number-four | browser -> imp | HTTP | tcp | 8080 | ephemeral | wire | - | four\n",
		INV);
	struct acl_source src = { "site.hosts\nflush ruleset", NULL, NULL, 0 };
	const char *p, *q;
	size_t n;
	FILE *f;

	(void)state;
	assert_int_equal(acl_build(x->a), 0);
	f = open_memstream(&x->text, &n);
	assert_non_null(f);
	acl_write(x->a, acl_writer_find("nftables"), &src, f);
	fclose(f);
	assert_null(strstr(x->text, "\nflush ruleset"));
	assert_non_null(strstr(x->text, "# site.hosts_flush ruleset: "));
	/* The label: at most 127 bytes between the quotes, cut with "...". */
	p = strstr(x->text, "tcp dport 8080 accept comment \"");
	assert_non_null(p);
	p += strlen("tcp dport 8080 accept comment \"");
	q = strchr(p, '"');
	assert_non_null(q);
	assert_true(q - p <= 127);
	assert_memory_equal(q - 3, "...", 3);
	render(x, "ios");
	assert_non_null(strstr(x->text, " remark table 4 a-very-long-service-name-number-one: What_ _quoted_ text\n"));
	fx_free(x);
}

static void test_writers(void **state)
{
	char names[128];

	(void)state;
	assert_non_null(acl_writer_find("nftables"));
	assert_non_null(acl_writer_find("iptables"));
	assert_non_null(acl_writer_find("ip6tables"));
	assert_non_null(acl_writer_find("asa"));
	assert_non_null(acl_writer_find("ios"));
	assert_null(acl_writer_find("pf"));
	acl_writer_names("|", names, sizeof(names));
	assert_string_equal(names, "nftables|iptables|ip6tables|asa|ios");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_open_roles),
		cmocka_unit_test(test_ios_inventory),
		cmocka_unit_test(test_ios_inventory_replies),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_covered_merge),
		cmocka_unit_test(test_common_pairs),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_same_hosts_merge),
		cmocka_unit_test(test_group_alias),
		cmocka_unit_test(test_observed),
		cmocka_unit_test(test_observed_loopback),
		cmocka_unit_test(test_observed_errors),
		cmocka_unit_test(test_observed_partial),
		cmocka_unit_test(test_observed_unused),
		cmocka_unit_test(test_observed_nul),
		cmocka_unit_test(test_observed_bom),
		cmocka_unit_test(test_nested_hosts),
		cmocka_unit_test(test_nested_random),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_safe_text),
		cmocka_unit_test(test_writers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
