/*
 * echo.h: ICMP echo replies that return no request's data.
 *
 * An echo reply returns the identifier, sequence number and data of the
 * request it answers (RFC 792, "Echo or Echo Reply Message"; RFC 4443
 * 4.2), as ping's replies do. Tools that carry IP or a shell over ICMP
 * (ptunnel, hans, icmpsh) send their own data back in the replies, since
 * the inside host's requests are what a stateful firewall lets out: on a
 * port-less ICMP flow that a catalogue row documents, such a tunnel was
 * a documented flow and the gate passed.
 *
 * The decoder hashes each echo request's and reply's identifier,
 * sequence number and data as captured (packet.echo_sum). Each flow
 * worker keeps the hashes of recent requests in a fixed, direct-mapped
 * table, as the duplicate window does: O(1) a packet, no allocation
 * after echo_init(). A reply whose hash no recent request of its flow
 * had is unmatched; a flow with more than ECHO_UNMATCHED_MAX of them
 * gets the icmp-tunnel finding. The few allowed are for a capture that
 * begins while requests await their replies. Replies are judged only in
 * a flow where a request was seen: with one direction mirrored (routes
 * that differ each way), the requests may never be.
 *
 * Not seen, by design (the manual says so): data in requests only (each
 * end sending its own requests, whose replies return them), replies
 * alone, and ICMP messages other than echo.
 */
#ifndef IMPWATCH_ECHO_H
#define IMPWATCH_ECHO_H

#include <stdbool.h>
#include <stdint.h>

#include "cursor.h"
#include "decode.h"

#define ECHO_SLOTS 4096           /* power of two */
#define ECHO_UNMATCHED_MAX 3      /* unmatched replies a flow may have */

enum echo_kind { ECHO_NONE, ECHO_REQUEST, ECHO_REPLY };

/* ICMP type 8 and 0 (RFC 792), ICMPv6 128 and 129 (RFC 4443 4.1, 4.2). */
static inline enum echo_kind echo_type(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMP)
		return type == 8 ? ECHO_REQUEST : type == 0 ? ECHO_REPLY : ECHO_NONE;
	if (proto == IPPROTO_NUM_ICMPV6)
		return type == 128 ? ECHO_REQUEST : type == 129 ? ECHO_REPLY
								 : ECHO_NONE;
	return ECHO_NONE;
}

/* The hash of what c holds (an echo message after its type, code and
   checksum: identifier, sequence number, data), never 0. c does not
   move. */
uint32_t echo_hash(const struct cursor *c);

struct echo {
	uint64_t *slot;           /* ECHO_SLOTS request tags, 0 empty */
	uint64_t unmatched;       /* replies no recent request had: the
	                             summary's echo_replies_unmatched */
};

/* 0, or -1 when out of memory. */
int echo_init(struct echo *e);
void echo_free(struct echo *e);

struct flow;

/*
 * Packet p of flow f, an echo request or reply (p->echo_sum not 0, its
 * protocol ICMP or ICMPv6): a request is kept, a reply looked for among
 * the flow's. True when this reply gave f the icmp-tunnel finding.
 */
bool echo_packet(struct echo *e, struct flow *f, const struct packet *p);

#endif
