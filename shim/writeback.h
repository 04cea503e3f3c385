/* Crash-safe replacement of a file in place, in the style of git's lockfile.
 *
 * NAME in DIRFD is replaced by DATA: the new content goes to
 * "NAME.hardrun-lock" (O_CREAT|O_EXCL|O_NOFOLLOW), gets the original's mode
 * and owner, is fsync'ed and renamed over NAME. Readers see the old file or
 * the new one, never a mix, also after a host crash (the directory is not
 * synced: a crash may bring back the old file, never half of either). On
 * any failure the lock file is removed and NAME is untouched.
 *
 * A lock file left by a writer that was killed is taken over: every writer
 * holds flock() on its lock file while it exists, and the kernel drops that
 * lock when the writer dies. A lock file nobody holds is stale and removed. */
#ifndef HARDRUN_WRITEBACK_H
#define HARDRUN_WRITEBACK_H

#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

#define HR_LOCK_SUFFIX ".hardrun-lock"

/* Writes all of DATA, across short writes and EINTR: 0 or negative errno
 * (-EIO when the file takes no more). */
int hr_write_all (int fd, const char *data, size_t len);

int hr_writeback (int dirfd, const char *name, const struct stat *orig, const char *data, size_t len,
                  const char *display, struct hr_error *err);

#endif
