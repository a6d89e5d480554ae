/*
 * textfile.h: reading the line-oriented files a person writes (the
 * catalogue, the host inventory, waivers) strictly and uniformly, and
 * opening impwatch's own records read back (impwatch acl --observed)
 * with the same words for a file that cannot be read.
 *
 * Every error a loader reports goes through here, so they all read alike:
 *   FILE:LINE: reason
 *     the offending line
 * and so does every other error that echoes a name or a value
 * (tprintf()), shown as safely as a line. Nothing allocates except
 * textfile_read(), whose buffer the caller frees (and a message longer
 * than 511 bytes, for as long as it is written).
 */
#ifndef IMPWATCH_TEXTFILE_H
#define IMPWATCH_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A piece of a line: not NUL-terminated. */
struct tstr {
	const char *s;
	size_t n;
};

/* Walks a buffer line by line: a leading UTF-8 byte-order mark is
   skipped, CRLF endings are accepted, a last line needs no newline. */
struct tlines {
	const char *p, *end;
	uint32_t lineno;
};

/*
 * Read the whole file at path into *buf (NUL-terminated, *len bytes
 * before the NUL). Files larger than max bytes ("not WHAT": "a
 * catalogue"), anything that is not a regular file ("not a regular file
 * (a FIFO)": directories, FIFOs, devices, sockets; refused without
 * blocking), and unreadable files are errors: "PATH: reason" on err, -1
 * returned.
 */
int textfile_read(const char *path, size_t max, const char *what, char **buf,
		  size_t *len, FILE *err);

/*
 * Open path to be read as it comes, a line at a time (impwatch's own
 * records: too large to hold whole, and they may come through a pipe): a
 * regular file, a pipe or a FIFO (whose open waits for its writer, as
 * reading standard input does). "-" is standard input, checked the same
 * way and returned as stdin, which the caller does not close. Anything
 * else, and a file that cannot be opened, is an error in
 * textfile_read()'s words ("PATH: cannot open: reason", "PATH: not a
 * regular file (a directory)", "-: not a regular file (a terminal)") on
 * err; NULL then.
 */
FILE *textfile_open_stream(const char *path, FILE *err);

void tlines_init(struct tlines *t, const char *buf, size_t len);

/* The next line, without its line end; false at the end of the buffer. */
bool tlines_next(struct tlines *t, struct tstr *line);

/*
 * Reject a line longer than max bytes, or holding a NUL, a control byte
 * other than tab, a C1 control (U+0080 to U+009F), or bytes that are not
 * UTF-8: the error names the column and byte offset. 0 when the line is
 * fine.
 */
int tline_check(const char *name, uint32_t lineno, struct tstr line,
		size_t max, FILE *err);

/* "NAME:LINE: reason" and the line, shown safely (at most 200 bytes,
   non-printable bytes as \xNN, blanks that are not a space or a tab,
   such as a no-break space, as \uNNNN; NAME and reason as tprintf() shows
   them). */
__attribute__((format(printf, 5, 6)))
void tline_error(FILE *err, const char *name, uint32_t lineno,
		 struct tstr line, const char *fmt, ...);

/* "NAME: reason", for what belongs to no one line. */
__attribute__((format(printf, 3, 4)))
void tfile_error(FILE *err, const char *name, const char *fmt, ...);

/*
 * An error message of one line on err (NULL: none), for every message
 * that echoes a name or a value given on the command line or read from
 * a file: its bytes are shown as an offending line's are (a control
 * byte, a newline or a terminal escape too, as \xNN), so a value a
 * script passed through cannot drive the terminal or forge a line. A
 * line end at the end of fmt is the message's own. The text report
 * writes the lines that echo such a name with it too.
 */
__attribute__((format(printf, 2, 3)))
void tprintf(FILE *err, const char *fmt, ...);

struct tstr tstr_trim(struct tstr s);
bool tstr_is(struct tstr s, const char *word);

/* Split at the next run of blanks (space, tab): the first word goes to
   *word, s moves past it. False when s holds no more words. */
bool tstr_word(struct tstr *s, struct tstr *word);

/* Split at the next `sep`; *item is trimmed. False when s is used up;
   "a,,b" yields an empty item for the caller to reject. */
bool tstr_item(struct tstr *s, char sep, struct tstr *item);

/* True when word occurs anywhere in s. */
bool tstr_has(struct tstr s, const char *word);

/* Split s at its last run of blanks: *last gets the last word, *head the
   text before it, trimmed. False when s holds one word or none. */
bool tstr_last_word(struct tstr s, struct tstr *head, struct tstr *last);

/* s as a decimal number: digits only, at most 9 of them (past any value
   a line of ours takes, and never an overflow). 0 with *v set; -1 when s
   is empty or holds a byte that is not a digit; -2 when it is all digits
   but too long. */
int tstr_uint(struct tstr s, unsigned long *v);

/* How many bytes of s an error message quotes: at most 64, never cutting
   a UTF-8 sequence. Use as printf("%.*s", TSHOW(s)). */
int tstr_show_len(struct tstr s);
#define TSHOW(x) tstr_show_len(x), (x).s

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid
   (RFC 3629: no overlong forms, surrogates, or values past U+10FFFF). */
size_t utf8_seq_len(const unsigned char *p, size_t n);

/* The code point of the valid k-byte UTF-8 sequence at p (k from
   utf8_seq_len(), 1 for ASCII). */
uint32_t utf8_cp(const unsigned char *p, size_t k);

/*
 * Whether code point cp may not be written as itself in any output: it
 * would change what a line shows, or where it ends, without being seen.
 * A C0 control or DEL, a C1 control (U+0080 to U+009F: CSI drives an
 * 8-bit terminal, NEL ends a line), the line and paragraph separators
 * (U+2028, U+2029), a bidirectional formatting character (the marks
 * U+061C, U+200E, U+200F; embeddings and overrides U+202A to U+202E;
 * isolates U+2066 to U+2069: they turn the text after them around, as
 * "Trojan Source" does), and what shows as nothing (U+200B, U+2060 to
 * U+2064, U+FEFF). The one rule every writer keeps, each in its own
 * readers' way: JSON (and ECS) as \uXXXX, text and CSV as a visible
 * \uXXXX or \xNN (text_escape()), the page and the graph as U+FFFD.
 * The joiners (U+200C, U+200D) are not here: scripts need them.
 */
bool text_unsafe(uint32_t cp);

/*
 * The character at p (n >= 1 bytes left) for a person reading text or
 * CSV: *used the bytes it takes (1 for a byte that is not UTF-8); the
 * length of its escape in out, or 0 when it is written as itself. A byte
 * that is not UTF-8 and a C0 control but tab (tab shows as a blank) are
 * \xNN, another character text_unsafe() names \uNNNN.
 */
size_t text_escape(const unsigned char *p, size_t n, char out[8],
		   size_t *used);

/* s written with text_escape() (NULL: nothing): a name or a path in a
   report's line, which can neither drive a terminal nor forge a line. */
void text_put(FILE *o, const char *s);

#endif
