/* hardrun-hook: hardrun's own OCI hook. hardrun adds it to the poststart
 * and poststop hooks of every container it hardens; it reads the container
 * state from stdin and appends a lifecycle record to the audit trail.
 *
 *   hardrun-hook poststart|poststop KEY [--attest TOKEN]
 *
 * It takes no path and no free text from its argv: a spec can name it with
 * any argv (when the hooks control is off). KEY, 16 hex digits, names the
 * sink hardrun wrote into its state directory (shim/hooksink.h): the audit
 * file, syslog and hardrun-monitor's socket; the event is one of two words.
 * --attest (poststart only) carries the attestation expectation as a token
 * of numbers and 0/1 flags, "uid=N,gid=N,caps=B:E:I:P:A,nnp=D,seccomp=D,ro=D"
 * (shim/attest.h), parsed strictly. Each option at most once; an argv of
 * any other shape (shim/hookargs.h), or a key that names no sink of
 * hardrun's, makes the hook do nothing.
 *
 * With --attest it checks that the container's init really is what the
 * hardened config says (attestation.h); on a mismatch it kills the
 * container, tells hardrun-monitor and exits 1. A forged token can at worst
 * make it kill its own container. Otherwise it must never fail a container
 * (runc kills a container whose poststart hook fails), so it exits 0, and
 * it is quick: one read, one write. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static void
put (struct hr_json *o, const char *key, const struct hr_json *state, const char *from)
{
  const struct hr_json *v = hr_json_get (state, from);
  if (v && (v->type == HR_JSON_STRING || v->type == HR_JSON_NUMBER))
    hr_json_set (o, key, hr_json_copy (v), NULL);
}

int
main (int argc, char **argv)
{
  struct hr_hook_args args;
  struct hr_hook_sink sink = { 0 };
  bool ok = hr_hook_args_parse (argc, (const char *const *) argv, &args)
            && hr_hook_sink_read (HARDRUN_STATE_DIR, args.key, &sink) == 0;

  static char buf[MAX_STATE];
  size_t len = 0;
  ssize_t n;
  while (len < sizeof buf && (n = read (STDIN_FILENO, buf + len, sizeof buf - len)) > 0)
    len += (size_t) n;
  if (!ok)
    return 0;                   /* the state was read: runc's write does not fail */

  struct hr_json *state = NULL;
  struct hr_error err = { 0 };
  if (len == 0 || hr_json_parse (buf, len, "state", &state, &err) < 0)
    state = NULL;

  struct hr_json *rec = hr_json_new_object ();
  if (rec == NULL)
    {
      hr_json_free (state);
      hr_hook_sink_release (&sink);
      return 0;
    }
  char when[64];
  hr_log_time (when, sizeof when);
  hr_json_set (rec, "time", hr_json_new_string (when), NULL);
  hr_json_set (rec, "event", hr_json_new_string (args.event), NULL);
  put (rec, "id", state, "id");
  put (rec, "pid", state, "pid");
  put (rec, "status", state, "status");
  put (rec, "bundle", state, "bundle");

  int status = 0;
  if (args.attest)
    {
      int64_t pid = 0;
      char why[1024];
      if (!hr_json_int_value (hr_json_get (state, "pid"), 1, INT32_MAX, &pid))
        pid = 0;
      enum hr_hook_attest_result a = hr_hook_attest (args.attest, (pid_t) pid, why, sizeof why);
      static const char *const names[] = { "ok", "exited", "unusable", "failed" };
      hr_json_set (rec, "attestation", hr_json_new_string (names[a]), NULL);
      if (a == HR_HOOK_ATTEST_KILLED)
        {
          status = 1;
          hr_json_set (rec, "why", hr_json_new_string (why), NULL);
          const char *id = hr_json_string (hr_json_get (state, "id"));
          struct hr_json *ev = sink.monitor ? hr_monitor_event ("attestation_failed", id, why) : NULL;
          if (ev)
            {
              struct hr_json *c = hr_json_get (ev, "container");
              const struct hr_json *ann = hr_json_get (state, "annotations");
              if (ann)
                hr_json_set (c, "annotations", hr_json_copy (ann), NULL);
              hr_json_set (ev, "pid", hr_json_new_i64 (pid), NULL);
              hr_monitor_send (sink.monitor, ev);
              hr_json_free (ev);
            }
          fprintf (stderr, "hardrun-hook: attestation failed, container killed: %s\n", why);
        }
    }

  char *line = NULL;
  size_t llen = 0;
  if (hr_json_serialize (rec, false, &line, &llen, &err) == 0)
    {
      line[llen] = '\n';
      if (sink.syslog)
        {
          openlog ("hardrun-hook", LOG_PID, LOG_AUTHPRIV);
          syslog (LOG_INFO, "%.*s", (int) llen, line);
          closelog ();
        }
      if (sink.file)
        {
          int fd = open (sink.file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
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
  hr_json_free (rec);
  hr_json_free (state);
  hr_hook_sink_release (&sink);
  return status;
}
