/*
 * config.h: the limits of impwatch that no option sets, each with its
 * reason. The options, with their defaults and ranges, are the table of
 * options.h.
 */
#ifndef IMPWATCH_CONFIG_H
#define IMPWATCH_CONFIG_H

#include <stdint.h>

#define IMPWATCH_VERSION "0.1.0"

/* The clock that drives expiry (pclock.h): a stamp more than --time-jump
   seconds away from it moves it only when this many packets after it
   agree (options.h says why the default is 60 s). */
#define CLOCK_AHEAD          3         /* packets that confirm a jump */

/* Capture health: a handful of TCP flows says nothing of the mirror;
   one-way TCP is judged from this many on. */
#define HEALTH_MIN_FLOWS     5

/*
 * Flow workers (--threads): the reader hands each worker its packets
 * through a ring of THREAD_RING bytes (a packet with its frame, as
 * nDPI and the evidence need it, takes its snap length plus some 200
 * bytes: 4 MiB holds at least 16 of the largest, libpcap's 262144) and
 * takes back its records through one of THREAD_OUT_RING. The reader
 * makes packets visible to a worker THREAD_BATCH at a time (and at each
 * live tick): a worker faster than the reader sleeps between batches,
 * and with 32 the wake-ups cost the reader and the workers twice the
 * CPU of 256 (--reader-only, 422,698 packets: 0.31 s against 0.14 s).
 * A thread
 * with nothing to do sleeps at most RING_SLEEP_MS before it looks again
 * (a wake-up is never lost: ring.h). THREADS_MAX: --threads's top.
 * Tunnel carriers' flows, and the flows whose keys a carrier's could
 * have, are kept by the reader, in a table of THREAD_CARRIER_FLOWS (or a
 * worker's share of --max-flows when smaller, taken from it: the
 * workers share the rest), with nDPI's states for at most
 * THREAD_READER_STATES of them, taken from --dpi-memory likewise.
 */
#define THREAD_RING          (4u << 20)
#define THREAD_OUT_RING      (2u << 20)
/* With a reader thread per interface (several -i), each reader has a
   ring to each worker: THREAD_RING shared among them, each at least
   THREAD_READER_RING, which holds the largest frame twice over (a
   message is at most half a ring: ring.h). */
#define THREAD_READER_RING   (1u << 20)
#define PIPE_READERS_MAX     LIVE_IFACES_MAX   /* one per -i */
#define THREAD_BATCH         256u
#define THREAD_FETCH         (16u << 10)  /* bytes of its ring a worker asks
                                          of memory ahead of its reads
                                          (ring_fetch()): two batches of
                                          WORKER_AHEAD mixed-capture
                                          packets */
#define THREAD_CLAIM         (4u << 10)   /* bytes of a ring the reader
                                          asks for ahead of its writes
                                          (ring_claim()) */
#define THREAD_FETCH_LINES   16u       /* a few lines of them for each
                                          message taken (a mixed-capture
                                          packet takes some 10) */
#define RING_SLEEP_MS        20
/* A reader waiting for room in a ring to a worker is woken by that
   worker once 1/THREAD_ROOM_OWN of the ring is free, by another worker
   once 1/THREAD_ROOM_OTHER is (pipeline.c, reader_wanted()): mixed
   capture, 2 CPUs, 2 workers, the reader's sleeps went from some 2,500
   a run to some 150, the context switches from 5,000 to 800. */
#define THREAD_ROOM_OWN      2u
#define THREAD_ROOM_OTHER    8u
#define THREAD_WAKE_FILL     8u        /* a sleeping worker is woken by a
                                          batch once its ring holds
                                          1/8 of its size (pipeline.c,
                                          in_publish_batch()) */
#define RING_SPIN            256       /* looks at an empty ring (some
                                          microseconds) before a sleep,
                                          when the CPUs outnumber the
                                          workers (the reader has one):
                                          with fewer, a waiting worker
                                          takes the reader's CPU (mixed
                                          capture, 2 CPUs, 2 workers:
                                          1.18 s at 0 looks, 1.26 s at
                                          256, 1.30 s at 2048) */
#define THREADS_MAX          64u
/* A flow worker writes its flow records as text itself (sink.h): its
   stream's buffer, and the longest text it sends back (longer, the sink
   writes the record). */
#define SINK_FMT_BUF         16384u
#define THREAD_TEXT_MAX      (256u << 10)
#define THREAD_CARRIER_FLOWS 65536u
#define THREAD_READER_STATES 256u      /* nDPI states of the reader's
                                          own flows (as carriers' keys):
                                          180 kB of --dpi-memory */

/* Decoder. */
#define MAX_ENCAP_DEPTH      16        /* nested tunnels, MPLS and PPPoE before
                                          giving up (802.1Q tags and Cisco
                                          MetaData are a list, not counted) */
#define MAX_IPV6_EXT_HDRS    16        /* extension headers walked per packet */
#define MAX_TUNNEL_LAYERS    4         /* tunnels removed from one packet, each
                                          its carrier recorded: ERSPAN of VXLAN
                                          in GRE is 3 */
#define JSON_LINE_MAX        10000     /* bytes of one JSON record, newline
                                          included: Splunk's default line
                                          limit (props.conf TRUNCATE) */
#define JSON_CMDLINE_MAX     2048      /* bytes of the command line a summary
                                          quotes; past that it is cut */
#define JSON_STR_CUT         512       /* bytes of JSON text each string of a
                                          record is cut to when the record
                                          would pass JSON_LINE_MAX (names
                                          given thousands of bytes long): a
                                          flow's or the summary's dozen
                                          strings then fit */
#define REPORT_BUFFER        (1u << 18) /* bytes of the buffer of a report
                                          file (-w) written offline: stdio's
                                          own page made a write() every few
                                          JSON records */
#define SENSOR_NAME_MAX      255       /* --sensor, as a host name (RFC 1035
                                          2.3.4 allows 255 octets) */
#define ATTEMPT_PORTS_NAMED  10        /* ports named on a finding's
                                          "attempts only" line (text) and
                                          row (the page) */
#define FLOW_ROWS            5         /* catalogue rows a flow carries from
                                          its classification to its record
                                          (struct flow's last 12 bytes); a
                                          flow with more is looked up again */
#define MAX_VLAN_TAGS        4         /* 802.1Q/ad tags a record lists, outer
                                          first (QinQ is 2); deeper ones are
                                          decoded but not listed */

/* Tunnel carriers (carrier.h). */
#define MAX_CARRIERS         4096      /* carriers listed in the summary; past
                                          it they are judged, counted apart */
/* --dump-files: evidence files kept in turn. Each holds a count of its
   frames (8 bytes); the names stay short (FILE99999 at most). */
#define MAX_DUMP_FILES       100000
#define MAX_TRUST_TUNNEL     64        /* --trust-tunnel networks; more go in
                                          an inventory (role tunnel-endpoint) */

/* impwatch acl --observed: one JSON record per line, the summary the
   longest (its coverage lists every row); past this a line is an error. */
#define ACL_RECORD_MAX       (16u << 20)

/* impwatch acl --observed: the runs whose records one command reads (a
   run id each), looked up one by one: a year of daily runs is 365; a
   file of more (a run id per record) is an error, not a quadratic walk. */
#define ACL_MAX_RUNS         4096u

/* impwatch acl: the final deny logs at most this many packets a second
   (with this burst) where the format rate-limits its log (nftables,
   iptables); every packet is counted. */
#define ACL_LOG_RATE         10u
#define ACL_LOG_BURST        20u

/*
 * impwatch acl: the rules a format may write. iptables and Cisco IOS
 * name no groups of hosts, so a rule between two roles is a rule for
 * each pair of hosts holding them: 2,000 hosts listed one by one make
 * millions (65,535 made 77 GB). No firewall takes that: Cisco documents
 * 80,000 rules for the whole of its FWSM (single mode) and 40,000 ACL
 * entries for its ACE appliance, counting each host of a group apart,
 * and iptables walks its rules one by one for each new connection. A
 * round figure above both; a format past it is refused before anything
 * is written (nftables and ASA name groups and stay far below).
 */
#define ACL_MAX_RULES        100000u

/* Catalogue files. */
#define MAX_RULE_LINE        4096      /* bytes per line, newline excluded */
#define MAX_RULES            4096      /* rows in one catalogue */
#define MAX_PORT_SPANS       8         /* ports/ranges in one port field */
#define WAIVER_MAX           4096      /* waivers in one --waivers file */
#define WAIVER_FILE_MAX      ((size_t)1 << 20) /* bytes of a --waivers file */
#define RUN_INPUT_MAX        ((size_t)64 << 20) /* bytes of an input file read
                                          again at SIGHUP to see whether it
                                          changed: the largest any loader
                                          takes (a catalogue's) */
#define WAIVER_TICKET_MAX    64        /* characters of a waiver's ticket id */
#define TCP_HEAD_BYTES       11        /* first payload bytes of a TCP segment
                                           kept with the packet, after the
                                           frame itself is gone: the TLS-only
                                           check reads 11 (a TLS record
                                           header, RFC 8446 5.1, the
                                           handshake header and the
                                           ClientHello's client_version,
                                           RFC 8446 4.1.2; an SSL 2.0 hello
                                           reads 5) */

/* The top of --dpi-packets, and the size of the summary's histogram of
   the packet that brought nDPI's answer (dpi.h). */
#define MAX_DPI_PACKETS      1000u

/*
 * The cost of one of nDPI's per-flow states, which turns --dpi-memory's
 * megabytes into a count of states: 2,000,000 one-packet UDP flows at
 * --max-flows 1000000 (the adversarial suite's flood) peaked at
 * 853,900 kB resident with DPI and 143,336 kB with --no-dpi, 1,000,000
 * states live at the peak: 728 bytes a state (sizeof of the pooled state
 * is 704: nDPI 4.2's flow structure, 688 bytes, and the pool's link; the
 * rest is the pool's chunks). A state can hold more than that: nDPI
 * allocates host names and buffers (TLS reassembly) as a flow's payload
 * asks, freed when it decides.
 */
#define DPI_STATE_BYTES      728u

/* Live capture (options.h says why the buffer's default is 64 MiB). */
#define LIVE_BLOCK_MS        100       /* a block is handed over at the latest
                                           after this: the alert latency */
#define LIVE_POLL_MS         100       /* longest wait for packets before the
                                           loop looks at timers and signals */
#define LIVE_IFACES_MAX      8         /* -i given several times: a TAP's
                                          two directions, a split SPAN */
#define LIVE_BATCH           4096      /* frames per read of the ring before
                                           the loop looks again */
#define LIVE_DRAIN_MS        2000      /* at the end, reading what the kernel
                                           still holds stops after this */
#define SINK_STALL_MS        5000      /* once a signal stopped the run, how
                                          long the outputs on a pipe, FIFO,
                                          socket or terminal (report, alert
                                          file, evidence, standard error)
                                          may take nothing, all together,
                                          before they are given up
                                          (outfile.c): with LIVE_DRAIN_MS,
                                          well inside a service manager's
                                          stop timeout (systemd: 90 s, then
                                          SIGKILL) */
#define LIVE_LINK_CHECK_MS   100       /* how often the interface's state is
                                           looked at */
#define LIVE_STATS_MS        1000      /* libpcap's 32-bit counters are read
                                           at least this often, to count
                                           their wraps: one takes 2^32
                                           packets, 288 s at 10 GbE's
                                           14.9 million a second */

/*
 * What a pcapng file says it lost (pcapng.c): the latest statistics of
 * each interface are kept, for at most PCAPNG_DROP_IFACES interfaces of
 * the file (dumpcap writes one per -i; past them, one slot keeps the
 * largest counts, a lower bound of their sum that is never 0 when a
 * block said a loss). Of each statistics block, and of each packet
 * block's options, the first PCAPNG_SPAN_READ bytes are read (no
 * writer puts kilobytes of comments before its counts); from a file on
 * disk, the blocks between two packets at once when they fit (a
 * 1500-byte packet and its statistics in one pread()).
 */
#define PCAPNG_DROP_IFACES   64u
#define PCAPNG_SPAN_READ     (64u << 10)

/*
 * How many pcapng packets at most are counted between two looks at
 * where a file on disk is read (one lseek() each; capture.c, struct
 * png_count). A look that finds the count short walks the blocks since
 * the one before for their losses: at most this many packets' blocks,
 * read again (about 400 KB of 1500-byte packets, 6 reads).
 */
#define PCAPNG_CHECK_EVERY   256u

/*
 * The who-talks-to-whom picture of --html and --graph (talk.h, graph.h).
 * Flows are summed per (client, server, verdict) in a table of at most
 * TALK_MAX_PAIRS entries (about 300 bytes each: 20 MB at most); flows
 * past it are counted, and said, but not drawn. Each entry keeps the
 * first TALK_PORTS services it saw and counts the rest. The page draws
 * the GRAPH_MAX_HOSTS hosts with the most bytes (the others are one
 * node) and the GRAPH_MAX_EDGES edges with the most (findings first):
 * a port scan or a sweep of a /16 stays a page of a few hundred
 * kilobytes that Graphviz lays out in well under a second.
 */
#define TALK_MAX_PAIRS       65536u
#define TALK_PORTS           4u
#define GRAPH_MAX_HOSTS      40u
#define GRAPH_MAX_EDGES      80u

/*
 * Graphviz lays the picture out in a child process (graph.c): one it
 * aborts in, or that runs longer than this, costs the picture, never
 * the run's verdict. The bounds above make it a fraction of a second
 * and some 30 MB (40 hosts in 40 clusters, 80 edges of 5 lines); this
 * is for a Graphviz gone wrong.
 */
#define GRAPH_LAYOUT_S       60u

#endif
