/*
 * test_capture.c: reading capture files through a reader that owns its
 * buffers: two readers in turn, and standard input, which outlives the
 * reader that gave it a buffer; what a pcapng records of its losses
 * where the command line's cases do not reach (a span past one read,
 * sections, many interfaces, a damaged block after statistics).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "config.h"
#include "pcapng.h"
#include "util.h"

/* A pcap of n Ethernet frames of 60 bytes, stamped 1 s apart. */
static void write_pcap(const char *path, int n)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	struct pcap_pkthdr h;
	uint8_t frame[60];
	int i;

	assert_non_null(dead);
	d = pcap_dump_open(dead, path);
	assert_non_null(d);
	memset(frame, 0, sizeof(frame));
	frame[12] = 0x08;        /* IPv4, left empty: a decode error */
	for (i = 0; i < n; i++) {
		h.ts.tv_sec = 1767225600 + i;
		h.ts.tv_usec = 0;
		h.caplen = h.len = sizeof(frame);
		pcap_dump((u_char *)d, &h, frame);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

static void count(void *ctx, int dlt, uint64_t ts_us, const uint8_t *bytes,
		  uint32_t caplen, uint32_t wire_len)
{
	(void)dlt;
	(void)ts_us;
	(void)bytes;
	(void)caplen;
	(void)wire_len;
	(*(int *)ctx)++;
}

/* Read path through rd: the packets it holds. */
static int read_one(struct file_reader *rd, const char *path)
{
	struct file_stat fs;
	int n = 0;

	memset(&fs, 0, sizeof(fs));
	fs.name = path;
	assert_int_equal(capture_read_file(rd, &fs, NULL, count, NULL, &n, NULL), 0);
	assert_int_equal(fs.state, FILE_COMPLETE);
	assert_int_equal((int)fs.packets, n);
	return n;
}

/* Two readers, each with its own buffers, read files in turn. */
static void test_two_readers(void **state)
{
	char a[] = "/tmp/impwatch-capture-a-XXXXXX";
	char b[] = "/tmp/impwatch-capture-b-XXXXXX";
	struct file_reader *r1 = file_reader_new(), *r2 = file_reader_new();
	int i;

	(void)state;
	assert_non_null(r1);
	assert_non_null(r2);
	close(mkstemp(a));
	close(mkstemp(b));
	write_pcap(a, 5);
	write_pcap(b, 3000);
	for (i = 0; i < 3; i++) {
		assert_int_equal(read_one(r1, a), 5);
		assert_int_equal(read_one(r2, b), 3000);
		assert_int_equal(read_one(r2, a), 5);
		assert_int_equal(read_one(r1, b), 3000);
	}
	file_reader_free(r1);
	file_reader_free(r2);
	unlink(a);
	unlink(b);
}

/* The buffer a file is read through starts on a page: the kernel
   copies each file into it, and on the benchmark's machine a copy into
   malloc()'s 16-byte offset took 60% more of its time (capture.c). */
static void test_buffer_aligned(void **state)
{
	struct file_reader *rd = file_reader_new();

	(void)state;
	assert_non_null(rd);
	assert_int_equal((uintptr_t)file_reader_buffer(rd) % 4096, 0);
	file_reader_free(rd);
}

/* Standard input read through a reader, which is then freed: stdin
   gives its buffer back and reads on without it. */
static void test_stdin(void **state)
{
	char a[] = "/tmp/impwatch-capture-s-XXXXXX";
	struct file_reader *rd = file_reader_new();

	(void)state;
	assert_non_null(rd);
	close(mkstemp(a));
	write_pcap(a, 40);
	assert_non_null(freopen(a, "rb", stdin));
	assert_int_equal(read_one(rd, "-"), 40);
	file_reader_free(rd);
	/* Read to its end: libpcap left nothing, and nothing reads freed
	   memory (ASan) to say so. */
	assert_int_equal(getc(stdin), EOF);
	unlink(a);
}

/* The stamps a read hands over. */
struct stamps {
	uint64_t ts[8];
	int n;
};

static void keep_stamp(void *ctx, int dlt, uint64_t ts_us,
		       const uint8_t *bytes, uint32_t caplen, uint32_t wire_len)
{
	struct stamps *s = ctx;

	(void)dlt;
	(void)bytes;
	(void)caplen;
	(void)wire_len;
	if (s->n < 8)
		s->ts[s->n] = ts_us;
	s->n++;
}

/* 32-bit and 16-bit little-endian words at p. */
static uint8_t *le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return p + 4;
}

/* A pcapng (little-endian) whose interface stamps in seconds
   (if_tsresol 10^0), one 60-byte Ethernet frame a stamp. */
static void write_pcapng_secs(const char *path, const uint64_t *secs, int n)
{
	uint8_t buf[1024], *p = buf;
	FILE *f;
	int i;

	/* Section header: byte-order magic, version 1.0, length unknown. */
	p = le32(p, 0x0a0d0d0a);
	p = le32(p, 28);
	p = le32(p, 0x1a2b3c4d);
	p = le32(p, 1);
	p = le32(p, 0xffffffff);
	p = le32(p, 0xffffffff);
	p = le32(p, 28);
	/* Interface: Ethernet, snap 65535, if_tsresol (9) = 0, end. */
	p = le32(p, 1);
	p = le32(p, 32);
	p = le32(p, 1);
	p = le32(p, 65535);
	p = le32(p, 9 | 1u << 16);
	p = le32(p, 0);
	p = le32(p, 0);
	p = le32(p, 32);
	for (i = 0; i < n; i++) {
		p = le32(p, 6);
		p = le32(p, 92);
		p = le32(p, 0);
		p = le32(p, (uint32_t)(secs[i] >> 32));
		p = le32(p, (uint32_t)secs[i]);
		p = le32(p, 60);
		p = le32(p, 60);
		memset(p, 0, 60);
		p[12] = 0x08;
		p += 60;
		p = le32(p, 92);
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, (size_t)(p - buf), f),
			 (size_t)(p - buf));
	assert_int_equal(fclose(f), 0);
}

/* A pcapng stamp may be anywhere in 64 bits at any resolution: one past
   what RFC 3339 writes (9999-12-31T23:59:59.999999Z) counts as that,
   the latest time a record can say. Multiplied into microseconds as it
   was, 2^62 + 12345 s wrapped to 12345 s after 1970, and a stamp in the
   year 10000 made records no RFC 3339 reader takes. */
static void test_stamp_past_rfc3339(void **state)
{
	char a[] = "/tmp/impwatch-capture-t-XXXXXX";
	const uint64_t secs[] = {
		1767225600u,                    /* 2026-01-01 */
		(UINT64_C(1) << 62) + 12345u,   /* wrapped to 1970 */
		UINT64_C(253402300800),         /* 10000-01-01 */
		UINT64_C(253402300799),         /* 9999-12-31T23:59:59 */
	};
	struct file_reader *rd = file_reader_new();
	struct file_stat fs;
	struct stamps got;

	(void)state;
	assert_non_null(rd);
	close(mkstemp(a));
	write_pcapng_secs(a, secs, 4);
	memset(&fs, 0, sizeof(fs));
	memset(&got, 0, sizeof(got));
	fs.name = a;
	assert_int_equal(capture_read_file(rd, &fs, NULL, keep_stamp, NULL,
					   &got, NULL), 0);
	assert_int_equal(got.n, 4);
	assert_true(got.ts[0] == UINT64_C(1767225600000000));
	assert_true(got.ts[1] == STAMP_MAX_US);
	assert_true(got.ts[2] == STAMP_MAX_US);
	assert_true(got.ts[3] == UINT64_C(253402300799000000));
	file_reader_free(rd);
	unlink(a);
}

/* Classic pcap: a record's seconds are an unsigned 32-bit count
   (draft-ietf-opsawg-pcap, 5), to 2106. libpcap 1.10 reads them signed,
   so a stamp from 2038-01-19T03:14:08Z on came out negative, and was
   read as 1970-01-01. */
static void test_pcap_past_2038(void **state)
{
	char a[] = "/tmp/impwatch-capture-t-XXXXXX";
	static const uint32_t secs[] = {
		2147483647u,    /* 2038-01-19T03:14:07Z */
		2147483648u,    /* a second later */
		2208988800u,    /* 2040-01-01 */
		4294967295u,    /* 2106-02-07T06:28:15Z */
	};
	uint8_t file[24 + 4 * (16 + 60)] = { 0 }, *p = file;
	struct file_reader *rd = file_reader_new();
	struct file_stat fs;
	struct stamps got;
	FILE *f;
	int i;

	(void)state;
	assert_non_null(rd);
	p = le32(p, 0xa1b2c3d4u);
	p = le32(p, 0x00040002u);       /* version 2.4 */
	p = le32(p, 0);
	p = le32(p, 0);
	p = le32(p, 65535);
	p = le32(p, DLT_EN10MB);
	for (i = 0; i < 4; i++) {
		p = le32(p, secs[i]);
		p = le32(p, 7);
		p = le32(p, 60);
		p = le32(p, 60);
		p += 60;
	}
	close(mkstemp(a));
	assert_non_null(f = fopen(a, "wb"));
	assert_int_equal(fwrite(file, 1, sizeof(file), f), sizeof(file));
	fclose(f);
	memset(&fs, 0, sizeof(fs));
	memset(&got, 0, sizeof(got));
	fs.name = a;
	assert_int_equal(capture_read_file(rd, &fs, NULL, keep_stamp, NULL,
					   &got, NULL), 0);
	assert_int_equal(got.n, 4);
	for (i = 0; i < 4; i++)
		assert_true(got.ts[i] == (uint64_t)secs[i] * 1000000u + 7);
	file_reader_free(rd);
	unlink(a);
}

/* ---- what a pcapng records of its losses (pcapng.c) --------------- */

/* A little-endian pcapng built in memory. */
struct png {
	uint8_t *b;
	size_t n, cap;
};

static void png_put(struct png *g, const void *p, size_t n)
{
	if (g->n + n > g->cap) {
		g->cap = (g->n + n) * 2;
		g->b = realloc(g->b, g->cap);
		assert_non_null(g->b);
	}
	memcpy(g->b + g->n, p, n);
	g->n += n;
}

static void png_u32(struct png *g, uint32_t v)
{
	uint8_t b[4];

	le32(b, v);
	png_put(g, b, 4);
}

/* A block of type t around body (n bytes, a multiple of 4). */
static void png_block(struct png *g, uint32_t t, const struct png *body)
{
	png_u32(g, t);
	png_u32(g, (uint32_t)body->n + 12);
	png_put(g, body->b, body->n);
	png_u32(g, (uint32_t)body->n + 12);
}

/* Section header, and an Ethernet interface of snap length 0 (any). */
static void png_head(struct png *g)
{
	struct png body = { 0 };

	png_u32(&body, 0x1a2b3c4d);
	png_u32(&body, 1);
	png_u32(&body, 0xffffffff);
	png_u32(&body, 0xffffffff);
	png_block(g, 0x0a0d0d0a, &body);
	body.n = 0;
	png_u32(&body, 1);
	png_u32(&body, 0);
	png_block(g, 1, &body);
	free(body.b);
}

/* A packet of len bytes (a multiple of 4) on interface 0, with
   epb_dropcount (option 4) when drops is not 0. */
static void png_epb(struct png *g, uint32_t len, uint32_t drops)
{
	struct png body = { 0 };
	uint32_t i;

	png_u32(&body, 0);
	png_u32(&body, 0);
	png_u32(&body, 0);
	png_u32(&body, len);
	png_u32(&body, len);
	for (i = 0; i < len / 4; i++)
		png_u32(&body, i ? 0 : 0x08000000);
	if (drops) {
		png_u32(&body, 4 | 8u << 16);
		png_u32(&body, drops);
		png_u32(&body, 0);
		png_u32(&body, 0);
	}
	png_block(g, 6, &body);
	free(body.b);
}

/* Statistics of interface id: isb_ifdrop (option 5) ifdrop. */
static void png_isb(struct png *g, uint32_t id, uint32_t ifdrop)
{
	struct png body = { 0 };

	png_u32(&body, id);
	png_u32(&body, 0);
	png_u32(&body, 0);
	png_u32(&body, 5 | 8u << 16);
	png_u32(&body, ifdrop);
	png_u32(&body, 0);
	png_u32(&body, 0);
	png_block(g, 5, &body);
	free(body.b);
}

/* A 64-bit count v in option code of a block of type t (5: statistics
   of interface 0; 6: a packet of 60 bytes on it). */
static void png_count64(struct png *g, uint32_t t, uint16_t code, uint64_t v)
{
	struct png body = { 0 };
	uint32_t i;

	png_u32(&body, 0);
	png_u32(&body, 0);
	png_u32(&body, 0);
	if (t == 6) {
		png_u32(&body, 60);
		png_u32(&body, 60);
		for (i = 0; i < 15; i++)
			png_u32(&body, i ? 0 : 0x08000000);
	}
	png_u32(&body, code | 8u << 16);
	png_u32(&body, (uint32_t)v);
	png_u32(&body, (uint32_t)(v >> 32));
	png_u32(&body, 0);
	png_block(g, t, &body);
	free(body.b);
}

/* Read g from a file; its state and drops in *fs; returns the
   reader's status. */
static int png_read(struct png *g, struct file_stat *fs)
{
	char path[] = "/tmp/impwatch-png-t-XXXXXX";
	struct file_reader *rd = file_reader_new();
	int fd = mkstemp(path), n = 0, rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, g->b, g->n), (ssize_t)g->n);
	close(fd);
	memset(fs, 0, sizeof(*fs));
	fs->name = path;
	rc = capture_read_file(rd, fs, NULL, count, NULL, &n, NULL);
	assert_int_equal((int)fs->packets, n);
	fs->name = NULL;
	file_reader_free(rd);
	unlink(path);
	free(g->b);
	memset(g, 0, sizeof(*g));
	return rc;
}

/* A span past what one read takes (a 70,000-byte packet after the
   statistics) is walked block by block: the same counts. */
static void test_drops_long_span(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;

	(void)state;
	png_head(&g);
	png_isb(&g, 0, 5);
	png_epb(&g, 70000, 0);
	png_epb(&g, 60, 0);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.packets, 2);
	assert_int_equal(fs.drops.read, DROPS_READ);
	assert_int_equal(fs.drops.isbs, 1);
	assert_int_equal(fs.drops.ifdrop, 5);
	assert_int_equal(fs.drops.dropped, 5);
	assert_int_equal(fs.drops.malformed, 0);
}

/* Interface 0 of a second section is another interface: both count.
   Within a section the latest statistics replace the earlier ones. */
static void test_drops_sections(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;

	(void)state;
	png_head(&g);
	png_epb(&g, 60, 0);
	png_isb(&g, 0, 2);
	png_isb(&g, 0, 3);
	png_head(&g);
	png_epb(&g, 60, 0);
	png_isb(&g, 0, 4);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.drops.isbs, 3);
	assert_int_equal(fs.drops.ifdrop, 7);
	assert_int_equal(fs.drops.dropped, 7);
}

/* Both ways of saying a loss on one interface count the same packets:
   the larger, not the sum. */
static void test_drops_both_ways(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;

	(void)state;
	png_head(&g);
	png_epb(&g, 60, 3);
	png_epb(&g, 60, 4);
	png_isb(&g, 0, 5);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.drops.between, 7);
	assert_int_equal(fs.drops.ifdrop, 5);
	assert_int_equal(fs.drops.dropped, 7);
}

/* More interfaces than the table keeps: the rest share its last slot,
   whose count is their largest, never 0 when one said a loss. */
static void test_drops_many_interfaces(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;
	uint32_t i;

	(void)state;
	png_head(&g);
	png_epb(&g, 60, 0);
	for (i = 0; i < PCAPNG_DROP_IFACES + 10; i++)
		png_isb(&g, i, 1);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.drops.isbs, PCAPNG_DROP_IFACES + 10);
	assert_int_equal(fs.drops.dropped, PCAPNG_DROP_IFACES);
}

/* Statistics before a damaged block are read; the damaged block is
   still the one named. */
static void test_drops_before_damage(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;
	size_t at;

	(void)state;
	png_head(&g);
	png_epb(&g, 60, 0);
	png_isb(&g, 0, 9);
	at = g.n;
	png_epb(&g, 60, 0);
	g.n -= 20;
	assert_int_equal(png_read(&g, &fs), -1);
	assert_int_equal(fs.state, FILE_ERROR);
	assert_int_equal(fs.stop_offset, (int64_t)at);
	assert_int_equal(fs.drops.ifdrop, 9);
	assert_int_equal(fs.drops.dropped, 9);
}

/* Read g through a FIFO, written by a child: a capture that cannot be
   read twice; as png_read(). */
static int png_read_fifo(struct png *g, struct file_stat *fs)
{
	char dir[] = "/tmp/impwatch-png-f-XXXXXX", path[64];
	struct file_reader *rd = file_reader_new();
	int n = 0, rc, st;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/in", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(path, "wb");

		_exit(f && fwrite(g->b, 1, g->n, f) == g->n &&
		      fclose(f) == 0 ? 0 : 1);
	}
	memset(fs, 0, sizeof(*fs));
	fs->name = path;
	rc = capture_read_file(rd, fs, NULL, count, NULL, &n, NULL);
	assert_int_equal((int)fs->packets, n);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	fs->name = NULL;
	file_reader_free(rd);
	unlink(path);
	rmdir(dir);
	free(g->b);
	memset(g, 0, sizeof(*g));
	return rc;
}

/* Through a FIFO, what the file says is read as libpcap reads it:
   statistics before and after a packet longer than a pipe holds, a
   packet's drop count, and a second section. */
static void test_drops_fifo(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;

	(void)state;
	png_head(&g);
	png_isb(&g, 0, 2);
	png_epb(&g, 70000, 3);
	png_epb(&g, 60, 0);
	png_isb(&g, 0, 5);
	png_head(&g);
	png_epb(&g, 60, 0);
	png_isb(&g, 0, 4);
	assert_int_equal(png_read_fifo(&g, &fs), 0);
	assert_int_equal(fs.state, FILE_COMPLETE);
	assert_int_equal(fs.packets, 3);
	assert_int_equal(fs.drops.read, DROPS_READ);
	assert_int_equal(fs.drops.isbs, 3);
	assert_int_equal(fs.drops.ifdrop, 9);
	assert_int_equal(fs.drops.between, 3);
	assert_int_equal(fs.drops.dropped, 9);
	assert_int_equal(fs.drops.malformed, 0);
}

/* A damaged block through a FIFO is named where it starts, as in a
   file on disk, and the statistics before it are read. */
static void test_damage_fifo(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;
	size_t at;

	(void)state;
	png_head(&g);
	png_epb(&g, 60, 0);
	png_isb(&g, 0, 9);
	at = g.n;
	png_epb(&g, 60, 0);
	g.n -= 20;
	assert_int_equal(png_read_fifo(&g, &fs), -1);
	assert_int_equal(fs.state, FILE_ERROR);
	assert_int_equal(fs.stop_offset, (int64_t)at);
	assert_int_equal(fs.drops.ifdrop, 9);
}

/* A packet on interface 5, which no block describes, with a drop count
   of 7: libpcap reads the block whole and refuses it. */
static void png_refused(struct png *g)
{
	struct png body = { 0 };
	uint32_t i;

	png_u32(&body, 5);
	png_u32(&body, 0);
	png_u32(&body, 0);
	png_u32(&body, 60);
	png_u32(&body, 60);
	for (i = 0; i < 15; i++)
		png_u32(&body, i ? 0 : 0x08000000);
	png_u32(&body, 4 | 8u << 16);
	png_u32(&body, 7);
	png_u32(&body, 0);
	png_u32(&body, 0);
	png_block(g, 6, &body);
	free(body.b);
}

/* A block read whole and refused is the one named, its drop count left
   out, from a file on disk and through a FIFO alike; the statistics
   before it are read. */
static void test_refused_block(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;
	size_t at;
	int fifo;

	(void)state;
	for (fifo = 0; fifo < 2; fifo++) {
		png_head(&g);
		png_epb(&g, 60, 0);
		png_isb(&g, 0, 2);
		at = g.n;
		png_refused(&g);
		png_epb(&g, 60, 0);
		assert_int_equal(fifo ? png_read_fifo(&g, &fs) :
				 png_read(&g, &fs), -1);
		assert_int_equal(fs.state, FILE_ERROR);
		assert_int_equal(fs.packets, 1);
		assert_int_equal(fs.stop_offset, (int64_t)at);
		assert_int_equal(fs.drops.ifdrop, 2);
		assert_int_equal(fs.drops.between, 0);
		assert_int_equal(fs.drops.dropped, 2);
	}
}

/* A count of all ones is "not known" (dumpcap's value when pcap_stats()
   failed): never 18446744073709551615 packets. The latest statistics
   replace it, as they replace any count; a packet's drop count not
   known leaves the sum of them not known. */
static void test_drops_not_known(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;

	(void)state;
	png_head(&g);
	png_epb(&g, 60, 0);
	png_count64(&g, 5, 5, UINT64_MAX);
	png_count64(&g, 5, 7, 3);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.drops.not_known, FD_IFDROP);
	assert_int_equal(fs.drops.ifdrop, 0);
	assert_int_equal(fs.drops.osdrop, 3);
	assert_true(file_drops_said(&fs.drops));

	png_head(&g);
	png_count64(&g, 5, 7, UINT64_MAX);
	png_epb(&g, 60, 0);
	png_count64(&g, 5, 7, 4);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.drops.not_known, 0);
	assert_int_equal(fs.drops.osdrop, 4);
	assert_int_equal(fs.drops.dropped, 4);

	png_head(&g);
	png_epb(&g, 60, 2);
	png_count64(&g, 6, 4, UINT64_MAX);
	png_epb(&g, 60, 3);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.packets, 3);
	assert_int_equal(fs.drops.not_known, FD_BETWEEN);
	assert_int_equal(fs.drops.between, 5);
	assert_int_equal(fs.drops.malformed, 0);
}

/* A packet of len bytes (a multiple of 4) in the obsolete Packet Block
   (type 2, draft-ietf-opsawg-pcapng Appendix A), which libpcap reads:
   its drops_count is what an EPB's epb_dropcount says. */
static void png_pb(struct png *g, uint32_t len, uint16_t drops)
{
	struct png body = { 0 };
	uint32_t i;

	png_u32(&body, (uint32_t)drops << 16);  /* interface 0, drops */
	png_u32(&body, 0);
	png_u32(&body, 1);
	png_u32(&body, len);
	png_u32(&body, len);
	for (i = 0; i < len / 4; i++)
		png_u32(&body, i ? 0 : 0x08000000);
	png_block(g, 2, &body);
	free(body.b);
}

/* Packet Blocks' drop counts add up; 0xffff is "not known" (A.1). */
static void test_drops_packet_blocks(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;

	(void)state;
	png_head(&g);
	png_pb(&g, 60, 3);
	png_pb(&g, 60, 0xffff);
	png_pb(&g, 60, 4);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.packets, 3);
	assert_int_equal(fs.drops.between, 7);
	assert_int_equal(fs.drops.dropped, 7);
	assert_int_equal(fs.drops.malformed, 0);
}

/* ---- where pcapng blocks start, counted (capture.c, png_count) ---- */

/* A packet of len bytes (a multiple of 4) on interface 0 stamped n
   microseconds in (never a whole second: no Simple Packet Block's). */
static void png_epb_at(struct png *g, uint32_t len, uint32_t n)
{
	struct png body = { 0 };
	uint32_t i;

	png_u32(&body, 0);
	png_u32(&body, 0);
	png_u32(&body, n * 1000000u + 1);
	png_u32(&body, len);
	png_u32(&body, len);
	for (i = 0; i < len / 4; i++)
		png_u32(&body, i ? 0 : 0x08000000);
	png_block(g, 6, &body);
	free(body.b);
}

/* A Simple Packet Block of len bytes (a multiple of 4): 16 bytes less
   than an Enhanced one of the same packet. */
static void png_spb(struct png *g, uint32_t len)
{
	struct png body = { 0 };
	uint32_t i;

	png_u32(&body, len);
	for (i = 0; i < len / 4; i++)
		png_u32(&body, i ? 0 : 0x08000000);
	png_block(g, 3, &body);
	free(body.b);
}

static void png_epbs(struct png *g, uint32_t from, uint32_t to)
{
	for (; from < to; from++)
		png_epb_at(g, 60, from);
}

/* Statistics between packets long after the count began (where it is
   checked least often), and a packet's drop count there: both read. */
static void test_drops_counted(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;

	(void)state;
	png_head(&g);
	png_epbs(&g, 0, 700);
	png_isb(&g, 0, 4);
	png_epbs(&g, 700, 900);
	png_epb(&g, 60, 6);
	png_epbs(&g, 900, 1000);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.packets, 1001);
	assert_int_equal(fs.drops.isbs, 1);
	assert_int_equal(fs.drops.ifdrop, 4);
	assert_int_equal(fs.drops.between, 6);
	assert_int_equal(fs.drops.dropped, 6);
	assert_int_equal(fs.drops.malformed, 0);
}

/* Simple Packet Blocks are 16 bytes shorter than a count of Enhanced
   ones would make them: five of them are two statistics blocks' worth
   (80 bytes), which a count taking them for EPBs would not see. */
static void test_drops_simple_blocks(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;
	int i;

	(void)state;
	png_head(&g);
	png_epbs(&g, 0, 300);
	for (i = 0; i < 5; i++)
		png_spb(&g, 60);
	png_isb(&g, 0, 2);
	png_isb(&g, 0, 3);
	png_epbs(&g, 300, 400);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.packets, 405);
	assert_int_equal(fs.drops.isbs, 2);
	assert_int_equal(fs.drops.ifdrop, 3);
}

/* Packet Blocks after Enhanced ones, from a file on disk: a section's
   header and interface make their span long, so the walk meets the
   Packet Block after them, and walks every span from then on (a Packet
   Block's count is in a span of the least length), the last ones too:
   those after the last check, which the end walked only when the count
   fell short there, and lost the second count. */
static void test_drops_packet_blocks_later(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;
	int i;

	(void)state;
	png_head(&g);
	png_epbs(&g, 0, 700);
	png_head(&g);
	for (i = 0; i < 300; i++)
		png_pb(&g, 60, i == 0 ? 3 : i == 200 ? 5 : 0);
	assert_int_equal(png_read(&g, &fs), 0);
	assert_int_equal(fs.packets, 1000);
	assert_int_equal(fs.drops.between, 8);
	assert_int_equal(fs.drops.dropped, 8);
}

/* A block cut long after the last check: named where it starts, and
   the statistics since that check read. */
static void test_damage_counted(void **state)
{
	struct png g = { 0 };
	struct file_stat fs;
	size_t at;

	(void)state;
	png_head(&g);
	png_epbs(&g, 0, 600);
	png_spb(&g, 60);
	png_isb(&g, 0, 9);
	png_epbs(&g, 600, 650);
	at = g.n;
	png_epb_at(&g, 60, 650);
	g.n -= 20;
	assert_int_equal(png_read(&g, &fs), -1);
	assert_int_equal(fs.state, FILE_ERROR);
	assert_int_equal(fs.packets, 651);
	assert_int_equal(fs.stop_offset, (int64_t)at);
	assert_int_equal(fs.drops.ifdrop, 9);
}

/* ---- a pcapng followed as a pipe brings it (pcapng_feed()) ------ */

/* g fed to pcapng.c in pieces of step bytes (0: at once), as a pipe
   may bring it; what it says in *out, and where it says damage starts
   after packets packets. */
static uint64_t png_feed(const struct png *g, size_t step, uint64_t packets,
			 struct file_drops *out)
{
	struct pcapng_drops *d = pcapng_drops_new();
	size_t at, n;
	uint64_t damaged;

	assert_non_null(d);
	pcapng_drops_start(d, 0);
	for (at = 0; at < g->n; at += n) {
		n = step && step < g->n - at ? step : g->n - at;
		pcapng_feed(d, g->b + at, n);
	}
	damaged = pcapng_damaged_at(d, packets);
	pcapng_drops_total(d, out);
	pcapng_drops_free(d);
	return damaged;
}

/* However a pipe cuts the file, the same blocks say the same losses:
   a block read in place, or by parts across reads of any length (the
   header, the fixed part and the options each cut), counts alike. */
static void test_feed_any_cut(void **state)
{
	static const size_t steps[] = { 1, 2, 3, 5, 7, 12, 29, 64, 1000 };
	struct png g = { 0 };
	struct file_drops all = { 0 }, cut = { 0 };
	size_t i;

	(void)state;
	png_head(&g);
	png_isb(&g, 0, 2);
	png_epb(&g, 60, 3);
	png_pb(&g, 60, 4);
	png_spb(&g, 60);
	png_epb(&g, 3000, 5);
	png_isb(&g, 0, 9);
	png_head(&g);
	png_epb(&g, 60, 6);
	png_isb(&g, 0, 1);
	png_epb(&g, 60, 0);
	assert_int_equal(png_feed(&g, 0, 6, &all), g.n);
	assert_int_equal(all.isbs, 3);
	assert_int_equal(all.ifdrop, 10);
	assert_int_equal(all.between, 18);
	assert_int_equal(all.dropped, 18);
	assert_int_equal(all.malformed, 0);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(png_feed(&g, steps[i], 6, &cut), g.n);
		assert_memory_equal(&cut, &all, sizeof(all));
	}
	free(g.b);
}

/* Counts not known say so however a pipe cuts the file. */
static void test_feed_not_known(void **state)
{
	static const size_t steps[] = { 1, 3, 7, 29 };
	struct png g = { 0 };
	struct file_drops all = { 0 }, cut = { 0 };
	size_t i;

	(void)state;
	png_head(&g);
	png_count64(&g, 6, 4, UINT64_MAX);
	png_count64(&g, 5, 5, UINT64_MAX);
	png_count64(&g, 5, 7, 8);
	png_epb(&g, 60, 0);
	assert_int_equal(png_feed(&g, 0, 2, &all), g.n);
	assert_int_equal(all.not_known, FD_IFDROP | FD_BETWEEN);
	assert_int_equal(all.osdrop, 8);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(png_feed(&g, steps[i], 2, &cut), g.n);
		assert_memory_equal(&cut, &all, sizeof(all));
	}
	free(g.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_readers),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_buffer_aligned),
		cmocka_unit_test(test_stamp_past_rfc3339),
		cmocka_unit_test(test_pcap_past_2038),
		cmocka_unit_test(test_drops_long_span),
		cmocka_unit_test(test_drops_sections),
		cmocka_unit_test(test_drops_both_ways),
		cmocka_unit_test(test_drops_many_interfaces),
		cmocka_unit_test(test_drops_before_damage),
		cmocka_unit_test(test_drops_not_known),
		cmocka_unit_test(test_drops_counted),
		cmocka_unit_test(test_drops_simple_blocks),
		cmocka_unit_test(test_drops_packet_blocks_later),
		cmocka_unit_test(test_damage_counted),
		cmocka_unit_test(test_drops_fifo),
		cmocka_unit_test(test_damage_fifo),
		cmocka_unit_test(test_drops_packet_blocks),
		cmocka_unit_test(test_refused_block),
		cmocka_unit_test(test_feed_any_cut),
		cmocka_unit_test(test_feed_not_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
