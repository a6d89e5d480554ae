/*
 * flow.h: the flow table.
 *
 * A flow is the traffic between two endpoints over one IP protocol (and two
 * ports for TCP and UDP). Its key is canonical: the lower endpoint (address,
 * then port, compared bytewise) is side A, so both directions share a key.
 *
 * The table owns every flow. It is sized once (--max-flows), hashes each key
 * once per packet with a per-run random seed, keeps flows on per-timeout
 * lists ordered by last packet time, and never allocates per packet. Time
 * is packet time: offline runs are deterministic.
 *
 * When a flow ends (idle timeout, TCP FIN/RST, eviction because the table
 * is full, end of input), the table calls the end callback once with the
 * flow and its reason, then reuses the slot. No flow is dropped unreported.
 */
#ifndef IMPWATCH_FLOW_H
#define IMPWATCH_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "decode.h"
#include "verdict.h"

enum end_reason {
	END_ACTIVE = 0,   /* still live (interim reports) */
	END_IDLE,         /* idle timeout */
	END_FIN,          /* TCP FIN both ways (after a short linger) */
	END_RST,          /* TCP RST (after a short linger) */
	END_EVICTED,      /* table full: least recently seen flow made room */
	END_EOF,          /* input ended with the flow live */
	END_SHUTDOWN,     /* live capture stopped by a signal */
	END_COUNT
};

/* How client and server were told apart. */
enum dir_basis {
	BASIS_SYN = 0,    /* the TCP SYN (without ACK) sender is the client */
	BASIS_SYNACK,     /* only a SYN+ACK was seen: its receiver is the client */
	BASIS_CATALOGUE,  /* the side whose port the catalogue documents listens */
	BASIS_LOWER_PORT, /* otherwise the lower port is the server */
	BASIS_FIRST_PACKET, /* no ports (ICMP, other protocols): first sender is client */
	BASIS_COUNT
};

/* flow.carrier: the flow is the outer flow of a tunnel (decode.h's
   tun_layer), its kind in flow.tunnel, judged by trust (carrier.h), not
   by the catalogue. */
#define FC_CARRIER 0x01
#define FC_TUN_ID  0x02  /* tun_id holds its VNI or ERSPAN session */
#define FC_OWN     0x04  /* a packet of a flow of its own came in on it:
                            its findings were added (classify_own()) */

/* flow.first_flags. */
#define FF_SGT     0x01  /* sgt holds a Cisco MetaData SGT */
#define FF_ERSPAN  0x02  /* erspan_id holds an ERSPAN session id */
#define FF_LOOP_LINK 0x04 /* it came from a loopback link (packet.loop_link):
                            with loopback ends, the flow is on loopback
                            (flow_on_wire()) */
#define FF_WIRE_SEEN 0x08 /* a later packet of such a flow came from a
                            wire (classify_link()) */

/* TCP state bits in flow.tcp. */
#define FT_SYN_A  0x01   /* SYN (no ACK) sent by side A */
#define FT_SYN_B  0x02
#define FT_FIN_A  0x04
#define FT_FIN_B  0x08
#define FT_RST    0x10
#define FT_SYNACK_A 0x20 /* SYN+ACK sent by side A */
#define FT_SYNACK_B 0x40

/* flow.tls: a flow on a port whose rows all require TLS (catalogue.h's
   CT_TLS), whose client SYN was seen, waits for the client's first
   payload byte (sequence number ISN + 1) and is then judged once; one
   whose SYN was not seen is never judged (FTLS_UNSEEN). */
enum flow_tls {
	FTLS_NONE = 0,  /* TLS not required (or not a TCP flow) */
	FTLS_WAIT,      /* waiting for the client's first payload; at the
	                   end: none came, or not its first byte */
	FTLS_OK,        /* it began with a TLS record or an SSLv2 hello */
	FTLS_CLEAR,     /* it did not: the cleartext finding */
	FTLS_UNSEEN     /* TLS required, but the start was not captured:
	                   never judged */
};

struct flow_key {
	struct ip_addr a, b;   /* a <= b (address bytes, then port) */
	uint16_t pa, pb;       /* ports of a and b, host order */
	uint8_t proto;
	uint8_t family;        /* 4 or 6 */
	uint8_t pad[2];        /* zero: keys are hashed and compared as bytes */
};

/*
 * A flow's fields in two parts. What every packet of the flow reads or
 * writes comes first, in its first 128 bytes: a packet's lookup touches
 * two cache lines of the flow (three in a small table, whose slots start
 * anywhere on 8 bytes; flow.c prefetches those), not the three or four
 * the whole flow spans. The rest is written when the
 * flow starts and read when it ends.
 */
struct flow {
	/* Read or written by every packet. */
	struct flow_key key;
	uint64_t last_us;
	uint64_t bytes[2];     /* [0] from A to B, [1] from B to A (wire length) */
	uint64_t ip_bytes[2];  /* the same, of the innermost IP packets (their
	                          headers' lengths: packet.ip_len) */
	uint32_t pkts[2];
	uint32_t hnext;        /* hash chain: slot index + 1, 0 ends */
	uint32_t lprev, lnext; /* timeout list: slot index + 1, 0 ends */
	union {
		uint16_t tls_seq;  /* FTLS_WAIT: low 16 bits of the sequence
		                      number the client's first byte has */
		uint16_t echo;     /* ICMP: its echo requests and replies
		                      (echo.c) */
	};
	uint8_t  dscp[2];      /* [0] A to B, [1] B to A: flow_dscp() */
	uint8_t  tcp;          /* FT_* bits */
	uint8_t  list;         /* which timeout list the flow is on (flow.c) */
	uint8_t  tcp_ends;     /* TCP: Zeek's endpoint states of A and B */
	uint8_t  tcp_facts;    /* TCP: TF_* facts for conn_state (connstate.h) */
	uint8_t  tls;          /* enum flow_tls: the TLS-only check */
	uint8_t  verdict;      /* enum verdict */
	uint8_t  server_is_b;  /* 1 when side B is the server */
	uint8_t  alerted;      /* live mode: an alert was written */
	void    *dpi;          /* nDPI state while undecided; NULL otherwise */
	/* Read by every packet too, though written seldom: a packet of a
	   decided flow tests first_flags and carrier (worker.c's
	   flow_later()), one nDPI still reads, dpi_pkts. */
	uint8_t  first_flags;  /* FF_* bits: what the first packet carried */
	uint8_t  carrier;      /* FC_* bits; 0 for a flow of its own */
	uint16_t dpi_pkts;     /* packets given to nDPI */
	uint32_t hash;         /* low bits of the key's hash (flow.c's), and
	                          whether the flow is first on its chain: read
	                          when the flow ends, beside last_us and list,
	                          which said it was due */
	/* Written when the flow starts, read when it ends. */
	uint64_t first_us;
	uint64_t id;           /* unique in the run (flow_table_set_ids()) */
	uint64_t tables;       /* bit t set: guide table t documents the flow */
	uint16_t vlans[MAX_VLAN_TAGS]; /* the first packet's VLAN ids, outer
	                          first (packet.vlans); vlans[0]: 0 none */
	uint16_t sgt;          /* the first packet's Cisco MetaData SGT */
	uint16_t erspan_id;    /* the session of the first packet's outermost
	                          ERSPAN II/III (FF_ERSPAN) */
	union {
		struct {
			uint16_t app;        /* DPI: nDPI protocol id, 0 unknown */
			uint16_t app_master; /* DPI: nDPI master protocol id */
		};
		/* A carrier's VNI or ERSPAN session (FC_TUN_ID): nDPI never
		   sees a carrier, so its app fields are free. */
		uint32_t tun_id;
	};
	uint16_t service_row;  /* catalogue row index + 1 of the service, 0 none */
	uint8_t  nvlans;       /* ids in vlans[] */
	uint8_t  tunnel;       /* enum tunnel_kind of the first packet; for
	                          a carrier, the kind of tunnel it carries */
	uint8_t  basis;        /* enum dir_basis */
	uint8_t  classified;   /* classify() has run */
	uint8_t  end_reason;   /* set when ending */
	uint8_t  first_from_b; /* the first packet was sent by B */
	uint8_t  icmp_type;    /* of the first ICMP packet */
	uint8_t  app_source;   /* DPI: 0 none, 1 dpi, 2 guess */
	uint8_t  icmp_code;    /* of the first ICMP packet */
	uint8_t  findings;     /* bit v: finding verdict v applies; verdict
	                          is the one of lowest rank (verdict.h) */
	uint8_t  nrows;        /* rows[0..nrows) are the rows that document
	                          it (classify_rows()), kept by classify_flow()
	                          so that its end need not look them up; 0:
	                          not kept (none, or over FLOW_ROWS) */
	uint16_t rows[FLOW_ROWS]; /* catalogue row indexes, in their order */
};

/* The end of the part every packet touches (flow.c's prefetch). */
#define FLOW_HOT_BYTES offsetof(struct flow, first_us)

/* The DSCP of the first packet from side `dir` (0 A, 1 B; 0 when none
   came that way), and whether a later one from that side carried another
   value (re-marked on the way, or marked differently by the sender). */
#define FLOW_DSCP_MASK    0x3f
#define FLOW_DSCP_CHANGED 0x40
static inline uint8_t flow_dscp(const struct flow *f, unsigned dir)
{
	return f->dscp[dir & 1] & FLOW_DSCP_MASK;
}
static inline bool flow_dscp_changed(const struct flow *f, unsigned dir)
{
	return (f->dscp[dir & 1] & FLOW_DSCP_CHANGED) != 0;
}

struct flow_table;

/*
 * Called once for each flow as it ends, with f->end_reason set. The flow is
 * already off the table's hash chain and timeout list, and its slot is reused
 * as soon as the callback returns: report it, free f->dpi, copy what is
 * needed. The callback must not call back into the table.
 */
typedef void (*flow_end_fn)(void *ctx, struct flow *f);

/* Largest max_flows the table accepts: links are 32-bit slot indices and
   the bucket count (the next power of two) must fit a 32-bit size_t. */
#define FLOW_MAX_FLOWS (1u << 31)

struct flow_stats {
	uint64_t created;
	uint64_t ended[END_COUNT];  /* by reason */
	uint64_t active;
	uint64_t peak_active;
};

struct limits;   /* options.h */

/* NULL when memory for lim->max_flows flows cannot be had, or when
   max_flows is 0 or above FLOW_MAX_FLOWS. seed keys the hash (from
   getrandom() in a run, fixed in tests). on_end may be NULL. */
struct flow_table *flow_table_new(const struct limits *lim, uint64_t seed,
				  flow_end_fn on_end, void *ctx);

/* Flow ids (flow.id) from now on: first, first + step, ... (1, 1 by
   default; step 0 counts as 1). Worker k of a run's n starts at k + 1
   with step n (worker.c), so ids stay unique in the run. */
void flow_table_set_ids(struct flow_table *t, uint64_t first, uint64_t step);

/* Free the table and every slot. Flows still live are not reported and
   their dpi state is not freed (it is the caller's): end them first with
   flow_flush(), which calls the end callback for each. NULL is ignored. */
void flow_table_free(struct flow_table *t);

/*
 * The flow of packet p, created when new (*is_new set). *from_b is set when
 * p travels from side B to side A. When the table is full, the least
 * recently seen flow is ended with END_EVICTED first (or with its timeout
 * reason when it is already idle past its timeout). Updates counters,
 * timestamps, TCP state and the flow's timeout list. Never NULL.
 *
 * A new flow is started, after the old one is ended, when p's flow is idle
 * past its timeout at p->ts_us (END_IDLE, or END_FIN/END_RST for a closed
 * TCP flow) or is a closed TCP flow and p is a SYN without ACK (port reuse:
 * END_FIN, or END_RST when a RST was seen). So the result does not depend
 * on how often the caller runs flow_expire().
 *
 * A new flow is zero but for its key, id, times, counters, TCP bits,
 * vlans, sgt, erspan_id, first_flags, tunnel, first_from_b, icmp_type, icmp_code, dscp, tcp_ends and
 * tcp_facts: the caller sets the rest. The pointer
 * is valid until the next call into the table. O(1), no allocation.
 */
struct flow *flow_lookup(struct flow_table *t, const struct packet *p,
			 bool *is_new, bool *from_b);

/*
 * The same lookup in two steps, so that a caller holding several packets
 * can have the table's memory on its way for all of them before it needs
 * any (offline reading does; worker.c). flow_prepare() builds p's key,
 * hashes it and asks the CPU to fetch its hash bucket; flow_prefetch()
 * then asks for the first flow on that bucket's chain. Both are only
 * hints and change nothing: flow_lookup_prepared() reads the table as it
 * is when called, so packets in between may create or end any flow. prep
 * must come from flow_prepare() on the same table and packet.
 */
struct flow_prep {
	struct flow_key key;
	uint64_t hash;
	bool rev;              /* p travels from side B to side A */
};

void flow_prepare(struct flow_table *t, const struct packet *p,
		  struct flow_prep *prep);
/* flow_prepare() without asking for the bucket: for a table that will
   not look most packets up (a reader's, which hands them on). */
void flow_prep_key(const struct flow_table *t, const struct packet *p,
		   struct flow_prep *prep);
/* The packet's ends (addresses, protocol, ports) hashed, different for
   its two directions: what dedup.h's fingerprint leaves to its caller. */
static inline uint64_t flow_prep_ends(const struct flow_prep *prep)
{
	return prep->rev ? ~prep->hash : prep->hash;
}
/* The prep's hash is all the prefetches read. */
void flow_prefetch(struct flow_table *t, uint64_t hash);
/* What flow_prepare() asks for, for a hash made on another thread with
   the same hash key (a flow worker's, from its reader). */
void flow_prefetch_bucket(const struct flow_table *t, uint64_t hash);
/* After flow_prefetch(): ask for the flow's neighbours on its timeout
   list, which the lookup rewrites. Reads the flow, so it is best called
   once the flow has had time to arrive. */
void flow_prefetch_links(struct flow_table *t, uint64_t hash);
/* A prep for p whose hash another thread made with the same hash key
   (a flow worker's, from its reader): the key is p's, built again
   rather than handed over, as that costs less than its 40 bytes going
   from one core to another. */
void flow_prep_hashed(const struct packet *p, uint64_t hash,
		      struct flow_prep *prep);
struct flow *flow_lookup_prepared(struct flow_table *t, const struct packet *p,
				  const struct flow_prep *prep, bool *is_new,
				  bool *from_b);

/* End every flow idle past its timeout (now_us - last_us > timeout) at
   packet time now_us, oldest first. Cost O(1) per flow ended. */
void flow_expire(struct flow_table *t, uint64_t now_us);

/* End every live flow with `reason` (END_EOF, END_SHUTDOWN), oldest
   first; a TCP flow already closed by FIN or RST, lingering for its last
   ACKs, ends with END_FIN or END_RST. */
void flow_flush(struct flow_table *t, enum end_reason reason);

/* Visit every live flow (interim reports), one timeout list after the
   other, each oldest first; fn must not call into the table. */
void flow_foreach(struct flow_table *t, void (*fn)(void *ctx, struct flow *f),
		  void *ctx);

const struct flow_stats *flow_table_stats(const struct flow_table *t);

/* Bytes the table reserved (slots, buckets, header). calloc leaves pages
   that no flow has touched unmapped, so resident memory is lower until the
   table has been filled once. */
size_t flow_table_bytes(const struct flow_table *t);

/* The 64-bit hash of a key under `seed`, as the table computes it
   (SipHash-1-3 keyed from the seed). Exposed for tests. */
uint64_t flow_hash(const struct flow_key *k, uint64_t seed);

const char *end_reason_name(enum end_reason r);   /* "idle", "fin"... */
const char *dir_basis_name(enum dir_basis b);     /* "syn", "catalogue"... */

#endif
