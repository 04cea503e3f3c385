/* The seccomp agent: see agent.h and docs/monitor.md. */
#include "config.h"
#include "agent.h"
#include "alert.h"
#include "cleanup.h"
#include "policy/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define MAX_LIMITED 32          /* rate-limit entries per container */

struct limited
{
  char name[32];                /* syscall */
  enum hr_priority prio;
  uint64_t last_ms;             /* last alert or count */
  uint64_t suppressed;
  int64_t last_pid;
};

struct container
{
  char *id;                     /* owned */
  struct hr_json *annotations;  /* owned, may be NULL */
  char *meta;                   /* owned: listenerMetadata */
  struct hr_who who;            /* borrowed from the fields above */
  size_t filters;               /* notify descriptors of it still open */
  struct limited lim[MAX_LIMITED];
  size_t nlim;
  struct container *next;
};

struct hr_agent
{
  struct hr_agent_config cfg;
  struct container *containers; /* owned list */
  struct container **by_fd;     /* borrowed: notify fd -> container */
  size_t nfd;
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  struct hr_agent_stats st;
};

/* ---- watched syscalls and their rules ---- */

/* Priority of a blocked syscall (docs/monitor.md has the table). */
static enum hr_priority
syscall_priority (const char *name)
{
  static const char *const critical[] = { "kexec_load", "kexec_file_load", "init_module", "finit_module",
                                          "delete_module", "open_by_handle_at", NULL };
  static const char *const warning[] = { "socket", "perf_event_open", "keyctl", "add_key", "request_key", NULL };
  for (size_t i = 0; critical[i]; i++)
    if (strcmp (critical[i], name) == 0)
      return HR_PRIO_CRITICAL;
  for (size_t i = 0; warning[i]; i++)
    if (strcmp (warning[i], name) == 0)
      return HR_PRIO_WARNING;
  return HR_PRIO_ERROR;
}

static uint64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static int
syslog_level (enum hr_priority p)
{
  return (int) p;               /* Falco's order is syslog's */
}

static void
emit (struct hr_agent *a, struct hr_json *alert, enum hr_priority prio)
{
  if (alert == NULL)
    return;
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (hr_json_serialize (alert, false, &text, &len, NULL) == 0)
    {
      a->st.alerts++;
      for (size_t i = 0; i < a->cfg.nsinks; i++)
        hr_sink_push (a->cfg.sinks[i], text, len, syslog_level (prio));
    }
  hr_json_free (alert);
}

/* ---- containers ---- */

static void
container_free (struct container *c)
{
  if (c == NULL)
    return;
  free (c->id);
  free (c->meta);
  hr_json_free (c->annotations);
  free (c);
}

static struct container *
container_find (struct hr_agent *a, const char *id)
{
  for (struct container *c = a->containers; c && id; c = c->next)
    if (strcmp (c->id, id) == 0)
      return c;
  return NULL;
}

static void
container_remove (struct hr_agent *a, struct container *c)
{
  for (struct container **p = &a->containers; *p; p = &(*p)->next)
    if (*p == c)
      {
        *p = c->next;
        a->st.containers--;
        container_free (c);
        return;
      }
}

static int
track_fd (struct hr_agent *a, int fd, struct container *c)
{
  if ((size_t) fd >= a->nfd)
    {
      size_t n = a->nfd ? a->nfd : 256;
      while (n <= (size_t) fd)
        n *= 2;
      struct container **m = realloc (a->by_fd, n * sizeof *m);
      if (m == NULL)
        return -ENOMEM;
      memset (m + a->nfd, 0, (n - a->nfd) * sizeof *m);
      a->by_fd = m;
      a->nfd = n;
    }
  a->by_fd[fd] = c;
  c->filters++;
  a->st.filters++;
  return 0;
}

/* ---- process details for an alert ---- */

struct procinfo
{
  char exe[512];
  char cmdline[1024];
  int64_t uid;
};

static void
read_proc (pid_t pid, struct procinfo *p)
{
  char path[64];
  p->exe[0] = p->cmdline[0] = '\0';
  p->uid = -1;
  snprintf (path, sizeof path, "/proc/%d/exe", (int) pid);
  ssize_t n = readlink (path, p->exe, sizeof p->exe - 1);
  p->exe[n > 0 ? n : 0] = '\0';
  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  n = fd >= 0 ? read (fd, p->cmdline, sizeof p->cmdline - 1) : -1;
  if (n > 0)
    {
      for (ssize_t i = 0; i < n; i++)
        if (p->cmdline[i] == '\0')
          p->cmdline[i] = ' ';
      while (n > 0 && p->cmdline[n - 1] == ' ')
        n--;
      p->cmdline[n] = '\0';
    }
  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  FILE *f = fopen (path, "re");
  char line[256];
  while (f && fgets (line, sizeof line, f))
    {
      long long u;
      if (sscanf (line, "Uid: %lld", &u) == 1)
        {
          p->uid = u;
          break;
        }
    }
  if (f)
    fclose (f);
}

/* ---- the rate limit ---- */

static struct limited *
limit_entry (struct container *c, const char *name)
{
  for (size_t i = 0; i < c->nlim; i++)
    if (strcmp (c->lim[i].name, name) == 0)
      return &c->lim[i];
  if (c->nlim == MAX_LIMITED)
    return &c->lim[MAX_LIMITED - 1];  /* the last entry takes the rest */
  struct limited *l = &c->lim[c->nlim++];
  snprintf (l->name, sizeof l->name, "%s", name);
  l->prio = syscall_priority (name);
  return l;
}

/* The count of alerts held back for entry L of C. */
static void
emit_count (struct hr_agent *a, struct container *c, struct limited *l, uint64_t now)
{
  char detail[160];
  snprintf (detail, sizeof detail, "%s repeated %" PRIu64 " times in %" PRIu64 " ms", l->name,
            l->suppressed, now - l->last_ms);
  struct hr_json *extra = hr_json_new_object ();
  if (extra)
    {
      hr_json_set (extra, "evt.type", hr_json_new_string (l->name), NULL);
      hr_json_set (extra, "evt.count", hr_json_new_u64 (l->suppressed), NULL);
    }
  struct hr_proc proc = { .pid = (pid_t) l->last_pid, .uid = -1 };
  bool exec = strcmp (l->name, "exec_held") == 0;
  if (exec && extra)
    hr_json_remove (extra, "evt.type");
  emit (a, hr_alert_new (exec ? "Exec held to its container's ceiling repeated" : "Blocked attack syscall repeated",
                         l->prio, a->cfg.hostname, "container,hardrun,seccomp",
                         &c->who, &proc, detail, extra), l->prio);
  l->suppressed = 0;
  l->last_ms = now;
}

void
hr_agent_tick (struct hr_agent *a)
{
  uint64_t now = now_ms ();
  for (struct container *c = a->containers; c; c = c->next)
    for (size_t i = 0; i < c->nlim; i++)
      if (c->lim[i].suppressed > 0 && now - c->lim[i].last_ms >= a->cfg.rate_interval_ms)
        emit_count (a, c, &c->lim[i], now);
}

/* ---- notifications ---- */

static const char *
errno_name (int e)
{
  const char *n = strerrorname_np (e);
  return n ? n : "?";
}

void
hr_agent_notification (struct hr_agent *a, int fd)
{
  struct container *c = (size_t) fd < a->nfd ? a->by_fd[fd] : NULL;
  memset (a->req, 0, sizeof *a->req);
  if (seccomp_notify_receive (fd, a->req) < 0)
    return;                     /* the process went away (ENOENT) */
  a->st.notifications++;
  cleanup_free char *name = seccomp_syscall_resolve_num_arch (a->req->data.arch, a->req->data.nr);
  /* Never allow: a syscall the metadata does not name gets EPERM. */
  int e = c && name ? hr_notify_meta_errno (c->meta, name) : -1;
  if (e <= 0)
    e = EPERM;
  bool alert = false;
  struct procinfo pi;
  struct limited *l = NULL;
  uint64_t now = now_ms ();
  if (c)
    {
      l = limit_entry (c, name ? name : "unknown");
      l->last_pid = a->req->pid;
      if (l->suppressed == 0 && (l->last_ms == 0 || now - l->last_ms >= a->cfg.rate_interval_ms))
        alert = true;
      else
        {
          l->suppressed++;
          a->st.suppressed++;
        }
    }
  /* What the alert says about the process is read before the answer
   * lets it run on (and perhaps exit), then checked to still be it. */
  if (alert)
    {
      read_proc (a->req->pid, &pi);
      if (seccomp_notify_id_valid (fd, a->req->id) != 0)
        alert = false;
    }
  memset (a->resp, 0, sizeof *a->resp);
  a->resp->id = a->req->id;
  a->resp->error = -e;
  a->resp->val = 0;
  a->resp->flags = 0;
  if (seccomp_notify_respond (fd, a->resp) == 0)
    a->st.answered++;
  if (!alert)
    return;
  l->last_ms = now;
  char detail[512], args[400];
  size_t off = 0;
  for (int i = 0; i < 6; i++)
    off += (size_t) snprintf (args + off, sizeof args - off, "%sa%d=0x%" PRIx64, i ? " " : "", i,
                              (uint64_t) a->req->data.args[i]);
  snprintf (detail, sizeof detail, "evt.type=%s evt.args=[%s] res=%s", name ? name : "unknown", args,
            errno_name (e));
  struct hr_json *extra = hr_json_new_object ();
  if (extra)
    {
      hr_json_set (extra, "evt.type", hr_json_new_string (name ? name : "unknown"), NULL);
      hr_json_set (extra, "evt.args", hr_json_new_string (args), NULL);
      for (int i = 0; i < 6; i++)
        {
          char k[16], v[24];
          snprintf (k, sizeof k, "evt.arg[%d]", i);
          snprintf (v, sizeof v, "0x%" PRIx64, (uint64_t) a->req->data.args[i]);
          hr_json_set (extra, k, hr_json_new_string (v), NULL);
        }
      hr_json_set (extra, "evt.res", hr_json_new_string (errno_name (e)), NULL);
      hr_json_set (extra, "evt.arch", hr_json_new_u64 (a->req->data.arch), NULL);
    }
  struct hr_proc proc = { .pid = (pid_t) a->req->pid, .uid = pi.uid, .exe = pi.exe[0] ? pi.exe : NULL,
                          .cmdline = pi.cmdline[0] ? pi.cmdline : NULL };
  emit (a, hr_alert_new ("Blocked attack syscall", l->prio, a->cfg.hostname, "container,hardrun,seccomp,mitre_privilege_escalation",
                         &c->who, &proc, detail, extra), l->prio);
}

void
hr_agent_hangup (struct hr_agent *a, int fd)
{
  struct container *c = (size_t) fd < a->nfd ? a->by_fd[fd] : NULL;
  if ((size_t) fd < a->nfd)
    a->by_fd[fd] = NULL;
  close (fd);
  if (c == NULL)
    return;
  a->st.filters--;
  if (--c->filters > 0)
    return;
  uint64_t now = now_ms ();
  for (size_t i = 0; i < c->nlim; i++)
    if (c->lim[i].suppressed > 0)
      emit_count (a, c, &c->lim[i], now);
  container_remove (a, c);
}

/* ---- messages ---- */

static const struct
{
  const char *event, *rule;
  enum hr_priority prio;
  const char *tags;
} events[] = {
  { "container_refused", "Container refused by hardrun", HR_PRIO_WARNING, "container,hardrun,policy" },
  { "exec_refused", "Exec refused by hardrun", HR_PRIO_WARNING, "container,hardrun,policy" },
  { "exec_held", "Exec held to its container's ceiling", HR_PRIO_NOTICE, "container,hardrun,policy" },
  { "hook_dropped", "OCI hook dropped by hardrun", HR_PRIO_WARNING, "container,hardrun,policy" },
  { "attestation_failed", "Container attestation failed", HR_PRIO_CRITICAL, "container,hardrun,attestation" },
};

static void
event (struct hr_agent *a, const struct hr_json *doc)
{
  const char *kind = hr_json_string (hr_json_get (doc, "hardrunEvent"));
  const struct hr_json *cj = hr_json_get (doc, "container");
  const char *id = hr_json_string (hr_json_get (cj, "id"));
  for (size_t i = 0; kind && i < sizeof events / sizeof events[0]; i++)
    {
      if (strcmp (events[i].event, kind) != 0)
        continue;
      struct hr_who who;
      const struct hr_json *ann = hr_json_get (cj, "annotations");
      struct container *known = container_find (a, id);
      /* exec probes repeat: held execs of a monitored container are
       * rate-limited like its syscalls (counted, not reported again) */
      if (known && strcmp (kind, "exec_held") == 0)
        {
          struct limited *l = limit_entry (known, kind);
          uint64_t now = now_ms ();
          l->prio = events[i].prio;
          if (l->suppressed > 0 || (l->last_ms != 0 && now - l->last_ms < a->cfg.rate_interval_ms))
            {
              l->suppressed++;
              a->st.suppressed++;
              return;
            }
          l->last_ms = now;
        }
      if (ann)
        known = NULL;
      if (known)
        who = known->who;
      else
        hr_who_from_annotations (id, ann, &who);
      int64_t pid = -1;
      if (!hr_json_int_value (hr_json_get (doc, "pid"), 1, INT32_MAX, &pid))
        pid = -1;
      struct hr_proc proc = { .pid = (pid_t) pid, .uid = -1 };
      const char *msg = hr_json_string (hr_json_get (doc, "message"));
      struct hr_json *extra = hr_json_new_object ();
      if (extra)
        hr_json_set (extra, "hardrun.message", hr_json_new_string (msg ? msg : ""), NULL);
      a->st.events++;
      emit (a, hr_alert_new (events[i].rule, events[i].prio, a->cfg.hostname, events[i].tags, &who, &proc, msg,
                             extra), events[i].prio);
      return;
    }
  a->st.rejected++;
}

static void
close_fds (int *fds, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

int
hr_agent_message (struct hr_agent *a, const char *text, size_t len, int *fds, size_t nfds)
{
  cleanup_json struct hr_json *doc = NULL;
  if (len == 0 || hr_json_parse (text, len, "message", &doc, NULL) < 0 || !hr_json_is_object (doc))
    {
      if (len > 0)
        a->st.rejected++;
      close_fds (fds, nfds);
      return -1;
    }
  if (hr_json_get (doc, "hardrunEvent"))
    {
      close_fds (fds, nfds);
      event (a, doc);
      return -1;
    }
  /* The OCI seccomp agent's message: "fds" names the descriptors. */
  const struct hr_json *names = hr_json_get (doc, "fds");
  int notify = -1;
  for (size_t i = 0; i < hr_json_len (names) && i < nfds; i++)
    {
      const char *n = hr_json_string (hr_json_at (names, i));
      if (notify < 0 && n && strcmp (n, "seccompFd") == 0)
        {
          notify = fds[i];
          fds[i] = -1;
        }
    }
  close_fds (fds, nfds);
  const struct hr_json *state = hr_json_get (doc, "state");
  const char *id = hr_json_string (hr_json_get (state, "id"));
  const char *meta = hr_json_string (hr_json_get (doc, "metadata"));
  if (notify < 0 || id == NULL || a->st.containers >= HR_AGENT_MAX_CONTAINERS)
    {
      a->st.rejected++;
      if (notify >= 0)
        close (notify);         /* the container's watched syscalls now fail with ENOSYS */
      return -1;
    }
  struct container *c = container_find (a, id);
  if (c == NULL)
    {
      c = calloc (1, sizeof *c);
      if (c == NULL || (c->id = strdup (id)) == NULL || (c->meta = strdup (meta ? meta : "")) == NULL)
        {
          container_free (c);
          close (notify);
          return -1;
        }
      c->annotations = hr_json_copy (hr_json_get (state, "annotations"));
      hr_who_from_annotations (c->id, c->annotations, &c->who);
      c->next = a->containers;
      a->containers = c;
      a->st.containers++;
    }
  if (track_fd (a, notify, c) < 0)
    {
      close (notify);
      if (c->filters == 0)
        container_remove (a, c);
      return -1;
    }
  return notify;
}

int
hr_agent_new (const struct hr_agent_config *cfg, struct hr_agent **ret, struct hr_error *err)
{
  struct hr_agent *a = calloc (1, sizeof *a);
  if (a == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  a->cfg = *cfg;
  int r = seccomp_notify_alloc (&a->req, &a->resp);
  if (r < 0)
    {
      free (a);
      return hr_error_setsys (err, -r, "libseccomp cannot allocate notification buffers");
    }
  *ret = a;
  return 0;
}

void
hr_agent_free (struct hr_agent *a)
{
  if (a == NULL)
    return;
  while (a->containers)
    {
      struct container *c = a->containers;
      a->containers = c->next;
      container_free (c);
    }
  for (size_t fd = 0; fd < a->nfd; fd++)
    if (a->by_fd[fd])
      close ((int) fd);
  free (a->by_fd);
  seccomp_notify_free (a->req, a->resp);
  free (a);
}

void
hr_agent_stats (const struct hr_agent *a, struct hr_agent_stats *ret)
{
  *ret = a->st;
}
