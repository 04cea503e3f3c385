/* Tries the system calls hardrun's seccomp profile governs and prints
 * "name=RESULT" per call: "ok" or the errno's name. Built static so that it
 * runs in any root filesystem. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static void
report (const char *name, long r)
{
  if (r >= 0)
    printf ("%s=ok\n", name);
  else
    printf ("%s=%s\n", name, strerrorname_np (errno) ? strerrorname_np (errno) : "?");
}

static long
fd_result (long fd)
{
  if (fd >= 0)
    close ((int) fd);
  return fd;
}

/* A 32-bit system call (i386 getpid through int 0x80) from a child, so
 * that a filter killing it does not kill the probe: "ok", the errno's name,
 * or the signal's name (SIGSEGV where the kernel has no 32-bit emulation). */
static void
report_compat (void)
{
#if defined(__x86_64__)
  pid_t pid = fork ();
  if (pid == 0)
    {
      long r;
      __asm__ volatile ("int $0x80" : "=a"(r) : "a"(20L) : "memory");
      _exit (r >= 0 ? 0 : (int) -r);
    }
  int status = 0;
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    printf ("compat=%s\n", strerrorname_np (errno));
  else if (WIFSIGNALED (status))
    printf ("compat=SIG%s\n", sigabbrev_np (WTERMSIG (status)));
  else if (WEXITSTATUS (status) == 0)
    printf ("compat=ok\n");
  else
    printf ("compat=%s\n", strerrorname_np (WEXITSTATUS (status)) ? strerrorname_np (WEXITSTATUS (status)) : "?");
#else
  printf ("compat=untested\n");
#endif
}

int
main (int argc, char **argv)
{
  /* "syscall-probe storm N [PROCS]": PROCS processes call unshare N times
   * each; one line "storm ok=A EPERM=B ENOSYS=C other=D" per process */
  if (argc > 2 && strcmp (argv[1], "storm") == 0)
    {
      long n = strtol (argv[2], NULL, 10), procs = argc > 3 ? strtol (argv[3], NULL, 10) : 1;
      for (long p = 0; p < procs; p++)
        if (procs == 1 || fork () == 0)
          {
            long ok = 0, eperm = 0, enosys = 0, other = 0;
            for (long i = 0; i < n; i++)
              {
                long r = unshare (CLONE_NEWUSER);
                if (r == 0)
                  ok++;
                else if (errno == EPERM)
                  eperm++;
                else if (errno == ENOSYS)
                  enosys++;
                else
                  other++;
              }
            printf ("storm ok=%ld EPERM=%ld ENOSYS=%ld other=%ld\n", ok, eperm, enosys, other);
            fflush (stdout);
            if (procs > 1)
              _exit (0);
          }
      while (procs > 1 && wait (NULL) > 0)
        ;
      return 0;
    }
  /* "syscall-probe loop N": N blocked unshare calls, "loop NS_PER_CALL"
   * (bench/monitor-bench) */
  if (argc > 2 && strcmp (argv[1], "loop") == 0)
    {
      long n = strtol (argv[2], NULL, 10);
      struct timespec a, b;
      clock_gettime (CLOCK_MONOTONIC, &a);
      for (long i = 0; i < n; i++)
        unshare (CLONE_NEWUSER);
      clock_gettime (CLOCK_MONOTONIC, &b);
      printf ("loop %.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double) n);
      return 0;
    }
  /* "syscall-probe latency N MS": N blocked keyctl calls MS apart, each
   * carrying CLOCK_REALTIME in ns as its second argument, which the
   * monitor's alert shows as evt.arg[1] (bench/monitor-bench) */
  if (argc > 3 && strcmp (argv[1], "latency") == 0)
    {
      long n = strtol (argv[2], NULL, 10), ms = strtol (argv[3], NULL, 10);
      for (long i = 0; i < n; i++)
        {
          struct timespec t;
          clock_gettime (CLOCK_REALTIME, &t);
          syscall (SYS_keyctl, 0, (long) (t.tv_sec * 1000000000L + t.tv_nsec), 0, 0, 0);
          nanosleep (&(struct timespec) { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L }, NULL);
        }
      return 0;
    }
  /* "syscall-probe compat": that call alone, safe to run on the host */
  if (argc > 1 && strcmp (argv[1], "compat") == 0)
    {
      report_compat ();
      return 0;
    }
  report ("unshare", unshare (CLONE_NEWUSER | CLONE_NEWNS));
  report ("mount", mount ("none", "/tmp", "tmpfs", 0, NULL));
  report ("keyctl", syscall (SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
  report ("bpf", syscall (SYS_bpf, 0 /* BPF_MAP_CREATE */, NULL, 0));
  report ("ptrace", ptrace (PTRACE_ATTACH, 1, NULL, NULL));
  report ("socket_alg", fd_result (socket (AF_ALG, SOCK_SEQPACKET, 0)));
  report ("socket_vsock", fd_result (socket (AF_VSOCK, SOCK_STREAM, 0)));
  report ("socket_inet", fd_result (socket (AF_INET, SOCK_STREAM, 0)));
  report ("clone3", syscall (SYS_clone3, NULL, 0));
  long pid = syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t) pid, NULL, 0);
  report ("clone_newuser", pid);
  pid = fork ();
  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t) pid, NULL, 0);
  report ("fork", pid);
  report ("unknown", syscall (1000));
  report_compat ();
  return 0;
}
