/*
 * test_textfile.c: the line and field helpers every loader parses with.
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

#include "textfile.h"

static struct tstr S(const char *s)
{
	struct tstr t = { s, strlen(s) };

	return t;
}

static void assert_tstr(struct tstr got, const char *want)
{
	if (got.n != strlen(want) || memcmp(got.s, want, got.n) != 0)
		fail_msg("got '%.*s', wanted '%s'", (int)got.n, got.s, want);
}

static void test_trim_is(void **state)
{
	(void)state;
	assert_tstr(tstr_trim(S(" \t a b \t")), "a b");
	assert_tstr(tstr_trim(S(" \t ")), "");
	assert_true(tstr_is(S("tcp"), "tcp"));
	assert_false(tstr_is(S("tcp"), "tc"));
	assert_false(tstr_is(S("tc"), "tcp"));
}

/* Items as the catalogue splits its fields and lists: trimmed, an empty
   item where two separators meet, one empty item for empty text. */
static void test_items(void **state)
{
	struct tstr s = S(" a | b||c |"), item;

	(void)state;
	assert_true(tstr_item(&s, '|', &item));
	assert_tstr(item, "a");
	assert_true(tstr_item(&s, '|', &item));
	assert_tstr(item, "b");
	assert_true(tstr_item(&s, '|', &item));
	assert_tstr(item, "");
	assert_true(tstr_item(&s, '|', &item));
	assert_tstr(item, "c");
	assert_true(tstr_item(&s, '|', &item));
	assert_tstr(item, "");
	assert_false(tstr_item(&s, '|', &item));

	s = S("");
	assert_true(tstr_item(&s, ',', &item));
	assert_tstr(item, "");
	assert_false(tstr_item(&s, ',', &item));
}

static void test_has(void **state)
{
	(void)state;
	assert_true(tstr_has(S("5 configurable"), "configurable"));
	assert_true(tstr_has(S("xconfigurablex"), "configurable"));
	assert_true(tstr_has(S("configurable"), "configurable"));
	assert_false(tstr_has(S("configurabl"), "configurable"));
	assert_false(tstr_has(S(""), "x"));
	/* Only the n bytes of s count, not what lies past them. */
	assert_false(tstr_has((struct tstr){ "abc", 2 }, "bc"));
}

static void test_uint(void **state)
{
	unsigned long v = 7;

	(void)state;
	assert_int_equal(tstr_uint(S("0"), &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tstr_uint(S("65535"), &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(tstr_uint(S("999999999"), &v), 0);
	assert_int_equal(v, 999999999);
	/* Digits only: no sign, no blank, no hex, not empty. */
	assert_int_equal(tstr_uint(S(""), &v), -1);
	assert_int_equal(tstr_uint(S("+1"), &v), -1);
	assert_int_equal(tstr_uint(S("-1"), &v), -1);
	assert_int_equal(tstr_uint(S(" 1"), &v), -1);
	assert_int_equal(tstr_uint(S("0x10"), &v), -1);
	/* Ten digits are past any value a line takes, and never overflow;
	   a non-digit anywhere still says "not a number". */
	assert_int_equal(tstr_uint(S("1234567890"), &v), -2);
	assert_int_equal(tstr_uint(S("99999999999999999999999"), &v), -2);
	assert_int_equal(tstr_uint(S("12345678901x"), &v), -1);
	assert_int_equal(tstr_uint((struct tstr){ "12x", 2 }, &v), 0);
	assert_int_equal(v, 12);
}

static void test_last_word(void **state)
{
	struct tstr head, last;

	(void)state;
	assert_true(tstr_last_word(S("389,3268 configurable"), &head, &last));
	assert_tstr(head, "389,3268");
	assert_tstr(last, "configurable");
	assert_true(tstr_last_word(S("a b \t c"), &head, &last));
	assert_tstr(head, "a b");
	assert_tstr(last, "c");
	assert_true(tstr_last_word(S("  a  b  "), &head, &last));
	assert_tstr(head, "a");
	assert_tstr(last, "b");
	/* One word, or none: nothing to split. */
	assert_false(tstr_last_word(S("configurable"), &head, &last));
	assert_false(tstr_last_word(S(" one "), &head, &last));
	assert_false(tstr_last_word(S("  "), &head, &last));
	assert_false(tstr_last_word(S(""), &head, &last));
}

static void test_show_len(void **state)
{
	char buf[200];

	(void)state;
	assert_int_equal(tstr_show_len(S("short")), 5);
	memset(buf, 'a', sizeof(buf));
	assert_int_equal(tstr_show_len((struct tstr){ buf, sizeof(buf) }), 64);
	/* "é" is two bytes: 63 'a' then one would cut it in half. */
	memcpy(buf + 63, "\xc3\xa9", 2);
	assert_int_equal(tstr_show_len((struct tstr){ buf, sizeof(buf) }), 63);
}

/* The offending line as a person reads it: a blank that is no space
   nor tab (a no-break space pasted from a web page or a word processor,
   an ideographic space, a zero-width one, a byte-order mark in the
   middle) shown by its code point, since it would look like a space, or
   like nothing, while the loader splits only at spaces and tabs. Other
   text, accents and Korean included, is shown as it is. */
static void test_show_line_blanks(void **state)
{
	static const char line[] = "imp-publisher\xc2\xa0" "192.0.2.10 "
		"caf\xc3\xa9\xe3\x80\x80x\xe2\x80\x8by\xef\xbb\xbf"
		"\xea\xb8\xb0";
	char out[512];
	FILE *err = tmpfile();
	size_t n;

	(void)state;
	assert_non_null(err);
	tline_error(err, "site.hosts", 3, S(line), "unknown role");
	rewind(err);
	n = fread(out, 1, sizeof(out) - 1, err);
	out[n] = '\0';
	fclose(err);
	assert_string_equal(out, "site.hosts:3: unknown role\n"
			    "  imp-publisher\\u00a0" "192.0.2.10 "
			    "caf\xc3\xa9\\u3000x\\u200by\\ufeff\xea\xb8\xb0\n");
}

/* What one message wrote on a stream of its own. */
#define SAID(out, call) do {						\
		FILE *err_ = tmpfile();					\
		size_t n_;						\
									\
		assert_non_null(err_);					\
		call;							\
		rewind(err_);						\
		n_ = fread(out, 1, sizeof(out) - 1, err_);		\
		out[n_] = '\0';						\
		fclose(err_);						\
	} while (0)

/* A name or a value echoed in an error is shown as a line is: a
   terminal escape, a newline, a carriage return, an invalid byte as
   \xNN, a tab and UTF-8 as they are; the message's own line end stays,
   and a message longer than the first buffer is shown whole. */
static void test_say_escapes(void **state)
{
	char out[2048], want[2048], big[1100];

	(void)state;
	SAID(out, tprintf(err_, "impwatch: invalid value '%s' for %s\n",
			  "1\033[31m\n\r\t\xff\xc3\xa9", "--max-flows"));
	assert_string_equal(out, "impwatch: invalid value '1\\x1b[31m"
			    "\\x0a\\x0d\t\\xff\xc3\xa9' for --max-flows\n");
	/* A C1 control in UTF-8 is a terminal's CSI all the same. */
	SAID(out, tprintf(err_, "'%s'\n", "x\xc2\x9b" "31m\xc2\x85y"));
	assert_string_equal(out, "'x\\u009b31m\\u0085y'\n");
	/* So is what shows as nothing or turns the line around: a
	   right-to-left mark pasted after a role made "unknown role 'cucm'"
	   beside a list of valid roles that holds cucm. */
	SAID(out, tprintf(err_, "'%s'\n", "cucm\xe2\x80\x8f" "a\xc2\xad" "b"
			  "\xe2\x80\xae" "c\xe2\x81\xa6" "d\xe2\x80\x8e"));
	assert_string_equal(out, "'cucm\\u200fa\\u00adb\\u202ec\\u2066d"
			    "\\u200e'\n");
	SAID(out, tprintf(err_, "no line end"));
	assert_string_equal(out, "no line end\n");
	SAID(out, tfile_error(err_, "h\033]0;x\a", "cannot open: %s",
			      "reason"));
	assert_string_equal(out, "h\\x1b]0;x\\x07: cannot open: reason\n");
	SAID(out, tline_error(err_, "a\nb", 0, S("x"), "why"));
	assert_string_equal(out, "a\\x0ab:0: why\n  x\n");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[700] = '\033';
	SAID(out, tprintf(err_, "impwatch: %s\n", big));
	snprintf(want, sizeof(want), "impwatch: %.700s\\x1b%s\n", big,
		 big + 701);
	assert_string_equal(out, want);
}

/* The one rule of what no output shows as itself: each range at both
   ends and just past them; the joiners, a no-break space and the
   ideographic space (a Japanese note's) are text. */
static void test_unsafe(void **state)
{
	static const uint32_t unsafe[] = {
		0x00, 0x09, 0x0a, 0x1f, 0x7f, 0x80, 0x85, 0x9f, 0x061c,
		0x200b, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e,
		0x2060, 0x2064, 0x2066, 0x2069, 0xfeff,
	};
	static const uint32_t text[] = {
		0x20, 0x7e, 0xa0, 0xa9, 0x061b, 0x061d, 0x200a, 0x200c,
		0x200d, 0x2027, 0x202f, 0x205f, 0x2070, 0x3000, 0xfefe,
		0xff01, 0x1f600,
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++)
		if (!text_unsafe(unsafe[i]))
			fail_msg("U+%04X is shown as itself", (unsigned)unsafe[i]);
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if (text_unsafe(text[i]))
			fail_msg("U+%04X is escaped", (unsigned)text[i]);
	/* A report's name: each as text_escape() shows it, tab kept. */
	SAID(out, text_put(err_, "a\xe2\x80\xae" "b\xe2\x80\xa8" "c\xc2\x85"
			   "d\x1b\t\xff\xe3\x80\x80" "e"));
	assert_string_equal(out, "a\\u202eb\\u2028c\\u0085d\\x1b\t\\xff"
			    "\xe3\x80\x80" "e");
	/* A code point read from one byte is that byte: ASCII is text. */
	assert_int_equal(utf8_cp((const unsigned char *)"C", 1), 'C');
	SAID(out, text_put(err_, NULL));
	assert_string_equal(out, "");
}

/* textfile_open_stream() of path: the stream (closed), or NULL with
   what it said in msg. */
static bool open_stream(const char *path, char *msg, size_t size)
{
	FILE *err = tmpfile(), *f;
	size_t n;

	assert_non_null(err);
	f = textfile_open_stream(path, err);
	rewind(err);
	n = fread(msg, 1, size - 1, err);
	msg[n] = '\0';
	fclose(err);
	if (f)
		fclose(f);
	return f != NULL;
}

/* Records are read from a file or a pipe; the rest is said in the
   loaders' words. */
static void test_open_stream(void **state)
{
	char dir[] = "/tmp/impwatch-test-XXXXXX", path[64], msg[256];
	int fd[2];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_false(open_stream(path, msg, sizeof(msg)));
	assert_non_null(strstr(msg, ": cannot open: No such file or "
			       "directory\n"));
	assert_false(open_stream(dir, msg, sizeof(msg)));
	assert_non_null(strstr(msg, ": not a regular file (a directory)\n"));
	assert_false(open_stream("/dev/null", msg, sizeof(msg)));
	assert_string_equal(msg, "/dev/null: not a regular file (a "
			    "character device)\n");
	snprintf(path, sizeof(path), "%s/records.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_true(open_stream(path, msg, sizeof(msg)));
	assert_string_equal(msg, "");
	unlink(path);
	rmdir(dir);
	/* A pipe: opened by its /proc name while its writer is open. */
	assert_int_equal(pipe(fd), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd[0]);
	assert_true(open_stream(path, msg, sizeof(msg)));
	close(fd[0]);
	close(fd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim_is),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_has),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_last_word),
		cmocka_unit_test(test_show_len),
		cmocka_unit_test(test_show_line_blanks),
		cmocka_unit_test(test_say_escapes),
		cmocka_unit_test(test_unsafe),
		cmocka_unit_test(test_open_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
