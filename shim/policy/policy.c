/* Runs the controls in order and collects their findings. */
#include "config.h"
#include "policy/policy.h"
#include "cleanup.h"
#include "host.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const hr_control_fn controls[HR_CTL_COUNT] = {
  [HR_CTL_USER] = hr_ctl_user,
  [HR_CTL_CAPS] = hr_ctl_caps,
  [HR_CTL_NO_NEW_PRIVILEGES] = hr_ctl_no_new_privileges,
  [HR_CTL_ROOTFS] = hr_ctl_rootfs,
  [HR_CTL_PATHS] = hr_ctl_paths,
  [HR_CTL_MOUNTS] = hr_ctl_mounts,
  [HR_CTL_DEVICES] = hr_ctl_devices,
  [HR_CTL_NAMESPACES] = hr_ctl_namespaces,
  [HR_CTL_SYSCTLS] = hr_ctl_sysctls,
  [HR_CTL_HOOKS] = hr_ctl_hooks,
  [HR_CTL_ANNOTATIONS] = hr_ctl_annotations,
  [HR_CTL_PIDS] = hr_ctl_pids,
  [HR_CTL_SECCOMP] = hr_ctl_seccomp,
  [HR_CTL_APPARMOR] = hr_ctl_apparmor,
  [HR_CTL_SELINUX] = hr_ctl_selinux,
  [HR_CTL_IMAGES] = hr_ctl_images,
};

const char *
hr_action_name (enum hr_action a)
{
  switch (a)
    {
    case HR_ACT_CHANGED:
      return "changed";
    case HR_ACT_AUDIT:
      return "audit";
    case HR_ACT_REFUSED:
      return "refused";
    default:
      return "note";
    }
}

static void
add (struct hr_apply *a, enum hr_action action, const char *field, const char *fmt, va_list ap)
{
  struct hr_report *r = a->report;
  if (r->n == r->cap)
    {
      size_t ncap = r->cap ? r->cap * 2 : 8;
      struct hr_finding *n = realloc (r->items, ncap * sizeof *n);
      if (n == NULL)
        {
          r->oom = true;
          return;
        }
      r->items = n;
      r->cap = ncap;
    }
  char *msg = NULL;
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  char *f = strdup (field ? field : "");
  if (msg == NULL || f == NULL)
    {
      free (msg);
      free (f);
      r->oom = true;
      return;
    }
  r->items[r->n++] = (struct hr_finding) { .control = a->control, .action = action, .field = f, .message = msg };
  if (action == HR_ACT_REFUSED)
    r->refused = true;
  if (action == HR_ACT_CHANGED)
    r->changed = true;
}

bool
hr_violation (struct hr_apply *a, const char *field, const char *fmt, ...)
{
  va_list ap;
  enum hr_action act;
  switch (a->mode)
    {
    case HR_MODE_ENFORCE:
      act = HR_ACT_CHANGED;
      break;
    case HR_MODE_DENY:
      act = HR_ACT_REFUSED;
      break;
    case HR_MODE_AUDIT:
      act = HR_ACT_AUDIT;
      break;
    default:
      return false;
    }
  va_start (ap, fmt);
  add (a, act, field, fmt, ap);
  va_end (ap);
  return act == HR_ACT_CHANGED;
}

void
hr_refusal (struct hr_apply *a, const char *field, const char *fmt, ...)
{
  va_list ap;
  if (a->mode == HR_MODE_OFF)
    return;
  va_start (ap, fmt);
  add (a, a->mode == HR_MODE_AUDIT ? HR_ACT_AUDIT : HR_ACT_REFUSED, field, fmt, ap);
  va_end (ap);
}

void
hr_note (struct hr_apply *a, const char *field, const char *fmt, ...)
{
  va_list ap;
  if (a->mode == HR_MODE_OFF)
    return;
  va_start (ap, fmt);
  add (a, HR_ACT_NOTE, field, fmt, ap);
  va_end (ap);
}

void
hr_report_release (struct hr_report *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->n; i++)
    {
      free (r->items[i].field);
      free (r->items[i].message);
    }
  free (r->items);
  memset (r, 0, sizeof *r);
}

void
hr_report_refusals (const struct hr_report *r, char *buf, size_t size)
{
  size_t off = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < r->n && off < size; i++)
    {
      const struct hr_finding *f = &r->items[i];
      if (f->action != HR_ACT_REFUSED)
        continue;
      int n = snprintf (buf + off, size - off, "%s%s: %s", off ? "; " : "", hr_control_name (f->control), f->message);
      if (n < 0)
        break;
      off += (size_t) n;
    }
  if (off < size)
    return;
  /* Cut: end with every refusing control, so that none goes unnamed. */
  bool seen[HR_CTL_COUNT] = { false };
  char tail[512];
  size_t t = (size_t) snprintf (tail, sizeof tail, "... (refused by");
  for (size_t i = 0; i < r->n && t < sizeof tail; i++)
    {
      const struct hr_finding *f = &r->items[i];
      if (f->action != HR_ACT_REFUSED || (unsigned) f->control >= HR_CTL_COUNT || seen[f->control])
        continue;
      seen[f->control] = true;
      t += (size_t) snprintf (tail + t, sizeof tail - t, " %s", hr_control_name (f->control));
    }
  if (t >= sizeof tail)
    t = sizeof tail - 1;
  if (t + 1 < sizeof tail)
    {
      tail[t++] = ')';
      tail[t] = '\0';
    }
  if (t < size)
    memcpy (buf + size - 1 - t, tail, t + 1);
}

int
hr_policy_apply (const struct hr_policy_ctx *ctx, struct hr_json *spec, struct hr_report *report,
                 struct hr_error *err)
{
  memset (report, 0, sizeof *report);
  if (!hr_json_is_object (spec))
    return hr_error_set (err, EINVAL, "config.json: expected a JSON object");
  /* Where the bundle and the root filesystem are on the host, resolved
   * once for the controls that judge paths against them. */
  struct hr_policy_ctx c = *ctx;
  const char *b = ctx->bundle_dir ? ctx->bundle_dir : ".";
  cleanup_free char *bundle = b[0] == '/' ? hr_host_dir_resolved (NULL, b) : hr_host_realpath (b);
  cleanup_free char *rootfs = hr_host_dir_resolved (bundle, hr_json_string (hr_json_get_path (spec, "root.path")));
  c.bundle_host = bundle;
  c.rootfs_host = rootfs;
  for (int i = 0; i < HR_CTL_COUNT; i++)
    {
      struct hr_apply a = { .ctx = &c, .control = (enum hr_control_id) i, .mode = ctx->profile->mode[i], .report = report };
      if (a.mode == HR_MODE_OFF)
        continue;
      int r = controls[i](&a, spec, err);
      if (r < 0)
        return hr_error_prefix (err, "%s", hr_control_name ((enum hr_control_id) i));
      if (report->oom)
        return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}
