/*
 * fuzz_decode.c: libFuzzer target for the per-packet path.
 *
 * Each input is a link type and a run of frames (fuzz/frames.h). Every
 * frame, copied to a buffer of exactly its length (ASan then sees a read
 * past it), goes the way impwatch's own loop (main.c's on_packet) sends
 * it: decode_packet(), dedup_fingerprint(), then for a decoded packet
 * flow_expire(), flow_lookup(), on a new flow classify_flow() against
 * the built-in catalogue and dpi_flow_start(), and dpi_packet() while
 * the flow is undecided; then,
 * as worker.c's frame_carriers(), each tunnel it came through counts
 * to its carrier and, unless it is (trusted) ERSPAN, to the carrier's
 * flow, classify_carrier()'d when new. An ending flow is finished by DPI
 * as in on_flow_end(). No tunnel endpoint is declared. Tables are tiny (1
 * to 8 flows, 4 fragment datagrams) so eviction and expiry happen at once.
 *
 * Beyond "no crash", the target checks what impwatch promises about its
 * records and aborts when one breaks:
 *  - every flow created ends exactly once, and none is left live;
 *  - every packet decoded (or held as a fragment) is in some flow's count
 *    or counted as an orphan fragment: nothing is lost (a tunnelled one
 *    once more for each carrier that is a flow); one whose tunnel's
 *    inside did not decode has its reason counted;
 *  - the tunnels recorded are at most MAX_TUNNEL_LAYERS, each of an IP
 *    family and a kind;
 *  - the table never holds more flows than its cap;
 *  - each ended flow is classified, with times and counters in order;
 *  - no nDPI state is still lent out once every flow has ended.
 *
 * State is made and freed per input, except the catalogue (immutable once
 * built) and the nDPI module (costly to set up; its per-flow states come
 * from its pool and go back to it), so an input depends on the ones
 * before it only through nDPI's own caches.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carrier.h"
#include "catalogue.h"
#include "classify.h"
#include "config.h"
#include "decode.h"
#include "dedup.h"
#include "dpi.h"
#include "flow.h"
#include "options.h"
#include "util.h"

#include "frames.h"

/* 2026-01-01T00:00:00Z in microseconds: packet time starts here. */
#define T0_US 1767225600000000ull

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct catalogue *cat;
static struct dpi *dpi;
static struct trust *trust;   /* nothing declared */

struct run {
	struct flow_table *ft;
	uint32_t max_flows;
	uint64_t ended;        /* end callbacks */
	uint64_t ended_pkts;   /* packets in the flows ended */
};

/* A broken promise: say which, then abort so libFuzzer keeps the input. */
static void broken(const char *what)
{
	fprintf(stderr, "fuzz_decode: invariant broken: %s\n", what);
	abort();
}

static void on_end(void *ctx, struct flow *f)
{
	struct run *r = ctx;
	char ip[IP_STR_MAX], t[TIME_STR_MAX];

	if (f->dpi) {
		dpi_flow_finish(dpi, f);
		classify_app(cat, dpi, f);
	}
	if (f->dpi)
		broken("an ended flow kept its nDPI state");
	r->ended++;
	r->ended_pkts += (uint64_t)f->pkts[0] + f->pkts[1];
	if (f->pkts[0] + (uint64_t)f->pkts[1] == 0)
		broken("a flow ended with no packet");
	if (f->first_us > f->last_us)
		broken("first_seen after last_seen");
	if (!f->classified || f->verdict >= V_COUNT || f->basis >= BASIS_COUNT)
		broken("a flow ended unclassified");
	if (f->end_reason == END_ACTIVE || f->end_reason >= END_COUNT)
		broken("a flow ended without a reason");
	if (f->service_row > catalogue_count(cat))
		broken("service row past the catalogue");
	/* What a report writes of each flow: the formatters must take any
	   address and time the wire gives. */
	fmt_ip(flow_client_ip(f), f->key.family, ip);
	fmt_ip(flow_server_ip(f), f->key.family, ip);
	fmt_time(f->first_us, t);
	fmt_time(f->last_us, t);
	(void)flow_client_port(f);
	(void)flow_server_port(f);
}

static uint16_t app_id(void *ctx, const char *name, size_t len)
{
	return dpi_proto_id(ctx, name, len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *devnull = fopen("/dev/null", "w");

	(void)argc;
	(void)argv;
	/* Four packets a flow: enough to reach nDPI's decisions, few
	   enough to keep runs fast. */
	dpi = dpi_new(4, DEF_DPI_MEMORY_MB);
	cat = catalogue_new();
	trust = trust_new();
	if (!dpi || !cat || !trust) {
		fprintf(stderr, "fuzz_decode: cannot set up nDPI\n");
		abort();
	}
	catalogue_set_app_ids(cat, app_id, dpi);
	if (catalogue_load_embedded(cat, devnull) != 0 ||
	    catalogue_build(cat, devnull) != 0) {
		fprintf(stderr, "fuzz_decode: cannot load the built-in catalogue\n");
		abort();
	}
	if (devnull)
		fclose(devnull);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct limits lim;
	struct decoder dec;
	struct carriers *car;
	struct run r;
	const struct flow_stats *fs;
	struct dedup dd;
	uint64_t ts = T0_US, fed = 0, e;
	uint8_t *frame = NULL;
	size_t off = 1;
	int dlt, k;

	if (size < 1)
		return 0;
	dlt = fuzz_dlts[data[0] % FUZZ_N_DLTS];
	/* The table in frames.h lists the supported types, then one not. */
	if (decode_link_supported(dlt) != (data[0] % FUZZ_N_DLTS < FUZZ_N_DLTS - 1))
		broken("frames.h and decode_link_supported() disagree");

	limits_default(&lim);
	lim.max_flows = 1 + (uint32_t)(data[0] / FUZZ_N_DLTS) % 8;
	lim.timeout_tcp = 60;
	lim.timeout_tcp_done = 2;
	lim.timeout_udp = 30;
	lim.timeout_other = 10;
	lim.max_frags = 4;
	lim.timeout_frag = 5;

	memset(&r, 0, sizeof r);
	r.max_flows = lim.max_flows;
	if (decoder_init(&dec, &lim, 1) != 0)
		abort();
	r.ft = flow_table_new(&lim, 0x1234, on_end, &r);
	car = carriers_new(0x1234, trust);
	if (!r.ft || !car || dedup_init(&dd, 1000000) != 0)
		abort();

	while (size - off >= FUZZ_REC_HDR) {
		uint32_t len = (uint32_t)data[off] << 8 | data[off + 1];
		uint8_t dt = data[off + 2], extra = data[off + 3];
		uint32_t caplen, wire;
		struct packet p;
		struct flow *f;
		bool is_new, from_b;
		enum decode_status st;
		uint64_t errs_before = 0, errs_after = 0;
		uint8_t i;

		off += FUZZ_REC_HDR;
		caplen = len < size - off ? len : (uint32_t)(size - off);
		if (dt == FUZZ_DT_BACK)
			ts = ts > FUZZ_BACK_US ? ts - FUZZ_BACK_US : 0;
		else
			ts += (uint64_t)dt * FUZZ_DT_US;
		if (extra == FUZZ_EXTRA_UNDER)
			wire = caplen ? caplen - 1 : 0;
		else
			wire = caplen + extra;
		/* A frame of length 0 is passed as NULL too, as a damaged
		   record could be. */
		for (k = 0; k < DERR_COUNT; k++)
			errs_before += dec.err[k];
		/* A copy of exactly caplen bytes, as libpcap's frame is all
		   there is: a read past it is an ASan report, not a read of
		   the next record. */
		free(frame);
		frame = caplen ? malloc(caplen) : NULL;
		if (caplen && !frame)
			abort();
		if (caplen)
			memcpy(frame, data + off, caplen);
		st = decode_packet(&dec, dlt, ts, frame, caplen, wire, &p);
		off += caplen;
		if (st == DECODE_ERROR)
			continue;
		/* The duplicate check reads the IP and transport headers. */
		(void)dedup_fingerprint(&dd, &p, 0);
		/* A held fragment joins its flow (or the orphans) later. */
		fed++;
		if (st == DECODE_HELD) {
			if (!p.ntun)
				continue;
			p.no_inner = 1;
		}
		if (p.family != 4 && p.family != 6)
			broken("decoded packet with no IP family");
		if (p.l3_len > caplen || p.payload_len > caplen)
			broken("a length past what was captured");
		if (p.ntun > MAX_TUNNEL_LAYERS)
			broken("more tunnels recorded than MAX_TUNNEL_LAYERS");
		for (i = 0; i < p.ntun; i++)
			if ((p.tun[i].family != 4 && p.tun[i].family != 6) ||
			    p.tun[i].kind == TUN_NONE || p.tun[i].kind >= TUN_COUNT)
				broken("a tunnel recorded with no family or kind");
		flow_expire(r.ft, p.ts_us);
		if (st == DECODE_OK && p.no_inner) {
			/* The packet is its carriers' alone: no flow of its
			   own, so the reason must be there. */
			for (k = 0; k < DERR_COUNT; k++)
				errs_after += dec.err[k];
			if (!p.ntun || errs_after <= errs_before)
				broken("a tunnel's inside left undecoded without a reason");
			/* Its held fragments too: a carrier counts the
			   datagram they make once (worker.c,
			   frame_carriers()), and a trusted ERSPAN layer not
			   at all. */
			fed -= 1 + p.held_pkts;
		}
		if (!p.no_inner) {
			f = flow_lookup(r.ft, &p, &is_new, &from_b);
			if (!f)
				broken("flow_lookup returned NULL");
			if (is_new) {
				classify_flow(cat, f, &p, from_b);
				dpi_flow_start(dpi, f);
			}
			if (f->dpi && dpi_packet(dpi, f, &p))
				classify_app(cat, dpi, f);
		}
		for (i = 0; i < p.ntun; i++) {
			const struct tun_layer *t = &p.tun[i];
			struct packet cp;
			struct carrier *e;
			bool trusted = carriers_see(car, t, p.wire_len, &e);

			if (trusted && tunnel_is_erspan((enum tunnel_kind)t->kind))
				continue;
			memset(&cp, 0, offsetof(struct packet, tun));
			cp.ts_us = p.ts_us;
			cp.wire_len = p.wire_len;
			cp.family = t->family;
			cp.proto = t->proto;
			cp.src = t->src;
			cp.dst = t->dst;
			cp.sport = t->sport;
			cp.dport = t->dport;
			cp.tunnel = t->kind;
			f = flow_lookup(r.ft, &cp, &is_new, &from_b);
			if (is_new)
				classify_carrier(f, t, trusted, from_b);
			fed++;
		}
		if (flow_table_stats(r.ft)->active > r.max_flows)
			broken("more live flows than --max-flows");
	}

	/* The end of input, as impwatch ends a run. */
	decoder_expire(&dec, UINT64_MAX);
	flow_flush(r.ft, END_EOF);
	fs = flow_table_stats(r.ft);
	for (e = 0, k = 0; k < END_COUNT; k++)
		e += fs->ended[k];
	if (fs->active != 0)
		broken("flows left live after the flush");
	if (r.ended != fs->created || e != fs->created)
		broken("flows created and flows ended differ");
	if (fs->peak_active > r.max_flows)
		broken("peak flows above the cap");
	if (r.ended_pkts + dec.err[DERR_FRAG_ORPHAN] != fed)
		broken("packets lost: flows and orphans do not add up");
	if (dpi_stats(dpi)->live != 0)
		broken("nDPI states still lent out after every flow ended");

	free(frame);
	dedup_free(&dd);
	flow_table_free(r.ft);
	carriers_free(car);
	decoder_free(&dec);
	return 0;
}
