/*
 * fuzz_pcap.c: libFuzzer target for whole capture files, through the
 * whole of impwatch.
 *
 * The input is a pcap or pcapng file image. It is put in an anonymous
 * memory file and read by capture_read_file(), impwatch's own reader (so
 * its open, link-type, offset and damaged-record paths are fuzzed with
 * libpcap's file parsers beneath), into the pipeline main.c runs
 * (pipeline.h: decode, duplicate check, flow table, classification, nDPI,
 * site inventory, alerts), with a report in the format the input's length
 * picks (text, JSON or CSV) written to /dev/null, summary included. Seed
 * corpora are real captures (fuzz/seeds.sh).
 *
 * The pipeline (its catalogue and nDPI engine are costly to load) is
 * opened once and emptied after each input: every flow is ended and
 * reported, the fragment table drained, the duplicate table renewed. Only
 * nDPI's own caches carry over from one input to the next.
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
#include "flow.h"
#include "options.h"
#include "pipeline.h"
#include "report.h"

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
static struct pipeline pl;
static FILE *devnull;
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

/* As impwatch reads files: in batches (pipeline_queue), every frame
   done by the drain after the read. */
static void on_packet(void *ctx, int dlt, uint64_t ts_us, const uint8_t *bytes,
		      uint32_t caplen, uint32_t wire_len)
{
	pipeline_queue(ctx, dlt, ts_us, bytes, caplen, wire_len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct pipeline_cfg cfg;
	char hosts_name[64];
	int hosts_fd;

	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	reader = file_reader_new();
	memfd = memfd_create("impwatch-fuzz", MFD_CLOEXEC);
	hosts_fd = memfd_create("impwatch-fuzz-hosts", MFD_CLOEXEC);
	if (!devnull || !reader || memfd < 0 || hosts_fd < 0 ||
	    memfile(hosts_fd, inventory, sizeof inventory - 1, hosts_name) != 0) {
		perror("fuzz_pcap: setup");
		abort();
	}
	limits_default(&lim);
	lim.max_flows = 8;
	lim.max_frags = 4;
	memset(&cfg, 0, sizeof cfg);
	cfg.lim = &lim;
	cfg.seed = 0x5eed;
	cfg.hosts = hosts_name;
	cfg.dup_window_us = DEF_DUP_WINDOW_US;
	if (pipeline_open(&pl, &cfg, stderr) != 0) {
		fprintf(stderr, "fuzz_pcap: cannot open the pipeline\n");
		abort();
	}
	close(hosts_fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct flow_stats *st = flow_table_stats(pl.ft);
	uint64_t created0 = st->created, ended0 = 0, ended1 = 0;
	struct file_stat fs;
	struct run_stats s;
	char name[64];
	int rc, k;

	if (memfile(memfd, data, size, name) != 0)
		abort();
	for (k = 0; k < END_COUNT; k++)
		ended0 += st->ended[k];

	/* A fresh duplicate table: a frame of the last input is no copy. */
	dedup_free(&pl.dedup);
	if (dedup_init(&pl.dedup, DEF_DUP_WINDOW_US) != 0)
		abort();
	pl.rep = report_new((enum report_format)(size % FMT_COUNT), devnull,
			    pl.cat, pl.hosts, pl.dpi != NULL, 5);
	if (!pl.rep)
		abort();
	pl.alerts = size % 2 == 0;

	memset(&fs, 0, sizeof fs);
	fs.name = name;
	rc = capture_read_file(reader, &fs, NULL, on_packet, NULL, &pl, NULL);
	pipeline_drain(&pl);
	if (rc != 0 && fs.error[0] == '\0')
		broken("a failed read without a reason");
	if (rc == 0 && fs.error[0] != '\0')
		broken("a read that worked with an error set");
	if ((rc == 0) != (fs.state == FILE_COMPLETE))
		broken("a read without a signal neither complete nor failed");

	pipeline_finish(&pl, END_EOF);
	memset(&s, 0, sizeof s);
	pipeline_stats(&pl, &s);
	s.files = &fs;
	s.n_files = 1;
	s.max_flows = lim.max_flows;
	s.dpi_packets = lim.dpi_packets;
	s.exit_status = rc ? 2 : 0;
	report_summary(pl.rep, &s);
	report_free(pl.rep);
	pl.rep = NULL;

	for (k = 0; k < END_COUNT; k++)
		ended1 += st->ended[k];
	if (st->active != 0 || ended1 - ended0 != st->created - created0)
		broken("flows created and flows ended differ");
	if (pl.dpi && dpi_stats(pl.dpi)->live != 0)
		broken("nDPI states still lent out after every flow ended");
	return 0;
}
