/*
 * decode.c: the decoder's entry point, its counters and their names.
 *
 * decode_packet() sets up one dctx per frame and hands the frame to the
 * link layer (decode_link.c), which walks down through tags, IP
 * (decode_ip.c) and tunnels (decode_tunnel.c). First fragments met on
 * the way are entered in the fragment table here, once the packet's final
 * flow is known, so that a fragmented tunnel's later fragments join the
 * inner flow.
 */
#include "decode_int.h"
#include "options.h"

#include <stddef.h>
#include <string.h>

#define X_NAME(e, n, d) n,
#define X_DESC(e, n, d) d,
static const char *const err_names[DERR_COUNT] = { DECODE_ERRORS(X_NAME) };
static const char *const err_descs[DERR_COUNT] = { DECODE_ERRORS(X_DESC) };
#undef X_NAME
#undef X_DESC

static const char *const tun_names[TUN_COUNT] = {
	[TUN_NONE] = NULL,
	[TUN_GRE] = "gre",
	[TUN_ERSPAN1] = "erspan1",
	[TUN_ERSPAN2] = "erspan2",
	[TUN_ERSPAN3] = "erspan3",
	[TUN_VXLAN] = "vxlan",
	[TUN_IPIP] = "ipip",
	[TUN_GENEVE] = "geneve",
	[TUN_VXLAN_GPE] = "vxlan-gpe",
	[TUN_NSH] = "nsh",
};

const char *decode_err_name(enum decode_err e)
{
	return (unsigned)e < DERR_COUNT ? err_names[e] : "unknown";
}

const char *decode_err_desc(enum decode_err e)
{
	return (unsigned)e < DERR_COUNT ? err_descs[e] : "unknown reason";
}

const char *tunnel_name(enum tunnel_kind t)
{
	return (unsigned)t < TUN_COUNT ? tun_names[t] : NULL;
}

/* Whether carriers a and b are one outer flow to a BPF filter: the same
   two hosts either way, the same protocol and, over UDP, tunnel port. */
static bool tun_same_outer(const struct tun_layer *a,
			   const struct tun_layer *b)
{
	bool same = !memcmp(&a->src, &b->src, sizeof a->src) &&
		    !memcmp(&a->dst, &b->dst, sizeof a->dst);
	bool swapped = !memcmp(&a->src, &b->dst, sizeof a->src) &&
		       !memcmp(&a->dst, &b->src, sizeof a->dst);

	return a->family == b->family && a->proto == b->proto &&
	       (same || swapped) &&
	       (a->proto != IPPROTO_NUM_UDP || a->dport == b->dport);
}

void l2_seen_add(struct l2_seen *s, uint64_t had, uint16_t type,
		 const struct tun_layer *carrier, unsigned depth)
{
	if (had && type != s->type)
		s->types = true;
	if (!had || type < s->type)
		s->type = type;
	if (depth >= L2_BLIND) {
		s->blind = true;
	} else if (!carrier) {
		if (s->bares && type != s->bare)
			s->bares = 2;
		if (!s->bares || type < s->bare)
			s->bare = type;
		if (!s->bares)
			s->bares = 1;
		s->bare_depths |= (uint8_t)(1u << depth);
	} else if (s->tun.kind == TUN_NONE) {
		s->tun = *carrier;
		s->tun_depths = (uint8_t)(1u << depth);
	} else if (!tun_same_outer(&s->tun, carrier)) {
		s->tuns = true;
	} else {
		s->tun_depths |= (uint8_t)(1u << depth);
	}
}

void l2_seen_merge(struct l2_seen *into, uint64_t into_n,
		   const struct l2_seen *from, uint64_t from_n)
{
	if (!from_n)
		return;
	if (!into_n) {
		*into = *from;
		return;
	}
	into->types |= from->types || from->type != into->type;
	if (from->type < into->type)
		into->type = from->type;
	into->blind |= from->blind;
	into->bare_depths |= from->bare_depths;
	if (from->bares) {
		if (into->bares &&
		    (from->bares > 1 || from->bare != into->bare))
			into->bares = 2;
		if (!into->bares || from->bare < into->bare)
			into->bare = from->bare;
		if (!into->bares)
			into->bares = from->bares;
	}
	if (from->tun.kind != TUN_NONE) {
		if (into->tun.kind == TUN_NONE) {
			into->tun = from->tun;
			into->tun_depths = from->tun_depths;
		} else if (!tun_same_outer(&into->tun, &from->tun)) {
			into->tuns = true;
		} else {
			into->tun_depths |= from->tun_depths;
		}
		into->tuns |= from->tuns;
	}
}

int decoder_init(struct decoder *d, const struct limits *lim, uint64_t seed)
{
	/* A table of one still lets in-order fragments find their ports. */
	uint32_t max = lim->max_frags ? lim->max_frags : 1;

	memset(d, 0, sizeof *d);
	d->frag_timeout_us = (uint64_t)lim->timeout_frag * 1000000u;
	d->frags_tab = frag_table_new(max, d->frag_timeout_us, seed);
	return d->frags_tab ? 0 : -1;
}

void decoder_free(struct decoder *d)
{
	frag_table_free(d->frags_tab);
	d->frags_tab = NULL;
}

/* The fragment table keeps its own tallies; mirror them into the
   per-reason counters the summary prints. */
static void sync_frag_counters(struct decoder *d)
{
	const struct frag_stats *st = frag_table_stats(d->frags_tab);

	d->err[DERR_FRAG_ORPHAN] = st->orphans;
	d->err[DERR_FRAG_TABLE_FULL] = st->evictions;
	d->err[DERR_FRAG_OVERLAP] = st->overlaps;
}

void decoder_expire(struct decoder *d, uint64_t now_us)
{
	frag_expire(d->frags_tab, now_us);
	sync_frag_counters(d);
}

/* A header cut short: the reasons that say a header ended before its
   fields did. */
static bool err_is_cut(enum decode_err e)
{
	switch (e) {
	case DERR_LINK_TRUNC:
	case DERR_VLAN_TRUNC:
	case DERR_MPLS_TRUNC:
	case DERR_PPPOE_TRUNC:
	case DERR_CMD_TRUNC:
	case DERR_MACSEC_TRUNC:
	case DERR_IPV4_TRUNC:
	case DERR_IPV6_TRUNC:
	case DERR_IPV6_EXT_TRUNC:
	case DERR_FRAG_TRUNC:
	case DERR_TCP_TRUNC:
	case DERR_UDP_TRUNC:
	case DERR_ICMP_TRUNC:
	case DERR_GRE_TRUNC:
	case DERR_ERSPAN_TRUNC:
	case DERR_VXLAN_TRUNC:
	case DERR_GENEVE_TRUNC:
		return true;
	default:
		return false;
	}
}

enum decode_status derr(struct dctx *x, enum decode_err e)
{
	/* In a frame the snap length cut, a header cut short is the
	   capture's doing, not the sender's: what the frame carried (any
	   port: options, tags and extension headers push the transport
	   past a short snap length) was never judged, and the gate must
	   say so (judge.c), not pass on the flows it did see. Inside a
	   first fragment the rest of the header is in the next one, which
	   the receiver puts back (an IPv4 first fragment may hold 8
	   bytes) and impwatch does not: a tunnel's header cut there left
	   the packet to its outer flow, a declared tunnel's own. */
	if (x->snapped && err_is_cut(e)) {
		e = DERR_SNAP_CUT;
		x->p->truncated = 1;
	} else if (x->in_frag && err_is_cut(e)) {
		e = DERR_FRAG_CUT;
		x->p->truncated = 1;
	}
	x->d->err[e]++;
	return DECODE_ERROR;
}

bool encap_push(struct dctx *x)
{
	if (x->depth >= MAX_ENCAP_DEPTH) {
		derr(x, DERR_TOO_DEEP);
		return false;
	}
	x->depth++;
	return true;
}

bool snap_cut(struct dctx *x, const struct cursor *c)
{
	/* Ending at the last captured byte of a frame the capture cut short
	   is the snaplen at work, not a malformed header. */
	if (!x->snapped || cur_pos(c) + cur_left(c) != x->frame_end)
		return false;
	if (!x->p->truncated)
		x->d->snap_truncated++;
	x->p->truncated = 1;
	return true;
}

bool clamp_claim_short(struct dctx *x, struct cursor *c,
		       enum decode_err reason)
{
	/* Inside a first fragment, the rest is in the later fragments. */
	if (x->in_frag)
		return false;
	if (!snap_cut(x, c)) {
		x->d->err[reason]++;
		x->p->truncated = 1;
	}
	return false;
}

/* Enter the first fragments met in this packet with its final flow, and
   collect the fragments they had waiting. */
static void note_first_fragments(struct dctx *x)
{
	struct packet *p = x->p;
	struct frag_flow f;
	uint8_t i;

	memset(&f, 0, sizeof f);
	f.src = p->src;
	f.dst = p->dst;
	f.sport = p->sport;
	f.dport = p->dport;
	f.family = p->family;
	f.proto = p->proto;
	f.icmp_type = p->icmp_type;
	f.icmp_code = p->icmp_code;
	f.tunnel = p->tunnel;
	for (i = 0; i < x->npending; i++)
		frag_first(x->d->frags_tab, &x->pending[i].key, p->ts_us,
			   x->pending[i].len, &f, &p->held_pkts,
			   &p->held_bytes, &p->held_ip_bytes);
}

/* Once per packet for each kind of tunnel it came through. */
static void count_tunnels(struct dctx *x)
{
	int k;

	for (k = TUN_NONE + 1; k < TUN_COUNT; k++)
		if (x->tun_seen & (1u << k))
			x->d->tunnels[k]++;
}

void decoder_set_clock(struct decoder *d, const struct pclock *c)
{
	d->clock = c;
	pclock_init(&d->frag_clock, c->step_us);
}

/* Whether fragment entries may expire at ts_us, the fragments' time
   moved to it (decoder_set_clock() says when). */
static bool frag_time(struct decoder *d, uint64_t ts_us)
{
	if (!d->clock || pclock_in_step(&d->frag_clock, ts_us))
		return true;
	if (d->clock->set ? !pclock_near(d->clock, ts_us) : d->frag_clock.set)
		return false;
	d->frag_clock.now_us = ts_us;
	d->frag_clock.set = true;
	return true;
}

enum decode_status decode_packet(struct decoder *d, int dlt, uint64_t ts_us,
				 const uint8_t *frame, uint32_t caplen,
				 uint32_t wire_len, struct packet *p)
{
	struct dctx x;
	struct cursor c;
	enum decode_status st;

	memset(p, 0, offsetof(struct packet, tun));
	p->ts_us = ts_us;
	p->wire_len = wire_len;
	/* Lazy expiry: O(1) unless entries are due. Only a fragment makes
	   an entry: until the first, there is nothing to expire or count.
	   Not at a stamp out of step (decoder_set_clock()): the next one
	   in step does it, or the clock's tick. */
	if (d->frags && frag_time(d, ts_us))
		frag_expire(d->frags_tab, ts_us);

	x.d = d;
	x.p = p;
	x.depth = 0;
	x.in_frag = 0;
	x.tun_seen = 0;
	x.npending = 0;
	x.link_no_vlan = false;
	x.link_known = false;
	x.link_type = 0;
	x.link_tags = 0;
	/* derr() reads it, the empty frame's error too. */
	x.snapped = false;
	if (caplen == 0 || !frame) {
		st = derr(&x, DERR_CAPLEN_ZERO);
		goto out;
	}
	/* A broken capture file; decode what is there. */
	if (caplen > wire_len)
		d->err[DERR_CAPLEN_OVER_LEN]++;
	x.frame = frame;
	x.frame_end = frame + caplen;
	x.snapped = caplen < wire_len;
	cur_init(&c, frame, caplen);

	st = decode_link(&x, dlt, &c);
	if (st == DECODE_OK && x.npending)
		note_first_fragments(&x);
	if (st != DECODE_ERROR && x.tun_seen)
		count_tunnels(&x);
out:
	if (st == DECODE_ERROR) {
		memset(p, 0, offsetof(struct packet, tun));
		p->ts_us = ts_us;
		p->wire_len = wire_len;
	}
	if (d->frags)
		sync_frag_counters(d);
	return st;
}
