/*
 * judge.c: why a run cannot be trusted, from the summary's counters and
 * the thresholds of the options: each reason a sentence in the gate, and
 * those of capture health in the summary's health verdict too.
 */
#include "judge.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "decode.h"
#include "util.h"

/* Poor capture health, for one reason: appended to the summary's
   "health" verdict and recorded as a reason the gate is inconclusive. */
__attribute__((format(printf, 4, 5)))
static void health_poor(struct run_stats *s, struct gate *g,
			enum gate_reason r, const char *fmt, ...)
{
	char why[GATE_WHY_MAX];
	size_t at = strlen(s->health_why);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(s->health_why + at, sizeof(s->health_why) - at, "%s%s",
		 at ? "; " : "", why);
	s->health_poor = true;
	gate_inconclusive(g, r, "%s", why);
}

/* The signal's name for the sentence: SIGINT, SIGTERM, or its number. */
static const char *signal_name(int sig, char buf[16])
{
	if (sig == SIGINT)
		return "SIGINT";
	if (sig == SIGTERM)
		return "SIGTERM";
	snprintf(buf, 16, "signal %d", sig);
	return buf;
}

/* Live: "SIGTERM stopped the run after 61.2 s of --duration 3600 s",
   "... after 40 of --count 100 packets", both joined by "and". */
static void why_live_cut(const struct run_stats *s, const struct options *o,
			 const struct judge_facts *f, struct gate *g)
{
	char why[GATE_WHY_MAX], sig[16];
	size_t n;

	n = (size_t)snprintf(why, sizeof(why), "%s stopped the run",
			     signal_name(f->stopped_by, sig));
	if (o->duration)
		n += (size_t)snprintf(why + n, sizeof(why) - n,
				      " after %.1f s of --duration %u s",
				      (double)f->captured_us / 1e6,
				      o->duration);
	if (o->count && n < sizeof(why))
		snprintf(why + n, sizeof(why) - n, "%s after %llu of --count "
			 "%llu packets", o->duration ? " and" : "",
			 (unsigned long long)s->work.packets,
			 (unsigned long long)o->count);
	gate_inconclusive(g, GR_INTERRUPTED, "%s", why);
}

/* "SIGTERM stopped the run: b.pcap not finished (after packet 120); not
   read: c.pcap, d.pcap": as many names as the sentence holds, then how
   many more (the summary's files list them all). */
static void why_interrupted(const struct run_stats *s, int sig_no,
			    struct gate *g)
{
	char why[GATE_WHY_MAX], sig[16];
	const char *sep = ": ";
	size_t i, n, unread = 0, named = 0;

	n = (size_t)snprintf(why, sizeof(why), "%s stopped the run",
			     signal_name(sig_no, sig));
	for (i = 0; i < s->n_files; i++) {
		const struct file_stat *fs = &s->files[i];

		if (fs->state == FILE_UNREAD)
			unread++;
		if (fs->state != FILE_INTERRUPTED || n >= sizeof(why))
			continue;
		n += (size_t)snprintf(why + n, sizeof(why) - n,
				      "%s%s not finished (after packet %llu)", sep,
				      fs->name, (unsigned long long)fs->packets);
		sep = "; ";
	}
	for (i = 0; i < s->n_files && unread; i++) {
		const struct file_stat *fs = &s->files[i];

		if (fs->state != FILE_UNREAD)
			continue;
		/* Room for this name and for ", and 255 more". */
		if (n + strlen(fs->name) + 32 > sizeof(why))
			break;
		n += (size_t)snprintf(why + n, sizeof(why) - n, "%s%s%s",
				      named ? ", " : sep, named ? "" : "not read: ",
				      fs->name);
		named++;
	}
	if (named < unread && n < sizeof(why)) {
		if (named)
			snprintf(why + n, sizeof(why) - n, ", and %zu more",
				 unread - named);
		else
			snprintf(why + n, sizeof(why) - n, "%s%zu files not read",
				 sep, unread);
	}
	gate_inconclusive(g, GR_INTERRUPTED, "%s", why);
}

/*
 * Work left undone for want of room: a flow nDPI never looked at could be
 * a protocol mismatch, a datagram pushed out of the fragment table leaves
 * fragments no flow was charged with. A flow evicted from a full flow
 * table is reported, but the rest of it is a new flow without its start:
 * never judged for TLS, its direction only what its first packet claims,
 * nDPI from its middle. A sender who fills the table between a TLS-only
 * flow's handshake and its first bytes (documented datagrams from as
 * many sources) sends those bytes in clear unjudged.
 */
static void judge_room(struct run_stats *s, struct gate *g,
		       const struct options *o)
{
	const struct dpi_stats *d = &s->work.dpi_st;
	uint64_t pushed = s->work.decode_err[DERR_FRAG_TABLE_FULL];
	uint64_t evicted = s->work.flows.ended[END_EVICTED];

	uint64_t skipped = d->over_cap + d->no_state;

	if (s->work.dpi && skipped)
		health_poor(s, g, GR_NOT_INSPECTED, "%llu flow%s not inspected "
			    "by nDPI: no room for %s state (--dpi-memory %u MB)",
			    (unsigned long long)skipped, PLURAL(skipped),
			    skipped == 1 ? "its" : "their", o->lim.dpi_memory_mb);
	if (pushed)
		health_poor(s, g, GR_FRAGS_PUSHED_OUT, "fragment table full "
			    "(--max-frags %u): %llu datagram%s pushed out, %llu "
			    "fragment%s left as orphans", o->lim.max_frags,
			    (unsigned long long)pushed, PLURAL(pushed),
			    (unsigned long long)s->work.frag_orphans,
			    PLURAL(s->work.frag_orphans));
	if (evicted)
		health_poor(s, g, GR_FLOWS_PUSHED_OUT, "flow table full "
			    "(--max-flows %u): %llu flow%s pushed out before "
			    "%s ended; the rest of %s was judged as a new "
			    "flow without its start", o->lim.max_flows,
			    (unsigned long long)evicted, PLURAL(evicted),
			    evicted == 1 ? "it" : "they",
			    evicted == 1 ? "it" : "each");
}

/*
 * Datagrams with a later fragment that began inside the first one's data
 * (frag.c): a receiver may keep the later bytes (RFC 815 leaves the
 * choice to it), and then the headers it put together are not those
 * the flow was judged on. A first fragment holding a whole SYN-ACK from
 * 5222, overlapped from byte 8 by a SYN's flags, made a session to 4444
 * documented XMPP.
 */
static void judge_overlap(const struct run_stats *s, struct gate *g)
{
	uint64_t n = s->work.decode_err[DERR_FRAG_OVERLAP];
	bool one = n == 1;

	if (n)
		gate_inconclusive(g, GR_FRAG_OVERLAP, "%llu datagram%s had a "
				  "later fragment overlapping %s first: "
				  "receivers differ in which bytes they keep, "
				  "and %s may not be what was judged",
				  (unsigned long long)n, one ? "" : "s",
				  one ? "its" : "their",
				  one ? "its headers" : "their headers");
}

/*
 * Packets the snap length cut before their transport header was whole
 * (decode.c counts them as snap-cut), and first fragments that end inside
 * a header (frag-cut): their flows, of any port, were never judged. IP
 * options, VLAN tags and IPv6 extension headers are the sender's to
 * add, so a sender who knows the snap length can put any session past
 * it; the flows that were judged do not make a pass.
 */
static void judge_cut(const struct run_stats *s, struct gate *g)
{
	uint64_t cut = s->work.decode_err[DERR_SNAP_CUT];
	uint64_t frag = s->work.decode_err[DERR_FRAG_CUT];
	bool one = cut == 1;

	if (cut)
		gate_inconclusive(g, GR_SNAP_CUT, "%llu packet%s cut by the "
				  "snap length before the transport header: "
				  "%s not judged (capture with a longer snap "
				  "length)", (unsigned long long)cut, one ? "" : "s",
				  one ? "its flow was" : "their flows were");
	one = frag == 1;
	if (frag)
		gate_inconclusive(g, GR_FRAG_CUT, "%llu first fragment%s end%s "
				  "inside a header %s flow needs (a tunnel's, the "
				  "one inside it, or TCP's flags): impwatch does not "
				  "reassemble, and %s not judged whole",
				  (unsigned long long)frag, one ? "" : "s",
				  one ? "s" : "", one ? "its" : "their",
				  one ? "that flow was" : "those flows were");
	judge_overlap(s, g);
}

/*
 * MACsec frames whose data is encrypted, PPP frames whose IP is
 * compressed or encrypted (decode_link.c): two hosts that run MACsec,
 * or PPP with compression or MPPE, between them exchange IP that no SPAN
 * can read, of any port. Counted not-ip, a session in it passed unseen.
 */
static void judge_encrypted(const struct run_stats *s, struct gate *g)
{
	uint64_t n = s->work.decode_err[DERR_MACSEC_ENCRYPTED];
	uint64_t ppp = s->work.decode_err[DERR_PPP_OPAQUE];
	char mac[96] = "", pp[128] = "";

	if (!n && !ppp)
		return;
	if (n)
		snprintf(mac, sizeof mac, "%llu frame%s MACsec-encrypted "
			 "(IEEE 802.1AE)%s", (unsigned long long)n,
			 n == 1 ? " was" : "s were", ppp ? " and " : "");
	if (ppp)
		snprintf(pp, sizeof pp, "%llu PPP frame%s compressed, "
			 "encrypted or split (VJ, CCP or MPPE, ECP, "
			 "multilink)", (unsigned long long)ppp,
			 ppp == 1 ? " was" : "s were");
	gate_inconclusive(g, GR_ENCRYPTED, "%s%s: what %s carried was not "
			  "judged", mac, pp, n + ppp == 1 ? "it" : "they");
}

/* An expression written piece by piece into b (n bytes, at used), cut
   at its end. */
struct expr {
	char *b;
	size_t n, at;
};

__attribute__((format(printf, 2, 3)))
static void expr_put(struct expr *e, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (e->at >= e->n)
		return;
	va_start(ap, fmt);
	k = vsnprintf(e->b + e->at, e->n - e->at, fmt, ap);
	va_end(ap);
	if (k > 0)
		e->at += (size_t)k;
}

/*
 * What l2_filter() matches behind k tags: the bare frames' ethertype,
 * the carrier's outer flow (in carrier), and behind one more tag, each
 * where one was met so; one term, or several joined by or. BPF's `vlan`
 * checks a tag and moves what every test after it reads by 4 bytes
 * (libpcap, whatever the parentheses), so the terms of no more tags
 * come first, and the deeper ones nest inside it. pcap's and and or
 * bind alike: every group is in parentheses.
 */
static void l2_level(const struct l2_seen *l, const char *carrier,
		     unsigned k, struct expr *e)
{
	bool bare = l->bares && (l->bare_depths >> k & 1);
	bool tun = carrier[0] && (l->tun_depths >> k & 1);
	bool deeper = ((l->bare_depths | l->tun_depths) >> (k + 1)) != 0;
	bool several = bare + tun + deeper > 1;
	const char *join = "";

	if (several)
		expr_put(e, "(");
	if (bare) {
		expr_put(e, "ether proto 0x%04x", l->bare);
		join = " or ";
	}
	if (tun) {
		expr_put(e, "%s(%s)", join, carrier);
		join = " or ";
	}
	if (deeper) {
		expr_put(e, "%s(vlan and ", join);
		l2_level(l, carrier, k + 1, e);
		expr_put(e, ")");
	}
	if (several)
		expr_put(e, ")");
}

/*
 * The filter that leaves out the l2-unknown frames of l: those met on
 * the bare frame by their (lowest) ethertype, those met in a tunnel by
 * the outer flow of its (first) carrier, its two hosts, protocol and
 * UDP port, since BPF reads only the outer headers (`ether proto` of a
 * frame inside VXLAN reads the outer frame's), each behind the tags it
 * was met behind. Empty when none of them can be reached. True when it
 * leaves out all of them.
 */
static bool l2_filter(const struct l2_seen *l, char *buf, size_t n)
{
	const struct tun_layer *t = &l->tun;
	char a[IP_STR_MAX], b[IP_STR_MAX], carrier[160] = "";
	struct expr e = { buf, n, 0 };

	buf[0] = '\0';
	if (t->kind != TUN_NONE) {
		fmt_ip(&t->src, t->family, a);
		fmt_ip(&t->dst, t->family, b);
		if (t->proto == IPPROTO_NUM_UDP)
			snprintf(carrier, sizeof carrier, "host %s and host %s "
				 "and udp port %u", a, b, t->dport);
		else
			snprintf(carrier, sizeof carrier, "host %s and host %s "
				 "and %s proto %u", a, b,
				 t->family == 4 ? "ip" : "ip6", t->proto);
	}
	if (l->bares || carrier[0]) {
		expr_put(&e, "not ");
		l2_level(l, carrier, 0, &e);
	}
	return l->bares < 2 && !l->tuns && !l->blind;
}

/* What l2_filter() leaves out, in words: the whole tunnel, whatever
   else it carries, and the frames by type; or only the first, or only
   those BPF reaches. */
static const char *l2_left_out(const struct l2_seen *l, uint64_t n, bool all)
{
	bool tun = l->tun.kind != TUN_NONE;

	if (!all)
		return l->blind ? "some of them" :
		       !l->bares ? "those of the first carrier" :
		       tun ? "those of the first ethertype and carrier" :
		       "those of the first";
	if (tun)
		return l->bares ? "them and that tunnel" : "that tunnel";
	return n == 1 ? "it" : "them";
}

/*
 * Frames of an ethertype impwatch does not decode and does not know to
 * carry no IP, and MPLS pseudowires (decode_link.c): a layer-2 tunnel
 * that Linux ends (batman-adv's 0x4305) delivers the IP inside, of any
 * port. Counted not-ip, a session in batman-adv passed unseen. The
 * sentence names the lowest such ethertype, the (first) tunnel it was
 * met in, and the filter that leaves it out, which the verdict then
 * says it judged without. --trust-tunnel is no way out: a trusted
 * carrier's frames still go unjudged.
 */
static void judge_l2_unknown(const struct run_stats *s, struct gate *g)
{
	uint64_t n = s->work.decode_err[DERR_L2_UNKNOWN];
	const struct l2_seen *l = &s->work.l2;
	const struct tun_layer *t = &l->tun;
	bool mpls = l->type == 0x8847 || l->type == 0x8848;
	char in[160] = "", f[GATE_WHY_MAX], how[GATE_WHY_MAX];
	char a[IP_STR_MAX], b[IP_STR_MAX];
	bool all;

	if (!n)
		return;
	if (t->kind != TUN_NONE) {
		bool some = l->bares || l->tuns || l->blind;

		fmt_ip(&t->src, t->family, a);
		fmt_ip(&t->dst, t->family, b);
		snprintf(in, sizeof in, "%s %s %s from %s to %s%s",
			 some ? "," : "", some ? "some inside" : "inside",
			 tunnel_name(t->kind), a, b, some ? "," : "");
	}
	all = l2_filter(l, f, sizeof f);
	if (f[0])
		snprintf(how, sizeof how, "-f '%s' leaves %s out on purpose",
			 f, l2_left_out(l, n, all));
	else
		snprintf(how, sizeof how, "no -f can leave %s out, as BPF "
			 "does not read past what carried %s", n == 1 ? "it" :
			 "them", n == 1 ? "it" : "them");
	gate_inconclusive(g, GR_L2_UNKNOWN, "%llu frame%s of %s0x%04x%s%s%s "
			  "not decoded: IP a layer-2 tunnel delivers (batman-"
			  "adv, a pseudowire) was not judged; %s",
			  (unsigned long long)n, n == 1 ? "" : "s",
			  l->types ? "ethertypes from " : "ethertype ",
			  l->type, mpls ? " (MPLS with no IP after its labels)" : "",
			  in, n == 1 ? " was" : " were", how);
}

/*
 * A packet with an IPv6 routing header, or an IPv4 loose or strict
 * source route, with hops left goes to hosts its flow does not name
 * (decode_ip.c): the one in its destination field when the flow is
 * keyed on the final destination the route names, the route's hops
 * when it ends where the packet was sent, wherever a receiver sends it
 * when its type is unknown. No verdict judged those. Ports stay, but
 * what a flow's addresses decide may not hold: roles (a host no role
 * allows, reached with a route naming an IM&P node), localhost only (a
 * forged 127.0.0.1 whose route ends at 127.0.0.1 looks as if it never
 * left its host) and a tunnel's trust (a route ending at a declared
 * collector). With or without an inventory, then.
 */
static void judge_routed(const struct run_stats *s, struct gate *g)
{
	uint64_t n = s->work.decode_err[DERR_IPV6_ROUTED] +
		     s->work.decode_err[DERR_IPV4_ROUTED];
	bool one = n == 1;

	if (n)
		gate_inconclusive(g, GR_SOURCE_ROUTED, "%llu packet%s "
				  "source-routed (an IPv6 routing header, "
				  "IPv4's LSRR or SSRR, with hops left): %s "
				  "went to %s %s do%s not name, and what %s "
				  "addresses decide (roles, localhost only, "
				  "tunnels) may not hold", (unsigned long long)n,
				  one ? " was" : "s were", one ? "it" : "they",
				  one ? "a host its" : "hosts their",
				  one ? "flow" : "flows", one ? "es" : "",
				  one ? "its flow's" : "their flows'");
}

/*
 * Input files read whole that held no packet, beside others that did (a
 * run with none at all is no-packets): "b.pcap held no packets", or "2
 * of 3 inputs held no packets: b.pcap, c.pcap", as many names as the
 * sentence holds. One of two SPAN sessions whose capture failed leaves
 * such a file, and what it was to capture was never judged. A file the
 * filter emptied is not one: its packets were read, and left out.
 */
static void judge_empty(const struct run_stats *s, struct gate *g)
{
	char why[GATE_WHY_MAX];
	size_t i, n = 0, empty = 0, named = 0;

	for (i = 0; i < s->n_files; i++)
		if (s->files[i].state == FILE_COMPLETE &&
		    s->files[i].packets + s->files[i].filtered == 0)
			empty++;
	if (!empty || s->work.packets == 0)
		return;
	if (empty > 1)
		n = (size_t)snprintf(why, sizeof(why), "%zu of %zu inputs "
				     "held no packets: ", empty, s->n_files);
	for (i = 0; i < s->n_files; i++) {
		const struct file_stat *fs = &s->files[i];

		if (fs->state != FILE_COMPLETE || fs->packets + fs->filtered)
			continue;
		/* Room for this name and for ", and 255 more" and the end. */
		if (n + strlen(fs->name) + 96 > sizeof(why))
			break;
		n += (size_t)snprintf(why + n, sizeof(why) - n, "%s%s",
				      named ? ", " : "", fs->name);
		named++;
	}
	if (named < empty && named)
		n += (size_t)snprintf(why + n, sizeof(why) - n, ", and %zu "
				      "more", empty - named);
	else if (named < empty)
		n += (size_t)snprintf(why + n, sizeof(why) - n, "%s",
				      empty > 1 ? "their names are in the "
				      "files list" : "an input");
	if (n < sizeof(why))
		snprintf(why + n, sizeof(why) - n, "%s: what %s to capture "
			 "was not judged", empty > 1 ? "" : " held no packets",
			 empty > 1 ? "they were" : "it was");
	gate_inconclusive(g, GR_EMPTY_INPUT, "%s", why);
}

/* Files: every record read, the filter's and the rest. Live: libpcap's
   kernel filter counts only what it passes. */
static void judge_filter(const struct run_stats *s, struct gate *g,
			 const struct options *o)
{
	uint64_t read = 0, left_out = 0;
	size_t i;

	if (!o->filter)
		return;
	for (i = 0; i < s->n_files; i++) {
		read += s->files[i].packets + s->files[i].filtered;
		left_out += s->files[i].filtered;
	}
	gate_filter(g, o->filter, !s->live, read, left_out);
	/* The first file it could not apply to: "left out 0 of 0" of it
	   would be said otherwise. */
	for (i = 0; i < s->n_files; i++)
		if (s->files[i].filter_refused) {
			gate_filter_refused(g, s->files[i].name, s->files[i].dlt);
			break;
		}
}

/*
 * Files: a pcapng records what its capture lost (capture.c), and a
 * dropped packet can hide a flow as well there as live. Each file is
 * judged on its own (one lossy file among clean ones still hides its
 * flows): what it says it dropped over its records plus those. A file
 * that says its losses are not known is over any threshold short of
 * 100% (which accepts any loss). The sentence names the first file
 * over the threshold.
 */
static bool file_drops_over(const struct file_stat *fs, uint32_t milli_pct,
			    uint64_t *seen)
{
	const struct file_drops *d = &fs->drops;
	uint64_t n = fs->packets + fs->filtered;

	/* A count near the top must not wrap what it is judged over. */
	*seen = n + d->dropped < n ? UINT64_MAX : n + d->dropped;
	if (d->not_known)
		return milli_pct < 100000;
	return d->dropped && gate_over(d->dropped, *seen, milli_pct);
}

/* The sentence of a file that says its losses are not known: each of
   its counts, known or not. */
static void why_not_known(struct run_stats *s, struct gate *g,
			  const struct file_stat *fs, const char *others)
{
	const struct file_drops *d = &fs->drops;
	char a[24], b[24], c[24];

	health_poor(s, g, GR_DROPS, "the capture file %s says its losses are "
		    "not known (%s by the interface, %s by the OS, %s between "
		    "packets)%s: the capture that wrote it could not count "
		    "them",
		    fs->name, file_drops_count(d, FD_IFDROP, d->ifdrop, a),
		    file_drops_count(d, FD_OSDROP, d->osdrop, b),
		    file_drops_count(d, FD_BETWEEN, d->between, c), others);
}

static void judge_file_drops(struct run_stats *s, struct gate *g,
			     const struct options *o)
{
	const struct file_stat *first = NULL;
	size_t i, more = 0;
	uint64_t seen = 0, n;
	char pct[16], others[48] = "";

	for (i = 0; i < s->n_files; i++) {
		if (!file_drops_over(&s->files[i], o->health_drops, &n))
			continue;
		if (first) {
			more++;
			continue;
		}
		first = &s->files[i];
		seen = n;
	}
	if (!first)
		return;
	fmt_milli_pct(o->health_drops, pct);
	if (more)
		snprintf(others, sizeof(others), " (and %zu other file%s)", more,
			 PLURAL(more));
	if (first->drops.not_known) {
		why_not_known(s, g, first, others);
		return;
	}
	health_poor(s, g, GR_DROPS, "the capture file %s recorded %llu packet%s "
		    "dropped (%llu by the interface, %llu by the OS, %llu "
		    "between packets), over %s%% of %llu%s: the capture that "
		    "wrote it could not keep up", first->name,
		    (unsigned long long)first->drops.dropped,
		    PLURAL(first->drops.dropped),
		    (unsigned long long)first->drops.ifdrop,
		    (unsigned long long)first->drops.osdrop,
		    (unsigned long long)first->drops.between, pct,
		    (unsigned long long)seen, others);
}

/* The reasons, in the gate's order. */
void judge_reasons(struct run_stats *s, struct gate *g,
		   const struct options *o, const struct judge_facts *f)
{
	uint64_t judged = f->tcp_judged, one_way = f->tcp_one_way;
	uint64_t records = 0, drops, seen;
	char pct[16];
	size_t i;

	if (f->stopped_by && s->live)
		why_live_cut(s, o, f, g);
	else if (f->stopped_by)
		why_interrupted(s, f->stopped_by, g);

	for (i = 0; i < s->n_files; i++)
		records += s->files[i].packets + s->files[i].filtered;
	if (s->work.packets == 0) {
		if (s->live)
			gate_inconclusive(g, GR_NO_PACKETS, "no packets: none "
					  "captured on %s", s->live->iface);
		else if (o->filter && records)
			gate_inconclusive(g, GR_NO_PACKETS, "no packets: the filter "
					  "'%s' passed none of the %llu records read",
					  o->filter, (unsigned long long)records);
		else
			gate_inconclusive(g, GR_NO_PACKETS, "no packets: the "
					  "capture%s hold%s none",
					  s->n_files > 1 ? "s" : "",
					  s->n_files > 1 ? "" : "s");
	} else if (s->work.flows.created == 0) {
		gate_inconclusive(g, GR_NO_FLOWS, "no flows: none of the %llu "
				  "packets %s made one", (unsigned long long)s->work.packets,
				  s->live ? "captured" : "read");
	}
	judge_empty(s, g);
	judge_filter(s, g, o);

	s->health_one_way_pct = o->health_one_way;
	s->health_dup_pct = o->health_dup;
	s->health_drops_milli = o->health_drops;
	/* A handful of flows says nothing of the mirror. Files are read one
	   after the other: two of the same time (a TAP's two ports, longer
	   than --time-jump) set the clock back between them, and each
	   direction is a flow of its own, the first ended by the jump. */
	if (judged >= HEALTH_MIN_FLOWS &&
	    gate_over(one_way, judged, o->health_one_way * 1000))
		health_poor(s, g, GR_ONE_WAY, "%llu of %llu TCP flows seen in one "
			    "direction only, over %u%%: the SPAN mirrors half of "
			    "each conversation%s", (unsigned long long)one_way,
			    (unsigned long long)judged, o->health_one_way,
			    s->n_files > 1 && s->work.clock_jumps_back ?
			    ", or, as the packets' clock went back, inputs "
			    "captured at the same time (a TAP's two ports) were "
			    "read one after the other: merge them by time first "
			    "(mergecap -w all.pcap FILE...)" : "");
	if (s->work.dup_checked &&
	    gate_over(s->work.dup_frames, s->work.dup_checked, o->health_dup * 1000))
		health_poor(s, g, GR_DUPLICATES, "%llu of %llu frames were "
			    "mirrored twice, over %u%%: overlapping SPAN sources",
			    (unsigned long long)s->work.dup_frames,
			    (unsigned long long)s->work.dup_checked, o->health_dup);
	judge_room(s, g, o);
	judge_cut(s, g);
	judge_encrypted(s, g);
	judge_l2_unknown(s, g);
	judge_routed(s, g);
	judge_file_drops(s, g, o);
	if (!s->live)
		return;
	/* A dropped packet can hide a flow: by default any drop is poor.
	   libpcap's received holds the kernel's drops (Linux adds them to
	   what it reports received); the interface's never reached it. */
	drops = s->live->dropped + s->live->ifdropped;
	seen = s->live->received + s->live->ifdropped;
	if (seen < drops)
		seen = drops;
	fmt_milli_pct(o->health_drops, pct);
	if (drops && gate_over(drops, seen, o->health_drops))
		health_poor(s, g, GR_DROPS, "%llu packet%s dropped by the kernel, "
			    "%llu by the interface, over %s%% of %llu: the capture "
			    "could not keep up", (unsigned long long)s->live->dropped,
			    PLURAL(s->live->dropped),
			    (unsigned long long)s->live->ifdropped, pct,
			    (unsigned long long)seen);
	/* Several interfaces, one silent: its counters hid in the sum.
	   Live, a filter that passed none there cannot be told apart. */
	if (s->live->silent && s->work.packets)
		gate_inconclusive(g, GR_EMPTY_INPUT, "%s captured no packets%s "
				  "while another interface did: what it was to "
				  "capture was not judged", s->live->silent,
				  o->filter ? " that the filter passed" : "");
	if (s->live->went_down)
		health_poor(s, g, GR_INTERFACE_DOWN, "the interface %s went down "
			    "%llu time%s (%.1f s in all): what crossed the wire "
			    "meanwhile was not seen", s->live->iface,
			    (unsigned long long)s->live->went_down,
			    PLURAL(s->live->went_down),
			    (double)s->live->down_us / 1e6);
	/* Traffic never judged, as an interrupted run's: what was read is
	   judged as a run stopped earlier would be (main.c, drain_live()). */
	if (s->live->end_not_read)
		gate_inconclusive(g, GR_END_NOT_READ, "the capture's end was not "
				  "read on %s: %u ms after the stop its drain still "
				  "found packets from before it (%llu read in the "
				  "drain); the rest was neither read nor counted as "
				  "dropped: the reader was behind (capture less with "
				  "-f, --no-dpi, more CPU)", s->live->end_not_read,
				  (unsigned)LIVE_DRAIN_MS,
				  (unsigned long long)s->live->end_read);
}

