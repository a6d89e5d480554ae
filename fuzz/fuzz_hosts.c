/*
 * fuzz_hosts.c: libFuzzer target for the site inventory loader (--hosts).
 *
 * The input is inventory text, parsed with hosts_parse(). When it loads,
 * the address of each line, and its neighbours, are looked up (so that
 * lookups hit), then the input's first bytes as IPv4 and IPv6 addresses,
 * and the roles of each answer are printed as the report would.
 *
 * Checks, besides no crash: a failed load returns nothing and says why, a
 * good one says nothing; a lookup's prefix is at most 128 and a match
 * names roles.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_hosts: invariant broken: %s\n", what);
	abort();
}

static void probe(const struct hosts *h, const struct ip_addr *a)
{
	struct host_info hi = hosts_lookup(h, a);
	char roles[1024];

	if (hi.prefix > 128)
		broken("a prefix longer than 128");
	if (!hi.name)
		broken("a lookup without a name string");
	hosts_roles_str(hi.roles, roles, sizeof roles);
	if (hi.roles && roles[0] == '\0')
		broken("roles that print as nothing");
}

/* The second word of each of the first lines, less any /prefix, as an
   address: looked up as written and with its last byte one off. */
static void probe_lines(const struct hosts *h, const char *s, size_t n)
{
	const char *end = s + n;
	int lines;

	for (lines = 0; s < end && lines < 64; lines++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *w;
		char word[64];
		size_t k = 0;
		struct ip_addr a;
		uint8_t v4[4];

		w = s;
		while (w < le && *w != ' ' && *w != '\t')
			w++;
		while (w < le && (*w == ' ' || *w == '\t'))
			w++;
		while (w < le && *w != ' ' && *w != '\t' && *w != '/' &&
		       *w != '\r' && k < sizeof word - 1)
			word[k++] = *w++;
		word[k] = '\0';
		s = nl ? nl + 1 : end;
		memset(&a, 0, sizeof a);
		if (inet_pton(AF_INET, word, v4) == 1) {
			a.b[10] = a.b[11] = 0xff;
			memcpy(a.b + 12, v4, 4);
		} else if (inet_pton(AF_INET6, word, a.b) != 1) {
			continue;
		}
		probe(h, &a);
		a.b[15]++;
		probe(h, &a);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[512];
	FILE *err = fmemopen(msg, sizeof msg, "w");
	struct hosts *h;
	struct ip_addr a;
	size_t i;
	long said;

	if (!err)
		abort();
	h = hosts_parse("site.hosts", (const char *)data, size, err);
	said = ftell(err);
	fclose(err);
	if (!h && said <= 0)
		broken("a failed load said nothing");
	if (h && said > 0)
		broken("a good load printed an error");
	if (!h)
		return 0;

	probe_lines(h, (const char *)data, size);
	/* Every 16 bytes of the input as an IPv6 address and every 4 as an
	   IPv4 one (::ffff:a.b.c.d), from the start. */
	for (i = 0; i + 16 <= size && i < 256; i += 16) {
		memcpy(a.b, data + i, 16);
		probe(h, &a);
	}
	for (i = 0; i + 4 <= size && i < 64; i += 4) {
		memset(a.b, 0, 10);
		a.b[10] = a.b[11] = 0xff;
		memcpy(a.b + 12, data + i, 4);
		probe(h, &a);
	}
	memset(&a, 0, sizeof a);
	probe(h, &a);
	memset(&a, 0xff, sizeof a);
	probe(h, &a);
	if (hosts_count(h) == 0)
		broken("an inventory of no hosts loaded");
	hosts_free(h);
	return 0;
}
