/*
 * test_options.c: the table of options: every row is read as its kind
 * says, its range is checked at both ends with the one message, its
 * default lies in its range, and --help lists it with its default.
 */
#include <setjmp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <getopt.h>

#include <cmocka.h>

#include "options.h"

/* Parse argv (NULL-terminated, "impwatch" first) into *o, from the
   defaults; what went to standard error into err. Returns the status. */
static int parse(struct options *o, char *err, size_t errlen, ...)
{
	char *argv[8] = { "impwatch" };
	int argc = 1, saved, rc;
	FILE *tmp = tmpfile();
	size_t n;
	va_list ap;

	va_start(ap, errlen);
	while (argc < 7 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	assert_non_null(tmp);
	options_default(o);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	optind = 0;
	rc = options_parse(argc, argv, o);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(err, 1, errlen - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return rc;
}

static const void *at(const struct options *o, size_t off)
{
	return (const char *)o + off;
}

/* The value of a row of a numeric kind. */
static uint64_t uint_at(const struct options *o, const struct opt_row *r)
{
	if (r->kind == OPTK_U64)
		return *(const uint64_t *)at(o, r->off);
	return *(const uint32_t *)at(o, r->off);
}

/* A kind read as a whole number. */
static bool whole(const struct opt_row *r)
{
	return r->kind == OPTK_UINT || r->kind == OPTK_U64;
}

/* Whether a row of this kind takes an argument. */
static bool takes_arg(enum opt_kind k)
{
	return k != OPTK_FLAG && k != OPTK_ON && k != OPTK_OFF &&
	       k != OPTK_HELP && k != OPTK_VERSION;
}

/* Names are unique; each row says its argument when it takes one and
   has a text to list; defaults lie in the range. */
static void test_table(void **state)
{
	const struct opt_row *rows, *r;
	struct options d;
	size_t n, i, j;

	(void)state;
	rows = options_rows(&n);
	assert_true(n > 0);
	options_default(&d);
	for (i = 0; i < n; i++) {
		r = &rows[i];
		assert_true(r->name || r->chr);
		assert_non_null(r->hint);
		assert_int_equal(r->arg != NULL, takes_arg(r->kind));
		/* A row without text is listed with the next, which has one. */
		if (!r->help) {
			assert_true(i + 1 < n);
			assert_non_null(rows[i + 1].help);
			assert_int_equal(rows[i + 1].sect, r->sect);
		}
		for (j = i + 1; j < n; j++) {
			if (r->name && rows[j].name)
				assert_string_not_equal(r->name, rows[j].name);
			if (r->chr)
				assert_int_not_equal(r->chr, rows[j].chr);
		}
		assert_true(r->min <= r->max);
		switch (r->kind) {
		case OPTK_UINT:
		case OPTK_MILLI:
			assert_true(r->max <= UINT32_MAX);
			/* fall through */
		case OPTK_U64:
			/* 0 below the range: the option was not given. */
			if (uint_at(&d, r) != 0 || r->min == 0)
				assert_in_range(uint_at(&d, r), r->min, r->max);
			break;
		case OPTK_PORTS:
			assert_true(r->max <= UINT16_MAX);
			assert_in_range(*(const uint16_t *)at(&d, r->off), r->min,
					*(const uint16_t *)at(&d, r->off2));
			assert_in_range(*(const uint16_t *)at(&d, r->off2),
					*(const uint16_t *)at(&d, r->off), r->max);
			break;
		case OPTK_LIST:
			assert_true(r->max > 0);
			assert_int_equal(*(const size_t *)at(&d, r->off2), 0);
			break;
		default:
			break;
		}
	}
	assert_int_equal(d.alerts, -1);
	assert_int_equal(d.fmt, FMT_TEXT);
	assert_null(d.output);
	assert_false(d.validate);
}

/* The message every bad value gets: its name, and the row's hint. */
static void want_invalid(const struct opt_row *r, const char *val,
			 const char *err)
{
	char want[256];

	snprintf(want, sizeof(want), "impwatch: invalid value '%s' for --%s%s%s\n"
		 "Try 'impwatch --help'.\n", val, r->name, *r->hint ? " " : "",
		 r->hint);
	assert_string_equal(err, want);
}

/* Both ends of each range are taken, one past either end is refused. */
static void test_ranges(void **state)
{
	const struct opt_row *rows, *r;
	struct options o;
	char arg[96], val[48], err[512];
	size_t n, i;

	(void)state;
	rows = options_rows(&n);
	for (i = 0; i < n; i++) {
		r = &rows[i];
		if (!whole(r) || !r->name)
			continue;
		snprintf(arg, sizeof(arg), "--%s=%llu", r->name, r->min);
		assert_int_equal(parse(&o, err, sizeof(err), arg, NULL), -1);
		assert_string_equal(err, "");
		assert_int_equal(uint_at(&o, r), r->min);
		snprintf(arg, sizeof(arg), "--%s=%llu", r->name, r->max);
		assert_int_equal(parse(&o, err, sizeof(err), arg, NULL), -1);
		assert_int_equal(uint_at(&o, r), r->max);

		if (r->max == ULLONG_MAX)
			snprintf(val, sizeof(val), "18446744073709551616");
		else
			snprintf(val, sizeof(val), "%llu", r->max + 1);
		snprintf(arg, sizeof(arg), "--%s=%s", r->name, val);
		assert_int_equal(parse(&o, err, sizeof(err), arg, NULL), 2);
		want_invalid(r, val, err);
		if (r->min > 0) {
			snprintf(val, sizeof(val), "%llu", r->min - 1);
			snprintf(arg, sizeof(arg), "--%s=%s", r->name, val);
			assert_int_equal(parse(&o, err, sizeof(err), arg, NULL), 2);
			want_invalid(r, val, err);
		}
		snprintf(arg, sizeof(arg), "--%s=-1", r->name);
		assert_int_equal(parse(&o, err, sizeof(err), arg, NULL), 2);
		want_invalid(r, "-1", err);
		snprintf(arg, sizeof(arg), "--%s=1x", r->name);
		assert_int_equal(parse(&o, err, sizeof(err), arg, NULL), 2);
		want_invalid(r, "1x", err);
	}
}

/* A number refused says what would be taken: every whole-number row's
   hint, which ends the message, names its range ("MIN-MAX", "at most
   MAX", or "at least MIN" when there is no upper end). A value one past
   --report-every's end used to get "invalid value '86401' for
   --report-every" and no word of the limit, in --help or anywhere. */
static void test_hints_say_range(void **state)
{
	const struct opt_row *rows, *r;
	char range[96], most[64], least[64];
	size_t n, i;

	(void)state;
	rows = options_rows(&n);
	for (i = 0; i < n; i++) {
		r = &rows[i];
		if (!whole(r) || !r->name || r->sect == OPTS_HIDDEN)
			continue;
		snprintf(range, sizeof(range), "%llu-%llu", r->min, r->max);
		snprintf(most, sizeof(most), "at most %llu", r->max);
		snprintf(least, sizeof(least), "at least %llu", r->min);
		if (!strstr(r->hint, range) && !strstr(r->hint, most) &&
		    !(r->max == ULLONG_MAX && strstr(r->hint, least)))
			fail_msg("--%s: hint '%s' names no range (%s)", r->name,
				 r->hint, range);
	}
}

/* A port range: LO-HI within the range, LO <= HI. */
static void test_ports(void **state)
{
	struct options o;
	char err[512];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--ephemeral-ports",
			       "32768-60999", NULL), -1);
	assert_int_equal(o.lim.ephemeral_lo, 32768);
	assert_int_equal(o.lim.ephemeral_hi, 60999);
	assert_int_equal(parse(&o, err, sizeof(err), "--ephemeral-ports",
			       "5-5", NULL), -1);
	assert_int_equal(o.lim.ephemeral_lo, 5);
	assert_int_equal(o.lim.ephemeral_hi, 5);
	assert_int_equal(parse(&o, err, sizeof(err), "--ephemeral-ports",
			       "6-5", NULL), 2);
	assert_string_equal(err, "impwatch: invalid value '6-5' for "
			    "--ephemeral-ports (LO-HI, 1-65535)\n"
			    "Try 'impwatch --help'.\n");
	assert_int_equal(parse(&o, err, sizeof(err), "--ephemeral-ports",
			       "0-5", NULL), 2);
	assert_int_equal(parse(&o, err, sizeof(err), "--ephemeral-ports",
			       "1-65536", NULL), 2);
	assert_int_equal(parse(&o, err, sizeof(err), "--ephemeral-ports",
			       "1024", NULL), 2);
}

/* A percentage with up to three decimals, in thousandths. */
static void test_milli(void **state)
{
	static const struct { const char *arg; int rc; uint32_t v; } cases[] = {
		{ "0", -1, 0 }, { "0.1", -1, 100 }, { "0.001", -1, 1 },
		{ "99.999", -1, 99999 }, { "100", -1, 100000 },
		{ "100.0", -1, 100000 }, { "12.25", -1, 12250 },
		{ "100.001", 2, 0 }, { "101", 2, 0 }, { "0.0001", 2, 0 },
		{ "1.", 2, 0 }, { ".5", 2, 0 }, { "-1", 2, 0 }, { "", 2, 0 },
		{ "1,5", 2, 0 }, { "00100", 2, 0 },
	};
	struct options o;
	char arg[64], err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(arg, sizeof(arg), "--health-drops=%s", cases[i].arg);
		assert_int_equal(parse(&o, err, sizeof(err), arg, NULL), cases[i].rc);
		if (cases[i].rc < 0)
			assert_int_equal(o.health_drops, cases[i].v);
	}
	assert_int_equal(parse(&o, err, sizeof(err), "--health-drops", "0.5x",
			       NULL), 2);
	assert_string_equal(err, "impwatch: invalid value '0.5x' for "
			    "--health-drops (0-100, at most 3 decimals: 0.1, 0.125)\n"
			    "Try 'impwatch --help'.\n");
}

/* Lists take up to their count, then say how many they take. */
static void test_lists(void **state)
{
	struct options o;
	char *argv[80], err[512];
	int i, saved, rc;
	FILE *tmp;

	(void)state;
	options_default(&o);
	for (i = 0; i < 256; i++)
		assert_int_equal(options_input(&o, "x.pcap"), -1);
	assert_int_equal(o.n_inputs, 256);
	tmp = tmpfile();
	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	rc = options_input(&o, "one-more.pcap");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(rc, 2);
	rewind(tmp);
	err[fread(err, 1, sizeof(err) - 1, tmp)] = '\0';
	fclose(tmp);
	assert_string_equal(err, "impwatch: more than 256 input files\n");

	/* --rules-add: 32, in order. */
	argv[0] = "impwatch";
	for (i = 1; i <= 33; i++)
		argv[i] = i % 2 ? "--rules-add=a" : "--rules-add=b";
	argv[34] = NULL;
	options_default(&o);
	optind = 0;
	tmp = tmpfile();
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	rc = options_parse(33, argv, &o);
	assert_int_equal(rc, -1);
	assert_int_equal(o.n_rules_add, 32);
	assert_string_equal(o.rules_add[0], "a");
	assert_string_equal(o.rules_add[31], "b");
	options_default(&o);
	optind = 0;
	rc = options_parse(34, argv, &o);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(rc, 2);
	rewind(tmp);
	err[fread(err, 1, sizeof(err) - 1, tmp)] = '\0';
	fclose(tmp);
	assert_string_equal(err, "impwatch: more than 32 --rules-add files\n");
}

/* The kinds with a rule of their own. */
static void test_kinds(void **state)
{
	struct options o;
	char err[512];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "-w", "report.txt", NULL), -1);
	assert_string_equal(o.output, "report.txt");
	assert_int_equal(parse(&o, err, sizeof(err), "-w", "x.PcapNG", NULL), 2);
	assert_non_null(strstr(err, "-w writes the report, not packets: "
			       "'x.PcapNG' names a capture"));
	assert_null(o.output);
	assert_int_equal(parse(&o, err, sizeof(err), "--output", "a.pcap", NULL), -1);
	assert_string_equal(o.output, "a.pcap");

	assert_int_equal(parse(&o, err, sizeof(err), "--format", "json", NULL), -1);
	assert_int_equal(o.fmt, FMT_JSON);
	assert_int_equal(parse(&o, err, sizeof(err), "--format=csv", NULL), -1);
	assert_int_equal(o.fmt, FMT_CSV);
	assert_int_equal(parse(&o, err, sizeof(err), "--format", "ecs", NULL), -1);
	assert_int_equal(o.fmt, FMT_ECS);
	assert_int_equal(parse(&o, err, sizeof(err), "--format", "xml", NULL), 2);
	assert_string_equal(err, "impwatch: invalid value 'xml' for --format "
			    "(text, json, csv, ecs)\nTry 'impwatch --help'.\n");

	/* The last of --alerts and --no-alerts counts. */
	assert_int_equal(parse(&o, err, sizeof(err), "--alerts", NULL), -1);
	assert_int_equal(o.alerts, 1);
	assert_int_equal(parse(&o, err, sizeof(err), "--alerts", "--no-alerts",
			       NULL), -1);
	assert_int_equal(o.alerts, 0);
	assert_int_equal(parse(&o, err, sizeof(err), "--no-alerts", "--alerts",
			       NULL), -1);
	assert_int_equal(o.alerts, 1);

	assert_int_equal(parse(&o, err, sizeof(err), "-qi", "eth0", NULL), -1);
	assert_true(o.quiet);
	assert_int_equal(o.n_iface, 1);
	assert_string_equal(o.iface[0], "eth0");
	assert_int_equal(parse(&o, err, sizeof(err), "--interface=any", NULL), -1);
	assert_string_equal(o.iface[0], "any");
	/* A TAP's two directions: both interfaces, in order. */
	assert_int_equal(parse(&o, err, sizeof(err), "-i", "tap0", "-i", "tap1",
			       NULL), -1);
	assert_int_equal(o.n_iface, 2);
	assert_string_equal(o.iface[0], "tap0");
	assert_string_equal(o.iface[1], "tap1");
	assert_int_equal(parse(&o, err, sizeof(err), "--check", "r.conf",
			       "--no-dpi", "--validate", NULL), -1);
	assert_string_equal(o.check, "r.conf");
	assert_true(o.no_dpi);
	assert_true(o.validate);

	/* An option nobody defined, and one without its argument. */
	assert_int_equal(parse(&o, err, sizeof(err), "--bogus", NULL), 2);
	assert_non_null(strstr(err, "Try 'impwatch --help'.\n"));
	assert_int_equal(parse(&o, err, sizeof(err), "-r", NULL), 2);
	assert_int_equal(o.n_inputs, 0);
}

/* Every row but the hidden ones is in --help, its default said, its
   lines aligned. */
static void test_help(void **state)
{
	const struct opt_row *rows;
	char *buf = NULL, name[64];
	size_t len = 0, n, i;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(out);
	options_usage(out);
	fclose(out);
	rows = options_rows(&n);
	for (i = 0; i < n; i++) {
		if (rows[i].name)
			snprintf(name, sizeof(name), "--%s", rows[i].name);
		else
			snprintf(name, sizeof(name), "\n  -%c %s", rows[i].chr,
				 rows[i].arg);
		if (rows[i].sect != OPTS_HIDDEN) {
			assert_non_null(strstr(buf, name));
			continue;
		}
		/* A hidden row is no line of its own. */
		snprintf(name, sizeof(name), "\n  --%s", rows[i].name);
		assert_null(strstr(buf, name));
	}
	assert_null(strchr(buf, '{'));
	assert_non_null(strstr(buf, "\nInput and output:\n  -r FILE       "
			       "       read a pcap"));
	assert_non_null(strstr(buf, "\n  --max-flows N        flows tracked at "
			       "once (default 1000000); beyond it the\n"
			       "                       least recently seen"));
	assert_non_null(strstr(buf, "(default 1024-65535)"));
	assert_non_null(strstr(buf, "(default 12, at most 1000)"));
	assert_non_null(strstr(buf, "decimals, 0.125; default 0: any drop)"));
	assert_non_null(strstr(buf, "\n  --alerts, --no-alerts  an alert record"));
	assert_non_null(strstr(buf, "\n  -f, --filter BPF     only packets"));
	assert_non_null(strstr(buf, "\n  --dump-undocumented FILE  write the"));
	assert_non_null(strstr(buf, "undocumented flows keep their verdict and "
			       "carry the app.\n\n  -h, --help           this "
			       "help\n"));
	assert_non_null(strstr(buf, "\nExit status:\n"));
	free(buf);
}

/* The options a command does not take are found and named, each kind
   of row; those it takes, and options left at their defaults, are not. */
static void test_other(void **state)
{
	static const char *const keep[] = { "format", "rules", NULL };
	struct options o;
	char err[512], name[64];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--format", "json",
			       "--rules", "a.conf", NULL), -1);
	assert_null(options_other(&o, keep, name));
	assert_int_equal(parse(&o, err, sizeof(err), "--top", "20", NULL), -1);
	assert_null(options_other(&o, keep, name));
	assert_int_equal(parse(&o, err, sizeof(err), "-o", "x.txt", NULL), -1);
	assert_string_equal(options_other(&o, keep, name), "--output (-o)");
	assert_int_equal(parse(&o, err, sizeof(err), "-r", "x.pcap", NULL), -1);
	assert_string_equal(options_other(&o, keep, name), "-r");
	assert_int_equal(parse(&o, err, sizeof(err), "--no-alerts", NULL), -1);
	assert_string_equal(options_other(&o, keep, name), "--no-alerts");
	assert_int_equal(parse(&o, err, sizeof(err), "--alerts", NULL), -1);
	assert_string_equal(options_other(&o, keep, name), "--alerts");
	assert_int_equal(parse(&o, err, sizeof(err), "--ephemeral-ports",
			       "1024-60999", NULL), -1);
	assert_string_equal(options_other(&o, keep, name), "--ephemeral-ports");
	assert_int_equal(parse(&o, err, sizeof(err), "--health-drops", "0.1",
			       NULL), -1);
	assert_string_equal(options_other(&o, keep, name), "--health-drops");
	assert_int_equal(parse(&o, err, sizeof(err), "--count", "5", NULL), -1);
	assert_string_equal(options_other(&o, keep, name), "--count");
	assert_int_equal(parse(&o, err, sizeof(err), "--rules-add", "b.conf",
			       NULL), -1);
	assert_string_equal(options_other(&o, keep, name), "--rules-add");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_hints_say_range),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_milli),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
