/*
 * connstate.c: Zeek's TCP endpoint state machine and conn_state rules
 * (what they are, and where impwatch departs from them: connstate.h).
 */
#include "connstate.h"

#define X_NAME(e, n, d) n,
#define X_DESC(e, n, d) d,
static const char *const cs_names[CS_COUNT] = { CONN_STATES(X_NAME) };
static const char *const cs_descs[CS_COUNT] = { CONN_STATES(X_DESC) };
#undef X_NAME
#undef X_DESC

/* One endpoint's nibble: its state and the reset-after-FIN mark. */
struct end {
	uint8_t st;
	uint8_t from_closed;
};

static struct end get_end(const struct flow *f, unsigned dir)
{
	uint8_t n = (uint8_t)(f->tcp_ends >> (4 * dir));
	struct end e = { (uint8_t)(n & ZT_MASK), (uint8_t)((n & ZT_FROM_CLOSED) != 0) };

	return e;
}

static void put_end(struct flow *f, unsigned dir, struct end e)
{
	uint8_t n = (uint8_t)(e.st | (e.from_closed ? ZT_FROM_CLOSED : 0));

	f->tcp_ends = (uint8_t)((f->tcp_ends & ~(0x0f << (4 * dir))) | n << (4 * dir));
}

/* Zeek's SetState(): a change of state remembers where it came from,
   of which only "reset after closed" matters to the rules. */
static void set_state(struct end *e, uint8_t st)
{
	if (e->st == st)
		return;
	e->from_closed = st == ZT_RESET && e->st == ZT_CLOSED;
	e->st = st;
}

void connstate_tcp_slow(struct flow *f, unsigned dir, uint8_t flags,
			bool data, bool first)
{
	struct end me, pe;
	bool syn = flags & TCPF_SYN, fin = flags & TCPF_FIN;
	bool rst = flags & TCPF_RST, ack = flags & TCPF_ACK;
	unsigned nctl = (unsigned)syn + fin + rst;

	dir &= 1;
	me = get_end(f, dir);
	pe = get_end(f, dir ^ 1);

	/* The history letters RSTOS0 and REJ depend on (Zeek's
	   update_history): S opening the history; H, A, F, I, Q before the
	   endpoint's RST; payload either way. */
	if (first && (flags & (TCPF_SYN | TCPF_ACK | TCPF_FIN | TCPF_RST)) == TCPF_SYN)
		f->tcp_facts |= TF_FIRST_SYN;
	if (data && !rst)
		f->tcp_facts |= (uint8_t)(TF_DATA_A << dir);
	if (me.st != ZT_RESET &&
	    (nctl > 1 || (nctl == 1 && (fin || (syn && ack))) ||
	     (nctl == 0 && !data && ack)))
		f->tcp_facts |= (uint8_t)(TF_EARLY_A << dir);

	switch (me.st) {
	case ZT_INACTIVE:
		/* UpdateInactiveState(). */
		if (syn) {
			if (!ack && pe.st != ZT_SYN_SENT) {
				/* The opening SYN: Zeek's originator. */
				set_state(&me, ZT_SYN_SENT);
			} else {
				/* The answer (or the second SYN of a
				   simultaneous open): the responder. */
				if (pe.st == ZT_SYN_SENT)
					set_state(&pe, ZT_ESTABLISHED);
				set_state(&me, ZT_ESTABLISHED);
			}
		}
		if (fin)
			set_state(&me, ZT_CLOSED);
		if (rst)
			set_state(&me, ZT_RESET);
		if (me.st == ZT_INACTIVE) {
			if (!data && pe.st == ZT_SYN_SENT)
				;   /* an ACK of the SYN ahead of the SYN+ACK:
				       not yet a partial connection */
			else if (ack && pe.st == ZT_ESTABLISHED)
				set_state(&me, ZT_ESTABLISHED);   /* missed SYN */
			else
				set_state(&me, ZT_PARTIAL);
		}
		break;
	case ZT_SYN_SENT:
		/* UpdateSYN_SentState(). */
		if (fin)
			set_state(&me, ZT_CLOSED);
		if (rst)
			set_state(&me, ZT_RESET);
		break;
	case ZT_PARTIAL:
	case ZT_ESTABLISHED:
		/* UpdateEstablishedState(). */
		if (syn && me.st == ZT_PARTIAL && pe.st == ZT_INACTIVE && !ack)
			set_state(&me, ZT_SYN_SENT);
		if (fin && !rst) {
			set_state(&me, ZT_CLOSED);
			/* The other end sent a FIN then a RST: that was a
			   normal close after all. */
			if (pe.st == ZT_RESET && pe.from_closed)
				set_state(&pe, ZT_CLOSED);
		}
		if (rst)
			set_state(&me, ZT_RESET);
		break;
	case ZT_CLOSED:
		/* UpdateClosedState(): a RST once both sides closed changes
		   nothing. */
		if (rst && pe.st != ZT_CLOSED)
			set_state(&me, ZT_RESET);
		break;
	default:
		/* Reset: UpdateResetState() changes no state. */
		break;
	}
	put_end(f, dir, me);
	put_end(f, dir ^ 1, pe);
}

enum conn_state conn_state(const struct flow *f)
{
	/* The client is side B unless server_is_b (classify.h). */
	unsigned c = f->server_is_b ? 0 : 1, s = c ^ 1;
	enum zeek_tcp_state os, rs;
	bool o_inactive, r_inactive, o_sent, r_sent;

	switch (f->key.proto) {
	case IPPROTO_NUM_TCP:
		break;
	case IPPROTO_NUM_UDP:
		o_sent = f->pkts[c] != 0;
		r_sent = f->pkts[s] != 0;
		if (o_sent)
			return r_sent ? CS_SF : CS_S0;
		return r_sent ? CS_SHR : CS_OTH;
	default:
		return CS_OTH;
	}

	os = connstate_tcp_end(f, c);
	rs = connstate_tcp_end(f, s);
	o_inactive = os == ZT_INACTIVE || os == ZT_PARTIAL;
	r_inactive = rs == ZT_INACTIVE || rs == ZT_PARTIAL;
	if (rs == ZT_RESET) {
		if (os == ZT_SYN_SENT ||
		    (os == ZT_RESET && !(f->tcp_facts & (TF_DATA_A | TF_DATA_B))))
			return CS_REJ;
		return o_inactive ? CS_RSTRH : CS_RSTR;
	}
	if (os == ZT_RESET) {
		if (!r_inactive)
			return CS_RSTO;
		/* History ^?S[^HAFGIQ]*R: the client's SYN opened the flow,
		   and the client sent none of those letters before its RST. */
		if ((f->tcp_facts & TF_FIRST_SYN) && f->first_from_b == c &&
		    !(f->tcp_facts & (TF_EARLY_A << c)))
			return CS_RSTOS0;
		return CS_OTH;
	}
	if (rs == ZT_CLOSED && os == ZT_CLOSED)
		return CS_SF;
	if (os == ZT_CLOSED)
		return r_inactive ? CS_SH : CS_S2;
	if (rs == ZT_CLOSED)
		return o_inactive ? CS_SHR : CS_S3;
	if (os == ZT_SYN_SENT && rs == ZT_INACTIVE)
		return CS_S0;
	if (os == ZT_ESTABLISHED && rs == ZT_ESTABLISHED)
		return CS_S1;
	return CS_OTH;
}

const char *conn_state_name(enum conn_state s)
{
	return (unsigned)s < CS_COUNT ? cs_names[s] : "OTH";
}

const char *conn_state_desc(enum conn_state s)
{
	return (unsigned)s < CS_COUNT ? cs_descs[s] : "unknown";
}
