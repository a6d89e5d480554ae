/*
 * config.h: every limit and default of impwatch in one place.
 *
 * Each value here can be overridden from the command line (see main.c and
 * `impwatch --help`); the struct limits below carries the values in force.
 */
#ifndef IMPWATCH_CONFIG_H
#define IMPWATCH_CONFIG_H

#include <stdint.h>

#define IMPWATCH_VERSION "0.1.0"

/* Flow table. */
#define DEF_MAX_FLOWS        1000000u  /* --max-flows */
#define DEF_TIMEOUT_TCP      3600u     /* --timeout-tcp, seconds idle */
#define DEF_TIMEOUT_TCP_DONE 10u       /* after FIN both ways or RST */
#define DEF_TIMEOUT_UDP      180u      /* --timeout-udp */
#define DEF_TIMEOUT_OTHER    60u       /* --timeout-other: ICMP and the rest */

/*
 * The clock that drives expiry (pclock.h): a packet stamped more than
 * --time-jump seconds away from it moves it only when the CLOCK_AHEAD
 * packets after it agree; otherwise the stamp is not believed. 60 s is
 * the smallest default idle timeout (--timeout-other), so that a stamp
 * believed at once cannot end a flow more than that early, and far
 * above what merged captures and capture reordering move time back.
 */
#define DEF_TIME_JUMP        60u       /* --time-jump, seconds */
#define MAX_TIME_JUMP        86400u    /* the top of --time-jump: a day */
#define CLOCK_AHEAD          3         /* packets that confirm a jump */

/* Fragment reassembly: only ports are recovered, no payload is kept. */
#define DEF_MAX_FRAGS        4096u     /* --max-frags: datagrams in flight */
#define DEF_TIMEOUT_FRAG     30u       /* --timeout-frag, seconds */

/* Decoder. */
#define MAX_ENCAP_DEPTH      16        /* nested tunnels/tags before giving up */
#define MAX_IPV6_EXT_HDRS    16        /* extension headers walked per packet */
#define MAX_TUNNEL_LAYERS    4         /* tunnels removed from one packet, each
                                          its carrier recorded: ERSPAN of VXLAN
                                          in GRE is 3 */

/* Tunnel carriers (carrier.h). */
#define MAX_CARRIERS         4096      /* carriers listed in the summary; past
                                          it they are judged, counted apart */
#define MAX_TRUST_TUNNEL     64        /* --trust-tunnel networks; more go in
                                          an inventory (role tunnel-endpoint) */

/* impwatch acl --observed: one JSON record per line, the summary the
   longest (its coverage lists every row); past this a line is an error. */
#define ACL_RECORD_MAX       (16u << 20)

/* impwatch acl: the final deny logs at most this many packets a second
   (with this burst) where the format rate-limits its log (nftables,
   iptables); every packet is counted. */
#define ACL_LOG_RATE         10u
#define ACL_LOG_BURST        20u

/* Catalogue files. */
#define MAX_RULE_LINE        4096      /* bytes per line, newline excluded */
#define MAX_RULES            4096      /* rows in one catalogue */
#define MAX_PORT_SPANS       8         /* ports/ranges in one port field */

/*
 * Deep inspection (nDPI). A flow is given to nDPI until it answers from
 * the payload or has seen this many packets (both directions, handshake
 * included); then nDPI gives up with its guess. Measured with nDPI 4.2 and
 * --dpi-packets 1000 over the 218 public captures of the shared corpus and
 * the 42 of pcaps/ (the summaries' dpi.packets_to_decide, summed by
 * tests/dpi/measure.sh): 1984 flows answered from the payload; the packet
 * that brought the answer was the 1st for half of them (UDP: DNS, SIP,
 * SNMP, NTP), the 4th at the 90th percentile (the first data after a TCP
 * handshake), the 6th at the 95th, the 7th at the 99th, the 12th at the
 * 99.9th, and at most the 15th (one Cisco Skinny flow). The protocols the
 * catalogue expects (1363 flows: SIP, TLS, HTTP, LDAP, Jabber, SNMP, DNS,
 * NTP, SSH, PostgreSQL, MsSQL-TDS, Redis, IPsec, MDNS, ICMP) needed at most
 * 10 (SSH with a late server banner; Jabber, PostgreSQL and Redis 6; TLS 8).
 * 12 covers all of those and 99.9% of every answer, and bounds what a flow
 * nDPI cannot name (proprietary IM&P ports, streams joined mid-way) costs.
 */
#define DEF_DPI_PACKETS      12u       /* --dpi-packets */
#define MAX_DPI_PACKETS      1000u     /* the top of --dpi-packets */

/*
 * nDPI's per-flow states: a flow holds one until nDPI decides, so a flood
 * of flows that never decide (one packet each, no payload) holds one per
 * flow in the table. --dpi-memory caps them; past the cap new flows are
 * not inspected (counted in the summary, and the gate is inconclusive).
 * The cap in MB is turned into a count of states with the measured cost
 * of one: 2,000,000 one-packet UDP flows at --max-flows 1000000 (the
 * adversarial suite's flood) peaked at 853,900 kB resident with DPI and
 * 143,336 kB with --no-dpi, 1,000,000 states live at the peak: 728 bytes
 * a state (sizeof of the pooled state is 704: nDPI 4.2's flow structure,
 * 688 bytes, and the pool's link; the rest is the pool's chunks). A state
 * can hold more than that: nDPI allocates host names and buffers (TLS
 * reassembly) as a flow's payload asks, freed when it decides.
 */
#define DEF_DPI_MEMORY_MB    256u      /* --dpi-memory */
#define MAX_DPI_MEMORY_MB    (1u << 20) /* the top of --dpi-memory: 1 TiB */
#define DPI_STATE_BYTES      728u      /* measured, above */

/*
 * Live capture. libpcap's block ring (TPACKET_V3 on Linux) packs frames of
 * any size into blocks the kernel hands over when full or after the block
 * timeout; immediate mode would use the older ring, whose fixed slots are
 * sized for the snap length (64 KiB on a veth), so a few megabytes hold a
 * few dozen frames. The default buffer holds about two seconds of a busy
 * SPAN port (250-byte frames at 100,000 a second, with the ring's own
 * headers of about 90 bytes a frame); --buffer-size overrides it.
 */
#define DEF_BUFFER_KIB       (64u * 1024u) /* --buffer-size, KiB */
#define LIVE_BLOCK_MS        100       /* a block is handed over at the latest
                                           after this: the alert latency */
#define LIVE_POLL_MS         100       /* longest wait for packets before the
                                           loop looks at timers and signals */
#define LIVE_BATCH           4096      /* frames per read of the ring before
                                           the loop looks again */
#define LIVE_DRAIN_MS        2000      /* at the end, reading what the kernel
                                           still holds stops after this */
#define LIVE_LINK_CHECK_MS   100       /* how often the interface's state is
                                           looked at */

/*
 * Client ports (--ephemeral-ports LO-HI). A flow documented only through
 * what its first packet's sender claims (its own source port, or a lone
 * SYN-ACK) counts as documented only when the port it was sent to is in
 * this range. The default takes every port a client may be given: 1024
 * and up (RFC 6056 section 3.2). Linux, and so IM&P and CUCM themselves,
 * give 32768-60999 (Cisco's servers: 32768-61000); Windows and macOS
 * 49152-65535 (RFC 6335's dynamic range).
 */
#define DEF_EPHEMERAL_LO     1024u
#define DEF_EPHEMERAL_HI     65535u

struct limits {
	uint32_t max_flows;
	uint32_t timeout_tcp;
	uint32_t timeout_tcp_done;
	uint32_t timeout_udp;
	uint32_t timeout_other;
	uint32_t time_jump;
	uint32_t max_frags;
	uint32_t timeout_frag;
	uint32_t dpi_packets;
	uint32_t dpi_memory_mb;
	uint16_t ephemeral_lo, ephemeral_hi;
};

/* Fill *l with the defaults above. */
static inline void limits_default(struct limits *l)
{
	l->max_flows = DEF_MAX_FLOWS;
	l->timeout_tcp = DEF_TIMEOUT_TCP;
	l->timeout_tcp_done = DEF_TIMEOUT_TCP_DONE;
	l->timeout_udp = DEF_TIMEOUT_UDP;
	l->timeout_other = DEF_TIMEOUT_OTHER;
	l->time_jump = DEF_TIME_JUMP;
	l->max_frags = DEF_MAX_FRAGS;
	l->timeout_frag = DEF_TIMEOUT_FRAG;
	l->dpi_packets = DEF_DPI_PACKETS;
	l->dpi_memory_mb = DEF_DPI_MEMORY_MB;
	l->ephemeral_lo = DEF_EPHEMERAL_LO;
	l->ephemeral_hi = DEF_EPHEMERAL_HI;
}

#endif
