#include "config.h"
#include "procfd.h"
#include "cleanup.h"
#include "spec.h"
#include "writeback.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int
hr_procfd_number (const char *path)
{
  static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/" };
  for (size_t i = 0; path && i < sizeof prefixes / sizeof prefixes[0]; i++)
    {
      size_t n = strlen (prefixes[i]);
      if (strncmp (path, prefixes[i], n) != 0)
        continue;
      const char *d = path + n;
      if (*d == '\0' || strlen (d) > 9)
        return -1;
      int v = 0;
      for (; *d; d++)
        {
          if (*d < '0' || *d > '9')
            return -1;
          v = v * 10 + (*d - '0');
        }
      return v;
    }
  return -1;
}

int
hr_procfd_read (int fd, const char *display, size_t max, char **ret, size_t *ret_len, struct hr_error *err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return hr_error_setsys (err, errno, "%s: not an open descriptor", display);
  if (!S_ISREG (st.st_mode) && !S_ISFIFO (st.st_mode))
    return hr_error_set (err, EINVAL, "%s: not a regular file or a pipe", display);
  if (S_ISREG (st.st_mode) && (uint64_t) st.st_size > max)
    return hr_error_set (err, EFBIG, "%s: larger than %zu bytes", display, max);
  /* The runtime opens the path, which gives a regular file from its start
   * and the same pipe: so does hardrun. */
  char self[64];
  snprintf (self, sizeof self, "/proc/self/fd/%d", fd);
  cleanup_close int rfd = open (self, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (rfd < 0)
    return hr_error_setsys (err, errno, "%s: cannot open", display);
  return hr_read_stream_limited (rfd, display, max, ret, ret_len, err);
}

int
hr_procfd_handover (int fd, const char *data, size_t len, const char *display, struct hr_error *err)
{
  cleanup_close int mfd = memfd_create ("hardrun-process", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return hr_error_setsys (err, errno, "%s: cannot create the hardened copy", display);
  int r = hr_write_all (mfd, data, len);
  if (r < 0)
    return hr_error_setsys (err, -r, "%s: cannot write the hardened copy", display);
  if (fcntl (mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
    return hr_error_setsys (err, errno, "%s: cannot seal the hardened copy", display);
  if (lseek (mfd, 0, SEEK_SET) < 0)
    return hr_error_setsys (err, errno, "%s: lseek", display);
  /* dup2 leaves the new descriptor without close-on-exec: the runtime
   * opens it by its number */
  if (dup2 (mfd, fd) < 0)
    return hr_error_setsys (err, errno, "%s: cannot hand over the hardened copy", display);
  return 0;
}
