/*
 * pcapng.c: a pcapng file's record of its own losses, read from the
 * blocks libpcap skips, as libpcap reads them (pcapng.h says why).
 */
#include "pcapng.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cursor.h"

/* draft-ietf-opsawg-pcapng: block types (10.1) and the options that
   count losses, each a 64-bit count in the section's byte order. */
#define PNG_SHB            0x0A0D0D0Au   /* Section Header Block, 4.1 */
#define PNG_BOM            0x1A2B3C4Du   /* its byte-order magic, 4.1 */
#define PNG_PB             2u            /* Packet Block, obsolete: A */
#define PNG_SPB            3u            /* Simple Packet Block, 4.4 */
#define PNG_ISB            5u            /* Interface Statistics, 4.6 */
#define PNG_EPB            6u            /* Enhanced Packet Block, 4.3 */
#define PNG_BLOCK_MIN      12u           /* type, length, length: 3.1 */
#define PNG_HEAD           8u            /* type and length */
#define PNG_SHB_HEAD       12u           /* and the byte-order magic */
#define PNG_PKT_FIXED      28u           /* EPB, PB: to the data, 4.3 */
#define PNG_ISB_FIXED      20u           /* to the options, 4.6 */
#define PNG_OPT_END        0u            /* opt_endofopt, 3.5 */
#define PNG_EPB_DROPCOUNT  4u            /* epb_dropcount, 4.3.1 */
#define PNG_ISB_IFDROP     5u            /* isb_ifdrop, 4.6 */
#define PNG_ISB_OSDROP     7u            /* isb_osdrop, 4.6 */
#define PNG_PB_NO_DROPS    0xFFFFu       /* drops_count not known: A.1 */
/* A 64-bit count of all ones: not known. dumpcap passes it for counters
   pcap_stats() did not give, and Wireshark's readers for a count that
   is absent (report.h, FD_*). */
#define PNG_NOT_KNOWN      UINT64_MAX

/* One interface of one section: its latest statistics (cumulative: the
   latest block holds every loss before it) and its packets' drop counts
   (each since the packet before: added up). */
struct iface_drops {
	uint32_t section, id;
	uint64_t ifdrop, osdrop, between;
	unsigned not_known;     /* FD_*: counts said to be not known */
	bool merged;            /* the last slot, full: the interfaces past
	                           the table, each count their largest */
};

/* How far the file's blocks are followed. */
enum follow {
	FOLLOW = 0,             /* block by block */
	NOT_PCAPNG,             /* no section header first: not followed */
	BROKEN                  /* a header that gives no block: stopped */
};

struct pcapng_drops {
	struct iface_drops ifc[PCAPNG_DROP_IFACES];
	size_t n;               /* slots in use */
	uint32_t section;       /* sections begun */
	bool be;                /* the section's words are big-endian */
	enum follow follow;
	uint64_t isbs, malformed;
	uint64_t packets;       /* packet blocks read whole */
	bool pb;                /* a Packet Block was walked */
	/* The block being read: its header, then the parts of it kept in
	   buf (the window), the rest passed over as it comes. */
	uint64_t at;            /* the file's offset: bytes fed so far */
	uint64_t block_at;      /* where the block starts */
	uint32_t type, len;     /* len 0 until the header is read */
	uint32_t got;           /* its bytes fed */
	uint8_t head[PNG_SHB_HEAD];
	uint32_t win_at, win_len;   /* the window in the block; len 0: none */
	uint32_t kept;          /* bytes of buf that hold the window */
	uint32_t pkt_id;        /* EPB: its interface, from its fixed part */
	bool bad;               /* the block is cut short of its fields */
	bool whole;             /* read whole, its losses not yet counted */
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

void pcapng_drops_start(struct pcapng_drops *d, uint64_t at)
{
	memset(d, 0, offsetof(struct pcapng_drops, buf));
	d->at = d->block_at = at;
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
static inline bool get16(struct cursor *c, bool be, uint16_t *v)
{
	return be ? cur_be16(c, v) : cur_le16(c, v);
}

static inline bool get32(struct cursor *c, bool be, uint32_t *v)
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

/* A statistics count, whose FD_* bit is bit: the latest replaces the
   one before (cumulative), not known included; in the merged slot, the
   largest of the interfaces it holds, not known when one is. */
static void keep_count(struct iface_drops *f, uint64_t *to, unsigned bit,
		       uint64_t v)
{
	if (v == PNG_NOT_KNOWN) {
		f->not_known |= bit;
		if (!f->merged)
			*to = 0;
		return;
	}
	if (!f->merged) {
		f->not_known &= ~bit;
		*to = v;
	} else if (v > *to) {
		*to = v;
	}
}

/* Losses said between two packets of interface id: added up; one not
   known leaves the sum not known. */
static void add_between(struct pcapng_drops *d, uint32_t id, uint64_t v)
{
	struct iface_drops *f;

	if (!v)
		return;
	f = iface_of(d, id);
	if (v == PNG_NOT_KNOWN)
		f->not_known |= FD_BETWEEN;
	else
		f->between = add_sat(f->between, v);
}

/* An Interface Statistics Block, from its interface on in c: interface,
   stamp, options. A count of the wrong length, or options that run
   past the block, are not read; what came before them is kept. */
static void read_isb(struct pcapng_drops *d, struct cursor *c)
{
	uint64_t ifdrop = 0, osdrop = 0, v;
	bool have_if = false, have_os = false, bad = false;
	struct cursor val;
	struct iface_drops *f;
	uint32_t id;
	uint16_t code;
	int r;

	d->isbs++;
	if (!get32(c, d->be, &id) ||
	    !cur_skip(c, PNG_ISB_FIXED - PNG_BLOCK_MIN)) {
		d->malformed++;
		return;
	}
	while ((r = option_next(c, d->be, &code, &val)) == 1) {
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
		keep_count(f, &f->ifdrop, FD_IFDROP, ifdrop);
	if (have_os)
		keep_count(f, &f->osdrop, FD_OSDROP, osdrop);
}

/* An Enhanced Packet Block's options in c: its epb_dropcount. */
static void read_epb(struct pcapng_drops *d, struct cursor *c)
{
	struct cursor val;
	uint16_t code;
	uint64_t v;
	bool bad = false;
	int r;

	while ((r = option_next(c, d->be, &code, &val)) == 1) {
		if (code != PNG_EPB_DROPCOUNT)
			continue;
		if (!get_count(&val, d->be, &v))
			bad = true;
		else
			add_between(d, d->pkt_id, v);
	}
	if (r < 0 || bad)
		d->malformed++;
}

/* A Packet Block's fixed part in c: a 16-bit interface and drops_count
   (A.1), lost since the packet before; 0xFFFF when not known. */
static void read_pb(struct pcapng_drops *d, struct cursor *c)
{
	uint16_t id, drops;

	if (!get16(c, d->be, &id) || !get16(c, d->be, &drops)) {
		d->malformed++;
		return;
	}
	if (drops != PNG_PB_NO_DROPS)
		add_between(d, id, drops);
}

/* Whether blocks of type t hold a packet that libpcap hands over. */
static bool is_packet(uint32_t t)
{
	return t == PNG_EPB || t == PNG_SPB || t == PNG_PB;
}

/* An Enhanced Packet Block's body in c (its interface on): the fixed
   part, the data padded to 32 bits, then the options. */
static void read_epb_body(struct pcapng_drops *d, struct cursor *c)
{
	uint32_t caplen;

	if (!get32(c, d->be, &d->pkt_id) || !cur_skip(c, 8) ||
	    !get32(c, d->be, &caplen) || !cur_skip(c, 4) ||
	    !cur_skip(c, ((size_t)caplen + 3) & ~(size_t)3)) {
		d->malformed++;
		return;
	}
	if (cur_left(c))        /* most packets have no options */
		read_epb(d, c);
}

/*
 * A block of type t whose body (from after its length to its trailing
 * length) is all in c: read where it is, as block_done() reads the
 * parts of a block kept in buf. Each reads at most a buffer's worth
 * of a statistics block, as a block read in parts keeps.
 */
static void read_in_place(struct pcapng_drops *d, uint32_t t,
			  struct cursor *c)
{
	if (is_packet(t))
		d->packets++;
	if (t == PNG_ISB) {
		(void)cur_clamp(c, PCAPNG_SPAN_READ);
		read_isb(d, c);
	} else if (t == PNG_EPB) {
		read_epb_body(d, c);
	} else if (t == PNG_PB) {
		if (cur_left(c) < PNG_PKT_FIXED - PNG_HEAD)
			d->malformed++;
		else
			read_pb(d, c);
	}
}

/*
 * The block that starts at c, read where it is when the bytes fed hold
 * all of it and more (most blocks: a whole buffer of them comes at
 * once). A block the bytes end with waits, its parts kept, until the
 * next begins: libpcap may yet refuse it (pcapng_damaged_at()). So do a
 * section header and a header that gives no block, which take_head()
 * reads. false when the block is left to the parts.
 */
static bool block_in_place(struct pcapng_drops *d, struct cursor *c)
{
	struct cursor h = *c, body;
	uint32_t type, len;

	if (!get32(&h, d->be, &type) || !get32(&h, d->be, &len) ||
	    type == PNG_SHB || d->section == 0 || len < PNG_BLOCK_MIN ||
	    len % 4 || len >= cur_left(c))
		return false;
	(void)cur_skip(c, PNG_HEAD);
	(void)cur_sub(c, len - PNG_BLOCK_MIN, &body);
	(void)cur_skip(c, 4);
	read_in_place(d, type, &body);
	d->block_at += len;
	return true;
}

/* The block read whole, by parts: it waits to be counted (block_done()),
   its packet counted now. */
static void block_whole(struct pcapng_drops *d)
{
	d->whole = true;
	if (is_packet(d->type))
		d->packets++;
}

/* The block read whole: its losses counted. A block libpcap refused
   whole never gets here (pcapng_damaged_at()). */
static void block_done(struct pcapng_drops *d)
{
	struct cursor c;

	if (!d->whole)
		return;
	d->whole = false;
	cur_init(&c, d->buf, d->kept);
	if (d->bad)
		d->malformed++;
	else if (d->type == PNG_ISB)
		read_isb(d, &c);
	else if (d->type == PNG_EPB)
		read_epb(d, &c);
	else if (d->type == PNG_PB)
		read_pb(d, &c);
}

/* Keep bytes [at, at + n) of the block in buf, at most a buffer's
   worth (no writer puts kilobytes of comments before its counts). */
static void keep(struct pcapng_drops *d, uint32_t at, uint32_t n)
{
	d->win_at = at;
	d->win_len = n < PCAPNG_SPAN_READ ? n : PCAPNG_SPAN_READ;
	d->kept = 0;
}

/* The header read: which parts of the block to keep. An EPB's options
   follow its data, whose length its fixed part gives (window_done()).
   Packet blocks too short for their fixed part are cut short. */
static void block_begin(struct pcapng_drops *d)
{
	d->win_len = 0;
	d->kept = 0;
	d->bad = false;
	if (d->type == PNG_SHB)
		d->section++;
	else if (d->type == PNG_ISB)
		keep(d, PNG_HEAD, d->len - PNG_BLOCK_MIN);
	else if (d->type == PNG_EPB || d->type == PNG_PB) {
		if (d->len < PNG_PKT_FIXED + 4)
			d->bad = true;
		else
			keep(d, PNG_HEAD, PNG_PKT_FIXED - PNG_HEAD);
	}
}

/* The window kept whole: for an EPB's fixed part, the window of its
   options after the data; else nothing more. */
static void window_done(struct pcapng_drops *d)
{
	struct cursor c;
	uint32_t caplen;
	uint64_t opt;

	d->win_len = 0;
	if (d->type != PNG_EPB || d->win_at != PNG_HEAD)
		return;
	cur_init(&c, d->buf, d->kept);
	if (!get32(&c, d->be, &d->pkt_id) || !cur_skip(&c, 8) ||
	    !get32(&c, d->be, &caplen)) {
		d->bad = true;
		return;
	}
	opt = PNG_PKT_FIXED + (((uint64_t)caplen + 3) & ~(uint64_t)3);
	d->kept = 0;
	if (opt > d->len - 4u)
		d->bad = true;
	else if (opt < d->len - 4u)
		keep(d, (uint32_t)opt, d->len - 4u - (uint32_t)opt);
}

/* The header's length: type and length, and for a section header the
   byte-order magic, before its length, which is in that order. */
static uint32_t head_len(const struct pcapng_drops *d)
{
	struct cursor h;
	uint32_t type;

	cur_init(&h, d->head, d->got);
	/* The section header's type reads the same in both orders. */
	if (cur_be32(&h, &type) && type == PNG_SHB)
		return PNG_SHB_HEAD;
	return PNG_HEAD;
}

/*
 * The block's header from c, its type and length read once it is all
 * there. The first block must be a section header (else the file is no
 * pcapng), and every block at least 12 bytes long and a multiple of 4
 * (3.1), as libpcap requires: one that is not stops the walk there.
 */
static void take_head(struct pcapng_drops *d, struct cursor *c)
{
	struct cursor h;
	uint32_t bom;
	size_t k;

	while (cur_left(c) && d->got < head_len(d)) {
		k = head_len(d) - d->got;
		k = k < cur_left(c) ? k : cur_left(c);
		(void)cur_copy(c, d->head + d->got, k);
		d->got += (uint32_t)k;
	}
	if (d->got < head_len(d))
		return;
	if (head_len(d) == PNG_SHB_HEAD) {
		cur_init(&h, d->head + PNG_HEAD, 4);
		(void)cur_le32(&h, &bom);
		if (bom != PNG_BOM && bom != __builtin_bswap32(PNG_BOM)) {
			d->follow = BROKEN;
			return;
		}
		d->be = bom != PNG_BOM;
	} else if (d->section == 0) {
		d->follow = NOT_PCAPNG;
		return;
	}
	cur_init(&h, d->head, PNG_HEAD);
	(void)get32(&h, d->be, &d->type);
	(void)get32(&h, d->be, &d->len);
	if (d->len < PNG_BLOCK_MIN || d->len % 4) {
		d->follow = BROKEN;
		return;
	}
	block_begin(d);
	if (d->got == d->len)
		block_whole(d);
}

/* Bytes of the block's body from c: its window kept, the rest passed
   over. */
static void take_body(struct pcapng_drops *d, struct cursor *c)
{
	uint32_t to;
	size_t k;
	bool in;

	while (cur_left(c) && d->got < d->len) {
		in = d->win_len && d->got >= d->win_at;
		to = !d->win_len ? d->len :
		     in ? d->win_at + d->win_len : d->win_at;
		k = to - d->got < cur_left(c) ? to - d->got : cur_left(c);
		if (in)
			(void)cur_copy(c, d->buf + d->kept, k);
		else
			(void)cur_skip(c, k);
		d->got += (uint32_t)k;
		if (in) {
			d->kept += (uint32_t)k;
			if (d->got == to)
				window_done(d);
		}
	}
	if (d->got == d->len)
		block_whole(d);
}

void pcapng_feed(struct pcapng_drops *d, const uint8_t *p, size_t n)
{
	struct cursor c;
	size_t before;

	cur_init(&c, p, n);
	while (cur_left(&c) && d->follow == FOLLOW) {
		before = cur_left(&c);
		if (d->len && d->got == d->len) {
			/* The next block begins: the last one's losses. */
			block_done(d);
			d->block_at += d->len;
			d->len = d->got = 0;
		}
		if (!d->len && !d->got && block_in_place(d, &c))
			;               /* read where it is */
		else if (!d->len)
			take_head(d, &c);
		else
			take_body(d, &c);
		d->at += before - cur_left(&c);
	}
	d->at += cur_left(&c);
}

/* ---- a file on disk: its blocks walked again, by offset ---------- */

/* Bytes [from, end) of the file, read a window at a time: the first
   window is the whole span when it fits (a packet and the statistics
   before it, in one pread()), and a block outside the window read last
   starts the next, so that many small blocks cost one read per window,
   not one each. */
struct span {
	int fd;
	long from, end;
	uint8_t *buf;           /* PCAPNG_SPAN_READ bytes */
	long wat;               /* the window: [wat, wat + wlen) */
	size_t wlen;
};

/* A cursor on n bytes of the file at at, all inside the span, valid
   until the next call; false when they cannot be read (or are more than
   a window holds). */
static bool span_get(struct span *sp, long at, size_t n, struct cursor *c)
{
	size_t want;

	if (at < sp->from || at > sp->end || n > (size_t)(sp->end - at) ||
	    n > PCAPNG_SPAN_READ)
		return false;
	if (at < sp->wat || at - sp->wat > (long)sp->wlen ||
	    n > sp->wlen - (size_t)(at - sp->wat)) {
		want = (size_t)(sp->end - at) < PCAPNG_SPAN_READ ?
		       (size_t)(sp->end - at) : PCAPNG_SPAN_READ;
		sp->wlen = 0;
		if (pread(sp->fd, sp->buf, want, at) != (ssize_t)want)
			return false;
		sp->wat = at;
		sp->wlen = want;
	}
	cur_init(c, sp->buf + (at - sp->wat), n);
	return true;
}

/* A block of type t and len bytes at at, its losses read as
   block_done() reads a block kept by parts: the statistics block's
   first buffer's worth; a packet block's fixed part, then an EPB's
   options, after the data. */
static void walk_block(struct pcapng_drops *d, struct span *sp, long at,
		       uint32_t t, uint32_t len)
{
	uint32_t n = len - PNG_BLOCK_MIN, caplen;
	struct cursor c;
	uint64_t opt;

	if (t == PNG_ISB) {
		if (n > PCAPNG_SPAN_READ)
			n = PCAPNG_SPAN_READ;
		if (span_get(sp, at + PNG_HEAD, n, &c)) {
			read_isb(d, &c);
		} else {
			d->isbs++;
			d->malformed++;
		}
		return;
	}
	if (t != PNG_EPB && t != PNG_PB)
		return;
	if (len < PNG_PKT_FIXED + 4 ||
	    !span_get(sp, at + PNG_HEAD, PNG_PKT_FIXED - PNG_HEAD, &c)) {
		d->malformed++;
		return;
	}
	if (t == PNG_PB) {
		d->pb = true;
		read_pb(d, &c);
		return;
	}
	if (!get32(&c, d->be, &d->pkt_id) || !cur_skip(&c, 8) ||
	    !get32(&c, d->be, &caplen)) {
		d->malformed++;
		return;
	}
	opt = PNG_PKT_FIXED + (((uint64_t)caplen + 3) & ~(uint64_t)3);
	if (opt > len - 4u) {
		d->malformed++;
		return;
	}
	n = len - 4u - (uint32_t)opt;
	if (n > PCAPNG_SPAN_READ)
		n = PCAPNG_SPAN_READ;
	if (!span_get(sp, at + (long)opt, n, &c))
		d->malformed++;
	else
		read_epb(d, &c);
}

long pcapng_walk(struct pcapng_drops *d, int fd, bool be, long from,
		 long end, long limit)
{
	struct span sp = { .fd = fd, .from = from, .end = end,
			   .buf = d->buf };
	struct cursor c;
	uint32_t type, len;
	long at = from;

	if (from < 0 || end < from)
		return from;
	d->be = be;
	while (at < end) {
		if (!span_get(&sp, at, PNG_HEAD, &c) ||
		    !get32(&c, be, &type) || !get32(&c, be, &len))
			break;
		if (len < PNG_BLOCK_MIN || len % 4 || len > limit - at)
			break;
		if (type == PNG_SHB)
			d->section++;
		else
			walk_block(d, &sp, at, type, len);
		at += len;
	}
	return at;
}

bool pcapng_walk_every(const struct pcapng_drops *d)
{
	return d->pb;
}

/* ---- the end of a file -------------------------------------------- */

uint64_t pcapng_damaged_at(struct pcapng_drops *d, uint64_t packets)
{
	if (d->follow == BROKEN || (d->got && (!d->len || d->got < d->len)))
		return d->block_at;     /* the block being read */
	if (!d->whole || (is_packet(d->type) && d->packets <= packets))
		return d->at;           /* nothing refused: after the last */
	/* The last block, read whole and not handed over: refused. */
	d->whole = false;
	if (is_packet(d->type))
		d->packets--;
	return d->block_at;
}

void pcapng_drops_total(struct pcapng_drops *d, struct file_drops *out)
{
	size_t i;

	block_done(d);
	out->dropped = out->ifdrop = out->osdrop = out->between = 0;
	out->not_known = 0;
	for (i = 0; i < d->n; i++) {
		const struct iface_drops *f = &d->ifc[i];
		uint64_t isb = add_sat(f->ifdrop, f->osdrop);

		out->ifdrop = add_sat(out->ifdrop, f->ifdrop);
		out->osdrop = add_sat(out->osdrop, f->osdrop);
		out->between = add_sat(out->between, f->between);
		out->not_known |= f->not_known;
		/* Both may count the same packets: the larger, not both. */
		out->dropped = add_sat(out->dropped,
				       isb > f->between ? isb : f->between);
	}
	out->isbs = d->isbs;
	out->malformed = d->malformed;
}
