/*
 * test_capture.c: reading capture files through a reader that owns its
 * buffers: two readers in turn, and standard input, which outlives the
 * reader that gave it a buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "capture.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_readers),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_buffer_aligned),
		cmocka_unit_test(test_stamp_past_rfc3339),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
