/*
 * record.c: a flow copied out for the writers (record.h).
 */
#include "record.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "connstate.h"
#include "options.h"

void record_from_flow(struct flow_record *r, const struct flow *f,
		      const struct dpi *dpi, const struct engine *e)
{
	unsigned c2s = f->server_is_b ? 0 : 1;   /* flow.h's A-to-B is 0 */
	char name[DPI_NAME_MAX];
	const char *app;
	size_t n;

	memset(r, 0, offsetof(struct flow_record, app_name));
	r->key = f->key;
	r->flow_id = f->id;
	r->first_us = f->first_us;
	r->last_us = f->last_us;
	r->pkts[REC_C2S] = f->pkts[c2s];
	r->pkts[REC_S2C] = f->pkts[!c2s];
	r->bytes[REC_C2S] = f->bytes[c2s];
	r->bytes[REC_S2C] = f->bytes[!c2s];
	r->ip_bytes[REC_C2S] = f->ip_bytes[c2s];
	r->ip_bytes[REC_S2C] = f->ip_bytes[!c2s];
	r->dscp[REC_C2S] = f->dscp[c2s];
	r->dscp[REC_S2C] = f->dscp[!c2s];
	r->tables = f->tables;
	r->vlan = f->vlans[0];
	memcpy(r->vlans, f->vlans, sizeof(r->vlans));
	r->nvlans = f->nvlans;
	r->has_sgt = (f->first_flags & FF_SGT) != 0;
	r->sgt = f->sgt;
	if (f->first_flags & FF_ERSPAN) {
		r->has_erspan = 1;
		r->erspan_session = f->erspan_id;
	}
	r->service_row = f->service_row;
	r->server_is_b = f->server_is_b;
	r->verdict = f->verdict;
	r->findings = f->findings;
	r->tls = f->tls;
	r->end_reason = f->end_reason;
	r->basis = f->basis;
	r->server_first = f->first_from_b == f->server_is_b;
	r->tunnel = f->tunnel;
	r->carrier = f->carrier;
	r->app_source = f->app_source;
	r->on_wire = flow_on_wire(f);
	r->icmp_type = f->icmp_type;
	r->icmp_code = f->icmp_code;
	r->conn_state = (uint8_t)conn_state(f);
	r->tcp_data = (f->tcp_facts & (TF_DATA_A | TF_DATA_B)) != 0;
	r->nrows = f->nrows;
	memcpy(r->rows, f->rows, sizeof(r->rows));
	/* nDPI never sees a carrier: its app fields hold its VNI. */
	if (f->carrier & FC_CARRIER) {
		r->tun_id = f->tun_id;
		if ((f->carrier & FC_TUN_ID) &&
		    (f->tunnel == TUN_ERSPAN2 || f->tunnel == TUN_ERSPAN3)) {
			r->has_erspan = 1;
			r->erspan_session = (uint16_t)f->tun_id;
		}
	} else {
		r->app = f->app;
		r->app_master = f->app_master;
	}
	/* A SHA-1 a flow: only when an output shows it (the memset above
	   leaves it "" otherwise). */
	if (e->community_id)
		(void)community_id_flow(f, (uint16_t)e->lim->community_id_seed,
					r->community_id);
	app = dpi ? dpi_app_name(dpi, f, name) : NULL;
	/* Cut to fit, as snprintf would, without its cost on every flow. */
	n = app ? strnlen(app, sizeof(r->app_name) - 1) : 0;
	memcpy(r->app_name, app ? app : "", n);
	r->app_name[n] = '\0';
	if (e->hosts) {
		r->client_host = hosts_lookup_ip(e->hosts, flow_client_ip(f),
						 f->key.family);
		r->server_host = hosts_lookup_ip(e->hosts, flow_server_ip(f),
						 f->key.family);
	} else {
		r->client_host.name = r->server_host.name = "";
	}
}

const char *rec_conn_state(const struct flow_record *r)
{
	return conn_state_name((enum conn_state)r->conn_state);
}

bool rec_is_attempt(const struct flow_record *r)
{
	/* UDP's S0 is also every one-way stream (syslog, a one-way RTP
	   leg): only TCP's handshake says an attempt failed. A TCP S0
	   that carried data is a session seen one way (half-duplex
	   mirroring), not an attempt. */
	if (r->key.proto != IPPROTO_NUM_TCP || r->tcp_data)
		return false;
	switch ((enum conn_state)r->conn_state) {
	case CS_S0:
	case CS_REJ:
	case CS_RSTOS0:
	case CS_RSTRH:
	case CS_SH:
	case CS_SHR:
		return true;
	default:
		return false;
	}
}

void record_rows(const struct catalogue *cat, const struct flow_record *r,
		 struct cat_hits *h)
{
	if (rows_kept(h, r->rows, r->nrows))
		return;
	classify_rows_at(cat, r->key.proto, rec_client_port(r),
			 rec_server_port(r), r->on_wire, h);
}
