/*
 * evade.c: captures that try to slip a flow past the gate, written to
 * standard output.
 *
 *   evade [-s SNAPLEN] CASE [N]
 *
 * A little-endian pcap (microseconds, Ethernet, snap length SNAPLEN,
 * default 65535: each frame is cut to it, its length on the wire kept)
 * of a documented TCP session, 198.51.100.7:51000 -> 192.0.2.10:5222,
 * then an SSH session to 203.0.113.66:4444, undocumented, dressed by
 * CASE:
 *
 *   ext6 N   over IPv6, N destination options headers (8 bytes each)
 *            before its TCP header: Linux delivers it whatever N
 *   v6       over IPv6, nothing more
 *   v4opt    over IPv4 with 40 bytes of options (NOPs and an end)
 *   tags N   over IPv4, each frame with N 802.1Q priority tags (VLAN
 *            0): Linux delivers the segment behind any number of them
 *   snap     over IPv4 in IEEE 802.3 frames with an LLC/SNAP header
 *            (RFC 1042) instead of Ethernet II: RFC 1122 2.3.3 has
 *            hosts receive them, and Windows does
 *   fragover no SSH: opaque bytes from 198.51.100.7's port 5222 (XMPP's)
 *            to 203.0.113.66:4444, the SYN (an MSS option: 24 bytes of
 *            header) in two IPv4 fragments that overlap: the later one
 *            first, at offset 8, with the SYN's bytes from 8 on; then
 *            the first, whole, its flags SYN and ACK. A receiver that
 *            keeps the bytes it got first (RFC 815 leaves the choice
 *            to it) takes a SYN to 4444
 *   fragover-late the same, the first fragment first: a receiver that
 *            keeps the bytes it got last takes the SYN
 *   fragover6 fragover over IPv6, from 2001:db8::7 to 2001:db8::66, the
 *            later fragment's header naming UDP as its next header: only
 *            the first fragment's counts (RFC 8200 4.5), and receivers
 *            put fragments together by addresses and identification
 *   macsec   over IPv4 in MACsec frames (IEEE 802.1AE) whose data is
 *            in clear (integrity only: E and C clear), as two hosts
 *            that run MACsec between them send it
 *   macsec-enc the same with E and C set: encrypted, unreadable
 *   hsr      over IPv4 behind an HSR tag (IEC 62439-3, ethertype
 *            0x892f: path and size, sequence number, the ethertype),
 *            as two hosts that run Linux's hsr link between them send
 *            it: the kernel takes the tag off and delivers the segment
 *   hsr0     the same with HSR version 0's ethertype, 0x88fb
 *   pppoe-vj over IPv4 in PPPoE session frames as Van Jacobson's
 *            uncompressed TCP/IP (PPP protocol 0x002f, RFC 1144: the
 *            IP header's protocol byte holds the slot, 0): PPP with VJ
 *            compression negotiated, which Linux's ppp_generic
 *            decompresses and delivers
 *   pppoe-ccp the same as compressed datagrams (PPP protocol 0x00fd,
 *            RFC 1962: CCP, or MPPE's encryption, RFC 3078): opaque
 *   gre-vlan every frame's packet inside GRE from 203.0.113.1 to
 *            203.0.113.2, the tunnel a site declares, its protocol
 *            type 802.1Q (0x8100) and a priority tag (VLAN 0) before
 *            the packet: Linux's GRE device takes the tag off and
 *            delivers the packet
 *   batman   the SSH session's frames inside batman-adv unicast
 *            packets (ethertype 0x4305: type 0x40, version 15, TTL,
 *            TTVN, the destination MAC, then the whole frame), as two
 *            hosts that run Linux's batman_adv between them send it:
 *            the kernel delivers the inner frame on bat0
 *   fabricpath the SSH session's frames inside Cisco FabricPath (an
 *            outer DA and SA, ethertype 0x8903, FTag and TTL, then the
 *            whole frame), as a spine's SPAN port shows them: the edge
 *            switch takes the header off and delivers the frame
 *   pbb      the SSH session's frames inside IEEE 802.1ah provider
 *            backbone bridging (a B-tag, the I-TAG of ethertype 0x88e7
 *            and I-SID 0x10203, then the customer's frame), as a
 *            backbone port shows them
 *   mpls-pw  the SSH session's frames in an Ethernet pseudowire: MPLS
 *            label 16, the control word (RFC 4448), then the frame,
 *            as a provider's core link shows them
 *   mpls-pw-nocw the same without the control word: the frame's DA
 *            (02:...) starts with a nibble of 0, as a control word does
 *   nsh      the SSH session's frames inside the Network Service
 *            Header (RFC 8300: outer DA and SA, ethertype 0x894f, MD
 *            type 1 and its 16 bytes of context, next protocol 3, then
 *            the whole frame), as a service chain's link shows them:
 *            the service function forwarder delivers the frame
 *   nsh-doc  no SSH: the documented session, then another, both in NSH
 *   nsh-gre  the SSH session's packets in NSH (MD type 2, one context
 *            header, next protocol 1) in GRE (protocol type 0x894f)
 *            from 203.0.113.1 to 203.0.113.2, the tunnel a site declares
 *   nsh-gpe  the same in VXLAN-GPE (next protocol 4, VNI 42) from
 *            203.0.113.1:49320 to 203.0.113.2:4790
 *   nsh-udp N the same in UDP from 203.0.113.1:49320 to 203.0.113.2:N,
 *            NSH right after the UDP header (as an expired draft,
 *            draft-kumar-sfc-nsh-udp-transport, had it)
 *   nsh-ip   the same as IPv4 protocol 145 (NSH, RFC 9491) from
 *            203.0.113.1 to 203.0.113.2
 *   nsh-ip-exp the same, NSH's next protocol experimental (0xfe)
 *   nsh-geneve the same in Geneve (protocol type 0x894f, VNI 42) from
 *            203.0.113.1:49320 to 203.0.113.2:6081
 *   mpls-gpe the SSH session's packets behind MPLS label 16 in
 *            VXLAN-GPE (next protocol 5, VNI 42) from 203.0.113.1:49320
 *            to 203.0.113.2:4790
 *   nsh-ip-doc, nsh-geneve-doc, mpls-gpe-doc no SSH: the documented
 *            session, then another, both in that carrier
 *   batman-vxlan the batman case's frames (the SSH session's frames in
 *            batman-adv) inside VXLAN (VNI 42) from 203.0.113.1:49320 to
 *            203.0.113.2:4789, as a layer-2 overlay between two sites
 *            carries them: the far end delivers the batman-adv frame
 *   batman-gre the same inside GRE of protocol type 0x6558 (Transparent
 *            Ethernet Bridging) from 203.0.113.1 to 203.0.113.2
 *   mpls-gre-nocw the mpls-pw-nocw case's pseudowire (label 16, no
 *            control word) in GRE of protocol type 0x8847 (MPLS in
 *            GRE, RFC 4023) from 203.0.113.1 to 203.0.113.2
 *   batman-vlan the batman case's frames behind an 802.1Q tag (VLAN
 *            10), as a trunk port shows them
 *   batman-qinq the same behind two tags: 802.1ad (S-VLAN 10), then
 *            802.1Q (C-VLAN 11), as a provider's port shows them
 *   batman-vxlan-vlan the batman-vxlan case, each VXLAN packet's frame
 *            behind an 802.1Q tag (VLAN 20)
 *   batman-mix the batman-vlan case's frames and the batman-vxlan
 *            case's, in turn: a filter must leave out both
 *   trill    the SSH session's frames inside TRILL (RFC 6325: outer DA
 *            and SA, ethertype 0x22f3, version 0, one word of options,
 *            hop count, egress and ingress nicknames, the options, then
 *            the frame with its inner VLAN tag, 10), as a link between
 *            RBridges shows them: the egress RBridge delivers the frame
 *   trill-doc no SSH: the documented session, an IS-IS hello between
 *            the RBridges (ethertype 0x22f4), another documented
 *            session, both sessions in TRILL
 *   l2-known no SSH: the documented session, then frames that carry no
 *            IP, as a switch's SPAN port shows them: ARP, LLDP, STP
 *            (802.3 and LLC), LACP, PTP, then the session again
 *   udp0-v6  no SSH: opaque datagrams over IPv6 from 2001:db8::7:40000
 *            to 2001:db8::66:4444 whose UDP length field is 0: Linux
 *            reads such a datagram to the end of its packet
 *   srh      no SSH: opaque bytes from 2001:db8:1::7 to port 5222, sent
 *            to 2001:db8::66 with a segment routing header (RFC 8754,
 *            segments left 1) whose last segment is 2001:db8::10; the
 *            answers come from 2001:db8::10 (any sender may write
 *            that). With an inventory where ::10 is IM&P and ::66 is
 *            nobody, the packets go to a host no role allows
 *   lsrr     the same over IPv4: opaque bytes from 198.51.100.7 to port
 *            5222, sent to 203.0.113.66 with a loose source route
 *            (RFC 791, option 131, one address left) whose last
 *            address is 192.0.2.10; the answers come from 192.0.2.10
 *   lsrr-lo  a session from 127.0.0.1 (forged) to 127.0.0.1:5049 (SIP's
 *            internal port, localhost only), its packets sent to
 *            192.0.2.10 with a loose source route whose last address
 *            is 127.0.0.1: keyed on where the route ends, the session
 *            never left the host
 *   lo-wire  no SSH: sessions from 127.0.0.1 to 127.0.0.1:5049 and from
 *            127.0.0.2 to 127.0.0.9:5049 (SIP's internal port, localhost
 *            only) in frames with real MACs: on a wire, which a host
 *            with route_localnet accepts
 *   lo-zero  the same with both MACs zero, as a capture on Linux lo
 *            writes them: on loopback, documented
 *   lo-mapped the same over IPv6 from ::ffff:127.0.0.1 to
 *            ::ffff:127.0.0.1, MACs zero: IPv4-mapped addresses are not
 *            loopback on any link (RFC 4291 2.5.5.2)
 *   lo-lead  lo-wire, each session after an ACK with both MACs zero
 *   lo-twin  lo-wire, each frame 1 ms after the same frame with both
 *            MACs zero (which no host on a wire takes), after 20 more
 *            documented sessions: the twins stay under the duplicates
 *            threshold
 *            (each lo-* case takes a PORT after it instead of 5049:
 *            1500 is localhost only in table 8, CUCM to the publisher
 *            on a wire in table 30)
 *   lsrr-odd no SSH: opaque bytes from 198.51.100.7 to 192.0.2.10:5222
 *            whose loose source route's pointer is off the 4-byte
 *            grid (7, length 10): its bytes from the pointer, where
 *            Linux and BSD read the next hop, are 10.0.113.66; the
 *            address at the grid's last slot is 192.0.2.10, the
 *            destination field
 *   lsrr-two the same with two routes, the first done (its pointer
 *            past its end), the second with 203.0.113.66 left
 *   lsrr-back no SSH: opaque bytes from 198.51.100.7 to 192.0.2.10:5222
 *            with a loose source route through 203.0.113.66 and back
 *            to 192.0.2.10: the route ends where the packet is sent,
 *            and its receiver sends it on to 203.0.113.66 first
 *   srh-back the same over IPv6, from 2001:db8:1::7 to 2001:db8::10,
 *            a segment routing header (segments 2001:db8::10 and
 *            2001:db8::66, segments left 2) through 2001:db8::66
 *   rh3      the same with a routing header of RPL's type 3 (RFC
 *            6554, no address compressed, segments left 1) naming
 *            2001:db8::66: impwatch does not read the type, a
 *            receiver that forwards it (Linux drops it by default)
 *            sends the packet there
 *   rh3-vxlan the same, every frame inside VXLAN (VNI 42) from
 *            203.0.113.1:49320 to 203.0.113.2:4789, the tunnel a site
 *            declares
 *   lead-synack  no SSH: opaque bytes over IPv4 (nDPI names nothing),
 *            from 198.51.100.7's port 5060 (SIP's) to 4444, with
 *            a SYN-ACK from there first, its checksum wrong (the
 *            receiver drops it, no reset comes back)
 *   lead-ack     the same with an ACK first
 *   lead-syn     the same with a SYN from 203.0.113.66:4444 to
 *            198.51.100.7:5060 first, its checksum wrong
 *   lead-tls     no SSH: clear SIP from 198.51.100.7:40000 to
 *            192.0.2.10:5061 (TLS only), an ACK with a wrong checksum
 *            first: a flow whose start was not seen is never judged
 *            for TLS
 *   synfrag      no SSH: opaque bytes from 198.51.100.7:5060 (SIP's) to
 *            4444, the SYN in two IPv4 fragments, the first holding 8
 *            bytes of TCP header (ports and sequence number; Linux
 *            reassembles it): no flags seen, no SYN
 *   evict N      no SSH: a TCP handshake from 198.51.100.7:40000 to
 *            192.0.2.10:5061 (TLS only), then N empty UDP datagrams
 *            to 192.0.2.10:5060 (SIP's), each from a source of its
 *            own (10.0.0.0/8, ports 10000 and up), then clear SIP on
 *            the handshake's flow: with room for fewer than N flows,
 *            the handshake's flow is pushed out before its first
 *            bytes come
 *   fragvxlan    every frame inside VXLAN (VNI 42) from 203.0.113.1:49320
 *            to 203.0.113.2:4789, the tunnel a site declares; each
 *            frame of the SSH session in two IPv4 fragments, the first
 *            holding the UDP header alone (8 bytes: Linux reassembles
 *            it, and the VXLAN header is in the second)
 *   erspancopy   no SSH: every frame mirrored in ERSPAN II (session 7)
 *            from the switch 203.0.113.1 to the collector 203.0.113.2,
 *            among them a SIP datagram to 192.0.2.10:5060 and, 1 ms
 *            later, the same datagram in an ERSPAN session of its own
 *            from 198.51.100.50 to 203.0.113.99 (a collector nobody
 *            declared)
 *   tuncopy  no SSH: a SIP datagram to 192.0.2.10:5060, then, 1 ms
 *            later, the same IP packet inside GRE from 198.51.100.50
 *            to 203.0.113.99 (a tunnel nobody declared), then the
 *            documented session again: one frame in 18 looks like a
 *            SPAN copy, under the duplicates threshold
 *   carrier-lead no SSH: SIP datagrams inside VXLAN (VNI 42) from
 *            203.0.113.1:5060 to 203.0.113.2:4789, a tunnel nobody
 *            declared, after a datagram of clear SIP from
 *            203.0.113.2:4789 to 203.0.113.1:5060 (the carrier's
 *            outer flow, the other way, to SIP's port)
 *   carrier-plain no SSH: opaque UDP datagrams (no VXLAN header) from
 *            203.0.113.1:40000 to 203.0.113.2:4789, after one VXLAN
 *            packet on the same ends and ports (a site declares
 *            203.0.113.0/30)
 *   carrier-self no SSH: VXLAN (VNI 42) from 203.0.113.1:5060 to
 *            203.0.113.2:4789, a tunnel nobody declared, each packet
 *            carrying a SIP datagram from 203.0.113.2:4789 to
 *            203.0.113.1:5060: the inner flow is the carrier's own
 *   erspangre no SSH: SIP datagrams in GRE from 203.0.113.1 to
 *            203.0.113.2, each mirrored in ERSPAN II (session 7) between
 *            the same two hosts, the second the collector a site
 *            declares
 *   tls-early N  no SSH: clear SIP from 198.51.100.7:40000 to
 *            192.0.2.10:5061 (TLS only) in a segment that begins N bytes
 *            (1 to 100) before the client's first byte, at the SYN's
 *            number or earlier: its receiver keeps the bytes from the
 *            first on, the clear SIP
 *   carrier-frag no SSH: VXLAN from 203.0.113.1:40000 to 203.0.113.2:4789
 *            carrying frames of no IP (LLDP, 300 bytes),
 *            each in two IPv4 fragments: the tunnel's alone
 *
 * Each session is 8 packets, 1 ms apart: SYN, SYN-ACK, ACK, the
 * client's data, ACK, FIN each way, last ACK. Standard C only; frames
 * from the test library (tests/lib/pktbuild.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"

struct how {
	int family;             /* 4 or 6 */
	unsigned ext;           /* IPv6 destination options headers */
	unsigned v4opt;         /* bytes of IPv4 options, a multiple of 4 */
	unsigned tags;          /* 802.1Q priority tags (VLAN 0) */
	const uint8_t *hop;     /* sent to this address instead, with a
	                           route naming the destination last: IPv6,
	                           a segment routing header; IPv4, a loose
	                           source route */
	int route;              /* IPv4, to the destination: 1, lsrr-odd's
	                           route; 2, lsrr-two's */
	const uint8_t *via;     /* sent to the destination, with a route
	                           through this address first: IPv4, a
	                           loose source route back to the
	                           destination; IPv6, a routing header of
	                           rtype */
	unsigned rtype;         /* 4: segments the destination and via,
	                           segments left 2; other types, via alone,
	                           segments left 1 */
	unsigned snap;          /* IPv4 in IEEE 802.3 frames, LLC/SNAP
	                           (RFC 1042) */
	unsigned macsec;        /* IPv4 in MACsec frames (IEEE 802.1AE):
	                           1 integrity only, 2 encrypted */
	unsigned hsr;           /* IPv4 behind an HSR tag of this
	                           ethertype (IEC 62439-3) */
	unsigned ppp;           /* IPv4 in PPPoE session frames as this
	                           PPP protocol: 0x2f, VJ uncompressed;
	                           0xfd, a compressed datagram */
};

static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac_b[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t mac_zero[6];
/* The MACs of a session's frames (lo-zero: both zero). */
static const uint8_t *mac_to = mac_b, *mac_from = mac_a;
static unsigned snaplen = 65535;
/* fragvxlan: 1, frames go in VXLAN; 2, in VXLAN and two fragments;
   erspancopy: 3, in ERSPAN II; rh3-vxlan: 4, in VXLAN; gre-vlan: 5, in
   GRE behind a priority tag; batman: 6, in batman-adv; fabricpath: 7,
   in Cisco FabricPath; pbb: 8, in 802.1ah PBB; mpls-pw: 9, in an
   Ethernet pseudowire with a control word, mpls-pw-nocw: 10, without;
   nsh, nsh-doc: 11, in NSH; nsh-gre: 12, in NSH in GRE; nsh-gpe: 13, in
   NSH in VXLAN-GPE; trill, trill-doc: 14, in TRILL; batman-vxlan: 15,
   in batman-adv in VXLAN; batman-gre: 16, in batman-adv in GRE (TEB);
   mpls-gre-nocw: 17, in a pseudowire without control word in GRE;
   nsh-udp: 18, in NSH in UDP; nsh-ip, nsh-ip-doc: 19, in NSH as IP
   protocol 145 (nsh-ip-exp: 22, of an experimental next protocol); nsh-geneve, nsh-geneve-doc: 20, in NSH in Geneve;
   mpls-gpe, mpls-gpe-doc: 21, in MPLS in VXLAN-GPE. */
static int wrap;
/* nsh-udp: the UDP port NSH is sent to. */
static unsigned nsh_port;
/* synfrag: a SYN from port 5060 goes in two IPv4 fragments. */
static int frag_syn;
/* fragover: a SYN from port 5222 goes in two IPv4 fragments that
   overlap, the later first (1) or the first first (2). */
static int frag_over;
static uint64_t now_us = 1767225600000000ull;   /* 2026-01-01T00:00:00Z */
/* lo-twin: each frame goes first with both MACs zero. */
static int twin_zero;
/* batman-vlan 1, batman-qinq 2: tags before the batman-adv header. */
static unsigned batman_tags;
/* batman-vxlan-vlan: the frames that carry VXLAN are tagged. */
static int carrier_vlan;
/* batman-mix: every other frame in batman-adv in VXLAN. */
static int batman_mix;

static void record(const struct buf *f);

/* The Ethernet header of a frame that carries IPv4 from one tunnel end
   to the other: behind an 802.1Q tag (VLAN 20) for batman-vxlan-vlan. */
static void carrier_eth(struct buf *o)
{
	if (!carrier_vlan) {
		eth_hdr(o, mac_b, mac_a, ET_IPV4);
		return;
	}
	eth_hdr(o, mac_b, mac_a, ET_VLAN);
	vlan_tag(o, 20, ET_IPV4);
}

/* Frame f inside VXLAN from 203.0.113.1:49320 to 203.0.113.2:4789, as
   one packet, or as two fragments whose first holds the UDP header
   alone. The UDP checksum is 0 (none, RFC 768). */
static void vxlan_out(const struct buf *f, int split)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 }, b[4] = { 203, 0, 113, 2 };
	static unsigned id = 7000;
	const struct ipends e = { 4, a, b };
	struct buf u = { .n = 0 }, o = { .n = 0 };

	udp_hdr(&u, 49320, 4789, 8 + f->n);
	vxlan_hdr(&u, 0x08000000u, 42);
	putmem(&u, f->b, f->n);
	id++;
	carrier_eth(&o);
	if (!split) {
		ip4_hdr(&o, &e, P_UDP, 64, id, 0, NULL, 0, u.n);
		putmem(&o, u.b, u.n);
		record(&o);
		return;
	}
	/* MF, offset 0: 8 bytes; then offset 1 (8 bytes), the rest. */
	ip4_hdr(&o, &e, P_UDP, 64, id, 0x2000, NULL, 0, 8);
	putmem(&o, u.b, 8);
	eth_pad(&o);
	record(&o);
	o.n = 0;
	carrier_eth(&o);
	ip4_hdr(&o, &e, P_UDP, 64, id, 1, NULL, 0, u.n - 8);
	putmem(&o, u.b + 8, u.n - 8);
	record(&o);
}

/* Frame f mirrored in ERSPAN II, session 7, from 203.0.113.1 to
   203.0.113.2. */
static void erspan_out(const struct buf *f)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 }, b[4] = { 203, 0, 113, 2 };
	static unsigned seq;
	const struct ipends e = { 4, a, b };
	struct buf o = { .n = 0 };

	eth_hdr(&o, mac_b, mac_a, ET_IPV4);
	ip4_hdr(&o, &e, P_GRE, 64, 9000 + seq, 0, NULL, 0, 8 + 8 + f->n);
	gre_hdr(&o, false, false, true, ET_ERSPAN, 0, seq++);
	erspan2_hdr(&o, 0, 0, 7, 1);
	putmem(&o, f->b, f->n);
	record(&o);
}

/* Frame f's packet in GRE from 203.0.113.1 to 203.0.113.2, its
   protocol type 802.1Q and a priority tag (VLAN 0) in front of it, as a
   GRE device whose peer writes them delivers it (Linux takes the tag off
   and, with no VLAN device for VLAN 0, delivers the packet). */
static void gre_vlan_out(const struct buf *f)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 }, b[4] = { 203, 0, 113, 2 };
	static unsigned id = 8000;
	const struct ipends e = { 4, a, b };
	struct buf o = { .n = 0 };

	eth_hdr(&o, mac_b, mac_a, ET_IPV4);
	ip4_hdr(&o, &e, P_GRE, 64, id++, 0, NULL, 0, 4 + 4 + f->n - 14);
	gre_hdr(&o, false, false, false, ET_VLAN, 0, 0);
	vlan_tag(&o, 0, (unsigned)(f->b[12] << 8 | f->b[13]));
	putmem(&o, f->b + 14, f->n - 14);
	record(&o);
}

/* Frame f inside a batman-adv unicast packet (Linux's
   batadv_unicast_packet: type 0x40, version 15, TTL, TTVN, the
   destination MAC), written to o, behind `tags` tags (802.1ad, then
   802.1Q). */
static void batman_frame(struct buf *o, const struct buf *f, unsigned tags)
{
	unsigned i;

	eth_hdr(o, mac_b, mac_a, !tags ? 0x4305 : tags > 1 ? ET_QINQ : ET_VLAN);
	for (i = 0; i < tags; i++)
		vlan_tag(o, 10 + i, i + 1 < tags ? ET_VLAN : 0x4305);
	put8(o, 0x40);
	put8(o, 15);
	put8(o, 50);
	put8(o, 1);
	putmem(o, f->b, 6);
	putmem(o, f->b, f->n);
}

/* Frame f in batman-adv, as batman_adv on the next hop receives it
   (how 6); that frame inside VXLAN (15) or inside GRE of protocol type
   0x6558 (Transparent Ethernet Bridging, 16) from 203.0.113.1 to
   203.0.113.2, as a layer-2 overlay between two sites carries it. */
static void batman_out(const struct buf *f, int how)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 }, b[4] = { 203, 0, 113, 2 };
	static unsigned id = 12000;
	const struct ipends e = { 4, a, b };
	struct buf o = { .n = 0 }, m = { .n = 0 };

	if (how == 6) {
		batman_frame(&o, f, batman_tags);
		record(&o);
		return;
	}
	batman_frame(&m, f, 0);
	if (how == 15) {
		vxlan_out(&m, 0);
		return;
	}
	eth_hdr(&o, mac_b, mac_a, ET_IPV4);
	ip4_hdr(&o, &e, P_GRE, 64, id++, 0, NULL, 0, 4 + m.n);
	gre_hdr(&o, false, false, false, ET_TEB, 0, 0);
	putmem(&o, m.b, m.n);
	record(&o);
}

/* Frame f inside Cisco FabricPath (Wireshark's packet-cisco-fp-mim.c):
   outer DA (switch 0x123's), outer SA, ethertype 0x8903, FTag 1 and
   TTL 32, then the whole frame. */
static void fabricpath_out(const struct buf *f)
{
	static const uint8_t da[6] = { 0x02, 0x01, 0x23, 0x00, 0x00, 0x01 };
	static const uint8_t sa[6] = { 0x02, 0x04, 0x56, 0x00, 0x00, 0x02 };
	struct buf o = { .n = 0 };

	eth_hdr(&o, da, sa, 0x8903);
	put8(&o, 0x00);
	put8(&o, 0x60);
	putmem(&o, f->b, f->n);
	record(&o);
}

/* Frame f inside IEEE 802.1ah PBB: backbone DA and SA, a B-tag (802.1ad,
   B-VID 100), the I-TAG (ethertype 0x88e7; PCP 0, DEI 0, UCA 0, I-SID
   0x10203), then the customer's DA, SA and the rest of its frame. */
static void pbb_out(const struct buf *f)
{
	static const uint8_t bda[6] = { 0x02, 0xbb, 0, 0, 0, 1 };
	static const uint8_t bsa[6] = { 0x02, 0xbb, 0, 0, 0, 2 };
	struct buf o = { .n = 0 };

	eth_hdr(&o, bda, bsa, 0x88a8);
	put8(&o, 0);
	put8(&o, 100);
	put8(&o, 0x88);
	put8(&o, 0xe7);
	put8(&o, 0x00);
	put8(&o, 0x01);
	put8(&o, 0x02);
	put8(&o, 0x03);
	putmem(&o, f->b, f->n);
	record(&o);
}

/* Frame f in an Ethernet pseudowire (RFC 4448): MPLS label 16 (bottom,
   TTL 64), the control word (0, sequence number 0) when cw is set, then
   the frame; on Ethernet, or (gre) in GRE of protocol type 0x8847 (MPLS
   in GRE, RFC 4023) from 203.0.113.1 to 203.0.113.2. */
static void mpls_pw_out(const struct buf *f, int cw, int gre)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 }, b[4] = { 203, 0, 113, 2 };
	static unsigned id = 13000;
	const struct ipends e = { 4, a, b };
	struct buf o = { .n = 0 };

	if (gre) {
		eth_hdr(&o, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&o, &e, P_GRE, 64, id++, 0, NULL, 0,
			4 + 4 + (cw ? 4 : 0) + f->n);
		gre_hdr(&o, false, false, false, ET_MPLS, 0, 0);
	} else {
		eth_hdr(&o, mac_b, mac_a, ET_MPLS);
	}
	put32(&o, (16u << 12) | 0x100 | 64);
	if (cw)
		put32(&o, 0);
	putmem(&o, f->b, f->n);
	record(&o);
}

/* RFC 8300 2.2: the base header (version 0, O 0, TTL 63, length in
   4-byte words, MD type, next protocol) and the service path header
   (path 42, index 255). MD type 1: 16 bytes of fixed context; 2: one
   variable-length context header (class 0, type 1, 4 bytes). */
static void nsh_hdr(struct buf *o, unsigned md, unsigned next)
{
	put16(o, (63u << 6) | (md == 1 ? 6u : 4u));
	put8(o, md);
	put8(o, next);
	put32(o, (42u << 8) | 255);
	if (md == 1) {
		putzero(o, 16);
	} else {
		put32(o, 0x00000101);
		put32(o, 0x0a0b0c0d);
	}
}

/* Payload n (NSH, or MPLS) from 203.0.113.1 to 203.0.113.2 in the
   carrier how names: GRE of protocol type 0x894f (12), VXLAN-GPE (VNI
   42) of next protocol 4 (13) or 5, MPLS (21), UDP to port nsh_port
   (18), IPv4 protocol 145 (19), Geneve (VNI 42) of protocol type 0x894f
   (20); UDP from port 49320. */
static void overlay_out(const struct buf *n, int how)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 }, b[4] = { 203, 0, 113, 2 };
	static unsigned id = 11000;
	const struct ipends e = { 4, a, b };
	struct buf o = { .n = 0 };

	eth_hdr(&o, mac_b, mac_a, ET_IPV4);
	switch (how) {
	case 12:
		ip4_hdr(&o, &e, P_GRE, 64, id++, 0, NULL, 0, 4 + n->n);
		gre_hdr(&o, false, false, false, 0x894f, 0, 0);
		break;
	case 18:
		ip4_hdr(&o, &e, P_UDP, 64, id++, 0, NULL, 0, 8 + n->n);
		udp_hdr(&o, 49320, nsh_port, n->n);
		break;
	case 19:
		ip4_hdr(&o, &e, 145, 64, id++, 0, NULL, 0, n->n);
		break;
	case 20:
		/* Version 0, no options, flags 0, the protocol, the VNI. */
		ip4_hdr(&o, &e, P_UDP, 64, id++, 0, NULL, 0, 8 + 8 + n->n);
		udp_hdr(&o, 49320, 6081, 8 + n->n);
		put16(&o, 0);
		put16(&o, 0x894f);
		put32(&o, 42u << 8);
		break;
	default:
		ip4_hdr(&o, &e, P_UDP, 64, id++, 0, NULL, 0, 8 + 8 + n->n);
		udp_hdr(&o, 49320, 4790, 8 + n->n);
		vxlan_hdr(&o, how == 21 ? 0x0c000005u : 0x0c000004u, 42);
		break;
	}
	putmem(&o, n->b, n->n);
	record(&o);
}

/* Frame f in NSH on Ethernet (how 11): the whole frame, next protocol 3;
   or its IP packet in NSH, next protocol 1, in a carrier (overlay_out);
   or (21) behind MPLS label 16 (bottom, TTL 64) in VXLAN-GPE; or (22)
   as IP protocol 145, next protocol 0xfe (experimental). */
static void nsh_out(const struct buf *f, int how)
{
	static const uint8_t da[6] = { 0x02, 0x5f, 0, 0, 0, 1 };
	static const uint8_t sa[6] = { 0x02, 0x5f, 0, 0, 0, 2 };
	struct buf o = { .n = 0 }, n = { .n = 0 };

	if (how == 11) {
		eth_hdr(&o, da, sa, 0x894f);
		nsh_hdr(&o, 1, 3);
		putmem(&o, f->b, f->n);
		record(&o);
		return;
	}
	if (how == 21)
		put32(&n, (16u << 12) | 0x100 | 64);
	else
		nsh_hdr(&n, 2, how == 22 ? 0xfe : 1);
	putmem(&n, f->b + 14, f->n - 14);
	overlay_out(&n, how == 22 ? 19 : how);
}

/* Frame f in TRILL (RFC 6325 3.2): outer DA and SA (the RBridges'),
   ethertype 0x22f3, V 0, R 0, M 0, op-length 1, hop count 32, egress
   nickname 0x0123, ingress 0x0456, 4 bytes of options (none set), then
   the frame's MACs, its inner VLAN tag (VLAN 10, 4.1.2), the rest. */
static void trill_out(const struct buf *f)
{
	static const uint8_t da[6] = { 0x02, 0x7b, 0, 0, 0, 1 };
	static const uint8_t sa[6] = { 0x02, 0x7b, 0, 0, 0, 2 };
	struct buf o = { .n = 0 };

	eth_hdr(&o, da, sa, 0x22f3);
	put16(&o, (1u << 6) | 32);
	put16(&o, 0x0123);
	put16(&o, 0x0456);
	put32(&o, 0);
	putmem(&o, f->b, 12);
	put16(&o, 0x8100);
	vlan_tag(&o, 10, (unsigned)(f->b[12] << 8 | f->b[13]));
	putmem(&o, f->b + 14, f->n - 14);
	record(&o);
}

/* An IS-IS hello between two RBridges (RFC 6325 4.2.3: ethertype
   0x22f4, to All-IS-IS-RBridges), its header alone: no IP. */
static void trill_isis(void)
{
	static const uint8_t all_rb[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x41 };
	static const uint8_t isis[8] = { 0x83, 27, 1, 0, 15, 1, 0, 0 };
	struct buf f = { .n = 0 };

	eth_hdr(&f, all_rb, mac_a, 0x22f4);
	putmem(&f, isis, sizeof isis);
	putzero(&f, 19);
	eth_pad(&f);
	record(&f);
}

/* Frames that carry no IP, as a SPAN port shows them: an ARP request,
   an LLDP frame (chassis, port and TTL TLVs, the end), an STP BPDU
   (802.3, LLC 0x42), an LACPDU and a PTP announce (headers alone). */
static void l2_known_frames(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t lldp[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };
	static const uint8_t stp[6] = { 0x01, 0x80, 0xc2, 0, 0, 0 };
	static const uint8_t slow[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x02 };
	static const uint8_t ptp[6] = { 0x01, 0x1b, 0x19, 0, 0, 0 };
	static const uint8_t arp[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	static const uint8_t tlvs[] = { 0x02, 0x07, 4, 2, 0, 0, 0, 0, 1,
					0x04, 0x02, 7, '1', 0x06, 0x02, 0,
					120, 0, 0 };
	static const uint8_t bpdu[] = { 0x42, 0x42, 0x03, 0, 0, 0, 0 };
	struct buf f;

	f.n = 0;
	eth_hdr(&f, bcast, mac_a, ET_ARP);
	putmem(&f, arp, sizeof arp);
	putzero(&f, 20);
	eth_pad(&f);
	record(&f);
	f.n = 0;
	eth_hdr(&f, lldp, mac_a, ET_LLDP);
	putmem(&f, tlvs, sizeof tlvs);
	eth_pad(&f);
	record(&f);
	f.n = 0;
	eth_hdr(&f, stp, mac_a, 3 + 35);
	putmem(&f, bpdu, sizeof bpdu);
	putzero(&f, 31);
	eth_pad(&f);
	record(&f);
	f.n = 0;
	eth_hdr(&f, slow, mac_a, 0x8809);
	put8(&f, 1);            /* LACP */
	put8(&f, 1);
	putzero(&f, 108);
	record(&f);
	f.n = 0;
	eth_hdr(&f, ptp, mac_a, 0x88f7);
	put8(&f, 0x0b);         /* announce */
	put8(&f, 2);
	putzero(&f, 62);
	record(&f);
}

/* One record, cut to the snap length, 1 ms after the last. */
static void record(const struct buf *f)
{
	if (twin_zero && f->n >= 12) {
		struct buf z = *f;

		twin_zero = 0;
		memset(z.b, 0, 12);
		record(&z);
		twin_zero = 1;
	}
	if (wrap) {
		int was = wrap;

		wrap = 0;
		if (was == 3)
			erspan_out(f);
		else if (was == 5)
			gre_vlan_out(f);
		else if (was == 6 && batman_mix && batman_mix++ % 2 == 0)
			batman_out(f, 15);
		else if (was == 6 || was == 15 || was == 16)
			batman_out(f, was);
		else if (was == 7)
			fabricpath_out(f);
		else if (was == 8)
			pbb_out(f);
		else if (was == 9 || was == 10)
			mpls_pw_out(f, was == 9, 0);
		else if (was == 17)
			mpls_pw_out(f, 0, 1);
		else if ((was >= 11 && was <= 13) || (was >= 18 && was <= 22))
			nsh_out(f, was);
		else if (was == 14)
			trill_out(f);
		else
			vxlan_out(f, was == 2);
		wrap = was;
		return;
	}
	now_us += 1000;
	pcap_stdout_record(now_us, f, snaplen);
}

/* fragover: the SYN from e's src in two fragments of one datagram
   that overlap: the first holds the whole header with the flags SYN
   and ACK, the later one (from byte 8) the SYN's own. */
static void overlap_syn(const struct ipends *e, unsigned sport,
			unsigned dport, uint32_t seq)
{
	static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };
	struct buf syn = { .n = 0 }, fake = { .n = 0 }, g;
	const struct buf *first, *later;
	int i;

	tcp_hdr(&syn, sport, dport, seq, 0, F_SYN, 64240, 4);
	putmem(&syn, mss, 4);
	l4_csum(&syn, 0, e, P_TCP);
	tcp_hdr(&fake, sport, dport, seq, 0, F_SYN | F_ACK, 64240, 4);
	putmem(&fake, mss, 4);
	l4_csum(&fake, 0, e, P_TCP);
	first = &fake;
	later = &syn;
	for (i = 0; i < 2; i++) {
		bool lead = (i == 0) == (frag_over == 1);

		g.n = 0;
		if (e->family == 6) {
			/* Only the first fragment's next header counts
			   (RFC 8200 4.5): the later one says UDP. */
			eth_hdr(&g, mac_to, mac_from, ET_IPV6);
			ip6_hdr(&g, e, P_FRAG, 8 + (lead ? 16 : 24));
			ip6_frag_hdr(&g, lead ? P_UDP : P_TCP, lead ? 8 : 0,
				     !lead, 4545);
		} else {
			eth_hdr(&g, mac_to, mac_from, ET_IPV4);
			ip4_hdr(&g, e, P_TCP, 64, 4545, lead ? 1 : 0x2000,
				NULL, 0, lead ? 16 : 24);
		}
		if (lead)
			putmem(&g, later->b + 8, 16);
		else
			putmem(&g, first->b, 24);
		eth_pad(&g);
		record(&g);
	}
}

/* One TCP segment from e's src to its dst, dressed as h says. */
static void segment(const struct how *h, const struct ipends *e,
		    unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
		    unsigned flags, const char *data)
{
	static const uint8_t v4opt[40] = {
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0
	};
	size_t dlen = data ? strlen(data) : 0, l4len = 20 + dlen, t;
	struct buf f = { .n = 0 };
	unsigned i;

	if (h->family == 4 && h->macsec) {
		/* SecTAG: TCI and AN (SC, and E and C when encrypted),
		   short length (below), packet number, SCI; then the
		   ethertype, in clear or not. */
		eth_hdr(&f, mac_to, mac_from, ET_MACSEC);
		put8(&f, 0x20 | (h->macsec == 2 ? 0x0c : 0));
		put8(&f, 0);
		put32(&f, (uint32_t)(now_us / 1000));
		putmem(&f, "\x02\0\0\0\0\x01\0\x01", 8);
		put16(&f, ET_IPV4);
		ip4_hdr(&f, e, P_TCP, 64, (unsigned)(now_us / 1000) & 0xffff,
			0, NULL, 0, l4len);
	} else if (h->family == 4 && h->hsr) {
		/* Path 0 and the size (set below), sequence number, then
		   the ethertype (Linux's struct hsr_tag). */
		eth_hdr(&f, mac_to, mac_from, h->hsr);
		put16(&f, 0);
		put16(&f, (unsigned)(now_us / 1000) & 0xffff);
		put16(&f, ET_IPV4);
		ip4_hdr(&f, e, P_TCP, 64, (unsigned)(now_us / 1000) & 0xffff,
			0, NULL, 0, l4len);
	} else if (h->family == 4 && h->ppp) {
		/* RFC 2516: version and type 0x11, code 0, session 1, the
		   length (set below), then the PPP protocol. */
		eth_hdr(&f, mac_to, mac_from, 0x8864);
		putmem(&f, "\x11\0\0\x01\0\0", 6);
		put16(&f, h->ppp);
		ip4_hdr(&f, e, P_TCP, 64, (unsigned)(now_us / 1000) & 0xffff,
			0, NULL, 0, l4len);
		if (h->ppp == 0x2f)
			f.b[22 + 9] = 0;        /* VJ: the slot, not TCP */
	} else if (h->family == 4 && h->snap) {
		/* A length for now; DSAP and SSAP 0xaa, UI, OUI 0, then
		   the ethertype (RFC 1042). */
		eth_hdr(&f, mac_to, mac_from, 0);
		putmem(&f, "\xaa\xaa\x03\0\0\0\x08\0", 8);
		ip4_hdr(&f, e, P_TCP, 64, (unsigned)(now_us / 1000) & 0xffff,
			0, NULL, 0, l4len);
	} else if (h->family == 4) {
		eth_hdr(&f, mac_to, mac_from, h->tags ? ET_VLAN : ET_IPV4);
		for (i = 0; i < h->tags; i++)
			vlan_tag(&f, 0, i + 1 < h->tags ? ET_VLAN : ET_IPV4);
		if (h->route && sport > dport) {
			/* Ends with an end of the list (and its padding). */
			const uint8_t odd[12] = { 131, 10, 7, e->dst[0],
				e->dst[1], e->dst[2], e->dst[3], 0, 113, 66 };
			const uint8_t two[16] = { 131, 7, 8, e->src[0],
				e->src[1], e->src[2], e->src[3], 131, 7, 4,
				203, 0, 113, 66 };

			ip4_hdr(&f, e, P_TCP, 64,
				(unsigned)(now_us / 1000) & 0xffff, 0,
				h->route == 1 ? odd : two,
				h->route == 1 ? sizeof odd : sizeof two, l4len);
		} else if (h->via && sport > dport) {
			const uint8_t lsrr[12] = { 131, 11, 4, h->via[0],
				h->via[1], h->via[2], h->via[3], e->dst[0],
				e->dst[1], e->dst[2], e->dst[3], 0 };

			ip4_hdr(&f, e, P_TCP, 64,
				(unsigned)(now_us / 1000) & 0xffff, 0, lsrr,
				sizeof lsrr, l4len);
		} else if (h->hop && memcmp(e->dst, h->hop, 4) != 0 &&
			   sport > dport) {
			/* LSRR, one address left, then an end of the list;
			   the checksum's pseudo-header has the final
			   destination. */
			const uint8_t lsrr[8] = { 131, 7, 4, e->dst[0], e->dst[1],
						  e->dst[2], e->dst[3], 0 };
			struct ipends to = { 4, e->src, h->hop };

			ip4_hdr(&f, &to, P_TCP, 64,
				(unsigned)(now_us / 1000) & 0xffff, 0, lsrr,
				sizeof lsrr, l4len);
		} else {
			ip4_hdr(&f, e, P_TCP, 64,
				(unsigned)(now_us / 1000) & 0xffff, 0,
				h->v4opt ? v4opt : NULL, h->v4opt, l4len);
		}
	} else if (h->via && sport > dport) {
		/* Sent to the destination, where a type 4 route ends
		   (segment list[0]; RFC 8754 4.1.1 lets the first segment
		   be left out), as the checksum's pseudo-header has it;
		   where another type's ends impwatch cannot say. */
		unsigned two = h->rtype == 4;

		eth_hdr(&f, mac_to, mac_from, ET_IPV6);
		ip6_hdr(&f, e, P_RH, 8 + 16 * (1 + two) + l4len);
		put8(&f, P_TCP);
		put8(&f, 2 * (1 + two));
		put8(&f, h->rtype);
		put8(&f, 1 + two);
		put8(&f, two);          /* type 4's last entry; type 3's
		                           CmprI and CmprE: none */
		putzero(&f, 3);
		if (two)
			putmem(&f, e->dst, 16);
		putmem(&f, h->via, 16);
	} else if (h->hop && memcmp(e->dst, h->hop, 16) != 0 &&
		   sport > dport) {
		/* Type 4, one segment (24 bytes), segments left 1; the
		   checksum's pseudo-header has the final destination. */
		struct ipends to = { 6, e->src, h->hop };

		eth_hdr(&f, mac_to, mac_from, ET_IPV6);
		ip6_hdr(&f, &to, P_RH, 24 + l4len);
		put8(&f, P_TCP);
		put8(&f, 2);
		put8(&f, 4);
		put8(&f, 1);
		putzero(&f, 4);
		putmem(&f, e->dst, 16);
	} else {
		eth_hdr(&f, mac_to, mac_from, ET_IPV6);
		ip6_hdr(&f, e, h->ext ? P_DSTOP : P_TCP, h->ext * 8 + l4len);
		for (i = 0; i < h->ext; i++) {
			/* Next header, length 0 (8 bytes), a PadN of 4. */
			put8(&f, i + 1 < h->ext ? P_DSTOP : P_TCP);
			put8(&f, 0);
			put8(&f, 1);
			put8(&f, 4);
			putzero(&f, 4);
		}
	}
	t = f.n;
	tcp_hdr(&f, sport, dport, seq, ack, flags, 64240, 0);
	if (dlen)
		putmem(&f, data, dlen);
	l4_csum(&f, t, e, P_TCP);
	if (h->snap)
		set16(&f, 12, f.n - 14);        /* the 802.3 length */
	if (h->hsr)
		set16(&f, 14, f.n - 14);        /* the LSDU size */
	if (h->ppp == 0xfd)
		for (i = 22; i < f.n; i++)      /* compressed: opaque */
			f.b[i] ^= 0x5a;
	if (h->ppp)
		set16(&f, 18, f.n - 20);        /* PPPoE's length */
	if (h->macsec) {
		/* The short length when the data is under 48 bytes; the
		   ICV (16 bytes, GCM-AES) after it. */
		if (f.n - 28 < 48)
			f.b[15] = (uint8_t)(f.n - 28);
		putzero(&f, 16);
	}
	if (frag_over && flags == F_SYN && sport == 5222) {
		overlap_syn(e, sport, dport, seq);
		return;
	}
	if (frag_syn && flags == F_SYN && sport == 5060 && h->family == 4) {
		/* MF, offset 0: 8 bytes of the header; then the rest. */
		struct buf g = { .n = 0 };

		eth_hdr(&g, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&g, e, P_TCP, 64, 4343, 0x2000, NULL, 0, 8);
		putmem(&g, f.b + t, 8);
		eth_pad(&g);
		record(&g);
		g.n = 0;
		eth_hdr(&g, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&g, e, P_TCP, 64, 4343, 1, NULL, 0, f.n - t - 8);
		putmem(&g, f.b + t + 8, f.n - t - 8);
		eth_pad(&g);
		record(&g);
		return;
	}
	eth_pad(&f);
	record(&f);
}

/* A TCP segment with flags from e's src to its dst and a wrong
   checksum: on the wire and in the capture, dropped by its receiver. */
static void forged(const struct ipends *e, unsigned sport, unsigned dport,
		   unsigned flags)
{
	struct buf f = { .n = 0 };
	size_t t;

	eth_hdr(&f, mac_to, mac_from, ET_IPV4);
	ip4_hdr(&f, e, P_TCP, 64, 999, 0, NULL, 0, 20);
	t = f.n;
	tcp_hdr(&f, sport, dport, 7, flags & F_ACK ? 1 : 0, flags, 64240, 0);
	l4_csum(&f, t, e, P_TCP);
	f.b[t + 16] ^= 0xff;
	eth_pad(&f);
	record(&f);
}

/* A SIP datagram from c to s, bare or (gre: from g to its end) inside
   GRE, or (erspan) inside an ERSPAN II session of gre's ends: the same
   IP packet each way. */
static void sip_datagram(const uint8_t *c, const uint8_t *s,
			 const struct ipends *gre, bool erspan)
{
	const char *data = "OPTIONS sip:imp SIP/2.0\r\n\r\n";
	struct ipends e = { 4, c, s };
	size_t n = strlen(data), t;
	struct buf f = { .n = 0 };

	eth_hdr(&f, mac_b, mac_a, ET_IPV4);
	if (gre && erspan) {
		ip4_hdr(&f, gre, P_GRE, 64, 4242, 0, NULL, 0,
			8 + 8 + 14 + 20 + 8 + n);
		gre_hdr(&f, false, false, true, ET_ERSPAN, 0, 1);
		erspan2_hdr(&f, 0, 0, 9, 1);
		eth_hdr(&f, mac_b, mac_a, ET_IPV4);
	} else if (gre) {
		ip4_hdr(&f, gre, P_GRE, 64, 4242, 0, NULL, 0,
			4 + 20 + 8 + n);
		gre_hdr(&f, false, false, false, ET_IPV4, 0, 0);
	}
	ip4_hdr(&f, &e, P_UDP, 64, 4141, 0, NULL, 0, 8 + n);
	t = f.n;
	udp_hdr(&f, 5060, 5060, n);
	putmem(&f, data, n);
	l4_csum(&f, t, &e, P_UDP);
	eth_pad(&f);
	record(&f);
}

/* A UDP datagram from a:sport to b:dport holding data (n bytes), or
   when vxlan, frame f inside VXLAN (VNI 42). */
static void udp_out(const uint8_t *a, const uint8_t *b, unsigned sport,
		    unsigned dport, const void *data, size_t n, bool vxlan)
{
	static unsigned id = 6000;
	const struct ipends e = { 4, a, b };
	struct buf o = { .n = 0 };
	size_t t;

	eth_hdr(&o, mac_b, mac_a, ET_IPV4);
	ip4_hdr(&o, &e, P_UDP, 64, id++, 0, NULL, 0, 8 + (vxlan ? 8 : 0) + n);
	t = o.n;
	udp_hdr(&o, sport, dport, (vxlan ? 8 : 0) + n);
	if (vxlan)
		vxlan_hdr(&o, 0x08000000u, 42);
	putmem(&o, data, n);
	l4_csum(&o, t, &e, P_UDP);
	eth_pad(&o);
	record(&o);
}

/* carrier-lead (plain false) and carrier-plain (true): a flow of its
   own and a VXLAN carrier on one outer 5-tuple, the first packet not
   the tunnel's; carrier-self (self): a VXLAN carrier whose packets
   carry its own flow. */
static void carrier_mix(const uint8_t *c, const uint8_t *s, bool plain,
			bool self)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 };
	static const uint8_t b[4] = { 203, 0, 113, 2 };
	const char *sip = "OPTIONS sip:imp SIP/2.0\r\n\r\n";
	const struct ipends e = { 4, c, s };
	struct buf f = { .n = 0 };
	unsigned i;
	size_t t;

	eth_hdr(&f, mac_b, mac_a, ET_IPV4);
	ip4_hdr(&f, &e, P_UDP, 64, 4141, 0, NULL, 0, 8 + strlen(sip));
	t = f.n;
	udp_hdr(&f, 5060, 5060, strlen(sip));
	putmem(&f, sip, strlen(sip));
	l4_csum(&f, t, &e, P_UDP);
	if (self) {
		/* The inner datagram is the carrier's flow, reversed. */
		const struct ipends r = { 4, b, a };

		f.n = 0;
		eth_hdr(&f, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&f, &r, P_UDP, 64, 4141, 0, NULL, 0, 8 + strlen(sip));
		t = f.n;
		udp_hdr(&f, 4789, 5060, strlen(sip));
		putmem(&f, sip, strlen(sip));
		l4_csum(&f, t, &r, P_UDP);
	} else if (plain) {
		udp_out(a, b, 40000, 4789, f.b, f.n, true);
	} else {
		udp_out(b, a, 4789, 5060, sip, strlen(sip), false);
	}
	for (i = 0; i < 4; i++) {
		if (plain)
			udp_out(a, b, 40000, 4789, "\x93\x11\xfe\x02 opaque",
				12, false);
		else
			udp_out(a, b, 5060, 4789, f.b, f.n, true);
		f.b[18]++;      /* the inner IP id: no SPAN copies */
	}
}

/* erspangre: GRE in ERSPAN II, both between a and b. */
static void erspan_gre(const uint8_t *c, const uint8_t *s)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 };
	static const uint8_t b[4] = { 203, 0, 113, 2 };
	const char *sip = "OPTIONS sip:imp SIP/2.0\r\n\r\n";
	const struct ipends e = { 4, c, s }, ab = { 4, a, b };
	size_t n = strlen(sip), t;
	struct buf f = { .n = 0 };
	unsigned i;

	for (i = 0; i < 4; i++) {
		f.n = 0;
		eth_hdr(&f, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&f, &ab, P_GRE, 64, 9100 + i, 0, NULL, 0,
			8 + 8 + 14 + 20 + 4 + 20 + 8 + n);
		gre_hdr(&f, false, false, true, ET_ERSPAN, 0, i);
		erspan2_hdr(&f, 0, 0, 7, 1);
		eth_hdr(&f, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&f, &ab, P_GRE, 64, 9200 + i, 0, NULL, 0,
			4 + 20 + 8 + n);
		gre_hdr(&f, false, false, false, ET_IPV4, 0, 0);
		ip4_hdr(&f, &e, P_UDP, 64, 4141 + i, 0, NULL, 0, 8 + n);
		t = f.n;
		udp_hdr(&f, 5060, 5060, n);
		putmem(&f, sip, n);
		l4_csum(&f, t, &e, P_UDP);
		record(&f);
	}
}

/* carrier-frag: frames of no IP (LLDP) in VXLAN, the outer packets in
   two fragments, the first holding the VXLAN header and 80 bytes. */
static void carrier_frag(void)
{
	static const uint8_t a[4] = { 203, 0, 113, 1 };
	static const uint8_t b[4] = { 203, 0, 113, 2 };
	const struct ipends e = { 4, a, b };
	struct buf u = { .n = 0 }, o = { .n = 0 };
	unsigned i;

	udp_hdr(&u, 40000, 4789, 8 + 14 + 300);
	vxlan_hdr(&u, 0x08000000u, 42);
	eth_hdr(&u, mac_a, mac_b, ET_LLDP);
	putzero(&u, 300);
	for (i = 0; i < 3; i++) {
		o.n = 0;
		eth_hdr(&o, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&o, &e, P_UDP, 64, 7100 + i, 0x2000, NULL, 0, 96);
		putmem(&o, u.b, 96);
		record(&o);
		o.n = 0;
		eth_hdr(&o, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&o, &e, P_UDP, 64, 7100 + i, 96 / 8, NULL, 0,
			u.n - 96);
		putmem(&o, u.b + 96, u.n - 96);
		record(&o);
	}
}

/* udp0-v6: datagrams from c:40000 to s:4444 over IPv6, the UDP length
   field 0: Linux takes it for a jumbogram's (RFC 2675) whatever the
   size, reads the datagram to the end of the packet and delivers it. */
static void udp0_v6(const uint8_t *c, const uint8_t *s)
{
	const struct ipends e = { 6, c, s };
	uint8_t data[] = "\x93\x11\xfe\x02 opaque datagram";
	size_t n = sizeof data - 1, t;
	unsigned i;

	for (i = 0; i < 4; i++) {
		struct buf f = { .n = 0 };

		eth_hdr(&f, mac_b, mac_a, ET_IPV6);
		ip6_hdr(&f, &e, P_UDP, 8 + n);
		t = f.n;
		udp_hdr(&f, 40000, 4444, n);
		set16(&f, t + 4, 0);
		data[n - 1] = (uint8_t)('0' + i);       /* no SPAN copies */
		putmem(&f, data, n);
		l4_csum(&f, t, &e, P_UDP);
		eth_pad(&f);
		record(&f);
	}
}

/* Empty UDP datagrams to s:5060 from n sources of their own. */
static void sip_flood(const uint8_t *s, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		uint8_t src[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
				   (uint8_t)i };
		struct ipends e = { 4, src, s };
		struct buf f = { .n = 0 };

		eth_hdr(&f, mac_b, mac_a, ET_IPV4);
		ip4_hdr(&f, &e, P_UDP, 64, i & 0xffff, 0, NULL, 0, 8);
		udp_hdr(&f, 10000 + i % 50000, 5060, 0);
		eth_pad(&f);
		record(&f);
		now_us -= 990;     /* 10 us apart */
	}
}

/* A whole session: c from cport to s at sport, data from the client. */
static void session(const struct how *h, const uint8_t *c, const uint8_t *s,
		    unsigned cport, unsigned sport, const char *data)
{
	struct ipends up = { h->family, c, s }, down = { h->family, s, c };
	uint32_t a = 1000, b = 5000, n = (uint32_t)strlen(data);

	segment(h, &up, cport, sport, a, 0, F_SYN, NULL);
	segment(h, &down, sport, cport, b, a + 1, F_SYN | F_ACK, NULL);
	segment(h, &up, cport, sport, a + 1, b + 1, F_ACK, NULL);
	segment(h, &up, cport, sport, a + 1, b + 1, F_PSH | F_ACK, data);
	segment(h, &down, sport, cport, b + 1, a + 1 + n, F_ACK, NULL);
	segment(h, &up, cport, sport, a + 1 + n, b + 1, F_FIN | F_ACK, NULL);
	segment(h, &down, sport, cport, b + 1, a + 2 + n, F_FIN | F_ACK, NULL);
	segment(h, &up, cport, sport, a + 2 + n, b + 2, F_ACK, NULL);
}

/* dpi-acks N: SSH to the XMPP port 5222 of s, from c, with N empty ACKs
   from the client (each one a receiver takes and ignores) between the
   handshake and the server's banner. */
static void ssh_after_acks(const uint8_t *c, const uint8_t *s, unsigned n)
{
	const struct ipends up = { 4, c, s }, down = { 4, s, c };
	const struct how h = { .family = 4 };
	const char *srv = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
	const char *cli = "SSH-2.0-OpenSSH_9.2p1\r\n";
	uint32_t a = 1001, b = 5001;
	unsigned i;

	segment(&h, &up, 40000, 5222, a - 1, 0, F_SYN, NULL);
	segment(&h, &down, 5222, 40000, b - 1, a, F_SYN | F_ACK, NULL);
	for (i = 0; i <= n; i++)
		segment(&h, &up, 40000, 5222, a, b, F_ACK, NULL);
	segment(&h, &down, 5222, 40000, b, a, F_PSH | F_ACK, srv);
	b += (uint32_t)strlen(srv);
	segment(&h, &up, 40000, 5222, a, b, F_PSH | F_ACK, cli);
	a += (uint32_t)strlen(cli);
	segment(&h, &down, 5222, 40000, b, a, F_ACK, NULL);
	segment(&h, &up, 40000, 5222, a, b, F_FIN | F_ACK, NULL);
	segment(&h, &down, 5222, 40000, b, a + 1, F_FIN | F_ACK, NULL);
	segment(&h, &up, 40000, 5222, a + 1, b + 1, F_ACK, NULL);
}

/* dpi-udp N: N empty datagrams from c to SIP's port 5060 on s, then a
   STUN binding request and its answer, twice. */
static void stun_after_empty(const uint8_t *c, const uint8_t *s, unsigned n)
{
	static const uint8_t req[20] = { 0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	/* Success, an XOR-MAPPED-ADDRESS of 8 bytes. */
	static const uint8_t ans[32] = { 1, 1, 0, 12, 0x21, 0x12, 0xa4, 0x42,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
		0, 0x20, 0, 8, 0, 1, 0xbd, 0x52, 0xe7, 0x21, 0xc0, 0x45 };
	unsigned i;

	for (i = 0; i < n; i++)
		udp_out(c, s, 40000, 5060, "", 0, false);
	for (i = 0; i < 2; i++) {
		udp_out(c, s, 40000, 5060, req, sizeof req, false);
		udp_out(s, c, 5060, 40000, ans, sizeof ans, false);
	}
}

/* lo-*: sessions to port lo_port (5049, SIP's internal port, localhost
   only, unless the case names another: then opaque bytes) from c to s, and for IPv4 from c2 to s2 too, each with the MACs its
   case says: zero (lo-zero, lo-mapped) or real; lo-lead (4) sends an
   ACK with zero MACs first, which no host on a wire takes; lo-twin (5)
   sends every frame with zero MACs first, after 20 documented
   sessions. */
static unsigned lo_port = 5049;

static void lo_sessions(const struct how *h, int lo, const uint8_t *c,
			const uint8_t *s, const uint8_t *c2, const uint8_t *s2)
{
	static const uint8_t c4_doc[4] = { 198, 51, 100, 7 };
	static const uint8_t s4_doc[4] = { 192, 0, 2, 10 };
	/* SIP on SIP's port, bytes of no protocol on another. */
	const char *sip = lo_port == 5049 ? "OPTIONS sip:imp SIP/2.0\r\n\r\n" :
			  "\x93\x11\xfe\x02 opaque";
	const struct ipends up = { 4, c, s }, up2 = { 4, c2, s2 };

	if (lo == 2 || lo == 3)
		mac_to = mac_from = mac_zero;
	if (lo == 5) {
		unsigned i;

		for (i = 0; i < 20; i++)
			session(h, c4_doc, s4_doc, 51001 + i, 5222,
				"<stream:stream to='imp'>");
		twin_zero = 1;
	}
	if (lo == 4) {
		mac_to = mac_from = mac_zero;
		segment(h, &up, 40000, lo_port, 1001, 5001, F_ACK, NULL);
		mac_to = mac_b, mac_from = mac_a;
	}
	session(h, c, s, 40000, lo_port, sip);
	if (h->family != 4)
		return;
	if (lo == 4) {
		mac_to = mac_from = mac_zero;
		segment(h, &up2, 40001, lo_port, 1001, 5001, F_ACK, NULL);
		mac_to = mac_b, mac_from = mac_a;
	}
	session(h, c2, s2, 40001, lo_port, sip);
}

/* lo-wire 1, lo-zero 2, lo-mapped 3, lo-lead 4, lo-twin 5; 0 none. */
static int lo_case(const char *name)
{
	static const char *const cases[] = { "wire", "zero", "mapped",
					     "lead", "twin" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(name, cases[i]) == 0)
			return i + 1;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: evade [-s SNAPLEN] ext6 N | v6 | v4opt | tags N | "
		"srh | lsrr | lsrr-lo | lsrr-odd | lsrr-two | "
		"lsrr-back | srh-back | rh3 | rh3-vxlan | lead-synack | "
		"lead-ack | lead-syn | lead-tls | synfrag | evict N | "
		"fragvxlan | erspancopy | tuncopy | carrier-lead | "
		"carrier-plain | carrier-frag | tls-early N | "
		"carrier-self | erspangre | lo-wire [PORT] | lo-zero [PORT] | "
		"lo-mapped [PORT] | lo-lead [PORT] | dpi-acks N | dpi-udp N | snap | "
		"udp0-v6 | fragover | fragover-late | fragover6 | "
		"lo-twin [PORT] | macsec | macsec-enc | hsr | hsr0 | pppoe-vj | "
		"pppoe-ccp | gre-vlan | batman | fabricpath | pbb | mpls-pw | mpls-pw-nocw | nsh | nsh-doc | nsh-gre | "
		"nsh-gpe | trill | trill-doc | l2-known | batman-vxlan | "
		"batman-gre | mpls-gre-nocw | nsh-udp N | nsh-ip | "
		"nsh-ip-doc | nsh-ip-exp | nsh-geneve | nsh-geneve-doc | mpls-gpe | "
		"mpls-gpe-doc | batman-vlan | batman-qinq | "
		"batman-vxlan-vlan | batman-mix\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const uint8_t c4[4] = { 198, 51, 100, 7 };
	static const uint8_t s4[4] = { 192, 0, 2, 10 };
	static const uint8_t e4[4] = { 203, 0, 113, 66 };
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	static const uint8_t lo4b[4] = { 127, 0, 0, 2 };
	static const uint8_t lo4c[4] = { 127, 0, 0, 9 };
	static const uint8_t lo6m[16] = { [10] = 0xff, [11] = 0xff,
					  127, 0, 0, 1 };
	static const uint8_t c6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	static const uint8_t e6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x66 };
	static const uint8_t k6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 7 };
	static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	static const uint8_t g4[4] = { 198, 51, 100, 50 };
	static const uint8_t t4[4] = { 203, 0, 113, 99 };
	const struct ipends gre = { 4, g4, t4 };
	const struct how plain4 = { .family = 4 };
	struct how evil = { .family = 6 };
	const char *ssh = "SSH-2.0-OpenSSH_9.2p1\r\n";
	const struct ipends up = { 4, c4, e4 }, down = { 4, e4, c4 };
	unsigned lead = 0;      /* flags of the forged first segment */
	unsigned flood = 0;     /* evict: datagrams between */
	unsigned early = 0;     /* tls-early: bytes before the first */
	int mix = 0;            /* carrier-lead 1, -plain 2, -frag 3,
	                           -self 4, erspangre 5 */
	int lo = 0;             /* lo_case() */
	int batman = 0;         /* the SSH session in batman-adv 6,
	                           fabricpath 7, pbb 8, mpls-pw 9,
	                           mpls-pw-nocw 10, nsh 11, nsh-gre 12,
	                           nsh-gpe 13, trill 14, batman-vxlan 15,
	                           batman-gre 16, mpls-gre-nocw 17, nsh-udp
	                           18, nsh-ip 19, nsh-geneve 20, mpls-gpe
	                           21, nsh-ip-exp 22 (wrap's values) */
	int doc_only = 0;       /* nsh-doc, trill-doc, nsh-ip-doc,
	                           nsh-geneve-doc, mpls-gpe-doc: both sessions
	                           documented, both in the carrier */
	int l2_known = 0;       /* l2-known: frames of no IP */
	int acks = -1;          /* dpi-acks: empty ACKs before SSH */
	int dgrams = -1;        /* dpi-udp: empty datagrams before STUN */
	int udp0 = 0;           /* udp0-v6 */
	int a = 1;

	pkt_prog = "evade";
	if (a + 1 < argc && strcmp(argv[a], "-s") == 0) {
		snaplen = (unsigned)strtoul(argv[a + 1], NULL, 10);
		a += 2;
	}
	if (a >= argc || snaplen < 14)
		return usage();
	if (strcmp(argv[a], "ext6") == 0 && a + 1 < argc)
		evil.ext = (unsigned)strtoul(argv[a + 1], NULL, 10);
	else if (strcmp(argv[a], "tags") == 0 && a + 1 < argc)
		evil = (struct how){ .family = 4,
			.tags = (unsigned)strtoul(argv[a + 1], NULL, 10) };
	else if (strcmp(argv[a], "snap") == 0)
		evil = (struct how){ .family = 4, .snap = 1 };
	else if (strcmp(argv[a], "macsec") == 0)
		evil = (struct how){ .family = 4, .macsec = 1 };
	else if (strcmp(argv[a], "macsec-enc") == 0)
		evil = (struct how){ .family = 4, .macsec = 2 };
	else if (strcmp(argv[a], "hsr") == 0)
		evil = (struct how){ .family = 4, .hsr = 0x892f };
	else if (strcmp(argv[a], "hsr0") == 0)
		evil = (struct how){ .family = 4, .hsr = 0x88fb };
	else if (strcmp(argv[a], "pppoe-vj") == 0)
		evil = (struct how){ .family = 4, .ppp = 0x2f };
	else if (strcmp(argv[a], "pppoe-ccp") == 0)
		evil = (struct how){ .family = 4, .ppp = 0xfd };
	else if (strcmp(argv[a], "udp0-v6") == 0)
		evil.family = 0, udp0 = 1;
	else if (strcmp(argv[a], "v4opt") == 0)
		evil = (struct how){ .family = 4, .v4opt = 40 };
	else if (strcmp(argv[a], "tuncopy") == 0)
		evil.family = 0;
	else if (strcmp(argv[a], "carrier-lead") == 0)
		evil.family = 0, mix = 1;
	else if (strcmp(argv[a], "carrier-plain") == 0)
		evil.family = 0, mix = 2;
	else if (strcmp(argv[a], "tls-early") == 0 && a + 1 < argc)
		evil.family = 0,
		early = (unsigned)strtoul(argv[a + 1], NULL, 10);
	else if (strcmp(argv[a], "carrier-self") == 0)
		evil.family = 0, mix = 4;
	else if (strcmp(argv[a], "erspangre") == 0)
		evil.family = 0, mix = 5;
	else if (strcmp(argv[a], "carrier-frag") == 0)
		evil.family = 0, mix = 3;
	else if (strcmp(argv[a], "erspancopy") == 0)
		evil.family = 0, wrap = 3;
	else if (strcmp(argv[a], "evict") == 0 && a + 1 < argc)
		evil.family = 0, flood = (unsigned)strtoul(argv[a + 1], NULL, 10);
	else if (strcmp(argv[a], "synfrag") == 0)
		evil.family = 4, lead = F_SYN | F_ACK | F_FIN, frag_syn = 1;
	else if (strcmp(argv[a], "fragover") == 0)
		evil.family = 4, frag_over = 1;
	else if (strcmp(argv[a], "fragover-late") == 0)
		evil.family = 4, frag_over = 2;
	else if (strcmp(argv[a], "fragover6") == 0)
		evil.family = 6, frag_over = 1;
	else if (strcmp(argv[a], "gre-vlan") == 0)
		evil.family = 4, wrap = 5;
	else if (strcmp(argv[a], "batman") == 0)
		evil.family = 4, batman = 6;
	else if (strcmp(argv[a], "fabricpath") == 0)
		evil.family = 4, batman = 7;
	else if (strcmp(argv[a], "pbb") == 0)
		evil.family = 4, batman = 8;
	else if (strcmp(argv[a], "mpls-pw") == 0)
		evil.family = 4, batman = 9;
	else if (strcmp(argv[a], "mpls-pw-nocw") == 0)
		evil.family = 4, batman = 10;
	else if (strcmp(argv[a], "nsh") == 0)
		evil.family = 4, batman = 11;
	else if (strcmp(argv[a], "nsh-doc") == 0)
		evil.family = 4, batman = 11, doc_only = 1;
	else if (strcmp(argv[a], "nsh-gre") == 0)
		evil.family = 4, batman = 12;
	else if (strcmp(argv[a], "nsh-gpe") == 0)
		evil.family = 4, batman = 13;
	else if (strcmp(argv[a], "trill") == 0)
		evil.family = 4, batman = 14;
	else if (strcmp(argv[a], "batman-vxlan") == 0)
		evil.family = 4, batman = 15;
	else if (strcmp(argv[a], "batman-gre") == 0)
		evil.family = 4, batman = 16;
	else if (strcmp(argv[a], "mpls-gre-nocw") == 0)
		evil.family = 4, batman = 17;
	else if (strcmp(argv[a], "nsh-udp") == 0 && a + 1 < argc)
		evil.family = 4, batman = 18,
		nsh_port = (unsigned)strtoul(argv[a + 1], NULL, 10);
	else if (strcmp(argv[a], "nsh-ip") == 0)
		evil.family = 4, batman = 19;
	else if (strcmp(argv[a], "nsh-ip-exp") == 0)
		evil.family = 4, batman = 22;
	else if (strcmp(argv[a], "nsh-ip-doc") == 0)
		evil.family = 4, batman = 19, doc_only = 1;
	else if (strcmp(argv[a], "nsh-geneve") == 0)
		evil.family = 4, batman = 20;
	else if (strcmp(argv[a], "nsh-geneve-doc") == 0)
		evil.family = 4, batman = 20, doc_only = 1;
	else if (strcmp(argv[a], "mpls-gpe") == 0)
		evil.family = 4, batman = 21;
	else if (strcmp(argv[a], "mpls-gpe-doc") == 0)
		evil.family = 4, batman = 21, doc_only = 1;
	else if (strcmp(argv[a], "batman-vlan") == 0)
		evil.family = 4, batman = 6, batman_tags = 1;
	else if (strcmp(argv[a], "batman-qinq") == 0)
		evil.family = 4, batman = 6, batman_tags = 2;
	else if (strcmp(argv[a], "batman-vxlan-vlan") == 0)
		evil.family = 4, batman = 15, carrier_vlan = 1;
	else if (strcmp(argv[a], "batman-mix") == 0)
		evil.family = 4, batman = 6, batman_tags = 1, batman_mix = 1;
	else if (strcmp(argv[a], "trill-doc") == 0)
		evil.family = 4, batman = 14, doc_only = 1;
	else if (strcmp(argv[a], "l2-known") == 0)
		evil.family = 4, l2_known = 1;
	else if (strcmp(argv[a], "fragvxlan") == 0)
		evil.family = 4, wrap = 1;
	else if (strcmp(argv[a], "srh") == 0)
		evil.hop = e6;
	else if (strcmp(argv[a], "lsrr") == 0)
		evil = (struct how){ .family = 4, .hop = e4 };
	else if (strcmp(argv[a], "lsrr-lo") == 0)
		evil = (struct how){ .family = 4, .hop = s4 };
	else if (strncmp(argv[a], "lo-", 3) == 0 &&
		 (lo = lo_case(argv[a] + 3)) != 0) {
		evil.family = lo == 3 ? 6 : 4;
		if (a + 1 < argc)
			lo_port = (unsigned)strtoul(argv[a + 1], NULL, 10);
	}
	else if (strcmp(argv[a], "lsrr-odd") == 0)
		evil = (struct how){ .family = 4, .route = 1 };
	else if (strcmp(argv[a], "lsrr-two") == 0)
		evil = (struct how){ .family = 4, .route = 2 };
	else if (strcmp(argv[a], "lsrr-back") == 0)
		evil = (struct how){ .family = 4, .via = e4 };
	else if (strcmp(argv[a], "srh-back") == 0)
		evil.via = e6, evil.rtype = 4;
	else if (strcmp(argv[a], "rh3") == 0)
		evil.via = e6, evil.rtype = 3;
	else if (strcmp(argv[a], "rh3-vxlan") == 0)
		evil.via = e6, evil.rtype = 3, wrap = 4;
	else if (strcmp(argv[a], "lead-synack") == 0)
		evil.family = 4, lead = F_SYN | F_ACK;
	else if (strcmp(argv[a], "lead-ack") == 0)
		evil.family = 4, lead = F_ACK;
	else if (strcmp(argv[a], "lead-syn") == 0)
		evil.family = 4, lead = F_SYN | F_PSH;   /* PSH: from the far end */
	else if (strcmp(argv[a], "lead-tls") == 0)
		evil.family = 4, lead = F_ACK | F_FIN;   /* FIN: to 5061 */
	else if (strcmp(argv[a], "dpi-acks") == 0 && a + 1 < argc)
		evil.family = 4, acks = atoi(argv[a + 1]);
	else if (strcmp(argv[a], "dpi-udp") == 0 && a + 1 < argc)
		evil.family = 4, dgrams = atoi(argv[a + 1]);
	else if (strcmp(argv[a], "v6") != 0)
		return usage();
	if (evil.ext > 200 || evil.tags > 200 || early > 100 || acks > 200 || dgrams > 200 ||
	    (batman == 18 && (nsh_port == 0 || nsh_port > 65535)) ||
	    (evil.family == 0 && !strcmp(argv[a], "tls-early") && !early))
		return usage();
	pcap_stdout_header(snaplen);
	if (doc_only)
		wrap = batman;
	session(&plain4, c4, s4, 51000, 5222, "<stream:stream to='imp'>");
	if (wrap == 1)
		wrap = 2;
	if (batman)
		wrap = batman;
	if (flood) {
		const struct ipends up4 = { 4, c4, s4 }, down4 = { 4, s4, c4 };
		const char *sip = "OPTIONS sip:imp SIP/2.0\r\n\r\n";
		uint32_t n = (uint32_t)strlen(sip);

		segment(&plain4, &up4, 40000, 5061, 1000, 0, F_SYN, NULL);
		segment(&plain4, &down4, 5061, 40000, 5000, 1001, F_SYN | F_ACK,
			NULL);
		segment(&plain4, &up4, 40000, 5061, 1001, 5001, F_ACK, NULL);
		sip_flood(s4, flood);
		segment(&plain4, &up4, 40000, 5061, 1001, 5001, F_PSH | F_ACK, sip);
		segment(&plain4, &down4, 5061, 40000, 5001, 1001 + n, F_ACK, NULL);
	} else if (early) {
		const struct ipends up4 = { 4, c4, s4 }, down4 = { 4, s4, c4 };
		static const char pad[] =
			"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
		const uint32_t c = 1001, s = 5001;   /* first bytes' numbers */
		char sip[160];
		uint32_t n;

		/* N bytes of padding, then the first byte's clear SIP. */
		snprintf(sip, sizeof sip, "%.*s%s", (int)early, pad,
			 "OPTIONS sip:imp SIP/2.0\r\n\r\n");
		n = (uint32_t)strlen(sip) - early;
		segment(&plain4, &up4, 40000, 5061, c - 1, 0, F_SYN, NULL);
		segment(&plain4, &down4, 5061, 40000, s - 1, c,
			F_SYN | F_ACK, NULL);
		segment(&plain4, &up4, 40000, 5061, c, s, F_ACK, NULL);
		segment(&plain4, &up4, 40000, 5061, c - early, s,
			F_PSH | F_ACK, sip);
		segment(&plain4, &down4, 5061, 40000, s, c + n, F_ACK, NULL);
		segment(&plain4, &up4, 40000, 5061, c + n, s,
			F_FIN | F_ACK, NULL);
		segment(&plain4, &down4, 5061, 40000, s, c + n + 1,
			F_FIN | F_ACK, NULL);
		segment(&plain4, &up4, 40000, 5061, c + n + 1, s + 1, F_ACK,
			NULL);
	} else if (udp0) {
		udp0_v6(c6, e6);
	} else if (acks >= 0) {
		ssh_after_acks(c4, s4, (unsigned)acks);
	} else if (dgrams >= 0) {
		stun_after_empty(c4, s4, (unsigned)dgrams);
	} else if (mix == 5) {
		erspan_gre(c4, s4);
	} else if (mix == 3) {
		carrier_frag();
	} else if (mix) {
		carrier_mix(c4, s4, mix == 2, mix == 4);
	} else if (evil.family == 0) {
		sip_datagram(c4, s4, NULL, false);
		sip_datagram(c4, s4, &gre, wrap == 3);
		session(&plain4, c4, s4, 51001, 5222, "<stream:stream to='imp'>");
	} else if (lo) {
		lo_sessions(&evil, lo, lo == 3 ? lo6m : lo4,
			    lo == 3 ? lo6m : lo4, lo4b, lo4c);
	} else if (evil.hop == s4) {
		session(&evil, lo4, lo4, 40000, 5049,
			"OPTIONS sip:imp SIP/2.0\r\n\r\n");
	} else if ((evil.hop || evil.route || evil.via) && evil.family == 4) {
		session(&evil, c4, s4, 40000, 5222, "\x93\x11\xfe\x02 opaque");
	} else if (evil.hop || evil.via) {
		session(&evil, k6, s6, 40000, 5222, "\x93\x11\xfe\x02 opaque");
	} else if (frag_syn) {
		session(&evil, c4, e4, 5060, 4444, "\x93\x11\xfe\x02 opaque");
	} else if (frag_over && evil.family == 6) {
		session(&evil, c6, e6, 5222, 4444, "\x93\x11\xfe\x02 opaque");
	} else if (frag_over) {
		session(&evil, c4, e4, 5222, 4444, "\x93\x11\xfe\x02 opaque");
	} else if (lead & F_FIN) {
		const struct ipends to = { 4, c4, s4 };

		forged(&to, 40000, 5061, F_ACK);
		session(&evil, c4, s4, 40000, 5061,
			"OPTIONS sip:imp SIP/2.0\r\n\r\n");
	} else if (lead) {
		if (lead & F_PSH)
			forged(&down, 4444, 5060, F_SYN);
		else
			forged(&up, 5060, 4444, lead);
		session(&evil, c4, e4, 5060, 4444, "\x93\x11\xfe\x02 opaque");
	} else if (doc_only) {
		if (batman == 14) {
			wrap = 0;
			trill_isis();
			wrap = batman;
		}
		session(&plain4, c4, s4, 51001, 5222, "<stream:stream to='imp'>");
	} else if (l2_known) {
		l2_known_frames();
		session(&plain4, c4, s4, 51001, 5222, "<stream:stream to='imp'>");
	} else if (evil.family == 4)
		session(&evil, c4, e4, 40000, 4444, ssh);
	else
		session(&evil, c6, e6, 40000, 4444, ssh);
	if (fflush(stdout) != 0)
		pkt_die("write", "standard output");
	return 0;
}
