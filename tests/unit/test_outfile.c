/*
 * test_outfile.c: an output stream with no memory for its state. No test
 * of the binary can bring that about: outfile_alloc() is replaced here
 * (it is weak), and refuses while refuse is set. And how many writes a
 * flush takes: write() is counted here.
 */
#define _GNU_SOURCE   /* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"
#include "evidence.h"
#include "options.h"
#include "outfile.h"
#include "sink.h"

static bool refuse;
static unsigned writes;

void *outfile_alloc(size_t n)
{
	return refuse ? NULL : calloc(1, n);
}

/* The program's write(2), counted (stdio's own writes are libc's, and
   not counted). */
ssize_t write(int fd, const void *b, size_t n)
{
	writes++;
	return syscall(SYS_write, fd, b, n);
}

/* What was written on f, from its start. */
static void read_back(FILE *f, char *out, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
}

/* Out of memory, the stream is not made, and says so (ENOMEM): raw is
   the caller's still, open and untouched. It returned raw itself, which
   no stop gives up and whose failure nothing keeps. */
static void test_over_no_memory(void **state)
{
	struct outstate st = { .path = "r.txt" };
	FILE *raw = tmpfile(), *f;
	char out[64];

	(void)state;
	assert_non_null(raw);
	refuse = true;
	errno = 0;
	f = outfile_over(raw, &st, -1, NULL, 0);
	refuse = false;
	assert_null(f);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(fputs("still mine\n", raw) >= 0, 1);
	read_back(raw, out, sizeof(out));
	assert_string_equal(out, "still mine\n");
	fclose(raw);
	/* With memory: the stream over raw, closing it. */
	raw = tmpfile();
	assert_non_null(raw);
	f = outfile_over(raw, &st, _IOFBF, NULL, 0);
	assert_non_null(f);
	assert_true(f != raw);
	fputs("through\n", f);
	assert_int_equal(fflush(f), 0);
	assert_int_equal(st.e, 0);
	assert_int_equal(fclose(f), 0);
}

/* The evidence with no memory for its stream is not opened: said as a
   file that cannot be written, before any frame. */
static void test_evidence_no_memory(void **state)
{
	struct evidence_rotation rot = { 0, 0 };
	char dir[] = "/tmp/impwatch-outfile-XXXXXX", path[64], out[256];
	FILE *err = tmpfile();
	struct evidence *ev;

	(void)state;
	assert_non_null(err);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ev.pcap", dir);
	refuse = true;
	ev = evidence_open(path, 1, 262144, &rot, NULL, err);
	refuse = false;
	assert_null(ev);
	read_back(err, out, sizeof(out));
	fclose(err);
	unlink(path);
	rmdir(dir);
	assert_non_null(strstr(out, "cannot write "));
	assert_non_null(strstr(out, "ev.pcap: Cannot allocate memory\n"));
}

/* The report with no memory for its stream: not opened, said as a file
   that cannot be written, before any packet. At a SIGHUP: the reopen
   fails, said, and the stream open is written on. */
static void test_sink_no_memory(void **state)
{
	char dir[] = "/tmp/impwatch-outfile-XXXXXX", path[64], out[512];
	struct engine_cfg ecfg;
	struct sink_cfg cfg;
	struct limits lim;
	struct engine eng;
	struct dpi *d = NULL;
	struct sink *s;
	FILE *err = tmpfile();

	(void)state;
	assert_non_null(err);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.json", dir);
	limits_default(&lim);
	memset(&ecfg, 0, sizeof(ecfg));
	ecfg.lim = &lim;
	ecfg.seed = 1;
	assert_int_equal(engine_open(&eng, &ecfg, &d, err), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.fmt = FMT_JSON;
	cfg.output = path;
	cfg.evidence_dlt = -1;
	cfg.workers = 1;
	refuse = true;
	s = sink_open(&eng, &cfg, err);
	refuse = false;
	assert_null(s);
	read_back(err, out, sizeof(out));
	assert_non_null(strstr(out, "cannot write "));
	assert_non_null(strstr(out, "r.json: Cannot allocate memory\n"));
	rewind(err);
	assert_int_equal(ftruncate(fileno(err), 0), 0);
	s = sink_open(&eng, &cfg, err);
	assert_non_null(s);
	refuse = true;
	sink_reopen(s, err);
	refuse = false;
	assert_int_equal(sink_close(s, err), 0);
	read_back(err, out, sizeof(out));
	assert_non_null(strstr(out, "r.json: Cannot allocate memory; writing "
			       "on to the file already open\n"));
	fclose(err);
	engine_close(&eng);
	unlink(path);
	rmdir(dir);
}

/* /dev/null takes a write at once: a flush is one write, not one a
   PIPE_BUF (which poll() promises a pipe). */
static void test_null_whole(void **state)
{
	static char buf[1 << 16], data[1 << 18];
	struct outstate st = { .path = "/dev/null" };
	FILE *raw = fopen("/dev/null", "w"), *f;

	(void)state;
	if (!raw)
		skip();
	f = outfile_over(raw, &st, _IOFBF, buf, sizeof(buf));
	assert_non_null(f);
	memset(data, 'x', sizeof(data));
	writes = 0;
	assert_int_equal(fwrite(data, 1, sizeof(data), f), sizeof(data));
	assert_int_equal(fflush(f), 0);
	assert_in_range(writes, 1, 4);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(st.e, 0);
}

/* A pipe takes what its size says it has room for in one write; as it
   fills, PIPE_BUF at a time, after poll(), and no write blocks: the
   pipe ends full, nobody reading, with every byte in order. */
static void test_pipe_room(void **state)
{
	static char buf[1 << 16], data[1 << 16], back[1 << 16];
	struct outstate st = { .path = "a pipe" };
	const size_t first = 48 << 10, size = 64 << 10;
	int fds[2];
	FILE *raw, *f;
	size_t i, got = 0;
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	if (fcntl(fds[1], F_SETPIPE_SZ, (int)size) != (int)size ||
	    sysconf(_SC_PAGESIZE) != 4096) {
		close(fds[0]);
		close(fds[1]);
		skip();
	}
	raw = fdopen(fds[1], "w");
	assert_non_null(raw);
	f = outfile_over(raw, &st, _IOFBF, buf, sizeof(buf));
	assert_non_null(f);
	for (i = 0; i < size; i++)
		data[i] = (char)(i * 7 + i / 251);
	writes = 0;
	assert_int_equal(fwrite(data, 1, first, f), first);
	assert_int_equal(fflush(f), 0);
	assert_int_equal(writes, 1);
	/* 8 KiB of room by the size, two pages held back: 8 KiB in one
	   write, then PIPE_BUF twice. */
	assert_int_equal(fwrite(data + first, 1, size - first, f),
			 size - first);
	assert_int_equal(fflush(f), 0);
	assert_int_equal(writes, 4);
	assert_int_equal(st.e, 0);
	while (got < size && (n = read(fds[0], back + got, size - got)) > 0)
		got += (size_t)n;
	assert_int_equal(got, size);
	assert_memory_equal(back, data, size);
	assert_int_equal(fclose(f), 0);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_over_no_memory),
		cmocka_unit_test(test_evidence_no_memory),
		cmocka_unit_test(test_sink_no_memory),
		cmocka_unit_test(test_null_whole),
		cmocka_unit_test(test_pipe_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
