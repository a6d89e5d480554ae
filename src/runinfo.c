/*
 * runinfo.c: a run's name and provenance (runinfo.h).
 */
#include "runinfo.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <ndpi/ndpi_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "config.h"
#include "engine.h"
#include "options.h"
#include "textfile.h"
#include "util.h"
#include "waiver.h"

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

/* One input of ri, its SHA-256 the one its loader took of the bytes it
   parsed. */
static void add_input(struct run_info *ri, const char *kind,
		      const char *path, const char *sha256)
{
	struct run_input *in = &ri->own_inputs[ri->n_inputs++];

	in->kind = kind;
	in->path = path;
	snprintf(in->sha256, sizeof(in->sha256), "%s", sha256);
}

int run_info_init(struct run_info *ri, const struct options *o,
		  const struct engine *e, const struct waivers *waivers,
		  const char *command_line, FILE *err)
{
	size_t n_src = catalogue_source_count(e->cat), i;

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
	ri->own_inputs = calloc(n_src + 2, sizeof(*ri->own_inputs));
	if (!ri->own_inputs) {
		fprintf(err, "impwatch: out of memory\n");
		run_info_free(ri);
		return -1;
	}
	/* The catalogue's sources in load order: the built-in one or
	   --rules first (the catalogue's own SHA-256), then each
	   --rules-add. */
	for (i = 0; i < n_src; i++) {
		const struct cat_source *src = catalogue_source(e->cat, i);

		if (i == 0)
			memcpy(ri->catalogue_sha256, src->sha256,
			       DIGEST_SHA256_HEX);
		if (!src->embedded)
			add_input(ri, src->override ? "rules-add" : "rules",
				  src->name, src->sha256);
	}
	if (e->hosts)
		add_input(ri, "hosts", o->hosts, hosts_sha256(e->hosts));
	if (waivers)
		add_input(ri, "waivers", o->waivers, waivers_sha256(waivers));
	ri->inputs = ri->own_inputs;
	ri->command_line = command_line;
	return 0;
}

int run_input_changed(const struct run_input *in)
{
	char hex[DIGEST_SHA256_HEX], *buf;
	size_t len;
	int changed;

	if (access(in->path, R_OK) != 0 && (errno == EACCES || errno == EPERM))
		return -1;
	/* The largest any loader takes (a catalogue's): a file grown past
	   its own loader's bound has changed all the same. */
	if (textfile_read(in->path, RUN_INPUT_MAX, "an input", &buf, &len,
			  NULL) != 0)
		return 1;
	changed = digest_sha256_hex(buf, len, hex) != 0 ||
		  strcmp(hex, in->sha256) != 0;
	free(buf);
	return changed;
}

void run_info_free(struct run_info *ri)
{
	free(ri->own_inputs);
	ri->own_inputs = NULL;
	ri->inputs = NULL;
	ri->command_line = NULL;
}
