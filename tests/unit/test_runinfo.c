/*
 * test_runinfo.c: a run's provenance names the bytes the run applied.
 *
 * Configuration management renames a new version of a file into place
 * at any moment: the SHA-256 a report gives must be that of the text
 * the engine parsed, not of whatever the path holds when the report is
 * made.
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

#include "digest.h"
#include "engine.h"
#include "options.h"
#include "runinfo.h"
#include "waiver.h"

/* What the engine is given, then what replaces it on disk. */
static const char rules_v1[] =
	"2 | sip-proxy | sip-gateway <-> imp | SIP | tcp,udp | 5060 | "
	"ephemeral | wire | SIP | SIP proxy listener\n";
static const char rules_v2[] =
	"2 | sip-proxy | sip-gateway <-> imp | SIP | tcp,udp | 5070 | "
	"ephemeral | wire | SIP | SIP proxy listener, moved\n";
static const char add_v1[] =
	"23 | ext-db-postgresql | imp -> postgresql-db | TCP | tcp | 5432 | "
	"ephemeral | wire | PostgreSQL | External PostgreSQL\n";
static const char add_v2[] =
	"23 | ext-db-postgresql | imp -> postgresql-db | TCP | tcp | 15432 | "
	"ephemeral | wire | PostgreSQL | External PostgreSQL\n";
static const char hosts_v1[] = "imp-publisher 192.0.2.10 pub\n";
static const char hosts_v2[] = "imp-publisher 192.0.2.11 pub\n";
static const char waivers_v1[] = "tcp/5060 | 2999-12-31 | CHG-1\n";
static const char waivers_v2[] = "tcp/5070 | 2999-12-31 | CHG-2\n";

/* A new temporary file holding text; its name in path. */
static void temp_with(char path[64], const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, 64, "/tmp/impwatch-runinfo-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Replace path's content with text, as a rename into place would. */
static void replace_with(const char *path, const char *text)
{
	char tmp[80];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

/* The input of kind in ri; fails the test when there is none. */
static const struct run_input *input_of(const struct run_info *ri,
					const char *kind)
{
	size_t i;

	for (i = 0; i < ri->n_inputs; i++)
		if (strcmp(ri->inputs[i].kind, kind) == 0)
			return &ri->inputs[i];
	fail_msg("no input of kind %s", kind);
	return NULL;
}

/* The SHA-256 of text, in hex. */
static void sha_of(const char *text, char hex[DIGEST_SHA256_HEX])
{
	assert_int_equal(digest_sha256_hex(text, strlen(text), hex), 0);
}

/* Each file is replaced after the engine (and the waivers) read it and
   before the run's provenance is made: the provenance still gives the
   SHA-256 of the text that was parsed and applied. */
static void test_hash_of_what_was_parsed(void **state)
{
	char rules[64], add[64], hosts[64], waivers[64];
	char want[DIGEST_SHA256_HEX];
	const char *adds[1];
	struct options o;
	struct engine_cfg cfg;
	struct engine e;
	struct dpi *dpi = NULL;
	struct waivers *w;
	struct run_info ri;

	(void)state;
	temp_with(rules, rules_v1);
	temp_with(add, add_v1);
	temp_with(hosts, hosts_v1);
	temp_with(waivers, waivers_v1);
	options_default(&o);
	o.no_dpi = true;
	o.rules = rules;
	o.rules_add[0] = add;
	o.n_rules_add = 1;
	o.hosts = hosts;
	o.waivers = waivers;
	adds[0] = add;
	memset(&cfg, 0, sizeof(cfg));
	cfg.lim = &o.lim;
	cfg.rules = rules;
	cfg.rules_add = adds;
	cfg.n_rules_add = 1;
	cfg.hosts = hosts;
	assert_int_equal(engine_open(&e, &cfg, &dpi, stderr), 0);
	w = waivers_load(waivers, e.cat, e.hosts, 0, stderr);
	assert_non_null(w);

	replace_with(rules, rules_v2);
	replace_with(add, add_v2);
	replace_with(hosts, hosts_v2);
	replace_with(waivers, waivers_v2);
	assert_int_equal(run_info_init(&ri, &o, &e, w, "impwatch", stderr), 0);

	sha_of(rules_v1, want);
	assert_string_equal(ri.catalogue_sha256, want);
	assert_string_equal(input_of(&ri, "rules")->sha256, want);
	assert_string_equal(input_of(&ri, "rules")->path, rules);
	sha_of(add_v1, want);
	assert_string_equal(input_of(&ri, "rules-add")->sha256, want);
	assert_string_equal(input_of(&ri, "rules-add")->path, add);
	sha_of(hosts_v1, want);
	assert_string_equal(input_of(&ri, "hosts")->sha256, want);
	assert_string_equal(input_of(&ri, "hosts")->path, hosts);
	sha_of(waivers_v1, want);
	assert_string_equal(input_of(&ri, "waivers")->sha256, want);
	assert_string_equal(input_of(&ri, "waivers")->path, waivers);

	run_info_free(&ri);
	waivers_free(w);
	engine_close(&e);
	unlink(rules);
	unlink(add);
	unlink(hosts);
	unlink(waivers);
}

/* In the order a report lists them: rules, each rules-add, hosts,
   waivers; without --rules, no "rules" input, and the catalogue's
   SHA-256 is the built-in one's. */
static void test_inputs_in_order(void **state)
{
	char add[64], waivers[64];
	char want[DIGEST_SHA256_HEX];
	const char *adds[1];
	struct options o;
	struct engine_cfg cfg;
	struct engine e;
	struct dpi *dpi = NULL;
	struct waivers *w;
	struct run_info ri;

	(void)state;
	temp_with(add, add_v1);
	temp_with(waivers, waivers_v1);
	options_default(&o);
	o.no_dpi = true;
	o.rules_add[0] = add;
	o.n_rules_add = 1;
	o.waivers = waivers;
	adds[0] = add;
	memset(&cfg, 0, sizeof(cfg));
	cfg.lim = &o.lim;
	cfg.rules_add = adds;
	cfg.n_rules_add = 1;
	assert_int_equal(engine_open(&e, &cfg, &dpi, stderr), 0);
	w = waivers_load(waivers, e.cat, e.hosts, 0, stderr);
	assert_non_null(w);
	assert_int_equal(run_info_init(&ri, &o, &e, w, "impwatch", stderr), 0);

	assert_int_equal(ri.n_inputs, 2);
	assert_string_equal(ri.inputs[0].kind, "rules-add");
	assert_string_equal(ri.inputs[1].kind, "waivers");
	assert_int_equal(digest_sha256_hex(impwatch_embedded_rules,
					   impwatch_embedded_rules_len, want), 0);
	assert_string_equal(ri.catalogue_sha256, want);

	run_info_free(&ri);
	waivers_free(w);
	engine_close(&e);
	unlink(add);
	unlink(waivers);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_of_what_was_parsed),
		cmocka_unit_test(test_inputs_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
