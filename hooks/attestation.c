/* Attestation from hardrun-hook: see attestation.h and docs/monitor.md. */
#include "config.h"
#include "attestation.h"
#include "attest.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROC_FILE (256 * 1024)

/* Reads /proc/PID/NAME (relative to the open /proc/PID directory DIRFD)
 * into BUF, NUL-terminated; false when it cannot. */
static bool
read_at (int dirfd, const char *name, char *buf, size_t size)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  size_t len = 0;
  ssize_t n;
  while (len + 1 < size && (n = read (fd, buf + len, size - 1 - len)) > 0)
    len += (size_t) n;
  buf[len] = '\0';
  return len > 0;
}

/* Kills every process of the container: its init (by pidfd, so that a
 * recycled pid is never hit; in a pid namespace of its own the kernel
 * then kills the rest), and whatever else its pids cgroup lists. */
static void
kill_container (int pidfd, int dirfd)
{
  syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  static char cg[4096];
  if (!read_at (dirfd, "cgroup", cg, sizeof cg))
    return;
  for (char *line = strtok (cg, "\n"); line; line = strtok (NULL, "\n"))
    {
      char path[PATH_MAX];
      const char *rel = NULL;
      if (strncmp (line, "0::", 3) == 0)
        {
          rel = line + 3;
          snprintf (path, sizeof path, "/sys/fs/cgroup%s%s/cgroup.procs",
                    access ("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? "" : "/unified", rel);
        }
      else if (strstr (line, ":pids:"))
        {
          rel = strstr (line, ":pids:") + 6;
          snprintf (path, sizeof path, "/sys/fs/cgroup/pids%s/cgroup.procs", rel);
        }
      if (rel == NULL || strcmp (rel, "/") == 0)
        continue;               /* never the root cgroup */
      FILE *f = fopen (path, "re");
      long p;
      while (f && fscanf (f, "%ld", &p) == 1)
        if (p > 1)
          kill ((pid_t) p, SIGKILL);
      if (f)
        fclose (f);
    }
}

/* Still the runtime's own init, before its execve of the workload? runc
 * 1.1 runs poststart hooks during create, while its init waits for
 * "start" with everything but the execve done; crun runs them after
 * start, and its init may not yet have loaded the filter. */
static bool
runtime_init (int dirfd)
{
  char comm[64];
  if (!read_at (dirfd, "comm", comm, sizeof comm))
    return false;
  return strncmp (comm, "runc:[", 6) == 0 || strncmp (comm, "crun", 4) == 0;
}

/* A zombie (State: Z, or X while it is reaped) has ended: its mounts are
 * gone and what its status says no longer runs anything. A workload that
 * fails at once (crun runs poststart after start) must not be taken for a
 * tampered one. */
static bool
exited (const char *status)
{
  const char *s = strstr (status, "\nState:");
  if (s == NULL)
    return false;
  s += 7;
  while (*s == ' ' || *s == '\t')
    s++;
  return *s == 'Z' || *s == 'X';
}

enum hr_hook_attest_result
hr_hook_attest (const char *expect, pid_t pid, char *why, size_t size)
{
  struct hr_attest e;
  why[0] = '\0';
  if (!hr_attest_parse (expect, &e))
    return HR_HOOK_ATTEST_UNUSABLE;
  if (pid <= 0)
    return HR_HOOK_ATTEST_GONE;
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return HR_HOOK_ATTEST_GONE;
  char dir[64];
  snprintf (dir, sizeof dir, "/proc/%d", (int) pid);
  cleanup_close int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return HR_HOOK_ATTEST_GONE;
  static char status[MAX_PROC_FILE], mountinfo[MAX_PROC_FILE];
  /* A mismatch seen while the runtime's init is still finishing is looked
   * at again, for at most 2 s; a compliant process passes at once. */
  for (int i = 0;; i++)
    {
      if (!read_at (dirfd, "status", status, sizeof status) || exited (status))
        return HR_HOOK_ATTEST_GONE;
      bool have_mounts = read_at (dirfd, "mountinfo", mountinfo, sizeof mountinfo);
      /* the pid is still the process the pidfd names (not recycled) */
      if (syscall (SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
        return HR_HOOK_ATTEST_GONE;
      if (hr_attest_check (&e, status, have_mounts ? mountinfo : NULL, why, size))
        return HR_HOOK_ATTEST_OK;
      if (i == 400 || !runtime_init (dirfd))
        break;
      nanosleep (&(struct timespec) { .tv_nsec = 5 * 1000 * 1000 }, NULL);
    }
  kill_container (pidfd, dirfd);
  return HR_HOOK_ATTEST_KILLED;
}
