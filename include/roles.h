/*
 * roles.h: the roles the port guide names, one table for the catalogue's
 * roles column and the site inventory (--hosts), and the one parser of
 * role lists both read.
 *
 * A role is one line of the table below; a set of roles is a mask with
 * bit (1 << role) for each.
 */
#ifndef IMPWATCH_ROLES_H
#define IMPWATCH_ROLES_H

#include <stddef.h>
#include <stdint.h>

#include "textfile.h"

/* Roles the guide names, X(enum, "id", "label"). */
#define CAT_ROLES(X) \
	X(ROLE_IMP,               "imp",                "IM and Presence node") \
	X(ROLE_IMP_PUBLISHER,     "imp-publisher",      "IM and Presence publisher") \
	X(ROLE_IMP_SUBSCRIBER,    "imp-subscriber",     "IM and Presence subscriber") \
	X(ROLE_CUCM,              "cucm",               "Cisco Unified Communications Manager") \
	X(ROLE_SIP_GATEWAY,       "sip-gateway",        "SIP gateway") \
	X(ROLE_GATEWAY,           "gateway",            "IPsec gateway") \
	X(ROLE_XMPP_CLIENT,       "xmpp-client",        "XMPP client (Jabber)") \
	X(ROLE_BOSH_CLIENT,       "bosh-client",        "third-party BOSH client") \
	X(ROLE_THIRD_PARTY,       "third-party-client", "third-party client") \
	X(ROLE_BROWSER,           "browser",            "web browser") \
	X(ROLE_DIRECTORY,         "directory",          "external corporate directory (LDAP)") \
	X(ROLE_DNS_SERVER,        "dns-server",         "DNS server") \
	X(ROLE_NTP_SERVER,        "ntp-server",         "NTP server") \
	X(ROLE_SNMP_SERVER,       "snmp-server",        "SNMP management server") \
	X(ROLE_TRAP_MONITOR,      "trap-monitor",       "SNMP trap monitor") \
	X(ROLE_EXCHANGE,          "exchange",           "Microsoft Exchange") \
	X(ROLE_RTMT,              "rtmt",               "Real-Time Monitoring Tool") \
	X(ROLE_POSTGRESQL_DB,     "postgresql-db",      "external PostgreSQL database") \
	X(ROLE_ORACLE_DB,         "oracle-db",          "external Oracle database") \
	X(ROLE_MSSQL_DB,          "mssql-db",           "external MSSQL database") \
	X(ROLE_DATABASE,          "database",           "external database (any)") \
	X(ROLE_FILE_SERVER,       "file-server",        "external file server (MFT)") \
	X(ROLE_ENDPOINT,          "endpoint",           "endpoint") \
	X(ROLE_TUNNEL_ENDPOINT,   "tunnel-endpoint",    "tunnel endpoint the site trusts")

#define X_ENUM(e, id, label) e,
enum cat_role {
	CAT_ROLES(X_ENUM)
	ROLE_COUNT
};
#undef X_ENUM

/* Every role, as a mask. */
#define CAT_ROLES_ALL ((UINT32_C(1) << ROLE_COUNT) - 1)

const char *cat_role_name(enum cat_role r);     /* "?" when out of range */
const char *cat_role_label(enum cat_role r);
int cat_role_parse(const char *s, size_t len);  /* enum value or -1 */

/* What cat_roles_parse() found wrong. */
enum {
	ROLES_OK = 0,
	ROLES_EMPTY = -1,    /* an empty item: "imp,,cucm", "imp,", "" */
	ROLES_UNKNOWN = -2   /* *bad is the item that names no role */
};

/*
 * A comma list of role ids ("imp, cucm"; items trimmed) into *mask.
 * ROLES_OK, or the first mistake in the list. Each caller words its own
 * message; no role implies another here.
 */
int cat_roles_parse(struct tstr list, uint32_t *mask, struct tstr *bad);

/* The ids of the roles in mask, in table order, joined by sep, into buf
   (NUL-terminated; cut short when size is too small). */
void cat_roles_str(uint32_t mask, const char *sep, char *buf, size_t size);

#endif
