/*
 * util.c: formatting helpers for reports (JSON, CSV, time, addresses).
 */
#include "util.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static int utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	int n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		/* A NUL ends the string: the sequence is cut short. */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', out);
	while (*p) {
		int n = utf8_seq(p);

		if (n == 0) {
			fputs("\\ufffd", out);
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, (size_t)n, out);
			p += n;
			continue;
		}
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
		p++;
	}
	fputc('"', out);
}

void csv_field(FILE *out, const char *s)
{
	const char *p;

	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

void fmt_time(uint64_t ts_us, char buf[TIME_STR_MAX])
{
	/* Records of one second share their date and time: it is formatted
	   once per second (gmtime_r and snprintf cost a microsecond), the
	   microseconds by hand. One thread writes reports. */
	static uint64_t cached_sec = UINT64_MAX;
	static char cached[TIME_STR_MAX];
	static size_t cached_len;
	uint64_t sec = ts_us / 1000000u;
	unsigned us = (unsigned)(ts_us % 1000000u);
	int i;

	if (sec != cached_sec) {
		time_t secs = (time_t)sec;
		struct tm tm;
		int n;

		if (!gmtime_r(&secs, &tm)) {
			snprintf(buf, TIME_STR_MAX, "invalid");
			return;
		}
		n = snprintf(cached, sizeof(cached), "%04d-%02d-%02dT%02d:%02d:%02d",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			     tm.tm_hour, tm.tm_min, tm.tm_sec);
		if (n < 0 || (size_t)n >= sizeof(cached) - 9) {
			snprintf(buf, TIME_STR_MAX, "invalid");
			return;
		}
		cached_len = (size_t)n;
		cached_sec = sec;
	}
	memcpy(buf, cached, cached_len);
	buf[cached_len] = '.';
	for (i = 6; i >= 1; i--) {
		buf[cached_len + (size_t)i] = (char)('0' + us % 10);
		us /= 10;
	}
	buf[cached_len + 7] = 'Z';
	buf[cached_len + 8] = '\0';
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void fmt_ip(const struct ip_addr *a, char buf[IP_STR_MAX])
{
	if (memcmp(a->b, v4mapped, sizeof(v4mapped)) == 0)
		inet_ntop(AF_INET, a->b + 12, buf, IP_STR_MAX);
	else
		inet_ntop(AF_INET6, a->b, buf, IP_STR_MAX);
}

int ip_is_loopback(const struct ip_addr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (memcmp(a->b, v4mapped, sizeof(v4mapped)) == 0)
		return a->b[12] == 127;
	return memcmp(a->b, v6lo, sizeof(v6lo)) == 0;
}

void fmt_bytes(uint64_t n, char buf[16])
{
	static const char *unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1000.0 && u < 4) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, 16, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, 16, "%.1f %s", v, unit[u]);
}
