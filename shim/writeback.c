#include "config.h"
#include "writeback.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* Removes LOCK if nobody holds it. Returns 0 if removed (or gone), -EBUSY if
 * a live writer holds it. */
static int
take_over_stale (int dirfd, const char *lock)
{
  cleanup_close int fd = openat (dirfd, lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return errno == ENOENT ? 0 : -errno;
  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    return errno == EWOULDBLOCK ? -EBUSY : -errno;
  /* Still the same file under that name? (A writer may have just renamed
   * it into place, and another may have created a new one.) */
  struct stat a, b;
  if (fstat (fd, &a) < 0)
    return -errno;
  if (fstatat (dirfd, lock, &b, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : -errno;
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    return -EAGAIN;
  if (unlinkat (dirfd, lock, 0) < 0 && errno != ENOENT)
    return -errno;
  return 0;
}

/* True if NAME in DIRFD is the file open at FD. */
static bool
is_linked_as (int dirfd, const char *name, int fd)
{
  struct stat a, b;
  return fstat (fd, &a) == 0 && fstatat (dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0
         && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
hr_write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      if (n == 0)
        return -EIO;
      data += n;
      len -= (size_t) n;
    }
  return 0;
}

int
hr_writeback (int dirfd, const char *name, const struct stat *orig, const char *data, size_t len,
              const char *display, struct hr_error *err)
{
  char lock[NAME_MAX + 1];
  if ((size_t) snprintf (lock, sizeof lock, "%s%s", name, HR_LOCK_SUFFIX) >= sizeof lock)
    return hr_error_set (err, ENAMETOOLONG, "%s: name too long for a lock file", display);

  cleanup_close int fd = -1;
  for (int attempt = 0; attempt < 200; attempt++)
    {
      int r;
      fd = openat (dirfd, lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd >= 0)
        {
          /* Between the create and the flock() another writer may have
           * taken the unlocked file for stale and removed it. Only a file
           * that is still under its name once locked is ours. */
          if (flock (fd, LOCK_EX | LOCK_NB) == 0 && is_linked_as (dirfd, lock, fd))
            break;
          close (steal_fd (&fd));
          r = -EAGAIN;
        }
      else if (errno != EEXIST)
        return hr_error_setsys (err, errno, "%s: cannot create lock file \"%s\"", display, lock);
      else
        r = take_over_stale (dirfd, lock);
      if (r == -EBUSY || r == -EAGAIN)
        {
          struct timespec ts = { 0, 10 * 1000 * 1000 };
          nanosleep (&ts, NULL);
        }
      else if (r < 0)
        return hr_error_setsys (err, -r, "%s: cannot remove stale lock file \"%s\"", display, lock);
    }
  if (fd < 0)
    return hr_error_set (err, EBUSY, "%s: lock file \"%s\" is held by another writer", display, lock);

  /* From here on the lock file is ours: it is locked, so nobody takes it
   * over, and removing it by name on failure removes our own. */
  int r = 0;
  if ((r = hr_write_all (fd, data, len)) < 0)
    r = hr_error_setsys (err, -r, "%s: cannot write \"%s\"", display, lock);
  /* Owner first: chown() clears the set-user-ID and set-group-ID bits. */
  else if (fchown (fd, orig->st_uid, orig->st_gid) < 0 && !(errno == EPERM && orig->st_uid == geteuid ()))
    r = hr_error_setsys (err, errno, "%s: cannot set the owner of \"%s\"", display, lock);
  else if (fchmod (fd, orig->st_mode & 07777) < 0)
    r = hr_error_setsys (err, errno, "%s: cannot set the mode of \"%s\"", display, lock);
  else if (fsync (fd) < 0)
    r = hr_error_setsys (err, errno, "%s: cannot sync \"%s\"", display, lock);
  else if (renameat (dirfd, lock, dirfd, name) < 0)
    r = hr_error_setsys (err, errno, "%s: cannot replace it", display);

  if (r < 0)
    unlinkat (dirfd, lock, 0);
  /* The directory is not synced: a host crash that loses the rename leaves
   * the original file, whole, and a stale lock the next writer takes over.
   * The container does not survive that crash either, and the engine's next
   * create hardens the original again. The file itself is synced before
   * the rename, so a rename that does survive never names a file whose data
   * did not. */
  return r;
}
