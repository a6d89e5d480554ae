/*
 * test_replace.c: a file written whole or not at all (replace.h), in a
 * folder of the test's own: the new file's bytes and mode, the old
 * file's kept when the write fails (a file size limit), no temporary
 * left beside it, and what is no regular file refused untouched; the
 * file itself written in place for what cannot be replaced.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "replace.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/impwatch-replace-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The folder's names, one space apart, sorted by the caller's choice of
   names: tests make at most a few. */
static void names(char *out, size_t n)
{
	struct dirent **e;
	int k, i;

	out[0] = '\0';
	k = scandir(dir, &e, NULL, alphasort);
	for (i = 0; i < k; i++) {
		if (strcmp(e[i]->d_name, ".") != 0 &&
		    strcmp(e[i]->d_name, "..") != 0)
			snprintf(out + strlen(out), n - strlen(out), "%s%s",
				 out[0] ? " " : "", e[i]->d_name);
		free(e[i]);
	}
	free(e);
}

static void path_of(const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_file(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

/* A new file: its bytes, 0640 within the umask, nothing else made. */
static void test_new(void **state)
{
	char p[128], ls[256];
	struct stat st;

	(void)state;
	path_of("page.html", p, sizeof(p));
	umask(022);
	assert_int_equal(replace_write(p, false, "new\n", 4), 0);
	assert_file(p, "new\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	names(ls, sizeof(ls));
	assert_string_equal(ls, "page.html");
	unlink(p);
	umask(077);
	assert_int_equal(replace_write(p, false, "x", 1), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	unlink(p);
	umask(022);
}

/* A file replaced: the new bytes, its own mode kept past the umask, a
   new inode (a reader holding the old one reads it whole). */
static void test_replaced(void **state)
{
	char p[128], ls[256];
	struct stat a, b;

	(void)state;
	path_of("page.html", p, sizeof(p));
	put(p, "the page of before\n");
	assert_int_equal(chmod(p, 0604), 0);
	assert_int_equal(stat(p, &a), 0);
	assert_int_equal(replace_write(p, false, "new\n", 4), 0);
	assert_file(p, "new\n");
	assert_int_equal(stat(p, &b), 0);
	assert_int_equal(b.st_mode & 07777, 0604);
	assert_true(a.st_ino != b.st_ino);
	names(ls, sizeof(ls));
	assert_string_equal(ls, "page.html");
	unlink(p);
}

/* A write that fails (a file size limit, SIGXFSZ ignored: EFBIG): the
   file of before byte for byte, and no temporary. */
static void test_fails(void **state)
{
	struct rlimit old, lim = { 512, 512 };
	static char big[4096];
	char p[128], ls[256];
	void (*h)(int);
	int rc, e;

	(void)state;
	memset(big, 'x', sizeof(big));
	path_of("page.html", p, sizeof(p));
	put(p, "the page of before\n");
	h = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = replace_write(p, false, big, sizeof(big));
	e = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, h);
	assert_int_equal(rc, -1);
	assert_int_equal(e, EFBIG);
	assert_file(p, "the page of before\n");
	names(ls, sizeof(ls));
	assert_string_equal(ls, "page.html");
	unlink(p);
}

/* No regular file: a folder (EISDIR), a FIFO or a symbolic link
   (EEXIST) is refused, left as it was, and nothing made beside it. A
   folder that does not exist: ENOENT. replace_can() tries and leaves
   nothing. */
static void test_refused(void **state)
{
	char p[128], q[128], ls[256];
	struct stat st;

	(void)state;
	path_of("d", p, sizeof(p));
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(replace_write(p, false, "x", 1), -1);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(replace_can(p), -1);
	assert_int_equal(errno, EISDIR);
	rmdir(p);
	path_of("f", p, sizeof(p));
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(replace_write(p, false, "x", 1), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	unlink(p);
	path_of("l", p, sizeof(p));
	path_of("target", q, sizeof(q));
	put(q, "target\n");
	assert_int_equal(symlink(q, p), 0);
	assert_int_equal(replace_write(p, false, "x", 1), -1);
	assert_int_equal(errno, EEXIST);
	assert_file(q, "target\n");
	unlink(p);
	unlink(q);
	path_of("no/such", p, sizeof(p));
	assert_int_equal(replace_can(p), -1);
	assert_int_equal(errno, ENOENT);
	path_of("page.html", p, sizeof(p));
	assert_int_equal(replace_can(p), 0);
	names(ls, sizeof(ls));
	assert_string_equal(ls, "");
}

/* In place: the file itself, emptied and written through a symbolic
   link (its target keeps its inode), nothing made beside it; a FIFO no
   one reads is not waited for with O_NONBLOCK (ENXIO). */
static void test_in_place(void **state)
{
	char p[128], q[128], ls[256];
	struct replace r;
	struct stat a, b;

	(void)state;
	path_of("target", q, sizeof(q));
	path_of("link", p, sizeof(p));
	put(q, "the page of before, longer than the new one\n");
	assert_int_equal(symlink(q, p), 0);
	assert_int_equal(stat(q, &a), 0);
	assert_int_equal(replace_in_place(p, O_NONBLOCK, &r), 0);
	assert_null(r.tmp);
	fputs("new\n", r.f);
	assert_int_equal(replace_close(&r, p, true), 0);
	assert_file(q, "new\n");
	assert_int_equal(stat(q, &b), 0);
	assert_true(a.st_ino == b.st_ino);
	names(ls, sizeof(ls));
	assert_string_equal(ls, "link target");
	unlink(p);
	unlink(q);
	path_of("f", p, sizeof(p));
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(replace_in_place(p, O_NONBLOCK, &r), -1);
	assert_int_equal(errno, ENXIO);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_fails),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_in_place),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
