/* The monitor's stand-in for an exec: see monitor_standin.h. */
#include "config.h"
#include "monitor_standin.h"
#include "monitor_client.h"
#include "policy/notify.h"
#include "cleanup.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STANDIN_SECONDS 10
#define MAX_CONFIG (4u * 1024 * 1024)

/* The listenerPath of the bundle's config.json when hardrun handed its
 * syscalls to the monitor, into PATH. */
static bool
monitored (const char *bundle, char *path, size_t size)
{
  char file[PATH_MAX];
  if (bundle == NULL || *bundle == '\0' || (size_t) snprintf (file, sizeof file, "%s/config.json", bundle) >= sizeof file)
    return false;
  cleanup_close int fd = open (file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  if (fd < 0 || hr_read_fd_limited (fd, file, MAX_CONFIG, &buf, &len, NULL) < 0)
    return false;
  /* most execs end here, without a parse: no monitor was involved */
  if (memmem (buf, len, "\"" HR_NOTIFY_META_PREFIX " ", strlen (HR_NOTIFY_META_PREFIX) + 2) == NULL)
    return false;
  cleanup_json struct hr_json *doc = NULL;
  if (hr_json_parse (buf, len, file, &doc, NULL) < 0)
    return false;
  const struct hr_json *sc = hr_json_get_path (doc, "linux.seccomp");
  const char *meta = hr_json_string (hr_json_get (sc, "listenerMetadata"));
  const char *lp = hr_json_string (hr_json_get (sc, "listenerPath"));
  if (meta == NULL || lp == NULL || strncmp (meta, HR_NOTIFY_META_PREFIX " ", strlen (HR_NOTIFY_META_PREFIX) + 1) != 0)
    return false;
  return (size_t) snprintf (path, size, "%s", lp) < size;
}

/* The stand-in itself: listens on PATH, tells READY, takes and closes
 * every descriptor handed to it until the time is up. */
static void __attribute__ ((noreturn))
serve (const char *path, int ready)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  snprintf (sa.sun_path, sizeof sa.sun_path, "%s", path);
  struct stat st;
  if (lstat (path, &st) == 0 && S_ISSOCK (st.st_mode))
    unlink (path);              /* a dead monitor's: nothing answers on it */
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  mode_t old = umask (0177);
  bool ok = fd >= 0 && bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0 && listen (fd, 64) == 0
    && lstat (path, &st) == 0;
  umask (old);
  if (write (ready, ok ? "1" : "0", 1) < 0 || !ok)
    _exit (0);
  close (ready);
  time_t end = time (NULL) + STANDIN_SECONDS;
  for (time_t now; (now = time (NULL)) < end;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      if (poll (&p, 1, (int) (end - now) * 1000) <= 0)
        continue;
      int c = accept4 (fd, NULL, NULL, SOCK_CLOEXEC);
      if (c < 0)
        continue;
      struct timeval tv = { .tv_sec = 1 };
      setsockopt (c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[4096];
      union
      {
        char b[CMSG_SPACE (sizeof (int) * 8)];
        struct cmsghdr align;
      } ctl;
      struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
      struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b };
      if (recvmsg (c, &msg, MSG_CMSG_CLOEXEC) > 0)
        for (struct cmsghdr *h = CMSG_FIRSTHDR (&msg); h; h = CMSG_NXTHDR (&msg, h))
          if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
            for (size_t k = 0; k < (h->cmsg_len - CMSG_LEN (0)) / sizeof (int); k++)
              close (((int *) CMSG_DATA (h))[k]);
      close (c);
    }
  /* only the socket this stand-in bound: a monitor may have replaced it */
  struct stat now_st;
  if (lstat (path, &now_st) == 0 && now_st.st_ino == st.st_ino && now_st.st_dev == st.st_dev)
    unlink (path);
  _exit (0);
}

void
hr_monitor_standin (const struct hr_policy *policy, const struct hr_json *record)
{
  char path[sizeof ((struct sockaddr_un *) 0)->sun_path];
  /* the usual case first: the policy's monitor greets */
  if (record == NULL || (policy && !policy->monitor_off && hr_monitor_listening (hr_monitor_socket (policy))))
    return;
  if (!monitored (hr_json_string (hr_json_get (record, "bundle")), path, sizeof path)
      || (policy && strcmp (path, hr_monitor_socket (policy)) != 0 && hr_monitor_listening (path)))
    return;
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return;
  pid_t pid = fork ();
  if (pid == 0)
    {
      /* detached from hardrun, which becomes the runtime next, and from
       * the engine's pipes, which must see their end when the exec ends */
      setsid ();
      if (fork () != 0)
        _exit (0);
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      for (int i = 0; i < 3; i++)
        dup2 (null, i);
      for (int i = 3; i < 1024; i++)
        if (i != p[1])
          close (i);
      signal (SIGPIPE, SIG_IGN);
      serve (path, p[1]);
    }
  close (p[1]);
  if (pid > 0)
    {
      waitpid (pid, NULL, 0);
      struct pollfd r = { .fd = p[0], .events = POLLIN };
      char c;
      if (poll (&r, 1, 1000) == 1 && read (p[0], &c, 1) == 1)
        {
          /* ready (or it could not bind: the exec fails as runc says) */
        }
    }
  close (p[0]);
}
