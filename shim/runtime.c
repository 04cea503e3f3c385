#include "config.h"
#include "runtime.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static bool
is_self (const struct stat *self, const char *path)
{
  struct stat st;
  if (stat (path, &st) < 0)
    return false;
  return st.st_dev == self->st_dev && st.st_ino == self->st_ino;
}

static bool
is_executable_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

static int
check_named (const char *path, const struct stat *self, const char *what, char *ret, size_t size,
             struct hr_error *err)
{
  if (path[0] != '/')
    return hr_error_set (err, EINVAL, "runtime \"%s\" (%s): not an absolute path", path, what);
  if (!is_executable_file (path))
    return hr_error_set (err, ENOENT, "runtime \"%s\" (%s): not an executable file", path, what);
  if (self && is_self (self, path))
    return hr_error_set (err, ELOOP, "runtime \"%s\" (%s) is hardrun itself", path, what);
  if (strlen (path) >= size)
    return hr_error_set (err, ENAMETOOLONG, "runtime path \"%s\" is too long", path);
  strcpy (ret, path);
  return 0;
}

int
hr_runtime_find (const char *explicit_path, const char *from_policy, char *ret, size_t size,
                 enum hr_runtime_source *ret_source, struct hr_error *err)
{
  struct stat self_st;
  const struct stat *self = stat ("/proc/self/exe", &self_st) == 0 ? &self_st : NULL;
  enum hr_runtime_source src;
  int r;

  if (explicit_path)
    {
      src = HR_RUNTIME_OPTION;
      r = check_named (explicit_path, self, "from --hardrun-runtime", ret, size, err);
      goto done;
    }
  if (from_policy && *from_policy)
    {
      src = HR_RUNTIME_POLICY;
      r = check_named (from_policy, self, "from the policy file", ret, size, err);
      goto done;
    }
  if (HARDRUN_DEFAULT_RUNTIME[0])
    {
      src = HR_RUNTIME_BUILD;
      r = check_named (HARDRUN_DEFAULT_RUNTIME, self, "the build-time default", ret, size, err);
      goto done;
    }

  src = HR_RUNTIME_PATH;
  const char *path_env = getenv ("PATH");
  if (path_env == NULL || *path_env == '\0')
    path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  static const char *const names[] = { "runc", "crun" };
  for (size_t k = 0; k < HR_ARRAY_SIZE (names); k++)
    {
      const char *p = path_env;
      while (*p)
        {
          const char *colon = strchr (p, ':');
          size_t n = colon ? (size_t) (colon - p) : strlen (p);
          char cand[PATH_MAX];
          if (n > 0 && p[0] == '/' && n + 1 + strlen (names[k]) < sizeof cand)
            {
              snprintf (cand, sizeof cand, "%.*s/%s", (int) n, p, names[k]);
              if (is_executable_file (cand) && !(self && is_self (self, cand)))
                {
                  if (strlen (cand) >= size)
                    return hr_error_set (err, ENAMETOOLONG, "runtime path \"%s\" is too long", cand);
                  strcpy (ret, cand);
                  r = 0;
                  goto done;
                }
            }
          if (colon == NULL)
            break;
          p = colon + 1;
        }
    }
  return hr_error_set (err, ENOENT, "no runtime found: neither runc nor crun is in PATH "
                       "(set one with --hardrun-runtime or \"runtime\" in the policy file)");

done:
  if (r == 0 && ret_source)
    *ret_source = src;
  return r;
}

static char **
env_with_guard (void)
{
  size_t n = 0;
  while (environ && environ[n])
    n++;
  char **env = calloc (n + 2, sizeof (char *));
  if (env == NULL)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (strncmp (environ[i], HR_LOOP_GUARD_ENV "=", sizeof HR_LOOP_GUARD_ENV) != 0)
      env[k++] = environ[i];
  env[k++] = (char *) HR_LOOP_GUARD_ENV "=1";
  env[k] = NULL;
  return env;
}

int
hr_runtime_exec (const char *path, char **argv, struct hr_error *err)
{
  cleanup_free char **env = env_with_guard ();
  if (env == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  char *saved = argv[0];
  argv[0] = (char *) path;
  execve (path, argv, env);
  int e = errno;
  argv[0] = saved;
  return hr_error_setsys (err, e, "cannot execute runtime \"%s\"", path);
}

int
hr_runtime_run (const char *path, char **argv, struct hr_error *err)
{
  cleanup_free char **env = env_with_guard ();
  if (env == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    return hr_error_setsys (err, errno, "fork");
  if (pid == 0)
    {
      argv[0] = (char *) path;
      execve (path, argv, env);
      _exit (127);
    }
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return hr_error_setsys (err, errno, "waiting for \"%s\"", path);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
    {
      /* the child could not start it; say so as exec would */
      if (access (path, X_OK) < 0)
        return hr_error_setsys (err, errno, "cannot execute runtime \"%s\"", path);
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

int
hr_runtime_has_container (const char *path, const char *root, const char *id, struct hr_error *err)
{
  char *argv[] = { (char *) path, (char *) "--root", (char *) root, (char *) "state", (char *) id, NULL };
  char **args = root ? argv : (char *[]) { (char *) path, (char *) "state", (char *) id, NULL };
  cleanup_free char **env = env_with_guard ();
  if (env == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  cleanup_close int devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0)
    return hr_error_setsys (err, errno, "cannot open /dev/null");
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    return hr_error_setsys (err, errno, "fork");
  if (pid == 0)
    {
      if (dup2 (devnull, STDIN_FILENO) < 0 || dup2 (devnull, STDOUT_FILENO) < 0 || dup2 (devnull, STDERR_FILENO) < 0)
        _exit (127);
      execve (path, args, env);
      _exit (127);
    }
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return hr_error_setsys (err, errno, "waiting for \"%s state\"", path);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
    return hr_error_set (err, ENOEXEC, "cannot run \"%s state\"", path);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

int
hr_runtime_capture (const char *path, char **argv, size_t max, char **ret, size_t *ret_len,
                    struct hr_error *err)
{
  int pfd[2];
  if (pipe2 (pfd, O_CLOEXEC) < 0)
    return hr_error_setsys (err, errno, "pipe");
  cleanup_free char **env = env_with_guard ();
  if (env == NULL)
    {
      close (pfd[0]);
      close (pfd[1]);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  pid_t pid = fork ();
  if (pid < 0)
    {
      int e = errno;
      close (pfd[0]);
      close (pfd[1]);
      return hr_error_setsys (err, e, "fork");
    }
  if (pid == 0)
    {
      dup2 (pfd[1], STDOUT_FILENO);
      argv[0] = (char *) path;
      execve (path, argv, env);
      _exit (127);
    }
  close (pfd[1]);
  cleanup_close int rfd = pfd[0];
  size_t cap = 4096, len = 0;
  cleanup_free char *buf = malloc (cap);
  int r = 0;
  while (buf)
    {
      if (len + 1 >= cap)
        {
          if (cap >= max)
            {
              r = hr_error_set (err, EFBIG, "output of \"%s\" is larger than %zu bytes", path, max);
              break;
            }
          char *nb = realloc (buf, cap * 2);
          if (nb == NULL)
            break;
          buf = nb;
          cap *= 2;
        }
      ssize_t n = read (rfd, buf + len, cap - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (size_t) n;
    }
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (buf == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  if (r < 0)
    return r;
  buf[len] = '\0';
  *ret = steal_pointer (&buf);
  *ret_len = len;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
