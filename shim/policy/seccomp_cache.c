#include "config.h"
#include "policy/seccomp_cache.h"
#include "cleanup.h"
#include "hash.h"
#include "spec.h"
#include "writeback.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest entry read back: the restricted profile resolves to about 9 KB. */
#define ENTRY_MAX (1024u * 1024)

static int
stat_text (const struct stat *st, char *buf, size_t size)
{
  int n = snprintf (buf, size, "%ju:%ju:%jd:%jd.%09ld:%jd.%09ld", (uintmax_t) st->st_dev, (uintmax_t) st->st_ino,
                    (intmax_t) st->st_size, (intmax_t) st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
                    (intmax_t) st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
  return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* FNV-1a over LEN bytes: tells one profile text from another. The profile
 * is the administrator's file, not an adversary's. */
static uint64_t
hash_bytes (const char *data, size_t len)
{
  uint64_t h = UINT64_C (1469598103934665603);
  for (size_t i = 0; i < len; i++)
    {
      h ^= (unsigned char) data[i];
      h *= UINT64_C (1099511628211);
    }
  return h;
}

int
hr_seccomp_cache_key (const char *data, size_t len, const char *native, uint64_t caps, bool compat, char *buf,
                      size_t size)
{
  char self[128];
  struct stat exe;
  /* hardrun's own binary: a new build resolves afresh */
  if (stat ("/proc/self/exe", &exe) < 0)
    return -errno;
  if (stat_text (&exe, self, sizeof self) < 0)
    return -ENAMETOOLONG;
  int n = snprintf (buf, size, "hardrun %s %s; profile %zu:%016" PRIx64 "; %s; caps %016" PRIx64 "; compat %d",
                    PACKAGE_VERSION, self, len, hash_bytes (data, len), native, caps, compat ? 1 : 0);
  return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* Opens STATE_DIR/seccomp when it is a directory of ours that nobody else
 * may write; creates it (not STATE_DIR) when CREATE. */
static int
open_dir (const char *state_dir, bool create)
{
  char path[PATH_MAX];
  int n = snprintf (path, sizeof path, "%s/seccomp", state_dir);
  if (n < 0 || (size_t) n >= sizeof path)
    return -ENAMETOOLONG;
  /* STATE_DIR itself is never created here: hardrun's record makes it
   * on the first create, and commands that name none ("explain") must not
   * make one. */
  if (create && mkdir (path, 0700) < 0 && errno != EEXIST)
    return -errno;
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  struct stat st;
  if (fstat (fd, &st) < 0 || st.st_uid != geteuid () || (st.st_mode & 022) != 0)
    {
      close (fd);
      return -EPERM;
    }
  return fd;
}

static void
entry_name (const char *key, char *buf, size_t size)
{
  snprintf (buf, size, "%016" PRIx64 ".json", hr_fnv1a (key));
}

int
hr_seccomp_cache_get (const char *state_dir, const char *key, struct hr_json **ret)
{
  *ret = NULL;
  if (state_dir == NULL)
    return -ENOENT;
  cleanup_close int dfd = open_dir (state_dir, false);
  if (dfd < 0)
    return -ENOENT;
  char name[32];
  entry_name (key, name, sizeof name);
  cleanup_close int fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid () || (st.st_mode & 022) != 0)
    return -ENOENT;

  cleanup_free char *buf = NULL;
  size_t len = 0;
  cleanup_json struct hr_json *doc = NULL;
  struct hr_error e = { 0 };
  if (hr_read_fd_limited (fd, name, ENTRY_MAX, &buf, &len, &e) < 0 || hr_json_parse (buf, len, name, &doc, &e) < 0)
    return -ENOENT;
  /* ["key", filter]; a filter has a default action and an architecture */
  const char *stored = hr_json_string (hr_json_at (doc, 0));
  const struct hr_json *f = hr_json_at (doc, 1);
  if (hr_json_len (doc) != 2 || stored == NULL || strcmp (stored, key) != 0 || !hr_json_is_object (f)
      || !hr_json_is_string (hr_json_get (f, "defaultAction")) || hr_json_len (hr_json_get (f, "architectures")) == 0
      || !hr_json_is_array (hr_json_get (f, "syscalls")))
    return -ENOENT;
  *ret = hr_json_take_at (doc, 1);
  return 0;
}

/* Counts the entries of DFD; removes them all when EMPTY, or when there
 * are HR_SECCOMP_CACHE_MAX of them (which bounds the directory whatever
 * bounding sets containers ask for). Temporary files of writers that died
 * before their rename go with them. */
static void
prune (int dfd, bool empty)
{
  int fd = dup (dfd);
  DIR *d = fd < 0 ? NULL : fdopendir (fd);
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  size_t n = 0;
  struct dirent *e;
  while (!empty && (e = readdir (d)))
    n += e->d_name[0] != '.';
  if (empty || n >= HR_SECCOMP_CACHE_MAX)
    {
      rewinddir (d);
      while ((e = readdir (d)))
        if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
          unlinkat (dfd, e->d_name, 0);
    }
  closedir (d);
}

int
hr_seccomp_cache_clear (const char *state_dir)
{
  int dfd = open_dir (state_dir, false);
  if (dfd < 0)
    return dfd;
  prune (dfd, true);
  close (dfd);
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/seccomp", state_dir);
  return rmdir (path) < 0 ? -errno : 0;
}

int
hr_seccomp_cache_put (const char *state_dir, const char *key, const struct hr_json *filter)
{
  if (state_dir == NULL)
    return -EINVAL;
  cleanup_close int dfd = open_dir (state_dir, true);
  if (dfd < 0)
    return dfd;
  prune (dfd, false);

  struct hr_error e = { 0 };
  cleanup_json struct hr_json *doc = hr_json_new_array ();
  if (doc == NULL || hr_json_append (doc, hr_json_new_string (key), &e) < 0
      || hr_json_append (doc, hr_json_copy (filter), &e) < 0)
    return -ENOMEM;
  cleanup_free char *data = NULL;
  size_t len = 0;
  if (hr_json_serialize (doc, false, &data, &len, &e) < 0)
    return -ENOMEM;

  /* A name no other writer has, whatever PID namespace it runs in. */
  char name[32], tmp[80];
  uint64_t nonce = 0;
  if (getrandom (&nonce, sizeof nonce, GRND_NONBLOCK) != (ssize_t) sizeof nonce)
    nonce ^= (uint64_t) getpid () << 32 ^ (uint64_t) (uintptr_t) &nonce;
  entry_name (key, name, sizeof name);
  snprintf (tmp, sizeof tmp, ".%s.%016" PRIx64 ".tmp", name, nonce);
  cleanup_close int fd = openat (dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return -errno;
  /* No fsync: an entry lost in a crash is a miss, and a torn one does not
   * parse or does not match its key. */
  int r = hr_write_all (fd, data, len);
  if (r == 0 && renameat (dfd, tmp, dfd, name) < 0)
    r = -errno;
  if (r < 0)
    unlinkat (dfd, tmp, 0);
  return r;
}
