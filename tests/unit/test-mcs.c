/* The SELinux MCS registry: unique pairs across pods, one pair per pod,
 * release and reuse, and several processes allocating at once. */
#include "config.h"
#include "policy/mcs.h"
#include "cleanup.h"
#include "host-fake.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAIR(c1, c2) ((size_t) (c1) * HR_MCS_CATEGORIES + (c2))

static char state_dir[] = "/tmp/hardrun-test-mcs.XXXXXX";

static char *
registry_path (void)
{
  static char path[256];
  snprintf (path, sizeof path, "%s/%s", state_dir, HR_MCS_REGISTRY);
  return path;
}

static void
write_registry (const char *content)
{
  FILE *f = fopen (registry_path (), "we");
  if (f == NULL)
    abort ();
  fputs (content, f);
  fclose (f);
}

/* Reads the registry back: every line must parse; returns the count and
 * whether pairs and keys are unique. */
static int
scan_registry (bool *ret_unique_pairs, bool *ret_unique_keys, bool *ret_intact)
{
  cleanup_fclose FILE *f = fopen (registry_path (), "re");
  cleanup_free uint8_t *seen = calloc (HR_MCS_CATEGORIES * HR_MCS_CATEGORIES, 1);
  cleanup_free char *line = NULL;
  char **keys = NULL;
  size_t cap = 0;
  int n = 0;

  *ret_unique_pairs = *ret_unique_keys = *ret_intact = true;
  if (f == NULL || seen == NULL)
    return -1;
  while (getline (&line, &cap, f) > 0)
    {
      unsigned c1, c2;
      char key[HR_MCS_MAX_KEY + 1];
      int used = 0;
      if (sscanf (line, "c%u,c%u %255s\n%n", &c1, &c2, key, &used) != 3 || c1 >= c2 || c2 >= HR_MCS_CATEGORIES
          || line[strlen (line) - 1] != '\n')
        {
          *ret_intact = false;
          continue;
        }
      if (seen[PAIR (c1, c2)]++)
        *ret_unique_pairs = false;
      for (int i = 0; i < n; i++)
        if (strcmp (keys[i], key) == 0)
          *ret_unique_keys = false;
      keys = realloc (keys, (size_t) (n + 1) * sizeof *keys);
      keys[n++] = strdup (key);
    }
  for (int i = 0; i < n; i++)
    free (keys[i]);
  free (keys);
  return n;
}

static void
test_basic (void)
{
  struct hr_error err = { 0 };
  unsigned a1 = 0, a2 = 0, b1 = 0, b2 = 0, c1 = 0, c2 = 0;

  check_int (hr_mcs_reserve (state_dir, "pod-a", &a1, &a2, &err), ==, 0);
  ok (a1 < a2 && a2 < HR_MCS_CATEGORIES, "pair c%u,c%u is ordered and in range", a1, a2);
  check_int (hr_mcs_reserve (state_dir, "pod-a", &b1, &b2, &err), ==, 0);
  ok (a1 == b1 && a2 == b2, "the same pod gets the same pair");
  check_int (hr_mcs_reserve (state_dir, "pod-b", &c1, &c2, &err), ==, 0);
  ok (!(a1 == c1 && a2 == c2), "another pod gets another pair");

  bool up, uk, intact;
  check_int (scan_registry (&up, &uk, &intact), ==, 2);
  ok (up && uk && intact, "registry holds one line per pod");

  /* Release: the pair goes, other reservations stay. */
  check_int (hr_mcs_release (state_dir, "pod-a", &err), ==, 0);
  check_int (scan_registry (&up, &uk, &intact), ==, 1);
  check_int (hr_mcs_release (state_dir, "pod-a", &err), ==, 0);
  check_int (hr_mcs_release (state_dir, "never-reserved", &err), ==, 0);
  check_int (hr_mcs_reserve (state_dir, "pod-b", &b1, &b2, &err), ==, 0);
  ok (b1 == c1 && b2 == c2, "release of one pod keeps the other's pair");
  check_int (hr_mcs_reserve (state_dir, "pod-a", &b1, &b2, &err), ==, 0);
  ok (!(b1 == c1 && b2 == c2), "a released pod reserves anew, not another pod's pair");
  check_int (hr_mcs_release (state_dir, "pod-a", &err), ==, 0);
  check_int (hr_mcs_release (state_dir, "pod-b", &err), ==, 0);
  check_int (scan_registry (&up, &uk, &intact), ==, 0);

  /* No lock or temporary file is left behind as a registry. */
  struct stat st;
  char tmp[300];
  snprintf (tmp, sizeof tmp, "%s/%s.tmp", state_dir, HR_MCS_REGISTRY);
  check_int (stat (tmp, &st), ==, -1);
}

static void
test_many (void)
{
  struct hr_error err = { 0 };
  cleanup_free uint8_t *seen = calloc (HR_MCS_CATEGORIES * HR_MCS_CATEGORIES, 1);
  unsigned first1 = 0, first2 = 0;
  bool all_ok = true, unique = true, in_range = true;

  for (int i = 0; i < 1000; i++)
    {
      char key[32];
      unsigned c1, c2;
      snprintf (key, sizeof key, "many-%d", i);
      if (hr_mcs_reserve (state_dir, key, &c1, &c2, &err) < 0)
        {
          all_ok = false;
          diag ("%s", err.msg);
          break;
        }
      if (!(c1 < c2 && c2 < HR_MCS_CATEGORIES))
        in_range = false;
      else if (seen[PAIR (c1, c2)]++)
        unique = false;
      if (i == 0)
        {
          first1 = c1;
          first2 = c2;
        }
    }
  ok (all_ok, "1000 pods reserve a pair");
  ok (in_range, "every pair is c1 < c2 < %d", HR_MCS_CATEGORIES);
  ok (unique, "no pair is given to two pods");

  unsigned c1 = 0, c2 = 0;
  check_int (hr_mcs_reserve (state_dir, "many-0", &c1, &c2, &err), ==, 0);
  ok (c1 == first1 && c2 == first2, "the first pod still holds its pair after 999 more");

  /* Release everything; the registry ends empty. */
  bool released = true;
  for (int i = 0; i < 1000; i++)
    {
      char key[32];
      snprintf (key, sizeof key, "many-%d", i);
      if (hr_mcs_release (state_dir, key, &err) < 0)
        released = false;
    }
  ok (released, "1000 pods release their pair");
  bool up, uk, intact;
  check_int (scan_registry (&up, &uk, &intact), ==, 0);
}

static void
test_invalid (void)
{
  struct hr_error err = { 0 };
  unsigned c1, c2;
  char long_key[HR_MCS_MAX_KEY + 2];

  check_int (hr_mcs_reserve (state_dir, "", &c1, &c2, &err), ==, -EINVAL);
  check_int (hr_mcs_reserve (state_dir, "two words", &c1, &c2, &err), ==, -EINVAL);
  check_contains (err.msg, "pod key");
  check_int (hr_mcs_reserve (state_dir, "line\nbreak", &c1, &c2, &err), ==, -EINVAL);
  memset (long_key, 'k', sizeof long_key - 1);
  long_key[sizeof long_key - 1] = '\0';
  check_int (hr_mcs_reserve (state_dir, long_key, &c1, &c2, &err), ==, -EINVAL);
  long_key[HR_MCS_MAX_KEY] = '\0';
  check_int (hr_mcs_reserve (state_dir, long_key, &c1, &c2, &err), ==, 0);
  check_int (hr_mcs_release (state_dir, long_key, &err), ==, 0);

  /* A registry that does not parse is an error, and is left as it was. */
  static const struct
  {
    const char *content, *msg;
  } bad[] = {
    { "c1,c2 a\nc3,c4", "unterminated" },
    { "c1,c2\n", "malformed reservation" },
    { "c2,c1 a\n", "malformed reservation" },
    { "c1,c1024 a\n", "malformed reservation" },
    { "c1;c2 a\n", "malformed reservation" },
    { "c1,c2 a b\n", "malformed pod key" },
    { "c1,c2 a\nc1,c2 b\n", "reserved twice" },
    { "c1,c2 a\nc3,c4 a\n", "listed twice" },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (bad); i++)
    {
      write_registry (bad[i].content);
      check_int (hr_mcs_reserve (state_dir, "pod", &c1, &c2, &err), ==, -EINVAL);
      check_contains (err.msg, bad[i].msg);
    }
  write_registry ("c1,c2 a\n");
  check_int (hr_mcs_reserve (state_dir, "a", &c1, &c2, &err), ==, 0);
  ok (c1 == 1 && c2 == 2, "an existing registry is read");
  check_int (hr_mcs_release (state_dir, "a", &err), ==, 0);

  /* A missing state directory: reserve creates it, release has nothing. */
  char sub[300];
  snprintf (sub, sizeof sub, "%s/sub", state_dir);
  check_int (hr_mcs_release (sub, "pod", &err), ==, 0);
  check_int (hr_mcs_reserve (sub, "pod", &c1, &c2, &err), ==, 0);
  check_int (hr_mcs_release (sub, "pod", &err), ==, 0);
  check_int (hr_mcs_reserve ("/nonexistent/dir", "pod", &c1, &c2, &err), ==, -ENOENT);
  check_contains (err.msg, "/nonexistent/dir");
  char path[400];
  snprintf (path, sizeof path, "%s/%s", sub, HR_MCS_REGISTRY);
  unlink (path);
  snprintf (path, sizeof path, "%s/%s.lock", sub, HR_MCS_REGISTRY);
  unlink (path);
  rmdir (sub);
}

#define CHILDREN 8
#define PODS_PER_CHILD 50

static void
test_concurrent (void)
{
  pid_t pids[CHILDREN];
  int pipes[CHILDREN][2];

  unlink (registry_path ());
  for (int c = 0; c < CHILDREN; c++)
    {
      if (pipe (pipes[c]) < 0)
        abort ();
      fflush (stdout);
      pids[c] = fork ();
      if (pids[c] < 0)
        abort ();
      if (pids[c] == 0)
        {
          /* The child reports its pairs on the pipe; exit 1 on any error. */
          close (pipes[c][0]);
          for (int i = 0; i < PODS_PER_CHILD; i++)
            {
              struct hr_error err = { 0 };
              char key[32];
              unsigned pair[2];
              snprintf (key, sizeof key, "child%d-pod%d", c, i);
              if (hr_mcs_reserve (state_dir, key, &pair[0], &pair[1], &err) < 0)
                {
                  fprintf (stderr, "%s\n", err.msg);
                  _exit (1);
                }
              if (write (pipes[c][1], pair, sizeof pair) != (ssize_t) sizeof pair)
                _exit (1);
            }
          _exit (0);
        }
      close (pipes[c][1]);
    }

  cleanup_free uint8_t *seen = calloc (HR_MCS_CATEGORIES * HR_MCS_CATEGORIES, 1);
  int children_ok = 0, received = 0;
  bool unique = true;
  for (int c = 0; c < CHILDREN; c++)
    {
      unsigned pair[2];
      while (read (pipes[c][0], pair, sizeof pair) == (ssize_t) sizeof pair)
        {
          received++;
          if (pair[0] >= pair[1] || pair[1] >= HR_MCS_CATEGORIES || seen[PAIR (pair[0], pair[1])]++)
            unique = false;
        }
      close (pipes[c][0]);
      int status;
      if (waitpid (pids[c], &status, 0) == pids[c] && WIFEXITED (status) && WEXITSTATUS (status) == 0)
        children_ok++;
    }
  check_int (children_ok, ==, CHILDREN);
  check_int (received, ==, CHILDREN * PODS_PER_CHILD);
  ok (unique, "no pair was handed to two pods by concurrent processes");

  bool up, uk, intact;
  check_int (scan_registry (&up, &uk, &intact), ==, CHILDREN * PODS_PER_CHILD);
  ok (intact, "every line of the registry is intact");
  ok (up, "every pair in the registry is unique");
  ok (uk, "every pod key in the registry is unique");
}

int
main (void)
{
  if (mkdtemp (state_dir) == NULL)
    {
      perror ("mkdtemp");
      return 1;
    }
  test_basic ();
  test_many ();
  test_invalid ();
  test_concurrent ();

  char path[300];
  snprintf (path, sizeof path, "%s/%s.lock", state_dir, HR_MCS_REGISTRY);
  unlink (path);
  unlink (registry_path ());
  rmdir (state_dir);
  hr_fake_reset ();
  return done_testing ();
}
