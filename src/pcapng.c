/*
 * pcapng.c: a pcapng file's record of its own losses, read from the
 * blocks libpcap skips (pcapng.h says why).
 */
#include "pcapng.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cursor.h"

/* draft-ietf-opsawg-pcapng: block types (10.1) and the options that
   count losses, each a 64-bit count in the section's byte order. */
#define PNG_SHB            0x0A0D0D0Au   /* Section Header Block, 4.1 */
#define PNG_ISB            5u            /* Interface Statistics, 4.6 */
#define PNG_EPB            6u            /* Enhanced Packet Block, 4.3 */
#define PNG_BLOCK_MIN      12u           /* type, length, length: 3.1 */
#define PNG_EPB_FIXED      28u           /* to the packet's data, 4.3 */
#define PNG_ISB_FIXED      20u           /* to the options, 4.6 */
#define PNG_OPT_END        0u            /* opt_endofopt, 3.5 */
#define PNG_EPB_DROPCOUNT  4u            /* epb_dropcount, 4.3.1 */
#define PNG_ISB_IFDROP     5u            /* isb_ifdrop, 4.6 */
#define PNG_ISB_OSDROP     7u            /* isb_osdrop, 4.6 */

/* One interface of one section: its latest statistics (cumulative: the
   latest block holds every loss before it) and its packets' drop counts
   (each since the packet before: added up). */
struct iface_drops {
	uint32_t section, id;
	uint64_t ifdrop, osdrop, between;
	bool merged;            /* the last slot, full: the interfaces past
	                           the table, each count their largest */
};

struct pcapng_drops {
	struct iface_drops ifc[PCAPNG_DROP_IFACES];
	size_t n;               /* slots in use */
	uint32_t section;       /* sections begun after the first */
	bool be;                /* the file's words are big-endian */
	uint64_t isbs, malformed;
	uint8_t buf[PCAPNG_SPAN_READ];   /* last: not cleared per file */
};

struct pcapng_drops *pcapng_drops_new(void)
{
	return calloc(1, sizeof(struct pcapng_drops));
}

void pcapng_drops_free(struct pcapng_drops *d)
{
	free(d);
}

void pcapng_drops_start(struct pcapng_drops *d, bool be)
{
	memset(d, 0, offsetof(struct pcapng_drops, buf));
	d->be = be;
}

long pcapng_packet_span(uint32_t caplen)
{
	/* An Enhanced (or the old Packet) Block with no option: 32 bytes
	   and the data padded to 32 bits. A Simple Packet Block is 16
	   bytes less, too little beside it for a statistics block with a
	   count (36 bytes at least) or a packet's options. */
	return 32 + (long)(((uint64_t)caplen + 3) & ~(uint64_t)3);
}

/* Words in the file's byte order, through the cursor. */
static bool get16(struct cursor *c, bool be, uint16_t *v)
{
	return be ? cur_be16(c, v) : cur_le16(c, v);
}

static bool get32(struct cursor *c, bool be, uint32_t *v)
{
	return be ? cur_be32(c, v) : cur_le32(c, v);
}

/* An option's 64-bit count: exactly 8 bytes, or none. */
static bool get_count(struct cursor *val, bool be, uint64_t *v)
{
	uint32_t a, b;

	if (cur_left(val) != 8 || !get32(val, be, &a) || !get32(val, be, &b))
		return false;
	*v = be ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	return true;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Bytes [from, end) of the file, read a window at a time: the first
   window is the whole span when it fits (a packet and the statistics
   before it, in one pread()), and a block outside the window read last
   starts the next, so that many small blocks cost one read per window,
   not one each. */
struct span {
	int fd;
	long from, end;
	uint8_t *buf;           /* PCAPNG_SPAN_READ bytes, or hdr */
	size_t cap;
	long wat;               /* the window: [wat, wat + wlen) */
	size_t wlen;
	uint8_t hdr[8];         /* no memory for more: headers only */
};

/* A cursor on n bytes of the file at at, all inside the span, valid
   until the next call; false when they cannot be read (or are more than
   a window holds). */
static bool span_get(struct span *sp, long at, size_t n, struct cursor *c)
{
	size_t want;

	if (at < sp->from || at > sp->end || n > (size_t)(sp->end - at) ||
	    n > sp->cap)
		return false;
	if (at < sp->wat || at - sp->wat > (long)sp->wlen ||
	    n > sp->wlen - (size_t)(at - sp->wat)) {
		want = (size_t)(sp->end - at) < sp->cap ?
		       (size_t)(sp->end - at) : sp->cap;
		sp->wlen = 0;
		if (pread(sp->fd, sp->buf, want, at) != (ssize_t)want)
			return false;
		sp->wat = at;
		sp->wlen = want;
	}
	cur_init(c, sp->buf + (at - sp->wat), n);
	return true;
}

/*
 * The next option of a block's options at c (3.5): code, length, and a
 * value padded to 32 bits. 1 with the value in *val; 0 at opt_endofopt
 * or the options' end; -1 when an option is cut or runs past the block
 * (the rest is not read).
 */
static int option_next(struct cursor *c, bool be, uint16_t *code,
		       struct cursor *val)
{
	uint16_t len;

	if (cur_left(c) == 0)
		return 0;
	if (!get16(c, be, code) || !get16(c, be, &len))
		return -1;
	if (*code == PNG_OPT_END)
		return 0;
	if (!cur_sub(c, len, val))
		return -1;
	/* The last option's padding may be left out: nothing follows. */
	if (!cur_skip(c, (4u - len % 4u) % 4u))
		(void)cur_skip(c, cur_left(c));
	return 1;
}

/* The slot of interface id of the current section; past the table,
   the last slot, merged. */
static struct iface_drops *iface_of(struct pcapng_drops *d, uint32_t id)
{
	struct iface_drops *f;
	size_t i;

	for (i = 0; i < d->n; i++) {
		f = &d->ifc[i];
		if (!f->merged && f->section == d->section && f->id == id)
			return f;
	}
	if (d->n < PCAPNG_DROP_IFACES) {
		f = &d->ifc[d->n++];
		f->section = d->section;
		f->id = id;
		return f;
	}
	f = &d->ifc[PCAPNG_DROP_IFACES - 1];
	f->merged = true;
	return f;
}

/* A statistics count: the latest replaces the one before (cumulative);
   in the merged slot, the largest of the interfaces it holds. */
static void keep_count(const struct iface_drops *f, uint64_t *to, uint64_t v)
{
	if (!f->merged || v > *to)
		*to = v;
}

/* An Interface Statistics Block of len bytes at at: interface, stamp,
   options. A count of the wrong length, or options that run past the
   block, are not read; what came before them is kept. */
static void read_isb(struct pcapng_drops *d, struct span *sp, long at,
		     uint32_t len)
{
	uint64_t ifdrop = 0, osdrop = 0, v;
	bool have_if = false, have_os = false, bad = false;
	size_t n = len - PNG_BLOCK_MIN;
	struct cursor c, val;
	struct iface_drops *f;
	uint32_t id;
	uint16_t code;
	int r;

	d->isbs++;
	/* Options past a buffer's worth are not read: no writer puts
	   kilobytes of comments before its counts. */
	if (n > PCAPNG_SPAN_READ)
		n = PCAPNG_SPAN_READ;
	if (!span_get(sp, at + 8, n, &c) || !get32(&c, d->be, &id) ||
	    !cur_skip(&c, PNG_ISB_FIXED - 12)) {
		d->malformed++;
		return;
	}
	while ((r = option_next(&c, d->be, &code, &val)) == 1) {
		if (code != PNG_ISB_IFDROP && code != PNG_ISB_OSDROP)
			continue;
		if (!get_count(&val, d->be, &v))
			bad = true;
		else if (code == PNG_ISB_IFDROP)
			ifdrop = v, have_if = true;
		else
			osdrop = v, have_os = true;
	}
	if (r < 0 || bad)
		d->malformed++;
	if (!have_if && !have_os)
		return;
	f = iface_of(d, id);
	if (have_if)
		keep_count(f, &f->ifdrop, ifdrop);
	if (have_os)
		keep_count(f, &f->osdrop, osdrop);
}

/* An Enhanced Packet Block of len bytes at at: its epb_dropcount, after
   the packet's data. */
static void read_epb(struct pcapng_drops *d, struct span *sp, long at,
		     uint32_t len)
{
	struct cursor c, val;
	uint32_t id, caplen;
	uint64_t opt, n, v;
	uint16_t code;
	bool bad = false;
	int r;

	if (len < PNG_EPB_FIXED + 4 || !span_get(sp, at + 8, 20, &c) ||
	    !get32(&c, d->be, &id) || !cur_skip(&c, 8) ||
	    !get32(&c, d->be, &caplen)) {
		d->malformed++;
		return;
	}
	opt = PNG_EPB_FIXED + (((uint64_t)caplen + 3) & ~(uint64_t)3);
	if (opt > len - 4u) {
		d->malformed++;
		return;
	}
	n = len - 4u - opt;
	if (n == 0)
		return;
	if (n > PCAPNG_SPAN_READ)
		n = PCAPNG_SPAN_READ;
	if (!span_get(sp, at + (long)opt, (size_t)n, &c)) {
		d->malformed++;
		return;
	}
	while ((r = option_next(&c, d->be, &code, &val)) == 1) {
		if (code != PNG_EPB_DROPCOUNT)
			continue;
		if (!get_count(&val, d->be, &v))
			bad = true;
		else if (v) {
			struct iface_drops *f = iface_of(d, id);

			f->between = add_sat(f->between, v);
		}
	}
	if (r < 0 || bad)
		d->malformed++;
}

long pcapng_walk(struct pcapng_drops *d, int fd, bool be, long from,
		 long end, long limit)
{
	struct span sp = { .fd = fd, .from = from, .end = end };
	struct cursor c;
	uint32_t type, len;
	long at = from;

	if (from < 0 || end < from)
		return from;
	sp.buf = d ? d->buf : sp.hdr;
	sp.cap = d ? PCAPNG_SPAN_READ : sizeof(sp.hdr);
	while (at < end) {
		if (!span_get(&sp, at, 8, &c) || !get32(&c, be, &type) ||
		    !get32(&c, be, &len))
			break;
		if (len < PNG_BLOCK_MIN || len % 4 || len > limit - at)
			break;
		if (d && type == PNG_SHB)
			d->section++;
		else if (d && type == PNG_ISB)
			read_isb(d, &sp, at, len);
		else if (d && type == PNG_EPB)
			read_epb(d, &sp, at, len);
		at += len;
	}
	return at;
}

void pcapng_drops_total(const struct pcapng_drops *d, struct file_drops *out)
{
	size_t i;

	out->dropped = out->ifdrop = out->osdrop = out->between = 0;
	for (i = 0; i < d->n; i++) {
		const struct iface_drops *f = &d->ifc[i];
		uint64_t isb = add_sat(f->ifdrop, f->osdrop);

		out->ifdrop = add_sat(out->ifdrop, f->ifdrop);
		out->osdrop = add_sat(out->osdrop, f->osdrop);
		out->between = add_sat(out->between, f->between);
		/* Both may count the same packets: the larger, not both. */
		out->dropped = add_sat(out->dropped,
				       isb > f->between ? isb : f->between);
	}
	out->isbs = d->isbs;
	out->malformed = d->malformed;
}
