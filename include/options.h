/*
 * options.h: every option of the command line, in one table.
 *
 * One row per option gives its names, how its argument is read, the
 * field it sets, its default, its range and its --help text. From the
 * rows come the struct of the values in force (struct limits, which the
 * modules read, and struct options around it), the defaults, getopt's
 * tables, the range checks with their messages and the --help lines
 * (options.c). Adding an option is one row here, plus the code that
 * acts on it. include/config.h keeps the constants that no option sets.
 */
#ifndef IMPWATCH_OPTIONS_H
#define IMPWATCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "report.h"

/* ---- defaults that need a reason, or that code outside the table uses -- */

/* Flow table. */
#define DEF_MAX_FLOWS        1000000u  /* --max-flows */

/*
 * The clock that drives expiry (pclock.h): a packet stamped more than
 * --time-jump seconds away from it moves it only when the CLOCK_AHEAD
 * packets after it agree; otherwise the stamp is not believed. 60 s is
 * the smallest default idle timeout (--timeout-other), so that a stamp
 * believed at once cannot end a flow more than that early, and far
 * above what merged captures and capture reordering move time back.
 */
#define DEF_TIME_JUMP        60u       /* --time-jump, seconds */

/*
 * Deep inspection (nDPI). A flow is given to nDPI until it answers from
 * the payload or has been given this many packets (both directions,
 * handshake included; of the empty ACKs and datagrams only the first,
 * dpi.c); then nDPI gives up with its guess. Measured with nDPI 4.2 and
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

/*
 * nDPI's per-flow states: a flow holds one until nDPI decides, so a flood
 * of flows that never decide (one packet each, no payload) holds one per
 * flow in the table. --dpi-memory caps them; past the cap new flows are
 * not inspected (counted in the summary, and the gate is inconclusive).
 * The cap in MB is turned into a count of states with DPI_STATE_BYTES
 * (config.h), measured.
 */
#define DEF_DPI_MEMORY_MB    256u      /* --dpi-memory */

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

/*
 * Live capture. libpcap's block ring (TPACKET_V3 on Linux) packs frames of
 * any size into blocks the kernel hands over when full or after the block
 * timeout; immediate mode would use the older ring, whose fixed slots are
 * sized for the snap length (64 KiB on a veth), so a few megabytes hold a
 * few dozen frames. The default buffer holds about two seconds of a busy
 * SPAN port (250-byte frames at 100,000 a second, with the ring's own
 * headers of about 90 bytes a frame).
 */
#define DEF_BUFFER_KIB       (64u * 1024u) /* --buffer-size, KiB */
#define DEF_SNAPLEN          262144u   /* --snaplen: whole frames, for nDPI */

/*
 * Evidence rotation (--dump-size, --dump-files), as tcpdump's -C and -W.
 * A live sensor runs for months and its evidence must never fill the
 * disk: live, the evidence rotates at 100 MB (tcpdump's millions of
 * bytes) and keeps 10 files, 1 GB at most, whatever is given; a
 * capture file's evidence is bounded by the capture, so offline it is
 * one file unless either option is given.
 */
#define DEF_DUMP_SIZE_MB     100       /* --dump-size, live */
#define DEF_DUMP_FILES       10        /* --dump-files, live */

/* Frames mirrored twice: a copy within the window is one, well under any
   retransmission timer (RFC 6298's 200 ms floor, SIP's 500 ms T1). */
#define DEF_DUP_WINDOW_US    2000u     /* --dup-window-us */

/* Capture health: past these the gate is inconclusive. */
#define DEF_HEALTH_ONE_WAY   20u       /* percent of TCP flows seen one way */
#define DEF_HEALTH_DUP       10u       /* percent of frames mirrored twice */
#define DEF_HEALTH_DROPS     0u        /* thousandths of a percent of packets
                                          dropped: a gate trusts no loss */

/* ---- the table ----------------------------------------------------------
 *
 * X(sect, chr, name, arg, kind, where, field, def, min, max, hint, help)
 *
 *   sect   the section of --help it is listed in (OPTION_SECTIONS);
 *          HIDDEN: not listed
 *   chr    its short option letter, or 0
 *   name   its long name without "--", or NULL
 *   arg    its argument as --help names it; NULL when it takes none
 *   kind   how the argument is read (options.c):
 *            UINT    a whole number in [min, max], a uint32_t
 *            U64     the same, a uint64_t
 *            MILLI   a percentage with at most three decimals ("0.1"),
 *                    in thousandths of a percent, a uint32_t
 *            PORTS   LO-HI, two ports in [min, max] with LO <= HI: the
 *                    fields FIELD_lo and FIELD_hi, uint16_t
 *            STR     the argument itself, a const char * into argv
 *            REPORT  the same, for the report: a name that ends as a
 *                    capture's is refused
 *            LIST    each use adds one, at most max: FIELD[max] and
 *                    the count n_FIELD
 *            FORMAT  text, json, csv or ecs: an enum report_format
 *            FLAG    no argument: a bool set true
 *            ON, OFF no argument: an int set to 1 or 0 (-1 when neither
 *                    was given)
 *            HELP, VERSION  print --help or the versions, and exit
 *   where  LIM: a field of struct limits, which the modules read;
 *          RUN: a field of struct options, which main.c reads;
 *          ALSO: the struct options field of another row (another
 *          name for it); NONE: no field
 *   field  the field it sets
 *   def    its default (PORTS: (LO, HI)); 0 below min: not given
 *   min, max  the range of its value
 *   hint   what follows the option's name in "invalid value 'X' for
 *          --name HINT", or ""; LIST: what "more than MAX HINT" calls
 *          the items
 *   help   its --help text, lines apart with \n, indented by options.c;
 *          {def}, {min} and {max} stand for the row's values. NULL: the
 *          row is listed with the next one ("--alerts, --no-alerts")
 */
#define OPTIONS(X) \
X(IO, 'r', NULL, "FILE", LIST, RUN, inputs, \
  0, 0, 256, "input files", \
  "read a pcap or pcapng file ('-' for standard input);\n" \
  "repeat for several files, read in order as one run;\n" \
  "a file named after the options is read as with -r") \
X(IO, 'i', NULL, "IFACE", LIST, RUN, iface, \
  0, 0, LIVE_IFACES_MAX, "interfaces", \
  "capture live on IFACE ('any': every interface);\n" \
  "repeat for several (a TAP's two directions), read\n" \
  "into one run, so both directions meet in one flow") \
X(IO, 'f', "filter", "BPF", STR, RUN, filter, \
  NULL, 0, 0, "", \
  "only packets matching this BPF filter (as tcpdump);\n" \
  "the verdict says it judged only what the filter\n" \
  "kept, and for files how many packets it left out") \
X(IO, 'o', "output", "FILE", STR, RUN, output, \
  NULL, 0, 0, "", \
  "write the report to FILE instead of standard output\n" \
  "('-': standard output; created 0640); never a file\n" \
  "that is an input. SIGHUP reopens it (log rotation)") \
X(IO, 0, "append", NULL, FLAG, RUN, append, \
  false, 0, 0, "", \
  "open the -o report for appending, as SIGHUP reopens\n" \
  "it, instead of emptying it: a service restarted keeps\n" \
  "the records written before, each run's with its\n" \
  "summary") \
X(IO, 'w', NULL, "FILE", REPORT, ALSO, output, \
  NULL, 0, 0, "", \
  "the same as -o, for a report: a name ending .pcap,\n" \
  ".pcapng or .cap is refused (packets go to\n" \
  "--dump-undocumented)") \
X(IO, 0, "format", "FMT", FORMAT, RUN, fmt, \
  FMT_TEXT, 0, 0, "(text, json, csv, ecs)", \
  "text (default: a summary), json (JSON lines: one\n" \
  "flow object per flow, then the summary's records,\n" \
  "each under 10,000 bytes), csv, ecs (JSON lines in\n" \
  "Elastic Common Schema names)") \
X(IO, 0, "top", "N", UINT, RUN, top, \
  20, 0, 100000, "(0-100000)", \
  "items listed in each list of the text report (largest\n" \
  "flows per finding, ports, services, coverage rows;\n" \
  "default {def}): the rest is counted, '... and N more';\n" \
  "in the HTML report, the ports, flows and host pairs\n" \
  "of its tables") \
X(IO, 0, "brief", NULL, FLAG, RUN, brief, \
  false, 0, 0, "", \
  "text report: only the verdict line and the findings\n" \
  "(and why a run is inconclusive), for a change ticket") \
X(IO, 0, "sensor", "NAME", STR, RUN, sensor, \
  NULL, 0, 0, "", \
  "the sensor's name on every record (default: the\n" \
  "host name)") \
X(IO, 0, "community-id-seed", "N", UINT, LIM, community_id_seed, \
  0, 0, 65535, "(0-65535)", \
  "seed of the records' Community ID flow hash\n" \
  "(default {def}, as Zeek, Suricata and Arkime)") \
X(IO, 'q', "quiet", NULL, FLAG, RUN, quiet, \
  false, 0, 0, "", \
  "no progress line on standard error") \
X(IO, 0, "validate", NULL, FLAG, RUN, validate, \
  false, 0, 0, "", \
  "exit 0 only when every flow is documented, a\n" \
  "trusted tunnel's carrier or a finding --waivers\n" \
  "waives; 1 on any other finding; 3 when the run\n" \
  "cannot tell: interrupted, no packets or no flows,\n" \
  "poor capture health (Exit status, below)") \
X(IO, 0, "alerts", NULL, ON, RUN, alerts, \
  -1 /* live only */, 0, 0, "", \
  NULL) \
X(IO, 0, "no-alerts", NULL, OFF, ALSO, alerts, \
  0, 0, 0, "", \
  "an alert record for each flow that is a finding,\n" \
  "as soon as it is seen (default: on live, off for files;\n" \
  "CSV has no alert rows: alerts need --alert-file)") \
X(IO, 0, "alert-file", "FILE", STR, RUN, alert_file, \
  NULL /* "-": standard error */, 0, 0, "", \
  "also write each alert as a text line to FILE ('-':\n" \
  "standard error), appended and flushed as written\n" \
  "(created 0640; never a file that is an input);\n" \
  "turns alerts on. The JSON report keeps its alert\n" \
  "records; text reports leave their alert lines to FILE.\n" \
  "SIGHUP reopens it") \
X(IO, 0, "html", "FILE", STR, RUN, html, \
  NULL, 0, 0, "", \
  "also write a report to look at to FILE: one\n" \
  "self-contained HTML page (the verdict, who talks to\n" \
  "whom, coverage, findings, capture health), written\n" \
  "at the end of the run (created 0640; never a file\n" \
  "that is an input)") \
X(IO, 0, "graph", "FILE", STR, RUN, graph, \
  NULL, 0, 0, "", \
  "also write the who-talks-to-whom graph of --html to\n" \
  "FILE as Graphviz DOT (created 0640)") \
X(IO, 0, "dump-undocumented", "FILE", STR, RUN, dump, \
  NULL, 0, 0, "", \
  "write the frames of flows that are not\n" \
  "documented to a pcap file, as evidence (created\n" \
  "0600: frames carry passwords and messages)") \
X(IO, 0, "dump-snaplen", "N", UINT, RUN, dump_snaplen, \
  0 /* whole frames */, 1, 262144, "(1-262144)", \
  "keep the first N bytes of each evidence frame (its\n" \
  "length on the wire is kept; default: all of it)") \
X(IO, 0, "dump-size", "MB", UINT, RUN, dump_size, \
  0 /* live: DEF_DUMP_SIZE_MB; files: no bound */, 1, 1000000, \
  "(MB, 1-1000000)", \
  "start a new evidence file when the next frame would\n" \
  "take it past MB million bytes, named as tcpdump names\n" \
  "them: FILE, then FILE1, FILE2... (default live " OPT_STR(DEF_DUMP_SIZE_MB) ";\n" \
  "for files: one file)") \
X(IO, 0, "dump-files", "N", UINT, RUN, dump_files, \
  0 /* live: DEF_DUMP_FILES; files: no bound */, 1, MAX_DUMP_FILES, \
  "(1-" OPT_STR(MAX_DUMP_FILES) ")", \
  "keep N evidence files at most, as tcpdump can: after\n" \
  "FILE(N-1) the oldest, FILE, is removed and started\n" \
  "anew (default live " OPT_STR(DEF_DUMP_FILES) ", " OPT_STR(DEF_DUMP_SIZE_MB) " MB each: never unbounded)") \
X(LIVE, 0, "snaplen", "N", UINT, RUN, snaplen, \
  DEF_SNAPLEN, 64, 262144 /* any frame libpcap delivers */, "(64-262144)", \
  "bytes kept of each frame (default {def})") \
X(LIVE, 0, "no-promisc", NULL, FLAG, RUN, no_promisc, \
  false, 0, 0, "", \
  "do not put the interface in promiscuous mode") \
X(LIVE, 0, "buffer-size", "KIB", UINT, RUN, buffer_kib, \
  DEF_BUFFER_KIB, 1, INT_MAX / 1024 /* libpcap's int of bytes */, \
  "(KiB, at most 2097151)", \
  "kernel capture buffer (default {def}: 64 MiB)") \
X(LIVE, 0, "duration", "SEC", UINT, RUN, duration, \
  0 /* until stopped */, 1, 86400u * 366, "(seconds, 1-31622400)", \
  "stop after SEC seconds") \
X(LIVE, 0, "count", "N", U64, RUN, count, \
  0 /* no limit */, 1, UINT64_MAX, "(at least 1)", \
  "stop after N packets") \
X(LIVE, 0, "report-every", "SEC", UINT, RUN, report_every, \
  0 /* never */, 1, 86400, "(seconds, 1-86400)", \
  "an interim summary every SEC seconds, with libpcap's\n" \
  "drop counters (on a silent link too; not with CSV,\n" \
  "which has no stats rows)") \
X(LIVE, 'Z', NULL, "USER", STR, RUN, user, \
  NULL, 0, 0, "", \
  "drop root privileges to USER once the capture is\n" \
  "open (as tcpdump); a drop that fails stops the run:\n" \
  "it never goes on as root") \
X(SITE, 0, "hosts", "FILE", STR, RUN, hosts, \
  NULL, 0, 0, "", \
  "the roles of the site's hosts ('ROLE[,ROLE] ADDRESS[/LEN]\n" \
  "[NAME]' per line): a documented port used between\n" \
  "the wrong roles is a role-violation; coverage is\n" \
  "given per pair of hosts ('impwatch roles' lists them)") \
X(SITE, 0, "waivers", "FILE", STR, RUN, waivers, \
  NULL, 0, 0, "", \
  "findings the change board accepted for a while\n" \
  "('WHAT | UNTIL | TICKET' per line: 'man impwatch-rules'):\n" \
  "a waived flow is reported with its ticket and does\n" \
  "not fail --validate until the date (by today's date)") \
X(SITE, 0, "health-one-way", "PCT", UINT, RUN, health_one_way, \
  DEF_HEALTH_ONE_WAY, 0, 100, "(0-100)", \
  "poor health when over PCT% of TCP flows are seen\n" \
  "in one direction only (default {def})") \
X(SITE, 0, "health-duplicates", "PCT", UINT, RUN, health_dup, \
  DEF_HEALTH_DUP, 0, 100, "(0-100)", \
  "poor health when over PCT% of frames were\n" \
  "mirrored twice (default {def}); copies are left out") \
X(SITE, 0, "health-drops", "PCT", MILLI, RUN, health_drops, \
  DEF_HEALTH_DROPS, 0, 100000, "(0-100, at most 3 decimals: 0.1, 0.125)", \
  "poor health when libpcap dropped over PCT% of the\n" \
  "packets (dropped over received and dropped; up to 3\n" \
  "decimals, 0.125; default {def}: any drop), or a pcapng\n" \
  "file says it did (over its packets and those)") \
X(SITE, 0, "dup-window-us", "US", UINT, RUN, dup_window_us, \
  DEF_DUP_WINDOW_US, 0, 10000000, "(microseconds, 0-10000000)", \
  "a frame repeated within US microseconds is a copy\n" \
  "(default {def}; 0: no detection)") \
X(SITE, 0, "trust-tunnel", "ADDR[/LEN]", LIST, RUN, trust, \
  0, 0, MAX_TRUST_TUNNEL, \
  "--trust-tunnel networks (list more in --hosts, role tunnel-endpoint)", \
  "a tunnel endpoint the site trusts (may\n" \
  "repeat; or the inventory role tunnel-endpoint): a\n" \
  "VXLAN, VXLAN-GPE, Geneve, GRE or IP-in-IP carrier is\n" \
  "untrusted-tunnel unless both its ends are declared;\n" \
  "once any end is declared, ERSPAN must go to or from\n" \
  "one. Every carrier is listed in the summary") \
X(SITE, 0, "ephemeral-ports", "LO-HI", PORTS, LIM, ephemeral, \
  (DEF_EPHEMERAL_LO, DEF_EPHEMERAL_HI), 1, 65535, "(LO-HI, 1-65535)", \
  "the ports clients use (default {def}): a flow\n" \
  "documented only by its first sender's own port (or\n" \
  "a lone SYN-ACK) stays documented only when sent to a\n" \
  "port in this range that no row documents") \
X(CATALOGUE, 0, "rules", "FILE", STR, RUN, rules, \
  NULL, 0, 0, "", \
  "use FILE instead of the built-in catalogue") \
X(CATALOGUE, 0, "rules-add", "FILE", LIST, RUN, rules_add, \
  0, 0, 32, "--rules-add files", \
  "add rows, or replace rows of the same table and\n" \
  "service (a site's moved ports); may repeat") \
X(LIMITS, 0, "max-flows", "N", UINT, LIM, max_flows, \
  DEF_MAX_FLOWS, 1, FLOW_MAX_FLOWS, "(1-2147483648)", \
  "flows tracked at once (default {def}); beyond it the\n" \
  "least recently seen flow is reported and evicted") \
X(LIMITS, 0, "threads", "N", UINT, RUN, threads, \
  0 /* the online CPUs */, 1, THREADS_MAX, "(1-64)", \
  "flow workers, each with its share of --max-flows and\n" \
  "--dpi-memory, behind one reader thread (one per -i)\n" \
  "(default: the online CPUs, at most {max}); 1: one\n" \
  "thread does all") \
X(LIMITS, 0, "timeout-tcp", "S", UINT, LIM, timeout_tcp, \
  3600, 1, 86400 * 7, "(seconds, 1-604800)", \
  "idle timeout of TCP flows (default {def} s)") \
X(LIMITS, 0, "timeout-tcp-done", "S", UINT, LIM, timeout_tcp_done, \
  10, 0, 86400, "(seconds, 0-86400)", \
  "linger after FIN or RST (default {def} s)") \
X(LIMITS, 0, "timeout-udp", "S", UINT, LIM, timeout_udp, \
  180, 1, 86400 * 7, "(seconds, 1-604800)", \
  "idle timeout of UDP flows (default {def} s)") \
X(LIMITS, 0, "timeout-other", "S", UINT, LIM, timeout_other, \
  60, 1, 86400 * 7, "(seconds, 1-604800)", \
  "idle timeout of ICMP and other flows (default {def} s)") \
X(LIMITS, 0, "time-jump", "S", UINT, LIM, time_jump, \
  DEF_TIME_JUMP, 1, 86400 /* a day */, "(seconds, 1-86400)", \
  "a packet stamped more than S seconds from the\n" \
  "capture's clock moves it (and so idle expiry) only\n" \
  "when the " OPT_STR(CLOCK_AHEAD) " packets after it agree; otherwise its\n" \
  "stamp is not believed, and counted (default {def})") \
X(LIMITS, 0, "max-frags", "N", UINT, LIM, max_frags, \
  4096, 1, 1u << 24, "(1-16777216)", \
  "IP datagrams in reassembly at once (default {def})") \
X(LIMITS, 0, "timeout-frag", "S", UINT, LIM, timeout_frag, \
  30, 1, 3600, "(seconds, 1-3600)", \
  "fragment reassembly timeout (default {def} s)") \
X(DPI, 0, "dpi-packets", "N", UINT, LIM, dpi_packets, \
  DEF_DPI_PACKETS, 1, MAX_DPI_PACKETS, "(1-1000)", \
  "packets of a flow, both directions, nDPI inspects\n" \
  "for an answer from the payload before it gives up\n" \
  "with its guess (default {def}, at most {max})") \
X(DPI, 0, "dpi-memory", "MB", UINT, LIM, dpi_memory_mb, \
  DEF_DPI_MEMORY_MB, 1, 1u << 20 /* 1 TiB */, "(MB, 1-1048576)", \
  "memory for nDPI's per-flow states (default {def}); past\n" \
  "it new flows are not inspected, and counted") \
X(DPI, 0, "no-dpi", NULL, FLAG, RUN, no_dpi, \
  false, 0, 0, "", \
  "ports only: nDPI is not loaded, records have no app") \
X(OTHER, 'h', "help", NULL, HELP, NONE, none, \
  0, 0, 0, "", \
  "this help") \
X(OTHER, 'V', "version", NULL, VERSION, NONE, none, \
  0, 0, 0, "", \
  "version, with the nDPI and libpcap versions in use\n" \
  "and the built-in catalogue's SHA-256") \
X(HIDDEN, 0, "check", "FILE", STR, RUN, check, \
  NULL /* impwatch rules --check */, 0, 0, "", \
  "") \
X(HIDDEN, 0, "interface", "IFACE", LIST, ALSO, iface, \
  0, 0, LIVE_IFACES_MAX, "interfaces", \
  "") \
X(HIDDEN, 0, "reader-only", NULL, FLAG, RUN, reader_only, \
  false /* the benchmark: flow workers drop every packet */, 0, 0, "", \
  "")

/* The sections of --help, in order, with their titles (options.c adds
   the notes some of them end with). OTHER has none. */
#define OPTION_SECTIONS(X) \
	X(IO, "Input and output:") \
	X(LIVE, "Live capture (with -i only):") \
	X(SITE, "Site inventory and capture health:") \
	X(CATALOGUE, "Catalogue:") \
	X(LIMITS, "Limits:") \
	X(DPI, "Application detection (nDPI):") \
	X(OTHER, NULL) \
	X(HIDDEN, NULL)

#define OPT_STR_(x) #x
#define OPT_STR(x) OPT_STR_(x)

/* ---- what the rows generate --------------------------------------------- */

/* A field of each kind. */
#define OPT_DECL_UINT(f, max)    uint32_t f;
#define OPT_DECL_U64(f, max)     uint64_t f;
#define OPT_DECL_MILLI(f, max)   uint32_t f;
#define OPT_DECL_PORTS(f, max)   uint16_t f##_lo, f##_hi;
#define OPT_DECL_STR(f, max)     const char *f;
#define OPT_DECL_REPORT(f, max)  const char *f;
#define OPT_DECL_LIST(f, max)    const char *f[max]; size_t n_##f;
#define OPT_DECL_FORMAT(f, max)  enum report_format f;
#define OPT_DECL_FLAG(f, max)    bool f;
#define OPT_DECL_ON(f, max)      int f;
#define OPT_DECL_OFF(f, max)     int f;

/* Its default. */
#define OPT_PORT_LO(lo, hi) lo
#define OPT_PORT_HI(lo, hi) hi
#define OPT_SET_PORTS(s, f, def)  (s)->f##_lo = OPT_PORT_LO def; \
                                  (s)->f##_hi = OPT_PORT_HI def;
#define OPT_SET_LIST(s, f, def)   (s)->n_##f = 0;
#define OPT_SET(s, f, def)        (s)->f = (def);
#define OPT_SET_UINT    OPT_SET
#define OPT_SET_U64     OPT_SET
#define OPT_SET_MILLI   OPT_SET
#define OPT_SET_STR     OPT_SET
#define OPT_SET_REPORT  OPT_SET
#define OPT_SET_FORMAT  OPT_SET
#define OPT_SET_FLAG    OPT_SET
#define OPT_SET_ON      OPT_SET
#define OPT_SET_OFF     OPT_SET

/* The fields of struct limits (LIM) and struct options (RUN), and their
   defaults; ALSO and NONE rows add none. */
#define OPT_LIM_LIM(kind, f, max) OPT_DECL_##kind(f, max)
#define OPT_LIM_RUN(kind, f, max)
#define OPT_LIM_ALSO(kind, f, max)
#define OPT_LIM_NONE(kind, f, max)
#define OPT_RUN_LIM(kind, f, max)
#define OPT_RUN_RUN(kind, f, max) OPT_DECL_##kind(f, max)
#define OPT_RUN_ALSO(kind, f, max)
#define OPT_RUN_NONE(kind, f, max)
#define OPT_LIMDEF_LIM(kind, s, f, def) OPT_SET_##kind(s, f, def)
#define OPT_LIMDEF_RUN(kind, s, f, def)
#define OPT_LIMDEF_ALSO(kind, s, f, def)
#define OPT_LIMDEF_NONE(kind, s, f, def)
#define OPT_RUNDEF_LIM(kind, s, f, def)
#define OPT_RUNDEF_RUN(kind, s, f, def) OPT_SET_##kind(s, f, def)
#define OPT_RUNDEF_ALSO(kind, s, f, def)
#define OPT_RUNDEF_NONE(kind, s, f, def)

/* The limits in force: the modules (flow table, decoder, nDPI, catalogue)
   read these. */
struct limits {
#define OPT_X(sect, chr, name, arg, kind, where, f, def, min, max, hint, help) \
	OPT_LIM_##where(kind, f, max)
	OPTIONS(OPT_X)
#undef OPT_X
};

/* Fill *l with the table's defaults. */
static inline void limits_default(struct limits *l)
{
#define OPT_X(sect, chr, name, arg, kind, where, f, def, min, max, hint, help) \
	OPT_LIMDEF_##where(kind, l, f, def)
	OPTIONS(OPT_X)
#undef OPT_X
}

/* Everything the command line sets. */
struct options {
	struct limits lim;
#define OPT_X(sect, chr, name, arg, kind, where, f, def, min, max, hint, help) \
	OPT_RUN_##where(kind, f, max)
	OPTIONS(OPT_X)
#undef OPT_X
};

/* How an option's argument is read (the table's kind column). */
enum opt_kind {
	OPTK_UINT, OPTK_U64, OPTK_MILLI, OPTK_PORTS, OPTK_STR, OPTK_REPORT,
	OPTK_LIST, OPTK_FORMAT, OPTK_FLAG, OPTK_ON, OPTK_OFF, OPTK_HELP,
	OPTK_VERSION
};

/* The sections of --help. */
enum opt_sect {
#define OPT_SECT(s, title) OPTS_##s,
	OPTION_SECTIONS(OPT_SECT)
#undef OPT_SECT
	OPTS_COUNT
};

/* One row of the table, as the code reads it. */
struct opt_row {
	const char *name;             /* long name, or NULL */
	int chr;                      /* short letter, or 0 */
	const char *arg;              /* the argument's name, or NULL */
	enum opt_kind kind;
	enum opt_sect sect;
	size_t off, off2;             /* its field(s) in struct options */
	unsigned long long min, max;
	const char *hint, *help;
};

/* The table's rows, n of them. */
const struct opt_row *options_rows(size_t *n);

/* Fill *o with every default. */
void options_default(struct options *o);

/*
 * Read the options of argv into *o, with getopt_long from optind. -1 to
 * go on (optind is then at the first operand), or the exit status: 0
 * after --help or --version, 2 after an error, said on standard error.
 */
int options_parse(int argc, char **argv, struct options *o);

/* An operand is an input file, as with -r: -1, or the exit status when
   there are too many (said on standard error). */
int options_input(struct options *o, const char *path);

struct option;

/*
 * getopt_long()'s error c ('?', or ':' for a missing argument; called
 * with opterr 0 and ':' first in its option string) said on standard
 * error in getopt's words after "WHO: ", then "Try 'impwatch --help'.":
 * the option is shown by tprintf(), where getopt would echo it raw.
 * shorts and longs are what getopt_long() was given.
 */
void options_getopt_error(const char *who, int c, char *const *argv,
			  const char *shorts, const struct option *longs);

/*
 * The first option set in *o away from its default whose long name is not
 * in keep (NULL-terminated): "--name" (or "-c") in buf, or NULL when there
 * is none. For the commands that take a few of the options: any other
 * would be silently ignored. An option given at its default value is
 * not seen; -w is named -o, its other name.
 */
const char *options_other(const struct options *o, const char *const *keep,
			  char buf[64]);

/* impwatch --help. */
void options_usage(FILE *out);

#endif
