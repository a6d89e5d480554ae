/*
 * connstate.h: Zeek's conn_state of a flow (conn.log's S0, SF, REJ...),
 * so that 1,930 unanswered SYNs of a scan read as attempts, not sessions,
 * and a record can be set beside Zeek's.
 *
 * The codes and their rules are Zeek's (base/protocols/conn/main.zeek,
 * function conn_state), computed from the state Zeek's TCP analyzer keeps
 * for each endpoint (TCPSessionAdapter.cc, UpdateStateMachine and the
 * functions it calls): inactive, SYN sent, partial (traffic without a
 * SYN), established, closed (FIN sent), reset (RST sent). The flow table
 * runs that machine on every TCP packet (connstate_tcp(), a few bit
 * operations once a connection is established); conn_state() reads it at
 * the end with Zeek's rules.
 *
 * The originator is the flow's client as impwatch decides it (classify.h:
 * the sender of the SYN when one was seen first, which is Zeek's
 * originator too). Where Zeek's machine asks "is this packet from the
 * originator?" (a SYN from an endpoint that sent nothing yet; an empty
 * packet while the other end is in SYN sent), the machine here answers
 * from the packets themselves, as the opening SYN makes the originator:
 * a SYN without ACK that no SYN from the other end preceded opens; a
 * SYN+ACK, or a second bare SYN, answers. So the flow table needs no
 * direction while it runs, and both agree whenever the client is the
 * side that sent the first SYN.
 *
 * Where impwatch differs from Zeek, on purpose or for want of data:
 *  - Zeek counts orig_bytes/resp_bytes from sequence numbers; REJ's "no
 *    bytes either way" is read here as "no TCP payload seen either way".
 *  - RSTOS0 needs Zeek's history to match ^?S[^HAFGIQ]*R.*: here, the
 *    flow's first packet was the client's SYN (without ACK), and the
 *    client sent no SYN+ACK, pure ACK, FIN, FIN+RST or SYN with FIN or
 *    RST before its RST. Content gaps (G) are not tracked: impwatch does
 *    not reassemble.
 *  - Zeek drops TCP packets with a bad checksum before its state machine;
 *    impwatch does not verify checksums.
 *  - A TCP SYN+ACK that starts a flow stays a responder's here; Zeek may
 *    take its sender for the originator until the next packet flips it.
 *  - The flow ends where impwatch's flow table ends it (idle timeout,
 *    FIN or RST linger, a new SYN on a closed flow), which is close to,
 *    but not always where, Zeek's connection ends.
 * UDP: S0 when only the client sent, SF both ways, SHR only the server,
 * as Zeek. Every other protocol (ICMP included) is OTH, as Zeek.
 */
#ifndef IMPWATCH_CONNSTATE_H
#define IMPWATCH_CONNSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "flow.h"

#define CONN_STATES(X) \
	X(CS_S0,     "S0",     "connection attempt seen, no reply") \
	X(CS_S1,     "S1",     "connection established, not terminated") \
	X(CS_SF,     "SF",     "normal establishment and termination") \
	X(CS_REJ,    "REJ",    "connection attempt rejected") \
	X(CS_S2,     "S2",     "established, close attempt by originator seen (no reply from responder)") \
	X(CS_S3,     "S3",     "established, close attempt by responder seen (no reply from originator)") \
	X(CS_RSTO,   "RSTO",   "established, originator aborted (sent a RST)") \
	X(CS_RSTR,   "RSTR",   "responder sent a RST") \
	X(CS_RSTOS0, "RSTOS0", "originator sent a SYN followed by a RST, no SYN+ACK from the responder") \
	X(CS_RSTRH,  "RSTRH",  "responder sent a SYN+ACK followed by a RST, no SYN from the originator") \
	X(CS_SH,     "SH",     "originator sent a SYN followed by a FIN, no SYN+ACK from the responder") \
	X(CS_SHR,    "SHR",    "responder sent a SYN+ACK followed by a FIN, no SYN from the originator") \
	X(CS_OTH,    "OTH",    "no SYN seen, just midstream traffic")

#define X_ENUM(e, n, d) e,
enum conn_state {
	CONN_STATES(X_ENUM)
	CS_COUNT
};
#undef X_ENUM

/* Zeek's TCP endpoint states (its TCP_Endpoint.h), in a nibble of
   flow.tcp_ends per side: A's in bits 0-2, B's in bits 4-6. Zeek's
   SYN_ACK_SENT (an originator whose first SYN carried an ACK) is never
   entered here: a SYN+ACK answers. */
enum zeek_tcp_state {
	ZT_INACTIVE = 0,   /* nothing sent yet */
	ZT_SYN_SENT,       /* opened with a SYN, not answered */
	ZT_PARTIAL,        /* sent without a SYN first: midstream */
	ZT_ESTABLISHED,
	ZT_CLOSED,         /* sent a FIN */
	ZT_RESET           /* sent a RST */
};
#define ZT_MASK        0x07
#define ZT_FROM_CLOSED 0x08   /* reset after its own FIN (Zeek's prev_state
                                 CLOSED): a FIN from the other end then
                                 turns it back to closed */

/* Facts in flow.tcp_facts; an A bit shifted left by one is B's. */
#define TF_DATA_A   0x01   /* side A sent TCP payload (not with a RST) */
#define TF_DATA_B   0x02
#define TF_EARLY_A  0x04   /* side A sent what Zeek's history marks H, A,
                              F, I or Q before any RST of its own */
#define TF_EARLY_B  0x08
#define TF_FIRST_SYN 0x10  /* the flow's first packet was a SYN without
                              ACK, FIN or RST (history starts with S) */

/* Side dir's (0 A, 1 B) endpoint state. */
static inline enum zeek_tcp_state connstate_tcp_end(const struct flow *f,
						    unsigned dir)
{
	return (enum zeek_tcp_state)((f->tcp_ends >> (4 * (dir & 1))) & ZT_MASK);
}

/* The state machine's work for packets that may change a state. */
void connstate_tcp_slow(struct flow *f, unsigned dir, uint8_t flags,
			bool data, bool first);

/*
 * Run Zeek's endpoint state machine for one TCP packet of f from side dir
 * with TCP flags `flags`, carrying payload when data; first when it is
 * the flow's first packet. Called by the flow table. An established or
 * closed endpoint's packet without SYN, FIN or RST, nearly every packet
 * of a connection, costs a test and an OR.
 */
static inline void connstate_tcp(struct flow *f, unsigned dir, uint8_t flags,
				 bool data, bool first)
{
	enum zeek_tcp_state me = connstate_tcp_end(f, dir);

	if (!(flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) &&
	    (me == ZT_ESTABLISHED || me == ZT_CLOSED)) {
		/* Data ('D'), or a pure ACK ('A' in Zeek's history). */
		f->tcp_facts |= (uint8_t)((data ? TF_DATA_A :
					   (flags & TCPF_ACK) ? TF_EARLY_A : 0) << (dir & 1));
		return;
	}
	connstate_tcp_slow(f, dir, flags, data, first);
}

/* Zeek's conn_state of flow f, at its end (or now, for a live flow),
   with its client (classify.h) as originator. */
enum conn_state conn_state(const struct flow *f);

/* "S0", "SF"...; "OTH" for an unknown value. */
const char *conn_state_name(enum conn_state s);
/* Zeek's one-line meaning of each code. */
const char *conn_state_desc(enum conn_state s);

#endif
