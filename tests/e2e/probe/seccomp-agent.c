/* A minimal seccomp agent for the end-to-end tests, as runc's own tests
 * use one: listens on a unix socket (linux.seccomp.listenerPath), takes the
 * state JSON and the notify descriptor the runtime sends, and answers every
 * notified system call with success (0) without running it, appending
 * "nr=N" for each to LOG. The state JSON goes to LOG.state.
 *
 *   seccomp-agent SOCKET LOG
 *
 * It serves one container, then exits when the notify descriptor closes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: seccomp-agent SOCKET LOG\n");
      return 2;
    }
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (s < 0 || strlen (argv[1]) >= sizeof addr.sun_path)
    return 1;
  strcpy (addr.sun_path, argv[1]);
  unlink (argv[1]);
  if (bind (s, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (s, 4) < 0)
    {
      perror ("seccomp-agent: bind");
      return 1;
    }
  int c = accept4 (s, NULL, NULL, SOCK_CLOEXEC);
  if (c < 0)
    return 1;

  static char state[65536];
  char control[CMSG_SPACE (4 * sizeof (int))];
  struct iovec iov = { state, sizeof state - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                        .msg_controllen = sizeof control };
  ssize_t n = recvmsg (c, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0)
    return 1;
  int fd = -1;
  for (struct cmsghdr *cm = CMSG_FIRSTHDR (&msg); cm; cm = CMSG_NXTHDR (&msg, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      memcpy (&fd, CMSG_DATA (cm), sizeof fd);
  char path[4096];
  snprintf (path, sizeof path, "%s.state", argv[2]);
  FILE *st = fopen (path, "w");
  if (st)
    {
      fwrite (state, 1, (size_t) n, st);
      fclose (st);
    }
  close (c);
  if (fd < 0)
    return 1;

  FILE *log = fopen (argv[2], "a");
  if (log == NULL)
    return 1;
  setvbuf (log, NULL, _IOLBF, 0);
  for (;;)
    {
      struct seccomp_notif req;
      struct seccomp_notif_resp resp;
      memset (&req, 0, sizeof req);
      if (ioctl (fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        {
          if (errno == EINTR)
            continue;
          break;                /* the container is gone */
        }
      fprintf (log, "nr=%d\n", req.data.nr);
      memset (&resp, 0, sizeof resp);
      resp.id = req.id;
      resp.val = 0;
      resp.error = 0;
      ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
  return 0;
}
