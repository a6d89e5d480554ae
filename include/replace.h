/*
 * replace.h: a file written whole or not at all, as editors write one:
 * under a temporary name beside it (NAME.XXXXXX, in its folder, so on
 * its file system), flushed to the disk, then renamed onto it. A reader
 * (a browser, a web server, a firewall loading rules) sees the file of
 * before or the new one, each whole, never a part, whatever stops the
 * write: a full disk or a file size limit (the temporary is removed, the
 * file of before is as it was), SIGKILL or the OOM killer (the temporary
 * is left, the file of before is as it was). The new file is the name's
 * at the end, whatever was renamed away meanwhile (a log rotation).
 *
 * Only a regular file, or a name with no file yet, is replaced: a FIFO,
 * a device or a symbolic link is no file to rename onto; the caller
 * writes those in place.
 */
#ifndef IMPWATCH_REPLACE_H
#define IMPWATCH_REPLACE_H

#include <stdbool.h>
#include <stdio.h>

/* A file being replaced: its stream, onto the temporary named tmp. */
struct replace {
	FILE *f;
	char *tmp;
};

/*
 * The temporary for path, opened for writing in r: created 0640 within
 * the umask (the outputs name hosts and what they say to each other),
 * or with the mode of the regular file it replaces, and its owner when
 * root writes it. -1 with errno set when path is not a regular file
 * (EISDIR for a folder, EEXIST for anything else) or no file can be made
 * beside it.
 */
int replace_open(const char *path, struct replace *r);

/* For what cannot be replaced (a FIFO, a symbolic link, a file in a
   folder the writer may not write): path itself opened for writing in
   r, emptied, written in place (not whole if the write fails); flags
   are open()'s beside O_WRONLY | O_TRUNC | O_CLOEXEC (O_CREAT, 0640
   within the umask; O_NONBLOCK). -1 with errno set. */
int replace_in_place(const char *path, int flags, struct replace *r);

/* Close r: whole, its temporary flushed to the disk and renamed onto
   path; else, or when that fails, the temporary removed; in place,
   closed. 0, or -1 with errno set (the first failure's). */
int replace_close(struct replace *r, const char *path, bool whole);

/* path opened in r to be replaced whole (replace_open()), or in place
   (replace_in_place() with O_NONBLOCK: a FIFO put there is not waited
   for). -1 with errno set. */
int replace_begin(const char *path, bool in_place, struct replace *r);

/* The n bytes at d as path, as replace_begin() opens it. 0, or -1 with
   errno set (the first failure's). */
int replace_write(const char *path, bool in_place, const void *d, size_t n);

/* Whether path would be replaced, tried now: a temporary made beside it
   and removed. -1 with errno set as replace_open() sets it. */
int replace_can(const char *path);

#endif
