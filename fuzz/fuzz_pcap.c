/*
 * fuzz_pcap.c: libFuzzer target for whole capture files, through the
 * whole of impwatch.
 *
 * The input is a pcap or pcapng file image. It is put in an anonymous
 * memory file and read by capture_read_file(), impwatch's own reader (so
 * its open, link-type, offset and damaged-record paths are fuzzed with
 * libpcap's file parsers beneath), each frame copied to a buffer of
 * exactly its length (on_packet()), into the worker main.c runs
 * (worker.h: decode, duplicate check, flow table, classification, nDPI,
 * site inventory, alerts), with a sink whose report is in the format the
 * input's length picks (any of report.h's) written to /dev/null, summary
 * included. Seed corpora are real captures (fuzz/seeds.sh).
 *
 * The engine and the worker (the catalogue and nDPI are costly to load)
 * are made once and the worker emptied after each input: every flow is
 * ended and reported, the fragment table drained, the duplicate table
 * renewed. Only nDPI's own caches carry over from one input to the next.
 *
 * Checks, besides no crash: a file that fails says why and one that does
 * not fail says nothing; every flow made ends once; no nDPI state
 * outlives its flow.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "dedup.h"
#include "engine.h"
#include "flow.h"
#include "options.h"
#include "report.h"
#include "sink.h"
#include "worker.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A site inventory, so that role checks run: the addresses of the
   project's captures, and networks around them. */
static const char inventory[] =
	"imp-publisher 192.0.2.10 imp-pub\n"
	"imp-subscriber 192.0.2.11\n"
	"cucm,ntp-server 192.0.2.20 cucm-1\n"
	"xmpp-client 198.51.100.0/24 clients\n"
	"sip-gateway 192.0.2.30\n"
	"imp 2001:db8::/32 v6-nodes\n"
	"directory 192.0.2.40\n";

static struct limits lim;
static struct engine eng;
static struct worker *worker;
static struct file_reader *reader;
static int memfd = -1;

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_pcap: invariant broken: %s\n", what);
	abort();
}

/* A memory file holding n bytes of data, and its /proc name. */
static int memfile(int fd, const void *data, size_t n, char name[64])
{
	size_t done = 0;

	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	while (done < n) {
		ssize_t w = write(fd, (const char *)data + done, n - done);

		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	/* Opening the descriptor's /proc name gives libpcap (or the
	   loader) a fresh stream at offset 0, as a named file would be. */
	snprintf(name, 64, "/proc/self/fd/%d", fd);
	return 0;
}

/* As impwatch reads files: in batches (worker_queue), every frame done
   by the drain after the read. Each frame is first copied to a buffer of
   exactly its length, as fuzz_decode's are: in libpcap's buffer the next
   record's bytes follow it, and a read past its caplen there would be no
   ASan report. The worker is done with the bytes when worker_queue()
   returns (as with libpcap's, which the next record overwrites). */
static void on_packet(void *ctx, int dlt, uint64_t ts_us, const uint8_t *bytes,
		      uint32_t caplen, uint32_t wire_len)
{
	/* malloc(0) too gives a block (ASan's: no byte of it readable),
	   never NULL, which libpcap never passes either. */
	uint8_t *frame = malloc(caplen);

	if (!frame)
		abort();
	memcpy(frame, bytes, caplen);
	worker_queue(ctx, dlt, ts_us, frame, caplen, wire_len);
	free(frame);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct engine_cfg cfg;
	struct worker_out out;
	struct dpi *dpi;
	char hosts_name[64];
	int hosts_fd;

	(void)argc;
	(void)argv;
	reader = file_reader_new();
	memfd = memfd_create("impwatch-fuzz", MFD_CLOEXEC);
	hosts_fd = memfd_create("impwatch-fuzz-hosts", MFD_CLOEXEC);
	if (!reader || memfd < 0 || hosts_fd < 0 ||
	    memfile(hosts_fd, inventory, sizeof inventory - 1, hosts_name) != 0) {
		perror("fuzz_pcap: setup");
		abort();
	}
	limits_default(&lim);
	lim.max_flows = 8;
	lim.max_frags = 4;
	memset(&cfg, 0, sizeof cfg);
	cfg.lim = &lim;
	cfg.dpi = true;
	cfg.seed = 0x5eed;
	cfg.hosts = hosts_name;
	cfg.dup_window_us = DEF_DUP_WINDOW_US;
	/* Where records go is set for each input (worker_set_out()). */
	memset(&out, 0, sizeof out);
	if (engine_open(&eng, &cfg, &dpi, stderr) != 0 ||
	    !(worker = worker_new(&eng, dpi, &out, stderr))) {
		fprintf(stderr, "fuzz_pcap: cannot set up the engine and worker\n");
		abort();
	}
	close(hosts_fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct worker_stats ws;
	struct worker_out out;
	struct sink_cfg sc;
	struct sink *sink;
	uint64_t created0, ended0 = 0, ended1 = 0;
	struct file_stat fs;
	struct run_stats s;
	char name[64];
	int rc, k;

	if (memfile(memfd, data, size, name) != 0)
		abort();
	worker_stats(worker, &ws);
	created0 = ws.flows.created;
	for (k = 0; k < END_COUNT; k++)
		ended0 += ws.flows.ended[k];

	/* A fresh duplicate table: a frame of the last input is no copy. */
	if (worker_forget_copies(worker) != 0)
		abort();
	memset(&sc, 0, sizeof sc);
	sc.fmt = (enum report_format)(size % FMT_COUNT);
	sc.top = 5;
	sc.output = "/dev/null";
	sc.evidence_dlt = -1;
	sc.workers = 1;
	sink = sink_open(&eng, &sc, stderr);
	if (!sink)
		abort();
	sink_worker_out(sink, size % 2 == 0, 0, &out);
	worker_set_out(worker, &out);

	memset(&fs, 0, sizeof fs);
	fs.name = name;
	rc = capture_read_file(reader, &fs, NULL, on_packet, NULL, worker, NULL);
	worker_drain(worker);
	if (rc != 0 && fs.error[0] == '\0')
		broken("a failed read without a reason");
	if (rc == 0 && fs.error[0] != '\0')
		broken("a read that worked with an error set");
	if ((rc == 0) != (fs.state == FILE_COMPLETE))
		broken("a read without a signal neither complete nor failed");

	worker_finish(worker, END_EOF);
	worker_post_stats(worker);
	memset(&s, 0, sizeof s);
	sink_stats(sink, &s);
	s.carriers = worker_carriers(worker);
	s.trust = eng.trust;
	s.files = &fs;
	s.n_files = 1;
	s.max_flows = lim.max_flows;
	s.dpi_packets = lim.dpi_packets;
	s.exit_status = rc ? 2 : 0;
	sink_summary(sink, &s);
	if (sink_close(sink, stderr) != 0)
		broken("the report to /dev/null could not be written");

	worker_stats(worker, &ws);
	for (k = 0; k < END_COUNT; k++)
		ended1 += ws.flows.ended[k];
	if (ws.flows.active != 0 || ended1 - ended0 != ws.flows.created - created0)
		broken("flows created and flows ended differ");
	if (ws.dpi && ws.dpi_st.live != 0)
		broken("nDPI states still lent out after every flow ended");
	return 0;
}
