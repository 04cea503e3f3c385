/* hardrun-hook: hardrun's own OCI hook. hardrun adds it to the poststart
 * and poststop hooks of every container it hardens; it reads the container
 * state from stdin and appends a lifecycle record to the audit trail.
 *
 *   hardrun-hook poststart|poststop KEY [--attest TOKEN]
 *
 * It takes no path and no free text from its argv: a spec can name it with
 * any argv (when the hooks control is off). KEY, 16 hex digits, names the
 * sink hardrun wrote into its state directory (shim/hooksink.h): the audit
 * file, syslog, hardrun-monitor's socket and the controls that changed the
 * container; the event is one of two words. --attest (poststart only)
 * carries the attestation expectation as a token of numbers and 0/1 flags,
 * "uid=N,gid=N,caps=B:E:I:P:A,nnp=D,seccomp=D,ro=D" (shim/attest.h), parsed
 * strictly. Each option at most once; an argv of any other shape
 * (shim/hookargs.h), or a key that names no sink of hardrun's, makes the
 * hook do nothing.
 *
 * With --attest it checks that the container's init really is what the
 * hardened config says (attestation.h); on a mismatch it kills the
 * container, tells hardrun-monitor and exits 1. A forged token can at worst
 * make it kill its own container.
 *
 * At poststart it also leaves a small watcher behind that waits for the
 * container's first process to end and records how it ended: the exit
 * status (read from /proc while the process is a zombie; "unknown" when
 * its parent reaped it first) and the seconds since start. When a
 * container hardrun changed (the sink's list of the controls that changed
 * it, checked against the control names) ends with a failure within
 * HINT_WINDOW seconds, that record carries a hint naming the likely
 * changes and "hardrun why ID".
 *
 * Otherwise it must never fail a container (runc kills a container whose
 * poststart hook fails), so it exits 0, and it is quick: one read, one
 * write, one fork. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "hookargs.h"
#include "hooksink.h"
#include "log.h"
#include "json.h"
#include "attestation.h"
#include "monitor_client.h"

#define MAX_STATE (256 * 1024)
#define MAX_CHANGED 512
/* "soon after start" */
#define HINT_WINDOW 60

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

struct sink
{
  const char *file;
  int use_syslog;
};

static void
put (struct hr_json *o, const char *key, const struct hr_json *state, const char *from)
{
  const struct hr_json *v = hr_json_get (state, from);
  if (v && (v->type == HR_JSON_STRING || v->type == HR_JSON_NUMBER))
    hr_json_set (o, key, hr_json_copy (v), NULL);
}

static void
emit (const struct sink *sink, const struct hr_json *rec)
{
  struct hr_error err = { 0 };
  char *line = NULL;
  size_t llen = 0;
  if (hr_json_serialize (rec, false, &line, &llen, &err) < 0)
    return;
  line[llen] = '\n';
  if (sink->use_syslog)
    {
      openlog ("hardrun-hook", LOG_PID, LOG_AUTHPRIV);
      syslog (LOG_INFO, "%.*s", (int) llen, line);
      closelog ();
    }
  if (sink->file)
    {
      int fd = open (sink->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
      if (fd >= 0)
        {
          if (write (fd, line, llen + 1) < 0)
            {
              /* nothing to do: a hook must not fail the container */
            }
          close (fd);
        }
    }
  free (line);
}

static struct hr_json *
new_record (const char *event)
{
  struct hr_json *rec = hr_json_new_object ();
  if (rec == NULL)
    return NULL;
  char when[64];
  hr_log_time (when, sizeof when);
  hr_json_set (rec, "time", hr_json_new_string (when), NULL);
  hr_json_set (rec, "event", hr_json_new_string (event), NULL);
  return rec;
}

/* The wait status in /proc/PID/stat (field 52, "exit_code"), or -1. */
static int
exit_code_of (int statfd)
{
  char buf[2048];
  ssize_t n = pread (statfd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* the command name may hold anything: fields count from its last ')' */
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return -1;
  int field = 2;
  char *save = NULL;
  for (char *t = strtok_r (p + 1, " \n", &save); t; t = strtok_r (NULL, " \n", &save))
    if (++field == 52)
      return atoi (t);
  return -1;
}

/* What the user likely meets when CONTROL changed the container. */
static const char *
likely (const char *control)
{
  static const struct
  {
    const char *control, *what;
  } m[] = {
    { "user", "it runs as a non-root user" },
    { "rootfs", "the root filesystem is read-only (scratch tmpfs only at the profile's paths)" },
    { "caps", "capabilities were dropped" },
    { "seccomp", "system calls are filtered" },
    { "no_new_privileges", "setuid programs no longer gain privileges" },
    { "mounts", "mounts were changed" },
    { "apparmor", "an AppArmor profile confines it" },
    { "selinux", "an SELinux label confines it" },
  };
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
    if (strcmp (m[i].control, control) == 0)
      return m[i].what;
  return NULL;
}

/* The hint for a container that ended badly and soon. */
static void
hint (char *buf, size_t size, const char *id, const char *changed)
{
  char list[MAX_CHANGED], copy[MAX_CHANGED];
  size_t off = 0;
  list[0] = '\0';
  snprintf (copy, sizeof copy, "%s", changed);
  char *save = NULL;
  for (char *c = strtok_r (copy, ",", &save); c && off < sizeof list; c = strtok_r (NULL, ",", &save))
    {
      const char *w = likely (c);
      if (w)
        off += (size_t) snprintf (list + off, sizeof list - off, "%s%s", off ? "; " : "", w);
    }
  snprintf (buf, size, "it ended soon after start, and hardrun changed it: %s. "
            "See what changed and how it ended: hardrun why %s",
            off ? list : "see the findings", id);
}

/* The watcher: waits for PID to end and records how. Runs detached, with
 * no descriptor of the runtime's (runc waits for its hooks' output pipes
 * to close). */
static void
watch (const struct sink *sink, const char *id, long pid, const char *changed)
{
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  char path[64];
  snprintf (path, sizeof path, "/proc/%ld/stat", pid);
  int statfd = open (path, O_RDONLY | O_CLOEXEC);
  int pidfd = (int) syscall (SYS_pidfd_open, (pid_t) pid, 0);
  if (pidfd < 0 && errno != ESRCH)
    return;                     /* no pidfd here: nothing reliable to wait on */
  if (pidfd >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      while (poll (&p, 1, -1) < 0 && errno == EINTR)
        ;
    }
  int status = statfd >= 0 ? exit_code_of (statfd) : -1;
  clock_gettime (CLOCK_MONOTONIC, &t1);
  long seconds = (long) (t1.tv_sec - t0.tv_sec);

  struct hr_json *rec = new_record ("exit");
  if (rec == NULL)
    return;
  hr_json_set (rec, "id", hr_json_new_string (id), NULL);
  hr_json_set (rec, "pid", hr_json_new_i64 (pid), NULL);
  bool failed = true;
  if (status >= 0 && WIFEXITED (status))
    {
      hr_json_set (rec, "exitStatus", hr_json_new_i64 (WEXITSTATUS (status)), NULL);
      failed = WEXITSTATUS (status) != 0;
    }
  else if (status >= 0 && WIFSIGNALED (status))
    {
      hr_json_set (rec, "signal", hr_json_new_i64 (WTERMSIG (status)), NULL);
      /* stopped from outside, as engines stop containers: not a failure */
      failed = WTERMSIG (status) != SIGTERM && WTERMSIG (status) != SIGKILL && WTERMSIG (status) != SIGINT;
    }
  else
    hr_json_set (rec, "exitStatus", hr_json_new_string ("unknown"), NULL);
  hr_json_set (rec, "seconds", hr_json_new_i64 (seconds), NULL);
  if (changed && *changed && failed && seconds < HINT_WINDOW)
    {
      char h[1024];
      hint (h, sizeof h, id, changed);
      hr_json_set (rec, "hint", hr_json_new_string (h), NULL);
    }
  emit (sink, rec);
  hr_json_free (rec);
}

/* Leaves the watcher behind: a grandchild in a session of its own, with
 * only /dev/null for stdio. */
static void
spawn_watcher (const struct sink *sink, const char *id, long pid, const char *changed)
{
  pid_t c = fork ();
  if (c < 0)
    return;
  if (c > 0)
    {
      waitpid (c, NULL, 0);
      return;
    }
  setsid ();
  if (fork () != 0)
    _exit (0);
  int nul = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (nul < 0)
    _exit (0);
  for (int fd = 0; fd < 3; fd++)
    dup2 (nul, fd);
  long max = sysconf (_SC_OPEN_MAX);
  for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
    if (fd != nul)
      close (fd);
  close (nul);
  signal (SIGHUP, SIG_IGN);
  watch (sink, id, pid, changed);
  _exit (0);
}

int
main (int argc, char **argv)
{
  struct hr_hook_args args;
  struct hr_hook_sink hs = { 0 };
  bool have_sink = hr_hook_args_parse (argc, (const char *const *) argv, &args)
                   && hr_hook_sink_read (HARDRUN_STATE_DIR, args.key, &hs) == 0;
  struct sink sink = { .file = hs.file, .use_syslog = hs.syslog };

  static char buf[MAX_STATE];
  size_t len = 0;
  ssize_t n;
  while (len < sizeof buf && (n = read (STDIN_FILENO, buf + len, sizeof buf - len)) > 0)
    len += (size_t) n;
  if (!have_sink)
    return 0;                   /* the state was read: runc's write does not fail */

  struct hr_json *state = NULL;
  struct hr_error err = { 0 };
  if (len == 0 || hr_json_parse (buf, len, "state", &state, &err) < 0)
    state = NULL;

  struct hr_json *rec = new_record (args.event);
  if (rec == NULL)
    {
      hr_json_free (state);
      hr_hook_sink_release (&hs);
      return 0;
    }
  put (rec, "id", state, "id");
  put (rec, "pid", state, "pid");
  put (rec, "status", state, "status");
  put (rec, "bundle", state, "bundle");

  int status = 0;
  int64_t pid = 0;
  if (!hr_json_int_value (hr_json_get (state, "pid"), 1, INT32_MAX, &pid))
    pid = 0;
  const char *id = hr_json_string (hr_json_get (state, "id"));
  if (args.attest)
    {
      char why[1024];
      enum hr_hook_attest_result a = hr_hook_attest (args.attest, (pid_t) pid, why, sizeof why);
      static const char *const names[] = { "ok", "exited", "unusable", "failed" };
      hr_json_set (rec, "attestation", hr_json_new_string (names[a]), NULL);
      if (a == HR_HOOK_ATTEST_KILLED)
        {
          status = 1;
          hr_json_set (rec, "why", hr_json_new_string (why), NULL);
          struct hr_json *ev = hs.monitor ? hr_monitor_event ("attestation_failed", id, why) : NULL;
          if (ev)
            {
              struct hr_json *c = hr_json_get (ev, "container");
              const struct hr_json *ann = hr_json_get (state, "annotations");
              if (ann)
                hr_json_set (c, "annotations", hr_json_copy (ann), NULL);
              hr_json_set (ev, "pid", hr_json_new_i64 (pid), NULL);
              hr_monitor_send (hs.monitor, ev);
              hr_json_free (ev);
            }
          fprintf (stderr, "hardrun-hook: attestation failed, container killed: %s\n", why);
        }
    }
  emit (&sink, rec);
  hr_json_free (rec);

  /* a container that attestation killed has ended: nothing to watch */
  if (status == 0 && strcmp (args.event, "poststart") == 0 && id && strlen (id) < 1024 && pid > 0)
    {
      fflush (NULL);
      spawn_watcher (&sink, id, (long) pid, hs.changed);
    }
  hr_json_free (state);
  hr_hook_sink_release (&hs);
  return status;
}
