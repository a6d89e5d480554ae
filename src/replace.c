/*
 * replace.c: a file written whole or not at all (replace.h).
 */
#include "replace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Names tried for a temporary before giving up: another writer's
   temporaries, or a file left by one that was killed, take some. */
#define REPLACE_TRIES 100

/* A name NAME.XXXXXX (six hexadecimal digits) not taken, created with
   mode within the umask, which open() applies, as it does to every
   output: mkstemp() makes 0600, and only umask() reads the umask, for
   every thread at once. Its descriptor, or -1. */
static int make_temp(const char *path, char *tmp, size_t len, mode_t mode)
{
	uint32_t k;
	int fd = -1, i;

	for (i = 0; i < REPLACE_TRIES; i++) {
		if (getrandom(&k, sizeof(k), GRND_NONBLOCK) != sizeof(k))
			k = (uint32_t)(clock_mono_us() ^ ((uint64_t)getpid() << 20)) + (uint32_t)i;
		snprintf(tmp, len, "%s.%06x", path, (unsigned)(k & 0xffffff));
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd;
}

int replace_open(const char *path, struct replace *r)
{
	size_t len = strlen(path) + sizeof(".XXXXXX");
	struct stat st;
	bool exists = lstat(path, &st) == 0;
	int fd, e;

	r->f = NULL;
	r->tmp = NULL;
	if (exists && !S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EEXIST;
		return -1;
	}
	if (!(r->tmp = malloc(len)))
		return -1;
	fd = make_temp(path, r->tmp, len, 0640);
	if (fd < 0)
		goto fail;
	if (exists) {
		if (fchown(fd, st.st_uid, st.st_gid) != 0) {
			/* Not root: the writer owns the file, as a new one.
			   Root gives another user's file back to them. */
		}
		/* Its mode exactly, past the umask: a web server's 0644
		   page stays one. */
		(void)fchmod(fd, st.st_mode & 07777);
	}
	if ((r->f = fdopen(fd, "w")) != NULL)
		return 0;
	e = errno;
	close(fd);
	unlink(r->tmp);
	errno = e;
fail:
	e = errno;
	free(r->tmp);
	r->tmp = NULL;
	errno = e;
	return -1;
}

int replace_in_place(const char *path, int flags, struct replace *r)
{
	int fd = open(path, flags | O_WRONLY | O_TRUNC | O_CLOEXEC, 0640), e;

	r->tmp = NULL;
	if (fd < 0)
		return -1;
	if ((r->f = fdopen(fd, "w")) != NULL)
		return 0;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int replace_close(struct replace *r, const char *path, bool whole)
{
	/* Flushed to the disk before the rename: a crash after it would
	   otherwise leave the name on a file with nothing in it yet. */
	bool ok = fflush(r->f) == 0 && !ferror(r->f) &&
		  (!whole || !r->tmp || fsync(fileno(r->f)) == 0);
	int e = errno;

	if (fclose(r->f) != 0 && ok) {
		ok = false;
		e = errno;
	}
	r->f = NULL;
	if (!r->tmp) {
		errno = e;
		return ok ? 0 : -1;
	}
	if (ok && whole && rename(r->tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok || !whole)
		unlink(r->tmp);
	free(r->tmp);
	r->tmp = NULL;
	errno = e;
	return ok ? 0 : -1;
}

int replace_begin(const char *path, bool in_place, struct replace *r)
{
	return in_place ? replace_in_place(path, O_NONBLOCK, r) :
			  replace_open(path, r);
}

int replace_write(const char *path, bool in_place, const void *d, size_t n)
{
	struct replace r;
	int e;

	if (replace_begin(path, in_place, &r) != 0)
		return -1;
	if (fwrite(d, 1, n, r.f) == n)
		return replace_close(&r, path, true);
	e = errno;
	(void)replace_close(&r, path, false);
	errno = e;
	return -1;
}

int replace_can(const char *path)
{
	struct replace r;

	if (replace_open(path, &r) != 0)
		return -1;
	return replace_close(&r, path, false);
}
