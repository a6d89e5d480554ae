/*
 * test_judge.c: the reasons a run cannot be trusted, from its counters:
 * each threshold at its edge, and the sentences that say why.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "judge.h"

struct run {
	struct run_stats s;
	struct options o;
	struct gate g;
	struct judge_facts f;
};

/* A run of one file with packets and flows, and no reason yet. */
static void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	options_default(&r->o);
	r->s.work.packets = 100;
	r->s.work.flows.created = 10;
	gate_init(&r->g, true);
}

static void judge(struct run *r)
{
	judge_reasons(&r->s, &r->g, &r->o, &r->f);
}

/* Nothing wrong: no reason, health good, thresholds reported. */
static void test_clean(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	judge(&r);
	assert_false(gate_any(&r.g));
	assert_false(r.s.health_poor);
	assert_int_equal(r.s.health_one_way_pct, DEF_HEALTH_ONE_WAY);
	assert_int_equal(r.s.health_dup_pct, DEF_HEALTH_DUP);
	assert_int_equal(r.s.health_drops_milli, DEF_HEALTH_DROPS);
}

/* One-way TCP: judged from HEALTH_MIN_FLOWS flows, over the threshold. */
static void test_one_way(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	r.f.tcp_judged = HEALTH_MIN_FLOWS - 1;
	r.f.tcp_one_way = HEALTH_MIN_FLOWS - 1;
	judge(&r);
	assert_false(gate_has(&r.g, GR_ONE_WAY));

	run_init(&r);
	r.f.tcp_judged = 5;
	r.f.tcp_one_way = 1;          /* 20%: not over 20% */
	judge(&r);
	assert_false(gate_has(&r.g, GR_ONE_WAY));

	run_init(&r);
	r.f.tcp_judged = 5;
	r.f.tcp_one_way = 2;
	judge(&r);
	assert_true(gate_has(&r.g, GR_ONE_WAY));
	assert_true(r.s.health_poor);
	assert_string_equal(r.s.health_why, "2 of 5 TCP flows seen in one "
			    "direction only, over 20%: the SPAN mirrors half of "
			    "each conversation");
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);
}

/* One-way TCP over several files whose clock went back: captures of the
   same time (a TAP's two ports) read one after the other, each
   direction a flow of its own. The sentence says so, and how to read
   them; one file, or a clock never set back, keeps the SPAN's cause. */
static void test_one_way_files(void **state)
{
	struct file_stat files[2];
	struct run r;

	(void)state;
	memset(files, 0, sizeof(files));
	run_init(&r);
	r.s.files = files;
	r.s.n_files = 2;
	r.s.work.clock_jumps_back = 1;
	r.f.tcp_judged = 40;
	r.f.tcp_one_way = 40;
	judge(&r);
	assert_true(gate_has(&r.g, GR_ONE_WAY));
	assert_string_equal(r.s.health_why, "40 of 40 TCP flows seen in one "
			    "direction only, over 20%: the SPAN mirrors half of "
			    "each conversation, or, as the packets' clock went "
			    "back, inputs captured at the same time (a TAP's two "
			    "ports) were read one after the other: merge them by "
			    "time first (mergecap -w all.pcap FILE...)");

	run_init(&r);
	r.s.files = files;
	r.s.n_files = 2;
	r.f.tcp_judged = 40;
	r.f.tcp_one_way = 40;
	judge(&r);
	assert_string_equal(r.s.health_why, "40 of 40 TCP flows seen in one "
			    "direction only, over 20%: the SPAN mirrors half of "
			    "each conversation");
}

/* Duplicates and drops: both reasons, both in the health sentence. */
static void test_dup_and_drops(void **state)
{
	struct run r;
	struct live_stats ls;

	(void)state;
	run_init(&r);
	memset(&ls, 0, sizeof(ls));
	ls.iface = "eth1";
	ls.received = 1001;
	ls.dropped = 1;
	r.s.live = &ls;
	r.s.work.dup_checked = 100;
	r.s.work.dup_frames = 11;
	judge(&r);
	assert_true(gate_has(&r.g, GR_DUPLICATES));
	assert_true(gate_has(&r.g, GR_DROPS));
	assert_string_equal(r.s.health_why, "11 of 100 frames were mirrored "
			    "twice, over 10%: overlapping SPAN sources; 1 packet "
			    "dropped by the kernel, 0 by the interface, over 0% "
			    "of 1001: the capture could not keep up");

	/* --health-drops 0.1: one in 1001 is under it. */
	run_init(&r);
	r.o.health_drops = 100;
	r.s.live = &ls;
	judge(&r);
	assert_false(gate_has(&r.g, GR_DROPS));
}

/* Live, libpcap's received count holds what the kernel dropped (Linux
   adds tp_drops to tp_packets; tests/live checks it on a real ring):
   3000 received of which 1073 dropped is 35.8% lost, over 30%, and
   the interface's drops come on top. Counted twice, 1073 of 4073 would
   be 26.3%, and the gate would pass on a capture past its threshold. */
static void test_live_drops_received(void **state)
{
	struct run r;
	struct live_stats ls;

	(void)state;
	memset(&ls, 0, sizeof(ls));
	ls.iface = "eth1";
	ls.received = 3000;
	ls.dropped = 1073;
	run_init(&r);
	r.o.health_drops = 30000;
	r.s.live = &ls;
	judge(&r);
	assert_true(gate_has(&r.g, GR_DROPS));
	assert_string_equal(r.s.health_why, "1073 packets dropped by the "
			    "kernel, 0 by the interface, over 30% of 3000: "
			    "the capture could not keep up");
	/* 1073 of 3000 is 35.77%: not over 35.77, over 35.76. */
	run_init(&r);
	r.o.health_drops = 35770;
	r.s.live = &ls;
	judge(&r);
	assert_false(gate_has(&r.g, GR_DROPS));
	run_init(&r);
	r.o.health_drops = 35760;
	r.s.live = &ls;
	judge(&r);
	assert_true(gate_has(&r.g, GR_DROPS));
	/* The interface's drops never reached the kernel: 500 more. */
	ls.received = 1000;
	ls.dropped = 0;
	ls.ifdropped = 500;
	run_init(&r);
	r.o.health_drops = 33333;
	r.s.live = &ls;
	judge(&r);
	assert_true(gate_has(&r.g, GR_DROPS));
	assert_string_equal(r.s.health_why, "0 packets dropped by the kernel, "
			    "500 by the interface, over 33.333% of 1500: the "
			    "capture could not keep up");
}

/* A pcapng that recorded its losses: judged per file, over the packets
   it holds plus those it says it dropped; the sentence names the file
   and counts the others over the threshold. */
static void test_file_drops(void **state)
{
	struct file_stat fs[3];
	struct run r;

	(void)state;
	memset(fs, 0, sizeof(fs));
	fs[0].name = "clean.pcapng";
	fs[0].packets = 1000;
	fs[0].drops.read = DROPS_READ;
	fs[1].name = "lost.pcapng";
	fs[1].packets = 90;
	fs[1].filtered = 10;
	fs[1].drops.read = DROPS_READ;
	fs[1].drops.dropped = 900;
	fs[1].drops.ifdrop = 900;
	fs[2] = fs[1];
	fs[2].name = "lost2.pcapng";
	run_init(&r);
	r.s.files = fs;
	r.s.n_files = 3;
	judge(&r);
	assert_true(gate_has(&r.g, GR_DROPS));
	assert_string_equal(r.s.health_why, "the capture file lost.pcapng "
			    "recorded 900 packets dropped (900 by the interface, "
			    "0 by the OS, 0 between packets), over 0% of 1000 "
			    "(and 1 other file): the capture that wrote it could "
			    "not keep up");
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);

	/* --health-drops 90: 900 of 1000 is not over it; 89.999 is. */
	run_init(&r);
	r.o.health_drops = 90000;
	r.s.files = fs;
	r.s.n_files = 2;
	judge(&r);
	assert_false(gate_has(&r.g, GR_DROPS));
	run_init(&r);
	r.o.health_drops = 89999;
	r.s.files = fs;
	r.s.n_files = 2;
	judge(&r);
	assert_true(gate_has(&r.g, GR_DROPS));

	/* Nothing recorded, or none read (a pipe): no reason. */
	run_init(&r);
	r.s.files = fs;
	r.s.n_files = 1;
	judge(&r);
	assert_false(gate_any(&r.g));
}

/* A file that says its losses are not known (a count of all ones) is
   over any threshold short of 100%, and the sentence says not known,
   never a number; a count near the top does not wrap the packets it
   is judged over. */
static void test_file_drops_not_known(void **state)
{
	struct file_stat fs[2];
	struct run r;

	(void)state;
	memset(fs, 0, sizeof(fs));
	fs[0].name = "lost.pcapng";
	fs[0].packets = 100;
	fs[0].drops.read = DROPS_READ;
	fs[0].drops.osdrop = 3;
	fs[0].drops.dropped = 3;
	fs[0].drops.not_known = FD_IFDROP;
	run_init(&r);
	r.o.health_drops = 99999;
	r.s.files = fs;
	r.s.n_files = 1;
	judge(&r);
	assert_true(gate_has(&r.g, GR_DROPS));
	assert_string_equal(r.s.health_why, "the capture file lost.pcapng "
			    "says its losses are not known (not known by the "
			    "interface, 3 by the OS, 0 between packets): the "
			    "capture that wrote it could not count them");

	/* --health-drops 100 accepts any loss, one not known too. */
	run_init(&r);
	r.o.health_drops = 100000;
	r.s.files = fs;
	r.s.n_files = 1;
	judge(&r);
	assert_false(gate_has(&r.g, GR_DROPS));

	fs[1] = fs[0];
	fs[1].drops.not_known = 0;
	fs[1].drops.dropped = UINT64_MAX - 1;
	run_init(&r);
	r.o.health_drops = 100000;
	r.s.files = fs + 1;
	r.s.n_files = 1;
	judge(&r);
	assert_false(gate_has(&r.g, GR_DROPS));
}

/* No packets: the sentence says why, the filter when it left all out. */
static void test_nothing(void **state)
{
	struct run r;
	struct file_stat fs[2];

	(void)state;
	run_init(&r);
	memset(fs, 0, sizeof(fs));
	fs[0].name = "a.pcap";
	fs[0].filtered = 7;
	r.s.files = fs;
	r.s.n_files = 1;
	r.s.work.packets = 0;
	r.o.filter = "udp";
	judge(&r);
	assert_string_equal(r.g.why[GR_NO_PACKETS], "no packets: the filter "
			    "'udp' passed none of the 7 records read");

	run_init(&r);
	r.s.files = fs;
	r.s.n_files = 2;
	r.s.work.packets = 0;
	judge(&r);
	assert_string_equal(r.g.why[GR_NO_PACKETS], "no packets: the captures "
			    "hold none");

	run_init(&r);
	r.s.work.flows.created = 0;
	judge(&r);
	assert_string_equal(r.g.why[GR_NO_FLOWS], "no flows: none of the 100 "
			    "packets read made one");
}

/* An input read whole that held no packet, beside one that did: named,
   as many as fit; a file the filter emptied is not one, nor a run with
   no packet at all (no-packets). */
static void test_empty_input(void **state)
{
	static struct file_stat fs[300];
	static char names[300][16];
	struct run r;
	size_t i;

	(void)state;
	run_init(&r);
	memset(fs, 0, sizeof(fs));
	for (i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu.pcap", i);
		fs[i].name = names[i];
		fs[i].state = FILE_COMPLETE;
	}
	fs[0].packets = 100;
	fs[2].filtered = 5;
	r.s.files = fs;
	r.s.n_files = 3;
	judge(&r);
	assert_string_equal(r.g.why[GR_EMPTY_INPUT], "f1.pcap held no "
			    "packets: what it was to capture was not judged");
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);
	assert_int_equal(gate_status(&r.g, true, true), EXIT_FINDINGS);

	run_init(&r);
	r.s.files = fs;
	r.s.n_files = 300;
	judge(&r);
	assert_true(strlen(r.g.why[GR_EMPTY_INPUT]) < GATE_WHY_MAX - 1);
	assert_non_null(strstr(r.g.why[GR_EMPTY_INPUT], "298 of 300 inputs "
			       "held no packets: f1.pcap, f3.pcap, f4.pcap, "));
	assert_non_null(strstr(r.g.why[GR_EMPTY_INPUT], " more: what they "
			       "were to capture was not judged"));

	/* Not without --validate; not with no packet at all. */
	run_init(&r);
	gate_init(&r.g, false);
	r.s.files = fs;
	r.s.n_files = 2;
	judge(&r);
	assert_false(gate_any(&r.g));
	run_init(&r);
	r.s.files = fs + 1;
	r.s.n_files = 2;
	r.s.work.packets = 0;
	judge(&r);
	assert_true(gate_has(&r.g, GR_NO_PACKETS));
	assert_false(gate_has(&r.g, GR_EMPTY_INPUT));
}

/* Live: one of several interfaces captured nothing while another did;
   with -f, the filter may be why. */
static void test_silent_iface(void **state)
{
	struct live_stats ls;
	struct run r;

	(void)state;
	run_init(&r);
	memset(&ls, 0, sizeof(ls));
	ls.iface = "eth1,eth2";
	ls.received = 100;
	r.s.live = &ls;
	judge(&r);
	assert_false(gate_any(&r.g));
	ls.silent = "eth2";
	judge(&r);
	assert_string_equal(r.g.why[GR_EMPTY_INPUT], "eth2 captured no "
			    "packets while another interface did: what it was "
			    "to capture was not judged");
	run_init(&r);
	r.s.live = &ls;
	r.o.filter = "udp";
	judge(&r);
	assert_non_null(strstr(r.g.why[GR_EMPTY_INPUT], "eth2 captured no "
			       "packets that the filter passed while"));
}

/* -f: no reason, but the gate says what was judged: for files, every
   record read and those the filter left out; live, not counted. */
static void test_filter(void **state)
{
	struct file_stat fs[2];
	struct live_stats ls;
	struct run r;

	(void)state;
	run_init(&r);
	judge(&r);
	assert_null(gate_filter_why(&r.g));
	memset(fs, 0, sizeof(fs));
	fs[0].name = "a.pcap";
	fs[0].state = fs[1].state = FILE_COMPLETE;
	fs[0].packets = 3;
	fs[0].filtered = 2;
	fs[1].packets = 1;
	fs[1].filtered = 4;
	r.s.files = fs;
	r.s.n_files = 2;
	r.o.filter = "not port 22";
	judge(&r);
	assert_false(gate_any(&r.g));
	assert_string_equal(gate_filter_why(&r.g), "judged only what the "
			    "filter 'not port 22' kept: it left out 6 of 10 "
			    "packets");
	assert_true(r.g.filter_counted);
	assert_int_equal(r.g.filter_read, 10);
	assert_int_equal(r.g.filter_left_out, 6);

	run_init(&r);
	memset(&ls, 0, sizeof(ls));
	ls.iface = "eth1";
	r.s.live = &ls;
	r.o.filter = "tcp";
	judge(&r);
	assert_false(r.g.filter_counted);
	assert_string_equal(gate_filter_why(&r.g), "judged only what the "
			    "filter 'tcp' kept: a live capture does not count "
			    "what it left out");
}

/* Interrupted: the file not finished, then as many unread as fit. */
static void test_interrupted(void **state)
{
	static struct file_stat fs[300];
	static char names[300][16];
	struct run r;
	size_t i;

	(void)state;
	run_init(&r);
	memset(fs, 0, sizeof(fs));
	for (i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu.pcap", i);
		fs[i].name = names[i];
		fs[i].state = i == 0 ? FILE_COMPLETE :
			      i == 1 ? FILE_INTERRUPTED : FILE_UNREAD;
	}
	fs[1].packets = 120;
	r.s.files = fs;
	r.s.n_files = 3;
	r.f.stopped_by = SIGTERM;
	judge(&r);
	assert_string_equal(r.g.why[GR_INTERRUPTED], "SIGTERM stopped the run: "
			    "f1.pcap not finished (after packet 120); not read: "
			    "f2.pcap");

	run_init(&r);
	r.s.files = fs;
	r.s.n_files = 300;
	r.f.stopped_by = SIGINT;
	judge(&r);
	assert_true(strlen(r.g.why[GR_INTERRUPTED]) < GATE_WHY_MAX);
	assert_non_null(strstr(r.g.why[GR_INTERRUPTED], "SIGINT stopped the run: "
			       "f1.pcap not finished (after packet 120); not "
			       "read: f2.pcap, f3.pcap, "));
	assert_non_null(strstr(r.g.why[GR_INTERRUPTED], " more"));
	/* Not under --validate either: the run did not complete. */
	gate_init(&r.g, false);
	judge(&r);
	assert_true(gate_has(&r.g, GR_INTERRUPTED));
}

/* Live, a signal before --duration or --count (main.c says when): the
   sentence says how far the run got of each. */
static void test_interrupted_live(void **state)
{
	struct live_stats ls;
	struct run r;

	(void)state;
	memset(&ls, 0, sizeof(ls));
	ls.iface = "eth1";
	ls.received = 100;
	run_init(&r);
	r.s.live = &ls;
	r.o.duration = 3600;
	r.f.stopped_by = SIGTERM;
	r.f.captured_us = 61234567;
	judge(&r);
	assert_string_equal(r.g.why[GR_INTERRUPTED], "SIGTERM stopped the run "
			    "after 61.2 s of --duration 3600 s");
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);
	run_init(&r);
	r.s.live = &ls;
	r.o.duration = 3600;
	r.o.count = 1000;
	r.f.stopped_by = SIGINT;
	r.f.captured_us = 61234567;
	judge(&r);
	assert_string_equal(r.g.why[GR_INTERRUPTED], "SIGINT stopped the run "
			    "after 61.2 s of --duration 3600 s and after 100 "
			    "of --count 1000 packets");
}

/* A live capture whose drain at the stop was cut: part of the traffic
   never judged (findings seen still fail), a gate's reason only. */
static void test_end_not_read(void **state)
{
	struct run r;
	struct live_stats ls;

	(void)state;
	run_init(&r);
	memset(&ls, 0, sizeof(ls));
	ls.iface = "eth1,eth2";
	ls.received = 20000;
	r.s.live = &ls;
	judge(&r);
	assert_false(gate_any(&r.g));

	ls.end_not_read = "eth2";
	ls.end_read = 8192;
	judge(&r);
	assert_true(gate_has(&r.g, GR_END_NOT_READ));
	assert_string_equal(r.g.why[GR_END_NOT_READ], "the capture's end was "
			    "not read on eth2: 2000 ms after the stop its drain "
			    "still found packets from before it (8192 read in "
			    "the drain); the rest was neither read nor counted "
			    "as dropped: the reader was behind (capture less "
			    "with -f, --no-dpi, more CPU)");
	assert_false(r.s.health_poor);
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);
	assert_int_equal(gate_status(&r.g, true, true), EXIT_FINDINGS);
	/* Without --validate a live run stopped is how a sensor stops. */
	gate_init(&r.g, false);
	judge(&r);
	assert_false(gate_any(&r.g));
}

/* One packet cut by the snap length before its transport header: its
   flow was never judged. Findings seen still fail the gate. */
static void test_snap_cut(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	judge(&r);
	assert_false(gate_has(&r.g, GR_SNAP_CUT));

	r.s.work.decode_err[DERR_SNAP_CUT] = 1;
	judge(&r);
	assert_true(gate_has(&r.g, GR_SNAP_CUT));
	assert_string_equal(r.g.why[GR_SNAP_CUT], "1 packet cut by the snap "
			    "length before the transport header: its flow was "
			    "not judged (capture with a longer snap length)");
	assert_false(r.s.health_poor);
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);
	assert_int_equal(gate_status(&r.g, true, true), EXIT_FINDINGS);

	/* First fragments cut inside a header: the same, for their own
	   reason. */
	run_init(&r);
	r.s.work.decode_err[DERR_FRAG_CUT] = 2;
	judge(&r);
	assert_false(gate_has(&r.g, GR_SNAP_CUT));
	assert_true(gate_has(&r.g, GR_FRAG_CUT));
	assert_string_equal(r.g.why[GR_FRAG_CUT], "2 first fragments end "
			    "inside a header their flow needs (a tunnel's, the "
			    "one inside it, or TCP's flags): impwatch does not "
			    "reassemble, and those flows were not judged whole");
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);
	/* Only a gate asks. */
	gate_init(&r.g, false);
	judge(&r);
	assert_false(gate_any(&r.g));
}

/* Frames MACsec encrypted: what they carried was never judged. None: no
   reason. Findings seen still fail the gate. */
static void test_encrypted(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	judge(&r);
	assert_false(gate_has(&r.g, GR_ENCRYPTED));

	r.s.work.decode_err[DERR_MACSEC_ENCRYPTED] = 1;
	judge(&r);
	assert_true(gate_has(&r.g, GR_ENCRYPTED));
	assert_string_equal(r.g.why[GR_ENCRYPTED], "1 frame was MACsec-"
			    "encrypted (IEEE 802.1AE): what it carried was not "
			    "judged");
	assert_false(r.s.health_poor);
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);
	assert_int_equal(gate_status(&r.g, true, true), EXIT_FINDINGS);
	gate_init(&r.g, false);
	judge(&r);
	assert_false(gate_any(&r.g));
}

/* PPP frames whose IP is compressed or encrypted, alone and beside
   MACsec: one sentence says both. */
static void test_encrypted_ppp(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	r.s.work.decode_err[DERR_PPP_OPAQUE] = 8;
	judge(&r);
	assert_true(gate_has(&r.g, GR_ENCRYPTED));
	assert_string_equal(r.g.why[GR_ENCRYPTED], "8 PPP frames were "
			    "compressed, encrypted or split (VJ, CCP or MPPE, "
			    "ECP, multilink): what they carried was not judged");
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);

	run_init(&r);
	r.s.work.decode_err[DERR_MACSEC_ENCRYPTED] = 2;
	r.s.work.decode_err[DERR_PPP_OPAQUE] = 1;
	judge(&r);
	assert_string_equal(r.g.why[GR_ENCRYPTED], "2 frames were "
			    "MACsec-encrypted (IEEE 802.1AE) and 1 PPP frame "
			    "was compressed, encrypted or split (VJ, CCP or "
			    "MPPE, ECP, multilink): what they carried was not "
			    "judged");
}

/* A run that counted n l2-unknown frames, the lowest of type type
   (types: others too), the lowest bare one bare (bares: 0, 1, 2), the
   bare ones behind no tag. */
static void l2_run(struct run *r, uint64_t n, uint16_t type, bool types,
		   uint16_t bare, uint8_t bares)
{
	run_init(r);
	r->s.work.decode_err[DERR_L2_UNKNOWN] = n;
	r->s.work.l2.type = type;
	r->s.work.l2.types = types;
	r->s.work.l2.bare = bare;
	r->s.work.l2.bares = bares;
	r->s.work.l2.bare_depths = bares ? 1 : 0;
}

/* Frames of an ethertype impwatch does not decode: the sentence names
   it and the filter that leaves it out; several, the lowest; an MPLS
   pseudowire's, what it is. Frames of no IP (not-ip): no reason. */
static void test_l2_unknown(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	r.s.work.decode_err[DERR_NOT_IP] = 40;
	judge(&r);
	assert_false(gate_any(&r.g));

	l2_run(&r, 8, 0x4305, false, 0x4305, 1);
	judge(&r);
	assert_true(gate_has(&r.g, GR_L2_UNKNOWN));
	assert_string_equal(r.g.why[GR_L2_UNKNOWN], "8 frames of ethertype "
			    "0x4305 were not decoded: IP a layer-2 tunnel "
			    "delivers (batman-adv, a pseudowire) was not "
			    "judged; -f 'not ether proto 0x4305' leaves them "
			    "out on purpose");
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);

	l2_run(&r, 1, 0x8847, true, 0x8847, 2);
	judge(&r);
	assert_string_equal(r.g.why[GR_L2_UNKNOWN], "1 frame of ethertypes "
			    "from 0x8847 (MPLS with no IP after its labels) "
			    "was not decoded: IP a layer-2 tunnel delivers "
			    "(batman-adv, a pseudowire) was not judged; -f 'not "
			    "ether proto 0x8847' leaves those of the first out "
			    "on purpose");
}

/* r's carrier: kind over IP version family and protocol proto (UDP to
   port dport), between the 4 or 16 bytes at a and b, behind no tag. */
static void l2_carrier(struct run *r, enum tunnel_kind kind, uint8_t family,
		       uint8_t proto, uint16_t dport, const uint8_t *a,
		       const uint8_t *b)
{
	struct tun_layer *t = &r->s.work.l2.tun;
	size_t at = family == 4 ? 12 : 0;

	r->s.work.l2.tun_depths = 1;
	t->kind = (uint8_t)kind;
	t->family = family;
	t->proto = proto;
	t->dport = dport;
	memcpy(t->src.b + at, a, 16 - at);
	memcpy(t->dst.b + at, b, 16 - at);
}

/* An unknown ethertype met inside a tunnel: `ether proto` reads the
   outer frame, so the sentence names the carrier and the filter its
   outer flow (UDP by its port, GRE by its protocol, over IPv6 too,
   whole); with bare frames, both; with other carriers, the first. */
static void test_l2_unknown_tunnel(void **state)
{
	static const uint8_t a4[4] = { 203, 0, 113, 1 }, b4[4] = { 203, 0, 113, 2 };
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34,
					0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
					0x11, 0x22, 0x33, 0x44 };
	static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34,
					0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
					0x11, 0x22, 0x33, 0x45 };
	struct run r;

	(void)state;
	l2_run(&r, 8, 0x4305, false, 0, 0);
	l2_carrier(&r, TUN_VXLAN, 4, 17, 4789, a4, b4);
	judge(&r);
	assert_string_equal(r.g.why[GR_L2_UNKNOWN], "8 frames of ethertype "
			    "0x4305 inside vxlan from 203.0.113.1 to "
			    "203.0.113.2 were not decoded: IP a layer-2 tunnel "
			    "delivers (batman-adv, a pseudowire) was not "
			    "judged; -f 'not (host 203.0.113.1 and host "
			    "203.0.113.2 and udp port 4789)' leaves that tunnel "
			    "out on purpose");
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);

	/* GRE, bare frames too. */
	l2_run(&r, 9, 0x4305, true, 0x88b5, 1);
	l2_carrier(&r, TUN_GRE, 4, 47, 0, a4, b4);
	judge(&r);
	assert_string_equal(r.g.why[GR_L2_UNKNOWN], "9 frames of ethertypes "
			    "from 0x4305, some inside gre from 203.0.113.1 to "
			    "203.0.113.2, were not decoded: IP a layer-2 tunnel "
			    "delivers (batman-adv, a pseudowire) was not "
			    "judged; -f 'not (ether proto 0x88b5 or (host "
			    "203.0.113.1 and host 203.0.113.2 and ip proto 47))' "
			    "leaves them and that tunnel out on purpose");

	/* Over IPv6, in other carriers too: the first's, whole. */
	l2_run(&r, 1000000, 0x8847, true, 0x88b5, 2);
	r.s.work.l2.tuns = true;
	l2_carrier(&r, TUN_VXLAN_GPE, 6, 17, 4790, a6, b6);
	judge(&r);
	assert_string_equal(r.g.why[GR_L2_UNKNOWN], "1000000 frames of "
			    "ethertypes from 0x8847 (MPLS with no IP after its "
			    "labels), some inside vxlan-gpe from "
			    "2001:db8:1234:5678:9abc:def0:1122:3344 to "
			    "2001:db8:1234:5678:9abc:def0:1122:3345, were not "
			    "decoded: IP a layer-2 tunnel delivers (batman-adv, "
			    "a pseudowire) was not judged; -f 'not (ether proto "
			    "0x88b5 or (host "
			    "2001:db8:1234:5678:9abc:def0:1122:3344 and host "
			    "2001:db8:1234:5678:9abc:def0:1122:3345 and udp "
			    "port 4790))' leaves those of the first ethertype "
			    "and carrier out on purpose");

	/* GRE over IPv6, other carriers: its protocol, ip6's. */
	l2_run(&r, 1, 0x4305, false, 0, 0);
	r.s.work.l2.tuns = true;
	l2_carrier(&r, TUN_GRE, 6, 47, 0, a6, b6);
	judge(&r);
	assert_non_null(strstr(r.g.why[GR_L2_UNKNOWN], "-f 'not (host "
			       "2001:db8:1234:5678:9abc:def0:1122:3344 and host "
			       "2001:db8:1234:5678:9abc:def0:1122:3345 and ip6 "
			       "proto 47)' leaves those of the first carrier out "
			       "on purpose"));
}

/* Behind 802.1Q and 802.1ad tags, BPF reads only past as many as the
   filter names `vlan`, and each moves every test after it: one `vlan`
   a tag, the untagged terms first, the deeper inside, the carrier's
   outer flow behind its own tags. What BPF cannot reach is said. */
static void test_l2_unknown_tags(void **state)
{
	static const uint8_t a4[4] = { 203, 0, 113, 1 }, b4[4] = { 203, 0, 113, 2 };
	struct run r;

	(void)state;
	/* One tag. */
	l2_run(&r, 8, 0x4305, false, 0x4305, 1);
	r.s.work.l2.bare_depths = 1u << 1;
	judge(&r);
	assert_non_null(strstr(r.g.why[GR_L2_UNKNOWN], "-f 'not (vlan and "
			       "ether proto 0x4305)' leaves them out on "
			       "purpose"));

	/* QinQ and untagged. */
	r.s.work.l2.bare_depths = 1u << 0 | 1u << 2;
	gate_init(&r.g, true);
	judge(&r);
	assert_non_null(strstr(r.g.why[GR_L2_UNKNOWN], "-f 'not (ether proto "
			       "0x4305 or (vlan and (vlan and ether proto "
			       "0x4305)))' leaves them out on purpose"));

	/* A carrier behind a tag. */
	l2_run(&r, 8, 0x4305, false, 0, 0);
	l2_carrier(&r, TUN_VXLAN, 4, 17, 4789, a4, b4);
	r.s.work.l2.tun_depths = 1u << 1;
	judge(&r);
	assert_non_null(strstr(r.g.why[GR_L2_UNKNOWN], "-f 'not (vlan and "
			       "(host 203.0.113.1 and host 203.0.113.2 and udp "
			       "port 4789))' leaves that tunnel out on "
			       "purpose"));

	/* Bare frames behind a tag, an untagged carrier: the carrier's
	   term before the `vlan`, which would move its offsets. */
	l2_run(&r, 8, 0x4305, false, 0x4305, 1);
	r.s.work.l2.bare_depths = 1u << 1;
	l2_carrier(&r, TUN_VXLAN, 4, 17, 4789, a4, b4);
	judge(&r);
	assert_non_null(strstr(r.g.why[GR_L2_UNKNOWN], "-f 'not ((host "
			       "203.0.113.1 and host 203.0.113.2 and udp port "
			       "4789) or (vlan and ether proto 0x4305))' "
			       "leaves them and that tunnel out on purpose"));

	/* Some BPF cannot reach (behind FabricPath, or 4 tags): the
	   filter leaves out only some. */
	r.s.work.l2.blind = true;
	gate_init(&r.g, true);
	judge(&r);
	assert_non_null(strstr(r.g.why[GR_L2_UNKNOWN], "ethertype 0x4305, some "
			       "inside vxlan"));
	assert_non_null(strstr(r.g.why[GR_L2_UNKNOWN], "leaves some of them "
			       "out on purpose"));

	/* None it can: no filter. */
	l2_run(&r, 1, 0x4305, false, 0, 0);
	r.s.work.l2.blind = true;
	judge(&r);
	assert_string_equal(r.g.why[GR_L2_UNKNOWN], "1 frame of ethertype "
			    "0x4305 was not decoded: IP a layer-2 tunnel "
			    "delivers (batman-adv, a pseudowire) was not "
			    "judged; no -f can leave it out, as BPF does not "
			    "read past what carried it");
}

/* The longest sentence: every depth, a bare type and a carrier between
   two IPv6 addresses of the longest form (8 groups of 4 digits), several
   of each: whole, not cut to GATE_WHY_MAX. */
static void test_l2_unknown_longest(void **state)
{
	uint8_t a6[16], b6[16];
	struct run r;
	const char *why, *at;
	int k;

	(void)state;
	memset(a6, 0xfe, sizeof a6);   /* fefe:fefe:...: 39 characters */
	memset(b6, 0xef, sizeof b6);
	l2_run(&r, UINT64_MAX, 0x8847, true, 0x88b5, 2);
	r.s.work.l2.bare_depths = (1u << L2_DEPTHS) - 1;
	r.s.work.l2.tuns = true;
	l2_carrier(&r, TUN_VXLAN_GPE, 6, 17, 65535, a6, b6);
	r.s.work.l2.tun_depths = (1u << L2_DEPTHS) - 1;
	judge(&r);
	why = r.g.why[GR_L2_UNKNOWN];
	assert_true(strlen(why) < GATE_WHY_MAX - 1);
	for (k = 0, at = why; (at = strstr(at, "(vlan and (ether proto "
					   "0x88b5 or (host fefe:")); at++)
		k++;
	assert_int_equal(k, L2_DEPTHS - 1);
	assert_non_null(strstr(why, "udp port 65535))))))))' leaves those of "
			       "the first ethertype and carrier out on "
			       "purpose"));
}

/* One datagram whose later fragment overlapped its first: the headers
   its receiver kept may not be those judged. None: no reason. Findings
   seen still fail the gate. */
static void test_frag_overlap(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	judge(&r);
	assert_false(gate_has(&r.g, GR_FRAG_OVERLAP));

	r.s.work.decode_err[DERR_FRAG_OVERLAP] = 1;
	judge(&r);
	assert_true(gate_has(&r.g, GR_FRAG_OVERLAP));
	assert_false(gate_has(&r.g, GR_FRAG_CUT));
	assert_string_equal(r.g.why[GR_FRAG_OVERLAP], "1 datagram had a later "
			    "fragment overlapping its first: receivers differ "
			    "in which bytes they keep, and its headers may not "
			    "be what was judged");
	assert_false(r.s.health_poor);
	assert_int_equal(gate_status(&r.g, true, false), EXIT_INCONCLUSIVE);
	assert_int_equal(gate_status(&r.g, true, true), EXIT_FINDINGS);
	/* Only a gate asks. */
	gate_init(&r.g, false);
	judge(&r);
	assert_false(gate_any(&r.g));
}

/* One flow pushed out of a full table: the rest of it was judged
   without its start. Work left undone, findings or not. */
static void test_flows_pushed_out(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	r.s.work.flows.ended[END_IDLE] = 10;
	judge(&r);
	assert_false(gate_has(&r.g, GR_FLOWS_PUSHED_OUT));

	r.s.work.flows.ended[END_EVICTED] = 1;
	r.o.lim.max_flows = 1000;
	judge(&r);
	assert_true(gate_has(&r.g, GR_FLOWS_PUSHED_OUT));
	assert_string_equal(r.g.why[GR_FLOWS_PUSHED_OUT], "flow table full "
			    "(--max-flows 1000): 1 flow pushed out before it "
			    "ended; the rest of it was judged as a new flow "
			    "without its start");
	run_init(&r);
	r.s.work.flows.ended[END_EVICTED] = 2;
	r.o.lim.max_flows = 1000;
	judge(&r);
	assert_string_equal(r.g.why[GR_FLOWS_PUSHED_OUT], "flow table full "
			    "(--max-flows 1000): 2 flows pushed out before they "
			    "ended; the rest of each was judged as a new flow "
			    "without its start");
	assert_true(r.s.health_poor);
	assert_int_equal(gate_status(&r.g, true, true), EXIT_INCONCLUSIVE);
}

/* Source-routed packets (IPv6 and IPv4): the verdicts on their flows'
   addresses are in doubt, findings or not. */
static void test_source_routed(void **state)
{
	struct run r;

	(void)state;
	/* Without an inventory too: a route that ends at 127.0.0.1 makes a
	   flow to a host look as if it never left it (localhost only), one
	   that ends at a declared collector makes a tunnel trusted. */
	run_init(&r);
	r.s.work.decode_err[DERR_IPV6_ROUTED] = 1;
	judge(&r);
	assert_true(gate_has(&r.g, GR_SOURCE_ROUTED));
	assert_string_equal(r.g.why[GR_SOURCE_ROUTED], "1 packet was "
			    "source-routed (an IPv6 routing header, IPv4's "
			    "LSRR or SSRR, with hops left): it went to a host "
			    "its flow does not name, and what its flow's "
			    "addresses decide (roles, localhost only, "
			    "tunnels) may not hold");
	assert_int_equal(gate_status(&r.g, true, true), EXIT_INCONCLUSIVE);

	/* IPv4's source routes count with IPv6's. */
	run_init(&r);
	r.o.hosts = "site.hosts";
	r.s.work.decode_err[DERR_IPV6_ROUTED] = 2;
	r.s.work.decode_err[DERR_IPV4_ROUTED] = 1;
	judge(&r);
	assert_true(gate_has(&r.g, GR_SOURCE_ROUTED));
	assert_string_equal(r.g.why[GR_SOURCE_ROUTED], "3 packets were "
			    "source-routed (an IPv6 routing header, IPv4's "
			    "LSRR or SSRR, with hops left): they went to "
			    "hosts their flows do not name, and what their "
			    "flows' addresses decide (roles, localhost only, "
			    "tunnels) may not hold");
	run_init(&r);
	r.s.work.decode_err[DERR_IPV4_ROUTED] = 1;
	judge(&r);
	assert_true(gate_has(&r.g, GR_SOURCE_ROUTED));
	assert_int_equal(gate_status(&r.g, true, true), EXIT_INCONCLUSIVE);

	run_init(&r);
	r.o.hosts = "site.hosts";
	judge(&r);
	assert_false(gate_has(&r.g, GR_SOURCE_ROUTED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_one_way),
		cmocka_unit_test(test_one_way_files),
		cmocka_unit_test(test_dup_and_drops),
		cmocka_unit_test(test_live_drops_received),
		cmocka_unit_test(test_file_drops),
		cmocka_unit_test(test_file_drops_not_known),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_silent_iface),
		cmocka_unit_test(test_interrupted),
		cmocka_unit_test(test_interrupted_live),
		cmocka_unit_test(test_end_not_read),
		cmocka_unit_test(test_snap_cut),
		cmocka_unit_test(test_frag_overlap),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_encrypted_ppp),
		cmocka_unit_test(test_l2_unknown),
		cmocka_unit_test(test_l2_unknown_tunnel),
		cmocka_unit_test(test_l2_unknown_tags),
		cmocka_unit_test(test_l2_unknown_longest),
		cmocka_unit_test(test_flows_pushed_out),
		cmocka_unit_test(test_source_routed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
