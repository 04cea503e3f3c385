#include "config.h"
#include "audit.h"
#include "cleanup.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *
annotation (const struct hr_json *ann, const char *key)
{
  return hr_json_string (hr_json_get (ann, key));
}

static void
set_str (struct hr_json *o, const char *key, const char *v)
{
  if (v)
    hr_json_set (o, key, hr_json_new_string (v), NULL);
}

struct hr_json *
hr_audit_record (const struct hr_decision *d)
{
  struct hr_json *rec = hr_json_new_object ();
  if (rec == NULL)
    return NULL;
  char when[64];
  hr_log_time (when, sizeof when);

  const struct hr_report *rep = d->report;
  const char *result = d->unchecked ? "unchecked"
                       : d->error ? "refused"
                       : rep && rep->changed ? "changed"
                       : "unchanged";
  set_str (rec, "time", when);
  set_str (rec, "event", "decision");
  set_str (rec, "command", d->cmd ? hr_command_name (d->cmd->command) : NULL);
  set_str (rec, "id", d->cmd ? d->cmd->id : NULL);
  set_str (rec, "bundle", d->bundle);
  set_str (rec, "runtimeRoot", d->cmd ? d->cmd->root : NULL);
  set_str (rec, "result", result);
  set_str (rec, "profile", d->profile);
  set_str (rec, "rule", d->rule);

  const struct hr_json *ann = d->annotations;
  static const struct
  {
    const char *key, *annotation;
  } pod[] = {
    { "namespace", "io.kubernetes.cri.sandbox-namespace" },
    { "pod", "io.kubernetes.cri.sandbox-name" },
    { "sandboxId", "io.kubernetes.cri.sandbox-id" },
    { "containerType", "io.kubernetes.cri.container-type" },
    { "container", "io.kubernetes.cri.container-name" },
    { "image", "io.kubernetes.cri.image-name" },
  };
  struct hr_json *podobj = NULL;
  for (size_t i = 0; i < HR_ARRAY_SIZE (pod); i++)
    {
      const char *v = annotation (ann, pod[i].annotation);
      if (v == NULL)
        continue;
      if (podobj == NULL && (podobj = hr_json_ensure_object (rec, "pod")) == NULL)
        break;
      set_str (podobj, pod[i].key, v);
    }
  set_str (rec, "error", d->error);

  struct hr_json *findings = hr_json_ensure_array (rec, "findings");
  for (size_t i = 0; rep && findings && i < rep->n; i++)
    {
      const struct hr_finding *f = &rep->items[i];
      struct hr_json *fo = hr_json_new_object ();
      if (fo == NULL)
        break;
      set_str (fo, "control", hr_control_name (f->control));
      set_str (fo, "mode", d->modes ? hr_mode_name (d->modes->mode[f->control]) : NULL);
      set_str (fo, "action", hr_action_name (f->action));
      set_str (fo, "field", f->field);
      set_str (fo, "message", f->message);
      hr_json_append (findings, fo, NULL);
    }
  return rec;
}

int
hr_audit_write (const struct hr_audit_sink *sink, const struct hr_json *record, struct hr_error *err)
{
  cleanup_free char *line = NULL;
  size_t len = 0;
  int r = hr_json_serialize (record, false, &line, &len, err);
  if (r < 0)
    return r;
  if (sink->syslog)
    {
      openlog ("hardrun", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
      syslog (LOG_INFO, "%s", line);
      closelog ();
    }
  if (sink->file == NULL)
    return 0;
  line[len] = '\n';             /* serialize left room for the NUL */
  cleanup_close int fd = open (sink->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0 && errno == ENOENT)
    {
      /* the directory, once */
      char dir[4096];
      snprintf (dir, sizeof dir, "%s", sink->file);
      char *slash = strrchr (dir, '/');
      if (slash && slash != dir)
        {
          *slash = '\0';
          mkdir (dir, 0750);
        }
      fd = open (sink->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    }
  if (fd < 0)
    return hr_error_setsys (err, errno, "audit file \"%s\"", sink->file);
  /* One write: with O_APPEND the line lands whole, after every other. */
  ssize_t w = write (fd, line, len + 1);
  if (w != (ssize_t) (len + 1))
    return hr_error_setsys (err, w < 0 ? errno : EIO, "audit file \"%s\": short write", sink->file);
  return 0;
}
