/*
 * runinfo.c: a run's name and provenance (runinfo.h).
 */
#include "runinfo.h"

#include <pcap/pcap.h>
#include <ndpi/ndpi_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "config.h"
#include "options.h"
#include "textfile.h"
#include "util.h"

/* The largest input file hashed again for the provenance: every file
   the engine accepts is far smaller. */
#define RUN_INPUT_MAX (256u << 20)

/* 128 random bits in hex; from the clock and the pid when the kernel has
   no randomness to give (a name, not a secret). */
static void new_run_id(char out[RUN_ID_LEN])
{
	uint8_t b[16];
	size_t i;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		uint64_t t = clock_wall_us(), p = (uint64_t)getpid();

		memcpy(b, &t, 8);
		memcpy(b + 8, &p, 8);
	}
	for (i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* The SHA-256 of the file at path, or "" when it cannot be read. */
static void file_sha256(const char *path, char hex[DIGEST_SHA256_HEX])
{
	char *buf = NULL;
	size_t len = 0;
	FILE *devnull = fopen("/dev/null", "w");

	hex[0] = '\0';
	if (textfile_read(path, RUN_INPUT_MAX, "an input", &buf, &len,
			  devnull ? devnull : stderr) == 0 &&
	    digest_sha256_hex(buf, len, hex) != 0)
		hex[0] = '\0';
	free(buf);
	if (devnull)
		fclose(devnull);
}

/* True when the shell needs arg quoted. */
static bool needs_quotes(const char *arg)
{
	if (!*arg)
		return true;
	for (; *arg; arg++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-+=./:,@%", *arg))
			return true;
	return false;
}

char *run_join_argv(int argc, char *const *argv)
{
	size_t n = 1, k = 0;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		n += 4 * strlen(argv[i]) + 3;
	s = malloc(n);
	if (!s)
		return NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (i)
			s[k++] = ' ';
		if (!needs_quotes(a)) {
			memcpy(s + k, a, strlen(a));
			k += strlen(a);
			continue;
		}
		s[k++] = '\'';
		for (; *a; a++) {
			if (*a == '\'') {
				memcpy(s + k, "'\\''", 4);
				k += 4;
			} else {
				s[k++] = *a;
			}
		}
		s[k++] = '\'';
	}
	s[k] = '\0';
	return s;
}

int run_info_init(struct run_info *ri, const struct options *o,
		  const char *command_line, FILE *err)
{
	size_t n = 0, i;

	memset(ri, 0, sizeof(*ri));
	ri->started_us = clock_wall_us();
	new_run_id(ri->run_id);
	if (o->sensor) {
		ri->sensor = o->sensor;
	} else {
		if (gethostname(ri->host, sizeof(ri->host) - 1) != 0)
			snprintf(ri->host, sizeof(ri->host), "unknown");
		ri->sensor = ri->host;
	}
	for (i = 0; i < o->n_iface; i++) {
		size_t used = strlen(ri->ifaces);

		snprintf(ri->ifaces + used, sizeof(ri->ifaces) - used, "%s%s",
			 i ? "," : "", o->iface[i]);
	}
	ri->interface = o->n_iface ? ri->ifaces : NULL;
	ri->community_id_seed = (uint16_t)o->lim.community_id_seed;
	ri->version = IMPWATCH_VERSION;
	ri->ndpi_version = ndpi_revision();
	ri->pcap_version = pcap_lib_version();
	if (o->rules)
		file_sha256(o->rules, ri->catalogue_sha256);
	else if (digest_sha256_hex(impwatch_embedded_rules,
				   impwatch_embedded_rules_len,
				   ri->catalogue_sha256) != 0)
		ri->catalogue_sha256[0] = '\0';
	ri->own_inputs = calloc(2 + o->n_rules_add, sizeof(*ri->own_inputs));
	if (!ri->own_inputs) {
		fprintf(err, "impwatch: out of memory\n");
		run_info_free(ri);
		return -1;
	}
	if (o->rules) {
		ri->own_inputs[n].kind = "rules";
		ri->own_inputs[n].path = o->rules;
		memcpy(ri->own_inputs[n++].sha256, ri->catalogue_sha256,
		       DIGEST_SHA256_HEX);
	}
	for (i = 0; i < o->n_rules_add; i++) {
		ri->own_inputs[n].kind = "rules-add";
		ri->own_inputs[n].path = o->rules_add[i];
		file_sha256(o->rules_add[i], ri->own_inputs[n++].sha256);
	}
	if (o->hosts) {
		ri->own_inputs[n].kind = "hosts";
		ri->own_inputs[n].path = o->hosts;
		file_sha256(o->hosts, ri->own_inputs[n++].sha256);
	}
	ri->inputs = ri->own_inputs;
	ri->n_inputs = n;
	ri->command_line = command_line;
	return 0;
}

void run_info_free(struct run_info *ri)
{
	free(ri->own_inputs);
	ri->own_inputs = NULL;
	ri->inputs = NULL;
	ri->command_line = NULL;
}
