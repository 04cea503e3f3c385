/* hardrun's side of hardrun-monitor: see monitor_client.h. */
#include "config.h"
#include "monitor_client.h"
#include "policy/notify.h"
#include "cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
hr_monitor_harden (const struct hr_policy *p, struct hr_json *spec, struct hr_report *report, struct hr_error *err)
{
  if (p->monitor_off)
    return 0;
  const char *sock = hr_monitor_socket (p);
  if (!hr_monitor_listening (sock))
    return 0;
  enum hr_notify_result res;
  size_t n = 0;
  int r = hr_notify_rewrite (spec, sock, &res, &n, err);
  if (r < 0)
    return hr_error_prefix (err, "monitor");
  struct hr_apply a = { .control = HR_CTL_SECCOMP, .mode = HR_MODE_ENFORCE, .report = report };
  switch (res)
    {
    case HR_NOTIFY_ON:
      hr_violation (&a, "linux.seccomp.listenerPath", "%zu blocked attack syscall(s) notify hardrun-monitor at \"%s\"",
                    n, sock);
      break;
    case HR_NOTIFY_WORKLOAD_AGENT:
      hr_note (&a, "linux.seccomp.listenerPath",
               "the workload's own seccomp agent takes the notifications: hardrun-monitor is off for this container");
      break;
    case HR_NOTIFY_NO_FILTER:
      hr_note (&a, "linux.seccomp", "no seccomp filter: hardrun-monitor has nothing to watch");
      break;
    case HR_NOTIFY_NOTHING_WATCHED:
      break;
    }
  return report->oom ? hr_error_set (err, ENOMEM, "out of memory") : 0;
}

int
hr_monitor_unharden (struct hr_json *spec, struct hr_report *report, struct hr_error *err)
{
  bool undone = false;
  int r = hr_notify_revert (spec, &undone, err);
  if (r < 0 || !undone)
    return r;
  struct hr_apply a = { .control = HR_CTL_SECCOMP, .mode = HR_MODE_ENFORCE, .report = report };
  hr_violation (&a, "linux.seccomp.listenerPath", "hardrun-monitor's notify rules of an earlier pass undone");
  return report->oom ? hr_error_set (err, ENOMEM, "out of memory") : 0;
}

static void
send_event (const char *sock, const char *rule, const char *id, const struct hr_json *annotations, const char *msg)
{
  cleanup_json struct hr_json *ev = hr_monitor_event (rule, id, msg);
  if (ev == NULL)
    return;
  if (annotations)
    hr_json_set (hr_json_get (ev, "container"), "annotations", hr_json_copy (annotations), NULL);
  hr_monitor_send (sock, ev);
}

void
hr_monitor_decision (const struct hr_policy *p, const char *id, bool exec, const struct hr_json *annotations,
                     const struct hr_report *report, const char *refusal)
{
  if (p == NULL || p->monitor_off)
    return;
  const char *sock = hr_monitor_socket (p);
  if (refusal)
    {
      send_event (sock, exec ? "exec_refused" : "container_refused", id, annotations, refusal);
      return;
    }
  char msg[2048];
  size_t off = 0;
  for (size_t i = 0; report && i < report->n; i++)
    {
      const struct hr_finding *f = &report->items[i];
      if (f->action != HR_ACT_CHANGED)
        continue;
      if (!exec && f->control == HR_CTL_HOOKS)
        send_event (sock, "hook_dropped", id, annotations, f->message);
      else if (exec && off < sizeof msg)
        {
          int n = snprintf (msg + off, sizeof msg - off, "%s%s: %s", off ? "; " : "", f->field, f->message);
          if (n > 0)
            off += (size_t) n;
        }
    }
  if (exec && off > 0)
    send_event (sock, "exec_held", id, annotations, msg);
}
