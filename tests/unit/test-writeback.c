/* Crash-safe write-back (shim/writeback.c).
 *
 * The replaced file keeps the original's mode and owner; a failure leaves
 * the original and no lock file; a lock file left by a dead writer is taken
 * over, one held by a live writer is not; a writer SIGKILLed at a random
 * moment leaves the old file or the new one, never a mix, and never blocks
 * the next writer; concurrent writers never publish each other's half
 * written file.
 *
 * Read-only and full file systems are made with tmpfs mounts in a private
 * mount namespace of this test, so nothing is left mounted if it dies. */
#include "config.h"
#include "cleanup.h"
#include "json.h"
#include "writeback.h"
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NAME "config.json"
#define LOCK NAME HR_LOCK_SUFFIX

#define skip_test(...) ok (true, "# SKIP " __VA_ARGS__)

static char tmpdir[PATH_MAX];
static bool private_mounts;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static int
open_dir (const char *rel)
{
  char p[PATH_MAX * 2];
  snprintf (p, sizeof p, "%s/%s", tmpdir, rel);
  mkdir (p, 0755);
  return open (p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int
put (int dfd, const char *name, const char *data, size_t len, mode_t mode)
{
  int fd = openat (dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return -errno;
  ssize_t n = write (fd, data, len);
  int e = n == (ssize_t) len ? 0 : n < 0 ? -errno : -EIO;
  if (fchmod (fd, mode) < 0)
    e = -errno;
  close (fd);
  return e;
}

/* The whole file NAME in DFD, or NULL. */
static char *
slurp (int dfd, const char *name, size_t *ret_len)
{
  int fd = openat (dfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc (cap + 1);
  for (;;)
    {
      if (len == cap)
        buf = realloc (buf, (cap *= 2) + 1);
      ssize_t n = read (fd, buf + len, cap - len);
      if (n <= 0)
        break;
      len += (size_t) n;
    }
  close (fd);
  buf[len] = '\0';
  *ret_len = len;
  return buf;
}

static bool
has_content (int dfd, const char *name, const char *want, size_t want_len)
{
  size_t len = 0;
  cleanup_free char *got = slurp (dfd, name, &len);
  return got && len == want_len && memcmp (got, want, len) == 0;
}

static bool
exists (int dfd, const char *name)
{
  struct stat st;
  return fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* hr_writeback of DATA over NAME in DFD, with NAME's current stat. */
static int
writeback (int dfd, const char *data, size_t len, struct hr_error *err)
{
  struct stat st;
  if (fstatat (dfd, NAME, &st, 0) < 0)
    return hr_error_setsys (err, errno, "test: stat");
  return hr_writeback (dfd, NAME, &st, data, len, NAME, err);
}

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A JSON document of about SIZE bytes whose bytes depend on TAG. */
static char *
make_doc (size_t size, char tag, size_t *ret_len)
{
  char *s = malloc (size + 64);
  int n = snprintf (s, 64, "{\"ociVersion\":\"1.0.2\",\"tag\":\"%c\",\"pad\":\"", tag);
  memset (s + n, tag, size);
  strcpy (s + n + size, "\"}");
  *ret_len = strlen (s);
  return s;
}

/* Forks a child that takes flock() on DFD/LOCK (creating it with JUNK),
 * tells the parent, and sleeps until killed. Returns its PID. */
static pid_t
spawn_lock_holder (int dfd)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  pid_t pid = fork ();
  if (pid == 0)
    {
      int fd = openat (dfd, LOCK, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0 || flock (fd, LOCK_EX) < 0 || write (fd, "{\"half\":", 8) != 8)
        _exit (1);
      if (write (p[1], "x", 1) != 1)
        _exit (1);
      for (;;)
        pause ();
    }
  close (p[1]);
  char c;
  bool ready = pid > 0 && read (p[0], &c, 1) == 1;
  close (p[0]);
  if (!ready && pid > 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return -1;
    }
  return pid;
}

static void
kill_and_reap (pid_t pid)
{
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Mode and owner                                                      */

static void
test_mode_and_owner (void)
{
  static const struct
  {
    mode_t mode;
    uid_t uid;
    gid_t gid;
  } cases[] = {
    { 0640, 1234, 5678 },
    { 0600, 0, 0 },
    { 0444, 65534, 65534 },
    { 0755, 1, 2 },
    /* Set-id bits are part of the mode too (chown() clears them, so they
     * must be set after it). */
    { 02750, 1234, 5678 },
    { 04755, 0, 0 },
  };
  int dfd = open_dir ("mode");
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      put (dfd, NAME, "{\"old\":true}", 12, 0600);
      int fd = openat (dfd, NAME, O_RDONLY | O_CLOEXEC);
      bool chowned = fd >= 0 && fchown (fd, cases[i].uid, cases[i].gid) == 0;
      if (fd >= 0)
        {
          if (fchmod (fd, cases[i].mode) < 0)
            diag ("fchmod: %s", strerror (errno));
          close (fd);
        }
      struct stat before;
      fstatat (dfd, NAME, &before, 0);

      struct hr_error err = { 0 };
      int r = writeback (dfd, "{\"new\":true}", 12, &err);
      ok (r == 0, "write-back over a file of mode %04o owned by %u:%u", (unsigned) cases[i].mode,
          (unsigned) cases[i].uid, (unsigned) cases[i].gid);
      if (r < 0)
        diag ("  %s", err.msg);

      struct stat after;
      fstatat (dfd, NAME, &after, 0);
      check_int (after.st_mode & 07777, ==, cases[i].mode);
      if (chowned)
        {
          check_int (after.st_uid, ==, cases[i].uid);
          check_int (after.st_gid, ==, cases[i].gid);
        }
      else
        skip_test ("cannot chown to %u:%u here", (unsigned) cases[i].uid, (unsigned) cases[i].gid);
      ok (after.st_ino != before.st_ino, "the file was replaced, not rewritten in place");
      ok (has_content (dfd, NAME, "{\"new\":true}", 12), "the new content is in place");
      ok (!exists (dfd, LOCK), "no lock file is left");
    }
  close (dfd);
}

/* ------------------------------------------------------------------ */
/* Failures leave the original and no lock file                        */

static void
test_readonly (void)
{
  if (!private_mounts)
    {
      skip_test ("no private mount namespace (needs root)");
      return;
    }
  int dfd = open_dir ("ro");
  char path[PATH_MAX * 2];
  snprintf (path, sizeof path, "%s/ro", tmpdir);
  if (mount ("tmpfs", path, "tmpfs", 0, "size=1m,mode=0755") < 0)
    {
      skip_test ("cannot mount a tmpfs: %s", strerror (errno));
      close (dfd);
      return;
    }
  close (dfd);
  dfd = open_dir ("ro");
  put (dfd, NAME, "{\"old\":true}", 12, 0644);
  if (mount ("tmpfs", path, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL) < 0)
    {
      skip_test ("cannot remount the tmpfs read-only: %s", strerror (errno));
      close (dfd);
      umount (path);
      return;
    }

  struct hr_error err = { 0 };
  int r = writeback (dfd, "{\"new\":true}", 12, &err);
  check_int (r, ==, -EROFS);
  check_str (err.msg, "config.json: cannot create lock file \"config.json.hardrun-lock\": Read-only file system");
  ok (has_content (dfd, NAME, "{\"old\":true}", 12), "read-only: the original is intact");
  ok (!exists (dfd, LOCK), "read-only: no lock file is left");
  close (dfd);
  umount (path);
}

static void
test_full (void)
{
  if (!private_mounts)
    {
      skip_test ("no private mount namespace (needs root)");
      return;
    }
  char path[PATH_MAX * 2];
  snprintf (path, sizeof path, "%s/full", tmpdir);
  mkdir (path, 0755);
  if (mount ("tmpfs", path, "tmpfs", 0, "size=64k,mode=0755") < 0)
    {
      skip_test ("cannot mount a tmpfs: %s", strerror (errno));
      return;
    }
  int dfd = open_dir ("full");
  put (dfd, NAME, "{\"old\":true}", 12, 0644);
  size_t len = 0;
  cleanup_free char *big = make_doc (256 * 1024, 'b', &len);

  struct hr_error err = { 0 };
  int r = writeback (dfd, big, len, &err);
  check_int (r, ==, -ENOSPC);
  check_str (err.msg, "config.json: cannot write \"config.json.hardrun-lock\": No space left on device");
  ok (has_content (dfd, NAME, "{\"old\":true}", 12), "full: the original is intact");
  ok (!exists (dfd, LOCK), "full: the lock file is removed");
  close (dfd);
  umount (path);
}

static void
test_name_too_long (void)
{
  int dfd = open_dir ("long");
  char name[NAME_MAX + 1];
  memset (name, 'n', NAME_MAX - 5);
  strcpy (name + NAME_MAX - 5, ".json");
  put (dfd, name, "{}", 2, 0644);
  struct stat st;
  fstatat (dfd, name, &st, 0);
  struct hr_error err = { 0 };
  check_int (hr_writeback (dfd, name, &st, "[]", 2, "long.json", &err), ==, -ENAMETOOLONG);
  check_str (err.msg, "long.json: name too long for a lock file");
  ok (has_content (dfd, name, "{}", 2), "name too long: the original is intact");
  close (dfd);
}

/* ------------------------------------------------------------------ */
/* Lock files                                                          */

static void
test_stale_lock (void)
{
  int dfd = open_dir ("stale");
  struct hr_error err = { 0 };

  /* A plain lock file nobody holds. */
  put (dfd, NAME, "{\"old\":true}", 12, 0644);
  put (dfd, LOCK, "{\"half", 6, 0600);
  int r = writeback (dfd, "{\"new\":1}", 9, &err);
  ok (r == 0, "a lock file nobody holds is taken over");
  if (r < 0)
    diag ("  %s", err.msg);
  ok (has_content (dfd, NAME, "{\"new\":1}", 9), "stale: the new content is in place");
  ok (!exists (dfd, LOCK), "stale: no lock file is left");

  /* A lock file whose writer held flock() and was SIGKILLed. */
  pid_t pid = spawn_lock_holder (dfd);
  ok (pid > 0, "a child holds the lock");
  if (pid > 0)
    kill_and_reap (pid);
  ok (exists (dfd, LOCK), "the killed writer left its lock file");
  r = writeback (dfd, "{\"new\":2}", 9, &err);
  ok (r == 0, "the lock file of a killed writer is taken over");
  if (r < 0)
    diag ("  %s", err.msg);
  ok (has_content (dfd, NAME, "{\"new\":2}", 9), "killed writer: the new content is in place");
  ok (!exists (dfd, LOCK), "killed writer: no lock file is left");

  /* A symlink in the lock file's place is not followed or removed. */
  if (symlinkat ("/etc/passwd", dfd, LOCK) == 0)
    {
      r = writeback (dfd, "{\"new\":3}", 9, &err);
      check_int (r, ==, -ELOOP);
      check_str (err.msg,
                 "config.json: cannot remove stale lock file \"config.json.hardrun-lock\": Too many levels of symbolic links");
      ok (has_content (dfd, NAME, "{\"new\":2}", 9), "symlinked lock: the original is intact");
      struct stat st;
      ok (fstatat (dfd, LOCK, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode), "the symlink is left alone");
      unlinkat (dfd, LOCK, 0);
    }
  else
    skip_test ("symlink: %s", strerror (errno));
  close (dfd);
}

static void
test_live_lock (void)
{
  int dfd = open_dir ("live");
  put (dfd, NAME, "{\"old\":true}", 12, 0644);
  struct stat before;
  fstatat (dfd, NAME, &before, 0);

  pid_t pid = spawn_lock_holder (dfd);
  ok (pid > 0, "a live child holds the lock");
  if (pid <= 0)
    {
      close (dfd);
      return;
    }
  struct hr_error err = { 0 };
  double t0 = now ();
  int r = writeback (dfd, "{\"new\":true}", 12, &err);
  double waited = now () - t0;
  check_int (r, ==, -EBUSY);
  check_str (err.msg, "config.json: lock file \"config.json.hardrun-lock\" is held by another writer");
  ok (waited >= 1.5 && waited < 30, "it waited %.2f s before giving up", waited);
  struct stat after;
  fstatat (dfd, NAME, &after, 0);
  ok (after.st_ino == before.st_ino && has_content (dfd, NAME, "{\"old\":true}", 12),
      "live lock: the original is untouched");
  ok (has_content (dfd, LOCK, "{\"half\":", 8), "live lock: the holder's lock file is untouched");

  kill_and_reap (pid);
  r = writeback (dfd, "{\"new\":true}", 12, &err);
  ok (r == 0, "once the holder is gone the write-back succeeds");
  if (r < 0)
    diag ("  %s", err.msg);
  ok (has_content (dfd, NAME, "{\"new\":true}", 12) && !exists (dfd, LOCK), "and leaves the new file, no lock");
  close (dfd);
}

/* ------------------------------------------------------------------ */
/* A writer killed at a random moment                                  */

#define CRASH_ITERATIONS 300

static void
test_crash_loop (void)
{
  int dfd = open_dir ("crash");
  size_t len[2];
  cleanup_free char *doc0 = make_doc (1024 * 1024, 'A', &len[0]);
  cleanup_free char *doc1 = make_doc (1024 * 1024, 'B', &len[1]);
  const char *docs[2] = { doc0, doc1 };
  put (dfd, NAME, docs[0], len[0], 0640);

  /* How long a writer takes from fork() to exit when nobody kills it. The
   * kill comes 0-3 ms after the fork, or up to 1.5 times that duration when
   * it is longer, so that some kills land after the rename too. */
  double full = 0;
  for (int i = 0; i < 5; i++)
    {
      double t0 = now ();
      pid_t pid = fork ();
      if (pid == 0)
        {
          struct hr_error err = { 0 };
          _exit (writeback (dfd, docs[0], len[0], &err) == 0 ? 0 : 1);
        }
      int status = 0;
      waitpid (pid, &status, 0);
      double t = now () - t0;
      full = t > full ? t : full;
      ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "an unkilled writer succeeds (%.2f ms)", t * 1e3);
    }
  long max_us = full * 1.5e6 > 3000 ? (long) (full * 1.5e6) : 3000;
  unsigned seed = (unsigned) time (NULL) ^ (unsigned) getpid ();
  diag ("crash loop: seed %u, a writer takes up to %.2f ms, kills 0-%.2f ms after fork", seed, full * 1e3,
        (double) max_us / 1e3);
  int old_seen = 0, new_seen = 0, finished = 0, stale_locks = 0, bad = 0, blocked = 0, iterations = 0;
  for (int i = 0; i < CRASH_ITERATIONS; i++)
    {
      int cur = i % 2, next = 1 - cur;
      pid_t pid = fork ();
      if (pid == 0)
        {
          struct hr_error err = { 0 };
          _exit (writeback (dfd, docs[next], len[next], &err) == 0 ? 0 : 1);
        }
      if (pid < 0)
        break;
      struct timespec delay = { 0, (long) ((unsigned long) rand_r (&seed) % (unsigned long) (max_us + 1)) * 1000 };
      nanosleep (&delay, NULL);
      kill (pid, SIGKILL);
      int status = 0;
      waitpid (pid, &status, 0);
      iterations++;
      if (WIFEXITED (status))
        finished++;
      if (exists (dfd, LOCK))
        stale_locks++;

      /* The file parses and is the old or the new document, whole. */
      size_t got_len = 0;
      cleanup_free char *got = slurp (dfd, NAME, &got_len);
      cleanup_json struct hr_json *parsed = NULL;
      bool parses = got && hr_json_parse (got, got_len, NAME, &parsed, NULL) == 0;
      bool is_old = got && got_len == len[cur] && memcmp (got, docs[cur], got_len) == 0;
      bool is_new = got && got_len == len[next] && memcmp (got, docs[next], got_len) == 0;
      if (is_old)
        old_seen++;
      if (is_new)
        new_seen++;
      if (!parses || !(is_old || is_new))
        {
          if (bad++ < 5)
            diag ("iteration %d: config.json is %zu bytes, %s, neither old nor new", i, got_len,
                  parses ? "parses" : "does not parse");
        }

      /* The next writer is not blocked by whatever the killed one left. */
      struct hr_error err = { 0 };
      if (writeback (dfd, docs[next], len[next], &err) < 0 || !has_content (dfd, NAME, docs[next], len[next])
          || exists (dfd, LOCK))
        {
          if (blocked++ < 5)
            diag ("iteration %d: the next write-back failed: %s", i, err.msg);
        }
    }
  diag ("crash loop: %d iterations: %d killed with the old file in place, %d with the new one, "
        "%d finished before the kill; %d left a lock file; %d bad files; %d blocked write-backs",
        iterations, old_seen, new_seen - finished, finished, stale_locks, bad, blocked);
  check_int (iterations, ==, CRASH_ITERATIONS);
  check_int (bad, ==, 0);
  check_int (blocked, ==, 0);
  check_int (old_seen + new_seen, ==, iterations);
  ok (stale_locks > 0, "some kills left a lock file to take over (%d)", stale_locks);
  struct stat st;
  fstatat (dfd, NAME, &st, 0);
  check_int (st.st_mode & 07777, ==, 0640);
  close (dfd);
}

/* ------------------------------------------------------------------ */
/* Concurrent writers                                                  */

#define WRITERS 4
#define WRITES 60

struct writer_result
{
  int done, busy, failed, torn;
};

static void
test_concurrent (void)
{
  int dfd = open_dir ("concurrent");
  size_t len[WRITERS];
  char *docs[WRITERS];
  for (int w = 0; w < WRITERS; w++)
    docs[w] = make_doc (256 * 1024, (char) ('a' + w), &len[w]);
  put (dfd, NAME, docs[0], len[0], 0644);

  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    {
      ok (false, "pipe: %s", strerror (errno));
      return;
    }
  for (int w = 0; w < WRITERS; w++)
    if (fork () == 0)
      {
        struct writer_result res = { 0 };
        for (int i = 0; i < WRITES; i++)
          {
            struct hr_error err = { 0 };
            int r = writeback (dfd, docs[w], len[w], &err);
            if (r == 0)
              res.done++;
            else if (r == -EBUSY)
              res.busy++;
            else if (res.failed++ < 2)
              printf ("# writer %d: %s\n", w, err.msg);
            /* Whatever is in place is one writer's whole document. */
            size_t got_len = 0;
            cleanup_free char *got = slurp (dfd, NAME, &got_len);
            bool whole = false;
            for (int k = 0; k < WRITERS; k++)
              whole = whole || (got && got_len == len[k] && memcmp (got, docs[k], got_len) == 0);
            if (!whole && res.torn++ < 2)
              printf ("# writer %d: config.json is %zu bytes and no writer's document\n", w, got_len);
          }
        fflush (stdout);
        _exit (write (p[1], &res, sizeof res) == sizeof res ? 0 : 1);
      }
  close (p[1]);
  struct writer_result sum = { 0 }, res;
  int reported = 0;
  while (read (p[0], &res, sizeof res) == sizeof res)
    {
      sum.done += res.done;
      sum.busy += res.busy;
      sum.failed += res.failed;
      sum.torn += res.torn;
      reported++;
    }
  close (p[0]);
  while (wait (NULL) > 0)
    ;
  diag ("concurrent: %d writers x %d: %d written, %d busy, %d failed, %d torn reads", WRITERS, WRITES, sum.done,
        sum.busy, sum.failed, sum.torn);
  check_int (reported, ==, WRITERS);
  check_int (sum.failed, ==, 0);
  check_int (sum.torn, ==, 0);
  check_int (sum.done + sum.busy, ==, WRITERS * WRITES);
  ok (!exists (dfd, LOCK), "concurrent: no lock file is left");
  for (int w = 0; w < WRITERS; w++)
    free (docs[w]);
  close (dfd);
}

static void
remove_tree (const char *dir)
{
  DIR *d = opendir (dir);
  if (d == NULL)
    return;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      char p[PATH_MAX * 2];
      snprintf (p, sizeof p, "%s/%s", dir, de->d_name);
      struct stat st;
      if (lstat (p, &st) == 0 && S_ISDIR (st.st_mode))
        remove_tree (p);
      else
        unlink (p);
    }
  closedir (d);
  rmdir (dir);
}

int
main (void)
{
  const char *t = getenv ("TMPDIR");
  snprintf (tmpdir, sizeof tmpdir, "%s/hardrun-test-writeback.XXXXXX", t && *t ? t : "/tmp");
  if (mkdtemp (tmpdir) == NULL)
    {
      printf ("Bail out! mkdtemp: %s\n", strerror (errno));
      return 1;
    }
  /* Mounts made here stay in this process's namespace and go with it. */
  private_mounts = unshare (CLONE_NEWNS) == 0 && mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0;
  setvbuf (stdout, NULL, _IOLBF, 0);

  test_mode_and_owner ();
  test_readonly ();
  test_full ();
  test_name_too_long ();
  test_stale_lock ();
  test_live_lock ();
  test_crash_loop ();
  test_concurrent ();

  remove_tree (tmpdir);
  return done_testing ();
}
