/*
 * pipeline.c: the per-packet path shared by file reading and live capture.
 */
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <pcap/pcap.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"

/* The catalogue's resolver of apps names: nDPI's id of each, 0 for a
   name it does not know (a load error). */
static uint16_t app_id(void *ctx, const char *name, size_t len)
{
	return dpi_proto_id(ctx, name, len);
}

/* The catalogue in force: built in or --rules, then each --rules-add. */
struct catalogue *pipeline_load_catalogue(const struct pipeline_cfg *cfg,
					  struct dpi *dpi, FILE *err)
{
	struct catalogue *cat = catalogue_new();
	size_t i;
	int rc;

	if (!cat) {
		fprintf(err, "impwatch: out of memory\n");
		return NULL;
	}
	if (dpi)
		catalogue_set_app_ids(cat, app_id, dpi);
	catalogue_set_ephemeral(cat, cfg->lim->ephemeral_lo,
				cfg->lim->ephemeral_hi);
	rc = cfg->rules ? catalogue_load_file(cat, cfg->rules, false, err)
			: catalogue_load_embedded(cat, err);
	for (i = 0; rc == 0 && i < cfg->n_rules_add; i++)
		rc = catalogue_load_file(cat, cfg->rules_add[i], true, err);
	if (rc == 0)
		rc = catalogue_build(cat, err);
	if (rc != 0) {
		catalogue_free(cat);
		return NULL;
	}
	return cat;
}

/*
 * One alert per flow that is a finding, as soon as it is one: at its first
 * packet for an undocumented or local-only flow, when nDPI decides for a
 * documented flow that turns out a protocol mismatch. A local-only flow
 * that nDPI later finds to be a mismatch keeps its one alert; its record
 * says protocol-mismatch.
 */
static void maybe_alert(struct pipeline *pl, struct flow *f)
{
	struct flow_record rec;

	if (!pl->alerts || f->alerted ||
	    !verdict_is_finding((enum verdict)f->verdict))
		return;
	f->alerted = 1;
	pl->alerts_sent++;
	record_from_flow(&rec, f, pl->dpi, pl->hosts);
	report_alert(pl->rep, &rec);
}

static void on_flow_end(void *ctx, struct flow *f)
{
	struct pipeline *pl = ctx;
	struct flow_record rec;

	if (f->dpi) {
		dpi_flow_finish(pl->dpi, f);
		classify_app(pl->cat, pl->dpi, f);
	}
	maybe_alert(pl, f);
	record_from_flow(&rec, f, pl->dpi, pl->hosts);
	report_flow(pl->rep, &rec);
}

int pipeline_open(struct pipeline *pl, const struct pipeline_cfg *cfg,
		  FILE *err)
{
	size_t i;

	memset(pl, 0, sizeof(*pl));
	pl->last_dlt = -1;
	pl->dump_dlt = -1;
	/* --no-dpi: no nDPI module at all, and no state per flow. */
	if (!cfg->no_dpi && !(pl->dpi = dpi_new(cfg->lim->dpi_packets, cfg->lim->dpi_memory_mb))) {
		fprintf(err, "impwatch: cannot initialise nDPI (out of memory, "
			"or not the libndpi impwatch was built with)\n");
		return -1;
	}
	pl->cat = pipeline_load_catalogue(cfg, pl->dpi, err);
	if (!pl->cat)
		return -1;
	if (cfg->hosts && !(pl->hosts = hosts_load(cfg->hosts, err)))
		return -1;
	pl->trust = trust_new();
	if (!pl->trust)
		goto oom;
	for (i = 0; i < cfg->n_trust; i++) {
		char why[128];

		if (trust_add(pl->trust, cfg->trust[i], why, sizeof(why)) != 0) {
			fprintf(err, "impwatch: invalid value '%s' for "
				"--trust-tunnel: %s\n", cfg->trust[i], why);
			return -1;
		}
	}
	trust_set_hosts(pl->trust, pl->hosts);
	pl->carriers = carriers_new(cfg->seed, pl->trust);
	if (!pl->carriers)
		goto oom;
	if (dedup_init(&pl->dedup, cfg->dup_window_us) != 0)
		goto oom;
	if (decoder_init(&pl->dec, cfg->lim, cfg->seed) != 0)
		goto oom;
	pclock_init(&pl->clock, (uint64_t)cfg->lim->time_jump * 1000000u);
	pl->ft = flow_table_new(cfg->lim, cfg->seed, on_flow_end, pl);
	if (!pl->ft)
		goto oom;
	/* The arena's pages are touched only as far as frames fill it. */
	pl->queue = calloc(PIPE_BATCH, sizeof(*pl->queue));
	pl->arena = malloc(PIPE_ARENA);
	if (!pl->queue || !pl->arena)
		goto oom;
	return 0;
oom:
	fprintf(err, "impwatch: out of memory (--max-flows %u)\n",
		cfg->lim->max_flows);
	return -1;
}

int pipeline_dump_open(struct pipeline *pl, const char *path, int dlt,
		       int snaplen, FILE *err)
{
	int fd;

	/* Created now, so that a path that cannot be written fails before
	   any reading; the pcap header waits for the link type. Evidence
	   holds what crossed the wire, passwords included: only its owner
	   may read it (the umask may take more away, never add). */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(pl->dump_file = fdopen(fd, "wb"))) {
		fprintf(err, "impwatch: cannot write %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	pl->dump_path = path;
	pl->dump_name = path;
	pl->dump_snaplen = snaplen;
	pl->dump_dlt = dlt;
	return 0;
}

/* Give the dump up: nothing more is written, and why is kept for the
   summary and for pipeline_dump_close() to say. */
static void dump_fail(struct pipeline *pl, const char *why)
{
	if (!pl->dump_failed)
		snprintf(pl->dump_error, sizeof(pl->dump_error), "%s", why);
	pl->dump_failed = true;
}

/* Write the pcap header of the dump for link type dlt; false (and the
   dump given up) when libpcap cannot. */
static bool dump_start(struct pipeline *pl, int dlt)
{
	pcap_t *dead = pcap_open_dead(dlt, pl->dump_snaplen);
	pcap_dumper_t *d;

	if (!dead) {
		dump_fail(pl, "out of memory");
		return false;
	}
	d = pcap_dump_fopen(dead, pl->dump_file);
	if (!d) {
		dump_fail(pl, pcap_geterr(dead));
		pcap_close(dead);
		return false;
	}
	pl->dump_file = NULL;   /* the dumper owns it now */
	pl->dump = d;
	pl->dump_pcap = dead;
	pl->dump_dlt = dlt;
	return true;
}

/* Keep the frame as evidence: its flow, or a carrier it came through,
   is a finding. Its first dump_snaplen bytes, and its length on the
   wire. */
static void dump_frame(struct pipeline *pl, int dlt, uint64_t ts_us,
		       const uint8_t *bytes, uint32_t caplen, uint32_t wire_len)
{
	struct pcap_pkthdr h;

	if (pl->dump_failed)
		return;
	if (!pl->dump && !dump_start(pl, pl->dump_dlt >= 0 ? pl->dump_dlt : dlt))
		return;
	/* One link type per pcap file: frames of another file's are counted
	   and left out rather than written wrongly. */
	if (dlt != pl->dump_dlt) {
		pl->dump_skipped++;
		return;
	}
	h.ts.tv_sec = (time_t)(ts_us / 1000000u);
	h.ts.tv_usec = (suseconds_t)(ts_us % 1000000u);
	h.caplen = caplen < (uint32_t)pl->dump_snaplen ? caplen
						       : (uint32_t)pl->dump_snaplen;
	h.len = wire_len;
	pcap_dump((u_char *)pl->dump, &h, bytes);
	/* stdio writes when its buffer fills: a full disk shows here, as
	   the stream's error flag, the first time a write fails. What
	   follows a gap would be no capture at all: stop there. */
	if (ferror(pcap_dump_file(pl->dump))) {
		dump_fail(pl, strerror(errno));
		return;
	}
	pl->dumped++;
}

/* How much of the batch drain() takes through the table. */
enum drain_how {
	DRAIN_KEEP,    /* all but the last CLOCK_AHEAD: more frames come */
	DRAIN_ALL,     /* all: a frame comes that cannot join the batch */
	DRAIN_END      /* all: the input ends */
};

static void drain(struct pipeline *pl, enum drain_how how);

/* Counting and decoding. False when the frame stops here (malformed, or
   a held fragment that came through no tunnel). */
static bool frame_decode(struct pipeline *pl, int dlt, uint64_t ts_us,
			 const uint8_t *bytes, uint32_t caplen,
			 uint32_t wire_len, struct packet *p)
{
	enum decode_status st;

	pl->packets++;
	pl->bytes += wire_len;
	pl->last_dlt = dlt;
	st = decode_packet(&pl->dec, dlt, ts_us, bytes, caplen, wire_len, p);
	if (st == DECODE_HELD && p->ntun) {
		/* A fragment waiting for its first one: its own flow gets it
		   later, the tunnels it came through count it now. */
		p->no_inner = 1;
		return true;
	}
	return st == DECODE_OK;
}

/* What a stamp did to the clock, done to the flows: a believed jump back
   leaves every live flow last seen after the new time, unable to idle out
   on it (and in the way of the flows behind it on the expiry lists):
   they end, as idle, before the packet that went back is counted. */
static void clock_moved(struct pipeline *pl, enum pclock_what what)
{
	if (what == PCLOCK_JUMP_BACK)
		flow_flush(pl->ft, END_IDLE);
}

/* True when tunnel layer t's outer flow is the flow of the IP header
   (family, proto, src, dst, ports), either way round. */
static bool same_outer(const struct tun_layer *t, uint8_t family, uint8_t proto,
		       const struct ip_addr *src, const struct ip_addr *dst,
		       uint16_t sport, uint16_t dport)
{
	if (t->family != family || t->proto != proto)
		return false;
	if (memcmp(&t->src, src, sizeof(*src)) == 0 &&
	    memcmp(&t->dst, dst, sizeof(*dst)) == 0)
		return t->sport == sport && t->dport == dport;
	return memcmp(&t->src, dst, sizeof(*dst)) == 0 &&
	       memcmp(&t->dst, src, sizeof(*src)) == 0 &&
	       t->sport == dport && t->dport == sport;
}

/* True when layer i of p would count p a second time to a flow it is in
   already: a GRE keepalive comes back inside its own tunnel, between the
   same two ends (and a packet whose own flow is that of a carrier). */
static bool counted_already(const struct packet *p, uint8_t i)
{
	const struct tun_layer *t = &p->tun[i];
	uint8_t j;

	if (!p->no_inner && same_outer(t, p->family, p->proto, &p->src,
				       &p->dst, p->sport, p->dport))
		return true;
	for (j = 0; j < i; j++)
		if (same_outer(t, p->tun[j].family, p->tun[j].proto,
			       &p->tun[j].src, &p->tun[j].dst, p->tun[j].sport,
			       p->tun[j].dport))
			return true;
	return false;
}

/*
 * Each tunnel p came through: count it to its carrier and, for an overlay
 * or an ERSPAN session the site did not trust, to the carrier's flow (one
 * per outer 5-tuple), judged by trust. True when one of those flows is a
 * finding. Only tunnelled packets come here.
 */
static bool frame_carriers(struct pipeline *pl, const struct packet *p)
{
	bool finding = false;
	uint8_t i;

	for (i = 0; i < p->ntun; i++) {
		const struct tun_layer *t = &p->tun[i];
		struct carrier *e;
		struct packet cp;
		struct flow *f;
		bool trusted, is_new, from_b;

		if (counted_already(p, i))
			continue;
		trusted = carriers_see(pl->carriers, t, p->wire_len, &e);
		/* Trusted ERSPAN is the capture's own transport. */
		if (trusted && tunnel_is_erspan((enum tunnel_kind)t->kind))
			continue;
		memset(&cp, 0, offsetof(struct packet, tun));
		cp.ts_us = p->ts_us;
		cp.wire_len = p->wire_len;
		cp.family = t->family;
		cp.proto = t->proto;
		cp.src = t->src;
		cp.dst = t->dst;
		cp.sport = t->sport;
		cp.dport = t->dport;
		cp.tunnel = t->kind;
		cp.vlan = i == 0 ? p->vlan : 0;
		cp.ip_len = t->ip_len;
		cp.dscp = t->dscp;
		f = flow_lookup(pl->ft, &cp, &is_new, &from_b);
		if (is_new) {
			classify_carrier(f, t, trusted, from_b);
			if (e)
				e->flows++;
		}
		if (pl->alerts && !f->alerted)
			maybe_alert(pl, f);
		finding |= verdict_is_finding((enum verdict)f->verdict);
	}
	return finding;
}

/* The rest: the flow, its classification, nDPI, alert, the carriers of
   its tunnels and evidence. p's time is the one the clock gave it;
   stamp_us is the frame's own, which the evidence keeps. */
static void frame_flow(struct pipeline *pl, const struct packet *p,
		       const struct flow_prep *prep, int dlt,
		       const uint8_t *bytes, uint32_t caplen, uint64_t stamp_us)
{
	struct flow *f;
	bool is_new, from_b, finding = false;

	flow_expire(pl->ft, pl->clock.now_us);
	if (!p->no_inner) {
		f = flow_lookup_prepared(pl->ft, p, prep, &is_new, &from_b);
		if (is_new) {
			classify_flow(pl->cat, f, p, from_b);
			classify_roles(pl->cat, pl->hosts, f);
			if (pl->dpi)
				dpi_flow_start(pl->dpi, f);
		}
		/* A decided flow (or --no-dpi) pays this one test and no
		   more. */
		if (f->dpi && dpi_packet(pl->dpi, f, p))
			classify_app(pl->cat, pl->dpi, f);
		if (pl->alerts && !f->alerted)
			maybe_alert(pl, f);
		/* Read now: the carriers' lookups may move f. */
		finding = verdict_is_finding((enum verdict)f->verdict);
	}
	if (p->ntun && frame_carriers(pl, p))
		finding = true;
	if (pl->dump_path && finding)
		dump_frame(pl, dlt, stamp_us, bytes, caplen, p->wire_len);
}

void pipeline_packet(struct pipeline *pl, int dlt, uint64_t ts_us,
		     const uint8_t *bytes, uint32_t caplen, uint32_t wire_len)
{
	struct packet p;
	struct flow_prep prep;

	if (!frame_decode(pl, dlt, ts_us, bytes, caplen, wire_len, &p))
		return;
	flow_prepare(pl->ft, &p, &prep);
	/* A copy of a frame the SPAN already gave: counted, left out. */
	if (dedup_is_copy(&pl->dedup, &p, flow_prep_ends(&prep)))
		return;
	/* The kernel stamped it from the clock pipeline_tick() reads: it
	   moves the clock on. A frame that waited in the capture buffer is
	   older than the last tick: it keeps its stamp and moves nothing
	   back (only the wall clock does that). */
	if (!pl->clock.set || ts_us > pl->clock.now_us)
		(void)pclock_tick(&pl->clock, ts_us);
	frame_flow(pl, &p, &prep, dlt, bytes, caplen, ts_us);
}

/* A frame read from a file, taken through the table on its own (one
   larger than the arena): nothing ahead confirms a jump. */
static void file_frame_now(struct pipeline *pl, int dlt, uint64_t ts_us,
			   const uint8_t *bytes, uint32_t caplen,
			   uint32_t wire_len)
{
	struct packet p;
	struct flow_prep prep;
	enum pclock_what what;

	if (!frame_decode(pl, dlt, ts_us, bytes, caplen, wire_len, &p))
		return;
	flow_prepare(pl->ft, &p, &prep);
	if (dedup_is_copy(&pl->dedup, &p, flow_prep_ends(&prep)))
		return;
	p.ts_us = pclock_packet(&pl->clock, ts_us, NULL, 0, false, &what);
	clock_moved(pl, what);
	frame_flow(pl, &p, &prep, dlt, bytes, caplen, ts_us);
}

/*
 * Offline, frames wait in a batch of up to PIPE_BATCH before they meet
 * the flow table. A lookup is two loads from memory the cache has rarely
 * kept (the hash bucket, then the flow): one frame at a time, the CPU
 * waits for each in turn. Held in a batch, each frame's bucket is asked
 * for as it is decoded and its flow before the first frame is looked up,
 * so the waits overlap. Frames still go through the table one by one, in
 * order: the batch changes when the work happens, not what it does.
 *
 * nDPI and the evidence dump read a frame's bytes after its lookup, and
 * libpcap reuses its buffer for the next record: with either, the frame
 * is copied into the arena. Without them nothing reads the bytes after
 * decoding, and nothing is copied.
 *
 * The batch is also the clock's lookahead: a frame's stamp is believed or
 * not (pclock.h) from the stamps of the CLOCK_AHEAD frames after it, so
 * the last CLOCK_AHEAD of a batch wait, with their bytes, for the next.
 */
void pipeline_queue(struct pipeline *pl, int dlt, uint64_t ts_us,
		    const uint8_t *bytes, uint32_t caplen, uint32_t wire_len)
{
	struct pipe_item *it;
	bool copy = pl->dpi || pl->dump_path;

	if (copy && caplen > PIPE_ARENA) {
		/* Larger than the arena: through on its own, in order. */
		drain(pl, DRAIN_ALL);
		file_frame_now(pl, dlt, ts_us, bytes, caplen, wire_len);
		return;
	}
	if (copy) {
		if (PIPE_ARENA - pl->arena_used < caplen)
			pipeline_drain(pl);
		/* The frames kept back still fill it: all of them then. */
		if (PIPE_ARENA - pl->arena_used < caplen)
			drain(pl, DRAIN_ALL);
		memcpy(pl->arena + pl->arena_used, bytes, caplen);
		bytes = pl->arena + pl->arena_used;
	}
	it = &pl->queue[pl->queued];
	if (!frame_decode(pl, dlt, ts_us, bytes, caplen, wire_len, &it->p))
		return;
	flow_prepare(pl->ft, &it->p, &it->prep);
	/* Whether it is a copy is decided in order, in the drain; the
	   fingerprint needs the bytes, so it is taken now. */
	it->fp = dedup_fingerprint(&pl->dedup, &it->p, flow_prep_ends(&it->prep));
	dedup_prefetch(&pl->dedup, it->fp);
	if (copy) {
		pl->arena_used += caplen;
	} else {
		/* They point into libpcap's buffer, which the next record
		   overwrites: nothing may follow them. */
		it->p.l3 = it->p.payload = NULL;
		bytes = NULL;
	}
	it->dlt = dlt;
	it->bytes = bytes;
	it->caplen = caplen;
	if (++pl->queued == PIPE_BATCH)
		pipeline_drain(pl);
}

/* Move the frames [from, queued) to the front of the batch, and their
   bytes to the front of the arena (they are its last bytes, in order). */
static void keep_back(struct pipeline *pl, size_t from)
{
	size_t i, n = pl->queued - from, start = pl->arena_used;

	for (i = from; i < pl->queued; i++)
		if (pl->queue[i].bytes) {
			start = (size_t)(pl->queue[i].bytes - pl->arena);
			break;
		}
	memmove(pl->queue, pl->queue + from, n * sizeof(*pl->queue));
	pl->queued = n;
	if (start == pl->arena_used) {
		pl->arena_used = 0;
		return;
	}
	memmove(pl->arena, pl->arena + start, pl->arena_used - start);
	pl->arena_used -= start;
	for (i = 0; i < n; i++) {
		struct pipe_item *it = &pl->queue[i];

		/* Pointers into the arena move with the bytes. */
		if (it->bytes)
			it->bytes -= start;
		if (it->p.l3)
			it->p.l3 -= start;
		if (it->p.payload)
			it->p.payload -= start;
	}
}

/* Take the batch through the table, in order: all of it, or all but the
   last CLOCK_AHEAD frames, kept for the stamps of the frames to come. */
static void drain(struct pipeline *pl, enum drain_how how)
{
	size_t i, k, done = pl->queued;
	uint64_t ahead[CLOCK_AHEAD];

	if (how == DRAIN_KEEP)
		done = done > CLOCK_AHEAD ? done - CLOCK_AHEAD : 0;
	for (i = 0; i < done; i++)
		flow_prefetch(pl->ft, &pl->queue[i].prep);
	for (i = 0; i < done; i++)
		flow_prefetch_links(pl->ft, &pl->queue[i].prep);
	for (i = 0; i < done; i++) {
		struct pipe_item *it = &pl->queue[i];
		uint64_t stamp = it->p.ts_us;
		enum pclock_what what;

		if (dedup_check(&pl->dedup, it->fp, stamp))
			continue;
		for (k = 0; k < CLOCK_AHEAD && i + 1 + k < pl->queued; k++)
			ahead[k] = pl->queue[i + 1 + k].p.ts_us;
		it->p.ts_us = pclock_packet(&pl->clock, stamp, ahead, k,
					    how == DRAIN_END && i + 1 == done,
					    &what);
		clock_moved(pl, what);
		frame_flow(pl, &it->p, &it->prep, it->dlt, it->bytes, it->caplen,
			   stamp);
	}
	keep_back(pl, done);
}

void pipeline_drain(struct pipeline *pl)
{
	drain(pl, DRAIN_KEEP);
}

void pipeline_tick(struct pipeline *pl, uint64_t now_us)
{
	drain(pl, DRAIN_ALL);
	clock_moved(pl, pclock_tick(&pl->clock, now_us));
	decoder_expire(&pl->dec, now_us);
	flow_expire(pl->ft, pl->clock.now_us);
}

void pipeline_finish(struct pipeline *pl, enum end_reason why)
{
	drain(pl, DRAIN_END);
	decoder_expire(&pl->dec, UINT64_MAX);
	flow_flush(pl->ft, why);
}

bool pipeline_has_findings(const struct pipeline *pl)
{
	return report_has_findings(pl->rep);
}

void pipeline_stats(const struct pipeline *pl, struct run_stats *s)
{
	s->packets = pl->packets;
	s->bytes = pl->bytes;
	s->dec = &pl->dec;
	s->flows = flow_table_stats(pl->ft);
	s->dpi = pl->dpi ? dpi_stats(pl->dpi) : NULL;
	s->alerts = pl->alerts_sent;
	/* A dump that failed holds no frame anyone can count on. */
	s->dump_path = pl->dump_name;
	s->dumped = pl->dump_failed ? 0 : pl->dumped;
	s->dump_skipped = pl->dump_skipped;
	s->clock = &pl->clock;
	s->dump_error = pl->dump_failed ? pl->dump_error : NULL;
	s->dup_frames = pl->dedup.copies;
	s->dup_checked = pl->dedup.seen;
	s->carriers = pl->carriers;
	s->trust = pl->trust;
}

int pipeline_dump_close(struct pipeline *pl, FILE *err)
{
	/* No finding at all: still a valid (empty) capture file, of the
	   link type seen, Ethernet when none was. */
	if (pl->dump_file && !pl->dump_failed)
		dump_start(pl, pl->dump_dlt >= 0 ? pl->dump_dlt :
			       pl->last_dlt >= 0 ? pl->last_dlt : DLT_EN10MB);
	if (pl->dump_file) {
		if (fclose(pl->dump_file) != 0)
			dump_fail(pl, strerror(errno));
		pl->dump_file = NULL;
	}
	if (pl->dump) {
		/* pcap_dump_close() says nothing of a failed write: what
		   stdio still holds is written, and checked, first. */
		if (pcap_dump_flush(pl->dump) != 0 ||
		    ferror(pcap_dump_file(pl->dump)))
			dump_fail(pl, strerror(errno));
		pcap_dump_close(pl->dump);
		pcap_close(pl->dump_pcap);
		pl->dump = NULL;
		pl->dump_pcap = NULL;
	}
	if (!pl->dump_path)
		return 0;
	pl->dump_path = NULL;
	if (!pl->dump_failed)
		return 0;
	fprintf(err, "impwatch: cannot write %s: %s\n", pl->dump_name,
		pl->dump_error);
	return -1;
}

void pipeline_close(struct pipeline *pl)
{
	pipeline_dump_close(pl, stderr);
	flow_table_free(pl->ft);
	pl->ft = NULL;
	decoder_free(&pl->dec);
	catalogue_free(pl->cat);
	pl->cat = NULL;
	dpi_free(pl->dpi);
	pl->dpi = NULL;
	hosts_free(pl->hosts);
	pl->hosts = NULL;
	carriers_free(pl->carriers);
	pl->carriers = NULL;
	trust_free(pl->trust);
	pl->trust = NULL;
	dedup_free(&pl->dedup);
	free(pl->queue);
	pl->queue = NULL;
	free(pl->arena);
	pl->arena = NULL;
}
