/*
 * fuzz_waivers.c: libFuzzer target for the waiver file loader (--waivers).
 *
 * The input is waiver text, parsed with waivers_parse() against the
 * built-in catalogue and a small inventory, as of a fixed day. When it
 * loads, each waiver is applied to finding records built from the
 * input's first bytes (ports, addresses, findings), and the summary is
 * printed as the writers would.
 *
 * Checks, besides no crash: a failed load returns nothing and says why, a
 * good one says nothing; a waived record names a waiver in force; an
 * expired waiver never is the one a record names; no record that is no
 * finding is matched; no waiver counts more records than were applied.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "hosts.h"
#include "verdict.h"
#include "waiver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TODAY 20605   /* 2026-06-01 */

static struct catalogue *cat;
static struct hosts *inv;

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_waivers: invariant broken: %s\n", what);
	abort();
}

static void setup(void)
{
	static const char text[] = "cucm 192.0.2.1\nimp-publisher 192.0.2.10\n"
				   "directory 198.51.100.0/24\n";

	if (cat)
		return;
	cat = catalogue_new();
	if (!cat || catalogue_load_embedded(cat, stderr) != 0 ||
	    catalogue_build(cat, stderr) != 0)
		abort();
	inv = hosts_parse("site.hosts", text, sizeof(text) - 1, stderr);
	if (!inv)
		abort();
}

/* A finding record from 8 bytes: protocol, how its direction was
   decided and whether its server sent first, IP version (an IPv6
   header's ::ffff:a.b.c.d is no inventory host), ports, last address
   bytes, findings. */
static void record_of(const uint8_t *b, struct flow_record *r)
{
	static const uint8_t protos[] = { 6, 17, 1, 58 };

	memset(r, 0, sizeof(*r));
	r->key.proto = protos[b[0] & 3];
	r->basis = (uint8_t)((b[0] >> 2) & 3);   /* syn to lower-port */
	r->server_first = (b[0] >> 4) & 1;
	r->key.family = (b[0] >> 5) & 1 ? 6 : 4;
	r->key.a.b[10] = r->key.a.b[11] = 0xff;
	r->key.b.b[10] = r->key.b.b[11] = 0xff;
	r->key.a.b[12] = 192;
	r->key.a.b[14] = 2;
	r->key.a.b[15] = b[1];
	r->key.b.b[12] = 192;
	r->key.b.b[14] = 2;
	r->key.b.b[15] = b[2];
	r->key.pa = (uint16_t)(b[3] << 8 | b[4]);
	r->key.pb = (uint16_t)(b[5] << 8 | b[6]);
	r->server_is_b = b[0] >> 7;
	r->findings = b[7] & (uint8_t)~(1u << V_DOCUMENTED);
	r->findings &= (uint8_t)~(1u << V_TRUSTED_TUNNEL);
	r->verdict = (uint8_t)verdict_of_findings(r->findings, V_DOCUMENTED);
	r->client_host = hosts_lookup_ip(inv, r->server_is_b ? &r->key.a :
					 &r->key.b, r->key.family);
	r->server_host = hosts_lookup_ip(inv, r->server_is_b ? &r->key.b :
					 &r->key.a, r->key.family);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[512];
	FILE *err, *out;
	struct waivers *w;
	struct flow_record r;
	size_t i, n;
	long said;

	setup();
	err = fmemopen(msg, sizeof msg, "w");
	if (!err)
		abort();
	w = waivers_parse("t.waivers", (const char *)data, size, cat,
			  (size && data[0] & 1) ? inv : NULL, TODAY, err);
	said = ftell(err);
	fclose(err);
	if (!w && said <= 0)
		broken("a failed load said nothing");
	if (w && said > 0)
		broken("a good load printed an error");
	if (!w)
		return 0;
	n = waivers_count(w);
	for (i = 0; i + 8 <= size && i < 8 * 64; i += 8) {
		record_of(data + i, &r);
		waivers_apply(w, cat, &r, true);
		if (r.waived && !r.waiver)
			broken("waived with no waiver");
		if (r.waiver && waiver_expired(w, r.waiver))
			broken("an expired waiver named");
		if (!verdict_is_finding((enum verdict)r.verdict) && r.waiver)
			broken("a record that is no finding was matched");
	}
	for (i = 0; i < n; i++)
		if (waivers_get(w, i)->flows > size / 8)
			broken("a waiver counted more records than were applied");
	out = fopen("/dev/null", "w");
	if (out) {
		waivers_text_summary(out, w, 1);
		fclose(out);
	}
	waivers_free(w);
	return 0;
}
