/* replay: runs a fuzz target's LLVMFuzzerTestOneInput over saved inputs,
 * without libFuzzer, and reports TAP: one test point per file.
 *
 *   replay-TARGET [--todo NAME]... [--timeout SECONDS] PATH...
 *   replay-TARGET
 *
 * A PATH that is a directory stands for its files (not its dot-files and
 * not its subdirectories), in name order. Without a PATH, as `make check`
 * runs it, it replays what fuzz/TARGET.replay in the source tree lists
 * ($HARDRUN_SRCDIR, else the tree it was built from), one entry a line:
 *
 *   corpus/TARGET              a path relative to fuzz/
 *   todo NAME  why...          the same as --todo NAME
 *
 * Each input runs in a child process, so that an abort() from a failed
 * invariant, or a crash, fails that input alone: "not ok N - PATH: killed
 * by signal 6". The target's own message is on stderr.
 *
 * An input whose file name is given with --todo is a known bug, reported
 * but not yet fixed: its test point carries "# TODO", which TAP counts as
 * an expected failure. Once the bug is fixed, automake's TAP driver reports
 * it as XPASS, a failure: the reminder to drop the "todo" line. */
#include "config.h"
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FUZZ_SRCDIR
#error "FUZZ_SRCDIR must name the source tree"
#endif
#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the fuzz target"
#endif

#define REPLAY_MAX_INPUT (8u * 1024 * 1024)

struct list
{
  char **v;
  size_t n;
};

static void
list_add (struct list *l, const char *s)
{
  char **n = realloc (l->v, (l->n + 1) * sizeof *n);
  if (n == NULL || (s = strdup (s)) == NULL)
    {
      fprintf (stderr, "replay: out of memory\n");
      exit (2);
    }
  l->v = n;
  l->v[l->n++] = (char *) s;
}

static void
list_release (struct list *l)
{
  for (size_t i = 0; i < l->n; i++)
    free (l->v[i]);
  free (l->v);
}

static int
no_dot (const struct dirent *d)
{
  return d->d_name[0] != '.';
}

/* Adds PATH, or the regular files of directory PATH, to FILES. */
static int
collect (const char *path, struct list *files)
{
  struct stat st;
  if (stat (path, &st) < 0)
    {
      fprintf (stderr, "replay: \"%s\": %s\n", path, strerror (errno));
      return -1;
    }
  if (!S_ISDIR (st.st_mode))
    {
      list_add (files, path);
      return 0;
    }
  struct dirent **names;
  int n = scandir (path, &names, no_dot, alphasort);
  if (n < 0)
    {
      fprintf (stderr, "replay: \"%s\": %s\n", path, strerror (errno));
      return -1;
    }
  for (int i = 0; i < n; i++)
    {
      char *full;
      if (asprintf (&full, "%s/%s", path, names[i]->d_name) < 0)
        exit (2);
      if (stat (full, &st) == 0 && S_ISREG (st.st_mode))
        list_add (files, full);
      free (full);
      free (names[i]);
    }
  free (names);
  return 0;
}

/* Reads PATH into a malloc'ed buffer of exactly its size (so that a
 * target reading past the end is caught under ASan). */
static uint8_t *
read_input (const char *path, size_t *ret_len)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || (size_t) st.st_size > REPLAY_MAX_INPUT)
    {
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  size_t len = (size_t) st.st_size;
  uint8_t *buf = malloc (len ? len : 1);
  size_t off = 0;
  while (buf && off < len)
    {
      ssize_t n = read (fd, buf + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      off += (size_t) n;
    }
  close (fd);
  if (buf == NULL || off != len)
    {
      free (buf);
      return NULL;
    }
  *ret_len = len;
  return buf;
}

/* Runs one input in a child. Returns its wait status, or -1. */
static int
run_one (const char *path, unsigned timeout)
{
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      size_t len = 0;
      uint8_t *data = read_input (path, &len);
      if (data == NULL)
        {
          fprintf (stderr, "replay: cannot read \"%s\"\n", path);
          _exit (3);
        }
      alarm (timeout);
      LLVMFuzzerTestOneInput (data, len);
      free (data);
      exit (0);                 /* not _exit: LeakSanitizer checks at exit */
    }
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return status;
}

/* Reads fuzz/TARGET.replay into FILES and TODO. */
static int
read_list (struct list *files, struct list *todo)
{
  const char *srcdir = getenv ("HARDRUN_SRCDIR");
  char *path, *line = NULL;
  size_t cap = 0;
  int r = 0;
  if (srcdir == NULL || *srcdir == '\0')
    srcdir = FUZZ_SRCDIR;
  if (asprintf (&path, "%s/fuzz/%s.replay", srcdir, FUZZ_TARGET) < 0)
    exit (2);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    {
      fprintf (stderr, "replay: \"%s\": %s\n", path, strerror (errno));
      free (path);
      return -1;
    }
  while (r == 0 && getline (&line, &cap, f) > 0)
    {
      char *word = strtok (line, " \t\n");
      if (word == NULL || word[0] == '#')
        continue;
      if (strcmp (word, "todo") == 0)
        {
          char *name = strtok (NULL, " \t\n");
          if (name)
            list_add (todo, name);
          continue;
        }
      char *full;
      if (asprintf (&full, "%s/fuzz/%s", srcdir, word) < 0)
        exit (2);
      r = collect (full, files);
      free (full);
    }
  free (line);
  fclose (f);
  free (path);
  return r;
}

static bool
is_todo (const struct list *todo, const char *path)
{
  const char *base = strrchr (path, '/');
  base = base ? base + 1 : path;
  for (size_t i = 0; i < todo->n; i++)
    if (strcmp (todo->v[i], base) == 0)
      return true;
  return false;
}

int
main (int argc, char **argv)
{
  struct list files = { 0 }, todo = { 0 };
  unsigned timeout = 60;
  int status = 0;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--todo") == 0 && i + 1 < argc)
        list_add (&todo, argv[++i]);
      else if (strcmp (argv[i], "--timeout") == 0 && i + 1 < argc)
        timeout = (unsigned) strtoul (argv[++i], NULL, 10);
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        {
          fprintf (stderr, "usage: %s [--todo NAME]... [--timeout SECONDS] PATH...\n", argv[0]);
          return 2;
        }
      else if (collect (argv[i], &files) < 0)
        status = 1;
    }
  if (argc == 1 && read_list (&files, &todo) < 0)
    status = 1;
  if (status != 0)
    {
      printf ("Bail out! cannot read the inputs\n");
      return 1;
    }
  if (files.n == 0)
    {
      printf ("1..0 # SKIP no inputs\n");
      return 0;
    }

  printf ("1..%zu\n", files.n);
  for (size_t i = 0; i < files.n; i++)
    {
      const char *path = files.v[i];
      int st = run_one (path, timeout);
      const char *directive = is_todo (&todo, path) ? " # TODO known bug, see fuzz/" FUZZ_TARGET ".replay" : "";
      if (st == 0)
        printf ("ok %zu - %s%s\n", i + 1, path, directive);
      else
        {
          if (st < 0)
            printf ("not ok %zu - %s: cannot run it: %s%s\n", i + 1, path, strerror (errno), directive);
          else if (WIFSIGNALED (st))
            printf ("not ok %zu - %s: killed by signal %d (%s)%s\n", i + 1, path, WTERMSIG (st),
                    WTERMSIG (st) == SIGALRM ? "timeout" : strsignal (WTERMSIG (st)), directive);
          else
            printf ("not ok %zu - %s: exit status %d%s\n", i + 1, path, WEXITSTATUS (st), directive);
          if (!*directive)
            status = 1;
        }
      fflush (stdout);
    }
  list_release (&files);
  list_release (&todo);
  return status;
}
