/* hardrun-monitor: receives the seccomp notify descriptors of containers
 * hardrun created, answers each blocked attack syscall with the errno the
 * profile would have returned, and raises alerts (hardrun-monitor(8),
 * docs/monitor.md).
 *
 *   hardrun-monitor [--socket PATH] [--output FILE|-]... [--webhook URL]
 *                   [--syslog] [--queue N] [--rate-interval SECONDS]
 *
 * It runs in the foreground. SIGTERM/SIGINT end it (queued alerts are
 * written, for at most two seconds); SIGHUP reopens the output files;
 * SIGUSR1 prints its counters on stderr. */
#include "config.h"
#include "agent.h"
#include "cleanup.h"
#include "sink.h"
#include "monitor_client.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBCURL
#include <curl/curl.h>
#endif

#define MAX_SINKS 16
#define MAX_CONNS 1024
#define DEFAULT_QUEUE 4096

/* epoll tags: the kind in the top bits, the descriptor below */
enum
{
  TAG_LISTEN = 1,
  TAG_SIGNAL,
  TAG_TIMER,
  TAG_CONN,
  TAG_NOTIFY,
};
#define TAG(kind, fd) (((uint64_t) (kind) << 32) | (uint32_t) (fd))

struct conn
{
  int fd;
  char *buf;                    /* owned */
  size_t len;
  int fds[HR_AGENT_MAX_FDS];
  size_t nfds;
};

struct monitor
{
  int ep;
  struct hr_agent *agent;
  struct hr_sink *sinks[MAX_SINKS];
  size_t nsinks;
  struct conn *conns[MAX_CONNS];
  size_t nconns;
  uint64_t refused_conns;
};

static void
usage (FILE *f)
{
  fprintf (f, "usage: hardrun-monitor [--socket PATH] [--output FILE|-]... [--webhook URL] [--syslog]\n"
           "                       [--queue N] [--rate-interval SECONDS]\n"
           "  --socket PATH          where hardrun and the runtimes connect (default %s)\n"
           "  --output FILE          append alerts to FILE as JSON lines; - for stdout (default: stdout)\n"
#ifdef HAVE_LIBCURL
           "  --webhook URL          POST each alert to URL (retried; a full queue drops and counts)\n"
#else
           "  --webhook URL          (not in this build: it was built without libcurl)\n"
#endif
           "  --syslog               send alerts to syslog (LOG_AUTHPRIV)\n"
           "  --queue N              alerts each sink may hold before it drops (default %d)\n"
           "  --rate-interval SEC    one alert per container and syscall per SEC, counts after;\n"
           "                         0: every notification (default 10)\n",
           HR_MONITOR_SOCKET, DEFAULT_QUEUE);
}

static void
conn_close (struct monitor *m, size_t i)
{
  struct conn *c = m->conns[i];
  epoll_ctl (m->ep, EPOLL_CTL_DEL, c->fd, NULL);
  close (c->fd);
  for (size_t k = 0; k < c->nfds; k++)
    close (c->fds[k]);
  free (c->buf);
  free (c);
  m->conns[i] = m->conns[--m->nconns];
}

static void
watch_notify (struct monitor *m, int fd)
{
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG (TAG_NOTIFY, fd) };
  if (epoll_ctl (m->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
    hr_agent_hangup (m->agent, fd);
}

/* Is BUF[0..LEN) one whole JSON object? */
static bool
complete (const char *buf, size_t len)
{
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\r' || buf[len - 1] == '\t'))
    len--;
  if (len == 0 || buf[len - 1] != '}')
    return false;
  cleanup_json struct hr_json *doc = NULL;
  return hr_json_parse (buf, len, "message", &doc, NULL) == 0;
}

/* Reads what CONN has; at its end hands the message to the agent. */
static void
conn_read (struct monitor *m, size_t i)
{
  struct conn *c = m->conns[i];
  for (;;)
    {
      if (c->len == HR_AGENT_MAX_MESSAGE)
        {
          conn_close (m, i);    /* too long: not a message of ours */
          return;
        }
      union
      {
        char buf[CMSG_SPACE (sizeof (int) * HR_AGENT_MAX_FDS)];
        struct cmsghdr align;
      } ctl;
      struct iovec iov = { .iov_base = c->buf + c->len, .iov_len = HR_AGENT_MAX_MESSAGE - c->len };
      struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
      ssize_t n = recvmsg (c->fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      for (struct cmsghdr *h = n >= 0 ? CMSG_FIRSTHDR (&msg) : NULL; h; h = CMSG_NXTHDR (&msg, h))
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
          {
            size_t k = (h->cmsg_len - CMSG_LEN (0)) / sizeof (int);
            int *p = (int *) CMSG_DATA (h);
            for (size_t j = 0; j < k; j++)
              {
                if (c->nfds < HR_AGENT_MAX_FDS)
                  c->fds[c->nfds++] = p[j];
                else
                  close (p[j]);
              }
          }
      if (n > 0)
        {
          c->len += (size_t) n;
          /* runc keeps its end open after sending: a whole JSON object
           * is the end of the message */
          if (!complete (c->buf, c->len))
            continue;
        }
      /* end of the message (or an error): hand it over */
      int fd = hr_agent_message (m->agent, c->buf, c->len, c->fds, c->nfds);
      c->nfds = 0;
      conn_close (m, i);
      if (fd >= 0)
        watch_notify (m, fd);
      return;
    }
}

static void
accept_all (struct monitor *m, int lfd)
{
  for (;;)
    {
      int fd = accept4 (lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        return;
      struct ucred cred;
      socklen_t cl = sizeof cred;
      /* only root (and the monitor's own user) may talk to it */
      if (m->nconns == MAX_CONNS || getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0
          || (cred.uid != 0 && cred.uid != geteuid ()))
        {
          m->refused_conns++;
          close (fd);
          continue;
        }
      struct conn *c = calloc (1, sizeof *c);
      if (c && (c->buf = malloc (HR_AGENT_MAX_MESSAGE)) == NULL)
        {
          free (c);
          c = NULL;
        }
      struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u64 = TAG (TAG_CONN, fd) };
      if (c == NULL || epoll_ctl (m->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
        {
          if (c)
            free (c->buf);
          free (c);
          close (fd);
          continue;
        }
      c->fd = fd;
      m->conns[m->nconns++] = c;
      /* the greeting tells hardrun's probe that a monitor, and not a
       * stand-in, listens (monitor_client.h); runtimes ignore it */
      if (send (fd, HR_MONITOR_GREETING, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
        {
          /* a peer gone already: its end of file comes next */
        }
    }
}

static void
print_stats (struct monitor *m)
{
  struct hr_agent_stats st;
  hr_agent_stats (m->agent, &st);
  fprintf (stderr,
           "{\"notifications\":%" PRIu64 ",\"answered\":%" PRIu64 ",\"alerts\":%" PRIu64 ",\"suppressed\":%" PRIu64
           ",\"events\":%" PRIu64 ",\"rejected\":%" PRIu64 ",\"refusedConnections\":%" PRIu64
           ",\"containers\":%zu,\"filters\":%zu,\"sinks\":[", st.notifications, st.answered, st.alerts,
           st.suppressed, st.events, st.rejected, m->refused_conns, st.containers, st.filters);
  for (size_t i = 0; i < m->nsinks; i++)
    {
      struct hr_sink_stats s;
      hr_sink_stats (m->sinks[i], &s);
      fprintf (stderr, "%s{\"sink\":\"%s\",\"queued\":%" PRIu64 ",\"written\":%" PRIu64 ",\"dropped\":%" PRIu64
               ",\"failed\":%" PRIu64 "}", i ? "," : "", s.kind, s.queued, s.written, s.dropped, s.failed);
    }
  fprintf (stderr, "]}\n");
}

/* Does anything accept connections at PATH? */
static bool
connectable (const char *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  snprintf (sa.sun_path, sizeof sa.sun_path, "%s", path);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0 && connect (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
  if (fd >= 0)
    close (fd);
  return ok;
}

/* Binds PATH, root only. A socket file left by a dead monitor is
 * replaced; one a live monitor answers on is not. */
static int
listen_on (const char *path, struct hr_error *err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof sa.sun_path)
    return hr_error_set (err, ENAMETOOLONG, "--socket \"%s\": longer than %zu bytes", path, sizeof sa.sun_path - 1);
  memcpy (sa.sun_path, path, strlen (path) + 1);
  struct stat st;
  /* hardrun's stand-in for an exec (shim/monitor_standin.c) listens for
   * at most 10 s without greeting: wait for it to go */
  for (int i = 0; lstat (path, &st) == 0; i++)
    {
      if (!S_ISSOCK (st.st_mode))
        return hr_error_set (err, EEXIST, "\"%s\" exists and is not a socket", path);
      if (hr_monitor_listening (path))
        return hr_error_set (err, EADDRINUSE, "another monitor listens on \"%s\"", path);
      if (i < 150 && connectable (path))
        {
          nanosleep (&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
          continue;
        }
      unlink (path);
      break;
    }
  char dir[sizeof sa.sun_path];
  snprintf (dir, sizeof dir, "%s", path);
  char *slash = strrchr (dir, '/');
  if (slash && slash != dir)
    {
      *slash = '\0';
      if (mkdir (dir, 0700) < 0 && errno != EEXIST)
        return hr_error_setsys (err, errno, "cannot create \"%s\"", dir);
    }
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return hr_error_setsys (err, errno, "socket");
  mode_t old = umask (0177);
  int r = bind (fd, (struct sockaddr *) &sa, sizeof sa);
  umask (old);
  if (r < 0 || chmod (path, 0600) < 0 || listen (fd, SOMAXCONN) < 0)
    {
      int e = errno;
      close (fd);
      return hr_error_setsys (err, e, "cannot listen on \"%s\"", path);
    }
  return fd;
}

static int
add_sink (struct monitor *m, const char *kind, const char *target, size_t queue, struct hr_error *err)
{
  if (m->nsinks == MAX_SINKS)
    return hr_error_set (err, E2BIG, "more than %d outputs", MAX_SINKS);
  return hr_sink_open (kind, target, queue, &m->sinks[m->nsinks++], err) < 0 ? (m->nsinks--, -1) : 0;
}

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "socket", required_argument, NULL, 's' }, { "output", required_argument, NULL, 'o' },
    { "webhook", required_argument, NULL, 'w' }, { "syslog", no_argument, NULL, 'l' },
    { "queue", required_argument, NULL, 'q' }, { "rate-interval", required_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
  };
  const char *sock = HR_MONITOR_SOCKET, *outputs[MAX_SINKS], *webhook = NULL;
  size_t noutputs = 0;
  bool use_syslog = false;
  unsigned long queue = DEFAULT_QUEUE, interval = 10;
  int c;
  while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1)
    {
      char *end;
      switch (c)
        {
        case 's':
          sock = optarg;
          break;
        case 'o':
          if (noutputs == MAX_SINKS)
            {
              fprintf (stderr, "hardrun-monitor: more than %d outputs\n", MAX_SINKS);
              return 2;
            }
          outputs[noutputs++] = optarg;
          break;
        case 'w':
          webhook = optarg;
          break;
        case 'l':
          use_syslog = true;
          break;
        case 'q':
          queue = strtoul (optarg, &end, 10);
          if (*end || queue == 0 || queue > 1000000)
            {
              fprintf (stderr, "hardrun-monitor: --queue: expected 1 to 1000000\n");
              return 2;
            }
          break;
        case 'r':
          interval = strtoul (optarg, &end, 10);
          if (*end || interval > 86400)
            {
              fprintf (stderr, "hardrun-monitor: --rate-interval: expected 0 (no limit) to 86400 seconds\n");
              return 2;
            }
          break;
        case 'h':
          usage (stdout);
          return 0;
        default:
          usage (stderr);
          return 2;
        }
    }
  if (optind < argc)
    {
      usage (stderr);
      return 2;
    }
  if (noutputs == 0 && webhook == NULL && !use_syslog)
    outputs[noutputs++] = "-";

  struct hr_error err = { 0 };
  struct monitor m = { .ep = -1 };
  int sfd = -1, tfd = -1, lfd = -1;
#ifdef HAVE_LIBCURL
  curl_global_init (CURL_GLOBAL_DEFAULT);
#endif
  signal (SIGPIPE, SIG_IGN);
  /* blocked before the sink threads start, which inherit the mask: the
   * signals reach the main loop's signalfd only */
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGHUP);
  sigaddset (&mask, SIGUSR1);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  for (size_t i = 0; i < noutputs; i++)
    if (add_sink (&m, strcmp (outputs[i], "-") == 0 ? "stdout" : "file", outputs[i], queue, &err) < 0)
      goto fail;
  if (webhook && add_sink (&m, "webhook", webhook, queue, &err) < 0)
    goto fail;
  if (use_syslog && add_sink (&m, "syslog", NULL, queue, &err) < 0)
    goto fail;

  char host[HOST_NAME_MAX + 1] = "";
  gethostname (host, sizeof host);
  const char *node = getenv ("NODE_NAME");   /* a DaemonSet passes the node's name */
  struct hr_agent_config cfg = {
    .hostname = node && *node ? node : host, .rate_interval_ms = interval * 1000, .sinks = m.sinks,
    .nsinks = m.nsinks,
  };
  if (hr_agent_new (&cfg, &m.agent, &err) < 0)
    goto fail;

  sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  tfd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  struct itimerspec tick = { .it_interval = { .tv_sec = 1 }, .it_value = { .tv_sec = 1 } };
  m.ep = epoll_create1 (EPOLL_CLOEXEC);
  lfd = listen_on (sock, &err);
  if (lfd < 0)
    goto fail;
  if (sfd < 0 || tfd < 0 || m.ep < 0 || timerfd_settime (tfd, 0, &tick, NULL) < 0)
    {
      hr_error_setsys (&err, errno, "cannot set up the event loop");
      goto fail;
    }
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG (TAG_LISTEN, lfd) };
  epoll_ctl (m.ep, EPOLL_CTL_ADD, lfd, &ev);
  ev.data.u64 = TAG (TAG_SIGNAL, sfd);
  epoll_ctl (m.ep, EPOLL_CTL_ADD, sfd, &ev);
  ev.data.u64 = TAG (TAG_TIMER, tfd);
  epoll_ctl (m.ep, EPOLL_CTL_ADD, tfd, &ev);
  fprintf (stderr, "hardrun-monitor: listening on %s\n", sock);

  bool running = true;
  while (running)
    {
      struct epoll_event evs[64];
      int n = epoll_wait (m.ep, evs, 64, -1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          hr_error_setsys (&err, errno, "epoll_wait");
          goto fail;
        }
      for (int i = 0; i < n; i++)
        {
          int kind = (int) (evs[i].data.u64 >> 32), fd = (int) (uint32_t) evs[i].data.u64;
          switch (kind)
            {
            case TAG_NOTIFY:
              if (evs[i].events & EPOLLIN)
                hr_agent_notification (m.agent, fd);
              else if (evs[i].events & (EPOLLHUP | EPOLLERR))
                {
                  epoll_ctl (m.ep, EPOLL_CTL_DEL, fd, NULL);
                  hr_agent_hangup (m.agent, fd);
                }
              break;
            case TAG_CONN:
              for (size_t k = 0; k < m.nconns; k++)
                if (m.conns[k]->fd == fd)
                  {
                    conn_read (&m, k);
                    break;
                  }
              break;
            case TAG_LISTEN:
              accept_all (&m, fd);
              break;
            case TAG_TIMER:
              {
                uint64_t ticks;
                if (read (fd, &ticks, sizeof ticks) > 0)
                  hr_agent_tick (m.agent);
                break;
              }
            case TAG_SIGNAL:
              {
                struct signalfd_siginfo si;
                while (read (fd, &si, sizeof si) == sizeof si)
                  {
                    if (si.ssi_signo == SIGUSR1)
                      print_stats (&m);
                    else if (si.ssi_signo == SIGHUP)
                      for (size_t k = 0; k < m.nsinks; k++)
                        hr_sink_reopen (m.sinks[k]);
                    else
                      running = false;
                  }
                break;
              }
            }
        }
    }
  /* The socket goes first, so that no runtime hands over a filter that
   * nobody will answer; the filters held now fail with ENOSYS once closed. */
  unlink (sock);
  hr_agent_tick (m.agent);
  print_stats (&m);
  while (m.nconns)
    conn_close (&m, m.nconns - 1);
  hr_agent_free (m.agent);
  for (size_t i = 0; i < m.nsinks; i++)
    hr_sink_close (m.sinks[i], 2000);
  close (m.ep);
  close (lfd);
  close (sfd);
  close (tfd);
  return 0;

fail:
  fprintf (stderr, "hardrun-monitor: %s\n", err.msg[0] ? err.msg : strerror (err.code));
  hr_agent_free (m.agent);
  for (size_t i = 0; i < m.nsinks; i++)
    hr_sink_close (m.sinks[i], 0);
  int fds[] = { m.ep, lfd, sfd, tfd };
  for (size_t i = 0; i < 4; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return 1;
}
