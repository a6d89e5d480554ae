/*
 * community_id.c: the Community ID v1 flow hash (the definition is in
 * community_id.h). SHA-1 comes from libgcrypt through digest.h.
 */
#include "community_id.h"

#include <stdbool.h>
#include <string.h>

#include "digest.h"

/*
 * The reply type of an ICMP message type that has one, as Zeek's
 * ICMP4_counterpart() pairs them (and the specification takes from it):
 * echo 8/0 (RFC 792), router advertisement and solicitation 9/10 (RFC
 * 1256), timestamp 13/14 and information 15/16 (RFC 792), address mask
 * 17/18 (RFC 950). -1 for a one-way type.
 */
static int icmp4_counterpart(uint8_t type)
{
	switch (type) {
	case 8: return 0;
	case 0: return 8;
	case 13: return 14;
	case 14: return 13;
	case 15: return 16;
	case 16: return 15;
	case 10: return 9;
	case 9: return 10;
	case 17: return 18;
	case 18: return 17;
	default: return -1;
	}
}

/*
 * The same for ICMPv6 (Zeek's ICMP6_counterpart()): echo 128/129 (RFC
 * 4443), multicast listener query and report 130/131 (RFC 2710), router
 * solicitation and advertisement 133/134 and neighbour solicitation and
 * advertisement 135/136 (RFC 4861), node information query and reply
 * 139/140 (RFC 4620), home agent address discovery 144/145 (RFC 6275).
 */
static int icmp6_counterpart(uint8_t type)
{
	switch (type) {
	case 128: return 129;
	case 129: return 128;
	case 133: return 134;
	case 134: return 133;
	case 135: return 136;
	case 136: return 135;
	case 130: return 131;
	case 131: return 130;
	case 139: return 140;
	case 140: return 139;
	case 144: return 145;
	case 145: return 144;
	default: return -1;
	}
}

/* RFC 4648 section 4 base64, padded, of len bytes into out (4 *
   ceil(len / 3) characters and a NUL). */
static void base64(const uint8_t *in, size_t len, char *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		*out++ = abc[v >> 18];
		*out++ = abc[(v >> 12) & 63];
		*out++ = abc[(v >> 6) & 63];
		*out++ = abc[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		*out++ = abc[v >> 18];
		*out++ = abc[(v >> 12) & 63];
		*out++ = i + 1 < len ? abc[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

int community_id(uint16_t seed, uint8_t family, uint8_t proto,
		 const struct ip_addr *src, const struct ip_addr *dst,
		 uint16_t sport, uint16_t dport, char out[COMMUNITY_ID_LEN])
{
	/* seed, two IPv6 addresses, protocol, pad, two ports: 40 bytes. */
	uint8_t buf[2 + 16 + 16 + 1 + 1 + 2 + 2], d[DIGEST_SHA1_LEN];
	size_t alen, off = 12, n = 0;
	bool ports = true, one_way = false, swap;
	int c, cmp;

	out[0] = '\0';
	if (family == 6)
		off = 0;
	else if (family != 4)
		return -1;
	alen = 16 - off;

	switch (proto) {
	case IPPROTO_NUM_TCP:
	case IPPROTO_NUM_UDP:
	case IPPROTO_NUM_SCTP:
		break;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		/* sport and dport came in as type and code. */
		c = proto == IPPROTO_NUM_ICMP ? icmp4_counterpart((uint8_t)sport) :
						icmp6_counterpart((uint8_t)sport);
		if (c >= 0)
			dport = (uint16_t)c;
		else
			one_way = true;
		break;
	default:
		ports = false;
		sport = dport = 0;
		break;
	}

	/* The smaller (address, port) end first; a one-way message keeps
	   its direction. */
	cmp = memcmp(src->b + off, dst->b + off, alen);
	swap = !one_way && (cmp > 0 || (cmp == 0 && sport > dport));
	if (swap) {
		const struct ip_addr *t = src;
		uint16_t tp = sport;

		src = dst;
		dst = t;
		sport = dport;
		dport = tp;
	}

	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	/* Copies of a length the compiler sees: a few moves, no call. */
	if (family == 4) {
		memcpy(buf + n, src->b + 12, 4);
		memcpy(buf + n + 4, dst->b + 12, 4);
	} else {
		memcpy(buf + n, src->b, 16);
		memcpy(buf + n + 16, dst->b, 16);
	}
	n += 2 * alen;
	buf[n++] = proto;
	buf[n++] = 0;
	if (ports) {
		buf[n++] = (uint8_t)(sport >> 8);
		buf[n++] = (uint8_t)sport;
		buf[n++] = (uint8_t)(dport >> 8);
		buf[n++] = (uint8_t)dport;
	}
	if (digest_sha1(buf, n, d) != 0)
		return -1;
	out[0] = '1';
	out[1] = ':';
	base64(d, sizeof d, out + 2);
	return 0;
}

int community_id_flow(const struct flow *f, uint16_t seed,
		      char out[COMMUNITY_ID_LEN])
{
	const struct flow_key *k = &f->key;
	const struct ip_addr *src = &k->a, *dst = &k->b;
	uint16_t sport = k->pa, dport = k->pb;

	out[0] = '\0';
	if (k->proto == IPPROTO_NUM_SCTP)
		return -1;
	if (f->first_from_b) {
		src = &k->b;
		dst = &k->a;
		sport = k->pb;
		dport = k->pa;
	}
	if (k->proto == IPPROTO_NUM_ICMP || k->proto == IPPROTO_NUM_ICMPV6) {
		sport = f->icmp_type;
		dport = f->icmp_code;
	}
	return community_id(seed, k->family, k->proto, src, dst, sport, dport,
			    out);
}
