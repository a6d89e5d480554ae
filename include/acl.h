/*
 * acl.h: `impwatch acl`, the firewall rules the catalogue implies for a
 * site's inventory.
 *
 * For each catalogue row, and each pair of hosts holding its roles (in
 * the row's direction; both ways for "<->" rows and table 30's
 * bidirectional ones, as row_allows_roles() reads them), a permit of the
 * row's transport, destination ports and fixed source ports. "Any" stands
 * for the hosts outside the inventory, and only on a side whose roles any
 * host may hold (OPEN_ROLES); two inventory hosts are held to their roles.
 * Rules that come out the same, or whose permits another rule of the same
 * ports gives, are written once, naming every row; a pair two rules of
 * the same ports share is written by the first (acl_pairs()).
 *
 * The model (struct acl) is built once, then written by one of the
 * writers (acl_writer_find()); nothing here knows a format. Only the
 * command (acl_command()) reads files and options; everything else
 * returns a status.
 */
#ifndef IMPWATCH_ACL_H
#define IMPWATCH_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "hosts.h"

/* Transports of a rule (a tls row is TCP). */
#define ACL_TCP    0x01
#define ACL_UDP    0x02
#define ACL_ICMP   0x04     /* IPv4 only */
#define ACL_ICMPV6 0x08     /* IPv6 only */

/* An end of a rule that is any host outside the inventory. */
#define ACL_ANY 0u

enum acl_family { ACL_V4 = 0, ACL_V6 = 1, ACL_FAMILIES };
#define ACL_FAM(f) (1u << (f))

/* One line of the inventory. */
struct acl_host {
	struct host_entry e;
	uint8_t family;              /* enum acl_family */
	uint8_t single;              /* a host (/32, /128), not a network */
};

/*
 * One permit: from the inventory hosts holding any role of src (or any
 * host outside the inventory: ACL_ANY) to those holding a role of dst.
 * n_dport 0: every destination port (a row known by its sender port
 * only); n_sport 0: every source port. Ports are as the rows give them,
 * ranges as ranges.
 */
struct acl_rule {
	uint8_t protos;              /* ACL_TCP... */
	uint8_t families;            /* ACL_FAM() of each family with a pair */
	uint8_t n_dport, n_sport;
	uint32_t src, dst;           /* role masks, or ACL_ANY */
	struct port_span dport[MAX_PORT_SPANS];
	struct port_span sport[MAX_PORT_SPANS];
	uint16_t *rows;              /* catalogue rows it stands for, in order */
	uint16_t n_rows, cap_rows;
};

/* Why a row has no rule. */
enum acl_note_kind {
	ACL_NOTE_LOCALHOST = 0,      /* localhost traffic only */
	ACL_NOTE_NO_HOST,            /* roles (the note's) nobody in the
	                                inventory holds, and no outside host may */
	ACL_NOTE_NO_PAIR,            /* the roles are held, but by one host
	                                only, or across address families */
	ACL_NOTE_OUTSIDE,            /* both ends held only by hosts outside
	                                the inventory: nothing between its hosts */
	ACL_NOTE_UNUSED,             /* --observed: no documented flow used it */
	ACL_NOTE_KINDS
};

struct acl_note {
	uint8_t kind;
	uint16_t row;
	uint32_t roles;              /* ACL_NOTE_NO_HOST: the roles missing */
};

/* A run whose records --observed read (its records' "run_id": 32 hex
   digits as impwatch writes it; longer is a bad line). */
#define ACL_RUN_ID_MAX 64
struct acl_run {
	char id[ACL_RUN_ID_MAX];
	const char *file;            /* the file of its first record read */
	const char *summary_file;    /* the file of its summary, or NULL */
	uint64_t flows_read;         /* its flow records read */
	uint64_t flows_counted;      /* the flows its summaries count */
};

/* Why the observed records may not hold every flow: at most this many
   sentences are kept, the rest counted. */
#define ACL_PARTIAL_KEEP 8
#define ACL_PARTIAL_LEN 400

/* What --observed read. */
struct acl_observed {
	unsigned files;
	uint64_t records;            /* flow records */
	uint64_t documented;         /* ... whose verdict is documented */
	uint64_t used;               /* ... that named a row of this inventory */
	uint64_t no_row;             /* ... no row of this catalogue documents */
	uint64_t wrong_roles;        /* ... whose hosts' roles fit no row */
	uint64_t loopback;           /* ... both ends loopback: no row used */
	struct acl_run *run;         /* the runs read, in order of first read */
	size_t n_run, cap_run;
	uint64_t n_partial;          /* reasons the records may be partial */
	char partial[ACL_PARTIAL_KEEP][ACL_PARTIAL_LEN];  /* the first ones */
};

/* A set of inventory lines a rule names when it holds more than one:
   those of family `family` holding a role of `roles` (CAT_ROLES_ALL: the
   whole inventory, which "any" leaves out). */
struct acl_group {
	uint32_t roles;
	uint8_t family;
};

struct acl {
	const struct catalogue *cat;
	const struct hosts *hosts;
	struct acl_host *line;       /* the inventory, in file order */
	size_t n_lines;
	size_t n_line[ACL_FAMILIES]; /* ... of each family */
	struct acl_host *host;       /* what each line holds, lines in file
	                                order: its network less the lines
	                                inside it, which the longest prefix
	                                gives their own roles (as networks
	                                that cover the rest); the same
	                                addresses as the lines, each once */
	size_t n_host;
	size_t n_inside;             /* lines inside a wider line */
	size_t n_cut, n_pieces;      /* wider lines with lines inside, and
	                                the networks they are cut into */
	struct acl_rule *rule;       /* between inventory hosts first, then
	                                those with an ANY end */
	size_t n_rule, n_inner, cap_rule;  /* n_inner: rules of the first kind */
	struct acl_note *note;       /* in catalogue order */
	size_t n_note, cap_note;
	struct acl_group *group;     /* every group of more than one line the
	                                rules name, in order of first use */
	size_t n_group;
	bool *used;                  /* --observed: rows a record used; NULL
	                                without --observed */
	struct acl_observed obs;
};

/* A model for catalogue cat (built) and inventory h, both the caller's
   and outliving it; NULL when out of memory. */
struct acl *acl_new(const struct catalogue *cat, const struct hosts *h);
void acl_free(struct acl *a);

/*
 * Read impwatch's own JSON records (`--format json`, one object a line)
 * from in, named name in messages: every documented flow record marks
 * the row it was documented by under this inventory (the row it names,
 * when its roles allow it; otherwise the first that does). From the
 * first call on, acl_build() writes only the rows marked. -1 with
 * "NAME:LINE: reason" and the line on err for a line that is not a JSON
 * object or a flow record missing a field, "NAME: no records" for input
 * with no line but blanks, "NAME: cannot read: REASON" (textfile.h's
 * words) for a read that fails; nothing is kept of that file.
 */
int acl_observe(struct acl *a, const char *name, FILE *in, FILE *err);

/*
 * After the last acl_observe(): whether the records read may leave out
 * flows, so that least privilege would drop a documented service in use.
 * Their reasons (a->obs.partial) are a run whose summary was not read
 * (cut short, or its other records in a file not given), a run of which
 * fewer flow records were read than its summary counts (a rotated piece
 * not given), a summary that says its run was inconclusive, its capture health poor or an input not
 * read in full (exit status 2), documented flows on ports no row of this
 * catalogue documents (the run's catalogue had other rows), and records
 * in which no documented flow used a row. Their number is returned.
 */
uint64_t acl_observe_end(struct acl *a);

/* A documented flow, as its record gives it. */
struct acl_flow {
	uint8_t proto;               /* IP protocol number */
	struct ip_addr cip, sip;     /* client, server */
	uint8_t family;              /* their IP version: 4 or 6 */
	uint16_t cport, sport;
	const char *service;         /* the row it names; NULL: none */
	uint64_t tables;             /* bit t: table t documents its port */
};

enum { ACL_FLOW_NO_ROW = 1, ACL_FLOW_ROLES, ACL_FLOW_LOOPBACK };

/*
 * The row flow fl used under this catalogue and inventory, as
 * classify_roles() chooses: the row it names (service, in one of its
 * tables) when that row allows its hosts' roles, otherwise the first that
 * does. -1 when none: *why is ACL_FLOW_NO_ROW when no row documents its
 * port, ACL_FLOW_ROLES when no row allows its hosts' roles,
 * ACL_FLOW_LOOPBACK when both its ends are loopback addresses (it never
 * crossed a firewall, and roles are for flows between hosts).
 */
long acl_flow_row(const struct acl *a, const struct acl_flow *fl, int *why);

/* The rules and notes; -1 when out of memory. Once, after the last
   acl_observe(). */
int acl_build(struct acl *a);

/*
 * Each (source, destination) of rule r in family f: a network of what
 * an inventory line holds each (struct acl's host), NULL for any host
 * outside the inventory. A host is never paired with itself (a network
 * is: its hosts talk among themselves), and a pair an earlier rule of
 * the same transports and ports has is left to it. fn may be NULL; the
 * number of pairs is returned.
 */
typedef void (*acl_pair_fn)(void *ctx, const struct acl_host *src,
			    const struct acl_host *dst);
size_t acl_pairs(const struct acl *a, const struct acl_rule *r,
		 enum acl_family f, acl_pair_fn fn, void *ctx);

/* The number acl_pairs() returns, counted without walking the pairs
   (one walk over the hosts). */
uint64_t acl_pair_count(const struct acl *a, const struct acl_rule *r,
			enum acl_family f);

/* True when host h holds a role of mask `roles` and is of family f. */
bool acl_host_in(const struct acl_host *h, uint32_t roles, enum acl_family f);

/* What the output says of where its inputs came from. */
struct acl_source {
	const char *hosts;           /* the inventory's file name */
	const char *rules;           /* --rules, NULL: the built-in catalogue */
	const char *const *rules_add;
	size_t n_rules_add;
};

/* A format: acl_write() drives it (see acl_int.h for its callbacks). */
struct acl_writer;

/* The writer named name ("nftables", "iptables", ...), or NULL. */
const struct acl_writer *acl_writer_find(const char *name);

/* The formats' names, separated by sep, into buf. */
void acl_writer_names(const char *sep, char *buf, size_t size);

/* The rules (iptables rules, IOS access-list entries) format w would
   write for model a, counted before anything is written: for a format
   that names no groups, one per pair of hosts and more. 0 for a format
   that names groups (nftables, asa): its rules are the model's, one per
   transport and port span. Saturates at UINT64_MAX. */
uint64_t acl_count(const struct acl *a, const struct acl_writer *w);

/* Write model a in format w to out. Errors show on out (ferror()). */
void acl_write(const struct acl *a, const struct acl_writer *w,
	       const struct acl_source *src, FILE *out);

/* `impwatch acl ...` (argv[0] is "acl"): the exit status. */
int acl_command(int argc, char **argv);

/* Its part of `impwatch --help`. */
void acl_usage(FILE *out);

#endif
