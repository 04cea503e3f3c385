/* Talking to hardrun-monitor: the probe and events (monitor_client.h).
 * Apart from monitor_client.c so that hardrun-hook links it alone. */
#include "config.h"
#include "monitor_client.h"
#include "cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

const char *
hr_monitor_socket (const struct hr_policy *p)
{
  return p && p->monitor_socket ? p->monitor_socket : HR_MONITOR_SOCKET;
}

/* A connected, non-blocking socket to PATH, or negative errno. */
static int
connect_to (const char *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof sa.sun_path)
    return -ENAMETOOLONG;
  memcpy (sa.sun_path, path, strlen (path) + 1);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  /* A unix socket connects at once or not at all: EAGAIN is a full
   * backlog, which counts as a monitor that cannot take more. */
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      int e = errno;
      close (fd);
      return -e;
    }
  return fd;
}

bool
hr_monitor_listening (const char *path)
{
  cleanup_close int fd = connect_to (path);
  if (fd < 0)
    return false;
  struct pollfd p = { .fd = fd, .events = POLLIN };
  char c = 0;
  int n;
  while ((n = poll (&p, 1, HR_MONITOR_PROBE_MS)) < 0 && errno == EINTR)
    ;
  return n == 1 && recv (fd, &c, 1, MSG_DONTWAIT) == 1 && c == HR_MONITOR_GREETING[0];
}

int
hr_monitor_send (const char *path, const struct hr_json *event)
{
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (hr_json_serialize (event, false, &text, &len, NULL) < 0)
    return -ENOMEM;
  if (len > HR_MONITOR_MAX_EVENT)
    return -E2BIG;
  cleanup_close int fd = connect_to (path);
  if (fd < 0)
    return fd;
  ssize_t n = send (fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0)
    return -errno;
  return (size_t) n == len ? 0 : -EAGAIN;
}

struct hr_json *
hr_monitor_event (const char *rule, const char *id, const char *msg)
{
  struct hr_json *ev = hr_json_new_object ();
  struct hr_json *c = hr_json_new_object ();
  if (ev == NULL || c == NULL)
    {
      hr_json_free (ev);
      hr_json_free (c);
      return NULL;
    }
  int r = hr_json_set (ev, "hardrunEvent", hr_json_new_string (rule), NULL);
  if (r == 0)
    r = hr_json_set (c, "id", hr_json_new_string (id ? id : ""), NULL);
  if (r == 0)
    r = hr_json_set (ev, "container", c, NULL);
  else
    hr_json_free (c);
  if (r == 0)
    r = hr_json_set (ev, "message", hr_json_new_string (msg ? msg : ""), NULL);
  if (r < 0)
    {
      hr_json_free (ev);
      return NULL;
    }
  return ev;
}

