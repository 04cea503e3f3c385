/* paths: kernel interfaces stay hidden or read-only inside the container:
 * maskedPaths and readonlyPaths hold at least Docker's lists, /sys,
 * /sys/fs/cgroup and every other sysfs or cgroup mount are read-only, /proc
 * is nosuid, noexec and nodev, and no procfs is mounted anywhere else (the
 * lists name paths under /proc only). */
#include "config.h"
#include "policy/policy.h"
#include "policy/mountopt.h"
#include "pathname.h"
#include "cleanup.h"
#include "host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *const masked_paths[] = {
  "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
  "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
  "/proc/timer_stats", "/sys/devices/virtual/powercap", "/sys/firmware",
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static bool
list_has (const struct hr_json *list, const char *path)
{
  for (size_t i = 0; i < hr_json_len (list); i++)
    {
      const char *s = hr_json_string (hr_json_at (list, i));
      char norm[PATH_MAX];
      if (s && hr_path_normalize (s, norm, sizeof norm) && strcmp (norm, path) == 0)
        return true;
    }
  return false;
}

static int
ensure_list (struct hr_apply *a, struct hr_json *spec, const char *key, const char *const *want, size_t n,
             struct hr_error *err)
{
  struct hr_json *list = hr_json_get (hr_json_get (spec, "linux"), key);
  char field[64];
  snprintf (field, sizeof field, "linux.%s", key);
  for (size_t i = 0; i < n; i++)
    {
      if (list_has (list, want[i]))
        continue;
      if (!hr_violation (a, field, "\"%s\" was not listed; added", want[i]))
        continue;
      if (list == NULL)
        {
          /* Created only now: audit and deny modes change nothing. */
          struct hr_json *linux_ = hr_json_ensure_object (spec, "linux");
          if (linux_ == NULL || (list = hr_json_ensure_array (linux_, key)) == NULL)
            return hr_error_set (err, EINVAL, "\"%s\" is not an array", field);
        }
      int r = hr_json_append (list, hr_json_new_string (want[i]), err);
      if (r < 0)
        return r;
    }
  return 0;
}

static int
require_options (struct hr_apply *a, struct hr_json *mount, size_t index, const char *const *opts, size_t n,
                 struct hr_error *err)
{
  char field[64];
  snprintf (field, sizeof field, "mounts[%zu].options", index);
  const char *dest = hr_json_string (hr_json_get (mount, "destination"));
  for (size_t i = 0; i < n; i++)
    {
      if (hr_mount_option_in_effect (mount, opts[i]))
        continue;
      if (!hr_violation (a, field, "\"%s\" mounted without \"%s\"; added", dest, opts[i]))
        continue;
      int r = hr_mount_force_option (mount, opts[i], err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* Where a working directory reaches the host: procfs (the pattern of
 * CVE-2024-21626 is "/proc/self/fd/N", a descriptor of the host's that the
 * runtime leaked into the container) and the links runc makes into it in
 * the container's /dev. Refused whatever the runtime's version: a patched
 * runtime is not the only line of defence. */
static const char *const cwd_avoid[] = { "/proc", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", NULL };

void
hr_cwd_check (struct hr_apply *a, const char *field, const char *cwd, const char *root)
{
  char norm[PATH_MAX];
  if (cwd == NULL || *cwd == '\0')
    return;
  if (!hr_path_normalize (cwd, norm, sizeof norm))
    {
      hr_refusal (a, field, "working directory is too long");
      return;
    }
  for (size_t i = 0; cwd_avoid[i]; i++)
    if (hr_path_is_under (norm, cwd_avoid[i]))
      {
        hr_refusal (a, field, "working directory \"%s\" is under \"%s\", where it can reach the host", cwd,
                    cwd_avoid[i]);
        return;
      }
  if (root == NULL)
    return;
  cleanup_free char *got = NULL, *via = NULL;
  struct hr_error e = { 0 };
  /* as written: ".." after a symlink is the kernel's, not the text's */
  if (hr_path_resolve_in_root (root, cwd, cwd_avoid, &got, &via, &e) < 0)
    hr_refusal (a, field, "working directory \"%s\" cannot be resolved in the root filesystem: %s", cwd, e.msg);
  else if (via)
    hr_refusal (a, field, "working directory \"%s\" leads through \"%s\" (the image's symlinks), where it can "
                "reach the host", cwd, via);
}

int
hr_ctl_paths (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  hr_cwd_check (a, "process.cwd", hr_json_string (hr_json_get_path (spec, "process.cwd")), a->ctx->rootfs_host);

  int r = ensure_list (a, spec, "maskedPaths", masked_paths, HR_ARRAY_SIZE (masked_paths), err);
  if (r == 0)
    r = ensure_list (a, spec, "readonlyPaths", readonly_paths, HR_ARRAY_SIZE (readonly_paths), err);
  if (r < 0)
    return r;

  static const char *const ro[] = { "ro" };
  static const char *const proc_opts[] = { "nosuid", "noexec", "nodev" };
  struct hr_json *mounts = hr_json_get (spec, "mounts");
  for (size_t i = 0; i < hr_json_len (mounts); i++)
    {
      struct hr_json *m = hr_json_at (mounts, i);
      const char *dest = hr_json_string (hr_json_get (m, "destination"));
      const char *type = hr_json_string (hr_json_get (m, "type"));
      char norm[PATH_MAX];
      if (dest == NULL || !hr_path_normalize (dest, norm, sizeof norm))
        continue;
      bool kernel_fs = type && (strcmp (type, "sysfs") == 0 || strcmp (type, "cgroup") == 0
                                || strcmp (type, "cgroup2") == 0);
      if (strcmp (norm, "/sys") == 0 || strcmp (norm, "/sys/fs/cgroup") == 0 || kernel_fs)
        r = require_options (a, m, i, ro, 1, err);
      else if (strcmp (norm, "/proc") == 0 && type && strcmp (type, "proc") == 0)
        r = require_options (a, m, i, proc_opts, 3, err);
      else if (type && strcmp (type, "proc") == 0)
        {
          char field[64];
          snprintf (field, sizeof field, "mounts[%zu]", i);
          hr_refusal (a, field, "a second procfs at \"%s\" escapes maskedPaths and readonlyPaths", norm);
        }
      if (r < 0)
        return r;
    }
  return 0;
}
