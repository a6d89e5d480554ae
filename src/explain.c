/*
 * explain.c: a flow in words (the contract is in explain.h).
 */
#include "explain.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "carrier.h"
#include "classify.h"
#include "echo.h"
#include "util.h"

/* The same protocol, whatever the spelling: by the ids resolved at load
   (nDPI compares names without case); names only for a catalogue loaded
   without DPI, where no flow is ever a mismatch. */
static bool same_app(const struct cat_app *a, const struct cat_app *b)
{
	if (a->id && b->id)
		return a->id == b->id;
	return strcasecmp(a->name, b->name) == 0;
}

void explain_expected(const struct catalogue *cat, uint8_t proto,
		      uint16_t cport, uint16_t sport, bool on_wire,
		      char buf[EXPECTED_MAX])
{
	struct cat_hits h;
	const struct cat_app *listed[EXPECTED_MAX / 2];
	size_t used = 0, n_listed = 0, k;
	uint16_t i, j;

	buf[0] = '\0';
	classify_rows_at(cat, proto, cport, sport, on_wire, &h);
	for (i = 0; i < h.n; i++) {
		const struct cat_row *row = catalogue_row(cat, h.rows[i]);

		for (j = 0; j < row->n_apps; j++) {
			const struct cat_app *a = &row->app[j];
			size_t len = strlen(a->name);
			bool dup = false;

			for (k = 0; k < n_listed && !dup; k++)
				dup = same_app(listed[k], a);
			/* A name that would not fit is left out: a list this
			   long is a hand-written rules file's. Each listed
			   name takes two bytes at least, so listed[] holds
			   them all. */
			if (dup || used + len + 2 > EXPECTED_MAX)
				continue;
			if (used)
				buf[used++] = ',';
			memcpy(buf + used, a->name, len);
			used += len;
			buf[used] = '\0';
			listed[n_listed++] = a;
		}
	}
}

void explain_expected_rec(const struct catalogue *cat,
			  const struct flow_record *f, char buf[EXPECTED_MAX])
{
	explain_expected(cat, f->key.proto, rec_client_port(f),
			 rec_server_port(f), f->on_wire, buf);
}

void explain_transport(char buf[8], uint8_t proto)
{
	switch (proto) {
	case IPPROTO_NUM_TCP: strcpy(buf, "tcp"); break;
	case IPPROTO_NUM_UDP: strcpy(buf, "udp"); break;
	case IPPROTO_NUM_ICMP: strcpy(buf, "icmp"); break;
	case IPPROTO_NUM_ICMPV6: strcpy(buf, "icmpv6"); break;
	default: snprintf(buf, 8, "%u", proto); break;
	}
}

/* nDPI's name for TLS, alone or in front of what it carries. */
static bool app_is_tls(const char *app)
{
	return app && (strcmp(app, "TLS") == 0 || strncmp(app, "TLS.", 4) == 0);
}

void explain_reason(const struct catalogue *cat, const struct flow_record *f,
		    char buf[REASON_MAX])
{
	const struct cat_row *row =
		f->service_row ? catalogue_row(cat, f->service_row - 1u) : NULL;
	char tr[8], port[24], exp[EXPECTED_MAX], where[160] = "table 0";
	uint16_t sport = rec_server_port(f);

	if (row)
		cat_row_where(row, where, sizeof(where));
	explain_transport(tr, f->key.proto);
	if (f->key.pa || f->key.pb)
		snprintf(port, sizeof(port), "%s/%u", tr, sport);
	else
		snprintf(port, sizeof(port), "%s", tr);
	switch (f->verdict) {
	case V_UNDOCUMENTED:
		snprintf(buf, REASON_MAX, "no catalogue row documents %s", port);
		break;
	case V_LOCAL_ONLY:
		snprintf(buf, REASON_MAX,
			 "%s is documented for localhost traffic only (%s %s)",
			 port, where, row ? row->service : "?");
		break;
	case V_CLEARTEXT:
		/* nDPI may still call such a flow TLS (a record it knows,
		   or its guess by port): then only the first record was
		   wrong, no ClientHello (classify.h tls_first_bytes()). */
		if (app_is_tls(rec_app(f)))
			snprintf(buf, REASON_MAX, "%s requires TLS (%s %s), "
				 "but the client's first bytes were no TLS "
				 "ClientHello", port, where,
				 row ? row->service : "?");
		else
			snprintf(buf, REASON_MAX, "%s requires TLS (%s %s), "
				 "but the client's first bytes were %s%s", port,
				 where, row ? row->service : "?",
				 rec_app(f) ? rec_app(f) : "not TLS",
				 rec_app(f) ? " in clear" : "");
		break;
	case V_PROTOCOL_MISMATCH:
		explain_expected_rec(cat, f, exp);
		snprintf(buf, REASON_MAX, "%s on %s, where the rows expect %s",
			 rec_app(f) ? rec_app(f) : "?", port,
			 exp[0] ? exp : "no protocol nDPI knows");
		break;
	case V_ICMP_TUNNEL:
		snprintf(buf, REASON_MAX, "echo replies returned data that no "
			 "echo request of the flow carried, as tunnels over ICMP "
			 "do (a reply returns its request's: RFC 792)");
		break;
	case V_ROLE_VIOLATION: {
		char cr[128], sr[128];

		explain_roles(f->client_host.roles, cr, sizeof(cr));
		explain_roles(f->server_host.roles, sr, sizeof(sr));
		snprintf(buf, REASON_MAX, "%s is documented (%s %s), but not "
			 "from %s to %s", port, where,
			 row ? row->service : "?", cr, sr);
		break;
	}
	case V_UNTRUSTED_TUNNEL: {
		char src[IP_STR_MAX], dst[IP_STR_MAX], id[40];

		fmt_ip(rec_client_ip(f), f->key.family, src);
		fmt_ip(rec_server_ip(f), f->key.family, dst);
		explain_tunnel_id(f, id);
		if (!f->key.pa && !f->key.pb)
			snprintf(port, sizeof(port), "IP protocol %u", f->key.proto);
		snprintf(buf, REASON_MAX, "%s%s carrier from %s to %s (%s), %s",
			 explain_tunnel_kind(f), id, src, dst, port,
			 tunnel_is_erspan((enum tunnel_kind)f->tunnel) ?
			 "neither end a declared tunnel endpoint" :
			 "not between two declared tunnel endpoints");
		break;
	}
	default:
		snprintf(buf, REASON_MAX, "%s on %s",
			 verdict_name((enum verdict)f->verdict), port);
		break;
	}
}

const char *explain_tunnel_kind(const struct flow_record *f)
{
	const char *k = tunnel_name((enum tunnel_kind)f->tunnel);

	return k ? k : "tunnel";
}

void explain_tunnel_id(const struct flow_record *f, char buf[40])
{
	buf[0] = '\0';
	if (!(f->carrier & FC_TUN_ID))
		return;
	snprintf(buf, 40, " %s %u",
		 tunnel_is_erspan((enum tunnel_kind)f->tunnel) ? "session" : "VNI",
		 (unsigned)f->tun_id);
}

void explain_roles(uint32_t roles, char *buf, size_t size)
{
	if (roles)
		hosts_roles_str(roles, buf, size);
	else
		snprintf(buf, size, "unknown");
}

/* RFC 4594 section 3: class selectors, assured and expedited
   forwarding; RFC 5865's voice admit. */
const char *explain_dscp(unsigned d, char buf[8])
{
	/* Six bits (RFC 2474): the names fit in buf. */
	if (d > 63)
		return NULL;
	if (d == 0)
		return "BE";
	if (d == 46)
		return "EF";
	if (d == 44)
		return "VA";
	if (d % 8 == 0) {
		snprintf(buf, 8, "CS%u", d / 8);
		return buf;
	}
	if (d >= 10 && d <= 38 && d % 2 == 0 && (d % 8) >= 2 && (d % 8) <= 6) {
		snprintf(buf, 8, "AF%u%u", d / 8, (d % 8) / 2);
		return buf;
	}
	return NULL;
}

void explain_echo_unmatched(uint64_t n, char buf[REASON_MAX])
{
	snprintf(buf, REASON_MAX, "%llu echo repl%s returned no recent "
		 "request's data (more than %d in one flow make it an ICMP "
		 "tunnel)", (unsigned long long)n, n == 1 ? "y" : "ies",
		 ECHO_UNMATCHED_MAX);
}
